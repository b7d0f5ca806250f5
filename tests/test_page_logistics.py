"""AppTest of the Logistics page on the demo retailer: forecasts with backtest and promotion uplift,
stock policy, network plan with what-ifs, in English and Chinese, with and without a Pricing scenario;
the numbers of the page and the report before the redesign; reruns that compute nothing."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import (count_calls, has_chinese, kept_by_lazy_tabs, open_tab_in_chinese, page_text,
                            page_with_failure, saved_to_report, widgets_of_every_tab)
from tests.golden.record_logistics import TABS, every_tab
from tests.golden.record_logistics import open_logistics_tab as _open

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
    _open(at, "stock")
    metrics = _metrics(at)
    policy = _frame(at, "reorder_point")
    assert len(policy) == demo.products.shape[0]
    assert (policy["reorder_point"] >= policy["safety_stock"]).all()
    assert 0.95 <= _number(metrics["Fill rate"]) / 100 <= 1
    # network: optimal plan that serves every store's demand
    _open(at, "network")
    metrics, text = _metrics(at), page_text(at)
    assert "Proven optimal by HiGHS" in text
    flows = _frame(at, "shipping_cost")
    assert flows["units"].sum() == demo.stores["demand"].sum()
    assert metrics["Warehouses open"].endswith("/ 8")


def test_what_if_single_sourcing_and_category_level(app_page):
    at = app_page(PAGE)
    _open(at, "network")
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
    _open(at, "forecast")
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
        assert not at.exception, at.exception
        text = page_text(at)
        assert "使用“定价”页面规划的促销" in [t.label for t in at.toggle]
        assert "Snacks 打 7.5 折" in text
        metrics = _metrics(at)
        assert "最准确的模型" in metrics
        assert _number(metrics["促销带来的增量"].replace("万", "")) > 0
        _open(at, "network")
        assert "每周网络成本" in _metrics(at)
    finally:
        ws.delete_handoff(dataset, PlannedPromotion)


def test_a_forecast_that_cannot_be_made_still_leaves_the_network_plan(app_page, monkeypatch):
    from promo_core import forecast
    from promo_core.errors import DataError

    import streamlit as st

    too_short = DataError("The sales cover only 8 complete weeks; forecasts need at least 12.")
    at = page_with_failure(app_page, monkeypatch, PAGE, forecast, "forecast_demand", too_short)
    assert [e.value for e in at.error] == ["The sales cover only 8 complete weeks; forecasts need at least 12."]
    try:
        _open(at, "stock")
        assert "The stock policy starts from the demand forecast, which could not be made" in page_text(at)
        _open(at, "network")
        assert not at.exception, at.exception
        assert _number(_metrics(at)["Network cost a week"]) > 0
    finally:  # (no other test sees the failed forecast)
        st.cache_data.clear()
        st.cache_resource.clear()


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
    """Each tab opened in turn shows the recorded metrics and tables (the network tab stays open)."""
    metrics, tables = every_tab(at)
    assert _network(metrics) == _network(recorded["metrics"]), where
    assert metrics.keys() == recorded["metrics"].keys(), where
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
    assert at.slider(key="lg-demand").value == golden["page"]["demand_change"]
    _open(at, "forecast")
    assert next(n.value for n in at.number_input if n.key.startswith("lg-promo-elasticity")) == \
        golden["page"]["elasticity"]
    at.session_state["lang"] = "zh"
    at.run()
    zh, _ = every_tab(at)
    assert _network(zh) == _network(golden["page_zh"]["metrics"]) and zh.keys() == golden["page_zh"]["metrics"].keys()
    at.session_state["lang"] = "en"
    at.run()
    at.slider(key="lg-demand").set_value(0).run()
    at.multiselect(key="lg-close").set_value([golden["close_busiest"]["warehouse"]]).run()
    _same_page(at, golden["close_busiest"], "busiest warehouse closed")
    at.toggle(key="lg-single").set_value(True).run()
    _same_page(at, golden["single_sourcing"], "single sourcing")
    _open(at, "forecast")
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


def _counting(monkeypatch) -> tuple[list, list, list]:
    """Forecast fits (their level), MILP solves and workspace tables opened from now on; the caches are
    emptied first (earlier tests kept this dataset's results)."""
    import streamlit as st

    from promo_core import forecast, logistics
    from promo_core.store import Workspace

    fits = count_calls(monkeypatch, forecast, "forecast_demand", lambda *a, **k: a[1])
    solves = count_calls(monkeypatch, logistics, "facility_location")
    opened = count_calls(monkeypatch, Workspace, "ibis_table")
    st.cache_resource.clear()
    return fits, solves, opened


def test_a_rerun_that_changes_no_computation_refits_nothing(app_page, monkeypatch):
    """A rerun, a language or currency switch: no forecast is fitted,
    no MILP solved, no workspace table opened; a new stock setting fits nothing either (the policy is
    arithmetic on the kept forecast); another discount adds the promotion to the kept fit (one query for
    the promoted shares); a new what-if solves the network once and fits no forecast."""
    fits, solves, opened = _counting(monkeypatch)
    at = app_page(PAGE)
    assert not at.exception, at.exception
    assert fits == ["product"] and not solves, "one product forecast (page and stock); the network tab is closed"
    every_tab(at)
    assert fits == ["product"] and len(solves) == 2, "the stock tab fits nothing; the network: plan and what-if"
    counts = (len(fits), len(solves), len(opened))
    at.run()
    at.session_state["lang"] = "zh"
    at.run()
    at.session_state["currency"] = "¥"
    at.run()
    assert not at.exception, at.exception
    assert (len(fits), len(solves), len(opened)) == counts
    assert "¥" in _metrics(at)["每周网络成本"]
    _open(at, "stock")
    at.number_input(key="lg-lead").set_value(3.0).run()
    assert (len(fits), len(solves), len(opened)) == counts
    _open(at, "forecast")
    at.slider(key="lg-promo-discount").set_value(30).run()  # the promotion is added to the kept fit
    assert len(fits) == counts[0] and len(solves) == counts[1] and len(opened) == counts[2] + 1
    _open(at, "network")
    at.slider(key="lg-demand").set_value(10).run()
    assert len(fits) == counts[0] and len(solves) == counts[1] + 2, "the plan and the scenario, no forecast"


def test_opening_every_tab_and_switching_the_language_computes_nothing_again(app_page, monkeypatch):
    """Once each tab has been open, opening them again, in English and in Chinese, fits no forecast,
    solves no MILP and opens no workspace table: a tab's results are kept, not made again."""
    fits, solves, opened = _counting(monkeypatch)
    at = app_page(PAGE)
    every_tab(at)
    counts = (len(fits), len(solves), len(opened))
    assert counts[:2] == (1, 2)
    every_tab(at)
    at.session_state["lang"] = "zh"
    at.run()
    every_tab(at)
    _open(at, "stock")
    assert not at.exception, at.exception
    assert (len(fits), len(solves), len(opened)) == counts


def test_a_closed_tab_draws_nothing(app_page):
    """On 20 million lines the three tabs' charts and tables (a 5,000-row stock policy, the network map,
    the forecast chart) were drawn on every rerun and redrawn by the browser: only the open tab's are now."""
    at = app_page(PAGE)
    for code in (*TABS, "forecast"):
        _open(at, code)
        assert not at.exception, at.exception
        assert [bool(tab.children) for tab in at.tabs] == [other == code for other in TABS], code
        assert len(at.get("plotly_chart")) == 1, "the open tab's chart only"


def _busiest(at) -> str:
    flows = _frame(at, "shipping_cost")
    return flows.groupby("warehouse_id")["units"].sum().idxmax()


@pytest.mark.parametrize("tab, widget, key, value", [
    ("stock", "number_input", "lg-lead", lambda at: 3.0),  # a stock setting
    ("network", "slider", "lg-demand", lambda at: 0),  # a what-if
    ("network", "multiselect", "lg-close", lambda at: [_busiest(at)]),
    ("forecast", "slider", "lg-promo-discount", lambda at: 35),  # the promotion
    ("forecast", "selectbox", "lg-promo-scope", lambda at: "all")])
def test_a_setting_made_in_a_tab_survives_the_other_tabs(app_page, tab, widget, key, value):
    """Streamlit forgets the value of a widget a run does not draw, so the tabs' settings are kept while
    their tab is closed: back in the tab, the setting and the tab's numbers are the same."""
    at = app_page(PAGE)
    _open(at, tab)
    chosen = value(at)
    getattr(at, widget)(key=key).set_value(chosen).run()
    assert not at.exception, at.exception
    shown, tables = _metrics(at), [df.value for df in at.dataframe]
    for other in (*TABS, tab):
        _open(at, other)
    assert not at.exception, at.exception
    assert getattr(at, widget)(key=key).value == chosen
    assert _metrics(at) == shown
    for now, before in zip([df.value for df in at.dataframe], tables, strict=True):
        pd.testing.assert_frame_equal(now, before)


def test_the_promotion_set_in_the_forecast_tab_is_used_by_the_closed_tabs(app_page):
    """The stock policy and the network's what-if start from the forecast tab's promotion: with that
    tab closed they show what they show with it open after the same change."""
    at = app_page(PAGE)
    at.slider(key="lg-promo-discount").set_value(40).run()
    at.selectbox(key="lg-promo-scope").set_value("all").run()
    promoted = _metrics(at)["Promotion uplift"]
    with_forecast, _ = every_tab(at)
    assert with_forecast["Promotion uplift"] == promoted
    closed = app_page()  # another session with the same settings kept, its forecast tab never drawn
    closed.session_state["lg-tab"] = "Stock policy"
    closed.session_state["lg-promo-discount"] = 40
    closed.session_state["lg-promo-scope"] = "all"
    closed.switch_page(PAGE).run()
    assert not closed.exception, closed.exception
    shown = _metrics(closed)
    _open(closed, "network")
    shown.update(_metrics(closed))
    assert len(shown) > 4 and shown == {k: with_forecast[k] for k in shown}
    assert closed.slider(key="lg-demand").value == at.slider(key="lg-demand").value


def test_the_stock_and_network_tabs_opened_first_show_what_they_show_after_the_forecast(app_page, monkeypatch):
    """The forecast's settings are read as kept (their defaults) while its tab has never been drawn:
    the stock and network tabs show the same numbers, from the same Results (nothing fitted or solved
    again for them), as when the forecast tab was opened first."""
    fits, solves, _ = _counting(monkeypatch)
    at = app_page(PAGE)
    metrics, tables = every_tab(at)
    counts = (len(fits), len(solves))
    first = app_page()  # a new session that opens the stock tab first
    first.session_state["lg-tab"] = "Stock policy"
    first.switch_page(PAGE).run()
    assert not first.exception, first.exception
    assert [bool(tab.children) for tab in first.tabs] == [False, True, False]
    shown, shown_tables = _metrics(first), [df.value for df in first.dataframe]
    _open(first, "network")
    shown.update(_metrics(first))
    shown_tables += [df.value for df in first.dataframe]
    assert shown == {k: metrics[k] for k in shown} and len(shown) == 11, "stock 4, network 4, its what-if 3"
    assert first.slider(key="lg-demand").value == at.slider(key="lg-demand").value
    for now, before in zip(shown_tables, tables[-len(shown_tables):], strict=True):
        pd.testing.assert_frame_equal(now, before)
    assert (len(fits), len(solves)) == counts


def test_the_open_tab_stays_open_in_chinese(app_page):
    at = open_tab_in_chinese(app_page(PAGE), "lg-tab", "logistics.tab.network")
    assert at.session_state["lg-tab"] == "仓库网络"
    assert [bool(tab.children) for tab in at.tabs] == [False, False, True]
    assert all(has_chinese(m.label) for m in at.tabs[2].metric) and len(at.tabs[2].metric) >= 4


def test_saving_to_the_report_saves_every_tab_even_those_never_opened(app_page, own_workspace):
    """Only the forecast tab was ever open; the saved analysis holds what the page saved when every tab
    was drawn (main before lazy tabs, saving the page as first shown: these tables, figures, settings
    and notes)."""
    at = app_page(PAGE)
    kept = saved_to_report(at, "logistics", own_workspace)
    assert {name: table.shape for name, table in kept.tables.items()} == {
        "backtest": (3, 8), "inventory_policy": (500, 14), "service_curve": (14, 9), "network_flows": (22, 8)}
    assert kept.tables["inventory_policy"]["total_cost"].sum() == pytest.approx(190620.57068089183, rel=1e-9)
    assert set(kept.figures) == {"forecast", "service_curve", "network"}
    assert kept.params == {
        "promotion": {"discount": 0.2, "start": "2026-12-07", "end": "2026-12-20", "elasticity": -0.66,
                      "level": "category", "target": "Fresh Produce"},
        "lead_time_weeks": 2.0, "lead_time_sd_weeks": 0.0, "service_level": 0.95, "order_cost": 40.0,
        "holding_rate": 0.25}
    assert kept.notes == ["Most accurate forecast model: Gradient boosting."]
    assert at.session_state["lg-tab"] == "Demand forecast", "the manager's tab stays open"
    at.run()
    assert [bool(tab.children) for tab in at.tabs] == [True, False, False]


def test_every_widget_of_the_tabs_is_kept_while_its_tab_is_closed(app_page, monkeypatch):
    """``kept()`` covers every widget the three tabs draw, those named by a choice (a warehouse's
    capacity) included: a widget missing there would lose its value whenever its tab is closed."""
    kept = kept_by_lazy_tabs(monkeypatch)
    at = app_page(PAGE)
    drawn = widgets_of_every_tab(at, "lg-tab", [f"logistics.tab.{code}" for code in TABS], {
        "logistics.tab.network": lambda: at.selectbox(key="lg-cap-w").set_value(_busiest(at)).run()})
    assert not at.exception, at.exception
    assert {"lg-level", "lg-promo-discount", "lg-lead", "lg-demand", "lg-per-km"} <= drawn
    assert any(k.startswith("lg-cap-") and k != "lg-cap-w" for k in drawn)
    assert drawn <= kept[-1], drawn - kept[-1]
