"""Journeys page: what customers do before they buy, from browsing events: the funnel (sessions ->
view -> cart -> purchase) by segment, channel and device, abandoned carts to follow up, searches that
found nothing or sold nothing, and products viewed often but rarely bought.

Widgets -> ``Params`` -> ``ui.run_analysis`` (the dataset's events, in the workspace) or
``ui.run_analysis_on`` (a file uploaded here) -> render the ``Result``; every number comes from
``promo_core.analyses.journeys`` and every word from the catalogue (``ui.text``)."""
from __future__ import annotations

import streamlit as st

import ui
from promo_core import charts
from promo_core.analyses import journeys as analysis
from promo_core.analyses import segments as segments_analysis
from promo_core.i18n import fmt_pct

ui.guard_page()  # first: nothing of this page runs before sign-in

t = ui.text
st.title(t("journeys.title"))
st.caption(t("journeys.lead"))
dataset = ui.require_dataset()

# --------------------------------------------------------------------------------------------
# The events and the settings
# --------------------------------------------------------------------------------------------
has_events = ui.connection() is None and "events" in ui.workspace().dataset(dataset)["tables"]
with st.expander(t("journeys.data.heading"), expanded=not has_events, icon=":material/upload_file:",
                 key="exp-journeys-data"):
    source = st.radio(t("journeys.data.where"), ["dataset", "upload"], horizontal=True, key="journeys-source",
                      format_func=lambda s: t(f"journeys.data.source.{s}"), help=t("journeys.data.where.help"))
    if source == "upload":
        st.caption(t("journeys.data.upload.lead"))
        upload = st.file_uploader(t("journeys.data.upload"), type=["csv", "txt", "xlsx", "parquet"],
                                  key="journeys-upload")
        if upload is None:
            st.info(t("journeys.data.pick"))
            st.stop()
        raw = ui.read_upload(upload)
        events, key = raw.data, ("upload", ui.upload_key(upload))
        ui.upload_note(raw, "journeys")
    elif not has_events:
        st.info(t("journeys.data.no_events"))
        st.stop()
    else:
        info = ui.workspace().dataset(dataset)
        loaded = info["report"].get("events")  # (an events file added on the Data page; the demo's came with it)
        st.caption(t("events.current", rows=loaded["rows_loaded"], file=loaded["file"], name=info["name"])
                   if loaded else t("journeys.data.dataset"))

with st.expander(t("journeys.settings.heading"), icon=":material/tune:", key="exp-journeys-settings"):
    c1, c2 = st.columns(2)
    by_segment = c1.toggle(t("journeys.settings.segments"), value=True, key="journeys-segments",
                           help=t("journeys.settings.segments.help"))
    min_sessions = c2.slider(t("journeys.settings.min_sessions"), 10, 500, 30, step=10, key="journeys-min-sessions",
                             help=t("journeys.settings.min_sessions.help"))

segments = None
if by_segment:
    rfm = ui.run_analysis(segments_analysis, segments_analysis.Params(parts=frozenset()))
    segments = analysis.Segments(rfm.customers.set_index("customer_id")["segment"].astype("str"),
                                 f"rfm:{dataset}:{rfm.as_of}")
params = analysis.Params(segments=segments, min_product_sessions=min_sessions)
if source == "upload":
    result = ui.run_analysis_on(analysis, params, key, events)
else:  # the dataset's events, where they are: only the funnel's counts and the lists come back
    result = ui.run_analysis(analysis, params, table="events")
    key = ("dataset", dataset, "events")
notes = [t(n) for n in result.notes]
for note in notes:
    st.caption(note)
if result.columns:
    st.caption(t("journeys.data.columns", columns=t("join.list").join(
        t("journeys.data.column", role=t(f"journeys.role.{role}"), header=header) for role, header in result.columns.items())))

m1, m2, m3, m4 = st.columns(4)
m1.metric(t("journeys.metric.sessions"), ui.number(result.n_sessions), help=t("journeys.metric.sessions.help"))
m2.metric(t("journeys.metric.conversion"), fmt_pct(result.conversion, 1), help=t("journeys.metric.conversion.help"))
m3.metric(t("journeys.metric.browse_to_buy"), fmt_pct(result.browse_to_buy, 1),
          help=t("journeys.metric.browse_to_buy.help"))
m4.metric(t("journeys.metric.abandonment"), fmt_pct(result.cart_abandonment, 1),
          help=t("journeys.metric.abandonment.help", value=ui.money(result.abandoned_value, 0)))

figures, report_tables = {}, {}
tabs = st.tabs([t(f"journeys.tab.{k}") for k in ("funnel", "carts", "searches", "products")])

# --------------------------------------------------------------------------------------------
# 1. The funnel, in all and by segment, channel and device
# --------------------------------------------------------------------------------------------
with tabs[0], ui.section():
    stage_names = {s: t(f"journeys.stage.{s}") for s in result.funnel.stages["stage"]}
    stages = result.funnel.stages.assign(stage=result.funnel.stages["stage"].map(stage_names))
    words = ui.chart_labels("journeys_funnel")
    funnel_chart = charts.funnel_bars(stages, "stage", words["title"], words["x"], words["y"])
    ui.chart(funnel_chart, key="journeys-funnel")
    st.caption(t("journeys.funnel.explain"))
    figures[t("journeys.figure.funnel")] = funnel_chart
    ui.result_table(stages, "journeys-funnel.csv")
    report_tables[t("journeys.table.funnel")] = stages
    shown = ["sessions", "viewed", "carted", "purchased", "conversion", "browse_to_buy", "browse_to_buy_low",
             "browse_to_buy_high", "cart_abandonment", "cart_abandonment_low", "cart_abandonment_high"]
    for dim, table in result.funnel.by.items():
        st.subheader(t(f"journeys.by.{dim}"))
        dimension = t(f"journeys.dimension.{dim}")
        words = ui.chart_labels("journeys_by", dimension=dimension, axis=t(f"column.{dim}"))
        bars = charts.rate_interval_bars(ui.shown(table), dim, "browse_to_buy", words["title"], words["x"], words["y"])
        ui.chart(bars, key=f"journeys-by-{dim}")
        figures[t("journeys.figure.by", dimension=dimension)] = bars
        ui.result_table(table[[dim, *shown]], f"journeys-by-{dim}.csv")
        report_tables[t("journeys.table.by", dimension=dimension)] = table[[dim, *shown]]
    st.caption(t("journeys.by.explain"))

# --------------------------------------------------------------------------------------------
# 2. Abandoned carts: a list to follow up
# --------------------------------------------------------------------------------------------
with tabs[1], ui.section():
    if result.carts is None:
        ui.show_problem(result.problems.get("carts"))
    else:
        st.caption(t("journeys.carts.lead", carts=len(result.carts), value=ui.money(result.abandoned_value, 0)))
        ui.result_table(result.carts.head(1000), "journeys-abandoned-carts-top.csv")
        ui.download_csv(result.carts, "journeys-abandoned-carts.csv", label=t("journeys.carts.download"),
                        key="dl-journeys-carts-all", deferred=True)
        report_tables[t("journeys.table.carts")] = result.carts.head(100)

# --------------------------------------------------------------------------------------------
# 3. Searches that found nothing or sold nothing
# --------------------------------------------------------------------------------------------
with tabs[2], ui.section():
    if result.searches is None:
        ui.show_problem(result.problems.get("searches"))
    elif result.searches.empty:
        st.info(t("journeys.searches.none"))
    else:
        st.caption(t("journeys.searches.lead"))
        ui.result_table(result.searches, "journeys-searches.csv")
        report_tables[t("journeys.table.searches")] = result.searches.head(50)

# --------------------------------------------------------------------------------------------
# 4. Products viewed often but rarely bought
# --------------------------------------------------------------------------------------------
with tabs[3], ui.section():
    if result.products is None:
        ui.show_problem(result.problems.get("products"))
    elif result.products.empty:
        st.info(t("journeys.products.none", sessions=min_sessions))
    else:
        st.caption(t("journeys.products.lead", sessions=min_sessions))
        ui.result_table(result.products, "journeys-products.csv")
        report_tables[t("journeys.table.products")] = result.products.head(50)

if len(result.quarantine):
    st.caption(t("journeys.quarantine.lead"))
    ui.table(ui.shown_quarantine(result.quarantine), "journeys-rows-left-out.csv")

st.divider()
ui.save_to_report("journeys", t("journeys.saved_name", sessions=result.n_sessions),
                  params={"events": str(key), "segments": by_segment, "min_product_sessions": min_sessions},
                  tables=report_tables, figures=figures, notes=notes)
