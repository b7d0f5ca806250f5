"""Privacy mode is total: with protection on, none of the identifiers planted in a sales file — in
well-named and badly named columns, in free text, inside role columns, in rejected rows, in a
header and in the file name — reaches the workspace file, a saved analysis, an export, a report or
the command line's output. The same run without protection finds every one of them, which shows
the scan would see them. And ordinary product data is not redacted."""
import csv
import io
import zipfile

import duckdb
import pandas as pd
import pytest

from promo_core import export, report
from promo_core.cli import main
from promo_core.io import load_transactions
from promo_core.privacy import Privacy
from promo_core.store import Workspace
from tests.conftest import reasons

KEY = "total-privacy-test-key"
NAMES = ["Jane Doerington", "Bartholomew Quince", "Wilhelmina Farthing"]
EMAILS = ["jane.doerington@example.com", "b.quince@example.org", "w.farthing@example.net", "ops.lead@example.net",
          "JANE.DOERINGTON@EXAMPLE.COM"]
PHONES = ["+44 7700 900461", "07700 900982", "(020) 7946 0321", "447700900555"]
STREETS = ["42 Acacia Avenue", "17 Larkspur Lane", "9 Quarry Road"]
HEADER = ["Order No", "Customer Email", "Client Name", "Cell", "Ship To", "Notes", "Field7", "Ref", "Date", "SKU",
          "Product Name", "Category", "Channel", "Store", "Coupon", "Qty", "Price", "ops.lead@example.net"]


def _row(order, customer, day, sku="IP15-CASE", product="iPhone 15 case", qty="1", price="19.99", *, name="",
         cell="", ship="", notes="", field7="", ref="", category="Phone accessories", channel="online", store="S1",
         coupon="", header_email="1"):
    return [order, customer, name, cell, ship, notes, field7, ref, day, sku, product, category, channel, store, coupon,
            qty, price, header_email]


def _sales_file(folder):
    customers = EMAILS[:3]
    products = [("IP15-CASE", "iPhone 15 case", "19.99"), ("5012345678900", "Organic Oat Milk 1L", "1.85"),
                ("USB-3WAY", "USB 3 Way Splitter", "7.50"), ("HD-1TB", "1 TB Hard Drive", "49.00")]
    rows = []
    for i in range(60):  # ordinary sales over three months, enough for the standard report
        sku, product, price = products[i % 4]
        rows.append(_row(str(2000 + i // 2), customers[i % 3], f"2024-{1 + i % 3:02d}-{1 + i % 27:02d} 10:00", sku,
                         product, str(1 + i % 3), price, name=NAMES[i % 3], cell=PHONES[i % 3], ship=STREETS[i % 3],
                         notes=f"Leave with {NAMES[(i + 1) % 3]}, call {PHONES[(i + 1) % 3]}",
                         field7=NAMES[(i + 2) % 3], ref=EMAILS[(i + 1) % 3]))
    rows += [  # personal data inside role columns of loaded rows
        _row("3001", customers[0], "2024-02-10 09:00", "GIFT-50", f"Gift card for {EMAILS[1]}", price="50.00"),
        _row("3002", customers[1], "2024-02-11 09:00", category=f"VIP {PHONES[2]}", channel=f"phone order {PHONES[1]}",
             store=STREETS[1], coupon=EMAILS[4]),
        _row(f"{EMAILS[0]}-7", customers[2], "2024-02-12 09:00", store=f"Deliver to {STREETS[2]}"),
        # rejected rows, personal data everywhere in them
        _row("4001", customers[0], EMAILS[0], name=NAMES[1], notes=f"{NAMES[1]}, {STREETS[1]}", field7=NAMES[0]),
        _row("4002", customers[1], "2024-03-01 10:00", qty=PHONES[3], name=NAMES[2], ref=EMAILS[2]),
        _row("4003", customers[2], "2024-03-02 10:00", price="1e308", ship=STREETS[0], cell=PHONES[0]),
        _row("4004", customers[0], "9999-12-31", field7=NAMES[2], notes=f"call {PHONES[1]}"),
        _row("4005", customers[1], "2024-03-03 10:00", qty="two", name=NAMES[0], ship=STREETS[2]),
        _row("4006", EMAILS[3], "2024-03-04 10:00", product=f"{NAMES[0]} {PHONES[2]}") + [f"{EMAILS[2]} {STREETS[0]}"],
    ]
    path = folder / f"orders for {EMAILS[0]}.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _planted() -> list[str]:
    return NAMES + EMAILS + PHONES + STREETS + ["447700900461"]  # (the last: a phone number read as a number)


def _artefacts(folder, source, protect: bool, monkeypatch) -> dict[str, bytes]:
    """Everything a protected (or unprotected) run leaves behind: the workspace file, its saved
    dataset and analyses read back, exports, the standard report and the command line's reports
    and output."""
    monkeypatch.setenv("PROMO_PSEUDONYM_KEY", KEY)
    if protect:
        monkeypatch.setenv("PROMO_PRIVACY", "force")
    else:
        monkeypatch.delenv("PROMO_PRIVACY", raising=False)
    r = load_transactions(source, extra_columns=["Cell"], privacy=Privacy(key=KEY.encode()) if protect else None)
    assert r.rows_in == len(r.data) + len(r.quarantine) == 69 and len(r.quarantine) == 6
    ws_path = folder / "promo.duckdb"
    ws = Workspace(ws_path)
    name = r.report["file"].rsplit(".", 1)[0]
    dataset = ws.save_dataset(name, {"transactions": r.data, "quarantine": r.quarantine}, source=r.report["file"],
                              rows_in=r.rows_in, mapping=r.mapping, report=r.report)
    with report.dataset_inputs(ws, dataset) as inputs:  # (as the Reports page and the command line run it)
        analyses, _ = report.standard_analyses(inputs.sales, source=name, load_report=inputs.load_report,
                                               quarantine=inputs.quarantine)
    for a in analyses:
        ws.save_analysis(a.name, a.page, dataset_id=dataset, params=a.params, tables=a.tables, figures=a.figures,
                         notes=a.notes)
    out = {"report.html": report.build_html_report(analyses).encode("utf-8"),
           "report.xlsx": report.build_excel_report(analyses),
           "data.csv": export.to_csv_bytes(r.data), "quarantine.csv": export.to_csv_bytes(r.quarantine),
           "export.xlsx": export.to_excel_bytes({"data": r.data, "quarantine": r.quarantine})}
    for suffix, data in [(".html", str(source)), (".xlsx", str(source)), ("-ws.html", name)]:
        target = folder / f"cli{suffix}"
        assert main(["report", "--data", data, "--out", str(target), "--workspace", str(ws_path)]) == 0
        out[target.name] = target.read_bytes()
    del ws
    out["workspace"] = ws_path.read_bytes()
    wal = ws_path.with_name(ws_path.name + ".wal")
    out["workspace.wal"] = wal.read_bytes() if wal.exists() else b""
    out["workspace, read back"] = _read_back(ws_path)
    return out


def _read_back(path) -> bytes:
    """Every table of the workspace as text, saved analyses' tables and charts decoded (they are
    stored as compressed Parquet and JSON)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        parts = []
        for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
            frame = con.execute(f'SELECT * FROM "{table}"').df()
            if table == "analysis_parts":
                for kind, body in zip(frame["kind"], frame["body"]):
                    body = bytes(body)
                    parts.append(pd.read_parquet(io.BytesIO(body)).to_csv() if kind == "table" else body.decode())
                frame = frame.drop(columns="body")
            parts.append(frame.to_csv())
    finally:
        con.close()
    return "\n".join(parts).encode("utf-8")


def _found(artefacts: dict[str, bytes]) -> dict[str, list[str]]:
    """Planted identifier -> the artefacts holding it (an .xlsx file is a zip: its members are read)."""
    texts = {}
    for name, data in artefacts.items():
        texts[name] = data
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                texts[name + " (unzipped)"] = b"".join(z.read(m) for m in z.namelist())
    return {p: [n for n, data in texts.items() if p.encode("utf-8") in data] for p in _planted()}


def test_no_planted_identifier_reaches_the_workspace_exports_reports_or_command_line(tmp_path, monkeypatch, capsys):
    source = _sales_file(tmp_path)
    (tmp_path / "plain").mkdir()
    unprotected = _found(_artefacts(tmp_path / "plain", source, False, monkeypatch))
    assert all(unprotected.values()), {p: n for p, n in unprotected.items() if not n}
    capsys.readouterr()  # (the unprotected run's output)
    (tmp_path / "protected").mkdir()
    protected = _artefacts(tmp_path / "protected", source, True, monkeypatch)
    logs = capsys.readouterr()
    protected["command line output"] = (logs.out + logs.err).encode("utf-8")
    leaks = {p: n for p, n in _found(protected).items() if n}
    assert not leaks, leaks


def test_protection_keeps_the_analysis_and_the_evidence(tmp_path):
    source = _sales_file(tmp_path)
    plain = load_transactions(source)
    r = load_transactions(source, extra_columns=["Cell"], privacy=Privacy(key=KEY.encode()))
    assert r.rows_in == plain.rows_in and len(r.data) == len(plain.data)
    assert "Cell" not in r.data.columns, "a personal column is not kept as an extra"
    for col in ["quantity", "unit_price", "order_date", "revenue", "is_return"]:
        pd.testing.assert_series_equal(r.data[col], plain.data[col])
    for col in ["order_id", "customer_id", "store_id"]:  # pseudonyms: the same groups
        assert r.data.groupby(col).ngroups == plain.data.groupby(col).ngroups, col
    assert r.quarantine["row"].tolist() == plain.quarantine["row"].tolist()
    assert set(r.quarantine.columns) == {"row", "reason", "reason_values", "raw_line"} | {c for c in r.mapping.values()
                                                                                         if c}
    for lang in ("en", "zh"):
        assert not any("'" in reason for reason in reasons(r.quarantine, lang)), "no value quoted"
    assert not r.quarantine["reason_values"].fillna("").str.contains('"value"').any()
    assert dict(zip(r.quarantine["Order No"], reasons(r.quarantine)))["4001"] == "order date is not a date we can read"
    assert r.quarantine.set_index("Order No").loc["4002", "Qty"] == "(withheld)"
    assert r.report["out_of_range"] == plain.report["out_of_range"] == {"quantity": 1, "unit_price": 1, "order_date": 1}
    assert r.report["quarantine_reasons"] == plain.report["quarantine_reasons"]
    # by header or by values; Field7 holds only names, which values cannot tell, and is left out as unused
    assert {"Client Name", "Cell", "Ship To", "Notes", "Ref"} <= set(r.report["privacy"]["dropped_columns"])
    assert r.report["columns"][-1] == f"column {len(HEADER)} (withheld)"
    assert r.data.loc[r.data["product_id"] == "GIFT-50", "product_name"].tolist() == ["Gift card for [e-mail]"]


@pytest.mark.parametrize("values", [
    ["iPhone 15 case", "USB 3 Way Splitter", "1 TB Hard Drive", "Set of 3 Cake Tins", "A4 paper 500 sheets",
     "Bluetooth 5.3 headset", "Calendar 2024-01-02", "茶杯 2个", "Route 66 mug", "Size 06 - 10"],
])
def test_ordinary_product_data_is_not_redacted(values):
    skus = ["IP15-CASE", "5012345678900", "012345678905", "0-19-852663-6", "85123A", "SKU-12345", "C536379", "A12",
            "HD-1TB", "ORD-2024-000123"]
    lines = "".join(f"{1000 + i},{sku},{name},{1 + i},2024-01-{1 + i:02d} 10:00,{1.5 * (i + 1):.2f},c{i}@example.com\n"
                    for i, (sku, name) in enumerate(zip(skus, values)))
    buf = io.BytesIO(("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID\n" + lines).encode())
    buf.name = "sales.csv"
    plain = load_transactions(buf)
    buf.seek(0)
    protected = load_transactions(buf, privacy=Privacy(key=b"k"))
    pd.testing.assert_frame_equal(protected.data.drop(columns="customer_id"), plain.data.drop(columns="customer_id"))
    assert protected.report["privacy"]["replaced_values"] == {}


def test_real_retail_data_loses_nothing_but_customer_ids(shared_data):
    path = shared_data / "online_retail_sample.xlsx"
    plain, protected = load_transactions(path), load_transactions(path, privacy=Privacy(key=b"k"))
    pd.testing.assert_frame_equal(protected.data.drop(columns="customer_id"), plain.data.drop(columns="customer_id"))
    assert protected.data["customer_id"].isna().sum() == plain.data["customer_id"].isna().sum()
    assert protected.data["customer_id"].nunique() == plain.data["customer_id"].nunique()


# --------------------------------------------------------------------------------------------
# Side uploads: a recipient list for a protected dataset
# --------------------------------------------------------------------------------------------
RECIPIENTS = ("customer_id,arm,Customer Name,Email Address,segment note\n"
              "C1,coupon,Jane Doe,jane@example.com,call 07700 900123\n"
              "C2,control,John Roe,john@example.org,ok\n")


def test_a_side_table_about_customers_gets_the_sales_pseudonyms_and_loses_its_personal_columns():
    from promo_core.privacy import protect_table, pseudonymise

    raw = pd.DataFrame({"customer_id": ["C1", "C2", None], "arm": ["coupon", "control", "control"],
                        "Customer Name": ["Jane Doe", "John Roe", "Ann Poe"], "note": ["call 07700 900123", "ok", None]})
    out, dropped = protect_table(raw, KEY.encode())
    assert dropped == ["Customer Name", "note"]
    expected = pd.DataFrame({"customer_id": pseudonymise(raw["customer_id"], KEY.encode()),
                             "arm": ["coupon", "control", "control"]})
    pd.testing.assert_frame_equal(out, expected)
    assert out["customer_id"].iloc[0].startswith("P") and out["customer_id"].iloc[:2].nunique() == 2


def test_a_site_list_keeps_its_columns_and_loses_only_personal_values():
    from promo_core.privacy import protect_table

    sites = pd.DataFrame({"site_id": ["W1"], "name": ["Leeds DC"], "address": ["12 High Street"], "lat": [53.8]})
    out, dropped = protect_table(sites, KEY.encode())
    assert dropped == [] and list(out.columns) == list(sites.columns)
    assert out.loc[0, "name"] == "Leeds DC" and out.loc[0, "address"] == "[address]"


def _read_side_upload(dataset_id: str, content: bytes):
    """Run ``ui.read_upload`` inside a Streamlit script on an uploaded recipient list."""
    import io

    import streamlit as st

    import ui

    class Upload(io.BytesIO):
        file_id, name = "recipients-1", "recipients.csv"

    st.session_state["dataset_id"] = dataset_id
    raw = ui.read_upload(Upload(content))
    st.dataframe(raw.data)


@pytest.mark.parametrize("protected", [True, False])
def test_a_recipient_list_uploaded_for_a_protected_dataset_is_protected_the_same_way(tmp_path, monkeypatch,
                                                                                      protected):
    from streamlit.testing.v1 import AppTest

    from promo_core.privacy import pseudonymise
    from promo_core.store import Workspace

    monkeypatch.setenv("PROMO_PSEUDONYM_KEY", KEY)
    monkeypatch.delenv("PROMO_PRIVACY", raising=False)
    monkeypatch.setenv("PROMO_WORKSPACE", str(tmp_path / "promo.duckdb"))
    sales = pd.DataFrame({"order_id": ["1"], "customer_id": ["P0"], "order_date": [pd.Timestamp("2024-01-01")],
                          "product_id": ["A"], "quantity": [1.0]})
    dataset = Workspace(tmp_path / "promo.duckdb").save_dataset(
        "Sales", {"transactions": sales}, report={"privacy": {"pseudonymised": True}} if protected else {})
    at = AppTest.from_function(_read_side_upload, args=(dataset, RECIPIENTS.encode()), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    if protected:
        assert list(shown.columns) == ["customer_id", "arm"]
        assert shown["customer_id"].tolist() == pseudonymise(pd.Series(["C1", "C2"]), KEY.encode()).tolist()
    else:
        assert shown["customer_id"].tolist() == ["C1", "C2"] and "Email Address" in shown.columns
