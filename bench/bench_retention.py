"""Benchmarks of churn risk and cohort retention (issue 14) on generated transactions.

Targets: churn risk for 100,000 customers / 1,000,000 lines <= 10 s, the holdout evaluation
included (three feature passes in the engine, two gradient-boosting fits, the BG/NBD twice); the
cohort table for 10,000,000 lines <= 3 s. The lines are ``bench_segments.generate``'s (the BG/NBD
story, two channels, 5 % guest lines, 2 % returns). Run from the project root:

    .venv/bin/python bench/bench_retention.py [--churn-lines 1000000] [--cohort-lines 10000000] [--repeat 2]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_segments import best_of, generate  # noqa: E402

from promo_core import retention  # noqa: E402


def cpu_seconds(label: str, fn):
    """``fn()``, printing the CPU seconds it took over all threads: on a shared machine wall time
    says more about the neighbours, and CPU seconds / 2 bounds the wall time on two idle cores."""
    start = time.process_time()
    out = fn()
    print(f"{label}: {time.process_time() - start:.2f} CPU-seconds", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--churn-lines", type=int, default=1_000_000)
    ap.add_argument("--churn-customers", type=int, default=100_000)
    ap.add_argument("--cohort-lines", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    results: list = []
    tx = generate(args.churn_lines, args.churn_customers)
    label = f"churn_risk, {len(tx):,} lines, {tx['customer_id'].nunique():,} customers"
    risk = best_of(label, args.repeat, lambda: cpu_seconds(label, lambda: retention.churn_risk(tx)), results)
    print(risk.evaluation.to_string(index=False), f"\nchosen route: {risk.route}")
    best_of(f"cohort_table (M), {len(tx):,} lines", args.repeat, lambda: retention.cohort_table(tx), results)
    if args.cohort_lines:
        big = generate(args.cohort_lines, args.cohort_lines // 10)
        label = f"cohort_table (M), {len(big):,} lines"
        best_of(label, args.repeat, lambda: cpu_seconds(label, lambda: retention.cohort_table(big)), results)
    print("\nbest of each:")
    for r in results:
        print(f"  {r['label']}: {r['seconds']:.2f} s, peak RSS {r['peak_gb']:.2f} GB")


if __name__ == "__main__":
    main()
