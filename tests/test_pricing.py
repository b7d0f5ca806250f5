"""Elasticities, the PPML estimator and profit-optimal prices: planted truth, real data, hand cases."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.optimize import minimize_scalar

from promo_core import pricing
from promo_core.errors import DataError
from promo_core.io import load_transactions
from promo_core.text import render
from tests.conftest import chinese_error

RETAIL_MAPPING = {"product_id": "product_id", "category": "product_category_name", "order_date": "month_year",
                  "quantity": "qty", "unit_price": "unit_price", "customer_id": None, "product_name": None}


def simulated_sales(elasticity: dict, n_weeks: int = 60, constant: tuple = (), seed: int = 0,
                    base_units: float = 30.0) -> pd.DataFrame:
    """One sales line per product-week; units ~ Poisson(base * price**elasticity * season).
    ``elasticity`` maps product_id -> (category, true elasticity)."""
    rng = np.random.default_rng(seed)
    weeks = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n_weeks) * 7 + 2, unit="D")
    season = 1 + 0.3 * np.sin(2 * np.pi * np.arange(n_weeks) / 52)
    rows = []
    for pid, (cat, beta) in elasticity.items():
        list_price = rng.uniform(2, 20)
        factor = np.where(rng.random(n_weeks) < 0.15, rng.choice([0.7, 0.8, 0.9], n_weeks), 1.0)
        factor *= np.where(np.arange(n_weeks) >= rng.integers(10, n_weeks - 10), rng.choice([0.9, 1.1]), 1.0)
        price = np.round(list_price * (np.ones(n_weeks) if pid in constant else factor), 2)
        units = rng.poisson(base_units * (price / list_price) ** beta * season)
        for w in np.flatnonzero(units > 0):
            rows.append({"order_id": f"{pid}-{w}", "order_date": weeks[w], "product_id": pid, "category": cat,
                         "quantity": int(units[w]), "unit_price": price[w]})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def demo_model(demo_tx):
    return pricing.fit_demand(demo_tx, period="W")


# --- the estimator against statsmodels ---------------------------------------------------------
def test_ppml_fixed_effects_matches_statsmodels_poisson_glm_with_dummies():
    rng = np.random.default_rng(1)
    n_ent, n_time = 15, 30
    ent, t = np.repeat(np.arange(n_ent), n_time), np.tile(np.arange(n_time), n_ent)
    keep = rng.random(len(ent)) < 0.85
    ent, t = ent[keep], t[keep]
    x = np.column_stack([rng.normal(0, 0.2, len(ent)), rng.normal(0, 1, len(ent))])
    mu = np.exp(rng.normal(2, 0.5, n_ent)[ent] + rng.normal(0, 0.3, n_time)[t] - 1.5 * x[:, 0] + 0.3 * x[:, 1])
    y = rng.poisson(mu * rng.gamma(2, 0.5, len(ent)))
    ours = pricing.PPMLFixedEffects().fit(x, y, ent, t)
    dummies = pd.get_dummies(pd.DataFrame({"e": ent.astype(str), "t": t.astype(str)}), drop_first=True)
    design = sm.add_constant(np.column_stack([x, dummies.to_numpy(dtype=float)]))
    ref = sm.GLM(y, design, family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": ent, "use_correction": False})
    np.testing.assert_allclose(ours.coef_[0], ref.params[1:3], rtol=1e-6)
    np.testing.assert_allclose(ours.fitted_, ref.fittedvalues, rtol=1e-6)
    # our small-sample factor is G / (G - 1) on top of the uncorrected cluster sandwich
    np.testing.assert_allclose(np.sqrt(np.diag(ours.vcov_[0])), ref.bse[1:3] * np.sqrt(n_ent / (n_ent - 1)), rtol=1e-4)
    assert ours.clustered_[0]


def test_ppml_predict_reproduces_fitted_values_and_counterfactuals():
    rng = np.random.default_rng(2)
    ent, t = np.repeat(np.arange(12), 20), np.tile(np.arange(20), 12)
    x = rng.normal(0, 0.2, len(ent))
    y = rng.poisson(np.exp(2 + rng.normal(0, 0.3, 20)[t] - 2 * x))
    model = pricing.PPMLFixedEffects().fit(x, y, ent, t)
    np.testing.assert_allclose(model.predict(x, ent, t), model.fitted_, rtol=1e-8)
    np.testing.assert_allclose(model.predict(x + np.log(1.1), ent, t) / model.fitted_,
                               1.1 ** model.coef_[0, 0], rtol=1e-8)


def test_ppml_leaves_out_a_control_that_copies_the_price():
    rng = np.random.default_rng(3)
    ent = np.repeat(np.arange(12), 20)
    logp = rng.normal(0, 0.2, len(ent))
    y = rng.poisson(np.exp(2 - 1.5 * logp))
    model = pricing.PPMLFixedEffects().fit(np.column_stack([logp, logp]), y, ent)
    assert model.used_[0].tolist() == [True, False]
    assert model.coef_[0, 1] == 0.0
    assert abs(model.coef_[0, 0] + 1.5) < 0.3


def test_ppml_leaves_out_a_price_that_never_changes_in_a_group():
    rng = np.random.default_rng(4)
    ent, group = np.repeat(np.arange(12), 20), np.repeat(np.arange(2), 120)
    logp = np.where(group == 0, rng.normal(0, 0.2, len(ent)), np.log(4.99))  # group 1: one price throughout
    y = rng.poisson(np.exp(2 - 1.5 * logp))
    model = pricing.PPMLFixedEffects().fit(logp, y, ent, group=group)
    assert model.used_[:, 0].tolist() == [True, False]
    assert abs(model.coef_[0, 0] + 1.5) < 0.3 and np.isnan(model.coef_[1, 0])


# --- planted truth ------------------------------------------------------------------------------
def test_demo_category_elasticities_within_015_of_planted_truth(demo, demo_model):
    est = demo_model.categories.set_index("category")
    truth = demo.truth.category_elasticity
    assert set(est.index) == set(truth.index)
    error = (est["elasticity"] - truth.reindex(est.index)).abs()
    assert error.max() <= 0.15, error.sort_values().to_string()
    assert est["reliable"].all()
    assert (est["ci_low"] < est["elasticity"]).all() and (est["elasticity"] < est["ci_high"]).all()
    # without product effects the estimates are nowhere near: the confound the model removes
    assert (est["elasticity_naive"] - truth.reindex(est.index)).abs().min() > 0.5


def test_simulated_products_recover_truth_and_constant_price_product_is_flagged_not_estimated():
    truth = {f"A{i}": ("Alpha", -1.2) for i in range(20)} | {f"B{i}": ("Beta", -2.5) for i in range(20)}
    tx = simulated_sales(truth, constant=("A3",), seed=4)
    model = pricing.fit_demand(tx, period="W")
    cats = model.categories.set_index("category")
    assert abs(cats.loc["Alpha", "elasticity"] + 1.2) < 0.15
    assert abs(cats.loc["Beta", "elasticity"] + 2.5) < 0.15
    prods = model.products.set_index("product_id")
    a3 = prods.loc["A3"]
    assert np.isnan(a3["elasticity"]) and np.isnan(a3["elasticity_raw"])
    assert a3["flag"] == "constant_price" and not a3["reliable"]
    assert "never changed" in render(a3["reason"])
    others = prods.drop("A3")
    true = others.index.str[0].map({"A": -1.2, "B": -2.5})
    covered = ((others["raw_ci_low"] <= true) & (true <= others["raw_ci_high"])).mean()
    assert covered >= 0.75  # nominal 90% intervals cover the truth for most products
    assert (others["elasticity"] - true).abs().mean() < (others["elasticity_raw"] - true).abs().mean()


def test_product_with_few_periods_is_pooled_toward_its_category_and_flagged():
    truth = {f"A{i}": ("Alpha", -1.5) for i in range(15)}
    tx = simulated_sales(truth, seed=5)
    a0 = tx[tx["product_id"] == "A0"].sort_values("unit_price")
    short = pd.concat([a0.head(3), a0.tail(3)])  # six weeks, with the price moving
    tx = pd.concat([tx[tx["product_id"] != "A0"], short], ignore_index=True)
    prods = pricing.elasticities(tx, level="product").set_index("product_id")
    assert prods.loc["A0", "flag"] == "few_periods" and not prods.loc["A0", "reliable"]
    assert prods.loc["A0", "pooling"] > prods.drop("A0")["pooling"].median() - 1e-9
    raw, cat, pooled = prods.loc["A0", ["elasticity_raw", "category_elasticity", "elasticity"]]
    assert min(raw, cat) - 1e-9 <= pooled <= max(raw, cat) + 1e-9


def test_positive_elasticity_is_flagged_with_its_likely_cause():
    truth = {f"U{i}": ("Upside", 0.8) for i in range(12)}
    cats = pricing.elasticities(simulated_sales(truth, seed=6), level="category")
    row = cats.iloc[0]
    assert row["elasticity"] > 0 and row["flag"] == "positive" and not row["reliable"]
    assert "confound" in render(row["reason"])
    assert "混杂" in render(row["reason"], "zh")  # the same result in either language


# --- real data: retail_price.csv ----------------------------------------------------------------
@pytest.fixture(scope="module")
def retail_price(shared_data):
    return load_transactions(shared_data / "retail_price.csv", mapping=RETAIL_MAPPING,
                             extra_columns=["comp_1", "comp_2", "comp_3"])


def test_retail_price_loads_through_the_mapping_with_competitor_prices(retail_price):
    assert len(retail_price.data) == 676 and len(retail_price.quarantine) == 0
    assert retail_price.data["comp_1"].notna().all()
    assert pricing.detect_period(retail_price.data) == "M"


def test_retail_price_within_product_estimates_fix_the_pooled_wrong_signs(retail_price):
    cats = pricing.elasticities(retail_price.data, level="category", period="M").set_index("category")
    assert len(cats) == 9
    wrong_pooled = cats.index[cats["elasticity_naive"] > 0]
    # 4 on the months with sales alone (the fit before 2026-12); the months without a sale put back,
    # consoles_games' pooled slope turns negative (one empty month of two products)
    assert len(wrong_pooled) == 3
    fixed = cats.loc[wrong_pooled, "elasticity"] < 0
    assert fixed.sum() >= 3
    assert (cats.loc[wrong_pooled[~fixed], "flag"] == "positive").all()  # what stays positive is flagged
    # honest intervals: every estimate carries one, few products means wide, and the flags say why
    estimated = cats[cats["elasticity"].notna()]
    assert (estimated["ci_high"] - estimated["ci_low"] > 1.0).all()
    assert (~cats["clustered_se"] | (cats["n_products"] >= 10)).all()
    assert cats.loc["health_beauty", "flag"] == "positive"
    assert cats.loc["watches_gifts", "reliable"]


def test_retail_price_competitor_prices_enter_as_controls(retail_price):
    cats = pricing.elasticities(retail_price.data, level="category", period="M",
                                controls=["comp_1"]).set_index("category")
    assert (cats["controls_used"] == "comp_1").sum() >= 7
    plain = pricing.elasticities(retail_price.data, level="category", period="M").set_index("category")
    assert not np.allclose(cats["elasticity"].fillna(0), plain["elasticity"].fillna(0))


# --- hostile input ----------------------------------------------------------------------------
def test_missing_price_column_is_a_clear_error():
    tx = pd.DataFrame({"product_id": ["a"], "order_date": [pd.Timestamp("2024-01-01")], "quantity": [1]})
    with pytest.raises(DataError, match="unit price"):
        pricing.elasticities(tx)


def test_only_returns_is_a_clear_error():
    tx = pd.DataFrame({"product_id": ["a", "b"], "order_date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                       "quantity": [-1, -2], "unit_price": [2.0, 3.0]})
    with pytest.raises(DataError, match="No sales lines"):
        pricing.elasticities(tx)


def test_unknown_level_period_and_control_are_clear_errors():
    tx = simulated_sales({"A0": ("Alpha", -1.0)}, n_weeks=30)
    with pytest.raises(DataError, match="level"):
        pricing.elasticities(tx, level="store")
    with pytest.raises(DataError, match="Period"):
        pricing.elasticities(tx, period="Q")
    with pytest.raises(DataError, match="comp_9"):
        pricing.elasticities(tx, controls=["comp_9"])


# --- profit-optimal prices -----------------------------------------------------------------------
def _item(price=10.0, cost=6.0, beta=-2.0, se=0.0, units=100.0):
    return pd.DataFrame([{"id": "x", "current_price": price, "unit_cost": cost, "elasticity": beta, "se": se,
                          "base_units": units, "base_total": 1e9}])


def test_unconstrained_optimum_matches_scipy_on_the_profit_curve():
    rules = pricing.PriceRules(max_change=0.5, min_margin=0.0, endings=())
    out = pricing.optimise_prices(_item(cost=6.0, beta=-3.0), rules).iloc[0]
    ref = minimize_scalar(lambda p: -(p - 6.0) * 100 * (p / 10.0) ** -3.0, bounds=(5, 15), method="bounded")
    assert out["recommended_price"] == pytest.approx(ref.x, abs=0.006)
    assert out["recommended_price"] == pytest.approx(9.0, abs=0.006)  # markup rule c * e / (1 + e)
    assert out["binding"] == "none" and out["status"] == "change"


def test_max_increase_binds_when_the_optimum_is_above_the_band():
    out = pricing.optimise_prices(_item(cost=6.0, beta=-2.0),
                                  pricing.PriceRules(max_change=0.1, endings=())).iloc[0]
    assert out["recommended_price"] == pytest.approx(11.0)
    assert out["binding"] == "max_increase"


def test_min_margin_holds_the_price_up():
    out = pricing.optimise_prices(_item(cost=6.0, beta=-4.0),
                                  pricing.PriceRules(max_change=0.3, min_margin=0.35, endings=())).iloc[0]
    assert out["recommended_price"] >= 6.0 / 0.65 - 1e-9
    assert out["binding"] == "min_margin"


def test_price_endings_are_respected():
    out = pricing.optimise_prices(_item(price=20.0, cost=14.0, beta=-2.0),
                                  pricing.PriceRules(max_change=0.2, endings=(0.99, 0.49))).iloc[0]
    assert round(out["recommended_price"] % 1, 2) in (0.99, 0.49)
    assert out["recommended_price"] == pytest.approx(23.99)


def test_no_price_meets_the_margin_rule_is_reported_infeasible():
    out = pricing.optimise_prices(_item(price=10.0, cost=9.5), pricing.PriceRules(0.1, 0.3, ())).iloc[0]
    assert out["status"] == "infeasible" and np.isnan(out["recommended_price"])


def test_uncertain_elasticity_gives_an_interval_around_projected_profit():
    out = pricing.optimise_prices(_item(cost=6.0, beta=-3.0, se=0.5), pricing.PriceRules(0.3, 0, ())).iloc[0]
    assert out["profit_low"] < out["profit_new"] < out["profit_high"]
    assert out["units_low"] < out["units_new"] < out["units_high"]
    assert 0 <= out["prob_profit_up"] <= 1


def test_demo_recommendations_respect_every_rule(demo, demo_model):
    model = demo_model
    rules = pricing.PriceRules(max_change=0.1, min_margin=0.3, endings=(0.99,))
    recs = pricing.optimal_prices(model, pricing.unit_costs(model, demo.products), rules)
    assert len(recs) == 500 and (recs["cost_source"] == "products table").all()
    moved = recs[recs["status"] == "change"]
    assert len(moved) > 100
    assert (moved["recommended_price"] <= moved["current_price"] * 1.1 + 1e-9).all()
    assert (moved["recommended_price"] >= moved["current_price"] * 0.9 - 1e-9).all()
    assert ((moved["recommended_price"] - moved["unit_cost"]) / moved["recommended_price"] >= 0.3 - 1e-9).all()
    assert np.allclose(moved["recommended_price"] % 1, 0.99)
    infeasible = recs[recs["status"] == "infeasible"]
    for row in infeasible.itertuples():  # neither the current price nor any .99 price in the band meets the margin
        floor = max(row.unit_cost / 0.7, row.current_price * 0.9)
        assert row.current_price < row.unit_cost / 0.7
        assert np.floor(row.current_price * 1.1 - 0.99) + 0.99 < floor - 1e-9
    assert (moved["profit_change"] > 0).mean() > 0.95


def test_unit_costs_fall_back_to_the_margin_assumption():
    model = pricing.fit_demand(simulated_sales({"A0": ("Alpha", -1.5), "A1": ("Alpha", -1.5)}, seed=7))
    products = pd.DataFrame({"product_id": ["A0"], "unit_cost": [1.0]})
    costs = pricing.unit_costs(model, products, margin=0.4).set_index("product_id")
    current = pricing.current_prices(model).set_index("product_id")["current_price"]
    assert costs.loc["A0", "unit_cost"] == 1.0 and costs.loc["A0", "cost_source"] == "products table"
    assert costs.loc["A1", "unit_cost"] == pytest.approx(current["A1"] * 0.6, abs=1e-4)
    assert costs.loc["A1", "cost_source"] == "margin assumption"
    with pytest.raises(DataError, match="unit_cost"):
        pricing.unit_costs(model, pd.DataFrame({"sku": ["A0"]}))


def test_demand_curve_peaks_at_the_markup_price():
    curve = pricing.demand_curve(10.0, 6.0, -3.0, 0.0, 100.0, width=0.3, n_points=601)
    assert curve.loc[curve["profit"].idxmax(), "price"] == pytest.approx(9.0, abs=0.01)
    assert (np.diff(curve["units"]) < 0).all()


def test_extra_columns_that_are_missing_or_clash_are_refused(shared_data):
    with pytest.raises(DataError, match="comp_9"):
        load_transactions(shared_data / "retail_price.csv", mapping=RETAIL_MAPPING, extra_columns=["comp_9"])
    with pytest.raises(DataError, match="clash"):
        load_transactions(shared_data / "retail_price.csv", mapping=RETAIL_MAPPING, extra_columns=["unit_price"])


def test_unit_cost_file_with_chinese_headers_reports_bad_rows():
    import io as _io

    body = "商品编码;成本\nA0;1,50\nA1;abc\nA2;-3\nA0;9\n".replace("1,50", "1.50").encode("gb18030")
    read = pricing.read_unit_costs(_io.BytesIO(body))
    pd.testing.assert_frame_equal(read.costs, pd.DataFrame({"product_id": ["A0"], "unit_cost": [1.5]}))
    assert read.rejected["line"].tolist() == [3, 4]
    assert read.rejected["reason"].tolist() == ["cost is not a number", "cost is negative"]


def test_unit_cost_file_without_a_cost_column_is_a_clear_error():
    import io as _io

    with pytest.raises(DataError, match="cost column"):
        pricing.read_unit_costs(_io.BytesIO(b"sku,price\nA0,3\n"))


def test_two_periods_give_no_number_and_say_why():
    tx = simulated_sales({"A0": ("Alpha", -1.5)}, n_weeks=30).head(2)
    row = pricing.elasticities(tx).iloc[0]
    assert np.isnan(row["elasticity"]) and np.isnan(row["ci_low"])
    assert row["flag"] == "few_periods" and not row["reliable"]


def test_a_category_whose_only_product_has_one_price_is_reported_not_estimable():
    truth = {f"A{i}": ("Alpha", -1.2) for i in range(8)} | {"S0": ("Solo", -1.0)}
    tx = simulated_sales(truth, constant=("S0",), seed=9)
    cats = pricing.elasticities(tx).set_index("category")
    solo = cats.loc["Solo"]
    assert np.isnan(solo["elasticity"]) and solo["flag"] == "constant_price" and not solo["reliable"]
    assert "never changed" in render(solo["reason"])
    assert abs(cats.loc["Alpha", "elasticity"] + 1.2) < 0.3  # the other category is measured as before
    product = pricing.elasticities(tx, level="product").set_index("product_id").loc["S0"]
    assert np.isnan(product["elasticity"]) and product["flag"] == "constant_price"


def test_one_price_for_everything_is_reported_not_estimable_everywhere():
    tx = simulated_sales({f"A{i}": ("Alpha", -1.2) for i in range(4)}, seed=10).assign(unit_price=4.99)
    cats = pricing.elasticities(tx)
    assert cats["elasticity"].isna().all() and (cats["flag"] == "constant_price").all()


def test_data_without_categories_is_one_group():
    tx = simulated_sales({f"A{i}": ("Alpha", -1.5) for i in range(6)}, seed=8).drop(columns="category")
    cats = pricing.elasticities(tx)
    assert cats["category"].tolist() == ["All products"] and abs(cats.iloc[0]["elasticity"] + 1.5) < 0.3


def test_hostile_input_errors_have_a_chinese_text_with_the_same_values():
    import io as _io

    tx = pd.DataFrame({"product_id": ["a", "b"], "order_date": pd.to_datetime(["2024-01-01", "2024-01-09"]),
                       "quantity": [1, 2], "unit_price": [2.0, 3.0], "comp": ["x", "y"]})
    returns = tx.assign(quantity=[-1, -2])
    cases = [  # (call, a value the Chinese text must repeat)
        (lambda: pricing.price_panel(tx, period="Q"), "'Q'"),
        (lambda: pricing.price_panel(tx.drop(columns="unit_price")), "unit_price"),
        (lambda: pricing.price_panel(tx, controls=["comp_9"]), "comp_9"),
        (lambda: pricing.price_panel(returns), None),
        (lambda: pricing.price_panel(tx, controls=["comp"]), "'comp'"),
        (lambda: pricing.PPMLFixedEffects().fit(np.ones((2, 1)), np.array([-1.0, 1.0]), [0, 0]), None),
        (lambda: pricing.fit_demand(tx, time_effects="yearly"), None),
        (lambda: pricing.elasticities(tx, level="store"), None),
        (lambda: pricing.PriceRules(max_change=0), None),
        (lambda: pricing.PriceRules(min_margin=1.5), None),
        (lambda: pricing.PriceRules(endings=(1.99,)), None),
        (lambda: pricing.demand_curve(0.0, 1.0, -2.0, 0.1, 10.0), None),
        (lambda: pricing.read_unit_costs(_io.BytesIO(b"sku,price\nA0,3\n")), "price"),
        (lambda: pricing.read_unit_costs(_io.BytesIO(b"sku,cost\nA0,abc\nA1,-2\n")), "'cost'"),
    ]
    for call, value in cases:
        err = chinese_error(call)
        zh = err.text("zh")
        assert value is None or (value in zh and value in str(err)), (value, zh)
