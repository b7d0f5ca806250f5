"""Price sensitivity for a small shop and for wholesale prices (issue 14, item 4): accuracy,
seconds and peak memory, before (periods with sales only) and after (periods without a sale put
back at the shelf price in force).

On the demo retailer with 4,000 customers (seeds as given) and 20,000 customers (seed 0): per
category the estimate against the planted elasticity, the largest error, the mean bias and how
many 90% intervals cover the truth. On the Online Retail sample (../shared/data): the estimate,
its flag and the fit's seconds.

Run: .venv/bin/python bench/bench_elasticity.py [--seeds 0 1 2 3 4 5]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _measure import measure  # noqa: E402
from promo_core import pricing, sample_data  # noqa: E402
from promo_core.io import finalize_transactions, load_transactions  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


def compare(tx: pd.DataFrame, truth: pd.Series, label: str) -> None:
    table = pd.DataFrame({"truth": truth})
    for name, empty in (("before", False), ("after", True)):
        with measure(f"{label}: fit_demand ({name})"):
            cats = pricing.fit_demand(tx, "W", empty_periods=empty).categories.set_index("category")
        error = cats["elasticity"] - truth.reindex(cats.index)
        covered = ((cats["ci_low"] <= truth.reindex(cats.index)) & (truth.reindex(cats.index) <= cats["ci_high"])).sum()
        table[name] = cats["elasticity"].round(2)
        print(f"  {name}: largest error {error.abs().max():.3f}, mean bias {error.mean():+.3f}, "
              f"{covered} of {len(cats)} intervals cover the truth, dependable {int(cats['reliable'].sum())}, "
              f"periods without a sale {cats['empty_share'].mean():.1%}")
    print(table.to_string(), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    args = ap.parse_args()
    for n_customers, seeds in ((4000, args.seeds), (20_000, [0])):
        for seed in seeds:
            demo = sample_data.generate(seed, n_customers=n_customers)
            compare(finalize_transactions(demo.transactions), demo.truth.category_elasticity,
                    f"demo {n_customers:,} customers, seed {seed}")
    tx = load_transactions(SHARED / "online_retail_sample.xlsx").data
    for name, empty in (("before", False), ("after", True)):
        with measure(f"Online Retail sample: fit_demand ({name})"):
            cats = pricing.fit_demand(tx, "W", empty_periods=empty).categories.iloc[0]
        print(f"  {name}: elasticity {cats['elasticity']:.2f}, flag {cats['flag']}, dependable {cats['reliable']}, "
              f"rows {cats['n_obs']:,}", flush=True)


if __name__ == "__main__":
    main()
