"""Coupons page: did the campaign work and by how much (A/B lifts with honest intervals), which
customers a coupon actually moves (cross-fitted uplift models), whom to send the next one to within
a budget (a target list to download), and what a loyalty points programme costs.

Widgets -> ``Params`` -> ``ui.run_analysis`` -> render the ``Result``; every number comes from
``promo_core.analyses.coupons`` (one call per part, each keyed by the settings it depends on) and
every word from the catalogue (``ui.text``). Each tab runs only while it is open (``ui.lazy_tabs``); the
settings drawn in a tab are kept while it is closed (``kept``), and the uplift models', which the
targeting tab sends by, are read from them then (``ui.ClosedTab``), so opening or closing a tab changes
no number. The campaign's uploads are drawn above the tabs."""
from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

import ui
from promo_core import charts, experiments, loyalty, segments, targeting
from promo_core import uplift as up
from promo_core.analyses import coupons as analysis
from promo_core.text import Message

ui.guard_page()  # first: nothing of this page runs before sign-in

t = ui.text
st.title(t("coupons.title"))
st.caption(t("coupons.lead"))
dataset = ui.require_dataset()
facts = ui.run_analysis(analysis, analysis.Params(parts=frozenset({"sales"})))
sales = facts.sales  # None when the sales say nothing of coupons or months (then the defaults apply)
stored = ui.dataset_table("campaign")
has_codes = sales is not None and len(sales.codes) > 0
sources = (["dataset"] if stored is not None else []) + ["upload"] + (["sales"] if has_codes else [])
model_names = ui.names("uplift_model", up.MODELS)
TABS = ("lifts", "uplift", "targeting", "loyalty")


def lift_text(value: float, binary: bool, digits: int = 1) -> str:
    """A lift as the reader reads it: points of rate, or an amount per customer."""
    if binary:
        return t("coupons.lift.points", value=100 * value, digits=digits)
    return t("coupons.lift.money.up" if value >= 0 else "coupons.lift.money.down", value=abs(value))


# --------------------------------------------------------------------------------------------
# Where the campaign comes from
# --------------------------------------------------------------------------------------------
spec = None
with st.expander(t("coupons.data.heading"), expanded=stored is None, icon=":material/upload_file:",
                 key="exp-campaign-data"):
    source = st.radio(t("coupons.data.where"), sources, horizontal=True, key="cp-source",
                      format_func={s: t(f"coupons.data.source.{s}") for s in sources}.get,
                      help=t("coupons.data.where.help"))
    if source == "dataset":
        spec = analysis.Campaign(*stored)
        st.caption(t("coupons.data.dataset", customers=len(spec.table)))
    elif source == "upload":
        st.caption(t("coupons.data.upload.lead"))
        upload = st.file_uploader(t("coupons.data.upload"), type=["csv", "txt", "xlsx", "parquet"], key="cp-upload")
        if upload is not None:
            raw = ui.read_upload(upload)
            spec = analysis.Campaign(raw.data, ui.upload_key(upload))
            ui.upload_note(raw, "coupons", "experiment-unreadable-lines.csv")
    else:
        codes_all = sales.codes["coupon_code"].tolist()
        codes = st.multiselect(t("coupons.data.codes"), codes_all,
                               default=list(sales.suggested_codes) or codes_all[:1], key="cp-codes",
                               help=t("coupons.data.codes.help"))
        if codes:
            window = ui.run(experiments.coupon_window, sales.codes, codes)
            c1, c2 = st.columns(2)
            launch = c1.date_input(t("coupons.data.launch"), value=window.first_day.date(), key="cp-launch",
                                   help=t("coupons.data.launch.help"))
            days = c2.number_input(t("coupons.data.days"), 1, 365, int((window.last_day - window.first_day).days) + 1,
                                   key="cp-days")
            recipients = st.file_uploader(t("coupons.data.recipients"), type=["csv", "xlsx"], key="cp-recipients",
                                          help=t("coupons.data.recipients.help"))
            if recipients is not None:
                raw = ui.read_upload(recipients)
                spec = analysis.FromSales(analysis.Campaign(raw.data, ui.upload_key(recipients)), tuple(codes), launch,
                                          int(days))

if spec is None:
    st.info(t("coupons.data.pick"))
    st.stop()

base = ui.run_analysis(analysis, analysis.Params(campaign=spec, parts=frozenset({"campaign"})))
campaign, columns, suggested = base.campaign, base.columns, base.design
src = hashlib.sha256(campaign.key.encode()).hexdigest()[:8]  # widget keys of one campaign: another one starts
# from its own suggestions

with st.expander(t("coupons.columns.heading"), expanded=False, icon=":material/view_column:", key="exp-columns"):
    c1, c2, c3 = st.columns(3)
    options = list(columns.arm_options)
    arm = c1.selectbox(t("coupons.columns.arm"), options, index=options.index(suggested.arm), key=f"cp-arm-{src}",
                       help=t("coupons.columns.arm.help"))
    arms = list(columns.arms[arm])
    default_control = suggested.control if suggested.arm == arm else experiments.suggest_control(arms)
    control = c2.selectbox(t("coupons.columns.control"), arms, index=arms.index(default_control),
                           key=f"cp-control-{src}", help=t("coupons.columns.control.help"))
    id_options = [analysis.ROW_NUMBERS] + [c for c in columns.names if c != arm]
    id_column = c3.selectbox(t("coupons.columns.id"), id_options, key=f"cp-id-{src}",
                             index=id_options.index(suggested.id_column) if suggested.id_column in id_options else 0,
                             format_func={**{c: c for c in id_options},
                                          analysis.ROW_NUMBERS: t("coupons.columns.row_number")}.get,
                             help=t("coupons.columns.id.help"))
    outcome_options = [c for c in columns.numeric if c not in (arm, id_column)]
    outcomes = st.multiselect(t("coupons.columns.outcomes"), outcome_options, key=f"cp-outcomes-{src}",
                              default=[c for c in suggested.outcomes if c in outcome_options],
                              help=t("coupons.columns.outcomes.help"))
    feature_options = [c for c in columns.names if c not in (arm, id_column, *outcomes)]
    features = st.multiselect(t("coupons.columns.features"), feature_options, key=f"cp-features-{src}",
                              default=[c for c in columns.suggested.features if c in feature_options],
                              help=t("coupons.columns.features.help"))
    equal = st.toggle(t("coupons.columns.equal"), value=True, key=f"cp-equal-{src}",
                      help=t("coupons.columns.equal.help"))
    intended = None
    if not equal:
        cols = st.columns(min(len(arms), 6))
        intended = tuple((a, cols[i % len(cols)].number_input(t("coupons.columns.share", arm=a), 0.0, 100.0,
                                                              round(100 / len(arms), 1), key=f"cp-share-{src}-{a}"))
                         for i, a in enumerate(arms))

if not outcomes:
    st.warning(t("coupons.columns.no_outcome"))
    st.stop()
design = {"campaign": campaign, "arm": arm, "control": control, "id_column": id_column, "outcomes": tuple(outcomes)}
binary_outcomes = [o for o in outcomes if o in columns.binary]
result = ui.run_analysis(analysis, analysis.Params(**design, intended=intended, parts=frozenset({"lifts"})))
lifts = result.lifts
if lifts is None:
    ui.show_problem(result.problems["lifts"])
    st.stop()
treatments = list(lifts.treatments)


# --------------------------------------------------------------------------------------------
# 1. Did it work?
# --------------------------------------------------------------------------------------------
def lifts_tab() -> None:
    """Did the campaign work: the split's health, every lift with its interval, CUPED, power."""
    srm = lifts.srm
    if srm.mismatch:
        st.error(t("coupons.srm.mismatch", chi2=srm.chi2, p=srm.p_value), icon="⚠️")
    else:
        st.success(t("coupons.srm.healthy", chi2=srm.chi2, p=srm.p_value), icon=":material/verified:")
    rows = lifts.table.set_index(["outcome", "arm"])
    for outcome in outcomes:
        binary = outcome in binary_outcomes
        digits = lifts.digits[outcome]
        for col, a in zip(st.columns(max(len(treatments), 1)), treatments):
            r = rows.loc[(outcome, a)]
            interval = t("coupons.metric.interval", low=lift_text(r["lift_low"], binary, digits),
                         high=lift_text(r["lift_high"], binary, digits))
            col.metric(f"{a} · {outcome}", lift_text(r["lift"], binary, digits),
                       delta=t("experiments.rel", rel=r["rel_lift"]) if pd.notna(r["rel_lift"]) else None,
                       delta_color="normal" if r["significant"] else "off", border=True,
                       help=t("coupons.metric.lift.help", control=control, interval=interval, p=r["p_value_holm"],
                              per=Message("coupons.metric.per_point" if binary else "coupons.metric.per_customer")))
    sentences = [t(s) for s in lifts.sentences]
    st.markdown("\n".join(f"- {s}" for s in sentences))
    report_notes.extend(sentences)
    fig = charts.lift_bars(lifts.table, ui.chart_labels("lift_bars"))
    ui.chart(fig, key="cp-lift-chart")
    report_figures[t("coupons.figure.lifts")] = fig
    units = {"binary": t("coupons.unit.binary"), "money": ui.currency()}
    shown = lifts.shown.assign(unit=lifts.shown["unit"].map(units))
    ui.result_table(shown, "campaign-lifts.csv", caption=t("coupons.lifts.table"))
    report_tables[t("coupons.table.lifts")] = shown

    st.subheader(t("coupons.cuped.heading"))
    candidates = analysis.covariate_options(columns, arm, id_column, outcomes)
    if candidates:
        covariate = st.selectbox(t("coupons.cuped.covariate"), candidates,
                                 index=candidates.index(experiments.suggest_covariate(candidates)),
                                 key=f"cp-covariate-{src}", help=t("coupons.cuped.covariate.help"))
        adjusted = ui.run_analysis(analysis, analysis.Params(**design, covariate=covariate,
                                                             parts=frozenset({"cuped"})))
        if adjusted.cuped is None:
            ui.show_problem(adjusted.problems["cuped"])
        else:
            st.caption(t("coupons.cuped.caption", covariate=covariate, gain=adjusted.cuped.best_gain))
            ui.result_table(adjusted.cuped.table, "campaign-cuped.csv")
            report_tables["CUPED"] = adjusted.cuped.table
    else:
        st.caption(t("coupons.cuped.none"))

    st.subheader(t("coupons.power.heading"))
    c1, c2, c3, c4 = st.columns(4)
    p_outcome = c1.selectbox(t("coupons.power.outcome"), outcomes, key=f"cp-power-outcome-{src}")
    plan = lifts.plans.loc[p_outcome]
    p_binary = plan["kind"] == "binary"
    baseline = c2.number_input(t("coupons.power.rate" if p_binary else "coupons.power.mean"),
                               min_value=0.01 if p_binary else 0.0, max_value=99.99 if p_binary else None,
                               value=float(round(100 * plan["baseline"] if p_binary else plan["baseline"], 3)),
                               key=f"cp-power-base-{src}-{p_outcome}", help=t("coupons.power.baseline.help"))
    n_arm = c3.number_input(t("coupons.power.n"), 10, 10_000_000, int(plan["n"]), step=1000, key=f"cp-power-n-{src}",
                            help=t("coupons.power.n.help"))
    power = c4.select_slider(t("coupons.power.power"), [0.7, 0.8, 0.9, 0.95], value=0.8, key="cp-power",
                             format_func=lambda v: f"{v:.0%}", help=t("coupons.power.power.help"))
    planned = ui.run_analysis(analysis, analysis.Params(power=analysis.PowerPlan(
        kind=plan["kind"], baseline=baseline / 100 if p_binary else baseline, n_per_arm=int(n_arm), power=power,
        sd=None if p_binary else float(plan["sd"]) or 1.0, observed_lift=float(plan["observed_lift"])),
        parts=frozenset({"power"})))
    if planned.power is None:
        ui.show_problem(planned.problems["power"])
    else:
        m1, m2 = st.columns(2)
        m1.metric(t("coupons.power.mde"), lift_text(planned.power.mde, p_binary), border=True,
                  help=t("coupons.power.mde.help", n=int(n_arm), power=power))
        m2.metric(t("coupons.power.need"), ui.number(planned.power.need), border=True,
                  help=t("coupons.power.need.help", lift=lift_text(planned.power.target, p_binary)))
        ui.chart(charts.mde_curve(planned.power.curve, int(n_arm), p_binary,
                                  ui.chart_labels("mde_curve", y=Message("coupons.power.y_points" if p_binary
                                                                         else "coupons.power.y_money"))),
                 key="cp-mde-chart")


# --------------------------------------------------------------------------------------------
# 2. Who does it move?
# --------------------------------------------------------------------------------------------
def uplift_settings(where) -> analysis.UpliftSettings | None:
    """The uplift tab's choice of outcome and models (the targeting tab sends by those models too), or
    None when no model can be fitted (it says why). ``where``: ``st`` to draw the settings, or
    ``ui.ClosedTab()`` to read them as kept while the tab is closed."""
    if not binary_outcomes:
        where.info(t("coupons.uplift.needs_binary"))
        return None
    if not features:
        where.info(t("coupons.uplift.needs_features"))
        return None
    c1, c3, c4 = where.columns(3)
    model_outcome = c1.selectbox(t("coupons.uplift.outcome"), binary_outcomes, key=f"cp-model-outcome-{src}",
                                 help=t("coupons.uplift.outcome.help"))
    models = where.multiselect(t("coupons.uplift.models"), list(up.MODELS), default=list(up.MODELS), key="cp-models",
                               format_func=model_names.get, help=t("coupons.uplift.models.help"))
    n_folds = c3.select_slider(t("coupons.uplift.folds"), [3, 4, 5, 8, 10], value=5, key="cp-folds",
                               help=t("coupons.uplift.folds.help"))
    k = c4.select_slider(t("coupons.uplift.k"), [0.1, 0.2, 0.3, 0.4, 0.5], value=0.3, key="cp-k",
                         format_func=lambda v: f"{v:.0%}", help=t("coupons.uplift.k.help"))
    if not models:
        where.warning(t("coupons.uplift.no_models"))
        return None
    return analysis.UpliftSettings(outcome=model_outcome, models=tuple(models), n_folds=int(n_folds), k=float(k))


def uplift_tab(fit, settings: analysis.UpliftSettings) -> None:
    """The fitted models' verdict, Qini curves and deciles for one coupon (below the settings)."""
    model_outcome, k = settings.outcome, settings.k
    st.caption(t("coupons.uplift.how"))
    arm_pick = st.radio(t("coupons.uplift.treatment"), list(fit.treatments), horizontal=True,
                        key=f"cp-uplift-arm-{src}") if len(fit.treatments) > 1 else fit.treatments[0]
    best = fit.best.loc[arm_pick]
    verdict = t(fit.verdicts[arm_pick])
    barely = best["qini_low"] <= 0
    (st.warning if barely else st.success)(verdict, icon="⚖️" if barely else ":material/target:")
    report_notes.append(verdict)
    m1, m2, m3 = st.columns(3)
    m1.metric(t("coupons.uplift.best"), model_names[best["model"]], border=True, help=t("coupons.uplift.best.help"))
    m2.metric(t("coupons.uplift.qini"), f"{best['qini']:.3f}", border=True,
              delta=t("coupons.uplift.qini.delta", low=best["qini_low"], high=best["qini_high"]),
              delta_color="off" if barely else "normal", help=t("coupons.uplift.qini.help"))
    m3.metric(t("coupons.uplift.top", k=k), t("coupons.lift.points", value=100 * best["uplift_at_k"], digits=2),
              border=True, delta=t("coupons.uplift.top.delta", gain=100 * best["gain_over_all"]),
              delta_color="normal" if best["gain_over_all_low"] > 0 else "off",
              help=t("coupons.uplift.top.help", k=k, outcome=model_outcome, ate=100 * best["ate"]))
    qfig = charts.qini_curves(fit.curves[arm_pick], best["model"],
                              ui.chart_labels("qini_curves", outcome=model_outcome, arm=arm_pick), model_names)
    ui.chart(qfig, key="cp-qini-chart")
    report_figures[t("coupons.figure.qini", arm=arm_pick)] = qfig
    deciles = fit.model.deciles[arm_pick]
    dfig = charts.uplift_deciles(deciles, ui.chart_labels("uplift_deciles", outcome=model_outcome,
                                                          model=model_names[best["model"]]))
    ui.chart(dfig, key="cp-decile-chart")
    st.caption(t("coupons.uplift.deciles"))
    scores = fit.model.scores.assign(model=fit.model.scores["model"].map(model_names))
    ui.result_table(scores, "uplift-model-scores.csv", caption=t("coupons.uplift.scores"))
    ui.result_table(deciles, f"uplift-deciles-{arm_pick}.csv")
    report_tables[t("coupons.table.models")] = scores
    report_tables[t("coupons.table.deciles", arm=arm_pick)] = deciles


# --------------------------------------------------------------------------------------------
# 3. Whom to send next
# --------------------------------------------------------------------------------------------
def targeting_tab(fit, model_outcome: str | None) -> None:
    """Whom to send next within the budget, from the fitted models (None: not fitted)."""
    if fit is None:
        st.info(t("coupons.targeting.fit_first"))
        return
    st.caption(t("coupons.targeting.lead", outcome=model_outcome))
    guess = targeting.face_values_from_names(fit.treatments)
    playbook_customers = None
    if id_column != analysis.ROW_NUMBERS:  # the playbook the Segments page keeps, else its default
        book = ui.workspace().load_handoff(dataset, segments.SegmentPlaybook) or segments.SegmentPlaybook.default()
        playbook_customers = ui.run_analysis(analysis, analysis.Params(
            **design, playbook=book.coupon_segments, parts=frozenset({"playbook"}))).playbook_customers
    with st.expander(t("coupons.economics.heading"), expanded=True, icon=":material/payments:",
                     key="exp-economics"):
        cols = st.columns(min(len(fit.treatments), 4))
        faces = {a: cols[i % len(cols)].number_input(t("coupons.economics.face", arm=a, currency=ui.currency()),
                                                     0.0, 10_000.0, float(guess[a]), step=1.0,
                                                     key=f"cp-face-{src}-{a}",
                                                     help=t("coupons.economics.face.help"))
                 for i, a in enumerate(fit.treatments)}
        c1, c2, c3, c4 = st.columns(4)
        order_value = c1.number_input(t("coupons.economics.order", currency=ui.currency()), 0.01, 1_000_000.0,
                                      round(max(fit.order_value, 0.01), 2), key=f"cp-order-{src}",
                                      help=t("coupons.economics.order.help"))
        margin = c2.slider(t("coupons.economics.margin"), 1, 90, 35, key="cp-margin",
                           help=t("coupons.economics.margin.help"))
        redemption = c3.number_input(t("coupons.economics.redemption", currency=ui.currency()), 0.0, 1000.0,
                                     0.2 if any(guess.values()) else 0.0, step=0.05, key=f"cp-redemption-{src}",
                                     help=t("coupons.economics.redemption.help"))
        contact = c4.number_input(t("coupons.economics.contact", currency=ui.currency()), 0.0, 1000.0, 0.1,
                                  step=0.05, key="cp-contact", help=t("coupons.economics.contact.help"))
        c5, c6, c7 = st.columns(3)
        budget_kind = c5.radio(t("coupons.economics.budget"), ["money", "count"], horizontal=True,
                               key="cp-budget-kind",
                               format_func={b: t(f"coupons.economics.budget.{b}") for b in ("money", "count")}.get)
        customers = len(fit.ids)
        if budget_kind == "money":
            budget = c6.number_input(t("coupons.economics.budget_money", currency=ui.currency()), 0.0, 1e9,
                                     targeting.default_budget(customers, faces, contact), step=100.0,
                                     key=f"cp-budget-{src}", help=t("coupons.economics.budget_money.help"))
        else:
            budget = c6.number_input(t("coupons.economics.budget_count"), 0, customers, min(customers, 2000),
                                     step=100, key=f"cp-budget-n-{src}")
        playbook_coupon = None
        if playbook_customers is not None:
            cheapest = min(fit.treatments, key=faces.get)
            playbook_coupon = c7.selectbox(t("coupons.economics.playbook"), list(fit.treatments),
                                           index=list(fit.treatments).index(cheapest), key=f"cp-book-{src}",
                                           help=t("coupons.economics.playbook.help"))
    settings = analysis.TargetingSettings(
        face_values=tuple(faces.items()), order_value=float(order_value), margin=margin / 100,
        redemption_cost=float(redemption), contact_cost=float(contact), budget=float(budget),
        budget_kind=budget_kind, playbook_coupon=playbook_coupon)
    chosen = ui.run_analysis(analysis, analysis.Params(fit=fit, targeting=settings,
                                                       playbook_customers=playbook_customers,
                                                       parts=frozenset({"targeting"})))
    plan = chosen.targeting
    if plan is None:
        ui.show_problem(chosen.problems["targeting"])
    else:
        comparison = ui.shown(plan.comparison)
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(t("coupons.targeting.customers"), ui.number(len(plan.plan.targets)), border=True,
                  help=t("coupons.targeting.customers.help"))
        m2.metric(t("coupons.targeting.profit"), ui.money(plan.plan.profit, 0), border=True,
                  help=t("coupons.targeting.profit.help", bound=plan.plan.upper_bound))
        m3.metric(t("coupons.targeting.cost"), ui.money(plan.plan.cost, 0), border=True,
                  help=t("coupons.targeting.cost.help"))
        if plan.runner_up is not None:
            r = plan.runner_up
            m4.metric(t("coupons.targeting.runner_up"), ui.money(r["expected_incremental_profit"], 0), border=True,
                      delta=ui.money(plan.plan.profit - r["expected_incremental_profit"], 0),
                      help=t("coupons.targeting.runner_up.help", strategy=r["strategy"], coupon=r["coupon"]))
        summary = t(plan.summary)
        st.markdown(summary)
        report_notes.append(summary)
        ui.chart(charts.strategy_bars(comparison, ui.chart_labels("strategy_bars")), key="cp-strategy-chart")
        pfig = charts.profit_curves(plan.curve, plan.share, ui.chart_labels("profit_curves"))
        ui.chart(pfig, key="cp-profit-chart")
        st.caption(t("coupons.targeting.curve"))
        ui.result_table(plan.comparison, "coupon-strategies.csv", caption=t("coupons.targeting.strategies"))
        if playbook_customers is None:
            st.caption(t("coupons.targeting.no_playbook"))
        st.subheader(t("coupons.targeting.list"))
        st.dataframe(plan.export.head(500), hide_index=True, width="stretch", column_config=ui.columns(plan.export))
        st.caption(t("coupons.targeting.list.caption", customers=len(plan.export)))
        d1, d2 = st.columns(2)
        with d1:
            ui.download_csv(plan.export, "coupon-target-list.csv", label=t("coupons.targeting.download_csv"))
        with d2:
            ui.download_excel(lambda: {"targets": plan.export, "strategies": comparison},  # (made when clicked)
                              "coupon-target-list.xlsx", label=t("coupons.targeting.download_excel"))
        report_tables[t("coupons.table.strategies")] = comparison
        report_tables[t("coupons.table.targets")] = plan.export.head(1000)
        report_figures[t("coupons.figure.profit")] = pfig


# --------------------------------------------------------------------------------------------
# 4. Loyalty points
# --------------------------------------------------------------------------------------------
def loyalty_tab() -> None:
    """What a loyalty points programme costs."""
    st.caption(t("coupons.loyalty.lead"))
    monthly = sales.monthly_sales if sales is not None else analysis.DEFAULT_MONTHLY_SALES
    c1, c2, c3, c4 = st.columns(4)
    earn = c1.number_input(t("coupons.loyalty.earn", currency=ui.currency()), 0.0, 100.0, 1.0, step=0.5, key="cp-earn")
    value = c2.number_input(t("coupons.loyalty.value", currency=ui.currency()), 0.0, 10.0, 0.01, step=0.005,
                            format="%.3f", key="cp-point-value")
    breakage = c3.slider(t("coupons.loyalty.breakage"), 0, 95, 30, key="cp-breakage",
                         help=t("coupons.loyalty.breakage.help"))
    expiry = c4.selectbox(t("coupons.loyalty.expiry"), [6, 12, 24, 36, None], index=1, key="cp-expiry",
                          format_func=({m: t("coupons.loyalty.months", months=m) for m in (6, 12, 24, 36)}
                                       | {None: t("coupons.loyalty.never")}).get)
    c5, c6, c7, c8 = st.columns(4)
    months_to_redeem = c5.number_input(t("coupons.loyalty.redeem"), 1.0, 60.0, 4.0, step=0.5, key="cp-months-redeem",
                                       help=t("coupons.loyalty.redeem.help"))
    member_share = c6.slider(t("coupons.loyalty.members"), 1, 100, 60, key="cp-member-share")
    monthly_sales = c7.number_input(t("coupons.loyalty.sales", currency=ui.currency()), 0.0, 1e12,
                                    float(round(monthly, -2)), step=1000.0, key="cp-monthly-sales",
                                    help=t("coupons.loyalty.sales.help"))
    horizon = c8.slider(t("coupons.loyalty.horizon"), 6, 60, 36, key="cp-horizon")
    programme = ui.run(loyalty.PointsProgramme, earn_rate=earn, point_value=value, breakage=breakage / 100,
                       expiry_months=expiry, months_to_redeem=months_to_redeem, member_share=member_share / 100)
    points = ui.run_analysis(analysis, analysis.Params(loyalty=analysis.LoyaltySettings(
        programme=programme, monthly_sales=float(monthly_sales), months=int(horizon)), parts=frozenset({"loyalty"})))
    if points.loyalty is None:
        ui.show_problem(points.problems["loyalty"])
    else:
        sim = points.loyalty.simulation
        last = sim.table.iloc[-1]
        m1, m2, m3 = st.columns(3)
        m1.metric(t("coupons.loyalty.cost", hundred=100), ui.money(100 * sim.cost_rate), border=True,
                  help=t("coupons.loyalty.cost.help"))
        m2.metric(t("coupons.loyalty.liability"), ui.money(last["liability"], 0), border=True,
                  help=t("coupons.loyalty.liability.help"))
        m3.metric(t("coupons.loyalty.face"), ui.money(last["liability_face_value"], 0), border=True,
                  help=t("coupons.loyalty.face.help"))
        st.markdown(t(points.loyalty.summary))
        lfig = charts.points_over_time(sim.table, ui.chart_labels("points_over_time"))
        ui.chart(lfig, key="cp-points-chart")
        ui.result_table(sim.table, "loyalty-points-simulation.csv")
        report_tables[t("coupons.table.points")] = sim.table
        report_figures[t("coupons.figure.points")] = lfig


# --------------------------------------------------------------------------------------------
# Each tab runs only while it is open (``ui.lazy_tabs``): a closed tab draws no chart or table. Every
# setting drawn in a tab is kept while it is closed (``kept``), so opening or closing a tab changes no
# number.
# --------------------------------------------------------------------------------------------
KEPT = ("cp-power", "cp-models", "cp-folds", "cp-k", "cp-margin", "cp-contact", "cp-budget-kind", "cp-earn",
        "cp-point-value", "cp-breakage", "cp-expiry", "cp-months-redeem", "cp-member-share", "cp-monthly-sales",
        "cp-horizon")
PER_CAMPAIGN = ("covariate", "power-outcome", "power-n", "model-outcome", "uplift-arm", "order", "redemption",
                "budget", "budget-n", "book")  # (keys ending in the campaign's ``src``)


def kept() -> tuple[str, ...]:
    """The keys of every widget the tabs draw (``KEPT``, this campaign's, and those named by this run's
    power outcome and by each coupon)."""
    power_outcome = st.session_state.get(f"cp-power-outcome-{src}")
    return (*KEPT, *(f"cp-{name}-{src}" for name in PER_CAMPAIGN), f"cp-power-base-{src}-{power_outcome}",
            *(f"cp-face-{src}-{a}" for a in treatments))


tabs = ui.lazy_tabs("cp-tab", {code: t(f"coupons.tab.{code}") for code in TABS}, page="coupons", keep=kept())
(tab_lifts, open_lifts), (tab_uplift, open_uplift), (tab_send, open_send), (tab_points, open_points) = tabs
report_tables: dict = {}
report_figures: dict = {}
report_notes: list[str] = []
if open_lifts:
    with tab_lifts, ui.section():
        lifts_tab()
# The uplift models are fitted while the uplift or the targeting tab is open (the target list comes from
# them). While the uplift tab is closed its settings are read as kept and the models are fitted in the
# targeting tab (its spinner shown there), so a closed tab holds nothing.
fit = choice = None
if open_uplift or open_send:
    with tab_uplift if open_uplift else tab_send, ui.section():
        choice = uplift_settings(st if open_uplift else ui.ClosedTab())
        if choice is not None:
            fitted = ui.run_analysis(analysis, analysis.Params(**design, features=tuple(features), uplift=choice,
                                                               parts=frozenset({"uplift"})))
            fit = fitted.uplift
            if fit is None and open_uplift:
                ui.show_problem(fitted.problems["uplift"])
        if fit is not None and open_uplift:
            uplift_tab(fit, choice)
if open_send:
    with tab_send, ui.section():
        targeting_tab(fit, choice.outcome if choice is not None else None)
if open_points:
    with tab_points, ui.section():
        loyalty_tab()

ui.save_to_report("coupons", t("coupons.saved_name"),
                  params={"source": source, "arm": arm, "control": control, "outcomes": outcomes, "features": features},
                  tables=report_tables, figures=report_figures, notes=report_notes)
