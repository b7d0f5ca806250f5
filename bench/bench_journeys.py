"""Journeys: generating the demo's events, and the analysis on the demo and on ~10M events.

The 10M table is the demo's events repeated with fresh session ids (each copy shifted by a day),
stored in a DuckDB file and read as an Ibis table, as the workspace's datasets are: the funnel and
every list run in DuckDB, only aggregates come back.

Run: .venv/bin/python bench/bench_journeys.py [--events 10000000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _measure import measure  # noqa: E402
from promo_core import journeys, sample_data  # noqa: E402
from promo_core.analyses import journeys as analysis  # noqa: E402
from promo_core.engine import connect_file  # noqa: E402
from promo_core.engine.sales import ibis_backend  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000_000)
    args = parser.parse_args()
    demo = sample_data.generate(0)
    with measure("demo_events (the demo's events, own random stream)"):
        events, _ = sample_data.demo_events(demo.transactions, demo.truth.customer_type, demo.products, 0)
    print(f"  {len(events):,} events, {events['session_id'].nunique():,} sessions, "
          f"{events.memory_usage(deep=True).sum() / 1e6:.0f} MB in pandas")
    segments = analysis.Segments(demo.truth.customer_type, "truth")
    with measure("analysis.run on the demo's events (DataFrame, columns recognised)"):
        analysis.run(events, analysis.Params(segments=segments))
    copies = max(1, round(args.events / len(events)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.duckdb"
        con = connect_file(path)
        con.register("demo", events)
        con.execute("CREATE TABLE events AS SELECT * REPLACE (session_id || '-' || c AS session_id, "
                    "event_time + c * INTERVAL 1 DAY AS event_time) FROM demo, range(?) r(c)", [copies])
        n = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
        table = ibis_backend(con).table("events")
        print(f"{n:,} events in DuckDB ({copies} copies)")
        with measure("funnel (sessions -> view -> cart -> purchase, by segment, channel, device)"):
            journeys.funnel(journeys.events_table(table), demo.truth.customer_type)
        with measure("analysis.run (funnel, abandoned carts, searches, products)"):
            result = analysis.run(table, analysis.Params(segments=segments))
        print(f"  {result.n_sessions:,} sessions, {len(result.carts):,} abandoned carts")
        con.close()


if __name__ == "__main__":
    main()
