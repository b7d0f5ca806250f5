"""The customer analyses through the engine layer, on the demo retailer (870,000 lines): RFM and
the BTYD customer summary from a DataFrame already in memory, from the workspace read into pandas
first (what the pages did before the engine layer), and from the workspace as an Ibis table (no
order line reaches Python).

Each way in runs in a fresh Python process, so the peak RSS printed is that way's own. To compare
with the code before the engine layer, run the script again with ``--code`` set to a checkout of
it (the Ibis way needs the engine layer and is skipped there). Run from the project root:

    .venv/bin/python bench/bench_engine.py [--repeat 3] [--code ../main]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
WAYS = {"frame": "DataFrame in memory", "workspace-pandas": "workspace read into pandas",
        "workspace-ibis": "workspace as an Ibis table"}


def run_way(way: str, workspace: Path, repeat: int) -> None:
    """Time RFM and the customer summary one way in (this process does nothing else)."""
    from promo_core import clv, sample_data, segments
    from promo_core.io import finalize_transactions
    from promo_core.store import Workspace

    from _measure import measure
    from bench_segments import best_of  # (after promo_core: it puts this checkout first on the path)

    ws = Workspace(workspace)
    dataset = ws.list_datasets()["id"][0]
    results: list = []
    label = WAYS[way]
    if way == "frame":
        with measure(f"{label}: generate the demo (not an analysis)"):
            tx = finalize_transactions(sample_data.generate(0).transactions)
        best_of(f"{label}: RFM", repeat, lambda: segments.rfm(tx), results)
        best_of(f"{label}: customer summary", repeat, lambda: clv.customer_summary(tx), results)
    elif way == "workspace-pandas":
        best_of(f"{label}: load + RFM", repeat, lambda: segments.rfm(ws.load_table(dataset)), results)
        best_of(f"{label}: load + customer summary", repeat, lambda: clv.customer_summary(ws.load_table(dataset)),
                results)
    else:
        def on_workspace(analysis):
            with ws.ibis_table(dataset) as sales:
                return analysis(sales)

        best_of(f"{label}: RFM", repeat, lambda: on_workspace(segments.rfm), results)
        best_of(f"{label}: customer summary", repeat, lambda: on_workspace(clv.customer_summary), results)
    print(f"(promo_core from {Path(segments.__file__).parents[1]})")
    for r in results:
        print(f"RESULT {r['label']}: {r['seconds']:.2f} s, peak RSS {r['peak_gb']:.2f} GB", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--code", type=Path, default=HERE.parent, help="the project checkout whose promo_core is timed")
    ap.add_argument("--way", choices=sorted(WAYS), help=argparse.SUPPRESS)  # (a child process)
    ap.add_argument("--workspace", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    code = args.code.resolve()
    sys.path[:0] = [str(code), str(HERE)]
    if args.way:
        run_way(args.way, args.workspace, args.repeat)
        return
    from promo_core import sample_data
    from promo_core.store import Workspace

    print(f"code: {Path(sample_data.__file__).parents[1]}; cores: {os.cpu_count()}, "
          f"load average: {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "promo.duckdb"
        sample_data.save_demo(Workspace(workspace))
        has_ibis = hasattr(Workspace, "ibis_table")
        lines = []
        for way in WAYS:
            if way == "workspace-ibis" and not has_ibis:
                print(f"({WAYS[way]}: this code has no engine layer)")
                continue
            done = subprocess.run([sys.executable, __file__, "--way", way, "--workspace", str(workspace),
                                   "--repeat", str(args.repeat), "--code", str(code)],
                                  capture_output=True, text=True, check=True)
            print(done.stdout, end="", flush=True)
            lines += [line.removeprefix("RESULT ") for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    print("\nsummary (fastest run; peak RSS of the whole process, data included):")
    for line in lines:
        print(f"  {line}")


if __name__ == "__main__":
    main()
