"""Frequently bought together: baskets, frequent itemsets and association rules.

The miner is our own (vectorised level-wise mining: item counts, pair counts by one sparse
matrix product, longer itemsets by apriori candidates counted on packed basket bitsets), because
it is an order of magnitude faster than mlxtend's FP-growth on the same baskets and stays within
a few hundred MB at half a million baskets. ``tests/test_basket.py`` checks it against mlxtend's
``fpgrowth`` + ``association_rules`` on the Groceries data: the same itemsets and the same rules
with the same metrics, except that rules sitting exactly on the confidence threshold are kept
here. Confidence is computed from the basket counts (``count(A and C) / count(A)``), so a rule
held by 21 of the 210 baskets with A has confidence 0.1 and passes ``min_confidence=0.1``;
mlxtend divides two supports already rounded to floats, gets 0.09999999999999999 and drops it.
Keeping it is the correct behaviour: the threshold means "at least".

Metrics of a rule A -> C, over all baskets (Agrawal, Imieliński & Swami 1993; Brin et al. 1997):

* support = share of baskets holding A and C together
* confidence = support(A and C) / support(A): of the baskets with A, the share that also hold C
* lift = confidence / support(C): how many times likelier C is when A is in the basket (1 = no link)
* leverage = support(A and C) - support(A) * support(C): extra share of baskets over independence
* conviction = (1 - support(C)) / (1 - confidence): infinite when A always brings C
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import chain, combinations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from promo_core.engine import SalesSource, product_labels, sales_table, sorted_codes
from promo_core.errors import DataError
from promo_core.text import Message

# A level of candidates larger than this means the minimum support is far too low for the data:
# stop with advice instead of filling the memory.
MAX_CANDIDATES = 20_000_000
_CHUNK_WORDS = 8_000_000  # bitset words combined at once while counting (64 MB)
_PAIR_BINS = 30_000_000  # up to this many possible pairs (about 5,500 frequent products), count pairs directly
_PAIR_CHUNK = 20_000_000  # pairs listed at once while counting


@dataclass(frozen=True)
class Baskets:
    """Baskets as a sparse 0/1 matrix.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        One row per basket, one column per product; 1 where the basket holds the product.
    items : Index
        Product id of each column.
    basket_ids : Index
        Basket id of each row (the order id, or ``customer_id date``).
    names : Series
        Product id -> product name, for display.
    """

    matrix: sp.csr_matrix
    items: pd.Index
    basket_ids: pd.Index
    names: pd.Series

    @property
    def n_baskets(self) -> int:
        return self.matrix.shape[0]

    def sizes(self) -> np.ndarray:
        """Number of distinct products in each basket."""
        return np.diff(self.matrix.indptr)


def baskets_from(transactions: SalesSource, by: str = "order") -> Baskets:
    """Group sale lines into baskets, in the source's engine: only each basket's distinct products
    come back.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Order lines (see ``promo_core.engine.sales_table``): ``order_id``, ``product_id``;
        ``customer_id``, ``order_date`` for ``by="customer_date"``; ``quantity``, ``is_return``
        and ``product_name`` used when present. Return lines are left out: a basket is what was
        bought together.
    by : {"order", "customer_date"}
        ``"order"``: one basket per order number. ``"customer_date"``: one basket per customer per
        day, for till data without order numbers (such as the Groceries data); guest lines keep
        their order number.

    Returns
    -------
    Baskets
        Rows sorted by basket id, columns by product id; a product's name is the one most of its
        purchase lines carry (``promo_core.engine.product_labels``).
    """
    if by not in ("order", "customer_date"):
        raise DataError(Message("basket.error.by", by=by))
    need = ["order_id", "product_id"] + (["customer_id", "order_date"] if by == "customer_date" else [])
    missing = [c for c in need if c not in transactions.columns]
    if missing:
        raise DataError(Message("basket.error.missing_columns", columns=missing))
    sales = sales_table(transactions, need, optional=["quantity", "is_return", "product_name"])
    lines = sales.filter(sales.product_id.notnull())
    if "quantity" in sales.columns:
        lines = lines.filter(lines.quantity > 0)
    if "is_return" in sales.columns:
        lines = lines.filter(~lines.is_return)
    basket = lines.order_id if by == "order" else (
        lines.customer_id + " " + lines.order_date.date().cast("string")).fill_null(lines.order_id)
    # the lines sorted by basket, and a product's repeats in a basket dropped here: sorting the lines took
    # 1.9-2.8 CPU-s on a 20M-line data set, making the pairs distinct before sorting them 6.6-7.3
    pairs = lines.select(basket_id=basket, product_id=lines.product_id).order_by("basket_id").to_pyarrow()
    if not pairs.num_rows:
        raise DataError(Message("basket.error.no_purchases"))
    ids = pairs["basket_id"].combine_chunks()
    items, cols = sorted_codes(pairs["product_id"])
    no_id = np.flatnonzero(ids.is_null().to_numpy(zero_copy_only=False))
    if len(no_id):  # lines without a basket id: one basket per product (each distinct pair was one)
        once = np.ones(len(ids), dtype=bool)
        once[np.delete(no_id, np.unique(cols[no_id], return_index=True)[1])] = False
        ids, cols = ids.filter(pa.array(once)), cols[once]
    # numbered in Arrow: 0.7 CPU-s for the 19.6M pairs of a 20M-line data set, pandas 1.2
    first_of_basket = np.ones(len(ids), dtype=bool)
    first_of_basket[1:] = pc.fill_null(pc.not_equal(ids[1:], ids[:-1]), True).to_numpy(zero_copy_only=False)
    rows, basket_ids = np.cumsum(first_of_basket) - 1, ids.filter(pa.array(first_of_basket)).to_pandas()
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(basket_ids), len(items)))
    matrix.sum_duplicates()  # (sorts the products of each basket too)
    matrix.data[:] = 1
    items = pd.Index(items, name="product_id")
    names = pd.Series(items.to_numpy(), index=items.to_numpy(), name="product_name")
    if "product_name" in lines.columns:
        names = product_labels(lines)["product_name"].reindex(names.index).fillna(names)
    return Baskets(matrix=matrix, items=items, basket_ids=pd.Index(basket_ids, name="basket_id"), names=names)


def _as_baskets(baskets) -> Baskets:
    """Accept ``Baskets`` or any iterable of item collections (lists, sets, tuples)."""
    if isinstance(baskets, Baskets):
        return baskets
    if isinstance(baskets, pd.DataFrame):
        raise DataError(Message("basket.error.not_baskets"))
    lists = baskets if isinstance(baskets, list) else list(baskets)
    try:
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    except TypeError:  # baskets given as generators: materialise them once
        lists = [list(b) for b in lists]
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = np.array(list(chain.from_iterable(lists)), dtype=object)
    if len(flat) == 0:
        raise DataError(Message("basket.error.empty"))
    cols, items = pd.factorize(flat, sort=True)
    indptr = np.r_[0, np.cumsum(lengths)]
    matrix = sp.csr_matrix((np.ones(len(cols), dtype=np.int32), cols, indptr), shape=(len(lists), len(items)))
    matrix.sum_duplicates()
    matrix.data[:] = 1
    items = pd.Index(items, name="product_id")
    return Baskets(matrix=matrix, items=items, basket_ids=pd.RangeIndex(len(lists), name="basket_id"),
                   names=pd.Series(items, index=items, name="product_name"))


def _check_share(value: float, name: str, allow_zero: bool) -> float:
    """``value`` as a share of baskets; ``name`` ("min_support", "min_confidence") says which in a DataError."""
    what = Message(f"basket.share.{name}")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise DataError(Message("basket.error.share_not_number", what=what, value=value)) from None
    low_ok = value >= 0 if allow_zero else value > 0
    if not (low_ok and value <= 1) or math.isnan(value):
        raise DataError(Message("basket.error.share_range" if allow_zero else "basket.error.share_range_positive",
                                what=what, value=value))
    return value


# --------------------------------------------------------------------------------------------
# Mining
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Levels:
    """Frequent itemsets per size: ``sets[k]`` (rows sorted, item codes ascending), ``counts[k]``
    and ``keys[k]`` (sorted int64 keys, see ``_lookup``); item codes index ``items``."""

    sets: dict
    counts: dict
    keys: dict
    items: np.ndarray  # original column of each item code
    n_items: int


def _min_count(min_support: float, n: int) -> int:
    """Smallest basket count whose share ``count / n`` is at least ``min_support`` (as mlxtend tests it)."""
    c = max(1, math.ceil(min_support * n))
    while c > 1 and (c - 1) / n >= min_support:
        c -= 1
    while c / n < min_support:
        c += 1
    return c


def _lookup(levels_keys: dict, m: int, rows: np.ndarray) -> np.ndarray:
    """Index of each itemset row in its size's table, or -1 when it is not frequent.

    A k-itemset's key is ``rank of its (k-1)-prefix * m + last item``; singletons are their own
    rank. Keys sort exactly like the itemsets, so lookups are binary searches.
    """
    rank = rows[:, 0].astype(np.int64)
    for j in range(1, rows.shape[1]):
        table = levels_keys[j + 1]
        key = rank * m + rows[:, j]
        pos = np.minimum(np.searchsorted(table, key), len(table) - 1) if len(table) else np.zeros_like(key)
        found = (rank >= 0) & (len(table) > 0)
        if len(table):
            found &= table[pos] == key
        rank = np.where(found, pos, -1)
    return rank


def _bitsets(x: sp.csr_matrix, m: int) -> np.ndarray:
    """Packed basket bitsets: ``bits[item, word]`` has bit ``row % 64`` of word ``row // 64`` set when
    basket ``row`` holds ``item``."""
    n_words = (x.shape[0] + 63) // 64
    csc = x.tocsc()
    csc.sort_indices()
    item = np.repeat(np.arange(m, dtype=np.int64), np.diff(csc.indptr))
    row = csc.indices.astype(np.int64)
    flat = item * n_words + (row >> 6)  # sorted: by item, then by row
    bit = np.left_shift(np.uint64(1), (row & 63).astype(np.uint64))
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    bits = np.zeros(m * n_words, dtype=np.uint64)
    if len(flat):
        bits[flat[starts]] = np.bitwise_or.reduceat(bit, starts)
    return bits.reshape(m, n_words)


def _join(prev: np.ndarray) -> np.ndarray:
    """Apriori join: pairs of (k-1)-itemsets sharing their first k-2 items -> k-itemset candidates."""
    n, k1 = prev.shape
    if n < 2:
        return np.empty((0, k1 + 1), dtype=np.int32)
    if k1 == 1:
        group_start = np.zeros(n, dtype=np.int64)
    else:
        new = np.r_[True, (prev[1:, :-1] != prev[:-1, :-1]).any(axis=1)]
        group_start = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    group_end = np.empty(n, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, group_start[1:] != group_start[:-1]])
    ends = np.r_[starts[1:], n]
    group_end[:] = np.repeat(ends, ends - starts)
    partners = group_end - np.arange(n) - 1
    total = int(partners.sum())
    if total > MAX_CANDIDATES:
        raise DataError(Message("basket.error.too_many_candidates", total=total, size=k1 + 1))
    left = np.repeat(np.arange(n), partners)
    offset = np.arange(total) - np.repeat(np.cumsum(partners) - partners, partners)
    right = left + 1 + offset
    return np.hstack([prev[left], prev[right, -1:]]).astype(np.int32)


def _pair_counts(x: sp.csr_matrix, m: int, minc: int) -> tuple[np.ndarray, np.ndarray]:
    """Frequent pairs (sorted rows a < b) and their basket counts.

    With up to ``_PAIR_BINS`` possible pairs every basket's pairs are listed and counted into one
    array (several times faster than a sparse product); beyond that, the sparse product X'X."""
    if m * m > _PAIR_BINS:
        gram = sp.triu(x.T @ x, k=1).tocoo()
        keep = gram.data >= minc
        pairs = np.column_stack([gram.row[keep], gram.col[keep]]).astype(np.int32)
        order = np.lexsort((pairs[:, 1], pairs[:, 0]))
        return pairs[order], gram.data[keep][order].astype(np.int64)
    bins = np.zeros(m * m, dtype=np.int64)
    lengths = np.diff(x.indptr)
    step = max(1, x.shape[0] // max(1, int((lengths.astype(np.int64) ** 2).sum() // _PAIR_CHUNK) + 1))
    for lo in range(0, x.shape[0], step):
        start, end = x.indptr[lo], x.indptr[min(lo + step, x.shape[0])]
        idx = x.indices[start:end].astype(np.int64)
        row_end = np.repeat(x.indptr[lo + 1:min(lo + step, x.shape[0]) + 1] - start, lengths[lo:lo + step])
        partners = row_end - np.arange(len(idx)) - 1  # later items in the same basket (indices are sorted)
        total = int(partners.sum())
        left = np.repeat(np.arange(len(idx)), partners)
        right = left + 1 + (np.arange(total) - np.repeat(np.cumsum(partners) - partners, partners))
        bins += np.bincount(idx[left] * m + idx[right], minlength=m * m)
    code = np.flatnonzero(bins >= minc)
    return np.column_stack([code // m, code % m]).astype(np.int32), bins[code]


def _mine(x: sp.csr_matrix, min_support: float, max_len: int | None) -> _Levels:
    n = x.shape[0]
    minc = _min_count(min_support, n)
    counts1 = np.bincount(x.indices, minlength=x.shape[1])
    frequent = np.flatnonzero(counts1 >= minc)
    m = len(frequent)
    sets = {1: np.arange(m, dtype=np.int32)[:, None]}
    counts = {1: counts1[frequent].astype(np.int64)}
    keys = {1: np.arange(m, dtype=np.int64)}
    levels = _Levels(sets, counts, keys, frequent, m)
    if m < 2 or max_len == 1:
        return levels
    # recode to frequent items only; baskets with fewer than two of them cannot hold a pair
    x = x[:, frequent].tocsr()
    x = x[np.diff(x.indptr) >= 2]
    x.sort_indices()
    pairs, pair_counts = _pair_counts(x, m, minc)
    sets[2], counts[2] = pairs, pair_counts
    keys[2] = sets[2][:, 0].astype(np.int64) * m + sets[2][:, 1]
    k = 3
    while len(sets[k - 1]) >= 2 and (max_len is None or k <= max_len):
        cand = _join(sets[k - 1])
        for drop in range(k - 2):  # the two parents that made a candidate are frequent by construction
            sub = np.delete(cand, drop, axis=1)
            cand = cand[_lookup(keys, m, sub) >= 0]
        if len(cand) == 0:
            break
        # only baskets holding at least k items that occur in some candidate can support one
        used = np.zeros(m, dtype=bool)
        used[np.unique(cand)] = True
        x = x[:, np.flatnonzero(used)] if not used.all() else x
        remap = np.cumsum(used) - 1
        x = x[np.diff(x.indptr) >= k].tocsr()
        bits = _bitsets(x, int(used.sum()))
        local = remap[cand]
        n_words = bits.shape[1]
        step = max(1, _CHUNK_WORDS // max(n_words, 1))
        support = np.empty(len(cand), dtype=np.int64)
        for lo in range(0, len(cand), step):
            block = local[lo:lo + step]
            acc = bits[block[:, 0]]  # fancy indexing copies
            for j in range(1, k):
                np.bitwise_and(acc, bits[block[:, j]], out=acc)
            support[lo:lo + step] = np.bitwise_count(acc).sum(axis=1, dtype=np.int64)
        keep = support >= minc
        sets[k], counts[k] = cand[keep], support[keep]
        keys[k] = _lookup(keys, m, sets[k][:, :-1]).astype(np.int64) * m + sets[k][:, -1]
        # recode x back to the full frequent-item codes for the next level's column selection
        x = _widen(x, np.flatnonzero(used), m)
        k += 1
    return levels


def _widen(x: sp.csr_matrix, columns: np.ndarray, m: int) -> sp.csr_matrix:
    """Put a column-selected matrix back on the full item codes (columns kept, others empty)."""
    return sp.csr_matrix((x.data, columns[x.indices], x.indptr), shape=(x.shape[0], m))


def frequent_itemsets(baskets, min_support: float = 0.01, max_len: int | None = None) -> pd.DataFrame:
    """Sets of products bought together in at least ``min_support`` of the baskets.

    Parameters
    ----------
    baskets : Baskets or iterable of item collections
        From ``baskets_from``, or lists of product ids.
    min_support : float
        Smallest share of baskets (0 to 1] an itemset must appear in.
    max_len : int, optional
        Longest itemset to look for.

    Returns
    -------
    DataFrame
        ``itemset`` (tuple of product ids, sorted), ``size``, ``count`` (baskets), ``support``.
    """
    b = _as_baskets(baskets)
    min_support = _check_share(min_support, "min_support", allow_zero=False)
    levels = _mine(b.matrix, min_support, max_len)
    labels = b.items.to_numpy()[levels.items]
    frames = []
    for k, rows in levels.sets.items():
        if len(rows):
            frames.append(pd.DataFrame({"itemset": _tuples(labels, rows), "size": k,
                                        "count": levels.counts[k]}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {"itemset": pd.Series(dtype=object), "size": pd.Series(dtype=np.int64), "count": pd.Series(dtype=np.int64)})
    out["support"] = out["count"] / b.n_baskets
    return out


def _tuples(labels: np.ndarray, rows: np.ndarray) -> list:
    """Itemset rows of item codes -> tuples of product ids."""
    return list(zip(*(labels[rows[:, j]].tolist() for j in range(rows.shape[1]))))


RULE_COLUMNS = ["antecedents", "consequents", "antecedent_support", "consequent_support", "support", "confidence",
                "lift", "leverage", "conviction", "count"]


def association_rules(baskets, min_support: float = 0.01, min_confidence: float = 0.1,
                      max_len: int | None = None) -> pd.DataFrame:
    """Rules "baskets with A also hold C" among the frequent itemsets.

    Parameters
    ----------
    baskets : Baskets or iterable of item collections
        From ``baskets_from``, or lists of product ids.
    min_support : float
        Smallest share of baskets (0 to 1] that must hold A and C together.
    min_confidence : float
        Smallest confidence [0 to 1] a rule must reach.
    max_len : int, optional
        Most products in A and C together.

    Returns
    -------
    DataFrame
        One row per rule: ``antecedents`` and ``consequents`` (tuples of product ids, sorted),
        ``antecedent_support``, ``consequent_support``, ``support``, ``confidence``, ``lift``,
        ``leverage``, ``conviction`` and ``count`` (baskets holding A and C), strongest lift first.

    References
    ----------
    Agrawal, Imieliński & Swami (1993), Mining association rules between sets of items in large
    databases. SIGMOD. Brin, Motwani, Ullman & Tsur (1997), Dynamic itemset counting and
    implication rules for market basket data. SIGMOD.
    """
    b = _as_baskets(baskets)
    min_support = _check_share(min_support, "min_support", allow_zero=False)
    min_confidence = _check_share(min_confidence, "min_confidence", allow_zero=True)
    levels = _mine(b.matrix, min_support, max_len)
    n, m = b.n_baskets, levels.n_items
    ant_rows, con_rows, sup_ac, sup_a, sup_c = [], [], [], [], []
    for k, rows in levels.sets.items():
        if k < 2 or len(rows) == 0:
            continue
        for size in range(k - 1, 0, -1):
            for cols in combinations(range(k), size):
                rest = [c for c in range(k) if c not in cols]
                a, c = rows[:, list(cols)], rows[:, rest]
                ca = levels.counts[size][_lookup(levels.keys, m, a)]
                cc = levels.counts[k - size][_lookup(levels.keys, m, c)]
                conf = levels.counts[k] / ca
                ok = conf >= min_confidence
                if ok.any():
                    ant_rows.append(a[ok])
                    con_rows.append(c[ok])
                    sup_ac.append(levels.counts[k][ok])
                    sup_a.append(ca[ok])
                    sup_c.append(cc[ok])
    if not sup_ac:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("antecedents", "consequents") else
                                          (np.int64 if c == "count" else float)) for c in RULE_COLUMNS})
    labels = b.items.to_numpy()[levels.items]
    count_ac, count_a, count_c = np.concatenate(sup_ac), np.concatenate(sup_a), np.concatenate(sup_c)
    s_ac, s_a, s_c = count_ac / n, count_a / n, count_c / n
    confidence = count_ac / count_a
    lift = confidence / s_c
    order = np.lexsort((-confidence, -lift))
    antecedents = [t for rows in ant_rows for t in _tuples(labels, rows)]
    consequents = [t for rows in con_rows for t in _tuples(labels, rows)]
    with np.errstate(divide="ignore"):
        conviction = np.where(confidence < 1.0, (1.0 - s_c) / np.where(confidence < 1.0, 1.0 - confidence, 1.0),
                              np.inf)
    return pd.DataFrame({
        "antecedents": [antecedents[i] for i in order], "consequents": [consequents[i] for i in order],
        "antecedent_support": s_a[order], "consequent_support": s_c[order], "support": s_ac[order],
        "confidence": confidence[order], "lift": lift[order], "leverage": (s_ac - s_a * s_c)[order],
        "conviction": conviction[order], "count": count_ac[order],
    })


def bought_with(rules: pd.DataFrame, product_id: str, names: pd.Series | None = None, top: int = 10) -> pd.DataFrame:
    """What sells with one product: the rules whose antecedent is that product alone.

    Parameters
    ----------
    rules : DataFrame
        From ``association_rules``.
    product_id : str
        The product a shopper has in the basket.
    names : Series, optional
        Product id -> name, for the sentences.
    top : int
        Most rows to return (strongest lift first).

    Returns
    -------
    DataFrame
        ``product_id``, ``product_name``, ``confidence``, ``lift``, ``support``, ``count`` and a
        plain-language ``explanation`` (a ``Message``) per product bought with it.
    """
    names = names if names is not None else pd.Series(dtype=object)
    mask = rules["antecedents"].map(lambda a: a == (product_id,)) if len(rules) else pd.Series(dtype=bool)
    hits = rules[mask].nlargest(top, ["lift", "confidence"]) if len(rules) else rules
    label = names.get(product_id, product_id)
    rows = []
    for _, r in hits.iterrows():
        other = ", ".join(str(names.get(p, p)) for p in r["consequents"])
        rows.append({
            "product_id": ", ".join(r["consequents"]), "product_name": other, "confidence": r["confidence"],
            "lift": r["lift"], "support": r["support"], "count": int(r["count"]),
            "explanation": Message("basket.explanation", confidence=float(r["confidence"]), product=str(label),
                                   other=other, lift=float(r["lift"])),
        })
    return pd.DataFrame(rows, columns=["product_id", "product_name", "confidence", "lift", "support", "count",
                                       "explanation"])
