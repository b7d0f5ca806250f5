"""Customer lifetime value: the BTYD summary, BG/NBD and Gamma-Gamma fits against the published
CDNOW estimates and the ``lifetimes`` package, P(alive) against the demo's planted churn, the
horizon in calendar months, the holdout check and hostile inputs."""
import importlib.metadata
import warnings

import numpy as np
import pandas as pd
import pytest

from promo_core import clv, segments
from promo_core.errors import DataError
from promo_core.io import finalize_transactions
from tests.conftest import chinese_error


def lifetimes_dataset(name: str) -> pd.DataFrame:
    """A CSV shipped inside the installed ``lifetimes`` package (read without importing it)."""
    dist = importlib.metadata.distribution("lifetimes")
    path = next(f for f in dist.files if str(f).endswith(f"datasets/{name}"))
    return pd.read_csv(dist.locate_file(path))


@pytest.fixture(scope="module")
def cdnow():
    """The 2,357-customer CDNOW sample summary of Fader, Hardie & Lee (2005), in weeks."""
    return lifetimes_dataset("cdnow_customers_summary.csv")


@pytest.fixture(scope="module")
def demo_value(demo_tx):
    return clv.lifetime_value(demo_tx, time_unit="D", horizon_months=12, margin=0.3, annual_discount_rate=0.1)


def make_tx(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "quantity", "unit_price"])
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    frame["product_id"] = "P1"
    return finalize_transactions(frame)


# A buys on day 0 (two orders: 10 + 6), day 3 (20), day 10 (40) and returns something on day 12;
# B buys once on day 5; a guest buys on day 14. Calibration ends on day 14 (2025-01-15).
SMALL = [("O1", "A", "2025-01-01 09:00", 1, 10.0), ("O2", "A", "2025-01-01 17:00", 2, 3.0),
         ("O3", "A", "2025-01-04 12:00", 1, 20.0), ("O4", "A", "2025-01-11 12:00", 4, 10.0),
         ("R4", "A", "2025-01-13 12:00", -1, 10.0), ("O5", "B", "2025-01-06 12:00", 1, 7.0),
         ("O6", None, "2025-01-15 12:00", 1, 99.0)]


def test_customer_summary_hand_checked_in_days():
    out = clv.customer_summary(make_tx(SMALL)).sort_values("customer_id", ignore_index=True)
    expected = pd.DataFrame({"customer_id": ["A", "B"], "frequency": np.array([2, 0], dtype=np.int64),
                             "recency": [10.0, 0.0], "T": [14.0, 9.0], "monetary_value": [30.0, 0.0]})
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)
    assert out.attrs["time_unit"] == "D"


def test_customer_summary_in_weeks_is_days_over_seven_and_respects_calibration_end():
    out = clv.customer_summary(make_tx(SMALL), calibration_end="2025-01-08", time_unit="W")
    out = out.set_index("customer_id")
    assert out.loc["A", "frequency"] == 1 and out.loc["A", "monetary_value"] == 20.0
    assert out.loc["A", "recency"] == pytest.approx(3 / 7) and out.loc["A", "T"] == pytest.approx(7 / 7)
    assert out.loc["B", "T"] == pytest.approx(2 / 7)


def test_customer_summary_equals_lifetimes_on_the_demo(demo_tx):
    lifetimes_utils = pytest.importorskip("lifetimes.utils")
    buys = demo_tx[demo_tx["customer_id"].notna() & ~demo_tx["is_return"]]
    end = demo_tx["order_date"].max().normalize()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = lifetimes_utils.summary_data_from_transaction_data(
            buys, "customer_id", "order_date", monetary_value_col="revenue", observation_period_end=end, freq="D")
    ours = clv.customer_summary(demo_tx).set_index("customer_id").sort_index()
    ref = ref.sort_index()
    assert ours.index.tolist() == ref.index.astype(str).tolist()
    for col in ("frequency", "recency", "T", "monetary_value"):
        np.testing.assert_allclose(ours[col].to_numpy(float), ref[col].to_numpy(float), rtol=1e-9, atol=1e-9)


def test_bgnbd_reproduces_fader_hardie_lee_2005_on_cdnow(cdnow):
    fit = clv.fit_bgnbd(cdnow, time_unit="W")
    assert len(cdnow) == 2357
    assert round(fit.r, 3) == 0.243 and round(fit.alpha, 3) == 4.414
    assert round(fit.a, 3) == 0.793 and round(fit.b, 3) == 2.426
    assert round(fit.log_likelihood, 1) == -9582.4
    assert fit.converged and fit.time_unit == "W"


def test_gamma_gamma_reproduces_the_published_cdnow_spend_model():
    spend = lifetimes_dataset("cdnow_customers_summary_with_transactions.csv").rename(
        columns={"x": "frequency", "zbar": "monetary_value"})
    fit = clv.fit_gamma_gamma(spend)
    # Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value": p = 6.25, q = 3.74, gamma = 15.44
    assert (round(fit.p, 2), round(fit.q, 2)) == (6.25, 3.74) and fit.v == pytest.approx(15.44, abs=0.01)
    assert fit.n_customers == 946


def test_bgnbd_fit_matches_lifetimes_on_the_demo(demo_value):
    lifetimes = pytest.importorskip("lifetimes")
    summary = demo_value.summary
    weekly = summary.assign(recency=summary["recency"] / 7, T=summary["T"] / 7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = lifetimes.BetaGeoFitter().fit(weekly["frequency"], weekly["recency"], weekly["T"])
    ours = clv.fit_bgnbd(weekly, time_unit="W")
    likelihood = clv._BGNBDLikelihood(*clv._distinct_customers(*clv._summary_arrays(weekly)))
    ref_ll = -likelihood(np.log(ref.params_[["r", "alpha", "a", "b"]].to_numpy(float)))[0] * len(weekly)
    assert ours.log_likelihood >= ref_ll - 1e-6 * abs(ref_ll), "at least as good a maximum as lifetimes'"
    for name in ("r", "alpha", "a", "b"):
        assert getattr(ours, name) == pytest.approx(ref.params_[name], rel=0.02), name


def test_the_bgnbd_likelihood_per_distinct_customer_is_the_sum_over_every_customer(cdnow, monkeypatch):
    """``fit_bgnbd`` sums the likelihood once per distinct (frequency, recency, T), weighted by how
    many customers share it (``_distinct_customers``): the same log-likelihood and gradient as one
    row per customer, and the same fit (on CDNOW, whose 2,357 customers have 1,016 triples)."""
    summary = pd.DataFrame({"frequency": [0, 2, 0, 2, 5, 1, 2, 0, 3, 5, 2, 1, 0, 4],
                            "recency": [0, 10, 0, 10, 30, 3, 14, 0, 20, 30, 10, 3, 0, 7.5],
                            "T": [40, 40, 40, 40, 60, 35, 50, 20, 60, 60, 40, 30, 40, 9.25]})
    x, t_x, T = clv._summary_arrays(summary)
    rows = clv._distinct_customers(x, t_x, T)
    assert len(rows[0]) == 9 and rows[3].sum() == len(x) and rows[3].max() == 3
    every = clv._BGNBDLikelihood(x, t_x, T, np.ones(len(x)))
    distinct = clv._BGNBDLikelihood(*rows)
    for params in ([0.5, 10.0, 0.8, 2.5], [3.0, 80.0, 1e-5, 4e4], [0.05, 0.3, 20.0, 0.2]):
        (ll_every, grad_every), (ll_distinct, grad_distinct) = every(np.log(params)), distinct(np.log(params))
        np.testing.assert_allclose(ll_distinct, ll_every, rtol=1e-12)
        np.testing.assert_allclose(grad_distinct, grad_every, rtol=1e-12, atol=1e-15)
    fit = clv.fit_bgnbd(cdnow, time_unit="W")
    assert len(clv._distinct_customers(*clv._summary_arrays(cdnow))[0]) == 1016
    monkeypatch.setattr(clv, "_distinct_customers", lambda x, t_x, T: (x, t_x, T, np.ones(len(x))))
    every_fit = clv.fit_bgnbd(cdnow, time_unit="W")
    for name in ("r", "alpha", "a", "b", "log_likelihood"):
        assert getattr(fit, name) == pytest.approx(getattr(every_fit, name), rel=1e-9), name


def test_p_alive_and_expected_purchases_equal_lifetimes_formulas(cdnow):
    lifetimes = pytest.importorskip("lifetimes")
    fit = clv.fit_bgnbd(cdnow, time_unit="W")
    ref = lifetimes.BetaGeoFitter()
    ref.params_ = pd.Series({"r": fit.r, "alpha": fit.alpha, "a": fit.a, "b": fit.b})
    x, t_x, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_allclose(fit.p_alive(x, t_x, T), ref.conditional_probability_alive(x, t_x, T), rtol=1e-9)
        np.testing.assert_allclose(fit.expected_purchases(39, x, t_x, T),
                                   ref.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T), rtol=1e-7)
        np.testing.assert_allclose(fit.expected_purchases_new(39), ref.expected_number_of_purchases_up_to_time(39),
                                   rtol=1e-9)


def test_expected_purchases_for_cdnow_match_the_paper(cdnow):
    fit = clv.fit_bgnbd(cdnow, time_unit="W")
    # Fader, Hardie & Lee (2005), section 4: a customer with x = 2, t_x = 30.43, T = 38.86 is expected
    # to make 1.226 purchases in the next 39 weeks
    assert fit.expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=0.001)


def test_horizon_is_calendar_months_whatever_the_unit(demo_tx):
    assert clv.months_to_units(12, "D") == pytest.approx(365.25)
    assert clv.months_to_units(12, "W") == pytest.approx(365.25 / 7)
    by_day = clv.lifetime_value(demo_tx, time_unit="D").customers.set_index("customer_id")
    by_week = clv.lifetime_value(demo_tx, time_unit="W").customers.set_index("customer_id")
    np.testing.assert_allclose(by_week["expected_purchases"], by_day["expected_purchases"], rtol=1e-5)
    np.testing.assert_allclose(by_week["clv"], by_day["clv"], rtol=1e-5)


def test_clv_is_margin_times_spend_times_purchases_without_discounting(demo_value):
    v = clv.customer_value(demo_value.summary, demo_value.bgnbd, demo_value.gamma_gamma, horizon_months=6,
                           margin=1.0, annual_discount_rate=0.0)
    np.testing.assert_allclose(v["clv"], v["expected_spend"] * v["expected_purchases"], rtol=1e-9)
    # (computed once per distinct frequency and age, the purchases are expected_purchases' to the last bit)
    x, t_x, T = clv._summary_arrays(demo_value.summary)
    months_6 = clv.months_to_units(6, demo_value.bgnbd.time_unit)
    np.testing.assert_array_equal(v["expected_purchases"], demo_value.bgnbd.expected_purchases(months_6, x, t_x, T))
    half = clv.customer_value(demo_value.summary, demo_value.bgnbd, demo_value.gamma_gamma, horizon_months=6,
                              margin=0.5, annual_discount_rate=0.0)
    np.testing.assert_allclose(half["clv"], 0.5 * v["clv"], rtol=1e-12)
    discounted = clv.customer_value(demo_value.summary, demo_value.bgnbd, demo_value.gamma_gamma,
                                    horizon_months=6, margin=1.0, annual_discount_rate=0.2)
    assert (discounted["clv"] < v["clv"]).all()
    # the last month is discounted by 1.2 ** 0.5, the first by 1.2 ** (1/12)
    ratio = discounted["clv"] / v["clv"]
    assert ratio.between(1.2 ** -0.5, 1.2 ** (-1 / 12)).all()


def test_expected_spend_shrinks_to_the_population_mean(demo_value):
    gg = demo_value.gamma_gamma
    assert gg.expected_spend(0, 0.0) == pytest.approx(gg.population_mean_spend)
    few, many = gg.expected_spend([1, 100], [500.0, 500.0])
    assert gg.population_mean_spend < few < many < 500.0


def test_p_alive_finds_the_planted_lapsed_customers(demo, demo_value):
    v = demo_value.customers.set_index("customer_id")
    kind = demo.truth.customer_type.reindex(v.index)
    assert v.loc[kind == "lapsed", "p_alive"].mean() < 0.3
    assert v.loc[kind == "loyal", "p_alive"].mean() > 0.95
    lapsed = (kind == "lapsed").to_numpy()
    scores = -v["p_alive"].to_numpy()
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    auc = (ranks[lapsed].sum() - lapsed.sum() * (lapsed.sum() + 1) / 2) / (lapsed.sum() * (~lapsed).sum())
    assert auc > 0.85, f"AUC of 1 - P(alive) for the lapsed: {auc:.3f}"
    assert v.loc[kind == "loyal", "clv"].mean() > 2 * v.loc[kind == "store_occasional", "clv"].mean()


def test_falling_p_alive_is_a_real_drop(demo_value):
    v = demo_value.customers
    falling = v[v["p_alive_falling"]]
    assert len(falling) > 0
    assert (falling["p_alive_before"] - falling["p_alive"] >= 0.1).all()
    assert (v.loc[v["p_alive_before"].isna() & (v["frequency"] > 0), "recency"]
            > v.loc[v["p_alive_before"].isna() & (v["frequency"] > 0), "T"] - 90).all(), \
        "no earlier value only for customers who bought in the last 90 days"


def test_segment_value_adds_up(demo_tx, demo_value):
    table = segments.rfm(demo_tx)
    out = clv.segment_value(demo_value.customers, table).set_index("segment")
    assert out.index.tolist() == segments.SEGMENTS
    v = demo_value.customers
    assert out["value_at_risk"].sum() == pytest.approx(v.loc[v["p_alive_falling"], "clv"].sum())
    assert out["total_clv"].sum() == pytest.approx(v["clv"].sum())
    assert out.loc["Champions", "mean_p_alive"] > 0.95 > 0.5 > out.loc["Lost", "mean_p_alive"]
    assert out.loc["Champions", "value_at_risk"] == 0


def test_holdout_leaving_too_little_to_learn_from_is_refused_a_long_one_gets_a_note(demo_tx):
    span = (demo_tx["order_date"].max().normalize() - demo_tx["order_date"].min().normalize()).days
    with pytest.raises(DataError, match=f"fewer than 60 days before it.*Choose a holdout of 7 to {span - 60} days"):
        clv.holdout_check(demo_tx, holdout_days=span - 59)
    assert clv.holdout_check(demo_tx, holdout_days=180).notes == ()
    long = clv.holdout_check(demo_tx, holdout_days=span // 2 + 1)
    assert [(m.id, m.values["holdout_days"]) for m in long.notes] == [("clv.note.long_holdout", span // 2 + 1)]
    assert long.total_actual > 0


def cdnow_transactions() -> pd.DataFrame:
    """The CDNOW sample's 6,919 purchase records (customer, date, CDs, dollars) as order lines."""
    dist = importlib.metadata.distribution("lifetimes")
    path = next(f for f in dist.files if str(f).endswith("datasets/CDNOW_sample.txt"))
    raw = pd.read_csv(dist.locate_file(path), sep=r"\s+", header=None, dtype={"customer_id": str},
                      names=["customer_id", "master_id", "date", "quantity", "amount"])
    return finalize_transactions(pd.DataFrame({
        "order_id": [f"O{i}" for i in range(len(raw))], "customer_id": raw["customer_id"],
        "order_date": pd.to_datetime(raw["date"].astype(str)), "quantity": raw["quantity"],
        "unit_price": raw["amount"] / raw["quantity"], "product_id": "CD"}))


def test_holdout_check_runs_fader_hardie_lees_39_39_week_cdnow_split(cdnow):
    """Fader, Hardie & Lee (2005), section 4: the BG/NBD fitted on weeks 1-39 of the CDNOW cohort
    predicts each customer's repeat purchases in weeks 40-78 (1,882 happened)."""
    check = clv.holdout_check(cdnow_transactions(), holdout_days=39 * 7, time_unit="W", end="1998-06-30")
    assert check.calibration_end == pd.Timestamp("1997-09-30") and check.holdout_units == 39
    assert [m.id for m in check.notes] == ["clv.note.long_holdout"]  # warned, not refused
    assert len(check.customers) == 2357
    assert check.total_actual == 1882
    # the calibration summary is the published one, so the fit is the paper's
    assert sorted(check.customers["frequency"]) == sorted(cdnow["frequency"])  # the sample renumbers the ids
    assert round(check.bgnbd.r, 3) == 0.243 and round(check.bgnbd.b, 3) == 2.426
    # summed conditional expectations, as lifetimes' conditional_expected_number_of_purchases_up_to_time
    # gives (1653.41); the paper's per-frequency comparison: close for light buyers, under for 1-6
    assert check.total_model == pytest.approx(1653.41, abs=0.01)
    by = check.by_frequency.set_index("frequency_group")
    assert by.loc["0", "model"] == pytest.approx(by.loc["0", "actual"], abs=0.02)
    assert (by["model"].diff().dropna() > 0).all() and (by["actual"].diff().dropna() > 0).all()
    # and it beats the naive "same rate as before" rule, which nearly doubles the total
    assert check.mae_model < check.mae_naive
    assert abs(check.total_model - 1882) < 0.15 * 1882 < abs(check.total_naive - 1882)


def test_holdout_check_beats_the_naive_rate(demo_tx):
    check = clv.holdout_check(demo_tx, holdout_days=180)
    assert check.calibration_end == demo_tx["order_date"].max().normalize() - pd.Timedelta(days=180)
    assert check.mae_model < check.mae_naive
    assert abs(check.total_model / check.total_actual - 1) < 0.15
    assert abs(check.total_model - check.total_actual) < abs(check.total_naive - check.total_actual)
    assert check.by_frequency["customers"].sum() == len(check.customers)
    assert check.by_frequency["frequency_group"].iloc[-1] == "7+"


def test_p_alive_matrix_falls_with_time_since_last_purchase(demo_value):
    grid = clv.p_alive_matrix(demo_value.bgnbd, max_frequency=10, T=700)
    assert len(grid) == 11 * 25
    five = grid[grid["frequency"] == 5].sort_values("recency")
    assert five["p_alive"].is_monotonic_increasing and five["p_alive"].iloc[-1] > 0.9 > five["p_alive"].iloc[0]
    assert (grid.loc[grid["frequency"] == 0, "p_alive"] == 1).all()


def test_hostile_inputs_get_clear_messages(demo_value):
    bad = pd.DataFrame({"frequency": [1, 2], "recency": [5.0, 9.0], "T": [4.0, 10.0]})
    with pytest.raises(DataError, match="recency must lie between 0 and T"):
        clv.fit_bgnbd(bad)
    no_repeat = pd.DataFrame({"frequency": [0] * 20, "recency": [0.0] * 20, "T": [10.0] * 20})
    with pytest.raises(DataError, match="came back"):
        clv.fit_bgnbd(no_repeat)
    with pytest.raises(DataError, match="no prices"):
        clv.fit_gamma_gamma(no_repeat.assign(monetary_value=np.nan))
    with pytest.raises(DataError, match="margin"):
        clv.customer_value(demo_value.summary, demo_value.bgnbd, demo_value.gamma_gamma, margin=30)
    with pytest.raises(DataError, match="time unit"):
        clv.customer_summary(make_tx(SMALL), time_unit="fortnight")
    with pytest.raises(DataError, match="too short to check the model"):
        clv.holdout_check(make_tx(SMALL), holdout_days=180)
    with pytest.raises(DataError, match="Lifetime value needs at least 60 days"):
        clv.lifetime_value(make_tx(SMALL))
    with pytest.raises(DataError, match="customer ID"):
        clv.customer_summary(make_tx(SMALL).assign(customer_id=None))


def test_an_order_date_in_year_9999_is_named_not_a_crash():
    tx = make_tx(SMALL + [("O7", "B", "2024-01-01 12:00", 1, 7.0)])
    tx.loc[len(tx) - 1, "order_date"] = pd.Timestamp("9999-12-31 12:00")  # (finalize_transactions would refuse it)
    for call in (lambda: clv.customer_summary(tx), lambda: clv.holdout_check(tx, holdout_days=7)):
        err = chinese_error(call)
        assert "1 sales line has an order date outside 1900–2100 (9999-12-31)" in str(err)


def test_a_calibration_end_in_year_9999_is_refused_with_the_date():
    err = chinese_error(lambda: clv.customer_summary(make_tx(SMALL), calibration_end="9999-12-31"))
    assert "The calibration end 9999-12-31 lies outside 1900–2100" in str(err)


def test_without_prices_purchases_are_still_predicted(demo_tx):
    tx = demo_tx.assign(unit_price=np.nan, revenue=np.nan)
    lv = clv.lifetime_value(tx)
    assert lv.gamma_gamma is None and lv.customers["clv"].isna().all()
    assert lv.customers["expected_purchases"].gt(0).all()


def test_errors_read_in_chinese_too():
    tx = make_tx(SMALL)
    month = make_tx([("O1", "A", "2025-01-01", 1, 10.0), ("O2", "A", "2025-02-05", 1, 10.0)])
    no_repeat = pd.DataFrame({"frequency": [0] * 20, "recency": [0.0] * 20, "T": [10.0] * 20})
    bad = pd.DataFrame({"frequency": [1, 2], "recency": [5.0, 9.0], "T": [4.0, 10.0]})
    calls = [lambda: clv.customer_summary(tx, time_unit="fortnight"),
             lambda: clv.customer_summary(tx.drop(columns=["revenue", "unit_price"])),
             lambda: clv.customer_summary(tx.assign(customer_id=None)),
             lambda: clv.customer_summary(tx, calibration_end="2024-01-01"),
             lambda: clv.fit_bgnbd(pd.DataFrame({"frequency": [1]})), lambda: clv.fit_bgnbd(bad),
             lambda: clv.fit_bgnbd(no_repeat), lambda: clv.fit_gamma_gamma(no_repeat.assign(monetary_value=np.nan)),
             lambda: clv.fit_gamma_gamma(no_repeat.assign(monetary_value=5.0)),
             lambda: clv.customer_value(no_repeat, None, None, margin=30),
             lambda: clv.customer_value(no_repeat, None, None, annual_discount_rate=1.5),
             lambda: clv.customer_value(no_repeat, None, None, horizon_months=0),
             lambda: clv.holdout_check(tx, holdout_days=180), lambda: clv.holdout_check(month, holdout_days=5),
             lambda: clv.lifetime_value(tx)]
    for call in calls:
        chinese_error(call)
