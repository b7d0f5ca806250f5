"""Campaign A/B analysis: lifts, intervals and p-values checked against hand formulas and scipy /
statsmodels, Hillstrom's known facts, the demo campaign rebuilt from the transactions, hostile input."""
import io

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from promo_core import experiments as ex
from promo_core import sample_data
from promo_core.errors import DataError
from promo_core.io import read_table
from promo_core.text import render
from tests.conftest import chinese_error, reasons

Z = stats.norm.ppf(0.975)


@pytest.fixture(scope="module")
def hillstrom(shared_data):
    return read_table(shared_data / "hillstrom.csv").data


def _binary_frame(arms: dict) -> pd.DataFrame:
    """arm -> (customers, buyers) as a one-row-per-customer frame."""
    rows = [(a, 1) for a, (n, k) in arms.items() for _ in range(k)] + \
           [(a, 0) for a, (n, k) in arms.items() for _ in range(n - k)]
    return pd.DataFrame(rows, columns=["arm", "bought"])


def test_hillstrom_arm_means_equal_the_data_and_the_readme_facts(hillstrom):
    res = ex.compare_outcomes(hillstrom, "segment", ["visit", "conversion", "spend"], "No E-Mail")
    truth = hillstrom.groupby("segment")[["visit", "conversion", "spend"]].mean()
    for outcome in ("visit", "conversion", "spend"):
        part = res[res["outcome"] == outcome].set_index("arm")
        assert (part["mean"] == truth[outcome].reindex(part.index)).all()
    part = res[res["outcome"] == "visit"].set_index("arm")
    assert part["n"].to_dict() == {"No E-Mail": 21306, "Mens E-Mail": 21307, "Womens E-Mail": 21387}
    assert list(part.index) == ["No E-Mail", "Mens E-Mail", "Womens E-Mail"]  # control first
    facts = {("visit", "Mens E-Mail"): 0.1828, ("visit", "Womens E-Mail"): 0.1514, ("visit", "No E-Mail"): 0.1062,
             ("conversion", "Mens E-Mail"): 0.01253, ("conversion", "Womens E-Mail"): 0.00884,
             ("conversion", "No E-Mail"): 0.00573}
    for (outcome, arm), value in facts.items():
        got = res[(res["outcome"] == outcome) & (res["arm"] == arm)]["mean"].iloc[0]
        assert round(got, len(str(value)) - 2) == value
    spend = res[res["outcome"] == "spend"].set_index("arm")["mean"].round(3)
    assert spend.to_dict() == {"No E-Mail": 0.653, "Mens E-Mail": 1.423, "Womens E-Mail": 1.077}
    assert set(res["test"]) == {"", "two-proportion z-test", "Welch's t-test"}


def test_binary_lift_interval_and_p_value_match_hand_formulas_and_statsmodels():
    from statsmodels.stats.proportion import proportions_ztest

    df = _binary_frame({"control": (400, 40), "coupon": (380, 57)})
    row = ex.compare_arms(df, "arm", "bought", "control").set_index("arm").loc["coupon"]
    p1, p0 = 57 / 380, 40 / 400
    se = np.sqrt(p1 * (1 - p1) / 380 + p0 * (1 - p0) / 400)
    assert row["lift"] == pytest.approx(p1 - p0, abs=1e-12)
    assert row["lift_low"] == pytest.approx(p1 - p0 - Z * se, abs=1e-12)
    assert row["lift_high"] == pytest.approx(p1 - p0 + Z * se, abs=1e-12)
    _, p_ref = proportions_ztest([57, 40], [380, 400])
    assert row["p_value"] == pytest.approx(p_ref, rel=1e-10)
    se_log = np.sqrt((1 - p1) / (380 * p1) + (1 - p0) / (400 * p0))
    assert row["rel_lift"] == pytest.approx(p1 / p0 - 1)
    assert row["rel_lift_low"] == pytest.approx(np.exp(np.log(p1 / p0) - Z * se_log) - 1, abs=1e-12)
    assert row["rel_lift_high"] == pytest.approx(np.exp(np.log(p1 / p0) + Z * se_log) - 1, abs=1e-12)
    assert row["kind"] == "binary" and row["p_value_holm"] == row["p_value"]


def test_money_lift_uses_welch_interval_and_p_value_as_scipy():
    rng = np.random.default_rng(3)
    a, b = rng.gamma(2.0, 10.0, 300), rng.gamma(2.0, 12.0, 150)
    df = pd.DataFrame({"arm": ["ctl"] * 300 + ["mail"] * 150, "spend": np.r_[a, b]})
    row = ex.compare_arms(df, "arm", "spend", "ctl").set_index("arm").loc["mail"]
    ref = stats.ttest_ind(b, a, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert row["lift"] == pytest.approx(b.mean() - a.mean(), abs=1e-12)
    assert row["p_value"] == pytest.approx(ref.pvalue, rel=1e-10)
    assert (row["lift_low"], row["lift_high"]) == (pytest.approx(ci.low, abs=1e-10), pytest.approx(ci.high, abs=1e-10))
    assert row["test"] == "Welch's t-test" and row["kind"] == "money"


def test_several_treatment_arms_get_holm_adjusted_p_values():
    df = _binary_frame({"control": (500, 50), "a": (500, 75), "b": (500, 62), "c": (500, 52)})
    res = ex.compare_arms(df, "arm", "bought", "control").set_index("arm")
    p = res.loc[["a", "b", "c"], "p_value"].to_numpy()
    order = np.argsort(p)
    m = len(p)
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):  # Holm (1979) step-down, by hand
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    assert np.allclose(res.loc[["a", "b", "c"], "p_value_holm"], adjusted, rtol=1e-12)
    assert np.isnan(res.loc["control", "p_value_holm"]) and not res.loc["control", "significant"]


def test_arms_sort_naturally_with_control_first():
    df = _binary_frame({"coupon_10": (50, 9), "control": (50, 5), "coupon_5": (50, 7)})
    assert ex.compare_arms(df, "arm", "bought", "control")["arm"].tolist() == ["control", "coupon_5", "coupon_10"]


def test_lift_sentence_states_the_mens_email_visit_lift_with_its_interval(hillstrom):
    res = ex.compare_arms(hillstrom, "segment", "visit", "No E-Mail").set_index("arm")
    message = ex.lift_sentence(res.loc["Mens E-Mail"].to_dict() | {"arm": "Mens E-Mail"}, "visit", "No E-Mail")
    sentence = render(message)
    low, high = 100 * res.loc["Mens E-Mail", "lift_low"], 100 * res.loc["Mens E-Mail", "lift_high"]
    assert sentence.startswith("Mens E-Mail raised the visit rate by 7.7 points")
    assert f"(95% CI {low:.1f} to {high:.1f})" in sentence and "10.6% → 18.3%" in sentence
    zh = render(message, "zh")
    assert "提高了 7.7 个百分点" in zh and "95% 置信区间" in zh


def test_lift_sentence_says_when_a_lift_is_not_distinguishable_from_zero(demo):
    res = ex.compare_arms(demo.campaign, "arm", "spend", "control").set_index("arm")
    row = res.loc["coupon_5"].to_dict() | {"arm": "coupon_5"}
    assert row["lift_low"] < 0 < row["lift_high"]
    assert "not distinguishable from no effect" in render(ex.lift_sentence(row, "spend", "control"))
    assert "无法与“没有效果”区分开" in render(ex.lift_sentence(row, "spend", "control"), "zh", "¥")


def test_sample_ratio_check_passes_hillstrom_and_matches_hand_chi_square(hillstrom):
    check = ex.sample_ratio_check(hillstrom, "segment")
    counts = np.array([21307, 21306, 21387])
    chi2 = ((counts - counts.mean()) ** 2 / counts.mean()).sum()
    assert check.chi2 == pytest.approx(chi2, rel=1e-12)
    assert check.p_value == pytest.approx(stats.chi2.sf(chi2, 2), rel=1e-9)
    assert not check.mismatch


def test_sample_ratio_check_flags_a_broken_split_and_honours_intended_shares():
    df = pd.DataFrame({"arm": ["a"] * 1000 + ["b"] * 1200})
    broken = ex.sample_ratio_check(df, "arm")
    assert broken.chi2 == pytest.approx(2 * 100 ** 2 / 1100) and broken.mismatch
    planned = ex.sample_ratio_check(df, "arm", intended={"a": 5, "b": 6})
    assert planned.table["expected"].tolist() == pytest.approx([1000, 1200]) and not planned.mismatch
    missing_arm = ex.sample_ratio_check(df, "arm", intended={"a": 1})
    assert missing_arm.mismatch and missing_arm.p_value == 0.0


def test_cuped_keeps_the_lift_and_narrows_the_interval_by_the_covariates_correlation():
    rng = np.random.default_rng(7)
    n = 4000
    pre = rng.gamma(2.0, 20.0, n)
    arm = np.where(np.arange(n) % 2 == 0, "control", "mail")
    spend = 0.8 * pre + rng.normal(0, 10, n) + np.where(arm == "mail", 3.0, 0.0)
    df = pd.DataFrame({"arm": arm, "spend": spend, "pre": pre})
    res = ex.cuped(df, "arm", "spend", "control", "pre")
    assert res.theta == pytest.approx(np.cov(spend, pre)[0, 1] / pre.var(ddof=1), rel=1e-12)
    row = res.table.iloc[0]
    assert row["lift_cuped_low"] < 3.0 < row["lift_cuped_high"]
    expected = 1 - np.sqrt(1 - res.correlation ** 2)  # the standard error shrinks by sqrt(1 - rho^2)
    assert row["narrower_by"] == pytest.approx(expected, abs=0.02)
    assert row["narrower_by"] > 0.5


def test_cuped_on_the_demo_campaign_narrows_the_spend_interval(demo):
    res = ex.cuped(demo.campaign, "arm", "spend", "control", "monetary")
    assert (res.table["narrower_by"] > 0.02).all()
    assert res.table["arm"].tolist() == ["coupon_5", "coupon_10"]


def test_sample_size_matches_the_arcsine_formula_and_inverts_to_the_mde():
    p0, lift, za, zb = 0.10, 0.02, stats.norm.ppf(0.975), stats.norm.ppf(0.8)
    h = 2 * np.arcsin(np.sqrt(p0 + lift)) - 2 * np.arcsin(np.sqrt(p0))
    n = ex.sample_size_per_arm(p0, lift)
    assert abs(n - 2 * ((za + zb) / h) ** 2) < 1.5
    assert ex.minimum_detectable_effect(p0, n) == pytest.approx(lift, rel=2e-3)
    assert ex.minimum_detectable_effect(p0, 4 * n) == pytest.approx(lift / 2, rel=0.08)  # 4x customers, half the MDE


def test_money_sample_size_matches_the_normal_formula():
    za, zb = stats.norm.ppf(0.975), stats.norm.ppf(0.9)
    n = ex.sample_size_per_arm(5.0, 0.5, kind="money", sd=12.0, power=0.9)
    assert abs(n - 2 * ((za + zb) * 12.0 / 0.5) ** 2) < 1.5
    curve = ex.power_curve(5.0, [1000, 4000, 16000], kind="money", sd=12.0)
    assert curve["mde"].is_monotonic_decreasing and curve["mde"].iloc[0] == pytest.approx(2 * curve["mde"].iloc[1], rel=1e-4)


@pytest.mark.parametrize("kwargs, message", [
    ({"baseline": 1.2, "lift": 0.01}, "between 0% and 100%"),
    ({"baseline": 0.1, "lift": 0.0}, "non-zero"),
    ({"baseline": 5.0, "lift": 1.0, "kind": "money"}, "standard deviation"),
])
def test_power_calculator_rejects_impossible_inputs(kwargs, message):
    with pytest.raises(DataError, match=message):
        ex.sample_size_per_arm(**kwargs)


@pytest.mark.parametrize("frame, outcome, control, message", [
    (pd.DataFrame({"arm": ["a", "b"], "y": [1, 0]}), "z", "a", "no column 'z'"),
    (pd.DataFrame({"arm": ["a", "b"], "y": ["x", "y"]}), "y", "a", "holds text"),
    (pd.DataFrame({"arm": ["a", "a", "b", "b"], "y": [1, np.nan, 0, 1]}), "y", "a", "no value"),
    (pd.DataFrame({"arm": ["a", "a", "b", "b"], "y": [1, 0, 0, 1]}), "y", "control", "does not occur"),
    (pd.DataFrame({"arm": ["a", "a"], "y": [1, 0]}), "y", "a", "only one arm"),
    (pd.DataFrame({"arm": ["a", "a", "b"], "y": [1, 0, 1]}), "y", "a", "fewer than 2"),
    (pd.DataFrame({"arm": [], "y": []}), "y", "a", "no rows"),
])
def test_compare_arms_explains_bad_input(frame, outcome, control, message):
    with pytest.raises(DataError, match=message):
        ex.compare_arms(frame, "arm", outcome, control)


def test_binary_kind_is_refused_for_money_values():
    df = pd.DataFrame({"arm": ["a", "a", "b", "b"], "y": [1.5, 0, 0, 1]})
    with pytest.raises(DataError, match="other than 0 and 1"):
        ex.compare_arms(df, "arm", "y", "a", kind="binary")


def test_columns_are_suggested_for_hillstrom_and_the_demo_campaign(hillstrom, demo):
    h = ex.suggest_columns(hillstrom)
    assert (h.arm, h.control, h.binary_outcomes, h.money_outcomes) == ("segment", "No E-Mail", ["visit", "conversion"],
                                                                      ["spend"])
    assert h.features == ["recency", "history_segment", "history", "mens", "womens", "zip_code", "newbie", "channel"]
    d = ex.suggest_columns(demo.campaign)
    assert (d.arm, d.control, d.id_column, d.binary_outcomes, d.money_outcomes) == (
        "arm", "control", "customer_id", ["converted"], ["spend"])
    assert "monetary" in d.features and "preferred_channel" in d.features


def test_campaign_features_and_outcomes_are_built_from_the_sales_as_worked_out_by_hand():
    t = pd.Timestamp
    tx = pd.DataFrame({
        "order_id": ["O1", "O2", "O3", "O4", "O5"],
        "customer_id": ["A", "A", "A", "C", "C"],
        "order_date": [t("2025-01-01 12:00"), t("2025-01-20 12:00"), t("2025-02-03 09:00"), t("2025-01-31 08:00"),
                       t("2025-02-20 10:00")],
        "quantity": [2, 1, 1, 1, 1], "unit_price": [10.0, 30.0, 20.0, 40.0, 9.0],
        "channel": ["store", "online", "online", "online", "store"], "discount": [0.0, 3.0, 5.0, 0.0, 0.0],
        "coupon_code": [None, None, "WIN5", None, None]})
    recipients = pd.DataFrame({"customer_id": ["A", "B", "C"], "arm": ["coupon", "control", "coupon"]})
    got = ex.campaign_from_transactions(tx, recipients, "2025-02-01", 14, codes=["WIN5"])
    expected = pd.DataFrame({
        "customer_id": ["A", "B", "C"], "arm": ["coupon", "control", "coupon"],
        "recency_days": np.array([11, -1, 0]), "frequency": np.array([2, -1, 1]), "monetary": [50.0, 0.0, 40.0],
        "tenure_days": np.array([30, -1, 0]), "online_share": [0.5, 0.0, 1.0], "discount_share": [0.06, 0.0, 0.0],
        "preferred_channel": ["both", "none", "online"],
        "converted": np.array([1, 0, 0]), "spend": [15.0, 0.0, 0.0],  # C bought after the 14-day window
        "redeemed": np.array([1, 0, 0])})
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got["recency_days"].dtype == np.int64 and got["converted"].dtype == np.int64


def test_the_demo_campaign_is_rebuilt_from_the_loaded_transactions(demo, demo_tx):
    launch = sample_data.START + pd.Timedelta(days=sample_data.CAMPAIGN_WEEK * 7)
    window = ex.coupon_window(demo_tx, ["WINBACK5", "WINBACK10"])
    assert window.first_day == launch
    assert window.last_day == launch + pd.Timedelta(days=sample_data.CAMPAIGN_DAYS - 1)
    rebuilt = ex.campaign_from_transactions(demo_tx, demo.campaign[["customer_id", "arm"]], launch,
                                            sample_data.CAMPAIGN_DAYS, codes=["WINBACK5", "WINBACK10"])
    pd.testing.assert_frame_equal(rebuilt.drop(columns="redeemed"), demo.campaign)
    window = demo_tx[(demo_tx["order_date"] >= launch) & (demo_tx["quantity"] > 0)
                     & (demo_tx["order_date"] < launch + pd.Timedelta(days=sample_data.CAMPAIGN_DAYS))]
    buyers = set(window["customer_id"].dropna())
    assert rebuilt["converted"].tolist() == [int(c in buyers) for c in rebuilt["customer_id"]]
    treated = rebuilt["arm"] != "control"
    assert (rebuilt.loc[treated, "redeemed"] == rebuilt.loc[treated, "converted"]).all()
    assert rebuilt.loc[~treated, "redeemed"].sum() == 0


def test_campaign_from_transactions_refuses_a_customer_in_two_arms(demo_tx):
    recipients = pd.DataFrame({"customer_id": ["C00002", "C00002"], "arm": ["control", "coupon_5"]})
    with pytest.raises(DataError, match="more than once"):
        ex.campaign_from_transactions(demo_tx, recipients, "2026-10-12", 14)


def test_campaign_codes_are_told_from_standing_codes_by_how_long_they_were_used(demo_tx):
    assert ex.suggest_campaign_codes(demo_tx) == ["WINBACK5", "WINBACK10"]  # SAVE10 runs all year
    assert ex.suggest_campaign_codes(demo_tx.drop(columns="coupon_code")) == []


def test_coupon_window_names_unknown_codes(demo_tx):
    with pytest.raises(DataError, match="NOPE"):
        ex.coupon_window(demo_tx, ["NOPE"])


def test_read_table_types_hillstrom_and_quarantines_unreadable_lines(shared_data):
    raw = read_table(shared_data / "hillstrom.csv")
    assert raw.rows_in == 64000 and len(raw.data) == 64000 and raw.quarantine.empty
    assert pd.api.types.is_integer_dtype(raw.data["visit"]) and pd.api.types.is_float_dtype(raw.data["spend"])
    assert raw.data["segment"].iloc[0] == "Womens E-Mail" and raw.data["zip_code"].iloc[1] == "Rural"
    broken = read_table(io.BytesIO(b"arm,visit\nA,1\nB,0,9\nC,1\n"))
    assert broken.rows_in == len(broken.data) + len(broken.quarantine) == 3
    assert broken.data["visit"].tolist() == [1, 1] and "more values" in reasons(broken.quarantine)[0]


def test_lift_sentence_gives_rare_outcomes_two_decimals(hillstrom):
    res = ex.compare_arms(hillstrom, "segment", "conversion", "No E-Mail").set_index("arm")
    sentence = render(ex.lift_sentence(res.loc["Mens E-Mail"].to_dict() | {"arm": "Mens E-Mail"}, "conversion",
                                       "No E-Mail"))
    assert "raised the conversion rate by 0.68 points (95% CI 0.50 to 0.86)" in sentence
    assert "0.57% → 1.25%" in sentence


def test_hostile_input_errors_have_a_chinese_text_with_the_same_values():
    two = pd.DataFrame({"arm": ["a", "a", "b", "b"], "y": [1, 0, 0, 1], "x": [1.0, 2.0, np.nan, 4.0],
                        "t": ["p", "q", "r", "s"], "c": [3.0] * 4})
    tx = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-01"]), "customer_id": ["C1"], "coupon_code": ["SAVE"]})
    recipients = pd.DataFrame({"customer_id": ["C1", "C2"], "arm": ["control", "coupon"]})
    cases = [  # (call, a value the Chinese text must repeat)
        (lambda: ex.compare_arms(two, "arm", "z", "a"), "'z'"),
        (lambda: ex.compare_arms(two.iloc[:0], "arm", "y", "a"), None),
        (lambda: ex.compare_arms(two, "arm", "t", "a"), "'t'"),
        (lambda: ex.compare_arms(two, "arm", "x", "a"), "'x'"),
        (lambda: ex.compare_arms(two, "arm", "y", "control"), "'control'"),
        (lambda: ex.compare_arms(two.iloc[:2], "arm", "y", "a"), "'a'"),
        (lambda: ex.compare_arms(two.iloc[:3], "arm", "y", "a"), "b"),
        (lambda: ex.compare_arms(two.assign(y=[1.5, 0, 0, 1]), "arm", "y", "a", kind="binary"), "'y'"),
        (lambda: ex.sample_ratio_check(two.iloc[:2], "arm"), "'arm'"),
        (lambda: ex.sample_ratio_check(two, "arm", intended={"a": -1, "b": 1}), None),
        (lambda: ex.cuped(two, "arm", "y", "a", "t"), "'t'"),
        (lambda: ex.cuped(two, "arm", "y", "a", "x"), "'x'"),
        (lambda: ex.cuped(two, "arm", "y", "a", "c"), "'c'"),
        (lambda: ex.sample_size_per_arm(0.1, 0.01, kind="count"), None),
        (lambda: ex.sample_size_per_arm(1.2, 0.01), None),
        (lambda: ex.sample_size_per_arm(5.0, 1.0, kind="money"), None),
        (lambda: ex.sample_size_per_arm(0.1, 0.01, alpha=1.5), None),
        (lambda: ex.sample_size_per_arm(0.1, 0.0), None),
        (lambda: ex.minimum_detectable_effect(0.1, 1), None),
        (lambda: ex.coupon_window(tx.drop(columns="coupon_code"), ["SAVE"]), None),
        (lambda: ex.coupon_window(tx, ["NOPE"]), "NOPE"),
        (lambda: ex.campaign_from_transactions(tx.drop(columns="customer_id"), recipients, "2024-01-01", 7), None),
        (lambda: ex.campaign_from_transactions(tx, pd.concat([recipients] * 2), "2024-01-01", 7), "C1"),
        (lambda: ex.campaign_from_transactions(tx, recipients, "2024-01-01", 0), None),
    ]
    for call, value in cases:
        err = chinese_error(call)
        zh = err.text("zh")
        assert value is None or value in zh, (value, zh)
