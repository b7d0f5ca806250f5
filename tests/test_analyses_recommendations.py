"""The Recommendations analysis (promo_core.analyses.recommendations): run() gives what the domain
functions give when called directly, the same from a DataFrame and from the workspace's Ibis table;
each part depends on its own settings only and fails on its own; a customer is looked up in the
fitted model; uploaded products tables are read or refused with a reason."""
from __future__ import annotations

import pandas as pd
import pytest

from promo_core import basket, recommend, segments
from promo_core.analyses import recommendations as analysis
from promo_core.errors import DataError
from promo_core.store import Workspace
from promo_core.text import Message, render

EXACT = {"check_exact": False, "rtol": 1e-9, "atol": 0}


@pytest.fixture(scope="module")
def small(demo_tx) -> pd.DataFrame:
    """The demo's lines of its first 1,500 customers and its guests: every part runs in seconds."""
    customers = demo_tx["customer_id"].dropna().drop_duplicates().sort_values().head(1500)
    return demo_tx[demo_tx["customer_id"].isin(customers) | demo_tx["customer_id"].isna()].reset_index(drop=True)


@pytest.fixture(scope="module")
def params(demo) -> analysis.Params:
    return analysis.Params(products=analysis.Products.of(demo.products), models=("popularity", "segment", "knn",
                                                                                 "content", "hybrid"))


@pytest.fixture(scope="module")
def result(small, params) -> analysis.Result:
    return analysis.run(small, params)


def _table(evaluation: recommend.Evaluation) -> pd.DataFrame:
    return evaluation.table.drop(columns=["fit_seconds"])


def test_run_gives_what_the_domain_functions_give(small, demo, result):
    cut = recommend.default_cut(small)
    split = recommend.temporal_split(small, cut=cut, catalogue=demo.products)
    segment_of = segments.rfm(small[small["order_date"] < cut]).set_index("customer_id")["segment"]
    knn, content, popular = recommend.ItemKNN(), recommend.ContentBased(), recommend.Popularity()
    in_segment = recommend.Popularity(segments=segment_of)
    models = {"popularity": popular, "segment": in_segment, "knn": knn, "content": content,
              "hybrid": recommend.Hybrid([("kNN", knn, 0.45), ("ALS", recommend.ALS(), 0.35), ("content", content, 0.1),
                                          ("popularity", in_segment, 0.1)])}
    evaluation = recommend.evaluate(models, split)
    assert result.problems == {} and result.has_customers
    assert result.evaluation.split is None, "a kept Result holds the figures, not matrices as large as the data"
    assert (result.evaluation.cut, result.evaluation.new_customers) == (cut, split.new_customers)
    pd.testing.assert_frame_equal(_table(result.evaluation), _table(evaluation), **EXACT)
    assert result.recommended == (evaluation.best if evaluation.beats_baseline else "popularity")
    table = evaluation.table.set_index("model")["ndcg"]
    assert result.ndcg_gain == pytest.approx(table[evaluation.best] - table["popularity"], rel=1e-9)
    # the model fitted on all purchases is the recommended one, fitted on every line
    assert result.fitted.key == result.recommended
    every_segment = segments.rfm(small).set_index("customer_id")["segment"]  # (all purchases: segments of today)
    in_segment_today = recommend.Popularity(segments=every_segment)
    model = {"popularity": recommend.Popularity(), "segment": in_segment_today, "knn": recommend.ItemKNN(),
             "content": recommend.ContentBased(),
             "hybrid": recommend.Hybrid([("kNN", knn, 0.45), ("ALS", recommend.ALS(), 0.35),
                                         ("content", content, 0.1), ("popularity", in_segment_today, 0.1)]),
             }[result.fitted.key]
    fitted = model.fit(recommend.interactions_from(small, catalogue=demo.products))
    some = result.fitted.history_sizes.index[:50]
    mine = analysis.recommendations_for(result.fitted, some)
    pd.testing.assert_frame_equal(mine, fitted.recommend(some, k=10)[mine.columns])
    # basket rules at about 20 baskets' worth of support
    baskets = basket.baskets_from(small)
    support = min(0.05, max(0.0002, round(20 / baskets.n_baskets, 4)))
    rules = basket.association_rules(baskets, min_support=support, min_confidence=0.05, max_len=3)
    assert (result.rules.n_baskets, result.rules.min_support, result.rules.chosen) == (baskets.n_baskets, support, True)
    pd.testing.assert_frame_equal(result.rules.rules, rules, **EXACT)
    pd.testing.assert_frame_equal(result.rules.strong, rules[rules["lift"] > 1], **EXACT)
    single = result.rules.strong[result.rules.strong["antecedents"].map(len) == 1]
    assert set(result.rules.products) == {a[0] for a in single["antecedents"]}
    assert result.rules.strongest_lift == result.rules.strong["lift"].max()


def test_run_from_the_workspace_table_equals_run_from_a_dataframe(small, params, result, tmp_path):
    """The page runs on the workspace's Ibis table (no order line in pandas), notebooks on a frame."""
    ws = Workspace(tmp_path / "promo.duckdb")
    dataset = ws.save_dataset("Small", {"transactions": small})
    with ws.ibis_table(dataset) as sales:
        from_table = analysis.run(sales, params)
    assert from_table.problems == {}
    pd.testing.assert_frame_equal(_table(from_table.evaluation), _table(result.evaluation), **EXACT)
    pd.testing.assert_frame_equal(from_table.rules.rules, result.rules.rules, **EXACT)
    pd.testing.assert_series_equal(from_table.fitted.history_sizes, result.fitted.history_sizes)
    some = result.fitted.history_sizes.index[:50]
    pd.testing.assert_frame_equal(analysis.recommendations_for(from_table.fitted, some, 5),
                                  analysis.recommendations_for(result.fitted, some, 5), **EXACT)


def test_the_result_holds_numbers_tables_and_messages_never_text(result):
    assert isinstance(result.verdict, Message) and render(result.verdict, "zh") != render(result.verdict)
    lists = analysis.recommendations_for(result.fitted, result.fitted.history_sizes.index[:3], k=4)
    assert len(lists) == 12 and all(isinstance(r, Message) for r in lists["reason"])
    explained = analysis.bought_with(result.rules, result.rules.products[0])
    assert len(explained) and all(isinstance(e, Message) for e in explained["explanation"])
    named = analysis.named_rules(result.rules)
    assert named["antecedents"].map(lambda a: isinstance(a, str)).all()
    first = result.rules.strong.iloc[0]
    assert named["antecedents"].iloc[0] == " + ".join(result.rules.names[p] for p in first["antecedents"])


def test_each_part_depends_on_its_own_settings_only():
    a = analysis.Params(k=5, cut=pd.Timestamp("2026-01-01").date(), model="knn", basket_by="customer_date",
                        min_support=0.01)
    b = analysis.Params(k=20, cut=pd.Timestamp("2026-01-01").date(), model="als", basket_by="customer_date",
                        min_support=0.01)
    assert a.for_part("rules") == b.for_part("rules") and hash(a.for_part("rules")) == hash(b.for_part("rules"))
    assert a.for_part("model") != b.for_part("model") and a.for_part("evaluation") != b.for_part("evaluation")
    assert analysis.Params(k=20).for_part("model") == analysis.Params(k=5).for_part("model")
    assert a.for_part("rules").parts == frozenset({"rules"}) and a.for_part("rules").k == analysis.Params().k
    products = pd.DataFrame({"product_id": ["p1", "p2"], "product_name": ["Oat milk", "Knife"]})
    assert analysis.Products.of(products) == analysis.Products.of(products.copy())
    assert analysis.Products.of(products) != analysis.Products.of(products.assign(product_name=["Oat milk", "Fork"]))
    hash(analysis.Params(products=analysis.Products.of(products)))


def test_a_part_runs_only_when_asked_and_tells_its_steps(small):
    told = []
    only_rules = analysis.run(small, analysis.Params(parts=frozenset({"rules"})), progress=told.append)
    assert only_rules.evaluation is None and only_rules.fitted is None and only_rules.has_customers is None
    assert [m.id for m in told] == ["recommendations.step.baskets", "recommendations.step.rules"]
    told.clear()
    evaluated = analysis.run(small, analysis.Params(parts=frozenset({"evaluation"}), models=("popularity", "knn")),
                             progress=told.append)
    assert evaluated.rules is None and evaluated.fitted is None
    assert told == [Message("recommendations.step.split"),
                    Message("recommendations.step.evaluate", model=Message("recommendations.model.popularity"),
                            done=1, total=2),
                    Message("recommendations.step.evaluate", model=Message("recommendations.model.knn"),
                            done=2, total=2)]


def test_a_bug_in_one_part_is_an_incident_and_the_others_still_work(small, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("SELECT * FROM tx_secret")

    monkeypatch.setattr(basket, "association_rules", broken)
    out = analysis.run(small, analysis.Params(models=("popularity", "knn"), model="knn"))
    assert out.rules is None and out.problems["rules"].id == "error.unexpected"
    assert "tx_secret" not in render(out.problems["rules"])
    assert out.evaluation is not None and out.fitted is not None


def test_without_customer_ids_the_personal_parts_say_why_and_the_rules_still_work(small):
    out = analysis.run(small.assign(customer_id=None), analysis.Params(models=("popularity", "knn")))
    assert out.has_customers is False and out.evaluation is None and out.fitted is None
    assert out.problems["evaluation"] == out.problems["model"] == Message("recommend.error.no_customers")
    assert out.rules.n_baskets > 0


def test_a_cut_date_with_nothing_after_it_is_the_evaluation_s_problem_only(small):
    late = small["order_date"].max().date()
    out = analysis.run(small, analysis.Params(cut=late + pd.Timedelta(days=1), models=("popularity",)))
    assert out.evaluation is None and out.problems["evaluation"].id == "recommend.error.nothing_after"
    assert out.fitted.key == "popularity" and out.rules is not None


def test_a_customer_the_model_never_saw_gets_best_sellers_and_no_history(result):
    lists = analysis.recommendations_for(result.fitted, ["nobody"], k=3)
    assert [m.id for m in lists["reason"]] == ["recommend.reason.new_customer"] * 3
    assert analysis.history(result.fitted, "nobody").empty
    known = result.fitted.history_sizes.index[0]
    mine = analysis.history(result.fitted, known, top=1000)
    assert len(mine) == result.fitted.history_sizes.iloc[0] and mine["purchases"].is_monotonic_decreasing
    assert analysis.sample_lists(result.fitted, k=4, rows=10).equals(
        analysis.recommendations_for(result.fitted, None, k=4).head(10))


def test_the_default_cut_leaves_a_tenth_of_the_days_for_testing(small):
    first, last = small["order_date"].min(), small["order_date"].max()
    assert analysis.default_cut(first.normalize(), last.normalize()) == recommend.default_cut(small).date()
    assert analysis.default_cut(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-05")) == pd.Timestamp(
        "2025-01-02").date(), "at least one day to learn from"


def test_products_are_read_from_an_upload_or_refused_with_the_reason():
    frame = analysis.read_products(b"Product ID;Product Name\n007;Oat milk\n", "products.csv")
    assert frame.to_dict("list") == {"product_id": ["007"], "product_name": ["Oat milk"]}
    with pytest.raises(DataError) as no_id:
        analysis.read_products(b"sku,name\n1,Oat milk\n", "items.csv")
    assert no_id.value.id == "recommend.error.products_no_product_id"
    assert "items.csv has no product_id column (its columns are: sku, name)" in str(no_id.value)
    with pytest.raises(DataError) as unreadable:
        analysis.read_products(b"PK\x03\x04 not really a workbook", "products.xlsx")
    assert unreadable.value.id == "recommend.error.products_unreadable"
    assert unreadable.value.text("zh") == "无法把 products.xlsx 读取为商品表。请上传 CSV 或 .xlsx 文件。"


def test_the_evaluations_segments_as_of_the_day_before_the_cut_are_those_of_the_lines_before_it(demo_workspace):
    """The evaluation reads the customers' segments from the stored per-order grouping, as of the
    day before the cut, instead of from the lines before the cut: the same segment for everyone."""
    ws = Workspace(demo_workspace)
    with ws.ibis_table(ws.list_datasets()["id"][0]) as sales:
        assert segments.customer_orders(sales).grouped
        cut = recommend.default_cut(sales)
        stored = analysis._segments(sales, cut - pd.Timedelta(days=1))
        lines = sales.to_pandas()
    before = segments.rfm(lines[lines["order_date"] < cut]).set_index("customer_id")["segment"]
    assert cut == cut.normalize()
    pd.testing.assert_series_equal(stored, before)
