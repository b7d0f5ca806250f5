"""The Data page on the demo retailer in AppTest: its first render, a rerun that changes nothing
and a switch of the interface language, each timed with the peak RSS of the process.

The page profiles the active dataset (``analyses.data`` in the workspace's DuckDB) and counts its
quarantine; neither a rerun nor a language switch changes a number, so neither should compute one.
To compare with other code (the page before the redesign), give ``--code`` a checkout of it; each
checkout runs in its own Python process on a fresh workspace holding the demo. Run from the project root:

    .venv/bin/python bench/bench_data_page.py [--code ../main] [--repeat 2]
"""
from __future__ import annotations

from pathlib import Path

from _measure import measure
from _page import demo_page, main


def time_page(code: Path, workspace: Path) -> None:
    """Open the Data page of ``code``'s app on a new workspace and time three runs."""
    import streamlit as st

    at = demo_page(code, workspace, "pages/data.py")
    st.cache_data.clear()  # (the app opened on the Data page: its first render is after every cache is emptied)
    st.cache_resource.clear()
    results: list = []
    with measure("Data: first render", results):
        at.run()
    with measure("Data: rerun, nothing changed", results):
        at.run()
    at.session_state["lang"] = "zh"
    with measure("Data: switch to 中文", results):
        at.run()
    assert not at.exception, at.exception
    for r in results:
        print(f"RESULT {r['label']}: {r['seconds']:.2f} s, peak RSS {r['peak_gb']:.2f} GB", flush=True)


if __name__ == "__main__":
    main(__doc__.splitlines()[0], __file__, time_page)
