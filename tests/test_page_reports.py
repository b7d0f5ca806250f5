"""The Reports page in AppTest: analyses saved through the Workspace API are listed, picked,
previewed, renamed and deleted; the standard overview is saved; English and Chinese."""
import pandas as pd
import plotly.graph_objects as go
import pytest

from promo_core import report
from promo_core.store import Workspace
from tests.conftest import count_calls, page_text

PAGE = "pages/reports.py"
HOSTILE = "<script>alert(1)</script> =HYPERLINK(\"http://x\")"


@pytest.fixture
def with_analyses(own_workspace):
    """Two saved analyses, the older one with a hostile name, saved as a page would save them."""
    ws = Workspace(own_workspace)
    dataset = ws.list_datasets()["id"].iloc[0]
    first = ws.save_analysis(HOSTILE, "segments", dataset_id=dataset, params={"as_of": "2026-01-01"},
                             tables={"Segments": pd.DataFrame({"segment": ["Champions", "Lost"], "customers": [120, 45],
                                                               "revenue": [5400.5, 310.0]})},
                             figures={"Bars": go.Figure(go.Bar(x=["Champions", "Lost"], y=[120, 45])).to_json()},
                             notes=["Champions carry most revenue."])
    second = ws.save_analysis("Price check", "pricing", dataset_id=dataset,
                              tables={"Elasticities": pd.DataFrame({"category": ["Bakery"], "elasticity": [-1.1]}),
                                      "Rules": pd.DataFrame({"price": [2.5]})})
    return own_workspace, [first, second]


def _open(app_page, monkeypatch, path, lang="en"):
    monkeypatch.setenv("PROMO_WORKSPACE", str(path))
    return app_page(PAGE, lang=lang)


def _metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def _downloads(at) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


def test_saved_analyses_are_listed_picked_and_downloadable(app_page, monkeypatch, with_analyses):
    path, ids = with_analyses
    at = _open(app_page, monkeypatch, path)
    assert not at.exception
    assert at.title[0].value == "Reports"
    assert _metrics(at) == {"Saved analyses": "2", "In the report": "2", "Tables": "3", "Charts": "1"}
    picker = at.multiselect(key="report-selection")
    assert picker.value == ids  # oldest first, the order the report will follow
    assert {"Download HTML report", "Download Excel workbook", "Download CSV"} <= set(_downloads(at))
    listed = at.dataframe[0].value
    assert listed["Name"].tolist() == ["Price check", HOSTILE] and set(listed["Dataset"]) == {"Demo retailer"}
    assert listed["Page"].tolist() == ["Pricing", "Segments"]
    assert [e.label for e in at.expander if e.label.startswith(("1.", "2."))] == [f"1. {HOSTILE}", "2. Price check"]
    assert "Champions carry most revenue." in page_text(at)


def test_unpicking_changes_the_report_and_none_picked_warns(app_page, monkeypatch, with_analyses):
    path, ids = with_analyses
    at = _open(app_page, monkeypatch, path)
    at.multiselect(key="report-selection").unselect(ids[0]).run()
    assert _metrics(at)["In the report"] == "1" and _metrics(at)["Tables"] == "2"
    at.multiselect(key="report-selection").unselect(ids[1]).run()
    assert not at.exception
    assert "Pick at least one analysis to build a report." in [w.value for w in at.warning]
    assert "Download HTML report" not in _downloads(at)


def test_rename_and_delete_a_saved_analysis(app_page, monkeypatch, with_analyses):
    path, ids = with_analyses
    at = _open(app_page, monkeypatch, path)
    at.selectbox(key="manage-analysis").set_value(ids[1]).run()
    at.text_input(key=f"rename-analysis-{ids[1]}").set_value("Bakery prices")
    at.button(key="rename-analysis-btn").click().run()
    assert not at.exception
    assert Workspace(path).load_analysis(ids[1]).name == "Bakery prices"
    assert "Bakery prices" in at.dataframe[0].value["Name"].tolist()
    at.selectbox(key="manage-analysis").set_value(ids[0]).run()
    assert at.button(key="delete-analysis-btn").disabled
    at.checkbox(key="delete-analysis-confirm").check().run()
    at.button(key="delete-analysis-btn").click().run()
    assert not at.exception
    assert Workspace(path).list_analyses()["id"].tolist() == [ids[1]]
    assert _metrics(at)["Saved analyses"] == "1"


def test_empty_workspace_explains_and_saves_the_standard_overview(app_page, monkeypatch, shared_data, tmp_path):
    """A workspace holding only the Groceries file (no prices, no campaign, no network)."""
    from promo_core.io import load_transactions

    loaded = load_transactions(shared_data / "groceries.csv")
    path = tmp_path / "promo.duckdb"
    Workspace(path).save_dataset("Groceries", {"transactions": loaded.data, "quarantine": loaded.quarantine},
                                 rows_in=loaded.rows_in, report=loaded.report)
    at = _open(app_page, monkeypatch, path)
    assert not at.exception
    assert any("No saved analyses yet" in i.value for i in at.info)
    loads = count_calls(monkeypatch, Workspace, "load_table", lambda self, *args, **kwargs: args)
    at.button(key="save-standard").click().run()
    assert not at.exception
    assert loads == [], "the standard overview runs where the lines are: no table is read whole"
    saved = Workspace(path).list_analyses()
    skipped = [step for step in report.STANDARD_STEPS
               if step.needs or step.name_en == "Price sensitivity"]  # Groceries has no prices
    assert len(saved) == 1 + len(report.STANDARD_STEPS) - len(skipped)
    assert all(name.endswith("Groceries") for name in saved["name"])
    message = next(s.value for s in at.success if s.value.startswith("Saved "))
    assert message.startswith(f"Saved {len(saved)} standard analyses of “Groceries”.")
    assert all(f"{step.name_en} skipped:" in message for step in skipped)
    assert _metrics(at)["Saved analyses"] == str(len(saved))


def test_chinese_page(app_page, monkeypatch, with_analyses):
    path, _ = with_analyses
    at = _open(app_page, monkeypatch, path, lang="zh")
    assert not at.exception
    assert at.title[0].value == "报告"
    assert _metrics(at) == {"已保存的分析": "2", "报告中的分析": "2", "表格": "3", "图表": "1"}
    assert {"下载 HTML 报告", "下载 Excel 工作簿"} <= set(_downloads(at))
    assert at.dataframe[0].value["页面"].tolist() == ["定价", "客户分群"]
    assert at.selectbox(key="report-lang-zh").value == "zh"
    assert "把已保存的分析变成可以发送的成果" in page_text(at)


def test_every_analysis_page_offers_save_to_report():
    """Issue point 1: each page (the Reports page aside, which reads them) saves its analysis."""
    from tests.conftest import ROOT

    pages = [p for p in (ROOT / "pages").glob("*.py") if p.name != "reports.py"]
    assert pages
    missing = [p.name for p in pages if "ui.save_to_report(" not in p.read_text(encoding="utf-8")]
    assert not missing, f"pages without a 'save to report' box: {missing}"


def test_a_chart_saved_with_raw_names_is_previewed_as_text(app_page, monkeypatch, own_workspace):
    """A figure saved before names were escaped shows ``<a href>`` as text in the preview, too."""
    import json
    import re

    link = '<a href="https://evil.example">x</a>'
    raw = go.Figure(go.Bar(x=[link, "Tea"], y=[3, 4], name=link, hovertemplate="%{x}<extra>" + link + "</extra>"))
    Workspace(own_workspace).save_analysis("Old chart", "pricing", figures={"Bars": raw.to_json()})
    at = _open(app_page, monkeypatch, own_workspace)
    assert not at.exception, at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    shown = json.dumps(spec["data"])
    assert not re.search(r"<a\b", shown) and "&lt;a href=" in shown
