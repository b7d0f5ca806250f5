"""Reports a manager can send: saved analyses into one self-contained HTML file and one Excel
workbook, plus the standard analyses the command line runs headless for scheduled reports.

The HTML report opens offline: plotly.js is inlined once, every chart's data sits in the file,
and a Content-Security-Policy forbids the page from loading anything over the network. Every
piece of user text (analysis names, notes, parameters, table cells, product names) is escaped,
and chart data is embedded so that a product called ``</script>`` cannot end the script. Print
styles put each analysis on its own page with repeated table headers.
"""
from __future__ import annotations

import contextlib
import dataclasses
import html
import json
import logging
import math
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import ibis
import pandas as pd
import plotly.offline

from promo_core import charts, i18n, text
from promo_core.engine import SalesSource, fetch
from promo_core.errors import DataError
from promo_core.export import column_kind, sheet_name, tidy_frame, to_excel_bytes
from promo_core.profile import has_values
from promo_core.store import SavedAnalysis, Workspace
from promo_core.text import Message

_log = logging.getLogger(__name__)
PAGES = ("data", "segments", "recommendations", "journeys", "voice", "pricing", "coupons", "marketing", "logistics",
         "reports")  # reports.page.<page>
PRINT_WIDTH_PX = 680  # A4 portrait minus margins at 96 dpi: charts are redrawn to this width for printing

_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:; worker-src blob:; connect-src 'none'; base-uri 'none'; "
        "form-action 'none'")

_CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --accent: #2e5eaa; --head: #e8eef7; }
* { box-sizing: border-box; }
body { margin: 0; background: #f0f3f7; color: var(--ink); line-height: 1.45;
       font-family: Inter, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", system-ui, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 32px 44px 48px; background: #fff; min-height: 100vh; }
h1 { font-size: 1.9em; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 1.35em; margin: 0 0 4px; }
h3 { font-size: 1.02em; margin: 22px 0 6px; }
.meta { color: var(--muted); font-size: .9em; margin: 0 0 12px; }
.hint { color: var(--muted); font-size: .85em; }
nav.toc { border: 1px solid var(--line); border-radius: 6px; padding: 10px 18px; margin: 20px 0 8px; }
nav.toc h2 { font-size: 1.05em; margin: 4px 0; }
nav.toc ol { margin: 4px 0; padding-left: 22px; }
nav.toc a { color: var(--accent); text-decoration: none; }
section.analysis { border-top: 3px solid var(--accent); margin-top: 36px; padding-top: 12px; }
ul.notes li { margin: 3px 0; }
table { border-collapse: collapse; font-size: .86em; margin: 6px 0 4px; }
table.data { width: auto; min-width: 60%; max-width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--head); border-bottom: 2px solid #bcccdc; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.params { width: auto; min-width: 40%; }
table.params th { background: none; font-weight: 600; width: 14em; }
figure.chart { margin: 14px 0; }
.plot { width: 100%; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; color: var(--muted); font-size: .82em; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  section.analysis { break-before: page; border-top: none; margin-top: 0; }
  nav.toc a { color: inherit; }
  thead { display: table-header-group; }
  tr, figure.chart, table.params { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .modebar-container, .screen-only { display: none !important; }
}
"""

_SCRIPT = """
(function () {
  var PRINT_WIDTH = %d;
  var plots = [];
  document.querySelectorAll("script.figure-data").forEach(function (node) {
    var spec = JSON.parse(node.textContent);
    var target = document.getElementById(node.getAttribute("data-target"));
    Plotly.newPlot(target, spec.data || [], spec.layout || {},
                   {responsive: true, displaylogo: false, modeBarButtonsToRemove: ["sendDataToCloud"]});
    plots.push(target);
  });
  window.addEventListener("beforeprint", function () {
    plots.forEach(function (el) { Plotly.relayout(el, {width: PRINT_WIDTH}); });
  });
  window.addEventListener("afterprint", function () {
    plots.forEach(function (el) { Plotly.relayout(el, {width: null, autosize: true}); });
  });
})();
""" % PRINT_WIDTH_PX


def page_title(page: str, lang: str = "en") -> str:
    """The display name of the page an analysis was saved from."""
    if page not in PAGES:  # (a page of a later version, say)
        return str(page).replace("_", " ").capitalize()
    return text.render(Message(f"reports.page.{page}"), lang)


def format_cell(value, kind: str, lang: str = "en", currency: str = "£") -> str:
    """One table value as text for the report (``kind`` from ``export.column_kind``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "–"
    if kind == "bool":
        return text.render(Message("reports.doc.yes" if value else "reports.doc.no"), lang)
    if kind == "int":
        return f"{int(value):,}"
    if kind == "money":
        return f"{'-' if value < 0 else ''}{currency}{abs(value):,.2f}"
    if kind == "percent":
        return i18n.fmt_pct(value)
    if kind == "small":
        return f"{value:.4f}" if abs(value) >= 1e-4 or value == 0 else f"{value:.2e}"
    if kind == "float":
        return ("∞" if value > 0 else "-∞") if math.isinf(value) else f"{value:,.2f}"
    if kind == "date":
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    if kind == "datetime":
        return f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"
    return str(value)


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def _param_text(value) -> str:
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)


def html_table(frame: pd.DataFrame, *, lang: str = "en", currency: str = "£", max_rows: int | None = 50) -> str:
    """A table as escaped HTML, numbers formatted and right-aligned; long tables are cut to
    ``max_rows`` with a line saying so (the Excel workbook holds every row)."""
    frame = tidy_frame(frame)
    if frame.empty:
        return f'<p class="empty">{_esc(text.render(Message("reports.doc.empty_table"), lang))}</p>'
    shown = frame if max_rows is None else frame.head(max_rows)
    kinds = [column_kind(c, frame[c]) for c in frame.columns]
    head = "".join(f'<th scope="col">{_esc(text.column_title(c, lang))}</th>' for c in frame.columns)
    rows = []
    for record in shown.itertuples(index=False, name=None):
        cells = []
        for value, kind in zip(record, kinds):
            css = ' class="num"' if kind in ("int", "float", "small", "money", "percent") else ""
            cells.append(f"<td{css}>{_esc(format_cell(value, kind, lang, currency))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    out = f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    if len(shown) < len(frame):
        out += '<p class="hint">' + _esc(text.render(Message("reports.doc.cut", shown=len(shown), rows=len(frame)),
                                                     lang)) + "</p>"
    return out


# Where a saved figure holds names from the data: the labels, ticks, legend entries and hovers
# Plotly reads as HTML ("text" covers titles and annotations too).
_NAME_KEYS = frozenset({"x", "y", "text", "hovertext", "name", "labels", "label", "parents", "ids", "customdata",
                        "ticktext", "categoryarray"})
_TEMPLATE_KEYS = frozenset({"hovertemplate", "texttemplate"})
_LINK_TAG = re.compile(r"<(?=/?a\b)", re.IGNORECASE)


def _plain_figure(node, key: str | None = None):
    """A saved figure with every name shown as text (``charts.plain``), whenever it was saved:
    figures saved before names were escaped may hold a product called ``<a href=...>``. Templates
    hold PromoLens's own markup (``<br>``, ``<extra>``), so there only link tags are neutralised
    (older figures pasted trace names into them)."""
    if isinstance(node, dict):
        return {k: v if k == "template" else _plain_figure(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain_figure(v, key) for v in node]
    if isinstance(node, str) and key in _NAME_KEYS:
        return charts.plain(node)
    if isinstance(node, str) and key in _TEMPLATE_KEYS:
        return _LINK_TAG.sub("&lt;", node)
    return node


def figure_spec(spec: str) -> dict | None:
    """A saved figure (its JSON) as a dict whose names from the data are plain text, for the report
    and the app's preview; None when it cannot be read."""
    try:
        figure = json.loads(spec)
    except (TypeError, ValueError):
        return None
    return _plain_figure(figure) if isinstance(figure, dict) else None


def _figure_json(spec: str) -> str | None:
    """A saved figure's JSON with names as plain text, made safe to place inside a <script>
    element (None if unreadable)."""
    figure = figure_spec(spec)
    if figure is None:
        return None
    layout = figure.setdefault("layout", {})
    if isinstance(layout, dict):
        layout.pop("width", None)  # charts follow the page width on screen and on paper
    text = json.dumps(figure, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    return plotly.offline.get_plotlyjs()


def build_html_report(analyses: Sequence[SavedAnalysis], *, title: str | None = None, lang: str = "en",
                      currency: str = "£", max_rows: int | None = 50, dataset_names: dict | None = None,
                      generated_at: pd.Timestamp | None = None) -> str:
    """One self-contained HTML file holding the given saved analyses.

    Parameters
    ----------
    analyses : sequence of SavedAnalysis
        In the order they should appear (``Workspace.load_analysis`` or ``standard_analyses``).
    title : str, optional
        The report's heading; "PromoLens report" / "PromoLens 报告" by default.
    lang : {"en", "zh"}
        Language of headings, labels and formatted dates.
    currency : str
        Symbol shown before money values in tables.
    max_rows : int or None
        Rows shown per table (None shows all); the Excel workbook always holds every row.
    dataset_names : dict, optional
        Dataset id -> name, to say which data each analysis used.
    generated_at : Timestamp, optional
        When the report was made (now by default).

    Returns
    -------
    str
        The HTML document: charts interactive, no network access needed or allowed.
    """
    if not analyses:
        raise DataError(Message("reports.doc.none_picked"))
    t = lambda id, **values: text.render(Message(f"reports.doc.{id}", **values), lang)  # noqa: E731
    title = title.strip() if title and title.strip() else t("title")
    generated_at = pd.Timestamp.now() if generated_at is None else pd.Timestamp(generated_at)
    dataset_names = dataset_names or {}
    toc, sections = [], []
    n_figures = 0
    for i, analysis in enumerate(analyses, start=1):
        anchor = f"analysis-{i}"
        toc.append(f'<li><a href="#{anchor}">{_esc(analysis.name)}</a> '
                   f'<span class="hint">· {_esc(page_title(analysis.page, lang))}</span></li>')
        meta = [page_title(analysis.page, lang)]
        if analysis.dataset_id and analysis.dataset_id in dataset_names:
            meta.append(t("data", name=str(dataset_names[analysis.dataset_id])))
        meta.append(t("saved", day=i18n.fmt_date(analysis.created_at, lang), time=pd.Timestamp(analysis.created_at)))
        parts = [f'<section class="analysis" id="{anchor}">', f"<h2>{i}. {_esc(analysis.name)}</h2>",
                 f'<p class="meta">{_esc(" · ".join(meta))}</p>']
        if analysis.notes:
            parts.append('<ul class="notes">' + "".join(f"<li>{_esc(n)}</li>" for n in analysis.notes) + "</ul>")
        if analysis.params:
            rows = "".join(f'<tr><th scope="row">{_esc(text.column_title(k, lang))}</th><td>{_esc(_param_text(v))}</td></tr>'
                           for k, v in analysis.params.items())
            parts.append(f'<h3>{_esc(t("settings"))}</h3><table class="params"><tbody>{rows}</tbody></table>')
        for name, spec in analysis.figures.items():
            data = _figure_json(spec)
            if data is None:
                parts.append(f'<p class="empty">{_esc(t("unreadable_chart", name=name))}</p>')
                continue
            n_figures += 1
            target = f"chart-{i}-{n_figures}"
            parts.append(f'<figure class="chart" aria-label="{_esc(name)}"><div class="plot" id="{target}"></div>'
                         f'<script type="application/json" class="figure-data" data-target="{target}">{data}</script>'
                         "</figure>")
        for name, frame in analysis.tables.items():
            parts.append(f"<h3>{_esc(name)}</h3>"
                         + html_table(frame, lang=lang, currency=currency, max_rows=max_rows))
        if not (analysis.notes or analysis.params or analysis.figures or analysis.tables):
            parts.append(f'<p class="empty">{_esc(t("nothing"))}</p>')
        parts.append("</section>")
        sections.append("".join(parts))
    summary = t("generated.one" if len(analyses) == 1 else "generated.many", day=i18n.fmt_date(generated_at, lang),
                time=generated_at, count=len(analyses))
    help_line = t("help")
    return "".join([
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="PromoLens">',
        f"<title>{_esc(title)}</title><style>{_CSS}</style>",
        f"<script>{_plotly_js()}</script>" if n_figures else "",
        "</head><body><main>",
        f'<header><h1>{_esc(title)}</h1><p class="meta">{_esc(summary)}</p>'
        f'<p class="hint screen-only">{_esc(help_line)}</p></header>',
        f'<nav class="toc"><h2>{_esc(t("contents"))}</h2><ol>{"".join(toc)}</ol></nav>',
        "".join(sections),
        f'<footer>{_esc(t("footer"))}</footer></main>',
        f"<script>{_SCRIPT}</script>" if n_figures else "",
        "</body></html>"])


def excel_sheets(analyses: Sequence[SavedAnalysis], *, lang: str = "en",
                 dataset_names: dict | None = None) -> dict[str, pd.DataFrame]:
    """The workbook's sheets: a contents sheet, then one sheet per table named ``"<n>.<m> <table>"``
    (n numbers the analysis as in the HTML report)."""
    t = lambda id: text.render(Message(f"reports.book.{id}"), lang)  # noqa: E731
    dataset_names = dataset_names or {}
    contents, sheets, used = [], {}, {t("contents").lower()}
    for i, analysis in enumerate(analyses, start=1):
        base = {t("analysis"): f"{i}. {analysis.name}", t("page"): page_title(analysis.page, lang),
                t("dataset"): dataset_names.get(analysis.dataset_id, analysis.dataset_id),
                t("saved_at"): pd.Timestamp(analysis.created_at).floor("min"),
                t("settings"): "; ".join(f"{k}: {_param_text(v)}" for k, v in analysis.params.items()),
                t("notes"): " ".join(analysis.notes)}
        if not analysis.tables:
            contents.append({t("sheet"): None, t("table"): None, t("rows"): 0, **base})
        for j, (name, frame) in enumerate(analysis.tables.items(), start=1):
            sheet = sheet_name(f"{i}.{j} {name}", used)
            sheets[sheet] = frame
            contents.append({t("sheet"): sheet, t("table"): name, t("rows"): len(frame),
                             **base})
    return {t("contents"): pd.DataFrame(contents), **sheets}


def build_excel_report(analyses: Sequence[SavedAnalysis], *, lang: str = "en", currency: str = "£",
                       dataset_names: dict | None = None) -> bytes:
    """An Excel workbook of the analyses: a contents sheet, then every table on its own formatted,
    formula-safe sheet (frozen header, filters, number and money formats) with all its rows.

    Parameters
    ----------
    analyses : sequence of SavedAnalysis
    lang : {"en", "zh"}
        Language of the contents sheet.
    currency : str
        Symbol of money columns.
    dataset_names : dict, optional
        Dataset id -> name for the contents sheet.

    Returns
    -------
    bytes
        The .xlsx file.
    """
    if not analyses:
        raise DataError(Message("reports.book.none_picked"))
    return to_excel_bytes(excel_sheets(analyses, lang=lang, dataset_names=dataset_names), currency=currency)


# --------------------------------------------------------------------------------------------
# Standard analyses: what the command line (and the Reports page's "standard overview") runs
# --------------------------------------------------------------------------------------------
def _analysis(key: str, name: str, page: str, *, params=None, tables=None, figures=None, notes=None) -> SavedAnalysis:
    return SavedAnalysis(id=f"standard-{key}", name=name, page=page, dataset_id=None,
                         created_at=pd.Timestamp.now().floor("s"), params=params or {}, notes=notes or [],
                         tables=tables or {}, figures={k: f.to_json() for k, f in (figures or {}).items()})


def profile_analysis(sales: SalesSource, *, source: str, load_report: dict | None = None,
                     quarantine: pd.DataFrame | ibis.Table | None = None, lang: str = "en",
                     currency: str = "£") -> SavedAnalysis:
    """The business at a glance: the Data page's profile (``analyses.data.run``) as a section, with
    the data-quality facts of the load (rows read, loaded and quarantined, the load's notes and the
    quarantine counted by reason, ``analyses.data.quarantine``)."""
    from promo_core.analyses import data as analysis

    say = lambda message, **values: text.render(  # noqa: E731
        message if isinstance(message, Message) else Message(message, **values), lang, currency)
    result = analysis.run(sales, analysis.Params())
    p = result.profile
    money = lambda x: i18n.fmt_money(x, currency, 2, lang)  # noqa: E731
    number = lambda x: i18n.fmt_number(x, 0, lang)  # noqa: E731
    shown = {"revenue": money(p.revenue), "orders": number(p.orders), "customers": number(p.customers),
             "products": number(p.products), "aov": money(p.avg_order_value), "lines": number(p.lines),
             "returns": i18n.fmt_pct(p.returns_share), "guests": i18n.fmt_pct(p.guest_share)}
    headline = pd.DataFrame({"metric": [say(f"data.report.metric.{k}") for k in shown], "value": list(shown.values())})
    period = f"{i18n.fmt_date(p.first_date, lang)} – {i18n.fmt_date(p.last_date, lang)}"
    notes = [say("data.report.lines", lines=p.lines, period=period), *(say(n) for n in result.notes)]
    value, unit = (("revenue", say("data.chart.revenue", currency=currency)) if result.has_price
                   else ("units", say("data.chart.units")))
    weekly = say("data.chart.weekly")
    figures = {weekly: charts.weekly_trend(p.weekly, value, weekly, unit, say("data.chart.week"))}
    tables = {say("data.report.headline"): headline, say("data.report.weekly"): p.weekly}
    if len(p.top_products):
        name = say("data.chart.top_products")
        figures[name] = charts.ranked_bars(p.top_products, "product_name", value, name, unit)
        tables[name] = p.top_products
    if len(p.top_categories):
        name = say("data.chart.top_categories")
        figures[name] = charts.ranked_bars(p.top_categories, "category", value, name, unit, color=charts.GOOD)
        tables[name] = p.top_categories
    if len(p.channels):
        name = say("data.chart.channels")
        figures[name] = charts.share_donut(p.channels, "channel", "orders", name)
        tables[say("data.report.channels")] = p.channels
    rejected = None if quarantine is None else analysis.quarantine(quarantine)
    load_report = load_report or {}
    if load_report.get("rows_in") is not None:
        rows_in, n_bad = load_report["rows_in"], 0 if rejected is None else rejected.rows
        notes.append(say("data.report.read_reasons" if n_bad else "data.report.read", rows_in=rows_in, source=source,
                         loaded=rows_in - n_bad, quarantined=n_bad))
    notes += [say(n) if isinstance(n, Message) else str(n) for n in load_report.get("notes", [])]
    if rejected is not None and rejected.rows:
        tables[say("data.report.reasons")] = text.render_frame(rejected.reasons, lang, currency)
    return _analysis("profile", say("data.report.name", source=source), "data",
                     params={say("data.report.param.data"): source, say("data.report.param.period"): period},
                     tables=tables, figures=figures, notes=notes)


def segments_analysis(tx: SalesSource, *, lang: str = "en", currency: str = "£", margin: float = 0.3,
                      horizon_months: int = 12, annual_discount_rate: float = 0.10) -> SavedAnalysis:
    """Who the customers are: the Segments page's analysis (``analyses.segments.run``, lifetime value
    its only optional step) as a section: each segment's share of customers and revenue and, where
    the data allows, its customers' mean P(alive), lifetime value and value at risk."""
    from promo_core.analyses import segments as analysis

    params = analysis.Params(margin=margin, horizon_months=horizon_months, annual_discount_rate=annual_discount_rate,
                             parts=frozenset({"value"}))
    result = analysis.run(tx, params)
    say = lambda message, **values: text.render(  # noqa: E731
        message if isinstance(message, Message) else Message(message, **values), lang, currency)
    summary, value = result.summary, result.value
    notes = [say("report.segments.scored", customers=result.coverage.customers)]
    if value is None:
        notes.append(say("report.segments.no_value", reason=result.problems["value"]))
    else:
        by_segment = value.by_segment.set_index("segment")
        if not value.cannot_tell:  # (when the model cannot tell who left, every P(alive) is 1 and says nothing)
            summary = summary.assign(mean_p_alive=summary["segment"].map(by_segment["mean_p_alive"]))
        if value.model.customers["clv"].notna().any():  # money values exist only when the data has prices
            summary = summary.assign(mean_clv=summary["segment"].map(by_segment["mean_clv"]),
                                     clv_at_risk=summary["segment"].map(by_segment["value_at_risk"]))
            notes.append(say("report.segments.value", horizon=horizon_months, margin=margin, rate=annual_discount_rate,
                             total=value.total_clv))
        if value.cannot_tell:
            notes.append(say(analysis.cannot_tell_message(value)))
    summary = summary[summary["customers"] > 0].sort_values("customers", ascending=False)
    if result.has_money:
        top = summary.sort_values("revenue", ascending=False).iloc[0]
        notes.insert(1, say("report.segments.top", segment=Message(f"segment.{top['segment']}"),
                            customer_share=top["customer_share"], revenue_share=top["revenue_share"]))
    notes += [say(note) for note in result.notes]
    shown = text.render_frame(summary, lang, currency)
    shown = shown.loc[:, shown.notna().any()]
    bars = summary[["segment", "customer_share", *(["revenue_share"] if result.has_money else [])]]
    figure = charts.segment_share_bars(bars, text.chart_labels("segment_share_bars", lang, currency),
                                       text.terms("segment", bars["segment"], lang))
    name = say("segments.table.segments")
    return _analysis("segments", say("report.segments.name"), "segments",
                     params={"as_of": f"{result.as_of:%Y-%m-%d}", "margin": margin, "horizon_months": horizon_months,
                             "annual_discount_rate": annual_discount_rate},
                     tables={name: shown}, figures={name: figure}, notes=notes)


def retention_analysis(tx: SalesSource, *, lang: str = "en", currency: str = "£", horizon_days: int = 90,
                       period: str = "M", top: int = 20) -> SavedAnalysis:
    """Who is about to stop buying: the Segments page's Retention tab (``analyses.retention.run``) as a
    section: the customers at high churn risk and the value they put in doubt, which churn route won
    the holdout and by how much against the naive rule, the ``top`` at-risk customers by value at
    risk, risk bands by segment and the cohort retention heatmap."""
    from promo_core import retention
    from promo_core.analyses import retention as analysis

    result = analysis.run(tx, analysis.Params(horizon_days=horizon_days, period=period))
    say = lambda message, **values: text.render(  # noqa: E731
        message if isinstance(message, Message) else Message(message, **values), lang, currency)
    shown = lambda frame: text.render_frame(frame, lang, currency)  # noqa: E731
    notes = [say("report.retention.summary", high=len(result.at_risk), share=result.high_share, days=horizon_days)]
    if not math.isnan(result.value_at_risk):
        notes.append(say("report.retention.value", value=result.value_at_risk, horizon=result.params.horizon_months))
    notes += [say(note) for note in result.notes] + [say(problem) for problem in result.problems.values()]
    tables, figures = {}, {}
    if result.churn.evaluation is not None:
        tables[say("retention.table.routes")] = shown(result.churn.evaluation)
    tables[say("retention.table.bands")] = shown(result.bands)
    tables[say("report.retention.top", rows=top)] = shown(result.at_risk.head(top))
    if result.by_segment is not None:
        figures[say("retention.figure.bands")] = charts.churn_bands_by_segment(
            result.by_segment, text.chart_labels("churn_bands_by_segment", lang, currency),
            text.terms("segment", result.by_segment["segment"].unique(), lang),
            text.terms("risk_band", retention.BANDS, lang))
    if result.cohorts is not None:
        unit = Message(f"retention.periods.{period}")
        figures[say("retention.figure.cohorts")] = charts.cohort_heatmap(
            result.cohorts, period, text.chart_labels("cohort_heatmap", lang, currency, unit=unit))
        tables[say("retention.table.cohorts")] = shown(result.cohorts)
    return _analysis("retention", say("report.retention.name"), "segments",
                     params={"as_of": f"{result.as_of:%Y-%m-%d}", "horizon_days": horizon_days, "period": period},
                     tables=tables, figures=figures, notes=notes)


def basket_analysis(tx: SalesSource, *, lang: str = "en", currency: str = "£", top: int = 20) -> SavedAnalysis:
    """Frequently bought together: the Recommendations page's basket rules (``analyses.recommendations``,
    baskets by order) at the highest minimum support that yields about ten rules with lift above 1
    (``STRONGEST``), each set of products once, strongest first."""
    from promo_core.analyses import recommendations as analysis

    params = analysis.Params(parts=frozenset({"rules"}), min_support=analysis.STRONGEST, min_confidence=0.1,
                             max_len=3)
    result = analysis.run(tx, params)
    if result.rules is None:
        raise DataError(result.problems["rules"])
    say = lambda message, **values: text.render(  # noqa: E731
        message if isinstance(message, Message) else Message(message, **values), lang, currency)
    rules = result.rules
    label = lambda items: " + ".join(rules.names.get(i, str(i)) for i in items)  # noqa: E731
    shown = analysis.distinct_sets(rules, top)
    table = pd.DataFrame({
        say("report.basket.if"): shown["antecedents"].map(label),
        say("report.basket.then"): shown["consequents"].map(label),
        "baskets": shown["count"].astype("int64"), "support": shown["support"],
        "confidence": shown["confidence"], "lift": shown["lift"]})
    notes = [say("report.basket.summary", baskets=rules.n_baskets, support=rules.min_support,
                 min_baskets=analysis.MIN_RULE_BASKETS, rules=len(rules.strong)),
             say("report.basket.terms")]
    figures = {}
    if shown.empty:
        notes.append(say("report.basket.none"))
    else:
        best = shown.iloc[0]
        notes.insert(0, say("report.basket.strongest", first=label(best["antecedents"]),
                            second=label(best["consequents"]), confidence=best["confidence"], lift=best["lift"]))
        notes.append(say("report.basket.once"))
        chart = pd.DataFrame({"rule": table.iloc[:, 0] + " → " + table.iloc[:, 1], "lift": shown["lift"].to_numpy(),
                              "confidence": shown["confidence"].to_numpy()}).head(15)
        labels = text.chart_labels("rule_lift_bars", lang, currency)
        figures[say("report.basket.figure")] = charts.rule_lift_bars(chart, labels["title"], labels["x"])
    return _analysis("basket", say("report.basket.name"), "recommendations",
                     params={"min_support": round(rules.min_support, 6), "min_confidence": params.min_confidence,
                             "max_len": params.max_len},
                     tables={say("report.basket.table"): table}, figures=figures, notes=notes)


def recommendations_analysis(tx: SalesSource, *, lang: str = "en", currency: str = "£", k: int = 10,
                             events=None) -> SavedAnalysis:
    """Do personal recommendations beat best-sellers on this data? The Recommendations page's
    evaluation (``analyses.recommendations``) of item-to-item recommendations (item kNN) against the
    best-seller list, fitted before the default cut date and scored on what customers bought
    after it, with the honest verdict. With browsing ``events`` (a DataFrame or Ibis table), the
    page's "use browsing and cart adds": the cut falls inside the browsing, and the section adds
    whether views and cart adds help, in words and a table (or why that could not be measured)."""
    from promo_core.analyses import recommendations as analysis

    browsing = None if events is None else analysis.Events(events, "report")
    result = analysis.run(tx, analysis.Params(parts=frozenset({"evaluation"}), k=k, models=("popularity", "knn"),
                                              events=browsing))
    if result.evaluation is None:
        raise DataError(result.problems["evaluation"])
    say = lambda message, **values: text.render(  # noqa: E731
        message if isinstance(message, Message) else Message(message, **values), lang, currency)
    evaluation = result.evaluation
    names = {m: say(analysis.model_name(m)) for m in evaluation.table["model"]}
    table = evaluation.table.drop(columns=["fit_seconds"]).assign(model=evaluation.table["model"].map(names))
    metric_names = {m: say(f"recommendations.metric_name.{m}", k=k)
                    for m in ("precision", "recall", "ndcg", "map", "hit_rate", "coverage")}
    figure = charts.model_comparison(table, metric_names, names[evaluation.baseline],
                                     say("report.recommendations.chart_title"), say("report.recommendations.chart_y"))
    notes = [say(result.verdict),
             say("report.recommendations.how", cut=evaluation.cut, customers=evaluation.customers, k=k)]
    name = say("report.recommendations.table")
    tables = {name: table}
    if result.browsing is not None:
        notes.append(say(result.browsing_verdict))
        tables[say("report.recommendations.browsing_table")] = text.render_frame(
            analysis.browsing_table(result.browsing), lang, currency)
    elif browsing is not None:
        notes.append(say(result.problems["browsing"]))
    return _analysis("recommendations", say("report.recommendations.name"), "recommendations",
                     params={"k": k, "cut": f"{evaluation.cut:%Y-%m-%d}", "exclude_bought": True,
                             **({"browsing": True} if browsing is not None else {})},
                     tables=tables, figures={name: figure}, notes=notes)


FORECAST_MODELS = ("seasonal_naive", "holt_winters")


def forecast_analysis(tx: SalesSource, *, lang: str = "en", currency: str = "£", horizon: int = 8) -> SavedAnalysis:
    """Weekly demand for the next ``horizon`` weeks per category (in total without categories): the
    Logistics page's forecast (``analyses.logistics.run``) with its rolling-origin backtest against
    seasonal naive."""
    from promo_core.analyses import logistics as analysis

    say = lambda message, **values: text.render(  # noqa: E731
        message if isinstance(message, Message) else Message(message, **values), lang, currency)
    level = "category" if has_values(tx, "category") else "total"
    result = analysis.run(tx, analysis.Params(level=level, horizon_weeks=horizon, models=FORECAST_MODELS,
                                              parts=frozenset({"forecast"})))
    fc = result.forecast
    if fc is None:
        raise DataError(result.problems["forecast"])
    names = text.terms("forecast_model", fc.result.backtest["model"], lang)
    best = fc.best
    backtest = fc.result.backtest.assign(model=fc.result.backtest["model"].map(names))
    main = analysis.forecast_table(fc)
    main = main[main["model"] == best]
    plan = pd.DataFrame({level: main["name"], "week": main["week"], "units": main["forecast"].round(),
                         say("report.forecast.low"): main["lower"].round(),
                         say("report.forecast.high"): main["upper"].round()})
    top = fc.series[0]
    history, rows = analysis.series_view(fc, top)
    figure = charts.demand_forecast(
        history, rows, best, names, say("logistics.chart.forecast.title", series=fc.result.demand.labels.get(top, top)),
        say("logistics.chart.forecast.x"), say("logistics.chart.forecast.y"),
        say("logistics.chart.forecast.band", interval=fc.result.interval, model=names[best]),
        say("report.forecast.baseline"), say("logistics.chart.forecast.actual"))
    row = fc.result.backtest.set_index("model").loc[best]
    naive = Message("report.forecast.naive_year" if fc.result.season_length > 1 else "report.forecast.naive_week")
    notes = [say("report.forecast.best", model=names[best], smape=row["smape"], ratio=row["mase_vs_naive"],
                 naive=naive, horizon=horizon, interval=fc.result.interval),
             *(say(note) for note in fc.result.notes)]
    return _analysis("forecast", say("report.forecast.name"), "logistics",
                     params={"level": level, "horizon_weeks": horizon, "models": [names[m] for m in names]},
                     tables={say("report.forecast.table"): plan, say("report.forecast.backtest"): backtest},
                     figures={say("report.forecast.table"): figure}, notes=notes)


def pricing_analysis(tx: SalesSource, *, lang: str = "en", currency: str = "£") -> SavedAnalysis:
    """Price sensitivity per category: the Pricing page's demand model (``analyses.pricing.run``
    without its optional steps) as a section, with 90% intervals, the reliability verdict of each
    estimate, and the most and least price-sensitive dependable categories."""
    from promo_core.analyses import pricing as analysis

    result = analysis.run(tx, analysis.Params(parts=frozenset()))
    say = lambda message, **values: text.render(  # noqa: E731
        message if isinstance(message, Message) else Message(message, **values), lang, currency)
    est = result.model.categories.sort_values("elasticity", na_position="last")
    table = text.render_frame(est[["category", "elasticity", "ci_low", "ci_high", "n_periods", "n_products",
                                   "reliable", "reason"]], lang, currency)
    table = table.rename(columns={"ci_low": say("pricing.report.low"), "ci_high": say("pricing.report.high"),
                                  "n_periods": "periods", "n_products": "products"})
    notes = [say("pricing.report.elasticity")]
    good = est[est["reliable"]].sort_values("elasticity")
    for position, which in ((0, "most"), (-1, "least"))[:min(len(good), 2)]:
        row = good.iloc[position]
        notes.append(say(f"pricing.report.{which}", category=row["category"], elasticity=row["elasticity"],
                         change=0.9 ** row["elasticity"] - 1))
    if (~est["reliable"]).any():
        notes.append(say("pricing.report.unreliable", estimates=int((~est["reliable"]).sum())))
    notes += [say(warning) for warning in result.data_warnings]
    if result.empty_periods:
        notes.append(say("pricing.model.empty", empty=result.empty_periods))
    figure = charts.elasticity_intervals(text.render_frame(est, lang, currency), "category",
                                         say("pricing.chart.elasticity.title"), say("pricing.chart.elasticity.x"),
                                         say("pricing.chart.reliable"), say("pricing.chart.unreliable"))
    name = say("pricing.report.table")
    return _analysis("pricing", say("pricing.report.name"), "pricing",
                     params={"level": "category", "period": result.period},
                     tables={name: table}, figures={name: figure}, notes=notes)


UPLIFT_MODELS = ("T-learner", "S-learner")


def campaign_analysis(campaign: pd.DataFrame, *, lang: str = "en", currency: str = "£") -> SavedAnalysis:
    """Did the coupon campaign work, and whom did it move? The Coupons page's analysis
    (``analyses.coupons.run``) on the campaign table with its suggested columns: every arm against
    control on every outcome (z-test or Welch's t, 95% intervals, Holm-adjusted p-values) with the
    sample-ratio check; then cross-fitted uplift models (``UPLIFT_MODELS``) on the first 0/1
    outcome, with the model-versus-random verdict."""
    from promo_core.analyses import coupons as analysis

    say = lambda message, **values: text.render(  # noqa: E731
        message if isinstance(message, Message) else Message(message, **values), lang, currency)
    params = analysis.Params(campaign=analysis.Campaign(campaign, analysis.table_key(campaign)),
                             uplift=analysis.UpliftSettings(models=UPLIFT_MODELS),
                             parts=frozenset({"campaign", "lifts", "uplift"}))
    result = analysis.run(None, params)
    design, lifts = result.design, result.lifts
    if lifts is None or design.arm != result.columns.suggested.arm:
        raise DataError(Message("report.coupons.no_campaign"))
    notes = [say(sentence) for sentence in lifts.sentences]  # per outcome, per treatment arm
    notes.append(say("report.coupons.split_off" if lifts.srm.mismatch else "report.coupons.split", p=lifts.srm.p_value))
    tables = {say("report.coupons.lifts"): lifts.table[
        ["outcome", "arm", "n", "mean", "lift", "lift_low", "lift_high", "rel_lift", "p_value_holm", "significant",
         "test"]]}
    if result.uplift is not None:
        fit = result.uplift
        notes += [say(fit.verdicts[a]) for a in fit.best.index]
        tables[say("report.coupons.models", outcome=fit.model.outcome)] = fit.model.scores[
            ["arm", "model", "qini", "qini_low", "qini_high", "uplift_at_k", "ate", "gain_over_all", "best"]]
    elif "uplift" in result.problems and design.binary_outcomes:
        notes.append(say("report.coupons.no_uplift", reason=result.problems["uplift"]))
    return _analysis("campaign", say("report.coupons.name"), "coupons",
                     params={"arm": design.arm, "control": design.control, "outcomes": list(design.outcomes),
                             "uplift_models": list(UPLIFT_MODELS), "features": list(design.features)},
                     tables=tables, notes=notes)


def network_analysis(warehouses: pd.DataFrame, stores: pd.DataFrame, *, lang: str = "en", currency: str = "£",
                     cost_per_unit_km: float | None = None) -> SavedAnalysis:
    """The cheapest warehouse-to-store network: the Logistics page's plan (``analyses.logistics.run``,
    ``logistics.facility_location`` solved to proven optimality), shipping cost = great-circle
    distance x ``cost_per_unit_km`` per unit."""
    from promo_core import logistics
    from promo_core.analyses import logistics as analysis
    from promo_core.sample_data import COST_PER_UNIT_KM

    say = lambda message, **values: text.render(  # noqa: E731
        message if isinstance(message, Message) else Message(message, **values), lang, currency)
    rate = COST_PER_UNIT_KM if cost_per_unit_km is None else cost_per_unit_km
    network = logistics.Network.build(warehouses, stores, cost_per_unit_km=rate)
    result = analysis.run(None, analysis.Params(network=network, parts=frozenset({"network"})))
    planned = result.network
    if planned is None:
        raise DataError(result.problems["network"])
    plan = planned.plan
    status = (Message("report.network.optimal") if plan.optimal else
              Message("report.network.within", gap=plan.gap))
    notes = [say("report.network.plan", open=int(plan.open.sum()), all=len(plan.open),
                 opened=list(network.warehouses.loc[plan.open, "name"].astype(str)), total=plan.total_cost,
                 fixed=plan.fixed_cost, shipping=plan.transport_cost, status=status,
                 model=Message(f"logistics.model.{plan.model}")),
             say("report.network.rate", currency=currency, rate=rate)]
    names = {k: say(f"logistics.chart.map.{k}") for k in ("flows", "stores", "open", "closed")}
    figure = charts.network_map(analysis.map_warehouses(network, planned), network.stores, planned.tables.flows,
                                say("report.network.title"), names, say("logistics.chart.map.x"),
                                say("logistics.chart.map.y"))
    return _analysis("network", say("report.network.name"), "logistics",
                     params={"cost_per_unit_km": rate, "single_sourcing": False},
                     tables={say("report.network.warehouses"): planned.tables.warehouses,
                             say("report.network.flows"): planned.tables.flows},
                     figures={say("report.network.figure"): figure}, notes=notes)


def marketing_analysis(spend: pd.DataFrame, tx: SalesSource | None = None, *, lang: str = "en",
                       currency: str = "£") -> SavedAnalysis:
    """What each marketing channel brought in and the best split of today's budget: the Marketing
    ROI page's analysis (``analyses.marketing.run``) on the dataset's spend table with its canonical
    columns (``spend.COLUMNS``): its controls are ``spend.CONTROLS`` (impressions and clicks follow
    the spend, so as controls they would take the media's credit), and the revenue per week is the
    table's own where it has one, else the sales' (``tx``), as on the page. It models all sales: a
    spend table with a ``region`` column is added up over its regions (the page's default)."""
    from promo_core import spend as spend_table
    from promo_core.analyses import marketing as analysis

    say = lambda message, **values: text.render(  # noqa: E731
        message if isinstance(message, Message) else Message(message, **values), lang, currency)
    controls = tuple(c for c in spend_table.CONTROLS if c in spend and spend[c].notna().any())
    kpi = "revenue" if "revenue" in spend and spend["revenue"].notna().any() else None
    params = analysis.Params(spend=analysis.Spend(spend, analysis.table_key(spend)), kpi=kpi, controls=controls,
                             region_column="region" if "region" in spend else None,
                             parts=frozenset({"fit", "allocation"}))
    result = analysis.run(tx if kpi is None else None, params)
    if result.model is None:
        raise DataError(result.problems["fit"])
    model, head = result.model, result.headline
    notes = [say("report.marketing.headline", spend=head["spend"], contribution=head["contribution"],
                 low=head["contribution_low"], high=head["contribution_high"], level=model.level,
                 share=head["share"], roas=head["roas"])]
    if head["excluded"]:
        notes.append(say("marketing.headline.excluded", channels=list(head["excluded"]), spend=head["excluded_spend"],
                         credited=head["excluded_contribution"]))
    if model.holdout is not None:
        notes.append(say("marketing.fit.holdout", periods=model.holdout.periods, mape=model.holdout.mape,
                         r2=model.holdout.r2))
    notes += [say("marketing.flags.channel", channel=c, reasons=reasons)
              for c, reasons in analysis.flag_reasons(model).items()]
    tables = {say("marketing.channels.table"): analysis.channel_table(model)[
        ["total_spend", "contribution", "roas", "roas_low", "roas_high", "marginal_roas", "current_spend",
         "half_life"]].reset_index()}
    if result.allocation is not None:
        plan = result.allocation
        notes.append(say("marketing.plan.interval", low=plan.gain_low, high=plan.gain_high, level=plan.level))
        if analysis.held_channels(model):
            notes.append(say("marketing.plan.held", channels=analysis.held_channels(model)))
        tables[say("marketing.plan.table")] = plan.table.reset_index()
    return _analysis("marketing", say("report.marketing.name"), "marketing",
                     params={"controls": list(controls), "max_lag": params.max_lag, "n_boot": params.n_boot,
                             "change": params.change}, tables=tables, notes=notes)


def journeys_analysis(events: SalesSource, tx: SalesSource, *, lang: str = "en", currency: str = "£",
                      min_product_sessions: int = 30) -> SavedAnalysis:
    """What customers do before they buy: the Journeys page's analysis (``analyses.journeys.run``)
    on the dataset's browsing events where they are, split by the customers' RFM segments of the
    Segments page (``analyses.segments.run`` on the sales, as the page's default): the funnel with
    its drop-off, browse-to-buy by segment, channel and device with intervals, the most valuable
    abandoned carts, searches that found nothing and products viewed but rarely bought."""
    from promo_core.analyses import journeys as analysis
    from promo_core.analyses import segments as segments_analysis

    say = lambda message, **values: text.render(  # noqa: E731
        message if isinstance(message, Message) else Message(message, **values), lang, currency)
    rfm = segments_analysis.run(tx, segments_analysis.Params(parts=frozenset()))
    segments = analysis.Segments(rfm.customers.set_index("customer_id")["segment"].astype("str"), "report")
    result = analysis.run(events, analysis.Params(segments=segments, min_product_sessions=min_product_sessions))
    notes = [say("journeys.report.headline", sessions=result.n_sessions, conversion=result.conversion,
                 browse_to_buy=result.browse_to_buy, abandonment=result.cart_abandonment,
                 value=result.abandoned_value), *(say(n) for n in result.notes)]
    stages = result.funnel.stages.assign(stage=[say(f"journeys.stage.{s}") for s in result.funnel.stages["stage"]])
    words = text.chart_labels("journeys_funnel", lang, currency)
    figures = {say("journeys.figure.funnel"): charts.funnel_bars(stages, "stage", words["title"], words["x"],
                                                                  words["y"])}
    tables = {say("journeys.table.funnel"): stages}
    shown = ["sessions", "viewed", "carted", "purchased", "conversion", "browse_to_buy", "browse_to_buy_low",
             "browse_to_buy_high", "cart_abandonment", "cart_abandonment_low", "cart_abandonment_high"]
    for dim, table in result.funnel.by.items():
        dimension = say(f"journeys.dimension.{dim}")
        table = text.render_frame(table[[dim, *shown]], lang, currency)
        words = text.chart_labels("journeys_by", lang, currency, dimension=dimension, axis=say(f"column.{dim}"))
        figures[say("journeys.figure.by", dimension=dimension)] = charts.rate_interval_bars(
            table, dim, "browse_to_buy", words["title"], words["x"], words["y"])
        tables[say("journeys.table.by", dimension=dimension)] = table
    for part, name, rows in (("carts", "journeys.table.carts", 100), ("searches", "journeys.table.searches", 50),
                             ("products", "journeys.table.products", 50)):
        found = getattr(result, part)
        if found is None:
            notes.append(say("journeys.report.part_failed", part=Message(f"journeys.tab.{part}"),
                             reason=result.problems[part]))
        elif len(found):
            tables[say(name)] = found.head(rows)
    return _analysis("journeys", say("reports.step.journeys"), "journeys",
                     params={"segments": "rfm", "min_product_sessions": min_product_sessions},
                     tables=tables, figures=figures, notes=notes)


def voice_named(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A Voice table as the reader sees it: aspect, sentiment, language and method codes by their
    names in ``lang`` (the page's tables and the report's alike)."""
    out = frame.copy()
    for col, kind in (("aspect", "aspect"), ("top_negative_aspect", "aspect"), ("label", "sentiment"),
                      ("library_label", "sentiment"), ("lang", "text_lang")):
        if col in out:
            names = text.terms(kind, out[col].dropna().unique(), lang)
            out[col] = out[col].map(names, na_action="ignore")
    if "aspects" in out:
        join = text.render(Message("join.list"), lang)
        out["aspects"] = out["aspects"].map(
            lambda s: join.join(text.term("aspect", a, lang) for a in s.split(", ")) if s else "")
    if "method" in out:
        out["method"] = out["method"].map(lambda m: text.render(Message(f"voice.method.{m}"), lang))
    return out


REPORT_MIN_TEXTS = 10  # a product's texts needed before the report calls it disliked
REPORT_NEGATIVE_PRODUCTS = 5  # at most this many products clearly more disliked than the rest are named in the notes


def voice_section(result, *, lang: str = "en", currency: str = "£") -> SavedAnalysis:
    """The Voice page's ``Result`` (``analyses.voice.run``) as a report section: the share of
    positive and negative texts, the products most surely disliked with the aspect their complaints
    name and a quote, what customers say most per product (the summaries), the aspects, the
    categories, how accurate the sentiment is against the ratings and how it moves with sales."""
    say = lambda message, **values: text.render(  # noqa: E731
        message if isinstance(message, Message) else Message(message, **values), lang, currency)
    notes = [say("report.voice.headline", texts=result.n_texts, **result.languages, positive=result.share_positive,
                 negative=result.share_negative, score=result.mean_score)]
    notes += [say(note) for note in result.notes]
    if result.ratings is not None:
        notes.append(say(f"report.voice.model.{result.ratings.used}", accuracy=result.ratings.classifier_accuracy,
                         library=result.ratings.library_accuracy))
    tables, figures = {}, {}
    if result.products is not None:
        products = result.products
        # clearly more disliked than the shop's texts as a whole: at least REPORT_MIN_TEXTS texts, and
        # even the low end of the product's interval above the share of all texts (with one or two
        # texts the interval is too wide to say anything, whatever its low end)
        disliked = products[(products["texts"] >= REPORT_MIN_TEXTS)
                            & (products["share_negative_low"] > result.share_negative)]
        if disliked.empty:
            notes.append(say("report.voice.none_disliked", negative=result.share_negative))
        for _, row in disliked.head(REPORT_NEGATIVE_PRODUCTS).iterrows():
            name = row.get("product_name") if pd.notna(row.get("product_name")) else row["product_id"]
            if pd.notna(row["top_negative_aspect"]):
                notes.append(say("report.voice.product", name=name, product=row["product_id"],
                                 negative=row["share_negative"], texts=int(row["texts"]),
                                 aspect=text.term("aspect", row["top_negative_aspect"], lang),
                                 mentions=int(row["negative_mentions"]), quote=row["quote"]))
            else:
                notes.append(say("report.voice.product_no_aspect", name=name, product=row["product_id"],
                                 negative=row["share_negative"], texts=int(row["texts"])))
        if result.summaries is not None:
            products = products.join(result.summaries.set_index("product_id"), on="product_id")
        tables[say("voice.table.products")] = voice_named(products, lang)
    aspects = voice_named(result.aspects, lang)
    tables[say("voice.table.aspects")] = aspects
    words = text.chart_labels("voice_aspects", lang, currency)
    figures[say("voice.figure.aspects")] = charts.ranked_bars(aspects, "aspect", "negative_texts", words["title"],
                                                              words["x"], height=360)
    if result.weekly is not None:
        words = text.chart_labels("voice_weekly", lang, currency)
        figures[say("voice.figure.weekly")] = charts.weekly_trend(result.weekly, "mean_score", words["title"],
                                                                  words["y"], words["x"])
    if result.categories is not None:
        tables[say("voice.table.categories")] = voice_named(result.categories, lang)
    if result.ratings is not None:
        tables[say("voice.table.model")] = voice_named(result.ratings.table, lang)
    if result.sales is not None:
        link = result.sales
        notes.append(say("voice.sales.verdict.some", lag=link.strongest_lag, r=link.strongest) if link.clear
                      else say("voice.sales.verdict.none"))
        notes.append(say("voice.sales.caveat", band=link.band))
        tables[say("voice.table.sales")] = link.lags
    notes += [say("report.voice.part_failed", reason=problem) for problem in result.problems.values()]
    return _analysis("voice", say("report.voice.name"), "voice",
                     params={"texts": result.n_texts, "model": result.params.model,
                             "max_lag_weeks": result.params.max_lag_weeks,
                             "summary_sentences": result.params.summary_sentences},
                     tables=tables, figures=figures, notes=notes)


def voice_result(sales: SalesSource, reviews: pd.DataFrame):
    """The Voice page's analysis (``analyses.voice.run``, every optional step) on a table of reviews
    and social posts, with e-mail addresses, phone numbers and street addresses in the texts
    redacted first: a report is passed around, and its quotes must not carry a customer's contact
    details."""
    from promo_core.analyses import voice as analysis

    protected = analysis.redacted(reviews)  # (the Voice page reads a dataset's reviews through it too)
    return analysis.run(sales, analysis.Params(texts=analysis.Texts(protected, analysis.table_key(protected))))


def voice_analysis(sales: SalesSource, reviews: pd.DataFrame, *, lang: str = "en",
                   currency: str = "£") -> SavedAnalysis:
    """What customers say about the products: the dataset's reviews (``voice_result``) as a report
    section (``voice_section``)."""
    return voice_section(voice_result(sales, reviews), lang=lang, currency=currency)


@dataclass(frozen=True)
class StandardStep:
    """One analysis of the standard report.

    ``run`` takes the transactions (or, when ``needs`` names tables, those tables in that order,
    ``transactions`` among them where it needs the sales too), each table of ``uses`` the data has
    as a keyword argument of its name (a table that improves the step without being required: the
    recommendations' browsing ``events``), plus ``lang`` and ``currency``, and raises DataError
    when the data cannot support it (no prices, no customer ids), which the report then notes
    instead of failing (as it does, with an incident reference, for any other error). ``key`` names it in the catalogue (``reports.step.<key>``).
    """

    key: str
    run: Callable[..., SavedAnalysis]
    needs: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()

    @property
    def name(self) -> Message:
        return Message(f"reports.step.{self.key}")

    @property
    def name_en(self) -> str:
        """The step's name in English (what the command line's log and tests read)."""
        return text.render(self.name)


STANDARD_STEPS: list[StandardStep] = [
    StandardStep("segments", segments_analysis),
    StandardStep("retention", retention_analysis),
    StandardStep("basket", basket_analysis),
    StandardStep("recommendations", recommendations_analysis, uses=("events",)),
    StandardStep("voice", voice_analysis, needs=("transactions", "reviews")),
    StandardStep("pricing", pricing_analysis),
    StandardStep("forecast", forecast_analysis),
    StandardStep("campaign", campaign_analysis, needs=("campaign",)),
    StandardStep("network", network_analysis, needs=("warehouses", "stores")),
    StandardStep("marketing", marketing_analysis, needs=("spend", "transactions")),
    StandardStep("journeys", journeys_analysis, needs=("events", "transactions")),
]
TABLE_NAMES = ("campaign", "warehouses", "stores", "spend", "reviews")  # side tables steps need (``reports.table.<name>``)
ENGINE_TABLES = ("events",)  # side tables too big to read: steps get them as Ibis tables


@dataclass(frozen=True)
class StandardInputs:
    """What ``standard_analyses`` reads: the order lines (a DataFrame or an Ibis table where they
    live), the name to head the report with, what the load said, its quarantine and the side
    tables (``TABLE_NAMES``) the data has."""

    sales: SalesSource
    source: str
    load_report: dict = dataclasses.field(default_factory=dict)
    quarantine: pd.DataFrame | ibis.Table | None = None
    tables: dict = dataclasses.field(default_factory=dict)


@contextlib.contextmanager
def dataset_inputs(workspace: Workspace, dataset_id: str) -> Iterator[StandardInputs]:
    """The standard report's inputs of a workspace dataset, usable inside the ``with`` block.

    Why: a dataset's order lines can be tens of millions; here they and the quarantine stay tables
    in the workspace (``Workspace.ibis_table``), so the sections' analyses run there and only their
    aggregates come back. The side tables (a campaign, a network) are small settings and are read.
    """
    info = workspace.dataset(dataset_id)
    with contextlib.ExitStack() as stack:
        sales = stack.enter_context(workspace.ibis_table(dataset_id))
        quarantine = (stack.enter_context(workspace.ibis_table(dataset_id, "quarantine"))
                      if "quarantine" in info["tables"] else None)
        tables = {}
        for name in (n for n in TABLE_NAMES if n in info["tables"]):
            with workspace.ibis_table(dataset_id, name) as table:
                tables[name] = fetch(table)
        for name in (n for n in ENGINE_TABLES if n in info["tables"]):  # (these stay where they are)
            tables[name] = stack.enter_context(workspace.ibis_table(dataset_id, name))
        yield StandardInputs(sales, info["name"], {"rows_in": info["rows_in"], **info["report"]}, quarantine, tables)


def skip_reason(step: str, exc: Exception, lang: str = "en") -> str:
    """The line that tells the reader the analysis ``step`` (a ``StandardStep.key``, or "profile")
    was skipped, and why.

    A DataError says what is wrong with the data in its own words. Anything else is a bug whose
    text can hold SQL, file paths or data, so the reader gets a plain sentence with an incident
    reference and the full traceback goes to the log (``logging``, logger ``promo_core.report``)
    under the same reference.
    """
    name = Message(f"reports.step.{step}")
    if isinstance(exc, DataError):
        return text.render(Message("reports.skipped", step=name, reason=exc.message), lang)
    incident = uuid.uuid4().hex[:8]
    _log.error("incident %s: the analysis %r failed", incident, text.render(name), exc_info=exc)
    return text.render(Message("reports.skipped.unexpected", step=name, incident=incident), lang)


def standard_analyses(tx: SalesSource, *, source: str, load_report: dict | None = None,
                      quarantine: pd.DataFrame | ibis.Table | None = None,
                      tables: dict[str, pd.DataFrame] | None = None,
                      lang: str = "en", currency: str = "£") -> tuple[list[SavedAnalysis], list[str]]:
    """The standard report of a dataset: the business profile, then every analysis in
    ``STANDARD_STEPS`` that the data supports. One analysis that fails, whatever the reason, is
    one skipped section (``skip_reason``), never a failed report.

    Parameters
    ----------
    tx : DataFrame or ibis.Table
        Order lines (``engine.sales_table``): a DataFrame, or an Ibis table where the lines live (a
        workspace dataset, a connection); every section runs its page's analysis on it, so per-line
        work stays in its engine and no section takes the whole table into pandas.
    source : str
        The file or dataset name, for headings.
    load_report : dict, optional
        What ``io.load_transactions`` (or the workspace) says about the load.
    quarantine : DataFrame or ibis.Table, optional
        The rows the load rejected, with their reason (counted in their engine).
    tables : dict, optional
        The dataset's extra tables (campaign, warehouses, stores, reviews, events) for the steps
        that need or use them (``StandardStep.needs`` / ``uses``).
    lang, currency : str

    Returns
    -------
    analyses : list of SavedAnalysis
    skipped : list of str
        One plain-language line per analysis that was skipped, and why; they are also the last
        notes of the first analysis (the profile, or an empty section in its place when even the
        profile failed).
    """
    tables = tables or {}
    skipped = []
    try:
        analyses = [profile_analysis(tx, source=source, load_report=load_report, quarantine=quarantine,
                                     lang=lang, currency=currency)]
    except Exception as exc:  # any failure is one skipped section (skip_reason)
        skipped.append(skip_reason("profile", exc, lang))
        analyses = [_analysis("profile", text.render(Message("data.report.name", source=source), lang), "data")]
    tables = {**tables, "transactions": tx}
    for step in STANDARD_STEPS:
        missing = [n for n in step.needs if tables.get(n) is None]
        try:
            if missing:
                raise DataError(Message("reports.no_tables" if len(missing) > 1 else "reports.no_table",
                                        tables=[Message(f"reports.table.{n}") for n in missing]))
            inputs = [tables[n] for n in step.needs] if step.needs else [tx]
            extra = {n: tables[n] for n in step.uses if tables.get(n) is not None}
            analyses.append(step.run(*inputs, **extra, lang=lang, currency=currency))
        except Exception as exc:  # any failure is one skipped section (skip_reason)
            skipped.append(skip_reason(step.key, exc, lang))
    if skipped:
        analyses[0] = dataclasses.replace(analyses[0], notes=analyses[0].notes + skipped)
    return analyses, skipped


def save_standard(workspace: Workspace, dataset_id: str, *, lang: str = "en",
                  currency: str = "£") -> tuple[list[str], list[str]]:
    """Run the standard analyses on a workspace dataset where its lines are (``dataset_inputs``)
    and save each as an analysis of that dataset (the Reports page's "standard overview").

    Returns
    -------
    saved : list of str
        The names the analyses were saved under (each names the dataset).
    skipped : list of str
        One line per analysis that was skipped, and why (``standard_analyses``).
    """
    with dataset_inputs(workspace, dataset_id) as inputs:
        analyses, skipped = standard_analyses(inputs.sales, source=inputs.source, load_report=inputs.load_report,
                                              quarantine=inputs.quarantine, tables=inputs.tables, lang=lang,
                                              currency=currency)
    saved = []
    for analysis in analyses:
        name = analysis.name if inputs.source in analysis.name else f"{analysis.name} — {inputs.source}"
        workspace.save_analysis(name, analysis.page, dataset_id=dataset_id, params=analysis.params,
                                tables=analysis.tables, figures=analysis.figures, notes=analysis.notes)
        saved.append(name)
    return saved, skipped


def selection_totals(saved: pd.DataFrame, chosen: Sequence[str]) -> tuple[int, int]:
    """Tables and charts of the chosen saved analyses (``Workspace.list_analyses`` rows, by id)."""
    picked = saved[saved["id"].isin(list(chosen))]
    return int(picked["n_tables"].sum()), int(picked["n_figures"].sum())

