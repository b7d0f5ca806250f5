"""Coupons page: did the campaign work and by how much (A/B lifts with honest intervals), which
customers a coupon actually moves (cross-fitted uplift models), whom to send the next one to within
a budget (a target list to download), and what a loyalty points programme costs."""
from __future__ import annotations

import hashlib
import io

import numpy as np
import pandas as pd
import streamlit as st

import ui
from promo_core import charts, loyalty, segments
from promo_core import experiments as ex
from promo_core import targeting as tg
from promo_core import uplift as up
from promo_core.errors import DataError
from promo_core.io import read_table

ui.guard_page()  # first: nothing of this page runs before sign-in

tr = ui.tr
NO_ID = "__row__"
MODEL_NAMES = {"T-learner": ("T-learner", "T-学习器"), "S-learner": ("S-learner", "S-学习器"),
               "X-learner": ("X-learner", "X-学习器"), "Class transformation": ("Class transformation", "类别转换")}
MODEL_HELP = (
    "T-learner: one model for treated and one for control customers; uplift = the difference. "
    "S-learner: one model with the treatment as a feature. X-learner: models each group's individual effects "
    "directly (good when one arm is small). Class transformation: one classifier on a relabelled outcome.",
    "T-学习器：处理组和对照组各一个模型，增量为二者之差。S-学习器：一个模型，把是否处理作为特征。X-学习器：直接对各组的个体效应建模"
    "（适合某组样本较少时）。类别转换：对重新标注的结果训练一个分类器。")


def model_label(name: str) -> str:
    return tr(*MODEL_NAMES.get(name, (name, name)))


def _dataset_key() -> str | None:
    if ui.dataset_id() is None:
        return None
    info = ui.workspace().dataset(ui.dataset_id())
    return f"{ui.dataset_id()}@{info['created_at']}"


def _digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:16]


def _named_bytes(data: bytes, name: str) -> io.BytesIO:
    buf = io.BytesIO(data)
    buf.name = name
    return buf


# --------------------------------------------------------------------------------------------
# Cached computations (keyed on the data and the parameters)
# --------------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=4)
def _read_upload(data: bytes, name: str):
    return read_table(_named_bytes(data, name))


@st.cache_data(show_spinner=False, max_entries=4)
def _campaign_from_sales(dataset: str, recipients: bytes, name: str, codes: tuple, launch: str, days: int):
    table = read_table(_named_bytes(recipients, name)).data
    cols = ex.suggest_columns(table)
    id_col = cols.id_column or next((c for c in table.columns if "customer" in str(c).lower()), None)
    if id_col is None or cols.arm is None:
        raise DataError(f"{name} needs a customer id column and an arm column (which coupon each customer got, "
                        f"'control' for none). Its columns are: {', '.join(map(str, table.columns))}.")
    recipients_frame = pd.DataFrame({"customer_id": table[id_col].astype(str), "arm": table[cols.arm].astype(str)})
    tx = ui.load_table("transactions", dataset.split("@")[0])
    return ex.campaign_from_transactions(tx, recipients_frame, launch, days, codes=list(codes) or None)


@st.cache_data(show_spinner=False, max_entries=4)
def _suggest(data_key: str, _frame: pd.DataFrame) -> ex.ExperimentColumns:
    return ex.suggest_columns(_frame)


@st.cache_data(show_spinner=False, max_entries=8)
def _ab(data_key: str, arm: str, control: str, outcomes: tuple, intended: tuple | None, _frame: pd.DataFrame):
    results = ex.compare_outcomes(_frame, arm, list(outcomes), control)
    srm = ex.sample_ratio_check(_frame, arm, dict(intended) if intended else None)
    return results, srm


@st.cache_data(show_spinner=False, max_entries=8)
def _cuped(data_key: str, arm: str, control: str, outcomes: tuple, covariate: str, _frame: pd.DataFrame):
    parts = []
    for o in outcomes:
        res = ex.cuped(_frame, arm, o, control, covariate)
        parts.append(res.table.assign(outcome=o, correlation=res.correlation))
    return pd.concat(parts, ignore_index=True)


@st.cache_resource(show_spinner=False)
def _fits() -> dict:
    """Fitted uplift models by their key (the newest few). A plain cached function cannot be used:
    it would replay the progress bar, which must only show while models are really being fitted."""
    return {}


def _fit(key: str, frame: pd.DataFrame, arm: str, outcome: str, control: str, features: list, models: tuple,
         n_folds: int, k: float) -> up.UpliftResult | None:
    store = _fits()
    if key not in store:
        bar = st.progress(0.0, text=tr("Fitting uplift models…", "正在训练增量模型…"))

        def report(done: int, total: int, message: str) -> None:
            bar.progress(done / total, text=tr(f"Fitting uplift models: fold {done} of {total} done…",
                                               f"正在训练增量模型：已完成 {done}/{total} 折…"))

        try:
            result = up.fit_uplift(frame, arm, outcome, control, features, models=models, n_folds=n_folds, k=k,
                                   progress=report)
        except Exception as exc:  # the rest of the page (lifts, loyalty points) still works
            bar.empty()
            ui.show_error(exc)
            return None
        bar.empty()
        while len(store) >= 4:
            store.pop(next(iter(store)))
        store[key] = result
    return store[key]


@st.cache_data(show_spinner=False, max_entries=8)
def _curves(data_key: str, fit_key: str, arm: str, _frame: pd.DataFrame, _fit: up.UpliftResult, arm_col: str,
            outcome: str) -> pd.DataFrame:
    mask = _frame[arm_col].astype(str).isin([arm, _fit.control]).to_numpy()
    t = (_frame[arm_col].astype(str).to_numpy()[mask] == arm).astype(int)
    return up.qini_curves(_frame[outcome].to_numpy()[mask], _fit.uplift[arm][mask], t)


@st.cache_data(show_spinner=False, max_entries=4)
def _rfm_targets(dataset: str, coupon_segments: tuple, _book: segments.SegmentPlaybook) -> list:
    tx = ui.load_table("transactions", dataset.split("@")[0])
    return segments.target_list(segments.rfm(tx), _book.table)["customer_id"].astype(str).tolist()


@st.cache_data(show_spinner=False, max_entries=8)
def _targeting(fit_key: str, econ_key: str, budget: float | None, budget_kind: str, playbook: tuple | None,
               playbook_coupon: str | None, lang: str, _econ: tg.CouponEconomics, _ids, _fit: up.UpliftResult):
    options = tg.coupon_options(_ids, _fit.baseline, {a: _fit.uplift[a][_fit.best[a]] for a in _fit.uplift}, _econ)
    plan = tg.optimise_targets(options, budget, budget_kind)
    comparison = tg.compare_strategies(options, budget, budget_kind, playbook_customers=list(playbook) if playbook
                                       else None, playbook_coupon=playbook_coupon, lang=lang)
    return plan, comparison, tg.profit_curve(options)


@st.cache_data(show_spinner=False, max_entries=4)
def _monthly_sales(dataset: str) -> float:
    tx = ui.load_table("transactions", dataset.split("@")[0])
    last = tx["order_date"].max()
    recent = tx[tx["order_date"] > last - pd.Timedelta(days=365)]
    months = max(1.0, (last - recent["order_date"].min()).days / 30.44)
    return float(recent["revenue"].sum() / months)


# --------------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------------
def _lift_text(value: float, binary: bool, digits: int = 1) -> str:
    return f"{100 * value:+.{digits}f} " + tr("pts", "个百分点") if binary else \
        ("+" if value >= 0 else "-") + ui.money(abs(value))


def _shown_results(results: pd.DataFrame) -> pd.DataFrame:
    out = results.copy()
    binary = out["kind"] == "binary"
    for col in ("mean", "lift", "lift_low", "lift_high"):
        out[col] = np.where(binary, 100 * out[col], out[col])
    out["unit"] = np.where(binary, tr("% / points", "% / 百分点"), ui.currency())
    return out[["outcome", "arm", "n", "mean", "unit", "lift", "lift_low", "lift_high", "rel_lift", "rel_lift_low",
                "rel_lift_high", "p_value", "p_value_holm", "significant", "test"]]


# column -> (English header, Chinese header, number format; "money" = the configured currency)
COLUMNS = {
    "outcome": ("Outcome", "结果", None), "arm": ("Arm", "分组", None), "n": ("Customers", "客户数", "%d"),
    "mean": ("Mean", "均值", "%.3f"), "unit": ("Unit", "单位", None), "lift": ("Lift", "提升", "%+.3f"),
    "lift_low": ("Lift, 95% low", "提升下限", "%+.3f"), "lift_high": ("Lift, 95% high", "提升上限", "%+.3f"),
    "rel_lift": ("Relative lift", "相对提升", "percent"), "rel_lift_low": ("Relative, 95% low", "相对提升下限", "percent"),
    "rel_lift_high": ("Relative, 95% high", "相对提升上限", "percent"), "p_value": ("p-value", "p 值", "%.2g"),
    "p_value_holm": ("p-value (Holm)", "p 值（Holm）", "%.2g"), "significant": ("Significant", "显著", None),
    "test": ("Test", "检验", None),
    "lift_cuped": ("Lift, CUPED", "提升（CUPED）", "%+.4f"), "lift_cuped_low": ("CUPED, 95% low", "CUPED 下限", "%+.4f"),
    "lift_cuped_high": ("CUPED, 95% high", "CUPED 上限", "%+.4f"), "ci_width": ("Interval width", "区间宽度", "%.4f"),
    "ci_width_cuped": ("Width, CUPED", "区间宽度（CUPED）", "%.4f"), "narrower_by": ("Narrower by", "缩窄", "percent"),
    "correlation": ("Correlation", "相关系数", "%.3f"),
    "model": ("Model", "模型", None), "k": ("Top share k", "前 k 比例", "percent"), "qini": ("Qini", "Qini", "%.4f"),
    "qini_low": ("Qini, 95% low", "Qini 下限", "%.4f"), "qini_high": ("Qini, 95% high", "Qini 上限", "%.4f"),
    "uplift_auc": ("Uplift AUC", "增量 AUC", "%.4f"), "uplift_at_k": ("Uplift in top k", "前 k 增量", "percent"),
    "uplift_at_k_low": ("Top k, 95% low", "前 k 下限", "percent"),
    "uplift_at_k_high": ("Top k, 95% high", "前 k 上限", "percent"),
    "ate": ("Uplift, everyone", "全体增量", "percent"), "ate_low": ("Everyone, 95% low", "全体下限", "percent"),
    "ate_high": ("Everyone, 95% high", "全体上限", "percent"),
    "gain_over_all": ("Top k minus everyone", "前 k 减全体", "percent"),
    "gain_over_all_low": ("Gain, 95% low", "差值下限", "percent"),
    "gain_over_all_high": ("Gain, 95% high", "差值上限", "percent"), "best": ("Best", "最佳", None),
    "decile": ("Decile", "十分位", "%d"), "n_treatment": ("Treated", "处理组人数", "%d"),
    "n_control": ("Control", "对照组人数", "%d"), "rate_treatment": ("Rate, treated", "处理组比率", "percent"),
    "rate_control": ("Rate, control", "对照组比率", "percent"), "uplift": ("Uplift", "增量", "percent"),
    "uplift_low": ("Uplift, 95% low", "增量下限", "percent"), "uplift_high": ("Uplift, 95% high", "增量上限", "percent"),
    "predicted_uplift": ("Predicted uplift", "预测增量", "percent"),
    "strategy": ("Strategy", "策略", None), "coupon": ("Coupon", "优惠券", None),
    "customers": ("Customers", "客户数", "%.0f"), "expected_cost": ("Expected cost", "预期成本", "money"),
    "expected_incremental_buyers": ("Extra buyers", "额外购买者", "%.1f"),
    "expected_incremental_profit": ("Expected incremental profit", "预期增量利润", "money"),
    "within_budget": ("Within budget", "预算内", None), "customer_id": ("Customer", "客户", None),
    "expected_uplift": ("Expected uplift", "预期增量", "percent"), "rank": ("Rank", "排名", "%d"),
    "month": ("Month", "月份", "%d"), "sales": ("Sales", "销售额", "money"),
    "points_earned": ("Points earned", "获得积分", "%.0f"), "points_redeemed": ("Points redeemed", "兑换积分", "%.0f"),
    "points_expired": ("Points expired", "过期积分", "%.0f"),
    "points_outstanding": ("Points outstanding", "未兑换积分", "%.0f"),
    "redemption_cost": ("Redemption cost", "兑换成本", "money"), "liability": ("Expected liability", "预计负债", "money"),
    "liability_face_value": ("Face value outstanding", "未兑换面值", "money"),
    "cost_per_sales": ("Cost per sales", "成本占销售额", "percent"),
}


def column_config(frame: pd.DataFrame) -> dict:
    """Readable headers and number formats for the page's tables (downloads keep the plain names)."""
    config = {}
    for col in frame.columns:
        if col not in COLUMNS:
            continue
        en, zh, fmt = COLUMNS[col]
        if fmt is None:
            config[col] = st.column_config.Column(tr(en, zh))
        else:
            config[col] = st.column_config.NumberColumn(
                tr(en, zh), format=f"{ui.currency()}%.2f" if fmt == "money" else fmt)
    return config


# --------------------------------------------------------------------------------------------
# The page: where the campaign comes from
# --------------------------------------------------------------------------------------------
st.title(tr("Coupons", "优惠券"))
st.caption(tr("Did the campaign work, and by how much? Which customers does a coupon actually move — and which would "
              "have bought anyway? Whom should the next coupon go to within your budget? Every answer comes with its "
              "uncertainty, and the target list is ready to download.",
              "活动有没有效果、效果多大？优惠券真正打动了哪些客户，哪些客户本来就会购买？在预算内下一张券该发给谁？"
              "每个答案都附带不确定性，目标名单可直接下载。"))

dataset = _dataset_key()
campaign_table = ui.load_table("campaign") if dataset else None
tx = ui.load_table("transactions") if dataset else None
has_codes = tx is not None and "coupon_code" in tx.columns and tx["coupon_code"].notna().any()
sources = (["dataset"] if campaign_table is not None else []) + ["upload"] + (["sales"] if has_codes else [])
source_names = {"dataset": tr("Campaign in this dataset", "本数据集中的活动"),
                "upload": tr("Upload an experiment file", "上传实验文件"),
                "sales": tr("Build from the coupon codes in the sales", "根据销售数据中的优惠券码生成")}

with st.expander(tr("Campaign data", "活动数据"), expanded=campaign_table is None, icon=":material/upload_file:", key="exp-campaign-data"):
    source = st.radio(tr("Where is the campaign?", "活动数据来源"), sources, format_func=source_names.get,
                      horizontal=True, key="cp-source",
                      help=tr("A randomised campaign: every customer was assigned to one arm (one arm gets nothing, "
                              "the control) before anyone bought.",
                              "随机化活动：每位客户在购买前被随机分到一个组（其中一组什么也不发，即对照组）。"))
    frame, data_key = None, None
    if source == "dataset":
        frame, data_key = campaign_table, f"{dataset}:campaign"
        st.caption(tr(f"The dataset's campaign table: {len(frame):,} customers.",
                      f"数据集中的活动表：{len(frame):,} 位客户。"))
    elif source == "upload":
        st.caption(tr("One row per customer: an arm column (which e-mail or coupon the customer got; any number of "
                      "arms, one of them the control), outcomes (0/1 such as visited or converted, or money such as "
                      "spend) and customer features measured before the campaign (numbers or text). CSV, Excel or "
                      "Parquet. Hillstrom's e-mail test (hillstrom.csv) is an example.",
                      "每位客户一行：分组列（客户收到的邮件或优惠券，组数不限，其中一组为对照组）、结果列（0/1，如是否访问、"
                      "是否购买；或金额，如消费额）以及活动前的客户特征（数字或文字）。支持 CSV、Excel 或 Parquet。"
                      "例如 Hillstrom 邮件实验（hillstrom.csv）。"))
        upload = st.file_uploader(tr("Experiment file", "实验文件"), type=["csv", "txt", "xlsx", "parquet"],
                                  key="cp-upload")
        if upload is not None:
            raw = ui.run(_read_upload, upload.getvalue(), upload.name)
            frame, data_key = raw.data, f"upload:{upload.name}:{_digest(upload.getvalue())}"
            note = tr(f"Read {raw.rows_in:,} rows from {raw.file}.", f"从 {raw.file} 读取 {raw.rows_in:,} 行。")
            if len(raw.quarantine):
                note += tr(f" {len(raw.quarantine):,} unreadable lines were set aside (download them below).",
                           f" {len(raw.quarantine):,} 行无法读取，已单独列出（可在下方下载）。")
                ui.download_csv(raw.quarantine, "experiment-unreadable-lines.csv")
            st.caption(note)
    else:
        codes_all = sorted(tx["coupon_code"].dropna().unique())
        codes = st.multiselect(tr("The campaign's coupon codes", "活动的优惠券码"), codes_all,
                               default=ex.suggest_campaign_codes(tx) or codes_all[:1],
                               key="cp-codes", help=tr("Codes printed on this campaign's coupons; used to find its "
                                                       "dates and who redeemed.",
                                                       "本次活动优惠券上的券码；用于确定活动日期和兑换情况。"))
        if codes:
            window = ui.run(ex.coupon_window, tx, codes)
            first, last = window.first_day, window.last_day
            c1, c2 = st.columns(2)
            launch = c1.date_input(tr("Campaign start", "活动开始日期"), value=first.date(), key="cp-launch",
                                   help=tr("Features use sales before this day; outcomes the days after.",
                                           "特征使用此日期之前的销售，结果使用之后的销售。"))
            days = c2.number_input(tr("Outcome window (days)", "结果观察期（天）"), 1, 365,
                                   int((last - first).days) + 1, key="cp-days")
            recipients = st.file_uploader(
                tr("Who got what (customer id and arm, control included)", "发券名单（客户编号和分组，含对照组）"),
                type=["csv", "xlsx"], key="cp-recipients",
                help=tr("The mailing list with the arm each customer was randomised to; without the control group "
                        "nobody can tell what the coupon added.",
                        "含每位客户随机分组的发送名单；没有对照组就无法知道优惠券带来了多少增量。"))
            if recipients is not None:
                frame = ui.run(_campaign_from_sales, dataset, recipients.getvalue(), recipients.name, tuple(codes),
                               str(launch), int(days))
                data_key = f"{dataset}:sales:{','.join(codes)}:{launch}:{days}:{_digest(recipients.getvalue())}"

if frame is None:
    st.info(tr("Pick or upload a campaign above to start. The demo retailer's dataset holds a coupon campaign "
               "(control, £5 and £10 off).", "请在上方选择或上传一次活动。演示零售商数据集包含一次优惠券活动（对照组、减 £5、减 £10）。"))
    st.stop()

suggested = _suggest(data_key, frame)
src = _digest(data_key.encode())[:6]
arm_options = [c for c in frame.columns if 2 <= frame[c].nunique() <= 20]
if not arm_options:
    ui.show_error(DataError("No column has between 2 and 20 different values, so none can be the arm (which e-mail "
                            "or coupon each customer got). Check the file."))
    st.stop()
numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]

with st.expander(tr("Columns", "列设置"), expanded=False, icon=":material/view_column:", key="exp-columns"):
    c1, c2, c3 = st.columns(3)
    arm = c1.selectbox(tr("Arm column", "分组列"), arm_options, key=f"cp-arm-{src}",
                       index=arm_options.index(suggested.arm) if suggested.arm in arm_options else 0,
                       help=tr("Which treatment each customer got.", "每位客户收到的处理（邮件/优惠券）。"))
    arms = sorted(frame[arm].dropna().astype(str).unique(), key=ex.natural_key)
    default_control = suggested.control if suggested.arm == arm and suggested.control in arms else ex.suggest_control(arms)
    control = c2.selectbox(tr("Control arm", "对照组"), arms, index=arms.index(default_control), key=f"cp-control-{src}",
                           help=tr("The arm that got nothing; every lift is measured against it.",
                                   "什么也没收到的组；所有提升都与它比较。"))
    id_options = [NO_ID] + [c for c in frame.columns if c != arm]
    id_col = c3.selectbox(tr("Customer id column", "客户编号列"), id_options, key=f"cp-id-{src}",
                          index=id_options.index(suggested.id_column) if suggested.id_column in id_options else 0,
                          format_func=lambda c: tr("(row number)", "（行号）") if c == NO_ID else c,
                          help=tr("Names the customers in the target list.", "用于在目标名单中标识客户。"))
    outcome_options = [c for c in numeric if c not in (arm, id_col)]
    outcomes = st.multiselect(tr("Outcomes", "结果指标"), outcome_options, key=f"cp-outcomes-{src}",
                              default=[c for c in suggested.binary_outcomes + suggested.money_outcomes
                                       if c in outcome_options],
                              help=tr("0/1 columns are analysed as rates (two-proportion z-test), others as money "
                                      "per customer (Welch's t-test).",
                                      "0/1 列按比率分析（两比例 z 检验），其他按人均金额分析（Welch t 检验）。"))
    feature_options = [c for c in frame.columns if c not in (arm, id_col, *outcomes)]
    features = st.multiselect(tr("Customer features for the uplift models", "增量模型使用的客户特征"), feature_options,
                              default=[c for c in suggested.features if c in feature_options], key=f"cp-features-{src}",
                              help=tr("What was known about each customer before the campaign; text columns such as "
                                      "channel are handled as categories.",
                                      "活动前已知的客户信息；渠道等文字列按类别处理。"))
    equal = st.toggle(tr("The arms were meant to be the same size", "各组计划人数相同"), value=True,
                      key=f"cp-equal-{src}", help=tr("Used by the sample-ratio check.", "用于样本比例检查。"))
    intended = None
    if not equal:
        cols = st.columns(min(len(arms), 6))
        intended = tuple((a, cols[i % len(cols)].number_input(
            tr(f"Planned share of {a} (%)", f"{a} 计划占比（%）"), 0.0, 100.0, round(100 / len(arms), 1),
            key=f"cp-share-{src}-{a}")) for i, a in enumerate(arms))

binary_outcomes = [o for o in outcomes if ex.is_binary(frame[o])]
if not outcomes:
    st.warning(tr("Pick at least one outcome column under Columns.", "请在“列设置”中至少选择一个结果列。"))
    st.stop()
ids = (frame[id_col].astype(str) if id_col != NO_ID else pd.Series(np.arange(1, len(frame) + 1), index=frame.index)
       .astype(str))
results, srm = ui.run(_ab, data_key, arm, control, tuple(outcomes), intended, frame)
treatments = [a for a in results["arm"].unique() if a != control]

tabs = st.tabs([tr("Did it work?", "有效果吗？"), tr("Who does it move?", "打动了谁？"),
                tr("Whom to send next", "下次发给谁"), tr("Loyalty points", "会员积分")])
report_tables: dict[str, pd.DataFrame] = {}
report_figures: dict = {}
report_notes: list[str] = []

# --------------------------------------------------------------------------------------------
# 1. Did it work?
# --------------------------------------------------------------------------------------------
with tabs[0], ui.section():
    if srm.mismatch:
        st.error(tr(f"Sample-ratio mismatch: the arms' sizes are far from the intended split (χ² = {srm.chi2:,.1f}, "
                    f"p = {srm.p_value:.2g}). The randomisation or the data export is probably broken — check it "
                    "before trusting any lift below.",
                    f"样本比例失衡：各组人数与计划比例相差很大（χ² = {srm.chi2:,.1f}，p = {srm.p_value:.2g}）。随机分组或数据导出"
                    "可能有问题——请先检查，再相信下面的任何提升。"), icon="⚠️")
    else:
        st.success(tr(f"The arms' sizes match the intended split (χ² = {srm.chi2:.2f}, p = {srm.p_value:.2f}): the "
                      "randomisation looks healthy.",
                      f"各组人数与计划比例一致（χ² = {srm.chi2:.2f}，p = {srm.p_value:.2f}）：随机分组看起来正常。"),
                   icon=":material/verified:")
    for outcome in outcomes:
        part = results[results["outcome"] == outcome].set_index("arm")
        binary = part["kind"].iloc[0] == "binary"
        cols = st.columns(max(len(treatments), 1))
        digits = 2 if binary and part["mean"].max() < 0.05 else 1  # rare outcomes need two decimals
        for col, a in zip(cols, treatments):
            r = part.loc[a]
            ci = f"{_lift_text(r['lift_low'], binary, digits)} … {_lift_text(r['lift_high'], binary, digits)}"
            col.metric(f"{a} · {outcome}", _lift_text(r["lift"], binary, digits),
                       delta=f"{r['rel_lift']:+.0%}" if pd.notna(r["rel_lift"]) else None,
                       delta_color="normal" if r["significant"] else "off", border=True,
                       help=tr(f"Lift over {control} ({'rate in points' if binary else 'per customer'}); 95% CI {ci}; "
                               f"p = {r['p_value_holm']:.2g} (Holm-adjusted). The arrow shows the relative lift; grey "
                               "when it cannot be told apart from zero.",
                               f"相对 {control} 的提升（{'比率，单位百分点' if binary else '人均'}）；95% 置信区间 {ci}；"
                               f"p = {r['p_value_holm']:.2g}（Holm 校正）。箭头为相对提升；无法与 0 区分时显示为灰色。"))
    sentences = [ex.lift_sentence(results[(results["outcome"] == o) & (results["arm"] == a)].iloc[0], o, control,
                                  currency=ui.currency(), lang=ui.lang()) for o in outcomes for a in treatments]
    st.markdown("\n".join(f"- {s}" for s in sentences))
    report_notes += sentences
    fig = charts.lift_bars(results, tr("Lift over control, relative, with 95% intervals", "相对对照组的提升（相对值，含 95% 区间）"),
                           tr("Outcome", "结果指标"), tr("Relative lift (%)", "相对提升（%）"))
    ui.chart(fig, key="cp-lift-chart")
    report_figures[tr("Lift over control", "相对对照组的提升")] = fig
    shown = _shown_results(results)
    ui.table(shown, "campaign-lifts.csv", column_config=column_config(shown),
             caption=tr("Every arm and outcome: customers, mean (rate in % for 0/1 outcomes), absolute lift with its "
                        "95% interval (points or money), relative lift, raw and Holm-adjusted p-values.",
                        "每个分组和结果：客户数、均值（0/1 结果为百分比）、绝对提升及 95% 区间（百分点或金额）、相对提升、"
                        "原始及 Holm 校正 p 值。"))
    report_tables[tr("Campaign lifts", "活动提升")] = shown

    st.subheader(tr("Sharper intervals with a pre-campaign covariate (CUPED)", "用活动前协变量缩窄区间（CUPED）"))
    covariates = [c for c in numeric if c not in (arm, id_col, *outcomes)]
    if covariates:
        pre_guess = next((c for c in covariates if any(w in c.lower() for w in ("monetary", "history", "spend", "pre"))),
                         covariates[0])
        covariate = st.selectbox(tr("Covariate measured before the campaign", "活动前测得的协变量"), covariates,
                                 index=covariates.index(pre_guess), key=f"cp-covariate-{src}",
                                 help=tr("E.g. last year's spend. The more it predicts the outcome, the narrower the "
                                         "intervals; the lift itself does not change on average.",
                                         "例如去年的消费额。它越能预测结果，区间越窄；提升本身平均不变。"))
        cuped = ui.run(_cuped, data_key, arm, control, tuple(outcomes), covariate, frame)
        best_gain = cuped["narrower_by"].max()
        st.caption(tr(f"Adjusting for {covariate} narrows the intervals by up to {best_gain:.1%} (the share of "
                      f"variance {covariate} explains); worthwhile when that is several percent.",
                      f"按 {covariate} 调整后，区间最多缩窄 {best_gain:.1%}（即 {covariate} 能解释的方差比例）；"
                      "达到几个百分点时才值得使用。"))
        cuped_shown = cuped[["outcome", "arm", "lift", "lift_low", "lift_high", "lift_cuped", "lift_cuped_low",
                             "lift_cuped_high", "ci_width", "ci_width_cuped", "narrower_by", "correlation"]]
        ui.table(cuped_shown, "campaign-cuped.csv", column_config=column_config(cuped_shown))
        report_tables["CUPED"] = cuped_shown
    else:
        st.caption(tr("No numeric column is left to use as a pre-campaign covariate.", "没有可用作活动前协变量的数值列。"))

    st.subheader(tr("Plan the next campaign: power and smallest detectable lift", "规划下次活动：检验功效与最小可检测提升"))
    c1, c2, c3, c4 = st.columns(4)
    p_outcome = c1.selectbox(tr("Outcome", "结果指标"), outcomes, key=f"cp-power-outcome-{src}")
    ctl = results[(results["outcome"] == p_outcome) & (results["arm"] == control)].iloc[0]
    p_binary = ctl["kind"] == "binary"
    baseline = c2.number_input(tr("Control rate (%)", "对照组比率（%）") if p_binary else tr("Control mean", "对照组均值"),
                               min_value=0.01 if p_binary else 0.0, max_value=99.99 if p_binary else None,
                               value=float(round(100 * ctl["mean"] if p_binary else ctl["mean"], 3)),
                               key=f"cp-power-base-{src}-{p_outcome}",
                               help=tr("What the control group achieves; taken from this campaign.",
                                       "对照组的水平；默认取自本次活动。"))
    n_arm = c3.number_input(tr("Customers per arm", "每组客户数"), 10, 10_000_000, int(ctl["n"]), step=1000,
                            key=f"cp-power-n-{src}", help=tr("Control-arm size of the next campaign.",
                                                            "下次活动对照组的人数。"))
    power = c4.select_slider(tr("Power", "检验功效"), [0.7, 0.8, 0.9, 0.95], value=0.8, key="cp-power",
                             format_func=lambda v: f"{v:.0%}",
                             help=tr("The chance of detecting a real lift of the given size (α = 5%, two-sided).",
                                     "真实提升达到该大小时能被检测出来的概率（α = 5%，双侧）。"))
    base = baseline / 100 if p_binary else baseline
    sd = None if p_binary else float(ctl["std"]) or 1.0
    kind = "binary" if p_binary else "money"
    mde = ui.run(ex.minimum_detectable_effect, base, int(n_arm), kind=kind, sd=sd, power=power)
    observed = results[(results["outcome"] == p_outcome) & (results["arm"] != control)]["lift"].abs().max()
    target = observed if observed > 0 else mde
    need = ui.run(ex.sample_size_per_arm, base, float(target), kind=kind, sd=sd, power=power)
    m1, m2 = st.columns(2)
    m1.metric(tr("Smallest detectable lift", "最小可检测提升"), _lift_text(mde, p_binary), border=True,
              help=tr(f"With {int(n_arm):,} customers per arm, a lift this large is detected {power:.0%} of the time.",
                      f"每组 {int(n_arm):,} 位客户时，这么大的提升有 {power:.0%} 的概率被检测出来。"))
    m2.metric(tr("Customers per arm to detect this campaign's lift", "检测本次活动提升所需每组客户数"), ui.number(need),
              border=True, help=tr(f"To detect a lift of {_lift_text(target, p_binary)} (the largest seen here).",
                                   f"要检测 {_lift_text(target, p_binary)} 的提升（本次观察到的最大值）。"))
    curve = ex.power_curve(base, np.unique(np.geomspace(200, max(100 * int(n_arm), 2000), 25).astype(int)), kind=kind,
                           sd=sd, power=power)
    ui.chart(charts.mde_curve(curve, int(n_arm), p_binary, {"mde": tr("Detectable lift", "可检测提升"),
                                                           "current": tr("plan", "计划")},
                              tr("Smallest detectable lift by campaign size", "不同活动规模的最小可检测提升"),
                              tr("Customers per arm (log scale)", "每组客户数（对数刻度）"),
                              tr("Lift (points)", "提升（百分点）") if p_binary else
                              tr(f"Lift ({ui.currency()} per customer)", f"提升（人均 {ui.currency()}）")),
             key="cp-mde-chart")

# --------------------------------------------------------------------------------------------
# 2. Who does it move?
# --------------------------------------------------------------------------------------------
fit = None
with tabs[1], ui.section():
    if not binary_outcomes:
        st.info(tr("Uplift models need a 0/1 outcome (visited, converted). Add one under Columns.",
                   "增量模型需要 0/1 结果（是否访问、是否购买）。请在“列设置”中添加。"))
    elif not features:
        st.info(tr("Pick customer features under Columns to fit uplift models.", "请在“列设置”中选择客户特征以训练增量模型。"))
    else:
        c1, c3, c4 = st.columns(3)
        model_outcome = c1.selectbox(tr("Outcome to model", "建模结果"), binary_outcomes, key=f"cp-model-outcome-{src}",
                                     help=tr("The 0/1 outcome whose uplift the models predict (for targeting: did "
                                             "the customer buy).", "模型预测其增量的 0/1 结果（用于定向：客户是否购买）。"))
        models = st.multiselect(tr("Models", "模型"), list(up.MODELS), default=list(up.MODELS), key="cp-models",
                                format_func=model_label, help=tr(*MODEL_HELP))
        n_folds = c3.select_slider(tr("Cross-fitting folds", "交叉拟合折数"), [3, 4, 5, 8, 10], value=5, key="cp-folds",
                                   help=tr("Each customer is scored by models trained without them.",
                                           "每位客户都由未见过该客户的模型打分。"))
        k = c4.select_slider(tr("Share targeted for uplift@k", "uplift@k 的定向比例"), [0.1, 0.2, 0.3, 0.4, 0.5],
                             value=0.3, key="cp-k", format_func=lambda v: f"{v:.0%}",
                             help=tr("Compares the top share the model ranks highest with everyone.",
                                     "比较模型排名最高的这部分客户与全体客户。"))
        if not models:
            st.warning(tr("Pick at least one model.", "请至少选择一个模型。"))
        else:
            fit_key = f"{data_key}:{arm}:{model_outcome}:{control}:{features}:{models}:{n_folds}:{k}"
            fit = _fit(fit_key, frame, arm, model_outcome, control, list(features), tuple(models), int(n_folds),
                       float(k))
    if fit is not None:
        st.caption(tr("How the models are judged: the Qini curve counts the extra buyers among the customers the model "
                      "ranks highest; the Qini coefficient is the area between that curve and random targeting, divided "
                      "by the same area for a perfect ranking (scikit-uplift's definition: 0 = random, 1 = perfect; "
                      "other tools such as causalml normalise differently). Scores are cross-fitted and intervals come "
                      "from 200 bootstrap resamples.",
                      "模型评估方式：Qini 曲线统计模型排名最高的客户中多出来的购买者数；Qini 系数是该曲线与随机定向之间的面积，"
                      "除以完美排序的同一面积（scikit-uplift 的定义：0 = 随机，1 = 完美；causalml 等工具的归一化方式不同）。"
                      "分数均为交叉拟合，区间来自 200 次自助重抽样。"))
        arm_pick = st.radio(tr("Treatment", "处理组"), treatments, horizontal=True, key=f"cp-uplift-arm-{src}") \
            if len(treatments) > 1 else treatments[0]
        best = fit.scores[(fit.scores["arm"] == arm_pick) & fit.scores["best"]].iloc[0]
        verdict = up.targeting_verdict(best.to_dict() | {"model": model_label(best["model"])}, arm_pick, ui.lang())
        barely = best["qini_low"] <= 0
        (st.warning if barely else st.success)(verdict, icon="⚖️" if barely else ":material/target:")
        report_notes.append(verdict)
        m1, m2, m3 = st.columns(3)
        m1.metric(tr("Best model", "最佳模型"), model_label(best["model"]), border=True,
                  help=tr("The model with the highest Qini coefficient on this treatment.", "在该处理组上 Qini 系数最高的模型。"))
        m2.metric(tr("Qini coefficient", "Qini 系数"), f"{best['qini']:.3f}", border=True,
                  delta=tr(f"95% CI {best['qini_low']:.3f} to {best['qini_high']:.3f}",
                           f"95% 区间 {best['qini_low']:.3f} 至 {best['qini_high']:.3f}"),
                  delta_color="off" if barely else "normal",
                  help=tr("0 = no better than picking customers at random; 1 = perfect ranking.",
                          "0 = 不比随机挑选客户好；1 = 完美排序。"))
        m3.metric(tr(f"Uplift in the top {k:.0%}", f"前 {k:.0%} 客户的增量"), f"{100 * best['uplift_at_k']:+.2f} "
                  + tr("pts", "个百分点"), border=True,
                  delta=tr(f"{100 * best['gain_over_all']:+.2f} pts vs everyone", f"比全体 {100 * best['gain_over_all']:+.2f} 个百分点"),
                  delta_color="normal" if best["gain_over_all_low"] > 0 else "off",
                  help=tr(f"Treated minus control {model_outcome} rate among the {k:.0%} the model ranks highest, "
                          f"compared with everyone ({100 * best['ate']:+.2f} pts).",
                          f"模型排名前 {k:.0%} 客户中处理组与对照组 {model_outcome} 比率之差，与全体（{100 * best['ate']:+.2f} 个百分点）相比。"))
        curves = _curves(data_key, fit_key, arm_pick, frame, fit, arm, model_outcome)
        curves = curves.assign(model=curves["model"].map(model_label))
        qfig = charts.qini_curves(curves, model_label(best["model"]), tr("Random targeting", "随机定向"),
                                  tr(f"Qini curves: extra {model_outcome} from {arm_pick} by share targeted",
                                     f"Qini 曲线：按定向比例计算 {arm_pick} 带来的额外 {model_outcome}"),
                                  tr("Share of customers targeted, best-ranked first", "定向客户比例（按排名从高到低）"),
                                  tr(f"Extra {model_outcome} (customers)", f"额外 {model_outcome}（客户数）"))
        ui.chart(qfig, key="cp-qini-chart")
        report_figures[tr(f"Qini curves ({arm_pick})", f"Qini 曲线（{arm_pick}）")] = qfig
        deciles = fit.deciles[arm_pick]
        dfig = charts.uplift_deciles(deciles, {"observed": tr("Observed uplift", "实际增量"),
                                               "predicted": tr("Predicted uplift", "预测增量")},
                                     tr(f"Observed {model_outcome} uplift by decile of the {model_label(best['model'])}'s "
                                        "ranking", f"按 {model_label(best['model'])} 排名十分位的实际 {model_outcome} 增量"),
                                     tr("Decile (1 = highest predicted uplift)", "十分位（1 = 预测增量最高）"),
                                     tr("Uplift (percentage points)", "增量（百分点）"))
        ui.chart(dfig, key="cp-decile-chart")
        st.caption(tr("If the model works, the bars fall from left to right: the first deciles respond much more to the "
                      "treatment than the last. Bars whose interval crosses zero cannot be told apart from no effect.",
                      "如果模型有效，柱子应从左到右下降：前几个十分位对处理的响应远大于后几个。区间跨过 0 的柱子无法与“无效果”区分。"))
        scores = fit.scores.assign(model=fit.scores["model"].map(model_label))
        ui.table(scores, "uplift-model-scores.csv",
                 caption=tr("Every model on every treatment: Qini coefficient and normalised area under the uplift "
                            "curve, uplift among the top share and for everyone (ate), with 95% bootstrap intervals.",
                            "每个模型在每个处理组上的表现：Qini 系数、归一化增量曲线面积、前若干比例客户与全体客户（ate）的增量，"
                            "均含 95% 自助法区间。"),
                 column_config=column_config(scores))
        ui.table(deciles, f"uplift-deciles-{arm_pick}.csv", column_config=column_config(deciles))
        report_tables[tr("Uplift models", "增量模型")] = scores
        report_tables[tr(f"Uplift by decile ({arm_pick})", f"十分位增量（{arm_pick}）")] = deciles

# --------------------------------------------------------------------------------------------
# 3. Whom to send next
# --------------------------------------------------------------------------------------------
with tabs[2], ui.section():
    if fit is None:
        st.info(tr("Fit the uplift models on the previous tab first: the target list ranks customers by their "
                   "predicted uplift.", "请先在上一个标签页训练增量模型：目标名单按预测增量对客户排序。"))
    else:
        st.caption(tr(f"Expected incremental profit of a coupon = extra {model_outcome} × order value × margin − "
                      "coupon value and handling on every expected redemption (including customers who would have "
                      "bought anyway) − the cost of sending it. Predictions are the best model's cross-fitted scores.",
                      f"一张券的预期增量利润 = 额外 {model_outcome} × 订单金额 × 毛利率 − 每次预期兑换的券面额与处理费用"
                      "（包括本来就会购买的客户）− 发送成本。预测值为最佳模型的交叉拟合分数。"))
        guess = tg.face_values_from_names(treatments)
        playbook_ids = None
        if tx is not None and id_col != NO_ID and tx["customer_id"].notna().any():
            book = (ui.workspace().load_handoff(ui.dataset_id(), segments.SegmentPlaybook)
                    or segments.SegmentPlaybook.default())  # the one the Segments page keeps, else the default
            known = set(ids)
            playbook_ids = tuple(i for i in ui.run(_rfm_targets, dataset, book.coupon_segments, book)
                                 if i in known) or None
        money_out = [o for o in outcomes if o not in binary_outcomes]
        buyers = frame[(frame[arm].astype(str) == control) & (frame[model_outcome] == 1)]
        order_guess = float(buyers[money_out[0]].mean()) if money_out and len(buyers) else 50.0
        with st.expander(tr("Coupon economics and budget", "优惠券经济参数与预算"), expanded=True,
                         icon=":material/payments:", key="exp-economics"):
            cols = st.columns(min(len(treatments), 4))
            faces = {a: cols[i % len(cols)].number_input(
                tr(f"Face value of {a} ({ui.currency()})", f"{a} 面额（{ui.currency()}）"), 0.0, 10_000.0,
                float(guess[a]), step=1.0, key=f"cp-face-{src}-{a}",
                help=tr("Money off per redeemed coupon (0 for a plain e-mail).", "每张兑换券的减免金额（纯邮件为 0）。"))
                for i, a in enumerate(treatments)}
            c1, c2, c3, c4 = st.columns(4)
            order_value = c1.number_input(tr(f"Order value ({ui.currency()})", f"订单金额（{ui.currency()}）"), 0.01,
                                          1_000_000.0, round(max(order_guess, 0.01), 2), key=f"cp-order-{src}",
                                          help=tr("Typical order value of a buyer in the campaign window (default: "
                                                  "control buyers' spend).", "活动期内购买者的典型订单金额（默认：对照组购买者的消费额）。"))
            margin = c2.slider(tr("Gross margin (%)", "毛利率（%）"), 1, 90, 35, key="cp-margin",
                               help=tr("Share of the order value left after the cost of goods.", "扣除商品成本后订单金额的剩余比例。"))
            redemption = c3.number_input(tr(f"Handling per redemption ({ui.currency()})", f"每次兑换处理成本（{ui.currency()}）"),
                                         0.0, 1000.0, 0.2 if any(guess.values()) else 0.0, step=0.05,
                                         key=f"cp-redemption-{src}",
                                         help=tr("Clearing fees and till time per coupon used.", "每张券兑换的清算费用和收银时间。"))
            contact = c4.number_input(tr(f"Cost per coupon sent ({ui.currency()})", f"每张券发送成本（{ui.currency()}）"),
                                      0.0, 1000.0, 0.1, step=0.05, key="cp-contact",
                                      help=tr("Printing and postage; about 0 for e-mail.", "印刷和邮寄；电子邮件约为 0。"))
            c5, c6, c7 = st.columns(3)
            budget_kind = c5.radio(tr("Budget", "预算"), ["money", "count"], horizontal=True, key="cp-budget-kind",
                                   format_func=lambda b: tr("Money", "金额") if b == "money" else tr("Number of coupons", "券数量"))
            if budget_kind == "money":
                budget = c6.number_input(tr(f"Coupon budget ({ui.currency()})", f"优惠券预算（{ui.currency()}）"), 0.0,
                                         1e9, float(round(0.1 * len(frame) * (min(faces.values()) * 0.3 + contact), -2)),
                                         step=100.0, key=f"cp-budget-{src}",
                                         help=tr("Expected money spent on redeemed coupons, handling and sending.",
                                                 "预计用于兑换券面额、处理和发送的金额。"))
            else:
                budget = c6.number_input(tr("Coupons to send", "发券数量"), 0, len(frame), min(len(frame), 2000),
                                         step=100, key=f"cp-budget-n-{src}")
            playbook_coupon = None
            if playbook_ids is not None:
                playbook_coupon = c7.selectbox(
                    tr("Coupon in the Segments playbook", "分群策略使用的券"), treatments,
                    index=int(np.argmin([faces[a] for a in treatments])), key=f"cp-book-{src}",
                    help=tr("The coupon sent to the customers of the segments the Segments page ticks for coupons "
                            "(default playbook until you edit it there).",
                            "发给“客户分群”页面中勾选发券的分群客户的券（在该页面编辑前使用默认策略）。"))
        econ = ui.run(tg.CouponEconomics, face_value=faces, order_value=float(order_value), margin=margin / 100,
                      redemption_cost=float(redemption), contact_cost=float(contact))
        with st.spinner(tr("Choosing customers and coupons…", "正在挑选客户和优惠券…")):
            plan, comparison, pcurve = ui.run(_targeting, fit_key, repr(econ), float(budget), budget_kind,
                                        playbook_ids, playbook_coupon, ui.lang(), econ, ids, fit)
        alternatives = comparison.iloc[1:]
        runner = alternatives[alternatives["within_budget"]].head(1)
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(tr("Customers to send", "发券客户数"), ui.number(len(plan.targets)), border=True,
                  help=tr("Customers in the target list (each gets at most one coupon).", "目标名单中的客户数（每人最多一张券）。"))
        m2.metric(tr("Expected incremental profit", "预期增量利润"), ui.money(plan.profit, 0), border=True,
                  help=tr(f"Compared with sending nothing. No plan within the budget can beat "
                          f"{ui.money(plan.upper_bound, 0)} (the optimiser's bound).",
                          f"与不发券相比。预算内任何方案都不会超过 {ui.money(plan.upper_bound, 0)}（优化器的上界）。"))
        m3.metric(tr("Expected coupon cost", "预期券成本"), ui.money(plan.cost, 0), border=True,
                  help=tr("Coupon value and handling on expected redemptions plus sending costs.", "预期兑换的券面额与处理费用加上发送成本。"))
        if not runner.empty:
            r = runner.iloc[0]
            m4.metric(tr("Best alternative", "最佳替代方案"), ui.money(r["expected_incremental_profit"], 0), border=True,
                      delta=ui.money(plan.profit - r["expected_incremental_profit"], 0),
                      help=tr(f"{r['strategy']} ({r['coupon']}), within the same budget; the arrow shows how much more "
                              "the optimised list is expected to earn.",
                              f"{r['strategy']}（{r['coupon']}），预算相同；箭头表示优化名单预计多赚的金额。"))
        summary = tg.plan_summary(plan, comparison, ui.currency(), ui.lang())
        st.markdown(summary)
        report_notes.append(summary)
        sfig = charts.strategy_bars(comparison, tr("Expected incremental profit by strategy", "各策略的预期增量利润"),
                                    tr(f"Expected incremental profit ({ui.currency()})", f"预期增量利润（{ui.currency()}）"),
                                    tr("Strategy (coupon); hatched = over budget", "策略（优惠券）；斜线 = 超出预算"),
                                    tr("over budget", "超出预算"), ui.currency())
        ui.chart(sfig, key="cp-strategy-chart")
        share = len(plan.targets) / max(len(frame), 1)
        pfig = charts.profit_curves(pcurve, share, {"best coupon": tr("Best coupon per customer", "每位客户的最佳券"),
                                                    "plan": tr("this plan", "当前方案")},
                                    tr("Where to stop: expected profit by share of customers targeted",
                                       "何时停止：按定向客户比例的预期利润"),
                                    tr("Share of customers targeted, most profitable first", "定向客户比例（利润最高者优先）"),
                                    tr(f"Cumulative expected incremental profit ({ui.currency()})",
                                       f"累计预期增量利润（{ui.currency()}）"), ui.currency())
        ui.chart(pfig, key="cp-profit-chart")
        st.caption(tr("The curve rises while the next customer's extra margin outweighs the coupons they and the "
                      "would-buy-anyway customers redeem; its peak is where to stop.",
                      "当下一位客户带来的额外毛利超过其本人及本来就会购买的客户所兑换的券成本时，曲线上升；曲线最高点就是停止的位置。"))
        ui.table(comparison, "coupon-strategies.csv",
                 caption=tr("All strategies valued with the same predictions. Random targeting is its expected value "
                            "within the budget; send-to-everyone ignores the budget (see within_budget).",
                            "所有策略都用同一组预测估值。随机定向为预算内的期望值；发给所有人不受预算限制（见 within_budget）。"),
                 column_config=column_config(comparison))
        if playbook_ids is None:
            st.caption(tr("The Segments playbook is compared only when the campaign's customer ids match customers in "
                          "the sales data.", "只有活动客户编号与销售数据中的客户匹配时，才会比较分群策略。"))
        st.subheader(tr("Target list", "目标名单"))
        export = plan.targets[["customer_id", "coupon", "expected_uplift", "expected_incremental_profit", "rank",
                               "expected_cost"]]
        st.dataframe(export.head(500), hide_index=True, width="stretch", column_config=column_config(export))
        st.caption(tr(f"The first 500 of {len(export):,} customers; the downloads hold all of them.",
                      f"共 {len(export):,} 位客户，此处显示前 500 位；下载文件包含全部。"))
        d1, d2 = st.columns(2)
        with d1:
            ui.download_csv(export, "coupon-target-list.csv", label=tr("Download the target list (CSV)", "下载目标名单（CSV）"))
        with d2:
            ui.download_excel({"targets": export, "strategies": comparison}, "coupon-target-list.xlsx",
                              label=tr("Download the target list (Excel)", "下载目标名单（Excel）"))
        report_tables[tr("Coupon strategies", "优惠券策略")] = comparison
        report_tables[tr("Target list (top 1,000)", "目标名单（前 1000）")] = export.head(1000)
        report_figures[tr("Profit by share targeted", "按定向比例的利润")] = pfig

# --------------------------------------------------------------------------------------------
# 4. Loyalty points
# --------------------------------------------------------------------------------------------
with tabs[3], ui.section():
    st.caption(tr("What a points programme costs per unit of sales and how much it owes in unredeemed points, month "
                  "by month.", "积分计划每单位销售额的成本，以及每月未兑换积分形成的负债。"))
    monthly = _monthly_sales(dataset) if tx is not None and len(tx) else 100_000.0
    c1, c2, c3, c4 = st.columns(4)
    earn = c1.number_input(tr(f"Points per {ui.currency()}1 spent", f"每消费 {ui.currency()}1 积分"), 0.0, 100.0, 1.0,
                           step=0.5, key="cp-earn")
    value = c2.number_input(tr(f"Value of a point ({ui.currency()})", f"每积分价值（{ui.currency()}）"), 0.0, 10.0, 0.01,
                            step=0.005, format="%.3f", key="cp-point-value")
    breakage = c3.slider(tr("Breakage (%)", "沉淀率（%）"), 0, 95, 30, key="cp-breakage",
                         help=tr("Share of points never redeemed, expired ones included.", "永远不会被兑换的积分比例（含过期）。"))
    expiry = c4.selectbox(tr("Points expire after", "积分有效期"), [6, 12, 24, 36, None], index=1, key="cp-expiry",
                          format_func=lambda m: tr("never", "永不过期") if m is None else tr(f"{m} months", f"{m} 个月"))
    c5, c6, c7, c8 = st.columns(4)
    months_to_redeem = c5.number_input(tr("Average months to redeem", "平均兑换月数"), 1.0, 60.0, 4.0, step=0.5,
                                       key="cp-months-redeem",
                                       help=tr("For points that do get redeemed.", "针对最终会被兑换的积分。"))
    member_share = c6.slider(tr("Members' share of sales (%)", "会员销售占比（%）"), 1, 100, 60, key="cp-member-share")
    sales = c7.number_input(tr(f"Monthly sales ({ui.currency()})", f"月销售额（{ui.currency()}）"), 0.0, 1e12,
                            float(round(monthly, -2)), step=1000.0, key="cp-monthly-sales",
                            help=tr("Default: the average month of the last year in this dataset.",
                                    "默认：本数据集最近一年的月均销售额。"))
    horizon = c8.slider(tr("Months to simulate", "模拟月数"), 6, 60, 36, key="cp-horizon")
    programme = ui.run(loyalty.PointsProgramme, earn_rate=earn, point_value=value, breakage=breakage / 100,
                       expiry_months=expiry, months_to_redeem=months_to_redeem, member_share=member_share / 100)
    sim = ui.run(loyalty.simulate_points, sales, programme, months=horizon, lang=ui.lang())
    last = sim.table.iloc[-1]
    m1, m2, m3 = st.columns(3)
    m1.metric(tr(f"Cost per {ui.currency()}100 of sales", f"每 {ui.currency()}100 销售额成本"),
              ui.money(100 * sim.cost_rate), border=True,
              help=tr("Once the programme runs steadily: members' share × points per unit × point value × (1 − breakage).",
                      "稳定运行后：会员占比 × 每单位积分 × 积分价值 × (1 − 沉淀率)。"))
    m2.metric(tr("Expected liability at the end", "期末预计负债"), ui.money(last["liability"], 0), border=True,
              help=tr("Future redemptions expected from the points outstanding (breakage excluded).",
                      "未兑换积分预计在未来产生的兑换金额（不含沉淀）。"))
    m3.metric(tr("Face value outstanding", "未兑换积分面值"), ui.money(last["liability_face_value"], 0), border=True,
              help=tr("All outstanding points at full value, as if every one were redeemed.", "所有未兑换积分按全额计算的价值。"))
    st.markdown(loyalty.points_summary(sim, programme, ui.currency(), ui.lang()))
    lfig = charts.points_over_time(sim.table, {"redemption_cost": tr("Redemption cost per month", "每月兑换成本"),
                                               "liability": tr("Expected liability", "预计负债"),
                                               "liability_face_value": tr("Face value outstanding", "未兑换积分面值")},
                                   tr("Points programme: liability and redemption cost over time", "积分计划：负债与兑换成本随时间变化"),
                                   tr("Month", "月份"), tr(f"Amount ({ui.currency()})", f"金额（{ui.currency()}）"),
                                   ui.currency())
    ui.chart(lfig, key="cp-points-chart")
    ui.table(sim.table, "loyalty-points-simulation.csv", column_config=column_config(sim.table))
    report_tables[tr("Loyalty points simulation", "积分模拟")] = sim.table
    report_figures[tr("Points liability", "积分负债")] = lfig

ui.save_to_report("coupons", tr("Coupon campaign", "优惠券活动"),
                  params={"source": source, "arm": arm, "control": control, "outcomes": outcomes,
                          "features": features},
                  tables=report_tables, figures=report_figures, notes=report_notes)
