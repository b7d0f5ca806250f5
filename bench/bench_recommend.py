"""Recommender speed and memory at scale: 100,000 customers x 20,000 products with 5,000,000
purchases (taste clusters plus long-tailed popularity). For item kNN and ALS, each in a fresh
process: fit, then the top-10 (with reasons) for every customer.

Run: .venv/bin/python bench/bench_recommend.py            (both models)
     .venv/bin/python bench/bench_recommend.py --model als
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _measure import measure  # noqa: E402
from promo_core import recommend as rec  # noqa: E402


def synthetic_interactions(n_customers: int = 100_000, n_products: int = 20_000, n_purchases: int = 5_000_000,
                           n_tastes: int = 200, seed: int = 0) -> rec.Interactions:
    """Each customer has one of ``n_tastes`` tastes (a cluster of products); 70% of their purchases
    come from it, the rest from overall popularity; history lengths are long-tailed. Repeat draws
    of a product add to its count; exactly ``n_purchases`` distinct customer-product pairs remain."""
    rng = np.random.default_rng(seed)
    lengths = rng.geometric(1 / 50, n_customers).astype(np.float64)
    lengths = np.maximum(1, np.round(lengths * 1.35 * n_purchases / lengths.sum())).astype(np.int64)
    taste = rng.integers(0, n_tastes, n_customers)
    popularity = 1.0 / np.arange(1, n_products + 1) ** 0.8
    popularity /= popularity.sum()
    cluster_of = rng.permutation(n_products) % n_tastes
    members = [np.flatnonzero(cluster_of == t) for t in range(n_tastes)]
    rows = np.repeat(np.arange(n_customers), lengths)
    from_taste = rng.random(len(rows)) < 0.7
    cols = rng.choice(n_products, len(rows), p=popularity)
    t = taste[rows[from_taste]]
    sizes = np.array([len(m) for m in members])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = np.concatenate(members)
    cols[from_taste] = flat[offsets[t] + (rng.random(len(t)) * sizes[t]).astype(np.int64)]
    counts = 1 + rng.poisson(0.5, len(rows)).astype(np.float32)
    matrix = sp.csr_matrix((counts, (rows, cols)), shape=(n_customers, n_products), dtype=np.float32)
    matrix.sum_duplicates()
    coo = matrix.tocoo()
    keep = np.sort(rng.choice(coo.nnz, min(n_purchases, coo.nnz), replace=False))
    matrix = sp.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=matrix.shape)
    products = pd.Index([f"P{i:05d}" for i in range(n_products)], name="product_id")
    catalogue = pd.DataFrame({"product_name": products, "category": "", "description": ""}, index=products)
    return rec.Interactions(matrix=matrix, customers=pd.Index([f"C{i:06d}" for i in range(n_customers)],
                                                              name="customer_id"),
                            products=products, catalogue=catalogue, as_of=pd.Timestamp("2026-01-01"))


def run_one(name: str) -> None:
    inter = synthetic_interactions()
    print(f"{inter.matrix.shape[0]:,} customers x {inter.matrix.shape[1]:,} products, "
          f"{inter.matrix.nnz:,} customer-product interactions", flush=True)
    model = {"knn": rec.ItemKNN(), "als": rec.ALS()}[name]
    cpu = time.process_time()
    with measure(f"{name}: fit + top-10 with reasons for all {inter.matrix.shape[0]:,} customers"):
        with measure(f"  {name}: fit"):
            model.fit(inter)
        with measure(f"  {name}: top-10 for every customer"):
            out = model.recommend(k=10)
    print(f"  {name}: {time.process_time() - cpu:.1f} s of CPU time in all (both cores; other work on the "
          f"machine inflates wall time, not this)", flush=True)
    print(f"  {len(out):,} rows; reasons: {out['reason_kind'].value_counts().to_dict()}", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["knn", "als"])
    args = ap.parse_args()
    if args.model:
        run_one(args.model)
    else:
        for name in ("knn", "als"):
            subprocess.run([sys.executable, __file__, "--model", name], check=True)
