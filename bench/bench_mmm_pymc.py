"""PromoLens's media-mix model against pymc-marketing's on the same simulated data (issue 12).

For each seed, ``sample_data.media_case(seed)`` (the tests' data: 104 weeks, 5 channels with planted
ROAS 0.5-4, noise 3 % of sales) is fitted twice:

- ours: ``mmm.fit`` with the Marketing ROI page's settings (90 % bootstrap intervals);
- pymc-marketing's ``MMM`` with ``GeometricAdstock(l_max=8)`` + ``LogisticSaturation()``, its default
  priors, yearly seasonality with 2 Fourier pairs and a linear trend as a control (ours has one),
  sampled with NUTS (``--chains`` x ``--draws`` after ``--tune``); its ROAS per channel is the
  posterior of the contribution summed over the weeks (original scale) over the spend, reported as
  the posterior mean with its 90 % HDI.

The two models differ in their curve (Hill against logistic) and in how uncertainty is got
(bootstrap with redrawn shape priors against a posterior), so both are scored on the same
things: the planted ROAS inside the interval, the absolute error of the point estimate, the
interval's width, the rank correlation with the planted ROAS, and seconds.

pymc-marketing is not an app dependency: it lives in its own venv (``bench/requirements-pymc.txt``)
and this script runs it there in a subprocess, handing the data over as a CSV.

    python3.11 -m venv /work/bench-venv-pymc
    /work/bench-venv-pymc/bin/pip install -r bench/requirements-pymc.txt
    .venv/bin/python bench/bench_mmm_pymc.py --seeds 3 --pymc-python /work/bench-venv-pymc/bin/python
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEVEL = 0.90
MAX_LAG = 8


def fit_pymc(csv: str, channels: list[str], chains: int, draws: int, tune: int, seed: int) -> dict:
    """pymc-marketing's MMM on the CSV (week, kpi, trend, one column per channel); runs in the pymc venv."""
    import warnings

    import arviz as az
    import numpy as np
    import pandas as pd
    from pymc_marketing.mmm import MMM, GeometricAdstock, LogisticSaturation

    warnings.filterwarnings("ignore")
    data = pd.read_csv(csv, parse_dates=["week"])
    model = MMM(date_column="week", channel_columns=channels, control_columns=["trend"],
                adstock=GeometricAdstock(l_max=MAX_LAG), saturation=LogisticSaturation(), yearly_seasonality=2)
    x, y = data[["week", "trend", *channels]], data["kpi"]
    start = time.perf_counter()
    model.fit(x, y, chains=chains, draws=draws, tune=tune, cores=min(chains, 2), random_seed=seed,
              progressbar=False, target_accept=0.9)
    seconds = time.perf_counter() - start
    contribution = model.compute_channel_contribution_original_scale().sum("date")  # chain, draw, channel
    spend = data[channels].sum()
    out = {"seconds": seconds, "divergences": int(model.idata.sample_stats["diverging"].sum()),
           "rhat_max": float(az.rhat(model.idata, var_names=["saturation_beta", "adstock_alpha",
                                                             "saturation_lam"]).to_array().max()),
           "channels": {}}
    for c in channels:
        roas = contribution.sel(channel=c).values.ravel() / spend[c]
        low, high = az.hdi(roas, hdi_prob=LEVEL)
        out["channels"][c] = {"roas": float(np.mean(roas)), "low": float(low), "high": float(high)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--out", help="also write the per-channel rows to this CSV (to pool runs)")
    parser.add_argument("--chains", type=int, default=2)
    parser.add_argument("--draws", type=int, default=500)
    parser.add_argument("--tune", type=int, default=500)
    parser.add_argument("--pymc-python", default="/work/bench-venv-pymc/bin/python")
    parser.add_argument("--child", nargs=2, metavar=("CSV", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # inside the pymc venv
        csv, seed = args.child
        import pandas as pd

        channels = [c for c in pd.read_csv(csv, nrows=0).columns if c.startswith("ch")]
        print(json.dumps(fit_pymc(csv, channels, args.chains, args.draws, args.tune, int(seed))))
        return

    sys.path.insert(0, str(ROOT))
    import numpy as np
    import pandas as pd

    from promo_core import mmm, sample_data
    from promo_core.analyses.marketing import Params

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; ours with {Params().n_boot} bootstrap "
          f"refits; pymc-marketing {args.chains} chains x {args.draws} draws after {args.tune} tuning steps")
    rows = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        spend, kpi, truth = sample_data.media_case(seed)
        planted = truth.channels["roas"]
        start, cpu = time.perf_counter(), time.process_time()
        ours = mmm.fit(spend, kpi, max_lag=MAX_LAG, n_boot=Params().n_boot, level=LEVEL, random_state=seed).channels
        ours_seconds, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
        with tempfile.TemporaryDirectory() as folder:
            csv = os.path.join(folder, "media.csv")
            frame = spend.copy()
            frame.insert(0, "kpi", kpi)
            frame.insert(1, "trend", np.arange(len(frame), dtype=float) / len(frame))
            frame.rename_axis("week").reset_index().to_csv(csv, index=False)
            start, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            done = subprocess.run([args.pymc_python, __file__, "--child", csv, str(seed), "--chains", str(args.chains),
                                   "--draws", str(args.draws), "--tune", str(args.tune)],
                                  capture_output=True, text=True, check=False)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            their_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
        if done.returncode != 0:
            print(done.stderr[-3000:])
            raise SystemExit(f"pymc-marketing failed on seed {seed}")
        theirs = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"\nseed {seed}: ours {ours_seconds:.1f} s ({ours_cpu:.1f} CPU-seconds); pymc-marketing "
              f"{theirs['seconds']:.1f} s sampling, {wall:.1f} s with import and compilation ({their_cpu:.1f} "
              f"CPU-seconds); {theirs['divergences']} divergences, "
              f"max R-hat {theirs['rhat_max']:.3f}; load average {os.getloadavg()[0]:.1f}")
        print(f"  {'channel':8} {'planted':>7}   {'ours (90 % interval)':>24}   {'pymc-marketing (90 % HDI)':>26}")
        for c in spend.columns:
            o, t = ours.loc[c], theirs["channels"][c]
            print(f"  {c:8} {planted[c]:7.2f}   {o['roas']:6.2f} ({o['roas_low']:5.2f}-{o['roas_high']:5.2f})"
                  f"{'' if o['roas_low'] <= planted[c] <= o['roas_high'] else ' x':>3}        "
                  f"{t['roas']:6.2f} ({t['low']:5.2f}-{t['high']:5.2f})"
                  f"{'' if t['low'] <= planted[c] <= t['high'] else ' x':>3}")
            for name, est, low, high, seconds, cpu_seconds in (
                    ("ours", o["roas"], o["roas_low"], o["roas_high"], ours_seconds, ours_cpu),
                    ("pymc-marketing", t["roas"], t["low"], t["high"], wall, their_cpu)):
                rows.append({"seed": seed, "model": name, "channel": c, "planted": planted[c], "roas": est,
                             "low": low, "high": high, "seconds": seconds, "cpu_seconds": cpu_seconds})
    table = pd.DataFrame(rows)
    if args.out:
        table.to_csv(args.out, index=False)
    table["covered"] = (table["low"] <= table["planted"]) & (table["planted"] <= table["high"])
    table["error"] = (table["roas"] - table["planted"]).abs()
    table["width"] = table["high"] - table["low"]
    rho = table.groupby(["model", "seed"]).apply(lambda g: g["roas"].corr(g["planted"], method="spearman"))
    summary = table.groupby("model").agg(coverage=("covered", "mean"), mean_abs_error=("error", "mean"),
                                         mean_width=("width", "mean"))
    summary["spearman"] = rho.groupby("model").mean()
    per_fit = table.groupby(["model", "seed"])[["seconds", "cpu_seconds"]].first().groupby("model").mean()
    summary["seconds_per_fit"], summary["cpu_seconds_per_fit"] = per_fit["seconds"], per_fit["cpu_seconds"]
    print(f"\nover {args.seeds} seeds x 5 channels (x: planted ROAS outside the interval):")
    print(summary.round(2).to_string())


if __name__ == "__main__":
    main()
