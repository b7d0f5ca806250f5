"""Saved analyses become one self-contained HTML report and one Excel workbook; hostile text
stays text; the standard analyses of the command line are right on the demo retailer."""
import html
import io
import json
import logging
import re
from html.parser import HTMLParser

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from promo_core import charts, report, sample_data
from promo_core.errors import DataError
from promo_core.io import finalize_transactions
from promo_core.profile import business_profile
from promo_core.store import Workspace

ATTACK = "<script>alert(1)</script>"
LINK = '<a href="https://evil.example">x</a>'


class Page(HTMLParser):
    """Every tag with its attributes, the text of each tag, and the bodies of <script> and <style>."""

    def __init__(self, document: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.scripts, self.styles, self.text = [], [], [], {}
        self._open = []
        self.feed(document)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if not self._open:
            return
        tag, attrs = self._open[-1]
        if tag == "script":
            self.scripts.append((attrs, data))
        elif tag == "style":
            self.styles.append(data)
        self.text.setdefault(tag, []).append(data)

    def texts(self, tag):
        return [t.strip() for t in self.text.get(tag, [])]


@pytest.fixture
def workspace(tmp_path):
    return Workspace(tmp_path / "ws.duckdb")


@pytest.fixture
def saved(workspace):
    """Two analyses saved through the Workspace API, one full of hostile names, and their ids."""
    hostile = pd.DataFrame({"customer_id": ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"],
                            "product_name": [ATTACK, "Tea & <b>Biscuits</b>", "Crème brûlée", "保温杯"],
                            "revenue": [1234.5, -20.0, 0.0, 99.99], "share": [0.5, 0.25, 0.125, 0.125]})
    fig = go.Figure(go.Bar(x=[ATTACK, "</script><script>alert(2)</script>"], y=[3, 4], name=ATTACK))
    fig.update_layout(title=ATTACK, width=900)
    first = workspace.save_analysis(f"Targets {ATTACK}", "segments", params={"as_of": "2024-03-01", ATTACK: 5},
                                    tables={f"List {ATTACK}": hostile}, figures={"Bars": fig.to_json()},
                                    notes=[f"Note with {ATTACK} & more"])
    weekly = pd.DataFrame({"week": pd.date_range("2024-01-01", periods=120, freq="W-MON"), "orders": range(120)})
    second = workspace.save_analysis("Weekly orders", "data", params={"weeks": 120}, tables={"Weekly": weekly},
                                     figures={"Trend": go.Figure(go.Scatter(y=list(range(120)))).to_json()})
    return [first, second]


def _analyses(workspace, ids):
    return [workspace.load_analysis(i) for i in ids]


def test_report_loads_no_external_resource(workspace, saved):
    document = report.build_html_report(_analyses(workspace, saved))
    for pattern in (r"<script[^>]*\bsrc\s*=\s*[\"']?\s*(https?:)?//", r"<link[^>]*\bhref\s*=\s*[\"']?\s*(https?:)?//",
                    r"url\(\s*[\"']?\s*(https?:)?//", r"@import"):
        assert not re.search(pattern, document, flags=re.I), pattern
    page = Page(document)
    assert not [t for t, a in page.tags if t in ("link", "img", "iframe", "object", "embed", "base")]
    assert all("src" not in attrs for tag, attrs in page.tags if tag == "script")
    csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "connect-src 'none'" in csp[0]


def test_report_inlines_plotly_js_once_for_several_charts(workspace, saved):
    document = report.build_html_report(_analyses(workspace, saved))
    bundle = pio.to_html(go.Figure(), include_plotlyjs=True, full_html=False)
    banner = re.search(r"plotly\.js v[0-9.]+", bundle).group(0)
    assert document.count(banner) == 1
    page = Page(document)
    assert len([a for a, _ in page.scripts if a.get("class") == "figure-data"]) == 2


def test_report_holds_every_saved_analysis_with_its_tables_and_charts(workspace, saved):
    analyses = _analyses(workspace, saved)
    page = Page(report.build_html_report(analyses, max_rows=None))
    headings = page.texts("h2")
    assert f"1. Targets {ATTACK}" in headings and "2. Weekly orders" in headings
    assert f"List {ATTACK}" in page.texts("h3") and "Weekly" in page.texts("h3")
    cells = page.texts("td")
    assert "2024-01-01" in cells and "119" in cells  # all 120 weekly rows when max_rows is None
    toc = [a["href"] for t, a in page.tags if t == "a"]
    ids = [a["id"] for t, a in page.tags if t == "section"]
    assert toc == ["#" + i for i in ids] and len(ids) == 2


def test_user_text_is_escaped_everywhere(workspace, saved):
    document = report.build_html_report(_analyses(workspace, saved))
    page = Page(document)
    # the only scripts are plotly.js, the chart data and the script that draws them: none came from user text
    assert [a.get("class") for a, _ in page.scripts] == [None, "figure-data", "figure-data", None]
    assert "alert(1)" not in page.scripts[0][1] and "alert(1)" not in page.scripts[-1][1]
    assert [t for t, _ in page.tags if t == "b"] == []  # "<b>Biscuits</b>" shown as text, not bold
    assert ATTACK in page.texts("td") and "Tea & <b>Biscuits</b>" in page.texts("td")
    assert f"Note with {ATTACK} & more" in page.texts("li")
    assert ATTACK in page.texts("th")  # the hostile parameter name


def test_hostile_report_title_is_escaped(workspace, saved):
    page = Page(report.build_html_report(_analyses(workspace, saved), title=ATTACK))
    assert page.texts("title") == [ATTACK] and page.texts("h1") == [ATTACK]
    assert len(page.scripts) == 4


def test_chart_data_survives_embedding_and_cannot_close_its_script(workspace, saved):
    analyses = _analyses(workspace, saved)
    page = Page(report.build_html_report(analyses))
    spec = json.loads(page.scripts[1][1])
    original = json.loads(analyses[0].figures["Bars"])
    assert spec["data"][0]["y"] == original["data"][0]["y"]
    assert spec["data"][0]["x"] == charts.plain(original["data"][0]["x"])  # names as text: see the next test
    assert spec["layout"]["title"]["text"] == charts.plain(original["layout"]["title"]["text"])
    assert "width" not in spec["layout"]  # charts follow the page (and the paper when printed)
    assert "</script>" not in page.scripts[1][1].lower()


def _strings(node, key=None):
    """(key, text) of every string in a figure spec."""
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in _strings(v, k)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v, key)]
    return [(key, node)] if isinstance(node, str) else []


def test_names_in_a_chart_saved_before_escaping_are_text_not_links_in_the_report(workspace):
    """A figure saved raw (as pages did before names were escaped) still shows no live link."""
    raw = go.Figure(go.Bar(x=[LINK, "<img src=x onerror=alert(1)>"], y=[1, 2], name=LINK, text=[LINK, "<b>b</b>"],
                           hovertemplate="%{x}<br>%{y}<extra>" + LINK + "</extra>"))
    raw.update_layout(title=f"Sales of {LINK}", xaxis={"ticktext": [LINK], "tickvals": [0]})
    saved = workspace.save_analysis("Old chart", "pricing", figures={"Bars": raw.to_json()})
    page = Page(report.build_html_report([workspace.load_analysis(saved)]))
    spec = json.loads(next(body for attrs, body in page.scripts if attrs.get("class") == "figure-data"))
    strings = [text for key, text in _strings(spec) if key != "template"]
    assert not [s for s in strings if re.search(r"<(a|img|b)\b", s, re.I)]
    assert spec["data"][0]["x"][0] == '&lt;a href="https://evil.example"&gt;x&lt;/a&gt;'  # shown as typed
    assert spec["data"][0]["hovertemplate"].startswith("%{x}<br>%{y}<extra>")  # PromoLens's own markup stays


def test_report_prints_one_analysis_per_page_with_repeated_table_headers(workspace, saved):
    css = "".join(Page(report.build_html_report(_analyses(workspace, saved))).styles)
    print_rules = css[css.index("@media print"):]
    assert "section.analysis { break-before: page;" in print_rules
    assert "thead { display: table-header-group; }" in print_rules
    assert ".modebar-container" in print_rules


def test_long_tables_are_cut_with_a_note_pointing_to_the_workbook(workspace, saved):
    page = Page(report.build_html_report(_analyses(workspace, saved), max_rows=10))
    assert "Showing the first 10 of 120 rows; the Excel workbook holds them all." in page.texts("p")
    assert "10" not in page.texts("td")  # rows after the tenth (orders 10..119) are not shown


def test_money_and_shares_are_formatted_with_the_chosen_currency(workspace, saved):
    cells = Page(report.build_html_report(_analyses(workspace, saved), currency="¥")).texts("td")
    assert "¥1,234.50" in cells and "-¥20.00" in cells and "12.5%" in cells


def test_chinese_report_headings(workspace, saved):
    page = Page(report.build_html_report(_analyses(workspace, saved), lang="zh"))
    assert ("html", {"lang": "zh-CN"}) in page.tags
    assert "目录" in page.texts("h2") and "PromoLens 报告" in page.texts("h1")
    assert "参数" in page.texts("h3") and "收入" in page.texts("th") and "占比" in page.texts("th")
    assert any(t.startswith("生成于") for t in page.texts("p"))


def test_report_needs_at_least_one_analysis():
    with pytest.raises(DataError, match="at least one"):
        report.build_html_report([])
    with pytest.raises(DataError, match="at least one"):
        report.build_excel_report([])


def test_workbook_has_contents_and_one_formatted_sheet_per_table(workspace, saved):
    analyses = _analyses(workspace, saved)
    book = openpyxl.load_workbook(io.BytesIO(report.build_excel_report(analyses, currency="$")))
    assert book.sheetnames == ["Contents", "1.1 List <script>alert(1)<_scri", "2.1 Weekly"]
    contents = pd.DataFrame(list(book["Contents"].values)[1:], columns=next(book["Contents"].values))
    assert contents["Analysis"].tolist() == [f"1. Targets {ATTACK}", "2. Weekly orders"]
    assert contents["Rows"].tolist() == [4, 120]
    assert contents["Sheet"].tolist() == book.sheetnames[1:]
    hostile = book["1.1 List <script>alert(1)<_scri"]
    assert [hostile.cell(row=r, column=1).value for r in range(2, 6)] == [
        '\'=HYPERLINK("http://x","y")', "'+cmd|' /C calc'!A0", "'@SUM(1)", "'-2+3"]
    assert hostile.cell(row=3, column=3).value == -20.0
    assert hostile.cell(row=2, column=3).number_format == '"$"#,##0.00;-"$"#,##0.00'
    weekly = book["2.1 Weekly"]
    assert weekly.max_row == 121 and weekly.freeze_panes == "A2"


def test_chinese_workbook_contents_sheet(workspace, saved):
    sheets = report.excel_sheets(_analyses(workspace, saved), lang="zh")
    assert list(sheets)[0] == "目录"
    assert sheets["目录"].columns.tolist() == ["工作表", "表格", "行数", "分析", "页面", "数据集", "保存时间", "参数", "说明"]
    assert sheets["目录"]["页面"].tolist() == ["客户分群", "数据概况"]


def test_saved_analyses_can_be_renamed_and_listed_with_counts(workspace, saved):
    workspace.rename_analysis(saved[1], "  Orders per week ")
    listed = Workspace(workspace.path).list_analyses().set_index("id")  # a restart sees the same
    assert listed.loc[saved[1], "name"] == "Orders per week"
    assert listed.loc[saved[0], ["n_tables", "n_figures"]].tolist() == [1, 1]
    with pytest.raises(DataError, match="needs a name"):
        workspace.rename_analysis(saved[1], "  ")
    workspace.delete_analysis(saved[0])
    assert Workspace(workspace.path).list_analyses()["id"].tolist() == [saved[1]]


def test_saved_analysis_keeps_the_dataset_name_until_the_dataset_goes(workspace):
    tx = pd.DataFrame({"order_id": ["1"], "quantity": [1]})
    dataset = workspace.save_dataset("March sales", {"transactions": tx})
    aid = workspace.save_analysis("RFM", "segments", dataset_id=dataset)
    assert workspace.list_analyses()["dataset_name"].tolist() == ["March sales"]
    workspace.delete_dataset(dataset)
    listed = workspace.list_analyses()
    assert listed["id"].tolist() == [aid] and listed["dataset_name"].isna().all()


def test_any_table_a_page_shows_can_be_saved(workspace):
    rules = pd.DataFrame({"antecedents": [("Milk", "Bread"), ("Eggs",)], "lift": [2.0, 1.5],
                          "mixed": [1, "x"]}, index=pd.Index([3, 7], name="rule"))
    aid = workspace.save_analysis("Rules", "recommendations", tables={"Rules": rules})
    expected = pd.DataFrame({"rule": [3, 7], "antecedents": ["Milk, Bread", "Eggs"], "lift": [2.0, 1.5],
                             "mixed": ["1", "x"]})
    pd.testing.assert_frame_equal(workspace.load_analysis(aid).tables["Rules"], expected, check_dtype=False)


def test_format_cell_hand_checked():
    assert report.format_cell(1234567, "int") == "1,234,567"
    assert report.format_cell(-1234.5, "money", currency="€") == "-€1,234.50"
    assert report.format_cell(0.1234, "percent") == "12.3%"
    assert report.format_cell(0.00001234, "small") == "1.23e-05"
    assert report.format_cell(float("inf"), "float") == "∞"
    assert report.format_cell(None, "money") == "–"
    assert report.format_cell(True, "bool", lang="zh") == "是"
    assert report.format_cell(pd.Timestamp("2024-03-05 14:07"), "datetime") == "2024-03-05 14:07"


@pytest.fixture(scope="module")
def demo_standard(demo_tx, demo):
    """The standard analyses of the demo retailer with its campaign and network, computed once."""
    return report.standard_analyses(demo_tx, source="Demo retailer", tables={
        "campaign": demo.campaign, "warehouses": demo.warehouses, "stores": demo.stores, "spend": demo.spend,
        "events": demo.events, "reviews": sample_data.demo_reviews(demo).table})


def test_standard_analyses_of_the_demo_are_the_profile_then_each_wired_module(demo_standard):
    analyses, skipped = demo_standard
    assert analyses[0].page == "data" and skipped == []
    assert [a.name for a in analyses[1:]] == [step.name_en for step in report.STANDARD_STEPS]
    document = report.build_html_report(analyses)
    assert all(html.escape(a.name) in document for a in analyses)


def test_standard_segments_of_the_demo_put_value_where_the_planted_behaviour_is(demo_standard, demo):
    segments = next(a for a in demo_standard[0] if a.page == "segments")
    table = segments.tables["Segments"].set_index("segment")
    assert table["customers"].sum() == demo.transactions["customer_id"].nunique()  # every customer, guests aside
    assert table["customer_share"].sum() == pytest.approx(1) and table["revenue_share"].sum() == pytest.approx(1)
    assert table["revenue_share"].idxmax() == "Champions" and table["mean_clv"].idxmax() == "Champions"
    assert table["mean_p_alive"].idxmin() == "Lost" and table["mean_clv"].idxmin() == "Lost"
    share = table.loc["Champions"]
    assert (f"Champions: {share['customer_share']:.0%} of customers bring {share['revenue_share']:.0%} of revenue."
            in segments.notes)


def test_segments_without_prices_show_no_money_columns(shared_data):
    from promo_core.io import load_transactions

    analysis = report.segments_analysis(load_transactions(shared_data / "groceries.csv").data)
    columns = analysis.tables["Segments"].columns
    assert {"revenue", "mean_monetary", "mean_clv", "clv_at_risk"}.isdisjoint(columns)
    assert {"customers", "mean_frequency"} <= set(columns)
    # the groceries' BG/NBD cannot tell who left (alpha and b at the fit's bound, no churn route
    # beats a coin toss): no P(alive) column, and the section says so (tests/test_clv_honesty.py)
    assert "mean_p_alive" not in columns
    assert any(note.startswith("This data cannot tell who has stopped buying") and "coin toss" in note
               for note in analysis.notes)
    assert ("The data has no prices: segments use recency and frequency only, and lifetime value is in purchases, "
            "not money.") in analysis.notes  # the page's note: one set of notes for page and report


def test_standard_price_sensitivity_finds_the_planted_elasticities(demo_standard, demo):
    pricing = next(a for a in demo_standard[0] if a.page == "pricing")
    table = pricing.tables["Elasticities"].set_index("category")
    planted = demo.truth.category_elasticity
    assert table["reliable"].all()
    assert (table["elasticity"] - planted.reindex(table.index)).abs().max() <= 0.15
    assert table["elasticity"].is_monotonic_increasing  # most price-sensitive first
    most = planted.idxmin()
    assert any(n.startswith(f"Most price-sensitive: {most}") for n in pricing.notes)


def test_standard_basket_rules_are_the_planted_complements(demo_standard, demo):
    rules = next(a for a in demo_standard[0] if a.name == "Frequently bought together").tables["Basket rules"]
    names = demo.products.set_index("product_id")["product_name"]
    planted = {frozenset((names[a], names[b])) for a, b in demo.truth.complements[["product_id", "complement_id"]]
               .itertuples(index=False)}
    top = [frozenset((a, c)) for a, c in rules[["if a basket holds", "it also holds"]].head(10).itertuples(index=False)]
    assert len(top) == 10 and all(pair in planted for pair in top)
    assert len(set(top)) == 10  # each pair once, not once per direction
    assert (rules["lift"] > 1).all() and rules["lift"].is_monotonic_decreasing


def test_standard_recommendations_beat_best_sellers_on_the_demo_tastes(demo_standard):
    analysis = next(a for a in demo_standard[0] if a.name == "Recommendations against best-sellers")
    table = analysis.tables["Model comparison"].set_index("model")
    knn = table.loc["Bought together (item kNN)"]
    assert knn["ndcg"] > table.loc["Best-sellers", "ndcg"] and knn["lift_low"] > 0.1
    assert analysis.notes[0].startswith("Use Bought together (item kNN): its top-10 lists scored")
    # the dataset's events reach the step (StandardStep.uses): the comparison learns from browsing
    # too, and says what browsing adds; the demo's browsing follows each customer's planted taste
    assert analysis.params["browsing"] is True
    browsing = analysis.tables["Purchases alone against purchases with browsing"].set_index("feedback")
    assert browsing.loc["Purchases + views and cart adds", "ndcg"] == knn["ndcg"]  # the model compared above
    assert browsing.loc["Purchases + views and cart adds", "ndcg_low"] > browsing.loc["Purchases alone", "ndcg_high"]
    assert any(n.startswith("Browsing helps: when Bought together (item kNN) also learns from views") for n in
               analysis.notes)


def test_standard_forecast_of_the_demo_beats_the_seasonal_benchmark(demo_standard, demo):
    analysis = next(a for a in demo_standard[0] if a.name == "Demand forecast")
    plan, backtest = analysis.tables["Forecast"], analysis.tables["Backtest"].set_index("model")
    assert analysis.params["level"] == "category"
    assert len(plan) == 8 * demo.products["category"].nunique() and set(plan["category"]) == set(demo.products["category"])
    assert plan["week"].min() > demo.transactions["order_date"].max() - pd.Timedelta(days=7)
    assert ((plan["low"] <= plan["units"]) & (plan["units"] <= plan["high"])).all()
    assert backtest.loc["Holt-Winters", "mase_vs_naive"] < 1  # the planted yearly season is learned
    assert analysis.notes[0].startswith("Most accurate in the backtest: Holt-Winters")


def test_standard_campaign_results_recover_the_planted_coupon_effect(demo_standard, demo):
    analysis = next(a for a in demo_standard[0] if a.page == "coupons")
    lifts = analysis.tables["Lifts against control"].set_index(["outcome", "arm"])
    campaign = demo.campaign
    rate = campaign.groupby("arm")["converted"].mean()
    for arm in ("coupon_5", "coupon_10"):
        assert lifts.loc[("converted", arm), "lift"] == pytest.approx(rate[arm] - rate["control"], abs=1e-12)
        planted = demo.truth.uplift[arm].mean()
        assert lifts.loc[("converted", arm), "lift_low"] < planted < lifts.loc[("converted", arm), "lift_high"]
    assert analysis.notes[0].startswith("coupon_5 raised the converted rate by")
    assert any(n.startswith("Group sizes match an even split") for n in analysis.notes)
    targeting = analysis.tables["Targeting models (converted)"]
    best = targeting[targeting["best"]].set_index("arm")
    assert best.loc["coupon_10", "qini_low"] > 0  # the planted heterogeneous uplift is found, beyond chance
    assert any(n.startswith("For coupon_10, the") and "targets clearly better than random" in n
               for n in analysis.notes)


def test_standard_network_plan_is_the_optimum_of_the_demo_network(demo_standard, demo):
    from promo_core import logistics

    analysis = next(a for a in demo_standard[0] if a.page == "logistics" and a.name == "Warehouse network")
    warehouses = analysis.tables["Warehouses"]
    km = logistics.distance_matrix(logistics.read_sites(demo.warehouses, "warehouses"),
                                   logistics.read_sites(demo.stores, "stores"))
    plan = logistics.facility_location(demo.warehouses["fixed_cost"], demo.warehouses["capacity"],
                                       demo.stores["demand"], km * demo.cost_per_unit_km)
    assert warehouses["open"].tolist() == plan.open.tolist()
    total = warehouses["fixed_cost"].sum() + warehouses["shipping_cost"].sum()
    assert total == pytest.approx(plan.total_cost)
    assert analysis.tables["Flows"]["units"].sum() == pytest.approx(demo.stores["demand"].sum())
    assert "proven optimal" in analysis.notes[0]


def test_groceries_report_skips_pricing_and_says_why(shared_data):
    from promo_core.io import load_transactions

    loaded = load_transactions(shared_data / "groceries.csv")
    analyses, skipped = report.standard_analyses(loaded.data, source="groceries.csv", load_report=loaded.report,
                                                 quarantine=loaded.quarantine)
    assert "pricing" not in [a.page for a in analyses]
    assert skipped == ["Voice of the customer skipped: the data has no reviews table.",
                       "Price sensitivity skipped: No sales lines with a positive quantity and price were found, "
                       "so there is nothing to measure price sensitivity on. Check the unit price column is mapped.",
                       "Coupon campaign results skipped: the data has no campaign table.",
                       "Warehouse network skipped: the data has no warehouses and stores tables.",
                       "Marketing ROI skipped: the data has no marketing spend table.",
                       "Journeys skipped: the data has no browsing events table."]
    assert all(line in analyses[0].notes for line in skipped)
    rules = next(a for a in analyses if a.name == "Frequently bought together")
    assert len(rules.tables["Basket rules"]) > 0 and rules.params["min_support"] == 0.001
    recommendations = next(a for a in analyses if a.name == "Recommendations against best-sellers")
    assert recommendations.notes[0].startswith("No model clearly beats simply showing best-sellers on this data")
    # no events: the section all the same, from purchases alone (events are used, not needed)
    assert "browsing" not in recommendations.params and list(recommendations.tables) == ["Model comparison"]


def test_standard_profile_matches_the_business_profile_of_the_demo(demo_tx, demo_standard):
    analyses, skipped = demo_standard
    profile = analyses[0]
    expected = business_profile(demo_tx)
    assert profile.page == "data" and profile.name == "Business profile — Demo retailer"
    headline = profile.tables["Headline numbers"].set_index("metric")["value"]
    assert headline["Orders"] == f"{expected.orders:,}"
    assert headline["Revenue (net of returns)"] == f"£{expected.revenue:,.2f}"
    pd.testing.assert_frame_equal(profile.tables["Top products"], expected.top_products)
    assert set(profile.figures) == {"Sales per week", "Top products", "Top categories", "Orders by channel"}
    assert all(pio.from_json(f).layout.title.text for f in profile.figures.values())


def test_standard_profile_lists_quarantine_reasons():
    tx = pd.DataFrame({"order_id": ["1", "2"], "customer_id": ["a", None], "order_date": pd.to_datetime(
        ["2024-01-01", "2024-01-02"]), "product_id": ["p", "q"], "product_name": ["P", "Q"], "category": [None, None],
        "quantity": [1, -1], "unit_price": [2.0, 2.0], "channel": [None, None], "revenue": [2.0, -2.0],
        "is_return": [False, True]})
    quarantine = pd.DataFrame({"row": [3, 4, 5], "reason": ["bad date 'x' in InvoiceDate", "bad date 'y' in "
                                                                                             "InvoiceDate", "no product"]})
    profile = report.profile_analysis(tx, source="f.csv", load_report={"rows_in": 5}, quarantine=quarantine)
    expected = pd.DataFrame({"reason": ["bad date … in InvoiceDate", "no product"], "rows": [2, 1]})
    pd.testing.assert_frame_equal(profile.tables["Quarantined rows by reason"], expected, check_dtype=False)
    assert "5 rows read from f.csv: 2 loaded, 3 quarantined (the reasons are in the last table)." in profile.notes


def small_sales(weeks: int = 70) -> pd.DataFrame:
    """Canonical sales of 12 customers and 6 products in 2 categories, one to three lines a week
    for ``weeks`` weeks at three price points."""
    rows = [{"order_id": f"o{w}", "customer_id": f"c{w % 12}",
             "order_date": pd.Timestamp("2023-01-02") + pd.Timedelta(days=7 * w + j),
             "product_id": f"p{(w + j) % 6}", "product_name": f"Product {(w + j) % 6}", "category": f"cat{(w + j) % 2}",
             "quantity": 1 + (w * (j + 1)) % 3, "unit_price": [2.0, 2.5, 3.0][w % 3] * (1 + (w + j) % 6)}
            for w in range(weeks) for j in range(1 + w % 3)]
    return finalize_transactions(pd.DataFrame(rows))


def _exploding(*args, **kwargs):
    raise RuntimeError("Binder Error: SELECT * FROM tx_secret WHERE path = '/srv/promolens/ws.duckdb'")


def test_an_analysis_that_fails_is_a_skipped_section_that_keeps_its_internals_out(monkeypatch, caplog):
    monkeypatch.setattr(report, "STANDARD_STEPS", [report.StandardStep("pricing", _exploding),
                                                   report.StandardStep("basket", report.basket_analysis)])
    with caplog.at_level(logging.ERROR, logger="promo_core.report"):
        analyses, skipped = report.standard_analyses(small_sales(), source="s.csv")
    assert [a.name for a in analyses] == ["Business profile — s.csv", "Frequently bought together"]
    incident = re.fullmatch(r"Price sensitivity skipped: it failed on this data in a way PromoLens did not foresee "
                            r"\(incident ([0-9a-f]{8})\)\. The rest of the report is complete; please pass the incident "
                            r"reference to whoever runs PromoLens for you\.", skipped[0]).group(1)
    assert skipped == [skipped[0]] and analyses[0].notes[-1] == skipped[0]
    document = report.build_html_report(analyses)
    assert not re.search("tx_secret|/srv/promolens|Binder Error", document)
    record, = caplog.records  # the whole story is in the log, under the same incident reference
    assert incident in record.getMessage() and "tx_secret" in "".join(logging.Formatter().formatException(
        record.exc_info))


def test_an_unforeseen_failure_reads_in_chinese_with_its_incident_reference():
    line = report.skip_reason("pricing", KeyError("unit_price"), "zh")
    assert re.fullmatch(r"价格敏感度：已跳过。该分析在此数据上出现了意外错误（事件编号 [0-9a-f]{8}）。.*", line)
    assert "unit_price" not in line


def test_a_failing_business_profile_still_leaves_a_report_that_says_why(monkeypatch):
    monkeypatch.setattr(report, "profile_analysis", _exploding)
    monkeypatch.setattr(report, "STANDARD_STEPS", [report.StandardStep("basket", report.basket_analysis)])
    analyses, skipped = report.standard_analyses(small_sales(), source="s.csv")
    assert [a.name for a in analyses] == ["Business profile — s.csv", "Frequently bought together"]
    assert skipped[0].startswith("Business profile skipped: it failed on this data") and analyses[0].notes == skipped
    assert "1. Business profile — s.csv" in Page(report.build_html_report(analyses)).texts("h2")


def test_an_order_date_in_year_9999_skips_the_analyses_over_time_with_the_reason():
    tx = small_sales()
    # (finalize_transactions refuses such a date; a notebook's own frame can still hold one)
    tx = pd.concat([tx, tx.head(1).assign(order_id="late", order_date=pd.Timestamp("9999-12-31"))], ignore_index=True)
    analyses, skipped = report.standard_analyses(tx, source="s.csv")
    reason = ("1 sales line has an order date outside 1900–2100 (9999-12-31). Such dates are placeholders (9999-12-31 "
              "often stands for “no date”), not sales")
    # (price sensitivity too, since the Pricing analysis checks the span of order dates: a week in the
    # year 9999 would have given the demand model's trend and seasons an 8,000-year span)
    assert [line.split(" skipped: ")[0] for line in skipped if reason in line] == [
        "Customer segments (RFM)", "Retention and churn risk", "Recommendations against best-sellers",
        "Price sensitivity", "Demand forecast"]
    assert "Frequently bought together" in {a.name for a in analyses}
    assert report.build_html_report(analyses)


def test_one_price_for_everything_is_a_price_sensitivity_section_that_says_so():
    analysis = report.pricing_analysis(small_sales().assign(unit_price=4.99, revenue=lambda f: 4.99 * f["quantity"]))
    table = analysis.tables["Elasticities"]
    assert table["elasticity"].isna().all() and not table["reliable"].any()
    assert table["reason"].str.startswith("The price never changed").all()
    assert "2 estimate(s) are not reliable; the reason column says why. Do not set prices on them." in analysis.notes


@pytest.mark.parametrize("hostile", [
    lambda tx: tx.assign(quantity=-tx["quantity"], revenue=-tx["revenue"], is_return=True),  # every line a return
    lambda tx: tx.assign(customer_id="c0"),  # one customer
    lambda tx: tx.assign(order_date=pd.Timestamp("2024-05-01")),  # one day
    lambda tx: tx.assign(unit_price=1e300, revenue=1e300 * tx["quantity"]),  # absurd prices, all alike
    lambda tx: tx.assign(product_id="p0", product_name="P", category="c"),  # one product
], ids=["all-returns", "one-customer", "one-day", "price-1e300", "one-product"])
def test_hostile_but_loadable_data_skips_analyses_only_for_reasons_it_can_name(hostile):
    analyses, skipped = report.standard_analyses(hostile(small_sales()), source="s.csv")
    assert not [line for line in skipped if "did not foresee" in line]
    assert report.build_html_report(analyses)


def test_standard_journeys_of_the_demo_render_the_pages_result(demo_standard, demo):
    """The report's Journeys section is the Journeys page's Result (``analyses.journeys.run``, split
    by the Segments page's RFM segments, the page's default): the same funnel, rates and lists, in
    words. (The segment split changes no total: checked without it, for speed.)"""
    from promo_core.analyses import journeys as analysis

    section = next(a for a in demo_standard[0] if a.page == "journeys")
    result = analysis.run(demo.events, analysis.Params(parts=frozenset({"carts"})))
    funnel = section.tables["Funnel"]
    assert funnel["stage"].tolist() == ["Visits", "Viewed a product", "Added to cart", "Bought"]
    assert funnel["sessions"].tolist() == result.funnel.stages["sessions"].tolist()
    by_channel = section.tables["Funnel by channel"].set_index("channel")
    expected = result.funnel.by["channel"].set_index("channel")
    assert by_channel["browse_to_buy"].to_dict() == pytest.approx(expected["browse_to_buy"].to_dict(), abs=1e-12)
    by_segment = section.tables["Funnel by segment"].set_index("segment")
    assert "Champions" in by_segment.index and by_segment["sessions"].sum() == result.n_sessions
    assert section.tables["Abandoned carts (top 100)"]["value"].tolist() == result.carts["value"].head(100).tolist()
    assert f"{result.n_sessions:,} visits: {result.conversion:.1%} bought" in section.notes[0]
    assert set(section.figures) == {"Funnel", "Browse to buy by segment", "Browse to buy by channel",
                                    "Browse to buy by device"}


def test_standard_voice_names_the_planted_problem_products_with_their_aspect(demo_standard, demo):
    """The demo reviews (``sample_data.demo_reviews``, the texts the Voice page shows for the demo)
    plant a problem with one aspect in four products: the report names each as clearly more disliked
    than the rest, with that aspect and a quote about it; the three most reviewed of them lead the
    products table; every product has its summary; and no quote carries a customer's contact details
    although some demo texts hold an e-mail address or a phone number."""
    from promo_core import privacy

    voice = next(a for a in demo_standard[0] if a.page == "voice")
    reviews = sample_data.demo_reviews(demo)
    planted = reviews.truth.dropna(subset=["problem_aspect"]).set_index("product_id")["problem_aspect"]
    assert len(planted) == 4
    assert voice.notes[0].startswith(f"{len(reviews.table):,} reviews and posts (")
    names = {"quality": "quality", "taste": "taste / freshness", "packaging": "packaging", "delivery": "delivery"}
    for pid, aspect in planted.items():
        note = next(n for n in voice.notes if f"({pid}):" in n)
        assert f"the complaints name {names[aspect]} most" in note and "for example: “" in note
    products = voice.tables["Products"]
    assert set(products["product_id"].head(3)) <= set(planted.index)
    assert (products.set_index("product_id").loc[planted.index, "top_negative_aspect"]
            == planted.map(names)).all()
    assert products["summary"].str.len().gt(0).all()
    assert "Aspects in negative texts" in voice.figures and "Sentiment accuracy" in voice.tables
    assert reviews.table["text"].map(privacy.contains_personal).sum() > 0
    cells = [v for t in voice.tables.values() for v in t.to_numpy().ravel() if isinstance(v, str)] + voice.notes
    assert not any(privacy.contains_personal(v) for v in cells)


def test_voice_section_in_chinese_and_a_part_that_fails_alone(demo_tx):
    """A few hand-written texts of two demo products, no ratings: the section is in Chinese, the
    aspects by their Chinese names; the classifier check has no ratings to learn from (no section
    part), and the sales link too few weeks (said, not a failure)."""
    texts = pd.DataFrame({
        "text": ["The box arrived crushed, awful packaging.", "包装破了，很失望。", "Broken packaging again, terrible.",
                 "Lovely taste, will buy again.", "味道很好，很满意。", "Great value and fresh."] * 3,
        "product_id": ["P0001", "P0001", "P0001", "P0002", "P0002", "P0002"] * 3,
        "date": pd.date_range("2025-03-03", periods=18, freq="D")})
    saved = report.voice_analysis(demo_tx, texts, lang="zh")
    assert saved.notes[0].startswith("18 条评价和帖子") and saved.name == "顾客之声"
    products = saved.tables["商品"].set_index("product_id")
    assert products.at["P0001", "top_negative_aspect"] == "包装" and products.at["P0001", "share_negative"] == 1
    assert any(n.startswith("本部分未包含：") for n in saved.notes)
