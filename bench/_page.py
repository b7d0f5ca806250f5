"""Timing one page of a checkout's app in AppTest, each run in its own process on a fresh workspace
holding the demo (shared by the page benchmarks; not a test)."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent


def demo_page(code: Path, workspace: Path, page: str):
    """``code``'s app in AppTest on ``workspace`` (the demo is stored there first), in English,
    switched to ``page``: the next ``run()`` is the page's first render."""
    sys.path.insert(0, str(code))
    os.chdir(code)
    from promo_core import sample_data
    from promo_core.store import Workspace
    from streamlit.testing.v1 import AppTest

    sample_data.save_demo(Workspace(workspace))
    os.environ["PROMO_WORKSPACE"] = str(workspace)
    at = AppTest.from_file(str(code / "app.py"), default_timeout=3600)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(page)
    return at


def main(description: str, script: str, time_page: Callable[[Path, Path], None]) -> None:
    """The command line of a page benchmark: ``--code`` (the checkout timed), ``--repeat`` (fresh
    processes); each process calls ``time_page(code, workspace)`` and its RESULT lines are printed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--code", type=Path, default=HERE.parent, help="the checkout whose page is timed")
    parser.add_argument("--repeat", type=int, default=1, help="fresh processes per checkout")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)  # (a workspace: time in this process)
    args = parser.parse_args()
    if args.worker is not None:
        time_page(args.code.resolve(), args.worker)
        return
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as folder:
            print(f"--- {args.code.resolve()} (run {i + 1})", flush=True)
            out = subprocess.run([sys.executable, script, "--code", str(args.code), "--worker",
                                  str(Path(folder) / "promo.duckdb")], cwd=HERE, capture_output=True, text=True)
            print("\n".join(line for line in out.stdout.splitlines() if line.startswith("RESULT")) or out.stderr[-2000:])
