"""Engine connections, SQL quoting and temporary files: the one place that opens an engine or builds
SQL from names.

Why: a column header, a sheet name or a category comes from a user's file, and a name pasted into
SQL between quotes can close the quote and run a statement of its own (read a server file, write
one). Every name therefore goes through ``quote_ident`` and every value that cannot be a bound
parameter through ``quote_literal``; and every connection that runs SQL built from such names is
opened by ``connect``, which shuts DuckDB's file system and extensions off (only the files named
when it opens stay readable), so that even a quoting slip could reach nothing. Temporary files
belong to one call (``TempFiles``), never to the module, so one session cannot delete another's.

Analyses reach the engine through Ibis (``promo_core.engine.sales``: a DataFrame or an Ibis table
becomes a canonical sales table whose per-line work runs in DuckDB, Spark or any Ibis backend;
``promo_core.engine.spark``: a local or cluster Spark session). Ibis compiles expressions to SQL
with every name and value quoted, so no analysis pastes either.

Memory: a server holds many users' tables at once, so what stays in memory is counted in bytes
(``ByteCache``), loading connections get a ``memory_limit`` and spill to the call's own folder, and
``release_memory`` hands what a load freed back to the operating system.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Iterable

import duckdb
import pandas as pd
import pyarrow as pa
from pandas.arrays import ArrowExtensionArray


def quote_ident(name) -> str:
    """``name`` as a DuckDB identifier: double-quoted, inner double quotes doubled."""
    text = str(name)
    if "\x00" in text:
        raise ValueError("an identifier cannot hold a NUL character")
    return '"' + text.replace('"', '""') + '"'


def quote_literal(value) -> str:
    """``value`` as a DuckDB string literal: single-quoted, inner single quotes doubled. Prefer bound
    parameters; this is for the places DuckDB takes no parameter (table functions' options, DDL)."""
    text = str(value)
    if "\x00" in text:
        raise ValueError("a literal cannot hold a NUL character")
    return "'" + text.replace("'", "''") + "'"


def literal_list(values) -> str:
    """A DuckDB list literal of strings, each through ``quote_literal``."""
    return "[" + ", ".join(quote_literal(v) for v in values) + "]"


def connect(read_paths=(), *, memory_limit: str | None = None,
            temp_dir: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection locked down for SQL built from users' names.

    Parameters
    ----------
    read_paths : iterable of path
        The only files the connection may read (the upload being loaded); everything else on the
        server's disk, extensions and the network stay out of reach.
    memory_limit : str, optional
        DuckDB's memory limit (e.g. ``"1GB"``); past it, work spills to ``temp_dir``.
    temp_dir : path, optional
        Where DuckDB may spill; a folder of the caller's own.

    Returns
    -------
    duckdb.DuckDBPyConnection
        With ``enable_external_access`` off and the configuration locked.
    """
    con = duckdb.connect()
    paths = [str(Path(p).resolve()) for p in read_paths]
    if paths:
        con.execute(f"SET allowed_paths = {literal_list(paths)}")
    if temp_dir is not None:
        con.execute(f"SET temp_directory = {quote_literal(str(temp_dir))}")
    if memory_limit is not None:
        con.execute(f"SET memory_limit = {quote_literal(memory_limit)}")
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def connect_file(path: str | os.PathLike, read_dirs: Iterable[str | os.PathLike] = (), *,
                 memory_limit: str | None = None, temp_dir: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB database file (the workspace), locked down like ``connect``: it holds uploads, so it
    reads and writes itself and nothing else on the server, apart from the folders ``read_dirs``
    (``data_folders()``: Parquet data a dataset uses in place, which its views read at query time;
    the workspace's own folder of files being loaded). ``memory_limit`` and ``temp_dir`` as for
    ``connect``: past the limit, DuckDB spills to ``temp_dir``."""
    con = duckdb.connect(str(path), config={"autoinstall_known_extensions": False,
                                            "autoload_known_extensions": False})
    dirs = [str(Path(d).resolve()) + os.sep for d in read_dirs]
    if dirs:
        con.execute("SET allowed_directories = ?", [dirs])
    if temp_dir is not None:
        con.execute(f"SET temp_directory = {quote_literal(str(temp_dir))}")
    if memory_limit is not None:
        con.execute(f"SET memory_limit = {quote_literal(memory_limit)}")
    con.execute("SET enable_external_access = false")
    con.execute("SET enable_progress_bar = false")
    con.execute("SET lock_configuration = true")
    return con


DATA_FOLDERS_ENV = "PROMO_DATA_FOLDERS"


# The secrets files Streamlit reads, the user's then the project's (a later file wins).
SECRETS_FILES = (Path.home() / ".streamlit" / "secrets.toml", Path(".streamlit") / "secrets.toml")


def read_secrets(files: Iterable[str | os.PathLike] = SECRETS_FILES) -> dict:
    """The ``[connect]`` and ``[connections.*]`` sections of the secrets files, merged (for the
    command line and anything else that runs without Streamlit's ``st.secrets``).

    Raises
    ------
    DataError
        ``connect.error.secrets`` when a file exists but cannot be read as TOML (a deployment that
        meant to close or open something must hear that it did not).
    """
    import tomllib

    from promo_core.errors import DataError
    from promo_core.text import Message

    secrets: dict = {}
    for path in map(Path, files):
        if not path.is_file():
            continue
        try:
            loaded = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            raise DataError(Message("connect.error.secrets", file=str(path))) from None
        for key in ("connect", "connections"):
            if isinstance(loaded.get(key), dict):
                secrets[key] = {**secrets.get(key, {}), **loaded[key]}
    return secrets


def data_folders(secrets: dict | None = None, environ: dict | None = None) -> list[Path]:
    """The server folders a deployment lets PromoLens read data from in place (Parquet files and
    folders used without copying, local paths a connection names), resolved.

    Why a list the deployment writes: a path a user types reaches the server's disk, so only folders
    someone chose to share are reachable, and nothing outside them (``inside_data_folders``).
    Read from ``folders = [...]`` in the ``[connect]`` section of the secrets (default: the secrets
    files, ``read_secrets``; an unreadable file shares nothing) and ``$PROMO_DATA_FOLDERS`` (folders
    separated by ``os.pathsep``). None configured: nothing is reachable in place.
    """
    if secrets is None:
        try:
            secrets = read_secrets()
        except Exception:  # (DataError: the sign-in and Connect say so; sharing nothing is the safe side)
            secrets = {}
    environ = os.environ if environ is None else environ
    section = secrets.get("connect") or {}
    listed = section.get("folders", []) if isinstance(section, dict) else []
    found = [listed] if isinstance(listed, str) else [str(f) for f in listed]
    found += [part for part in environ.get(DATA_FOLDERS_ENV, "").split(os.pathsep) if part.strip()]
    folders: list[Path] = []
    for folder in found:
        resolved = Path(folder.strip()).expanduser().resolve()
        if resolved not in folders:
            folders.append(resolved)
    return folders


def inside_data_folders(path: str | os.PathLike, folders: Iterable[Path] | None = None) -> Path | None:
    """``path`` resolved (symbolic links and ``..`` followed), when it lies inside one of
    ``folders`` (default ``data_folders()``); None otherwise."""
    resolved = Path(path).expanduser().resolve()
    for folder in data_folders() if folders is None else folders:
        if resolved == folder or resolved.is_relative_to(folder):
            return resolved
    return None


class TempFiles:
    """Temporary files of one call, removed when the ``with`` block ends; in a folder of their own,
    made inside ``under`` when given (the workspace's folder of files being loaded, which its
    connection may read).

    >>> with TempFiles() as tmp:
    ...     path = tmp.write(b"a,b\\n1,2\\n", ".csv")
    """

    def __init__(self, under: str | os.PathLike | None = None):
        self.under = under  # the folder the call's own folder is made in (default: the system's)
        self.folder: str | None = None

    def __enter__(self) -> "TempFiles":
        self.folder = tempfile.mkdtemp(prefix="promolens-", dir=self.under)
        return self

    def __exit__(self, *exc) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def path(self, suffix: str = "") -> str:
        """A new file name inside this call's folder (not created)."""
        if self.folder is None:
            raise RuntimeError("TempFiles is used outside its with-block")
        fd, path = tempfile.mkstemp(suffix=suffix, dir=self.folder)
        os.close(fd)
        return path

    def write(self, data: bytes | Iterable[bytes], suffix: str = "") -> str:
        """Write ``data`` (bytes, or chunks of bytes: a big upload never sits in memory whole) to a new
        file of this call and return its path."""
        path = self.path(suffix)
        with open(path, "wb") as fh:
            for chunk in [data] if isinstance(data, (bytes, bytearray, memoryview)) else data:
                fh.write(chunk)
        return path


class ByteCache:
    """A least-recently-used cache bounded by the bytes of what it holds, not by a number of entries.

    Why: eight cached entries are a few kilobytes for one dataset and gigabytes for another; a
    budget in bytes holds whatever sizes arrive. Values are shared between callers (nothing is
    copied or pickled), so callers must not change them. Safe to use from several threads
    (Streamlit runs a session per thread).

    Parameters
    ----------
    max_bytes : int
        The budget.
    size_of : callable
        The bytes a value takes.
    keep_oversized : bool
        False: a value bigger than the whole budget is returned but not kept (tables of order
        lines: holding one is what the budget prevents). True: the largest value is kept whatever
        its size and the others share the budget, so at most budget + largest is held (analysis
        results: the Segments result of 2.5 million customers is ~1.4 GB, and dropping it made
        every rerun of the page compute it again for 200 s, at 8.6 GB, to show the same numbers;
        keeping it alone would drop it again for the page's next small result).
    """

    def __init__(self, max_bytes: int, size_of: Callable[[object], int], keep_oversized: bool = False):
        self.max_bytes = max_bytes
        self.keep_oversized = keep_oversized
        self._size_of = size_of
        self._items: OrderedDict = OrderedDict()  # key -> (value, bytes), least recently used first
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        """What the cache holds now."""
        with self._lock:
            return sum(size for _, size in self._items.values())

    def get(self, key, default=None):
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key][0]

    def put(self, key, value) -> None:
        """Keep ``value`` under ``key``, dropping the least recently used entries to stay in budget."""
        size = self._size_of(value)
        with self._lock:
            self._items.pop(key, None)
            if size > self.max_bytes and not self.keep_oversized:
                return
            self._items[key] = (value, size)
            while len(self._items) > 1:
                largest = max(self._items, key=lambda k: self._items[k][1])
                spared = self._items[largest][1] if self.keep_oversized else 0
                if sum(s for _, s in self._items.values()) - spared <= self.max_bytes:
                    break
                self._items.pop(next(k for k in self._items if not (self.keep_oversized and k == largest)))

    def get_or_make(self, key, make: Callable[[], object]):
        """The cached value, or ``make()`` kept for next time. Two threads missing at once may both
        make it (a cost in time, not in correctness)."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value

    def pop(self, key) -> None:
        """Forget ``key`` (when its value is no longer needed, before the budget would drop it)."""
        with self._lock:
            self._items.pop(key, None)


def own_memory(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its Arrow-backed (text) columns copied into buffers of their own.

    Why: a DuckDB result reaches pandas without its text being copied, and every text column then
    keeps DuckDB's whole result batches alive, the other columns' memory included: half a gigabyte
    beyond the frame itself for a 300 MB CSV, for as long as the frame lives. Copying the text once
    costs a tenth of a second there and lets DuckDB's batches go.
    """
    out = frame.copy(deep=False)
    for i in range(frame.shape[1]):  # (by position: a quarantine may repeat a name, e.g. a file's own "reason")
        values = frame.iloc[:, i].array
        if not isinstance(values, ArrowExtensionArray) or not len(values):
            continue
        arrow = pa.array(values)
        copied = pa.concat_arrays(arrow.chunks if isinstance(arrow, pa.ChunkedArray) else [arrow])
        out.isetitem(i, pd.Series(copied.to_pandas(types_mapper=lambda _, dtype=values.dtype: dtype), index=frame.index))
    return out


def release_memory() -> None:
    """Give memory freed by a big load back to the operating system: Arrow's pool and the C heap
    keep freed pages for reuse, which leaves a server's resident size at its peak long after."""
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


__all__ = ["ByteCache", "DATA_FOLDERS_ENV", "SalesSource", "TempFiles", "connect", "connect_file", "data_folders",
           "exact_sum", "exact_terms", "exact_total", "fetch", "ibis_backend", "inside_data_folders",
           "literal_list", "memory_backend", "most_common", "NO_REGION", "own_memory", "product_labels",
           "quote_ident", "quote_literal", "REGION_FROM", "release_memory", "sale_region", "sales_table",
           "sorted_codes", "spark_backend"]

# The Ibis side of the engine, importable from here (these modules use ``connect`` above).
from promo_core.engine.sales import (SalesSource, exact_sum, exact_terms, exact_total, fetch, ibis_backend,  # noqa: E402
                                     memory_backend, most_common, NO_REGION, product_labels, REGION_FROM,
                                     sale_region, sales_table, sorted_codes)
from promo_core.engine.spark import spark_backend  # noqa: E402
