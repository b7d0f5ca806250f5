"""The customer analyses read one reduction of the lines per customer and order
(``segments.customer_orders``) instead of the lines; their numbers on the demo are the ones the
line-by-line queries gave (tests/golden/segments_orders_demo.json, recorded by
tests/golden/record_segments.py on git cc8011f), to 1e-9 where floats are summed in another order.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from promo_core import clv, segments
from promo_core.errors import DataError
from tests.golden.record_segments import OUT, record

GOLDEN = json.loads(Path(OUT).read_text())


def _same(new, old, where: str) -> None:
    if isinstance(old, dict):
        assert sorted(new) == sorted(old), where
        for key in old:
            _same(new[key], old[key], f"{where}.{key}")
    elif isinstance(old, list):
        assert len(new) == len(old), where
        for i, (a, b) in enumerate(zip(new, old)):
            _same(a, b, f"{where}[{i}]")
    elif isinstance(old, float) and not isinstance(new, str):
        assert new is not None and math.isclose(new, old, rel_tol=1e-9, abs_tol=1e-9), (where, new, old)
    else:
        assert new == old, (where, new, old)


@pytest.fixture(scope="module")
def now(demo_tx) -> dict:
    return json.loads(json.dumps(record(demo_tx)))


@pytest.mark.parametrize("part", [k for k in GOLDEN if k != "recorded_from"])
def test_numbers_are_those_of_the_line_by_line_queries(now, part):
    _same(now[part], GOLDEN[part], part)


def test_a_kept_reduction_gives_what_the_lines_give(demo_tx):
    """The page keeps the reduction in the engine and runs every step on it."""
    with segments.customer_orders(demo_tx).kept() as orders:
        pd.testing.assert_frame_equal(segments.rfm(orders, "2026-03-31"), segments.rfm(demo_tx, "2026-03-31"),
                                      check_exact=False, rtol=1e-9)
        pd.testing.assert_frame_equal(clv.customer_summary(orders, "2026-03-31", "W"),
                                      clv.customer_summary(demo_tx, "2026-03-31", "W"))  # exact sums: equal


def test_a_reduction_without_order_ids_serves_the_summary_and_names_what_rfm_lacks(demo_tx):
    """The BTYD summary needs no order id (lifetimes' convention); RFM says which column is missing."""
    lines = demo_tx.drop(columns="order_id")
    pd.testing.assert_frame_equal(clv.customer_summary(lines), clv.customer_summary(demo_tx))
    with pytest.raises(DataError, match="order_id"):
        segments.rfm(segments.customer_orders(lines, ["customer_id", "order_date", "revenue", "is_return"]))
