"""The Voice of the customer page's analysis: what reviews and social posts say about each product
and category (sentiment over time, share negative, the aspects negative texts name, with quotes,
and a short summary), whether a classifier trained on the texts' star ratings reads them better
than the libraries, and how weekly sentiment moves with weekly sales.

>>> result = run(sales, Params(texts=Texts(frame, table_key(frame))))
>>> result.texts          # one row per text: language, label, score, aspects
>>> result.products       # one row per product
>>> result.problems       # {"sales": Message(...)} for a step the data cannot support

``Params.texts`` None reads the demo reviews (``voice.demo_texts``) written for the source's
products. The texts are the page's own upload and stay in pandas; per-line work on the sales
(weekly units per product, product names and categories) runs in the source's engine.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from promo_core import forecast, privacy, voice
from promo_core.analyses import Progress, Steps
from promo_core.dates import order_span
from promo_core.engine import SalesSource, sales_table
from promo_core.engine.sales import fetch, product_labels
from promo_core.errors import DataError
from promo_core.experiments import table_key
from promo_core.text import Message

PARTS = frozenset({"ratings", "summaries", "sales"})
MODELS = ("auto", "library", "classifier")
SENTENCE = r"(?<=[.!?。！？；;])\s*"
MIN_WEEKS = 8  # a product's sentiment joins the sales correlation from this many weeks with texts on


@dataclass(frozen=True, eq=False)
class Texts:
    """An uploaded table of texts known by a key that names its content (an upload's SHA-256):
    the analysis' settings are its cache key, and hashing the rows on every rerun would cost time.
    Two ``Texts`` are equal when their keys are."""

    table: pd.DataFrame
    key: str

    def __eq__(self, other) -> bool:
        return isinstance(other, Texts) and self.key == other.key

    def __hash__(self) -> int:
        return hash(("Texts", self.key))


@dataclass(frozen=True)
class Params:
    """Every setting of the Voice page.

    Attributes
    ----------
    texts : Texts, optional
        The uploaded reviews or posts; None: the demo reviews for the source's products.
    protect : bool
        Redact e-mail addresses and phone numbers in the demo texts (privacy mode; an upload is
        protected as it is read).
    model : {"auto", "library", "classifier"}
        Which labels the page uses: "auto" the classifier trained on the ratings when it labels
        held-out texts more accurately than the libraries, else the libraries'.
    max_lag_weeks : int
        The sales correlation pairs sentiment with sales up to this many weeks before and after.
    summary_sentences : int
        Sentences in each product's summary.
    min_rated : int
        Rated texts needed to train and check a classifier.
    n_splits : int
        Folds of the classifier's cross-validation.
    random_state : int
        Seed of the folds and of the demo texts.
    parts : frozenset of str
        The optional steps to run: any of ``PARTS``.
    """

    texts: Texts | None = None
    protect: bool = False
    model: str = "auto"
    max_lag_weeks: int = 4
    summary_sentences: int = 3
    min_rated: int = 100
    n_splits: int = 5
    random_state: int = 0
    parts: frozenset = PARTS


@dataclass(frozen=True)
class Ratings:
    """The classifier trained on the texts' star ratings against the libraries, on held-out texts.

    ``table``: method (classifier, library, majority), accuracy, f1, texts (``voice.evaluate``);
    ``used``: the labels the page shows ("classifier" or "library")."""

    table: pd.DataFrame
    used: str
    rated: int
    conflicting: int
    classifier_accuracy: float
    library_accuracy: float
    n_splits: int


@dataclass(frozen=True)
class SalesLink:
    """Weekly sentiment against weekly units sold of the same products.

    ``lags``: one row per lag in weeks (positive: sentiment first, sales ``lag`` weeks later) with
    the pooled correlation of both series (each product's weeks around its own mean, then each week
    around all products'), the number of product-weeks and the band a correlation stays inside 95%
    of the time under no relation, at every lag tried at once (±z/√n, z Bonferroni-corrected for
    the lags). ``products``: the matched products. A correlation, not a cause: a promotion can
    raise both sales and happy reviews, and a product's own trend in sales and in reviews can line
    up by chance."""

    lags: pd.DataFrame
    products: int
    matched_texts: int
    strongest_lag: int  # the lag of the largest correlation in size
    strongest: float  # that correlation
    clear: bool  # whether it lies outside the band chance alone gives
    band: float  # that band at the strongest lag


@dataclass(frozen=True)
class Result:
    """Everything the Voice page and its report show.

    ``texts``: one row per text (the upload's columns made canonical, then ``lang``, ``label``,
    ``score``, ``library_label``, ``library_score``, ``aspects`` as "price, delivery"). ``weekly``:
    week, texts, mean_score, share_negative of all texts; ``product_weekly`` and
    ``category_weekly`` the same per product and per category.
    ``products`` / ``categories``: texts, mean_score, share_positive, share_negative, top
    negative aspect and a quote of it; ``aspects``: per aspect texts, share_of_texts, negative
    texts, share_negative and a quote. Optional parts are None with the reason in ``problems``.
    """

    params: Params
    demo: bool
    texts: pd.DataFrame
    quarantine: pd.DataFrame
    columns: Mapping[str, str]
    n_texts: int
    share_positive: float
    share_negative: float
    mean_score: float
    languages: Mapping[str, int]
    weekly: pd.DataFrame | None
    product_weekly: pd.DataFrame | None
    category_weekly: pd.DataFrame | None
    products: pd.DataFrame | None
    categories: pd.DataFrame | None
    aspects: pd.DataFrame
    new_words: pd.DataFrame  # voice.new_aspect_words: candidates for aspects the keyword lists miss
    negative_aspects: pd.DataFrame | None
    notes: tuple[Message, ...]
    truth: pd.DataFrame | None = None
    ratings: Ratings | None = None
    summaries: pd.DataFrame | None = None
    sales: SalesLink | None = None
    problems: Mapping[str, Message] = field(default_factory=dict)


def run(source: SalesSource | None, params: Params = Params(), progress: Progress | None = None) -> Result:
    """The Voice of the customer analysis.

    Parameters
    ----------
    source : DataFrame or ibis.Table, optional
        The sales (``engine.sales_table``): product names and categories, the demo texts' products
        and the weekly sales the sentiment is compared with. None: texts alone (no demo).
    params : Params
    progress : callable, optional
        Told each step's ``Message`` as it starts.

    Raises
    ------
    DataError
        When the texts cannot be read at all (no text column, no row with text, an unknown model).
    """
    if params.model not in MODELS:
        raise DataError(Message("voice.error.model", model=params.model, models=list(MODELS)))
    steps = Steps(params.parts, progress)
    steps.announce(Message("voice.step.reading"))
    sales = sales_table(source, ["product_id", "order_date"], optional=["product_name", "category", "customer_id"]) \
        if source is not None else None
    truth = None
    if params.texts is None:
        if sales is None:
            raise DataError(Message("voice.error.no_texts"))
        demo = _demo(sales, params)
        frame, truth = demo.table, demo.truth
    else:
        frame = params.texts.table
    read = voice.text_table(frame)
    data = read.data
    if data.empty:
        raise DataError(Message("voice.error.no_rows", rows=len(read.quarantine)))
    labels = product_labels(sales, ("product_name", "category")) if sales is not None and "product_id" in data else None
    if labels is not None:
        data = _with_labels(data, labels)

    steps.announce(Message("voice.step.scoring", texts=len(data)))
    scored = voice.sentiment(data["text"])
    found = voice.aspects(data["text"])
    data = data.assign(lang=scored["lang"].to_numpy(), library_label=scored["label"].to_numpy(),
                       library_score=scored["score"].to_numpy(),
                       aspects=[", ".join(found.columns[row]) for row in found.to_numpy()])
    ratings = steps.run("ratings", Message("voice.step.ratings"), _ratings, data, params) \
        if "rating" in data and params.model != "library" else None
    use_classifier = ratings is not None and (params.model == "classifier" or ratings.used == "classifier")
    if use_classifier:
        rated = data["rating"].notna()
        model = voice.SentimentClassifier().fit(data.loc[rated, "text"], voice.rating_labels(data.loc[rated, "rating"]))
        data = data.assign(label=model.predict(data["text"]), score=model.score_texts(data["text"]))
    else:
        data = data.assign(label=data["library_label"], score=data["library_score"])
    negative = data["label"].eq("negative").to_numpy()

    steps.announce(Message("voice.step.products"))
    has_dates = "date" in data and data["date"].notna().any()
    weekly = _weekly(data, []) if has_dates else None
    has_products = "product_id" in data and data["product_id"].notna().any()
    product_weekly = _weekly(data, ["product_id"]) if has_dates and has_products else None
    products = _groups(data, found, negative, "product_id") if has_products else None
    has_categories = "category" in data and data["category"].notna().any()
    categories = _groups(data, found, negative, "category") if has_categories else None
    category_weekly = _weekly(data, ["category"]) if has_dates and has_categories else None
    summaries = steps.run("summaries", Message("voice.step.summaries"), _summaries, data,
                          params.summary_sentences) if has_products else None
    link = steps.run("sales", Message("voice.step.sales"), _sales_link, source, data, params.max_lag_weeks) \
        if source is not None and has_products and has_dates else None
    notes = _notes(read, data, use_classifier, ratings)
    return Result(params=params, demo=params.texts is None, texts=data, quarantine=read.quarantine,
                  columns=read.columns, n_texts=len(data), share_positive=float(data["label"].eq("positive").mean()),
                  share_negative=float(negative.mean()), mean_score=float(data["score"].mean()),
                  languages={k: int((data["lang"] == k).sum()) for k in voice.LANGS}, weekly=weekly,
                  product_weekly=product_weekly, category_weekly=category_weekly, products=products, categories=categories,
                  aspects=_aspect_table(data, found, negative), new_words=voice.new_aspect_words(data["text"], negative),
                  negative_aspects=_negative_aspects(data, found, negative) if has_products else None,
                  notes=notes, truth=truth, ratings=ratings, summaries=summaries, sales=link, problems=steps.problems)


def redacted(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (reviews or posts) with the e-mail addresses, phone numbers and street addresses in
    its text column replaced (``privacy.redact``), whatever the privacy mode.

    Why always: the page's quotes and the report's are shown and passed around, and a customer's
    contact details in a review tell nothing about the product. The page's stored texts and the
    report's pass through this one function, so both read the same texts and show the same numbers.

    Raises
    ------
    DataError
        When no column holds text (``voice.text_table``).
    """
    column = voice.text_table(table).columns["text"]
    return table.assign(**{column: table[column].map(privacy.redact, na_action="ignore")})


def _demo(sales, params: Params) -> voice.DemoTexts:
    """The demo reviews for the source's products, over its order dates, by some of its customers."""
    span = order_span(sales)
    ids = fetch(sales.select("product_id").distinct().order_by("product_id"))["product_id"]
    customers = ()
    if "customer_id" in sales.columns:
        named = sales.filter(sales.customer_id.notnull()).select("customer_id").distinct()
        customers = fetch(named.order_by("customer_id").limit(5000))["customer_id"].tolist()
    demo = voice.demo_texts(ids, span.first, span.last, customers, seed=params.random_state)
    if params.protect:
        demo = voice.DemoTexts(table=demo.table.assign(text=demo.table["text"].map(privacy.redact)), truth=demo.truth)
    return demo


def _with_labels(data: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Texts with their product's name, and its category from the sales when the texts name none."""
    out = data.merge(labels.reset_index(), on="product_id", how="left", suffixes=("", "_sales"))
    if "category_sales" in out:
        out["category"] = out["category"].fillna(out.pop("category_sales"))
    return out


def _ratings(data: pd.DataFrame, params: Params) -> Ratings:
    """Cross-validated check of a classifier trained on the ratings against the libraries."""
    labels = voice.rating_labels(data["rating"])
    rated = labels.notna().to_numpy()
    if rated.sum() < params.min_rated:
        raise DataError(Message("voice.error.few_ratings", rated=int(rated.sum()), needed=params.min_rated))
    texts = data.loc[rated, "text"].str.strip()
    distinct = voice.distinct_labelled(texts, labels[rated])
    library = pd.Series(data.loc[rated, "library_score"].to_numpy(), index=texts.to_numpy())
    library = library[~library.index.duplicated()]
    check = voice.evaluate(texts, labels[rated], n_splits=params.n_splits, random_state=params.random_state,
                           library_scores=library.reindex(distinct["text"]).to_numpy())
    accuracy = check.table.set_index("method")["accuracy"]
    return Ratings(table=check.table, used=check.best, rated=int(rated.sum()), conflicting=check.conflicting,
                   classifier_accuracy=float(accuracy["classifier"]), library_accuracy=float(accuracy["library"]),
                   n_splits=params.n_splits)


def _weekly(data: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Texts, mean score and share negative per week (Monday) and ``keys``."""
    dated = data[data["date"].notna()]
    week = dated["date"].dt.to_period("W-SUN").dt.start_time
    grouped = dated.assign(week=week, negative=dated["label"].eq("negative")).groupby([*keys, "week"])
    return grouped.agg(texts=("text", "size"), mean_score=("score", "mean"),
                       share_negative=("negative", "mean")).reset_index()


def _quote(texts: pd.Series, scores: pd.Series) -> str:
    """The most negative text of a group, as its example quote."""
    return str(texts.iloc[int(np.argmin(scores.to_numpy()))]) if len(texts) else ""


def _groups(data: pd.DataFrame, found: pd.DataFrame, negative: np.ndarray, key: str) -> pd.DataFrame:
    """Per product or category: texts, mean score, shares positive and negative, the aspect its
    negative texts name most, how many name it, and the most negative such text; the products
    most surely disliked first (``_wilson_low``)."""
    frame = data[[key, "text", "score", "label"]].assign(negative=negative)
    frame = frame[frame[key].notna()]
    table = frame.groupby(key).agg(texts=("text", "size"), mean_score=("score", "mean"),
                                   share_positive=("label", lambda s: s.eq("positive").mean()),
                                   share_negative=("negative", "mean"))
    mask = negative & data[key].notna().to_numpy()
    counts = found[mask].assign(**{key: data.loc[mask, key].to_numpy()}).groupby(key)[list(found.columns)].sum()
    top = counts.idxmax(axis=1).where(counts.max(axis=1) > 0)
    table["top_negative_aspect"] = top.reindex(table.index)
    table["negative_mentions"] = counts.max(axis=1).reindex(table.index).fillna(0).astype(int)
    quotes = {}
    for name, aspect in table["top_negative_aspect"].dropna().items():
        rows = (data[key] == name).to_numpy() & negative & found[aspect].to_numpy()
        quotes[name] = _quote(data.loc[rows, "text"], data.loc[rows, "score"])
    table["quote"] = pd.Series(quotes, dtype=object).reindex(table.index)
    if key == "product_id" and "product_name" in data:
        names = data.dropna(subset=["product_id"]).drop_duplicates("product_id").set_index("product_id")
        table.insert(0, "product_name", names["product_name"].reindex(table.index))
        if "category" in data:
            table.insert(1, "category", names["category"].reindex(table.index))
    table.insert(table.columns.get_loc("share_negative") + 1, "share_negative_low",
                 _wilson_low(table["share_negative"], table["texts"]))
    return table.sort_values(["share_negative_low", "texts"], ascending=[False, False]).reset_index()


def _wilson_low(share: pd.Series, n: pd.Series, z: float = 1.96) -> pd.Series:
    """The lower end of the 95% Wilson interval of a share of ``n`` texts.

    Why rank by it: two negative reviews of two make a share of 100% that says little; the lower
    end puts a product with 30 negative reviews of 60 above it, as a reader would."""
    centre = share + z * z / (2 * n)
    spread = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)


def _aspect_table(data: pd.DataFrame, found: pd.DataFrame, negative: np.ndarray) -> pd.DataFrame:
    """Per aspect: texts naming it, their share of all texts, negative ones and a quote."""
    rows = []
    for aspect in found.columns:
        hit = found[aspect].to_numpy()
        bad = hit & negative
        rows.append({"aspect": aspect, "texts": int(hit.sum()), "share_of_texts": float(hit.mean()),
                     "negative_texts": int(bad.sum()),
                     "share_negative": float(bad.sum() / hit.sum()) if hit.any() else np.nan,
                     "quote": _quote(data.loc[bad, "text"], data.loc[bad, "score"]) if bad.any() else ""})
    return pd.DataFrame(rows).sort_values("negative_texts", ascending=False).reset_index(drop=True)


def _negative_aspects(data: pd.DataFrame, found: pd.DataFrame, negative: np.ndarray) -> pd.DataFrame:
    """Per product and aspect named by its negative texts: how many, their share of the product's
    negative texts, and the most negative quote; most mentioned first."""
    rows = []
    keyed = data["product_id"].to_numpy(object)
    for aspect in found.columns:
        hit = found[aspect].to_numpy() & negative & pd.notna(keyed)
        if not hit.any():
            continue
        part = data.loc[hit, ["product_id", "text", "score"]]
        for pid, group in part.groupby("product_id"):
            rows.append({"product_id": pid, "aspect": aspect, "negative_texts": len(group),
                         "quote": _quote(group["text"], group["score"])})
    if not rows:
        return pd.DataFrame(columns=["product_id", "aspect", "negative_texts", "share_of_negative", "quote"])
    table = pd.DataFrame(rows)
    per_product = pd.Series(negative).groupby(data["product_id"].to_numpy()).sum()
    table.insert(3, "share_of_negative", table["negative_texts"] / table["product_id"].map(per_product))
    return table.sort_values(["negative_texts", "product_id"], ascending=[False, True]).reset_index(drop=True)


def _summaries(data: pd.DataFrame, n_sentences: int) -> pd.DataFrame:
    """Each product's most representative sentences: those closest (cosine, TF-IDF of character
    n-grams) to the centroid of all its sentences.

    Why the centroid: it is what a product's texts say most often, so the sentences nearest it
    summarise them without inventing words (an extractive summary, as in Radev et al., "Centroid-
    based summarization of multiple documents", 2004); character n-grams treat English and Chinese
    alike."""
    rows = data.loc[data["product_id"].notna(), ["product_id", "text"]]
    sentences = rows.assign(sentence=rows["text"].str.split(SENTENCE, regex=True)).explode("sentence")
    sentences = sentences[sentences["sentence"].str.len() > 1].drop_duplicates(["product_id", "sentence"])
    if sentences.empty:
        raise DataError(Message("voice.error.no_sentences"))
    x = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True).fit_transform(sentences["sentence"])
    codes, products = pd.factorize(sentences["product_id"])
    from scipy import sparse

    member = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(products), len(codes)))
    centroids = normalize(member @ x)
    closeness = np.asarray(x.multiply(centroids[codes]).sum(axis=1)).ravel()
    ranked = sentences.assign(closeness=closeness).sort_values(["product_id", "closeness"], ascending=[True, False])
    top = ranked.groupby("product_id").head(n_sentences)
    joined = top.groupby("product_id")["sentence"].agg(lambda s: " … ".join(s))
    return joined.rename("summary").reset_index()


def _sales_link(source: SalesSource, data: pd.DataFrame, max_lag: int) -> SalesLink:
    """Pooled correlation of weekly mean sentiment with weekly units sold, at lags -max_lag..max_lag."""
    demand = forecast.weekly_demand(source, "product").units
    matched = data["product_id"].isin(demand.columns) & data["date"].notna()
    if not matched.any():
        raise DataError(Message("voice.error.no_match"))
    weekly = _weekly(data[matched], ["product_id"])
    counts = weekly.groupby("product_id")["week"].transform("size")
    weekly = weekly[counts >= MIN_WEEKS]
    if weekly.empty:
        raise DataError(Message("voice.error.few_weeks", weeks=MIN_WEEKS))
    units = np.log1p(demand.clip(lower=0))
    # each product around its own mean, then each week around all products' (seasons and trends
    # common to the shop would otherwise correlate any two weekly series)
    units = units - units.mean()
    units = units.sub(units.mean(axis=1), axis=0)
    mood = weekly.assign(score=weekly["mean_score"] - weekly.groupby("product_id")["mean_score"].transform("mean"))
    mood["score"] -= mood.groupby("week")["score"].transform("mean")
    from scipy.stats import norm

    z = float(norm.ppf(1 - 0.025 / (2 * max_lag + 1)))  # 95% over all the lags tried (Bonferroni)
    rows = []
    for lag in range(-max_lag, max_lag + 1):
        later = units.shift(-lag).stack().reset_index()
        later.columns = ["week", "product_id", "units"]
        pairs = mood.merge(later, on=["week", "product_id"]).dropna(subset=["units"])
        r = float(np.corrcoef(pairs["score"], pairs["units"])[0, 1]) if len(pairs) > 2 else np.nan
        rows.append({"lag": lag, "correlation": r, "pairs": len(pairs),
                     "chance_band": z / np.sqrt(len(pairs)) if len(pairs) else np.nan})
    lags = pd.DataFrame(rows)
    top = lags.loc[lags["correlation"].abs().idxmax()] if lags["correlation"].notna().any() else None
    return SalesLink(lags=lags, products=int(weekly["product_id"].nunique()), matched_texts=int(matched.sum()),
                     strongest_lag=int(top["lag"]) if top is not None else 0,
                     strongest=float(top["correlation"]) if top is not None else float("nan"),
                     clear=bool(top is not None and abs(top["correlation"]) > top["chance_band"]),
                     band=float(top["chance_band"]) if top is not None else float("nan"))


def _notes(read: voice.TextTable, data: pd.DataFrame, use_classifier: bool, ratings: Ratings | None) -> tuple:
    notes = [Message("voice.note.labels_classifier" if use_classifier else "voice.note.labels_library")]
    if len(read.quarantine):
        notes.append(Message("voice.note.quarantine", rows=len(read.quarantine)))
    if read.bad_dates:
        notes.append(Message("voice.note.bad_dates", rows=read.bad_dates))
    if read.bad_ratings:
        notes.append(Message("voice.note.bad_ratings", rows=read.bad_ratings))
    if "date" not in data:
        notes.append(Message("voice.note.no_dates"))
    if "product_id" not in data:
        notes.append(Message("voice.note.no_products"))
    if ratings is not None and ratings.conflicting:
        notes.append(Message("voice.note.conflicting", texts=ratings.conflicting))
    return tuple(notes)


__all__ = ["Params", "Result", "Ratings", "SalesLink", "Texts", "run", "redacted", "table_key", "PARTS", "MODELS"]
