"""Media-mix model: what each marketing channel's spend brought in, how sure we are, and how to split
the next budget.

The model, for period ``t`` and channels ``c``::

    kpi[t] = baseline[t] + sum_c max_weekly[c] * hill(adstock(spend[:, c])[t]; half[c], slope[c]) + e[t]

- **adstock**: geometric carry-over, weights ``decay ** lag`` for lags ``0 .. max_lag - 1`` scaled to
  sum to one (so a constant spend carries over to itself); nothing is carried in from before the
  first period.
- **saturation**: a Hill curve ``a**s / (a**s + half**s)``, diminishing returns (S-shaped for s > 1).
- **baseline**: intercept, linear trend, yearly seasonality as Fourier terms and optional controls.
- **non-negative effects**: ``max_weekly >= 0``; spend never lowers sales in this model.

It is fitted by penalised non-linear least squares (``scipy.optimize.least_squares``, trust-region
reflective with bounds) from several starts. Weak priors on the curve's shape (half-saturation
near the channel's mean spend, slope near 1, moderate decay) are added as extra residuals: with two
years of weekly data the shape of a curve is barely identified, and without them the fit wanders
to corners that give absurd marginal returns while the totals (contribution, ROAS) stay the same.

Uncertainty is a **moving-block bootstrap of residuals with randomised shape priors**: new series =
fitted + residuals resampled in blocks of consecutive periods, each refitted from the estimate with
the centres of the three shape priors (half-saturation, slope, decay) drawn anew from those priors.
Why blocks: weekly residuals are autocorrelated (what the baseline misses lasts several weeks), and
resampling single weeks would make intervals too narrow. Why redraw the priors' centres: the data
barely identify the curves' shape, so the fit's shape is mostly the priors'; a residual bootstrap
refitted to the same centres keeps that shape fixed and misses the uncertainty in it (and in the
ROAS that trades off against it). Drawing the centres from the priors in each refit is the
"randomise-then-optimise" way of sampling the shape's uncertainty (exact for a linear-Gaussian
model, Bardsley et al. 2014); the refits spread over the ridge of nearly-equal fits (ceiling
against half-saturation against carry-over) instead of staying in the estimate's basin. Why not
likelihood (Hessian) intervals: the effects sit on their bounds (zero) and the parameters trade off
along curved ridges, where a local quadratic approximation is wrong. A full Bayesian fit
(pymc-marketing, NUTS) took 30 to 45 times the CPU time on the same data and needs a C compiler;
``bench/bench_mmm_pymc.py`` compares the two (README, Marketing ROI). The Jacobian of the residuals
is computed by hand (``_Problem.jacobian``), which made the fit about 20 times faster than with
finite differences. The intervals are conditional on the model's form being right (the
same adstock and curve family): they do not cover a wrong model.

How well they do (``bench/bench_mmm.py``, ``sample_data.media_case``: 104 weeks, 5 channels with
planted ROAS 0.5-4, noise 3 % of sales, 10 seeds, 200 draws, 2026-12-05): the nominal 90 % ROAS
intervals cover the planted ROAS 88 % of the time (every channel in 5 of 10 seeds, at least 3 of 5
in all), with a mean width of 3.9 (ROAS units; the intervals are skewed: a wide high end where a
curve's ceiling is barely identified); with the residual bootstrap alone (refits pulled to fixed
centres) they covered 64 % with a mean width of 1.4 (10 seeds, 100 draws, before the analytic
Jacobian). The mean Spearman correlation of estimated and planted ROAS is 0.88. Where a channel's
effect trades off against the baseline the estimate itself can be biased: on the demo retailer (a
real-looking baseline with a ramp and a December peak) display (planted 0.5) is credited about 5
with an interval from about 2.8 and a level-shift-like effect; it is flagged ``flat_effect``, and a
flag in ``UNIDENTIFIED`` marks the channel not ``identified`` (a page shows no ROAS for it, leaves
it out of its headline and keeps its spend in a budget split) unless an experiment calibrates it.

ROAS is the contribution over the data's periods divided by the spend over the same periods
(carry-over past the last period is not counted, the same definition as the planted truth of
``promo_core.sample_data.simulate_media``). Marginal ROAS is the revenue of one more unit of money
spent at today's level, on the steady-state response curve.

Fit checks: a time-based holdout (the last ``holdout`` periods predicted by a fit on the earlier
ones: MAPE and R²) and honesty flags per channel (``FLAGS``) saying when the data cannot separate it.

References
----------
Jin, Y., Wang, Y., Sun, Y., Chan, D., Koehler, J. (2017). Bayesian Methods for Media Mix Modeling
with Carryover and Shape Effects. Google Inc.
Bardsley, J. M., Solonen, A., Haario, H., Laine, M. (2014). Randomize-then-optimize: a method for
sampling from posterior distributions in nonlinear inverse problems. SIAM J. Sci. Comput. 36(4).
Künsch, H. R. (1989). The jackknife and the bootstrap for general stationary observations. Annals
of Statistics 17(3), 1217-1241.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import least_squares, minimize

from promo_core.errors import DataError
from promo_core.text import Message

FLAGS = ("few_periods", "no_variation", "collinear", "flat_effect", "uncertain")
MIN_PERIODS = 52  # fewer than a year of periods cannot separate media from yearly seasonality
MAX_DECAY = 0.9
HALF_BOUNDS = (0.2, 5.0)  # half-saturation as a multiple of the channel's mean spend
SLOPE_BOUNDS = (0.5, 3.0)
PRIOR_SD = {"log_half": 0.7, "log_slope": 0.5, "decay": 0.35}
PRIOR_DECAY = 0.3
UNIDENTIFIED = frozenset({"no_variation", "collinear", "flat_effect"})  # flags under which no ROAS is believable
FLAT_EFFECT = 0.3  # flag a channel whose effect varies less than this share of its spend's variation


# --- the transforms ------------------------------------------------------------------------------

def adstock(spend: np.ndarray, decay: np.ndarray, max_lag: int) -> np.ndarray:
    """Geometric carry-over of each column of ``spend`` (periods x channels) with its own ``decay``;
    weights ``decay ** lag`` (lag < ``max_lag``) scaled to sum to one."""
    spend = np.atleast_2d(np.asarray(spend, dtype=float).T).T
    decay = np.broadcast_to(np.asarray(decay, dtype=float), spend.shape[1:])
    weights = decay[None, :] ** np.arange(max_lag)[:, None]
    weights = weights / weights.sum(axis=0)
    out = spend * weights[0]
    for lag in range(1, min(max_lag, len(spend))):
        out[lag:] += spend[:-lag] * weights[lag]
    return out


def hill(x: np.ndarray, half: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """Hill saturation ``x**slope / (x**slope + half**slope)``: 0 at 0, one half at ``half``, 1 at
    infinity."""
    x = np.maximum(x, 0.0)
    ratio = np.where(x > 0, (np.maximum(x, 1e-300) / half) ** slope, 0.0)
    return ratio / (1.0 + ratio)


def half_life(decay: float) -> float:
    """Periods until a period's spend works at half its first-period strength (0 without carry-over)."""
    return float(np.log(0.5) / np.log(decay)) if decay > 1e-9 else 0.0


def baseline_design(index: pd.Index, n_fourier: int, period_length: float) -> np.ndarray:
    """Intercept, linear trend and yearly Fourier terms for ``n`` periods of ``period_length`` days."""
    n = len(index)
    t = np.arange(n, dtype=float)
    cols = [np.ones(n), t / max(n - 1, 1) - 0.5]
    year = 365.25 / period_length
    for k in range(1, n_fourier + 1):
        cols += [np.sin(2 * np.pi * k * t / year), np.cos(2 * np.pi * k * t / year)]
    return np.column_stack(cols)


# --- the fit -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Problem:
    """One fitting problem on scaled data: spend in units of each channel's mean, kpi in units of its mean."""

    spend: np.ndarray  # periods x channels, each column divided by its mean
    base: np.ndarray  # baseline design (periods x k)
    max_lag: int
    prior_weight: float  # residual scale the priors are expressed in
    calibration: tuple = ()  # (channel position, y_scale / its spend, experiment's ROAS, its standard error)
    centre: tuple = (0.0, 0.0, PRIOR_DECAY)  # the priors' centres: log half, log slope, decay (per channel)

    @property
    def n_channels(self) -> int:
        return self.spend.shape[1]

    def split(self, p: np.ndarray):
        k, c = self.base.shape[1], self.n_channels
        return p[:k], p[k:k + c], p[k + c:k + 2 * c], np.exp(p[k + 2 * c:k + 3 * c]), np.exp(p[k + 3 * c:])

    def media(self, p: np.ndarray, spend: np.ndarray | None = None) -> np.ndarray:
        """Per-channel contribution (periods x channels) of parameters ``p``."""
        _, beta, decay, half, slope = self.split(p)
        spend = self.spend if spend is None else spend
        return beta * hill(adstock(spend, decay, self.max_lag), half, slope)

    def predict(self, p: np.ndarray) -> np.ndarray:
        return self.base @ self.split(p)[0] + self.media(p).sum(axis=1)

    def residuals(self, p: np.ndarray, y: np.ndarray) -> np.ndarray:
        _, _, decay, half, slope = self.split(p)
        log_half, log_slope, centre_decay = self.centre
        prior = self.prior_weight * np.concatenate([(np.log(half) - log_half) / PRIOR_SD["log_half"],
                                                    (np.log(slope) - log_slope) / PRIOR_SD["log_slope"],
                                                    (decay - centre_decay) / PRIOR_SD["decay"]])
        media = self.media(p)
        measured = [(factor * media[:, i].sum() - roas) / se for i, factor, roas, se in self.calibration]
        return np.concatenate([self.base @ self.split(p)[0] + media.sum(axis=1) - y, prior,
                               self.prior_weight * np.asarray(measured, dtype=float)])

    def jacobian(self, p: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The derivatives of ``residuals`` (rows) in each parameter (columns), by hand.

        Why: a finite-difference Jacobian costs one evaluation of the model per parameter (26 for 5
        channels), and the bootstrap's refits are nearly all Jacobians. With ``r = (a / half) **
        slope`` and the curve ``h = r / (1 + r)``: ``dh/dr = 1 / (1 + r) ** 2``, ``dr/dlog_half =
        -slope r``, ``dr/dlog_slope = slope r log(a / half)``, ``dr/da = slope r / a``; the adstock
        ``a = sum_l w_l x[t - l]`` with ``w_l = decay ** l / S`` gives ``da/ddecay`` as an adstock with
        weights ``(l decay ** (l - 1) S - decay ** l S') / S ** 2``. ``tests/test_mmm.py`` checks it
        against finite differences."""
        k, c = self.base.shape[1], self.n_channels
        _, beta, decay, half, slope = self.split(p)
        x, n = self.spend, len(self.spend)
        lags = np.arange(self.max_lag)[:, None]
        powers = decay[None, :] ** lags  # lags x channels
        d_powers = np.where(lags > 0, lags * decay[None, :] ** np.maximum(lags - 1, 0), 0.0)
        total, d_total = powers.sum(axis=0), d_powers.sum(axis=0)
        weights, d_weights = powers / total, (d_powers * total - powers * d_total) / total ** 2
        a, da = x * weights[0], x * d_weights[0]
        for lag in range(1, min(self.max_lag, n)):
            a[lag:] += x[:-lag] * weights[lag]
            da[lag:] += x[:-lag] * d_weights[lag]
        positive = a > 0
        log_ratio = np.where(positive, np.log(np.where(positive, a, 1.0) / half), 0.0)
        r = np.where(positive, np.exp(slope * log_ratio), 0.0)
        h, dh_dr = r / (1 + r), 1 / (1 + r) ** 2
        media_jac = np.concatenate([h, beta * dh_dr * slope * r / np.where(positive, a, 1.0) * da,
                                    beta * dh_dr * -slope * r, beta * dh_dr * slope * r * log_ratio], axis=1)
        # columns of media_jac are grouped per parameter kind (beta, decay, log_half, log_slope) x channel
        data = np.concatenate([self.base, media_jac], axis=1)
        prior = np.zeros((3 * c, k + 4 * c))
        idx = np.arange(c)
        prior[idx, k + 2 * c + idx] = self.prior_weight / PRIOR_SD["log_half"]
        prior[c + idx, k + 3 * c + idx] = self.prior_weight / PRIOR_SD["log_slope"]
        prior[2 * c + idx, k + c + idx] = self.prior_weight / PRIOR_SD["decay"]
        measured = np.zeros((len(self.calibration), k + 4 * c))
        for row, (i, factor, _roas, se) in enumerate(self.calibration):
            measured[row, k + i + c * np.arange(4)] = self.prior_weight * factor / se * media_jac[:, i::c].sum(axis=0)
        return np.concatenate([data, prior, measured])

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        k, c = self.base.shape[1], self.n_channels
        lo = np.concatenate([np.full(k, -np.inf), np.zeros(c), np.zeros(c), np.full(c, np.log(HALF_BOUNDS[0])),
                             np.full(c, np.log(SLOPE_BOUNDS[0]))])
        hi = np.concatenate([np.full(k, np.inf), np.full(c, np.inf), np.full(c, MAX_DECAY),
                             np.full(c, np.log(HALF_BOUNDS[1])), np.full(c, np.log(SLOPE_BOUNDS[1]))])
        return lo, hi

    def solve(self, y: np.ndarray, start: np.ndarray, max_nfev: int | None = None) -> np.ndarray:
        lo, hi = self.bounds()
        start = np.clip(start, lo + 1e-9 * (np.isfinite(lo)), hi - 1e-9 * (np.isfinite(hi)))
        return least_squares(self.residuals, start, jac=self.jacobian, args=(y,), bounds=(lo, hi), method="trf",
                             x_scale="jac", max_nfev=max_nfev, xtol=1e-8, ftol=1e-8).x

    def starts(self, y: np.ndarray, n: int, rng: np.random.Generator) -> list[np.ndarray]:
        k, c = self.base.shape[1], self.n_channels
        gamma = np.linalg.lstsq(self.base, y, rcond=None)[0]
        out = []
        for i in range(n):
            decay = np.full(c, PRIOR_DECAY) if i == 0 else rng.uniform(0.0, 0.7, c)
            log_half = np.zeros(c) if i == 0 else rng.normal(0, 0.4, c)
            beta = np.full(c, 0.05) if i == 0 else rng.uniform(0.01, 0.2, c)
            out.append(np.concatenate([gamma, beta, decay, log_half, np.zeros(c)]))
        return out

    def fit(self, y: np.ndarray, n_starts: int, rng: np.random.Generator) -> np.ndarray:
        best, cost = None, np.inf
        for start in self.starts(y, n_starts, rng):
            p = self.solve(y, start)
            c = float(np.sum(self.residuals(p, y) ** 2))
            if c < cost:
                best, cost = p, c
        return best


@dataclass(frozen=True)
class Holdout:
    """The model fitted without the last ``periods`` periods, then asked to predict them."""

    periods: int
    mape: float  # mean absolute percentage error on the held-out periods
    r2: float  # 1 - SSE / SST on the held-out periods (negative: worse than their mean)
    actual: pd.Series
    predicted: pd.Series


@dataclass(frozen=True)
class MediaMix:
    """A fitted media-mix model.

    Attributes
    ----------
    channels : DataFrame
        Index channel: total_spend, contribution (with contribution_low/high), roas, roas_low, roas_high
        (``level`` interval), marginal_roas (with _low/_high), current_spend (mean per period over
        the last ``recent`` periods), decay, half_life (periods), half_saturation (spend per period),
        slope, max_weekly (the curve's ceiling per period), flags (tuple of ``FLAGS`` codes),
        moves_with (for a ``collinear`` channel, the channel whose spend its own follows most closely,
        else ""), identified
        (False when a flag in ``UNIDENTIFIED`` says the data cannot separate the channel: its numbers
        are the model's arithmetic, not a measurement, and should not be shown as one).
    contributions : DataFrame
        Index period: baseline and one column per channel (the fitted decomposition).
    fitted : Series
        The model's prediction per period; ``kpi`` the data.
    holdout : Holdout or None
    r2 : float
        In-sample R².
    draws : ndarray
        Bootstrap draws of the channel parameters (draws x channels x [max_weekly, decay, half, slope]),
        in money and spend units, for intervals on anything derived from the curves.
    level : float
        Coverage of the intervals.
    contribution_draws : ndarray, optional
        Bootstrap draws of each channel's contribution (draws x channels, money): intervals on sums
        of channels (``interval``).
    """

    channels: pd.DataFrame
    contributions: pd.DataFrame
    fitted: pd.Series
    kpi: pd.Series
    holdout: Holdout | None
    r2: float
    draws: np.ndarray
    level: float
    max_lag: int
    contribution_draws: np.ndarray | None = None  # bootstrap draws x channels: contribution in money

    def interval(self, channels) -> tuple[float, float]:
        """The ``level`` interval of the contribution of ``channels`` together, from the bootstrap
        draws (the sum's quantiles, not the sum of each channel's: their errors offset)."""
        if self.contribution_draws is None or not len(channels):
            return 0.0, 0.0
        alpha = (1 - self.level) / 2
        total = self.contribution_draws[:, self.channels.index.get_indexer(list(channels))].sum(axis=1)
        low, high = np.quantile(total, [alpha, 1 - alpha])
        return float(low), float(high)

    def response(self, channel: str, spend: np.ndarray, draws: bool = False) -> np.ndarray:
        """Revenue per period at a steady ``spend`` per period in ``channel`` (carry-over settled):
        the response curve. With ``draws``, one row per bootstrap draw."""
        row = self.channels.loc[channel]
        spend = np.asarray(spend, dtype=float)
        if not draws:
            return row["max_weekly"] * hill(spend, row["half_saturation"], row["slope"])
        i = self.channels.index.get_loc(channel)
        d = self.draws[:, i, :]
        return d[:, [0]] * hill(spend[None, :], d[:, [2]], d[:, [3]])

    def response_curve(self, channel: str, points: int = 60) -> pd.DataFrame:
        """The response curve from 0 to three times today's spend (at least twice the
        half-saturation): spend, revenue and the interval's low and high per period."""
        row = self.channels.loc[channel]
        levels = np.linspace(0, max(3 * row["current_spend"], 2 * row["half_saturation"], 1.0), points)
        alpha = (1 - self.level) / 2
        low, high = np.quantile(self.response(channel, levels, draws=True), [alpha, 1 - alpha], axis=0)
        return pd.DataFrame({"spend": levels, "revenue": self.response(channel, levels), "low": low, "high": high})

    @property
    def current_total(self) -> float:
        """Today's spend per period, all channels together."""
        return float(self.channels["current_spend"].sum())


def _flags(spend: pd.DataFrame, base: np.ndarray) -> dict[str, list[str]]:
    """Per channel, why the data may not separate it: too few periods, (almost) no variation, or
    spend explained by the other channels and the baseline terms (R² > 0.9, a variance inflation
    above 10)."""
    flags = {c: [] for c in spend.columns}
    x = spend.to_numpy(dtype=float)
    for i, c in enumerate(spend.columns):
        col = x[:, i]
        if len(spend) < MIN_PERIODS:
            flags[c].append("few_periods")
        if col.mean() <= 0 or col.std() / col.mean() < 0.1 or (col > 0).sum() < 4:
            flags[c].append("no_variation")
            continue
        others = np.column_stack([base, np.delete(x, i, axis=1)])
        fitted = others @ np.linalg.lstsq(others, col, rcond=None)[0]
        r2 = 1 - np.sum((col - fitted) ** 2) / np.sum((col - col.mean()) ** 2)
        if r2 > 0.9:
            flags[c].append("collinear")
    return flags


def _moves_with(spend: pd.DataFrame, flags: Mapping[str, list[str]], threshold: float = 0.7) -> dict[str, str]:
    """For each ``collinear`` channel, the other channel whose spend its own follows most closely
    (absolute correlation at least ``threshold``), so a page can say which; "" when the season or
    several channels together explain it."""
    corr = spend.corr().abs().to_numpy(copy=True) if spend.shape[1] > 1 else np.zeros((1, 1))
    np.fill_diagonal(corr, np.nan)
    out = {}
    for i, c in enumerate(spend.columns):
        row = corr[i]
        best = int(np.nanargmax(row)) if np.isfinite(row).any() else -1
        out[c] = str(spend.columns[best]) if "collinear" in flags[c] and best >= 0 and row[best] >= threshold else ""
    return out


def _check(spend: pd.DataFrame, kpi: pd.Series, controls: pd.DataFrame | None, max_lag: int,
           calibration: Mapping | None) -> None:
    if spend.shape[1] == 0:
        raise DataError(Message("mmm.error.no_channels"))
    if not spend.index.equals(kpi.index):
        raise DataError(Message("mmm.error.index"))
    if controls is not None and not controls.index.equals(spend.index):
        raise DataError(Message("mmm.error.index"))
    if len(spend) < max(3 * max_lag, 20):
        raise DataError(Message("mmm.error.too_few_periods", periods=len(spend), needed=max(3 * max_lag, 20)))
    frames = [spend, kpi.to_frame()] + ([controls] if controls is not None else [])
    for frame in frames:
        bad = frame.columns[~np.isfinite(frame.to_numpy(dtype=float)).all(axis=0)]
        if len(bad):
            raise DataError(Message("mmm.error.missing", column=str(bad[0])))
    negative = spend.columns[(spend.to_numpy(dtype=float) < 0).any(axis=0)]
    if len(negative):
        raise DataError(Message("mmm.error.negative_spend", channel=str(negative[0])))
    if (spend.to_numpy(dtype=float).sum(axis=0) <= 0).all():
        raise DataError(Message("mmm.error.no_spend"))
    for channel, (roas, se) in (calibration or {}).items():
        if channel not in spend.columns:
            raise DataError(Message("mmm.error.unknown_channel", channel=str(channel),
                                    channels=", ".join(map(str, spend.columns))))
        if not (np.isfinite(roas) and roas >= 0 and np.isfinite(se) and se > 0):
            raise DataError(Message("mmm.error.calibration", channel=str(channel)))


def _period_days(index: pd.Index) -> float:
    if isinstance(index, pd.DatetimeIndex) and len(index) > 1:
        return float(pd.Series(index).diff().median() / pd.Timedelta(days=1))
    return 7.0


def fit(spend: pd.DataFrame, kpi: pd.Series, controls: pd.DataFrame | None = None, *, max_lag: int = 8,
        n_fourier: int = 2, holdout: int = 13, n_boot: int = 200, block: int = 4, level: float = 0.90,
        recent: int = 13, n_starts: int = 3, calibration: Mapping[str, tuple[float, float]] | None = None,
        random_state: int = 0, progress: Callable[[float], None] | None = None) -> MediaMix:
    """Fit the media-mix model and bootstrap its uncertainty.

    Parameters
    ----------
    spend : DataFrame
        Index period (weeks or days, in order), one column of spend per channel, >= 0.
    kpi : Series
        Revenue (or any money KPI) on the same index.
    controls : DataFrame, optional
        Other drivers on the same index (price index, holidays); entered linearly, standardised.
    max_lag : int
        Periods a period's spend can keep working.
    n_fourier : int
        Pairs of yearly Fourier terms in the baseline.
    holdout : int
        Last periods held out for the fit check (0: none).
    n_boot : int
        Bootstrap replicates for the intervals.
    block : int
        Length of the resampled residual blocks (periods).
    level : float
        Coverage of the intervals.
    recent : int
        Periods whose mean spend is "today's spend" (marginal ROAS, allocation).
    n_starts : int
        Starting points of the point fit (the best is kept).
    calibration : mapping, optional
        channel -> (ROAS measured by an experiment, its standard error): a Gaussian prior on that
        channel's ROAS over the data's periods (an extra residual, weighted like the data's), and in
        each bootstrap refit a new draw from it, so the experiment's own uncertainty carries over.
    random_state : int
    progress : callable, optional
        Called with the share done (0..1) as the bootstrap runs.

    Returns
    -------
    MediaMix
    """
    _check(spend, kpi, controls, max_lag, calibration)
    rng = np.random.default_rng(random_state)
    names = [str(c) for c in spend.columns]
    x = spend.to_numpy(dtype=float)
    scale = x.mean(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    y_scale = float(np.abs(kpi.to_numpy(dtype=float)).mean()) or 1.0
    y = kpi.to_numpy(dtype=float) / y_scale
    base = baseline_design(spend.index, n_fourier, _period_days(spend.index))
    if controls is not None and controls.shape[1]:
        c = controls.to_numpy(dtype=float)
        sd = c.std(axis=0)
        base = np.column_stack([base, (c - c.mean(axis=0)) / np.where(sd > 0, sd, 1.0)])
    xs = x / scale
    # the priors' weight: the residual scale of a baseline-only fit, shrunk (media explain some of it)
    rough = y - base @ np.linalg.lstsq(base, y, rcond=None)[0]
    weight = 0.5 * float(rough.std()) or 1e-3

    def measured(rows: slice, draw: np.random.Generator | None = None) -> tuple:
        """The calibration residuals' terms for the periods ``rows`` (an experiment's ROAS drawn anew
        from its distribution when ``draw`` is given)."""
        terms = []
        for channel, (roas, se) in (calibration or {}).items():
            i = names.index(channel)
            total = x[rows, i].sum()
            if total > 0:
                terms.append((i, y_scale / total, roas if draw is None else draw.normal(roas, se), se))
        return tuple(terms)

    problem = _Problem(xs, base, max_lag, weight, measured(slice(None)))

    check = None
    if holdout and len(y) - holdout >= max(3 * max_lag, 20):
        n_fit = len(y) - holdout
        part = _Problem(xs[:n_fit], base[:n_fit], max_lag, weight, measured(slice(0, n_fit)))
        p_part = part.fit(y[:n_fit], n_starts, rng)
        full = _Problem(xs, base, max_lag, weight)
        pred = full.predict(p_part)[n_fit:] * y_scale
        actual = kpi.iloc[n_fit:].astype(float)
        sse = float(np.sum((actual.to_numpy() - pred) ** 2))
        sst = float(np.sum((actual.to_numpy() - actual.mean()) ** 2))
        check = Holdout(holdout, float(np.mean(np.abs(actual.to_numpy() - pred) / np.abs(actual.to_numpy()))),
                        1 - sse / sst if sst > 0 else float("nan"), actual,
                        pd.Series(pred, index=actual.index, name="predicted"))

    p_hat = problem.fit(y, n_starts, rng)
    fitted = problem.predict(p_hat)
    resid = y - fitted
    n_params = base.shape[1] + 4 * len(names)
    inflate = np.sqrt(len(y) / max(len(y) - n_params, len(y) / 2))  # fitted residuals understate the errors
    r2 = 1 - float(np.sum(resid ** 2) / np.sum((y - y.mean()) ** 2))

    recent_spend = x[-recent:].mean(axis=0)

    def summary(p: np.ndarray) -> np.ndarray:
        """Per channel: contribution, marginal ROAS and the curve (money units)."""
        _, beta, decay, half, slope = problem.split(p)
        contrib = problem.media(p).sum(axis=0) * y_scale
        ceiling, half_spend = beta * y_scale, half * scale
        eps = 1e-4 * np.maximum(recent_spend, scale * 1e-3)
        marginal = ceiling * (hill(recent_spend + eps, half_spend, slope) - hill(recent_spend, half_spend, slope)) / eps
        return np.column_stack([contrib, marginal, ceiling, decay, half_spend, slope])

    point = summary(p_hat)
    n = len(y)
    n_blocks = int(np.ceil(n / block))
    c = len(names)
    boot = np.empty((n_boot,) + point.shape)
    for b in range(n_boot):
        starts = rng.integers(0, n - block + 1, n_blocks)
        e = np.concatenate([resid[s:s + block] for s in starts])[:n]
        y_b = fitted + inflate * (e - e.mean())
        # the shape priors' centres drawn from the priors themselves: the curve's shape is what the
        # data barely identify, and a refit pulled to the same centres every time would not show it
        centre = (rng.normal(0.0, PRIOR_SD["log_half"], c), rng.normal(0.0, PRIOR_SD["log_slope"], c),
                  rng.normal(PRIOR_DECAY, PRIOR_SD["decay"], c))
        refit = dataclasses.replace(problem, centre=centre,
                                    calibration=measured(slice(None), rng) if calibration else problem.calibration)
        boot[b] = summary(refit.solve(y_b, p_hat, max_nfev=200))
        if progress is not None:
            progress((b + 1) / n_boot)

    alpha = (1 - level) / 2
    total = x.sum(axis=0)
    total = np.where(total > 0, total, np.nan)
    lo, hi = np.quantile(boot, [alpha, 1 - alpha], axis=0)
    flags = _flags(spend, base)
    table = pd.DataFrame({
        "total_spend": x.sum(axis=0), "contribution": point[:, 0], "contribution_low": lo[:, 0],
        "contribution_high": hi[:, 0], "roas": point[:, 0] / total, "roas_low": lo[:, 0] / total,
        "roas_high": hi[:, 0] / total, "marginal_roas": point[:, 1], "marginal_roas_low": lo[:, 1],
        "marginal_roas_high": hi[:, 1], "current_spend": recent_spend, "decay": point[:, 3],
        "half_life": [half_life(d) for d in point[:, 3]], "half_saturation": point[:, 4], "slope": point[:, 5],
        "max_weekly": point[:, 2]}, index=pd.Index(names, name="channel"))
    media = problem.media(p_hat)
    for i, c in enumerate(names):
        # an effect that hardly moves while the spend does is a level shift the baseline could make:
        # the model may be crediting the channel with sales it did not bring
        spend_cv = x[:, i].std() / scale[i]
        effect_cv = media[:, i].std() / media[:, i].mean() if media[:, i].mean() > 1e-9 else np.inf
        if effect_cv < FLAT_EFFECT * spend_cv and "no_variation" not in flags[c]:
            flags[c].append("flat_effect")
        width = table.at[c, "roas_high"] - table.at[c, "roas_low"]
        if np.isfinite(width) and width > max(1.0, table.at[c, "roas"]):
            flags[c].append("uncertain")
    table["flags"] = pd.Series([tuple(flags[c]) for c in names], index=table.index, dtype=object)
    table["moves_with"] = pd.Series(_moves_with(spend.set_axis(names, axis=1), flags)).reindex(names).to_numpy()
    # an experiment measured a calibrated channel: the data's failing to separate it no longer matters
    table["identified"] = [c in (calibration or {}) or not UNIDENTIFIED.intersection(flags[c]) for c in names]
    contributions = pd.DataFrame(media * y_scale, index=spend.index, columns=names)
    contributions.insert(0, "baseline", fitted * y_scale - contributions.sum(axis=1))
    return MediaMix(table, contributions, pd.Series(fitted * y_scale, index=spend.index, name="fitted"),
                    kpi.astype(float), check, r2, boot[:, :, [2, 3, 4, 5]], level, max_lag, boot[:, :, 0])


# --- budget allocation ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Allocation:
    """A split of the budget per period compared with today's.

    Attributes
    ----------
    table : DataFrame
        Index channel: current_spend, min_spend, max_spend, proposed_spend (per period), current_revenue and
        proposed_revenue (the channels' incremental revenue per period on the response curves).
    objective : str
        "revenue" (incremental revenue) or "profit" (margin x incremental revenue - spend).
    current_value, proposed_value : float
        The objective per period under each split.
    gain, gain_low, gain_high : float
        proposed_value - current_value, with its interval over the bootstrap draws (``level``).
    """

    table: pd.DataFrame
    objective: str
    margin: float | None
    budget: float
    current_value: float
    proposed_value: float
    gain: float
    gain_low: float
    gain_high: float
    level: float


def _curves(model: MediaMix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    c = model.channels
    return c["max_weekly"].to_numpy(float), c["half_saturation"].to_numpy(float), c["slope"].to_numpy(float)


def _as_vector(model: MediaMix, value, default: np.ndarray) -> np.ndarray:
    """Per-channel values from a scalar, a mapping or a Series (missing channels take ``default``)."""
    names = model.channels.index
    if value is None:
        return default.astype(float)
    if np.isscalar(value):
        return np.full(len(names), float(value))
    value = pd.Series(value, dtype=float)
    unknown = value.index.difference(names)
    if len(unknown):
        raise DataError(Message("mmm.error.unknown_channel", channel=str(unknown[0]),
                                channels=", ".join(map(str, names))))
    return value.reindex(names).fillna(pd.Series(default, index=names)).to_numpy(float)


def _compare(model: MediaMix, current: np.ndarray, proposed: np.ndarray, lower: np.ndarray, upper: np.ndarray,
             margin: float | None, budget: float) -> Allocation:
    ceiling, half, slope = _curves(model)
    rev_now, rev_new = ceiling * hill(current, half, slope), ceiling * hill(proposed, half, slope)
    d = model.draws
    draw_now = (d[:, :, 0] * hill(current[None, :], d[:, :, 2], d[:, :, 3])).sum(axis=1)
    draw_new = (d[:, :, 0] * hill(proposed[None, :], d[:, :, 2], d[:, :, 3])).sum(axis=1)
    m = 1.0 if margin is None else margin
    cost = 0.0 if margin is None else proposed.sum() - current.sum()
    value_now = m * rev_now.sum() - (0.0 if margin is None else current.sum())
    value_new = m * rev_new.sum() - (0.0 if margin is None else proposed.sum())
    gains = m * (draw_new - draw_now) - cost
    alpha = (1 - model.level) / 2
    table = pd.DataFrame({"current_spend": current, "min_spend": lower, "max_spend": upper, "proposed_spend": proposed,
                          "current_revenue": rev_now, "proposed_revenue": rev_new}, index=model.channels.index)
    return Allocation(table, "revenue" if margin is None else "profit", margin, float(budget), float(value_now),
                      float(value_new), float(value_new - value_now), float(np.quantile(gains, alpha)),
                      float(np.quantile(gains, 1 - alpha)), model.level)


def _bounds(model: MediaMix, current, lower, upper, budget):
    now = _as_vector(model, current, model.channels["current_spend"].to_numpy(float))
    budget = float(now.sum() if budget is None else budget)
    lo = _as_vector(model, lower, np.zeros(len(now)))
    hi = _as_vector(model, upper, np.full(len(now), budget))
    if (now < 0).any() or (lo < 0).any() or budget < 0:
        raise DataError(Message("mmm.error.bounds"))
    if lo.sum() > budget + 1e-9:
        raise DataError(Message("mmm.error.budget_bounds", budget=budget, low=float(lo.sum()), high=float(hi.sum())))
    if (hi < lo).any():
        raise DataError(Message("mmm.error.bounds"))
    return now, lo, np.minimum(hi, budget), budget


def allocate(model: MediaMix, budget: float | None = None, *, current=None, lower=None, upper=None,
             margin: float | None = None, random_state: int = 0) -> Allocation:
    """The split of a budget per period that maximises expected incremental revenue (or profit).

    On each channel's steady-state response curve (carry-over settled), maximise
    ``sum_c revenue_c(x_c)`` subject to ``sum_c x_c = budget`` and ``lower <= x <= upper`` (with a
    ``margin``: ``margin * sum_c revenue_c(x_c) - sum_c x_c`` with ``sum_c x_c <= budget``, so money
    that would not pay back is not spent). S-shaped curves make the problem non-concave, so SLSQP
    starts from several splits (today's, the bounds' middle, even, random) and keeps the best.

    Parameters
    ----------
    model : MediaMix
    budget : float, optional
        Money per period; default today's total.
    current : mapping or Series, optional
        Today's spend per period per channel; default the model's ``current_spend``.
    lower, upper : float, mapping or Series, optional
        Spend per period per channel allowed (default 0 and the budget).
    margin : float, optional
        Share of revenue kept as profit; given, the objective is profit.
    random_state : int

    Returns
    -------
    Allocation
    """
    now, lo, hi, budget = _bounds(model, current, lower, upper, budget)
    if margin is None and hi.sum() < budget - 1e-9:
        raise DataError(Message("mmm.error.budget_bounds", budget=budget, low=float(lo.sum()), high=float(hi.sum())))
    ceiling, half, slope = _curves(model)
    m = 1.0 if margin is None else margin
    unit = max(budget, 1.0)

    def value(z):  # z: spend / unit (well scaled for SLSQP)
        x = z * unit
        return -(m * (ceiling * hill(x, half, slope)).sum() - (0.0 if margin is None else x.sum())) / unit

    def grad(z):
        x = np.maximum(z * unit, 1e-12)
        r = (x / half) ** slope
        d = ceiling * slope * r / (x * (1 + r) ** 2)
        return -(m * d - (0.0 if margin is None else 1.0))

    total = {"type": "eq" if margin is None else "ineq", "fun": lambda z: budget / unit - z.sum(),
             "jac": lambda z: -np.ones_like(z)}
    rng = np.random.default_rng(random_state)
    span = hi - lo

    def fill(x):  # scale a split into the bounds with the budget's total
        x = np.clip(x, lo, hi)
        for _ in range(50):
            gap = budget - x.sum()
            room = (hi - x) if gap > 0 else (x - lo)
            if abs(gap) < 1e-9 * unit or room.sum() <= 0:
                break
            x = np.clip(x + np.sign(gap) * room * min(1.0, abs(gap) / room.sum()), lo, hi)
        return x

    starts = [fill(now), fill(lo + span / 2), fill(np.full(len(now), budget / len(now)))]
    starts += [fill(lo + span * rng.random(len(now))) for _ in range(5)]
    if margin is not None:  # profit: spending less than the budget may be best
        starts += [lo + span * rng.random(len(now)) * min(1.0, (budget - lo.sum()) / max(span.sum(), 1e-12))
                   for _ in range(5)]
    best, best_value = starts[0], value(starts[0] / unit)
    for start in starts:
        res = minimize(value, start / unit, jac=grad, method="SLSQP", bounds=list(zip(lo / unit, hi / unit)),
                       constraints=[total], options={"maxiter": 300, "ftol": 1e-12})
        x = np.clip(res.x * unit, lo, hi)
        ok = x.sum() <= budget * (1 + 1e-6) + 1e-6 and (margin is not None or abs(x.sum() - budget) <= 1e-6 * unit)
        if ok and value(x / unit) < best_value:
            best, best_value = x, value(x / unit)
    return _compare(model, now, best, lo, hi, margin, budget)


def what_if(model: MediaMix, proposed, *, current=None, margin: float | None = None) -> Allocation:
    """A manager's own split (spend per period per channel; channels not given keep today's spend)
    compared with today's, with the gain's interval."""
    now = _as_vector(model, current, model.channels["current_spend"].to_numpy(float))
    new = _as_vector(model, proposed, now)
    if (new < 0).any() or (now < 0).any():
        raise DataError(Message("mmm.error.bounds"))
    return _compare(model, now, new, new, new, margin, float(new.sum()))
