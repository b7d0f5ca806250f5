"""Record what the Pricing page and the report's pricing section show on the demo, before the
redesign, into tests/golden/pricing_demo.json (read by tests/test_analyses_pricing.py).

Recorded from commit 6b40118 (main before issue 15's Pricing migration) with
    .venv/bin/python tests/golden/record_pricing.py
The page runs in AppTest on a fresh demo workspace with its defaults; every number of its tables
is kept as a digest (row count, and per numeric column the sum and a position-weighted sum, so a
changed or moved value shows), the metrics as shown in English and Chinese. Since the page's tabs
draw only while open (issue 15), what it shows is read with each tab open in turn (``every_tab``),
which reads the page of 6b40118, whose tabs were all drawn, the same way.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).with_name("pricing_demo.json")
TABS = ("elasticity", "prices", "promotions", "dynamic")  # the page's tabs, in its order


def digest(frame: pd.DataFrame) -> dict:
    """Row count and, per numeric column, the sum and the sum weighted by row position."""
    frame = frame.reset_index(drop=True)
    weights = np.arange(1, len(frame) + 1, dtype=float)
    out = {"rows": len(frame), "columns": [str(c) for c in frame.columns], "sums": {}}
    for col in frame.columns:
        values = pd.to_numeric(frame[col], errors="coerce") if frame[col].dtype != bool else frame[col].astype(float)
        if frame[col].dtype == object and values.notna().sum() < frame[col].notna().sum():
            continue  # text
        v = values.to_numpy(dtype=float)
        finite = np.isfinite(v)
        out["sums"][str(col)] = [float(v[finite].sum()), float((v[finite] * weights[finite]).sum()),
                                 int(finite.sum())]
    return out


def open_pricing_tab(at, code: str):
    """Open the Pricing page's tab ``code`` (of ``TABS``) and run the page."""
    from tests.conftest import open_tab

    return open_tab(at, "pr-tab", f"pricing.tab.{code}")


def every_tab(at) -> tuple[dict, list[pd.DataFrame]]:
    """What the Pricing page shows with each of its tabs open in turn: every metric (label -> value)
    and every tab's tables, in the page's order. The last tab stays open."""
    from tests.conftest import every_tab_of

    return every_tab_of(at, "pr-tab", [f"pricing.tab.{code}" for code in TABS])


def main() -> None:
    import os

    from streamlit.testing.v1 import AppTest

    from promo_core import report, sample_data
    from promo_core.io import finalize_transactions
    from promo_core.store import Workspace

    folder = Path(tempfile.mkdtemp())
    path = folder / "promo.duckdb"
    sample_data.save_demo(Workspace(path))
    os.environ["PROMO_WORKSPACE"] = str(path)
    record = {"page": {}, "report": {}}
    for lang in ("en", "zh"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.session_state["lang"] = lang
        at.run()
        at.switch_page("pages/pricing.py")
        at.run()
        assert not at.exception, at.exception
        metrics, tables = every_tab(at)
        page = {"metrics": metrics}
        if lang == "en":
            page["tables"] = [digest(df) for df in tables]
            page["scenario_table"] = next(df for df in tables if df.columns[0] == "Measure").to_dict("list")
            open_pricing_tab(at, "elasticity")
            at.radio(key="pr-level").set_value("product").run()
            page["product_table"] = digest(next(df.value for df in at.dataframe
                                                if df.value.columns[0] == "Product ID" and "Own estimate"
                                                in df.value.columns))
            open_pricing_tab(at, "promotions")
            at.selectbox(key="pr-send-choice").set_value("20% off").run()
            at.button(key="pr-send").click().run()
            page["handoff"] = at.session_state["pricing_scenario"]
        record["page"][lang] = page
    demo = finalize_transactions(sample_data.generate(0).transactions)
    section = report.pricing_analysis(demo)
    record["report"] = {"tables": {k: digest(v) for k, v in section.tables.items()},
                        "table_text": {k: v.astype(str).to_dict("list") for k, v in section.tables.items()},
                        "notes": section.notes, "params": section.params}
    OUT.write_text(json.dumps(record, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
