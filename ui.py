"""Streamlit glue shared by every page: the workspace, the active dataset, language, downloads,
errors and "save to report". Pages stay thin by calling these; promo_core never sees streamlit."""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import inspect
import json
import logging
import os
import sys
import time
import uuid
from collections.abc import Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from types import ModuleType
from typing import Callable

import numpy as np

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.errors import StreamlitAPIException

from promo_core import auth, i18n
from promo_core import text as catalogue
from promo_core.engine import ByteCache, release_memory, sources
from promo_core.errors import DataError
from promo_core.export import to_csv_bytes, to_excel_bytes
from promo_core.io import quarantine_messages, read_table
from promo_core.store import Workspace, workspace_path
from promo_core.text import Message


@st.cache_resource(show_spinner=False)
def _workspace(path: str) -> Workspace:
    return Workspace(path)


def workspace() -> Workspace:
    """The shared workspace (one object per workspace file, never mutated by pages)."""
    return _workspace(str(workspace_path()))


ENTRY = "app.py"
_AFTER_SIGN_IN = "page_asked_before_sign_in"
_SIGNED_IN = "signed_in_with"  # session key: the team password this session signed in with
LOG = logging.getLogger("promolens.auth")


@dataclass(frozen=True)
class _Gate:
    """How this deployment signs people in: ``method`` None (open), "oidc" or "password"; a
    ``problem`` keeps the app closed until secrets.toml is fixed."""

    method: str | None
    password: auth.TeamPassword | None = None
    problem: DataError | None = None


def _gate() -> _Gate:
    try:
        oidc, team = st.secrets.get("auth"), st.secrets.get("promolens")
    except FileNotFoundError as exc:  # no secrets file, or one that cannot be read
        if getattr(exc, "error_id", None) == "no-secrets-found":
            return _Gate(None)
        return _Gate(None, problem=DataError(Message("auth.error.secrets_unreadable")))
    if oidc is not None:
        return _Gate("oidc")
    try:
        password = auth.team_password(team)
    except DataError as exc:
        return _Gate("password", problem=exc)
    return _Gate("password", password) if password else _Gate(None)


def signed_in() -> bool:
    """Whether this session may see the app: signed in, or the deployment asks for no sign-in."""
    gate = _gate()
    if gate.problem is not None:
        return False
    if gate.method == "oidc":
        return st.user.get("is_logged_in") is True
    if gate.method == "password":
        return st.session_state.get(_SIGNED_IN) == gate.password.value  # a new password signs everyone out
    return True


def sign_in_navigation(pages: list) -> st.Page:
    """The navigation for a signed-out session: every page's address (and any other) runs the
    sign-in and nothing else. Addresses are kept, so signing in at /reports opens the Reports page."""
    return st.navigation([st.Page(sign_in_page, title=text("app.sign_in"), url_path=p.url_path or None,
                                  default=not p.url_path) for p in pages], position="hidden")


def guard_page() -> None:
    """The first line of every page file. Until some session has run app.py, Streamlit answers a
    page's address by running the page file on its own (its pages/ folder fallback), past app.py's
    sign-in: signed out, such a run goes to app.py instead, and the page asked for opens once the
    visitor has signed in (``resume_page``)."""
    if not signed_in():
        page = os.path.basename(sys._getframe(1).f_globals.get("__file__", ""))
        if page.endswith(".py"):
            st.session_state[_AFTER_SIGN_IN] = f"pages/{page}"
        st.switch_page(ENTRY)


def resume_page() -> None:
    """Signed in: open the page whose own address the visitor came by before signing in (the
    address itself was lost when ``guard_page`` went to app.py)."""
    asked = st.session_state.pop(_AFTER_SIGN_IN, None)
    if asked is not None:
        st.switch_page(asked)


def sign_in_page() -> None:
    """What a signed-out visitor sees: the sign-in, and nothing of the app or its data."""
    st.title("PromoLens")
    gate = _gate()
    if gate.problem is not None:
        st.error(gate.problem.text(lang()), icon="🔒")
    elif gate.method == "oidc":
        st.info(text("app.sign_in.please"))
        st.button(text("app.sign_in"), on_click=_oidc_login, type="primary")
        if st.session_state.get("login_unavailable"):
            st.error(text("app.sign_in.not_set_up"))
    else:
        _password_form()


def _password_form() -> None:
    with st.form("login"):
        st.text_input(text("app.sign_in.password"), type="password", key="login_password", max_chars=256)
        st.form_submit_button(text("app.sign_in"), type="primary", on_click=_check_password)
    attempt = st.session_state.get("login_attempt")
    if attempt is None or attempt.ok:
        return
    if attempt.refused:
        st.error(text("app.sign_in.refused", wait=attempt.wait))
    else:
        st.error(text("app.sign_in.wrong", wait=attempt.wait))


def _check_password() -> None:
    given = st.session_state.pop("login_password", "") or ""
    gate = _gate()
    if gate.password is None or gate.problem is not None:
        return
    session = st.session_state.setdefault("login_session", uuid.uuid4().hex)
    address = st.context.ip_address  # None from this machine; AppTest hands a stand-in object
    attempt = auth.sign_in(gate.password, given, session=session, address=address if isinstance(address, str) else None)
    st.session_state["login_attempt"] = attempt
    if attempt.ok:
        st.session_state[_SIGNED_IN] = gate.password.value


def _oidc_login() -> None:
    try:
        st.login()
    except StreamlitAPIException as exc:  # an incomplete [auth] section
        LOG.error("Sign-in through [auth] is not possible: %s", exc)
        st.session_state["login_unavailable"] = True


def account_sidebar() -> None:
    """For a signed-in session: who is signed in, a way to sign out, and a nudge to replace a team
    password kept in an old, weak form."""
    gate = _gate()
    if gate.method is None:
        return
    with st.sidebar:
        if gate.method == "oidc":
            who = st.user.get("name") or st.user.get("email")
            st.caption(text("app.signed_in_as", who=who))
            st.button(text("app.sign_out"), on_click=st.logout)
            return
        st.button(text("app.sign_out"), on_click=st.session_state.pop, args=(_SIGNED_IN, None))
        if gate.password.kind != "scrypt":
            _log_weak_password(gate.password.kind)
            st.warning(text("app.weak_password"),
                       icon="🔑")


@functools.cache
def _log_weak_password(kind: str) -> None:
    LOG.warning("The team password in secrets.toml is stored as %s; replace it with a password_hash from "
                "'python -m promo_core hash-password'", "plain text" if kind == "plain" else "an unsalted SHA-256")


def lang() -> str:
    """The interface language chosen in the sidebar: 'en' or 'zh'."""
    return st.session_state.get("lang", "en")



def currency() -> str:
    """The currency symbol chosen in the sidebar."""
    return st.session_state.get("currency", "£")


def money(x: float, digits: int = 2) -> str:
    """An amount in the configured currency, formatted for the interface language."""
    return i18n.fmt_money(x, currency(), digits, lang())


def number(x: float, digits: int = 0) -> str:
    """A number formatted for the interface language."""
    return i18n.fmt_number(x, digits, lang())


def text(message: Message | str, **values) -> str:
    """A catalogue message (a ``Message``, or an id with its ``values``) in the interface language,
    amounts in the chosen currency."""
    if isinstance(message, str):
        message = Message(message, **values)
    return catalogue.render(message, lang(), currency())


def names(kind: str, codes) -> dict:
    """``{code: display name}`` of codes of one kind of term (segment, channel_type ...)."""
    return catalogue.terms(kind, codes, lang())


def chart_labels(chart: str, **values) -> dict[str, str]:
    """The words of a chart of ``promo_core.charts`` in the interface language (its title, axis
    titles with units, legend and hover words), rendered with ``values``."""
    return catalogue.chart_labels(chart, lang(), currency(), **values)


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """A result table as the reader sees it: messages in words, codes (segments ...) by their names."""
    return catalogue.render_frame(frame, lang(), currency())


def shown_quarantine(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows as the reader sees them: each reason (a code with its values) in words."""
    return shown(quarantine_messages(quarantine))


def keep_choices_as_codes() -> None:
    """On a language switch (a callback, before the page runs): set every widget's value again to
    the code it holds now. Why: a select box sends the browser's label back, and Streamlit 1.67
    returns a label that matches none of the new language's labels as the value itself
    (``SelectboxSerde.deserialize``), so "自动" would reach an analysis instead of "auto". A value
    set from a callback is the code, and the widget shows it in the new language."""
    state = st.session_state
    for key in list(state.keys()):
        value = state[key]
        # (only choices, which are texts: a button's or an upload's value may not be set by a script)
        if isinstance(value, str) or (isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)):
            state[key] = value


def dataset_id() -> str | None:
    """The id of the dataset picked in the sidebar, or None when the workspace is empty."""
    return st.session_state.get("dataset_id")


def set_dataset(dataset: str) -> None:
    """Make a dataset the active one (from a callback, before the sidebar is drawn again)."""
    st.session_state["dataset_id"] = dataset


_CONNECTION = "connection"  # session key: (SourceSpec, when it was opened) of the active connection, if any


def connect_settings() -> sources.Settings:
    """What this deployment lets Connect reach: named connections, data folders and hosts, from
    secrets.toml (``[connect]``, ``[connections.*]``) and the environment."""
    try:
        secrets = {key: st.secrets[key].to_dict() for key in ("connect", "connections") if key in st.secrets}
    except FileNotFoundError:  # no secrets file: the environment alone
        secrets = {}
    return sources.Settings.from_config(secrets)


def connection() -> sources.SourceSpec | None:
    """The connection every migrated page analyses instead of a workspace dataset, if one is active."""
    active = st.session_state.get(_CONNECTION)
    return None if active is None else active[0]


def use_connection(spec: sources.SourceSpec | None) -> None:
    """Make a connected source the active one (None: the workspace's datasets again). Opening it
    again starts its results afresh where the engine cannot tell when the table changed."""
    st.session_state[_CONNECTION] = None if spec is None else (spec, time.time_ns())


def needs_uploaded_dataset() -> None:
    """For a page not yet able to run on a connection: while one is active, say so and stop."""
    spec = connection()
    if spec is not None:
        st.info(text("connect.needs_upload", source=spec.label), icon=":material/cable:")
        st.button(text("connect.stop"), key="connect-stop-page", on_click=use_connection, args=(None,))
        st.stop()


# What the server keeps of users' tables in memory, all sessions together (PROMO_MEMORY_CACHE_MB).
MEMORY_CACHE_BYTES = int(os.environ.get("PROMO_MEMORY_CACHE_MB", "1536")) << 20


def _bytes_of(value) -> int:
    """The memory of a table, or of an upload's LoadResult (its data and quarantine)."""
    frames = [value] if isinstance(value, pd.DataFrame) else [value.data, value.quarantine]
    return int(sum(f.memory_usage(index=True, deep=True).sum() for f in frames))


@st.cache_resource(show_spinner=False)
def shared_frames() -> ByteCache:
    """Tables (and uploads being reviewed) held in memory for every session, within a budget in bytes.

    Why not ``st.cache_data``: it pickles each entry and hands every call a fresh unpickled copy,
    so one page run held the order lines several times over, and ``max_entries`` counts entries
    whatever their size. Here a table is read once and shared; pages must not change it in place
    (``load_table`` gives each caller its own copy-on-write view).
    """
    return ByteCache(MEMORY_CACHE_BYTES, _bytes_of)


def _table(path: str, dataset: str, table: str, created_at: str) -> pd.DataFrame:
    """A dataset's table, read from the workspace once and then shared (``shared_frames``)."""
    def read() -> pd.DataFrame:
        frame = _workspace(path).load_table(dataset, table)
        release_memory()  # (what the read left behind)
        return frame

    return shared_frames().get_or_make(("table", path, dataset, table, created_at), read)


def load_table(table: str = "transactions", dataset: str | None = None) -> pd.DataFrame | None:
    """A table of the active dataset (cached per dataset), or None when the dataset lacks it.

    The frame shares its memory with every other caller's; under pandas' copy-on-write any change
    a page makes to it copies what it changes, so the shared table stays as it was.
    """
    if table == "transactions" and dataset in (None, dataset_id()):
        needs_uploaded_dataset()
    dataset = dataset or dataset_id()
    if dataset is None:
        return None
    info = workspace().dataset(dataset)
    if table not in info["tables"]:
        return None
    with st.spinner(text("app.loading_table", table=table)):
        return _table(str(workspace_path()), dataset, table, _version(info, table)).copy(deep=False)


def _version(info: dict, table: str) -> str:
    """When a dataset's table was written: its own version when added later (``Workspace.add_tables``:
    spend or events uploaded on the Data page), else the dataset's; a replaced table is read again."""
    return str(info["report"].get("table_versions", {}).get(table, info["created_at"]))


SIDE_TABLES = ("products", "warehouses", "stores", "campaign", "customers", "spend", "events", "reviews")


def side_table(table: str) -> pd.DataFrame | None:
    """A small side table of the active dataset (products, warehouses, stores, campaign,
    customers), or None when the dataset has none: what a page turns into an analysis' settings
    (a network to plan, unit costs). Never the order lines: those reach a page only as a Result."""
    if table not in SIDE_TABLES:
        raise ValueError(f"{table!r} is not a side table ({', '.join(SIDE_TABLES)})")
    return load_table(table)


def dataset_table(table: str) -> tuple[pd.DataFrame, str] | None:
    """A side table of the active dataset (``side_table``) with a key naming its content (the
    dataset's version), or None: the key lets an analysis' settings hold the table without hashing it."""
    frame = side_table(table)
    if frame is None:
        return None
    dataset = dataset_id()
    return frame, f"dataset:{dataset}@{_version(workspace().dataset(dataset), table)}:{table}"


def read_upload(uploaded, read: Callable | None = None, *args):
    """An uploaded file that is not sales lines (a campaign, a recipient list, sites, costs) as the
    promo_core reader ``read(uploaded, *args)`` gives it (default ``io.read_table``: a ``RawTable``),
    read once per file and kept in ``shared_frames``, never as bytes, so a rerun reads nothing
    again. A file that cannot be read is explained (``run``)."""
    read = read_table if read is None else read
    protect = _side_upload_key()
    key = ("upload", uploaded.file_id, f"{read.__module__}.{read.__qualname__}", args, protect is not None)
    kept = shared_frames().get_or_make(key, lambda: _protected(run(read, uploaded, *args), protect))
    return kept.copy(deep=False) if isinstance(kept, pd.DataFrame) else kept


def _side_upload_key() -> bytes | None:
    """The pseudonymisation key when side uploads must be protected: privacy mode "force", or an
    active dataset stored protected (its customer ids are pseudonyms, so a recipient list's must
    be too); None otherwise."""
    from promo_core import privacy

    dataset = dataset_id() if connection() is None else None
    info = workspace().dataset(dataset) if dataset is not None else None
    if privacy.mode() == "force" or (info is not None and info["report"].get("privacy")):
        return privacy.load_key()
    return None


def side_uploads_protected() -> bool:
    """Whether a page's own tables must be protected as side uploads are (``_side_upload_key``):
    the Voice page redacts its demo texts then."""
    return _side_upload_key() is not None


def _protected(read, key: bytes | None):
    """What a side upload's reader gave, protected (``privacy.protect_table``) when ``key`` is given:
    a frame, or a ``RawTable``'s rows and its quarantine (whose reasons could quote a line)."""
    from promo_core import privacy

    if key is None:
        return read
    if isinstance(read, pd.DataFrame):
        return privacy.protect_table(read, key)[0]
    if dataclasses.is_dataclass(read) and isinstance(getattr(read, "data", None), pd.DataFrame):
        quarantine = getattr(read, "quarantine", None)
        changes = {"data": privacy.protect_table(read.data, key)[0]}
        if isinstance(quarantine, pd.DataFrame):
            changes["quarantine"] = privacy.protect_table(quarantine, key)[0]
        return dataclasses.replace(read, **changes)
    return read


def upload_note(raw, page: str, filename: str | None = None) -> None:
    """What reading a side upload gave (``<page>.data.read`` and ``<page>.data.unreadable``), and the
    lines it could not read, with their reasons in words, to download (``filename``) or, without
    one, as a table: one mechanism for every page's upload, so no page offers reason codes."""
    note = text(f"{page}.data.read", rows=raw.rows_in, file=raw.file)
    if len(raw.quarantine):
        note += text(f"{page}.data.unreadable", rows=len(raw.quarantine))
    st.caption(note)
    if len(raw.quarantine):
        rejected = shown_quarantine(raw.quarantine)
        if filename is None:
            table(rejected, f"{page}-unreadable-lines.csv")
        else:
            download_csv(rejected, filename)


def upload_key(uploaded) -> str:
    """A key naming an upload's content (its SHA-256): the same file uploaded again gives the same
    results, and an analysis' settings can hold the table without hashing it."""
    return f"upload:{hashlib.sha256(uploaded.getbuffer()).hexdigest()}"


def require_dataset() -> str:
    """The active source's id: the active dataset's, when it has sales lines, or the active
    connection's (``sources.SourceSpec.id``); stops the page with guidance when there is neither
    (without reading a line: the workspace's catalogue knows)."""
    spec = connection()
    if spec is not None:
        return spec.id
    dataset = dataset_id()
    info = workspace().dataset(dataset) if dataset is not None else None
    if info is None or "transactions" not in info["tables"] or not info["n_rows"]:
        st.info(text("app.no_sales"))
        st.stop()
    return dataset


_ERRORS = logging.getLogger("promolens.ui")
_IN_SECTION: ContextVar[bool] = ContextVar("promolens_in_section", default=False)


class _SectionFailed(Exception):
    """Raised by ``run`` inside a ``section`` once the reason is shown: it ends that section only."""


def show_error(exc: Exception) -> None:
    """Show why a computation failed.

    A DataError's message, in the interface language, says what is wrong with the data. Anything
    else is a bug whose text can hold SQL, file paths or data, so the user gets a plain apology
    with a short incident reference and the full traceback goes to the server's log (``logging``,
    logger ``promolens.ui``) under the same reference.
    """
    if isinstance(exc, DataError):
        show_problem(exc.message)
        return
    incident = uuid.uuid4().hex[:8]
    _ERRORS.error("incident %s: a computation failed on a page", incident, exc_info=exc)
    show_problem(Message("error.unexpected", incident=incident))


def show_problem(message: Message) -> None:
    """Show why a part of a page is missing (a ``Result.problems`` entry, a DataError's message)."""
    st.error(text(message), icon="⚠️")


@contextmanager
def section():
    """One part of a page (a tab, a panel) that fails on its own: when its computation fails it
    shows why (``show_error``) and the rest of the page carries on. ``with tab, ui.section():``"""
    token = _IN_SECTION.set(True)
    try:
        yield
    except _SectionFailed:  # run() has shown the reason already
        pass
    except Exception as exc:  # anything else that breaks the section, say so there
        show_error(exc)
    finally:
        _IN_SECTION.reset(token)


def lazy_tabs(key: str, labels: dict[str, str], page: str | None = None, keep: tuple = ()) -> list[tuple]:
    """Tabs whose content runs only while the tab is open (Streamlit's ``on_change="rerun"``).

    Why: on 20 million lines the Segments page computed all its tabs before the first number
    showed. Here a page computes a tab's part when the tab is first opened (``run_analysis`` keeps
    it). The open tab is remembered by its code, so it stays open when the language changes its
    label; on the run in which ``page``'s "Save to report" is clicked every tab counts as open, so
    the saved analysis holds every section.

    Parameters
    ----------
    key : str
        Session key of the tabs (the open tab's label; ``key + "-code"``: its code).
    labels : dict
        Tab code -> label, in the order shown.
    page : str, optional
        The page's name in ``save_to_report``.
    keep : tuple of str
        Keys of the tabs' widgets whose values outlive a closed tab (Streamlit forgets the value of
        a widget a run does not draw): a choice made in a tab is still there when it is reopened.

    Returns
    -------
    list of (container, bool)
        Each tab's container and whether its content should run.
    """
    state, code_key = st.session_state, f"{key}-code"
    for widget in keep:
        if widget in state:
            state[widget] = state[widget]
    by_label = {label: code for code, label in labels.items()}
    if state.get(key) in by_label:
        state[code_key] = by_label[state[key]]
    if state.get(code_key) in labels:  # (set again: the tabs are another widget once their labels change language)
        state[key] = labels[state[code_key]]
    tabs = st.tabs(list(labels.values()), key=key, on_change="rerun")
    everything = page is not None and saving_to_report(page)
    return [(tab, everything or bool(tab.open)) for tab in tabs]


def lazy_expander(label: str, key: str):
    """An expander whose content the page draws only while it is open (``.open``; Streamlit's
    ``on_change="rerun"``); it stays open when the language changes its label.

    Why: a closed expander's tables are still sent to the browser on every run (every series' weekly
    forecast on the Logistics page: half a second of each rerun on 20 million lines)."""
    state = st.session_state
    if key in state:  # (set again: the expander is another widget once its label changes language)
        state[key] = state[key]
    return st.expander(label, key=key, on_change="rerun")


class ClosedTab:
    """Stands in for ``st`` (and its columns and expanders) in a closed tab of ``lazy_tabs`` whose
    settings another tab uses: each widget draws nothing and returns the value it keeps in the session
    (``lazy_tabs(keep=)``) or, never drawn yet, the value it would start with; texts draw nothing.
    So one function reads a tab's settings, drawn or not, with the same defaults:
    ``settings(st if is_open else ui.ClosedTab())``. Widgets must have a key."""

    _TEXTS = ("caption", "info", "markdown", "subheader", "warning", "write")

    def __getattr__(self, name: str):
        if name in self._TEXTS:
            return lambda *args, **kwargs: None
        if name in ("selectbox", "slider", "select_slider", "number_input", "date_input", "toggle", "checkbox",
                    "multiselect", "text_input", "radio"):
            return functools.partial(self._widget, name)
        raise AttributeError(name)

    def columns(self, spec, **kwargs) -> list[ClosedTab]:
        return [self] * (spec if isinstance(spec, int) else len(spec))

    def expander(self, *args, **kwargs) -> ClosedTab:
        return self

    def __enter__(self) -> ClosedTab:
        return self

    def __exit__(self, *exc) -> bool:
        return False

    @staticmethod
    def _widget(kind: str, *args, **kwargs):
        bound = inspect.signature(getattr(st, kind)).bind(*args, **kwargs)
        bound.apply_defaults()
        given = bound.arguments
        if given["key"] is None:
            raise ValueError(f"a closed tab reads only widgets with a key ({kind} {given['label']!r})")
        if given["key"] in st.session_state:
            return st.session_state[given["key"]]
        if kind in ("selectbox", "radio"):
            return None if given["index"] is None else list(given["options"])[given["index"]]
        if kind == "multiselect":
            return list(given["default"] or [])
        if kind == "select_slider" and given["value"] is None:
            return list(given["options"])[0]
        if kind in ("slider", "number_input") and given["value"] in (None, "min"):
            return given["min_value"]
        return given["value"]


def saving_to_report(page: str) -> bool:
    """Whether this is the run in which ``page``'s "Save to report" (``save_to_report``) was clicked:
    what only the saved analysis holds (a chart not shown, a full table) need be built only then."""
    return bool(st.session_state.get(f"save-btn-{page}"))


def run(compute: Callable, *args, **kwargs):
    """Call a promo_core function; when it fails show why (``show_error``) and stop the page, or
    only the ``section`` it runs in."""
    try:
        return compute(*args, **kwargs)
    except Exception as exc:
        show_error(exc)
        if _IN_SECTION.get():
            raise _SectionFailed from None
        st.stop()


# Results of analyses kept for every session (PROMO_RESULT_CACHE_MB): aggregates, never order lines,
# but per customer they add up: the Segments result of 2.5 million customers is ~1.4 GB.
RESULT_CACHE_BYTES = int(os.environ.get("PROMO_RESULT_CACHE_MB", "2048")) << 20


def _deep_bytes(value) -> int:
    """The memory of a Result: its tables, arrays and nested results."""
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=True).sum())
    if isinstance(value, pd.Series):
        return int(value.memory_usage(index=True, deep=True))
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(_deep_bytes(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, Mapping):
        return sum(_deep_bytes(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_deep_bytes(v) for v in value)
    return sys.getsizeof(value)


@st.cache_resource(show_spinner=False)
def analysis_results() -> ByteCache:
    """Results of analyses shared by every session, within ``RESULT_CACHE_BYTES``, keyed by the
    analysis, the dataset and its version, and the params: never by the language or currency, so
    a rerun that changes no computation (a tab, an expander, the language) touches no engine; the
    largest result is kept beyond the budget rather than made again on every rerun."""
    return ByteCache(RESULT_CACHE_BYTES, _deep_bytes, keep_oversized=True)


def run_analysis(analysis: ModuleType, params, table: str = "transactions"):
    """The Result of ``analysis.run`` (a module of ``promo_core.analyses``) on the active source: the
    active dataset, or the active connection (``use_connection``); ``table``: another table of the
    active dataset (its browsing ``events``), versioned by when it was written.

    The first call for a source version and params runs it on the source's Ibis table (the
    per-line work stays in the workspace's DuckDB, or in the connected engine) under a spinner that
    names each step; later calls, from any session, return the kept Result. A dataset's version is
    when it was saved; a connected file's, its files' sizes and times; a Spark or database table's,
    when it was opened. The key names a connection and table, never a credential. When the
    analysis raises (its data cannot support even its first step) the reason is shown and the page
    stops, or only the ``section`` it runs in.
    """
    source = run(_active_source, table)
    return _kept((analysis.__name__, *source.key, params), lambda: _run_on(analysis, source.open, params))


def run_analysis_on(analysis: ModuleType, params, source_key: tuple, source: pd.DataFrame):
    """The Result of ``analysis.run`` on a table that is not a workspace dataset (a page's own
    upload, such as the Pricing page's pricing data), kept like ``run_analysis``'s under
    ``source_key`` (what identifies the table: the upload and how it was read)."""
    return _kept((analysis.__name__, "source", source_key, params),
                 lambda: _run_on(analysis, lambda: nullcontext(source), params))


def _kept(key: tuple, compute: Callable):
    """The Result kept under ``key`` for every session, or ``compute()``'s, then kept."""
    slot = st.empty()  # on every run, kept or not: what follows keeps its place (an open tab stays open)
    result = analysis_results().get(key)
    if result is None:
        with slot.container():
            result = run(compute)
        slot.empty()
        analysis_results().put(key, result)
    return result


def dataset_unit_costs():
    """The active dataset's unit costs (its products table's product_id and unit_cost, as a
    ``pricing.UnitCostList``), or None when it has no such table."""
    from promo_core.pricing import UnitCostList

    products = load_table("products")
    if products is None or not {"product_id", "unit_cost"} <= set(products.columns):
        return None
    return run(UnitCostList.from_frame, products)


@dataclass(frozen=True)
class _Source:
    """The active source: what identifies it in a cache key, and how to open its sales table."""

    key: tuple
    open: Callable[[], AbstractContextManager]


def _active_source(table: str = "transactions") -> _Source:
    active = st.session_state.get(_CONNECTION)
    if active is not None and table == "transactions":
        spec, opened = active
        settings = connect_settings()
        version = sources.version(spec, settings)
        return _Source(("connection", spec, version if version is not None else opened),
                       lambda: sources.open_sales(spec, settings))
    dataset = dataset_id()
    info = workspace().dataset(dataset)
    key = ("dataset", str(workspace_path()), dataset, str(info["created_at"]))
    if table != "transactions":  # (a table attached later, such as events, has its own version)
        key = (*key, table, info["report"].get("table_versions", {}).get(table))
    return _Source(key, lambda: workspace().ibis_table(dataset, table))


def _run_on(analysis: ModuleType, open_sales: Callable[[], AbstractContextManager], params):
    step = st.empty()
    with st.spinner(text("analysis.running")), open_sales() as sales:
        return analysis.run(sales, params, progress=lambda message: step.caption(text(message)))


# How a column's numbers read on screen (what is downloaded keeps the plain values); a column not
# named here shows as it is. "money0" / "money2": an amount in the chosen currency.
COLUMN_FORMATS = {
    "customers": "localized", "customer_share": "percent", "revenue": "money0", "revenue_share": "percent",
    "median_recency_days": "%.0f", "mean_frequency": "%.1f", "mean_monetary": "money2", "cluster": "%d",
    "share": "percent", "recency_days": "%.0f", "frequency": "%.0f", "monetary": "money2",
    "discount_share": "percent", "mean_p_alive": "percent", "mean_clv": "money2", "total_clv": "money0",
    "falling_customers": "localized", "value_at_risk": "money0", "share_of_start": "percent",
    "revenue_before": "money0", "revenue_between": "money0", "revenue_per_customer": "money2",
    **{c: "percent" for c in ("rel_lift", "rel_lift_low", "rel_lift_high", "narrower_by", "uplift_at_k", "ate",  # Coupons
                              "gain_over_all", "predicted_uplift", "expected_uplift", "cost_per_sales")},
    "p_value": "%.2g", "p_value_holm": "%.2g",  # 3e-15 stays 3e-15, not 0.000
    "n": "localized", "mean": "%.2f", "correlation": "%.2f",  # Coupons' lifts (rates in points) and CUPED; rules' lift
    **{c: "%.2f" for c in ("lift", "lift_low", "lift_high", "lift_cuped", "lift_cuped_low", "lift_cuped_high",
                           "ci_width", "ci_width_cuped")},
    **{c: "money0" for c in ("total_spend", "contribution", "contribution_low", "contribution_high",  # Marketing
                             "current_spend", "min_spend", "max_spend", "proposed_spend", "current_revenue",
                             "proposed_revenue")},
    **{c: "%.2f" for c in ("roas", "roas_low", "roas_high", "marginal_roas", "marginal_roas_low",
                           "marginal_roas_high", "roas_before", "roas_after", "roas_low_after", "roas_high_after")},
    "half_life": "%.1f",
    **{c: "percent" for c in ("view_rate", "cart_rate", "conversion", "conversion_low", "conversion_high",  # Journeys
                              "browse_to_buy", "browse_to_buy_low", "browse_to_buy_high", "cart_abandonment",
                              "cart_abandonment_low", "cart_abandonment_high", "drop_off", "zero_result_share",
                              "no_purchase_share", "view_to_buy", "view_to_buy_low", "view_to_buy_high")},
    "days_ago": "%.0f",
    **{c: "localized" for c in ("sessions", "viewed", "carted", "purchased", "viewed_purchased", "carted_purchased",
                                "searches", "zero_results", "sessions_bought", "view_sessions", "bought_sessions",
                                "items")},
    **{c: "money2" for c in ("expected_cost", "expected_incremental_profit", "redemption_cost", "liability")},
}
_SHARE_PREFIXES = ("channel: ", "category: ")  # customer_features' share columns


def money_format(digits: int = 2) -> str:
    """A table column's format for amounts in the chosen currency, thousands separated
    (``£1,343,391``: without the separator a manager counts digits)."""
    return currency().replace("%", "%%") + f"%,.{digits}f"


def columns(frame: pd.DataFrame) -> dict:
    """``st.column_config`` for a result table: headings from the catalogue in the interface
    language, numbers as ``COLUMN_FORMATS`` says."""
    config = {}
    for col in frame.columns:
        fmt = "percent" if str(col).startswith(_SHARE_PREFIXES) else COLUMN_FORMATS.get(col)
        title = catalogue.column_title(col, lang())
        if fmt in ("money0", "money2"):
            fmt = money_format(int(fmt[-1]))
        config[col] = (st.column_config.NumberColumn(title, format=fmt) if fmt is not None
                       else st.column_config.Column(title))
    return config


def result_table(frame: pd.DataFrame, filename: str, caption: str | None = None, height: int | None = None) -> None:
    """A result table as the reader sees it (``shown``, ``columns``) with its download button."""
    frame = shown(frame)
    table(frame, filename, caption=caption, height=height, column_config=columns(frame))


def download_csv(frame: pd.DataFrame | Callable[[], pd.DataFrame], filename: str, label: str | None = None,
                 key: str | None = None, deferred: bool = False) -> None:
    """A download button for a table as a formula-safe CSV (``deferred``, or a function making the
    table: made only when clicked, for big tables that would slow every rerun)."""
    if callable(frame):
        make, deferred = frame, True
    else:
        make = lambda: frame  # noqa: E731
    data = (lambda: to_csv_bytes(make())) if deferred else to_csv_bytes(frame)
    st.download_button(label or text("app.download_csv"), data, file_name=filename,
                       mime="text/csv", key=key or f"dl-{filename}", icon=":material/download:")


def download_excel(sheets: dict[str, pd.DataFrame] | Callable[[], dict[str, pd.DataFrame]], filename: str,
                   label: str | None = None, key: str | None = None, deferred: bool = False) -> None:
    """A download button for tables as a formatted, formula-safe Excel workbook (``deferred``, or a
    function making the sheets: made only when clicked)."""
    money = currency()
    if callable(sheets):
        make, deferred = sheets, True
    else:
        make = lambda: sheets  # noqa: E731
    data = (lambda: to_excel_bytes(make(), currency=money)) if deferred else to_excel_bytes(sheets, currency=money)
    st.download_button(label or text("app.download_excel"), data,
                       file_name=filename,
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=key or f"dl-{filename}", icon=":material/download:")


def table(frame: pd.DataFrame, filename: str, caption: str | None = None, height: int | None = None,
          column_config: dict | None = None) -> None:
    """A table with its download button underneath (every table on screen can be taken away)."""
    if caption:
        st.caption(caption)
    st.dataframe(frame, hide_index=True, width="stretch", height=height or "auto", column_config=column_config)
    download_csv(frame, filename)


def chart(fig: go.Figure, key: str | None = None) -> None:
    """A Plotly chart at full width."""
    st.plotly_chart(fig, width="stretch", key=key)


def save_to_report(page: str, default_name: str, *, params: dict | None = None,
                   tables: dict[str, pd.DataFrame] | None = None, figures: dict[str, go.Figure] | None = None,
                   notes: list[str] | None = None) -> None:
    """An expander that saves the page's current analysis into the workspace for the Reports page."""
    with st.expander(text("app.save.heading"), icon=":material/bookmark_add:", key=f"exp-save-{page}"):
        name = st.text_input(text("app.save.name"), value=default_name, key=f"save-name-{page}")
        if st.button(text("app.save.button"), key=f"save-btn-{page}"):
            try:
                workspace().save_analysis(
                    name, page, dataset_id=dataset_id() if connection() is None else None, params=params, tables=tables,
                    figures={k: f.to_json() for k, f in (figures or {}).items()}, notes=notes)
                st.success(text("app.save.saved", name=name))
            except DataError as exc:
                show_error(exc)


def params_json(params: dict) -> str:
    """Parameters as a stable string, for cache keys and saved analyses."""
    return json.dumps(params, sort_keys=True, default=str)
