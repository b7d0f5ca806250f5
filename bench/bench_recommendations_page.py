"""The Recommendations page on the demo retailer in AppTest: its first render, then the reruns that
change no computation (nothing, another customer, the language) and one that changes the evaluation
only (another k), each timed with the peak RSS of the process.

The first render fits and tests six models and mines the basket rules; the reruns after it should
compute nothing (issue 15: at most 1 s whatever the size of the data), and another k should refit
the evaluation's models only (not the model behind the customer lists, not the rules). Give
``--code`` another checkout (the page before the redesign) to compare; each checkout runs in its
own Python process on a fresh workspace holding the demo. Run from the project root:

    .venv/bin/python bench/bench_recommendations_page.py [--code ../main]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def time_page(code: Path, workspace: Path) -> None:
    sys.path.insert(0, str(code))
    os.chdir(code)
    from promo_core import sample_data
    from promo_core.store import Workspace
    from streamlit.testing.v1 import AppTest

    from _measure import measure

    sample_data.save_demo(Workspace(workspace))
    os.environ["PROMO_WORKSPACE"] = str(workspace)
    at = AppTest.from_file(str(code / "app.py"), default_timeout=3600)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/recommendations.py")
    steps = [("first render", lambda: None),
             ("rerun, nothing changed", lambda: None),
             ("another customer", lambda: at.selectbox(key="rec-customer").set_value(
                 at.selectbox(key="rec-customer").options[3].split(" (")[0])),
             ("switch to 中文", lambda: at.session_state.__setitem__("lang", "zh")),
             ("another k (the evaluation again)", lambda: at.slider(key="rec-k").set_value(5))]
    results: list = []
    for label, change in steps:
        try:
            change()
            with measure(f"Recommendations: {label}", results):
                at.run()
        except Exception as exc:  # the page before the redesign formats its options outside AppTest's runs
            results = [r for r in results if r["label"] != f"Recommendations: {label}"]
            print(f"RESULT Recommendations: {label}: not measurable in AppTest ({type(exc).__name__}: {exc})")
            break
        assert not at.exception, at.exception
    for r in results:
        print(f"RESULT {r['label']}: {r['seconds']:.2f} s, peak RSS {r['peak_gb']:.2f} GB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=HERE.parent, help="the checkout whose page is timed")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)  # (a workspace: time in this process)
    args = parser.parse_args()
    if args.worker is not None:
        time_page(args.code.resolve(), args.worker)
        return
    with tempfile.TemporaryDirectory() as folder:
        print(f"--- {args.code.resolve()}", flush=True)
        out = subprocess.run([sys.executable, __file__, "--code", str(args.code), "--worker",
                              str(Path(folder) / "promo.duckdb")], cwd=HERE, capture_output=True, text=True)
        print("\n".join(line for line in out.stdout.splitlines() if line.startswith("RESULT")) or out.stderr[-2000:])


if __name__ == "__main__":
    main()
