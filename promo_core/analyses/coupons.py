"""The Coupons page's analysis: did a randomised campaign work and by how much (lifts with honest
intervals, the sample-ratio check, CUPED, the power of the next campaign), whom a coupon actually
moves (cross-fitted uplift models), whom to send the next one to within a budget, what the Segments
playbook would earn instead, and what a loyalty points programme costs.

Two inputs: the **sales** (``source``, as every analysis: a DataFrame or an Ibis table, per-line work
in its engine) and the **campaign**, one row per customer (``Params.campaign``): an
``experiments.Campaign`` (a table known by a key naming its content: an upload's SHA-256, a dataset's
version), or ``FromSales`` (the recipient list of a campaign run with coupon codes, whose features
and outcomes are summed from the sales in their engine). The campaign rides in the settings because
it is part of what a result depends on: the settings are the cache key (``ui.run_analysis``), and a
Campaign hashes by its key, never by its rows. ``source`` may be None when no step that reads the
sales is asked for (the report's section on a campaign table alone).

The steps (``Params.parts``) fail on their own (``Steps``), and a page runs them in separate calls,
each with only the settings it depends on, so that moving one slider recomputes one step:

=========== =============================================== ======================================
part        needs                                           gives
=========== =============================================== ======================================
"sales"     source                                          ``sales``: coupon codes, monthly sales
"campaign"  campaign                                        ``campaign``, ``columns`` (the roles)
"lifts"     campaign, arm, control, outcomes, intended      ``lifts``
"cuped"     campaign, arm, control, outcomes, covariate     ``cuped``
"power"     power                                           ``power``
"uplift"    campaign, arm, control, features, uplift ...    ``uplift`` (an ``UpliftFit``)
"playbook"  source, campaign, id_column, playbook           ``playbook_customers``
"targeting" fit (or "uplift"'s settings), targeting         ``targeting``
"loyalty"   loyalty (source when its monthly sales is None) ``loyalty``
=========== =============================================== ======================================

>>> result = run(sales, Params(campaign=Campaign(table, table_key(table))))
>>> result.lifts.sentences      # one Message per outcome and treatment arm
>>> result.uplift.verdicts      # model versus random, per treatment arm
"""
from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from promo_core import experiments, loyalty, segments, targeting
from promo_core import uplift as up
from promo_core.analyses import Progress, Steps
from promo_core.engine import SalesSource
from promo_core.errors import DataError
from promo_core.experiments import Campaign, table_key
from promo_core.text import Message

__all__ = ["Params", "Result", "run", "Campaign", "table_key", "FromSales", "PowerPlan", "UpliftSettings",
           "TargetingSettings", "LoyaltySettings", "ROW_NUMBERS", "PARTS"]

PARTS = frozenset({"sales", "campaign", "lifts", "cuped", "power", "uplift", "playbook", "targeting", "loyalty"})
ROW_NUMBERS = ""  # ``id_column`` that names customers by their row number (the file has no id)
MAX_ARMS = 20  # a column with more distinct values than this is no arm column
DEFAULT_ORDER_VALUE = 50.0  # order value offered when no control customer bought
DEFAULT_MONTHLY_SALES = 100_000.0  # loyalty's monthly sales when the data cannot say


@dataclass(frozen=True)
class FromSales:
    """A campaign run with coupon codes, to be built from the sales: who got which arm, the
    campaign's codes, its first day and the days its outcomes are counted
    (``experiments.campaign_from_transactions``)."""

    recipients: Campaign  # customer_id and arm of every recipient, control included
    codes: tuple[str, ...]
    launch: datetime.date
    days: int


@dataclass(frozen=True)
class PowerPlan:
    """The next campaign to plan: the control arm's rate (binary) or mean (money), its size, the
    power wanted, the spread of a money outcome and the largest lift seen (0: none)."""

    kind: str = "binary"
    baseline: float = 0.1
    n_per_arm: int = 1000
    power: float = 0.8
    sd: float | None = None
    observed_lift: float = 0.0


@dataclass(frozen=True)
class UpliftSettings:
    """How the uplift models are fitted (``uplift.fit_uplift``); ``outcome`` None: the first 0/1
    outcome."""

    outcome: str | None = None
    models: tuple[str, ...] = tuple(up.MODELS)
    n_folds: int = 5
    k: float = 0.3


@dataclass(frozen=True)
class TargetingSettings:
    """The coupons' economics (``targeting.CouponEconomics``, face values as (arm, value) pairs so
    the settings hash) and the budget; ``playbook_coupon``: the coupon the Segments playbook sends."""

    face_values: tuple[tuple[str, float], ...]
    order_value: float
    margin: float = 0.35
    redemption_cost: float = 0.0
    contact_cost: float = 0.1
    budget: float | None = None
    budget_kind: str = "money"
    playbook_coupon: str | None = None

    def economics(self) -> targeting.CouponEconomics:
        return targeting.CouponEconomics(face_value=dict(self.face_values), order_value=self.order_value,
                                         margin=self.margin, redemption_cost=self.redemption_cost,
                                         contact_cost=self.contact_cost)


@dataclass(frozen=True)
class LoyaltySettings:
    """A points programme to simulate; ``monthly_sales`` None: the data's average month of the last
    year (``loyalty.average_monthly_sales``)."""

    programme: loyalty.PointsProgramme = loyalty.PointsProgramme(earn_rate=1.0, point_value=0.01, breakage=0.3,
                                                                 expiry_months=12, months_to_redeem=4.0,
                                                                 member_share=0.6)
    monthly_sales: float | None = None
    months: int = 36


@dataclass(frozen=True, eq=False)
class UpliftFit:
    """The fitted uplift models and what the page shows of them. Equal (and hashed) by ``key``,
    the settings they were fitted with, so a later targeting step can take them as a setting."""

    key: tuple
    model: up.UpliftResult
    ids: pd.Series  # every campaign row's customer id as text (row numbers without an id column)
    treatments: tuple[str, ...]
    best: pd.DataFrame  # the best model's scores row, indexed by arm
    verdicts: Mapping[str, Message]  # arm -> model versus random versus everyone
    curves: Mapping[str, pd.DataFrame]  # arm -> uplift.qini_curves of every model
    order_value: float  # control buyers' mean money outcome: the order value to start from

    def __eq__(self, other) -> bool:
        return isinstance(other, UpliftFit) and self.key == other.key

    def __hash__(self) -> int:
        return hash(("UpliftFit", self.key))


@dataclass(frozen=True)
class Params:
    """Every setting of the Coupons page (see the module's table of parts).

    Attributes
    ----------
    campaign : Campaign or FromSales, optional
        The campaign table, or how to build it from the sales.
    arm, control : str, optional
        Arm column and control arm; None: suggested (``experiments.suggest_columns``).
    id_column : str, optional
        Column naming the customers; ``ROW_NUMBERS``: row numbers; None: suggested.
    outcomes, features : tuple of str, optional
        Outcomes to compare, customer features for the uplift models; None: suggested.
    intended : tuple of (arm, share) pairs, optional
        The split the design intended; None: equal arms.
    covariate : str, optional
        CUPED's pre-campaign covariate; None: suggested (``experiments.suggest_covariate``).
    power : PowerPlan, optional
    uplift : UpliftSettings
    fit : UpliftFit, optional
        Models fitted before (by the "uplift" part) for the targeting part; None: fitted here.
    targeting : TargetingSettings, optional
    playbook : tuple of str, optional
        The segments the Segments playbook sends a coupon to, in its order.
    playbook_customers : tuple of str, optional
        Their customers in the campaign (the "playbook" part's answer), for the targeting part.
    loyalty : LoyaltySettings
    parts : frozenset of str
        The steps to run (``PARTS``).
    """

    campaign: Campaign | FromSales | None = None
    arm: str | None = None
    control: str | None = None
    id_column: str | None = None
    outcomes: tuple[str, ...] | None = None
    features: tuple[str, ...] | None = None
    intended: tuple[tuple[str, float], ...] | None = None
    covariate: str | None = None
    power: PowerPlan | None = None
    uplift: UpliftSettings = UpliftSettings()
    fit: UpliftFit | None = None
    targeting: TargetingSettings | None = None
    playbook: tuple[str, ...] | None = None
    playbook_customers: tuple[str, ...] | None = None
    loyalty: LoyaltySettings = LoyaltySettings()
    parts: frozenset = PARTS


@dataclass(frozen=True)
class SalesFacts:
    """What the sales say before any campaign is picked."""

    codes: pd.DataFrame  # experiments.coupon_codes: coupon_code, first, last, lines
    suggested_codes: tuple[str, ...]  # codes that look like one campaign's
    monthly_sales: float  # sales of an average month of the last year (DEFAULT_MONTHLY_SALES without lines)


@dataclass(frozen=True)
class Columns:
    """The campaign table's columns as the page offers them."""

    names: tuple[str, ...]
    arm_options: tuple[str, ...]  # columns with 2 to MAX_ARMS distinct values
    arms: Mapping[str, tuple[str, ...]]  # arm option -> its arms, coupon_5 before coupon_10
    numeric: tuple[str, ...]
    binary: tuple[str, ...]  # only 0 and 1
    suggested: experiments.ExperimentColumns


@dataclass(frozen=True)
class Design:
    """The experiment as analysed: the suggestions resolved."""

    arm: str
    control: str
    id_column: str
    outcomes: tuple[str, ...]
    binary_outcomes: tuple[str, ...]
    features: tuple[str, ...]


@dataclass(frozen=True)
class Lifts:
    """Did it work: every arm against control on every outcome."""

    table: pd.DataFrame  # experiments.compare_outcomes
    shown: pd.DataFrame  # the same for reading: rates in % / points, a ``unit`` column ("binary" / "money")
    srm: experiments.SampleRatioCheck
    treatments: tuple[str, ...]
    sentences: tuple[Message, ...]  # per outcome, per treatment arm
    digits: Mapping[str, int]  # outcome -> decimals of a lift in points (2 for rare outcomes)
    plans: pd.DataFrame  # per outcome: kind, baseline, sd, n (the control's), observed_lift (largest)


@dataclass(frozen=True)
class Cuped:
    """The lifts again, adjusted for a covariate measured before the campaign."""

    covariate: str
    table: pd.DataFrame  # per outcome and arm: raw and adjusted lifts and interval widths (rates in points, ``unit``)
    best_gain: float  # the largest narrowing of an interval


@dataclass(frozen=True)
class Power:
    """The next campaign: the smallest lift it detects and the size it needs for the lift seen."""

    plan: PowerPlan
    mde: float
    target: float  # the lift to detect: the largest seen, else the mde
    need: int  # customers per arm to detect ``target``
    curve: pd.DataFrame  # experiments.power_curve


@dataclass(frozen=True)
class Targets:
    """Whom to send the next coupon to, within the budget."""

    plan: targeting.TargetPlan
    comparison: pd.DataFrame  # targeting.compare_strategies
    curve: pd.DataFrame  # targeting.profit_curve
    summary: Message
    runner_up: pd.Series | None  # the best alternative within the budget
    share: float  # share of the campaign's customers in the list
    export: pd.DataFrame  # the target list to download


@dataclass(frozen=True)
class Points:
    """A loyalty programme simulated month by month."""

    simulation: loyalty.PointsSimulation
    summary: Message
    monthly_sales: float


@dataclass(frozen=True)
class Result:
    """Everything the Coupons page and the report's campaign section show; a part that was not
    asked for or failed is None, with the reason in ``problems`` under its name."""

    params: Params
    sales: SalesFacts | None = None
    campaign: Campaign | None = None
    columns: Columns | None = None
    design: Design | None = None
    lifts: Lifts | None = None
    cuped: Cuped | None = None
    power: Power | None = None
    uplift: UpliftFit | None = None
    playbook_customers: tuple[str, ...] | None = None
    targeting: Targets | None = None
    loyalty: Points | None = None
    problems: Mapping[str, Message] = field(default_factory=dict)


def run(source: SalesSource | None, params: Params = Params(), progress: Progress | None = None) -> Result:
    """The Coupons analysis.

    Parameters
    ----------
    source : DataFrame or ibis.Table, optional
        The sales (``engine.sales_table``); only the parts "sales", "playbook", "loyalty" (for the
        data's monthly sales) and "campaign" (for a ``FromSales`` campaign) read it.
    params : Params
    progress : callable, optional
        Told each step's ``Message`` as it starts (and each cross-fitting fold as it ends).

    Returns
    -------
    Result

    Raises
    ------
    DataError
        When a campaign is asked for and cannot be read at all (no arm column, a recipient list
        without customers): nothing of the campaign can be shown. Every other step fails on its
        own (``problems``).
    """
    steps = Steps(params.parts, progress)
    sales = steps.run("sales", Message("coupons.step.sales"), _sales_facts, source)
    campaign = columns = design = None
    needs_campaign = params.parts & {"campaign", "lifts", "cuped", "uplift", "playbook"}
    if params.campaign is not None and needs_campaign:
        steps.announce(Message("coupons.step.campaign"))
        campaign = _campaign(source, params.campaign)
        columns = _columns(campaign.table)
        design = _design(campaign.table, columns, params)
    table = campaign.table if campaign is not None else None
    lifts = cuped = uplift = playbook_customers = None
    if design is not None:
        lifts = steps.run("lifts", Message("coupons.step.lifts"), _lifts, table, design, params.intended)
        cuped = steps.run("cuped", Message("coupons.step.cuped"), _cuped, table, design, columns, params.covariate)
        uplift = steps.run("uplift", Message("coupons.step.uplift"), _uplift, table, campaign, design,
                           params.uplift, steps)
        playbook_customers = steps.run("playbook", Message("coupons.step.playbook"), _playbook_customers, source,
                                       table, design, params.playbook)
    power = steps.run("power", Message("coupons.step.power"), _power, params.power) if params.power else None
    fit = params.fit if params.fit is not None else uplift
    targets = None
    if params.targeting is not None and fit is not None:
        customers = params.playbook_customers if params.playbook_customers is not None else playbook_customers
        targets = steps.run("targeting", Message("coupons.step.targeting"), _targets, fit, params.targeting, customers)
    points = steps.run("loyalty", Message("coupons.step.loyalty"), _points, source, params.loyalty,
                       sales.monthly_sales if sales is not None else None)
    return Result(params=params, sales=sales, campaign=campaign, columns=columns, design=design, lifts=lifts,
                  cuped=cuped, power=power, uplift=uplift, playbook_customers=playbook_customers, targeting=targets,
                  loyalty=points, problems=steps.problems)


# --------------------------------------------------------------------------------------------
# The sales and the campaign
# --------------------------------------------------------------------------------------------
def _sales_facts(source: SalesSource) -> SalesFacts:
    codes = experiments.coupon_codes(source)
    monthly = loyalty.average_monthly_sales(source)
    return SalesFacts(codes=codes, suggested_codes=tuple(experiments.suggest_campaign_codes(codes)),
                      monthly_sales=DEFAULT_MONTHLY_SALES if np.isnan(monthly) else monthly)


def _campaign(source: SalesSource | None, spec: Campaign | FromSales) -> Campaign:
    """The campaign table: as given, or built from the sales (keyed by what it was built from)."""
    if isinstance(spec, Campaign):
        return spec
    recipients = spec.recipients.table
    found = experiments.suggest_columns(recipients)
    id_col = found.id_column or next((c for c in recipients.columns if "customer" in str(c).lower()), None)
    if id_col is None or found.arm is None:
        raise DataError(Message("coupons.error.recipients", columns=", ".join(map(str, recipients.columns))))
    frame = pd.DataFrame({"customer_id": recipients[id_col].astype(str), "arm": recipients[found.arm].astype(str)})
    table = experiments.campaign_from_transactions(source, frame, spec.launch, spec.days,
                                                   codes=list(spec.codes) or None)
    return Campaign(table, f"sales:{spec.recipients.key}:{','.join(spec.codes)}:{spec.launch}:{spec.days}")


def _columns(table: pd.DataFrame) -> Columns:
    options = tuple(c for c in table.columns if 2 <= table[c].nunique() <= MAX_ARMS)
    if not options:
        raise DataError(Message("coupons.error.no_arm_column"))
    numeric = tuple(c for c in table.columns if pd.api.types.is_numeric_dtype(table[c]))
    return Columns(names=tuple(table.columns), arm_options=options,
                   arms={c: tuple(sorted(table[c].dropna().astype(str).unique(), key=experiments.natural_key))
                         for c in options},
                   numeric=numeric, binary=tuple(c for c in numeric if experiments.is_binary(table[c])),
                   suggested=experiments.suggest_columns(table))


def _design(table: pd.DataFrame, columns: Columns, params: Params) -> Design:
    """The settings with the suggestions filled in where none was given."""
    hint = columns.suggested
    arm = params.arm if params.arm is not None else hint.arm if hint.arm in columns.arm_options \
        else columns.arm_options[0]
    arms = columns.arms.get(arm, ())
    control = params.control if params.control is not None else hint.control \
        if hint.arm == arm and hint.control in arms else experiments.suggest_control(arms)
    id_column = params.id_column if params.id_column is not None else hint.id_column or ROW_NUMBERS
    outcomes = params.outcomes if params.outcomes is not None else tuple(
        c for c in hint.binary_outcomes + hint.money_outcomes if c not in (arm, id_column))
    features = params.features if params.features is not None else tuple(
        c for c in hint.features if c not in (arm, id_column, *outcomes))
    return Design(arm=arm, control=str(control), id_column=id_column, outcomes=tuple(outcomes),
                  binary_outcomes=tuple(o for o in outcomes if o in columns.binary), features=tuple(features))


def _ids(table: pd.DataFrame, id_column: str) -> pd.Series:
    """Every row's customer id as text (row numbers from 1 without an id column)."""
    if id_column == ROW_NUMBERS:
        return pd.Series(np.arange(1, len(table) + 1), index=table.index).astype(str)
    return table[id_column].astype(str)


# --------------------------------------------------------------------------------------------
# Did it work?
# --------------------------------------------------------------------------------------------
def _lifts(table: pd.DataFrame, design: Design, intended) -> Lifts:
    if not design.outcomes:
        raise DataError(Message("coupons.error.no_outcome"))
    results = experiments.compare_outcomes(table, design.arm, list(design.outcomes), design.control)
    srm = experiments.sample_ratio_check(table, design.arm, dict(intended) if intended else None)
    treatments = tuple(a for a in results["arm"].unique() if a != design.control)
    rows = results.set_index(["outcome", "arm"])
    sentences = tuple(experiments.lift_sentence(rows.loc[(o, a)].to_dict() | {"arm": a}, o, design.control)
                      for o in design.outcomes for a in treatments)
    binary = results["kind"] == "binary"
    shown = results.copy()
    for col in ("mean", "lift", "lift_low", "lift_high"):
        shown[col] = np.where(binary, 100 * shown[col], shown[col])
    shown["unit"] = results["kind"]
    shown = shown[["outcome", "arm", "n", "mean", "unit", "lift", "lift_low", "lift_high", "rel_lift", "rel_lift_low",
                   "rel_lift_high", "p_value", "p_value_holm", "significant", "test"]]
    by_outcome = results.groupby("outcome", sort=False)
    digits = {o: 2 if g["kind"].iloc[0] == "binary" and g["mean"].max() < 0.05 else 1 for o, g in by_outcome}
    control = results[results["arm"] == design.control].set_index("outcome")
    observed = results[results["arm"] != design.control].assign(size=lambda r: r["lift"].abs()) \
        .groupby("outcome")["size"].max()
    plans = pd.DataFrame({"kind": control["kind"], "baseline": control["mean"], "sd": control["std"],
                          "n": control["n"], "observed_lift": observed.reindex(control.index).fillna(0.0)})
    return Lifts(table=results, shown=shown, srm=srm, treatments=treatments, sentences=sentences, digits=digits,
                 plans=plans)


def _cuped(table: pd.DataFrame, design: Design, columns: Columns, covariate: str | None) -> Cuped | None:
    candidates = covariate_options(columns, design.arm, design.id_column, design.outcomes)
    covariate = covariate if covariate is not None else experiments.suggest_covariate(candidates)
    if covariate is None:
        return None
    parts = []
    for o in design.outcomes:
        res = experiments.cuped(table, design.arm, o, design.control, covariate)
        parts.append(res.table.assign(outcome=o, correlation=res.correlation))
    cuped = pd.concat(parts, ignore_index=True)
    # rates in points, as the lifts' table shows them (a lift of 0.0528 there read 5.28 above it)
    binary = cuped["outcome"].map({o: experiments.is_binary(table[o]) for o in design.outcomes}).astype(bool)
    lifts = ["lift", "lift_low", "lift_high", "lift_cuped", "lift_cuped_low", "lift_cuped_high", "ci_width",
             "ci_width_cuped"]
    shown = cuped[["outcome", "arm", *lifts, "narrower_by", "correlation"]].copy()
    shown[lifts] = shown[lifts].mul(np.where(binary, 100.0, 1.0), axis=0)
    shown.insert(2, "unit", np.where(binary, "binary", "money"))
    return Cuped(covariate=covariate, table=shown, best_gain=float(cuped["narrower_by"].max()))


def covariate_options(columns: Columns, arm: str, id_column: str, outcomes) -> list[str]:
    """The numeric columns that are neither the arm, the id nor an outcome: CUPED's candidates."""
    return [c for c in columns.numeric if c not in (arm, id_column, *outcomes)]


def _power(plan: PowerPlan) -> Power:
    options = {"kind": plan.kind, "sd": plan.sd, "power": plan.power}
    mde = experiments.minimum_detectable_effect(plan.baseline, int(plan.n_per_arm), **options)
    target = plan.observed_lift if plan.observed_lift > 0 else mde
    need = experiments.sample_size_per_arm(plan.baseline, float(target), **options)
    sizes = np.unique(np.geomspace(200, max(100 * int(plan.n_per_arm), 2000), 25).astype(int))
    return Power(plan=plan, mde=mde, target=float(target), need=need,
                 curve=experiments.power_curve(plan.baseline, sizes, **options))


# --------------------------------------------------------------------------------------------
# Who does it move, whom to send next
# --------------------------------------------------------------------------------------------
def _uplift(table: pd.DataFrame, campaign: Campaign, design: Design, settings: UpliftSettings,
            steps: Steps) -> UpliftFit | None:
    if not design.binary_outcomes or not design.features:
        raise DataError(Message("coupons.uplift.needs_binary" if not design.binary_outcomes
                                else "coupons.uplift.needs_features"))
    outcome = settings.outcome if settings.outcome is not None else design.binary_outcomes[0]
    model = up.fit_uplift(table, design.arm, outcome, design.control, list(design.features), models=settings.models,
                          n_folds=settings.n_folds, k=settings.k,
                          progress=lambda done, total, _: steps.announce(Message("coupons.step.folds", done=done,
                                                                                 total=total)))
    arms = table[design.arm].astype(str).to_numpy()
    y = table[outcome].to_numpy()
    best = model.scores[model.scores["best"]].set_index("arm")
    curves = {}
    for a in model.uplift:
        mask = np.isin(arms, [a, model.control])
        curves[a] = up.qini_curves(y[mask], model.uplift[a][mask], (arms[mask] == a).astype(int))
    money = [o for o in design.outcomes if o not in design.binary_outcomes]
    buyers = (arms == design.control) & (y == 1)
    order_value = float(table.loc[buyers, money[0]].mean()) if money and buyers.any() else DEFAULT_ORDER_VALUE
    key = (campaign.key, design, outcome, settings)
    return UpliftFit(key=key, model=model, ids=_ids(table, design.id_column), treatments=tuple(model.uplift),
                     best=best, verdicts={a: up.targeting_verdict(best.loc[a], a) for a in model.uplift},
                     curves=curves, order_value=order_value)


def _playbook_customers(source: SalesSource, table: pd.DataFrame, design: Design,
                        coupon_segments: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The campaign's customers whom the Segments playbook sends a coupon to, in its order of
    priority; None when the campaign names no customers or none of them is in the sales."""
    if coupon_segments is None or design.id_column == ROW_NUMBERS:
        return None
    book = pd.DataFrame({"segment": list(coupon_segments), "action": "", "offer": "", "send_coupon": True})
    targets = segments.target_list(segments.rfm(source), book)["customer_id"].astype(str)
    known = set(_ids(table, design.id_column))
    return tuple(i for i in targets if i in known) or None


def _targets(fit: UpliftFit, settings: TargetingSettings, playbook_customers) -> Targets:
    model = fit.model
    best = {a: model.uplift[a][model.best[a]] for a in model.uplift}  # each arm's best model's scores
    options = targeting.coupon_options(fit.ids, model.baseline, best, settings.economics())
    plan = targeting.optimise_targets(options, settings.budget, settings.budget_kind)
    comparison = targeting.compare_strategies(options, settings.budget, settings.budget_kind,
                                              playbook_customers=list(playbook_customers) if playbook_customers
                                              else None, playbook_coupon=settings.playbook_coupon)
    others = comparison.iloc[1:]
    runner = others[others["within_budget"]].head(1)
    export = plan.targets[["customer_id", "coupon", "expected_uplift", "expected_incremental_profit", "rank",
                           "expected_cost"]]
    return Targets(plan=plan, comparison=comparison, curve=targeting.profit_curve(options),
                   summary=targeting.plan_summary(plan, comparison),
                   runner_up=None if runner.empty else runner.iloc[0],
                   share=len(plan.targets) / max(len(fit.ids), 1), export=export)


# --------------------------------------------------------------------------------------------
# Loyalty points
# --------------------------------------------------------------------------------------------
def _points(source: SalesSource | None, settings: LoyaltySettings, monthly: float | None) -> Points:
    sales = settings.monthly_sales
    if sales is None:
        sales = monthly if monthly is not None else loyalty.average_monthly_sales(source) if source is not None \
            else DEFAULT_MONTHLY_SALES
        sales = DEFAULT_MONTHLY_SALES if np.isnan(sales) else sales
    simulation = loyalty.simulate_points(sales, settings.programme, months=settings.months)
    return Points(simulation=simulation, summary=loyalty.points_summary(simulation), monthly_sales=float(sales))
