"""Who is about to stop buying, when each customer should order next, and how cohorts of new
customers keep buying.

Churn risk (``churn_risk``) is the probability that a customer makes no purchase in the next
``horizon_days``. Two routes estimate it and a time holdout picks one per dataset:

- ``btyd``: the BG/NBD model of ``promo_core.clv`` (Fader, Hardie & Lee 2005). A customer who is
  still active buys as a Poisson process whose rate, given their history, is gamma(r + x,
  alpha + T); so P(no purchase in t) = 1 - P(alive) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x)).
- ``classifier``: gradient boosting (scikit-learn's histogram gradient boosting) on behaviour
  features: recency, frequency, tenure, spend, the usual gap between orders and its spread, how
  overdue the next order is, orders in the last and the previous window (the trend), the online
  share and the discount share. It learns from the past: features up to a cut date, label "did
  not buy in the ``horizon_days`` after it".

The holdout: the classifier is trained on the features at ``as_of - 2 * horizon_days`` with the
labels of the window that follows, and both routes (the BG/NBD refitted on the data up to the
cut) score the customers at ``as_of - horizon_days``, whose outcome over the last
``horizon_days`` is known. AUC (does the score rank leavers above stayers: 0.5 is a coin, 1
perfect), Brier score (mean squared error of the probability: lower is better) and a calibration
table are reported for both and for the naive rule "the longer since the last order, the likelier
gone" (days since the last order, turned into a probability by the churn rates of the training
window). The route with the higher AUC is chosen; it is then refitted on everything up to
``as_of``.

Bands follow Klaviyo's convention: low below 1/3, medium from 1/3 to 2/3, high from 2/3.

Cohort retention (``cohort_table``) is Shopify's report: customers grouped by the period of their
first purchase, and for each later period the share of them who bought again and the revenue
they brought, relative to their first period.

A purchase is a day with a line that is not a return, as in ``promo_core.clv``; guest lines are
left out. Per-line work runs in the source's engine; only one row per customer (or per cohort and
period) comes back.
"""
from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import permutation_importance
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from threadpoolctl import threadpool_limits

from promo_core import clv
from promo_core.dates import order_span
from promo_core.engine import SalesSource, exact_sum, fetch, sales_table
from promo_core.errors import DataError
from promo_core.segments import OrderSource, customer_orders, stratified_sample, to_day
from promo_core.text import Message

BANDS = ("low", "medium", "high")
BAND_EDGES = (1 / 3, 2 / 3)  # Klaviyo's churn-risk bands: under 33 %, 33-66 %, over 66 %
ROUTES = ("btyd", "classifier", "naive")
MODEL_ROUTES = ("btyd", "classifier")  # the routes that can be chosen; the naive rule is the yardstick
FEATURES = ["recency_days", "tenure_days", "orders", "mean_days_between_orders", "gap_spread_days",
            "overdue_ratio", "orders_recent", "orders_before", "revenue", "revenue_per_order", "online_share",
            "discount_share"]
MIN_HORIZON_DAYS = 7
MIN_TRAIN_CUSTOMERS = 50  # below this a classifier learns noise; the BG/NBD route is used alone
HOLDOUT_SIZE = 100_000  # at most this many customers compare the routes on the holdout (see _holdout)
OVERDUE = 1.5  # a customer is overdue when the days since their last order exceed 1.5 usual gaps
PERIODS = {"W": "week", "M": "month", "Q": "quarter", "Y": "year"}
_NEEDS = ["customer_id", "order_date", "revenue", "is_return"]


@dataclass(frozen=True)
class ChurnRisk:
    """Every customer's churn risk and how the routes fared on the holdout.

    Attributes
    ----------
    customers : DataFrame
        One row per customer with a purchase by ``as_of`` (sorted by customer_id):
        ``customer_id``, ``p_churn`` (of the chosen route), ``band`` (low / medium / high),
        ``p_churn_btyd``, ``p_churn_classifier`` (NaN when that route could not run),
        ``last_order``, ``expected_next_order`` (last order plus the usual gap; NaT after a single
        order), ``mean_days_between_orders``, the other behaviour features and ``drivers`` (a
        ``Message``: what raises or lowers this customer's risk, in words; only when asked for).
    route : str
        The chosen route: 'btyd' or 'classifier'.
    evaluation : DataFrame or None
        One row per route ('btyd', 'classifier', 'naive'): ``route``, ``auc``, ``brier``,
        ``customers`` (scored on the holdout: at most ``HOLDOUT_SIZE``, a sample beyond),
        ``churned`` (share who did not buy in the holdout window). None when the data is too short
        for a holdout (then ``route`` is 'btyd').
    calibration : DataFrame or None
        ``route``, ``bin``, ``predicted`` (mean probability), ``observed`` (share who did not
        buy), ``customers``: ten bins of equal size per route.
    importance : DataFrame or None
        The classifier's features by how much the holdout AUC drops when each is shuffled
        (``feature``, ``auc_drop``); None without a classifier.
    as_of, cut, train_cut : Timestamp
        The scoring day, the holdout's start (``as_of - horizon_days``) and the classifier's
        training cut (``as_of - 2 * horizon_days``).
    horizon_days : int
    bgnbd : clv.BGNBDFit
        The BG/NBD fitted on everything up to ``as_of``.
    problem : Message or None
        Why the holdout or the classifier could not run, when it could not.
    """

    customers: pd.DataFrame
    route: str
    evaluation: pd.DataFrame | None
    calibration: pd.DataFrame | None
    importance: pd.DataFrame | None
    as_of: pd.Timestamp
    cut: pd.Timestamp
    train_cut: pd.Timestamp
    horizon_days: int
    bgnbd: clv.BGNBDFit
    problem: Message | None = None

    @property
    def winner_beats_naive(self) -> bool | None:
        """Whether the chosen route ranks leavers better than days since the last order (None
        without a holdout)."""
        if self.evaluation is None:
            return None
        auc = self.evaluation.set_index("route")["auc"]
        return bool(auc[self.route] > auc["naive"])


def band(p_churn) -> np.ndarray:
    """Klaviyo's risk band of each probability: 'low' below 1/3, 'medium' below 2/3, else 'high'."""
    p = np.asarray(p_churn, dtype=float)
    return np.array(BANDS, dtype=object)[np.searchsorted(BAND_EDGES, p, side="right")]


def p_no_purchase(fit: clv.BGNBDFit, t: float, frequency, recency, T) -> np.ndarray:
    """BG/NBD probability of no purchase in the next ``t`` units: dead already, or alive and
    silent (the rate's posterior given alive is gamma(r + x, alpha + T), so silence over ``t`` has
    probability ((alpha + T) / (alpha + T + t)) ** (r + x))."""
    x, T = np.asarray(frequency, dtype=float), np.asarray(T, dtype=float)
    alive = fit.p_alive(x, recency, T)
    silent = np.exp((fit.r + x) * (np.log(fit.alpha + T) - np.log(fit.alpha + T + t)))
    return 1.0 - alive * (1.0 - silent)


# --------------------------------------------------------------------------------------------
# Behaviour features, computed in the engine
# --------------------------------------------------------------------------------------------
class _Lines:
    """A source's purchase days (``segments.CustomerOrders.purchase_days``: customer, day,
    revenue; whether online, whether discounted; the gap since the previous day), in its engine.

    Read from ``segments.customer_orders`` rows: given the Segments analysis's kept grouping (one
    row per customer, order, day and channel) the days are regrouped from it instead of from every
    line (on 20 million lines the three feature tables cost 18 CPU-seconds read from the lines),
    and kept for the BTYD summary too; a stored dataset's days were grouped when it was loaded.
    """

    def __init__(self, transactions: OrderSource):
        self.orders = customer_orders(transactions, _NEEDS)
        span = self.orders.span
        if not span.customer_lines:
            raise DataError(Message("clv.error.no_customer_ids"))
        self.first_day = to_day(span.first, "first_order")
        self.last_day = to_day(span.last, "last_order")

    def __enter__(self) -> "_Lines":
        """The purchase days kept in the engine (a temporary table) until the block ends: three
        feature tables and two sets of buyers read them."""
        self._stack = ExitStack()
        self.days = self.orders.purchase_days()  # (kept with a grouping, or stored)
        if not self.orders.grouped:  # straight from the lines, kept for this block only
            self.days = self.days.cache()
            self._stack.callback(self.days.release)
        self.flags = [k for k in ("online", "discount") if k in self.days.columns]
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def features(self, day: pd.Timestamp, window: int) -> pd.DataFrame:
        """One row per customer with a purchase on or before ``day``: ``FEATURES`` and
        ``first_order``, ``last_order``; ``window`` days make the recent and the previous window."""
        d = ibis.literal(day.date())
        days = self.days.filter(self.days.day <= d)
        since = d.delta(days.day, unit="day")
        per = days.group_by("customer_id").aggregate(
            orders=days.count(), first=days.day.min(), last=days.day.max(), revenue=exact_sum(days.value),
            gap_spread_days=days.gap.std(), orders_recent=days.count(where=since < window),
            orders_before=days.count(where=(since >= window) & (since < 2 * window)),
            **{f"{k}_share": days[k].mean() for k in self.flags})
        out = fetch(per.order_by("customer_id"))
        out["customer_id"] = out["customer_id"].astype("str")
        first = pd.to_datetime(out.pop("first")).astype("datetime64[us]")
        last = pd.to_datetime(out.pop("last")).astype("datetime64[us]")
        orders = out["orders"].astype(float)
        out["first_order"], out["last_order"] = first, last
        out["recency_days"] = (day - last).dt.days.astype(float)
        out["tenure_days"] = (day - first).dt.days.astype(float)
        out["mean_days_between_orders"] = ((last - first).dt.days / (orders - 1)).where(orders > 1)
        out["overdue_ratio"] = out["recency_days"] / out["mean_days_between_orders"]
        out["revenue"] = out["revenue"].astype(float)
        out["revenue_per_order"] = out["revenue"] / orders
        for col in FEATURES:
            if col not in out.columns:
                out[col] = np.nan
            out[col] = out[col].astype(float)
        return out

    def churned(self, customers: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
        """Whether each of ``customers`` (ids) made no purchase after ``start`` and on or before ``end``.

        Why Arrow's ``is_in`` and not ``Series.isin``: pandas builds one Arrow scalar per value of
        the set, 3 CPU-seconds for the 380,000 buyers of 20 million lines; this is a hash lookup.
        """
        days = self.days.filter(self.days.day > ibis.literal(start.date()), self.days.day <= ibis.literal(end.date()))
        buyers = fetch(days.select("customer_id").distinct())["customer_id"].astype("str")
        found = pc.is_in(pa.array(customers.astype("str").array), value_set=pa.array(buyers.array))
        return ~found.to_numpy(zero_copy_only=False)


def _summary(features: pd.DataFrame) -> pd.DataFrame:
    """The BTYD summary (``clv.customer_summary``'s definitions, in days) from the features."""
    span = (features["last_order"] - features["first_order"]).dt.days.astype(float)
    return pd.DataFrame({"customer_id": features["customer_id"], "frequency": features["orders"].astype(np.int64) - 1,
                         "recency": span, "T": features["tenure_days"]})


def _btyd(features: pd.DataFrame, horizon_days: int,
          fit: clv.BGNBDFit | None = None) -> tuple[np.ndarray, clv.BGNBDFit]:
    summary = _summary(features)
    if fit is None:
        fit = clv.fit_bgnbd(summary, "D")
    elif fit.n_customers != len(summary) or fit.time_unit != "D":
        raise ValueError(f"the BG/NBD given was fitted on {fit.n_customers} customers in '{fit.time_unit}', "
                         f"not on these {len(summary)} in days")
    return p_no_purchase(fit, horizon_days, summary["frequency"], summary["recency"], summary["T"]), fit


def _classifier(random_state: int = 0) -> HistGradientBoostingClassifier:
    """Gradient boosting with early stopping on a tenth of the training customers: shallow trees,
    as churn depends on a few behaviours and their interactions."""
    return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, max_leaf_nodes=15, min_samples_leaf=40,
                                          l2_regularization=1.0, early_stopping=True, validation_fraction=0.1,
                                          random_state=random_state)


class _ChurnClassifier:
    """Gradient boosting on the behaviour features that vary in its training data (a feature with
    one value, such as the online share of a shop without a web channel, says nothing).

    With more than ``FIT_SIZE`` training customers it learns from a sample of that many, stayers
    and leavers keeping their shares (``segments.stratified_sample``). Why: two fits on the
    500,000 customers of 20 million lines took 13 CPU-seconds, and trees of at least 40 customers
    a leaf settle long before; every customer is still scored. Up to ``FIT_SIZE`` customers (the
    demo's 20,000) every one is used, as before.
    """

    FIT_SIZE = 100_000

    def __init__(self, features: pd.DataFrame, churned: np.ndarray, random_state: int):
        X = features[FEATURES].to_numpy(dtype=float)
        if len(X) < MIN_TRAIN_CUSTOMERS or churned.all() or not churned.any():
            raise DataError(Message("retention.error.classifier", customers=len(X)))
        fitted = stratified_sample(churned, self.FIT_SIZE, random_state)
        X, churned = X[fitted], churned[fitted]
        varies = [i for i in range(X.shape[1]) if len(np.unique(X[~np.isnan(X[:, i]), i])) > 1]
        self.columns = [FEATURES[i] for i in varies]
        with threadpool_limits(1):  # (OpenMP threads on a busy server spin more than they compute)
            self.model = _classifier(random_state).fit(X[:, varies], churned)

    def matrix(self, features: pd.DataFrame) -> np.ndarray:
        return features[self.columns].to_numpy(dtype=float)

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """P(no purchase in the window) of each customer."""
        with threadpool_limits(1):
            return self.model.predict_proba(self.matrix(features))[:, 1]


def _metrics(route: str, p: np.ndarray, churned: np.ndarray) -> dict:
    auc = roc_auc_score(churned, p) if 0 < churned.sum() < len(churned) else np.nan
    return {"route": route, "auc": float(auc), "brier": float(brier_score_loss(churned, p)), "customers": len(p),
            "churned": float(churned.mean())}


def calibration_table(route: str, p: np.ndarray, churned: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Mean predicted probability beside the observed churn rate in ``bins`` groups of customers
    of equal size, ordered by the prediction: a calibrated route lies on the diagonal."""
    order = np.argsort(p, kind="stable")
    groups = np.array_split(order, min(bins, len(p)))
    return pd.DataFrame({"route": route, "bin": np.arange(1, len(groups) + 1),
                         "predicted": [float(p[g].mean()) for g in groups],
                         "observed": [float(churned[g].mean()) for g in groups],
                         "customers": [len(g) for g in groups]})


def _drivers(f: pd.DataFrame, window: int) -> list[Message]:
    """What drives each customer's risk, in words: a single order so far, overdue against their
    own rhythm, buying less than in the window before, or on rhythm."""
    days = f["recency_days"].to_numpy(dtype=np.int64).tolist()
    usual = f["mean_days_between_orders"].to_numpy(dtype=float).tolist()
    kind = np.select([f["orders"].to_numpy() <= 1, f["overdue_ratio"].to_numpy() > OVERDUE],
                     ["retention.driver.one_order", "retention.driver.overdue"], "retention.driver.on_rhythm").tolist()
    recent = f["orders_recent"].to_numpy(dtype=np.int64).tolist()
    before = f["orders_before"].to_numpy(dtype=np.int64).tolist()
    out = []
    for k, d, u, r, b in zip(kind, days, usual, recent, before):
        first = Message(k, days=d) if k == "retention.driver.one_order" else Message(k, days=d, usual=u)
        reasons = (first, Message("retention.driver.slowing", recent=r, before=b, days=window)) if r < b else (first,)
        out.append(Message("retention.drivers", reasons=reasons))
    return out


def churn_risk(transactions: OrderSource, as_of=None, horizon_days: int = 90, random_state: int = 0,
               drivers: bool = True, bgnbd: clv.BGNBDFit | None = None, every_route: bool = True) -> ChurnRisk:
    """Each customer's probability of making no purchase in the next ``horizon_days``, by the
    route that predicted best on a time holdout.

    Parameters
    ----------
    transactions : DataFrame, ibis.Table or segments.CustomerOrders
        Order lines (see ``promo_core.engine.sales_table``), or their ``segments.customer_orders``;
        ``channel``, ``discount`` and ``coupon_code`` feed the classifier when present.
    as_of : date-like, optional
        The day to score from (later lines are ignored); default the data's last day.
    horizon_days : int
        The window "no purchase in the next ..." refers to (90: Klaviyo's and most retailers'
        quarter).
    random_state : int
        Seed of the classifier: the same data and settings give the same scores.
    drivers : bool
        Whether ``customers`` gets each customer's ``drivers`` in words. False for a caller that
        needs only the probabilities (the Segments page's headline): the words are one message per
        customer, 7 CPU-seconds for half a million customers.
    bgnbd : clv.BGNBDFit, optional
        The BG/NBD already fitted on these customers as of ``as_of`` in days (``clv.lifetime_value``'s:
        the BTYD route's summary is the same table, so its fit is the same), used instead of fitting
        it again (1 to 2 CPU-seconds on half a million customers).
    every_route : bool
        Whether ``customers`` also gets the scores of the route not chosen. False for a caller that
        reads only ``p_churn`` (the Segments page's headline): when the BG/NBD route wins, the
        classifier is not refitted to score every customer (1.3 CPU-seconds on half a million) and
        ``p_churn_classifier`` is NaN.

    Returns
    -------
    ChurnRisk

    Raises
    ------
    DataError
        When no customer can be scored or the BG/NBD cannot be fitted (too short a history, too
        few repeat customers). A history too short for the holdout or the classifier is no error:
        the BG/NBD route is used and ``problem`` says why.
    """
    if not isinstance(horizon_days, (int, np.integer)) or horizon_days < MIN_HORIZON_DAYS:
        raise DataError(Message("retention.error.horizon", days=horizon_days, least=MIN_HORIZON_DAYS))
    horizon_days = int(horizon_days)
    with _Lines(transactions) as lines:
        as_of = lines.last_day if as_of is None else to_day(as_of, "as_of")
        cut, train_cut = as_of - pd.Timedelta(days=horizon_days), as_of - pd.Timedelta(days=2 * horizon_days)
        now = lines.features(as_of, horizon_days)
        if now.empty:
            raise DataError(Message("clv.error.no_purchase_by", end=as_of, last_day=lines.last_day))
        history = float(now["tenure_days"].max())
        if history < clv.MIN_HISTORY_DAYS:
            raise DataError(Message("clv.error.short_history", needed=clv.MIN_HISTORY_DAYS, days=history))
        p_btyd, fit = _btyd(now, horizon_days, bgnbd)
        scores = {"btyd": p_btyd, "classifier": np.full(len(now), np.nan)}
        evaluation = calibration = importance = problem = None
        route = "btyd"
        if (cut - lines.first_day).days < clv.MIN_HISTORY_DAYS + horizon_days:
            problem = Message("retention.note.no_holdout", days=(as_of - lines.first_day).days,
                              needed=2 * horizon_days + clv.MIN_HISTORY_DAYS, horizon=horizon_days)
        else:
            test = lines.features(cut, horizon_days)
            churned = lines.churned(test["customer_id"], cut, as_of)
            evaluation, calibration, importance, classifier, problem = _holdout(lines, test, churned, train_cut,
                                                                                horizon_days, random_state)
            if classifier is not None:
                auc = evaluation.set_index("route")["auc"]
                route = "classifier" if auc["classifier"] > auc["btyd"] else "btyd"
                if every_route or route == "classifier":  # refit on the latest complete window, then score today
                    scores["classifier"] = _ChurnClassifier(test, churned, random_state).predict(now)
    out = now[["customer_id"]].copy()
    out["p_churn"] = scores[route]
    out["band"] = pd.Categorical(band(out["p_churn"]), categories=list(BANDS), ordered=True)
    out["p_churn_btyd"], out["p_churn_classifier"] = scores["btyd"], scores["classifier"]
    out["last_order"] = now["last_order"]
    out["expected_next_order"] = now["last_order"] + pd.to_timedelta(now["mean_days_between_orders"].round(), unit="D")
    for col in ("mean_days_between_orders", "recency_days", "orders", "orders_recent", "orders_before", "revenue",
                "overdue_ratio", "online_share", "discount_share"):
        out[col] = now[col]
    if drivers:
        out["drivers"] = _drivers(now, horizon_days)
    return ChurnRisk(customers=out.reset_index(drop=True), route=route, evaluation=evaluation, calibration=calibration,
                     importance=importance, as_of=as_of, cut=cut, train_cut=train_cut, horizon_days=horizon_days,
                     bgnbd=fit, problem=problem)


def _holdout(lines: _Lines, test: pd.DataFrame, churned: np.ndarray, train_cut: pd.Timestamp, horizon_days: int,
             random_state: int):
    """AUC, Brier score and calibration of both routes and the naive rule on ``test`` (the
    customers known at the cut, ``horizon_days`` after ``train_cut``), whose outcome ``churned``
    is known; the classifier and the naive rule learn from the window before.

    With more than ``HOLDOUT_SIZE`` customers at the cut the routes are compared on a sample of
    that many, leavers and stayers keeping their shares (``segments.stratified_sample``): the
    BG/NBD refitted at the cut, the classifier's and the naive rule's scores, the AUCs and the
    calibration. Why: on the 500,000 customers of 20 million lines churn_risk took 11.5
    CPU-seconds with all of them and 9.7 to 10.6 with the sample, whose AUCs are within 0.003 of
    all.
    Up to ``HOLDOUT_SIZE`` customers (the demo's 20,000) every one is scored, as before.
    """
    scored = stratified_sample(churned, HOLDOUT_SIZE, random_state)
    test, churned = test.iloc[scored], churned[scored]
    cut = train_cut + pd.Timedelta(days=horizon_days)
    p_btyd, _ = _btyd(test, horizon_days)
    train = lines.features(train_cut, horizon_days) if train_cut > lines.first_day else test.iloc[:0]
    train_churned = lines.churned(train["customer_id"], train_cut, cut)
    # the naive rule: days since the last order, as the churn rate of the training window at that recency
    naive_from = (train["recency_days"], train_churned) if len(train) else (test["recency_days"], churned)
    naive = IsotonicRegression(y_min=0, y_max=1, increasing=True, out_of_bounds="clip").fit(*naive_from)
    p_naive = naive.predict(test["recency_days"])
    rows = [_metrics("btyd", p_btyd, churned)]
    tables = [calibration_table("btyd", p_btyd, churned)]
    classifier = importance = problem = None
    try:
        classifier = _ChurnClassifier(train, train_churned, random_state)
    except DataError as exc:
        problem = exc.message
    if classifier is not None:
        p_clf = classifier.predict(test)
        rows.append(_metrics("classifier", p_clf, churned))
        tables.append(calibration_table("classifier", p_clf, churned))
        importance = _importance(classifier, test, churned, random_state)
    rows.append(_metrics("naive", p_naive, churned))
    tables.append(calibration_table("naive", p_naive, churned))
    return pd.DataFrame(rows), pd.concat(tables, ignore_index=True), importance, classifier, problem


def _importance(classifier: _ChurnClassifier, test: pd.DataFrame, churned: np.ndarray, random_state: int,
                sample: int = 2000) -> pd.DataFrame | None:
    """How much the holdout AUC drops when each feature is shuffled (on at most ``sample``
    customers: the ranking of features settles long before every customer is used)."""
    X = classifier.matrix(test)
    rng = np.random.default_rng(random_state)
    pick = rng.choice(len(X), min(sample, len(X)), replace=False)
    if churned[pick].all() or not churned[pick].any():
        return None
    with threadpool_limits(1):
        found = permutation_importance(classifier.model, X[pick], churned[pick], scoring="roc_auc", n_repeats=2,
                                       random_state=random_state)
    return (pd.DataFrame({"feature": classifier.columns, "auc_drop": found.importances_mean})
            .sort_values("auc_drop", ascending=False, kind="stable").reset_index(drop=True))


# --------------------------------------------------------------------------------------------
# Cohort retention
# --------------------------------------------------------------------------------------------
def _periods_between(later: ir.TimestampValue, earlier: ir.TimestampValue, period: str) -> ir.IntegerValue:
    """Whole periods from ``earlier`` to ``later`` (both truncated to ``period``)."""
    if period == "W":
        return later.date().delta(earlier.date(), unit="day") // 7
    if period == "Y":
        return later.year() - earlier.year()
    months = (later.year() - earlier.year()) * 12 + later.month() - earlier.month()
    return months // 3 if period == "Q" else months


def cohort_table(transactions: SalesSource, period: str = "M") -> pd.DataFrame:
    """Customers and revenue retained per first-purchase cohort and period since, as Shopify's
    cohort report.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Order lines (see ``promo_core.engine.sales_table``).
    period : {'W', 'M', 'Q', 'Y'}
        Calendar weeks (from Monday), months, quarters or years.

    Returns
    -------
    DataFrame
        One row per cohort and period since its first (0, 1, ... up to the data's last period;
        periods without a purchase are there with 0): ``cohort`` (the period's first day),
        ``period`` (periods since), ``customers`` (of the cohort who bought in that period),
        ``revenue`` (their net revenue in it: returns deducted), ``cohort_customers``,
        ``customer_share`` (customers / cohort_customers) and ``revenue_share`` (revenue / the
        cohort's revenue in its first period; NaN without prices). The last period may be partial
        (the data ends inside it). Sorted by cohort and period.
    """
    if period not in PERIODS:
        raise DataError(Message("retention.error.period", period=str(period), allowed=tuple(PERIODS)))
    sales = sales_table(transactions, _NEEDS)
    span = order_span(sales)
    if not span.customer_lines:
        raise DataError(Message("clv.error.no_customer_ids"))
    lines = sales.filter(sales.customer_id.notnull())
    # one pass over the lines: each customer's periods, whether they bought in each, and its revenue
    per = lines.group_by(["customer_id", lines.order_date.truncate(period).name("at")]).aggregate(
        bought=(~lines.is_return).any(), revenue=exact_sum(lines.revenue))
    first = per.filter(per.bought).group_by("customer_id").aggregate(cohort=per.at.min())
    joined = per.inner_join(first, "customer_id")
    cells = joined.select("cohort", "bought", "revenue", period=_periods_between(joined.at, joined.cohort, period))
    cells = cells.filter(cells.period >= 0)  # (returns before a customer's first purchase belong to no cohort period)
    grid = fetch(cells.group_by(["cohort", "period"]).aggregate(customers=cells.count(where=cells.bought),
                                                                  revenue=exact_sum(cells.revenue)))
    if grid.empty:
        raise DataError(Message("retention.error.no_purchases"))
    grid["cohort"] = pd.to_datetime(grid["cohort"]).astype("datetime64[us]")
    grid["period"] = grid["period"].astype(np.int64)
    last = pd.Timestamp(span.last).to_period(_pandas_period(period)).start_time
    cohorts = np.sort(grid["cohort"].unique())
    full = pd.DataFrame([(c, p) for c in cohorts for p in range(_count_periods(pd.Timestamp(c), last, period) + 1)],
                        columns=["cohort", "period"])
    full["cohort"] = full["cohort"].astype("datetime64[us]")
    out = full.merge(grid, on=["cohort", "period"], how="left")
    out["customers"] = out["customers"].fillna(0).astype(np.int64)
    start = out[out["period"] == 0].set_index("cohort")
    out["cohort_customers"] = out["cohort"].map(start["customers"]).astype(np.int64)
    out["customer_share"] = out["customers"] / out["cohort_customers"]
    has_money = bool(grid["revenue"].notna().any())
    out["revenue"] = out["revenue"].astype(float).fillna(0.0) if has_money else np.nan
    out["revenue_share"] = out["revenue"] / out["cohort"].map(start["revenue"]).replace(0, np.nan)
    return out.sort_values(["cohort", "period"]).reset_index(drop=True)


def _pandas_period(period: str) -> str:
    return {"W": "W-SUN", "M": "M", "Q": "Q", "Y": "Y"}[period]


def _count_periods(cohort: pd.Timestamp, last: pd.Timestamp, period: str) -> int:
    """Whole periods from a cohort's first day to the first day of the data's last period."""
    if period == "W":
        return (last - cohort).days // 7
    months = (last.year - cohort.year) * 12 + last.month - cohort.month
    return {"M": months, "Q": months // 3, "Y": last.year - cohort.year}[period]
