"""Record what the Recommendations page and the report's two recommendation sections show on the
demo retailer, to check that the redesign keeps the numbers (tests/test_page_recommendations.py).

The record in ``recommendations_demo.json`` was taken from the code before the redesign (main at
6b40118) with

    .venv/bin/python tests/golden/record_recommendations.py --code /path/to/that/checkout

It keeps headline numbers and table digests (columns, row count, the first rows, numeric column
sums), not whole tables. Timings (the comparison's "Seconds to fit and rank") are left out.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEAD = 20  # rows kept of each table


def digest(frame, head: int = HEAD) -> dict:
    """Columns, rows, the first ``head`` rows and the sum of every numeric column."""
    import numpy as np
    import pandas as pd

    frame = frame.reset_index(drop=True)
    sums = {str(c): float(frame[c].astype(float).sum()) for c in frame.columns
            if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])}
    rows = json.loads(frame.head(head).to_json(orient="values", double_precision=15, default_handler=str))
    return {"columns": [str(c) for c in frame.columns], "rows": len(frame), "head": rows,
            "sums": {k: (None if np.isnan(v) else v) for k, v in sums.items()}}


def record(code: Path, workspace: Path) -> dict:
    sys.path.insert(0, str(code))
    os.chdir(code)
    from streamlit.testing.v1 import AppTest

    from promo_core import report, sample_data
    from promo_core.io import finalize_transactions
    from promo_core.store import Workspace

    sample_data.save_demo(Workspace(workspace))
    os.environ["PROMO_WORKSPACE"] = str(workspace)
    out = {}
    for lang in ("en", "zh"):
        at = AppTest.from_file(str(code / "app.py"), default_timeout=1800)
        at.session_state["lang"] = lang
        at.run()
        at.switch_page("pages/recommendations.py")
        at.run()
        assert not at.exception, at.exception
        page = {"metrics": {m.label: m.value for m in at.metric}}
        if lang == "en":
            fit = "Seconds to fit and rank"
            page |= {"verdict": [e.value for e in (*at.success, *at.info)],
                     "customer": at.selectbox(key="rec-customer").value,
                     "model": at.selectbox(key="rec-model").value,
                     "product": at.selectbox(key="rec-product").value,
                     "tables": [digest(df.value.drop(columns=[fit], errors="ignore")) for df in at.dataframe],
                     "captions": [c.value for c in at.caption]}
        out[f"page_{lang}"] = page
    tx = finalize_transactions(sample_data.generate(0).transactions)
    for name in ("basket_analysis", "recommendations_analysis"):
        section = getattr(report, name)(tx)
        out[name] = {"name": section.name, "params": section.params, "notes": section.notes,
                     "tables": {k: digest(v) for k, v in section.tables.items()}}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=HERE.parents[1], help="the checkout whose outputs are recorded")
    parser.add_argument("--out", type=Path, default=HERE / "recommendations_demo.json")
    args = parser.parse_args()
    out = args.out.resolve()
    with tempfile.TemporaryDirectory() as folder:
        recorded = record(args.code.resolve(), Path(folder) / "promo.duckdb")
    out.write_text(json.dumps(recorded, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
