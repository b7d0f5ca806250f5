"""The real app in Chromium: open Segments on the demo retailer, see the headline and the charts in
every tab draw, and download the CRM list and the playbook."""
import csv
import io

from playwright.sync_api import expect

from tests.browser.conftest import open_page, wait_idle
from tests.browser.test_languages import _switch


def test_segments_click_through_and_crm_download(page):
    open_page(page, "Segments")
    page.get_by_test_id("stMetric").filter(has_text="Value at risk").wait_for(timeout=180_000)
    wait_idle(page)
    assert page.get_by_test_id("stException").count() == 0
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)  # treemap

    drawn = {}
    for tab in ("Behavioural clusters", "Lifetime value", "Migration", "Online & offline"):
        page.get_by_role("tab", name=tab).click()
        panel = page.get_by_role("tabpanel", name=tab)
        panel.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
        drawn[tab] = panel.locator(".js-plotly-plot").count()
        if tab == "Migration":
            links = panel.locator(".sankey-link")
            links.first.wait_for(state="attached", timeout=30_000)
            assert links.count() > 20, "the Sankey draws the flows between segments"
        if tab == "Lifetime value":
            panel.get_by_text("it earns its keep").wait_for(timeout=30_000)
    assert drawn["Behavioural clusters"] >= 1 and drawn["Lifetime value"] >= 3
    assert drawn["Migration"] == 1 and drawn["Online & offline"] == 1
    # a tab's content runs only while it is open; the open tab stays open in the other language
    assert page.get_by_role("tabpanel", name="Migration").locator(".js-plotly-plot").count() == 0
    _switch(page, "中文")
    expect(page.get_by_role("tab", name="线上与线下")).to_have_attribute("aria-selected", "true", timeout=60_000)
    page.get_by_role("tabpanel", name="线上与线下").locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    _switch(page, "English")

    page.get_by_role("tab", name="Playbook & export").click()
    with page.expect_download(timeout=120_000) as crm:
        page.get_by_role("button", name="Download CRM list (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(crm.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) > 19_000 and len({r["customer_id"] for r in rows}) == len(rows)
    assert {"customer_id", "segment", "r_score", "f_score", "m_score", "cluster", "cluster_name", "clv", "p_alive",
            "channel_type", "action"} <= set(rows[0])
    assert all(0 <= float(r["p_alive"]) <= 1 for r in rows[:500])

    with page.expect_download(timeout=60_000) as book:
        page.get_by_role("button", name="Download the playbook").click()
    lines = book.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "segment,action,offer,send_coupon" and len(lines) == 12
