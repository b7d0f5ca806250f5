"""The Pricing page's analysis: how sensitive each category and product is to price (with 90%
intervals and a reliability verdict), which prices earn more profit within the manager's rules,
what planned promotions (percent off, 满减 spend-and-save thresholds, buy-N-get-M, flash sales)
really cost and bring, and whether price experiments (dynamic pricing) would pay.

>>> facts = run(transactions, Params(parts=frozenset()))   # the demand model and the page's choices
>>> result = run(transactions, Params(scenarios=facts.default_scenarios[:3]))
>>> result.model.categories      # one row per category
>>> result.prices.recommendations
>>> result.problems              # {"promotions": Message(...)} for a step the data cannot support

The demand model is the first step (without it nothing of the page can be shown); prices,
promotions and dynamic pricing each fail on their own (``Steps``). Per-line work (the product x
period panel, basket values, the order span) runs in the source's engine.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from promo_core import dynamic_pricing, pricing, promotions
from promo_core.analyses import Progress, Steps
from promo_core.dates import order_span
from promo_core.engine import SalesSource, sales_table
from promo_core.engine.sales import DERIVED, FLAGS, ROLES
from promo_core.errors import DataError
from promo_core.text import Message

PARTS = frozenset({"prices", "promotions", "dynamic"})
CONFIDENT = 0.8  # a price change counts as confident from this chance of more profit on
DEFAULT_HORIZON = {"W": 52, "M": 24, "D": 90}  # dynamic pricing: periods simulated unless set
BASKET_DAYS = 56  # threshold offers are played out on the baskets of this many last days


@dataclass(frozen=True)
class DynamicSettings:
    """The dynamic-pricing experiment (see ``dynamic_pricing.simulate_dynamic_pricing``).

    ``product`` None: the first of ``Prices.dynamic_candidates`` (dependable estimates first, then
    the biggest profit gain); ``horizon`` None: ``DEFAULT_HORIZON`` of the period.
    """

    product: str | None = None
    horizon: int | None = None
    width: float = 0.2
    n_prices: int = 9
    noise: float = 0.3
    epsilon: float = 0.1
    n_runs: int = 200
    random_state: int = 0


@dataclass(frozen=True)
class Params:
    """Every setting of the Pricing page.

    Attributes
    ----------
    period : {'W', 'M', 'D'}, optional
        Sales are summed per product and period; None: months for monthly summaries, else weeks
        (``pricing.detect_period``).
    controls : tuple of str, optional
        Numeric columns to control for (competitor prices ...); None: every numeric column of the
        source beyond the standard ones.
    time_effects : {'auto', 'period', 'trend'}
        How seasons are kept from posing as price effects (``pricing.fit_demand``).
    price_list : pricing.PriceList, optional
        The shelf prices set (an uploaded price list): the price of periods without a sale, and of
        products whose price falls with the order size; None: inferred from the prices paid.
    unit_costs : pricing.UnitCostList, optional
        Known unit costs (a products table, a cost file); None: costs from ``margin`` only.
    margin : float
        Gross margin assumed where no cost is known (cost = current price x (1 - margin)).
    rules : pricing.PriceRules
        Largest price change, smallest margin, allowed price endings.
    curve_product : str, optional
        The product whose demand and profit curve is drawn; None: the first of
        ``Prices.curve_candidates`` (the biggest profit gain).
    scenarios : tuple of promotions.Scenario, optional
        The promotions to compare (one to four); None: the first ``n_scenarios`` of
        ``Result.default_scenarios`` (this data's starting points). Empty: no comparison.
    n_scenarios : int
        How many default scenarios are compared when ``scenarios`` is None.
    dynamic : DynamicSettings
    parts : frozenset of str
        The steps to run besides the demand model (always run): any of ``PARTS``. "dynamic" needs
        "prices".
    """

    period: str | None = None
    controls: tuple | None = None
    time_effects: str = "auto"
    price_list: pricing.PriceList | None = None
    unit_costs: pricing.UnitCostList | None = None
    margin: float = 0.40
    rules: pricing.PriceRules = pricing.PriceRules(max_change=0.10, min_margin=0.20, endings=(0.99,))
    curve_product: str | None = None
    scenarios: tuple | None = None
    n_scenarios: int = 3
    dynamic: DynamicSettings = DynamicSettings()
    parts: frozenset = PARTS


@dataclass(frozen=True)
class Prices:
    """Profit-optimal prices within the rules, their headline numbers and one product's curve."""

    costs: pd.DataFrame  # pricing.unit_costs: product_id, unit_cost, cost_source
    recommendations: pd.DataFrame  # pricing.optimal_prices (money and units per period)
    to_raise: int
    to_lower: int
    profit_change: float  # per period, if every change is made
    confident_share: float  # of the changes, the share with >= CONFIDENT chance of more profit (NaN: none)
    not_priced: tuple  # ((note Message, products), ...) for products without a recommendation
    curve_candidates: tuple  # product ids with a price, biggest profit gain first
    curve_product: str | None
    curve: pd.DataFrame | None  # pricing.demand_curve of curve_product
    dynamic_candidates: tuple  # product ids with a negative elasticity, dependable first, then profit gain


@dataclass(frozen=True)
class Promotions:
    """The promotion scenarios side by side, with what past promotions did."""

    scenarios: tuple  # the promotions.Scenario compared
    results: pd.DataFrame  # promotions.simulate_promotions: one row per scenario
    assumptions: pd.DataFrame  # scenario, assumption (Message)
    best: pd.Series  # the row with the highest incremental gross margin
    baskets: Mapping  # scenario name -> basket values (threshold offers only; figure data)


@dataclass(frozen=True)
class Dynamic:
    """Would experimenting with one product's price pay?"""

    product_id: str
    settings: DynamicSettings  # as run (product and horizon filled in)
    simulation: dynamic_pricing.PricingSimulation
    gain: float  # Thompson sampling's mean extra earnings over the fixed price


@dataclass(frozen=True)
class Result:
    """Everything the Pricing page and the report's pricing section show.

    ``model`` is the fitted ``pricing.DemandModel`` (``categories``, ``products``: elasticities
    with intervals and reliability). A part not asked for (``Params.parts``) or that failed is
    None, with the reason in ``problems`` under its name ("prices", "history", "promotions",
    "dynamic").
    """

    params: Params
    period: str
    controls: tuple  # the controls used
    control_options: tuple  # the numeric columns that could be controls
    model: pricing.DemandModel
    reliable_categories: int
    reliable_products: int
    typical_elasticity: float  # median over dependable categories (NaN when none)
    flag_counts: pd.DataFrame  # flag, products, reason: why product estimates are not dependable
    empty_periods: int  # product-periods without a sale in the model (zero units at the shelf price)
    listed_periods: int  # product-periods priced from the price list
    data_warnings: tuple  # Message per category whose data undermines its estimate (quantity schedule, no sales)
    categories_by_sensitivity: tuple  # most price-sensitive first (the promotions' default target)
    products_by_units: tuple  # best-selling first
    product_names: Mapping  # product id -> name
    product_labels: Mapping  # product id -> "name (id)"
    last_day: pd.Timestamp
    default_scenarios: tuple  # four promotions.Scenario for this data (names left empty)
    prices: Prices | None = None
    history: promotions.PromotionHistory | None = None
    promotions: Promotions | None = None
    dynamic: Dynamic | None = None
    problems: Mapping[str, Message] = field(default_factory=dict)

    @property
    def units_after_cut(self) -> float:
        """What a 10% price cut does to the typical category's units (all else equal)."""
        return 0.9 ** self.typical_elasticity - 1


def run(source: SalesSource, params: Params = Params(), progress: Progress | None = None) -> Result:
    """The Pricing analysis of a sales source.

    Parameters
    ----------
    source : DataFrame or ibis.Table
        Order lines (see ``pricing.price_panel``); per-line work runs in its engine.
    params : Params
    progress : callable, optional
        Told each step's ``Message`` as it starts.

    Returns
    -------
    Result

    Raises
    ------
    DataError
        When no demand model can be fitted (no priced sales lines, a missing column, an order
        date outside 1900-2100, a bad setting): nothing of the page can be shown. Every later
        step fails on its own (``problems``).
    """
    steps = Steps(params.parts | {"history"} if "promotions" in params.parts else params.parts, progress)
    steps.announce(Message("pricing.step.model"))
    last_day = pd.Timestamp(order_span(sales_table(source, ["order_date"])).last).normalize()  # (dates checked)
    period = params.period or pricing.detect_period(source)
    options = control_columns(source)
    controls = options if params.controls is None else tuple(params.controls)
    model = pricing.fit_demand(source, period, list(controls), params.time_effects, price_list=params.price_list)
    cats, prods = model.categories, model.products
    good = cats.loc[cats["reliable"], "elasticity"]
    by_units = prods.sort_values("mean_units", ascending=False)
    names = dict(zip(prods["product_id"].astype(str), prods["product_name"].astype(str)))
    labels = {product: f"{name} ({product})" for product, name in names.items()}
    by_sensitivity = tuple(cats.sort_values("elasticity", na_position="last")["category"].astype(str))
    defaults = default_scenarios(by_sensitivity, tuple(by_units["product_id"].astype(str)), last_day,
                                 _typical_basket(source))
    if params.scenarios is None:
        params = replace(params, scenarios=defaults[:params.n_scenarios])
    prices = steps.run("prices", Message("pricing.step.prices"), _prices, model, params)
    history = steps.run("history", Message("pricing.step.history"), promotions.promotion_history, model)
    promos = steps.run("promotions", Message("pricing.step.promotions"), _promotions, source, model, params, prices,
                       history)
    dynamic = steps.run("dynamic", Message("pricing.step.dynamic"), _dynamic, model, params, prices)
    return Result(params=params, period=period, controls=controls, control_options=options, model=model,
                  reliable_categories=int(cats["reliable"].sum()), reliable_products=int(prods["reliable"].sum()),
                  typical_elasticity=float(good.median()) if len(good) else float("nan"),
                  flag_counts=_flag_counts(prods), empty_periods=int(model.panel["empty"].sum()),
                  listed_periods=int((model.panel["price_source"] == "price_list").sum()),
                  data_warnings=tuple(Message("pricing.warning.data", category=row.category, reason=row.data_reason)
                                      for row in cats.itertuples() if row.data_reason is not None),
                  categories_by_sensitivity=by_sensitivity,
                  products_by_units=tuple(by_units["product_id"].astype(str)), product_names=names,
                  product_labels=labels, last_day=last_day, default_scenarios=defaults,
                  prices=prices, history=history, promotions=promos, dynamic=dynamic, problems=steps.problems)


def control_columns(source: SalesSource) -> tuple:
    """The source's numeric columns beyond the standard ones (competitor prices ...): what a
    demand model can control for."""
    standard = {*ROLES, *DERIVED, *FLAGS}
    if isinstance(source, pd.DataFrame):
        numeric = [c for c in source.columns if pd.api.types.is_numeric_dtype(source[c])]
    else:
        schema = source.schema()
        numeric = [c for c in source.columns if schema[c].is_numeric()]
    return tuple(c for c in numeric if c not in standard and not str(c).startswith("__"))


def _flag_counts(products: pd.DataFrame) -> pd.DataFrame:
    """Products whose own estimate is not dependable, per flag, with one example reason."""
    flagged = products[~products["reliable"]]
    counts = flagged["flag"].value_counts().rename_axis("flag").reset_index(name="products")
    counts["reason"] = counts["flag"].map(flagged.drop_duplicates("flag").set_index("flag")["reason"])
    return counts


def _typical_basket(source: SalesSource) -> float | None:
    """The upper-quartile store basket of the last weeks (the default spend-and-save threshold
    is near it); None when the data holds no real baskets (monthly summaries)."""
    try:
        return float(promotions.basket_values(source, "store", None, BASKET_DAYS)[0].quantile(0.75))
    except DataError:
        return None


def default_scenarios(categories: tuple, products: tuple, last_day: pd.Timestamp,
                      typical_basket: float | None) -> tuple:
    """Four promotions to start from: 20% off the most price-sensitive category, a spend-and-save
    offer near the upper-quartile basket (10% off the store when there are no baskets), buy one get
    one free on the best-seller and a 30% flash sale on the category, a week after the data ends
    for two weeks. Named by position ("1" ...): the page names them in the reader's language."""
    start = last_day + pd.Timedelta(days=8)
    dates = {"start": str(start.date()), "end": str((start + pd.Timedelta(days=13)).date())}
    category = categories[0] if categories else None
    if typical_basket is None:
        second = promotions.Scenario("2", "percent_off", "store", None, discount=0.1, **dates)
    else:
        step = 10 ** max(int(np.log10(max(typical_basket, 1))), 0)
        spend = max(round(typical_basket / step), 1) * step
        second = promotions.Scenario("2", "threshold", "store", None, tiers=((float(spend), spend / 10),),
                                     take_up=0.6, **dates)
    return (promotions.Scenario("1", "percent_off", "category", category, discount=0.2, **dates), second,
            promotions.Scenario("3", "bogo", "product", products[0] if products else None, **dates),
            promotions.Scenario("4", "flash_sale", "category", category, discount=0.3, cap_units=200.0, **dates))


def _prices(model: pricing.DemandModel, params: Params) -> Prices:
    costs = pricing.unit_costs(model, params.unit_costs.frame() if params.unit_costs else None, params.margin)
    recs = pricing.optimal_prices(model, costs, params.rules)
    moved = recs[recs["status"] == "change"]
    not_priced = recs.loc[~recs["status"].isin(["change", "keep"]), "note"].value_counts()
    priced = recs[recs["status"].isin(["change", "keep"])].sort_values("profit_change", ascending=False)
    candidates = tuple(priced["product_id"].astype(str))
    pick = params.curve_product if params.curve_product is not None else (candidates[0] if candidates else None)
    curve = None
    if pick is not None:
        if pick not in candidates:
            raise DataError(Message("pricing.error.unknown_product", product=pick))
        row = priced.set_index("product_id").loc[pick]
        base = pricing.current_prices(model).set_index("product_id").loc[pick]
        curve = pricing.demand_curve(row["current_price"], row["unit_cost"], row["elasticity"], row["elasticity_se"],
                                     base["base_units"], base["base_total"],
                                     width=max(0.3, params.rules.max_change * 1.5))
    usable = recs[recs["elasticity"] < 0].sort_values(["reliable", "profit_change"], ascending=False)
    return Prices(costs=costs, recommendations=recs, to_raise=int((moved["change_pct"] > 0).sum()),
                  to_lower=int((moved["change_pct"] < 0).sum()), profit_change=float(moved["profit_change"].sum()),
                  confident_share=float((moved["prob_profit_up"] >= CONFIDENT).mean()) if len(moved) else float("nan"),
                  not_priced=tuple(not_priced.items()), curve_candidates=candidates, curve_product=pick, curve=curve,
                  dynamic_candidates=tuple(usable["product_id"].astype(str)))


def _promotions(source: SalesSource, model: pricing.DemandModel, params: Params, prices: Prices | None,
                history: promotions.PromotionHistory | None) -> Promotions | None:
    if not params.scenarios:
        return None
    costs = prices.costs if prices is not None else pricing.unit_costs(
        model, params.unit_costs.frame() if params.unit_costs else None, params.margin)
    for scenario in params.scenarios:
        scenario.check()  # (what is wrong with a scenario comes before what its baskets lack)
    baskets = {s.name: promotions.basket_values(source, s.level, s.target, BASKET_DAYS)
               for s in params.scenarios if s.mechanic == "threshold"}  # (summed once, for the sum and the chart)
    results, assumptions = promotions.simulate_promotions(list(params.scenarios), model, source, costs, history,
                                                          baskets=baskets)
    best = results.sort_values("incremental_margin", ascending=False).iloc[0]
    return Promotions(scenarios=tuple(params.scenarios), results=results, assumptions=assumptions, best=best,
                      baskets={name: values for name, (values, _) in baskets.items()})


def _dynamic(model: pricing.DemandModel, params: Params, prices: Prices | None) -> Dynamic:
    if prices is None:
        raise DataError(Message("pricing.error.needs_prices"))
    if not prices.dynamic_candidates:
        raise DataError(Message("pricing.error.no_dynamic_product"))
    wanted = params.dynamic
    product = wanted.product if wanted.product is not None else prices.dynamic_candidates[0]
    if product not in prices.dynamic_candidates:
        raise DataError(Message("pricing.error.unknown_product", product=product))
    settings = replace(wanted, product=product,
                       horizon=wanted.horizon if wanted.horizon is not None else DEFAULT_HORIZON[model.period])
    row = prices.recommendations.set_index("product_id").loc[product]
    base = pricing.current_prices(model).set_index("product_id").loc[product]
    sim = dynamic_pricing.simulate_dynamic_pricing(
        current_price=float(row["current_price"]), elasticity=float(row["elasticity"]), se=float(row["elasticity_se"]),
        base_units=float(base["base_units"]),
        unit_cost=float(row["unit_cost"]) if np.isfinite(row["unit_cost"]) else 0.0, width=settings.width,
        n_prices=settings.n_prices, horizon=settings.horizon, noise=settings.noise, epsilon=settings.epsilon,
        n_runs=settings.n_runs, random_state=settings.random_state)
    totals = sim.summary.set_index("policy")["total"]
    return Dynamic(product_id=product, settings=settings, simulation=sim,
                   gain=float(totals["thompson"] - totals["fixed"]))


def planned_promotion(result: Result, scenario: str) -> promotions.PlannedPromotion:
    """One compared scenario as the promotion the Logistics forecast plans with."""
    if result.promotions is None:
        raise DataError(Message("pricing.error.no_scenarios"))
    chosen = next((s for s in result.promotions.scenarios if s.name == scenario), None)
    if chosen is None:
        raise DataError(Message("pricing.error.unknown_scenario", scenario=scenario))
    row = result.promotions.results.set_index("scenario").loc[scenario]
    return promotions.PlannedPromotion.from_simulation(chosen, row)


def parse_tiers(text: str) -> tuple:
    """Spend-and-save tiers as a manager types them ("50:5, 100:12", "满50减5，满100减12") as
    ((spend, save), ...).

    Raises
    ------
    DataError
        Naming the part that is not "spend:save" with two numbers.
    """
    tiers = []
    for part in text.replace("，", ",").replace("；", ",").replace(";", ",").split(","):
        if not part.strip():
            continue
        bits = part.replace("：", ":").replace("-", ":").replace("减", ":").replace("满", "").split(":")
        if len(bits) != 2:
            raise DataError(Message("pricing.error.tier_text", part=part.strip()))
        try:
            tiers.append((float(bits[0]), float(bits[1])))
        except ValueError:
            raise DataError(Message("pricing.error.tier_numbers", part=part.strip())) from None
    return tuple(tiers)


def tiers_text(tiers: tuple) -> str:
    """Tiers as ``parse_tiers`` reads them ("50:5, 100:12")."""
    return ", ".join(f"{spend:g}:{save:g}" for spend, save in tiers)

