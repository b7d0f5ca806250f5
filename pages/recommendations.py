"""Recommendations page: the next products to show each customer (with a reason a person can
check), what sells with each product, and proof on the user's own data that the recommendations
beat simply showing best-sellers.

Widgets -> ``Params`` -> ``ui.run_analysis`` -> render the ``Result``; every number comes from
``promo_core.analyses.recommendations`` and every word from the catalogue (``ui.text``). The page
runs the analysis' three parts separately (``Params.for_part``): the evaluation, the model fitted on
all purchases and the basket rules, so that a setting of one refits nothing of the others, and
showing another customer is a look-up in the fitted model."""
from __future__ import annotations

import datetime
from dataclasses import replace

import streamlit as st

import ui
from promo_core import charts, recommend
from promo_core.analyses import period
from promo_core.analyses import recommendations as analysis
from promo_core.i18n import fmt_pct
from promo_core.recommend import MAP_DEFINITION

ui.guard_page()  # first: nothing of this page runs before sign-in

HALF_LIVES = [None, 30, 90, 180, 365]
CUSTOMER_OPTIONS = 1000  # customers listed to pick from (any other can be typed): a browser list stays small
METRICS = ("precision", "recall", "ndcg", "map", "hit_rate", "coverage")

t = ui.text
st.title(t("recommendations.title"))
st.caption(t("recommendations.lead"))
dataset = ui.require_dataset()
span = ui.run_analysis(period, period.Params())
if st.session_state.get("rec-dataset") != (dataset, span):  # another dataset: the cut date starts from its own
    st.session_state.pop("rec-cut", None)
    st.session_state.pop("rec-cut-browsing", None)
    st.session_state["rec-dataset"] = (dataset, span)
stored_events = ui.dataset_table("events")  # (frame, key naming its version) or None


def model_name(key: str) -> str:
    return t(analysis.model_name(key))


def titles(**ids) -> dict:
    """``st.column_config`` headings: column -> the catalogue's ``recommendations.column.<id>``."""
    return {col: st.column_config.Column(t(f"recommendations.column.{name}")) for col, name in ids.items()}


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------
with st.expander(t("recommendations.settings"), expanded=False, icon=":material/tune:", key="exp-settings"):
    c1, c2, c3 = st.columns(3)
    k = c1.slider(t("recommendations.k"), 3, 20, 10, key="rec-k", help=t("recommendations.k.help"))
    include = c2.toggle(t("recommendations.include"), value=False, key="rec-include",
                        help=t("recommendations.include.help"))
    half_life = c3.selectbox(t("recommendations.half_life"), HALF_LIVES, key="rec-half-life",
                             format_func={d: t("recommendations.half_life.none") if d is None else
                                          t("recommendations.half_life.days", days=d) for d in HALF_LIVES}.get,
                             help=t("recommendations.half_life.help"))
    events = None
    if stored_events is not None:
        weights = recommend.BROWSING_WEIGHTS
        if st.toggle(t("recommendations.browsing.toggle"), value=False, key="rec-browsing",
                     help=t("recommendations.browsing.toggle.help", cart=weights["add_to_cart"], view=weights["view"])):
            events = analysis.Events(*stored_events)
    c4, c5 = st.columns(2)
    earliest_cut = span.first_day.date() + datetime.timedelta(days=1)
    cut = None  # one day of data: nothing to learn from before a cut (the evaluation says so)
    if earliest_cut <= span.last_day.date():
        if events is None:
            first_cut = analysis.default_cut(span.first_day, span.last_day)
        else:  # the browsing's first day is asked of the engine once per events version, not on every rerun
            known = st.session_state.get("rec-browsing-cut")
            if known is None or known[0] != (events.key, span):
                known = ((events.key, span), ui.run(analysis.default_cut, span.first_day, span.last_day, events))
                st.session_state["rec-browsing-cut"] = known
            first_cut = known[1]
        cut = c4.date_input(t("recommendations.cut"), value=first_cut, min_value=earliest_cut,
                            max_value=span.last_day.date(), key="rec-cut" if events is None else "rec-cut-browsing",
                            help=t("recommendations.cut.help", customers=recommend.TRAIN_CUSTOMERS))
        if events is not None:
            c4.caption(t("recommendations.browsing.cut_note"))
    weighting = c5.selectbox(t("recommendations.weighting"), ["bm25", "tfidf"], key="rec-weighting",
                             format_func={"bm25": "BM25", "tfidf": "TF-IDF"}.get,
                             help=t("recommendations.weighting.help"))
    own_products = ui.side_table("products")
    upload = None if own_products is not None else st.file_uploader(
        t("recommendations.products_upload"), type=["csv", "xlsx"], key="rec-catalogue",
        help=t("recommendations.products_upload.help"))
if own_products is None and upload is not None:
    own_products = ui.run(analysis.read_products, upload.getvalue(), upload.name)
exclude = not include
settings = analysis.Params(k=int(k), exclude_bought=exclude, half_life_days=half_life, cut=cut, weighting=weighting,
                           products=analysis.Products.of(own_products), events=events)

# --------------------------------------------------------------------------------------------
# The evaluation: headline and verdict
# --------------------------------------------------------------------------------------------
tested = ui.run_analysis(analysis, settings.for_part("evaluation"))
evaluation = tested.evaluation
if tested.has_customers is False:
    st.warning(t("recommendations.no_customers"))
elif evaluation is None:
    ui.show_problem(tested.problems["evaluation"])
else:
    chosen = evaluation.table.set_index("model").loc[evaluation.best]
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("recommendations.metric.customers"), ui.number(evaluation.customers),
              help=t("recommendations.metric.customers.help"))
    m2.metric(t("recommendations.metric.lift"), fmt_pct(chosen["ndcg_lift"], 0),
              help=t("recommendations.metric.lift.help", k=k))
    m3.metric(t("recommendations.metric.ndcg", k=k), f"{chosen['ndcg']:.3f}", delta=f"{tested.ndcg_gain:+.3f}",
              help=t("recommendations.metric.ndcg.help"))
    m4.metric(t("recommendations.metric.model"), t(f"recommendations.model_short.{tested.recommended}"),
              help=t("recommendations.metric.model.help"))
    (st.success if evaluation.beats_baseline else st.info)(t(tested.verdict), icon=":material/verified:")

# --------------------------------------------------------------------------------------------
# Does browsing help? (with the toggle on: the best personal model with and without views and cart adds)
# --------------------------------------------------------------------------------------------
browsing = tested.browsing
if events is not None and evaluation is not None:
    with ui.section():
        st.subheader(t("recommendations.browsing.heading"))
        st.caption(t("recommendations.browsing.lead"))
        if browsing is None:
            ui.show_problem(tested.problems["browsing"])
        else:
            b1, b2, b3 = st.columns(3)
            b1.metric(t("recommendations.browsing.metric.gain", k=k), f"{browsing.gain:+.3f}",
                      help=t("recommendations.browsing.metric.gain.help", k=k))
            b1.caption(t("recommendations.browsing.metric.interval", low=browsing.gain_low, high=browsing.gain_high))
            b2.metric(t("recommendations.browsing.metric.browsed"),
                      f"{ui.number(browsing.browsed)} / {ui.number(browsing.customers)}",
                      help=t("recommendations.browsing.metric.browsed.help"))
            b3.metric(t("recommendations.browsing.metric.browsed_gain"),
                      f"{browsing.gain_browsed:+.3f}" if browsing.browsed else "–",
                      help=t("recommendations.browsing.metric.browsed_gain.help", k=k))
            say = st.success if browsing.helps else st.warning if browsing.hurts else st.info
            say(t(tested.browsing_verdict), icon=":material/travel_explore:")
            compared = ui.shown(analysis.browsing_table(browsing))
            config = titles(feedback="feedback")
            config |= {c: st.column_config.NumberColumn(t(f"recommendations.column.{c}"), format="%.3f")
                       for c in ("ndcg_low", "ndcg_high")}
            config |= {m: st.column_config.NumberColumn(t(f"recommendations.metric_name.{m}", k=k), format="%.3f")
                       for m in ("ndcg", "hit_rate", "precision", "recall")}
            config["fit_seconds"] = st.column_config.NumberColumn(t("recommendations.column.fit_seconds"),
                                                                  format="%.1f")
            ui.table(compared, "browsing-comparison.csv", column_config=config)
            st.caption(t("recommendations.browsing.caption", model=model_name(browsing.model),
                         cart=browsing.weights.get("add_to_cart", 0), view=browsing.weights.get("view", 0),
                         events=browsing.events, cut=browsing.cut))

# --------------------------------------------------------------------------------------------
# One customer: a look-up in the model fitted on all purchases
# --------------------------------------------------------------------------------------------
fitted = None
if evaluation is not None:
    with ui.section():
        st.subheader(t("recommendations.customer.heading"))
        c1, c2 = st.columns([2, 3])
        options = evaluation.table["model"].tolist()
        key = c1.selectbox(t("recommendations.customer.model"), options, index=options.index(tested.recommended),
                           format_func={m: model_name(m) for m in options}.get, key="rec-model",
                           help=t(f"recommendations.model_help.{tested.recommended}"))
        st.caption(t(f"recommendations.model_help.{key}"))
        trained = ui.run_analysis(analysis, replace(settings, model=key).for_part("model"))
        fitted = trained.fitted
        if fitted is None:
            ui.show_problem(trained.problems["model"])
        else:
            longest = fitted.history_sizes.head(CUSTOMER_OPTIONS)
            labels = {c: t("recommendations.customer.option", customer=c, products=n) for c, n in longest.items()}
            picked = c2.selectbox(t("recommendations.customer.customer"), list(labels), key="rec-customer",
                                  format_func=labels.get, help=t("recommendations.customer.customer.help"))
            typed = c2.text_input(t("recommendations.customer.typed"), key="rec-customer-id",
                                  help=t("recommendations.customer.typed.help")).strip()
            customer = typed or picked
            mine = analysis.recommendations_for(fitted, [customer], k, exclude)
            left, right = st.columns([3, 2])
            with left:
                ui.table(ui.shown(mine.drop(columns=["customer_id"])), f"recommendations-{customer}.csv",
                         caption=t("recommendations.customer.caption"),
                         column_config=titles(rank="rank", product_id="product_id", product_name="product_name",
                                              score="score", reason="reason"))
            with right:
                ui.table(analysis.history(fitted, customer)[["product_name", "purchases"]], f"history-{customer}.csv",
                         caption=t("recommendations.customer.history_caption"),
                         column_config=titles(product_name="bought_before", purchases="purchases"))

# --------------------------------------------------------------------------------------------
# Frequently bought together
# --------------------------------------------------------------------------------------------
RULE_FORMATS = {"antecedent_support": "percent", "consequent_support": "percent", "support": "percent",
                "confidence": "percent", "lift": "%.2f×"}
report_tables, report_figures = {}, {}
rules, by, min_support, min_confidence = None, "order", None, 0.05
with ui.section():
    st.subheader(t("recommendations.rules.heading"))
    b1, b2, b3 = st.columns(3)
    by = b1.selectbox(t("recommendations.rules.by"), ["order", "customer_date"], key="rec-basket-by",
                      format_func={b: t(f"recommendations.rules.by.{b}") for b in ("order", "customer_date")}.get,
                      help=t("recommendations.rules.by.help"))
    min_support = b2.number_input(t("recommendations.rules.support"), min_value=0.0001, max_value=1.0, value=None,
                                  step=0.0001, format="%.4f", key=f"rec-support-{by}",
                                  placeholder=t("recommendations.rules.support.placeholder"),
                                  help=t("recommendations.rules.support.help"))
    min_confidence = b3.number_input(t("recommendations.rules.confidence"), min_value=0.0, max_value=1.0, value=0.05,
                                     step=0.01, format="%.2f", key="rec-confidence",
                                     help=t("recommendations.rules.confidence.help"))
    mined = ui.run_analysis(analysis, analysis.Params(
        basket_by=by, min_support=analysis.AUTO if min_support is None else float(min_support),
        min_confidence=float(min_confidence)).for_part("rules"))
    rules = mined.rules
    if rules is None:
        ui.show_problem(mined.problems["rules"])
    else:
        strong = rules.strong
        r1, r2, r3 = st.columns(3)
        r1.metric(t("recommendations.metric.baskets"), ui.number(rules.n_baskets),
                  help=t("recommendations.metric.baskets.help"))
        r2.metric(t("recommendations.metric.strong"), ui.number(len(strong)),
                  help=t("recommendations.metric.strong.help"))
        r3.metric(t("recommendations.metric.strongest"),
                  t("recommendations.metric.strongest.value", lift=rules.strongest_lift) if len(strong) else "–",
                  help=t("recommendations.metric.strongest.help"))
        if rules.chosen:
            st.caption(t("recommendations.rules.support.auto", support=rules.min_support, n=rules.n_baskets))
        if strong.empty:
            st.info(t("recommendations.rules.none"))
        else:
            product = st.selectbox(t("recommendations.rules.product"), list(rules.products), key="rec-product",
                                   format_func={p: t("recommendations.rules.product.option", name=rules.names.get(p, p),
                                                     product=p) for p in rules.products}.get,
                                   help=t("recommendations.rules.product.help"))
            together = analysis.bought_with(rules, product)
            p1, p2 = st.columns([2, 3])
            with p1:
                labels = ui.chart_labels("bought_with_bars", product=rules.names.get(product, product))
                ui.chart(charts.bought_with_bars(together, labels["title"], labels["x"]), key="rec-bought-with")
            with p2:
                config = titles(product_name="bought_with", count="count", explanation="in_words")
                ui.table(ui.shown(together[["product_name", "confidence", "lift", "count", "explanation"]]),
                         f"bought-with-{product}.csv", caption=t("recommendations.rules.bought_with_caption"),
                         column_config=config | {c: st.column_config.NumberColumn(t(f"column.{c}"), format=f)
                                                 for c, f in RULE_FORMATS.items() if c in ("confidence", "lift")})
            labels = ui.chart_labels("rules_heatmap")
            heat = charts.rules_heatmap(strong, dict(rules.names), labels["title"], labels["x"], labels["y"],
                                        hover=labels["hover"])
            ui.chart(heat, key="rec-heatmap")
            named = analysis.named_rules(rules)
            config = titles(antecedents="antecedents", consequents="consequents",
                            antecedent_support="antecedent_support", consequent_support="consequent_support",
                            count="count")
            config |= {c: st.column_config.NumberColumn(
                t(f"recommendations.column.{c}") if c.endswith("_support") else t(f"column.{c}"), format=f)
                for c, f in RULE_FORMATS.items()}
            config |= {c: st.column_config.Column(t(f"column.{c}")) for c in ("leverage", "conviction")}
            ui.table(named.head(500), "basket-rules.csv", column_config=config,
                     caption=t("recommendations.rules.table_caption", shown=min(500, len(named)), total=len(named)))
            ui.download_csv(named, "basket-rules-all.csv", label=t("recommendations.rules.download_all"),
                            key="dl-rules-all")
            report_tables["basket_rules"] = named.head(200)
            report_figures["rules_heatmap"] = heat

# --------------------------------------------------------------------------------------------
# Model comparison and the export for every customer
# --------------------------------------------------------------------------------------------
report_notes = []
if evaluation is not None:
    with ui.section():
        st.subheader(t("recommendations.comparison.heading"))
        metric_names = {m: t(f"recommendations.metric_name.{m}", k=k) for m in METRICS}
        shown = evaluation.table.assign(model=evaluation.table["model"].map(model_name))
        labels = ui.chart_labels("model_comparison")
        fig = charts.model_comparison(shown, metric_names, model_name(evaluation.baseline), labels["title"],
                                      labels["y"])
        ui.chart(fig, key="rec-comparison")
        config = {"model": st.column_config.Column(t("recommendations.customer.model"))}
        config |= {m: st.column_config.NumberColumn(name, format="percent" if m == "coverage" else "%.3f")
                   for m, name in metric_names.items()}
        config |= {c: st.column_config.NumberColumn(t(f"recommendations.column.{c}"), format="percent")
                   for c in ("ndcg_lift", "lift_low", "lift_high")}
        config["fit_seconds"] = st.column_config.NumberColumn(t("recommendations.column.fit_seconds"), format="%.1f")
        ui.table(shown, "model-comparison.csv", column_config=config)
        st.caption(t("recommendations.comparison.caption", cut=evaluation.cut, customers=evaluation.customers,
                     new=evaluation.new_customers,
                     excluded=t("recommendations.comparison.excluded") if exclude else ""))
        st.caption(t(MAP_DEFINITION))
        if events is not None:
            st.caption(t("recommendations.browsing.comparison_note"))
        report_tables["model_comparison"] = shown
        report_figures["model_comparison"] = fig
        report_notes = [t(tested.verdict), t(MAP_DEFINITION)]
        if browsing is not None:
            report_notes.append(t(tested.browsing_verdict))
            report_tables["browsing_comparison"] = compared
        if fitted is not None:
            st.subheader(t("recommendations.export.heading"))
            st.caption(t("recommendations.export.caption", model=model_name(fitted.key), k=k,
                         customers=len(fitted.history_sizes)))
            ui.download_csv(lambda: ui.shown(analysis.recommendations_for(fitted, None, k, exclude)),
                            f"recommendations-{fitted.key}.csv", label=t("recommendations.export.download"),
                            key="dl-all-recommendations")
            report_tables["example_recommendations"] = ui.shown(analysis.sample_lists(fitted, k, exclude))

st.divider()
ui.save_to_report(
    "recommendations", t("recommendations.saved_name"),
    params={"k": int(k), "include_bought": include, "half_life_days": half_life, "browsing": events is not None,
            "cut": None if cut is None else str(cut),
            "model": fitted.key if fitted is not None else None, "basket_by": by,
            "min_support": rules.min_support if rules is not None else min_support,
            "min_confidence": float(min_confidence)},
    tables=report_tables, figures=report_figures, notes=report_notes)
