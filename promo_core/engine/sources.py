"""Connect: analyse sales where they live (a Spark table, a database, a Parquet file or folder)
instead of uploading a copy.

Why a module of its own: a URL a user types is a door into the server. It could name any file on
the server's disk (``duckdb:///etc/…``, ``../`` in a path, a symlink out of a data folder, a glob),
any machine the server can reach, or carry a password into a page, a log or a report. So this door
is built shut and opened only as the deployment says:

- **Credentials** live only in ``.streamlit/secrets.toml`` or environment variables, as *named
  connections* (``[connections.warehouse] url = "postgres://user:pw@host/db"``, or
  ``PROMO_CONNECTION_WAREHOUSE=…``). A named connection's URL is never shown, logged, stored in the
  workspace or put in a report: it is known by its name only. A URL a user types carries no
  password.
- **Local paths** (``duckdb://``, Parquet, ``file://``) are allowed only under the folders the
  deployment lists (``PROMO_DATA_FOLDERS``, or ``[connect] folders = [...]`` in secrets; nothing
  listed, no local path). Each path is decoded, and resolved with its symlinks and ``..``, before
  it is checked; every file of a folder or glob is checked the same way. A DuckDB file is opened
  read-only with its own file system access off (a view inside it cannot read other files), and a
  Parquet source is read by a connection that may read only its files.
- **Other machines** are reachable through a typed URL only when the deployment lists their host
  (``PROMO_CONNECT_HOSTS``, or ``[connect] hosts = [...]``); named connections need no listing.
- **Schemes**: Spark masters, ``duckdb``, ``file``, and the network databases Ibis reaches by URL
  (``postgres``, ``mysql``, ``mssql``, ``trino``, ``clickhouse``). Anything else (``sqlite``,
  ``http``, ``s3`` …) is refused.

A source is described by a ``SourceSpec`` (connection name or typed URL, table, column mapping):
what a session keeps and a cache keys on, with no credential in it. ``open_sales`` opens it and
yields the canonical sales table (``promo_core.engine.sales_table``) every analysis accepts.
"""
from __future__ import annotations

import contextlib
import glob
import hashlib
import logging
import os
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import duckdb
import ibis.expr.types as ir
import pandas as pd
from ibis.common.exceptions import TableNotFound

from promo_core import privacy
from promo_core.engine import SECRETS_FILES, data_folders, read_secrets
from promo_core.engine import connect as locked_connection
from promo_core.engine.sales import ROLES, fetch, ibis_backend, sales_table
from promo_core.errors import DataError
from promo_core.text import Message

LOG = logging.getLogger("promo_core.sources")

NETWORK_SCHEMES = frozenset({"postgres", "postgresql", "mysql", "mssql", "trino", "clickhouse"})
LOCAL_SCHEMES = frozenset({"duckdb", "file"})
# the options a typed database URL may set: others can name another host (libpq's host=, hostaddr=,
# service=) or a file on this server (passfile=, sslkey=, sslrootcert=)
TYPED_OPTIONS = frozenset({"sslmode", "connect_timeout", "application_name"})
SPARK_LOCAL = re.compile(r"local(\[(\*|\d+)(,\d+)?\])?")
SPARK_CLUSTER = ("spark://", "k8s://")  # (and "yarn"; yarn and k8s: named connections only)
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
DUCKDB_SUFFIXES = (".duckdb", ".ddb", ".db")
# a table name: one to three dotted parts of letters, digits and underscores (catalog.database.table)
TABLE_NAME = re.compile(r"\w+(\.\w+){0,2}")
_CREDENTIAL_KEYS = re.compile(r"pass|pwd|secret|token|key|credential|auth", re.IGNORECASE)
ENV_PREFIX = "PROMO_CONNECTION_"


@dataclass(frozen=True)
class Settings:
    """What the deployment allows Connect to reach: named connections, local folders, hosts.

    Build it with ``Settings.from_config`` (from a secrets mapping and the environment) or
    ``Settings.load`` (the command line: reads the secrets files itself). Its ``repr`` shows no URL.

    Attributes
    ----------
    folders : tuple of Path
        Resolved folders under which local paths may be read; empty = no local path.
    hosts : tuple of str
        Hosts (``host`` or ``host:port``) a typed URL may reach; empty = none.
    connections : mapping
        Connection name -> its settings (``url`` and, for Spark, ``driver_host``). Secret.
    """

    folders: tuple[Path, ...] = ()
    hosts: tuple[str, ...] = ()
    connections: Mapping[str, Mapping[str, str]] = field(default_factory=dict, repr=False)

    @property
    def names(self) -> list[str]:
        """The named connections, sorted."""
        return sorted(self.connections)

    @classmethod
    def from_config(cls, secrets: Mapping | None = None, environ: Mapping[str, str] | None = None) -> "Settings":
        """Settings from secrets.toml's contents (``[connect]``, ``[connections.*]``) and the environment
        (``PROMO_DATA_FOLDERS``, ``PROMO_CONNECT_HOSTS``, ``PROMO_CONNECTION_<NAME>``); the
        environment adds to what the secrets say."""
        secrets = secrets or {}
        environ = os.environ if environ is None else environ
        section = secrets.get("connect") or {}
        hosts = [*_as_list(section.get("hosts")),
                 *[h.strip() for h in environ.get("PROMO_CONNECT_HOSTS", "").split(",") if h.strip()]]
        connections = {}
        for name, entry in (secrets.get("connections") or {}).items():
            if isinstance(entry, Mapping) and entry.get("url"):
                connections[str(name)] = {k: str(v) for k, v in entry.items()}
        for key, url in environ.items():
            if key.startswith(ENV_PREFIX) and url.strip() and len(key) > len(ENV_PREFIX):
                connections[key[len(ENV_PREFIX):].lower()] = {"url": url.strip()}
        return cls(folders=tuple(data_folders(secrets, environ)),
                   hosts=tuple(h.lower() for h in hosts), connections=connections)

    @classmethod
    def load(cls, files=SECRETS_FILES, environ: Mapping[str, str] | None = None) -> "Settings":
        """Settings from the secrets files Streamlit reads (the project's wins) and the environment."""
        return cls.from_config(read_secrets(files), environ)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in ([value] if isinstance(value, str) else value)]


@dataclass(frozen=True)
class SourceSpec:
    """A sales source as a session keeps it: no credential inside, so it may be stored, shown and
    used in cache keys.

    Attributes
    ----------
    connection : str or None
        The name of a connection of the deployment.
    url : str or None
        A URL or path the user typed (refused if it carries a password).
    table : str
        The table (ignored for a Parquet source).
    mapping : tuple of (role, column) pairs
        Which column of the table fills each canonical role (``promo_core.io.CANONICAL``).
    """

    connection: str | None = None
    url: str | None = None
    table: str = ""
    mapping: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        """How the source is shown: the connection's name, or the typed URL, and the table."""
        where = self.connection if self.connection is not None else self.url
        return f"{where} · {self.table}" if self.table else str(where)

    @property
    def id(self) -> str:
        """A short stable id of the source and its mapping (for keys in the workspace)."""
        digest = hashlib.sha256(repr((self.connection, self.url, self.table, self.mapping)).encode()).hexdigest()
        return f"connection-{digest[:12]}"


@dataclass(frozen=True)
class _Target:
    """A checked source: what to open (may hold a secret URL: never shown or kept)."""

    kind: str  # "spark", "duckdb", "parquet", "ibis"
    label: str
    url: str = field(default="", repr=False)
    files: tuple[str, ...] = ()
    master: str = ""
    driver_host: str = "127.0.0.1"


# --------------------------------------------------------------------------------------------
# Checking a source against the settings
# --------------------------------------------------------------------------------------------
def resolve(spec: SourceSpec, settings: Settings) -> _Target:
    """The checked target of ``spec``: a named connection as the deployment wrote it, a typed URL
    only within the folders, hosts and schemes the settings allow.

    Raises
    ------
    DataError
        Naming what is not allowed and what to do, never quoting a named connection's URL.
    """
    if (spec.connection is None) == (spec.url is None):
        raise ValueError("a source is either a named connection or a typed URL")
    if spec.connection is not None:
        entry = settings.connections.get(spec.connection)
        if entry is None:
            raise DataError(Message("connect.error.unknown_connection", name=spec.connection,
                                    known=settings.names or ["—"]))
        return _target(entry["url"], spec.connection, settings, typed=False,
                       driver_host=entry.get("driver_host", "127.0.0.1"))
    return _target(spec.url, spec.url, settings, typed=True)


def _target(url: str, label: str, settings: Settings, *, typed: bool, driver_host: str = "127.0.0.1") -> _Target:
    url = url.strip()
    if not url or any(ord(ch) < 32 for ch in url):
        raise DataError(Message("connect.error.empty_url"))
    if url in ("spark", "spark:", "spark://") or SPARK_LOCAL.fullmatch(url):
        master = "local[*]" if url.startswith("spark") else url
        return _Target("spark", label, master=master, driver_host=driver_host)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if typed and _has_credentials(parts):
        raise DataError(Message("connect.error.password_typed"))
    if url == "yarn" or url.startswith(SPARK_CLUSTER):
        if typed and (not url.startswith("spark://") or not _hosts_allowed(parts.netloc, settings)):
            raise DataError(Message("connect.error.host_not_listed", host=parts.netloc or url))
        return _Target("spark", label, master=url, driver_host=driver_host)
    if len(scheme) == 1 or not scheme:  # a bare path (a Windows drive letter is a path too)
        return _local("file", url, label, settings, typed)
    if scheme in LOCAL_SCHEMES:
        if scheme == "file" and parts.netloc not in ("", "localhost"):
            raise DataError(Message("connect.error.file_host"))
        path = parts.path if scheme == "file" else parts.netloc + parts.path
        return _local(scheme, unquote(path), label, settings, typed)
    if scheme in NETWORK_SCHEMES:
        if typed and not _hosts_allowed(parts.netloc.rsplit("@", 1)[-1], settings):
            raise DataError(Message("connect.error.host_not_listed", host=parts.hostname or "—"))
        options = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)} - TYPED_OPTIONS)
        if typed and (options or (parts.query and not parse_qsl(parts.query))):
            raise DataError(Message("connect.error.option", options=options or [parts.query], allowed=sorted(TYPED_OPTIONS)))
        return _Target("ibis", label, url=url)
    raise DataError(Message("connect.error.scheme", scheme=scheme if typed else "—"))


def _has_credentials(parts) -> bool:
    """Whether a typed URL carries a password (in its user part or its query)."""
    if parts.password is not None or ":" in unquote(parts.netloc.rsplit("@", 1)[0] if "@" in parts.netloc else ""):
        return True
    return any(_CREDENTIAL_KEYS.search(unquote(k)) for k, _ in parse_qsl(parts.query, keep_blank_values=True))


def _hosts_allowed(netloc: str, settings: Settings) -> bool:
    """Whether every host of a typed URL's ``netloc`` (``a:1,b:2`` for a Spark cluster) is listed."""
    hosts = [h.strip().lower() for h in netloc.rsplit("@", 1)[-1].split(",") if h.strip()]
    return bool(hosts) and all(h in settings.hosts or h.rsplit(":", 1)[0] in settings.hosts for h in hosts)


def _local(scheme: str, path: str, label: str, settings: Settings, typed: bool) -> _Target:
    """A local DuckDB file or Parquet file, folder or glob. For a typed URL every file must lie in
    an allowed folder once symlinks and ``..`` are resolved (a named connection is the deployment's own)."""
    if "\x00" in path or not path:
        raise DataError(Message("connect.error.empty_url"))
    if typed and not settings.folders:
        raise DataError(Message("connect.error.no_folders"))

    def allowed(candidate: str) -> bool:
        real = Path(os.path.realpath(candidate))
        return not typed or any(real.is_relative_to(folder) for folder in settings.folders)

    shown = path if typed else "—"
    if typed and glob.has_magic(path) and ".." in Path(path).parts:  # (where would it lead? refused unasked)
        raise DataError(Message("connect.error.outside_folders"))
    if glob.has_magic(path):
        files = [m for m in sorted(glob.glob(path, recursive=True)) if os.path.isfile(m)]
    elif os.path.isdir(path):
        files = sorted(m for m in glob.glob(os.path.join(glob.escape(path), "**", "*"), recursive=True)
                       if os.path.isfile(m) and m.lower().endswith(PARQUET_SUFFIXES))
    else:
        files = [path] if os.path.isfile(path) else []
    if not allowed(_fixed_part(path)) or not all(allowed(f) for f in files):
        raise DataError(Message("connect.error.outside_folders"))
    if not files:
        raise DataError(Message("connect.error.no_files", path=shown))
    real = tuple(os.path.realpath(f) for f in files)
    if scheme == "duckdb" or (len(real) == 1 and real[0].lower().endswith(DUCKDB_SUFFIXES)):
        if len(real) != 1:
            raise DataError(Message("connect.error.no_files", path=shown))
        return _Target("duckdb", label, files=real)
    if not all(f.lower().endswith(PARQUET_SUFFIXES) for f in real):
        raise DataError(Message("connect.error.not_parquet"))
    return _Target("parquet", label, files=real)


def _fixed_part(path: str) -> str:
    """The part of a path before its first wildcard (the path itself when it has none)."""
    parts = Path(path).parts
    fixed = next((parts[:i] for i, part in enumerate(parts) if glob.has_magic(part)), parts)
    return str(Path(*fixed)) if fixed else "."


# --------------------------------------------------------------------------------------------
# Opening a source
# --------------------------------------------------------------------------------------------
@contextlib.contextmanager
def open_table(spec: SourceSpec, settings: Settings) -> Iterator[ir.Table]:
    """The source's table as it is (its own column names), usable inside the ``with`` block.

    Raises
    ------
    DataError
        When the source is not allowed, cannot be reached or has no such table. The reason never
        quotes a named connection's URL; what the engine said goes to the log (logger
        ``promo_core.sources``) with every URL and password of the settings blanked out.
    """
    if privacy.mode() == "force":
        raise DataError(Message("connect.error.privacy_force"))
    target = resolve(spec, settings)
    if target.kind != "parquet" and not TABLE_NAME.fullmatch(spec.table or ""):
        raise DataError(Message("connect.error.table_name", table=spec.table))
    with _opened(target, settings) as backend:
        yield _table(backend, target, spec.table, settings)


@contextlib.contextmanager
def _opened(target: _Target, settings: Settings):
    """An Ibis backend over the target, closed after the block (Spark's session stays: one per process)."""
    backend = None
    try:
        if target.kind == "spark":
            backend = _spark(target)
        elif target.kind == "duckdb":
            con = duckdb.connect(target.files[0], read_only=True, config={
                "enable_external_access": False, "autoinstall_known_extensions": False,
                "autoload_known_extensions": False})
            con.execute("SET lock_configuration = true")
            backend = ibis_backend(con)
        elif target.kind == "parquet":
            backend = ibis_backend(locked_connection(read_paths=target.files))
        else:
            import ibis

            backend = ibis.connect(target.url)
    except DataError:
        raise
    except ImportError as exc:
        raise DataError(Message("connect.error.driver", scheme=urlsplit(target.url).scheme,
                                module=getattr(exc, "name", None) or "—")) from None
    except Exception as exc:  # an engine's message may quote the URL: it goes to the log, blanked
        raise _unreachable(target, exc, settings) from None
    try:
        yield backend
    finally:
        if target.kind in ("duckdb", "parquet", "ibis"):
            with contextlib.suppress(Exception):
                backend.disconnect()


def _spark(target: _Target):
    """The process's Spark session as an Ibis backend; a DataError when it runs with another master."""
    from pyspark import SparkContext

    from promo_core.engine.spark import spark_backend

    running = SparkContext._active_spark_context  # (the process's, whichever thread started it)
    if running is not None and running.master != target.master:
        raise DataError(Message("connect.error.spark_master", running=running.master))
    return spark_backend(target.master, driver_host=target.driver_host)


def _table(backend, target: _Target, table: str, settings: Settings) -> ir.Table:
    try:
        if target.kind == "parquet":
            return backend.read_parquet(list(target.files))
        *database, name = table.split(".")
        return backend.table(name, database=tuple(database) if len(database) > 1 else (database[0] if database
                                                                                           else None))
    except Exception as exc:
        known = _tables_of(backend)
        if isinstance(exc, TableNotFound) or (known is not None and table.split(".")[-1] not in known):
            raise DataError(Message("connect.error.no_table", table=table, known=(known or [])[:20] or ["—"])) from None
        raise _unreachable(target, exc, settings) from None


def _tables_of(backend) -> list[str] | None:
    try:
        if isinstance(backend.con, duckdb.DuckDBPyConnection):  # (Ibis 12's list_tables fails on DuckDB 2.0)
            return sorted(r[0] for r in backend.con.execute("SELECT table_name FROM information_schema.tables")
                          .fetchall())
        return sorted(backend.list_tables())
    except Exception:  # (listing is only to help the message)
        return None


def _unreachable(target: _Target, exc: Exception, settings: Settings) -> DataError:
    incident = uuid.uuid4().hex[:8]
    LOG.error("incident %s: opening %s failed: %s: %s", incident, target.label, type(exc).__name__,
              scrub(str(exc), settings))
    return DataError(Message("connect.error.unreachable", source=target.label, incident=incident))


def scrub(text: str, settings: Settings) -> str:
    """``text`` with every named connection's URL, and each password in one, blanked out."""
    for entry in settings.connections.values():
        url = entry["url"]
        parts = urlsplit(url)
        for secret in sorted({url, *(v for v in (parts.password, unquote(parts.password or "")) if v),
                              *(v for k, v in parse_qsl(parts.query) if _CREDENTIAL_KEYS.search(k) and v)},
                             key=len, reverse=True):
            text = text.replace(secret, "***")
    return text


# --------------------------------------------------------------------------------------------
# Mapping, checking, opening as sales
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Columns:
    """A source's columns with their engine types, a few rows to guess roles from, and the guess."""

    names: list[str]
    types: dict[str, str]
    sample: pd.DataFrame
    suggested: dict[str, str | None]


def describe(spec: SourceSpec, settings: Settings, rows: int = 200) -> Columns:
    """The source's columns and a suggested mapping (``promo_core.io.suggest_mapping``, as for an upload)."""
    from promo_core.io import suggest_mapping

    with open_table(spec, settings) as table:
        types = {name: str(dtype) for name, dtype in table.schema().items()}
        sample = fetch(table.limit(rows))
    names = list(types)
    return Columns(names=names, types=types, sample=sample,
                   suggested=suggest_mapping(names, sample.astype("string").astype(object)))


REQUIRED = ("order_date", "product_id")
_NUMERIC_ROLES = ("quantity", "unit_price", "discount")


def mapped_sales(table: ir.Table, mapping) -> ir.Table:
    """``table`` with its mapped columns under their canonical names, as a canonical sales table.

    Only mapped columns are used (a column that happens to be called ``revenue`` is not taken for
    the revenue); revenue and returns are derived from quantity and unit price.

    Raises
    ------
    DataError
        When a required role is unmapped, a column is missing or used twice, or a number role
        holds no numbers.
    """
    mapping = {role: column for role, column in dict(mapping).items() if column}
    unknown = [r for r in mapping if r not in ROLES]
    if unknown:
        raise ValueError(f"not canonical roles: {unknown}")
    missing = [r for r in REQUIRED if r not in mapping]
    if missing:
        raise DataError(Message("connect.error.unmapped", roles=missing))
    absent = [c for c in mapping.values() if c not in table.columns]
    if absent:
        raise DataError(Message("connect.error.no_column", columns=absent))
    twice = sorted({c for c in mapping.values() if list(mapping.values()).count(c) > 1})
    if twice:
        raise DataError(Message("connect.error.column_twice", columns=twice))
    for role in _NUMERIC_ROLES:
        if role in mapping and not table[mapping[role]].type().is_numeric():
            raise DataError(Message("connect.error.not_numeric", column=mapping[role], role=role,
                                    type=str(table[mapping[role]].type())))
    date_type = table[mapping["order_date"]].type()
    if not (date_type.is_date() or date_type.is_timestamp()):  # (text would need reading, line by line: upload it)
        raise DataError(Message("connect.error.not_date", column=mapping["order_date"], type=str(date_type)))
    return sales_table(table.select(**{role: table[column] for role, column in mapping.items()}))


@contextlib.contextmanager
def open_sales(spec: SourceSpec, settings: Settings) -> Iterator[ir.Table]:
    """The source as a canonical sales table (``mapped_sales``), for any analysis, inside the block."""
    with open_table(spec, settings) as table:
        yield mapped_sales(table, spec.mapping)


def version(spec: SourceSpec, settings: Settings) -> str | None:
    """What changes when a file source changes (its files' sizes and times), None when the engine
    cannot tell (a Spark or database table): the cache then keys on when the source was connected."""
    target = resolve(spec, settings)
    if target.kind not in ("duckdb", "parquet"):
        return None
    files = [*target.files, *(f + ".wal" for f in target.files if target.kind == "duckdb")]
    stamps = [(f, s.st_size, s.st_mtime_ns) for f in files if (s := _stat(f)) is not None]
    return hashlib.sha256(repr(stamps).encode()).hexdigest()[:16]


def _stat(path: str):
    try:
        return os.stat(path)
    except OSError:
        return None


@dataclass(frozen=True)
class SourceCheck:
    """What a connected source holds, counted in its engine: the facts to check before analysing it."""

    lines: int
    orders: int
    customers: int
    products: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    return_lines: int
    guest_lines: int
    missing: dict[str, int]  # mapped role -> lines without a value


def check(spec: SourceSpec, settings: Settings) -> SourceCheck:
    """Count what a mapped source holds, in its engine (only counts come back): what a manager
    checks before analysing it.

    Raises
    ------
    DataError
        When the source cannot be opened or mapped, or an order date lies outside 1900-2100
        (``promo_core.dates.order_span``).
    """
    with open_sales(spec, settings) as sales:
        return counts(sales)


def counts(sales: ir.Table) -> SourceCheck:
    """``check`` of a canonical sales table."""
    from promo_core.dates import order_span

    span = order_span(sales)
    roles = [c for c in sales.columns if c in ROLES]
    counts = {"products": sales.product_id.nunique(),
              **{f"missing_{c}": sales[c].isnull().sum() for c in roles}}
    if "order_id" in roles:
        counts["orders"] = sales.order_id.nunique()
    if "customer_id" in roles:
        counts["customers"] = sales.customer_id.nunique()
    if "is_return" in sales.columns:
        counts["return_lines"] = sales.is_return.sum()
    row = fetch(sales.aggregate(**counts)).iloc[0]
    missing = {c: int(row[f"missing_{c}"]) for c in roles}
    return SourceCheck(lines=span.lines, orders=int(row.get("orders", 0)), customers=int(row.get("customers", 0)),
                       products=int(row["products"]), first=span.first, last=span.last,
                       return_lines=int(row.get("return_lines", 0)), guest_lines=missing.get("customer_id", 0),
                       missing=missing)
