"""Shared fixtures: the demo retailer, the real files in ../shared/data, a workspace holding the
demo dataset, one Spark session for the run, and an AppTest runner for pages."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from promo_core import sample_data  # noqa: E402
from promo_core.errors import DataError  # noqa: E402
from promo_core.io import finalize_transactions, quarantine_messages  # noqa: E402
from promo_core.store import Workspace  # noqa: E402
from promo_core.text import render_frame  # noqa: E402


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Keep what one test run must start once on one worker when the run is spread over processes
    (``pytest -n 2 --dist loadgroup``, as scripts/test.sh runs it): the Spark session, and the
    browser tests' app server and Chromium."""
    for item in items:
        if "spark" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("spark"))
        elif "browser" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real data sets (never copied into the project)."""
    assert SHARED_DATA.is_dir(), f"{SHARED_DATA} is missing: the tests read the shared real data from there"
    return SHARED_DATA


@pytest.fixture(scope="session")
def demo() -> sample_data.DemoRetailer:
    """The demo retailer with its planted truth (seed 0), generated once per test run."""
    return sample_data.generate(0)


@pytest.fixture(scope="session")
def demo_tx(demo):
    """The demo transactions in canonical form (with revenue, is_return, is_duplicate)."""
    return finalize_transactions(demo.transactions)


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory) -> Path:
    """A workspace file that already holds the demo dataset (saved once per run)."""
    path = tmp_path_factory.mktemp("ws") / "promo.duckdb"
    sample_data.save_demo(Workspace(path))
    return path


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """One local Spark session (two cores) for every Spark test of the run, as an Ibis backend.

    Starting Spark takes seconds, so the whole run shares it. Without Java the Spark tests are
    skipped, saying so; where Spark must run (``PROMO_REQUIRE_SPARK=1``: scripts/test.sh, which
    installs Java) a missing Java fails them instead.
    """
    if shutil.which("java") is None:
        reason = ("Java is not installed, so Spark cannot start: install Debian's openjdk-17-jre-headless "
                  "(scripts/test.sh does)")
        if os.environ.get("PROMO_REQUIRE_SPARK") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from promo_core.engine import spark_backend

    backend = spark_backend("local[2]", config={
        "spark.sql.shuffle.partitions": "2",  # (the default 200 tasks per shuffle is for clusters)
        "spark.sql.warehouse.dir": str(tmp_path_factory.mktemp("spark-warehouse"))})
    yield backend
    backend.disconnect()


@pytest.fixture
def app_page(demo_workspace, monkeypatch):
    """Run the app in AppTest on the demo workspace and open one page: ``app_page("pages/x.py")``."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PROMO_WORKSPACE", str(demo_workspace))

    def open_page(page: str | None = None, lang: str = "en", timeout: float = 180, counting=()) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        at.session_state["lang"] = lang
        at.run()
        for calls in counting:  # (``count_calls`` lists: what the app's first page, Data, did is not the page's)
            calls.clear()
        if page is not None:
            at.switch_page(page)
            at.run()
        return at

    return open_page


@pytest.fixture
def own_workspace(app_page, demo_workspace, tmp_path, monkeypatch) -> Path:
    """A private copy of the demo workspace that pages in this test use (saving there leaves
    other tests' data alone); it comes after ``app_page`` so it wins over the shared one."""
    path = tmp_path / "promo.duckdb"
    shutil.copy(demo_workspace, path)
    monkeypatch.setenv("PROMO_WORKSPACE", str(path))
    return path


def page_text(at) -> str:
    """Everything an AppTest run shows as text (markdown, captions, metrics, alerts, titles)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error",
                 "text"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def reasons(quarantine, lang: str = "en") -> list[str]:
    """The quarantine's reasons as a reader sees them in ``lang`` (they are stored as codes with values)."""
    return render_frame(quarantine_messages(quarantine), lang)["reason"].tolist()


def chinese_error(call) -> DataError:
    """Run ``call``, which must raise a DataError that reads in Chinese too (and in English as its
    plain message); return the error for further checks."""
    with pytest.raises(DataError) as caught:
        call()
    err = caught.value
    assert has_chinese(err.text("zh")) and err.text("zh") != str(err), str(err)
    assert err.text("en") == str(err)
    return err


LEAKY_BUG = "SELECT * FROM tx_secret -- /srv/promolens/ws.duckdb"  # what a bug's message may hold


def open_tab(at, key: str, label: str):
    """Open a tab of a page's ``ui.lazy_tabs`` and run the page. AppTest cannot click a tab: the
    tab's label (catalogue id ``label``, in the page's language) is set as the tabs' value."""
    from promo_core.text import render

    at.session_state[key] = render(label, at.session_state["lang"])
    return at.run()


def every_tab_of(at, key: str, labels: list[str]) -> tuple[dict, list]:
    """What a page shows with each tab of its ``ui.lazy_tabs`` (key ``key``, catalogue ids ``labels``
    in the page's order) open in turn: every metric (label -> value) and every tab's tables, in the
    page's order. The last tab stays open."""
    metrics, tables = {}, []
    for i, label in enumerate(labels):
        open_tab(at, key, label)
        metrics.update({m.label: m.value for m in at.metric})
        tables += [df.value for df in at.tabs[i].dataframe]
    return metrics, tables


def open_tab_in_chinese(at, key: str, label: str):
    """Open a tab of a page's ``ui.lazy_tabs`` (``open_tab``), then switch the page to 中文 and run it."""
    open_tab(at, key, label)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    return at


WIDGETS = ("selectbox", "multiselect", "radio", "slider", "select_slider", "number_input", "text_input", "date_input",
           "checkbox", "toggle")


def widget_keys(container) -> set:
    """The keys of the widgets holding a setting in ``container`` (an AppTest run, or one of its tabs)."""
    return {w.key for kind in WIDGETS for w in getattr(container, kind)}


def widgets_of_every_tab(at, key: str, labels: list[str], then: dict | None = None) -> set:
    """The keys of the setting widgets drawn in each tab of a page's ``ui.lazy_tabs`` (key ``key``,
    catalogue ids ``labels``) open in turn; ``then``: label id -> what to do in that tab first (to draw
    the widgets a choice adds)."""
    drawn = set()
    for i, label in enumerate(labels):
        open_tab(at, key, label)
        (then or {}).get(label, lambda: None)()
        drawn |= widget_keys(at.tabs[i])
    return drawn


def saved_to_report(at, page: str, workspace: Path):
    """Click ``page``'s "Save to report" on the page as it is now (a lazy-tabs page: only the tabs the
    test opened were drawn) and return the analysis it saved in the workspace file ``workspace``."""
    at.button(key=f"save-btn-{page}").click().run()
    assert not at.exception, at.exception
    saved = Workspace(workspace)
    return saved.load_analysis(saved.list_analyses()["id"].iloc[0])


def kept_by_lazy_tabs(monkeypatch) -> list:
    """What each later ``ui.lazy_tabs`` call is asked to keep (``keep=``, as a set), one per run."""
    import ui

    return count_calls(monkeypatch, ui, "lazy_tabs", lambda key, labels, page=None, keep=(): set(keep))


def count_calls(monkeypatch, owner, name: str, record=lambda *args, **kwargs: args) -> list:
    """Wrap ``owner.name`` (a function or a method) so that each call still runs and first appends
    ``record(*args, **kwargs)`` to the list returned: what a rerun test counts (runs, openings, fits)."""
    real, calls = getattr(owner, name), []

    def counted(*args, **kwargs):
        calls.append(record(*args, **kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def page_with_failure(app_page, monkeypatch, page: str, module, name: str, error: Exception | None = None):
    """Open ``page`` with ``module.name`` raising ``error`` (by default a bug whose message holds SQL and
    a path); the caches are cleared around it, so no other test sees the failure or hides it."""
    import streamlit as st

    def broken(*args, **kwargs):
        raise error or RuntimeError(LEAKY_BUG)

    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setattr(module, name, broken)
    at = app_page(page)
    st.cache_data.clear()
    st.cache_resource.clear()
    assert not at.exception, at.exception
    return at


def page_on_file(tmp_path: Path, monkeypatch, file: Path, page: str):
    """Open ``page`` in AppTest on a fresh workspace whose only dataset is ``file`` (loaded as the
    Data page would), e.g. a real file of ../shared/data instead of the demo."""
    from streamlit.testing.v1 import AppTest

    from promo_core.io import load_transactions

    workspace = Workspace(tmp_path / "promo.duckdb")
    loaded = load_transactions(file)
    workspace.save_dataset(file.name, {"transactions": loaded.data, "quarantine": loaded.quarantine})
    monkeypatch.setenv("PROMO_WORKSPACE", str(workspace.path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def assert_apology_without_details(at) -> None:
    """A bug shows an apology with an incident reference, and nothing of its message."""
    assert any(e.value.startswith("Sorry, something went wrong while computing this (incident ") for e in at.error)
    assert "tx_secret" not in page_text(at) and "/srv/" not in page_text(at)
