"""The Segments page (or another, ``--page``) on the demo retailer in AppTest: its first render, a
rerun that changes nothing and a switch of the interface language, each timed with the peak RSS of
the process.

Why a rerun and a language switch: neither changes a number, so neither should compute one (issue
15 asks for ≤ 1 s whatever the size of the data). To compare with other code (the page before the
redesign), give ``--code`` a checkout of it; each checkout runs in its own Python process on a fresh
workspace holding the demo. Run from the project root:

    .venv/bin/python bench/bench_segments_page.py [--code ../main] [--repeat 2] [--page pricing]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def time_page(code: Path, workspace: Path, page: str = "segments") -> None:
    """Open a page (``pages/<page>.py``) of ``code``'s app on a new workspace and time three runs."""
    sys.path.insert(0, str(code))
    os.chdir(code)
    from promo_core import sample_data
    from promo_core.store import Workspace
    from streamlit.testing.v1 import AppTest

    from _measure import measure

    sample_data.save_demo(Workspace(workspace))
    os.environ["PROMO_WORKSPACE"] = str(workspace)
    at = AppTest.from_file(str(code / "app.py"), default_timeout=1800)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(f"pages/{page}.py")
    results: list = []
    name = page.capitalize()
    with measure(f"{name}: first render", results):
        at.run()
    with measure(f"{name}: rerun, nothing changed", results):
        at.run()
    at.session_state["lang"] = "zh"
    with measure(f"{name}: switch to 中文", results):
        at.run()
    assert not at.exception, at.exception
    for r in results:
        print(f"RESULT {r['label']}: {r['seconds']:.2f} s, peak RSS {r['peak_gb']:.2f} GB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=HERE.parent, help="the checkout whose page is timed")
    parser.add_argument("--repeat", type=int, default=1, help="fresh processes per checkout")
    parser.add_argument("--page", default="segments", help="the page file's name in pages/ (without .py)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)  # (a workspace: time in this process)
    args = parser.parse_args()
    if args.worker is not None:
        time_page(args.code.resolve(), args.worker, args.page)
        return
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as folder:
            print(f"--- {args.code.resolve()} (run {i + 1})", flush=True)
            out = subprocess.run([sys.executable, __file__, "--code", str(args.code), "--page", args.page,
                                  "--worker", str(Path(folder) / "promo.duckdb")], cwd=HERE, capture_output=True,
                                 text=True)
            print("\n".join(line for line in out.stdout.splitlines() if line.startswith("RESULT")) or out.stderr[-2000:])


if __name__ == "__main__":
    main()
