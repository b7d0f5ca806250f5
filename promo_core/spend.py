"""Marketing spend as a dataset's table: one row per period (week or day) and channel with its
spend, optionally its region (market, store; empty: national spend), impressions, clicks, the
period's revenue (the KPI) and control variables (price index, holiday, competitor event),
recognised by English and Chinese headers.

The canonical shape is the one the demo stores and ``analyses.marketing.Params`` reads by default:
``week`` (the period's first day, whatever the period's length), ``channel``, ``spend`` and the
optional ``COLUMNS`` found. The typing is SQL over the one reader of ``io`` (``io.load_spend_into``),
so every row of the file is loaded or set aside with a reason code, never dropped.
"""
from __future__ import annotations

from typing import Mapping

from promo_core.engine import quote_ident
from promo_core.errors import DataError
from promo_core.text import Message

COLUMNS = ("week", "channel", "region", "spend", "impressions", "clicks", "revenue", "price_index", "holiday",
           "competitor_event")
REQUIRED = ("week", "channel", "spend")
CONTROLS = ("price_index", "holiday", "competitor_event")  # one value per period; impressions and clicks are not
_NUMBER_ROLES = ("impressions", "clicks", "revenue", *CONTROLS)


def _roles() -> dict[str, list[str]]:
    """Header names per role of a spend table, normalised (``io.normalise_header``), best first."""
    from promo_core.io import normalise_header

    def names(*headers: str) -> list[str]:
        return [normalise_header(h) for h in headers]

    return {
        "week": names("week", "period", "date", "day", "week start", "week_start", "周", "周次", "期间", "日期",
                      "周开始", "周起始日"),
        "channel": names("channel", "media", "medium", "media channel", "渠道", "媒体", "投放渠道", "媒介"),
        "region": names("region", "market", "geo", "area", "territory", "store region", "地区", "区域", "市场",
                        "大区", "地域"),
        "spend": names("spend", "cost", "media spend", "amount spent", "budget spent", "花费", "投放花费",
                       "费用", "投放金额", "广告费", "支出"),
        "impressions": names("impressions", "impr", "views", "曝光", "曝光量", "展示量", "展现量"),
        "clicks": names("clicks", "click", "点击", "点击量", "点击数"),
        "revenue": names("revenue", "sales", "kpi", "gmv", "销售额", "收入", "营收", "销售收入"),
        "price_index": names("price index", "price_index", "price", "价格指数", "价格"),
        "holiday": names("holiday", "holidays", "is holiday", "节假日", "假日", "节日"),
        "competitor_event": names("competitor event", "competitor_event", "competitor", "competitor events",
                                  "竞品活动", "竞争对手活动", "竞品事件"),
    }


def map_columns(columns: list[str], mapping: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """Role -> column of a spend table: recognised by header (``_roles``), then ``mapping``'s
    choices (a role -> column, or None to leave the role out).

    Raises
    ------
    DataError
        When no column names the period, the channel or the spend, or a chosen column is not in the
        table.
    """
    from promo_core.io import map_roles

    taken = map_roles(columns, _roles(), mapping, "spend.error.mapped_column")
    missing = [r for r in REQUIRED if r not in taken]
    if missing:
        raise DataError(Message("spend.error.columns", missing=missing, columns=[str(c) for c in columns]))
    return {role: taken[role] for role in COLUMNS if role in taken}


def typed_sql(con, columns: Mapping[str, str], *, private: bool = False) -> tuple[str, list]:
    """SQL reading the spend rows of view ``raw`` (the file's columns and ``__row``) in their roles
    (``map_columns``' ``columns``), with ``reason`` (a code) and ``reason_values`` for each row
    that cannot be read (no period, no channel, a spend that is not a number or below zero), and
    the notes on how it was read. An optional number that cannot be read is left empty; an empty
    region is national spend.

    ``private``: a reason never quotes a value of the file."""
    from promo_core.io import _date_expr, _number_expr, _text_expr

    notes: list = []
    select = {"week": f"CAST(CAST({_date_expr(con, columns['week'], notes)} AS DATE) AS TIMESTAMP)",
              "channel": _text_expr(columns["channel"]),
              "spend": _number_expr(con, columns["spend"], notes)}
    if "region" in columns:
        select["region"] = _text_expr(columns["region"])
    for role in _NUMBER_ROLES:
        if role in columns:
            select[role] = _number_expr(con, columns[role], notes)
    text = _text_expr(columns["spend"])
    shown = "NULL" if private else \
        f"CASE WHEN {text} IS NOT NULL THEN CAST(json_object('value', {text}) AS VARCHAR) END"
    roles = ", ".join(f"{sql} AS {quote_ident(role)}" for role, sql in select.items())
    sql = f"""SELECT __row, {', '.join(select)},
        CASE WHEN week IS NULL THEN 'spend_no_period' WHEN channel IS NULL THEN 'spend_no_channel'
             WHEN spend IS NULL THEN 'spend_not_number' WHEN spend < 0 THEN 'spend_negative' END AS reason,
        CASE WHEN week IS NOT NULL AND channel IS NOT NULL AND (spend IS NULL OR spend < 0) THEN __shown END
             AS reason_values
        FROM (SELECT __row, {roles}, {shown} AS __shown FROM raw)"""
    return sql, notes
