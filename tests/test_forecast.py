"""Demand forecasts: weekly demand by hand, the Holt-Winters recursion against statsmodels, series
with known seasonality, the demo retailer's planted seasonality, intervals, promotions, backtests."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from promo_core.errors import DataError
from promo_core.forecast import (GradientBoostingForecaster, HoltWinters, Promotion, SeasonalNaive, forecast_demand,
                                 mase_scale, promotion_multiplier, smape, weekly_demand)
from promo_core.text import render
from tests.conftest import chinese_error


def _tx(rows):
    """Transactions from (date, product, category, store, quantity, price) tuples."""
    frame = pd.DataFrame(rows, columns=["order_date", "product_id", "category", "store_id", "quantity", "unit_price"])
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    return frame


def _weekly_tx(units: np.ndarray, start="2023-01-02", product="P1", category="C", prices=None) -> pd.DataFrame:
    """One order line per week with the given units: the first on a Monday, the others on Sundays,
    so that the data covers every week completely."""
    dates = pd.date_range(start, periods=len(units), freq="7D") + pd.Timedelta(days=6)
    dates = dates.insert(0, pd.Timestamp(start))[[0] + list(range(2, len(units) + 1))]
    prices = np.full(len(units), 10.0) if prices is None else prices
    return pd.DataFrame({"order_date": dates, "product_id": product, "category": category, "store_id": "S1",
                         "quantity": units.astype(float), "unit_price": prices})


def test_weekly_demand_counts_complete_weeks_and_ignores_returns():
    tx = _tx([
        ("2024-01-03", "P1", "Fruit", "S1", 5, 2.0),   # Wed of a partial first week (data starts Wed): dropped
        ("2024-01-08", "P1", "Fruit", "S1", 3, 2.0),   # Mon, week 1
        ("2024-01-09", "P2", "Fruit", "S1", 2, 4.0),
        ("2024-01-10", "P1", "Fruit", "S1", -1, 2.0),  # a return: not demand
        ("2024-01-16", "P2", "Fruit", "S2", 4, 4.0),   # week 2
    ] + [(f"2024-01-{d}", "P1", "Fruit", "S1", 1, 2.0) for d in (22, 29)] + [
        ("2024-02-04", "P2", "Fruit", "S1", 1, 4.0),   # Sunday: week of 29 Jan is complete
    ] + [((pd.Timestamp("2024-02-05") + pd.Timedelta(weeks=k)).strftime("%Y-%m-%d"), "P1", "Fruit", "S1", 1, 2.0) for k in range(9)]
        + [("2024-04-08", "P1", "Fruit", "S1", 7, 2.0)])  # a Monday with no Sunday after it: partial, dropped
    wd = weekly_demand(tx, "product")
    assert wd.units.index[0] == pd.Timestamp("2024-01-08")
    assert wd.units.index[-1] == pd.Timestamp("2024-04-01")
    assert wd.units.loc["2024-01-08"].to_dict() == {"P1": 3.0, "P2": 2.0}
    assert wd.units.loc["2024-01-15"].to_dict() == {"P1": 0.0, "P2": 4.0}
    total = weekly_demand(tx, "total")
    assert total.units["All"].sum() == 3 + 2 + 4 + 1 + 1 + 1 + 9
    stores = weekly_demand(tx, "store")
    assert list(stores.units.columns) == ["S1", "S2"]


def test_weekly_demand_marks_promotion_weeks_from_the_price():
    prices = np.full(20, 10.0)
    prices[10] = 8.0  # 20 % off in week 10
    units = np.full(20, 10.0)
    units[10] = 15
    wd = weekly_demand(_weekly_tx(units, prices=prices), "product")
    assert wd.promo_share["P1"].iloc[10] == 1.0
    assert wd.price_ratio["P1"].iloc[10] == pytest.approx(0.8)
    assert (wd.promo_share["P1"].drop(wd.promo_share.index[10]) == 0).all()


def test_weekly_demand_needs_twelve_weeks():
    with pytest.raises(DataError, match="only 5 complete weeks"):
        weekly_demand(_weekly_tx(np.ones(5)), "product")


def test_weekly_demand_without_categories_explains_the_level():
    tx = _weekly_tx(np.ones(20)).assign(category=None)
    with pytest.raises(DataError, match="no product categories"):
        weekly_demand(tx, "category")


def test_holt_winters_recursion_equals_statsmodels():
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    rng = np.random.default_rng(0)
    t = np.arange(90)
    y = rng.poisson(20 * (1 + 0.3 * np.cos(2 * np.pi * t / 52)) * (1 + t / 300)).astype(float)
    hw = HoltWinters(52)
    level0, trend0, season0 = hw.initial_states(y[:, None])
    fitted, level, trend, season = hw.filter(y[:, None], 0.2, 0.05, 0.1, 0.95, level0, trend0, season0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ExponentialSmoothing(y, trend="add", damped_trend=True, seasonal="mul", seasonal_periods=52,
                                   initialization_method="known", initial_level=level0[0], initial_trend=trend0[0],
                                   initial_seasonal=season0[0]).fit(
            smoothing_level=0.2, smoothing_trend=0.05, smoothing_seasonal=0.1, damping_trend=0.95, optimized=False)
    np.testing.assert_allclose(fitted[:, 0], ref.fittedvalues, rtol=1e-10)
    hw.alpha_, hw.beta_, hw.gamma_, hw.phi_ = (np.array([v]) for v in (0.2, 0.05, 0.1, 0.95))
    hw.level_, hw.trend_, hw.season_ = level, trend, season
    hw.index_, hw.columns_ = pd.date_range("2023-01-02", periods=90, freq="7D"), ["s"]
    # statsmodels reuses the pre-update seasonal index exactly one season ahead (h = 52); every
    # other step must agree to rounding
    np.testing.assert_allclose(hw.predict(51)["s"].to_numpy(), ref.forecast(51), rtol=1e-10)


def _seasonal_frame(values: np.ndarray, columns=("s",)) -> pd.DataFrame:
    return pd.DataFrame(values.reshape(len(values), -1), index=pd.date_range("2022-01-03", periods=len(values),
                                                                              freq="7D"), columns=list(columns))


def test_seasonal_naive_repeats_last_season_exactly():
    season = np.arange(1.0, 53.0)
    units = _seasonal_frame(np.tile(season, 2))
    pred = SeasonalNaive(52).fit(units).predict(60)
    np.testing.assert_array_equal(pred["s"].to_numpy(), np.concatenate([season, season[:8]]))
    assert pred.index[0] == units.index[-1] + pd.Timedelta(days=7)


def test_holt_winters_recovers_a_known_multiplicative_season():
    t = np.arange(130)
    season = 1 + 0.4 * np.sin(2 * np.pi * t / 52)
    units = _seasonal_frame(100 * season[:104])
    pred = HoltWinters(52).fit(units).predict(26)["s"].to_numpy()
    np.testing.assert_allclose(pred, 100 * season[104:], rtol=0.01)


def test_holt_winters_follows_a_growing_seasonal_series():
    rng = np.random.default_rng(1)
    t = np.arange(130)
    truth = (200 + 1.5 * t) * (1 + 0.3 * np.cos(2 * np.pi * t / 52))
    units = _seasonal_frame(rng.normal(truth[:104], 5))
    pred = HoltWinters(52).fit(units).predict(26)["s"].to_numpy()
    assert np.mean(np.abs(pred - truth[104:]) / truth[104:]) < 0.06
    naive = SeasonalNaive(52).fit(units).predict(26)["s"].to_numpy()
    assert np.abs(pred - truth[104:]).mean() < np.abs(naive - truth[104:]).mean()


def test_gradient_boosting_learns_the_promotion_effect():
    rng = np.random.default_rng(2)
    n_weeks, n_series = 104, 30
    promo = rng.random((n_weeks, n_series)) < 0.15
    units = rng.poisson(np.where(promo, 60, 40)).astype(float)
    frame = _seasonal_frame(units, [f"p{i}" for i in range(n_series)])
    exog = {"price_ratio": np.where(promo, 0.8, 1.0), "promo_share": promo.astype(float)}
    model = GradientBoostingForecaster(horizon=4, random_state=0).fit(frame, exog)
    base = model.predict(4).to_numpy().mean()
    promoted = model.predict(4, {"price_ratio": np.full((4, n_series), 0.8),
                                 "promo_share": np.ones((4, n_series))}).to_numpy().mean()
    assert promoted / base == pytest.approx(1.5, abs=0.15)


def test_mase_scale_and_smape_by_hand():
    units = np.array([[1.0], [3.0], [2.0], [6.0]])
    np.testing.assert_allclose(mase_scale(units, 2), [(1 + 3) / 2])
    np.testing.assert_allclose(smape([10, 0, 0], [5, 0, 4]), [200 * 5 / 15, 0, 200])


def test_promotion_lift_and_partial_weeks():
    promo = Promotion.build(0.2, "2025-01-08", "2025-01-14", elasticity=-2.0, level="category", target="Snacks")
    assert promo.lift == pytest.approx(0.8 ** -2 - 1)  # 56.25 % more units
    weeks = pd.date_range("2025-01-06", periods=3, freq="7D")
    mult = promotion_multiplier(weeks, pd.Series({"Snacks": 1.0, "Bakery": 0.0}), promo)
    # Wed 8 - Sun 12 Jan is 5 days of the first week, Mon 13 - Tue 14 two days of the second
    np.testing.assert_allclose(mult["Snacks"], [1 + 5 / 7 * promo.lift, 1 + 2 / 7 * promo.lift, 1.0])
    np.testing.assert_allclose(mult["Bakery"], 1.0)


def test_pricing_scenario_reads_percent_and_whole_store():
    promo = Promotion.from_scenario({"level": "store", "target": None, "discount": 25, "start": "2025-03-01",
                                     "end": "2025-03-07", "elasticity": -1.5})
    assert promo.discount == 0.25 and promo.level == "all"


@pytest.mark.parametrize("kwargs, message", [
    ({"discount": 0.2, "start": "2025-03-08", "end": "2025-03-01", "elasticity": -1}, "ends before it starts"),
    ({"discount": 1.5, "start": "2025-03-01", "end": "2025-03-08", "elasticity": -1}, "between 0 % and 100 %"),
    ({"discount": 0.2, "start": "2025-03-01", "end": "2025-03-08", "elasticity": -1, "level": "category"},
     "Choose which product or category"),
])
def test_bad_promotions_are_explained(kwargs, message):
    with pytest.raises(DataError, match=message):
        Promotion.build(**kwargs)


def test_incomplete_pricing_scenario_is_explained():
    with pytest.raises(DataError, match="incomplete"):
        Promotion.from_scenario({"discount": 0.2})


@pytest.fixture(scope="module")
def category_forecast(demo_tx):
    start = demo_tx["order_date"].max().normalize() + pd.Timedelta(days=2)
    promo = Promotion.build(0.2, start, start + pd.Timedelta(days=13), elasticity=-1.8, level="category",
                            target="Snacks")
    return forecast_demand(demo_tx, "category", horizon=8, promotion=promo), promo


def test_demo_category_models_beat_seasonal_naive(category_forecast):
    result, _ = category_forecast
    bt = result.backtest.set_index("model")
    assert bt.loc["seasonal_naive", "mase_vs_naive"] == 1.0
    # the demo retailer grows ~40 % a year, which seasonal naive cannot see; both real models must beat it
    assert bt.loc["holt_winters", "mase_vs_naive"] < 0.9
    assert bt.loc["gradient_boosting", "mase_vs_naive"] < 0.9
    assert bt.loc["seasonal_naive", "bias"] < -5, "last year's level under-forecasts a growing business"
    assert result.recommended in ("holt_winters", "gradient_boosting")
    assert set(result.backtest_series["series"]) == set(result.demand.units.columns)
    assert result.errors["origin"].nunique() == 4


def test_demo_promotion_raises_only_the_promoted_category_in_its_weeks(category_forecast):
    result, promo = category_forecast
    fc = result.forecast[result.forecast["model"] == "holt_winters"].set_index(["series", "week"])
    snacks = fc.loc["Snacks"]
    in_promo = (snacks.index >= promo.start - pd.Timedelta(days=6)) & (snacks.index <= promo.end)
    assert (snacks["uplift"][in_promo] > 0).all()
    full_week = snacks.index == promo.start - pd.Timedelta(days=promo.start.dayofweek) + pd.Timedelta(days=7)
    np.testing.assert_allclose(snacks["forecast"][full_week], snacks["baseline"][full_week] * (1 + promo.lift))
    assert (snacks["uplift"][~in_promo] == 0).all()
    assert (fc.drop(index="Snacks", level="series")["uplift"] == 0).all()
    assert (fc["lower"] <= fc["forecast"]).all() and (fc["forecast"] <= fc["upper"]).all()


def test_demo_forecast_shows_the_planted_december_peak(demo, demo_tx):
    result = forecast_demand(demo_tx, "total", horizon=12, models=("holt_winters",))
    fc = result.forecast[result.forecast["model"] == "holt_winters"].set_index("week")["forecast"]
    # the same calendar weeks one year earlier in the planted seasonality
    truth = demo.truth.weekly_seasonality
    last_year = truth.reindex(fc.index - pd.Timedelta(weeks=52))
    assert last_year.notna().all()
    assert np.corrcoef(fc.to_numpy(), last_year.to_numpy())[0, 1] > 0.8
    peak = fc.idxmax()
    assert peak.month == 12 and peak.day <= 24, "the forecast peaks in the run-up to Christmas"
    assert fc.max() > 1.2 * fc[fc.index.month == 2].mean()


def test_prediction_intervals_cover_future_draws_at_about_their_level():
    rng = np.random.default_rng(3)
    n_series, n_weeks, horizon = 120, 116, 8
    t = np.arange(n_weeks)
    mean = 30 * (1 + 0.3 * np.cos(2 * np.pi * t / 52))
    units = rng.poisson(np.repeat(mean[:, None], n_series, axis=1))
    weeks = pd.date_range("2022-01-03", periods=n_weeks, freq="7D")
    rows = [(w + pd.Timedelta(days=0 if i == 0 else 6), f"P{j}", "C", "S1", float(units[i, j]), 5.0)
            for i, w in enumerate(weeks[:-horizon]) for j in range(n_series) if units[i, j] > 0]
    result = forecast_demand(_tx(rows), "product", horizon=horizon, models=("holt_winters",), interval=0.8)
    fc = result.forecast[result.forecast["model"] == "holt_winters"]
    future = pd.DataFrame(units[-horizon:], index=weeks[-horizon:], columns=[f"P{j}" for j in range(n_series)])
    actual = future.stack().rename("actual").rename_axis(["week", "series"]).reset_index()
    merged = fc.merge(actual, on=["series", "week"])
    coverage = ((merged["actual"] >= merged["lower"]) & (merged["actual"] <= merged["upper"])).mean()
    assert len(merged) == n_series * horizon
    assert 0.7 <= coverage <= 0.9


def test_short_history_falls_back_to_no_seasonality():
    rng = np.random.default_rng(4)
    tx = _weekly_tx(rng.poisson(20, 40))
    result = forecast_demand(tx, "product", horizon=4, models=("holt_winters",))
    assert result.season_length == 1
    assert any("ignore seasonality" in render(note) for note in result.notes)
    assert len(result.forecast) == 2 * 4


def test_forecast_beyond_the_history_is_refused():
    tx = _weekly_tx(np.full(14, 5.0))
    with pytest.raises(DataError, match="too few to backtest"):
        forecast_demand(tx, "product", horizon=8)


def test_a_model_that_cannot_learn_is_left_out_with_a_note():
    rng = np.random.default_rng(5)
    result = forecast_demand(_weekly_tx(rng.poisson(20, 40)), "total", horizon=8)
    assert set(result.forecast["model"]) == {"seasonal_naive", "holt_winters"}
    assert any(render(note) == "Gradient boosting was left out: the history is too short for it at this level."
               for note in result.notes)
    assert any(render(note, "zh") == "梯度提升未参与：在该层级下历史数据太短。" for note in result.notes)
    assert list(result.backtest["model"]) == ["seasonal_naive", "holt_winters"]


def test_online_retail_year_forecasts_without_seasonality(shared_data):
    from promo_core.io import load_transactions

    tx = load_transactions(shared_data / "online_retail_sample.xlsx").data
    result = forecast_demand(tx, "total", horizon=8)
    assert result.season_length == 1
    assert len(result.demand.units) == 52
    assert (result.forecast["forecast"] >= 0).all()


def test_model_history_errors_have_chinese_text():
    units = pd.DataFrame({"P1": np.arange(1.0, 9.0)}, index=pd.date_range("2024-01-01", periods=8, freq="W-MON"))
    calls = [lambda: SeasonalNaive().fit(units), lambda: SeasonalNaive(season_length=9).fit(units),
             lambda: HoltWinters().initial_states(units.to_numpy()),
             lambda: GradientBoostingForecaster(horizon=4).fit(units)]
    for call in calls:
        chinese_error(call)
