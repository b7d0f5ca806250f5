"""Personal data protection at upload: pseudonymised customer ids and no e-mail, phone, name or
address columns in the workspace.

A keyed hash (HMAC-SHA256) turns the same customer id into the same pseudonym on every upload, so
analyses still join across files, while nobody without the key can recover or guess the original
(a plain hash of an e-mail address can be reversed by hashing a list of addresses).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

# header words that mark a column as personal data (normalised: lower case, no spaces/underscores)
_PERSONAL = re.compile(
    r"e?mail|phone|mobile|telephone|^tel$|fax|firstname|lastname|surname|fullname|^name$|customername|"
    r"billingname|shippingname|buyername|contactname|recipient|address|street|postcode|zipcode|^zip$|birth|"
    r"passport|idcard|ssn|ipaddress|邮箱|电话|手机|姓名|收货人|收件人|联系人|地址|身份证|生日")


@dataclass(frozen=True)
class Privacy:
    """What to protect at upload.

    Parameters
    ----------
    key : bytes
        Secret key of the keyed hash (see ``load_key``).
    drop_personal : bool
        Leave e-mail, phone, name and address columns out of the workspace (also from the
        quarantine's copies of rejected rows).
    """

    key: bytes
    drop_personal: bool = True


def load_key() -> bytes:
    """The pseudonymisation key: ``$PROMO_PSEUDONYM_KEY`` or a key file created on first use.

    The key file is ``$PROMO_KEY_FILE`` or ``~/.config/promolens/pseudonym.key`` (readable by the
    owner only). Keep it apart from the workspace and back it up: a new key gives new pseudonyms.
    """
    if os.environ.get("PROMO_PSEUDONYM_KEY"):
        return os.environ["PROMO_PSEUDONYM_KEY"].encode("utf-8")
    path = Path(os.environ.get("PROMO_KEY_FILE") or Path.home() / ".config" / "promolens" / "pseudonym.key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    """Replace each id by ``P`` + 16 hex digits of its keyed hash; empty stays empty."""
    uniques = values.dropna().unique()
    table = {v: "P" + hmac.new(key, str(v).encode("utf-8"), hashlib.sha256).hexdigest()[:16] for v in uniques}
    return values.map(table).astype("str").where(values.notna())


def personal_columns(columns: list[str], mapping: dict) -> list[str]:
    """Columns whose header says they hold personal data, except those used as a non-personal role
    (e.g. Shopify's "Name" is the order number; "Lineitem name" is the product)."""
    used_elsewhere = {c for role, c in mapping.items() if c is not None and role != "customer_id"}
    out = []
    for col in columns:
        normed = re.sub(r"[\s_\-./#:()]+", "", str(col).lower())
        if col not in used_elsewhere and _PERSONAL.search(normed):
            out.append(col)
    return out
