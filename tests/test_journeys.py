"""Browsing journeys: the demo's planted funnel rates are found, uploads in GA4, Shopify and Chinese
shapes are read whole, and hand-checked small cases give the exact counts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promo_core import journeys
from promo_core.analyses import journeys as analysis
from promo_core.errors import DataError


@pytest.fixture(scope="module")
def demo_result(demo):
    segments = analysis.Segments(demo.truth.customer_type, "truth")
    return analysis.run(demo.events, analysis.Params(segments=segments))


def _segment_channel(demo) -> pd.DataFrame:
    events = journeys.events_table(demo.events)
    counts = journeys._counts(journeys.sessions(events))
    counts["segment"] = counts["customer_id"].map(demo.truth.customer_type).fillna("guest")
    keys = ["sessions", "viewed", "carted", "purchased", "viewed_purchased", "carted_purchased"]
    return journeys._rates(counts.groupby(["segment", "channel"])[keys].sum())


def test_every_demo_order_of_the_window_has_its_views_cart_adds_and_purchase(demo):
    events, tx = demo.events, demo.transactions
    window = tx[(tx["order_date"] >= demo.truth.journeys.start) & (tx["quantity"] > 0)
                & tx["order_id"].str.startswith("O")]
    bought = events[events["event"] == "purchase"]
    assert set(bought["order_id"]) == set(window["order_id"])
    pairs = bought[["session_id", "product_id"]].drop_duplicates()
    for kind in ("view", "add_to_cart"):
        seen = events[events["event"] == kind][["session_id", "product_id"]].drop_duplicates()
        assert len(pairs.merge(seen)) == len(pairs), kind
    assert set(events["event"]) == {"view", "add_to_cart", "remove_from_cart", "search", "purchase"}
    assert len(events) < 1_000_000


def test_the_planted_rates_per_segment_and_channel_are_measured_within_their_intervals(demo):
    measured = _segment_channel(demo)
    planted = demo.truth.journeys.rates
    both = measured.join(planted, rsuffix="_planted")
    assert len(both) == len(planted) == 24
    for rate, n, hits in (("browse_to_buy", "viewed", "viewed_purchased"),
                          ("cart_abandonment", "carted", None)):
        k = both[hits] if hits else both[n] - both["carted_purchased"]
        low, high = journeys.wilson(k, both[n], alpha=0.001)  # 99.9%: 48 checks, none should miss
        assert ((low <= both[f"{rate}_planted"]) & (both[f"{rate}_planted"] <= high)).all(), rate
    # the planted ordering shows: loyal customers buy most, social traffic least
    by = measured["browse_to_buy"].unstack()
    assert by.loc["loyal"].min() > by.loc["bargain_hunter"].max()
    assert (by["social"] < by["search"]).all()


def test_the_analysis_finds_the_planted_products_and_empty_searches(demo, demo_result):
    truth = demo.truth.journeys
    assert set(demo_result.products.head(8)["product_id"]) == set(truth.viewed_not_bought)
    empty = demo_result.searches[demo_result.searches["zero_result_share"] == 1]["term"]
    assert set(empty) == set(truth.zero_result_terms)
    stages = demo_result.funnel.stages.set_index("stage")["sessions"]
    assert list(stages.index) == list(journeys.STAGES) and stages.is_monotonic_decreasing
    assert stages["purchased"] == demo.events.loc[demo.events["event"] == "purchase", "session_id"].nunique()
    seg = demo_result.funnel.by["segment"].set_index("segment")
    assert seg.loc["loyal", "browse_to_buy"] > seg.loc["lapsed", "browse_to_buy"]
    assert journeys.NO_CUSTOMER in seg.index  # guests are shown, not dropped
    assert demo_result.quarantine.empty and demo_result.rows == len(demo.events)
    carts = demo_result.carts
    # every session that added and bought nothing, unless it took everything out again
    ev = demo.events
    bought = set(ev.loc[ev["event"] == "purchase", "session_id"])
    moves = ev[ev["event"].isin(["add_to_cart", "remove_from_cart"]) & ~ev["session_id"].isin(bought)]
    net = moves.assign(n=np.where(moves["event"] == "add_to_cart", 1, -1)) \
        .groupby(["session_id", "product_id"])["n"].sum()
    assert set(carts["session_id"]) == set(net[net > 0].index.get_level_values(0))
    assert stages["carted"] - seg["carted_purchased"].sum() > len(carts)
    assert (carts["value"] > 0).all() and (carts["days_ago"] >= 0).all()
    assert demo_result.abandoned_value == pytest.approx(carts["value"].sum())


def test_a_small_case_counts_by_hand():
    t = pd.Timestamp("2026-01-05 10:00")
    m = pd.Timedelta(minutes=1)
    events = pd.DataFrame({
        "event_time": [t, t + m, t + 2 * m, t + 3 * m, t, t + m, t + 2 * m, t, t + m],
        "session_id": ["a", "a", "a", "a", "b", "b", "b", "c", "c"],
        "customer_id": ["C1", "C1", "C1", "C1", "C2", "C2", "C2", None, None],
        "event": ["view", "add_to_cart", "add_to_cart", "remove_from_cart", "view", "add_to_cart", "purchase",
                  "search", "view"],
        "product_id": ["P1", "P1", "P2", "P2", "P1", "P1", "P1", None, "P3"],
        "search_term": [None] * 7 + ["Kite ", None],
        "results": [np.nan] * 7 + [0, np.nan],
        "value": [np.nan, 10.0, 5.0, 5.0, np.nan, 10.0, 10.0, np.nan, np.nan],
        "channel": ["email", "email", "email", "email", "search", "search", "search", "social", "social"],
    })
    result = analysis.run(events, analysis.Params(min_product_sessions=1))
    stages = result.funnel.stages.set_index("stage")["sessions"].to_dict()
    assert stages == {"sessions": 3, "viewed": 3, "carted": 2, "purchased": 1}
    assert result.cart_abandonment == pytest.approx(0.5) and result.browse_to_buy == pytest.approx(1 / 3)
    carts = result.carts
    assert carts[["customer_id", "products", "items", "value"]].to_dict("records") == [
        {"customer_id": "C1", "products": "P1", "items": 1, "value": 10.0}]  # P2 was taken out again
    assert result.searches.iloc[0][["term", "searches", "zero_results", "no_purchase_share"]].tolist() == \
        ["kite", 1, 1, 1.0]
    products = result.products.set_index("product_id")
    assert products.loc["P1", "view_to_buy"] == 0.5 and products.loc["P3", "view_to_buy"] == 0.0


def test_ga4_and_shopify_and_chinese_exports_are_recognised_and_bad_rows_quarantined():
    ga4 = pd.DataFrame({"event_name": ["page_view", "view_item", "add_to_cart", "purchase", "scroll", "view_item"],
                        "event_timestamp": [1767607200000000 + i * 60_000_000 for i in range(5)] + [None],
                        "user_pseudo_id": ["u1"] * 6, "item_id": [None, "P1", "P1", "P1", None, "P2"]})
    read = journeys.event_table(ga4)
    assert read.columns["event"] == "event_name" and read.columns["customer_id"] == "user_pseudo_id"
    assert len(read.data) + len(read.quarantine) == 6  # every row kept or explained
    assert sorted(r.id for r in read.quarantine["reason"]) == ["journeys.quarantine.no_time",
                                                              "journeys.quarantine.unknown_event"]
    assert read.data["event_time"].iloc[0] == pd.Timestamp("2026-01-05 10:00")
    result = analysis.run(ga4, analysis.Params(min_product_sessions=1))
    assert result.n_sessions == 1 and result.conversion == 1.0  # sessions made from pauses
    assert [n.id for n in result.notes] == ["journeys.note.sessions_from_gaps", "journeys.note.quarantine"]
    shopify = journeys.event_table(pd.DataFrame({"Event": ["product_viewed", "product_added_to_cart",
                                                           "checkout_completed"],
                                                 "Occurred at": ["2026-01-05T10:00:00Z"] * 3,
                                                 "Session ID": ["s"] * 3, "SKU": ["A", "A", "A"]}))
    assert shopify.data["event"].tolist() == ["view", "add_to_cart", "purchase"]
    chinese = journeys.event_table(pd.DataFrame({"行为类型": ["浏览", "加入购物车", "搜索"],
                                                 "时间": ["2026-01-05 10:00"] * 3, "会员ID": ["M1"] * 3,
                                                 "搜索词": [None, None, "蛋白粉"]}))
    assert chinese.data["event"].tolist() == ["view", "add_to_cart", "search"]
    assert chinese.columns["customer_id"] == "会员ID" and chinese.columns["search_term"] == "搜索词"


def test_a_table_without_event_names_is_refused_with_a_reason():
    with pytest.raises(DataError) as err:
        journeys.event_table(pd.DataFrame({"x": [1], "y": [2]}))
    assert err.value.message.id == "journeys.error.columns"
