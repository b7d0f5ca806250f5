"""Record what ``io.load_into`` stored in the workspace before the load became one pass from the file
into the workspace table (issue 15, the load targets): run with the code of another checkout, e.g.

    /work/main/.venv/bin/python tests/golden/record_load_into.py /work/main > tests/golden/load_into_files.json

(recorded from git 07b31bf, where the file was read into a separate DuckDB and its rows streamed into
the workspace as Arrow batches). Per file: the load's counts, reasons and mapping, the column types of
the stored tables and a SHA-256 of each table as CSV (exact values), so a test shows the one-pass load
stores the very same tables: the demo retailer (2,000 customers) written as CSV, the shared data's
sales files, and a small hostile file (bad values of every kind, a duplicate, a broken line, a line
without its date).
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from record_ingest import checkout, digest

HOSTILE = (
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    "1,A,Tea,2,2024-01-02 10:00:00,1.50,17850.0,UK\n1,A,Tea,2,2024-01-02 10:00:00,1.50,17850.0,UK\n"
    "1,B,Mug,1,,3.00,17850.0,UK\n2,B,Mug,x,2024-01-03,3.00,c3,UK\n3,C,Pot,1,2024-01-04,-9,c4,UK\n"
    "4,D,Lid,1e19,2024-01-05,1.00,c5,UK\n5,E,Pan,1,1850-01-01,1.00,c5,UK\n6,,Cup,1,2024-01-06,1.00,,UK\n"
    "7,F,\"Jug, big\",0,2024-01-07,2.00,c7,UK\n8,G,Bowl,1,2024-01-08,,c8,UK\n9,H,Spoon,1,2024-01-09,£1.20,c9\n"
    "C10,A,Tea,-1,2024-01-10,1.50,17850.0,UK\n11,I,\"Fork,1,2024-01-11,0.50,c11,UK\n12,J,Knife,3,2024-01-12,0.75,c12,UK\n"
)
CASES = ["demo (2,000 customers).csv", "groceries.csv", "retail_price.csv", "hostile.csv"]


def case_file(name: str, folder: Path, shared: Path) -> Path:
    """The file of case ``name``: a shared data file, or one written into ``folder``."""
    if (shared / name).exists():
        return shared / name
    path = folder / name
    if name == "hostile.csv":
        path.write_text(HOSTILE, encoding="utf-8")
    else:
        from promo_core import sample_data
        sample_data.generate(seed=0, n_customers=2000).transactions.to_csv(path, index=False)
    return path


def facts(ws, dataset: str) -> dict:
    info = ws.dataset(dataset)
    report = {k: info["report"][k] for k in ("rows_in", "rows_loaded", "rows_quarantined", "guest_lines",
                                             "return_lines", "duplicate_lines", "zero_price_lines",
                                             "cancelled_invoice_lines", "quarantine_reasons")}
    report["notes"] = [n.id for n in info["report"]["notes"]]
    tables = {}
    with ws.connect() as con:
        for table in ("transactions", "quarantine"):
            name = f"ds_{dataset}_{table}"
            types = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
                                "ORDER BY column_index", [name]).fetchall()
            tables[table] = {"types": [list(t) for t in types], "digest": digest(ws.load_table(dataset, table))}
    return {"report": report, "mapping": info["mapping"], "n_rows": info["n_rows"],
            "n_quarantine": info["n_quarantine"], **tables}


def main() -> None:
    root, out = checkout(sys.argv[1])
    from promo_core.io import load_into
    from promo_core.store import Workspace

    shared = root.parent / "shared" / "data"
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace(Path(folder) / "promo.duckdb")
        for name in CASES:
            out[name] = facts(ws, load_into(ws, case_file(name, Path(folder), shared)))
    print(json.dumps(out, indent=1, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
