"""The span of dates the analyses trust.

A date such as 9999-12-31 (many systems' "no end date") or 0001-01-01 is a placeholder, not a
sale. Left in, it stretches weekly grids over thousands of years, puts a recommendation cut date
in the 93rd century and overflows date arithmetic (one day after 9999-12-31 has no calendar date).
Ingestion quarantines such rows, but the analyses take plain DataFrames from notebooks and tables
in other engines too, so they check again (in the engine: ``order_span``) and say which dates are
wrong.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from promo_core.engine import fetch
from promo_core.errors import DataError

FIRST_YEAR, LAST_YEAR = 1900, 2100
_START, _END = pd.Timestamp(f"{FIRST_YEAR}-01-01"), pd.Timestamp(f"{LAST_YEAR + 1}-01-01")


def day_text(ts: pd.Timestamp) -> str:
    """YYYY-MM-DD for any Timestamp (``strftime`` fails outside years 1-9999)."""
    return f"{ts.year:04d}-{ts.month:02d}-{ts.day:02d}"


def _naive(ts):
    return ts.tz_localize(None) if getattr(ts, "tzinfo", None) is not None else ts


def check_day(day: pd.Timestamp, what: str, what_zh: str) -> pd.Timestamp:
    """``day`` itself, or a DataError when it lies outside 1900-2100."""
    if _START <= _naive(day) < _END:
        return day
    raise DataError(f"The {what} {day_text(day)} lies outside {FIRST_YEAR}–{LAST_YEAR}. Give a date such as "
                    "2025-06-30.",
                    zh=f"{what_zh} {day_text(day)} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间。请填写类似 2025-06-30 的日期。")


@dataclass(frozen=True)
class OrderSpan:
    """The totals every analysis of order lines checks before it starts, from one query."""

    lines: int
    customer_lines: int  # lines with a customer id (0 in a table without customers)
    first: pd.Timestamp | None  # first and last order date (None without lines)
    last: pd.Timestamp | None


def order_span(sales) -> OrderSpan:
    """Lines, identified lines and the first and last order date of a sales table, computed in its
    engine; a DataError naming the order dates outside 1900-2100, if there are any (costs a second
    query only then).

    Parameters
    ----------
    sales : ibis.Table
        A canonical sales table (``promo_core.engine.sales_table``) with ``order_date`` (and
        ``customer_id`` where customers are counted).

    Returns
    -------
    OrderSpan
    """
    dates = sales.order_date
    customers = {"customer_lines": sales.customer_id.count()} if "customer_id" in sales.columns else {}
    row = fetch(sales.aggregate(lines=sales.count(), **customers, first=dates.min(), last=dates.max())).iloc[0]
    span = OrderSpan(lines=int(row["lines"]), customer_lines=int(row.get("customer_lines", 0)),
                     first=None if pd.isna(row["first"]) else row["first"],
                     last=None if pd.isna(row["last"]) else row["last"])
    if span.lines and not (_START <= span.first and span.last < _END):
        bad = sales.filter((dates < _START) | (dates >= _END))
        row = fetch(bad.aggregate(n=bad.count(), first=bad.order_date.min(), last=bad.order_date.max())).iloc[0]
        raise _outside_error(int(row["n"]), row["first"], row["last"])
    return span


def _outside_error(n: int, first_bad: pd.Timestamp, last_bad: pd.Timestamp) -> DataError:
    examples = ", ".join(day_text(d) for d in dict.fromkeys([first_bad, last_bad]))
    lines = "line has an order date" if n == 1 else "lines have order dates"
    return DataError(f"{n:,} sales {lines} outside {FIRST_YEAR}–{LAST_YEAR} ({examples}). Such dates are "
                     "placeholders (9999-12-31 often stands for “no date”), not sales, and would distort every "
                     "figure over time. Correct or remove those lines and run the analysis again.",
                     zh=f"有 {n:,} 个销售行的下单日期不在 {FIRST_YEAR}–{LAST_YEAR} 年之间（{examples}）。这类日期是占位值"
                        "（9999-12-31 常表示“无日期”），不是真实销售，会扭曲所有按时间计算的结果。请更正或删除这些行后再运行分析。")
