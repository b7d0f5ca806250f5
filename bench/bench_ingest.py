"""Ingestion benchmark: generated 1,000,000- and 10,000,000-line transactions CSVs and the
40,000-line Online Retail xlsx, through promo_core.io.load_transactions (the full path: read,
map, validate, quarantine, pandas frame). Prints seconds and peak memory.

Targets on a 2-core machine: 1M lines <= 2 s and <= 1.5 GB; 10M <= 20 s and <= 6 GB; xlsx <= 1.5 s.

    .venv/bin/python bench/bench_ingest.py [--sizes 1000000 10000000]
"""
from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _measure import measure  # noqa: E402
from promo_core.io import load_transactions  # noqa: E402

OUT = ROOT / "bench" / "out"


def make_csv(n: int) -> Path:
    """A UCI-shaped CSV with n lines: ~1% returns, ~20% guests, a few bad rows."""
    path = OUT / f"transactions_{n}.csv"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    duckdb.sql(f"""COPY (
        SELECT 'INV' || (i // 3)::VARCHAR AS InvoiceNo,
               'SKU' || (hash(i) % 5000)::VARCHAR AS StockCode,
               'Product ' || (hash(i) % 5000)::VARCHAR AS Description,
               CASE WHEN i % 97 = 0 THEN -1 ELSE 1 + hash(i * 7) % 6 END AS Quantity,
               strftime(TIMESTAMP '2023-01-01' + INTERVAL (i // 3 % 63072000) SECOND * 1, '%Y-%m-%d %H:%M:%S')
                   AS InvoiceDate,
               CASE WHEN i % 100003 = 0 THEN 'n/a' ELSE round(0.5 + (hash(i * 13) % 5000) / 100.0, 2)::VARCHAR END
                   AS UnitPrice,
               CASE WHEN i % 5 = 0 THEN NULL ELSE 'C' || ((i // 3) % 100000)::VARCHAR END AS CustomerID,
               'United Kingdom' AS Country
        FROM range({n}) t(i)) TO '{path}' (HEADER, DELIMITER ',')""")
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[1_000_000, 10_000_000])
    args = ap.parse_args()
    xlsx = ROOT.parent / "shared" / "data" / "online_retail_sample.xlsx"
    load_transactions(xlsx)  # warm imports
    with measure("online_retail_sample.xlsx (40,000 lines)"):
        r = load_transactions(xlsx)
    print(f"  rows_in={r.rows_in:,} loaded={len(r.data):,} quarantined={len(r.quarantine):,}")
    for n in args.sizes:
        path = make_csv(n)
        gc.collect()
        with measure(f"CSV {n:,} lines ({path.stat().st_size / 1e6:,.0f} MB)"):
            r = load_transactions(path)
        print(f"  rows_in={r.rows_in:,} loaded={len(r.data):,} quarantined={len(r.quarantine):,} "
              f"frame={r.data.memory_usage(deep=True).sum() / 2**30:.2f} GB")
        del r
        gc.collect()


if __name__ == "__main__":
    main()
