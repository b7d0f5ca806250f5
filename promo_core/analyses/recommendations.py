"""The Recommendations page's analysis: the next products to show each customer (with a reason a
person can check), an honest test on the data's own later purchases of whether that beats showing
best-sellers, and what sells with what (basket rules).

It has three parts, each failing on its own and each depending on its own settings only, so that
a page can run them separately (``Params.for_part``) and a change of one setting refits nothing
else:

- ``"evaluation"``: every model fitted on the purchases before a cut date and scored on what
  customers bought from it on (``recommend.temporal_split``, ``recommend.evaluate``);
- ``"model"``: one model fitted on all purchases; looking up one customer's list afterwards
  (``recommendations_for``, ``history``) is arithmetic on the fitted model, no engine and no refit;
- ``"rules"``: baskets and association rules (``basket.baskets_from``, ``basket.association_rules``).

With browsing events (``Params.events``), both personal parts learn from views and cart adds
beside purchases (``recommend.with_browsing``), and the evaluation also says whether that helps:
the best personal model fitted on the purchases before the cut alone and on them plus the
browsing before the cut, scored on the same customers' later purchases (``Result.browsing``; a
problem under "browsing" when it cannot be measured).

>>> result = run(transactions, Params(model="knn"))
>>> result.evaluation.table                      # one row per model
>>> recommendations_for(result.fitted, ["c1"])   # one customer's list, with reasons
>>> result.rules.strong                          # rules with lift above 1
"""
from __future__ import annotations

import dataclasses
import datetime
import io
from collections.abc import Mapping
from dataclasses import dataclass, field

import ibis
import pandas as pd

from promo_core import basket, recommend, segments
from promo_core.analyses import Progress, Steps
from promo_core.dates import order_span
from promo_core.engine import SalesSource, fetch, sales_table
from promo_core.errors import DataError
from promo_core.io import normalise_header, read_table
from promo_core.text import Message

PARTS = frozenset({"evaluation", "model", "rules"})
MODELS = ("popularity", "segment", "knn", "als", "content", "hybrid")  # compared, in this order
BASELINE = "popularity"
AUTO = "auto"  # min_support: about 20 baskets' worth (the page's default)
STRONGEST = "strongest"  # min_support: the highest of REPORT_SUPPORTS giving ENOUGH_RULES (the report's)
REPORT_SUPPORTS = (0.01, 0.005, 0.002, 0.001)
ENOUGH_RULES = 10  # rules with lift above 1 that STRONGEST looks for
MIN_RULE_BASKETS = 10  # STRONGEST never goes below a support of this many baskets
HISTORY_ROWS = 15  # purchases shown beside a customer's list


@dataclass(frozen=True)
class Products:
    """A products table (``product_id`` and any of ``product_name``, ``category``, ``description``)
    for the content model, equal to another when their content is: a cache keys on ``digest``."""

    table: pd.DataFrame = field(compare=False, repr=False)
    digest: str = ""

    @classmethod
    def of(cls, table: pd.DataFrame | None) -> "Products | None":
        """The products of ``table`` (None for none)."""
        if table is None:
            return None
        digest = f"{len(table)}-{int(pd.util.hash_pandas_object(table).sum())}"
        return cls(table=table, digest=digest)


_PRODUCT_COLUMNS = {"productid": "product_id", "productname": "product_name", "category": "category",
                    "description": "description"}


def read_products(data: bytes, name: str) -> pd.DataFrame:
    """A products table from an uploaded CSV or Excel file (``name`` says which, and is quoted in
    errors); headers are matched case- and space-insensitively.

    Raises
    ------
    DataError
        When the file cannot be read as a table, or has no ``product_id`` column.
    """
    upload = io.BytesIO(data)
    upload.name = name
    try:
        frame = read_table(upload, text=True).data  # (the one reader of files: any dialect, encoding, .xlsx, Parquet)
    except DataError:  # (the file's fault, whatever it is: said in this page's words)
        raise DataError(Message("recommend.error.products_unreadable", name=name)) from None
    frame.columns = [_PRODUCT_COLUMNS.get(normalise_header(c), str(c).strip()) for c in frame.columns]
    if "product_id" not in frame.columns:
        raise DataError(Message("recommend.error.products_no_product_id", name=name, columns=list(frame.columns)))
    return frame.astype({"product_id": str})


@dataclass(frozen=True)
class Events:
    """Browsing events (``customer_id``, ``product_id``, ``event``, ``event_time``; a DataFrame or an
    Ibis table) known by a key naming their content (a dataset's version, an upload's hash): two
    are equal when their keys are, so a cache keyed on the settings never hashes the rows."""

    table: object = field(compare=False, repr=False)
    key: str = ""


@dataclass(frozen=True)
class Params:
    """Every setting of the Recommendations page.

    Attributes
    ----------
    parts : frozenset of str
        The parts to run: any of ``PARTS``.
    k : int
        Products per list (the k of precision@k, NDCG@k ...), for the evaluation.
    exclude_bought : bool
        Leave products a customer bought before out of the lists and of the test (evaluation).
    half_life_days : float, optional
        Recency decay of purchases (None: none).
    cut : date, optional
        Where the evaluation splits the purchases; None: ``recommend.default_cut``.
    weighting : {"bm25", "tfidf"}
        How item kNN weights purchases.
    products : Products, optional
        A products table: its products and texts join the product axis and the content model.
    models : tuple of str
        The models compared (of ``MODELS``; "segment" is left out when customers cannot be segmented).
    model : str, optional
        The model fitted on all purchases (part "model"); None: the one the evaluation of the same
        run recommends, or best-sellers without it.
    basket_by : {"order", "customer_date"}
        What a basket is.
    min_support : float or "auto" or "strongest"
        Smallest share of baskets a rule's products appear together in. ``AUTO``: about 20 baskets'
        worth (0.0002 to 0.05); ``STRONGEST``: the highest of ``REPORT_SUPPORTS`` that gives
        ``ENOUGH_RULES`` rules with lift above 1 (never below ``MIN_RULE_BASKETS`` baskets).
    min_confidence : float
        Smallest confidence a rule must reach.
    max_len : int
        Most products in a rule.
    events : Events, optional
        Browsing events: views and cart adds count beside purchases (``recommend.with_browsing``,
        weights ``recommend.BROWSING_WEIGHTS``) and the evaluation measures what they bring. The
        default cut then leaves browsing before it (``default_cut``).
    """

    parts: frozenset = PARTS
    k: int = 10
    exclude_bought: bool = True
    half_life_days: float | None = None
    cut: datetime.date | None = None
    weighting: str = "bm25"
    products: Products | None = None
    models: tuple = MODELS
    model: str | None = None
    basket_by: str = "order"
    min_support: float | str = AUTO
    min_confidence: float = 0.05
    max_len: int = 3
    events: Events | None = None

    def for_part(self, part: str) -> "Params":
        """These settings reduced to the ones ``part`` depends on (the others at their defaults),
        so that a cache keyed on them runs a part again only when one of its own settings changes:
        another customer shown, or another basket definition, refits no model."""
        return Params(parts=frozenset({part}), **{name: getattr(self, name) for name in _DEPENDS[part]})


_DEPENDS = {"evaluation": ("k", "exclude_bought", "half_life_days", "cut", "weighting", "products", "models", "events"),
            "model": ("model", "half_life_days", "weighting", "products", "events"),
            "rules": ("basket_by", "min_support", "min_confidence", "max_len")}


@dataclass(frozen=True)
class Fitted:
    """One model fitted on all purchases, ready to be asked about any customer."""

    key: str  # of MODELS
    model: recommend.Recommender
    history_sizes: pd.Series  # customer_id -> different products bought, longest history first


@dataclass(frozen=True)
class Rules:
    """Frequently bought together: the rules mined from the baskets and what the page lists."""

    n_baskets: int
    min_support: float  # the support used
    chosen: bool  # whether the support was chosen automatically (AUTO or STRONGEST)
    rules: pd.DataFrame  # basket.association_rules
    strong: pd.DataFrame  # the rules with lift above 1
    strongest_lift: float  # NaN without strong rules
    names: Mapping[str, str]  # product id -> name
    products: tuple  # products with a one-product rule of lift above 1, most strongly linked first


@dataclass(frozen=True)
class Result:
    """Everything the Recommendations page and the report's two sections show.

    A part not asked for (``Params.parts``) or that could not be computed is None, with the reason
    in ``problems`` under its name ("evaluation", "model", "rules").
    """

    params: Params
    has_customers: bool | None  # whether any line has a customer id (None when no personal part ran)
    evaluation: recommend.Evaluation | None = None  # model names are keys of MODELS; without its split
    recommended: str | None = None  # the model to use: the best when it clearly beats best-sellers
    ndcg_gain: float | None = None  # the best model's NDCG@k minus the best-sellers'
    verdict: Message | None = None
    fitted: Fitted | None = None
    rules: Rules | None = None
    problems: Mapping[str, Message] = field(default_factory=dict)
    browsing: recommend.BrowsingGain | None = None  # with events: what browsing adds (model: a key of MODELS)
    browsing_verdict: Message | None = None


def model_name(key: str) -> Message:
    """How a model of ``MODELS`` is called."""
    return Message(f"recommendations.model.{key}")


def run(source: SalesSource, params: Params = Params(), progress: Progress | None = None) -> Result:
    """The Recommendations analysis of a sales source.

    Parameters
    ----------
    source : DataFrame or ibis.Table
        Order lines (see ``promo_core.engine.sales_table``); per-line work runs in its engine.
    params : Params
    progress : callable, optional
        Told each step's ``Message`` as it starts (each model of the evaluation is one step).

    Returns
    -------
    Result
        Never raises for the data: a part that fails is None with its reason in ``problems``.
    """
    wanted = set(params.parts) | ({"browsing"} if params.events is not None and "evaluation" in params.parts else set())
    steps = Steps(wanted, progress)
    sales = sales_table(source)
    personal = bool({"evaluation", "model"} & params.parts)
    has_customers = _has_customers(sales) if personal else None
    evaluation = browsing = browsing_verdict = None
    if personal and not has_customers:
        for part in {"evaluation", "model"} & params.parts:
            steps.run(part, Message("recommendations.step.split"), _no_customers)
    else:
        evaluation, browsing = steps.run("evaluation", Message("recommendations.step.split"), _evaluate, source, sales,
                                         params, steps) or (None, None)
    if browsing is not None:
        browsing_verdict = recommend.browsing_verdict(browsing, model_name(browsing.model))
    recommended = verdict = gain = None
    if evaluation is not None:
        recommended = evaluation.best if evaluation.beats_baseline else evaluation.baseline
        ndcg = evaluation.table.set_index("model")["ndcg"]
        gain = float(ndcg[evaluation.best] - ndcg[evaluation.baseline])
        verdict = recommend.verdict(evaluation, {key: model_name(key) for key in evaluation.table["model"]})
    key = params.model or recommended or BASELINE
    fitted = None
    if has_customers:
        fitted = steps.run("model", Message("recommendations.step.fit", model=model_name(key)), _fit, source, sales,
                           params, key, steps)
    rules = steps.run("rules", Message("recommendations.step.baskets"), _rules, sales, params, steps)
    return Result(params=params, has_customers=has_customers, evaluation=evaluation, recommended=recommended,
                  ndcg_gain=gain, verdict=verdict, fitted=fitted, rules=rules, problems=steps.problems,
                  browsing=browsing, browsing_verdict=browsing_verdict)


def _has_customers(sales: ibis.Table) -> bool:
    if "customer_id" not in sales.columns:
        return False
    found = fetch(sales.aggregate(lines=sales.count(where=sales.customer_id.notnull())))
    return bool(found["lines"].iloc[0])


def _no_customers():
    raise DataError(Message("recommend.error.no_customers"))


def _segments(source: SalesSource, as_of=None) -> pd.Series | None:
    """Each customer's RFM segment as of ``as_of`` (None when customers cannot be segmented). From
    the source as given, not its canonical table: a workspace's dataset has its lines grouped per
    order stored beside it (``segments.customer_orders``; 24 s of 100 million lines' evaluation)."""
    try:
        return segments.rfm(source, as_of).set_index("customer_id")["segment"]
    except DataError:
        return None


def _models(keys, segment_of: pd.Series | None, weighting: str) -> dict:
    """The models of ``keys`` (in ``MODELS`` order); the hybrid's best-seller part is per segment
    when segments exist. They are the same objects as the stand-alone models, so an evaluation fits
    each only once; "segment" is left out without segments."""
    knn, als, content = recommend.ItemKNN(weighting=weighting), recommend.ALS(), recommend.ContentBased()
    popular, popular_in_segment = recommend.Popularity(), recommend.Popularity(segments=segment_of)
    every = {"popularity": popular, "segment": popular_in_segment, "knn": knn, "als": als, "content": content,
             "hybrid": recommend.Hybrid([("kNN", knn, 0.45), ("ALS", als, 0.35), ("content", content, 0.1),
                                         ("popularity", popular if segment_of is None else popular_in_segment, 0.1)])}
    return {key: every[key] for key in MODELS if key in keys and (key != "segment" or segment_of is not None)}


def _needs_segments(keys) -> bool:
    return bool({"segment", "hybrid"} & set(keys))


def _evaluate(source: SalesSource, sales: ibis.Table, params: Params,
              steps: Steps) -> tuple[recommend.Evaluation, recommend.BrowsingGain | None]:
    """The evaluation (without its split) and, with events, what browsing adds (None when that
    cannot be measured: the reason is the "browsing" problem).

    With events every model learns from the purchases and the browsing before the cut (so the
    model recommended is the best one with browsing: on the demo item kNN gains more from it than
    ALS and overtakes it), and the best personal model is then fitted on purchases alone too."""
    products = params.products.table if params.products is not None else None
    if params.cut is not None:
        cut = pd.Timestamp(params.cut)
    elif params.events is not None:
        span = order_span(sales)
        cut = pd.Timestamp(default_cut(span.first, span.last, params.events))
    else:
        cut = recommend.default_cut(sales)
    split = recommend.temporal_split(sales, cut=cut, half_life_days=params.half_life_days, catalogue=products)
    segment_of = None
    if _needs_segments(params.models):
        steps.announce(Message("recommendations.step.segments"))
        # (segments as of the day before the cut: the same scores as from the lines before a midnight
        # cut, which every default cut is; scores rank customers, so the as-of day only shifts recency)
        segment_of = _segments(source, split.cut.normalize() - pd.Timedelta(days=1))
    models = _models(params.models, segment_of, params.weighting)

    def told(done: int, total: int, name: str) -> None:
        if done < total:
            steps.announce(Message("recommendations.step.evaluate", model=model_name(name), done=done + 1,
                                   total=total))

    trained = split
    if params.events is not None:
        both = steps.run("browsing", Message("recommendations.step.browsing_fit"), recommend.with_browsing,
                         split.train, params.events.table, before=split.cut)
        trained = split if both is None else dataclasses.replace(split, train=both)
    evaluation = recommend.evaluate(models, trained, k=params.k, exclude_bought=params.exclude_bought, progress=told)
    browsing = None
    if trained is not split:
        browsing = steps.run("browsing", Message("recommendations.step.browsing"), _browsing, evaluation, models,
                             split, params)
    return evaluation.without_split(), browsing


PERSONAL = ("knn", "als", "content", "hybrid")  # the models browsing can change (best-sellers count purchases)


def _browsing(evaluation: recommend.Evaluation, models: dict, split: recommend.Split,
              params: Params) -> recommend.BrowsingGain:
    """The evaluation's best personal model on purchases alone vs with browsing (``split``: the
    purchases' split; the browsing before its cut is counted again, a second's work on the demo)."""
    table = evaluation.table[evaluation.table["model"].isin(PERSONAL)]
    if table.empty:
        raise DataError(Message("recommend.browsing.error.no_personal_model"))
    key = table.loc[table["ndcg"].idxmax(), "model"]
    return recommend.evaluate_browsing(models[key], split, params.events.table, name=key, k=params.k,
                                       exclude_bought=params.exclude_bought)


def _fit(source: SalesSource, sales: ibis.Table, params: Params, key: str, steps: Steps) -> Fitted:
    products = params.products.table if params.products is not None else None
    inter = recommend.interactions_from(sales, half_life_days=params.half_life_days, catalogue=products)
    if params.events is not None:
        steps.announce(Message("recommendations.step.browsing_fit"))
        inter = recommend.with_browsing(inter, params.events.table)
    segment_of = None
    if _needs_segments([key]):
        steps.announce(Message("recommendations.step.segments"))
        # best-sellers in segment need the segments (rfm says why there are none); the hybrid does without
        segment_of = segments.rfm(source).set_index("customer_id")["segment"] if key == "segment" else _segments(source)
        steps.announce(Message("recommendations.step.fit", model=model_name(key)))
    models = _models([key], segment_of, params.weighting)
    model = models[key].fit(inter)
    sizes = pd.Series(inter.bought.getnnz(axis=1), index=inter.customers).sort_values(ascending=False)
    return Fitted(key=key, model=model, history_sizes=sizes)


def recommendations_for(fitted: Fitted, customers, k: int = 10, exclude_bought: bool = True) -> pd.DataFrame:
    """Each customer's top-``k`` products with the reason (a ``Message``): ``customer_id``,
    ``rank``, ``product_id``, ``product_name``, ``score``, ``reason``. Arithmetic on the fitted
    model: no engine, no refit. ``customers`` None: every customer the model knows."""
    out = fitted.model.recommend(customers, k=int(k), exclude_bought=exclude_bought)
    return out[["customer_id", "rank", "product_id", "product_name", "score", "reason"]]


def browsing_table(browsing: recommend.BrowsingGain) -> pd.DataFrame:
    """The comparison of ``Result.browsing`` as shown and saved: ``feedback`` in words (a
    ``Message``), NDCG with its interval, hit rate, precision, recall and fitting seconds."""
    table = browsing.table.copy()
    table["feedback"] = [Message(f"recommendations.browsing.feedback.{f}") for f in table["feedback"]]
    return table[["feedback", "ndcg", "ndcg_low", "ndcg_high", "hit_rate", "precision", "recall", "fit_seconds"]]


def sample_lists(fitted: Fitted, k: int = 10, exclude_bought: bool = True, rows: int = 200) -> pd.DataFrame:
    """The first ``rows`` rows of the lists for every customer (``recommendations_for`` with
    ``customers`` None), made for the first customers only: an example for a saved report."""
    first = fitted.model.interactions_.customers[:rows]  # (each has at least one product in its list)
    return recommendations_for(fitted, first, k, exclude_bought).head(rows)


def history(fitted: Fitted, customer: str, top: int = HISTORY_ROWS) -> pd.DataFrame:
    """What one customer bought most: ``product_id``, ``product_name``, ``purchases`` (net of
    returns, decay applied, 2 decimals), the ``top`` largest (none for a customer the model does
    not know)."""
    inter = fitted.model.interactions_
    row = inter.customers.get_indexer([customer])[0]
    if row < 0:
        return pd.DataFrame({"product_id": pd.Series(dtype=str), "product_name": pd.Series(dtype=str),
                             "purchases": pd.Series(dtype=float)})
    own = inter.bought[row]
    frame = pd.DataFrame({"product_id": inter.products[own.indices], "purchases": own.data.round(2)})
    frame["product_name"] = inter.names.reindex(frame["product_id"]).to_numpy()
    return frame.sort_values("purchases", ascending=False).head(top)[["product_id", "product_name", "purchases"]]


def _rules(sales: ibis.Table, params: Params, steps: Steps) -> Rules:
    baskets = basket.baskets_from(sales, by=params.basket_by)
    n = baskets.n_baskets
    steps.announce(Message("recommendations.step.rules"))
    if params.min_support == STRONGEST:
        supports = [s for s in REPORT_SUPPORTS if s * n >= MIN_RULE_BASKETS] or [MIN_RULE_BASKETS / n]
        for support in supports:
            support = min(support, 1.0)
            rules = basket.association_rules(baskets, min_support=support, min_confidence=params.min_confidence,
                                             max_len=params.max_len)
            if (rules["lift"] > 1).sum() >= ENOUGH_RULES:
                break
    else:
        support = params.min_support
        if support == AUTO:
            support = float(min(0.05, max(0.0002, round(20 / max(n, 1), 4))))
        rules = basket.association_rules(baskets, min_support=support, min_confidence=params.min_confidence,
                                         max_len=params.max_len)
    strong = rules[rules["lift"] > 1]
    singles = strong[strong["antecedents"].map(len) == 1]
    linked = singles.groupby(singles["antecedents"].str[0])["lift"].max().sort_values(ascending=False)
    return Rules(n_baskets=n, min_support=float(support), chosen=params.min_support in (AUTO, STRONGEST),
                 rules=rules, strong=strong,
                 strongest_lift=float(strong["lift"].max()) if len(strong) else float("nan"),
                 names=baskets.names.astype(str).to_dict(),
                 products=tuple(linked.index))


def bought_with(rules: Rules, product: str, top: int = 10) -> pd.DataFrame:
    """What sells with one product (``basket.bought_with`` on the strong rules)."""
    return basket.bought_with(rules.strong, product, pd.Series(rules.names, dtype=object), top=top)


def named_rules(rules: Rules) -> pd.DataFrame:
    """The strong rules with their products by name ("A + B"), strongest lift first."""
    name = lambda items: " + ".join(rules.names.get(p, p) for p in items)  # noqa: E731
    return rules.strong.assign(antecedents=rules.strong["antecedents"].map(name),
                               consequents=rules.strong["consequents"].map(name))


def distinct_sets(rules: Rules, top: int) -> pd.DataFrame:
    """The ``top`` strongest strong rules, each set of products once: A -> C and C -> A are the same
    products bought together, so only the first (stronger) direction is kept."""
    strong = rules.strong
    together = (strong["antecedents"] + strong["consequents"]).map(lambda items: tuple(sorted(items)))
    return strong[~together.duplicated()].head(top)


def default_cut(first_day, last_day, events: Events | None = None) -> datetime.date:
    """The evaluation's cut date by default for data from ``first_day`` to ``last_day``
    (``recommend.cut_between``): the date pickers' starting value. With browsing ``events``, a
    cut that leaves browsing before it (``recommend.browsing_cut``)."""
    if events is None:
        return recommend.cut_between(first_day, last_day).date()
    return recommend.browsing_cut(first_day, last_day, recommend.events_start(events.table)).date()
