"""Basket rules: our miner against mlxtend on the real Groceries data, hand-checked metrics on a
tiny case, the demo retailer's planted complements, and hostile inputs."""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from promo_core import basket
from promo_core.errors import DataError
from promo_core.io import load_transactions
from promo_core.text import render
from tests.conftest import chinese_error


@pytest.fixture(scope="module")
def groceries_tx(shared_data):
    return load_transactions(shared_data / "groceries.csv").data


@pytest.fixture(scope="module")
def groceries(groceries_tx):
    return basket.baskets_from(groceries_tx, by="customer_date")


def _lists(b: basket.Baskets) -> list[list[str]]:
    m = b.matrix
    return [b.items[m.indices[m.indptr[i]:m.indptr[i + 1]]].tolist() for i in range(b.n_baskets)]


def test_groceries_baskets_are_member_days(groceries, groceries_tx):
    assert groceries.n_baskets == 14_963
    assert len(groceries.items) == 167
    by_order = basket.baskets_from(groceries_tx)  # the loader made "member date" order numbers already
    assert by_order.n_baskets == 14_963
    # 759 lines repeat an item in the same basket: a basket holds each product once
    assert groceries.matrix.sum() == len(groceries_tx) - 759


@pytest.mark.parametrize("min_support, min_confidence", [(0.001, 0.0), (0.0005, 0.1), (0.003, 0.05)])
def test_rules_equal_mlxtend_fpgrowth_on_groceries(groceries, min_support, min_confidence):
    from mlxtend.frequent_patterns import association_rules, fpgrowth
    from mlxtend.preprocessing import TransactionEncoder

    lists = _lists(groceries)
    enc = TransactionEncoder()
    onehot = pd.DataFrame(enc.fit(lists).transform(lists), columns=enc.columns_)
    ref_sets = fpgrowth(onehot, min_support=min_support, use_colnames=True)
    ref = association_rules(ref_sets, num_itemsets=len(onehot), metric="confidence", min_threshold=min_confidence)

    ours_sets = basket.frequent_itemsets(groceries, min_support)
    assert dict(zip(ours_sets["itemset"].map(frozenset), ours_sets["support"])) == pytest.approx(
        dict(zip(ref_sets["itemsets"], ref_sets["support"])), abs=1e-12)

    ours = basket.association_rules(groceries, min_support, min_confidence)
    ours.index = [(frozenset(a), frozenset(c)) for a, c in zip(ours["antecedents"], ours["consequents"])]
    ref.index = list(zip(ref["antecedents"], ref["consequents"]))
    assert len(ours) == len(ref) > 0
    assert set(ours.index) == set(ref.index)
    ref = ref.loc[ours.index]
    for col in ("antecedent support", "consequent support", "support", "confidence", "lift", "leverage",
                "conviction"):
        np.testing.assert_allclose(ours[col.replace(" ", "_")].to_numpy(), ref[col].to_numpy(), rtol=0, atol=1e-9,
                                   err_msg=col)


def test_rules_from_lists_equal_rules_from_baskets(groceries):
    from_baskets = basket.association_rules(groceries, 0.002, 0.1)
    from_lists = basket.association_rules(_lists(groceries), 0.002, 0.1)
    pd.testing.assert_frame_equal(from_baskets, from_lists)


def test_hand_checked_metrics_on_four_baskets():
    # a,b | a,b,c | a,c | b   -> a: 3/4, b: 3/4, c: 2/4, ab: 2/4, ac: 2/4
    rules = basket.association_rules([["a", "b"], ["a", "b", "c"], ["a", "c"], ["b"]], min_support=0.5,
                                     min_confidence=0.6)
    expected = pd.DataFrame({
        "antecedents": [("c",), ("a",), ("a",), ("b",)],
        "consequents": [("a",), ("c",), ("b",), ("a",)],
        "antecedent_support": [0.5, 0.75, 0.75, 0.75],
        "consequent_support": [0.75, 0.5, 0.75, 0.75],
        "support": [0.5, 0.5, 0.5, 0.5],
        "confidence": [1.0, 2 / 3, 2 / 3, 2 / 3],
        "lift": [4 / 3, 4 / 3, 8 / 9, 8 / 9],
        "leverage": [0.5 - 0.375, 0.5 - 0.375, 0.5 - 0.5625, 0.5 - 0.5625],
        "conviction": [np.inf, 1.5, 0.75, 0.75],
        "count": [2, 2, 2, 2],
    })
    pd.testing.assert_frame_equal(rules, expected)


def test_itemsets_count_each_product_once_per_basket():
    sets = basket.frequent_itemsets([["x", "x", "y"], ["x"], ["y", "y"]], min_support=0.3)
    assert dict(zip(sets["itemset"], sets["count"])) == {("x",): 2, ("y",): 2, ("x", "y"): 1}


def test_max_len_stops_at_pairs():
    baskets = [["a", "b", "c"]] * 5 + [["a"]]
    assert basket.frequent_itemsets(baskets, 0.5)["size"].max() == 3
    assert basket.frequent_itemsets(baskets, 0.5, max_len=2)["size"].max() == 2


def test_baskets_by_order_leave_returns_out():
    tx = pd.DataFrame({"order_id": ["1", "1", "2", "R1"], "customer_id": ["c", "c", "c", "c"],
                       "order_date": pd.to_datetime(["2025-01-01"] * 4), "product_id": ["a", "b", "a", "a"],
                       "product_name": ["Apple", "Bread", "Apple", "Apple"], "quantity": [1, 2, 1, -1]})
    b = basket.baskets_from(tx)
    assert b.n_baskets == 2 and list(b.items) == ["a", "b"]
    assert b.names.to_dict() == {"a": "Apple", "b": "Bread"}
    by_day = basket.baskets_from(tx, by="customer_date")
    assert by_day.n_baskets == 1


def test_a_product_bought_twice_in_a_basket_counts_once_and_lines_without_a_basket_id_are_one_per_product():
    """The lines come back sorted by basket (issue 15: not made distinct in the engine first), so
    repeats are dropped here: the baskets are those of the distinct (basket, product) pairs."""
    tx = pd.DataFrame({"order_id": ["o2", "o1", None, "o1", None, "o1", None],
                       "product_id": ["b", "a", "c", "a", "c", "b", "a"], "quantity": [1] * 7})
    b = basket.baskets_from(tx)
    assert b.matrix.data.tolist() == [1] * b.matrix.nnz and b.matrix.has_canonical_format
    rows = [frozenset(b.items[b.matrix[i].indices]) for i in range(b.n_baskets)]
    assert list(b.basket_ids[:2]) == ["o1", "o2"] and rows[:2] == [{"a", "b"}, {"b"}]
    assert b.basket_ids[2:].isna().all() and sorted(map(sorted, rows[2:])) == [["a"], ["c"]]


def test_planted_complements_are_the_strongest_demo_rules(demo, demo_tx):
    rules = basket.association_rules(basket.baskets_from(demo_tx), min_support=0.0002, min_confidence=0.05)
    one_to_one = rules[(rules["antecedents"].map(len) == 1) & (rules["consequents"].map(len) == 1)]
    planted = demo.truth.complements
    pairs = set(zip(planted["product_id"], planted["complement_id"])) | set(
        zip(planted["complement_id"], planted["product_id"]))
    top = one_to_one.nlargest(2 * len(planted), "lift")
    assert set(zip(top["antecedents"].str[0], top["consequents"].str[0])) == pairs


@pytest.mark.parametrize("bad", [0, -0.1, 1.5, float("nan"), "often"])
def test_bad_min_support_is_explained(bad):
    with pytest.raises(DataError, match="minimum support"):
        basket.association_rules([["a", "b"]], min_support=bad)


def test_bad_min_confidence_is_explained():
    with pytest.raises(DataError, match="minimum confidence"):
        basket.association_rules([["a", "b"]], min_support=0.5, min_confidence=2)


def test_too_low_support_on_dense_baskets_asks_to_raise_it(monkeypatch):
    monkeypatch.setattr(basket, "MAX_CANDIDATES", 1_000)
    everything = [list("abcdefghijklmnopqrst")] * 10  # every combination of 20 products is frequent
    with pytest.raises(DataError, match="Raise the minimum support"):
        basket.association_rules(everything, min_support=0.5)


def test_no_frequent_pairs_gives_an_empty_rules_table():
    rules = basket.association_rules([["a"], ["b"], ["c"]], min_support=0.3)
    assert rules.empty and list(rules.columns) == basket.RULE_COLUMNS


def test_empty_and_return_only_inputs_are_explained():
    with pytest.raises(DataError, match="no baskets"):
        basket.association_rules([[], []], min_support=0.5)
    returns = pd.DataFrame({"order_id": ["1"], "product_id": ["a"], "quantity": [-2]})
    with pytest.raises(DataError, match="no purchase lines"):
        basket.baskets_from(returns)
    with pytest.raises(DataError, match="customer_id"):
        basket.baskets_from(returns[["order_id", "product_id"]], by="customer_date")


def test_bought_with_lists_what_sells_with_one_product_in_plain_words():
    rules = basket.association_rules([["a", "b"], ["a", "b", "c"], ["a", "c"], ["b"]], 0.5, 0.6)
    names = pd.Series({"a": "Apple", "b": "Bread", "c": "Cheese"})
    out = basket.bought_with(rules, "a", names)
    assert out["product_name"].tolist() == ["Cheese", "Bread"]
    assert render(out["explanation"].iloc[0]) == \
        "67% of baskets with Apple also hold Cheese (1.3× as often as baskets overall)."
    assert "含有Apple的购物篮中有 67% 也含有Cheese" in render(out["explanation"].iloc[0], "zh")
    assert basket.bought_with(rules, "zzz", names).empty


def test_sparse_product_pair_count_equals_direct_count(groceries, monkeypatch):
    direct = basket.frequent_itemsets(groceries, 0.001)
    monkeypatch.setattr(basket, "_PAIR_BINS", 0)  # the path for catalogues with very many frequent products
    pd.testing.assert_frame_equal(basket.frequent_itemsets(groceries, 0.001), direct)


def test_errors_read_in_chinese_too(monkeypatch):
    returns = pd.DataFrame({"order_id": ["1"], "product_id": ["a"], "quantity": [-2]})
    calls = [lambda: basket.baskets_from(returns, by="week"),
             lambda: basket.baskets_from(returns[["order_id", "product_id"]], by="customer_date"),
             lambda: basket.baskets_from(returns),
             lambda: basket.association_rules(returns, min_support=0.5),
             lambda: basket.association_rules([[], []], min_support=0.5),
             lambda: basket.association_rules([["a", "b"]], min_support="often"),
             lambda: basket.association_rules([["a", "b"]], min_support=1.5),
             lambda: basket.association_rules([["a", "b"]], min_support=0.5, min_confidence=2),
             lambda: basket.association_rules([list("abcdefghijklmnopqrst")] * 10, min_support=0.5)]
    monkeypatch.setattr(basket, "MAX_CANDIDATES", 1_000)
    for call in calls:
        chinese_error(call)
