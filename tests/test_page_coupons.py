"""AppTest of the Coupons page on the demo retailer's coupon campaign: lifts with intervals, uplift
models with an honest verdict, a budgeted target list compared with other strategies, the loyalty
points simulator; in English and Chinese. And on Hillstrom's e-mail test stored as a dataset's
campaign: every lift of both e-mails, and the men's e-mail models called barely better than random."""
from __future__ import annotations

from pathlib import Path

from tests.conftest import assert_apology_without_details, page_text, page_with_failure

from promo_core import experiments as ex

PAGE = "pages/coupons.py"


def _metrics(at) -> dict:
    return {m.label: m for m in at.metric}


def _frame(at, column: str):
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with a column {column!r}")


def test_coupons_page_tells_the_whole_campaign_story(app_page, demo):
    at = app_page(PAGE)
    assert not at.exception, at.exception
    text = page_text(at)
    metrics = _metrics(at)
    lifts = ex.compare_arms(demo.campaign, "arm", "converted", "control").set_index("arm")
    # 1. did it work: metrics, sentences and the table come from the data
    assert "randomisation looks healthy" in text
    for arm in ("coupon_5", "coupon_10"):
        m = metrics[f"{arm} · converted"]
        assert m.value == f"{100 * lifts.loc[arm, 'lift']:+.1f} pts"
        assert m.delta == f"{lifts.loc[arm, 'rel_lift']:+.0%}"
    assert f"coupon_10 raised the converted rate by {100 * lifts.loc['coupon_10', 'lift']:.1f} points (95% CI" in text
    assert "coupon_5 changed spend per customer" in text and "not distinguishable from no effect" in text
    table = _frame(at, "p_value_holm")
    assert set(table["outcome"]) == {"converted", "spend"} and len(table) == 6
    assert "Adjusting for monetary narrows the intervals" in text
    assert metrics["Smallest detectable lift"].value.endswith("pts")
    # 2. who it moves: the definition is stated, every model is scored, the verdict is explicit
    assert "scikit-uplift's definition" in text and "causalml" in text
    assert metrics["Best model"].value in ("T-learner", "S-learner", "X-learner", "Class transformation")
    assert "better than random" in text
    scores = _frame(at, "qini_low")
    assert len(scores) == 8 and scores["qini"].notna().all()
    # 3. whom to send next: a target list within budget, better than the alternatives
    targets = _frame(at, "rank")
    assert list(targets.columns[:5]) == ["customer_id", "coupon", "expected_uplift", "expected_incremental_profit",
                                         "rank"]
    assert targets["rank"].tolist() == list(range(1, len(targets) + 1))
    assert (targets["expected_incremental_profit"] > 0).all()
    strategies = _frame(at, "within_budget")
    assert strategies.iloc[0]["strategy"] == "Uplift model, optimised"
    assert {"Send to everyone", "Random customers", "Segments playbook"} <= set(strategies["strategy"])
    assert metrics["Expected incremental profit"].value.startswith("£")
    assert "counting the coupons used by customers who would have bought anyway" in text
    # 4. loyalty points: 60% members x 1 point per £1 x 1p x (1 - 30% breakage) = 0.42p per £1
    assert metrics["Cost per £100 of sales"].value == "£0.42"
    assert "Once running, the programme costs £0.42 per £100 of sales" in text


def test_coupons_page_answers_a_count_budget_and_the_second_coupon(app_page):
    at = app_page(PAGE)
    at.radio(key="cp-budget-kind").set_value("count").run()
    budget_box = next(n for n in at.number_input if n.key.startswith("cp-budget-n-"))
    budget_box.set_value(300).run()
    assert not at.exception, at.exception
    assert _metrics(at)["Customers to send"].value == "300"
    arm_radio = next(r for r in at.radio if r.key.startswith("cp-uplift-arm-"))
    arm_radio.set_value("coupon_10").run()
    assert not at.exception
    assert "For coupon_10, the" in page_text(at)


def test_coupons_page_in_chinese(app_page):
    at = app_page(PAGE, lang="zh")
    assert not at.exception, at.exception
    text = page_text(at)
    assert "优惠券" in text and "95% 置信区间" in text and "Qini 系数" in text
    assert "每 £100 销售额成本" in {m.label for m in at.metric}
    assert "95% CI" not in text.split("Qini 系数")[1][:200]


def test_coupons_page_on_hillstrom_shows_every_lift_and_the_honest_mens_verdict(tmp_path, monkeypatch, shared_data,
                                                                               demo_tx):
    from streamlit.testing.v1 import AppTest

    from promo_core.io import read_table
    from promo_core.store import Workspace

    hillstrom = read_table(shared_data / "hillstrom.csv").data
    path = tmp_path / "promo.duckdb"
    Workspace(path).save_dataset("Hillstrom e-mail test", {"transactions": demo_tx.head(50), "campaign": hillstrom})
    monkeypatch.setenv("PROMO_WORKSPACE", str(path))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=300)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    metrics = _metrics(at)
    lifts = ex.compare_outcomes(hillstrom, "segment", ["visit", "conversion", "spend"], "No E-Mail")
    for _, row in lifts[lifts["arm"] != "No E-Mail"].iterrows():
        shown = metrics[f"{row['arm']} · {row['outcome']}"].value
        expected = f"{100 * row['lift']:+.{2 if row['outcome'] == 'conversion' else 1}f} pts" \
            if row["outcome"] != "spend" else f"+£{row['lift']:.2f}"
        assert shown == expected
    assert metrics["Mens E-Mail · visit"].value == "+7.7 pts"
    text = page_text(at)
    assert "For Mens E-Mail, even the best model" in text and "barely beats random targeting" in text
    at.button(key="save-btn-coupons").click().run()
    assert not at.exception
    saved = Workspace(path).list_analyses()
    assert len(saved) == 1 and saved["page"].iloc[0] == "coupons"
    analysis = Workspace(path).load_analysis(saved["id"].iloc[0])
    assert any("barely beats random targeting" in n for n in analysis.notes)
    assert any("Mens E-Mail raised the visit rate by 7.7 points" in n for n in analysis.notes)


def test_a_campaign_too_small_for_uplift_models_is_explained_and_the_rest_still_works(tmp_path, monkeypatch,
                                                                                      demo_tx):
    import numpy as np
    import pandas as pd
    from streamlit.testing.v1 import AppTest

    from promo_core.store import Workspace

    rng = np.random.default_rng(0)
    tiny = pd.DataFrame({"customer_id": [f"K{i}" for i in range(60)], "arm": ["control", "mailer"] * 30,
                         "visited": [1, 0, 0, 0, 0, 0] * 10, "tenure": rng.integers(1, 900, 60)})
    path = tmp_path / "promo.duckdb"
    Workspace(path).save_dataset("Tiny test", {"transactions": demo_tx.head(50), "campaign": tiny})
    monkeypatch.setenv("PROMO_WORKSPACE", str(path))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    errors = " ".join(str(e.value) for e in at.error)
    assert "needs at least 5 customers with and 5 without 'visited' = 1" in errors
    assert "mailer · visited" in _metrics(at) and "Cost per £100 of sales" in _metrics(at)
    assert "Fit the uplift models on the previous tab first" in page_text(at)


def test_uplift_models_that_fail_leave_the_lifts_and_points(app_page, monkeypatch):
    from promo_core import uplift

    at = page_with_failure(app_page, monkeypatch, PAGE, uplift, "fit_uplift")
    assert_apology_without_details(at)
    assert "Fit the uplift models on the previous tab first" in page_text(at) and "Cost per £100 of sales" in _metrics(at)
