"""The real app in Chromium: open Recommendations on the demo retailer, see the verdict and the
charts draw, switch to repeat purchases, and download every customer's recommendations and the
basket rules."""
import csv
import io

from tests.browser.conftest import open_page, wait_idle


def test_recommendations_click_through_and_downloads(page, tmp_path):
    open_page(page, "Recommendations")
    page.get_by_test_id("stMetric").filter(has_text="Lift over popularity").wait_for(timeout=120_000)
    verdict = page.get_by_test_id("stAlertContentSuccess")
    verdict.wait_for(timeout=60_000)
    assert "Use Hidden tastes (ALS)" in verdict.inner_text()  # products new to each customer: ALS wins
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    assert page.locator(".js-plotly-plot").count() >= 3  # bought-with bars, rules heatmap, model comparison

    with page.expect_download(timeout=120_000) as recs:
        page.get_by_role("button", name="Download recommendations for every customer (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(recs.value.path().read_text(encoding="utf-8-sig"))))
    assert list(rows[0]) == ["customer_id", "rank", "product_id", "product_name", "score", "reason"]
    assert len({r["customer_id"] for r in rows}) > 15_000 and rows[0]["rank"] == "1"

    with page.expect_download(timeout=60_000) as rules:
        page.get_by_role("button", name="Download all rules (CSV)").click()
    header = rules.value.path().read_text(encoding="utf-8-sig").splitlines()[0]
    assert "confidence" in header and "lift" in header

    page.get_by_text("Settings").first.click()
    page.get_by_text("Include products already bought").click()
    wait_idle(page)
    # with repeat purchases in the lists, co-purchase neighbours win (staples are rebought)
    page.get_by_text("Use Bought together (item kNN)").wait_for(timeout=120_000)
    page.get_by_test_id("stDataFrame").first.wait_for(timeout=60_000)
    assert page.get_by_test_id("stException").count() == 0
