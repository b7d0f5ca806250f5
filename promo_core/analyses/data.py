"""The Data page's analysis: the business at a glance (headline numbers, weekly sales, top products
and categories, the channel mix) and the data-quality facts of the order lines; with the
quarantine's summary (the rows a load rejected, counted by reason) for a dataset that has one.

>>> result = run(transactions, Params(top=15))
>>> result.profile.revenue        # net of returns; NaN without prices
>>> result.quality.return_lines   # lines that are returns
>>> quarantine(rejected).reasons  # reason, rows: most rows first
"""
from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from promo_core import io
from promo_core.analyses import Progress
from promo_core.engine import SalesSource, fetch, memory_backend, release_memory
from promo_core.engine import sources
from promo_core.errors import DataError
from promo_core.profile import BusinessProfile, LineQuality, profile_and_quality
from promo_core.store import Workspace
from promo_core.text import Message

__all__ = ["Params", "Quarantine", "Result", "dataset_quarantine", "dataset_quarantine_rows", "discard_draft",
           "quarantine", "reported_quality", "run",
           "sources"]  # (the Data page's Connect reads a source's columns and counts through it)

PREVIEW_ROWS = 5000  # quarantined rows shown on screen (the download holds them all)
# Reasons are counted without the value each row quoted: a code's values without their last key
# ("value", as the load writes them), an older workspace's English reason without its quoted value.
ROW_VALUE = r',?"value":.*\}$'
QUOTED_VALUE = r" '.*' "
ELIDED = " … "


@dataclass(frozen=True)
class Params:
    """Every setting of the Data page's profile.

    Attributes
    ----------
    top : int
        How many products and categories to list.
    """

    top: int = 15


@dataclass(frozen=True)
class Result:
    """Everything the Data page's profile and the report's business profile show."""

    params: Params
    profile: BusinessProfile
    quality: LineQuality
    has_price: bool  # False: revenue is NaN and the charts rank by units
    notes: tuple[Message, ...]  # what the numbers leave out


@dataclass(frozen=True)
class Quarantine:
    """The rows a load rejected: how many, counted by reason, and the first of them."""

    rows: int
    reasons: pd.DataFrame  # reason (a Message, without the value each row quoted), rows: most rows first
    preview: pd.DataFrame  # the first PREVIEW_ROWS rows, with their original values and reason


def run(source: SalesSource, params: Params = Params(), progress: Progress | None = None) -> Result:
    """The business profile and line quality of a sales source.

    Parameters
    ----------
    source : DataFrame or ibis.Table
        Order lines (``engine.sales_table``); every group-by runs in its engine.
    params : Params
    progress : callable, optional
        Told the step's ``Message`` as it starts.

    Returns
    -------
    Result

    Raises
    ------
    DataError
        ``data.error.no_lines`` when the source holds no order line.
    """
    if progress is not None:
        progress(Message("data.step.profile"))
    profile, quality = profile_and_quality(source, params.top)
    if not profile.lines:
        raise DataError(Message("data.error.no_lines"))
    has_price = not pd.isna(profile.revenue)
    return Result(params=params, profile=profile, quality=quality, has_price=has_price,
                  notes=() if has_price else (Message("data.note.no_prices"),))


def quarantine(rejected: pd.DataFrame | ir.Table, preview: int = PREVIEW_ROWS) -> Quarantine:
    """The summary of a quarantine (``io``'s rejected rows with a ``reason`` column), counted in
    its engine: a workspace's quarantine stays there, and only the counts and ``preview`` rows
    come back.

    Parameters
    ----------
    rejected : DataFrame or ibis.Table
    preview : int
        How many rows to bring back to show (in the order of ``row``, the file's row number, when
        the table has one).

    Returns
    -------
    Quarantine
    """
    table = _table(rejected)
    reason = table["reason"].cast("string")
    stored_text = ~reason.re_search(r"^[a-z][a-z_]*$")  # an older workspace's English reason, not a code
    reason = stored_text.ifelse(reason.re_replace(QUOTED_VALUE, ELIDED), reason)
    values = (table["reason_values"].cast("string").re_replace(ROW_VALUE, "}") if "reason_values" in table.columns
              else ibis.null("string"))
    counted = table.group_by(reason=reason, values=values).aggregate(rows=table.count())
    reasons = fetch(counted.order_by([ibis.desc("rows"), "reason"]))
    reasons["reason"] = [io.reason_message(r, v) for r, v in zip(reasons["reason"], reasons["values"])]
    reasons = reasons[["reason", "rows"]]
    rows = int(reasons["rows"].sum())
    if isinstance(rejected, pd.DataFrame):
        shown = rejected.head(preview)
    else:
        shown = fetch((rejected.order_by("row") if "row" in rejected.columns else rejected).head(preview))
    return Quarantine(rows=rows, reasons=reasons.astype({"rows": "int64"}), preview=shown.reset_index(drop=True))


def _table(rejected: pd.DataFrame | ir.Table) -> ir.Table:
    """The quarantine's reasons as an Ibis table (a DataFrame's scanned in place by the process's
    locked in-memory DuckDB, as ``engine.sales_table`` does)."""
    columns = [c for c in ("reason", "reason_values") if c in rejected.columns]
    if isinstance(rejected, ir.Table):
        return rejected.select(columns)
    backend = memory_backend()
    backend.con.register("quarantine", rejected[columns].astype({c: "string" for c in columns}))
    return backend.table("quarantine")


def reported_quality(report: dict) -> LineQuality:
    """The line counts a load reported (``io``'s load report), for a draft under review."""
    return LineQuality(return_lines=report.get("return_lines", 0), duplicate_lines=report.get("duplicate_lines", 0),
                       zero_price_lines=report.get("zero_price_lines", 0), guest_lines=report.get("guest_lines", 0))


def discard_draft(workspace: Workspace, dataset_id: str) -> None:
    """Delete a draft dataset no longer under review (if still there) and give the memory its load
    left behind back to the operating system."""
    try:
        workspace.delete_dataset(dataset_id)
    except DataError:  # (already gone)
        pass
    release_memory()


def dataset_quarantine(workspace: Workspace, dataset_id: str, preview: int = PREVIEW_ROWS) -> Quarantine | None:
    """``quarantine`` of a saved dataset (or draft), counted in the workspace; None when the
    dataset has no quarantine table (data saved by a notebook)."""
    if "quarantine" not in workspace.dataset(dataset_id)["tables"]:
        return None
    with workspace.ibis_table(dataset_id, "quarantine") as table:
        return quarantine(table, preview)


def dataset_quarantine_rows(workspace: Workspace, dataset_id: str, table: str = "quarantine") -> pd.DataFrame:
    """Every quarantined row of a saved dataset (or of another of its loads, such as
    ``events_quarantine``), in file order: what its download holds."""
    with workspace.ibis_table(dataset_id, table) as table:
        return fetch(table.order_by("row") if "row" in table.columns else table)
