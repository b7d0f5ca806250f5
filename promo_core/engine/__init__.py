"""Engine connections, SQL quoting and temporary files: the one place that builds SQL from names.

Why: a column header, a sheet name or a category comes from a user's file, and a name pasted into
SQL between quotes can close the quote and run a statement of its own (read a server file, write
one). Every name therefore goes through ``quote_ident`` and every value that cannot be a bound
parameter through ``quote_literal``; and every connection that runs SQL built from such names is
opened by ``connect``, which shuts DuckDB's file system and extensions off (only the files named
when it opens stay readable), so that even a quoting slip could reach nothing. Temporary files
belong to one call (``TempFiles``), never to the module, so one session cannot delete another's.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb


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


def connect_file(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """A DuckDB database file (the workspace), locked down like ``connect``: it holds uploads, so it
    reads and writes itself and nothing else on the server."""
    con = duckdb.connect(str(path), config={"enable_external_access": False, "autoinstall_known_extensions": False,
                                            "autoload_known_extensions": False})
    con.execute("SET enable_progress_bar = false")
    con.execute("SET lock_configuration = true")
    return con


class TempFiles:
    """Temporary files of one call, removed when the ``with`` block ends.

    >>> with TempFiles() as tmp:
    ...     path = tmp.write(b"a,b\\n1,2\\n", ".csv")
    """

    def __init__(self):
        self.folder: str | None = None

    def __enter__(self) -> "TempFiles":
        self.folder = tempfile.mkdtemp(prefix="promolens-")
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

    def write(self, data: bytes, suffix: str = "") -> str:
        """Write ``data`` to a new file of this call and return its path."""
        path = self.path(suffix)
        with open(path, "wb") as fh:
            fh.write(data)
        return path
