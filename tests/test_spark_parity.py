"""Engine parity: RFM, coverage and the BTYD summary computed by Spark on a Spark copy of the
whole demo retailer, and basket rules, elasticities, weekly series and the business profile on a
Spark copy of two of its categories, equal DuckDB's (the demo in a workspace) and the pandas path's
(the demo as a DataFrame)."""
import ibis
import pandas as pd
import pytest

from promo_core import basket, clv, forecast, pricing, segments
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


# The product analyses run on two of the demo's ten categories (100 products, 161,000 lines): on the
# whole demo Spark takes about 40 s for the baskets alone (2 cores), on these about 45 s for all.
CATEGORIES = ["Beverages", "Snacks"]


@pytest.fixture(scope="module")
def demo_products(demo_tx):
    """The order lines of the demo's ``CATEGORIES``, as a DataFrame."""
    return demo_tx[demo_tx["category"].isin(CATEGORIES)].reset_index(drop=True)


@pytest.fixture(scope="module")
def spark_products(spark, demo_products):
    """The same lines as a cached Spark view."""
    return spark.create_view("demo_products", ibis.memtable(demo_products), overwrite=True).cache()


@pytest.fixture(scope="module")
def workspace_products(workspace_demo):
    """The same lines in the workspace's DuckDB."""
    return workspace_demo.filter(workspace_demo.category.isin(CATEGORIES))


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


def test_basket_rules_on_spark_equal_duckdb_and_pandas(spark_products, workspace_products, demo_products):
    def rules(source):
        return basket.association_rules(basket.baskets_from(source), min_support=0.00005, min_confidence=0.02)

    on_spark = rules(spark_products)
    pd.testing.assert_frame_equal(on_spark, rules(workspace_products))
    pd.testing.assert_frame_equal(on_spark, rules(demo_products))
    assert len(on_spark) > 100 and (on_spark["antecedents"].map(len) > 1).any()


def test_elasticities_on_spark_equal_duckdb_and_pandas(spark_products, workspace_products, demo_products):
    on_spark = pricing.elasticities(spark_products, level="product")  # (with its categories' own estimates)
    pd.testing.assert_frame_equal(on_spark, pricing.elasticities(workspace_products, level="product"), rtol=1e-9)
    pd.testing.assert_frame_equal(on_spark, pricing.elasticities(demo_products, level="product"), rtol=1e-9)
    assert on_spark["elasticity"].notna().all() and on_spark["category"].nunique() == len(CATEGORIES)


@pytest.mark.parametrize("level", ["product", "store"])
def test_weekly_demand_on_spark_equals_duckdb_and_pandas(spark_products, workspace_products, demo_products, level):
    on_spark = forecast.weekly_demand(spark_products, level)
    for other in (forecast.weekly_demand(workspace_products, level), forecast.weekly_demand(demo_products, level)):
        for part in ("units", "price_ratio", "promo_share"):
            pd.testing.assert_frame_equal(getattr(on_spark, part), getattr(other, part), rtol=1e-9, obj=part)
        pd.testing.assert_series_equal(on_spark.labels, other.labels)


def test_the_business_profile_on_spark_equals_duckdb_and_pandas(spark_products, workspace_products, demo_products):
    from promo_core.profile import profile_and_quality

    on_spark, quality = profile_and_quality(spark_products)
    for other, other_quality in (profile_and_quality(workspace_products), profile_and_quality(demo_products)):
        assert quality == other_quality
        for name in other.__dataclass_fields__:
            got, want = getattr(on_spark, name), getattr(other, name)
            if isinstance(want, pd.DataFrame):
                pd.testing.assert_frame_equal(got, want, rtol=1e-12, obj=name)
            else:
                assert got == want, name
    assert on_spark.lines == len(demo_products) and len(on_spark.top_categories) == len(CATEGORIES)
