"""Who the customers are: RFM scores and the eleven named segments, behavioural clusters with
plain-language profiles and rules, segment migration between two dates, the online / offline
mix, and the playbook of next best actions per segment.

The functions that read order lines take a *source*: a DataFrame or an Ibis table (the
workspace's DuckDB, a Spark table), see ``promo_core.engine.sales_table``; the per-line work runs in
its engine and only per-customer tables come back. Nothing here is in a language: segment names,
cluster names, descriptions, rules and errors are codes or ``promo_core.text.Message`` objects that
``ui`` and ``report`` render.

Conventions shared with the Data page: guest lines (no customer id) are left out of customer
analytics and counted; returns stay in the data, so ``monetary`` is revenue net of returns, while
an order made only of returns is not a purchase (it neither counts as an order nor makes a
customer recent).
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, ClassVar, Union

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from ibis.common.exceptions import TableNotFound
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

from promo_core.dates import OrderSpan, check_day, order_span
from promo_core.engine import SalesSource, exact_terms, exact_total, fetch, most_common, sales_table
from promo_core.engine.sales import DERIVED, ROLES
from promo_core.errors import DataError
from promo_core.text import Message

# --------------------------------------------------------------------------------------------
# The eleven segments
# --------------------------------------------------------------------------------------------
SEGMENTS = ["Champions", "Loyal Customers", "Potential Loyalists", "New Customers", "Promising",
            "Need Attention", "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost"]

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


def segment_map() -> pd.DataFrame:
    """The score-to-segment map: one row per (R score, FM score) with its segment.

    FM is the average of the F and M scores, rounded half up (F only when the data has no prices).
    """
    rows = [{"r_score": r, "fm_score": fm, "segment": _GRID[fm][r - 1]} for fm in range(5, 0, -1)
            for r in range(1, 6)]
    return pd.DataFrame(rows)


def segment_grid() -> pd.DataFrame:
    """The score-to-segment map to read at a glance: rows FM score 5 to 1, columns R score 1 to 5."""
    return pd.DataFrame({r: [_GRID[fm][r - 1] for fm in range(5, 0, -1)] for r in range(1, 6)},
                        index=pd.Index(range(5, 0, -1), name="fm_score")).rename_axis(columns="r_score")


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
# Spend is rounded to this many decimals: an engine adds a customer's lines up in whatever order its
# threads finish, so two customers who spent the same (55.70) can differ in the last bit, and a
# quintile boundary between them would give equal spenders different M scores.
MONEY_DECIMALS = 6
DAY = pd.Timedelta(days=1)


def _check_customers(lines: int, customer_lines: int) -> None:
    if not lines:
        raise DataError(Message("segments.error.empty_sales"))
    if not customer_lines:
        raise DataError(Message("segments.error.no_customer_ids"))


def to_day(value, what: str) -> pd.Timestamp:
    """``value`` as a day (midnight, no time zone); a DataError naming ``what`` (``date_name.<what>``
    in the catalogue: "as_of", "last_order" ...) when it is not a date or lies outside 1900-2100."""
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise DataError(Message("dates.not_a_date", what=Message(f"date_name.{what}"), value=str(value))) from exc
    if day.tzinfo is not None:
        day = day.tz_localize(None)
    return check_day(day.normalize(), what)


@dataclass(frozen=True)
class CustomerOrders:
    """Identified customers' order lines as the rows RFM, the BTYD summary, migration, channel
    types, churn risk and the order-level cluster features read: one row per line, or, once
    ``grouped``, one row per customer, order, day and channel.

    Why: each of those is a per-customer aggregate of per-order (or per-day) aggregates at some
    cutoff day. Read from the lines, each repeats the costly part — grouping every line by
    customer and order — once per cutoff (the Segments page did it eleven times: 46 s on 20
    million lines). ``kept`` groups the lines once, in the engine, and keeps the result for the
    analyses that follow, which read about a third as many rows with the same queries (a line is
    a group of one). A dataset stored in a workspace has both groupings stored beside its lines
    (``store_groupings``, written when it is loaded): on 100 million lines grouping them took 34
    of the Segments page's first 100 seconds. Every number is the one the lines give: counts,
    minima and maxima regroup exactly, exact sums through ``engine.exact_terms``, float sums of
    revenue up to the order of their terms (which an engine never fixed).

    Attributes
    ----------
    sales : ibis.Table
        The canonical sales table (line-level work: coverage, category shares).
    span : OrderSpan
        Its lines, identified lines and first and last order date (``dates.order_span``).
    table : ibis.Table
        ``customer_id``, ``order_id`` (when the lines have one), ``day`` (the order date's day),
        ``channel`` (when present), ``bought`` (a line is not a return), ``n_bought`` (such
        lines), ``first_at`` / ``last_at`` (their first and last order time), ``revenue`` (of all
        lines, returns included), ``value`` / ``value_huge`` (the ``exact_terms`` of the bought
        lines' revenue), and ``discounted`` / ``couponed`` (a bought line had a discount / a
        coupon) when the lines have those columns.
    grouped : bool
        Whether ``table`` is grouped per customer, order, day and channel (kept or stored).
    days : ibis.Table, optional
        The stored ``purchase_days`` (None: computed from ``table`` when asked for).
    """

    sales: ir.Table
    span: OrderSpan
    table: ir.Table
    memo: dict = field(default_factory=dict, compare=False, repr=False)
    cached: dict = field(default_factory=dict, compare=False, repr=False)  # engine tables kept until ``kept`` ends
    grouped: bool = False
    days: ir.Table | None = None

    @contextmanager
    def kept(self) -> Iterator["CustomerOrders"]:
        """The rows grouped per customer, order, day and channel once and kept in the engine (a
        temporary table) until the block ends, for several analyses to read; a per-customer
        table asked for twice (the RFM table of the as-of day by the page and by migration) is
        computed once. Rows already grouped (kept by an outer block, or stored) are given as they are."""
        if self.grouped:
            yield self
            return
        cached = _per_order(self.table).cache()
        kept = dataclasses.replace(self, table=cached, memo={}, cached={}, grouped=True)
        try:
            yield kept
        finally:
            for table in kept.cached.values():
                table.release()
            cached.release()

    def purchase_days(self, features: bool = True) -> ir.Table:
        """One row per customer and purchase day (a day with a line that is not a return):
        ``customer_id``, ``day``, ``value`` (the exact sum of its lines' revenue) and, with
        ``features``, ``online`` / ``discount`` (1.0 when one of its orders was online / had a
        discount or a coupon; present when the lines say) and ``gap`` (days since the customer's
        previous purchase day). The BTYD summary and churn risk read these: once grouped, the days
        are kept (or were stored) for both, with every column."""
        if self.days is not None:
            return self.days
        if not self.grouped:
            return purchase_days(self.table, features)
        if "days" not in self.cached:
            self.cached["days"] = purchase_days(self.table).cache()
        return self.cached["days"]

    def remembered(self, key: tuple, compute) -> pd.DataFrame:
        """``compute()``'s table, computed once per ``key`` for these rows (a copy each time:
        callers may change it)."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key].copy()


OrderSource = Union[SalesSource, CustomerOrders]
STORED_GROUPINGS = {"orders": "__customer_orders", "days": "__purchase_days"}  # a stored table's name + suffix


def customer_orders(transactions: OrderSource, needed=_NEEDED) -> CustomerOrders:
    """The identified customers' order lines of ``transactions`` as ``CustomerOrders`` rows.

    Parameters
    ----------
    transactions : DataFrame, ibis.Table or CustomerOrders
        Order lines (see ``promo_core.engine.sales_table``); ``CustomerOrders`` are returned as
        they are. A table with groupings stored by ``store_groupings`` beside it gives those, already grouped.
    needed : sequence of str
        The canonical columns the caller needs (a DataError names those the lines lack).

    Returns
    -------
    CustomerOrders
    """
    if isinstance(transactions, CustomerOrders):
        sales_table(transactions.sales, needed)  # a DataError naming a needed column the lines lack
        return transactions
    sales = sales_table(transactions, needed, optional=[c for c in (*ROLES, *DERIVED) if c not in needed])
    stored = _stored_groupings(transactions)
    if stored is not None:
        return CustomerOrders(sales=sales, span=order_span(sales), table=stored["orders"], grouped=True,
                              days=stored["days"])
    return CustomerOrders(sales=sales, span=order_span(sales), table=_order_rows(sales))


def _order_rows(sales: ir.Table) -> ir.Table:
    """The ``CustomerOrders`` rows of a canonical sales table, one per identified line."""
    lines = sales.filter(sales.customer_id.notnull())
    bought = ~lines.is_return
    row = {k: lines[k] for k in ("customer_id", "order_id") if k in sales.columns}
    row["day"] = lines.order_date.date()
    row.update({"channel": lines.channel} if "channel" in sales.columns else {})
    row.update(bought=bought, n_bought=bought.ifelse(1, 0), first_at=ibis.cases((bought, lines.order_date)))
    row["last_at"] = row["first_at"]
    if "revenue" in sales.columns:
        row["revenue"] = lines.revenue
        row["value"], row["value_huge"] = exact_terms(lines.revenue)
    if "discount" in sales.columns:
        row["discounted"] = lines.discount.fill_null(0) > 0
    if "coupon_code" in sales.columns:
        row["couponed"] = lines.coupon_code.notnull()
    return lines.select(**row)


def store_groupings(lines: ir.Table, create: Callable[[str, ir.Table], ir.Table]) -> list[str]:
    """Store the groupings of a dataset's order lines that ``customer_orders`` gives instead of
    the lines: ``CustomerOrders`` rows grouped per customer, order, day and channel, then their
    ``purchase_days``. ``create(suffix, table)`` stores ``table`` under the lines' name +
    ``suffix`` (``STORED_GROUPINGS``) and returns the stored table. Returns the suffixes stored:
    none for lines without customer ids, order dates or revenue, whose customers no analysis scores.

    Why stored: on 100 million lines the two groupings cost 34 s of the Segments page's first
    render (the engine's work grows faster than the lines once it spills past its memory), and a
    dataset's lines never change once loaded. Loading pays it once; every session, every part of
    the page and every report reads them."""
    if not {"customer_id", "order_date"} <= set(lines.columns):
        return []
    sales = sales_table(lines, optional=[*ROLES, *DERIVED])
    if "revenue" not in sales.columns:  # (the BTYD summary and churn risk need a purchase's value)
        return []
    orders = create(STORED_GROUPINGS["orders"], _per_order(_order_rows(sales)))
    create(STORED_GROUPINGS["days"], purchase_days(orders))
    return [STORED_GROUPINGS["orders"], STORED_GROUPINGS["days"]]


def _stored_groupings(source) -> dict[str, ir.Table] | None:
    """The groupings stored beside ``source`` when it is a stored table that has them (with the
    columns they were written with), else None."""
    if not isinstance(source, ir.Table):
        return None
    op = source.op()
    if not isinstance(op, ops.DatabaseTable):
        return None
    try:
        tables = {kind: op.source.table(op.name + suffix) for kind, suffix in STORED_GROUPINGS.items()}
    except TableNotFound:
        return None
    looks_right = ({"customer_id", "day", "bought", "n_bought"} <= set(tables["orders"].columns)
                   and {"customer_id", "day", "value", "gap"} <= set(tables["days"].columns))
    return tables if looks_right else None


def purchase_days(rows: ir.Table, features: bool = True) -> ir.Table:
    """``CustomerOrders.purchase_days`` of ``CustomerOrders`` rows (lines or grouped)."""
    rows = rows.filter(rows.bought)
    flags = {}
    if features and "channel" in rows.columns:
        names = fetch(rows.filter(rows.channel.notnull()).select("channel").distinct())["channel"]
        online = [c for c in names if is_online_channel(c)]
        if online:  # (without an online channel the share says nothing)
            flags["online"] = rows.channel.isin(online)
    discounted = [rows[c] for c in ("discounted", "couponed") if c in rows.columns] if features else []
    if discounted:
        flags["discount"] = discounted[0] | discounted[1] if len(discounted) == 2 else discounted[0]
    days = rows.group_by(["customer_id", "day"]).aggregate(
        value=exact_total(rows.value, rows.value_huge), **{k: v.any().cast("float64") for k, v in flags.items()})
    if not features:
        return days
    # the days since the customer's previous purchase day: the same whatever the cutoff (a cutoff
    # that keeps a day keeps the days before it), so ranked once, not once per feature table
    return days.mutate(gap=days.day.delta(days.day.lag().over(group_by="customer_id", order_by="day"), unit="day"))


def _per_order(rows: ir.Table) -> ir.Table:
    """``CustomerOrders`` rows grouped per customer, order, day and channel."""
    keys = [k for k in ("customer_id", "order_id", "day", "channel") if k in rows.columns]
    bought = rows.bought
    sums = {}
    if "revenue" in rows.columns:
        sums.update(revenue=rows.revenue.sum(), value=rows.value.sum(where=bought),
                    value_huge=rows.value_huge.sum(where=bought))
    sums.update({flag: rows[flag].any(where=bought) for flag in ("discounted", "couponed") if flag in rows.columns})
    return rows.group_by(keys).aggregate(bought=bought.any(), n_bought=rows.n_bought.sum(),
                                         first_at=rows.first_at.min(), last_at=rows.last_at.max(), **sums)


def _before(orders: ir.Table, cutoff: pd.Timestamp) -> ir.Table:
    """The ``CustomerOrders`` rows of order dates before ``cutoff`` (a midnight)."""
    return orders.filter(orders.day < ibis.literal(cutoff.date()))


def rfm(transactions: OrderSource, as_of=None, earlier=()) -> pd.DataFrame:
    """Recency, frequency and monetary value per customer, their 1-5 scores and the named segment.

    Parameters
    ----------
    transactions : DataFrame, ibis.Table or CustomerOrders
        Order lines (see ``promo_core.engine.sales_table``), or their ``customer_orders``. Guest
        lines are left out; returns reduce ``monetary``; orders made only of returns are not
        purchases.
    as_of : date-like, optional
        The day the analysis looks back from (lines after that day are ignored). Defaults to the
        day of the last line.
    earlier : sequence of int
        Days before ``as_of`` whose tables are computed in the same pass over the rows and
        remembered by ``CustomerOrders`` (migration's earlier date), saving a pass each.

    Returns
    -------
    DataFrame
        One row per customer with at least one purchase: ``customer_id``, ``recency_days`` (days
        from the last purchase to ``as_of``), ``frequency`` (distinct purchase orders),
        ``monetary`` (revenue net of returns, to ``MONEY_DECIMALS``; NaN without prices), ``r_score``,
        ``f_score``, ``m_score`` (1-5, see ``quintile_scores``; missing without prices),
        ``fm_score``, ``rfm_code`` (e.g. "545", categorical), ``segment`` (categorical in the
        order of ``SEGMENTS``; see ``segment_map``), ``first_purchase`` and ``last_purchase``. Sorted
        by customer_id.
    """
    orders = customer_orders(transactions)
    span = orders.span
    _check_customers(span.lines, span.customer_lines)
    last_day = to_day(span.last, "last_order")
    as_of = last_day if as_of is None else to_day(as_of, "as_of")
    days = [as_of, *(as_of - int(d) * DAY for d in earlier if int(d) > 0)]
    days = [d for d in dict.fromkeys(days) if ("rfm", d) not in orders.memo]
    if len(days) > 1:  # (tables for days without a purchase are left for the call that asks for them to refuse)
        orders.memo.update({("rfm", d): t for d, t in _rfm_tables(orders.table, days).items()})
    return orders.remembered(("rfm", as_of), lambda: _rfm(orders.table, as_of, last_day))


def _rfm(rows: ir.Table, as_of: pd.Timestamp, last_day: pd.Timestamp) -> pd.DataFrame:
    table = _rfm_tables(rows, [as_of]).get(as_of)
    if table is None:
        raise DataError(Message("segments.error.no_purchase_by", as_of=as_of, last_day=last_day))
    return table


def _rfm_tables(rows: ir.Table, days: list[pd.Timestamp]) -> dict[pd.Timestamp, pd.DataFrame]:
    """The RFM tables as of each of ``days`` from one query; a day without a purchase has none."""
    wide = fetch(_purchases_per_customer(rows, [d + DAY for d in days]))
    wide["customer_id"] = wide["customer_id"].astype("str")
    tables = {}
    for i, day in enumerate(days):
        columns = {f"{c}_{i}": c for c in ("frequency", "monetary", "first_purchase", "last_purchase")}
        table = wide.loc[wide[f"frequency_{i}"] > 0, ["customer_id", *columns]].rename(columns=columns)
        if not table.empty:
            tables[day] = _rfm_table(table.reset_index(drop=True), day)
    return tables


def _rfm_table(table: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    last = table["last_purchase"].astype("datetime64[us]")
    table["first_purchase"] = table["first_purchase"].astype("datetime64[us]")
    table["last_purchase"] = last
    table["recency_days"] = (as_of - last.dt.normalize()).dt.days.astype(np.int64)
    table["frequency"] = table["frequency"].astype(np.int64)
    table["monetary"] = table["monetary"].astype(float).round(MONEY_DECIMALS)
    return _score(table)


def _purchases_per_customer(table: ir.Table, cutoffs: list[pd.Timestamp]) -> ir.Table:
    """Purchase orders, net revenue and first / last purchase of each customer with a row before
    the last of ``cutoffs``, before each cutoff (columns ``frequency_<i>``, ``monetary_<i>``,
    ``first_purchase_<i>``, ``last_purchase_<i>``): an order counts when one of its lines is not a
    return. Why one query for several cutoffs: each is a pass over millions of rows, and the
    conditional aggregates of one pass give each cutoff's numbers exactly (a customer without a
    purchase before a cutoff has ``frequency_<i>`` 0)."""
    rows = _before(table, max(cutoffs))
    before = [rows.day < ibis.literal(c.date()) for c in cutoffs]
    orders = rows.group_by(["customer_id", "order_id"]).aggregate(**{
        k: v for i, b in enumerate(before) for k, v in (
            (f"is_purchase_{i}", rows.bought.any(where=b)), (f"first_at_{i}", rows.first_at.min(where=b)),
            (f"last_at_{i}", rows.last_at.max(where=b)), (f"revenue_{i}", rows.revenue.sum(where=b)))})
    per = orders.group_by("customer_id").aggregate(**{
        k: v for i in range(len(cutoffs)) for k, v in (
            (f"frequency_{i}", orders.count(where=orders[f"is_purchase_{i}"])),
            (f"monetary_{i}", orders[f"revenue_{i}"].sum()), (f"first_purchase_{i}", orders[f"first_at_{i}"].min()),
            (f"last_purchase_{i}", orders[f"last_at_{i}"].max()))})
    return per.order_by("customer_id")


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


def coverage(transactions: OrderSource) -> Coverage:
    """How much of the data belongs to identified customers (for the page's caveats)."""
    orders = customer_orders(transactions)
    sales = orders.sales
    _check_customers(orders.span.lines, orders.span.customer_lines)
    guest = sales.customer_id.isnull()
    row = fetch(sales.aggregate(
        lines=sales.count(), guest_lines=sales.count(where=guest), guest_revenue=sales.revenue.sum(where=guest),
        revenue=sales.revenue.sum(), priced_lines=sales.revenue.count())).iloc[0]
    per = orders.table.group_by("customer_id").aggregate(bought=orders.table.bought.any())
    row = pd.concat([row, fetch(per.aggregate(customers=per.count(where=per.bought), identified=per.count())).iloc[0]])
    lines, guest_lines = int(row["lines"]), int(row["guest_lines"])
    total, guest_revenue = row["revenue"], 0.0 if pd.isna(row["guest_revenue"]) else row["guest_revenue"]
    return Coverage(customers=int(row["customers"]), guest_lines=guest_lines,
                    guest_revenue_share=float(guest_revenue / total) if row["priced_lines"] and total
                    else float("nan"),
                    returns_only_customers=int(row["identified"] - row["customers"]))


def segment_summary(rfm_table: pd.DataFrame) -> pd.DataFrame:
    """One row per segment (all eleven, in the standard order): customers, revenue and the
    typical customer.

    Returns
    -------
    DataFrame
        ``segment``, ``customers``, ``customer_share``, ``revenue``, ``revenue_share``,
        ``median_recency_days``, ``mean_frequency``, ``mean_monetary`` and ``description`` (a
        ``Message``: who is in the segment).
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
    out["description"] = [Message(f"segment_about.{s}") for s in out["segment"]]
    return out[["segment", "customers", "customer_share", "revenue", "revenue_share", "median_recency_days",
                "mean_frequency", "mean_monetary", "description"]]


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


def customer_features(transactions: OrderSource, rfm_table: pd.DataFrame) -> pd.DataFrame:
    """The behaviour of each customer in readable units, for clustering and for its explanation.

    Parameters
    ----------
    transactions : DataFrame, ibis.Table or CustomerOrders
        Order lines (see ``promo_core.engine.sales_table``), or their ``customer_orders``.
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
    orders = customer_orders(transactions)
    sales = orders.sales
    cutoff = rfm_as_of(rfm_table) + DAY
    lines = sales.filter(sales.customer_id.notnull(), ~sales.is_return, sales.order_date < cutoff)
    bought = _before(orders.table, cutoff)
    bought = bought.filter(bought.bought)  # the orders' rows with a line that is not a return
    parts = []  # per-customer aggregates: each comes back as one row per customer
    # the channels with the most bought lines, counted on the grouped rows (n_bought lines each:
    # the same counts as on the lines, without reading the lines again)
    channels = _top_values(bought, "channel", MAX_CHANNELS, weight="n_bought") if "channel" in sales.columns else []
    used = _discount_columns(sales)
    flag = [bought[c] for c in used]
    deal = {"deal": (flag[0] | flag[1] if len(flag) == 2 else flag[0]).any().cast("float64")} if used else {}
    # the orders' channels and deal flags from one grouping per order (each cost 1.5 CPU-seconds on 20M lines)
    if len(channels) >= 2:
        per_order = _order_channel(bought, **deal)
        named = per_order.channel.notnull()
        shares = {f"channel: {v}": (per_order.channel == v).cast("float64").mean(where=named) for v in channels}
    else:
        per_order = bought.group_by(["customer_id", "order_id"]).aggregate(**deal)
        shares = {}
    if used:
        shares["discount_share"] = per_order.deal.mean()
    if shares:
        parts.append(per_order.group_by("customer_id").aggregate(**shares))
    cats = _top_values(lines, "category", MAX_CATEGORIES, weight="revenue") if "category" in sales.columns else []
    if len(cats) >= 2:
        spend = lines.filter(lines.revenue > 0)
        total = spend.revenue.sum().nullif(0)
        parts.append(spend.group_by("customer_id").aggregate(
            **{f"category: {c}": spend.revenue.sum(where=spend.category == c) / total for c in cats}))
    for part in map(fetch, parts):  # (joined here: joining them in the engine cost 1.5 CPU-seconds on 20M lines)
        feats = feats.join(part.set_index(part["customer_id"].astype("str")).drop(columns="customer_id"))
    feats = feats.fillna(0.0)
    feats.index = feats.index.astype("str")
    return feats


def _order_channel(rows: ir.Table, **also) -> ir.Table:
    """``customer_id``, ``order_id`` and the order's channel (the one most of its bought lines
    have, alphabetically first on a tie; orders without a channel left out) of ``CustomerOrders``
    rows. ``also``: other aggregates per order computed in the same grouping (then every order is
    kept, its channel missing when its lines name none).

    Why not ``engine.most_common`` on every order: nearly every order is bought in one channel,
    and its window ranking over millions of orders cost 4 of the 10 CPU-seconds of the features
    on 20 million lines. An order whose lines name one channel has that one (its lowest is its
    highest); only the others are ranked. The same channel as ``most_common`` gives for every
    order.
    """
    keys = ["customer_id", "order_id"]
    span = rows.group_by(keys).aggregate(lo=rows.channel.min(), hi=rows.channel.max(), **also)
    mixed = most_common(rows.semi_join(span.filter(span.lo != span.hi), keys), keys, "channel", weight="n_bought")
    named = span.left_join(mixed, keys)
    out = named.select(*keys, channel=ibis.cases((named.lo == named.hi, named.lo), else_=named.channel), *also)
    return out if also else out.filter(out.channel.notnull())


def _discount_columns(sales: ir.Table) -> list[str]:
    """The columns of ``CustomerOrders`` rows that say an order had a discount
    (``discounted``) or a coupon (``couponed``): those whose source column has one on some line of
    the data (otherwise the feature would say nothing)."""
    flags = {}
    if "discount" in sales.columns:
        flags["discounted"] = (sales.discount.fill_null(0) != 0).any()
    if "coupon_code" in sales.columns:
        flags["couponed"] = sales.coupon_code.notnull().any()
    return [name for name, flag in fetch(sales.aggregate(**flags)).iloc[0].items() if flag] if flags else []


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
            raise DataError(Message("segments.error.too_many_clusters", clusters=self.n_clusters, customers=n))
        if n < 3:
            raise DataError(Message("segments.error.too_few_to_cluster", customers=n))
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


# Features with a word for a cluster well above (True) or below (False) all customers: trait.<feature>.<high|low>
_TRAIT_WORDS = {("recency_days", True), ("recency_days", False), ("frequency", True), ("frequency", False),
                ("monetary", True), ("monetary", False), ("discount_share", True)}


def _trait(col: str, high: bool) -> Message | None:
    """The word for a cluster far from everyone on ``col`` (None: not worth saying)."""
    if (col, high) in _TRAIT_WORDS:
        return Message(f"trait.{col}.{'high' if high else 'low'}")
    if not high or ": " not in col:
        return None
    kind, name = col.split(": ", 1)
    return Message(f"trait.{kind}", name=name)


def cluster_profiles(features: pd.DataFrame, labels) -> pd.DataFrame:
    """Each cluster in numbers and in words.

    Returns
    -------
    DataFrame
        ``cluster``, ``name`` (a ``Message``: its two strongest traits, e.g. "Frequent, online
        shoppers"), ``customers``, ``share``, median ``recency_days``, ``frequency`` and
        ``monetary``, the mean of every share column, and ``description`` (a ``Message``: the
        cluster compared with all customers).
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
            word = _trait(col, z[col] > 0)
            if word and word not in traits:
                traits.append(word)
        name = (Message("cluster.name.two", first=traits[0], second=traits[1]) if len(traits) == 2
                else Message("cluster.name.one", first=traits[0] if traits else Message("trait.typical")))
        med = f.loc[m, ["recency_days", "frequency", "monetary"]].median()
        shares = f.loc[m, share_cols].mean()
        row = {"cluster": int(c), "name": name, "customers": int(m.sum()), "share": m.mean(),
               "recency_days": med["recency_days"], "frequency": med["frequency"], "monetary": med["monetary"],
               **shares.to_dict()}
        row["description"] = _describe(m.sum(), m.mean(), med, overall_med, shares, overall_share)
        rows.append(row)
    return pd.DataFrame(rows)


def _describe(n, share, med, overall, shares, overall_share) -> Message:
    parts = [Message("cluster.about.size", customers=int(n), share=share),
             Message("cluster.about.typical", recency=med["recency_days"], all_recency=overall["recency_days"],
                     orders=med["frequency"], all_orders=overall["frequency"], spend=med["monetary"],
                     all_spend=overall["monetary"])]
    for kind, cols in feature_groups(shares.index).items():
        if kind == "channel":
            top = shares[cols].idxmax()
            parts.append(Message("cluster.about.channel", channel=top.split(": ", 1)[1], share=shares[top],
                                 all_share=overall_share[top]))
        elif kind == "discount_share":
            parts.append(Message("cluster.about.discount", share=shares[kind], all_share=overall_share[kind]))
        elif kind == "category" and (shares[cols] - overall_share[cols]).max() >= 0.05:
            top = (shares[cols] - overall_share[cols]).idxmax()
            parts.append(Message("cluster.about.category", category=top.split(": ", 1)[1], share=shares[top],
                                 all_share=overall_share[top]))
    return Message("cluster.about", parts=tuple(parts))


@dataclass(frozen=True)
class ClusterRules:
    """Rules in plain words that pick out each cluster."""

    rules: pd.DataFrame  # cluster, rule (a Message), customers (matching the rule), precision, recall
    coverage: float  # share of all customers whose own cluster's rule describes them


def _condition(col: str, lo: float | None, hi: float | None) -> Message:
    """'lo < col <= hi' as a message in the feature's own units."""
    bound = "between" if lo is not None and hi is not None else "at_most" if hi is not None else "above"
    if col == "frequency":  # whole orders: more than 6.5 orders is at least 7
        lo = None if lo is None else int(np.floor(lo)) + 1
        hi = None if hi is None else int(np.floor(hi))
    if col in ("recency_days", "frequency", "monetary"):
        return Message(f"rule.{col}.{bound}", lo=lo, hi=hi)
    if col == "discount_share":
        what = Message("rule.what.discount_share")
    else:
        kind, name = col.split(": ", 1)
        what = Message(f"rule.what.{kind}", name=name)
    return Message(f"rule.share.{bound}", lo=lo, hi=hi, what=what)


def explain_clusters(features: pd.DataFrame, labels, max_depth: int = 3, random_state: int = 0,
                     fit_size: int = 50_000) -> ClusterRules:
    """One rule per cluster that a manager can read ("at least 7 orders and more than 80% of
    orders online"), from a shallow decision tree on the features in their own units.

    For each cluster a tree of depth ``max_depth`` separates it from the rest; the rule is the
    path to the leaf that best balances precision (share of the customers matching the rule who
    are in the cluster) and recall (share of the cluster the rule catches), i.e. the best F1.

    Parameters
    ----------
    fit_size : int
        With more customers, the trees are fitted on a sample of this many, stratified by
        cluster (each cluster keeps its share). Why: a depth-3 tree's thresholds settle long
        before half a million customers (its leaves hold at least 0.5% of the rows), and
        fitting on all took 14 CPU-seconds on 500,000 customers. The rules' customers,
        precision, recall and coverage are still counted on every customer. Up to ``fit_size``
        customers (the demo's 20,000) every customer is used, as before.

    Returns
    -------
    ClusterRules
    """
    labels = np.asarray(labels)
    x = features.to_numpy(dtype=float)
    cols = list(features.columns)
    rows, covered = [], np.zeros(len(x), dtype=bool)
    clusters = np.unique(labels)
    fitted = stratified_sample(labels, fit_size, random_state)
    x_fit, labels_fit = x[fitted], labels[fitted]

    def fit(c) -> DecisionTreeClassifier:
        return DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=max(5, len(x_fit) // 200),
                                      class_weight="balanced", random_state=random_state).fit(x_fit, labels_fit == c)

    # the trees are independent and their fitting runs outside the GIL: one thread per core (half
    # the time on two cores for half a million customers; each tree is the same as fitted alone)
    with ThreadPoolExecutor(max_workers=min(len(clusters), os.cpu_count() or 1)) as pool:
        trees = list(pool.map(fit, clusters))
    for c, tree in zip(clusters, trees):
        y = labels == c
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
        conds = tuple(_condition(cols[f], lo, hi) for f, (lo, hi) in bounds.items())
        rule = Message("rule.all", conditions=conds) if conds else Message("rule.everyone")
        rows.append({"cluster": int(c), "rule": rule,
                     "customers": int(hit.sum()), "precision": float(precision), "recall": float(recall)})
        covered |= hit & y
    return ClusterRules(rules=pd.DataFrame(rows, columns=["cluster", "rule", "customers", "precision", "recall"]),
                        coverage=float(covered.mean()))


def stratified_sample(labels: np.ndarray, size: int, random_state: int) -> np.ndarray:
    """Sorted positions of at most about ``size`` rows, each label keeping its share (at least one
    row per label); every position when there are no more than ``size`` rows."""
    if len(labels) <= size:
        return np.arange(len(labels))
    rng = np.random.default_rng(random_state)
    picked = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        keep = max(1, round(len(members) * size / len(labels)))
        picked.append(rng.choice(members, keep, replace=False))
    return np.sort(np.concatenate(picked))


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


def cluster_customers(transactions: OrderSource, rfm_table: pd.DataFrame, n_clusters: int | None = None,
                      random_state: int = 0) -> ClusterResult:
    """Behavioural clusters with profiles, readable rules and a 2-D map of the customers.

    Parameters
    ----------
    transactions : DataFrame, ibis.Table or CustomerOrders
        Order lines (see ``promo_core.engine.sales_table``), or their ``customer_orders``.
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
        selection=model.selection_, profiles=cluster_profiles(features, model.labels_),
        rules=explain_clusters(features, model.labels_, random_state=random_state),
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

    def directions(self) -> dict[str, int]:
        """Customers who moved ``up``, ``down``, stayed the ``same`` or are ``new`` (all four keys)."""
        counts = self.customers["direction"].value_counts()
        return {d: int(counts.get(d, 0)) for d in ("up", "down", "same", "new")}


def segment_migration(transactions: OrderSource, end=None, days: int = 90) -> Migration:
    """Segments at two dates ``days`` apart and the flows between them.

    Parameters
    ----------
    transactions : DataFrame, ibis.Table or CustomerOrders
        Order lines (see ``promo_core.engine.sales_table``), or their ``customer_orders``.
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
        raise DataError(Message("segments.error.gap_too_small"))
    orders = customer_orders(transactions)
    late = rfm(orders, end)
    end_day = rfm_as_of(late)
    start_day = end_day - pd.Timedelta(days=int(days))
    first_day = to_day(orders.span.first, "first_order")
    if start_day < first_day:
        raise DataError(Message("segments.error.gap_before_data", first_day=first_day, end_day=end_day, days=days,
                                longest=(end_day - first_day).days))
    early = rfm(orders, start_day)
    both = late[["customer_id", "segment", "r_score", "fm_score"]].merge(
        early[["customer_id", "segment", "r_score", "fm_score"]], on="customer_id", how="left",
        suffixes=("_end", "_start"))
    seg_start = both["segment_start"].astype(str).where(both["segment_start"].notna(), NOT_YET)
    before = (both["r_score_start"] + both["fm_score_start"]).to_numpy(dtype=float)
    after = (both["r_score_end"] + both["fm_score_end"]).to_numpy(dtype=float)
    direction = np.select([np.isnan(before), after > before, after < before], ["new", "up", "down"], "same")
    s1, s2, s0 = (ibis.literal(d.date()) for d in (start_day + DAY, end_day + DAY, start_day + DAY - 365 * DAY))
    rows = orders.table
    day = rows.day
    rev = fetch(rows.group_by("customer_id").aggregate(
        revenue_before=rows.revenue.sum(where=(day >= s0) & (day < s1)).fill_null(0.0),
        revenue_between=rows.revenue.sum(where=(day >= s1) & (day < s2)).fill_null(0.0)))
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
NO_CHANNEL = "segments.error.no_channel"  # the id of the DataError for data without channels


def is_online_channel(name: str) -> bool:
    """Whether a channel name means an online sale (web, app, marketplace, 线上, 小程序, ...)."""
    return bool(ONLINE_CHANNEL.search(str(name)))


def customer_channels(transactions: OrderSource, as_of=None) -> pd.Series:
    """Each customer's channel type: ``online only``, ``offline only`` or ``both``.

    Parameters
    ----------
    transactions : DataFrame, ibis.Table or CustomerOrders
        Order lines (see ``promo_core.engine.sales_table``) with a ``channel``, or their
        ``customer_orders``.
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
    orders = customer_orders(transactions, ["customer_id", "order_date", "is_return"])
    sales = orders.sales
    bought = sales.customer_id.notnull() & ~sales.is_return
    rows = orders.table.filter(orders.table.bought)
    if as_of is not None:
        cutoff = to_day(as_of, "as_of") + DAY
        bought &= sales.order_date < cutoff
        rows = _before(rows, cutoff)
    names = (fetch(sales.filter(sales.channel.notnull()).group_by("channel").aggregate(bought=bought.any()))
             if "channel" in sales.columns else pd.DataFrame())
    if names.empty:
        raise DataError(Message(NO_CHANNEL))
    online = [c for c in names.loc[names["bought"], "channel"] if is_online_channel(c)]
    rows = rows.filter(rows.channel.notnull())
    is_online = rows.channel.isin(online) if online else ibis.literal(False)
    per = fetch(rows.group_by("customer_id").aggregate(any_online=is_online.any(), all_online=is_online.all())
                .order_by("customer_id"))
    kind = np.select([per["all_online"], ~per["any_online"]], ["online only", "offline only"], "both")
    out = pd.Series(kind, index=per["customer_id"].astype("str"), name="channel_type")
    out.index.name = "customer_id"
    return out


def omnichannel(transactions: OrderSource, rfm_table: pd.DataFrame,
                channel_types: pd.Series | None = None) -> pd.DataFrame:
    """Online-only, offline-only and both-channel customers in every segment.

    ``channel_types``, when already computed (``customer_channels`` as of the RFM table's day),
    saves reading the lines again.

    Returns
    -------
    DataFrame
        ``segment``, ``channel_type``, ``customers``, ``share`` (of the segment's customers),
        ``revenue`` and ``revenue_per_customer``; all segments x three types, zeros included.
    """
    kinds = customer_channels(transactions, rfm_as_of(rfm_table)) if channel_types is None else channel_types
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
# The segments a coupon goes to by default; each segment's action and offer are playbook.action.<segment>
# and playbook.offer.<segment> in the catalogue.
_COUPON_SEGMENTS = {"Potential Loyalists", "New Customers", "Promising", "Need Attention", "About to Sleep", "At Risk",
                    "Can't Lose Them", "Hibernating"}
PLAYBOOK_COLUMNS = ["segment", "action", "offer", "send_coupon"]


def playbook() -> pd.DataFrame:
    """The default next best action per segment (the page lets the manager edit it).

    Returns
    -------
    DataFrame
        ``segment`` (English name, the key), ``action`` and ``offer`` (``Message`` objects) and
        ``send_coupon`` (whether the segment belongs in a coupon target list).
    """
    rows = [{"segment": s, "action": Message(f"playbook.action.{s}"), "offer": Message(f"playbook.offer.{s}"),
             "send_coupon": s in _COUPON_SEGMENTS} for s in SEGMENTS]
    return pd.DataFrame(rows, columns=PLAYBOOK_COLUMNS)


def check_playbook(book: pd.DataFrame) -> pd.DataFrame:
    """An edited playbook, validated: one row per known segment, ``send_coupon`` as bool."""
    missing = [c for c in PLAYBOOK_COLUMNS if c not in book.columns]
    if missing:
        raise DataError(Message("segments.error.playbook_columns", missing=tuple(missing),
                                needed=tuple(PLAYBOOK_COLUMNS)))
    unknown = sorted(set(book["segment"].dropna().astype(str)) - set(SEGMENTS))
    if unknown:
        raise DataError(Message("segments.error.playbook_unknown", unknown=tuple(unknown), known=tuple(SEGMENTS)))
    dup = book["segment"][book["segment"].duplicated()].astype(str).unique()
    if len(dup):
        raise DataError(Message("segments.error.playbook_duplicates", segments=tuple(dup)))
    out = book[PLAYBOOK_COLUMNS].copy()
    out["send_coupon"] = out["send_coupon"].fillna(False).astype(bool)
    out["segment"] = out["segment"].astype(str)
    return out.reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class SegmentPlaybook:
    """The manager's playbook as the Segments page hands it to the Coupons page (kept in the
    workspace per dataset: ``Workspace.save_handoff``). Why a type and not a table under a string
    key: the reader knows what it gets, and it is checked once, where it is made.

    Attributes
    ----------
    table : DataFrame
        ``check_playbook``'s table: segment, action, offer, send_coupon.
    """

    kind: ClassVar[str] = "segment_playbook"
    table: pd.DataFrame

    def __post_init__(self):
        object.__setattr__(self, "table", check_playbook(self.table))

    @classmethod
    def default(cls) -> "SegmentPlaybook":
        """The default playbook (``playbook``)."""
        return cls(playbook())

    @property
    def coupon_segments(self) -> tuple[str, ...]:
        """The segments a coupon goes to, in the playbook's order."""
        return tuple(self.table.loc[self.table["send_coupon"], "segment"])

    def to_json(self) -> str:
        """The playbook as JSON text (what the workspace stores); actions and offers as text."""
        if self.table[["action", "offer"]].map(lambda v: isinstance(v, Message)).any().any():
            raise ValueError("store a playbook as the manager reads it: render its messages first")
        return self.table.to_json(orient="records", force_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "SegmentPlaybook":
        """A playbook stored by ``to_json``."""
        return cls(pd.DataFrame(json.loads(text), columns=PLAYBOOK_COLUMNS))

    def __eq__(self, other) -> bool:
        return isinstance(other, SegmentPlaybook) and self.table.to_dict("records") == other.table.to_dict("records")


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
