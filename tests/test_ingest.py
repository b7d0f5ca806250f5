"""The front door's workspace paths: a file read straight into a workspace dataset (``io.load_into``)
and a Parquet file or folder used in place (``io.use_in_place``), with validation and the quarantine in
SQL: rows in the file = loaded + quarantined, the same reasons, types and pseudonyms as
``load_transactions``; and the door shut: only the deployment's data folders are reachable, and a
header holding SQL stays a header."""
from __future__ import annotations

import json
import os

import duckdb
import pandas as pd
import pytest

from promo_core import io as pio
from promo_core.engine import DATA_FOLDERS_ENV, data_folders, inside_data_folders, read_secrets
from promo_core.errors import DataError
from promo_core.privacy import Privacy
from promo_core.store import Workspace
from promo_core.text import render
from tests.conftest import reasons

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
# hand-checked: 7 lines; 1 duplicate of line 1; line 3 quantity 'two', line 4 price -1, line 6 date 2199
LINES = ("1,A,Tea,2,2024-01-02 10:00,1.50,c1\n"
         "1,B,Mug,1,2024-01-02 10:00,3.00,c1\n"
         "2,A,Tea,two,2024-01-03 09:00,1.50,c2\n"
         "2,B,Mug,1,2024-01-03 09:00,-1,c2\n"
         "3,A,Tea,-1,2024-01-04 09:00,1.50,\n"
         "4,C,Pot,1,2199-01-01 09:00,9.00,c3\n"
         "1,A,Tea,2,2024-01-02 10:00,1.50,c1\n")


@pytest.fixture
def shop_csv(tmp_path):
    path = tmp_path / "shop.csv"
    path.write_text(HEADER + LINES)
    return path


def _ws(tmp_path) -> Workspace:
    return Workspace(tmp_path / "ws" / "promo.duckdb")


def test_a_file_goes_straight_into_a_workspace_table_with_its_quarantine(tmp_path, shop_csv):
    ws = _ws(tmp_path)
    info = ws.dataset(pio.load_into(ws, shop_csv))
    assert (info["rows_in"], info["n_rows"], info["n_quarantine"]) == (7, 4, 3)
    report = info["report"]
    assert report["quarantine_reasons"] == {"quantity_not_number": 1, "price_negative": 1, "date_out_of_range": 1}
    assert (report["guest_lines"], report["return_lines"], report["duplicate_lines"]) == (1, 1, 1)
    quarantine = ws.load_table(info["id"], "quarantine")
    assert quarantine["row"].tolist() == [3, 4, 6]
    assert reasons(quarantine)[0] == "quantity 'two' is not a number"
    assert reasons(quarantine, "zh") == ["数量 'two' 不是数字", "单价为负（调整项，不是销售）",
                                         "下单日期 2199-01-01 09:00 超出合理范围（1900-01-01 至 2100-12-31）"]
    data = ws.load_table(info["id"])
    assert data["order_id"].tolist() == ["1", "1", "3", "1"], "the file's order"
    assert data["is_duplicate"].tolist() == [False, False, False, True]
    assert data["revenue"].tolist() == [3.0, 3.0, -1.5, 3.0]
    pd.testing.assert_frame_equal(ws.head(info["id"], 2), data.head(2))
    with ws.connect() as con:
        types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ?",
                                 [f"ds_{info['id']}_transactions"]).fetchall())
    assert types["order_date"] == "TIMESTAMP" and types["quantity"] == "BIGINT" and types["unit_price"] == "DOUBLE"
    assert types["is_return"] == "BOOLEAN" and types["customer_id"] == "VARCHAR"


def test_the_workspace_path_and_the_frame_path_give_the_same_table(tmp_path, shared_data):
    """Real data: the UCI sample's known facts, and the same rows either way."""
    path = shared_data / "online_retail_sample.xlsx"
    ws = _ws(tmp_path)
    info = ws.dataset(pio.load_into(ws, path))
    frame = pio.load_transactions(path)
    pd.testing.assert_frame_equal(ws.load_table(info["id"]), frame.data, check_dtype=False)
    report = info["report"]
    assert (report["negative_quantity_lines"], report["guest_lines"], report["zero_price_lines"],
            report["duplicate_lines"]) == (778, 10_057, 179, 28)
    assert {k: v for k, v in report.items() if k != "notes"} == {k: v for k, v in frame.report.items() if k != "notes"}
    assert info["rows_in"] == info["n_rows"] + info["n_quarantine"] == 40_000


def test_protection_on_the_workspace_path_gives_the_same_pseudonyms_and_stores_no_raw_id(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,Email,Phone\n"
                    "1,A,Tea,2,2024-01-02,1.50,jane.doe@example.com,+44 7700 900123\n"
                    "2,B,Call +44 7700 900456,1,2024-01-03,3.00,john@example.org,07700 900999\n"
                    "3,B,Mug,x,2024-01-03,3.00,ann@example.net,\n")
    ws = _ws(tmp_path)
    key = Privacy(key=b"k")
    info = ws.dataset(pio.load_into(ws, path, privacy=key))
    frame = pio.load_transactions(path, privacy=key)
    pd.testing.assert_frame_equal(ws.load_table(info["id"]), frame.data, check_dtype=False)
    assert info["report"]["notes"] == frame.report["notes"]
    assert info["report"]["privacy"]["replaced_values"] == {"product_name": 1}
    with duckdb.connect(str(ws.path), read_only=True) as con:
        stored = " ".join(str(v) for t, in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
                          for row in con.execute(f'SELECT * FROM "{t}"').fetchall() for v in row)
    for raw in ["jane.doe@example.com", "john@example.org", "ann@example.net", "900123", "900456", "900999"]:
        assert raw not in stored


def test_progress_tells_the_bytes_read_then_the_checking(tmp_path, monkeypatch):
    monkeypatch.setattr(pio, "CHUNK_BYTES", 1 << 16)
    monkeypatch.setattr(pio, "PROGRESS_BYTES", 1 << 20)
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "".join(f"{i},A,Tea,1,2024-01-02 10:00,1.50,c{i % 50}\n" for i in range(400_000)))
    told = []
    pio.load_into(_ws(tmp_path), path, progress=told.append)
    # (each step once, in the order first told; how far the one pass has read is told within its step)
    ids = list(dict.fromkeys(m.id for m in told if m.id != "data.progress.checking_read"))
    assert ids[:5] == ["data.progress.reading", "data.progress.parsing", "data.progress.checking",
                       "data.progress.duplicates", "data.progress.saving"][:len(ids)] and len(ids) >= 4
    reading = [m.values for m in told if m.id == "data.progress.reading"]
    assert reading[-1]["total_mb"] == path.stat().st_size / 1e6 and reading[0]["mb"] < reading[-1]["mb"]
    # (while the one pass reads the file, the megabytes it has read, never more than the file)
    passing = [m.values["mb"] for m in told if m.id == "data.progress.checking_read"]
    assert passing == sorted(passing) and all(mb <= path.stat().st_size / 1e6 for mb in passing)


def test_a_header_holding_sql_stays_a_header(tmp_path):
    nasty = ['Invoice"; DROP TABLE datasets; --', "Stock') ; COPY datasets TO '/tmp/x.csv'; --", "Description",
             "Quantity", "InvoiceDate", "UnitPrice"]
    path = tmp_path / "nasty.csv"
    path.write_text(",".join('"' + h.replace('"', '""') + '"' for h in nasty) + "\n"
                    "1,A,Tea,2,2024-01-02,1.50\n1,B,Mug,x,2024-01-02,1.50\n")
    ws = _ws(tmp_path)
    mapping = {"order_id": nasty[0], "product_id": nasty[1]}
    info = ws.dataset(pio.load_into(ws, path, mapping=mapping))
    assert info["report"]["columns"] == nasty
    assert (info["n_rows"], info["n_quarantine"]) == (1, 1)
    assert nasty[0] in ws.load_table(info["id"], "quarantine").columns
    assert len(ws.list_datasets()) == 1 and not os.path.exists("/tmp/x.csv")


# --- Parquet in place ------------------------------------------------------------------------------
@pytest.fixture
def folders(tmp_path, monkeypatch):
    shared, private = tmp_path / "shared", tmp_path / "private"
    (shared / "sales").mkdir(parents=True)
    private.mkdir()
    monkeypatch.setenv(DATA_FOLDERS_ENV, str(shared))
    monkeypatch.chdir(tmp_path)  # (no .streamlit/secrets.toml here)
    frame = pd.DataFrame({"InvoiceNo": ["1", "1", "2", "2", "1"], "StockCode": ["A", "B", "A", None, "A"],
                          "Quantity": [2, 1, 1, 1, 2], "InvoiceDate": pd.to_datetime(["2024-01-02"] * 5),
                          "UnitPrice": [1.5, 3.0, 1.5, 1.0, 1.5], "CustomerID": ["c1", "c1", "c2", "c2", "c1"]})
    frame.iloc[:3].to_parquet(shared / "sales" / "part-0.parquet")
    frame.iloc[3:].to_parquet(shared / "sales" / "part-1.parquet")
    frame.to_parquet(private / "secret.parquet")
    return shared, private


def test_a_parquet_folder_is_used_in_place_with_its_rows_checked_and_not_copied(tmp_path, folders):
    shared, _ = folders
    ws = _ws(tmp_path)
    info = ws.dataset(pio.use_in_place(ws, shared / "sales"))
    assert info["kind"] == "in place"
    assert (info["rows_in"], info["n_rows"], info["n_quarantine"]) == (5, 4, 1)
    assert not any(t.startswith("transactions__") for t in info["tables"])  # (no grouping copied either)
    quarantine = ws.load_table(info["id"], "quarantine")
    assert quarantine["row"].tolist() == [4] and reasons(quarantine) == ["product is empty"]
    data = ws.load_table(info["id"])
    assert sorted(data["product_id"]) == ["A", "A", "A", "B"] and data["is_duplicate"].sum() == 1
    assert data["revenue"].sum() == pytest.approx(3.0 + 3.0 + 1.5 + 3.0)
    with ws.connect() as con:
        kind = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?",
                           [f"ds_{info['id']}_transactions"]).fetchone()[0]
    assert kind == 1, "a view over the files, not a copy"
    # the view reads the files: a file that changes changes the dataset
    pd.DataFrame({"InvoiceNo": ["9"], "StockCode": ["Z"], "Quantity": [1], "InvoiceDate": pd.to_datetime(["2024-02-01"]),
                  "UnitPrice": [2.0], "CustomerID": ["c9"]}).to_parquet(shared / "sales" / "part-1.parquet")
    assert "Z" in set(ws.load_table(info["id"])["product_id"])
    ws.delete_dataset(info["id"])
    assert ws.list_datasets().empty and (shared / "sales" / "part-0.parquet").exists()


def test_a_parquet_path_outside_the_shared_folders_is_refused(tmp_path, folders):
    shared, private = folders
    ws = _ws(tmp_path)
    (shared / "link").symlink_to(private)
    for path in [private / "secret.parquet", shared / ".." / "private" / "secret.parquet",
                 shared / "link" / "secret.parquet", "/etc/passwd", shared.parent]:
        with pytest.raises(DataError) as err:
            pio.use_in_place(ws, path)
        assert err.value.id == "data.error.outside_folders"
    assert ws.list_datasets().empty


def test_in_place_is_refused_when_protection_is_compulsory(tmp_path, folders, monkeypatch):
    shared, _ = folders
    monkeypatch.setenv("PROMO_PRIVACY", "force")
    with pytest.raises(DataError) as err:
        pio.use_in_place(_ws(tmp_path), shared / "sales")
    assert err.value.id == "data.error.in_place_private"


def test_no_folder_is_shared_unless_the_deployment_lists_it(tmp_path, monkeypatch):
    monkeypatch.delenv(DATA_FOLDERS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert data_folders({}) == []
    assert inside_data_folders(tmp_path, data_folders({})) is None
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[connect]\nfolders = ["{tmp_path}"]\n')
    assert data_folders(read_secrets([secrets])) == [tmp_path.resolve()]


def test_the_workspace_cannot_read_outside_the_shared_folders_even_by_its_own_sql(tmp_path, folders):
    _, private = folders
    ws = _ws(tmp_path)
    with ws.connect() as con, pytest.raises(duckdb.PermissionException):
        con.execute(f"SELECT * FROM read_parquet('{private / 'secret.parquet'}')")


def test_a_parquet_upload_streams_into_the_workspace_past_the_bound_of_a_frame(tmp_path, monkeypatch):
    monkeypatch.setattr(pio, "PARQUET_MAX_CELLS", 100)
    path = tmp_path / "many.parquet"
    pd.DataFrame({"InvoiceNo": [str(i // 3) for i in range(300)], "StockCode": ["A", "B", "C"] * 100,
                  "Quantity": [1] * 300, "InvoiceDate": pd.to_datetime(["2024-01-02"] * 300),
                  "UnitPrice": [2.5] * 300}).to_parquet(path)
    with pytest.raises(DataError):
        pio.load_transactions(path)
    ws = _ws(tmp_path)
    info = ws.dataset(pio.load_into(ws, path))
    assert (info["rows_in"], info["n_rows"]) == (300, 300)


# --- the numbers kept: what loading gave before the redesign ----------------------------------------
def test_the_workspace_path_keeps_every_number_of_the_loads_before_the_redesign(tmp_path, shared_data):
    """The same counts, reasons, notes, mapping and exact tables (SHA-256 of their CSV text) as the frame
    loader gave at 6be3845 (tests/golden/record_ingest.py recorded them), for real files and a hostile one
    with protection on; now read straight into the workspace."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "golden"))
    import record_ingest

    golden = json.loads((Path(__file__).parent / "golden" / "ingest_files.json").read_text(encoding="utf-8"))
    ws = _ws(tmp_path)
    for name, (source, protect) in record_ingest.CASES.items():
        data = (shared_data / source) if (shared_data / source).exists() else source.encode("utf-8")
        info = ws.dataset(pio.load_into(ws, data, privacy=Privacy(key=b"golden") if protect else None))
        report = {k: info["report"][k] for k in golden[name]["report"]}
        # (reasons and notes are kept as codes and messages now: in English they read as they were written)
        report["notes"] = [render(n) for n in report["notes"]]
        report["quarantine_reasons"] = {_english_reason(code, info["report"]["limits"]): n
                                        for code, n in report["quarantine_reasons"].items()}
        quarantine = ws.load_table(info["id"], "quarantine")
        quarantine = quarantine.assign(reason=reasons(quarantine)).drop(columns=["reason_values"])
        now = {"report": report, "mapping": info["mapping"], "data": record_ingest.digest(ws.load_table(info["id"])),
               "quarantine": record_ingest.digest(quarantine)}
        assert now == golden[name], name


def _english_reason(code: str, limits: dict) -> str:
    """A reason counted in a load's report, as the count's key read before reasons were codes."""
    role = {"date_out_of_range": "order_date", "quantity_out_of_range": "quantity",
            "price_out_of_range": "unit_price"}.get(code)
    return render(pio.reason_message(code, json.dumps(limits[role]) if role else None))


def test_a_parquet_column_named_like_sql_stays_a_column_of_the_view(tmp_path, folders):
    shared, _ = folders
    nasty = 'Stock"; DROP TABLE datasets; --'
    pd.DataFrame({"InvoiceNo": ["1", "2"], nasty: ["A", "B"], "Quantity": [1, 2],
                  "InvoiceDate": pd.to_datetime(["2024-01-02", "2024-01-03"]),
                  "UnitPrice": [1.0, 2.0]}).to_parquet(shared / "nasty.parquet")
    ws = _ws(tmp_path)
    info = ws.dataset(pio.use_in_place(ws, shared / "nasty.parquet", mapping={"product_id": nasty}))
    assert info["mapping"]["product_id"] == nasty and info["report"]["columns"][1] == nasty
    assert ws.load_table(info["id"])["product_id"].tolist() == ["A", "B"]
    assert len(ws.list_datasets()) == 1


# --- one pass from the file into the workspace table (issue 15's load targets) ----------------------
def test_the_one_pass_load_stores_the_very_tables_of_the_streamed_load_before_it(tmp_path, shared_data):
    """The demo retailer as CSV, the shared data's sales files and a hostile file load to exactly the
    tables (values and column types), counts, reasons, notes and mapping that ``load_into`` stored at
    07b31bf, when the file was read into a DuckDB of its own and streamed into the workspace as Arrow
    batches (tests/golden/record_load_into.py recorded them)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "golden"))
    import record_load_into

    golden = json.loads((Path(__file__).parent / "golden" / "load_into_files.json").read_text(encoding="utf-8"))
    ws = _ws(tmp_path)
    for name in record_load_into.CASES:
        dataset = pio.load_into(ws, record_load_into.case_file(name, tmp_path, shared_data))
        assert record_load_into.facts(ws, dataset) == golden[name], name


def test_the_one_pass_load_reads_the_file_from_the_workspace_and_leaves_nothing_behind(tmp_path, shop_csv):
    """The workspace's connection reads the file through a link in its folder of incoming files (no
    copy of the text), the rows go straight into the dataset's table (no working column, no other
    table left), and the folder is empty again afterwards."""
    ws = _ws(tmp_path)
    seen = []
    real_build = ws.build_dataset

    def build_dataset(build, **kwargs):
        def watched(con, dataset_id):
            entry = build(con, dataset_id)
            placed = [p for p in ws.incoming.rglob("*") if p.is_file()]
            seen.extend((p, os.stat(p).st_ino) for p in placed)
            return entry
        return real_build(watched, **kwargs)

    ws.build_dataset = build_dataset
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "shop.csv").symlink_to(shop_csv)  # (a link to the file is followed to it)
    info = ws.dataset(pio.load_into(ws, tmp_path / "elsewhere" / "shop.csv"))
    assert [inode for _, inode in seen] == [os.stat(shop_csv).st_ino]  # (a hard link: the same file)
    assert list(ws.incoming.iterdir()) == []
    with ws.connect() as con:
        tables = {t for t, in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        columns = [c for c, in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                                           "ORDER BY column_index", [f"ds_{info['id']}_transactions"]).fetchall()]
    assert tables == {"datasets", "analyses", "analysis_parts", "handoffs",
                      *(f"ds_{info['id']}_{t}" for t in ("transactions", "quarantine", "transactions__customer_orders",
                                                         "transactions__purchase_days"))}
    assert columns == pio.CANONICAL + pio.DERIVED
    assert (info["rows_in"], info["n_rows"], info["n_quarantine"]) == (7, 4, 3)


def test_a_failed_one_pass_load_leaves_no_dataset_and_no_table(tmp_path, shop_csv):
    ws = _ws(tmp_path)
    with pytest.raises(DataError):
        pio.load_into(ws, shop_csv, mapping={"order_date": None})
    with ws.connect() as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE starts_with(table_name, 'ds_')").fetchone()[0] == 0
    assert ws.list_datasets().empty and list(ws.incoming.iterdir()) == []


def test_a_parquet_upload_loads_in_one_pass_like_the_frame_path(tmp_path):
    path = tmp_path / "sales.parquet"
    pd.DataFrame({"InvoiceNo": ["1", "1", "2", "3", "3"], "StockCode": ["A", "B", "A", None, "C"],
                  "Quantity": [2, 1, 1, 4, 4], "UnitPrice": [1.5, 3.0, -1.0, 2.0, 2.0],
                  "InvoiceDate": pd.to_datetime(["2024-01-02"] * 5), "CustomerID": [17850.0, 17850.0, None, 1.0, 1.0]
                  }).to_parquet(path)
    ws = _ws(tmp_path)
    info = ws.dataset(pio.load_into(ws, path))
    frame = pio.load_transactions(path)
    pd.testing.assert_frame_equal(ws.load_table(info["id"]), frame.data, check_dtype=False)
    assert ws.load_table(info["id"], "quarantine").to_dict("list") == frame.quarantine.to_dict("list")
    assert (info["rows_in"], info["n_rows"], info["n_quarantine"]) == (5, 3, 2)
    assert ws.load_table(info["id"])["customer_id"].tolist() == ["17850", "17850", "1"]
