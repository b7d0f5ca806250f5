"""The business profile summed in the workspace (what the Data page shows after a save) gives the
numbers of the pandas profile: on the demo retailer, the Online Retail sample and a file without prices."""
import io

import numpy as np
import pandas as pd

from promo_core.io import load_transactions
from promo_core.profile import business_profile, workspace_profile
from promo_core.store import Workspace


def assert_same_profile(engine, expected):
    """Counts, dates, names and the order of every list exactly; money to the last binary digits
    (DuckDB sums in another order than pandas)."""
    for name in expected.__dataclass_fields__:
        got, want = getattr(engine, name), getattr(expected, name)
        if isinstance(want, pd.DataFrame):
            pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, obj=name)
        elif isinstance(want, float) and np.isnan(want):
            assert np.isnan(got), name
        elif isinstance(want, float):
            assert abs(got - want) <= 1e-12 * abs(want), name
        else:
            assert got == want and type(got) is type(want), name


def _saved(tmp_path, tx: pd.DataFrame) -> tuple[Workspace, str]:
    ws = Workspace(tmp_path / "ws.duckdb")
    return ws, ws.save_dataset("shop", {"transactions": tx})


def test_the_demo_retailers_profile_in_the_workspace_is_the_pandas_profile(demo_workspace, demo_tx):
    ws = Workspace(demo_workspace)
    demo = ws.list_datasets().set_index("name").loc["Demo retailer", "id"]
    assert_same_profile(workspace_profile(ws, demo), business_profile(demo_tx))


def test_the_online_retail_samples_profile_in_the_workspace_is_the_pandas_profile(tmp_path, shared_data):
    tx = load_transactions(shared_data / "online_retail_sample.xlsx").data
    assert_same_profile(workspace_profile(*_saved(tmp_path, tx)), business_profile(tx))


def test_without_prices_categories_or_channels_both_rank_by_units_and_break_ties_alike(tmp_path):
    csv = ("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,CustomerID\n"
           "1,B,Mug,2,2024-01-01 10:00,C1\n1,A,Tea,2,2024-01-01 10:00,C1\n2,C,Pot,1,2024-01-09 10:00,\n"
           "3,A,Tea,-1,2024-01-10 10:00,C2\n4,D,Cup,2,2024-01-10 11:00,C2\n5,E,Jar,-3,2024-01-11 11:00,C3\n")
    source = io.BytesIO(csv.encode())
    source.name = "no-prices.csv"
    tx = load_transactions(source).data
    engine = workspace_profile(*_saved(tmp_path, tx), top=3)
    assert_same_profile(engine, business_profile(tx, top=3))
    assert np.isnan(engine.revenue) and engine.top_categories.empty and engine.channels.empty
    assert engine.top_products["units"].tolist() == [2, 2, 2], "three products tie on units; E was only returned"
