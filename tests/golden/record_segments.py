"""Record what the customer analyses give on the demo (tests/golden/segments_orders_demo.json), for
tests/test_segments_orders.py to compare later code with: RFM, coverage, the BTYD summary, lifetime
value, the holdout check, migration, channel types, cluster features and clusters.

Why: issue 15 moved their per-line work to one reduction per customer and order
(``segments.customer_orders``); the numbers must stay what they were. Run from the root of the
checkout to record (it was run on git cc8011f, the line-by-line queries), writing next to this file:

    cd /work/main && .venv/bin/python /path/to/tests/golden/record_segments.py

Tables are kept as digests (columns, rows, the sum of each numeric column, the first rows) and the
small ones (migration flows, channel mix) whole.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, os.getcwd())  # the checkout whose numbers are recorded

from tests.golden.record_logistics import cell  # noqa: E402

OUT = Path(__file__).with_name("segments_orders_demo.json")


def digest(frame: pd.DataFrame, head: int = 3) -> dict:
    """Columns, rows, the sum of each numeric column (dates as days since 1970) and the first rows."""
    sums = {}
    for c in frame.columns:
        col = frame[c]
        if pd.api.types.is_datetime64_any_dtype(col):
            sums[str(c)] = float((col - pd.Timestamp(0)).dt.total_seconds().sum() / 86400)
        elif pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            sums[str(c)] = float(col.astype(float).sum())
    return {"columns": [str(c) for c in frame.columns], "rows": len(frame), "sums": sums,
            "head": [[cell(v) for v in row] for row in frame.head(head).itertuples(index=False)]}


def whole(frame: pd.DataFrame) -> list:
    return [[cell(v) for v in row] for row in frame.itertuples(index=False)]


def record(tx: pd.DataFrame) -> dict:
    from promo_core import clv, segments

    table = segments.rfm(tx)
    early = segments.rfm(tx, "2026-03-31")
    cover = segments.coverage(tx)
    value = clv.lifetime_value(tx)
    holdout = clv.holdout_check(tx, holdout_days=180)
    migration = segments.segment_migration(tx, days=90)
    types = segments.customer_channels(tx)
    features = segments.customer_features(tx, table)
    clusters = segments.cluster_customers(tx, table, random_state=0)
    return {
        "rfm": digest(table), "rfm_segments": {str(k): int(v) for k, v in table["segment"].value_counts().items()},
        "rfm_2026_03_31": digest(early),
        "coverage": {k: cell(v) for k, v in vars(cover).items()},
        "summary_D": digest(clv.customer_summary(tx)), "summary_W_2026_03_31": digest(
            clv.customer_summary(tx, "2026-03-31", "W")),
        "clv": digest(value.customers), "bgnbd": [float(p) for p in (value.bgnbd.r, value.bgnbd.alpha, value.bgnbd.a,
                                                                      value.bgnbd.b)],
        "holdout": {"mae_model": holdout.mae_model, "mae_naive": holdout.mae_naive,
                    "total_actual": holdout.total_actual, "total_model": holdout.total_model},
        "migration": whole(migration.flows), "migration_customers": digest(migration.customers),
        "channel_types": {str(k): int(v) for k, v in types.value_counts().items()},
        "omnichannel": whole(segments.omnichannel(tx, table, channel_types=types)),
        "features": digest(features.reset_index()),
        "clusters": {"n": clusters.n_clusters,
                     "sizes": [int(v) for v in clusters.labels.value_counts().sort_index()]},
    }


def main() -> None:
    from promo_core import sample_data
    from promo_core.io import finalize_transactions

    tx = finalize_transactions(sample_data.generate().transactions)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    OUT.write_text(json.dumps({"recorded_from": commit, **record(tx)}, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT} from {commit}")


if __name__ == "__main__":
    main()
