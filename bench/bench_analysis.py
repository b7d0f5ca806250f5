"""Time one page's analysis (``promo_core.analyses.<name>.run`` with default Params) on a dataset
already in a workspace, step by step, as the page runs it (on the workspace's Ibis table), without a
browser: wall and CPU seconds per step, the total, the peak RSS and the load average.

Why CPU seconds: on a 2-core machine shared with other work the wall clock says more about the
neighbours than about the code; the process's CPU seconds (DuckDB's threads included) barely move.
To compare with other code (main before a change), give ``--code`` a checkout of it; each run is one
Python process. Run from the project root, e.g. on the workspace ``bench_scale.py`` loaded:

    .venv/bin/python bench/bench_analysis.py segments bench/out/ws_20000000/promo.duckdb [--code ../main]

Other Params: the environment variable PARAMS, a Python expression evaluated with ``module`` (the
analysis module) in scope, e.g. only the parts the Segments page's first render needs:

    PARAMS='module.Params(parts=frozenset({"value","holdout"}))' .venv/bin/python bench/bench_analysis.py segments ...
"""
from __future__ import annotations

import argparse
import importlib
import os
import resource
import sys
import time
from pathlib import Path


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("analysis", help="a module of promo_core.analyses: segments, logistics, recommendations ...")
    ap.add_argument("workspace", type=Path, help="a workspace file holding the dataset (its first one is used)")
    ap.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1], help="the checkout to time")
    args = ap.parse_args()
    workspace = args.workspace.resolve()
    os.chdir(args.code)
    sys.path.insert(0, str(args.code.resolve()))
    from promo_core.store import Workspace

    module = importlib.import_module(f"promo_core.analyses.{args.analysis}")
    ws = Workspace(workspace)
    dataset = ws.list_datasets().iloc[0, 0]
    start, start_cpu = time.perf_counter(), cpu_seconds()
    step = {"at": start, "cpu": start_cpu, "name": "start"}

    def progress(message) -> None:
        now, cpu = time.perf_counter(), cpu_seconds()
        print(f"  {step['name']:34s} {now - step['at']:7.2f} s wall {cpu - step['cpu']:7.2f} s CPU", flush=True)
        step.update(at=now, cpu=cpu, name=getattr(message, "id", str(message)))

    with ws.ibis_table(dataset) as sales:
        module.run(sales, eval(os.environ.get("PARAMS", "module.Params()")), progress=progress)
    progress("end")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"{args.analysis} ({args.code}): {time.perf_counter() - start:.1f} s wall, {cpu_seconds() - start_cpu:.1f} s "
          f"CPU, peak RSS {peak:.2f} GB, load average {os.getloadavg()[0]:.1f}, cores {os.cpu_count()}", flush=True)


if __name__ == "__main__":
    main()
