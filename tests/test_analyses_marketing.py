"""The Marketing ROI analysis: reading a spend table (long rows -> periods x channels, revenue and
controls per period, revenue from the sales when the table has none) with hostile inputs, and
the optional steps failing on their own."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from promo_core.analyses import marketing as analysis
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
    assert any(step.needs == ("spend", "transactions") for step in report.STANDARD_STEPS)


def test_report_section_of_an_uploaded_spend_file_without_revenue_takes_the_sales_and_no_clicks_as_controls(
        demo, demo_tx):
    """A spend file from the Data page (``spend.COLUMNS``) may have no revenue and carry impressions
    and clicks: the report reads the revenue per week from the sales, as the page does, and keeps
    impressions and clicks out of the controls (they follow the spend and would take its credit)."""
    from promo_core import report

    table = demo.spend.drop(columns=["revenue"]).assign(impressions=demo.spend["spend"] * 40.0,
                                                         clicks=demo.spend["spend"] * 0.8)
    saved = report.marketing_analysis(table, demo_tx)
    assert saved.params["controls"] == ["holiday"]
    assert sorted(saved.tables["Channels: contribution, ROAS and marginal ROAS with intervals"]["channel"]) == \
        sorted(demo.spend["channel"].unique())


def test_an_experiments_interval_becomes_its_standard_error():
    params = analysis.Params(calibration=(("tv", 1.2, 0.871, 1.529),), level=0.90)
    roas, se = analysis.experiments(params)["tv"]
    assert roas == 1.2 and se == pytest.approx(0.2, abs=1e-3)  # 0.329 = 1.645 standard errors


def test_a_coupon_campaign_becomes_a_channels_roas_by_hand():
    """Hand-checked: two arms of 4 customers; the arm spent 30 more each than the control at a cost
    of 60, so 120 / 60 = ROAS 2; its standard error is the difference of means' times 4 / 60."""
    table = pd.DataFrame({"arm": ["control"] * 4 + ["coupon_10"] * 4, "bought": [0, 1, 0, 0, 1, 1, 0, 1],
                          "spend": [0.0, 40.0, 0.0, 0.0, 50.0, 30.0, 0.0, 80.0]})
    assert analysis.coupon_cost(table, "arm", "coupon_10") == 30.0  # face value 10 x 3 customers who bought
    measured = analysis.campaign_roas(table, "arm", "coupon_10", "control", "spend", 60.0, level=0.90)
    se = np.sqrt(table["spend"][4:].var() / 4 + table["spend"][:4].var() / 4) * 4 / 60
    assert measured.lift == pytest.approx(30.0) and measured.customers == 4
    assert measured.roas == pytest.approx(2.0) and measured.se == pytest.approx(se)
    assert measured.high - measured.roas == pytest.approx(1.6449 * se, rel=1e-4)
    # the calibration the model takes reads the same standard error back
    channel, roas, low, high = measured.calibration("email")
    params = analysis.Params(calibration=((channel, roas, low, high),))
    assert analysis.experiments(params)["email"] == pytest.approx((2.0, se))
    # a campaign that lost money counts as 0 with its own standard error
    lost = analysis.campaign_roas(table.assign(spend=table["spend"][::-1].to_numpy()), "arm", "coupon_10",
                                  "control", "spend", 60.0)
    assert lost.roas < 0 and lost.calibration("email")[1] == 0
    assert analysis.experiments(analysis.Params(calibration=(lost.calibration("email"),)))["email"][1] == \
        pytest.approx(lost.se)


@pytest.mark.parametrize("args, message", [
    (("arm", "coupon_5", "control", "spend", 60.0), "marketing.error.no_arm"),
    (("arm", "coupon_10", "control", "spend", 0.0), "marketing.error.campaign_cost"),
    (("arm", "coupon_10", "control", "basket", 60.0), "marketing.error.no_column"),
    (("arm", "coupon_10", "control", "bought", 60.0), "marketing.error.campaign_outcome"),
])
def test_a_campaign_that_cannot_give_a_roas_is_explained(args, message):
    table = pd.DataFrame({"arm": ["control", "coupon_10"] * 3, "bought": [0, 1] * 3, "spend": [0.0, 9, 1, 8, 0, 7]})
    err = chinese_error(lambda: analysis.campaign_roas(table, *args))
    assert err.message.id == message


def test_the_demo_campaign_measures_a_roas(demo):
    """The demo's win-back campaign: 10 off raised buying (20 % -> 29 %) but not what customers spent
    in the window, so per 1 of discounts given it brought back about nothing (interval within -0.3..0.3)."""
    cost = analysis.coupon_cost(demo.campaign, "arm", "coupon_10")
    assert cost == 10 * demo.campaign.query("arm == 'coupon_10'")["converted"].sum()
    measured = analysis.campaign_roas(demo.campaign, "arm", "coupon_10", "control", "spend", cost)
    assert measured.customers == 4000 and -0.3 < measured.low < 0 < measured.high < 0.3


def test_a_channel_the_data_cannot_separate_shows_no_numbers_and_says_why():
    from promo_core import mmm

    channels = pd.DataFrame({"roas": [2.0, 5.0, 1.0], "roas_low": [1.5, 3.0, 0.2], "roas_high": [2.5, 6.0, 3.0],
                             "contribution": [200.0, 500.0, 100.0], "total_spend": [100.0] * 3,
                             "flags": [(), ("flat_effect",), ("uncertain",)], "identified": [True, False, True]},
                            index=pd.Index(["search", "display", "social"], name="channel"))
    for name in set(analysis.MEASURED) - set(channels.columns):
        channels[name] = 1.0
    empty = pd.Series(dtype=float)
    model = mmm.MediaMix(channels, pd.DataFrame(), empty, empty, None, 1.0, np.empty((0, 3, 4)), 0.9, 8)
    shown = analysis.channel_table(model)
    assert shown.loc["display", analysis.MEASURED].isna().all() and shown.at["display", "total_spend"] == 100
    assert shown.drop(index="display")[analysis.MEASURED].notna().all().all()
    reasons = analysis.flag_reasons(model)
    assert set(reasons) == {"display", "social"}
    assert [m.id for m in reasons["display"]] == ["marketing.flag.flat_effect", "marketing.flag.unidentified"]
    assert [m.id for m in reasons["social"]] == ["marketing.flag.uncertain"]


def test_an_unseparable_channel_is_left_out_of_the_headline_and_held_in_the_budget_split():
    """Display cannot be separated: the headline counts search and social only (its interval the
    quantiles of their summed draws), names display with its spend and the model's unconfirmed
    figure, and the budget split keeps display at today's spend while moving the others."""
    from promo_core import mmm

    names = pd.Index(["search", "display", "social"], name="channel")
    ceiling, half, slope = np.array([4000.0, 6000.0, 1500.0]), np.array([800.0, 1500.0, 200.0]), np.array([1, 2.5, .8])
    channels = pd.DataFrame({"max_weekly": ceiling, "half_saturation": half, "slope": slope,
                             "current_spend": [1000.0, 600.0, 400.0], "total_spend": [52_000.0, 31_200.0, 20_800.0],
                             "contribution": [100_000.0, 150_000.0, 30_000.0], "identified": [True, False, True],
                             "flags": [(), ("flat_effect",), ()], "moves_with": ["", "", ""]}, index=names)
    point = np.column_stack([ceiling, np.zeros(3), half, slope])
    factors = np.linspace(0.8, 1.2, 101)
    draws = np.stack([point * f for f in factors])
    contribution_draws = channels["contribution"].to_numpy() * factors[:, None]
    kpi = pd.Series([1_000_000.0, 1_000_000.0])
    model = mmm.MediaMix(channels, pd.DataFrame(), kpi, kpi, None, 1.0, draws, 0.9, 8, contribution_draws)
    result = analysis.Result(analysis.Params(), None, (), model)
    head = result.headline
    assert head["contribution"] == 130_000 and head["measured_spend"] == 72_800 and head["spend"] == 104_000
    assert head["contribution_low"] == pytest.approx(130_000 * 0.82) and head["contribution_high"] == pytest.approx(
        130_000 * 1.18)
    assert head["roas"] == pytest.approx(130_000 / 72_800) and head["share"] == pytest.approx(0.065)
    assert head["excluded"] == ("display",) and head["excluded_spend"] == 31_200
    assert head["excluded_contribution"] == 150_000
    assert analysis.held_channels(model) == ["display"]
    plan = analysis.allocate(model, analysis.Params(change=0.5))
    split = plan.table["proposed_spend"]
    assert split["display"] == 600.0  # its own curve (the steepest here) would have drawn money to it
    assert split.sum() == pytest.approx(2000.0)
    assert not np.allclose(split[["search", "social"]], [1000.0, 400.0])
    free = mmm.allocate(model, lower=channels["current_spend"] * 0.5, upper=channels["current_spend"] * 1.5)
    assert free.table.at["display", "proposed_spend"] != pytest.approx(600.0)


# --- one region's revenue (issue 12): a sale's region is its store, else its channel -------------------
WEEKS = pd.date_range("2025-01-06", periods=3, freq="W-MON")  # three Monday weeks: 6, 13 and 20 January


def region_sales(store: str = "S1") -> pd.DataFrame:
    """Six lines, by hand: ``store`` sells 10 + 20 in week 1 and 5 in week 2; S2 sells 5 in week 1;
    an online line (no store) 6 in week 3; a line with neither store nor channel 7 in week 3."""
    return pd.DataFrame({
        "order_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
        "order_date": pd.to_datetime(["2025-01-06", "2025-01-07", "2025-01-14", "2025-01-20", "2025-01-08",
                                      "2025-01-21"]),
        "product_id": ["P1"] * 6, "quantity": [1, 2, 1, 3, 5, 7], "unit_price": [10.0, 10.0, 5.0, 2.0, 1.0, 1.0],
        "store_id": [store, store, store, None, "S2", ""], "channel": ["store", "store", "store", "online", "store",
                                                                       None]})


def region_spend(regions=("", "S1", "S2")) -> pd.DataFrame:
    """Per week: tv 100 for each region in ``regions`` whose name is empty (national), search 10 in
    S1 and 20 in S2 (when listed)."""
    amounts = {"": ("tv", 100.0), "S1": ("search", 10.0), "S2": ("search", 20.0)}
    return pd.DataFrame([(w, amounts[r][0], r, amounts[r][1]) for w in WEEKS for r in regions],
                        columns=["week", "channel", "region", "spend"])


def test_a_stores_revenue_per_week_is_its_own_lines_summed():
    data = analysis.read_spend(region_sales(), analysis.Params(spend=spend_of(region_spend(("",))), kpi=None,
                                                               region="S1"))
    assert data.kpi.tolist() == [30.0, 5.0, 0.0]  # 1 x 10 + 2 x 10; 1 x 5; nothing in week 3


def test_online_lines_are_the_region_online():
    data = analysis.read_spend(region_sales(), analysis.Params(spend=spend_of(region_spend(("",))), kpi=None,
                                                               region="online"))
    assert data.kpi.tolist() == [0.0, 0.0, 6.0]


def test_the_regions_are_listed_from_the_engine_largest_first_with_their_revenue():
    listed = analysis.regions(region_sales(), analysis.Params(kpi=None))
    assert listed.to_dict("list") == {"region": ["S1", "(not given)", "online", "S2"],
                                      "revenue": [35.0, 7.0, 6.0, 5.0]}


def test_a_region_is_said_in_the_notes_with_its_revenue():
    result = analysis.run(region_sales(), analysis.Params(spend=spend_of(region_spend(("",))), kpi=None,
                                                          region="S1", parts=frozenset()))
    note = next(n for n in result.notes if n.id == "marketing.note.region")
    assert note.values["revenue"] == 35.0 and note.values["periods"] == 3
    assert note.values["spend"].id == "marketing.note.region.national"
    from promo_core import text

    assert text.render(note, "en").startswith("Revenue of S1 only: £35 over 3 periods. The spend is national")
    assert text.render(note, "zh").startswith("仅为 S1 的收入")


def test_a_regional_spend_table_is_summed_over_regions_for_all_sales():
    result = analysis.run(region_sales(), analysis.Params(spend=spend_of(region_spend()), kpi=None,
                                                          region_column="region", parts=frozenset()))
    assert result.data.spend.to_dict("list") == {"search": [30.0] * 3, "tv": [100.0] * 3}
    assert result.data.kpi.tolist() == [35.0, 5.0, 13.0]  # every line
    assert "marketing.note.regions_summed" in [n.id for n in result.notes]


def test_a_region_reads_its_own_spend_rows_and_the_national_ones():
    params = analysis.Params(spend=spend_of(region_spend()), kpi=None, region_column="region", region="S1")
    data = analysis.read_spend(region_sales(), params)
    assert data.spend.to_dict("list") == {"search": [10.0] * 3, "tv": [100.0] * 3}  # S2's 20 left out
    assert data.spend_of == "both" and data.kpi.tolist() == [30.0, 5.0, 0.0]


def test_a_region_without_national_rows_reads_its_own_spend_only():
    params = analysis.Params(spend=spend_of(region_spend(("S1", "S2"))), kpi=None, region_column="region",
                             region="S2")
    data = analysis.read_spend(region_sales(), params)
    assert data.spend.to_dict("list") == {"search": [20.0] * 3} and data.spend_of == "regional"
    assert data.kpi.tolist() == [5.0, 0.0, 0.0]


def test_the_regions_offered_with_a_regional_spend_table_are_its_regions_and_with_national_rows_the_sales_too():
    regional = analysis.Params(spend=spend_of(region_spend(("S1", "S2"))), kpi=None, region_column="region")
    assert analysis.regions(region_sales(), regional)["region"].tolist() == ["S1", "S2"]
    national = dataclasses.replace(regional, spend=spend_of(region_spend()))
    assert analysis.regions(region_sales(), national)["region"].tolist() == ["S1", "(not given)", "online", "S2"]
    from_table = dataclasses.replace(regional, kpi="spend")  # (a KPI column: no sales read, no revenue shown)
    listed = analysis.regions(region_sales(), from_table)
    assert listed["region"].tolist() == ["S1", "S2"] and listed["revenue"].isna().all()


def test_a_hostile_region_name_is_a_value_not_sql():
    hostile = "S1'; DROP TABLE sales; -- \"x\""
    params = analysis.Params(spend=spend_of(region_spend(("",))), kpi=None, region=hostile)
    data = analysis.read_spend(region_sales(hostile), params)
    assert data.kpi.tolist() == [30.0, 5.0, 0.0]
    assert hostile in analysis.regions(region_sales(hostile), params)["region"].tolist()


def test_a_region_without_sales_is_explained_with_what_to_do():
    params = analysis.Params(spend=spend_of(region_spend(("",))), kpi=None, region="Manchester")
    err = chinese_error(lambda: analysis.read_spend(region_sales(), params))
    assert err.message.id == "marketing.error.no_region_sales"
    assert "protected dataset" in str(err) and "Manchester" in str(err)


def test_a_region_without_spend_rows_or_national_rows_is_explained():
    params = analysis.Params(spend=spend_of(region_spend(("S1", "S2"))), kpi=None, region_column="region",
                             region="online")
    err = chinese_error(lambda: analysis.read_spend(region_sales(), params))
    assert err.message.id == "marketing.error.no_region_spend"
    assert err.message.values["regions"] == ["S1", "S2"]


def test_the_demos_biggest_store_is_modelled_on_its_own_revenue(demo, demo_tx):
    table = demo.spend.drop(columns=["revenue"])
    listed = analysis.regions(demo_tx, analysis.Params(kpi=None))
    biggest = next(r for r in listed["region"] if r.startswith("S"))  # (online, all web sales, comes first)
    result = analysis.run(demo_tx, analysis.Params(spend=spend_of(table), kpi=None, region=biggest, n_boot=10,
                                                   controls=("holiday",), parts=frozenset({"fit"})))
    assert result.model is not None, result.problems
    lines = demo_tx[(demo_tx["store_id"] == biggest)
                    & (demo_tx["order_date"] >= table["week"].min())
                    & (demo_tx["order_date"] < table["week"].max() + pd.Timedelta(weeks=1))]
    assert result.data.kpi.sum() == pytest.approx(lines["revenue"].sum(), rel=1e-9)
    assert result.model.kpi.sum() == pytest.approx(lines["revenue"].sum(), rel=1e-9)


def test_a_revenue_column_of_a_regional_table_is_each_regions_revenue():
    """S1's rows say 100 a week, S2's 50, the national rows nothing: all sales read 150 a week, S1
    reads its own 100."""
    table = region_spend().assign(revenue=lambda t: t["region"].map({"": np.nan, "S1": 100.0, "S2": 50.0}))
    params = analysis.Params(spend=spend_of(table), region_column="region")
    assert analysis.read_spend(None, params).kpi.tolist() == [150.0] * 3
    assert analysis.read_spend(None, dataclasses.replace(params, region="S1")).kpi.tolist() == [100.0] * 3


def test_the_report_section_models_all_sales_of_a_regional_spend_table():
    """A stored spend table with a region column and each region's revenue: the report adds the
    regions up (spend and revenue), as the page does for all sales."""
    from promo_core import report

    table = small_table(60)
    table = pd.concat([table.assign(region="North"), table.assign(region="South", spend=table["spend"] / 2,
                                                                   revenue=table["revenue"] / 2)],
                      ignore_index=True)
    saved = report.marketing_analysis(table)
    channels = saved.tables["Channels: contribution, ROAS and marginal ROAS with intervals"].set_index("channel")
    assert channels["total_spend"].sum() == pytest.approx(table["spend"].sum())
