"""Where a load's CPU goes: ``promo_core.io.load_into`` on a CSV into a fresh workspace, with the CPU
seconds (this process, all threads) and wall seconds of each SQL statement of the load that took more
than 0.3 CPU-seconds (on the workspace's own connection, where a CSV or Parquet file is loaded in one
pass; on the load's own connection and the save, for the other routes), the total and the peak RSS.

CPU seconds are the figure to compare on a machine shared with other work (wall time there is mostly
waiting). Use a head of the scale file rather than a copy of it:

    head -n 10000001 /path/to/scale_100000000.csv > /tmp/head10m.csv
    .venv/bin/python bench/bench_load_steps.py /tmp/head10m.csv
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from promo_core import io  # noqa: E402
from promo_core.store import Workspace  # noqa: E402


def cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


class TimedConnection:
    """The load's DuckDB connection, printing the cost of each statement it executes."""

    def __init__(self, con):
        self._con = con

    def __getattr__(self, name):
        return getattr(self._con, name)

    def execute(self, sql, *args):
        cpu, wall = cpu_seconds(), time.perf_counter()
        result = self._con.execute(sql, *args)
        if cpu_seconds() - cpu > 0.3:
            print(f"{cpu_seconds() - cpu:7.2f} CPU-s {time.perf_counter() - wall:7.2f} s  {' '.join(sql.split())[:100]}",
                  flush=True)
        return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv", type=Path)
    args = ap.parse_args()
    connect_for, save = io._connect_for, io._save
    io._connect_for = lambda *a, **k: TimedConnection(connect_for(*a, **k))

    def timed_save(*a, **k):
        cpu, wall = cpu_seconds(), time.perf_counter()
        dataset = save(*a, **k)
        print(f"{cpu_seconds() - cpu:7.2f} CPU-s {time.perf_counter() - wall:7.2f} s  saving into the workspace", flush=True)
        return dataset

    io._save = timed_save
    build_dataset = Workspace.build_dataset
    Workspace.build_dataset = lambda self, build, **k: build_dataset(
        self, lambda con, dataset_id: build(TimedConnection(con), dataset_id), **k)
    cpu, wall = cpu_seconds(), time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace(Path(folder) / "promo.duckdb")
        info = ws.dataset(io.load_into(ws, args.csv, args.csv.stem))
        print(f"total: {cpu_seconds() - cpu:.1f} CPU-s, {time.perf_counter() - wall:.1f} s, peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GB (load average "
              f"{os.getloadavg()[0]:.1f}); {info['rows_in']:,} rows in, {info['n_rows']:,} loaded, "
              f"{info['n_quarantine']:,} quarantined, {info['report']['duplicate_lines']:,} duplicate lines")


if __name__ == "__main__":
    main()
