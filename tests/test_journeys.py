"""Browsing journeys: the demo's planted funnel rates are found through the engine path (the
workspace's events table), the engine's counts equal a plain pandas count of the demo's events,
uploads in GA4, Shopify and Chinese shapes are read whole, and hand-checked small cases give the
exact counts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promo_core import journeys
from promo_core.analyses import journeys as analysis
from promo_core.errors import DataError
from promo_core.store import Workspace
from promo_core.text import render_frame


@pytest.fixture(scope="module")
def demo_events_table(demo_workspace):
    """The demo's events where the Journeys page reads them: the workspace's table, as Ibis."""
    ws = Workspace(demo_workspace)
    dataset = ws.list_datasets()["id"].iloc[0]
    with ws.ibis_table(dataset, "events") as table:
        yield table


@pytest.fixture(scope="module")
def demo_result(demo, demo_events_table):
    segments = analysis.Segments(demo.truth.customer_type, "truth")
    return analysis.run(demo_events_table, analysis.Params(segments=segments))


def _segment_channel(demo, events_table) -> pd.DataFrame:
    """Counts and rates per planted customer type (guests: "guest") and channel, counted in the engine."""
    events = journeys.events_table(events_table)
    s = journeys._with_segments(journeys.sessions(events), demo.truth.customer_type)
    counts = journeys._counts(s, ["segment", "channel"])
    counts["segment"] = counts["segment"].replace(journeys.NO_CUSTOMER, "guest")
    return journeys._rates(counts.groupby(["segment", "channel"])[list(journeys.COUNTS)].sum())


def _pandas_funnel(events: pd.DataFrame, segments: pd.Series) -> dict[str, pd.DataFrame]:
    """The funnel counts per segment, channel and device, counted in plain pandas (the reference the
    engine must equal): a session's steps, its visitor's segment, sums per value."""
    e = events.assign(v=events["event"] == "view", c=events["event"] == "add_to_cart",
                      p=events["event"] == "purchase")
    s = e.groupby("session_id").agg(customer_id=("customer_id", "max"), channel=("channel", "max"),
                                    device=("device", "max"), viewed=("v", "any"), carted=("c", "any"),
                                    purchased=("p", "any"))
    s["segment"] = s["customer_id"].map(segments).fillna("(other)").where(s["customer_id"].notna(),
                                                                          journeys.NO_CUSTOMER)
    s = s.assign(sessions=1, viewed_purchased=s["viewed"] & s["purchased"],
                 carted_purchased=s["carted"] & s["purchased"])
    return {dim: s.groupby(dim)[list(journeys.COUNTS)].sum().astype("int64") for dim in journeys.DIMENSIONS}


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


def test_the_planted_rates_per_segment_and_channel_are_measured_within_their_intervals(demo, demo_events_table):
    measured = _segment_channel(demo, demo_events_table)
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


def test_the_engine_funnel_equals_a_pandas_count_of_the_demo_events(demo, demo_result):
    """Keep the numbers: the per-event work moved into the engine (the funnel counted per segment,
    channel and device there) gives exactly the counts of a pandas count of the same events, and
    the rates and intervals that follow from them to 1e-12 (the old path, per-visitor counts summed
    in pandas, gave the record in tests/golden/journeys_funnel.json, equal at this commit)."""
    expected = _pandas_funnel(demo.events, demo.truth.customer_type)
    for dim, table in demo_result.funnel.by.items():
        got = table.set_index(dim)
        want = expected[dim]
        assert set(got.index) == set(want.index), dim
        pd.testing.assert_frame_equal(got.loc[want.index, list(journeys.COUNTS)].astype("int64"), want,
                                      check_names=False)
        rates = journeys._rates(want)
        for col in ("conversion", "browse_to_buy", "cart_abandonment", "browse_to_buy_low", "cart_abandonment_high"):
            np.testing.assert_allclose(got.loc[want.index, col], rates[col], rtol=0, atol=1e-12)
    assert demo_result.n_sessions == demo.events["session_id"].nunique()


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
    assert demo_result.quarantine.empty and demo_result.rows is None  # (an engine table: no upload to read)
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


def test_a_channel_the_events_leave_empty_is_named_in_the_readers_language():
    t = pd.Timestamp("2026-01-05 10:00")
    events = pd.DataFrame({"event_time": [t, t, t], "session_id": ["a", "b", "c"], "event": ["view"] * 3,
                           "product_id": ["P1"] * 3, "channel": ["email", None, None]})
    by_channel = analysis.run(events).funnel.by["channel"]
    assert by_channel.set_index("channel")["sessions"].to_dict() == {journeys.UNKNOWN: 2, "email": 1}
    assert render_frame(by_channel, "zh")["channel"].tolist() == ["（未填写）", "email"]
    assert render_frame(by_channel)["channel"].tolist() == ["(not given)", "email"]


def test_ga4_and_shopify_and_chinese_exports_are_recognised_and_bad_rows_quarantined():
    ga4 = pd.DataFrame({"event_name": ["page_view", "view_item", "add_to_cart", "purchase", "scroll", "view_item"],
                        "event_timestamp": [1767607200000000 + i * 60_000_000 for i in range(5)] + [None],
                        "user_pseudo_id": ["u1"] * 6, "item_id": [None, "P1", "P1", "P1", None, "P2"]})
    read = journeys.event_table(ga4)
    assert read.columns["event"] == "event_name" and read.columns["customer_id"] == "user_pseudo_id"
    assert len(read.data) + len(read.quarantine) == 6  # every row kept or explained
    assert read.quarantine["reason"].tolist() == ["event_unknown", "event_no_time"]  # codes, as the sales'
    assert read.quarantine["row"].tolist() == [5, 6]
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
