"""The Logistics analysis (promo_core.analyses.logistics): its parts against the domain functions and
plain pandas on the demo, hand-checked elasticities and stock costs, parts failing alone, the
network as one hashable input read through the project's reader."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from promo_core import forecast, inventory, logistics, pricing
from promo_core.analyses import logistics as analysis
from promo_core.errors import DataError
from promo_core.text import Message, render


@pytest.fixture(scope="module")
def demo_products(demo_tx):
    return analysis.run(demo_tx, analysis.Params(parts=frozenset({"products"}))).products


def test_products_are_last_year_s_sales_summed_as_pandas_sums_them(demo_tx, demo_products):
    sold = demo_tx[demo_tx["quantity"] > 0]
    recent = sold[sold["order_date"] >= sold["order_date"].max() - pd.Timedelta(days=364)]
    expected = recent.groupby("product_id").agg(units=("quantity", "sum"), revenue=("revenue", "sum"))
    table = demo_products.table.set_index("product_id")
    assert set(table.index) == set(expected.index)
    np.testing.assert_allclose(table["units"], expected["units"].reindex(table.index), rtol=1e-12)
    np.testing.assert_allclose(table["revenue"], expected["revenue"].reindex(table.index), rtol=1e-9)
    np.testing.assert_allclose(table["avg_price"], table["revenue"] / table["units"], rtol=1e-12)
    assert table["units"].is_monotonic_decreasing
    by_category = recent.groupby("category")["quantity"].sum().sort_values(ascending=False)
    assert demo_products.categories == tuple(by_category.index)
    # the forecast starts the week after the last complete week of sales
    weeks = forecast.weekly_demand(demo_tx, "total").units.index
    assert demo_products.last_week == weeks[-1]


def test_default_elasticity_by_hand():
    table = pd.DataFrame({"product_id": ["a", "b", "c"], "product_name": ["A", "B", "C"],
                          "category": ["Tea", "Tea", "Soap"], "units": [30.0, 10.0, 60.0],
                          "revenue": [1.0, 1.0, 1.0], "avg_price": [1.0, 1.0, 1.0]})
    estimates = pd.DataFrame({"category": ["Tea", "Soap"], "elasticity": [-2.0, -1.0], "ci_low": [-2.5, -1.2],
                              "ci_high": [-1.5, -0.8], "reliable": [True, True]})
    products = analysis.Products(table, ("Soap", "Tea"), estimates, pd.Timestamp("2025-01-06"))
    tea = analysis.default_elasticity(products, "category", "Tea")
    assert tea.value == -2.0 and tea.source == Message("logistics.elasticity.category", category="Tea", value=-2.0,
                                                        low=-2.5, high=-1.5)
    assert analysis.default_elasticity(products, "product", "c").value == -1.0  # its category's
    # the whole range: (40 x -2 + 60 x -1) / 100
    everything = analysis.default_elasticity(products, "all", None)
    assert everything.value == pytest.approx(-1.4, abs=1e-12)
    assert render(everything.source) == "Sales-weighted average of the categories' estimated elasticities: -1.40."
    unreliable = estimates.assign(reliable=[True, False])
    only_tea = analysis.Products(table, ("Soap", "Tea"), unreliable, None)
    assert analysis.default_elasticity(only_tea, "category", "Soap").value == analysis.TYPICAL_ELASTICITY
    assert analysis.default_elasticity(only_tea, "all", None).value == -2.0
    none = analysis.default_elasticity(analysis.Products(table, (), None, None), "all", None)
    assert none.value == -1.5 and render(none.source, "zh").startswith("无法从这些数据估计弹性：-1.5")


def test_the_demo_default_elasticity_is_the_pricing_model_s(demo_tx, demo_products):
    estimates = pricing.elasticities(demo_tx, level="category").set_index("category")
    top = demo_products.categories[0]
    assert analysis.default_elasticity(demo_products, "category", top).value == estimates.at[top, "elasticity"]


def test_the_stock_policy_costs_known_unit_costs_and_falls_back_on_the_price(demo_tx, demo_products):
    params = analysis.Params(horizon_weeks=8, models=("seasonal_naive", "holt_winters"),
                             parts=frozenset({"forecast"}))
    fc = analysis.run(demo_tx, params).forecast
    settings = analysis.StockSettings(lead_time_weeks=3, service_level=0.9, order_cost=25, holding_rate=0.2,
                                      cost_share=0.5)
    first, second = fc.result.demand.units.columns[:2]
    costs = pd.DataFrame({"product_id": [first, second], "unit_cost": [4.0, 0.0]})
    stock = analysis.stock_policy(fc, demo_products, settings, costs)
    policy = stock.policy.set_index("product_id")
    assert policy.at[first, "unit_cost"] == 4.0
    price = demo_products.table.set_index("product_id")["avg_price"]
    assert policy.at[second, "unit_cost"] == pytest.approx(0.5 * price[second], rel=1e-12), "0 is no cost"
    demand = inventory.demand_from_forecast(fc.result)
    row = demand[demand["item"] == first].assign(unit_cost=4.0)
    expected = inventory.inventory_policy(row, lead_time_weeks=3, service_level=0.9, order_cost=25, holding_rate=0.2)
    assert policy.at[first, "total_cost"] == pytest.approx(expected["total_cost"].iloc[0], rel=1e-12)
    assert stock.total_cost == pytest.approx(policy["total_cost"].sum(), rel=1e-12)
    assert 0.9 < stock.fill_rate <= 1 and list(stock.curve["service_level"]).count(0.9) == 1
    with pytest.raises(ValueError, match="product-level"):
        category = analysis.run(demo_tx, analysis.Params(level="category", horizon_weeks=8,
                                                         models=("seasonal_naive",), parts=frozenset({"forecast"})))
        analysis.stock_policy(category.forecast, demo_products, settings)


def test_a_part_the_data_cannot_support_leaves_the_others(demo):
    """Eight weeks of sales cannot be forecast; the network is planned all the same."""
    days = pd.date_range("2025-01-06", periods=56, freq="D")
    tx = pd.DataFrame({"order_date": days, "product_id": "P1", "quantity": 3.0, "unit_price": 2.0,
                       "order_id": [f"o{i}" for i in range(len(days))]})
    network = logistics.Network.build(demo.warehouses, demo.stores, cost_per_unit_km=demo.cost_per_unit_km)
    result = analysis.run(tx, analysis.Params(network=network, what_if=analysis.WhatIf(demand_change=0.1)))
    assert result.forecast is None and result.problems["forecast"] == Message("forecast.error.few_weeks", weeks=8)
    assert result.products is not None and result.network is not None
    assert result.network.scenario.scenario.flows.sum() == pytest.approx(1.1 * demo.stores["demand"].sum())
    closed = analysis.WhatIf(capacity=tuple((w, 0.0) for w in demo.warehouses["site_id"]))
    failed = analysis.run(None, analysis.Params(network=network, what_if=closed, parts=frozenset({"network"})))
    assert failed.network.scenario is None and failed.problems["what_if"].id == "logistics.error.capacity_short"
    with pytest.raises(ValueError, match="need order lines"):
        analysis.run(None, analysis.Params())


def test_params_are_a_cache_key_with_the_network_by_content(demo):
    one = logistics.Network.build(demo.warehouses, demo.stores, cost_per_unit_km=0.002)
    again = logistics.Network.build(demo.warehouses.copy(), demo.stores.copy(), cost_per_unit_km=0.002)
    dearer = logistics.Network.build(demo.warehouses, demo.stores, cost_per_unit_km=0.003)
    assert one == again and hash(one) == hash(again) and one != dearer
    assert analysis.Params(network=one) == analysis.Params(network=again)
    assert hash(analysis.Params(network=one, what_if=analysis.WhatIf(close=("W1",))))
    assert analysis.Params(network=one) != analysis.Params(network=dearer)


def test_network_uploads_go_through_the_project_s_reader():
    semicolons = "id;lat;lon;capacity;fixed cost\nW1;51.5;-0.1;100;10\n"
    assert logistics.read_sites(semicolons.encode("utf-16"), "warehouses")["lat"].tolist() == [51.5]
    with pytest.raises(DataError, match=r"Row 1 of the warehouses table \(W1\) has an invalid lat '51,5'"):
        logistics.read_sites(semicolons.replace("51.5", "51,5").encode("utf-16"), "warehouses")  # (1,000 = 1000)
    warehouses = "Warehouse\tLatitude\tLongitude\tCapacity\tFixed cost\nW1\t51.5\t-0.1\t100\t10\nW2\t53.4\t-2.2\t80\t5\n"
    stores = "id,lat,lon,demand\nS1,52.0,-1.0,30\nS2,52.5,-1.5,40\n"
    costs = "from,to,cost\nW1,S1,1\nW1,S2,2\nW2,S2,0.5\n"
    network = logistics.Network.build(warehouses.encode("utf-16"), stores.encode(), cost_table=costs.encode())
    assert network.warehouses["site_id"].tolist() == ["W1", "W2"] and network.cost_per_unit_km is None
    assert np.isinf(network.unit_cost[1, 0]) and network.unit_cost[1, 1] == 0.5
    plan = analysis.run(None, analysis.Params(network=network, parts=frozenset({"network"}))).network.plan
    assert plan.total_cost == pytest.approx(10 + 5 + 30 * 1 + 40 * 0.5)  # both open: W2 ships S2 for 20 less


def test_an_unreadable_line_of_an_upload_is_named_never_dropped():
    stores = b'id,lat,lon,demand\nS1,52.0,-1.0,30\n"S2,52.5,-1.5,40\nS3,52.1,-1.1,10\n'
    with pytest.raises(DataError) as caught:
        logistics.read_sites(stores, "stores")
    assert caught.value.id == "logistics.error.unreadable_line"
    assert "line 3" in str(caught.value) and "第 3 行" in caught.value.text("zh")


def test_zero_padded_site_ids_match_the_cost_table_s_headers():
    """The reader reads a column of ids made of digits as numbers ("001" -> 1) but leaves a header
    as it is: the cost table matches them by their value."""
    warehouses = b"id,lat,lon,capacity,fixed_cost\n010,51,0,100,1\n020,52,0,100,1\n"
    stores = b"id,lat,lon,demand\n001,52.0,-1.0,30\n002,52.5,-1.5,40\n"
    network = logistics.Network.build(warehouses, stores, cost_table=b"warehouse,001,002\n010,1,2\n020,3,\n")
    np.testing.assert_array_equal(network.unit_cost, [[1.0, 2.0], [3.0, np.inf]])
    long = logistics.Network.build(warehouses, stores, cost_table=b"from,to,cost\n010,001,1\n010,002,2\n020,001,3\n")
    assert long == network
    with pytest.raises(DataError, match="not in the warehouses/stores tables: 3\\."):
        logistics.Network.build(warehouses, stores, cost_table=b"from,to,cost\n010,003,1\n")


def test_a_promotion_added_to_a_kept_fit_is_the_promoted_forecast(demo_tx, demo_products, monkeypatch):
    params = analysis.Params(level="category", horizon_weeks=8, models=("seasonal_naive", "holt_winters"),
                             parts=frozenset({"forecast"}))
    fitted = analysis.run(demo_tx, params).forecast.result
    promotion = forecast.Promotion.build(0.25, fitted.forecast["week"].min(), fitted.forecast["week"].min()
                                         + pd.Timedelta(days=13), -1.8, "category", demo_products.categories[0])
    promoted = dataclasses.replace(params, promotion=promotion)
    fitted_again = dataclasses.replace(promoted, fitted=fitted)
    assert fitted_again == promoted and hash(fitted_again) == hash(promoted), "a cache keys on the settings"
    direct = analysis.run(demo_tx, promoted).forecast
    monkeypatch.setattr(forecast, "forecast_demand", lambda *a, **k: pytest.fail("fitted again"))
    added = analysis.run(demo_tx, fitted_again).forecast
    pd.testing.assert_frame_equal(added.result.forecast, direct.result.forecast)
    assert added.uplift == direct.uplift > 0 and added.peak_uplift == direct.peak_uplift > 0
    with pytest.raises(ValueError, match="other settings"):
        analysis.run(demo_tx, dataclasses.replace(fitted_again, horizon_weeks=6))
