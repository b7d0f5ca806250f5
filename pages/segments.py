"""Segments page: who the customers are (RFM segments and behavioural clusters), what each is
worth (lifetime value, P(alive), value at risk), how they moved, where they shop, and what to do
about each segment, with lists to download for the CRM.

Widgets -> ``Params`` -> ``ui.run_analysis`` -> render the ``Result``; every number comes from
``promo_core.analyses.segments`` and every word from the catalogue (``ui.text``). Each tab is a
function run only while its tab is open (``ui.lazy_tabs``), and computes its part then."""
from __future__ import annotations

import weakref

import streamlit as st

import ui
from promo_core import charts, clv, retention, segments
from promo_core.analyses import period
from promo_core.analyses import retention as retention_analysis
from promo_core.analyses import segments as analysis
from promo_core.i18n import fmt_pct
from promo_core.text import Message

ui.guard_page()  # first: nothing of this page runs before sign-in

t = ui.text
st.title(t("segments.title"))
st.caption(t("segments.lead"))
dataset = ui.require_dataset()
span = ui.run_analysis(period, period.Params())
if st.session_state.get("seg-dataset") != (dataset, span):  # another dataset: dates and gaps start from its own
    for key in ("seg-as-of", "seg-gap", "seg-holdout"):
        st.session_state.pop(key, None)
    st.session_state["seg-dataset"] = (dataset, span)

# --------------------------------------------------------------------------------------------
# Sidebar: the settings
# --------------------------------------------------------------------------------------------
with st.sidebar:
    st.subheader(t("segments.settings"))
    as_of = st.date_input(t("segments.as_of"), value=span.last_day.date(), min_value=span.first_day.date(),
                          max_value=span.last_day.date(), key="seg-as-of", help=t("segments.as_of.help"))
    horizon = st.slider(t("segments.horizon"), 3, 36, 12, key="seg-horizon", help=t("segments.horizon.help"))
    margin = st.number_input(t("segments.margin"), 1.0, 100.0, 30.0, 1.0, key="seg-margin",
                             help=t("segments.margin.help")) / 100
    rate = st.number_input(t("segments.rate"), 0.0, 50.0, 10.0, 1.0, key="seg-rate", help=t("segments.rate.help")) / 100
    k_choice = st.selectbox(t("segments.clusters"), ["auto", *range(2, 11)], key="seg-k",
                            format_func={"auto": t("segments.clusters.auto"), **{k: str(k) for k in range(2, 11)}}.get,
                            help=t("segments.clusters.help"))
    gap = st.slider(t("segments.gap"), 7, max(min(365, span.days), 8), min(90, max(span.days // 2, 7)), key="seg-gap",
                    help=t("segments.gap.help"))
    holdout_days = st.slider(t("segments.holdout"), 28, 365, min(180, max(span.days // 3, 28)), 7, key="seg-holdout",
                             help=t("segments.holdout.help"))

params = analysis.Params(as_of=as_of, horizon_months=horizon, margin=margin, annual_discount_rate=rate,
                         n_clusters=None if k_choice == "auto" else int(k_choice), migration_days=gap,
                         holdout_days=holdout_days)
# the headline's part first; every other part when its tab is first opened (each kept for every session)
result = ui.run_analysis(analysis, params.for_part("value"))


def part(name: str) -> analysis.Result:
    """The Result of one more part of the page (``analysis.PAGE_PARTS``), computed when first asked for."""
    return ui.run_analysis(analysis, params.for_part(name))


seg_names = ui.names("segment", [*segments.SEGMENTS, segments.NOT_YET])
value = result.value
figures, report_tables = {}, {}

# --------------------------------------------------------------------------------------------
# Headline
# --------------------------------------------------------------------------------------------
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric(t("segments.metric.customers"), ui.number(len(result.customers)), help=t("segments.metric.customers.help"))
if result.has_money:
    c2.metric(t("segments.metric.top_revenue"), fmt_pct(result.top_revenue_share, 0),
              help=t("segments.metric.top_revenue.help", customer_share=result.top_customer_share))
else:
    c2.metric(t("segments.metric.top_customers"), fmt_pct(result.top_customer_share, 0),
              help=t("segments.metric.top_customers.help"))
if value is not None and value.churn is not None:  # P(alive) cannot tell who left: the churn route's figures
    churn_terms = {"days": analysis.CHURN_DAYS, "route": Message(f"churn_route.{value.churn.route}")}
    c3.metric(t("clv.cannot_tell.active", **churn_terms), fmt_pct(value.active_share, 0),
              help=t("clv.cannot_tell.active.help", **churn_terms))
elif value is not None:
    c3.metric(t("segments.metric.active"), fmt_pct(value.active_share, 0), help=t("segments.metric.active.help"))
if value is not None:
    c4.metric(t("segments.metric.clv", horizon=horizon), ui.money(value.total_clv, 0),
              help=t("segments.metric.clv.help", horizon=horizon, margin=margin, rate=rate))
    c5.metric(t("segments.metric.at_risk"), ui.money(value.value_at_risk, 0),
              help=t("clv.cannot_tell.at_risk.help", **churn_terms) if value.churn is not None
              else t("segments.metric.at_risk.help"))
    if value.cannot_tell:
        st.warning(t(analysis.cannot_tell_message(value)), icon=":material/help:")
notes = [t(note) for note in result.notes]
st.caption(" ".join(notes))

tabs = ui.lazy_tabs("seg-tab", {**{code: t(f"segments.tab.{code}") for code in
                                    ("rfm", "clusters", "value", "migration", "channels", "playbook")},
                                 "retention": t("retention.tab")}, page="segments",
                     keep=("seg-treemap-size", "seg-sankey-width", "seg-retention", "seg-churn-days",
                           "seg-cohort-period"))


# --------------------------------------------------------------------------------------------
# 1. RFM segments
# --------------------------------------------------------------------------------------------
def rfm_tab() -> None:
    st.subheader(t("segments.rfm.heading"))
    size = st.radio(t("segments.rfm.tile_size"), ["customers", "revenue"] if result.has_money else ["customers"],
                    horizontal=True, key="seg-treemap-size",
                    format_func={c: t(f"column.{c}") for c in ("customers", "revenue")}.get,
                    help=t("segments.rfm.tile_size.help"))
    treemap = charts.segment_treemap(result.summary, size, ui.chart_labels("segment_treemap"), seg_names)
    ui.chart(treemap, key="seg-treemap")
    figures[t("segments.figure.treemap")] = treemap
    heat = charts.rfm_heatmap(result.grid, ui.chart_labels("rfm_heatmap"), seg_names)
    ui.chart(heat, key="seg-heatmap")
    figures[t("segments.figure.heatmap")] = heat
    with st.expander(t("segments.rfm.how"), icon=":material/help:"):
        st.markdown(t("segments.rfm.how.text"))
        score_map = segments.segment_grid().map(seg_names.get)
        st.dataframe(score_map.set_axis([f"R = {r}" for r in score_map.columns], axis=1)
                     .set_axis([f"FM = {fm}" for fm in score_map.index], axis=0), width="stretch")
    ui.result_table(result.summary, "segments.csv", caption=t("segments.rfm.table"),
                    height=35 * (len(result.summary) + 1) + 3)
    report_tables[t("segments.table.segments")] = ui.shown(result.summary)


# --------------------------------------------------------------------------------------------
# 2. Behavioural clusters
# --------------------------------------------------------------------------------------------
def clusters_tab() -> None:
    st.subheader(t("segments.clusters.heading"))
    st.caption(t("segments.clusters.lead"))
    found = part("clusters")
    clusters = found.clusters
    if clusters is None:
        ui.show_problem(found.problems["clusters"])
    else:
        how = t("segments.clusters.auto_chosen" if clusters.chosen_automatically else "segments.clusters.set")
        st.markdown(t("segments.clusters.count", clusters=clusters.n_clusters, how=how))
        profiles = ui.shown(clusters.profiles)
        cluster_names = profiles.set_index("cluster")["name"].to_dict()
        cols = st.columns(min(clusters.n_clusters, 3))
        for i, row in profiles.iterrows():
            with cols[i % len(cols)].container(border=True):
                st.markdown(f"**{row['cluster']}. {row['name']}**")
                st.caption(row["description"])
        pc1, pc2 = (*clusters.explained_variance, 0.0)[:2]
        scatter = charts.cluster_scatter(clusters.projection, ui.chart_labels("cluster_scatter", pc1=pc1, pc2=pc2),
                                         cluster_names)
        ui.chart(scatter, key="seg-cluster-scatter")
        st.caption(t("segments.clusters.map"))
        figures[t("segments.figure.clusters")] = scatter
        st.markdown(t("segments.clusters.rules"))
        rules = ui.shown(clusters.rules.rules).assign(name=lambda r: r["cluster"].map(cluster_names))
        st.markdown("\n".join(t("segments.clusters.rule", cluster=r.cluster, name=r.name, rule=r.rule,
                                precision=r.precision, recall=r.recall) for r in rules.itertuples()))
        st.caption(t("segments.clusters.rules.caption", coverage=clusters.rules.coverage))
        ui.download_csv(rules[["cluster", "name", "rule", "customers", "precision", "recall"]], "cluster-rules.csv",
                        label=t("segments.clusters.rules.download"))
        ui.result_table(clusters.profiles.drop(columns=["description"]), "cluster-profiles.csv",
                        caption=t("segments.clusters.profiles"))
        report_tables[t("segments.table.clusters")] = profiles
        if clusters.chosen_automatically:
            with st.expander(t("segments.clusters.why"), icon=":material/help:"):
                elbow = charts.cluster_elbow(clusters.selection, clusters.n_clusters, ui.chart_labels("cluster_elbow"))
                ui.chart(elbow, key="seg-elbow")
                st.caption(t("segments.clusters.why.caption"))


# --------------------------------------------------------------------------------------------
# 3. Lifetime value
# --------------------------------------------------------------------------------------------
def value_tab() -> None:
    st.subheader(t("segments.value.heading"))
    if value is None:
        ui.show_problem(result.problems["value"])
    else:
        st.caption(t("segments.value.lead", horizon=horizon, margin=margin, rate=rate))
        if value.clv_bands is not None:
            hist = charts.clv_histogram(value.clv_bands, value.mean_clv, value.median_clv,
                                        ui.chart_labels("clv_histogram", horizon=horizon))
            ui.chart(hist, key="seg-clv-hist")
            figures[t("segments.figure.clv")] = hist
        alive = charts.p_alive_heatmap(value.p_alive, ui.chart_labels("p_alive_heatmap"))
        ui.chart(alive, key="seg-palive")
        st.caption(t("segments.value.p_alive", days=value.oldest_days))
        figures[t("segments.figure.p_alive")] = alive
        if value.by_segment["total_clv"].notna().any():
            bars = charts.segment_value_bars(value.by_segment, ui.chart_labels("segment_value_bars"), seg_names)
            ui.chart(bars, key="seg-value-bars")
            figures[t("segments.figure.at_risk")] = bars
        ui.result_table(value.by_segment, "segment-value.csv", caption=t("segments.value.table"),
                        height=35 * (len(value.by_segment) + 1) + 3)
        report_tables[t("segments.table.value")] = ui.shown(value.by_segment)

        st.markdown(t("segments.holdout.heading"))
        check = result.holdout
        if check is None:
            ui.show_problem(result.problems["holdout"])
        else:
            better = check.mae_model < check.mae_naive
            h1, h2, h3 = st.columns(3)
            dates = {"start": check.calibration_end, "end": check.holdout_end, "days": holdout_days}
            h1.metric(t("segments.holdout.actual"), ui.number(check.total_actual),
                      help=t("segments.holdout.actual.help", **dates))
            for column, kind, total, error in ((h2, "model", check.total_model, check.mae_model),
                                               (h3, "naive", check.total_naive, check.mae_naive)):
                column.metric(t(f"segments.holdout.{kind}"), ui.number(total), delta_color="off",
                              delta=t("segments.holdout.vs_actual", change=total / check.total_actual - 1)
                              if check.total_actual else None,
                              help=t(f"segments.holdout.{kind}.help", error=error, **dates))
            verdict = t("segments.holdout.verdict", model=check.mae_model, naive=check.mae_naive,
                        outcome=t("segments.holdout.better" if better else "segments.holdout.worse"))
            (st.success if better else st.warning)(verdict)
            for note in check.notes:  # e.g. a holdout longer than half the calibration
                st.caption(t(note))
            hold = charts.holdout_bars(check.by_frequency, ui.chart_labels("holdout_bars"))
            ui.chart(hold, key="seg-holdout-chart")
            figures[t("segments.figure.holdout")] = hold
        with st.expander(t("segments.value.details"), icon=":material/functions:"):
            ui.result_table(clv.parameter_table(value.model.bgnbd, value.model.gamma_gamma),
                            "clv-model-parameters.csv", caption=t("segments.value.details.caption"))


# --------------------------------------------------------------------------------------------
# 4. Migration
# --------------------------------------------------------------------------------------------
def migration_tab() -> None:
    st.subheader(t("segments.migration.heading"))
    found = part("migration")
    mig = found.migration
    if mig is None:
        ui.show_problem(found.problems["migration"])
    else:
        moves = mig.directions()
        for column, direction in zip(st.columns(4), ("up", "down", "same", "new")):
            column.metric(t(f"segments.migration.{direction}"), ui.number(moves[direction]),
                          help=t(f"segments.migration.{direction}.help"))
        width = st.radio(t("segments.migration.width"),
                         ["customers", "revenue_before"] if result.has_money else ["customers"], horizontal=True,
                         key="seg-sankey-width", format_func={c: t(f"segments.migration.width.{c}")
                                                              for c in ("customers", "revenue_before")}.get,
                         help=t("segments.migration.width.help"))
        sankey = charts.migration_sankey(mig.flows, width,
                                         ui.chart_labels("migration_sankey", start=mig.start, end=mig.end), seg_names)
        ui.chart(sankey, key="seg-sankey")
        figures[t("segments.figure.migration")] = sankey
        ui.result_table(mig.flows, "segment-migration.csv", caption=t("segments.migration.table"))
        report_tables[t("segments.table.migration")] = ui.shown(mig.flows)


# --------------------------------------------------------------------------------------------
# 5. Online & offline
# --------------------------------------------------------------------------------------------
def channels_tab() -> None:
    st.subheader(t("segments.channels.heading"))
    found = part("channels")
    channels = found.channels
    if channels is None and found.problems["channels"].id == segments.NO_CHANNEL:
        st.info(t("segments.channels.none"))
    elif channels is None:
        ui.show_problem(found.problems["channels"])
    else:
        type_names = ui.names("channel_type", segments.CHANNEL_TYPES)
        for column, kind in zip(st.columns(3), segments.CHANNEL_TYPES):
            column.metric(type_names[kind], fmt_pct(channels.shares[kind], 0), help=t("segments.channels.share.help"))
        omni = charts.omnichannel_bars(channels.mix, ui.chart_labels("omnichannel_bars"), {**seg_names, **type_names})
        ui.chart(omni, key="seg-omni")
        figures[t("segments.figure.channels")] = omni
        ui.result_table(channels.mix[channels.mix["customers"] > 0], "segment-channels.csv",
                        caption=t("segments.channels.table"))
        report_tables[t("segments.table.channels")] = ui.shown(channels.mix)


# --------------------------------------------------------------------------------------------
# 6. Playbook and export
# --------------------------------------------------------------------------------------------
def playbook_tab() -> None:
    st.subheader(t("segments.playbook.heading"))
    st.caption(t("segments.playbook.lead"))
    stored = ui.workspace().load_handoff(dataset, segments.SegmentPlaybook)
    default = segments.SegmentPlaybook.default().table
    default = default.assign(action=default["action"].map(t), offer=default["offer"].map(t))
    if st.button(t("segments.playbook.reset"), key="seg-playbook-reset", icon=":material/restart_alt:"):
        ui.workspace().delete_handoff(dataset, segments.SegmentPlaybook)
        stored = None
        st.session_state.pop("seg-playbook-editor", None)
        st.session_state.pop("seg-playbook-base", None)
    # what the editor starts from: the kept playbook, except while the editor holds the manager's edits
    # (its state is gone when another tab was open: the edits are in the kept playbook by then)
    if st.session_state.get("seg-playbook-base", (None,))[0] != dataset or "seg-playbook-editor" not in st.session_state:
        st.session_state["seg-playbook-base"] = (dataset, default if stored is None else stored.table)
    base = st.session_state["seg-playbook-base"][1]
    edited = st.data_editor(
        base.assign(segment_label=base["segment"].map(seg_names))[["segment_label", *segments.PLAYBOOK_COLUMNS]],
        key="seg-playbook-editor", hide_index=True, width="stretch", num_rows="fixed",
        disabled=["segment_label", "segment"], height=35 * (len(base) + 1) + 3,
        column_order=["segment_label", "action", "offer", "send_coupon"] if ui.lang() == "en" else None,
        column_config={"segment_label": st.column_config.TextColumn(t("column.segment")),
                       "segment": st.column_config.TextColumn(t("segments.playbook.key")),
                       "action": st.column_config.TextColumn(t("column.action"), width="large"),
                       "offer": st.column_config.TextColumn(t("column.offer")),
                       "send_coupon": st.column_config.CheckboxColumn(t("segments.playbook.send"),
                                                                      help=t("segments.playbook.send.help"))})
    book = segments.SegmentPlaybook(edited[segments.PLAYBOOK_COLUMNS])
    if book != (stored or segments.SegmentPlaybook(base)):  # the manager changed it: the Coupons page reads this
        ui.workspace().save_handoff(dataset, book)
    ui.download_csv(book.table, "segment-playbook.csv", label=t("segments.playbook.download"))
    # what is shown of the coupon list is kept for the session until the analysis or the playbook
    # changes: on 500,000 customers making the list again (a merge and a sort) was half the CPU of
    # a rerun that changes nothing (a weak reference: the session does not keep an old analysis)
    shown_targets = st.session_state.get("seg-targets")
    if shown_targets is None or shown_targets[0]() is not result or shown_targets[1] != book:
        targets = analysis.target_list(result, book)
        shown_targets = (weakref.ref(result), book, len(targets), targets["segment"].nunique(),
                         targets.drop(columns=["send_coupon"]).head(1000))
        st.session_state["seg-targets"] = shown_targets
    _, _, target_customers, target_segments, target_preview = shown_targets
    st.markdown(t("segments.playbook.targets", customers=target_customers, segments=target_segments))
    ui.result_table(target_preview, "coupon-targets-preview.csv", caption=t("segments.playbook.preview"))
    st.markdown(t("segments.playbook.crm"))
    st.caption(t("segments.playbook.crm.caption", customers=len(result.customers)))
    every = analysis.combined(result, part("clusters"), part("channels"))  # (the CRM list has each customer's)
    d1, d2 = st.columns(2)
    with d1:  # (the lists are made when a button is clicked: one row per customer)
        ui.download_csv(lambda: analysis.crm_list(every, book), "crm-segments.csv",
                        label=t("segments.playbook.crm.csv"))
    with d2:
        ui.download_excel(lambda: {"customers": analysis.crm_list(every, book), "segments": ui.shown(result.summary),
                                   "playbook": book.table}, "crm-segments.xlsx", label=t("segments.playbook.crm.excel"))
    report_tables[t("segments.table.playbook")] = book.table


# --------------------------------------------------------------------------------------------
# 7. Retention: churn risk, at-risk list, cohorts (computed when asked: it trains two models)
# --------------------------------------------------------------------------------------------
def retention_tab() -> None:
    st.subheader(t("retention.heading"))
    st.info(t("retention.lead"), icon=":material/hourglass_bottom:")
    if st.toggle(t("retention.start"), key="seg-retention", help=t("retention.start.help")):
        r1, r2 = st.columns(2)
        churn_days = r1.slider(t("retention.horizon"), 30, 180, 90, 15, key="seg-churn-days",
                               help=t("retention.horizon.help"))
        cohort_period = r2.selectbox(t("retention.period"), list(retention.PERIODS), index=1, key="seg-cohort-period",
                                     format_func=lambda p: t(f"retention.period.{p}"), help=t("retention.period.help"))
        kept = ui.run_analysis(retention_analysis, retention_analysis.Params(
            as_of=as_of, horizon_days=churn_days, period=cohort_period, horizon_months=horizon, margin=margin,
            annual_discount_rate=rate))
        scores = kept.churn.evaluation
        band_names = ui.names("risk_band", retention.BANDS)
        route_names = ui.names("churn_route", retention.ROUTES)
        m1, m2, m3 = st.columns(3)
        m1.metric(t("retention.metric.high"), ui.number(len(kept.at_risk)),
                  help=t("retention.metric.high.help", days=churn_days, share=kept.high_share))
        m2.metric(t("retention.metric.value"), ui.money(kept.value_at_risk, 0), help=t("retention.metric.value.help"))
        if scores is None:
            m3.metric(t("retention.metric.auc"), t("retention.metric.auc.none"))
        else:
            auc = scores.set_index("route")["auc"]
            m3.metric(t("retention.metric.auc"), f"{auc[kept.churn.route]:.2f}",
                      help=t("retention.metric.auc.help", naive=auc["naive"]))
        retention_notes = [t(note) for note in kept.notes]
        (st.success if kept.churn.winner_beats_naive else st.warning)(retention_notes[0])
        st.caption(" ".join(retention_notes[1:]))
        notes.extend(retention_notes)
        if kept.by_segment is None:
            ui.show_problem(kept.problems["segments"])
        else:
            st.markdown(t("retention.bands.heading"))
            bars = charts.churn_bands_by_segment(kept.by_segment, ui.chart_labels("churn_bands_by_segment"), seg_names,
                                                 band_names)
            ui.chart(bars, key="seg-churn-bands")
            figures[t("retention.figure.bands")] = bars
            ui.result_table(kept.by_segment, "churn-risk-by-segment.csv", caption=t("retention.by_segment.table"))
        ui.result_table(kept.bands, "churn-risk-bands.csv", caption=t("retention.bands.table"))
        report_tables[t("retention.table.bands")] = ui.shown(kept.bands)
        if "value" in kept.problems:
            ui.show_problem(kept.problems["value"])
        st.markdown(t("retention.at_risk.heading", customers=len(kept.at_risk)))
        ui.result_table(kept.at_risk.head(1000), "at-risk-customers-preview.csv",
                        caption=t("retention.at_risk.caption"))
        d1, d2 = st.columns(2)
        with d1:  # (made when clicked: one row per customer)
            ui.download_csv(lambda: ui.shown(kept.at_risk), "at-risk-customers.csv",
                            label=t("retention.at_risk.download"))
        with d2:
            ui.download_csv(lambda: ui.shown(kept.customers), "churn-risk-all-customers.csv",
                            label=t("retention.all.download"))
        report_tables[t("retention.table.at_risk")] = ui.shown(kept.at_risk.head(100))
        with st.expander(t("retention.routes.heading"), icon=":material/query_stats:"):
            if scores is not None:
                ui.result_table(scores, "churn-routes.csv", caption=t("retention.routes.table"))
                report_tables[t("retention.table.routes")] = ui.shown(scores)
                calibration = charts.churn_calibration(kept.churn.calibration, ui.chart_labels("churn_calibration"),
                                                       route_names)
                ui.chart(calibration, key="seg-churn-calibration")
                figures[t("retention.figure.calibration")] = calibration
            if kept.churn.importance is not None:
                ui.result_table(kept.churn.importance, "churn-model-behaviours.csv",
                                caption=t("retention.routes.importance"))
        st.markdown(t("retention.cohorts.heading"))
        if kept.cohorts is None:
            ui.show_problem(kept.problems["cohorts"])
        else:
            unit = ui.text(f"retention.periods.{cohort_period}")
            st.caption(t("retention.cohorts.lead", unit=unit))
            heat = charts.cohort_heatmap(kept.cohorts, cohort_period, ui.chart_labels("cohort_heatmap", unit=unit))
            ui.chart(heat, key="seg-cohort-heatmap")
            curves = charts.cohort_curves(kept.cohorts, cohort_period, ui.chart_labels("cohort_curves", unit=unit))
            ui.chart(curves, key="seg-cohort-curves")
            figures[t("retention.figure.cohorts")] = heat
            figures[t("retention.figure.curves")] = curves
            ui.result_table(kept.cohorts, "cohort-retention.csv", caption=t("retention.cohorts.table"))
            report_tables[t("retention.table.cohorts")] = ui.shown(kept.cohorts)

for (tab, is_open), show in zip(tabs, (rfm_tab, clusters_tab, value_tab, migration_tab, channels_tab, playbook_tab,
                                     retention_tab)):
    if is_open:  # (a closed tab computes nothing: its part runs when it is first opened)
        with tab, ui.section():
            show()

st.divider()
ui.save_to_report(
    "segments", t("segments.saved_name", as_of=result.as_of),
    params={"as_of": f"{result.as_of:%Y-%m-%d}", "horizon_months": horizon, "margin": margin,
            "annual_discount_rate": rate, "clusters": k_choice, "migration_days": gap, "holdout_days": holdout_days},
    tables=report_tables, figures=figures, notes=notes)
