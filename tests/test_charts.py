"""Names from the data reach charts as text: a product called ``<a href=...>`` is shown as typed in
every label, tick, legend entry and hover, never as a live link (Plotly reads a subset of HTML)."""
import json
import re

import numpy as np
import pandas as pd
import pytest

from promo_core import charts

LINK = '<a href="https://evil.example">x</a>'
NAMES = [LINK, "<img src=x onerror=alert(1)>", "<b>Tea</b> & <br>cakes"]
TEMPLATES = {"hovertemplate", "texttemplate"}  # PromoLens's own markup (<br>, <extra>) lives here
TAG = re.compile(r"<\s*/?\s*(a|img|b|br)\b", re.IGNORECASE)


def _strings(node, key=None):
    """(key, text) of every string in a figure's JSON, its template aside."""
    if isinstance(node, dict):
        return [s for k, v in node.items() if k != "template" for s in _strings(v, k)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v, key)]
    return [(key, node)] if isinstance(node, str) else []


WEEKS = pd.date_range("2024-01-01", periods=6, freq="7D")
BUILDERS = {
    "ranked_bars": lambda: charts.ranked_bars(pd.DataFrame({"product_name": NAMES, "revenue": [3.0, 2.0, 1.0]}),
                                              "product_name", "revenue", f"Top products: {LINK}", "Revenue"),
    "share_donut": lambda: charts.share_donut(pd.DataFrame({"channel": NAMES, "orders": [1, 2, 3]}), "channel",
                                              "orders", "Orders by channel"),
    "rule_lift_bars": lambda: charts.rule_lift_bars(pd.DataFrame({
        "rule": [f"{a} → {b}" for a, b in zip(NAMES, NAMES[1:] + NAMES[:1])], "lift": [3.0, 2.0, 1.5],
        "confidence": [0.5, 0.4, 0.3]}), "Rules", "Lift"),
    "elasticity_intervals": lambda: charts.elasticity_intervals(pd.DataFrame({
        "category": NAMES, "elasticity": [-2.0, -1.0, -0.5], "ci_low": [-2.5, -1.5, -1.0], "ci_high": [-1.5, -0.5, 0.0],
        "reliable": [True, False, True]}), "category", "Elasticity", "% change", "reliable", "not reliable"),
    "demand_forecast": lambda: charts.demand_forecast(
        pd.Series(np.arange(6.0), index=WEEKS), pd.DataFrame({
            "week": WEEKS + pd.Timedelta(days=42), "model": "naive", "baseline": 5.0, "forecast": 6.0, "lower": 4.0,
            "upper": 8.0}), "naive", {"naive": "Seasonal naive"}, f"Weekly demand: {LINK}", "Week", "Units",
        "80% interval", "Without the promotion", "Actual"),
    "network_map": lambda: charts.network_map(
        pd.DataFrame({"site_id": ["W1", "W2"], "name": NAMES[:2], "lat": [51.5, 53.4], "lon": [-0.1, -2.2],
                      "open": [True, False], "capacity": [100.0, 80.0], "shipped": [60.0, 0.0]}),
        pd.DataFrame({"site_id": ["S1"], "name": [NAMES[2]], "lat": [52.5], "lon": [-1.9], "demand": [60.0]}),
        pd.DataFrame({"warehouse_id": ["W1"], "store_id": ["S1"], "units": [60.0], "warehouse": [NAMES[0]],
                      "store": [NAMES[2]]}),
        "Network", {"flows": "Flows", "stores": "Stores", "open": "Open", "closed": "Closed"}, "Longitude", "Latitude"),
    "rules_heatmap": lambda: charts.rules_heatmap(pd.DataFrame({
        "antecedents": [("p1",), ("p2",)], "consequents": [("p2",), ("p3",)], "lift": [3.0, 2.0]}),
        dict(zip(["p1", "p2", "p3"], NAMES)), "Bought together", "Brings along", "In the basket"),
    "bought_with_bars": lambda: charts.bought_with_bars(pd.DataFrame({
        "product_name": NAMES, "confidence": [0.5, 0.3, 0.1], "lift": [4.0, 2.0, 1.1]}), "Bought with", "Share"),
    "elasticity_pooling": lambda: charts.elasticity_pooling(pd.DataFrame({
        "product_name": NAMES, "category": NAMES[::-1], "elasticity_raw": [-2.0, -1.0, -3.0],
        "elasticity": [-1.8, -1.2, -2.5], "pooling": [0.2, 0.5, 0.3], "reliable": [True, False, True]}),
        "Pooling", "Own", "Pooled", {"reliable": "reliable", "unreliable": "not reliable", "diagonal": "no pooling"}),
    "scenario_bars": lambda: charts.scenario_bars(pd.DataFrame({
        "scenario": NAMES, "incremental_revenue": [10.0, 5.0, 1.0], "discount_cost": [3.0, 2.0, 1.0],
        "incremental_margin": [2.0, -1.0, 0.5]}), "Scenarios", "Money",
        {"incremental_revenue": "revenue", "discount_cost": "discount", "incremental_margin": "margin"}),
    "cluster_scatter": lambda: charts.cluster_scatter(pd.DataFrame({
        "x": [0.0, 1.0, 2.0], "y": [1.0, 0.0, 2.0], "cluster": [1, 1, 2], "customer_id": NAMES}),
        {"title": "Clusters", "x": "Component 1", "y": "Component 2"}, {1: LINK, 2: NAMES[1]}),
    "lift_bars": lambda: charts.lift_bars(pd.DataFrame({
        "arm": NAMES[:2] * 2, "outcome": [NAMES[2]] * 2 + ["spend"] * 2, "rel_lift": [0.1, 0.2, 0.05, 0.0],
        "rel_lift_low": [0.0, 0.1, -0.05, -0.1], "rel_lift_high": [0.2, 0.3, 0.15, 0.1], "lift_low": 0.0}),
        {"title": "Lift", "x": "Outcome", "y": "Relative lift"}),
    "profit_curves": lambda: charts.profit_curves(pd.DataFrame({
        "coupon": [NAMES[0]] * 2 + ["best coupon"] * 2, "share_targeted": [0.0, 1.0] * 2,
        "expected_incremental_profit": [0.0, 5.0, 0.0, 8.0]}), 0.5,
        {"best coupon": "Best coupon per customer", "plan": "plan", "title": "Profit", "x": "Share targeted",
         "y": "Profit", "money": "£{}"}),
    "strategy_bars": lambda: charts.strategy_bars(pd.DataFrame({
        "strategy": ["Uplift model", "Everyone"], "coupon": NAMES[:2], "expected_incremental_profit": [10.0, -2.0],
        "within_budget": [True, False]}),
        {"title": "Strategies", "x": "Profit", "y": "Strategy", "over_budget": "over budget", "money": "£{}"}),
    "qini_curves": lambda: charts.qini_curves(pd.DataFrame({
        "model": [NAMES[0]] * 2 + ["S-learner"] * 2, "share": [0.0, 1.0] * 2, "qini": [0.0, 5.0, 0.0, 4.0]}),
        "S-learner", {"title": "Qini", "x": "Share", "y": "Extra buyers", "random": "Random"}, {}),
}


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_names_from_the_data_are_text_not_markup_in_the_chart(build):
    strings = _strings(json.loads(build().to_json()))
    assert [s for key, s in strings if key not in TEMPLATES and TAG.search(s)] == []
    assert [s for key, s in strings if key in TEMPLATES and re.search("evil|onerror|Tea", s)] == []
    assert any('&lt;a href="https://evil.example"' in s for _, s in strings)  # shown as typed (or cut short)


def test_plain_turns_tags_into_text_and_leaves_everything_else():
    assert charts.plain(LINK) == '&lt;a href="https://evil.example"&gt;x&lt;/a&gt;'
    assert charts.plain("Tea & cakes") == "Tea & cakes"
    assert charts.plain(pd.Series(["<b>", None, 3])).tolist() == ["&lt;b&gt;", None, 3]
    assert charts.plain(["<br>", 2.5]) == ["&lt;br&gt;", 2.5] and charts.plain(7) == 7


def test_plain_twice_reads_the_same_as_once():
    once = charts.plain(NAMES)
    assert charts.plain(once) == once
