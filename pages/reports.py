"""Reports page: pick saved analyses and take them away as one self-contained HTML report (opens
offline, prints cleanly) and one Excel workbook; rename or delete saved analyses; add the standard
overview of the current dataset; see the command that rebuilds a report on a schedule."""
import shlex

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import ui
from promo_core import i18n, report
from promo_core.errors import DataError
from promo_core.text import LANGUAGES

ui.guard_page()  # first: nothing of this page runs before sign-in

tr = ui.tr


def _dataset_names() -> dict:
    datasets = ui.workspace().list_datasets()
    return dict(zip(datasets["id"], datasets["name"]))


@st.cache_data(show_spinner=False, max_entries=4)
def _html(path: str, selection: tuple, title: str, lang: str, currency: str, max_rows: int) -> bytes:
    """The HTML report; ``selection`` is ((id, name), ...) so a rename rebuilds it."""
    analyses = [ui.workspace().load_analysis(i) for i, _ in selection]
    return report.build_html_report(analyses, title=title, lang=lang, currency=currency, max_rows=max_rows,
                                    dataset_names=_dataset_names()).encode("utf-8")


@st.cache_data(show_spinner=False, max_entries=4)
def _workbook(path: str, selection: tuple, lang: str, currency: str) -> bytes:
    analyses = [ui.workspace().load_analysis(i) for i, _ in selection]
    return report.build_excel_report(analyses, lang=lang, currency=currency, dataset_names=_dataset_names())


def _rename(analysis_id: str, widget: str) -> None:
    try:
        ui.workspace().rename_analysis(analysis_id, st.session_state[widget])
        st.session_state["reports-flash"] = ("success", tr("Renamed.", "已重命名。"))
    except DataError as exc:
        st.session_state["reports-flash"] = ("error", exc.text(ui.lang()))


def _delete(analysis_id: str, name: str) -> None:
    ui.workspace().delete_analysis(analysis_id)
    st.session_state["reports-flash"] = ("success", tr(f"Deleted “{name}”.", f"已删除“{name}”。"))
    st.session_state.pop("delete-analysis-confirm", None)


def save_standard(dataset: str) -> None:
    """Run the command line's standard analyses on the dataset, where its lines are, and save each
    as an analysis (``report.save_standard``)."""
    info = ui.workspace().dataset(dataset)
    with st.status(tr(f"Analysing “{info['name']}”…", f"正在分析“{info['name']}”…")) as status:
        saved, skipped = ui.run(report.save_standard, ui.workspace(), dataset, lang=ui.lang(), currency=ui.currency())
        status.update(state="complete")
    st.session_state["reports-flash"] = ("success", tr(
        f"Saved {len(saved)} standard analyses of “{info['name']}”.",
        f"已保存“{info['name']}”的 {len(saved)} 个标准分析。") + (" " + " ".join(skipped) if skipped else ""))
    st.rerun()


def flash() -> None:
    kind, message = st.session_state.pop("reports-flash", (None, None))
    if kind == "success":
        st.success(message, icon=":material/check_circle:")
    elif kind == "error":
        st.error(message, icon="⚠️")


def standard_overview() -> None:
    dataset = ui.dataset_id()
    with st.expander(tr("Add the standard overview of the current dataset", "添加当前数据集的标准概览"),
                     icon=":material/auto_awesome:", key="exp-standard-overview"):
        steps = [tr("business profile", "业务概况")] + [tr(step.name_en.lower(), step.name_zh)
                                                       for step in report.STANDARD_STEPS]
        st.caption(tr(f"The analyses the command line runs: {', '.join(steps)} (each where the data supports it). "
                      "They are saved like any other analysis.",
                      f"即命令行运行的分析：{'、'.join(steps)}（数据支持时）。保存方式与其他分析相同。"))
        if dataset is None:
            st.info(tr("Pick or upload a dataset first.", "请先选择或上传数据集。"))
            return
        if st.button(tr("Run and save the standard overview", "运行并保存标准概览"), icon=":material/play_arrow:",
                     key="save-standard"):
            save_standard(dataset)


def saved_table(saved: pd.DataFrame) -> None:
    shown = pd.DataFrame({
        tr("Name", "名称"): saved["name"], tr("Page", "页面"): saved["page"].map(lambda p: report.page_title(p, ui.lang())),
        tr("Dataset", "数据集"): saved["dataset_name"].fillna(tr("(deleted or none)", "（已删除或无）")),
        tr("Saved", "保存时间"): pd.to_datetime(saved["created_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        tr("Tables", "表格"): saved["n_tables"], tr("Charts", "图表"): saved["n_figures"]})
    ui.table(shown, "saved_analyses.csv", caption=tr(
        "Every saved analysis in the workspace, newest first. Saved analyses survive restarts; they are snapshots "
        "and do not change when the data does.",
        "工作区中所有已保存的分析，最新的在前。已保存的分析在重启后仍然保留；它们是快照，不会随数据变化。"))


def manage(saved: pd.DataFrame) -> None:
    with st.expander(tr("Rename or delete saved analyses", "重命名或删除已保存的分析"), icon=":material/edit:", key="exp-manage-analyses"):
        names = dict(zip(saved["id"], saved["name"]))
        target = st.selectbox(tr("Saved analysis", "已保存的分析"), list(names), format_func=names.get,
                              key="manage-analysis")
        widget = f"rename-analysis-{target}"
        st.text_input(tr("New name", "新名称"), value=names[target], key=widget)
        left, right = st.columns(2)
        left.button(tr("Rename", "重命名"), key="rename-analysis-btn", on_click=_rename, args=(target, widget))
        confirm = right.checkbox(tr("Yes, delete it for good", "确认永久删除"), key="delete-analysis-confirm")
        right.button(tr("Delete", "删除"), disabled=not confirm, key="delete-analysis-btn", on_click=_delete,
                     args=(target, names[target]))


def settings() -> tuple[str, str, str, int]:
    with st.sidebar.expander(tr("Report settings", "报告设置"), expanded=True, icon=":material/tune:", key="exp-report-settings"):
        title = st.text_input(tr("Report title", "报告标题"), value=tr("PromoLens report", "PromoLens 报告"),
                              key=f"report-title-{ui.lang()}", help=tr("The heading of the HTML report.", "HTML 报告的标题。"))
        langs = list(LANGUAGES)
        lang = st.selectbox(tr("Report language", "报告语言"), langs, index=langs.index(ui.lang()),
                            format_func=LANGUAGES.get, key=f"report-lang-{ui.lang()}",
                            help=tr("Headings, labels and dates of the report and workbook. Names in your data "
                                    "stay as they are.", "报告和工作簿的标题、标签和日期格式。数据中的名称保持不变。"))
        currency = st.text_input(tr("Currency in the report", "报告中的货币符号"), value=ui.currency(), max_chars=4,
                                 key=f"report-currency-{ui.currency()}",
                                 help=tr("Shown before money in tables (the sidebar's symbol by default).",
                                         "表格中金额前显示的符号（默认与侧边栏相同）。"))
        max_rows = st.number_input(tr("Rows shown per table", "每个表格显示的行数"), min_value=5, max_value=5000,
                                   value=50, step=5, key="report-rows",
                                   help=tr("Longer tables are cut in the HTML report, with a note; the Excel "
                                           "workbook always holds every row.",
                                           "HTML 报告中较长的表格会被截断并注明；Excel 工作簿始终包含全部行。"))
    return title, lang, currency, int(max_rows)


def downloads(selection: tuple, title: str, lang: str, currency: str, max_rows: int) -> None:
    path = str(ui.workspace().path)
    with st.spinner(tr("Building the report…", "正在生成报告…")):
        html_bytes = _html(path, selection, title, lang, currency, max_rows)
    stamp = pd.Timestamp.now().strftime("%Y-%m-%d")
    left, right = st.columns(2)
    left.download_button(tr("Download HTML report", "下载 HTML 报告"), html_bytes, file_name=f"promolens-report-{stamp}.html",
                         mime="text/html", icon=":material/description:", type="primary", key="dl-report-html",
                         on_click="ignore", width="stretch")
    left.caption(tr(f"{len(html_bytes) / 1e6:,.1f} MB, one file: interactive charts, opens without internet, "
                    "prints one analysis per page.",
                    f"{len(html_bytes) / 1e6:,.1f} MB，单个文件：图表可交互，无需联网即可打开，打印时每个分析单独成页。"))
    right.download_button(tr("Download Excel workbook", "下载 Excel 工作簿"),  # built on click: every row of every table
                          lambda: _workbook(path, selection, lang, currency),
                          file_name=f"promolens-report-{stamp}.xlsx", icon=":material/table_view:",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key="dl-report-xlsx", on_click="ignore", width="stretch")
    right.caption(tr("A contents sheet, then every table on its own sheet with all its rows: frozen header, "
                     "filters, number formats. Text that looks like a formula is kept as text.",
                     "首页为目录，之后每个表格单独一页并包含全部行：冻结表头、筛选、数字格式。看起来像公式的文本按文本保存。"))


def preview(selection: tuple) -> None:
    st.subheader(tr("Preview", "预览"))
    ws = ui.workspace()
    for number, (analysis_id, name) in enumerate(selection, start=1):
        analysis = ws.load_analysis(analysis_id)
        with st.expander(f"{number}. {name}", icon=":material/article:"), ui.section():
            st.caption(f"{report.page_title(analysis.page, ui.lang())} · "
                       f"{i18n.fmt_date(analysis.created_at, ui.lang())} {analysis.created_at:%H:%M}")
            for note in analysis.notes:
                st.markdown(f"- {note}")
            if analysis.params:
                st.caption(tr("Settings: ", "参数：") + "; ".join(f"{k}: {v}" for k, v in analysis.params.items()))
            for figure_name, spec in analysis.figures.items():
                ui.chart(go.Figure(report.figure_spec(spec)), key=f"preview-{analysis_id}-{figure_name}")
            for table_name, frame in analysis.tables.items():
                ui.table(frame, f"{table_name}.csv", caption=table_name)


def schedule_hint(selected_dataset: str | None) -> None:
    with st.expander(tr("Rebuild a report every week without clicking (command line)", "每周自动生成报告（命令行）"),
                     icon=":material/schedule:"):
        st.caption(tr("The command line runs the standard analyses on a file or a workspace dataset and writes the "
                      "same HTML report or Excel workbook. Exit status 0 means written, 2 means the input cannot be "
                      "used (the reason is printed), 1 an unexpected error. Run it from the PromoLens folder, e.g. "
                      "from cron every Monday at 7:00:",
                      "命令行对文件或工作区中的数据集运行标准分析，并生成同样的 HTML 报告或 Excel 工作簿。退出码 0 表示已生成，"
                      "2 表示输入无法使用（会打印原因），1 表示意外错误。请在 PromoLens 目录下运行，例如用 cron 每周一 7:00 运行："))
        data = shlex.quote(selected_dataset or "sales.xlsx")
        command = (f"python -m promo_core report --data {data} --out weekly-report.html "
                   f"--lang {ui.lang()} --currency {shlex.quote(ui.currency())}")
        st.code(f"{command}\n\n# crontab\n0 7 * * 1  cd /path/to/promolens && .venv/bin/{command}", language="bash")


st.title(tr("Reports", "报告"))
st.caption(tr("Turn saved analyses into something you can send: one HTML file your director opens offline and "
              "can print, and an Excel workbook your analyst can filter.",
              "把已保存的分析变成可以发送的成果：一个总监离线即可打开、可打印的 HTML 文件，以及一个分析师可以筛选的 Excel 工作簿。"))
flash()
title, lang, currency, max_rows = settings()
saved = ui.workspace().list_analyses()
datasets = ui.workspace().list_datasets()
dataset_name = dict(zip(datasets["id"], datasets["name"])).get(ui.dataset_id())
if saved.empty:
    st.info(tr("No saved analyses yet. Every page has a “Save this analysis to a report” box at the bottom; or add "
               "the standard overview of the current dataset below.",
               "还没有已保存的分析。每个页面底部都有“将此分析保存到报告”；也可以在下方添加当前数据集的标准概览。"),
            icon=":material/bookmark:")
    standard_overview()
    schedule_hint(dataset_name)
    st.stop()

chronological = saved.iloc[::-1]
names = dict(zip(chronological["id"], chronological["name"]))
chosen = st.multiselect(
    tr("Analyses in the report, in order", "报告中的分析（按顺序）"), list(names), default=list(names),
    format_func=names.get, key="report-selection",
    help=tr("The report lists them in the order picked here (oldest first by default). Remove one with its ×.",
            "报告按此处选择的顺序排列（默认最早的在前）。点击 × 移除。"))
n_tables, n_figures = report.selection_totals(saved, chosen)
c = st.columns(4)
c[0].metric(tr("Saved analyses", "已保存的分析"), f"{len(saved):,}",
            help=tr("Everything saved in this workspace from any page.", "此工作区中从各页面保存的全部分析。"))
c[1].metric(tr("In the report", "报告中的分析"), f"{len(chosen):,}",
            help=tr("The analyses picked above.", "上方选中的分析。"))
c[2].metric(tr("Tables", "表格"), f"{n_tables:,}",
            help=tr("Tables in the picked analyses: each becomes a section of the report and a sheet of the workbook.",
                    "所选分析中的表格：每个表格在报告中占一节，在工作簿中占一页。"))
c[3].metric(tr("Charts", "图表"), f"{n_figures:,}",
            help=tr("Interactive charts in the picked analyses, embedded in the HTML report.",
                    "所选分析中的交互图表，嵌入 HTML 报告。"))
if chosen:
    selection = tuple((i, names[i]) for i in chosen)
    downloads(selection, title, lang, currency, max_rows)
else:
    st.warning(tr("Pick at least one analysis to build a report.", "请至少选择一个分析来生成报告。"))
saved_table(saved)
manage(saved)
standard_overview()
schedule_hint(dataset_name)
if chosen:
    preview(selection)
