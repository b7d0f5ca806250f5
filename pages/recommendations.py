"""Recommendations page: the next products to show each customer (with a reason a person can
check), what sells with each product, and proof on the user's own data that the recommendations
beat simply showing best-sellers."""
from __future__ import annotations

import io
from collections import OrderedDict
from dataclasses import replace

import pandas as pd
import streamlit as st

import ui
from promo_core import basket, charts
from promo_core import recommend as rec
from promo_core.errors import DataError
from promo_core.export import to_csv_bytes
from promo_core.i18n import fmt_pct
from promo_core.io import normalise_header, read_table

ui.guard_page()  # first: nothing of this page runs before sign-in

tr = ui.tr

MODELS = {  # key -> (English, Chinese) display name
    "popularity": ("Best-sellers", "畅销榜"),
    "segment": ("Best-sellers in segment", "客群畅销榜"),
    "knn": ("Bought together (item kNN)", "同购商品（物品近邻）"),
    "als": ("Hidden tastes (ALS)", "潜在偏好（ALS）"),
    "content": ("Similar products (content)", "相似商品（内容）"),
    "hybrid": ("Hybrid", "混合模型"),
}
MODEL_HELP = {
    "popularity": ("The products most customers bought. The baseline every other model must beat.",
                   "购买客户最多的商品。其他模型都必须超过这个基准。"),
    "segment": ("The best-sellers among customers of the same RFM segment.", "同一 RFM 客群中的畅销商品。"),
    "knn": ("Products bought by the same customers as what this customer bought.", "与该客户所购商品被同一批客户购买的商品。"),
    "als": ("Matrix factorisation: finds hidden tastes shared by groups of customers.", "矩阵分解：发现客户群体共有的潜在偏好。"),
    "content": ("Products whose name, category and description resemble what the customer bought; also "
                "reaches products nobody has bought yet.", "名称、类目和描述与客户所购商品相似的商品；也能推荐尚无人购买的新品。"),
    "hybrid": ("A weighted blend of item kNN, ALS, content and best-sellers in the customer’s segment.",
               "物品近邻、ALS、内容相似和客户所在客群畅销榜的加权组合。"),
}
SHORT = {"popularity": ("Best-sellers", "畅销榜"), "segment": ("Segment best-sellers", "客群畅销榜"),
         "knn": ("Item kNN", "物品近邻"), "als": ("ALS", "ALS"), "content": ("Content", "内容相似"),
         "hybrid": ("Hybrid", "混合模型")}
HALF_LIVES = [None, 30, 90, 180, 365]


RULE_FORMAT = {name: st.column_config.NumberColumn(format="percent") for name in (
    "Confidence", "置信度", "Support", "支持度", "Antecedent support", "前项支持度", "Consequent support", "后项支持度")} | {
    name: st.column_config.NumberColumn(format="%.2f×") for name in ("Lift", "提升度")}


def rule_columns() -> dict:
    """Display names of the rules table's columns."""
    return {"antecedents": tr("If a basket holds", "若购物篮中有"), "consequents": tr("it also holds", "则也会有"),
            "antecedent_support": tr("Antecedent support", "前项支持度"),
            "consequent_support": tr("Consequent support", "后项支持度"), "support": tr("Support", "支持度"),
            "confidence": tr("Confidence", "置信度"), "lift": tr("Lift", "提升度"), "leverage": tr("Leverage", "杠杆值"),
            "conviction": tr("Conviction", "确信度"), "count": tr("Baskets", "购物篮数")}


def model_name(key: str) -> str:
    return tr(*MODELS[key])


def _dataset_key() -> str:
    info = ui.workspace().dataset(ui.dataset_id())
    return f"{ui.dataset_id()}@{info['created_at']}"


# --------------------------------------------------------------------------------------------
# Cached computations (keyed on the dataset and the parameters)
# --------------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=4)
def _uploaded_catalogue(data: bytes, name: str) -> pd.DataFrame:
    upload = io.BytesIO(data)
    upload.name = name
    frame = read_table(upload, text=True).data  # (the one reader of files; its errors say what is wrong)
    frame.columns = [_CATALOGUE_COLUMNS.get(normalise_header(c), str(c).strip()) for c in frame.columns]
    if "product_id" not in frame.columns:
        raise DataError(f"{name} has no product_id column (its columns are: {', '.join(frame.columns)}). The "
                        "products table needs product_id and any of product_name, category, description.")
    return frame.astype({"product_id": str})


_CATALOGUE_COLUMNS = {"productid": "product_id", "productname": "product_name", "category": "category",
                      "description": "description"}


def _catalogue() -> pd.DataFrame | None:
    upload = st.session_state.get("rec-catalogue")
    if upload is not None:
        return ui.run(_uploaded_catalogue, upload.getvalue(), upload.name)
    return ui.load_table("products")


@st.cache_data(show_spinner=False, max_entries=4)
def _segments(dataset: str, before: str | None) -> pd.Series | None:
    from promo_core import segments

    tx = ui.load_table("transactions", dataset.split("@")[0])
    if before is not None:
        tx = tx[tx["order_date"] < pd.Timestamp(before)]
    try:
        return segments.rfm(tx).set_index("customer_id")["segment"]
    except DataError:
        return None


def _models(segs: pd.Series | None, weighting: str) -> dict:
    """The models compared on the page; the hybrid's best-seller part is per segment when segments exist
    (the same objects as the stand-alone models, so an evaluation fits each only once)."""
    knn, als, content = rec.ItemKNN(weighting=weighting), rec.ALS(), rec.ContentBased()
    popular, popular_in_segment = rec.Popularity(), rec.Popularity(segments=segs)
    models = {"popularity": popular, "segment": popular_in_segment, "knn": knn, "als": als, "content": content,
              "hybrid": rec.Hybrid([("kNN", knn, 0.45), ("ALS", als, 0.35), ("content", content, 0.1),
                                    ("popularity", popular if segs is None else popular_in_segment, 0.1)])}
    if segs is None:
        del models["segment"]
    return models


@st.cache_resource(show_spinner=False)
def _evaluations() -> OrderedDict:
    """Finished evaluations by parameters, shared by all sessions (the newest four are kept).

    Not an ``st.cache_*`` function itself, because the evaluation reports live progress to the page
    and cached functions may not touch page elements created outside them."""
    return OrderedDict()


def _evaluation(dataset: str, cut: str, half_life, k: int, exclude: bool, weighting: str, catalogue_key: str,
                catalogue_frame, progress) -> rec.Evaluation:
    store = _evaluations()
    key = (dataset, cut, half_life, k, exclude, weighting, catalogue_key)
    if key not in store:
        tx = ui.load_table("transactions", dataset.split("@")[0])
        split = rec.temporal_split(tx, cut=cut, half_life_days=half_life, catalogue=catalogue_frame)
        models = _models(_segments(dataset, cut), weighting)
        store[key] = rec.evaluate(models, split, k=k, exclude_bought=exclude, progress=progress)
        while len(store) > 4:
            store.popitem(last=False)
    store.move_to_end(key)
    return store[key]


@st.cache_resource(show_spinner=False, max_entries=6)
def _fitted(dataset: str, key: str, half_life, weighting: str, catalogue_key: str, _catalogue_frame):
    tx = ui.load_table("transactions", dataset.split("@")[0])
    inter = rec.interactions_from(tx, half_life_days=half_life, catalogue=_catalogue_frame)
    return _models(_segments(dataset, None), weighting)[key].fit(inter)


@st.cache_data(show_spinner=False, max_entries=4)
def _all_recommendations(dataset: str, key: str, half_life, weighting: str, catalogue_key: str, k: int,
                         exclude: bool, lang: str, _model) -> pd.DataFrame:
    out = _model.recommend(k=k, exclude_bought=exclude, lang=lang)
    return out[["customer_id", "rank", "product_id", "product_name", "score", "reason"]]


@st.cache_data(show_spinner=False, max_entries=4)
def _rules(dataset: str, by: str, min_support: float, min_confidence: float):
    tx = ui.load_table("transactions", dataset.split("@")[0])
    baskets = basket.baskets_from(tx, by=by)
    rules = basket.association_rules(baskets, min_support=min_support, min_confidence=min_confidence, max_len=3)
    return baskets.n_baskets, baskets.names, rules


@st.cache_data(show_spinner=False, max_entries=4)
def _basket_count(dataset: str, by: str) -> int:
    return basket.baskets_from(ui.load_table("transactions", dataset.split("@")[0]), by=by).n_baskets


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------
st.title(tr("Recommendations", "商品推荐"))
st.caption(tr("For every customer, the next products to show in an e-mail or the app, with a reason you can check; "
              "for every product, what sells with it; and a fair test, on your own sales, of whether the "
              "recommendations beat simply showing best-sellers.",
              "为每位客户给出下一步在邮件或 App 中展示的商品，并附上可核对的理由；为每件商品列出经常一起购买的商品；"
              "并在您自己的销售数据上公平检验：推荐是否优于直接展示畅销商品。"))
tx = ui.require_transactions()
if tx["customer_id"].notna().sum() == 0:
    st.warning(tr("This data has no customer ids, so there is nobody to personalise for. Basket rules below still "
                  "work; map a customer column on the Data page for personal recommendations.",
                  "该数据没有客户编号，无法做个性化推荐。下方的购物篮规则仍可使用；如需个性化推荐，请在“数据”页面映射客户列。"))
dataset = _dataset_key()
dates = pd.to_datetime(tx["order_date"])

with st.expander(tr("Settings", "设置"), expanded=False, icon=":material/tune:", key="exp-settings"):
    c1, c2, c3 = st.columns(3)
    k = c1.slider(tr("Products per customer", "每位客户推荐数"), 3, 20, 10, key="rec-k",
                  help=tr("How many products each list holds (the k in precision@k, NDCG@k …).",
                          "每个推荐列表包含的商品数（即 precision@k、NDCG@k 中的 k）。"))
    include = c2.toggle(tr("Include products already bought", "包含已购买过的商品"), value=False, key="rec-include",
                        help=tr("On for repeat purchases (groceries, consumables); off for things people buy "
                                "once (gifts, electronics). The evaluation follows this choice.",
                                "适合复购商品（食品、耗材）时打开；适合一次性购买的商品（礼品、电子产品）时关闭。评估会随之调整。"))
    half_life = c3.selectbox(tr("Recency half-life", "时间衰减半衰期"), HALF_LIVES, key="rec-half-life",
                             format_func=lambda d: tr("No decay", "不衰减") if d is None else tr(f"{d} days", f"{d} 天"),
                             help=tr("A purchase this many days old counts half as much as one today.",
                                     "距今这么多天的购买只按今天购买的一半计算。"))
    c4, c5 = st.columns(2)
    cut = c4.date_input(tr("Evaluation cut date", "评估切分日期"), value=rec.default_cut(tx).date(),
                        min_value=(dates.min() + pd.Timedelta(days=1)).date(), max_value=dates.max().date(),
                        key="rec-cut", help=tr("Models learn from purchases before this day and are checked against "
                                               "what customers bought from this day on.",
                                               "模型用此日期之前的购买学习，并用此日期之后客户的实际购买来检验。"))
    weighting = c5.selectbox(tr("Item kNN weighting", "物品近邻加权方式"), ["bm25", "tfidf"], key="rec-weighting",
                             format_func=lambda w: {"bm25": "BM25", "tfidf": "TF-IDF"}[w],
                             help=tr("How purchases are weighted before products are compared: both make "
                                     "best-sellers count less, BM25 also damps very heavy buyers.",
                                     "比较商品前对购买记录的加权方式：两者都会降低畅销品的权重，BM25 还会抑制购买量极大的客户。"))
    if ui.load_table("products") is None:
        st.file_uploader(tr("Products table (optional)", "商品表（可选）"), type=["csv", "xlsx"], key="rec-catalogue",
                         help=tr("Columns: product_id (required), product_name, category, description. It lets "
                                 "the content model recommend products nobody has bought yet.",
                                 "列：product_id（必填）、product_name、category、description。用于让内容模型推荐尚无人购买的新品。"))
catalogue = _catalogue()
catalogue_key = "none" if catalogue is None else f"{len(catalogue)}-{pd.util.hash_pandas_object(catalogue).sum()}"
exclude = not include

# --- evaluation and headline -----------------------------------------------------------------
has_customers = tx["customer_id"].notna().any()
evaluation = None
if has_customers:
    bar = st.progress(0.0, text=tr("Fitting and testing the models…", "正在训练并检验模型…"))

    def report_progress(done: int, total: int, name: str) -> None:
        label = model_name(name) if name in MODELS else ""
        bar.progress(done / max(total, 1), text=tr(f"Fitting and testing {label} ({done + 1}/{total})…",
                                                   f"正在训练并检验 {label}（{done + 1}/{total}）…")
                     if done < total else tr("Done", "完成"))

    try:
        evaluation = _evaluation(dataset, str(cut), half_life, int(k), exclude, weighting, catalogue_key, catalogue,
                                 report_progress)
    except Exception as exc:  # e.g. a cut date with nothing after it: say so, and still show the basket rules
        ui.show_error(exc)
    bar.empty()
if evaluation is not None:
    table = evaluation.table.copy()
    best_key = evaluation.best if evaluation.beats_baseline else evaluation.baseline
    chosen = table.set_index("model").loc[evaluation.best]
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(tr("Customers evaluated", "参与评估的客户"), ui.number(evaluation.customers),
              help=tr("Customers who bought before the cut date and bought something new after it; their later "
                      "purchases are the test.", "切分日期前有购买、之后又买了新商品的客户；他们之后的购买就是检验标准。"))
    m2.metric(tr("Lift over popularity", "相对畅销榜的提升"), fmt_pct(chosen["ndcg_lift"], 0),
              help=tr(f"How much higher the best model's NDCG@{k} is than the best-seller list's. NDCG rewards "
                      "lists that put what customers went on to buy near the top.",
                      f"最佳模型的 NDCG@{k} 比畅销榜高出多少。NDCG 奖励把客户之后真正购买的商品排在前面的列表。"))
    m3.metric(f"NDCG@{k}", f"{chosen['ndcg']:.3f}",
              delta=f"{chosen['ndcg'] - table.set_index('model').loc[evaluation.baseline, 'ndcg']:+.3f}",
              help=tr("Best model's NDCG (0 to 1); the change is against the best-seller list.",
                      "最佳模型的 NDCG（0 到 1）；变化值相对于畅销榜。"))
    m4.metric(tr("Recommended model", "建议使用的模型"), tr(*SHORT[best_key]),
              help=tr("The honest choice: a personalised model only when it clearly beats best-sellers (at least "
                      "10% higher NDCG, with the 95% interval of the gain above zero).",
                      "诚实的选择：只有当个性化模型明显优于畅销榜（NDCG 至少高 10%，且提升的 95% 区间大于零）时才推荐它。"))
    shown = evaluation.table.assign(model=evaluation.table["model"].map(model_name))
    named = replace(evaluation, table=shown, best=model_name(evaluation.best),
                    baseline=model_name(evaluation.baseline))
    (st.success if evaluation.beats_baseline else st.info)(rec.verdict(named, ui.lang()),
                                                           icon=":material/verified:")

    # --- one customer ----------------------------------------------------------------------------
    st.subheader(tr("Recommendations for a customer", "单个客户的推荐"))
    c1, c2 = st.columns([2, 3])
    options = list(MODELS) if "segment" in evaluation.table["model"].values else \
        [m for m in MODELS if m != "segment"]
    key = c1.selectbox(tr("Model", "模型"), options, index=options.index(best_key), format_func=model_name,
                       key="rec-model", help=tr(*MODEL_HELP[best_key]))
    st.caption(tr(*MODEL_HELP[key]))
    with st.spinner(tr(f"Fitting {model_name(key)} on all purchases…", f"正在用全部购买记录训练 {model_name(key)}…")):
        model = ui.run(_fitted, dataset, key, half_life, weighting, catalogue_key, catalogue)
    inter = model.interactions_
    counts = pd.Series(inter.matrix.getnnz(axis=1), index=inter.customers).sort_values(ascending=False)
    customer = c2.selectbox(tr("Customer", "客户"), counts.index.tolist(), key="rec-customer",
                            format_func=lambda c: tr(f"{c} ({counts[c]} products bought)", f"{c}（已购 {counts[c]} 种商品）"),
                            help=tr("Customers with the longest history first.", "购买历史最长的客户排在前面。"))
    mine = model.recommend([customer], k=int(k), exclude_bought=exclude, lang=ui.lang())
    left, right = st.columns([3, 2])
    with left:
        ui.table(mine[["rank", "product_id", "product_name", "score", "reason"]].rename(columns={
            "rank": tr("Rank", "排名"), "product_id": tr("Product", "商品"), "product_name": tr("Name", "名称"),
            "score": tr("Score", "得分"), "reason": tr("Why", "理由")}), f"recommendations-{customer}.csv",
            caption=tr("Score: the model's own scale; higher means a stronger match. Why: the purchase or group "
                       "that led to the suggestion.", "得分：模型自身的尺度，越高越匹配。理由：促成该推荐的购买记录或客群。"))
    with right:
        row = inter.customers.get_loc(customer)
        own = inter.matrix[row]
        history = pd.DataFrame({"product_id": inter.products[own.indices], "purchases": own.data.round(2)})
        history["product_name"] = inter.names.reindex(history["product_id"]).to_numpy()
        history = history.sort_values("purchases", ascending=False).head(15)
        ui.table(history[["product_name", "purchases"]].rename(columns={
            "product_name": tr("Bought before", "之前购买"), "purchases": tr("Purchases", "购买次数")}),
            f"history-{customer}.csv", caption=tr("What this customer bought most (returns netted, decay applied).",
                                                  "该客户购买最多的商品（已扣除退货、已计时间衰减）。"))

# --- basket rules -----------------------------------------------------------------------------
st.subheader(tr("Frequently bought together", "经常一起购买"))
b1, b2, b3 = st.columns(3)
by = b1.selectbox(tr("A basket is", "购物篮定义"), ["order", "customer_date"], key="rec-basket-by",
                  format_func=lambda b: tr("one order", "一个订单") if b == "order" else tr("one customer on one day",
                                                                                      "同一客户同一天"),
                  help=tr("Till data without order numbers (such as the Groceries data) groups a customer's "
                          "lines of one day.", "没有订单号的收银数据（如 Groceries 数据）按同一客户同一天合并。"))
n_baskets = ui.run(_basket_count, dataset, by)
auto_support = float(min(0.05, max(0.0002, round(20 / max(n_baskets, 1), 4))))
min_support = b2.number_input(tr("Minimum support", "最小支持度"), min_value=0.0001, max_value=1.0,
                              value=auto_support, step=0.0001, format="%.4f", key=f"rec-support-{by}",
                              help=tr("Smallest share of baskets a product combination must appear in "
                                      f"(default: about 20 of your {n_baskets:,} baskets).",
                                      f"商品组合至少要出现在多大比例的购物篮中（默认约为 {n_baskets:,} 个购物篮中的 20 个）。"))
min_confidence = b3.number_input(tr("Minimum confidence", "最小置信度"), min_value=0.0, max_value=1.0, value=0.05,
                                 step=0.01, format="%.2f", key="rec-confidence",
                                 help=tr("Of the baskets with the first product, the share that must also hold "
                                         "the second.", "含有前一商品的购物篮中，至少有多大比例也含有后一商品。"))
with st.spinner(tr("Mining product combinations…", "正在挖掘商品组合…")):
    n_baskets, names, rules = ui.run(_rules, dataset, by, float(min_support), float(min_confidence))
strong = rules[rules["lift"] > 1]
r1, r2, r3 = st.columns(3)
r1.metric(tr("Baskets", "购物篮"), ui.number(n_baskets), help=tr("Baskets the rules are mined from (returns left out).",
                                                              "用于挖掘规则的购物篮数（不含退货）。"))
r2.metric(tr("Rules with lift above 1", "提升度大于 1 的规则"), ui.number(len(strong)),
          help=tr("Rules where the second product is likelier when the first is in the basket.",
                  "含有前一商品时，后一商品出现概率更高的规则。"))
r3.metric(tr("Strongest lift", "最大提升度"), f"{strong['lift'].max():.1f}×" if len(strong) else "–",
          help=tr("How many times likelier the second product is, for the strongest rule.",
                  "最强规则中，后一商品出现的可能性是平时的多少倍。"))
name_map = names.astype(str).to_dict()
if strong.empty:
    st.info(tr("No products are bought together more often than chance at this minimum support. Lower the minimum "
               "support, or check that baskets hold more than one product.",
               "在此最小支持度下，没有商品组合比随机更常一起出现。请降低最小支持度，或确认购物篮中有多件商品。"))
else:
    singles = strong[strong["antecedents"].map(len) == 1]
    with_rules = singles.groupby(singles["antecedents"].str[0])["lift"].max().sort_values(ascending=False)
    product = st.selectbox(tr("Product", "商品"), with_rules.index.tolist(), key="rec-product",
                           format_func=lambda p: f"{name_map.get(p, p)} ({p})",
                           help=tr("Products with at least one rule, the most strongly linked first.",
                                   "至少有一条规则的商品，关联最强的排在前面。"))
    together = basket.bought_with(strong, product, names, top=10, lang=ui.lang())
    p1, p2 = st.columns([2, 3])
    with p1:
        ui.chart(charts.bought_with_bars(together, tr(f"Bought with {name_map.get(product, product)}",
                                                      f"与 {name_map.get(product, product)} 一起购买"),
                                         tr("Share of its baskets (%)", "占其购物篮的比例（%）")),
                 key="rec-bought-with")
    with p2:
        ui.table(together[["product_name", "confidence", "lift", "count", "explanation"]].rename(columns={
            "product_name": tr("Bought with it", "一起购买的商品"), "confidence": tr("Confidence", "置信度"),
            "lift": tr("Lift", "提升度"), "count": tr("Baskets", "购物篮数"), "explanation": tr("In words", "说明")}),
            f"bought-with-{product}.csv", column_config=RULE_FORMAT,
            caption=tr("Confidence: share of baskets with the product that also hold the other. Lift: how many "
                       "times likelier than in baskets overall (1 = no link).",
                       "置信度：含有该商品的购物篮中也含有另一商品的比例。提升度：比所有购物篮的平均水平高多少倍（1 表示无关联）。"))
    heat = charts.rules_heatmap(strong, name_map, tr("Lift between the most strongly linked products",
                                                     "关联最强的商品之间的提升度"),
                                tr("…brings along this product", "……会带动购买此商品"),
                                tr("Basket holds this product…", "购物篮中有此商品……"), hover=tr("lift", "提升度"))
    ui.chart(heat, key="rec-heatmap")
    rules_out = strong.assign(
        antecedents=strong["antecedents"].map(lambda t: " + ".join(name_map.get(p, p) for p in t)),
        consequents=strong["consequents"].map(lambda t: " + ".join(name_map.get(p, p) for p in t)))
    ui.table(rules_out.head(500).rename(columns=rule_columns()), "basket-rules.csv", column_config=RULE_FORMAT,
             caption=tr(f"The {min(500, len(rules_out)):,} strongest of {len(rules_out):,} rules by lift; "
                                       "the download holds them all.",
                                       f"按提升度排列的前 {min(500, len(rules_out)):,} 条规则（共 {len(rules_out):,} 条）；下载文件包含全部规则。"))
    st.download_button(tr("Download all rules (CSV)", "下载全部规则（CSV）"), to_csv_bytes(rules_out),
                       file_name="basket-rules-all.csv", mime="text/csv", key="dl-rules-all", icon=":material/download:",
                       on_click="ignore")

# --- model comparison and exports ---------------------------------------------------------------
if evaluation is not None:
    st.subheader(tr("Which model works best on your data", "哪个模型最适合您的数据"))
    metric_names = {"precision": f"Precision@{k}", "recall": f"Recall@{k}", "ndcg": f"NDCG@{k}",
                    "map": f"MAP@{k}", "hit_rate": tr(f"Hit rate@{k}", f"命中率@{k}"),
                    "coverage": tr("Coverage", "覆盖率")}
    fig = charts.model_comparison(shown, metric_names, model_name(evaluation.baseline),
                                  tr("Model quality on purchases after the cut date", "切分日期之后真实购买上的模型质量"),
                                  tr("Score (0 to 1, higher is better)", "得分（0 到 1，越高越好）"))
    ui.chart(fig, key="rec-comparison")
    comparison = shown.rename(columns={**metric_names, "model": tr("Model", "模型"),
                                       "ndcg_lift": tr("NDCG lift over best-sellers", "NDCG 相对畅销榜提升"),
                                       "lift_low": tr("Lift, 95% low", "提升 95% 下限"),
                                       "lift_high": tr("Lift, 95% high", "提升 95% 上限"),
                                       "fit_seconds": tr("Seconds to fit and rank", "训练与排序耗时（秒）")})
    ui.table(comparison, "model-comparison.csv", column_config={
        c: st.column_config.NumberColumn(format="percent") for c in comparison.columns[7:10]} | {
        c: st.column_config.NumberColumn(format="%.3f") for c in comparison.columns[1:7]} | {
        comparison.columns[10]: st.column_config.NumberColumn(format="%.1f")})
    split = evaluation.split
    st.caption(tr(
        f"Models learnt from purchases before {pd.Timestamp(split.cut):%d %b %Y} and were checked against what "
        f"{evaluation.customers:,} customers bought from then on"
        + (" (products they had bought before are left out of lists and test)" if exclude else "")
        + f". {split.new_customers:,} customers who first bought after the cut cannot be evaluated (they get "
        "best-sellers). Precision: share of the list they bought. Recall: share of what they bought that was on the "
        "list. NDCG: like recall, but hits near the top count more. Hit rate: customers with at least one hit. "
        "Coverage: share of the catalogue recommended to somebody.",
        f"模型使用 {pd.Timestamp(split.cut):%Y-%m-%d} 之前的购买进行学习，并用 {evaluation.customers:,} 位客户此后的实际购买进行检验"
        + ("（客户之前买过的商品不计入推荐列表和检验）" if exclude else "")
        + f"。{split.new_customers:,} 位在切分日期后才首次购买的客户无法评估（他们会看到畅销榜）。精确率：列表中被购买的比例。"
        "召回率：客户所购商品中出现在列表里的比例。NDCG：类似召回率，但排在前面的命中更重要。命中率：至少命中一件的客户比例。"
        "覆盖率：被推荐给至少一位客户的商品占全部商品的比例。"))
    st.caption(tr(*rec.MAP_DEFINITION))

    st.subheader(tr("Export", "导出"))
    with st.spinner(tr(f"Ranking products for all {len(inter.customers):,} customers…",
                       f"正在为全部 {len(inter.customers):,} 位客户排序商品…")):
        everyone = ui.run(_all_recommendations, dataset, key, half_life, weighting, catalogue_key, int(k), exclude,
                          ui.lang(), model)
    st.caption(tr(f"{model_name(key)}: {len(everyone):,} rows (customer_id, rank, product_id, product_name, score, "
                  "reason) for every customer, ready for an e-mail or app campaign.",
                  f"{model_name(key)}：为每位客户生成 {len(everyone):,} 行（customer_id、rank、product_id、product_name、"
                  "score、reason），可直接用于邮件或 App 营销。"))
    st.download_button(tr("Download recommendations for every customer (CSV)", "下载全部客户的推荐（CSV）"),
                       lambda: to_csv_bytes(everyone), file_name=f"recommendations-{key}.csv", mime="text/csv",
                       key="dl-all-recommendations", icon=":material/download:", type="primary", on_click="ignore")

report_tables = {} if strong.empty else {"basket_rules": rules_out.head(200)}
report_figures = {} if strong.empty else {"rules_heatmap": heat}
report_notes = []
if evaluation is not None:
    report_tables |= {"model_comparison": comparison, "example_recommendations": everyone.head(200)}
    report_figures |= {"model_comparison": fig}
    report_notes = [rec.verdict(named, ui.lang()), tr(*rec.MAP_DEFINITION)]
ui.save_to_report(
    "recommendations", tr("Recommendations", "商品推荐"),
    params={"k": int(k), "include_bought": include, "half_life_days": half_life, "cut": str(cut),
            "model": key if evaluation is not None else None, "basket_by": by, "min_support": float(min_support),
            "min_confidence": float(min_confidence)},
    tables=report_tables, figures=report_figures, notes=report_notes)
