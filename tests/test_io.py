"""Ingestion: every row is loaded or quarantined with a reason; any common file dialect reads right."""
import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from promo_core.errors import DataError
from promo_core.io import CANONICAL, DERIVED, detect_encoding, finalize_transactions, load_transactions, suggest_mapping
from promo_core.text import Message, render
from tests.conftest import chinese_error, has_chinese, reasons

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID\n"


def _file(text: str, name: str = "sales.csv", encoding: str = "utf-8") -> io.BytesIO:
    buf = io.BytesIO(text.encode(encoding))
    buf.name = name
    return buf


def _check_invariant(result):
    assert result.rows_in == len(result.data) + len(result.quarantine)
    assert list(result.data.columns) == CANONICAL + DERIVED


# --- the shared real files -------------------------------------------------------------------
def test_online_retail_sample_maps_and_matches_published_facts(shared_data):
    r = load_transactions(shared_data / "online_retail_sample.xlsx")
    _check_invariant(r)
    assert r.rows_in == 40_000 and len(r.quarantine) == 0
    assert r.mapping["order_id"] == "InvoiceNo" and r.mapping["customer_id"] == "CustomerID"
    assert r.mapping["order_date"] == "InvoiceDate" and r.mapping["product_id"] == "StockCode"
    assert r.mapping["quantity"] == "Quantity" and r.mapping["unit_price"] == "UnitPrice"
    assert r.mapping["product_name"] == "Description"
    d = r.data
    assert (d["quantity"] < 0).sum() == 778
    assert d["order_id"].str.startswith("C").sum() == 674
    assert d.loc[d["order_id"].str.startswith("C"), "is_return"].all()
    assert d["customer_id"].isna().sum() == 10_057 == r.report["guest_lines"]
    assert (d["unit_price"] == 0).sum() == 179
    assert r.report["duplicate_lines"] == 28 == d["is_duplicate"].sum()
    assert d["customer_id"].dropna().str.fullmatch(r"\d+").all(), "Excel's 17850.0 must become 17850"
    assert d["order_date"].min() >= pd.Timestamp("2010-12-01") and d["order_date"].max() < pd.Timestamp("2011-12-10")
    assert str(d["quantity"].dtype) == "int64" and str(d["unit_price"].dtype) == "float64"


def test_groceries_baskets_are_member_and_day_and_price_is_not_invented(shared_data):
    r = load_transactions(shared_data / "groceries.csv")
    _check_invariant(r)
    assert r.mapping["customer_id"] == "Member_number" and r.mapping["order_date"] == "Date"
    assert r.mapping["product_id"] == "itemDescription"
    assert r.mapping["unit_price"] is None and r.mapping["order_id"] is None
    d = r.data
    assert len(d) == 38_765
    assert d["order_id"].nunique() == 14_963
    assert d["customer_id"].nunique() == 3_898 and d["product_id"].nunique() == 167
    assert (d["quantity"] == 1).all()
    assert d["unit_price"].isna().all() and d["revenue"].isna().all()
    assert r.report["price_missing"] and any("no price column" in render(n) for n in r.report["notes"])
    assert r.report["duplicate_lines"] == 759
    # DD-MM-YYYY read day first: 21-07-2015 is 21 July
    assert d["order_date"].dt.month.max() == 12 and d["order_date"].min() >= pd.Timestamp("2014-01-01")


# --- encodings --------------------------------------------------------------------------------
ROWS = [("1001", "A1", "Crème brûlée", "2", "2024-03-05 10:00", "3.50", "C1"),
        ("1002", "B2", "保温杯", "1", "2024-03-06 11:30", "88.00", "C2"),
        ("1003", "C3", "Café au lait", "3", "2024-03-07 09:15", "2.20", "")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_text_decodes_exactly_in_unicode_and_chinese_encodings(encoding):
    rows = [r if encoding != "gbk" else (r[0], r[1], r[2].replace("û", "u")) + r[3:] for r in ROWS]  # GBK lacks û
    text = HEADER + "".join(",".join(r) + "\n" for r in rows)
    r = load_transactions(_file(text, encoding=encoding))
    _check_invariant(r)
    assert r.data["product_name"].tolist() == [r[2] for r in rows]


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin1_bytes_that_are_also_valid_gbk_stay_western(encoding):
    names = ["Crème brûlée", "Jalapeño dip", "Señorita Müller bag", "Glühwein"]
    rows = [(str(i), f"A{i}", n, "1", "2024-03-08 08:00", "1.99", "C4") for i, n in enumerate(names)]
    text = HEADER + "".join(",".join(r) + "\n" for r in rows)
    raw = text.encode(encoding)
    raw.decode("gb18030")  # the trap: these bytes are valid GB18030 too
    r = load_transactions(_file(text, encoding=encoding))
    assert r.data["product_name"].tolist() == [row[2] for row in rows]
    assert "1252" in r.report["encoding"]


def test_detect_encoding_prefers_gbk_for_chinese_and_cp1252_for_accents():
    assert detect_encoding("订单号,商品名称\n1,保温杯\n2,不锈钢保温杯大容量\n".encode("gbk")) == "gb18030"
    assert detect_encoding("order,name\n1,Crème\n2,Señor Müller\n".encode("cp1252")) == "cp1252"
    assert detect_encoding("a,b\n1,Crème\n".encode("utf-8")) == "utf-8"


def test_utf16_excel_unicode_text_export_reads():
    text = HEADER.replace(",", "\t") + "".join("\t".join(r) + "\n" for r in ROWS)
    r = load_transactions(_file(text, name="export.txt", encoding="utf-16"))
    assert r.data["product_name"].tolist()[1] == "保温杯"
    assert r.report["delimiter"] == "tab"


# --- dialects -----------------------------------------------------------------------------------
@pytest.mark.parametrize("delim,name", [(",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_delimiters_are_detected(delim, name):
    text = HEADER.replace(",", delim) + "".join(delim.join(r) + "\n" for r in ROWS)
    r = load_transactions(_file(text))
    assert r.report["delimiter"] == name
    assert r.data["unit_price"].tolist() == [3.5, 88.0, 2.2]


def test_decimal_comma_with_semicolons():
    text = ("Bestellnummer;Artikelnummer;Menge;Datum;Preis;Kunde\n"
            "1;A;2;05.03.2024;3,50;K1\n2;B;1;06.03.2024;1.234,99;K2\n3;C;4;07.03.2024;0,99;K1\n")
    r = load_transactions(_file(text), mapping={"order_id": "Bestellnummer", "product_id": "Artikelnummer",
                                                "quantity": "Menge", "unit_price": "Preis", "customer_id": "Kunde"})
    _check_invariant(r)
    assert r.data["unit_price"].tolist() == [3.5, 1234.99, 0.99]
    assert r.data["order_date"].tolist() == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-06"),
                                             pd.Timestamp("2024-03-07")]


def test_quoted_fields_with_newlines_and_delimiters_inside():
    text = HEADER + '1,A,"Mug, large\nwith lid",1,2024-01-02 10:00,5.00,C1\n2,B,"Say ""hi"" card",2,2024-01-02 11:00,1.00,C2\n'
    r = load_transactions(_file(text))
    _check_invariant(r)
    assert r.data["product_name"].tolist() == ["Mug, large\nwith lid", 'Say "hi" card']


def test_ragged_rows_are_quarantined_with_their_line():
    text = HEADER + "1,A,x,1,2024-01-02 10:00,5.00,C1\n2,B,y,1\n3,C,z,1,2024-01-02 10:00,5.00,C1,EXTRA,MORE\n" \
                    "4,D,w,2,2024-01-03 10:00,1.00,C2\n"
    r = load_transactions(_file(text))
    _check_invariant(r)
    assert r.rows_in == 4 and len(r.data) == 2
    said = reasons(r.quarantine.sort_values("row"))
    assert "too few values" in said[0] and "more values" in said[1]
    assert r.quarantine.sort_values("row")["reason"].tolist()[:2] == ["too_few_values", "too_many_values"]
    assert r.quarantine["raw_line"].str.contains("EXTRA").any()


def test_a_one_megabyte_field_is_kept_whole():
    big = "x" * 1_000_000
    text = HEADER + f"1,A,{big},1,2024-01-02 10:00,5.00,C1\n2,B,small,1,2024-01-02 10:00,5.00,C1\n"
    r = load_transactions(_file(text))
    _check_invariant(r)
    assert len(r.data.loc[0, "product_name"]) == 1_000_000


def test_formula_like_cells_are_kept_as_text():
    text = HEADER + '1,A,"=HYPERLINK(""http://evil"",""x"")",1,2024-01-02 10:00,5.00,+C1\n' \
                    "2,@SUM(1),-cmd,1,2024-01-02 10:00,5.00,C2\n"
    r = load_transactions(_file(text))
    assert r.data["product_name"].tolist() == ['=HYPERLINK("http://evil","x")', "-cmd"]
    assert r.data["product_id"].tolist()[1] == "@SUM(1)" and r.data["customer_id"].tolist()[0] == "+C1"


def test_three_date_formats_in_one_column():
    text = HEADER + ("1,A,x,1,2024-03-25 10:00,1.00,C1\n2,A,x,1,25/03/2024 11:00,1.00,C1\n"
                     "3,A,x,1,25 Mar 2024,1.00,C1\n4,A,x,1,not a date,1.00,C1\n")
    r = load_transactions(_file(text))
    _check_invariant(r)
    assert r.data["order_date"].dt.normalize().tolist() == [pd.Timestamp("2024-03-25")] * 3
    assert reasons(r.quarantine) == ["order date not a date is not a date we can read"]


def test_month_first_dates_are_recognised_from_a_day_above_twelve():
    text = HEADER + "1,A,x,1,03/05/2024 10:00,1.00,C1\n2,A,x,1,12/25/2024 10:00,1.00,C1\n"
    r = load_transactions(_file(text))
    assert r.data["order_date"].tolist() == [pd.Timestamp("2024-03-05 10:00"), pd.Timestamp("2024-12-25 10:00")]


def test_rare_non_iso_dates_in_a_large_file_are_read_not_quarantined():
    # 150,000 ISO dates and, far down, three day-first ones that a sample of the file may not contain
    iso = "".join(f"{i},A,x,1,2024-03-{1 + i % 28:02d} 10:00,1.00,C1\n" for i in range(150_000))
    text = HEADER + iso + "150000,A,x,1,25/03/2024 11:00,1.00,C1\n150001,A,x,1,13/01/2024,1.00,C1\n" \
        "150002,A,x,1,2024-13-45,1.00,C1\n"
    r = load_transactions(_file(text))
    _check_invariant(r)
    assert r.data["order_date"].tail(2).tolist() == [pd.Timestamp("2024-03-25 11:00"), pd.Timestamp("2024-01-13")]
    assert reasons(r.quarantine) == ["order date 2024-13-45 is not a date we can read"]


# --- bad values ----------------------------------------------------------------------------------
def test_bad_values_are_quarantined_with_reasons_and_original_values():
    text = HEADER + ("1,A,ok,2,2024-01-02 10:00,5.00,C1\n2,B,bad qty,two,2024-01-02 10:00,5.00,C1\n"
                     "3,C,neg price,1,2024-01-02 10:00,-11062.06,C1\n4,,no product,1,2024-01-02 10:00,1.00,C1\n"
                     "5,E,no date,1,,1.00,C1\n6,F,zero,0,2024-01-02 10:00,1.00,C1\n7,G,no price,1,2024-01-02 10:00,,C1\n"
                     "8,H,return,-1,2024-01-03 10:00,5.00,C1\n9,I,guest,1,2024-01-03 10:00,5.00,\n")
    r = load_transactions(_file(text))
    _check_invariant(r)
    assert r.rows_in == 9 and len(r.data) == 3
    q = pd.Series(reasons(r.quarantine), index=r.quarantine["InvoiceNo"])
    assert q["2"] == "quantity 'two' is not a number"
    assert q["3"].startswith("negative unit price")
    assert q["4"] == "product is empty"
    assert q["5"] == "order date is empty"
    assert q["6"] == "quantity is 0"
    assert q["7"] == "unit price is empty"
    assert r.quarantine.set_index("InvoiceNo").loc["2", "Quantity"] == "two"
    assert r.data["is_return"].tolist() == [False, True, False]
    assert r.data["customer_id"].isna().tolist() == [False, False, True]


def test_invariant_holds_on_random_garbage_rows():
    rng = np.random.default_rng(7)
    tokens = ["", "1", "-2", "x", "3.5", "2024-01-01", "01/02/2024", '"q,q"', "NaN", "∞", "=1+1", "1e3"]
    lines = [",".join(rng.choice(tokens, rng.integers(5, 9))) for _ in range(400)]
    r = load_transactions(_file(HEADER + "\n".join(lines) + "\n"))
    assert r.rows_in == 400
    assert r.rows_in == len(r.data) + len(r.quarantine)
    assert r.quarantine["reason"].notna().all()


# --- refusals --------------------------------------------------------------------------------------
@pytest.mark.parametrize("content,needle", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (HEADER.encode(), "no data rows"),
    (bytes(range(256)) * 40, "binary"),
    (b"PK\x03\x04garbage-that-is-not-a-zip", "Excel"),
])
def test_unusable_files_get_a_clear_message(content, needle):
    buf = io.BytesIO(content)
    buf.name = "upload.xlsx" if content.startswith(b"PK") else "upload.csv"
    with pytest.raises(DataError, match=needle):
        load_transactions(buf)


def test_no_date_column_names_the_columns_and_the_fix():
    with pytest.raises(DataError, match="no column we recognise as the order date.*Map the date column"):
        load_transactions(_file("order,sku,qty\n1,A,2\n2,B,3\n"))


def test_a_column_mapped_twice_is_refused():
    with pytest.raises(DataError, match="mapped twice"):
        load_transactions(_file(HEADER + "1,A,x,1,2024-01-02 10:00,5.00,C1\n"),
                          mapping={"product_id": "StockCode", "order_id": "StockCode"})


def test_mapping_to_a_missing_column_is_refused():
    with pytest.raises(DataError, match="no such column"):
        load_transactions(_file(HEADER + "1,A,x,1,2024-01-02 10:00,5.00,C1\n"), mapping={"unit_price": "Preis"})


def test_mapping_overrides_the_automatic_choice():
    text = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,ListPrice,CustomerID\n" \
           "1,A,x,1,2024-01-02 10:00,5.00,6.00,C1\n"
    r = load_transactions(_file(text), mapping={"unit_price": "ListPrice"})
    assert r.mapping["unit_price"] == "ListPrice" and r.data["unit_price"].tolist() == [6.0]


# --- other formats and header conventions ----------------------------------------------------------------
def test_parquet_and_path_sources(tmp_path):
    frame = pd.DataFrame({"order_id": ["1", "2"], "customer_id": ["a", None], "order_date": pd.to_datetime(
        ["2024-01-01 10:00", "2024-01-02 12:00"]), "sku": ["X", "Y"], "qty": [1, -2], "price": [9.99, 5.0]})
    path = tmp_path / "sales.parquet"
    frame.to_parquet(path)
    r = load_transactions(path)
    _check_invariant(r)
    assert r.data["order_date"].tolist() == frame["order_date"].tolist()
    assert r.data["product_id"].tolist() == ["X", "Y"] and r.data["is_return"].tolist() == [False, True]


def test_chinese_headers_in_an_xlsx_file(tmp_path):
    frame = pd.DataFrame({"订单号": ["D1", "D2"], "客户ID": ["U1", "U2"], "下单时间": ["2024-06-18 20:00", "2024-06-18 21:00"],
                          "商品编码": ["SKU1", "SKU2"], "商品名称": ["保温杯", "茶叶"], "数量": [1, 2], "单价": [99.0, 45.5],
                          "品类": ["家居", "食品"]})
    path = tmp_path / "订单.xlsx"
    frame.to_excel(path, index=False)
    r = load_transactions(path)
    assert r.mapping == {"order_id": "订单号", "customer_id": "客户ID", "order_date": "下单时间", "product_id": "商品编码",
                         "product_name": "商品名称", "category": "品类", "quantity": "数量", "unit_price": "单价",
                         "channel": None, "store_id": None, "coupon_code": None, "discount": None}
    assert r.data["revenue"].tolist() == [99.0, 91.0]


def test_shopify_export_fills_order_fields_from_the_first_line():
    text = ("Name,Email,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Discount Code\n"
            "#1001,ann@example.com,2024-05-01 10:00:00 +0100,2,Tea,4.50,TEA-1,SPRING\n"
            "#1001,,,1,Mug,8.00,MUG-1,\n#1002,bob@example.com,2024-05-02 09:00:00 +0100,1,Tea,4.50,TEA-1,\n")
    r = load_transactions(_file(text, name="orders_export.csv"))
    _check_invariant(r)
    assert r.mapping["order_id"] == "Name" and r.mapping["quantity"] == "Lineitem quantity"
    assert r.mapping["product_id"] == "Lineitem sku" and r.mapping["customer_id"] == "Email"
    assert len(r.data) == 3 and r.data["customer_id"].tolist() == ["ann@example.com"] * 2 + ["bob@example.com"]
    assert r.data["order_date"].notna().all()


def test_woocommerce_and_olist_headers_map():
    woo = suggest_mapping(["Order ID", "Order Date", "Customer User ID", "SKU", "Item Name", "Quantity", "Item Cost"])
    assert (woo["order_id"], woo["order_date"], woo["customer_id"], woo["product_id"], woo["quantity"],
            woo["unit_price"]) == ("Order ID", "Order Date", "Customer User ID", "SKU", "Quantity", "Item Cost")
    olist = suggest_mapping(["order_id", "customer_id", "customer_unique_id", "order_purchase_timestamp",
                             "product_id", "price", "product_category_name"])
    assert olist["customer_id"] == "customer_unique_id", "Olist's customer_id is per order; the person is unique_id"
    assert olist["order_date"] == "order_purchase_timestamp" and olist["category"] == "product_category_name"


def test_columns_found_by_their_values_when_headers_say_nothing():
    sample = pd.DataFrame({"c1": ["2024-01-01 10:00", "2024-01-02 11:00"] * 10, "c2": ["1", "3"] * 10,
                           "c3": ["9.99", "4.25"] * 10, "sku": ["A", "B"] * 10})
    m = suggest_mapping(list(sample.columns), sample)
    assert (m["order_date"], m["quantity"], m["unit_price"], m["product_id"]) == ("c1", "c2", "c3", "sku")


def test_xlsx_that_is_a_zip_of_something_else_is_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    buf.seek(0)
    buf.name = "sales.xlsx"
    with pytest.raises(DataError, match="Excel"):
        load_transactions(buf)


def test_every_load_note_has_a_chinese_text(shared_data):
    from promo_core.privacy import Privacy

    notes = load_transactions(shared_data / "groceries.csv").report["notes"]
    text = HEADER + "1,A,x,1,,1.00,C1\n1,B,y,1,2024-01-02 10:00,2.00,C1\n"
    notes += load_transactions(_file(text), privacy=Privacy(key=b"k")).report["notes"]
    notes += load_transactions(_file("Bestellnummer;Artikel;Menge;Datum;Preis\n1;A;1;05.03.2024;3,50\n"),
                               mapping={"product_id": "Artikel", "quantity": "Menge"}).report["notes"]
    assert len(notes) >= 6
    for note in notes:
        assert isinstance(note, Message) and note.id.startswith("ingest.note."), note
        assert has_chinese(render(note, "zh")) and render(note, "zh") != render(note), note


def test_ingestion_errors_and_quarantine_reasons_have_a_chinese_text(tmp_path):
    xls = _file("", "old.xls")
    xls.write(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    files = [(_file("", "empty.csv"), None), (_file("a,b\n", "header_only.csv"), None),
             (_file("x" * 10 + "\x00\x01\x02" * 300, "garbage.csv"), None), (xls, None),
             (_file("just text", "fake.xlsx"), None), (_file("just text", "fake.parquet"), None),
             (_file("Order,Product,Qty\n1,A,2\n", "nodate.csv"), None),
             (_file("Order,Qty,Date\n1,2,2024-01-01\n", "noproduct.csv"), None),
             (_file(HEADER + "1,A,x,1,2024-01-02,1.0,C1\n"), {"quantity": "InvoiceNo"}),
             (_file(HEADER + "1,A,x,1,2024-01-02,1.0,C1\n"), {"quantity": "Missing"}),
             (_file(HEADER + "1,A,x,1,2024-01-02,1.0,C1\n"), {"colour": "StockCode"}),
             (tmp_path / "nowhere.csv", None)]
    for source, mapping in files:
        if hasattr(source, "seek"):
            source.seek(0)
        chinese_error(lambda: load_transactions(source, mapping=mapping))
    text = HEADER + ("1,A,x,two,2024-01-02 10:00,5.00,C1\n2,,x,1,2024-01-02 10:00,5.00,C1\n"
                     "3,C,x,0,2024-01-02 10:00,5.00,C1\n4,D,x,1,2024-01-02 10:00,,C1\n"
                     "5,E,x,1,2024-01-02 10:00,abc,C1\n6,F,x,1,2024-01-02 10:00,-3,C1\n,G,x,1,2024-01-02 10:00,5,C1\n"
                     "8,H,x,1,someday,5,C1\n9,I,x,1,,5,C1\n10,J,x,1,2024-01-02 10:00,5\n"
                     "11,K,x,1,2024-01-02 10:00,5,C1,extra\n")
    quarantine = load_transactions(_file(text)).quarantine
    assert quarantine["reason"].nunique() == 11
    for english, chinese in zip(reasons(quarantine), reasons(quarantine, "zh")):
        assert has_chinese(chinese) and chinese != english, english


def test_a_loaded_table_is_canonical_as_built_and_finalizing_it_changes_nothing():
    text = HEADER + ("1,A,Tea,2,2024-01-02 10:00,3.50,C1\n2,B,,1,2024-01-03 11:00,8.00,\n"
                     "C3,A,Tea,-1,2024-01-05 09:00,3.50,C1\n")
    data = load_transactions(_file(text)).data
    assert finalize_transactions(data) is data  # nothing to redo
    shuffled = data[list(reversed(data.columns))]  # the general path rebuilds the same table
    pd.testing.assert_frame_equal(finalize_transactions(shuffled), data)


# --- implausible values: one bad value is one quarantined row -------------------------------------------
GOOD_LINES = ("1,A,Tea,2,2024-01-02 10:00,3.50,C1\n2,B,Mug,1,2024-01-03 11:00,8.00,C2\n"
              "3,C,Pen,-1,2024-01-04 12:00,1.20,C1\n")


@pytest.mark.parametrize("line,role", [
    ("9,D,x,1e19,2024-01-05 10:00,1.00,C3\n", "quantity"),
    ("9,D,x,447700900100,2024-01-05 10:00,1.00,C3\n", "quantity"),  # a phone number in the quantity column
    ("9,D,x,-2000000,2024-01-05 10:00,1.00,C3\n", "quantity"),
    ("9,D,x,1,2024-01-05 10:00,1e308,C3\n", "unit_price"),
    ("9,D,x,1,9999-12-31,1.00,C3\n", "order_date"),
    ("9,D,x,1,1899-12-31 23:59,1.00,C3\n", "order_date"),
])
def test_an_implausible_value_quarantines_its_row_and_loads_the_rest(line, role):
    r = load_transactions(_file(HEADER + GOOD_LINES + line))
    _check_invariant(r)
    assert r.rows_in == 4 and len(r.data) == 3 and r.quarantine["InvoiceNo"].tolist() == ["9"]
    low, high = r.report["limits"][role]["low"], r.report["limits"][role]["high"]
    assert f"is outside the plausible range ({low} to {high})" in reasons(r.quarantine)[0]
    assert r.report["out_of_range"] == {k: int(k == role) for k in ["quantity", "unit_price", "order_date"]}
    assert np.isfinite(r.data["revenue"]).all() and str(r.data["quantity"].dtype) == "int64"


def test_values_at_the_bounds_are_kept():
    text = HEADER + ("1,A,x,1000000,2100-12-31 23:59,1000000000,C1\n2,B,y,-1000000,1900-01-01,0,C2\n")
    r = load_transactions(_file(text))
    assert len(r.data) == 2 and r.quarantine.empty


def test_a_uint64_parquet_column_quarantines_only_the_implausible_row(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    ids = [1, 2, 2**64 - 1]
    table = pa.table({"order_id": pa.array(ids, pa.uint64()), "sku": ["A", "B", "C"],
                      "qty": pa.array([1, 2, 2**64 - 1], pa.uint64()), "price": [1.0, 2.0, 3.0],
                      "order_date": pa.array(pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]))})
    pq.write_table(table, tmp_path / "sales.parquet")
    r = load_transactions(tmp_path / "sales.parquet", mapping={"quantity": "qty", "unit_price": "price"})
    _check_invariant(r)
    assert r.data["order_id"].tolist() == ["1", "2"] and r.data["quantity"].tolist() == [1, 2]
    assert r.quarantine["order_id"].tolist() == [str(2**64 - 1)], "a 64-bit id keeps every digit"
    assert reasons(r.quarantine)[0].startswith(f"quantity '{2**64 - 1}' is outside the plausible range")


@pytest.mark.parametrize("column", [
    "CAST(170141183460469231731687303715884105727 AS HUGEINT)", "CAST(18446744073709551615 AS UBIGINT)",
    "CAST(3 AS UHUGEINT)", "CAST(12345678901234567890123456789012345678 AS DECIMAL(38, 0))",
    "CAST(2.5 AS DECIMAL(38, 10))", "INTERVAL 3 DAY", "[1, 2]", "{'a': 1}", "CAST(1e39 AS DOUBLE)",
    "CAST('nan' AS DOUBLE)",
])
def test_any_parquet_column_type_in_any_role_loads_or_quarantines_row_by_row(tmp_path, column):
    import duckdb

    path = tmp_path / "odd.parquet"
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT i::VARCHAR AS order_no, 'S' || i AS sku, DATE '2024-01-01' + i::INTEGER AS day,
                                 1.5 AS price, 2 AS qty, {column} AS odd FROM range(3) t(i))
                    TO '{path}' (FORMAT parquet)""")
    con.close()
    roles = {"order_id": "order_no", "product_id": "sku", "order_date": "day", "unit_price": "price", "quantity": "qty",
             "customer_id": None, "category": None}
    for role in roles:
        r = load_transactions(path, mapping={**roles, role: "odd"})
        _check_invariant(r)
        assert r.rows_in == 3 and r.quarantine["reason"].notna().all(), role


def test_plausibility_limits_are_configurable_and_checked():
    from promo_core.io import Limits

    text = HEADER + GOOD_LINES + "4,D,x,50,2024-01-05 10:00,20.00,C3\n5,E,y,1,2031-01-01,1.00,C3\n"
    assert load_transactions(_file(text)).quarantine.empty
    strict = Limits(max_quantity=10, max_unit_price=10, last_date=pd.Timestamp("2030-12-31").date())
    r = load_transactions(_file(text), limits=strict)
    _check_invariant(r)
    assert r.quarantine["InvoiceNo"].tolist() == ["4", "5"]
    assert reasons(r.quarantine)[0].startswith("quantity '50' is outside the plausible range (-10 to 10)")
    assert reasons(r.quarantine, "zh")[0].startswith("数量 '50' 超出合理范围（-10 至 10）")
    assert r.report["limits"]["order_date"] == {"low": "1900-01-01", "high": "2030-12-31"}
    for bad in [dict(max_quantity=0), dict(max_unit_price=1e16), dict(first_date=pd.Timestamp("2030-01-01").date(),
                                                                       last_date=pd.Timestamp("2020-01-01").date())]:
        chinese_error(lambda: Limits(**bad))


def test_out_of_range_reasons_read_in_chinese():
    text = HEADER + ("1,A,x,1e9,2024-01-02,1.0,C1\n2,B,x,1,2024-01-02,5e9,C1\n3,C,x,1,3000-01-01,1.0,C1\n")
    quarantine = load_transactions(_file(text)).quarantine
    assert len(quarantine) == 3
    for english, zh in zip(reasons(quarantine), reasons(quarantine, "zh")):
        assert has_chinese(zh) and "合理范围" in zh and zh != english, english


def test_finalize_transactions_names_the_rows_it_cannot_take_instead_of_overflowing():
    frame = pd.DataFrame({"order_id": ["1", "2", "3"], "customer_id": ["a", "b", "c"], "product_id": ["A", "B", "C"],
                          "order_date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
                          "quantity": [1.0, 2.0, 1e19], "unit_price": [1.0, 2.0, 3.0]})
    err = chinese_error(lambda: finalize_transactions(frame))
    assert "quantity outside -1,000,000 to 1,000,000 in 1 row(s) (positions 2)" in str(err)
    late = frame.assign(quantity=[1, 2, 3], order_date=pd.to_datetime(["2024-01-01", "9999-01-01", "2024-01-03"]))
    assert "order date outside" in str(chinese_error(lambda: finalize_transactions(late)))
    dear = frame.assign(quantity=[1, 2, 3], unit_price=[1.0, 1e308, 3.0])
    assert "unit price above" in str(chinese_error(lambda: finalize_transactions(dear)))
    fine = finalize_transactions(frame.assign(quantity=[1, 2, 3]))
    assert fine["quantity"].tolist() == [1, 2, 3] and np.isfinite(fine["revenue"]).all()
