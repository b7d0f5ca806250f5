"""Streamlit glue shared by every page: the workspace, the active dataset, language, downloads,
errors and "save to report". Pages stay thin by calling these; promo_core never sees streamlit."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from promo_core import i18n
from promo_core.engine import ByteCache, own_memory, release_memory
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
        frame = own_memory(_workspace(path).load_table(dataset, table))
        release_memory()  # (what the read left behind)
        return frame

    return shared_frames().get_or_make(("table", path, dataset, table, created_at), read)


def keep_table(dataset: str, table: str, frame: pd.DataFrame) -> None:
    """Share a table just saved to the workspace as the one ``load_table`` gives, so that the pages
    after a save do not read a second copy of every order line back while the first is in memory."""
    created_at = str(workspace().dataset(dataset)["created_at"])
    shared_frames().put(("table", str(workspace_path()), dataset, table, created_at), frame)


def load_table(table: str = "transactions", dataset: str | None = None) -> pd.DataFrame | None:
    """A table of the active dataset (cached per dataset), or None when the dataset lacks it.

    The frame shares its memory with every other caller's; under pandas' copy-on-write any change
    a page makes to it copies what it changes, so the shared table stays as it was.
    """
    dataset = dataset or dataset_id()
    if dataset is None:
        return None
    info = workspace().dataset(dataset)
    if table not in info["tables"]:
        return None
    with st.spinner(tr(f"Loading {table}…", f"正在读取 {table}…")):
        return _table(str(workspace_path()), dataset, table, str(info["created_at"])).copy(deep=False)


def require_transactions() -> pd.DataFrame:
    """The active dataset's transactions; stops the page with guidance when there are none."""
    tx = load_table("transactions")
    if tx is None or tx.empty:
        st.info(tr("No sales data yet. Upload a file on the Data page or pick a dataset in the sidebar.",
                   "还没有销售数据。请在“数据”页面上传文件，或在侧边栏选择一个数据集。"))
        st.stop()
    return tx


def show_error(exc: Exception) -> None:
    """Show a DataError's message in the interface language; anything else as a short, honest apology."""
    if isinstance(exc, DataError):
        st.error(exc.text(lang()), icon="⚠️")
    else:
        st.error(tr(f"Something went wrong while computing this ({type(exc).__name__}: {exc}). "
                    "Try other settings or another file; if it keeps happening, tell us what you did.",
                    f"计算时出错（{type(exc).__name__}: {exc}）。请换一组参数或文件再试；如果反复出现，请告诉我们您的操作。"),
                 icon="⚠️")


def run(compute: Callable, *args, **kwargs):
    """Call a promo_core function; on bad input show the message and stop the page."""
    try:
        return compute(*args, **kwargs)
    except DataError as exc:
        show_error(exc)
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
