"""The workspace: datasets, their column mappings and saved analyses in one embedded DuckDB file.

Why DuckDB: a manager's upload must survive a server restart, large tables must not live in
each browser session's memory, and aggregations over millions of lines are fast in SQL.

Every operation opens its own connection and closes it. Within one process DuckDB shares the
database between connections, so concurrent browser sessions (threads) each get a consistent
snapshot; a dataset becomes visible only when the transaction that wrote all its tables commits,
so nobody sees half-written data. Between processes (the app and the command line) the file
lock is held only for the length of one operation, and a busy file is retried for a while by the
session that needs it, without holding up the others, before it says so in a DataError.
"""
from __future__ import annotations

import contextlib
import copy
import dataclasses
import io
import json
import os
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ClassVar, Iterator, Protocol, TypeVar

import duckdb
import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from promo_core import segments
from promo_core.engine import connect_file, data_folders, ibis_backend, quote_ident, release_memory
from promo_core.errors import DataError
from promo_core.export import tidy_frame
from promo_core.text import Message

DEFAULT_PATH = Path("workspace") / "promo.duckdb"
# DuckDB's memory for the workspace (all of a server's sessions and loads together; past it, work spills
# to the folder beside the file): ``$PROMO_WORKSPACE_MEMORY`` or this.
MEMORY_LIMIT_ENV = "PROMO_WORKSPACE_MEMORY"
DEFAULT_MEMORY_LIMIT = "2GB"
_LOCK = threading.Lock()
_SHARED: dict[str, list] = {}  # resolved path -> [open connection, number of operations using it]
_OPENING: dict[str, threading.Lock] = {}  # resolved path -> held by the thread opening that file
_CREATE_LOCK = threading.Lock()  # creating the schema, or the first dataset: one thread at a time

_SCHEMA = """
CREATE TABLE IF NOT EXISTS datasets (
    id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, source VARCHAR,
    created_at TIMESTAMP NOT NULL, rows_in BIGINT, n_rows BIGINT, n_quarantine BIGINT,
    mapping JSON, report JSON, tables JSON NOT NULL);
CREATE TABLE IF NOT EXISTS analyses (
    id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, page VARCHAR NOT NULL, dataset_id VARCHAR,
    created_at TIMESTAMP NOT NULL, params JSON, notes JSON, table_names JSON, figure_names JSON);
CREATE TABLE IF NOT EXISTS analysis_parts (
    analysis_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, position INTEGER NOT NULL,
    name VARCHAR NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS handoffs (
    kind VARCHAR NOT NULL, dataset_id VARCHAR NOT NULL, saved_at TIMESTAMP NOT NULL, body VARCHAR NOT NULL,
    PRIMARY KEY (kind, dataset_id));
"""


def _report_json(report: dict) -> str:
    """A dataset's report as JSON: its notes (``Message``) as ``{"message": id, "values": {...}}``,
    so a note reads in the language of whoever opens the dataset; other values JSON cannot hold as text."""
    def encode(value):
        if isinstance(value, Message):
            return {"message": value.id, "values": value.values}
        return str(value)

    return json.dumps(report, default=encode)


def _report_from_json(stored: str | None) -> dict:
    """A report as ``_report_json`` wrote it, its notes ``Message`` again. The notes of a workspace
    saved before notes were messages (English text) read as they were written."""
    def decode(obj: dict):  # (a sequence of a message was a tuple: JSON gave it back as a list)
        if obj.keys() != {"message", "values"}:
            return obj
        return Message(obj["message"], **{k: tuple(v) if isinstance(v, list) else v for k, v in obj["values"].items()})

    report = json.loads(stored, object_hook=decode) if stored else {}
    if "notes" in report:
        report["notes"] = [n if isinstance(n, Message) else Message("ingest.stored_text", text=str(n))
                           for n in report["notes"]]
    return report


@dataclass(frozen=True)
class SavedAnalysis:
    """A page's analysis as saved for a report: parameters, key tables, charts and notes."""

    id: str
    name: str
    page: str
    dataset_id: str | None
    created_at: pd.Timestamp
    params: dict
    notes: list[str]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: dict[str, str] = field(default_factory=dict)  # name -> Plotly figure JSON


# The C library's allocator for the frames' buffers: Arrow's default (mimalloc) takes fresh huge
# pages for every batch copied, 0.5 s of system time per million rows on a 2-core server.
FRAME_POOL = pa.system_memory_pool()


def fetch_frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    """A query's result as a DataFrame, fetched through Arrow a batch at a time (``arrow_frame``)."""
    return arrow_frame((con.sql(sql, params=params) if params else con.sql(sql)).to_arrow_reader())


def arrow_frame(batches: pa.RecordBatchReader) -> pd.DataFrame:
    """A DataFrame from Arrow record batches, each copied into buffers of the frame's own as it arrives.

    Why Arrow: text lands in pandas' Arrow-backed ``str`` dtype without building Python strings (three
    times faster than ``.df()`` on text-heavy tables). Why a batch at a time: a whole Arrow result
    converted at once is the table twice over, and text pointing into DuckDB's batches keeps every
    column of them alive (0.85 GB beyond the frame for a 300 MB CSV). Copied as they arrive, the
    batches go one by one: a fetch costs the frame and about one column (``column_frame``).
    """
    chunks: list[list[pa.Array]] = [[] for _ in batches.schema]
    for batch in batches:
        for pieces, values in zip(chunks, batch.columns):
            pieces.append(pa.concat_arrays([values], memory_pool=FRAME_POOL))  # (a copy: the batch can go)
    return column_frame(batches.schema, (chunks.pop(0) for _ in batches.schema))


def column_frame(schema: pa.Schema, columns: Iterator[list[pa.Array]]) -> pd.DataFrame:
    """A DataFrame from the pieces of each column of ``schema``, given a column at a time: each is
    joined into one array of the frame's own (text as pandas keeps it: a groupby on text in thirty
    pieces is slower) and its pieces go before the next column comes."""
    joined = []
    for field, pieces in zip(schema, columns):
        column = pa.concat_arrays(pieces, memory_pool=FRAME_POOL) if pieces else pa.array([], field.type)
        del pieces
        joined.append(column.cast(pa.large_string(), memory_pool=FRAME_POOL) if pa.types.is_string(field.type)
                      else column)
        del column
        release_memory()  # (the pieces' memory, before the next column takes more)
    return pa.table(joined, names=schema.names).to_pandas(
        types_mapper=_arrow_types, split_blocks=True, self_destruct=True, memory_pool=FRAME_POOL)


def _arrow_types(arrow_type):
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype("pyarrow", na_value=np.nan)
    return None


def workspace_path() -> Path:
    """The workspace file: ``$PROMO_WORKSPACE`` or ``./workspace/promo.duckdb``."""
    return Path(os.environ.get("PROMO_WORKSPACE") or DEFAULT_PATH)


class Workspace:
    """Datasets and saved analyses in a DuckDB file.

    Parameters
    ----------
    path : str or Path, optional
        The DuckDB file; created with its folder when missing. Defaults to ``workspace_path()``.
    busy_timeout : float, optional
        Seconds to wait for the file while another process holds it, before a DataError says so.
    memory_limit : str, optional
        DuckDB's memory limit for the workspace (``"2GB"``; default ``$PROMO_WORKSPACE_MEMORY`` or
        ``DEFAULT_MEMORY_LIMIT``). Past it, DuckDB spills to ``<file>.tmp`` beside the file. It holds
        for every session of the process using the file (the first to open it sets it).

    Attributes
    ----------
    incoming : Path
        ``<file>.incoming``: the folder a file being loaded sits in (``io.load_into``), the only place
        apart from the data folders that the workspace's connection may read from.
    """

    def __init__(self, path: str | Path | None = None, busy_timeout: float = 10.0, memory_limit: str | None = None):
        self.path = Path(path) if path is not None else workspace_path()
        self.busy_timeout = busy_timeout
        self.memory_limit = memory_limit or os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT
        self.incoming = self.path.with_name(self.path.name + ".incoming")
        self._entries: dict[str, tuple[tuple, dict]] = {}  # dataset id -> (file stamp, entry): see dataset()
        self.incoming.mkdir(parents=True, exist_ok=True)
        with self.connect() as con, _CREATE_LOCK:  # DuckDB refuses two threads creating one table at once
            con.execute(_SCHEMA)
        self.discard_drafts()

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for one operation. Threads share one open database (opened by the first, closed
        by the last user), so the file is free for other processes whenever nobody is working."""
        key = str(self.path.resolve())
        entry = self._join(key)
        try:
            with entry[0].cursor() as cursor:
                yield cursor
        finally:
            with _LOCK:
                entry[1] -= 1
                if entry[1] == 0:
                    entry[0].close()
                    del _SHARED[key]

    def _join(self, key: str) -> list:
        """The shared entry for the file, opened here when nobody in this process has it open. One
        thread at a time opens a given file (two at once can leave DuckDB's connection without its
        pandas scan), and waiting for it holds up no session on a file that is already open."""
        deadline = time.monotonic() + self.busy_timeout
        with _LOCK:
            opening = _OPENING.setdefault(key, threading.Lock())
        if not opening.acquire(timeout=self.busy_timeout):
            raise self._busy()
        try:
            with _LOCK:
                entry = _SHARED.get(key)
                if entry is not None:
                    entry[1] += 1
                    return entry
            con = self._open(deadline)
            with _LOCK:
                entry = _SHARED[key] = [con, 1]
            return entry
        finally:
            opening.release()

    def _open(self, deadline: float) -> duckdb.DuckDBPyConnection:
        """Open the file, retrying until ``deadline`` while another process holds it."""
        while True:
            try:
                return connect_file(self.path, read_dirs=[*data_folders(), self.incoming], memory_limit=self.memory_limit,
                                    temp_dir=self.path.with_name(self.path.name + ".tmp"))
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() and not self._being_created():
                    raise DataError(Message("workspace.error.unopenable", path=str(self.path))) from exc
                if time.monotonic() >= deadline:
                    raise self._busy() from exc
                time.sleep(0.1)

    def _being_created(self) -> bool:
        """Whether the file is shorter than DuckDB's headers: another process has just created it
        and not yet written them (servers starting together on a new workspace), so wait as for a lock."""
        try:
            return self.path.stat().st_size < 3 * 4096
        except OSError:
            return True

    def _busy(self) -> DataError:
        return DataError(Message("workspace.error.busy", path=str(self.path), seconds=self.busy_timeout))

    # --- datasets --------------------------------------------------------------------------
    def save_dataset(self, name: str, tables: dict[str, Table], *, kind: str = "upload",
                     source: str | None = None, rows_in: int | None = None, mapping: dict | None = None,
                     report: dict | Callable[[], dict] | None = None, if_empty: bool = False) -> str | None:
        """Store a dataset's tables atomically and return its id.

        ``tables`` must hold ``transactions``; ``quarantine`` and any extra tables (products,
        campaign, warehouses, stores, ...) are stored beside it. A table is a DataFrame, Arrow
        record batches (streamed in: a file being loaded never sits in memory whole) or a
        ``TableView`` (SQL over data used in place). ``report`` may be a function, called once the
        tables are written (what a stream found is known only then). With ``if_empty`` the
        dataset is stored only into a workspace without datasets (None otherwise), checked in the
        same operation, so that servers starting together on an empty workspace store it once.
        ``kind="draft"``: an upload under review, listed nowhere until ``publish_dataset``.
        """
        if "transactions" not in tables:
            raise DataError(Message("workspace.error.no_transactions"))

        def build(con: duckdb.DuckDBPyConnection, dataset_id: str) -> NewDataset:
            for table, value in tables.items():
                _create(con, dataset_id, table, value)
            return NewDataset(name, list(tables), source, rows_in, mapping,
                              (report() if callable(report) else report) or {})

        return self.build_dataset(build, kind=kind, if_empty=if_empty)

    def build_dataset(self, build: Callable[[duckdb.DuckDBPyConnection, str], NewDataset], *, kind: str = "upload",
                      if_empty: bool = False) -> str | None:
        """Store a dataset whose tables ``build(con, dataset_id)`` creates on the workspace's own
        connection, atomically, and return its id (``save_dataset``'s ``kind`` and ``if_empty``).

        Why: a big file is loaded by SQL that writes straight into the dataset's table (``io.load_into``),
        with no copy of its rows anywhere else. ``build`` runs inside the operation's transaction: it
        names its tables with ``table_ident(dataset_id, table)`` and returns the ``NewDataset`` entry;
        nobody sees any of it before it returns, and nothing of it stays if it raises.
        """
        dataset_id = uuid.uuid4().hex[:12]
        # Other processes cannot open the file while this operation holds it; threads of this one
        # share it, so they take turns here.
        with self.connect() as con, _CREATE_LOCK if if_empty else contextlib.nullcontext():
            if if_empty and con.execute("SELECT count(*) FROM datasets").fetchone()[0]:
                return None
            con.execute("BEGIN TRANSACTION")
            try:
                entry = build(con, dataset_id)
                entry = dataclasses.replace(entry, tables=[*entry.tables, *_store_groupings(con, dataset_id)])
                n_rows, n_quarantine = (
                    con.execute(f"SELECT count(*) FROM {table_ident(dataset_id, t)}").fetchone()[0]
                    if t in entry.tables else 0 for t in ("transactions", "quarantine"))
                con.execute(
                    "INSERT INTO datasets VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?)",
                    [dataset_id, entry.name, kind, entry.source, entry.rows_in if entry.rows_in is not None else n_rows,
                     n_rows, n_quarantine, json.dumps(entry.mapping or {}), _report_json(entry.report or {}),
                     json.dumps(sorted(entry.tables))])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return dataset_id

    def publish_dataset(self, dataset_id: str, name: str) -> None:
        """Make a draft (an upload reviewed before saving) a dataset like any other, under ``name``."""
        self.dataset(dataset_id)
        with self.connect() as con:
            con.execute("UPDATE datasets SET kind = 'upload', name = ?, created_at = now()::TIMESTAMP "
                        "WHERE id = ? AND kind = 'draft'", [name.strip() or "upload", dataset_id])

    def discard_drafts(self, older_than: float = 86400.0) -> None:
        """Delete drafts left more than ``older_than`` seconds ago (a browser closed during a review)."""
        with self.connect() as con:
            stale = [row[0] for row in con.execute(
                "SELECT id FROM datasets WHERE kind = 'draft' AND created_at < now()::TIMESTAMP - to_seconds(?)",
                [older_than]).fetchall()]
        for dataset_id in stale:
            self.delete_dataset(dataset_id)

    def add_table(self, dataset_id: str, table: str, frame: Table) -> None:
        """Attach (or replace) an extra table, e.g. a products file uploaded on the Pricing page."""
        self.add_tables(dataset_id, {table: frame})

    def add_tables(self, dataset_id: str, tables: dict[str, Table], report: dict | None = None) -> None:
        """Attach (or replace) extra tables at once (an events file and its quarantine), with
        ``report``'s keys set in the dataset's report (what their load said).

        Each table's version (when it was written) is kept in the report's ``table_versions``:
        results computed on a table replaced later are then known to be stale, though the
        dataset's own version (``created_at``, its sales) did not change."""
        info = self.dataset(dataset_id)
        stamp = pd.Timestamp.now().isoformat()
        versions = {**info["report"].get("table_versions", {}), **{t: stamp for t in tables}}
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                for table, frame in tables.items():
                    _drop(con, _table_name(dataset_id, table))
                    _create(con, dataset_id, table, frame)
                con.execute("UPDATE datasets SET tables = ?, report = ? WHERE id = ?",
                            [json.dumps(sorted(set(info["tables"]) | set(tables))),
                             _report_json({**info["report"], **(report or {}), "table_versions": versions}),
                             dataset_id])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def store_groupings(self, dataset_id: str) -> None:
        """Store the groupings the customer analyses read beside a dataset loaded before they were
        stored on loading (``segments.store_groupings``; a no-op when it has them)."""
        info = self.dataset(dataset_id)
        if any(table.startswith("transactions__") for table in info["tables"]):
            return
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                tables = sorted({*info["tables"], *_store_groupings(con, dataset_id)})
                con.execute("UPDATE datasets SET tables = ? WHERE id = ?", [json.dumps(tables), dataset_id])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def list_datasets(self) -> pd.DataFrame:
        """All datasets, newest first."""
        with self.connect() as con:
            return con.execute("SELECT id, name, kind, source, created_at, rows_in, n_rows, n_quarantine "
                               "FROM datasets WHERE kind <> 'draft' ORDER BY created_at DESC, name").df()

    def _stamp(self) -> tuple:
        """What every committed change to the workspace changes: the size and time of its file and
        of its write-ahead log (whichever process wrote)."""
        stamp = []
        for path in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                info = os.stat(path)
                stamp.append((info.st_mtime_ns, info.st_size))
            except FileNotFoundError:
                stamp.append(None)
        return tuple(stamp)

    def dataset(self, dataset_id: str) -> dict:
        """A dataset's catalogue entry with its mapping, load report and table names.

        Pages ask for it several times a run (the version in every analysis' cache key); while the
        workspace file is unchanged the entry read last is given again, without opening the file.
        """
        stamp = self._stamp()  # (before reading: a change made meanwhile makes the next call read again)
        kept = self._entries.get(dataset_id)
        if kept is not None and kept[0] == stamp:
            return copy.deepcopy(kept[1])
        info = self._read_entry(dataset_id)
        self._entries[dataset_id] = (stamp, info)
        return copy.deepcopy(info)

    def _read_entry(self, dataset_id: str) -> dict:
        with self.connect() as con:
            rows = con.execute("SELECT * FROM datasets WHERE id = ?", [dataset_id]).fetchall()
            cols = [d[0] for d in con.description]
        row = rows[0] if rows else None
        if row is None:
            raise DataError(Message("workspace.error.unknown_dataset", dataset=repr(dataset_id)))
        info = dict(zip(cols, row))
        for key in ("mapping", "tables"):
            info[key] = json.loads(info[key]) if info[key] else {}
        info["report"] = _report_from_json(info["report"])
        return info

    def load_table(self, dataset_id: str, table: str = "transactions") -> pd.DataFrame:
        """A dataset's table as a DataFrame."""
        self._check_table(dataset_id, table)
        with self.connect() as con:
            return fetch_frame(con, f'SELECT * FROM {table_ident(dataset_id, table)}')

    def head(self, dataset_id: str, rows: int = 200, table: str = "transactions") -> pd.DataFrame:
        """The first ``rows`` rows of a dataset's table (a preview: the rest stays in the workspace)."""
        self._check_table(dataset_id, table)
        with self.connect() as con:
            return fetch_frame(con, f"SELECT * FROM {table_ident(dataset_id, table)} LIMIT ?", [int(rows)])

    @contextlib.contextmanager
    def ibis_table(self, dataset_id: str, table: str = "transactions") -> Iterator[ibis.Table]:
        """A dataset's table as an Ibis table in the workspace, for one operation.

        Why: an analysis given this table runs its per-line work inside the workspace's DuckDB and
        brings back only aggregates, instead of a copy of every line. The table is usable inside
        the ``with`` block only; the file is held (shared with this process's other threads, as
        any operation) until the block ends.

        >>> with workspace.ibis_table(dataset_id) as sales:
        ...     table = segments.rfm(sales)

        Parameters
        ----------
        dataset_id : str
        table : str
            ``transactions`` or another table of the dataset.

        Yields
        ------
        ibis.Table
        """
        self._check_table(dataset_id, table)
        with self.connect() as con:
            yield ibis_backend(con).table(_table_name(dataset_id, table))

    def _check_table(self, dataset_id: str, table: str) -> None:
        info = self.dataset(dataset_id)
        if table not in info["tables"]:
            raise DataError(Message("workspace.error.no_table", name=repr(info["name"]), table=table))

    def query(self, dataset_id: str, sql: str, params: list | None = None, table: str = "transactions") -> pd.DataFrame:
        """Run SQL in which ``{table}`` stands for the dataset's table (aggregations stay in DuckDB)."""
        self.dataset(dataset_id)
        with self.connect() as con:
            return fetch_frame(con, sql.replace("{table}", table_ident(dataset_id, table)), params)

    def rename_dataset(self, dataset_id: str, name: str) -> None:
        """Give a dataset a new name."""
        if not name.strip():
            raise DataError(Message("workspace.error.empty_name"))
        self.dataset(dataset_id)
        with self.connect() as con:
            con.execute("UPDATE datasets SET name = ? WHERE id = ?", [name.strip(), dataset_id])

    def delete_dataset(self, dataset_id: str) -> None:
        """Remove a dataset and all its tables."""
        info = self.dataset(dataset_id)
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            for table in info["tables"]:
                _drop(con, _table_name(dataset_id, table))
            con.execute("DELETE FROM datasets WHERE id = ?", [dataset_id])
            con.execute("DELETE FROM handoffs WHERE dataset_id = ?", [dataset_id])
            con.execute("COMMIT")

    # --- saved analyses ------------------------------------------------------------------------
    def save_analysis(self, name: str, page: str, *, dataset_id: str | None = None, params: dict | None = None,
                      tables: dict[str, pd.DataFrame] | None = None, figures: dict[str, str] | None = None,
                      notes: list[str] | None = None) -> str:
        """Save an analysis for the Reports page; ``figures`` maps names to Plotly JSON strings.

        Tables are stored as Parquet after ``export.tidy_frame`` (a named index kept as columns,
        collections such as basket rules' item sets as text), so any table a page shows can be saved.
        """
        if not name.strip():
            raise DataError(Message("workspace.error.unnamed_analysis"))
        analysis_id = uuid.uuid4().hex[:12]
        tables, figures = tables or {}, figures or {}
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute("INSERT INTO analyses VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?)",
                            [analysis_id, name.strip(), page, dataset_id, json.dumps(params or {}, default=str),
                             json.dumps(notes or []), json.dumps(list(tables)), json.dumps(list(figures))])
                for pos, (tname, frame) in enumerate(tables.items()):
                    buf = io.BytesIO()
                    tidy_frame(frame).to_parquet(buf, index=False)
                    con.execute("INSERT INTO analysis_parts VALUES (?, 'table', ?, ?, ?)",
                                [analysis_id, pos, tname, buf.getvalue()])
                for pos, (fname, spec) in enumerate(figures.items()):
                    con.execute("INSERT INTO analysis_parts VALUES (?, 'figure', ?, ?, ?)",
                                [analysis_id, pos, fname, spec.encode("utf-8")])
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return analysis_id

    def list_analyses(self) -> pd.DataFrame:
        """Saved analyses, newest first, with the dataset's name (None once the dataset is deleted)
        and how many tables and charts each holds."""
        with self.connect() as con:
            return con.execute(
                "SELECT a.id, a.name, a.page, a.dataset_id, a.created_at, d.name AS dataset_name, "
                "json_array_length(a.table_names)::INTEGER AS n_tables, "
                "json_array_length(a.figure_names)::INTEGER AS n_figures "
                "FROM analyses a LEFT JOIN datasets d ON d.id = a.dataset_id "
                "ORDER BY a.created_at DESC, a.name").df()

    def rename_analysis(self, analysis_id: str, name: str) -> None:
        """Give a saved analysis a new name."""
        if not name.strip():
            raise DataError(Message("workspace.error.rename_unnamed"))
        self.load_analysis(analysis_id)
        with self.connect() as con:
            con.execute("UPDATE analyses SET name = ? WHERE id = ?", [name.strip(), analysis_id])

    def load_analysis(self, analysis_id: str) -> SavedAnalysis:
        """A saved analysis with its tables and figures."""
        with self.connect() as con:
            rows = con.execute("SELECT id, name, page, dataset_id, created_at, params, notes FROM analyses "
                               "WHERE id = ?", [analysis_id]).fetchall()
            if not rows:
                raise DataError(Message("workspace.error.unknown_analysis", analysis=repr(analysis_id)))
            parts = con.execute("SELECT kind, name, body FROM analysis_parts WHERE analysis_id = ? "
                                "ORDER BY kind, position", [analysis_id]).fetchall()
        row = rows[0]
        tables = {n: pd.read_parquet(io.BytesIO(b)) for k, n, b in parts if k == "table"}
        figures = {n: bytes(b).decode("utf-8") for k, n, b in parts if k == "figure"}
        return SavedAnalysis(id=row[0], name=row[1], page=row[2], dataset_id=row[3],
                             created_at=pd.Timestamp(row[4]), params=json.loads(row[5] or "{}"),
                             notes=json.loads(row[6] or "[]"), tables=tables, figures=figures)

    def delete_analysis(self, analysis_id: str) -> None:
        """Remove a saved analysis."""
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            con.execute("DELETE FROM analysis_parts WHERE analysis_id = ?", [analysis_id])
            con.execute("DELETE FROM analyses WHERE id = ?", [analysis_id])
            con.execute("COMMIT")


    # --- hand-offs between pages --------------------------------------------------------------
    def save_handoff(self, dataset_id: str, handoff: Handoff) -> None:
        """Keep what one page hands another for a dataset, replacing the last one of its kind.

        Why here and not in a browser session: the page that reads it (the Coupons page reads the
        Segments playbook) may run in another session, and the team shares one playbook.
        """
        self.dataset(dataset_id)
        with self.connect() as con:
            con.execute("INSERT OR REPLACE INTO handoffs VALUES (?, ?, now()::TIMESTAMP, ?)",
                        [handoff.kind, dataset_id, handoff.to_json()])

    def load_handoff(self, dataset_id: str, kind: type[H]) -> H | None:
        """The hand-off of type ``kind`` kept for a dataset, or None when there is none."""
        with self.connect() as con:
            rows = con.execute("SELECT body FROM handoffs WHERE kind = ? AND dataset_id = ?",
                               [kind.kind, dataset_id]).fetchall()
        return kind.from_json(rows[0][0]) if rows else None

    def delete_handoff(self, dataset_id: str, kind: type[Handoff]) -> None:
        """Forget the hand-off of type ``kind`` kept for a dataset (the reader falls back to its default)."""
        with self.connect() as con:
            con.execute("DELETE FROM handoffs WHERE kind = ? AND dataset_id = ?", [kind.kind, dataset_id])


class Handoff(Protocol):
    """What one page hands another (``segments.SegmentPlaybook``): a ``kind`` naming it in the
    workspace and its JSON text both ways."""

    kind: ClassVar[str]

    def to_json(self) -> str: ...

    @classmethod
    def from_json(cls, text: str) -> "Handoff": ...


H = TypeVar("H", bound=Handoff)


@dataclass(frozen=True)
class NewDataset:
    """A dataset's catalogue entry, as ``Workspace.build_dataset``'s builder returns it once its
    tables exist (``tables``: their names, ``transactions`` among them)."""

    name: str
    tables: list[str]
    source: str | None = None
    rows_in: int | None = None
    mapping: dict | None = None
    report: dict | None = None


@dataclass(frozen=True)
class TableView:
    """A dataset table that is a view over data used in place (a Parquet folder), so nothing is
    copied into the workspace.

    ``sql`` is given a function naming the dataset's other tables (``sql(ident)``, with
    ``ident("duplicates")`` the quoted name of its duplicates table) and returns the view's SQL,
    built with the engine's quoting. Tables it names come before it in ``save_dataset``'s dict.
    """

    sql: Callable[[Callable[[str], str]], str]


Table = pd.DataFrame | pa.Table | pa.RecordBatchReader | TableView


def _create(con: duckdb.DuckDBPyConnection, dataset_id: str, table: str, value: Table) -> None:
    """Create a dataset's table (or view) from a DataFrame, Arrow data or a ``TableView``."""
    ident = table_ident(dataset_id, table)
    if isinstance(value, TableView):
        con.execute(f"CREATE VIEW {ident} AS {value.sql(lambda other: table_ident(dataset_id, other))}")
        return
    con.register("_frame", value)
    con.execute(f"CREATE TABLE {ident} AS SELECT * FROM _frame")
    con.unregister("_frame")


def _store_groupings(con: duckdb.DuckDBPyConnection, dataset_id: str) -> list[str]:
    """Store the groupings of a dataset's order lines that the customer analyses read
    (``segments.store_groupings``) beside them, and return their table names; none for lines
    used in place (a view: nothing of them is copied) or without customers."""
    name = _table_name(dataset_id, "transactions")
    if con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [name]).fetchall()[0][0]:
        return []
    backend = ibis_backend(con)

    def create(suffix: str, table: ibis.Table) -> ibis.Table:
        con.execute(f"CREATE TABLE {quote_ident(name + suffix)} AS {ibis.to_sql(table, dialect='duckdb')}")
        return backend.table(name + suffix)

    return ["transactions" + suffix for suffix in segments.store_groupings(backend.table(name), create)]


def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a dataset's table or view, whichever it is, if it exists."""
    views = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [name]).fetchone()[0]
    con.execute(f"DROP {'VIEW' if views else 'TABLE'} IF EXISTS {quote_ident(name)}")


def _table_name(dataset_id: str, table: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{12}", dataset_id) or not re.fullmatch(r"[a-z_]{1,40}", table):
        raise DataError(Message("workspace.error.bad_table_name", dataset=repr(dataset_id), table=repr(table)))
    return f"ds_{dataset_id}_{table}"


def table_ident(dataset_id: str, table: str) -> str:
    """The quoted name of a dataset's table in the workspace (for SQL that writes it: ``build_dataset``)."""
    return quote_ident(_table_name(dataset_id, table))
