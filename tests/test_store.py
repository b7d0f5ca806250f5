"""The workspace keeps datasets and analyses across restarts and between concurrent sessions."""
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import plotly.io as pio
import pytest

from promo_core.errors import DataError
from promo_core.store import Workspace, fetch_frame, workspace_path
from promo_core.text import Message
from tests.conftest import chinese_error, has_chinese

ROOT = Path(__file__).resolve().parents[1]


def _tx(n: int, tag: str) -> pd.DataFrame:
    return pd.DataFrame({"order_id": [f"{tag}{i}" for i in range(n)], "quantity": range(n), "tag": tag})


def test_a_dataset_survives_a_restart(tmp_path):
    path = tmp_path / "ws.duckdb"
    ds = Workspace(path).save_dataset("Shop", {"transactions": _tx(5, "a"), "quarantine": _tx(1, "q")},
                                      rows_in=6, mapping={"order_id": "Invoice"}, report={"notes": ["n"]})
    reopened = Workspace(path)  # a new process would do exactly this
    listed = reopened.list_datasets()
    assert listed["name"].tolist() == ["Shop"] and listed["n_rows"].tolist() == [5]
    assert listed["n_quarantine"].tolist() == [1] and listed["rows_in"].tolist() == [6]
    pd.testing.assert_frame_equal(reopened.load_table(ds), _tx(5, "a"))
    info = reopened.dataset(ds)
    assert info["mapping"] == {"order_id": "Invoice"}
    assert info["report"] == {"notes": [Message("ingest.stored_text", text="n")]}, "a note as text reads as written"
    assert info["tables"] == ["quarantine", "transactions"]


def test_rename_delete_and_extra_tables(tmp_path):
    ws = Workspace(tmp_path / "ws.duckdb")
    ds = ws.save_dataset("Old", {"transactions": _tx(3, "a")})
    ws.rename_dataset(ds, "  New name ")
    ws.add_table(ds, "products", pd.DataFrame({"product_id": ["A"], "unit_cost": [1.5]}))
    assert ws.list_datasets()["name"].tolist() == ["New name"]
    assert ws.load_table(ds, "products")["unit_cost"].tolist() == [1.5]
    assert ws.query(ds, "SELECT sum(quantity) AS s FROM {table}")["s"].tolist() == [3]
    ws.delete_dataset(ds)
    assert ws.list_datasets().empty
    with pytest.raises(DataError, match="not in the workspace"):
        ws.load_table(ds)


def test_bad_names_are_refused(tmp_path):
    ws = Workspace(tmp_path / "ws.duckdb")
    ds = ws.save_dataset("A", {"transactions": _tx(1, "a")})
    with pytest.raises(DataError):
        ws.rename_dataset(ds, "   ")
    with pytest.raises(DataError):
        ws.load_table("x'; DROP TABLE datasets; --")
    with pytest.raises(DataError, match="transactions"):
        ws.save_dataset("B", {"products": _tx(1, "p")})


def test_concurrent_sessions_never_see_half_written_data(tmp_path):
    ws = Workspace(tmp_path / "ws.duckdb")
    errors, seen = [], []

    def writer(tag):
        try:
            for i in range(5):
                ws.save_dataset(f"{tag}{i}", {"transactions": _tx(20_000, tag), "quarantine": _tx(7, "q")})
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            errors.append(exc)

    def reader():
        try:
            for _ in range(10):
                for ds in ws.list_datasets()["id"]:
                    frame = ws.load_table(ds)
                    seen.append(len(frame))
                    assert len(ws.load_table(ds, "quarantine")) == 7
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in "ab"] + [threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert set(seen) <= {20_000}, "a reader saw a dataset before all its rows were written"
    assert sorted(ws.list_datasets()["name"]) == [f"{t}{i}" for t in "ab" for i in range(5)]


def test_another_process_can_write_between_operations(tmp_path):
    path = tmp_path / "ws.duckdb"
    ws = Workspace(path)
    ws.save_dataset("here", {"transactions": _tx(2, "h")})
    code = ("import sys, pandas as pd; sys.path.insert(0, %r); from promo_core.store import Workspace; "
            "Workspace(%r).save_dataset('there', {'transactions': pd.DataFrame({'x': [1]})})" % (str(ROOT), str(path)))
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    assert sorted(ws.list_datasets()["name"]) == ["here", "there"]


def test_a_dataset_entry_asked_again_opens_nothing_until_the_workspace_changes(tmp_path, monkeypatch):
    path = tmp_path / "ws.duckdb"
    ws = Workspace(path)
    ds = ws.save_dataset("Shop", {"transactions": _tx(3, "a")})
    first = ws.dataset(ds)
    opened = []
    real = Workspace.connect
    monkeypatch.setattr(Workspace, "connect", lambda self: opened.append(1) or real(self))
    first["report"]["notes"] = ["changed by a caller"]  # (a caller's copy: the kept entry stays as read)
    assert ws.dataset(ds)["name"] == "Shop" and ws.dataset(ds)["report"] == {} and opened == []
    ws.rename_dataset(ds, "Renamed here")
    assert ws.dataset(ds)["name"] == "Renamed here"
    code = ("import sys; sys.path.insert(0, %r); from promo_core.store import Workspace; "
            "Workspace(%r).rename_dataset(%r, 'Renamed by another process')" % (str(ROOT), str(path), ds))
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    assert ws.dataset(ds)["name"] == "Renamed by another process"
    ws.delete_dataset(ds)
    with pytest.raises(DataError, match="not in the workspace"):
        ws.dataset(ds)


def test_saved_analysis_round_trips_tables_figures_and_notes(tmp_path):
    ws = Workspace(tmp_path / "ws.duckdb")
    table = pd.DataFrame({"segment": ["Champions", "Lost"], "customers": [10, 3], "share": [0.77, 0.23]})
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    aid = ws.save_analysis("RFM March", "segments", dataset_id=None, params={"as_of": "2024-03-01"},
                           tables={"Segments": table}, figures={"Treemap": fig.to_json()}, notes=["Two segments."])
    restarted = Workspace(tmp_path / "ws.duckdb")
    saved = restarted.load_analysis(aid)
    assert saved.name == "RFM March" and saved.page == "segments" and saved.params == {"as_of": "2024-03-01"}
    pd.testing.assert_frame_equal(saved.tables["Segments"], table)
    assert pio.from_json(saved.figures["Treemap"]).data[0].y == (3, 4)
    assert saved.notes == ["Two segments."]
    assert restarted.list_analyses()["name"].tolist() == ["RFM March"]
    restarted.delete_analysis(aid)
    assert restarted.list_analyses().empty


def test_workspace_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMO_WORKSPACE", str(tmp_path / "x" / "y.duckdb"))
    assert workspace_path() == tmp_path / "x" / "y.duckdb"
    Workspace()
    assert (tmp_path / "x" / "y.duckdb").exists()
    monkeypatch.delenv("PROMO_WORKSPACE")
    assert workspace_path() == Path("workspace") / "promo.duckdb"


def test_errors_read_in_chinese_too(tmp_path):
    ws = Workspace(tmp_path / "ws.duckdb")
    ds = ws.save_dataset("A", {"transactions": _tx(1, "a")})
    calls = [lambda: ws.save_dataset("B", {"products": _tx(1, "p")}), lambda: ws.dataset("0123456789ab"),
             lambda: ws.load_table(ds, "products"), lambda: ws.query(ds, "SELECT 1", table="Bad Table"),
             lambda: ws.rename_dataset(ds, "   "), lambda: ws.save_analysis(" ", "segments"),
             lambda: ws.rename_analysis("0123456789ab", ""), lambda: ws.load_analysis("0123456789ab")]
    for call in calls:
        chinese_error(call)


def _hold(path: Path) -> subprocess.Popen:
    """Another process (a report job, a second server) holding the workspace file until told to stop."""
    code = ("import sys, duckdb; con = duckdb.connect(%r); print('held', flush=True); sys.stdin.read()" % str(path))
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def _release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    holder.wait(30)


def test_a_busy_workspace_says_so_without_holding_up_other_sessions(tmp_path, monkeypatch):
    busy, free = Workspace(tmp_path / "busy.duckdb"), Workspace(tmp_path / "free.duckdb")
    busy.busy_timeout = 3
    waiting, outcome = threading.Event(), {}
    connect = duckdb.connect

    def noting_waits(path, *args, **kwargs):
        try:
            return connect(path, *args, **kwargs)
        except duckdb.IOException:
            waiting.set()
            raise

    monkeypatch.setattr(duckdb, "connect", noting_waits)

    def session_on_the_busy_file():
        try:
            busy.list_datasets()
        except DataError as exc:
            outcome["error"] = exc

    holder = _hold(busy.path)
    try:
        stuck = threading.Thread(target=session_on_the_busy_file)
        stuck.start()
        assert waiting.wait(30)
        free.save_dataset("other", {"transactions": _tx(2, "o")})  # another session carries on meanwhile
        assert stuck.is_alive(), "the other session had to wait for the busy one to give up"
        stuck.join(60)
    finally:
        _release(holder)
    err = outcome["error"]
    assert "busy" in str(err) and "PROMO_WORKSPACE" in str(err) and has_chinese(err.text("zh"))
    assert busy.list_datasets().empty, "free again once the other program lets go"


def test_a_busy_workspace_shows_a_message_on_the_page_not_a_traceback(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    path = tmp_path / "promo.duckdb"
    monkeypatch.setenv("PROMO_WORKSPACE", str(path))
    holder = _hold(path)
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    finally:
        _release(holder)
    assert not at.exception, at.exception
    assert "is busy" in at.error[0].value and not at.metric


def _start_server(path: str, tag: str):
    """What app.py does as it starts: store the demo when the workspace looks empty."""
    ws = Workspace(path)
    if ws.list_datasets().empty:
        return ws.save_dataset("Demo retailer", {"transactions": _tx(3, tag)}, kind="demo", if_empty=True)
    return None


def test_the_first_dataset_is_stored_once_however_many_servers_race(tmp_path):
    path = tmp_path / "ws.duckdb"
    go = tmp_path / "go"
    code = ("import sys, time, pathlib; sys.path.insert(0, %r); from tests.test_store import _start_server; "
            "print('ready', flush=True)\nwhile not pathlib.Path(%r).exists(): time.sleep(0.005)\n"
            "print(_start_server(%r, sys.argv[1]), flush=True)" % (str(ROOT), str(go), str(path)))
    servers = [subprocess.Popen([sys.executable, "-c", code, tag], stdout=subprocess.PIPE, text=True, cwd=ROOT)
               for tag in "abc"]
    for server in servers:
        assert server.stdout.readline().strip() == "ready"
    go.touch()
    results = [server.communicate(timeout=120)[0].strip() for server in servers]
    assert all(server.returncode == 0 for server in servers), results
    assert results.count("None") == 2, results
    assert Workspace(path).list_datasets()["name"].tolist() == ["Demo retailer"]
    assert Workspace(path).save_dataset("Upload", {"transactions": _tx(1, "u")}, if_empty=True) is None


def test_threads_with_their_own_workspace_objects_store_the_first_dataset_once(tmp_path):
    path = tmp_path / "ws.duckdb"
    start, results, errors = threading.Barrier(6), [], []

    def server(tag):
        try:
            start.wait()
            results.append(_start_server(str(path), tag))
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            errors.append(exc)

    threads = [threading.Thread(target=server, args=(t,)) for t in "abcdef"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sum(r is not None for r in results) == 1
    assert Workspace(path).list_datasets()["name"].tolist() == ["Demo retailer"]


def test_a_result_fetched_in_many_batches_is_whole_with_each_text_column_in_one_piece():
    con = duckdb.connect()
    sql = ("SELECT i, 'row ' || i AS s, CASE WHEN i % 3 = 0 THEN NULL ELSE i / 2 END AS x, i % 2 = 0 AS b "
           "FROM range(300000) r(i)")  # (DuckDB hands it over in three batches)
    frame = fetch_frame(con, sql)
    expected = con.sql(sql).df()
    assert frame["i"].tolist() == expected["i"].tolist() and frame["s"].tolist() == expected["s"].tolist()
    pd.testing.assert_series_equal(frame["x"], expected["x"])
    assert frame["b"].tolist() == expected["b"].tolist()
    assert str(frame["s"].dtype) == "str"
    text = pa.array(frame["s"].array)
    assert not isinstance(text, pa.ChunkedArray) or text.num_chunks == 1
    empty = fetch_frame(con, "SELECT 'a' AS s, 1 AS i WHERE false")
    assert empty.empty and list(empty.columns) == ["s", "i"] and str(empty["s"].dtype) == "str"


def test_the_workspace_works_within_its_memory_limit_and_spills_beside_its_file(tmp_path, monkeypatch):
    """DuckDB's memory for the workspace is bounded (an argument, else $PROMO_WORKSPACE_MEMORY, else 2 GB)
    and it spills to the folder beside the file, set where nothing a session runs can change them."""
    monkeypatch.setenv("PROMO_WORKSPACE_MEMORY", "700MB")
    for ws, limit in [(Workspace(tmp_path / "a" / "promo.duckdb", memory_limit="300MB"), 300e6),
                      (Workspace(tmp_path / "b" / "promo.duckdb"), 700e6)]:
        with ws.connect() as con:
            setting, spill = con.execute("SELECT current_setting('memory_limit'), "
                                         "current_setting('temp_directory')").fetchone()
            with pytest.raises(duckdb.Error):
                con.execute("SET memory_limit = '20GB'")
        number, unit = setting.split()
        assert abs(float(number) * {"MiB": 2**20, "MB": 1e6, "GiB": 2**30}[unit] - limit) < 0.06 * limit
        assert Path(spill) == ws.path.with_name("promo.duckdb.tmp") and ws.incoming.is_dir()
