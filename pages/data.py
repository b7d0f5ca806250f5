"""Data page: upload a sales file, review how its columns were read, see what was rejected and
why, and get a profile of the business; or connect to where the data lives."""
import dataclasses
import json

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import ui
from promo_core import charts, io
from promo_core.analyses import data
from promo_core.analyses.data import sources
from promo_core.privacy import Privacy, load_key, mode, redact
from promo_core.text import Message

ui.guard_page()  # first: nothing of this page runs before sign-in

HELPED_ROLES = ("order_id", "customer_id", "order_date", "product_id", "quantity", "unit_price")


def _role(role: str) -> str:
    return ui.text(io.role_label(role))


def _role_help(role: str) -> str | None:
    return ui.text(f"data.role.{role}.help") if role in HELPED_ROLES else None


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
                "data.progress.checking_read": lambda: 0.2 + 0.25 * values["mb"] / max(values["total_mb"], 1e-9),
                "data.progress.duplicates": lambda: 0.5,
                "data.progress.saving": lambda: 0.55 + 0.3 * values["rows"] / max(values["total"], 1),
                "data.progress.grouping": lambda: 0.85}[message.id]()
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
        data.discard_draft(ui.workspace(), held[1])


def _quarantine(dataset: str) -> data.Quarantine | None:
    """The dataset's quarantine summary, counted in the workspace once per dataset version and kept
    in the session (a draft under review and the active dataset both show theirs on one run)."""
    version = (dataset, str(ui.workspace().dataset(dataset)["created_at"]))
    kept = st.session_state.setdefault("data-quarantines", {})
    if version not in kept:
        if len(kept) >= 4:  # (summaries of datasets no longer on screen)
            kept.clear()
        kept[version] = ui.run(data.dataset_quarantine, ui.workspace(), dataset)
    return kept[version]


def upload_section() -> None:
    st.subheader(ui.text("data.upload.title"))
    st.caption(ui.text("data.upload.lead"))
    uploader = f"upload-{st.session_state.get('uploads-saved', 0)}"
    st.file_uploader(ui.text("data.upload.file"), type=["csv", "txt", "tsv", "xlsx", "xlsm", "parquet"], key=uploader,
                     help=ui.text("data.upload.file.help"))
    # The widget returns a copy of the file (Streamlit deep-copies widget values: 300 MB more for a 300 MB
    # CSV while it is read); the session's own value shares its bytes with Streamlit's upload store.
    uploaded = st.session_state[uploader]
    privacy_mode = mode()  # "on": ticked by default; "force": always on
    protect = st.checkbox(
        ui.text("data.upload.protect"), value=privacy_mode != "off",
        disabled=privacy_mode == "force", key="protect-personal",
        help=ui.text("data.upload.protect.help"))
    if uploaded is None:
        _keep_only(None)
        in_place_section(protect or privacy_mode == "force")
        return
    file_key = f"{uploaded.name}-{uploaded.size}"
    overrides = json.dumps(st.session_state.get(f"overrides-{file_key}", {}), sort_keys=True)
    protect = protect or privacy_mode == "force"
    size = f"{uploaded.size / 1e6:,.1f} MB" if uploaded.size >= 100_000 else f"{uploaded.size / 1e3:,.1f} KB"
    with st.status(ui.text("data.upload.reading", file=uploaded.name, size=size),
                   expanded=True) as status:
        try:
            dataset, error = _draft(uploaded, overrides, protect, status), None
        except Exception as exc:  # bad input, or a bug: either way the reason is shown below, not a traceback
            dataset, error = None, exc
            status.update(label=ui.text("data.upload.unreadable", file=uploaded.name), state="error",
                          expanded=False)
        else:
            info = ui.workspace().dataset(dataset)
            status.update(label=ui.text("data.upload.read", rows=info['rows_in'], file=uploaded.name), state="complete",
                          expanded=False)
    if error is not None:
        ui.show_error(error)  # below the collapsed status box, where it is seen
        return
    ws = ui.workspace()
    report = info["report"]
    mapping_review(report["columns"], info["mapping"], file_key)
    load_summary(report, info["rows_in"], info["n_rows"], info["n_quarantine"])
    quality_panel(data.reported_quality(report), report, dataset, f"quarantine-{uploaded.name}.csv")
    with st.expander(ui.text("data.upload.preview")):
        ui.table(ws.head(dataset, 200), f"preview-{uploaded.name}.csv")
    filename = report["file"]  # (with protection on, personal parts of the name are replaced)
    st.text_input(ui.text("data.upload.name"), value=filename.rsplit(".", 1)[0], key=f"name-{file_key}",
                  help=ui.text("data.upload.name.help"))
    st.button(ui.text("data.upload.save"), type="primary", icon=":material/save:",
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
    folders = ui.connect_settings().folders
    if not folders:
        return
    with st.expander(ui.text("data.in_place.title"),
                     icon=":material/folder_data:"):
        st.caption(ui.text("data.in_place.folders", folders=", ".join(str(f) for f in folders)))
        path = st.text_input(ui.text("data.in_place.path"), key="in-place-path")
        if protect:
            st.info(ui.text("data.in_place.private"))
            return
        if st.button(ui.text("data.in_place.go"), key="in-place-go", disabled=not path.strip()):
            with st.status(ui.text("data.in_place.checking"), expanded=True) as status:
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
    st.markdown(ui.text("data.mapping.lead"))
    with st.form(f"mapping-{file_key}"):
        cols = st.columns(4)
        chosen = {}
        for i, role in enumerate(io.CANONICAL):
            label = _role(role) + (" *" if role in ("order_date", "product_id") else "")
            chosen[role] = cols[i % 4].selectbox(
                label, options, index=options.index(mapping.get(role)),
                format_func=lambda c: ui.text("data.mapping.not_in_file") if c is None else c,
                help=_role_help(role), key=f"map-{file_key}-{role}")
        st.form_submit_button(ui.text("data.mapping.apply"), on_click=_apply_mapping, args=(file_key,))


def _apply_mapping(file_key: str) -> None:
    st.session_state[f"overrides-{file_key}"] = {r: st.session_state[f"map-{file_key}-{r}"] for r in io.CANONICAL}


def _metrics(shown: dict[str, str]) -> None:
    """One row of metrics: catalogue id -> the value shown (each id's ``.help`` explains it)."""
    for column, (key, value) in zip(st.columns(len(shown)), shown.items()):
        column.metric(ui.text(key), value, help=ui.text(f"{key}.help"))


def load_summary(report: dict, rows_in: int, loaded: int, quarantined: int) -> None:
    _metrics({"data.load.rows_in": ui.number(rows_in), "data.load.loaded": ui.number(loaded),
              "data.load.quarantined": ui.number(quarantined),
              "data.load.guests": ui.number(report.get("guest_lines", 0))})
    facts = [report.get(k) for k in ("format", "encoding", "delimiter", "sheet") if report.get(k)]
    st.caption(ui.text("data.load.read_as", facts=" · ".join(str(f) for f in facts)))


def quality_panel(lines: data.LineQuality, report: dict, dataset: str | None, filename: str) -> None:
    """The data-quality facts: the lines' counts, the load's notes, and the quarantine of
    ``dataset`` (None: a connected source, which has no load) counted by reason."""
    t = ui.text
    rejected = _quarantine(dataset) if dataset is not None else None
    st.subheader(t("data.quality.title"))
    _metrics({"data.quality.returns": ui.number(lines.return_lines),
              "data.quality.duplicates": ui.number(lines.duplicate_lines),
              "data.quality.zero_price": ui.number(lines.zero_price_lines),
              "data.quality.quarantined": ui.number(rejected.rows if rejected is not None else 0)})
    for note in report.get("notes", []):
        st.info(_in_language(note), icon=":material/info:")
    if report.get("price_missing"):
        st.warning(t("data.quality.price_missing"))
    if rejected is None:
        return
    if not rejected.rows:
        st.success(t("data.quality.none"))
        return
    reasons = ui.shown(rejected.reasons)
    st.dataframe(reasons, hide_index=True, column_config=ui.columns(reasons))
    shown = ui.shown_quarantine(rejected.preview)
    st.caption(t("data.quality.rows_caption", shown=data.PREVIEW_ROWS))
    st.dataframe(shown, hide_index=True, width="stretch")
    if rejected.rows > len(shown):
        ui.download_csv(lambda: ui.shown_quarantine(data.dataset_quarantine_rows(ui.workspace(), dataset)), filename)
    else:
        ui.download_csv(shown, filename)


def _in_language(note) -> str:
    """A load note (a message; an older workspace's English text reads as written) in words."""
    return ui.text(note) if isinstance(note, Message) else str(note)


def profile_section() -> None:
    """The business profile of the active source (the dataset picked in the sidebar, or the active
    connection): ``analyses.data`` run where the lines are."""
    t = ui.text
    spec, dataset = ui.connection(), ui.dataset_id()
    if spec is None and dataset is None:
        st.info(t("data.profile.empty"))
        return
    info = ui.workspace().dataset(dataset) if spec is None else None
    name = spec.label if spec is not None else info["name"]
    st.header(t("data.profile.title", name=name))
    if info is not None and info["kind"] == "demo":
        st.caption(t("data.profile.demo"))
    result = ui.run_analysis(data, data.Params())
    p = result.profile
    _metrics({"data.metric.revenue": ui.money(p.revenue, 0), "data.metric.orders": ui.number(p.orders),
              "data.metric.customers": ui.number(p.customers), "data.metric.products": ui.number(p.products),
              "data.metric.aov": ui.money(p.avg_order_value)})
    st.caption(t("data.profile.caption", lines=p.lines, first=p.first_date, last=p.last_date, returns=p.returns_share,
                 returned=p.returned_revenue_share, guests=p.guest_share))
    for note in result.notes:
        st.caption(t(note))
    value, unit = (("revenue", t("data.chart.revenue", currency=ui.currency())) if result.has_price
                   else ("units", t("data.chart.units")))
    figures = {"weekly": charts.weekly_trend(p.weekly, value, t("data.chart.weekly"), unit, t("data.chart.week"))}
    ui.chart(figures["weekly"])
    left, right = st.columns(2)
    with left:
        figures["products"] = charts.ranked_bars(p.top_products, "product_name", value, t("data.chart.top_products"),
                                                 unit)
        ui.chart(figures["products"])
    with right:
        if len(p.top_categories):
            figures["categories"] = charts.ranked_bars(p.top_categories, "category", value,
                                                       t("data.chart.top_categories"), unit, color=charts.GOOD)
            ui.chart(figures["categories"])
        else:
            st.info(t("data.profile.no_category"))
    if len(p.channels):
        figures["channels"] = charts.share_donut(p.channels, "channel", "orders", t("data.chart.channels"))
        ui.chart(figures["channels"])
    # (drawn only while open: what a language switch redraws)
    if (tables := ui.lazy_expander(t("data.profile.tables"), "exp-data-tables")).open:
        with tables:
            ui.table(p.top_products, "top_products.csv")
            ui.table(p.weekly, "weekly_sales.csv")
    if (quality := ui.lazy_expander(t("data.profile.quality"), "exp-data-quality")).open:
        with quality:
            quality_panel(result.quality, info["report"] if info is not None else {},
                          dataset if spec is None else None, f"quarantine-{name}.csv")
    ui.save_to_report("data", t("data.profile.save_name", name=name), params={"dataset": name},
                      tables={t("data.chart.top_products"): p.top_products, t("data.report.weekly"): p.weekly,
                              t("data.chart.top_categories"): p.top_categories},
                      figures=figures, notes=[_in_language(n) for n in (info or {}).get("report", {}).get("notes", [])])


def manage_section() -> None:
    with st.expander(ui.text("data.manage.title"), icon=":material/folder_open:", key="manage-datasets"):
        ws = ui.workspace()
        datasets = ws.list_datasets()
        st.dataframe(datasets.drop(columns=["id"]), hide_index=True, width="stretch")
        if datasets.empty:
            return
        names = dict(zip(datasets["id"], datasets["name"]))
        state, active = st.session_state, ui.dataset_id()
        if state.get("manage-for") != active or state.get("manage-target") not in names:
            state["manage-target"], state["manage-for"] = active, active  # start on the active dataset
        target = st.selectbox(ui.text("data.manage.dataset"), datasets["id"], format_func=names.get,
                              key="manage-target")
        new_name = st.text_input(ui.text("data.manage.new_name"), value=names[target], key=f"rename-{target}")
        c1, c2 = st.columns(2)
        c1.button(ui.text("data.manage.rename"), key="rename-btn", on_click=lambda: ws.rename_dataset(target, new_name))
        confirm = c2.checkbox(ui.text("data.manage.confirm"), key="delete-confirm")
        c2.button(ui.text("data.manage.delete"), disabled=not confirm, key="delete-btn", on_click=_delete,
                  args=(target,))


def _delete(dataset: str) -> None:
    ws = ui.workspace()
    ws.delete_dataset(dataset)
    st.session_state["delete-confirm"] = False
    if ui.dataset_id() == dataset:  # the active dataset is gone: fall back on the newest one left
        left = ws.list_datasets()["id"]
        st.session_state["dataset_id"] = left.iloc[0] if len(left) else None


# --------------------------------------------------------------------------------------------
# Side tables of the active dataset from their own files: browsing events (its customers') and
# marketing spend (per period and channel), through one loader and one section (_side_section)
# --------------------------------------------------------------------------------------------
def events_section() -> None:
    """Upload a web-analytics events file (GA4, Shopify or own export) as the active dataset's
    browsing events (``io.load_events_into``: read into the workspace with the same front door,
    auto-mapping, quarantine and privacy as sales), review how its columns were read, and see
    what was set aside and why. The Journeys page then uses them."""
    from promo_core import journeys

    _side_section("events", "events", io.load_events_into, journeys.COLUMNS,
                  lambda role: ui.text(f"journeys.role.{role}"))


def spend_section() -> None:
    """Upload a marketing spend file (one row per period and channel) as the active dataset's
    spend (``io.load_spend_into``: the same front door, mapping, quarantine and privacy as the
    events), review how its columns were read and what was set aside. The Marketing ROI page then
    uses it."""
    from promo_core import spend

    _side_section("spend", "spend_upload", io.load_spend_into, spend.COLUMNS,
                  lambda role: ui.text(f"spend_upload.role.{role}"))


def _side_section(table: str, words: str, load, roles: tuple[str, ...], role_text) -> None:
    """One side table of the active dataset (events, spend) from an uploaded file: ``load``
    (an ``io.load_*_into``) into ``table`` and ``<table>_quarantine``, the counts, the notes, how
    the columns were read (``roles``, named by ``role_text``) to change, the reasons rows were set
    aside and their download; every word from the catalogue's ``<words>.*`` ids."""
    t = ui.text
    st.caption(t(f"{words}.lead"))
    dataset = ui.dataset_id()
    if ui.connection() is not None or dataset is None:
        st.info(t(f"{words}.no_dataset"))
        return
    info = ui.workspace().dataset(dataset)
    protect = ui.side_uploads_protected()  # (a protected dataset's side tables get its sales' pseudonyms)
    if protect:
        st.caption(t(f"{words}.protected"))
    uploader = f"{table}-upload-{st.session_state.get(f'{table}-saved', 0)}"
    uploaded = st.file_uploader(t(f"{words}.file"), type=["csv", "txt", "tsv", "xlsx", "xlsm", "parquet"],
                                key=uploader, help=t(f"{words}.file.help"))
    if uploaded is not None:
        overrides = json.dumps(st.session_state.get(f"{table}-overrides-{uploaded.file_id}", {}), sort_keys=True)
        key = (dataset, uploaded.file_id, overrides, protect)
        if st.session_state.get(f"{table}-loaded") != key:
            with st.status(t(f"{words}.reading", file=uploaded.name), expanded=True) as status:
                bar = status.progress(0.0)
                try:
                    load(ui.workspace(), dataset, uploaded, mapping=json.loads(overrides) or None,
                         privacy=Privacy(key=load_key()) if protect else None,
                         progress=lambda m: bar.progress(0.5, text=ui.text(m)))
                except Exception as exc:  # bad input, or a bug: the reason is shown, not a traceback
                    status.update(label=t("data.upload.unreadable", file=uploaded.name), state="error",
                                  expanded=False)
                    ui.show_error(exc)
                    return
                status.update(state="complete", expanded=False)
            st.session_state[f"{table}-loaded"] = key
            info = ui.workspace().dataset(dataset)
    if table not in info["tables"]:
        return
    report = info["report"].get(table)
    if report is None:  # (a table saved with the dataset, as the demo's are)
        st.caption(t(f"{words}.current.demo"))
        return
    st.success(t(f"{words}.current", rows=report["rows_loaded"], file=report["file"], name=info["name"]))
    _metrics({f"{words}.metric.rows_in": ui.number(report["rows_in"]),
              f"{words}.metric.loaded": ui.number(report["rows_loaded"]),
              f"{words}.metric.quarantined": ui.number(report["rows_quarantined"])})
    for note in report.get("notes", []):
        st.info(_in_language(note), icon=":material/info:")
    if uploaded is not None:
        _side_mapping(table, words, uploaded.file_id, report["mapping"], report.get("columns", []), roles, role_text)
    with ui.workspace().ibis_table(dataset, f"{table}_quarantine") as quarantine:
        rejected = ui.run(data.quarantine, quarantine)
    if rejected.rows:
        st.caption(t(f"{words}.reasons"))
        reasons = ui.shown(rejected.reasons)
        st.dataframe(reasons, hide_index=True, column_config=ui.columns(reasons))
        ui.download_csv(lambda: ui.shown_quarantine(data.dataset_quarantine_rows(ui.workspace(), dataset,
                                                                                  f"{table}_quarantine")),
                        f"{table}-set-aside.csv", key=f"dl-{table}-quarantine")


def _side_mapping(table: str, words: str, file_id: str, mapping: dict, columns: list[str], roles: tuple[str, ...],
                  role_text) -> None:
    """The roles a side table's columns were read as, to change and read the file again."""
    t = ui.text
    st.caption(t(f"{words}.mapping.lead", columns=t("join.list").join(
        t("journeys.data.column", role=role_text(role), header=header) for role, header in mapping.items())))
    with st.expander(t(f"{words}.mapping.change"), icon=":material/tune:"):
        options = [None, *columns]
        with st.form(f"{table}-mapping-{file_id}"):
            cols = st.columns(4)
            for i, role in enumerate(roles):
                cols[i % 4].selectbox(role_text(role), options,
                                      index=options.index(mapping.get(role)) if mapping.get(role) in options else 0,
                                      format_func=lambda c: t("data.mapping.not_in_file") if c is None else c,
                                      key=f"{table}-map-{file_id}-{role}")
            st.form_submit_button(t(f"{words}.mapping.apply"), on_click=_apply_side_mapping,
                                  args=(table, file_id, roles))


def _apply_side_mapping(table: str, file_id: str, roles: tuple[str, ...]) -> None:
    st.session_state[f"{table}-overrides-{file_id}"] = {
        r: st.session_state[f"{table}-map-{file_id}-{r}"] for r in roles}


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
    st.markdown(ui.text("connect.columns"))
    with st.form(f"connect-mapping-{source}"):
        cols = st.columns(4)
        for i, role in enumerate(io.CANONICAL):
            cols[i % 4].selectbox(_role(role) + (" *" if role in sources.REQUIRED else ""), options,
                                  index=options.index(columns.suggested.get(role)), key=f"connect-map-{source}-{role}",
                                  format_func=lambda c: ui.text("connect.not_in_table") if c is None else c,
                                  help=_role_help(role))
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
    missing = pd.DataFrame({"mapped_role": [_role(r) for r in found.missing], "lines": list(found.missing.values())})
    ui.result_table(missing[missing["lines"] > 0], "connect-missing.csv", caption=t("connect.missing"))



st.title(ui.text("data.title"))
if saved := st.session_state.pop("saved_message", None):
    st.success(ui.text("data.saved", name=saved))
with (st.expander(ui.text("data.upload.expander"), expanded=True, icon=":material/upload:", key="exp-upload"),
      ui.section()):
    upload_section()
with (st.expander(ui.text("connect.title"), expanded=ui.connection() is not None, icon=":material/cable:",
                 key="exp-connect"), ui.section()):
    connect_section()
with (st.expander(ui.text("events.title"), icon=":material/ads_click:", key="exp-events"), ui.section()):
    events_section()
with (st.expander(ui.text("spend_upload.title"), icon=":material/campaign:", key="exp-spend"), ui.section()):
    spend_section()
with ui.section():
    profile_section()
manage_section()
