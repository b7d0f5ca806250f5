"""The real app in Chromium: save the Data page's analysis, build a report on the Reports page,
download the HTML report and the workbook, and open the report with every network request
blocked: its charts still draw."""
import openpyxl

from tests.browser.conftest import open_page, wait_idle


def test_save_an_analysis_then_download_the_report_and_open_it_offline(page, browser, tmp_path):
    page.get_by_text("Save this analysis to a report").click()
    page.get_by_role("textbox", name="Name").fill("Browser profile <b>bold?</b>")
    page.get_by_role("button", name="Save analysis").click()
    wait_idle(page)
    page.get_by_text("Saved “Browser profile <b>bold?</b>”").wait_for(timeout=60_000)

    open_page(page, "Reports")
    page.get_by_test_id("stMetric").filter(has_text="In the report").first.wait_for(timeout=60_000)
    page.get_by_text("1. Browser profile <b>bold?</b>").first.click()  # open the preview
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)

    with page.expect_download(timeout=60_000) as html_download:
        page.get_by_role("button", name="Download HTML report").click()
    report_path = tmp_path / "report.html"
    html_download.value.save_as(report_path)
    assert html_download.value.suggested_filename.startswith("promolens-report-")
    with page.expect_download(timeout=60_000) as xlsx_download:
        page.get_by_role("button", name="Download Excel workbook").click()
    book_path = tmp_path / "report.xlsx"
    xlsx_download.value.save_as(book_path)
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames[0] == "Contents" and "1.1 Top products" in book.sheetnames

    offline = browser.new_context(offline=True)
    requests = []
    offline.route("**/*", lambda route: (requests.append(route.request.url),
                                         route.continue_() if route.request.url.startswith("file:") else route.abort()))
    report = offline.new_page()
    report.goto(report_path.as_uri())
    report.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    assert report.locator(".js-plotly-plot").count() >= 2
    assert report.locator(".js-plotly-plot .main-svg").count() > 0  # drawn, not just placeholders
    assert report.get_by_role("heading", name="1. Browser profile <b>bold?</b>").count() == 1
    assert report.locator("b").count() == 0  # the saved name was escaped, not rendered as HTML
    assert [u for u in requests if not u.startswith("file:")] == []
    offline.close()
