"""Uplift modelling speed and memory on Hillstrom's full e-mail test (64,000 customers).

1. ``uplift.fit_uplift``: all four models (T-, S-, X-learner, class transformation) for both
   e-mails against the control, 5-fold cross-fitting, 200 bootstrap replicates for the intervals,
   on ``visit`` and on ``conversion``. Target: <= 30 s each on this 2-core machine.
2. Targeting: the budgeted plan (convex-hull greedy) for the 64,000 customers and two offers.

Run: .venv/bin/python bench/bench_uplift.py
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _measure import measure  # noqa: E402
from promo_core import targeting, uplift  # noqa: E402
from promo_core.io import read_table  # noqa: E402

FEATURES = ["recency", "history_segment", "history", "mens", "womens", "zip_code", "newbie", "channel"]


def main() -> None:
    data = read_table(ROOT.parent / "shared" / "data" / "hillstrom.csv").data
    print(f"Hillstrom: {len(data):,} customers, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    fits = {}
    for outcome in ("visit", "conversion"):
        cpu = time.process_time()
        with measure(f"fit_uplift, 4 models x 2 e-mails, 5-fold cross-fitting, 200 bootstraps ({outcome})"):
            fits[outcome] = uplift.fit_uplift(data, "segment", outcome, "No E-Mail", FEATURES)
        # CPU seconds tell what the wall time would be on an idle machine when other work shares the cores
        print(f"  CPU time {time.process_time() - cpu:.1f} s (load average now {os.getloadavg()[0]:.1f})")
        best = fits[outcome].scores[fits[outcome].scores["best"]]
        for _, row in best.iterrows():
            print(f"  {row['arm']}: best {row['model']}, Qini {row['qini']:.3f} "
                  f"(95% CI {row['qini_low']:.3f} to {row['qini_high']:.3f})")
    fit = fits["conversion"]
    econ = targeting.CouponEconomics(face_value={"Mens E-Mail": 0.0, "Womens E-Mail": 0.0}, order_value=110.0,
                                     margin=0.4, contact_cost=0.05)
    options = targeting.coupon_options(data.index.astype(str), fit.baseline,
                                       {a: fit.uplift[a][fit.best[a]] for a in fit.uplift}, econ)
    with measure("optimise_targets, 64,000 customers x 2 offers, money budget"):
        plan = targeting.optimise_targets(options, budget=1000.0)
    print(f"  {len(plan.targets):,} customers, expected profit {plan.profit:,.0f} (bound {plan.upper_bound:,.0f})")


if __name__ == "__main__":
    main()
