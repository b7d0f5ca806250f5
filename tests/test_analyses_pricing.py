"""The Pricing page's analysis (promo_core.analyses.pricing): one run for page and report, in the
source's engine, each optional step failing on its own, results free of any language, and the
promotion the Logistics forecast plans with kept in the workspace."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from promo_core import dynamic_pricing, pricing, promotions
from promo_core.analyses import pricing as analysis
from promo_core.errors import DataError
from promo_core.io import finalize_transactions
from promo_core.store import Workspace
from promo_core.text import Message, render
from tests.test_pricing_promotions import promo_sales


@pytest.fixture(scope="module")
def sales() -> pd.DataFrame:
    """45 products in three categories over 80 weeks, one order per product-week, with promotions."""
    return finalize_transactions(promo_sales(pull=0.3, cannibal=0.2, seed=4))


def _named(scenarios, names=("Deal", "Spend", "Two for one")):
    return tuple(dataclasses.replace(s, name=n) for s, n in zip(scenarios, names))


def test_the_model_alone_gives_the_page_its_choices(sales):
    facts = analysis.run(sales, analysis.Params(parts=frozenset()))
    assert facts.period == "W" and facts.controls == () and facts.control_options == ()
    assert facts.prices is None and facts.promotions is None and facts.dynamic is None and not facts.problems
    cats = facts.model.categories
    assert facts.categories_by_sensitivity[0] == cats.loc[cats["elasticity"].idxmin(), "category"]
    means = facts.model.products.set_index("product_id")["mean_units"]
    assert facts.products_by_units[0] == means.idxmax()
    assert facts.last_day == sales["order_date"].max().normalize()
    first, spend, bogo, flash = facts.default_scenarios
    assert (first.mechanic, first.level, first.target, first.discount) == ("percent_off", "category",
                                                                            facts.categories_by_sensitivity[0], 0.2)
    assert pd.Timestamp(first.start) == facts.last_day + pd.Timedelta(days=8) and first.days == 14
    # the spend-and-save default sits near the upper-quartile basket of the last eight weeks
    recent = sales[sales["order_date"] > sales["order_date"].max() - pd.Timedelta(days=56)]
    quartile = (recent["quantity"] * recent["unit_price"]).quantile(0.75)  # (one line per order here)
    threshold, save = spend.tiers[0]
    assert spend.mechanic == "threshold" and abs(threshold - quartile) <= 10 ** int(np.log10(quartile)) / 2
    assert save == threshold / 10 and spend.take_up == 0.6
    assert bogo.target == facts.products_by_units[0] and flash.cap_units == 200.0
    assert [s.name for s in facts.default_scenarios] == ["1", "2", "3", "4"]  # (the page names them for the reader)
    compared = analysis.run(sales, analysis.Params(parts=frozenset({"promotions"})))  # untouched: the first three
    assert compared.promotions.scenarios == facts.default_scenarios[:3]


def test_the_same_run_on_a_frame_and_on_the_workspace_table(sales, tmp_path):
    """Per-line work (the panel, basket values, the order span) runs in the source's engine: the
    workspace's DuckDB table gives the numbers the DataFrame gives."""
    params = analysis.Params(scenarios=_named(analysis.run(sales, analysis.Params(parts=frozenset()))
                                              .default_scenarios))
    on_frame = analysis.run(sales, params)
    ws = Workspace(tmp_path / "ws.duckdb")
    dataset = ws.save_dataset("promos", {"transactions": sales}, source="promo_sales", rows_in=len(sales))
    with ws.ibis_table(dataset) as table:
        in_engine = analysis.run(table, params)
    assert not on_frame.problems and not in_engine.problems
    pd.testing.assert_frame_equal(in_engine.model.categories, on_frame.model.categories, rtol=1e-9)
    pd.testing.assert_frame_equal(in_engine.prices.recommendations, on_frame.prices.recommendations, rtol=1e-9)
    pd.testing.assert_frame_equal(in_engine.promotions.results, on_frame.promotions.results, rtol=1e-9)
    pd.testing.assert_series_equal(in_engine.promotions.baskets["Spend"], on_frame.promotions.baskets["Spend"],
                                   rtol=1e-9)
    pd.testing.assert_frame_equal(in_engine.dynamic.simulation.summary, on_frame.dynamic.simulation.summary)
    assert in_engine.default_scenarios == on_frame.default_scenarios


def test_every_part_answers_what_the_page_shows(sales):
    result = analysis.run(sales, analysis.Params(scenarios=_named(
        analysis.run(sales, analysis.Params(parts=frozenset())).default_scenarios)))
    prices = result.prices
    recs = prices.recommendations
    moved = recs[recs["status"] == "change"]
    assert prices.to_raise + prices.to_lower == len(moved)
    assert prices.profit_change == pytest.approx(moved["profit_change"].sum())
    assert prices.curve_product == recs.loc[recs["profit_change"].idxmax(), "product_id"]
    assert prices.curve["price"].between(0, np.inf).all() and len(prices.curve) == 61
    assert set(prices.dynamic_candidates) == set(recs.loc[recs["elasticity"] < 0, "product_id"])
    assert result.dynamic.product_id == prices.dynamic_candidates[0] and result.dynamic.settings.horizon == 52
    totals = result.dynamic.simulation.summary.set_index("policy")["total"]
    assert result.dynamic.gain == pytest.approx(totals["thompson"] - totals["fixed"])
    promos = result.promotions
    assert promos.results["scenario"].tolist() == ["Deal", "Spend", "Two for one"]
    assert promos.best["scenario"] == promos.results.loc[promos.results["incremental_margin"].idxmax(), "scenario"]
    assert list(promos.baskets) == ["Spend"]  # basket values for the threshold offer's chart only
    assert result.history.pull_forward.measured  # 30% planted, measured from the past promotions
    # a product picked on the page: its curve and its experiment
    other = prices.dynamic_candidates[-1]
    picked = analysis.run(sales, dataclasses.replace(result.params, curve_product=other,
                                                     dynamic=analysis.DynamicSettings(product=other, horizon=20)))
    assert picked.prices.curve_product == other and picked.dynamic.product_id == other
    assert picked.dynamic.simulation.curves["period"].max() == 20


def test_results_hold_messages_not_words(sales):
    """Nothing in a Result is in a language: reasons, notes and assumptions are messages that read
    in English and Chinese (so switching language recomputes nothing)."""
    result = analysis.run(sales, analysis.Params(scenarios=_named(
        analysis.run(sales, analysis.Params(parts=frozenset())).default_scenarios)))
    cells = [*result.model.categories["reason"], *result.model.products["reason"],
             *result.prices.recommendations["note"], *result.promotions.assumptions["assumption"],
             result.history.pull_forward.note, result.history.cannibalisation.note]
    assert all(isinstance(c, Message) for c in cells)
    for cell in cells:
        assert render(cell, "en") != render(cell, "zh") and "{" not in render(cell, "zh")
    shaky = result.prices.recommendations[~result.prices.recommendations["reliable"]
                                          & result.prices.recommendations["status"].isin(["change", "keep"])]
    assert all(render(n).endswith("before rolling it out.") for n in shaky["note"])


def test_a_step_that_fails_fails_alone(sales, monkeypatch, caplog):
    import logging

    def bug(*args, **kwargs):
        raise RuntimeError("SELECT * FROM tx_secret")

    monkeypatch.setattr(promotions, "promotion_history", bug)
    monkeypatch.setattr(dynamic_pricing, "simulate_dynamic_pricing",
                        lambda **kwargs: (_ for _ in ()).throw(DataError(Message("pricing.error.dyn_no_units"))))
    scenarios = _named(analysis.run(sales, analysis.Params(parts=frozenset())).default_scenarios)
    with caplog.at_level(logging.ERROR, logger="promo_core.analyses"):
        result = analysis.run(sales, analysis.Params(scenarios=scenarios))
    assert result.history is None and result.problems["history"].id == "error.unexpected"
    assert "tx_secret" not in render(result.problems["history"])
    assert result.dynamic is None and result.problems["dynamic"] == Message("pricing.error.dyn_no_units")
    assert result.prices is not None and result.promotions is not None  # the others carry on
    said = [render(a) for a in result.promotions.assumptions["assumption"]]
    assert "No promotion history used: pull-forward and cannibalisation assumed zero." in said


def test_monthly_summaries_start_from_ten_percent_off_and_refuse_a_threshold(sales):
    monthly = sales.assign(order_date=sales["order_date"].dt.to_period("M").dt.to_timestamp())
    monthly = monthly.groupby(["product_id", "category", "order_date"], as_index=False).agg(
        quantity=("quantity", "sum"), unit_price=("unit_price", "mean"))
    monthly = finalize_transactions(monthly.assign(order_id=[f"m{i}" for i in range(len(monthly))]))
    facts = analysis.run(monthly, analysis.Params(parts=frozenset()))
    assert facts.period == "M"
    second = facts.default_scenarios[1]
    assert (second.mechanic, second.level, second.discount) == ("percent_off", "store", 0.1)
    threshold = promotions.Scenario("Spend", "threshold", tiers=((100.0, 10.0),), start="2030-01-01",
                                    end="2030-01-14")
    result = analysis.run(monthly, analysis.Params(scenarios=(threshold,), parts=frozenset({"prices", "promotions"})))
    assert result.prices is not None and result.promotions is None
    assert result.problems["promotions"] == Message("pricing.error.no_real_baskets")


def test_basket_values_are_summed_per_order_in_the_engine_from_regular_lines_only():
    day = pd.Timestamp("2025-03-31")
    lines = pd.DataFrame([
        ("o1", day, "a", "A", 2, 5.0), ("o1", day, "b", "B", 1, 10.0),  # 20: 10 of it in category A
        ("o2", day, "a", "A", 1, 30.0), ("o2", day, "a", "A", -1, 30.0),  # the return does not count
        ("o3", day - pd.Timedelta(days=3), "b", "B", 1, 4.0), ("o3", day, "c", "B", 3, 0.0),  # a free line neither
        ("o0", day - pd.Timedelta(days=60), "a", "A", 9, 9.0),  # before the window
        (None, day, "a", "A", 5, 5.0),  # a line of no order
        ("o4", day - pd.Timedelta(days=1), "c", "B", 1, 2.0), ("o5", day - pd.Timedelta(days=2), "a", "A", 1, 1.0),
    ], columns=["order_id", "order_date", "product_id", "category", "quantity", "unit_price"])
    values, days = promotions.basket_values(lines, days=56)
    assert days == 56 and values.to_dict() == {"o1": 20.0, "o2": 30.0, "o3": 4.0, "o4": 2.0, "o5": 1.0}
    assert promotions.basket_values(lines, "category", "A")[0].to_dict() == {"o1": 10.0, "o2": 30.0, "o5": 1.0}
    assert promotions.basket_values(lines, "product", "b")[0].to_dict() == {"o1": 10.0, "o3": 4.0}
    with pytest.raises(DataError) as caught:
        promotions.basket_values(lines, "category", "Z")
    assert caught.value.message == Message("pricing.error.no_baskets", target="Z", days=56)
    with pytest.raises(DataError) as caught:
        promotions.basket_values(lines.drop(columns="category"), "category", "A")
    assert caught.value.id == "pricing.error.baskets_need" and caught.value.values["column"] == "category"


@pytest.mark.parametrize("typed, tiers", [
    ("50:5, 100:12", ((50.0, 5.0), (100.0, 12.0))), ("满50减5，满100减12", ((50.0, 5.0), (100.0, 12.0))),
    ("50-5;", ((50.0, 5.0),)), (" 200 : 25 ", ((200.0, 25.0),)), ("", ()),
])
def test_spend_and_save_tiers_read_as_managers_type_them(typed, tiers):
    assert analysis.parse_tiers(typed) == tiers
    assert analysis.parse_tiers(analysis.tiers_text(tiers)) == tiers


@pytest.mark.parametrize("typed, message", [("50:5, lots", "pricing.error.tier_text"),
                                             ("50:5:1", "pricing.error.tier_text"),
                                             ("fifty:5", "pricing.error.tier_numbers")])
def test_unreadable_tiers_name_the_part(typed, message):
    with pytest.raises(DataError) as caught:
        analysis.parse_tiers(typed)
    assert caught.value.id == message and caught.value.values["part"] in typed
    assert caught.value.values["part"] in caught.value.text("zh")


def test_unit_costs_are_a_value_a_cache_can_key_on():
    frame = pd.DataFrame({"product_id": ["a", "b", "a", "c", 7], "unit_cost": ["1.5", "x", "9", None, 2]})
    costs = pricing.UnitCostList.from_frame(frame)
    assert costs.items == (("a", 1.5), ("7", 2.0))  # the first row of a product; costs that are no number left out
    again = pricing.UnitCostList.from_frame(frame.copy())
    assert costs == again and hash(analysis.Params(unit_costs=costs)) == hash(analysis.Params(unit_costs=again))
    assert costs.frame().to_dict("list") == {"product_id": ["a", "7"], "unit_cost": [1.5, 2.0]}
    with pytest.raises(DataError) as caught:
        pricing.UnitCostList.from_frame(frame.rename(columns={"unit_cost": "cost"}))
    assert caught.value.id == "pricing.error.products_columns"


def test_the_planned_promotion_is_kept_in_the_workspace_for_another_session(sales, tmp_path):
    from promo_core.forecast import Promotion

    scenarios = _named(analysis.run(sales, analysis.Params(parts=frozenset())).default_scenarios)
    result = analysis.run(sales, analysis.Params(scenarios=scenarios, parts=frozenset({"promotions"})))
    planned = analysis.planned_promotion(result, "Deal")
    row = result.promotions.results.set_index("scenario").loc["Deal"]
    assert planned.discount == 0.2 and planned.expected_lift == round(row["lift"], 4)
    assert 0.8 ** planned.elasticity - 1 == pytest.approx(planned.expected_lift, abs=1e-3)
    path = tmp_path / "ws.duckdb"
    ws = Workspace(path)
    dataset = ws.save_dataset("promos", {"transactions": sales}, source="promo_sales", rows_in=len(sales))
    ws.save_handoff(dataset, planned)
    kept = Workspace(path).load_handoff(dataset, promotions.PlannedPromotion)
    assert kept == planned and Promotion.from_scenario(kept.as_dict()).lift == pytest.approx(row["lift"], abs=1e-3)
    ws.save_handoff(dataset, analysis.planned_promotion(result, "Two for one"))  # one per dataset: replaced
    assert Workspace(path).load_handoff(dataset, promotions.PlannedPromotion).mechanic == "bogo"
    with pytest.raises(DataError) as caught:
        analysis.planned_promotion(result, "Nope")
    assert caught.value.id == "pricing.error.unknown_scenario"


def test_a_monthly_pricing_upload_with_competitor_prices_is_estimated_with_them_as_controls(shared_data):
    """The Kaggle retail_price.csv, read as the page reads a pricing-data upload (competitor prices
    kept as extra columns): months detected, competitor prices offered and used as controls."""
    from promo_core.io import load_transactions

    loaded = load_transactions(shared_data / "retail_price.csv", extra_columns=["comp_1", "comp_2", "comp_3"])
    result = analysis.run(loaded.data, analysis.Params(parts=frozenset({"prices", "promotions"})))
    panel = result.model.panel
    assert result.period == "M" and (~panel["empty"]).sum() == 676  # the README's 676 product-months
    assert panel["empty"].sum() == result.empty_periods == 39  # months inside a product's selling life without a row
    assert set(result.control_options) >= {"comp_1", "comp_2", "comp_3"} and result.controls == result.control_options
    assert len(result.model.categories) == 9
    assert result.default_scenarios[1].mechanic == "percent_off"  # monthly summaries hold no baskets
    assert result.prices is not None and result.promotions is not None, result.problems
    without = analysis.run(loaded.data, analysis.Params(controls=(), parts=frozenset()))
    assert without.controls == () and not without.model.categories["elasticity"].equals(
        result.model.categories["elasticity"])
