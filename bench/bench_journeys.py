"""Journeys: generating the demo's events, the analysis on the demo and on ~10M events, and
loading an events file into a dataset.

The 10M table is the demo's events repeated with fresh session ids (each copy shifted by a day),
stored in a DuckDB file and read as an Ibis table, as the workspace's datasets are: the funnel (by
segment, channel and device, the segments joined in the engine) and every list run in DuckDB, only
aggregates come back. The load writes ``--load`` events as a GA4-shaped CSV (event_name,
event_timestamp in microseconds, user_pseudo_id, ga_session_id, items.item_id) and reads it into a
workspace dataset with ``io.load_events_into`` (mapping, typing and quarantine in SQL), with and
without privacy protection. Each step prints wall seconds, CPU seconds and peak RSS (the machine
may be shared: CPU seconds are the figure to compare).

Run: .venv/bin/python bench/bench_journeys.py [--events 10000000] [--load 2000000]
"""
from __future__ import annotations

import argparse
import contextlib
import resource
import sys
import tempfile
from pathlib import Path

import pyarrow.csv as pa_csv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _measure import measure as wall_measure  # noqa: E402
from promo_core import io, journeys, sample_data  # noqa: E402
from promo_core.analyses import journeys as analysis  # noqa: E402
from promo_core.engine import connect_file  # noqa: E402
from promo_core.engine.sales import ibis_backend  # noqa: E402
from promo_core.privacy import Privacy  # noqa: E402
from promo_core.store import Workspace  # noqa: E402


@contextlib.contextmanager
def measure(label: str):
    """``_measure.measure`` (wall seconds, peak RSS) plus the CPU seconds of this process's threads."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    with wall_measure(label):
        yield
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(f"  CPU {after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime:.2f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--load", type=int, default=2_000_000, help="events in the file loaded (0: no load)")
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
        if args.load:
            csv = Path(tmp) / "ga4_events.csv"
            ga4 = con.sql(f"""SELECT CASE event WHEN 'view' THEN 'view_item' ELSE event END AS event_name,
                epoch_us(event_time) AS event_timestamp, coalesce(customer_id, 'guest-' || session_id) AS user_pseudo_id,
                session_id AS ga_session_id, product_id AS "items.item_id", search_term
                FROM events LIMIT {int(args.load)}""").to_arrow_table()
            pa_csv.write_csv(ga4, csv)
            del ga4
        con.close()
        if args.load:
            print(f"{args.load:,} events in a GA4-shaped CSV, {csv.stat().st_size / 1e6:,.0f} MB")
            demo_ws = Workspace(Path(tmp) / "ws.duckdb")
            dataset = sample_data.save_demo(demo_ws)
            with measure("io.load_events_into (the CSV into the dataset's events)"):
                report = io.load_events_into(demo_ws, dataset, csv)
            print(f"  {report['rows_loaded']:,} kept, {report['rows_quarantined']:,} set aside")
            with measure("io.load_events_into with privacy (ids pseudonymised, search terms checked)"):
                io.load_events_into(demo_ws, dataset, csv, privacy=Privacy(key=b"bench"))


if __name__ == "__main__":
    main()
