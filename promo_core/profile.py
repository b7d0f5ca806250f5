"""The business at a glance: headline numbers and the tables behind the Data page's charts.

Two ways to the same numbers: ``business_profile`` groups a DataFrame in pandas (notebooks, reports,
tests), ``workspace_profile`` groups a saved dataset in the workspace's DuckDB, where the order lines
already are, so that only the per-week, per-product, per-category and per-channel sums come back.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from promo_core.store import Workspace


@dataclass(frozen=True)
class BusinessProfile:
    """Headline facts of a transactions table."""

    lines: int
    orders: int
    customers: int
    products: int
    first_date: pd.Timestamp
    last_date: pd.Timestamp
    revenue: float  # net of returns; NaN when the data has no prices
    returns_share: float  # share of lines that are returns
    returned_revenue_share: float  # returned revenue / gross sales revenue
    guest_share: float  # share of lines without a customer id
    avg_order_value: float
    weekly: pd.DataFrame  # week, revenue, orders, units
    top_products: pd.DataFrame  # product_id, product_name, revenue, units, orders
    top_categories: pd.DataFrame  # category, revenue, units, share
    channels: pd.DataFrame  # channel, revenue, orders, share


@dataclass(frozen=True)
class _Totals:
    """What the headline numbers are made of, however they were summed."""

    lines: int
    orders: int
    customers: int
    products: int
    first_date: pd.Timestamp
    last_date: pd.Timestamp
    has_price: bool
    revenue: float  # all lines
    gross: float  # sales lines
    returned: float  # minus the revenue of the return lines
    returns: int  # return lines
    guests: int  # lines without a customer
    sales_orders: int  # orders with a sales line


def business_profile(tx: pd.DataFrame, top: int = 15) -> BusinessProfile:
    """Headline numbers, weekly trend, top products and categories and the channel mix.

    Parameters
    ----------
    tx : DataFrame
        Canonical transactions (``promo_core.io``).
    top : int
        How many products and categories to list.

    Returns
    -------
    BusinessProfile
    """
    sales = tx[~tx["is_return"]]
    totals = _Totals(
        lines=len(tx), orders=tx["order_id"].nunique(), customers=tx["customer_id"].nunique(),
        products=tx["product_id"].nunique(), first_date=tx["order_date"].min(), last_date=tx["order_date"].max(),
        has_price=tx["unit_price"].notna().any(), revenue=tx["revenue"].sum(), gross=sales["revenue"].sum(),
        returned=-tx.loc[tx["is_return"], "revenue"].sum(), returns=int(tx["is_return"].sum()),
        guests=int(tx["customer_id"].isna().sum()), sales_orders=sales["order_id"].nunique())
    weekly = (tx.assign(week=tx["order_date"].dt.to_period("W").dt.start_time)
              .groupby("week").agg(revenue=("revenue", "sum"), orders=("order_id", "nunique"),
                                   units=("quantity", "sum")).reset_index())
    products = sales.groupby("product_id").agg(product_name=("product_name", "first"), revenue=("revenue", "sum"),
                                               units=("quantity", "sum"), orders=("order_id", "nunique"))
    cats = channels = None
    if tx["category"].notna().any():
        cats = sales.groupby("category").agg(revenue=("revenue", "sum"), units=("quantity", "sum"))
    if tx["channel"].notna().any():
        channels = sales.groupby("channel").agg(revenue=("revenue", "sum"), orders=("order_id", "nunique"))
    return _profile(totals, weekly, products, cats, channels, top)


def workspace_profile(workspace: Workspace, dataset_id: str, top: int = 15) -> BusinessProfile:
    """``business_profile`` of a saved dataset's transactions, summed by DuckDB in the workspace.

    Why: the profile groups every order line; in pandas that needs the whole table in memory (and
    as much again while grouping), in the workspace only the groups come back. Money is summed with
    compensated summation (``fsum``) in another order than pandas', so sums may differ from pandas'
    in the last binary digit; counts, dates, the order of the lists and every cent shown are the same.
    """
    # A product's name is its first line's, as pandas' "first"; data used in place is a view, which has
    # no row numbers, so there the name of its earliest order stands in.
    first = "order_date" if workspace.dataset(dataset_id)["kind"] == "in place" else "rowid"
    with workspace.connect():  # (the file opened once for all the queries)
        def query(sql: str) -> pd.DataFrame:
            return workspace.query(dataset_id, sql)

        def sales_by(key: str, sums: str) -> pd.DataFrame:  # (in the order of pandas' groupby: by key)
            return query(f"SELECT {key}, {sums} FROM {{table}} WHERE NOT is_return AND {key} IS NOT NULL "
                         f"GROUP BY {key}").set_index(key).sort_index()

        whole = pd.api.types.is_integer_dtype(query("SELECT quantity FROM {table} LIMIT 0")["quantity"])
        units = "sum(quantity)::BIGINT" if whole else "fsum(quantity)"  # (DuckDB sums BIGINT into HUGEINT)
        revenue = "coalesce(fsum(revenue), 0.0)"  # (pandas sums no values, or only missing ones, to 0)
        head = query(f"""SELECT count(*) AS lines, count(DISTINCT order_id) AS orders,
            count(DISTINCT customer_id) AS customers, count(DISTINCT product_id) AS products,
            min(order_date) AS first_date, max(order_date) AS last_date, count(unit_price) > 0 AS has_price,
            {revenue} AS revenue, coalesce(fsum(revenue) FILTER (WHERE NOT is_return), 0.0) AS gross,
            -coalesce(fsum(revenue) FILTER (WHERE is_return), 0.0) AS returned,
            count(*) FILTER (WHERE is_return) AS returns, count(*) FILTER (WHERE customer_id IS NULL) AS guests,
            count(DISTINCT order_id) FILTER (WHERE NOT is_return) AS sales_orders,
            count(category) > 0 AS has_category, count(channel) > 0 AS has_channel FROM {{table}}""").iloc[0]
        weekly = query(f"""SELECT date_trunc('week', order_date) AS week, {revenue} AS revenue,
            count(DISTINCT order_id) AS orders, {units} AS units
            FROM {{table}} WHERE order_date IS NOT NULL GROUP BY week ORDER BY week""")
        products = sales_by("product_id", f"""arg_min(product_name, {first}) FILTER (WHERE product_name IS NOT NULL)
            AS product_name, {revenue} AS revenue, {units} AS units, count(DISTINCT order_id) AS orders""")
        cats = sales_by("category", f"{revenue} AS revenue, {units} AS units") if head["has_category"] else None
        channels = (sales_by("channel", f"{revenue} AS revenue, count(DISTINCT order_id) AS orders")
                    if head["has_channel"] else None)
    counts = ("lines", "orders", "customers", "products", "returns", "guests", "sales_orders")
    totals = _Totals(**{f: int(head[f]) if f in counts else head[f] for f in _Totals.__dataclass_fields__})
    return _profile(totals, weekly, products, cats, channels, top)


def _profile(t: _Totals, weekly: pd.DataFrame, products: pd.DataFrame, cats: pd.DataFrame | None,
             channels: pd.DataFrame | None, top: int) -> BusinessProfile:
    """The profile from its sums and its groups (indexed by their key, in key order), ranked and shared."""
    ranked = "revenue" if t.has_price else "units"
    products = products.sort_values(ranked, ascending=False).head(top).reset_index()
    if cats is None:
        cats = pd.DataFrame(columns=["category", "revenue", "units", "share"])
    else:
        cats = cats.sort_values(ranked, ascending=False).head(top).reset_index()
        basis = cats["revenue"] if t.has_price else cats["units"]
        cats["share"] = basis / basis.sum()
    if channels is None:
        channels = pd.DataFrame(columns=["channel", "revenue", "orders", "share"])
    else:
        channels = channels.sort_values("orders", ascending=False).reset_index()
        channels["share"] = channels["orders"] / channels["orders"].sum()
    gross = t.gross if t.has_price else float("nan")
    return BusinessProfile(
        lines=t.lines, orders=t.orders, customers=t.customers, products=t.products,
        first_date=t.first_date, last_date=t.last_date, revenue=t.revenue if t.has_price else float("nan"),
        returns_share=t.returns / t.lines if t.lines else 0.0,
        returned_revenue_share=t.returned / gross if t.has_price and gross else float("nan"),
        guest_share=t.guests / t.lines if t.lines else 0.0,
        avg_order_value=gross / t.sales_orders if t.has_price and t.lines - t.returns else float("nan"),
        weekly=weekly, top_products=products, top_categories=cats, channels=channels)
