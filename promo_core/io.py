"""Reading sales files: any common CSV dialect and encoding, Excel and Parquet; mapping columns to
roles; validating every row. Nothing is dropped silently: every input row ends up in ``.data``
or in ``.quarantine`` with a reason, so ``rows_in == len(data) + len(quarantine)`` always.

The heavy lifting happens in DuckDB (reading, casting, splitting good from bad rows), which keeps
a 10-million-line file within seconds and a few GB.
"""
from __future__ import annotations

import codecs
import collections
import concurrent.futures
import contextlib
import csv
import datetime
import functools
import io
import itertools
import json
import os
import re
import shutil
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from promo_core.dates import FIRST_YEAR, LAST_YEAR
from promo_core.engine import (TempFiles, connect, inside_data_folders, literal_list, quote_ident, quote_literal,
                               release_memory)
from promo_core.errors import DataError
from promo_core.privacy import Privacy, contains_personal, personal_columns, protect_values, pseudonymise, redact
from promo_core.privacy import mode as privacy_mode
from promo_core.store import NewDataset, TableView, Workspace, column_frame, fetch_frame, table_ident
from promo_core.text import Message

CANONICAL = ["order_id", "customer_id", "order_date", "product_id", "product_name", "category", "quantity",
             "unit_price", "channel", "store_id", "coupon_code", "discount"]
DERIVED = ["revenue", "is_return", "is_duplicate"]
TEXT_ROLES = ["order_id", "customer_id", "product_id", "product_name", "category", "channel", "store_id",
              "coupon_code"]
NUMBER_ROLES = ["quantity", "unit_price", "discount"]


def role_label(role: str) -> Message:
    """The name of a role as a manager reads it ("Unit price"): ``ingest.role.<role>`` in the catalogue."""
    return Message(f"ingest.role.{role}")


def normalise_header(name) -> str:
    """A column header as compared with known names: lower case, without spaces, underscores and
    punctuation ("Unit Price", "unit_price" and "UNIT-PRICE" all read "unitprice"; "单价（元）" keeps
    its characters). The one normaliser every reader of headers uses."""
    return re.sub(r"[\s_\-./#:()（）]+", "", str(name).strip().lower())


def match_headers(columns, roles: dict[str, list[str]]) -> dict[str, str]:
    """Role -> the first of ``columns`` whose header (``normalise_header``) is one of the role's
    names (normalised, best first); a column serves one role at most, roles taking theirs in order.
    For side tables whose roles are not the sales' (events, texts)."""
    taken: dict[str, str] = {}
    normalised = {c: normalise_header(c) for c in columns}
    for role, names in roles.items():
        for name in names:
            hit = next((c for c, n in normalised.items() if n == name and c not in taken.values()), None)
            if hit is not None:
                taken[role] = hit
                break
    return taken


def map_roles(columns, roles: dict[str, list[str]], mapping: dict | None, error: str) -> dict[str, str]:
    """Role -> column of a side table (events, spend): recognised by header (``match_headers``),
    then ``mapping``'s choices (a role -> column, or None to leave the role out; roles not in
    ``roles`` ignored), a chosen column serving that role only.

    Raises
    ------
    DataError
        ``error`` (with ``column`` and ``columns``) when a chosen column is not in ``columns``.
    """
    taken = match_headers(columns, roles)
    for role, column in (mapping or {}).items():
        if role not in roles:
            continue
        if column is None:
            taken.pop(role, None)
        elif column not in columns:
            raise DataError(Message(error, column=str(column), columns=list(map(str, columns))))
        else:
            taken = {r: c for r, c in taken.items() if c != column}
            taken[role] = column
    return taken


# Header names per role, best first, already normalised (lower case, no spaces/underscores).
# Covers UCI Online Retail, Shopify and WooCommerce order exports, Olist, Kaggle Groceries and
# common Chinese headers.
SYNONYMS: dict[str, list[str]] = {
    "order_id": ["orderid", "invoiceno", "invoice", "invoicenumber", "ordernumber", "orderno", "order", "name",
                 "transactionid", "receiptid", "receiptno", "basketid", "ticketid", "billno",
                 "订单号", "订单编号", "订单id", "单号", "交易号", "交易单号", "小票号", "流水号"],
    "customer_id": ["customeruniqueid", "customerid", "customeruserid", "customer", "customerno", "clientid",
                    "memberid", "membernumber", "membernumber", "memberno", "userid", "buyerid", "accountid",
                    "email", "billingemail", "customeremail",
                    "客户id", "客户编号", "客户号", "会员id", "会员号", "会员编号", "用户id", "顾客id", "买家id", "客户"],
    "order_date": ["orderdate", "invoicedate", "orderpurchasetimestamp", "createdat", "date", "datetime",
                   "orderdatetime", "purchasedate", "transactiondate", "timestamp", "saledate", "paidat",
                   "orderedat", "time",
                   "下单时间", "订单日期", "订单时间", "日期", "交易时间", "购买时间", "付款时间", "创建时间", "下单日期",
                   "成交时间", "销售日期"],
    "product_id": ["productid", "stockcode", "sku", "lineitemsku", "itemid", "itemcode", "productcode",
                   "articleid", "article", "ean", "upc", "barcode", "itemdescription",
                   "商品编码", "商品id", "商品编号", "货号", "产品编号", "产品id", "条码", "sku编码"],
    "product_name": ["productname", "description", "lineitemname", "itemname", "title", "producttitle", "item",
                     "商品名称", "产品名称", "品名", "商品", "商品标题"],
    "category": ["category", "productcategory", "productcategoryname", "productcategorynameenglish",
                 "producttype", "department", "categoryname",
                 "类目", "品类", "分类", "商品类目", "类别", "商品分类", "一级类目"],
    "quantity": ["quantity", "qty", "lineitemquantity", "units", "unitssold", "quantityordered", "itemcount",
                 "数量", "购买数量", "商品数量", "件数", "销量", "销售数量"],
    "unit_price": ["unitprice", "price", "lineitemprice", "itemprice", "itemcost", "saleprice", "sellingprice",
                   "priceeach", "pricepaid",
                   "单价", "价格", "售价", "成交单价", "商品单价", "成交价", "实付单价"],
    "channel": ["channel", "saleschannel", "source", "platform", "渠道", "销售渠道", "平台", "来源"],
    "store_id": ["storeid", "store", "shopid", "shop", "location", "storecode", "branch",
                 "门店", "门店id", "门店编号", "店铺", "店铺id", "店铺编号"],
    "coupon_code": ["couponcode", "coupon", "discountcode", "promocode", "voucher", "vouchercode",
                    "优惠券", "优惠码", "券码", "优惠券码"],
    "discount": ["discount", "discountamount", "lineitemdiscount", "couponamount", "markdown",
                 "折扣", "优惠金额", "折扣金额", "优惠"],
}


@dataclass(frozen=True)
class LoadResult:
    """What ``load_transactions`` read.

    Attributes
    ----------
    data : DataFrame
        Canonical columns (``CANONICAL`` + ``DERIVED``) with proper dtypes.
    quarantine : DataFrame
        Rejected input rows: their original values (as text), ``row`` (the data row number in the
        file, 1 = first row after the header; for unreadable CSV lines, the file line), ``reason``
        (a code: ``quantity_not_number``, ``date_out_of_range`` …) and ``reason_values`` (JSON: the
        value as read, the accepted range; or empty). ``quarantine_messages`` turns them into
        messages in the catalogue (``ingest.reason.*``). With privacy on, only the role columns,
        protected (see ``promo_core.privacy``), and no reason quotes a value.
    rows_in : int
        Rows in the input (after the header).
    mapping : dict
        Role -> source column (None where the file has no such column).
    report : dict
        Counts and notes: format, encoding, delimiter, guests, returns, duplicates, rows per reason
        code (``quarantine_reasons``), the accepted ranges (``limits``) and ``notes`` (``Message``
        objects: ``ingest.note.*``).
    """

    data: pd.DataFrame
    quarantine: pd.DataFrame
    rows_in: int
    mapping: dict
    report: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Limits:
    """Plausibility bounds: a row with a value outside them is quarantined with the reason, so a
    typo, an overflow or a phone number in the wrong column costs one row, not the analysis.

    Attributes
    ----------
    max_quantity : float
        Largest units on one line either way (returns are negative). Default 1,000,000: far above
        any real order line (the largest in UCI Online Retail is 80,995), far below a phone number.
    max_unit_price : float
        Largest price per unit (prices below 0 have their own reason). Default 1,000,000,000: prices
        are in the file's currency, and a television costs over 10,000,000 in Vietnamese dong or
        Indonesian rupiah; a phone number (10 digits and more) is still out.
    first_date, last_date : datetime.date
        The order dates accepted, both included. Default 1900-01-01 to 2100-12-31: before that is a
        typing error or a placeholder, after it a "never" marker such as 9999-12-31.

    Revenue (quantity × unit price) is then always finite. The bounds may be at most 10¹⁵, where
    whole numbers stay exact.
    """

    max_quantity: float = 1_000_000
    max_unit_price: float = 1_000_000_000
    first_date: datetime.date = datetime.date(FIRST_YEAR, 1, 1)
    last_date: datetime.date = datetime.date(LAST_YEAR, 12, 31)

    def __post_init__(self):
        for name in ("max_quantity", "max_unit_price"):
            value = getattr(self, name)
            if not 0 < value <= 1e15:
                raise DataError(Message("ingest.error.limit_bounds", name=name, value=repr(value)))
        if not self.first_date <= self.last_date:
            raise DataError(Message("ingest.error.limit_dates", first=str(self.first_date), last=str(self.last_date)))

    def ranges(self) -> dict[str, dict[str, str]]:
        """The accepted range of each bounded role (``{"low": …, "high": …}``), as quoted in quarantine
        reasons: the numbers with thousands separators, the dates as YYYY-MM-DD."""
        return {"quantity": {"low": _amount(-self.max_quantity), "high": _amount(self.max_quantity)},
                "unit_price": {"low": "0", "high": _amount(self.max_unit_price)},
                "order_date": {"low": f"{self.first_date:%Y-%m-%d}", "high": f"{self.last_date:%Y-%m-%d}"}}

    def date_span(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """[first, end): the first accepted instant and the one just after the last day."""
        return pd.Timestamp(self.first_date), pd.Timestamp(self.last_date) + pd.Timedelta(days=1)


def _amount(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"


# --------------------------------------------------------------------------------------------
# Reading bytes into a DuckDB relation of text columns
# --------------------------------------------------------------------------------------------
HEAD_BYTES = 1 << 20  # what kind, encoding, delimiter and header are told from
CHUNK_BYTES = 8 << 20  # a file is read and rewritten in pieces of this size, never held whole
PROGRESS_BYTES = 64 << 20  # how often a load tells the bytes it has read


def _read_bytes(source) -> tuple[bytes, Iterator[bytes], str | None, str]:
    """(the first megabyte, the rest in chunks, the file's path when ``source`` is a path, display name).

    Why chunks: an upload of hundreds of megabytes copied into one ``bytes`` (and once more per
    decoding) multiplies a server's memory by the file size; read in pieces it costs one piece.
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise DataError(Message("ingest.error.file_not_found", path=str(path)))
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
        return head, _file_chunks(path, len(head)), str(path), path.name
    if isinstance(source, (bytes, bytearray, memoryview)):
        view = memoryview(source)
        chunks = (bytes(view[i:i + CHUNK_BYTES]) for i in range(HEAD_BYTES, len(view), CHUNK_BYTES))
        return bytes(view[:HEAD_BYTES]), chunks, None, "upload"
    if not hasattr(source, "read"):
        raise DataError(Message("ingest.error.not_a_source"))
    if hasattr(source, "seek"):
        source.seek(0)  # (an upload another reader has already read)

    def read(size: int) -> bytes:
        data = source.read(size)
        return data.encode("utf-8") if isinstance(data, str) else data

    return read(HEAD_BYTES), iter(lambda: read(CHUNK_BYTES), b""), None, getattr(source, "name", "upload")


Progress = Callable[[Message], None]


def _size_of(source) -> int | None:
    """The bytes of a file path, bytes or upload, when known without reading it."""
    if isinstance(source, (str, os.PathLike)):
        return Path(source).stat().st_size
    if isinstance(source, (bytes, bytearray, memoryview)):
        return len(source)
    return getattr(source, "size", None)


def _told(chunks: Iterator[bytes], done: int, total: int | None, name: str,
          progress: Progress | None) -> Iterator[bytes]:
    """``chunks`` as they are, telling ``progress`` the bytes read so far every ``PROGRESS_BYTES``."""
    if progress is None:
        yield from chunks
        return
    told = 0
    for chunk in chunks:
        done += len(chunk)
        if done - told >= PROGRESS_BYTES:
            progress(Message("data.progress.reading", file=name, mb=done / 1e6, total_mb=(total or done) / 1e6))
            told = done
        yield chunk


def _file_chunks(path: Path, start: int) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        fh.seek(start)
        yield from iter(lambda: fh.read(CHUNK_BYTES), b"")


def _sniff_kind(head: bytes, name: str) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError(Message("ingest.error.old_excel", file=name))
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm") and not head.startswith(b"PK"):
        raise DataError(Message("ingest.error.fake_excel", file=name))
    if suffix == ".parquet":
        raise DataError(Message("data.error.not_parquet", path=name))
    return "text"


_GB_UNITS = re.compile(rb"(?P<four>[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39])|(?P<core>[\xa1-\xfe][\xa1-\xfe])"
                       rb"|(?P<ext>[\x81-\xfe][\x40-\xfe])|(?P<lone>[\x80-\xff])")


def detect_encoding(sample: bytes) -> str:
    """The text encoding of a CSV: UTF-8 (with or without BOM), UTF-16, GB18030 or CP1252.

    Latin-1 bytes are usually also valid GBK, so "decodes without error" is not enough. Chinese
    text comes as pairs of bytes both in 0xA1-0xFE (GB2312) or GB18030's four-byte sequences;
    Western accented letters are single high bytes next to ASCII letters ("Cr\\xe8me"), which GBK
    would read as rare extension characters. The share of high bytes in Chinese-like units decides.
    """
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still UTF-8
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    units = {"four": 0, "core": 0, "ext": 0, "lone": 0}
    for match in _GB_UNITS.finditer(sample):
        units[match.lastgroup] += len(match.group())
    high = sum(units.values())
    paired = units["four"] + units["core"]
    try:
        sample.decode("gb18030")
        gb_ok = True
    except UnicodeDecodeError as exc:
        gb_ok = exc.start >= len(sample) - 3
    if gb_ok and high and paired / high >= 0.9:
        return "gb18030"
    return "cp1252"


def _check_text(sample: bytes, name: str) -> None:
    if not sample.strip():
        raise DataError(Message("ingest.error.empty_file", file=name))
    if b"\x00" in sample[:65536] and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(Message("ingest.error.binary", file=name))
    text = sample[:65536].decode("latin-1")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\x0c")
    if controls > 0.01 * len(text):
        raise DataError(Message("ingest.error.unreadable_characters", file=name))


ENCODING_LABELS = {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "utf-16": "UTF-16",
                   "gb18030": "GBK / GB18030 (Chinese)", "cp1252": "Latin-1 / Windows-1252"}


def _encodings_of(head: bytes) -> tuple[str, str | None]:
    """(the encoding most of the file's lines are in, the one its other lines are in or None).

    A file pasted together from two exports can be UTF-8 with some Windows-1252 lines (or the other
    way round): each line is then read in its own encoding (``_decode_line``), and the encoding
    most non-ASCII lines of the first megabyte read as is the file's main encoding.
    """
    encoding = detect_encoding(head)
    if encoding != "cp1252" and encoding != "gb18030":
        return encoding, None
    lines = [line for line in head[:head.rfind(b"\n") + 1 or None].split(b"\n") if not line.isascii()]
    legacy = _legacy_encoding([line for line in lines if not _is_utf8(line)]) if lines else encoding
    votes = collections.Counter(read[1] for read in (_decode_line(line, legacy, "utf-8") for line in lines) if read)
    return ("utf-8", legacy) if votes["utf-8"] > votes[legacy] else (legacy, "utf-8")


def _legacy_encoding(lines: list[bytes]) -> str:
    """GB18030 or Windows-1252, whichever lines that are not UTF-8 are in."""
    found = detect_encoding(b"\n".join(lines) + b"\n")  # (the LF: no line looks cut short)
    return found if found in ("gb18030", "cp1252") else "cp1252"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


@dataclass
class _TextFacts:
    """What the streaming pass over a text file found."""

    main: str  # the encoding most lines are in
    other: str | None = None  # the encoding the rest are in, once a line needs it
    other_lines: int = 0  # lines read in ``other``
    first_other: list[int] = field(default_factory=list)  # their first few file line numbers
    unreadable: int = 0  # lines in neither encoding: left as they are, for the CSV reader to quarantine

    def notes(self) -> list[Message]:
        main, other = ENCODING_LABELS[self.main], ENCODING_LABELS.get(self.other or "", "")
        out = []
        if self.other_lines:
            shown = ", ".join(f"{n:,}" for n in self.first_other)
            shown += ", …" if self.other_lines > len(self.first_other) else ""
            out.append(Message(f"ingest.note.other_encoding.{'one' if self.other_lines == 1 else 'many'}",
                               lines=self.other_lines, other=other, main=main, shown=shown))
        if self.unreadable:
            out.append(Message(f"ingest.note.neither_encoding.{'one' if self.unreadable == 1 else 'many'}",
                               lines=self.unreadable, main=main, other=other))
        return out

    def reason_values(self) -> str:
        """The values (JSON) of the quarantine reason ``encoding``: a line in neither encoding."""
        return json.dumps({"main": ENCODING_LABELS[self.main], "other": ENCODING_LABELS[self.other]})


def _transcode(head: bytes, rest: Iterator[bytes], out_path: str) -> _TextFacts:
    """Write the text file as UTF-8 with LF line ends to ``out_path``, a chunk at a time.

    Why: DuckDB reads one encoding and one kind of line end per file, so a CSV mixing CRLF and LF
    failed whole and one decoded in a single guessed encoding turned some of its lines to mojibake.
    Here every line end becomes LF and every line is decoded on its own merits (``_decode_line``);
    a line no encoding in play reads is written as it is, and the CSV reader quarantines it.
    Memory: one chunk and the unfinished line after it.
    """
    main, other = _encodings_of(head)
    facts = _TextFacts(main, other)
    chunks: Iterator[bytes] = itertools.chain([head], rest)
    if main == "utf-16":
        chunks = _utf16_as_utf8(chunks)
    elif head.startswith(b"\xef\xbb\xbf"):
        chunks = itertools.chain([head[3:]], rest)
    line_no, carry = 1, b""
    with open(out_path, "wb") as out:
        for chunk in chunks:
            buf = carry + chunk
            held = b""
            if b"\r" in buf:
                if buf.endswith(b"\r"):  # its LF may start the next chunk
                    buf, held = buf[:-1], b"\r"
                buf = buf.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            cut = buf.rfind(b"\n") + 1
            out.write(_decode_block(buf[:cut], line_no, facts))
            line_no += buf.count(b"\n", 0, cut)
            carry = buf[cut:] + held
        out.write(_decode_block(carry.replace(b"\r", b"\n"), line_no, facts))
    return facts


def _plain(chunks: Iterator[bytes]) -> bool:
    """Whether every chunk is ASCII with LF line ends only: such a file (on disk) needs no rewriting
    (``_transcode``), which saves writing a copy of a big export."""
    return all(chunk.isascii() and b"\r" not in chunk for chunk in chunks)


def _utf16_as_utf8(chunks: Iterator[bytes]) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
    for chunk in chunks:
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")


def _decode_block(block: bytes, line_no: int, facts: _TextFacts) -> bytes:
    """Whole lines of the file, from line ``line_no``, as UTF-8.

    The block is decoded in the main encoding in one call; only the lines that call stumbles on,
    and in a GBK or Windows-1252 file the lines that may be UTF-8, are decided line by line.
    """
    if block.isascii():
        return block
    unicode = facts.main in ("utf-8", "utf-8-sig", "utf-16")
    if unicode and _is_utf8(block):
        return block
    if facts.other is None:  # the first lines not in the main encoding tell which one they are in
        facts.other = _legacy_encoding([line for line in block.split(b"\n") if not _is_utf8(line)])
    encoding = "utf-8" if unicode else facts.main
    suspects = [] if unicode else _maybe_utf8_lines(block)
    out, pos, counted, counted_lines = [], 0, 0, line_no
    view = memoryview(block)

    def take(end: int) -> None:  # block[pos:end], if the main encoding reads it
        text = codecs.decode(view[pos:end], encoding)
        out.append(block[pos:end] if unicode else text.encode("utf-8"))

    def decide(start: int, end: int) -> None:  # one line, on its own merits
        nonlocal counted, counted_lines
        counted_lines += block.count(b"\n", counted, start)
        counted = start
        out.append(_line_as_utf8(block[start:end], counted_lines, facts))

    for start, end in suspects + [(len(block), len(block))]:
        while pos < start:
            try:
                take(start)
                pos = start
            except UnicodeDecodeError as exc:
                bad = pos + exc.start
                line_start, line_end = block.rfind(b"\n", 0, bad) + 1, block.find(b"\n", bad)
                line_end = len(block) if line_end == -1 else line_end
                take(line_start)
                decide(line_start, line_end)
                pos = line_end
        if start < len(block):
            decide(start, end)
            pos = end
    return b"".join(out)


def _maybe_utf8_lines(block: bytes) -> list[tuple[int, int]]:
    """(start, end) of the lines of ``block`` that have bytes above ASCII and break none of UTF-8's
    rules: the lines of a GBK or Windows-1252 file that may be UTF-8 (vectorised, as a file has millions)."""
    data = np.frombuffer(block, np.uint8)
    high = data >= 0x80
    lead = (data >= 0xC2) & (data <= 0xF4)
    follower = high & (data <= 0xBF)
    broken = (data == 0xC0) | (data == 0xC1) | (data >= 0xF5)
    broken[:-1] |= lead[:-1] & ~follower[1:]  # a lead byte without its continuation
    broken[-1] |= lead[-1]
    broken[1:] |= follower[1:] & ~high[:-1]  # a continuation byte after an ASCII one
    broken[0] |= follower[0]
    ends = np.flatnonzero(data == ord("\n"))
    starts = np.r_[0, ends + 1]
    starts = starts[starts < len(data)]
    lines = np.flatnonzero(np.logical_or.reduceat(high, starts) & ~np.logical_or.reduceat(broken, starts))
    return list(zip(starts[lines].tolist(), np.r_[ends, len(data)][lines].tolist()))


def _line_as_utf8(line: bytes, n: int, facts: _TextFacts) -> bytes:
    """Line ``n`` decoded on its own merits (``_decode_line``) and counted in ``facts``; a line neither
    encoding reads stays as it is."""
    decoded = _decode_line(line, facts.main, facts.other)
    if decoded is None:
        facts.unreadable += 1
        return line
    text, encoding = decoded
    if encoding != ("utf-8" if facts.main in ("utf-8", "utf-8-sig", "utf-16") else facts.main):
        facts.other_lines += 1
        if len(facts.first_other) < 5:
            facts.first_other.append(n)
    return line if encoding == "utf-8" else text.encode("utf-8")


def _decode_line(line: bytes, main: str, other: str) -> tuple[str, str] | None:
    """(text, encoding) of one line, or None when neither encoding reads it.

    A line that reads as UTF-8 is UTF-8: Windows-1252 or Chinese text only rarely forms valid UTF-8.
    In a GBK file short lines can read both ways ("猫" in GBK is "è" in UTF-8), so there the reading
    made of more common characters wins and a tie stays GBK.
    """
    legacy = other if main in ("utf-8", "utf-8-sig", "utf-16") else main
    try:
        utf8 = line.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    try:
        old = line.decode(legacy)
    except UnicodeDecodeError:
        old = None
    if utf8 is None:
        return None if old is None else (old, legacy)
    if old is not None and main == "gb18030" and _common_share(old) >= _common_share(utf8):
        return old, legacy
    return utf8, "utf-8"


@functools.lru_cache(maxsize=65536)
def _is_common(ch: str) -> bool:
    """Whether a character is in GB2312, the set of everyday Chinese (and Latin, Greek, Cyrillic) text."""
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _common_share(text: str) -> float:
    """The share of a line's non-ASCII characters that are everyday ones in place: in GB2312, and not
    a Chinese character wedged between Latin letters ("Cr猫me" is "Crème" read as GBK)."""
    wide = [i for i, ch in enumerate(text) if ord(ch) > 127]
    common = sum(_is_common(text[i]) and not (_is_ideograph(text[i]) and _latin_around(text, i)) for i in wide)
    return common / len(wide) if wide else 1.0


def _is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _latin_around(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isascii() and text[i - 1].isalpha() \
        and text[i + 1].isascii() and text[i + 1].isalpha()


def _detect_delimiter(text_sample: str) -> str:
    """The delimiter whose count per line (outside quotes) is most consistent and non-zero."""
    lines = []
    for line in _logical_lines(text_sample)[:200]:
        if line.strip():
            lines.append(line)
    best, best_score = ",", -1.0
    for delim in [",", ";", "\t", "|"]:
        counts = [len(_split_outside_quotes(line, delim)) - 1 for line in lines]
        if not counts or max(counts) == 0:
            continue
        mode = max(set(counts), key=counts.count)
        if mode == 0:
            continue
        score = counts.count(mode) / len(counts) + 0.01 * mode
        if score > best_score:
            best, best_score = delim, score
    return best


def _logical_lines(text: str) -> list[str]:
    """Lines of CSV text, joining physical lines that sit inside a quoted field."""
    out, buf, quoted = [], [], False
    for line in text.splitlines():
        buf.append(line)
        quoted ^= line.count('"') % 2 == 1
        if not quoted:
            out.append("\n".join(buf))
            buf = []
    return out


def _split_outside_quotes(line: str, delim: str) -> list[str]:
    parts, cur, quoted = [], [], False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delim and not quoted:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return parts


@dataclass
class _File:
    """A file opened by the front door (``_open_file``): its kind, where it lies on disk (a text file
    as UTF-8 with LF line ends), and what reading it found."""

    kind: str  # "text", "xlsx" or "parquet"
    path: str
    info: dict  # file, format, notes; for text also encoding and delimiter
    size: int | None = None  # bytes of the source, when known
    header: list[str] = field(default_factory=list)  # a text file's columns (deduplicated)
    delimiter: str = ","
    text: _TextFacts | None = None


def _open_file(source, tmp: TempFiles, progress: Progress | None = None, on_disk_in: str | None = None) -> _File:
    """Tell a source's kind, encoding, dialect and header, and have it on disk: a file path as it is
    (unless ``on_disk_in``, a folder it must then lie in: linked there, or copied when it cannot be),
    anything else written to ``tmp``; a text file not plain ASCII with LF line ends rewritten there
    as UTF-8 (``_transcode``)."""
    head, rest, path, name = _read_bytes(source)
    if not head:
        raise DataError(Message("ingest.error.empty_file", file=name))
    kind = _sniff_kind(head, name)
    info: dict = {"file": name, "format": kind, "notes": []}
    if kind != "text":
        if path is None:
            path = tmp.write(itertools.chain([head], rest), f".{kind}")
        return _File(kind, _placed(path, tmp, on_disk_in), info, _size_of(source))
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    _check_text(head.decode("utf-16", errors="ignore").encode("utf-8") if utf16 else head, name)
    told = _told(rest, len(head), _size_of(source), name, progress)
    if path is not None and head.isascii() and b"\r" not in head and _plain(told):
        text = _TextFacts("utf-8")  # a file on disk that DuckDB reads as it is: no copy
        path = _placed(path, tmp, on_disk_in)
    else:
        if path is not None:  # (the check above read some of it)
            told = _told(_file_chunks(Path(path), len(head)), len(head), _size_of(source), name, progress)
        path = tmp.path(".csv")
        text = _transcode(head, told, path)
    info["encoding"] = ENCODING_LABELS[text.main]
    info["notes"] = text.notes()
    with open(path, "rb") as fh:
        head_text = fh.read(HEAD_BYTES).decode("utf-8", errors="ignore")
    delim = _detect_delimiter(head_text)
    info["delimiter"] = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[delim]
    lines = _logical_lines(head_text) or head_text.splitlines()  # (a stray quote leaves no logical line)
    header_line = lines[0] if head_text.strip() else ""
    header = [h.strip() for h in next(csv.reader(io.StringIO(header_line), delimiter=delim), [])]
    header = _dedupe_header(header)
    _check_width(header, name)  # (before DuckDB sets up a buffer per column)
    return _File(kind, path, info, _size_of(source), header, delim, text)


def _placed(path: str, tmp: TempFiles, folder: str | None) -> str:
    """``path``, or when ``folder`` is given and it lies elsewhere, a hard link to it (no copy) in
    ``tmp``'s folder; a copy where the file system allows no link (another disk)."""
    if folder is None or Path(path).resolve().is_relative_to(Path(folder).resolve()):
        return path
    placed, real = tmp.path(Path(path).suffix), Path(path).resolve()  # (a link to a symbolic link would be one)
    os.unlink(placed)
    try:
        os.link(real, placed)
    except OSError:
        shutil.copyfile(real, placed)
    return placed


def _csv_sql(file: _File, rejects: bool) -> str:
    """DuckDB's reading of a text file: every column as text under the file's header, in the file's
    dialect; ``rejects``: the lines it cannot read go to its ``reject_errors`` table, else they are skipped."""
    cols = "{" + ", ".join(f"{quote_literal(h)}: 'VARCHAR'" for h in file.header) + "}"
    return f"""read_csv({quote_literal(file.path)}, delim={quote_literal(file.delimiter)}, quote='"', escape='"',
        header=true, auto_detect=false, columns={cols}, {'store_rejects' if rejects else 'ignore_errors'}=true,
        max_line_size={CSV_MAX_LINE_BYTES}, strict_mode=true, encoding='utf-8')"""


def _parquet_sql(con, path: str, name: str, max_cells: int | None = None) -> str:
    """A Parquet file's columns in the types validation reads (``_keep_or_text``), deduplicated names."""
    try:
        types = con.execute(f"DESCRIBE SELECT * FROM read_parquet({quote_literal(path)})").fetchall()
        rows = con.execute(f"SELECT num_rows FROM parquet_file_metadata({quote_literal(path)})").fetchall()[0][0]
    except duckdb.Error as exc:
        raise DataError(Message("ingest.error.damaged_parquet", file=name)) from exc
    if max_cells is not None and rows * len(types) > max_cells:
        raise DataError(Message("ingest.error.parquet_too_big", file=name, rows=rows, columns=len(types),
                                limit=PARQUET_MAX_CELLS))
    names = _dedupe_header([c for c, *_ in types])
    select = ", ".join(_keep_or_text(c, t, new) for (c, t, *_), new in zip(types, names))
    return f"SELECT {select} FROM read_parquet({quote_literal(path)})"


def _record_rejects(con, file: _File) -> None:
    """The lines DuckDB's CSV reader could not read (its ``reject_errors``) into ``rejects``, each with
    its reason code."""
    con.execute("""INSERT INTO rejects SELECT DISTINCT ON (line) line, csv_line,
        CASE error_type WHEN 'MISSING COLUMNS' THEN 'too_few_values' WHEN 'TOO MANY COLUMNS' THEN 'too_many_values'
                        WHEN 'UNQUOTED VALUE' THEN 'stray_quote' ELSE 'unreadable' END,
        CASE WHEN error_type NOT IN ('MISSING COLUMNS', 'TOO MANY COLUMNS', 'UNQUOTED VALUE')
             THEN CAST(json_object('value', error_message) AS VARCHAR) END
        FROM reject_errors ORDER BY line""")
    if file.text.unreadable:  # the lines the streaming pass left undecoded: DuckDB rejected them as not UTF-8
        con.execute("UPDATE rejects SET reason = 'encoding', reason_values = ? WHERE line IN (SELECT line "
                    "FROM reject_errors WHERE error_type = 'INVALID ENCODING')", [file.text.reason_values()])


def _load_raw(file: _File, sheet: str | int | None, tmp: TempFiles, progress: Progress | None = None,
              max_cells: int | None = None) -> tuple[duckdb.DuckDBPyConnection, dict]:
    """A locked-down connection (``engine.connect``: it can read this one file and nothing else)
    holding view ``raw`` (the file's columns + ``__row``) and table ``rejects``; and facts about the file."""
    info, name, path = file.info, file.info["file"], file.path
    if file.kind == "xlsx":
        _check_xlsx(path, name)
        con = _connect_for(None, tmp)
        info["sheet"] = _read_excel(path, name, sheet, con)
    elif file.kind == "parquet":
        con = _connect_for(path, tmp)
        select = _parquet_sql(con, path, name, max_cells)
        try:
            con.execute(f"CREATE TABLE raw_t AS {select}")
        except duckdb.Error as exc:
            raise DataError(Message("ingest.error.damaged_parquet", file=name)) from exc
    else:
        con = _connect_for(path, tmp)
        if progress is not None:
            progress(Message("data.progress.parsing", file=name))
        try:
            con.execute(f"CREATE TABLE raw_t AS SELECT * FROM {_csv_sql(file, rejects=True)}")
        except duckdb.Error as exc:
            raise DataError(Message("ingest.error.not_a_table", file=name)) from exc
        _record_rejects(con, file)
    # rows keep the file's order (preserve_insertion_order), so rowid + 1 is the data row number
    con.execute("CREATE VIEW raw AS SELECT rowid + 1 AS __row, * FROM raw_t")
    info["columns"] = [c for c, *_ in con.execute("DESCRIBE raw_t").fetchall()]
    _check_width(info["columns"], name)
    return con, info


# A Parquet file compresses runs of equal values to nearly nothing, so its size says little about the
# table inside: its own row count (which is what DuckDB reads) is checked instead, where the table
# becomes a frame (load_transactions, read_table; load_into streams it). About what a 1 GB CSV holds.
PARQUET_MAX_CELLS = 150_000_000
LOAD_MEMORY_LIMIT = "1GB"  # DuckDB's share of one load; past it, its tables spill to the call's folder
# The longest CSV line read (a longer one is quarantined). DuckDB reads a CSV in buffers of 16 such
# lines, and two at a time, so this also sets the reader's memory: 8 MB lines, 256 MB of buffers.
CSV_MAX_LINE_BYTES = 8 << 20


def _connect_for(path: str | None, tmp: TempFiles, paths: list[str] = ()) -> duckdb.DuckDBPyConnection:
    """``engine.connect`` that may read ``path`` (or ``paths``) only, within ``LOAD_MEMORY_LIMIT`` (spilling to the
    call's own temporary folder), with the ``rejects`` table every reader fills."""
    con = connect([path] if path is not None else paths, memory_limit=LOAD_MEMORY_LIMIT, temp_dir=tmp.folder)
    con.execute("CREATE TABLE rejects (line BIGINT, raw_line VARCHAR, reason VARCHAR, reason_values VARCHAR)")
    return con


def _sample(con, select: str, n: int = 20000) -> str:
    """``select`` over a sample of ``raw_t``: all rows of a small file, whole blocks of a big one
    (a row-by-row reservoir over ten million rows costs seconds)."""
    rows = con.execute("SELECT count(*) FROM raw_t").fetchall()[0][0]
    if rows <= 5 * n:
        return f"SELECT {select} FROM raw_t USING SAMPLE {n} ROWS"
    return f"SELECT {select} FROM raw_t USING SAMPLE {min(100.0, 100.0 * 2 * n / rows):.4f}% (system)"


def _keep_or_text(col: str, dtype: str, name: str) -> str:
    """A Parquet column under its (deduplicated) name, in one of the types validation reads:
    dates and timestamps as they are, whole numbers that fit as BIGINT, fractions as DOUBLE, and
    the rest as text — 64-bit unsigned and 128-bit integers and DECIMAL(19+, 0) too, since a DOUBLE
    would round an id (and the text still reads as a number where one is wanted), as well as
    INTERVAL, BOOLEAN, BLOB and nested types (LIST, STRUCT, MAP), which no role can use as they are."""
    q, new = quote_ident(col), quote_ident(name)
    decimal = re.fullmatch(r"DECIMAL\((\d+),(\d+)\)", dtype.replace(" ", ""))
    if dtype.startswith(("TIMESTAMP", "DATE")):
        return f"{q} AS {new}"
    if dtype in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER") \
            or (decimal and decimal[2] == "0" and int(decimal[1]) <= 18):
        return f"CAST({q} AS BIGINT) AS {new}"
    if dtype in ("FLOAT", "DOUBLE") or (decimal and decimal[2] != "0"):
        return f"CAST({q} AS DOUBLE) AS {new}"
    return f"CAST({q} AS VARCHAR) AS {new}"


XLSX_MAX_CELLS = 10_000_000  # a sheet's cells: about a full Excel sheet (1,048,576 rows) of ten columns
XLSX_MAX_PART_BYTES = 1 << 30  # one part of a workbook (a sheet's XML, the shared strings) uncompressed
XLSX_BATCH_ROWS = 100_000  # rows turned into Python values at a time


def _check_xlsx(path: str, name: str) -> None:
    """Refuse a workbook that would expand past ``XLSX_MAX_PART_BYTES`` or ``XLSX_MAX_CELLS`` before
    calamine parses it.

    Why: an .xlsx is a zip of XML, and a few megabytes can expand to gigabytes; calamine also
    allocates a sheet as a dense rectangle from its first to its last cell, so two cells at A1 and
    XFD1048576 ask for 17 billion cells and abort the whole server. Nothing the zip directory or the
    sheet claims is trusted: every part is inflated here, in pieces, its real size compared with the
    claim, and a sheet's cells counted and its rectangle measured from the cells' own references.
    """
    try:
        with zipfile.ZipFile(path) as book:
            parts = book.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _damaged_workbook(name) from exc
    if len({p.filename for p in parts}) < len(parts) \
            or any(p.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for p in parts):
        raise _damaged_workbook(name)
    for part in parts:
        if part.file_size > XLSX_MAX_PART_BYTES:
            raise _workbook_too_big(name, Message("ingest.workbook.part_too_big", part=part.filename,
                                                  mb=part.file_size / 2**20))
    with open(path, "rb") as fh:
        for part in parts:
            sheet = _SheetExtent() if part.filename.startswith("xl/worksheets/") else None
            size = 0
            for piece in _inflate(fh, part, name):
                size += len(piece)
                if size > part.file_size:  # more than the directory claims: a forged zip
                    raise _damaged_workbook(name)
                if sheet is not None:
                    sheet.read(piece, name)
            if size != part.file_size:
                raise _damaged_workbook(name)
            if sheet is not None:
                sheet.finish(name)


def _inflate(fh, part: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """A zip part's bytes as they really inflate, a few MB at a time (``zipfile`` would stop at the
    size the directory claims; calamine does not)."""
    fh.seek(part.header_offset)
    local = fh.read(30)
    if local[:4] != b"PK\x03\x04":
        raise _damaged_workbook(name)
    fh.seek(part.header_offset + 30 + int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little"))
    inflater = zlib.decompressobj(-15) if part.compress_type == zipfile.ZIP_DEFLATED else None
    left = part.compress_size
    while left > 0:
        data = fh.read(min(left, 1 << 20))
        if not data:
            return
        left -= len(data)
        if inflater is None:
            yield data
            continue
        try:
            while data and not inflater.eof:
                yield inflater.decompress(data, 4 << 20)
                data = inflater.unconsumed_tail
        except zlib.error as exc:
            raise _damaged_workbook(name) from exc


_SHEET_TAG = re.compile(rb"<(\w+:)?worksheet[\s>]")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')
_WHOLE_TAG = re.compile(rb"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")  # (">" may stand inside quoted values)


class _SheetExtent:
    """A sheet's cells and the rectangle calamine will allocate for them, measured from its XML as
    it inflates, piece by piece (with numpy: a big sheet has millions of cells).

    The rectangle runs to the largest row and column any reference names (a row's r="12", a
    cell's r="AB12"); rows and cells without a reference follow on from the previous ones.
    """

    def __init__(self):
        self.tail = b""
        self.cell_tag = self.row_tag = b""  # element names with the sheet's namespace prefix ("c" or "x:c")
        self.cells = self.rows = self.cell_refs = self.row_refs = 0
        self.last_row = self.last_col = self.widest = self.in_row = 0

    def read(self, piece: bytes, name: str) -> None:
        text = self.tail + piece
        cut = text.rfind(b"<")  # whole tags only: an unfinished one waits for the next piece
        if cut == -1 or _WHOLE_TAG.match(text, cut):
            cut = len(text)
        elif len(text) - cut > 1 << 20:  # no real tag is a megabyte long
            raise _damaged_workbook(name)
        text, self.tail = text[:cut], text[cut:]
        if not self.cell_tag:
            found = _SHEET_TAG.search(text)
            if found is None:
                return
            prefix = found.group(1) or b""
            self.cell_tag, self.row_tag = prefix + b"c", prefix + b"row"
            claim = _DIMENSION.search(text)
            if claim and claim.group(3):
                self._check(_column(claim.group(3)) * int(claim.group(4)), name)
        data = np.frombuffer(text, np.uint8)
        opens = np.flatnonzero(data == ord("<"))
        is_cell, is_row = _names_at(data, opens, self.cell_tag), _names_at(data, opens, self.row_tag)
        self.cells += int(is_cell.sum())
        self.rows += int(is_row.sum())
        row_no = np.cumsum(is_row)  # 0: the row the previous piece left open
        per_row = np.bincount(row_no[is_cell], minlength=int(row_no[-1]) + 1 if len(row_no) else 1)
        per_row[0] += self.in_row
        self.widest = max(self.widest, int(per_row[:-1].max(initial=0)))
        self.in_row = int(per_row[-1])
        references = _references(data)
        if references is None:
            raise _damaged_workbook(name)
        last_row, last_col, cell_refs, row_refs = references
        self.last_row, self.last_col = max(self.last_row, last_row), max(self.last_col, last_col)
        self.cell_refs += cell_refs
        self.row_refs += row_refs
        self._check(self.cells, name)
        self._check(self.last_row * self.last_col, name)

    def finish(self, name: str) -> None:
        """The whole rectangle, once every piece is read."""
        self.widest = max(self.widest, self.in_row)
        rows, cols = self.last_row, self.last_col
        if self.cell_refs < self.cells:  # cells without a reference of their own follow on from the previous
            rows, cols = rows + max(0, self.rows - self.row_refs), max(cols, self.widest)
        self._check(rows * cols, name)

    @staticmethod
    def _check(cells: int, name: str) -> None:
        if cells > XLSX_MAX_CELLS:
            raise _workbook_too_big(name, Message("ingest.workbook.sheet_too_big", cells=cells))


def _names_at(data: np.ndarray, opens: np.ndarray, tag: bytes) -> np.ndarray:
    """Which '<' positions ``opens`` start an element called ``tag`` (the name, then a space, '>' or '/')."""
    last = len(data) - 1
    found = data[np.minimum(opens + 1, last)] == tag[0]
    for k in range(1, len(tag) + 1):
        at = np.minimum(opens[found] + 1 + k, last)
        found[found] = data[at] == tag[k] if k < len(tag) else \
            (data[at] <= 32) | (data[at] == ord(">")) | (data[at] == ord("/"))
    return found


def _references(data: np.ndarray) -> tuple[int, int, int, int] | None:
    """(largest row, largest column, cell references, row references) of the r="..." attributes in
    ``data`` (a row's r="12", a cell's r="AB12"); None when one is not a reference inside Excel's
    grid (up to XFD1048576 in form: at most three letters and seven digits)."""
    last = len(data) - 1
    equals = np.flatnonzero(data == ord("="))
    equals = equals[(equals >= 2) & (equals < last)]
    starts = equals[(data[equals - 1] == ord("r")) & (data[equals + 1] == ord('"')) & (data[equals - 2] <= 32)] + 2
    col, letters, in_letters = np.zeros(len(starts), np.int64), np.zeros(len(starts), np.int64), starts >= 0
    for k in range(4):
        char = data[np.minimum(starts + k, last)].astype(np.int64)
        in_letters &= (char >= ord("A")) & (char <= ord("Z"))
        col = np.where(in_letters, col * 26 + char - 64, col)
        letters += in_letters
    row, digits, in_digits = np.zeros(len(starts), np.int64), np.zeros(len(starts), np.int64), starts >= 0
    for k in range(8):
        char = data[np.minimum(starts + letters + k, last)].astype(np.int64)
        in_digits &= (char >= ord("0")) & (char <= ord("9"))
        row = np.where(in_digits, row * 10 + char - ord("0"), row)
        digits += in_digits
    ends = data[np.minimum(starts + letters + digits, last)]
    if ((letters > 3) | (digits == 0) | (digits > 7) | (ends != ord('"'))).any():
        return None
    return int(row.max(initial=0)), int(col.max(initial=0)), int((letters > 0).sum()), int((letters == 0).sum())


def _column(letters: bytes) -> int:
    """Excel column letters as a number: A = 1, AB = 28."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _workbook_too_big(name: str, what: Message) -> DataError:
    return DataError(Message("ingest.error.workbook_too_big", file=name, what=what, cells=XLSX_MAX_CELLS,
                             mb=XLSX_MAX_PART_BYTES // 2**20))


def _damaged_workbook(name: str) -> DataError:
    return DataError(Message("ingest.error.damaged_workbook", file=name))


def _read_excel(path: str, name: str, sheet, con: duckdb.DuckDBPyConnection) -> str:
    """Read a sheet (checked by ``_check_xlsx``) into table ``raw_t`` of ``con``; return its name.

    Rows become Python values ``XLSX_BATCH_ROWS`` at a time: a first pass finds each column's kind
    (numbers, dates or text, as the whole column decides), a second converts batch by batch.
    """
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(path)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise _damaged_workbook(name) from exc
    names = book.sheet_names
    if sheet is None:  # the first sheet with a row below its header (kept once parsed: parsing is the slow part)
        cells = next((c for c in map(book.get_sheet_by_name, names) if len(c.to_python(nrows=2)) > 1), None) \
            or book.get_sheet_by_name(names[0])
    else:
        chosen = names[sheet] if isinstance(sheet, int) else sheet
        if chosen not in names:
            raise DataError(Message("ingest.error.no_sheet", file=name, sheet=repr(sheet), sheets=tuple(names)))
        cells = book.get_sheet_by_name(chosen)
    chosen = cells.name

    def rows() -> Iterator[list]:  # (iter_rows starts at row 1; to_python's skip_empty_area did not)
        return itertools.islice(cells.iter_rows(), cells.start[0] if cells.start else 0, None)

    first = next(rows(), None)
    if not first or not any(str(v).strip() for v in first):
        raise DataError(Message("ingest.error.empty_sheet", file=name, sheet=repr(chosen)))
    header = _dedupe_header([str(h).strip() for h in first])
    kinds: list[set] = [set() for _ in header]
    blanks = [False] * len(header)
    for batch in _batches(itertools.islice(rows(), 1, None)):
        for j, values in enumerate(zip(*batch)):
            kinds[j].update(type(v) for v in values if v != "")
            blanks[j] = blanks[j] or "" in values
    dtypes = [_excel_dtype(k, blank) for k, blank in zip(kinds, blanks)]
    batches = _batches(itertools.islice(rows(), 1, None))
    for n, batch in enumerate(itertools.chain(batches, [[]] if not cells.height or cells.height == 1 else [])):
        frame = pd.DataFrame({col: _excel_column([row[j] for row in batch], dtype)
                              for j, (col, dtype) in enumerate(zip(header, dtypes))}, columns=header)
        _register_frame(con, frame, append=n > 0)
    return chosen


def _batches(rows: Iterator[list]) -> Iterator[list[list]]:
    while batch := list(itertools.islice(rows, XLSX_BATCH_ROWS)):
        yield batch


def _excel_dtype(kinds: set, blank: bool) -> str:
    """How a column is kept: numbers (whole numbers without blanks as integers), dates, else text."""
    if kinds and kinds <= {float, int}:
        return "int64" if kinds == {int} and not blank else "float64"
    if kinds and all(issubclass(k, (datetime.datetime, datetime.date)) for k in kinds):
        return "datetime64[us]"
    return "str"


def _excel_column(values: list, dtype: str) -> pd.Series:
    series = pd.Series(values, dtype=object)
    if dtype in ("int64", "float64"):
        return pd.to_numeric(series.replace("", np.nan), errors="coerce").astype(dtype)
    if dtype == "datetime64[us]":
        return pd.to_datetime(series.replace("", pd.NaT), errors="coerce").astype(dtype)
    text = series.map(_cell_text)
    return text.astype("str").where(text.notna())


def _cell_text(v):
    if v is None or v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _register_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, append: bool = False) -> None:
    """Copy ``frame`` into table ``raw_t`` (created from it, or appended to)."""
    con.register("_frame", frame)
    con.execute("INSERT INTO raw_t SELECT * FROM _frame" if append else "CREATE TABLE raw_t AS SELECT * FROM _frame")
    con.unregister("_frame")


def _dedupe_header(header: list[str]) -> list[str]:
    """Unique column names, as DuckDB compares them (ignoring case); empty names and the reader's
    own ``__row`` get a name of their own."""
    out, seen = [], set()
    for i, h in enumerate(header):
        h = h.replace("\x00", "") or f"column_{i + 1}"
        if h.casefold() == "__row":
            h = f"{h}_{i + 1}"
        base, k = h, 1
        while h.casefold() in seen:
            k += 1
            h = f"{base}_{k}"
        seen.add(h.casefold())
        out.append(h)
    return out


# --------------------------------------------------------------------------------------------
# Mapping columns to roles
# --------------------------------------------------------------------------------------------
def suggest_mapping(columns: list[str], sample: pd.DataFrame | None = None) -> dict:
    """Role -> column guessed from header names (English, Chinese, common exports), then values.

    Parameters
    ----------
    columns : list of str
        The file's column names.
    sample : DataFrame, optional
        A few hundred rows as text, used to recognise unnamed dates, quantities and prices.

    Returns
    -------
    dict
        Every role in ``CANONICAL`` mapped to a column name or None; no column is used twice.
    """
    normed = {c: normalise_header(c) for c in columns}
    taken: set[str] = set()
    mapping: dict[str, str | None] = {r: None for r in CANONICAL}
    is_shopify = any(n == "lineitemquantity" for n in normed.values())
    # exact names first, role by role in order of how distinctive their names are
    for role in ["quantity", "unit_price", "order_date", "product_id", "customer_id", "order_id", "product_name",
                 "category", "coupon_code", "discount", "store_id", "channel"]:
        for syn in SYNONYMS[role]:
            if role == "order_id" and syn == "name" and not is_shopify:
                continue
            hit = next((c for c in columns if normed[c] == syn and c not in taken), None)
            if hit is not None:
                mapping[role] = hit
                taken.add(hit)
                break
    # then names that contain a telling word
    partial = {"order_date": ["date", "time", "日期", "时间"], "quantity": ["qty", "quantity", "数量"],
               "unit_price": ["price", "价"], "product_id": ["sku", "stockcode", "productid", "商品编"],
               "customer_id": ["customer", "member", "客户", "会员"], "order_id": ["invoice", "orderid", "订单"],
               "product_name": ["description", "productname", "名称"], "category": ["category", "类目", "品类"]}
    for role, words in partial.items():
        if mapping[role] is None:
            hit = next((c for c in columns if c not in taken and any(w in normed[c] for w in words)), None)
            if hit is not None:
                mapping[role] = hit
                taken.add(hit)
    if sample is not None and len(sample):
        _map_by_values(mapping, taken, columns, sample)
    return mapping


def _map_by_values(mapping: dict, taken: set, columns: list[str], sample: pd.DataFrame) -> None:
    free = [c for c in columns if c not in taken]
    if mapping["order_date"] is None:
        date = _first_date_column(sample, free)
        if date is not None:
            mapping["order_date"] = date
            taken.add(date)
    free = [c for c in columns if c not in taken]
    numeric = {}
    for c in free:
        values = sample[c].dropna().astype(str).str.strip()
        if len(values) == 0:
            continue
        num = pd.to_numeric(values.str.replace(",", ".", regex=False), errors="coerce")
        if num.notna().mean() >= 0.95:
            numeric[c] = num.dropna()
    if mapping["quantity"] is None:
        cand = [c for c, v in numeric.items() if (v == v.round()).all() and v.abs().median() <= 50 and v.nunique() > 1]
        if cand:
            mapping["quantity"] = cand[0]
            taken.add(cand[0])
    if mapping["unit_price"] is None:
        cand = [c for c, v in numeric.items() if c not in taken and (v != v.round()).mean() > 0.3 and (v >= 0).all()]
        if cand:
            mapping["unit_price"] = cand[0]
            taken.add(cand[0])


_DATE_FORMATS_DAYFIRST = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
                          "%d-%m-%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d/%m/%y %H:%M",
                          "%d/%m/%y", "%d.%m.%y"]
_DATE_FORMATS_MONTHFIRST = ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y",
                            "%m-%d-%Y %H:%M", "%m-%d-%Y", "%m/%d/%y %H:%M", "%m/%d/%y"]
_DATE_FORMATS_OTHER = ["%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
                       "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日", "%d %b %Y %H:%M", "%d %b %Y",
                       "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%a, %d %b %Y %H:%M:%S"]


_DATE_LIKE = re.compile(r"(?=.*\d)[\w\s/.\-:,+年月日]{6,40}")


def _first_date_column(sample: pd.DataFrame, columns: list[str]) -> str | None:
    """The first column whose sampled values are at least 90 % dates. A cheap look at the text comes
    first, so a file of thousands of columns costs one DuckDB connection, not one per column."""
    candidates = []
    for c in columns:
        values = sample[c].dropna().astype(str)
        if len(values) and values.str.fullmatch(_DATE_LIKE).mean() >= 0.9:
            candidates.append(values)
    if not candidates:
        return None
    fmts = _DATE_FORMATS_DAYFIRST + _DATE_FORMATS_MONTHFIRST + _DATE_FORMATS_OTHER
    expr = f"coalesce(try_cast(v AS TIMESTAMP), try_strptime(v, {literal_list(fmts)}))"
    con = connect()
    try:
        for values in candidates:
            con.register("f", pd.DataFrame({"v": values.to_numpy()}))
            if (con.execute(f"SELECT avg(({expr}) IS NOT NULL::INT) FROM f").fetchall()[0][0] or 0.0) >= 0.9:
                return values.name
    finally:
        con.close()
    return None


def _choose_date_formats(con, col: str) -> tuple[list[str], str]:
    """Formats for a text date column and what was decided: "day_first", "month_first", "day_first_check"
    (day first, though every date also reads month first) or "" (neither applies); the note of a load
    is ``ingest.note.<decision>``."""
    fmts = _DATE_FORMATS_DAYFIRST + _DATE_FORMATS_MONTHFIRST + _DATE_FORMATS_OTHER
    # ISO dates need no format (and say nothing about day or month first); only the rest are tried
    # against every format. Without any in the sample, the first million rows are searched for them
    # (a bound on the cost, and a rowid filter keeps that scan parallel where LIMIT would not); a
    # rarer format further down is quarantined with its reason, not guessed.
    def counts_of(source: str) -> tuple:
        return con.execute(
            f"""SELECT {', '.join(f"count(try_strptime(trim(v), {quote_literal(f)}))" for f in fmts)}, count(*)
            FROM (SELECT v FROM ({source}) WHERE v IS NOT NULL AND {_iso_date('v')} IS NULL LIMIT 20000)""").fetchall()[0]

    *counts, n_other = counts_of(_sample(con, f"{quote_ident(col)} AS v"))
    if n_other == 0:
        *counts, n_other = counts_of(f"SELECT {quote_ident(col)} AS v FROM raw_t WHERE rowid < 1000000")
    rates = dict(zip(fmts, counts))
    day = sum(rates[f] for f in _DATE_FORMATS_DAYFIRST)
    month = sum(rates[f] for f in _DATE_FORMATS_MONTHFIRST)
    other = [f for f in _DATE_FORMATS_OTHER if rates[f]]
    if day == 0 and month == 0:
        return other, ""
    if month > day:
        return [f for f in _DATE_FORMATS_MONTHFIRST if rates[f]] + other, "month_first"
    return [f for f in _DATE_FORMATS_DAYFIRST if rates[f]] + other, "day_first_check" if month == day else "day_first"


# --------------------------------------------------------------------------------------------
# Validation: typed columns, reasons, the split
# --------------------------------------------------------------------------------------------
def _col_type(con, col: str) -> str:
    return dict((c, t) for c, t, *_ in con.execute("DESCRIBE raw_t").fetchall())[col]


def _text_expr(col: str | None) -> str:
    if col is None:
        return "NULL::VARCHAR"
    return f"nullif(trim(CAST({quote_ident(col)} AS VARCHAR)), '')"


def _id_expr(con, col: str | None) -> str:
    """An identifier as text; Excel's 17850.0 becomes 17850."""
    if col is None:
        return "NULL::VARCHAR"
    t, q = _col_type(con, col), quote_ident(col)
    if t in ("DOUBLE", "FLOAT"):  # (NaN and infinity are no id; a whole number beyond HUGEINT stays as written)
        return f"""CASE WHEN NOT isfinite({q}) THEN NULL
            WHEN {q} = floor({q}) THEN coalesce(CAST(TRY_CAST({q} AS HUGEINT) AS VARCHAR), CAST({q} AS VARCHAR))
            ELSE CAST({q} AS VARCHAR) END"""
    if t != "VARCHAR":
        return _text_expr(col)
    has_float_ids = con.execute(f"""SELECT count(*) FROM ({_sample(con, f"{q} AS v")})
        WHERE regexp_full_match(v, '[0-9]+\\.0+')""").fetchall()[0][0]
    if not has_float_ids:
        return _text_expr(col)
    return f"regexp_replace({_text_expr(col)}, '^(\\d+)\\.0+$', '\\1')"


def _number_expr(con, col: str | None, notes: list[Message]) -> str:
    if col is None:
        return "NULL::DOUBLE"
    t, q = _col_type(con, col), quote_ident(col)
    if t != "VARCHAR":
        return f"TRY_CAST({q} AS DOUBLE)"
    cleaned = f"regexp_replace(trim({q}), '[\\s£$€¥￥\\x{{00a0}}]|RMB|EUR|GBP|USD|CNY|元', '', 'g')"
    counts = con.execute(f"""SELECT
        count(*) FILTER (WHERE regexp_full_match(v, '[-+]?[0-9.]*[0-9],[0-9]+')),
        count(*) FILTER (WHERE regexp_full_match(v, '[-+]?[0-9,]*[0-9]\\.[0-9]+'))
        FROM ({_sample(con, f"{cleaned} AS v")})""").fetchall()[0]
    comma_decimal = counts[0] > counts[1]
    if comma_decimal:
        notes.append(Message("ingest.note.decimal_comma", column=col))
        return f"TRY_CAST(replace(replace({cleaned}, '.', ''), ',', '.') AS DOUBLE)"
    # plain numbers take the fast path; only the rest pay for cleaning (currency signs, 1,234.50)
    return f"coalesce(TRY_CAST({q} AS DOUBLE), TRY_CAST(replace({cleaned}, ',', '') AS DOUBLE))"


def _date_expr(con, col: str, notes: list[Message]) -> str:
    t, q = _col_type(con, col), quote_ident(col)
    if t.startswith("TIMESTAMP") or t == "DATE":
        return f"CAST({q} AS TIMESTAMP)"
    if t in ("DOUBLE", "BIGINT", "INTEGER", "FLOAT"):  # Excel serial day numbers
        return f"CASE WHEN {q} BETWEEN 20000 AND 80000 THEN TIMESTAMP '1899-12-30' + " \
               f"to_microseconds(CAST(round({q} * 86400000000) AS BIGINT)) END"
    fmts, note = _choose_date_formats(con, col)
    if note:
        notes.append(Message(f"ingest.note.{note}", column=col))
    iso = _iso_date(q)
    return f"coalesce({iso}, try_strptime(trim({q}), {literal_list(fmts)}))" if fmts else iso


def _iso_date(v: str) -> str:
    """An ISO 8601 date or timestamp (a trailing Z or UTC offset dropped), else NULL; the plain cast
    comes first, as it is the cheap one and serves almost every row."""
    return f"coalesce(TRY_CAST({v} AS TIMESTAMP), TRY_CAST(regexp_replace(trim({v}), '(Z|[+-]\\d\\d:?\\d\\d)$', '') AS TIMESTAMP))"


def _check_mapping(mapping: dict, columns: list[str]) -> None:
    unknown = [r for r in mapping if r not in CANONICAL]
    if unknown:
        raise DataError(Message("ingest.error.unknown_roles", roles=", ".join(map(repr, unknown)),
                                known=", ".join(CANONICAL)))
    used: dict[str, str] = {}
    for role, col in mapping.items():
        if col is None:
            continue
        if col not in columns:
            raise DataError(Message("ingest.error.mapped_column_missing", column=repr(col), role=role_label(role),
                                    columns=", ".join(columns)))
        if col in used:
            raise DataError(Message("ingest.error.column_mapped_twice", column=repr(col), first=role_label(used[col]),
                                    second=role_label(role)))
        used[col] = role


def load_transactions(source, mapping: dict | None = None, sheet: str | int | None = None,
                      extra_columns: list[str] | None = None, privacy: Privacy | None = None,
                      limits: Limits | None = None) -> LoadResult:
    """Read a sales file into the canonical transactions table, rejecting nothing silently.

    Parameters
    ----------
    source : path, bytes or file-like
        A CSV (any common delimiter and encoding), .xlsx or .parquet file; an ``st.file_uploader``
        value works as is.
    mapping : dict, optional
        Role -> column, overriding the automatic mapping for the roles it names (None unmaps).
    sheet : str or int, optional
        Excel sheet; by default the first sheet with data.
    extra_columns : list of str, optional
        Numeric source columns carried into ``data`` under their own names beside the canonical
        ones (e.g. competitor prices for the Pricing page); unreadable values become empty.
    privacy : promo_core.privacy.Privacy, optional
        Keep personal data out of the result (what happens to each column, value, header and
        reason: ``promo_core.privacy``); customer ids become keyed pseudonyms.
    limits : Limits, optional
        Plausibility bounds for quantities, unit prices and order dates (default ``Limits()``:
        |quantity| ≤ 1,000,000, 0 ≤ unit price ≤ 1,000,000,000, dates 1900-01-01 to 2100-12-31);
        a value outside them quarantines its row with the reason.

    Returns
    -------
    LoadResult
        ``data``, ``quarantine``, ``rows_in``, ``mapping`` and ``report``.
    """
    limits = limits or Limits()
    with TempFiles() as tmp:
        con, info = _load_raw(_open_file(source, tmp), sheet, tmp, max_cells=PARQUET_MAX_CELLS)
        try:
            checked, personal = _load(con, info, mapping, extra_columns, limits, privacy)
            checked = _fetched(con, checked)
            rows = _Rows(con.sql(checked.rows_sql).to_arrow_reader(), checked.mapping, privacy)
            # Each column goes to a file of its own as the batches arrive, and DuckDB's memory goes
            # (the connection closes) before they become a frame: the frame and DuckDB's tables are
            # never in memory together.
            staged = _stage_columns(rows, tmp)
        finally:
            con.close()
        data = column_frame(rows.schema, _staged_columns(staged))
    extras = {c: data.pop(c).to_numpy(dtype=float) for c in list(data.columns[len(CANONICAL + DERIVED):])}
    data = finalize_transactions(data, limits)
    for col, values in extras.items():
        data[col] = values
    result = _finish(checked, privacy, personal, rows.replaced)
    release_memory()
    return LoadResult(data=data, quarantine=result.quarantine, rows_in=result.rows_in, mapping=result.mapping,
                      report=result.report)


def load_into(workspace: Workspace, source, name: str | None = None, *, mapping: dict | None = None,
              sheet: str | int | None = None, extra_columns: list[str] | None = None,
              privacy: Privacy | None = None, limits: Limits | None = None, progress: Progress | None = None,
              kind: str = "upload") -> str:
    """Read a sales file straight into a new workspace dataset and return its id.

    The same reading, mapping, validation and quarantine as ``load_transactions`` (the same rows,
    reasons, notes and pseudonyms), but no session holds the order lines, whatever the file's size.
    A CSV or Parquet file goes in one pass from the file into the dataset's table, inside the
    workspace's own DuckDB (``_load_in_workspace``: within its memory limit, spilling beside the
    file). With protection on, and for Excel, the rows are read in a DuckDB of the load's own and
    streamed into the workspace as Arrow batches, protected a batch at a time (pseudonyms are
    keyed hashes computed in Python: ``promo_core.privacy``).

    Parameters
    ----------
    workspace : Workspace
    source : path, bytes or file-like
        As for ``load_transactions``.
    name : str, optional
        The dataset's name (default: the file's name without its extension).
    mapping, sheet, extra_columns, privacy, limits
        As for ``load_transactions``.
    progress : callable, optional
        Told, as a ``Message``, the bytes read so far, then each step (in the one pass, the bytes it
        has read: ``data.progress.checking_read``), then the rows saved.
    kind : str
        ``"upload"``, or ``"draft"`` for an upload under review (``Workspace.publish_dataset``).

    Returns
    -------
    str
        The dataset id; its report (``Workspace.dataset``) holds the counts and notes, its
        ``quarantine`` table the rejected rows with their reasons.
    """
    limits = limits or Limits()
    # (the file is read where the workspace's connection may read it, its folder of incoming files; a
    # protected one, by a connection of the load's own, from a folder the workspace cannot read)
    with TempFiles(under=workspace.incoming if privacy is None else None) as tmp:
        file = _open_file(source, tmp, progress, on_disk_in=tmp.folder if privacy is None else None)
        dataset = None
        if privacy is None and file.kind != "xlsx":
            dataset = _load_in_workspace(workspace, file, name, mapping, extra_columns, limits, progress, kind)
        if dataset is None:
            con, info = _load_raw(file, sheet, tmp, progress)
            try:
                checked, personal = _load(con, info, mapping, extra_columns, limits, privacy, progress=progress)
                checked = _fetched(con, checked)
                dataset = _save(workspace, con, checked, checked.rows_sql, name, privacy, personal, progress, kind)
            finally:
                con.close()
    release_memory()
    return dataset


HEAD_ROWS = 1_000_000  # the first rows of a file loaded into the workspace, from which its formats are told


class _NoRowsRead(Exception):
    """The first rows of a file gave nothing to tell its formats from (a header alone, or lines
    none of which reads): the load then reads the whole file on its own first."""


def _load_in_workspace(workspace: Workspace, file: _File, name: str | None, mapping: dict | None,
                       extra_columns: list[str] | None, limits: Limits, progress: Progress | None,
                       kind: str) -> str | None:
    """Load a CSV or Parquet file in one pass from the file into a new dataset's table, inside the
    workspace's DuckDB; return the dataset's id (None when the file's first rows read as nothing).

    Why here: the rows are typed, checked and written where they will stay, once, with no copy of
    them in another DuckDB, in Arrow or in pandas (a 100-million-line file is 8 GB of text). The
    formats (dates, decimal commas, ids) and the mapping are told from the first ``HEAD_ROWS`` rows;
    then ``_validate`` writes every row into the dataset's table, settles what needs all of them,
    and the quarantine is written beside it from the same table; the bad rows and the working
    columns then leave the table, and the quantity takes its type. One transaction: nobody sees
    the dataset before it is whole, and nothing of it stays if the load fails.
    """
    # (the steps as ``_validate`` starts them, each told once, and meanwhile how far the pass has read)
    state: dict = {"steps": [Message("data.progress.parsing", file=file.info["file"])], "told": 0}
    csv_file = file.kind == "text"

    def build(con: duckdb.DuckDBPyConnection, dataset_id: str) -> NewDataset:
        table = table_ident(dataset_id, "transactions")
        con.execute("CREATE TEMP TABLE rejects (line BIGINT, raw_line VARCHAR, reason VARCHAR, reason_values VARCHAR)")
        if csv_file:
            head, source = f"SELECT * FROM {_csv_sql(file, rejects=False)}", f"{_csv_sql(file, rejects=True)}"
        else:
            head = _parquet_sql(con, file.path, file.info["file"])
            source = f"({head})"
        try:
            con.execute(f"CREATE TEMP TABLE raw_t AS {head} LIMIT {HEAD_ROWS}")
        except duckdb.Error as exc:
            raise _unreadable(file) from exc
        if not con.execute("SELECT count(*) FROM raw_t").fetchone()[0]:
            raise _NoRowsRead()
        info = {**file.info, "columns": [c for c, *_ in con.execute("DESCRIBE raw_t").fetchall()]}
        _check_width(info["columns"], info["file"])
        try:
            checked, _ = _load(con, info, mapping, extra_columns, limits, None, source=source, numbered=False,
                               loaded=table, read=(lambda: _record_rejects(con, file)) if csv_file else None,
                               progress=state["steps"].append)
        except (duckdb.ConversionException, duckdb.InvalidInputException, duckdb.IOException) as exc:
            raise _unreadable(file) from exc
        state["steps"].append(Message("data.progress.saving", rows=checked.report["rows_loaded"],
                                      total=checked.report["rows_loaded"]))
        con.execute(f"CREATE TABLE {table_ident(dataset_id, 'quarantine')} AS {checked.quarantine_sql}")
        con.execute(f"DELETE FROM {table} WHERE __reason IS NOT NULL")
        if checked.qty_type == "BIGINT":  # (the quarantined rows' quantities may be anything: they are gone)
            con.execute(f"ALTER TABLE {table} ALTER quantity TYPE BIGINT USING TRY_CAST(quantity AS BIGINT)")
        for column in ("__reason", "__h", "__raw"):
            con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        state["steps"].append(Message("data.progress.grouping"))  # (the workspace groups the lines next)
        return NewDataset(name or file.info["file"].rsplit(".", 1)[0], ["transactions", "quarantine"],
                          file.info["file"], checked.rows_in, checked.mapping, checked.report)

    def told() -> list[Message]:
        steps = state["steps"][:]
        new, state["told"] = steps[state["told"]:], len(steps)
        if steps[-1].id != "data.progress.checking":
            return new
        read = _bytes_read()
        state.setdefault("read_from", read)
        if read is None or not file.size:
            return new
        done = min(read - state["read_from"], file.size)
        return [*new, Message("data.progress.checking_read", file=file.info["file"], mb=done / 1e6,
                              total_mb=file.size / 1e6)]

    try:
        return _telling(progress, told, lambda: workspace.build_dataset(build, kind=kind))
    except _NoRowsRead:
        return None


def _bytes_read() -> int | None:
    """The bytes this process has read from files so far (Linux's ``rchar``), or None elsewhere: how far
    DuckDB's pass over a file has got, which it does not tell while one statement runs."""
    try:
        with open("/proc/self/io", encoding="ascii") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("rchar:"))
    except (OSError, StopIteration, ValueError):
        return None


def _unreadable(file: _File) -> DataError:
    return DataError(Message("ingest.error.not_a_table" if file.kind == "text" else "ingest.error.damaged_parquet",
                             file=file.info["file"]))


def _save(workspace: Workspace, con, checked: _Checked, rows_sql: str, name: str | None, privacy: Privacy | None,
          personal: list[str], progress: Progress | None, kind: str) -> str:
    """Stream the rows of ``rows_sql`` into a new dataset, with the quarantine and the report."""
    loaded = checked.report["rows_loaded"]
    rows = _Rows(con.sql(rows_sql).to_arrow_reader(), checked.mapping, privacy)
    saved = [0]

    def batches() -> Iterator[pa.RecordBatch]:  # (run by DuckDB's own threads as the workspace reads them)
        for batch in rows:
            yield batch
            saved[0] += batch.num_rows

    done = _finish(checked, privacy, personal, rows.replaced)
    file = done.report["file"]
    name = name or file.rsplit(".", 1)[0]
    if privacy is not None:
        name = redact(name)
    return _telling(progress, lambda: [Message("data.progress.saving", rows=saved[0], total=loaded)],
                    lambda: workspace.save_dataset(
                        name, {"transactions": pa.RecordBatchReader.from_batches(rows.schema, batches()),
                               "quarantine": done.quarantine},
                        kind=kind, source=file, rows_in=checked.rows_in, mapping=done.mapping,
                        # (after the rows are written: the values protection replaced are counted as they go)
                        report=lambda: _finish(checked, privacy, personal, rows.replaced).report))


def load_events_into(workspace: Workspace, dataset_id: str, source, *, mapping: dict | None = None,
                     sheet: str | int | None = None, privacy: Privacy | None = None,
                     progress: Progress | None = None) -> dict:
    """Read a browsing-events file (a GA4, Shopify or own export) into a dataset's ``events`` table,
    replacing the events it had; return the load's report.

    The same front door as sales (``_load_raw``: kind, encoding and dialect sniffed, read in
    chunks), the columns recognised by ``journeys.map_columns`` (English and Chinese headers, GA4's
    ``event_name``, ``event_timestamp`` in microseconds, ``user_pseudo_id``, ``ga_session_id``,
    ``items.item_id``, Shopify's names), and the typing and checks in SQL (``journeys.typed_sql``):
    ``rows_in == loaded + quarantined``, always. The rows the file could not give
    (``events_quarantine``: row, reason code, reason values) are kept beside them.

    Parameters
    ----------
    workspace : Workspace
    dataset_id : str
        The dataset the events belong to (their customer ids are its customers').
    source : path, bytes or file-like
        As for ``load_transactions``.
    mapping : dict, optional
        Role (``journeys.COLUMNS``) -> column, overriding the recognised one (None: leave the role out).
    sheet : str or int, optional
        Excel sheet; by default the first with data.
    privacy : promo_core.privacy.Privacy, optional
        Give customer ids (GA4's ``user_pseudo_id`` included) the same keyed pseudonyms as a
        protected dataset's sales, so they still join; pseudonymise ids holding an e-mail address
        or phone number, redact them in search terms, channels and devices; a reason never quotes
        a value. Columns not used for a role never reach the workspace.
    progress : callable, optional
        Told, as a ``Message``, the bytes read and then the rows saved so far.

    Returns
    -------
    dict
        ``file``, ``format`` (and ``encoding``, ``delimiter``, ``sheet`` as read), ``rows_in``,
        ``rows_loaded``, ``rows_quarantined``, ``mapping`` (role -> column), ``columns`` (the
        file's, withheld ones by a stand-in name), ``notes`` and
        ``privacy`` (whether protected); also kept as the dataset report's ``events``.
    """
    from promo_core import journeys

    def read(con, names: list[str]) -> tuple[dict, str, list]:
        columns = journeys.map_columns(names, mapping)
        return (columns, *journeys.typed_sql(con, columns, private=privacy is not None))

    return _load_side_into(workspace, dataset_id, "events", source, read, sheet=sheet, privacy=privacy,
                           progress=progress, protect=_protect_events)


def load_spend_into(workspace: Workspace, dataset_id: str, source, *, mapping: dict | None = None,
                    sheet: str | int | None = None, privacy: Privacy | None = None,
                    progress: Progress | None = None) -> dict:
    """Read a marketing spend file (one row per period and channel) into a dataset's ``spend``
    table, replacing the spend it had; return the load's report.

    The same front door, counts and quarantine (``spend_quarantine``) as ``load_events_into``; the
    columns recognised and typed by ``promo_core.spend`` (English and Chinese headers) into the
    shape the Marketing ROI page reads (``week``, ``channel``, ``spend``, then the optional
    impressions, clicks, revenue and controls found). ``rows_in == loaded + quarantined``, always.

    Parameters
    ----------
    workspace, dataset_id, source, sheet, progress
        As for ``load_events_into``.
    mapping : dict, optional
        Role (``spend.COLUMNS``) -> column, overriding the recognised one (None: leave the role out).
    privacy : promo_core.privacy.Privacy, optional
        A reason never quotes a value and the file's name is redacted (a spend table holds no
        customer); columns not used for a role never reach the workspace.

    Returns
    -------
    dict
        As ``load_events_into``'s; also kept as the dataset report's ``spend``.
    """
    from promo_core import spend

    def read(con, names: list[str]) -> tuple[dict, str, list]:
        columns = spend.map_columns(names, mapping)
        return (columns, *spend.typed_sql(con, columns, private=privacy is not None))

    return _load_side_into(workspace, dataset_id, "spend", source, read, sheet=sheet, privacy=privacy,
                           progress=progress)


def _load_side_into(workspace: Workspace, dataset_id: str, table: str, source,
                    read: Callable[[duckdb.DuckDBPyConnection, list[str]], tuple[dict, str, list]], *,
                    sheet: str | int | None, privacy: Privacy | None, progress: Progress | None,
                    protect: Callable[[pa.RecordBatch, bytes], pa.RecordBatch] | None = None) -> dict:
    """The one load of a dataset's side table (events, spend): the file read by ``_load_raw``,
    ``read(con, columns)`` giving the role -> column mapping, the typing SQL over view ``raw``
    (role columns, ``reason``, ``reason_values``) and its notes; the rows without a reason saved as
    ``table`` (each batch through ``protect`` in privacy mode), the rest and the reader's rejected
    lines as ``<table>_quarantine``, the report under the dataset report's ``table``."""
    workspace.dataset(dataset_id)  # (an unknown dataset is refused before the file is read)
    with TempFiles() as tmp:
        con, info = _load_raw(_open_file(source, tmp, progress), sheet, tmp, progress)
        try:
            columns, sql, notes = read(con, info["columns"])
            if progress is not None:
                progress(Message("data.progress.checking", file=info["file"]))
            con.execute(f"CREATE TABLE typed AS {sql}")
            loaded, bad = con.execute("SELECT count(*) FILTER (WHERE reason IS NULL), "
                                      "count(*) FILTER (WHERE reason IS NOT NULL) FROM typed").fetchall()[0]
            rejects = con.execute("SELECT count(*) FROM rejects").fetchall()[0][0]
            quarantine = con.execute(
                """SELECT __row AS "row", reason, reason_values FROM typed WHERE reason IS NOT NULL
                   UNION ALL SELECT line, reason, CASE WHEN ? THEN NULL ELSE reason_values END FROM rejects
                   ORDER BY 1""", [privacy is not None]).df()
            kept = ", ".join(quote_ident(role) for role in columns)
            rows = con.sql(f"SELECT {kept} FROM typed WHERE reason IS NULL").to_arrow_reader()  # (file order kept)
            if privacy is not None and protect is not None:
                rows = pa.RecordBatchReader.from_batches(
                    rows.schema, (protect(batch, privacy.key) for batch in rows))
            saved = [0]

            def batches() -> Iterator[pa.RecordBatch]:
                for batch in rows:
                    yield batch
                    saved[0] += batch.num_rows

            shown = _withheld_headers(info["columns"]) if privacy is not None else {}
            report = {**{k: info[k] for k in ("file", "format", "encoding", "delimiter", "sheet") if k in info},
                      "rows_in": loaded + bad + rejects, "rows_loaded": loaded, "rows_quarantined": bad + rejects,
                      "mapping": {role: shown.get(col, col) for role, col in columns.items()},
                      "columns": [shown.get(col, col) for col in info["columns"]],
                      "notes": info.get("notes", []) + notes, "privacy": privacy is not None}
            if privacy is not None:
                report["file"] = redact(report["file"])
            _telling(progress, lambda: [Message("data.progress.saving", rows=saved[0], total=loaded)],
                     lambda: workspace.add_tables(
                         dataset_id, {table: pa.RecordBatchReader.from_batches(rows.schema, batches()),
                                      f"{table}_quarantine": quarantine}, report={table: report}))
        finally:
            con.close()
    release_memory()
    return report


def _protect_events(batch: pa.RecordBatch, key: bytes) -> pa.RecordBatch:
    """One batch of events with customer ids pseudonymised as the sales' are (the same keyed hash,
    so they join) and session ids too (GA4's are read with the visitor's id), other ids that hold an
    e-mail address or phone number pseudonymised whole, and those inside search terms, channels and
    devices redacted (``privacy.protect_values``)."""
    columns = dict(zip(batch.schema.names, batch.columns))
    for role, values in columns.items():
        if batch.schema.field(role).type != pa.string() and not pa.types.is_large_string(batch.schema.field(role).type):
            continue
        series = values.to_pandas()
        if role in ("customer_id", "session_id"):  # (a GA4 visit is the visitor's id and a number)
            series = pseudonymise(series, key)
        else:
            series = protect_values(series, key, is_id=role in ("product_id", "order_id"))[0]
        columns[role] = pa.array(series, from_pandas=True).cast(batch.schema.field(role).type)
    return pa.record_batch(list(columns.values()), schema=batch.schema)


def _telling(progress: Progress | None, state: Callable[[], list[Message]], work: Callable[[], str]) -> str:
    """``work()``, telling ``progress`` the messages of ``state()`` every half second meanwhile and
    once more when it is done, from the calling thread (a page can only draw from its own thread;
    the work runs in another)."""
    if progress is None:
        return work()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(work)
        while True:
            finished = concurrent.futures.wait([future], timeout=0.5).done  # (work may return None)
            for message in state():
                progress(message)
            if finished:
                return future.result()


def use_in_place(workspace: Workspace, path: str | os.PathLike, name: str | None = None, *,
                 mapping: dict | None = None, extra_columns: list[str] | None = None,
                 limits: Limits | None = None, progress: Progress | None = None) -> str:
    """Use a Parquet file or folder as a dataset where it lies, without copying it; return its id.

    The dataset's ``transactions`` is a view: the same validation as an upload, as SQL over the
    file(s), read at query time; the quarantine (rejected rows and reasons) and the counts are
    computed once, here. Only paths inside the folders the deployment lists
    (``engine.data_folders``: ``$PROMO_DATA_FOLDERS`` or ``folders`` under ``[connect]`` in
    ``.streamlit/secrets.toml``) can be used, so a typed path reaches nothing else on the server.
    Differences from an upload, by design: an order line without a date stays quarantined
    ("order date is empty") rather than taking its order's date, which a view cannot repeat; and
    personal data protection cannot apply to data that is not copied (upload the file instead).

    Parameters
    ----------
    workspace : Workspace
    path : str or Path
        A ``.parquet`` file, or a folder: every ``.parquet`` file below it, read as one table
        (the same columns in each).
    name, mapping, extra_columns, limits, progress
        As for ``load_into``.
    """
    if privacy_mode() == "force":  # (nothing is copied, so nothing could be pseudonymised)
        raise DataError(Message("data.error.in_place_private"))
    resolved = inside_data_folders(path)
    if resolved is None:
        raise DataError(Message("data.error.outside_folders", path=str(path)))
    files = sorted(str(f) for f in resolved.rglob("*.parquet")) if resolved.is_dir() else [str(resolved)]
    if not resolved.exists() or not files or any(inside_data_folders(f) is None for f in files):
        raise DataError(Message("data.error.no_parquet", path=str(path)))
    for file in files:
        with open(file, "rb") as fh:
            if fh.read(4) != b"PAR1":
                raise DataError(Message("data.error.not_parquet", path=file))
    limits = limits or Limits()
    with TempFiles() as tmp:
        con = _connect_for(None, tmp, files)
        try:
            raw_sql = _parquet_rows(con, files, resolved.name)
            con.execute(f"CREATE VIEW raw AS {raw_sql}")
            con.execute("CREATE VIEW raw_t AS SELECT * EXCLUDE (__row) FROM raw")
            info = {"file": resolved.name, "format": "parquet (used in place)", "notes": [],
                    "columns": [c for c, *_ in con.execute("DESCRIBE raw_t").fetchall()]}
            _check_width(info["columns"], resolved.name)
            checked, personal = _load(con, info, mapping, extra_columns, limits, None,
                                      source=f"({raw_sql})", fill_dates=False, progress=progress)
            checked = _fetched(con, checked)
            duplicates = con.sql("SELECT __row FROM dups").to_arrow_table()

            def view(ident: Callable[[str], str]) -> str:  # (ident: the name of one of the dataset's tables)
                return checked.rows_over(f"""(SELECT *, __row IN (SELECT __row FROM {ident('duplicates')}) AS __dup
                                             FROM ({checked.typed_sql}))""")

            dataset = workspace.save_dataset(
                name or resolved.name.rsplit(".", 1)[0],
                {"duplicates": duplicates, "quarantine": checked.quarantine, "transactions": TableView(view)},
                kind="in place", source=str(resolved), rows_in=checked.rows_in, mapping=checked.mapping,
                report=checked.report)
        finally:
            con.close()
    return dataset


def _parquet_rows(con, files: list[str], name: str) -> str:
    """SQL of the rows of Parquet ``files`` read as one table, in the types validation reads
    (``_keep_or_text``), numbered across the files in order (``__row``, 1 = the first file's first row)."""
    listed = literal_list(files)
    try:
        counts = dict(con.execute(f"SELECT file_name, num_rows FROM parquet_file_metadata({listed})").fetchall())
        types = con.execute(f"DESCRIBE SELECT * FROM read_parquet({listed})").fetchall()
    except duckdb.Error as exc:
        raise DataError(Message("data.error.bad_parquet", file=name)) from exc
    offsets, start = [], 0
    for file in files:
        offsets.append(f"WHEN {quote_literal(file)} THEN {start}")
        start += counts.get(file, 0)
    names = _dedupe_header([c for c, *_ in types])
    select = ", ".join(_keep_or_text(c, t, new) for (c, t, *_), new in zip(types, names))
    # (the files' offsets as a CASE, not a join: a scan keeps the rows in the files' order)
    return f"""SELECT CASE __file {' '.join(offsets)} END + file_row_number + 1 AS __row, {select}
        FROM read_parquet({listed}, file_row_number = true, filename = '__file')"""


def _withheld_headers(columns: list[str]) -> dict[str, str]:
    """Headers that are themselves an e-mail address, phone number or street address (a data row
    taken for the header) -> the name shown instead."""
    return {c: f"column {i} (withheld)" for i, c in enumerate(columns, 1) if contains_personal(c)}


def _load(con, info: dict, mapping: dict | None, extra_columns: list[str] | None, limits: Limits,
          privacy: Privacy | None, **validation) -> tuple[_Checked, list[str]]:
    """Map and validate what ``_load_raw`` read (or, loading into the workspace, the first rows of
    the file: ``raw_t``); with ``privacy``, also name the personal columns (and keep personal extra
    columns out)."""
    columns = info["columns"]
    rows_read = con.execute("SELECT count(*) FROM raw_t").fetchall()[0][0]
    n_rejects = con.execute("SELECT count(*) FROM rejects").fetchall()[0][0]
    if rows_read + n_rejects == 0:
        raise DataError(Message("ingest.error.header_only", file=info["file"]))
    sample = con.execute(f"{_sample(con, '*', 500)} LIMIT 500").df() if rows_read else None
    auto = suggest_mapping(columns, sample)
    final = dict(auto)
    if mapping:
        # a protected load shows withheld headers by a stand-in name, which may come back here
        real = {shown: col for col, shown in _withheld_headers(columns).items()}
        mapping = {role: real.get(col, col) for role, col in mapping.items()}
        _check_mapping({**{r: None for r in mapping}, **mapping}, columns)
        final.update(mapping)
    _check_mapping(final, columns)
    extra = list(extra_columns or [])
    bad = [c for c in extra if c not in columns or c in CANONICAL + DERIVED]
    if bad:
        raise DataError(Message("ingest.error.bad_extra_columns", columns=", ".join(map(repr, bad)),
                                file_columns=", ".join(columns)))
    personal = personal_columns(columns, final, sample) if privacy is not None else []
    if privacy is not None:
        withheld = _withheld_headers(columns)
        extra = [c for c in extra if c not in personal and c not in withheld]
    info = dict(info)
    reading_notes = info.pop("notes", [])
    checked = _validate(con, info, final, extra, limits, private=privacy is not None, **validation)
    checked.report["notes"] = reading_notes + checked.report["notes"]
    return checked, personal


MAX_COLUMNS = 1000  # wider than any sales export we know (Shopify's has about 80); past it, mapping costs minutes


def _in_quarantine(col: str) -> str:
    """A file's column as named in the quarantine, apart from the quarantine's own ``row``, ``reason``,
    ``reason_values`` and ``raw_line`` (a file may well have a column called Reason)."""
    return quote_ident(f"{col} (file)" if col.casefold() in ("row", "reason", "reason_values", "raw_line") else col)


def _check_width(columns: list[str], name: str) -> None:
    if len(columns) > MAX_COLUMNS:
        raise DataError(Message("ingest.error.too_many_columns", file=name, columns=len(columns), limit=MAX_COLUMNS))


def _validate(con, info: dict, m: dict, extra: list[str], limits: Limits, private: bool,
              source: str = "raw", numbered: bool = True, fill_dates: bool = True, loaded: str = "loaded",
              read: Callable[[], None] | None = None, progress: Progress | None = None) -> _Checked:
    """Type every role, give each bad row its reason, split data from quarantine, all in SQL on ``con``.

    One pass over the file's rows (``source``) writes table ``loaded`` (a name as SQL: a temporary
    table, or a dataset's table in the workspace): every row, in the file's order (rowid + 1 is the
    data row number, counted from the table's first rowid), in canonical columns, with the reason code of a bad row (``__reason``), a hash
    of the row's text (``__h``) and, for bad rows only, the row's text as a JSON list (``__raw``).
    What depends on all rows is settled afterwards on that table: an order's undated lines take the
    order's date, exact duplicate lines are flagged, cancelled invoices marked as returns; and the
    quantity is whole (BIGINT) or not (``_Checked.qty_type``). The quarantine and the loaded rows are
    then queries over ``loaded`` (``_Checked.quarantine_sql``, ``rows_sql``), and so are the counts.

    ``private``: reasons quote no value and the quarantine keeps the role columns only (``_Rows`` and
    ``_finish`` do the rest). ``source``: the relation of the file's rows (``raw``, DuckDB's reading of
    the file, or the SQL of a view over data used in place), with ``__row`` when ``numbered``;
    ``fill_dates``: give an order's undated lines the order's date (an update of the typed rows, which
    a view over data in place cannot repeat); ``read``: called once the pass has read the file
    (records the lines the CSV reader rejected); ``progress``: told each step as it starts.
    """
    columns = info["columns"]
    notes: list[Message] = []
    if m["order_date"] is None:
        raise DataError(Message("ingest.error.no_date_column", file=info["file"], columns=", ".join(columns)))
    if m["product_id"] is None and m["product_name"] is None:
        raise DataError(Message("ingest.error.no_product_column", file=info["file"], columns=", ".join(columns)))
    date = _date_expr(con, m["order_date"], notes)
    qty = _number_expr(con, m["quantity"], notes) if m["quantity"] else "1.0"
    price = _number_expr(con, m["unit_price"], notes)
    disc = _number_expr(con, m["discount"], notes)
    pid_col = m["product_id"] or m["product_name"]
    cust = _id_expr(con, m["customer_id"])
    if m["quantity"] is None:
        notes.append(Message("ingest.note.no_quantity"))
    if m["unit_price"] is None:
        notes.append(Message("ingest.note.no_price"))
    extra_cols = [f'"_extra_{i}"' for i in range(len(extra))]
    position = {c: i for i, c in enumerate(columns)}

    def text_of(col: str | None) -> str:  # a column's text as read, of a bad row (from its __raw)
        return "NULL::VARCHAR" if col is None else f"nullif(trim(json_extract_string(__raw, '$[{position[col]}]')), '')"

    q_text = text_of(m["quantity"]) if m["quantity"] else "'1'"
    p_text, d_text, date_text = text_of(m["unit_price"]), text_of(m["discount"]), text_of(m["order_date"])
    no_price, no_order = m["unit_price"] is None, m["order_id"] is None
    ranges = limits.ranges()
    first, end = (f"CAST({quote_literal(str(t))} AS TIMESTAMP)" for t in limits.date_span())
    max_q, max_p = float(limits.max_quantity), float(limits.max_unit_price)

    def in_dates(d: str) -> str:
        return f"({d} >= {first} AND {d} < {end})"

    def quoted(text: str) -> str:  # a value as read, in quotes, or NULL for an empty one
        return f"chr(39) || {text} || chr(39)"

    # (condition, reason code, the value as read or None, the range for an out-of-range reason); the
    # first that holds is given. An empty date comes last: Shopify-style exports leave it blank on an
    # order's later lines, and filling it in below must leave no other reason behind.
    checks = [
        (f"__p_order_date IS NULL AND {_text_expr(m['order_date'])} IS NOT NULL", "date_unreadable", date_text, {}),
        (f"NOT {in_dates('__p_order_date')}", "date_out_of_range", date_text, ranges["order_date"]),
        ("__p_product_id IS NULL", "product_empty", None, {}),
        ("__p_quantity IS NULL", "quantity_not_number", quoted(q_text), {}),
        (f"abs(__p_quantity) > {max_q}", "quantity_out_of_range", quoted(q_text), ranges["quantity"]),
        ("__p_quantity = 0", "quantity_zero", None, {}),
        ("FALSE" if no_price else f"__p_unit_price IS NULL AND {_text_expr(m['unit_price'])} IS NULL", "price_empty",
         None, {}),
        ("FALSE" if no_price else "__p_unit_price IS NULL", "price_not_number", quoted(p_text), {}),
        ("__p_unit_price < 0", "price_negative", None, {}),
        (f"__p_unit_price > {max_p}", "price_out_of_range", quoted(p_text), ranges["unit_price"]),
        ("FALSE" if no_order else "__p_order_id IS NULL", "order_empty", None, {}),
        (f"__p_discount IS NULL AND {_text_expr(m['discount'])} IS NOT NULL", "discount_not_number", quoted(d_text), {}),
        ("__p_order_date IS NULL", "date_empty", None, {}),
    ]
    code = {reason: k for k, (_, reason, _, _) in enumerate(checks, 1)}
    reason_code = "CASE " + " ".join(f"WHEN {cond} THEN {k}" for k, (cond, *_) in enumerate(checks, 1)) + " END"
    reason_text = "CASE c.__reason " + " ".join(
        f"WHEN {k} THEN {quote_literal(reason)}" for k, (_, reason, _, _) in enumerate(checks, 1)) + " END"

    def values_json(said: str | None, bounds: dict) -> str:  # (JSON of a reason's values; with privacy, no value)
        pairs = [*(f"{quote_literal(k)}, {quote_literal(v)}" for k, v in bounds.items()),
                 *([f"'value', {said}"] if said is not None and not private else [])]
        return f"CAST(json_object({', '.join(pairs)}) AS VARCHAR)" if pairs else "NULL"

    reason_values = "CASE c.__reason " + " ".join(
        f"WHEN {k} THEN {values_json(said, bounds)}" for k, (_, _, said, bounds) in enumerate(checks, 1)) + " END"
    # NaN and infinity are not quantities or prices: they become NULL and the row is quarantined
    # (parsed values are named __p_* while inside the query: DuckDB names are case-blind and the file
    # may well have a column called Quantity)
    finite = ", ".join(f"CASE WHEN isfinite(__p_{c}) THEN __p_{c} END AS __p_{c}"
                       for c in ["quantity", "unit_price", "discount"])
    finite += "".join(f", CASE WHEN isfinite({c}) THEN {c} END AS {c}" for c in extra_cols)
    parsed = ", ".join([f"__p_{c} AS {c}" for c in CANONICAL] + extra_cols)
    raw_cols = ", ".join(quote_ident(c) for c in columns)
    raw_text = ", ".join(f"CAST({quote_ident(c)} AS VARCHAR)" for c in columns)
    typed_sql = f"""SELECT {'__row, ' if numbered else ''}{parsed}, __reason, __h,
        CASE WHEN __reason IS NOT NULL THEN CAST(to_json([{raw_text}]) AS VARCHAR) END AS __raw
        FROM (SELECT *, {reason_code} AS __reason, hash({raw_cols}) AS __h
        FROM (SELECT * REPLACE ({finite}) FROM (SELECT *,
        {_id_expr(con, m['order_id'])} AS __p_order_id, {cust} AS __p_customer_id, {date} AS __p_order_date,
        {_id_expr(con, pid_col)} AS __p_product_id, {_text_expr(m['product_name'] or m['product_id'])} AS __p_product_name,
        {_text_expr(m['category'])} AS __p_category, {qty}::DOUBLE AS __p_quantity, {price} AS __p_unit_price,
        {_text_expr(m['channel'])} AS __p_channel, {_id_expr(con, m['store_id'])} AS __p_store_id,
        {_text_expr(m['coupon_code'])} AS __p_coupon_code, {disc} AS __p_discount
        {"".join(f', {_number_expr(con, c, notes)} AS "_extra_{i}"' for i, c in enumerate(extra))}
        FROM {source})))"""
    if m["order_id"] is None:
        if m["customer_id"] is not None:
            order_expr = "coalesce(customer_id, 'guest') || ' ' || strftime(order_date, '%Y-%m-%d')"
            notes.append(Message("ingest.note.no_order_number"))
        else:
            order_expr = "strftime(order_date, '%Y-%m-%d %H:%M:%S')"
            notes.append(Message("ingest.note.no_order_or_customer"))
    else:
        order_expr = "order_id"
    # (the parsed discount, which the canonical column fills in with 0, shows in a protected quarantine)
    kept_discount = ", discount AS __discount" if private and m["discount"] is not None else ""

    def rows_over(typed: str, qty_type: str, cancel: str, dup: str, every_row: bool = False) -> str:
        """The canonical rows of a typed relation (``typed_sql``'s columns): the loaded ones, or with
        ``every_row`` all of them with their reason code, hash and text (the pass writing ``loaded``)."""
        return f"""SELECT {order_expr} AS order_id, customer_id,
        CAST(order_date AS TIMESTAMP) AS order_date, product_id, coalesce(product_name, product_id) AS product_name,
        category, CAST(quantity AS {qty_type}) AS quantity, unit_price, channel, store_id, coupon_code,
        coalesce(discount, {'NULL' if m['discount'] is None else '0.0'}) AS discount,
        quantity * unit_price AS revenue, (quantity < 0 OR {cancel}) AS is_return, {dup} AS is_duplicate
        {"".join(f', {c} AS {quote_ident(name)}' for c, name in zip(extra_cols, extra))}
        {f', __reason, __h, __raw{kept_discount}' if every_row else ''}
        FROM {typed} {'' if every_row else 'WHERE __reason IS NULL'}"""

    if progress is not None:
        progress(Message("data.progress.checking", file=info["file"]))
    con.execute(f"CREATE TABLE {loaded} AS {rows_over(f'({typed_sql})', 'DOUBLE', 'FALSE', 'FALSE', every_row=True)}")
    if read is not None:
        read()
    # (a table written inside a transaction numbers its rows from an offset of its own, in order)
    base = con.execute(f"SELECT min(rowid) FROM {loaded}").fetchone()[0] or 0
    rows_in = con.execute(f"SELECT count(*) FROM {loaded}").fetchone()[0] \
        + con.execute("SELECT count(*) FROM rejects").fetchone()[0]
    if not no_order and fill_dates:
        empty = code["date_empty"]
        filled = con.execute(f"""UPDATE {loaded} AS l SET order_date = f.d, customer_id = coalesce(l.customer_id, f.c),
                __reason = NULL
            FROM (SELECT order_id, max(order_date) FILTER (WHERE {in_dates('order_date')}) AS d, max(customer_id) AS c
                  FROM {loaded} WHERE order_id IN (SELECT order_id FROM {loaded} WHERE __reason = {empty})
                  GROUP BY order_id) f
            WHERE l.order_id = f.order_id AND l.__reason = {empty} AND f.d IS NOT NULL
            """).fetchall()[0][0]
        if filled:
            notes.append(Message("ingest.note.dates_filled", lines=filled))
    cancel = "FALSE"
    if m["order_id"] is not None:
        # (the first character rules out most ids before the regular expression runs)
        share = con.execute(f"""SELECT avg((starts_with(order_id, 'C') AND regexp_full_match(order_id, 'C[0-9]+'))::INT),
            avg((order_id[1] BETWEEN '0' AND '9' AND regexp_full_match(order_id, '[0-9]+'))::INT) FROM {loaded}""").fetchall()[0]
        if share[0] and share[0] > 0 and (share[1] or 0) > 0.5:
            cancel = "regexp_full_match(order_id, 'C[0-9]+')"
            con.execute(f"UPDATE {loaded} SET is_return = TRUE WHERE __reason IS NULL AND {cancel}")
    qty_type = "BIGINT" if con.execute(f"SELECT bool_and(quantity = floor(quantity)) FROM {loaded} "
                                       "WHERE __reason IS NULL").fetchall()[0][0] in (True, None) else "DOUBLE"
    # Exact duplicate input lines: the second and later copies are flagged (kept: they may be real).
    # The hash of a line's text finds candidates cheaply; among the lines sharing it, those whose
    # values (and text, for bad rows) are all equal are the copies: two different lines pass only if
    # their 64-bit hashes collide and every value they are read as is the same.
    if progress is not None:
        progress(Message("data.progress.duplicates", file=info["file"]))
    con.execute(f"""CREATE TEMP TABLE cand AS SELECT rowid AS __rid FROM {loaded} WHERE __h IN
        (SELECT __h FROM {loaded} GROUP BY __h HAVING count(*) > 1)""")
    same = ", ".join(["__h", "__raw", *(quote_ident(c) for c in CANONICAL + extra)])
    con.execute(f"""CREATE TEMP TABLE dups AS SELECT __rid - {base} + 1 AS __row FROM (SELECT rowid AS __rid,
        row_number() OVER (PARTITION BY {same} ORDER BY rowid) AS k
        FROM {loaded} WHERE rowid IN (SELECT __rid FROM cand)) WHERE k > 1""")
    duplicates = con.execute("SELECT count(*) FROM dups").fetchone()[0]
    if duplicates:
        con.execute(f"UPDATE {loaded} SET is_duplicate = TRUE WHERE rowid IN (SELECT __row - 1 + {base} FROM dups)")
    if private:  # roles only; a number or date only when it was read and is plausible
        bounded = {"quantity": (f"abs(c.quantity) <= {max_q}", q_text),
                   "unit_price": (f"c.unit_price BETWEEN 0 AND {max_p}", p_text),
                   "discount": ("c.__discount IS NOT NULL", d_text), "order_date": (in_dates("c.order_date"), date_text)}
        shown = {"discount": "c.__discount"}
        kept = [f"""CASE WHEN {bounded[role][1]} IS NULL THEN NULL
                    WHEN {bounded[role][0]} THEN CAST({shown.get(role, f'c.{role}')} AS VARCHAR) ELSE '(withheld)' END
                    AS {_in_quarantine(col)}"""
                if role in bounded else f"json_extract_string(__raw, '$[{position[col]}]') AS {_in_quarantine(col)}"
                for role, col in m.items() if col is not None]
    else:
        kept = [f"json_extract_string(__raw, '$[{i}]') AS {_in_quarantine(c)}" for i, c in enumerate(columns)]
    quarantine_sql = f"""SELECT c.rowid - {base} + 1 AS row, {', '.join(kept)}, {reason_text} AS reason,
        {reason_values} AS reason_values FROM {loaded} c WHERE c.__reason IS NOT NULL"""
    counts = dict(con.execute(f"SELECT __reason, count(*) FROM {loaded} WHERE __reason IS NOT NULL "
                              "GROUP BY __reason ORDER BY __reason").fetchall())
    rejected = dict(con.execute("SELECT reason, count(*) FROM rejects GROUP BY reason").fetchall())
    if rejected:
        quarantine_sql = f"""SELECT * EXCLUDE (__part) FROM (SELECT 0 AS __part, *, NULL::VARCHAR AS raw_line
            FROM ({quarantine_sql}) UNION ALL BY NAME SELECT 1 AS __part, line AS row, raw_line, reason, reason_values
            FROM rejects) ORDER BY __part, row"""
    else:
        quarantine_sql += " ORDER BY row"
    con.execute("DROP VIEW IF EXISTS raw")
    if con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'raw_t'").fetchone()[0]:
        con.execute("DROP TABLE raw_t")  # the text copy (or the first rows) is not needed any more: free its memory
    rows_sql = "SELECT " + ", ".join(f"CAST(quantity AS {qty_type}) AS quantity" if c == "quantity" else quote_ident(c)
                                     for c in CANONICAL + DERIVED + extra) + f" FROM {loaded} WHERE __reason IS NULL"
    tally = con.execute(f"""SELECT count(*), count(*) FILTER (WHERE customer_id IS NULL),
        count(*) FILTER (WHERE is_return), count(*) FILTER (WHERE quantity < 0), count(*) FILTER (WHERE is_duplicate),
        count(*) FILTER (WHERE unit_price = 0), count(*) FILTER (WHERE {cancel})
        FROM {loaded} WHERE __reason IS NULL""").fetchall()[0]
    loaded_rows = tally[0]
    quarantined = sum(counts.values()) + sum(rejected.values())
    reasons = {checks[k - 1][1]: n for k, n in counts.items()}
    for reason, n in sorted(rejected.items(), key=lambda item: -item[1]):
        reasons[reason] = reasons.get(reason, 0) + int(n)
    report = {
        **{k: v for k, v in info.items() if k != "columns"},
        "columns": info["columns"],
        "rows_in": rows_in, "rows_loaded": loaded_rows, "rows_quarantined": quarantined,
        "guest_lines": tally[1], "return_lines": tally[2], "negative_quantity_lines": tally[3],
        "duplicate_lines": duplicates, "zero_price_lines": tally[5],
        "cancelled_invoice_lines": tally[6] if cancel != "FALSE" else 0,
        "price_missing": m["unit_price"] is None,
        "quantity_assumed": m["quantity"] is None,
        "order_id_derived": m["order_id"] is None,
        "quarantine_reasons": reasons,
        "out_of_range": {role: counts.get(code[f"{short}_out_of_range"], 0) for role, short in
                         [("quantity", "quantity"), ("unit_price", "price"), ("order_date", "date")]},
        "limits": ranges,
        "notes": notes,
    }
    if rows_in != loaded_rows + quarantined:  # (the invariant, checked where it is cheap: counts)
        raise AssertionError(f"ingestion lost rows: {rows_in} in, {loaded_rows} loaded, {quarantined} quarantined")
    return _Checked(rows_sql=rows_sql, quarantine_sql=quarantine_sql, rows_in=rows_in, mapping=m, report=report,
                    typed_sql=typed_sql, qty_type=qty_type,
                    rows_over=functools.partial(rows_over, qty_type=qty_type, cancel=cancel, dup="__dup"))


@dataclass(frozen=True)
class _Checked:
    """A validated file inside its load connection: the SQL of its canonical rows and of its
    quarantine (over table ``loaded``: ``_validate``), counts and notes; ``quarantine`` once fetched."""

    rows_sql: str
    quarantine_sql: str
    rows_in: int
    mapping: dict
    report: dict
    quarantine: pd.DataFrame | None = None
    typed_sql: str = ""  # the typed rows of the source (with reason codes), for a view over data in place
    qty_type: str = "DOUBLE"  # the loaded quantities' type: BIGINT when all are whole
    rows_over: Callable[[str], str] | None = None  # canonical rows of a typed relation with ``__dup``


def _fetched(con, checked: _Checked) -> _Checked:
    """``checked`` with its quarantine as a frame (a load into a frame, or one protected before it is saved)."""
    return replace(checked, quarantine=fetch_frame(con, checked.quarantine_sql))


def _stage_columns(batches: pa.RecordBatchReader, tmp: TempFiles) -> list[str]:
    """Each column of ``batches`` to an Arrow stream file of its own, as the batches arrive (one in
    memory at a time): a column comes back on its own (``_staged_columns``), without copying the others."""
    schemas = [pa.schema([field]) for field in batches.schema]
    paths = [tmp.path(".arrows") for _ in schemas]
    with contextlib.ExitStack() as files:
        writers = [files.enter_context(pa.ipc.new_stream(path, schema)) for path, schema in zip(paths, schemas)]
        for batch in batches:
            for writer, schema, values in zip(writers, schemas, batch.columns):
                writer.write_batch(pa.record_batch([values], schema=schema))
    return paths


def _staged_columns(paths: list[str]) -> Iterator[list[pa.Array]]:
    """The pieces of each staged column in turn, mapped from its file rather than read into memory."""
    for path in paths:
        with pa.memory_map(path) as source:
            yield [batch.column(0) for batch in pa.ipc.open_stream(source)]


_ID_ROLES = ["order_id", "product_id", "store_id", "coupon_code"]


class _Rows:
    """The loaded rows as Arrow batches (``reader``), with personal data taken out batch by batch
    when protection is on; ``replaced`` counts, per role, the values that held some once read."""

    def __init__(self, rows: pa.RecordBatchReader, mapping: dict, privacy: Privacy | None):
        self.replaced: collections.Counter = collections.Counter()
        self.schema = rows.schema
        self.reader = rows if privacy is None else pa.RecordBatchReader.from_batches(
            rows.schema, (self._protect(batch, mapping, privacy.key) for batch in rows))

    def __iter__(self):
        return iter(self.reader)

    def _protect(self, batch: pa.RecordBatch, m: dict, key: bytes) -> pa.RecordBatch:
        """One batch with customer ids pseudonymised, and e-mail addresses, phone numbers and street
        addresses in the other text roles pseudonymised (ids) or redacted (descriptive text).

        Why a batch at a time: the same functions as for a frame (``promo_core.privacy``), so a
        file loaded to the workspace and one loaded to a frame get the same pseudonyms, without
        the whole table in Python at once."""
        columns = dict(zip(batch.schema.names, batch.columns))

        def series(role: str) -> pd.Series:
            return columns[role].to_pandas()

        protected = {"customer_id": pseudonymise(series("customer_id"), key)}
        if m["order_id"] is None and m["customer_id"] is not None:  # baskets are named after customer and day
            protected["order_id"] = pseudonymise(series("order_id"), key)
        for role in [r for r in TEXT_ROLES if r != "customer_id"]:
            protected[role], n = protect_values(protected.get(role, series(role)), key, is_id=role in _ID_ROLES)
            self.replaced[role] += n
        for role, values in protected.items():
            columns[role] = pa.array(values, from_pandas=True).cast(batch.schema.field(role).type)
        return pa.record_batch(list(columns.values()), schema=batch.schema)


def _finish(checked: _Checked, privacy: Privacy | None, personal: list[str], replaced: collections.Counter) -> _Checked:
    """The quarantine, mapping and report of a load, with personal data taken out when protection
    is on (what and why, case by case: ``promo_core.privacy``); the rows are ``_Rows``' part."""
    if privacy is None:
        return checked
    m, key = checked.mapping, privacy.key
    quarantine = checked.quarantine.copy(deep=False)
    replaced = {role: n for role, n in replaced.items() if n}
    if m["customer_id"] is not None:
        ids = quarantine[m["customer_id"]].str.strip().str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
        quarantine[m["customer_id"]] = pseudonymise(ids.where(ids != ""), key)
    for role in [r for r in TEXT_ROLES if r != "customer_id"]:
        if m[role] is not None:
            quarantine[m[role]], n = protect_values(quarantine[m[role]], key, is_id=role in _ID_ROLES)
            if n:
                replaced[role] = replaced.get(role, 0) + n
    withheld = _withheld_headers(checked.report["columns"])
    quarantine["reason_values"] = quarantine["reason_values"].where(quarantine["reason"] != "unreadable")  # (DuckDB's
    # words on an unreadable line may quote it)
    if "raw_line" in quarantine.columns:
        quarantine["raw_line"] = quarantine["raw_line"].where(
            quarantine["raw_line"].isna(), "(line text withheld: personal data protection is on)")
    quarantine = quarantine.rename(columns=withheld)

    def shown(text: str) -> str:
        for col, name in withheld.items():
            text = text.replace(col, name)
        return redact(text)

    dropped = [withheld.get(c, c) for c in personal if c != m["customer_id"]]
    notes = [Message(n.id, **{k: shown(v) if isinstance(v, str) else v for k, v in n.values.items()})
             for n in checked.report["notes"]]
    notes.append(Message("ingest.note.pseudonymised_dropped", columns=tuple(dropped)) if dropped
                 else Message("ingest.note.pseudonymised"))
    if replaced:
        notes.append(Message("ingest.note.replaced", roles=tuple(
            Message(f"ingest.note.replaced_in.{'many' if n > 1 else 'one'}", role=role, lines=n)
            for role, n in replaced.items())))
    file = Path(checked.report["file"])
    report = {**checked.report, "file": redact(file.stem) + file.suffix,
              "columns": [withheld.get(c, c) for c in checked.report["columns"]], "notes": notes,
              "privacy": {"pseudonymised": True, "dropped_columns": dropped, "withheld_headers": len(withheld),
                          "replaced_values": replaced}}
    if "sheet" in report:
        report["sheet"] = redact(str(report["sheet"]))
    mapping = {role: withheld.get(col, col) if col is not None else None for role, col in m.items()}
    return replace(checked, quarantine=quarantine, mapping=mapping, report=report)


def quality_counts(data: pd.DataFrame) -> dict:
    """Counts the Data page reports for a canonical table: guests, returns, duplicates, zero prices."""
    return {
        "guest_lines": int(data["customer_id"].isna().sum()),
        "return_lines": int(data["is_return"].sum()),
        "negative_quantity_lines": int((data["quantity"] < 0).sum()),
        "duplicate_lines": int(data["is_duplicate"].sum()),
        "zero_price_lines": int((data["unit_price"] == 0).sum()),
    }


def finalize_transactions(frame: pd.DataFrame, limits: Limits | None = None) -> pd.DataFrame:
    """Canonical column order and dtypes, with ``revenue``, ``is_return`` and ``is_duplicate``.

    Used on loaded files and on tables that are canonical already (the demo retailer), so every
    analysis can rely on the same columns. A frame comes from code, not from a manager's file, and
    has no quarantine to go to: a value outside ``limits`` (default ``Limits()``) raises DataError
    naming its rows, rather than turning into a wrapped-around integer or an infinite revenue.
    """
    limits = limits or Limits()
    # (a loaded file is built canonical: copying ten million rows costs seconds)
    out = frame if _is_canonical(frame) else _canonical(frame, limits)
    _check_plausible(out, limits)
    return out


def _canonical(frame: pd.DataFrame, limits: Limits) -> pd.DataFrame:
    out = {}
    for col in CANONICAL:
        s = frame[col] if col in frame.columns else pd.Series(None, index=frame.index, dtype="object")
        if col in TEXT_ROLES:
            if not isinstance(s.dtype, pd.StringDtype):  # (tables straight from DuckDB are text already)
                if pd.api.types.is_float_dtype(s) and (s.dropna() == s.dropna().round()).all():
                    s = s.astype("Int64")  # ids read as numbers: 17850.0 -> 17850
                s = s.where(s.isna(), s.astype("str")).astype("str")
            out[col] = s
        elif col == "order_date":
            out[col] = s if pd.api.types.is_datetime64_dtype(s) else pd.to_datetime(s)
        elif col == "quantity":
            num = pd.to_numeric(s)
            whole = pd.api.types.is_integer_dtype(num) or (
                num.notna().all() and (num == num.round()).all() and (num.abs() <= limits.max_quantity).all())
            out[col] = num.astype("int64") if whole else num.astype(float)
        else:
            out[col] = pd.to_numeric(s).astype(float)
    out = pd.DataFrame(out, index=frame.index)
    if "product_name" not in frame.columns or out["product_name"].isna().all():
        out["product_name"] = out["product_id"]
    out["revenue"] = (frame["revenue"].astype(float) if "revenue" in frame.columns
                      else out["quantity"] * out["unit_price"])
    out["is_return"] = (frame["is_return"].astype(bool) if "is_return" in frame.columns
                        else (out["quantity"] < 0).to_numpy())
    out["is_duplicate"] = (frame["is_duplicate"].astype(bool) if "is_duplicate" in frame.columns
                           else frame.duplicated(keep="first").to_numpy())
    return out.reset_index(drop=True)


def _check_plausible(tx: pd.DataFrame, limits: Limits) -> None:
    """Raise DataError when a canonical frame holds a value outside ``limits`` or an infinite revenue."""
    first, end = limits.date_span()
    dates = tx["order_date"].dt.tz_convert(None) if tx["order_date"].dt.tz is not None else tx["order_date"]
    ranges = limits.ranges()
    problems = [
        (Message("ingest.implausible.quantity", **ranges["quantity"]), tx["quantity"].abs() > limits.max_quantity),
        (Message("ingest.implausible.unit_price", **ranges["unit_price"]), tx["unit_price"] > limits.max_unit_price),
        (Message("ingest.implausible.order_date", **ranges["order_date"]), (dates < first) | (dates >= end)),
        (Message("ingest.implausible.revenue"), np.isinf(tx["revenue"].to_numpy(dtype=float))),
    ]
    bad = [(what, np.flatnonzero(np.asarray(mask))) for what, mask in problems if np.asarray(mask).any()]
    if not bad:
        return

    def rows(positions) -> str:
        return ", ".join(str(i) for i in positions[:5]) + (", …" if len(positions) > 5 else "")

    raise DataError(Message("ingest.error.implausible", problems=tuple(
        Message("ingest.implausible.rows", what=what, rows=len(p), positions=rows(p)) for what, p in bad)))


def _is_canonical(frame: pd.DataFrame) -> bool:
    """Whether the frame has exactly the canonical columns, in order, with their dtypes."""
    if list(frame.columns) != CANONICAL + DERIVED or not isinstance(frame.index, pd.RangeIndex) \
            or frame.index.start != 0 or frame.index.step != 1:
        return False
    dtypes = frame.dtypes
    return (all(isinstance(dtypes[c], pd.StringDtype) for c in TEXT_ROLES)
            and pd.api.types.is_datetime64_dtype(dtypes["order_date"])
            and dtypes["quantity"] in (np.dtype("int64"), np.dtype("float64"))
            and all(dtypes[c] == np.dtype("float64") for c in ["unit_price", "discount", "revenue"])
            and all(dtypes[c] == np.dtype("bool") for c in ["is_return", "is_duplicate"])
            and not frame["product_name"].isna().all())


@dataclass(frozen=True)
class RawTable:
    """A table read by ``read_table``: typed columns as in the file, plus the lines that could not be read.

    ``rows_in == len(data) + len(quarantine)`` always.
    """

    data: pd.DataFrame
    quarantine: pd.DataFrame
    rows_in: int
    file: str


def read_table(source, sheet: str | int | None = None, text: bool = False) -> RawTable:
    """Read any table (CSV in any common dialect and encoding, .xlsx or .parquet) as it is.

    For inputs that are not sales lines (a products file with costs, a store list, an experiment):
    the same reader as ``load_transactions`` (kind, encoding and dialect sniffing, bounded memory),
    without the column roles. A column whose every non-empty value is a number becomes numeric,
    unless ``text``: then every value is text as written (ids keep their leading zeros; an Excel
    number 85123.0 reads 85123, as an id in a sales file does). Unreadable CSV lines go to
    ``quarantine`` (``row``, ``reason``, ``reason_values``: as in ``LoadResult``).
    """
    with TempFiles() as tmp:
        con, info = _load_raw(_open_file(source, tmp), sheet, tmp, max_cells=PARQUET_MAX_CELLS)
        try:
            data = con.execute("SELECT * EXCLUDE (__row) FROM raw ORDER BY __row").df()
            quarantine = con.execute("SELECT line AS row, reason, reason_values FROM rejects ORDER BY line").df()
        finally:
            con.close()
    release_memory()
    for col in data.columns:
        s = data[col]
        if text:
            if not pd.api.types.is_string_dtype(s):
                data[col] = s.astype(object).map(_cell_text, na_action="ignore").astype("str").where(s.notna())
        elif s.dtype == object or pd.api.types.is_string_dtype(s):
            as_text = s.astype("str").str.strip().where(s.notna())
            as_text = as_text.where(as_text != "")
            num = pd.to_numeric(as_text, errors="coerce")
            if as_text.notna().any() and num.notna().sum() == as_text.notna().sum():
                data[col] = num
    rows_in = len(data) + len(quarantine)
    if rows_in == 0:
        raise DataError(Message("ingest.error.table_header_only", file=info["file"]))
    return RawTable(data=data, quarantine=quarantine.astype({"row": "int64"}), rows_in=rows_in, file=info["file"])


def reason_message(reason: str, values: str | None = None) -> Message:
    """A quarantine reason as a message: its code (``reason``) and values (``reason_values``, JSON).

    Quarantines keep reasons as codes with their values, so they read in every language; a reason
    stored as English text (workspaces saved before the codes) reads as it was written.
    """
    if not _is_code(reason):
        return Message("ingest.stored_text", text=str(reason))
    found = json.loads(values) if isinstance(values, str) else {}
    if "value" not in found:
        return Message(f"ingest.reason.{reason}", **found)
    if found["value"] is None:
        found["value"] = Message("ingest.value.empty")
    return Message(f"ingest.reason.{reason}.value", **found)


def _is_code(reason) -> bool:
    """Whether a stored reason is a code ("quantity_not_number"), not English text from an older workspace."""
    return isinstance(reason, str) and re.fullmatch(r"[a-z][a-z_]*", reason) is not None


def quarantine_messages(quarantine: pd.DataFrame) -> pd.DataFrame:
    """A quarantine as shown and downloaded: each ``reason`` a ``Message`` (``reason_message``), the
    ``reason_values`` it was made from left out (``text.render_frame`` puts it in words)."""
    if "reason" not in quarantine.columns:
        return quarantine
    values = quarantine["reason_values"] if "reason_values" in quarantine.columns else [None] * len(quarantine)
    keys = [(r, v if isinstance(v, str) else None) for r, v in zip(quarantine["reason"], values)]
    made = {key: reason_message(*key) if isinstance(key[0], str) else key[0] for key in set(keys)}  # (once per reason)
    reasons = [made[key] for key in keys]
    return quarantine.drop(columns=["reason_values"], errors="ignore").assign(
        reason=pd.Series(reasons, index=quarantine.index, dtype=object))


def reason_counts(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Rows quarantined per reason (``reason``: a ``Message`` without the value each row quoted;
    ``rows``), most frequent first. Vectorised: a quarantine may hold millions of rows."""
    if not len(quarantine):
        return pd.DataFrame({"reason": pd.Series(dtype=object), "rows": pd.Series(dtype="int64")})
    reasons = quarantine["reason"].astype("str")
    stored = ~reasons.str.fullmatch(r"[a-z][a-z_]*").fillna(False).astype(bool)  # English text of an old workspace
    reasons[stored] = reasons[stored].str.replace(r" '.*' ", " … ", regex=True)  # (the values it quotes as " … ")
    values = quarantine["reason_values"] if "reason_values" in quarantine.columns else pd.Series(
        None, index=quarantine.index, dtype="str")
    # the values without the one each row quotes (the last key, as the load writes them: no JSON parsed per row)
    general = values.astype("str").str.replace(r',?"value":.*\}$', "}", regex=True)
    counts = (pd.DataFrame({"reason": reasons, "values": general}).groupby(["reason", "values"], dropna=False)
              .size().rename("rows").sort_values(ascending=False, kind="stable").reset_index())
    counts["reason"] = [reason_message(r, v) for r, v in zip(counts["reason"], counts["values"])]
    return counts[["reason", "rows"]]
