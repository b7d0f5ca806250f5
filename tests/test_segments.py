"""RFM scores and segments, behavioural clusters, migration, omnichannel and the playbook:
hand-checked small cases, the demo retailer's planted behaviour types, the real UCI sample and
hostile inputs."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from promo_core import segments
from promo_core.engine import fetch, most_common
from promo_core.errors import DataError
from promo_core.io import finalize_transactions, load_transactions
from promo_core.text import render, render_frame
from tests.conftest import chinese_error


def make_tx(rows) -> pd.DataFrame:
    """Canonical transactions from (order_id, customer_id, date, quantity, unit_price[, channel]) rows."""
    cols = ["order_id", "customer_id", "order_date", "quantity", "unit_price", "channel"]
    frame = pd.DataFrame([r + (None,) * (len(cols) - len(r)) for r in rows], columns=cols)
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    frame["product_id"] = "P1"
    return finalize_transactions(frame)


# A: two orders (20 + 30); B: one order, then a return-only order; C: three orders; D: one order
# long ago; E: only a return; a guest order; and one A order after the as-of date.
SMALL = [
    ("O1", "A", "2025-01-01 10:00", 1, 10.0), ("O1", "A", "2025-01-01 10:00", 2, 5.0),
    ("O2", "A", "2025-01-30 18:00", 1, 30.0),
    ("O3", "B", "2025-01-10 09:00", 1, 100.0), ("R3", "B", "2025-01-15 09:00", -1, 100.0),
    ("O4", "C", "2025-01-20 12:00", 3, 10.0), ("O5", "C", "2025-01-25 12:00", 1, 10.0),
    ("O6", "C", "2025-01-28 12:00", 1, 10.0),
    ("O7", "D", "2024-12-01 08:00", 1, 5.0),
    ("R9", "E", "2025-01-05 08:00", -1, 7.0),
    ("O8", None, "2025-01-31 08:00", 4, 9.0),
    ("O9", "A", "2025-02-05 08:00", 1, 99.0),
]


def test_quintile_scores_without_ties_give_each_score_a_fifth():
    assert segments.quintile_scores(np.arange(10)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert np.bincount(segments.quintile_scores(np.random.default_rng(0).permutation(100)))[1:].tolist() == [20] * 5


def test_quintile_scores_never_split_ties_and_lowest_value_scores_one():
    assert segments.quintile_scores([1, 1, 1, 2, 3]).tolist() == [1, 1, 1, 4, 5]
    assert segments.quintile_scores([2.5, 2.5, 0.1, 9.0]).tolist() == [3, 3, 1, 5]


def test_quintile_scores_for_a_handful_of_customers():
    assert segments.quintile_scores([7]).tolist() == [3], "one customer: nothing to rank"
    assert segments.quintile_scores([4, 4, 4]).tolist() == [3, 3, 3]
    assert segments.quintile_scores([3, 8]).tolist() == [1, 5]
    assert segments.quintile_scores([]).tolist() == []


def test_quintile_scores_recency_fewer_days_is_better():
    assert segments.quintile_scores([0, 10, 400], higher_is_better=False).tolist() == [5, 3, 1]


def test_rfm_hand_checked_small_case():
    out = segments.rfm(make_tx(SMALL), as_of="2025-01-31")
    expected = pd.DataFrame({
        "customer_id": pd.array(["A", "B", "C", "D"], dtype="str"),
        "recency_days": np.array([1, 21, 3, 61], dtype=np.int64),
        "frequency": np.array([2, 1, 3, 1], dtype=np.int64),
        "monetary": [50.0, 0.0, 50.0, 5.0],
        "r_score": np.array([5, 2, 4, 1], dtype=np.int64),
        "f_score": np.array([4, 1, 5, 1], dtype=np.int64),
        "m_score": np.array([5, 1, 5, 2], dtype=np.int64),
        "fm_score": np.array([5, 1, 5, 2], dtype=np.int64),
        "rfm_code": ["545", "211", "455", "112"],
        "segment": ["Champions", "Hibernating", "Champions", "Hibernating"],
        "first_purchase": pd.to_datetime(["2025-01-01 10:00", "2025-01-10 09:00", "2025-01-20 12:00",
                                          "2024-12-01 08:00"]).astype("datetime64[us]"),
        "last_purchase": pd.to_datetime(["2025-01-30 18:00", "2025-01-10 09:00", "2025-01-28 12:00",
                                         "2024-12-01 08:00"]).astype("datetime64[us]"),
    })
    out = out.sort_values("customer_id", ignore_index=True)
    out["rfm_code"] = out["rfm_code"].astype(str).astype(object)
    out["segment"] = out["segment"].astype(str).astype(object)
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)
    assert out["r_score"].dtype == np.int64 and out["customer_id"].dtype == "str"


def test_rfm_as_of_defaults_to_the_last_day_and_sees_later_orders():
    out = segments.rfm(make_tx(SMALL)).set_index("customer_id")
    assert out.loc["A", "frequency"] == 3 and out.loc["A", "monetary"] == 149.0
    assert out.loc["A", "recency_days"] == 0
    assert out.loc["D", "recency_days"] == (pd.Timestamp("2025-02-05") - pd.Timestamp("2024-12-01")).days


def test_segment_map_covers_the_grid_with_all_eleven_names():
    grid = segments.segment_map()
    assert len(grid) == 25 and set(grid["segment"]) == set(segments.SEGMENTS) and len(segments.SEGMENTS) == 11
    cell = grid.set_index(["r_score", "fm_score"])["segment"]
    assert cell[5, 5] == "Champions" and cell[5, 1] == "New Customers" and cell[4, 1] == "Promising"
    assert cell[1, 5] == "Can't Lose Them" and cell[1, 1] == "Lost" and cell[2, 4] == "At Risk"
    assert cell[3, 3] == "Need Attention" and cell[3, 1] == "About to Sleep" and cell[4, 4] == "Loyal Customers"
    assert cell[5, 3] == "Potential Loyalists" and cell[2, 2] == "Hibernating"


def test_segment_follows_r_and_rounded_mean_of_f_and_m():
    table = pd.DataFrame({"customer_id": list("abcde"), "recency_days": [0, 1, 2, 3, 4],
                          "frequency": [1, 2, 3, 4, 5], "monetary": [5.0, 4.0, 3.0, 2.0, 1.0],
                          "first_purchase": pd.Timestamp("2025-01-01"), "last_purchase": pd.Timestamp("2025-01-01")})
    out = segments._score(table)
    # r 5..1, f 1..5, m 5..1 -> fm = round_half_up((f + m) / 2) = 3 for all
    assert out["fm_score"].tolist() == [3, 3, 3, 3, 3]
    assert out["segment"].astype(str).tolist() == ["Potential Loyalists", "Potential Loyalists", "Need Attention",
                                                   "At Risk", "At Risk"]


def test_rfm_without_prices_scores_on_recency_and_frequency():
    tx = make_tx(SMALL)
    tx["unit_price"] = np.nan
    tx["revenue"] = np.nan
    out = segments.rfm(tx, as_of="2025-01-31").set_index("customer_id")
    assert out["monetary"].isna().all() and out["m_score"].isna().all()
    assert (out["fm_score"] == out["f_score"]).all()
    assert out.loc["A", "rfm_code"] == "54-"


def test_rfm_hostile_inputs():
    tx = make_tx(SMALL)
    with pytest.raises(DataError, match="customer ID"):
        segments.rfm(tx.assign(customer_id=None))
    with pytest.raises(DataError, match="No customer bought anything on or before 2024-01-01"):
        segments.rfm(tx, as_of="2024-01-01")
    with pytest.raises(DataError, match="not a date"):
        segments.rfm(tx, as_of="next tuesday")
    with pytest.raises(DataError, match="lacks the column"):
        segments.rfm(tx.drop(columns=["is_return", "quantity"]))
    with pytest.raises(DataError, match="empty"):
        segments.rfm(tx.iloc[:0])


@pytest.mark.parametrize("day", ["9999-12-31", "1000-01-01"])
def test_an_order_date_outside_1900_to_2100_is_named_not_a_crash(day):
    tx = make_tx(SMALL + [("O10", "D", "2024-01-01 12:00", 1, 5.0)])
    tx.loc[len(tx) - 1, "order_date"] = pd.Timestamp(f"{day} 12:00")  # (finalize_transactions would refuse it)
    err = chinese_error(lambda: segments.rfm(tx))
    assert f"1 sales line has an order date outside 1900–2100 ({day})" in str(err)
    assert day in err.text("zh")


def test_an_as_of_date_in_year_9999_is_refused_with_the_date():
    with pytest.raises(DataError, match="The as-of date 9999-12-31 lies outside 1900–2100"):
        segments.rfm(make_tx(SMALL), as_of="9999-12-31")


def test_rfm_matches_plain_pandas_on_the_demo(demo_tx):
    out = segments.rfm(demo_tx).set_index("customer_id").sort_index()
    tx = demo_tx[demo_tx["customer_id"].notna()]
    buys = tx[~tx["is_return"]]
    as_of = demo_tx["order_date"].max().normalize()
    ref = pd.DataFrame({"frequency": buys.groupby("customer_id")["order_id"].nunique(),
                        "recency_days": (as_of - buys.groupby("customer_id")["order_date"].max().dt.normalize())
                        .dt.days,
                        "monetary": tx.groupby("customer_id")["revenue"].sum()}).dropna(subset=["frequency"])
    ref = ref.sort_index()
    assert out.index.tolist() == ref.index.tolist()
    np.testing.assert_array_equal(out["frequency"], ref["frequency"])
    np.testing.assert_array_equal(out["recency_days"], ref["recency_days"])
    np.testing.assert_allclose(out["monetary"], ref["monetary"], rtol=1e-9)


def test_rfm_on_the_real_uci_sample_leaves_out_guests_and_cancellations(shared_data):
    tx = load_transactions(shared_data / "online_retail_sample.xlsx").data
    out = segments.rfm(tx).set_index("customer_id")
    cov = segments.coverage(tx)
    assert cov.guest_lines == 10_057, "the README's count of lines without CustomerID"
    assert 0 < cov.guest_revenue_share < 1
    assert len(out) == cov.customers == tx.loc[~tx["is_return"], "customer_id"].dropna().nunique()
    assert cov.returns_only_customers == tx["customer_id"].dropna().nunique() - len(out)
    cancelled = tx["order_id"].str.startswith("C")
    assert cancelled.any()
    buys = tx[tx["customer_id"].notna() & ~tx["is_return"]]
    assert not buys["order_id"].str.startswith("C").any()
    np.testing.assert_array_equal(out["frequency"].sort_index(),
                                  buys.groupby("customer_id")["order_id"].nunique().sort_index())
    assert out["segment"].astype(str).isin(segments.SEGMENTS).all()


def test_demo_segments_reflect_planted_behaviour(demo, demo_tx):
    out = segments.rfm(demo_tx).set_index("customer_id")
    kind = demo.truth.customer_type.reindex(out.index)
    seg = out["segment"].astype(str)
    lapsed_gone = seg[kind == "lapsed"].isin(["Hibernating", "Lost", "At Risk", "Can't Lose Them"]).mean()
    loyal_top = seg[kind == "loyal"].isin(["Champions", "Loyal Customers"]).mean()
    assert lapsed_gone > 0.9, f"lapsed customers in dormant segments: {lapsed_gone:.0%}"
    assert loyal_top > 0.8, f"loyal customers among Champions / Loyal: {loyal_top:.0%}"


def test_equal_spend_is_equal_whatever_order_the_engine_adds_it_in():
    """0.1 + 0.2 + 0.3 and 0.3 + 0.2 + 0.1 differ in their last bit; customers who spent the same
    share their M score (a quintile boundary between them once split a tie on the demo)."""
    rows = [("O1", "A", "2025-01-01", 1, 0.1), ("O1", "A", "2025-01-01", 1, 0.2), ("O1", "A", "2025-01-01", 1, 0.3),
            ("O2", "B", "2025-01-01", 1, 0.3), ("O2", "B", "2025-01-01", 1, 0.2), ("O2", "B", "2025-01-01", 1, 0.1),
            ("O3", "C", "2025-01-01", 1, 5.0)]
    table = segments.rfm(make_tx(rows)).set_index("customer_id")
    assert table.loc["A", "monetary"] == table.loc["B", "monetary"] == 0.6
    assert table.loc["A", "m_score"] == table.loc["B", "m_score"]


def test_segment_summary_lists_all_segments_and_adds_up(demo_tx):
    out = segments.rfm(demo_tx)
    summary = segments.segment_summary(out)
    assert summary["segment"].tolist() == segments.SEGMENTS
    assert summary["customers"].sum() == len(out)
    assert summary["revenue"].sum() == pytest.approx(out["monetary"].sum())
    shown = render_frame(summary, "zh")
    assert shown.loc[0, "segment"] == "冠军客户" and shown.loc[0, "description"] == "最近购买、购买频繁且消费最高。"
    grid = segments.rfm_grid(out)
    assert len(grid) == 25 and grid["customers"].sum() == len(out)


# --------------------------------------------------------------------------------------------
# Clusters
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_clusters(demo_tx):
    table = segments.rfm(demo_tx)
    return table, segments.cluster_customers(demo_tx, table, random_state=0)


def test_clusters_line_up_with_the_planted_behaviour_types(demo, demo_clusters):
    _, result = demo_clusters
    truth = demo.truth.customer_type.reindex(result.labels.index)
    ari = adjusted_rand_score(truth, result.labels)
    print(f"adjusted Rand index, clusters vs planted types: {ari:.3f} with {result.n_clusters} clusters")
    assert result.chosen_automatically and result.n_clusters == 5
    assert ari > 0.7, f"adjusted Rand index {ari:.3f}"
    # the planted bargain hunters form the cluster the profile calls deal seekers
    deal = result.profiles.loc[result.profiles["name"].map(render).str.contains("Deal seekers"), "cluster"]
    assert len(deal) == 1
    hunters = result.labels[truth == "bargain_hunter"]
    assert (hunters == deal.iloc[0]).mean() > 0.85


def test_cluster_rules_are_readable_and_faithful(demo_clusters):
    _, result = demo_clusters
    rules = result.rules.rules
    assert sorted(rules["cluster"]) == list(range(1, result.n_clusters + 1))
    assert (rules["precision"] > 0.8).all() and result.rules.coverage > 0.8
    assert rules["rule"].map(render).str.contains("orders|days ago|spent|discount").all()


def test_cluster_projection_and_selection_table(demo_clusters):
    _, result = demo_clusters
    assert set(result.selection["k"]) == set(range(2, 11))
    assert result.selection["spread"].is_monotonic_decreasing
    assert len(result.projection) == 5000 and set(result.projection["cluster"]) == set(range(1, 6))
    assert 0 < sum(result.explained_variance) <= 1
    sizes = result.profiles.set_index("cluster")["customers"]
    assert sizes.is_monotonic_decreasing, "cluster 1 is the largest"


def test_same_seed_same_clusters_and_fixed_count_respected(demo_tx):
    small = demo_tx[demo_tx["customer_id"].isin(demo_tx["customer_id"].dropna().unique()[:2000])]
    table = segments.rfm(small)
    feats = segments.customer_features(small, table)
    one = segments.BehaviourClusters(random_state=3).fit(feats).labels_
    two = segments.BehaviourClusters(random_state=3).fit(feats).labels_
    np.testing.assert_array_equal(one, two)
    fixed = segments.BehaviourClusters(n_clusters=3, random_state=3).fit(feats)
    assert fixed.n_clusters_ == 3 and set(fixed.labels_) == {1, 2, 3}
    np.testing.assert_array_equal(fixed.predict(feats), fixed.labels_)


def test_customer_features_hand_checked():
    rows = [("O1", "A", "2025-01-01", 1, 10.0, "online"), ("O2", "A", "2025-01-02", 1, 10.0, "store"),
            ("O3", "A", "2025-01-03", 1, 10.0, "online"), ("O4", "B", "2025-01-03", 2, 10.0, "store")]
    tx = make_tx(rows)
    tx["discount"] = [1.0, 0.0, 0.0, 0.0]
    tx["category"] = ["Tea", "Tea", "Cake", "Cake"]
    feats = segments.customer_features(tx, segments.rfm(tx)).sort_index()
    assert feats.loc["A", "channel: online"] == pytest.approx(2 / 3)
    assert feats.loc["B", "channel: store"] == 1.0
    assert feats.loc["A", "discount_share"] == pytest.approx(1 / 3)
    assert feats.loc["A", "category: Tea"] == pytest.approx(2 / 3) and feats.loc["B", "category: Cake"] == 1.0
    assert segments.feature_groups(feats.columns)["channel"] == ["channel: online", "channel: store"]


def test_explain_clusters_finds_the_planted_rule():
    rng = np.random.default_rng(0)
    feats = pd.DataFrame({"recency_days": rng.integers(0, 300, 400).astype(float),
                          "frequency": rng.integers(1, 12, 400).astype(float),
                          "monetary": rng.uniform(10, 500, 400)})
    labels = np.where(feats["frequency"] >= 6, 2, 1)
    rules = segments.explain_clusters(feats, labels).rules.set_index("cluster")
    assert render(rules.loc[2, "rule"]) == "at least 6 orders"
    assert render(rules.loc[1, "rule"]) == "at most 5 orders"
    assert rules.loc[2, "precision"] == 1.0 and rules.loc[2, "recall"] == 1.0
    assert render(rules.loc[2, "rule"], "zh") == "至少 6 单"


def test_explain_clusters_on_a_sample_finds_the_same_rule_and_counts_every_customer():
    """Past ``fit_size`` customers the trees learn from a stratified sample (rare clusters keep
    their share), and the rule's customers, precision and recall are counted on all."""
    rng = np.random.default_rng(1)
    n = 6000
    feats = pd.DataFrame({"recency_days": rng.integers(0, 300, n).astype(float),
                          "frequency": rng.integers(1, 12, n).astype(float),
                          "monetary": rng.uniform(10, 500, n)})
    labels = np.where(feats["frequency"] >= 6, 2, 1)
    labels[feats["monetary"].to_numpy() > 480] = 3  # a small cluster (about 4%)
    whole = segments.explain_clusters(feats, labels).rules.set_index("cluster")
    sampled = segments.explain_clusters(feats, labels, fit_size=1000).rules.set_index("cluster")
    assert [render(r) for r in sampled["rule"]] == [render(r) for r in whole["rule"]]
    assert sampled["customers"].sum() > 1000  # counted on all 6,000
    # (a threshold learned from the sample may fall between other neighbours: 480.2 for 480.4)
    pd.testing.assert_frame_equal(sampled.drop(columns="rule"), whole.drop(columns="rule"), check_exact=False,
                                  check_dtype=False, atol=0.02 * n)
    assert np.allclose(sampled[["precision", "recall"]], whole[["precision", "recall"]], atol=0.01)
    picked = segments.stratified_sample(labels, 1000, 0)
    assert len(np.unique(picked)) == len(picked) and abs(len(picked) - 1000) <= 3
    for c in (1, 2, 3):
        assert abs((labels[picked] == c).mean() - (labels == c).mean()) < 0.002


def test_an_orders_channel_is_the_one_most_of_its_lines_have():
    """Orders in one channel take it; mixed orders the channel of most bought lines (the
    alphabetically first on a tie); lines without a channel do not count; returns do not vote."""
    rows = [("O1", "A", "2025-01-01", 1, 10.0, "store"),
            ("O2", "A", "2025-01-02", 1, 10.0, "store"), ("O2", "A", "2025-01-02", 1, 10.0, "online"),
            ("O2", "A", "2025-01-02", 1, 10.0, "online"),  # mixed: online 2, store 1
            ("O3", "A", "2025-01-03", 1, 10.0, "web"), ("O3", "A", "2025-01-03", 1, 10.0, "app"),  # tie: app
            ("O4", "A", "2025-01-04", 1, 10.0, None), ("O4", "A", "2025-01-04", 1, 10.0, "store"),
            ("O5", "A", "2025-01-05", 1, 10.0, "store"), ("O5", "A", "2025-01-05", -2, 10.0, "online"),
            ("O5", "A", "2025-01-05", -1, 10.0, "online"),  # returns do not outvote the bought line
            ("O6", "B", "2025-01-06", 1, 10.0, None)]  # no channel at all: no order channel
    orders = segments.customer_orders(make_tx(rows))
    bought = orders.table.filter(orders.table.bought)
    got = fetch(segments._order_channel(bought)).sort_values("order_id").reset_index(drop=True)
    assert got["order_id"].tolist() == ["O1", "O2", "O3", "O4", "O5"]
    assert got["channel"].tolist() == ["store", "online", "app", "store", "store"]
    reference = fetch(most_common(bought, ["customer_id", "order_id"], "channel", weight="n_bought"))
    pd.testing.assert_frame_equal(got, reference.sort_values("order_id").reset_index(drop=True)[got.columns])


def test_clustering_too_few_customers_is_a_clear_error():
    tx = make_tx([("O1", "A", "2025-01-01", 1, 10.0), ("O2", "B", "2025-01-02", 1, 10.0)])
    with pytest.raises(DataError, match="too few"):
        segments.cluster_customers(tx, segments.rfm(tx))


# --------------------------------------------------------------------------------------------
# Migration, omnichannel, playbook
# --------------------------------------------------------------------------------------------
def test_migration_hand_checked():
    rows = [("O1", "A", "2025-01-05", 1, 40.0), ("O2", "A", "2025-03-20", 1, 25.0),
            ("O3", "B", "2025-03-15", 1, 60.0), ("O4", "C", "2024-02-01", 1, 10.0),
            ("O5", "C", "2025-02-20", 1, 15.0), ("O6", "D", "2025-02-25", 1, 5.0),
            ("O7", "D", "2025-03-31", 1, 5.0)]
    tx = make_tx(rows)
    mig = segments.segment_migration(tx, end="2025-03-31", days=30)
    assert mig.start == pd.Timestamp("2025-03-01") and mig.end == pd.Timestamp("2025-03-31")
    cust = mig.customers.set_index("customer_id")
    assert cust.loc["B", "segment_start"] == segments.NOT_YET and cust.loc["B", "direction"] == "new"
    assert cust.loc["A", "revenue_before"] == 40.0 and cust.loc["A", "revenue_between"] == 25.0
    assert cust.loc["C", "revenue_before"] == 15.0, "only the 365 days before the first date count"
    early = segments.rfm(tx, "2025-03-01").set_index("customer_id")["segment"].astype(str)
    late = segments.rfm(tx, "2025-03-31").set_index("customer_id")["segment"].astype(str)
    for c in "ACD":
        assert cust.loc[c, "segment_start"] == early[c] and cust.loc[c, "segment_end"] == late[c]
    assert mig.flows["customers"].sum() == 4
    assert mig.flows.groupby("segment_start")["share_of_start"].sum().round(12).eq(1).all()
    with pytest.raises(DataError, match="shorter gap"):
        segments.segment_migration(tx, end="2025-03-31", days=900)


def test_migration_on_the_demo_moves_lapsing_customers_down(demo_tx):
    mig = segments.segment_migration(demo_tx, days=90)
    assert mig.flows["customers"].sum() == len(segments.rfm(demo_tx))
    champions = mig.flows[mig.flows["segment_start"] == "Champions"].set_index("segment_end")["customers"]
    assert champions.idxmax() == "Champions"
    assert (mig.customers["direction"] == "new").sum() == (mig.customers["segment_start"] == segments.NOT_YET).sum()


def test_omnichannel_hand_checked():
    rows = [("O1", "X", "2025-01-01", 1, 10.0, "Web"), ("O2", "X", "2025-01-02", 1, 10.0, "Web"),
            ("O3", "Y", "2025-01-01", 1, 20.0, "门店"), ("R3", "Y", "2025-01-05", -1, 20.0, "Online"),
            ("O4", "Z", "2025-01-01", 1, 30.0, "小程序"), ("O5", "Z", "2025-01-03", 1, 30.0, "Store")]
    tx = make_tx(rows)
    kinds = segments.customer_channels(tx)
    assert kinds.to_dict() == {"X": "online only", "Y": "offline only", "Z": "both"}
    mix = segments.omnichannel(tx, segments.rfm(tx))
    assert len(mix) == 33 and mix["customers"].sum() == 3
    assert mix.groupby("channel_type")["customers"].sum().to_dict() == {"both": 1, "offline only": 1,
                                                                        "online only": 1}
    assert mix.loc[mix["customers"] > 0, "share"].between(0, 1).all()


def test_omnichannel_without_channel_says_what_to_map():
    tx = make_tx(SMALL).assign(channel=None)
    with pytest.raises(DataError, match="no channel column"):
        segments.omnichannel(tx, segments.rfm(tx))


def test_demo_channel_types_follow_the_planted_types(demo, demo_tx):
    kinds = segments.customer_channels(demo_tx)
    truth = demo.truth.customer_type.reindex(kinds.index)
    assert (kinds[truth == "store_occasional"] != "online only").mean() > 0.95
    assert (kinds[truth == "loyal"] == "both").mean() > 0.95


def test_playbook_covers_every_segment_and_drives_the_target_list():
    book = segments.playbook()
    assert book["segment"].tolist() == segments.SEGMENTS
    assert list(book.columns) == segments.PLAYBOOK_COLUMNS
    assert book.set_index("segment").loc["At Risk", "send_coupon"]
    assert not book.set_index("segment").loc["Champions", "send_coupon"]
    assert "挽回" in render(book.set_index("segment").loc["At Risk", "offer"], "zh")
    table = segments.rfm(make_tx(SMALL), as_of="2025-01-31")  # A, C Champions; B, D Hibernating
    targets = segments.target_list(table, book)
    assert targets["customer_id"].tolist() == ["D", "B"], "biggest spenders first"
    assert (targets["segment"] == "Hibernating").all()
    edited = book.copy()
    edited.loc[edited["segment"] == "Champions", ["send_coupon", "action"]] = [True, "Thank-you voucher"]
    targets = segments.target_list(table, edited)
    assert targets["customer_id"].tolist() == ["A", "C", "D", "B"], "playbook order, then spend"
    assert targets.loc[0, "action"] == "Thank-you voucher"
    everyone = segments.target_list(table, book, coupon_only=False)
    assert len(everyone) == 4


def test_segment_playbook_is_checked_where_it_is_made_and_kept_as_the_manager_reads_it():
    default = segments.SegmentPlaybook.default()
    assert default.coupon_segments[:2] == ("Potential Loyalists", "New Customers")
    assert "Champions" not in default.coupon_segments
    with pytest.raises(ValueError, match="render"):
        default.to_json()  # its actions are messages: the page stores them as the manager read them
    shown = render_frame(default.table, "zh")
    book = segments.SegmentPlaybook(shown.assign(segment=default.table["segment"], send_coupon=True))
    assert segments.SegmentPlaybook.from_json(book.to_json()) == book
    assert book.coupon_segments == tuple(segments.SEGMENTS) and book != default
    with pytest.raises(DataError, match="more than once"):
        segments.SegmentPlaybook(pd.concat([book.table, book.table.iloc[:1]]))


def test_edited_playbook_is_checked():
    book = segments.playbook()
    with pytest.raises(DataError, match="unknown segment"):
        segments.check_playbook(pd.concat([book, pd.DataFrame([{"segment": "VIPs", "action": "x", "offer": "y",
                                                                "send_coupon": True}])]))
    with pytest.raises(DataError, match="more than once"):
        segments.check_playbook(pd.concat([book, book.iloc[:1]]))
    with pytest.raises(DataError, match="lacks the column"):
        segments.check_playbook(book.drop(columns=["offer"]))


def test_crm_export_has_one_row_per_customer_with_everything(demo_tx, demo_clusters):
    table, result = demo_clusters
    out = segments.crm_export(table, result, channels=segments.customer_channels(demo_tx),
                              book=segments.playbook())
    assert len(out) == len(table) and out["customer_id"].is_unique
    assert {"customer_id", "segment", "rfm_code", "cluster", "cluster_name", "channel_type", "action"} <= set(out)
    assert out["cluster"].notna().all() and out["action"].notna().all()


def test_errors_read_in_chinese_too():
    tx = make_tx(SMALL)
    book = segments.playbook()
    few = make_tx([("O1", "A", "2025-01-01", 1, 10.0), ("O2", "B", "2025-01-02", 1, 10.0)])
    calls = [lambda: segments.rfm(tx.assign(customer_id=None)), lambda: segments.rfm(tx, as_of="2024-01-01"),
             lambda: segments.rfm(tx, as_of="next tuesday"),
             lambda: segments.rfm(tx.drop(columns=["is_return", "quantity"])),
             lambda: segments.rfm(tx.iloc[:0]), lambda: segments.cluster_customers(few, segments.rfm(few)),
             lambda: segments.segment_migration(tx, days=0), lambda: segments.segment_migration(tx, days=900),
             lambda: segments.omnichannel(tx.assign(channel=None), segments.rfm(tx)),
             lambda: segments.check_playbook(book.drop(columns=["offer"])),
             lambda: segments.check_playbook(pd.concat([book, book.iloc[:1]])),
             lambda: segments.check_playbook(book.assign(segment=book["segment"].replace("Champions", "VIPs")))]
    for call in calls:
        chinese_error(call)
    with pytest.raises(DataError) as caught:
        segments.rfm(tx, as_of="next tuesday")
    assert "分析日期“next tuesday”" in caught.value.text("zh")
