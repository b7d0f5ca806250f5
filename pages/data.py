"""Data page: upload a sales file, review how its columns were read, see what was rejected and
why, and get a profile of the business; or connect to where the data lives."""
import dataclasses
import json

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import ui
from promo_core import charts, io
from promo_core.engine import data_folders, release_memory, sources
from promo_core.errors import DataError
from promo_core.privacy import Privacy, load_key, mode, redact
from promo_core.profile import workspace_profile

ui.guard_page()  # first: nothing of this page runs before sign-in

tr = ui.tr
ROLE_HELP = {
    "order_id": ("Order or invoice number; lines with the same number are one basket.", "订单号；相同订单号的行属于同一购物篮。"),
    "customer_id": ("Who bought. Empty means a guest order (kept and counted).", "购买者。为空表示游客订单（保留并计数）。"),
    "order_date": ("When the order was placed (date and time).", "下单的日期和时间。"),
    "product_id": ("The product's code (SKU, stock code).", "商品编码（SKU、货号）。"),
    "quantity": ("Units on the line; negative means a return.", "该行件数；负数表示退货。"),
    "unit_price": ("Price paid per unit.", "每件实付单价。"),
}


def _draft(uploaded, overrides: str, protect: bool, status) -> str:
    """The upload, read straight into the workspace as a draft dataset with this mapping (read once,
    in chunks, straight from the uploader; no order line stays in this session), with a progress bar
    telling the bytes read and the rows saved so far. The draft is listed nowhere until it is saved."""
    key = _review_key(uploaded, overrides, protect)
    held = st.session_state.get("upload-draft")
    if held is not None and held[0] == key:
        return held[1]
    _keep_only(None)
    bar = status.progress(0.0)

    def progress(message) -> None:
        values = message.values
        done = {"data.progress.reading": lambda: 0.2 * values["mb"] / max(values["total_mb"], 1e-9),
                "data.progress.parsing": lambda: 0.2, "data.progress.checking": lambda: 0.35,
                "data.progress.duplicates": lambda: 0.5,
                "data.progress.saving": lambda: 0.55 + 0.45 * values["rows"] / max(values["total"], 1)}[message.id]()
        bar.progress(min(done, 1.0), text=ui.text(message))

    dataset = io.load_into(ui.workspace(), uploaded, mapping=json.loads(overrides) or None,
                           privacy=Privacy(key=load_key()) if protect else None, progress=progress, kind="draft")
    bar.empty()
    st.session_state["upload-draft"] = (key, dataset)
    return dataset


def _review_key(uploaded, overrides: str, protect: bool) -> tuple:
    return "upload", uploaded.file_id, overrides, protect


def _keep_only(key: tuple | None) -> None:
    """Discard this session's draft unless it is the upload ``key`` (another file, mapping or none
    is on screen now)."""
    held = st.session_state.get("upload-draft")
    if held is not None and held[0] != key:
        del st.session_state["upload-draft"]
        try:
            ui.workspace().delete_dataset(held[1])
        except DataError:  # (already gone)
            pass
        release_memory()


@st.cache_data(show_spinner=False, max_entries=8)
def _profile(dataset: str, created: str):
    return workspace_profile(ui.workspace(), dataset)  # (in the workspace: no order line comes to pandas)


def upload_section() -> None:
    st.subheader(tr("Upload sales data", "上传销售数据"))
    st.caption(tr("CSV (any delimiter and encoding, including Chinese GBK), Excel .xlsx or Parquet. One row per order "
                  "line. Nothing is dropped silently: every row is either loaded or listed below with the reason.",
                  "支持 CSV（任意分隔符和编码，包括中文 GBK）、Excel .xlsx 或 Parquet。每行一个订单明细。"
                  "不会静默丢弃任何行：每一行要么被读入，要么在下方列出并说明原因。"))
    uploader = f"upload-{st.session_state.get('uploads-saved', 0)}"
    st.file_uploader(tr("Sales file", "销售文件"), type=["csv", "txt", "tsv", "xlsx", "xlsm", "parquet"], key=uploader,
                     help=tr("Exports from Shopify, WooCommerce, Olist or the UCI Online Retail format are "
                             "recognised automatically; you can correct the mapping afterwards.",
                             "可自动识别 Shopify、WooCommerce、Olist 和 UCI Online Retail 等导出格式；之后可手动修正列映射。"))
    # The widget returns a copy of the file (Streamlit deep-copies widget values: 300 MB more for a 300 MB
    # CSV while it is read); the session's own value shares its bytes with Streamlit's upload store.
    uploaded = st.session_state[uploader]
    privacy_mode = mode()  # "on": ticked by default; "force": always on
    protect = st.checkbox(
        tr("Protect personal data", "保护个人数据"), value=privacy_mode != "off",
        disabled=privacy_mode == "force", key="protect-personal",
        help=tr("Replaces customer ids by pseudonyms (a keyed hash: the same customer gets the same pseudonym in every "
                "upload), replaces e-mail addresses, phone numbers and street addresses found in any other column, and "
                "keeps columns that fill no role out, so personal data never reaches the workspace.",
                "用带密钥的哈希把客户ID替换为化名（同一客户在每次上传中得到相同化名），替换其他列中出现的邮箱、电话和街道地址，"
                "并去掉未用作角色的列，使个人数据不会进入工作区。"))
    if uploaded is None:
        _keep_only(None)
        in_place_section(protect or privacy_mode == "force")
        return
    file_key = f"{uploaded.name}-{uploaded.size}"
    overrides = json.dumps(st.session_state.get(f"overrides-{file_key}", {}), sort_keys=True)
    protect = protect or privacy_mode == "force"
    size = f"{uploaded.size / 1e6:,.1f} MB" if uploaded.size >= 100_000 else f"{uploaded.size / 1e3:,.1f} KB"
    with st.status(tr(f"Reading {uploaded.name} ({size})…", f"正在读取 {uploaded.name}（{size}）…"),
                   expanded=True) as status:
        try:
            dataset, error = _draft(uploaded, overrides, protect, status), None
        except Exception as exc:  # bad input, or a bug: either way the reason is shown below, not a traceback
            dataset, error = None, exc
            status.update(label=tr(f"{uploaded.name} could not be read", f"无法读取 {uploaded.name}"), state="error",
                          expanded=False)
        else:
            info = ui.workspace().dataset(dataset)
            status.update(label=tr(f"Read {info['rows_in']:,} rows from {uploaded.name}",
                                   f"已从 {uploaded.name} 读取 {info['rows_in']:,} 行"), state="complete",
                          expanded=False)
    if error is not None:
        ui.show_error(error)  # below the collapsed status box, where it is seen
        return
    ws = ui.workspace()
    report = info["report"]
    mapping_review(report["columns"], info["mapping"], file_key)
    load_summary(report, info["rows_in"], info["n_rows"], info["n_quarantine"])
    quality_panel(report, ws.load_table(dataset, "quarantine"), f"quarantine-{uploaded.name}.csv")
    with st.expander(tr("Preview of the loaded data (first 200 rows)", "已读入数据预览（前 200 行）")):
        ui.table(ws.head(dataset, 200), f"preview-{uploaded.name}.csv")
    filename = report["file"]  # (with protection on, personal parts of the name are replaced)
    st.text_input(tr("Dataset name", "数据集名称"), value=filename.rsplit(".", 1)[0], key=f"name-{file_key}",
                  help=tr("How this dataset appears in the sidebar picker.", "该数据集在侧边栏中的名称。"))
    st.button(tr("Save to workspace", "保存到工作区"), type="primary", icon=":material/save:",
              on_click=_save, args=(uploader, file_key))


def _save(uploader: str, file_key: str) -> None:
    """Button callback: runs before the next script run, so the sidebar already lists the new dataset.

    The draft already holds the rows: saving names it and lists it. It is given the uploader's key,
    not the file: a callback's arguments are kept until the next run. Once saved, the uploader starts
    empty again and the file's bytes are dropped (Streamlit would keep them until the session ends).
    """
    uploaded = st.session_state[uploader]
    held = st.session_state.pop("upload-draft", None)
    if uploaded is None or held is None:  # (removed from the uploader since the button was drawn)
        return
    ws = ui.workspace()
    info = ws.dataset(held[1])
    name = st.session_state.get(f"name-{file_key}") or info["source"]
    if "privacy" in info["report"]:
        name = redact(name)
    ws.publish_dataset(held[1], name)
    ui.set_dataset(held[1])
    st.session_state["saved_message"] = name
    st.session_state["uploads-saved"] = st.session_state.get("uploads-saved", 0) + 1
    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.uploaded_file_mgr.remove_file(ctx.session_id, uploaded.file_id)


def in_place_section(protect: bool) -> None:
    """Use a Parquet file or folder on the server without copying it: only inside the folders the
    deployment shares (``engine.data_folders``), and not with personal data protection (nothing is
    copied, so nothing can be pseudonymised)."""
    folders = data_folders()
    if not folders:
        return
    with st.expander(tr("Or use Parquet data on the server in place (no copy)", "或原地使用服务器上的 Parquet 数据（不复制）"),
                     icon=":material/folder_data:"):
        st.caption(tr("A Parquet file or a folder of them, inside a folder this server shares: ",
                      "共享文件夹中的 Parquet 文件或包含它们的文件夹：") + ", ".join(str(f) for f in folders)
                   + tr(". The data stays where it is: PromoLens checks every row once (the rejected ones are listed "
                        "with their reason) and reads the file each time an analysis runs.",
                        "。数据留在原处：PromoLens 逐行检查一次（被拒绝的行会列出原因），每次分析时读取文件。"))
        path = st.text_input(tr("Path on the server", "服务器上的路径"), key="in-place-path")
        if protect:
            st.info(tr("Personal data protection is on, and data used in place cannot be pseudonymised (it is not "
                       "copied). Upload the file instead, or turn protection off if the data holds no personal data.",
                       "已开启个人数据保护，而原地使用的数据无法转为化名（数据不会被复制）。请改为上传文件；如果数据不含个人信息，可关闭保护。"))
            return
        if st.button(tr("Use in place", "原地使用"), key="in-place-go", disabled=not path.strip()):
            with st.status(tr("Checking the data…", "正在检查数据…"), expanded=True) as status:
                bar = status.progress(0.0)
                try:
                    dataset = io.use_in_place(ui.workspace(), path.strip(),
                                              progress=lambda m: bar.progress(0.5, text=ui.text(m)))
                except Exception as exc:  # a path outside the shared folders, a damaged file, or a bug
                    status.update(state="error", expanded=False)
                    ui.show_error(exc)
                    return
                status.update(state="complete", expanded=False)
            ui.set_dataset(dataset)
            st.session_state["saved_message"] = ui.workspace().dataset(dataset)["name"]
            st.rerun()


def mapping_review(columns: list[str], mapping: dict, file_key: str) -> None:
    options = [None] + columns
    st.markdown(tr("**Column mapping** — which column of your file fills each role. Correct any that are wrong.",
                   "**列映射** —— 文件中的哪一列对应每个角色。如有错误请更正。"))
    with st.form(f"mapping-{file_key}"):
        cols = st.columns(4)
        chosen = {}
        for i, role in enumerate(io.CANONICAL):
            label = ui.text(io.role_label(role)) \
                + (" *" if role in ("order_date", "product_id") else "")
            helptext = ROLE_HELP.get(role)
            chosen[role] = cols[i % 4].selectbox(
                label, options, index=options.index(mapping.get(role)),
                format_func=lambda c: tr("— not in file —", "— 文件中没有 —") if c is None else c,
                help=tr(*helptext) if helptext else None, key=f"map-{file_key}-{role}")
        st.form_submit_button(tr("Apply mapping", "应用映射"), on_click=_apply_mapping, args=(file_key,))


def _apply_mapping(file_key: str) -> None:
    st.session_state[f"overrides-{file_key}"] = {r: st.session_state[f"map-{file_key}-{r}"] for r in io.CANONICAL}


def load_summary(report: dict, rows_in: int, loaded: int, quarantined: int) -> None:
    c = st.columns(4)
    c[0].metric(tr("Rows in file", "文件行数"), f"{rows_in:,}", help=tr("Data rows after the header.", "表头之后的数据行数。"))
    c[1].metric(tr("Rows loaded", "已读入行数"), f"{loaded:,}",
                help=tr("Rows that passed every check and are analysed.", "通过所有检查、参与分析的行。"))
    c[2].metric(tr("Rows quarantined", "隔离行数"), f"{quarantined:,}",
                help=tr("Rows that could not be used; each is listed with its reason below. Loaded + quarantined = "
                        "rows in file, always.", "无法使用的行，下方逐行列出原因。读入 + 隔离 = 文件行数，始终成立。"))
    c[3].metric(tr("Guest lines", "游客订单行"), f"{report.get('guest_lines', 0):,}",
                help=tr("Lines without a customer id: kept for sales and baskets, left out of customer analyses.",
                        "没有客户ID的行：计入销售和购物篮分析，不计入客户分析。"))
    facts = [report.get(k) for k in ("format", "encoding", "delimiter", "sheet") if report.get(k)]
    st.caption(tr("Read as: ", "读取方式：") + " · ".join(str(f) for f in facts))


def quality_panel(report: dict, quarantine: pd.DataFrame, filename: str) -> None:
    st.subheader(tr("Data quality", "数据质量"))
    c = st.columns(4)
    c[0].metric(tr("Return lines", "退货行"), f"{report.get('return_lines', 0):,}",
                help=tr("Negative quantities and cancelled invoices (C-prefixed in UCI exports). Kept and flagged: "
                        "net revenue subtracts them.", "负数量及取消的发票（UCI 中以 C 开头）。保留并标记：净收入中扣除。"))
    c[1].metric(tr("Exact duplicate lines", "完全重复行"), f"{report.get('duplicate_lines', 0):,}",
                help=tr("Lines identical in every column to an earlier line. Kept (they can be real repeat scans) and "
                        "flagged in the is_duplicate column.", "与之前某行所有列完全相同的行。保留（可能是真实的重复扫描）并在 is_duplicate 列标记。"))
    c[2].metric(tr("Zero-price lines", "零价格行"), f"{report.get('zero_price_lines', 0):,}",
                help=tr("Lines sold at a price of 0 (free items, samples, adjustments).", "单价为 0 的行（赠品、样品、调整）。"))
    c[3].metric(tr("Quarantined", "隔离"), f"{len(quarantine):,}",
                help=tr("Rows not loaded, with the reason for each.", "未读入的行及其原因。"))
    for note in report.get("notes", []):
        st.info(ui.text(note), icon=":material/info:")
    if report.get("price_missing"):
        st.warning(tr("This file has no price column, so revenue, spend, CLV and pricing cannot be computed. We did not "
                      "invent prices: map a price column above if the file has one under another name.",
                      "该文件没有价格列，因此无法计算收入、消费额、客户终身价值和定价。我们不会虚构价格：如果文件中有其他名称的价格列，请在上方映射。"))
    if len(quarantine):
        counts = ui.shown(io.reason_counts(quarantine))
        st.dataframe(counts.set_axis([tr("Reason", "原因"), tr("Rows", "行数")], axis=1), hide_index=True)

        def readable(rows: pd.DataFrame = quarantine) -> pd.DataFrame:  # (in words: a big quarantine only on download)
            return ui.shown_quarantine(rows)

        st.caption(tr("Quarantined rows with their original values and the reason (first 5,000 shown; the download "
                      "has all).", "被隔离的行及其原始值和原因（显示前 5,000 行；下载包含全部）。"))
        st.dataframe(readable(quarantine.head(5000)), hide_index=True, width="stretch")
        ui.download_csv(readable if len(quarantine) > 5000 else readable(), filename)
    else:
        st.success(tr("No rows were rejected.", "没有被拒绝的行。"))


def profile_section() -> None:
    dataset = ui.dataset_id()
    if dataset is None:
        st.info(tr("The workspace is empty: upload a file above.", "工作区为空：请在上方上传文件。"))
        return
    info = ui.workspace().dataset(dataset)
    st.header(tr(f"Profile of “{info['name']}”", f"“{info['name']}”概况"))
    if info["kind"] == "demo":
        st.caption(tr("The demo retailer is generated data: an omnichannel shop with 20,000 customers of five "
                      "behaviour types, 500 products in 10 categories with known price elasticities, a randomised "
                      "coupon campaign and a store network. Every analysis can be checked against what was planted.",
                      "演示零售商是生成的数据：一家全渠道商店，拥有五种行为类型的 20,000 名客户、10 个品类的 500 种商品"
                      "（价格弹性已知）、一次随机化的优惠券活动以及门店网络。所有分析都可以与预设的真实情况对照。"))
    with st.spinner(tr("Profiling the business…", "正在生成业务概况…")):
        p = _profile(dataset, str(info["created_at"]))
    c = st.columns(5)
    c[0].metric(tr("Revenue", "收入"), ui.money(p.revenue, 0),
                help=tr("Net sales: quantity × unit price over all lines, returns subtracted.", "净销售额：所有行的数量 × 单价，已扣除退货。"))
    c[1].metric(tr("Orders", "订单"), ui.number(p.orders), help=tr("Distinct orders (baskets).", "不同订单（购物篮）数。"))
    c[2].metric(tr("Customers", "客户"), ui.number(p.customers),
                help=tr("Distinct customer ids; guest orders are not counted here.", "不同客户ID数；不含游客订单。"))
    c[3].metric(tr("Products", "商品"), ui.number(p.products), help=tr("Distinct product codes sold.", "售出的不同商品数。"))
    c[4].metric(tr("Average order value", "平均订单金额"), ui.money(p.avg_order_value),
                help=tr("Sales revenue per order, before returns.", "每单销售额（未扣退货）。"))
    st.caption(tr(f"{p.lines:,} lines from {p.first_date:%d %b %Y} to {p.last_date:%d %b %Y}. "
                  f"Returns: {p.returns_share:.1%} of lines ({p.returned_revenue_share:.1%} of sales revenue). "
                  f"Guest lines: {p.guest_share:.1%}.",
                  f"共 {p.lines:,} 行，时间从 {p.first_date:%Y-%m-%d} 到 {p.last_date:%Y-%m-%d}。"
                  f"退货占 {p.returns_share:.1%} 的行（占销售额 {p.returned_revenue_share:.1%}）。游客订单行占 {p.guest_share:.1%}。"))
    has_price = not pd.isna(p.revenue)
    value, unit = ("revenue", tr(f"Revenue ({ui.currency()})", f"收入（{ui.currency()}）")) if has_price \
        else ("units", tr("Units", "件数"))
    figures = {"weekly": charts.weekly_trend(p.weekly, value, tr("Sales per week", "每周销售"), unit,
                                             tr("Week starting", "周起始日"))}
    ui.chart(figures["weekly"])
    left, right = st.columns(2)
    with left:
        figures["products"] = charts.ranked_bars(p.top_products, "product_name", value,
                                                 tr("Top products", "热销商品"), unit)
        ui.chart(figures["products"])
    with right:
        if len(p.top_categories):
            figures["categories"] = charts.ranked_bars(p.top_categories, "category", value,
                                                       tr("Top categories", "热销品类"), unit, color=charts.GOOD)
            ui.chart(figures["categories"])
        else:
            st.info(tr("No category column: map one to see sales by category.", "没有品类列：映射后可查看各品类销售。"))
    if len(p.channels):
        figures["channels"] = charts.share_donut(p.channels, "channel", "orders", tr("Orders by channel", "各渠道订单占比"))
        ui.chart(figures["channels"])
    with st.expander(tr("Tables behind the charts", "图表数据")):
        ui.table(p.top_products, "top_products.csv")
        ui.table(p.weekly, "weekly_sales.csv")
    quarantine = ui.load_table("quarantine")
    with st.expander(tr("Data quality of this dataset", "此数据集的数据质量")):
        quality_panel(info["report"], quarantine if quarantine is not None else pd.DataFrame(columns=["reason"]),
                      f"quarantine-{info['name']}.csv")
    ui.save_to_report("data", tr(f"Business profile — {info['name']}", f"业务概况 — {info['name']}"),
                      params={"dataset": info["name"]},
                      tables={"Top products": p.top_products, "Weekly sales": p.weekly,
                              "Top categories": p.top_categories},
                      figures=figures, notes=[ui.text(n) for n in info["report"].get("notes", [])])


def manage_section() -> None:
    with st.expander(tr("Manage datasets", "管理数据集"), icon=":material/folder_open:", key="manage-datasets"):
        ws = ui.workspace()
        datasets = ws.list_datasets()
        st.dataframe(datasets.drop(columns=["id"]), hide_index=True, width="stretch")
        if datasets.empty:
            return
        names = dict(zip(datasets["id"], datasets["name"]))
        state, active = st.session_state, ui.dataset_id()
        if state.get("manage-for") != active or state.get("manage-target") not in names:
            state["manage-target"], state["manage-for"] = active, active  # start on the active dataset
        target = st.selectbox(tr("Dataset", "数据集"), datasets["id"], format_func=names.get, key="manage-target")
        new_name = st.text_input(tr("New name", "新名称"), value=names[target], key=f"rename-{target}")
        c1, c2 = st.columns(2)
        c1.button(tr("Rename", "重命名"), key="rename-btn", on_click=lambda: ws.rename_dataset(target, new_name))
        confirm = c2.checkbox(tr("Yes, delete it for good", "确认永久删除"), key="delete-confirm")
        c2.button(tr("Delete", "删除"), disabled=not confirm, key="delete-btn", on_click=_delete, args=(target,))


def _delete(dataset: str) -> None:
    ws = ui.workspace()
    ws.delete_dataset(dataset)
    st.session_state["delete-confirm"] = False
    if ui.dataset_id() == dataset:  # the active dataset is gone: fall back on the newest one left
        left = ws.list_datasets()["id"]
        st.session_state["dataset_id"] = left.iloc[0] if len(left) else None


# --------------------------------------------------------------------------------------------
# Connect: analyse a Spark table, a database table or Parquet files where they are
# (promo_core.engine.sources; credentials stay in the deployment's settings, never on screen)
# --------------------------------------------------------------------------------------------
def connect_section() -> None:
    t = ui.text
    st.caption(t("connect.lead"))
    if mode() == "force":
        st.info(t("connect.error.privacy_force"), icon=":material/lock:")
        return
    if mode() == "on":
        st.caption(t("connect.privacy_note"))
    settings = ui.connect_settings()
    if (active := ui.connection()) is not None:
        st.info(t("connect.active", source=active.label), icon=":material/cable:")
        st.button(t("connect.stop"), key="connect-stop-data", on_click=ui.use_connection, args=(None,))
    how = "typed" if not settings.names else st.radio(
        t("connect.how"), ["named", "typed"], horizontal=True, key="connect-how", format_func=lambda w: t(f"connect.how.{w}"))
    if how == "named":
        where = {"connection": st.selectbox(t("connect.named"), settings.names, key="connect-name",
                                            help=t("connect.named.help"))}
    else:
        if not settings.names:
            st.caption(t("connect.named.none"))
        where = {"url": st.text_input(t("connect.url"), key="connect-url", placeholder="local[*]", max_chars=2000,
                                      help=t("connect.url.help"))}
    table = st.text_input(t("connect.table"), key="connect-table", max_chars=300, help=t("connect.table.help"))
    if st.button(t("connect.open"), key="connect-open", icon=":material/cable:"):
        st.session_state["connect-opened"] = sources.SourceSpec(**where, table=table.strip())
    opened = st.session_state.get("connect-opened")
    if opened is None:
        return
    described = st.session_state.get("connect-described")
    if described is None or described[0] != opened:  # (the engine is asked once per source opened)
        described = st.session_state["connect-described"] = (opened, ui.run(sources.describe, opened, settings))
    spec = dataclasses.replace(opened, mapping=_connect_mapping(described[1], opened.id))
    checked = st.session_state.get("connect-checked")
    if checked is None or checked[0] != spec:
        if not st.session_state.pop("connect-check-asked", False):
            return
        checked = st.session_state["connect-checked"] = (spec, ui.run(sources.check, spec, settings))
    _connect_check(checked[1])
    if sources.version(spec, settings) is None:
        st.caption(t("connect.note.no_version"))
    st.button(t("connect.use"), type="primary", key="connect-use", icon=":material/play_arrow:",
              help=t("connect.use.help"), on_click=ui.use_connection, args=(spec,))


def _connect_mapping(columns: sources.Columns, source: str) -> tuple:
    """The role -> column mapping chosen in a form, starting from the guess (as for an upload)."""
    options = [None, *columns.names]
    labels = {role: ui.text(io.role_label(role)) for role in io.CANONICAL}
    st.markdown(ui.text("connect.columns"))
    with st.form(f"connect-mapping-{source}"):
        cols = st.columns(4)
        for i, role in enumerate(io.CANONICAL):
            helptext = ROLE_HELP.get(role)
            cols[i % 4].selectbox(labels[role] + (" *" if role in sources.REQUIRED else ""), options,
                                  index=options.index(columns.suggested.get(role)), key=f"connect-map-{source}-{role}",
                                  format_func=lambda c: ui.text("connect.not_in_table") if c is None else c,
                                  help=tr(*helptext) if helptext else None)
        st.form_submit_button(ui.text("connect.check"), on_click=st.session_state.__setitem__,
                              args=("connect-check-asked", True))
    return tuple((role, column) for role in io.CANONICAL
                 if (column := st.session_state.get(f"connect-map-{source}-{role}", columns.suggested.get(role))))


def _connect_check(found: sources.SourceCheck) -> None:
    """What the mapped source holds, before it is analysed."""
    t = ui.text
    st.caption(t("connect.check.lead"))
    c = st.columns(4)
    for col, (name, value) in zip(c, [("lines", found.lines), ("orders", found.orders),
                                       ("customers", found.customers), ("products", found.products)]):
        col.metric(t(f"connect.metric.{name}"), ui.number(value), help=t(f"connect.metric.{name}.help"))
    if found.lines:
        st.caption(t("connect.period", lines=found.lines, first=found.first, last=found.last,
                     returns=found.return_lines, guests=found.guest_lines))
    labels = {role: ui.text(io.role_label(role)) for role in io.CANONICAL}
    missing = pd.DataFrame({"mapped_role": [labels[r] for r in found.missing], "lines": list(found.missing.values())})
    ui.result_table(missing[missing["lines"] > 0], "connect-missing.csv", caption=t("connect.missing"))



st.title(tr("Data", "数据"))
if saved := st.session_state.pop("saved_message", None):
    st.success(tr(f"Saved “{saved}” to the workspace; it is now the active dataset.", f"已将“{saved}”保存到工作区，并设为当前数据集。"))
with (st.expander(tr("Upload a new file", "上传新文件"), expanded=True, icon=":material/upload:", key="exp-upload"),
      ui.section()):
    upload_section()
with (st.expander(ui.text("connect.title"), expanded=ui.connection() is not None, icon=":material/cable:",
                 key="exp-connect"), ui.section()):
    connect_section()
with ui.section():
    profile_section()
manage_section()
