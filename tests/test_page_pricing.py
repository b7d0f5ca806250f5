"""AppTest of the Pricing page on the demo retailer: every section shows its numbers, the controls
change them, the chosen scenario reaches the Logistics page, and the Chinese UI works."""
from __future__ import annotations

import pandas as pd

from promo_core.store import Workspace
from tests.conftest import assert_apology_without_details, page_text, page_with_failure


def _frame(at, first_column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def test_pricing_page_shows_every_section_on_the_demo(app_page):
    at = app_page("pages/pricing.py")
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Dependable categories"] == "10 / 10"
    assert metrics["Past promotions found"].replace(",", "").isdigit()
    assert "Thompson sampling vs fixed price (gross profit)" in metrics
    assert len(_frame(at, "Category")) == 10  # one row per category, with 90% intervals
    recs = _frame(at, "Product ID")
    assert len(recs) == 500 and {"Recommended price", "Chance of more profit"} <= set(recs.columns)
    scenarios = _frame(at, "Measure")
    assert scenarios.shape[1] == 4  # measure + three default scenarios side by side
    assert "Lift needed to break even" in scenarios["Measure"].tolist()
    text = page_text(at)
    assert "Pull-forward" in text and "90% interval" in text
    assert len(at.get("plotly_chart")) >= 5


def test_pricing_controls_change_the_answers(app_page):
    at = app_page("pages/pricing.py")
    at.slider(key="pr-max-change").set_value(5).run()
    recs = _frame(at, "Product ID")
    moved = recs[recs["Status"] == "change"]
    assert len(moved) and (moved["Change"].abs() <= 0.05 + 1e-9).all()
    at.radio(key="pr-level").set_value("product").run()
    assert not at.exception
    assert len(_frame(at, "Product ID")) == 500  # the product elasticity table (raw and pooled)
    at.number_input(key="pr-n-scenarios").set_value(4).run()
    assert _frame(at, "Measure").shape[1] == 5


def test_chosen_scenario_is_handed_to_logistics_and_the_analysis_saves(app_page, own_workspace):
    at = app_page("pages/pricing.py")
    at.selectbox(key="pr-send-choice").set_value("20% off").run()
    at.button(key="pr-send").click().run()
    saved = at.session_state["pricing_scenario"]
    assert saved["mechanic"] == "percent_off" and saved["level"] == "category" and saved["discount"] == 0.2
    assert saved["elasticity"] < -1 and saved["start"] < saved["end"]
    assert any("Logistics page will forecast" in s.value for s in at.success)
    at.text_input(key="save-name-pricing").set_value("Pricing check").run()
    at.button(key="save-btn-pricing").click().run()
    assert not at.exception, at.exception
    assert any("Saved “Pricing check”" in s.value for s in at.success)
    assert Workspace(own_workspace).list_analyses()["name"].tolist() == ["Pricing check"]


def test_pricing_page_in_chinese(app_page):
    at = app_page("pages/pricing.py", lang="zh")
    assert not at.exception, at.exception
    labels = [m.label for m in at.metric]
    assert "估计可靠的品类" in labels and "发现的历史促销" in labels
    assert any(t.value == "定价" for t in at.title)


def test_optimal_prices_that_fail_leave_the_other_sections_working(app_page, monkeypatch):
    from promo_core import pricing

    at = page_with_failure(app_page, monkeypatch, "pages/pricing.py", pricing, "optimal_prices")
    assert_apology_without_details(at)
    assert len(_frame(at, "Category")) == 10 and "Lift needed to break even" in _frame(at, "Measure")["Measure"].tolist()
