"""Recommenders and their evaluation: hand-checked tiny matrices for every model and metric, the
demo retailer's planted tastes, the real Groceries data (where nothing beats best-sellers), and
hostile inputs."""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from promo_core import recommend as rec
from promo_core.errors import DataError
from promo_core.io import load_transactions
from promo_core.text import render, render_frame
from tests.conftest import chinese_error


def _tx(rows: list[tuple]) -> pd.DataFrame:
    """Sale lines from (customer, product, quantity, day) tuples."""
    frame = pd.DataFrame(rows, columns=["customer_id", "product_id", "quantity", "day"])
    frame["order_date"] = pd.Timestamp("2025-01-01") + pd.to_timedelta(frame.pop("day"), unit="D")
    frame["order_id"] = frame["customer_id"].fillna("guest") + "-" + frame["order_date"].astype(str)
    return frame


def _interactions(baskets: dict[str, list[str]], catalogue: pd.DataFrame | None = None) -> rec.Interactions:
    return rec.interactions_from(_tx([(c, p, 1, 0) for c, items in baskets.items() for p in items]),
                                 catalogue=catalogue)


# --- interactions -------------------------------------------------------------------------------
def test_returns_are_netted_and_guests_left_out():
    inter = rec.interactions_from(_tx([("c1", "a", 2, 0), ("c1", "a", -2, 1), ("c1", "b", 1, 0), ("c1", "b", 1, 3),
                                       ("c2", "a", 1, 0), (None, "b", 5, 0)]))
    dense = pd.DataFrame(inter.matrix.toarray(), index=inter.customers, columns=inter.products)
    expected = pd.DataFrame({"a": [0.0, 1.0], "b": [2.0, 0.0]}, index=pd.Index(["c1", "c2"], name="customer_id"),
                            columns=pd.Index(["a", "b"], name="product_id"), dtype=np.float32)
    pd.testing.assert_frame_equal(dense, expected)


def test_customers_are_in_text_order_and_each_cell_in_its_row_and_column():
    """The cells come back in Arrow and are placed by matching ids there (issue 15: 16M cells on
    20M lines); the axes are sorted as Python sorts text ("10" before "9", "é" last)."""
    rows = [("b", "p2", 1, 0), ("9", "p1", 1, 0), ("é", "p3", 2, 0), ("A", "p2", 1, 0), ("10", "p3", 1, 0),
            ("é", "p3", 1, 1)]
    inter = rec.interactions_from(_tx(rows), value="quantity")
    assert list(inter.customers) == sorted({r[0] for r in rows}) == ["10", "9", "A", "b", "é"]
    dense = pd.DataFrame(inter.matrix.toarray(), index=inter.customers, columns=inter.products)
    assert dense.stack()[lambda v: v > 0].to_dict() == {("10", "p3"): 1.0, ("9", "p1"): 1.0, ("A", "p2"): 1.0,
                                                       ("b", "p2"): 1.0, ("é", "p3"): 3.0}


def test_sorted_codes_equal_a_sorted_factorize_across_chunks():
    """The one-pass coding of the cells' customer ids (issue 15) gives pandas' sorted factorize."""
    from promo_core.engine import sorted_codes

    import pyarrow as pa

    rng = np.random.default_rng(3)
    ids = [f"c{i}" for i in rng.integers(0, 500, size=3000)] + ["10", "9", "é", "A"]
    chunked = pa.chunked_array([pa.array(ids[:1000]), pa.array(ids[1000:2500]), pa.array(ids[2500:])])
    distinct, codes = sorted_codes(chunked)
    expected_codes, expected = pd.factorize(pd.Series(ids), sort=True)
    assert list(distinct) == list(expected) and np.array_equal(codes, expected_codes)


def test_quantity_value_counts_units():
    inter = rec.interactions_from(_tx([("c1", "a", 3, 0), ("c1", "a", -1, 2)]), value="quantity")
    assert inter.matrix.toarray().tolist() == [[2.0]]


def test_recency_decay_halves_a_purchase_one_half_life_old():
    inter = rec.interactions_from(_tx([("c1", "a", 1, 0), ("c1", "b", 1, 10), ("c1", "b", 1, 20)]),
                                  half_life_days=10)
    np.testing.assert_allclose(inter.matrix.toarray(), [[0.25, 0.5 + 1.0]], rtol=1e-6)


def test_catalogue_products_nobody_bought_join_the_product_axis():
    catalogue = pd.DataFrame({"product_id": ["a", "z"], "product_name": ["Apple", "Zest"]})
    inter = rec.interactions_from(_tx([("c1", "a", 1, 0)]), catalogue=catalogue)
    assert list(inter.products) == ["a", "z"] and inter.names.to_dict() == {"a": "Apple", "z": "Zest"}


# --- models on tiny matrices ----------------------------------------------------------------------
def test_popularity_recommends_best_sellers_not_yet_bought():
    inter = _interactions({"u1": ["a", "b"], "u2": ["a", "c"], "u3": ["a", "b"], "u4": ["d"]})
    out = render_frame(rec.Popularity().fit(inter).recommend(["u2", "new"], k=2))
    expected = pd.DataFrame({"customer_id": ["u2", "u2", "new", "new"], "rank": [1, 2, 1, 2],
                             "product_id": ["b", "d", "a", "b"], "score": [2.0, 1.0, 3.0, 2.0],
                             "reason": ["best-seller", "best-seller", "best-seller (no purchase history yet)",
                                        "best-seller (no purchase history yet)"]})
    pd.testing.assert_frame_equal(out[expected.columns], expected)


def test_segment_popularity_uses_the_customers_segment():
    inter = _interactions({"u1": ["a"], "u2": ["a"], "u3": ["b"], "u4": ["c"], "u5": ["c"], "u6": ["c"], "u7": ["d"]})
    segments = pd.Series({"u1": "Champions", "u2": "Champions", "u3": "Champions", "u4": "Lost", "u5": "Lost",
                          "u6": "Lost", "u7": "Champions"})
    out = rec.Popularity(segments=segments).fit(inter).recommend(["u7"], k=1)
    assert out["product_id"].tolist() == ["a"]  # "c" sells most overall, but not among Champions
    assert render_frame(out)["reason"].tolist() == ["popular in your segment (Champions)"]
    assert render_frame(out, "zh")["reason"].tolist() == ["在您所在的客群（冠军客户）中很受欢迎"]
    # a segment name of the user's own reads as it is
    own = rec.Popularity(segments=segments.replace("Champions", "VIP")).fit(inter).recommend(["u7"], k=1)
    assert render_frame(own, "zh")["reason"].tolist() == ["在您所在的客群（VIP）中很受欢迎"]


def test_item_knn_cosine_by_hand():
    # a: bought by u1 u2 u3; b: u1 u2; c: u3 u4  ->  cos(a,b) = 2/sqrt(6), cos(a,c) = 1/sqrt(6), cos(b,c) = 0
    inter = _interactions({"u1": ["a", "b"], "u2": ["a", "b"], "u3": ["a", "c"], "u4": ["c"]})
    model = rec.ItemKNN(weighting="none").fit(inter)
    sim = pd.DataFrame(model.similarity_.toarray(), index=inter.products, columns=inter.products)
    assert sim.loc["a", "b"] == pytest.approx(2 / np.sqrt(6))
    assert sim.loc["a", "c"] == pytest.approx(1 / np.sqrt(6))
    assert sim.loc["b", "c"] == 0
    out = model.recommend(["u4"], k=2)
    assert out["product_id"].tolist() == ["a", "b"]
    assert out["score"].tolist() == pytest.approx([1 / np.sqrt(6), 0.0])
    assert render_frame(out)["reason"].tolist() == ["bought with c", "best-seller"]


def test_bm25_weight_by_hand():
    m = sp.csr_matrix(np.array([[2.0, 0.0], [1.0, 1.0]], dtype=np.float32))
    w = rec.bm25_weight(m, k1=1.2, b=0.75).toarray()
    # row lengths 2 and 2 (average 2): norm 1; idf(col 0) = log 2 - log 3, idf(col 1) = log 2 - log 2 = 0
    idf0 = np.log(2) - np.log(3)
    assert w[0, 0] == pytest.approx(2 * 2.2 / (1.2 + 2) * idf0, rel=1e-6)
    assert w[1, 0] == pytest.approx(1 * 2.2 / (1.2 + 1) * idf0, rel=1e-6)
    assert w[1, 1] == 0


def test_als_recommends_within_the_taste_block():
    baskets = {f"x{i}": ["a", "b", "e"] for i in range(6)} | {f"y{i}": ["c", "d", "f"] for i in range(6)}
    baskets["new_x"] = ["a", "e"]
    baskets["new_y"] = ["c", "f"]
    model = rec.ALS(factors=4, regularization=0.1, alpha=10, iterations=15).fit(_interactions(baskets))
    out = model.recommend(["new_x", "new_y"], k=1)
    assert out["product_id"].tolist() == ["b", "d"]
    assert render_frame(out)["reason"].str.startswith("similar to ").all()


def test_als_conjugate_gradient_solves_the_implicit_feedback_normal_equations():
    rng = np.random.default_rng(3)
    dense = (rng.random((30, 12)) < 0.3) * rng.integers(1, 4, (30, 12))
    dense[dense.sum(axis=1) == 0, 0] = 1
    rows, cols = np.nonzero(dense)
    tx = _tx([(f"u{r:02d}", f"p{c:02d}", int(dense[r, c]), 0) for r, c in zip(rows, cols)])
    inter = rec.interactions_from(tx, value="quantity")
    model = rec.ALS(factors=5, regularization=0.5, alpha=4.0, iterations=3, cg_steps=12).fit(inter)
    y = model.item_factors_.astype(np.float64)
    conf = inter.matrix.copy()
    conf.data = 4.0 * np.log1p(conf.data)
    users = model.user_factors_.copy()
    model._solve(users, model.item_factors_, rec._Padded(conf.astype(np.float32)))
    for u in range(inter.matrix.shape[0]):
        c = np.asarray(conf[u].todense()).ravel()
        p = (c > 0).astype(float)
        a = y.T @ y + y.T @ np.diag(c) @ y + 0.5 * np.eye(5)
        exact = np.linalg.solve(a, y.T @ ((1 + c) * p))
        np.testing.assert_allclose(users[u], exact, rtol=1e-3, atol=1e-4)


def test_content_based_recommends_a_product_nobody_bought_yet():
    catalogue = pd.DataFrame({
        "product_id": ["p1", "p2", "p3"],
        "product_name": ["Organic Oat Milk", "Organic Oat Milk Large", "Steel Chef Knife"],
        "category": ["Dairy", "Dairy", "Kitchen"],
        "description": ["Creamy organic oat drink", "Creamy organic oat drink, family size", "Forged steel knife"],
    })
    inter = _interactions({"u1": ["p1"], "u2": ["p3"], "u3": ["p3"]}, catalogue=catalogue)
    out = rec.ContentBased().fit(inter).recommend(["u1"], k=1)
    assert out["product_id"].tolist() == ["p2"]
    assert render_frame(out)["reason"].tolist() == ["new to the range, similar to Organic Oat Milk"]


def test_hybrid_explains_with_the_model_that_contributed_most():
    inter = _interactions({"u1": ["a", "b"], "u2": ["a", "b"], "u3": ["a", "c"], "u4": ["c"], "u5": ["d"],
                           "u6": ["d"], "u7": ["d"], "u8": ["d"]})
    knn_led = rec.Hybrid([("kNN", rec.ItemKNN(weighting="none"), 0.9), ("pop", rec.Popularity(), 0.1)]).fit(inter)
    assert render_frame(knn_led.recommend(["u4"], k=1))["reason"].tolist() == ["bought with c"]
    pop_led = rec.Hybrid([("kNN", rec.ItemKNN(weighting="none"), 0.1), ("pop", rec.Popularity(), 0.9)]).fit(inter)
    assert render_frame(pop_led.recommend(["u4"], k=1))[["product_id", "reason"]].values.tolist() == [["d", "best-seller"]]


def test_include_bought_switch_offers_repeat_purchases():
    inter = _interactions({"u1": ["a", "b"], "u2": ["a"], "u3": ["a"]})
    model = rec.Popularity().fit(inter)
    assert "a" not in model.recommend(["u1"], k=2)["product_id"].tolist()
    again = render_frame(model.recommend(["u1"], k=1, exclude_bought=False))
    assert again[["product_id", "reason"]].values.tolist() == [["a", "bought before: buy again"]]


def test_top_k_block_selection_is_exact():
    rng = np.random.default_rng(7)
    scores = rng.standard_normal((50, 10_050)).astype(np.float32)  # a short last block
    scores[3, :] = -np.inf
    scores[3, [17, 9_999]] = [2.0, 1.0]
    got, values = rec._top_k(scores, 10)
    expected = np.argsort(-scores, axis=1, kind="stable")[:, :10]
    np.testing.assert_array_equal(values, np.take_along_axis(scores, expected, 1))
    np.testing.assert_array_equal(np.take_along_axis(scores, got, 1)[values > -np.inf], values[values > -np.inf])
    assert got[3, :2].tolist() == [17, 9_999] and np.isneginf(values[3, 2:]).all()


# --- metrics by hand ------------------------------------------------------------------------------------
def test_ranking_metrics_by_hand():
    # customer 0: list a b c d, bought b d e  -> hits at ranks 2 and 4
    # customer 1: list a b, bought a b c (more relevant than k): a perfect list
    relevant = sp.csr_matrix(np.array([[0, 1, 0, 1, 1], [1, 1, 1, 0, 0]], dtype=np.float32))
    recommended = np.array([[0, 1, 2, 3], [0, 1, -1, -1]])
    m = rec.ranking_metrics(recommended, relevant, k=4)
    dcg0 = 1 / np.log2(3) + 1 / np.log2(5)
    idcg0 = 1 + 1 / np.log2(3) + 1 / np.log2(4)
    expected = pd.DataFrame({
        "precision": [2 / 4, 2 / 4], "recall": [2 / 3, 2 / 3],
        "ndcg": [dcg0 / idcg0, (1 + 1 / np.log2(3)) / (1 + 1 / np.log2(3) + 1 / np.log2(4))],
        "ap": [(1 / 2 + 2 / 4) / 3, (1 + 1) / 3], "hit": [1.0, 1.0], "relevant": [3, 3]})
    pd.testing.assert_frame_equal(m, expected)
    at2 = rec.ranking_metrics(recommended, relevant, k=2)
    assert at2["ap"].tolist() == pytest.approx([(1 / 2) / 2, 1.0])  # divides by min(k, R): perfect list = 1
    assert at2["ndcg"].tolist() == pytest.approx([(1 / np.log2(3)) / (1 + 1 / np.log2(3)), 1.0])


def test_map_definition_is_stated():
    assert "min(k, R)" in render(rec.MAP_DEFINITION) and "min(k, R)" in render(rec.MAP_DEFINITION, "zh")


# --- the demo retailer and the real Groceries data -------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_split(demo, demo_tx):
    return rec.temporal_split(demo_tx, catalogue=demo.products)


def test_demo_best_model_clearly_beats_popularity(demo_split):
    models = {"Popularity": rec.Popularity(), "kNN": rec.ItemKNN(), "ALS": rec.ALS(iterations=6)}
    ev = rec.evaluate(models, demo_split, k=10, max_customers=1500)
    table = ev.table.set_index("model")
    assert ev.best in ("kNN", "ALS") and ev.beats_baseline
    assert table.loc[ev.best, "ndcg"] > 2 * table.loc["Popularity", "ndcg"]
    assert table.loc[ev.best, "lift_low"] > 1.0
    assert table.loc["kNN", "coverage"] > 5 * table.loc["Popularity", "coverage"]
    assert render(rec.verdict(ev)).startswith(f"Use {ev.best}:")


def test_demo_recommendations_follow_planted_tastes(demo, demo_split):
    knn = rec.ItemKNN().fit(demo_split.train)
    customers = demo_split.train.customers[:2000]
    lists = knn.recommend(customers, k=10)
    style = lists["product_name"].str.split(" ").str[0]
    share_style = (style.to_numpy() == demo.truth.favourite_style.reindex(lists["customer_id"]).to_numpy()).mean()
    category = demo.products.set_index("product_id")["category"].reindex(lists["product_id"]).to_numpy()
    share_cat = (category == demo.truth.favourite_category.reindex(lists["customer_id"]).to_numpy()).mean()
    # by chance a third of products share the favourite style and a tenth the favourite category
    assert share_style > 0.6 and share_cat > 0.4
    assert set(lists["reason_kind"]) <= {"bought_with", "best_seller"}


def test_groceries_nothing_clearly_beats_popularity_and_the_verdict_says_so(shared_data):
    tx = load_transactions(shared_data / "groceries.csv").data
    split = rec.temporal_split(tx)
    models = {"Popularity": rec.Popularity(), "kNN": rec.ItemKNN(), "ALS": rec.ALS(iterations=6),
              "Hybrid": rec.Hybrid()}
    ev = rec.evaluate(models, split, k=10)
    assert not ev.beats_baseline
    assert render(rec.verdict(ev)).startswith("No model clearly beats simply showing best-sellers on this data")
    assert "没有任何模型明显优于直接展示畅销商品" in render(rec.verdict(ev), "zh")


def test_split_keeps_the_future_out_of_training(demo_tx, demo_split):
    train_last = demo_tx.loc[demo_tx["order_date"] < demo_split.cut]
    assert demo_split.train.matrix.nnz <= train_last[["customer_id", "product_id"]].drop_duplicates().shape[0]
    assert demo_split.test_customers > 5000 and demo_split.test.nnz > 0
    assert demo_split.train.as_of == demo_split.cut


# --- hostile inputs ---------------------------------------------------------------------------------------------
def test_guest_only_data_is_explained():
    with pytest.raises(DataError, match="customer id"):
        rec.interactions_from(_tx([(None, "a", 1, 0)]))


def test_missing_columns_are_named():
    with pytest.raises(DataError, match="customer_id"):
        rec.interactions_from(pd.DataFrame({"product_id": ["a"], "order_date": [pd.Timestamp("2025-01-01")],
                                            "quantity": [1]}))


def test_everything_returned_is_explained():
    with pytest.raises(DataError, match="returned"):
        rec.interactions_from(_tx([("c1", "a", 1, 0), ("c1", "a", -1, 1)]))


@pytest.mark.parametrize("k", [0, -3, 2.5, True])
def test_bad_list_length_is_explained(k):
    model = rec.Popularity().fit(_interactions({"u1": ["a"]}))
    with pytest.raises(DataError, match="number of recommendations"):
        model.recommend(["u1"], k=k)


def test_unfitted_model_is_explained():
    with pytest.raises(DataError, match="Fit the recommender"):
        rec.ItemKNN().recommend(["u1"])


def test_cut_dates_outside_the_data_are_explained():
    tx = _tx([("c1", "a", 1, 0), ("c1", "b", 1, 30)])
    with pytest.raises(DataError, match="pick a later cut date"):
        rec.temporal_split(tx, cut="2024-01-01")
    with pytest.raises(DataError, match="pick an earlier cut date"):
        rec.temporal_split(tx, cut="2026-01-01")


def test_bad_weighting_is_explained():
    with pytest.raises(DataError, match="weighting"):
        rec.ItemKNN(weighting="magic").fit(_interactions({"u1": ["a"]}))


def test_evaluation_reuses_fitted_components_inside_the_hybrid(demo_split, monkeypatch):
    fits = []
    original = rec.ALS._fit
    monkeypatch.setattr(rec.ALS, "_fit", lambda self, inter: (fits.append(1), original(self, inter))[1])
    models = {"Popularity": rec.Popularity(), "ALS": rec.ALS(iterations=2),
              "Hybrid": rec.Hybrid([("ALS", rec.ALS(iterations=2), 0.5), ("pop", rec.Popularity(), 0.5)])}
    ev = rec.evaluate(models, demo_split, max_customers=300)
    assert len(fits) == 1 and set(ev.table["model"]) == set(models)


def test_a_large_evaluation_fits_on_the_test_customers_and_a_sample_of_the_others(demo_split, monkeypatch):
    """Above ``TRAIN_CUSTOMERS`` customers the models learn from a sample that holds every scored
    customer: the figures are those of the same models fitted on that sample's rows by hand."""
    monkeypatch.setattr(rec, "TRAIN_CUSTOMERS", 5000)
    models = {"Popularity": rec.Popularity(), "kNN": rec.ItemKNN()}
    ev = rec.evaluate(models, demo_split, max_customers=300)
    rows, relevant = rec._test_customers(demo_split, True, 300, np.random.default_rng(0))
    sample, scored = rec._training_sample(demo_split.train, rows, 5000, 0)
    assert len(sample.customers) == 5000 and sample.matrix.shape == (5000, len(demo_split.train.products))
    assert list(sample.customers[scored]) == list(demo_split.train.customers[rows])
    assert (sample.matrix != demo_split.train.matrix[demo_split.train.customers.get_indexer(sample.customers)]).nnz == 0
    for name, model in models.items():
        items, _, _, _ = model.fit(sample)._rank(scored, 10, True, explain=False)
        expected = rec.ranking_metrics(items, relevant, 10)["ndcg"].mean()
        assert ev.table.set_index("model").loc[name, "ndcg"] == pytest.approx(expected, rel=1e-12)
    small, same = rec._training_sample(demo_split.train, rows, len(demo_split.train.customers), 0)
    assert small is demo_split.train and same is rows


def test_errors_read_in_chinese_too():
    tx = _tx([("c1", "a", 1, 0), ("c1", "b", 1, 30)])
    inter = _interactions({"u1": ["a"]})
    split = rec.temporal_split(tx, cut="2025-01-15")
    nothing_new = rec.temporal_split(_tx([("c1", "a", 1, 0), ("c1", "a", 1, 30)]), cut="2025-01-15")
    calls = [lambda: rec.interactions_from(_tx([(None, "a", 1, 0)])),
             lambda: rec.interactions_from(tx.drop(columns=["customer_id"])),
             lambda: rec.interactions_from(tx, value="bananas"), lambda: rec.interactions_from(tx, half_life_days=0),
             lambda: rec.interactions_from(_tx([("c1", "a", 1, 0), ("c1", "a", -1, 1)])),
             lambda: rec.interactions_from(tx, catalogue=pd.DataFrame({"name": ["x"]})),
             lambda: rec.Popularity().fit("a table"), lambda: rec.ItemKNN().recommend(["u1"]),
             lambda: rec.Popularity().fit(inter).recommend(["u1"], k=0),
             lambda: rec.ItemKNN(weighting="magic").fit(inter), lambda: rec.ContentBased().fit(_interactions({"u1": ["-", "?"]})),
             lambda: rec.temporal_split(tx, cut="2024-01-01"), lambda: rec.temporal_split(tx, cut="2026-01-01"),
             lambda: rec.evaluate({}, split), lambda: rec.evaluate({"knn": rec.ItemKNN()}, split),
             lambda: rec.evaluate({"pop": rec.Popularity()}, split, baseline="best"),
             lambda: rec.evaluate({"pop": rec.Popularity()}, nothing_new)]
    for call in calls:
        chinese_error(call)


def test_a_fitted_model_counts_its_arrays_in_its_size():
    """A cache of fitted models keeps to its budget by sys.getsizeof: the training matrix, the
    similarities and the factors count, a hybrid's parts too."""
    import sys

    inter = _interactions({f"u{i}": ["a", "b", "c"][: 1 + i % 3] for i in range(30)})
    als = rec.ALS(factors=8, iterations=1).fit(inter)
    arrays = als.user_factors_.nbytes + als.item_factors_.nbytes + inter.matrix.data.nbytes
    assert sys.getsizeof(als) > arrays
    knn = rec.ItemKNN().fit(inter)
    hybrid = rec.Hybrid([("kNN", rec.ItemKNN(), 0.5), ("ALS", rec.ALS(factors=8, iterations=1), 0.5)]).fit(inter)
    assert sys.getsizeof(hybrid) > sys.getsizeof(knn) + arrays
