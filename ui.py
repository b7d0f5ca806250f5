"""Streamlit glue shared by every page: the workspace, the active dataset, language, downloads,
errors and "save to report". Pages stay thin by calling these; promo_core never sees streamlit."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from promo_core import i18n
from promo_core.errors import DataError
from promo_core.export import to_csv_bytes, to_excel_bytes
from promo_core.store import Workspace, workspace_path


@st.cache_resource(show_spinner=False)
def _workspace(path: str) -> Workspace:
    return Workspace(path)


def workspace() -> Workspace:
    """The shared workspace (one object per workspace file, never mutated by pages)."""
    return _workspace(str(workspace_path()))


def _secret(section: str, key: str | None = None):
    """A value from .streamlit/secrets.toml, or None when there is no such file or entry."""
    try:
        value = st.secrets[section]
        return value[key] if key is not None else value
    except Exception:  # no secrets file, or no such entry: the feature is simply off
        return None


def require_login() -> None:
    """Stop the page until the user is signed in, when the deployment asks for it.

    Two ways, both configured in ``.streamlit/secrets.toml`` (see README): an OpenID Connect
    provider in an ``[auth]`` section (Streamlit's ``st.login``), or a shared team password in
    ``[promolens] password_sha256 = "..."`` (or ``password = "..."``). Without either, no login.
    """
    if _secret("auth") is not None:
        if not st.user.is_logged_in:
            _hide_menu()
            st.title("PromoLens")
            st.info(tr("Please sign in to use PromoLens.", "请先登录再使用 PromoLens。"))
            st.button(tr("Sign in", "登录"), on_click=st.login, type="primary")
            st.stop()
        with st.sidebar:
            st.caption(tr(f"Signed in as {st.user.get('name') or st.user.get('email')}",
                          f"已登录：{st.user.get('name') or st.user.get('email')}"))
            st.button(tr("Sign out", "退出登录"), on_click=st.logout)
        return
    digest = _secret("promolens", "password_sha256")
    plain = _secret("promolens", "password")
    if digest is None and plain is None:
        return
    expected = str(digest) if digest is not None else hashlib.sha256(str(plain).encode("utf-8")).hexdigest()
    if st.session_state.get("authenticated"):
        return
    _hide_menu()
    st.title("PromoLens")
    with st.form("login"):
        st.text_input(tr("Team password", "团队密码"), type="password", key="login_password")
        st.form_submit_button(tr("Sign in", "登录"), type="primary", on_click=_check_password, args=(expected,))
    if st.session_state.get("authenticated"):
        return
    if st.session_state.get("login_failed"):
        st.error(tr("That password is not right. Ask whoever set up PromoLens for your team.",
                    "密码不正确。请向为团队部署 PromoLens 的同事索取。"))
    st.stop()


def _hide_menu() -> None:
    """Before sign-in the app has no menu; hide the one Streamlit would build from the pages/ folder."""
    st.html("<style>[data-testid='stSidebarNav'], [data-testid='stSidebarCollapsedControl'] {display: none}</style>")


def _check_password(expected_sha256: str) -> None:
    given = hashlib.sha256(st.session_state.pop("login_password", "").encode("utf-8")).hexdigest()
    ok = hmac.compare_digest(given, expected_sha256)
    st.session_state["authenticated"] = ok
    st.session_state["login_failed"] = not ok


def lang() -> str:
    """The interface language chosen in the sidebar: 'en' or 'zh'."""
    return st.session_state.get("lang", "en")


def tr(en: str, zh: str) -> str:
    """The label in the interface language."""
    return i18n.text(en, zh, lang())


def currency() -> str:
    """The currency symbol chosen in the sidebar."""
    return st.session_state.get("currency", "£")


def money(x: float, digits: int = 2) -> str:
    """An amount in the configured currency, formatted for the interface language."""
    return i18n.fmt_money(x, currency(), digits, lang())


def number(x: float, digits: int = 0) -> str:
    """A number formatted for the interface language."""
    return i18n.fmt_number(x, digits, lang())


def dataset_id() -> str | None:
    """The id of the dataset picked in the sidebar, or None when the workspace is empty."""
    return st.session_state.get("dataset_id")


def set_dataset(dataset: str) -> None:
    """Make a dataset the active one (from a callback, before the sidebar is drawn again)."""
    st.session_state["dataset_id"] = dataset


@st.cache_data(show_spinner=False, max_entries=8)
def _table(path: str, dataset: str, table: str, created_at: str) -> pd.DataFrame:
    return _workspace(path).load_table(dataset, table)


def load_table(table: str = "transactions", dataset: str | None = None) -> pd.DataFrame | None:
    """A table of the active dataset (cached per dataset), or None when the dataset lacks it."""
    dataset = dataset or dataset_id()
    if dataset is None:
        return None
    info = workspace().dataset(dataset)
    if table not in info["tables"]:
        return None
    with st.spinner(tr(f"Loading {table}…", f"正在读取 {table}…")):
        return _table(str(workspace_path()), dataset, table, str(info["created_at"]))


def require_transactions() -> pd.DataFrame:
    """The active dataset's transactions; stops the page with guidance when there are none."""
    tx = load_table("transactions")
    if tx is None or tx.empty:
        st.info(tr("No sales data yet. Upload a file on the Data page or pick a dataset in the sidebar.",
                   "还没有销售数据。请在“数据”页面上传文件，或在侧边栏选择一个数据集。"))
        st.stop()
    return tx


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
        st.error(exc.text(lang()), icon="⚠️")
        return
    incident = uuid.uuid4().hex[:8]
    _ERRORS.error("incident %s: a computation failed on a page", incident, exc_info=exc)
    st.error(tr(f"Sorry, something went wrong while computing this (incident {incident}). Try other settings or "
                "another file; if it keeps happening, give the incident reference to whoever runs PromoLens for you.",
                f"抱歉，计算时出错（事件编号 {incident}）。请换一组参数或文件再试；如果反复出现，请把事件编号告诉为您运行 "
                "PromoLens 的同事。"), icon="⚠️")


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


def download_csv(frame: pd.DataFrame, filename: str, label: str | None = None, key: str | None = None,
                 deferred: bool = False) -> None:
    """A download button for a table as a formula-safe CSV (``deferred``: made only when clicked,
    for big tables that would slow every rerun)."""
    data = (lambda: to_csv_bytes(frame)) if deferred else to_csv_bytes(frame)
    st.download_button(label or tr("Download CSV", "下载 CSV"), data, file_name=filename,
                       mime="text/csv", key=key or f"dl-{filename}", icon=":material/download:")


def download_excel(sheets: dict[str, pd.DataFrame], filename: str, label: str | None = None,
                   key: str | None = None, deferred: bool = False) -> None:
    """A download button for tables as a formatted, formula-safe Excel workbook (``deferred``: made
    only when clicked)."""
    money = currency()
    data = (lambda: to_excel_bytes(sheets, currency=money)) if deferred else to_excel_bytes(sheets, currency=money)
    st.download_button(label or tr("Download Excel", "下载 Excel"), data,
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
    with st.expander(tr("Save this analysis to a report", "将此分析保存到报告"), icon=":material/bookmark_add:", key=f"exp-save-{page}"):
        name = st.text_input(tr("Name", "名称"), value=default_name, key=f"save-name-{page}")
        if st.button(tr("Save analysis", "保存分析"), key=f"save-btn-{page}"):
            try:
                workspace().save_analysis(
                    name, page, dataset_id=dataset_id(), params=params, tables=tables,
                    figures={k: f.to_json() for k, f in (figures or {}).items()}, notes=notes)
                st.success(tr(f"Saved “{name}”. Build a report from it on the Reports page.",
                              f"已保存“{name}”。可在“报告”页面生成报告。"))
            except DataError as exc:
                show_error(exc)


def params_json(params: dict) -> str:
    """Parameters as a stable string, for cache keys and saved analyses."""
    return json.dumps(params, sort_keys=True, default=str)
