"""AppTest of Connect on the Data page, behind a team password: a named connection (its URL holding a
planted secret) is opened, mapped, checked and made the active source; Segments then runs on it;
the secret shows nowhere (page, workspace file, log), a typed URL cannot reach /etc, and a page not
yet migrated says it needs a workspace dataset."""
from __future__ import annotations

import logging

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from promo_core import auth, segments
from tests.conftest import ROOT, page_text

SECRET = "s3cr3t-PLANTED-91c2"
PASSWORD = "correct horse"
EXPORT_NAMES = {"order_id": "InvoiceNo", "customer_id": "CustomerID", "order_date": "InvoiceDate",
                "product_id": "StockCode", "product_name": "Description", "quantity": "Quantity",
                "unit_price": "UnitPrice", "channel": "Channel"}


@pytest.fixture(scope="module")
def lines(demo_tx) -> pd.DataFrame:
    """The order lines of 400 demo customers (and some guest lines), as a shop's export names them."""
    customers = demo_tx["customer_id"].dropna().unique()[:400]
    keep = demo_tx["customer_id"].isin(customers) | (demo_tx.index % 200 == 0) & demo_tx["customer_id"].isna()
    return demo_tx.loc[keep, list(EXPORT_NAMES)].rename(columns=EXPORT_NAMES).reset_index(drop=True)


@pytest.fixture
def deployment(tmp_path, lines, own_workspace, monkeypatch):
    """A DuckDB file in a folder whose name is the secret, a data folder, and the app's secrets."""
    hidden = tmp_path / SECRET
    hidden.mkdir()
    with duckdb.connect(str(hidden / "shop.duckdb")) as con:
        con.register("lines", lines)
        con.execute("CREATE TABLE sales AS SELECT * FROM lines")
    (tmp_path / "data").mkdir()
    monkeypatch.delenv("PROMO_DATA_FOLDERS", raising=False)
    monkeypatch.delenv("PROMO_PRIVACY", raising=False)
    return {"promolens": {"password_hash": auth.hash_password(PASSWORD)},
            "connect": {"folders": [str(tmp_path / "data")]},
            "connections": {"lake": {"url": f"duckdb://{hidden}/shop.duckdb"},
                            "warehouse": {"url": f"postgres://admin:{SECRET}@127.0.0.1:9/shop"}}}


def _signed_in(secrets: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for key, value in secrets.items():
        at.secrets[key] = value
    at.run()
    assert not at.get("expander"), "nothing of the app before sign-in"
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click()
    return at.run()


def _open(at, how: str, where: str, table: str = "sales") -> AppTest:
    at.radio(key="connect-how").set_value(how).run()  # (offered when the deployment names connections)
    if how == "named":
        at.selectbox(key="connect-name").set_value(where)
    else:
        at.text_input(key="connect-url").input(where)
    at.text_input(key="connect-table").input(table)
    at.button(key="connect-open").click()
    return at.run()


def test_connect_maps_checks_and_segments_runs_on_the_connection(deployment, lines, own_workspace, caplog):
    caplog.set_level(logging.DEBUG)
    at = _signed_in(deployment)
    assert not at.exception, at.exception
    at = _open(at, "named", "lake")
    assert not at.exception and not at.error, [e.value for e in at.error]
    spec = at.session_state["connect-opened"]
    guessed = {r: at.selectbox(key=f"connect-map-{spec.id}-{r}").value for r in EXPORT_NAMES}
    assert guessed == EXPORT_NAMES
    next(b for b in at.button if b.label == "Check the data").click()
    at.run()
    metrics = {}
    for m in at.metric:  # (the Connect part's come first; the profile of the workspace dataset follows)
        metrics.setdefault(m.label, m.value)
    assert metrics["Order lines"] == f"{len(lines):,}" and metrics["Customers"] == f"{lines['CustomerID'].nunique():,}"
    assert "guest lines" in page_text(at)
    at.button(key="connect-use").click()
    at.run()
    assert "Analysing lake · sales where it lives" in page_text(at)

    at.switch_page("pages/segments.py")
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    customers = len(segments.rfm(lines.rename(columns={v: k for k, v in EXPORT_NAMES.items()})))
    assert {m.label: m.value for m in at.metric}["Customers"] == f"{customers:,}"
    shown = page_text(at)

    at.switch_page("pages/recommendations.py")  # (every analysis page runs on the active source)
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    baskets = lines.loc[lines["Quantity"] > 0, "InvoiceNo"].nunique()
    assert {m.label: m.value for m in at.metric}["Baskets"] == f"{baskets:,}"

    at.switch_page("pages/data.py")
    at.run()
    _open(at, "named", "warehouse")
    refused = " ".join(e.value for e in at.error)
    assert "could not open warehouse" in refused or "driver" in refused, refused
    for where in (shown, page_text(at), caplog.text, repr(at.session_state),
                  own_workspace.read_bytes().decode("latin-1")):
        assert SECRET not in where


def test_a_typed_url_reaches_nothing_outside_the_data_folders(deployment):
    at = _signed_in(deployment)
    for url in ("duckdb:///etc/passwd", "file:///etc/passwd", "sqlite:///etc/passwd",
                f"{deployment['connect']['folders'][0]}/../{SECRET}/shop.duckdb"):
        _open(at, "typed", url)
        assert not at.exception
        said = " ".join(e.value for e in at.error)
        assert "outside the data folders" in said or "does not open 'sqlite'" in said, said
        assert not at.metric or "Order lines" not in {m.label for m in at.metric}
    _open(at, "typed", f"postgres://admin:{SECRET}@db/shop")
    assert "may not carry a password" in at.error[0].value
