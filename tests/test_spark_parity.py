"""Engine parity: RFM, coverage and the BTYD summary computed by Spark on a Spark copy of the
whole demo retailer equal DuckDB's (the demo in a workspace) and the pandas path's (the demo as a
DataFrame)."""
import ibis
import pandas as pd
import pytest

from promo_core import clv, segments
from promo_core.store import Workspace

pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")


@pytest.fixture(scope="module")
def spark_demo(spark, demo_tx):
    """The demo's order lines as a cached Spark view."""
    return spark.create_view("demo_transactions", ibis.memtable(demo_tx), overwrite=True).cache()


@pytest.fixture(scope="module")
def workspace_demo(demo_workspace):
    """The demo's order lines as a table of the workspace's DuckDB."""
    ws = Workspace(demo_workspace)
    with ws.ibis_table(ws.list_datasets()["id"][0]) as table:
        yield table


def test_rfm_on_spark_equals_duckdb_and_pandas(spark_demo, workspace_demo, demo_tx):
    on_spark = segments.rfm(spark_demo)
    pd.testing.assert_frame_equal(on_spark, segments.rfm(workspace_demo), rtol=1e-9)
    pd.testing.assert_frame_equal(on_spark, segments.rfm(demo_tx), rtol=1e-9)
    assert len(on_spark) == demo_tx.loc[~demo_tx["is_return"], "customer_id"].nunique()


def test_coverage_on_spark_equals_duckdb_and_pandas(spark_demo, workspace_demo, demo_tx):
    on_spark = segments.coverage(spark_demo)
    for other in (segments.coverage(workspace_demo), segments.coverage(demo_tx)):
        assert (on_spark.customers, on_spark.guest_lines, on_spark.returns_only_customers) == (
            other.customers, other.guest_lines, other.returns_only_customers)
        assert on_spark.guest_revenue_share == pytest.approx(other.guest_revenue_share, rel=1e-9)


@pytest.mark.parametrize("calibration_days_back, time_unit", [(0, "D"), (90, "W")])
def test_customer_summary_on_spark_equals_duckdb_and_pandas(spark_demo, workspace_demo, demo_tx,
                                                            calibration_days_back, time_unit):
    end = demo_tx["order_date"].max().normalize() - pd.Timedelta(days=calibration_days_back)
    on_spark = clv.customer_summary(spark_demo, calibration_end=end, time_unit=time_unit)
    pd.testing.assert_frame_equal(on_spark, clv.customer_summary(workspace_demo, end, time_unit), rtol=1e-9)
    pd.testing.assert_frame_equal(on_spark, clv.customer_summary(demo_tx, end, time_unit), rtol=1e-9)
