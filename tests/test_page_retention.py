"""AppTest of the Segments page's Retention tab on the demo retailer: nothing is computed until asked
(the tab trains two models), then the churn-risk metrics, the verdict of the holdout, bands by
segment, the at-risk list with its downloads, the route comparison and the cohort table, in
English and Chinese."""
from __future__ import annotations

from tests.conftest import count_calls, open_tab, page_text

PAGE = "pages/segments.py"


def _metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def _frame(at, column: str):
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with a column {column!r}")


def test_retention_tab_runs_only_when_asked_and_then_tells_who_is_leaving(app_page, monkeypatch, demo):
    from promo_core.analyses import retention as analysis

    runs = count_calls(monkeypatch, analysis, "run", lambda source, params, *args, **kwargs: params)
    at = open_tab(app_page(PAGE), "seg-tab", "retention.tab")
    assert not at.exception, at.exception
    assert not runs and "High churn risk" not in _metrics(at), "nothing trained before the toggle"
    at.toggle(key="seg-retention").set_value(True).run()
    assert not at.exception, at.exception
    assert len(runs) == 1 and runs[0].horizon_days == 90 and runs[0].period == "M"
    metrics = _metrics(at)
    text = page_text(at)
    customers = demo.transactions["customer_id"].dropna().nunique()
    high = int(metrics["High churn risk"].replace(",", ""))
    lapsed = int((demo.truth.customer_type == "lapsed").sum())
    assert 0.8 * lapsed < high < 1.3 * lapsed, "the planted lapsed fifth is the high band"
    assert float(metrics["Churn model AUC"]) > 0.85
    assert "It beats the simple rule." in text and "Bands as in Klaviyo" in text
    at_risk = _frame(at, "expected_next_order")
    assert len(at_risk) == min(high, 1000) and (at_risk["p_churn"] > 2 / 3).all()
    assert at_risk["value_at_risk"].is_monotonic_decreasing
    # ordered by value at risk, so quiet but valuable occasional shoppers join the planted lapsed ones
    assert (demo.truth.customer_type.reindex(at_risk["customer_id"]) == "lapsed").mean() > 0.8
    by_segment = _frame(at, "share_of_segment")
    assert by_segment["customers"].sum() == customers
    routes = _frame(at, "brier")
    assert list(routes["route"]) == ["buy-till-you-die (BG/NBD)", "behaviour model (gradient boosting)",
                                     "days since the last order (simple rule)"]
    cohorts = _frame(at, "cohort_customers")
    assert cohorts.loc[cohorts["period"] == 0, "customer_share"].eq(1).all()
    assert cohorts.drop_duplicates("cohort")["cohort_customers"].sum() == customers
    labels = [b.label for b in at.get("download_button")]
    assert "Download all at-risk customers (CSV)" in labels and "Download every customer's churn risk (CSV)" in labels
    charts = [c.proto.spec for c in at.get("plotly_chart")]
    assert sum("Share of each cohort buying again" in spec or "Retention curve per cohort" in spec
               or "Churn risk by segment" in spec for spec in charts) == 3
    # another window reruns once; Chinese reuses the kept result
    at.slider(key="seg-churn-days").set_value(60).run()
    assert len(runs) == 2 and runs[1].horizon_days == 60
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert len(runs) == 2 and "高流失风险" in _metrics(at) and "同期群留存" in page_text(at)


def test_a_failing_cohort_step_leaves_the_rest_of_the_tab(app_page, monkeypatch):
    """Cohorts by quarter break with a bug whose text holds SQL and a path: the tab says sorry with
    an incident reference and still shows churn risk (a new period is a new run: nothing kept)."""
    from promo_core import retention

    def broken(*args, **kwargs):
        raise RuntimeError("SELECT * FROM tx_secret -- /srv/promolens/ws.duckdb")

    at = open_tab(app_page(PAGE), "seg-tab", "retention.tab")
    at.toggle(key="seg-retention").set_value(True).run()
    monkeypatch.setattr(retention, "cohort_table", broken)
    at.selectbox(key="seg-cohort-period").set_value("Y").run()
    assert not at.exception, at.exception
    text = page_text(at)
    assert "Sorry, something went wrong while computing this (incident " in text and "tx_secret" not in text
    assert "High churn risk" in _metrics(at)
    assert "expected_next_order" in {c for df in at.dataframe for c in df.value.columns}


def test_groceries_without_prices_say_plainly_that_nothing_beats_the_simple_rule(shared_data, tmp_path, monkeypatch):
    """The Groceries sample has no prices and its purchase dates carry no rhythm: churn risk is still
    scored, the value at risk is a dash, and the tab says the simple rule is as good as any model."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT
    from promo_core.io import load_transactions
    from promo_core.store import Workspace

    loaded = load_transactions(shared_data / "groceries.csv")
    path = tmp_path / "groceries.duckdb"
    Workspace(path).save_dataset("Groceries", {"transactions": loaded.data, "quarantine": loaded.quarantine},
                                 source="groceries.csv", rows_in=loaded.rows_in, mapping=loaded.mapping,
                                 report=loaded.report)
    monkeypatch.setenv("PROMO_WORKSPACE", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(PAGE)
    open_tab(at, "seg-tab", "retention.tab")
    at.toggle(key="seg-retention").set_value(True).run()
    assert not at.exception, at.exception
    metrics = _metrics(at)
    assert metrics["Value likely lost"] == "–" and int(metrics["High churn risk"].replace(",", "")) > 0
    warnings = " ".join(w.value for w in at.warning)
    assert "It does not beat the simple rule here" in warnings
    at_risk = _frame(at, "expected_next_order")
    assert at_risk["p_churn"].is_monotonic_decreasing and "value_at_risk" not in at_risk.columns
    # saved with the page: the retention tables, charts and notes go into the report
    at.button(key="save-btn-segments").click().run()
    assert not at.exception, at.exception
    saved = Workspace(path).list_analyses()
    analysis = Workspace(path).load_analysis(saved["id"].iloc[0])
    assert {"Churn risk bands", "At-risk customers", "Churn routes on the holdout", "Cohort retention"} <= set(
        analysis.tables)
    assert {"Churn risk by segment", "Cohort retention heatmap", "Cohort retention curves"} <= set(analysis.figures)
    assert any("It does not beat the simple rule here" in note for note in analysis.notes)
    kept = analysis.tables["At-risk customers"]
    assert kept["expected_next_order"].tolist() == at_risk["expected_next_order"].head(100).tolist()
