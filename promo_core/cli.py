"""The command line, for reports rebuilt on a schedule without anyone clicking::

    python -m promo_core report --data sales.xlsx --out report.html
    python -m promo_core report --data "Demo retailer" --out weekly.xlsx --lang zh --currency ¥
    python -m promo_core report --source "duckdb:///data/shop.duckdb" --table sales --out report.html
    python -m promo_core report --connection warehouse --table sales --map order_id=InvoiceNo --out report.html
    python -m promo_core datasets
    python -m promo_core hash-password

``--data`` is a sales file (read exactly as the Data page reads it) or the name or id of a dataset
in the workspace (``$PROMO_WORKSPACE``, or ``--workspace``); ``--source`` a table where it lives (a
Spark master, a database URL, a DuckDB file or Parquet files) and ``--connection`` a connection of
the deployment by name, as the Data page's Connect (``promo_core.engine.sources``: the same data
folders, hosts and named connections, from .streamlit/secrets.toml and the environment; the
columns mapped by ``--map role=column``, else guessed from their names). The report holds the standard
analyses (``report.standard_analyses``). Exit status: 0 when the report was written, 2 when the
input cannot be used (the reason is printed on stderr), 1 on an unexpected error.

An analysis the data cannot support, or one that fails, is a skipped section: the report is still
written (exit 0) and says why in its first section, and stderr repeats the reason. When the
failure is a bug, the reader sees only an incident reference; the full traceback goes to stderr
under ``PromoLens log:`` with the same reference (even with ``--quiet``), for the job's log.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import getpass
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pandas as pd

from promo_core import auth, privacy, report, text
from promo_core.engine import sources
from promo_core.errors import DataError
from promo_core.io import load_transactions
from promo_core.profile import line_count
from promo_core.store import Workspace, workspace_path
from promo_core.text import Message

EXIT_OK, EXIT_UNEXPECTED, EXIT_BAD_INPUT = 0, 1, 2
FORMATS = {".html": "html", ".htm": "html", ".xlsx": "xlsx"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m promo_core", description="PromoLens reports without the browser, e.g. for a weekly cron job.")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="run the standard analyses and write an HTML report or Excel workbook",
                         description="Run the standard analyses (business profile, then each analysis the data "
                                     "supports) and write them as a self-contained HTML report or an Excel workbook.")
    where = rep.add_mutually_exclusive_group(required=True)
    where.add_argument("--data", metavar="FILE_OR_DATASET",
                       help="a sales file (CSV, .xlsx or .parquet) or the name or id of a dataset in the workspace")
    where.add_argument("--source", metavar="URL",
                       help="a table where it lives: a Spark master (local[*], spark://host:7077), a database URL "
                            "(postgres://user@host/db), a DuckDB file (duckdb:///folder/shop.duckdb) or Parquet "
                            "files; local paths only under the data folders (PROMO_DATA_FOLDERS)")
    where.add_argument("--connection", metavar="NAME",
                       help="a named connection of .streamlit/secrets.toml ([connections.NAME] url = ...) or of "
                            "PROMO_CONNECTION_NAME")
    rep.add_argument("--table", default="", help="with --source or --connection: the table of order lines")
    rep.add_argument("--map", action="append", default=[], metavar="ROLE=COLUMN",
                     help="with --source or --connection: the column that fills a role (order_id, customer_id, "
                          "order_date, product_id, quantity, unit_price, ...), repeated per role; ROLE= leaves a role "
                          "empty. Roles not named are guessed from the column names, as on the Data page")
    rep.add_argument("--out", required=True, type=Path, metavar="FILE",
                     help="where to write the report: .html for the report, .xlsx for the workbook")
    rep.add_argument("--lang", choices=sorted(text.LANGUAGES), default="en", help="language of the report")
    rep.add_argument("--currency", default="£", help="currency symbol shown with money (default £)")
    rep.add_argument("--title", help="the report's heading")
    rep.add_argument("--sheet", help="the Excel sheet with the sales (default: the first sheet with data)")
    rep.add_argument("--max-rows", type=int, default=50, metavar="N",
                     help="rows shown per table in the HTML report (the workbook holds all rows; default 50)")
    rep.add_argument("--workspace", type=Path, help="workspace file holding the datasets (default $PROMO_WORKSPACE)")
    rep.add_argument("--quiet", action="store_true", help="print nothing but errors")
    lst = sub.add_parser("datasets", help="list the datasets in the workspace")
    lst.add_argument("--workspace", type=Path, help="workspace file (default $PROMO_WORKSPACE)")
    sub.add_parser("hash-password", help="print the password_hash line for a team password in secrets.toml",
                   description="Ask for the team password (twice; or read one line from a pipe) and print the "
                               "salted hash to put under [promolens] in .streamlit/secrets.toml.")
    return parser


def _workspace(path: Path | None, looking_for: str | None = None) -> Workspace:
    path = path or workspace_path()
    if not path.exists():
        raise DataError(Message("cli.error.no_workspace_not_file", data=repr(looking_for), path=str(path))
                        if looking_for else Message("cli.error.no_workspace", path=str(path)))
    return Workspace(path)


def _load(data: str, sheet: str | None, workspace: Path | None) -> AbstractContextManager[report.StandardInputs]:
    """The standard report's inputs, for a ``with`` block, from a file (read into pandas, as the Data
    page reads it) or a workspace dataset (its lines stay in the workspace: ``report.dataset_inputs``;
    its side tables, such as a campaign, a network, marketing spend and reviews, are used too).

    ``$PROMO_PRIVACY`` on or force reads a file with personal data protection, as the Data page
    does; force also refuses an uploaded dataset that was saved without it."""
    path = Path(data)
    if path.is_file():
        protect = privacy.Privacy(key=privacy.load_key()) if privacy.mode() != "off" else None
        result = load_transactions(path, sheet=sheet, privacy=protect)
        return contextlib.nullcontext(report.StandardInputs(result.data, result.report["file"], result.report,
                                                            result.quarantine))
    if path.suffix.lower() in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet") or os.sep in data:
        raise DataError(Message("cli.error.file_not_found", data=data, cwd=str(Path.cwd())))
    ws = _workspace(workspace, data)
    datasets = ws.list_datasets()
    match = datasets[(datasets["id"] == data) | (datasets["name"].str.casefold() == data.strip().casefold())]
    if match.empty:
        known = tuple(f"{n!r}" for n in datasets["name"])
        raise DataError(Message("cli.error.unknown_data", data=repr(data), path=str(ws.path), known=known) if known
                        else Message("cli.error.unknown_data_empty", data=repr(data), path=str(ws.path)))
    if len(match) > 1:
        raise DataError(Message("cli.error.ambiguous_name", data=repr(data), ids=tuple(match["id"])))
    dataset_id = match["id"].iloc[0]
    info = ws.dataset(dataset_id)
    if privacy.mode() == "force" and info["kind"] in ("upload", "in place") and not info["report"].get("privacy"):
        raise DataError(Message("cli.error.unprotected", data=repr(data)))
    return report.dataset_inputs(ws, dataset_id)


@contextlib.contextmanager
def _load_source(args: argparse.Namespace, say) -> Iterator[report.StandardInputs]:
    """The standard report's inputs from a connected source, inside the ``with`` block: its lines,
    mapped and derived in the source's engine, stay there (the analyses bring back aggregates)."""
    from promo_core.io import CANONICAL

    settings = sources.Settings.load()
    spec = sources.SourceSpec(connection=args.connection, url=args.source, table=args.table)
    sources.resolve(spec, settings)  # (a refused address, one with a password say, is not repeated below)
    say(f"Reading {spec.label} …")
    mapping = sources.describe(spec, settings).suggested
    for item in args.map:  # (a column named here fills this role only; "ROLE=" leaves the role empty)
        role, equals, column = (part.strip() for part in item.partition("="))
        if role not in CANONICAL or not equals:
            raise DataError(Message("cli.error.bad_map", roles=tuple(CANONICAL), item=repr(item)))
        mapping = {r: None if c == column else c for r, c in mapping.items()} | {role: column or None}
    spec = dataclasses.replace(spec, mapping=tuple((r, c) for r, c in mapping.items() if c))
    with sources.open_sales(spec, settings) as sales:
        yield report.StandardInputs(sales, spec.label)


def _write_atomically(out: Path, body: bytes) -> None:
    """Write the whole file or nothing, so a scheduled job never leaves half a report behind."""
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_report(args: argparse.Namespace) -> str:
    """Build and write the report; returns the line to print on success."""
    out: Path = args.out
    kind = FORMATS.get(out.suffix.lower())
    if kind is None:
        raise DataError(Message("cli.error.bad_out", name=repr(out.name)))
    if not out.parent.is_dir():
        raise DataError(Message("cli.error.no_folder", folder=str(out.parent)))
    if args.max_rows < 1:
        raise DataError(Message("cli.error.max_rows"))
    say = (lambda msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    if args.data is None:
        opened = _load_source(args, say)
    else:
        say(f"Reading {privacy.redact(args.data) if privacy.mode() != 'off' else args.data} …")
        opened = _load(args.data, args.sheet, args.workspace)
    with opened as inputs:
        source, lines = inputs.source, line_count(inputs.sales)
        if not lines:
            raise DataError(Message("cli.error.all_quarantined", source=source,
                                    rows=inputs.load_report.get("rows_quarantined", 0)))
        say(f"Analysing {lines:,} lines …")
        analyses, skipped = report.standard_analyses(
            inputs.sales, source=source, load_report=inputs.load_report, quarantine=inputs.quarantine,
            tables=inputs.tables, lang=args.lang, currency=args.currency)
    for line in skipped:
        say(line)
    if kind == "html":
        body = report.build_html_report(analyses, title=args.title, lang=args.lang, currency=args.currency,
                                        max_rows=args.max_rows).encode("utf-8")
    else:
        body = report.build_excel_report(analyses, lang=args.lang, currency=args.currency)
    _write_atomically(out, body)
    names = "; ".join(a.name for a in analyses)
    size = f"{len(body) / 1e6:,.1f} MB" if len(body) >= 1e6 else f"{len(body) / 1e3:,.0f} KB"
    count = "1 analysis" if len(analyses) == 1 else f"{len(analyses)} analyses"
    return f"Wrote {out} ({size}): {count} ({names}) of {lines:,} lines."


def list_datasets(args: argparse.Namespace) -> str:
    """The workspace's datasets as a small text table."""
    datasets = _workspace(args.workspace).list_datasets()
    if datasets.empty:
        return "The workspace holds no datasets."
    shown = datasets[["id", "name", "kind", "n_rows", "created_at"]].assign(
        created_at=pd.to_datetime(datasets["created_at"]).dt.strftime("%Y-%m-%d %H:%M"))
    return shown.to_string(index=False)


def hash_password(args: argparse.Namespace) -> str:
    """The secrets.toml line for a team password typed at the terminal (or piped in)."""
    if sys.stdin.isatty():
        password = getpass.getpass("Team password: ")
        if getpass.getpass("Again: ") != password:
            raise DataError(Message("cli.error.passwords_differ"))
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    return f'password_hash = "{auth.hash_password(password)}"'


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    log = logging.StreamHandler(sys.stderr)  # promo_core's incidents (tracebacks of skipped analyses)
    log.setFormatter(logging.Formatter("PromoLens log: %(message)s"))
    logging.getLogger("promo_core").addHandler(log)
    try:
        command = {"report": run_report, "datasets": list_datasets, "hash-password": hash_password}[args.command]
        message = command(args)
    except DataError as exc:
        print(f"PromoLens: {exc.text(getattr(args, 'lang', 'en'))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a bug, not bad input: say so and keep the traceback for the job's log
        print(f"PromoLens: unexpected error ({type(exc).__name__}: {exc}). The details follow; please report them.",
              file=sys.stderr)
        traceback.print_exc()
        return EXIT_UNEXPECTED
    finally:
        logging.getLogger("promo_core").removeHandler(log)
    print(message)
    return EXIT_OK
