"""AppTest of the Journeys page on the demo retailer's browsing events, in English and Chinese."""
from __future__ import annotations

from tests.conftest import has_chinese, page_text
from tests.test_page_segments import _frame, _metrics

PAGE = "pages/journeys.py"


def test_journeys_page_shows_the_demo_funnel_and_its_lists(app_page, demo):
    at = app_page(PAGE)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    metrics = _metrics(at)
    assert set(metrics) == {"Visits", "Visits that buy", "Browse to buy", "Carts abandoned"}
    events = demo.events
    assert int(metrics["Visits"].replace(",", "")) == events["session_id"].nunique()
    funnel = _frame(at, "stage").set_index("stage")["sessions"]
    assert funnel["purchased"] == events.loc[events["event"] == "purchase", "session_id"].nunique()
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
        "The event name is not one PromoLens knows (view, add to cart, remove from cart, search, wishlist, purchase)."]


def test_an_upload_without_events_is_explained_not_a_traceback(app_page):
    at = app_page(PAGE)
    at.radio(key="journeys-source").set_value("upload").run()
    at.file_uploader[0].set_value(("numbers.csv", b"a,b\n5,1\n3,2\n", "text/csv")).run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] and "needs a column for the event" in at.error[0].value
