"""The business at a glance: headline numbers and the tables behind the Data page's charts."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


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
    has_price = tx["unit_price"].notna().any()
    value = "revenue" if has_price else "quantity"
    gross = sales["revenue"].sum() if has_price else float("nan")
    returned = -tx.loc[tx["is_return"], "revenue"].sum() if has_price else float("nan")
    weekly = (tx.assign(week=tx["order_date"].dt.to_period("W").dt.start_time)
              .groupby("week").agg(revenue=("revenue", "sum"), orders=("order_id", "nunique"),
                                   units=("quantity", "sum")).reset_index())
    products = (sales.groupby("product_id")
                .agg(product_name=("product_name", "first"), revenue=("revenue", "sum"),
                     units=("quantity", "sum"), orders=("order_id", "nunique"))
                .sort_values(value if value != "quantity" else "units", ascending=False).head(top).reset_index())
    cats = pd.DataFrame(columns=["category", "revenue", "units", "share"])
    if tx["category"].notna().any():
        cats = (sales.groupby("category").agg(revenue=("revenue", "sum"), units=("quantity", "sum"))
                .sort_values("revenue" if has_price else "units", ascending=False).head(top).reset_index())
        basis = cats["revenue"] if has_price else cats["units"]
        cats["share"] = basis / basis.sum()
    channels = pd.DataFrame(columns=["channel", "revenue", "orders", "share"])
    if tx["channel"].notna().any():
        channels = (sales.groupby("channel").agg(revenue=("revenue", "sum"), orders=("order_id", "nunique"))
                    .sort_values("orders", ascending=False).reset_index())
        channels["share"] = channels["orders"] / channels["orders"].sum()
    orders = tx["order_id"].nunique()
    return BusinessProfile(
        lines=len(tx), orders=orders, customers=tx["customer_id"].nunique(), products=tx["product_id"].nunique(),
        first_date=tx["order_date"].min(), last_date=tx["order_date"].max(),
        revenue=tx["revenue"].sum() if has_price else float("nan"),
        returns_share=float(tx["is_return"].mean()) if len(tx) else 0.0,
        returned_revenue_share=returned / gross if has_price and gross else float("nan"),
        guest_share=float(tx["customer_id"].isna().mean()) if len(tx) else 0.0,
        avg_order_value=gross / sales["order_id"].nunique() if has_price and len(sales) else float("nan"),
        weekly=weekly, top_products=products, top_categories=cats, channels=channels)
