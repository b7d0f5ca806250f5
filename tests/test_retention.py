"""Churn risk and cohort retention (promo_core.retention): the BG/NBD's no-purchase probability
against simulated customers, the planted lapsed customers of the demo, the holdout choosing a
route that beats the naive rule, a cohort table computed by hand, and inputs it must refuse."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import count_calls

from promo_core import retention
from promo_core.clv import BGNBDFit
from promo_core.errors import DataError


def _lines(rows) -> pd.DataFrame:
    """Order lines from (customer, day, quantity, unit price) tuples."""
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date", "quantity", "unit_price"])
    frame["order_date"] = pd.to_datetime(frame["order_date"], format="mixed")
    frame["order_id"] = [f"O{i}" for i in range(len(frame))]
    return frame


def _simulate_bgnbd(r, alpha, a, b, n, T, t, seed=0):
    """Customers drawn from the BG/NBD: (frequency, recency, T) over [0, T] and whether they bought
    in (T, T + t]."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    now = np.zeros(n)
    alive = np.ones(n, bool)
    x, last = np.zeros(n), np.zeros(n)
    later = np.zeros(n, bool)
    while alive.any():
        now = now + rng.exponential(1 / lam)
        buys = alive & (now <= T + t)
        in_cal = buys & (now <= T)
        x[in_cal] += 1
        last[in_cal] = now[in_cal]
        later |= buys & (now > T)
        alive = buys & (rng.random(n) >= p) & (now <= T)  # after a purchase: drop out with probability p
    return x, last, later


def test_no_purchase_probability_matches_simulated_bgnbd_customers():
    """With the true parameters, the predicted chance of no purchase in the next 13 weeks matches
    what simulated customers do, overall and for each number of repeat purchases."""
    r, alpha, a, b = 0.25, 4.0, 0.8, 2.5  # close to CDNOW's fit, in weeks
    x, t_x, bought = _simulate_bgnbd(r, alpha, a, b, n=40_000, T=39.0, t=13.0)
    fit = BGNBDFit(r=r, alpha=alpha, a=a, b=b, log_likelihood=0.0, n_customers=len(x), time_unit="W", converged=True)
    p = retention.p_no_purchase(fit, 13.0, x, t_x, np.full(len(x), 39.0))
    assert abs(p.mean() - (~bought).mean()) < 0.01
    for group in (x == 0, x == 1, (x >= 2) & (x < 5), x >= 5):
        assert abs(p[group].mean() - (~bought[group]).mean()) < 0.03
    # a newcomer without repeats: alive for sure, silent with probability (alpha + T) / (alpha + T + t) ** r
    assert retention.p_no_purchase(fit, 13.0, [0], [0], [39.0])[0] == pytest.approx((43 / 56) ** 0.25, rel=1e-12)


def test_bands_follow_klaviyo_thirds():
    assert list(retention.band([0.0, 0.33, 1 / 3, 0.5, 2 / 3, 0.9, 1.0])) == [
        "low", "low", "medium", "medium", "high", "high", "high"]


@pytest.fixture(scope="module")
def demo_risk(demo_tx):
    return retention.churn_risk(demo_tx)


def test_the_planted_lapsed_customers_fill_the_top_decile(demo_risk, demo):
    """The demo's lapsed customers (a fifth of them, active 8 to 30 weeks and then gone) are the top
    decile of churn risk: 99.7 % of it on seed 0; the README quotes the figure."""
    customers = demo_risk.customers
    kind = customers["customer_id"].map(demo.truth.customer_type)
    top = customers.nlargest(len(customers) // 10, "p_churn")
    share = (kind[top.index] == "lapsed").mean()
    assert share >= 0.95, share
    assert (kind == "lapsed").mean() < 0.25  # (a top decile at random would hold a fifth)
    lapsed = customers[kind == "lapsed"]
    assert (lapsed["band"] == "high").mean() > 0.9
    assert (customers.loc[kind == "loyal", "band"] == "low").mean() > 0.95


def test_the_holdout_chooses_a_route_that_beats_the_naive_rule(demo_risk):
    scores = demo_risk.evaluation.set_index("route")
    assert list(scores.index) == ["btyd", "classifier", "naive"]
    assert demo_risk.route in retention.MODEL_ROUTES
    assert scores.loc[demo_risk.route, "auc"] == scores.loc[list(retention.MODEL_ROUTES), "auc"].max()
    assert scores.loc[demo_risk.route, "auc"] > scores.loc["naive", "auc"] + 0.02
    assert scores.loc[demo_risk.route, "brier"] < scores.loc["naive", "brier"]
    assert demo_risk.winner_beats_naive
    # the holdout scores the customers known at the cut, whose next 90 days are in the data
    assert demo_risk.cut == demo_risk.as_of - pd.Timedelta(days=90)
    assert (scores["customers"] < len(demo_risk.customers)).all() and scores["churned"].between(0.1, 0.5).all()
    calibration = demo_risk.calibration
    assert set(calibration["route"]) == set(retention.ROUTES)
    gap = (calibration["predicted"] - calibration["observed"]).abs().groupby(calibration["route"]).mean()
    # every route over-predicts a little (the demo's December peak brings quiet customers back in the
    # holdout's autumn, which no route knows), the chosen one less than the naive rule
    assert gap[demo_risk.route] < min(gap["naive"], 0.08)
    assert demo_risk.importance["feature"].iloc[0] == "recency_days"


def test_next_order_and_drivers_of_a_hand_made_customer(demo_risk):
    row = demo_risk.customers.iloc[0]
    assert row["expected_next_order"] == row["last_order"] + pd.Timedelta(days=round(row["mean_days_between_orders"]))
    single = demo_risk.customers[demo_risk.customers["orders"] == 1]
    assert single["expected_next_order"].isna().all() and single["mean_days_between_orders"].isna().all()
    assert single["drivers"].iloc[0].values["reasons"][0].id == "retention.driver.one_order"
    overdue = demo_risk.customers[demo_risk.customers["overdue_ratio"] > 3]
    assert all(d.values["reasons"][0].id == "retention.driver.overdue" for d in overdue["drivers"])


def test_a_short_history_scores_with_the_bgnbd_and_says_why():
    rng = np.random.default_rng(1)
    rows = [(f"C{c}", pd.Timestamp("2025-01-01") + pd.Timedelta(days=int(d)), 1, 10.0)
            for c in range(60) for d in np.sort(rng.choice(150, rng.integers(1, 6), replace=False))]
    risk = retention.churn_risk(_lines(rows), horizon_days=90)
    assert risk.route == "btyd" and risk.evaluation is None
    assert risk.problem.id == "retention.note.no_holdout"
    assert risk.customers["p_churn"].between(0, 1).all() and risk.customers["p_churn_classifier"].isna().all()


def test_hostile_settings_are_refused_in_words():
    tx = _lines([("A", "2025-01-01", 1, 5.0)])
    with pytest.raises(DataError) as err:
        retention.churn_risk(tx, horizon_days=3)
    assert err.value.id == "retention.error.horizon"
    with pytest.raises(DataError) as err:
        retention.cohort_table(tx, period="D")
    assert err.value.id == "retention.error.period"
    with pytest.raises(DataError) as err:
        retention.cohort_table(_lines([(None, "2025-01-01", 1, 5.0)]))
    assert err.value.id == "clv.error.no_customer_ids"


def test_cohort_table_matches_a_hand_computed_case():
    """Three customers. A: Jan, Feb, Apr (and a return in Apr). B: Jan only. C: Feb, Mar.
    Cohort Jan = {A, B}: months 0..3 buyers 2, 1, 0, 1; cohort Feb = {C}: months 0..2 buyers 1, 1, 0.
    Revenue: Jan cohort 10+20 in month 0, 5 in month 1, 0 in month 2, 8 - 3 (return) in month 3."""
    tx = _lines([("A", "2025-01-05", 1, 10.0), ("B", "2025-01-20", 2, 10.0), ("A", "2025-02-03", 1, 5.0),
                 ("C", "2025-02-10", 1, 7.0), ("C", "2025-03-31 18:00", 1, 7.0), ("A", "2025-04-02", 1, 8.0),
                 ("A", "2025-04-09", -1, 3.0)])
    table = retention.cohort_table(tx, "M")
    jan = table[table["cohort"] == "2025-01-01"].set_index("period")
    feb = table[table["cohort"] == "2025-02-01"].set_index("period")
    assert list(jan.index) == [0, 1, 2, 3] and list(feb.index) == [0, 1, 2]
    assert list(jan["customers"]) == [2, 1, 0, 1] and list(feb["customers"]) == [1, 1, 0]
    assert list(jan["revenue"]) == [30.0, 5.0, 0.0, 5.0] and list(feb["revenue"]) == [7.0, 7.0, 0.0]
    assert list(jan["customer_share"]) == [1.0, 0.5, 0.0, 0.5]
    assert list(jan["revenue_share"]) == pytest.approx([1.0, 5 / 30, 0.0, 5 / 30])
    assert (table["cohort_customers"] == table["cohort"].map({pd.Timestamp("2025-01-01"): 2,
                                                               pd.Timestamp("2025-02-01"): 1})).all()
    quarters = retention.cohort_table(tx, "Q").set_index("period")
    assert list(quarters["customers"]) == [3, 1] and list(quarters["revenue"]) == [49.0, 5.0]
    weeks = retention.cohort_table(tx, "W")
    assert weeks["cohort"].min() == pd.Timestamp("2024-12-30")  # the Monday of 5 January 2025's week
    assert weeks.groupby("cohort")["period"].max().max() == 14


def test_cohorts_of_the_demo_follow_the_planted_behaviour(demo_tx, demo):
    """Lapsed customers buy for 8 to 30 weeks, so none of them is in any cohort seven months on
    (until the coupon campaign wins a few back); the other types buy until the end, so a year on
    most of their first cohort still buys."""
    from promo_core.sample_data import CAMPAIGN_WEEK, START

    lapsed_ids = demo.truth.customer_type.index[demo.truth.customer_type == "lapsed"]
    is_lapsed = demo_tx["customer_id"].isin(lapsed_ids)
    before_campaign = demo_tx["order_date"] < START + pd.Timedelta(weeks=CAMPAIGN_WEEK)
    lapsed = retention.cohort_table(demo_tx[is_lapsed & before_campaign])
    assert lapsed.loc[lapsed["period"] >= 8, "customers"].sum() == 0
    assert lapsed.loc[lapsed["period"] == 1, "customer_share"].mean() > 0.5
    others = retention.cohort_table(demo_tx[~is_lapsed & demo_tx["customer_id"].notna()], "M")
    first = others[others["cohort"] == others["cohort"].min()].set_index("period")
    assert first.loc[12, "customer_share"] > 0.7
    whole = retention.cohort_table(demo_tx, "M")
    assert whole.drop_duplicates("cohort")["cohort_customers"].sum() == demo_tx["customer_id"].nunique()


def test_the_report_section_names_the_leavers_the_winning_route_and_the_cohorts(demo_tx, demo):
    from promo_core import report

    section = report.retention_analysis(demo_tx, top=10)
    lapsed = int((demo.truth.customer_type == "lapsed").sum())
    high = int(section.notes[0].split(" customers")[0].replace(",", ""))
    assert 0.8 * lapsed < high < 1.3 * lapsed
    assert section.notes[1].startswith("Value likely lost: £")
    assert "It beats the simple rule." in section.notes[2]
    routes = section.tables["Churn routes on the holdout"]
    assert list(routes["route"]) == ["buy-till-you-die (BG/NBD)", "behaviour model (gradient boosting)",
                                     "days since the last order (simple rule)"]
    top = section.tables["Top 10 at-risk customers"]
    assert len(top) == 10 and set(top["band"]) == {"high"} and top["value_at_risk"].is_monotonic_decreasing
    assert top["drivers"].map(type).eq(str).all()
    assert set(section.figures) == {"Churn risk by segment", "Cohort retention heatmap"}
    zh = report.retention_analysis(demo_tx, lang="zh", top=10)
    top_zh = zh.tables["风险最高的前 10 位客户"]
    assert set(top_zh["band"]) == {"高"} and top_zh["drivers"].str.contains("距上次下单|至今只下过一单").all()
    assert report.build_html_report([section])


def _small_shop(customers: int = 400, days: int = 400, seed: int = 3) -> pd.DataFrame:
    """A small shop: each customer buys at their own rate until a day of their own (a third stop
    early), some orders online, some with a coupon."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(customers):
        start, rate = rng.integers(0, days // 2), rng.gamma(2.0, 0.02)
        stop = start + rng.integers(30, 150) if rng.random() < 1 / 3 else days
        for day in np.flatnonzero(rng.random(days) < rate):
            if start <= day < stop:
                rows.append((f"C{c:03d}", pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(day)), 1,
                             float(rng.integers(5, 50))))
    tx = _lines(rows)
    tx["channel"] = np.where(rng.random(len(tx)) < 0.4, "web", "store")
    tx["coupon_code"] = np.where(rng.random(len(tx)) < 0.1, "SAVE5", None)
    return tx


def test_an_engine_table_scores_as_the_frame_does():
    """The same lines as a DataFrame and as a table of the engine give the same risks, holdout and
    cohorts: the per-line work is the engine's, whichever holds the lines."""
    from promo_core.engine import memory_backend

    tx = _small_shop()
    backend = memory_backend()
    backend.con.register("lines", tx)
    in_engine, in_frame = (retention.churn_risk(source, horizon_days=60) for source in (backend.table("lines"), tx))
    assert in_frame.route in retention.MODEL_ROUTES and in_frame.evaluation is not None
    columns = ["customer_id", "p_churn", "p_churn_btyd", "p_churn_classifier", "expected_next_order", "online_share",
               "discount_share"]
    pd.testing.assert_frame_equal(in_engine.customers[columns], in_frame.customers[columns])
    pd.testing.assert_frame_equal(in_engine.evaluation, in_frame.evaluation)
    assert in_frame.customers["online_share"].between(0, 1).all() and in_frame.customers["discount_share"].gt(0).any()
    pd.testing.assert_frame_equal(retention.cohort_table(backend.table("lines"), "Q"), retention.cohort_table(tx, "Q"))


def test_the_btyd_route_fits_the_lifetime_value_model_s_bgnbd(demo_risk, demo_tx):
    """The churn route's BG/NBD is the Segments page's: the same customer summary, the same fit (the
    summary is built from the behaviour features here, so both must count purchases alike)."""
    from promo_core import clv

    summary = clv.customer_summary(demo_tx)
    fit = clv.fit_bgnbd(summary)
    assert demo_risk.bgnbd.n_customers == fit.n_customers == len(demo_risk.customers)
    for name in ("r", "alpha", "a", "b", "log_likelihood"):
        assert getattr(demo_risk.bgnbd, name) == pytest.approx(getattr(fit, name), rel=1e-9), name
    merged = demo_risk.customers.merge(summary, on="customer_id")
    expected = retention.p_no_purchase(fit, 90, merged["frequency"], merged["recency"], merged["T"])
    np.testing.assert_allclose(merged["p_churn_btyd"], expected, rtol=1e-9)
    assert (merged["orders"] == merged["frequency"] + 1).all()


def test_the_retention_analysis_adds_value_at_risk_segments_and_cohorts_and_fails_by_parts():
    from promo_core import clv, segments
    from promo_core.analyses import retention as analysis

    tx = _small_shop()
    result = analysis.run(tx, analysis.Params(horizon_days=60, period="Q"))
    customers = result.customers
    worth = clv.lifetime_value(tx, result.as_of).customers.set_index("customer_id")["clv"]
    np.testing.assert_allclose(customers["value_at_risk"], customers["customer_id"].map(worth) * customers["p_churn"],
                               rtol=1e-12)
    assert result.value_at_risk == pytest.approx(customers["value_at_risk"].sum())
    assert result.bands["customers"].sum() == len(customers) and result.bands["customer_share"].sum() == pytest.approx(1)
    sizes = segments.rfm(tx).groupby("segment", observed=True).size()
    per_segment = result.by_segment.groupby("segment")["customers"].sum()
    assert per_segment.to_dict() == {s: n for s, n in sizes.items() if n}
    assert (result.at_risk["band"] == "high").all() and len(result.at_risk) == (customers["band"] == "high").sum()
    assert result.at_risk["value_at_risk"].is_monotonic_decreasing
    assert result.high_share == pytest.approx(len(result.at_risk) / len(customers))
    assert result.cohorts["period"].max() == 4 and not result.problems  # 400 days from January: 5 quarters
    bare = analysis.run(tx, analysis.Params(horizon_days=60, parts=frozenset()))
    assert bare.by_segment is None and bare.cohorts is None and "value_at_risk" not in bare.customers
    assert bare.at_risk["p_churn"].is_monotonic_decreasing and not bare.problems
    weekly_typo = analysis.run(tx, analysis.Params(horizon_days=60, period="fortnight", parts=frozenset({"cohorts"})))
    assert weekly_typo.cohorts is None and weekly_typo.problems["cohorts"].id == "retention.error.period"


def _messy_shop() -> pd.DataFrame:
    """``_small_shop`` with what real lines hold: orders of several lines, an order whose lines fall
    on two days and in two channels, returns, guest lines and a discount column."""
    tx = _small_shop(customers=120, days=300, seed=5)
    rng = np.random.default_rng(8)
    extra = tx.sample(150, random_state=1).assign(unit_price=lambda f: f["unit_price"] + 0.35,
                                                  channel=lambda f: np.where(rng.random(len(f)) < 0.5, "web", "store"))
    returns = tx.sample(60, random_state=2).assign(quantity=-1, order_id=lambda f: "R" + f["order_id"],
                                                   order_date=lambda f: f["order_date"] + pd.Timedelta(days=3))
    spill = tx.sample(20, random_state=3).assign(order_date=lambda f: f["order_date"] + pd.Timedelta(hours=30))
    guests = tx.sample(30, random_state=4).assign(customer_id=None)
    tx = pd.concat([tx, extra, returns, spill, guests], ignore_index=True)
    tx["discount"] = np.where(rng.random(len(tx)) < 0.05, 2.5, np.nan)
    return tx


def _features_by_hand(tx: pd.DataFrame, day: pd.Timestamp, window: int) -> pd.DataFrame:
    """What ``_Lines.features`` counts, in pandas: purchase days (a day with a line that is not a
    return), their revenue, gaps, recent and earlier days, online and discounted shares."""
    t = tx[tx["customer_id"].notna() & (tx["quantity"] >= 0)].assign(day=lambda f: f["order_date"].dt.normalize())
    t = t[t["day"] <= day].assign(revenue=lambda f: f["quantity"] * f["unit_price"], online=lambda f: f["channel"] == "web",
                                  deal=lambda f: f["discount"].gt(0) | f["coupon_code"].notna())
    days = t.groupby(["customer_id", "day"]).agg(value=("revenue", "sum"), online=("online", "any"),
                                                 deal=("deal", "any")).reset_index()
    since = (day - days["day"]).dt.days
    days = days.assign(recent=since < window, before=(since >= window) & (since < 2 * window),
                       gap=days.groupby("customer_id")["day"].diff().dt.days)
    g = days.groupby("customer_id")
    return pd.DataFrame({"orders": g.size(), "revenue": g["value"].sum(), "gap_spread_days": g["gap"].std(),
                         "orders_recent": g["recent"].sum(), "orders_before": g["before"].sum(),
                         "online_share": g["online"].mean(), "discount_share": g["deal"].mean(),
                         "last_order": g["day"].max()})


def test_purchase_days_from_the_kept_order_grouping_are_the_lines_days():
    """The churn features read from ``segments.customer_orders`` rows (the Segments analysis's kept
    grouping: one row per customer, order, day and channel) or from the lines are the ones counted
    by hand, at every cutoff (gaps ranked once for all cutoffs), and so are the churned customers."""
    from promo_core import segments

    tx = _messy_shop()
    as_of = tx["order_date"].max().normalize()
    with segments.customer_orders(tx).kept() as kept:
        for source in (tx, kept):
            with retention._Lines(source) as lines:
                for cut in (as_of, as_of - pd.Timedelta(days=60), as_of - pd.Timedelta(days=120)):
                    got = lines.features(cut, 60).set_index("customer_id")
                    want = _features_by_hand(tx, cut, 60)
                    assert list(got.index) == list(want.index)
                    for col in ("orders", "orders_recent", "orders_before"):
                        np.testing.assert_array_equal(got[col], want[col], err_msg=col)
                    for col in ("revenue", "gap_spread_days", "online_share", "discount_share"):
                        np.testing.assert_allclose(got[col], want[col], rtol=1e-12, err_msg=col)
                    assert (got["last_order"] == want["last_order"]).all()
                    start = cut - pd.Timedelta(days=60)
                    early = lines.features(start, 60)
                    bought = tx[tx["customer_id"].notna() & (tx["quantity"] >= 0)
                                & (tx["order_date"].dt.normalize() > start) & (tx["order_date"].dt.normalize() <= cut)]
                    expected = ~early["customer_id"].isin(set(bought["customer_id"])).to_numpy()
                    np.testing.assert_array_equal(lines.churned(early["customer_id"], start, cut), expected)
                    assert expected.any() and not expected.all()


def test_a_classifier_on_a_sample_of_customers_ranks_as_one_on_all(demo_tx, demo_risk, monkeypatch):
    """Above ``FIT_SIZE`` training customers the classifier learns from a sample (leavers and
    stayers in their shares): on the demo's 20,000 customers a sample of 5,000 ranks leavers about
    as well on the holdout, and every customer is still scored."""
    monkeypatch.setattr(retention._ChurnClassifier, "FIT_SIZE", 5000)
    sampled = retention.churn_risk(demo_tx)
    auc = {name: risk.evaluation.set_index("route")["auc"] for name, risk in (("all", demo_risk), ("sample", sampled))}
    assert abs(auc["sample"]["classifier"] - auc["all"]["classifier"]) < 0.01
    assert auc["sample"]["btyd"] == auc["all"]["btyd"]
    assert len(sampled.customers) == len(demo_risk.customers) and sampled.customers["p_churn_classifier"].notna().all()


def test_above_holdout_size_the_routes_are_compared_on_a_sample(demo_tx, demo_risk, monkeypatch):
    """Above ``HOLDOUT_SIZE`` customers at the holdout's cut the routes are compared on a sample of
    that many (leavers and stayers in their shares): on the demo's 19,346 a sample of 5,000 gives
    AUCs within 0.01 of all and the same route, and every customer's scores today are unchanged."""
    monkeypatch.setattr(retention, "HOLDOUT_SIZE", 5000)
    sampled = retention.churn_risk(demo_tx)
    assert (sampled.evaluation["customers"] == 5000).all() and (demo_risk.evaluation["customers"] == 19_346).all()
    assert (sampled.calibration.groupby("route")["customers"].sum() == 5000).all()
    assert sampled.evaluation["churned"].iloc[0] == pytest.approx(demo_risk.evaluation["churned"].iloc[0], abs=1e-3)
    np.testing.assert_allclose(sampled.evaluation["auc"], demo_risk.evaluation["auc"], atol=0.01)
    assert sampled.route == demo_risk.route
    for col in ("p_churn", "p_churn_btyd", "p_churn_classifier"):
        np.testing.assert_array_equal(sampled.customers[col], demo_risk.customers[col])


def test_the_chosen_route_alone_gives_the_same_churn_risk_and_fits_less(demo_tx, demo_risk, monkeypatch):
    """The Segments headline reads only ``p_churn``: without the other route's scores the chosen
    route's are the same to the last digit, and the classifier is refitted to score today only when
    it is the route chosen (here the BG/NBD is made to win: its refit is the one skipped)."""
    lean = retention.churn_risk(demo_tx, drivers=False, every_route=False)
    assert lean.route == demo_risk.route
    np.testing.assert_array_equal(lean.customers["p_churn"], demo_risk.customers["p_churn"])
    pd.testing.assert_frame_equal(lean.evaluation, demo_risk.evaluation)
    fits = count_calls(monkeypatch, retention._ChurnClassifier, "__init__")
    real = retention._metrics
    monkeypatch.setattr(retention, "_metrics", lambda route, p, churned: {
        **real(route, p, churned), **({"auc": 0.0} if route == "classifier" else {})})
    btyd = retention.churn_risk(demo_tx, drivers=False, every_route=False)
    assert btyd.route == "btyd" and len(fits) == 1, "the holdout's classifier only"
    assert btyd.customers["p_churn_classifier"].isna().all()
    np.testing.assert_array_equal(btyd.customers["p_churn"], demo_risk.customers["p_churn_btyd"])
    retention.churn_risk(demo_tx, drivers=False)
    assert len(fits) == 3, "every route: the classifier refitted to score today too"


def test_a_given_lifetime_value_fit_is_the_fit_the_route_makes(demo_tx, demo_risk):
    """The Segments page hands its lifetime-value BG/NBD to the churn route instead of a refit: the
    same summary, so the same probabilities to the last digit; a fit of other customers is refused."""
    from promo_core import clv

    fit = clv.fit_bgnbd(clv.customer_summary(demo_tx))
    given = retention.churn_risk(demo_tx, bgnbd=fit, drivers=False)
    assert given.bgnbd is fit and "drivers" not in given.customers.columns
    np.testing.assert_array_equal(given.customers["p_churn_btyd"], demo_risk.customers["p_churn_btyd"])
    pd.testing.assert_frame_equal(given.evaluation, demo_risk.evaluation)
    other = clv.fit_bgnbd(clv.customer_summary(demo_tx, "2026-01-31"))
    with pytest.raises(ValueError, match="fitted on"):
        retention.churn_risk(demo_tx, bgnbd=other)
