"""The Segments page's rerun (nothing changed) on a dataset already in a workspace, in AppTest,
with a profile of the rerun: where its seconds go, to find what redraws needlessly.

Why a saved workspace: issue 15 asks for a rerun ≤ 1 s on 20 million lines, where tables of half a
million customers make every per-customer step of the page script visible (the demo's 20,000 hide
them). The first render computes the analysis (minutes under load); then ``--reruns`` reruns are
timed (wall and CPU seconds, peak RSS, load average), the last is profiled, and a switch to 中文 is
timed. Run from the project root:

    .venv/bin/python bench/bench_segments_rerun.py bench/out/ws_20000000/promo.duckdb [--code ../main]

``--page pages/pricing.py --tab pr-tab=pricing.tab.prices`` times another page with another of its
lazy tabs (``ui.lazy_tabs``: its key, and the catalogue id of the tab's label) open from the start.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import sys
import threading
import time
from pathlib import Path

from bench_analysis import cpu_seconds


def peak_gb() -> float:
    """The process's peak resident memory so far (the server's, as AppTest runs the page in it)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workspace", type=Path, help="a workspace file holding the dataset (its first one is used)")
    ap.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1], help="the checkout to time")
    ap.add_argument("--reruns", type=int, default=3)
    ap.add_argument("--top", type=int, default=25, help="lines of the profile printed")
    ap.add_argument("--page", default="pages/segments.py", help="another page of the app, e.g. pages/pricing.py")
    ap.add_argument("--profile-language", action="store_true", help="profile the switch to 中文, not the last rerun")
    ap.add_argument("--tab", help="KEY=LABEL_ID: open this tab of the page's ui.lazy_tabs, e.g. pr-tab=pricing.tab.prices")
    args = ap.parse_args()
    os.environ["PROMO_WORKSPACE"] = str(args.workspace.resolve())
    os.chdir(args.code)
    sys.path.insert(0, str(args.code.resolve()))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(args.code / "app.py"), default_timeout=3600)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(args.page)
    if args.tab:
        from promo_core.text import render

        key, label = args.tab.split("=")
        at.session_state[key] = render(label, "en")
    start, cpu = time.perf_counter(), cpu_seconds()
    at.run()
    assert not at.exception, at.exception
    print(f"RESULT first render: {time.perf_counter() - start:.1f} s wall, {cpu_seconds() - cpu:.1f} s CPU, "
          f"peak RSS {peak_gb():.2f} GB, load average {os.getloadavg()[0]:.1f}", flush=True)
    profile = cProfile.Profile()
    for i in range(args.reruns):
        start, cpu = time.perf_counter(), cpu_seconds()
        if i == args.reruns - 1 and not args.profile_language:  # the script runs in a thread of its own
            threading.setprofile(lambda *_: (sys.setprofile(None), profile.enable()))
        at.run()
        threading.setprofile(None)
        assert not at.exception, at.exception
        print(f"RESULT rerun {i + 1}: {time.perf_counter() - start:.2f} s wall, {cpu_seconds() - cpu:.2f} s CPU, "
              f"peak RSS {peak_gb():.2f} GB, load average {os.getloadavg()[0]:.1f}", flush=True)
    profile.disable()
    at.session_state["lang"] = "zh"  # a language switch changes no number either
    start, cpu = time.perf_counter(), cpu_seconds()
    if args.profile_language:
        threading.setprofile(lambda *_: (sys.setprofile(None), profile.enable()))
    at.run()
    threading.setprofile(None)
    profile.disable()
    assert not at.exception, at.exception
    print(f"RESULT switch to 中文: {time.perf_counter() - start:.2f} s wall, {cpu_seconds() - cpu:.2f} s CPU, "
          f"peak RSS {peak_gb():.2f} GB, load average {os.getloadavg()[0]:.1f}", flush=True)
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
