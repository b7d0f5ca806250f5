"""One module per page: the page's analysis, defined once for the page, the report and the command line.

Every module here has the same shape, scikit-learn-like small pieces:

- ``Params``: a frozen dataclass holding every setting of the page, with its defaults. Hashable,
  so a cache keys on it (with the dataset's version, never the language).
- ``run(source, params, progress=None) -> Result``: ``source`` is a DataFrame (notebooks, tests)
  or an Ibis table (the workspace's DuckDB, Spark); the per-line work runs in the source's engine
  through the domain modules, and only aggregates come back. ``progress``, when given, is called
  with a ``Message`` as each step starts.
- ``Result``: a frozen dataclass with named fields: tables as DataFrames, numbers for the headline
  metrics, figure data (not figures) and notes as ``Message`` objects (ids with values, never text).

A step the data cannot support, or one that fails, does not fail the analysis: its field is None
and ``Result.problems`` says why (``Steps``). Only what the whole page needs (the first step) may
raise a DataError.

``ui.run_analysis(module, params)`` runs and caches it for a page; ``report`` renders the same
Result for the report and the command line. Both turn messages into words through
``promo_core.text``.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection
from types import MappingProxyType

from promo_core.errors import DataError
from promo_core.text import Message

LOG = logging.getLogger("promo_core.analyses")

Progress = Callable[[Message], None]


def problem(exc: Exception, step: str) -> Message:
    """What to tell the reader about a step that failed.

    A DataError carries its own message (what is wrong with the data). Anything else is a bug whose
    text can hold SQL, paths or data, so the reader gets an incident reference and the traceback
    goes to the log (logger ``promo_core.analyses``) under the same reference.
    """
    if isinstance(exc, DataError):
        return exc.message
    incident = uuid.uuid4().hex[:8]
    LOG.error("incident %s: the step %r failed", incident, step, exc_info=exc)
    return Message("error.unexpected", incident=incident)


class Steps:
    """The optional steps of one run, each failing on its own.

    Parameters
    ----------
    wanted : collection of str
        The steps to run (``Params.parts``); the others are skipped (None, no problem).
    progress : callable, optional
        Told each step's ``Message`` as it starts.
    """

    def __init__(self, wanted: Collection[str], progress: Progress | None = None):
        self.wanted = wanted
        self.progress = progress
        self._problems: dict[str, Message] = {}

    def announce(self, step: Message) -> None:
        """Tell ``progress`` that ``step`` starts."""
        if self.progress is not None:
            self.progress(step)

    def run(self, name: str, step: Message, compute: Callable, *args, **kwargs):
        """``compute(*args, **kwargs)``, or None when the step is not wanted or fails (then its
        problem is kept under ``name``)."""
        if name not in self.wanted:
            return None
        self.announce(step)
        try:
            return compute(*args, **kwargs)
        except Exception as exc:  # one failing step is one missing part, never a failed page
            self._problems[name] = problem(exc, name)
            return None

    @property
    def problems(self) -> MappingProxyType:
        """Step name -> why it is missing (read-only)."""
        return MappingProxyType(dict(self._problems))
