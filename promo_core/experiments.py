"""Randomised campaign (A/B/n) analysis: did the campaign work, by how much, and how sure are we.

One row per customer, an arm column (which treatment the customer got, one arm is the control) and
outcomes: 0/1 (visited, converted) or money (spend). ``compare_arms`` gives every arm's mean and its
lift over control with 95% confidence intervals and p-values (two-proportion z-test for 0/1
outcomes, Welch's t-test for money, Holm-adjusted across several treatment arms). Around it: a
sample-ratio-mismatch check (did the split come out as intended?), CUPED variance reduction with a
pre-period covariate, a power / minimum-detectable-effect calculator for the next campaign, plain
sentences that state the result, and the campaign table built from the transactions.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd
from scipy import stats

from promo_core.engine import SalesSource, exact_sum, fetch, sales_table
from promo_core.errors import DataError
from promo_core.text import Message

SRM_ALPHA = 0.001  # a split this unlikely under the intended shares means the randomisation broke
_ARM_NAMES = re.compile(r"^(arm|segment|group|treatment|treated|variant|variation|test_?group|cell|campaign|"
                        r"experiment|bucket|offer|分组|组别|实验组)$", re.I)
_CONTROL_NAMES = re.compile(r"(control|holdout|hold-out|baseline|ctrl|^none$|^no[ _-]|^no$|^0$|对照)", re.I)
_BINARY_OUTCOMES = re.compile(r"(visit|conver|purchas|bought|buy|click|respon|redeem|order|churn|open|signup|"
                              r"sign_up|retain|active|转化|购买|访问)", re.I)
_MONEY_OUTCOMES = re.compile(r"(spend|revenue|sales|amount|value|profit|gmv|basket|消费|金额|收入)", re.I)
_ID_NAMES = re.compile(r"(^id$|_id$|^id_|customer|client|member|user|email|phone|编号|会员号)", re.I)


def _check_columns(df: pd.DataFrame, *cols: str | None) -> None:
    missing = [c for c in cols if c is not None and c not in df.columns]
    if missing:
        raise DataError(Message("experiments.error.no_column", missing=", ".join(map(repr, missing)),
                                columns=", ".join(map(str, df.columns))))


def is_binary(values: pd.Series) -> bool:
    """True when every value is 0 or 1 (a rate outcome such as visited / converted)."""
    v = pd.Series(values).dropna()
    return pd.api.types.is_bool_dtype(v) or (pd.api.types.is_numeric_dtype(v) and bool(v.isin([0, 1]).all()))


def checked_outcome(df: pd.DataFrame, arm: str, outcome: str, control) -> pd.DataFrame:
    """The arm labels (as text) and the outcome (as float) of an experiment, after checking them.

    Returns
    -------
    DataFrame
        ``arm`` and ``outcome``, indexed like ``df``. Missing values, text outcomes, an unknown
        control or a single arm raise ``DataError`` with what to do about it.
    """
    _check_columns(df, arm, outcome)
    if len(df) == 0:
        raise DataError(Message("experiments.error.no_rows"))
    y = df[outcome]
    if pd.api.types.is_bool_dtype(y):
        y = y.astype(float)
    if not pd.api.types.is_numeric_dtype(y):
        raise DataError(Message("experiments.error.text_outcome", outcome=repr(outcome)))
    bad = y.isna() | df[arm].isna()
    if bad.any():
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(bad.to_numpy())[:5])
        raise DataError(Message("experiments.error.missing_values", rows=int(bad.sum()), outcome=repr(outcome),
                                arm=repr(arm), examples=rows))
    arms = df[arm].astype(str)
    if str(control) not in set(arms):
        raise DataError(Message("experiments.error.unknown_control", control=repr(control), arm=repr(arm),
                                values=", ".join(sorted(set(arms))[:20])))
    if arms.nunique() < 2:
        raise DataError(Message("experiments.error.one_arm", arm=repr(arm), control=repr(control)))
    return pd.DataFrame({"arm": arms, "outcome": y.astype(float)}, index=df.index)


def natural_key(label) -> list:
    """Sort key that puts coupon_5 before coupon_10 (numbers inside labels compared as numbers)."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.lower())
            for part in re.split(r"(\d+)", str(label)) if part]


def _holm(p: np.ndarray) -> np.ndarray:
    from statsmodels.stats.multitest import multipletests

    return multipletests(p, method="holm")[1] if len(p) else p


def compare_arms(df: pd.DataFrame, arm: str, outcome: str, control, *, kind: str = "auto",
                 alpha: float = 0.05) -> pd.DataFrame:
    """Every arm's mean and its lift over control, with confidence intervals and p-values.

    Parameters
    ----------
    df : DataFrame
        One row per customer.
    arm : str
        Column naming each customer's arm (any number of arms).
    outcome : str
        0/1 outcome (a rate) or money outcome (a mean per customer).
    control : str
        The arm that got nothing.
    kind : {"auto", "binary", "money"}
        "auto" treats an outcome with only 0 and 1 as binary.
    alpha : float
        1 - confidence level of the intervals.

    Returns
    -------
    DataFrame
        One row per arm, control first: ``arm, n, mean, std, lift, lift_low, lift_high, rel_lift,
        rel_lift_low, rel_lift_high, p_value, p_value_holm, significant, test``. ``lift`` is the
        absolute difference to control (points of rate for a 0/1 outcome), ``rel_lift`` the
        relative one (0.72 = +72%). Binary: unpooled Wald interval, pooled two-proportion z-test.
        Money: Welch's t interval and test. Relative intervals use the delta method on the log
        of the ratio of means. ``p_value_holm`` adjusts for several treatment arms (Holm, 1979).
    """
    checked = checked_outcome(df, arm, outcome, control)
    arms, y = checked["arm"], checked["outcome"]
    if kind == "auto":
        kind = "binary" if is_binary(y) else "money"
    if kind == "binary" and not is_binary(y):
        raise DataError(Message("experiments.error.not_binary", outcome=repr(outcome)))
    control = str(control)
    g = y.groupby(arms, sort=True)
    n, mean = g.size(), g.mean()
    std = g.std(ddof=0) if kind == "binary" else g.std(ddof=1)
    if (n < 2).any():
        small = ", ".join(n.index[n < 2])
        raise DataError(Message("experiments.error.small_arm", arms=small))
    order = [control] + sorted((a for a in n.index if a != control), key=natural_key)
    z = stats.norm.ppf(1 - alpha / 2)
    nc, mc, sc = n[control], mean[control], std[control]
    rows = []
    for a in order:
        nt, mt, st_ = n[a], mean[a], std[a]
        row = {"arm": a, "n": int(nt), "mean": mt, "std": st_}
        if a == control:
            rows.append(row | {"lift": 0.0, "lift_low": np.nan, "lift_high": np.nan, "rel_lift": 0.0,
                               "rel_lift_low": np.nan, "rel_lift_high": np.nan, "p_value": np.nan,
                               "test": ""})
            continue
        diff = mt - mc
        if kind == "binary":
            se = np.sqrt(mt * (1 - mt) / nt + mc * (1 - mc) / nc)
            low, high = diff - z * se, diff + z * se
            pooled = (mt * nt + mc * nc) / (nt + nc)
            se0 = np.sqrt(pooled * (1 - pooled) * (1 / nt + 1 / nc))
            p = 2 * stats.norm.sf(abs(diff) / se0) if se0 > 0 else (1.0 if diff == 0 else 0.0)
            test = "two-proportion z-test"
        else:
            vt, vc = st_ ** 2 / nt, sc ** 2 / nc
            se = np.sqrt(vt + vc)
            if se > 0:
                dof = (vt + vc) ** 2 / (vt ** 2 / (nt - 1) + vc ** 2 / (nc - 1))
                q = stats.t.ppf(1 - alpha / 2, dof)
                p = 2 * stats.t.sf(abs(diff) / se, dof)
            else:
                q, p = 0.0, 1.0 if diff == 0 else 0.0
            low, high = diff - q * se, diff + q * se
            test = "Welch's t-test"
        rel = mt / mc - 1 if mc != 0 else np.nan
        if mt > 0 and mc > 0:
            se_log = np.sqrt(st_ ** 2 / (nt * mt ** 2) + sc ** 2 / (nc * mc ** 2))
            rel_low, rel_high = np.exp(np.log(mt / mc) - z * se_log) - 1, np.exp(np.log(mt / mc) + z * se_log) - 1
        else:
            rel_low = rel_high = np.nan
        rows.append(row | {"lift": diff, "lift_low": low, "lift_high": high, "rel_lift": rel,
                           "rel_lift_low": rel_low, "rel_lift_high": rel_high, "p_value": float(p), "test": test})
    out = pd.DataFrame(rows)
    treated = out["arm"] != control
    out["p_value_holm"] = np.nan
    out.loc[treated, "p_value_holm"] = _holm(out.loc[treated, "p_value"].to_numpy())
    out["significant"] = treated & (out["p_value_holm"] < alpha)
    out["kind"] = kind
    return out[["arm", "n", "mean", "std", "lift", "lift_low", "lift_high", "rel_lift", "rel_lift_low",
                "rel_lift_high", "p_value", "p_value_holm", "significant", "test", "kind"]]


def compare_outcomes(df: pd.DataFrame, arm: str, outcomes: list[str], control, alpha: float = 0.05) -> pd.DataFrame:
    """``compare_arms`` for several outcomes stacked into one table (an ``outcome`` column first)."""
    parts = [compare_arms(df, arm, o, control, alpha=alpha).assign(outcome=o) for o in outcomes]
    out = pd.concat(parts, ignore_index=True)
    return out[["outcome"] + [c for c in out.columns if c != "outcome"]]


# --------------------------------------------------------------------------------------------
# Sample-ratio mismatch
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SampleRatioCheck:
    """Did the arms get the share of customers the design intended?

    Attributes
    ----------
    table : DataFrame
        ``arm, observed, expected, observed_share, expected_share``.
    chi2, p_value : float
        Pearson's χ² goodness-of-fit test of the counts against the intended shares.
    mismatch : bool
        ``p_value < 0.001``: the split is so far off that the randomisation (or the data export)
        is probably broken and the lifts should not be trusted.
    """

    table: pd.DataFrame
    chi2: float
    p_value: float
    mismatch: bool


def sample_ratio_check(df: pd.DataFrame, arm: str, intended: dict | None = None) -> SampleRatioCheck:
    """χ² test of the arm sizes against the intended split (equal shares by default).

    Parameters
    ----------
    df : DataFrame
        One row per customer.
    arm : str
        The arm column.
    intended : dict, optional
        Arm -> intended share (any positive weights; they are normalised). Arms not named get 0,
        which is itself a mismatch when customers landed there.
    """
    _check_columns(df, arm)
    counts = df[arm].dropna().astype(str).value_counts().sort_index()
    if len(counts) < 2:
        raise DataError(Message("experiments.error.no_split", arm=repr(arm)))
    if intended:
        weights = pd.Series({str(k): float(v) for k, v in intended.items()})
        if (weights < 0).any() or weights.sum() <= 0:
            raise DataError(Message("experiments.error.intended_shares"))
        arms = counts.index.union(weights.index)
        counts = counts.reindex(arms, fill_value=0)
        weights = weights.reindex(arms, fill_value=0.0)
    else:
        weights = pd.Series(1.0, index=counts.index)
    share = weights / weights.sum()
    expected = share * counts.sum()
    if ((expected == 0) & (counts > 0)).any():
        chi2, p = np.inf, 0.0
    else:
        keep = expected > 0
        res = stats.chisquare(counts[keep].to_numpy(float), expected[keep].to_numpy())
        chi2, p = float(res.statistic), float(res.pvalue)
    table = pd.DataFrame({"arm": counts.index, "observed": counts.to_numpy().astype(np.int64),
                          "expected": expected.to_numpy(), "observed_share": (counts / counts.sum()).to_numpy(),
                          "expected_share": share.to_numpy()})
    return SampleRatioCheck(table=table, chi2=chi2, p_value=p, mismatch=p < SRM_ALPHA)


# --------------------------------------------------------------------------------------------
# CUPED
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CupedResult:
    """Lifts before and after CUPED adjustment with a pre-period covariate.

    Attributes
    ----------
    theta : float
        cov(outcome, covariate) / var(covariate), pooled over all customers.
    correlation : float
        Correlation of outcome and covariate; CUPED removes ``correlation²`` of the variance.
    table : DataFrame
        Per treatment arm: ``arm, lift, lift_low, lift_high, lift_cuped, lift_cuped_low,
        lift_cuped_high, p_value, p_value_cuped, ci_width, ci_width_cuped, narrower_by``.
    """

    theta: float
    correlation: float
    table: pd.DataFrame


def cuped(df: pd.DataFrame, arm: str, outcome: str, control, covariate: str, alpha: float = 0.05) -> CupedResult:
    """CUPED: subtract the part of the outcome that a pre-period covariate predicts.

    Because the covariate was measured before the campaign it is independent of the arm, so the
    adjusted outcome ``y - theta (x - mean x)`` has the same expected lift and a smaller variance:
    the intervals get narrower without any new customers.

    References
    ----------
    Deng, Xu, Kohavi & Walker (2013). Improving the sensitivity of online controlled experiments by
    utilizing pre-experiment data. WSDM.
    """
    _check_columns(df, covariate)
    x = df[covariate]
    if not pd.api.types.is_numeric_dtype(x):
        raise DataError(Message("experiments.error.text_covariate", covariate=repr(covariate)))
    if x.isna().any():
        raise DataError(Message("experiments.error.missing_covariate", customers=int(x.isna().sum()),
                                covariate=repr(covariate)))
    checked = checked_outcome(df, arm, outcome, control)
    arms, y = checked["arm"], checked["outcome"]
    x = x.astype(float)
    if x.var() == 0:
        raise DataError(Message("experiments.error.constant_covariate", covariate=repr(covariate)))
    theta = float(np.cov(y, x, ddof=1)[0, 1] / x.var(ddof=1))
    corr = float(np.corrcoef(y, x)[0, 1]) if y.var() > 0 else 0.0
    frame = pd.DataFrame({"arm": arms, "y": y, "y_cuped": y - theta * (x - x.mean())})
    kind = "binary" if is_binary(y) else "money"
    raw = compare_arms(frame, "arm", "y", control, kind=kind, alpha=alpha)
    adj = compare_arms(frame, "arm", "y_cuped", control, kind="money", alpha=alpha)
    raw, adj = raw[raw["arm"] != str(control)], adj[adj["arm"] != str(control)]
    table = pd.DataFrame({
        "arm": raw["arm"].to_numpy(),
        "lift": raw["lift"].to_numpy(), "lift_low": raw["lift_low"].to_numpy(),
        "lift_high": raw["lift_high"].to_numpy(),
        "lift_cuped": adj["lift"].to_numpy(), "lift_cuped_low": adj["lift_low"].to_numpy(),
        "lift_cuped_high": adj["lift_high"].to_numpy(),
        "p_value": raw["p_value"].to_numpy(), "p_value_cuped": adj["p_value"].to_numpy(),
    })
    table["ci_width"] = table["lift_high"] - table["lift_low"]
    table["ci_width_cuped"] = table["lift_cuped_high"] - table["lift_cuped_low"]
    table["narrower_by"] = 1 - table["ci_width_cuped"] / table["ci_width"]
    return CupedResult(theta=theta, correlation=corr, table=table)


# --------------------------------------------------------------------------------------------
# Power and minimum detectable effect
# --------------------------------------------------------------------------------------------
def _effect_size(baseline: float, lift: float, kind: str, sd: float | None) -> float:
    if kind == "binary":
        from statsmodels.stats.proportion import proportion_effectsize

        return float(proportion_effectsize(baseline + lift, baseline))
    return lift / sd


def _check_power_inputs(baseline: float, kind: str, sd: float | None, alpha: float, power: float) -> None:
    if kind not in ("binary", "money"):
        raise DataError(Message("experiments.error.kind"))
    if kind == "binary" and not 0 < baseline < 1:
        raise DataError(Message("experiments.error.baseline_rate"))
    if kind == "money" and (sd is None or not sd > 0):
        raise DataError(Message("experiments.error.sd"))
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise DataError(Message("experiments.error.alpha_power"))


def sample_size_per_arm(baseline: float, lift: float, *, kind: str = "binary", sd: float | None = None,
                        alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0) -> int:
    """Customers needed in the control arm to detect ``lift`` (treatment arm: ``ratio`` times as many).

    Parameters
    ----------
    baseline : float
        Control rate (binary) or control mean (money).
    lift : float
        Smallest absolute lift worth detecting (0.01 = one point of rate, or an amount of money).
    kind : {"binary", "money"}
    sd : float, optional
        Standard deviation per customer (money only).
    alpha, power : float
        Two-sided significance level and the chance of detecting a real lift of that size.
    ratio : float
        Treatment size / control size.

    Returns
    -------
    int
        Rounded up. Binary outcomes use Cohen's h (arcsine) effect size; both use the normal
        approximation of ``statsmodels.stats.power.NormalIndPower``.
    """
    from statsmodels.stats.power import NormalIndPower

    _check_power_inputs(baseline, kind, sd, alpha, power)
    if lift == 0 or (kind == "binary" and not 0 < baseline + lift < 1):
        raise DataError(Message("experiments.error.lift_to_detect"))
    n = NormalIndPower().solve_power(effect_size=abs(_effect_size(baseline, lift, kind, sd)), alpha=alpha,
                                     power=power, ratio=ratio, alternative="two-sided")
    return int(np.ceil(n - 1e-9))


def minimum_detectable_effect(baseline: float, n_per_arm: int, *, kind: str = "binary", sd: float | None = None,
                              alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0) -> float:
    """The smallest absolute lift a campaign with ``n_per_arm`` control customers detects reliably.

    The inverse of ``sample_size_per_arm`` (an increase; a drop of the same size is about as
    detectable).
    """
    from statsmodels.stats.power import NormalIndPower

    _check_power_inputs(baseline, kind, sd, alpha, power)
    if n_per_arm < 2:
        raise DataError(Message("experiments.error.arm_size"))
    h = NormalIndPower().solve_power(effect_size=None, nobs1=n_per_arm, alpha=alpha, power=power, ratio=ratio,
                                     alternative="two-sided")
    if kind == "binary":
        angle = np.arcsin(np.sqrt(baseline)) + h / 2
        return float(np.sin(min(angle, np.pi / 2)) ** 2 - baseline)
    return float(h * sd)


def power_curve(baseline: float, sizes, *, kind: str = "binary", sd: float | None = None, alpha: float = 0.05,
                power: float = 0.8, ratio: float = 1.0) -> pd.DataFrame:
    """Minimum detectable lift for each arm size: ``n_per_arm, mde, mde_relative``."""
    sizes = np.unique(np.asarray(sizes, dtype=np.int64))
    mde = [minimum_detectable_effect(baseline, int(n), kind=kind, sd=sd, alpha=alpha, power=power, ratio=ratio)
           for n in sizes]
    return pd.DataFrame({"n_per_arm": sizes, "mde": mde, "mde_relative": np.asarray(mde) / baseline})


# --------------------------------------------------------------------------------------------
# Plain-language verdicts
# --------------------------------------------------------------------------------------------
def lift_sentence(row: pd.Series | dict, outcome: str, control: str) -> Message:
    """One sentence stating a treatment arm's lift with its interval, e.g. "Mens E-Mail raised the
    visit rate by 7.7 points (95% CI 7.1 to 8.2): from 10.6% to 18.3%, +72% (p < 0.001)."

    ``row`` is a treatment row of ``compare_arms``; ``p_value_holm`` decides whether the lift is
    distinguishable from zero. Returns the sentence as a catalogue ``Message`` (amounts in the
    reader's currency, rates in points with one decimal, two for rare outcomes).
    """
    r = dict(row)
    binary = r["kind"] == "binary"
    base, treated = r["mean"] - r["lift"], r["mean"]
    p = r["p_value_holm"] if pd.notna(r.get("p_value_holm")) else r["p_value"]
    small = binary and max(abs(r["lift_low"]), abs(r["lift_high"]), treated) < 0.05  # rare outcomes: 2 decimals
    scale = 100 if binary else 1  # rates read in points
    same = p >= 0.05
    lift = r["lift"] if same else abs(r["lift"])
    direction = "same" if same else "up" if r["lift"] > 0 else "down"
    return Message(f"experiments.lift.{direction}.{'binary' if binary else 'money'}", arm=r["arm"], outcome=outcome,
                   control=control, lift=scale * lift, low=scale * r["lift_low"], high=scale * r["lift_high"],
                   base=base, treated=treated, digits=2 if small else 1,
                   rel=Message("experiments.rel", rel=r["rel_lift"]) if pd.notna(r["rel_lift"])
                   else Message("value.none"),
                   p=Message("experiments.p.value", p=p))


# --------------------------------------------------------------------------------------------
# Columns of an uploaded experiment file
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExperimentColumns:
    """Suggested roles of an experiment table's columns (the page lets the user change them)."""

    arm: str | None
    control: str | None
    binary_outcomes: list
    money_outcomes: list
    features: list
    id_column: str | None


def suggest_control(values) -> str | None:
    """The arm that looks like the control group ("No E-Mail", "control", "holdout"…)."""
    labels = sorted({str(v) for v in pd.Series(values).dropna()})
    hits = [v for v in labels if _CONTROL_NAMES.search(v)]
    return hits[0] if hits else (labels[0] if labels else None)


def suggest_covariate(candidates) -> str | None:
    """The candidate that looks measured before the campaign and predictive of spend (past spend,
    history, pre-period ...), else the first; None without candidates."""
    candidates = list(candidates)
    return next((c for c in candidates if any(w in str(c).lower() for w in ("monetary", "history", "spend", "pre"))),
                candidates[0] if candidates else None)


def suggest_columns(df: pd.DataFrame) -> ExperimentColumns:
    """Guess arm, control, outcomes, features and the customer id from names and values."""
    n = len(df)
    card = {c: df[c].nunique(dropna=True) for c in df.columns}
    id_column = next((c for c in df.columns if _ID_NAMES.search(str(c)) and card[c] >= 0.9 * n and n > 0), None)
    candidates = [c for c in df.columns if 2 <= card[c] <= 20 and c != id_column]
    arm = next((c for c in candidates if _ARM_NAMES.match(str(c).strip())), None)
    if arm is None:
        arm = next((c for c in candidates if not pd.api.types.is_numeric_dtype(df[c])
                    and any(_CONTROL_NAMES.search(str(v)) for v in df[c].dropna().unique())), None)
    binary, money = [], []
    for c in df.columns:
        if c in (arm, id_column) or not pd.api.types.is_numeric_dtype(df[c]):
            continue
        if is_binary(df[c]) and _BINARY_OUTCOMES.search(str(c)):
            binary.append(c)
        elif not is_binary(df[c]) and _MONEY_OUTCOMES.search(str(c)) and not re.search(r"(pre|hist|last|before|"
                                                                                      r"prior|monetary)", str(c), re.I):
            money.append(c)
    used = {arm, id_column, *binary, *money}
    features = [c for c in df.columns if c not in used and (pd.api.types.is_numeric_dtype(df[c]) or card[c] <= 50)]
    return ExperimentColumns(arm=arm, control=suggest_control(df[arm]) if arm else None, binary_outcomes=binary,
                             money_outcomes=money, features=features, id_column=id_column)


# --------------------------------------------------------------------------------------------
# A campaign table, and a campaign inside the sales
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Campaign:
    """A campaign table (one row per customer) known by a key that names its content.

    Why: an analysis' settings are its cache key, and a campaign is part of them. Hashing a table
    on every rerun would cost time, so whoever makes a Campaign says what identifies its content
    once (an upload's SHA-256, a dataset's version, what the campaign was built from), and two
    Campaigns are equal when their keys are.

    Attributes
    ----------
    table : DataFrame
        One row per customer: an arm column, outcomes, features measured before the campaign.
    key : str
        What identifies ``table``'s content.
    """

    table: pd.DataFrame
    key: str

    def __eq__(self, other) -> bool:
        return isinstance(other, Campaign) and self.key == other.key

    def __hash__(self) -> int:
        return hash(("Campaign", self.key))

    def __repr__(self) -> str:
        return f"Campaign({len(self.table)} rows, key={self.key!r})"


def table_key(frame: pd.DataFrame) -> str:
    """A key naming a table's content (its columns, types and every value): SHA-256 of pandas' row
    hashes, for a ``Campaign`` made from a frame in hand (notebooks, the command line)."""
    digest = hashlib.sha256(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class CampaignWindow:
    """The first and last day a campaign's coupon codes were used."""

    first_day: pd.Timestamp
    last_day: pd.Timestamp


def coupon_codes(sales: SalesSource) -> pd.DataFrame:
    """Every coupon code of the sales with the first and last time it was used and its lines.

    The lines are grouped in the sales' engine; one row per code comes back.

    Returns
    -------
    DataFrame
        ``coupon_code, first, last, lines``, by code; empty when the sales have no coupon codes.
    """
    lines = sales_table(sales, ["order_date"], optional=["coupon_code"])
    if "coupon_code" not in lines.columns:
        return pd.DataFrame({"coupon_code": pd.Series(dtype=object), "first": pd.Series(dtype="datetime64[ns]"),
                             "last": pd.Series(dtype="datetime64[ns]"), "lines": pd.Series(dtype=np.int64)})
    used = lines.filter(lines["coupon_code"].notnull())
    codes = used.group_by("coupon_code").aggregate(first=used["order_date"].min(), last=used["order_date"].max(),
                                                    lines=used.count())
    return fetch(codes.order_by("coupon_code"))


def suggest_campaign_codes(sales: SalesSource | pd.DataFrame, max_days: int = 60) -> list[str]:
    """Coupon codes that look like one campaign's: all their uses fall within ``max_days`` days
    (a standing code such as SAVE10 is used all year round). ``sales``: order lines, or their
    ``coupon_codes``."""
    codes = sales if _is_codes(sales) else coupon_codes(sales)
    short = codes[(codes["last"] - codes["first"]) <= pd.Timedelta(days=max_days)]
    return sorted(short["coupon_code"].astype(str), key=natural_key)


def _is_codes(frame) -> bool:
    return isinstance(frame, pd.DataFrame) and list(frame.columns) == ["coupon_code", "first", "last", "lines"]


def coupon_window(sales: SalesSource | pd.DataFrame, codes: list[str]) -> CampaignWindow:
    """When the campaign's coupon codes were used (a first guess of its window). ``sales``: order
    lines, or their ``coupon_codes``."""
    known = sales if _is_codes(sales) else coupon_codes(sales)
    if known.empty:
        raise DataError(Message("experiments.error.no_coupon_codes"))
    used = known[known["coupon_code"].isin(codes)]
    if used.empty:
        raise DataError(Message("experiments.error.unknown_codes", codes=", ".join(codes)))
    return CampaignWindow(first_day=used["first"].min().normalize(), last_day=used["last"].max().normalize())


def campaign_from_transactions(sales: SalesSource, recipients: pd.DataFrame, launch, days: int,
                               codes: list[str] | None = None) -> pd.DataFrame:
    """Build the campaign table (one row per recipient) from the sales and the list of who got what.

    The order lines are summed per customer in the sales' engine (before the launch, and in the
    outcome window); only those per-customer aggregates come back and are matched to the
    recipients here.

    Parameters
    ----------
    sales : DataFrame or ibis.Table
        Order lines (``engine.sales_table``): customer_id, order_id, order_date, quantity,
        unit_price; channel, discount and coupon_code are used where present.
    recipients : DataFrame
        ``customer_id`` and ``arm`` for every customer in the experiment, control included.
    launch : date-like
        The campaign's first day; features use the sales before it, outcomes the ``days`` after.
    days : int
        Length of the outcome window in days.
    codes : list of str, optional
        The campaign's coupon codes; adds ``redeemed`` (1 when the customer used one of them).

    Returns
    -------
    DataFrame
        ``customer_id, arm``, pre-period features ``recency_days, frequency, monetary,
        tenure_days, online_share, discount_share, preferred_channel`` (-1 days / "none" for
        customers without earlier purchases), and outcomes ``converted`` (bought in the window)
        and ``spend`` (net of discounts).
    """
    _check_columns(recipients, "customer_id", "arm")
    if recipients["customer_id"].duplicated().any():
        dup = recipients.loc[recipients["customer_id"].duplicated(), "customer_id"].iloc[0]
        raise DataError(Message("experiments.error.recipient_twice", customer=str(dup)))
    if days < 1:
        raise DataError(Message("experiments.error.window_days"))
    launch = pd.Timestamp(launch)
    end = launch + pd.Timedelta(days=int(days))
    lines = sales_table(sales, ["customer_id", "order_id", "order_date", "quantity", "unit_price"],
                        optional=["channel", "discount", "coupon_code"])
    lines = lines.filter(lines["customer_id"].notnull())
    revenue = lines["quantity"].cast("float64") * lines["unit_price"].cast("float64")
    discount = lines["discount"].cast("float64").fill_null(0.0) if "discount" in lines.columns else ibis.literal(0.0)
    online = ((lines["channel"].lower() == "online").fill_null(False) if "channel" in lines.columns
              else ibis.literal(False)).cast("float64")
    lines = lines.mutate(r=revenue, gross=revenue.clip(lower=0), disc=discount, online=online)
    pre = lines.filter(lines["order_date"] < launch)
    features = fetch(pre.group_by("customer_id").aggregate(
        last=pre["order_date"].max(), first=pre["order_date"].min(), frequency=pre["order_id"].nunique(),
        monetary=exact_sum(pre["r"]), online_share=pre["online"].mean(), disc=exact_sum(pre["disc"]),
        gross=exact_sum(pre["gross"])))
    if features.empty and not len(fetch(lines.select("customer_id").limit(1))):
        raise DataError(Message("experiments.error.no_customer_ids"))
    in_window = lines.filter((lines["order_date"] >= launch) & (lines["order_date"] < end) & (lines["quantity"] > 0))
    used = (in_window["coupon_code"].isin(list(codes)).fill_null(False) if codes and "coupon_code" in in_window.columns
            else in_window["r"].isnull() & False)
    window = fetch(in_window.group_by("customer_id").aggregate(spend=exact_sum(in_window["r"] - in_window["disc"]),
                                                               redeemed=used.cast("int64").max()))
    ids = recipients["customer_id"].astype(str).to_numpy()
    g = features.set_index("customer_id")
    feats = pd.DataFrame({
        "recency_days": (launch - g["last"]).dt.days,
        "frequency": g["frequency"],
        "monetary": g["monetary"].round(2),
        "tenure_days": (launch - g["first"]).dt.days,
        "online_share": g["online_share"].round(3),
        "discount_share": (g["disc"] / g["gross"].where(lambda s: s > 0)).fillna(0).round(4),
    }).reindex(ids)
    feats["preferred_channel"] = np.select([feats["online_share"] >= 0.8, feats["online_share"] <= 0.2],
                                           ["online", "store"], "both")
    feats.loc[feats["frequency"].isna(), "preferred_channel"] = "none"
    for col in ("frequency", "recency_days", "tenure_days"):
        feats[col] = feats[col].fillna(-1).astype(np.int64)
    feats[["monetary", "online_share", "discount_share"]] = feats[["monetary", "online_share",
                                                                   "discount_share"]].fillna(0.0)
    out = feats.reset_index(names="customer_id")
    out.insert(1, "arm", recipients["arm"].astype(str).to_numpy())
    bought = window.set_index("customer_id")
    out["converted"] = out["customer_id"].isin(bought.index).astype(np.int64)
    out["spend"] = bought["spend"].reindex(ids, fill_value=0.0).round(2).to_numpy()
    if codes:
        out["redeemed"] = bought["redeemed"].reindex(ids, fill_value=0).astype(np.int64).to_numpy()
    return out
