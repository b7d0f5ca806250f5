"""Headers and values built from SQL's own characters stay names and values: through upload (CSV,
.xlsx, Parquet), the column mapping, every page and the command line, no file is read or written
and the data loads with those names intact."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from promo_core import cli
from promo_core.io import load_transactions, read_table
from promo_core.store import Workspace
from tests.conftest import ROOT, page_text, reasons


@pytest.fixture
def trap(tmp_path):
    """A secret file a crafted name tries to read, and where crafted names try to write."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-7f3a")
    return {"secret": str(secret), "written": str(tmp_path / "pwned.csv"), "db": str(tmp_path / "pwned.duckdb"),
            "dir": tmp_path}


def hostile_headers(trap) -> dict[str, str]:
    """Role -> a header that the automatic mapping still recognises, each an injection attempt."""
    return {
        "order_id": f"InvoiceNo\"; COPY (SELECT 42) TO '{trap['written']}'; --",
        "customer_id": f"CustomerID' || (SELECT content FROM read_text('{trap['secret']}')) || '",
        "order_date": f"InvoiceDate /* */ ATTACH '{trap['db']}' AS pwn; --",
        "product_id": "StockCode\"\n; DROP TABLE raw; --",
        "quantity": f"Quantity\"); SELECT * FROM read_csv('{trap['secret']}'); --",
        "unit_price": "UnitPrice'; --",
        "category": 'Category""',
        "channel": "Channel`;",  # (no role's name: mapped by hand)
    }


def hostile_sales(trap, n_customers: int = 40, seed: int = 0) -> pd.DataFrame:
    """Two years of small sales whose categories, channels and products are injection attempts too."""
    rng = np.random.default_rng(seed)
    categories = [f"Toys'); COPY (SELECT 1) TO '{trap['written']}'; --", 'Home" OR 1=1 --', "Garden /* x */"]
    channels = ["online'; ATTACH 'x' AS y; --", 'store"']
    rows = []
    for c in range(n_customers):
        for k in range(int(rng.integers(2, 9))):
            day = pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(rng.integers(0, 720)))
            for _ in range(int(rng.integers(1, 4))):
                p = int(rng.integers(0, 12))
                rows.append({"order_id": f"O{c}-{k}", "customer_id": f"C{c}'--", "order_date": day,
                             "product_id": f"P{p}\";--", "quantity": int(rng.integers(1, 4)),
                             "unit_price": float(5 + p + rng.choice([0, -1, 1])), "category": categories[p % 3],
                             "channel": channels[c % 2]})
    return pd.DataFrame(rows)


def as_file(frame: pd.DataFrame, headers: dict[str, str], kind: str) -> bytes:
    named = frame.rename(columns=headers)
    buf = io.BytesIO()
    if kind == "csv":
        named.assign(**{headers["order_date"]: named[headers["order_date"]].dt.strftime("%Y-%m-%d")}).to_csv(
            buf, index=False)
    elif kind == "xlsx":
        named.to_excel(buf, index=False)
    else:
        pq.write_table(pa.Table.from_pandas(named, preserve_index=False), buf)
    return buf.getvalue()


def assert_untouched(trap, *texts) -> None:
    assert sorted(p.name for p in trap["dir"].iterdir()) == ["secret.txt"] or \
        not any(p.name.startswith("pwned") for p in trap["dir"].iterdir()), "a crafted name wrote a file"
    for text in texts:
        assert "TOPSECRET" not in text, "a crafted name read the secret file"


@pytest.mark.parametrize("kind", ["csv", "xlsx", "parquet"])
def test_crafted_headers_load_with_their_names_intact_and_touch_no_file(trap, kind):
    headers = hostile_headers(trap)
    sales = hostile_sales(trap)
    result = load_transactions(as_file(sales, headers, kind), mapping={"channel": headers["channel"]})
    assert result.report["columns"] == list(headers.values())
    assert {role: result.mapping[role] for role in headers} == headers
    assert len(result.data) == len(sales) and result.quarantine.empty
    assert set(result.data["category"]) == set(sales["category"])
    assert result.data["revenue"].sum() == pytest.approx((sales["quantity"] * sales["unit_price"]).sum())
    assert_untouched(trap, result.data.to_csv(), str(result.report))


def test_crafted_headers_given_in_the_mapping_by_hand(trap):
    headers = hostile_headers(trap)
    plain = {role: f"col{i}" for i, role in enumerate(headers)}  # names the automatic mapping cannot place
    tricky = {role: headers[role].replace("InvoiceNo", "x").replace("StockCode", "y") for role in headers}
    frame = hostile_sales(trap).rename(columns=plain).rename(columns={plain[r]: tricky[r] for r in headers})
    data = frame.assign(**{tricky["order_date"]: frame[tricky["order_date"]].dt.strftime("%Y-%m-%d")})
    result = load_transactions(data.to_csv(index=False).encode(), mapping=tricky)
    assert {role: result.mapping[role] for role in headers} == tricky and len(result.data) == len(frame)
    assert_untouched(trap, result.data.to_csv())


def test_crafted_headers_of_other_tables_are_read_intact(trap):
    name = hostile_headers(trap)["order_id"]
    raw = read_table(pd.DataFrame({name: [1], "b": [2]}).to_csv(index=False).encode())
    assert list(raw.data.columns) == [name, "b"] and raw.data.iloc[0].tolist() == [1, 2]
    assert_untouched(trap, raw.data.to_csv())


def test_headers_that_clash_with_the_reader_or_each_other_are_renamed_not_fatal(trap):
    csv = "__row,Quantity,quantity,InvoiceDate,StockCode,UnitPrice,\n1,2,3,2024-01-01,A,1.5,x\n"
    result = load_transactions(csv.encode())
    assert len(result.report["columns"]) == 7 and len({c.casefold() for c in result.report["columns"]}) == 7
    assert result.data["quantity"].tolist() == [2]


def test_command_line_report_of_a_crafted_file(trap, tmp_path):
    path = tmp_path / "sales.csv"
    path.write_bytes(as_file(hostile_sales(trap), hostile_headers(trap), "csv"))
    out = tmp_path / "report.html"
    assert cli.main(["report", "--data", str(path), "--out", str(out), "--quiet"]) == 0
    assert_untouched(trap, out.read_text(encoding="utf-8"))


PAGES = ["pages/data.py", "pages/segments.py", "pages/recommendations.py", "pages/pricing.py",
         "pages/coupons.py", "pages/logistics.py", "pages/reports.py"]


def test_every_page_on_a_crafted_dataset(trap, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    headers = hostile_headers(trap)
    result = load_transactions(as_file(hostile_sales(trap, n_customers=60), headers, "csv"),
                               mapping={"channel": headers["channel"]})
    ws_path = tmp_path / "ws" / "promo.duckdb"
    ws = Workspace(ws_path)
    ws.save_dataset("x'; DROP TABLE datasets; --", {"transactions": result.data, "quarantine": result.quarantine},
                    rows_in=result.rows_in, mapping=result.mapping, report=result.report)
    monkeypatch.setenv("PROMO_WORKSPACE", str(ws_path))
    shown = []
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        shown.append(page_text(at))
    assert_untouched(trap, *shown)
    assert len(Workspace(ws_path).list_datasets()) == 1


def test_a_stray_quote_in_an_unquoted_header_is_kept_as_a_character():
    result = load_transactions(b'Invoice"No,StockCode,Quantity,InvoiceDate,UnitPrice\n1,A,2,2024-01-01,1.5\n')
    assert result.report["columns"][0] == 'Invoice"No' and result.mapping["order_id"] == 'Invoice"No'
    assert len(result.data) == 1


@pytest.mark.parametrize("header", ["reason", "Row", "RAW_LINE", "Reason_Values"])
def test_a_file_column_named_like_the_quarantines_own_keeps_both(header):
    csv = f"InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,{header}\n1,A,2,2024-01-01,1.5,x\n2,B,x,2024-01-01,1.5,y\n"
    quarantine = load_transactions(csv.encode()).quarantine
    assert quarantine.columns.is_unique and f"{header} (file)" in quarantine.columns
    assert reasons(quarantine) == ["quantity 'x' is not a number"] and quarantine["row"].tolist() == [2]
