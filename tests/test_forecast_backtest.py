"""Honest backtests and intermittent demand (issue 14, item 5).

A backtest fold must see only what a forecast made at its cut would see: the weeks before the cut,
and for the weeks ahead the regular price and no promotion (a planned promotion is added to both by
``with_promotion``). Before this, gradient boosting was handed each test week's realised price
ratio and promotion share, and the regular price was a centred 9-week median reaching 4 weeks past
the cut. Backtest MASE (``bench/bench_forecast_backtest.py``, horizon 8, 4 origins; before = main
at 55b1499, after = this branch):

==========================  ==============  ============  ===================
demo, per model             seasonal naive  Holt-Winters  gradient boosting
==========================  ==============  ============  ===================
category level, before      0.624           0.409         0.326
category level, after       0.624           0.409         0.354
product level, before       0.959           0.827         0.670
product level, after        0.959           0.827         0.691
==========================  ==============  ============  ===================

Only gradient boosting used the leaked inputs, so only its score changes (it still wins).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promo_core.forecast import (INTERMITTENT_MODELS, TSB, Croston, average_demand_interval, forecast_demand,
                                 weekly_demand)
from promo_core.text import render


def _lines(units: np.ndarray, prices: np.ndarray, start="2022-01-03") -> pd.DataFrame:
    """One order line per week and product (columns of ``units``): on Mondays, the last week's on
    its Sunday, so every week is complete."""
    weeks = pd.date_range(start, periods=len(units), freq="7D")
    days = weeks + pd.to_timedelta(np.where(np.arange(len(units)) == len(units) - 1, 6, 0), unit="D")
    rows = [(days[t], f"P{j}", "C", "S1", units[t, j], prices[t, j])
            for t in range(len(units)) for j in range(units.shape[1]) if units[t, j] > 0]
    return pd.DataFrame(rows, columns=["order_date", "product_id", "category", "store_id", "quantity", "unit_price"])


def _promoted_products(seed=0, n_weeks=110):
    """Four steady products with 25 %-off weeks that sell 60 % more, and two that sell now and then."""
    rng = np.random.default_rng(seed)
    promo = rng.random((n_weeks, 6)) < 0.15
    t = np.arange(n_weeks)[:, None]
    units = rng.poisson(30 * (1 + 0.3 * np.cos(2 * np.pi * t / 52)) * np.where(promo, 1.6, 1.0)).astype(float)
    units[:, 4:] = np.where(rng.random((n_weeks, 2)) < 0.25, rng.poisson(3, (n_weeks, 2)) + 1, 0)
    prices = np.where(promo, 7.5, 10.0)
    return units, prices


def test_a_backtest_fold_sees_nothing_after_its_cut():
    units, prices = _promoted_products()
    before = forecast_demand(_lines(units, prices), "product", horizon=6, n_origins=3, step=4)
    cut = before.errors["origin"].min()
    assert set(before.backtest["model"]) >= {"gradient_boosting", *INTERMITTENT_MODELS}
    # rewrite everything from the cut on: three times the units, prices anywhere from half to 120 %
    rng = np.random.default_rng(9)
    after_cut = np.arange(len(units)) >= before.demand.units.index.get_loc(cut)
    units2 = np.where(after_cut[:, None], units * 3, units)
    prices2 = np.where(after_cut[:, None], prices * rng.uniform(0.5, 1.2, prices.shape), prices)
    after = forecast_demand(_lines(units2, prices2), "product", horizon=6, n_origins=3, step=4)
    fold = lambda r: r.errors[r.errors["origin"] == cut].sort_values(["model", "series", "step"])  # noqa: E731
    assert not np.allclose(fold(before)["actual"], fold(after)["actual"])
    for model in before.backtest["model"]:
        np.testing.assert_array_equal(fold(before).loc[lambda e: e["model"] == model, "forecast"].to_numpy(),
                                      fold(after).loc[lambda e: e["model"] == model, "forecast"].to_numpy(),
                                      err_msg=f"{model} saw data from after the cut")
    # and the training weeks' price features are the same in both (the regular price is trailing)
    w1, w2 = weekly_demand(_lines(units, prices)), weekly_demand(_lines(units2, prices2))
    pd.testing.assert_frame_equal(w1.price_ratio[~after_cut], w2.price_ratio[~after_cut])
    pd.testing.assert_frame_equal(w1.promo_share[~after_cut], w2.promo_share[~after_cut])
