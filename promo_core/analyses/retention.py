"""The Retention analysis (a tab of the Segments page, a section of the report): who is about to stop
buying and what that puts at risk, when each customer should order next, which route predicts
churn best on this data, and how cohorts of new customers keep buying.

>>> result = run(transactions, Params(horizon_days=90))
>>> result.at_risk             # the high-risk customers, largest value at risk first
>>> result.churn.evaluation    # AUC and Brier score of each route and the naive rule
>>> result.problems            # {"cohorts": Message(...)} for a step the data cannot support
"""
from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from promo_core import clv, retention, segments
from promo_core.analyses import Progress, Steps
from promo_core.engine import SalesSource, sales_table
from promo_core.text import Message

PARTS = frozenset({"value", "segments", "cohorts"})
AT_RISK_COLUMNS = ["customer_id", "segment", "p_churn", "band", "last_order", "expected_next_order",
                   "mean_days_between_orders", "clv", "value_at_risk", "drivers"]


@dataclass(frozen=True)
class Params:
    """Every setting of the Retention analysis.

    Attributes
    ----------
    as_of : date, optional
        The day to score from (later lines are ignored); None: the data's last day.
    horizon_days : int
        "Churned" means no purchase in this many days after ``as_of``.
    period : {'W', 'M', 'Q', 'Y'}
        The cohorts' period: calendar weeks, months, quarters or years.
    horizon_months, margin, annual_discount_rate : int, float, float
        Lifetime value's horizon, profit margin and discount rate (value at risk = lifetime
        value × P(churn)), as on the Segments page.
    random_state : int
        Seed of the classifier.
    parts : frozenset of str
        The steps to run besides churn risk (always run): any of ``PARTS``.
    """

    as_of: datetime.date | None = None
    horizon_days: int = 90
    period: str = "M"
    horizon_months: int = 12
    margin: float = 0.30
    annual_discount_rate: float = 0.10
    random_state: int = 0
    parts: frozenset = PARTS


@dataclass(frozen=True)
class Result:
    """Everything the Retention tab and the report's Retention section show.

    ``customers`` is ``retention.churn_risk``'s table with ``segment`` (when the segments step
    ran), ``clv`` and ``value_at_risk`` (lifetime value × P(churn), when the value step ran on data
    with prices).
    ``bands`` has one row per band (``band``, ``customers``, ``customer_share``,
    ``value_at_risk``); ``by_segment`` one row per segment and band (``segment``, ``band``,
    ``customers``, ``share_of_segment``, ``value_at_risk``); ``at_risk`` the high-band customers
    (``AT_RISK_COLUMNS``), largest value at risk (else P(churn)) first. A part not asked for or
    that failed is None, with the reason in ``problems`` ("value", "segments", "cohorts").
    """

    params: Params
    as_of: pd.Timestamp
    churn: retention.ChurnRisk
    customers: pd.DataFrame
    bands: pd.DataFrame
    at_risk: pd.DataFrame
    high_share: float  # share of customers in the high band
    value_at_risk: float  # sum of lifetime value × P(churn); NaN without the value step or prices
    notes: tuple[Message, ...]
    by_segment: pd.DataFrame | None = None
    cohorts: pd.DataFrame | None = None
    problems: Mapping[str, Message] = field(default_factory=dict)


def run(source: SalesSource, params: Params = Params(), progress: Progress | None = None) -> Result:
    """The Retention analysis of a sales source.

    Parameters
    ----------
    source : DataFrame or ibis.Table
        Order lines (see ``promo_core.engine.sales_table``); per-line work runs in its engine.
    params : Params
    progress : callable, optional
        Told each step's ``Message`` as it starts.

    Returns
    -------
    Result

    Raises
    ------
    DataError
        When churn risk cannot be computed (no customer ids, too short a history, too few repeat
        customers for the BG/NBD). Lifetime value, segments and cohorts fail on their own.
    """
    steps = Steps(params.parts, progress)
    steps.announce(Message("retention.step.churn"))
    sales = sales_table(source)
    churn = retention.churn_risk(sales, params.as_of, params.horizon_days, params.random_state)
    customers = churn.customers
    value = steps.run("value", Message("retention.step.value"), clv.lifetime_value, sales, churn.as_of, "D",
                      params.horizon_months, params.margin, params.annual_discount_rate)
    if value is not None and value.customers["clv"].notna().any():  # (lifetime value in money needs prices)
        worth = value.customers.set_index("customer_id")["clv"]
        customers = customers.assign(clv=customers["customer_id"].map(worth).astype(float))
        customers["value_at_risk"] = customers["clv"] * customers["p_churn"]
    table = steps.run("segments", Message("retention.step.segments"), segments.rfm, sales, churn.as_of)
    if table is not None:
        customers = customers.assign(segment=customers["customer_id"].map(table.set_index("customer_id")["segment"]))
    cohorts = steps.run("cohorts", Message("retention.step.cohorts"), retention.cohort_table, sales, params.period)
    has_value = "value_at_risk" in customers.columns
    return Result(params=params, as_of=churn.as_of, churn=churn, customers=customers, bands=_bands(customers),
                  at_risk=_at_risk(customers, has_value), high_share=float((customers["band"] == "high").mean()),
                  value_at_risk=float(customers["value_at_risk"].sum()) if has_value else float("nan"),
                  notes=_notes(churn), by_segment=_by_segment(customers) if table is not None else None,
                  cohorts=cohorts, problems=steps.problems)


def _bands(customers: pd.DataFrame) -> pd.DataFrame:
    g = customers.groupby("band", observed=False)
    out = pd.DataFrame({"customers": g.size()})
    out["customer_share"] = out["customers"] / max(len(customers), 1)
    out["value_at_risk"] = g["value_at_risk"].sum(min_count=1) if "value_at_risk" in customers else np.nan
    return out.reindex(list(retention.BANDS)).reset_index(names="band")


def _by_segment(customers: pd.DataFrame) -> pd.DataFrame:
    frame = customers.assign(segment=customers["segment"].astype(str))
    g = frame.groupby(["segment", "band"], observed=False)
    out = pd.DataFrame({"customers": g.size()})
    out["value_at_risk"] = g["value_at_risk"].sum(min_count=1) if "value_at_risk" in frame else np.nan
    out = out.reset_index()
    order = [s for s in segments.SEGMENTS if s in set(out["segment"])]
    out["segment"] = pd.Categorical(out["segment"], categories=order, ordered=True)
    out = out[out["segment"].notna()].sort_values(["segment", "band"]).reset_index(drop=True)
    size = out.groupby("segment", observed=True)["customers"].transform("sum")
    out.insert(3, "share_of_segment", out["customers"] / size.where(size > 0))
    out["segment"] = out["segment"].astype(str)
    out["band"] = out["band"].astype(str)
    return out


def _at_risk(customers: pd.DataFrame, has_value: bool) -> pd.DataFrame:
    high = customers[customers["band"] == "high"]
    high = high.sort_values(["value_at_risk" if has_value else "p_churn", "customer_id"],
                            ascending=[False, True], kind="stable")
    return high.reindex(columns=[c for c in AT_RISK_COLUMNS if c in high.columns]).reset_index(drop=True)


def _notes(churn: retention.ChurnRisk) -> tuple[Message, ...]:
    """Which route scores the customers and why; what the bands mean."""
    notes = []
    if churn.evaluation is None:
        notes.append(churn.problem)
    else:
        scores = churn.evaluation.set_index("route")
        chosen = scores.loc[churn.route]
        notes.append(Message("retention.note.verdict", route=Message(f"churn_route.{churn.route}"),
                             auc=chosen["auc"], brier=chosen["brier"], naive_auc=scores.loc["naive", "auc"],
                             days=churn.horizon_days, cut=churn.cut, customers=int(chosen["customers"]),
                             outcome=Message("retention.note.beats_naive" if churn.winner_beats_naive
                                             else "retention.note.not_naive")))
        if churn.problem is not None:
            notes.append(churn.problem)
    notes.append(Message("retention.note.bands", days=churn.horizon_days))
    return tuple(notes)
