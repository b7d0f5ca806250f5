"""Price-elasticity speed and memory: 5,000 products over two years of weekly sales.

Synthetic sales lines (50 categories of 100 products, 104 weeks, about four order lines per
product-week, promotions one week in ten and two permanent price changes per product, a known
elasticity per category) go through ``pricing.elasticities`` at product level, which builds the
product x week panel from the lines, fits every category's PPML model with product and
category-week fixed effects, every product's own elasticity and the empirical-Bayes pooling.
The target is 10 seconds on this machine. Also timed: the promotion-history regression and the
profit-optimal prices on the same model.

Run: .venv/bin/python bench/bench_pricing.py [--products 5000] [--weeks 104]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _measure import measure  # noqa: E402
from promo_core import pricing, promotions  # noqa: E402


def synthetic_sales(n_products: int, n_weeks: int, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    n_cat = max(n_products // 100, 1)
    category = np.arange(n_products) % n_cat
    truth = np.round(rng.uniform(-3.0, -0.5, n_cat), 2)
    list_price = np.round(rng.lognormal(1.5, 0.6, n_products), 2)
    factor = np.ones((n_products, n_weeks))
    for _ in range(2):
        week = rng.integers(10, n_weeks - 10, n_products)
        factor *= np.where(np.arange(n_weeks)[None, :] >= week[:, None], rng.choice([0.9, 1.1], n_products)[:, None], 1)
    factor *= np.where(rng.random((n_products, n_weeks)) < 0.1, rng.choice([0.7, 0.8, 0.9], (n_products, n_weeks)), 1)
    price = np.round(list_price[:, None] * factor, 2)
    season = 1 + 0.25 * np.cos(2 * np.pi * np.arange(n_weeks) / 52)
    mu = rng.uniform(5, 60, n_products)[:, None] * season[None, :] * factor ** truth[category][:, None]
    units = rng.poisson(mu)
    lines = rng.poisson(np.minimum(units, 4)) + (units > 0)  # about four order lines per product-week
    lines = np.minimum(lines, np.maximum(units, 1)) * (units > 0)
    p_idx, w_idx = np.nonzero(lines)
    reps = lines[p_idx, w_idx]
    line_p, line_w = np.repeat(p_idx, reps), np.repeat(w_idx, reps)
    # split each product-week's units over its lines
    share = rng.random(len(line_p))
    total = np.bincount(np.repeat(np.arange(len(p_idx)), reps), share)[np.repeat(np.arange(len(p_idx)), reps)]
    qty = np.maximum(np.round(units[line_p, line_w] * share / total), 1).astype(np.int64)
    start = pd.Timestamp("2024-01-01")
    tx = pd.DataFrame({
        "order_id": np.arange(len(line_p)).astype(str),
        "order_date": start + pd.to_timedelta(line_w * 7 + rng.integers(0, 7, len(line_p)), unit="D"),
        "product_id": pd.Categorical.from_codes(line_p, [f"P{i:05d}" for i in range(n_products)]).astype(str),
        "category": pd.Categorical.from_codes(category[line_p], [f"C{c:02d}" for c in range(n_cat)]).astype(str),
        "quantity": qty, "unit_price": price[line_p, line_w]})
    return tx, pd.Series(truth, index=[f"C{c:02d}" for c in range(n_cat)])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--products", type=int, default=5000)
    ap.add_argument("--weeks", type=int, default=104)
    args = ap.parse_args()
    tx, truth = synthetic_sales(args.products, args.weeks)
    print(f"{len(tx):,} sales lines, {args.products:,} products, {args.weeks} weeks, {len(truth)} categories",
          flush=True)
    with measure(f"elasticities, {args.products:,} products x {args.weeks} weeks (target <= 10 s)"):
        model = pricing.fit_demand(tx, period="W")
        products = model.products
    error = (model.categories.set_index("category")["elasticity"] - truth).abs()
    print(f"category estimates: max error vs truth {error.max():.3f}; products estimated "
          f"{products['elasticity'].notna().sum():,} of {len(products):,}")
    with measure("promotion history (pull-forward and cannibalisation)"):
        history = promotions.promotion_history(model)
    print(f"  {len(history.events):,} past promotions; pull-forward {history.pull_forward.share:+.3f}, "
          f"cannibalisation {history.cannibalisation.share:+.3f} (none planted)")
    with measure("profit-optimal prices for every product"):
        costs = pricing.unit_costs(model, margin=0.4)
        recs = pricing.optimal_prices(model, costs)
    print(f"  {int((recs['status'] == 'change').sum()):,} price changes recommended")


if __name__ == "__main__":
    main()
