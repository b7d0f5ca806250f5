"""The customer analyses that run in the engine (RFM, coverage, customer features, migration,
channel types, the BTYD summary) against small, plain pandas references computed here: on the
demo retailer, on a plain order-line frame with its own column names, on a workspace table, and
on hand-checked frames."""
import numpy as np
import pandas as pd
import pytest

from promo_core import clv, segments
from promo_core.engine import fetch, memory_backend, sales_table
from promo_core.io import finalize_transactions
from promo_core.store import Workspace
from tests.conftest import chinese_error

DAY = pd.Timedelta(days=1)


def identified(tx: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Lines of identified customers up to and including the day ``end``."""
    return tx[tx["customer_id"].notna() & (tx["order_date"] < end + DAY)]


def rfm_reference(tx: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    lines = identified(tx, as_of)
    buys = lines[~lines["is_return"]]
    ref = pd.DataFrame({"frequency": buys.groupby("customer_id")["order_id"].nunique(),
                        "monetary": lines.groupby("customer_id")["revenue"].sum(),
                        "first_purchase": buys.groupby("customer_id")["order_date"].min(),
                        "last_purchase": buys.groupby("customer_id")["order_date"].max()}).dropna(subset=["frequency"])
    ref["recency_days"] = (as_of - ref["last_purchase"].dt.normalize()).dt.days
    return ref.sort_index()


def summary_reference(tx: pd.DataFrame, end: pd.Timestamp, days_per_unit: float) -> pd.DataFrame:
    lines = identified(tx, end)
    buys = lines[~lines["is_return"]]
    days = buys.groupby(["customer_id", buys["order_date"].dt.normalize()])["revenue"].sum().reset_index()
    per = days.groupby("customer_id")
    n, first, last = per.size(), per["order_date"].min(), per["order_date"].max()
    first_value = days.sort_values("order_date").groupby("customer_id")["revenue"].first()
    return pd.DataFrame({"frequency": n - 1, "recency": (last - first).dt.days / days_per_unit,
                         "T": (end - first).dt.days / days_per_unit,
                         "monetary_value": ((per["revenue"].sum() - first_value) / (n - 1)).where(n > 1, 0.0)})


def assert_matches(ours: pd.DataFrame, ref: pd.DataFrame, exact: list[str], close: list[str]) -> None:
    assert ours.index.tolist() == ref.index.tolist()
    for col in exact:
        np.testing.assert_array_equal(ours[col].to_numpy(), ref[col].to_numpy(), err_msg=col)
    for col in close:
        np.testing.assert_allclose(ours[col].to_numpy(float), ref[col].to_numpy(float), rtol=1e-9, err_msg=col)


@pytest.fixture(scope="module")
def demo_end(demo_tx) -> pd.Timestamp:
    return demo_tx["order_date"].max().normalize()


# --------------------------------------------------------------------------------------------
# The demo retailer
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("days_back", [0, 120])
def test_rfm_equals_a_pandas_reference_on_the_demo(demo_tx, demo_end, days_back):
    as_of = demo_end - pd.Timedelta(days=days_back)
    ours = segments.rfm(demo_tx, as_of=as_of).set_index("customer_id")
    assert_matches(ours, rfm_reference(demo_tx, as_of),
                   exact=["frequency", "recency_days", "first_purchase", "last_purchase"], close=["monetary"])


def test_coverage_equals_a_pandas_reference_on_the_demo(demo_tx):
    guest = demo_tx["customer_id"].isna()
    buyers = demo_tx.loc[~guest & ~demo_tx["is_return"], "customer_id"].nunique()
    ours = segments.coverage(demo_tx)
    assert (ours.customers, ours.guest_lines) == (buyers, guest.sum())
    assert ours.returns_only_customers == demo_tx.loc[~guest, "customer_id"].nunique() - buyers
    assert ours.guest_revenue_share == pytest.approx(demo_tx.loc[guest, "revenue"].sum() / demo_tx["revenue"].sum(),
                                                     rel=1e-9)


@pytest.mark.parametrize("calibration_days_back, time_unit", [(0, "D"), (90, "W")])
def test_customer_summary_equals_a_pandas_reference_on_the_demo(demo_tx, demo_end, calibration_days_back,
                                                               time_unit):
    end = demo_end - pd.Timedelta(days=calibration_days_back)
    ours = clv.customer_summary(demo_tx, calibration_end=end, time_unit=time_unit).set_index("customer_id")
    ref = summary_reference(demo_tx, end, clv.DAYS_PER_UNIT[time_unit])
    assert_matches(ours, ref, exact=["frequency"], close=["recency", "T", "monetary_value"])


def test_customer_features_equal_a_pandas_reference_on_the_demo(demo_tx):
    table = segments.rfm(demo_tx)
    ours = segments.customer_features(demo_tx, table).sort_index()
    buys = identified(demo_tx, segments.rfm_as_of(table))
    buys = buys[~buys["is_return"]].assign(deal=lambda b: (b["discount"] > 0) | b["coupon_code"].notna())
    orders = buys.groupby(["customer_id", "order_id"]).agg(channel=("channel", "min"), last=("channel", "max"),
                                                           deal=("deal", "any"))
    assert (orders["channel"] == orders["last"]).all(), "premise: every demo order is placed in one channel"
    per_customer = orders.assign(online=orders["channel"] == "online",
                                 store=orders["channel"] == "store").groupby("customer_id")
    np.testing.assert_allclose(ours["channel: online"], per_customer["online"].mean(), rtol=1e-12)
    np.testing.assert_allclose(ours["channel: store"], per_customer["store"].mean(), rtol=1e-12)
    np.testing.assert_allclose(ours["discount_share"], per_customer["deal"].mean(), rtol=1e-12)
    spend = buys[buys["revenue"] > 0]
    top = spend.groupby("category")["revenue"].sum().sort_values(ascending=False).index[:segments.MAX_CATEGORIES]
    share = spend.pivot_table(index="customer_id", columns="category", values="revenue", aggfunc="sum", fill_value=0)
    share = share.div(share.sum(axis=1), axis=0)
    assert [c.removeprefix("category: ") for c in ours.columns if c.startswith("category: ")] == list(top)
    for cat in top:
        np.testing.assert_allclose(ours[f"category: {cat}"], share[cat].reindex(ours.index, fill_value=0),
                                   rtol=1e-9, atol=1e-12, err_msg=cat)


def test_migration_revenue_equals_a_pandas_reference_on_the_demo(demo_tx):
    mig = segments.segment_migration(demo_tx, days=90)
    lines = demo_tx[demo_tx["customer_id"].notna()]
    start, end = mig.start + DAY, mig.end + DAY
    before = lines[(lines["order_date"] >= start - pd.Timedelta(days=365)) & (lines["order_date"] < start)]
    between = lines[(lines["order_date"] >= start) & (lines["order_date"] < end)]
    ours = mig.customers.set_index("customer_id")
    np.testing.assert_allclose(ours["revenue_before"],
                               before.groupby("customer_id")["revenue"].sum().reindex(ours.index, fill_value=0),
                               rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ours["revenue_between"],
                               between.groupby("customer_id")["revenue"].sum().reindex(ours.index, fill_value=0),
                               rtol=1e-9, atol=1e-9)


def test_channel_types_equal_a_pandas_reference_on_the_demo(demo_tx):
    buys = demo_tx[demo_tx["customer_id"].notna() & ~demo_tx["is_return"] & demo_tx["channel"].notna()]
    online = buys["channel"].map(segments.is_online_channel).groupby(buys["customer_id"]).agg(["any", "all"])
    ref = pd.Series(np.select([online["all"], ~online["any"]], ["online only", "offline only"], "both"),
                    index=online.index)
    ours = segments.customer_channels(demo_tx)
    assert ours.index.tolist() == ref.index.tolist() and ours.tolist() == ref.tolist()


# --------------------------------------------------------------------------------------------
# Other ways in: a plain order-line frame, a workspace table
# --------------------------------------------------------------------------------------------
def test_a_plain_order_line_frame_with_its_own_column_names_gives_the_same_rfm_and_summary(demo_tx):
    plain = demo_tx[["order_id", "customer_id", "order_date", "product_id", "quantity", "unit_price"]].rename(
        columns={"order_id": "Invoice", "customer_id": "Customer ID", "order_date": "InvoiceDate",
                 "product_id": "StockCode", "quantity": "Quantity", "unit_price": "Price"})
    lines = sales_table(plain, order_id_col="Invoice", customer_id_col="Customer ID", order_date_col="InvoiceDate",
                        product_id_col="StockCode", quantity_col="Quantity", unit_price_col="Price")
    pd.testing.assert_frame_equal(segments.rfm(lines), segments.rfm(demo_tx), rtol=1e-9)
    pd.testing.assert_frame_equal(clv.customer_summary(lines), clv.customer_summary(demo_tx), rtol=1e-9)


def test_a_workspace_table_gives_what_its_frame_gives(demo_workspace, demo_tx):
    ws = Workspace(demo_workspace)
    with ws.ibis_table(ws.list_datasets()["id"][0]) as sales:
        table, summary, cover = segments.rfm(sales), clv.customer_summary(sales), segments.coverage(sales)
    pd.testing.assert_frame_equal(table, segments.rfm(demo_tx), rtol=1e-9)
    pd.testing.assert_frame_equal(summary, clv.customer_summary(demo_tx), rtol=1e-9)
    assert cover.customers == segments.coverage(demo_tx).customers


# --------------------------------------------------------------------------------------------
# Hand-checked frames
# --------------------------------------------------------------------------------------------
def make_tx(rows, extra=None) -> pd.DataFrame:
    """Canonical lines from (order_id, customer_id, date, quantity, unit_price, channel) rows."""
    frame = pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "quantity", "unit_price", "channel"])
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    frame["product_id"] = "P1"
    return finalize_transactions(frame.assign(**(extra or {})))


def test_an_order_s_channel_is_the_one_most_of_its_lines_have_alphabetically_first_on_a_tie():
    rows = [("O1", "A", "2025-01-01", 1, 1.0, "web"), ("O1", "A", "2025-01-01", 1, 1.0, "store"),
            ("O1", "A", "2025-01-01", 1, 1.0, "store"),  # store: two lines of three
            ("O2", "A", "2025-01-02", 1, 1.0, "web"), ("O2", "A", "2025-01-02", 1, 1.0, "store"),  # tie: store
            ("O3", "A", "2025-01-03", 1, 1.0, "web"),
            ("O4", "B", "2025-01-03", 1, 1.0, "web"), ("O5", "B", "2025-01-04", 1, 1.0, None)]
    tx = make_tx(rows)
    feats = segments.customer_features(tx, segments.rfm(tx)).sort_index()
    assert feats["channel: store"].tolist() == [pytest.approx(2 / 3), 0.0]
    assert feats["channel: web"].tolist() == [pytest.approx(1 / 3), 1.0], "an order without a channel is left out"


def test_nan_in_an_engine_table_is_a_missing_value_as_in_pandas():
    rows = [("O1", "A", "2025-01-01", 1, 10.0, None), ("O2", "A", "2025-01-05", 1, np.nan, None),
            ("O3", "B", "2025-01-03", 2, 4.0, None), ("O4", None, "2025-01-04", 1, np.nan, None)]
    tx = make_tx(rows)
    backend = memory_backend()
    backend.con.register("lines", tx)  # (DuckDB reads a frame's NaN as NULL; Spark keeps it a number)
    lines = backend.table("lines")
    with_nan = lines.mutate(revenue=lines.revenue.fill_null(float("nan")))
    assert fetch(with_nan.aggregate(nans=with_nan.revenue.isnan().sum()))["nans"][0] == 2, "premise: real NaNs"
    table = segments.rfm(with_nan).set_index("customer_id")
    assert table["monetary"].tolist() == [10.0, 8.0], "a line without a price adds nothing, as pandas' sum"
    pd.testing.assert_frame_equal(clv.customer_summary(with_nan), clv.customer_summary(tx))
    assert segments.coverage(with_nan) == segments.coverage(tx)
    assert segments.coverage(tx).guest_revenue_share == 0.0


def test_order_dates_outside_1900_to_2100_are_named_from_the_engine():
    rows = [("O1", "A", "2025-01-01", 1, 1.0, None), ("O2", "B", "2025-01-02", 1, 1.0, None)]
    tx = make_tx(rows)
    tx.loc[1, "order_date"] = pd.Timestamp("9999-12-31 12:00")
    err = chinese_error(lambda: clv.customer_summary(sales_table(tx)))
    assert "1 sales line has an order date outside 1900–2100 (9999-12-31)" in str(err)
