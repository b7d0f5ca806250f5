"""AppTest of the Segments page on the demo retailer: headline metrics, segments, clusters, lifetime
value with its holdout check, migration, omnichannel, the playbook the Coupons page reads, and
the exports, in English and Chinese."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from tests.conftest import count_calls, open_tab, page_text
from promo_core import segments

PAGE = "pages/segments.py"


def _metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def _frame(at, column: str) -> pd.DataFrame:
    """The first table on the page with a column named ``column``."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with a column {column!r}")


def _number(value: str) -> float:
    return float(value.replace("£", "").replace(",", "").replace("%", ""))


def _open(at, tab: str):
    """Open the page's tab ``tab`` (a code of ``segments.tab.*``, or "retention")."""
    return open_tab(at, "seg-tab", "retention.tab" if tab == "retention" else f"segments.tab.{tab}")


def test_segments_page_tells_the_story_of_the_demo_customers(app_page, demo):
    at = app_page(PAGE)
    assert not at.exception, at.exception
    metrics = _metrics(at)
    text = page_text(at)
    customers = demo.transactions["customer_id"].dropna().nunique()
    assert _number(metrics["Customers"]) == customers
    assert 50 < _number(metrics["Revenue, top segments"]) < 100
    assert 50 < _number(metrics["Probably still active"]) < 95, "the planted lapsed fifth is mostly gone"
    assert _number(metrics["12-month CLV"]) > 0
    assert _number(metrics["Value at risk"]) > 0
    assert "guest lines (no customer id" in text and "left out of customer analytics" in text
    # RFM segments: all eleven in the table, the score-to-segment map explained
    seg = _frame(at, "revenue_share")
    assert set(seg["segment"]) == set(segments.SEGMENTS) and seg["customers"].sum() == customers
    assert "1 + ⌊5·b/(n−e)⌋" in text
    assert len(at.get("plotly_chart")) == 2, "treemap and heatmap"
    # clusters: five behaviour groups with readable rules
    _open(at, "clusters")
    assert not at.exception, at.exception
    text = page_text(at)
    assert "**5 clusters** (chosen automatically at the elbow)." in text
    rules = [m.value for m in at.markdown if m.value.startswith("- **1.")][0].splitlines()
    assert len(rules) == 5 and all("orders" in r or "days ago" in r or "spent" in r for r in rules)
    assert "Deal seekers" in text
    assert len(at.get("plotly_chart")) == 2, "the cluster map and, in its expander, the elbow"
    # lifetime value: the model beats the naive rule on the holdout
    _open(at, "value")
    assert "it earns its keep" in page_text(at)
    value = _frame(at, "value_at_risk")
    assert value["value_at_risk"].sum() > 0
    assert len(at.get("plotly_chart")) == 4, "CLV, P(alive), value by segment, holdout"
    # migration and omnichannel
    _open(at, "migration")
    metrics = _metrics(at)
    assert _number(metrics["New customers"]) > 0 and _number(metrics["Moved down"]) > 0
    flows = _frame(at, "share_of_start")
    assert flows["customers"].sum() == customers
    _open(at, "channels")
    assert _number(_metrics(at)["Both"]) > 50
    assert not at.exception, at.exception
    _open(at, "playbook")
    labels = [b.label for b in at.get("download_button")]
    assert "Download CRM list (CSV)" in labels and "Download CRM workbook (Excel)" in labels
    assert "Download the playbook" in labels


def test_playbook_is_kept_for_the_coupons_page_and_drives_the_target_list(app_page, own_workspace):
    from promo_core.store import Workspace

    at = _open(app_page(PAGE), "playbook")
    workspace = Workspace(own_workspace)
    dataset = at.session_state["dataset_id"]
    assert workspace.load_handoff(dataset, segments.SegmentPlaybook) is None, "the default until it is edited"
    before = _number(next(m for m in at.markdown if "Coupon target list" in m.value).value
                     .split(":** ")[1].split(" customers")[0])
    # the manager decides Champions get a coupon too: the kept playbook and the list follow
    editor_state = {"edited_rows": {0: {"send_coupon": True, "action": "Thank-you voucher"}}, "added_rows": [],
                    "deleted_rows": []}
    at.session_state["seg-playbook-editor"] = editor_state
    at.run()
    assert not at.exception, at.exception
    kept = workspace.load_handoff(dataset, segments.SegmentPlaybook)
    assert kept.table["segment"].tolist() == segments.SEGMENTS and kept.coupon_segments[0] == "Champions"
    book = kept.table.set_index("segment")
    assert book.loc["Champions", "send_coupon"] and book.loc["Champions", "action"] == "Thank-you voucher"
    assert book.loc["Lost", "action"] == "Try one low-cost campaign; otherwise do not spend on them."
    after = _number(next(m for m in at.markdown if "Coupon target list" in m.value).value
                    .split(":** ")[1].split(" customers")[0])
    # another tab, then back: Streamlit forgot the editor's edits, the kept playbook has them
    _open(at, "clusters")
    _open(at, "playbook")
    assert not at.exception, at.exception
    assert workspace.load_handoff(dataset, segments.SegmentPlaybook) == kept
    assert at.session_state["seg-playbook-base"][1]["send_coupon"].iloc[0], "the editor shows the edited playbook"
    champions = _number(_frame(_open(at, "rfm"), "revenue_share").set_index("segment").loc["Champions", "customers"].astype(str))
    assert after == before + champions


def test_fixed_cluster_count_and_chinese_labels(app_page):
    at = app_page(PAGE, lang="zh")
    assert not at.exception, at.exception
    text = page_text(at)
    assert "客户分群" in text and "冠军客户" in set(_frame(at, "revenue_share")["segment"])
    assert "风险价值" in _metrics(at)
    _open(at, "clusters")
    at.selectbox(key="seg-k").set_value(3).run()
    assert not at.exception, at.exception
    assert "**3 个聚类**（在侧边栏设定）。" in page_text(at)


def test_groceries_without_prices_or_channels_still_segments(shared_data, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT
    from promo_core.io import load_transactions
    from promo_core.store import Workspace

    loaded = load_transactions(shared_data / "groceries.csv")
    path = tmp_path / "groceries.duckdb"
    Workspace(path).save_dataset("Groceries", {"transactions": loaded.data, "quarantine": loaded.quarantine},
                                 source="groceries.csv", rows_in=loaded.rows_in, mapping=loaded.mapping,
                                 report=loaded.report)
    monkeypatch.setenv("PROMO_WORKSPACE", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    metrics = _metrics(at)
    text = page_text(at)
    assert _number(metrics["Customers"]) == 3898, "the README's 3,898 members"
    assert "Customers, top segments" in metrics and metrics["12-month CLV"] == "–"
    assert "The data has no prices: segments use recency and frequency only" in text
    seg = _frame(at, "revenue_share")
    assert seg["customers"].sum() == 3898 and seg["revenue"].isna().all()
    assert "This data has no channel column" in page_text(_open(at, "channels"))
    text = page_text(_open(at, "value"))
    assert "it earns its keep" in text or "does not beat the naive rule" in text


def test_an_as_of_date_at_the_start_of_the_data_explains_what_is_missing(app_page):
    import datetime

    at = app_page(PAGE)
    at.date_input(key="seg-as-of").set_value(datetime.date(2024, 11, 26)).run()
    assert not at.exception, at.exception
    metrics = _metrics(at)
    assert _number(metrics["Customers"]) > 0 and "12-month CLV" not in metrics
    errors = " ".join(e.value for e in _open(at, "value").error)
    assert "Lifetime value needs at least 60 days of purchases" in errors
    errors = " ".join(e.value for e in _open(at, "migration").error)
    assert "Choose a shorter gap (at most 1 day(s))" in errors


def test_a_failing_section_shows_an_apology_and_the_rest_of_the_page_works(app_page, monkeypatch, caplog):
    """Behavioural clusters and the channel mix (two steps of the analysis' run) both break with a bug
    whose text holds SQL and a path: each tab says sorry with an incident reference, the other tabs
    still work, and the details go to the server's log only."""
    import logging

    import streamlit as st

    def broken(*args, **kwargs):
        raise RuntimeError("SELECT * FROM tx_secret -- /srv/promolens/ws.duckdb")

    st.cache_resource.clear()  # earlier tests kept the real results (ui.analysis_results)
    monkeypatch.setattr(segments, "cluster_customers", broken)
    monkeypatch.setattr(segments, "omnichannel", broken)
    try:
        with caplog.at_level(logging.ERROR, logger="promo_core.analyses"):
            at = app_page(PAGE)
            sorry, text = [], ""
            for tab in ("clusters", "value", "channels", "playbook"):
                _open(at, tab)
                assert not at.exception, at.exception
                sorry += [e.value for e in at.error
                          if e.value.startswith("Sorry, something went wrong while computing this (incident ")]
                text += page_text(at)
    finally:
        st.cache_resource.clear()  # (later tests must not get the broken results)
    assert len(sorry) == 2
    assert "tx_secret" not in text and "/srv/" not in text
    assert "it earns its keep" in text and "Coupon target list" in text  # lifetime value and the playbook still work
    assert [r for r in caplog.records if r.name == "promo_core.analyses" and "tx_secret" in str(r.exc_info[1])]


# --------------------------------------------------------------------------------------------
# The redesign keeps the numbers; a rerun that changes no computation touches no engine
# --------------------------------------------------------------------------------------------
GOLDEN = Path(__file__).parent / "golden" / "segments_demo.json"


def _same_table(shown: pd.DataFrame, recorded: dict, where: str) -> None:
    """``shown`` holds the recorded table: the same columns and text, numbers to 1e-9."""
    assert [str(c) for c in shown.columns] == recorded["columns"], where
    shown = shown.reset_index(drop=True).head(len(recorded["data"]))
    assert len(shown) == len(recorded["data"]), where
    for i, col in enumerate(recorded["columns"]):
        old = [row[i] for row in recorded["data"]]
        new = shown.iloc[:, i].tolist()
        if all(isinstance(v, (int, float)) or v is None for v in old + new) and not any(isinstance(v, bool) for v in old):
            np.testing.assert_allclose(np.array(new, dtype=float), np.array(old, dtype=float), rtol=1e-9,
                                       err_msg=f"{where}: {col}")
        else:
            assert new == old, f"{where}: {col}"


def _every_tab(at) -> tuple[dict, list, list, list]:
    """What the page shows with each tab opened in turn, in the order the tabs come (the record was
    made when every tab ran on each run): metrics, tables, markdown and captions (the lead and the
    notes above the tabs once)."""
    metrics, tables, markdown, captions = {}, [], [], []
    for i, tab in enumerate(("rfm", "clusters", "value", "migration", "channels", "playbook", "retention")):
        _open(at, tab)
        assert not at.exception, at.exception
        metrics.update(_metrics(at))
        tables += [df.value for df in at.dataframe]
        markdown += [m.value for m in at.markdown]
        captions += [c.value for c in at.caption][0 if i == 0 else 2:]
    return metrics, tables, markdown, captions


def test_the_redesign_keeps_the_numbers_of_the_page_and_the_report(app_page, demo_tx):
    """What the Segments page and the report's Segments section showed on the demo before the
    redesign (recorded from the code at 090dde9 in tests/golden/segments_demo.json), they show now."""
    from promo_core import report

    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    at = app_page(PAGE)
    metrics, tables, markdown, captions = _every_tab(at)
    assert metrics == golden["page"]["metrics"]
    assert len(tables) == len(golden["page"]["tables"])
    for i, (shown, recorded) in enumerate(zip(tables, golden["page"]["tables"])):
        _same_table(shown, recorded, f"page table {i}")
    assert markdown == golden["page"]["markdown"]
    assert captions == golden["page"]["captions"]
    at.session_state["lang"] = "zh"
    assert _every_tab(at)[0] == golden["page"]["metrics_zh"]

    section = report.segments_analysis(demo_tx)
    recorded = golden["report"]
    _same_table(section.tables["Segments"], recorded["tables"]["Segments"], "report table")
    assert section.params == recorded["params"]
    # the same first three notes; then the page's notes on what the numbers leave out (one set for
    # page and report: the report's own shorter guest-line note is gone)
    assert section.notes[:3] == recorded["notes"][:3]
    assert section.notes[3:] == [
        "36,228 guest lines (no customer id, 4.6% of revenue) are left out of customer analytics.",
        "Returns reduce a customer's money spent; an order made only of returns is not a purchase."]
    assert " ".join(section.notes[3:]) == golden["page"]["captions"][1]


def test_a_rerun_that_changes_no_computation_touches_no_engine(app_page, monkeypatch):
    """Switching tabs or the language, another tile size or currency: the kept Result is shown again,
    without running the analysis or opening the workspace's table; a new setting runs it once."""
    import streamlit as st

    from promo_core.analyses import segments as analysis
    from promo_core.store import Workspace

    runs = count_calls(monkeypatch, analysis, "run", lambda source, params, *args, **kwargs: params)
    opened = count_calls(monkeypatch, Workspace, "ibis_table")
    st.cache_resource.clear()  # (earlier tests kept this dataset's results)
    at = app_page(PAGE, counting=(runs, opened))
    assert not at.exception, at.exception
    assert len(runs) == 1 and len(opened) == 2, "the period for the date pickers, then the analysis"
    at.run()
    at.session_state["lang"] = "zh"
    at.run()
    at.radio(key="seg-treemap-size").set_value("revenue").run()
    at.session_state["currency"] = "¥"
    at.run()
    _open(at, "value")
    _open(at, "rfm")
    assert not at.exception, at.exception
    assert len(runs) == 1 and len(opened) == 2
    assert "¥" in _metrics(at)["风险价值"]
    at.slider(key="seg-horizon").set_value(6).run()
    assert len(runs) == 2 and runs[1].horizon_months == 6 and runs[0].horizon_months == 12


def test_a_tab_computes_its_part_when_first_opened_and_keeps_it(app_page, monkeypatch):
    """On 20 million lines computing every tab took 44 s before the first number showed: the page
    computes the headline's part (lifetime value, its holdout check) and each other part when its
    tab is first opened; a part's own settings alone run it again, and a language switch keeps
    the open tab open."""
    import streamlit as st

    from promo_core.analyses import segments as analysis

    runs = count_calls(monkeypatch, analysis, "run", lambda source, params, *args, **kwargs: params)
    st.cache_resource.clear()
    at = app_page(PAGE, counting=(runs,))
    assert [p.parts for p in runs] == [frozenset({"value", "holdout"})]
    _open(at, "clusters")
    assert [p.parts for p in runs[1:]] == [frozenset({"clusters"})]
    _open(at, "rfm")
    _open(at, "clusters")
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert len(runs) == 2
    assert at.session_state["seg-tab"] == "行为聚类" and "行为相似的客户群" in [s.value for s in at.subheader]
    at.slider(key="seg-horizon").set_value(6).run()  # lifetime value's setting: the clusters are kept
    assert [(p.parts, p.horizon_months) for p in runs[2:]] == [(frozenset({"value", "holdout"}), 6)]
    at.selectbox(key="seg-k").set_value(3).run()
    assert [(p.parts, p.n_clusters) for p in runs[3:]] == [(frozenset({"clusters"}), 3)]
    assert not at.exception, at.exception
    # a choice made in a tab is still there when the tab is opened again
    at.session_state["lang"] = "en"  # (AppTest reads a select box through its English labels)
    _open(at, "retention")
    at.toggle(key="seg-retention").set_value(True).run()
    _open(at, "rfm")
    assert "High churn risk" in _metrics(_open(at, "retention"))


def test_saving_to_the_report_saves_every_tab_even_those_never_opened(app_page, own_workspace):
    from promo_core.store import Workspace

    at = app_page(PAGE)
    at.button(key="save-btn-segments").click().run()
    assert not at.exception, at.exception
    saved = Workspace(own_workspace).list_analyses()
    kept = Workspace(own_workspace).load_analysis(saved["id"].iloc[0])
    assert {"Segments", "Cluster profiles", "Value by segment", "Segment migration", "Channel mix",
            "Playbook"} <= set(kept.tables)
    assert len(kept.figures) >= 9
    assert at.session_state["seg-tab"] == "RFM segments", "the manager's tab stays open"


def test_a_result_bigger_than_the_result_cache_is_still_kept_for_the_rerun(app_page, monkeypatch):
    """On 100M lines the Segments result of 2.5 million customers outgrew the results' budget and
    was not kept: every rerun and language switch computed it again (208 s each). Here the demo's
    result outgrows a budget of 1 MB: it is kept beside the page's small date span, and a rerun
    still runs nothing."""
    import streamlit as st

    import ui
    from promo_core.analyses import segments as analysis

    runs = count_calls(monkeypatch, analysis, "run")
    monkeypatch.setattr(ui, "RESULT_CACHE_BYTES", 1 << 20)
    st.cache_resource.clear()  # (a results cache made with this budget)
    at = app_page(PAGE, counting=(runs,))
    assert not at.exception, at.exception
    at.run()
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert len(runs) == 1
    assert ui.analysis_results().bytes > ui.RESULT_CACHE_BYTES, "the result is bigger than the budget"
    st.cache_resource.clear()  # (no later test gets the small cache)
