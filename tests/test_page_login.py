"""Shared deployments: with a team password or an [auth] section in secrets.toml, nothing of the
app is reachable before sign-in, whichever address is asked for, and guessing is slowed down."""
import hashlib
import logging

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

from promo_core import auth
from tests.conftest import ROOT, page_text

PAGES = ["data", "segments", "recommendations", "pricing", "coupons", "logistics", "reports"]
TITLES = {"Data", "Segments", "Recommendations", "Pricing", "Coupons", "Logistics", "Reports"}
PASSWORD = "correct horse"
HASH = auth.hash_password(PASSWORD)
SHA256 = hashlib.sha256(PASSWORD.encode()).hexdigest()
OIDC = {"redirect_uri": "http://127.0.0.1:9/oauth2callback", "cookie_secret": "x" * 32, "client_id": "promolens",
        "client_secret": "s3cret", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """A fresh process-wide throttle on a clock the test moves by hand."""
    clock = Clock()
    monkeypatch.setattr(auth, "THROTTLE", auth.Throttle(clock=clock))
    return clock


def _app(workspace, monkeypatch, secrets, page=None):
    monkeypatch.setenv("PROMO_WORKSPACE", str(workspace))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for key, value in secrets.items():
        at.secrets[key] = value
    if page is not None:  # before the first run: as if this page's address was opened
        at.switch_page(f"pages/{page}.py")
    return at.run()


def _sign_in(at, password):
    at.text_input(key="login_password").input(password)  # a form: the value is sent with the submit click
    at.button[0].click()
    return at.run()


def _shows_nothing_of_the_app(at):
    text = page_text(at)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["PromoLens"], "no page title before sign-in"
    assert not at.metric and not at.dataframe and not at.table
    assert not at.get("download_button") and not at.get("file_uploader") and not at.sidebar.selectbox
    assert "Demo retailer" not in text and not TITLES & set(text.split())


def test_without_a_password_the_app_is_open(demo_workspace, monkeypatch):
    at = _app(demo_workspace, monkeypatch, {})
    assert at.title[0].value == "Data" and not at.exception


def test_password_gate_refuses_then_admits(demo_workspace, monkeypatch, clock):
    at = _app(demo_workspace, monkeypatch, {"promolens": {"password_hash": HASH}})
    _shows_nothing_of_the_app(at)
    _sign_in(at, "wrong")
    assert "not right" in at.error[0].value and "1 seconds" in at.error[0].value
    _shows_nothing_of_the_app(at)
    _sign_in(at, PASSWORD)  # right, but too soon after a wrong one: not even checked
    assert "Too many wrong passwords" in at.error[0].value
    _shows_nothing_of_the_app(at)
    clock.now += 1
    _sign_in(at, PASSWORD)
    assert not at.exception
    assert at.title[0].value == "Data" and at.metric
    assert not at.sidebar.warning, "a salted hash needs no upgrade"


@pytest.mark.parametrize("setting", [{"password_hash": HASH}, {"password_sha256": SHA256}])
@pytest.mark.parametrize("address", [f"/{p}" for p in PAGES] + ["/no-such-page"])
def test_every_address_shows_only_the_sign_in(address, setting, tmp_path, monkeypatch):
    """AppTest opens a page's address the way a fresh server does before app.py has ever run:
    through Streamlit's pages/ folder fallback, which runs the page file on its own."""
    workspace = tmp_path / "ws" / "promo.duckdb"
    page = address.strip("/") if address.strip("/") in PAGES else None
    at = _app(workspace, monkeypatch, {"promolens": setting}, page)
    _shows_nothing_of_the_app(at)
    assert at.text_input(key="login_password")
    assert not workspace.exists(), "a signed-out visit does not even open the workspace"


def test_signing_in_at_a_page_address_opens_that_page(demo_workspace, monkeypatch, clock):
    at = _app(demo_workspace, monkeypatch, {"promolens": {"password_hash": HASH}}, "reports")
    _sign_in(at, PASSWORD)
    assert not at.exception and at.title[0].value == "Reports"


def test_signing_out_closes_the_app_again(demo_workspace, monkeypatch, clock):
    at = _sign_in(_app(demo_workspace, monkeypatch, {"promolens": {"password_hash": HASH}}), PASSWORD)
    assert at.title[0].value == "Data"
    next(b for b in at.sidebar.button if b.label == "Sign out").click().run()
    _shows_nothing_of_the_app(at)


def test_guessing_from_new_sessions_is_slowed_down_per_address(demo_workspace, monkeypatch, clock, caplog):
    caplog.set_level(logging.INFO, logger="promolens.auth")
    first = _app(demo_workspace, monkeypatch, {"promolens": {"password_hash": HASH}})
    for wait in (1, 2, 4):  # each wrong password doubles the wait
        _sign_in(first, "guess-1234")
        assert f"try again in {wait} seconds" in first.error[0].value
        clock.now += wait
    clock.now -= 1
    fresh = _app(demo_workspace, monkeypatch, {"promolens": {"password_hash": HASH}})  # a new session
    _sign_in(fresh, PASSWORD)
    assert "Too many wrong passwords" in fresh.error[0].value, "a new session does not reset the count"
    _shows_nothing_of_the_app(fresh)
    clock.now += 1
    _sign_in(fresh, PASSWORD)
    assert fresh.title[0].value == "Data"
    assert [r.message for r in caplog.records].count("Wrong team password from local; next attempt checked in 1 s") == 1
    assert any("refused" in r.message for r in caplog.records)
    assert not any("guess-1234" in r.getMessage() or PASSWORD in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("setting", [{"password_sha256": SHA256}, {"password": PASSWORD}])
def test_old_password_forms_still_work_and_ask_for_an_upgrade(setting, demo_workspace, monkeypatch, clock):
    at = _app(demo_workspace, monkeypatch, {"promolens": setting})
    _shows_nothing_of_the_app(at)
    _sign_in(at, PASSWORD)
    assert at.title[0].value == "Data" and not at.exception
    assert "python -m promo_core hash-password" in at.sidebar.warning[0].value


@pytest.mark.parametrize("setting", [{"password_hash": "scrypt$16384$8$1$00$00"}, {"password_sha256": "secret"},
                                     {"password": ""}])
def test_a_malformed_password_setting_keeps_the_app_closed(setting, tmp_path, monkeypatch):
    at = _app(tmp_path / "promo.duckdb", monkeypatch, {"promolens": setting})
    _shows_nothing_of_the_app(at)
    assert not at.text_input and "secrets.toml" in at.error[0].value


def test_a_secrets_file_with_a_syntax_error_keeps_the_app_closed(tmp_path, monkeypatch):
    broken = tmp_path / "secrets.toml"
    broken.write_text(f'[promolens]\npassword_hash = "{HASH}\n', encoding="utf-8")  # the closing quote is missing
    workspace = tmp_path / "ws" / "promo.duckdb"
    with patch_config_options({"secrets.files": [str(broken)]}):
        at = _app(workspace, monkeypatch, {})
    _shows_nothing_of_the_app(at)
    assert "cannot read its secrets.toml" in at.error[0].value and not workspace.exists()


@pytest.mark.parametrize("page", [None, "reports", "data"])
def test_single_sign_on_shows_only_its_button(page, tmp_path, monkeypatch):
    workspace = tmp_path / "ws" / "promo.duckdb"
    at = _app(workspace, monkeypatch, {"auth": OIDC, "promolens": {"password_hash": HASH}}, page)
    _shows_nothing_of_the_app(at)
    assert [b.label for b in at.button] == ["Sign in"] and not at.text_input
    assert not workspace.exists()


def test_single_sign_on_admits_a_signed_in_user(demo_workspace, monkeypatch):
    monkeypatch.setenv("PROMO_WORKSPACE", str(demo_workspace))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.secrets["auth"] = OIDC
    at.user = {"is_logged_in": True, "name": "Mei Chen", "email": "mei@example.com"}
    at.run()
    assert not at.exception and at.title[0].value == "Data" and at.metric
    assert "Signed in as Mei Chen" in at.sidebar.caption[0].value


def test_an_incomplete_auth_section_says_so_instead_of_a_traceback(tmp_path, monkeypatch):
    at = _app(tmp_path / "promo.duckdb", monkeypatch, {"auth": {"client_id": "promolens"}})
    at.button[0].click().run()
    _shows_nothing_of_the_app(at)
    assert "[auth]" in at.error[0].value
