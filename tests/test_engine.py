"""promo_core.engine: names and values quoted so that they stay names and values, and connections
that cannot reach the server's files even when handed a crafted statement."""
import os

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from promo_core.engine import ByteCache, TempFiles, connect, literal_list, own_memory, quote_ident, quote_literal
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
