"""Events as a dataset's table (``io.load_events_into``): a GA4 export and a Chinese-headed file are
mapped and typed, a hostile file loses no row (rows in file = loaded + quarantined, reasons as
codes), and in privacy mode no e-mail address or raw GA4 user id reaches the workspace while the
events still join the protected sales."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from promo_core import io
from promo_core.analyses import journeys as analysis
from promo_core.errors import DataError
from promo_core.privacy import Privacy
from promo_core.store import Workspace
from tests.conftest import reasons

SALES = pd.DataFrame({"order_id": ["O1", "O2", "O3"], "customer_id": ["alice@example.com", "u-777", "C3"],
                      "order_date": ["2026-01-05 10:03", "2026-01-06 09:00", "2026-01-07 12:00"],
                      "product_id": ["P1", "P2", "P1"], "quantity": [1, 2, 1], "unit_price": [3.0, 4.0, 3.0]})
T0 = 1767607200000000  # 2026-01-05 10:00 UTC in GA4's microseconds


def _workspace(tmp_path, privacy: Privacy | None = None) -> tuple[Workspace, str]:
    ws = Workspace(tmp_path / "promo.duckdb")
    (tmp_path / "sales.csv").write_text(SALES.to_csv(index=False))
    return ws, io.load_into(ws, tmp_path / "sales.csv", privacy=privacy)


def _ga4(tmp_path) -> str:
    rows = [("page_view", T0, "alice@example.com", 11, None, None),
            ("view_item", T0 + 60_000_000, "alice@example.com", 11, "P1", None),
            ("add_to_cart", T0 + 120_000_000, "alice@example.com", 11, "P1", None),
            ("view_search_results", T0 + 130_000_000, "alice@example.com", 11, None, "gift for bob@mail.com"),
            ("purchase", T0 + 180_000_000, "alice@example.com", 11, "P1", None),
            ("view_item", T0 + 86_400_000_000, "u-777", 11, "P2", None),  # (ga_session_id: unique per user only)
            ("add_to_cart", T0 + 86_460_000_000, "u-777", 11, "P2", None),
            ("scroll", T0 + 86_470_000_000, "u-777", 11, None, None)]
    frame = pd.DataFrame(rows, columns=["event_name", "event_timestamp", "user_pseudo_id", "ga_session_id",
                                        "items.item_id", "search_term"])
    path = tmp_path / "ga4_export.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_ga4_export_is_mapped_typed_and_analysed_from_the_workspace(tmp_path):
    ws, dataset = _workspace(tmp_path)
    report = io.load_events_into(ws, dataset, _ga4(tmp_path))
    assert report["mapping"] == {"event_time": "event_timestamp", "session_id": "ga_session_id",
                                 "customer_id": "user_pseudo_id", "event": "event_name",
                                 "product_id": "items.item_id", "search_term": "search_term"}
    assert (report["rows_in"], report["rows_loaded"], report["rows_quarantined"]) == (8, 7, 1)
    events = ws.load_table(dataset, "events")
    assert events["event_time"].iloc[0] == pd.Timestamp("2026-01-05 10:00")  # microseconds since 1970
    assert events["event"].tolist() == ["view", "view", "add_to_cart", "search", "purchase", "view", "add_to_cart"]
    assert events["session_id"].tolist() == ["alice@example.com.11"] * 5 + ["u-777.11"] * 2  # visitor and number
    with ws.ibis_table(dataset, "events") as table:
        result = analysis.run(table, analysis.Params(min_product_sessions=1))
    assert result.funnel.stages["sessions"].tolist() == [2, 2, 2, 1]
    assert result.carts["customer_id"].tolist() == ["u-777"] and result.cart_abandonment == 0.5
    assert "events" in ws.dataset(dataset)["report"]["table_versions"]


def test_a_chinese_headed_xlsx_is_mapped(tmp_path):
    ws, dataset = _workspace(tmp_path)
    frame = pd.DataFrame({"行为类型": ["浏览", "加入购物车", "搜索", "购买"],
                          "行为时间": ["2026/01/05 10:00:00", "2026/01/05 10:01:00", "2026/01/05 10:02:00",
                                   "2026/01/05 10:03:00"],
                          "会员ID": ["C3"] * 4, "商品编码": ["P1", "P1", None, "P1"], "搜索词": [None, None, "蛋白粉", None],
                          "设备": ["手机"] * 4, "渠道": ["小红书"] * 4, "金额": [None, "¥3.00", None, "¥3.00"]})
    path = tmp_path / "行为.xlsx"
    frame.to_excel(path, index=False)
    report = io.load_events_into(ws, dataset, path)
    assert report["mapping"] == {"event_time": "行为时间", "customer_id": "会员ID", "event": "行为类型",
                                 "product_id": "商品编码", "search_term": "搜索词", "channel": "渠道",
                                 "device": "设备", "value": "金额"}
    events = ws.load_table(dataset, "events")
    assert events["event"].tolist() == ["view", "add_to_cart", "search", "purchase"]
    assert events["value"].tolist()[1] == 3.0 and events["search_term"].tolist()[2] == "蛋白粉"
    assert events["event_time"].tolist()[-1] == pd.Timestamp("2026-01-05 10:03")


def test_a_hostile_file_loses_no_row_and_says_why_each_was_set_aside(tmp_path):
    ws, dataset = _workspace(tmp_path)
    lines = ['event,time,session,customer_id,product_id',
             'view,2026-01-05 10:00,s1,C3,P1',
             'like,2026-01-05 10:01,s1,C3,P1',  # an event PromoLens does not know
             'view,not a date,s1,C3,P1',  # no time
             'view,2026-01-05 10:02,,,P1',  # neither visit nor visitor
             'view,2026-01-05 10:03,s1,C3,P1,extra,values',  # too many values
             '"=HYPERLINK(""http://x"")",2026-01-05 10:04,s2,C3,P1',  # a formula for an event name
             'purchase,2026-01-05 10:05,s1,C3,P1']
    path = tmp_path / "events.csv"
    path.write_text("\n".join(lines) + "\n")
    report = io.load_events_into(ws, dataset, path)
    quarantine = ws.load_table(dataset, "events_quarantine")
    assert report["rows_in"] == 7 == report["rows_loaded"] + len(quarantine)
    assert report["rows_loaded"] == len(ws.load_table(dataset, "events")) == 2
    assert sorted(quarantine["reason"]) == sorted(["event_unknown", "event_no_time", "event_no_visitor",
                                                    "too_many_values", "event_unknown"])
    words = reasons(quarantine)
    assert 'event name “like” is not one PromoLens knows (view, add to cart, remove from cart, search, wishlist, ' \
        'purchase)' in words
    assert any("neither a session id nor a customer id" in w for w in words)
    with pytest.raises(DataError) as err:  # a table without events at all is refused, saying what is missing
        (tmp_path / "numbers.csv").write_text("a,b\n1,2\n")
        io.load_events_into(ws, dataset, tmp_path / "numbers.csv")
    assert err.value.message.id == "journeys.error.columns"
    assert len(ws.load_table(dataset, "events")) == 2  # (and the events loaded before stay)


def test_privacy_keeps_emails_and_ga4_user_ids_out_of_the_workspace_and_the_events_still_join(tmp_path):
    privacy = Privacy(key=b"test-key")
    ws, dataset = _workspace(tmp_path, privacy)
    report = io.load_events_into(ws, dataset, _ga4(tmp_path), privacy=privacy)
    assert report["privacy"] and report["rows_loaded"] == 7
    events, sales = ws.load_table(dataset, "events"), ws.load_table(dataset)
    assert set(events["customer_id"]) <= set(sales["customer_id"])  # the same pseudonyms as the sales
    assert events["search_term"].dropna().tolist() == ["gift for [e-mail]"]
    ws.dataset(dataset)  # (the workspace file is closed between operations: read it whole below)
    con = duckdb.connect(str(ws.path), read_only=True)
    try:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        stored = " ".join(str(v) for t in tables for row in con.execute(f'SELECT * FROM "{t}"').fetchall()
                          for v in row)
        stored += " ".join(str(v) for row in con.execute("SELECT * FROM datasets").fetchall() for v in row)
    finally:
        con.close()
    assert events["session_id"].nunique() == 2 and events["session_id"].str.startswith("P").all()
    for secret in ("alice@example.com", "bob@mail.com", "u-777"):
        assert secret not in stored, secret


def test_events_without_a_session_id_are_split_into_visits_by_pauses_in_the_engine(tmp_path):
    ws, dataset = _workspace(tmp_path)
    lines = ["Event,Occurred at,Customer ID,SKU",
             "product_viewed,2026-01-05T10:00:00Z,C3,P1",
             "product_added_to_cart,2026-01-05T10:20:00Z,C3,P1",  # 20 minutes on: the same visit
             "product_viewed,2026-01-05T11:00:00Z,C3,P2",  # 40 minutes on: a new visit
             "checkout_completed,2026-01-05T11:05:00Z,C3,P2",
             "product_viewed,2026-01-05T11:00:00Z,u-777,P2"]
    (tmp_path / "shopify.csv").write_text("\n".join(lines) + "\n")
    report = io.load_events_into(ws, dataset, tmp_path / "shopify.csv")
    assert "session_id" not in report["mapping"] and report["rows_loaded"] == 5
    with ws.ibis_table(dataset, "events") as table:
        result = analysis.run(table, analysis.Params(parts=frozenset()))
    assert result.funnel.stages["sessions"].tolist() == [3, 3, 1, 1]
    assert [n.id for n in result.notes] == ["journeys.note.sessions_from_gaps"]
