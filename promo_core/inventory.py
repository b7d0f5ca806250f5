"""Stock policy per product: how much to order (EOQ), how much spare to keep (safety stock for a
target service level), when to reorder, and what that costs and risks.

The model is the textbook continuous-review (s, Q) policy with normally distributed demand over
the lead time: order Q = EOQ units whenever stock falls to the reorder point s = mean lead-time
demand + safety stock. Weekly demand and its uncertainty come from the forecast (mean of the
forecast, spread of its backtest errors), so a planned promotion raises the stock it needs.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from promo_core.errors import DataError
from promo_core.text import Message

WEEKS_PER_YEAR = 52


def eoq(annual_demand, order_cost, holding_cost):
    """Economic order quantity ``sqrt(2 D K / h)``.

    Parameters
    ----------
    annual_demand : float or array
        Units a year (D).
    order_cost : float
        Fixed cost of placing one order (K).
    holding_cost : float or array
        Cost of holding one unit for a year (h).

    References
    ----------
    Harris (1913), How many parts to make at once, Factory, The Magazine of Management 10, 135-136.
    """
    d, h = np.asarray(annual_demand, float), np.asarray(holding_cost, float)
    return np.sqrt(np.divide(2 * d * order_cost, h, out=np.zeros(np.broadcast(d, h).shape), where=h > 0))


def lead_time_sd(sd_weekly, lead_time_weeks, mean_weekly=0.0, lead_time_sd_weeks=0.0):
    """Standard deviation of demand over the lead time: ``sqrt(L sd² + mean² sd_L²)``."""
    sd, mu = np.asarray(sd_weekly, float), np.asarray(mean_weekly, float)
    return np.sqrt(lead_time_weeks * sd ** 2 + mu ** 2 * lead_time_sd_weeks ** 2)


def safety_stock(sd_weekly, lead_time_weeks, service_level, mean_weekly=0.0, lead_time_sd_weeks=0.0):
    """Units kept beyond the expected lead-time demand so that a replenishment cycle ends without a
    stock-out with probability ``service_level``: ``z(service_level) x lead-time demand sd``."""
    return norm.ppf(service_level) * lead_time_sd(sd_weekly, lead_time_weeks, mean_weekly, lead_time_sd_weeks)


def normal_loss(z):
    """Standard normal loss function ``E[max(Z - z, 0)] = pdf(z) - z (1 - cdf(z))``."""
    z = np.asarray(z, float)
    return norm.pdf(z) - z * norm.sf(z)


def _check(demand: pd.DataFrame, lead_time_weeks, service_level, order_cost, holding_rate, lead_time_sd_weeks):
    missing = [c for c in ("item", "mean_weekly", "sd_weekly", "unit_cost") if c not in demand.columns]
    if missing:
        raise ValueError(f"demand needs the columns {missing}")
    if lead_time_weeks <= 0:
        raise DataError(Message("inventory.error.lead_time"))
    if not 0.5 <= service_level < 1:
        raise DataError(Message("inventory.error.service_level"))
    if order_cost <= 0 or holding_rate <= 0:
        raise DataError(Message("inventory.error.costs"))
    if lead_time_sd_weeks < 0:
        raise DataError(Message("inventory.error.lead_time_sd"))
    bad = demand[(demand["mean_weekly"] < 0) | (demand["sd_weekly"] < 0) | ~(demand["unit_cost"] > 0)]
    if len(bad):
        raise DataError(Message("inventory.error.item", item=str(bad["item"].iloc[0])))


def inventory_policy(demand: pd.DataFrame, *, lead_time_weeks: float, service_level: float, order_cost: float,
                     holding_rate: float, lead_time_sd_weeks: float = 0.0) -> pd.DataFrame:
    """The (s, Q) stock policy of every item and what it costs and risks.

    Parameters
    ----------
    demand : DataFrame
        One row per item: ``item``, ``mean_weekly`` (units), ``sd_weekly`` (units; the weekly
        forecast error), ``unit_cost``; other columns (e.g. ``name``) are carried along.
    lead_time_weeks : float
        Weeks from placing an order to the stock arriving.
    service_level : float
        Probability that a replenishment cycle ends without a stock-out (cycle service level).
    order_cost : float
        Cost of placing one order.
    holding_rate : float
        Yearly cost of holding stock as a share of its unit cost (0.25 = 25 % a year).
    lead_time_sd_weeks : float
        Standard deviation of the lead time.

    Returns
    -------
    DataFrame
        The input columns plus annual_demand, eoq, orders_per_year, safety_stock, reorder_point,
        average_stock, holding_cost, ordering_cost, total_cost (all per year), expected_short_per_cycle,
        expected_short_per_year (units), stockout_cycles_per_year and fill_rate.
    """
    _check(demand, lead_time_weeks, service_level, order_cost, holding_rate, lead_time_sd_weeks)
    out = demand.copy()
    mu, sd = out["mean_weekly"].to_numpy(float), out["sd_weekly"].to_numpy(float)
    h = holding_rate * out["unit_cost"].to_numpy(float)
    annual = mu * WEEKS_PER_YEAR
    q = eoq(annual, order_cost, h)
    sigma_l = lead_time_sd(sd, lead_time_weeks, mu, lead_time_sd_weeks)
    z = norm.ppf(service_level)
    ss = z * sigma_l
    cycles = np.divide(annual, q, out=np.zeros_like(q), where=q > 0)
    short_cycle = sigma_l * normal_loss(z)
    out["annual_demand"] = annual
    out["eoq"] = q
    out["orders_per_year"] = cycles
    out["safety_stock"] = ss
    out["reorder_point"] = mu * lead_time_weeks + ss
    out["average_stock"] = q / 2 + ss
    out["holding_cost"] = h * (q / 2 + ss)
    out["ordering_cost"] = order_cost * cycles
    out["total_cost"] = out["holding_cost"] + out["ordering_cost"]
    out["expected_short_per_cycle"] = short_cycle
    out["expected_short_per_year"] = short_cycle * cycles
    out["stockout_cycles_per_year"] = cycles * (1 - service_level)
    out["fill_rate"] = np.where(q > 0, 1 - np.divide(short_cycle, q, out=np.zeros_like(q), where=q > 0), 1.0)
    return out


def service_cost_curve(demand: pd.DataFrame, *, lead_time_weeks: float, order_cost: float, holding_rate: float,
                       lead_time_sd_weeks: float = 0.0, levels=None) -> pd.DataFrame:
    """What each target service level costs across all items, to choose the level knowingly.

    Returns
    -------
    DataFrame
        One row per service level: service_level, safety_stock (units), safety_stock_value (money
        tied up), safety_stock_cost (holding the safety stock for a year: the part of the cost the
        service level drives), holding_cost, ordering_cost, total_cost (per year),
        expected_short_per_year (units) and fill_rate (units served from stock / units demanded).
    """
    levels = np.asarray(levels if levels is not None else
                        [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.925, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999], float)
    rows = []
    for level in levels:
        p = inventory_policy(demand, lead_time_weeks=lead_time_weeks, service_level=float(level),
                             order_cost=order_cost, holding_rate=holding_rate, lead_time_sd_weeks=lead_time_sd_weeks)
        annual = p["annual_demand"].sum()
        rows.append({"service_level": float(level), "safety_stock": p["safety_stock"].sum(),
                     "safety_stock_value": (p["safety_stock"] * p["unit_cost"]).sum(),
                     "safety_stock_cost": (p["safety_stock"] * p["unit_cost"]).sum() * holding_rate,
                     "holding_cost": p["holding_cost"].sum(), "ordering_cost": p["ordering_cost"].sum(),
                     "total_cost": p["total_cost"].sum(), "expected_short_per_year": p["expected_short_per_year"].sum(),
                     "fill_rate": 1 - p["expected_short_per_year"].sum() / annual if annual > 0 else 1.0})
    return pd.DataFrame(rows)


def demand_from_forecast(result, model: str | None = None) -> pd.DataFrame:
    """Weekly demand and its uncertainty per series from a ``promo_core.forecast.ForecastResult``.

    ``mean_weekly`` is the mean forecast over the horizon (promotion included); ``sd_weekly`` is
    the root-mean-square error of that model's backtest forecasts for the series, which is what
    safety stock must cover (the forecast error, not the raw week-to-week swing).

    Returns
    -------
    DataFrame
        item, name, mean_weekly, sd_weekly.
    """
    model = model or result.recommended
    fc = result.forecast[result.forecast["model"] == model]
    mean = fc.groupby("series", sort=False)["forecast"].mean()
    rmse = result.backtest_series[result.backtest_series["model"] == model].set_index("series")["rmse"]
    items = result.demand.units.columns
    return pd.DataFrame({"item": items, "name": result.demand.labels.reindex(items).to_numpy(),
                         "mean_weekly": mean.reindex(items).to_numpy(),
                         "sd_weekly": rmse.reindex(items).fillna(0.0).to_numpy()})
