"""AppTest of the Logistics page on the demo retailer: forecasts with backtest and promotion uplift,
stock policy, network plan with what-ifs, in English and Chinese, with and without a Pricing scenario;
the numbers of the page and the report before the redesign; reruns that compute nothing."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

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
    backtest = _frame(at, "mase_vs_naive")
    assert len(backtest) == 3 and backtest["mase"].notna().all()
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
    backtest = _frame(at, "mase_vs_naive")
    assert (backtest["n_series"] == 10).all()


def test_chinese_page_uses_the_promotion_the_pricing_page_planned(app_page, demo_workspace):
    from promo_core.promotions import PlannedPromotion
    from promo_core.store import Workspace

    start = pd.Timestamp("2026-12-07")
    planned = PlannedPromotion(name="", mechanic="discount", level="category", target="Snacks", discount=0.25,
                               start=str(start.date()), end=str((start + pd.Timedelta(days=13)).date()),
                               elasticity=-1.8, estimated_elasticity=-1.8, expected_lift=0.68, pull_forward=0.0)
    ws = Workspace(demo_workspace)
    dataset = ws.list_datasets()["id"][0]
    ws.save_handoff(dataset, planned)  # (as the Pricing page's "send to Logistics" does, in any session)
    try:
        at = app_page(PAGE, lang="zh")
    finally:
        ws.delete_handoff(dataset, PlannedPromotion)
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


# --------------------------------------------------------------------------------------------
# The redesign keeps the numbers; a rerun that changes no computation touches no engine
# --------------------------------------------------------------------------------------------
GOLDEN = Path(__file__).parent / "golden" / "logistics_demo.json"
# How the page before the redesign rounded each table it showed (the redesign shows the values and
# formats them on screen); in the order the tables appear.
ROUNDED = [3, 2, 3, 2, 2, 3, 2, 2, 1]


def _same_digest(shown: pd.DataFrame, recorded: dict, digits: int, where: str) -> None:
    """``shown`` rounded as the old page rounded it has the recorded rows, column sums (to 1e-9)
    and first rows. Column names differ by design: the old page put headings in the interface
    language into the table (and its CSV), the redesign keeps codes and titles them on screen."""
    assert len(shown.columns) == len(recorded["columns"]) and len(shown) == recorded["rows"], where
    rounded = shown.copy()
    for col in rounded.columns:
        if pd.api.types.is_float_dtype(rounded[col]):
            rounded[col] = rounded[col].round(digits)
    names = dict(zip(recorded["columns"], rounded.columns))
    for old, total in recorded["sums"].items():
        np.testing.assert_allclose(rounded[names[old]].astype(float).sum(), total, rtol=1e-9, err_msg=f"{where}: {old}")
    for row, old in zip(rounded.head(len(recorded["head"])).itertuples(index=False), recorded["head"]):
        for new, value in zip(row, old):
            if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
                assert float(new) == pytest.approx(value, rel=1e-9, abs=1e-12), where
            elif value is None:
                assert new is None or pd.isna(new), where
            else:
                assert (str(new) if not isinstance(new, (bool, np.bool_)) else bool(new)) == value, where


# Changed on purpose since the recording (issue 14, item 5): the backtest no longer gives gradient boosting
# the test weeks' prices and a centred "regular price", so its forecasts and everything built on them (the
# forecast and stock tabs: these metrics and the first four tables) differ; tests/test_forecast_backtest.py
# proves the new backtest sees nothing after its cut. The network tab's numbers are compared as before.
FORECAST_METRICS = {"Most accurate model", "Error vs last year's copy", "Units, next 12 weeks", "Promotion uplift",
                    "Safety stock value", "Stock cost a year", "Fill rate", "Stock-outs a year",
                    "最准确的模型", "相对去年同期的误差", "未来 12 周销量", "促销带来的增量", "安全库存价值", "年库存成本",
                    "满足率", "年缺货次数"}
FORECAST_TABLES = 4


def _network(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if k not in FORECAST_METRICS}


def _same_page(at, recorded: dict, where: str) -> None:
    assert _network(_metrics(at)) == _network(recorded["metrics"]), where
    assert _metrics(at).keys() == recorded["metrics"].keys(), where
    tables = [df.value for df in at.dataframe]
    assert len(tables) == len(recorded["tables"]), where
    for i, (shown, old) in enumerate(zip(tables, recorded["tables"])):
        if i >= FORECAST_TABLES:
            _same_digest(shown, old, ROUNDED[i], f"{where} table {i}")


def test_the_redesign_keeps_the_numbers_of_the_page(app_page):
    """What the Logistics page showed on the demo before the redesign (recorded from the code at
    6b40118 by tests/golden/record_logistics.py), it shows now: every metric in English and
    Chinese, every table (rows, column sums, first rows), the texts, by default, with the busiest
    warehouse closed, with single sourcing and at the category level (``FORECAST_METRICS``: what
    issue 14 changed on purpose is no longer compared)."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    at = app_page(PAGE)
    at.session_state[DETAILS] = True  # (the forecast's details, drawn only while open, held two of the tables)
    at.run()
    assert not at.exception, at.exception
    _same_page(at, golden["page"], "default")
    assert next(n.value for n in at.number_input if n.key.startswith("lg-promo-elasticity")) == \
        golden["page"]["elasticity"]
    assert at.slider(key="lg-demand").value == golden["page"]["demand_change"]
    at.session_state["lang"] = "zh"
    at.run()
    assert _network(_metrics(at)) == _network(golden["page_zh"]["metrics"])
    at.session_state["lang"] = "en"
    at.run()
    at.slider(key="lg-demand").set_value(0).run()
    at.multiselect(key="lg-close").set_value([golden["close_busiest"]["warehouse"]]).run()
    _same_page(at, golden["close_busiest"], "busiest warehouse closed")
    at.toggle(key="lg-single").set_value(True).run()
    _same_page(at, golden["single_sourcing"], "single sourcing")
    at.selectbox(key="lg-level").set_value("category").run()
    _same_page(at, golden["category_level"], "category level")


DETAILS = "exp-lg-details"  # the forecast details' expander


def test_the_forecast_details_are_drawn_only_while_open_and_stay_open_in_chinese(app_page):
    """Every series' weekly forecast and backtest are sent to the browser only while their expander
    is open (on 20 million lines they were half a second of every rerun)."""
    at = app_page(PAGE)
    closed = len(at.dataframe)
    assert not any("uplift" in map(str, df.value.columns) for df in at.dataframe)
    at.session_state[DETAILS] = True
    at.run()
    assert len(at.dataframe) == closed + 2 and _frame(at, "uplift")["forecast"].notna().all()
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert len(at.dataframe) == closed + 2


def _whole(shown: pd.DataFrame, recorded: dict, where: str) -> None:
    assert [str(c) for c in shown.columns] == recorded["columns"], where
    assert len(shown) == len(recorded["data"]), where
    for i, col in enumerate(recorded["columns"]):
        old = [row[i] for row in recorded["data"]]
        new = shown.iloc[:, i].tolist()
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in old):
            np.testing.assert_allclose(np.array(new, float), np.array(old, float), rtol=1e-9, err_msg=f"{where}: {col}")
        else:
            assert [v if isinstance(v, bool) else str(v) for v in new] == old, f"{where}: {col}"


def test_the_report_keeps_the_numbers_and_the_plan_its_exact_cost(demo, demo_tx):
    """The report's forecast and network sections are the old ones, table by table and note by note;
    the network plan's objective is the old one to the last digit, with and without single sourcing."""
    from promo_core import logistics, report
    from promo_core.analyses import logistics as analysis

    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for section, recorded in ((report.forecast_analysis(demo_tx), golden["report_forecast"]),
                              (report.network_analysis(demo.warehouses, demo.stores), golden["report_network"])):
        assert section.notes == recorded["notes"] and section.params == recorded["params"]
        assert list(section.tables) == list(recorded["tables"])
        for name, table in section.tables.items():
            _whole(table, recorded["tables"][name], name)
    network = logistics.Network.build(demo.warehouses, demo.stores, cost_per_unit_km=demo.cost_per_unit_km)
    for single, key in ((False, "split"), (True, "single")):
        plan = analysis.run(None, analysis.Params(network=network, single_sourcing=single,
                                                  parts=frozenset({"network"}))).network.plan
        assert repr(plan.total_cost) == golden["objective"][key]["total_cost"]
        assert plan.open.tolist() == golden["objective"][key]["open"]


def test_a_rerun_that_changes_no_computation_refits_nothing(app_page, monkeypatch):
    """A rerun, a language or currency switch: no forecast is fitted,
    no MILP solved, no workspace table opened; a new stock setting fits nothing either (the policy is
    arithmetic on the kept forecast); another discount adds the promotion to the kept fit (one query for
    the promoted shares); a new what-if solves the network once and fits no forecast."""
    import streamlit as st

    from promo_core import forecast, logistics
    from promo_core.store import Workspace

    fits, solves, opened = [], [], []
    fit, solve, ibis_table = forecast.forecast_demand, logistics.facility_location, Workspace.ibis_table
    monkeypatch.setattr(forecast, "forecast_demand", lambda *a, **k: fits.append(a[1]) or fit(*a, **k))
    monkeypatch.setattr(logistics, "facility_location", lambda *a, **k: solves.append(1) or solve(*a, **k))
    monkeypatch.setattr(Workspace, "ibis_table", lambda self, *a, **k: opened.append(a) or ibis_table(self, *a, **k))
    st.cache_resource.clear()  # (earlier tests kept this dataset's results)
    at = app_page(PAGE)
    assert not at.exception, at.exception
    assert fits == ["product"] and len(solves) == 2, "one product forecast (page and stock), plan and what-if"
    counts = (len(fits), len(solves), len(opened))
    at.run()
    at.session_state["lang"] = "zh"
    at.run()
    at.session_state["currency"] = "¥"
    at.run()
    assert not at.exception, at.exception
    assert (len(fits), len(solves), len(opened)) == counts
    assert "¥" in _metrics(at)["每周网络成本"]
    at.number_input(key="lg-lead").set_value(3.0).run()
    assert (len(fits), len(solves), len(opened)) == counts
    at.slider(key="lg-promo-discount").set_value(30).run()  # the promotion is added to the kept fit
    assert len(fits) == counts[0] and len(solves) == counts[1] and len(opened) == counts[2] + 1
    at.slider(key="lg-demand").set_value(10).run()
    assert len(fits) == counts[0] and len(solves) == counts[1] + 2, "the plan and the scenario, no forecast"
