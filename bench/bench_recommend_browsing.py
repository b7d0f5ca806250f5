"""Recommending from browsing as well as purchases: what it costs.

Two sizes, each in a fresh process:

- ``demo``: the demo retailer (20,000 customers, 500 products, 640,000 events of which about
  290,000 views and cart adds): counting the browsing in DuckDB (``with_browsing``), fitting item
  kNN and ALS on purchases alone and with browsing, and the whole ``evaluate_browsing`` for both.
- ``large``: bench_recommend.py's 100,000 customers x 20,000 products with 5,000,000 purchases,
  plus 10,000,000 generated views and cart adds in a DuckDB table (an Ibis table: the events are
  counted there, only customer x product x kind counts come back); fit with browsing.

Run: .venv/bin/python bench/bench_recommend_browsing.py             (both sizes)
     .venv/bin/python bench/bench_recommend_browsing.py --size demo
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _measure import measure  # noqa: E402
from promo_core import recommend as rec  # noqa: E402

N_EVENTS = 10_000_000


def demo() -> None:
    from promo_core import sample_data

    retailer = sample_data.generate(0)
    tx, events = retailer.transactions, retailer.events
    cut = rec.browsing_cut(tx["order_date"].min(), tx["order_date"].max(), rec.events_start(events))
    split = rec.temporal_split(tx, cut=cut)
    print(f"demo: {len(events):,} events, cut {cut:%Y-%m-%d}, {split.train.matrix.nnz:,} purchase cells", flush=True)
    with measure("demo: count browsing before the cut (with_browsing)"):
        both = rec.with_browsing(split.train, events, before=cut)
    print(f"  {both.matrix.nnz - split.train.matrix.nnz:,} cells gained; "
          f"{(both.matrix != both.bought).nnz:,} cells changed", flush=True)
    for name, model in (("knn", rec.ItemKNN()), ("als", rec.ALS())):
        with measure(f"demo: {name} fit, purchases alone"):
            model.fit(split.train)
        with measure(f"demo: {name} fit, purchases + browsing"):
            model.fit(both)
        with measure(f"demo: {name} evaluate_browsing (two fits, 3,000 customers, 1,000 bootstraps)"):
            gain = rec.evaluate_browsing(model, split, events, name=name)
        print(f"  {name}: NDCG@10 {gain.table['ndcg'].round(4).tolist()} (purchases, +browsing); gain "
              f"{gain.gain:+.4f} [{gain.gain_low:+.4f}, {gain.gain_high:+.4f}]; among those who browsed "
              f"{gain.gain_browsed:+.4f}; hit rate {gain.table['hit_rate'].round(4).tolist()}", flush=True)


def large(model_name: str) -> None:
    import ibis  # noqa: F401  (the engine's table)
    from bench_recommend import synthetic_interactions
    from promo_core.engine import connect
    from promo_core.engine.sales import ibis_backend

    inter = synthetic_interactions()
    con = connect()
    con.execute("SELECT setseed(0.5)")
    con.execute(f"""CREATE TABLE events AS SELECT
        'C' || lpad(CAST(CAST(floor(random() * 100000) AS BIGINT) AS VARCHAR), 6, '0') AS customer_id,
        'P' || lpad(CAST(CAST(floor(pow(random(), 2) * 20000) AS BIGINT) AS VARCHAR), 5, '0') AS product_id,
        CASE WHEN random() < 0.8 THEN 'view' ELSE 'add_to_cart' END AS event,
        TIMESTAMP '2025-12-01' + to_seconds(CAST(floor(random() * 2592000) AS BIGINT)) AS event_time
        FROM range({N_EVENTS})""")
    events = ibis_backend(con).table("events")
    print(f"large: {inter.matrix.shape[0]:,} customers x {inter.matrix.shape[1]:,} products, "
          f"{inter.matrix.nnz:,} purchase cells, {N_EVENTS:,} events in DuckDB", flush=True)
    with measure("large: count browsing (with_browsing, 10M events in DuckDB)"):
        both = rec.with_browsing(inter, events)
    print(f"  {both.matrix.nnz:,} cells with browsing ({both.matrix.nnz - inter.matrix.nnz:,} new)", flush=True)
    model = {"knn": rec.ItemKNN(), "als": rec.ALS()}[model_name]
    cpu = time.process_time()
    with measure(f"large: {model_name} fit, purchases alone"):
        model.fit(inter)
    print(f"  {model_name}: {time.process_time() - cpu:.1f} s of CPU time", flush=True)
    cpu = time.process_time()
    with measure(f"large: {model_name} fit, purchases + browsing"):
        model.fit(both)
    with measure(f"large: {model_name} top-10 for every customer"):
        model.recommend(k=10)
    print(f"  {model_name}: {time.process_time() - cpu:.1f} s of CPU time for fit and lists", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", choices=["demo", "large"])
    ap.add_argument("--model", choices=["knn", "als"], default="knn")
    args = ap.parse_args()
    if args.size == "demo":
        demo()
    elif args.size == "large":
        large(args.model)
    else:
        subprocess.run([sys.executable, __file__, "--size", "demo"], check=True)
        for name in ("knn", "als"):
            subprocess.run([sys.executable, __file__, "--size", "large", "--model", name], check=True)
