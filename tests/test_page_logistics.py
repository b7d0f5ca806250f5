"""AppTest of the Logistics page on the demo retailer: forecasts with backtest and promotion uplift,
stock policy, network plan with what-ifs, in English and Chinese, with and without a Pricing scenario."""
from __future__ import annotations

import pandas as pd

from tests.conftest import page_text, page_with_failure

PAGE = "pages/logistics.py"


def _metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def _number(value: str) -> float:
    return float(value.replace("£", "").replace(",", "").replace("%", "").replace("+", ""))


def _frame(at, name_part: str) -> pd.DataFrame:
    """The first table on the page that has a column containing ``name_part``."""
    for df in at.dataframe:
        if any(name_part in str(c) for c in df.value.columns):
            return df.value
    raise AssertionError(f"no table with a column like {name_part!r}")


def test_logistics_page_forecasts_stocks_and_plans_the_network(app_page, demo):
    at = app_page(PAGE)
    assert not at.exception, at.exception
    metrics = _metrics(at)
    text = page_text(at)
    # forecast: a model that beats last year's copy, and the default promotion's uplift
    assert metrics["Most accurate model"] in ("Holt-Winters", "Gradient boosting")
    assert _number(metrics["Error vs last year's copy"]) < 0
    assert _number(metrics["Promotion uplift"]) > 0
    assert "estimated from your sales (Pricing model)" in text
    backtest = _frame(at, "MASE vs seasonal naive")
    assert len(backtest) == 3 and backtest["MASE"].notna().all()
    assert "refitted 4 times" in text
    # stock policy: one row per product, safety stock and reorder points
    policy = _frame(at, "reorder_point")
    assert len(policy) == demo.products.shape[0]
    assert (policy["reorder_point"] >= policy["safety_stock"]).all()
    assert 0.95 <= _number(metrics["Fill rate"]) / 100 <= 1
    # network: optimal plan that serves every store's demand
    assert "Proven optimal by HiGHS" in text
    flows = _frame(at, "shipping_cost")
    assert flows["units"].sum() == demo.stores["demand"].sum()
    assert metrics["Warehouses open"].endswith("/ 8")


def test_what_if_single_sourcing_and_category_level(app_page):
    at = app_page(PAGE)
    at.slider(key="lg-demand").set_value(0).run()
    assert "Close a warehouse, change a capacity" in page_text(at)
    flows = _frame(at, "shipping_cost")
    busiest = flows.groupby("warehouse_id")["units"].sum().idxmax()
    at.multiselect(key="lg-close").set_value([busiest]).run()
    assert not at.exception, at.exception
    metrics = {m.label: m for m in at.metric}
    assert _number(metrics["Scenario cost a week"].value) >= _number(metrics["Network cost a week"].value)
    changes = _frame(at, "scenario_open")
    assert busiest in set(changes["site_id"])
    at.toggle(key="lg-single").set_value(True).run()
    assert not at.exception, at.exception
    flows = _frame(at, "shipping_cost")
    assert flows.groupby("store_id")["warehouse_id"].nunique().max() == 1
    at.selectbox(key="lg-level").set_value("category").run()
    assert not at.exception, at.exception
    backtest = _frame(at, "MASE vs seasonal naive")
    assert (backtest["Series"] == 10).all()


def test_chinese_page_uses_the_pricing_scenario(app_page, demo):
    start = pd.Timestamp("2026-12-07")
    scenario = {"level": "category", "target": "Snacks", "discount": 0.25, "start": str(start.date()),
                "end": str((start + pd.Timedelta(days=13)).date()), "elasticity": -1.8}
    at = app_page(None, lang="zh")
    at.session_state["pricing_scenario"] = scenario
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    text = page_text(at)
    assert "使用“定价”页面规划的促销" in [t.label for t in at.toggle]
    assert "Snacks 打 7.5 折" in text
    metrics = _metrics(at)
    assert "最准确的模型" in metrics and "每周网络成本" in metrics
    assert _number(metrics["促销带来的增量"].replace("万", "")) > 0


def test_a_forecast_that_cannot_be_made_still_leaves_the_network_plan(app_page, monkeypatch):
    from promo_core import forecast
    from promo_core.errors import DataError

    too_short = DataError("The sales cover only 8 complete weeks; forecasts need at least 12.")
    at = page_with_failure(app_page, monkeypatch, PAGE, forecast, "forecast_demand", too_short)
    assert [e.value for e in at.error] == ["The sales cover only 8 complete weeks; forecasts need at least 12."]
    assert "The stock policy starts from the demand forecast, which could not be made" in page_text(at)
    assert _number(_metrics(at)["Network cost a week"]) > 0
