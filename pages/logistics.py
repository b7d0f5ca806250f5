"""Logistics page: how much will sell where (forecasts with backtests and a planned promotion's
uplift), how much stock each product needs, and which warehouse should serve which store.

Widgets -> ``Params`` -> ``ui.run_analysis`` -> render the ``Result``; every number comes from
``promo_core.analyses.logistics`` and every word from the catalogue (``ui.text``). Each tab runs only
while it is open (``ui.lazy_tabs``); the settings drawn in a tab are kept while it is closed (``kept``),
and the forecast's, which the stock policy and the network use, are read from them then
(``ui.ClosedTab``), so opening or closing a tab changes no number. The network's uploads are drawn
with the page, as Streamlit forgets an uploaded file whose uploader a run does not draw."""
from __future__ import annotations

import dataclasses
import datetime

import streamlit as st

import ui
from promo_core import charts, forecast, logistics, promotions
from promo_core.analyses import logistics as analysis
from promo_core.sample_data import COST_PER_UNIT_KM

ui.guard_page()  # first: nothing of this page runs before sign-in

t = ui.text
state = st.session_state
TABS = ("forecast", "stock", "network")


def columns(frame, formats: dict) -> dict:
    """Column headings of one of this page's tables in the interface language, numbers as
    ``formats`` says ("money": an amount in the chosen currency)."""
    money = ui.money_format(2)
    config = {}
    for col in frame.columns:
        fmt = formats.get(col)
        title = t(f"logistics.column.{col}")
        config[col] = (st.column_config.NumberColumn(title, format=money if fmt == "money" else fmt) if fmt
                       else st.column_config.TextColumn(title))
    return config


# ------------------------------------------------------------------------------------------------
# Forecast
# ------------------------------------------------------------------------------------------------
TARGET_KEYS = {"category": "lg-promo-cat", "product": "lg-promo-prod"}  # the promotion's target, per scope


def elasticity_key(scope: str | None, target: str | None) -> str:
    """The key of the promotion's elasticity (its default is the estimate for the scope and target)."""
    return f"lg-promo-elasticity-{scope}-{target}"


def promotion_controls(products: analysis.Products | None, horizon: int, where) -> forecast.Promotion | None:
    """The planned promotion: the Pricing page's scenario, the manager's own, or none. ``where``:
    ``st``, or ``ui.ClosedTab()`` to read the settings without drawing them."""
    planned = None if ui.connection() is not None else \
        ui.workspace().load_handoff(ui.dataset_id(), promotions.PlannedPromotion)
    scenario = planned.as_dict() if planned is not None else None
    if scenario:
        promotion = ui.run(forecast.Promotion.from_scenario, scenario)
        use = where.toggle(t("logistics.promotion.use_pricing"), value=True, key="lg-promo-use",
                           help=t("logistics.promotion.use_pricing.help"))
        what = t("logistics.promotion.whole_range") if promotion.level == "all" else promotion.target
        name = t("logistics.promotion.scenario_name", name=scenario["name"]) if scenario.get("name") else ""
        where.caption(t("logistics.promotion.from_pricing", name=name, what=what,
                        discount=promotion.discount, tenths=10 * (1 - promotion.discount), start=promotion.start,
                        end=promotion.end, elasticity=promotion.elasticity, lift=promotion.lift))
        return promotion if use else None
    if not where.toggle(t("logistics.promotion.plan"), value=True, key="lg-promo-on",
                        help=t("logistics.promotion.plan.help")):
        return None
    if products is None or products.last_week is None:
        where.info(t("logistics.promotion.no_products"))
        return None
    categories = list(products.categories)
    scopes = ["category", "product", "all"] if categories else ["product", "all"]
    c1, c2, c3 = where.columns(3)
    scope = c1.selectbox(t("logistics.promotion.scope"), scopes, key="lg-promo-scope",
                         format_func={s: t(f"logistics.promotion.scope.{s}") for s in scopes}.get)
    target = None
    if scope == "category":
        target = c2.selectbox(t("logistics.promotion.category"), categories, key=TARGET_KEYS[scope])
    elif scope == "product":
        best_sellers = products.table.head(300)
        names = dict(zip(best_sellers["product_id"], best_sellers["product_name"]))
        target = c2.selectbox(t("logistics.promotion.product"), list(names), key=TARGET_KEYS[scope],
                              format_func={p: f"{names[p]} ({p})" for p in names}.get,
                              help=t("logistics.promotion.product.help"))
    discount = c3.slider(t("logistics.promotion.discount"), 5, 60, 20, 5, key="lg-promo-discount",
                         help=t("logistics.promotion.discount.help")) / 100
    weeks = analysis.forecast_weeks(products.last_week, horizon)
    d1, d2, d3 = where.columns(3)
    start_default = weeks[min(2, len(weeks) - 1)].date()
    start = d1.date_input(t("logistics.promotion.start"), value=start_default, key="lg-promo-start",
                          min_value=weeks[0].date(), max_value=weeks[-1].date() + datetime.timedelta(days=6))
    end = d2.date_input(t("logistics.promotion.end"), value=start_default + datetime.timedelta(days=13),
                        key="lg-promo-end", min_value=weeks[0].date())  # (two weeks by default)
    estimate = analysis.default_elasticity(products, scope, target)
    elasticity = d3.number_input(t("logistics.promotion.elasticity"), min_value=-6.0, max_value=0.0,
                                 value=float(round(estimate.value, 2)), step=0.1,
                                 key=elasticity_key(scope, target),
                                 help=t("logistics.promotion.elasticity.help"))
    where.caption(t(estimate.source))
    return ui.run(forecast.Promotion.build, discount, start, end, elasticity, scope, target)


def with_promotion(params: analysis.Params) -> analysis.Result:
    """The forecast of ``params``: fitted once without the promotion, which is then added to it
    (so another discount or date fits no model again)."""
    fitted = ui.run_analysis(analysis, dataclasses.replace(params, promotion=None))
    if params.promotion is None or fitted.forecast is None:
        return fitted
    return ui.run_analysis(analysis, dataclasses.replace(params, fitted=fitted.forecast.result))


def series_key(level: str | None) -> str:
    """The key of the series whose forecast the chart shows, at forecast level ``level``."""
    return f"lg-series-{level}"


def forecast_settings(products: analysis.Products | None, where) -> analysis.Params:
    """The forecast tab's settings (the stock policy and the network use them too) as Params; drawn
    with ``where=st``, read as kept with ``where=ui.ClosedTab()`` while the tab is closed."""
    with where.expander(t("logistics.forecast.settings"), expanded=True, icon=":material/tune:",
                        key="exp-forecast-settings"):
        c1, c2, c3 = where.columns(3)
        level = c1.selectbox(t("logistics.forecast.level"), forecast.LEVELS, key="lg-level",
                             format_func={lv: t(f"logistics.level.{lv}") for lv in forecast.LEVELS}.get,
                             help=t("logistics.forecast.level.help"))
        horizon = c2.slider(t("logistics.forecast.horizon"), 4, 26, 12, key="lg-horizon",
                            help=t("logistics.forecast.horizon.help"))
        interval = c3.select_slider(t("logistics.forecast.interval"), [0.8, 0.9, 0.95], value=0.8,
                                    format_func={v: f"{v:.0%}" for v in (0.8, 0.9, 0.95)}.get, key="lg-interval",
                                    help=t("logistics.forecast.interval.help"))
    with where.expander(t("logistics.promotion.heading"), expanded=True, icon=":material/sell:",
                        key="exp-promotion"):
        promotion = promotion_controls(products, horizon, where)
    return analysis.Params(level=level, horizon_weeks=horizon, interval=interval, promotion=promotion,
                           parts=frozenset({"forecast"}))


def forecast_tab(params: analysis.Params, made: analysis.Result):
    """The forecast tab's results (below its settings); returns its chart and backtest table
    (None when the forecast could not be made)."""
    fc, level, horizon = made.forecast, params.level, params.horizon_weeks
    if fc is None:
        ui.show_problem(made.problems["forecast"])
        return None
    result = fc.result
    for note in result.notes:
        st.info(t(note))
    names = ui.names("forecast_model", result.backtest["model"])
    m1, m2, m3, m4 = st.columns([1.4, 1, 1, 1])
    m1.metric(t("logistics.metric.best"), names[fc.best], help=t("logistics.metric.best.help"))
    m2.metric(t("logistics.metric.vs_naive"), t("logistics.change0", change=fc.error_vs_naive),
              help=t("logistics.metric.vs_naive.help"))
    m3.metric(t("logistics.metric.units", horizon=horizon), ui.number(fc.units), help=t("logistics.metric.units.help"))
    m4.metric(t("logistics.metric.uplift"), ui.number(fc.uplift), delta=t("logistics.change1", change=fc.uplift_share),
              help=t("logistics.metric.uplift.help"))

    labels = result.demand.labels.to_dict()
    if level == "store":
        sites = ui.side_table("stores")
        if sites is not None and "name" in sites.columns:
            store_names = dict(zip(sites["site_id"].astype(str), sites["name"].astype(str)))
            labels = {s: store_names.get(s, s) for s in labels}
    series = list(fc.series)
    pick = st.selectbox(t("logistics.forecast.show"), series, index=series.index(fc.default_series),
                        key=series_key(level),
                        format_func={s: labels.get(s, s) + (f" ({s})" if labels.get(s, s) != s else "")
                                     for s in series}.get,
                        help=t("logistics.forecast.show.help"))
    history, rows = analysis.series_view(fc, pick)
    fig = charts.demand_forecast(
        history, rows, fc.best, names, t("logistics.chart.forecast.title", series=labels.get(pick, pick)),
        t("logistics.chart.forecast.x"), t("logistics.chart.forecast.y"),
        t("logistics.chart.forecast.band", interval=result.interval, model=names[fc.best]),
        t("logistics.chart.forecast.baseline"), t("logistics.chart.forecast.actual"))
    ui.chart(fig, key="lg-forecast-chart")
    st.caption(t("logistics.forecast.chart.caption"))

    st.subheader(t("logistics.backtest.heading"))
    st.caption(t("logistics.backtest.caption", origins=fc.origins, horizon=horizon))
    backtest = analysis.backtest_table(fc)
    backtest = backtest.assign(model=backtest["model"].map(names))
    ui.table(backtest, "backtest.csv", column_config=columns(backtest, {
        "mase": "%.3f", "smape": "%.1f", "bias": "%.1f", "mase_vs_naive": "%.3f", "beats_naive": "%.1f",
        "n_series": "%,d", "n_forecasts": "%,d"}))
    # (drawn only while open: every series' weeks and backtest were 0.5 s of each rerun on 20M lines)
    details = ui.lazy_expander(t("logistics.forecast.details"), "exp-lg-details")
    if details.open:
        forecast_details(details, fc, names)
    return fig, backtest


def forecast_details(details, fc, names: dict) -> None:
    """Every series' forecast and backtest, in the details expander."""
    with details:
        table = analysis.forecast_table(fc)
        table = table.assign(model=table["model"].map(names))
        st.dataframe(table, hide_index=True, width="stretch", column_config=columns(table, {
            c: "%.2f" for c in ("baseline", "forecast", "lower", "upper", "uplift")}))
        ui.download_csv(table, "forecast.csv", deferred=True)  # (every series and week: made when clicked)
        per = analysis.backtest_series_table(fc)
        per = per.assign(model=per["model"].map(names))
        ui.table(per, "backtest_per_series.csv", column_config=columns(per, {
            c: "%.3f" for c in ("mase", "smape", "bias", "rmse")}))


# ------------------------------------------------------------------------------------------------
# Stock
# ------------------------------------------------------------------------------------------------
def stock_tab(params: analysis.Params, products: analysis.Products | None):
    st.caption(t("logistics.stock.lead"))
    with st.expander(t("logistics.stock.settings"), expanded=True, icon=":material/tune:", key="exp-stock-settings"):
        c1, c2, c3 = st.columns(3)
        lead = c1.number_input(t("logistics.stock.lead_time"), 0.5, 26.0, 2.0, 0.5, key="lg-lead",
                               help=t("logistics.stock.lead_time.help"))
        lead_sd = c1.number_input(t("logistics.stock.lead_time_sd"), 0.0, 10.0, 0.0, 0.25, key="lg-lead-sd",
                                  help=t("logistics.stock.lead_time_sd.help"))
        service = c2.slider(t("logistics.stock.service"), 80.0, 99.9, 95.0, 0.1, key="lg-service",
                            help=t("logistics.stock.service.help")) / 100
        order_cost = c2.number_input(t("logistics.stock.order_cost", currency=ui.currency()), 1.0, 10_000.0, 40.0, 5.0, key="lg-order-cost",
                                     help=t("logistics.stock.order_cost.help"))
        holding = c3.slider(t("logistics.stock.holding"), 5, 60, 25, key="lg-holding",
                            help=t("logistics.stock.holding.help")) / 100
        cost_share = c3.slider(t("logistics.stock.cost_share"), 10, 95, 60, key="lg-cost-share",
                               help=t("logistics.stock.cost_share.help")) / 100
    settings = analysis.StockSettings(lead_time_weeks=lead, lead_time_sd_weeks=lead_sd, service_level=service,
                                      order_cost=order_cost, holding_rate=holding, cost_share=cost_share)
    by_product = with_promotion(dataclasses.replace(params, level="product"))
    if by_product.forecast is None:
        ui.show_problem(by_product.problems["forecast"])
        return None
    if products is None:
        st.info(t("logistics.promotion.no_products"))
        return None
    stock = ui.run(analysis.stock_policy, by_product.forecast, products, settings, ui.side_table("products"))
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("logistics.metric.safety_value"), ui.money(stock.safety_stock_value, 0),
              help=t("logistics.metric.safety_value.help"))
    m2.metric(t("logistics.metric.stock_cost"), ui.money(stock.total_cost, 0), help=t("logistics.metric.stock_cost.help"))
    m3.metric(t("logistics.metric.fill_rate"), t("logistics.share2", share=stock.fill_rate),
              help=t("logistics.metric.fill_rate.help"))
    m4.metric(t("logistics.metric.stockouts"), ui.number(stock.stockouts, 1), help=t("logistics.metric.stockouts.help"))
    fig = charts.service_level_costs(
        stock.curve, service, t("logistics.chart.service.title"), t("logistics.chart.service.x"),
        t("logistics.chart.service.cost_axis", currency=ui.currency()), t("logistics.chart.service.short_axis"),
        t("logistics.chart.service.cost"), t("logistics.chart.service.short"), t("logistics.chart.service.target"))
    ui.chart(fig, key="lg-curve")
    st.caption(t("logistics.stock.chart.caption"))
    units = "%.1f"
    ui.table(stock.policy, "inventory_policy.csv", caption=t("logistics.stock.table"), column_config=columns(
        stock.policy, {"mean_weekly": units, "sd_weekly": units, "unit_cost": "money", "eoq": "%,.0f",
                       "safety_stock": "%,.0f", "reorder_point": "%,.0f", "orders_per_year": units,
                       "holding_cost": "money", "ordering_cost": "money", "total_cost": "money",
                       "expected_short_per_year": units, "fill_rate": "percent"}))
    ui.download_excel(lambda: {"policy": stock.policy, "service_curve": stock.curve}, "inventory_policy.xlsx",
                      label=t("logistics.stock.download"))  # (made when clicked)
    return stock, fig, settings


# ------------------------------------------------------------------------------------------------
# Network
# ------------------------------------------------------------------------------------------------
def network_uploads() -> tuple:
    """The manager's own network (warehouses, stores, shipping costs: uploaded files or None), drawn
    with the page whichever tab is open: Streamlit forgets an uploaded file whose uploader a run does
    not draw."""
    missing = ui.side_table("warehouses") is None or ui.side_table("stores") is None
    with st.expander(t("logistics.network.own"), expanded=missing, icon=":material/upload_file:",
                     key="exp-own-network"):
        st.caption(t("logistics.network.own.caption"))
        c1, c2, c3 = st.columns(3)
        up_w = c1.file_uploader(t("logistics.network.upload_warehouses"), type=["csv", "txt", "xlsx"], key="lg-up-w")
        up_s = c2.file_uploader(t("logistics.network.upload_stores"), type=["csv", "txt", "xlsx"], key="lg-up-s")
        up_c = c3.file_uploader(t("logistics.network.upload_costs"), type=["csv", "txt", "xlsx"], key="lg-up-c")
    return up_w, up_s, up_c


def network_inputs(dataset: str, uploads: tuple) -> logistics.Network | None:
    """The network to plan: the dataset's warehouses and stores, or the manager's uploads."""
    warehouses, stores = ui.side_table("warehouses"), ui.side_table("stores")
    up_w, up_s, up_c = uploads
    if up_w is not None:
        warehouses = ui.read_upload(up_w, logistics.read_sites, "warehouses")
    if up_s is not None:
        stores = ui.read_upload(up_s, logistics.read_sites, "stores")
    if warehouses is None or stores is None:
        st.info(t("logistics.network.none"))
        return None
    if up_c is not None:
        st.caption(t("logistics.network.cost_from_table"))
        return ui.run(logistics.Network.build, warehouses, stores, cost_table=ui.read_upload(up_c, logistics.read_rows))
    default = ui.workspace().dataset(dataset)["report"].get("cost_per_unit_km", COST_PER_UNIT_KM)
    per_km = st.number_input(t("logistics.network.rate", currency=ui.currency()), 0.0, 10.0, float(default), 0.0005, format="%.4f",
                             key="lg-per-km", help=t("logistics.network.rate.help"))
    return ui.run(logistics.Network.build, warehouses, stores, cost_per_unit_km=per_km)


def capacity_key(warehouse: str | None) -> str:
    """The key of the what-if capacity of ``warehouse``."""
    return f"lg-cap-{warehouse}"


def what_if_controls(network: logistics.Network, peak_uplift: float) -> analysis.WhatIf:
    st.subheader(t("logistics.what_if.heading"))
    c1, c2, c3 = st.columns(3)
    names = network.warehouse_names
    close = c1.multiselect(t("logistics.what_if.close"), list(names), format_func=names.get, key="lg-close",
                           placeholder=t("logistics.what_if.close.placeholder"), help=t("logistics.what_if.close.help"))
    none = t("logistics.what_if.none")
    changed = c2.selectbox(t("logistics.what_if.capacity_of"), ["", *names], key="lg-cap-w",
                           format_func={"": none, **names}.get)
    capacity = ()
    if changed:
        capacity = ((changed, c2.number_input(t("logistics.what_if.capacity"), 0.0, 1e9,
                                              network.capacities[changed], key=capacity_key(changed))),)
    demand_change = c3.slider(t("logistics.what_if.demand"), -50, 100, int(round(100 * peak_uplift)), key="lg-demand",
                              help=t("logistics.what_if.demand.help")) / 100
    return analysis.WhatIf(close=tuple(close), capacity=capacity, demand_change=float(demand_change))


def network_tab(dataset: str, uploads: tuple, peak_uplift: float):
    network = network_inputs(dataset, uploads)
    if network is None:
        return None
    single = st.toggle(t("logistics.network.single"), key="lg-single", help=t("logistics.network.single.help"))
    plan_area = st.container()
    change = what_if_controls(network, peak_uplift)
    params = analysis.Params(network=network, single_sourcing=single, what_if=change, parts=frozenset({"network"}))
    result = ui.run_analysis(analysis, params)
    planned = result.network
    with plan_area:
        if planned is None:
            ui.show_problem(result.problems["network"])
            return None
        plan, tables = planned.plan, planned.tables
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(t("logistics.metric.network_cost"), ui.money(plan.total_cost, 0),
                  help=t("logistics.metric.network_cost.help"))
        m2.metric(t("logistics.metric.open"), t("logistics.open_of", open=planned.warehouses_open, all=len(plan.open)),
                  help=t("logistics.metric.open.help"))
        m3.metric(t("logistics.metric.shipping"), ui.money(plan.transport_cost, 0), help=t("logistics.metric.shipping.help"))
        m4.metric(t("logistics.metric.per_unit"), ui.money(planned.cost_per_unit), help=t("logistics.metric.per_unit.help"))
        status = (t("logistics.network.optimal") if plan.optimal else t("logistics.network.time_limit", gap=plan.gap))
        st.caption(t("logistics.network.solved", status=status, model=t(f"logistics.model.{plan.model}"),
                     seconds=plan.seconds))
        map_names = {k: t(f"logistics.chart.map.{k}") for k in ("flows", "stores", "open", "closed")}
        fig = charts.network_map(analysis.map_warehouses(network, planned), network.stores, tables.flows, t("logistics.chart.map.title"), map_names,
                                 t("logistics.chart.map.x"), t("logistics.chart.map.y"))
        ui.chart(fig, key="lg-map")
        st.caption(t("logistics.network.map.caption"))
        money = "money"
        ui.table(tables.flows, "network_plan_flows.csv", caption=t("logistics.network.flows"), column_config=columns(
            tables.flows, {"units": "%,.0f", "cost_per_unit": money, "distance_km": "%,.0f", "shipping_cost": money}))
        with st.expander(t("logistics.network.sites")):
            ui.table(tables.warehouses, "network_warehouses.csv", column_config=columns(tables.warehouses, {
                "capacity": "%,.0f", "shipped": "%,.0f", "utilisation": "percent", "fixed_cost": money,
                "shipping_cost": money, "stores_served": "%d"}))
            ui.table(tables.stores, "network_stores.csv", column_config=columns(tables.stores, {
                "demand": "%,.0f", "shipping_cost": money, "cost_per_unit": money}))
    scenario = planned.scenario
    if not change.changes_something:
        st.caption(t("logistics.what_if.hint"))
    elif scenario is None:
        ui.show_problem(result.problems["what_if"])
    else:
        summary = scenario.summary.set_index("measure")
        s1, s2, s3 = st.columns(3)
        s1.metric(t("logistics.metric.scenario_cost"), ui.money(summary.at["total_cost", "scenario"], 0),
                  delta=ui.money(summary.at["total_cost", "difference"], 0), delta_color="inverse",
                  help=t("logistics.metric.scenario_cost.help"))
        s2.metric(t("logistics.metric.scenario_open"), ui.number(summary.at["warehouses_open", "scenario"]),
                  delta=t("logistics.signed", value=int(summary.at["warehouses_open", "difference"])), delta_color="off",
                  help=t("logistics.metric.scenario_open.help"))
        s3.metric(t("logistics.metric.scenario_units"), ui.number(summary.at["units_shipped", "scenario"]),
                  delta=ui.number(summary.at["units_shipped", "difference"]), delta_color="off",
                  help=t("logistics.metric.scenario_units.help"))
        measures = scenario.summary.assign(measure=scenario.summary["measure"].map(
            {m: t(f"logistics.measure.{m}") for m in scenario.summary["measure"]}))
        ui.table(measures, "what_if.csv", caption=t("logistics.what_if.table"), column_config=columns(
            measures, {"base": "%.2f", "scenario": "%.2f", "difference": "%.2f"}))
        if len(scenario.changes):
            ui.table(scenario.changes, "what_if_warehouses.csv", caption=t("logistics.what_if.changes"),
                     column_config=columns(scenario.changes, {"base_units": "%.1f", "scenario_units": "%.1f"}))
    return planned, fig


# ------------------------------------------------------------------------------------------------
# Each tab runs only while it is open (``ui.lazy_tabs``): a closed tab draws no chart or table. Every
# setting drawn in a tab is kept while it is closed (the keys named by another widget's choice: those of
# this run's choice), so the forecast's settings read while its tab is closed are the manager's.
KEPT = ("lg-level", "lg-horizon", "lg-interval", "lg-promo-use", "lg-promo-on", "lg-promo-scope", *TARGET_KEYS.values(),
        "lg-promo-discount", "lg-promo-start", "lg-promo-end", "exp-lg-details",  # forecast
        "lg-lead", "lg-lead-sd", "lg-service", "lg-order-cost", "lg-holding", "lg-cost-share",  # stock
        "lg-per-km", "lg-single", "lg-close", "lg-cap-w", "lg-demand")  # network


def kept() -> tuple[str, ...]:
    """The keys of every widget the tabs draw (``KEPT``, and those named by this run's scope, target,
    level and warehouse)."""
    scope = state.get("lg-promo-scope")
    return (*KEPT, elasticity_key(scope, state.get(TARGET_KEYS.get(scope))), series_key(state.get("lg-level")),
            capacity_key(state.get("lg-cap-w")))


st.title(t("logistics.title"))
st.caption(t("logistics.lead"))
dataset = ui.require_dataset()
listing = ui.run_analysis(analysis, analysis.Params(parts=frozenset({"products"})))
products = listing.products
uploads = network_uploads()
tabs = ui.lazy_tabs("lg-tab", {code: t(f"logistics.tab.{code}") for code in TABS}, page="logistics", keep=kept())
(tab_f, open_f), (tab_i, open_i), (tab_n, open_n) = tabs
# Each tab fails on its own (ui.section): the network is planned even when the forecast cannot be made.
# The forecast is made whichever tab is open: the stock policy starts from it, the network's what-if from
# its peak uplift. While its tab is closed its settings are read as kept and it is made in the open tab
# (its spinner, a problem, shown there), so a closed tab holds nothing.
fc = shown_forecast = stock = network = None
forecast_params = analysis.Params(parts=frozenset({"forecast"}))
with next((tab for tab, is_open in tabs if is_open), tab_f), ui.section():
    if products is None and open_f:
        ui.show_problem(listing.problems["products"])
    forecast_params = forecast_settings(products, st if open_f else ui.ClosedTab())
    made = with_promotion(forecast_params)
    fc = made.forecast
    if open_f:
        shown_forecast = forecast_tab(forecast_params, made)
if open_i:
    with tab_i, ui.section():
        if fc is None:
            st.info(t("logistics.stock.no_forecast"))
        else:
            stock = stock_tab(forecast_params, products)
if open_n:
    with tab_n, ui.section():
        network = network_tab(dataset, uploads, fc.peak_uplift if fc is not None else 0.0)

# (only the run that saves to the report uses these: every tab is open in it)
tables, figures, report_params, notes = {}, {}, {}, []
if shown_forecast is not None:
    forecast_fig, backtest_shown = shown_forecast
    tables["backtest"], figures["forecast"] = backtest_shown, forecast_fig
    promotion = forecast_params.promotion
    report_params["promotion"] = None if promotion is None else {
        "discount": promotion.discount, "start": f"{promotion.start:%Y-%m-%d}", "end": f"{promotion.end:%Y-%m-%d}",
        "elasticity": promotion.elasticity, "level": promotion.level, "target": promotion.target}
    notes = [t("logistics.note.best", model=ui.names("forecast_model", [fc.best])[fc.best]),
             *(t(note) for note in fc.result.notes)]
if stock is not None:
    policy, curve_fig, settings = stock
    tables.update({"inventory_policy": policy.policy, "service_curve": policy.curve})
    figures["service_curve"] = curve_fig
    report_params.update({"lead_time_weeks": settings.lead_time_weeks, "lead_time_sd_weeks": settings.lead_time_sd_weeks,
                          "service_level": settings.service_level, "order_cost": settings.order_cost,
                          "holding_rate": settings.holding_rate})
if network is not None:
    tables["network_flows"] = network[0].tables.flows
    figures["network"] = network[1]
ui.save_to_report("logistics", t("logistics.saved_name"), params=report_params, tables=tables, figures=figures,
                  notes=notes)
