"""The product analyses that run in the engine (baskets, product x period price panels, weekly
series and promotion shares, customer x product counts) against small, plain pandas references
computed here on the demo retailer; the same from a plain order-line frame with its own column
names and from a workspace table; the engine helpers they share on hand-checked frames."""
import numpy as np
import pandas as pd
import pytest

from promo_core import basket, forecast, pricing
from promo_core import recommend as rec
from promo_core.engine import exact_sum, fetch, memory_backend, product_labels, sales_table
from promo_core.store import Workspace


def monday(dates: pd.Series) -> pd.Series:
    return dates.dt.normalize() - pd.to_timedelta(dates.dt.dayofweek, unit="D")


def purchases(tx: pd.DataFrame) -> pd.DataFrame:
    return tx[(tx["quantity"] > 0) & ~tx["is_return"]]


def incidence(b: basket.Baskets) -> pd.DataFrame:
    """A Baskets' cells as (basket_id, product_id) rows, sorted."""
    cells = b.matrix.tocoo()
    out = pd.DataFrame({"basket_id": np.asarray(b.basket_ids)[cells.row], "product_id": np.asarray(b.items)[cells.col]})
    return out.sort_values(["basket_id", "product_id"], ignore_index=True)


def matrix_cells(matrix, rows: pd.Index, cols: pd.Index) -> pd.Series:
    """A sparse matrix's cells as a Series indexed by (row label, column label), sorted."""
    cells = matrix.tocoo()
    out = pd.Series(cells.data.astype(float), index=pd.MultiIndex.from_arrays(
        [np.asarray(rows)[cells.row], np.asarray(cols)[cells.col]], names=["customer_id", "product_id"]))
    return out.sort_index()


@pytest.fixture(scope="module")
def demo_workspace_table(demo_workspace):
    ws = Workspace(demo_workspace)
    with ws.ibis_table(ws.list_datasets()["id"][0]) as table:
        yield table


# --------------------------------------------------------------------------------------------
# Baskets
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("by", ["order", "customer_date"])
def test_baskets_hold_the_products_each_basket_bought_as_pandas_groups_them(demo_tx, by):
    buys = purchases(demo_tx)
    key = buys["order_id"] if by == "order" else (
        buys["customer_id"] + " " + buys["order_date"].dt.strftime("%Y-%m-%d")).fillna(buys["order_id"])
    ref = pd.DataFrame({"basket_id": key, "product_id": buys["product_id"]}).drop_duplicates()
    ours = basket.baskets_from(demo_tx, by=by)
    pd.testing.assert_frame_equal(incidence(ours), ref.sort_values(["basket_id", "product_id"], ignore_index=True),
                                  check_dtype=False)
    assert ours.basket_ids.is_monotonic_increasing and ours.items.is_monotonic_increasing
    assert (ours.matrix.data == 1).all()
    names = buys.groupby("product_id")["product_name"].agg(["first", "nunique"])
    assert (names["nunique"] == 1).all(), "premise: every demo product has one name"
    assert ours.names.to_dict() == names["first"].to_dict()


# --------------------------------------------------------------------------------------------
# Price panels
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("period", ["W", "M"])
def test_price_panel_equals_a_pandas_reference_on_the_demo(demo_tx, period):
    sales = purchases(demo_tx)
    sales = sales[sales["unit_price"] > 0]
    start = monday(sales["order_date"]) if period == "W" else sales["order_date"].dt.to_period("M").dt.start_time
    ref = sales.groupby(["product_id", start.rename("period")]).agg(units=("quantity", "sum"),
                                                                    revenue=("revenue", "sum")).reset_index()
    panel = pricing.price_panel(demo_tx, period)
    ours = panel[~panel["empty"]].reset_index(drop=True)  # (the periods with sales; the others: tests/test_pricing_elasticity.py)
    pd.testing.assert_frame_equal(ours[["product_id", "period", "units"]], ref[["product_id", "period", "units"]],
                                  check_dtype=False)
    np.testing.assert_allclose(ours["revenue"], ref["revenue"], rtol=1e-12)
    np.testing.assert_allclose(ours["price"], ref["revenue"] / ref["units"], rtol=1e-12)
    labels = sales.groupby("product_id")[["product_name", "category"]].first()
    assert (ours[["product_name", "category"]].to_numpy() == labels.reindex(ours["product_id"]).to_numpy()).all()


def test_price_panel_sums_do_not_depend_on_the_order_of_the_lines(demo_tx):
    shuffled = demo_tx.sample(frac=1.0, random_state=0)
    pd.testing.assert_frame_equal(pricing.price_panel(shuffled), pricing.price_panel(demo_tx), check_exact=True)


def test_detect_period_tells_weekly_lines_from_monthly_summaries(demo_tx):
    monthly = pd.DataFrame({"order_date": pd.date_range("2024-01-01", periods=12, freq="MS").repeat(3)})
    assert (pricing.detect_period(demo_tx), pricing.detect_period(monthly)) == ("W", "M")


def test_controls_are_averaged_per_product_and_period_with_text_read_as_numbers():
    tx = pd.DataFrame({"product_id": ["a", "a", "a", "b"], "quantity": [1, 3, 2, 1], "unit_price": [2.0, 1.0, 4.0, 5.0],
                       "order_date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-08", "2024-01-01"]),
                       "comp": ["2.5", "oops", "3", None]})
    panel = pricing.price_panel(tx, "W", controls=["comp"])
    assert panel["units"].tolist() == [4.0, 2.0, 1.0]
    assert panel["price"].tolist() == [pytest.approx(5 / 4), 4.0, 5.0], "units-weighted average price"
    assert panel["comp"].tolist()[:2] == [2.5, 3.0] and np.isnan(panel["comp"].iloc[2])


# --------------------------------------------------------------------------------------------
# Weekly series
# --------------------------------------------------------------------------------------------
def weekly_reference(tx: pd.DataFrame, key: str | None, weeks: pd.DatetimeIndex) -> dict:
    """Units, price ratio and promoted share per week and series, the way the docstring says."""
    sales = tx[(tx["quantity"] > 0) & ~tx["is_duplicate"]]
    sales = sales.assign(week=monday(sales["order_date"]), series=sales[key] if key else "All")
    sales = sales[sales["week"].isin(weeks) & sales["series"].notna()]
    pw = sales.groupby(["product_id", "week"])[["quantity", "revenue"]].sum().reset_index()
    pw["price"] = pw["revenue"] / pw["quantity"]
    regular = pw.groupby("product_id")["price"].transform(lambda s: s.rolling(9, min_periods=1).median())  # trailing
    pw["ratio"] = (pw["price"] / regular).where(regular > 0, 1.0)
    sales = sales.merge(pw[["product_id", "week", "ratio"]], on=["product_id", "week"])
    per = sales.assign(promo=sales["quantity"] * (sales["ratio"] < forecast.PROMO_THRESHOLD),
                       weighted=sales["quantity"] * sales["ratio"]).groupby(["week", "series"])
    units = per["quantity"].sum()
    return {"units": units.unstack(fill_value=0).reindex(weeks, fill_value=0),
            "price_ratio": (per["weighted"].sum() / units).unstack().reindex(weeks).fillna(1.0),
            "promo_share": (per["promo"].sum() / units).unstack().reindex(weeks).fillna(0.0)}


@pytest.mark.parametrize("level", ["product", "store", "total"])
def test_weekly_demand_equals_a_pandas_reference_on_the_demo(demo_tx, level):
    ours = forecast.weekly_demand(demo_tx, level)
    ref = weekly_reference(demo_tx, {"product": "product_id", "store": "store_id", "total": None}[level],
                           ours.units.index)
    assert ours.units.index[0].dayofweek == 0 and len(ours.units) >= 52
    for part in ("units", "price_ratio", "promo_share"):
        pd.testing.assert_frame_equal(getattr(ours, part), ref[part], rtol=1e-9, check_dtype=False,
                                      check_names=False, obj=part)
    assert 0 < ours.promo_share.to_numpy().mean() < 0.5, "premise: the demo runs promotions"


def test_weekly_demand_leaves_exact_duplicate_lines_out():
    days = pd.date_range("2024-01-01", periods=14 * 7, freq="D")
    tx = pd.DataFrame({"order_date": days, "product_id": "P1", "quantity": 1, "unit_price": 2.0,
                       "is_duplicate": False})
    doubled = pd.concat([tx, tx.assign(is_duplicate=True)], ignore_index=True)
    pd.testing.assert_frame_equal(forecast.weekly_demand(doubled).units, forecast.weekly_demand(tx).units)
    assert forecast.weekly_demand(tx).units["P1"].eq(7.0).all()


def test_promotion_shares_equal_a_pandas_reference_on_the_demo(demo_tx):
    demand = forecast.weekly_demand(demo_tx, "store")
    end = demand.units.index[-1]
    promo = forecast.Promotion.build(0.2, end + pd.Timedelta(days=7), end + pd.Timedelta(days=20), -1.5, "category",
                                     "Snacks")
    recent = demo_tx[(demo_tx["quantity"] > 0) & (demo_tx["order_date"] >= end - pd.Timedelta(weeks=51))]
    snacks = recent["quantity"].where(recent["category"] == "Snacks", 0)
    ref = snacks.groupby(recent["store_id"]).sum() / recent.groupby("store_id")["quantity"].sum()
    pd.testing.assert_series_equal(forecast.promotion_shares(demo_tx, demand, promo), ref.reindex(demand.units.columns),
                                   check_names=False, rtol=1e-12)


# --------------------------------------------------------------------------------------------
# Customer x product counts
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("half_life", [None, 90.0])
def test_interactions_equal_a_pandas_reference_on_the_demo(demo_tx, half_life):
    lines = demo_tx[demo_tx["customer_id"].notna()]
    weight = np.sign(lines["quantity"]).astype(float)
    if half_life is not None:
        age = (lines["order_date"].max() - lines["order_date"]).dt.total_seconds() / 86_400
        weight = weight * 0.5 ** (age / half_life)
    ref = weight.groupby([lines["customer_id"], lines["product_id"]]).sum()
    ref = ref[ref > 1e-6].sort_index()
    ours = rec.interactions_from(demo_tx, half_life_days=half_life)
    got = matrix_cells(ours.matrix, ours.customers, ours.products)
    assert got.index.equals(ref.index)
    np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), rtol=1e-7 if half_life else 0)
    assert list(ours.products) == sorted(lines["product_id"].unique())


def test_split_test_set_equals_a_pandas_reference_on_the_demo(demo_tx):
    split = rec.temporal_split(demo_tx)
    after = demo_tx[(demo_tx["order_date"] >= split.cut) & demo_tx["customer_id"].notna()]
    net = after.groupby(["customer_id", "product_id"])["quantity"].sum()
    net = net[net > 0]
    known = net.index.get_level_values("customer_id").isin(split.train.customers)
    assert split.new_customers == net[~known].index.get_level_values("customer_id").nunique()
    got = matrix_cells(split.test, split.train.customers, split.train.products)
    assert got.index.equals(net[known].index) and (got == 1).all()


def test_a_recommender_fits_order_lines_as_it_fits_their_interactions(demo_tx):
    customers = rec.interactions_from(demo_tx).customers[:50]
    from_interactions = rec.ItemKNN().fit(rec.interactions_from(demo_tx)).recommend(customers, k=5)
    pd.testing.assert_frame_equal(rec.ItemKNN().fit(demo_tx).recommend(customers, k=5), from_interactions)


# --------------------------------------------------------------------------------------------
# Other ways in: a plain order-line frame, a workspace table
# --------------------------------------------------------------------------------------------
def test_a_plain_order_line_frame_with_its_own_column_names_gives_the_same_products(demo_tx):
    plain = demo_tx[["order_id", "customer_id", "order_date", "product_id", "product_name", "category", "quantity",
                     "unit_price"]].rename(columns={"order_id": "Invoice", "customer_id": "Customer ID",
                                                    "order_date": "InvoiceDate", "product_id": "StockCode",
                                                    "product_name": "Description", "category": "Dept",
                                                    "quantity": "Quantity", "unit_price": "Price"})
    lines = sales_table(plain, order_id_col="Invoice", customer_id_col="Customer ID", order_date_col="InvoiceDate",
                        product_id_col="StockCode", product_name_col="Description", category_col="Dept",
                        quantity_col="Quantity", unit_price_col="Price")
    pd.testing.assert_frame_equal(incidence(basket.baskets_from(lines)), incidence(basket.baskets_from(demo_tx)))
    pd.testing.assert_frame_equal(pricing.price_panel(lines), pricing.price_panel(demo_tx))
    assert not demo_tx["is_duplicate"].any(), "premise: the plain frame, which has no such flag, loses nothing"
    pd.testing.assert_frame_equal(forecast.weekly_demand(lines, "category").units,
                                  forecast.weekly_demand(demo_tx, "category").units)
    ours, theirs = rec.interactions_from(lines), rec.interactions_from(demo_tx)
    assert (ours.matrix != theirs.matrix).nnz == 0 and ours.catalogue.equals(theirs.catalogue)


def test_a_workspace_table_gives_what_its_frame_gives(demo_workspace_table, demo_tx):
    sales = demo_workspace_table
    pd.testing.assert_frame_equal(basket.association_rules(basket.baskets_from(sales), 0.0005, 0.1),
                                  basket.association_rules(basket.baskets_from(demo_tx), 0.0005, 0.1))
    pd.testing.assert_frame_equal(pricing.elasticities(sales, "product"), pricing.elasticities(demo_tx, "product"))
    pd.testing.assert_frame_equal(forecast.weekly_demand(sales).units, forecast.weekly_demand(demo_tx).units)
    ours, theirs = rec.interactions_from(sales), rec.interactions_from(demo_tx)
    assert (ours.matrix != theirs.matrix).nnz == 0 and ours.customers.equals(theirs.customers)


# --------------------------------------------------------------------------------------------
# The engine helpers
# --------------------------------------------------------------------------------------------
def test_a_product_s_labels_are_the_ones_most_of_its_lines_carry_alphabetically_first_on_a_tie():
    tx = pd.DataFrame({"product_id": ["a", "a", "a", "b", "b", "c"],
                       "product_name": ["Apple", "apple!", "Apple", "Bun", "Bread", None],
                       "category": [None, None, "Fruit", "Bakery", "Bakery", None]})
    labels = product_labels(sales_table(tx, ["product_id"], optional=["product_name", "category"]),
                            ["product_name", "category"])
    assert labels.index.tolist() == ["a", "b", "c"]
    assert labels["product_name"].tolist()[:2] == ["Apple", "Bread"] and pd.isna(labels["product_name"]["c"])
    assert labels["category"].tolist()[:2] == ["Fruit", "Bakery"] and pd.isna(labels["category"]["c"])


def test_exact_sums_are_exact_and_take_absurd_terms_as_floats():
    values = pd.DataFrame({"g": ["a"] * 3 + ["b", "c"], "v": [0.1, 0.2, -0.3, 1e300, np.nan]})
    backend = memory_backend()
    backend.con.register("t", values)
    t = backend.table("t")
    got = fetch(t.group_by("g").aggregate(s=exact_sum(t.v)).order_by("g"))["s"]
    assert got[0] == 0.0, "0.1 + 0.2 - 0.3 is 5.6e-17 in floats"
    assert got[1] == 1e300 and np.isnan(got[2])
