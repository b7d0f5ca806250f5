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
        st.session_state["reports-flash"] = ("success", ui.text("reports.renamed"))
    except DataError as exc:
        st.session_state["reports-flash"] = ("error", exc.text(ui.lang()))


def _delete(analysis_id: str, name: str) -> None:
    ui.workspace().delete_analysis(analysis_id)
    st.session_state["reports-flash"] = ("success", ui.text("reports.deleted", name=name))
    st.session_state.pop("delete-analysis-confirm", None)


def save_standard(dataset: str) -> None:
    """Run the command line's standard analyses on the dataset, where its lines are, and save each
    as an analysis (``report.save_standard``)."""
    info = ui.workspace().dataset(dataset)
    with st.status(ui.text("reports.standard.running", name=info['name'])) as status:
        saved, skipped = ui.run(report.save_standard, ui.workspace(), dataset, lang=ui.lang(), currency=ui.currency())
        status.update(state="complete")
    st.session_state["reports-flash"] = ("success", " ".join(
        [ui.text("reports.standard.saved", count=len(saved), name=info["name"]), *skipped]))
    st.rerun()


def flash() -> None:
    kind, message = st.session_state.pop("reports-flash", (None, None))
    if kind == "success":
        st.success(message, icon=":material/check_circle:")
    elif kind == "error":
        st.error(message, icon="⚠️")


def standard_overview() -> None:
    dataset = ui.dataset_id()
    with st.expander(ui.text("reports.standard.title"),
                     icon=":material/auto_awesome:", key="exp-standard-overview"):
        steps = [ui.text("reports.step.profile"), *(ui.text(step.name) for step in report.STANDARD_STEPS)]
        st.caption(ui.text("reports.standard.lead", steps=[step[:1].lower() + step[1:] for step in steps]))
        if dataset is None:
            st.info(ui.text("reports.standard.no_dataset"))
            return
        if st.button(ui.text("reports.standard.run"), icon=":material/play_arrow:",
                     key="save-standard"):
            save_standard(dataset)


def saved_table(saved: pd.DataFrame) -> None:
    shown = pd.DataFrame({
        ui.text("reports.column.name"): saved["name"],
        ui.text("reports.column.page"): saved["page"].map(lambda p: report.page_title(p, ui.lang())),
        ui.text("reports.column.dataset"): saved["dataset_name"].fillna(ui.text("reports.column.no_dataset")),
        ui.text("reports.column.saved"): pd.to_datetime(saved["created_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        ui.text("reports.column.tables"): saved["n_tables"], ui.text("reports.column.charts"): saved["n_figures"]})
    ui.table(shown, "saved_analyses.csv", caption=ui.text("reports.saved.caption"))


def manage(saved: pd.DataFrame) -> None:
    with st.expander(ui.text("reports.manage.title"), icon=":material/edit:", key="exp-manage-analyses"):
        names = dict(zip(saved["id"], saved["name"]))
        target = st.selectbox(ui.text("reports.manage.analysis"), list(names), format_func=names.get,
                              key="manage-analysis")
        widget = f"rename-analysis-{target}"
        st.text_input(ui.text("reports.manage.new_name"), value=names[target], key=widget)
        left, right = st.columns(2)
        left.button(ui.text("reports.manage.rename"), key="rename-analysis-btn", on_click=_rename,
                    args=(target, widget))
        confirm = right.checkbox(ui.text("reports.manage.confirm"), key="delete-analysis-confirm")
        right.button(ui.text("reports.manage.delete"), disabled=not confirm, key="delete-analysis-btn", on_click=_delete,
                     args=(target, names[target]))


def settings() -> tuple[str, str, str, int]:
    with st.sidebar.expander(ui.text("reports.settings.title"), expanded=True, icon=":material/tune:",
                             key="exp-report-settings"):
        title = st.text_input(ui.text("reports.settings.report_title"), value=ui.text("reports.settings.default_title"),
                              key=f"report-title-{ui.lang()}", help=ui.text("reports.settings.report_title.help"))
        langs = list(LANGUAGES)
        lang = st.selectbox(ui.text("reports.settings.lang"), langs, index=langs.index(ui.lang()),
                            format_func=LANGUAGES.get, key=f"report-lang-{ui.lang()}",
                            help=ui.text("reports.settings.lang.help"))
        currency = st.text_input(ui.text("reports.settings.currency"), value=ui.currency(), max_chars=4,
                                 key=f"report-currency-{ui.currency()}",
                                 help=ui.text("reports.settings.currency.help"))
        max_rows = st.number_input(ui.text("reports.settings.rows"), min_value=5, max_value=5000,
                                   value=50, step=5, key="report-rows",
                                   help=ui.text("reports.settings.rows.help"))
    return title, lang, currency, int(max_rows)


def downloads(selection: tuple, title: str, lang: str, currency: str, max_rows: int) -> None:
    path = str(ui.workspace().path)
    with st.spinner(ui.text("reports.building")):
        html_bytes = _html(path, selection, title, lang, currency, max_rows)
    stamp = pd.Timestamp.now().strftime("%Y-%m-%d")
    left, right = st.columns(2)
    left.download_button(ui.text("reports.download.html"), html_bytes, file_name=f"promolens-report-{stamp}.html",
                         mime="text/html", icon=":material/description:", type="primary", key="dl-report-html",
                         on_click="ignore", width="stretch")
    left.caption(ui.text("reports.download.html.caption", mb=len(html_bytes) / 1000000.0))
    right.download_button(ui.text("reports.download.xlsx"),  # built on click: every row of every table
                          lambda: _workbook(path, selection, lang, currency),
                          file_name=f"promolens-report-{stamp}.xlsx", icon=":material/table_view:",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key="dl-report-xlsx", on_click="ignore", width="stretch")
    right.caption(ui.text("reports.download.xlsx.caption"))


def preview(selection: tuple) -> None:
    st.subheader(ui.text("reports.preview"))
    ws = ui.workspace()
    for number, (analysis_id, name) in enumerate(selection, start=1):
        analysis = ws.load_analysis(analysis_id)
        with st.expander(f"{number}. {name}", icon=":material/article:"), ui.section():
            st.caption(f"{report.page_title(analysis.page, ui.lang())} · "
                       f"{i18n.fmt_date(analysis.created_at, ui.lang())} {analysis.created_at:%H:%M}")
            for note in analysis.notes:
                st.markdown(f"- {note}")
            if analysis.params:
                st.caption(ui.text("reports.preview.settings")
                           + "; ".join(f"{k}: {v}" for k, v in analysis.params.items()))
            for figure_name, spec in analysis.figures.items():
                ui.chart(go.Figure(report.figure_spec(spec)), key=f"preview-{analysis_id}-{figure_name}")
            for table_name, frame in analysis.tables.items():
                ui.table(frame, f"{table_name}.csv", caption=table_name)


def schedule_hint(selected_dataset: str | None) -> None:
    with st.expander(ui.text("reports.schedule.title"),
                     icon=":material/schedule:"):
        st.caption(ui.text("reports.schedule.lead"))
        data = shlex.quote(selected_dataset or "sales.xlsx")
        command = (f"python -m promo_core report --data {data} --out weekly-report.html "
                   f"--lang {ui.lang()} --currency {shlex.quote(ui.currency())}")
        st.code(f"{command}\n\n# crontab\n0 7 * * 1  cd /path/to/promolens && .venv/bin/{command}", language="bash")


st.title(ui.text("reports.title"))
st.caption(ui.text("reports.lead"))
flash()
title, lang, currency, max_rows = settings()
saved = ui.workspace().list_analyses()
datasets = ui.workspace().list_datasets()
dataset_name = dict(zip(datasets["id"], datasets["name"])).get(ui.dataset_id())
if saved.empty:
    st.info(ui.text("reports.empty"),
            icon=":material/bookmark:")
    standard_overview()
    schedule_hint(dataset_name)
    st.stop()

chronological = saved.iloc[::-1]
names = dict(zip(chronological["id"], chronological["name"]))
chosen = st.multiselect(
    ui.text("reports.pick"), list(names), default=list(names),
    format_func=names.get, key="report-selection",
    help=ui.text("reports.pick.help"))
n_tables, n_figures = report.selection_totals(saved, chosen)
for column, (key, value) in zip(st.columns(4), {"saved": len(saved), "picked": len(chosen), "tables": n_tables,
                                                "charts": n_figures}.items()):
    column.metric(ui.text(f"reports.metric.{key}"), f"{value:,}", help=ui.text(f"reports.metric.{key}.help"))
if chosen:
    selection = tuple((i, names[i]) for i in chosen)
    downloads(selection, title, lang, currency, max_rows)
else:
    st.warning(ui.text("reports.pick.none"))
saved_table(saved)
manage(saved)
standard_overview()
schedule_hint(dataset_name)
if chosen:
    preview(selection)
