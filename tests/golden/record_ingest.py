"""Record what loading files gave before the front door streamed into the workspace (issue 15 item 4):
run with the code of another checkout, e.g.

    /work/main/.venv/bin/python tests/golden/record_ingest.py /work/main > tests/golden/ingest_files.json

(recorded from git 6be3845, whose promo_core/io.py is that of 6b40118). Per file: the counts, reasons,
mapping and a SHA-256 of the loaded table and of the quarantine as CSV (exact values), so a test can
show that ``io.load_into`` keeps every number."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

CASES = {  # name -> (file under the shared data folder or a text written here, protected?)
    "online_retail_sample.xlsx": ("online_retail_sample.xlsx", False),
    "groceries.csv": ("groceries.csv", False),
    "people.csv (protected)": (
        "InvoiceNo;StockCode;Description;Quantity;InvoiceDate;UnitPrice;CustomerID;Email\n"
        "1;A;Tea;2;02/01/2024 10:00;1,50;c1;jane@example.com\n1;A;Tea;2;02/01/2024 10:00;1,50;c1;jane@example.com\n"
        "2;B;Call +44 7700 900456;1;13/01/2024;3,00;c2;x@example.org\n3;B;Mug;x;13/01/2024;3,00;c3;\n"
        "4;C;Pot;1;;9,00;c4;\n4;D;Lid;1;14/01/2024;1,00;c4;\n5;E;Pan;1e19;14/01/2024;1,00;c5;\n", True),
}


def digest(frame) -> str:
    return hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()


def facts(result) -> dict:
    report = {k: result.report[k] for k in ("rows_in", "rows_loaded", "rows_quarantined", "guest_lines", "return_lines",
                                            "duplicate_lines", "zero_price_lines", "cancelled_invoice_lines",
                                            "quarantine_reasons", "notes")}
    return {"report": report, "mapping": result.mapping, "data": digest(result.data),
            "quarantine": digest(result.quarantine)}


def checkout(root: str) -> tuple[Path, dict]:
    """The checkout at ``root`` made importable, and the start of a record: the commit it is at."""
    root = Path(root).resolve()
    sys.path.insert(0, str(root))
    return root, {"recorded_from": "git " + subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                                                           capture_output=True, text=True).stdout.strip()}


def main() -> None:
    root, out = checkout(sys.argv[1])
    from promo_core.io import load_transactions
    from promo_core.privacy import Privacy

    shared = root.parent / "shared" / "data"
    for name, (source, protect) in CASES.items():
        data = (shared / source) if (shared / source).exists() else source.encode("utf-8")
        out[name] = facts(load_transactions(data, privacy=Privacy(key=b"golden") if protect else None))
    print(json.dumps(out, indent=1, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
