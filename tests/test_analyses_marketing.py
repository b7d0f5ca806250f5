"""The Marketing ROI analysis: reading a spend table (long rows -> periods x channels, revenue and
controls per period, revenue from the sales when the table has none) with hostile inputs, and
the optional steps failing on their own."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promo_core.analyses import marketing as analysis
from promo_core.errors import DataError
from tests.conftest import chinese_error


def spend_of(table: pd.DataFrame) -> analysis.Spend:
    return analysis.Spend(table, analysis.table_key(table))


def small_table(weeks: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    week = pd.date_range("2025-01-06", periods=weeks, freq="W-MON")
    rows = [(w, c, float(rng.uniform(100, 900)), 10_000.0 + i) for i, w in enumerate(week) for c in ("tv", "search")]
    return pd.DataFrame(rows, columns=["week", "channel", "spend", "revenue"])


def test_read_spend_pivots_long_rows(demo):
    data = analysis.read_spend(None, analysis.Params(spend=spend_of(demo.spend), controls=("holiday",)))
    assert data.spend.shape == (104, 5) and data.filled == 0
    truth = demo.truth.media
    np.testing.assert_allclose(data.spend.sum().sort_index(), truth.channels["spend"].sort_index(), atol=1)
    np.testing.assert_allclose(data.kpi.to_numpy(), (truth.baseline + truth.contributions.sum(axis=1)).to_numpy(),
                               atol=0.01)
    assert data.controls["holiday"].sum() == 6  # three Christmas shopping weeks a year (mid-week on days 335-358)


def test_revenue_from_the_sales_is_the_weekly_revenue(demo, demo_tx):
    table = demo.spend.drop(columns=["revenue"])
    data = analysis.read_spend(demo_tx, analysis.Params(spend=spend_of(table), kpi=None))
    assert data.kpi_from_sales
    # the demo's baseline is its transactions' weekly revenue
    np.testing.assert_allclose(data.kpi.to_numpy(), demo.truth.media.baseline.to_numpy(), rtol=1e-9, atol=0.01)


def test_missing_pairs_count_as_no_spend_and_are_said():
    table = small_table().iloc[1:]  # week 1 has no tv row
    data = analysis.read_spend(None, analysis.Params(spend=spend_of(table)))
    assert data.filled == 1 and data.spend.iloc[0]["search"] > 0
    assert data.spend.iloc[0].get("tv", 0) == 0 or data.spend.iloc[0]["tv"] == 0


@pytest.mark.parametrize("change, message", [
    (lambda t: t.drop(columns=["channel"]), "marketing.error.no_column"),
    (lambda t: t.assign(spend=t["spend"].astype(object).where(t.index != 3, "n/a")), "marketing.error.not_numbers"),
    (lambda t: t.assign(week=t["week"].astype(str).where(t.index != 5, "soon")), "marketing.error.bad_date"),
    (lambda t: t[t["week"] != t["week"].iloc[10]], "marketing.error.uneven_periods"),
    (lambda t: t.assign(revenue=t["revenue"] + (t["channel"] == "tv")), "marketing.error.varies_in_period"),
    (lambda t: t.iloc[:0], "marketing.error.empty"),
])
def test_hostile_spend_tables_are_explained_in_both_languages(change, message):
    table = change(small_table())
    err = chinese_error(lambda: analysis.read_spend(None, analysis.Params(spend=spend_of(table))))
    assert err.message.id == message


def test_a_failing_fit_is_a_problem_not_a_crash():
    # 10 weeks: too few for the model, but the table itself reads
    result = analysis.run(None, analysis.Params(spend=spend_of(small_table(10)), n_boot=5))
    assert result.model is None and result.allocation is None
    assert result.problems["fit"].id == "mmm.error.too_few_periods"


def test_run_fits_allocates_and_compares_a_split():
    table = small_table(60)
    rng = np.random.default_rng(1)
    table["revenue"] = table["week"].map(pd.Series(50_000 + rng.normal(0, 500, 60),
                                                   index=table["week"].unique())) \
        + table.groupby("week")["spend"].transform("sum") * 2
    params = analysis.Params(spend=spend_of(table), n_boot=10, holdout=8, what_if=(("tv", 600.0),))
    result = analysis.run(None, params)
    assert result.model is not None and result.allocation is not None and result.what_if is not None
    assert result.what_if.table.loc["tv", "proposed_spend"] == 600.0
    assert result.headline["spend"] == pytest.approx(table["spend"].sum())
    assert not result.problems


def test_report_section_in_both_languages():
    from promo_core import report

    table = small_table(60)
    rng = np.random.default_rng(2)
    table["holiday"] = (table["week"].dt.month == 12).astype(int)
    table["revenue"] = table["week"].map(pd.Series(50_000 + rng.normal(0, 500, 60), index=table["week"].unique())) \
        + table.groupby("week")["spend"].transform("sum") * 2 + 3000 * table["holiday"]
    saved = report.marketing_analysis(table)
    assert saved.page == "marketing" and saved.params["controls"] == ["holiday"]
    assert saved.notes[0].startswith(f"Marketing spend of £{table['spend'].sum():,.0f} brought in about")
    channels = saved.tables["Channels: contribution, ROAS and marginal ROAS with intervals"]
    assert sorted(channels["channel"]) == ["search", "tv"]
    assert "Budget split per week: today and proposed" in saved.tables
    zh = report.marketing_analysis(table, lang="zh")
    assert zh.notes[0].startswith("营销投放")
    assert any(step.needs == ("spend",) for step in report.STANDARD_STEPS)


def test_an_experiments_interval_becomes_its_standard_error():
    params = analysis.Params(calibration=(("tv", 1.2, 0.871, 1.529),), level=0.90)
    roas, se = analysis.experiments(params)["tv"]
    assert roas == 1.2 and se == pytest.approx(0.2, abs=1e-3)  # 0.329 = 1.645 standard errors
