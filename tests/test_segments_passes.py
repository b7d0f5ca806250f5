"""Tables of several cutoff days from one pass over the kept order grouping (``segments.rfm`` and
``clv.customer_summary`` with ``earlier``) are the tables each day gives alone (summaries exactly,
RFM to 1e-12: its revenue is a float sum), on a shop whose orders straddle the cutoffs (an order's
lines on two days, returns, guests, unpriced lines) and on the demo; a day before every purchase is
left for the call that asks for it to refuse."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promo_core import clv, segments
from promo_core.errors import DataError


def _shop() -> pd.DataFrame:
    """300 customers over 200 days; a tenth of the orders spill a line onto the next day, some
    lines are returns, some guests', some without a price."""
    rng = np.random.default_rng(11)
    n = 4000
    order = rng.integers(0, 1500, n)
    customer = np.where(rng.random(1500) < 0.05, None, np.array([f"C{c:03d}" for c in rng.integers(0, 300, 1500)],
                                                                 dtype=object))[order]
    day = rng.integers(0, 200, 1500)[order] + (rng.random(n) < 0.1)
    seconds = day * 86400 + rng.integers(0, 86400, n)
    tx = pd.DataFrame({"order_id": [f"O{o}" for o in order], "customer_id": customer,
                       "order_date": pd.Timestamp("2025-01-01") + pd.to_timedelta(seconds, unit="s"),
                       "product_id": "P1", "quantity": np.where(rng.random(n) < 0.08, -1, rng.integers(1, 4, n)),
                       "unit_price": np.where(rng.random(n) < 0.02, np.nan, np.round(rng.gamma(2.0, 8.0, n), 2))})
    return tx


@pytest.mark.parametrize("source", ["shop", "demo"])
def test_several_days_in_one_pass_are_each_day_alone(source, demo_tx):
    tx = _shop() if source == "shop" else demo_tx
    last = tx["order_date"].max().normalize()
    with segments.customer_orders(tx).kept() as kept:
        together = segments.rfm(kept, last, earlier=[30, 90])
        assert set(kept.memo) == {("rfm", last - pd.Timedelta(days=d)) for d in (0, 30, 90)}
        for days in (0, 30, 90):
            day = last - pd.Timedelta(days=days)
            alone = segments.rfm(tx, day)
            # (revenue is a float sum: the order of its terms is the engine's, hence 1e-12)
            pd.testing.assert_frame_equal(segments.rfm(kept, day), alone, check_exact=False, rtol=1e-12)
        pd.testing.assert_frame_equal(together, segments.rfm(tx, last), check_exact=False, rtol=1e-12)
        for unit in ("D", "W"):
            clv.customer_summary(kept, last, unit, earlier=[60, 120])
            for days in (0, 60, 120):
                day = last - pd.Timedelta(days=days)
                assert ("summary", day, unit) in kept.memo
                pd.testing.assert_frame_equal(clv.customer_summary(kept, day, unit),
                                              clv.customer_summary(tx, day, unit), check_exact=True)


def test_an_earlier_day_before_every_purchase_is_refused_by_the_call_that_asks_for_it():
    tx = _shop()
    last = tx["order_date"].max().normalize()
    with segments.customer_orders(tx).kept() as kept:
        table = segments.rfm(kept, last, earlier=[400])
        clv.customer_summary(kept, last, earlier=[400])
        assert len(table) and set(kept.memo) == {("rfm", last), ("summary", last, "D")}
        with pytest.raises(DataError) as refused:
            segments.rfm(kept, last - pd.Timedelta(days=400))
        assert refused.value.id == "segments.error.no_purchase_by"
        with pytest.raises(DataError) as refused:
            clv.customer_summary(kept, last - pd.Timedelta(days=400))
        assert refused.value.id == "clv.error.no_purchase_by"
