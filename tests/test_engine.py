"""promo_core.engine: names and values quoted so that they stay names and values, and connections
that cannot reach the server's files even when handed a crafted statement."""
import os

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from promo_core.engine import (ByteCache, TempFiles, connect, fetch, literal_list, memory_backend, own_memory,
                               quote_ident, quote_literal, sales_table)
from promo_core.store import fetch_frame

NASTY = ['a"b', "it's", 'x"; DROP TABLE t; --', "/* c */", "line\nbreak", "read_text('/etc/passwd')", ""]


@pytest.mark.parametrize("name", NASTY)
def test_a_quoted_identifier_names_exactly_that_column(name):
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t ({quote_ident(name or 'empty')} INTEGER)")
    con.execute("INSERT INTO t VALUES (7)")
    assert con.execute(f"SELECT {quote_ident(name or 'empty')} FROM t").fetchall() == [(7,)]
    assert [c for c, *_ in con.execute("DESCRIBE t").fetchall()] == [name or "empty"]


@pytest.mark.parametrize("value", NASTY)
def test_a_quoted_literal_is_exactly_that_text(value):
    assert duckdb.connect().execute(f"SELECT {quote_literal(value)}").fetchall() == [(value,)]


def test_a_literal_list_keeps_every_item():
    assert duckdb.connect().execute(f"SELECT {literal_list(NASTY)}").fetchall() == [(NASTY,)]


def test_nul_characters_are_refused_rather_than_cut():
    with pytest.raises(ValueError):
        quote_ident("a\x00b")
    with pytest.raises(ValueError):
        quote_literal("a\x00b")


def test_a_locked_connection_reads_its_own_file_and_nothing_else(tmp_path):
    own, other = tmp_path / "own.csv", tmp_path / "other.csv"
    own.write_text("a\n1\n")
    other.write_text("secret\n42\n")
    con = connect([own])
    assert con.execute(f"SELECT * FROM read_csv({quote_literal(own)})").fetchall() == [(1,)]
    for statement in [f"SELECT * FROM read_csv({quote_literal(other)})",
                      f"SELECT * FROM read_text({quote_literal(other)})",
                      f"COPY (SELECT 1) TO {quote_literal(tmp_path / 'written.csv')}",
                      f"ATTACH {quote_literal(tmp_path / 'x.duckdb')} AS x",
                      "INSTALL httpfs", "LOAD httpfs",
                      "SET enable_external_access = true", "RESET enable_external_access"]:
        with pytest.raises(duckdb.Error):
            con.execute(statement)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.csv", "own.csv"]


def test_a_cursor_of_a_locked_connection_is_locked_too(tmp_path):
    secret = tmp_path / "s.txt"
    secret.write_text("secret")
    cursor = connect().cursor()
    with pytest.raises(duckdb.Error):
        cursor.execute(f"SELECT * FROM read_text({quote_literal(secret)})")


def test_temp_files_belong_to_their_call_and_go_with_it():
    with TempFiles() as outer:
        kept = outer.write(b"x", ".csv")
        with TempFiles() as inner:
            gone = inner.write(b"y", ".csv")
        assert not os.path.exists(gone), "the inner call's file goes when the inner call ends"
        assert open(kept, "rb").read() == b"x", "another call's file is left alone"
    assert not os.path.exists(kept)


def test_the_workspace_file_reaches_nothing_else_on_disk(tmp_path):
    from promo_core.store import Workspace

    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    ws = Workspace(tmp_path / "ws" / "promo.duckdb")
    with ws.connect() as con:
        for statement in [f"SELECT * FROM read_text({quote_literal(secret)})",
                          f"COPY (SELECT 1) TO {quote_literal(tmp_path / 'out.csv')}",
                          "SET enable_external_access = true"]:
            with pytest.raises(duckdb.Error):
                con.execute(statement)
    assert not (tmp_path / "out.csv").exists()


def test_temp_files_are_written_from_chunks():
    with TempFiles() as tmp:
        path = tmp.write(iter([b"a,b\n", b"1,", b"2\n"]), ".csv")
        assert open(path, "rb").read() == b"a,b\n1,2\n"


def test_a_limited_connection_spills_to_its_folder_instead_of_growing(tmp_path):
    con = connect(memory_limit="64MB", temp_dir=tmp_path)
    con.execute("CREATE TABLE t AS SELECT i, 'a value of some length ' || i AS s FROM range(3000000) r(i)")
    assert con.execute("SELECT count(*) FROM t").fetchall() == [(3_000_000,)]
    assert any(tmp_path.iterdir()), "what did not fit went to the call's own folder"
    con.close()


def test_a_byte_cache_keeps_within_its_budget_dropping_the_least_recently_used():
    cache = ByteCache(100, len)
    cache.put("a", b"x" * 40)
    cache.put("b", b"x" * 40)
    assert cache.get("a") is not None  # "a" is now the most recently used
    cache.put("c", b"x" * 40)
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    assert cache.bytes == 80
    cache.put("huge", b"x" * 101)
    assert cache.get("huge") is None and cache.bytes == 80, "a value over the whole budget is not kept"
    cache.pop("a")
    assert cache.get("a") is None and cache.bytes == 40


def test_a_byte_cache_for_results_keeps_its_largest_value_beyond_the_budget():
    cache = ByteCache(100, len, keep_oversized=True)
    cache.put("a", b"x" * 40)
    cache.put("huge", b"x" * 150)
    cache.put("b", b"x" * 40)
    assert cache.get("huge") is not None, "the largest is kept whatever its size"
    assert cache.get("a") is not None and cache.bytes == 230, "the others share the budget"
    cache.put("c", b"x" * 40)
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None, "least recently used"
    cache.put("huger", b"x" * 200)
    assert cache.get("huge") is None and cache.get("huger") is not None, "the former largest counts again"
    assert cache.bytes == 280


def test_a_byte_cache_makes_a_value_once_and_shares_it():
    cache, made = ByteCache(1 << 20, len), []

    def make():
        made.append(1)
        return bytearray(10)

    first, second = cache.get_or_make("k", make), cache.get_or_make("k", make)
    assert first is second and len(made) == 1


def test_own_memory_gives_text_columns_buffers_of_their_own():
    con = duckdb.connect()
    frame = fetch_frame(con, "SELECT i, 'row ' || i AS s, CASE WHEN i % 3 = 0 THEN NULL ELSE 'x' END AS t "
                             "FROM range(5000) r(i)")
    copied = own_memory(frame)
    pd.testing.assert_frame_equal(copied, frame)

    def data_buffers(series):
        arrow = pa.array(series.array)
        return {c.buffers()[2].address for c in (arrow.chunks if isinstance(arrow, pa.ChunkedArray) else [arrow])}

    assert not data_buffers(copied["s"]) & data_buffers(frame["s"]), "the text was copied, not shared with DuckDB"
    assert own_memory(frame.iloc[:0]).empty


# --------------------------------------------------------------------------------------------
# Sales tables in the engine (promo_core.engine.sales)
# --------------------------------------------------------------------------------------------
PLAIN = pd.DataFrame({"Invoice": ["1", "1", "C2"], "CustomerID": [17850.0, 17850.0, None],
                      "InvoiceDate": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 10:00", "2025-01-02 23:30"]),
                      "StockCode": ["A", "B", "A"], "Quantity": [2, 3, -1], "Price": [1.5, 2.0, 4.0]})
PLAIN_NAMES = dict(order_id_col="Invoice", customer_id_col="CustomerID", order_date_col="InvoiceDate",
                   product_id_col="StockCode", quantity_col="Quantity", unit_price_col="Price")


def test_a_plain_order_line_frame_gets_revenue_and_returns_derived_under_its_own_column_names():
    lines = fetch(sales_table(PLAIN, **PLAIN_NAMES))
    expected = pd.DataFrame({"order_id": ["1", "1", "C2"], "customer_id": ["17850", "17850", None],
                             "order_date": PLAIN["InvoiceDate"].astype("datetime64[us]"),
                             "product_id": ["A", "B", "A"], "quantity": [2, 3, -1], "unit_price": [1.5, 2.0, 4.0],
                             "revenue": [3.0, 6.0, -4.0], "is_return": [False, False, True]})
    pd.testing.assert_frame_equal(lines, expected, check_dtype=False)
    assert lines["customer_id"].dtype == "str", "customer numbers read as numbers become text, as on loading"


def test_a_sales_table_holds_the_columns_asked_for_and_the_optional_ones_present():
    lines = sales_table(PLAIN, ["customer_id", "revenue"], optional=["channel", "quantity"], **PLAIN_NAMES)
    assert lines.columns == ("customer_id", "revenue", "quantity")


def test_given_columns_win_over_derived_ones():
    frame = PLAIN.assign(Revenue=[1.0, 1.0, 1.0], Return=[True, False, False])
    lines = fetch(sales_table(frame, ["revenue", "is_return"], revenue_col="Revenue", is_return_col="Return",
                              **PLAIN_NAMES))
    assert lines["revenue"].tolist() == [1.0, 1.0, 1.0] and lines["is_return"].tolist() == [True, False, False]


def test_a_missing_column_is_named_with_what_would_derive_it():
    from tests.conftest import chinese_error

    err = chinese_error(lambda: sales_table(PLAIN[["Invoice"]], ["order_id", "customer_id", "revenue"],
                                            order_id_col="Invoice"))
    assert "lacks the column(s) customer_id, revenue (or quantity and unit_price)" in str(err)


def test_zoned_order_dates_keep_their_wall_clock_time():
    frame = PLAIN.assign(InvoiceDate=PLAIN["InvoiceDate"].dt.tz_localize("Asia/Shanghai"))
    lines = fetch(sales_table(frame, ["order_date"], order_date_col="InvoiceDate"))
    assert lines["order_date"].tolist() == PLAIN["InvoiceDate"].tolist()


def test_a_frame_is_scanned_by_a_locked_connection_that_reaches_no_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    backend = sales_table(PLAIN, **PLAIN_NAMES).get_backend()
    with pytest.raises(duckdb.Error):
        backend.raw_sql(f"SELECT * FROM read_text({quote_literal(secret)})")
    with pytest.raises(duckdb.Error):
        backend.raw_sql("SET enable_external_access = true")


def test_two_sources_never_see_each_other_s_frames():
    one, two = memory_backend(), memory_backend()
    one.con.register("sales", PLAIN)
    assert one.raw_sql("SELECT count(*) FROM sales").fetchall() == [(3,)]
    with pytest.raises(duckdb.CatalogException):
        two.raw_sql("SELECT count(*) FROM sales")


def test_a_workspace_table_is_read_in_the_workspace(demo_workspace, demo_tx):
    from promo_core.store import Workspace

    ws = Workspace(demo_workspace)
    dataset = ws.list_datasets()["id"][0]
    with ws.ibis_table(dataset) as sales:
        totals = fetch(sales.aggregate(lines=sales.count(), units=sales.quantity.sum(),
                                       returns=sales.is_return.sum()))
    assert totals.iloc[0].tolist() == [len(demo_tx), demo_tx["quantity"].sum(), demo_tx["is_return"].sum()]
