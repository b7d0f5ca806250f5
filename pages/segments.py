"""Segments page: who the customers are (RFM segments and behavioural clusters), what each is
worth (lifetime value, P(alive), value at risk), how they moved, where they shop, and what to do
about each segment, with lists to download for the CRM."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from promo_core import charts, clv, segments
from promo_core.i18n import fmt_pct

ui.guard_page()  # first: nothing of this page runs before sign-in

tr = ui.tr
PLAYBOOK_KEY = "segment_playbook"  # read by the Coupons page: DataFrame segment, action, offer, send_coupon


def seg_label(segment: str) -> str:
    return segments.segment_label(segment, ui.lang()) if segment != segments.NOT_YET else \
        tr("Not yet a customer", "尚未成为客户")


def seg_labels() -> dict:
    return {s: seg_label(s) for s in [*segments.SEGMENTS, segments.NOT_YET]}


def _dataset_key() -> str:
    info = ui.workspace().dataset(ui.dataset_id())
    return f"{ui.dataset_id()}@{info['created_at']}"


def _tx(dataset: str) -> pd.DataFrame:
    return ui.load_table("transactions", dataset.split("@")[0])


# --------------------------------------------------------------------------------------------
# Cached computations (keyed on the dataset and the parameters)
# --------------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=6)
def _rfm(dataset: str, as_of: str) -> pd.DataFrame:
    return segments.rfm(_tx(dataset), as_of)


@st.cache_data(show_spinner=False, max_entries=4)
def _coverage(dataset: str) -> segments.Coverage:
    return segments.coverage(_tx(dataset))


@st.cache_data(show_spinner=False, max_entries=6)
def _clusters(dataset: str, as_of: str, n_clusters: int | None, lang: str, currency: str) -> segments.ClusterResult:
    tx = _tx(dataset)
    return segments.cluster_customers(tx, _rfm(dataset, as_of), n_clusters=n_clusters, random_state=0, lang=lang,
                                      currency=currency)


@st.cache_data(show_spinner=False, max_entries=6)
def _value(dataset: str, as_of: str, horizon: int, margin: float, rate: float) -> clv.LifetimeValue:
    return clv.lifetime_value(_tx(dataset), as_of, "D", horizon, margin, rate)


@st.cache_data(show_spinner=False, max_entries=4)
def _holdout(dataset: str, as_of: str, holdout_days: int) -> clv.HoldoutCheck:
    return clv.holdout_check(_tx(dataset), holdout_days=holdout_days, end=as_of)


@st.cache_data(show_spinner=False, max_entries=4)
def _migration(dataset: str, as_of: str, days: int) -> segments.Migration:
    return segments.segment_migration(_tx(dataset), as_of, days)


@st.cache_data(show_spinner=False, max_entries=4)
def _channels(dataset: str, as_of: str) -> pd.Series:
    return segments.customer_channels(_tx(dataset), as_of)


@st.cache_data(show_spinner=False, max_entries=4)
def _omnichannel(dataset: str, as_of: str) -> pd.DataFrame:
    return segments.omnichannel(_tx(dataset), _rfm(dataset, as_of))


def columns(frame: pd.DataFrame) -> dict:
    """Readable headers in the interface language and number formats for a table on this page
    (the downloaded CSV keeps the plain column names a CRM imports)."""
    money = ui.currency().replace("%", "%%")
    spec = {
        "segment": (tr("Segment", "分群"), None), "segment_start": (tr("From", "起始分群"), None),
        "segment_end": (tr("To", "目标分群"), None), "customers": (tr("Customers", "客户数"), "localized"),
        "customer_share": (tr("Share of customers", "客户占比"), "percent"),
        "revenue": (tr("Revenue", "收入"), money + "%.0f"), "revenue_share": (tr("Share of revenue", "收入占比"), "percent"),
        "median_recency_days": (tr("Median days since last purchase", "距上次购买天数中位数"), "%.0f"),
        "mean_frequency": (tr("Mean orders", "平均订单数"), "%.1f"),
        "mean_monetary": (tr("Mean spend", "平均消费"), money + "%.2f"),
        "description": (tr("Who they are", "客户特征"), None), "cluster": (tr("Cluster", "聚类"), "%d"),
        "name": (tr("Name", "名称"), None), "share": (tr("Share", "占比"), "percent"),
        "recency_days": (tr("Days since last purchase", "距上次购买天数"), "%.0f"),
        "frequency": (tr("Orders", "订单数"), "%.0f"), "monetary": (tr("Spend", "消费"), money + "%.2f"),
        "discount_share": (tr("Orders with a discount", "使用折扣的订单"), "percent"),
        "mean_p_alive": (tr("Mean P(alive)", "平均 P(alive)"), "percent"),
        "mean_clv": (tr("Mean lifetime value", "平均终身价值"), money + "%.2f"),
        "total_clv": (tr("Total lifetime value", "终身价值合计"), money + "%.0f"),
        "falling_customers": (tr("Customers with P(alive) falling", "P(alive) 下降的客户"), "localized"),
        "value_at_risk": (tr("Value at risk", "风险价值"), money + "%.0f"),
        "share_of_start": (tr("Share of the starting segment", "占起始分群比例"), "percent"),
        "revenue_before": (tr("Revenue in the year before", "之前一年收入"), money + "%.0f"),
        "revenue_between": (tr("Revenue between the dates", "两日期之间收入"), money + "%.0f"),
        "channel_type": (tr("Channel type", "渠道类型"), None),
        "revenue_per_customer": (tr("Revenue per customer", "客均收入"), money + "%.2f"),
        "action": (tr("Action", "行动"), None), "offer": (tr("Offer", "优惠"), None),
        "customer_id": (tr("Customer", "客户"), None),
    }
    config = {}
    for col in frame.columns:
        label, fmt = spec.get(col, (None, None))
        if col.startswith(("channel: ", "category: ")):
            label, fmt = col, "percent"
        if fmt is not None:
            config[col] = st.column_config.NumberColumn(label, format=fmt)
        elif label is not None:
            config[col] = st.column_config.TextColumn(label)
    return config


def attempt(compute, *args):
    """Run one section's computation; when it fails show why there (ui.show_error) and carry on with the page."""
    try:
        return compute(*args)
    except Exception as exc:
        ui.show_error(exc)
        return None


# --------------------------------------------------------------------------------------------
# Sidebar: parameters
# --------------------------------------------------------------------------------------------
st.title(tr("Segments", "客户分群"))
st.caption(tr("Who your customers are, which groups carry the revenue, who is slipping away, what each customer is "
              "worth, and a list to act on for every group.",
              "了解您的客户是谁、哪些群体贡献了收入、谁正在流失、每位客户值多少钱，并为每个群体下载可执行的名单。"))
tx = ui.require_transactions()
dataset = _dataset_key()
dates = pd.to_datetime(tx["order_date"])
first_day, last_day = dates.min().normalize(), dates.max().normalize()
if st.session_state.get("seg-dataset") != dataset:  # another dataset: dates and gaps start from its own range
    for key in ("seg-as-of", "seg-gap", "seg-holdout"):
        st.session_state.pop(key, None)
    st.session_state["seg-dataset"] = dataset

with st.sidebar:
    st.subheader(tr("Segments settings", "分群设置"))
    as_of = st.date_input(
        tr("As of", "分析日期"), value=last_day.date(), min_value=first_day.date(), max_value=last_day.date(),
        key="seg-as-of", help=tr("The day the analysis looks back from: recency counts days to this date, later "
                                 "sales are ignored. Default: the last day in the data.",
                                 "分析的基准日：最近度按距此日的天数计算，之后的销售不计入。默认为数据的最后一天。"))
    horizon = st.slider(tr("CLV horizon (months)", "终身价值预测期（月）"), 3, 36, 12, key="seg-horizon",
                        help=tr("How far ahead lifetime value looks, in calendar months.", "终身价值向前预测的自然月数。"))
    margin = st.number_input(tr("Profit margin (%)", "毛利率（%）"), 1.0, 100.0, 30.0, 1.0, key="seg-margin",
                             help=tr("Share of revenue you keep as profit; lifetime value is profit, not revenue.",
                                     "收入中作为利润的比例；终身价值按利润计算，而非收入。")) / 100
    rate = st.number_input(tr("Annual discount rate (%)", "年折现率（%）"), 0.0, 50.0, 10.0, 1.0, key="seg-rate",
                           help=tr("Money next year is worth less than money today: future profit is discounted "
                                   "at this yearly rate (month by month).",
                                   "明年的钱不如今天的钱值钱：未来利润按此年利率逐月折现。")) / 100
    k_choice = st.selectbox(tr("Number of clusters", "聚类数量"), ["auto", *range(2, 11)], key="seg-k",
                            format_func={"auto": tr("Automatic", "自动"), **{k: str(k) for k in range(2, 11)}}.get,
                            help=tr("Automatic picks the number after which one more cluster stops explaining much "
                                    "more (the elbow). Override it to merge or split groups.",
                                    "自动：选择再多一个聚类也解释不了多少差异的那个数量（肘部法则）。可手动指定以合并或拆分群体。"))
    span = int((last_day - first_day).days)
    gap = st.slider(tr("Migration: days between the two dates", "迁移：两个日期间隔天数"), 7, max(min(365, span), 8),
                    min(90, max(span // 2, 7)), key="seg-gap",
                    help=tr("Segments are compared at the as-of date and this many days earlier.",
                            "比较分析日期与之前若干天两个时点的分群。"))
    holdout_days = st.slider(tr("Model check: holdout days", "模型检验：留出天数"), 28, 365,
                             min(180, max(span // 3, 28)), 7, key="seg-holdout",
                             help=tr("The model learns from everything before the last this-many days and predicts "
                                     "them; you see whether it beats a naive rule.",
                                     "模型用最后这段时间之前的数据学习，并预测这段时间的购买；可看出是否优于简单规则。"))

as_of_s = str(pd.Timestamp(as_of).date())
n_clusters = None if k_choice == "auto" else int(k_choice)
lang, currency = ui.lang(), ui.currency()
labels = seg_labels()

with st.spinner(tr("Scoring customers…", "正在为客户评分…")):
    table = ui.run(_rfm, dataset, as_of_s)
    cover = ui.run(_coverage, dataset)
summary = segments.segment_summary(table, lang)
has_money = table["monetary"].notna().any()
value_error = None
with st.spinner(tr("Estimating lifetime value…", "正在估计客户终身价值…")):
    try:
        value = _value(dataset, as_of_s, horizon, margin, rate)
    except Exception as exc:  # shown in the Lifetime value tab; the rest of the page still works
        value, value_error = None, exc
seg_value = clv.segment_value(value.customers, table) if value is not None else None

# --------------------------------------------------------------------------------------------
# Headline
# --------------------------------------------------------------------------------------------
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric(tr("Customers", "客户数"), ui.number(len(table)),
          help=tr("Customers with at least one purchase up to the as-of date. Guest orders (no customer id) are "
                  "left out.", "截至分析日期至少购买过一次的客户。游客订单（无客户编号）不计入。"))
top = summary.set_index("segment").loc[["Champions", "Loyal Customers"]]
if has_money:
    c2.metric(tr("Revenue, top segments", "头部分群收入占比"), fmt_pct(top["revenue_share"].sum(), 0),
              help=tr(f"Share of revenue (net of returns) from the two best segments, Champions and Loyal "
                      f"Customers, who are "
                      f"{fmt_pct(top['customer_share'].sum(), 0)} of customers.",
                      f"两个最佳分群（冠军客户与忠诚客户）贡献的收入占比（已扣除退货），他们占客户总数的 "
                      f"{fmt_pct(top['customer_share'].sum(), 0)}。"))
else:
    c2.metric(tr("Customers, top segments", "头部分群客户占比"), fmt_pct(top["customer_share"].sum(), 0),
              help=tr("Share of customers in the two best segments, Champions and Loyal Customers (the data has "
                      "no prices).", "两个最佳分群（冠军客户与忠诚客户）的客户占比（数据中没有价格）。"))
if value is not None:
    alive = value.customers["p_alive"]
    c3.metric(tr("Probably still active", "可能仍活跃"), fmt_pct((alive >= 0.5).mean(), 0),
              help=tr("Share of customers whose chance of still buying from you (P(alive), BG/NBD model) is at "
                      "least 50%.", "仍会向您购买的概率（P(alive)，BG/NBD 模型）不低于 50% 的客户占比。"))
    total_clv = value.customers["clv"].sum(min_count=1)
    c4.metric(tr(f"{horizon}-month CLV", f"{horizon} 个月客户价值"),
              ui.money(total_clv, 0) if pd.notna(total_clv) else "–",
              help=tr(f"Expected profit from today's customers over the next {horizon} months, the sum of their "
                      f"lifetime values (CLV): expected purchases × expected spend × "
                      f"{margin:.0%} margin, discounted at {rate:.0%} a year.",
                      f"现有客户未来 {horizon} 个月的预期利润，即所有客户终身价值（CLV）之和：预期购买次数 × 预期客单价 × "
                      f"{margin:.0%} 毛利率，按年 {rate:.0%} 折现。"))
    at_risk = seg_value["value_at_risk"].sum(min_count=1)
    c5.metric(tr("Value at risk", "风险价值"), ui.money(at_risk, 0) if pd.notna(at_risk) else "–",
              help=tr("Lifetime value of customers whose P(alive) fell by 10 points or more in the last 90 days "
                      "without a purchase: win them back first.",
                      "过去 90 天未购买且 P(alive) 下降至少 10 个百分点的客户的终身价值：优先挽回他们。"))
notes = []
if cover.guest_lines:
    notes.append(tr(f"{cover.guest_lines:,} guest lines (no customer id"
                    + (f", {fmt_pct(cover.guest_revenue_share, 1)} of revenue" if pd.notna(cover.guest_revenue_share)
                       else "") + ") are left out of customer analytics.",
                    f"{cover.guest_lines:,} 个游客订单行（无客户编号"
                    + (f"，占收入 {fmt_pct(cover.guest_revenue_share, 1)}" if pd.notna(cover.guest_revenue_share) else "")
                    + "）不计入客户分析。"))
if cover.returns_only_customers:
    notes.append(tr(f"{cover.returns_only_customers:,} customers have only returns in the data and are not scored.",
                    f"{cover.returns_only_customers:,} 位客户在数据中只有退货，未参与评分。"))
notes.append(tr("Returns reduce a customer's money spent; an order made only of returns is not a purchase.",
                "退货会减少客户的消费金额；只含退货的订单不算购买。"))
if not has_money:
    notes.append(tr("The data has no prices: segments use recency and frequency only, and lifetime value is in "
                    "purchases, not money.", "数据中没有价格：分群只依据最近度和频率，终身价值以购买次数而非金额表示。"))
st.caption(" ".join(notes))

tabs = st.tabs([tr("RFM segments", "RFM 分群"), tr("Behavioural clusters", "行为聚类"),
                tr("Lifetime value", "终身价值"), tr("Migration", "分群迁移"), tr("Online & offline", "线上与线下"),
                tr("Playbook & export", "行动手册与导出")])
figures, report_tables = {}, {}

# --------------------------------------------------------------------------------------------
# 1. RFM segments
# --------------------------------------------------------------------------------------------
with tabs[0], ui.section():
    st.subheader(tr("Eleven segments from recency, frequency and money", "依据最近度、频率和金额划分的十一个分群"))
    size = st.radio(tr("Tile size", "方块大小"), ["customers", "revenue"] if has_money else ["customers"],
                    horizontal=True, key="seg-treemap-size",
                    format_func={"customers": tr("Customers", "客户数"), "revenue": tr("Revenue", "收入")}.get,
                    help=tr("Size the tiles by how many customers or by how much revenue each segment holds.",
                            "按每个分群的客户数或收入决定方块大小。"))
    shown_summary = summary.assign(segment_label=summary["segment"].map(labels))
    treemap = charts.segment_treemap(
        shown_summary, size, tr("Segments by customers and revenue", "各分群的客户与收入"),
        {"customers": tr("customers", "客户"), "revenue": tr("revenue", "收入")}, currency)
    ui.chart(treemap, key="seg-treemap")
    figures[tr("Segments treemap", "分群树图")] = treemap
    heat = charts.rfm_heatmap(segments.rfm_grid(table), labels,
                              tr("Customers by R score and FM score", "按 R 分与 FM 分的客户分布"),
                              tr("R score (5 = bought most recently)", "R 分（5 = 最近购买）"),
                              tr("FM score (5 = buys most often and spends most)", "FM 分（5 = 购买最频繁、消费最多）"),
                              {"customers": tr("Customers", "客户"), "r": "R", "fm": "FM"})
    ui.chart(heat, key="seg-heatmap")
    figures[tr("RFM heatmap", "RFM 热力图")] = heat
    with st.expander(tr("How customers are scored and named", "客户如何评分与命名"), icon=":material/help:"):
        st.markdown(tr(
            "Each customer gets three scores from 1 to 5 against the other customers: **R** (recency: days since the "
            "last purchase, fewer is better), **F** (frequency: number of orders) and **M** (money: revenue net of "
            "returns). Scores are quintiles: without ties each score holds a fifth of the customers; tied customers "
            "always share a score, the lowest value scores 1 and the highest 5 (a customer's score is 1 + ⌊5·b/(n−e)⌋, "
            "b customers worse, e tied, n in all). **FM** is the average of F and M, rounded half up. The segment "
            "comes from R and FM on this grid:",
            "每位客户与其他客户相比得到三个 1–5 分：**R**（最近度：距上次购买的天数，越少越好）、**F**（频率：订单数）和 "
            "**M**（金额：扣除退货后的收入）。分数按五分位划分：无并列时每个分数各占五分之一客户；并列的客户总是同分，最低值得 "
            "1 分、最高值得 5 分（分数 = 1 + ⌊5·b/(n−e)⌋，b 为更差的客户数，e 为并列数，n 为总数）。**FM** 为 F 与 M 的平均值"
            "（四舍五入）。分群由 R 和 FM 按下表确定："))
        grid = segments.segment_map()
        grid["segment"] = grid["segment"].map(labels)
        pivot = grid.pivot(index="fm_score", columns="r_score", values="segment").sort_index(ascending=False)
        pivot.columns = [f"R = {c}" for c in pivot.columns]
        pivot.index = [f"FM = {i}" for i in pivot.index]
        st.dataframe(pivot, width="stretch")
    seg_table = shown_summary[["segment_label", "customers", "customer_share", "revenue", "revenue_share",
                               "median_recency_days", "mean_frequency", "mean_monetary", "description"]]
    seg_table = seg_table.rename(columns={"segment_label": "segment"})
    ui.table(seg_table, "segments.csv", height=35 * (len(seg_table) + 1) + 3, column_config=columns(seg_table),
             caption=tr("Every segment: its customers, revenue and typical behaviour.", "每个分群的客户、收入和典型行为。"))
    report_tables[tr("Segments", "客户分群")] = seg_table

# --------------------------------------------------------------------------------------------
# 2. Behavioural clusters
# --------------------------------------------------------------------------------------------
with tabs[1], ui.section():
    st.subheader(tr("Groups that behave alike", "行为相似的客户群"))
    st.caption(tr("K-means on each customer's recency, frequency and spend (log scale) plus the behaviour the data "
                  "records: channel mix, share of orders with a discount and category mix. Unlike RFM segments, "
                  "clusters find groups nobody defined in advance.",
                  "基于每位客户的最近度、频率和消费（对数尺度），以及数据中记录的行为（渠道构成、使用折扣的订单占比、品类构成）"
                  "进行 K-means 聚类。与 RFM 分群不同，聚类能发现事先没有定义的群体。"))
    with st.spinner(tr("Finding behavioural clusters…", "正在寻找行为聚类…")):
        clusters = attempt(_clusters, dataset, as_of_s, n_clusters, lang, currency)
    if clusters is not None:
        how = tr("chosen automatically at the elbow", "按肘部法则自动选择") if clusters.chosen_automatically else \
            tr("set in the sidebar", "在侧边栏设定")
        st.markdown(tr(f"**{clusters.n_clusters} clusters** ({how}).", f"**{clusters.n_clusters} 个聚类**（{how}）。"))
        names = clusters.profiles.set_index("cluster")["name"].to_dict()
        cols = st.columns(min(clusters.n_clusters, 3))
        for i, row in clusters.profiles.iterrows():
            with cols[i % len(cols)].container(border=True):
                st.markdown(f"**{row['cluster']}. {row['name']}**")
                st.caption(row["description"])
        pc1, pc2 = (fmt_pct(v, 0) for v in (*clusters.explained_variance, 0.0)[:2])
        scatter = charts.cluster_scatter(
            clusters.projection, names, tr("Customers on the two main directions of behaviour", "客户在两个主要行为方向上的分布"),
            tr(f"Component 1 ({pc1} of the variation)", f"主成分 1（解释 {pc1} 的差异）"),
            tr(f"Component 2 ({pc2} of the variation)", f"主成分 2（解释 {pc2} 的差异）"))
        ui.chart(scatter, key="seg-cluster-scatter")
        st.caption(tr("Each dot is a customer (a sample of up to 5,000); nearby dots behave alike. The axes are the "
                      "two "
                      "combinations of the features that spread customers out most (principal components).",
                      "每个点是一位客户（最多抽样 5,000 位）；距离近的点行为相似。坐标轴是最能区分客户的两个特征组合（主成分）。"))
        figures[tr("Cluster map", "聚类分布图")] = scatter
        st.markdown(tr("**Rules that pick out each cluster**", "**识别各聚类的规则**"))
        rules = clusters.rules.rules.assign(name=lambda r: r["cluster"].map(names))
        st.markdown("\n".join(
            f"- **{r.cluster}. {r.name}:** {r.rule} "
            + tr(f"(right for {fmt_pct(r.precision, 0)} of those it picks, catches {fmt_pct(r.recall, 0)} of "
                 "the cluster)",
                 f"（所选客户中 {fmt_pct(r.precision, 0)} 正确，覆盖该聚类 {fmt_pct(r.recall, 0)}）")
            for r in rules.itertuples()))
        st.caption(tr(f"From a shallow decision tree on the features in their own units. The rules describe "
                      f"{fmt_pct(clusters.rules.coverage, 0)} of customers correctly.",
                      f"来自基于原始单位特征的浅层决策树。规则正确描述了 {fmt_pct(clusters.rules.coverage, 0)} 的客户。"))
        ui.download_csv(rules[["cluster", "name", "rule", "customers", "precision", "recall"]], "cluster-rules.csv",
                        label=tr("Download the rules (CSV)", "下载规则（CSV）"))
        profile_table = clusters.profiles.drop(columns=["description"])
        ui.table(profile_table, "cluster-profiles.csv", column_config=columns(profile_table),
                 caption=tr("Cluster profiles: medians of recency (days), orders and spend; means of the shares.",
                            "聚类概况：最近度（天）、订单数和消费的中位数；各占比的平均值。"))
        report_tables[tr("Cluster profiles", "聚类概况")] = clusters.profiles
        if clusters.chosen_automatically:
            with st.expander(tr("Why this many clusters?", "为什么是这个聚类数？"), icon=":material/help:"):
                elbow = charts.cluster_elbow(
                    clusters.selection, clusters.n_clusters, tr("Spread left within clusters", "聚类内剩余差异"),
                    tr("Number of clusters", "聚类数量"),
                    {"spread": tr("Spread left (% of total)", "剩余差异（占总量 %）"), "silhouette": tr("Silhouette", "轮廓系数"),
                     "chosen": tr("chosen", "选定")})
                ui.chart(elbow, key="seg-elbow")
                st.caption(tr("More clusters always leave less spread; the elbow is where one more cluster stops "
                              "paying "
                              "(the point farthest below the line joining the ends of the curve). The silhouette "
                              "(−1 to 1, higher = better separated) is shown for reference: it tends to favour very "
                              "few "
                              "coarse groups.",
                              "聚类越多剩余差异越小；肘部是再增加一个聚类不再划算的位置（曲线上离两端连线最远的点）。轮廓系数（−1 到 1，"
                              "越高分得越开）仅供参考：它往往偏好很少的几个粗略群体。"))

# --------------------------------------------------------------------------------------------
# 3. Lifetime value
# --------------------------------------------------------------------------------------------
with tabs[2], ui.section():
    st.subheader(tr("What each customer is worth", "每位客户的价值"))
    if value is None:
        ui.show_error(value_error)
    else:
        st.caption(tr(f"BG/NBD predicts how often each customer will buy and whether they are still active "
                      f"(P(alive)); Gamma-Gamma predicts how much they spend per purchase. Lifetime value = expected "
                      f"profit over the next {horizon} months at a {margin:.0%} margin, discounted at {rate:.0%} a "
                      "year.",
                      f"BG/NBD 模型预测每位客户的购买频率及是否仍活跃（P(alive)）；Gamma-Gamma 模型预测每次购买的金额。"
                      f"终身价值 = 未来 {horizon} 个月按 {margin:.0%} 毛利率计算、按年 {rate:.0%} 折现的预期利润。"))
        v = value.customers
        if v["clv"].notna().any():
            hist = charts.clv_histogram(v["clv"],
                                        tr(f"Lifetime value, next {horizon} months", f"未来 {horizon} 个月终身价值分布"),
                                        tr(f"Lifetime value per customer ({currency})", f"每位客户终身价值（{currency}）"),
                                        tr("Customers", "客户数"),
                                        {"mean": tr("mean", "平均"), "median": tr("median", "中位数")})
            ui.chart(hist, key="seg-clv-hist")
            figures[tr("CLV distribution", "终身价值分布")] = hist
        cap = int(max(v["frequency"].quantile(0.95), 1))
        matrix = clv.p_alive_matrix(value.bgnbd, cap, float(v["T"].max()))
        heat_alive = charts.p_alive_heatmap(
            matrix, tr("Chance a customer is still active", "客户仍活跃的概率"),
            tr("Days from first to last purchase", "首次到最近一次购买的天数"), tr("Repeat purchases", "复购次数"),
            "P(alive)")
        ui.chart(heat_alive, key="seg-palive")
        st.caption(tr(f"For a customer who first bought {v['T'].max():.0f} days ago: the more they bought and the more "
                      "recently, the likelier they are still with you. Red: probably gone.",
                      f"以 {v['T'].max():.0f} 天前首次购买的客户为例：购买越多、越近，仍活跃的可能性越大。红色：很可能已流失。"))
        figures[tr("P(alive) matrix", "P(alive) 矩阵")] = heat_alive
        if seg_value is not None and seg_value["total_clv"].notna().any():
            bars = charts.segment_value_bars(
                seg_value, labels, tr("Lifetime value by segment, and the part at risk", "各分群的终身价值及风险部分"),
                tr(f"Lifetime value ({currency})", f"终身价值（{currency}）"),
                {"safe": tr("customers still active", "仍活跃客户"),
                 "risk": tr("at risk (P(alive) falling)", "有风险（P(alive) 下降）")})
            ui.chart(bars, key="seg-value-bars")
            figures[tr("Value at risk by segment", "各分群风险价值")] = bars
        seg_value_shown = seg_value.assign(segment=seg_value["segment"].map(labels))
        ui.table(seg_value_shown, "segment-value.csv", height=35 * (len(seg_value_shown) + 1) + 3,
                 column_config=columns(seg_value_shown),
                 caption=tr("Per segment: mean P(alive), mean and total lifetime value, customers whose P(alive) is "
                            "falling and their lifetime value (value at risk).",
                            "各分群：平均 P(alive)、平均与总终身价值、P(alive) 正在下降的客户数及其终身价值（风险价值）。"))
        report_tables[tr("Value by segment", "各分群价值")] = seg_value_shown

        st.markdown(tr("**Does the model earn its keep?**", "**模型是否值得信赖？**"))
        with st.spinner(tr("Checking the model on a holdout period…", "正在用留出期检验模型…")):
            check = attempt(_holdout, dataset, as_of_s, holdout_days)
        if check is not None:
            better = check.mae_model < check.mae_naive
            h1, h2, h3 = st.columns(3)
            h1.metric(tr("Actual repeat purchases", "实际复购次数"), ui.number(check.total_actual),
                      help=tr(f"Repeat purchase days of the calibration customers in the {holdout_days} holdout days "
                              f"({check.calibration_end:%Y-%m-%d} to {check.holdout_end:%Y-%m-%d}).",
                              f"校准期客户在 {holdout_days} 天留出期（{check.calibration_end:%Y-%m-%d} 至 "
                              f"{check.holdout_end:%Y-%m-%d}）内的复购天数。"))
            h2.metric(tr("Model predicted", "模型预测"), ui.number(check.total_model),
                      delta=tr(f"{check.total_model / check.total_actual - 1:+.0%} vs actual",
                               f"较实际 {check.total_model / check.total_actual - 1:+.0%}")
                      if check.total_actual else None,
                      delta_color="off", help=tr(f"BG/NBD fitted on the data before {check.calibration_end:%Y-%m-%d} "
                                                 f"only. Mean error per customer: {check.mae_model:.2f} purchases.",
                                                 f"仅用 {check.calibration_end:%Y-%m-%d} 之前的数据拟合的 BG/NBD。"
                                                 f"每位客户平均误差：{check.mae_model:.2f} 次。"))
            h3.metric(tr("Naive rule predicted", "简单规则预测"), ui.number(check.total_naive),
                      delta=tr(f"{check.total_naive / check.total_actual - 1:+.0%} vs actual",
                               f"较实际 {check.total_naive / check.total_actual - 1:+.0%}")
                      if check.total_actual else None,
                      delta_color="off", help=tr(f"Each customer keeps buying at their past rate. Mean error per "
                                                 f"customer: {check.mae_naive:.2f} purchases.",
                                                 f"每位客户保持过去的购买速度。每位客户平均误差：{check.mae_naive:.2f} 次。"))
            verdict = tr(f"The model's per-customer error is {check.mae_model:.2f} purchases against "
                         f"{check.mae_naive:.2f} for the naive rule: "
                         + ("it earns its keep." if better else "it does not beat the naive rule on this data; "
                            "treat its lifetime values with caution."),
                         f"模型每位客户的误差为 {check.mae_model:.2f} 次，简单规则为 {check.mae_naive:.2f} 次："
                         + ("模型值得信赖。" if better else "在这份数据上模型不如简单规则，请谨慎使用其终身价值。"))
            (st.success if better else st.warning)(verdict)
            hold = charts.holdout_bars(
                check.by_frequency, {"actual": tr("actual", "实际"), "model": tr("BG/NBD model", "BG/NBD 模型"),
                                     "naive": tr("naive rule", "简单规则")},
                tr("Holdout purchases per customer: actual vs predicted", "留出期每位客户购买次数：实际与预测"),
                tr("Repeat purchases before the holdout", "留出期之前的复购次数"),
                tr("Purchases per customer in the holdout", "留出期每位客户购买次数"))
            ui.chart(hold, key="seg-holdout-chart")
            figures[tr("Holdout check", "留出期检验")] = hold
        with st.expander(tr("Model details", "模型细节"), icon=":material/functions:"):
            b, g = value.bgnbd, value.gamma_gamma
            params = pd.DataFrame([
                {"model": "BG/NBD", "parameters": f"r={b.r:.4g}, alpha={b.alpha:.4g}, a={b.a:.4g}, b={b.b:.4g}",
                 "log_likelihood": b.log_likelihood, "customers": b.n_customers},
                *([{"model": "Gamma-Gamma", "parameters": f"p={g.p:.4g}, q={g.q:.4g}, v={g.v:.4g}",
                    "log_likelihood": g.log_likelihood, "customers": g.n_customers}] if g is not None else [])])
            ui.table(params, "clv-model-parameters.csv",
                     caption=tr("Maximum-likelihood estimates (time unit: days). References: Fader, Hardie & Lee "
                                "(2005), Marketing Science 24(2); Fader & Hardie (2013), The Gamma-Gamma Model of "
                                "Monetary Value.",
                                "最大似然估计（时间单位：天）。参考文献：Fader, Hardie & Lee (2005), Marketing Science "
                                "24(2)；Fader & Hardie (2013), The Gamma-Gamma Model of Monetary Value。"))

# --------------------------------------------------------------------------------------------
# 4. Migration
# --------------------------------------------------------------------------------------------
with tabs[3], ui.section():
    st.subheader(tr("How customers moved between segments", "客户在分群之间的迁移"))
    with st.spinner(tr("Comparing segments at two dates…", "正在比较两个日期的分群…")):
        mig = attempt(_migration, dataset, as_of_s, gap)
    if mig is not None:
        counts = mig.customers["direction"].value_counts()
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(tr("Moved up", "上升"), ui.number(counts.get("up", 0)),
                  help=tr("Customers whose R + FM score rose between the two dates.", "两个日期间 R + FM 分上升的客户。"))
        m2.metric(tr("Moved down", "下降"), ui.number(counts.get("down", 0)),
                  help=tr("Customers whose R + FM score fell.", "R + FM 分下降的客户。"))
        m3.metric(tr("Unchanged", "不变"), ui.number(counts.get("same", 0)),
                  help=tr("Customers with the same R + FM score.", "R + FM 分不变的客户。"))
        m4.metric(tr("New customers", "新客户"), ui.number(counts.get("new", 0)),
                  help=tr("First purchase between the two dates.", "在两个日期之间首次购买。"))
        width = st.radio(tr("Flow width", "流量宽度"), ["customers", "revenue_before"] if has_money else ["customers"],
                         horizontal=True, key="seg-sankey-width",
                         format_func={"customers": tr("Customers", "客户数"),
                                      "revenue_before": tr("Revenue at stake", "涉及收入")}.get,
                         help=tr("Revenue at stake: what the customers in a flow spent in the 365 days before the "
                                 "first date.", "涉及收入：该流向中的客户在第一个日期之前 365 天内的消费。"))
        sankey = charts.migration_sankey(
            mig.flows, labels, width, tr(f"Segments on {mig.start:%Y-%m-%d} (left) and {mig.end:%Y-%m-%d} (right)",
                                         f"{mig.start:%Y-%m-%d}（左）与 {mig.end:%Y-%m-%d}（右）的分群"),
            {"customers": tr("Customers", "客户数"), "revenue_before": tr("Revenue in the year before", "之前一年收入"),
             "revenue_between": tr("Revenue between the dates", "两日期之间收入")}, currency)
        ui.chart(sankey, key="seg-sankey")
        figures[tr("Segment migration", "分群迁移")] = sankey
        flows = mig.flows.assign(segment_start=mig.flows["segment_start"].map(labels),
                                 segment_end=mig.flows["segment_end"].map(labels))
        ui.table(flows, "segment-migration.csv", column_config=columns(flows),
                 caption=tr("Each flow: customers, their share of the starting segment, the revenue they brought in "
                            "the "
                            "year before the first date (what is at stake) and between the dates.",
                            "每个流向：客户数、占起始分群的比例、第一个日期之前一年带来的收入（涉及金额）以及两日期之间的收入。"))
        report_tables[tr("Segment migration", "分群迁移")] = flows

# --------------------------------------------------------------------------------------------
# 5. Online & offline
# --------------------------------------------------------------------------------------------
with tabs[4], ui.section():
    st.subheader(tr("Online only, offline only or both", "仅线上、仅线下还是两者兼有"))
    channel_types = None
    if "channel" not in tx.columns or tx["channel"].isna().all():
        st.info(tr("This data has no channel column. Map the column that says where each order was placed (e.g. "
                   "'online', 'store') on the Data page to see the omnichannel view.",
                   "该数据没有渠道列。请在“数据”页面映射表示下单渠道的列（如“online”“store”）以查看全渠道分析。"))
    else:
        channel_types = attempt(_channels, dataset, as_of_s)
    if channel_types is not None:
        mix = _omnichannel(dataset, as_of_s)
        type_names = {k: tr(k.capitalize(), segments.CHANNEL_TYPE_ZH[k]) for k in segments.CHANNEL_TYPES}
        share = channel_types.value_counts(normalize=True)
        o1, o2, o3 = st.columns(3)
        for col, kind in zip((o1, o2, o3), segments.CHANNEL_TYPES):
            col.metric(type_names[kind], fmt_pct(share.get(kind, 0.0), 0),
                       help=tr("Share of customers. Channels whose name means web, app, marketplace or 线上 count as "
                               "online; the others (stores, POS) as offline.",
                               "客户占比。名称含网站、App、电商平台或“线上”等的渠道计为线上，其余（门店、POS）计为线下。"))
        omni = charts.omnichannel_bars(mix, labels, type_names, tr("Channel mix of each segment", "各分群的渠道构成"),
                                       tr("Share of the segment's customers", "占分群客户比例"))
        ui.chart(omni, key="seg-omni")
        figures[tr("Omnichannel", "全渠道")] = omni
        mix_shown = mix.assign(segment=mix["segment"].map(labels), channel_type=mix["channel_type"].map(type_names))
        ui.table(mix_shown[mix_shown["customers"] > 0], "segment-channels.csv", column_config=columns(mix_shown),
                 caption=tr("Customers and revenue per segment and channel type.", "各分群与渠道类型的客户数和收入。"))
        report_tables[tr("Channel mix", "渠道构成")] = mix_shown

# --------------------------------------------------------------------------------------------
# 6. Playbook and export
# --------------------------------------------------------------------------------------------
with tabs[5], ui.section():
    st.subheader(tr("Next best action per segment", "各分群的下一步最佳行动"))
    st.caption(tr("Edit the actions and offers to match your business; tick the segments that should receive "
                  "coupons. The Coupons page uses this playbook for its target lists.",
                  "按您的业务修改行动与优惠；勾选应发放优惠券的分群。“优惠券”页面会用此手册生成目标名单。"))
    base_key = "segment_playbook_base"
    if base_key not in st.session_state:
        st.session_state[base_key] = segments.playbook(lang)
    if st.button(tr("Reset to the default playbook", "恢复默认手册"), key="seg-playbook-reset",
                 icon=":material/restart_alt:"):
        st.session_state[base_key] = segments.playbook(lang)
        st.session_state.pop("seg-playbook-editor", None)
    base = st.session_state[base_key]
    edited = st.data_editor(
        base.assign(segment_label=base["segment"].map(labels))[["segment_label", "segment", "action", "offer",
                                                                   "send_coupon"]],
        key="seg-playbook-editor", hide_index=True, width="stretch", num_rows="fixed",
        disabled=["segment_label", "segment"], height=35 * (len(base) + 1) + 3,
        column_order=["segment_label", "action", "offer", "send_coupon"] if lang == "en" else None,
        column_config={"segment_label": st.column_config.TextColumn(tr("Segment", "分群")),
                       "segment": st.column_config.TextColumn(tr("Key", "英文名")),
                       "action": st.column_config.TextColumn(tr("Action", "行动"), width="large"),
                       "offer": st.column_config.TextColumn(tr("Offer", "优惠")),
                       "send_coupon": st.column_config.CheckboxColumn(
                           tr("Send coupon", "发放优惠券"),
                           help=tr("Include this segment in coupon target lists.", "将此分群纳入优惠券目标名单。"))})
    book = segments.check_playbook(edited)
    st.session_state[PLAYBOOK_KEY] = book
    ui.download_csv(book, "segment-playbook.csv", label=tr("Download the playbook", "下载行动手册"))
    targets = segments.target_list(table, book, coupon_only=True)
    st.markdown(tr(f"**Coupon target list:** {len(targets):,} customers in "
                   f"{targets['segment'].nunique()} segments.",
                   f"**优惠券目标名单：** {targets['segment'].nunique()} 个分群共 {len(targets):,} 位客户。"))
    preview = targets.assign(segment=targets["segment"].map(labels)).drop(columns=["send_coupon"]).head(1000)
    ui.table(preview, "coupon-targets-preview.csv", column_config=columns(preview),
             caption=tr("The first 1,000 rows; the full list is in the CRM export below.",
                        "显示前 1,000 行；完整名单见下方的 CRM 导出。"))
    st.markdown(tr("**CRM export**", "**CRM 导出**"))
    crm = segments.crm_export(table, clusters, value.customers if value is not None else None, channel_types, book)
    st.caption(tr(f"One row per customer ({len(crm):,}): segment, RFM scores, cluster, lifetime value, P(alive), "
                  "channel type and the playbook's action — ready to import into your CRM or e-mail tool.",
                  f"每位客户一行（共 {len(crm):,} 行）：分群、RFM 分、聚类、终身价值、P(alive)、渠道类型和手册行动——"
                  "可直接导入 CRM 或邮件工具。"))
    d1, d2 = st.columns(2)
    with d1:
        ui.download_csv(crm, "crm-segments.csv", label=tr("Download CRM list (CSV)", "下载 CRM 名单（CSV）"),
                        deferred=True)
    with d2:
        ui.download_excel({"customers": crm, "segments": seg_table, "playbook": book}, "crm-segments.xlsx",
                          label=tr("Download CRM workbook (Excel)", "下载 CRM 工作簿（Excel）"), deferred=True)
    report_tables[tr("Playbook", "行动手册")] = book

st.divider()
ui.save_to_report(
    "segments", tr(f"Customer segments as of {as_of_s}", f"客户分群（{as_of_s}）"),
    params={"as_of": as_of_s, "horizon_months": horizon, "margin": margin, "annual_discount_rate": rate,
            "clusters": k_choice, "migration_days": gap, "holdout_days": holdout_days},
    tables=report_tables, figures=figures, notes=notes)
