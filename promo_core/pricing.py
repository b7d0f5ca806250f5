"""Price elasticity and profit-optimal prices.

How sensitive is demand to price? Sales lines are summed into one row per product and period
(units, average price paid) in the engine that holds them (a DataFrame, the workspace's DuckDB, a
Spark table: see ``promo_core.engine.sales_table``); demand is then modelled as

    E[units] = exp(product effect + time effect + elasticity * log(price) + controls)

and fitted by Poisson pseudo-maximum likelihood (PPML). Every period of a product's selling life
counts, those without a sale too (zero units at the shelf price in force): demand is lowest where
the price is highest, so a panel of periods with sales only hides the evidence that a high price
keeps shoppers away and pulls every elasticity toward zero (by about a quarter on a 4,000-customer
demo, where 9% of product-weeks sell nothing). Where the unit price falls with the quantity per
line (a wholesale quantity-discount schedule), a period's average price tells the size of its
orders rather than a price decision; such estimates are flagged, and a price list (``PriceList``)
gives the model the prices that were set. Why this and not a log-log least-squares
fit: least squares on log(units) estimates E[log units], which differs from log E[units] by a
term that depends on how noisy small counts are (Jensen's inequality), so it is biased by roughly
1 / mean units; PPML is consistent for the constant-elasticity curve whatever the noise, and
accepts weeks with few units. Product fixed effects mean only *within-product* price changes
count: across products, price and volume are confounded by what the product is (a pooled fit
on retail_price.csv gets the wrong sign in three of nine categories). Time effects (one per
category and period when enough products share each period, else trend + yearly seasonality)
keep seasons from posing as price effects. Standard errors are cluster-robust by product (or
heteroskedasticity-robust when a category has too few products to cluster).

Product-level elasticities reuse their category's time effects and controls and are partially
pooled toward the category (empirical Bayes): a product with little data borrows from its
category, a product with plenty of clean price variation speaks for itself. Both the product's
own (raw) estimate and the pooled one are reported.

Profit-optimal prices maximise (price - unit cost) * units on the fitted constant-elasticity
curve under the manager's rules (maximum change, minimum margin, price endings), with the
elasticity's uncertainty carried through to units, revenue and profit by simulation.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from promo_core.engine import SalesSource, exact_sum, fetch, product_labels, sales_table
from promo_core.errors import DataError
from promo_core.text import Message

PERIODS = {"D": "day", "W": "week", "M": "month"}
Z90 = stats.norm.ppf(0.95)
MIN_PERIODS = 8
MIN_PRICE_CHANGES = 2
MIN_CLUSTERS = 10
IMPLAUSIBLE_BELOW = -8.0
MAX_SE = 1.0

FLAGS = ("ok", "constant_price", "few_periods", "little_variation", "positive", "implausible", "not_identified",
         "uncertain")  # reliability flags; each has its plain-language reason ``pricing.flag.<flag>``


def flag_message(flag: str, **values) -> Message:
    """The plain-language reason for a reliability flag (or the ``few_products`` caveat)."""
    return Message(f"pricing.flag.{flag}", **values)


# =============================================================================================
# The estimator
# =============================================================================================
def _demean(values: np.ndarray, weights: np.ndarray, effects: list[np.ndarray], tol: float,
            max_sweeps: int) -> np.ndarray:
    """Weighted residuals of ``values`` (n x m) after projecting out the fixed effects, by
    alternating projections (exact in one sweep for a single set of effects)."""
    out = values.copy()
    sums = [np.bincount(codes, weights) for codes in effects]
    scale = np.abs(out).max(axis=0) + 1e-12
    for _ in range(max_sweeps):
        largest = 0.0
        for codes, wsum in zip(effects, sums):
            safe = np.where(wsum > 0, wsum, 1.0)
            for j in range(out.shape[1]):
                means = np.bincount(codes, weights * out[:, j], minlength=len(wsum)) / safe
                out[:, j] -= means[codes]
                largest = max(largest, float(np.abs(means).max() / scale[j]))
        if len(effects) == 1 or largest < tol:
            break
    return out


def _group_cross(group: np.ndarray, n_groups: int, left: np.ndarray, right: np.ndarray,
                 weights: np.ndarray | None = None) -> np.ndarray:
    """Per-group sums of weighted outer products: (G, a, b) = sum_i w_i left_i right_i'."""
    w = np.ones(len(group)) if weights is None else weights
    if n_groups == 1:  # one block: a single matrix product
        return ((left * w[:, None]).T @ right)[None, :, :]
    out = np.empty((n_groups, left.shape[1], right.shape[1]))
    for a in range(left.shape[1]):
        for b in range(right.shape[1]):
            out[:, a, b] = np.bincount(group, w * left[:, a] * right[:, b], minlength=n_groups)
    return out


def _usable_columns(cross: np.ndarray, variance: np.ndarray, tol: float = 1e-8) -> np.ndarray:
    """Per group, which columns carry variation of their own once the fixed effects and the
    columns before them are accounted for (a pivoted Cholesky): a control absorbed by the time
    effects, or a copy of the price, is left out rather than making the fit singular."""
    used = np.zeros(cross.shape[:2], dtype=bool)
    for g in range(cross.shape[0]):
        for j in range(cross.shape[1]):
            keep = np.flatnonzero(used[g])
            resid = cross[g, j, j]
            if len(keep):
                sub = cross[g][np.ix_(keep, keep)]
                resid -= cross[g, j, keep] @ np.linalg.solve(sub, cross[g, keep, j])
            used[g, j] = np.isfinite(resid) and variance[g, j] > 0 and resid > tol * variance[g, j]
    return used


def _restricted(mat: np.ndarray, used: np.ndarray) -> np.ndarray:
    """The matrix with unused columns replaced by unit rows/columns (so it can be inverted)."""
    out = mat.copy()
    out[~used, :] = 0.0
    out[:, ~used] = 0.0
    out[~used, ~used] = 1.0
    return out


def _solve(a: np.ndarray, b: np.ndarray, used: np.ndarray) -> np.ndarray:
    """Batched solve of ``a @ x = b`` per group over the usable columns (others get 0); NaN for a
    group whose first column (price) is not usable."""
    out = np.full(b.shape, np.nan)
    for g in range(a.shape[0]):
        if used[g, 0]:
            out[g] = np.linalg.solve(_restricted(a[g], used[g]), np.where(used[g], b[g], 0.0))
    return out


def _inverse(a: np.ndarray, used: np.ndarray) -> np.ndarray:
    """Batched inverse over the usable columns; rows and columns of unused ones are NaN."""
    out = np.full(a.shape, np.nan)
    for g in range(a.shape[0]):
        if used[g, 0]:
            inv = np.linalg.inv(_restricted(a[g], used[g]))
            inv[~used[g], :] = np.nan
            inv[:, ~used[g]] = np.nan
            out[g] = inv
    return out


class PPMLFixedEffects:
    """Poisson pseudo-maximum likelihood with entity and time fixed effects and slopes per group.

    Fits ``E[y] = exp(entity effect + time effect + X @ beta[group] + offset)`` by iteratively
    reweighted least squares, projecting the fixed effects out of each weighted least-squares step
    (so thousands of products cost no more than a few sweeps over the rows). Every entity and
    every time code must lie within one group; each group gets its own ``beta``.

    Parameters
    ----------
    tol : float
        Convergence tolerance on the relative change in deviance.
    max_iter : int
        Maximum IRLS iterations.
    demean_tol : float
        Convergence tolerance of the alternating projections (two sets of effects).
    min_clusters : int
        Standard errors are clustered by entity when a group has at least this many entities;
        otherwise heteroskedasticity-robust (HC1).

    References
    ----------
    Santos Silva, J.M.C. and Tenreyro, S. (2006). The log of gravity. Review of Economics and
    Statistics 88(4). Correia, S., Guimarães, P. and Zylkin, T. (2020). Fast Poisson estimation
    with high-dimensional fixed effects. Stata Journal 20(1).
    """

    def __init__(self, tol: float = 1e-9, max_iter: int = 100, demean_tol: float = 1e-10,
                 min_clusters: int = MIN_CLUSTERS):
        self.tol = tol
        self.max_iter = max_iter
        self.demean_tol = demean_tol
        self.min_clusters = min_clusters

    def fit(self, X, y, entity, time=None, group=None, offset=None) -> "PPMLFixedEffects":
        """Fit the model.

        Parameters
        ----------
        X : array (n, k)
            Regressors (log price, controls).
        y : array (n,)
            Non-negative counts or amounts (units).
        entity : array of int (n,)
            Entity code per row (product), 0..E-1.
        time : array of int (n,), optional
            Time-effect code per row (category x period), 0..T-1; None for no time effects.
        group : array of int (n,), optional
            Group code per row (category), 0..G-1; one set of slopes per group.
        offset : array (n,), optional
            Known part of the linear predictor.

        Returns
        -------
        self
            With ``coef_`` (G, k; 0 for a column left out), ``used_`` (G, k: columns with variation
            of their own), ``vcov_`` (G, k, k), ``clustered_`` (G,), ``df_`` (G, degrees of freedom
            of the interval), ``resid_df_`` (G, observations minus parameters),
            ``fitted_`` (n,), ``deviance_`` and ``null_deviance_`` (G,), ``n_iter_``, ``converged_``.
        """
        X = np.asarray(X, dtype=float).reshape(len(y), -1)
        y = np.asarray(y, dtype=float)
        if np.any(y < 0) or not np.all(np.isfinite(y)) or not np.all(np.isfinite(X)):
            raise DataError(Message("pricing.error.negative_units"))
        entity = np.asarray(entity, dtype=np.int64)
        group = np.zeros(len(y), dtype=np.int64) if group is None else np.asarray(group, dtype=np.int64)
        offset = np.zeros(len(y)) if offset is None else np.asarray(offset, dtype=float)
        n_groups = int(group.max()) + 1
        effects = [entity] + ([np.asarray(time, dtype=np.int64)] if time is not None else [])
        n_entities = int(entity.max()) + 1
        # starting values: each entity's mean, which the entity effects fit exactly
        ent_mean = np.bincount(entity, y, minlength=n_entities) / np.bincount(entity, minlength=n_entities)
        mu = (y + ent_mean[entity]) / 2 + 1e-3
        eta = np.log(mu)
        dev_old = np.inf
        beta = np.zeros((n_groups, X.shape[1]))
        self.converged_ = False
        for it in range(1, self.max_iter + 1):
            z = eta - offset + (y - mu) / mu
            tilde = _demean(np.column_stack([z, X]), mu, effects, self.demean_tol, 1000)
            zt, xt = tilde[:, 0], tilde[:, 1:]
            cross = _group_cross(group, n_groups, xt, xt, mu)
            if it == 1:
                self.used_ = _usable_columns(cross, _group_variance(X, group, n_groups, mu))
            beta = _solve(cross, _group_cross(group, n_groups, xt, zt[:, None], mu)[:, :, 0], self.used_)
            fit_x = np.einsum("ij,ij->i", xt, np.nan_to_num(beta)[group])
            eta = z - (zt - fit_x) + offset
            mu = np.exp(np.clip(eta, -50, 50))
            dev = _poisson_deviance(y, mu)
            if abs(dev - dev_old) / (0.1 + abs(dev)) < self.tol:
                self.converged_ = True
                break
            dev_old = dev
        self.n_iter_ = it
        self.coef_ = beta
        # the sandwich at the final weights: bread from demeaned X, meat from scores
        xt = _demean(X, mu, effects, self.demean_tol, 1000)
        bread = _inverse(_group_cross(group, n_groups, xt, xt, mu), self.used_)
        score = xt * (y - mu)[:, None]
        ent_group = np.zeros(n_entities, dtype=np.int64)
        ent_group[entity] = group
        n_ent_per_group = np.bincount(ent_group, minlength=n_groups)
        cluster_score = np.column_stack([np.bincount(entity, score[:, j], minlength=n_entities)
                                         for j in range(X.shape[1])])
        meat_cluster = _group_cross(ent_group, n_groups, cluster_score, cluster_score)
        meat_hc = _group_cross(group, n_groups, score, score)
        n_obs = np.bincount(group, minlength=n_groups)
        if time is not None:  # time effects per group (each time code lies within one group)
            time_group = np.zeros(int(effects[1].max()) + 1, dtype=np.int64)
            time_group[effects[1]] = group
            n_time = np.bincount(time_group, minlength=n_groups)
        else:
            n_time = np.zeros(n_groups, dtype=np.int64)
        n_params = X.shape[1] + n_ent_per_group + n_time
        self.clustered_ = n_ent_per_group >= self.min_clusters
        factor_cluster = n_ent_per_group / np.maximum(n_ent_per_group - 1, 1)
        factor_hc = n_obs / np.maximum(n_obs - n_params, 1)
        meat = np.where(self.clustered_[:, None, None], meat_cluster * factor_cluster[:, None, None],
                        meat_hc * factor_hc[:, None, None])
        clean = np.nan_to_num(bread)
        self.vcov_ = np.where(np.isnan(bread), np.nan, clean @ np.nan_to_num(meat) @ clean)
        self.resid_df_ = n_obs - n_params
        self.df_ = np.where(self.clustered_, n_ent_per_group - 1, n_obs - n_params).clip(min=1)
        self.fitted_ = mu
        self.deviance_ = np.bincount(group, _poisson_deviance(y, mu, total=False), minlength=n_groups)
        group_mean = np.bincount(group, y, minlength=n_groups) / np.maximum(n_obs, 1)
        self.null_deviance_ = np.bincount(group, _poisson_deviance(y, group_mean[group], total=False),
                                          minlength=n_groups)
        # fixed-effect part of the linear predictor, split into entity and time effects for predict()
        fe_part = np.log(mu) - offset - np.einsum("ij,ij->i", X, np.nan_to_num(beta)[group])
        self.entity_effect_, self.time_effect_ = _split_effects(fe_part, effects)
        self.n_groups_ = n_groups
        return self

    def predict(self, X, entity, time=None, group=None, offset=None) -> np.ndarray:
        """Expected counts for (possibly counterfactual) regressors on fitted entities and times."""
        X = np.asarray(X, dtype=float).reshape(len(entity), -1)
        group = np.zeros(len(entity), dtype=np.int64) if group is None else np.asarray(group, dtype=np.int64)
        eta = self.entity_effect_[np.asarray(entity)] + np.einsum("ij,ij->i", X, self.coef_[group])
        if time is not None and self.time_effect_ is not None:
            eta = eta + self.time_effect_[np.asarray(time)]
        if offset is not None:
            eta = eta + offset
        return np.exp(eta)


def _group_variance(X: np.ndarray, group: np.ndarray, n_groups: int, weights: np.ndarray) -> np.ndarray:
    """Weighted variance of each column within each group, times the group's weight (G, k); 0
    for a column that is constant there (one price throughout), whose computed spread is only
    rounding noise and would otherwise pass for variation and make the fit singular."""
    wsum = np.maximum(np.bincount(group, weights, minlength=n_groups), 1e-300)
    out = np.empty((n_groups, X.shape[1]))
    for j in range(X.shape[1]):
        mean = np.bincount(group, weights * X[:, j], minlength=n_groups) / wsum
        spread = np.bincount(group, weights * (X[:, j] - mean[group]) ** 2, minlength=n_groups)
        scale = np.bincount(group, weights * X[:, j] ** 2, minlength=n_groups)
        out[:, j] = np.where(spread > 1e-20 * scale, spread, 0.0)
    return out


def _poisson_deviance(y, mu, total: bool = True):
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)
    return 2 * term.sum() if total else 2 * term


def _split_effects(fe_part: np.ndarray, effects: list[np.ndarray]):
    """Entity and time effects whose sum reproduces ``fe_part`` (which lies in their span)."""
    entity = effects[0]
    counts = np.bincount(entity)
    safe = np.maximum(counts, 1)
    if len(effects) == 1:
        return np.bincount(entity, fe_part) / safe, None
    time = effects[1]
    t_counts = np.maximum(np.bincount(time), 1)
    alpha = np.bincount(entity, fe_part) / safe
    gamma = np.zeros(len(t_counts))
    for _ in range(500):
        gamma = np.bincount(time, fe_part - alpha[entity], minlength=len(t_counts)) / t_counts
        new_alpha = np.bincount(entity, fe_part - gamma[time], minlength=len(counts)) / safe
        if np.abs(new_alpha - alpha).max() < 1e-10:
            alpha = new_alpha
            break
        alpha = new_alpha
    return alpha, gamma


# =============================================================================================
# From sales lines to a product x period panel
# =============================================================================================
def detect_period(transactions: SalesSource) -> str:
    """'M' when the data holds one date per month (monthly summaries), else 'W' (weekly). The
    distinct order days are found in the source's engine."""
    sales = sales_table(transactions, ["order_date"])
    days = pd.to_datetime(fetch(sales.select(day=sales.order_date.date()).distinct())["day"]).sort_values()
    if len(days) < 2:
        return "W"
    gap = days.diff().dt.days.median()
    return "M" if gap >= 25 else "W"


FREQUENCIES = {"W": "W-MON", "M": "MS", "D": "D"}  # the calendar of each period (weeks start on Monday)
SCHEDULE_CORR = -0.3  # a product-period whose line prices fall with line quantities at least this strongly
SCHEDULE_SHARE = 0.5  # a product has a quantity schedule when this share of its multi-price periods show one
MIN_SCHEDULE_PERIODS = 2
SCHEDULE_UNITS = 0.1  # a category is checked for the schedule when such products hold this share of its units
SCHEDULE_TIED = -0.2  # ... and flagged when its prices still follow the line size this strongly (within product)
EMPTY_FRAGILE = 0.25  # above this share of periods without a sale, an estimate rests on inferred prices


@dataclass(frozen=True)
class PriceList:
    """Shelf (list) prices the retailer set: product id, the date from which the price holds
    (None: throughout) and the price. Where the list has a price, the demand model uses it instead
    of what was paid, so a list should carry every price change, promotions included.

    Why it matters: in a period without a sale nobody paid a price, and with a quantity-discount
    schedule the average price paid tells the order sizes; a price list says what was on the
    shelf either way. A tuple, not a table, so that it can sit in an analysis' settings, which a
    cache keys on (hashable, compares by value).
    """

    items: tuple  # ((product_id, valid_from ISO date or None, price), ...)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> "PriceList":
        """From a table with product_id and list_price (or price), and optionally valid_from (or
        date): one row per product, or one per price change. Rows whose price is not a positive
        number or whose date cannot be read are left out (a price list says what it knows); an
        empty date means the price holds throughout."""
        price_col = next((c for c in ("list_price", "price") if c in frame.columns), None)
        if "product_id" not in frame.columns or price_col is None:
            raise DataError(Message("pricing.error.price_list_columns", columns=tuple(map(str, frame.columns))))
        date_col = next((c for c in ("valid_from", "date") if c in frame.columns), None)
        price = pd.to_numeric(frame[price_col], errors="coerce").astype(float)
        start = (pd.to_datetime(frame[date_col], errors="coerce") if date_col
                 else pd.Series(pd.NaT, index=frame.index))
        blank = frame[date_col].isna() | frame[date_col].astype(str).str.strip().eq("") if date_col else True
        ok = (price > 0) & frame["product_id"].notna() & (start.notna() | blank)
        rows = pd.DataFrame({"product_id": frame["product_id"].astype(str), "start": start, "price": price})[ok]
        rows = rows.drop_duplicates(["product_id", "start"]).sort_values(["product_id", "start"], na_position="first")
        return cls(tuple((pid, None if pd.isna(day) else str(pd.Timestamp(day).date()), float(value))
                         for pid, day, value in rows.itertuples(index=False)))

    def frame(self) -> pd.DataFrame:
        """product_id, valid_from (NaT: throughout), list_price."""
        out = pd.DataFrame(list(self.items), columns=["product_id", "valid_from", "list_price"])
        out["valid_from"] = pd.to_datetime(out["valid_from"]).astype("datetime64[us]")
        return out

    def __len__(self) -> int:
        return len(self.items)


def _list_prices(keys: pd.DataFrame, price_list: PriceList | None) -> np.ndarray:
    """The listed price in force for each (product_id, period) row of ``keys`` (NaN: none):
    the latest entry valid at the period's start, or the product's undated entry."""
    out = np.full(len(keys), np.nan)
    if price_list is None or not len(price_list):
        return out
    table = price_list.frame()
    undated = table[table["valid_from"].isna()].drop_duplicates("product_id").set_index("product_id")["list_price"]
    out[:] = undated.reindex(keys["product_id"].astype(str)).to_numpy()
    dated = table[table["valid_from"].notna()].sort_values("valid_from")
    if len(dated):
        left = pd.DataFrame({"product_id": keys["product_id"].astype(str).to_numpy(),
                             "period": keys["period"].astype("datetime64[us]").to_numpy(), "row": np.arange(len(keys))})
        found = pd.merge_asof(left.sort_values("period"), dated, left_on="period", right_on="valid_from",
                              by="product_id", direction="backward")
        hit = found["list_price"].notna().to_numpy()
        out[found["row"].to_numpy()[hit]] = found["list_price"].to_numpy()[hit]
    return out


def _fill_empty_periods(panel: pd.DataFrame, period: str) -> pd.DataFrame:
    """Every period of each product's selling life (first to last sale), the ones without a
    sale added with zero units at the shelf price in force.

    Why: demand is lowest where the price is highest, so the periods without a sale are mostly
    high-price periods; leaving them out keeps the very observations that show demand falling
    and pulls the elasticity toward zero (on a 4,000-customer demo every category by about a
    quarter). Nobody paid a price in such a period, so the shelf price is inferred: the last
    price paid before it, raised to the first price paid after it when that is higher (a
    promotion's price does not outlast the promotion; and when the shelf price changed during
    the empty stretch, no sale is likelier at the higher price). Before the first sale and
    after the last the product may not have been on sale at all, so those periods stay out.
    Controls (competitor prices ...) keep their last value; units per line are unknown (NaN).
    """
    calendar = pd.date_range(panel["period"].min(), panel["period"].max(), freq=FREQUENCIES[period])
    calendar = calendar.astype("datetime64[us]")
    codes, ids = pd.factorize(panel["product_id"])
    pos = calendar.get_indexer(panel["period"].astype("datetime64[us]"))
    first = np.full(len(ids), np.iinfo(np.int64).max)
    np.minimum.at(first, codes, pos)
    last = np.zeros(len(ids), dtype=np.int64)
    np.maximum.at(last, codes, pos)
    length = last - first + 1
    product = np.repeat(np.arange(len(ids)), length)
    offset = np.arange(len(product)) - np.repeat(np.cumsum(length) - length, length)
    slot = first[product] + offset
    where = np.full(len(product), -1)
    where[np.cumsum(length)[codes] - length[codes] + (pos - first[codes])] = np.arange(len(panel))
    observed = where >= 0
    first_row = np.zeros(len(ids), dtype=np.int64)
    first_row[codes[::-1]] = np.arange(len(panel))[::-1]  # (each product's first row: its name and category)
    out = panel.iloc[np.where(observed, where, first_row[product])].reset_index(drop=True)
    out["period"] = calendar[slot]
    out.loc[~observed, ["units", "revenue"]] = 0.0
    per_sale = [c for c in panel.columns if c not in ("product_id", "period", "units", "revenue", "price",
                                                      "product_name", "category")]
    out.loc[~observed, per_sale] = np.nan  # (controls and line sizes: unknown without a sale)
    paid = pd.Series(np.where(observed, out["price"].to_numpy(), np.nan))
    before = paid.groupby(product).ffill().to_numpy()
    after = paid.groupby(product).bfill().to_numpy()
    out["price"] = np.where(observed, out["price"].to_numpy(), np.fmax(before, after))
    controls = [c for c in per_sale if c != "mean_line_units"]
    if controls:  # (a competitor's price, like the shelf price, is the last one seen)
        out[controls] = out[controls].groupby(product).ffill()
    out["empty"] = ~observed
    return out


def _quantity_schedules(panel: pd.DataFrame) -> pd.Series:
    """Which products' unit price falls as the line quantity rises within a period (a wholesale
    quantity-discount schedule), from the panel's per-period line statistics.

    A product-period with at least two prices and two quantities (``multi``) carries the
    correlation of line quantity and unit price (``qty_price_corr``); a product has a schedule
    when at least ``SCHEDULE_SHARE`` of those periods (and ``MIN_SCHEDULE_PERIODS``) show a
    correlation below ``SCHEDULE_CORR``.

    Returns
    -------
    Series
        product_id -> bool, one entry per product of the panel.
    """
    multi = panel["multi"].to_numpy(dtype=bool)
    falling = multi & (panel["qty_price_corr"].to_numpy(dtype=float) < SCHEDULE_CORR)
    counts = pd.DataFrame({"multi": multi, "falling": falling}).groupby(panel["product_id"].to_numpy()).sum()
    return (counts["falling"] >= MIN_SCHEDULE_PERIODS) & (counts["falling"] >= SCHEDULE_SHARE * counts["multi"])


def price_panel(transactions: SalesSource, period: str = "W", controls: list[str] | None = None,
                price_list: PriceList | None = None, empty_periods: bool = True) -> pd.DataFrame:
    """One row per product and period with units sold and the price in force, the lines summed
    in the source's engine.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Order lines (``product_id``, ``order_date``, ``quantity``, ``unit_price``; ``category``,
        ``product_name`` and ``is_return`` used when present). Returns and zero prices are left
        out: they say nothing about what a shopper pays.
    period : {'W', 'M', 'D'}
        Weeks (Monday start), calendar months or days.
    controls : list of str, optional
        Extra numeric columns (e.g. competitor prices) averaged per product and period.
    price_list : PriceList, optional
        The shelf prices set, each with the date it holds from (promotions included): the price
        wherever the list has one, in periods without a sale and instead of the average price paid
        (which, under a quantity-discount schedule, tells the order sizes rather than the price).
    empty_periods : bool
        Add the periods of each product's selling life without a sale (zero units at the shelf
        price in force: see ``_fill_empty_periods``). False gives the periods with sales only
        (the model before 2026-12; kept to compare).

    Returns
    -------
    DataFrame
        product_id, product_name, category, period, units, revenue, price (the price the model
        uses), paid_price (units-weighted average price paid; NaN without a sale), empty (no sale
        that period), price_source ('paid', 'shelf': inferred for an empty period, 'price_list'),
        mean_line_units (units per sales line), quantity_schedule (the product's price falls with
        the line quantity: ``_quantity_schedules``, from the lines of each period) and the
        controls, sorted by product and period. A product's name and category are the ones most of its sales lines carry
        (``promo_core.engine.product_labels``; "All products" without a category).
    """
    if period not in PERIODS:
        raise DataError(Message("pricing.error.period", period=str(period)))
    missing = [c for c in ("product_id", "order_date", "quantity", "unit_price") if c not in transactions.columns]
    if missing:
        raise DataError(Message("pricing.error.missing_columns", columns=tuple(missing)))
    controls = list(controls or [])
    absent = [c for c in controls if c not in transactions.columns]
    if absent:
        raise DataError(Message("pricing.error.controls_absent", columns=tuple(absent)))
    sales = sales_table(transactions, ["product_id", "order_date", "quantity", "unit_price"],
                        optional=["is_return", "category", "product_name"], extra=controls)
    sale = (sales.quantity > 0) & (sales.unit_price > 0) & sales.product_id.notnull() & sales.order_date.notnull()
    if "is_return" in sales.columns:
        sale &= ~sales.is_return.fill_null(False)
    lines = sales.filter(sale)
    numbers = {c: lines[c] if lines[c].type().is_numeric() else lines[c].try_cast("float64") for c in controls}
    found = fetch(lines.aggregate(lines=lines.count(), **{f"c{i}": v.count() for i, v in enumerate(numbers.values())}))
    if not found["lines"][0]:
        raise DataError(Message("pricing.error.no_priced_lines"))
    for i, col in enumerate(controls):
        if not found[f"c{i}"][0]:
            raise DataError(Message("pricing.error.control_not_numeric", column=str(col)))
    units, price = lines.quantity.cast("float64"), lines.unit_price.cast("float64")
    panel = lines.group_by("product_id", period=lines.order_date.truncate(period)).aggregate(  # (weeks: Mondays)
        units=exact_sum(lines.quantity), revenue=exact_sum(units * price), n_lines=lines.count(),
        multi=(price.max() > price.min()) & (units.max() > units.min()), qty_price_corr=units.corr(price, how="pop"),
        **{c: v.cast("float64").mean() for c, v in numbers.items()})
    panel = fetch(panel.order_by(["product_id", "period"]))
    panel["period"] = panel["period"].astype("datetime64[us]")
    panel["price"] = panel["revenue"] / panel["units"]
    panel["mean_line_units"] = panel["units"] / panel.pop("n_lines")
    labels = product_labels(lines, ["product_name", "category"]).reindex(columns=["product_name", "category"])
    labels["product_name"] = labels["product_name"].fillna(labels.index.to_series()).astype("str")
    labels["category"] = labels["category"].fillna("All products").astype("str")
    panel = panel.join(labels, on="product_id")
    schedules = _quantity_schedules(panel)
    panel = panel[["product_id", "product_name", "category", "period", "units", "revenue", "price",
                   "mean_line_units", *controls]]
    if empty_periods:
        panel = _fill_empty_periods(panel, period)
    else:
        panel["empty"] = False
    panel["paid_price"] = panel["price"].where(~panel["empty"])
    panel["quantity_schedule"] = schedules.reindex(panel["product_id"]).to_numpy(dtype=bool)
    listed = _list_prices(panel, price_list)
    use_list = np.isfinite(listed)
    panel["price_source"] = np.select([use_list, panel["empty"].to_numpy()], ["price_list", "shelf"], "paid")
    panel["price"] = np.where(use_list, listed, panel["price"].to_numpy())
    return panel[["product_id", "product_name", "category", "period", "units", "revenue", "price", "paid_price",
                  "empty", "price_source", "mean_line_units", "quantity_schedule", *controls]]


# =============================================================================================
# The demand model
# =============================================================================================
@dataclass(frozen=True)
class DemandModel:
    """A fitted demand model: the panel it was fitted on and the estimates at both levels.

    Attributes
    ----------
    period : str
        'W', 'M' or 'D'.
    controls : list of str
        Control columns used (as logs when all positive).
    panel : DataFrame
        The product x period panel with ``log_price``, ``fitted`` (expected units) and
        ``time_offset`` (log expected units minus the category's price effect: the product,
        time and control effects, which product-level fits take as given).
    categories : DataFrame
        One row per category (see ``elasticities``).
    products : DataFrame
        One row per product (see ``elasticities``).
    """

    period: str
    controls: list
    panel: pd.DataFrame
    categories: pd.DataFrame
    products: pd.DataFrame


def _interval(est, se, df):
    q = stats.t.ppf(0.95, df)
    return est - q * se, est + q * se


def _price_changes(panel: pd.DataFrame, key: str) -> pd.Series:
    """Number of periods whose price differs by more than 2% from the product's median price."""
    median = panel.groupby("product_id")["price"].transform("median")
    changed = (panel["price"] / median - 1).abs() > 0.02
    return changed.groupby(panel[key]).sum()


def _time_design(periods: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Trend and yearly seasonality (Fourier terms) for categories without per-period effects."""
    t = pd.to_datetime(periods)
    years = ((t - t.min()).dt.days / 365.25).to_numpy()
    span = years.max() if len(years) else 0.0
    cols, names = [years - years.mean()], ["trend"]
    if span >= 0.9:
        day = (t.dt.dayofyear / 365.25).to_numpy()
        for k in range(1, 3 if span >= 1.9 else 2):
            cols += [np.sin(2 * np.pi * k * day), np.cos(2 * np.pi * k * day)]
            names += [f"sin{k}", f"cos{k}"]
    return np.column_stack(cols), names


def _flags(est, width, n_periods, n_changes, estimated, min_periods, caveats, data_problems=None):
    """(flag, reliable, reason) per row: the first problem found names the flag; the reason
    lists them all (``pricing.reasons``: a message of the flags' messages). ``data_problems``:
    per row, problems of the data behind the estimate (a list of (flag, values)): named first
    when there is an estimate, after the reason there is none otherwise."""
    flags, reasons = [], []
    for i in range(len(est)):
        problems = []
        if not estimated[i]:
            if n_changes[i] == 0:
                problems.append(("constant_price", {}))
            elif n_periods[i] < min_periods:
                problems.append(("few_periods", {"n": int(n_periods[i]), "min": min_periods}))
            else:
                problems.append(("not_identified", {}))
        else:
            if n_periods[i] < min_periods:
                problems.append(("few_periods", {"n": int(n_periods[i]), "min": min_periods}))
            if n_changes[i] < MIN_PRICE_CHANGES:
                problems.append(("little_variation", {"k": int(n_changes[i])}))
            if est[i] > 0:
                problems.append(("positive", {"e": est[i]}))
            elif est[i] < IMPLAUSIBLE_BELOW:
                problems.append(("implausible", {"e": est[i]}))
            if width[i] > 2 * Z90 * MAX_SE:
                problems.append(("uncertain", {"w": width[i]}))
        if data_problems is not None:  # (what undermines an estimate comes first; what prevents one, before it)
            problems[0 if estimated[i] else len(problems):0 if estimated[i] else len(problems)] = data_problems[i]
        flags.append(problems[0][0] if problems else "ok")
        notes = [flag_message(code, **vals) for code, vals in problems] or [flag_message("ok")]
        if caveats is not None and caveats[i]:
            notes.append(caveats[i])
        reasons.append(Message("pricing.reasons", parts=tuple(notes)))
    flags = np.array(flags, dtype=object)
    return flags, flags == "ok", np.array(reasons, dtype=object)


def _within_corr(a: np.ndarray, b: np.ndarray, entity: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, the correlation of ``a`` and ``b`` within entities (each demeaned by its
    entity's mean): does b move with a over time, products' levels aside? NaN without variation."""
    n_ent = int(entity.max()) + 1 if len(entity) else 0
    count = np.maximum(np.bincount(entity, minlength=n_ent), 1)
    da = a - (np.bincount(entity, a, minlength=n_ent) / count)[entity]
    db = b - (np.bincount(entity, b, minlength=n_ent) / count)[entity]
    cross = np.bincount(group, da * db, minlength=n_groups)
    norm = np.sqrt(np.bincount(group, da * da, minlength=n_groups) * np.bincount(group, db * db, minlength=n_groups))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norm > 1e-12, cross / norm, np.nan)


def _data_problems(panel: pd.DataFrame, key: str, keys: list) -> tuple[pd.DataFrame, list]:
    """What the panel's make-up says about each category (or product) of ``keys`` before any fit.

    Returns
    -------
    (DataFrame, list)
        Indexed by ``keys``: empty_share (periods without a sale, their price inferred),
        schedule_share (units of products whose price falls with the line quantity),
        schedule_products, price_follows_size (within-product correlation over the periods with
        sales of log price and log units per line); and per key the problems found:
        ``("quantity_schedule", ...)`` when the schedule products matter and the price still
        follows the size of the orders (the estimate would describe the price list, not
        demand), ``("many_empty", ...)`` (categories) when more than ``EMPTY_FRAGILE`` of the
        periods had no sale.
    """
    codes = pd.Categorical(panel[key], categories=keys).codes.astype(np.int64)
    n = len(keys)
    empty = panel["empty"].to_numpy(dtype=bool)
    units = panel["units"].to_numpy(dtype=float)
    schedule = panel["quantity_schedule"].to_numpy(dtype=bool)
    total_units = np.bincount(codes, units, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        schedule_share = np.where(total_units > 0, np.bincount(codes, units * schedule, minlength=n) / total_units, 0.0)
    sold = ~empty & (panel["mean_line_units"].to_numpy(dtype=float) > 0)
    entity = pd.factorize(panel["product_id"].to_numpy()[sold])[0]
    follows = _within_corr(np.log(panel["mean_line_units"].to_numpy(dtype=float)[sold]),
                           np.log(panel["price"].to_numpy(dtype=float)[sold]), entity, codes[sold], n)
    stats_ = pd.DataFrame({
        "empty_share": np.bincount(codes, empty, minlength=n) / np.maximum(np.bincount(codes, minlength=n), 1),
        "schedule_share": schedule_share,
        "schedule_products": panel.loc[schedule].groupby(codes[schedule])["product_id"].nunique().reindex(
            range(n), fill_value=0).to_numpy(),
        "price_follows_size": follows}, index=pd.Index(keys, name=key))
    problems = []
    for row in stats_.itertuples():
        found = []
        if row.schedule_share >= SCHEDULE_UNITS and row.price_follows_size <= SCHEDULE_TIED:
            found.append(("quantity_schedule", {"products": int(row.schedule_products), "share": row.schedule_share,
                                                "r": row.price_follows_size}))
        if key == "category" and row.empty_share > EMPTY_FRAGILE:
            found.append(("many_empty", {"share": row.empty_share}))
        problems.append(found)
    return stats_, problems


def fit_demand(transactions: SalesSource, period: str = "W", controls: list[str] | None = None,
               time_effects: str = "auto", min_periods: int = MIN_PERIODS, price_list: PriceList | None = None,
               empty_periods: bool = True) -> DemandModel:
    """Fit the demand model at category and product level.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Order lines (see ``price_panel``, which sums them in their engine).
    period : {'W', 'M', 'D'}
        Aggregation period.
    controls : list of str, optional
        Numeric columns to control for (competitor prices, freight, ...), as logs when positive.
    time_effects : {'auto', 'period', 'trend'}
        'period': one effect per category and period (absorbs any seasonality and trend; needs
        several products per period); 'trend': linear trend plus yearly seasonality; 'auto': per
        category, 'period' when at least 5 products sell in a typical period, else 'trend'.
    min_periods : int
        Fewer periods with sales than this makes an estimate unreliable.
    price_list : PriceList, optional
        Shelf prices set (see ``price_panel``).
    empty_periods : bool
        Fit on the periods without a sale too (zero units at the shelf price in force); False
        fits on periods with sales only, as before 2026-12 (biased toward zero; kept to compare).

    Returns
    -------
    DemandModel
    """
    if time_effects not in ("auto", "period", "trend"):
        raise DataError(Message("pricing.error.time_effects"))
    controls = list(controls or [])
    panel = price_panel(transactions, period, controls, price_list, empty_periods)
    panel = panel.sort_values(["category", "product_id", "period"], ignore_index=True)
    panel["log_price"] = np.log(panel["price"])
    control_cols = []
    for col in controls:
        values = panel[col]
        if values.isna().any():
            values = values.fillna(panel.groupby("product_id")[col].transform("mean")).fillna(values.mean())
        values = np.log(values) if (values > 0).all() else values
        panel[f"ctl_{col}"] = values
        control_cols.append(f"ctl_{col}")
    categories = sorted(panel["category"].unique())
    cat_code = pd.Categorical(panel["category"], categories=categories).codes.astype(np.int64)
    prod_code = pd.factorize(panel["product_id"])[0]
    sold = panel[~panel["empty"]]  # (products selling in a typical period; periods with sales)
    per_period = sold.groupby(["category", "period"]).size().groupby("category").median()
    n_periods_cat = sold.groupby("category")["period"].nunique()
    if time_effects == "auto":
        use_fe = (per_period >= 5) & (n_periods_cat >= min_periods)
    else:
        use_fe = pd.Series(time_effects == "period", index=per_period.index)
    use_fe = use_fe.reindex(categories).to_numpy()
    trend_x, trend_names = _time_design(panel["period"])

    n = len(panel)
    coef = np.full(len(categories), np.nan)
    se = np.full(len(categories), np.nan)
    df = np.ones(len(categories))
    clustered = np.zeros(len(categories), dtype=bool)
    r2 = np.full(len(categories), np.nan)
    naive = np.full(len(categories), np.nan)
    controls_used = np.full(len(categories), "", dtype=object)
    fitted = np.full(n, np.nan)
    for fe_mode in (True, False):
        cats = np.flatnonzero(use_fe == fe_mode)
        if len(cats) == 0:
            continue
        rows = np.flatnonzero(np.isin(cat_code, cats))
        group = np.searchsorted(cats, cat_code[rows])
        x = panel[["log_price", *control_cols]].to_numpy(dtype=float)[rows]
        if fe_mode:
            period_code = pd.factorize(panel["period"].to_numpy()[rows])[0]
            time = pd.factorize(cat_code[rows] * (period_code.max() + 1) + period_code)[0]
        else:
            time = None
            x = np.column_stack([x, trend_x[rows]])
        entity = pd.factorize(prod_code[rows])[0]
        model = PPMLFixedEffects().fit(x, panel["units"].to_numpy()[rows], entity, time, group)
        # no estimate without at least two degrees of freedom left over: the fit would be exact
        supported = model.resid_df_ >= 2
        coef[cats] = np.where(supported, model.coef_[:, 0], np.nan)
        se[cats] = np.where(supported, np.sqrt(model.vcov_[:, 0, 0]), np.nan)
        df[cats] = model.df_
        clustered[cats] = model.clustered_
        controls_used[cats] = [", ".join(c for c, u in zip(controls, used[1:1 + len(controls)]) if u)
                               for used in model.used_]
        with np.errstate(invalid="ignore", divide="ignore"):
            r2[cats] = 1 - model.deviance_ / model.null_deviance_
        fitted[rows] = model.fitted_
        # the naive pooled fit: the same model without product effects (one intercept per category)
        naive_model = PPMLFixedEffects().fit(x, panel["units"].to_numpy()[rows], group, time, group)
        naive[cats] = naive_model.coef_[:, 0]
    panel["fitted"] = fitted
    cat_coef = pd.Series(coef, index=categories)
    panel["time_offset"] = np.log(panel["fitted"]) - cat_coef.reindex(panel["category"]).to_numpy() * panel["log_price"]

    grp = panel.groupby("category")
    n_products = grp["product_id"].nunique().reindex(categories).to_numpy()
    n_changes = _price_changes(panel, "category").reindex(categories).to_numpy()
    n_periods = n_periods_cat.reindex(categories).to_numpy()
    estimated = np.isfinite(coef)
    low, high = _interval(coef, se, df)
    caveat = np.where(estimated & ~clustered,
                      [flag_message("few_products", g=int(g)) for g in n_products], None)
    make_up, problems = _data_problems(panel, "category", categories)
    flag, reliable, reason = _flags(coef, high - low, n_periods, n_changes, estimated, min_periods, caveat, problems)
    cat_table = pd.DataFrame({
        "category": categories, "elasticity": coef, "se": se, "ci_low": low, "ci_high": high,
        "n_periods": n_periods.astype(np.int64), "n_products": n_products.astype(np.int64),
        "n_obs": grp.size().reindex(categories).to_numpy().astype(np.int64),
        "n_empty": grp["empty"].sum().reindex(categories).to_numpy().astype(np.int64),
        "empty_share": make_up["empty_share"].to_numpy(), "schedule_share": make_up["schedule_share"].to_numpy(),
        "schedule_products": make_up["schedule_products"].to_numpy().astype(np.int64),
        "price_follows_size": make_up["price_follows_size"].to_numpy(),
        "n_price_changes": n_changes.astype(np.int64), "r2": r2,
        "elasticity_naive": naive, "time_effects": np.where(use_fe, "period", "+".join(trend_names)), "controls_used": controls_used,
        "clustered_se": clustered, "reliable": reliable, "flag": flag, "reason": reason,
        "data_reason": [Message("pricing.reasons", parts=tuple(flag_message(code, **vals) for code, vals in found))
                        if found else None for found in problems],
    })
    products = _product_estimates(panel, cat_table, min_periods)
    return DemandModel(period=period, controls=controls, panel=panel, categories=cat_table, products=products)


def _product_estimates(panel: pd.DataFrame, categories: pd.DataFrame, min_periods: int) -> pd.DataFrame:
    """Each product's own elasticity (given its category's time effects and controls), then
    partially pooled toward the category by empirical Bayes (DerSimonian-Laird spread)."""
    codes, ids = pd.factorize(panel["product_id"])
    n_prod = len(ids)
    y = panel["units"].to_numpy(dtype=float)
    x = panel["log_price"].to_numpy(dtype=float)
    offset = panel["time_offset"].to_numpy(dtype=float)
    count = np.bincount(codes, minlength=n_prod)
    xc = x - (np.bincount(codes, x, minlength=n_prod) / count)[codes]
    price = panel["price"].to_numpy()
    spread = (pd.Series(price).groupby(codes).max() / pd.Series(price).groupby(codes).min() - 1).to_numpy()
    finite_offset = np.bincount(codes, ~np.isfinite(offset), minlength=n_prod) == 0
    n_sold = np.bincount(codes, ~panel["empty"].to_numpy(dtype=bool), minlength=n_prod)
    estimable = (n_sold >= 3) & (spread > 0.005) & finite_offset
    cat_of = panel.groupby(codes)["category"].first().to_numpy()
    cat_est = categories.set_index("category")
    beta_c = cat_est["elasticity"].reindex(cat_of).to_numpy()
    se_c = cat_est["se"].reindex(cat_of).to_numpy()
    off = np.where(np.isfinite(offset), offset, 0.0)
    a = np.log(np.bincount(codes, y, minlength=n_prod) / np.maximum(np.bincount(codes, np.exp(off), minlength=n_prod),
                                                                     1e-300))
    b = np.where(np.isfinite(beta_c), beta_c, -1.0)
    a[~estimable], b[~estimable] = 0.0, 0.0
    for _ in range(100):
        mu = np.exp(np.clip(off + a[codes] + b[codes] * xc, -50, 50))
        r = y - mu
        g0, g1 = np.bincount(codes, r, minlength=n_prod), np.bincount(codes, r * xc, minlength=n_prod)
        h00 = np.bincount(codes, mu, minlength=n_prod)
        h01 = np.bincount(codes, mu * xc, minlength=n_prod)
        h11 = np.bincount(codes, mu * xc * xc, minlength=n_prod)
        det = np.where(estimable, h00 * h11 - h01 ** 2, 1.0)
        da = np.clip((h11 * g0 - h01 * g1) / det, -5, 5)
        db = np.clip((h00 * g1 - h01 * g0) / det, -2, 2)
        da[~estimable], db[~estimable] = 0.0, 0.0
        a, b = a + da, b + db
        if np.abs(db).max() < 1e-9 and np.abs(da).max() < 1e-9:
            break
    mu = np.exp(np.clip(off + a[codes] + b[codes] * xc, -50, 50))
    r2 = r * r
    m00, m01 = np.bincount(codes, r2, minlength=n_prod), np.bincount(codes, r2 * xc, minlength=n_prod)
    m11 = np.bincount(codes, r2 * xc * xc, minlength=n_prod)
    v0, v1 = -h01 / det, h00 / det
    var_raw = (v0 ** 2 * m00 + 2 * v0 * v1 * m01 + v1 ** 2 * m11) * count / np.maximum(count - 2, 1)
    raw = np.where(estimable, b, np.nan)
    se_raw = np.where(estimable, np.sqrt(var_raw), np.nan)
    raw_low, raw_high = _interval(raw, se_raw, np.maximum(count - 2, 1))
    dev = np.bincount(codes, _poisson_deviance(y, mu, total=False), minlength=n_prod)
    mean_units = np.bincount(codes, y, minlength=n_prod) / count
    null_dev = np.bincount(codes, _poisson_deviance(y, mean_units[codes], total=False), minlength=n_prod)

    # empirical Bayes: prior N(category estimate, tau^2), tau^2 from the spread of the raw estimates
    pooled, se_pooled, pooling = np.full(n_prod, np.nan), np.full(n_prod, np.nan), np.full(n_prod, np.nan)
    usable = np.isfinite(raw) & np.isfinite(se_raw) & (se_raw > 0) & np.isfinite(beta_c)
    for cat in np.unique(cat_of):
        members = np.flatnonzero((cat_of == cat) & usable)
        if len(members) == 0:
            continue
        v = se_raw[members] ** 2
        if len(members) >= 3:
            w = 1 / v
            centre = np.sum(w * raw[members]) / w.sum()
            q = np.sum(w * (raw[members] - centre) ** 2)
            tau2 = max(0.0, (q - (len(members) - 1)) / (w.sum() - np.sum(w ** 2) / w.sum()))
            weight = tau2 / (tau2 + v)
        else:  # too few products to learn how much they differ: each keeps its own estimate
            weight = np.ones(len(members))
        pooled[members] = weight * raw[members] + (1 - weight) * beta_c[members]
        se_pooled[members] = np.sqrt(weight * v + (1 - weight) ** 2 * se_c[members] ** 2)
        pooling[members] = 1 - weight
    changes = _price_changes(panel, "product_id").reindex(ids).to_numpy()
    _, problems = _data_problems(panel, "product_id", list(ids))
    flag, reliable, reason = _flags(raw, raw_high - raw_low, n_sold, changes, estimable, min_periods, None, problems)
    last = panel.groupby(codes).agg(product_name=("product_name", "first"), last_price=("price", "last"),
                                   last_period=("period", "last"))
    with np.errstate(invalid="ignore", divide="ignore"):
        product_r2 = np.where(estimable, 1 - dev / null_dev, np.nan)
    return pd.DataFrame({
        "product_id": np.asarray(ids, dtype=object), "product_name": last["product_name"].to_numpy(),
        "category": cat_of, "elasticity": pooled, "se": se_pooled,
        "ci_low": pooled - Z90 * se_pooled, "ci_high": pooled + Z90 * se_pooled,
        "elasticity_raw": raw, "se_raw": se_raw, "raw_ci_low": raw_low, "raw_ci_high": raw_high,
        "category_elasticity": beta_c, "pooling": pooling, "n_periods": n_sold.astype(np.int64),
        "n_empty": (count - n_sold).astype(np.int64),
        "n_price_changes": changes.astype(np.int64), "r2": product_r2, "mean_units": mean_units,
        "last_price": last["last_price"].to_numpy(), "reliable": reliable, "flag": flag, "reason": reason,
    })


def elasticities(transactions: SalesSource, level: str = "category", period: str = "W",
                 controls: list[str] | None = None, time_effects: str = "auto", min_periods: int = MIN_PERIODS,
                 price_list: PriceList | None = None) -> pd.DataFrame:
    """Own-price elasticity per category or product, with its uncertainty and a reliability flag.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Order lines (``product_id``, ``order_date``, ``quantity``, ``unit_price``,
        optionally ``category``) plus any control columns.
    level : {'category', 'product'}
        One row per category, or per product (partially pooled toward its category).
    period : {'W', 'M', 'D'}
        Aggregation period.
    controls : list of str, optional
        Numeric columns to control for, e.g. competitor prices.
    time_effects : {'auto', 'period', 'trend'}
        See ``fit_demand``.
    min_periods : int
        Fewer periods with sales than this makes an estimate unreliable.
    price_list : PriceList, optional
        Shelf prices set (see ``price_panel``).

    Returns
    -------
    DataFrame
        Category level: category, elasticity, se, ci_low, ci_high (90%), n_periods, n_products,
        n_obs (product-periods fitted), n_empty (of them, periods without a sale), empty_share,
        schedule_share (units of products whose price falls with the line quantity),
        schedule_products, price_follows_size (within-product correlation of log price and log
        units per line), n_price_changes, r2 (deviance R²), elasticity_naive (the same fit without product
        effects, to show the cross-product confound), time_effects, controls_used (controls with
        variation of their own there), clustered_se, reliable, flag, reason, data_reason (the
        problems of the data behind the estimate, a quantity schedule or many periods without a
        sale, as a Message; None without). Product level: product_id, product_name, category,
        elasticity (partially pooled),
        se, ci_low, ci_high, elasticity_raw, se_raw, raw_ci_low, raw_ci_high,
        category_elasticity, pooling (the category's weight in the pooled estimate), n_periods
        (with sales), n_empty, n_price_changes, r2, mean_units, last_price, reliable, flag, reason.
    """
    if level not in ("category", "product"):
        raise DataError(Message("pricing.error.level"))
    model = fit_demand(transactions, period, controls, time_effects, min_periods, price_list)
    return model.categories if level == "category" else model.products


# =============================================================================================
# Profit-optimal prices
# =============================================================================================
@dataclass(frozen=True)
class PriceRules:
    """The manager's pricing rules.

    Attributes
    ----------
    max_change : float
        Largest allowed move from the current price, as a share (0.10 = +-10%).
    min_margin : float
        Smallest allowed gross margin (price - cost) / price, as a share.
    endings : tuple of float
        Allowed price endings in cents as a share of one unit (0.99, 0.49); empty = any cent.
    """

    max_change: float = 0.10
    min_margin: float = 0.0
    endings: tuple = (0.99,)

    def __post_init__(self):
        if not 0 < self.max_change <= 1:
            raise DataError(Message("pricing.error.max_change"))
        if not 0 <= self.min_margin < 1:
            raise DataError(Message("pricing.error.min_margin"))
        if any(not 0 <= e < 1 for e in self.endings):
            raise DataError(Message("pricing.error.endings"))


def _candidate_prices(current: float, cost: float, elasticity: float, rules: PriceRules) -> np.ndarray:
    """Prices the rules allow for one product: the current price (when its margin is allowed),
    every price with an allowed ending inside the band, or without endings the band's ends and
    the unconstrained optimum clipped into the band."""
    low, high = current * (1 - rules.max_change), current * (1 + rules.max_change)
    floor = cost / (1 - rules.min_margin) if np.isfinite(cost) else 0.0
    if rules.endings:
        whole = np.arange(math.floor(low) - 1, math.ceil(high) + 1)
        cands = (whole[:, None] + np.asarray(rules.endings)[None, :]).ravel()
    else:
        best = cost * elasticity / (1 + elasticity) if elasticity < -1 and np.isfinite(cost) else high
        cands = np.round([low, high, min(max(best, low), high)], 2)
    cands = cands[(cands >= low - 1e-9) & (cands <= high + 1e-9)]
    cands = np.append(cands, current)
    return np.unique(cands[cands >= floor - 1e-9])


def optimise_prices(items: pd.DataFrame, rules: PriceRules = PriceRules(), n_draws: int = 400,
                    random_state: int = 0) -> pd.DataFrame:
    """The profit-maximising allowed price for each item on its constant-elasticity demand curve.

    Expected profit at price p is ``(p - cost) * units * E[(p / current) ** elasticity]`` with
    the elasticity ~ Normal(estimate, se), so an uncertain elasticity argues for smaller moves.
    Units, revenue and profit at the chosen price get 90% intervals by simulation over the
    elasticity and the baseline's own sampling noise.

    Parameters
    ----------
    items : DataFrame
        id, current_price, unit_cost, elasticity, se, base_units (units per period at the
        current price) and base_total (units the baseline was measured on, for its noise).
    rules : PriceRules
        Maximum change, minimum margin and price endings.
    n_draws : int
        Simulation draws for the intervals.
    random_state : int
        Seed for the draws.

    Returns
    -------
    DataFrame
        id, recommended_price, change_pct, units_current, units_new, units_low, units_high,
        revenue_current, revenue_new, revenue_low, revenue_high, profit_current, profit_new,
        profit_low, profit_high, profit_change, prob_profit_up, binding, status, note.
    """
    rng = np.random.default_rng(random_state)
    rows = []
    for item in items.itertuples(index=False):
        p0, cost, beta, se, q0 = item.current_price, item.unit_cost, item.elasticity, item.se, item.base_units
        base = {"id": item.id, "units_current": q0, "revenue_current": q0 * p0,
                "profit_current": q0 * (p0 - cost) if np.isfinite(cost) else np.nan}
        if not (np.isfinite(beta) and np.isfinite(se)):
            rows.append({**base, "status": "not_estimated",
                         "note": Message("pricing.note.not_estimated")})
            continue
        if beta >= 0:
            rows.append({**base, "status": "not_estimated",
                         "note": Message("pricing.note.not_negative")})
            continue
        if not np.isfinite(cost):
            rows.append({**base, "status": "no_cost",
                         "note": Message("pricing.note.no_cost")})
            continue
        cands = _candidate_prices(p0, cost, beta, rules)
        if len(cands) == 0:
            rows.append({**base, "status": "infeasible",
                         "note": Message("pricing.note.infeasible_endings" if rules.endings
                                         else "pricing.note.infeasible", max_change=rules.max_change,
                                         min_margin=rules.min_margin)})
            continue
        r = np.log(cands / p0)
        expected = (cands - cost) * q0 * np.exp(beta * r + 0.5 * se ** 2 * r ** 2)
        best = cands[np.argmax(expected)]
        draws_beta = rng.normal(beta, se, n_draws)
        noise = rng.normal(0, 1 / math.sqrt(max(item.base_total, 1)), n_draws)
        q_base = q0 * np.exp(noise)
        units = q_base * (best / p0) ** draws_beta
        profit_new, profit_old = units * (best - cost), q_base * (p0 - cost)
        low_bound, high_bound = p0 * (1 - rules.max_change), p0 * (1 + rules.max_change)
        floor = cost / (1 - rules.min_margin)
        unconstrained = cost * beta / (1 + beta) if beta < -1 else np.inf  # the textbook markup rule
        if unconstrained > high_bound:
            binding = "max_increase"
        elif unconstrained < max(low_bound, floor):
            binding = "min_margin" if floor >= low_bound else "max_decrease"
        else:
            binding = "none"
        if len(cands) == 1:
            binding = "endings"
        status = "keep" if abs(best - p0) < 0.005 else "change"
        rows.append({**base, "recommended_price": best, "change_pct": best / p0 - 1,
                     "units_new": float(np.mean(units)), "units_low": np.quantile(units, 0.05),
                     "units_high": np.quantile(units, 0.95), "revenue_new": float(np.mean(units)) * best,
                     "revenue_low": np.quantile(units, 0.05) * best, "revenue_high": np.quantile(units, 0.95) * best,
                     "profit_new": float(np.mean(profit_new)), "profit_low": np.quantile(profit_new, 0.05),
                     "profit_high": np.quantile(profit_new, 0.95),
                     "profit_change": float(np.mean(profit_new - profit_old)),
                     "prob_profit_up": float(np.mean(profit_new > profit_old)) if status == "change" else np.nan,
                     "binding": binding, "status": status,
                     "note": _price_note(status, binding, best, p0)})
    out = pd.DataFrame(rows)
    cols = ["id", "recommended_price", "change_pct", "units_current", "units_new", "units_low", "units_high",
            "revenue_current", "revenue_new", "revenue_low", "revenue_high", "profit_current", "profit_new",
            "profit_low", "profit_high", "profit_change", "prob_profit_up", "binding", "status", "note"]
    return out.reindex(columns=cols)


def _price_note(status: str, binding: str, best: float, current: float) -> Message:
    """Why a product gets its price: ``pricing.note.<status>`` with the rule that binds (a code of
    ``binding``) and the direction (``raise`` / ``lower``)."""
    if binding == "endings":
        return Message("pricing.note.endings")
    if status == "keep":
        return Message("pricing.note.keep") if binding == "none" else Message("pricing.note.keep_limited",
                                                                              limit=Message(f"pricing.limit.{binding}"))
    direction = "raise" if best > current else "lower"
    if binding == "none":
        return Message(f"pricing.note.{direction}")
    return Message(f"pricing.note.{direction}_limited", limit=Message(f"pricing.limit.{binding}"))


def current_prices(model: DemandModel, recent_periods: int = 8) -> pd.DataFrame:
    """Each product's current (regular) price and its baseline units per period at that price.

    The current price is the median over the product's last ``recent_periods`` periods, so one
    promotion week does not pass for the regular price; baseline units re-price each recent
    period to the current price with the product's elasticity.
    """
    panel = model.panel.sort_values(["product_id", "period"])
    recent = panel.groupby("product_id", sort=False).tail(recent_periods)
    est = model.products.set_index("product_id")
    beta = est["elasticity"].fillna(est["category_elasticity"]).fillna(0.0)
    current = recent.groupby("product_id")["price"].median().round(2)
    factor = (current.reindex(recent["product_id"]).to_numpy() / recent["price"].to_numpy()) ** \
        beta.reindex(recent["product_id"]).to_numpy()
    base = (recent["units"] * factor).groupby(recent["product_id"]).mean()
    return pd.DataFrame({"product_id": current.index, "current_price": current.to_numpy(),
                         "base_units": base.reindex(current.index).to_numpy(),
                         "base_total": recent.groupby("product_id")["units"].sum().reindex(current.index).to_numpy(),
                         "last_period": recent.groupby("product_id")["period"].max().reindex(current.index).to_numpy()})


@dataclass(frozen=True)
class UnitCostList:
    """Known unit costs, product id -> cost of one unit (from a products table or a cost file).

    Why a tuple and not a table: the costs are part of an analysis' settings
    (``analyses.pricing.Params``), which a cache keys on, so they must be hashable and compare by
    value.
    """

    items: tuple  # ((product_id, unit_cost), ...) in the order given

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> "UnitCostList":
        """From a table with product_id and unit_cost (other columns are ignored). A product's first
        row counts; a cost that is not a number is left out (so two lists of the same costs are
        equal: NaN equals nothing)."""
        if not {"product_id", "unit_cost"} <= set(frame.columns):
            raise DataError(Message("pricing.error.products_columns", columns=tuple(map(str, frame.columns))))
        costs = pd.Series(pd.to_numeric(frame["unit_cost"], errors="coerce").astype(float).to_numpy(),
                          index=frame["product_id"].astype(str).to_numpy())
        costs = costs[~costs.index.duplicated()].dropna()
        return cls(tuple(zip(costs.index, costs.tolist())))

    def frame(self) -> pd.DataFrame:
        """product_id, unit_cost (what ``unit_costs`` reads)."""
        return pd.DataFrame(list(self.items), columns=["product_id", "unit_cost"])

    def __len__(self) -> int:
        return len(self.items)


def unit_costs(model: DemandModel, products: pd.DataFrame | None = None, margin: float | None = None,
               recent_periods: int = 8) -> pd.DataFrame:
    """Unit cost per product: from a products table (``product_id``, ``unit_cost``) where it has
    one, else from an assumed gross margin on the current price, else unknown (NaN).

    Returns
    -------
    DataFrame
        product_id, unit_cost, cost_source ('products table', 'margin assumption' or 'unknown').
    """
    prices = current_prices(model, recent_periods).set_index("product_id")["current_price"]
    cost = pd.Series(np.nan, index=prices.index)
    source = pd.Series("unknown", index=prices.index, dtype=object)
    if products is not None and len(products):
        if not {"product_id", "unit_cost"} <= set(products.columns):
            raise DataError(Message("pricing.error.products_columns", columns=tuple(map(str, products.columns))))
        given = pd.to_numeric(products["unit_cost"], errors="coerce")
        given.index = products["product_id"].astype(str)
        given = given[~given.index.duplicated()].reindex(prices.index)
        ok = given.notna() & (given >= 0)
        cost[ok], source[ok] = given[ok], "products table"
    if margin is not None:
        if not 0 <= margin < 1:
            raise DataError(Message("pricing.error.margin"))
        fill = cost.isna()
        cost[fill], source[fill] = (prices * (1 - margin))[fill].round(4), "margin assumption"
    return pd.DataFrame({"product_id": prices.index, "unit_cost": cost.to_numpy(), "cost_source": source.to_numpy()})


def optimal_prices(model: DemandModel, costs: pd.DataFrame, rules: PriceRules = PriceRules(),
                   recent_periods: int = 8, n_draws: int = 400, random_state: int = 0,
                   ) -> pd.DataFrame:
    """Profit-optimal price per product under the rules, with projected units, revenue and profit.

    Parameters
    ----------
    model : DemandModel
        From ``fit_demand``; the product-level (partially pooled) elasticities are used.
    costs : DataFrame
        product_id, unit_cost, cost_source (see ``unit_costs``).
    rules : PriceRules
        Maximum change, minimum margin, price endings.
    recent_periods : int
        Periods that define the current price and baseline units.
    n_draws : int
        Simulation draws for the intervals.
    random_state : int
        Seed.

    Returns
    -------
    DataFrame
        One row per product: product_id, product_name, category, current_price, unit_cost,
        cost_source, elasticity, elasticity_se, reliable, then the columns of
        ``optimise_prices`` (all money and units per period).
    """
    base = current_prices(model, recent_periods)
    est = model.products[["product_id", "product_name", "category", "elasticity", "se", "reliable"]]
    items = base.merge(est, on="product_id").merge(costs, on="product_id", how="left")
    items["id"] = items["product_id"]
    result = optimise_prices(items, rules, n_draws, random_state)
    shaky = (~items["reliable"].to_numpy(dtype=bool)) & result["status"].isin(["change", "keep"]).to_numpy()
    result.loc[shaky, "note"] = [Message("pricing.note.shaky", note=note) for note in result.loc[shaky, "note"]]
    out = items[["product_id", "product_name", "category", "current_price", "unit_cost", "cost_source",
                 "elasticity", "se", "reliable"]].rename(columns={"se": "elasticity_se"})
    return pd.concat([out.reset_index(drop=True), result.drop(columns="id")], axis=1)


def demand_curve(current_price: float, unit_cost: float, elasticity: float, se: float, base_units: float,
                 base_total: float = 1e6, width: float = 0.3, n_points: int = 61, n_draws: int = 400,
                 random_state: int = 0) -> pd.DataFrame:
    """Units, revenue and profit per period across prices around the current one, with 90% bands
    from the elasticity's uncertainty (for the demand/profit chart).

    Returns
    -------
    DataFrame
        price, units, units_low, units_high, revenue, profit, profit_low, profit_high.
    """
    if not (current_price > 0 and np.isfinite(elasticity)):
        raise DataError(Message("pricing.error.demand_curve"))
    rng = np.random.default_rng(random_state)
    prices = np.linspace(current_price * (1 - width), current_price * (1 + width), n_points)
    draws = rng.normal(elasticity, se if np.isfinite(se) else 0.0, n_draws)
    q_base = base_units * np.exp(rng.normal(0, 1 / math.sqrt(max(base_total, 1)), n_draws))
    units = q_base[:, None] * (prices[None, :] / current_price) ** draws[:, None]
    profit = units * (prices[None, :] - unit_cost)
    return pd.DataFrame({
        "price": prices, "units": units.mean(axis=0), "units_low": np.quantile(units, 0.05, axis=0),
        "units_high": np.quantile(units, 0.95, axis=0), "revenue": units.mean(axis=0) * prices,
        "profit": profit.mean(axis=0), "profit_low": np.quantile(profit, 0.05, axis=0),
        "profit_high": np.quantile(profit, 0.95, axis=0)})


_COST_HEADERS = {
    "product_id": ["productid", "sku", "stockcode", "itemid", "itemcode", "productcode", "商品编码", "商品id", "货号", "sku编码"],
    "unit_cost": ["unitcost", "cost", "costprice", "purchaseprice", "cogs", "单位成本", "成本", "进价", "成本价"],
}


def _money(values: pd.Series) -> pd.Series:
    """Amounts as typed in a file ("£1,234.50", "¥ 12") as numbers; NaN where there is none."""
    return pd.to_numeric(values.astype(str).str.replace(r"[£$€¥￥,\s]", "", regex=True), errors="coerce")


@dataclass(frozen=True)
class CostFile:
    """Unit costs read from a file: ``costs`` (product_id, unit_cost) and ``rejected`` (line,
    product_id, value, reason) for rows whose cost could not be used."""

    costs: pd.DataFrame
    rejected: pd.DataFrame


def read_unit_costs(source) -> CostFile:
    """Read a products file with unit costs (CSV in any common delimiter and encoding, .xlsx or Parquet).

    The product column may be called product_id, SKU, StockCode, 商品编码 ...; the cost column
    unit_cost, cost, COGS, 成本 ... Rows whose cost is empty, not a number or negative are
    reported, not guessed.

    Returns
    -------
    CostFile
        ``costs``: product_id, unit_cost (one row per product; the first row wins for
        duplicates); ``rejected``: the unusable rows with their file line and reason.
    """
    from promo_core.io import normalise_header, quarantine_messages, read_table

    table = read_table(source, text=True)  # (the one reader of files: any dialect, encoding, .xlsx or Parquet)
    frame, name = table.data, table.file
    norm = {c: normalise_header(c) for c in frame.columns}
    found = {}
    for role, names in _COST_HEADERS.items():
        found[role] = next((c for n in names for c, v in norm.items() if v == n), None)
    if found["product_id"] is None or found["unit_cost"] is None:
        raise DataError(Message("pricing.error.cost_file_columns", file=name, columns=tuple(map(str, frame.columns))))
    cost = _money(frame[found["unit_cost"]])
    if (cost.isna() | (cost < 0)).all():
        raise DataError(Message("pricing.error.cost_file_no_costs", file=name, column=str(found["unit_cost"])))
    ids = frame[found["product_id"]].fillna("").astype(str).str.strip()
    reason = np.select([ids.eq("").to_numpy(), cost.isna().to_numpy(), (cost < 0).to_numpy()],
                       ["product is empty", "cost is not a number", "cost is negative"], "")
    keep = reason == ""
    costs = pd.DataFrame({"product_id": ids[keep], "unit_cost": cost[keep]}).drop_duplicates("product_id")
    rejected = pd.DataFrame({"line": np.flatnonzero(~keep) + 2, "product_id": ids[~keep].to_numpy(),
                             "value": frame[found["unit_cost"]][~keep].to_numpy(), "reason": reason[~keep]})
    if len(table.quarantine):  # lines the reader could not split into the header's columns
        unreadable = quarantine_messages(table.quarantine).rename(columns={"row": "line"}).assign(product_id=None,
                                                                                                  value=None)
        rejected = pd.concat([rejected, unreadable[rejected.columns]], ignore_index=True)
    return CostFile(costs=costs.reset_index(drop=True), rejected=rejected)


_PRICE_LIST_HEADERS = {
    "product_id": _COST_HEADERS["product_id"],
    "list_price": ["listprice", "price", "shelfprice", "regularprice", "rrp", "标价", "价格", "零售价", "吊牌价"],
    "valid_from": ["validfrom", "date", "from", "startdate", "effectivedate", "生效日期", "日期", "开始日期"],
}


def read_price_list(source) -> PriceList:
    """Read a price list file (CSV in any common delimiter and encoding, .xlsx or Parquet): a
    product column (product_id, SKU, StockCode, 商品编码 ...), a price column (list_price, price,
    RRP, 标价 ...) and optionally the date the price holds from (valid_from, date, 生效日期 ...;
    without it each price holds throughout).

    Raises
    ------
    DataError
        When the product or price column cannot be found, naming the columns the file has.
    """
    from promo_core.io import normalise_header, read_table

    frame = read_table(source, text=True).data
    norm = {c: normalise_header(c) for c in frame.columns}
    found = {role: next((c for n in names for c, v in norm.items() if v == n), None)
             for role, names in _PRICE_LIST_HEADERS.items()}
    if found["product_id"] is None or found["list_price"] is None:
        raise DataError(Message("pricing.error.price_list_columns", columns=tuple(map(str, frame.columns))))
    table = pd.DataFrame({role: frame[col] for role, col in found.items() if col is not None})
    table["list_price"] = _money(table["list_price"])
    table["product_id"] = table["product_id"].astype(str).str.strip()
    return PriceList.from_frame(table)
