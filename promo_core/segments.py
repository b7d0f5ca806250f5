"""Who the customers are: RFM scores and the eleven named segments, behavioural clusters with
plain-language profiles and rules, segment migration between two dates, the online / offline
mix, and the playbook of next best actions per segment.

The functions that read order lines take a *source*: a DataFrame or an Ibis table (the
workspace's DuckDB, a Spark table), see ``promo_core.engine.sales_table``; the per-line work runs in
its engine and only per-customer tables come back.

Conventions shared with the Data page: guest lines (no customer id) are left out of customer
analytics and counted; returns stay in the data, so ``monetary`` is revenue net of returns, while
an order made only of returns is not a purchase (it neither counts as an order nor makes a
customer recent).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

from promo_core.dates import check_day, order_span
from promo_core.engine import SalesSource, fetch, most_common, sales_table
from promo_core.errors import DataError
from promo_core.i18n import fmt_number, fmt_pct, text

# --------------------------------------------------------------------------------------------
# The eleven segments
# --------------------------------------------------------------------------------------------
SEGMENTS = ["Champions", "Loyal Customers", "Potential Loyalists", "New Customers", "Promising",
            "Need Attention", "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost"]

# segment -> (Chinese name, English description, Chinese description)
SEGMENT_INFO = {
    "Champions": ("冠军客户", "Bought recently, buy often and spend the most.", "最近购买、购买频繁且消费最高。"),
    "Loyal Customers": ("忠诚客户", "Buy often and spend well; respond to loyalty offers.",
                        "经常购买、消费不错，对会员权益有反应。"),
    "Potential Loyalists": ("潜在忠诚客户", "Recent customers with a few orders: nurture them into regulars.",
                            "最近购买过几次的客户，值得培养成常客。"),
    "New Customers": ("新客户", "Bought for the first time very recently.", "最近刚完成首次购买。"),
    "Promising": ("有潜力客户", "Recent one-off shoppers who have not spent much yet.", "最近的单次购买者，消费还不多。"),
    "Need Attention": ("需要关注", "Average recency, frequency and spend; slipping without a nudge.",
                       "最近度、频率和消费都居中，不加关注就会流失。"),
    "About to Sleep": ("即将沉睡", "Below-average recency and a small history; will drift off soon.",
                       "最近度偏低、购买历史较少，很快会沉睡。"),
    "At Risk": ("有流失风险", "Used to buy often and spend well, but not for a while.", "以前购买频繁、消费不错，但已有一段时间没买。"),
    "Can't Lose Them": ("不能失去的客户", "Were among the best customers, but have not come back for long.",
                        "曾是最好的客户之一，但很久没有回来了。"),
    "Hibernating": ("休眠客户", "Low spend and few orders, long ago.", "消费低、订单少，且很久以前。"),
    "Lost": ("已流失", "Lowest recency, frequency and spend.", "最近度、频率和消费都最低。"),
}

# Segment by R score (columns 1..5) and FM score (rows 1..5): the usual R x FM grid.
_GRID = {
    5: ["Can't Lose Them", "Can't Lose Them", "Loyal Customers", "Champions", "Champions"],
    4: ["At Risk", "At Risk", "Loyal Customers", "Loyal Customers", "Champions"],
    3: ["At Risk", "At Risk", "Need Attention", "Potential Loyalists", "Potential Loyalists"],
    2: ["Hibernating", "Hibernating", "About to Sleep", "Potential Loyalists", "Potential Loyalists"],
    1: ["Lost", "Hibernating", "About to Sleep", "Promising", "New Customers"],
}
# "545" etc.; without prices the M digit is "-"
RFM_CODES = [f"{r}{f}{m}" for r in range(1, 6) for f in range(1, 6) for m in ["1", "2", "3", "4", "5", "-"]]
_GRID_CODES = np.array([[SEGMENTS.index(_GRID[fm][r - 1]) for fm in range(1, 6)] for r in range(1, 6)])


def segment_label(segment: str, lang: str = "en") -> str:
    """A segment's display name in the interface language (data keeps the English name)."""
    if lang == "zh" and segment in SEGMENT_INFO:
        return SEGMENT_INFO[segment][0]
    return segment


def segment_description(segment: str, lang: str = "en") -> str:
    """One sentence on who is in a segment."""
    info = SEGMENT_INFO.get(segment)
    return "" if info is None else text(info[1], info[2], lang)


def segment_map() -> pd.DataFrame:
    """The score-to-segment map: one row per (R score, FM score) with its segment.

    FM is the average of the F and M scores, rounded half up (F only when the data has no prices).
    """
    rows = [{"r_score": r, "fm_score": fm, "segment": _GRID[fm][r - 1]} for fm in range(5, 0, -1)
            for r in range(1, 6)]
    return pd.DataFrame(rows)


def quintile_scores(values, higher_is_better: bool = True) -> np.ndarray:
    """1-5 scores by quintile that never split a tie and stay sensible for a handful of customers.

    A value's score is ``1 + floor(5 * b / (n - e))`` (at most 5), where ``b`` customers have a
    worse value and ``e`` share this value: the worst value always scores 1, the best 5, tied
    customers share a score, and without ties each score holds a fifth of the customers. When
    everybody has the same value, everybody scores 3 (there is nothing to rank).

    Parameters
    ----------
    values : array-like of float
        One value per customer, no missing values.
    higher_is_better : bool
        False for recency (fewer days since the last purchase is better).

    Returns
    -------
    ndarray of int64
    """
    v = np.asarray(values, dtype=float)
    if not higher_is_better:
        v = -v
    if v.size == 0:
        return np.zeros(0, dtype=np.int64)
    lo, hi = v.min(), v.max()
    if np.all(v == np.round(v)) and hi - lo <= 4 * v.size:
        # whole numbers in a modest range (days, order counts): count them instead of sorting
        inverse = (v - lo).astype(np.int64)
        counts = np.bincount(inverse)
    else:
        _, inverse, counts = np.unique(v, return_inverse=True, return_counts=True)
    below = np.concatenate([[0], np.cumsum(counts)[:-1]])
    others = v.size - counts
    score = np.where(others > 0, 1 + (5 * below) // np.maximum(others, 1), 3)
    return np.minimum(score, 5).astype(np.int64)[inverse]


# --------------------------------------------------------------------------------------------
# RFM
# --------------------------------------------------------------------------------------------
_NEEDED = ["order_id", "customer_id", "order_date", "revenue", "is_return"]
DAY = pd.Timedelta(days=1)


def _check_customers(lines: int, customer_lines: int) -> None:
    if not lines:
        raise DataError("The sales table is empty: there is nobody to segment. Upload a file with orders.",
                        zh="销售表是空的，没有可以分群的客户。请上传包含订单的文件。")
    if not customer_lines:
        raise DataError("No line has a customer ID, so customers cannot be told apart. On the Data page, map the "
                        "column that holds the customer / member number (every order is a guest order now).",
                        zh="没有任何一行带有客户编号，因此无法区分不同的客户。请在“数据”页面映射存放客户编号或会员号的列（目前所有订单都被当作游客订单）。")


# The dates ``to_day`` is asked about, for its message in Chinese.
_DATE_NAMES_ZH = {"as-of date": "分析日期", "first order date": "最早下单日期", "last order date": "最后下单日期",
                  "calibration end": "校准截止日期", "end date": "截止日期"}


def to_day(value, what: str) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise DataError(f"The {what} '{value}' is not a date. Give a date such as 2025-06-30.",
                        zh=f"{_DATE_NAMES_ZH.get(what, what)}“{value}”不是有效日期。请填写类似 2025-06-30 的日期。") from exc
    if day.tzinfo is not None:
        day = day.tz_localize(None)
    return check_day(day.normalize(), what, _DATE_NAMES_ZH.get(what, what))


def rfm(transactions: SalesSource, as_of=None) -> pd.DataFrame:
    """Recency, frequency and monetary value per customer, their 1-5 scores and the named segment.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Order lines (see ``promo_core.engine.sales_table``). Guest lines are left out; returns
        reduce ``monetary``; orders made only of returns are not purchases.
    as_of : date-like, optional
        The day the analysis looks back from (lines after that day are ignored). Defaults to the
        day of the last line.

    Returns
    -------
    DataFrame
        One row per customer with at least one purchase: ``customer_id``, ``recency_days`` (days
        from the last purchase to ``as_of``), ``frequency`` (distinct purchase orders),
        ``monetary`` (revenue net of returns; NaN when the data has no prices), ``r_score``,
        ``f_score``, ``m_score`` (1-5, see ``quintile_scores``; missing without prices),
        ``fm_score``, ``rfm_code`` (e.g. "545", categorical), ``segment`` (categorical in the
        order of ``SEGMENTS``; see ``segment_map``), ``first_purchase`` and ``last_purchase``. Sorted
        by customer_id.
    """
    sales = sales_table(transactions, _NEEDED)
    span = order_span(sales)
    _check_customers(span.lines, span.customer_lines)
    last_day = to_day(span.last, "last order date")
    as_of = last_day if as_of is None else to_day(as_of, "as-of date")
    table = fetch(_purchases_per_customer(sales, as_of + DAY))
    if table.empty:
        raise DataError(f"No customer bought anything on or before {as_of:%Y-%m-%d}. Pick a later as-of date "
                        f"(the data ends on {last_day:%Y-%m-%d}).",
                        zh=f"{as_of:%Y-%m-%d}（含）之前没有任何客户购买记录。请选择更晚的分析日期（数据截至 {last_day:%Y-%m-%d}）。")
    table["customer_id"] = table["customer_id"].astype("str")
    last = table["last_purchase"].astype("datetime64[us]")
    table["first_purchase"] = table["first_purchase"].astype("datetime64[us]")
    table["last_purchase"] = last
    table["recency_days"] = (as_of - last.dt.normalize()).dt.days.astype(np.int64)
    table["frequency"] = table["frequency"].astype(np.int64)
    table["monetary"] = table["monetary"].astype(float)
    return _score(table)


def _purchases_per_customer(sales: ir.Table, cutoff: pd.Timestamp) -> ir.Table:
    """Purchase orders, net revenue and first / last purchase of each customer with a purchase
    before ``cutoff``: an order counts when one of its lines is not a return."""
    lines = sales.filter(sales.customer_id.notnull(), sales.order_date < cutoff)
    bought = ~lines.is_return
    orders = lines.group_by(["customer_id", "order_id"]).aggregate(
        is_purchase=bought.any(), first_at=lines.order_date.min(where=bought),
        last_at=lines.order_date.max(where=bought), revenue=lines.revenue.sum())
    per = orders.group_by("customer_id").aggregate(
        frequency=orders.count(where=orders.is_purchase), monetary=orders.revenue.sum(),
        first_purchase=orders.first_at.min(), last_purchase=orders.last_at.max())
    return per.filter(per.frequency > 0).order_by("customer_id")


def _score(table: pd.DataFrame) -> pd.DataFrame:
    """Add the scores, the RFM code and the segment to a table of recency, frequency, monetary."""
    out = table
    out["r_score"] = quintile_scores(out["recency_days"], higher_is_better=False)
    out["f_score"] = quintile_scores(out["frequency"])
    r, f = out["r_score"].to_numpy(), out["f_score"].to_numpy()
    if out["monetary"].notna().all():
        m = quintile_scores(out["monetary"])
        out["m_score"] = m
        out["fm_score"] = (f + m + 1) // 2
        out["rfm_code"] = pd.Categorical.from_codes(30 * (r - 1) + 6 * (f - 1) + m - 1, RFM_CODES)
    else:
        out["m_score"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["fm_score"] = f
        out["rfm_code"] = pd.Categorical.from_codes(30 * (r - 1) + 6 * (f - 1) + 5, RFM_CODES)
    out["segment"] = pd.Categorical.from_codes(_GRID_CODES[r - 1, out["fm_score"].to_numpy() - 1], SEGMENTS)
    return out[["customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score",
                "fm_score", "rfm_code", "segment", "first_purchase", "last_purchase"]]


@dataclass(frozen=True)
class Coverage:
    """Who the customer analytics can and cannot see."""

    customers: int  # customers with at least one purchase
    guest_lines: int  # lines without a customer id (left out)
    guest_revenue_share: float  # their share of revenue (NaN without prices)
    returns_only_customers: int  # customers whose lines are all returns (no purchase to score)


def coverage(transactions: SalesSource) -> Coverage:
    """How much of the data belongs to identified customers (for the page's caveats)."""
    sales = sales_table(transactions, _NEEDED)
    guest = sales.customer_id.isnull()
    row = fetch(sales.aggregate(
        lines=sales.count(), guest_lines=sales.count(where=guest), guest_revenue=sales.revenue.sum(where=guest),
        revenue=sales.revenue.sum(), priced_lines=sales.revenue.count(),
        customers=sales.customer_id.nunique(where=~sales.is_return), identified=sales.customer_id.nunique())).iloc[0]
    lines, guest_lines = int(row["lines"]), int(row["guest_lines"])
    _check_customers(lines, lines - guest_lines)
    total, guest_revenue = row["revenue"], 0.0 if pd.isna(row["guest_revenue"]) else row["guest_revenue"]
    return Coverage(customers=int(row["customers"]), guest_lines=guest_lines,
                    guest_revenue_share=float(guest_revenue / total) if row["priced_lines"] and total
                    else float("nan"),
                    returns_only_customers=int(row["identified"] - row["customers"]))


def segment_summary(rfm_table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One row per segment (all eleven, in the standard order): customers, revenue and the
    typical customer.

    Returns
    -------
    DataFrame
        ``segment``, ``segment_label`` (in ``lang``), ``customers``, ``customer_share``,
        ``revenue``, ``revenue_share``, ``median_recency_days``, ``mean_frequency``,
        ``mean_monetary``, ``description``.
    """
    g = rfm_table.groupby("segment")
    out = pd.DataFrame({
        "customers": g.size(),
        "revenue": g["monetary"].sum(min_count=1),
        "median_recency_days": g["recency_days"].median(),
        "mean_frequency": g["frequency"].mean(),
        "mean_monetary": g["monetary"].mean(),
    }).reindex(SEGMENTS)
    out["customers"] = out["customers"].fillna(0).astype(np.int64)
    out["customer_share"] = out["customers"] / max(len(rfm_table), 1)
    total = rfm_table["monetary"].sum()
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    out = out.reset_index(names="segment")
    out.insert(1, "segment_label", [segment_label(s, lang) for s in out["segment"]])
    out["description"] = [segment_description(s, lang) for s in out["segment"]]
    return out[["segment", "segment_label", "customers", "customer_share", "revenue", "revenue_share",
                "median_recency_days", "mean_frequency", "mean_monetary", "description"]]


def rfm_grid(rfm_table: pd.DataFrame) -> pd.DataFrame:
    """Customers and mean monetary value in every (R score, FM score) cell, with the cell's segment."""
    counts = rfm_table.groupby(["r_score", "fm_score"]).agg(customers=("customer_id", "size"),
                                                          mean_monetary=("monetary", "mean"))
    grid = segment_map().set_index(["r_score", "fm_score"]).join(counts)
    grid["customers"] = grid["customers"].fillna(0).astype(np.int64)
    return grid.reset_index()


# --------------------------------------------------------------------------------------------
# Behavioural clusters
# --------------------------------------------------------------------------------------------
ONLINE_CHANNEL = re.compile(r"online|web|e-?com|internet|\bapp\b|mobile|digital|marketplace|amazon|tmall|jd\b|"
                            r"shopify|线上|网店|网上|电商|小程序|商城|app|外卖|到家|直播", re.IGNORECASE)
MAX_CHANNELS = 4
MAX_CATEGORIES = 8


def rfm_as_of(rfm_table: pd.DataFrame) -> pd.Timestamp:
    """The as-of day an RFM table was computed for."""
    row = rfm_table.iloc[0]
    return pd.Timestamp(row["last_purchase"]).normalize() + pd.Timedelta(days=int(row["recency_days"]))


def customer_features(transactions: SalesSource, rfm_table: pd.DataFrame) -> pd.DataFrame:
    """The behaviour of each customer in readable units, for clustering and for its explanation.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Order lines (see ``promo_core.engine.sales_table``).
    rfm_table : DataFrame
        The output of ``rfm`` (its as-of date is reused, so both describe the same period).

    Returns
    -------
    DataFrame
        Index ``customer_id`` (the rows of ``rfm_table``). Columns ``recency_days``,
        ``frequency``, ``monetary`` and, where the data has them: ``channel: <name>`` (share of
        the customer's orders in each channel, the biggest four channels; an order's channel is
        the one most of its lines have, alphabetically first on a tie), ``discount_share`` (share
        of orders with a discount or coupon) and ``category: <name>`` (share of spend in each of
        the eight biggest categories). ``feature_groups`` tells which columns belong together.
    """
    feats = rfm_table.set_index("customer_id")[["recency_days", "frequency", "monetary"]].copy()
    feats["monetary"] = feats["monetary"].fillna(0.0)
    sales = sales_table(transactions, _NEEDED, optional=["channel", "discount", "coupon_code", "category"])
    lines = sales.filter(sales.customer_id.notnull(), ~sales.is_return, sales.order_date < rfm_as_of(rfm_table) + DAY)
    channels = _top_values(lines, "channel", MAX_CHANNELS) if "channel" in sales.columns else []
    if len(channels) >= 2:
        feats = feats.join(_shares(most_common(lines, ["customer_id", "order_id"], "channel"), "channel", channels))
    discounted = _discount_condition(sales)
    if discounted is not None:
        orders = lines.group_by(["customer_id", "order_id"]).aggregate(d=discounted(lines).any().cast("float64"))
        feats = feats.join(fetch(orders.group_by("customer_id").aggregate(discount_share=orders.d.mean()))
                           .set_index("customer_id"))
    cats = _top_values(lines, "category", MAX_CATEGORIES, weight="revenue") if "category" in sales.columns else []
    if len(cats) >= 2:
        spend = lines.filter(lines.revenue > 0)
        total = spend.revenue.sum().nullif(0)
        part = spend.group_by("customer_id").aggregate(
            **{f"c{i}": spend.revenue.sum(where=spend.category == c) / total for i, c in enumerate(cats)})
        feats = feats.join(fetch(part).set_index("customer_id").set_axis([f"category: {c}" for c in cats], axis=1))
    feats = feats.fillna(0.0)
    feats.index = feats.index.astype("str")
    return feats


def _shares(orders: ir.Table, column: str, values: list[str]) -> pd.DataFrame:
    """Per customer (index), the share of their orders whose ``column`` is each of ``values``."""
    part = orders.group_by("customer_id").aggregate(
        **{f"c{i}": (orders[column] == v).cast("float64").mean() for i, v in enumerate(values)})
    return fetch(part).set_index("customer_id").set_axis([f"{column}: {v}" for v in values], axis=1)


def _discount_condition(sales: ir.Table):
    """``lines -> whether each line had a discount or a coupon``, or None when no line of the data
    has either (then the feature would say nothing)."""
    flags = {}
    if "discount" in sales.columns:
        flags["discount"] = (sales.discount.fill_null(0) != 0).any()
    if "coupon_code" in sales.columns:
        flags["coupon_code"] = sales.coupon_code.notnull().any()
    used = [name for name, flag in fetch(sales.aggregate(**flags)).iloc[0].items() if flag] if flags else []
    if not used:
        return None

    def discounted(lines: ir.Table) -> ir.BooleanColumn:
        parts = [lines.discount.fill_null(0) > 0 if name == "discount" else lines.coupon_code.notnull()
                 for name in used]
        return parts[0] | parts[1] if len(parts) == 2 else parts[0]

    return discounted


def feature_groups(columns) -> dict[str, list[str]]:
    """Columns of ``customer_features`` by kind: each share group (channels, categories) is one kind."""
    groups: dict[str, list[str]] = {}
    for col in columns:
        kind = col.split(": ", 1)[0] if ": " in col else col
        groups.setdefault(kind, []).append(col)
    return groups


def _top_values(lines: ir.Table, column: str, limit: int, weight: str | None = None) -> list[str]:
    """The ``limit`` values of ``column`` with the most lines (or the most ``weight``)."""
    kept = lines.filter(lines[column].notnull())
    top = kept.group_by(column).aggregate(n=kept[weight].sum() if weight else kept.count())
    return fetch(top.order_by([ibis.desc("n"), column]).limit(limit))[column].tolist()


class BehaviourClusters:
    """K-means on standardised log-RFM and behaviour shares, with the number of clusters chosen at
    the elbow of the within-cluster spread.

    Why the elbow and not the best silhouette: on shop data the silhouette favours the coarsest
    split (two or three clusters that lump regulars, online shoppers and deal seekers together),
    which is useless for marketing. The elbow is the number of clusters after which one more
    cluster stops paying: the point of the spread-versus-k curve farthest below the straight line
    from its first to its last point (the "Kneedle" rule of Satopaa et al., 2011). The silhouette
    of each k is still reported.

    Parameters
    ----------
    n_clusters : int, optional
        Fixed number of clusters; None chooses it.
    k_range : tuple of int
        Smallest and largest number of clusters tried.
    sample_size : int
        Customers used to choose k and fit the centres (all are then assigned); keeps a million
        customers to seconds.
    random_state : int
        Seed for sampling and k-means.

    Attributes
    ----------
    n_clusters_ : int
    labels_ : ndarray of int
        Cluster (1 = largest) of each row passed to ``fit``.
    selection_ : DataFrame
        ``k``, ``spread`` (within-cluster sum of squares relative to one cluster), ``silhouette``.
    center_ : Series, scale_ : Series
        The standardisation learned on the fitted data.

    References
    ----------
    Satopaa, Albrecht, Irwin & Raghavan (2011), Finding a "Kneedle" in a Haystack.
    """

    def __init__(self, n_clusters: int | None = None, k_range: tuple[int, int] = (2, 10), sample_size: int = 25_000,
                 random_state: int = 0):
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.sample_size = sample_size
        self.random_state = random_state

    def _log(self, features: pd.DataFrame) -> pd.DataFrame:
        return features.assign(recency_days=np.log1p(features["recency_days"].clip(lower=0) / 30.4375),
                               frequency=np.log1p(features["frequency"].clip(lower=0)),
                               monetary=np.log1p(features["monetary"].clip(lower=0)))

    def transform(self, features: pd.DataFrame) -> np.ndarray:
        """Standardised features; a group of shares weighs as much as one feature."""
        z = (self._log(features)[self.center_.index] - self.center_) / self.scale_
        for members in feature_groups(self.center_.index).values():
            z[members] = z[members] / np.sqrt(len(members))
        return z.to_numpy(dtype=float)

    def fit(self, features: pd.DataFrame) -> "BehaviourClusters":
        n = len(features)
        lo, hi = self.k_range
        if self.n_clusters is not None and not 1 <= self.n_clusters <= n:
            raise DataError(f"Cannot make {self.n_clusters} clusters from {n} customers. Choose between 1 and {n}.",
                            zh=f"无法把 {n} 位客户分成 {self.n_clusters} 个群组。请选择 1 到 {n} 之间的群组数。")
        if n < 3:
            raise DataError(f"Only {n} customer(s) bought in this period: too few to find groups. Pick a longer "
                            "period or a dataset with more customers.",
                            zh=f"这段时间只有 {n} 位客户有购买，人数太少，无法找出客户群组。请选择更长的时间段，或使用客户更多的数据集。")
        logged = self._log(features)
        self.center_ = logged.mean()
        self.scale_ = logged.std(ddof=0).replace(0, 1.0)
        z = self.transform(features)
        rng = np.random.default_rng(self.random_state)
        sample = np.sort(rng.choice(n, self.sample_size, replace=False)) if n > self.sample_size else np.arange(n)
        zs = z[sample]
        ks = list(range(max(lo, 1), min(hi, len(zs) - 1) + 1))
        rows, models = [], {}
        scored = np.sort(rng.choice(len(zs), 2000, replace=False)) if len(zs) > 2000 else np.arange(len(zs))
        for k in ks if self.n_clusters is None else [self.n_clusters]:
            with threadpool_limits(1):  # OpenMP threads thrash on a busy 2-core server; one is faster
                km = KMeans(k, n_init=4, random_state=self.random_state).fit(zs)
            models[k] = km
            labels = km.labels_[scored]
            sil = silhouette_score(zs[scored], labels) if 1 < len(np.unique(labels)) < len(scored) else np.nan
            rows.append({"k": k, "spread": km.inertia_, "silhouette": sil})
        sel = pd.DataFrame(rows)
        total = ((zs - zs.mean(axis=0)) ** 2).sum()
        sel["spread"] = sel["spread"] / total if total > 0 else 0.0
        k = self.n_clusters if self.n_clusters is not None else _elbow(sel["k"].to_numpy(), sel["spread"].to_numpy())
        with threadpool_limits(1):
            labels = models[k].predict(z)
        order = np.argsort(-np.bincount(labels, minlength=k), kind="stable")  # cluster 1 = the largest
        rank = np.empty(k, dtype=np.int64)
        rank[order] = np.arange(1, k + 1)
        self.model_ = models[k]
        self.cluster_of_center_ = rank
        self.n_clusters_ = k
        self.labels_ = rank[labels]
        self.selection_ = sel
        return self

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """The cluster (numbered as in ``labels_``) of each customer."""
        with threadpool_limits(1):
            return self.cluster_of_center_[self.model_.predict(self.transform(features))]


def _elbow(ks: np.ndarray, spread: np.ndarray) -> int:
    """The k whose point lies farthest below the chord from the first to the last point."""
    if len(ks) <= 2 or spread[0] == spread[-1]:
        return int(ks[0])
    x = (ks - ks[0]) / (ks[-1] - ks[0])
    y = (spread - spread[-1]) / (spread[0] - spread[-1])
    return int(ks[int(np.argmax((1 - x) - y))])


# trait words: feature kind -> (high en, high zh, low en, low zh); None = not worth saying
_TRAITS = {
    "recency_days": ("Lapsed", "久未购买", "Recently active", "近期活跃"),
    "frequency": ("Frequent", "高频", "Occasional", "低频"),
    "monetary": ("Big spenders", "高消费", "Low spenders", "低消费"),
    "discount_share": ("Deal seekers", "爱用优惠", None, None),
}


def _trait(col: str, high: bool, lang: str) -> str | None:
    if col in _TRAITS:
        words = _TRAITS[col]
        return text(words[0], words[1], lang) if high else (text(words[2], words[3], lang) if words[2] else None)
    if not high:
        return None
    kind, name = col.split(": ", 1)
    if kind == "channel":
        return text(f"{name} shoppers", f"{name}渠道为主", lang)
    return text(f"{name} fans", f"偏爱{name}", lang)


def _fmt_money(x: float, currency: str, lang: str) -> str:
    return f"{'-' if x < 0 else ''}{currency}{fmt_number(abs(x), 0, lang)}"


def cluster_profiles(features: pd.DataFrame, labels, lang: str = "en", currency: str = "£") -> pd.DataFrame:
    """Each cluster in numbers and in words.

    Returns
    -------
    DataFrame
        ``cluster``, ``name`` (its two strongest traits, e.g. "Frequent, online shoppers"),
        ``customers``, ``share``, median ``recency_days``, ``frequency`` and ``monetary``, the mean
        of every share column, and ``description`` (a sentence comparing it with all customers).
    """
    labels = np.asarray(labels)
    f = features
    logged = f.assign(recency_days=np.log1p(f["recency_days"] / 30.4375), frequency=np.log1p(f["frequency"]),
                      monetary=np.log1p(f["monetary"].clip(lower=0)))
    std = logged.std(ddof=0).replace(0, 1.0)
    overall_med = f[["recency_days", "frequency", "monetary"]].median()
    share_cols = [c for c in f.columns if c not in ("recency_days", "frequency", "monetary")]
    overall_share = f[share_cols].mean()
    rows = []
    for c in np.unique(labels):
        m = labels == c
        z = (logged[m].mean() - logged.mean()) / std
        traits = []
        for col in z.abs().sort_values(ascending=False).index:
            if abs(z[col]) < 0.5 or len(traits) == 2:
                break
            word = _trait(col, z[col] > 0, lang)
            if word and word not in traits:
                traits.append(word)
        if not traits:
            traits = [text("Typical customers", "普通客户", lang)]
        rest = [t if lang == "zh" else t.lower() for t in traits[1:]]
        name = (", " if lang != "zh" else "、").join([traits[0], *rest])
        name = name[:1].upper() + name[1:]
        med = f.loc[m, ["recency_days", "frequency", "monetary"]].median()
        shares = f.loc[m, share_cols].mean()
        row = {"cluster": int(c), "name": name, "customers": int(m.sum()), "share": m.mean(),
               "recency_days": med["recency_days"], "frequency": med["frequency"], "monetary": med["monetary"],
               **shares.to_dict()}
        row["description"] = _describe(m.sum(), m.mean(), med, overall_med, shares, overall_share, lang, currency)
        rows.append(row)
    return pd.DataFrame(rows)


def _describe(n, share, med, overall, shares, overall_share, lang, currency) -> str:
    parts = [text(f"{fmt_number(n, 0, lang)} customers ({fmt_pct(share, 0)}).",
                  f"{fmt_number(n, 0, lang)} 位客户（{fmt_pct(share, 0)}）。", lang),
             text(f"The typical one last bought {med['recency_days']:.0f} days ago (all customers: "
                  f"{overall['recency_days']:.0f}), placed {med['frequency']:.0f} orders ({overall['frequency']:.0f}) "
                  f"and spent {_fmt_money(med['monetary'], currency, lang)} "
                  f"({_fmt_money(overall['monetary'], currency, lang)}).",
                  f"典型客户最近一次购买在 {med['recency_days']:.0f} 天前（全体：{overall['recency_days']:.0f}），"
                  f"下了 {med['frequency']:.0f} 单（全体：{overall['frequency']:.0f}），消费 "
                  f"{_fmt_money(med['monetary'], currency, lang)}"
                  f"（全体：{_fmt_money(overall['monetary'], currency, lang)}）。",
                  lang)]
    groups = feature_groups(shares.index)
    for kind, cols in groups.items():
        if kind == "channel":
            top = shares[cols].idxmax()
            ch = top.split(": ", 1)[1]
            parts.append(text(f"{fmt_pct(shares[top], 0)} of their orders are {ch} "
                              f"(all: {fmt_pct(overall_share[top], 0)}).",
                              f"{fmt_pct(shares[top], 0)} 的订单来自{ch}（全体：{fmt_pct(overall_share[top], 0)}）。", lang))
        elif kind == "discount_share":
            parts.append(text(f"{fmt_pct(shares[kind], 0)} of orders use a discount or coupon "
                              f"(all: {fmt_pct(overall_share[kind], 0)}).",
                              f"{fmt_pct(shares[kind], 0)} 的订单使用了折扣或优惠券（全体：{fmt_pct(overall_share[kind], 0)}）。",
                              lang))
        elif kind == "category" and (shares[cols] - overall_share[cols]).max() >= 0.05:
            top = (shares[cols] - overall_share[cols]).idxmax()
            cat = top.split(": ", 1)[1]
            parts.append(text(f"Favourite category: {cat} ({fmt_pct(shares[top], 0)} of spend, all: "
                              f"{fmt_pct(overall_share[top], 0)}).",
                              f"最偏爱的品类：{cat}（占消费 {fmt_pct(shares[top], 0)}，全体：{fmt_pct(overall_share[top], 0)}）。",
                              lang))
    return " ".join(parts)


@dataclass(frozen=True)
class ClusterRules:
    """Rules in plain words that pick out each cluster."""

    rules: pd.DataFrame  # cluster, rule, customers (matching the rule), precision, recall
    coverage: float  # share of all customers whose own cluster's rule describes them


def _condition(col: str, lo: float | None, hi: float | None, lang: str, currency: str) -> str:
    """'lo < col <= hi' in words and the right units."""
    if col == "recency_days":
        if lo is not None and hi is not None:
            return text(f"last bought {lo:.0f}–{hi:.0f} days ago", f"最近一次购买在 {lo:.0f}–{hi:.0f} 天前", lang)
        if hi is not None:
            return text(f"last bought at most {hi:.0f} days ago", f"最近一次购买不超过 {hi:.0f} 天前", lang)
        return text(f"last bought more than {lo:.0f} days ago", f"最近一次购买超过 {lo:.0f} 天前", lang)
    if col == "frequency":
        a = None if lo is None else int(np.floor(lo)) + 1
        b = None if hi is None else int(np.floor(hi))
        if a is not None and b is not None:
            return text(f"{a}–{b} orders", f"{a}–{b} 单", lang)
        if b is not None:
            return text(f"at most {b} orders", f"不超过 {b} 单", lang)
        return text(f"at least {a} orders", f"至少 {a} 单", lang)
    if col == "monetary":
        def m(v):
            return _fmt_money(v, currency, lang)
        if lo is not None and hi is not None:
            return text(f"spent {m(lo)}–{m(hi)}", f"消费 {m(lo)}–{m(hi)}", lang)
        if hi is not None:
            return text(f"spent at most {m(hi)}", f"消费不超过 {m(hi)}", lang)
        return text(f"spent more than {m(lo)}", f"消费超过 {m(lo)}", lang)
    if col == "discount_share":
        what = text("of orders with a discount", "的订单使用折扣", lang)
    else:
        kind, name = col.split(": ", 1)
        what = (text(f"of orders {name}", f"的订单来自{name}", lang) if kind == "channel"
                else text(f"of spend on {name}", f"的消费用于{name}", lang))
    if lo is not None and hi is not None:
        return text(f"{fmt_pct(lo, 0)}–{fmt_pct(hi, 0)} {what}", f"{fmt_pct(lo, 0)}–{fmt_pct(hi, 0)}{what}", lang)
    if hi is not None:
        return text(f"at most {fmt_pct(hi, 0)} {what}", f"不超过 {fmt_pct(hi, 0)}{what}", lang)
    return text(f"more than {fmt_pct(lo, 0)} {what}", f"超过 {fmt_pct(lo, 0)}{what}", lang)


def explain_clusters(features: pd.DataFrame, labels, max_depth: int = 3, random_state: int = 0,
                     lang: str = "en", currency: str = "£") -> ClusterRules:
    """One rule per cluster that a manager can read ("at least 7 orders and more than 80% of
    orders online"), from a shallow decision tree on the features in their own units.

    For each cluster a tree of depth ``max_depth`` separates it from the rest; the rule is the
    path to the leaf that best balances precision (share of the customers matching the rule who
    are in the cluster) and recall (share of the cluster the rule catches), i.e. the best F1.

    Returns
    -------
    ClusterRules
    """
    labels = np.asarray(labels)
    x = features.to_numpy(dtype=float)
    cols = list(features.columns)
    rows, covered = [], np.zeros(len(x), dtype=bool)
    for c in np.unique(labels):
        y = labels == c
        tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=max(5, len(x) // 200),
                                      class_weight="balanced", random_state=random_state).fit(x, y)
        t = tree.tree_
        leaf_of = tree.apply(x)
        best = None

        def walk(node: int, bounds: dict) -> None:
            nonlocal best
            if t.children_left[node] == -1:
                hit = leaf_of == node
                tp = int((hit & y).sum())
                if tp == 0:
                    return
                precision, recall = tp / hit.sum(), tp / y.sum()
                f1 = 2 * precision * recall / (precision + recall)
                if best is None or f1 > best[0]:
                    best = (f1, dict(bounds), hit, precision, recall)
                return
            f, thr = t.feature[node], t.threshold[node]
            lo, hi = bounds.get(f, (None, None))
            walk(t.children_left[node], {**bounds, f: (lo, thr)})
            walk(t.children_right[node], {**bounds, f: (thr, hi)})

        walk(0, {})
        if best is None:
            continue
        _, bounds, hit, precision, recall = _simplify(best[1], x, y)
        conds = [_condition(cols[f], lo, hi, lang, currency) for f, (lo, hi) in bounds.items()]
        rule = text(" and ", " 且 ", lang).join(conds) or text("everyone", "所有客户", lang)
        rows.append({"cluster": int(c), "rule": rule,
                     "customers": int(hit.sum()), "precision": float(precision), "recall": float(recall)})
        covered |= hit & y
    return ClusterRules(rules=pd.DataFrame(rows, columns=["cluster", "rule", "customers", "precision", "recall"]),
                        coverage=float(covered.mean()))


def _matches(bounds: dict, x: np.ndarray) -> np.ndarray:
    hit = np.ones(len(x), dtype=bool)
    for f, (lo, hi) in bounds.items():
        if lo is not None:
            hit &= x[:, f] > lo
        if hi is not None:
            hit &= x[:, f] <= hi
    return hit


def _f1(hit: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    tp = (hit & y).sum()
    if tp == 0:
        return 0.0, 0.0, 0.0
    precision, recall = tp / hit.sum(), tp / y.sum()
    return 2 * precision * recall / (precision + recall), precision, recall


def _simplify(bounds: dict, x: np.ndarray, y: np.ndarray):
    """Drop the conditions of a rule that do not make it better (trees split for tiny gains)."""
    bounds = dict(bounds)
    score = _f1(_matches(bounds, x), y)[0]
    changed = True
    while changed and len(bounds) > 1:
        changed = False
        for f in list(bounds):
            trial = {k: v for k, v in bounds.items() if k != f}
            trial_score = _f1(_matches(trial, x), y)[0]
            if trial_score >= score - 0.005:
                bounds, score, changed = trial, max(score, trial_score), True
                break
    hit = _matches(bounds, x)
    f1, precision, recall = _f1(hit, y)
    return f1, bounds, hit, float(precision), float(recall)


@dataclass(frozen=True)
class ClusterResult:
    """Behavioural clusters of the customers and everything the page shows about them."""

    labels: pd.Series  # index customer_id -> cluster number (1 = largest)
    n_clusters: int
    chosen_automatically: bool
    selection: pd.DataFrame  # k, spread, silhouette
    profiles: pd.DataFrame  # see cluster_profiles
    rules: ClusterRules
    projection: pd.DataFrame  # customer_id, x, y, cluster (a sample of at most 5,000 customers)
    explained_variance: tuple  # share of the variation along x and y
    features: list  # the feature columns used


def cluster_customers(transactions: SalesSource, rfm_table: pd.DataFrame, n_clusters: int | None = None,
                      random_state: int = 0, lang: str = "en", currency: str = "£") -> ClusterResult:
    """Behavioural clusters with profiles, readable rules and a 2-D map of the customers.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Order lines (see ``promo_core.engine.sales_table``).
    rfm_table : DataFrame
        The output of ``rfm``.
    n_clusters : int, optional
        Fix the number of clusters; None chooses it (see ``BehaviourClusters``).
    random_state : int
        Seed; the same input gives the same clusters.

    Returns
    -------
    ClusterResult
    """
    features = customer_features(transactions, rfm_table)
    model = BehaviourClusters(n_clusters=n_clusters, random_state=random_state).fit(features)
    labels = pd.Series(model.labels_, index=features.index, name="cluster")
    z = model.transform(features)
    rng = np.random.default_rng(random_state)
    shown = np.sort(rng.choice(len(z), 5000, replace=False)) if len(z) > 5000 else np.arange(len(z))
    pca = PCA(n_components=min(2, z.shape[1]), random_state=random_state).fit(z)
    xy = pca.transform(z[shown])
    projection = pd.DataFrame({"customer_id": features.index[shown], "x": xy[:, 0],
                               "y": xy[:, 1] if xy.shape[1] > 1 else 0.0, "cluster": model.labels_[shown]})
    return ClusterResult(
        labels=labels, n_clusters=model.n_clusters_, chosen_automatically=n_clusters is None,
        selection=model.selection_, profiles=cluster_profiles(features, model.labels_, lang, currency),
        rules=explain_clusters(features, model.labels_, random_state=random_state, lang=lang, currency=currency),
        projection=projection, explained_variance=tuple(float(v) for v in pca.explained_variance_ratio_),
        features=list(features.columns))


# --------------------------------------------------------------------------------------------
# Migration between two dates
# --------------------------------------------------------------------------------------------
NOT_YET = "Not yet a customer"


@dataclass(frozen=True)
class Migration:
    """How customers moved between segments from one date to another."""

    start: pd.Timestamp
    end: pd.Timestamp
    customers: pd.DataFrame  # customer_id, segment_start, segment_end, direction, revenue_before, revenue_between
    flows: pd.DataFrame  # segment_start, segment_end, customers, share_of_start, revenue_before, revenue_between


def segment_migration(transactions: SalesSource, end=None, days: int = 90) -> Migration:
    """Segments at two dates ``days`` apart and the flows between them.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Order lines (see ``promo_core.engine.sales_table``).
    end : date-like, optional
        The later date (default: the last day of the data).
    days : int
        Days between the two dates.

    Returns
    -------
    Migration
        Per customer and per flow: ``revenue_before`` is the revenue of the 365 days up to the
        first date (what the customers were worth a year, the revenue at stake in the move);
        ``revenue_between`` what they spent between the two dates. Customers whose first purchase
        falls between the dates come from "Not yet a customer". ``direction`` says whether the
        R + FM score rose ("up"), fell ("down") or stayed ("same").
    """
    if days < 1:
        raise DataError("The gap between the two dates must be at least one day.",
                        zh="两个日期之间至少要相隔一天。")
    sales = sales_table(transactions, _NEEDED)
    late = rfm(sales, end)
    end_day = rfm_as_of(late)
    start_day = end_day - pd.Timedelta(days=int(days))
    first_day = to_day(order_span(sales).first, "first order date")
    if start_day < first_day:
        raise DataError(f"The data starts on {first_day:%Y-%m-%d}, so there are no segments {days} days before "
                        f"{end_day:%Y-%m-%d}. Choose a shorter gap (at most {(end_day - first_day).days} day(s)).",
                        zh=f"数据从 {first_day:%Y-%m-%d} 才开始，因此无法得到 {end_day:%Y-%m-%d} 之前 {days} 天的分群。请选择更短的间隔（最多 {(end_day - first_day).days} 天）。")
    early = rfm(sales, start_day)
    both = late[["customer_id", "segment", "r_score", "fm_score"]].merge(
        early[["customer_id", "segment", "r_score", "fm_score"]], on="customer_id", how="left",
        suffixes=("_end", "_start"))
    seg_start = both["segment_start"].astype(str).where(both["segment_start"].notna(), NOT_YET)
    before = (both["r_score_start"] + both["fm_score_start"]).to_numpy(dtype=float)
    after = (both["r_score_end"] + both["fm_score_end"]).to_numpy(dtype=float)
    direction = np.select([np.isnan(before), after > before, after < before], ["new", "up", "down"], "same")
    s1, s2 = start_day + DAY, end_day + DAY
    lines = sales.filter(sales.customer_id.notnull())
    date = lines.order_date
    rev = fetch(lines.group_by("customer_id").aggregate(
        revenue_before=lines.revenue.sum(where=(date >= s1 - pd.Timedelta(days=365)) & (date < s1)).fill_null(0.0),
        revenue_between=lines.revenue.sum(where=(date >= s1) & (date < s2)).fill_null(0.0)))
    rev["customer_id"] = rev["customer_id"].astype("str")
    customers = pd.DataFrame({"customer_id": both["customer_id"], "segment_start": seg_start,
                              "segment_end": both["segment_end"].astype(str), "direction": direction})
    customers = customers.merge(rev, on="customer_id", how="left").fillna({"revenue_before": 0.0,
                                                                            "revenue_between": 0.0})
    flows = (customers.groupby(["segment_start", "segment_end"])
             .agg(customers=("customer_id", "size"), revenue_before=("revenue_before", "sum"),
                  revenue_between=("revenue_between", "sum")).reset_index())
    flows["share_of_start"] = flows["customers"] / flows.groupby("segment_start")["customers"].transform("sum")
    order = {s: i for i, s in enumerate([*SEGMENTS, NOT_YET])}
    flows = flows.sort_values(["segment_start", "segment_end"], key=lambda s: s.map(order), ignore_index=True)
    return Migration(start=start_day, end=end_day, customers=customers,
                     flows=flows[["segment_start", "segment_end", "customers", "share_of_start", "revenue_before",
                                  "revenue_between"]])


# --------------------------------------------------------------------------------------------
# Online / offline
# --------------------------------------------------------------------------------------------
CHANNEL_TYPES = ["online only", "offline only", "both"]
CHANNEL_TYPE_ZH = {"online only": "仅线上", "offline only": "仅线下", "both": "线上线下都买"}


def is_online_channel(name: str) -> bool:
    """Whether a channel name means an online sale (web, app, marketplace, 线上, 小程序, ...)."""
    return bool(ONLINE_CHANNEL.search(str(name)))


def customer_channels(transactions: SalesSource, as_of=None) -> pd.Series:
    """Each customer's channel type: ``online only``, ``offline only`` or ``both``.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Order lines (see ``promo_core.engine.sales_table``) with a ``channel``.
    as_of : date-like, optional
        Only purchases on or before this day count.

    Returns
    -------
    Series
        Index ``customer_id`` (sorted), one type per customer with a purchase in a named channel.

    Raises
    ------
    DataError
        When the data has no channel column (or it is empty).
    """
    sales = sales_table(transactions, ["customer_id", "order_date", "is_return"], optional=["channel"])
    bought = sales.customer_id.notnull() & ~sales.is_return
    if as_of is not None:
        bought &= sales.order_date < to_day(as_of, "as-of date") + DAY
    names = (fetch(sales.filter(sales.channel.notnull()).group_by("channel").aggregate(bought=bought.any()))
             if "channel" in sales.columns else pd.DataFrame())
    if names.empty:
        raise DataError("The data has no channel column, so online and in-store customers cannot be told apart. "
                        "On the Data page, map the column that says where each order was placed (e.g. 'online', "
                        "'store').",
                        zh="数据中没有渠道列，因此无法区分线上客户和门店客户。请在“数据”页面映射标明每笔订单下单渠道的列（例如“online”“store”）。")
    online = [c for c in names.loc[names["bought"], "channel"] if is_online_channel(c)]
    lines = sales.filter(bought, sales.channel.notnull())
    is_online = lines.channel.isin(online) if online else ibis.literal(False)
    per = fetch(lines.group_by("customer_id").aggregate(any_online=is_online.any(), all_online=is_online.all())
                .order_by("customer_id"))
    kind = np.select([per["all_online"], ~per["any_online"]], ["online only", "offline only"], "both")
    out = pd.Series(kind, index=per["customer_id"].astype("str"), name="channel_type")
    out.index.name = "customer_id"
    return out


def omnichannel(transactions: SalesSource, rfm_table: pd.DataFrame) -> pd.DataFrame:
    """Online-only, offline-only and both-channel customers in every segment.

    Returns
    -------
    DataFrame
        ``segment``, ``channel_type``, ``customers``, ``share`` (of the segment's customers),
        ``revenue`` and ``revenue_per_customer``; all segments x three types, zeros included.
    """
    kinds = customer_channels(transactions, rfm_as_of(rfm_table))
    t = rfm_table[["customer_id", "segment", "monetary"]].assign(
        channel_type=kinds.reindex(rfm_table["customer_id"]).to_numpy())
    t = t[t["channel_type"].notna()]
    grid = pd.MultiIndex.from_product([SEGMENTS, CHANNEL_TYPES], names=["segment", "channel_type"])
    out = (t.groupby([t["segment"].astype(str), "channel_type"]).agg(customers=("customer_id", "size"),
                                                                    revenue=("monetary", "sum"))
           .reindex(grid).fillna(0).reset_index())
    out["customers"] = out["customers"].astype(np.int64)
    seg_total = out.groupby("segment")["customers"].transform("sum")
    out["share"] = (out["customers"] / seg_total.where(seg_total > 0)).fillna(0.0)
    out["revenue_per_customer"] = out["revenue"] / out["customers"].where(out["customers"] > 0)
    return out[["segment", "channel_type", "customers", "share", "revenue", "revenue_per_customer"]]


# --------------------------------------------------------------------------------------------
# Playbook: next best action per segment
# --------------------------------------------------------------------------------------------
# segment -> (action en, action zh, offer en, offer zh, send a coupon?)
_PLAYBOOK = {
    "Champions": ("Reward them: early access, VIP perks, ask for reviews and referrals. No discount needed.",
                  "奖励他们：新品抢先购、VIP 权益、邀请评价和推荐。无需折扣。", "VIP perk", "VIP 权益", False),
    "Loyal Customers": ("Upsell higher-value products and invite them to the loyalty programme.",
                        "推荐更高价值的商品，邀请加入会员计划。", "Loyalty points", "会员积分", False),
    "Potential Loyalists": ("Build the habit: membership offer and recommendations based on what they bought.",
                            "培养购买习惯：会员邀请，并按已购商品推荐。", "Membership bonus", "入会礼", True),
    "New Customers": ("Welcome series and a second-order incentive.", "欢迎系列消息，外加第二单激励。",
                      "Second-order coupon", "第二单优惠券", True),
    "Promising": ("Make them aware of the range: free samples or a small second-order incentive.",
                  "让他们了解更多商品：免费试用或小额第二单激励。", "Small coupon", "小额优惠券", True),
    "Need Attention": ("Limited-time offer on products like the ones they bought.", "针对他们买过的同类商品推出限时优惠。",
                       "Limited-time offer", "限时优惠", True),
    "About to Sleep": ("Remind them with bestsellers and a renewed discount.", "用热销商品和新的折扣提醒他们。",
                       "Reminder discount", "唤醒折扣", True),
    "At Risk": ("Win-back coupon with a personal e-mail about what is new.", "发送挽回优惠券，并用个性化邮件介绍新品。",
                "Win-back coupon", "挽回优惠券", True),
    "Can't Lose Them": ("Win them back personally: the best win-back offer, a call or e-mail, ask what went wrong.",
                        "一对一挽回：最优惠的挽回方案，电话或邮件联系，询问原因。", "Best win-back offer", "最优挽回方案",
                        True),
    "Hibernating": ("Low-cost reactivation: relevant products and a special discount.", "低成本唤醒：相关商品加专属折扣。",
                    "Reactivation discount", "唤醒折扣", True),
    "Lost": ("Try one low-cost campaign; otherwise do not spend on them.", "尝试一次低成本活动；否则不再投入。",
             "None", "无", False),
}
PLAYBOOK_COLUMNS = ["segment", "action", "offer", "send_coupon"]


def playbook(lang: str = "en") -> pd.DataFrame:
    """The default next best action per segment (the page lets the manager edit it).

    Returns
    -------
    DataFrame
        ``segment`` (English name, the key), ``action``, ``offer`` (in ``lang``) and
        ``send_coupon`` (whether the segment belongs in a coupon target list).
    """
    rows = [{"segment": s, "action": text(a_en, a_zh, lang), "offer": text(o_en, o_zh, lang), "send_coupon": send}
            for s, (a_en, a_zh, o_en, o_zh, send) in _PLAYBOOK.items()]
    return pd.DataFrame(rows, columns=PLAYBOOK_COLUMNS)


def check_playbook(book: pd.DataFrame) -> pd.DataFrame:
    """An edited playbook, validated: one row per known segment, ``send_coupon`` as bool."""
    missing = [c for c in PLAYBOOK_COLUMNS if c not in book.columns]
    if missing:
        raise DataError(f"The playbook lacks the column(s) {', '.join(missing)}. It needs "
                        f"{', '.join(PLAYBOOK_COLUMNS)}.",
                        zh=f"分群策略表缺少以下列：{'、'.join(missing)}。需要的列为：{'、'.join(PLAYBOOK_COLUMNS)}。")
    unknown = sorted(set(book["segment"].dropna().astype(str)) - set(SEGMENTS))
    if unknown:
        raise DataError(f"The playbook names unknown segment(s): {', '.join(unknown)}. Use the eleven RFM segment "
                        f"names: {', '.join(SEGMENTS)}.",
                        zh=f"分群策略表中有无法识别的分群：{'、'.join(unknown)}。请使用以下 11 个 RFM 分群名称：{'、'.join(SEGMENTS)}。")
    dup = book["segment"][book["segment"].duplicated()].astype(str).unique()
    if len(dup):
        raise DataError(f"The playbook lists {', '.join(dup)} more than once; keep one row per segment.",
                        zh=f"分群策略表中 {'、'.join(dup)} 出现了不止一次；每个分群只能保留一行。")
    out = book[PLAYBOOK_COLUMNS].copy()
    out["send_coupon"] = out["send_coupon"].fillna(False).astype(bool)
    out["segment"] = out["segment"].astype(str)
    return out.reset_index(drop=True)


def target_list(rfm_table: pd.DataFrame, book: pd.DataFrame | None = None, coupon_only: bool = True) -> pd.DataFrame:
    """Customers with their segment's next best action: the list a campaign tool imports.

    Parameters
    ----------
    rfm_table : DataFrame
        The output of ``rfm``.
    book : DataFrame, optional
        A playbook (``playbook()`` or the manager's edited copy); default ``playbook()``.
    coupon_only : bool
        Keep only segments whose playbook row says ``send_coupon``.

    Returns
    -------
    DataFrame
        ``customer_id``, ``segment``, ``action``, ``offer``, ``send_coupon``, ``recency_days``,
        ``frequency``, ``monetary``; best customers first within the playbook's segment order.
    """
    book = check_playbook(playbook() if book is None else book)
    t = rfm_table[["customer_id", "segment", "recency_days", "frequency", "monetary"]].copy()
    t["segment"] = t["segment"].astype(str)
    out = t.merge(book, on="segment", how="inner")
    if coupon_only:
        out = out[out["send_coupon"]]
    rank = {s: i for i, s in enumerate(book["segment"])}
    out = out.assign(_order=out["segment"].map(rank)).sort_values(["_order", "monetary", "customer_id"],
                                                                  ascending=[True, False, True], kind="stable")
    return out[["customer_id", "segment", "action", "offer", "send_coupon", "recency_days", "frequency",
                "monetary"]].reset_index(drop=True)


def crm_export(rfm_table: pd.DataFrame, clusters: ClusterResult | None = None, clv: pd.DataFrame | None = None,
               channels: pd.Series | None = None, book: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per customer with everything a CRM needs to act on: segment, scores, cluster, CLV,
    P(alive), channel type and the playbook's action.

    ``clv`` is ``promo_core.clv.customer_value``'s table (``customer_id``, ``p_alive``,
    ``expected_purchases``, ``clv``...).
    """
    out = rfm_table[["customer_id", "segment", "rfm_code", "r_score", "f_score", "m_score", "recency_days",
                     "frequency", "monetary"]].copy()
    out["segment"] = out["segment"].astype(str)
    out["rfm_code"] = out["rfm_code"].astype(str)
    if clusters is not None:
        names = clusters.profiles.set_index("cluster")["name"]
        out["cluster"] = clusters.labels.reindex(out["customer_id"]).to_numpy()
        out["cluster_name"] = out["cluster"].map(names)
    if clv is not None:
        cols = [c for c in ("p_alive", "expected_purchases", "clv") if c in clv.columns]
        out = out.merge(clv[["customer_id", *cols]], on="customer_id", how="left")
    if channels is not None:
        out["channel_type"] = channels.reindex(out["customer_id"]).to_numpy()
    if book is not None:
        out = out.merge(check_playbook(book)[["segment", "action", "offer"]], on="segment", how="left")
    return out
