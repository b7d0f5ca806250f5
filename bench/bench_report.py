"""Reports at size: the standard analyses of the demo retailer (870,000 lines), the HTML report
and Excel workbook of them plus a 100,000-customer CRM table, and the command line end to end.

Run: .venv/bin/python bench/bench_report.py   (prints seconds and peak memory; not a test)
"""
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _measure import measure  # noqa: E402
from promo_core import report, sample_data  # noqa: E402
from promo_core.io import finalize_transactions  # noqa: E402
from promo_core.store import Workspace  # noqa: E402


def main() -> None:
    demo = sample_data.generate(0)
    tx = finalize_transactions(demo.transactions)
    with measure(f"standard analyses of the demo retailer ({len(tx):,} lines, with its campaign and network)"):
        analyses, _ = report.standard_analyses(tx, source="Demo retailer", tables={
            "campaign": demo.campaign, "warehouses": demo.warehouses, "stores": demo.stores})
    rng = np.random.default_rng(0)
    n = 100_000
    crm = pd.DataFrame({"customer_id": [f"C{i:06d}" for i in range(n)],
                        "segment": rng.choice(["Champions", "At Risk", "Lost", "=HYPERLINK(\"x\")"], n),
                        "monetary": rng.gamma(2, 50, n).round(2), "p_alive": rng.random(n),
                        "clv": rng.gamma(2, 80, n).round(2), "last_order": pd.Timestamp("2026-01-01")
                        - pd.to_timedelta(rng.integers(0, 700, n), unit="D")})
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "promo.duckdb")
        with measure(f"save a {n:,}-row CRM table as an analysis"):
            aid = ws.save_analysis("CRM export", "segments", tables={"Customers": crm})
        with measure("load it back"):
            saved = [*analyses, ws.load_analysis(aid)]
        with measure(f"HTML report ({len(analyses)} standard analyses + CRM table, 50 rows shown per table)"):
            document = report.build_html_report(saved)
        print(f"  HTML size: {len(document) / 1e6:.1f} MB")
        with measure(f"Excel workbook (every row: {sum(len(t) for a in saved for t in a.tables.values()):,})"):
            book = report.build_excel_report(saved)
        print(f"  workbook size: {len(book) / 1e6:.1f} MB")
        dataset_report(ws)
        for name in ("online_retail_sample.xlsx", "groceries.csv"):
            out = Path(tmp) / "r.html"
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "promo_core", "report", "--data",
                                   str(ROOT.parent / "shared" / "data" / name), "--out", str(out), "--quiet"],
                                  cwd=ROOT, capture_output=True, text=True)
            print(f"command line on {name}: {time.perf_counter() - start:.2f} s wall (exit {done.returncode}, "
                  "a fresh Python process: imports included)")



def dataset_report(ws: Workspace) -> None:
    """The command line on the demo saved in a workspace, in a fresh process: its lines stay in the
    workspace (``report.dataset_inputs``), so the process's peak memory is the analyses' aggregates."""
    sample_data.save_demo(ws)
    out = ws.path.with_name("demo.html")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "promo_core", "report", "--data", "Demo retailer", "--workspace",
                           str(ws.path), "--out", str(out), "--quiet"], cwd=ROOT, capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    print(f"command line on the demo in a workspace: {time.perf_counter() - start:.2f} s wall, peak RSS of the "
          f"largest child so far {peak:.2f} GB (exit {done.returncode})")


if __name__ == "__main__":
    main()
