"""Promotion what-ifs: percent off, spend-X-save-Y thresholds (满减), buy-N-get-M-free and flash
sales with a quantity cap, side by side, before the promotion runs.

Price promotions move units along the fitted demand curve (``promo_core.pricing``). What a
simple elasticity misses is measured from the shop's own past promotions where the history has
them (``promotion_history``):

* pull-forward: shoppers stock up during a promotion and buy less in the periods after it;
* cannibalisation: a promoted product takes sales from its sister products in the category.

Both come from one Poisson regression over every product and period (product and period fixed
effects, each category's price elasticity as a known offset) with two regressors in the spirit
of SCAN*PRO: a product's own expected promotion lift in the previous period(s), and its sisters'
promotion lift at the same time. Their coefficients are minus the share of the promotion's
extra units that is lost afterwards, and minus the share taken from sisters.

Threshold offers are simulated on the actual distribution of basket values: who is already
above the threshold (and gets the saving for nothing), who is close enough to top up, and how
much the baskets grow.

References: Wittink, D.R., Addona, M.J., Hawkes, W.J. and Porter, J.C. (1988), SCAN*PRO: the
estimation, validation and management applications of a model of consumer promotions.
"""
from __future__ import annotations

import json
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import ClassVar

import ibis
import numpy as np
import pandas as pd
from scipy import stats

from promo_core.engine import SalesSource, exact_sum, fetch, sales_table
from promo_core.errors import DataError
from promo_core.pricing import DemandModel, PPMLFixedEffects, current_prices, detect_period
from promo_core.text import Message

# promotion types and what a promotion applies to (named ``pricing.mechanic.<code>`` and
# ``pricing.level.<code>`` in the catalogue)
MECHANICS = ("percent_off", "threshold", "bogo", "flash_sale")
LEVELS = ("product", "category", "store")
PERIOD_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}


# =============================================================================================
# Past promotions: pull-forward and cannibalisation
# =============================================================================================
@dataclass(frozen=True)
class PromotionEffect:
    """A share measured from past promotions, with its 90% interval.

    ``share`` is the fraction of a promotion's extra units that is lost again (to the periods
    after it, or by sister products); NaN when the history cannot measure it.
    """

    share: float
    se: float
    ci_low: float
    ci_high: float
    measured: bool
    note: Message | None

    @property
    def applied(self) -> float:
        """The share used in simulations: the estimate clipped to [0, 1], 0 when unmeasured."""
        return float(min(max(self.share, 0.0), 1.0)) if self.measured else 0.0


@dataclass(frozen=True)
class PromotionHistory:
    """Past promotions found in the data and what they did.

    Attributes
    ----------
    events : DataFrame
        One row per product-period on promotion: product_id, category, period, price,
        regular_price, depth, units, expected_regular_units, incremental_units.
    pull_forward : PromotionEffect
    cannibalisation : PromotionEffect
    """

    events: pd.DataFrame
    pull_forward: PromotionEffect
    cannibalisation: PromotionEffect


def find_promotions(panel: pd.DataFrame, min_depth: float = 0.05, window: int = 4) -> pd.DataFrame:
    """Mark product-periods whose price sits below the regular price on both sides.

    The regular price before (after) a period is the median price over the ``window`` periods
    before (after) it; a period is a promotion when its price is at least ``min_depth`` below the
    lower of the two, so a permanent price change (regular price moves to a new level) is not
    one. The depth is measured from the regular price before the cut.

    Returns
    -------
    DataFrame
        The panel with ``regular_price``, ``depth`` and ``on_promotion``.
    """
    out = panel.sort_values(["product_id", "period"]).reset_index(drop=True)
    p_codes, _ = pd.factorize(out["product_id"])
    t_codes, periods = pd.factorize(out["period"], sort=True)
    grid = np.full((p_codes.max() + 1, len(periods) + 2 * window), np.nan)  # padded with empty periods
    grid[p_codes, t_codes + window] = out["price"].to_numpy(dtype=float)
    windows = np.lib.stride_tricks.sliding_window_view(grid, window, axis=1)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-empty windows give NaN, as they should
        medians = np.nanmedian(windows, axis=2)  # medians[:, j] covers padded columns j .. j + window - 1
    before = medians[p_codes, t_codes]  # the window periods just before
    after = medians[p_codes, t_codes + window + 1]  # the window periods just after
    price = out["price"].to_numpy(dtype=float)
    lower = np.fmin(before, after)
    lower = np.where(np.isnan(lower), price, lower)
    out["on_promotion"] = price <= (1 - min_depth) * lower
    regular = np.where(np.isnan(before), after, before)  # the price shoppers saw before the cut
    out["regular_price"] = np.where(out["on_promotion"], regular, price)
    out["depth"] = np.where(out["on_promotion"], 1 - price / out["regular_price"], 0.0)
    return out


def promotion_history(model: DemandModel, min_depth: float = 0.05, lag_periods: int | None = None,
                      min_events: int = 10, max_categories: int = 10, max_rows: int = 60_000,
                      random_state: int = 0) -> PromotionHistory:
    """Find past promotions and measure pull-forward and cannibalisation from them.

    Parameters
    ----------
    model : DemandModel
        From ``pricing.fit_demand``.
    min_depth : float
        Smallest price cut below the regular price that counts as a promotion.
    lag_periods : int, optional
        Periods after a promotion in which a dip is looked for (default: 2 weeks, 1 month, 14 days).
    min_events : int
        Fewer past promotions than this: nothing is measured (assumed none, and said so).
    max_categories, max_rows : int
        Larger catalogues are measured on a random sample of this many categories and rows (whole
        products; every regressor still counts all products): two shares do not need every
        product, and the joint fit grows with the square of the number of categories.
    random_state : int
        Seed of that sample.

    Returns
    -------
    PromotionHistory
    """
    if lag_periods is None:
        lag_periods = {"W": 2, "M": 1, "D": 14}[model.period]
    beta = model.categories.set_index("category")["elasticity"]
    panel = find_promotions(model.panel, min_depth)
    panel = panel[panel["category"].map(beta).notna() & panel["fitted"].notna()].copy()
    panel["beta"] = panel["category"].map(beta).to_numpy(dtype=float)
    # the extra units each promotion brought, by the demand curve: fitted - fitted at the regular price
    at_regular = panel["fitted"] * (panel["regular_price"] / panel["price"]) ** panel["beta"]
    panel["expected_regular_units"] = at_regular
    panel["incremental_units"] = np.where(panel["on_promotion"], panel["fitted"] - at_regular, 0.0)
    events = panel.loc[panel["on_promotion"], ["product_id", "category", "period", "price", "regular_price", "depth",
                                               "units", "expected_regular_units", "incremental_units"]]
    events = events.reset_index(drop=True)
    none = PromotionEffect(np.nan, np.nan, np.nan, np.nan, False, None)
    if len(events) < min_events:
        note = Message("pricing.history.too_few", events=len(events), needed=min_events)
        return PromotionHistory(events, _replace(none, note), _replace(none, note))

    # Regressors: own promotion lift in the previous periods and the sisters' lift now, both relative
    # to the baseline. The extra units depend on the elasticities and the elasticities on these
    # regressors, so both are re-estimated together a few times (store-wide period effects, so a
    # category's common loss to cannibalisation is not absorbed).
    panel["base"] = panel.groupby("product_id")["expected_regular_units"].transform("mean")
    periods = np.sort(panel["period"].unique())
    t_index = np.searchsorted(periods, panel["period"].to_numpy())
    p_codes, p_ids = pd.factorize(panel["product_id"])
    c_codes, c_ids = pd.factorize(panel["category"])
    cat_t = c_codes.astype(np.int64) * len(periods) + t_index
    promo = panel["on_promotion"].to_numpy()
    log_price = np.log(panel["price"].to_numpy())
    log_ratio = np.log(panel["regular_price"].to_numpy() / panel["price"].to_numpy())
    units = panel["units"].to_numpy(dtype=float)
    fitted = panel["fitted"].to_numpy(dtype=float)
    beta_row = panel["beta"].to_numpy()
    price_cols = np.zeros((len(panel), len(c_ids)))
    price_cols[np.arange(len(panel)), c_codes] = log_price
    # the sample the joint fit runs on: whole categories, then whole products, at random
    rng = np.random.default_rng(random_state)
    sampled_cats = np.sort(rng.permutation(len(c_ids))[:max_categories])
    in_cats = np.isin(c_codes, sampled_cats)
    products = np.unique(p_codes[in_cats])
    rows_per_product = np.bincount(p_codes, minlength=len(p_ids))
    if in_cats.sum() > max_rows:
        order = rng.permutation(products)
        products = np.sort(order[np.cumsum(rows_per_product[order]) <= max_rows])
    sample = np.isin(p_codes, products)
    keep_cols = np.r_[0, 1, 2 + sampled_cats]
    sample_note = (Message("pricing.history.sample", products=len(products), categories=len(sampled_cats))
                   if sample.sum() < len(panel) else Message("pricing.history.all"))
    beta_cat = np.zeros(len(c_ids))
    beta_cat[c_codes] = beta_row
    for _ in range(3):
        incremental = np.where(promo, fitted * (1 - np.exp(beta_row * log_ratio)), 0.0)
        base = pd.Series(np.where(promo, fitted - incremental, fitted)).groupby(p_codes).transform("mean").to_numpy()
        lift = np.zeros((len(p_ids), len(periods)))
        lift[p_codes, t_index] = incremental
        lagged = sum(np.pad(lift, ((0, 0), (h, 0)))[:, :len(periods)] for h in range(1, lag_periods + 1))
        own_after = np.where(promo, 0.0, lagged[p_codes, t_index] / (lag_periods * base))
        cat_lift = np.bincount(cat_t, incremental)[cat_t]
        cat_base = np.bincount(cat_t, base)[cat_t]
        sisters = np.where(cat_base - base > 0, (cat_lift - incremental) / np.maximum(cat_base - base, 1e-12), 0.0)
        x = np.column_stack([own_after, sisters, price_cols])[sample][:, keep_cols]
        fit = PPMLFixedEffects().fit(x, units[sample], pd.factorize(p_codes[sample])[0],
                                     pd.factorize(t_index[sample])[0])
        if not np.all(fit.used_[0, 2:]):
            break
        beta_cat[sampled_cats] = fit.coef_[0, 2:]
        beta_row = beta_cat[c_codes]
    df = fit.df_[0]
    q = stats.t.ppf(0.95, df)
    effects = []
    for j, effect in enumerate(("pull_forward", "cannibalisation")):
        coef, var = fit.coef_[0, j], fit.vcov_[0, j, j]
        measured = bool(fit.used_[0, j]) and np.isfinite(var) and (j == 0 or len(sampled_cats) >= 2)
        if not measured:
            effects.append(_replace(none, Message("pricing.history.not_separable",
                                                  effect=Message(f"pricing.effect.{effect}"))))
            continue
        share, se = -coef, math.sqrt(var)
        low, high = share - q * se, share + q * se
        verdict = Message("pricing.history.measured" if low > 0 else "pricing.history.measured_none",
                          events=len(events), share=share, low=low, high=high, sample=sample_note)
        effects.append(PromotionEffect(share, se, low, high, True, verdict))
    return PromotionHistory(events, effects[0], effects[1])


def _replace(effect: PromotionEffect, note: Message) -> PromotionEffect:
    return PromotionEffect(effect.share, effect.se, effect.ci_low, effect.ci_high, effect.measured, note)


# =============================================================================================
# Threshold offers (满减) on real baskets
# =============================================================================================
@dataclass(frozen=True)
class ThresholdOutcome:
    """What a spend-X-save-Y offer does to a list of baskets.

    Attributes
    ----------
    baskets : DataFrame
        value (before), new_value, grew (bool), discount, tier_before (-1 = below every tier).
    n_baskets, n_already_above, n_grew : int
    extra_spend : float
        Sum of basket growth (at regular prices).
    discount_cost : float
        Sum of savings given.
    giveaway : float
        Savings that baskets get for the tier they had reached without the offer (money given
        for nothing; a basket that grows to a higher tier still counts its old tier's saving here).
    """

    baskets: pd.DataFrame
    n_baskets: int
    n_already_above: int
    n_grew: int
    extra_spend: float
    discount_cost: float
    giveaway: float


def threshold_outcome(values, tiers, stretch: float = 1.0, take_up: float = 1.0) -> ThresholdOutcome:
    """Apply spend-X-save-Y tiers to basket values.

    A basket below the next threshold tops up to it when the gap is at most ``stretch`` times
    that tier's saving (with stretch 1 a shopper adds items only when the saving covers them);
    ``take_up`` is the share of such shoppers who notice and act, applied as an expected value.
    Every basket at or above a threshold gets the highest saving it reaches.

    Parameters
    ----------
    values : array-like
        Basket values at regular prices (eligible spend only).
    tiers : sequence of (spend, save)
        Thresholds and savings, e.g. ``[(100, 10), (200, 25)]``.
    stretch : float
        How far shoppers reach, in multiples of the saving.
    take_up : float
        Share of shoppers within reach who top up.

    Returns
    -------
    ThresholdOutcome
    """
    tiers = sorted((float(x), float(y)) for x, y in tiers)
    if not tiers:
        raise DataError(Message("pricing.error.no_tiers"))
    if any(x <= 0 or y <= 0 or y >= x for x, y in tiers):
        raise DataError(Message("pricing.error.tier_values"))
    if stretch < 0 or not 0 <= take_up <= 1:
        raise DataError(Message("pricing.error.stretch"))
    v = np.asarray(values, dtype=float)
    spend = np.array([x for x, _ in tiers])
    save = np.array([y for _, y in tiers])
    reached = np.searchsorted(spend, v, side="right") - 1  # highest tier reached, -1 = none
    nxt = reached + 1
    has_next = nxt < len(tiers)
    gap = np.where(has_next, spend[np.minimum(nxt, len(tiers) - 1)] - v, np.inf)
    reach = np.where(has_next, stretch * save[np.minimum(nxt, len(tiers) - 1)], 0.0)
    grows = has_next & (gap <= reach + 1e-9)
    save_before = np.where(reached >= 0, save[np.maximum(reached, 0)], 0.0)
    save_after = np.where(grows, save[np.minimum(nxt, len(tiers) - 1)], save_before)
    growth = np.where(grows, gap, 0.0) * take_up
    discount = save_before + (save_after - save_before) * np.where(grows, take_up, 0.0)
    baskets = pd.DataFrame({"value": v, "new_value": v + growth, "grew": grows, "discount": discount,
                            "tier_before": reached})
    return ThresholdOutcome(
        baskets=baskets, n_baskets=len(v), n_already_above=int((reached >= 0).sum()),
        n_grew=int(grows.sum()), extra_spend=float(growth.sum()), discount_cost=float(discount.sum()),
        giveaway=float(save_before.sum()))


def basket_values(transactions: SalesSource, level: str = "store", target: str | None = None,
                  days: int = 56) -> tuple[pd.Series, int]:
    """Eligible spend per basket over the last ``days`` days of sales (regular lines only), summed
    per order in the source's engine.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Order lines with order_id, order_date, quantity and unit_price (and the category or
        product_id the offer targets).
    level : {'store', 'category', 'product'}
    target : str, optional
        The category or product id of a category- or product-level offer.
    days : int
        How far back from the last sale the baskets are taken.

    Returns
    -------
    (Series, int)
        Basket value per order (index order_id, sorted; only baskets holding eligible items) and
        the number of days.
    """
    for col in ("order_id", "order_date", "quantity", "unit_price", *_ELIGIBLE_BY.get(level, ())):
        if col not in transactions.columns:
            raise DataError(Message("pricing.error.baskets_need", column=col))
    sales = sales_table(transactions, ["order_id", "order_date", "quantity", "unit_price"],
                        optional=["is_return", *_ELIGIBLE_BY.get(level, ())])
    sale = (sales.quantity > 0) & (sales.unit_price > 0)
    if "is_return" in sales.columns:
        sale &= ~sales.is_return.fill_null(False)
    lines = sales.filter(sale)
    end = fetch(lines.aggregate(end=lines.order_date.max()))["end"][0]
    if pd.isna(end):
        raise DataError(Message("pricing.error.no_baskets", target=target or Message("pricing.any_item"), days=days))
    recent = lines.filter(lines.order_date > pd.Timestamp(end) - pd.Timedelta(days=days))
    eligible = _eligible(recent, level, target)
    spend = recent.quantity.cast("float64") * recent.unit_price.cast("float64")
    per_order = recent.group_by("order_id").aggregate(value=exact_sum(spend, where=eligible))
    baskets = per_order.filter((per_order.value > 0) & per_order.order_id.notnull())
    values = fetch(baskets.order_by("order_id")).set_index("order_id")["value"]
    values.name = None
    if values.empty:
        raise DataError(Message("pricing.error.no_baskets", target=target or Message("pricing.any_item"), days=days))
    counts = fetch(recent.aggregate(lines=recent.count(), orders=recent.order_id.nunique()))
    lines_per_basket = counts["lines"][0] / max(counts["orders"][0], 1)
    if lines_per_basket > 50 or detect_period(lines) == "M":
        raise DataError(Message("pricing.error.no_real_baskets"))
    return values, days


_ELIGIBLE_BY = {"category": ("category",), "product": ("product_id",)}  # the column a targeted offer reads


def _eligible(lines, level: str, target: str | None):
    """Which lines an offer covers (an Ibis boolean)."""
    if level == "store":
        return ibis.literal(True)
    column = _ELIGIBLE_BY[level][0]
    return lines[column].cast("string") == str(target)


# =============================================================================================
# Scenarios
# =============================================================================================
@dataclass(frozen=True)
class Scenario:
    """A planned promotion.

    Attributes
    ----------
    name : str
        Label shown in the comparison.
    mechanic : {'percent_off', 'threshold', 'bogo', 'flash_sale'}
    level : {'product', 'category', 'store'}
    target : str or None
        Product id or category name (None for the whole store).
    start, end : str
        First and last day (ISO dates); the length sets the window.
    discount : float
        Share off the regular price (percent off, flash sale).
    tiers : tuple of (spend, save)
        Thresholds for 满减.
    buy, free : int
        Buy ``buy`` get ``free`` free.
    cap_units : float or None
        Units available at the flash-sale price (whole target).
    stretch, take_up : float
        Threshold-offer behaviour (see ``threshold_outcome``).
    """

    name: str
    mechanic: str
    level: str = "store"
    target: str | None = None
    start: str = "2026-12-01"
    end: str = "2026-12-14"
    discount: float = 0.2
    tiers: tuple = ()
    buy: int = 1
    free: int = 1
    cap_units: float | None = None
    stretch: float = 1.0
    take_up: float = 1.0

    @property
    def days(self) -> int:
        return (pd.Timestamp(self.end) - pd.Timestamp(self.start)).days + 1

    def check(self) -> None:
        """Raise DataError when the scenario cannot be simulated as given."""
        if self.mechanic not in MECHANICS:
            raise DataError(Message("pricing.error.mechanic", mechanic=str(self.mechanic), choices=MECHANICS))
        if self.level not in LEVELS:
            raise DataError(Message("pricing.error.scenario_level", level=str(self.level)))
        if self.level != "store" and not self.target:
            raise DataError(Message("pricing.error.no_target", scenario=self.name,
                                    level=Message(f"pricing.level.{self.level}")))
        if self.days < 1:
            raise DataError(Message("pricing.error.end_before_start", scenario=self.name))
        if self.mechanic in ("percent_off", "flash_sale") and not 0 < self.discount < 1:
            raise DataError(Message("pricing.error.discount", scenario=self.name))
        if self.mechanic == "bogo" and (self.buy < 1 or self.free < 1):
            raise DataError(Message("pricing.error.bogo", scenario=self.name))
        if self.mechanic == "flash_sale" and (self.cap_units is None or self.cap_units <= 0):
            raise DataError(Message("pricing.error.cap", scenario=self.name))


def _target_items(model: DemandModel, scenario: Scenario, costs: pd.DataFrame, recent_periods: int) -> pd.DataFrame:
    base = current_prices(model, recent_periods)
    est = model.products[["product_id", "category", "elasticity", "category_elasticity"]]
    items = base.merge(est, on="product_id").merge(costs[["product_id", "unit_cost"]], on="product_id", how="left")
    if scenario.level == "category":
        items = items[items["category"].astype(str) == str(scenario.target)]
    elif scenario.level == "product":
        items = items[items["product_id"].astype(str) == str(scenario.target)]
    if items.empty:
        raise DataError(Message("pricing.error.unknown_target", scenario=scenario.name, target=str(scenario.target),
                                 level=Message(f"pricing.level.{scenario.level}")))
    items = items.copy()
    items["beta"] = items["elasticity"].fillna(items["category_elasticity"])
    if items["beta"].isna().all():
        raise DataError(Message("pricing.error.target_not_estimated", scenario=scenario.name,
                                target=scenario.target or Message("pricing.the_store")))
    items = items[items["beta"].notna()]
    items["unit_cost"] = items["unit_cost"].fillna(items["current_price"])
    return items


def simulate_promotions(scenarios: list[Scenario], model: DemandModel, transactions: SalesSource,
                        costs: pd.DataFrame, history: PromotionHistory | None = None, recent_periods: int = 8,
                        baskets: Mapping | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate up to four promotions side by side.

    Parameters
    ----------
    scenarios : list of Scenario
        One to four scenarios.
    model : DemandModel
        Fitted demand (product elasticities, current prices, baseline units).
    transactions : DataFrame or ibis.Table
        Sales lines (for basket values in threshold offers, summed in their engine).
    costs : DataFrame
        product_id, unit_cost (``pricing.unit_costs``); missing costs count as zero margin.
    history : PromotionHistory, optional
        Measured pull-forward and cannibalisation; None assumes none.
    recent_periods : int
        Periods that define the baseline.
    baskets : mapping, optional
        Scenario name -> ``basket_values`` of a threshold offer, when the caller has them already
        (they are summed from the transactions otherwise).

    Returns
    -------
    (DataFrame, DataFrame)
        Results, one row per scenario: scenario, mechanic, level, target, days, elasticity,
        baseline_units, promo_units, incremental_units, pull_forward_units, cannibalised_units,
        net_incremental_units, baseline_revenue, promo_revenue, incremental_revenue,
        baseline_margin, promo_margin, incremental_margin, discount_cost, lift, break_even_lift,
        effective_discount, baskets, share_already_above, share_grew, giveaway (threshold offers
        only), margin_per_discount; and assumptions, one row per scenario and assumption (a
        ``Message``). Money
        and units are totals over the scenario's days; incremental revenue and margin are net of
        pull-forward and cannibalisation.
    """
    if not 1 <= len(scenarios) <= 4:
        raise DataError(Message("pricing.error.scenario_count"))
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise DataError(Message("pricing.error.scenario_names"))
    rows, notes = [], []
    for scenario in scenarios:
        scenario.check()
        row, assumptions = _simulate_one(scenario, model, transactions, costs, history, recent_periods,
                                         (baskets or {}).get(scenario.name))
        rows.append(row)
        notes += [{"scenario": scenario.name, "assumption": a} for a in assumptions]
    return pd.DataFrame(rows), pd.DataFrame(notes)


def _simulate_one(s: Scenario, model: DemandModel, transactions: SalesSource, costs: pd.DataFrame,
                  history: PromotionHistory | None, recent_periods: int,
                  baskets: tuple[pd.Series, int] | None) -> tuple[dict, list[Message]]:
    items = _target_items(model, s, costs, recent_periods)
    periods = s.days / PERIOD_DAYS[model.period]
    p0, c, beta = items["current_price"].to_numpy(), items["unit_cost"].to_numpy(), items["beta"].to_numpy()
    q0 = items["base_units"].to_numpy() * periods
    base_units, base_rev, base_margin = q0.sum(), (q0 * p0).sum(), (q0 * (p0 - c)).sum()
    assumptions = [Message("pricing.assume.baseline", recent=recent_periods,
                           period=Message(f"pricing.period.{model.period}"), days=s.days, periods=periods)]
    weights = q0 * p0
    elasticity = float(np.sum(weights * beta) / np.sum(weights))
    basket_facts = {"baskets": np.nan, "share_already_above": np.nan, "share_grew": np.nan, "giveaway": np.nan}
    if s.mechanic in ("percent_off", "bogo", "flash_sale"):
        share_paid = 1 - s.discount if s.mechanic != "bogo" else s.buy / (s.buy + s.free)
        q1 = q0 * share_paid ** beta
        if s.mechanic == "flash_sale":
            demand_at_sale = q1.sum()
            sold_on_sale = min(s.cap_units, demand_at_sale)
            time_on_sale = sold_on_sale / demand_at_sale  # the sale ends when the cap is reached
            q_sale = q1 * time_on_sale
            q_after = q0 * (1 - time_on_sale)
            promo_units = q_sale.sum() + q_after.sum()
            promo_rev = (q_sale * p0 * share_paid).sum() + (q_after * p0).sum()
            promo_margin = (q_sale * (p0 * share_paid - c)).sum() + (q_after * (p0 - c)).sum()
            discount_cost = (q_sale * p0 * s.discount).sum()
            assumptions.append(Message("pricing.assume.flash_capped" if time_on_sale < 1 else "pricing.assume.flash",
                                       discount=s.discount, cap=s.cap_units, reached=time_on_sale))
        else:
            promo_units = q1.sum()
            promo_rev = (q1 * p0 * share_paid).sum()
            promo_margin = (q1 * (p0 * share_paid - c)).sum()
            discount_cost = (q1 * p0 * (1 - share_paid)).sum()
            if s.mechanic == "bogo":
                assumptions.append(Message("pricing.assume.bogo", buy=s.buy, free=s.free, off=1 - share_paid))
        margin_at_promo = np.sum(q0 * (p0 * share_paid - c))
        break_even = base_margin / margin_at_promo - 1 if margin_at_promo > 0 else np.inf
        assumptions.append(Message("pricing.assume.elasticity", elasticity=elasticity, products=len(items)))
    else:
        values, history_days = baskets if baskets is not None else basket_values(transactions, s.level, s.target)
        outcome = threshold_outcome(values.to_numpy(), s.tiers, s.stretch, s.take_up)
        scale = s.days / history_days
        margin_rate = base_margin / base_rev if base_rev > 0 else 0.0
        avg_price = base_rev / base_units if base_units > 0 else 1.0
        extra = outcome.extra_spend * scale
        discount_cost = outcome.discount_cost * scale
        promo_units = base_units + extra / avg_price
        promo_rev = base_rev + extra - discount_cost
        promo_margin = base_margin + extra * margin_rate - discount_cost
        break_even = (discount_cost / margin_rate) / base_rev if margin_rate > 0 and base_rev > 0 else np.inf
        assumptions.append(Message("pricing.assume.threshold", baskets=outcome.n_baskets, history_days=history_days,
                                   days=s.days, above=outcome.n_already_above / outcome.n_baskets,
                                   grew=outcome.n_grew / outcome.n_baskets, stretch=s.stretch, take_up=s.take_up,
                                   margin=margin_rate))
        share_paid = 1 - discount_cost / max(promo_rev + discount_cost, 1e-9)
        basket_facts = {"baskets": outcome.n_baskets * scale,
                        "share_already_above": outcome.n_already_above / outcome.n_baskets,
                        "share_grew": outcome.n_grew / outcome.n_baskets, "giveaway": outcome.giveaway * scale}
    incremental = promo_units - base_units
    pull = history.pull_forward.applied if history is not None else 0.0
    cannibal = history.cannibalisation.applied if (history is not None and s.level == "product") else 0.0
    pull_units = max(incremental, 0.0) * pull
    cannibal_units = max(incremental, 0.0) * cannibal
    unit_margin = base_margin / base_units if base_units > 0 else 0.0
    unit_price = base_rev / base_units if base_units > 0 else 0.0
    sister_margin, sister_price = _sister_unit_values(model, s, costs, recent_periods, unit_margin, unit_price)
    lost_rev = pull_units * unit_price + cannibal_units * sister_price
    lost_margin = pull_units * unit_margin + cannibal_units * sister_margin
    if history is None:
        assumptions.append(Message("pricing.assume.no_history"))
    else:
        assumptions.append(Message("pricing.assume.pull_forward", share=pull, note=history.pull_forward.note))
        if s.level == "product":
            assumptions.append(Message("pricing.assume.cannibalisation", share=cannibal,
                                       note=history.cannibalisation.note))
        else:
            assumptions.append(Message("pricing.assume.no_cannibalisation", level=Message(f"pricing.whole.{s.level}")))
    net_units = incremental - pull_units - cannibal_units
    row = {
        "scenario": s.name, "mechanic": s.mechanic, "level": s.level, "target": s.target or "", "days": s.days,
        "elasticity": elasticity, "baseline_units": base_units, "promo_units": promo_units,
        "incremental_units": incremental, "pull_forward_units": pull_units, "cannibalised_units": cannibal_units,
        "net_incremental_units": net_units, "baseline_revenue": base_rev, "promo_revenue": promo_rev,
        "incremental_revenue": promo_rev - base_rev - lost_rev, "baseline_margin": base_margin,
        "promo_margin": promo_margin, "incremental_margin": promo_margin - base_margin - lost_margin,
        "discount_cost": discount_cost, "lift": promo_units / base_units - 1 if base_units > 0 else np.nan,
        "break_even_lift": break_even, "effective_discount": 1 - share_paid, **basket_facts,
    }
    row["margin_per_discount"] = row["incremental_margin"] / discount_cost if discount_cost > 0 else np.nan
    return row, assumptions


def _sister_unit_values(model: DemandModel, s: Scenario, costs: pd.DataFrame, recent_periods: int,
                        own_margin: float, own_price: float) -> tuple[float, float]:
    """Average unit margin and price of the target's sister products (its category, itself excluded)."""
    if s.level != "product":
        return own_margin, own_price
    category = model.products.loc[model.products["product_id"].astype(str) == str(s.target), "category"]
    base = current_prices(model, recent_periods).merge(model.products[["product_id", "category"]], on="product_id")
    sisters = base[(base["category"] == category.iloc[0]) & (base["product_id"].astype(str) != str(s.target))]
    sisters = sisters.merge(costs[["product_id", "unit_cost"]], on="product_id", how="left")
    if sisters.empty or sisters["base_units"].sum() <= 0:
        return own_margin, own_price
    w = sisters["base_units"]
    cost = sisters["unit_cost"].fillna(sisters["current_price"])
    return (float(np.sum(w * (sisters["current_price"] - cost)) / w.sum()),
            float(np.sum(w * sisters["current_price"]) / w.sum()))


@dataclass(frozen=True)
class PlannedPromotion:
    """The promotion the manager chose on the Pricing page, as the Logistics forecast reads it
    (kept in the workspace per dataset: ``Workspace.save_handoff``). Why a type and not a dict
    under a session key: the forecast may run in another session, and the reader knows what it
    gets.

    Attributes
    ----------
    name, mechanic, level : str
        The scenario's name, promotion type (``MECHANICS``) and level (``LEVELS``).
    target : str or None
        The category or product id (None for the whole store).
    discount : float
        The effective share off: a threshold offer's savings over its sales, 50% for
        buy-one-get-one.
    start, end : str
        First and last day (YYYY-MM-DD).
    elasticity : float
        The one that makes ``(1 - discount) ** elasticity - 1`` give the simulated lift in units
        while the promotion runs (for a percent-off promotion, the target's own elasticity).
    estimated_elasticity : float
        The model's revenue-weighted estimate for the target.
    expected_lift : float
        The simulated lift in units while it runs.
    pull_forward : float
        The measured share of the extra units lost afterwards.
    """

    kind: ClassVar[str] = "pricing_scenario"
    name: str
    mechanic: str
    level: str
    target: str | None
    discount: float
    start: str
    end: str
    elasticity: float
    estimated_elasticity: float
    expected_lift: float
    pull_forward: float

    @classmethod
    def from_simulation(cls, scenario: Scenario, result: pd.Series) -> "PlannedPromotion":
        """A simulated scenario (its row of ``simulate_promotions``' results) as a planned promotion."""
        discount = float(result["effective_discount"])
        lift = float(result["lift"])
        implied = (math.log1p(lift) / math.log1p(-discount)) if 0 < discount < 1 and lift > -1 else float(
            result["elasticity"])
        return cls(name=scenario.name, mechanic=scenario.mechanic, level=scenario.level, target=scenario.target,
                   discount=round(discount, 4), start=str(pd.Timestamp(scenario.start).date()),
                   end=str(pd.Timestamp(scenario.end).date()), elasticity=round(implied, 4),
                   estimated_elasticity=round(float(result["elasticity"]), 4), expected_lift=round(lift, 4),
                   pull_forward=round(float(result["pull_forward_units"] / result["incremental_units"]), 4)
                   if result["incremental_units"] > 0 else 0.0)

    def as_dict(self) -> dict:
        """The plain fields (what ``forecast.Promotion.from_scenario`` reads)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def to_json(self) -> str:
        """The promotion as JSON text (what the workspace stores)."""
        return json.dumps(self.as_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "PlannedPromotion":
        """A promotion stored by ``to_json``."""
        return cls(**json.loads(text))
