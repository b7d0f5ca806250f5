"""Shared deployments: a team password in secrets.toml keeps the app closed until it is given."""
import hashlib

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def _app(demo_workspace, monkeypatch, secrets):
    monkeypatch.setenv("PROMO_WORKSPACE", str(demo_workspace))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for key, value in secrets.items():
        at.secrets[key] = value
    return at.run()


def test_without_a_password_the_app_is_open(demo_workspace, monkeypatch):
    at = _app(demo_workspace, monkeypatch, {})
    assert at.title[0].value == "Data" and not at.exception


def test_password_gate_refuses_then_admits(demo_workspace, monkeypatch):
    digest = hashlib.sha256(b"correct horse").hexdigest()
    at = _app(demo_workspace, monkeypatch, {"promolens": {"password_sha256": digest}})
    assert at.title[0].value == "PromoLens" and not at.metric, "nothing of the data shows before sign-in"
    at.text_input[0].input("wrong")  # a form: the value is sent with the submit click
    at.button[0].click().run()
    assert "not right" in at.error[0].value and not at.metric
    at.text_input[0].input("correct horse")
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Data" and at.metric
