"""Views and cart adds as implicit feedback: the weighted matrix on a hand-checked case, an
evaluation that never counts a product bought before the cut as a hit (but does count one only
viewed), and on the demo, whose browsing follows each customer's planted taste and previews their
next order, a measured gain, which random views do not give."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from promo_core import recommend, text
from promo_core.errors import DataError

T0 = pd.Timestamp("2025-01-01")


def _sales(rows) -> pd.DataFrame:
    """Order lines from (customer, product, day, quantity)."""
    return pd.DataFrame({"customer_id": [r[0] for r in rows], "product_id": [r[1] for r in rows],
                         "order_date": [T0 + pd.Timedelta(days=r[2]) for r in rows],
                         "quantity": [r[3] for r in rows]})


def _events(rows) -> pd.DataFrame:
    """Events from (customer, product, event, day)."""
    return pd.DataFrame({"customer_id": [r[0] for r in rows], "product_id": [r[1] for r in rows],
                         "event": [r[2] for r in rows], "event_time": [T0 + pd.Timedelta(days=r[3]) for r in rows]})


def test_the_weighted_matrix_by_hand():
    purchases = recommend.interactions_from(_sales([("c1", "A", 0, 1), ("c1", "A", 1, 2), ("c2", "B", 0, 1),
                                                    ("c2", "C", 0, 1), ("c2", "C", 3, -1)]))
    events = _events([
        ("c1", "B", "view", 0), ("c1", "B", "view", 1), ("c1", "B", "add_to_cart", 1),  # 2 x 0.1 + 0.5
        ("c1", "A", "view", 1),  # on a bought product: 2 + 0.1
        ("c2", "A", "add_to_cart", 2), ("c2", "A", "remove_from_cart", 2),  # removals count nothing
        ("c2", "C", "purchase", 0), ("c2", "B", "search", 0),  # purchases come from the sales
        ("c1", "C", "view", 9),  # after `before`
        ("c3", "A", "view", 0), (None, "A", "view", 0), ("c1", "Z", "view", 0)])  # unknown customer / product
    both = recommend.with_browsing(purchases, events, before=T0 + pd.Timedelta(days=5))
    got = pd.DataFrame(both.matrix.toarray(), index=both.customers, columns=both.products)
    expected = pd.DataFrame({"A": [2.1, 0.5], "B": [0.7, 1.0], "C": [0.0, 0.0]}, index=got.index)
    np.testing.assert_allclose(got[["A", "B", "C"]].to_numpy(), expected.to_numpy(), rtol=1e-6)
    # what was bought is kept apart, unchanged (c2 returned C: not bought)
    assert both.purchased is purchases.matrix
    assert (both.bought != purchases.matrix).nnz == 0
    # other weights, and every event when nothing is said of time
    views_only = recommend.with_browsing(purchases, events, weights={"view": 1.0})
    assert views_only.matrix[0, purchases.products.get_loc("C")] == pytest.approx(1.0)
    assert views_only.matrix[0, purchases.products.get_loc("B")] == pytest.approx(2.0)
    with pytest.raises(DataError) as bad:
        recommend.with_browsing(purchases, events, weights={"view": -1.0})
    assert "0 or more" in text.render(bad.value.message)
    with pytest.raises(DataError) as missing:
        recommend.with_browsing(purchases, events.drop(columns=["event"]))
    assert "event" in text.render(missing.value.message)


def test_browsing_does_not_change_what_is_excluded_or_counted_as_bought():
    purchases = recommend.interactions_from(_sales([("c1", "A", 0, 1), ("c2", "A", 0, 1), ("c2", "B", 0, 1),
                                                    ("c3", "B", 0, 1), ("c3", "C", 0, 1)]))
    both = recommend.with_browsing(purchases, _events([("c1", "B", "view", 0), ("c1", "C", "add_to_cart", 0)]))
    model = recommend.ItemKNN(weighting="none").fit(both)
    lists = model.recommend(["c1"], k=3)
    assert "A" not in set(lists["product_id"])  # bought: left out
    assert {"B", "C"} <= set(lists["product_id"])  # only viewed / carted: fair recommendations
    assert model.popularity_.tolist() == [2, 2, 1]  # best-sellers count purchases, not views
    fitted = recommend.ItemKNN(weighting="none").fit(both)
    assert set(fitted.recommend(["c1"], k=3, exclude_bought=False)["product_id"]) == {"A", "B", "C"}


def test_the_evaluation_never_counts_a_product_bought_before_the_cut_as_a_hit():
    # c1 bought A before the cut and again after, and viewed B twice before the cut and bought it after;
    # A sells with C more than with B (c4, c5 against c2), so from purchases alone c1's first product is C
    sales = _sales([("c1", "A", 0, 1), ("c1", "A", 20, 1), ("c1", "B", 21, 1),
                    ("c2", "A", 0, 1), ("c2", "B", 1, 1), ("c4", "A", 3, 1), ("c4", "C", 3, 1),
                    ("c5", "A", 2, 1), ("c5", "C", 2, 1), ("c2", "C", 22, 1)])
    cut = T0 + pd.Timedelta(days=10)
    split = recommend.temporal_split(sales, cut=cut)
    events = _events([("c1", "B", "view", 5), ("c1", "B", "view", 6), ("c1", "C", "view", 15)])
    # the rebuy of A is not something to predict: c1's only relevant product is B (c2's is C)
    rows, relevant = recommend._test_customers(split, True, 3000, np.random.default_rng(0))
    assert list(split.train.customers[rows]) == ["c1", "c2"]
    assert [list(split.train.products[relevant[i].indices]) for i in range(2)] == [["B"], ["C"]]
    knn = recommend.ItemKNN(weighting="none")
    assert knn.fit(split.train).recommend(["c1"], k=1)["product_id"].tolist() == ["C"]  # A left out
    both = recommend.with_browsing(split.train, events, before=cut)
    assert both.matrix[split.train.customers.get_loc("c1"), split.train.products.get_loc("C")] == 0  # after the cut
    assert recommend.ItemKNN(weighting="none").fit(both).recommend(["c1"], k=1)["product_id"].tolist() == ["B"]
    # so: c1 misses from purchases alone and hits B (only viewed before the cut) with browsing; c2 hits C in both
    gain = recommend.evaluate_browsing(knn, split, events, k=1, n_boot=50)
    table = gain.table.set_index("feedback")
    assert table["hit_rate"].to_dict() == {"purchases": 0.5, "browsing": 1.0}
    assert table["ndcg"].to_dict() == {"purchases": 0.5, "browsing": 1.0}
    assert gain.gain == 0.5 and gain.gain_browsed == 1.0 and (gain.browsed, gain.customers, gain.events) == (1, 2, 1)
    # with every product allowed, a rebuy counts
    rows, relevant = recommend._test_customers(split, False, 3000, np.random.default_rng(0))
    assert set(split.train.products[relevant[list(split.train.customers[rows]).index("c1")].indices]) == {"A", "B"}


def test_no_browsing_before_the_cut_is_said_plainly():
    sales = _sales([("c1", "A", 0, 1), ("c1", "B", 20, 1), ("c2", "B", 0, 1), ("c2", "A", 21, 1)])
    split = recommend.temporal_split(sales, cut=T0 + pd.Timedelta(days=10))
    with pytest.raises(DataError) as none:
        recommend.evaluate_browsing(recommend.ItemKNN(), split, _events([("c1", "B", "view", 12)]))
    assert "before 2025-01-11" in text.render(none.value.message)


def test_the_cut_leaves_browsing_before_it():
    first, last = pd.Timestamp("2024-11-25"), pd.Timestamp("2026-11-22 22:56")
    assert recommend.browsing_cut(first, last, None) == recommend.cut_between(first, last)
    # 8 weeks of browsing at the end: half of them train, half test
    assert recommend.browsing_cut(first, last, pd.Timestamp("2026-09-28 00:01")) == pd.Timestamp("2026-10-26")
    # browsing over everything: the usual cut
    assert recommend.browsing_cut(first, last, first) == recommend.cut_between(first, last)
    # browsing starting in the last days: still 14 days to test
    assert recommend.browsing_cut(first, last, pd.Timestamp("2026-11-20")) == pd.Timestamp("2026-11-09")


@pytest.fixture(scope="module")
def demo_split(demo):
    tx = demo.transactions
    cut = recommend.browsing_cut(tx["order_date"].min(), tx["order_date"].max(),
                                 recommend.events_start(demo.events))
    return recommend.temporal_split(tx, cut=cut)


def test_on_the_demo_browsing_helps_by_a_measured_margin(demo, demo_split):
    gain = recommend.evaluate_browsing(recommend.ItemKNN(), demo_split, demo.events, name="knn")
    assert gain.helps and gain.gain_low > 0.005  # planted: browsing follows taste and previews the next order
    table = gain.table.set_index("feedback")
    assert table.loc["browsing", "hit_rate"] > table.loc["purchases", "hit_rate"]
    assert gain.browsed > gain.customers / 2
    words = text.render(recommend.browsing_verdict(gain, "Item kNN"))
    assert words.startswith("Browsing helps: when Item kNN also learns from views and cart adds")


def test_on_the_demo_random_views_do_not_help(demo, demo_split):
    events = demo.events.copy()
    browsing = events["event"].isin(["view", "add_to_cart"]).to_numpy()
    shuffled = np.random.default_rng(7).permutation(events.loc[browsing, "product_id"].to_numpy())
    events.loc[browsing, "product_id"] = shuffled
    gain = recommend.evaluate_browsing(recommend.ItemKNN(), demo_split, events, name="knn")
    assert not gain.helps
    words = text.render(recommend.browsing_verdict(gain, "Item kNN"), "zh")
    assert words.startswith("在这份数据上，浏览行为")  # "does not help" or "makes worse", never "helps"


def test_the_report_section_says_whether_browsing_helps(demo):
    from promo_core import report

    section = report.recommendations_analysis(demo.transactions, events=demo.events, lang="zh")
    assert section.params["cut"] == "2026-10-26" and section.params["browsing"] is True
    assert any(note.startswith("浏览行为有帮助") for note in section.notes)
    table = section.tables["只用购买与加上浏览行为的对比"]
    assert table["feedback"].tolist() == ["只用购买", "购买 + 浏览和加购"]
    assert table["ndcg"].iloc[1] > table["ndcg"].iloc[0]


def test_the_analysis_keeps_its_evaluation_when_browsing_cannot_be_measured():
    from promo_core.analyses import recommendations as analysis

    sales = _sales([("c1", "A", 0, 1), ("c1", "A", 20, 1), ("c1", "B", 21, 1),
                    ("c2", "A", 0, 1), ("c2", "B", 1, 1), ("c4", "A", 3, 1), ("c4", "C", 3, 1),
                    ("c5", "A", 2, 1), ("c5", "C", 2, 1), ("c2", "C", 22, 1)])
    params = analysis.Params(parts=frozenset({"evaluation"}), models=("popularity", "knn"), k=1,
                             cut=(T0 + pd.Timedelta(days=10)).date())
    late = analysis.Events(_events([("c1", "B", "view", 15)]), "late")
    result = analysis.run(sales, dataclasses.replace(params, events=late))
    assert result.evaluation is not None and result.browsing is None
    assert "before 2025-01-11" in text.render(result.problems["browsing"])
    # views before the cut: measured, and the same as recommend.evaluate_browsing says
    early = analysis.Events(_events([("c1", "B", "view", 5), ("c1", "B", "view", 6)]), "early")
    result = analysis.run(sales, dataclasses.replace(params, events=early))
    assert result.browsing.gain == 0.5 and result.browsing.model == "knn" and not result.problems
    # a gain of 0.5 on two customers: the interval reaches down to zero, so it is not called a help
    assert (result.browsing.gain_low, result.browsing.gain_high) == (0.0, 1.0)
    assert text.render(result.browsing_verdict).startswith(
        "Browsing does not measurably help on this data: when Bought together (item kNN) also learns")
    # without events nothing of browsing is run or said
    plain = analysis.run(sales, params)
    assert plain.browsing is None and plain.browsing_verdict is None and "browsing" not in plain.problems
