"""The Recommendations page on the demo retailer, in AppTest: headline, verdict, a customer's list
with reasons, basket rules for a product, the model comparison and the exports."""
from __future__ import annotations

from pathlib import Path

from tests.conftest import assert_apology_without_details, page_text, page_with_failure


def test_recommendations_page_on_the_demo(app_page):
    at = app_page("pages/recommendations.py")
    assert not at.exception, at.exception
    text = page_text(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Customers evaluated"] == "3,000"
    lift = float(metrics["Lift over popularity"].rstrip("%"))
    assert lift > 100  # planted tastes: the best model far exceeds best-sellers
    assert metrics["Recommended model"] in ("Item kNN", "ALS", "Hybrid")
    assert at.success[0].value.startswith("Use ")
    # one customer's list carries checkable reasons
    first = at.dataframe[0].value
    assert len(first) == 10
    assert first["Why"].str.contains("bought with|similar to|best-seller").all()
    # what sells with a product, with rule strength
    assert "Baskets" in metrics and int(metrics["Rules with lift above 1"].replace(",", "")) > 0
    assert any("also hold" in str(v) for df in at.dataframe for v in df.value.get("In words", []))
    # model comparison: every model next to best-sellers, MAP definition stated
    comparison = next(df.value for df in at.dataframe if "NDCG@10" in df.value.columns)
    assert {"Best-sellers", "Bought together (item kNN)", "Hidden tastes (ALS)", "Hybrid"} <= set(comparison["Model"])
    assert "MAP@k is the mean over customers of AP@k" in text
    labels = [b.label for b in at.get("download_button")]
    assert "Download recommendations for every customer (CSV)" in labels and "Download all rules (CSV)" in labels


def test_recommendations_page_in_chinese(app_page):
    at = app_page("pages/recommendations.py", lang="zh")
    assert not at.exception, at.exception
    text = page_text(at)
    labels = [m.label for m in at.metric]
    assert "相对畅销榜的提升" in labels and "建议使用的模型" in labels
    assert at.success[0].value.startswith("建议使用")
    assert "MAP@k 为所有客户 AP@k 的平均值" in text
    reasons = at.dataframe[0].value["理由"]
    assert reasons.str.contains("相似|一起购买|畅销").all()


def test_groceries_page_says_plainly_that_best_sellers_win(shared_data, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from promo_core.io import load_transactions
    from promo_core.store import Workspace

    loaded = load_transactions(shared_data / "groceries.csv")
    path = tmp_path / "groceries.duckdb"
    Workspace(path).save_dataset("Groceries", {"transactions": loaded.data, "quarantine": loaded.quarantine},
                                 source="groceries.csv", rows_in=loaded.rows_in, mapping=loaded.mapping,
                                 report=loaded.report)
    monkeypatch.setenv("PROMO_WORKSPACE", str(path))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=180)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/recommendations.py")
    at.run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Recommended model"] == "Best-sellers"
    assert at.info[0].value.startswith("No model clearly beats simply showing best-sellers on this data, so use "
                                       "the best-seller list (Best-sellers)")
    assert metrics["Baskets"] == "14,963"
    # the analysis is saved for the Reports page (in this test's own workspace)
    at.button(key="save-btn-recommendations").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Saved “Recommendations”") for s in at.success)
    saved = Workspace(path).list_analyses()
    assert saved["page"].tolist() == ["recommendations"]


def test_an_evaluation_that_fails_leaves_the_basket_rules(app_page, monkeypatch):
    from promo_core import recommend

    at = page_with_failure(app_page, monkeypatch, "pages/recommendations.py", recommend, "evaluate")
    assert_apology_without_details(at)
    assert int({m.label: m.value for m in at.metric}["Rules with lift above 1"].replace(",", "")) > 0
