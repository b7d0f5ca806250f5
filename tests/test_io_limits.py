"""Reading within bounded memory whatever a file claims, and every line read as what it is: uploads in
chunks, mixed line ends and encodings line by line, .xlsx bombs refused before they are parsed,
tables shared in memory by their size in bytes. (The big sizes are in bench/bench_upload.py.)"""
from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import zipfile

import pandas as pd
import pytest

import promo_core.io as pio
from promo_core.errors import DataError
from promo_core.io import CANONICAL, DERIVED, load_transactions, read_table
from promo_core.text import render
from tests.conftest import ROOT, chinese_error, has_chinese, reasons

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID\n"


def _line(i: int, name: str, end: str = "\n") -> str:
    return f"{i},S{i},{name},1,2024-03-05 10:00,3.50,C{i}{end}"


def _upload(data: bytes, name: str = "sales.csv") -> io.BytesIO:
    buf = io.BytesIO(data)
    buf.name = name
    return buf


def _check_invariant(result):
    assert result.rows_in == len(result.data) + len(result.quarantine)
    assert list(result.data.columns) == CANONICAL + DERIVED


# --- line ends --------------------------------------------------------------------------------------
def test_a_csv_mixing_crlf_and_lf_line_ends_loads_every_row():
    text = HEADER.replace("\n", "\r\n") + "".join(_line(i, "Tea", "\r\n" if i % 3 else "\n") for i in range(30))
    r = load_transactions(_upload(text.encode()))
    _check_invariant(r)
    assert len(r.data) == 30 and r.quarantine.empty
    assert r.data["customer_id"].tolist() == [f"C{i}" for i in range(30)], "no CR left at the end of a value"


def test_line_ends_read_the_same_wherever_the_chunks_cut_them(monkeypatch):
    monkeypatch.setattr(pio, "HEAD_BYTES", 100)
    monkeypatch.setattr(pio, "CHUNK_BYTES", 7)  # a CRLF cut in two again and again
    rows = [_line(i, "Tea", "\r\n" if i % 2 else "\n") for i in range(20)]
    for text in [HEADER.replace("\n", "\r\n") + "".join(rows),
                 (HEADER + "".join(rows)).replace("\r\n", "\n").replace("\n", "\r")]:  # old Mac: CR only
        r = load_transactions(_upload(text.encode()))
        assert len(r.data) == 20 and r.quarantine.empty
        assert r.data["order_id"].tolist() == [str(i) for i in range(20)]


# --- encodings, line by line -------------------------------------------------------------------------
def test_utf8_with_some_windows_1252_lines_keeps_chinese_and_reads_each_line_in_its_own_encoding():
    data = (HEADER + _line(1, "保温杯")).encode() + _line(2, "Crème brûlée").encode("cp1252") \
        + "".join(_line(i, "不锈钢保温杯") for i in range(3, 10)).encode() + _line(10, "Glühwein").encode("cp1252")
    r = load_transactions(_upload(data))
    _check_invariant(r)
    assert r.report["encoding"] == "UTF-8"
    names = r.data.set_index("order_id")["product_name"]
    assert names["1"] == "保温杯" and names["5"] == "不锈钢保温杯"
    assert names["2"] == "Crème brûlée" and names["10"] == "Glühwein"
    note = next(n for n in r.report["notes"] if "own encoding" in render(n))
    assert render(note) == ("2 lines are in Latin-1 / Windows-1252, not UTF-8: each line was read in its own encoding "
                            "(line 3, 11)")
    assert has_chinese(render(note, "zh"))


def test_a_windows_1252_line_past_the_first_megabyte_is_read_not_quarantined():
    rows = "".join(_line(i, "保温杯") for i in range(40_000))  # ~1.8 MB of UTF-8 first
    data = (HEADER + rows).encode() + _line(40_000, "Crème").encode("cp1252")
    r = load_transactions(_upload(data))
    _check_invariant(r)
    assert r.quarantine.empty and r.data["product_name"].iloc[-1] == "Crème"
    assert any("line 40,002" in render(n) for n in r.report["notes"])


def test_a_gbk_file_with_utf8_lines_reads_both_and_keeps_gbk_where_a_line_reads_both_ways():
    gbk = ["不锈钢保温杯", "猫", "茶叶", "牛"] * 10  # "猫" in GBK is "è" in UTF-8
    data = HEADER.encode() + "".join(_line(i, n) for i, n in enumerate(gbk)).encode("gbk") \
        + _line(100, "保温杯").encode() + _line(101, "Crème").encode()
    r = load_transactions(_upload(data))
    _check_invariant(r)
    assert r.report["encoding"] == "GBK / GB18030 (Chinese)"
    assert r.data["product_name"].tolist() == gbk + ["保温杯", "Crème"]
    assert any(render(n).startswith("2 lines are in UTF-8, not GBK") for n in r.report["notes"])


def test_a_windows_1252_file_with_a_utf8_line_reads_both():
    names = ["Crème brûlée", "Jalapeño", "café’s"] * 10
    data = HEADER.encode() + "".join(_line(i, n) for i, n in enumerate(names)).encode("cp1252") \
        + _line(99, "保温杯").encode()
    r = load_transactions(_upload(data))
    assert r.report["encoding"] == "Latin-1 / Windows-1252"
    assert r.data["product_name"].tolist() == names + ["保温杯"]


def test_a_line_in_neither_encoding_is_quarantined_with_its_reason():
    data = (HEADER + _line(1, "保温杯") + _line(2, "茶")).encode() + _line(3, "Crème").encode("cp1252") \
        + _line(4, "bad\x81\x8d").encode("latin-1") + _line(5, "ok").encode()  # 0x81, 0x8D: no Windows-1252 letters
    r = load_transactions(_upload(data))
    _check_invariant(r)
    assert r.rows_in == 5 and len(r.data) == 4
    assert reasons(r.quarantine) == ["characters that are neither UTF-8 nor Latin-1 / Windows-1252 text"]
    assert r.quarantine["row"].tolist() == [5]  # the file line, as for every unreadable line
    assert has_chinese(reasons(r.quarantine, "zh")[0])
    note = next(n for n in r.report["notes"] if "neither" in render(n))
    assert has_chinese(render(note, "zh")) and render(note, "zh") != render(note)


# --- reading in chunks -------------------------------------------------------------------------------
class _Upload(io.RawIOBase):
    """An uploaded file that records how much each read asked for (and has no getvalue)."""

    def __init__(self, data: bytes, name: str):
        self._data, self.name, self.asked, self.pos = data, name, [], 0

    def readable(self):
        return True

    def seek(self, pos, whence=0):
        self.pos = pos
        return pos

    def read(self, size=-1):
        self.asked.append(size)
        end = len(self._data) if size is None or size < 0 else self.pos + size
        out, self.pos = self._data[self.pos:end], min(end, len(self._data))
        return out


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_an_upload_is_read_in_chunks_never_whole(monkeypatch, encoding):
    monkeypatch.setattr(pio, "HEAD_BYTES", 4096)
    monkeypatch.setattr(pio, "CHUNK_BYTES", 4096)
    data = (HEADER + "".join(_line(i, "Crème") for i in range(2_000))).encode(encoding)
    upload = _Upload(data, "sales.csv")
    r = load_transactions(upload)
    assert len(r.data) == 2_000 and r.data["product_name"].eq("Crème").all()
    assert upload.asked and all(0 < size <= 4096 for size in upload.asked), upload.asked[:5]


def test_the_loading_connection_has_a_memory_limit_and_spills_to_the_calls_own_folder(tmp_path):
    with pio.TempFiles() as tmp:
        con = pio._connect_for(None, tmp)
        limit, folder = con.execute("SELECT current_setting('memory_limit'), current_setting('temp_directory')"
                                    ).fetchall()[0]
        con.close()
        assert folder == tmp.folder
    assert limit.endswith(("MiB", "GiB")) and float(limit.split()[0]) <= 1024


# --- .xlsx bombs ---------------------------------------------------------------------------------------
def _workbook(sheet_xml: bytes, sheet_size_claim: int | None = None) -> bytes:
    """A minimal .xlsx around ``sheet_xml`` (its sheetData's inside); ``sheet_size_claim`` overwrites
    the uncompressed size the zip directory gives for the sheet, as a forged zip would."""
    buf = io.BytesIO()
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'))
        z.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main" xmlns:r="{rels}"><sheets><sheet name="Sales" sheetId="1" r:id="rId1"/>'
            '</sheets></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/>'
            '</Relationships>'))
        z.writestr("xl/worksheets/sheet1.xml", b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
                   b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + sheet_xml + b"</worksheet>")
    data = bytearray(buf.getvalue())
    if sheet_size_claim is not None:  # the central directory entry: signature, then the size at offset 24
        at = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/worksheets/sheet1.xml"))
        data[at + 24:at + 28] = sheet_size_claim.to_bytes(4, "little")
    return bytes(data)


SALES_ROWS = (b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>InvoiceNo</t></is></c>'
              b'<c r="B1" t="inlineStr"><is><t>StockCode</t></is></c><c r="C1" t="inlineStr"><is><t>InvoiceDate'
              b'</t></is></c></row><row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>A</t></is></c>'
              b'<c r="C2" t="inlineStr"><is><t>2024-01-02</t></is></c></row></sheetData>')


def _refused(data: bytes, monkeypatch) -> str:
    """The bilingual message a workbook is refused with, calamine never having been asked to parse it."""
    import python_calamine

    def never(*args, **kwargs):
        raise AssertionError("calamine was handed the workbook")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", never)
    err = chinese_error(lambda: load_transactions(_upload(data, "sales.xlsx")))
    return str(err)


def test_a_workbook_within_the_limits_still_reads():
    r = load_transactions(_upload(_workbook(SALES_ROWS), "sales.xlsx"))
    assert r.data["product_id"].tolist() == ["A"] and r.report["sheet"] == "Sales"


def test_a_sheet_that_claims_to_expand_to_gigabytes_is_refused_before_it_is_inflated(monkeypatch):
    message = _refused(_workbook(SALES_ROWS, sheet_size_claim=3_000_000_000), monkeypatch)
    assert "too big" in message and "CSV" in message


def test_a_sheet_that_expands_past_what_the_zip_claims_is_refused_as_damaged(monkeypatch):
    big = b"<sheetData>" + b'<row><c t="n"><v>1</v></c></row>' * 100_000 + b"</sheetData>"
    message = _refused(_workbook(big, sheet_size_claim=1_000), monkeypatch)
    assert "damaged" in message


def test_a_sheet_past_the_cell_limit_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr(pio, "XLSX_MAX_CELLS", 50_000)
    rows = b"".join(b'<row r="%d">' % i + b'<c r="A%d"><v>1</v></c>' % i * 10 + b"</row>" for i in range(1, 6_001))
    message = _refused(_workbook(b"<sheetData>" + rows + b"</sheetData>"), monkeypatch)
    assert "60,000 cells" in message


def test_a_sheet_declaring_a_huge_dimension_is_refused(monkeypatch):
    message = _refused(_workbook(b'<dimension ref="A1:XFD1048576"/>' + SALES_ROWS), monkeypatch)
    assert "17,179,869,184 cells" in message


def test_cells_without_references_still_count_towards_the_rectangle(monkeypatch):
    monkeypatch.setattr(pio, "XLSX_MAX_CELLS", 1_000)
    wide = b"<sheetData><row>" + b"<c><v>1</v></c>" * 600 + b"</row>" + b"<row><c><v>1</v></c></row>" * 2 \
        + b"</sheetData>"
    assert "1,800 cells" in _refused(_workbook(wide), monkeypatch)  # 600 columns x 3 rows


def test_two_far_apart_cells_are_refused_instead_of_aborting_the_server(tmp_path):
    # calamine allocates a sheet as one dense rectangle: A1 to XFD1048576 asks for 550 GB, and Rust
    # aborts the whole process when that fails. Run in a child, so that a regression cannot take
    # the test run down with it; the child reports its own peak memory (VmHWM: getrusage's ru_maxrss
    # keeps the forking pytest worker's peak across exec, and failed this test after a big one).
    path = tmp_path / "sparse.xlsx"
    path.write_bytes(_workbook(b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
                               b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))
    child = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import re, sys
        sys.path.insert(0, {str(ROOT)!r})
        from promo_core.errors import DataError
        from promo_core.io import load_transactions
        try:
            load_transactions({str(path)!r})
        except DataError as exc:
            print(exc.text("en")); print(exc.text("zh"))
        with open("/proc/self/status") as status:
            print(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))
        """)], capture_output=True, text=True, timeout=300)
    assert child.returncode == 0, child.stderr[-2000:]
    english, chinese, peak_kb = child.stdout.strip().splitlines()
    assert "too big" in english and "17,179,869,184" in english and has_chinese(chinese)
    assert int(peak_kb) < 2_000_000, "the refusal itself stays small (calamine would ask for 550 GB)"


def test_rows_read_in_batches_give_the_same_table(tmp_path, monkeypatch):
    frame = pd.DataFrame({"InvoiceNo": [f"{i}" for i in range(7)], "Qty": [1, 2, 3, 4, 5, 6, 7],
                          "Price": [1.5, None, 2.0, 3.0, 4.0, 5.0, 6.0],
                          "Code": [1, 2, 3, 4, 5, 6, "X"],  # numbers in the first batches, text in the last
                          "Date": pd.date_range("2024-01-01", periods=7, freq="D")})
    path = tmp_path / "batches.xlsx"
    with pd.ExcelWriter(path) as writer:
        frame.to_excel(writer, index=False, startrow=2, startcol=1)  # data starting at B3
    whole = read_table(path).data
    monkeypatch.setattr(pio, "XLSX_BATCH_ROWS", 2)
    batched = read_table(path).data
    pd.testing.assert_frame_equal(batched, whole)
    assert batched["Code"].tolist() == ["1", "2", "3", "4", "5", "6", "X"]
    assert batched["Price"].isna().sum() == 1
    assert batched["Date"].tolist() == frame["Date"].tolist()


def test_a_parquet_file_whose_table_is_far_bigger_than_the_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(pio, "PARQUET_MAX_CELLS", 100_000)
    path = tmp_path / "runs.parquet"
    pd.DataFrame({"InvoiceNo": ["1"] * 60_000, "StockCode": ["A"] * 60_000,
                  "InvoiceDate": ["2024-01-02"] * 60_000}).to_parquet(path)  # a few kB on disk
    message = str(chinese_error(lambda: load_transactions(path)))
    assert "60,000 rows of 3 columns" in message


# --- tables shared in memory by their size -------------------------------------------------------------
def test_a_table_is_read_once_and_shared_and_a_page_changing_it_changes_only_its_copy(demo_workspace, monkeypatch):
    import ui
    from promo_core.store import Workspace

    monkeypatch.setenv("PROMO_WORKSPACE", str(demo_workspace))
    info = Workspace(demo_workspace).list_datasets().iloc[0]
    first = ui._table(str(demo_workspace), info["id"], "transactions", str(info["created_at"]))
    again = ui._table(str(demo_workspace), info["id"], "transactions", str(info["created_at"]))
    assert first is again, "one frame in memory, not an unpickled copy per call"
    assert ui.shared_frames().bytes >= first.memory_usage(deep=True).sum()
    view = first.copy(deep=False)  # what load_table hands a page
    view["quantity"] = 0
    view.loc[0, "product_id"] = "changed"
    assert (first["quantity"] != 0).any() and first.loc[0, "product_id"] != "changed"


def test_an_upload_under_review_is_a_draft_in_the_workspace_not_order_lines_in_the_session(own_workspace):
    from streamlit.testing.v1 import AppTest

    from promo_core.store import Workspace

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    before = set(Workspace(own_workspace).list_datasets()["id"])
    text = HEADER + _line(1, "Tea") + _line(2, "Mug")
    at.file_uploader[0].set_value(("shop.csv", text.encode(), "text/csv")).run()
    _, draft = at.session_state["upload-draft"]
    ws = Workspace(own_workspace)
    assert ws.dataset(draft)["kind"] == "draft" and ws.dataset(draft)["n_rows"] == 2
    assert set(ws.list_datasets()["id"]) == before, "a draft is listed nowhere while it is reviewed"
    next(b for b in at.button if b.label == "Save to workspace").click().run()
    assert not at.exception
    assert ws.dataset(draft)["kind"] == "upload" and draft in set(ws.list_datasets()["id"])
    assert at.file_uploader[0].value is None, "the uploader starts empty again"
    assert {m.label: m.value for m in at.metric}["Customers"] == "2", "the profile is the saved upload's"


def test_a_draft_left_behind_is_discarded_when_its_upload_goes(own_workspace):
    from streamlit.testing.v1 import AppTest

    from promo_core.store import Workspace

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.file_uploader[0].set_value(("shop.csv", (HEADER + _line(1, "Tea")).encode(), "text/csv")).run()
    _, first = at.session_state["upload-draft"]
    at.file_uploader[0].set_value(("other.csv", (HEADER + _line(2, "Mug")).encode(), "text/csv")).run()
    _, second = at.session_state["upload-draft"]
    ws = Workspace(own_workspace)
    assert first != second and ws.dataset(second)["kind"] == "draft"
    with pytest.raises(DataError):
        ws.dataset(first)
    at.file_uploader[0].set_value(None).run()
    with pytest.raises(DataError):
        ws.dataset(second)
