"""The analyses that run through the engine layer, on the demo retailer (870,000 lines): RFM, the BTYD
customer summary, basket rules (baskets by order + rules at 0.02% support), product elasticities,
weekly series per product and the item-kNN recommender's fit (interactions + fit), each from a
DataFrame already in memory, from the workspace read into pandas first (what the pages did before
the engine layer), and from the workspace as an Ibis table (no order line reaches Python).

Each analysis and way in runs in a fresh Python process, so the peak RSS printed is that one's own
(the data included). To compare with older code, run the script again with ``--code`` set to a
checkout of it; an analysis that checkout cannot run on an Ibis table is skipped for that way. Run
from the project root:

    .venv/bin/python bench/bench_engine.py [--repeat 3] [--code ../main] [--analyses basket,weekly]
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
ANALYSES = ("rfm", "summary", "basket", "elasticities", "weekly", "recommender")


def analyses() -> dict:
    """Analysis name -> (label, module whose code must accept Ibis tables, source -> result)."""
    from promo_core import basket, clv, forecast, pricing, recommend, segments

    return {
        "rfm": ("RFM", segments, segments.rfm),
        "summary": ("customer summary", clv, clv.customer_summary),
        "basket": ("basket rules", basket, lambda src: basket.association_rules(
            basket.baskets_from(src), min_support=0.0002, min_confidence=0.05, max_len=3)),
        "elasticities": ("product elasticities", pricing, lambda src: pricing.elasticities(src, level="product")),
        "weekly": ("weekly series per product", forecast, lambda src: forecast.weekly_demand(src, "product")),
        "recommender": ("item-kNN recommender fit", recommend,
                        lambda src: recommend.ItemKNN().fit(recommend.interactions_from(src))),
    }


def run_one(way: str, name: str, workspace: Path, repeat: int) -> None:
    """Time one analysis one way in (this process does nothing else)."""
    from promo_core import sample_data
    from promo_core.io import finalize_transactions
    from promo_core.store import Workspace

    from _measure import measure
    from bench_segments import best_of  # (after promo_core: it puts this checkout first on the path)

    label, module, analysis = analyses()[name]
    ws = Workspace(workspace)
    dataset = ws.list_datasets()["id"][0]
    results: list = []
    title = f"{WAYS[way]}: {label}"
    if way == "frame":
        with measure(f"{WAYS[way]}: generate the demo (not an analysis)"):
            tx = finalize_transactions(sample_data.generate(0).transactions)
        best_of(title, repeat, lambda: analysis(tx), results)
    elif way == "workspace-pandas":
        best_of(f"{WAYS[way]}: load + {label}", repeat, lambda: analysis(ws.load_table(dataset)), results)
    elif "sales_table" not in vars(module):  # (code from before this analysis was ported)
        print(f"({title}: this code takes DataFrames only)")
        return
    else:
        def on_workspace():
            with ws.ibis_table(dataset) as sales:
                return analysis(sales)

        best_of(title, repeat, on_workspace, results)
    for r in results:
        print(f"RESULT {r['label']}: {r['seconds']:.2f} s, peak RSS {r['peak_gb']:.2f} GB", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--code", type=Path, default=HERE.parent, help="the project checkout whose promo_core is timed")
    ap.add_argument("--analyses", default=",".join(ANALYSES), help=f"some of {','.join(ANALYSES)}")
    ap.add_argument("--ways", default=",".join(WAYS), help=f"some of {','.join(WAYS)}")
    ap.add_argument("--way", choices=sorted(WAYS), help=argparse.SUPPRESS)  # (a child process)
    ap.add_argument("--analysis", choices=ANALYSES, help=argparse.SUPPRESS)
    ap.add_argument("--workspace", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    code = args.code.resolve()
    sys.path[:0] = [str(code), str(HERE)]
    if args.way:
        run_one(args.way, args.analysis, args.workspace, args.repeat)
        return
    from promo_core import sample_data
    from promo_core.store import Workspace

    print(f"code: {Path(sample_data.__file__).parents[1]}; cores: {os.cpu_count()}, "
          f"load average: {os.getloadavg()[0]:.1f}", flush=True)
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "promo.duckdb"
        sample_data.save_demo(Workspace(workspace))
        for name in args.analyses.split(","):
            for way in args.ways.split(","):
                done = subprocess.run([sys.executable, __file__, "--way", way, "--analysis", name, "--workspace",
                                       str(workspace), "--repeat", str(args.repeat), "--code", str(code)],
                                      capture_output=True, text=True, check=True)
                print(done.stdout, end="", flush=True)
                lines += [line.removeprefix("RESULT ") for line in done.stdout.splitlines()
                          if line.startswith("RESULT ")]
    print(f"\nsummary (fastest run; peak RSS of the whole process, data included; load average now "
          f"{os.getloadavg()[0]:.1f}):")
    for line in lines:
        print(f"  {line}")


if __name__ == "__main__":
    main()
