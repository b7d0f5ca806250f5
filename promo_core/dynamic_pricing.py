"""Dynamic pricing as a simulation: is it worth experimenting with prices, and how?

A price grid around the current price is a set of "arms"; each period one price is charged and
the units sold are seen. Demand is drawn from the fitted model: every simulated run draws its
own true elasticity from the estimate's uncertainty, so the simulation shows how the policies do
across the worlds the data allows. Three policies are compared with an oracle that knows the
best price of each run:

* fixed price: keep the current price (no learning, no experimentation cost);
* epsilon-greedy: try every price once, then charge the best-looking price, except a share
  epsilon of periods at a random price;
* Thompson sampling: keep a Gamma posterior of each price's demand rate (Gamma-Poisson), draw
  one rate per price from it every period and charge the price whose draw earns most.

Regret is the expected earnings given up against always charging the run's best price.

References: Thompson, W.R. (1933), On the likelihood that one unknown probability exceeds
another in view of the evidence of two samples, Biometrika 25. Ferreira, K.J., Simchi-Levi, D.
and Wang, H. (2018), Online network revenue management using Thompson sampling, Operations
Research 66(6).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from promo_core.errors import DataError
from promo_core.text import Message

POLICIES = ("fixed", "epsilon_greedy", "thompson")  # named ``pricing.policy.<code>`` in the catalogue


@dataclass(frozen=True)
class PricingSimulation:
    """What the dynamic-pricing simulation found.

    Attributes
    ----------
    curves : DataFrame
        period, policy, cumulative (mean earnings to date), cumulative_low, cumulative_high
        (5% / 95% over runs), regret, regret_low, regret_high.
    summary : DataFrame
        policy, total, total_low, total_high, regret, regret_share (of the oracle's earnings),
        best_price_share (share of the last quarter's periods spent at the run's best price).
    grid : DataFrame
        price, expected_units and expected_reward per period under the estimated elasticity,
        best_share (how often each price was the best one across runs).
    objective : str
        'profit' or 'revenue'.
    """

    curves: pd.DataFrame
    summary: pd.DataFrame
    grid: pd.DataFrame
    objective: str


def price_grid(current_price: float, width: float = 0.2, n_prices: int = 9) -> np.ndarray:
    """``n_prices`` evenly spaced prices within ±``width`` of the current price (which is one of them
    when ``n_prices`` is odd), rounded to cents."""
    if current_price <= 0:
        raise DataError(Message("pricing.error.dyn_price"))
    if not 0 < width < 1 or not 2 <= n_prices <= 25:
        raise DataError(Message("pricing.error.dyn_grid"))
    return np.round(np.linspace(current_price * (1 - width), current_price * (1 + width), n_prices), 2)


def simulate_dynamic_pricing(current_price: float, elasticity: float, se: float, base_units: float,
                             unit_cost: float = 0.0, width: float = 0.2, n_prices: int = 9, horizon: int = 52,
                             noise: float = 0.3, epsilon: float = 0.1, n_runs: int = 200,
                             random_state: int = 0) -> PricingSimulation:
    """Simulate fixed price, epsilon-greedy and Thompson sampling on the fitted demand.

    Parameters
    ----------
    current_price : float
        Today's price (the fixed policy's price).
    elasticity, se : float
        Estimated elasticity and its standard error; each run draws its true elasticity from them.
    base_units : float
        Expected units per period at the current price.
    unit_cost : float
        Cost of one unit; with 0 the objective is revenue, else profit.
    width, n_prices : float, int
        Price grid (see ``price_grid``).
    horizon : int
        Periods simulated.
    noise : float
        Demand noise beyond Poisson, as a coefficient of variation of the period's demand rate
        (0 = pure Poisson).
    epsilon : float
        Exploration share of epsilon-greedy.
    n_runs : int
        Simulated runs.
    random_state : int
        Seed.

    Returns
    -------
    PricingSimulation
    """
    if not np.isfinite(elasticity) or elasticity >= 0:
        raise DataError(Message("pricing.error.dyn_elasticity"))
    if base_units <= 0:
        raise DataError(Message("pricing.error.dyn_no_units"))
    if not 2 <= horizon <= 1000 or not 10 <= n_runs <= 2000:
        raise DataError(Message("pricing.error.dyn_horizon"))
    if noise < 0 or not 0 <= epsilon <= 1:
        raise DataError(Message("pricing.error.dyn_noise"))
    rng = np.random.default_rng(random_state)
    prices = price_grid(current_price, width, n_prices)
    if current_price not in prices:
        prices = np.sort(np.append(prices, round(current_price, 2)))
    k = len(prices)
    margin = prices - unit_cost
    true_beta = rng.normal(elasticity, se if np.isfinite(se) else 0.0, n_runs)
    rate = base_units * (prices[None, :] / current_price) ** true_beta[:, None]  # (runs, arms)
    reward = rate * margin[None, :]
    best = reward.max(axis=1)
    runs = np.arange(n_runs)
    fixed_arm = int(np.argmin(np.abs(prices - current_price)))
    prior_rate = base_units * (prices / current_price) ** elasticity

    def draw_units(arm):
        lam = rate[runs, arm]
        if noise > 0:
            lam = lam * rng.gamma(1 / noise ** 2, noise ** 2, n_runs)
        return rng.poisson(lam)

    # state per policy: counts and sums of units per arm
    state = {p: (np.zeros((n_runs, k)), np.zeros((n_runs, k))) for p in ("epsilon_greedy", "thompson")}
    earned = {p: np.zeros((n_runs, horizon)) for p in POLICIES}
    regret = {p: np.zeros((n_runs, horizon)) for p in POLICIES}
    late = {p: np.zeros(n_runs) for p in POLICIES}
    late_start = horizon - max(horizon // 4, 1)
    optimal = reward.argmax(axis=1)
    for t in range(horizon):
        arms = {"fixed": np.full(n_runs, fixed_arm)}
        n, s = state["epsilon_greedy"]
        if t < k:
            arm = np.full(n_runs, t)
        else:
            mean_reward = s / np.maximum(n, 1) * margin[None, :]
            arm = mean_reward.argmax(axis=1)
            explore = rng.random(n_runs) < epsilon
            arm[explore] = rng.integers(0, k, explore.sum())
        arms["epsilon_greedy"] = arm
        n, s = state["thompson"]
        # Gamma(shape, rate) posterior of each arm's demand rate; the prior is worth one period at
        # the demand the estimate predicts, so the data soon outweighs it
        sample = rng.gamma(prior_rate[None, :] + s, 1.0 / (1.0 + n))
        arms["thompson"] = (sample * margin[None, :]).argmax(axis=1)
        for policy, arm in arms.items():
            units = draw_units(arm)
            earned[policy][:, t] = units * margin[arm]
            regret[policy][:, t] = best - reward[runs, arm]
            if t >= late_start:
                late[policy] += arm == optimal
            if policy in state:
                state[policy][0][runs, arm] += 1
                state[policy][1][runs, arm] += units
    curves, summary = [], []
    oracle_total = best.sum() * horizon / n_runs
    for policy in POLICIES:
        cum, cum_regret = earned[policy].cumsum(axis=1), regret[policy].cumsum(axis=1)
        curves.append(pd.DataFrame({
            "period": np.arange(1, horizon + 1), "policy": policy, "cumulative": cum.mean(axis=0),
            "cumulative_low": np.quantile(cum, 0.05, axis=0), "cumulative_high": np.quantile(cum, 0.95, axis=0),
            "regret": cum_regret.mean(axis=0), "regret_low": np.quantile(cum_regret, 0.05, axis=0),
            "regret_high": np.quantile(cum_regret, 0.95, axis=0)}))
        total = cum[:, -1]
        summary.append({"policy": policy, "total": total.mean(), "total_low": np.quantile(total, 0.05),
                        "total_high": np.quantile(total, 0.95), "regret": cum_regret[:, -1].mean(),
                        "regret_share": cum_regret[:, -1].mean() / oracle_total if oracle_total > 0 else np.nan,
                        "best_price_share": late[policy].mean() / (horizon - late_start)})
    grid = pd.DataFrame({"price": prices, "expected_units": prior_rate, "expected_reward": prior_rate * margin,
                         "best_share": np.bincount(optimal, minlength=k) / n_runs})
    return PricingSimulation(curves=pd.concat(curves, ignore_index=True), summary=pd.DataFrame(summary), grid=grid,
                             objective="profit" if unit_cost > 0 else "revenue")
