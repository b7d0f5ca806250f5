"""The Logistics page's analysis: how much will sell where (forecasts backtested against seasonal
naive, with a planned promotion's uplift), how much stock each product needs, and which warehouse
should serve which store (a capacitated facility-location MILP solved by HiGHS).

Three independent parts (``Params.parts``), each failing on its own:

- ``"products"``: the products sold in the last year (units, revenue, average price) and the
  categories' price elasticities (``pricing.elasticities``): what the promotion is picked from and
  the elasticity it starts with (``default_elasticity``);
- ``"forecast"``: ``forecast.forecast_demand`` at one level, with the promotion added;
- ``"network"``: the cheapest network for ``Params.network`` and, with ``Params.what_if``, a
  re-optimised scenario against it. This part reads no sales line (``source`` may be None).

The stock policy is arithmetic on a product-level forecast (``stock_policy``), made from the kept
Result as the settings change, so that a new lead time never refits the forecast.

>>> result = run(transactions, Params(level="category", horizon_weeks=8))
>>> result.forecast.units          # units forecast over the horizon (None when it failed)
>>> result.problems                # {"forecast": Message(...)} for a part the data cannot support
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from promo_core import forecast, inventory, logistics, pricing
from promo_core.analyses import Progress, Steps
from promo_core.engine import SalesSource, exact_sum, fetch, product_labels, sales_table
from promo_core.errors import DataError
from promo_core.text import Message

PARTS = frozenset({"products", "forecast", "network"})
TYPICAL_ELASTICITY = -1.5  # a common grocery value, when the data gives no estimate
RECENT_DAYS = 364  # "the last year" of the product list


@dataclass(frozen=True)
class WhatIf:
    """A change to the network to compare with its plan.

    Attributes
    ----------
    close : tuple of str
        Warehouse ids that may not be used.
    capacity : tuple of (str, float)
        Warehouse id and its new capacity (units a week).
    demand_change : float
        Relative change of every store's demand (0.1 = +10 %).
    """

    close: tuple[str, ...] = ()
    capacity: tuple[tuple[str, float], ...] = ()
    demand_change: float = 0.0

    @property
    def changes_something(self) -> bool:
        return bool(self.close or self.capacity or self.demand_change)


@dataclass(frozen=True)
class Params:
    """Every setting of the Logistics page's computations.

    Attributes
    ----------
    level : {"product", "category", "store", "total"}
        What each forecast series is.
    horizon_weeks : int
        Weeks to forecast (and to score in each backtest fold).
    interval : float
        Coverage of the prediction intervals (0.8 = 80 %).
    promotion : forecast.Promotion, optional
        A planned promotion, added through its price elasticity.
    models : tuple of str
        The forecasters to run (``forecast.MODELS``; seasonal naive always runs as the benchmark).
    network : logistics.Network, optional
        The warehouses, stores and lane costs to plan; None: no network part.
    single_sourcing : bool
        Serve each store from one warehouse only.
    what_if : WhatIf, optional
        A change to compare with the plan.
    time_limit : float
        Seconds the MILP solver may take before it returns its best plan.
    parts : frozenset of str
        The parts to compute: any of ``PARTS``.
    fitted : forecast.ForecastResult, optional
        The same forecast already fitted without the promotion (``run`` of these Params with
        ``promotion=None``): the promotion is then added to it (``forecast.with_promotion``) and
        no model is fitted again. Not part of the Params' identity (it is what the other settings
        make), so give it only from the same data.
    """

    level: str = "product"
    horizon_weeks: int = 12
    interval: float = 0.8
    promotion: forecast.Promotion | None = None
    models: tuple[str, ...] = forecast.MODELS
    network: logistics.Network | None = None
    single_sourcing: bool = False
    what_if: WhatIf | None = None
    time_limit: float = 120.0
    parts: frozenset = PARTS
    fitted: forecast.ForecastResult | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Products:
    """What sold in the last year, and what price elasticities the data supports.

    Attributes
    ----------
    table : DataFrame
        One row per product sold in the last ``RECENT_DAYS`` days: product_id, product_name,
        category, units, revenue, avg_price; best sellers first.
    categories : tuple of str
        Categories by units sold, largest first.
    elasticities : DataFrame or None
        ``pricing.elasticities`` per category; None when the data allows no estimate.
    last_week : Timestamp or None
        Monday of the last complete week of sales (forecasts start the week after).
    """

    table: pd.DataFrame
    categories: tuple[str, ...]
    elasticities: pd.DataFrame | None
    last_week: pd.Timestamp | None


@dataclass(frozen=True)
class Elasticity:
    """The elasticity a promotion starts with, and where it came from (a catalogue message)."""

    value: float
    source: Message


@dataclass(frozen=True)
class Forecast:
    """The forecast with the planned promotion, and the numbers the page leads with.

    Attributes
    ----------
    result : forecast.ForecastResult
    best : str
        The model with the lowest backtest MASE.
    error_vs_naive : float
        Its MASE relative to seasonal naive, minus one (negative = better than last year's copy).
    units, baseline, uplift : float
        Units over the horizon from the best model, with the promotion, without it, and the difference.
    peak_uplift : float
        The promotion's largest relative rise in a week (0 without a promotion).
    series : tuple
        Series by their last year's units, largest first.
    default_series
        The series to show first: the most promoted, else the largest.
    origins : int
        Backtest folds.
    """

    result: forecast.ForecastResult
    best: str
    error_vs_naive: float
    units: float
    baseline: float
    uplift: float
    peak_uplift: float
    series: tuple
    default_series: object
    origins: int

    @property
    def uplift_share(self) -> float:
        return self.uplift / max(self.baseline, 1e-9)


@dataclass(frozen=True)
class Plan:
    """The cheapest network and, when asked, a what-if scenario against it."""

    plan: logistics.NetworkPlan
    tables: logistics.PlanTables
    demand: float  # units the stores need a week
    scenario: logistics.WhatIf | None = None

    @property
    def cost_per_unit(self) -> float:
        return self.plan.total_cost / max(self.demand, 1e-9)

    @property
    def warehouses_open(self) -> int:
        return int(self.plan.open.sum())


@dataclass(frozen=True)
class Result:
    """Everything the Logistics page and the report's forecast and network sections show.

    A part not asked for (``Params.parts``) or that could not be computed is None, with the
    reason in ``problems`` under its name ("products", "forecast", "network", "what_if").
    """

    params: Params
    products: Products | None = None
    forecast: Forecast | None = None
    network: Plan | None = None
    problems: Mapping[str, Message] = field(default_factory=dict)


def run(source: SalesSource | None, params: Params = Params(), progress: Progress | None = None) -> Result:
    """The Logistics analysis.

    Parameters
    ----------
    source : DataFrame or ibis.Table, optional
        Order lines (see ``promo_core.engine.sales_table``); per-line work runs in its engine.
        Only the network part is possible without them.
    params : Params
    progress : callable, optional
        Told each step's ``Message`` as it starts (and the forecast's backtest folds).

    Returns
    -------
    Result
    """
    steps = Steps(set(params.parts) | ({"what_if"} if "network" in params.parts else set()), progress)
    needs_sales = params.parts & {"products", "forecast"}
    if needs_sales and source is None:
        raise ValueError(f"the parts {sorted(needs_sales)} need order lines")
    fitted = params.fitted
    if fitted is not None and (fitted.demand.level, fitted.horizon, fitted.interval) != \
            (params.level, params.horizon_weeks, params.interval):
        raise ValueError("the fitted forecast was made with other settings")
    sales = sales_table(source) if needs_sales else None
    products = steps.run("products", Message("logistics.step.products"), _products, sales)
    fc = steps.run("forecast", Message("logistics.step.forecast"), _forecast, sales, params, steps)
    network = None
    if params.network is not None:
        network = steps.run("network", Message("logistics.step.network"), _plan, params)
        if network is not None and params.what_if is not None and params.what_if.changes_something:
            scenario = steps.run("what_if", Message("logistics.step.what_if"), _what_if, params, network.plan)
            network = Plan(network.plan, network.tables, network.demand, scenario)
    return Result(params=params, products=products, forecast=fc, network=network, problems=steps.problems)


# --------------------------------------------------------------------------------------------
# Products and elasticities
# --------------------------------------------------------------------------------------------
def _products(sales) -> Products:
    lines = sales.filter(sales.quantity > 0)
    last = fetch(lines.aggregate(last=lines.order_date.max()))["last"][0]
    if pd.isna(last):
        raise DataError(Message("forecast.error.no_sales"))
    recent = lines.filter(lines.order_date >= pd.Timestamp(last) - pd.Timedelta(days=RECENT_DAYS))
    priced = "revenue" in recent.columns
    sums = fetch(recent.group_by("product_id").aggregate(
        units=exact_sum(recent.quantity), **({"revenue": exact_sum(recent.revenue)} if priced else {})))
    labels = product_labels(recent, ("product_name", "category"))
    table = sums.set_index("product_id").join(labels.reindex(columns=["product_name", "category"]))
    if not priced:  # (no prices: no average price, so no unit cost can be assumed from it)
        table["revenue"] = np.nan
    table["avg_price"] = table["revenue"] / table["units"]
    table = table.sort_values(["units", "product_id"], ascending=[False, True], kind="stable").reset_index()
    table = table[["product_id", "product_name", "category", "units", "revenue", "avg_price"]]
    by_category = table.dropna(subset=["category"]).groupby("category")["units"].sum()
    categories = tuple(by_category.sort_values(ascending=False, kind="stable").index)
    try:
        estimates = pricing.elasticities(sales, level="category")
    except DataError:  # (no prices, no price changes: the promotion starts from a typical value)
        estimates = None
    weeks = forecast.sales_weeks(sales)
    return Products(table=table, categories=categories, elasticities=estimates,
                    last_week=weeks[-1] if len(weeks) else None)


def default_elasticity(products: Products, scope: str, target: str | None) -> Elasticity:
    """The elasticity a promotion of ``scope`` ("product", "category" or "all") starts with.

    A category's (or a product's category's) estimate from the Pricing model, the reliable ones
    preferred; for the whole range, the categories' estimates weighted by their units sold; and
    ``TYPICAL_ELASTICITY`` when the data has none.
    """
    est = products.elasticities
    if est is None or est.empty:
        return Elasticity(TYPICAL_ELASTICITY, Message("logistics.elasticity.none", value=TYPICAL_ELASTICITY))
    reliable = est["reliable"].astype(bool)
    est = est[reliable] if reliable.any() else est
    by_category = est.set_index("category")
    if scope in ("category", "product"):
        category = target if scope == "category" else \
            products.table.set_index("product_id")["category"].get(target)
        if category in by_category.index:
            row = by_category.loc[category]
            return Elasticity(float(row["elasticity"]), Message(
                "logistics.elasticity.category", category=category, value=float(row["elasticity"]),
                low=float(row["ci_low"]), high=float(row["ci_high"])))
        return Elasticity(TYPICAL_ELASTICITY, Message("logistics.elasticity.no_category", value=TYPICAL_ELASTICITY))
    values = by_category["elasticity"]
    units = products.table.groupby("category")["units"].sum().reindex(values.index).fillna(0)
    value = float((values * units).sum() / units.sum()) if units.sum() > 0 else float(values.mean())
    return Elasticity(value, Message("logistics.elasticity.weighted", value=value))


# --------------------------------------------------------------------------------------------
# Forecast
# --------------------------------------------------------------------------------------------
def _forecast(sales, params: Params, steps: Steps) -> Forecast:
    fitted = params.fitted
    if fitted is None:
        result = forecast.forecast_demand(sales, params.level, params.horizon_weeks, models=params.models,
                                          interval=params.interval, promotion=params.promotion,
                                          progress=lambda fraction, message: steps.announce(message))
    else:
        result = fitted if params.promotion is None else forecast.with_promotion(fitted, sales, params.promotion)
    best = result.recommended
    backtest = result.backtest.set_index("model")
    main = result.forecast[result.forecast["model"] == best]
    totals = result.demand.units.iloc[-52:].sum().sort_values(ascending=False)
    promoted = main.groupby("series")["uplift"].sum()
    default = promoted.idxmax() if promoted.max() > 0 else totals.index[0]
    peak = 0.0
    if params.promotion is not None:
        weekly = main.groupby("week")[["forecast", "baseline"]].sum()
        peak = float(np.nan_to_num((weekly["forecast"] / weekly["baseline"].where(weekly["baseline"] > 0)).max() - 1))
    return Forecast(result=result, best=best, error_vs_naive=float(backtest.loc[best, "mase_vs_naive"] - 1),
                    units=float(main["forecast"].sum()), baseline=float(main["baseline"].sum()),
                    uplift=float(main["uplift"].sum()), peak_uplift=peak, series=tuple(totals.index),
                    default_series=default, origins=int(result.errors["origin"].nunique()))


def series_view(fc: Forecast, series) -> tuple[pd.Series, pd.DataFrame]:
    """One series for the chart: its last 52 weeks of units, and its rows of the forecast."""
    rows = fc.result.forecast[fc.result.forecast["series"] == series]
    return fc.result.demand.units[series].iloc[-52:], rows


def backtest_table(fc: Forecast) -> pd.DataFrame:
    """One row per model: mase, smape (%), bias (%), mase_vs_naive, beats_naive (% of series),
    n_series, n_forecasts."""
    backtest = fc.result.backtest
    return backtest.assign(beats_naive=100 * backtest["beats_naive"])


def forecast_table(fc: Forecast) -> pd.DataFrame:
    """Every model's forecast per series and week, with the series' name."""
    out = fc.result.forecast.assign(name=fc.result.forecast["series"].map(fc.result.demand.labels))
    return out[["series", "name", "week", "model", "baseline", "forecast", "lower", "upper", "uplift"]]


def backtest_series_table(fc: Forecast) -> pd.DataFrame:
    """Every model's backtest per series (mase, smape, bias, rmse), with the series' name."""
    per = fc.result.backtest_series
    return per.assign(name=per["series"].map(fc.result.demand.labels))[
        ["series", "name", "model", "mase", "smape", "bias", "rmse"]]


def forecast_weeks(last_week: pd.Timestamp, horizon_weeks: int) -> pd.DatetimeIndex:
    """The Mondays of the weeks a forecast covers, after the last complete week ``last_week``."""
    return pd.date_range(last_week + pd.Timedelta(days=7), periods=horizon_weeks, freq="7D")


# --------------------------------------------------------------------------------------------
# Stock
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StockSettings:
    """The stock policy's settings (see ``inventory.inventory_policy``).

    ``cost_share`` is the unit cost of a product the products table prices at nothing, as a share
    of its average selling price.
    """

    lead_time_weeks: float = 2.0
    lead_time_sd_weeks: float = 0.0
    service_level: float = 0.95
    order_cost: float = 40.0
    holding_rate: float = 0.25
    cost_share: float = 0.6


@dataclass(frozen=True)
class StockPolicy:
    """The (s, Q) policy of every product and what it costs and risks, in all and per service level.

    Attributes
    ----------
    policy : DataFrame
        ``inventory.inventory_policy`` per product (product_id, product_name, ...), costliest first.
    curve : DataFrame
        ``inventory.service_cost_curve``.
    safety_stock_value, total_cost, fill_rate, stockouts : float
        Money in safety stock, yearly stock cost, share of units served from stock, expected
        stock-outs a year.
    """

    policy: pd.DataFrame
    curve: pd.DataFrame
    safety_stock_value: float
    total_cost: float
    fill_rate: float
    stockouts: float


POLICY_COLUMNS = ["product_id", "product_name", "mean_weekly", "sd_weekly", "unit_cost", "eoq", "safety_stock",
                  "reorder_point", "orders_per_year", "holding_cost", "ordering_cost", "total_cost",
                  "expected_short_per_year", "fill_rate"]


def stock_policy(product_forecast: Forecast, products: Products, settings: StockSettings,
                 product_table: pd.DataFrame | None = None) -> StockPolicy:
    """The stock policy of every product from a product-level forecast.

    Weekly demand is the forecast's mean (the promotion included) and its spread the backtest
    error (``inventory.demand_from_forecast``). A product's unit cost is the ``unit_cost`` of the
    products table ``product_table`` (product_id, unit_cost) where above zero, else
    ``settings.cost_share`` of its average price in the last year; products with neither are left out.
    """
    if product_forecast.result.demand.level != "product":
        raise ValueError("the stock policy needs a product-level forecast")
    demand = inventory.demand_from_forecast(product_forecast.result)
    known = pd.Series(dtype=float)
    if product_table is not None and {"product_id", "unit_cost"} <= set(product_table.columns):
        known = pd.Series(pd.to_numeric(product_table["unit_cost"], errors="coerce").to_numpy(float),
                          index=product_table["product_id"].astype(str))
    demand["unit_cost"] = known.reindex(demand["item"]).to_numpy()
    price = products.table.set_index("product_id")["avg_price"]
    fallback = price.reindex(demand["item"]).to_numpy() * settings.cost_share
    demand["unit_cost"] = demand["unit_cost"].where(demand["unit_cost"] > 0, fallback)
    demand = demand[demand["unit_cost"] > 0].reset_index(drop=True)
    common = {"lead_time_weeks": settings.lead_time_weeks, "order_cost": settings.order_cost,
              "holding_rate": settings.holding_rate, "lead_time_sd_weeks": settings.lead_time_sd_weeks}
    policy = inventory.inventory_policy(demand, service_level=settings.service_level, **common)
    curve = inventory.service_cost_curve(demand, **common)
    annual = policy["annual_demand"].sum()
    table = policy.rename(columns={"item": "product_id", "name": "product_name"})[POLICY_COLUMNS]
    return StockPolicy(policy=table.sort_values("total_cost", ascending=False),
                       curve=curve, safety_stock_value=float((policy["safety_stock"] * policy["unit_cost"]).sum()),
                       total_cost=float(policy["total_cost"].sum()),
                       fill_rate=float(1 - policy["expected_short_per_year"].sum() / max(annual, 1e-9)),
                       stockouts=float(policy["stockout_cycles_per_year"].sum()))


# --------------------------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------------------------
def _plan(params: Params) -> Plan:
    net = params.network
    demand = net.stores["demand"].to_numpy(float)
    plan = logistics.facility_location(net.warehouses["fixed_cost"].to_numpy(), net.warehouses["capacity"].to_numpy(),
                                       demand, net.unit_cost, single_sourcing=params.single_sourcing,
                                       time_limit=params.time_limit)
    tables = logistics.plan_tables(plan, net.warehouses, net.stores, net.unit_cost, net.distance_km)
    return Plan(plan=plan, tables=tables, demand=float(demand.sum()))


def map_warehouses(network: logistics.Network, planned: Plan) -> pd.DataFrame:
    """The warehouses as ``charts.network_map`` draws them: the sites with open and units shipped."""
    return network.warehouses.assign(open=planned.plan.open, shipped=planned.tables.warehouses["shipped"].to_numpy())


def _what_if(params: Params, base: logistics.NetworkPlan) -> logistics.WhatIf:
    net, change = params.network, params.what_if
    return logistics.what_if(net.warehouses, net.stores, net.unit_cost, base, close=list(change.close),
                             capacity=dict(change.capacity), demand_change=change.demand_change,
                             time_limit=params.time_limit)
