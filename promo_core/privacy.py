"""Personal data protection at upload: with it on, no raw identifier reaches the workspace, a saved
analysis, an export, a report or a log.

A keyed hash (HMAC-SHA256) turns the same customer id into the same pseudonym on every upload, so
analyses still join across files, while nobody without the key can recover or guess the original
(a plain hash of an e-mail address can be reversed by hashing a list of addresses).

What happens to each place personal data can hide (``io.load_transactions(privacy=...)``):

- the customer id column: every value is pseudonymised (in the data and the quarantine); baskets
  made up from customer and day (files without order numbers) are pseudonymised too.
- e-mail addresses, phone numbers and street addresses (``contains_personal``) inside the other
  role columns are found value by value, in every row: in ids (order, product, store, coupon code)
  the whole value is pseudonymised, so distinct ids stay distinct; in descriptive text (product
  name, category, channel) only the personal part is replaced by ``[e-mail]``, ``[phone]`` or
  ``[address]``, so "iPhone 15 case" stays as it is.
- columns not used for a role never reach the workspace: the data holds only the roles, and the
  quarantine's copies of rejected rows keep only the role columns, protected as above. Numbers and
  dates there are shown as read and within the plausible range, else ``(withheld)`` (a phone
  number typed into the quantity column is not copied). Names in an unused column ("Client Name",
  a free-text note, a badly named "Field7") are therefore never stored; ``personal_columns`` lists
  the ones recognised by header (English/Chinese variants) or by values for the load report.
- extra numeric columns kept beside the roles are left out when they are personal.
- quarantine reasons never quote a value ("quantity is not a number"), unreadable lines and CSV
  error details are withheld.
- column headers that are themselves e-mail addresses or phone numbers (a data row taken for the
  header) are shown as "column 3 (withheld)" in the mapping, notes and report; the file and sheet
  name and the dataset name are stored with personal parts replaced (``redact``).

Names written inside a product name or category ("Cake for Jane") cannot be told from product
words without a list of names, and are kept; map such a column to no role if that matters.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# header words that mark a column as personal data (normalised: lower case, no spaces/underscores)
_PERSONAL = re.compile(
    r"e?mail|phone|mobile|^cell$|cellphone|cellular|telephone|^tel$|^tel\d|fax|whatsapp|wechat|weixin|^qq|skype|"
    r"contact|name|surname|recipient|addressee|^attn$|attention|address|^addr|street|postcode|postalcode|zipcode|"
    r"^zip$|shipto|billto|deliverto|birth|dob$|passport|idcard|nationalid|ssn|socialsecurity|taxid|ipaddress|"
    r"note|comment|remark|memo|message|instruction|giftmessage|"
    r"邮箱|邮件|电话|手机|联系|姓名|名字|昵称|收货人|收件人|联系人|地址|身份证|生日|微信|备注|留言|评论")
# ... except these: names of things, not people
_NOT_PERSONAL = re.compile(
    r"(product|item|lineitem|category|store|shop|brand|campaign|channel|company|file|sheet|coupon|promo|warehouse|"
    r"site|vendor|supplier|region|city|country|segment|department|variant|sku|article|collection|stock|catalog|"
    r"商品|产品|品类|类目|门店|店铺|品牌)(name|title|名称|名)")

_CJK = "\u4e00-\u9fff"  # (as characters, not escapes, which RE2 does not read)
_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_PHONE = (r"(?<![\w+])(?:\+\s?\(?\d{1,4}\)?(?:[\s.-]?\(?\d{1,5}\)?){1,6}"  # +44 7700 900123, +86 138 1234 5678
          r"|\(?0\d{1,5}\)?[\s.-]\d{2,5}(?:[\s.-]?\d{2,5}){0,4}"  # 07700 900123, (020) 7946 0958
          r"|\(\d{3}\)\s?\d{3}[\s.-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4}"  # (555) 123-4567, 555-123-4567
          r"|07\d{9}|1[3-9]\d{9})(?!\w)")  # UK and Chinese mobiles written without spaces
_STREET = (r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][\w'.-]*\s+){1,4}(?i:street|st|road|rd|avenue|ave|lane|ln|"
           r"boulevard|blvd|crescent|terrace|highway|parkway|mews)\b\.?"
           r"|(?i:\bp\.?\s?o\.?\s?box\s+\d+)"
           r"|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b"  # UK postcode
           rf"|(?:[{_CJK}]{{1,12}}(?:省|市|区|县|镇))*[{_CJK}]{{1,12}}(?:路|街|道|巷|弄|胡同)\s*\d+\s*号"
           r"(?:\s*[\w-]*?(?:室|栋|楼|单元))?")
_FIND = re.compile(f"(?P<email>{_EMAIL})|(?P<phone>{_PHONE})|(?P<address>{_STREET})")
# Arrow's regular expressions (RE2) have no look-around: widened, the pattern finds a superset of the
# values holding personal data in one fast pass over millions of ids, and only those are checked exactly.
_CANDIDATE = _FIND.pattern.replace(r"(?<![\w+])", r"(?:^|[^\w+])").replace(r"(?!\w)", r"(?:\W|$)")
_PLACEHOLDER = {"email": "[e-mail]", "phone": "[phone]", "address": "[address]"}
_DATE_LIKE = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}")


def _personal_match(match: re.Match) -> bool:
    """A phone number has 7 to 15 digits (E.164) and is not a date written with dashes or dots."""
    if match.lastgroup != "phone":
        return True
    text = match.group()
    return 7 <= sum(ch.isdigit() for ch in text) <= 15 and not _DATE_LIKE.fullmatch(text.strip())


def contains_personal(text) -> bool:
    """Whether ``text`` holds an e-mail address, a phone number or a street address."""
    return isinstance(text, str) and any(_personal_match(m) for m in _FIND.finditer(text))


def redact(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers and street addresses replaced by
    ``[e-mail]``, ``[phone]`` and ``[address]``."""
    return _FIND.sub(lambda m: _PLACEHOLDER[m.lastgroup] if _personal_match(m) else m.group(), text)


@dataclass(frozen=True)
class Privacy:
    """What to protect at upload.

    Parameters
    ----------
    key : bytes
        Secret key of the keyed hash (see ``load_key``).
    """

    key: bytes


def mode() -> str:
    """``$PROMO_PRIVACY`` as "off", "on" (protection ticked by default; the command line protects)
    or "force" (compulsory)."""
    value = os.environ.get("PROMO_PRIVACY", "").strip().lower()
    return "force" if value == "force" else "on" if value in ("on", "1", "true", "yes") else "off"


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


def protect_values(values: pd.Series, key: bytes, *, is_id: bool) -> tuple[pd.Series, int]:
    """``values`` with every value that holds personal data pseudonymised (``is_id``: the whole
    value, so ids stay distinct) or redacted (descriptive text), and how many rows changed.
    Each distinct value is checked once."""
    uniques = pd.Series(values.dropna().unique(), dtype=object)
    maybe = uniques[np.asarray(pc.match_substring_regex(pa.array(uniques, pa.string()), _CANDIDATE))]
    hits = maybe[maybe.map(contains_personal)]
    if hits.empty:
        return values, 0
    hit = values.isin(hits)
    changed = pseudonymise(values[hit], key) if is_id else values[hit].map(redact)
    return values.where(~hit, changed), int(hit.sum())


def personal_columns(columns: list[str], mapping: dict, sample: pd.DataFrame | None = None) -> list[str]:
    """Columns that hold personal data by their header (English or Chinese: e-mail, phone, name,
    address, birth date, id numbers, free-text notes) or, given a ``sample`` of rows, by values
    (an e-mail, phone number or street address in any sampled value), except columns used for a
    non-personal role (e.g. Shopify's "Name" is the order number; "Lineitem name" is the product)."""
    from promo_core.io import normalise_header  # (io imports this module)

    used_elsewhere = {c for role, c in mapping.items() if c is not None and role != "customer_id"}
    out = []
    for col in columns:
        if col in used_elsewhere:
            continue
        normed = normalise_header(col)
        by_name = _PERSONAL.search(normed) and not _NOT_PERSONAL.search(normed)
        by_value = sample is not None and col in sample.columns and \
            sample[col].dropna().astype(str).map(contains_personal).any()
        if by_name or by_value or contains_personal(str(col)):
            out.append(col)
    return out


def protect_table(frame: pd.DataFrame, key: bytes) -> tuple[pd.DataFrame, list[str]]:
    """A side upload (a campaign, a recipient list, sites, costs) protected as the sales it is used
    with: customer-id columns (by header, e-mail included) pseudonymised with the same key, so they
    still join the protected sales; in a table about customers (one with such a column) the other
    columns personal by header dropped (a site list's "name" is the site's); e-mail addresses, phone
    numbers and street addresses in any other text value redacted. Returns the frame and the
    dropped columns.

    Why: a page that joined raw recipient ids to pseudonymised sales would match nobody, and the
    raw ids would reach the session, the report and every download of the page."""
    from promo_core.io import SYNONYMS, normalise_header  # (io imports this module)

    ids = {c for c in frame.columns if normalise_header(c) in SYNONYMS["customer_id"]}
    dropped = personal_columns([c for c in frame.columns if c not in ids], {}) if ids else []
    out = frame.drop(columns=dropped)
    for col in out.columns:
        values = out[col]
        if col in ids:
            out[col] = pseudonymise(values.astype("str").where(values.notna()), key)
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            out[col] = protect_values(values, key, is_id=False)[0]
    return out, dropped

