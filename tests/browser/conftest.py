"""Real-browser fixtures: ``streamlit run`` on a free 127.0.0.1 port with a fresh workspace, and
Debian's Chromium driven by Playwright (Playwright's own browser download does not work here)."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PROMO_CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(script: Path, log_dir: Path, env: dict | None = None, args: tuple = ()) -> Iterator[str]:
    """Run ``streamlit run script`` from the project's folder (so its .streamlit/config.toml applies)
    on a free loopback port until the block ends; yields its URL."""
    port = _free_port()
    log = open(log_dir / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false", *args],
        cwd=ROOT, env=dict(os.environ, **(env or {})), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited early; see {log.name}")
                time.sleep(0.5)
        else:
            raise RuntimeError("streamlit did not become healthy within 120 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The URL of a running app on an empty workspace (it opens on the demo retailer)."""
    workspace = tmp_path_factory.mktemp("browser-ws") / "promo.duckdb"
    with serve(ROOT / "app.py", tmp_path_factory.mktemp("browser-log"), {"PROMO_WORKSPACE": str(workspace)}) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def page(browser, app_url):
    """A fresh browser tab on the app's home page, with the app fully rendered."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(app_url, timeout=120_000)
    wait_idle(tab)
    yield tab
    context.close()


def wait_idle(tab, timeout: float = 120_000) -> None:
    """Wait until Streamlit has finished running the script (no 'running' indicator)."""
    tab.get_by_test_id("stApp").wait_for(timeout=timeout)
    tab.wait_for_function(
        "() => { const s = document.querySelector('[data-testid=\"stStatusWidget\"]');"
        " return !s || !s.innerText.match(/Running|Stop/); }", timeout=timeout)
    tab.wait_for_timeout(500)


def open_page(tab, title: str) -> None:
    """Click a page in the sidebar navigation and wait for it to render."""
    tab.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    wait_idle(tab)
    errors = tab.get_by_test_id("stException")
    assert errors.count() == 0, f"the page shows an exception: {errors.first.inner_text()[:2000]}"
