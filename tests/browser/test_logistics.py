"""The Logistics page in Chromium with every request off the loopback address blocked: the forecast
chart, the stock curve and the network map render offline (no map tiles, no token), a what-if
re-optimises, and the plan downloads as CSV. The tabs draw only while open (each is clicked first)."""
import csv
import io

from tests.browser.conftest import open_page, wait_idle


def _offline(page) -> list:
    """Abort any request that leaves 127.0.0.1; return the list of what was blocked."""
    blocked = []

    def handle(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", handle)
    return blocked


def _plot_in(panel, title: str):
    """The Plotly chart in ``panel`` whose title contains ``title``, once it has drawn its traces."""
    chart = panel.locator(".js-plotly-plot").filter(has_text=title).first
    chart.wait_for(timeout=90_000)
    chart.locator(".scatterlayer .trace").first.wait_for(state="attached", timeout=30_000)
    return chart


WAREHOUSES = "Warehouse,Latitude,Longitude,Capacity,Fixed cost\nNorth Hub,53.48,-2.24,120,500\nSouth Hub,51.51,-0.13,120,400\n"
STORES = "Store,Latitude,Longitude,Demand\nLeeds,53.80,-1.55,40\nBristol,51.45,-2.59,30\nBrighton,50.82,-0.14,35\n"


def test_logistics_click_through_offline(page, tmp_path):
    blocked = _offline(page)
    open_page(page, "Logistics")
    panels = page.get_by_test_id("stTabPanel")

    # forecast: chart with history, three models and the interval band; the backtest table
    forecast = _plot_in(page, "Weekly demand")
    assert forecast.locator(".scatterlayer .trace").count() >= 5
    page.get_by_text("How well each model forecast the past").wait_for()
    assert page.get_by_test_id("stMetric").filter(has_text="Promotion uplift").count() == 1

    # stock policy: service-level curve
    page.get_by_role("tab", name="Stock policy").click()
    wait_idle(page)
    _plot_in(panels.nth(1), "What a higher service level costs")

    # network: map drawn offline, what-if, flows download
    page.get_by_role("tab", name="Warehouse network").click()
    wait_idle(page)
    network = panels.nth(2)
    network_map = _plot_in(network, "Optimal network")
    assert network_map.locator(".scatterlayer .trace").count() >= 3  # flows, stores, open warehouses
    assert network_map.locator(".scatterlayer .point").count() >= 20  # at least every store
    network.get_by_text("Proven optimal by HiGHS").wait_for()

    network.get_by_role("slider").last.focus()  # the demand what-if: step it up by one percent
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    network.get_by_test_id("stMetric").filter(has_text="Scenario cost a week").wait_for(timeout=60_000)

    with page.expect_download(timeout=60_000) as info:
        page.locator("[class*='st-key-dl-network_plan_flows']").get_by_role("button").click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
    assert rows and {"warehouse_id", "store_id", "units", "shipping_cost"} <= set(rows[0])
    assert round(sum(float(r["units"]) for r in rows)) > 0

    # the user's own network from two uploaded CSVs
    (tmp_path / "warehouses.csv").write_text(WAREHOUSES, encoding="utf-8")
    (tmp_path / "stores.csv").write_text(STORES, encoding="utf-8")
    page.get_by_text("Use your own network").click()  # (above the tabs: an upload outlives a closed tab)
    uploads = page.get_by_test_id("stFileUploaderDropzoneInput")
    uploads.nth(0).set_input_files(str(tmp_path / "warehouses.csv"))
    wait_idle(page)
    uploads.nth(1).set_input_files(str(tmp_path / "stores.csv"))
    wait_idle(page)
    opened = network.get_by_test_id("stMetric").filter(has_text="Warehouses open").first
    opened.get_by_text("/ 2").wait_for(timeout=60_000)
    _plot_in(network, "Optimal network")
    assert page.get_by_test_id("stException").count() == 0
    assert not [u for u in blocked if "tile" in u or "mapbox" in u or "topojson" in u]
