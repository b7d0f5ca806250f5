"""The real app in Chromium, signed out: every page's address (and an unknown one) shows the
sign-in and nothing else — no page, title, metric, table, dataset name, upload or download — with
a team password and with single sign-on; the workspace is not even opened. Signed in at a page's
address, that page opens; a wrong password slows the next attempt down. An unexpected error shows
no details."""
import contextlib
import re

import pytest

from promo_core import auth
from tests.browser.conftest import ROOT, serve, wait_idle

PASSWORD = "correct horse battery"
TITLES = ["Data", "Segments", "Recommendations", "Journeys", "Voice of the customer", "Pricing", "Coupons",
          "Marketing ROI", "Logistics", "Reports"]
# The first address opened on a fresh server goes through Streamlit's pages/ folder fallback; then the
# app's root, every page file's address (new pages included by themselves) and an unknown one.
ADDRESSES = ["/reports", "/", *sorted(f"/{p.stem}" for p in (ROOT / "pages").glob("*.py") if p.stem != "reports"),
             "/no-such-page"]
SECRETS = {
    "password": f'[promolens]\npassword_hash = "{auth.hash_password(PASSWORD)}"\n',
    "oidc": ('[auth]\nredirect_uri = "http://127.0.0.1:9/oauth2callback"\ncookie_secret = "%s"\n'
             'client_id = "promolens"\nclient_secret = "not-a-real-secret"\n'
             'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n' % ("k" * 40)),
}


@contextlib.contextmanager
def _closed_app(method, folder):
    """A server whose secrets file (outside the project) asks for sign-in: (URL, workspace file)."""
    (folder / "secrets.toml").write_text(SECRETS[method], encoding="utf-8")
    workspace = folder / "ws" / "promo.duckdb"
    # (a first wait of 60 s: the next attempt comes sooner however slow the machine)
    with serve(ROOT / "app.py", folder, {"PROMO_WORKSPACE": str(workspace), "PROMO_SIGNIN_WAIT_S": "60"},
               ("--secrets.files", str(folder / "secrets.toml"))) as url:
        yield url, workspace


@pytest.fixture(scope="module")
def password_app(tmp_path_factory):
    with _closed_app("password", tmp_path_factory.mktemp("signin-password")) as app:
        yield app


@pytest.fixture(scope="module")
def oidc_app(tmp_path_factory):
    with _closed_app("oidc", tmp_path_factory.mktemp("signin-oidc")) as app:
        yield app


def _open(browser, url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(url, timeout=120_000)
    wait_idle(tab)
    return tab


def _assert_only_the_sign_in(tab, method):
    if method == "password":
        tab.get_by_label("Team password").wait_for()
    else:
        tab.get_by_role("button", name="Sign in").wait_for()
        assert tab.get_by_label("Team password").count() == 0
    assert tab.locator("h1").all_inner_texts() == ["PromoLens"]
    for element in ("stMetric", "stDataFrame", "stTable", "stFileUploader", "stDownloadButton", "stPlotlyChart",
                    "stSelectbox", "stException", "stSidebarNav"):
        assert tab.get_by_test_id(element).filter(visible=True).count() == 0, f"{element} shows before sign-in"
    text = tab.locator("body").inner_text()
    assert "Demo retailer" not in text
    shown = [t for t in TITLES if re.search(rf"\b{t}\b", text)]
    assert not shown, f"page titles show before sign-in: {shown}"


@pytest.mark.parametrize("method", sorted(SECRETS))
def test_signed_out_every_address_shows_only_the_sign_in(method, request, browser):
    url, workspace = request.getfixturevalue(f"{method}_app")
    for address in ADDRESSES:
        tab = _open(browser, url + address)
        try:
            _assert_only_the_sign_in(tab, method)
        except AssertionError as exc:
            raise AssertionError(f"{method} {address}: {exc}") from exc
        finally:
            tab.context.close()
    assert not workspace.exists(), "no signed-out visit opens the workspace"


def test_signing_in_at_a_page_address_opens_that_page(password_app, browser):
    url, _ = password_app
    tab = _open(browser, url + "/reports")
    try:
        tab.get_by_label("Team password").fill(PASSWORD)
        tab.get_by_role("button", name="Sign in").click()
        tab.locator("h1", has_text="Reports").wait_for(timeout=180_000)
        wait_idle(tab)
        assert tab.url.endswith("/reports") and tab.get_by_test_id("stException").count() == 0
        tab.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").wait_for()
    finally:
        tab.context.close()
    other = _open(browser, url + "/reports")  # another browser: its own session, signed out
    try:
        _assert_only_the_sign_in(other, "password")
    finally:
        other.context.close()


def test_a_wrong_password_holds_up_the_next_attempt(password_app, browser):
    tab = _open(browser, password_app[0] + "/segments")
    try:
        for password, message in (("guess", "That password is not right"), (PASSWORD, "Too many wrong passwords")):
            tab.get_by_label("Team password").fill(password)
            tab.get_by_role("button", name="Sign in").click()
            wait_idle(tab)
            tab.get_by_text(message).wait_for()
        _assert_only_the_sign_in(tab, "password")
    finally:
        tab.context.close()


def test_an_unexpected_error_shows_no_details(browser, tmp_path):
    script = tmp_path / "boom.py"
    script.write_text('import streamlit as st\nraise RuntimeError("customer C-4711 owes 1,234.56")\n', encoding="utf-8")
    with serve(script, tmp_path) as url:
        tab = _open(browser, url)
        try:
            tab.get_by_test_id("stException").wait_for()
            text = tab.locator("body").inner_text()
            assert "C-4711" not in text and "RuntimeError" not in text and "boom.py" not in text, text
        finally:
            tab.context.close()
