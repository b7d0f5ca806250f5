"""The Recommendations page on the demo retailer, in AppTest: headline, verdict, a customer's list
with reasons, basket rules for a product, the model comparison and the exports."""
from __future__ import annotations

from conftest import page_text


def test_recommendations_page_on_the_demo(app_page):
    at = app_page("pages/recommendations.py")
    assert not at.exception, at.exception
    text = page_text(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Customers evaluated"] == "3,000"
    lift = float(metrics["Lift over popularity"].rstrip("%"))
    assert lift > 100  # planted tastes: the best model far exceeds best-sellers
    assert metrics["Recommended model"] in ("Bought together (item kNN)", "Hidden tastes (ALS)", "Hybrid")
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
