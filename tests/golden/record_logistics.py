"""Record what the Logistics page and the report's forecast and network sections show on the demo
(tests/golden/logistics_demo.json), for tests/test_page_logistics.py to compare the redesign with.

Run from the project's root on the code to record (it was run on git 6b40118, before issue 15's
items 2 and 3 reached the Logistics page):

    PROMO_WORKSPACE=/tmp/x/promo.duckdb .venv/bin/python tests/golden/record_logistics.py

Tables are kept as digests (columns, rows, the sum of each numeric column, the first rows) and the
report's tables whole (they are small); the network plan's objective with ``repr`` (exact). Since
the page's tabs draw only while open (issue 15), what it shows is read with each tab open in turn
(``every_tab``), which reads the page of 6b40118, whose tabs were all drawn, the same way.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).with_name("logistics_demo.json")
PAGE = "pages/logistics.py"
TABS = ("forecast", "stock", "network")  # the page's tabs, in its order


def cell(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, pd.Timestamp):
        return str(v)
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def digest(frame: pd.DataFrame, head: int = 3) -> dict:
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    return {"columns": [str(c) for c in frame.columns], "rows": len(frame),
            "sums": {str(c): float(frame[c].astype(float).sum()) for c in numeric},
            "head": [[cell(v) for v in row] for row in frame.head(head).itertuples(index=False)]}


def whole(frame: pd.DataFrame) -> dict:
    return {"columns": [str(c) for c in frame.columns],
            "data": [[cell(v) for v in row] for row in frame.itertuples(index=False)]}


def open_logistics_tab(at, code: str):
    """Open the Logistics page's tab ``code`` (of ``TABS``) and run the page."""
    from tests.conftest import open_tab

    return open_tab(at, "lg-tab", f"logistics.tab.{code}")


def every_tab(at) -> tuple[dict, list[pd.DataFrame]]:
    """What the Logistics page shows with each of its tabs open in turn: every metric (label -> value)
    and every tab's tables, in the page's order. The last tab stays open."""
    from tests.conftest import every_tab_of

    return every_tab_of(at, "lg-tab", [f"logistics.tab.{code}" for code in TABS])


def page_state(at) -> dict:
    texts = {"captions": [], "info": [], "errors": []}
    for i, code in enumerate(TABS):
        open_logistics_tab(at, code)
        for name, kind in (("captions", "caption"), ("info", "info"), ("errors", "error")):
            texts[name] += [e.value for e in getattr(at.tabs[i], kind)]
    metrics, tables = every_tab(at)
    return {"metrics": metrics, "tables": [digest(df) for df in tables], **texts}


def main() -> None:
    from streamlit.testing.v1 import AppTest

    from promo_core import logistics, report, sample_data
    from promo_core.io import finalize_transactions
    from promo_core.store import Workspace

    folder = Path(tempfile.mkdtemp())
    os.environ["PROMO_WORKSPACE"] = str(folder / "promo.duckdb")
    sample_data.save_demo(Workspace(folder / "promo.duckdb"))
    demo = sample_data.generate(0)
    record = {"recorded_from": "git " + subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                                       capture_output=True, text=True).stdout.strip()
              + ": pages/logistics.py in AppTest on sample_data.generate(0); report.forecast_analysis and "
                "report.network_analysis on the demo"}

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    state = page_state(at)
    state["demand_change"] = at.slider(key="lg-demand").value
    open_logistics_tab(at, "forecast")
    state["elasticity"] = next(n.value for n in at.number_input if n.key.startswith("lg-promo-elasticity"))
    record["page"] = state
    open_logistics_tab(at, "network")
    at.slider(key="lg-demand").set_value(0).run()
    flows = next(df.value for df in at.dataframe if "shipping_cost" in df.value.columns)
    busiest = flows.groupby("warehouse_id")["units"].sum().idxmax()
    at.multiselect(key="lg-close").set_value([busiest]).run()
    record["close_busiest"] = {"warehouse": busiest, **page_state(at)}
    at.toggle(key="lg-single").set_value(True).run()
    record["single_sourcing"] = page_state(at)
    open_logistics_tab(at, "forecast")
    at.selectbox(key="lg-level").set_value("category").run()
    record["category_level"] = page_state(at)

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state["lang"] = "zh"
    at.run()
    at.switch_page(PAGE).run()
    record["page_zh"] = {"metrics": every_tab(at)[0]}

    tx = finalize_transactions(demo.transactions)
    section = report.forecast_analysis(tx)
    record["report_forecast"] = {"params": section.params, "notes": section.notes,
                                 "tables": {k: whole(v) for k, v in section.tables.items()}}
    section = report.network_analysis(demo.warehouses, demo.stores)
    record["report_network"] = {"params": section.params, "notes": section.notes,
                                "tables": {k: whole(v) for k, v in section.tables.items()}}
    w, s = logistics.read_sites(demo.warehouses, "warehouses"), logistics.read_sites(demo.stores, "stores")
    cost = logistics.distance_matrix(w, s) * demo.cost_per_unit_km
    objective = {}
    for single in (False, True):
        plan = logistics.facility_location(w["fixed_cost"].to_numpy(), w["capacity"].to_numpy(),
                                           s["demand"].to_numpy(), cost, single_sourcing=single, time_limit=120)
        objective["single" if single else "split"] = {"total_cost": repr(plan.total_cost),
                                                      "open": plan.open.tolist()}
    record["objective"] = objective
    OUT.write_text(json.dumps(record, indent=1, ensure_ascii=False, default=cell) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
