"""Stock policy: EOQ, safety stock, reorder point and stock-out risk against hand-worked numbers."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promo_core.errors import DataError
from promo_core.forecast import forecast_demand
from promo_core.inventory import (demand_from_forecast, eoq, inventory_policy, lead_time_sd, normal_loss,
                                  safety_stock, service_cost_curve)

# Hand-worked example: 20 units a week (1,040 a year), weekly forecast error 5 units, unit cost 8,
# holding 25 % a year (h = 2), 50 per order, lead time 2 weeks, 95 % cycle service level.
#   EOQ = sqrt(2 * 1040 * 50 / 2) = sqrt(52,000) = 228.035
#   lead-time sd = 5 * sqrt(2) = 7.0711; z(0.95) = 1.64485; safety stock = 11.631
#   reorder point = 20 * 2 + 11.631 = 51.631
#   G(z) = pdf(1.64485) - 1.64485 * 0.05 = 0.103136 - 0.082243 = 0.020893
#   short per cycle = 7.0711 * 0.020893 = 0.14774 units; orders a year = 1040 / 228.035 = 4.5607
#   holding = 2 * (114.018 + 11.631) = 251.30; ordering = 50 * 4.5607 = 228.04
HAND = pd.DataFrame({"item": ["A"], "mean_weekly": [20.0], "sd_weekly": [5.0], "unit_cost": [8.0]})
PARAMS = {"lead_time_weeks": 2, "service_level": 0.95, "order_cost": 50.0, "holding_rate": 0.25}


def test_eoq_by_hand():
    assert eoq(1040, 50, 2) == pytest.approx(228.035, abs=1e-3)


def test_safety_stock_by_hand():
    assert safety_stock(5, 2, 0.95) == pytest.approx(11.631, abs=1e-3)


def test_lead_time_variability_adds_to_the_spread():
    # sqrt(2 * 5^2 + 20^2 * 0.5^2) = sqrt(50 + 100)
    assert lead_time_sd(5, 2, mean_weekly=20, lead_time_sd_weeks=0.5) == pytest.approx(np.sqrt(150))


def test_normal_loss_by_hand():
    assert normal_loss(0.0) == pytest.approx(0.398942, abs=1e-6)
    assert normal_loss(1.64485) == pytest.approx(0.020893, abs=1e-6)


def test_policy_row_by_hand():
    p = inventory_policy(HAND, **PARAMS).iloc[0]
    assert p["annual_demand"] == 1040
    assert p["eoq"] == pytest.approx(228.035, abs=1e-3)
    assert p["safety_stock"] == pytest.approx(11.631, abs=1e-3)
    assert p["reorder_point"] == pytest.approx(51.631, abs=1e-3)
    assert p["orders_per_year"] == pytest.approx(4.5607, abs=1e-4)
    assert p["expected_short_per_cycle"] == pytest.approx(0.14774, abs=1e-4)
    assert p["expected_short_per_year"] == pytest.approx(0.14774 * 4.5607, abs=1e-3)
    assert p["stockout_cycles_per_year"] == pytest.approx(0.05 * 4.5607, abs=1e-4)
    assert p["fill_rate"] == pytest.approx(1 - 0.14774 / 228.035, abs=1e-6)
    assert p["holding_cost"] == pytest.approx(251.30, abs=0.01)
    assert p["ordering_cost"] == pytest.approx(228.04, abs=0.01)
    assert p["total_cost"] == pytest.approx(479.33, abs=0.02)


def test_eoq_balances_holding_and_ordering_cost_of_cycle_stock():
    p = inventory_policy(HAND, **PARAMS).iloc[0]
    assert p["ordering_cost"] == pytest.approx(2.0 * p["eoq"] / 2)


def test_service_cost_curve_trades_cost_for_fewer_stockouts():
    demand = pd.DataFrame({"item": ["A", "B"], "mean_weekly": [20.0, 3.0], "sd_weekly": [5.0, 2.0],
                           "unit_cost": [8.0, 30.0]})
    curve = service_cost_curve(demand, lead_time_weeks=2, order_cost=50, holding_rate=0.25)
    assert curve["service_level"].is_monotonic_increasing
    assert curve["safety_stock"].is_monotonic_increasing
    assert curve["holding_cost"].is_monotonic_increasing
    assert curve["expected_short_per_year"].is_monotonic_decreasing
    assert curve["fill_rate"].is_monotonic_increasing
    assert (curve["ordering_cost"] == curve["ordering_cost"].iloc[0]).all(), "EOQ does not depend on service"
    at_50 = curve.set_index("service_level").loc[0.5]
    assert at_50["safety_stock"] == pytest.approx(0.0, abs=1e-12)
    assert at_50["safety_stock_cost"] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(curve["safety_stock_cost"], 0.25 * curve["safety_stock_value"])


@pytest.mark.parametrize("change, message", [
    ({"lead_time_weeks": 0}, "lead time"),
    ({"service_level": 1.0}, "service level"),
    ({"order_cost": 0}, "ordering cost"),
    ({"lead_time_sd_weeks": -1}, "variability"),
])
def test_bad_parameters_are_explained(change, message):
    with pytest.raises(DataError, match=message):
        inventory_policy(HAND, **{**PARAMS, **change})


def test_missing_unit_cost_is_explained():
    with pytest.raises(DataError, match="Item A .*unit cost"):
        inventory_policy(HAND.assign(unit_cost=np.nan), **PARAMS)


def test_demand_from_forecast_uses_forecast_mean_and_backtest_error(demo_tx):
    result = forecast_demand(demo_tx, "category", horizon=4, models=("holt_winters",), n_origins=2)
    demand = demand_from_forecast(result, "holt_winters")
    assert list(demand["item"]) == list(result.demand.units.columns)
    fc = result.forecast[(result.forecast["model"] == "holt_winters") & (result.forecast["series"] == "Snacks")]
    row = demand.set_index("item").loc["Snacks"]
    assert row["mean_weekly"] == pytest.approx(fc["forecast"].mean())
    err = result.errors[(result.errors["model"] == "holt_winters") & (result.errors["series"] == "Snacks")]
    assert row["sd_weekly"] == pytest.approx(np.sqrt(((err["forecast"] - err["actual"]) ** 2).mean()))
