"""CSV and Excel exports cannot run formulas, keep true numbers as numbers and format columns
the way a manager reads them."""
import io

import openpyxl
import pandas as pd
import pytest

from promo_core.errors import DataError
from promo_core.export import column_kind, safe_frame, tidy_frame, to_csv_bytes, to_excel_bytes
from tests.conftest import chinese_error

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\t=1+1", "\r=1+1",
           "<script>alert(1)</script>"]


@pytest.fixture
def hostile():
    """A customer list whose ids and product names are attacks, beside true (negative) numbers."""
    return pd.DataFrame({"customer_id": HOSTILE, "product_name": HOSTILE[::-1],
                         "quantity": [-3, 1, 2, -1, 5, 6, 7], "revenue": [-2.5, 10.0, 0.0, -7.25, 1.0, 2.0, 3.0]})


def _csv(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(to_csv_bytes(frame)), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_csv_prefixes_every_formula_trigger_with_an_apostrophe(hostile):
    out = _csv(hostile)
    assert out["customer_id"].tolist() == ["'" + v if v[0] in "=+-@\t\r" else v for v in HOSTILE]
    assert all(not v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in out["product_name"])


def test_csv_keeps_true_negative_numbers_as_numbers(hostile):
    out = _csv(hostile)
    assert out["quantity"].tolist() == ["-3", "1", "2", "-1", "5", "6", "7"]
    assert out["revenue"].iloc[0] == "-2.5"


def test_csv_neutralises_hostile_column_names():
    out = _csv(pd.DataFrame({"=1+1": ["a"], "ok": [1]}))
    assert list(out.columns) == ["'=1+1", "ok"]


def test_csv_starts_with_a_bom_so_excel_reads_chinese():
    data = to_csv_bytes(pd.DataFrame({"商品": ["保温杯"]}))
    assert data.startswith(b"\xef\xbb\xbf") and "保温杯".encode() in data


def test_excel_cells_are_text_never_formulas(hostile):
    book = openpyxl.load_workbook(io.BytesIO(to_excel_bytes({"Customers": hostile})))
    sheet = book["Customers"]
    ids = [sheet.cell(row=r, column=1) for r in range(2, len(HOSTILE) + 2)]
    # openpyxl leaves the file format's escape of a carriage return (_x000D_) as it is
    assert [c.value.replace("_x000D_", "\r") for c in ids] == ["'" + v if v[0] in "=+-@\t\r" else v for v in HOSTILE]
    assert all(c.data_type == "s" for c in ids)  # stored as strings, not as formulas ("f")
    assert [sheet.cell(row=r, column=3).value for r in range(2, 9)] == [-3, 1, 2, -1, 5, 6, 7]
    assert sheet.cell(row=2, column=4).value == -2.5 and sheet.cell(row=2, column=4).data_type == "n"


def test_excel_sheet_has_frozen_bold_header_filter_and_number_formats():
    frame = pd.DataFrame({"week": pd.to_datetime(["2024-01-01", "2024-01-08"]), "orders": [1200, 35],
                          "revenue": [12345.5, 99.0], "share": [0.25, 0.75], "p_value": [0.0004, 0.2],
                          "elasticity": [-1.52, -0.7], "placed_at": pd.to_datetime(["2024-01-01 10:30", None])})
    sheet = openpyxl.load_workbook(io.BytesIO(to_excel_bytes({"Weekly": frame}, currency="¥")))["Weekly"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and sheet.auto_filter.ref == "A1:G3"
    formats = {sheet.cell(row=1, column=i).value: sheet.cell(row=2, column=i).number_format for i in range(1, 8)}
    assert formats["week"] == "yyyy-mm-dd"
    assert formats["orders"] == "#,##0"
    assert formats["revenue"] == '"¥"#,##0.00;-"¥"#,##0.00'
    assert formats["share"] == "0.0%"
    assert formats["p_value"] == "0.0000"
    assert formats["elasticity"] == "#,##0.00"
    assert formats["placed_at"] == "yyyy-mm-dd hh:mm"
    assert sheet["A2"].value.date() == pd.Timestamp("2024-01-01").date()


def test_excel_sheet_names_are_made_valid_and_unique():
    frame = pd.DataFrame({"a": [1]})
    book = openpyxl.load_workbook(io.BytesIO(to_excel_bytes(
        {"Q1/Q2 [draft]: sales?*": frame, "x" * 40: frame, "X" * 40: frame})))
    assert book.sheetnames == ["Q1_Q2 _draft__ sales__", "x" * 31, "X" * 27 + " (2)"]


def test_chinese_columns_get_wide_enough_cells():
    sheet = openpyxl.load_workbook(io.BytesIO(to_excel_bytes(
        {"s": pd.DataFrame({"商品名称": ["有机燕麦牛奶家庭装大包装"], "id": ["abcdefghijkl"]})})))["s"]
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["B"].width


def test_column_kind_reads_money_shares_and_small_numbers_from_names():
    assert column_kind("revenue", pd.Series([1.0, 2.0])) == "money"
    assert column_kind("销售额", pd.Series([1.0])) == "money"
    assert column_kind("share", pd.Series([0.2, 0.8])) == "percent"
    assert column_kind("price_change_pct", pd.Series([12.0])) == "float"  # already in percent points
    assert column_kind("orders", pd.Series([3, 4])) == "int"
    assert column_kind("lift", pd.Series([0.02, 0.5])) == "small"
    assert column_kind("segment", pd.Series(["Lost"])) == "text"
    assert column_kind("is_return", pd.Series([True])) == "bool"


def test_tidy_frame_keeps_a_named_index_and_writes_item_sets_as_text():
    rules = pd.DataFrame({"antecedents": [frozenset({"Milk", "Bread"}), ("Eggs",)], "lift": [2.0, 1.5]},
                         index=pd.Index([3, 7], name="rule"))
    expected = pd.DataFrame({"rule": [3, 7], "antecedents": ["Bread, Milk", "Eggs"], "lift": [2.0, 1.5]})
    pd.testing.assert_frame_equal(tidy_frame(rules), expected)


def test_tidy_frame_flattens_two_level_columns_and_drops_an_unnamed_index():
    frame = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("revenue", "2024"), ("revenue", "2025")]),
                         index=[42])
    assert tidy_frame(frame).columns.tolist() == ["revenue / 2024", "revenue / 2025"]
    assert tidy_frame(frame).index.tolist() == [0]


def test_safe_frame_leaves_missing_values_missing():
    out = safe_frame(pd.DataFrame({"customer_id": ["=1", None]}))
    assert out["customer_id"].tolist() == ["'=1", None]


def test_excel_writes_missing_values_as_empty_cells_and_infinity_as_text():
    frame = pd.DataFrame({"orders": pd.array([3, None], dtype="Int64"), "lift": [float("inf"), float("nan")],
                          "flag": [True, False], "when": pd.to_datetime(["2024-05-01 10:00", None]).tz_localize("UTC"),
                          "wait": pd.to_timedelta(["1 day", "2 days"]), "note": ["ok", None]})
    sheet = openpyxl.load_workbook(io.BytesIO(to_excel_bytes({"s": frame})))["s"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0][:4] == [3, "∞", True, pd.Timestamp("2024-05-01 10:00").to_pydatetime()]
    assert rows[1][0] is None and rows[1][1] is None and rows[1][2] is False and rows[1][3] is None
    assert rows[0][4] == "1 days 00:00:00" and rows[0][5] == "ok" and rows[1][5] is None


def test_a_table_too_long_for_excel_is_refused_with_advice():
    with pytest.raises(DataError, match="Download it as CSV instead"):
        to_excel_bytes({"huge": pd.DataFrame({"a": range(1_048_576)})})


def test_pages_export_only_through_the_safe_writers():
    """Issue point 3 everywhere: no page or the app glue writes CSV or Excel itself (which would
    bypass the formula neutralising); they call ui.download_* or promo_core.export."""
    from tests.conftest import ROOT

    offenders = [f"{path.name}: {needle}" for path in [ROOT / "ui.py", ROOT / "app.py", *(ROOT / "pages").glob("*.py")]
                 for needle in (".to_csv(", ".to_excel(", "ExcelWriter(", "csv.writer(")
                 if needle in path.read_text(encoding="utf-8")]
    assert not offenders, offenders


def test_too_long_for_excel_error_has_chinese_text(monkeypatch):
    from promo_core import export

    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", 3)
    for frame in (pd.DataFrame({"a": range(3)}), pd.DataFrame({"a": ["=1+1", None, "x", "y"]})):
        err = chinese_error(lambda: to_excel_bytes({"ok": pd.DataFrame({"a": [1]}), "huge": frame}))
        assert "'huge'" in err.text("zh")
