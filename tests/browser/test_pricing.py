"""The real app in Chromium: open Pricing on the demo retailer, click through its four sections,
download the price recommendations, hand a promotion to Logistics, then upload the real
retail_price.csv as pricing data (monthly, with competitor prices) and see it estimated."""
import csv
import io
import re

from playwright.sync_api import expect

from tests.browser.conftest import open_page, wait_idle


def _use_demo(page) -> None:
    """Other browser tests may have saved newer datasets; this test is about the demo retailer."""
    box = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Dataset").first
    box.wait_for(timeout=60_000)
    if box.input_value() != "Demo retailer":
        box.click()
        page.get_by_role("option", name="Demo retailer").click()
        wait_idle(page)


def test_pricing_click_through_download_and_upload(page, shared_data):
    _use_demo(page)
    open_page(page, "Pricing")
    page.get_by_test_id("stMetric").filter(has_text="Dependable categories").wait_for(timeout=180_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)

    page.get_by_role("tab", name="Optimal prices").click()
    wait_idle(page)
    prices = page.get_by_role("tabpanel", name="Optimal prices")
    prices.get_by_test_id("stMetric").filter(has_text="Prices to raise").wait_for(timeout=120_000)
    prices.locator(".js-plotly-plot").first.wait_for(timeout=30_000)  # demand and profit curve
    with page.expect_download(timeout=60_000) as download:
        prices.get_by_role("button", name="Download CSV").first.click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) == 500 and "Recommended price" in rows[0] and "Chance of more profit" in rows[0]

    page.get_by_role("tab", name="Promotion simulator").click()
    wait_idle(page)
    promos = page.get_by_role("tabpanel", name="Promotion simulator")
    promos.get_by_test_id("stMetric").filter(has_text="Best scenario for gross margin").wait_for(timeout=120_000)
    promos.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    promos.get_by_role("button", name="Use this scenario in the demand forecast").click()
    wait_idle(page)
    page.get_by_text("The Logistics page will forecast").wait_for(timeout=60_000)

    page.get_by_role("tab", name="Dynamic pricing").click()
    wait_idle(page)
    dynamic = page.get_by_role("tabpanel", name="Dynamic pricing")
    dynamic.get_by_test_id("stMetric").filter(has_text="Thompson sampling vs fixed price").wait_for(timeout=120_000)
    dynamic.locator(".js-plotly-plot").nth(1).wait_for(timeout=30_000)  # cumulative earnings and regret

    page.get_by_text("Data for this page", exact=True).click()  # (the optimal-prices tab's caption names it too)
    page.get_by_text("A pricing-data upload").click()
    wait_idle(page)
    # the pricing-data uploader by its key: under load the radio's rerun may not have drawn it yet, and
    # the first uploader on the page was then the price list's (it failed once in the full run so)
    uploader = page.locator(".st-key-pr-upload").get_by_test_id("stFileUploaderDropzoneInput")
    uploader.wait_for(state="attached", timeout=60_000)
    uploader.set_input_files(str(shared_data / "retail_price.csv"))
    wait_idle(page)
    # 676 product-months with sales + 39 without
    page.get_by_text("Demand model fitted on 715 product-months").wait_for(timeout=180_000)
    categories = page.get_by_test_id("stMetric").filter(has_text="Dependable categories").first
    # "n / 9": nine categories, honestly flagged (waited for: the caption above it may arrive while the
    # demo's "10 / 10" is still drawn)
    expect(categories).to_have_text(re.compile(r"/\s*9\s*$"), timeout=60_000)
    assert page.get_by_text("comp_1").count() > 0  # competitor prices kept as controls
    assert page.get_by_test_id("stException").count() == 0
