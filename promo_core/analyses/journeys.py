"""The Journeys page's analysis: what customers do before they buy, from browsing events.

>>> result = run(events, Params(segments=Segments(customer_segment, "rfm@v1")))
>>> result.funnel.stages          # sessions -> viewed -> carted -> purchased, with drop-off
>>> result.funnel.by["channel"]   # conversion, browse-to-buy, cart abandonment with intervals
>>> result.carts                  # abandoned carts: who, what, value, how long ago
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from promo_core import journeys
from promo_core.analyses import Progress, Steps
from promo_core.text import Message

PARTS = frozenset({"carts", "searches", "products"})


@dataclass(frozen=True, eq=False)
class Segments:
    """customer_id -> segment (a Series) known by a key naming its content (the segmentation and
    the dataset's version): the settings are a cache key, and hashing a Series on every rerun
    would cost time. Equal when the keys are."""

    series: pd.Series
    key: str

    def __eq__(self, other) -> bool:
        return isinstance(other, Segments) and self.key == other.key

    def __hash__(self) -> int:
        return hash(("Segments", self.key))


@dataclass(frozen=True)
class Params:
    """Every setting of the Journeys page.

    Attributes
    ----------
    segments : Segments, optional
        The customers' segments the funnel is split by; None: no segment split.
    min_product_sessions : int
        A product is judged "viewed but rarely bought" only from this many viewing sessions on.
    parts : frozenset of str
        The optional steps to run: any of ``PARTS``.
    """

    segments: Segments | None = None
    min_product_sessions: int = 30
    parts: frozenset = PARTS


@dataclass(frozen=True)
class Result:
    """Everything the Journeys page and the report's Journeys section show.

    ``read``: rows read, ``quarantine`` (row, reason code, reason_values) the rows that could not be events, and
    ``columns`` role -> header (an upload's; empty for an engine table). The headline numbers
    are over all sessions. A part not asked for or that failed is None (reason in ``problems``).
    """

    params: Params
    rows: int | None  # rows of an uploaded table (None for an engine table)
    quarantine: pd.DataFrame
    columns: Mapping[str, str]
    funnel: journeys.Funnel
    n_sessions: int
    conversion: float
    browse_to_buy: float
    cart_abandonment: float
    notes: tuple[Message, ...]
    carts: pd.DataFrame | None = None
    abandoned_value: float = float("nan")
    searches: pd.DataFrame | None = None
    products: pd.DataFrame | None = None
    problems: Mapping[str, Message] = field(default_factory=dict)


def run(source, params: Params = Params(), progress: Progress | None = None) -> Result:
    """The Journeys analysis of an events table.

    Parameters
    ----------
    source : DataFrame or ibis.Table
        Events: a DataFrame as uploaded (its columns and event names are recognised by
        ``journeys.event_table``, unreadable rows quarantined), or an Ibis table with (some of) the
        canonical ``journeys.COLUMNS``, such as a dataset's ``events`` table
        (``io.load_events_into``). Either way the per-event work (sessions, the funnel by segment,
        channel and device, carts, searches, products) runs in the engine and only aggregates
        come back; the segments join the sessions there.
    params : Params
    progress : callable, optional

    Raises
    ------
    DataError
        When the events cannot be read (no event or time column) or hold no session.
    """
    steps = Steps(params.parts, progress)
    steps.announce(Message("journeys.step.reading"))
    if isinstance(source, pd.DataFrame):
        read = journeys.event_table(source)
        rows, quarantine, columns, data = len(source), read.quarantine, read.columns, read.data.drop(columns="row")
    else:
        rows, quarantine, columns, data = None, pd.DataFrame({"row": [], "reason": [], "reason_values": []}), {}, source
    events = journeys.events_table(data)
    steps.announce(Message("journeys.step.funnel"))
    funnel = journeys.funnel(events, params.segments.series if params.segments is not None else None)
    total = funnel.total
    carts = steps.run("carts", Message("journeys.step.carts"), journeys.abandoned_carts, events)
    searches = steps.run("searches", Message("journeys.step.searches"), journeys.search_gaps, events)
    products = steps.run("products", Message("journeys.step.products"), journeys.viewed_not_bought, events,
                         params.min_product_sessions)
    notes = [Message("journeys.note.sessions_from_gaps", minutes=journeys.SESSION_GAP_MINUTES)] \
        if "session_id" not in data.columns else []
    if len(quarantine):
        notes.append(Message("journeys.note.quarantine", rows=len(quarantine)))
    return Result(params=params, rows=rows,
                  quarantine=quarantine, columns=columns, funnel=funnel,
                  n_sessions=int(total["sessions"]), conversion=float(total["conversion"]),
                  browse_to_buy=float(total["browse_to_buy"]), cart_abandonment=float(total["cart_abandonment"]),
                  notes=tuple(notes), carts=carts,
                  abandoned_value=float(carts["value"].sum()) if carts is not None else float("nan"),
                  searches=searches, products=products, problems=steps.problems)
