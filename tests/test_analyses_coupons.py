"""The Coupons analysis (promo_core.analyses.coupons.run): the same answers from a DataFrame and from
the workspace's table, the demo's planted campaign rebuilt from its sales, each part on its own
(a failing step is one missing part), campaigns known by their content, hostile campaigns."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promo_core import sample_data, segments, uplift
from promo_core.analyses import coupons as analysis
from promo_core.errors import DataError
from promo_core.store import Workspace
from promo_core.text import render

FAST = analysis.UpliftSettings(models=("T-learner", "S-learner"), n_folds=3)  # (two quick models are enough here)


@pytest.fixture(scope="module")
def demo_campaign(demo) -> analysis.Campaign:
    return analysis.Campaign(demo.campaign, analysis.table_key(demo.campaign))


@pytest.fixture(scope="module")
def workspace_dataset(demo_workspace) -> tuple[Workspace, str]:
    workspace = Workspace(demo_workspace)
    return workspace, workspace.list_datasets()["id"].iloc[0]


def _launch() -> pd.Timestamp:
    return sample_data.START + pd.Timedelta(days=sample_data.CAMPAIGN_WEEK * 7)


def test_the_sales_facts_and_a_campaign_built_from_the_sales_agree_on_a_frame_and_on_the_workspace_table(
        demo, demo_tx, workspace_dataset):
    workspace, dataset = workspace_dataset
    recipients = analysis.Campaign(demo.campaign[["customer_id", "arm"]], "recipients")
    spec = analysis.FromSales(recipients, ("WINBACK5", "WINBACK10"), _launch().date(), sample_data.CAMPAIGN_DAYS)
    params = analysis.Params(campaign=spec, parts=frozenset({"sales", "campaign"}))
    on_frame = analysis.run(demo_tx, params)
    with workspace.ibis_table(dataset) as sales:
        on_table = analysis.run(sales, params)
    assert on_frame.sales.suggested_codes == on_table.sales.suggested_codes == ("WINBACK5", "WINBACK10")
    pd.testing.assert_frame_equal(on_frame.sales.codes, on_table.sales.codes, check_dtype=False)
    assert on_frame.sales.monthly_sales == pytest.approx(on_table.sales.monthly_sales, rel=1e-12)
    pd.testing.assert_frame_equal(on_frame.campaign.table, on_table.campaign.table)
    # the planted campaign, rebuilt: the generator's table plus who redeemed (treated buyers only)
    built = on_table.campaign.table
    pd.testing.assert_frame_equal(built.drop(columns="redeemed"), demo.campaign)
    assert built.loc[built["arm"] == "control", "redeemed"].sum() == 0
    # keyed by what it was built from: the same spec is the same campaign, another window another one
    assert on_table.campaign == on_frame.campaign
    other = analysis.FromSales(recipients, spec.codes, spec.launch, spec.days + 1)
    assert analysis.run(demo_tx, analysis.Params(campaign=other, parts=frozenset({"campaign"}))).campaign != \
        on_frame.campaign


def test_the_monthly_sales_are_the_average_month_of_the_last_year_worked_out_by_hand():
    t = pd.Timestamp
    tx = pd.DataFrame({"order_id": ["1", "2", "3", "4"], "customer_id": ["A", "A", "B", "B"],
                       "order_date": [t("2023-01-01"), t("2024-03-01"), t("2024-06-01"), t("2024-12-31")],
                       "product_id": ["p"] * 4, "quantity": [1, 2, 1, -1], "unit_price": [1000.0, 10.0, 30.0, 5.0]})
    # the last year: 2 March .. 31 December are 305 days (the first line is too old, the second just in);
    # revenue 20 + 30 - 5 = 45 over (2024-12-31 - 2024-03-01) = 305 days = 10.02 months
    facts = analysis.run(tx, analysis.Params(parts=frozenset({"sales"}))).sales
    assert facts.monthly_sales == pytest.approx(45 / (305 / 30.44), rel=1e-12)
    assert facts.codes.empty and facts.suggested_codes == ()


def test_the_suggested_design_and_its_lifts_are_those_of_the_domain_functions(demo, demo_campaign):
    from promo_core import experiments

    result = analysis.run(None, analysis.Params(campaign=demo_campaign, parts=frozenset({"campaign", "lifts"})))
    d = result.design
    assert (d.arm, d.control, d.id_column, d.outcomes, d.binary_outcomes) == (
        "arm", "control", "customer_id", ("converted", "spend"), ("converted",))
    assert "monetary" in d.features and "preferred_channel" in d.features
    expected = experiments.compare_outcomes(demo.campaign, "arm", ["converted", "spend"], "control")
    pd.testing.assert_frame_equal(result.lifts.table, expected)
    assert result.lifts.treatments == ("coupon_5", "coupon_10") and len(result.lifts.sentences) == 4
    shown = result.lifts.shown.set_index(["outcome", "arm"])
    assert shown.loc[("converted", "coupon_10"), "lift"] == pytest.approx(
        100 * expected.set_index(["outcome", "arm"]).loc[("converted", "coupon_10"), "lift"], rel=1e-12)
    assert list(result.lifts.shown["unit"]) == ["binary"] * 3 + ["money"] * 3
    plans = result.lifts.plans
    treated = expected[(expected["outcome"] == "converted") & (expected["arm"] != "control")]
    assert plans.loc["converted", "observed_lift"] == pytest.approx(treated["lift"].abs().max(), rel=1e-12)
    assert plans.loc["spend", "baseline"] == expected.set_index(["outcome", "arm"]).loc[("spend", "control"), "mean"]
    assert result.uplift is None and result.problems == {}  # (parts not asked for are not run)


def test_the_cuped_table_shows_rates_in_points_as_the_lifts_table_does(demo, demo_campaign):
    from promo_core import experiments

    result = analysis.run(None, analysis.Params(campaign=demo_campaign, covariate="monetary",
                                                parts=frozenset({"campaign", "lifts", "cuped"})))
    table = result.cuped.table.set_index(["outcome", "arm"])
    rate = experiments.cuped(demo.campaign, "arm", "converted", "control", "monetary").table.set_index("arm")
    money = experiments.cuped(demo.campaign, "arm", "spend", "control", "monetary").table.set_index("arm")
    for column in ("lift", "lift_cuped_low", "ci_width_cuped"):
        assert table.loc[("converted", "coupon_5"), column] == pytest.approx(100 * rate.loc["coupon_5", column])
        assert table.loc[("spend", "coupon_5"), column] == pytest.approx(money.loc["coupon_5", column])
    assert table.loc[("converted", "coupon_5"), "lift"] == pytest.approx(
        result.lifts.shown.set_index(["outcome", "arm"]).loc[("converted", "coupon_5"), "lift"])
    assert list(result.cuped.table["unit"]) == ["binary", "binary", "money", "money"]
    assert table.loc[("converted", "coupon_5"), "narrower_by"] == pytest.approx(rate.loc["coupon_5", "narrower_by"])


def test_targeting_from_a_kept_fit_equals_targeting_in_one_run(demo_campaign):
    economics = analysis.TargetingSettings(face_values=(("coupon_5", 5.0), ("coupon_10", 10.0)), order_value=30.0,
                                           budget=1500.0)
    whole = analysis.run(None, analysis.Params(campaign=demo_campaign, uplift=FAST, targeting=economics,
                                               parts=frozenset({"campaign", "uplift", "targeting"})))
    fit = whole.uplift
    again = analysis.run(None, analysis.Params(fit=fit, targeting=economics, parts=frozenset({"targeting"})))
    pd.testing.assert_frame_equal(whole.targeting.plan.targets, again.targeting.plan.targets)
    assert whole.targeting.plan.cost <= 1500.0 + 1e-6 and whole.targeting.plan.profit > 0
    assert render(whole.targeting.summary).startswith("Send ")
    # the fit is a setting of the targeting part: equal and hashed by what it was fitted with
    assert hash(fit) == hash(again.params.fit) and fit == again.params.fit
    hash(analysis.Params(fit=fit, targeting=economics))


def test_the_playbook_customers_are_the_campaign_customers_the_segments_playbook_sends_coupons_to(demo, demo_tx,
                                                                                               demo_campaign):
    book = segments.SegmentPlaybook.default()
    result = analysis.run(demo_tx, analysis.Params(campaign=demo_campaign, playbook=book.coupon_segments,
                                                   parts=frozenset({"playbook"})))
    members = set(demo.campaign["customer_id"])
    expected = [i for i in segments.target_list(segments.rfm(demo_tx), book.table)["customer_id"] if i in members]
    assert list(result.playbook_customers) == expected and len(expected) > 100
    # without customer ids in the campaign (row numbers) there is nobody to match
    rows = analysis.run(demo_tx, analysis.Params(campaign=demo_campaign, id_column=analysis.ROW_NUMBERS,
                                                 playbook=book.coupon_segments, parts=frozenset({"playbook"})))
    assert rows.playbook_customers is None


def test_a_failing_step_is_one_missing_part(demo_campaign, monkeypatch, caplog):
    import logging

    def broken(*args, **kwargs):
        raise RuntimeError("SELECT * FROM tx_secret -- /srv/promolens/ws.duckdb")

    monkeypatch.setattr(uplift, "fit_uplift", broken)
    with caplog.at_level(logging.ERROR, logger="promo_core.analyses"):
        result = analysis.run(None, analysis.Params(
            campaign=demo_campaign, uplift=FAST, power=analysis.PowerPlan(baseline=0.2, n_per_arm=4000),
            loyalty=analysis.LoyaltySettings(monthly_sales=50_000.0),
            parts=frozenset({"campaign", "lifts", "uplift", "power", "loyalty"})))
    assert result.uplift is None and result.problems["uplift"].id == "error.unexpected"
    assert "tx_secret" not in render(result.problems["uplift"])
    assert [r for r in caplog.records if "tx_secret" in str(r.exc_info[1])]
    assert result.lifts is not None and result.power.need > 0 and result.loyalty.monthly_sales == 50_000.0
    # a part the data cannot support says why in the catalogue's words
    no_outcome = analysis.run(None, analysis.Params(campaign=demo_campaign, outcomes=(), parts=frozenset({"lifts"})))
    assert no_outcome.lifts is None and no_outcome.problems["lifts"].id == "coupons.error.no_outcome"
    impossible = analysis.run(None, analysis.Params(
        loyalty=analysis.LoyaltySettings(analysis.loyalty.PointsProgramme(1.0, 0.01, 0.05, 3, 6.0), 1000.0),
        parts=frozenset({"loyalty"})))
    assert impossible.problems["loyalty"].id == "loyalty.error.breakage_too_low"
    assert "至少 58% 的积分会过期未兑换" in render(impossible.problems["loyalty"], "zh")


def test_the_power_part_is_the_calculators_answer():
    from promo_core import experiments

    plan = analysis.PowerPlan(kind="binary", baseline=0.204, n_per_arm=4000, power=0.8, observed_lift=0.084)
    power = analysis.run(None, analysis.Params(power=plan, parts=frozenset({"power"}))).power
    assert power.mde == experiments.minimum_detectable_effect(0.204, 4000)
    assert power.need == experiments.sample_size_per_arm(0.204, 0.084) and power.target == 0.084
    assert power.curve["n_per_arm"].min() == 200 and power.curve["n_per_arm"].max() == 400_000


def test_campaigns_are_known_by_their_content():
    a = pd.DataFrame({"arm": ["x", "y"], "bought": [1, 0]})
    assert analysis.table_key(a) == analysis.table_key(a.copy())
    assert analysis.table_key(a) != analysis.table_key(a.assign(bought=[0, 1]))
    assert analysis.table_key(a) != analysis.table_key(a.astype({"bought": float}))
    assert analysis.Campaign(a, "k") == analysis.Campaign(a.copy(), "k") != analysis.Campaign(a, "other")
    assert hash(analysis.Params(campaign=analysis.Campaign(a, "k"))) == hash(analysis.Params(
        campaign=analysis.Campaign(a.copy(), "k")))


def test_hostile_campaigns_are_refused_in_plain_words(demo_tx):
    ids = pd.DataFrame({"customer_id": [f"C{i}" for i in range(30)], "spend": np.arange(30.0)})
    with pytest.raises(DataError) as caught:  # no column can be the arm
        analysis.run(None, analysis.Params(campaign=analysis.Campaign(ids, "ids"), parts=frozenset({"campaign"})))
    assert caught.value.id == "coupons.error.no_arm_column"
    recipients = analysis.Campaign(pd.DataFrame({"who": ["C00002", "C00004"], "x": [1, 2]}), "r")
    spec = analysis.FromSales(recipients, (), _launch().date(), 14)
    with pytest.raises(DataError) as caught:  # a recipient list without an arm column
        analysis.run(demo_tx, analysis.Params(campaign=spec, parts=frozenset({"campaign"})))
    assert caught.value.id == "coupons.error.recipients" and "who, x" in str(caught.value)
    assert "分组列" in caught.value.text("zh")
