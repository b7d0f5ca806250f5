"""Promotion simulator: threshold (满减) arithmetic on hand-made baskets, past-promotion effects on
planted data, and the scenario arithmetic."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promo_core import pricing, promotions
from promo_core.errors import DataError
from promo_core.io import load_transactions
from promo_core.text import render
from tests.conftest import chinese_error


def promo_sales(pull: float, cannibal: float, n_cat: int = 3, n_prod: int = 15, n_weeks: int = 80,
                beta: float = -2.0, seed: int = 0) -> pd.DataFrame:
    """Weekly sales with promotions whose extra units are partly lost afterwards (``pull``, spread
    over the next two weeks) and partly taken from sister products (``cannibal``, in proportion
    to their size)."""
    rng = np.random.default_rng(seed)
    n = n_cat * n_prod
    cat = np.repeat(np.arange(n_cat), n_prod)
    base, regular = rng.uniform(20, 60, n), rng.uniform(2, 10, n)
    promo = rng.random((n, n_weeks)) < 0.12
    promo[:, 1:] &= ~promo[:, :-1]
    price = np.round(regular[:, None] * (1 - np.where(promo, rng.choice([0.2, 0.25, 0.3], (n, n_weeks)), 0.0)), 2)
    mu0 = base[:, None] * (1 + 0.2 * np.sin(2 * np.pi * np.arange(n_weeks) / 52))[None, :]
    mu = mu0 * (price / regular[:, None]) ** beta
    extra = mu - mu0
    lost = np.zeros_like(mu)
    lost[:, 1:] += pull * extra[:, :-1] / 2
    lost[:, 2:] += pull * extra[:, :-2] / 2
    for c in range(n_cat):
        idx = np.flatnonzero(cat == c)
        for i in idx:
            lost[i] += cannibal * (extra[idx].sum(0) - extra[i]) * mu0[i] / (mu0[idx].sum(0) - mu0[i])
    units = rng.poisson(np.maximum(mu - lost, 0.1))
    weeks = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n_weeks) * 7 + 1, unit="D")
    p_i, w_i = np.nonzero(units)
    return pd.DataFrame({"order_id": [f"o{a}-{b}" for a, b in zip(p_i, w_i)], "order_date": weeks[w_i],
                         "product_id": [f"P{a:03d}" for a in p_i], "category": [f"C{c}" for c in cat[p_i]],
                         "quantity": units[p_i, w_i], "unit_price": price[p_i, w_i]})


@pytest.fixture(scope="module")
def demo_model(demo_tx):
    return pricing.fit_demand(demo_tx)


@pytest.fixture(scope="module")
def demo_costs(demo, demo_model):
    return pricing.unit_costs(demo_model, demo.products)


# --- 满减 arithmetic on hand-made baskets ------------------------------------------------------
def test_threshold_gives_away_to_baskets_above_and_grows_baskets_within_reach():
    out = promotions.threshold_outcome([50, 90, 95, 120, 210], [(100, 10)], stretch=1.0)
    expected = pd.DataFrame({"value": [50.0, 90, 95, 120, 210], "new_value": [50.0, 100, 100, 120, 210],
                             "grew": [False, True, True, False, False], "discount": [0.0, 10, 10, 10, 10],
                             "tier_before": [-1, -1, -1, 0, 0]})
    pd.testing.assert_frame_equal(out.baskets, expected)
    assert (out.n_baskets, out.n_already_above, out.n_grew) == (5, 2, 2)
    assert out.extra_spend == 15.0 and out.discount_cost == 40.0 and out.giveaway == 20.0


def test_threshold_tiers_pay_the_highest_reached_and_count_the_old_tier_as_giveaway():
    out = promotions.threshold_outcome([190, 205, 99, 60], [(200, 25), (100, 10)], stretch=1.0)
    assert out.baskets["new_value"].tolist() == [200.0, 205.0, 100.0, 60.0]
    assert out.baskets["discount"].tolist() == [25.0, 25.0, 10.0, 0.0]
    assert out.extra_spend == 11.0 and out.discount_cost == 60.0
    assert out.giveaway == 35.0  # 190 already earned 10, 205 earned 25 without changing


def test_threshold_take_up_is_an_expected_value():
    out = promotions.threshold_outcome([90, 120], [(100, 10)], stretch=1.0, take_up=0.5)
    assert out.baskets["new_value"].tolist() == [95.0, 120.0]
    assert out.baskets["discount"].tolist() == [5.0, 10.0]


def test_threshold_stretch_widens_who_tops_up():
    assert promotions.threshold_outcome([75], [(100, 10)], stretch=2.0).n_grew == 0
    assert promotions.threshold_outcome([75], [(100, 10)], stretch=2.5).n_grew == 1


@pytest.mark.parametrize("tiers", [[], [(100, 0)], [(100, 120)], [(-5, 1)]])
def test_bad_thresholds_are_clear_errors(tiers):
    with pytest.raises(DataError):
        promotions.threshold_outcome([10, 20], tiers)


def test_threshold_needs_real_baskets(shared_data):
    monthly = load_transactions(shared_data / "retail_price.csv", mapping={
        "product_id": "product_id", "category": "product_category_name", "order_date": "month_year",
        "quantity": "qty", "unit_price": "unit_price", "customer_id": None, "product_name": None}).data
    with pytest.raises(DataError, match="no real baskets"):
        promotions.basket_values(monthly)


# --- finding past promotions and measuring what they did -----------------------------------------
def test_find_promotions_marks_temporary_cuts_not_permanent_changes():
    panel = pd.DataFrame({"product_id": "a", "period": pd.date_range("2024-01-01", periods=10, freq="W-MON"),
                          "price": [10, 10, 10, 7, 10, 10, 9, 9, 9, 9.0]})
    out = promotions.find_promotions(panel)
    assert out["on_promotion"].tolist() == [False, False, False, True] + [False] * 6
    assert out.loc[3, "regular_price"] == 10 and out.loc[3, "depth"] == pytest.approx(0.3)


def test_planted_pull_forward_and_cannibalisation_are_recovered():
    history = promotions.promotion_history(pricing.fit_demand(promo_sales(pull=0.4, cannibal=0.3)))
    assert len(history.events) > 300
    assert abs(history.pull_forward.share - 0.4) < 0.06
    assert history.pull_forward.ci_low < 0.4 < history.pull_forward.ci_high
    assert abs(history.cannibalisation.share - 0.3) < 0.08
    assert history.cannibalisation.ci_low > 0


def test_no_planted_effects_measure_as_none():
    history = promotions.promotion_history(pricing.fit_demand(promo_sales(pull=0.0, cannibal=0.0, seed=1)))
    assert history.pull_forward.ci_low < 0 < history.pull_forward.ci_high
    assert history.cannibalisation.ci_low < 0 < history.cannibalisation.ci_high
    assert "not distinguishable from none" in render(history.pull_forward.note)


def test_demo_has_no_planted_pull_forward_or_cannibalisation(demo_model):
    history = promotions.promotion_history(demo_model)
    assert len(history.events) > 4000  # about one week in ten of 500 products x 104 weeks
    assert history.events["depth"].between(0.05, 0.4).all()  # 10-30% off, some on a permanent change
    assert abs(history.pull_forward.share) < 0.05 and history.pull_forward.ci_low < 0
    assert abs(history.cannibalisation.share) < 3 * history.cannibalisation.se


def test_too_few_promotions_are_assumed_none_and_said_so():
    truth = {f"A{i}": -1.5 for i in range(12)}
    rng = np.random.default_rng(3)
    rows = [{"order_id": f"{p}{w}", "order_date": pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=w), "product_id": p,
             "category": "A", "quantity": int(rng.poisson(20)) + 1, "unit_price": 5.0 * (1.1 if w > 20 else 1.0)}
            for p in truth for w in range(40)]
    history = promotions.promotion_history(pricing.fit_demand(pd.DataFrame(rows)))
    assert not history.pull_forward.measured and history.pull_forward.applied == 0.0
    assert "assumed to be zero" in render(history.cannibalisation.note)


# --- scenarios --------------------------------------------------------------------------------
def test_percent_off_follows_the_demand_curve_exactly(demo_model, demo_tx, demo_costs):
    scenario = promotions.Scenario("15% off", "percent_off", "product", "P0401", "2026-12-01", "2026-12-14",
                                   discount=0.15)
    result, _ = promotions.simulate_promotions([scenario], demo_model, demo_tx, demo_costs)
    row = result.iloc[0]
    base = pricing.current_prices(demo_model).set_index("product_id").loc["P0401"]
    beta = demo_model.products.set_index("product_id").loc["P0401", "elasticity"]
    cost = demo_costs.set_index("product_id").loc["P0401", "unit_cost"]
    q0 = base["base_units"] * 2  # 14 days = two weekly periods
    q1 = q0 * 0.85 ** beta
    assert row["baseline_units"] == pytest.approx(q0)
    assert row["promo_units"] == pytest.approx(q1)
    assert row["discount_cost"] == pytest.approx(q1 * base["current_price"] * 0.15)
    assert row["incremental_margin"] == pytest.approx(q1 * (base["current_price"] * 0.85 - cost)
                                                      - q0 * (base["current_price"] - cost))
    p, c = base["current_price"], cost
    assert row["break_even_lift"] == pytest.approx((p - c) / (0.85 * p - c) - 1)


def test_flash_sale_stops_at_the_cap(demo_model, demo_tx, demo_costs):
    scenario = promotions.Scenario("flash", "flash_sale", "category", "Snacks", "2026-12-01", "2026-12-01",
                                   discount=0.3, cap_units=50)
    row = promotions.simulate_promotions([scenario], demo_model, demo_tx, demo_costs)[0].iloc[0]
    uncapped = promotions.Scenario("uncapped", "percent_off", "category", "Snacks", "2026-12-01", "2026-12-01",
                                   discount=0.3)
    free = promotions.simulate_promotions([uncapped], demo_model, demo_tx, demo_costs)[0].iloc[0]
    share_on_sale = 50 / free["promo_units"]
    assert row["promo_units"] == pytest.approx(50 + row["baseline_units"] * (1 - share_on_sale))
    assert row["discount_cost"] < free["discount_cost"]


def test_bogo_is_half_price_per_unit_taken(demo_model, demo_tx, demo_costs):
    bogo = promotions.Scenario("bogo", "bogo", "product", "P0001")
    half = promotions.Scenario("half", "percent_off", "product", "P0001", discount=0.5)
    rows = promotions.simulate_promotions([bogo, half], demo_model, demo_tx, demo_costs)[0]
    assert rows.loc[0, "effective_discount"] == 0.5
    assert rows.loc[0, "promo_units"] == pytest.approx(rows.loc[1, "promo_units"])


def test_store_threshold_offer_scales_the_real_basket_outcome(demo_model, demo_tx, demo_costs):
    scenario = promotions.Scenario("spend 40 save 5", "threshold", "store", None, "2026-12-01", "2026-12-28",
                                   tiers=((40, 5),))
    row = promotions.simulate_promotions([scenario], demo_model, demo_tx, demo_costs)[0].iloc[0]
    values, days = promotions.basket_values(demo_tx)
    direct = promotions.threshold_outcome(values, [(40, 5)])
    assert row["discount_cost"] == pytest.approx(direct.discount_cost * 28 / days)
    assert row["share_already_above"] == pytest.approx(direct.n_already_above / direct.n_baskets)
    assert row["giveaway"] == pytest.approx(direct.giveaway * 28 / days)
    assert row["incremental_margin"] < 0  # most of the saving goes to baskets that were already big


def test_measured_pull_forward_and_cannibalisation_reduce_the_net_gain():
    model = pricing.fit_demand(promo_sales(pull=0.4, cannibal=0.3))
    history = promotions.promotion_history(model)
    costs = pricing.unit_costs(model, margin=0.4)
    scenario = promotions.Scenario("p", "percent_off", "product", "P001", discount=0.2)
    row = promotions.simulate_promotions([scenario], model, pd.DataFrame(), costs, history)[0].iloc[0]
    share = history.pull_forward.applied + history.cannibalisation.applied
    assert row["net_incremental_units"] == pytest.approx(row["incremental_units"] * (1 - share))
    assert row["pull_forward_units"] == pytest.approx(row["incremental_units"] * history.pull_forward.applied)
    category_wide = promotions.Scenario("c", "percent_off", "category", "C0", discount=0.2)
    row = promotions.simulate_promotions([category_wide], model, pd.DataFrame(), costs, history)[0].iloc[0]
    assert row["cannibalised_units"] == 0.0  # no sister at full price when the whole category is on offer


def test_the_planned_promotion_handed_to_logistics_gives_the_simulated_lift(demo_model, demo_tx, demo_costs):
    scenario = promotions.Scenario("Snacks 20%", "percent_off", "category", "Snacks", "2026-12-01", "2026-12-14",
                                   discount=0.2)
    row = promotions.simulate_promotions([scenario], demo_model, demo_tx, demo_costs)[0].iloc[0]
    planned = promotions.PlannedPromotion.from_simulation(scenario, row)
    assert promotions.PlannedPromotion.from_json(planned.to_json()) == planned  # as the workspace keeps it
    saved = planned.as_dict()
    assert saved["level"] == "category" and saved["target"] == "Snacks" and saved["discount"] == 0.2
    assert (saved["start"], saved["end"]) == ("2026-12-01", "2026-12-14")
    assert saved["estimated_elasticity"] == pytest.approx(row["elasticity"], abs=1e-4)
    # Logistics applies (1 - discount) ** elasticity - 1: it must give the simulated lift
    assert 0.8 ** saved["elasticity"] - 1 == pytest.approx(saved["expected_lift"], abs=1e-3)
    assert saved["elasticity"] == pytest.approx(saved["estimated_elasticity"], abs=0.1)
    from promo_core.forecast import Promotion
    assert Promotion.from_scenario(saved).lift == pytest.approx(row["lift"], abs=1e-3)


@pytest.mark.parametrize("scenario, message", [
    (promotions.Scenario("x", "percent_off", "category", None), "pick the category"),
    (promotions.Scenario("x", "percent_off", discount=1.5), "between 1% and 99%"),
    (promotions.Scenario("x", "flash_sale", discount=0.2), "quantity cap"),
    (promotions.Scenario("x", "coupon"), "Unknown promotion type"),
    (promotions.Scenario("x", "percent_off", start="2026-12-10", end="2026-12-01"), "before the start"),
    (promotions.Scenario("x", "percent_off", "product", "NOPE"), "not a product"),
])
def test_bad_scenarios_are_clear_errors(scenario, message, demo_model, demo_tx, demo_costs):
    with pytest.raises(DataError, match=message):
        promotions.simulate_promotions([scenario], demo_model, demo_tx, demo_costs)


def test_more_than_four_or_duplicate_scenarios_are_refused(demo_model, demo_tx, demo_costs):
    five = [promotions.Scenario(f"s{i}", "percent_off") for i in range(5)]
    with pytest.raises(DataError, match="one to four"):
        promotions.simulate_promotions(five, demo_model, demo_tx, demo_costs)
    with pytest.raises(DataError, match="own name"):
        promotions.simulate_promotions(five[:1] * 2, demo_model, demo_tx, demo_costs)


def test_hostile_input_errors_have_a_chinese_text_with_the_same_values():
    tx = pd.DataFrame({"order_id": ["o1", "o2"], "order_date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                       "product_id": ["a", "b"], "quantity": [1, 2], "unit_price": [2.0, 3.0]})
    plan = promotions.Scenario
    cases = [  # (call, a value the Chinese text must repeat)
        (lambda: promotions.threshold_outcome([10, 20], []), None),
        (lambda: promotions.threshold_outcome([10, 20], [(100, 120)]), None),
        (lambda: promotions.threshold_outcome([10, 20], [(100, 10)], stretch=-1), None),
        (lambda: promotions.basket_values(tx.drop(columns="order_id")), "order_id"),
        (lambda: promotions.basket_values(tx, level="product", target="NOPE", days=7), "NOPE"),
        (lambda: plan("x", "coupon").check(), "'coupon'"),
        (lambda: plan("x", "percent_off", level="aisle").check(), "'aisle'"),
        (lambda: plan("x", "percent_off", "category", None).check(), "品类"),
        (lambda: plan("x", "percent_off", start="2026-12-10", end="2026-12-01").check(), "'x'"),
        (lambda: plan("x", "percent_off", discount=1.5).check(), "'x'"),
        (lambda: plan("x", "bogo", buy=0).check(), "'x'"),
        (lambda: plan("x", "flash_sale").check(), "'x'"),
        (lambda: promotions.simulate_promotions([plan(f"s{i}", "percent_off") for i in range(5)], None, tx, None),
         None),
        (lambda: promotions.simulate_promotions([plan("s", "percent_off")] * 2, None, tx, None), None),
    ]
    for call, value in cases:
        err = chinese_error(call)
        zh = err.text("zh")
        assert value is None or value in zh, (value, zh)
