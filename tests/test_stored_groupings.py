"""A dataset loaded into the workspace stores its lines grouped per customer and order and per
customer and purchase day (``segments.store_groupings``); the customer analyses read those instead
of grouping the lines again, with the numbers the lines give: on a shop whose orders straddle days,
with returns, guests and unpriced lines, and on the demo."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from promo_core import clv, io as pio, retention, segments
from promo_core.analyses import segments as analysis
from promo_core.engine import ibis_backend
from promo_core.store import Workspace
from tests.test_segments_passes import _shop

EXACT = {"check_exact": False, "rtol": 1e-12, "atol": 1e-9}
GROUPINGS = ["transactions__customer_orders", "transactions__purchase_days"]


@pytest.fixture
def shop_ws(tmp_path):
    """The shop uploaded as a CSV through the Data page's loader, and its lines as loaded."""
    path = tmp_path / "shop.csv"
    _shop().to_csv(path, index=False)
    ws = Workspace(tmp_path / "ws" / "promo.duckdb")
    told = []
    dataset = pio.load_into(ws, str(path), progress=told.append)
    return ws, dataset, told


def _drop_groupings(ws: Workspace, dataset: str) -> None:
    """The dataset as one loaded before the groupings were stored."""
    with ws.connect() as con:
        for table in GROUPINGS:
            con.execute(f'DROP TABLE "ds_{dataset}_{table}"')
        tables = [t for t in ws.dataset(dataset)["tables"] if t not in GROUPINGS]
        con.execute("UPDATE datasets SET tables = ? WHERE id = ?", [str(tables).replace("'", '"'), dataset])


def test_loading_stores_both_groupings_and_says_so_while_it_works(shop_ws):
    ws, dataset, told = shop_ws
    assert set(GROUPINGS) <= set(ws.dataset(dataset)["tables"])
    assert "data.progress.grouping" in [m.id for m in told]
    with ws.ibis_table(dataset) as sales:
        orders = segments.customer_orders(sales)
        assert orders.grouped and orders.days is not None
        with ws.ibis_table(dataset) as lines:
            assert orders.table.count().execute() < lines.count().execute()


def test_the_stored_groupings_give_the_numbers_of_the_lines(shop_ws):
    ws, dataset, _ = shop_ws
    with ws.ibis_table(dataset) as sales:
        frame = sales.to_pandas()
        stored = analysis.run(sales, analysis.Params(holdout_days=60))
        churn = retention.churn_risk(sales, drivers=False)
        summary = clv.customer_summary(sales, earlier=[60])
    lines = analysis.run(frame, analysis.Params(holdout_days=60))
    assert stored.problems == lines.problems and stored.holdout is not None
    pd.testing.assert_frame_equal(stored.customers, lines.customers, **EXACT)
    pd.testing.assert_frame_equal(stored.value.model.customers, lines.value.model.customers, **EXACT)
    pd.testing.assert_frame_equal(stored.migration.flows, lines.migration.flows, **EXACT)
    assert stored.holdout.mae_model == pytest.approx(lines.holdout.mae_model, rel=1e-12)
    pd.testing.assert_frame_equal(churn.customers, retention.churn_risk(frame, drivers=False).customers, **EXACT)
    pd.testing.assert_frame_equal(summary, clv.customer_summary(frame), **EXACT)


def test_a_dataset_loaded_before_the_groupings_runs_as_before_and_can_be_given_them(shop_ws):
    ws, dataset, _ = shop_ws
    with ws.ibis_table(dataset) as sales:
        stored = analysis.run(sales, analysis.Params(parts=frozenset({"value", "holdout"})))
    _drop_groupings(ws, dataset)
    with ws.ibis_table(dataset) as sales:
        assert not segments.customer_orders(sales).grouped
        kept = analysis.run(sales, analysis.Params(parts=frozenset({"value", "holdout"})))
    pd.testing.assert_frame_equal(kept.customers, stored.customers, **EXACT)
    pd.testing.assert_frame_equal(kept.value.model.customers, stored.value.model.customers, **EXACT)
    ws.store_groupings(dataset)
    assert set(GROUPINGS) <= set(ws.dataset(dataset)["tables"])
    with ws.ibis_table(dataset) as sales:
        assert segments.customer_orders(sales).grouped


def test_deleting_a_dataset_drops_its_groupings(shop_ws):
    ws, dataset, _ = shop_ws
    ws.delete_dataset(dataset)
    with ws.connect() as con:
        left = con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE ?",
                           [f"ds_{dataset}_%"]).fetchall()
    assert left == []


def test_the_demo_stores_its_groupings(demo_workspace):
    ws = Workspace(demo_workspace)
    assert set(GROUPINGS) <= set(ws.dataset(ws.list_datasets()["id"][0])["tables"])


def test_a_table_beside_the_lines_that_is_not_a_grouping_is_not_read_as_one(tmp_path):
    """A connected database may hold anything beside a sales table: only a table with a
    grouping's columns counts as one."""
    con = duckdb.connect(str(tmp_path / "shop.duckdb"))
    con.register("shop", _shop())
    con.execute("CREATE TABLE sales AS SELECT * FROM shop")
    con.execute("CREATE TABLE sales__customer_orders AS SELECT 1 AS n")
    con.execute("CREATE TABLE sales__purchase_days AS SELECT 1 AS n")
    sales = ibis_backend(con).table("sales")
    orders = segments.customer_orders(sales)
    assert not orders.grouped
    pd.testing.assert_frame_equal(segments.rfm(sales), segments.rfm(_shop()), **EXACT)
