"""Connect: the Segments page's analysis (``analyses.segments.run`` with its defaults) and RFM on the
demo retailer (870,000 lines) connected as a DuckDB file, as a folder of Parquet files and (with
``--spark``) as a Spark table in local mode, beside the same lines in the workspace.

Each way in runs in a fresh Python process, so the peak RSS printed is that one's own; opening the
source counts in each run (as a page run opens it). The demo is written once into a temporary data
folder. Run from the project root:

    .venv/bin/python bench/bench_connect.py [--repeat 3] [--spark]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WAYS = {"workspace": "workspace table", "duckdb": "connected DuckDB file", "parquet": "connected Parquet folder",
        "spark": "connected Spark table (local[2])"}
MAPPING = tuple((c, c) for c in ("order_id", "customer_id", "order_date", "product_id", "product_name", "category",
                                 "quantity", "unit_price", "channel", "store_id"))


def prepare(folder: Path) -> None:
    """The demo in a workspace, a DuckDB file and a Parquet folder under ``folder``."""
    import duckdb

    from promo_core import sample_data
    from promo_core.store import Workspace

    ws = Workspace(folder / "ws.duckdb")
    sample_data.save_demo(ws)
    lines = ws.load_table(ws.list_datasets()["id"][0])[[c for c, _ in MAPPING]]
    with duckdb.connect(str(folder / "shop.duckdb")) as con:
        con.register("lines", lines)
        con.execute("CREATE TABLE sales AS SELECT * FROM lines")
    (folder / "parquet").mkdir()
    for i, part in enumerate(range(0, len(lines), 300_000)):
        lines.iloc[part:part + 300_000].to_parquet(folder / "parquet" / f"part-{i}.parquet")


def run_one(way: str, folder: Path, repeat: int) -> None:
    import contextlib

    from promo_core import segments
    from promo_core.analyses import segments as analysis
    from promo_core.engine import sources
    from promo_core.store import Workspace

    from bench_segments import best_of

    settings = sources.Settings.from_config({"connect": {"folders": [str(folder)]}}, environ={})
    if way == "workspace":
        ws = Workspace(folder / "ws.duckdb")
        opener = lambda: ws.ibis_table(ws.list_datasets()["id"][0])  # noqa: E731
    else:
        url = {"duckdb": f"duckdb://{folder}/shop.duckdb", "parquet": str(folder / "parquet")}.get(way)
        if way == "spark":
            from promo_core.engine import spark_backend

            backend = spark_backend("local[2]", config={"spark.sql.shuffle.partitions": "2"})
            backend.read_parquet(str(folder / "parquet"), table_name="sales")
            url = "local[2]"
        spec = sources.SourceSpec(url=url, table="sales", mapping=MAPPING)
        opener = lambda: sources.open_sales(spec, settings)  # noqa: E731

    def on_source(compute):
        def go():
            with contextlib.ExitStack() as stack:
                return compute(stack.enter_context(opener()))
        return go

    results: list = []
    best_of(f"{WAYS[way]}: RFM", repeat, on_source(segments.rfm), results)
    best_of(f"{WAYS[way]}: Segments page analysis", repeat, on_source(lambda s: analysis.run(s, analysis.Params())),
            results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--spark", action="store_true", help="also a Spark table (needs Java 17)")
    parser.add_argument("--way", choices=list(WAYS), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(HERE)]
    if args.way:
        run_one(args.way, args.folder, args.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="bench-connect-") as tmp:
        folder = Path(tmp)
        prepare(folder)
        for way in [w for w in WAYS if w != "spark" or args.spark]:
            subprocess.run([sys.executable, __file__, "--way", way, "--folder", str(folder), "--repeat",
                            str(args.repeat)], check=True, cwd=ROOT, env={**os.environ, "PYTHONWARNINGS": "ignore"})


if __name__ == "__main__":
    main()
