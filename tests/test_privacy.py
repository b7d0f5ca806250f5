"""Personal data protection at upload: pseudonyms are stable and keyed, personal columns never
reach the result."""
import io

import pandas as pd

from promo_core.io import load_transactions
from promo_core.privacy import Privacy, load_key, personal_columns, pseudonymise

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
