"""The business profile (``profile.business_profile``) gives the same numbers wherever the lines are:
a DataFrame, the workspace's DuckDB; on the demo retailer, the Online Retail sample and a hand-checked
file without prices. The numbers of the code it replaced are checked in tests/test_analyses_data.py."""
import io

import numpy as np
import pandas as pd

from promo_core.io import load_transactions
from promo_core.profile import business_profile, has_values, line_count, profile_and_quality
from promo_core.store import Workspace


def assert_same_profile(engine, expected):
    """Counts, dates, names and the order of every list exactly; money exactly too (exact sums)."""
    for name in expected.__dataclass_fields__:
        got, want = getattr(engine, name), getattr(expected, name)
        if isinstance(want, pd.DataFrame):
            pd.testing.assert_frame_equal(got, want, check_exact=True, obj=name)
        elif isinstance(want, float) and np.isnan(want):
            assert np.isnan(got), name
        else:
            assert got == want and type(got) is type(want), name


def _in_workspace(tmp_path, tx: pd.DataFrame, **kwargs):
    ws = Workspace(tmp_path / "ws.duckdb")
    return ws, ws.save_dataset("shop", {"transactions": tx}, **kwargs)


def test_the_demo_retailers_profile_in_the_workspace_is_the_frames(demo_workspace, demo_tx):
    ws = Workspace(demo_workspace)
    demo = ws.list_datasets().set_index("name").loc["Demo retailer", "id"]
    with ws.ibis_table(demo) as sales:
        assert_same_profile(business_profile(sales), business_profile(demo_tx))
        assert line_count(sales) == len(demo_tx) and has_values(sales, "category")


def test_the_online_retail_samples_profile_and_line_quality_match_the_frame_and_the_load_report(tmp_path,
                                                                                                shared_data):
    loaded = load_transactions(shared_data / "online_retail_sample.xlsx")
    ws, dataset = _in_workspace(tmp_path, loaded.data)
    with ws.ibis_table(dataset) as sales:
        profile, quality = profile_and_quality(sales)
    assert_same_profile(profile, business_profile(loaded.data))
    report = loaded.report
    assert (quality.return_lines, quality.duplicate_lines, quality.zero_price_lines, quality.guest_lines) == (
        report["return_lines"], report["duplicate_lines"], report["zero_price_lines"], report["guest_lines"])
    assert quality.duplicate_lines > 0 and quality.return_lines > 0, "the sample has both"


def test_without_prices_categories_or_channels_both_rank_by_units_and_break_ties_alike(tmp_path):
    csv = ("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,CustomerID\n"
           "1,B,Mug,2,2024-01-01 10:00,C1\n1,A,Tea,2,2024-01-01 10:00,C1\n2,C,Pot,1,2024-01-09 10:00,\n"
           "3,A,Tea,-1,2024-01-10 10:00,C2\n4,D,Cup,2,2024-01-10 11:00,C2\n5,E,Jar,-3,2024-01-11 11:00,C3\n")
    source = io.BytesIO(csv.encode())
    source.name = "no-prices.csv"
    tx = load_transactions(source).data
    ws, dataset = _in_workspace(tmp_path, tx)
    with ws.ibis_table(dataset) as sales:
        engine = business_profile(sales, top=3)
    assert_same_profile(engine, business_profile(tx, top=3))
    assert np.isnan(engine.revenue) and engine.top_categories.empty and engine.channels.empty
    assert engine.top_products["units"].tolist() == [2, 2, 2], "three products tie on units; E was only returned"
    assert engine.top_products["product_id"].tolist() == ["A", "B", "D"], "ties in product order, as pandas' groupby"
    assert (engine.lines, engine.orders, engine.customers, engine.products) == (6, 5, 3, 5)
    assert engine.returns_share == 2 / 6 and engine.guest_share == 1 / 6
    weekly = engine.weekly.set_index("week")
    assert weekly["units"].to_dict() == {pd.Timestamp("2024-01-01"): 4, pd.Timestamp("2024-01-08"): -1}
    assert weekly["orders"].to_dict() == {pd.Timestamp("2024-01-01"): 1, pd.Timestamp("2024-01-08"): 4}


def test_a_plain_order_line_frame_is_profiled_with_revenue_and_returns_derived():
    lines = pd.DataFrame({"order_id": ["1", "1", "2", "3"], "customer_id": ["a", "a", None, "b"],
                          "order_date": pd.to_datetime(["2024-03-04", "2024-03-04", "2024-03-05", "2024-03-12"]),
                          "product_id": ["x", "y", "x", "x"], "quantity": [2, 1, 1, -1],
                          "unit_price": [1.5, 4.0, 1.5, 1.5]})
    p = business_profile(lines)
    assert p.revenue == 2 * 1.5 + 4.0 + 1.5 - 1.5
    assert p.avg_order_value == (3.0 + 4.0 + 1.5) / 2  # gross sales over the two orders with a sales line
    assert p.returned_revenue_share == 1.5 / 8.5
    assert p.top_products["product_id"].tolist() == ["x", "y"] and p.top_products["revenue"].tolist() == [4.5, 4.0]
    assert p.top_products["product_name"].isna().all(), "no names in the data: none invented"
