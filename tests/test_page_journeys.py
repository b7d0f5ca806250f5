"""AppTest of the Journeys page on the demo retailer's browsing events, in English and Chinese."""
from __future__ import annotations

from promo_core.store import Workspace
from tests.conftest import count_calls, has_chinese, page_text
from tests.test_page_segments import _frame, _metrics

PAGE = "pages/journeys.py"


def test_journeys_page_shows_the_demo_funnel_and_its_lists(app_page, demo, monkeypatch):
    loads = count_calls(monkeypatch, Workspace, "load_table", lambda self, *args, **kwargs: args)
    at = app_page(PAGE, counting=[loads])
    assert not at.exception, at.exception
    assert loads == [], "the dataset's events are analysed where they are: no table is read whole"
    assert not at.error, [e.value for e in at.error]
    metrics = _metrics(at)
    assert set(metrics) == {"Visits", "Visits that buy", "Browse to buy", "Carts abandoned"}
    events = demo.events
    assert int(metrics["Visits"].replace(",", "")) == events["session_id"].nunique()
    funnel = _frame(at, "stage").set_index("stage")["sessions"]  # steps named in words, not codes
    assert list(funnel.index) == ["Visits", "Viewed a product", "Added to cart", "Bought"]
    assert funnel["Bought"] == events.loc[events["event"] == "purchase", "session_id"].nunique()
    channels = _frame(at, "channel").set_index("channel")
    assert channels.loc["social", "browse_to_buy"] < channels.loc["direct", "browse_to_buy"]  # as planted
    segments = _frame(at, "segment")
    assert "Champions" in set(segments["segment"])  # RFM segments of the Segments page
    assert set(_frame(at, "products")["customer_id"].dropna()) <= set(demo.customers["customer_id"])
    planted = set(demo.truth.journeys.viewed_not_bought)
    assert set(_frame(at, "view_to_buy")["product_id"].head(8)) == planted
    assert set(demo.truth.journeys.zero_result_terms) <= set(_frame(at, "term")["term"].head(6))
    assert "95% interval" in page_text(at)
    assert len(at.get("plotly_chart")) >= 4  # the funnel, and browse-to-buy by segment, channel, device
    assert len(at.get("download_button")) >= 7  # every table can be taken away


def test_journeys_page_reads_in_chinese(app_page):
    at = app_page(PAGE, lang="zh")
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert set(_metrics(at)) == {"访问数", "下单访问占比", "浏览到购买", "购物车放弃率"}
    assert has_chinese(page_text(at)) and "95% 区间" in page_text(at)


def test_an_upload_with_chinese_headers_is_read_whole_and_protected_in_privacy_mode(app_page, monkeypatch):
    monkeypatch.setenv("PROMO_PRIVACY", "force")
    monkeypatch.setenv("PROMO_PSEUDONYM_KEY", "test-key")
    at = app_page(PAGE)
    at.toggle(key="journeys-segments").set_value(False).run()
    at.radio(key="journeys-source").set_value("upload").run()
    rows = ["行为类型,时间,会员ID,商品编码,金额",
            "浏览,2026-03-01 10:00,alice,P0001,",
            "加入购物车,2026-03-01 10:01,alice,P0001,12.5",
            "浏览,2026-03-01 11:00,bob,P0002,",
            "加入购物车,2026-03-01 11:02,bob,P0002,3",
            "购买,2026-03-01 11:05,bob,P0002,3",
            "点赞,2026-03-01 11:06,bob,P0002,"]
    at.file_uploader[0].set_value(("events.csv", "\n".join(rows).encode(), "text/csv")).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    metrics = _metrics(at)
    assert metrics["Visits"] == "2" and metrics["Carts abandoned"] == "50.0%"
    text = page_text(at)
    assert "“行为类型”" in text and "has no session id" in text
    carts = _frame(at, "bought_later")
    assert carts["value"].tolist() == [12.5]
    assert not carts["customer_id"].isin(["alice", "bob"]).any(), "customer ids are pseudonymised"
    assert _frame(at, "reason")["reason"].tolist() == [
        "event name “点赞” is not one PromoLens knows (view, add to cart, remove from cart, search, wishlist, purchase)"]


def test_an_upload_without_events_is_explained_not_a_traceback(app_page):
    at = app_page(PAGE)
    at.radio(key="journeys-source").set_value("upload").run()
    at.file_uploader[0].set_value(("numbers.csv", b"a,b\n5,1\n3,2\n", "text/csv")).run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] and "needs a column for the event" in at.error[0].value


def test_events_uploaded_on_the_data_page_are_the_journeys_pages_default(app_page, own_workspace, demo, monkeypatch):
    """A GA4 export uploaded on the Data page becomes the active dataset's events (its rows counted,
    the unknown ones set aside with their reason), protected in privacy mode, and the Journeys page
    analyses them by default."""
    import pandas as pd

    monkeypatch.setenv("PROMO_PRIVACY", "force")
    monkeypatch.setenv("PROMO_PSEUDONYM_KEY", "test-key")

    from tests.conftest import page_text

    customers = demo.customers["customer_id"].head(2).tolist()
    t0 = 1767607200000000
    rows = [("view_item", t0, customers[0], 1, "P0001"), ("add_to_cart", t0 + 60_000_000, customers[0], 1, "P0001"),
            ("view_item", t0 + 90_000_000_000, customers[1], 2, "P0002"),
            ("add_to_cart", t0 + 90_060_000_000, customers[1], 2, "P0002"),
            ("purchase", t0 + 90_120_000_000, customers[1], 2, "P0002"),
            ("scroll", t0 + 90_130_000_000, customers[1], 2, None)]
    csv = pd.DataFrame(rows, columns=["event_name", "event_timestamp", "user_pseudo_id", "ga_session_id",
                                      "items.item_id"]).to_csv(index=False)
    at = app_page("pages/data.py")
    uploader = next(u for u in at.get("file_uploader") if u.key == "events-upload-0")
    uploader.set_value(("ga4.csv", csv.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    metrics = _metrics(at)
    assert (metrics["Rows in the file"], metrics["Events kept"], metrics["Rows set aside"]) == ("6", "5", "1")
    text = page_text(at)
    assert "user_pseudo_id" in text and "holds 5 browsing events from ga4.csv" in text
    assert "get the same pseudonyms as its sales" in text
    ws = Workspace(own_workspace)
    stored = ws.load_table(ws.list_datasets()["id"].iloc[0], "events")
    assert len(stored) == 5 and not stored["customer_id"].isin(customers).any()  # pseudonyms only
    assert stored["customer_id"].str.fullmatch(r"P[0-9a-f]{16}").all()
    reasons = _frame(at, "rows")
    assert reasons["reason"].tolist() == [  # (counted by reason, without the name each row held)
        "the event name is not one PromoLens knows (view, add to cart, remove from cart, search, wishlist, "
        "purchase)"] and reasons["rows"].tolist() == [1]
    at.switch_page("pages/journeys.py")
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    metrics = _metrics(at)
    assert metrics["Visits"] == "2" and metrics["Carts abandoned"] == "50.0%"
    assert "holds 5 browsing events from ga4.csv" in page_text(at)
    funnel = _frame(at, "stage").set_index("stage")["sessions"]
    assert funnel.tolist() == [2, 2, 2, 1]
