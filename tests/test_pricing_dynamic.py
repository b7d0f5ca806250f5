"""Dynamic-pricing simulation: the policies rank as theory says, regret is honest, bad input refused."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promo_core import dynamic_pricing as dp
from promo_core.errors import DataError
from tests.conftest import chinese_error


def test_thompson_beats_epsilon_greedy_beats_fixed_when_the_current_price_is_too_low():
    # elasticity -3 and cost 8: the best price is 12, the current price 10 is far below it
    sim = dp.simulate_dynamic_pricing(10.0, -3.0, 0.3, 40, unit_cost=8.0, horizon=104, n_runs=200)
    regret = sim.summary.set_index("policy")["regret"]
    assert regret["thompson"] < regret["epsilon_greedy"] < regret["fixed"]
    best = sim.summary.set_index("policy")["best_price_share"]
    assert best["thompson"] > best["fixed"] == 0.0
    assert sim.objective == "profit"


def test_fixed_price_has_no_regret_when_it_is_already_best():
    # revenue objective with elasticity -1 exactly: every price earns the same, nothing to learn
    sim = dp.simulate_dynamic_pricing(10.0, -1.0, 0.0, 30, unit_cost=0.0, horizon=20, n_runs=20)
    assert sim.summary.set_index("policy").loc["fixed", "regret"] == pytest.approx(0.0, abs=1e-9)
    assert sim.objective == "revenue"


def test_curves_accumulate_and_bands_contain_the_mean():
    sim = dp.simulate_dynamic_pricing(5.0, -2.0, 0.2, 25, unit_cost=2.0, horizon=30, n_runs=50, random_state=3)
    for _, curve in sim.curves.groupby("policy"):
        assert (np.diff(curve["cumulative"]) >= 0).all() and (np.diff(curve["regret"]) >= -1e-9).all()
        assert (curve["cumulative_low"] <= curve["cumulative"] + 1e-9).all()
        assert (curve["cumulative"] <= curve["cumulative_high"] + 1e-9).all()
    assert set(sim.curves["policy"]) == {"fixed", "epsilon_greedy", "thompson"}
    assert sim.grid["best_share"].sum() == pytest.approx(1.0)


def test_same_seed_same_simulation():
    a = dp.simulate_dynamic_pricing(5.0, -2.0, 0.2, 25, horizon=20, n_runs=20, random_state=7)
    b = dp.simulate_dynamic_pricing(5.0, -2.0, 0.2, 25, horizon=20, n_runs=20, random_state=7)
    pd.testing.assert_frame_equal(a.curves, b.curves)


def test_price_grid_holds_the_current_price():
    grid = dp.price_grid(9.99, width=0.2, n_prices=9)
    assert 9.99 in grid and grid.min() == pytest.approx(7.99) and len(grid) == 9


@pytest.mark.parametrize("kwargs, message", [
    ({"elasticity": 0.4}, "negative"),
    ({"base_units": 0}, "no units"),
    ({"horizon": 1}, "horizon"),
    ({"noise": -1}, "Noise"),
    ({"width": 1.5}, "width"),
])
def test_bad_simulation_input_is_a_clear_error(kwargs, message):
    args = {"current_price": 10.0, "elasticity": -2.0, "se": 0.1, "base_units": 20} | kwargs
    with pytest.raises(DataError, match=message):
        dp.simulate_dynamic_pricing(**args)


def test_bad_input_errors_have_a_chinese_text():
    args = {"current_price": 10.0, "elasticity": -2.0, "se": 0.1, "base_units": 20}
    cases = [lambda: dp.price_grid(0.0), lambda: dp.price_grid(10.0, n_prices=1)] + [
        lambda kw=kw: dp.simulate_dynamic_pricing(**(args | kw))
        for kw in ({"elasticity": float("nan")}, {"elasticity": 0.4}, {"base_units": 0}, {"n_runs": 5},
                   {"epsilon": 2.0}, {"width": 1.5})]
    for call in cases:
        chinese_error(call)
