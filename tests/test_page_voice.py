"""AppTest of the Voice of the customer page on the demo reviews, in English and Chinese."""
from __future__ import annotations

from tests.conftest import has_chinese, page_text
from tests.test_page_segments import _frame, _metrics

PAGE = "pages/voice.py"


def test_voice_page_finds_the_planted_problems_in_the_demo_reviews(app_page):
    at = app_page(PAGE)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    metrics = _metrics(at)
    assert int(metrics["Texts"].replace(",", "")) == 2400
    assert 50 < float(metrics["Positive"].rstrip("%")) < 90
    text = page_text(at)
    assert "demo reviews" in text and "Sentiment labels come from" in text
    products = _frame(at, "top_negative_aspect")
    top = products.head(5)
    # the planted problems lead the ranking, each with the aspect that was planted
    assert {"packaging", "taste / freshness", "quality"} <= set(top["top_negative_aspect"])
    assert products["summary"].notna().all()
    accuracy = _frame(at, "accuracy").set_index("method")["accuracy"]
    assert accuracy["always the most common label"] < accuracy["libraries (VADER / SnowNLP)"]
    assert "A correlation is not a cause" in text
    assert len(at.get("download_button")) >= 6  # every table can be taken away
    assert len(at.get("plotly_chart")) >= 5  # per week: all, a product, a category; aspects; the lags


def test_voice_page_reads_in_chinese(app_page):
    at = app_page(PAGE, lang="zh")
    assert not at.exception, at.exception
    assert set(_metrics(at)) == {"文本数", "正面", "负面", "平均情感"}
    text = page_text(at)
    assert has_chinese(text) and "相关不等于因果" in text
    assert "价格" in set(_frame(at, "aspect")["aspect"])


def test_an_upload_with_chinese_headers_is_read_whole_and_protected_in_privacy_mode(app_page, monkeypatch):
    monkeypatch.setenv("PROMO_PRIVACY", "force")
    monkeypatch.setenv("PROMO_PSEUDONYM_KEY", "test-key")
    at = app_page(PAGE)
    at.radio(key="voice-source").set_value("upload").run()
    rows = ["评价内容,评价时间,商品编码,评分,会员id",
            "质量很好，物流很快,2025-03-01,P0001,5,alice",
            "Arrived broken. Write to me at bob.smith@example.com,2025-03-02,P0002,1,bob",
            ",2025-03-03,P0003,3,carol",
            "Great value for money,2025-03-04,P0001,4,alice"]
    at.file_uploader[0].set_value(("reviews.csv", "\n".join(rows).encode(), "text/csv")).run()
    assert not at.exception, at.exception
    assert _metrics(at)["Texts"] == "3"
    text = page_text(at)
    assert "1 row(s) have no text" in text and "“评价内容”" in text
    texts = _frame(at, "aspects")
    assert not texts["customer_id"].isin(["alice", "bob"]).any(), "customer ids are pseudonymised"
    assert texts["customer_id"].nunique() == 2
    assert not texts["text"].str.contains("bob.smith").any(), "e-mail addresses in texts are redacted"
    assert _frame(at, "reason")["reason"].tolist() == ["no text in this row"]


def test_an_upload_without_text_is_explained_not_a_traceback(app_page):
    at = app_page(PAGE)
    at.radio(key="voice-source").set_value("upload").run()
    at.file_uploader[0].set_value(("numbers.csv", b"rating,score\n5,1\n3,2\n", "text/csv")).run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] and "No column holds text" in at.error[0].value
