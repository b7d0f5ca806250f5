"""Pricing page: how sensitive each category and product is to price, which prices earn more
profit within the manager's rules, what a planned promotion really costs and brings, and whether
price experiments (dynamic pricing) would pay."""
from __future__ import annotations

import datetime
import hashlib
import json

import numpy as np
import pandas as pd
import streamlit as st

import ui
from promo_core import charts, io, pricing, promotions
from promo_core import dynamic_pricing as dp
from promo_core.errors import DataError

ui.guard_page()  # first: nothing of this page runs before sign-in

tr = ui.tr
PERIOD_LABELS = {"W": ("week", "周"), "M": ("month", "月"), "D": ("day", "天")}
TIME_EFFECTS = {"auto": ("Automatic", "自动"), "period": ("One effect per category and period", "每个品类每期一个效应"),
                "trend": ("Trend + yearly seasonality", "趋势 + 年度季节性")}


def per() -> str:
    """The aggregation period as a word ('week' / '周')."""
    return tr(*PERIOD_LABELS[st.session_state.get("pr-period", "W")])


# ------------------------------------------------------------------------------------------------
# Cached computations: keyed on the data source's key and the parameters
# ------------------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=4)
def _upload(data: bytes, name: str, mapping: str, extras: tuple) -> io.LoadResult:
    source = pd.io.common.BytesIO(data)
    source.name = name
    return io.load_transactions(source, mapping=json.loads(mapping) or None, extra_columns=list(extras))


def _transactions(src: dict) -> pd.DataFrame:
    if src["kind"] == "dataset":
        return ui.load_table("transactions", src["dataset"])
    return _upload(src["data"], src["name"], src["mapping"], src["extras"]).data


@st.cache_data(show_spinner=False, max_entries=4)
def _model(key: str, period: str, controls: tuple, time_effects: str, lang: str, _src: dict) -> pricing.DemandModel:
    return pricing.fit_demand(_transactions(_src), period, list(controls), time_effects, lang=lang)


@st.cache_data(show_spinner=False, max_entries=4)
def _history(key: str, period: str, controls: tuple, time_effects: str, lang: str, _src: dict):
    return promotions.promotion_history(_model(key, period, controls, time_effects, lang, _src), lang=lang)


@st.cache_data(show_spinner=False, max_entries=8)
def _costs(key: str, period: str, controls: tuple, time_effects: str, lang: str, cost_key: str, margin: float | None,
           _src: dict, _products: pd.DataFrame | None) -> pd.DataFrame:
    model = _model(key, period, controls, time_effects, lang, _src)
    return pricing.unit_costs(model, _products, margin)


@st.cache_data(show_spinner=False, max_entries=8)
def _recommendations(key: str, period: str, controls: tuple, time_effects: str, lang: str, cost_key: str,
                     margin: float | None, rules: str, _src: dict, _products: pd.DataFrame | None) -> pd.DataFrame:
    model = _model(key, period, controls, time_effects, lang, _src)
    costs = _costs(key, period, controls, time_effects, lang, cost_key, margin, _src, _products)
    r = json.loads(rules)
    return pricing.optimal_prices(model, costs, pricing.PriceRules(r["max_change"], r["min_margin"],
                                                                   tuple(r["endings"])), lang=lang)


@st.cache_data(show_spinner=False, max_entries=8)
def _simulate(key: str, period: str, controls: tuple, time_effects: str, lang: str, cost_key: str,
              margin: float | None, scenarios: str, _src: dict, _products: pd.DataFrame | None):
    model = _model(key, period, controls, time_effects, lang, _src)
    costs = _costs(key, period, controls, time_effects, lang, cost_key, margin, _src, _products)
    history = _history(key, period, controls, time_effects, lang, _src)
    plans = [promotions.Scenario(**{**s, "tiers": tuple(tuple(t) for t in s["tiers"])}) for s in json.loads(scenarios)]
    return promotions.simulate_promotions(plans, model, _transactions(_src), costs, history, lang=lang)


@st.cache_data(show_spinner=False, max_entries=8)
def _basket_values(key: str, level: str, target: str | None, _src: dict) -> pd.Series:
    return promotions.basket_values(_transactions(_src), level, target)[0]


@st.cache_data(show_spinner=False, max_entries=16)
def _dynamic(params: str) -> dp.PricingSimulation:
    return dp.simulate_dynamic_pricing(**json.loads(params))


# ------------------------------------------------------------------------------------------------
# Data source: the active dataset or a pricing-data upload
# ------------------------------------------------------------------------------------------------
def data_source() -> dict:
    """Where the page's sales data comes from, with a cache key."""
    with st.expander(tr("Data for this page", "本页数据"), icon=":material/table_chart:",
                     expanded=st.session_state.get("pr-source") == "upload", key="exp-page-data"):
        choice = st.radio(tr("Use", "使用"), ["dataset", "upload"], horizontal=True, key="pr-source",
                          format_func=lambda k: {"dataset": tr("The dataset picked in the sidebar", "侧边栏所选数据集"),
                                                 "upload": tr("A pricing-data upload", "上传定价数据")}[k],
                          help=tr("A pricing-data upload is one row per product and period (or per order line) with "
                                  "units and price, and may carry extra columns such as competitor prices to control "
                                  "for.", "定价数据每行是一个商品一期（或一个订单行），包含销量和价格，还可以带竞品价格等额外列作为控制变量。"))
        if choice == "dataset":
            dataset = ui.dataset_id()
            if dataset is None:
                st.info(tr("No dataset yet: upload one on the Data page or upload pricing data here.",
                           "还没有数据集：请在“数据”页面上传，或在此上传定价数据。"))
                st.stop()
            return {"kind": "dataset", "dataset": dataset, "key": f"dataset:{dataset}"}
        st.caption(tr("Needed: product, date (or month), units and price; category is used when present. Extra numeric "
                      "columns (e.g. comp_1, comp_2 with competitors' prices) can be kept as controls. Monthly "
                      "summaries such as the Kaggle retail_price.csv work as they are.",
                      "必需：商品、日期（或月份）、销量和价格；有品类列时会使用。其他数值列（如竞品价格 comp_1、comp_2）可作为控制变量保留。"
                      "Kaggle 的 retail_price.csv 等月度汇总数据可直接使用。"))
        uploaded = st.file_uploader(tr("Pricing data file", "定价数据文件"), type=["csv", "txt", "xlsx", "parquet"],
                                    key="pr-upload")
        if uploaded is None:
            st.stop()
        data = uploaded.getvalue()
        first = ui.run(_upload, data, uploaded.name, "{}", ())
        columns = first.report["columns"]
        options = [None] + columns
        roles = {"product_id": (tr("Product", "商品"), True), "order_date": (tr("Date or month", "日期或月份"), True),
                 "quantity": (tr("Units", "销量"), True), "unit_price": (tr("Price per unit", "单价"), True),
                 "category": (tr("Category", "品类"), False)}
        cols = st.columns(len(roles))
        mapping = {}
        for col, (role, (label, needed)) in zip(cols, roles.items()):
            guess = first.mapping.get(role)
            mapping[role] = col.selectbox(label + (" *" if needed else ""), options,
                                          index=options.index(guess) if guess in options else 0,
                                          format_func=lambda c: tr("— none —", "— 无 —") if c is None else c,
                                          key=f"pr-map-{role}")
        used = {c for c in mapping.values() if c}
        spare = [c for c in columns if c not in used and c not in io.CANONICAL + io.DERIVED]
        default = [c for c in spare if c.lower().startswith("comp") or "竞" in c]
        extras = st.multiselect(tr("Extra numeric columns to keep as controls", "作为控制变量保留的额外数值列"), spare,
                                default=default, key="pr-extras",
                                help=tr("Competitor prices and other things that move demand. Their effect is "
                                        "estimated alongside price, so it is not mistaken for a price effect.",
                                        "竞品价格等影响需求的因素。其影响与价格一同估计，避免被误当作价格效应。"))
        full_mapping = {**{r: None for r in ("customer_id", "product_name", "order_id", "channel", "store_id",
                                               "coupon_code", "discount")}, **mapping}
        mapping_json = json.dumps(full_mapping, sort_keys=True)
        result = ui.run(_upload, data, uploaded.name, mapping_json, tuple(extras))
        st.caption(tr(f"Read {result.rows_in:,} rows: {len(result.data):,} loaded, {len(result.quarantine):,} set aside "
                      "with a reason.", f"读取 {result.rows_in:,} 行：{len(result.data):,} 行已读入，"
                                        f"{len(result.quarantine):,} 行因故隔离。"))
        if len(result.quarantine):
            ui.table(result.quarantine.head(1000), "pricing-upload-quarantine.csv")
        digest = hashlib.sha1(data).hexdigest()[:16]
        return {"kind": "upload", "data": data, "name": uploaded.name, "mapping": mapping_json,
                "extras": tuple(extras), "key": f"upload:{digest}:{hashlib.sha1(mapping_json.encode()).hexdigest()[:8]}"}


# widgets whose choices come from the data (products, categories, dates): reset when the data changes
DATA_BOUND_WIDGETS = ("pr-sc-", "pr-curve-product", "pr-dyn-", "pr-send-choice", "pr-controls")


def settings(tx: pd.DataFrame, source_key: str) -> tuple[str, tuple, str]:
    """Sidebar: period, time effects and controls."""
    if st.session_state.get("pr-period-source") != source_key:  # new data: start from its own defaults
        for key in [k for k in st.session_state if str(k).startswith(DATA_BOUND_WIDGETS)]:
            del st.session_state[key]
        st.session_state["pr-period"] = pricing.detect_period(tx)
        st.session_state["pr-period-source"] = source_key
    with st.sidebar:
        st.subheader(tr("Pricing settings", "定价设置"))
        period = st.selectbox(tr("Period", "周期"), ["W", "M"], key="pr-period",
                              format_func=lambda p: {"W": tr("Weeks", "周"), "M": tr("Months", "月")}[p],
                              help=tr("Sales are summed per product and period before the demand model is fitted. "
                                      "Monthly summaries need months.", "拟合需求模型前，销量按商品和周期汇总。月度汇总数据需选择“月”。"))
        effects = st.selectbox(tr("Season and trend control", "季节与趋势控制"), list(TIME_EFFECTS), key="pr-time",
                               format_func=lambda k: tr(*TIME_EFFECTS[k]),
                               help=tr("Keeps busy seasons from looking like price effects. Automatic uses one effect "
                                       "per category and period when enough products share each period, else a "
                                       "trend with yearly seasonality.",
                                       "避免把旺季误认为价格效应。“自动”在每期有足够多商品时为每个品类每期设一个效应，否则使用趋势加年度季节性。"))
        extra = [c for c in tx.columns if c not in io.CANONICAL + io.DERIVED
                 and pd.api.types.is_numeric_dtype(tx[c])]
        controls = st.multiselect(tr("Controls", "控制变量"), extra, default=extra, key="pr-controls",
                                  help=tr("Numeric columns such as competitor prices, used as logs.",
                                          "竞品价格等数值列（取对数）。")) if extra else []
    return period, tuple(controls), effects


# ------------------------------------------------------------------------------------------------
# Sections
# ------------------------------------------------------------------------------------------------
def headline(model: pricing.DemandModel) -> None:
    cats, prods = model.categories, model.products
    c = st.columns(4)
    c[0].metric(tr("Dependable categories", "估计可靠的品类"),
                f"{int(cats['reliable'].sum())} / {len(cats)}",
                help=tr("Categories whose estimate is dependable: enough price changes and periods, a negative and "
                        "plausible elasticity and a reasonably narrow interval.",
                        "估计可靠的品类：价格变化和期数足够，弹性为负且合理，区间不太宽。"))
    c[1].metric(tr("Dependable products", "估计可靠的商品"),
                f"{int(prods['reliable'].sum()):,} / {len(prods):,}",
                help=tr("Products whose own data gives a dependable estimate. The others lean on their category "
                        "(partial pooling) or are not estimated; the table says why.",
                        "自身数据足以给出可靠估计的商品。其余商品借用品类估计（部分合并）或未作估计；表格中说明了原因。"))
    good = cats[cats["reliable"]]
    if len(good):
        typical = float(good["elasticity"].median())
        c[2].metric(tr("Typical category elasticity", "典型品类弹性"), f"{typical:.2f}",
                    help=tr("Median over dependable categories. Elasticity = % change in units for a 1% price change.",
                            "可靠品类的中位数。弹性 = 价格变动 1% 时销量变动的百分比。"))
        c[3].metric(tr("Units after a 10% price cut", "降价 10% 后的销量"), f"{0.9 ** typical - 1:+.0%}",
                    help=tr("For the typical category, all else equal.", "典型品类，其他条件不变。"))
    else:
        c[2].metric(tr("Typical category elasticity", "典型品类弹性"), "–",
                    help=tr("No category has a dependable estimate.", "没有品类的估计是可靠的。"))


def elasticity_section(model: pricing.DemandModel) -> dict:
    st.caption(tr("How much units change when the price changes by 1%: −2 means a 10% price cut sells about 23% more. "
                  "Only price changes of the same product count (product fixed effects), seasons are controlled for, "
                  "and every estimate carries its 90% interval.",
                  "价格变动 1% 时销量变动的百分比：−2 表示降价 10% 约多卖 23%。只使用同一商品自身的价格变化（商品固定效应），控制季节因素，"
                  "每个估计都附 90% 区间。"))
    level = st.radio(tr("Show", "显示"), ["category", "product"], horizontal=True, key="pr-level",
                     format_func=lambda k: {"category": tr("Categories", "品类"), "product": tr("Products", "商品")}[k])
    cats = model.categories.sort_values("elasticity", na_position="last")
    fig_cat = charts.elasticity_intervals(
        cats, "category", tr("Price elasticity by category (90% interval)", "各品类价格弹性（90% 区间）"),
        tr("Elasticity (% change in units per 1% price change)", "弹性（价格变动 1% 的销量变动 %）"),
        tr("Dependable", "可靠"), tr("Not dependable (see reason)", "不可靠（见原因）"))
    fig_prod = charts.elasticity_pooling(
        model.products, tr("Products: own estimate vs partially pooled", "商品：自身估计与部分合并估计"),
        tr("Own estimate (product's data only)", "自身估计（仅用该商品数据）"),
        tr("Pooled estimate (used for pricing)", "合并估计（用于定价）"),
        {"reliable": tr("Dependable own estimate", "自身估计可靠"),
         "unreliable": tr("Leans on its category", "主要借用品类估计"), "diagonal": tr("No pooling", "不合并")})
    if level == "category":
        ui.chart(fig_cat, key="pr-elasticity-chart")
        cats = cats.assign(time_effects=cats["time_effects"].map(
            lambda v: tr("One effect per period", "每期一个效应") if v == "period" else tr("Trend + seasonality", "趋势 + 季节性")))
        table = cats.rename(columns=_labels(CAT_COLUMNS))[[_label(c) for c in CAT_COLUMNS]]
        ui.table(table, "elasticities-by-category.csv", column_config=_decimals(cats, CAT_COLUMNS), caption=tr(
            "“Without product effects” is the same model ignoring which product sold: it compares cheap and dear "
            "products instead of price changes, which is why it can even get the sign wrong.",
            "“不含商品效应”是忽略商品差异的同一模型：它比较的是便宜与昂贵的商品而不是价格变化，因此甚至可能得出错误的符号。"))
    else:
        ui.chart(fig_prod, key="pr-pooling-chart")
        prods = model.products.sort_values(["category", "elasticity"])
        table = prods.rename(columns=_labels(PROD_COLUMNS))[[_label(c) for c in PROD_COLUMNS]]
        ui.table(table, "elasticities-by-product.csv", column_config=_decimals(prods, PROD_COLUMNS), caption=tr(
            "Each product's own estimate is pulled toward its category in proportion to how uncertain it is "
            "(empirical Bayes); “category weight” says how much. Products whose price never changed are not estimated.",
            "每个商品的自身估计按其不确定程度向品类估计收缩（经验贝叶斯）；“品类权重”表示收缩程度。价格从未变化的商品不作估计。"))
    flagged = model.products[~model.products["reliable"]]
    if len(flagged):
        with st.expander(tr(f"Why {len(flagged):,} product estimates are not dependable",
                            f"为什么有 {len(flagged):,} 个商品的估计不可靠")):
            counts = flagged["flag"].value_counts().rename_axis("flag").reset_index(name="products")
            counts["reason"] = counts["flag"].map(flagged.drop_duplicates("flag").set_index("flag")["reason"])
            counts["flag"] = counts["flag"].map(lambda f: tr(*FLAG_NAMES.get(f, (f, f))))
            ui.table(counts.rename(columns={"flag": tr("Problem", "问题"), "products": tr("Products", "商品数"),
                                            "reason": tr("Example explanation", "示例说明")}),
                     "elasticity-flags.csv")
    return {"category": fig_cat, "product": fig_prod}


CAT_COLUMNS = ["category", "elasticity", "ci_low", "ci_high", "se", "n_periods", "n_products", "n_price_changes",
               "r2", "elasticity_naive", "time_effects", "controls_used", "reliable", "reason"]
PROD_COLUMNS = ["product_id", "product_name", "category", "elasticity", "ci_low", "ci_high", "elasticity_raw",
                "raw_ci_low", "raw_ci_high", "category_elasticity", "pooling", "n_periods", "n_price_changes",
                "last_price", "reliable", "reason"]
COLUMN_LABELS = {
    "category": ("Category", "品类"), "elasticity": ("Elasticity", "弹性"), "ci_low": ("90% low", "90% 下限"),
    "ci_high": ("90% high", "90% 上限"), "se": ("Std. error", "标准误"), "n_periods": ("Periods", "期数"),
    "n_products": ("Products", "商品数"), "n_price_changes": ("Periods with a price change", "价格变化期数"),
    "r2": ("R² (deviance)", "R²（偏差）"), "elasticity_naive": ("Without product effects", "不含商品效应"),
    "time_effects": ("Season control", "季节控制"), "controls_used": ("Controls used", "使用的控制变量"),
    "reliable": ("Dependable", "可靠"), "reason": ("Why", "说明"), "product_id": ("Product ID", "商品编号"),
    "product_name": ("Product", "商品"), "elasticity_raw": ("Own estimate", "自身估计"),
    "raw_ci_low": ("Own 90% low", "自身 90% 下限"), "raw_ci_high": ("Own 90% high", "自身 90% 上限"),
    "category_elasticity": ("Category estimate", "品类估计"), "pooling": ("Category weight", "品类权重"),
    "last_price": ("Last price", "最近价格"),
}
FLAG_NAMES = {"ok": ("Dependable", "可靠"), "constant_price": ("Price never changed", "价格从未变化"),
              "few_periods": ("Too few periods", "期数太少"), "little_variation": ("Too little price variation", "价格变化太少"),
              "positive": ("Positive elasticity", "弹性为正"), "implausible": ("Implausibly elastic", "弹性不合常理"),
              "uncertain": ("Too uncertain", "不确定性太大"), "not_identified": ("Cannot be separated", "无法分离")}


def _label(col: str) -> str:
    return tr(*COLUMN_LABELS[col])


def _labels(cols: list[str]) -> dict:
    return {c: _label(c) for c in cols}


def _decimals(frame: pd.DataFrame, cols: list[str]) -> dict:
    """Show float columns with two decimals (shares as percentages); downloads keep full precision."""
    config = {}
    for col in cols:
        if pd.api.types.is_float_dtype(frame[col]):
            config[_label(col)] = st.column_config.NumberColumn(format="percent" if col == "pooling" else "%.2f")
    return config


def cost_inputs(model: pricing.DemandModel) -> tuple[str, float | None, pd.DataFrame | None]:
    """Where unit costs come from: the dataset's products table, an upload, and/or a margin assumption."""
    products = ui.load_table("products") if st.session_state.get("pr-source", "dataset") == "dataset" else None
    has_table = products is not None and "unit_cost" in products.columns
    options = (["table"] if has_table else []) + ["upload", "margin"]
    c1, c2 = st.columns([2, 1])
    source = c1.radio(tr("Unit costs from", "单位成本来源"), options, horizontal=True, key="pr-cost-source",
                      format_func=lambda k: {"table": tr("The dataset's products table", "数据集的商品表"),
                                             "upload": tr("A products file", "上传商品文件"),
                                             "margin": tr("An assumed margin", "假设毛利率")}[k])
    margin = c2.slider(tr("Assumed gross margin where no cost is known", "无成本时假设的毛利率"), 0, 90, 40, 5,
                       format="%d%%", key="pr-margin",
                       help=tr("Cost = current price × (1 − margin) for products without a known unit cost.",
                               "对于没有单位成本的商品：成本 = 当前价格 × (1 − 毛利率)。")) / 100
    if source == "table":
        return "table", margin, products[["product_id", "unit_cost"]]
    if source == "upload":
        file = st.file_uploader(tr("Products file with unit costs (product, unit_cost)", "含单位成本的商品文件（商品、成本）"),
                                type=["csv", "txt", "xlsx"], key="pr-cost-file",
                                help=tr("Columns: a product code (product_id, SKU, 商品编码) and the cost of one unit "
                                        "(unit_cost, cost, 成本).", "列：商品编码（product_id、SKU、商品编码）和单位成本（unit_cost、cost、成本）。"))
        if file is None:
            st.info(tr("Upload a products file, or use an assumed margin meanwhile.", "请上传商品文件，或暂时使用假设毛利率。"))
            return "margin", margin, None
        read = pricing.read_unit_costs(file)
        if len(read.rejected):
            st.warning(tr(f"{len(read.rejected):,} row(s) of the products file were not used (see the table).",
                          f"商品文件中有 {len(read.rejected):,} 行未被使用（见表格）。"))
            ui.table(read.rejected, "unit-cost-rejected-rows.csv")
        return "upload:" + hashlib.sha1(file.getvalue()).hexdigest()[:16], margin, read.costs
    return "margin", margin, None


def prices_section(src: dict, args: tuple, model: pricing.DemandModel, cost: tuple) -> tuple[pd.DataFrame, dict]:
    st.caption(tr("For each product, the price that maximises (price − cost) × units on its demand curve, within your "
                  "rules. An uncertain elasticity argues for smaller moves; every projection carries a 90% interval.",
                  "为每个商品在其需求曲线上找出使 (价格 − 成本) × 销量最大的价格，并遵守您的规则。弹性越不确定，调价幅度越小；"
                  "所有预测都附 90% 区间。"))
    c = st.columns(3)
    max_change = c[0].slider(tr("Largest price change", "最大调价幅度"), 1, 50, 10, 1, format="±%d%%", key="pr-max-change",
                             help=tr("No price moves further than this from today's regular price.",
                                     "任何价格都不会偏离当前常规价格超过此幅度。")) / 100
    min_margin = c[1].slider(tr("Minimum gross margin", "最低毛利率"), 0, 80, 20, 1, format="%d%%", key="pr-min-margin",
                             help=tr("(price − cost) / price must be at least this.", "(价格 − 成本) / 价格 不得低于此值。")) / 100
    endings = c[2].multiselect(tr("Price endings", "价格尾数"), [".99", ".95", ".49", ".00"], default=[".99"],
                               key="pr-endings", help=tr("Allowed cents. Leave empty for any price.",
                                                        "允许的分位尾数。留空表示任意价格。"))
    rules = json.dumps({"max_change": max_change, "min_margin": min_margin,
                        "endings": [float("0" + e) for e in endings]})
    with st.spinner(tr("Finding the most profitable prices…", "正在寻找利润最高的价格…")):
        recs = _recommendations(*args, *cost[:2], rules, src, cost[2])
    moved = recs[recs["status"] == "change"]
    c = st.columns(4)
    c[0].metric(tr("Prices to raise", "建议提价"), f"{int((moved['change_pct'] > 0).sum()):,}",
                help=tr("Products whose most profitable allowed price is above today's.", "规则允许的最优价格高于当前价格的商品数。"))
    c[1].metric(tr("Prices to lower", "建议降价"), f"{int((moved['change_pct'] < 0).sum()):,}",
                help=tr("Products whose most profitable allowed price is below today's.", "规则允许的最优价格低于当前价格的商品数。"))
    c[2].metric(tr(f"Extra gross profit per {per()}", f"每{per()}增加的毛利"), ui.money(moved["profit_change"].sum(), 0),
                help=tr(f"Expected change in (price − cost) × units per {per()} if every recommendation is applied, "
                        "on the fitted demand curves.", f"若采纳全部建议，按拟合的需求曲线，每{per()}的毛利预期变化。"))
    confident = (moved["prob_profit_up"] >= 0.8).mean() if len(moved) else np.nan
    c[3].metric(tr("Changes with ≥80% chance of more profit", "盈利概率 ≥80% 的调价"),
                "–" if np.isnan(confident) else f"{confident:.0%}",
                help=tr("Share of recommended changes that earn more profit in at least 80% of the simulations over "
                        "the elasticity's uncertainty.", "在弹性不确定性的模拟中至少 80% 情况下利润更高的建议调价占比。"))
    not_priced = recs[~recs["status"].isin(["change", "keep"])]
    if len(not_priced):
        reasons = "; ".join(f"{k} ({n:,})" for k, n in not_priced["note"].value_counts().items())
        st.caption(tr(f"{len(not_priced):,} product(s) get no recommendation. ", f"{len(not_priced):,} 个商品没有建议。")
                   + reasons)
    figure = None
    priced = recs[recs["status"].isin(["change", "keep"])].sort_values("profit_change", ascending=False)
    if len(priced):
        labels = dict(zip(priced["product_id"], priced["product_name"].astype(str) + " (" + priced["product_id"] + ")"))
        pick = st.selectbox(tr("Demand and profit curve of", "查看需求与利润曲线"), list(labels), format_func=labels.get,
                            key="pr-curve-product", help=tr("Sorted by the extra profit the recommendation brings.",
                                                           "按建议带来的额外利润排序。"))
        row = priced.set_index("product_id").loc[pick]
        base = pricing.current_prices(model).set_index("product_id").loc[pick]
        curve = pricing.demand_curve(row["current_price"], row["unit_cost"], row["elasticity"], row["elasticity_se"],
                                     base["base_units"], base["base_total"], width=max(0.3, max_change * 1.5))
        figure = charts.demand_profit_curve(
            curve, row["current_price"], row["recommended_price"],
            tr(f"Demand and profit per {per()}: {labels[pick]}", f"每{per()}需求与利润：{labels[pick]}"),
            tr(f"Price ({ui.currency()})", f"价格（{ui.currency()}）"), tr(f"Units per {per()}", f"每{per()}销量"),
            tr(f"Gross profit per {per()} ({ui.currency()})", f"每{per()}毛利（{ui.currency()}）"),
            {"units": tr("Units", "销量"), "profit": tr("Gross profit", "毛利"), "band": tr("Profit, 90% band", "毛利 90% 区间"),
             "current": tr("Current", "当前"), "recommended": tr("Recommended", "建议")})
        ui.chart(figure, key="pr-curve-chart")
        st.caption(row["note"])
    labels = _rec_labels()
    shown = recs.rename(columns=labels)[list(labels.values())]
    percent = {labels[c]: st.column_config.NumberColumn(format="percent") for c in ("change_pct", "prob_profit_up")}
    decimals = {labels[c]: st.column_config.NumberColumn(format="%.2f") for c in labels
                if c not in ("change_pct", "prob_profit_up") and pd.api.types.is_float_dtype(recs[c])}
    ui.table(shown, "price-recommendations.csv", column_config=percent | decimals, caption=tr(
        f"Money and units are per {per()} at the recent level of demand; “low/high” are 90% intervals.",
        f"金额和销量均为按近期需求水平计算的每{per()}数值；“下限/上限”为 90% 区间。"))
    return recs, ({"curve": figure} if figure is not None else {})


def _rec_labels() -> dict:
    pairs = [("product_id", "Product ID", "商品编号"), ("product_name", "Product", "商品"), ("category", "Category", "品类"),
             ("current_price", "Current price", "当前价格"), ("unit_cost", "Unit cost", "单位成本"),
             ("cost_source", "Cost from", "成本来源"), ("elasticity", "Elasticity", "弹性"),
             ("recommended_price", "Recommended price", "建议价格"), ("change_pct", "Change", "变化"),
             ("units_current", "Units now", "当前销量"), ("units_new", "Units at new price", "新价格销量"),
             ("units_low", "Units low", "销量下限"), ("units_high", "Units high", "销量上限"),
             ("revenue_current", "Revenue now", "当前收入"), ("revenue_new", "Revenue at new price", "新价格收入"),
             ("profit_current", "Gross profit now", "当前毛利"), ("profit_new", "Gross profit at new price", "新价格毛利"),
             ("profit_low", "Profit low", "毛利下限"), ("profit_high", "Profit high", "毛利上限"),
             ("profit_change", "Profit change", "毛利变化"), ("prob_profit_up", "Chance of more profit", "盈利提升概率"),
             ("binding", "Limited by", "受限于"), ("status", "Status", "状态"), ("note", "Note", "说明")]
    return {k: tr(en, zh) for k, en, zh in pairs}


# ------------------------------------------------------------------------------------------------
# Promotion simulator
# ------------------------------------------------------------------------------------------------
DEFAULT_SCENARIOS = [
    {"name": ("20% off", "八折"), "mechanic": "percent_off", "level": "category", "discount": 0.2},
    {"name": ("Spend & save", "满减"), "mechanic": "threshold", "level": "store"},
    {"name": ("Buy 1 get 1", "买一送一"), "mechanic": "bogo", "level": "product"},
    {"name": ("Flash sale", "限量闪购"), "mechanic": "flash_sale", "level": "category", "discount": 0.3},
]


def _parse_tiers(text_value: str) -> list:
    tiers = []
    for part in text_value.replace("，", ",").replace("；", ",").replace(";", ",").split(","):
        if not part.strip():
            continue
        bits = part.replace("：", ":").replace("-", ":").replace("减", ":").replace("满", "").split(":")
        if len(bits) != 2:
            raise DataError(tr(f"Could not read the threshold {part.strip()!r}: write spend:save, e.g. 50:5, 100:12.",
                               f"无法识别门槛 {part.strip()!r}：请写成 满:减，例如 50:5, 100:12。"))
        try:
            tiers.append((float(bits[0]), float(bits[1])))
        except ValueError:
            raise DataError(tr(f"Could not read the threshold {part.strip()!r}: both parts must be numbers.",
                               f"无法识别门槛 {part.strip()!r}：两部分都必须是数字。")) from None
    return tiers


def scenario_inputs(src: dict, model: pricing.DemandModel, tx: pd.DataFrame, n: int) -> list[dict]:
    # the most price-sensitive category and best-selling products first: where a promotion has its best chance
    categories = model.categories.sort_values("elasticity", na_position="last")["category"].astype(str).tolist()
    prods = model.products.sort_values("mean_units", ascending=False)
    names = dict(zip(prods["product_id"], prods["product_name"].astype(str) + " (" + prods["product_id"] + ")"))
    end = pd.Timestamp(tx["order_date"].max()).normalize()
    start_default = (end + pd.Timedelta(days=8)).date()
    try:
        typical = float(_basket_values(src["key"], "store", None, src).quantile(0.75))
        has_baskets = True
    except DataError:
        typical, has_baskets = 50.0, False
    step = 10 ** max(int(np.log10(max(typical, 1))), 0)
    tier_default = f"{max(round(typical / step), 1) * step:g}:{max(round(typical / step), 1) * step / 10:g}"
    scenarios = []
    cols = st.columns(n)
    for i, col in enumerate(cols):
        d = DEFAULT_SCENARIOS[i]
        if d["mechanic"] == "threshold" and not has_baskets:  # monthly summaries hold no baskets
            d = {"name": ("10% off", "九折"), "mechanic": "percent_off", "level": "store", "discount": 0.1}
        with col.container(border=True):
            name = st.text_input(tr("Name", "名称"), tr(*d["name"]), key=f"pr-sc-name-{i}")
            mechanic = st.selectbox(tr("Type", "类型"), list(promotions.MECHANICS), key=f"pr-sc-mech-{i}",
                                    index=list(promotions.MECHANICS).index(d["mechanic"]),
                                    format_func=lambda k: tr(*promotions.MECHANICS[k]))
            level = st.selectbox(tr("Applies to", "适用范围"), list(promotions.LEVELS), key=f"pr-sc-level-{i}",
                                 index=list(promotions.LEVELS).index(d["level"]),
                                 format_func=lambda k: tr(*promotions.LEVELS[k]))
            target = None
            if level == "category":
                target = st.selectbox(tr("Category", "品类"), categories, key=f"pr-sc-cat-{i}")
            elif level == "product":
                target = st.selectbox(tr("Product", "商品"), list(names), format_func=names.get, key=f"pr-sc-prod-{i}")
            dates = st.date_input(tr("From – to", "起止日期"), (start_default, start_default + datetime.timedelta(days=13)),
                                  key=f"pr-sc-dates-{i}")
            if not isinstance(dates, (tuple, list)) or len(dates) != 2:
                st.stop()
            spec = {"name": name, "mechanic": mechanic, "level": level, "target": target,
                    "start": str(dates[0]), "end": str(dates[1]), "discount": 0.2, "tiers": [], "buy": 1, "free": 1,
                    "cap_units": None, "stretch": 1.0, "take_up": 1.0}
            if mechanic in ("percent_off", "flash_sale"):
                spec["discount"] = st.slider(tr("Discount", "折扣"), 5, 70, int(100 * d.get("discount", 0.2)), 5,
                                             format="%d%% off", key=f"pr-sc-disc-{i}") / 100
            if mechanic == "flash_sale":
                spec["cap_units"] = float(st.number_input(tr("Units available at the sale price", "限量件数"), 1, 10**7,
                                                          200, key=f"pr-sc-cap-{i}",
                                                          help=tr("The sale stops when these are sold.", "售完即止。")))
            if mechanic == "bogo":
                b1, b2 = st.columns(2)
                spec["buy"] = int(b1.number_input(tr("Buy", "买"), 1, 10, 1, key=f"pr-sc-buy-{i}"))
                spec["free"] = int(b2.number_input(tr("Get free", "送"), 1, 10, 1, key=f"pr-sc-free-{i}"))
            if mechanic == "threshold":
                tiers_text = st.text_input(tr("Spend:save tiers", "满:减 档位"), tier_default, key=f"pr-sc-tiers-{i}",
                                           help=tr("e.g. 50:5, 100:12 = spend 50 save 5, spend 100 save 12.",
                                                   "例如 50:5, 100:12 表示满 50 减 5，满 100 减 12。"))
                spec["tiers"] = _parse_tiers(tiers_text)
                spec["stretch"] = st.slider(tr("How far shoppers top up (× the saving)", "顾客凑单幅度（优惠的倍数）"),
                                            0.0, 5.0, 1.0, 0.5, key=f"pr-sc-stretch-{i}",
                                            help=tr("A basket below a threshold grows to it when the gap is at most this "
                                                    "many times the saving. 1 = only when the saving pays for the "
                                                    "extra items.", "当差额不超过优惠的该倍数时，购物篮会凑到门槛。1 = 仅当优惠足以覆盖新增商品时。"))
                spec["take_up"] = st.slider(tr("Share of shoppers who act", "会凑单的顾客比例"), 0, 100, 60, 5,
                                            format="%d%%", key=f"pr-sc-take-{i}",
                                            help=tr("Not everyone notices the offer or bothers to top up.",
                                                    "并非每位顾客都会注意到优惠或愿意凑单。")) / 100
            scenarios.append(spec)
    return scenarios


def promotions_section(src: dict, args: tuple, model: pricing.DemandModel, tx: pd.DataFrame,
                       cost: tuple) -> tuple[dict, dict]:
    st.caption(tr("Compare up to four promotions before running them: extra units, revenue and gross margin, what the "
                  "discount costs, and the lift needed just to break even. Spend-X-save-Y offers are played out on "
                  "your real baskets.",
                  "在执行前比较最多四个促销方案：新增销量、收入和毛利、折扣成本，以及保本所需的销量提升。满减方案用您真实的购物篮模拟。"))
    with st.spinner(tr("Measuring what past promotions did…", "正在测量历史促销的效果…")):
        history = _history(*args, src)
    c = st.columns(3)
    c[0].metric(tr("Past promotions found", "发现的历史促销"), f"{len(history.events):,}",
                help=tr("Product-periods priced at least 5% below the regular price on both sides.",
                        "价格比前后常规价格都低至少 5% 的商品-周期。"))
    for col, effect, label in ((c[1], history.pull_forward, tr("Pull-forward", "提前透支")),
                               (c[2], history.cannibalisation, tr("Cannibalisation", "蚕食"))):
        value = f"{effect.share:.0%} ({effect.ci_low:.0%} – {effect.ci_high:.0%})" if effect.measured else "–"
        col.metric(label, value, help=effect.note)
    st.caption(tr("Pull-forward: share of a promotion's extra units lost in the periods after it (shoppers stocked up). "
                  "Cannibalisation: share taken from sister products in the category. Both are measured from your past "
                  "promotions and applied below (negative estimates count as zero).",
                  "提前透支：促销带来的额外销量中，在促销后几期流失的比例（顾客囤货）。蚕食：从同品类其他商品抢来的比例。"
                  "两者都由您的历史促销测得并用于下方模拟（负的估计按零计算）。"))
    n = st.number_input(tr("Scenarios to compare", "比较的方案数"), 1, 4, 3, key="pr-n-scenarios")
    specs = scenario_inputs(src, model, tx, int(n))
    with st.spinner(tr("Simulating the promotions…", "正在模拟促销…")):
        results, assumptions = _simulate(*args, cost[0], cost[1], json.dumps(specs), src, cost[2])
    best = results.sort_values("incremental_margin", ascending=False).iloc[0]
    if best["incremental_margin"] < 0:
        st.warning(tr("None of these scenarios pays for itself in gross margin: each gives away more in discounts than "
                      "its extra sales earn. Shallower discounts, higher thresholds or more price-sensitive targets "
                      "do better.", "这些方案都无法用毛利收回成本：折扣让出的比新增销售赚得多。较浅的折扣、较高的门槛或对价格更敏感的对象效果更好。"),
                   icon=":material/trending_down:")
    c = st.columns(4)
    c[0].metric(tr("Best scenario for gross margin", "毛利最佳方案"), best["scenario"],
                help=tr("Highest incremental gross margin after discount cost, pull-forward and cannibalisation.",
                        "扣除折扣成本、提前透支和蚕食后新增毛利最高的方案。"))
    c[1].metric(tr("Its incremental gross margin", "其新增毛利"), ui.money(best["incremental_margin"], 0),
                help=tr("Promotion gross margin minus what the same days would earn without it.",
                        "促销期毛利减去同期不促销时的毛利。"))
    c[2].metric(tr("Its discount cost", "其折扣成本"), ui.money(best["discount_cost"], 0),
                help=tr("Money given away in discounts, including to shoppers who would have bought anyway.",
                        "以折扣形式让出的金额，包括给本来就会购买的顾客的部分。"))
    be = best["break_even_lift"]
    c[3].metric(tr("Lift needed to break even vs expected", "保本所需提升 vs 预期提升"),
                f"{be:+.0%} / {best['lift']:+.0%}" if np.isfinite(be) else tr("never", "无法保本"),
                help=tr("Units (or, for spend-and-save, spend) must grow by the first number for gross margin to stay "
                        "level; the second is what the model expects.", "销量（满减为消费额）需增长第一个数字毛利才能持平；第二个数字是模型的预期。"))
    names = {"incremental_revenue": tr("Incremental revenue", "新增收入"), "discount_cost": tr("Discount cost", "折扣成本"),
             "incremental_margin": tr("Incremental gross margin", "新增毛利")}
    fig = charts.scenario_bars(results, tr("Promotion scenarios side by side", "促销方案对比"),
                               tr(f"Over each promotion's days ({ui.currency()})", f"各方案促销期内（{ui.currency()}）"),
                               names)
    ui.chart(fig, key="pr-scenario-chart")
    ui.table(_scenario_table(results, model), "promotion-scenarios.csv", caption=tr(
        "One column per scenario; totals over its days. Incremental revenue and margin are net of pull-forward and "
        "cannibalisation.", "每列一个方案；为促销期内合计。新增收入和毛利已扣除提前透支和蚕食。"))
    with st.expander(tr("Assumptions behind each scenario", "各方案的假设")):
        ui.table(assumptions.rename(columns={"scenario": tr("Scenario", "方案"), "assumption": tr("Assumption", "假设")}),
                 "promotion-assumptions.csv")
    figures = {"scenarios": fig}
    for spec in specs:
        if spec["mechanic"] == "threshold":
            values = _basket_values(src["key"], spec["level"], spec["target"], src)
            hist = charts.basket_threshold_histogram(
                values, spec["tiers"], tr(f"Basket values and thresholds: {spec['name']}", f"购物篮金额与门槛：{spec['name']}"),
                tr(f"Eligible spend per basket ({ui.currency()})", f"每篮可参与金额（{ui.currency()}）"),
                tr("Baskets (last 8 weeks)", "购物篮数（最近 8 周）"), tr("spend {spend:g} save {save:g}", "满 {spend:g} 减 {save:g}"))
            ui.chart(hist, key=f"pr-basket-{spec['name']}")
            figures[f"baskets {spec['name']}"] = hist
    st.markdown(tr("**Plan it in Logistics**", "**在物流中规划**"))
    chosen = st.selectbox(tr("Scenario to hand to the Logistics forecast", "交给物流预测的方案"), results["scenario"].tolist(),
                          key="pr-send-choice")
    if st.button(tr("Use this scenario in the demand forecast", "在需求预测中使用此方案"), key="pr-send",
                 icon=":material/local_shipping:"):
        spec = next(s for s in specs if s["name"] == chosen)
        plan = promotions.Scenario(**{**spec, "tiers": tuple(tuple(t) for t in spec["tiers"])})
        st.session_state["pricing_scenario"] = promotions.scenario_for_forecast(
            plan, results.set_index("scenario").loc[chosen])
    if st.session_state.get("pricing_scenario"):
        s = st.session_state["pricing_scenario"]
        st.success(tr(f"The Logistics page will forecast with “{s['name']}”: {s['discount']:.0%} effective discount on "
                      f"{s['target'] or 'the whole store'}, {s['start']} to {s['end']}, {s['expected_lift']:+.0%} units "
                      "while it runs.",
                      f"物流页面将按“{s['name']}”预测：{s['target'] or '全店'} 实际折扣 {s['discount']:.0%}，"
                      f"{s['start']} 至 {s['end']}，促销期间销量 {s['expected_lift']:+.0%}。"))
    return {"results": results, "assumptions": assumptions}, figures


def _scenario_table(results: pd.DataFrame, model: pricing.DemandModel) -> pd.DataFrame:
    """Scenarios as columns, measures as rows, formatted for reading (the CSV keeps these labels)."""
    rows = [("mechanic", "Type", "类型", "label"), ("level", "Applies to", "适用范围", "label"),
            ("target", "Target", "对象", "target"), ("days", "Days", "天数", "count"),
            ("elasticity", "Elasticity used", "使用的弹性", "ratio"),
            ("baseline_units", "Units without promotion", "不促销销量", "count"),
            ("promo_units", "Units with promotion", "促销销量", "count"), ("incremental_units", "Extra units", "新增销量", "count"),
            ("pull_forward_units", "Lost to pull-forward", "提前透支损失", "count"),
            ("cannibalised_units", "Taken from sister products", "蚕食同类商品", "count"),
            ("net_incremental_units", "Net extra units", "净新增销量", "count"),
            ("baseline_revenue", "Revenue without", "不促销收入", "money"), ("promo_revenue", "Revenue with", "促销收入", "money"),
            ("incremental_revenue", "Incremental revenue", "新增收入", "money"),
            ("baseline_margin", "Gross margin without", "不促销毛利", "money"),
            ("promo_margin", "Gross margin with", "促销毛利", "money"),
            ("incremental_margin", "Incremental gross margin", "新增毛利", "money"),
            ("discount_cost", "Discount cost", "折扣成本", "money"), ("lift", "Expected lift", "预期提升", "share"),
            ("break_even_lift", "Lift needed to break even", "保本所需提升", "share"),
            ("effective_discount", "Effective discount", "实际折扣", "share"),
            ("baskets", "Baskets in the window", "期间购物篮数", "count"),
            ("share_already_above", "Baskets already above a threshold", "已达门槛的购物篮", "share"),
            ("share_grew", "Baskets that top up", "凑单的购物篮", "share"),
            ("giveaway", "Saving given for nothing", "白送的优惠", "money"),
            ("margin_per_discount", "Margin per 1 of discount", "每 1 元折扣的毛利", "ratio")]
    names = dict(zip(model.products["product_id"].astype(str), model.products["product_name"].astype(str)))
    labels = {**{k: tr(*v) for k, v in promotions.MECHANICS.items()}, **{k: tr(*v) for k, v in promotions.LEVELS.items()}}

    def show(value, kind):
        if kind == "label":
            return labels.get(value, value)
        if kind == "target":
            return names.get(value, value) or tr("Whole store", "全店")
        if value is None or (isinstance(value, float) and not np.isfinite(value)):
            return tr("never", "无法") if kind == "share" and value == np.inf else "–"
        return {"count": lambda v: ui.number(v), "ratio": lambda v: f"{v:.2f}", "money": lambda v: ui.money(v, 0),
                "share": lambda v: f"{v:+.1%}" if v < 0 else f"{v:.1%}"}[kind](value)

    frame = results.set_index("scenario")
    out = pd.DataFrame({tr("Measure", "指标"): [tr(en, zh) for _, en, zh, _ in rows]})
    for scenario in frame.index:
        out[scenario] = [show(frame.at[scenario, key], kind) for key, _, _, kind in rows]
    return out


# ------------------------------------------------------------------------------------------------
# Dynamic pricing
# ------------------------------------------------------------------------------------------------
def dynamic_section(model: pricing.DemandModel, recs: pd.DataFrame) -> dict:
    st.caption(tr("Would experimenting with prices pay? Each simulated run draws a true elasticity the data allows and "
                  "lets three policies price week by week: keep today's price, ε-greedy (mostly the best-looking price, "
                  "sometimes a random one) and Thompson sampling (prices in proportion to the chance each is best). "
                  "Regret is what each gives up against always charging the run's best price.",
                  "价格试验值得做吗？每次模拟从数据允许的范围中抽取一个真实弹性，让三种策略逐期定价：保持当前价格、ε-贪心（多数时候用看起来最好的价格，"
                  "偶尔随机试价）和汤普森采样（按每个价格是最优的概率选价）。遗憾值是相对于始终使用最优价格所损失的收益。"))
    usable = recs[recs["elasticity"] < 0].sort_values(["reliable", "profit_change"], ascending=False)
    if usable.empty:
        st.info(tr("No product has a negative elasticity estimate to simulate with.", "没有可用于模拟的负弹性商品。"))
        return {}
    labels = dict(zip(usable["product_id"], usable["product_name"].astype(str) + " (" + usable["product_id"] + ")"))
    c = st.columns(3)
    pick = c[0].selectbox(tr("Product", "商品"), list(labels), format_func=labels.get, key="pr-dyn-product",
                          help=tr("Dependable estimates first, then by how much a better price would earn: at the top, "
                                  "today's price is furthest from the best one.",
                                  "先列估计可靠的商品，再按更优价格能多赚多少排序：排在前面的商品当前价格离最优价格最远。"))
    horizon = c[1].slider(tr(f"Horizon ({per()}s)", f"期数（{per()}）"), 4, 156,
                          {"W": 52, "M": 24}.get(st.session_state.get("pr-period"), 52), 4, key="pr-dyn-horizon",
                          help=tr("How long the experiment runs.", "试验持续的期数。"))
    width = c[2].slider(tr("Price grid", "价格网格"), 5, 40, 20, 5, format="±%d%%", key="pr-dyn-width",
                        help=tr("Prices tried around today's.", "围绕当前价格试验的价格范围。")) / 100
    c = st.columns(3)
    n_prices = c[0].slider(tr("Prices on the grid", "网格价格数"), 3, 15, 9, 2, key="pr-dyn-n")
    noise = c[1].slider(tr("Demand noise", "需求噪声"), 0.0, 1.0, 0.3, 0.1, key="pr-dyn-noise",
                        help=tr(f"Week-to-week swings in demand beyond chance, as a share (0.3 = demand varies ±30% "
                                f"from {per()} to {per()}).", "超出随机波动的需求起伏比例（0.3 表示需求每期波动约 ±30%）。"))
    epsilon = c[2].slider(tr("ε (exploration share)", "ε（探索比例）"), 0.0, 0.5, 0.1, 0.05, key="pr-dyn-eps",
                          help=tr("Share of periods ε-greedy spends on a random price.", "ε-贪心随机试价的期数比例。"))
    row = usable.set_index("product_id").loc[pick]
    base = pricing.current_prices(model).set_index("product_id").loc[pick]
    cost = float(row["unit_cost"]) if np.isfinite(row["unit_cost"]) else 0.0
    params = {"current_price": float(row["current_price"]), "elasticity": float(row["elasticity"]),
              "se": float(row["elasticity_se"]), "base_units": float(base["base_units"]), "unit_cost": cost,
              "width": width, "n_prices": int(n_prices), "horizon": int(horizon), "noise": float(noise),
              "epsilon": float(epsilon), "n_runs": 200, "random_state": 0}
    with st.spinner(tr("Simulating 200 runs of each policy…", "正在为每种策略模拟 200 次…")):
        sim = _dynamic(json.dumps(params))
    summary = sim.summary.set_index("policy")
    names = {k: tr(*v) for k, v in dp.POLICIES.items()}
    what = tr("gross profit", "毛利") if sim.objective == "profit" else tr("revenue", "收入")
    c = st.columns(3)
    gain = summary.loc["thompson", "total"] - summary.loc["fixed", "total"]
    c[0].metric(tr(f"Thompson sampling vs fixed price ({what})", f"汤普森采样 vs 固定价格（{what}）"), ui.money(gain, 0),
                help=tr(f"Mean extra {what} over the horizon from experimenting with Thompson sampling.",
                        f"使用汤普森采样试验在整个期间平均多得的{what}。"))
    for col, policy in ((c[1], "thompson"), (c[2], "epsilon_greedy")):
        col.metric(tr(f"{names[policy]}: regret", f"{names[policy]}：遗憾值"),
                   f"{summary.loc[policy, 'regret_share']:.1%}",
                   help=tr(f"Share of the best possible {what} given up while learning (fixed price: "
                           f"{summary.loc['fixed', 'regret_share']:.1%}).",
                           f"学习过程中损失的最优{what}比例（固定价格：{summary.loc['fixed', 'regret_share']:.1%}）。"))
    money_axis = tr(f"Cumulative {what} ({ui.currency()})", f"累计{what}（{ui.currency()}）")
    fig_total = charts.policy_curves(sim.curves, "cumulative", names, tr(f"Cumulative {what} by policy",
                                                                         f"各策略累计{what}"),
                                     tr(f"{per().capitalize()}", f"{per()}"), money_axis)
    fig_regret = charts.policy_curves(sim.curves, "regret", names, tr("Cumulative regret by policy", "各策略累计遗憾值"),
                                      tr(f"{per().capitalize()}", f"{per()}"),
                                      tr(f"{what.capitalize()} given up ({ui.currency()})", f"损失的{what}（{ui.currency()}）"))
    c1, c2 = st.columns(2)
    with c1:
        ui.chart(fig_total, key="pr-dyn-total")
    with c2:
        ui.chart(fig_regret, key="pr-dyn-regret")
    table = sim.summary.assign(policy=sim.summary["policy"].map(names)).rename(columns={
        "policy": tr("Policy", "策略"), "total": tr(f"Mean total {what}", f"平均总{what}"), "total_low": tr("5%", "5%"),
        "total_high": tr("95%", "95%"), "regret": tr("Regret", "遗憾值"), "regret_share": tr("Regret share", "遗憾比例"),
        "best_price_share": tr("Last quarter at the best price", "最后四分之一期使用最优价格的比例")})
    if gain > 0:
        st.success(tr(f"Experimenting pays for this product: Thompson sampling earns {ui.money(gain, 0)} more {what} "
                      f"than keeping today's price over {horizon} {per()}s, while learning where the best price is.",
                      f"对该商品做价格试验是值得的：在 {horizon} {per()}内，汤普森采样比保持当前价格多赚 {ui.money(gain, 0)} 的{what}，"
                      "同时找到最优价格。"))
    else:
        st.info(tr(f"Experimenting does not pay for this product: today's price is already close to the best one, so "
                   f"trying other prices costs {ui.money(-gain, 0)} of {what} over {horizon} {per()}s.",
                   f"对该商品做价格试验不划算：当前价格已接近最优，在 {horizon} {per()}内试验其他价格会损失 "
                   f"{ui.money(-gain, 0)} 的{what}。"))
    ui.table(table.round(4), "dynamic-pricing-policies.csv")
    return {"cumulative": fig_total, "regret": fig_regret}


# ------------------------------------------------------------------------------------------------
# The page
# ------------------------------------------------------------------------------------------------
st.title(tr("Pricing", "定价"))
st.caption(tr("How sensitive your categories and products are to price, which prices earn more profit within your "
              "rules, what a planned promotion really costs and brings, and whether price experiments would pay.",
              "了解各品类和商品对价格的敏感度、在您的规则内哪些价格能赚更多利润、计划中的促销真正的成本和收益，以及价格试验是否值得。"))
src = data_source()
tx = _transactions(src)
if tx is None or tx.empty:
    st.info(tr("No sales data yet. Upload a file on the Data page or pick a dataset in the sidebar.",
               "还没有销售数据。请在“数据”页面上传文件，或在侧边栏选择一个数据集。"))
    st.stop()
period, controls, effects = settings(tx, src["key"])
args = (src["key"], period, controls, effects, ui.lang())
with st.status(tr("Fitting the demand model…", "正在拟合需求模型…"), expanded=False) as status:
    model = ui.run(_model, *args, src)
    status.update(label=tr(f"Demand model fitted on {len(model.panel):,} product-{per()}s",
                           f"需求模型已基于 {len(model.panel):,} 个商品-{per()}拟合"), state="complete")
headline(model)


def guarded(compute, *args, empty=None):
    """Run one section; when it fails it shows why there (ui.show_error) and the other sections keep working."""
    try:
        return compute(*args)
    except Exception as exc:
        ui.show_error(exc)
        return empty


tab_e, tab_p, tab_s, tab_d = st.tabs([tr("Elasticity", "价格弹性"), tr("Optimal prices", "最优价格"),
                                      tr("Promotion simulator", "促销模拟"), tr("Dynamic pricing", "动态定价")])
with tab_e:
    elasticity_figures = guarded(elasticity_section, model, empty={})
with tab_p:
    cost = guarded(cost_inputs, model, empty=("margin", 0.4, None))
    recs, price_figures = guarded(prices_section, src, args, model, cost, empty=(None, {}))
with tab_s:
    scenario_tables, scenario_figures = guarded(promotions_section, src, args, model, tx, cost, empty=({}, {}))
with tab_d:
    dynamic_figures = guarded(dynamic_section, model, recs, empty={}) if recs is not None else {}

tables = {"elasticities by category": model.categories, "elasticities by product": model.products}
if recs is not None:
    tables["price recommendations"] = recs
tables.update({f"promotion {k}": v for k, v in scenario_tables.items()})
figures = {f"elasticity by {k}": v for k, v in elasticity_figures.items()}
figures.update(price_figures)
figures.update(scenario_figures)
figures.update({f"dynamic pricing {k}": v for k, v in dynamic_figures.items()})
ui.save_to_report(
    "pricing", tr("Pricing", "定价"),
    params={"period": period, "controls": list(controls), "time_effects": effects,
            "max_change": st.session_state.get("pr-max-change"), "min_margin": st.session_state.get("pr-min-margin"),
            "endings": st.session_state.get("pr-endings")},
    tables=tables, figures=figures,
    notes=[tr("Elasticities: Poisson pseudo-maximum likelihood with product and time effects; 90% intervals.",
              "弹性：含商品与时间效应的泊松伪极大似然估计；90% 区间。")])
