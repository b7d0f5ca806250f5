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

from pathlib import Path

from _measure import measure
from _page import demo_page, main


def time_page(code: Path, workspace: Path) -> None:
    """Open the Recommendations page of ``code``'s app on a new workspace and time five runs."""
    at = demo_page(code, workspace, "pages/recommendations.py")
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


if __name__ == "__main__":
    main(__doc__.splitlines()[0], __file__, time_page)
