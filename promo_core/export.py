"""Exports that are safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel and LibreOffice (CSV injection). Text cells like that get a leading apostrophe; real
numbers are left alone, so ``-3`` stays a number.
"""
from __future__ import annotations

import io

import pandas as pd

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """Prefix a formula-like text value with ``'``; other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) cannot run as formulas."""
    out = frame.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])
                or pd.api.types.is_datetime64_any_dtype(out[col])):
            out[col] = out[col].map(neutralise_cell).astype(object).where(out[col].notna(), None)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (so Excel shows 保温杯 and Crème correctly), formula-safe."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def to_excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook, one formatted sheet per table: bold frozen header, number formats,
    column widths, an autofilter; text written as text, never as a formula."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as xl:
        book = xl.book
        header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
        formats = {"int": book.add_format({"num_format": "#,##0"}),
                   "float": book.add_format({"num_format": "#,##0.00"}),
                   "date": book.add_format({"num_format": "yyyy-mm-dd"})}
        used: set[str] = set()
        for name, frame in sheets.items():
            sheet_name = _sheet_name(name, used)
            frame = safe_frame(frame.reset_index(drop=True))
            for col in frame.columns:
                if isinstance(frame[col].dtype, pd.DatetimeTZDtype):
                    frame[col] = frame[col].dt.tz_localize(None)
            frame.to_excel(xl, sheet_name=sheet_name, index=False)
            sheet = xl.sheets[sheet_name]
            for i, col in enumerate(frame.columns):
                sheet.write(0, i, col, header)
                s = frame[col]
                if pd.api.types.is_integer_dtype(s):
                    fmt = formats["int"]
                elif pd.api.types.is_float_dtype(s):
                    fmt = formats["float"]
                elif pd.api.types.is_datetime64_any_dtype(s):
                    fmt = formats["date"]
                else:
                    fmt = None
                width = max([len(str(col))] + [len(str(v)) for v in s.head(200)]) + 2
                sheet.set_column(i, i, min(max(width, 8), 60), fmt)
            sheet.freeze_panes(1, 0)
            if len(frame.columns):
                sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    return buf.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join("_" if c in '[]:*?/\\' else c for c in str(name)).strip("'")[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate



