"""Uplift modelling: which customers does a coupon (or an e-mail) actually move?

A response model predicts who will buy; an uplift model predicts how much *more likely* a customer
is to buy because of the treatment. Four meta-learners on scikit-learn models (T-, S- and
X-learner, class transformation) are cross-fitted, so every customer's score comes from models
that never saw that customer, and evaluated with the Qini and uplift curves.

Metric definitions are scikit-uplift's (0.5.x), under its names and argument order
(``qini_auc_score``, ``uplift_auc_score``, ``uplift_at_k``); a test proves equality to 1e-9.
The Qini coefficient is the area between the model's Qini curve and the random-targeting diagonal,
divided by the same area for the perfect ranking (treated responders first, control responders
last): 0 is random, 1 is perfect, negative is worse than random. Other libraries normalise
differently (causalml's Qini is not divided by the perfect curve's area), so numbers are only
comparable with scikit-uplift's.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.model_selection import StratifiedKFold
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from promo_core.errors import DataError
from promo_core.experiments import checked_outcome, natural_key
from promo_core.text import Message

MAX_CATEGORIES = 30  # rarer levels of a text feature are pooled into "other"


# --------------------------------------------------------------------------------------------
# Metrics (scikit-uplift's definitions)
# --------------------------------------------------------------------------------------------
def _arrays(y_true, uplift, treatment) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y, u, t = np.asarray(y_true, dtype=float), np.asarray(uplift, dtype=float), np.asarray(treatment, dtype=float)
    if not len(y) == len(u) == len(t):
        raise DataError(Message("uplift.error.lengths", outcomes=len(y), scores=len(u), flags=len(t)))
    for name, a in (("outcome", y), ("treatment", t)):
        if not np.array_equal(np.unique(a), [0.0, 1.0]):
            raise DataError(Message(f"uplift.error.not_01.{name}", got=str(np.unique(a)[:5])))
    if np.isnan(u).any():
        raise DataError(Message("uplift.error.missing_scores"))
    return y, u, t


# Every customer falls in one of four cells, 2 * treatment + outcome: control non-buyer (0), control
# buyer (1), treated non-buyer (2), treated buyer (3). A curve only needs, for each run of tied scores
# (a "block", best first), how many customers of each cell it holds.
def _cells(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    return (2 * t + y).astype(np.int64)


def _blocks(score: np.ndarray) -> tuple[np.ndarray, int]:
    """Block of every row when ranked by ``score`` descending (ties share a block) and the count."""
    order = np.argsort(score, kind="mergesort")[::-1]
    block = np.empty(len(score), dtype=np.int64)
    block[order] = np.r_[0, np.cumsum(np.diff(score[order]) != 0)]
    return block, int(block[order[-1]]) + 1


def _block_counts(block: np.ndarray, n_blocks: int, cells: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """(n_blocks, 4) customers per block and cell; ``rows`` resamples (a bootstrap draw of row numbers)."""
    b, c = (block, cells) if rows is None else (block[rows], cells[rows])
    return np.bincount(4 * b + c, minlength=4 * n_blocks).reshape(n_blocks, 4).astype(float)


def _curve(counts: np.ndarray, qini: bool) -> tuple[np.ndarray, np.ndarray]:
    """Qini (``qini=True``) or uplift curve from block counts: x = customers targeted, starting at 0.

    Read at the end of every block, as scikit-uplift reads its curves at the last row of every run
    of tied scores.
    """
    run = np.cumsum(counts, axis=0)
    n_all, n_trt = run.sum(axis=1), run[:, 2] + run[:, 3]
    n_ctl, y_trt, y_ctl = n_all - n_trt, run[:, 3], run[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        if qini:
            values = y_trt - y_ctl * np.where(n_ctl != 0, n_trt / n_ctl, 0.0)
        else:
            values = (np.where(n_trt != 0, y_trt / n_trt, 0.0) - np.where(n_ctl != 0, y_ctl / n_ctl, 0.0)) * n_all
    return np.r_[0.0, n_all], np.r_[0.0, values]


def _perfect_counts(totals: np.ndarray, qini: bool) -> np.ndarray:
    """Block counts of scikit-uplift's perfect rankings, from the four cell totals.

    Qini (with negative effects): treated buyers first, then all non-buyers, control buyers last.
    Uplift: score ``2 (y == t) + y`` when control buyers outnumber treated non-buyers, else
    ``2 (y == t) + t``; either way one block per cell in a fixed order.
    """
    if qini:
        return np.array([[0, 0, 0, totals[3]], [totals[0], 0, totals[2], 0], [0, totals[1], 0, 0]], dtype=float)
    order = [3, 0, 1, 2] if totals[1] > totals[2] else [3, 0, 2, 1]
    counts = np.zeros((4, 4))
    for i, cell in enumerate(order):
        counts[i, cell] = totals[cell]
    return counts[counts.sum(axis=1) > 0]


def _area_ratio(counts: np.ndarray, qini: bool) -> float:
    """(area under the curve - diagonal) / (area under the perfect curve - diagonal)."""
    x, v = _curve(counts, qini)
    xp, vp = _curve(_perfect_counts(counts.sum(axis=0), qini), qini)
    base = xp[-1] * vp[-1] / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return float((np.trapezoid(v, x) - base) / (np.trapezoid(vp, xp) - base))


def _counts_of(y_true, uplift, treatment) -> tuple[np.ndarray, int]:
    y, u, t = _arrays(y_true, uplift, treatment)
    block, n_blocks = _blocks(u)
    return _block_counts(block, n_blocks, _cells(y, t)), len(y)


def qini_curve(y_true, uplift, treatment) -> pd.DataFrame:
    """Qini curve: incremental buyers among the top ``n`` customers ranked by ``uplift``.

    ``qini = buyers_treated(n) - buyers_control(n) * treated(n) / control(n)``, read at the end of
    every run of tied scores and starting at (0, 0), as ``sklift.metrics.qini_curve``.

    Returns
    -------
    DataFrame
        ``n`` (customers targeted), ``share`` (n / all), ``qini`` (incremental buyers).
    """
    counts, n = _counts_of(y_true, uplift, treatment)
    x, v = _curve(counts, qini=True)
    return pd.DataFrame({"n": x.astype(np.int64), "share": x / n, "qini": v})


def uplift_curve(y_true, uplift, treatment) -> pd.DataFrame:
    """Uplift curve: ``(rate_treated(n) - rate_control(n)) * n`` among the top ``n`` customers.

    Returns
    -------
    DataFrame
        ``n``, ``share``, ``uplift`` (as ``sklift.metrics.uplift_curve``).
    """
    counts, n = _counts_of(y_true, uplift, treatment)
    x, v = _curve(counts, qini=False)
    return pd.DataFrame({"n": x.astype(np.int64), "share": x / n, "uplift": v})


def qini_curves(y_true, scores: pd.DataFrame, treatment, points: int = 101) -> pd.DataFrame:
    """Every model's Qini curve read at ``points`` evenly spaced shares (for charts).

    Returns
    -------
    DataFrame
        ``model, share, qini`` (incremental buyers, interpolated between the curve's points).
    """
    grid = np.linspace(0, 1, points)
    parts = []
    for m in scores.columns:
        curve = qini_curve(y_true, scores[m], treatment)
        parts.append(pd.DataFrame({"model": m, "share": grid, "qini": np.interp(grid, curve["share"], curve["qini"])}))
    return pd.concat(parts, ignore_index=True)


def perfect_qini_curve(y_true, treatment) -> pd.DataFrame:
    """The Qini curve of the perfect ranking (treated buyers first, control buyers last)."""
    y = np.asarray(y_true, dtype=float)
    t = np.asarray(treatment, dtype=float)
    return qini_curve(y, y * t - y * (1 - t), t)


def qini_auc_score(y_true, uplift, treatment) -> float:
    """Qini coefficient: area between the Qini curve and the diagonal over that of the perfect curve.

    Parameters
    ----------
    y_true : array-like of 0/1
        Observed outcome.
    uplift : array-like
        Predicted uplift (only the ranking matters).
    treatment : array-like of 0/1
        1 = treated, 0 = control.

    Returns
    -------
    float
        0 = random targeting, 1 = perfect, < 0 = worse than random (``sklift.metrics.qini_auc_score``
        with ``negative_effect=True``).

    References
    ----------
    Radcliffe (2007). Using control groups to target on predicted lift. Direct Marketing Analytics Journal.
    """
    return _area_ratio(_counts_of(y_true, uplift, treatment)[0], qini=True)


def uplift_auc_score(y_true, uplift, treatment) -> float:
    """Area between the uplift curve and the diagonal over that of the perfect uplift curve.

    Returns
    -------
    float
        As ``sklift.metrics.uplift_auc_score``.

    References
    ----------
    Devriendt, Guns & Verbeke (2020). Learning to rank for uplift modeling. arXiv:2002.05897.
    """
    return _area_ratio(_counts_of(y_true, uplift, treatment)[0], qini=False)


def _top_k_uplift(y: np.ndarray, t: np.ndarray, weight: np.ndarray, n_size: float) -> float:
    """Treated minus control rate among the first ``n_size`` customers (rows in ranked order; a
    row's ``weight`` is how many times it counts)."""
    before = np.cumsum(weight) - weight
    take = np.minimum(np.clip(n_size - before, 0, None), weight)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float((take * y * t).sum() / (take * t).sum() - (take * y * (1 - t)).sum() / (take * (1 - t)).sum())


def _check_k(k, n: int) -> str:
    kind = np.asarray(k).dtype.kind
    if kind not in ("i", "f") or (kind == "i" and not 0 < k < n) or (kind == "f" and not 0 < k < 1):
        raise DataError(Message("uplift.error.k", k=str(k), n=n))
    return kind


def uplift_at_k(y_true, uplift, treatment, strategy, k=0.3) -> float:
    """Treated minus control response rate among the top ``k`` customers by predicted uplift.

    Parameters
    ----------
    y_true, uplift, treatment : array-like
        As in ``qini_auc_score``.
    strategy : {"overall", "by_group"}
        "overall": take the top k of everyone, then compare treated and control within it;
        "by_group": take the top k of the treated and the top k of the control group separately.
    k : float or int
        A share in (0, 1) or a number of customers.

    Returns
    -------
    float
        As ``sklift.metrics.uplift_at_k``.
    """
    y, u, t = _arrays(y_true, uplift, treatment)
    if strategy not in ("overall", "by_group"):
        raise DataError(Message("uplift.error.strategy", strategy=repr(strategy)))
    kind = _check_k(k, len(y))
    order = np.argsort(u, kind="mergesort")[::-1]
    y, t = y[order], t[order]
    if strategy == "overall":
        return _top_k_uplift(y, t, np.ones(len(y)), int(len(y) * k) if kind == "f" else k)
    n_ctl = int((t == 0).sum() * k) if kind == "f" else k
    n_trt = int((t == 1).sum() * k) if kind == "f" else k
    if n_ctl > (t == 0).sum() or n_trt > (t == 1).sum():
        raise DataError(Message("uplift.error.k_too_large", k=str(k)))
    return float(y[t == 1][:n_trt].mean() - y[t == 0][:n_ctl].mean())


def uplift_by_decile(y_true, uplift, treatment, bins: int = 10) -> pd.DataFrame:
    """Observed uplift in each tenth of customers ranked by predicted uplift (best first).

    Returns
    -------
    DataFrame
        ``decile`` (1 = highest predicted uplift), ``n_treatment, n_control, rate_treatment,
        rate_control, uplift, uplift_low, uplift_high`` (95% normal interval) and
        ``predicted_uplift`` (mean score). Bins as ``sklift.metrics.uplift_by_percentile``
        (strategy "overall": ``np.array_split`` of the ranked customers).
    """
    y, u, t = _arrays(y_true, uplift, treatment)
    order = np.argsort(u, kind="mergesort")[::-1]
    z = 1.959963984540054
    rows = []
    for i, idx in enumerate(np.array_split(order, bins)):
        yt, yc = y[idx][t[idx] == 1], y[idx][t[idx] == 0]
        rt = yt.mean() if len(yt) else np.nan
        rc = yc.mean() if len(yc) else np.nan
        se = np.sqrt(rt * (1 - rt) / max(len(yt), 1) + rc * (1 - rc) / max(len(yc), 1))
        rows.append({"decile": i + 1, "n_treatment": len(yt), "n_control": len(yc), "rate_treatment": rt,
                     "rate_control": rc, "uplift": rt - rc, "uplift_low": rt - rc - z * se,
                     "uplift_high": rt - rc + z * se, "predicted_uplift": u[idx].mean()})
    return pd.DataFrame(rows)


EVALUATION_COLUMNS = ["qini", "qini_low", "qini_high", "uplift_auc", "uplift_at_k", "uplift_at_k_low",
                      "uplift_at_k_high", "ate", "ate_low", "ate_high", "gain_over_all", "gain_over_all_low",
                      "gain_over_all_high"]


def evaluate_scores(y_true, scores: pd.DataFrame, treatment, *, k: float = 0.3, n_boot: int = 200,
                    alpha: float = 0.05, random_state: int | None = 0) -> pd.DataFrame:
    """How well each column of scores targets, with paired percentile-bootstrap intervals.

    Parameters
    ----------
    y_true, treatment : array-like of 0/1
        Observed outcome and treatment flag.
    scores : DataFrame
        One column of predicted uplift per model.
    k : float
        Share targeted for uplift@k (strategy "overall").
    n_boot : int
        Bootstrap replicates; each resamples customers with replacement, and all models are scored
        on the same replicates.
    alpha : float
        1 - interval level.
    random_state : int, optional
        Seed of the resampling.

    Returns
    -------
    DataFrame
        One row per model: ``model, k, qini, qini_low, qini_high, uplift_auc, uplift_at_k (+ _low,
        _high), ate (+ _low, _high)`` (treated minus control rate over everyone: what sending to
        everyone gains per customer) and ``gain_over_all (+ _low, _high)`` (``uplift_at_k - ate``:
        how much more the model's top k respond than the average customer).
    """
    y, _, t = _arrays(y_true, np.zeros(len(np.asarray(y_true))), treatment)
    if len(scores) != len(y) or scores.shape[1] == 0:
        raise DataError(Message("uplift.error.scores"))
    _check_k(k, len(y))
    n, n_size = len(y), int(len(y) * k)
    cells = _cells(y, t)
    models = {}
    for m in scores.columns:
        u = _arrays(y, scores[m], t)[1]
        order = np.argsort(u, kind="mergesort")[::-1]
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        models[m] = (u, *_blocks(u), rank, y[order], t[order])
    rng = np.random.default_rng(random_state)
    boot = {m: np.empty((n_boot, 2)) for m in models}
    ate_b = np.empty(n_boot)
    for b in range(n_boot):
        rows = rng.integers(0, n, n)
        totals = np.bincount(cells[rows], minlength=4).astype(float)
        ate_b[b] = totals[3] / (totals[2] + totals[3]) - totals[1] / (totals[0] + totals[1])
        for m, (_, block, n_blocks, rank, y_sorted, t_sorted) in models.items():
            boot[m][b, 0] = _area_ratio(_block_counts(block, n_blocks, cells, rows), qini=True)
            boot[m][b, 1] = _top_k_uplift(y_sorted, t_sorted, np.bincount(rank[rows], minlength=n), n_size)
    q = [100 * alpha / 2, 100 * (1 - alpha / 2)]
    ate = float(y[t == 1].mean() - y[t == 0].mean())
    a_lo, a_hi = np.nanpercentile(ate_b, q)
    out = []
    for m, (u, *_rest) in models.items():
        at_k = uplift_at_k(y, u, t, "overall", k)
        (q_lo, q_hi), (k_lo, k_hi), (g_lo, g_hi) = (np.nanpercentile(v, q) for v in (
            boot[m][:, 0], boot[m][:, 1], boot[m][:, 1] - ate_b))
        values = [qini_auc_score(y, u, t), q_lo, q_hi, uplift_auc_score(y, u, t), at_k, k_lo, k_hi, ate, a_lo, a_hi,
                  at_k - ate, g_lo, g_hi]
        out.append({"model": m, "k": float(k), **dict(zip(EVALUATION_COLUMNS, values))})
    return pd.DataFrame(out)


# --------------------------------------------------------------------------------------------
# Meta-learners
# --------------------------------------------------------------------------------------------
def default_classifier(random_state: int | None = 0) -> HistGradientBoostingClassifier:
    """A small, regularised gradient-boosting classifier: fast, robust to outliers, handles gaps."""
    return HistGradientBoostingClassifier(max_iter=40, learning_rate=0.1, max_leaf_nodes=8, min_samples_leaf=80,
                                          l2_regularization=1.0, early_stopping=False, random_state=random_state)


def default_regressor(random_state: int | None = 0) -> HistGradientBoostingRegressor:
    """The regression twin of ``default_classifier`` (for the X-learner's effect models)."""
    return HistGradientBoostingRegressor(max_iter=40, learning_rate=0.1, max_leaf_nodes=8, min_samples_leaf=80,
                                         l2_regularization=1.0, early_stopping=False, random_state=random_state)


def _mean_response(model, X) -> np.ndarray:
    return model.predict_proba(X)[:, 1] if is_classifier(model) else model.predict(X)


def _with_flag(X, t: np.ndarray):
    """The features with the treatment flag as one more column."""
    if isinstance(X, pd.DataFrame):
        return X.assign(__treatment=t)
    return np.column_stack([np.asarray(X, dtype=float), t])


def _fit_data(X, y, treatment) -> tuple[pd.DataFrame | np.ndarray, np.ndarray, np.ndarray]:
    X = X if isinstance(X, pd.DataFrame) else np.asarray(X, dtype=float)
    y, t = np.asarray(y, dtype=float), np.asarray(treatment, dtype=float)
    if not len(X) == len(y) == len(t):
        raise DataError(Message("uplift.error.rows"))
    if not np.isin(t, [0, 1]).all() or t.min() == t.max():
        raise DataError(Message("uplift.error.both_groups"))
    return X, y, t


class TLearner(BaseEstimator):
    """Two models: one learns the response of treated customers, one of control customers; the
    uplift is the difference of their predictions.

    Parameters
    ----------
    estimator : scikit-learn estimator, optional
        Classifier (0/1 outcome) or regressor; ``default_classifier()`` by default.
    control_model : fitted estimator, optional
        A model of the control customers' response that is already fitted on exactly these control
        customers, used as is (cross-fitting shares one across several treatment arms).

    References
    ----------
    Künzel, Sekhon, Bickel & Yu (2019). Metalearners for estimating heterogeneous treatment effects
    using machine learning. PNAS 116(10).
    """

    def __init__(self, estimator=None, control_model=None):
        self.estimator = estimator
        self.control_model = control_model

    def fit(self, X, y, treatment):
        """Fit the treated and the control model."""
        X, y, t = _fit_data(X, y, treatment)
        base = self.estimator if self.estimator is not None else default_classifier()
        self.model_treated_ = clone(base).fit(X[t == 1], y[t == 1])
        self.model_control_ = self.control_model if self.control_model is not None else \
            clone(base).fit(X[t == 0], y[t == 0])
        return self

    def predict(self, X) -> np.ndarray:
        """Predicted uplift per row."""
        return _mean_response(self.model_treated_, X) - _mean_response(self.model_control_, X)


class SLearner(BaseEstimator):
    """One model with the treatment flag as an extra feature; the uplift is its prediction with the
    flag on minus with the flag off.

    Parameters
    ----------
    estimator : scikit-learn estimator, optional
        ``default_classifier()`` by default.

    References
    ----------
    Künzel, Sekhon, Bickel & Yu (2019). Metalearners for estimating heterogeneous treatment effects
    using machine learning. PNAS 116(10).
    """

    def __init__(self, estimator=None):
        self.estimator = estimator

    def fit(self, X, y, treatment):
        """Fit one model on features plus the treatment flag."""
        X, y, t = _fit_data(X, y, treatment)
        base = self.estimator if self.estimator is not None else default_classifier()
        self.model_ = clone(base).fit(_with_flag(X, t), y)
        return self

    def predict(self, X) -> np.ndarray:
        """Predicted uplift per row."""
        ones = np.ones(len(X))
        return _mean_response(self.model_, _with_flag(X, ones)) - _mean_response(self.model_, _with_flag(X, 0 * ones))


class XLearner(BaseEstimator):
    """T-learner responses, then each group's imputed individual effects are modelled directly and
    blended by the share treated (the propensity, known in a randomised campaign).

    Parameters
    ----------
    estimator : scikit-learn estimator, optional
        Response models; ``default_classifier()`` by default.
    effect_estimator : scikit-learn regressor, optional
        Effect models; ``default_regressor()`` by default.
    response_models : TLearner, optional
        A T-learner already fitted on the same customers, whose two response models are used as is.

    References
    ----------
    Künzel, Sekhon, Bickel & Yu (2019). Metalearners for estimating heterogeneous treatment effects
    using machine learning. PNAS 116(10).
    """

    def __init__(self, estimator=None, effect_estimator=None, response_models=None):
        self.estimator = estimator
        self.effect_estimator = effect_estimator
        self.response_models = response_models

    def fit(self, X, y, treatment):
        """Fit response models, then effect models on the imputed effects."""
        X, y, t = _fit_data(X, y, treatment)
        effect = self.effect_estimator if self.effect_estimator is not None else default_regressor()
        Xt, Xc = X[t == 1], X[t == 0]
        responses = self.response_models if self.response_models is not None else \
            TLearner(self.estimator).fit(X, y, t)
        self.model_treated_, self.model_control_ = responses.model_treated_, responses.model_control_
        self.effect_treated_ = clone(effect).fit(Xt, y[t == 1] - _mean_response(self.model_control_, Xt))
        self.effect_control_ = clone(effect).fit(Xc, _mean_response(self.model_treated_, Xc) - y[t == 0])
        self.propensity_ = float(t.mean())
        return self

    def predict(self, X) -> np.ndarray:
        """Predicted uplift per row."""
        g = self.propensity_
        return g * self.effect_control_.predict(X) + (1 - g) * self.effect_treated_.predict(X)


class ClassTransformation(BaseEstimator):
    """One classifier on the transformed label z = 1 for treated buyers and control non-buyers;
    with the two groups weighted equally, uplift = 2 P(z = 1) - 1.

    Parameters
    ----------
    estimator : scikit-learn classifier, optional
        ``default_classifier()`` by default.

    References
    ----------
    Jaskowski & Jaroszewicz (2012). Uplift modeling for clinical trial data. ICML Workshop on
    Clinical Data Analysis.
    """

    def __init__(self, estimator=None):
        self.estimator = estimator

    def fit(self, X, y, treatment):
        """Fit the classifier on the transformed label, treated and control weighted to equal totals."""
        X, y, t = _fit_data(X, y, treatment)
        if not np.isin(y, [0, 1]).all():
            raise DataError(Message("uplift.error.class_transformation"))
        base = self.estimator if self.estimator is not None else default_classifier()
        z = (y * t + (1 - y) * (1 - t)).astype(int)
        weight = np.where(t == 1, 0.5 / t.mean(), 0.5 / (1 - t.mean()))
        self.model_ = clone(base).fit(X, z, sample_weight=weight)
        return self

    def predict(self, X) -> np.ndarray:
        """Predicted uplift per row."""
        return 2 * self.model_.predict_proba(X)[:, 1] - 1


MODELS = {"T-learner": TLearner, "S-learner": SLearner, "X-learner": XLearner,
          "Class transformation": ClassTransformation}


# --------------------------------------------------------------------------------------------
# Cross-fitting on an experiment table
# --------------------------------------------------------------------------------------------
def model_features(df: pd.DataFrame, features: list[str]) -> pd.DataFrame:
    """Features ready for the models: numbers as floats (gaps kept, the models handle them), text
    one-hot encoded (``channel=Web``; rare levels pooled into ``=other``, gaps into ``=missing``)."""
    if not features:
        raise DataError(Message("uplift.error.no_features"))
    missing = [c for c in features if c not in df.columns]
    if missing:
        raise DataError(Message("uplift.error.unknown_features", missing=", ".join(map(repr, missing))))
    out = {}
    for col in features:
        s = df[col]
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            out[col] = s.astype(float)
            continue
        s = s.astype("str").where(s.notna(), "missing")
        top = s.value_counts().index[:MAX_CATEGORIES]
        s = s.where(s.isin(top), "other")
        for level in sorted(s.unique()):
            out[f"{col}={level}"] = (s == level).astype(float)
    frame = pd.DataFrame(out, index=df.index)
    if (frame.nunique(dropna=True) < 2).all():
        raise DataError(Message("uplift.error.constant_features"))
    return frame


@dataclass(frozen=True)
class UpliftResult:
    """Cross-fitted uplift scores and their evaluation.

    Attributes
    ----------
    uplift : dict
        Treatment arm -> DataFrame (index of the input, one column per model): every customer's
        out-of-fold predicted uplift of that arm over control.
    baseline : Series
        Every customer's out-of-fold predicted outcome without treatment (control model).
    scores : DataFrame
        Per arm and model: ``arm, model, qini, qini_low, qini_high, uplift_auc, uplift_at_k,
        uplift_at_k_low, uplift_at_k_high, ate, ate_low, ate_high, gain_over_all,
        gain_over_all_low, gain_over_all_high, k, best`` (evaluated on that arm and control only).
    best : dict
        Arm -> name of the model with the highest Qini coefficient.
    deciles : dict
        Arm -> ``uplift_by_decile`` of the best model.
    outcome, control : str
    k : float
    n_folds : int
    """

    uplift: dict
    baseline: pd.Series
    scores: pd.DataFrame
    best: dict
    deciles: dict
    outcome: str
    control: str
    k: float
    n_folds: int


def _fit_fold(X: np.ndarray, a_np: np.ndarray, y_np: np.ndarray, control: str, treatments: list, models: tuple,
              train: np.ndarray, test: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, dict]:
    """One cross-fitting fold: fit on ``train``, predict baseline and every arm's uplift on ``test``."""
    # small models: one OpenMP thread each (folds run in parallel threads instead); two OpenMP
    # threads per model spin-wait badly when the machine is busy
    with threadpool_limits(limits=1, user_api="openmp"):
        Xtr, Xte = X[train], X[test]
        is_ctl = a_np[train] == control
        control_model = default_classifier(seed).fit(Xtr[is_ctl], y_np[train][is_ctl])
        baseline = control_model.predict_proba(Xte)[:, 1]
        preds = {}
        for a in treatments:
            rows = is_ctl | (a_np[train] == a)
            Xa, ya, t = Xtr[rows], y_np[train][rows], (a_np[train][rows] == a).astype(float)
            # the T-learner's response models are the X-learner's first stage: fit them once
            t_learner = TLearner(default_classifier(seed), control_model=control_model).fit(Xa, ya, t) \
                if {"T-learner", "X-learner"} & set(models) else None
            for name in models:
                if name == "T-learner":
                    est = t_learner
                elif name == "X-learner":
                    est = XLearner(effect_estimator=default_regressor(seed), response_models=t_learner).fit(Xa, ya, t)
                else:
                    est = MODELS[name](default_classifier(seed)).fit(Xa, ya, t)
                preds[a, name] = est.predict(Xte)
    return test, baseline, preds


def fit_uplift(df: pd.DataFrame, arm: str, outcome: str, control, features: list[str], *,
               models: tuple[str, ...] = tuple(MODELS), n_folds: int = 5, k: float = 0.3, n_boot: int = 200,
               random_state: int = 0, n_jobs: int = 2, progress=None) -> UpliftResult:
    """Cross-fit every model for every treatment arm and evaluate the out-of-fold scores.

    Customers are split into ``n_folds`` folds (stratified by arm and outcome); each fold is scored
    by models trained on the other folds, so no customer's score has seen that customer's outcome.

    Parameters
    ----------
    df : DataFrame
        One row per customer.
    arm, outcome, control : str
        Arm column, 0/1 outcome column, control arm.
    features : list of str
        Feature columns (numbers or text categories; missing values allowed).
    models : tuple of str
        Keys of ``MODELS``.
    n_folds : int
        Cross-fitting folds.
    k : float
        Share targeted for uplift@k.
    n_boot : int
        Bootstrap replicates for the intervals.
    random_state : int
        Seed for folds, models and the bootstrap.
    n_jobs : int
        Folds fitted at the same time (threads).
    progress : callable, optional
        Called with (folds done, folds, message) as folds finish.

    Returns
    -------
    UpliftResult
    """
    checked = checked_outcome(df, arm, outcome, control)
    arms, y = checked["arm"], checked["outcome"]
    control = str(control)
    if not np.isin(y.to_numpy(), [0, 1]).all():
        raise DataError(Message("uplift.error.not_binary", outcome=repr(outcome)))
    unknown = [m for m in models if m not in MODELS]
    if unknown or not models:
        raise DataError(Message("uplift.error.unknown_models", unknown=str(unknown), known=", ".join(MODELS)))
    X = model_features(df, features).to_numpy(dtype=float)
    treatments = sorted((a for a in arms.unique() if a != control), key=natural_key)
    counts = pd.crosstab(arms, y).reindex(columns=[0.0, 1.0], fill_value=0)
    for a in [control, *treatments]:
        if counts.loc[a].min() < n_folds:
            raise DataError(Message("uplift.error.small_arm", arm=repr(a), folds=n_folds, outcome=repr(outcome)))
    a_np, y_np = arms.to_numpy(), y.to_numpy()
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=random_state)
    uplift = {a: pd.DataFrame(np.nan, index=df.index, columns=list(models)) for a in treatments}
    baseline = pd.Series(np.nan, index=df.index, name="baseline")
    strata = pd.Series(a_np) + "|" + y.astype(int).astype(str).to_numpy()
    jobs = (delayed(_fit_fold)(X, a_np, y_np, control, treatments, models, train, test, random_state + fold)
            for fold, (train, test) in enumerate(folds.split(X, strata)))
    for done, (test, base, preds) in enumerate(
            Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator_unordered")(jobs), start=1):
        baseline.iloc[test] = base
        for (a, name), p in preds.items():
            uplift[a].iloc[test, uplift[a].columns.get_loc(name)] = p
        if progress is not None:
            progress(done, n_folds, f"{done} of {n_folds} folds fitted")
    parts, best, deciles = [], {}, {}
    for a in treatments:
        mask = (a_np == a) | (a_np == control)
        t = (a_np[mask] == a).astype(float)
        ev = evaluate_scores(y_np[mask], uplift[a][mask], t, k=k, n_boot=n_boot, random_state=random_state)
        parts.append(ev.assign(arm=a))
        best[a] = str(ev.loc[ev["qini"].idxmax(), "model"])
        deciles[a] = uplift_by_decile(y_np[mask], uplift[a][best[a]].to_numpy()[mask], t)
    scores = pd.concat(parts, ignore_index=True)
    scores = scores[["arm"] + [c for c in scores.columns if c != "arm"]]
    scores["best"] = [best[a] == m for a, m in zip(scores["arm"], scores["model"])]
    return UpliftResult(uplift=uplift, baseline=baseline, scores=scores, best=best, deciles=deciles,
                        outcome=outcome, control=control, k=k, n_folds=n_folds)


# --------------------------------------------------------------------------------------------
# Verdicts
# --------------------------------------------------------------------------------------------
def targeting_verdict(row: pd.Series | dict, arm: str) -> Message:
    """Model versus random versus treat-everyone, in plain words, from a ``scores`` row.

    The model beats random targeting only when the bootstrap interval of its Qini coefficient lies
    above zero; otherwise the verdict says so rather than sell the model. Returns a catalogue
    ``Message`` (the model named by its ``uplift_model`` term; uplifts in points).
    """
    r = dict(row)
    values = {"arm": arm, "model": Message(f"uplift_model.{r['model']}"), "qini": r["qini"],
              "qini_low": r["qini_low"], "qini_high": r["qini_high"], "k": r["k"],
              **{name: 100 * r[name] for name in ("ate", "ate_low", "ate_high", "gain_over_all", "gain_over_all_low",
                                                  "gain_over_all_high")}}
    if r["qini_low"] > 0 and r["gain_over_all_low"] > 0:
        return Message("uplift.verdict.clear", **values)
    if r["qini_low"] > 0:
        return Message("uplift.verdict.ranks", **values)
    everyone = "uplift.verdict.everyone_pays" if r["ate_low"] > 0 else "uplift.verdict.everyone_unsure"
    return Message("uplift.verdict.barely", everyone=Message(everyone, **values), **values)
