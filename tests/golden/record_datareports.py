"""Record what the business profile and the command-line report give on the demo, before the
redesign, into tests/golden/datareports_demo.json (read by tests/test_analyses_data.py).

Recorded from commit cc8011f (main before issue 15's Data and Reports migration) with
    .venv/bin/python tests/golden/record_datareports.py
Kept: the profile's headline numbers (pandas ``business_profile`` on the demo frame and the
workspace's ``workspace_profile`` on the saved demo) with a digest of each of its tables, and the
command-line report of the demo dataset (``report --data "Demo retailer"`` to an Excel workbook):
every sheet's digest (row count, per numeric column the sum and a position-weighted sum) and the
contents sheet's notes.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).with_name("datareports_demo.json")
PROFILE_TABLES = ("weekly", "top_products", "top_categories", "channels")
PROFILE_NUMBERS = ("lines", "orders", "customers", "products", "revenue", "returns_share",
                   "returned_revenue_share", "guest_share", "avg_order_value")


def digest(frame: pd.DataFrame) -> dict:
    """Row count and, per numeric column, the sum and the sum weighted by row position."""
    frame = frame.reset_index(drop=True)
    weights = np.arange(1, len(frame) + 1, dtype=float)
    out = {"rows": len(frame), "columns": [str(c) for c in frame.columns], "sums": {}}
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            continue
        values = pd.to_numeric(frame[col], errors="coerce") if frame[col].dtype != bool else frame[col].astype(float)
        if values.notna().sum() < frame[col].notna().sum() or not values.notna().any():
            continue  # text
        v = values.to_numpy(dtype=float)
        finite = np.isfinite(v)
        out["sums"][str(col)] = [float(v[finite].sum()), float((v[finite] * weights[finite]).sum()),
                                 int(finite.sum())]
    return out


def profile_record(p) -> dict:
    return {"numbers": {k: float(getattr(p, k)) for k in PROFILE_NUMBERS},
            "first_date": str(p.first_date), "last_date": str(p.last_date),
            "tables": {k: digest(getattr(p, k)) for k in PROFILE_TABLES},
            "top_products": list(map(str, p.top_products["product_id"])),
            "product_names": list(map(str, p.top_products["product_name"]))}


def workbook_record(path: Path) -> dict:
    sheets = pd.read_excel(path, sheet_name=None)
    contents = next(iter(sheets.values()))
    return {"sheets": {name: digest(frame) for name, frame in list(sheets.items())[1:]},
            "analyses": list(contents["Analysis"].drop_duplicates()),
            "notes": list(contents.drop_duplicates("Analysis")["Notes"].fillna(""))}


def main() -> None:
    from promo_core import cli, profile, sample_data
    from promo_core.io import finalize_transactions
    from promo_core.store import Workspace

    folder = Path(tempfile.mkdtemp())
    ws = Workspace(folder / "promo.duckdb")
    dataset = sample_data.save_demo(ws)
    demo = sample_data.generate(0)
    record = {"profile_frame": profile_record(profile.business_profile(finalize_transactions(demo.transactions))),
              "profile_workspace": profile_record(profile.workspace_profile(ws, dataset))}
    out = folder / "report.xlsx"
    status = cli.main(["report", "--data", "Demo retailer", "--workspace", str(ws.path), "--out", str(out), "--quiet"])
    assert status == 0, status
    record["cli_report"] = workbook_record(out)
    OUT.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
