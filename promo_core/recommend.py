"""Personalised recommendations and their honest offline evaluation.

Purchases become a sparse customer x product matrix (returns netted, optional recency decay).
Every model has the same small interface, ``fit(interactions)`` and
``recommend(customer_ids, k)``, and returns, for each recommendation, a reason a person can check:
"bought with X", "similar to Y", "popular in your segment", "best-seller", "buy again".

Models: best-sellers overall or per segment (``Popularity``), item-item cosine neighbours on
BM25- or TF-IDF-weighted purchases (``ItemKNN``), implicit-feedback matrix factorisation solved by
alternating least squares with conjugate-gradient steps (``ALS``), product-text similarity for
products nobody has bought yet (``ContentBased``) and a weighted blend (``Hybrid``).

``evaluate`` splits the history at a cut date, fits every model on the past and scores its top-k
lists against what each customer bought afterwards: precision, recall, NDCG, MAP, hit rate and
catalogue coverage, next to the best-seller baseline, with a bootstrap interval for the NDCG gain.
"""
from __future__ import annotations

import os
import time
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Mapping
import dataclasses
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from threadpoolctl import threadpool_limits

from promo_core.dates import order_span
from promo_core.engine import (SalesSource, exact_sum, fetch, memory_backend, product_labels, sales_table,
                               sorted_codes)
from promo_core.errors import DataError
from promo_core.segments import NOT_YET, SEGMENTS
from promo_core.text import Message

_BLOCK = 20_000_000  # floats in one block of dense scores (80 MB)


# --------------------------------------------------------------------------------------------
# Interactions
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Interactions:
    """Who bought what: a customers x products matrix of positive weights.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        float32, one row per customer, one column per product; a cell holds the (decayed) number
        of purchases net of returns, and is absent when that is zero or less.
    customers : Index
        Customer id of each row.
    products : Index
        Product id of each column (bought products and any catalogue products never bought).
    catalogue : DataFrame
        Indexed like ``products``: ``product_name``, ``category``, ``description`` (text, may be empty).
    as_of : Timestamp
        The moment recency decay counts back from.
    purchased : scipy.sparse.csr_matrix, optional
        The purchases alone, shaped like ``matrix``, when ``matrix`` also counts browsing
        (``with_browsing``); None when ``matrix`` is the purchases.
    """

    matrix: sp.csr_matrix
    customers: pd.Index
    products: pd.Index
    catalogue: pd.DataFrame
    as_of: pd.Timestamp
    purchased: sp.csr_matrix | None = None

    @property
    def names(self) -> pd.Series:
        return self.catalogue["product_name"]

    @property
    def bought(self) -> sp.csr_matrix:
        """What each customer bought (net of returns, decayed): what lists leave out, what
        best-sellers count and what a reason quotes. A product merely viewed is not bought."""
        return self.matrix if self.purchased is None else self.purchased


def interactions_from(transactions: SalesSource, value: str = "purchases", half_life_days: float | None = None,
                      as_of=None, catalogue: pd.DataFrame | None = None) -> Interactions:
    """Build the customer x product matrix from sale lines, counted in the source's engine: only
    one weight per customer and product comes back.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Order lines (see ``promo_core.engine.sales_table``): customer_id, product_id, order_date,
        quantity; product_name and category used when present. Guest lines (no customer id) are
        left out.
    value : {"purchases", "quantity"}
        ``"purchases"``: each sale line counts 1 and each return line -1; ``"quantity"``: units
        bought minus units returned.
    half_life_days : float, optional
        Recency decay: a purchase this many days before ``as_of`` counts half. None = no decay.
    as_of : date-like, optional
        Defaults to the last order date.
    catalogue : DataFrame, optional
        Products table (``product_id`` and any of ``product_name``, ``category``,
        ``description``); its products join the product axis even when nobody bought them.

    Returns
    -------
    Interactions
        A product's name and category come from the catalogue, else are the ones most of its
        lines carry (``promo_core.engine.product_labels``).
    """
    need = [c for c in ("customer_id", "product_id", "order_date", "quantity") if c not in transactions.columns]
    if need:
        raise DataError(Message("recommend.error.missing_columns", columns=need))
    if value not in ("purchases", "quantity"):
        raise DataError(Message("recommend.error.value", value=value))
    sales = sales_table(transactions, ["customer_id", "product_id", "order_date", "quantity"],
                        optional=["product_name", "category"])
    lines = sales.filter(sales.customer_id.notnull(), sales.product_id.notnull())
    span = order_span(lines)
    if not span.lines:
        raise DataError(Message("recommend.error.no_customers"))
    as_of = span.last if as_of is None else pd.Timestamp(as_of)
    # whole quantities stay whole: exact_sum then adds integers, not decimals (4.3 instead of 5.4
    # CPU-s for the 18M cells of a 20M-line data set; the same sums)
    weight = lines.quantity.sign() if value == "purchases" else lines.quantity
    if half_life_days is not None:
        if not half_life_days > 0:
            raise DataError(Message("recommend.error.half_life"))
        age_days = (ibis.literal(as_of).delta(lines.order_date, unit="microsecond") / 86_400e6).clip(lower=0)
        weight = weight * ibis.literal(0.5) ** (age_days / float(half_life_days))
    cells = lines.group_by(["customer_id", "product_id"]).aggregate(weight=exact_sum(weight))
    # (fully returned or decayed to nothing: not a signal) Kept in Arrow: tens of millions of cells
    # on a big dataset, whose ids pandas took a minute to turn into objects and factorize
    cells = cells.filter(cells.weight > 1e-6).to_pyarrow()
    if not cells.num_rows:
        raise DataError(Message("recommend.error.all_returned"))
    customers, rows = sorted_codes(cells["customer_id"].cast(pa.string()))
    info = _catalogue(product_labels(lines, ["product_name", "category"]), catalogue)
    cols = pc.index_in(cells["product_id"].cast(pa.string()), value_set=pa.array(info.index, pa.string())).to_numpy()
    matrix = sp.csr_matrix((cells["weight"].to_numpy().astype(np.float32), (rows, cols)),
                           shape=(len(customers), len(info)))
    matrix.sort_indices()
    return Interactions(matrix=matrix, customers=pd.Index(customers, name="customer_id"),
                        products=pd.Index(info.index, name="product_id"), catalogue=info, as_of=as_of)


def _catalogue(seen: pd.DataFrame, catalogue: pd.DataFrame | None) -> pd.DataFrame:
    """The products of the sales (``seen``: their labels, indexed by product_id) and of the
    catalogue, which wins where both name a product."""
    cols = ["product_name", "category", "description"]
    seen = seen.reindex(columns=cols)
    if catalogue is not None and len(catalogue):
        if "product_id" not in catalogue.columns:
            raise DataError(Message("recommend.error.catalogue_no_product_id"))
        cat = catalogue.drop_duplicates("product_id").assign(product_id=lambda d: d["product_id"].astype(str))
        cat = cat.set_index("product_id").reindex(columns=cols)
        seen = cat.combine_first(seen)
    seen = seen.sort_index()
    seen["product_name"] = seen["product_name"].fillna(pd.Series(seen.index, index=seen.index))
    seen[["category", "description"]] = seen[["category", "description"]].fillna("")
    seen.index.name = "product_id"
    return seen.astype({c: "str" for c in cols})


# a purchase counts 1; what one browsing event of each kind counts beside it (see ``with_browsing``)
BROWSING_WEIGHTS = {"add_to_cart": 0.5, "view": 0.1}


def with_browsing(interactions: Interactions, events, weights: Mapping | None = None, before=None) -> Interactions:
    """Purchases plus what customers browsed: views and cart adds as implicit feedback.

    Each customer x product cell becomes ``purchases + sum(weights[e] * count of events e)``; the
    browsing weight of each cell is summed in the events' engine, and only those sums come back. The purchases stay apart (``Interactions.purchased``): lists still leave out
    only what was bought (a product viewed and not bought is a fair recommendation), best-sellers
    and reasons still count purchases.

    Parameters
    ----------
    interactions : Interactions
        The purchases (``interactions_from``); its customers and products are the axes, so events
        of customers who never bought, or of products unknown to the sales and catalogue, are left
        out (such a customer gets best-sellers, as before).
    events : DataFrame or ibis.Table
        One row per event: ``customer_id``, ``product_id``, ``event`` (the kinds of ``weights``;
        others such as ``purchase``, ``search`` or ``remove_from_cart`` are ignored: purchases come
        from the sales) and, with ``before``, ``event_time``.
    weights : mapping of event kind -> float, optional
        What one event counts beside a purchase's 1; default ``BROWSING_WEIGHTS``: a cart add 0.5
        (an intention to buy that often ends in a purchase), a view 0.1 (weak alone: most views
        buy nothing, yet a few views of products of one kind say what the customer looks for).
        These are priors, not tuned to one data set; ``evaluate_browsing`` measures what they bring.
    before : date-like, optional
        Count only events before this moment (an evaluation's cut).

    Returns
    -------
    Interactions
        ``matrix`` with the browsing added, ``purchased`` the purchases.
    """
    weights = dict(BROWSING_WEIGHTS if weights is None else weights)
    if not weights or any(not np.isfinite(w) or w < 0 for w in weights.values()):
        raise DataError(Message("recommend.browsing.error.weights", weights=weights))
    table = _events(events, ["customer_id", "product_id", "event"] + (["event_time"] if before is not None else []))
    kinds = sorted(weights)
    kept = table.filter(table.customer_id.notnull(), table.product_id.notnull(), table.event.isin(kinds))
    if before is not None:
        kept = kept.filter(kept.event_time < pd.Timestamp(before).to_pydatetime())
    weight = ibis.cases(*[(kept.event == kind, ibis.literal(float(weights[kind]))) for kind in kinds], else_=0.0)
    cells = kept.group_by(customer_id=kept.customer_id.cast("string"), product_id=kept.product_id.cast("string")) \
        .aggregate(weight=weight.sum())
    # one weight per cell comes back, kept in Arrow and matched to the axes there (as in interactions_from):
    # tens of millions of cells on a big site, whose ids pandas would take a minute to index
    cells = cells.filter(cells.weight > 0).to_pyarrow()
    rows = _positions(cells["customer_id"], interactions.customers)
    cols = _positions(cells["product_id"], interactions.products)
    ok = (rows >= 0) & (cols >= 0)
    purchased = interactions.bought
    browsed = sp.csr_matrix((cells["weight"].to_numpy()[ok].astype(np.float32), (rows[ok], cols[ok])),
                            shape=purchased.shape)
    matrix = (purchased + browsed).tocsr()
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return dataclasses.replace(interactions, matrix=matrix, purchased=purchased)


def _events(events, columns: list[str]) -> ir.Table:
    """The ``columns`` of an events source as an Ibis table (a DataFrame is registered, not
    copied, on a cursor of the process's in-memory DuckDB); a DataError names missing columns."""
    missing = [c for c in columns if c not in events.columns]
    if missing:
        raise DataError(Message("recommend.browsing.error.missing_columns", columns=missing))
    if isinstance(events, ir.Table):
        return events.select(*columns)
    if not isinstance(events, pd.DataFrame):
        raise TypeError(f"events are a pandas DataFrame or an Ibis table, not {type(events).__name__}")
    frame = events[columns]
    if "event_time" in columns and getattr(frame["event_time"].dtype, "tz", None) is not None:
        frame = frame.assign(event_time=frame["event_time"].dt.tz_localize(None))
    backend = memory_backend()
    backend.con.register("browsing", frame)
    return backend.table("browsing")


def events_start(events) -> pd.Timestamp | None:
    """The first ``event_time`` of an events source (DataFrame or Ibis table; None without events)."""
    table = _events(events, ["event_time"])
    first = fetch(table.aggregate(first=table.event_time.min()))["first"].iloc[0]
    return None if pd.isna(first) else pd.Timestamp(first)


def _nbytes(value) -> int:
    """Bytes of the arrays in a fitted model's attribute (0 for scalars and settings)."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if sp.issparse(value):
        return sum(getattr(value, part).nbytes for part in ("data", "indices", "indptr", "row", "col")
                   if hasattr(value, part))
    if isinstance(value, Interactions):
        return _nbytes(value.matrix) + _nbytes(value.purchased) + int(value.catalogue.memory_usage(deep=True).sum())
    if isinstance(value, Recommender):
        return value.__sizeof__()
    if isinstance(value, (list, tuple)):
        return sum(_nbytes(v) for v in value)
    return 0


# --------------------------------------------------------------------------------------------
# Weighting and small helpers
# --------------------------------------------------------------------------------------------
def bm25_weight(matrix: sp.csr_matrix, k1: float = 1.2, b: float = 0.75) -> sp.csr_matrix:
    """Okapi BM25 weights for a customers x products matrix: products bought by almost everybody
    count less (idf), heavy buyers' counts saturate (k1) and are length-normalised (b).

    References
    ----------
    Robertson & Zaragoza (2009), The probabilistic relevance framework: BM25 and beyond.
    """
    x = matrix.tocoo()
    n = float(matrix.shape[0])
    idf = np.log(n) - np.log1p(np.bincount(x.col, minlength=matrix.shape[1]))
    length = np.asarray(matrix.sum(axis=1)).ravel()
    norm = (1.0 - b) + b * length / max(length.mean(), 1e-12)
    data = x.data * (k1 + 1.0) / (k1 * norm[x.row] + x.data) * idf[x.col]
    return sp.csr_matrix((data.astype(np.float32), (x.row, x.col)), shape=matrix.shape)


def tfidf_weight(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """TF-IDF weights: square-rooted counts times log inverse popularity."""
    x = matrix.tocoo()
    n = float(matrix.shape[0])
    idf = np.log(n) - np.log1p(np.bincount(x.col, minlength=matrix.shape[1]))
    return sp.csr_matrix(((np.sqrt(x.data) * idf[x.col]).astype(np.float32), (x.row, x.col)), shape=matrix.shape)


def _top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's k largest scores, best first (exact): (column indices, their values).

    A value of -inf marks "no k-th candidate" (the index then means nothing)."""
    b, n = scores.shape
    k = min(k, n)
    if n > 4096 and k < 64:
        # the k best lie in the k blocks with the highest block maximum: select blocks, then items
        w = 128
        head = np.maximum.reduceat(scores, np.arange(0, n, w), axis=1)
        nb = head.shape[1]
        blocks = np.argpartition(-head, k - 1, axis=1)[:, :k] if nb > k else np.tile(np.arange(nb), (b, 1))
        cand = (blocks[:, :, None] * w + np.arange(w)).reshape(b, -1)
        vals = np.take_along_axis(scores, np.minimum(cand, n - 1), axis=1)
        vals[cand >= n] = -np.inf  # past the end of a short last block
        part = np.argpartition(-vals, k - 1, axis=1)[:, :k]
        idx = np.minimum(np.take_along_axis(cand, part, axis=1), n - 1)
        picked = np.take_along_axis(vals, part, axis=1)
    else:
        idx = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < n else np.tile(np.arange(n), (b, 1))
        picked = np.take_along_axis(scores, idx, axis=1)
    order = np.argsort(-picked, axis=1, kind="stable")
    return np.take_along_axis(idx, order, axis=1), np.take_along_axis(picked, order, axis=1)


def _top_neighbours(sim_rows, n_rows: int, neighbours: int, block: int | None = None) -> sp.csr_matrix:
    """A sparse matrix keeping each row's ``neighbours`` largest positive similarities.

    ``sim_rows(lo, hi)`` returns the dense similarity rows lo..hi-1 (float32).
    """
    block = block or max(1, _BLOCK // 4 // max(n_rows, 1))
    indptr, indices, data = [0], [], []
    for lo in range(0, n_rows, block):
        dense = np.asarray(sim_rows(lo, min(lo + block, n_rows)), dtype=np.float32)
        top, vals = _top_k(dense, min(neighbours, dense.shape[1]))
        keep = vals > 0
        counts = keep.sum(axis=1)
        indices.append(top[keep])
        data.append(vals[keep])
        indptr.extend((indptr[-1] + np.cumsum(counts)).tolist())
    s = sp.csr_matrix((np.concatenate(data).astype(np.float32), np.concatenate(indices).astype(np.int32),
                       np.asarray(indptr, dtype=np.int64)), shape=(n_rows, n_rows))
    s.sort_indices()
    return s


RFM_SEGMENTS = (*SEGMENTS, NOT_YET)  # the segments the catalogue names

# reason kinds and their names (the catalogue says each as "recommend.reason.<name>")
BEST_SELLER, BUY_AGAIN, BOUGHT_WITH, SIMILAR_TO, SEGMENT, NEW_SIMILAR, NEW_CUSTOMER = range(7)
KIND_NAMES = {BEST_SELLER: "best_seller", BUY_AGAIN: "buy_again", BOUGHT_WITH: "bought_with",
              SIMILAR_TO: "similar_to", SEGMENT: "segment", NEW_SIMILAR: "new_product", NEW_CUSTOMER: "new_customer"}


# --------------------------------------------------------------------------------------------
# The common interface
# --------------------------------------------------------------------------------------------
class Recommender(BaseEstimator, ABC):
    """Base class: ``fit(interactions)`` then ``recommend(customer_ids, k)``.

    Subclasses implement ``_fit``, ``_scores(rows)`` (dense scores for customer rows) and
    ``_evidence(rows, items, parts)`` (why: a reason kind and the product that supports it).
    Customers the model has not seen get the overall best-sellers.
    """

    exclude_bought = True
    evidence_items = 50  # a reason is sought among the customer's 50 strongest purchases

    def fit(self, interactions) -> "Recommender":
        """Learn from ``interactions`` (from ``interactions_from``, or order lines as a DataFrame or an
        Ibis table, counted with its defaults); returns self."""
        if isinstance(interactions, (pd.DataFrame, ir.Table)):
            interactions = interactions_from(interactions)
        self._prepare(interactions)
        self._fit(interactions)
        return self

    def __sizeof__(self) -> int:
        """Bytes of the fitted state (the training matrix, similarities, factors), so that a cache
        of fitted models (``sys.getsizeof``) can keep to its budget."""
        return object.__sizeof__(self) + sum(_nbytes(v) for v in vars(self).values())

    def _prepare(self, interactions: Interactions) -> None:
        """State every model shares: the training data and the best-seller fallback."""
        if not isinstance(interactions, Interactions):
            raise DataError(Message("recommend.error.not_interactions"))
        self.interactions_ = interactions
        capped = interactions.bought.minimum(1.0)
        self.popularity_ = np.asarray(capped.sum(axis=0)).ravel().astype(np.float32)
        top = max(float(self.popularity_.max()), 1.0)
        self._tiebreak = (self.popularity_ / top * 1e-6).astype(np.float32)

    # what each model defines ------------------------------------------------------------------
    @abstractmethod
    def _fit(self, interactions: Interactions) -> None:
        """Learn the model's own state from the (already prepared) interactions."""

    @abstractmethod
    def _scores(self, rows: np.ndarray):
        """(scores, parts): dense float32 scores (len(rows) x products) and whatever
        ``_evidence`` needs from the scoring."""

    @abstractmethod
    def _evidence(self, rows: np.ndarray, items: np.ndarray, parts) -> tuple[np.ndarray, np.ndarray]:
        """Reason kind and supporting product column (-1 for none) for each recommended item."""

    # shared ---------------------------------------------------------------------------------
    def _strongest_items(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each customer's strongest purchases: (product columns, weights), padded with -1 / 0."""
        sub = self.interactions_.bought[rows]
        lengths = np.diff(sub.indptr)
        cap = int(min(self.evidence_items, max(lengths.max(initial=0), 1)))
        row_of = np.repeat(np.arange(len(rows)), lengths)
        order = np.lexsort((-sub.data, row_of))
        rank = np.arange(sub.nnz) - np.repeat(sub.indptr[:-1], lengths)
        keep = rank < cap
        items = np.full((len(rows), cap), -1, dtype=np.int64)
        weights = np.zeros((len(rows), cap), dtype=np.float32)
        items[row_of[keep], rank[keep]] = sub.indices[order][keep]
        weights[row_of[keep], rank[keep]] = sub.data[order][keep]
        return items, weights

    def _bought(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(batch row, product column) of every product the customers bought."""
        sub = self.interactions_.bought[rows]
        return np.repeat(np.arange(len(rows)), np.diff(sub.indptr)), sub.indices

    def recommend(self, customer_ids=None, k: int = 10, exclude_bought: bool | None = None) -> pd.DataFrame:
        """Top-k products per customer, each with a reason.

        Parameters
        ----------
        customer_ids : list-like, optional
            Customers to recommend to; all customers seen in fitting by default. Unknown
            customers get the overall best-sellers.
        k : int
            Products per customer.
        exclude_bought : bool, optional
            Leave out products the customer already bought (defaults to the model's setting).

        Returns
        -------
        DataFrame
            ``customer_id``, ``rank`` (1 = best), ``product_id``, ``product_name``, ``score``,
            ``reason`` (a ``Message``: ``recommend.reason.<reason_kind>`` quoting the supporting
            product's name or the segment), ``reason_kind`` and ``evidence_product_id``.
        """
        exclude = self.exclude_bought if exclude_bought is None else bool(exclude_bought)
        self._check_fitted(k)
        inter = self.interactions_
        ids = inter.customers if customer_ids is None else pd.Index(pd.Series(list(customer_ids), dtype="str"))
        rows = inter.customers.get_indexer(ids)
        items, scores, kinds, evidence = self._rank(rows, k, exclude, explain=True)
        return self._frame(ids, items, scores, kinds, evidence)

    def _check_fitted(self, k) -> None:
        if not hasattr(self, "interactions_"):
            raise DataError(Message("recommend.error.not_fitted"))
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
            raise DataError(Message("recommend.error.k", k=k))

    def _rank(self, rows: np.ndarray, k: int, exclude: bool, explain: bool):
        """Top-k product columns per customer row (-1 = unknown customer gets best-sellers), with
        scores and, when ``explain``, reason kinds and supporting products."""
        n_items = len(self.interactions_.products)
        k = int(min(k, n_items))
        out_items = np.full((len(rows), k), -1, dtype=np.int64)
        out_scores = np.full((len(rows), k), np.nan, dtype=np.float32)
        out_kind = np.full((len(rows), k), NEW_CUSTOMER, dtype=np.int8)
        out_ev = np.full((len(rows), k), -1, dtype=np.int64)
        known = np.flatnonzero(rows >= 0)
        batch = max(1, _BLOCK // max(n_items, 1))
        for lo in range(0, len(known), batch):
            pos = known[lo:lo + batch]
            r = rows[pos]
            scores, parts = self._scores(r)
            ranked = scores + self._tiebreak
            brow, bcol = self._bought(r)
            if exclude:
                ranked[brow, bcol] = -np.inf
            items, picked = _top_k(ranked, k)
            chosen = np.take_along_axis(scores, items, axis=1)
            valid = np.isfinite(picked)
            out_items[pos] = np.where(valid, items, -1)
            out_scores[pos] = chosen
            if not explain:
                continue
            kind, evidence = self._evidence(r, items, parts)
            kind = np.where(chosen > 0, kind, BEST_SELLER)
            evidence = np.where(chosen > 0, evidence, -1)
            if not exclude:
                bought = np.zeros(scores.shape, dtype=bool)
                bought[brow, bcol] = True
                again = np.take_along_axis(bought, items, axis=1)
                kind = np.where(again, BUY_AGAIN, kind)
                evidence = np.where(again, -1, evidence)
            out_kind[pos] = kind
            out_ev[pos] = evidence
        unknown = np.flatnonzero(rows < 0)
        if len(unknown):
            best = _top_k((self.popularity_ + self._tiebreak)[None, :], k)[0][0]
            out_items[unknown] = best
            out_scores[unknown] = self.popularity_[best]
        return out_items, out_scores, out_kind, out_ev

    def _frame(self, ids, items, scores, kinds, evidence) -> pd.DataFrame:
        inter = self.interactions_
        n, k = items.shape
        keep = (items >= 0).ravel()
        flat_items = items.ravel()[keep]
        ev = evidence.ravel()[keep]
        kind = kinds.ravel()[keep]
        names = inter.names.to_numpy()
        products = inter.products.to_numpy()
        ev_name = np.where(ev >= 0, names[np.maximum(ev, 0)], "")
        frame = pd.DataFrame({
            "customer_id": np.repeat(np.asarray(ids, dtype=object), k)[keep],
            "rank": np.tile(np.arange(1, k + 1), n)[keep],
            "product_id": products[flat_items],
            "product_name": names[flat_items],
            "score": scores.ravel()[keep].astype(float),
            "reason_kind": kind,
            "evidence_product_id": pd.Series(np.where(ev >= 0, products[np.maximum(ev, 0)], None), dtype="str"),
        })
        frame["reason"] = _reasons(kind, ev_name, self._segments_of(frame["customer_id"]))
        frame["reason_kind"] = frame["reason_kind"].map(KIND_NAMES)
        frame["rank"] = frame["rank"].astype(np.int64)
        return frame[["customer_id", "rank", "product_id", "product_name", "score", "reason", "reason_kind",
                      "evidence_product_id"]]

    def _segments_of(self, customer_ids: pd.Series) -> np.ndarray:
        """Each customer's segment, as the reason quotes it ("" where the model has none)."""
        return np.full(len(customer_ids), "", dtype=object)


def _reasons(kind: np.ndarray, evidence_name: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """The reason of each recommendation as a ``Message`` (rendered in the reader's language by
    ``ui``/``report``): its kind's sentence quoting the supporting product or the segment."""
    out = np.empty(len(kind), dtype=object)
    for code, name in KIND_NAMES.items():
        rows = np.flatnonzero(kind == code)
        if not len(rows):
            continue
        key = f"recommend.reason.{name}"
        if code == SEGMENT:
            out[rows] = [Message(key, segment=s) for s in segment[rows]]
        elif code in (BOUGHT_WITH, SIMILAR_TO, NEW_SIMILAR):
            out[rows] = [Message(key, product=str(p)) for p in evidence_name[rows]]
        else:
            out[rows] = [Message(key)] * len(rows)
    return out


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------
class Popularity(Recommender):
    """Best-sellers: the products bought by the most customers, overall or within each segment.

    Parameters
    ----------
    segments : Series, optional
        Customer id -> segment name (e.g. ``segments.rfm(tx).set_index("customer_id")["segment"]``).
        When given, each customer gets their segment's best-sellers; customers without a segment
        get the overall ones.
    exclude_bought : bool
        Leave out products the customer already bought.
    """

    def __init__(self, segments: pd.Series | None = None, exclude_bought: bool = True):
        self.segments = segments
        self.exclude_bought = exclude_bought

    def _fit(self, interactions: Interactions) -> None:
        self.segment_of_ = np.full(len(interactions.customers), -1, dtype=np.int64)
        self.segment_names_ = np.array([], dtype=object)
        self.segment_popularity_ = np.zeros((0, len(interactions.products)), dtype=np.float32)
        if self.segments is None:
            return
        seg = pd.Series(self.segments)
        seg.index = seg.index.astype(str)
        seg = seg.reindex(interactions.customers)
        codes, names = pd.factorize(seg, sort=True)
        self.segment_of_ = codes.astype(np.int64)
        self.segment_names_ = np.asarray(names, dtype=object)
        capped = interactions.bought.minimum(1.0).tocsr()
        member = sp.csr_matrix((np.ones((codes >= 0).sum(), dtype=np.float32),
                                (codes[codes >= 0], np.flatnonzero(codes >= 0))),
                               shape=(len(names), len(codes)))
        self.segment_popularity_ = np.asarray((member @ capped).todense(), dtype=np.float32)

    def _scores(self, rows):
        scores = np.broadcast_to(self.popularity_, (len(rows), len(self.popularity_))).copy()
        seg = self.segment_of_[rows]
        has = seg >= 0
        if has.any():
            scores[has] = self.segment_popularity_[seg[has]]
        return scores, None

    def _evidence(self, rows, items, parts):
        seg = self.segment_of_[rows]
        kind = np.where(seg[:, None] >= 0, SEGMENT, BEST_SELLER) * np.ones_like(items)
        return kind.astype(np.int8), np.full(items.shape, -1, dtype=np.int64)

    def _segments_of(self, customer_ids):
        """An RFM segment as its catalogue term (``segment.<code>``), any other segment name as it is."""
        if not len(self.segment_names_):
            return super()._segments_of(customer_ids)
        rows = self.interactions_.customers.get_indexer(customer_ids)
        seg = np.where(rows >= 0, self.segment_of_[np.maximum(rows, 0)], -1)
        known = set(RFM_SEGMENTS)
        labels = np.array([Message(f"segment.{s}") if s in known else str(s) for s in self.segment_names_] + [""],
                          dtype=object)
        return labels[seg]


class _Neighbourhood(Recommender):
    """Shared scoring for item-item models: score(u, i) = sum_j weight(u, j) * S[j, i]."""

    dense_limit = 4000  # up to this many products the similarity matrix is kept dense

    def _set_similarity(self, s: sp.csr_matrix) -> None:
        self.similarity_ = s
        n = s.shape[0]
        self._dense = s.toarray() if n <= self.dense_limit else None

    def _scores(self, rows):
        user = self.interactions_.matrix[rows]
        if self._dense is not None:
            return np.asarray(user @ self._dense, dtype=np.float32), None
        return (user @ self.similarity_).toarray(), None

    def _sim(self, j: np.ndarray, i: np.ndarray) -> np.ndarray:
        """S[j, i] for arrays of pairs (0 where j < 0 or the pair is not among the neighbours)."""
        valid = j >= 0
        jj = np.where(valid, j, 0)
        if self._dense is not None:
            return np.where(valid, self._dense[jj, i], 0.0)
        sampled = np.asarray(self.similarity_[jj.ravel(), np.ravel(i)]).reshape(jj.shape)
        return np.where(valid, sampled, 0.0)

    def _best_support(self, rows, items):
        """For each recommended item, the customer's purchase contributing most to its score."""
        own, weight = self._strongest_items(rows)
        j = np.broadcast_to(own[:, None, :], items.shape + own.shape[1:])
        i = np.broadcast_to(items[:, :, None], j.shape)
        contrib = self._sim(j, i) * weight[:, None, :]
        contrib = np.where(j == i, 0.0, contrib)  # "bought with itself" explains nothing
        best = contrib.argmax(axis=2)
        evidence = np.take_along_axis(own[:, None, :].repeat(items.shape[1], axis=1), best[..., None], axis=2)[..., 0]
        found = np.take_along_axis(contrib, best[..., None], axis=2)[..., 0] > 0
        return np.where(found, evidence, -1)


class ItemKNN(_Neighbourhood):
    """Item-item nearest neighbours: products bought by the same customers are similar.

    Similarity is the cosine between products' weighted buyer vectors, keeping each product's
    ``neighbours`` most similar products. A customer's score for a product sums the similarities
    to what they bought.

    Parameters
    ----------
    neighbours : int
        Similar products kept per product.
    weighting : {"bm25", "tfidf", "none"}
        How purchases are weighted before the cosine (BM25 damps best-sellers and heavy buyers).
    k1, b : float
        BM25 parameters.
    exclude_bought : bool
        Leave out products the customer already bought.

    References
    ----------
    Sarwar, Karypis, Konstan & Riedl (2001), Item-based collaborative filtering recommendation
    algorithms. WWW.
    """

    def __init__(self, neighbours: int = 100, weighting: str = "bm25", k1: float = 1.2, b: float = 0.75,
                 exclude_bought: bool = True):
        self.neighbours = neighbours
        self.weighting = weighting
        self.k1 = k1
        self.b = b
        self.exclude_bought = exclude_bought

    def _fit(self, interactions):
        if self.weighting not in ("bm25", "tfidf", "none"):
            raise DataError(Message("recommend.error.weighting", weighting=self.weighting))
        x = interactions.matrix
        w = bm25_weight(x, self.k1, self.b) if self.weighting == "bm25" else \
            tfidf_weight(x) if self.weighting == "tfidf" else x.copy()
        wc = w.T.tocsr()  # products x customers
        norms = np.sqrt(np.asarray(wc.multiply(wc).sum(axis=1)).ravel())
        inv = np.where(norms > 0, 1.0 / np.maximum(norms, 1e-30), 0.0).astype(np.float32)
        wc = sp.diags(inv) @ wc
        wt = wc.T.tocsr()
        n = wc.shape[0]

        def rows(lo, hi):
            return (wc[lo:hi] @ wt).toarray()

        self._set_similarity(_top_neighbours(rows, n, self.neighbours))

    def _evidence(self, rows, items, parts):
        evidence = self._best_support(rows, items)
        return np.where(evidence >= 0, BOUGHT_WITH, BEST_SELLER).astype(np.int8), evidence


class ContentBased(_Neighbourhood):
    """Products whose name, category and description read alike are similar (TF-IDF cosine).

    It needs no purchases of the product itself, so it can recommend products nobody has bought
    yet to customers who bought similar ones.

    Parameters
    ----------
    neighbours : int
        Similar products kept per product.
    exclude_bought : bool
        Leave out products the customer already bought.
    """

    def __init__(self, neighbours: int = 50, exclude_bought: bool = True):
        self.neighbours = neighbours
        self.exclude_bought = exclude_bought

    def _fit(self, interactions):
        cat = interactions.catalogue
        docs = (cat["product_name"] + " " + cat["category"] + " " + cat["category"] + " " + cat["description"])
        vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1, token_pattern=r"(?u)\b\w+\b")
        try:
            tfidf = vec.fit_transform(docs.tolist()).astype(np.float32).tocsr()
        except ValueError:
            raise DataError(Message("recommend.error.no_product_text")) from None
        tt = tfidf.T.tocsr()

        def rows(lo, hi):
            return (tfidf[lo:hi] @ tt).toarray()

        self._set_similarity(_top_neighbours(rows, tfidf.shape[0], self.neighbours))
        self.unsold_ = self.popularity_ == 0

    def _evidence(self, rows, items, parts):
        evidence = self._best_support(rows, items)
        kind = np.where(self.unsold_[items], NEW_SIMILAR, SIMILAR_TO)
        return np.where(evidence >= 0, kind, BEST_SELLER).astype(np.int8), evidence


class ALS(Recommender):
    """Implicit-feedback matrix factorisation: customers and products get ``factors`` hidden
    tastes each, learnt so that their dot product predicts who buys what.

    Every purchase is a positive preference with confidence ``1 + alpha * log(1 + weight)``,
    every non-purchase a weak negative one. Each alternating half-step solves the regularised
    least-squares problem of every customer (then every product) with a few warm-started
    conjugate-gradient steps, vectorised over customers of similar history length.

    Parameters
    ----------
    factors : int
        Hidden tastes per customer and product. The defaults (48 factors, 10 passes, penalty
        100, alpha 5) were chosen on the demo retailer's held-out purchases, where 64 factors and
        12 passes scored the same NDCG@10, and on the Groceries data, where a weaker penalty
        overfits short histories.
    regularization : float
        Ridge penalty on the factors.
    alpha : float
        How much more a purchase counts than a non-purchase.
    iterations : int
        Alternating passes.
    cg_steps : int
        Conjugate-gradient steps per solve.
    random_state : int
        Seed of the initial factors.
    exclude_bought : bool
        Leave out products the customer already bought.

    References
    ----------
    Hu, Koren & Volinsky (2008), Collaborative filtering for implicit feedback datasets. ICDM.
    Takács, Pilászy & Tikk (2011), Applications of the conjugate gradient method for implicit
    feedback collaborative filtering. RecSys.
    """

    def __init__(self, factors: int = 48, regularization: float = 100.0, alpha: float = 5.0, iterations: int = 10,
                 cg_steps: int = 3, random_state: int = 0, exclude_bought: bool = True):
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.cg_steps = cg_steps
        self.random_state = random_state
        self.exclude_bought = exclude_bought

    def _fit(self, interactions):
        x = interactions.matrix
        conf = x.copy()
        conf.data = (self.alpha * np.log1p(conf.data)).astype(np.float32)  # confidence - 1
        rng = np.random.default_rng(self.random_state)
        f = int(self.factors)
        users = (rng.standard_normal((x.shape[0], f)) * 0.01).astype(np.float32)
        items = (rng.standard_normal((x.shape[1], f)) * 0.01).astype(np.float32)
        by_user = _Padded(conf)
        by_item = _Padded(conf.T.tocsr())
        # thousands of tiny products: BLAS threads only add synchronisation cost here
        with threadpool_limits(1, user_api="blas"):
            for _ in range(int(self.iterations)):
                self._solve(users, items, by_user)
                self._solve(items, users, by_item)
        self.user_factors_ = users
        self.item_factors_ = items
        norms = np.linalg.norm(items, axis=1, keepdims=True)
        self._unit_items = items / np.maximum(norms, 1e-12)

    def _solve(self, target: np.ndarray, fixed: np.ndarray, padded: "_Padded") -> None:
        """Conjugate-gradient steps on (F'F + F'(C-I)F + reg I) x = F'C p for every row of ``target``.

        Chunks of rows are independent and numpy releases the GIL in their inner loops, so they
        are solved on all cores at once."""
        f = fixed.shape[1]
        gram = fixed.T @ fixed + np.float32(self.regularization) * np.eye(f, dtype=np.float32)
        steps = int(self.cg_steps)

        def solve_chunk(chunk) -> None:
            sel, idx, cm1, mask = chunk
            fg = np.take(fixed, idx, axis=0)  # rows x length x factors (take: half the time of fixed[idx])
            x = target[sel]
            rhs = np.einsum("bl,blf->bf", cm1 + mask, fg)

            def times_a(v):
                t = np.einsum("blf,bf->bl", fg, v)
                t *= cm1
                return v @ gram + np.einsum("bl,blf->bf", t, fg)

            r = rhs - times_a(x)
            p = r.copy()
            rs = np.einsum("bf,bf->b", r, r)
            for _ in range(steps):
                ap = times_a(p)
                step = rs / np.maximum(np.einsum("bf,bf->b", p, ap), 1e-20)
                x += step[:, None] * p
                r -= step[:, None] * ap
                rs_new = np.einsum("bf,bf->b", r, r)
                p *= (rs_new / np.maximum(rs, 1e-20))[:, None]
                p += r
                rs = rs_new
            target[sel] = x

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            list(pool.map(solve_chunk, padded.chunks))

    def _scores(self, rows):
        return self.user_factors_[rows] @ self.item_factors_.T, None

    def _evidence(self, rows, items, parts):
        own, _ = self._strongest_items(rows)
        unit = self._unit_items
        sim = np.einsum("bkf,blf->bkl", unit[items], unit[np.maximum(own, 0)])
        sim = np.where((own[:, None, :] < 0) | (own[:, None, :] == items[:, :, None]), -np.inf, sim)
        best = sim.argmax(axis=2)
        evidence = np.take_along_axis(own[:, None, :].repeat(items.shape[1], axis=1), best[..., None], axis=2)[..., 0]
        found = np.isfinite(np.take_along_axis(sim, best[..., None], axis=2)[..., 0])
        evidence = np.where(found, evidence, -1)
        return np.where(found, SIMILAR_TO, BEST_SELLER).astype(np.int8), evidence


class _Padded:
    """Rows of a sparse matrix grouped by length into padded dense chunks, for vectorised solves."""

    def __init__(self, m: sp.csr_matrix, budget: int = 1 << 16):
        lengths = np.diff(m.indptr)
        order = np.argsort(lengths, kind="stable")
        order = order[lengths[order] > 0]
        self.chunks = []
        empty = np.flatnonzero(lengths == 0)
        i = 0
        while i < len(order):
            width = int(lengths[order[min(i + budget // max(int(lengths[order[i]]), 1), len(order)) - 1]])
            take = max(1, budget // max(width, 1))
            sel = order[i:i + take]
            width = int(lengths[sel].max())
            ar = np.arange(width)
            mask = ar[None, :] < lengths[sel][:, None]
            pos = np.where(mask, m.indptr[sel][:, None] + ar[None, :], 0)
            idx = m.indices[pos].astype(np.int32)
            cm1 = np.where(mask, m.data[pos], 0).astype(np.float32)
            self.chunks.append((sel, idx, cm1, mask.astype(np.float32)))
            i += len(sel)
        if len(empty):  # rows without any entry: their solution is 0 (nothing to fit)
            self.chunks.append((empty, np.zeros((len(empty), 1), np.int32), np.zeros((len(empty), 1), np.float32),
                                np.zeros((len(empty), 1), np.float32)))


def model_key(model: Recommender) -> tuple:
    """Identifies a model by its class and parameters (non-scalar parameters by identity)."""
    params = model.get_params(deep=False)
    simple = (int, float, str, bool, type(None), np.integer, np.floating)
    return type(model).__name__, tuple(sorted((k, v if isinstance(v, simple) else id(v)) for k, v in params.items()))


class Hybrid(Recommender):
    """A weighted blend of other models; each model's scores are scaled to 0-1 per customer first.

    The reason shown is the one of the model that contributed most to that product's score.

    Parameters
    ----------
    models : list of (name, Recommender, weight)
    exclude_bought : bool
        Leave out products the customer already bought.
    """

    def __init__(self, models: list | None = None, exclude_bought: bool = True):
        self.models = models
        self.exclude_bought = exclude_bought

    def _components(self):
        if self.models is None:
            return [("kNN", ItemKNN(), 0.45), ("ALS", ALS(), 0.35), ("content", ContentBased(), 0.1),
                    ("popularity", Popularity(), 0.1)]
        return self.models

    def _fit(self, interactions):
        self.fitted_ = [(name, clone(model).fit(interactions), float(weight))
                        for name, model, weight in self._components()]

    def fit_with(self, interactions: Interactions, fitted: dict) -> "Hybrid":
        """Fit, reusing components already fitted on the same ``interactions`` (``fitted`` maps
        ``model_key(model)`` to a fitted model), so an evaluation does not fit them twice."""
        self._prepare(interactions)
        self.fitted_ = [(name, fitted.get(model_key(model)) or clone(model).fit(interactions), float(weight))
                        for name, model, weight in self._components()]
        return self

    def _scores(self, rows):
        parts = []
        total = None
        for _, model, weight in self.fitted_:
            s, _ = model._scores(rows)
            top = s.max(axis=1, keepdims=True)
            s = np.where(top > 0, s / np.where(top > 0, top, 1), 0).astype(np.float32) * np.float32(weight)
            parts.append(s)
            total = s if total is None else total + s
        return total, parts

    def _evidence(self, rows, items, parts):
        contrib = np.stack([np.take_along_axis(p, items, axis=1) for p in parts])
        lead = contrib.argmax(axis=0)
        kind = np.full(items.shape, BEST_SELLER, dtype=np.int8)
        evidence = np.full(items.shape, -1, dtype=np.int64)
        for c, (_, model, _) in enumerate(self.fitted_):
            if (lead == c).any():
                kc, ec = model._evidence(rows, items, None)
                kind = np.where(lead == c, kc, kind)
                evidence = np.where(lead == c, ec, evidence)
        return kind, evidence

    def _segments_of(self, customer_ids):
        for _, model, _ in self.fitted_:
            if isinstance(model, Popularity) and len(model.segment_names_):
                return model._segments_of(customer_ids)
        return super()._segments_of(customer_ids)


# --------------------------------------------------------------------------------------------
# Offline evaluation
# --------------------------------------------------------------------------------------------
MAP_DEFINITION = Message("recommend.map_definition")  # how MAP@k is defined here, and why


@dataclass(frozen=True)
class Split:
    """History before a cut date (to fit on) and what each customer bought from then on (to check against).

    Attributes
    ----------
    train : Interactions
        Purchases before ``cut``.
    test : scipy.sparse.csr_matrix
        Rows like ``train.customers``, columns like ``train.products``: 1 where the customer
        bought the product on or after ``cut`` (net of returns).
    cut : Timestamp
    test_customers : int
        Customers seen before the cut who bought again afterwards.
    new_customers : int
        Customers whose first purchase came after the cut (no history to recommend from).
    unseen_products : int
        Products first sold after the cut and absent from the catalogue (no model can know them).
    """

    train: Interactions
    test: sp.csr_matrix
    cut: pd.Timestamp
    test_customers: int
    new_customers: int
    unseen_products: int


def default_cut(transactions: SalesSource, test_share: float = 0.1) -> pd.Timestamp:
    """The day that leaves the last ``test_share`` of the date range (at least 14 days) for testing."""
    span = order_span(sales_table(transactions, ["order_date"]))
    return cut_between(span.first, span.last, test_share)


def cut_between(first, last, test_share: float = 0.1) -> pd.Timestamp:
    """``default_cut`` of data from ``first`` to ``last`` (moments or days): the last ``test_share``
    of the days (at least 14) are left for testing, and at least one day for training."""
    first, last = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize() + pd.Timedelta(days=1)
    days = max(14, int(round((last - first).days * test_share)))
    return max(first + pd.Timedelta(days=1), last - pd.Timedelta(days=days))


def browsing_cut(first, last, first_event, test_share: float = 0.1) -> pd.Timestamp:
    """``cut_between(first, last, test_share)``, unless browsing starts after it (an analytics
    export often covers the last weeks only): then the middle of the days from the first event to
    the last sale, so that half the browsing trains and half the period tests; never fewer than
    14 days to test, never before the second day."""
    default = cut_between(first, last, test_share)
    if first_event is None:
        return default
    start = pd.Timestamp(first_event).normalize()
    end = pd.Timestamp(last).normalize() + pd.Timedelta(days=1)
    middle = start + pd.Timedelta(days=(end - start).days // 2)
    cut = min(max(default, middle), end - pd.Timedelta(days=14))
    return max(cut, pd.Timestamp(first).normalize() + pd.Timedelta(days=1))


def temporal_split(transactions: SalesSource, cut=None, value: str = "purchases",
                   half_life_days: float | None = None, catalogue: pd.DataFrame | None = None) -> Split:
    """Split sale lines at ``cut`` (default: ``default_cut``) into a training history and a test set,
    both counted in the source's engine.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Order lines (see ``interactions_from``).
    cut : date-like, optional
        Lines before this moment train the models; lines from it on are the test.
    value, half_life_days, catalogue
        As in ``interactions_from`` (decay counts back from the cut).

    Returns
    -------
    Split
    """
    sales = sales_table(transactions, ["customer_id", "product_id", "order_date", "quantity"],
                        optional=["product_name", "category"])
    span = order_span(sales)
    if pd.Timestamp(span.first).normalize() == pd.Timestamp(span.last).normalize():
        raise DataError(Message("recommend.error.one_day"))
    cut = cut_between(span.first, span.last) if cut is None else pd.Timestamp(cut)
    identified = sales.customer_id.notnull()
    found = fetch(sales.aggregate(before=sales.count(where=identified & (sales.order_date < cut)),
                                  after=sales.count(where=identified & (sales.order_date >= cut)))).iloc[0]
    if not found["before"]:
        raise DataError(Message("recommend.error.nothing_before", cut=cut))
    if not found["after"]:
        raise DataError(Message("recommend.error.nothing_after", cut=cut))
    train = interactions_from(sales.filter(sales.order_date < cut), value=value, half_life_days=half_life_days,
                              as_of=cut, catalogue=catalogue)
    after = sales.filter(identified, sales.product_id.notnull(), sales.order_date >= cut)
    net = after.group_by(["customer_id", "product_id"]).aggregate(quantity=exact_sum(after.quantity))
    # matched to the axes in Arrow, as in interactions_from: pandas took 0.9 s for the 1.9M cells of a 20M-line data set
    net = net.filter(net.quantity > 0).to_pyarrow()
    rows = _positions(net["customer_id"], train.customers)
    cols = _positions(net["product_id"], train.products)
    ok = (rows >= 0) & (cols >= 0)
    test = sp.csr_matrix((np.ones(ok.sum(), dtype=np.float32), (rows[ok], cols[ok])),
                         shape=(len(train.customers), len(train.products)))
    return Split(train=train, test=test, cut=cut, test_customers=int((np.diff(test.indptr) > 0).sum()),
                 new_customers=_absent(net["customer_id"], rows), unseen_products=_absent(net["product_id"], cols))


def _positions(ids: pa.ChunkedArray, axis: pd.Index) -> np.ndarray:
    """Each id's position on ``axis`` (-1 where absent)."""
    return pc.fill_null(pc.index_in(ids.cast(pa.string()), value_set=pa.array(axis, pa.string())), -1).to_numpy()


def _absent(ids: pa.ChunkedArray, positions: np.ndarray) -> int:
    """How many different ``ids`` have no position (-1)."""
    return pc.count_distinct(ids.filter(pa.array(positions < 0))).as_py()


def ranking_metrics(recommended: np.ndarray, relevant: sp.csr_matrix, k: int) -> pd.DataFrame:
    """Per-customer quality of top-k lists against what each customer went on to buy.

    Parameters
    ----------
    recommended : ndarray of int, shape (customers, >= k)
        Product columns, best first; -1 pads short lists.
    relevant : scipy.sparse.csr_matrix, shape (customers, products)
        Non-zero where the customer bought the product in the test period.
    k : int

    Returns
    -------
    DataFrame
        One row per customer: ``precision`` (hits / k), ``recall`` (hits / R), ``ndcg`` (binary
        gains, discount 1 / log2(rank + 1), normalised by the best possible list of min(k, R)
        hits), ``ap`` (see ``MAP_DEFINITION``), ``hit`` (1 if any hit) and ``relevant`` (R).
    """
    rec = np.asarray(recommended)[:, :k]
    rel = relevant.tocsr()
    rel.sort_indices()
    n_items = rel.shape[1]
    row_of = np.repeat(np.arange(rel.shape[0]), np.diff(rel.indptr))
    keys = row_of.astype(np.int64) * n_items + rel.indices
    query = np.arange(rec.shape[0])[:, None].astype(np.int64) * n_items + np.maximum(rec, 0)
    pos = np.minimum(np.searchsorted(keys, query), max(len(keys) - 1, 0))
    hits = (rec >= 0) & (len(keys) > 0) & (keys[pos] == query if len(keys) else False)
    n_rel = np.diff(rel.indptr).astype(float)
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = (hits * discount[: rec.shape[1]]).sum(axis=1)
    ideal = np.concatenate([[0.0], np.cumsum(discount)])[np.minimum(n_rel, k).astype(int)]
    cum_hits = np.cumsum(hits, axis=1)
    precision_at = cum_hits / np.arange(1, rec.shape[1] + 1)
    denom = np.minimum(n_rel, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({
            "precision": hits.sum(axis=1) / k,
            "recall": np.where(n_rel > 0, hits.sum(axis=1) / n_rel, np.nan),
            "ndcg": np.where(ideal > 0, dcg / np.where(ideal > 0, ideal, 1), np.nan),
            "ap": np.where(denom > 0, (precision_at * hits).sum(axis=1) / np.where(denom > 0, denom, 1), np.nan),
            "hit": hits.any(axis=1).astype(float),
            "relevant": n_rel.astype(np.int64),
        })


@dataclass(frozen=True)
class Evaluation:
    """How well each model's top-k lists predicted what customers bought after the cut.

    Attributes
    ----------
    table : DataFrame
        One row per model: ``model``, ``precision``, ``recall``, ``ndcg``, ``map``, ``hit_rate``,
        ``coverage`` (share of the catalogue recommended to somebody), ``ndcg_lift`` (relative
        to the baseline), ``lift_low`` / ``lift_high`` (95% bootstrap interval), ``fit_seconds``.
    per_customer : DataFrame
        ``model``, ``customer_id`` and the per-customer metrics of ``ranking_metrics``.
    k : int
    customers : int
        Customers evaluated.
    baseline : str
        The best-seller model every other one is compared with.
    best : str
        The model with the highest NDCG@k.
    beats_baseline : bool
        Whether ``best`` beats the baseline clearly: at least 10% more NDCG, with the bootstrap
        interval of the gain above zero.
    exclude_bought : bool
        Whether products bought before the cut were left out of lists and of the test.
    cut : Timestamp
        Where the purchases were split.
    new_customers : int
        Customers whose first purchase came after the cut (``Split.new_customers``).
    split : Split or None
        The split the models were scored on; None once let go (``without_split``).
    """

    table: pd.DataFrame
    per_customer: pd.DataFrame
    k: int
    customers: int
    baseline: str
    best: str
    beats_baseline: bool
    exclude_bought: bool
    cut: pd.Timestamp
    new_customers: int
    split: Split | None

    def without_split(self) -> "Evaluation":
        """The same figures without the split: its matrices are as large as the data, and a kept
        result needs only the figures."""
        return dataclasses.replace(self, split=None)


def evaluate(models: dict, split: Split, k: int = 10, exclude_bought: bool = True, max_customers: int = 3000,
             baseline: str | None = None, random_state: int = 0, progress=None) -> Evaluation:
    """Fit every model on the history before the cut and score its top-k lists on what came after.

    Parameters
    ----------
    models : dict of name -> Recommender
        Unfitted models (they are cloned, so the originals stay untouched).
    split : Split
        From ``temporal_split``.
    k : int
        List length.
    exclude_bought : bool
        Leave products bought before the cut out of the lists and out of the test (a customer
        who rebuys milk has not been helped by a recommendation of milk). Bought means
        ``split.train.bought``: when the training also counts browsing (``with_browsing``), a
        product only viewed stays a candidate, and buying it after the cut is a hit.
    max_customers : int
        Evaluate a random sample of this many test customers (all of them when fewer). Above
        ``TRAIN_CUSTOMERS`` customers in all, the models are fitted on these and a random sample of
        the others (``TRAIN_CUSTOMERS`` customers in all), not on everybody's history.
    baseline : str, optional
        Name of the best-seller model to compare with (default: the first ``Popularity`` model).
    random_state : int
        Seed of the customer samples and of the bootstrap.
    progress : callable, optional
        Called as ``progress(done, total, model_name)`` while models fit.

    Returns
    -------
    Evaluation
    """
    if not models:
        raise DataError(Message("recommend.error.no_models"))
    if baseline is None:
        baseline = next((n for n, m in models.items() if isinstance(m, Popularity) and m.segments is None), None)
        if baseline is None:
            raise DataError(Message("recommend.error.no_baseline"))
    if baseline not in models:
        raise DataError(Message("recommend.error.baseline_missing", baseline=baseline))
    rng = np.random.default_rng(random_state)
    rows, relevant = _test_customers(split, exclude_bought, max_customers, rng)
    train, scored = _training_sample(split.train, rows, TRAIN_CUSTOMERS, random_state)
    results, per_customer, timings, fitted_by_key = {}, [], {}, {}
    for i, (name, model) in enumerate(models.items()):
        if progress is not None:
            progress(i, len(models), name)
        start = time.perf_counter()
        if isinstance(model, Hybrid):
            fitted = clone(model).fit_with(train, fitted_by_key)
        else:
            fitted = clone(model).fit(train)
            fitted_by_key[model_key(model)] = fitted
        items, _, _, _ = fitted._rank(scored, k, exclude_bought, explain=False)
        timings[name] = time.perf_counter() - start
        metrics = ranking_metrics(items, relevant, k)
        listed = np.unique(items[items >= 0])
        results[name] = (metrics, len(listed) / len(split.train.products))
        per_customer.append(metrics.assign(model=name, customer_id=split.train.customers[rows].to_numpy()))
    if progress is not None:
        progress(len(models), len(models), "")
    base = results[baseline][0]["ndcg"].to_numpy()
    boot = rng.integers(0, len(rows), size=(500, len(rows)))
    table = []
    for name, (metrics, coverage) in results.items():
        ndcg = metrics["ndcg"].to_numpy()
        base_mean = base.mean()
        lift = ndcg.mean() / base_mean - 1 if base_mean > 0 else np.nan
        boot_lift = ndcg[boot].mean(axis=1) / np.maximum(base[boot].mean(axis=1), 1e-12) - 1
        table.append({"model": name, "precision": metrics["precision"].mean(), "recall": metrics["recall"].mean(),
                      "ndcg": ndcg.mean(), "map": metrics["ap"].mean(), "hit_rate": metrics["hit"].mean(),
                      "coverage": coverage, "ndcg_lift": lift, "lift_low": np.quantile(boot_lift, 0.025),
                      "lift_high": np.quantile(boot_lift, 0.975), "fit_seconds": timings[name]})
    table = pd.DataFrame(table)
    best = table.loc[table["ndcg"].idxmax(), "model"]
    row = table.set_index("model").loc[best]
    beats = bool(best != baseline and row["ndcg_lift"] >= 0.10 and row["lift_low"] > 0)
    return Evaluation(table=table, per_customer=pd.concat(per_customer, ignore_index=True), k=k,
                      customers=len(rows), baseline=baseline, best=best, beats_baseline=beats,
                      exclude_bought=exclude_bought, cut=split.cut, new_customers=split.new_customers,
                      split=split)


# Above this many customers, ``evaluate`` fits its models on the test customers and a random sample of
# the others, this many in all. Why: the fits grow with the customers (ALS and item kNN took 61 of
# the 106 CPU-s of the analysis on the 500,000 customers of a 20M-line data set, so about 5 CPU-minutes
# on the 2.5M of a 100M-line one, over the page's 3-minute target), while 250,000 customers' histories
# (~8M purchases) teach a product's neighbours and tastes about as well: on the 20M, 28 CPU-s, the
# same verdict, best-sellers' NDCG@10 the same and the others' within 0.002. The demo (19,688
# customers) is far below it.
TRAIN_CUSTOMERS = 250_000


def _training_sample(train: Interactions, rows: np.ndarray, size: int,
                     random_state: int) -> tuple[Interactions, np.ndarray]:
    """``train`` (and ``rows``, customer rows of it) when it has at most ``size`` customers; else
    ``train`` cut to the customers of ``rows`` and others drawn at random, ``size`` in all (the
    product axis unchanged), with the positions of ``rows`` among them."""
    n = len(train.customers)
    if n <= size:
        return train, rows
    others = np.setdiff1d(np.arange(n), rows, assume_unique=True)
    drawn = np.random.default_rng((random_state, 1)).choice(others, max(size - len(rows), 0), replace=False)
    keep = np.union1d(rows, drawn)
    sample = dataclasses.replace(train, matrix=train.matrix[keep], customers=train.customers[keep],
                                 purchased=None if train.purchased is None else train.purchased[keep])
    return sample, np.searchsorted(keep, rows)


def _test_customers(split: Split, exclude_bought: bool, max_customers: int,
                    rng: np.random.Generator) -> tuple[np.ndarray, sp.csr_matrix]:
    """The customer rows an evaluation scores (a sample of at most ``max_customers`` of those who
    bought something after the cut, drawn from ``rng``) and what each bought then; with
    ``exclude_bought``, products they had bought before the cut are not counted (never a hit)."""
    test = split.test
    if exclude_bought:
        seen = split.train.bought.copy()
        seen.data[:] = 1
        test = (test - test.multiply(seen)).tocsr()
        test.eliminate_zeros()
    candidates = np.flatnonzero(np.diff(test.indptr) > 0)
    if len(candidates) == 0:
        raise DataError(Message("recommend.error.nothing_new"))
    rows = np.sort(rng.choice(candidates, min(max_customers, len(candidates)), replace=False))
    return rows, test[rows]


@dataclass(frozen=True)
class BrowsingGain:
    """What adding browsing (views, cart adds) to the purchases did to one model's lists.

    Attributes
    ----------
    table : DataFrame
        Two rows, ``feedback`` "purchases" (the purchases before the cut alone) and "browsing"
        (plus the views and cart adds before the cut): ``ndcg`` with ``ndcg_low`` / ``ndcg_high``
        (95% bootstrap interval over customers), ``hit_rate``, ``precision``, ``recall``,
        ``fit_seconds``.
    model : str
        The model compared (fitted twice: on each feedback).
    k : int
    customers : int
        Customers scored (the same ones for both).
    browsed : int
        Of them, customers with browsing before the cut (the others' lists cannot change much).
    events : int
        Browsing cells (customer x product) added before the cut.
    gain, gain_low, gain_high : float
        NDCG@k with browsing minus without, and its 95% paired bootstrap interval.
    gain_browsed : float
        The same gain among the ``browsed`` customers only (NaN without any).
    weights : mapping
        What a view and a cart add counted (a purchase: 1).
    cut : Timestamp
    """

    table: pd.DataFrame
    model: str
    k: int
    customers: int
    browsed: int
    events: int
    gain: float
    gain_low: float
    gain_high: float
    gain_browsed: float
    weights: Mapping
    cut: pd.Timestamp

    @property
    def helps(self) -> bool:
        """Whether browsing clearly helps: the whole interval of the gain is above zero."""
        return bool(self.gain_low > 0)

    @property
    def hurts(self) -> bool:
        """Whether browsing clearly makes lists worse: the whole interval is below zero."""
        return bool(self.gain_high < 0)


def evaluate_browsing(model: "Recommender", split: Split, events, weights: Mapping | None = None, name: str = "model",
                      k: int = 10, exclude_bought: bool = True, max_customers: int = 3000, random_state: int = 0,
                      n_boot: int = 1000) -> BrowsingGain:
    """Fit ``model`` on the purchases before the cut alone and on the purchases plus the browsing
    before the cut, and score both on what the same customers bought after it.

    Parameters
    ----------
    model : Recommender
        Unfitted (cloned twice).
    split : Split
        From ``temporal_split``.
    events : DataFrame or ibis.Table
        Browsing events (see ``with_browsing``, which counts them in their engine); only those
        before the cut train (one after it would tell the model what was bought).
    weights : mapping, optional
        What a view and a cart add count (``with_browsing``; default ``BROWSING_WEIGHTS``).
    name : str
        The model's name in the result.
    k, exclude_bought, max_customers, random_state
        As in ``evaluate`` (the same ``random_state`` scores the same customers). Products merely
        viewed before the cut stay candidates, and a purchase of one after the cut is a hit: that
        is what browsing can predict.
    n_boot : int
        Bootstrap resamples of the customers for the intervals.

    Returns
    -------
    BrowsingGain
    """
    weights = dict(BROWSING_WEIGHTS if weights is None else weights)
    browsing = with_browsing(split.train, events, weights, before=split.cut)
    added = (browsing.matrix - browsing.bought).tocsr()
    added.eliminate_zeros()
    if not added.nnz:
        raise DataError(Message("recommend.browsing.error.none_before", cut=split.cut))
    rng = np.random.default_rng(random_state)
    rows, relevant = _test_customers(split, exclude_bought, max_customers, rng)
    scored, timings = {}, {}
    for feedback, inter in (("purchases", split.train), ("browsing", browsing)):
        start = time.perf_counter()
        fitted = clone(model).fit(inter)
        items, _, _, _ = fitted._rank(rows, k, exclude_bought, explain=False)
        timings[feedback] = time.perf_counter() - start
        scored[feedback] = ranking_metrics(items, relevant, k)
    boot = rng.integers(0, len(rows), size=(n_boot, len(rows)))
    table = []
    for feedback, metrics in scored.items():
        ndcg = metrics["ndcg"].to_numpy()
        means = ndcg[boot].mean(axis=1)
        table.append({"feedback": feedback, "ndcg": ndcg.mean(), "ndcg_low": np.quantile(means, 0.025),
                      "ndcg_high": np.quantile(means, 0.975), "hit_rate": metrics["hit"].mean(),
                      "precision": metrics["precision"].mean(), "recall": metrics["recall"].mean(),
                      "fit_seconds": timings[feedback]})
    diff = scored["browsing"]["ndcg"].to_numpy() - scored["purchases"]["ndcg"].to_numpy()
    gains = diff[boot].mean(axis=1)
    browsed = np.diff(added[rows].indptr) > 0
    return BrowsingGain(table=pd.DataFrame(table), model=name, k=k, customers=len(rows), browsed=int(browsed.sum()),
                        events=int(added.nnz), gain=float(diff.mean()), gain_low=float(np.quantile(gains, 0.025)),
                        gain_high=float(np.quantile(gains, 0.975)),
                        gain_browsed=float(diff[browsed].mean()) if browsed.any() else float("nan"),
                        weights=weights, cut=split.cut)


def browsing_verdict(gain: BrowsingGain, model_name=None) -> Message:
    """The honest conclusion of ``evaluate_browsing`` in one or two sentences: browsing helps
    (the interval of the gain above zero), does not help measurably, or makes lists worse."""
    table = gain.table.set_index("feedback")["ndcg"]
    values = dict(model=gain.model if model_name is None else model_name, k=gain.k, gain=gain.gain,
                  low=gain.gain_low, high=gain.gain_high, ndcg_with=float(table["browsing"]),
                  ndcg_without=float(table["purchases"]), customers=gain.customers, browsed=gain.browsed)
    kind = "helps" if gain.helps else "hurts" if gain.hurts else "no_help"
    return Message(f"recommend.browsing.verdict.{kind}", **values)


def verdict(evaluation: Evaluation, names: Mapping | None = None) -> Message:
    """The honest conclusion of an evaluation in one or two sentences.

    Parameters
    ----------
    evaluation : Evaluation
    names : mapping, optional
        Model name -> how the sentence names it (a ``Message`` or text); the names themselves by
        default.
    """
    names = names or {}
    t = evaluation.table.set_index("model")
    k, base = evaluation.k, evaluation.baseline
    b = t.loc[evaluation.best]
    base_ndcg = float(t.loc[base, "ndcg"])
    if evaluation.beats_baseline:
        return Message("recommend.verdict.beats", best=names.get(evaluation.best, evaluation.best), k=k,
                       lift=float(b["ndcg_lift"]), ndcg=float(b["ndcg"]), base_ndcg=base_ndcg,
                       low=float(b["lift_low"]), high=float(b["lift_high"]), customers=evaluation.customers)
    plain = Message("recommend.verdict.no_winner", baseline=names.get(base, base))
    runner = t.drop(index=base)["ndcg"].idxmax() if len(t) > 1 else base
    if runner == base:
        return plain
    r = t.loc[runner]
    return Message("recommend.verdict.runner_up", verdict=plain, runner=names.get(runner, runner), k=k,
                   ndcg=float(r["ndcg"]), base_ndcg=base_ndcg, lift=float(r["ndcg_lift"]), low=float(r["lift_low"]),
                   high=float(r["lift_high"]))
