"""The real app in Chromium: upload a CSV through the file uploader, see what was read, save it,
and see its profile."""
from playwright.sync_api import expect

from tests.browser.conftest import wait_idle

CSV = ("Order ID,Customer,Order Date,SKU,Product Name,Qty,Price,Category\n"
       + "".join(f"{1000 + i},C{i % 7},2024-0{1 + i % 9}-1{i % 10} 12:00,S{i % 5},Item {i % 5},{1 + i % 3},{2.5 + i % 4},"
                 f"{'Tea' if i % 2 else 'Mugs'}\n" for i in range(60))
       + "1060,C1,not a date,S1,Item 1,1,2.5,Tea\n")


def test_upload_csv_then_see_its_profile(page, tmp_path):
    path = tmp_path / "browser_shop.csv"
    path.write_text(CSV, encoding="utf-8")
    sales = page.get_by_test_id("stFileUploader").filter(has_text="Sales file")  # (the page also takes events)
    sales.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    wait_idle(page)
    page.get_by_text("Read 61 rows from browser_shop.csv").wait_for(timeout=60_000)
    quarantined = page.get_by_test_id("stMetric").filter(has_text="Rows quarantined").first
    quarantined.wait_for(timeout=60_000)
    assert quarantined.inner_text().split()[-1] == "1"
    page.get_by_text("is not a date we can read").first.wait_for(state="attached", timeout=30_000)  # grid cell
    page.get_by_role("button", name="Save to workspace").click()
    wait_idle(page)
    page.get_by_text("now the active dataset").wait_for(timeout=60_000)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("combobox", name="Dataset").first).to_have_value("browser_shop", timeout=30_000)
    expect(sidebar.get_by_role("textbox", name="Currency symbol")).to_have_value("£")
    page.get_by_text("Profile of “browser_shop”").wait_for()
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    customers = page.get_by_test_id("stMetric").filter(has_text="Customers").first
    assert customers.inner_text().split()[-1] == "7"
    assert page.get_by_test_id("stException").count() == 0

    # delete it again through "Manage datasets": the sidebar falls back on the demo retailer,
    # which is also what the other browser tests expect to open on
    page.get_by_text("Manage datasets").click()
    wait_idle(page)
    manage = page.get_by_test_id("stExpander").filter(has_text="Yes, delete it for good")
    expect(manage.get_by_role("combobox", name="Dataset")).to_have_value("browser_shop")  # the active one
    manage.get_by_text("Yes, delete it for good").click()
    wait_idle(page)
    page.locator("[class*='st-key-delete-btn'] button").click()
    wait_idle(page)
    expect(sidebar.get_by_role("combobox", name="Dataset").first).to_have_value("Demo retailer", timeout=30_000)
    assert "browser_shop" not in manage.get_by_test_id("stDataFrame").inner_text()
