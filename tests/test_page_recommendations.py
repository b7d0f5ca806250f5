"""The Recommendations page on the demo retailer, in AppTest: headline, verdict, a customer's list
with reasons, basket rules for a product, the model comparison and the exports; the numbers of the
code before the redesign; a rerun that changes no computation touches no engine."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tests.conftest import assert_apology_without_details, count_calls, page_text, page_with_failure
from tests.golden.record_recommendations import digest

PAGE = "pages/recommendations.py"
GOLDEN = Path(__file__).parent / "golden" / "recommendations_demo.json"


def _metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_recommendations_page_on_the_demo(app_page):
    at = app_page(PAGE)
    assert not at.exception, at.exception
    text = page_text(at)
    metrics = _metrics(at)
    assert metrics["Customers evaluated"] == "3,000"
    lift = float(metrics["Lift over popularity"].rstrip("%"))
    assert lift > 100  # planted tastes: the best model far exceeds best-sellers
    assert metrics["Recommended model"] in ("Item kNN", "ALS", "Hybrid")
    assert at.success[0].value.startswith("Use ")
    # one customer's list carries checkable reasons
    first = at.dataframe[0].value
    assert len(first) == 10
    assert first["reason"].str.contains("bought with|similar to|best-seller").all()
    # what sells with a product, with rule strength
    assert "Baskets" in metrics and int(metrics["Rules with lift above 1"].replace(",", "")) > 0
    assert any("also hold" in str(v) for df in at.dataframe for v in df.value.get("explanation", []))
    assert "Minimum support 0.0002 (chosen automatically: about 20 of your 413,966 baskets)." in text
    # model comparison: every model next to best-sellers, MAP definition stated
    comparison = next(df.value for df in at.dataframe if "ndcg_lift" in df.value.columns)
    assert {"Best-sellers", "Bought together (item kNN)", "Hidden tastes (ALS)", "Hybrid"} <= set(comparison["model"])
    assert "MAP@k is the mean over customers of AP@k" in text
    labels = [b.label for b in at.get("download_button")]
    assert "Download recommendations for every customer (CSV)" in labels and "Download all rules (CSV)" in labels


def test_recommendations_page_in_chinese(app_page):
    at = app_page(PAGE, lang="zh")
    assert not at.exception, at.exception
    text = page_text(at)
    labels = [m.label for m in at.metric]
    assert "相对畅销榜的提升" in labels and "建议使用的模型" in labels
    assert at.success[0].value.startswith("建议使用")
    assert "MAP@k 为所有客户 AP@k 的平均值" in text
    reasons = at.dataframe[0].value["reason"]
    assert reasons.str.contains("相似|一起购买|畅销").all()


def test_groceries_page_says_plainly_that_best_sellers_win(shared_data, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from promo_core.io import load_transactions
    from promo_core.store import Workspace

    loaded = load_transactions(shared_data / "groceries.csv")
    path = tmp_path / "groceries.duckdb"
    Workspace(path).save_dataset("Groceries", {"transactions": loaded.data, "quarantine": loaded.quarantine},
                                 source="groceries.csv", rows_in=loaded.rows_in, mapping=loaded.mapping,
                                 report=loaded.report)
    monkeypatch.setenv("PROMO_WORKSPACE", str(path))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=180)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    metrics = _metrics(at)
    assert metrics["Recommended model"] == "Best-sellers"
    assert at.info[0].value.startswith("No model clearly beats simply showing best-sellers on this data, so use "
                                       "the best-seller list (Best-sellers)")
    assert metrics["Baskets"] == "14,963"
    # the analysis is saved for the Reports page (in this test's own workspace)
    at.button(key="save-btn-recommendations").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Saved “Recommendations”") for s in at.success)
    saved = Workspace(path).list_analyses()
    assert saved["page"].tolist() == ["recommendations"]


def test_an_evaluation_that_fails_leaves_the_basket_rules(app_page, monkeypatch):
    from promo_core import recommend

    at = page_with_failure(app_page, monkeypatch, PAGE, recommend, "evaluate")
    assert_apology_without_details(at)
    assert int(_metrics(at)["Rules with lift above 1"].replace(",", "")) > 0


def test_data_without_customer_ids_still_gets_basket_rules(app_page, own_workspace):
    """Guest orders only: the page says there is nobody to personalise for, and the rules still work."""
    from promo_core.store import Workspace

    workspace = Workspace(own_workspace)
    demo_id = workspace.list_datasets()["id"].iloc[0]
    tx = workspace.load_table(demo_id, "transactions").head(20_000).assign(customer_id=None)
    anonymous = workspace.save_dataset("Till rolls", {"transactions": tx})
    at = app_page()
    at.session_state["dataset_id"] = anonymous
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    assert at.warning[0].value.startswith("This data has no customer ids, so there is nobody to personalise for.")
    assert not at.error and "Customers evaluated" not in _metrics(at)
    bought = tx[(tx["quantity"] > 0) & ~tx["is_return"]]
    assert _metrics(at)["Baskets"] == f"{bought['order_id'].nunique():,}"



def test_a_single_day_of_sales_says_why_there_is_no_evaluation(app_page, own_workspace):
    """One day of orders leaves no period before a cut to learn from: the page says so where the
    evaluation would be (no date picker whose earliest day is after its latest) and the basket
    rules of that day still show."""
    import pandas as pd

    from promo_core.io import finalize_transactions
    from promo_core.store import Workspace

    day = pd.DataFrame({"order_id": ["1", "1", "2"], "customer_id": ["C1", "C1", "C2"],
                        "order_date": pd.to_datetime(["2024-01-05 10:00", "2024-01-05 10:00", "2024-01-05 17:30"]),
                        "product_id": ["P1", "P2", "P1"], "quantity": [2, 1, 1], "unit_price": [3.5, 2.0, 3.5]})
    one_day = Workspace(own_workspace).save_dataset("One day", {"transactions": finalize_transactions(day)})
    at = app_page()
    at.session_state["dataset_id"] = one_day
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["The data covers a single day, so there is no earlier period to learn "
                                           "from and no later one to check against: the evaluation needs purchases "
                                           "on at least two days."]
    assert not at.date_input and "Customers evaluated" not in _metrics(at)
    assert _metrics(at)["Baskets"] == "2"

# --------------------------------------------------------------------------------------------
# The redesign keeps the numbers; a rerun that changes no computation touches no engine
# --------------------------------------------------------------------------------------------
def _same_digest(new: dict, old: dict, where: str) -> None:
    """Two ``digest``s hold the same rows and sums: text equal, numbers to 1e-9 (columns may be named
    differently: the old page renamed them, the new one titles them)."""
    assert new["rows"] == old["rows"], where
    assert len(new["head"]) == len(old["head"]), where
    for i, (a, b) in enumerate(zip(new["head"], old["head"])):
        for j, (x, y) in enumerate(zip(a, b)):
            if isinstance(y, (int, float)) and not isinstance(y, bool):
                np.testing.assert_allclose(float(x), float(y), rtol=1e-9, atol=1e-12, err_msg=f"{where} {i},{j}")
            else:
                assert x == y, f"{where} row {i} column {j}: {x!r} != {y!r}"
    np.testing.assert_allclose(list(new["sums"].values()), list(old["sums"].values()), rtol=1e-9, err_msg=where)


def test_the_redesign_keeps_the_numbers_of_the_page_and_the_report(app_page, demo_tx):
    """What the page and the report's two sections showed on the demo before the redesign (recorded
    from main at 6b40118 by tests/golden/record_recommendations.py), they show now.

    Intended differences: tables keep their data's column names (the old page renamed them; the
    headings are the same words), the minimum support is chosen by the analysis and said in a
    caption (the old page pre-filled its box), and the export's caption counts customers instead of
    rows (the lists are made only when downloaded)."""
    from promo_core import report

    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    old = golden["page_en"]
    at = app_page(PAGE)
    assert _metrics(at) == old["metrics"]
    assert [e.value for e in (*at.success, *at.info)] == old["verdict"]
    assert (at.selectbox(key="rec-customer").value, at.selectbox(key="rec-model").value,
            at.selectbox(key="rec-product").value) == (old["customer"], old["model"], old["product"])
    tables = [df.value.drop(columns=["fit_seconds"], errors="ignore") for df in at.dataframe]
    assert len(tables) == len(old["tables"])
    for i, (shown, recorded) in enumerate(zip(tables, old["tables"])):
        _same_digest(digest(shown), recorded, f"page table {i}")
    captions = [c.value for c in at.caption]
    assert [c for c in captions if c not in old["captions"]] == [
        "Minimum support 0.0002 (chosen automatically: about 20 of your 413,966 baskets).",
        "Hidden tastes (ALS): 10 products (customer_id, rank, product_id, product_name, score, reason) for each of "
        "19,688 customers, ready for an e-mail or app campaign."]
    assert [c for c in old["captions"] if c not in captions] == [
        "Hidden tastes (ALS): 196,880 rows (customer_id, rank, product_id, product_name, score, reason) for every "
        "customer, ready for an e-mail or app campaign."]
    at.session_state["lang"] = "zh"
    at.run()
    assert _metrics(at) == golden["page_zh"]["metrics"]

    for name in ("basket_analysis", "recommendations_analysis"):
        section, recorded = getattr(report, name)(demo_tx), golden[name]
        assert (section.name, section.params, section.notes) == (recorded["name"], recorded["params"],
                                                                 recorded["notes"])
        assert list(section.tables) == list(recorded["tables"])
        for title, table in section.tables.items():
            assert digest(table)["columns"] == recorded["tables"][title]["columns"]
            _same_digest(json.loads(json.dumps(digest(table), default=str)), recorded["tables"][title], name)


def test_another_customer_or_language_touches_no_engine_and_refits_nothing(app_page, monkeypatch):
    """Showing another customer, switching the language or the currency, or opening the page again
    shows the kept Results: no run of the analysis, no table opened, no model fitted. A new number of
    products per list runs the evaluation again, and only it; a new basket definition only the rules."""
    import streamlit as st

    from promo_core import recommend
    from promo_core.analyses import recommendations as analysis
    from promo_core.store import Workspace

    runs = count_calls(monkeypatch, analysis, "run", lambda source, params, *args, **kwargs: params)
    opened = count_calls(monkeypatch, Workspace, "ibis_table")
    fits = count_calls(monkeypatch, recommend.Recommender, "fit", lambda self, *args, **kwargs: self)
    st.cache_resource.clear()  # (earlier tests kept this dataset's results)
    at = app_page(PAGE, counting=(runs, opened, fits))
    assert not at.exception, at.exception
    assert [sorted(p.parts) for p in runs] == [["evaluation"], ["model"], ["rules"]]
    assert len(opened) == 4, "the period for the date picker, then each part"
    before = (len(runs), len(opened), len(fits))
    shown = at.dataframe[0].value
    other = at.selectbox(key="rec-customer").options[5].split(" (")[0]
    at.selectbox(key="rec-customer").set_value(other).run()
    assert not at.exception, at.exception
    assert not at.dataframe[0].value.equals(shown), "another customer, another list"
    at.text_input(key="rec-customer-id").input("somebody new").run()  # a customer the model never saw
    assert at.dataframe[0].value["reason"].eq("best-seller (no purchase history yet)").all()
    assert at.dataframe[1].value.empty, "no purchases to show"
    at.session_state["lang"] = "zh"
    at.run()
    at.session_state["currency"] = "¥"
    at.run()
    assert not at.exception, at.exception
    assert "建议使用的模型" in _metrics(at)
    assert (len(runs), len(opened), len(fits)) == before
    at.slider(key="rec-k").set_value(5).run()
    assert [sorted(p.parts) for p in runs[3:]] == [["evaluation"]] and runs[3].k == 5
    at.selectbox(key="rec-basket-by").set_value("customer_date").run()
    assert [sorted(p.parts) for p in runs[4:]] == [["rules"]] and runs[4].basket_by == "customer_date"


def test_browsing_on_the_demo_says_it_helps_and_shows_the_comparison(app_page):
    """The demo has browsing events: the toggle moves the cut inside them and the page says, in
    words and a table, that views and cart adds help (planted: the demo's browsing previews orders)."""
    at = app_page(PAGE)
    assert "Does browsing help?" not in page_text(at)  # off by default: the page as before
    downloads = len(at.get("download_button"))
    at.toggle(key="rec-browsing").set_value(True).run()
    assert not at.exception, at.exception
    assert str(at.date_input(key="rec-cut-browsing").value) == "2026-10-26"
    text = page_text(at)
    assert "Does browsing help?" in text
    verdict = next(s.value for s in at.success if "Browsing" in s.value)
    assert verdict.startswith("Browsing helps: when ")
    compared = next(df.value for df in at.dataframe if "feedback" in df.value.columns)
    assert compared["feedback"].tolist() == ["Purchases alone", "Purchases + views and cart adds"]
    ndcg = compared.set_index("feedback")["ndcg"]
    assert ndcg["Purchases + views and cart adds"] > ndcg["Purchases alone"]
    assert float(_metrics(at)["NDCG@10 gain from browsing"]) > 0
    assert len(at.get("download_button")) == downloads + 1  # the comparison can be taken away
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert "浏览行为有帮助吗？" in page_text(at)
    assert any(s.value.startswith("浏览行为有帮助：") for s in at.success)
    compared = next(df.value for df in at.dataframe if "feedback" in df.value.columns)
    assert compared["feedback"].tolist() == ["只用购买", "购买 + 浏览和加购"]
