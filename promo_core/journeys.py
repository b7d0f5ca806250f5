"""Browsing journeys: what customers do before they buy, from a web-analytics events table.

An events table has one row per event: when (``event_time``), whose visit (``session_id``; when
absent, a customer's events 30 minutes apart or more start a new session), who (``customer_id``,
missing for anonymous visitors), what (``event``: view, add_to_cart, remove_from_cart, search,
wishlist, purchase) and on what (``product_id``, ``search_term`` with its ``results``), where
(``channel``, ``device``) and for how much (``value`` of a cart add or purchase).

``event_table`` recognises an upload's columns (English and Chinese headers, GA4 and Shopify
export names) and event names; ``events_table`` turns a canonical table (DataFrame or Ibis table)
into the engine's table, and the rest are per-session aggregates computed in the engine:
``funnel`` (sessions -> view -> cart -> purchase by segment, channel or device, with Wilson
intervals), ``abandoned_carts``, ``search_gaps`` and ``viewed_not_bought``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from promo_core.engine import connect, fetch, quote_ident, quote_literal
from promo_core.engine.sales import memory_backend
from promo_core.errors import DataError
from promo_core.text import Message

EVENTS = ("view", "add_to_cart", "remove_from_cart", "search", "wishlist", "purchase")
COLUMNS = ("event_time", "session_id", "customer_id", "event", "product_id", "search_term", "results", "channel",
           "device", "value", "order_id")
STAGES = ("sessions", "viewed", "carted", "purchased")  # the funnel, in order
DIMENSIONS = ("segment", "channel", "device")
SESSION_GAP_MINUTES = 30  # without a session id, a pause this long starts a new visit (GA4's default)
NO_CUSTOMER = "(no customer id)"
UNKNOWN = "(unknown)"  # a channel or device the events leave empty (named in the catalogue: missing.*)

# event names as exports write them (normalised: lower case, no spaces, dashes or underscores)
_EVENT_NAMES = {
    "view": ("view", "viewitem", "pageview", "productview", "productviewed", "viewproduct", "productdetailview",
             "detail", "浏览", "浏览商品", "查看商品", "商品浏览", "点击"),
    "add_to_cart": ("addtocart", "cartadd", "productaddedtocart", "addtobasket", "addedtocart", "cart",
                    "加购", "加入购物车", "添加购物车", "加购物车"),
    "remove_from_cart": ("removefromcart", "productremovedfromcart", "cartremove", "removefrombasket",
                         "移出购物车", "删除购物车", "取消加购"),
    "search": ("search", "viewsearchresults", "searchsubmitted", "searched", "搜索", "站内搜索"),
    "wishlist": ("wishlist", "addtowishlist", "收藏", "加入收藏"),
    "purchase": ("purchase", "checkoutcompleted", "ordercompleted", "order", "transaction", "buy", "购买", "下单",
                 "支付", "成交", "付款"),
}


def _key(value: str) -> str:
    return "".join(ch for ch in str(value).strip().lower() if ch not in " _-")


_EVENT_OF = {_key(name): event for event, names in _EVENT_NAMES.items() for name in names}


def _headers(*names: str) -> list[str]:
    from promo_core.io import normalise_header

    return [normalise_header(n) for n in names]


def _roles() -> dict[str, list[str]]:
    """Header names per role of an events table, normalised (``io.normalise_header``), best first.
    Customer and product ids are recognised by the sales' names (``io.SYNONYMS``, the ones privacy
    mode pseudonymises) and GA4's ``user_pseudo_id`` (already a pseudonym: a browser's id)."""
    from promo_core.io import SYNONYMS

    return {
        "event": _headers("event", "event name", "event_name", "event type", "eventtype", "action", "行为",
                          "行为类型", "事件", "事件名称", "事件类型"),
        "event_time": _headers("event time", "event_time", "event_timestamp", "timestamp", "time", "occurred at",
                               "created at", "date", "datetime", "时间", "事件时间", "行为时间", "日期"),
        "session_id": _headers("session id", "session_id", "ga_session_id", "visit id", "visitid", "session",
                               "会话id", "会话", "访问id"),
        "customer_id": [*SYNONYMS["customer_id"], *_headers("user_pseudo_id", "visitor id", "访客id")],
        "product_id": [*SYNONYMS["product_id"], *_headers("item_id", "items.item_id", "product")],
        "search_term": _headers("search term", "search_term", "query", "search query", "keyword", "搜索词",
                                "关键词", "搜索关键词"),
        "results": _headers("results", "search results", "result count", "hits", "搜索结果数", "结果数"),
        "channel": [*SYNONYMS["channel"], *_headers("traffic source", "medium", "session_default_channel_group",
                                                    "utm_source", "流量来源")],
        "device": _headers("device", "device category", "device.category", "platform device", "设备", "终端"),
        "value": _headers("value", "event value", "price", "revenue", "amount", "金额", "价值"),
        "order_id": [*SYNONYMS["order_id"], *_headers("transaction_id")],
    }


@dataclass(frozen=True)
class EventTable:
    """Events read from an upload: ``data`` (the canonical ``COLUMNS`` found, plus ``row``, the
    line of the file), ``quarantine`` (``row``, ``reason``: a code, ``reason_values``: its values
    as JSON, as the sales' quarantine keeps them) for rows that cannot be an event (no time, an
    unknown event name, neither session nor customer), and ``columns`` (role -> the upload's header)."""

    data: pd.DataFrame
    quarantine: pd.DataFrame
    columns: Mapping[str, str]


REQUIRED = ("event", "event_time")  # and session_id or customer_id
_ID_ROLES = ("session_id", "customer_id", "product_id", "order_id")
_PER_USER = ("gasessionid",)  # session ids unique per visitor only (GA4's), read with the visitor's id
_TEXT_ROLES = ("search_term", "channel", "device")
_NUMBER_ROLES = ("results", "value")


def map_columns(columns: list[str], mapping: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """Role -> column of an events table: recognised by header (``_roles``), then ``mapping``'s
    choices (a role -> column, or None to leave the role out).

    Raises
    ------
    DataError
        When no column names the event or its time, or none identifies a visit or a visitor, or
        a chosen column is not in the table.
    """
    from promo_core.io import map_roles

    taken = map_roles(columns, _roles(), mapping, "journeys.error.mapped_column")
    missing = [r for r in REQUIRED if r not in taken]
    if "session_id" not in taken and "customer_id" not in taken:
        missing.append("session_id")
    if missing:
        raise DataError(Message("journeys.error.columns", missing=missing, columns=[str(c) for c in columns]))
    return {role: taken[role] for role in COLUMNS if role in taken}


def _time_expr(con, column: str, notes: list) -> str:
    """SQL of an event's time: a timestamp as it is; numbers (GA4's ``event_timestamp``) as
    microseconds, milliseconds or seconds since 1970, told by their size (Excel's day numbers,
    below a million, as days); text as the sales' order dates are read (``io``'s date reading)."""
    from promo_core.io import _col_type, _date_expr

    q = quote_ident(column)
    if _col_type(con, column).startswith(("TIMESTAMP", "DATE")):
        return _date_expr(con, column, notes)
    numeric = f"TRY_CAST({q} AS DOUBLE)"
    numbers, filled, typical = con.execute(
        f"SELECT count({numeric}), count({q}), median(abs({numeric})) FROM raw_t").fetchall()[0]
    if not numbers or 2 * numbers < filled or typical < 1e6:
        return _date_expr(con, column, notes)
    scale = 1 if typical > 1e14 else 1_000 if typical > 1e11 else 1_000_000
    return f"make_timestamp(CAST(round({numeric} * {scale}) AS BIGINT))"


def _event_expr(column: str) -> str:
    """SQL of the canonical event of an export's event name (``_EVENT_NAMES``), NULL when unknown."""
    key = f"regexp_replace(lower(trim(CAST({quote_ident(column)} AS VARCHAR))), '[ _-]', '', 'g')"
    cases = " ".join(f"WHEN {quote_literal(name)} THEN {quote_literal(event)}" for name, event in _EVENT_OF.items())
    return f"CASE {key} {cases} END"


def typed_sql(con, columns: Mapping[str, str], *, private: bool = False) -> tuple[str, list]:
    """SQL reading the events of view ``raw`` (the file's columns and ``__row``, from ``io``'s one
    reader) in their roles (``map_columns``' ``columns``), with ``reason`` and ``reason_values``
    for each row that cannot be an event (NULL for the rest), and the notes on how it was read.

    ``private``: a reason never quotes a value of the file."""
    from promo_core.io import _id_expr, _number_expr, _text_expr, normalise_header

    notes: list = []
    select = {"event_time": _time_expr(con, columns["event_time"], notes), "event": _event_expr(columns["event"])}
    for role in _ID_ROLES:
        if role in columns:
            select[role] = _id_expr(con, columns[role])
    if "session_id" in columns and "customer_id" in columns and normalise_header(columns["session_id"]) in _PER_USER:
        # GA4's ga_session_id is the session's start in seconds: unique per user only, so the visit is the pair
        select["session_id"] = f"{select['customer_id']} || '.' || {select['session_id']}"
    for role in _TEXT_ROLES:
        if role in columns:
            select[role] = _text_expr(columns[role])
    for role in _NUMBER_ROLES:
        if role in columns:
            select[role] = _number_expr(con, columns[role], notes)
    ids = " AND ".join(f"{r} IS NULL" for r in ("session_id", "customer_id") if r in columns)
    shown = "NULL" if private else f"CAST(json_object('value', {_text_expr(columns['event'])}) AS VARCHAR)"
    roles = ", ".join(f"{sql} AS {role}" for role, sql in select.items())
    sql = f"""SELECT __row, {', '.join(select)},
        CASE WHEN event_time IS NULL THEN 'event_no_time' WHEN event IS NULL THEN 'event_unknown'
             WHEN {ids} THEN 'event_no_visitor' END AS reason,
        CASE WHEN event_time IS NOT NULL AND event IS NULL THEN __shown END AS reason_values
        FROM (SELECT __row, {roles}, {shown} AS __shown FROM raw)"""
    return sql, notes


def event_table(frame: pd.DataFrame, mapping: Mapping[str, str | None] | None = None) -> EventTable:
    """Recognise the columns and event names of an uploaded events table and make them canonical,
    as a workspace load does (``io.load_events_into``: the same SQL).

    Every row ends up in ``data`` or in ``quarantine`` with its reason, never dropped silently.

    Raises
    ------
    DataError
        When no column names the event or its time, or none identifies a visit or a visitor.
    """
    columns = map_columns([str(c) for c in frame.columns], mapping)
    con = connect()
    try:
        con.register("upload", frame.rename(columns=str))
        con.execute("CREATE TABLE raw_t AS SELECT * FROM upload")  # (as ``io``'s reader leaves a file)
        con.execute("CREATE VIEW raw AS SELECT rowid + 1 AS __row, * FROM raw_t")
        sql, _ = typed_sql(con, columns)
        typed = con.execute(sql).df()  # (in file order: insertion order is kept)
    finally:
        con.close()
    bad = typed["reason"].notna()
    data = typed.loc[~bad].drop(columns=["reason", "reason_values"]).rename(columns={"__row": "row"})
    quarantine = typed.loc[bad, ["__row", "reason", "reason_values"]].rename(columns={"__row": "row"})
    return EventTable(data=data.reset_index(drop=True), quarantine=quarantine.reset_index(drop=True),
                      columns={r: str(c) for r, c in columns.items()})


def events_table(source: pd.DataFrame | ir.Table) -> ir.Table:
    """A canonical events source as an Ibis table with every ``COLUMNS`` role (missing ones empty)
    and a ``session_id`` (made from pauses of ``SESSION_GAP_MINUTES`` when absent).

    A DataFrame is scanned in place by the process's locked in-memory DuckDB."""
    if isinstance(source, pd.DataFrame):
        frame = source
        if getattr(frame["event_time"].dtype, "tz", None) is not None:
            frame = frame.assign(event_time=frame["event_time"].dt.tz_localize(None))
        backend = memory_backend()
        backend.con.register("events", frame)
        table = backend.table("events")
    else:
        table = source
    types = {"results": "float64", "value": "float64", "event_time": "timestamp"}
    values = {c: (table[c] if c in table.columns else ibis.null().cast(types.get(c, "string"))) for c in COLUMNS}
    for c in ("session_id", "customer_id", "product_id", "channel", "device", "order_id", "search_term"):
        if c in table.columns:
            values[c] = table[c].cast("string")
    for c in ("results", "value"):
        if c in table.columns:
            values[c] = table[c].cast("float64")
    table = table.select(**values)
    if "session_id" not in (source.columns if isinstance(source, pd.DataFrame) else source.columns):
        table = _sessionise(table)
    return table


def _sessionise(table: ir.Table) -> ir.Table:
    """Sessions from pauses: a visitor's event ``SESSION_GAP_MINUTES`` or more after the previous
    one starts a new visit (numbered per visitor)."""
    window = ibis.window(group_by=table.customer_id, order_by=table.event_time)
    gap = table.event_time.epoch_seconds() - table.event_time.lag().over(window).epoch_seconds() \
        >= SESSION_GAP_MINUTES * 60
    new = gap.fill_null(True).cast("int64")
    marked = table.mutate(_new=new)
    numbered = marked.mutate(_n=marked._new.sum().over(ibis.window(group_by=marked.customer_id,
                                                                   order_by=marked.event_time, rows=(None, 0))))
    return numbered.mutate(session_id=numbered.customer_id.concat(ibis.literal("#"), numbered._n.cast("string"))) \
        .drop("_new", "_n")


def sessions(events: ir.Table) -> ir.Table:
    """One row per session: its visitor, channel, device, start and which steps it reached."""
    e = events
    return e.group_by("session_id").aggregate(
        customer_id=e.customer_id.max(), channel=e.channel.max(), device=e.device.max(),
        start=e.event_time.min(),
        viewed=(e.event == "view").any(), carted=(e.event == "add_to_cart").any(),
        purchased=(e.event == "purchase").any())


COUNTS = ("sessions", "viewed", "carted", "purchased", "viewed_purchased", "carted_purchased")


def _with_segments(sessions_: ir.Table, segments: pd.Series) -> ir.Table:
    """Sessions with their visitor's ``segment``, joined in the engine (the segments go there as a
    small table; no session comes back): ``NO_CUSTOMER`` without a customer id, ``"(other)"`` for
    a customer the segments do not name."""
    names = segments[~segments.index.duplicated()]
    table = ibis.memtable(pd.DataFrame({"_customer": names.index.astype("str"),
                                        "segment": names.astype("str").to_numpy()}))
    s = sessions_.left_join(table, sessions_.customer_id == table._customer)
    segment = ibis.cases((s.customer_id.isnull(), NO_CUSTOMER), (s.segment.isnull(), "(other)"), else_=s.segment)
    return s.mutate(segment=segment).drop("_customer")


def _counts(sessions_: ir.Table, dims: list[str]) -> pd.DataFrame:
    """Session counts (``COUNTS``) per combination of ``dims``' values, counted in the engine: a few
    hundred rows at most, whatever the number of events."""
    s = sessions_
    return fetch(s.group_by(dims).aggregate(
        sessions=s.count(), viewed=s.viewed.cast("int64").sum(), carted=s.carted.cast("int64").sum(),
        purchased=s.purchased.cast("int64").sum(), viewed_purchased=(s.viewed & s.purchased).cast("int64").sum(),
        carted_purchased=(s.carted & s.purchased).cast("int64").sum()))


def wilson(successes, trials, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson interval (95% with the default ``alpha``) of ``successes / trials``, NaN where
    ``trials`` is 0. Why Wilson: it stays inside [0, 1] and keeps its coverage for small groups and
    rates near 0 or 1, where the normal approximation does not."""
    successes, trials = np.asarray(successes, float), np.asarray(trials, float)
    low, high = proportion_confint(successes, np.maximum(trials, 1), alpha=alpha, method="wilson")
    return np.where(trials > 0, low, np.nan), np.where(trials > 0, high, np.nan)


def _rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Conversion, browse-to-buy and cart abandonment with their intervals, and drop-offs."""
    out = counts.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["view_rate"] = out["viewed"] / out["sessions"]
        out["cart_rate"] = out["carted"] / out["viewed"]
        out["conversion"] = out["purchased"] / out["sessions"]
        out["browse_to_buy"] = out["viewed_purchased"] / out["viewed"]
        out["cart_abandonment"] = 1 - out["carted_purchased"] / out["carted"]
    out["conversion_low"], out["conversion_high"] = wilson(out["purchased"], out["sessions"])
    out["browse_to_buy_low"], out["browse_to_buy_high"] = wilson(out["viewed_purchased"], out["viewed"])
    low, high = wilson(out["carted"] - out["carted_purchased"], out["carted"])
    out["cart_abandonment_low"], out["cart_abandonment_high"] = low, high
    return out


@dataclass(frozen=True)
class Funnel:
    """The funnel of every session (``stages``: stage, sessions, share of all, drop-off from the
    previous stage) and per ``DIMENSIONS`` value (``by``: dimension -> table of counts and rates)."""

    stages: pd.DataFrame
    total: pd.Series  # the counts and rates of all sessions (one row of a ``by`` table)
    by: Mapping[str, pd.DataFrame]


def funnel(events: ir.Table, segments: pd.Series | None = None) -> Funnel:
    """Sessions -> view -> cart -> purchase, in all and by segment, channel and device.

    Parameters
    ----------
    events : ibis.Table
        ``events_table``'s table.
    segments : Series, optional
        customer_id -> segment (from the Segments page, or a planted truth); visitors without a
        customer id are ``NO_CUSTOMER``, customers not in it ``"(other)"``.
    """
    s = sessions(events)
    dims = ["channel", "device"]
    if segments is not None:
        s, dims = _with_segments(s, segments), ["segment", *dims]
    counts = _counts(s, dims)
    if counts.empty:
        raise DataError(Message("journeys.error.no_sessions"))
    keys = list(COUNTS)
    total = _rates(counts[keys].sum().to_frame().T).iloc[0]
    by = {}
    for dim in DIMENSIONS:
        if dim in counts and counts[dim].notna().any():
            grouped = counts.assign(**{dim: counts[dim].fillna(UNKNOWN)}).groupby(dim)[keys].sum()
            by[dim] = _rates(grouped).sort_values("sessions", ascending=False).reset_index()
    n = np.array([total[s] for s in STAGES], float)
    stages = pd.DataFrame({"stage": list(STAGES), "sessions": n.astype(np.int64), "share": n / n[0],
                           "drop_off": np.r_[np.nan, 1 - n[1:] / np.where(n[:-1] > 0, n[:-1], np.nan)]})
    return Funnel(stages=stages, total=total, by=by)


def abandoned_carts(events: ir.Table, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Sessions that put something in the cart and bought nothing: who, what, value, how long ago.

    A product added and removed again is not in the cart. ``bought_later``: the customer bought in
    a later session (a cart to leave alone). One row per cart, most valuable first."""
    e = events
    s = sessions(e)
    abandoned = s.filter(s.carted & ~s.purchased)
    lines = e.filter(e.event.isin(["add_to_cart", "remove_from_cart"])).semi_join(abandoned, "session_id")
    sign = (lines.event == "add_to_cart").ifelse(1, -1)
    per_product = lines.group_by(["session_id", "product_id"]).aggregate(
        net=sign.sum(), value=(sign * lines.value.fill_null(0)).sum(), last=lines.event_time.max())
    kept = per_product.filter(per_product.net > 0)
    carts = kept.group_by("session_id").aggregate(products=kept.product_id.group_concat(", "), items=kept.count(),
                                                  value=kept.value.sum(), last_cart=kept.last.max())
    carts = carts.join(abandoned.select("session_id", "customer_id", "channel", "device"), "session_id")
    buys = s.filter(s.purchased & s.customer_id.notnull()).group_by("customer_id").aggregate(last_buy=s.start.max())
    carts = carts.left_join(buys, "customer_id").select(
        "customer_id", "session_id", "channel", "device", "products", "items", "value", "last_cart",
        bought_later=(buys.last_buy > carts.last_cart).fill_null(False))
    out = fetch(carts)
    end = pd.Timestamp(as_of) if as_of is not None else out["last_cart"].max()
    out["days_ago"] = (end - out["last_cart"]).dt.total_seconds() / 86400
    return out.sort_values(["value", "session_id"], ascending=[False, True], ignore_index=True)


def search_gaps(events: ir.Table) -> pd.DataFrame:
    """Per search term: searches, the share that found nothing (``results`` = 0) and the share of
    its sessions that bought nothing; terms that found nothing first, then the most searched."""
    e = events
    s = sessions(e)
    found = e.filter((e.event == "search") & e.search_term.notnull())
    # (not ``.strip()``: Ibis 12 gives Spark TRIM(BOTH '\t\n\r\v\f ' ...), which Spark reads as the
    # letters v and f too, so "vinyl records" became "inyl records"; a regular expression reads alike)
    found = found.mutate(term=found.search_term.re_replace(r"^\s+|\s+$", "").lower())
    found = found.join(s.select("session_id", "purchased"), "session_id")
    table = fetch(found.group_by("term").aggregate(
        searches=found.count(), zero_results=(found.results == 0).cast("int64").sum(),
        sessions=found.session_id.nunique(),
        sessions_bought=found.session_id.nunique(where=found.purchased)))
    table["zero_result_share"] = table["zero_results"] / table["searches"]
    table["no_purchase_share"] = 1 - table["sessions_bought"] / table["sessions"]
    return table.sort_values(["zero_result_share", "searches", "term"], ascending=[False, False, True],
                             ignore_index=True)


def viewed_not_bought(events: ir.Table, min_sessions: int = 30) -> pd.DataFrame:
    """Products viewed in many sessions but bought in few: per product, sessions that viewed it,
    sessions that bought it, the view-to-buy rate and its Wilson interval; products viewed in at
    least ``min_sessions`` sessions, the surest low rate (highest interval end) first."""
    e = events.filter(events.product_id.notnull())
    per = e.group_by(["session_id", "product_id"]).aggregate(viewed=(e.event == "view").any(),
                                                             bought=(e.event == "purchase").any())
    table = fetch(per.group_by("product_id").aggregate(view_sessions=per.viewed.cast("int64").sum(),
                                                       bought_sessions=(per.viewed & per.bought).cast("int64").sum()))
    table = table[table["view_sessions"] >= min_sessions].copy()
    table["view_to_buy"] = table["bought_sessions"] / table["view_sessions"]
    table["view_to_buy_low"], table["view_to_buy_high"] = wilson(table["bought_sessions"], table["view_sessions"])
    return table.sort_values(["view_to_buy_high", "view_sessions", "product_id"], ascending=[True, False, True],
                             ignore_index=True)  # (ties by id: the same order whatever the engine)
