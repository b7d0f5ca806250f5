"""Record what the Coupons page and the report's campaign section show on the demo retailer, for
tests/test_page_coupons.py's old-versus-new check (tests/golden/coupons_demo.json).

Run from a checkout of the code to record (the record in the repository was taken from 6b40118,
the code before the Coupons page moved to the redesign):

    .venv/bin/python tests/golden/record_coupons.py OUT.json

Kept small: the headline metrics (English and Chinese), every text, and each table's columns,
row count, first rows and column sums (a long target list is not copied whole).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path.cwd()
sys.path.insert(0, str(ROOT))
HEAD_ROWS = 20


def _plain(value):
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def table_digest(frame: pd.DataFrame) -> dict:
    """Columns, rows, the first rows and the sum of every numeric column."""
    frame = frame.reset_index(drop=True)
    sums = {str(c): float(frame[c].astype(float).sum()) for c in frame.columns
            if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])}
    return {"columns": [str(c) for c in frame.columns], "rows": len(frame),
            "head": [[_plain(v) for v in row] for row in frame.head(HEAD_ROWS).itertuples(index=False)],
            "sums": sums}


TABS = ("lifts", "uplift", "targeting", "loyalty")  # the page's tabs, in its order
KINDS = {"markdown": "markdown", "captions": "caption", "success": "success", "warning": "warning",
         "error": "error", "info": "info"}  # record name -> AppTest element


def open_coupons_tab(at, code: str):
    """Open the Coupons page's tab ``code`` (of ``TABS``) and run the page."""
    from tests.conftest import open_tab

    return open_tab(at, "cp-tab", f"coupons.tab.{code}")


def every_tab(at) -> tuple[dict, list]:
    """What the Coupons page shows with each of its tabs open in turn: every metric (label -> element)
    and every tab's tables, in the page's order. The last tab stays open."""
    metrics, tables = {}, []
    for i, code in enumerate(TABS):
        open_coupons_tab(at, code)
        metrics.update({m.label: m for m in at.metric})
        tables += [df.value for df in at.tabs[i].dataframe]
    return metrics, tables


def page_record(at) -> dict:
    """Everything the page shows, each tab open in turn (its lazy tabs draw only the open one), in the
    page's order: what is drawn above the tabs, then each tab's (nothing is drawn below them)."""
    metrics, tables = every_tab(at)
    record = {"metrics": {label: [m.value, m.delta] for label, m in metrics.items()},
              "tables": [table_digest(frame) for frame in tables], **{name: [] for name in KINDS}}
    for i, code in enumerate(TABS):
        open_coupons_tab(at, code)
        for name, kind in KINDS.items():
            in_tabs = [e.value for tab in at.tabs for e in getattr(tab, kind)]
            if i == 0:  # (above the tabs: what is not in any of them)
                record[name] += [e.value for e in getattr(at, kind)][:len(getattr(at, kind)) - len(in_tabs)]
            record[name] += [e.value for e in getattr(at.tabs[i], kind)]
    return record


def sales_record(campaign: pd.DataFrame) -> dict:
    """The campaign built from the demo's sales and its recipient list, the campaign's codes and
    window, and the page's default monthly sales (the average month of the last year)."""
    from promo_core import experiments as ex
    from promo_core import sample_data
    from promo_core.io import finalize_transactions

    tx = finalize_transactions(sample_data.generate(0).transactions)
    codes = ex.suggest_campaign_codes(tx)
    window = ex.coupon_window(tx, codes)
    days = int((window.last_day - window.first_day).days) + 1
    built = ex.campaign_from_transactions(tx, campaign[["customer_id", "arm"]], window.first_day, days, codes=codes)
    last = tx["order_date"].max()
    recent = tx[tx["order_date"] > last - pd.Timedelta(days=365)]
    months = max(1.0, (last - recent["order_date"].min()).days / 30.44)
    return {"codes": codes, "first_day": str(window.first_day), "last_day": str(window.last_day),
            "built": table_digest(built), "monthly_sales": float(recent["revenue"].sum() / months)}


def main(out: str) -> None:
    from streamlit.testing.v1 import AppTest

    from promo_core import report, sample_data
    from promo_core.store import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "promo.duckdb"
        sample_data.save_demo(Workspace(path))
        os.environ["PROMO_WORKSPACE"] = str(path)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.session_state["lang"] = "en"
        at.run()
        at.switch_page("pages/coupons.py")
        at.run()
        assert not at.exception, at.exception
        record = {"page": page_record(at)}
        at.session_state["lang"] = "zh"
        at.run()
        record["page_zh"] = {"metrics": {label: [m.value, m.delta] for label, m in every_tab(at)[0].items()}}
        campaign = sample_data.generate(0).campaign
    record["sales"] = sales_record(campaign)
    section = report.campaign_analysis(campaign)
    record["report"] = {"name": section.name, "params": section.params, "notes": section.notes,
                        "tables": {k: table_digest(v) for k, v in section.tables.items()}}
    Path(out).write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
