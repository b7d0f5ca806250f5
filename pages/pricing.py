"""Pricing page: how sensitive each category and product is to price, which prices earn more
profit within the manager's rules, what a planned promotion really costs and brings, and whether
price experiments (dynamic pricing) would pay.

Widgets -> ``Params`` -> ``ui.run_analysis`` -> render the ``Result``; every number comes from
``promo_core.analyses.pricing`` and every word from the catalogue (``ui.text``). The settings are
read from the widgets' state before the analysis runs and the widgets are drawn after it, next to
what they change: their choices (categories, products) and defaults (the data's period, this
data's promotions) come from the Result. Each tab is a function run only while its tab is open
(``ui.lazy_tabs``); the settings drawn in a tab are kept while it is closed (``KEPT``), and the files
(price list, unit costs) are drawn with the page's data, as an uploaded file cannot be kept so.
"""
from __future__ import annotations

import dataclasses
import functools
import json

import numpy as np
import pandas as pd
import streamlit as st

import ui
from promo_core import charts, io, pricing, promotions
from promo_core import dynamic_pricing as dp
from promo_core.analyses import pricing as analysis
from promo_core.errors import DataError
from promo_core.text import Message

ui.guard_page()  # first: nothing of this page runs before sign-in

t = ui.text
state = st.session_state
st.title(t("pricing.title"))
st.caption(t("pricing.lead"))

# widgets whose choices come from the data (products, categories, dates): reset when the data changes
DATA_BOUND = ("pr-sc", "pr-n-scenarios", "pr-curve-", "pr-dyn-", "pr-send-choice", "pr-controls", "pr-period")
RULES = analysis.Params().rules
ENDINGS = {".99": 0.99, ".95": 0.95, ".49": 0.49, ".00": 0.0}


def words(prefix: str, codes) -> callable:
    """A widget's ``format_func``: each code's words (``<prefix>.<code>``) in this run's language."""
    return {code: t(f"{prefix}.{code}") for code in codes}.get


# ------------------------------------------------------------------------------------------------
# Data source: the active dataset or a pricing-data upload
# ------------------------------------------------------------------------------------------------
def _load_upload(uploaded, mapping: str, extras: tuple) -> io.LoadResult:
    """The upload as read with this mapping (``ui.read_upload`` keeps it while it is used)."""
    return io.load_transactions(uploaded, mapping=json.loads(mapping) or None, extra_columns=list(extras))


def upload_source() -> tuple[tuple, pd.DataFrame]:
    """A pricing-data upload (one row per product and period, or per order line), mapped by the
    manager: its key and its rows."""
    st.caption(t("pricing.upload.lead"))
    uploaded = st.file_uploader(t("pricing.upload.file"), type=["csv", "txt", "xlsx", "parquet"], key="pr-upload")
    if uploaded is None:
        st.stop()
    first = ui.read_upload(uploaded, _load_upload, "{}", ())
    columns = first.report["columns"]
    options = [None, *columns]
    roles = {"product_id": True, "order_date": True, "quantity": True, "unit_price": True, "category": False}
    mapping = {}
    for col, (role, needed) in zip(st.columns(len(roles)), roles.items()):
        guess = first.mapping.get(role)
        mapping[role] = col.selectbox(t(f"pricing.upload.role.{role}") + (" *" if needed else ""), options,
                                      index=options.index(guess) if guess in options else 0,
                                      format_func={None: t("pricing.upload.none"), **{c: c for c in columns}}.get,
                                      key=f"pr-map-{role}")
    used = {c for c in mapping.values() if c}
    spare = [c for c in columns if c not in used and c not in io.CANONICAL + io.DERIVED]
    default = [c for c in spare if c.lower().startswith("comp") or "竞" in c]
    extras = tuple(st.multiselect(t("pricing.upload.extras"), spare, default=default, key="pr-extras",
                                  help=t("pricing.upload.extras.help")))
    unmapped = ("customer_id", "product_name", "order_id", "channel", "store_id", "coupon_code", "discount")
    mapping_json = json.dumps({**{r: None for r in unmapped}, **mapping}, sort_keys=True)
    read = ui.read_upload(uploaded, _load_upload, mapping_json, extras)
    st.caption(t("pricing.upload.read", rows=read.rows_in, loaded=len(read.data), set_aside=len(read.quarantine)))
    if len(read.quarantine):
        ui.table(ui.shown_quarantine(read.quarantine.head(1000)), "pricing-upload-quarantine.csv")
    return ("upload", uploaded.file_id, mapping_json, extras), read.data


def price_and_cost_inputs(upload) -> tuple[pricing.PriceList | None, pricing.UnitCostList | None, float]:
    """The price list and the unit costs (the dataset's products table, a file, or an assumed margin)
    the analysis uses, with the page's data: drawn on every run whichever tab is open, as Streamlit
    forgets an uploaded file whose uploader a run does not draw. Returns the price list, the unit
    costs (None: the assumed margin for every product) and the assumed margin."""
    price_file = st.file_uploader(t("pricing.price_list.file"), type=["csv", "txt", "xlsx", "parquet"],
                                  key="pr-price-file", help=t("pricing.price_list.help"))
    price_list = ui.run(pricing.read_price_list, price_file) if price_file is not None else None
    if price_list is not None:
        st.caption(t("pricing.price_list.read", prices=len(price_list),
                     products=len({item[0] for item in price_list.items})))
    dataset_costs = ui.dataset_unit_costs() if upload is None else None
    cost_options = (["table"] if dataset_costs is not None else []) + ["upload", "margin"]
    if state.get("pr-cost-source") not in cost_options:
        state.pop("pr-cost-source", None)
    c1, c2 = st.columns([2, 1])
    cost_choice = c1.radio(t("pricing.costs.from"), cost_options, horizontal=True, key="pr-cost-source",
                           format_func=words("pricing.costs.from", cost_options))
    margin = c2.slider(t("pricing.costs.margin"), 0, 90, 40, 5, format="%d%%", key="pr-margin",
                       help=t("pricing.costs.margin.help")) / 100
    if cost_choice != "upload":
        return price_list, dataset_costs if cost_choice == "table" else None, margin
    cost_file = st.file_uploader(t("pricing.costs.file"), type=["csv", "txt", "xlsx"], key="pr-cost-file",
                                 help=t("pricing.costs.file.help"))
    if cost_file is None:
        st.info(t("pricing.costs.file.wait"))
        return price_list, None, margin
    cost_read = ui.run(pricing.read_unit_costs, cost_file)
    if len(cost_read.rejected):
        st.warning(t("pricing.costs.file.rejected", rows=len(cost_read.rejected)))
        ui.table(ui.shown(cost_read.rejected), "unit-cost-rejected-rows.csv")
    return price_list, pricing.UnitCostList.from_frame(cost_read.costs), margin


with st.expander(t("pricing.source"), icon=":material/table_chart:", expanded=state.get("pr-source") == "upload",
                 key="exp-page-data"):
    choice = st.radio(t("pricing.source.use"), ["dataset", "upload"], horizontal=True, key="pr-source",
                      format_func=words("pricing.source", ["dataset", "upload"]), help=t("pricing.source.help"))
    if choice == "dataset":
        dataset = ui.require_dataset()
        source_key, upload = ("dataset", dataset), None
    else:
        dataset = None
        source_key, upload = upload_source()
    price_list, unit_costs, margin = price_and_cost_inputs(upload)


def compute(params: analysis.Params) -> analysis.Result:
    """The analysis on the page's data: the dataset (kept for every session by ``ui.run_analysis``)
    or the upload (kept per file and mapping)."""
    if upload is None:
        return ui.run_analysis(analysis, params)
    return ui.run_analysis_on(analysis, params, source_key, upload)


if state.get("pr-data") != source_key:  # new data: its own defaults
    for key in [k for k in state if str(k).startswith(DATA_BOUND)]:
        del state[key]
    state["pr-data"] = source_key

# ------------------------------------------------------------------------------------------------
# Settings: read from the widgets' state (drawn next to what they change, after the analysis ran).
# A setting the manager has not touched is left to the analysis (None: the data's own period, every
# control, the default scenarios, the top product), so the first render is one run and a rerun
# keeps its key; the widget then shows what the analysis chose (``follow``).
# ------------------------------------------------------------------------------------------------
def touched(key: str) -> None:
    """``on_change`` of a widget whose default the analysis chooses: from now on the manager's."""
    state[f"{key}!"] = True


def chosen(key: str):
    """The manager's setting of a widget the analysis chooses for, or None while untouched."""
    return state.get(key) if state.get(f"{key}!") else None


def follow(key: str, value) -> None:
    """Before drawing such a widget: show the analysis' choice while the manager has not chosen."""
    if not state.get(f"{key}!"):
        state[key] = value


rules = pricing.PriceRules(state.get("pr-max-change", round(RULES.max_change * 100)) / 100,
                           state.get("pr-min-margin", round(RULES.min_margin * 100)) / 100,
                           tuple(ENDINGS[e] for e in state.get("pr-endings", [".99"])))
DEFAULT_NAMES = ("percent_off", "threshold", "bogo", "flash_sale")
MAX_SCENARIOS = len(DEFAULT_NAMES)
# the widgets of one scenario column (``scenario_widgets`` draws them, ``scenario_from_state`` reads them)
SCENARIO_FIELDS = ("name", "mech", "level", "category", "product", "dates", "disc", "cap", "buy", "free", "tiers",
                   "stretch", "take")


def scenario_key(field: str, i: int) -> str:
    """The session key of the widget ``field`` (of ``SCENARIO_FIELDS``) of scenario column ``i``."""
    if field not in SCENARIO_FIELDS:  # (a new widget is kept while its tab is closed only when listed there)
        raise KeyError(field)
    return f"pr-sc-{field}-{i}"


def scenario_from_state(i: int, default: promotions.Scenario) -> promotions.Scenario:
    """The scenario the widgets of column ``i`` describe; a widget not drawn yet has ``default``'s
    value. Named by its column (the names the manager types only label the results)."""
    key = functools.partial(scenario_key, i=i)
    mechanic = state.get(key("mech"), default.mechanic)
    level = state.get(key("level"), default.level)
    target = None
    if level in ("category", "product"):
        options = state["pr-choices"][level]
        target = state.get(key(level), default.target if default.level == level else options[0])
    dates = state.get(key("dates"), (pd.Timestamp(default.start).date(), pd.Timestamp(default.end).date()))
    if not isinstance(dates, (tuple, list)) or len(dates) != 2:  # (while the second day is being picked)
        raise DataError(Message("pricing.error.dates", scenario=i + 1))
    spec = {"name": str(i + 1), "mechanic": mechanic, "level": level, "target": target, "start": str(dates[0]),
            "end": str(dates[-1])}
    if mechanic in ("percent_off", "flash_sale"):
        spec["discount"] = state.get(key("disc"), round(100 * default.discount)) / 100
    if mechanic == "flash_sale":
        spec["cap_units"] = float(state.get(key("cap"), default.cap_units or 200))
    if mechanic == "bogo":
        spec["buy"], spec["free"] = int(state.get(key("buy"), default.buy)), int(state.get(key("free"), default.free))
    if mechanic == "threshold":
        tiers = default.tiers or state["pr-choices"]["tiers"]
        spec["tiers"] = analysis.parse_tiers(state.get(key("tiers"), analysis.tiers_text(tiers)))
        spec["stretch"] = float(state.get(key("stretch"), default.stretch))
        spec["take_up"] = state.get(key("take"), round(100 * (default.take_up if default.mechanic == "threshold"
                                                              else 0.6))) / 100
    return promotions.Scenario(**spec)


scenarios, scenario_problem = None, None
if state.get("pr-sc!"):  # (the manager changed a scenario: all of them are the widgets')
    try:
        scenarios = tuple(scenario_from_state(i, state["pr-choices"]["defaults"][i])
                          for i in range(int(state["pr-n-scenarios"])))
    except DataError as exc:  # a spend:save text that cannot be read: said in the promotions tab
        scenarios, scenario_problem = (), exc
controls = chosen("pr-controls")
params = analysis.Params(
    period=chosen("pr-period"), controls=None if controls is None else tuple(controls),
    time_effects=state.get("pr-time", "auto"), price_list=price_list, unit_costs=unit_costs,
    margin=margin,
    rules=rules, curve_product=chosen("pr-curve-product"), scenarios=scenarios,
    dynamic=analysis.DynamicSettings(product=chosen("pr-dyn-product"), horizon=chosen("pr-dyn-horizon"),
                                     width=state.get("pr-dyn-width", 20) / 100, n_prices=int(state.get("pr-dyn-n", 9)),
                                     noise=float(state.get("pr-dyn-noise", 0.3)),
                                     epsilon=float(state.get("pr-dyn-eps", 0.1))))
result = compute(params)
model = result.model
per = t(f"pricing.period.{result.period}")
state["pr-choices"] = {"defaults": result.default_scenarios, "category": result.categories_by_sensitivity,
                       "product": result.products_by_units,  # (what an untouched scenario widget starts from)
                       "tiers": next((s.tiers for s in result.default_scenarios if s.tiers), ((50.0, 5.0),))}
figures, report_tables = {}, {}

with st.sidebar:
    st.subheader(t("pricing.settings"))
    follow("pr-period", result.period)
    st.selectbox(t("pricing.period"), ["W", "M"], key="pr-period", on_change=touched, args=("pr-period",),
                 format_func=words("pricing.period_choice", ["W", "M"]), help=t("pricing.period.help"))
    st.selectbox(t("pricing.time_effects"), ["auto", "period", "trend"], key="pr-time",
                 format_func=words("pricing.time_effects", ["auto", "period", "trend"]),
                 help=t("pricing.time_effects.help"))
    if result.control_options:
        follow("pr-controls", list(result.controls))
        st.multiselect(t("pricing.controls"), list(result.control_options), key="pr-controls", on_change=touched,
                       args=("pr-controls",), help=t("pricing.controls.help"))
st.caption(t("pricing.model.fitted", rows=len(model.panel), period=per))
if result.empty_periods:
    st.caption(t("pricing.model.empty", empty=result.empty_periods))
if result.listed_periods:
    st.caption(t("pricing.model.listed", listed=result.listed_periods, period=per))
for warning in result.data_warnings:  # (a wholesale price schedule, a category mostly without sales)
    st.warning(t(warning), icon=":material/warning:")

# ------------------------------------------------------------------------------------------------
# Headline
# ------------------------------------------------------------------------------------------------
c = st.columns(4)
c[0].metric(t("pricing.metric.categories"), f"{result.reliable_categories} / {len(model.categories)}",
            help=t("pricing.metric.categories.help"))
c[1].metric(t("pricing.metric.products"), f"{result.reliable_products:,} / {len(model.products):,}",
            help=t("pricing.metric.products.help"))
if np.isfinite(result.typical_elasticity):
    c[2].metric(t("pricing.metric.typical"), f"{result.typical_elasticity:.2f}", help=t("pricing.metric.typical.help"))
    c[3].metric(t("pricing.metric.cut"), f"{result.units_after_cut:+.0%}", help=t("pricing.metric.cut.help"))
else:
    c[2].metric(t("pricing.metric.typical"), "–", help=t("pricing.metric.typical.none"))


# Each tab is a function run only while its tab is open (``ui.lazy_tabs``): a closed tab draws no chart or
# table. The settings drawn in a tab and read above (``rules``, ``scenario_from_state``, the dynamic
# settings) and its other choices are kept while it is closed, so opening or closing a tab changes no number.
KEPT = ("pr-level", "pr-max-change", "pr-min-margin", "pr-endings", "pr-curve-product", "pr-n-scenarios",
        "pr-send-choice", "pr-dyn-product", "pr-dyn-horizon", "pr-dyn-width", "pr-dyn-n", "pr-dyn-noise", "pr-dyn-eps",
        *(scenario_key(field, i) for i in range(MAX_SCENARIOS) for field in SCENARIO_FIELDS))
tabs = ui.lazy_tabs("pr-tab", {code: t(f"pricing.tab.{code}") for code in ("elasticity", "prices", "promotions",
                                                                              "dynamic")},
                    page="pricing", keep=KEPT)

# ------------------------------------------------------------------------------------------------
# 1. Elasticity
# ------------------------------------------------------------------------------------------------
CAT_COLUMNS = ["category", "elasticity", "ci_low", "ci_high", "se", "n_periods", "n_products", "n_price_changes",
               "n_empty", "empty_share", "r2", "elasticity_naive", "time_effects", "controls_used", "reliable",
               "reason"]
PROD_COLUMNS = ["product_id", "product_name", "category", "elasticity", "ci_low", "ci_high", "elasticity_raw",
                "raw_ci_low", "raw_ci_high", "category_elasticity", "pooling", "n_periods", "n_price_changes",
                "last_price", "reliable", "reason"]


def labelled(frame: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, dict]:
    """``columns`` of a result table with their headings in the reader's language, and their
    number formats (two decimals; shares as percentages). Downloads keep full precision."""
    shown = ui.shown(frame[columns]).rename(columns=lambda col: t(f"pricing.column.{col}"))
    config = {t(f"pricing.column.{col}"): st.column_config.NumberColumn(
        format="percent" if col in ("pooling", "change_pct", "prob_profit_up", "empty_share") else "%.2f")
        for col in columns if pd.api.types.is_float_dtype(frame[col])}
    return shown, config


def elasticity_tab() -> None:
    """Elasticities by category or product, with the products whose estimate is flagged."""
    st.caption(t("pricing.elasticity.lead"))
    level = st.radio(t("pricing.elasticity.show"), ["category", "product"], horizontal=True, key="pr-level",
                     format_func=words("pricing.elasticity.show", ["category", "product"]))
    saving = ui.saving_to_report("pricing")  # (the level not shown: its chart and table only for the report)
    cats = model.categories.sort_values("elasticity", na_position="last")
    if level == "category" or saving:
        figures[t("pricing.figure.elasticity.category")] = fig_cat = charts.elasticity_intervals(
            ui.shown(cats), "category", t("pricing.chart.elasticity.title"), t("pricing.chart.elasticity.x"),
            t("pricing.chart.reliable"), t("pricing.chart.unreliable"))
    if level == "product" or saving:
        figures[t("pricing.figure.elasticity.product")] = fig_prod = charts.elasticity_pooling(
            model.products, t("pricing.chart.pooling.title"), t("pricing.chart.pooling.x"), t("pricing.chart.pooling.y"),
            {k: t(f"pricing.chart.pooling.{k}") for k in ("reliable", "unreliable", "diagonal")})
    if level == "category":
        ui.chart(fig_cat, key="pr-elasticity-chart")
        shown_cats = cats.assign(time_effects=cats["time_effects"].map(
            lambda v: t("pricing.time_effects.per_period" if v == "period" else "pricing.time_effects.trend_season")))
        table, config = labelled(shown_cats, CAT_COLUMNS)
        ui.table(table, "elasticities-by-category.csv", column_config=config, caption=t("pricing.elasticity.naive"))
    else:
        ui.chart(fig_prod, key="pr-pooling-chart")
        table, config = labelled(model.products.sort_values(["category", "elasticity"]), PROD_COLUMNS)
        ui.table(table, "elasticities-by-product.csv", column_config=config, caption=t("pricing.elasticity.pooling"))
    flags = result.flag_counts
    if len(flags):
        with st.expander(t("pricing.elasticity.flagged", products=len(model.products) - result.reliable_products)):
            shown = ui.shown(flags.assign(flag=flags["flag"].map(lambda f: t(f"pricing.flag_name.{f}"))))
            ui.table(shown.rename(columns={"flag": t("pricing.column.flag"), "products": t("pricing.column.products"),
                                           "reason": t("pricing.column.example")}), "elasticity-flags.csv")
    if saving:
        report_tables[t("pricing.table.categories")] = labelled(cats, CAT_COLUMNS)[0]
        report_tables[t("pricing.table.products")] = labelled(model.products, PROD_COLUMNS)[0]

# ------------------------------------------------------------------------------------------------
# 2. Optimal prices
# ------------------------------------------------------------------------------------------------
REC_COLUMNS = ["product_id", "product_name", "category", "current_price", "unit_cost", "cost_source", "elasticity",
               "recommended_price", "change_pct", "units_current", "units_new", "units_low", "units_high",
               "revenue_current", "revenue_new", "profit_current", "profit_new", "profit_low", "profit_high",
               "profit_change", "prob_profit_up", "binding", "status", "note"]

def prices_tab() -> None:
    """The price rules, the recommended prices within them and one product's demand and profit curve."""
    st.caption(t("pricing.prices.lead"))
    st.caption(t("pricing.costs.where"))
    c = st.columns(3)
    c[0].slider(t("pricing.rules.max_change"), 1, 50, round(RULES.max_change * 100), 1, format="±%d%%",
                key="pr-max-change", help=t("pricing.rules.max_change.help"))
    c[1].slider(t("pricing.rules.min_margin"), 0, 80, round(RULES.min_margin * 100), 1, format="%d%%",
                key="pr-min-margin", help=t("pricing.rules.min_margin.help"))
    c[2].multiselect(t("pricing.rules.endings"), list(ENDINGS), default=[".99"], key="pr-endings",
                     help=t("pricing.rules.endings.help"))
    prices = result.prices
    if prices is None:
        ui.show_problem(result.problems["prices"])
    else:
        c = st.columns(4)
        c[0].metric(t("pricing.metric.raise"), f"{prices.to_raise:,}", help=t("pricing.metric.raise.help"))
        c[1].metric(t("pricing.metric.lower"), f"{prices.to_lower:,}", help=t("pricing.metric.lower.help"))
        c[2].metric(t("pricing.metric.profit", period=per), ui.money(prices.profit_change, 0),
                    help=t("pricing.metric.profit.help", period=per))
        c[3].metric(t("pricing.metric.confident"),
                    "–" if np.isnan(prices.confident_share) else f"{prices.confident_share:.0%}",
                    help=t("pricing.metric.confident.help"))
        if prices.not_priced:
            st.caption(t("pricing.prices.not_priced", products=sum(n for _, n in prices.not_priced),
                         reasons=tuple(t("pricing.prices.reason_count", reason=note, products=n)
                                       for note, n in prices.not_priced)))
        if prices.curve is not None:
            labels = {p: result.product_labels[p] for p in prices.curve_candidates}
            follow("pr-curve-product", prices.curve_product)
            st.selectbox(t("pricing.curve.of"), list(labels), format_func=labels.get, key="pr-curve-product",
                         on_change=touched, args=("pr-curve-product",), help=t("pricing.curve.of.help"))
            row = prices.recommendations.set_index("product_id").loc[prices.curve_product]
            curve = charts.demand_profit_curve(
                prices.curve, row["current_price"], row["recommended_price"],
                t("pricing.chart.curve.title", period=per, product=labels[prices.curve_product]),
                t("pricing.chart.curve.x", currency=ui.currency()), t("pricing.chart.curve.units", period=per),
                t("pricing.chart.curve.profit", period=per, currency=ui.currency()),
                {"units": t("pricing.chart.curve.units_name"), "profit": t("pricing.chart.curve.profit_name"),
                 **{k: t(f"pricing.chart.curve.{k}") for k in ("band", "current", "recommended")}})
            ui.chart(curve, key="pr-curve-chart")
            st.caption(t(row["note"]))
            figures[t("pricing.figure.curve")] = curve
        table, config = labelled(prices.recommendations.assign(
            binding=prices.recommendations["binding"].map(lambda b: t(f"pricing.binding.{b}"), na_action="ignore"),
            status=prices.recommendations["status"].map(lambda s: t(f"pricing.status.{s}")),
            cost_source=prices.recommendations["cost_source"].map(lambda s: t(f"pricing.cost_source.{s}"),
                                                                  na_action="ignore")), REC_COLUMNS)
        ui.table(table, "price-recommendations.csv", column_config=config,
                 caption=t("pricing.prices.caption", period=per))
        report_tables[t("pricing.table.prices")] = table

# ------------------------------------------------------------------------------------------------
# 3. Promotion simulator
# ------------------------------------------------------------------------------------------------
SCENARIO_ROWS = [("mechanic", "label"), ("level", "label"), ("target", "target"), ("days", "count"),
                 ("elasticity", "ratio"), ("baseline_units", "count"), ("promo_units", "count"),
                 ("incremental_units", "count"), ("pull_forward_units", "count"), ("cannibalised_units", "count"),
                 ("net_incremental_units", "count"), ("baseline_revenue", "money"), ("promo_revenue", "money"),
                 ("incremental_revenue", "money"), ("baseline_margin", "money"), ("promo_margin", "money"),
                 ("incremental_margin", "money"), ("discount_cost", "money"), ("lift", "share"),
                 ("break_even_lift", "share"), ("effective_discount", "share"), ("baskets", "count"),
                 ("share_already_above", "share"), ("share_grew", "share"), ("giveaway", "money"),
                 ("margin_per_discount", "ratio")]


def scenario_table(results: pd.DataFrame) -> pd.DataFrame:
    """Scenarios as columns, measures as rows, formatted for reading (the CSV keeps these words)."""
    def show(value, kind, key):
        if kind == "label":
            return t(f"pricing.{key}.{value}")
        if kind == "target":
            return result.product_names.get(value, value) or t("pricing.level.store")
        if value is None or (isinstance(value, float) and not np.isfinite(value)):
            return t("pricing.never") if kind == "share" and value == np.inf else "–"
        return {"count": lambda v: ui.number(v), "ratio": lambda v: f"{v:.2f}", "money": lambda v: ui.money(v, 0),
                "share": lambda v: f"{v:+.1%}" if v < 0 else f"{v:.1%}"}[kind](value)

    rows = results.set_index("scenario")
    out = pd.DataFrame({t("pricing.column.measure"): [t(f"pricing.measure.{key}") for key, _ in SCENARIO_ROWS]})
    for name in rows.index:
        out[name] = [show(rows.at[name, key], kind, key) for key, kind in SCENARIO_ROWS]
    return out


def scenario_widgets(i: int, shown: promotions.Scenario) -> str:
    """The widgets of scenario ``i`` showing ``shown`` (what the analysis compared); their state is
    what ``scenario_from_state`` reads. Returns the name the manager gave it."""
    key = functools.partial(scenario_key, i=i)
    default = result.default_scenarios[i]
    values = {"mech": shown.mechanic, "level": shown.level, "category": shown.target, "product": shown.target,
              "dates": (pd.Timestamp(shown.start).date(), pd.Timestamp(shown.end).date()),
              "disc": round(100 * shown.discount), "cap": int(shown.cap_units or 200), "buy": shown.buy,
              "free": shown.free, "tiers": analysis.tiers_text(shown.tiers or state["pr-choices"]["tiers"]),
              "stretch": shown.stretch,
              "take": round(100 * (shown.take_up if shown.mechanic == "threshold" else 0.6))}
    for name, value in values.items():  # (the compared scenario, or a widget's own state once touched)
        if not state.get("pr-sc!") or key(name) not in state:
            if name not in ("category", "product") or shown.level == name:
                state[key(name)] = value
    state.setdefault(key("name"), t(f"pricing.scenario.default.{DEFAULT_NAMES[i]}")
                     if default.mechanic == DEFAULT_NAMES[i] else t("pricing.scenario.default.store_10"))
    change = {"on_change": touched, "args": ("pr-sc",)}
    st.text_input(t("pricing.scenario.name"), key=key("name"))
    mechanic = st.selectbox(t("pricing.scenario.mechanic"), promotions.MECHANICS, key=key("mech"),
                            format_func=words("pricing.mechanic", promotions.MECHANICS), **change)
    level = st.selectbox(t("pricing.scenario.level"), promotions.LEVELS, key=key("level"),
                         format_func=words("pricing.level", promotions.LEVELS), **change)
    if level == "category":
        st.selectbox(t("pricing.level.category"), result.categories_by_sensitivity, key=key("category"), **change)
    elif level == "product":
        st.selectbox(t("pricing.level.product"), result.products_by_units, format_func=result.product_labels.get,
                     key=key("product"), **change)
    st.date_input(t("pricing.scenario.dates"), key=key("dates"), **change)
    if mechanic in ("percent_off", "flash_sale"):
        st.slider(t("pricing.scenario.discount"), 5, 70, step=5, format="%d%% off", key=key("disc"), **change)
    if mechanic == "flash_sale":
        st.number_input(t("pricing.scenario.cap"), 1, 10**7, key=key("cap"), help=t("pricing.scenario.cap.help"),
                        **change)
    if mechanic == "bogo":
        b1, b2 = st.columns(2)
        b1.number_input(t("pricing.scenario.buy"), 1, 10, key=key("buy"), **change)
        b2.number_input(t("pricing.scenario.free"), 1, 10, key=key("free"), **change)
    if mechanic == "threshold":
        st.text_input(t("pricing.scenario.tiers"), key=key("tiers"), help=t("pricing.scenario.tiers.help"), **change)
        st.slider(t("pricing.scenario.stretch"), 0.0, 5.0, step=0.5, key=key("stretch"),
                  help=t("pricing.scenario.stretch.help"), **change)
        st.slider(t("pricing.scenario.take_up"), 0, 100, step=5, format="%d%%", key=key("take"),
                  help=t("pricing.scenario.take_up.help"), **change)
    return state[key("name")]


def promotions_tab() -> None:
    """Past promotions' side effects, the scenarios compared side by side, and the hand-off to Logistics."""
    st.caption(t("pricing.promotions.lead"))
    history = result.history
    if history is None:
        ui.show_problem(result.problems["history"])
    else:
        c = st.columns(3)
        c[0].metric(t("pricing.metric.past"), f"{len(history.events):,}", help=t("pricing.metric.past.help"))
        for col, effect, name in ((c[1], history.pull_forward, "pull_forward"),
                                  (c[2], history.cannibalisation, "cannibalisation")):
            shown = f"{effect.share:.0%} ({effect.ci_low:.0%} – {effect.ci_high:.0%})" if effect.measured else "–"
            col.metric(t(f"pricing.metric.{name}"), shown, help=t(effect.note))
        st.caption(t("pricing.promotions.effects"))
    compared = result.promotions.scenarios if result.promotions is not None else scenarios or ()
    state.setdefault("pr-n-scenarios", len(compared) or 3)
    st.number_input(t("pricing.promotions.count"), 1, MAX_SCENARIOS, key="pr-n-scenarios", on_change=touched,
                    args=("pr-sc",))
    n = int(state["pr-n-scenarios"])
    shown = [*compared, *result.default_scenarios[len(compared):]][:n]
    names = {}
    for i, (column, scenario) in enumerate(zip(st.columns(n), shown)):
        with column.container(border=True):
            names[str(i + 1)] = scenario_widgets(i, scenario)
    promos = result.promotions
    if scenario_problem is not None:
        ui.show_error(scenario_problem)
    elif promos is None:
        ui.show_problem(result.problems["promotions"])
    else:
        best = promos.best
        results = promos.results.assign(scenario=promos.results["scenario"].map(names))  # (as the manager named them)
        if best["incremental_margin"] < 0:
            st.warning(t("pricing.promotions.none_pays"), icon=":material/trending_down:")
        c = st.columns(4)
        c[0].metric(t("pricing.metric.best"), names[best["scenario"]], help=t("pricing.metric.best.help"))
        c[1].metric(t("pricing.metric.best_margin"), ui.money(best["incremental_margin"], 0),
                    help=t("pricing.metric.best_margin.help"))
        c[2].metric(t("pricing.metric.best_cost"), ui.money(best["discount_cost"], 0),
                    help=t("pricing.metric.best_cost.help"))
        be = best["break_even_lift"]
        c[3].metric(t("pricing.metric.break_even"), f"{be:+.0%} / {best['lift']:+.0%}" if np.isfinite(be)
                    else t("pricing.never"), help=t("pricing.metric.break_even.help"))
        bars = charts.scenario_bars(results, t("pricing.chart.scenarios.title"),
                                    t("pricing.chart.scenarios.y", currency=ui.currency()),
                                    {k: t(f"pricing.measure.{k}") for k in ("incremental_revenue", "discount_cost",
                                                                           "incremental_margin")})
        ui.chart(bars, key="pr-scenario-chart")
        figures[t("pricing.figure.scenarios")] = bars
        side_by_side = scenario_table(results)
        ui.table(side_by_side, "promotion-scenarios.csv", caption=t("pricing.promotions.caption"))
        report_tables[t("pricing.table.scenarios")] = side_by_side
        with st.expander(t("pricing.promotions.assumptions")):
            assumptions = ui.shown(promos.assumptions.assign(scenario=promos.assumptions["scenario"].map(names)))
            assumptions = assumptions.rename(columns={"scenario": t("pricing.column.scenario"),
                                                      "assumption": t("pricing.column.assumption")})
            ui.table(assumptions, "promotion-assumptions.csv")
        report_tables[t("pricing.table.assumptions")] = assumptions
        for spec in promos.scenarios:
            if spec.name in promos.baskets:
                hist = charts.basket_threshold_histogram(
                    promos.baskets[spec.name], list(spec.tiers),
                    t("pricing.chart.baskets.title", scenario=names[spec.name]),
                    t("pricing.chart.baskets.x", currency=ui.currency()), t("pricing.chart.baskets.y"),
                    t("pricing.chart.baskets.tier"))
                ui.chart(hist, key=f"pr-basket-{spec.name}")
                figures[t("pricing.figure.baskets", scenario=names[spec.name])] = hist
        st.markdown(t("pricing.handoff.heading"))
        if dataset is None:
            st.info(t("pricing.handoff.upload"))
        else:
            pick = st.selectbox(t("pricing.handoff.choose"), [s.name for s in promos.scenarios], format_func=names.get,
                                key="pr-send-choice")
            if st.button(t("pricing.handoff.send"), key="pr-send", icon=":material/local_shipping:"):
                planned = dataclasses.replace(analysis.planned_promotion(result, pick), name=names[pick])
                ui.workspace().save_handoff(dataset, planned)
            planned = ui.workspace().load_handoff(dataset, promotions.PlannedPromotion)
            if planned is not None:
                st.success(t("pricing.handoff.saved", name=planned.name, discount=planned.discount,
                             target=result.product_labels.get(planned.target, planned.target)
                             if planned.target else t("pricing.handoff.whole_store"),
                             start=planned.start, end=planned.end, lift=planned.expected_lift))

# ------------------------------------------------------------------------------------------------
# 4. Dynamic pricing
# ------------------------------------------------------------------------------------------------
def dynamic_tab() -> None:
    """Whether price experiments (Thompson sampling, epsilon-greedy) would beat the fixed price."""
    st.caption(t("pricing.dynamic.lead"))
    dyn = result.dynamic
    if dyn is None:
        ui.show_problem(result.problems["dynamic"])
    else:
        c = st.columns(3)
        follow("pr-dyn-product", dyn.product_id)
        c[0].selectbox(t("pricing.dynamic.product"), result.prices.dynamic_candidates,
                       format_func=result.product_labels.get, key="pr-dyn-product", on_change=touched,
                       args=("pr-dyn-product",), help=t("pricing.dynamic.product.help"))
        follow("pr-dyn-horizon", dyn.settings.horizon)
        c[1].slider(t("pricing.dynamic.horizon", period=per), 4, 156, step=4, key="pr-dyn-horizon", on_change=touched,
                    args=("pr-dyn-horizon",), help=t("pricing.dynamic.horizon.help"))
        c[2].slider(t("pricing.dynamic.width"), 5, 40, 20, 5, format="±%d%%", key="pr-dyn-width",
                    help=t("pricing.dynamic.width.help"))
        c = st.columns(3)
        c[0].slider(t("pricing.dynamic.n"), 3, 15, 9, 2, key="pr-dyn-n")
        c[1].slider(t("pricing.dynamic.noise"), 0.0, 1.0, 0.3, 0.1, key="pr-dyn-noise",
                    help=t("pricing.dynamic.noise.help", period=per))
        c[2].slider(t("pricing.dynamic.epsilon"), 0.0, 0.5, 0.1, 0.05, key="pr-dyn-eps",
                    help=t("pricing.dynamic.epsilon.help"))
        sim = dyn.simulation
        summary = sim.summary.set_index("policy")
        names = ui.names("pricing.policy", dp.POLICIES)
        what = t(f"pricing.objective.{sim.objective}")
        c = st.columns(3)
        c[0].metric(t("pricing.metric.thompson_gain", what=what), ui.money(dyn.gain, 0),
                    help=t("pricing.metric.thompson_gain.help", what=what))
        for col, policy in ((c[1], "thompson"), (c[2], "epsilon_greedy")):
            col.metric(t("pricing.metric.regret", policy=names[policy]), f"{summary.loc[policy, 'regret_share']:.1%}",
                       help=t("pricing.metric.regret.help", what=what, fixed=summary.loc["fixed", "regret_share"]))
        total = charts.policy_curves(sim.curves, "cumulative", names, t("pricing.chart.policy.total", what=what),
                                     t("pricing.chart.policy.x", period=per),
                                     t("pricing.chart.policy.total_y", what=what, currency=ui.currency()))
        regret = charts.policy_curves(sim.curves, "regret", names, t("pricing.chart.policy.regret"),
                                      t("pricing.chart.policy.x", period=per),
                                      t("pricing.chart.policy.regret_y", what=what, currency=ui.currency()))
        c1, c2 = st.columns(2)
        with c1:
            ui.chart(total, key="pr-dyn-total")
        with c2:
            ui.chart(regret, key="pr-dyn-regret")
        figures[t("pricing.figure.dynamic.total")] = total
        figures[t("pricing.figure.dynamic.regret")] = regret
        horizon = dyn.settings.horizon
        if dyn.gain > 0:
            st.success(t("pricing.dynamic.pays", gain=dyn.gain, what=what, horizon=horizon, period=per))
        else:
            st.info(t("pricing.dynamic.does_not_pay", loss=-dyn.gain, what=what, horizon=horizon, period=per))
        policies = sim.summary.assign(policy=sim.summary["policy"].map(names)).round(4).rename(
            columns=lambda col: t(f"pricing.column.policy.{col}", what=what))
        ui.table(policies, "dynamic-pricing-policies.csv")
        report_tables[t("pricing.table.dynamic")] = policies


for (tab, is_open), show in zip(tabs, (elasticity_tab, prices_tab, promotions_tab, dynamic_tab)):
    if is_open:  # (a closed tab draws nothing; every tab is open on the run that saves to the report)
        with tab, ui.section():
            show()

st.divider()
ui.save_to_report(
    "pricing", t("pricing.title"),
    params={"period": result.period, "controls": list(result.controls), "time_effects": result.params.time_effects,
            "max_change": rules.max_change, "min_margin": rules.min_margin, "endings": list(rules.endings)},
    tables=report_tables, figures=figures, notes=[t("pricing.note.method")])
