"""The period a dataset covers: its first and last order day, for a page's date pickers and the
defaults that depend on the length of the data (one query in the engine, cached like any analysis).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from promo_core.analyses import Progress
from promo_core.dates import order_span
from promo_core.engine import SalesSource, sales_table
from promo_core.errors import DataError
from promo_core.segments import to_day
from promo_core.text import Message


@dataclass(frozen=True)
class Params:
    """Nothing to set: the period is the data's."""


@dataclass(frozen=True)
class Result:
    """The first and last order day (midnight) and the days between them."""

    first_day: pd.Timestamp
    last_day: pd.Timestamp

    @property
    def days(self) -> int:
        return int((self.last_day - self.first_day).days)


def run(source: SalesSource, params: Params = Params(), progress: Progress | None = None) -> Result:
    """The first and last order day of a sales source.

    Raises
    ------
    DataError
        When the source has no lines, or an order date lies outside 1900-2100.
    """
    span = order_span(sales_table(source, ["order_date", "customer_id"]))
    if not span.lines:
        raise DataError(Message("period.error.empty"))
    return Result(first_day=to_day(span.first, "first_order"), last_day=to_day(span.last, "last_order"))
