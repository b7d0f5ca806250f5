"""The real app in Chromium: open Coupons on the demo's coupon campaign, see the lift, Qini and
profit charts draw, download the target list, rebuild the campaign from the sales' coupon codes and
a recipient list, then upload a slice of Hillstrom's e-mail test."""
import csv
import io

import pandas as pd

from tests.browser.conftest import ROOT, open_page, wait_idle

HILLSTROM = ROOT.parent / "shared" / "data" / "hillstrom.csv"


def test_coupons_click_through_download_and_upload(page, tmp_path, demo):
    open_page(page, "Coupons")
    # (the tabs are lazy: only the open one, "Did it work?", is drawn until another is clicked)
    page.get_by_test_id("stMetric").filter(has_text="coupon_10 · converted").first.wait_for(state="attached",
                                                                                    timeout=180_000)
    wait_idle(page)
    assert page.get_by_test_id("stException").count() == 0
    first = page.get_by_role("tabpanel", name="Did it work?")
    first.locator(".js-plotly-plot").first.wait_for(timeout=30_000)  # lift bars with intervals
    assert first.get_by_text("coupon_10 raised the converted rate by").count() == 1

    page.get_by_role("tab", name="Who does it move?").click()
    who = page.get_by_role("tabpanel", name="Who does it move?")
    who.locator(".js-plotly-plot").nth(1).wait_for(timeout=30_000)  # Qini curves and deciles
    assert who.locator(".js-plotly-plot .scatterlayer .trace").count() >= 5  # four models and random

    page.get_by_role("tab", name="Whom to send next").click()
    send = page.get_by_role("tabpanel", name="Whom to send next")
    send.locator(".js-plotly-plot").nth(1).wait_for(timeout=30_000)  # strategies and profit curve
    with page.expect_download(timeout=60_000) as download:
        send.get_by_role("button", name="Download the target list (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert list(rows[0])[:5] == ["customer_id", "coupon", "expected_uplift", "expected_incremental_profit", "rank"]
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1)) and len(rows) > 100
    assert all(float(r["expected_incremental_profit"]) > 0 for r in rows)

    # the same campaign rebuilt from the sales' coupon codes and the list of who got what (its lifts: the first tab)
    page.get_by_role("tab", name="Did it work?").click()
    wait_idle(page)
    recipients = tmp_path / "recipients.csv"
    demo.campaign[["customer_id", "arm"]].to_csv(recipients, index=False)
    page.get_by_text("Campaign data").click()
    page.get_by_text("Build from the coupon codes in the sales").click()
    wait_idle(page)
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Who got what")
    uploader.wait_for(timeout=30_000)
    uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(recipients))
    wait_idle(page)
    assert page.get_by_test_id("stException").count() == 0
    lift = demo.campaign.groupby("arm")["converted"].mean()
    metric = page.get_by_test_id("stMetric").filter(has=page.get_by_text("coupon_10 · converted", exact=True))
    metric.wait_for(timeout=120_000)
    assert f"{100 * (lift['coupon_10'] - lift['control']):+.1f} pts" in metric.inner_text()

    # an uploaded experiment: the first 8,000 customers of Hillstrom's e-mail test
    sample = tmp_path / "hillstrom-sample.csv"
    frame = pd.read_csv(HILLSTROM, nrows=8000)
    frame.to_csv(sample, index=False)
    expected = frame.groupby("segment")["visit"].mean()
    page.get_by_text("Upload an experiment file").click()
    wait_idle(page)
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Experiment file")
    uploader.wait_for(timeout=30_000)
    uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(sample))
    metric = page.get_by_test_id("stMetric").filter(has=page.get_by_text("Mens E-Mail · visit", exact=True))
    metric.wait_for(timeout=180_000)
    wait_idle(page)
    assert page.get_by_test_id("stException").count() == 0
    lift = 100 * (expected["Mens E-Mail"] - expected["No E-Mail"])
    assert f"{lift:+.1f} pts" in metric.inner_text()
    assert page.get_by_test_id("stMetric").filter(has_text="Womens E-Mail · spend").count() == 1
    page.get_by_role("tab", name="Who does it move?").click()
    page.get_by_role("tabpanel", name="Who does it move?").get_by_text("For Mens E-Mail").wait_for(timeout=120_000)
