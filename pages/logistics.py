"""Logistics page: how much will sell where (forecasts with backtests and a planned promotion's
uplift), how much stock each product needs, and which warehouse should serve which store."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import streamlit as st

import ui
from promo_core import charts
from promo_core.errors import DataError
from promo_core.forecast import LEVELS, Promotion, forecast_demand, model_label, with_promotion
from promo_core.inventory import demand_from_forecast, inventory_policy, service_cost_curve
from promo_core.logistics import (distance_matrix, facility_location, plan_tables, read_cost_matrix, read_sites,
                                  what_if)
from promo_core.sample_data import COST_PER_UNIT_KM

ui.guard_page()  # first: nothing of this page runs before sign-in

tr = ui.tr
LEVEL_LABELS = {"product": ("Product", "商品"), "category": ("Category", "类目"), "store": ("Store", "门店"),
                "total": ("Whole business", "整体")}


def level_label(level: str) -> str:
    return tr(*LEVEL_LABELS[level])


# ------------------------------------------------------------------------------------------------
# Cached computations (keyed on the dataset and the parameters)
# ------------------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=8)
def _forecast(dataset: str, level: str, horizon: int, interval: float, lang: str):
    return forecast_demand(ui.load_table("transactions", dataset), level, horizon, interval=interval, lang=lang)


@st.cache_data(show_spinner=False, max_entries=16)
def _promoted(dataset: str, level: str, horizon: int, interval: float, promo: str, lang: str):
    result = _forecast(dataset, level, horizon, interval, lang)
    if not promo:
        return result
    p = json.loads(promo)
    promotion = Promotion.build(p["discount"], p["start"], p["end"], p["elasticity"], p["level"], p["target"], lang)
    return with_promotion(result, ui.load_table("transactions", dataset), promotion, lang)


@st.cache_data(show_spinner=False, max_entries=4)
def _category_elasticities(dataset: str, lang: str) -> pd.DataFrame | None:
    from promo_core.pricing import elasticities

    try:
        return elasticities(ui.load_table("transactions", dataset), level="category", lang=lang)
    except DataError:
        return None


@st.cache_data(show_spinner=False, max_entries=4)
def _catalogue(dataset: str) -> pd.DataFrame:
    """Products with category, name, recent units and average price (for pickers and unit costs)."""
    tx = ui.load_table("transactions", dataset)
    sales = tx[tx["quantity"] > 0]
    sales = sales[sales["order_date"] >= sales["order_date"].max() - pd.Timedelta(days=364)]
    g = sales.groupby("product_id")
    out = pd.DataFrame({"units": g["quantity"].sum(), "revenue": g["revenue"].sum(),
                        "product_name": g["product_name"].first(), "category": g["category"].first()})
    out["avg_price"] = out["revenue"] / out["units"]
    return out.sort_values("units", ascending=False).reset_index()


@st.cache_data(show_spinner=False, max_entries=16)
def _plan(fixed, capacity, demand, cost, single: bool, closed: tuple, lang: str):
    return facility_location(fixed, capacity, demand, cost, single_sourcing=single, force_closed=list(closed) or None,
                             time_limit=120, lang=lang)


@st.cache_data(show_spinner=False, max_entries=16)
def _what_if(warehouses, stores, cost, _base, base_key: str, close: tuple, capacity: str, demand_change: float,
             lang: str):
    return what_if(warehouses, stores, cost, _base, close=list(close), capacity=json.loads(capacity),
                   demand_change=demand_change, time_limit=120, lang=lang)


# ------------------------------------------------------------------------------------------------
# Forecast
# ------------------------------------------------------------------------------------------------
def promotion_controls(base, catalogue: pd.DataFrame) -> str:
    """The planned promotion as a JSON key ('' for none): the Pricing page's scenario or the user's own."""
    weeks = pd.DatetimeIndex(np.sort(base.forecast["week"].unique()))
    scenario = st.session_state.get("pricing_scenario")
    if scenario:
        promotion = ui.run(Promotion.from_scenario, scenario, lang=ui.lang())
        what = (tr("the whole range", "全部商品") if promotion.level == "all" else promotion.target)
        use = st.toggle(tr("Use the promotion planned on the Pricing page", "使用“定价”页面规划的促销"), value=True,
                        help=tr("The scenario you chose on the Pricing page: its discount, dates and elasticity.",
                                "您在“定价”页面选定的方案：折扣、日期和弹性。"))
        name = f"“{scenario['name']}”: " if scenario.get("name") else ""
        st.caption(name + tr(f"{promotion.discount:.0%} off {what} from {promotion.start:%d %b %Y} to {promotion.end:%d %b %Y}, "
                      f"elasticity {promotion.elasticity:.2f}: {promotion.lift:+.0%} units while it runs.",
                      f"{what} 打 {10 * (1 - promotion.discount):.1f} 折（{promotion.discount:.0%} off），"
                      f"{promotion.start:%Y-%m-%d} 至 {promotion.end:%Y-%m-%d}，弹性 {promotion.elasticity:.2f}："
                      f"促销期间销量 {promotion.lift:+.0%}。"))
        if not use:
            return ""
        return _promo_key(promotion)
    if not st.toggle(tr("Plan a promotion", "规划一次促销"), value=True, key="lg-promo-on",
                     help=tr("Add a price promotion to the forecast: demand rises by (1 − discount) ^ elasticity "
                             "while it runs.", "把价格促销加入预测：促销期间需求按 (1 − 折扣) ^ 弹性 上升。")):
        return ""
    categories = catalogue.groupby("category")["units"].sum().sort_values(ascending=False).index.tolist()
    c1, c2, c3 = st.columns(3)
    scopes = ["category", "product", "all"] if categories else ["product", "all"]
    scope = c1.selectbox(tr("What is on promotion", "促销范围"), scopes, key="lg-promo-scope",
                         format_func=lambda s: {"category": tr("A category", "一个类目"),
                                                "product": tr("A product", "一个商品"),
                                                "all": tr("Everything", "全部商品")}[s])
    target = None
    if scope == "category":
        target = c2.selectbox(tr("Category", "类目"), categories, key="lg-promo-cat")
    elif scope == "product":
        names = dict(zip(catalogue["product_id"], catalogue["product_name"]))
        target = c2.selectbox(tr("Product", "商品"), catalogue["product_id"].tolist()[:300], key="lg-promo-prod",
                              format_func=lambda p: f"{names.get(p, p)} ({p})",
                              help=tr("The 300 best sellers of the last year.", "近一年销量最高的 300 个商品。"))
    discount = c3.slider(tr("Discount (%)", "折扣力度 (%)"), 5, 60, 20, 5, key="lg-promo-discount",
                         help=tr("Share off the regular price.", "相对常规价格的降价比例。")) / 100
    d1, d2, d3 = st.columns(3)
    start_default = (weeks[min(2, len(weeks) - 1)]).date()
    start = d1.date_input(tr("First day", "开始日期"), value=start_default, key="lg-promo-start",
                          min_value=weeks[0].date(), max_value=(weeks[-1] + pd.Timedelta(days=6)).date())
    end = d2.date_input(tr("Last day", "结束日期"), value=start_default + pd.Timedelta(days=13).to_pytimedelta(),
                        key="lg-promo-end", min_value=weeks[0].date())
    estimate, source = _elasticity_estimate(scope, target, catalogue)
    elasticity = d3.number_input(
        tr("Price elasticity", "价格弹性"), min_value=-6.0, max_value=0.0, value=float(round(estimate, 2)), step=0.1,
        key=f"lg-promo-elasticity-{scope}-{target}",
        help=tr("% change in units for a 1 % price change; −1.5 means 20 % off sells (0.8^−1.5 − 1) = 40 % more.",
                "价格每变动 1% 销量变动的百分比；−1.5 表示打八折时销量增加 (0.8^−1.5 − 1) = 40%。"))
    st.caption(source)
    promotion = ui.run(Promotion.build, discount, start, end, elasticity, scope, target, ui.lang())
    return _promo_key(promotion)


def _promo_key(p: Promotion) -> str:
    return json.dumps({"discount": p.discount, "start": str(p.start.date()), "end": str(p.end.date()),
                       "elasticity": p.elasticity, "level": p.level, "target": p.target}, sort_keys=True)


def _elasticity_estimate(scope: str, target: str | None, catalogue: pd.DataFrame) -> tuple[float, str]:
    """The elasticity the Pricing model estimates for the promoted scope, and where it came from."""
    with st.spinner(tr("Estimating price elasticities…", "正在估计价格弹性…")):
        est = _category_elasticities(ui.dataset_id(), ui.lang())
    if est is None or est.empty:
        return -1.5, tr("No elasticity could be estimated from this data: −1.5 is a typical grocery value; set your "
                        "own.", "无法从这些数据估计弹性：−1.5 是常见的零售参考值，可自行修改。")
    est = est[est["reliable"].astype(bool)] if est["reliable"].astype(bool).any() else est
    by_cat = est.set_index("category")["elasticity"]
    if scope == "category" or scope == "product":
        category = target if scope == "category" else catalogue.set_index("product_id")["category"].get(target)
        if category in by_cat.index:
            row = est.set_index("category").loc[category]
            return float(row["elasticity"]), tr(
                f"Elasticity of {category} estimated from your sales (Pricing model): {row['elasticity']:.2f} "
                f"(90 % interval {row['ci_low']:.2f} to {row['ci_high']:.2f}).",
                f"{category} 的弹性由您的销售数据估计（定价模型）：{row['elasticity']:.2f}"
                f"（90% 区间 {row['ci_low']:.2f} 至 {row['ci_high']:.2f}）。")
        return -1.5, tr("No reliable estimate for this category: −1.5 is a typical value; set your own.",
                        "该类目没有可靠的估计：−1.5 是常见参考值，可自行修改。")
    units = catalogue.groupby("category")["units"].sum().reindex(by_cat.index).fillna(0)
    value = float((by_cat * units).sum() / units.sum()) if units.sum() > 0 else float(by_cat.mean())
    return value, tr(f"Sales-weighted average of the categories' estimated elasticities: {value:.2f}.",
                     f"各类目弹性估计的销量加权平均：{value:.2f}。")


def forecast_tab(dataset: str, catalogue: pd.DataFrame) -> tuple:
    with st.expander(tr("Forecast settings", "预测设置"), expanded=True, icon=":material/tune:", key="exp-forecast-settings"):
        c1, c2, c3 = st.columns(3)
        level = c1.selectbox(tr("Forecast demand per", "预测层级"), LEVELS, format_func=level_label, key="lg-level",
                             help=tr("Weekly units per product, per category, per store (store sales only) or "
                                     "for the whole business.", "按商品、类目、门店（仅门店销售）或整体预测每周销量。"))
        horizon = c2.slider(tr("Weeks ahead", "预测周数"), 4, 26, 12, key="lg-horizon",
                            help=tr("How far ahead to forecast; each backtest scores the same number of weeks.",
                                    "向前预测的周数；每次回测评估相同的周数。"))
        interval = c3.select_slider(tr("Interval coverage", "区间覆盖率"), [0.8, 0.9, 0.95], value=0.8,
                                    format_func=lambda v: f"{v:.0%}", key="lg-interval",
                                    help=tr("The shaded band should hold the real demand this often; it is set "
                                            "from the models' own backtest errors.",
                                            "阴影区间应以此概率包含实际需求；根据模型自身的回测误差设定。"))
    with st.spinner(tr("Forecasting and backtesting three models…", "正在预测并回测三个模型…")):
        base = ui.run(_forecast, dataset, level, horizon, interval, ui.lang())
    with st.expander(tr("Planned promotion", "计划中的促销"), expanded=True, icon=":material/sell:", key="exp-promotion"):
        promo = promotion_controls(base, catalogue)
    result = ui.run(_promoted, dataset, level, horizon, interval, promo, ui.lang())
    for note in result.notes:
        st.info(note)

    bt = result.backtest.set_index("model")
    best = result.recommended
    fc = result.forecast
    main = fc[fc["model"] == best]
    m1, m2, m3, m4 = st.columns([1.4, 1, 1, 1])
    m1.metric(tr("Most accurate model", "最准确的模型"), model_label(best, ui.lang()),
              help=tr("Lowest average MASE in the backtest: the model that would have forecast the last weeks best.",
                      "回测中平均 MASE 最低：对最近几周预测得最好的模型。"))
    m2.metric(tr("Error vs last year's copy", "相对去年同期的误差"), f"{bt.loc[best, 'mase_vs_naive'] - 1:+.0%}",
              help=tr("How much smaller its backtest error (MASE) is than simply repeating last year's week "
                      "(seasonal naive). Negative is better.",
                      "其回测误差（MASE）比直接照搬去年同周（季节性朴素）小多少。负数更好。"))
    m3.metric(tr(f"Units, next {horizon} weeks", f"未来 {horizon} 周销量"), ui.number(main["forecast"].sum()),
              help=tr("All series together, with the planned promotion.", "所有序列合计，含计划中的促销。"))
    m4.metric(tr("Promotion uplift", "促销带来的增量"), ui.number(main["uplift"].sum()),
              delta=f"{main['uplift'].sum() / max(main['baseline'].sum(), 1e-9):+.1%}",
              help=tr("Extra units the promotion adds over the forecast without it.", "促销在无促销预测之上增加的件数。"))

    totals = result.demand.units.iloc[-52:].sum().sort_values(ascending=False)
    promoted = main.groupby("series")["uplift"].sum()
    default = promoted.idxmax() if promoted.max() > 0 else totals.index[0]
    labels = result.demand.labels
    sites = ui.load_table("stores") if level == "store" else None
    if sites is not None and "name" in sites.columns:
        names_by_id = dict(zip(sites["site_id"].astype(str), sites["name"].astype(str)))
        labels = pd.Series([names_by_id.get(s, s) for s in labels.index], index=labels.index)
    pick = st.selectbox(tr("Show", "显示"), totals.index.tolist(), index=totals.index.tolist().index(default),
                        key=f"lg-series-{level}", format_func=lambda s: f"{labels.get(s, s)}" +
                        (f" ({s})" if labels.get(s, s) != s else ""),
                        help=tr("Ordered by the last year's units; a promoted series is shown first.",
                                "按近一年销量排序；默认显示促销涉及的序列。"))
    history = result.demand.units[pick].iloc[-52:]
    names = {m: model_label(m, ui.lang()) for m in fc["model"].unique()}
    fig = charts.demand_forecast(
        history, fc[fc["series"] == pick], best, names,
        tr(f"Weekly demand: {labels.get(pick, pick)}", f"每周需求：{labels.get(pick, pick)}"), tr("Week", "周"),
        tr("Units per week", "每周件数"), tr(f"{result.interval:.0%} interval ({names[best]})",
                                         f"{result.interval:.0%} 区间（{names[best]}）"),
        tr("Without the promotion", "无促销"), tr("Actual", "实际"))
    ui.chart(fig, key="lg-forecast-chart")
    st.caption(tr("Black: what sold. Lines: each model's forecast (the thick one is the most accurate). Shaded: where "
                  "demand should fall with the chosen probability. Dashed orange: the forecast without the promotion; "
                  "the gap is the promotion's uplift.",
                  "黑线：实际销量。彩线：各模型的预测（粗线最准确）。阴影：需求按所选概率应落入的范围。"
                  "橙色虚线：无促销时的预测，两者之差即促销增量。"))

    st.subheader(tr("How well each model forecast the past", "各模型对过去的预测效果"))
    st.caption(tr(f"Rolling-origin backtest: each model was refitted {result.errors['origin'].nunique()} times on the "
                  f"data up to a past week and scored on the {horizon} weeks after it. MASE: error relative to "
                  "repeating last year's week in-sample (below 1 = better than that); sMAPE: typical % error; bias: "
                  "total over (+) or under (−) forecast.",
                  f"滚动起点回测：每个模型在过去某周之前的数据上重新拟合 {result.errors['origin'].nunique()} 次，"
                  f"并在随后 {horizon} 周上评估。MASE：相对于样本内照搬去年同周的误差（小于 1 更好）；"
                  "sMAPE：典型百分比误差；偏差：总体高估（+）或低估（−）。"))
    table = result.backtest.assign(model=result.backtest["model"].map(names),
                                   beats_naive=100 * result.backtest["beats_naive"])
    table = table.rename(columns={
        "model": tr("Model", "模型"), "mase": "MASE", "smape": tr("sMAPE (%)", "sMAPE (%)"),
        "bias": tr("Bias (%)", "偏差 (%)"), "mase_vs_naive": tr("MASE vs seasonal naive", "相对季节性朴素的 MASE"),
        "beats_naive": tr("Beats seasonal naive (% of series)", "优于季节性朴素的序列占比 (%)"),
        "n_series": tr("Series", "序列数"), "n_forecasts": tr("Forecasts scored", "评估的预测数")})
    ui.table(table.round(3), "backtest.csv",
             column_config={c: st.column_config.NumberColumn(format="%.3f" if i in (1, 4) else "%.1f")
                            for i, c in enumerate(table.columns) if i in (1, 2, 3, 4, 5)})
    with st.expander(tr("Forecast table and backtest per series", "预测明细与各序列回测")):
        out = fc.assign(name=fc["series"].map(labels), model=fc["model"].map(names))
        out = out[["series", "name", "week", "model", "baseline", "forecast", "lower", "upper", "uplift"]]
        ui.table(out.round({c: 2 for c in ("baseline", "forecast", "lower", "upper", "uplift")}), "forecast.csv")
        per = result.backtest_series.assign(name=result.backtest_series["series"].map(labels),
                                            model=result.backtest_series["model"].map(names))
        ui.table(per[["series", "name", "model", "mase", "smape", "bias", "rmse"]].round(3), "backtest_per_series.csv")
    return result, promo, fig, table


# ------------------------------------------------------------------------------------------------
# Inventory
# ------------------------------------------------------------------------------------------------
def inventory_tab(dataset: str, catalogue: pd.DataFrame, horizon: int, interval: float, promo: str):
    st.caption(tr("A reorder-point policy per product: when stock falls to the reorder point, order the economic "
                  "order quantity. Demand is the product forecast (with the planned promotion); safety stock covers "
                  "its backtest error over the lead time.",
                  "每个商品的再订货点策略：库存降到再订货点时，按经济订货量下单。需求取商品预测（含计划中的促销）；"
                  "安全库存覆盖提前期内的预测误差。"))
    with st.expander(tr("Stock settings", "库存参数"), expanded=True, icon=":material/tune:", key="exp-stock-settings"):
        c1, c2, c3 = st.columns(3)
        lead = c1.number_input(tr("Lead time (weeks)", "补货提前期（周）"), 0.5, 26.0, 2.0, 0.5, key="lg-lead",
                               help=tr("Weeks from placing an order to the stock being on the shelf.",
                                       "从下单到货上架的周数。"))
        lead_sd = c1.number_input(tr("Lead-time variability (weeks, sd)", "提前期波动（周，标准差）"), 0.0, 10.0, 0.0,
                                  0.25, key="lg-lead-sd",
                                  help=tr("How much the lead time varies; 0 if suppliers are always on time.",
                                          "提前期的波动；供应商总是准时则为 0。"))
        service = c2.slider(tr("Service level (%)", "服务水平 (%)"), 80.0, 99.9, 95.0, 0.1, key="lg-service",
                            help=tr("Chance that a replenishment cycle ends without running out.",
                                    "一个补货周期内不断货的概率。")) / 100
        order_cost = c2.number_input(tr(f"Cost per order ({ui.currency()})", f"每次订货成本（{ui.currency()}）"), 1.0,
                                     10_000.0, 40.0, 5.0, key="lg-order-cost",
                                     help=tr("Admin, delivery and handling of one order.", "一次订货的管理、运输和处理成本。"))
        holding = c3.slider(tr("Holding cost (% of unit cost a year)", "持有成本（每年占单位成本 %）"), 5, 60, 25,
                            key="lg-holding", help=tr("Capital, storage, shrinkage and obsolescence.",
                                                      "资金占用、仓储、损耗与过期。")) / 100
        products = ui.load_table("products")
        has_cost = products is not None and "unit_cost" in products.columns
        cost_share = c3.slider(tr("Unit cost when unknown (% of price)", "未知时的单位成本（占售价 %）"), 10, 95, 60,
                               key="lg-cost-share",
                               help=tr("Used for products without a unit cost in the products table.",
                                       "用于商品表中没有单位成本的商品。")) / 100
    with st.spinner(tr("Forecasting every product…", "正在预测每个商品…")):
        result = ui.run(_promoted, dataset, "product", horizon, interval, promo, ui.lang())
    demand = demand_from_forecast(result)
    price = catalogue.set_index("product_id")["avg_price"]
    known = (products.set_index(products["product_id"].astype(str))["unit_cost"] if has_cost
             else pd.Series(dtype=float))
    demand["unit_cost"] = known.reindex(demand["item"]).to_numpy()
    fallback = price.reindex(demand["item"]).to_numpy() * cost_share
    demand["unit_cost"] = demand["unit_cost"].where(demand["unit_cost"] > 0, fallback)
    demand = demand[demand["unit_cost"] > 0].reset_index(drop=True)
    params = {"lead_time_weeks": lead, "order_cost": order_cost, "holding_rate": holding,
              "lead_time_sd_weeks": lead_sd, "lang": ui.lang()}
    policy = ui.run(inventory_policy, demand, service_level=service, **params)
    curve = ui.run(service_cost_curve, demand, **params)

    m1, m2, m3, m4 = st.columns(4)
    m1.metric(tr("Safety stock value", "安全库存价值"), ui.money((policy["safety_stock"] * policy["unit_cost"]).sum(), 0),
              help=tr("Money tied up in spare stock kept against forecast errors.", "为应对预测误差而多备库存占用的资金。"))
    m2.metric(tr("Stock cost a year", "年库存成本"), ui.money(policy["total_cost"].sum(), 0),
              help=tr("Holding (average stock × holding cost) plus ordering cost, all products.",
                      "持有成本（平均库存 × 持有成本率）加订货成本，所有商品合计。"))
    annual = policy["annual_demand"].sum()
    m3.metric(tr("Fill rate", "满足率"), f"{1 - policy['expected_short_per_year'].sum() / max(annual, 1e-9):.2%}",
              help=tr("Share of units demanded that are served straight from stock.", "需求中可直接由库存满足的比例。"))
    m4.metric(tr("Stock-outs a year", "年缺货次数"), ui.number(policy["stockout_cycles_per_year"].sum(), 1),
              help=tr("Expected number of order cycles that run out before the next delivery, all products.",
                      "预计在下一批到货前断货的补货周期数，所有商品合计。"))
    fig = charts.service_level_costs(
        curve, service, tr("What a higher service level costs", "更高服务水平的成本"), tr("Service level (%)", "服务水平 (%)"),
        tr(f"Safety stock holding cost a year ({ui.currency()})", f"安全库存年持有成本（{ui.currency()}）"),
        tr("Units short a year", "年缺货件数"), tr("Safety stock cost", "安全库存成本"), tr("Units short", "缺货件数"),
        tr("your target", "当前目标"))
    ui.chart(fig, key="lg-curve")
    st.caption(tr("Each extra point of service costs more than the last: safety stock grows with z, the normal quantile "
                  "of the service level, while shortages fall ever more slowly. Ordering and cycle-stock costs do not "
                  "depend on the service level and are left out of this chart.",
                  "服务水平每提高一点，成本都比上一点更高：安全库存随服务水平的正态分位数 z 增长，而缺货下降得越来越慢。"
                  "订货成本和周转库存成本与服务水平无关，未计入此图。"))
    show = policy.rename(columns={"item": "product_id", "name": "product_name"})
    cols = ["product_id", "product_name", "mean_weekly", "sd_weekly", "unit_cost", "eoq", "safety_stock",
            "reorder_point", "orders_per_year", "holding_cost", "ordering_cost", "total_cost",
            "expected_short_per_year", "fill_rate"]
    show = show[cols].sort_values("total_cost", ascending=False).round(2)
    money, units = f"{ui.currency()}%.2f", "%.1f"
    labels = {"product_id": (tr("Product", "商品编号"), None), "product_name": (tr("Name", "名称"), None),
              "mean_weekly": (tr("Units a week", "每周件数"), units),
              "sd_weekly": (tr("Forecast error a week (units)", "每周预测误差（件）"), units),
              "unit_cost": (tr("Unit cost", "单位成本"), money), "eoq": (tr("Order quantity (EOQ)", "经济订货量"), "%.0f"),
              "safety_stock": (tr("Safety stock", "安全库存"), "%.0f"),
              "reorder_point": (tr("Reorder point", "再订货点"), "%.0f"),
              "orders_per_year": (tr("Orders a year", "年订货次数"), units),
              "holding_cost": (tr("Holding cost a year", "年持有成本"), money),
              "ordering_cost": (tr("Ordering cost a year", "年订货成本"), money),
              "total_cost": (tr("Total cost a year", "年总成本"), money),
              "expected_short_per_year": (tr("Units short a year", "年缺货件数"), units),
              "fill_rate": (tr("Fill rate", "满足率"), "percent")}
    config = {c: (st.column_config.NumberColumn(label, format=fmt) if fmt else st.column_config.TextColumn(label))
              for c, (label, fmt) in labels.items()}
    ui.table(show, "inventory_policy.csv", column_config=config, caption=tr(
        "Per product: weekly demand and forecast error (units), economic order quantity, safety stock and reorder "
        "point (units), yearly costs and expected units short.",
        "每个商品：每周需求与预测误差（件）、经济订货量、安全库存与再订货点（件）、年度成本与预计缺货件数。"))
    ui.download_excel({"policy": show, "service_curve": curve.round(4)}, "inventory_policy.xlsx",
                      label=tr("Download policy as Excel", "下载库存策略 Excel"))
    return show, curve, fig, {"lead_time_weeks": lead, "lead_time_sd_weeks": lead_sd, "service_level": service,
                              "order_cost": order_cost, "holding_rate": holding}


# ------------------------------------------------------------------------------------------------
# Network
# ------------------------------------------------------------------------------------------------
def network_inputs(dataset: str):
    """Warehouses, stores, cost per unit and distances, from the dataset or the user's uploads."""
    warehouses, stores = ui.load_table("warehouses"), ui.load_table("stores")
    with st.expander(tr("Use your own network", "使用自己的网络"), expanded=warehouses is None or stores is None,
                     icon=":material/upload_file:", key="exp-own-network"):
        st.caption(tr("Warehouses CSV/Excel: site_id, name, lat, lon, capacity (units a week), fixed_cost (per week). "
                      "Stores: site_id, name, lat, lon, demand (units a week). Optional cost table: one row per "
                      "warehouse and one column per store, or rows of warehouse, store, cost per unit; a lane left "
                      "out cannot be used.",
                      "仓库 CSV/Excel：site_id、name、lat、lon、capacity（每周件数）、fixed_cost（每周）。门店：site_id、"
                      "name、lat、lon、demand（每周件数）。可选成本表：每个仓库一行、每个门店一列，或“仓库, 门店, 单位成本”"
                      "三列；未列出的线路不可使用。"))
        c1, c2, c3 = st.columns(3)
        up_w = c1.file_uploader(tr("Warehouses", "仓库"), type=["csv", "txt", "xlsx"], key="lg-up-w")
        up_s = c2.file_uploader(tr("Stores", "门店"), type=["csv", "txt", "xlsx"], key="lg-up-s")
        up_c = c3.file_uploader(tr("Cost per unit (optional)", "单位运输成本（可选）"), type=["csv", "txt", "xlsx"],
                                key="lg-up-c")
    if up_w is not None:
        warehouses = ui.run(read_sites, up_w, "warehouses", ui.lang())
    if up_s is not None:
        stores = ui.run(read_sites, up_s, "stores", ui.lang())
    if warehouses is None or stores is None:
        st.info(tr("This dataset has no warehouse and store network. Upload both tables above to plan one.",
                   "该数据集没有仓库和门店网络。请在上方上传两张表来规划。"))
        return None
    warehouses = ui.run(read_sites, warehouses, "warehouses", ui.lang())
    stores = ui.run(read_sites, stores, "stores", ui.lang())
    km = distance_matrix(warehouses, stores)
    if up_c is not None:
        cost = ui.run(read_cost_matrix, up_c, warehouses, stores, ui.lang())
        st.caption(tr("Shipping cost per unit from your uploaded cost table.", "单位运输成本来自您上传的成本表。"))
    else:
        default = ui.workspace().dataset(dataset)["report"].get("cost_per_unit_km", COST_PER_UNIT_KM)
        per_km = st.number_input(tr(f"Shipping cost per unit per km ({ui.currency()})", f"每件每公里运费（{ui.currency()}）"),
                                 0.0, 10.0, float(default), 0.0005, format="%.4f", key="lg-per-km",
                                 help=tr("Shipping cost = great-circle distance × this rate × units.",
                                         "运费 = 球面距离 × 该费率 × 件数。"))
        cost = km * per_km
    return warehouses, stores, cost, km


def network_tab(dataset: str, uplift_pct: float):
    inputs = network_inputs(dataset)
    if inputs is None:
        return None
    warehouses, stores, cost, km = inputs
    single = st.toggle(tr("Each store from one warehouse only (single sourcing)", "每个门店只由一个仓库供货（单一供货）"),
                       key="lg-single",
                       help=tr("Off: a store's demand may be split between warehouses (cheapest). On: each store "
                               "gets all its goods from one warehouse (simpler operations, may cost more).",
                               "关闭：门店需求可由多个仓库分担（成本最低）。开启：每个门店只从一个仓库进货（运营更简单，成本可能更高）。"))
    with st.spinner(tr("Optimising the network…", "正在优化网络…")):
        plan = ui.run(_plan, warehouses["fixed_cost"].to_numpy(), warehouses["capacity"].to_numpy(),
                      stores["demand"].to_numpy(), cost, single, (), ui.lang())
    tables = plan_tables(plan, warehouses, stores, cost, km)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(tr("Network cost a week", "每周网络成本"), ui.money(plan.total_cost, 0),
              help=tr("Fixed costs of the open warehouses plus shipping, at the proven lowest cost.",
                      "开放仓库的固定成本加运费，已证明为最低成本。"))
    m2.metric(tr("Warehouses open", "开放仓库"), f"{int(plan.open.sum())} / {len(plan.open)}",
              help=tr("How many candidate warehouses the optimal plan keeps open.", "最优方案保留开放的候选仓库数。"))
    m3.metric(tr("Shipping cost a week", "每周运费"), ui.money(plan.transport_cost, 0),
              help=tr("Units × cost per unit on every lane used.", "所有使用线路的件数 × 单位运费。"))
    m4.metric(tr("Cost per unit delivered", "每件配送成本"), ui.money(plan.total_cost / max(stores["demand"].sum(), 1e-9)),
              help=tr("Total weekly network cost divided by the units the stores need.", "每周网络总成本除以门店需求件数。"))
    status = (tr("Proven optimal", "已证明最优") if plan.optimal
              else tr(f"Best plan found in the time limit (within {plan.gap:.2%} of optimal)",
                      f"时间上限内找到的最佳方案（与最优相差不超过 {plan.gap:.2%}）"))
    model_zh = {"facility-location MILP": "设施选址混合整数规划", "single-sourcing MILP": "单一供货混合整数规划",
                "transportation LP": "运输线性规划"}[plan.model]
    st.caption(tr(f"{status} by HiGHS ({plan.model}, {plan.seconds:.2f} s).",
                  f"{status}，由 HiGHS 求解（{model_zh}，{plan.seconds:.2f} 秒）。"))
    map_names = {"flows": tr("Flows", "配送线路"), "stores": tr("Stores (size = demand)", "门店（大小 = 需求）"),
                 "open": tr("Open warehouse", "开放仓库"), "closed": tr("Closed warehouse", "关闭仓库")}
    wh_map = warehouses.merge(tables.warehouses[["site_id", "open", "shipped"]], on="site_id")
    fig = charts.network_map(wh_map, stores, tables.flows, tr("Optimal network", "最优网络"), map_names,
                             tr("Longitude (°)", "经度 (°)"), tr("Latitude (°)", "纬度 (°)"))
    ui.chart(fig, key="lg-map")
    st.caption(tr("Squares: warehouses (filled = open); circles: stores; lines: deliveries, thicker = more units. "
                  "Hover for names and units. Distances are straight-line (great-circle).",
                  "方块：仓库（实心 = 开放）；圆点：门店；线条：配送，越粗件数越多。悬停查看名称和件数。距离为直线（球面）距离。"))
    flows = tables.flows.round(2)
    money = f"{ui.currency()}%.2f"
    flow_config = {"warehouse_id": st.column_config.TextColumn(tr("Warehouse id", "仓库编号")),
                   "warehouse": st.column_config.TextColumn(tr("Warehouse", "仓库")),
                   "store_id": st.column_config.TextColumn(tr("Store id", "门店编号")),
                   "store": st.column_config.TextColumn(tr("Store", "门店")),
                   "units": st.column_config.NumberColumn(tr("Units a week", "每周件数"), format="%.0f"),
                   "cost_per_unit": st.column_config.NumberColumn(tr("Cost per unit", "单位运费"), format=money),
                   "distance_km": st.column_config.NumberColumn(tr("Distance (km)", "距离（公里）"), format="%.0f"),
                   "shipping_cost": st.column_config.NumberColumn(tr("Shipping cost a week", "每周运费"), format=money)}
    ui.table(flows, "network_plan_flows.csv", column_config=flow_config, caption=tr("The plan: units a week on every lane used.",
                                                          "配送方案：每条使用线路的每周件数。"))
    with st.expander(tr("Warehouses and stores in the plan", "方案中的仓库与门店")):
        ui.table(tables.warehouses.round(3), "network_warehouses.csv")
        ui.table(tables.stores.round(2), "network_stores.csv")

    st.subheader(tr("What if…", "假设分析"))
    c1, c2, c3 = st.columns(3)
    names = dict(zip(warehouses["site_id"], warehouses["name"]))
    close = c1.multiselect(tr("Close warehouses", "关闭仓库"), warehouses["site_id"].tolist(), format_func=names.get,
                           key="lg-close", placeholder=tr("Choose warehouses", "选择仓库"), help=tr("These may not be used; the rest is re-optimised.",
                                                   "这些仓库不可使用；其余部分重新优化。"))
    changed = c2.selectbox(tr("Change the capacity of", "修改容量的仓库"), [""] + warehouses["site_id"].tolist(),
                           format_func=lambda w: names.get(w, tr("(none)", "（无）")), key="lg-cap-w")
    capacity = {}
    if changed:
        current = float(warehouses.set_index("site_id").at[changed, "capacity"])
        capacity[changed] = c2.number_input(tr("New capacity (units a week)", "新容量（每周件数）"), 0.0, 1e9, current,
                                            key=f"lg-cap-{changed}")
    demand_change = c3.slider(tr("Raise demand by (%)", "需求增加 (%)"), -50, 100, int(round(uplift_pct)), key="lg-demand",
                              help=tr("Every store's weekly demand changes by this much. It starts at the planned "
                                      "promotion's uplift in its busiest week.",
                                      "每个门店的每周需求按此比例变化。默认值为计划促销在最忙一周带来的增幅。")) / 100
    scenario = None
    if close or capacity or demand_change:
        with st.spinner(tr("Re-optimising the scenario…", "正在重新优化假设情景…")):
            scenario = ui.run(_what_if, warehouses, stores, cost, plan,
                              json.dumps([plan.total_cost, single]), tuple(close), json.dumps(capacity),
                              float(demand_change), ui.lang())
        summary = scenario.summary.set_index("measure")
        s1, s2, s3 = st.columns(3)
        s1.metric(tr("Scenario cost a week", "情景每周成本"), ui.money(summary.loc["total_cost", "scenario"], 0),
                  delta=ui.money(summary.loc["total_cost", "difference"], 0), delta_color="inverse",
                  help=tr("Re-optimised cost of the scenario, and the difference from the base plan.",
                          "情景重新优化后的成本，以及与基准方案的差额。"))
        s2.metric(tr("Warehouses open in the scenario", "情景中开放的仓库"),
                  f"{int(summary.loc['warehouses_open', 'scenario'])}",
                  delta=f"{int(summary.loc['warehouses_open', 'difference']):+d}", delta_color="off",
                  help=tr("Open warehouses in the scenario against the base plan.", "情景中开放的仓库数与基准方案相比。"))
        s3.metric(tr("Units a week", "每周件数"), ui.number(summary.loc["units_shipped", "scenario"]),
                  delta=ui.number(summary.loc["units_shipped", "difference"]), delta_color="off",
                  help=tr("Units shipped to the stores in the scenario.", "情景中发往门店的件数。"))
        labels = {"fixed_cost": tr("Fixed cost", "固定成本"), "shipping_cost": tr("Shipping cost", "运费"),
                  "total_cost": tr("Total cost", "总成本"), "units_shipped": tr("Units shipped", "发货件数"),
                  "warehouses_open": tr("Warehouses open", "开放仓库数")}
        ui.table(scenario.summary.assign(measure=scenario.summary["measure"].map(labels)).round(2), "what_if.csv",
                 caption=tr("Base plan against the scenario, per week.", "基准方案与情景对比（每周）。"))
        if len(scenario.changes):
            ui.table(scenario.changes.round(1), "what_if_warehouses.csv",
                     caption=tr("Warehouses whose role changes.", "角色发生变化的仓库。"))
    else:
        st.caption(tr("Close a warehouse, change a capacity or raise demand to compare with the plan above.",
                      "关闭仓库、修改容量或提高需求，即可与上面的方案对比。"))
    return plan, flows, fig, scenario


# ------------------------------------------------------------------------------------------------
st.title(tr("Logistics", "物流"))
st.caption(tr("How much will sell where, how much stock each product needs, and which warehouse should serve which "
              "store — so a promotion neither runs out nor leaves stock stranded.",
              "哪里会卖多少、每个商品需要多少库存、哪个仓库该供应哪个门店——让促销既不断货也不积压。"))
tx = ui.require_transactions()
dataset = ui.dataset_id()
catalogue = _catalogue(dataset)
tab_f, tab_i, tab_n = st.tabs([tr("Demand forecast", "需求预测"), tr("Stock policy", "库存策略"),
                               tr("Warehouse network", "仓库网络")])
# Each tab fails on its own (ui.section): the network is planned even when the forecast cannot be made.
forecast = stock = network = None
with tab_f, ui.section():
    forecast = forecast_tab(dataset, catalogue)
with tab_i, ui.section():
    if forecast is None:
        st.info(tr("The stock policy starts from the demand forecast, which could not be made: see the Demand "
                   "forecast tab.", "库存策略以需求预测为基础，而需求预测未能完成：请查看“需求预测”标签页。"))
    else:
        stock = inventory_tab(dataset, catalogue, forecast[0].horizon, forecast[0].interval, forecast[1])
with tab_n, ui.section():
    peak_uplift = 0.0
    if forecast is not None and forecast[1]:
        result = forecast[0]
        weekly = result.forecast[result.forecast["model"] == result.recommended].groupby("week")[["forecast", "baseline"]].sum()
        peak_uplift = float((weekly["forecast"] / weekly["baseline"].where(weekly["baseline"] > 0)).max() - 1)
    network = network_tab(dataset, 100 * np.nan_to_num(peak_uplift))

tables, figures, params, notes = {}, {}, {}, []
if forecast is not None:
    result, promo, forecast_fig, backtest_table = forecast
    tables["backtest"], figures["forecast"] = backtest_table, forecast_fig
    params["promotion"] = json.loads(promo) if promo else None
    notes = [tr(f"Most accurate forecast model: {model_label(result.recommended)}.",
                f"最准确的预测模型：{model_label(result.recommended, 'zh')}。")] + result.notes
if stock is not None:
    policy, curve, curve_fig, stock_params = stock
    tables.update({"inventory_policy": policy, "service_curve": curve})
    figures["service_curve"] = curve_fig
    params.update(stock_params)
if network is not None:
    tables["network_flows"] = network[1]
    figures["network"] = network[2]
ui.save_to_report("logistics", tr("Logistics plan", "物流方案"), params=params, tables=tables, figures=figures,
                  notes=notes)
