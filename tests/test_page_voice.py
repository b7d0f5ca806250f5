"""AppTest of the Voice of the customer page on the demo reviews, in English and Chinese."""
from __future__ import annotations

import pytest

from promo_core import i18n, privacy, report, voice
from promo_core.analyses import voice as analysis
from promo_core.engine.sales import fetch
from promo_core.store import Workspace
from tests.conftest import has_chinese, page_text
from tests.test_page_segments import _frame, _metrics

PAGE = "pages/voice.py"


@pytest.fixture(scope="module")
def before(demo_workspace):
    """The demo dataset's stored reviews, and the page's result before it read them: the demo texts
    it wrote itself for the dataset's products (``Params.texts`` None), unredacted, every step."""
    ws = Workspace(demo_workspace)
    dataset = ws.list_datasets()["id"].iloc[0]
    with ws.ibis_table(dataset) as sales, ws.ibis_table(dataset, "reviews") as reviews:
        return fetch(reviews), analysis.run(sales, analysis.Params())


def test_voice_page_finds_the_planted_problems_in_the_demo_reviews(app_page, before):
    stored, old = before
    at = app_page(PAGE)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.radio(key="voice-source").value == "dataset"  # the dataset's own reviews, by default
    # they are the texts the page wrote for the demo before, so its numbers are the same: shares
    # and labels exactly; the one intended difference is that the stored texts are redacted as the
    # report's are (analyses.voice.redacted), which moves the scores of the few texts that carried
    # an e-mail address or a phone number (and, through the classifier, others by little)
    read = voice.text_table(stored).data
    assert old.texts[read.columns].reset_index(drop=True).equals(read.reset_index(drop=True))
    metrics = _metrics(at)
    assert metrics["Texts"] == i18n.fmt_number(old.n_texts, 0, "en") == "2,400"
    assert metrics["Positive"] == i18n.fmt_pct(old.share_positive, 0)
    assert metrics["Negative"] == i18n.fmt_pct(old.share_negative, 0)
    assert metrics["Mean sentiment"] == i18n.fmt_number(old.mean_score, 2, "en")
    assert 50 < float(metrics["Positive"].rstrip("%")) < 90
    shown = _frame(at, "aspects")
    assert shown["label"].tolist() == report.voice_named(old.texts.head(len(shown)))["label"].tolist()
    personal = stored["text"].map(privacy.contains_personal)
    assert personal.sum() > 0 and not shown["text"].map(privacy.contains_personal).any()
    assert shown["text"].tolist() == analysis.redacted(stored)["text"].head(len(shown)).tolist()
    text = page_text(at)
    assert "The 2,400 reviews and posts stored with the dataset “Demo retailer”" in text
    assert "Sentiment labels come from" in text
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


def test_a_dataset_without_reviews_is_offered_demo_reviews_written_for_its_products(app_page, demo_tx, tmp_path,
                                                                                     monkeypatch):
    path = tmp_path / "promo.duckdb"
    Workspace(path).save_dataset("No reviews", {"transactions": demo_tx.head(200)})
    monkeypatch.setenv("PROMO_WORKSPACE", str(path))  # (after app_page's: the page opens this workspace)
    at = app_page(PAGE)
    assert not at.exception, at.exception
    assert at.radio(key="voice-source").options == ["Demo reviews", "Upload a file"]
    assert "These are demo reviews" in page_text(at)
    assert set(_frame(at, "aspects")["product_id"].dropna()) <= set(demo_tx.head(200)["product_id"])
