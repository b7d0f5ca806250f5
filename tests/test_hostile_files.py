"""A corpus of hostile and broken files: every one either loads with the ingestion invariant
(``rows_in == len(data) + len(quarantine)``) or is refused with a DataError written for a person:
never another exception, never a message quoting the server's paths or the engine's internals."""
from __future__ import annotations

import datetime
import decimal
import io
import re
import zipfile

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from promo_core.errors import DataError
from promo_core.io import load_transactions, read_table

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
LINE = "536365,85123A,WHITE HANGING,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
INTERNALS = re.compile(r"/tmp/|promolens-|Binder Error|Conversion Error|Invalid Input Error|Traceback|duckdb",
                       re.IGNORECASE)


def _xlsx(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    return buf.getvalue()


def _parquet(columns: dict) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table(columns), buf)
    return buf.getvalue()


def _zip(name: str, body: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, body)
    return buf.getvalue()


def _corpus() -> dict[str, bytes]:
    ok = pd.read_csv(io.StringIO(HEADER + LINE * 3))
    base = {"InvoiceNo": ["1", "2"], "StockCode": ["A", "B"], "InvoiceDate": ["2020-01-01", "2020-01-02"],
            "UnitPrice": [1.0, 2.0]}
    return {
        "empty": b"", "bom only": b"\xef\xbb\xbf", "nul bytes": b"\x00" * 100, "header only": HEADER.encode(),
        "no final newline": (HEADER + LINE).rstrip("\n").encode(),
        "old mac line ends": (HEADER + LINE * 3).replace("\n", "\r").encode(),
        "mixed line ends": (HEADER + LINE + LINE.replace("\n", "\r\n") + LINE).encode(),
        "unclosed quote": (HEADER + '536365,"85123A,x,6,2010-12-01,2.55,1,UK\n' + LINE).encode(),
        "five thousand columns": (",".join(f"c{i}" for i in range(5000)) + "\n" + ",".join("1" * 5000) + "\n").encode(),
        "empty headers": b",,,\n1,2,3,4\n",
        "year 9999": (HEADER + LINE.replace("2010-12-01 08:26:00", "9999-12-31") + LINE).encode(),
        "year 0": (HEADER + LINE.replace("2010-12-01 08:26:00", "0000-01-01") + LINE).encode(),
        "quantity 1e19": (HEADER + LINE.replace(",6,", ",1e19,") + LINE).encode(),
        "price 1e308": (HEADER + LINE.replace(",2.55,", ",1e308,") + LINE).encode(),
        "customer 1e300": (HEADER + LINE.replace(",17850,", ",1e300,") + LINE).encode(),
        "bidi and zero width": (HEADER + LINE.replace("WHITE", "\u202e\u200b😀")).encode(),
        "utf-16 without bom": (HEADER + LINE).encode("utf-16-le"),
        "html": b"<html><body><table><tr><td>1</td></tr></table></body></html>\n",
        "json": b'{"a": 1, "b": [1, 2]}',
        "zip header, garbage": b"PK\x03\x04" + b"x" * 100,
        "parquet header, garbage": b"PAR1" + b"x" * 100,
        "old excel": b"\xd0\xcf\x11\xe0" + b"x" * 100,
        "zip of a text file": _zip("hello.txt", b"hi"),
        "excel sep line": b"sep=;\n" + (HEADER + LINE).replace(",", ";").encode(),
        "100k-character header": ("X" * 100_000 + ",InvoiceDate,StockCode\n1,2020-01-01,A\n").encode(),
        "xlsx": _xlsx(ok), "xlsx empty": _xlsx(pd.DataFrame()), "xlsx truncated": _xlsx(ok)[:500],
        "xlsx quantity 1e300": _xlsx(ok.assign(Quantity=1e300)),
        "xlsx booleans": _xlsx(ok.assign(Quantity=True)),
        "parquet uint64": _parquet({**base, "Quantity": pa.array([2**64 - 1, 2], pa.uint64())}),
        "parquet nested": _parquet({**base, "StockCode": [[1, 2], [3]], "Quantity": [{"a": 1}, {"a": 2}]}),
        "parquet decimal": _parquet({**base, "Quantity": [1, 2], "UnitPrice": pa.array(
            [decimal.Decimal("1.50"), decimal.Decimal("99999999999999999999999999999999999.99")], pa.decimal128(38, 2))}),
        "parquet binary ids": _parquet({**base, "InvoiceNo": pa.array([b"\xff\x00", b"\x01"], pa.binary()),
                                        "Quantity": [1, 2]}),
        "parquet time zone": _parquet({**base, "Quantity": [1, 2], "InvoiceDate": pa.array(
            [pd.Timestamp("2020-01-01", tz="Asia/Shanghai"), pd.Timestamp("2020-01-02", tz="UTC")])}),
        "parquet dates": _parquet({**base, "Quantity": [1, 2], "InvoiceDate": [datetime.date(2020, 1, 1),
                                                                               datetime.date(2020, 1, 2)]}),
        "parquet no rows": _parquet({"InvoiceNo": pa.array([], pa.string())}),
    }


CORPUS = _corpus()


@pytest.mark.parametrize("reader", [load_transactions, read_table], ids=["sales", "other table"])
@pytest.mark.parametrize("name", list(CORPUS))
def test_a_hostile_file_loads_whole_or_is_refused_in_plain_words(name, reader):
    try:
        result = reader(CORPUS[name])
    except DataError as exc:
        for lang in ("en", "zh"):
            assert not INTERNALS.search(exc.text(lang)), exc.text(lang)
        return
    assert result.rows_in == len(result.data) + len(result.quarantine)
    if "reason" in result.quarantine:
        assert not result.quarantine["reason"].astype(str).str.contains(INTERNALS).any()


@pytest.mark.parametrize("reader", [load_transactions, read_table], ids=["sales", "other table"])
def test_a_file_of_thousands_of_columns_is_refused_with_the_count(reader):
    with pytest.raises(DataError, match="has 5,000 columns; PromoLens reads at most 1,000"):
        reader(CORPUS["five thousand columns"])
