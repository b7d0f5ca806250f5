"""Marketing ROI page: what each channel's spend brought in (a media-mix model with carry-over and
diminishing returns), how sure that is, and how to split the next budget.

Widgets -> ``Params`` -> ``ui.run_analysis`` -> render the ``Result``; every number comes from
``promo_core.analyses.marketing`` (the fit once per table and settings; the budget split and the
what-if on the kept model) and every word from the catalogue (``ui.text``)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

import ui
from promo_core import charts, experiments
from promo_core.analyses import marketing as analysis

ui.guard_page()  # first: nothing of this page runs before sign-in

t = ui.text
st.title(t("marketing.title"))
st.caption(t("marketing.lead"))
dataset = ui.require_dataset()
stored = ui.dataset_table("spend")

# --------------------------------------------------------------------------------------------
# Where the spend comes from
# --------------------------------------------------------------------------------------------
spend = None
with st.expander(t("marketing.data.heading"), expanded=stored is None, icon=":material/upload_file:",
                 key="exp-spend-data"):
    sources = (["dataset"] if stored is not None else []) + ["upload"]
    source = st.radio(t("marketing.data.where"), sources, horizontal=True, key="mk-source",
                      format_func={s: t(f"marketing.data.source.{s}") for s in sources}.get,
                      help=t("marketing.data.where.help"))
    if source == "dataset":
        spend = analysis.Spend(*stored)
        st.caption(t("marketing.data.dataset", rows=len(spend.table)))
    else:
        st.caption(t("marketing.data.upload.lead"))
        upload = st.file_uploader(t("marketing.data.upload"), type=["csv", "txt", "xlsx", "parquet"], key="mk-upload")
        if upload is not None:
            raw = ui.read_upload(upload)
            spend = analysis.Spend(raw.data, ui.upload_key(upload))
            ui.upload_note(raw, "marketing", "spend-unreadable-lines.csv")

if spend is None:
    st.info(t("marketing.data.pick"))
    st.stop()


def guess(names: list[str], *words: str, default: int = 0) -> int:
    """The position of the first column whose name holds one of ``words`` (else ``default``)."""
    for word in words:
        for i, name in enumerate(names):
            if word in name.lower():
                return i
    return default


names = [str(c) for c in spend.table.columns]
numeric = [c for c in names if pd.api.types.is_numeric_dtype(spend.table[c])]
with st.expander(t("marketing.columns.heading"), expanded=False, icon=":material/view_column:", key="exp-mk-columns"):
    c1, c2, c3, c4, c5 = st.columns(5)
    period = c1.selectbox(t("marketing.columns.period"), names, index=guess(names, "week", "date", "period", "day"),
                          key="mk-period", help=t("marketing.columns.period.help"))
    channel = c2.selectbox(t("marketing.columns.channel"), names, index=guess(names, "channel", "media"),
                           key="mk-channel", help=t("marketing.columns.channel.help"))
    amounts = numeric or names
    amount = c3.selectbox(t("marketing.columns.spend"), amounts, index=guess(amounts, "spend", "cost"),
                          key="mk-amount", help=t("marketing.columns.spend.help"))
    kpi_options = [""] + [c for c in numeric if c != amount]
    kpi_default = guess(kpi_options, "revenue", "sales", "kpi")  # none: from the sales ("")
    kpi = c4.selectbox(t("marketing.columns.kpi"), kpi_options, index=kpi_default, key="mk-kpi",
                       format_func=lambda c: c or t("marketing.columns.kpi.sales"),
                       help=t("marketing.columns.kpi.help"))
    region_options = [""] + [c for c in names if c not in (period, channel, amount, kpi)]
    region_column = c5.selectbox(t("marketing.columns.region"), region_options, key=f"mk-region-column-{spend.key}",
                                 index=guess(region_options, "region", "market", "geo", "area", "地区", "区域",
                                             "市场"),
                                 format_func=lambda c: c or t("marketing.columns.region.none"),
                                 help=t("marketing.columns.region.help"))
    control_options = [c for c in numeric if c not in (amount, kpi)]
    controls = st.multiselect(t("marketing.columns.controls"), control_options, key="mk-controls",
                              default=[c for c in control_options if any(w in c.lower() for w in ("holiday", "price",
                                                                                                   "event"))],
                              help=t("marketing.columns.controls.help"))

with st.expander(t("marketing.settings.heading"), expanded=False, icon=":material/tune:", key="exp-mk-settings"):
    s1, s2, s3, s4 = st.columns(4)
    max_lag = s1.number_input(t("marketing.settings.max_lag"), 1, 26, 8, key="mk-max-lag",
                              help=t("marketing.settings.max_lag.help"))
    holdout = s2.number_input(t("marketing.settings.holdout"), 0, 52, 13, key="mk-holdout",
                              help=t("marketing.settings.holdout.help"))
    n_boot = s3.number_input(t("marketing.settings.n_boot"), analysis.MIN_BOOT, 1000, analysis.Params.n_boot,
                             step=50, key="mk-n-boot",
                             help=t("marketing.settings.n_boot.help", least=analysis.MIN_BOOT))
    n_fourier = s4.number_input(t("marketing.settings.fourier"), 1, 6, 2, key="mk-fourier",
                                help=t("marketing.settings.fourier.help"))

table_params = analysis.Params(spend=spend, period=period, channel=channel, amount=amount, kpi=kpi or None,
                               controls=tuple(controls), region_column=region_column or None,
                               parts=frozenset({"regions"}))


def region_choice() -> str | None:
    """"Sales measured": all sales (None) or one region, largest revenue first, as the analysis lists
    them (the sales' regions from the engine, or the spend table's)."""
    listed = ui.run_analysis(analysis, table_params)
    if listed.regions is None:
        ui.show_problem(listed.problems["regions"])
        return None
    revenue = dict(zip(listed.regions["region"], listed.regions["revenue"]))

    def label(region: str) -> str:
        if not region:
            return t("marketing.region.all")
        if pd.isna(revenue[region]):
            return t("marketing.region.name", region=analysis.region_label(region))
        return t("marketing.region.option", region=analysis.region_label(region), revenue=revenue[region])

    return st.selectbox(t("marketing.region.measured"), [""] + list(revenue), key="mk-region", format_func=label,
                        help=t("marketing.region.help")) or None


region = region_choice() if table_params.kpi is None or table_params.region_column is not None else None
params = dataclasses.replace(table_params, region=region, max_lag=int(max_lag), holdout=int(holdout),
                             n_boot=int(n_boot), n_fourier=int(n_fourier), parts=frozenset({"fit"}))
result = ui.run_analysis(analysis, params)
for note in result.notes:
    st.caption(t(note))
if result.model is None:
    ui.show_problem(result.problems["fit"])
    st.stop()

# An experiment (a randomised test of one channel, e.g. a campaign on the Coupons page) as prior information
shift = None
campaign_table = ui.dataset_table("campaign")


def campaign_measurement() -> tuple[float, float, float] | None:
    """The workspace's coupon campaign as a measured ROAS (arm, control, revenue column and cost picked
    here), told in a sentence; None while it cannot be measured (the reason shown)."""
    table = campaign_table[0]
    suggested = experiments.suggest_columns(table)
    columns = [str(c) for c in table.columns]
    e1, e2, e3, e4, e5 = st.columns(5)
    arm_column = e1.selectbox(t("marketing.calibrate.arm_column"), columns, key="mk-cal-arm-column",
                              index=columns.index(suggested.arm) if suggested.arm in columns else 0)
    arms = sorted(table[arm_column].astype(str).unique())
    control = e3.selectbox(t("marketing.calibrate.control"), arms, key="mk-cal-control",
                           index=arms.index(suggested.control) if suggested.control in arms else 0)
    treated = [a for a in arms if a != control] or arms
    arm = e2.selectbox(t("marketing.calibrate.arm"), treated, key="mk-cal-arm", index=len(treated) - 1)
    money = [c for c in suggested.money_outcomes if c in columns] or columns
    outcome = e4.selectbox(t("marketing.calibrate.outcome"), money, key="mk-cal-outcome")
    cost = e5.number_input(t("marketing.calibrate.cost"), 0.0, value=analysis.coupon_cost(table, arm_column, arm),
                           step=100.0, key=f"mk-cal-cost-{arm}", help=t("marketing.calibrate.cost.help"))
    measured_roas = ui.run(analysis.campaign_roas, table, arm_column, arm, control, outcome, float(cost), params.level)
    if measured_roas is None:
        return None
    st.caption(t("marketing.calibrate.measured", customers=measured_roas.customers, lift=measured_roas.lift,
                 extra=measured_roas.lift * measured_roas.customers, cost=measured_roas.cost,
                 roas=measured_roas.roas, level=measured_roas.level, low=measured_roas.low, high=measured_roas.high))
    if measured_roas.roas < 0:
        st.caption(t("marketing.calibrate.negative"))
    return measured_roas.calibration("")[1:]


with st.expander(t("marketing.calibrate.heading"), expanded=False, icon=":material/science:", key="exp-mk-calibrate"):
    st.caption(t("marketing.calibrate.lead"))
    origins = ["typed"] + (["campaign"] if campaign_table is not None else [])
    origin = st.radio(t("marketing.calibrate.source"), origins, horizontal=True, key="mk-cal-source",
                      format_func={o: t(f"marketing.calibrate.source.{o}") for o in origins}.get,
                      help=t("marketing.calibrate.source.help"))
    measured = st.selectbox(t("marketing.calibrate.channel"), [""] + list(result.model.channels.index),
                            key="mk-cal-channel", format_func=lambda c: c or t("marketing.calibrate.none"))
    measurement = None
    if measured and origin == "campaign":
        measurement = campaign_measurement()
    elif measured:
        k2, k3, k4 = st.columns(3)
        roas = k2.number_input(t("marketing.calibrate.roas"), 0.0, value=1.0, step=0.1, key="mk-cal-roas",
                               help=t("marketing.calibrate.roas.help"))
        low = k3.number_input(t("marketing.calibrate.low"), 0.0, value=0.5, step=0.1, key="mk-cal-low")
        high = k4.number_input(t("marketing.calibrate.high"), 0.0, value=1.5, step=0.1, key="mk-cal-high",
                               help=t("marketing.calibrate.interval.help", level=params.level))
        measurement = (float(roas), float(low), float(high))
    if measured and measurement is not None:
        params = dataclasses.replace(params, calibration=((measured,) + tuple(measurement),))
        calibrated = ui.run_analysis(analysis, params)
        if calibrated.model is None:
            ui.show_problem(calibrated.problems["fit"])
        else:
            shift = analysis.calibration_shift(result.model, calibrated.model)
            ui.result_table(shift, "marketing-calibration.csv", caption=t("marketing.calibrate.table"))
            result = calibrated
model = result.model
table = model.channels
figures, report_tables, notes = {}, {}, [t(n) for n in result.notes]
if shift is not None:
    report_tables[t("marketing.calibrate.table")] = ui.shown(shift)

# --------------------------------------------------------------------------------------------
# Headline
# --------------------------------------------------------------------------------------------
head = result.headline
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("marketing.metric.spend"), t("marketing.money", value=head["spend"]),
          help=t("marketing.metric.spend.help", periods=len(model.kpi)))
measured_any = head["measured_spend"] > 0  # no channel the data separates: no headline to show
m2.metric(t("marketing.metric.contribution"),
          t("marketing.money", value=head["contribution"]) if measured_any else "–",
          help=t("marketing.metric.contribution.help", share=head["share"], low=head["contribution_low"],
                 high=head["contribution_high"], level=model.level))
m3.metric(t("marketing.metric.roas"), t("marketing.ratio", value=head["roas"]) if measured_any else "–",
          help=t("marketing.metric.roas.help", low=head["roas_low"], high=head["roas_high"], level=model.level))
if model.holdout is not None:
    m4.metric(t("marketing.metric.holdout"), t("marketing.pct", value=model.holdout.mape),
              help=t("marketing.metric.holdout.help", periods=model.holdout.periods, r2=model.holdout.r2))
else:
    m4.metric(t("marketing.metric.r2"), f"{model.r2:.2f}", help=t("marketing.metric.r2.help"))

if measured_any:
    st.caption(t("marketing.headline.range", low=head["contribution_low"], high=head["contribution_high"],
                 level=model.level, roas_low=head["roas_low"], roas_high=head["roas_high"]))
if head["excluded"]:
    text = t("marketing.headline.excluded", channels=list(head["excluded"]), spend=head["excluded_spend"],
             credited=head["excluded_contribution"])
    st.warning(text, icon=":material/help:")
    notes.append(text)
flagged = analysis.flag_reasons(model)
for channel_name, reasons in flagged.items():
    text = t("marketing.flags.channel", channel=channel_name, reasons=reasons)
    st.warning(text, icon=":material/report:")
    notes.append(text)
if not flagged:
    st.success(t("marketing.flags.none"), icon=":material/verified:")

# --------------------------------------------------------------------------------------------
# What each channel brought in
# --------------------------------------------------------------------------------------------
st.subheader(t("marketing.channels.heading"))
st.caption(t("marketing.channels.lead", level=model.level))
measured_channels = analysis.channel_table(model)
identified = table[table["identified"]]  # a channel the data cannot separate gets no bar (its warning says why)
fig = charts.mmm_roas(identified, ui.chart_labels("mmm_roas", level=model.level))
ui.chart(fig, key="mk-roas")
figures[t("marketing.channels.heading")] = fig
shown = measured_channels[["total_spend", "contribution", "contribution_low", "contribution_high", "roas", "roas_low",
                           "roas_high", "marginal_roas", "marginal_roas_low", "marginal_roas_high", "current_spend",
                           "half_life"]].copy()
shown["flags"] = [t("marketing.flags.list", reasons=flagged[c]) if c in flagged else "" for c in table.index]
shown = shown.reset_index()
ui.result_table(shown, "marketing-channels.csv", caption=t("marketing.channels.table"))
report_tables[t("marketing.channels.table")] = ui.shown(shown)

fig = charts.mmm_contributions(model.contributions, ui.chart_labels("mmm_contributions"))
ui.chart(fig, key="mk-contributions")
figures[t("chart.mmm_contributions.title")] = fig
contributions = model.contributions.rename_axis("period").reset_index()
ui.download_csv(contributions, "marketing-contributions.csv", key="dl-mk-contributions")

# --------------------------------------------------------------------------------------------
# Response curves and carry-over
# --------------------------------------------------------------------------------------------
st.subheader(t("marketing.curves.heading"))
st.caption(t("marketing.curves.lead"))
pick = st.selectbox(t("marketing.curves.channel"), list(table.index), key="mk-curve-channel")
row = table.loc[pick]
curve = model.response_curve(pick)
today = float(model.response(pick, np.array([row["current_spend"]]))[0])
fig = charts.mmm_response(curve, row["current_spend"], today, ui.chart_labels("mmm_response", channel=pick))
ui.chart(fig, key="mk-response")
figures[t("chart.mmm_response.title", channel=pick)] = fig
st.caption(t("marketing.curves.today", channel=pick, spend=row["current_spend"], revenue=today,
             marginal=row["marginal_roas"], low=row["marginal_roas_low"], high=row["marginal_roas_high"]))
st.caption(t("marketing.curves.half_life", channel=pick, weeks=row["half_life"]))
if not row["identified"]:
    st.warning(t("marketing.curves.unidentified", channel=pick), icon=":material/report:")
ui.download_csv(curve, f"marketing-response-{pick}.csv", key="dl-mk-response")

# --------------------------------------------------------------------------------------------
# How well the model predicts
# --------------------------------------------------------------------------------------------
st.subheader(t("marketing.fit.heading"))
fig = charts.mmm_fit(model.kpi, model.fitted, model.holdout.predicted if model.holdout is not None else None,
                     ui.chart_labels("mmm_fit"))
ui.chart(fig, key="mk-fit")
figures[t("marketing.fit.heading")] = fig
st.caption(t("marketing.fit.lead", r2=model.r2) + (" " + t("marketing.fit.holdout", periods=model.holdout.periods,
                                                              mape=model.holdout.mape, r2=model.holdout.r2)
                                                   if model.holdout is not None else ""))
fit_table = pd.DataFrame({"revenue": model.kpi, "fitted": model.fitted}).rename_axis("period").reset_index()
ui.download_csv(fit_table, "marketing-fit.csv", key="dl-mk-fit")

# --------------------------------------------------------------------------------------------
# Next budget
# --------------------------------------------------------------------------------------------
st.subheader(t("marketing.plan.heading"))
st.caption(t("marketing.plan.lead", periods=13))
today_total = model.current_total
p1, p2, p3 = st.columns(3)
budget = p1.number_input(t("marketing.plan.budget"), 0.0, value=round(today_total, 2), step=100.0, key="mk-budget",
                         help=t("marketing.plan.budget.help", today=today_total))
change = p2.slider(t("marketing.plan.change"), 0, 100, 50, step=5, key="mk-change",
                   help=t("marketing.plan.change.help"))
use_margin = p3.toggle(t("marketing.plan.profit"), value=False, key="mk-profit", help=t("marketing.plan.profit.help"))
margin = p3.number_input(t("marketing.plan.margin"), 0.01, 1.0, 0.3, step=0.05, key="mk-margin") if use_margin else None
plan_params = dataclasses.replace(params, budget=float(budget), change=change / 100, margin=margin)
plan = ui.run(analysis.allocate, model, plan_params)
g1, g2 = st.columns(2)
g1.metric(t(f"marketing.plan.gain.{plan.objective}"), t("marketing.money", value=plan.gain),
          help=t("marketing.plan.gain.help", low=plan.gain_low, high=plan.gain_high, level=plan.level))
g2.metric(t(f"marketing.plan.value.{plan.objective}"), t("marketing.money", value=plan.proposed_value),
          delta=t("marketing.money", value=plan.gain))
st.caption(t("marketing.plan.interval", low=plan.gain_low, high=plan.gain_high, level=plan.level))
held = analysis.held_channels(model)
if held:
    text = t("marketing.plan.held", channels=held)
    st.info(text, icon=":material/lock:")
    notes.append(text)
fig = charts.mmm_allocation(plan.table, ui.chart_labels("mmm_allocation"))
ui.chart(fig, key="mk-allocation")
figures[t("marketing.plan.heading")] = fig
plan_table = plan.table.reset_index()
ui.result_table(plan_table, "marketing-budget-split.csv", caption=t("marketing.plan.table"))
report_tables[t("marketing.plan.table")] = ui.shown(plan_table)

with st.expander(t("marketing.whatif.heading"), expanded=False, icon=":material/calculate:", key="exp-mk-whatif"):
    st.caption(t("marketing.whatif.lead"))
    if held:
        st.caption(t("marketing.whatif.held", channels=held))
    cols = st.columns(min(len(table), 4))
    today = table["current_spend"]
    split = tuple((c, float(cols[i % len(cols)].number_input(c, 0.0, value=round(float(today[c]), 2), step=100.0,
                                                             key=f"mk-whatif-{c}")))
                  for i, c in enumerate(table.index))
    mine = ui.run(analysis.what_if, model, dataclasses.replace(plan_params, what_if=split))
    st.metric(t(f"marketing.plan.gain.{mine.objective}"), t("marketing.money", value=mine.gain),
              help=t("marketing.plan.gain.help", low=mine.gain_low, high=mine.gain_high, level=mine.level))
    st.caption(t("marketing.plan.interval", low=mine.gain_low, high=mine.gain_high, level=mine.level))
    ui.result_table(mine.table.reset_index(), "marketing-what-if.csv")

st.divider()
ui.save_to_report(
    "marketing", t("marketing.saved_name", channels=len(table)),
    params={"period": period, "channel": channel, "spend": amount, "kpi": kpi or "sales", "controls": list(controls),
            "region_column": region_column or None, "region": region,
            "max_lag": int(max_lag), "holdout": int(holdout), "n_boot": int(n_boot), "budget": float(budget),
            "change_pct": change, "margin": margin, "experiments": [list(e) for e in params.calibration]},
    tables=report_tables, figures=figures, notes=notes)
