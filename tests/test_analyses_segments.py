"""The Segments analysis (promo_core.analyses.segments): run() gives what the domain functions give
when called directly, the same from a DataFrame and from the workspace's Ibis table, one failing
step is one missing part with its reason, and the playbook hand-off lives in the workspace."""
from __future__ import annotations

import dataclasses
import datetime

import numpy as np
import pandas as pd
import pytest

from promo_core import clv, segments
from promo_core.analyses import period
from promo_core.analyses import segments as analysis
from promo_core.errors import DataError
from promo_core.store import Workspace
from promo_core.text import Message, render

EXACT = {"check_exact": False, "rtol": 1e-9, "atol": 0}


@pytest.fixture(scope="module")
def demo_result(demo_tx) -> analysis.Result:
    return analysis.run(demo_tx, analysis.Params())


def test_run_gives_what_the_domain_functions_give(demo_tx, demo_result):
    r = demo_result
    table = segments.rfm(demo_tx)
    pd.testing.assert_frame_equal(r.customers, table, **EXACT)
    cover = segments.coverage(demo_tx)  # (a float sum in the engine differs in its last bits run to run)
    assert dataclasses.replace(r.coverage, guest_revenue_share=0.0) == dataclasses.replace(cover, guest_revenue_share=0.0)
    assert r.coverage.guest_revenue_share == pytest.approx(cover.guest_revenue_share, rel=1e-9) and r.problems == {}
    pd.testing.assert_frame_equal(r.summary, segments.segment_summary(table), **EXACT)
    pd.testing.assert_frame_equal(r.grid, segments.rfm_grid(table), **EXACT)
    value = clv.lifetime_value(demo_tx)
    pd.testing.assert_frame_equal(r.value.model.customers, value.customers, **EXACT)
    by_segment = clv.segment_value(value.customers, table)
    pd.testing.assert_frame_equal(r.value.by_segment, by_segment, **EXACT)
    assert r.value.total_clv == pytest.approx(value.customers["clv"].sum(), rel=1e-9)
    assert r.value.value_at_risk == pytest.approx(by_segment["value_at_risk"].sum(), rel=1e-9)
    assert r.value.active_share == (value.customers["p_alive"] >= 0.5).mean()
    top = r.summary.set_index("segment").loc[["Champions", "Loyal Customers"]]
    assert r.top_revenue_share == pytest.approx(top["revenue_share"].sum(), rel=1e-9)
    clusters = segments.cluster_customers(demo_tx, table, random_state=0)
    pd.testing.assert_series_equal(r.clusters.labels, clusters.labels)
    pd.testing.assert_frame_equal(r.clusters.profiles, clusters.profiles, **EXACT)
    holdout = clv.holdout_check(demo_tx, holdout_days=180)
    assert (r.holdout.total_actual, r.holdout.mae_model) == pytest.approx((holdout.total_actual, holdout.mae_model),
                                                                          rel=1e-9)
    pd.testing.assert_frame_equal(r.migration.flows, segments.segment_migration(demo_tx, days=90).flows, **EXACT)
    pd.testing.assert_frame_equal(r.channels.mix, segments.omnichannel(demo_tx, table), **EXACT)
    pd.testing.assert_series_equal(r.channels.types, segments.customer_channels(demo_tx))


def test_run_from_the_workspace_table_equals_run_from_a_dataframe(demo_workspace, demo_result):
    """The page runs on the workspace's Ibis table (no order line in pandas), notebooks on a frame."""
    ws = Workspace(demo_workspace)
    dataset = ws.list_datasets()["id"][0]
    with ws.ibis_table(dataset) as sales:
        engine = analysis.run(sales, analysis.Params(parts=frozenset({"value", "migration", "channels"})))
    pd.testing.assert_frame_equal(engine.customers, demo_result.customers, **EXACT)
    pd.testing.assert_frame_equal(engine.summary, demo_result.summary, **EXACT)
    pd.testing.assert_frame_equal(engine.value.model.customers, demo_result.value.model.customers, **EXACT)
    pd.testing.assert_frame_equal(engine.migration.flows, demo_result.migration.flows, **EXACT)
    pd.testing.assert_frame_equal(engine.channels.mix, demo_result.channels.mix, **EXACT)


def test_the_page_parts_run_apart_give_the_whole_runs_numbers(demo_tx, demo_result):
    """The page runs each part on its own (``Params.for_part``) when its tab opens and combines
    them: the same numbers as one run of every part, and each part's settings reach only it."""
    params = analysis.Params(horizon_months=6, n_clusters=4, migration_days=60)
    whole = analysis.run(demo_tx, params)
    apart = {name: params.for_part(name) for name in analysis.PAGE_PARTS}
    assert apart["value"] == analysis.Params(horizon_months=6, parts=frozenset({"value", "holdout"}))
    assert apart["clusters"] == analysis.Params(n_clusters=4, parts=frozenset({"clusters"}))
    assert apart["migration"] == analysis.Params(migration_days=60, parts=frozenset({"migration"}))
    first, *others = (analysis.run(demo_tx, p) for p in apart.values())
    both = analysis.combined(first, *others)
    pd.testing.assert_frame_equal(both.customers, whole.customers, **EXACT)
    assert both.value.total_clv == pytest.approx(whole.value.total_clv, rel=1e-9)
    assert both.holdout.mae_model == pytest.approx(whole.holdout.mae_model, rel=1e-9)
    pd.testing.assert_frame_equal(both.clusters.profiles, whole.clusters.profiles, **EXACT)
    pd.testing.assert_frame_equal(both.migration.flows, whole.migration.flows, **EXACT)
    pd.testing.assert_frame_equal(both.channels.mix, whole.channels.mix, **EXACT)
    pd.testing.assert_frame_equal(analysis.crm_list(both, segments.SegmentPlaybook.default()),
                                  analysis.crm_list(whole, segments.SegmentPlaybook.default()), **EXACT)
    assert both.problems == {}


def test_a_part_that_fails_apart_brings_its_reason_along(demo_tx):
    late = analysis.Params(as_of=datetime.date(2024, 11, 26))
    first = analysis.run(demo_tx, late.for_part("value"))
    both = analysis.combined(first, analysis.run(demo_tx, late.for_part("migration")))
    assert both.migration is None and both.problems["migration"].id == "segments.error.gap_before_data"
    assert both.value is None and "value" in both.problems


def test_the_result_holds_numbers_tables_and_messages_never_text(demo_result):
    assert all(isinstance(note, Message) for note in demo_result.notes)
    assert demo_result.summary["description"].map(lambda m: isinstance(m, Message)).all()
    assert demo_result.clusters.profiles["name"].map(lambda m: isinstance(m, Message)).all()
    assert demo_result.clusters.rules.rules["rule"].map(lambda m: isinstance(m, Message)).all()
    assert dataclasses.is_dataclass(demo_result) and demo_result.__dataclass_params__.frozen
    with pytest.raises(dataclasses.FrozenInstanceError):
        demo_result.has_money = False


def test_params_are_a_cache_key_and_settings_reach_their_steps(demo_tx):
    assert hash(analysis.Params(n_clusters=3)) == hash(analysis.Params(n_clusters=3))
    assert analysis.Params(n_clusters=3) != analysis.Params()
    steps = []
    r = analysis.run(demo_tx, analysis.Params(as_of=pd.Timestamp("2026-06-30").date(), horizon_months=6,
                                              n_clusters=3, parts=frozenset({"clusters", "value"})),
                     progress=steps.append)
    assert r.as_of == pd.Timestamp("2026-06-30") and r.clusters.n_clusters == 3 and r.value.model.horizon_months == 6
    assert (r.holdout, r.migration, r.channels) == (None, None, None) and r.problems == {}, "not asked for: no problem"
    assert [render(s) for s in steps] == ["Scoring customers…", "Estimating lifetime value…",
                                          "Finding behavioural clusters…"]


def test_a_step_the_data_cannot_support_is_a_missing_part_with_its_reason(demo_tx):
    r = analysis.run(demo_tx, analysis.Params(as_of=pd.Timestamp("2024-11-26").date()))
    assert r.value is None and r.migration is None
    assert r.problems["value"].id == "clv.error.short_history"
    assert render(r.problems["migration"]).endswith("Choose a shorter gap (at most 1 day(s)).")
    assert len(r.customers) > 0, "the segments are still there"


def test_a_bug_in_a_step_is_an_incident_not_a_failed_analysis(demo_tx, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("SELECT secret FROM tx")

    monkeypatch.setattr(segments, "segment_migration", broken)
    r = analysis.run(demo_tx, analysis.Params(parts=frozenset({"migration"})))
    assert r.migration is None and r.problems["migration"].id == "error.unexpected"
    incident = r.problems["migration"].values["incident"]
    assert "secret" not in render(r.problems["migration"]) and incident in render(r.problems["migration"])
    assert [rec for rec in caplog.records if rec.name == "promo_core.analyses" and incident in rec.getMessage()]


def test_without_customers_nothing_can_be_shown_and_run_says_why(demo_tx):
    with pytest.raises(DataError) as caught:
        analysis.run(demo_tx.assign(customer_id=None))
    assert caught.value.id == "segments.error.no_customer_ids"


def test_target_and_crm_lists_follow_the_playbook(demo_result):
    default = segments.SegmentPlaybook.default()
    targets = analysis.target_list(demo_result, default)
    assert set(targets["segment"]) == set(default.coupon_segments)
    crm = analysis.crm_list(demo_result, default)
    assert len(crm) == len(demo_result.customers) and crm["cluster"].notna().all() and crm["clv"].notna().all()


def test_the_clv_histogram_travels_as_bands(demo_result):
    bands = demo_result.value.clv_bands
    assert len(bands) == 50 and bands["customers"].sum() == demo_result.value.model.customers["clv"].notna().sum()
    assert np.allclose(bands["upper"].iloc[:-1].to_numpy(), bands["lower"].iloc[1:].to_numpy())


def test_the_period_of_a_dataset(demo_tx):
    span = period.run(demo_tx)
    assert span.first_day == demo_tx["order_date"].min().normalize()
    assert span.last_day == demo_tx["order_date"].max().normalize() and span.days > 700
    with pytest.raises(DataError, match="empty"):
        period.run(demo_tx.iloc[:0])


def test_the_playbook_hand_off_is_kept_per_dataset_in_the_workspace(demo_workspace, tmp_path):
    import shutil

    path = tmp_path / "ws.duckdb"
    shutil.copy(demo_workspace, path)
    ws = Workspace(path)
    dataset = ws.list_datasets()["id"][0]
    assert ws.load_handoff(dataset, segments.SegmentPlaybook) is None
    default = segments.SegmentPlaybook.default().table
    book = segments.SegmentPlaybook(default.assign(action="Call them", offer="None", send_coupon=True))
    ws.save_handoff(dataset, book)
    assert Workspace(path).load_handoff(dataset, segments.SegmentPlaybook) == book  # another session sees it
    ws.save_handoff(dataset, segments.SegmentPlaybook(book.table.assign(send_coupon=False)))
    assert ws.load_handoff(dataset, segments.SegmentPlaybook).coupon_segments == ()  # one per kind: replaced
    ws.delete_handoff(dataset, segments.SegmentPlaybook)
    assert ws.load_handoff(dataset, segments.SegmentPlaybook) is None
    ws.save_handoff(dataset, book)
    ws.delete_dataset(dataset)
    with ws.connect() as con:
        assert con.execute("SELECT count(*) FROM handoffs").fetchone()[0] == 0, "gone with its dataset"
    with pytest.raises(DataError):
        ws.save_handoff(dataset, book)  # no such dataset any more
