"""The span of dates the analyses trust.

A date such as 9999-12-31 (many systems' "no end date") or 0001-01-01 is a placeholder, not a
sale. Left in, it stretches weekly grids over thousands of years, puts a recommendation cut date
in the 93rd century and overflows date arithmetic (one day after 9999-12-31 has no calendar date).
Ingestion quarantines such rows, but the analyses take plain DataFrames from notebooks too, so
they check again and say which dates are wrong.
"""
from __future__ import annotations

import pandas as pd

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


def check_order_dates(dates: pd.Series) -> None:
    """Raise a DataError naming the order dates outside 1900-2100, if there are any.

    Costs a min and a max when the dates are fine (the usual case).
    """
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    if dates.empty or (_START <= dates.min() and dates.max() < _END):
        return
    bad = dates[(dates < _START) | (dates >= _END)]
    examples = ", ".join(day_text(d) for d in bad.drop_duplicates().sort_values().iloc[[0, -1]].drop_duplicates())
    n = len(bad)
    lines = "line has an order date" if n == 1 else "lines have order dates"
    raise DataError(f"{n:,} sales {lines} outside {FIRST_YEAR}–{LAST_YEAR} ({examples}). Such dates are "
                    "placeholders (9999-12-31 often stands for “no date”), not sales, and would distort every "
                    "figure over time. Correct or remove those lines and run the analysis again.",
                    zh=f"有 {n:,} 个销售行的下单日期不在 {FIRST_YEAR}–{LAST_YEAR} 年之间（{examples}）。这类日期是占位值"
                       "（9999-12-31 常表示“无日期”），不是真实销售，会扭曲所有按时间计算的结果。请更正或删除这些行后再运行分析。")
