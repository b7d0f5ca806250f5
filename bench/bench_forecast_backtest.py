"""Backtest MASE per model on the demo retailer (category and product level) and the Online Retail
sample (product level), with the seconds and peak RSS each took.

Run as ``PYTHONPATH=<checkout> python bench/bench_forecast_backtest.py [demo] [online_retail]``: it
measures that checkout's code (how the before/after figures of issue 14 item 5
were recorded: before = main at 55b1499, after = branch issue14-forecast).
"""
from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import pandas as pd

from promo_core import forecast, sample_data
from promo_core.io import finalize_transactions, load_transactions

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def main() -> None:
    print("forecast module:", forecast.__file__)
    demo = finalize_transactions(sample_data.generate(0).transactions)
    retail = load_transactions(SHARED / "online_retail_sample.xlsx").data
    cases = [("demo", demo, "category", 8), ("demo", demo, "product", 8), ("online_retail", retail, "product", 8)]
    for name, tx, level, horizon in cases:
        if len(sys.argv) > 1 and name not in sys.argv[1:]:
            continue
        t0 = time.perf_counter()
        result = forecast.forecast_demand(tx, level, horizon=horizon)
        seconds = time.perf_counter() - t0
        bt = result.backtest.set_index("model")[["mase", "mase_vs_naive", "smape", "bias", "n_series"]]
        print(f"\n{name} / {level} / horizon {horizon}: {seconds:.1f} s, peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, recommended {result.recommended}")
        with pd.option_context("display.width", 120, "display.precision", 3):
            print(bt.assign(median_mase=result.backtest_series.groupby("model")["mase"].median()))
        print(thin_series(result))


def thin_series(result: forecast.ForecastResult) -> str:
    """How much of the recommended model's mean MASE comes from series that sold in at most two
    weeks before a backtest cut (their MASE scale is one spike spread over the weeks)."""
    units = result.demand.units
    errors = result.errors[result.errors["model"] == result.recommended]
    cut = errors["origin"].min()
    thin = units.columns[(units[units.index < cut] > 0).sum() <= 2]
    mase = result.backtest_series.set_index(["model", "series"])["mase"][result.recommended]
    high = mase[mase > 4]
    return (f"{result.recommended}: {len(high)} series above MASE 4, {high.index.isin(thin).mean():.0%} of them "
            f"sold in <= 2 weeks before the first cut; mean MASE without those series "
            f"{mase[~mase.index.isin(thin)].mean():.3f}")


if __name__ == "__main__":
    main()
