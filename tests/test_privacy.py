"""Personal data protection at upload: pseudonyms are stable and keyed, personal columns never
reach the result."""
import io

import pandas as pd
import pytest

from promo_core.io import load_transactions
from promo_core.privacy import Privacy, load_key, personal_columns, pseudonymise
from tests.conftest import has_chinese, reasons

SHOPIFY = ("Name,Email,Phone,Billing Name,Billing Address1,Created at,Lineitem quantity,Lineitem name,Lineitem price,"
           "Lineitem sku\n"
           "#1001,ann@example.com,+44 7700 900123,Ann Smith,1 High St,2024-05-01 10:00:00,2,Tea,4.50,TEA-1\n"
           "#1002,bob@example.com,+44 7700 900456,Bob Jones,2 Low Rd,2024-05-02 09:00:00,x,Mug,8.00,MUG-1\n"
           "#1003,ann@example.com,+44 7700 900123,Ann Smith,1 High St,2024-05-03 09:00:00,1,Tea,4.50,TEA-1,EXTRA\n")


def _load(privacy):
    buf = io.BytesIO(SHOPIFY.encode())
    buf.name = "orders_export.csv"
    return load_transactions(buf, privacy=privacy)


def test_pseudonyms_are_stable_keyed_and_keep_empty():
    ids = pd.Series(["ann@example.com", None, "ann@example.com", "bob@example.com"], dtype="str")
    a = pseudonymise(ids, b"key-1")
    assert a[0] == a[2] and a[0] != a[3] and pd.isna(a[1])
    assert a[0].startswith("P") and len(a[0]) == 17
    assert pseudonymise(ids, b"key-2")[0] != a[0], "another key gives other pseudonyms"


def test_no_personal_value_reaches_data_or_quarantine():
    r = _load(Privacy(key=b"secret"))
    assert r.rows_in == len(r.data) + len(r.quarantine) == 3
    everything = r.data.to_csv() + r.quarantine.to_csv()
    for personal in ["ann@example.com", "bob@example.com", "7700", "Ann Smith", "High St", "Bob"]:
        assert personal not in everything, personal
    assert r.data["customer_id"].iloc[0] == pseudonymise(pd.Series(["ann@example.com"]), b"secret")[0]
    assert set(r.report["privacy"]["dropped_columns"]) == {"Phone", "Billing Name", "Billing Address1"}
    assert r.quarantine["reason"].notna().all() and len(r.quarantine) == 2


def test_without_protection_the_values_are_kept():
    r = _load(None)
    assert "ann@example.com" in r.data["customer_id"].tolist()


def test_personal_columns_spare_columns_used_for_other_roles():
    mapping = {"order_id": "Name", "product_name": "Lineitem name", "customer_id": "Email"}
    cols = ["Name", "Email", "Phone", "Lineitem name", "收货人", "手机号", "Product", "邮箱地址"]
    assert personal_columns(cols, mapping) == ["Email", "Phone", "收货人", "手机号", "邮箱地址"]


def test_key_file_is_created_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("PROMO_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("PROMO_KEY_FILE", str(tmp_path / "k" / "pseudonym.key"))
    first = load_key()
    assert first == load_key() and len(first) == 64
    assert oct((tmp_path / "k" / "pseudonym.key").stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv("PROMO_PSEUDONYM_KEY", "from-env")
    assert load_key() == b"from-env"


def _csv(text: str, name: str = "sales.csv") -> io.BytesIO:
    buf = io.BytesIO(text.encode())
    buf.name = name
    return buf


def test_values_with_personal_data_are_found_and_product_words_are_not():
    from promo_core.privacy import contains_personal, redact

    personal = ["jane@example.com", "+44 7700 900123", "07700 900123", "07700900123", "(020) 7946 0958",
                "555-123-4567", "13812345678", "42 Acacia Avenue", "221B Baker Street", "SW1A 2AA", "PO Box 12",
                "北京市朝阳区建国路88号"]
    ordinary = ["iPhone 15 case", "USB 3 Way Splitter", "1 TB Hard Drive", "5012345678900", "012345678905",
                "0-19-852663-6", "2024-01-02", "01-02-2024", "3.50", "85123A", "C536379", "茶杯 2个", "Route 66 mug"]
    assert all(contains_personal(v) for v in personal) and not any(contains_personal(v) for v in ordinary)
    assert redact("Gift for jane@example.com, call 07700 900123") == "Gift for [e-mail], call [phone]"
    assert redact("Ship to 42 Acacia Avenue") == "Ship to [address]"


def test_personal_columns_by_header_variants_and_by_values():
    cols = ["Client Name", "Cell", "Ship To", "Notes", "Gift message", "备注", "收货地址", "买家昵称", "Product Name",
            "Store Name", "Category", "Field7", "Qty"]
    sample = pd.DataFrame({c: ["x"] for c in cols}).assign(Field7=["reach me at a@b.co"])
    found = personal_columns(cols, {"product_name": "Product Name"}, sample)
    assert found == ["Client Name", "Cell", "Ship To", "Notes", "Gift message", "备注", "收货地址", "买家昵称", "Field7"]


def test_reasons_quote_no_value_with_protection_on():
    text = SHOPIFY.split("\n")[0] + "\n" + \
        "#1,ann@example.com,,,,ann@example.com,2,Tea,4.50,TEA-1\n" \
        "#2,bob@example.com,,,,2024-05-02 09:00:00,447700900123,Mug,8.00,MUG-1\n" \
        "#3,bob@example.com,,,,2024-05-02 09:00:00,1,Mug,bob@example.com,MUG-1\n"
    plain = load_transactions(_csv(text))
    r = load_transactions(_csv(text), privacy=Privacy(key=b"k"))
    assert "ann@example.com" in " ".join(reasons(plain.quarantine))
    assert reasons(r.quarantine) == ["order date is not a date we can read",
                                     "quantity is outside the plausible range (-1,000,000 to 1,000,000)",
                                     "unit price is not a number"]
    assert not r.quarantine["reason_values"].fillna("").str.contains('"value"').any()
    assert r.quarantine["Created at"].iloc[0] == r.quarantine["Lineitem price"].iloc[2] == "(withheld)"
    for reason in reasons(r.quarantine, "zh"):
        assert has_chinese(reason), reason


def test_baskets_made_from_customer_and_day_carry_no_customer_id():
    text = "Customer,Date,Item\n" + "".join(f"{c}@example.com,2024-01-0{d},{i}\n"
                                            for c, d, i in [("ann", 1, "Tea"), ("ann", 1, "Mug"), ("bob", 2, "Tea")])
    plain = load_transactions(_csv(text))
    r = load_transactions(_csv(text), privacy=Privacy(key=b"k"))
    assert plain.report["order_id_derived"] and plain.data["order_id"].str.contains("@").all()
    assert not r.data["order_id"].str.contains("@").any()
    assert r.data["order_id"].nunique() == plain.data["order_id"].nunique() == 2


def test_a_header_that_is_an_e_mail_is_withheld_and_can_still_be_mapped():
    text = "order,sku,date,qty,price,jane@example.com\n1,A,2024-01-02,1,2.5,C1\n2,B,2024-01-03,2,1.0,C2\n"
    r = load_transactions(_csv(text), privacy=Privacy(key=b"k"))
    assert "jane@example.com" not in str(r.report) + str(r.mapping) + r.quarantine.to_csv()
    assert r.report["columns"][-1] == "column 6 (withheld)" and r.mapping["customer_id"] is None
    remapped = load_transactions(_csv(text), mapping={"customer_id": "column 6 (withheld)"}, privacy=Privacy(key=b"k"))
    assert remapped.mapping["customer_id"] == "column 6 (withheld)"
    assert remapped.data["customer_id"].tolist() == pseudonymise(pd.Series(["C1", "C2"]), b"k").tolist()


def test_the_file_name_is_stored_without_personal_parts():
    r = load_transactions(_csv(SHOPIFY, "orders of ann@example.com.csv"), privacy=Privacy(key=b"k"))
    assert r.report["file"] == "orders of [e-mail].csv"


@pytest.mark.parametrize("value,expected", [("", "off"), ("on", "on"), ("TRUE", "on"), ("1", "on"),
                                            ("force", "force"), ("no", "off")])
def test_privacy_mode_from_the_environment(monkeypatch, value, expected):
    from promo_core.privacy import mode

    monkeypatch.setenv("PROMO_PRIVACY", value)
    assert mode() == expected


def test_command_line_under_force_refuses_a_dataset_saved_without_protection(tmp_path, monkeypatch, capsys):
    from promo_core.cli import main
    from promo_core.store import Workspace

    ws = Workspace(tmp_path / "ws.duckdb")
    plain = _load(None)
    ws.save_dataset("Shop", {"transactions": plain.data}, rows_in=plain.rows_in, report=plain.report)
    monkeypatch.setenv("PROMO_PRIVACY", "force")
    assert main(["report", "--data", "Shop", "--workspace", str(tmp_path / "ws.duckdb"),
                 "--out", str(tmp_path / "r.html")]) == 2
    assert "without personal data protection" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()
