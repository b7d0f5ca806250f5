"""The demo retailer is deterministic, realistic in shape, and carries the truth it was built from."""
import numpy as np
import pandas as pd

from promo_core import sample_data
from promo_core.io import CANONICAL


def test_same_seed_same_data_other_seed_other_data(demo):
    again = sample_data.generate(0, n_customers=2_000)
    pd.testing.assert_frame_equal(again.transactions, sample_data.generate(0, n_customers=2_000).transactions)
    other = sample_data.generate(1, n_customers=2_000)
    assert not again.transactions["order_id"].equals(other.transactions["order_id"]) or \
        not again.transactions["quantity"].equals(other.transactions["quantity"])


def test_shape_of_the_business(demo):
    tx = demo.transactions
    assert list(tx.columns) == CANONICAL
    assert 19_000 <= tx["customer_id"].nunique() <= 20_000
    assert tx["product_id"].nunique() == 500 and tx["category"].nunique() == 10
    span = tx["order_date"].max() - tx["order_date"].min()
    assert pd.Timedelta(days=700) < span <= pd.Timedelta(days=728)
    assert set(tx["channel"]) == {"online", "store"}
    assert tx.loc[tx["channel"] == "store", "store_id"].notna().all()
    assert tx.loc[tx["channel"] == "online", "store_id"].isna().all()
    assert 0.01 < (tx["quantity"] < 0).mean() < 0.06, "some lines are returns"
    assert 0.01 < tx["customer_id"].isna().mean() < 0.1, "some store orders are guests"
    assert (demo.products["unit_cost"] < demo.products["list_price"]).all()


def test_weekly_and_yearly_seasonality(demo):
    tx = demo.transactions[demo.transactions["quantity"] > 0]
    month = tx.groupby(tx["order_date"].dt.month)["quantity"].sum()
    assert month[12] > 1.3 * month[[2, 3, 4, 5, 6, 7, 8, 9]].mean(), "December peak"
    store = tx[tx["channel"] == "store"]
    by_day = store.groupby(store["order_date"].dt.dayofweek).size()
    assert by_day.idxmax() == 5, "stores are busiest on Saturday"


def test_prices_move_within_products(demo):
    tx = demo.transactions
    distinct = tx.groupby("product_id")["unit_price"].nunique()
    assert (distinct >= 3).mean() > 0.95, "promotions and price changes give within-product variation"


def test_truth_is_complete(demo):
    t = demo.truth
    assert set(t.category_elasticity.index) == set(demo.transactions["category"])
    assert (t.category_elasticity < 0).all()
    assert set(t.customer_type.unique()) == set(sample_data.TYPES)
    assert t.uplift.index.equals(pd.Index(demo.campaign["customer_id"], name="customer_id"))
    assert (t.uplift["coupon_10"] >= t.uplift["coupon_5"]).all()
    assert t.complements["product_id"].isin(demo.products["product_id"]).all()


def test_campaign_is_randomised_and_works_as_planted(demo):
    c = demo.campaign
    shares = c["arm"].value_counts(normalize=True)
    assert np.allclose(shares.to_numpy(), 1 / 3, atol=0.01)
    by_type = c.assign(t=demo.truth.customer_type.reindex(c["customer_id"]).to_numpy())
    mix = pd.crosstab(by_type["arm"], by_type["t"], normalize="index")
    assert (mix.max() - mix.min()).max() < 0.03, "behaviour types balanced across arms"
    rate = c.groupby("arm")["converted"].mean()
    assert rate["control"] < rate["coupon_5"] < rate["coupon_10"]
    assert (c.loc[c["converted"] == 1, "spend"] >= 0).all() and (c.loc[c["converted"] == 0, "spend"] == 0).all()
    assert (c.loc[c["converted"] == 1, "spend"] > 0).mean() > 0.85
    redeemed = demo.transactions["coupon_code"].isin(["WINBACK5", "WINBACK10"])
    assert demo.transactions.loc[redeemed, "customer_id"].isin(c.loc[c["arm"] != "control", "customer_id"]).all()


def test_network_demand_is_the_stores_sales(demo):
    stores, wh = demo.stores, demo.warehouses
    assert stores["site_id"].isin(demo.transactions["store_id"].dropna()).all()
    assert (stores["demand"] > 0).all() and wh["capacity"].sum() > stores["demand"].sum()
    assert stores["lat"].between(49, 59).all() and stores["lon"].between(-6, 2).all()
