"""Loyalty points simulator: a hand-worked programme, conservation of points, breakage exactly as set,
the steady-state cost rate and the liability, and rules that contradict each other."""

import numpy as np
import pandas as pd
import pytest

from promo_core.errors import DataError
from promo_core.text import render
from promo_core.loyalty import PointsProgramme, points_summary, simulate_points
from tests.conftest import chinese_error


def test_a_programme_redeemed_the_month_after_earning_matches_the_hand_calculation():
    # 2 points per £1 worth 1p; 25% never redeemed; the rest redeemed the next month; points expire after 2 months
    prog = PointsProgramme(earn_rate=2, point_value=0.01, breakage=0.25, expiry_months=2, months_to_redeem=1)
    sim = simulate_points([1000.0, 2000.0, 0.0, 0.0], prog, months=4)
    expected = pd.DataFrame({
        "month": np.array([1, 2, 3, 4], dtype=np.int64),
        "sales": [1000.0, 2000.0, 0.0, 0.0],
        "points_earned": [2000.0, 4000.0, 0.0, 0.0],
        "points_redeemed": [0.0, 1500.0, 3000.0, 0.0],
        "points_expired": [0.0, 0.0, 500.0, 1000.0],
        "points_outstanding": [2000.0, 4500.0, 1000.0, 0.0],
        "redemption_cost": [0.0, 15.0, 30.0, 0.0],
        "liability": [15.0, 30.0, 0.0, 0.0],
        "liability_face_value": [20.0, 45.0, 10.0, 0.0],
        "cost_per_sales": [0.0, 0.0075, np.nan, np.nan],
    })
    pd.testing.assert_frame_equal(sim.table, expected, check_exact=False, atol=1e-9)
    assert sim.cost_rate == pytest.approx(2 * 0.01 * 0.75)


@pytest.mark.parametrize("expiry", [6, 12, None])
def test_every_point_is_redeemed_expired_or_still_outstanding(expiry):
    prog = PointsProgramme(earn_rate=1.5, point_value=0.005, breakage=0.35, expiry_months=expiry, months_to_redeem=3,
                           member_share=0.7)
    sales = np.random.default_rng(0).uniform(50_000, 150_000, 30)
    t = simulate_points(sales, prog, months=30).table
    assert t["points_earned"].sum() == pytest.approx(
        t["points_redeemed"].sum() + t["points_expired"].sum() + t["points_outstanding"].iloc[-1])
    assert t["points_earned"].tolist() == pytest.approx(list(sales * 0.7 * 1.5))


def test_with_expiry_exactly_the_breakage_share_of_a_month_of_points_goes_unredeemed():
    prog = PointsProgramme(earn_rate=1, point_value=0.01, breakage=0.3, expiry_months=12, months_to_redeem=4)
    t = simulate_points([10_000.0] + [0.0] * 14, prog, months=15).table
    assert t["points_redeemed"].sum() == pytest.approx(7_000.0)
    assert t["points_expired"].sum() == pytest.approx(3_000.0) and t["points_outstanding"].iloc[-1] == pytest.approx(0)
    assert t.loc[t["month"] == 13, "points_expired"].iloc[0] == pytest.approx(3_000.0)  # all on expiry day


def test_steady_state_cost_per_sales_reaches_the_cost_rate_and_liability_levels_off():
    prog = PointsProgramme(earn_rate=1, point_value=0.01, breakage=0.3, expiry_months=12, months_to_redeem=4,
                           member_share=0.6)
    sim = simulate_points(100_000.0, prog, months=36)
    t = sim.table
    assert sim.cost_rate == pytest.approx(0.6 * 0.01 * 0.7)
    assert t["cost_per_sales"].iloc[-1] == pytest.approx(sim.cost_rate, rel=1e-9)
    assert t["liability"].iloc[-1] == pytest.approx(t["liability"].iloc[-12], rel=1e-9)
    assert (t["liability"] < t["liability_face_value"]).all()  # expected breakage is not owed


def test_without_expiry_unredeemed_points_pile_up_but_are_not_an_expected_liability():
    prog = PointsProgramme(earn_rate=1, point_value=0.01, breakage=0.3, expiry_months=None, months_to_redeem=2)
    t = simulate_points(100_000.0, prog, months=48).table
    assert t["points_expired"].sum() == 0
    assert t["liability_face_value"].is_monotonic_increasing
    # Little's law: redeemable points earned per month x months they are held on average (1 / h = 2)
    assert t["liability"].iloc[-1] == pytest.approx(0.7 * 100_000 * 0.01 * 2, rel=1e-6)
    assert t["cost_per_sales"].iloc[-1] == pytest.approx(0.007, rel=1e-6)


def test_summary_states_the_cost_per_hundred_and_the_liability_in_both_languages():
    prog = PointsProgramme(earn_rate=1, point_value=0.01, breakage=0.3, expiry_months=12, months_to_redeem=4)
    sim = simulate_points(100_000.0, prog, months=24)
    owed = f"£{sim.table['liability'].iloc[-1]:,.0f}"
    assert "£0.70 per £100 of sales" in render(points_summary(sim)) and owed in render(points_summary(sim))
    assert "每 £100 销售额的积分成本为 £0.70" in render(points_summary(sim), "zh")
    assert "per ¥100 of sales" in render(points_summary(sim), "en", "¥")


def test_breakage_below_what_expiry_forces_is_refused_with_the_minimum():
    prog = PointsProgramme(earn_rate=1, point_value=0.01, breakage=0.05, expiry_months=3, months_to_redeem=6)
    with pytest.raises(DataError, match="at least 58% of points expire"):
        simulate_points(1000.0, prog)


@pytest.mark.parametrize("kwargs, message", [
    ({"breakage": 1.0}, "Breakage"),
    ({"months_to_redeem": 0.5}, "one month"),
    ({"expiry_months": 0}, "at least one month"),
    ({"member_share": 0.0}, "members' share"),
    ({"earn_rate": -1}, "negative"),
])
def test_impossible_programme_rules_are_explained(kwargs, message):
    base = {"earn_rate": 1, "point_value": 0.01, "breakage": 0.3}
    with pytest.raises(DataError, match=message):
        PointsProgramme(**(base | kwargs))


def test_sales_of_the_wrong_length_or_sign_are_refused():
    prog = PointsProgramme(earn_rate=1, point_value=0.01, breakage=0.3)
    with pytest.raises(DataError, match="months of sales"):
        simulate_points([100.0, 200.0], prog, months=12)
    with pytest.raises(DataError, match="months of sales"):
        simulate_points(-5.0, prog, months=3)


def test_loyalty_errors_have_chinese_text():
    base = {"earn_rate": 1, "point_value": 0.01, "breakage": 0.3}
    prog = PointsProgramme(**base)
    calls = [*[lambda kw=kw: PointsProgramme(**(base | kw))
               for kw in ({"earn_rate": -1}, {"breakage": 1.0}, {"expiry_months": 0}, {"months_to_redeem": 0.5},
                          {"member_share": 0.0})],
             lambda: simulate_points(100.0, prog, months=0),
             lambda: simulate_points([100.0, -1.0], prog, months=2)]
    for call in calls:
        chinese_error(call)
