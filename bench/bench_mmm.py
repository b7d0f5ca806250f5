"""Media-mix model speed, memory and recovery of planted ROAS (issue 12).

1. ``mmm.fit`` on 104 weeks x 8 channels (``sample_data.media_case``) with the Marketing ROI page's
   default settings (``analyses.marketing.Params``): holdout fit, point fit from 3 starts, 200
   block-bootstrap refits with randomised shape priors, the progress callback counted. Target:
   <= 60 s on this 2-core machine.
2. ``mmm.allocate`` on that model (8 channels, +-50 % of today). Target: <= 2 s.
3. Coverage: the share of 90 % ROAS intervals covering the planted ROAS over ``--seeds`` seeds of
   104 weeks x 5 channels (the tests' data) at the page's default refits, their mean width, and
   the mean Spearman rank correlation of estimated and planted ROAS. ``tests/test_mmm.py`` checks
   a smaller version (5 seeds, 60 refits); this is the full figure the README states.

pymc-marketing on the same data: ``bench/bench_mmm_pymc.py`` (its own venv).

Run: .venv/bin/python bench/bench_mmm.py [--seeds 10]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402

from _measure import measure  # noqa: E402
from promo_core import mmm, sample_data  # noqa: E402
from promo_core.analyses.marketing import Params  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    n_boot = Params().n_boot
    spend, kpi, truth = sample_data.media_case(1, n_channels=8)
    told = []
    cpu = time.process_time()
    with measure(f"mmm.fit, 104 weeks x 8 channels, {n_boot} bootstrap refits"):
        model = mmm.fit(spend, kpi, n_boot=n_boot, progress=told.append)
    print(f"  CPU time {time.process_time() - cpu:.1f} s; progress told {len(told)} times, last {told[-1]:.0%}")
    print(model.channels[["roas", "roas_low", "roas_high"]].join(truth.channels["roas"].rename("planted")).round(2))
    cpu = time.process_time()
    with measure("mmm.allocate, 8 channels, +-50 % of today"):
        mmm.allocate(model, lower=model.channels["current_spend"] * 0.5, upper=model.channels["current_spend"] * 1.5)
    print(f"  CPU time {time.process_time() - cpu:.2f} s")

    covered, rhos, widths, best_worst = [], [], [], 0
    start = time.perf_counter()
    for seed in range(args.seeds):
        spend, kpi, truth = sample_data.media_case(seed)
        c = mmm.fit(spend, kpi, n_boot=n_boot, random_state=seed).channels
        planted = truth.channels["roas"]
        covered.append(((c["roas_low"] <= planted) & (planted <= c["roas_high"])).to_numpy())
        rhos.append(c["roas"].corr(planted, method="spearman"))
        widths.append((c["roas_high"] - c["roas_low"]).mean())
        best_worst += c["roas"].idxmax() == planted.idxmax() and c["roas"].idxmin() == planted.idxmin()
    covered = np.array(covered)
    print(f"coverage of the 90 % ROAS intervals over {args.seeds} seeds x 5 channels: {covered.mean():.0%} "
          f"(per seed {covered.sum(axis=1).tolist()} of 5), mean width {np.mean(widths):.2f}; mean Spearman {np.mean(rhos):.2f}, "
          f"exact ranking in {sum(r > 0.999 for r in rhos)} seeds, best and worst channel right in {best_worst} seeds "
          f"({time.perf_counter() - start:.0f} s; load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
