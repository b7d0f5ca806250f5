"""Loyalty points: what a points programme costs per unit of sales and how much it owes over time.

Members earn points on what they spend; some points are redeemed later (a cost), the rest never are
(breakage) or expire. The programme's real cost rate is ``earn_rate * point_value * (1 - breakage)``,
and until points are redeemed or expire the retailer carries them as a liability.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from promo_core.errors import DataError
from promo_core.i18n import text


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
            raise DataError("Earn rate and point value cannot be negative.", zh="积分获取比例和每积分价值不能为负。")
        if not 0 <= self.breakage < 1:
            raise DataError("Breakage is the share of points never redeemed: from 0% up to (not including) 100%.",
                            zh="沉淀率是永远不会被兑换的积分比例：从 0% 到 100%（不含 100%）。")
        if self.expiry_months is not None and self.expiry_months < 1:
            raise DataError("Points must live at least one month before they expire (or never expire).",
                            zh="积分有效期至少为一个月（或设为永不过期）。")
        if not self.months_to_redeem >= 1:
            raise DataError("Points are redeemed one month after they are earned at the earliest: the average "
                            "months to redeem must be 1 or more.",
                            zh="积分最早在获得一个月后才能兑换：平均兑换月数必须大于或等于 1。")
        if not 0 < self.member_share <= 1:
            raise DataError("The members' share of sales must be above 0% and at most 100%.",
                            zh="会员销售占比必须大于 0% 且不超过 100%。")

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


def simulate_points(monthly_sales, programme: PointsProgramme, months: int = 36, lang: str = "en") -> PointsSimulation:
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
    lang : {"en", "zh"}
        Language of the message when the rules contradict each other.

    Returns
    -------
    PointsSimulation
    """
    if months < 1:
        raise DataError("Simulate at least one month.", zh="请至少模拟一个月。")
    sales = np.broadcast_to(np.asarray(monthly_sales, dtype=float), (months,)).copy() \
        if np.ndim(monthly_sales) == 0 else np.asarray(monthly_sales, dtype=float)[:months]
    if len(sales) < months or (sales < 0).any() or not np.isfinite(sales).all():
        raise DataError(f"Give {months} months of sales, each 0 or more.",
                        zh=f"请提供 {months} 个月的销售额，每个月都须大于或等于 0。")
    p = programme
    h = 1.0 / p.months_to_redeem
    life = p.expiry_months if p.expiry_months is not None else months + 1
    # share of the points meant for redemption that are redeemed before they expire (months c+1..c+life)
    reach = 1 - (1 - h) ** life if p.expiry_months is not None else 1.0
    intend = (1 - p.breakage) / reach
    if intend > 1 + 1e-12:
        raise DataError(text(
            f"With points expiring after {p.expiry_months} months and redeemed after {p.months_to_redeem:g} months "
            f"on average, at least {1 - reach:.0%} of points expire unredeemed, so breakage cannot be "
            f"{p.breakage:.0%}. Raise the breakage, lengthen the expiry or shorten the time to redeem.",
            f"积分 {p.expiry_months} 个月后过期、平均 {p.months_to_redeem:g} 个月后兑换时，至少 {1 - reach:.0%} 的积分会过期未兑换，"
            f"因此沉淀率不可能是 {p.breakage:.0%}。请提高沉淀率、延长有效期或缩短兑换时间。", lang))
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


def points_summary(sim: PointsSimulation, programme: PointsProgramme, currency: str = "£", lang: str = "en") -> str:
    """Plain words: what each unit of sales costs and what the programme owes at the end."""
    from promo_core.i18n import fmt_money

    last = sim.table.iloc[-1]
    per_100 = fmt_money(100 * sim.cost_rate, currency, 2, lang)
    owed = fmt_money(last["liability"], currency, 0, lang)
    face = fmt_money(last["liability_face_value"], currency, 0, lang)
    hundred = fmt_money(100, currency, 0, lang)
    return text(
        f"Once running, the programme costs {per_100} per {hundred} of sales ({sim.cost_rate:.2%}). After "
        f"{int(last['month'])} months it owes an expected {owed} in future redemptions (face value of all "
        f"outstanding points {face}; the difference is expected breakage).",
        f"稳定运行后，每 {hundred} 销售额的积分成本为 {per_100}（{sim.cost_rate:.2%}）。{int(last['month'])} 个月后，"
        f"预计未来兑换负债为 {owed}（全部未兑换积分面值 {face}，差额为预计沉淀）。", lang)
