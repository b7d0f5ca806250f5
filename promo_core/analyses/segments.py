"""The Segments page's analysis: who the customers are (RFM segments, behavioural clusters), what
each is worth (lifetime value, P(alive), value at risk, and whether the model beats a naive rule),
how they moved between two dates, and where they shop (online, offline, both).

>>> result = run(transactions, Params(horizon_months=6))
>>> result.summary            # one row per segment
>>> result.value.total_clv    # the headline lifetime value (None when it could not be computed)
>>> result.problems           # {"holdout": Message(...)} for a step the data cannot support
"""
from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from promo_core import clv, retention, segments
from promo_core.analyses import Progress, Steps
from promo_core.engine import SalesSource
from promo_core.errors import DataError
from promo_core.text import Message

PARTS = frozenset({"clusters", "value", "holdout", "migration", "channels"})
# what the page computes apart, each when it is first shown, and the settings each depends on
# ("value" is the headline's: lifetime value with its holdout check and churn route)
PAGE_PARTS = {"value": frozenset({"value", "holdout"}), "clusters": frozenset({"clusters"}),
              "migration": frozenset({"migration"}), "channels": frozenset({"channels"})}
_DEPENDS = {"value": ("as_of", "horizon_months", "margin", "annual_discount_rate", "holdout_days", "random_state"),
            "clusters": ("as_of", "n_clusters", "random_state"), "migration": ("as_of", "migration_days"),
            "channels": ("as_of",)}
TOP_SEGMENTS = ("Champions", "Loyal Customers")  # the headline's "top segments"
ACTIVE = 0.5  # a customer counts as probably still active from this P(alive) on
CHURN_DAYS = 90  # when the BG/NBD cannot tell who left: "active" = likely to buy within this many days


@dataclass(frozen=True)
class Params:
    """Every setting of the Segments page.

    Attributes
    ----------
    as_of : date, optional
        The day the analysis looks back from (later lines are ignored); None: the data's last day.
    horizon_months : int
        How far ahead lifetime value looks, in calendar months.
    margin : float
        Share of revenue kept as profit (lifetime value is profit).
    annual_discount_rate : float
        Yearly rate future profit is discounted at (month by month).
    n_clusters : int, optional
        Number of behavioural clusters; None chooses it at the elbow.
    migration_days : int
        Days between the two dates whose segments are compared.
    holdout_days : int
        Days held out to check the lifetime-value model against what happened.
    random_state : int
        Seed of the clustering; the same data and settings give the same clusters.
    parts : frozenset of str
        The steps to run besides RFM and coverage (always run): any of ``PARTS``.
    """

    as_of: datetime.date | None = None
    horizon_months: int = 12
    margin: float = 0.30
    annual_discount_rate: float = 0.10
    n_clusters: int | None = None
    migration_days: int = 90
    holdout_days: int = 180
    random_state: int = 0
    parts: frozenset = PARTS

    def for_part(self, part: str) -> "Params":
        """These settings reduced to the ones the page's ``part`` (a key of ``PAGE_PARTS``) depends
        on, the others at their defaults: a cache keyed on them runs a part again only when one of
        its own settings changes (another horizon refits no cluster)."""
        return Params(parts=PAGE_PARTS[part], **{name: getattr(self, name) for name in _DEPENDS[part]})


@dataclass(frozen=True)
class Value:
    """Lifetime value: the fitted models, every customer's value and the headline numbers."""

    model: clv.LifetimeValue  # summary, BG/NBD and Gamma-Gamma fits, customers' P(alive) and CLV
    by_segment: pd.DataFrame  # clv.segment_value: mean P(alive), CLV and value at risk per segment
    active_share: float  # share with P(alive) >= ACTIVE (with ``churn``: with P(churn) < ACTIVE)
    total_clv: float  # NaN without prices
    value_at_risk: float  # CLV of customers whose P(alive) is falling (with ``churn``: CLV × P(churn)); NaN: no prices
    clv_bands: pd.DataFrame | None  # clv.value_bands (figure data); None without prices
    mean_clv: float
    median_clv: float
    p_alive: pd.DataFrame  # clv.p_alive_matrix for the oldest customer (figure data)
    oldest_days: float  # that customer's age in days
    cannot_tell: tuple[Message, ...] = ()  # clv.cannot_tell_who_left: why P(alive) says nothing here
    churn: retention.ChurnRisk | None = None  # when it says nothing: the churn route the headline comes from
    churn_problem: Message | None = None  # why that churn route could not run, when it could not


@dataclass(frozen=True)
class Channels:
    """Online only, offline only or both: per customer, per segment and in all."""

    types: pd.Series  # customer_id -> channel type
    mix: pd.DataFrame  # segments.omnichannel
    shares: Mapping[str, float]  # channel type -> share of customers


@dataclass(frozen=True)
class Result:
    """Everything the Segments page and the report's Segments section show.

    ``customers`` is ``segments.rfm`` (one row per customer); ``summary`` one row per segment
    (``segments.segment_summary``); ``grid`` customers per R and FM score. A part that was not
    asked for (``Params.parts``) or could not be computed is None, with the reason in
    ``problems`` under its name ("clusters", "value", "holdout", "migration", "channels").
    """

    params: Params
    as_of: pd.Timestamp
    customers: pd.DataFrame
    coverage: segments.Coverage
    summary: pd.DataFrame
    grid: pd.DataFrame
    has_money: bool
    top_customer_share: float  # Champions and Loyal Customers: their share of customers
    top_revenue_share: float  # and of revenue (NaN without prices)
    notes: tuple[Message, ...]  # what the numbers leave out
    value: Value | None = None
    clusters: segments.ClusterResult | None = None
    holdout: clv.HoldoutCheck | None = None
    migration: segments.Migration | None = None
    channels: Channels | None = None
    problems: Mapping[str, Message] = field(default_factory=dict)


def run(source: SalesSource, params: Params = Params(), progress: Progress | None = None) -> Result:
    """The Segments analysis of a sales source.

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
        When no customer can be scored (no lines, no customer ids, nothing bought by the as-of
        date): nothing of the page can be shown. Every later step fails on its own (``problems``).
    """
    steps = Steps(params.parts, progress)
    steps.announce(Message("segments.step.scoring"))
    # every step reads the lines grouped once per customer and order (segments.CustomerOrders;
    # stored beside a workspace's dataset)
    with segments.customer_orders(source).kept() as orders:
        return _run(orders, params, steps)


def _run(sales: segments.CustomerOrders, params: Params, steps: Steps) -> Result:
    # migration's earlier RFM table and the holdout's calibration summary come from the same pass
    # over the rows as the as-of day's (one pass fewer each)
    table = segments.rfm(sales, params.as_of, earlier=[params.migration_days] if "migration" in params.parts else [])
    as_of = segments.rfm_as_of(table)
    cover = segments.coverage(sales)
    summary = segments.segment_summary(table)
    top = summary.set_index("segment").loc[list(TOP_SEGMENTS)]
    has_money = bool(table["monetary"].notna().any())
    value = steps.run("value", Message("segments.step.value"), _value, sales, table, as_of, params)
    clusters = steps.run("clusters", Message("segments.step.clusters"), segments.cluster_customers, sales, table,
                         n_clusters=params.n_clusters, random_state=params.random_state)
    holdout = steps.run("holdout", Message("segments.step.holdout"), clv.holdout_check, sales,
                        holdout_days=params.holdout_days, end=as_of)
    migration = steps.run("migration", Message("segments.step.migration"), segments.segment_migration, sales, as_of,
                          params.migration_days)
    channels = steps.run("channels", Message("segments.step.channels"), _channels, sales, table, as_of)
    if value is not None:
        value = _honest(value, sales, table, as_of, holdout, params)
    return Result(params=params, as_of=as_of, customers=table, coverage=cover, summary=summary,
                  grid=segments.rfm_grid(table), has_money=has_money,
                  top_customer_share=float(top["customer_share"].sum()),
                  top_revenue_share=float(top["revenue_share"].sum()) if has_money else float("nan"),
                  notes=_notes(cover, has_money), value=value, clusters=clusters, holdout=holdout,
                  migration=migration, channels=channels, problems=steps.problems)


def combined(first: Result, *others: Result) -> Result:
    """``first`` with the parts the ``others`` computed (their ``Params.parts``), and their problems.

    Why: the page runs its parts apart (``Params.for_part``), each when its tab is first opened,
    as on 20 million lines all of them at once took 44 s before the first number showed; the
    playbook's CRM list reads them as one Result (the report runs every part in one ``run``)."""
    parts, problems = {}, dict(first.problems)
    for other in others:
        for name in other.params.parts:
            parts[name] = getattr(other, name)
            if name in other.problems:
                problems[name] = other.problems[name]
    return replace(first, **parts, problems=problems)


def _value(sales, table: pd.DataFrame, as_of: pd.Timestamp, params: Params) -> Value:
    clv.customer_summary(sales, as_of, "D", earlier=[params.holdout_days] if "holdout" in params.parts else [])
    model = clv.lifetime_value(sales, as_of, "D", params.horizon_months, params.margin, params.annual_discount_rate)
    by_segment = clv.segment_value(model.customers, table)
    v = model.customers
    oldest = float(v["T"].max())
    priced = v["clv"].notna().any()
    return Value(model=model, by_segment=by_segment, active_share=float((v["p_alive"] >= ACTIVE).mean()),
                 total_clv=float(v["clv"].sum(min_count=1)),
                 value_at_risk=float(by_segment["value_at_risk"].sum(min_count=1)),
                 clv_bands=clv.value_bands(v["clv"]) if priced else None, mean_clv=float(v["clv"].mean()),
                 median_clv=float(v["clv"].median()),
                 p_alive=clv.p_alive_matrix(model.bgnbd, int(max(v["frequency"].quantile(0.95), 1)), oldest),
                 oldest_days=oldest)


def _honest(value: Value, sales: segments.CustomerOrders, table: pd.DataFrame, as_of: pd.Timestamp,
            holdout: clv.HoldoutCheck | None, params: Params) -> Value:
    """The value step's headline, honest about a BG/NBD that cannot tell who has left.

    When ``clv.cannot_tell_who_left`` finds a reason (e.g. dropout ≈ 0: every P(alive) 1, value
    at risk 0), the headline's "still active" share and value at risk come from the churn route
    the time holdout favours (``retention.churn_risk``): active = P(no purchase in ``CHURN_DAYS``)
    below one half, value at risk = lifetime value × P(churn), per segment and in all. Lifetime
    values stay the BG/NBD's (an upper bound when nobody is seen leaving); the page and the
    report say so. A fit with no reason is returned unchanged.
    """
    reasons = clv.cannot_tell_who_left(value.model.bgnbd, holdout)
    if not reasons:
        return value
    try:
        churn = retention.churn_risk(sales, as_of, CHURN_DAYS, params.random_state, drivers=False,
                                     bgnbd=value.model.bgnbd, every_route=False)
    except DataError as exc:  # the warning stands; the headline cannot be replaced
        return replace(value, cannot_tell=reasons, churn_problem=exc.message)
    if churn.evaluation is not None:
        reasons = clv.cannot_tell_who_left(value.model.bgnbd, holdout, churn.evaluation)
    risk = value.model.customers[["customer_id", "clv"]].merge(churn.customers[["customer_id", "p_churn"]],
                                                              on="customer_id", how="left")
    risk = risk.merge(table[["customer_id", "segment"]], on="customer_id", how="left")
    risk["at_risk"] = risk["clv"] * risk["p_churn"]
    at_risk = risk.assign(segment=risk["segment"].astype(str)).groupby("segment")["at_risk"].sum(min_count=1)
    by_segment = value.by_segment.assign(value_at_risk=value.by_segment["segment"].map(at_risk))
    return replace(value, by_segment=by_segment, active_share=float((risk["p_churn"] < ACTIVE).mean()),
                   value_at_risk=float(risk["at_risk"].sum(min_count=1)), cannot_tell=reasons, churn=churn)


def cannot_tell_message(value: Value) -> Message | None:
    """The warning the page and the report show when P(alive) cannot tell who has left (None when
    it can): the reasons, and where the headline's figures come from instead."""
    if not value.cannot_tell:
        return None
    if value.churn is None:
        return Message("clv.cannot_tell.no_churn", reasons=value.cannot_tell, problem=value.churn_problem)
    caveat = ""
    if value.churn.winner_beats_naive is False:  # the best route is no better than recency either
        auc = value.churn.evaluation.set_index("route")["auc"]
        caveat = Message("clv.cannot_tell.weak_churn", auc=auc[value.churn.route], naive=auc["naive"])
    return Message("clv.cannot_tell.warning", reasons=value.cannot_tell, days=CHURN_DAYS,
                   route=Message(f"churn_route.{value.churn.route}"), caveat=caveat)


def _channels(sales, table: pd.DataFrame, as_of: pd.Timestamp) -> Channels:
    types = segments.customer_channels(sales, as_of)
    share = types.value_counts(normalize=True)
    return Channels(types=types, mix=segments.omnichannel(sales, table, channel_types=types),
                    shares={kind: float(share.get(kind, 0.0)) for kind in segments.CHANNEL_TYPES})


def _notes(cover: segments.Coverage, has_money: bool) -> tuple[Message, ...]:
    """What the customer analytics leave out, and how returns count."""
    notes = []
    if cover.guest_lines:
        notes.append(Message("segments.note.guest_lines", lines=cover.guest_lines)
                     if pd.isna(cover.guest_revenue_share) else
                     Message("segments.note.guest_lines_revenue", lines=cover.guest_lines,
                             share=cover.guest_revenue_share))
    if cover.returns_only_customers:
        notes.append(Message("segments.note.returns_only", customers=cover.returns_only_customers))
    notes.append(Message("segments.note.returns"))
    if not has_money:
        notes.append(Message("segments.note.no_prices"))
    return tuple(notes)


def target_list(result: Result, playbook: segments.SegmentPlaybook) -> pd.DataFrame:
    """The customers the playbook sends a coupon to, with their segment's action and offer
    (``segments.target_list``)."""
    return segments.target_list(result.customers, playbook.table, coupon_only=True)


def crm_list(result: Result, playbook: segments.SegmentPlaybook) -> pd.DataFrame:
    """One row per customer with everything a CRM needs: segment, scores, cluster, lifetime value,
    P(alive), channel type and the playbook's action (``segments.crm_export``)."""
    return segments.crm_export(result.customers, result.clusters,
                               result.value.model.customers if result.value is not None else None,
                               result.channels.types if result.channels is not None else None, playbook.table)
