"""Number formatting for the renderers: the catalogue's format specs (``promo_core.text``), ``ui`` and
the report.

Compute never calls these (it returns numbers and messages, ``tests/test_architecture.py``); every
word lives in the catalogue.
"""
from __future__ import annotations

import math

import pandas as pd



def fmt_number(x: float, digits: int = 0, lang: str = "en") -> str:
    """A number with thousands separators; Chinese uses 万 / 亿 for large values."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if lang == "zh" and abs(x) >= 1e8:
        return f"{x / 1e8:,.2f}亿"
    if lang == "zh" and abs(x) >= 1e4:
        return f"{x / 1e4:,.2f}万"
    return f"{x:,.{digits}f}"


def fmt_money(x: float, currency: str = "£", digits: int = 2, lang: str = "en") -> str:
    """An amount of money with the configured currency symbol."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    sign = "-" if x < 0 else ""
    return f"{sign}{currency}{fmt_number(abs(x), digits, lang)}"


def fmt_pct(x: float, digits: int = 1) -> str:
    """A share (0.123) as a percentage (12.3%)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{100 * x:.{digits}f}%"


def fmt_date(d, lang: str = "en") -> str:
    """A date as 5 Mar 2025 or 2025年3月5日."""
    if d is None or pd.isna(d):
        return "–"
    d = pd.Timestamp(d)
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else f"{d.day} {d:%b %Y}"
