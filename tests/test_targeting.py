"""Budget-constrained coupon targeting: the profit formula by hand, the greedy proved against SciPy's
HiGHS linprog / milp, strategies compared, and the demo's planted uplift turned into real profit."""
import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from promo_core import sample_data, segments
from promo_core import targeting as tg
from promo_core import uplift as up
from promo_core.errors import DataError
from promo_core.text import render
from tests.conftest import chinese_error

ECON = tg.CouponEconomics(face_value={"c5": 5.0, "c10": 10.0}, order_value=40.0, margin=0.5, redemption_cost=0.5,
                          contact_cost=0.2)


def _random_options(n: int, seed: int, coupons=("c5", "c10", "c20")) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    econ = tg.CouponEconomics(face_value={"c5": 5.0, "c10": 10.0, "c20": 20.0}, order_value=60.0, margin=0.5,
                              redemption_cost=0.3, contact_cost=0.1)
    uplift = {c: rng.uniform(0.0, 0.1 + 0.1 * i, n) for i, c in enumerate(coupons)}
    return tg.coupon_options([f"K{i}" for i in range(n)], rng.uniform(0, 0.3, n), uplift, econ)


def _milp_optimum(options: pd.DataFrame, budget: float) -> float:
    cust = pd.factorize(options["customer_id"])[0]
    one_each = sparse.csr_array((np.ones(len(options)), (cust, np.arange(len(options)))))
    res = milp(-options["expected_incremental_profit"].to_numpy(), integrality=np.ones(len(options)),
               bounds=Bounds(0, 1), constraints=[LinearConstraint(one_each, -np.inf, 1),
                                                 LinearConstraint(options["expected_cost"].to_numpy()[None, :],
                                                                  -np.inf, budget)])
    assert res.status == 0
    return -res.fun


def _lp_optimum(options: pd.DataFrame, budget: float) -> float:
    cust = pd.factorize(options["customer_id"])[0]
    one_each = sparse.csr_array((np.ones(len(options)), (cust, np.arange(len(options)))))
    a_ub = sparse.vstack([one_each, sparse.csr_array(options["expected_cost"].to_numpy()[None, :])])
    b_ub = np.r_[np.ones(cust.max() + 1), budget]
    res = linprog(-options["expected_incremental_profit"].to_numpy(), A_ub=a_ub, b_ub=b_ub, bounds=(0, 1),
                  method="highs")
    assert res.status == 0
    return -res.fun


def test_expected_profit_counts_the_subsidy_to_customers_who_would_buy_anyway():
    got = tg.coupon_options(["A", "B"], [0.5, 0.1], {"c5": [0.1, 0.2]}, ECON)
    # A: 0.1 * 40 * 0.5 = 2.0 earned; 0.6 of A's coupons are used: 0.6 * (5 + 0.5) = 3.3 paid; 0.2 to send
    expected = pd.DataFrame({"customer_id": ["A", "B"], "coupon": "c5", "face_value": 5.0, "baseline": [0.5, 0.1],
                             "expected_uplift": [0.1, 0.2], "p_buy": [0.6, 0.3 + 1e-17],
                             "expected_cost": [3.5, 0.3 * 5.5 + 0.2], "expected_incremental_profit": [-1.5, 4.0 - 1.85]})
    pd.testing.assert_frame_equal(got, expected, check_exact=False, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_greedy_bound_equals_the_linear_relaxation_solved_by_highs_linprog(seed):
    options = _random_options(300, seed)
    budget = 0.25 * options.groupby("customer_id")["expected_cost"].max().sum()
    plan = tg.optimise_targets(options, budget)
    positive = options[options["expected_incremental_profit"] > 0].reset_index(drop=True)
    assert plan.upper_bound == pytest.approx(_lp_optimum(positive, budget), rel=1e-9)
    assert plan.cost <= budget + 1e-9


@pytest.mark.parametrize("seed", [3, 4, 5, 6])
def test_greedy_plan_is_within_its_bound_of_the_exact_highs_milp_optimum(seed):
    options = _random_options(80, seed)
    budget = 0.3 * options.groupby("customer_id")["expected_cost"].max().sum()
    plan = tg.optimise_targets(options, budget)
    exact = _milp_optimum(options[options["expected_incremental_profit"] > 0].reset_index(drop=True), budget)
    assert plan.profit <= exact + 1e-9 <= plan.upper_bound + 2e-9
    assert plan.profit >= exact - options["expected_incremental_profit"].max()  # at most one customer short
    assert plan.profit >= 0.98 * exact


def test_greedy_finds_the_brute_force_optimum_on_a_tiny_case():
    options = tg.coupon_options(list("ABCD"), [0.2, 0.0, 0.4, 0.1],
                                {"c5": [0.30, 0.15, 0.05, 0.25], "c10": [0.45, 0.35, 0.10, 0.30]}, ECON)
    budget = 6.0
    best = 0.0
    table = options.set_index(["customer_id", "coupon"])
    for choice in itertools.product([None, "c5", "c10"], repeat=4):
        picked = [table.loc[(c, k)] for c, k in zip("ABCD", choice) if k]
        if sum(p["expected_cost"] for p in picked) <= budget:
            best = max(best, sum(p["expected_incremental_profit"] for p in picked))
    assert tg.optimise_targets(options, budget).profit == pytest.approx(best)


def test_count_budget_takes_the_most_profitable_coupon_of_the_top_customers():
    options = _random_options(200, 8)
    plan = tg.optimise_targets(options, 25, budget_kind="count")
    best = options.sort_values("expected_incremental_profit", ascending=False).drop_duplicates("customer_id")
    assert len(plan.targets) == 25 and plan.targets["rank"].tolist() == list(range(1, 26))
    assert plan.profit == pytest.approx(best["expected_incremental_profit"].head(25).sum())


def test_without_a_budget_every_profitable_customer_gets_their_best_coupon():
    options = _random_options(200, 9)
    plan = tg.optimise_targets(options)
    best = options.sort_values("expected_incremental_profit", ascending=False).drop_duplicates("customer_id")
    best = best[best["expected_incremental_profit"] > 0]
    assert set(zip(plan.targets["customer_id"], plan.targets["coupon"])) == set(zip(best["customer_id"], best["coupon"]))
    assert plan.profit == plan.upper_bound


def test_no_profitable_customer_means_no_coupons_and_says_so():
    options = tg.coupon_options(["A"], [0.9], {"c5": [0.01]}, ECON)
    plan = tg.optimise_targets(options, 100.0)
    assert plan.targets.empty and plan.profit == 0.0
    comparison = tg.compare_strategies(options, 100.0)
    assert "send no coupons" in render(tg.plan_summary(plan, comparison))


def test_strategies_are_compared_under_one_budget_with_random_as_its_expected_value():
    options = _random_options(400, 10)
    budget = 200.0
    cmp = tg.compare_strategies(options, budget, playbook_customers=[f"K{i}" for i in range(50)],
                                playbook_coupon="c10")
    assert render(cmp.iloc[0]["strategy"]) == "Uplift model, optimised"
    c5 = options[options["coupon"] == "c5"]
    rnd = cmp[(cmp["strategy"] == tg.STRATEGIES["random"]) & (cmp["coupon"] == "c5")].iloc[0]
    share = budget / c5["expected_cost"].sum()
    assert share < 1
    assert rnd["expected_incremental_profit"] == pytest.approx(share * c5["expected_incremental_profit"].sum())
    assert rnd["expected_cost"] == pytest.approx(budget) and rnd["within_budget"]
    everyone = cmp[(cmp["strategy"] == tg.STRATEGIES["everyone"]) & (cmp["coupon"] == "c20")].iloc[0]
    assert everyone["customers"] == 400 and not everyone["within_budget"]
    book = cmp[cmp["strategy"] == tg.STRATEGIES["playbook"]].iloc[0]
    pool = options[(options["coupon"] == "c10")].set_index("customer_id").loc[[f"K{i}" for i in range(50)]]
    fits = pool["expected_cost"].cumsum() <= budget
    assert book["customers"] == fits.sum() and book["expected_cost"] <= budget
    assert set(cmp["strategy"].map(render)) == {"Uplift model, optimised", "Send to everyone", "Random customers",
                                                "Segments playbook"}


def test_profit_curve_peaks_at_the_unconstrained_plan():
    options = _random_options(300, 11)
    curve = tg.profit_curve(options, points=301)
    best = curve[curve["coupon"] == "best coupon"]
    assert best["share_targeted"].iloc[[0, -1]].tolist() == [0.0, 1.0]
    assert best["expected_incremental_profit"].max() == pytest.approx(tg.optimise_targets(options).profit)
    assert set(curve["coupon"]) == {"c5", "c10", "c20", "best coupon"}


def test_face_values_are_read_from_arm_names():
    assert tg.face_values_from_names(["coupon_5", "coupon_10", "WINBACK12.5", "mailer"]) == {
        "coupon_5": 5.0, "coupon_10": 10.0, "WINBACK12.5": 12.5, "mailer": 0.0}


@pytest.mark.parametrize("kwargs, message", [
    ({"face_value": {"a": -1.0}, "order_value": 10.0, "margin": 0.3}, "face values"),
    ({"face_value": {"a": 1.0}, "order_value": 0.0, "margin": 0.3}, "order value"),
    ({"face_value": {"a": 1.0}, "order_value": 10.0, "margin": 30.0}, "margin"),
    ({"face_value": {}, "order_value": 10.0, "margin": 0.3}, "at least one"),
])
def test_coupon_economics_refuse_impossible_values(kwargs, message):
    with pytest.raises(DataError, match=message):
        tg.CouponEconomics(**kwargs)


def test_bad_budgets_and_missing_face_values_are_explained():
    options = _random_options(10, 12)
    with pytest.raises(DataError, match="budget"):
        tg.optimise_targets(options, -5.0)
    with pytest.raises(DataError, match="'money'"):
        tg.optimise_targets(options, 5.0, budget_kind="euros")
    with pytest.raises(DataError, match="face value of coupon c99"):
        tg.coupon_options(["A"], [0.1], {"c99": [0.1]}, ECON)


def test_on_the_demo_the_model_plan_earns_more_true_profit_than_random_everyone_and_the_playbook(demo, demo_tx):
    campaign = demo.campaign
    fit = up.fit_uplift(campaign, "arm", "converted", "control",
                        ["recency_days", "frequency", "monetary", "tenure_days", "online_share", "discount_share",
                         "preferred_channel"], models=("T-learner", "S-learner"), n_boot=20)
    econ = tg.CouponEconomics(face_value=tg.face_values_from_names(["coupon_5", "coupon_10"]), order_value=35.0,
                              margin=0.45, redemption_cost=0.2, contact_cost=0.1)
    predicted = tg.coupon_options(campaign["customer_id"], fit.baseline,
                                  {a: fit.uplift[a][fit.best[a]] for a in fit.uplift}, econ)
    truth = demo.truth.uplift.reindex(campaign["customer_id"])
    true = tg.coupon_options(campaign["customer_id"], demo.truth.baseline_conversion.reindex(campaign["customer_id"]),
                             {a: truth[a] for a in truth}, econ).set_index(["customer_id", "coupon"])

    def true_profit(pairs) -> float:
        return float(true.loc[list(pairs), "expected_incremental_profit"].sum())

    budget = 3000.0
    plan = tg.optimise_targets(predicted, budget)
    assert plan.cost <= budget and len(plan.targets) > 500
    model = true_profit(zip(plan.targets["customer_id"], plan.targets["coupon"]))
    assert model > 0
    for coupon in ("coupon_5", "coupon_10"):
        everyone = true.xs(coupon, level="coupon")["expected_incremental_profit"]
        assert model > everyone.sum()  # sending everyone a coupon loses money
        share = min(1.0, budget / true.xs(coupon, level="coupon")["expected_cost"].sum())
        assert model > share * everyone.sum() + 300  # random picks within the same budget
    launch = sample_data.START + pd.Timedelta(days=sample_data.CAMPAIGN_WEEK * 7 - 1)
    book = segments.target_list(segments.rfm(demo_tx, as_of=launch))
    members = set(campaign["customer_id"])
    ids = [i for i in book["customer_id"] if i in members]
    cmp = tg.compare_strategies(predicted, budget, playbook_customers=ids)
    playbook_pairs = [(i, "coupon_5") for i in ids]
    chosen = tg._take_in_order(predicted[predicted["coupon"] == "coupon_5"].set_index("customer_id").loc[ids]
                               .reset_index(), budget, "money")
    assert cmp[cmp["strategy"] == tg.STRATEGIES["playbook"]]["customers"].iloc[0] == len(chosen)
    assert model > true_profit(playbook_pairs[:len(chosen)])


def test_the_optimised_plan_stays_first_even_when_an_over_budget_strategy_earns_more():
    options = tg.coupon_options([f"K{i}" for i in range(50)], np.zeros(50), {"c5": np.full(50, 0.3)}, ECON)
    cmp = tg.compare_strategies(options, budget=10.0)
    assert cmp.iloc[0]["strategy"] == tg.STRATEGIES["optimised"] and cmp.iloc[0]["within_budget"]
    everyone = cmp[cmp["strategy"] == tg.STRATEGIES["everyone"]].iloc[0]
    assert everyone["expected_incremental_profit"] > cmp.iloc[0]["expected_incremental_profit"]
    assert not everyone["within_budget"]
    summary = tg.plan_summary(tg.optimise_targets(options, 10.0), cmp)
    assert "best alternative within the budget (random customers" in render(summary)
    assert "预算内最好的替代方案（随机选择客户" in render(summary, "zh")


def test_targeting_errors_have_chinese_text():
    options = _random_options(10, 13)
    calls = [
        lambda: tg.CouponEconomics(face_value={}, order_value=10.0, margin=0.3),
        lambda: tg.CouponEconomics(face_value={"a": -1.0}, order_value=10.0, margin=0.3),
        lambda: tg.CouponEconomics(face_value={"a": 1.0}, order_value=0.0, margin=0.3),
        lambda: tg.CouponEconomics(face_value={"a": 1.0}, order_value=10.0, margin=30.0),
        lambda: tg.CouponEconomics(face_value={"a": 1.0}, order_value=10.0, margin=0.3, contact_cost=-1.0),
        lambda: tg.coupon_options(["A", "B"], [0.1], {"c5": [0.1]}, ECON),
        lambda: tg.coupon_options(["A", "A"], [0.1, 0.2], {"c5": [0.1, 0.1]}, ECON),
        lambda: tg.coupon_options(["A"], [0.1], {"c99": [0.1]}, ECON),
        lambda: tg.coupon_options(["A", "B"], [0.1, 0.2], {"c5": [0.1, np.nan]}, ECON),
        lambda: tg.optimise_targets(options, 5.0, budget_kind="euros"),
        lambda: tg.optimise_targets(options, -5.0),
    ]
    for call in calls:
        chinese_error(call)
