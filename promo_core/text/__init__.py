"""The catalogue: every label, message, column title and term of the migrated pages, keyed by id,
one file per language (``en.py``, ``zh.py``: a ``NAME`` and a ``MESSAGES`` dict).

Why: compute returns numbers, codes and ``Message`` objects (an id and the values it quotes), never
text, so a result serves every language and switching language recomputes nothing; only ``ui``
and ``report`` (and the command line) turn messages into words, through ``render``. Adding a
language is one file: a module here named by its code (``fr.py``) with ``NAME`` and ``MESSAGES``;
an id it lacks reads in English.

Templates are ``str.format`` strings. Besides Python's own format specs they know:

- ``{x:money}``, ``{x:money0}``: an amount with the reader's currency symbol (2 or 0 decimals);
- ``{x:num}``, ``{x:num1}``: a number in the language's style (Chinese uses 万 and 亿);
- ``{x:pct0}``, ``{x:pct1}``: a share as a percentage;
- ``{x:date}``: a day as YYYY-MM-DD;
- ``{p:pvalue}``: a p value as "p = 0.043", or "p < 0.001" below that (a reader gains nothing from
  "p = 3e-15", and "p = 0.000" would claim certainty);
- ``{x:cap}``, ``{x:lower}``: the text with its first letter capitalised, or all lower case;
- ``{xs:and}``, ``{xs:sentences}``, ``{xs:list}``: a sequence joined by the catalogue's ``join.*``.

A value that is itself a ``Message`` is rendered first, so messages nest (a rule made of conditions).
"""
from __future__ import annotations

import importlib
import pkgutil
import re
import string
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from promo_core.i18n import fmt_money, fmt_number, fmt_pct

ENGLISH = "en"


class Message:
    """A text to show, as its catalogue id and the values it quotes.

    Numbers, dates and names from the data travel as values, so the reader's language and
    currency apply when the message is rendered (``render``), not when it is made.

    >>> Message("segments.note.guest_lines", lines=36228)
    Message('segments.note.guest_lines', lines=36228)
    """

    __slots__ = ("id", "values")

    def __init__(self, id: str, /, **values: Any):
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "values", values)

    def __setattr__(self, name, value):
        raise AttributeError("a Message cannot be changed")

    def __eq__(self, other) -> bool:
        return isinstance(other, Message) and (self.id, self.values) == (other.id, other.values)

    def __hash__(self) -> int:
        return hash((self.id, tuple(sorted(self.values))))

    def __reduce__(self):
        return _message, (self.id, self.values)

    def __repr__(self) -> str:
        values = "".join(f", {k}={v!r}" for k, v in self.values.items())
        return f"Message({self.id!r}{values})"


def _message(id: str, values: dict) -> Message:
    return Message(id, **values)


def _load_catalogues() -> dict[str, Any]:
    """Every catalogue module of this package, by language code."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if re.fullmatch(r"[a-z]{2,3}(_[A-Za-z]{2,4})?", info.name):
            found[info.name] = importlib.import_module(f"{__name__}.{info.name}")
    return found


_CATALOGUES = _load_catalogues()
LANGUAGES: dict[str, str] = {code: module.NAME for code, module in sorted(
    _CATALOGUES.items(), key=lambda item: (item[0] != ENGLISH, item[0]))}


def catalogue(lang: str) -> Mapping[str, str]:
    """The messages of one language (English for an unknown code)."""
    return _CATALOGUES.get(lang, _CATALOGUES[ENGLISH]).MESSAGES


def missing_keys(lang: str) -> list[str]:
    """The ids English has and ``lang`` lacks (they read in English there)."""
    own = catalogue(lang)
    return sorted(k for k in catalogue(ENGLISH) if k not in own)


def template(message_id: str, lang: str = ENGLISH) -> str:
    """The template of an id in ``lang``, else in English.

    Raises
    ------
    KeyError
        When not even English has the id (a bug: ``tests/test_text.py`` checks every id in the code).
    """
    found = catalogue(lang).get(message_id)
    if found is None:
        found = catalogue(ENGLISH).get(message_id)
    if found is None:
        raise KeyError(f"no text for the message id {message_id!r}")
    return found


class _Formatter(string.Formatter):
    """``str.format`` with the catalogue's format specs (see the module's docstring)."""

    def __init__(self, lang: str, currency: str):
        self.lang, self.currency = lang, currency

    def format_field(self, value, spec: str) -> str:
        if isinstance(value, Message):
            value = render(value, self.lang, self.currency)
        if isinstance(value, Sequence) and not isinstance(value, str):
            parts = [render(v, self.lang, self.currency) if isinstance(v, Message) else str(v) for v in value]
            return template(f"join.{spec or 'list'}", self.lang).join(parts)
        match = re.fullmatch(r"(money|num|pct|date|cap|lower|pvalue)(\d*)", spec)
        if match is None:
            return super().format_field(value, spec)
        kind, digits = match.groups()
        if kind == "money":
            return fmt_money(value, self.currency, int(digits or 2), self.lang)
        if kind == "num":
            return fmt_number(value, int(digits or 0), self.lang)
        if kind == "pct":
            return fmt_pct(value, int(digits or 1))
        if kind == "pvalue":
            return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"
        if kind == "date":
            return "–" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"
        if kind == "cap":
            text = str(value)
            return text[:1].upper() + text[1:]
        return str(value).lower()


def render(message: Message | str, lang: str = ENGLISH, currency: str = "£") -> str:
    """A message (or a bare id) in the reader's language, amounts with their currency symbol.

    Parameters
    ----------
    message : Message or str
        What to say; a str is an id without values.
    lang : str
        A code of ``LANGUAGES``; an id the language lacks reads in English.
    currency : str
        The symbol put before amounts (``{x:money}``).

    Returns
    -------
    str
    """
    if isinstance(message, str):
        message = Message(message)
    return _Formatter(lang, currency).vformat(template(message.id, lang), (), message.values)


def term(kind: str, code, lang: str = ENGLISH) -> str:
    """The display name of a code (a segment, a channel type…): ``kind.code`` in the catalogue, else
    the code itself (names from the data, such as a channel called "web", are shown as they are)."""
    key = f"{kind}.{code}"
    if key in catalogue(lang) or key in catalogue(ENGLISH):
        return template(key, lang)
    return str(code)


def terms(kind: str, codes, lang: str = ENGLISH) -> dict:
    """``{code: display name}`` for codes of one kind (see ``term``)."""
    return {code: term(kind, code, lang) for code in codes}


def column_title(name, lang: str = ENGLISH) -> str:
    """A column's heading: ``column.<name>`` in the catalogue, else ``recency_days`` -> ``Recency days``
    (a name that is not a plain identifier, such as ``channel: web``, stays as it is)."""
    name = str(name)
    key = f"column.{name}"
    if key in catalogue(lang) or key in catalogue(ENGLISH):
        return template(key, lang)
    if re.fullmatch(r"[a-z][a-z0-9_]*", name):
        return name.replace("_", " ").capitalize()
    return name


# Columns that hold codes of a kind of term: rendered as the term's display name.
CODED_COLUMNS = {"segment": "segment", "segment_start": "segment", "segment_end": "segment",
                 "channel_type": "channel_type",
                 "band": "risk_band", "route": "churn_route", "feature": "column",
                 "channel": "missing", "device": "missing"}  # (names from the data, but "(unknown)" is ours)


def render_frame(frame: pd.DataFrame, lang: str = ENGLISH, currency: str = "£") -> pd.DataFrame:
    """A result table as the reader sees it: ``Message`` cells in words and coded columns
    (``CODED_COLUMNS``) by their display names; column names and numbers unchanged."""
    out = frame.copy()
    for col in out.columns:
        kind = CODED_COLUMNS.get(col)
        if kind is not None:
            codes = out[col].astype(object)
            out[col] = codes.map(terms(kind, codes.dropna().unique(), lang)).where(codes.notna(), codes)
        elif out[col].dtype == object and out[col].map(lambda v: isinstance(v, Message)).any():
            out[col] = out[col].map(lambda v: render(v, lang, currency) if isinstance(v, Message) else v)
    return out


def chart_labels(chart: str, lang: str = ENGLISH, currency: str = "£", **values) -> dict[str, str]:
    """The words of one chart of ``promo_core.charts``: every ``chart.<chart>.<key>`` of the
    catalogue rendered with ``values`` (and ``currency``, for axis titles), plus ``money``, how an amount reads ("£{}": the chart puts
    its number format in place of ``{}``)."""
    prefix = f"chart.{chart}."
    keys = [k for k in catalogue(ENGLISH) if k.startswith(prefix)]
    values = {"currency": currency, **values}
    labels = {k[len(prefix):]: render(Message(k, **values), lang, currency) for k in keys}
    labels["money"] = currency + "{}"
    return labels
