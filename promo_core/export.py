"""Exports that are safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel and LibreOffice (CSV injection). Text cells like that get a leading apostrophe; real
numbers are left alone, so ``-3`` stays a number.
"""
from __future__ import annotations

import io
import json
import math
import re
import unicodedata

import pandas as pd
import xlsxwriter

from promo_core.errors import DataError
from promo_core.text import Message

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_048_576  # rows in a sheet, header included
_MONEY_WORDS = {"revenue", "spend", "sales", "price", "cost", "costs", "profit", "monetary", "clv", "amount", "aov",
                "liability", "收入", "金额", "价格", "成本", "利润", "销售额"}
_PERCENT_WORDS = {"share", "rate", "pct", "percent", "probability", "alive", "占比", "比例", "概率"}


def neutralise_cell(value):
    """Prefix a formula-like text value with ``'``; other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def tidy_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy that any file format can hold: a named index becomes columns, multi-level column
    names are joined with " / ", column names are text, and cells holding collections (a basket
    rule's frozenset of products, a list) become readable text such as ``"Bread, Milk"``."""
    out = frame.reset_index() if any(n is not None for n in frame.index.names) else frame.reset_index(drop=True)
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" / ".join(str(p) for p in parts if str(p) != "") for parts in out.columns]
    out.columns = [str(c) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object:
            values = out[col].dropna()
            if len(values) and values.map(lambda v: isinstance(v, (set, frozenset, list, tuple, dict))).any():
                out[col] = out[col].map(_collection_text)
            elif values.map(type).nunique() > 1:
                out[col] = out[col].map(lambda v: v if v is None or (isinstance(v, float) and v != v) else str(v))
    return out


def _collection_text(value):
    if isinstance(value, (set, frozenset)):
        return ", ".join(sorted(str(v) for v in value))
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def column_kind(name: str, values: pd.Series) -> str:
    """How a column should be shown: 'int', 'float', 'small' (a float below 1 in size, e.g. a
    p-value), 'money', 'percent' (a share between -1 and 1), 'date', 'datetime', 'bool' or 'text'.

    Money and shares are recognised from the column's name (revenue, price, profit, share, rate,
    收入, 占比 ...), so a report shows £1,234.50 and 12.5% where a manager expects them.
    """
    if pd.api.types.is_bool_dtype(values):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(values):
        clean = values.dropna()
        if isinstance(clean.dtype, pd.DatetimeTZDtype):
            clean = clean.dt.tz_localize(None)
        return "date" if (clean == clean.dt.normalize()).all() else "datetime"
    if not pd.api.types.is_numeric_dtype(values):
        return "text"
    words = set(re.split(r"[^0-9a-z\u4e00-\u9fff]+", str(name).lower()))
    words |= {w for w in _MONEY_WORDS | _PERCENT_WORDS if not w.isascii() and w in str(name)}
    finite = values.dropna().abs()
    biggest = float(finite.max()) if len(finite) else 0.0
    if words & _PERCENT_WORDS:
        if biggest <= 1:
            return "percent"
    elif words & _MONEY_WORDS:
        return "money"
    if pd.api.types.is_integer_dtype(values):
        return "int"
    return "small" if 0 < biggest < 1 else "float"


def display_width(text: str) -> int:
    """Width of text in monospace cells: Chinese characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` (tidied by ``tidy_frame``) whose text cells and column names cannot
    run as formulas."""
    out = tidy_frame(frame)
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])
                or pd.api.types.is_datetime64_any_dtype(out[col])):
            out[col] = out[col].map(neutralise_cell).astype(object).where(out[col].notna(), None)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (so Excel shows 保温杯 and Crème correctly), formula-safe; CRLF line
    ends (RFC 4180), so a text cell holding a bare carriage return is quoted, not split."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_excel_bytes(sheets: dict[str, pd.DataFrame], currency: str | None = None) -> bytes:
    """An .xlsx workbook, one formatted sheet per table: bold frozen header, number formats
    (thousands separators, money with ``currency``, shares as percentages, dates), column widths
    and an autofilter; text written as text, never as a formula.

    Parameters
    ----------
    sheets : dict of str to DataFrame
        Sheet name -> table. Names are made valid for Excel (31 characters, no ``[]:*?/\\``, unique).
    currency : str, optional
        Symbol shown in money columns (recognised by ``column_kind``); plain numbers when None.

    Returns
    -------
    bytes
    """
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True, "valign": "top"})
    symbol = (currency or "").replace('"', "")
    money = f'"{symbol}"#,##0.00;-"{symbol}"#,##0.00' if symbol else "#,##0.00"
    formats = {kind: book.add_format({"num_format": num_format}) for kind, num_format in {
        "int": "#,##0", "float": "#,##0.00", "small": "0.0000", "money": money, "percent": "0.0%",
        "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}.items()}
    used: set[str] = set()
    for name, frame in sheets.items():
        if len(frame) >= EXCEL_MAX_ROWS:
            raise DataError(Message("export.error.too_many_rows", name=repr(name), rows=len(frame),
                                    limit=EXCEL_MAX_ROWS - 1))
        sheet = book.add_worksheet(sheet_name(name, used))
        frame = safe_frame(frame)
        for i, col in enumerate(frame.columns):
            kind = column_kind(col, frame[col])
            sheet.write_string(0, i, col, header)
            sheet.write_column(1, i, _excel_values(frame[col], kind), formats.get(kind))
            width = max([display_width(col)] + [display_width(str(v)) for v in frame[col].head(200)]) + 2
            sheet.set_column(i, i, min(max(width, 8), 60), formats.get(kind))
        sheet.freeze_panes(1, 0)
        if len(frame.columns):
            sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    book.close()
    return buf.getvalue()


def _excel_values(values: pd.Series, kind: str) -> list:
    """A column as Python values xlsxwriter writes natively (missing -> None, dates as dates)."""
    missing = values.isna().to_numpy()
    if kind in ("date", "datetime"):
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_localize(None)
        out = list(values.dt.date if kind == "date" else values.dt.to_pydatetime())
    elif kind == "bool":
        out = [bool(v) for v in values.to_numpy(dtype=object, na_value=False)]
    elif kind == "int" and not missing.any():
        out = values.astype("int64").tolist()
    elif pd.api.types.is_numeric_dtype(values):
        out = [v if math.isfinite(v) else ("∞" if v > 0 else "-∞")
               for v in values.to_numpy(dtype=float, na_value=math.nan).tolist()]
    else:
        out = [v if isinstance(v, (str, int, float)) else str(v) for v in values.tolist()]
    return [None if m else v for v, m in zip(out, missing)]


def sheet_name(name: str, used: set[str]) -> str:
    """``name`` made a valid Excel sheet name (31 characters, none of ``[]:*?/\\``) that is not yet in
    ``used`` (compared ignoring case); the result is added to ``used``."""
    base = "".join("_" if c in '[]:*?/\\' else c for c in str(name)).strip("'")[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate



