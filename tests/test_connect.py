"""Connect (promo_core.engine.sources): the demo retailer connected as a DuckDB file, a Parquet folder
and a Spark table gives the same RFM as the demo in the workspace; typed URLs reach nothing on the
server's disk outside the data folders, carry no password, and name no other scheme; a named
connection's URL never shows in a message or the log."""
from __future__ import annotations

import logging
import os

import duckdb
import ibis
import pandas as pd
import pytest

from promo_core import clv, segments
from promo_core.engine import sources
from promo_core.engine.sources import Settings, SourceSpec
from promo_core.errors import DataError
from promo_core.store import Workspace

# the demo's order lines as a shop's own export would name them
EXPORT_NAMES = {"order_id": "InvoiceNo", "customer_id": "CustomerID", "order_date": "InvoiceDate",
                "product_id": "StockCode", "product_name": "Description", "category": "Category",
                "quantity": "Quantity", "unit_price": "UnitPrice", "channel": "Channel", "store_id": "Store"}
MAPPING = tuple(EXPORT_NAMES.items())
SECRET = "s3cr3t-PLANTED-7f3a"


@pytest.fixture(scope="module")
def export(demo_tx) -> pd.DataFrame:
    """The demo's order lines without the columns loading derives, under an export's names."""
    return demo_tx[list(EXPORT_NAMES)].rename(columns=EXPORT_NAMES)


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory, export):
    """An allowed folder holding the demo as a DuckDB file and as a folder of two Parquet files, a
    folder outside it with a Parquet file, and a symlink from inside to outside."""
    root = tmp_path_factory.mktemp("connect")
    allowed, outside = root / "allowed", root / "outside"
    (allowed / "parquet").mkdir(parents=True)
    outside.mkdir()
    with duckdb.connect(str(allowed / "shop.duckdb")) as con:
        con.register("export", export)
        con.execute("CREATE TABLE sales AS SELECT * FROM export")
    half = len(export) // 2
    export.iloc[:half].to_parquet(allowed / "parquet" / "part-0.parquet")
    export.iloc[half:].to_parquet(allowed / "parquet" / "part-1.parquet")
    export.head(100).to_parquet(outside / "secret.parquet")
    (allowed / "escape").symlink_to(outside, target_is_directory=True)
    (allowed / "escape.parquet").symlink_to(outside / "secret.parquet")
    return allowed


@pytest.fixture(scope="module")
def settings(data_folder) -> Settings:
    return Settings.from_config({"connect": {"folders": [str(data_folder)], "hosts": ["db.internal"]}}, environ={})


@pytest.fixture(scope="module")
def workspace_rfm(demo_workspace) -> pd.DataFrame:
    ws = Workspace(demo_workspace)
    with ws.ibis_table(ws.list_datasets()["id"][0]) as table:
        return segments.rfm(table)


def test_a_duckdb_file_and_a_parquet_folder_give_the_workspace_s_rfm(data_folder, settings, workspace_rfm):
    for url in (f"duckdb://{data_folder}/shop.duckdb", str(data_folder / "parquet"),
                f"file://{data_folder}/parquet/*.parquet"):
        spec = SourceSpec(url=url, table="sales", mapping=MAPPING)
        with sources.open_sales(spec, settings) as sales:
            pd.testing.assert_frame_equal(segments.rfm(sales), workspace_rfm, rtol=1e-9)


def test_the_btyd_summary_of_a_connected_file_equals_the_workspace_s(data_folder, settings, demo_workspace, demo_tx):
    end = demo_tx["order_date"].max().normalize() - pd.Timedelta(days=90)
    ws = Workspace(demo_workspace)
    with ws.ibis_table(ws.list_datasets()["id"][0]) as table:
        expected = clv.customer_summary(table, end, "W")
    spec = SourceSpec(url=f"duckdb://{data_folder}/shop.duckdb", table="sales", mapping=MAPPING)
    with sources.open_sales(spec, settings) as sales:
        pd.testing.assert_frame_equal(clv.customer_summary(sales, end, "W"), expected, rtol=1e-9)


def test_describe_guesses_the_export_s_mapping_and_check_counts_in_the_engine(data_folder, settings, demo_tx):
    spec = SourceSpec(url=f"duckdb://{data_folder}/shop.duckdb", table="sales")
    columns = sources.describe(spec, settings)
    assert columns.names == list(EXPORT_NAMES.values())
    assert {r: c for r, c in columns.suggested.items() if c} == EXPORT_NAMES
    found = sources.check(SourceSpec(url=spec.url, table="sales", mapping=MAPPING), settings)
    assert found.lines == len(demo_tx) and found.orders == demo_tx["order_id"].nunique()
    assert found.customers == demo_tx["customer_id"].nunique() and found.products == demo_tx["product_id"].nunique()
    assert found.guest_lines == demo_tx["customer_id"].isna().sum() > 0
    assert found.return_lines == demo_tx["is_return"].sum() > 0
    assert (found.first, found.last) == (demo_tx["order_date"].min(), demo_tx["order_date"].max())


def test_a_mapping_is_checked_before_anything_runs(data_folder, settings):
    url = f"duckdb://{data_folder}/shop.duckdb"

    def attempt(mapping):
        with pytest.raises(DataError) as caught, sources.open_sales(SourceSpec(url=url, table="sales",
                                                                                mapping=mapping), settings):
            pass
        return caught.value.id

    assert attempt((("order_date", "InvoiceDate"),)) == "connect.error.unmapped"
    assert attempt((("order_date", "InvoiceDate"), ("product_id", "Nope"))) == "connect.error.no_column"
    assert attempt((("order_date", "InvoiceDate"), ("product_id", "StockCode"),
                    ("product_name", "StockCode"))) == "connect.error.column_twice"
    assert attempt((("order_date", "InvoiceDate"), ("product_id", "StockCode"),
                    ("quantity", "Description"))) == "connect.error.not_numeric"
    assert attempt((("order_date", "Quantity"), ("product_id", "StockCode"))) == "connect.error.not_date"


def test_a_column_named_revenue_is_not_taken_for_the_revenue_unless_mapped(tmp_path):
    frame = pd.DataFrame({"day": pd.to_datetime(["2024-01-01", "2024-01-02"]), "sku": ["a", "b"],
                          "qty": [2, 3], "price": [1.5, 2.0], "revenue": [999.0, 999.0]})
    frame.to_parquet(tmp_path / "lines.parquet")
    settings = Settings.from_config({"connect": {"folders": [str(tmp_path)]}}, environ={})
    spec = SourceSpec(url=str(tmp_path / "lines.parquet"), mapping=(
        ("order_date", "day"), ("product_id", "sku"), ("quantity", "qty"), ("unit_price", "price")))
    with sources.open_sales(spec, settings) as sales:
        assert sales.revenue.sum().to_pyarrow().as_py() == pytest.approx(9.0)


def test_the_version_of_a_file_source_changes_with_its_files(tmp_path):
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "x.parquet")
    settings = Settings.from_config({"connect": {"folders": [str(tmp_path)]}}, environ={})
    spec = SourceSpec(url=str(tmp_path))
    before = sources.version(spec, settings)
    pd.DataFrame({"a": [1, 2]}).to_parquet(tmp_path / "y.parquet")
    assert sources.version(spec, settings) != before is not None
    assert sources.version(SourceSpec(url="local[2]", table="t"), settings) is None


# --- the door is shut: attacks through a typed URL --------------------------------------------------
def _refused(url: str, settings: Settings, table: str = "sales") -> str:
    with pytest.raises(DataError) as caught, sources.open_table(SourceSpec(url=url, table=table), settings):
        pass
    return caught.value.id


@pytest.mark.parametrize("url", [
    "duckdb:///etc/passwd", "/etc/passwd", "file:///etc/passwd", "file://localhost/etc/passwd",
    "{allowed}/../outside/secret.parquet", "{allowed}/parquet/../../outside/secret.parquet",
    "duckdb://{allowed}/../outside/secret.parquet",
    "{allowed}/escape/secret.parquet", "{allowed}/escape", "{allowed}/escape.parquet",
    "{allowed}/*/secret.parquet", "{allowed}/**/*.parquet", "{allowed}/../*/*.parquet", "{allowed}/*/../../outside/*",
    "duckdb://{allowed}/..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd", "file://{allowed}/%2E%2E/outside/secret.parquet",
    "duckdb://{allowed}/%2e%2e/outside/secret.parquet", "../../../../../../etc/passwd",
])
def test_no_typed_path_reaches_outside_the_data_folders(url, data_folder, settings):
    url = url.format(allowed=data_folder)
    assert _refused(url, settings) == "connect.error.outside_folders"


def test_without_data_folders_no_typed_path_opens(data_folder):
    closed = Settings.from_config({}, environ={})
    for url in (f"duckdb://{data_folder}/shop.duckdb", str(data_folder / "parquet"), f"file://{data_folder}/parquet"):
        assert _refused(url, closed) == "connect.error.no_folders"


@pytest.mark.parametrize("url", ["sqlite:///tmp/x.db", "http://example.com/x.parquet", "s3://bucket/x.parquet",
                                 "ftp://host/x", "jdbc:postgresql://host/db", "gopher://x", "sqlite:{allowed}/shop.duckdb"])
def test_other_schemes_are_refused(url, data_folder, settings):
    assert _refused(url.format(allowed=data_folder), settings) == "connect.error.scheme"


@pytest.mark.parametrize("url", ["postgres://user:pw@db.internal/shop", "postgresql://user:@db.internal/shop",
                                 "postgres://db.internal/shop?password=pw", "mysql://db.internal/shop?api_key=x",
                                 "spark://user:pw@db.internal:7077", "postgres://u%3Apw@db.internal/shop"])
def test_a_typed_url_carries_no_password(url, settings):
    assert _refused(url, settings) == "connect.error.password_typed"


@pytest.mark.parametrize("url", ["postgres://user@10.0.0.9/shop", "mysql://other.host:3306/shop",
                                 "spark://10.0.0.9:7077", "spark://db.internal:7077,evil:7077", "yarn"])
def test_a_typed_url_reaches_only_listed_hosts(url, settings):
    assert _refused(url, settings) == "connect.error.host_not_listed"


@pytest.mark.parametrize("url", ["postgres://user@db.internal/shop?host=10.0.0.9",
                                 "postgres://user@db.internal/shop?hostaddr=10.0.0.9&sslmode=require",
                                 "postgres://user@db.internal/shop?sslcert=/etc/shadow",
                                 "postgres://user@db.internal/shop?sslrootcert=/etc/ssl/private/key.pem",
                                 "postgres://user@db.internal/shop?service=prod", "mysql://db.internal/shop?x"])
def test_a_typed_database_url_sets_no_option_that_reaches_elsewhere(url, settings):
    assert _refused(url, settings) == "connect.error.option"


@pytest.mark.parametrize("table", ["sales; DROP TABLE x", "parquet.`/etc/passwd`", "../sales", "a.b.c.d", "",
                                   "read_csv('/etc/passwd')"])
def test_a_table_name_is_a_name(table, data_folder, settings):
    assert _refused(f"duckdb://{data_folder}/shop.duckdb", settings, table) == "connect.error.table_name"


def test_a_duckdb_file_reads_no_other_file_through_its_views(tmp_path, data_folder):
    """A DuckDB file in a data folder may hold a view over any file; opened through Connect it reads
    nothing but itself."""
    path = tmp_path / "tricky.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE VIEW sales AS SELECT * FROM read_parquet('{data_folder}/parquet/part-0.parquet')")
    settings = Settings.from_config({"connect": {"folders": [str(tmp_path)]}}, environ={})
    with pytest.raises(DataError) as caught, sources.open_table(SourceSpec(url=f"duckdb://{path}", table="sales"),
                                                                settings) as table:
        table.count().execute()
    assert caught.value.id == "connect.error.unreachable"


# --- named connections: secrets never shown ---------------------------------------------------------
def test_a_named_connection_opens_by_name_and_its_url_never_shows(data_folder, caplog):
    settings = Settings.from_config(
        {"connections": {"warehouse": {"url": f"postgres://admin:{SECRET}@127.0.0.1:9/shop"}}},
        environ={"PROMO_CONNECTION_LAKE": f"duckdb://{data_folder}/shop.duckdb"})
    assert settings.names == ["lake", "warehouse"] and SECRET not in repr(settings)
    with sources.open_sales(SourceSpec(connection="lake", table="sales", mapping=MAPPING), settings) as sales:
        assert sales.count().execute() > 0
    caplog.set_level(logging.DEBUG)
    with pytest.raises(DataError) as caught, sources.open_table(SourceSpec(connection="warehouse", table="sales"),
                                                                settings):
        pass
    shown = caught.value.text("en") + caught.value.text("zh") + caplog.text
    assert SECRET not in shown and "127.0.0.1" not in caught.value.text("en")
    with pytest.raises(DataError) as unknown:
        sources.resolve(SourceSpec(connection="nope", table="sales"), settings)
    assert unknown.value.id == "connect.error.unknown_connection" and SECRET not in unknown.value.text()


def test_scrub_blanks_every_url_and_password_of_the_settings():
    settings = Settings.from_config({"connections": {"w": {"url": f"postgres://u:{SECRET}@h/db?token=tok-{SECRET}"}}},
                                    environ={})
    said = f"failed: postgres://u:{SECRET}@h/db?token=tok-{SECRET} and {SECRET} and tok-{SECRET}"
    assert SECRET not in sources.scrub(said, settings)


def test_settings_read_the_secrets_file_and_the_environment(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[connect]\nfolders = ["/data/sales"]\nhosts = ["DB.internal"]\n'
                       '[connections.warehouse]\nurl = "postgres://u:pw@db.internal/shop"\n', encoding="utf-8")
    settings = Settings.load([secrets], environ={"PROMO_DATA_FOLDERS": os.pathsep.join(["/data/more", ""]),
                                                 "PROMO_CONNECT_HOSTS": "spark.internal:7077"})
    assert settings.folders == (sources.Path("/data/sales"), sources.Path("/data/more"))
    assert settings.hosts == ("db.internal", "spark.internal:7077") and settings.names == ["warehouse"]
    secrets.write_text("[connect\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        Settings.load([secrets], environ={})
    assert caught.value.id == "connect.error.secrets"


# --- Spark: the one session of the run ---------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")
def test_a_spark_table_connects_by_master_and_gives_pandas_rfm(spark, export, demo_tx):
    sample = export[export["CustomerID"].isin(export["CustomerID"].dropna().unique()[:300])].reset_index(drop=True)
    spark.create_view("connect_sales", ibis.memtable(sample), overwrite=True)
    master = spark._session.sparkContext.master
    spec = SourceSpec(url=master, table="connect_sales", mapping=MAPPING)
    with sources.open_sales(spec, Settings()) as sales:
        on_spark = segments.rfm(sales)
    expected = segments.rfm(demo_tx[demo_tx["customer_id"].isin(sample["CustomerID"])].reset_index(drop=True))
    pd.testing.assert_frame_equal(on_spark, expected, rtol=1e-9)
    other = "local[1]" if master != "local[1]" else "local[2]"
    with pytest.raises(DataError) as caught, sources.open_table(SourceSpec(url=other, table="connect_sales"),
                                                                Settings()):
        pass
    assert caught.value.id == "connect.error.spark_master"
    with pytest.raises(DataError) as missing, sources.open_table(SourceSpec(url=master, table="no_such_table"),
                                                                 Settings()):
        pass
    assert missing.value.id == "connect.error.no_table"


# --- the command line ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small(export, data_folder) -> pd.DataFrame:
    """400 customers' order lines, as a DuckDB file in the data folder."""
    lines = export[export["CustomerID"].isin(export["CustomerID"].dropna().unique()[:400])].reset_index(drop=True)
    with duckdb.connect(str(data_folder / "small.duckdb")) as con:
        con.register("lines", lines)
        con.execute("CREATE TABLE sales AS SELECT * FROM lines")
    return lines


def _report(argv, capsys) -> tuple[int, str]:
    from promo_core.cli import main

    code = main(argv)
    return code, capsys.readouterr().err


def test_the_command_line_reports_on_a_source_as_on_the_same_lines_in_the_workspace(
        small, data_folder, tmp_path, monkeypatch, capsys):
    from promo_core.io import finalize_transactions

    monkeypatch.chdir(tmp_path)  # (no secrets file here: the environment says it all)
    monkeypatch.setenv("PROMO_DATA_FOLDERS", str(data_folder))
    monkeypatch.setenv("PROMO_CONNECTION_SHOP", f"duckdb://{data_folder}/small.duckdb")
    monkeypatch.delenv("PROMO_PRIVACY", raising=False)
    ws = Workspace(tmp_path / "ws.duckdb")
    dataset = ws.save_dataset("shop", {"transactions": finalize_transactions(
        small.rename(columns={v: k for k, v in EXPORT_NAMES.items()}))})
    code, err = _report(["report", "--data", dataset, "--workspace", str(ws.path), "--out", "dataset.xlsx"], capsys)
    assert code == 0, err
    code, err = _report(["report", "--source", f"duckdb://{data_folder}/small.duckdb", "--table", "sales",
                         "--out", "source.xlsx"], capsys)
    assert code == 0, err
    code, err = _report(["report", "--connection", "shop", "--table", "sales", "--map", "product_name=",
                         "--map", "channel=", "--out", "named.xlsx"], capsys)
    assert code == 0, err and "Reading shop · sales" in err and str(data_folder) not in err
    on_dataset, on_source = (pd.read_excel(f, sheet_name=None) for f in ("dataset.xlsx", "source.xlsx"))
    assert list(on_dataset) == list(on_source) and len(on_dataset) > 4
    for sheet in list(on_dataset)[1:]:  # (the contents sheet names the source)
        pd.testing.assert_frame_equal(on_source[sheet], on_dataset[sheet], rtol=1e-9, obj=sheet)
    named = pd.read_excel("named.xlsx", sheet_name=None)
    segments_sheet = next(s for s in named if "egment" in s)
    pd.testing.assert_frame_equal(named[segments_sheet], on_dataset[segments_sheet], rtol=1e-9)


@pytest.mark.parametrize("argv, said", [
    (["--source", "duckdb:///etc/passwd", "--table", "t"], "outside the data folders"),
    (["--source", "sqlite:///tmp/x.db", "--table", "t"], "does not open 'sqlite'"),
    (["--source", f"postgres://u:{SECRET}@db/shop", "--table", "t"], "may not carry a password"),
    (["--connection", "nope", "--table", "t"], "no connection called 'nope'"),
    (["--source", "{allowed}/small.duckdb", "--table", "nope"], "no table 'nope'"),
    (["--source", "{allowed}/small.duckdb", "--table", "sales", "--map", "price=UnitPrice"], "--map takes ROLE=COLUMN"),
    (["--source", "{allowed}/small.duckdb", "--table", "sales", "--map", "order_date=Channel"], "not dates"),
    (["--source", "{allowed}/small.duckdb", "--table", "sales", "--map", "product_id="], "Map a column to product_id"),
])
def test_the_command_line_refuses_a_source_in_plain_words(argv, said, small, data_folder, tmp_path, monkeypatch,
                                                          capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PROMO_DATA_FOLDERS", str(data_folder))
    argv = [a.format(allowed=data_folder) for a in argv]
    code, err = _report(["report", *argv, "--out", "r.html"], capsys)
    assert code == 2 and said in err and "Traceback" not in err and SECRET not in err, err
    assert not (tmp_path / "r.html").exists()


def test_a_report_on_a_named_connection_holds_its_name_and_never_its_url(small, data_folder, tmp_path, monkeypatch,
                                                                          capsys):
    hidden = tmp_path / SECRET
    hidden.mkdir()
    (hidden / "shop.duckdb").write_bytes((data_folder / "small.duckdb").read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PROMO_CONNECTION_HIDDEN", f"duckdb://{hidden}/shop.duckdb")
    monkeypatch.delenv("PROMO_PRIVACY", raising=False)
    code, err = _report(["report", "--connection", "hidden", "--table", "sales", "--out", "r.html"], capsys)
    assert code == 0, err
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "hidden · sales" in html and SECRET not in html and SECRET not in err
    monkeypatch.setenv("PROMO_PRIVACY", "force")
    code, err = _report(["report", "--connection", "hidden", "--table", "sales", "--out", "p.html"], capsys)
    assert code == 2 and "PROMO_PRIVACY=force" in err and not (tmp_path / "p.html").exists()
