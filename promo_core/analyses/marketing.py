"""The Marketing ROI page's analysis: what each channel's spend brought in (a media-mix model,
``promo_core.mmm``), how sure that is, and how to split the next budget.

The spend table has one row per period (week or day) and channel: a period column, a channel
column, a spend column, and optionally a revenue (KPI) column repeated on each row of a period and
control columns (holidays, a price index). Without a KPI column the revenue per period comes from
the sales source (summed in its engine), of all sales or of one region's (``Params.region``: a
store, or a channel such as online for lines without a store; ``engine.sale_region``); a spend
table may have a region column too (``Params.region_column``).

A randomised campaign (the Coupons page's) measures one channel's ROAS (``campaign_roas``), which
calibrates the model (``Params.calibration``).

>>> result = run(sales, Params(spend=Spend(table, table_key(table))))
>>> result.model.channels      # ROAS with intervals, contribution, marginal ROAS, flags
>>> result.allocation.table    # today's split and the recommended one
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import norm

from promo_core import mmm
from promo_core.analyses import Progress, Steps
from promo_core.engine import NO_REGION, REGION_FROM, SalesSource, exact_sum, fetch, sale_region, sales_table
from promo_core.errors import DataError
from promo_core.experiments import compare_outcomes, suggest_columns, table_key
from promo_core.text import Message

__all__ = ["Params", "Result", "Spend", "run", "allocate", "what_if", "experiments", "calibration_shift", "table_key",
           "campaign_roas", "coupon_cost", "CampaignRoas", "channel_table", "flag_reasons", "held_channels",
           "regions", "region_rows", "region_label", "PARTS", "MIN_BOOT"]

PARTS = frozenset({"regions", "fit", "allocation", "what_if"})
MIN_BOOT = 100  # bootstrap refits below which a 90 % interval's ends (the 5 % and 95 % quantiles) are noise


@dataclass(frozen=True, eq=False)
class Spend:
    """A spend table known by a key naming its content (an upload's SHA-256, a dataset's version),
    so that the page's settings can hold it without hashing it on every rerun."""

    table: pd.DataFrame
    key: str

    def __eq__(self, other) -> bool:
        return isinstance(other, Spend) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


@dataclass(frozen=True)
class Params:
    """Every setting of the Marketing ROI page.

    Attributes
    ----------
    spend : Spend
        The spend table.
    period, channel, amount : str
        Its period, channel and spend columns.
    kpi : str, optional
        Its revenue column; None: revenue per period from the sales. In a table with regions
        (``region_column``) it is each region's revenue, read from the region's own rows, added up
        over the regions for all sales.
    controls : tuple of str
        Its control columns (one value per period).
    max_lag, n_fourier, holdout, n_boot, level, random_state
        The model's settings (``mmm.fit``).
    budget : float, optional
        Budget per period to split; None: today's total.
    change : float
        How far each channel may move from today's spend, as a share (0.5: between half and one and
        a half times today's).
    margin : float, optional
        Share of revenue kept as profit; given, the split maximises profit, not revenue.
    what_if : tuple of (channel, spend per period)
        A manager's own split to compare with today's.
    calibration : tuple of (channel, ROAS, low, high)
        Experiments: a channel's ROAS measured by a randomised test, with its interval at ``level``
        (``mmm.fit``'s calibration, the standard error read off the interval).
    region : str, optional
        The region whose revenue is modelled (``engine.sale_region``: a store id, or a channel such
        as "online" for lines without a store); None: all sales. With a KPI column, its rows of
        that region are read (``region_column``).
    region_column : str, optional
        The spend table's region column; None: the spend is national. See ``region_rows`` for
        which rows count.
    parts : frozenset of str
        Steps after reading the table: any of ``PARTS``.
    """

    spend: Spend | None = None
    period: str = "week"
    channel: str = "channel"
    amount: str = "spend"
    kpi: str | None = "revenue"
    controls: tuple[str, ...] = ()
    max_lag: int = 8
    n_fourier: int = 2
    holdout: int = 13
    n_boot: int = 200
    level: float = 0.90
    random_state: int = 0
    budget: float | None = None
    change: float = 0.5
    margin: float | None = None
    what_if: tuple[tuple[str, float], ...] = ()
    calibration: tuple[tuple[str, float, float, float], ...] = ()
    region: str | None = None
    region_column: str | None = None
    parts: frozenset = PARTS


@dataclass(frozen=True)
class Data:
    """The spend table as the model reads it: spend per period and channel, revenue, controls."""

    spend: pd.DataFrame  # index period, one column per channel
    kpi: pd.Series
    controls: pd.DataFrame | None
    kpi_from_sales: bool
    filled: int  # period-channel pairs without a row (spend 0)
    spend_of: str = "national"  # which spend rows a region's model reads (``region_rows``)


@dataclass(frozen=True)
class Result:
    """Everything the Marketing ROI page and its report section show; a part not asked for or
    that failed is None, with the reason in ``problems``."""

    params: Params
    data: Data
    notes: tuple[Message, ...]
    model: mmm.MediaMix | None = None
    allocation: mmm.Allocation | None = None
    what_if: mmm.Allocation | None = None
    regions: pd.DataFrame | None = None  # the regions one may model (``regions``)
    problems: Mapping[str, Message] = field(default_factory=dict)

    @property
    def headline(self) -> dict:
        """Total spend, and what the channels the data separates brought in over the data's periods.

        Why leave the others out: a channel flagged as not separable (``identified`` False) has a
        contribution that is the model's arithmetic, not a measurement (on the demo, display is
        credited ten times its planted return), and adding it to the total would make a confident
        headline of it. Keys: spend (all channels), measured_spend, contribution with
        contribution_low/high (the ``level`` interval of the measured channels' sum), roas with
        roas_low/high (per 1 of measured spend), share (of all revenue), and for the channels left
        out: excluded (their names), excluded_spend and excluded_contribution (the model's
        unconfirmed figure)."""
        c = self.model.channels
        known, unknown = c[c["identified"]], c[~c["identified"]]
        spend, measured = float(c["total_spend"].sum()), float(known["total_spend"].sum())
        contribution = float(known["contribution"].sum())
        low, high = self.model.interval(known.index)
        per_spend = (lambda v: v / measured) if measured > 0 else (lambda v: float("nan"))
        return {"spend": spend, "measured_spend": measured, "contribution": contribution, "contribution_low": low,
                "contribution_high": high, "roas": per_spend(contribution), "roas_low": per_spend(low),
                "roas_high": per_spend(high), "share": contribution / float(self.model.kpi.sum()),
                "excluded": tuple(unknown.index), "excluded_spend": float(unknown["total_spend"].sum()),
                "excluded_contribution": float(unknown["contribution"].sum())}


def _column(table: pd.DataFrame, name: str) -> pd.Series:
    if name not in table.columns:
        raise DataError(Message("marketing.error.no_column", column=name,
                                columns=", ".join(map(str, table.columns))))
    return table[name]


def _numbers(table: pd.DataFrame, name: str) -> pd.Series:
    values = pd.to_numeric(_column(table, name), errors="coerce")
    bad = values.isna() & table[name].notna()
    if bad.any():
        raise DataError(Message("marketing.error.not_numbers", column=name, rows=int(bad.sum()),
                                example=str(table.loc[bad.idxmax(), name])))
    return values


def region_label(region: str) -> str | Message:
    """A region as a message quotes it: a store or channel as it is, ``NO_REGION`` in the reader's
    words (it is a value of the engine, not a name from the data).

    Parameters
    ----------
    region : str
        A region of ``regions`` or ``Params.region``.

    Returns
    -------
    str or Message
    """
    return Message("marketing.region.not_given") if region == NO_REGION else region


def _sales_kpi(source: SalesSource, periods: pd.DatetimeIndex, region: str | None = None) -> pd.Series:
    """Revenue per period from the sales (of ``region`` only, when given), summed in the source's
    engine (periods start at the spend table's dates; a line counts in the last period that started
    on or before its day)."""
    lines = sales_table(source, ["order_date", "revenue"], optional=REGION_FROM)
    if region is not None:  # (Ibis compiles the name as a quoted literal, whatever it holds)
        lines = lines.filter(sale_region(lines) == region)
    day = lines.order_date.date()
    start, end = periods[0].date(), (periods[-1] + (periods[-1] - periods[-2])).date()
    per_day = fetch(lines.filter((day >= start) & (day < end)).group_by(day=day)
                    .aggregate(revenue=lines.revenue.sum()))
    if per_day.empty and region is not None:
        raise DataError(Message("marketing.error.no_region_sales", region=region_label(region), first=periods[0],
                                last=periods[-1]))
    if per_day.empty:
        raise DataError(Message("marketing.error.no_sales_in_period", first=periods[0], last=periods[-1]))
    which = np.searchsorted(periods.to_numpy(), pd.to_datetime(per_day["day"]).to_numpy().astype(periods.dtype),
                            side="right") - 1
    return pd.Series(np.bincount(which, weights=per_day["revenue"].to_numpy(float), minlength=len(periods)),
                     index=periods, name="revenue")


def _spend_regions(table: pd.DataFrame, column: str) -> pd.Series:
    """The spend table's region per row, "" where none is given (national spend)."""
    return _column(table, column).astype("string").str.strip().fillna("")


def region_rows(table: pd.DataFrame, params: Params) -> tuple[pd.DataFrame, str]:
    """The spend rows a model of ``params.region`` reads.

    Why a region keeps the national rows (those with no region): a national campaign (TV, national
    search) reaches that region's shoppers too, so leaving it out would credit its effect to the
    region's own channels. The model then measures national spend's effect on the region's revenue
    (a ROAS per 1 of national spend, not per 1 spent on the region), which the notes say. Without a
    region (all sales), every row counts: the spend summed over regions.

    Parameters
    ----------
    table : DataFrame
        The spend table.
    params : Params
        ``region_column`` and ``region``.

    Returns
    -------
    rows : DataFrame
        The rows read (their index kept, so an error still names the file's row).
    kind : str
        "national" (no region rows read), "regional" (the region's own only), "both", or "summed"
        (all sales, the regions added up).

    Raises
    ------
    DataError
        The region has no rows and the table no national rows.
    """
    if params.region_column is None:
        return table, "national"
    named = _spend_regions(table, params.region_column)
    if params.region is None:
        return table, "national" if (named == "").all() else "summed"
    mine, national = named == params.region, named == ""
    if not (mine | national).any():
        raise DataError(Message("marketing.error.no_region_spend", region=region_label(params.region),
                                column=params.region_column, regions=sorted(set(named) - {""})))
    return table[mine | national], "both" if mine.any() and national.any() else "regional" if mine.any() \
        else "national"


def regions(source: SalesSource | None, params: Params) -> pd.DataFrame:
    """The regions one may model: each with the sales' revenue (all periods, summed in the
    source's engine), largest first.

    Which: with the KPI from the sales, every region of the sales (``engine.sale_region``); with a
    spend region column, its regions, and the sales' too when the spend has national rows (a
    region without rows of its own is modelled against national spend, ``region_rows``).

    Parameters
    ----------
    source : DataFrame or ibis.Table, optional
        The sales; read only when ``params.kpi`` is None.
    params : Params

    Returns
    -------
    DataFrame
        Columns region and revenue (empty when the sales are not read or have no such region).
    """
    choices = pd.DataFrame({"region": pd.Series(dtype="string"), "revenue": pd.Series(dtype=float)})
    if params.kpi is None and source is not None:
        lines = sales_table(source, ["revenue"], optional=REGION_FROM)
        choices = fetch(lines.group_by(region=sale_region(lines)).aggregate(revenue=exact_sum(lines.revenue)))
    if params.region_column is not None and params.spend is not None:
        named = _spend_regions(params.spend.table, params.region_column)
        spend = pd.DataFrame({"region": sorted(set(named) - {""})})
        choices = spend.merge(choices, on="region", how="outer" if (named == "").any() else "left")
    return choices.sort_values(["revenue", "region"], ascending=[False, True], na_position="last",
                               ignore_index=True)[["region", "revenue"]]


def read_spend(source: SalesSource | None, params: Params) -> Data:
    """The spend table as periods x channels, with revenue and controls per period.

    Raises
    ------
    DataError
        A missing column, text where numbers belong, a date that is not a date, revenue or a control
        that differs between the rows of one period, periods not evenly spaced, or no revenue; a
        region without spend rows (``region_rows``) or without sales.
    """
    if params.spend is None:
        raise DataError(Message("marketing.error.no_spend_table"))
    table = params.spend.table
    if table.empty:
        raise DataError(Message("marketing.error.empty"))
    table, spend_of = region_rows(table, params)
    period = pd.to_datetime(_column(table, params.period), errors="coerce")
    if period.isna().any():
        bad = period.isna().idxmax()
        raise DataError(Message("marketing.error.bad_date", column=params.period, row=int(bad) + 1,
                                value=str(table.loc[bad, params.period])))
    channel = _column(table, params.channel).astype("string").fillna("")
    amount = _numbers(table, params.amount).fillna(0.0)
    frame = pd.DataFrame({"period": period.dt.normalize(), "channel": channel, "spend": amount})
    spend = frame.pivot_table(index="period", columns="channel", values="spend", aggfunc="sum", fill_value=0.0)
    spend.columns = spend.columns.astype(str)
    spend.columns.name = None
    filled = int(spend.size - frame.groupby(["period", "channel"]).ngroups)
    steps = np.diff(spend.index.to_numpy()).astype("timedelta64[D]").astype(int)
    if len(steps) and (steps != steps[0]).any():
        raise DataError(Message("marketing.error.uneven_periods", column=params.period,
                                after=spend.index[1:][steps != steps[0]][0]))

    def per_period(name: str, region: pd.Series | None = None) -> pd.Series:
        """One value of ``name`` per period; given each row's ``region`` (missing: row left out), one
        per period and region, added up over the regions."""
        values = _numbers(table, name)
        grouped = values.groupby([frame["period"]] + ([] if region is None else [region]))
        varies = grouped.nunique() > 1
        if varies.any():
            raise DataError(Message("marketing.error.varies_in_period", column=name,
                                    period=varies.idxmax() if region is None else varies.idxmax()[0]))
        return (grouped.first() if region is None else grouped.first().groupby(level=0).sum(min_count=1)) \
            .reindex(spend.index)

    if params.kpi is not None:
        # (with regions, the KPI column holds each region's revenue: a region's own rows give it, and
        # all sales add the regions' up)
        named = _spend_regions(table, params.region_column) if spend_of in ("summed", "both") else None
        kpi = per_period(params.kpi, named.where(named == params.region) if spend_of == "both" else named) \
            .rename("revenue")
        if kpi.isna().any():
            raise DataError(Message("marketing.error.missing_kpi", column=params.kpi, period=kpi.isna().idxmax()))
    else:
        if source is None:
            raise DataError(Message("marketing.error.no_kpi"))
        kpi = _sales_kpi(source, spend.index, params.region)
    controls = None
    if params.controls:
        controls = pd.DataFrame({c: per_period(c) for c in params.controls}).fillna(0.0)
    return Data(spend, kpi, controls, params.kpi is None, filled, spend_of)


def _bootstrap_progress(progress: Progress | None):
    if progress is None:
        return None
    shown = [-1]

    def tell(share: float) -> None:
        tenth = int(share * 10)
        if tenth != shown[0]:
            shown[0] = tenth
            progress(Message("marketing.step.bootstrap", share=share))
    return tell


def experiments(params: Params) -> dict[str, tuple[float, float]]:
    """``params.calibration`` as ``mmm.fit`` takes it: channel -> (ROAS, standard error), the
    standard error being the interval's half-width over the normal quantile of ``params.level``."""
    z = float(norm.ppf(0.5 + params.level / 2))
    return {channel: (roas, (high - low) / (2 * z)) for channel, roas, low, high in params.calibration}


@dataclass(frozen=True)
class CampaignRoas:
    """A channel's ROAS as a randomised campaign measured it (``campaign_roas``)."""

    roas: float  # incremental revenue per 1 spent: lift per customer x customers sent / cost
    se: float
    low: float  # the interval at ``level`` (below 0 when the campaign may have lost money)
    high: float
    lift: float  # the outcome's mean in the arm minus the control's, per customer
    customers: int  # in the arm
    cost: float
    level: float

    def calibration(self, channel: str) -> tuple[str, float, float, float]:
        """As ``Params.calibration`` takes it. The model's channels cannot lose money, so a negative
        measurement counts as 0, with the measurement's own standard error (the interval moved, not
        cut, so that ``experiments`` reads the same standard error back)."""
        roas, half = max(self.roas, 0.0), self.high - self.roas
        return channel, roas, roas - half, roas + half


def coupon_cost(campaign: pd.DataFrame, arm_column: str, arm: str) -> float:
    """A first guess at what a coupon arm cost: the coupon's face value (the last number in the arm's
    name, "coupon_10" -> 10) times the arm's customers who bought (the first suggested yes/no
    outcome); 0 when either is missing, so the manager has to enter it."""
    face = re.findall(r"\d+(?:\.\d+)?", str(arm))
    bought = suggest_columns(campaign).binary_outcomes
    if not face or not bought or arm_column not in campaign.columns:
        return 0.0
    return float(face[-1]) * float(campaign.loc[campaign[arm_column].astype(str) == str(arm), bought[0]].sum())


def campaign_roas(campaign: pd.DataFrame, arm_column: str, arm: str, control: str, outcome: str, cost: float,
                  level: float = 0.90) -> CampaignRoas:
    """The ROAS a randomised campaign measured: the arm's incremental revenue (its mean ``outcome``
    minus the control's, as the Coupons page compares them, ``experiments.compare_outcomes``) times
    the customers who got it, divided by what the campaign ``cost``; its standard error is the
    difference of means' (independent arms) scaled the same way. Why this is a channel's ROAS: the
    control group shows what the arm's customers would have bought without it, so the difference is
    caused by the campaign, the one thing a media-mix model cannot measure by itself.

    Raises
    ------
    DataError
        No such column or arm, an outcome that is not money, a cost that is not positive.
    """
    for name in (arm_column, outcome):
        _column(campaign, name)
    arms = set(campaign[arm_column].astype(str))
    for name in (arm, control):
        if str(name) not in arms:
            raise DataError(Message("marketing.error.no_arm", arm=str(name), column=arm_column,
                                    arms=", ".join(sorted(arms))))
    if not (np.isfinite(cost) and cost > 0):
        raise DataError(Message("marketing.error.campaign_cost"))
    values = _numbers(campaign, outcome)
    table = pd.DataFrame({"arm": campaign[arm_column].astype(str), outcome: values})
    table = table[table["arm"].isin([str(arm), str(control)])]
    rows = compare_outcomes(table, "arm", [outcome], str(control)).set_index("arm")
    if rows["kind"].iloc[0] != "money" or (rows["n"] < 2).any():
        raise DataError(Message("marketing.error.campaign_outcome", column=outcome))
    treated, base = rows.loc[str(arm)], rows.loc[str(control)]
    lift = float(treated["mean"] - base["mean"])
    se_lift = float(np.sqrt(treated["std"] ** 2 / treated["n"] + base["std"] ** 2 / base["n"]))
    n = int(treated["n"])
    roas, se = lift * n / cost, se_lift * n / cost
    z = float(norm.ppf(0.5 + level / 2))
    return CampaignRoas(roas, se, roas - z * se, roas + z * se, lift, n, float(cost), level)


MEASURED = ["contribution", "contribution_low", "contribution_high", "roas", "roas_low", "roas_high", "marginal_roas",
            "marginal_roas_low", "marginal_roas_high"]


def channel_table(model: mmm.MediaMix) -> pd.DataFrame:
    """The channels as a page shows them: a channel the data cannot separate (``identified`` False)
    gets no contribution and no ROAS (empty cells), so that no confident number is read for it; its
    flags say why."""
    table = model.channels.copy()
    table.loc[~table["identified"], MEASURED] = np.nan
    return table


def flag_reasons(model: mmm.MediaMix) -> dict[str, list[Message]]:
    """Per flagged channel, the reasons to read its numbers with care in plain words (one
    ``marketing.flag.*`` message per flag: the channel its spend moves with, the number of periods
    when there are too few; and ``marketing.flag.unidentified`` when no ROAS is shown for it)."""
    c = model.channels

    def reason(name: str, flag: str) -> Message:
        if flag == "collinear" and c.at[name, "moves_with"]:
            return Message("marketing.flag.collinear_with", other=c.at[name, "moves_with"])
        if flag == "few_periods":
            return Message("marketing.flag.few_periods", periods=len(model.kpi), needed=mmm.MIN_PERIODS)
        return Message(f"marketing.flag.{flag}")

    return {name: [reason(name, f) for f in flags]
            + ([] if c.at[name, "identified"] else [Message("marketing.flag.unidentified")])
            for name, flags in c["flags"].items() if flags}


def held_channels(model: mmm.MediaMix) -> list[str]:
    """The channels the budget split keeps at today's spend: those the data cannot separate, whose
    response curve is not a measurement to move money on."""
    return [str(c) for c in model.channels.index[~model.channels["identified"]]]


def calibration_shift(before: mmm.MediaMix, after: mmm.MediaMix) -> pd.DataFrame:
    """How each channel's ROAS and interval moved when experiments were added: one row per channel."""
    cols = ["roas", "roas_low", "roas_high"]
    return before.channels[cols].add_suffix("_before").join(after.channels[cols].add_suffix("_after")).reset_index()


def allocate(model: mmm.MediaMix, params: Params) -> mmm.Allocation:
    """The best split of ``params.budget`` (default today's total) with each channel within
    ``params.change`` of today's spend (``mmm.allocate``); a channel the data cannot separate
    (``held_channels``) stays at today's spend, so no money moves on its unmeasured curve."""
    today = model.channels["current_spend"]
    held = model.channels.index.isin(held_channels(model))
    lower = (today * max(0.0, 1 - params.change)).where(~held, today)
    upper = (today * (1 + params.change)).where(~held, today)
    return mmm.allocate(model, params.budget, lower=lower, upper=upper, margin=params.margin,
                        random_state=params.random_state)


def what_if(model: mmm.MediaMix, params: Params) -> mmm.Allocation:
    """``params.what_if`` (a manager's split) against today's (``mmm.what_if``)."""
    return mmm.what_if(model, dict(params.what_if), margin=params.margin)


def run(source: SalesSource | None, params: Params = Params(), progress: Progress | None = None) -> Result:
    """The Marketing ROI analysis.

    Parameters
    ----------
    source : DataFrame or ibis.Table, optional
        The sales; read only when the spend table has no revenue column.
    params : Params
    progress : callable, optional
        Told each step's ``Message`` as it starts, and the bootstrap's progress.

    Returns
    -------
    Result

    Raises
    ------
    DataError
        When the spend table cannot be read (``read_spend``): nothing can be shown.
    """
    steps = Steps(params.parts, progress)
    steps.announce(Message("marketing.step.read"))
    data = read_spend(source, params)
    choices = steps.run("regions", Message("marketing.step.regions"), regions, source, params)
    notes = []
    if data.filled:
        notes.append(Message("marketing.note.filled", pairs=data.filled))
    if data.kpi_from_sales:
        notes.append(Message("marketing.note.kpi_from_sales"))
    if params.region is not None:
        notes.append(Message("marketing.note.region", region=region_label(params.region), revenue=float(data.kpi.sum()),
                             periods=len(data.kpi), spend=Message(f"marketing.note.region.{data.spend_of}")))
    elif data.spend_of == "summed":
        notes.append(Message("marketing.note.regions_summed", column=params.region_column))
    model = steps.run("fit", Message("marketing.step.fit", channels=data.spend.shape[1], periods=len(data.spend)),
                      mmm.fit, data.spend, data.kpi, data.controls, max_lag=params.max_lag,
                      n_fourier=params.n_fourier, holdout=params.holdout, n_boot=params.n_boot, level=params.level,
                      calibration=experiments(params), random_state=params.random_state,
                      progress=_bootstrap_progress(progress))
    allocation = split = None
    if model is not None:
        allocation = steps.run("allocation", Message("marketing.step.allocation"), allocate, model, params)
        if params.what_if:
            split = steps.run("what_if", Message("marketing.step.what_if"), what_if, model, params)
    return Result(params, data, tuple(notes), model, allocation, split, choices, steps.problems)
