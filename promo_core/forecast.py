"""Weekly demand forecasts per product, category or store, with a rolling-origin backtest,
prediction intervals and the uplift of a planned promotion.

Three forecasters, each a small estimator over a weeks x series table of units:

* ``SeasonalNaive`` — this week last year (the benchmark every other model must beat);
* ``HoltWinters`` — damped-trend, multiplicative-season exponential smoothing, fitted to many series
  at once by a vectorised grid search (statsmodels fits one series at a time, ~30 ms each, too slow
  for 500 products x several backtest origins; a test proves the recursion equals statsmodels');
* ``GradientBoostingForecaster`` — one scikit-learn ``HistGradientBoostingRegressor`` pooled over
  all series, on calendar, price and promotion features, predicting demand relative to each
  series' recent level.

For intermittent demand (a series selling in fewer than one week in ``INTERMITTENT_ADI``), the
backtest also runs ``Croston``, its Syntetos-Boylan correction and ``TSB``.

``forecast_demand`` runs them, backtests them from several origins (MASE, sMAPE, bias, each against
seasonal naive), sets prediction intervals from the backtest errors, and applies a planned
promotion through its price elasticity: ``uplift = (1 - discount) ** elasticity - 1``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from promo_core.dates import order_span
from promo_core.engine import SalesSource, exact_sum, fetch, product_labels, sales_table
from promo_core.errors import DataError
from promo_core.text import Message

LEVELS = ("product", "category", "store", "total")
MODELS = ("seasonal_naive", "holt_winters", "gradient_boosting")
INTERMITTENT_MODELS = ("croston", "croston_sba", "tsb")  # join the backtest when a series is intermittent
INTERMITTENT_ADI = 1.32  # weeks per sale above which demand is intermittent (Syntetos, Boylan & Croston 2005)
PROMO_THRESHOLD = 0.95  # a week sold at under 95 % of the regular price counts as promoted


# ------------------------------------------------------------------------------------------------
# Weekly demand
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WeeklyDemand:
    """Units sold per week and series, with the price and promotion features of those weeks.

    Attributes
    ----------
    units : DataFrame
        Index: week start (Mondays, complete weeks only); one column per series; units sold.
    price_ratio : DataFrame
        Same shape: average price paid / regular price (1 = full price; unit-weighted for groups).
    promo_share : DataFrame
        Same shape: share of the week's units sold at least 5 % below the regular price.
    level : str
        ``"product"``, ``"category"``, ``"store"`` or ``"total"``.
    labels : Series
        Series key -> display name (product name, category, store id, "All").
    """

    units: pd.DataFrame
    price_ratio: pd.DataFrame
    promo_share: pd.DataFrame
    level: str
    labels: pd.Series


_SERIES_KEY = {"product": "product_id", "category": "category", "store": "store_id", "total": None}


def _complete_weeks(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    """The Mondays of the weeks that lie wholly between the days of ``first`` and ``last``."""
    first, last = first.normalize(), last.normalize()
    start = first - pd.Timedelta(days=first.dayofweek)
    if first > start:
        start += pd.Timedelta(days=7)
    end = last - pd.Timedelta(days=last.dayofweek)  # Monday of the last week
    if last < end + pd.Timedelta(days=6):
        end -= pd.Timedelta(days=7)
    return pd.date_range(start, end, freq="7D") if end >= start else pd.DatetimeIndex([])


def _sales_lines(sales: ir.Table, key: str | None = None) -> ir.Table:
    """The lines that are demand: sold (quantity > 0), with a series key, exact duplicates left out."""
    return sales.filter(sales.quantity > 0, *([sales[key].notnull()] if key else []),
                        *([~sales.is_duplicate] if "is_duplicate" in sales.columns else []))


def sales_weeks(tx: SalesSource) -> pd.DatetimeIndex:
    """The Mondays of the complete weeks of sales a forecast of the whole business learns from
    (its forecast starts the week after the last)."""
    sales = sales_table(tx, ["order_date", "quantity"], optional=["is_duplicate"])
    span = order_span(_sales_lines(sales))
    return _complete_weeks(span.first, span.last) if span.lines else pd.DatetimeIndex([])


def weekly_demand(tx: SalesSource, level: str = "product") -> WeeklyDemand:
    """Weekly units sold per product, category, store or in total, summed in the source's engine.

    Sales lines (quantity > 0, exact duplicates left out) are counted in complete Monday-to-Sunday
    weeks; returns are not demand. A product's regular price is the running median of its weekly
    average price over the 9 weeks with sales that end with this one (trailing, never looking ahead),
    so a one-week promotion stands out and a permanent change is absorbed within about 5 weeks.

    Parameters
    ----------
    tx : DataFrame or ibis.Table
        Order lines (see ``promo_core.engine.sales_table``): order_date, product_id, quantity,
        unit_price; category or store_id for those levels; ``is_duplicate`` and product_name used
        when present.
    level : {"product", "category", "store", "total"}

    Returns
    -------
    WeeklyDemand
        A product series is labelled with the product's most common name
        (``promo_core.engine.product_labels``).
    """
    if level not in LEVELS:
        raise DataError(Message("forecast.error.level", level=level, levels=list(LEVELS)))
    key = _SERIES_KEY[level]
    sales = sales_table(tx, ["order_date", "product_id", "quantity", "unit_price"],
                        optional=[c for c in (key, "product_name", "is_duplicate") if c])
    if key is not None:
        # (all lines, not only sales: with every line a return, the next message says so)
        if key not in sales.columns or not fetch(sales.aggregate(n=sales[key].count()))["n"][0]:
            raise DataError(Message("forecast.error.no_key", what=Message(f"forecast.key.{level}"), level=level))
    lines = _sales_lines(sales, key)
    span = order_span(lines)
    if not span.lines:
        raise DataError(Message("forecast.error.no_sales"))
    weeks = _complete_weeks(span.first, span.last)
    if len(weeks) < 12:
        raise DataError(Message("forecast.error.few_weeks", weeks=len(weeks)))
    per_series = fetch(_weekly_units(lines, key, weeks[0], weeks[-1])).set_index(["week", "series"])
    units = per_series["units"].unstack(fill_value=0.0).reindex(weeks, fill_value=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        price_ratio = (per_series["ratio_units"] / per_series["units"]).unstack().reindex(weeks).fillna(1.0)
        promo_share = (per_series["promo_units"] / per_series["units"]).unstack().reindex(weeks).fillna(0.0)
    units.index.name = price_ratio.index.name = promo_share.index.name = "week"
    cols = units.columns
    labels = pd.Series(cols.astype(str), index=cols)
    if level == "product" and "product_name" in lines.columns:
        labels = product_labels(lines)["product_name"].reindex(cols).fillna(labels).rename(None)
    return WeeklyDemand(units=units, price_ratio=price_ratio[cols], promo_share=promo_share[cols], level=level,
                        labels=labels)


def _weekly_units(lines: ir.Table, key: str | None, first_week: pd.Timestamp, last_week: pd.Timestamp) -> ir.Table:
    """Per week and series: ``units``, ``promo_units`` (sold at under ``PROMO_THRESHOLD`` of the
    product's regular price) and ``ratio_units`` (units times their price ratio), from the
    complete weeks ``first_week`` to ``last_week``."""
    lines = lines.mutate(week=lines.order_date.truncate("W"),  # (Mondays)
                         series=lines[key] if key else ibis.literal("All"))
    lines = lines.filter(lines.week >= first_week, lines.week <= last_week)
    sold = lines.quantity.cast("float64")
    products = lines.group_by(["product_id", "week"]).aggregate(
        units=exact_sum(lines.quantity), revenue=exact_sum(sold * lines.unit_price.cast("float64")).fill_null(0.0))
    price = products.revenue / products.units
    # trailing: a week's regular price uses no later week's price, so a backtest fold's features
    # hold nothing from after its cut
    regular = price.median().over(ibis.window(group_by="product_id", order_by="week", preceding=8, following=0))
    products = products.mutate(ratio=ibis.ifelse(regular > 0, price / regular, 1.0))
    cells = lines.group_by(["week", "series", "product_id"]).aggregate(units=exact_sum(lines.quantity))
    cells = cells.join(products.select("product_id", "week", "ratio"), ["product_id", "week"])
    return cells.group_by(["week", "series"]).aggregate(
        units=exact_sum(cells.units),
        promo_units=exact_sum(cells.units, where=cells.ratio < PROMO_THRESHOLD).fill_null(0.0),
        ratio_units=exact_sum(cells.units * cells.ratio))


def _future_weeks(index: pd.DatetimeIndex, horizon: int) -> pd.DatetimeIndex:
    return pd.date_range(index[-1] + pd.Timedelta(days=7), periods=horizon, freq="7D")


# ------------------------------------------------------------------------------------------------
# Forecasters
# ------------------------------------------------------------------------------------------------
class SeasonalNaive:
    """Every future week repeats the same week one season earlier.

    Parameters
    ----------
    season_length : int, default 52
        Weeks per season (1 = last week's value, the plain naive forecast).
    """

    def __init__(self, season_length: int = 52):
        self.season_length = season_length

    def fit(self, units: pd.DataFrame, exog: dict | None = None) -> "SeasonalNaive":
        """Remember the last season of every series."""
        if len(units) < self.season_length:
            raise DataError(Message("forecast.error.naive_history", needed=self.season_length, weeks=len(units)))
        self.last_season_ = units.iloc[-self.season_length:].to_numpy(float)
        self.index_ = units.index
        self.columns_ = units.columns
        return self

    def predict(self, horizon: int, exog: dict | None = None) -> pd.DataFrame:
        """Forecast ``horizon`` weeks: a weeks x series table."""
        rows = np.arange(horizon) % self.season_length
        return pd.DataFrame(self.last_season_[rows], index=_future_weeks(self.index_, horizon), columns=self.columns_)


class HoltWinters:
    """Holt-Winters exponential smoothing (additive damped trend, multiplicative seasons) for many
    series at once.

    Each series gets the smoothing parameters from a grid that minimise its one-step-ahead squared
    error. Initial states from one season: level = its mean, trend = 0, seasonal indices = its
    ratios to the mean, shrunk toward the ratios of all series together (a series selling
    ``pool_strength`` units a week gets half its own shape, half the group's), which keeps noise
    in slow sellers from being mistaken for seasonality. With two seasons or more, level, trend
    and season come from a classical decomposition (a line through the centred moving average).

    Parameters
    ----------
    season_length : int, default 52
        Weeks per season; 1 gives Holt's damped trend without seasons.
    pool_strength : float, default 20.0
        Weekly units at which a series' own seasonal shape and the group's weigh the same.
    alphas, betas, gammas, phis : sequence of float
        The grid of level, trend and season smoothing weights and trend damping factors.

    References
    ----------
    Hyndman & Athanasopoulos (2021), Forecasting: Principles and Practice, 3rd ed., section 8.3.
    Gardner & McKenzie (1985), Forecasting trends in time series, Management Science 31, 1237-1246.
    """

    def __init__(self, season_length: int = 52, pool_strength: float = 20.0,
                 alphas=(0.05, 0.1, 0.2, 0.35, 0.5), betas=(0.0, 0.05, 0.15), gammas=(0.0, 0.1, 0.3),
                 phis=(0.9, 0.98, 1.0)):
        self.season_length = season_length
        self.pool_strength = pool_strength
        self.alphas = alphas
        self.betas = betas
        self.gammas = gammas
        self.phis = phis

    def initial_states(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Initial level (S,), trend (S,) and seasonal indices (S, m) of series in columns of ``y`` (T, S)."""
        m = self.season_length
        if len(y) < m + 2:
            raise DataError(Message("forecast.error.hw_history", needed=m + 2, weeks=len(y)))
        if m == 1:
            n = min(len(y), 13)
            slope, intercept = np.polynomial.polynomial.polyfit(np.arange(n), y[:n], 1)[::-1]
            return intercept, slope, np.ones((y.shape[1], 1))
        if len(y) >= 2 * m:
            # classical decomposition: a line through the centred 2 x m moving average, and each
            # week's average ratio to that line
            kernel = np.r_[0.5, np.ones(m - 1), 0.5] / m
            ma = np.apply_along_axis(lambda col: np.convolve(col, kernel, mode="valid"), 0, y)
            t_ma = np.arange(len(ma)) + m / 2
            slope, intercept = np.polynomial.polynomial.polyfit(t_ma, ma, 1)[::-1]
            line = intercept[None, :] + slope[None, :] * np.arange(len(y))[:, None]
            ratio = np.divide(y, line, out=np.ones_like(y), where=line > 0)
            n_full = len(y) // m * m
            level, trend, first = intercept, slope, ratio[:n_full].reshape(-1, m, y.shape[1]).mean(axis=0)
            own = (first / np.where(first.mean(axis=0) > 0, first.mean(axis=0), 1.0)).T
            pooled_src = y[:n_full].reshape(-1, m, y.shape[1]).sum(axis=(0, 2))
        else:
            # one season: its mean is the level, its shape the season; the trend cannot be told apart
            first = y[:m]
            level, trend = first.mean(axis=0), np.zeros(y.shape[1])
            own = np.divide(first, level, out=np.ones_like(first), where=level > 0).T
            pooled_src = first.sum(axis=1)
        pooled = pooled_src / pooled_src.mean() if pooled_src.mean() > 0 else np.ones(m)
        weight = (np.maximum(level, 0) / (np.maximum(level, 0) + self.pool_strength))[:, None]
        return level, trend, weight * own + (1 - weight) * pooled[None, :]

    @staticmethod
    def filter(y: np.ndarray, alpha, beta, gamma, phi, level0, trend0, season0):
        """Run the smoothing recursion.

        ``y`` is (T, S); parameters and initial level/trend broadcast to a common shape B that ends
        in S (e.g. (G, S) for G parameter sets); ``season0`` is (..., S, m).

        Returns
        -------
        fitted : ndarray (T, *B)
            One-step-ahead forecasts.
        level, trend : ndarray B
            Final states.
        season : ndarray (*B, m)
            The final season of indices, oldest first (``season[..., k]`` applies k+1 weeks ahead).
        """
        return HoltWinters._recursion(y, alpha, beta, gamma, phi, level0, trend0, season0, keep_fitted=True)

    @staticmethod
    def _recursion(y: np.ndarray, alpha, beta, gamma, phi, level0, trend0, season0, keep_fitted: bool):
        """``filter``, or with ``keep_fitted`` False the sum of squared one-step errors (shape B)
        in place of the fitted values.

        Why: the grid search runs 135 parameter sets for every series (5,000 products: 675,000
        recursions at once), where keeping every fitted value took (T, 135, S) floats (0.8 GB for
        three years) and a season of indices stored last made each week's update read and write
        with a stride of m. Here the seasons are stored week-first (each week's indices
        contiguous), the parameters' complements are computed once, and the squared errors are
        added week by week, in the order ``sum(axis=0)`` adds them: every number is the one of
        the plain recursion (same operations in the same order).
        """
        level0, trend0 = np.asarray(level0, float), np.asarray(trend0, float)
        shape = np.broadcast_shapes(np.shape(alpha), np.shape(beta), np.shape(gamma), np.shape(phi), level0.shape)
        m = season0.shape[-1]
        level = np.broadcast_to(level0, shape).astype(float)
        trend = np.broadcast_to(trend0, shape).astype(float)
        season = np.array(np.moveaxis(np.broadcast_to(season0, shape + (m,)), -1, 0), dtype=float, order="C")
        keep_alpha, damped_keep, keep_gamma = 1 - alpha, (1 - beta) * phi, 1 - gamma
        fitted = np.empty((len(y),) + shape) if keep_fitted else None
        sse = np.zeros(shape)
        for t in range(len(y)):
            k = t % m
            base = level + phi * trend
            s_old = season[k]
            step = base * s_old
            if keep_fitted:
                fitted[t] = step
            else:
                step -= y[t]
                step **= 2
                sse += step
            safe_s = np.where(np.abs(s_old) > 1e-9, s_old, 1e-9)
            new_level = alpha * y[t] / safe_s + keep_alpha * base
            trend = beta * (new_level - level) + damped_keep * trend
            season[k] = gamma * y[t] / np.where(np.abs(base) > 1e-9, base, 1e-9) + keep_gamma * s_old
            level = new_level
        shift = len(y) % m
        return (fitted if keep_fitted else sse), level, trend, np.roll(np.moveaxis(season, 0, -1), -shift, axis=-1)

    def fit(self, units: pd.DataFrame, exog: dict | None = None) -> "HoltWinters":
        """Pick each series' smoothing parameters on the grid and keep its final states (the grid is
        searched on the squared errors alone; the chosen parameters' recursion is run again for
        the fitted values and states)."""
        y = units.to_numpy(float)
        level0, trend0, season0 = self.initial_states(y)
        grid = np.array(np.meshgrid(self.alphas, self.betas, self.gammas if self.season_length > 1 else (0.0,),
                                    self.phis, indexing="ij")).reshape(4, -1)
        a, b, g, p = (grid[i][:, None] for i in range(4))
        sse, _, _, _ = self._recursion(y, a, b, g, p, level0[None, :], trend0[None, :], season0[None],
                                       keep_fitted=False)  # (G, S)
        best = np.argmin(sse, axis=0)
        self.alpha_, self.beta_, self.gamma_, self.phi_ = (grid[i][best] for i in range(4))
        fitted, self.level_, self.trend_, self.season_ = self.filter(y, self.alpha_, self.beta_, self.gamma_,
                                                                     self.phi_, level0, trend0, season0)
        self.fitted_ = pd.DataFrame(fitted, index=units.index, columns=units.columns)
        self.index_, self.columns_ = units.index, units.columns
        return self

    def predict(self, horizon: int, exog: dict | None = None) -> pd.DataFrame:
        """Forecast ``horizon`` weeks: (level + damped trend) x seasonal index, never below zero."""
        h = np.arange(1, horizon + 1)[:, None]
        damp = np.cumsum(self.phi_[None, :] ** h, axis=0)
        m = self.season_length
        seasonal = self.season_[:, (h[:, 0] - 1) % m].T
        values = (self.level_[None, :] + damp * self.trend_[None, :]) * seasonal
        return pd.DataFrame(np.maximum(values, 0.0), index=_future_weeks(self.index_, horizon), columns=self.columns_)


class GradientBoostingForecaster:
    """A gradient-boosted tree model pooled over all series, predicting each week's demand as a
    multiple of the series' recent level from calendar, price and promotion features.

    The level is the mean of the 13 weeks that end ``horizon`` weeks before the target week, so
    every forecast up to ``horizon`` weeks ahead uses only data known at the forecast origin.
    Features: ISO week and month, the price paid relative to the regular price, the share of units
    on promotion, the level itself (log), and last year's ratio for the same week.

    Parameters
    ----------
    horizon : int
        The furthest week ahead the model will be asked for.
    season_length : int, default 52
        Lag of the "same week last year" feature (1 disables it).
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf : see ``HistGradientBoostingRegressor``.
    random_state : int, default 0

    References
    ----------
    Ke et al. (2017), LightGBM: a highly efficient gradient boosting decision tree, NeurIPS.
    Makridakis, Spiliotis & Assimakopoulos (2022), M5 accuracy competition, IJF 38, 1346-1364.
    """

    WINDOW = 13

    def __init__(self, horizon: int, season_length: int = 52, max_iter: int = 150, learning_rate: float = 0.08,
                 max_leaf_nodes: int = 31, min_samples_leaf: int = 20, random_state: int = 0):
        self.horizon = horizon
        self.season_length = season_length
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.random_state = random_state

    def _levels(self, y: np.ndarray, n_rows: int) -> np.ndarray:
        """Level for target rows 0..n_rows-1 (T', S): mean of y[t-h-13 : t-h+1), NaN where unknown."""
        w, h = self.WINDOW, self.horizon
        csum = np.vstack([np.zeros((1, y.shape[1])), np.cumsum(y, axis=0)])
        t = np.arange(n_rows)
        end = t - h + 1
        start = end - w
        ok = start >= 0
        lv = np.full((n_rows, y.shape[1]), np.nan)
        lv[ok] = (csum[np.minimum(end[ok], len(y))] - csum[start[ok]]) / w
        return lv

    def _features(self, weeks: pd.DatetimeIndex, y: np.ndarray, price: np.ndarray, promo: np.ndarray,
                  n_rows: int) -> tuple[np.ndarray, np.ndarray]:
        level = self._levels(y, n_rows)
        m = self.season_length
        last_year = np.full_like(level, np.nan)
        if m > 1 and n_rows > m:
            prev_level = level[:-m]
            with np.errstate(invalid="ignore", divide="ignore"):
                last_year[m:] = np.where(prev_level > 0, y[:n_rows - m] / prev_level, np.nan)
        iso = weeks.isocalendar().week.to_numpy(float)
        month = weeks.month.to_numpy(float)
        s = level.shape[1]
        feats = np.stack([np.repeat(iso[:, None], s, axis=1), np.repeat(month[:, None], s, axis=1),
                          price, promo, np.log1p(level), last_year], axis=-1)
        return feats, level

    def fit(self, units: pd.DataFrame, exog: dict | None = None) -> "GradientBoostingForecaster":
        """Train on every (series, week) whose level is known."""
        y = units.to_numpy(float)
        price, promo = self._exog(exog, units.shape)
        feats, level = self._features(units.index, y, price, promo, len(y))
        ok = np.isfinite(level) & (level > 0)
        if ok.sum() < 20:
            raise DataError(Message("forecast.error.gb_history", weeks=int(ok.sum())))
        self.model_ = HistGradientBoostingRegressor(
            max_iter=self.max_iter, learning_rate=self.learning_rate, max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf, early_stopping=False, random_state=self.random_state)
        X = feats[ok]
        self.used_features_ = np.isfinite(X).any(axis=0)  # e.g. no "last year" yet in a short history
        with threadpool_limits(1):  # OpenMP threads spin-wait and thrash on a small, busy machine
            self.model_.fit(X[:, self.used_features_], (y / np.where(ok, level, 1.0))[ok])
        self.history_, self.index_, self.columns_ = y, units.index, units.columns
        return self

    @staticmethod
    def _exog(exog: dict | None, shape) -> tuple[np.ndarray, np.ndarray]:
        if exog is None:
            return np.ones(shape), np.zeros(shape)
        return (np.asarray(exog["price_ratio"], float).reshape(shape),
                np.asarray(exog["promo_share"], float).reshape(shape))

    def predict(self, horizon: int, exog: dict | None = None) -> pd.DataFrame:
        """Forecast ``horizon`` (≤ the fitted ``horizon``) weeks; ``exog`` holds the planned
        ``price_ratio`` and ``promo_share`` of those weeks (default: regular price, no promotion)."""
        if horizon > self.horizon:
            raise ValueError(f"fitted for {self.horizon} weeks ahead, asked for {horizon}")
        s = self.history_.shape[1]
        weeks = _future_weeks(self.index_, horizon)
        price, promo = self._exog(exog, (horizon, s))
        t_all = len(self.history_) + horizon
        y_ext = np.vstack([self.history_, np.zeros((horizon, s))])
        price_ext = np.vstack([np.ones_like(self.history_), price])
        promo_ext = np.vstack([np.zeros_like(self.history_), promo])
        feats, level = self._features(self.index_.append(weeks), y_ext, price_ext, promo_ext, t_all)
        feats, level = feats[-horizon:], level[-horizon:]
        with threadpool_limits(1):
            ratio = self.model_.predict(feats.reshape(-1, feats.shape[-1])[:, self.used_features_]).reshape(horizon, s)
        values = np.maximum(ratio, 0.0) * np.nan_to_num(level, nan=0.0)
        return pd.DataFrame(values, index=weeks, columns=self.columns_)


def _demand_sizes(y: np.ndarray, alpha: float) -> np.ndarray:
    """Per series (columns of ``y``), the size of a sale smoothed over the weeks with a sale only:
    the first sale, then ``alpha x sale + (1 - alpha) x previous`` at each later one (NaN for a
    series without sales)."""
    size = np.full(y.shape[1], np.nan)
    for row in y:
        sold = row > 0
        size = np.where(sold & np.isnan(size), row, np.where(sold, alpha * row + (1 - alpha) * size, size))
    return size


class _ConstantRate:
    """A forecaster whose fit leaves one weekly rate per series (``rate_``), forecast for every week ahead."""

    def predict(self, horizon: int, exog: dict | None = None) -> pd.DataFrame:
        """The rate for every one of ``horizon`` weeks (a planned promotion is added later)."""
        return pd.DataFrame(np.repeat(self.rate_[None, :], horizon, axis=0),
                            index=_future_weeks(self.index_, horizon), columns=self.columns_)


class Croston(_ConstantRate):
    """Croston's method for intermittent demand, with the Syntetos-Boylan correction as an option.

    Smoothing the weekly units of a product that sells one week in three drags the forecast toward
    zero after every empty week and up after every sale. Croston smooths instead the size of a
    sale and the weeks between sales, each updated only when a sale happens, and forecasts their
    ratio, the same for every week ahead. Croston's ratio over-forecasts (the mean of a ratio is
    not the ratio of means); Syntetos and Boylan's approximation (SBA) multiplies it by
    ``1 - alpha / 2``. Initial states are the first sale and the weeks up to it, as statsforecast's
    ``CrostonClassic`` and ``CrostonSBA`` (a test checks the two agree); a series without sales
    forecasts zero.

    Parameters
    ----------
    alpha : float, default 0.1
        Smoothing weight of sale sizes and intervals.
    sba : bool, default False
        Apply the Syntetos-Boylan bias correction.

    References
    ----------
    Croston (1972), Forecasting and stock control for intermittent demands, ORQ 23, 289-303.
    Syntetos & Boylan (2005), The accuracy of intermittent demand estimates, IJF 21, 303-314.
    """

    def __init__(self, alpha: float = 0.1, sba: bool = False):
        self.alpha = alpha
        self.sba = sba

    def fit(self, units: pd.DataFrame, exog: dict | None = None) -> "Croston":
        """Smooth each series' sale sizes and the weeks between its sales."""
        y = units.to_numpy(float)
        a = self.alpha
        interval = np.full(y.shape[1], np.nan)
        since = np.zeros(y.shape[1])  # weeks since the last sale (or since the start), this one included
        for row in y:
            since += 1
            sold = row > 0
            interval = np.where(sold & np.isnan(interval), since,
                                np.where(sold, a * since + (1 - a) * interval, interval))
            since = np.where(sold, 0.0, since)
        rate = np.nan_to_num(_demand_sizes(y, a) / interval, nan=0.0)
        self.rate_ = rate * (1 - a / 2) if self.sba else rate
        self.index_, self.columns_ = units.index, units.columns
        return self


class TSB(_ConstantRate):
    """Teunter-Syntetos-Babai: intermittent demand as the chance of a sale times its size.

    The chance is smoothed every week (toward 0 in an empty week, toward 1 in a week with a sale),
    so a product that stops selling fades out of the forecast, where Croston keeps its last rate
    until the next sale; the size is smoothed over the weeks with a sale, as in Croston. Initial
    states are the first week's sale indicator and the first sale, as statsforecast's ``TSB`` (a
    test checks the two agree).

    Parameters
    ----------
    alpha_demand : float, default 0.1
        Smoothing weight of sale sizes.
    alpha_probability : float, default 0.1
        Smoothing weight of the weekly chance of a sale.

    References
    ----------
    Teunter, Syntetos & Babai (2011), Intermittent demand: linking forecasting to inventory
    obsolescence, EJOR 214, 606-615.
    """

    def __init__(self, alpha_demand: float = 0.1, alpha_probability: float = 0.1):
        self.alpha_demand = alpha_demand
        self.alpha_probability = alpha_probability

    def fit(self, units: pd.DataFrame, exog: dict | None = None) -> "TSB":
        """Smooth each series' weekly chance of a sale and its sale sizes."""
        y = units.to_numpy(float)
        b = self.alpha_probability
        chance = (y[0] > 0).astype(float)
        for row in y[1:]:
            chance = b * (row > 0) + (1 - b) * chance
        self.rate_ = np.nan_to_num(chance * _demand_sizes(y, self.alpha_demand), nan=0.0)
        self.index_, self.columns_ = units.index, units.columns
        return self


def average_demand_interval(units: pd.DataFrame) -> pd.Series:
    """Average weeks per sale of each series, counted from its first sale (ADI; infinite without
    sales). Above ``INTERMITTENT_ADI`` a series is intermittent (Syntetos, Boylan & Croston 2005)."""
    y = units.to_numpy(float)
    sold = y > 0
    first = np.where(sold.any(axis=0), sold.argmax(axis=0), len(y))
    with np.errstate(divide="ignore", invalid="ignore"):
        adi = (len(y) - first) / sold.sum(axis=0)
    return pd.Series(np.where(sold.any(axis=0), adi, np.inf), index=units.columns)


def make_model(name: str, horizon: int, season_length: int, random_state: int = 0):
    """A forecaster by name (one of ``MODELS``)."""
    if name == "seasonal_naive":
        return SeasonalNaive(season_length)
    if name == "holt_winters":
        return HoltWinters(season_length)
    if name == "gradient_boosting":
        return GradientBoostingForecaster(horizon, season_length, random_state=random_state)
    if name in ("croston", "croston_sba"):
        return Croston(sba=name == "croston_sba")
    if name == "tsb":
        return TSB()
    raise ValueError(f"unknown model {name!r}; use one of {MODELS + INTERMITTENT_MODELS}")


# ------------------------------------------------------------------------------------------------
# Accuracy
# ------------------------------------------------------------------------------------------------
def mase_scale(units: np.ndarray, season_length: int) -> np.ndarray:
    """Mean absolute error of the in-sample seasonal naive forecast per series (the MASE denominator)."""
    m = season_length
    return np.abs(units[m:] - units[:-m]).mean(axis=0)


def smape(actual, forecast) -> np.ndarray:
    """Symmetric absolute percentage error per point, in % (0 where both are zero)."""
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    denom = np.abs(a) + np.abs(f)
    return np.divide(200 * np.abs(f - a), denom, out=np.zeros_like(denom), where=denom > 0)


# ------------------------------------------------------------------------------------------------
# Promotions
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Promotion:
    """A planned price promotion.

    Attributes
    ----------
    discount : float
        Share off the regular price (0.2 = 20 % off).
    start, end : Timestamp
        First and last day of the promotion (inclusive).
    elasticity : float
        Own-price elasticity of demand (negative: a lower price sells more).
    level : str
        What is promoted: ``"product"``, ``"category"`` or ``"all"`` (the whole range).
    target : str, optional
        The product id or category name (None for ``"all"``).
    """

    discount: float
    start: pd.Timestamp
    end: pd.Timestamp
    elasticity: float
    level: str = "all"
    target: str | None = None

    @property
    def lift(self) -> float:
        """Relative change in units while the promotion runs: ``(1 - discount) ** elasticity - 1``."""
        return (1 - self.discount) ** self.elasticity - 1

    @classmethod
    def from_scenario(cls, scenario: dict) -> "Promotion":
        """From the Pricing page's saved scenario (level, target, discount, start, end, elasticity).

        A discount above 1 is read as a percentage (20 -> 20 %).
        """
        try:
            discount = float(scenario["discount"])
            discount = discount / 100 if discount > 1 else discount
            level = str(scenario.get("level") or "all").lower()
            target = scenario.get("target")
            if level in ("store", "total", "all", "whole store", "overall"):
                level, target = "all", None
            return cls.build(discount, scenario["start"], scenario["end"], float(scenario["elasticity"]),
                             level, None if target is None else str(target))
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, DataError):
                raise
            raise DataError(Message("forecast.error.scenario", detail=str(exc))) from None

    @classmethod
    def build(cls, discount: float, start, end, elasticity: float, level: str = "all",
              target: str | None = None) -> "Promotion":
        """A validated promotion."""
        start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
        if not 0 < discount < 1:
            raise DataError(Message("forecast.error.discount", discount=discount))
        if end < start:
            raise DataError(Message("forecast.error.promotion_dates"))
        if not np.isfinite(elasticity):
            raise DataError(Message("forecast.error.elasticity"))
        if level not in ("product", "category", "all"):
            raise DataError(Message("forecast.error.promotion_level", level=level))
        if level != "all" and not target:
            raise DataError(Message("forecast.error.promotion_target"))
        return cls(discount=float(discount), start=start, end=end, elasticity=float(elasticity), level=level,
                   target=target)


def promotion_shares(tx: SalesSource, demand: WeeklyDemand, promotion: Promotion, weeks: int = 52) -> pd.Series:
    """Share of each series' units (over its last ``weeks`` weeks) that the promotion covers,
    summed in the source's engine.

    A category promotion covers all of that category's units in a category series, the products
    of that category in product series, and the category's share of each store's sales in store
    series.
    """
    cols = demand.units.columns
    if promotion.level == "all":
        return pd.Series(1.0, index=cols)
    column = "product_id" if promotion.level == "product" else "category"
    key = _SERIES_KEY[demand.level]
    sales = sales_table(tx, list(dict.fromkeys(c for c in ("order_date", "quantity", column, key) if c)))
    since = demand.units.index[-1] - pd.Timedelta(weeks=weeks - 1)
    lines = sales.filter(sales.quantity > 0, sales.order_date >= since)
    lines = lines.mutate(series=lines[key] if key else ibis.literal("All"))
    covered = lines[column] == str(promotion.target)
    per = fetch(lines.group_by("series").aggregate(total=exact_sum(lines.quantity),
                                                   inside=exact_sum(lines.quantity, where=covered)))
    per = per.set_index("series").fillna({"inside": 0.0})
    share = (per["inside"] / per["total"].where(per["total"] > 0)).reindex(cols).fillna(0.0)
    return share.astype(float)


def promotion_multiplier(weeks: pd.DatetimeIndex, shares: pd.Series, promotion: Promotion) -> pd.DataFrame:
    """Demand multiplier per future week and series: 1 + share x (days of the week on promotion / 7) x lift."""
    days = np.array([len(pd.date_range(max(w, promotion.start), min(w + pd.Timedelta(days=6), promotion.end)))
                     if w <= promotion.end and w + pd.Timedelta(days=6) >= promotion.start else 0
                     for w in weeks], float)
    frac = days / 7
    return pd.DataFrame(1 + np.outer(frac, shares.to_numpy()) * promotion.lift, index=weeks, columns=shares.index)


# ------------------------------------------------------------------------------------------------
# Forecast + backtest
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ForecastResult:
    """Forecasts, their backtest and intervals.

    Attributes
    ----------
    demand : WeeklyDemand
        The history the models saw.
    forecast : DataFrame
        Long table: series, week, model, baseline (no promotion), forecast (with the promotion),
        lower, upper (the prediction interval of ``forecast``), uplift (forecast - baseline).
    backtest : DataFrame
        One row per model: mase, smape (%), bias (%; + = over-forecast), mase_vs_naive (MASE
        relative to seasonal naive; below 1 = better), beats_naive (share of series where the
        model's MASE is lower), n_series, n_forecasts.
    backtest_series : DataFrame
        series, model, mase, smape, bias, rmse (units a week) per series.
    errors : DataFrame
        Every backtest forecast: series, model, origin, step, week, actual, forecast.
    recommended : str
        The model with the lowest mean MASE in the backtest.
    season_length : int
        52, or 1 when the history is too short to learn yearly seasonality.
    horizon : int
    interval : float
        Nominal coverage of the prediction intervals (0.8 = 80 %).
    notes : list of Message
        What the reader should know about the forecast (catalogue messages).
    """

    demand: WeeklyDemand
    forecast: pd.DataFrame
    backtest: pd.DataFrame
    backtest_series: pd.DataFrame
    errors: pd.DataFrame
    recommended: str
    season_length: int
    horizon: int
    interval: float
    notes: list = field(default_factory=list)


def _origins(n_weeks: int, horizon: int, n_origins: int, step: int, min_train: int) -> list[int]:
    """Training lengths of the backtest folds, the latest first, each leaving ``horizon`` weeks to score."""
    return [o for o in (n_weeks - horizon - k * step for k in range(n_origins)) if o >= min_train]


def _interval_quantiles(scaled_abs: pd.DataFrame, horizon: int, interval: float) -> dict:
    """Per model: the ``interval`` quantile of |error| / scale at each step ahead (non-decreasing);
    steps with fewer than 30 errors share one quantile over all steps."""
    out = {}
    for model, g in scaled_abs.groupby("model"):
        by_step = g.groupby("step")["scaled"]
        if by_step.size().min() >= 30:
            q = by_step.quantile(interval).reindex(range(1, horizon + 1)).ffill().to_numpy()
        else:
            q = np.full(horizon, g["scaled"].quantile(interval))
        out[model] = np.maximum.accumulate(np.nan_to_num(q, nan=0.0))
    return out


def forecast_demand(tx: SalesSource, level: str = "product", horizon: int = 12, *, models=MODELS,
                    n_origins: int = 4, step: int = 4, interval: float = 0.8, season_length: int = 52,
                    promotion: Promotion | None = None, random_state: int = 0,
                    progress: Callable[[float, Message], None] | None = None) -> ForecastResult:
    """Forecast weekly demand with every model, backtest them, and add a planned promotion.

    Parameters
    ----------
    tx : DataFrame or ibis.Table
        Order lines (see ``weekly_demand``; their weekly sums are made in the source's engine).
    level : {"product", "category", "store", "total"}
    horizon : int
        Weeks to forecast (and to score in each backtest fold).
    models : sequence of str
        Any of ``MODELS``; seasonal naive is always run as the benchmark, and ``INTERMITTENT_MODELS``
        join when any series is intermittent (``average_demand_interval`` above ``INTERMITTENT_ADI``).
    n_origins, step : int
        Rolling-origin backtest: folds end 0, step, 2*step … weeks before the last week; each fold
        refits every model on the weeks before its origin and scores the next ``horizon`` weeks.
        A fold knows what a forecast made at its origin would know: the weeks before it, and for
        the weeks ahead the regular price and no promotion (the baseline; a planned promotion is
        added afterwards, by ``with_promotion``, to the forecast only).
    interval : float
        Coverage of the prediction intervals, set from the backtest's errors (0.8 = 80 %).
    season_length : int
        Weeks per season; falls back to 1 (no seasonality) when the history is shorter than a
        season plus the backtest.
    promotion : Promotion, optional
        A planned promotion; its uplift is added through the price elasticity.
    random_state : int
    progress : callable(fraction, message), optional
        Called as the work advances (for a progress bar), with a ``Message``.

    Returns
    -------
    ForecastResult
    """
    if not 1 <= horizon <= 52:
        raise DataError(Message("forecast.error.horizon"))
    if not 0.5 <= interval < 1:
        raise DataError(Message("forecast.error.interval"))
    report = progress or (lambda fraction, message: None)
    demand = weekly_demand(tx, level)
    units = demand.units
    n_weeks = len(units)
    notes: list[Message] = []
    m = season_length
    min_train = lambda m_: m_ + max(GradientBoostingForecaster.WINDOW, horizon)  # noqa: E731
    origins = _origins(n_weeks, horizon, n_origins, step, min_train(m))
    if not origins and m > 1:
        notes.append(Message("forecast.note.no_season", weeks=n_weeks, season=m, horizon=horizon,
                             needed=min_train(m) + horizon))
        m = 1
        origins = _origins(n_weeks, horizon, n_origins, step, min_train(m))
    if not origins:
        raise DataError(Message("forecast.error.backtest_history", weeks=n_weeks, horizon=horizon))
    if len(origins) < n_origins:
        notes.append(Message("forecast.note.origins", origins=len(origins), wanted=n_origins))
    exog_all = {"price_ratio": demand.price_ratio.to_numpy(float), "promo_share": demand.promo_share.to_numpy(float)}
    lineup = ["seasonal_naive"]
    shortest = min(origins)
    for model in (mo for mo in models if mo != "seasonal_naive"):
        try:  # a model that cannot learn from the shortest backtest fold is left out, with a note
            make_model(model, horizon, m, random_state).fit(units.iloc[:shortest],
                                                            {k: v[:shortest] for k, v in exog_all.items()})
            lineup.append(model)
        except DataError:
            notes.append(Message("forecast.note.left_out", model=Message(f"forecast_model.{model}")))
    intermittent = int((average_demand_interval(units) > INTERMITTENT_ADI).sum())
    if intermittent:
        lineup += [mo for mo in INTERMITTENT_MODELS if mo not in lineup]
        notes.append(Message("forecast.note.intermittent", series=intermittent, total=units.shape[1],
                             adi=INTERMITTENT_ADI))
    models = lineup
    y_all = units.to_numpy(float)
    n_steps = (len(origins) + 1) * len(models)
    done = 0
    rows = []
    for origin in origins:
        train = units.iloc[:origin]
        exog_train = {k: v[:origin] for k, v in exog_all.items()}
        scale = mase_scale(y_all[:origin], m)
        actual = y_all[origin:origin + horizon]
        for model in models:
            report(done / n_steps, Message("forecast.progress.backtest", model=Message(f"forecast_model.{model}"),
                                           week=origin))
            # the baseline, as the final forecast makes it: regular price and no promotion in the
            # weeks ahead (the realised ones are not known at the cut; a planned promotion is
            # added afterwards by ``with_promotion``, in both)
            pred = make_model(model, horizon, m, random_state).fit(train, exog_train).predict(horizon)
            done += 1
            rows.append(pd.DataFrame({
                "series": np.tile(units.columns.to_numpy(), horizon), "model": model, "origin": units.index[origin],
                "step": np.repeat(np.arange(1, horizon + 1), units.shape[1]),
                "week": np.repeat(units.index[origin:origin + horizon], units.shape[1]),
                "actual": actual.ravel(), "forecast": pred.to_numpy().ravel(),
                "scale": np.tile(scale, horizon)}))
    errors = pd.concat(rows, ignore_index=True)
    errors["error"] = errors["forecast"] - errors["actual"]
    errors["abs_scaled"] = np.abs(errors["error"]) / errors["scale"].where(errors["scale"] > 0)
    errors["smape"] = smape(errors["actual"], errors["forecast"])
    per_series = errors.groupby(["series", "model"], sort=False).agg(
        mase=("abs_scaled", "mean"), smape=("smape", "mean"), error=("error", "sum"), actual=("actual", "sum"),
        sq=("error", lambda e: float(np.sqrt(np.mean(np.square(e)))))).reset_index()
    per_series["bias"] = 100 * per_series["error"] / per_series["actual"].where(per_series["actual"] > 0)
    per_series = per_series.rename(columns={"sq": "rmse"})[["series", "model", "mase", "smape", "bias", "rmse"]]
    naive = per_series[per_series["model"] == "seasonal_naive"].set_index("series")["mase"]
    summary = []
    for model in models:
        ps = per_series[per_series["model"] == model].set_index("series")
        e = errors[errors["model"] == model]
        comparable = ps["mase"].notna() & naive.reindex(ps.index).notna()
        summary.append({
            "model": model, "mase": ps["mase"].mean(), "smape": e["smape"].mean(),
            "bias": 100 * e["error"].sum() / e["actual"].sum() if e["actual"].sum() > 0 else np.nan,
            "mase_vs_naive": ps["mase"].mean() / naive.mean() if naive.mean() > 0 else np.nan,
            "beats_naive": float((ps["mase"][comparable] < naive.reindex(ps.index)[comparable]).mean())
            if comparable.any() else np.nan,
            "n_series": int(ps["mase"].notna().sum()), "n_forecasts": len(e)})
    backtest = pd.DataFrame(summary)
    recommended = str(backtest.loc[backtest["mase"].fillna(np.inf).idxmin(), "model"])
    quantiles = _interval_quantiles(errors.rename(columns={"abs_scaled": "scaled"}).dropna(subset=["scaled"]),
                                    horizon, interval)

    # final fits on the whole history
    scale = mase_scale(y_all, m)
    future = _future_weeks(units.index, horizon)
    out = []
    for model in models:
        report(done / n_steps, Message("forecast.progress.fit", model=Message(f"forecast_model.{model}")))
        base = make_model(model, horizon, m, random_state).fit(units, exog_all).predict(horizon).to_numpy()
        done += 1
        half = quantiles.get(model, np.zeros(horizon))[:, None] * scale[None, :]
        out.append(pd.DataFrame({
            "series": np.tile(units.columns.to_numpy(), horizon), "week": np.repeat(future, units.shape[1]),
            "model": model, "baseline": base.ravel(), "forecast": base.ravel(),
            "lower": np.maximum(base - half, 0).ravel(), "upper": (base + half).ravel(), "uplift": 0.0}))
    report(1.0, Message("forecast.progress.done"))
    forecast = pd.concat(out, ignore_index=True)
    result = ForecastResult(demand=demand, forecast=forecast, backtest=backtest, backtest_series=per_series,
                            errors=errors[["series", "model", "origin", "step", "week", "actual", "forecast"]],
                            recommended=recommended, season_length=m, horizon=horizon, interval=interval, notes=notes)
    return with_promotion(result, tx, promotion) if promotion is not None else result


def with_promotion(result: ForecastResult, tx: SalesSource, promotion: Promotion) -> ForecastResult:
    """The forecast with a planned promotion added through its elasticity (no model is refitted).

    Each series' forecast and interval are multiplied by ``1 + share x days-on-promotion / 7 x lift``
    in the promotion's weeks, where share is the part of the series' sales the promotion covers.
    """
    fc = result.forecast
    weeks = pd.DatetimeIndex(np.sort(fc["week"].unique()))
    shares = promotion_shares(tx, result.demand, promotion)
    mult = promotion_multiplier(weeks, shares, promotion).stack().rename("multiplier")
    mult.index.names = ["week", "series"]
    factor = fc[["week", "series"]].merge(mult.reset_index(), on=["week", "series"], how="left")["multiplier"]
    factor = factor.fillna(1.0).to_numpy()
    out = fc.assign(forecast=fc["baseline"] * factor, lower=fc["lower"] * factor, upper=fc["upper"] * factor)
    out["uplift"] = out["forecast"] - out["baseline"]
    notes = list(result.notes)
    if not (factor != 1).any():
        notes.append(Message("forecast.note.promotion_outside"))
    return ForecastResult(demand=result.demand, forecast=out, backtest=result.backtest,
                          backtest_series=result.backtest_series, errors=result.errors,
                          recommended=result.recommended, season_length=result.season_length,
                          horizon=result.horizon, interval=result.interval, notes=notes)
