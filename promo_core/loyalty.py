"""Loyalty points: what a points programme costs per unit of sales and how much it owes over time.

Members earn points on what they spend; some points are redeemed later (a cost), the rest never are
(breakage) or expire. The programme's real cost rate is ``earn_rate * point_value * (1 - breakage)``,
and until points are redeemed or expire the retailer carries them as a liability.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from promo_core.engine import SalesSource, exact_sum, fetch, sales_table
from promo_core.errors import DataError
from promo_core.text import Message


@dataclass(frozen=True)
class PointsProgramme:
    """The rules of a points programme.

    Attributes
    ----------
    earn_rate : float
        Points earned per unit of money spent by members (1 = one point per £1).
    point_value : float
        Money a point is worth when redeemed (0.01 = 1p).
    breakage : float
        Share of points never redeemed, expiry included (0.3 = 30%).
    expiry_months : int or None
        Points expire this many months after they were earned; None = never.
    months_to_redeem : float
        Average months from earning a point to redeeming it, for points that get redeemed.
    member_share : float
        Share of sales made by programme members (only they earn points).
    """

    earn_rate: float
    point_value: float
    breakage: float
    expiry_months: int | None = 12
    months_to_redeem: float = 4.0
    member_share: float = 1.0

    def __post_init__(self):
        if self.earn_rate < 0 or self.point_value < 0:
            raise DataError(Message("loyalty.error.negative"))
        if not 0 <= self.breakage < 1:
            raise DataError(Message("loyalty.error.breakage"))
        if self.expiry_months is not None and self.expiry_months < 1:
            raise DataError(Message("loyalty.error.expiry"))
        if not self.months_to_redeem >= 1:
            raise DataError(Message("loyalty.error.months_to_redeem"))
        if not 0 < self.member_share <= 1:
            raise DataError(Message("loyalty.error.member_share"))

    @property
    def cost_rate(self) -> float:
        """Points cost per unit of members' sales once the programme is in steady state."""
        return self.earn_rate * self.point_value * (1 - self.breakage)


@dataclass(frozen=True)
class PointsSimulation:
    """Month-by-month result of ``simulate_points``.

    Attributes
    ----------
    table : DataFrame
        ``month, sales, points_earned, points_redeemed, points_expired, points_outstanding,
        redemption_cost, liability, liability_face_value, cost_per_sales``: ``liability`` is the
        expected future redemptions of the outstanding points (breakage excluded),
        ``liability_face_value`` their value if every one were redeemed, ``cost_per_sales`` the
        month's redemption cost over its sales.
    cost_rate : float
        Steady-state cost per unit of all sales: ``member_share * earn_rate * point_value * (1 - breakage)``.
    """

    table: pd.DataFrame
    cost_rate: float


def simulate_points(monthly_sales, programme: PointsProgramme, months: int = 36) -> PointsSimulation:
    """Simulate points earned, redeemed, expired and outstanding month by month.

    Points earned in a month start being redeemed the month after: of the points that will be
    redeemed, a constant share of those still held is redeemed each month (1 / months_to_redeem).
    With expiry, points still held after ``expiry_months`` expire; the share of points that intend
    to redeem is set so that, with expiry, exactly ``breakage`` of points are never redeemed.

    Parameters
    ----------
    monthly_sales : float or sequence
        Sales per month (one number = the same every month).
    programme : PointsProgramme
    months : int
        Months to simulate.

    Returns
    -------
    PointsSimulation
    """
    if months < 1:
        raise DataError(Message("loyalty.error.months"))
    sales = np.broadcast_to(np.asarray(monthly_sales, dtype=float), (months,)).copy() \
        if np.ndim(monthly_sales) == 0 else np.asarray(monthly_sales, dtype=float)[:months]
    if len(sales) < months or (sales < 0).any() or not np.isfinite(sales).all():
        raise DataError(Message("loyalty.error.sales", months=months))
    p = programme
    h = 1.0 / p.months_to_redeem
    life = p.expiry_months if p.expiry_months is not None else months + 1
    # share of the points meant for redemption that are redeemed before they expire (months c+1..c+life)
    reach = 1 - (1 - h) ** life if p.expiry_months is not None else 1.0
    intend = (1 - p.breakage) / reach
    if intend > 1 + 1e-12:
        raise DataError(Message("loyalty.error.breakage_too_low", expiry=p.expiry_months,
                                months_to_redeem=p.months_to_redeem, expired=1 - reach, breakage=p.breakage))
    earned = sales * p.member_share * p.earn_rate
    age = np.arange(months)[:, None] - np.arange(months)[None, :]  # [month, cohort]
    alive = (age >= 0) & (age < life)
    # intending points of each cohort still held at the end of each month
    held_intend = np.where(alive, intend * earned[None, :] * (1 - h) ** np.clip(age, 0, None), 0.0)
    redeemed = np.where((age >= 1) & (age <= life), intend * earned[None, :] * h * (1 - h) ** np.clip(age - 1, 0, None),
                        0.0).sum(axis=1)
    held_never = np.where(alive, (1 - intend) * earned[None, :], 0.0)
    expired_cohort = np.where(age == life, earned[None, :] * (intend * (1 - h) ** life + (1 - intend)), 0.0)
    expired = expired_cohort.sum(axis=1)
    outstanding = held_intend.sum(axis=1) + held_never.sum(axis=1)
    future_share = 1 - (1 - h) ** np.clip(life - age, 0, None) if p.expiry_months is not None else 1.0
    liability = (held_intend * future_share).sum(axis=1) * p.point_value
    table = pd.DataFrame({
        "month": np.arange(1, months + 1, dtype=np.int64), "sales": sales, "points_earned": earned,
        "points_redeemed": redeemed, "points_expired": expired, "points_outstanding": outstanding,
        "redemption_cost": redeemed * p.point_value, "liability": liability,
        "liability_face_value": outstanding * p.point_value,
    })
    with np.errstate(divide="ignore", invalid="ignore"):
        table["cost_per_sales"] = np.where(sales > 0, table["redemption_cost"] / sales, np.nan)
    return PointsSimulation(table=table, cost_rate=p.member_share * p.cost_rate)


def points_summary(sim: PointsSimulation) -> Message:
    """Plain words: what each unit of sales costs and what the programme owes at the end (a
    catalogue ``Message``)."""
    last = sim.table.iloc[-1]
    return Message("loyalty.summary", per_100=100 * sim.cost_rate, rate=sim.cost_rate, months=int(last["month"]),
                   owed=last["liability"], face=last["liability_face_value"], hundred=100)


def average_monthly_sales(sales: SalesSource, days: int = 365) -> float:
    """Sales of an average month of the last ``days`` of the data: the revenue of the lines after
    the last order day minus ``days``, over the months (30.44 days) from the first of them to the
    last order (at least one). Summed in the sales' engine; NaN without lines.
    """
    lines = sales_table(sales, ["order_date", "revenue"])
    last = lines["order_date"].max().execute()
    if last is None or pd.isna(last):
        return float("nan")
    last = pd.Timestamp(last)
    recent = lines.filter(lines["order_date"] > last - pd.Timedelta(days=days))
    got = fetch(recent.aggregate(first=recent["order_date"].min(), revenue=exact_sum(recent["revenue"])))
    months = max(1.0, (last - pd.Timestamp(got["first"].iloc[0])).days / 30.44)
    return float(got["revenue"].iloc[0] / months)
