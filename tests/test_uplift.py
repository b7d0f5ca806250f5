"""Uplift metrics equal scikit-uplift's to 1e-9; meta-learners recover planted effects; the demo's
planted coupon uplift is found; Hillstrom's men's e-mail is honestly called barely better than random."""
import warnings

import numpy as np
import pandas as pd
import pytest

from promo_core import uplift as up
from promo_core.errors import DataError
from promo_core.io import read_table
from promo_core.text import render
from tests.conftest import chinese_error

sklift_metrics = pytest.importorskip("sklift.metrics")

DEMO_FEATURES = ["recency_days", "frequency", "monetary", "tenure_days", "online_share", "discount_share",
                 "preferred_channel"]
HILLSTROM_FEATURES = ["recency", "history_segment", "history", "mens", "womens", "zip_code", "newbie", "channel"]


@pytest.fixture(autouse=True)
def one_openmp_thread():
    """The learners are small; two OpenMP threads spin-wait badly while other tests share the cores
    (``fit_uplift`` sets the same limit itself)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        yield


@pytest.fixture(scope="module")
def hillstrom(shared_data):
    return read_table(shared_data / "hillstrom.csv").data


def _sk(name, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-uplift calls a scikit-learn helper deprecated in 1.8
        return getattr(sklift_metrics, name)(*args, **kwargs)


def _random_case(n: int, seed: int, ties: bool):
    rng = np.random.default_rng(seed)
    y, t = rng.integers(0, 2, n), rng.integers(0, 2, n)
    score = rng.normal(size=n) + 0.3 * y * t
    return y, (np.round(score, 1) if ties else score), t


CASES = [(60, 1, False), (60, 2, True), (5000, 3, False), (5000, 4, True)]


@pytest.mark.parametrize("n, seed, ties", CASES)
def test_qini_and_uplift_auc_equal_scikit_uplift(n, seed, ties):
    y, u, t = _random_case(n, seed, ties)
    assert up.qini_auc_score(y, u, t) == pytest.approx(_sk("qini_auc_score", y, u, t), abs=1e-9)
    assert up.uplift_auc_score(y, u, t) == pytest.approx(_sk("uplift_auc_score", y, u, t), abs=1e-9)


@pytest.mark.parametrize("n, seed, ties", CASES)
@pytest.mark.parametrize("strategy, k", [("overall", 0.3), ("overall", 0.05), ("overall", 17), ("by_group", 0.3),
                                         ("by_group", 0.77), ("by_group", 11)])
def test_uplift_at_k_equals_scikit_uplift(n, seed, ties, strategy, k):
    y, u, t = _random_case(n, seed, ties)
    assert up.uplift_at_k(y, u, t, strategy, k) == pytest.approx(_sk("uplift_at_k", y, u, t, strategy, k), abs=1e-9)


@pytest.mark.parametrize("n, seed, ties", CASES)
def test_curves_and_deciles_equal_scikit_uplift(n, seed, ties):
    y, u, t = _random_case(n, seed, ties)
    x, v = _sk("qini_curve", y, u, t)
    q = up.qini_curve(y, u, t)
    assert np.array_equal(q["n"], x) and np.allclose(q["qini"], v, atol=1e-9, rtol=0)
    x, v = _sk("uplift_curve", y, u, t)
    c = up.uplift_curve(y, u, t)
    assert np.array_equal(c["n"], x) and np.allclose(c["uplift"], v, atol=1e-9, rtol=0)
    ref = _sk("uplift_by_percentile", y, u, t)
    mine = up.uplift_by_decile(y, u, t)
    assert np.allclose(mine["uplift"], ref["uplift"].to_numpy()[:10], atol=1e-9, equal_nan=True)
    assert mine["n_treatment"].tolist() == ref["n_treatment"].tolist()


def test_metrics_equal_scikit_uplift_on_hillstrom_with_tied_real_scores(hillstrom):
    mens = hillstrom[hillstrom["segment"].isin(["Mens E-Mail", "No E-Mail"])]
    y, t = mens["visit"].to_numpy(), (mens["segment"] == "Mens E-Mail").astype(int).to_numpy()
    for score in (mens["history"].to_numpy(), -mens["recency"].to_numpy(), mens["mens"].to_numpy()):
        assert up.qini_auc_score(y, score, t) == pytest.approx(_sk("qini_auc_score", y, score, t), abs=1e-9)
        assert up.uplift_auc_score(y, score, t) == pytest.approx(_sk("uplift_auc_score", y, score, t), abs=1e-9)
        assert up.uplift_at_k(y, score, t, "overall", 0.3) == pytest.approx(
            _sk("uplift_at_k", y, score, t, "overall", 0.3), abs=1e-9)


def test_a_bootstrap_replicate_scores_like_scikit_uplift_on_the_resampled_rows():
    y, u, t = _random_case(400, 9, ties=True)
    cells, (block, n_blocks) = up._cells(y.astype(float), t.astype(float)), up._blocks(u)
    rng = np.random.default_rng(0)
    for _ in range(5):
        rows = rng.integers(0, len(y), len(y))
        counts = up._block_counts(block, n_blocks, cells, rows)
        assert up._area_ratio(counts, qini=True) == pytest.approx(
            _sk("qini_auc_score", y[rows], u[rows], t[rows]), abs=1e-9)
        assert up._area_ratio(counts, qini=False) == pytest.approx(
            _sk("uplift_auc_score", y[rows], u[rows], t[rows]), abs=1e-9)


def test_the_perfect_ranking_scores_one_and_its_reverse_scores_below_zero():
    y = np.array([1, 0, 1, 0, 1, 0, 0, 1])
    t = np.array([1, 1, 0, 0, 1, 0, 1, 0])
    perfect = y * t - y * (1 - t)
    assert up.qini_auc_score(y, perfect, t) == pytest.approx(1.0)
    assert up.qini_auc_score(y, -perfect, t) < 0
    curve = up.perfect_qini_curve(y, t)
    assert curve["n"].tolist() == [0, 2, 6, 8] and curve["qini"].tolist() == [0.0, 2.0, 2.0, 0.0]


def test_evaluation_intervals_cover_the_estimate_and_random_scores_span_zero():
    rng = np.random.default_rng(5)
    n = 4000
    x = rng.normal(size=n)
    t = rng.integers(0, 2, n)
    y = (rng.random(n) < 0.1 + t * np.where(x > 0, 0.2, 0.0)).astype(int)
    ev = up.evaluate_scores(y, pd.DataFrame({"good": x, "random": rng.normal(size=n)}), t, n_boot=100).set_index("model")
    assert ev.loc["good", "qini_low"] > 0.1 and ev.loc["good", "gain_over_all_low"] > 0
    assert ev.loc["random", "qini_low"] < 0 < ev.loc["random", "qini_high"]
    for m in ("good", "random"):
        assert ev.loc[m, "qini_low"] <= ev.loc[m, "qini"] <= ev.loc[m, "qini_high"]
    assert ev.loc["good", "ate"] == pytest.approx(y[t == 1].mean() - y[t == 0].mean())


@pytest.mark.parametrize("name", list(up.MODELS))
@pytest.mark.parametrize("treated_share", [0.5, 0.2])
def test_every_meta_learner_finds_who_the_treatment_moves(name, treated_share):
    rng = np.random.default_rng(11)
    n = 6000
    X = pd.DataFrame({"x": rng.normal(size=n), "noise": rng.normal(size=n)})
    t = (rng.random(n) < treated_share).astype(int)
    y = (rng.random(n) < 0.15 + 0.1 * X["noise"].clip(-1, 1) + t * np.where(X["x"] > 0, 0.3, 0.0)).astype(int)
    model = up.MODELS[name]().fit(X, y, t)
    pred = model.predict(X)
    assert pred[X["x"] > 0.5].mean() > 0.2 > pred[X["x"] < -0.5].mean() + 0.1


def test_model_features_one_hot_encode_text_and_pool_rare_levels(monkeypatch):
    monkeypatch.setattr(up, "MAX_CATEGORIES", 2)
    df = pd.DataFrame({"spend": [1, 2, 3, 4, 5, 6], "channel": ["web", "web", "store", "store", "phone", None]})
    got = up.model_features(df, ["spend", "channel"])
    expected = pd.DataFrame({"spend": [1.0, 2, 3, 4, 5, 6], "channel=other": [0.0, 0, 0, 0, 1, 1],
                             "channel=store": [0.0, 0, 1, 1, 0, 0], "channel=web": [1.0, 1, 0, 0, 0, 0]})
    pd.testing.assert_frame_equal(got.sort_index(axis=1), expected.sort_index(axis=1))


@pytest.fixture(scope="module")
def demo_fit(demo):
    return up.fit_uplift(demo.campaign, "arm", "converted", "control", DEMO_FEATURES)


def test_planted_truth_best_model_beats_random_and_its_top_decile_has_high_true_uplift(demo, demo_fit):
    truth = demo.truth.uplift.reindex(demo.campaign["customer_id"])
    for arm in ("coupon_5", "coupon_10"):
        best = demo_fit.scores[(demo_fit.scores["arm"] == arm) & demo_fit.scores["best"]].iloc[0]
        assert best["qini_low"] > 0, f"{arm}: Qini interval reaches zero"
        score = demo_fit.uplift[arm][best["model"]].to_numpy()
        top = score >= np.quantile(score, 0.9)
        assert truth[arm].to_numpy()[top].mean() > 1.4 * truth[arm].mean()
        verdict = render(up.targeting_verdict(best, arm))
        assert "better than random" in verdict and "barely" not in verdict
    corr = np.corrcoef(demo_fit.baseline, demo.truth.baseline_conversion.reindex(demo.campaign["customer_id"]))[0, 1]
    assert corr > 0.8  # the no-coupon response model, used for the subsidy, is close to the planted one


def test_fit_uplift_scores_every_customer_out_of_fold_with_deciles(demo, demo_fit):
    assert set(demo_fit.uplift) == {"coupon_5", "coupon_10"}
    for frame in demo_fit.uplift.values():
        assert frame.notna().all().all() and list(frame.columns) == list(up.MODELS)
    assert demo_fit.baseline.notna().all()
    assert len(demo_fit.scores) == 8 and demo_fit.scores.groupby("arm")["best"].sum().eq(1).all()
    deciles = demo_fit.deciles["coupon_10"]
    assert deciles["decile"].tolist() == list(range(1, 11))
    assert deciles["n_treatment"].sum() + deciles["n_control"].sum() == (demo.campaign["arm"] != "coupon_5").sum()
    assert deciles["predicted_uplift"].is_monotonic_decreasing


def test_hillstrom_mens_email_barely_beats_random_while_the_womens_clearly_does(hillstrom):
    fit = up.fit_uplift(hillstrom, "segment", "visit", "No E-Mail", HILLSTROM_FEATURES, n_boot=100)
    best = fit.scores[fit.scores["best"]].set_index("arm")
    mens, womens = best.loc["Mens E-Mail"], best.loc["Womens E-Mail"]
    assert mens["qini_low"] < 0 < mens["qini_high"]
    assert "barely beats random targeting" in render(up.targeting_verdict(mens, "Mens E-Mail"))
    zh = render(up.targeting_verdict(mens, "Mens E-Mail"), "zh")
    assert "几乎没有胜过随机" in zh and any(name in zh for name in ("T-学习器", "S-学习器", "X-学习器", "类别转换"))
    assert womens["qini_low"] > 0
    assert "barely" not in render(up.targeting_verdict(womens, "Womens E-Mail"))


@pytest.mark.parametrize("frame, outcome, features, message", [
    (pd.DataFrame({"arm": ["a", "b"] * 20, "y": [0.5, 1.0] * 20, "x": range(40)}), "y", ["x"], "0/1 outcome"),
    (pd.DataFrame({"arm": ["a", "b"] * 20, "y": [0, 1] * 20, "x": [1] * 40}), "y", ["x"], "single value"),
    (pd.DataFrame({"arm": ["a", "b"] * 20, "y": [0, 1] * 20, "x": range(40)}), "y", [], "at least one"),
    (pd.DataFrame({"arm": ["a", "b"] * 20, "y": [0] * 38 + [1, 1], "x": range(40)}), "y", ["x"], "needs at least"),
])
def test_fit_uplift_explains_bad_input(frame, outcome, features, message):
    with pytest.raises(DataError, match=message):
        up.fit_uplift(frame, "arm", outcome, "a", features)


def test_metrics_refuse_scores_with_gaps_and_non_binary_flags():
    with pytest.raises(DataError, match="missing"):
        up.qini_auc_score([0, 1, 1, 0], [0.1, np.nan, 0.3, 0.2], [0, 0, 1, 1])
    with pytest.raises(DataError, match="treatment"):
        up.uplift_auc_score([0, 1, 1, 0], [0.1, 0.2, 0.3, 0.4], [0, 2, 1, 1])
    with pytest.raises(DataError, match="k="):
        up.uplift_at_k([0, 1, 1, 0], [0.1, 0.2, 0.3, 0.4], [0, 0, 1, 1], "overall", 1.5)


def test_shared_response_models_give_the_same_predictions_as_fitting_them_again():
    rng = np.random.default_rng(12)
    n = 3000
    X = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n)})
    t = rng.integers(0, 2, n)
    y = (rng.random(n) < 0.2 + t * np.where(X["x"] > 0, 0.2, 0.0)).astype(int)
    control = up.default_classifier().fit(X[t == 0], y[t == 0])
    shared = up.TLearner(control_model=control).fit(X, y, t)
    assert shared.model_control_ is control
    np.testing.assert_allclose(shared.predict(X), up.TLearner().fit(X, y, t).predict(X), atol=1e-12)
    np.testing.assert_allclose(up.XLearner(response_models=shared).fit(X, y, t).predict(X),
                               up.XLearner().fit(X, y, t).predict(X), atol=1e-12)


def test_uplift_errors_have_chinese_text():
    frame = pd.DataFrame({"arm": ["a", "b"] * 20, "y": [0, 1] * 20, "x": range(40)})
    calls = [
        lambda: up.qini_auc_score([0, 1], [0.1, 0.2, 0.3], [0, 1]),
        lambda: up.qini_auc_score([0, 1, 1, 0], [0.1, np.nan, 0.3, 0.2], [0, 0, 1, 1]),
        lambda: up.uplift_auc_score([0, 1, 1, 0], [0.1, 0.2, 0.3, 0.4], [0, 2, 1, 1]),
        lambda: up.uplift_at_k([0, 1, 1, 0], [0.1, 0.2, 0.3, 0.4], [0, 0, 1, 1], "overall", 1.5),
        lambda: up.uplift_at_k([0, 1, 1, 0], [0.1, 0.2, 0.3, 0.4], [0, 0, 1, 1], "everyone", 0.5),
        lambda: up.uplift_at_k([0, 1, 1, 0], [0.1, 0.2, 0.3, 0.4], [0, 0, 1, 1], "by_group", 3),
        lambda: up.evaluate_scores([0, 1, 1, 0], pd.DataFrame(index=range(4)), [0, 0, 1, 1]),
        lambda: up.TLearner().fit(np.ones((3, 1)), [0, 1, 0, 1], [0, 1, 0, 1]),
        lambda: up.TLearner().fit(np.ones((4, 1)), [0, 1, 0, 1], [1, 1, 1, 1]),
        lambda: up.ClassTransformation().fit(np.ones((4, 1)), [0, 2, 0, 1], [0, 1, 0, 1]),
        lambda: up.model_features(frame, ["nope"]),
        lambda: up.fit_uplift(frame, "arm", "y", "a", ["x"], models=("Magic",)),
        *[lambda f=f, feats=feats: up.fit_uplift(f, "arm", "y", "a", feats)
          for f, feats in [(frame.assign(y=[0.5, 1.0] * 20), ["x"]), (frame.assign(x=1), ["x"]), (frame, []),
                           (frame.assign(y=[0] * 38 + [1, 1]), ["x"])]],
    ]
    for call in calls:
        chinese_error(call)
