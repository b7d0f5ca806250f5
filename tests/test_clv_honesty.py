"""A lifetime-value model that cannot tell who has stopped buying says so (issue 14, item 7).

On the Online Retail sample the BG/NBD maximum puts the dropout probability at zero (a at the
fit's lower bound e^-12 ≈ 6e-6, b ≈ 75,600; lifetimes reaches the same maximum), so every P(alive)
is 1 and "value at risk" 0. The Segments analysis detects it, takes the headline's active share
and value at risk from the churn route the holdout favours, and the page and the report say
plainly that this data cannot tell who has left. The demo's fit, which can tell, is unchanged
(``tests/test_segments_orders.py`` pins its numbers).
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from promo_core import clv, report, retention, text
from promo_core.analyses import segments as analysis
from promo_core.io import load_transactions
from tests.conftest import page_on_file, page_text

PAGE = "pages/segments.py"
CANNOT_TELL = "This data cannot tell who has stopped buying"


@pytest.fixture(scope="module")
def retail(shared_data) -> pd.DataFrame:
    return load_transactions(shared_data / "online_retail_sample.xlsx").data


@pytest.fixture(scope="module")
def retail_value(retail) -> analysis.Value:
    return analysis.run(retail, analysis.Params(parts=frozenset({"value"}))).value


def _fit(**params) -> clv.BGNBDFit:
    """CDNOW's published BG/NBD (Fader, Hardie & Lee 2005) with some parameters replaced."""
    values = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, **params}
    return clv.BGNBDFit(**values, log_likelihood=-9582.4, n_customers=2357, time_unit="W", converged=True)


def test_reasons_on_hand_made_fits():
    assert clv.cannot_tell_who_left(_fit()) == ()
    at_bound = clv.cannot_tell_who_left(_fit(a=math.exp(-clv.LOG_BOUND), b=75_600.0))
    assert [m.id for m in at_bound] == ["clv.cannot_tell.bound", "clv.cannot_tell.no_dropout"]
    assert at_bound[0].values["parameters"] == "a"
    assert at_bound[1].values["dropout"] == pytest.approx(math.exp(-12) / (math.exp(-12) + 75_600))
    # dropout ~0 without a bound: a = 0.05, b = 100 -> mean dropout 5e-4
    assert [m.id for m in clv.cannot_tell_who_left(_fit(a=0.05, b=100.0))] == ["clv.cannot_tell.no_dropout"]
    # a sound fit whose holdout is no better than the naive rate, or whose churn route loses to recency
    worse = SimpleNamespace(mae_model=1.4, mae_naive=1.3)
    assert [m.id for m in clv.cannot_tell_who_left(_fit(), worse)] == ["clv.cannot_tell.holdout"]
    assert clv.cannot_tell_who_left(_fit(), SimpleNamespace(mae_model=1.2, mae_naive=1.3)) == ()
    evaluation = pd.DataFrame({"route": ["btyd", "classifier", "naive"], "auc": [0.61, 0.70, 0.65]})
    found = clv.cannot_tell_who_left(_fit(), churn_evaluation=evaluation)
    assert [(m.id, m.values["btyd"], m.values["naive"]) for m in found] == [("clv.cannot_tell.churn_holdout", 0.61,
                                                                             0.65)]


def test_the_demo_fit_can_tell_and_keeps_its_headline(demo_tx):
    result = analysis.run(demo_tx, analysis.Params(parts=frozenset({"value", "holdout"})))
    value = result.value
    assert clv.cannot_tell_who_left(value.model.bgnbd, result.holdout) == ()
    assert value.cannot_tell == () and value.churn is None and analysis.cannot_tell_message(value) is None
    v = value.model.customers
    assert value.active_share == (v["p_alive"] >= analysis.ACTIVE).mean()
    assert value.value_at_risk == pytest.approx(v.loc[v["p_alive_falling"], "clv"].sum(), rel=1e-12)


def test_online_retail_fit_cannot_tell_and_the_headline_comes_from_the_churn_route(retail, retail_value):
    value = retail_value
    fit = value.model.bgnbd
    # the symptom: a at the fit's bound, dropout ~0, everyone "probably still active", nothing at risk
    assert fit.a == pytest.approx(math.exp(-clv.LOG_BOUND), rel=1e-6) and fit.b > 10_000
    assert (value.model.customers["p_alive"] > 0.999).all()
    assert not value.model.customers["p_alive_falling"].any()
    assert [m.id for m in value.cannot_tell][:2] == ["clv.cannot_tell.bound", "clv.cannot_tell.no_dropout"]
    # the headline comes from the churn route the time holdout favours
    churn = value.churn
    assert churn is not None and churn.horizon_days == analysis.CHURN_DAYS
    auc = churn.evaluation.set_index("route")["auc"]
    assert churn.route == auc[list(retention.MODEL_ROUTES)].idxmax()
    p = value.model.customers[["customer_id", "clv"]].merge(churn.customers[["customer_id", "p_churn"]],
                                                            on="customer_id", how="left")
    assert p["p_churn"].notna().all(), "every valued customer has a churn score"
    assert value.active_share == pytest.approx((p["p_churn"] < 0.5).mean(), abs=1e-12)
    assert 0.05 < value.active_share < 0.95
    assert value.value_at_risk == pytest.approx((p["clv"] * p["p_churn"]).sum(), rel=1e-9)
    assert 0 < value.value_at_risk < value.total_clv
    assert value.by_segment["value_at_risk"].sum() == pytest.approx(value.value_at_risk, rel=1e-9)
    assert (value.by_segment["value_at_risk"].dropna() > 0).all()
    # the warning, in both languages, names the reasons and the route
    message = analysis.cannot_tell_message(value)
    english = text.render(message, "en")
    assert english.startswith(CANNOT_TELL) and "practically zero" in english and "edge of the range" in english
    assert text.render(text.Message(f"churn_route.{churn.route}"), "en") in english
    assert churn.winner_beats_naive and "coin toss" not in english  # (the groceries' route does not: a caveat)
    assert "无法判断谁已经停止购买" in text.render(message, "zh")


def test_report_segments_section_says_the_data_cannot_tell(retail):
    section = report.segments_analysis(retail)
    assert any(note.startswith(CANNOT_TELL) for note in section.notes), section.notes
    (table,) = section.tables.values()
    assert "mean_p_alive" not in table.columns and table["clv_at_risk"].sum() > 0


def test_segments_page_on_online_retail_says_the_data_cannot_tell(tmp_path, monkeypatch, shared_data):
    """The headline no longer reads "Probably still active 100%" and "Value at risk £0"."""
    at = page_on_file(tmp_path, monkeypatch, shared_data / "online_retail_sample.xlsx", PAGE)
    metrics = {m.label: m.value for m in at.metric}
    assert "Probably still active" not in metrics
    active = metrics[f"Likely to buy within {analysis.CHURN_DAYS} days"]
    assert active.endswith("%") and active not in ("0%", "100%")
    at_risk = metrics["Value at risk"]
    assert at_risk.startswith("£") and float(at_risk[1:].replace(",", "")) > 1_000
    warnings = [w.value for w in at.warning]
    assert any(w.startswith(CANNOT_TELL) for w in warnings), warnings
    assert "upper bound" in page_text(at)
