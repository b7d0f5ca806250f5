"""Scale benchmark (issue 15): generate sales files of 20M and 100M lines with DuckDB, load each into
a workspace the way the Data page does, then time every page of the real app on it in Chromium.

1. Data: ``bench/out/scale_<n>.csv`` (git-ignored, generated once and reused), written by DuckDB's own
   SQL in the shape of the demo retailer's transactions: order_id, customer_id (~5% guests),
   order_date over two years, product_id among 5,000 (and name), category among 20, quantity (~2%
   returns), unit_price (quarterly price changes and promotion weeks per product, demand answering
   them), channel, store_id (store orders), coupon_code (~8% of orders). 20M lines ~ 1.8 GB.
2. Load: in a child process, ``promo_core.io.load_into`` (the file straight into a workspace dataset,
   as the Data page does) into ``bench/out/ws_<n>/promo.duckdb``. Prints seconds and peak RSS; past ``--cap-gb`` the child is
   killed, and what it was doing (its Python stack) and how far it got are printed.
3. Pages: ``streamlit run app.py`` on 127.0.0.1 on that workspace, driven by Playwright in Debian's
   Chromium. A throwaway tab first opens /reports (the server's first script run: imports; that page
   reads no sales). Then one tab opens every page in turn and times each step until the server has
   finished the script run it started (its ``script_finished`` message) and the status widget is
   idle: the page's first render, a rerun that changes nothing (Streamlit's "r" key), switching the
   language to 简体中文 and back to English. The server's RSS (its processes, /proc VmRSS) is sampled
   all along. A step past ``--page-cap-min`` minutes, or a server past ``--cap-gb``, is "capped": the
   server is stopped and the remaining pages run on a fresh one, whose session enters by the Data
   page again (before app.py has run, a page's own address runs the page file alone, without the
   app's sidebar). An error the page shows after a step is printed under its row (the server's log
   is bench/out/ws_<n>/streamlit.log).
   ``--second-session`` then opens every page in a second, concurrent tab and prints what it added.
   ``--demo`` does the same on a workspace holding the demo retailer (``sample_data.save_demo``, what
   the app stores on an empty workspace, done before the server starts so no page's time includes it).

Usage (2 cores; check ``free -g`` and ``df -h`` first: the 100M file takes ~9 GB of disk):

    .venv/bin/python bench/bench_scale.py --demo                  # the pages on the demo retailer
    .venv/bin/python bench/bench_scale.py --lines 20000000        # generate, load, time the pages
    .venv/bin/python bench/bench_scale.py --lines 1000000 20000000 100000000 --second-session
    .venv/bin/python bench/bench_scale.py --lines 20000000 --keep-workspace   # pages only, reuse the load

Prints, per size: the file, the load (seconds, peak RSS, or where it was capped); per page: first
render, rerun, 中文, English (seconds), the server's peak RSS during the page and its RSS after; then
the RSS after all pages (and with a second session). "capped" marks a step stopped by a cap.
"""
from __future__ import annotations

import argparse
import faulthandler
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import OUT  # noqa: E402
from bench_upload import Sampler, gb, server, tree_rss  # noqa: E402
from tests.browser.conftest import CHROMIUM  # noqa: E402

PAGES = ["Data", "Segments", "Recommendations", "Journeys", "Voice of the customer", "Pricing", "Coupons",
         "Marketing ROI", "Logistics", "Reports"]  # the sidebar's order; Data: the entry
CATEGORIES = ["Bakery", "Dairy", "Produce", "Meat", "Seafood", "Frozen", "Pantry", "Snacks", "Beverages", "Coffee",
              "Household", "Cleaning", "Personal care", "Baby", "Pets", "Garden", "Kitchen", "Toys", "Stationery",
              "Electronics"]
IDLE_JS = ("() => { const s = document.querySelector('[data-testid=\"stStatusWidget\"]');"
           " return !s || !s.innerText.match(/Running|Stop/); }")


# --------------------------------------------------------------------------------------------
# 1. Data
# --------------------------------------------------------------------------------------------
def make_csv(n: int) -> Path:
    """``bench/out/scale_<n>.csv``: n order lines in the demo retailer's canonical columns (cached)."""
    path = OUT / f"scale_{n}.csv"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    orders, customers = -(-n // 3), max(1_000, n // 40)
    u = "(hash({}) / 18446744073709551616.0)"  # a uniform draw in [0, 1) from the hash of its arguments
    con = duckdb.connect()
    con.execute("SET threads = 2; SET memory_limit = '1GB'")
    start = time.perf_counter()
    con.execute(f"""COPY (
        WITH line AS (
            SELECT i, i // 3 AS o, floor(5000 * pow({u.format("i, 'product'")}, 2))::INTEGER AS p,
                   floor({customers} * pow({u.format("i // 3, 'customer'")}, 1.5))::INTEGER AS c,
                   (i // 3) * 104 // {orders} AS week
            FROM range({n}) t(i)
        ), priced AS (
            SELECT *, (1 + (hash(p, week // 13) % 21)::INTEGER / 100.0 - 0.10)            -- quarterly change
                      * CASE WHEN hash(p, week) % 12 = 0 THEN 0.8 ELSE 1.0 END AS factor  -- promotion weeks
            FROM line
        )
        SELECT 'O' || lpad(o::VARCHAR, 9, '0') AS order_id,
               CASE WHEN hash(o, 'guest') % 20 = 0 THEN NULL ELSE 'C' || lpad(c::VARCHAR, 8, '0') END AS customer_id,
               strftime(TIMESTAMP '2023-01-01' + to_seconds(o * 63072000 // {orders}), '%Y-%m-%d %H:%M:%S')
                   AS order_date,
               'P' || lpad(p::VARCHAR, 5, '0') AS product_id,
               {CATEGORIES}[p % 20 + 1] || ' item ' || p::VARCHAR AS product_name,
               {CATEGORIES}[p % 20 + 1] AS category,
               (CASE WHEN hash(i, 'return') % 50 = 0 THEN -1 ELSE 1 END
                * greatest(1, round((1 + hash(i, 'quantity') % 3) * pow(factor, -1.5))))::INTEGER AS quantity,
               round((0.5 + hash(p, 'price') % 4000 / 100.0) * factor, 2) AS unit_price,
               CASE WHEN hash(o, 'channel') % 10 < 4 THEN 'online' ELSE 'store' END AS channel,
               CASE WHEN hash(o, 'channel') % 10 < 4 THEN NULL ELSE 'S' || lpad((hash(c, 'store') % 50)::VARCHAR, 2, '0')
                   END AS store_id,
               CASE WHEN hash(o, 'coupon') % 100 < 5 THEN 'SAVE10' WHEN hash(o, 'coupon') % 100 < 7 THEN 'WINBACK5'
                    WHEN hash(o, 'coupon') % 100 < 8 THEN 'SPRING15' END AS coupon_code
        FROM priced
    ) TO '{partial}' (FORMAT csv, HEADER)""")
    con.close()
    partial.rename(path)
    print(f"generated {path.name}: {path.stat().st_size / 1e9:.2f} GB in {time.perf_counter() - start:.0f} s",
          flush=True)
    return path


# --------------------------------------------------------------------------------------------
# 2. Load
# --------------------------------------------------------------------------------------------
def load_child(csv: Path, workspace: Path) -> None:
    """In the child process: the Data page's load (``io.load_into``: the file straight into a workspace
    dataset), each step printed as it starts. SIGUSR1 prints the Python stack (the parent sends it
    before killing the child at the memory cap)."""
    from promo_core import text
    from promo_core.io import load_into
    from promo_core.store import Workspace

    faulthandler.register(signal.SIGUSR1, file=sys.stdout)
    start = time.perf_counter()
    last = [0.0]

    def progress(message) -> None:
        now = time.perf_counter() - start
        if now - last[0] >= 5 or message.id != "data.progress.saving":
            print(f"  {now:6.1f} s  {text.render(message, 'en')}  (peak {gb(_max_rss())})", flush=True)
            last[0] = now

    ws = Workspace(workspace)
    info = ws.dataset(load_into(ws, csv, csv.stem, progress=progress))
    print(f"  loaded: {info['rows_in']:,} rows in, {info['n_rows']:,} loaded, {info['n_quarantine']:,} quarantined "
          f"after {time.perf_counter() - start:.1f} s, peak {gb(_max_rss())} (kernel's ru_maxrss)", flush=True)


def _max_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def load(csv: Path, workspace: Path, cap: int) -> bool:
    """Load ``csv`` into a new ``workspace`` in a child process watched every 50 ms; True when it finished."""
    shutil.rmtree(workspace.parent, ignore_errors=True)
    workspace.parent.mkdir(parents=True)
    log = workspace.parent / "load.log"
    with open(log, "w") as out:
        child = subprocess.Popen([sys.executable, __file__, "--load-child", str(csv), str(workspace)], cwd=ROOT,
                                 stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        start, peak, capped, busy = time.perf_counter(), 0, False, os.getloadavg()[0]
        while child.poll() is None:
            peak = max(peak, tree_rss(child.pid))
            if peak > cap:
                capped = True
                os.kill(child.pid, signal.SIGUSR1)  # its stack, into the log
                time.sleep(0.5)
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
                break
            time.sleep(0.05)
    seconds = time.perf_counter() - start
    print(log.read_text().rstrip("\n"))
    label = f"load {csv.name} ({csv.stat().st_size / 1e9:.2f} GB)"
    if capped:
        print(f"{label}: capped — killed at {gb(peak)} of RSS after {seconds:.1f} s (its stack above shows where)")
    elif child.returncode:
        print(f"{label}: failed (exit {child.returncode}) after {seconds:.1f} s, peak RSS {gb(peak)}")
    else:
        used = resource.getrusage(resource.RUSAGE_CHILDREN)  # (what the load cost, whatever else the machine ran)
        print(f"{label}: {seconds:.1f} s, peak RSS {gb(peak)} sampled, CPU {used.ru_utime + used.ru_stime:.0f} s "
              f"(cores: {os.cpu_count()}, load average {busy:.1f} at the start, {os.getloadavg()[0]:.1f} at the end)")
    return not capped and child.returncode == 0


# --------------------------------------------------------------------------------------------
# 3. Pages
# --------------------------------------------------------------------------------------------
class Capped(Exception):
    """A step went past the time cap or the server past the memory cap (the server is then dead)."""


class Runs:
    """Script runs the server has finished for one tab, counted from its websocket's messages."""

    def __init__(self, tab):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.finished = 0
        self._message, self._early = ForwardMsg, ForwardMsg.FINISHED_EARLY_FOR_RERUN
        tab.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        if isinstance(payload, str):
            return
        msg = self._message.FromString(payload)
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished != self._early:
            self.finished += 1


@dataclass
class Bench:
    browser: object
    url: str
    pid: int
    sampler: Sampler
    step_cap_s: float


@dataclass
class Tab:
    page: object
    runs: Runs
    row: dict = field(default_factory=dict)


def new_tab(bench: Bench) -> Tab:
    context = bench.browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)  # finding and clicking an element
    page.set_default_navigation_timeout(bench.step_cap_s * 1000)
    return Tab(page, Runs(page))


def timed(bench: Bench, tab: Tab, action) -> float:
    """Seconds from ``action`` until the server has finished the script run it started and the
    status widget is idle; raises Capped past the time cap or when the server was killed."""
    before, start = tab.runs.finished, time.perf_counter()
    action()
    while tab.runs.finished == before:
        if bench.sampler.capped:
            raise Capped(f"server killed at {gb(bench.sampler.peak)} of RSS after {time.perf_counter() - start:.0f} s")
        if time.perf_counter() - start > bench.step_cap_s:
            raise Capped(f"still running after {bench.step_cap_s:.0f} s")
        tab.page.wait_for_timeout(50)
    tab.page.wait_for_function(IDLE_JS, polling=50, timeout=bench.step_cap_s * 1000)
    return time.perf_counter() - start


def open_page(bench: Bench, tab: Tab, title: str) -> float:
    """Open the Data page by the app's address (a new session's entry), any other from the sidebar."""
    if title == "Data":
        return timed(bench, tab, lambda: tab.page.goto(bench.url))
    return timed(bench, tab, lambda: tab.page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click())


def choose_language(page, name: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("combobox", name="Language / 语言").click()
    page.get_by_role("option", name=name, exact=True).click()


def rerun(page) -> None:
    """Streamlit's "r" key: run the page again with nothing changed (focus off any input first)."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("r")


def shown_error(page) -> str | None:
    """The first exception or error message on the page, shortened to one line."""
    errors = page.locator("[data-testid=stException], [data-testid=stAlertContentError]")
    return " ".join(errors.first.inner_text().split())[:140] if errors.count() else None


def visit(bench: Bench, tab: Tab, title: str) -> None:
    """Open a page and time its steps into ``tab.row``."""
    page = tab.page
    tab.row = {"page": title, "errors": []}
    bench.sampler.new_phase()
    steps = {"first": lambda: open_page(bench, tab, title),
             "rerun": lambda: timed(bench, tab, lambda: rerun(page)),
             "中文": lambda: timed(bench, tab, lambda: choose_language(page, "简体中文")),
             "English": lambda: timed(bench, tab, lambda: choose_language(page, "English"))}
    for step, measure in steps.items():
        tab.row[step] = measure()
        error = shown_error(page)
        if error and not any(e.endswith(error) for e in tab.row["errors"]):
            tab.row["errors"].append(f"after {step}: {error}")
    tab.row["peak"], tab.row["after"] = bench.sampler.new_phase(), tree_rss(bench.pid)


def print_row(row: dict, note: str = "") -> None:
    steps = "  ".join(f"{k} {row[k]:6.1f} s" if k in row else f"{k}      – " for k in ("first", "rerun", "中文", "English"))
    memory = f"  peak {gb(row['peak'])}, after {gb(row['after'])}" if "after" in row else ""
    print(f"  {row['page']:<22}{steps}{memory}{note}", flush=True)
    for error in row.get("errors", []):
        print(f"      shows an error {error}", flush=True)


def warm_up(bench: Bench) -> None:
    """The server's first script run (imports), in a throwaway tab on the Reports page: before any
    session has run app.py, Streamlit runs pages/reports.py on its own, which reads no sales."""
    tab = new_tab(bench)
    seconds = timed(bench, tab, lambda: tab.page.goto(f"{bench.url}/reports"))
    tab.page.context.close()
    print(f"  server's first run (/reports, imports): {seconds:.1f} s, RSS {gb(tree_rss(bench.pid))}; "
          f"machine's load average {os.getloadavg()[0]:.1f} (other work slows every figure)", flush=True)


def session(bench: Bench, titles: list[str], second_session: bool) -> list[str]:
    """Visit ``titles`` in one tab, entering by the Data page (then all of them in a second tab);
    returns the titles left when a cap or a failure stopped the session."""
    warm_up(bench)
    tab = new_tab(bench)
    order = ["Data"] + [t for t in titles if t != "Data"]
    for i, title in enumerate(order):
        try:
            visit(bench, tab, title)
        except (Capped, PlaywrightError) as exc:
            print_row(tab.row, f"  {'capped' if isinstance(exc, Capped) else 'failed'}: {str(exc).splitlines()[0]}")
            if title == "Data":
                print("  the other pages are reached through the Data page: not timed", flush=True)
                return []
            return order[i + 1:]
        print_row(tab.row, "" if title in titles else "  (again: a fresh server's session enters here)")
    one = tree_rss(bench.pid)
    print(f"  server RSS after one session visited {len(order)} pages: {gb(one)} (peak {gb(bench.sampler.peak)}); "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    if second_session:
        print("  a second, concurrent tab opens the same pages (first render only):")
        other = new_tab(bench)
        for title in order:
            other.row = {"page": title}
            try:
                other.row["first"] = open_page(bench, other, title)
            except (Capped, PlaywrightError) as exc:
                print_row(other.row, f"  stopped: {str(exc).splitlines()[0]}")
                return []
            print_row(other.row)
        print(f"  server RSS with both sessions: {gb(tree_rss(bench.pid))} (+{gb(tree_rss(bench.pid) - one)}), "
              f"peak {gb(bench.sampler.peak)}", flush=True)
    return []


def page_timings(workspace: Path, args: argparse.Namespace) -> None:
    """Every page on the app over ``workspace``; a fresh server and browser after each cap."""
    from playwright.sync_api import sync_playwright

    cap, titles = int(args.cap_gb * 2**30), [p for p in PAGES if p in args.pages]
    print(f"  {'page':<22}first / rerun ('r' key) / language to 中文 / back to English; server RSS")
    with sync_playwright() as pw:
        while titles:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            try:
                with server(workspace) as (url, pid):
                    sampler = Sampler(pid, cap)
                    with sampler.running():
                        left = session(Bench(browser, url, pid, sampler, args.page_cap_min * 60), titles,
                                       args.second_session)
            finally:
                browser.close()
            if left:
                print(f"  (a fresh server for {', '.join(left)})", flush=True)
            titles = left


def store_demo(workspace: Path) -> None:
    """What the app does on an empty workspace (``sample_data.save_demo``), in a child process and
    before the server starts, so that it is part of no page's first render."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; from promo_core import sample_data, store; "
                    "sample_data.save_demo(store.Workspace(sys.argv[1]))", str(workspace)], cwd=ROOT, check=True)
    print(f"  stored the demo retailer (sample_data.save_demo) in {time.perf_counter() - start:.1f} s", flush=True)


def memory_available() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, nargs="*", default=[], help="sizes to generate, load and time")
    ap.add_argument("--demo", action="store_true", help="time the pages on the demo retailer, stored as the app stores it")
    ap.add_argument("--keep-workspace", action="store_true", help="reuse bench/out/ws_<n> loaded by an earlier run")
    ap.add_argument("--second-session", action="store_true", help="then open every page in a second, concurrent tab")
    ap.add_argument("--cap-gb", type=float, default=10.0, help="kill the loading child or the server past this RSS")
    ap.add_argument("--page-cap-min", type=float, default=10.0, help="give up on a page step after this many minutes")
    ap.add_argument("--load-only", action="store_true", help="generate and load, time no page")
    ap.add_argument("--pages", nargs="*", default=PAGES, choices=PAGES,
                    help="the pages to time (Data, the entry, always first)")
    ap.add_argument("--load-child", nargs=2, metavar=("CSV", "WORKSPACE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.load_child:
        load_child(*map(Path, args.load_child))
        return
    print(f"cores: {os.cpu_count()}, memory available: {gb(memory_available())}, cap: {args.cap_gb:.1f} GB, "
          f"step cap: {args.page_cap_min:g} min", flush=True)
    if args.demo:
        workspace = OUT / "ws_demo" / "promo.duckdb"
        shutil.rmtree(workspace.parent, ignore_errors=True)
        workspace.parent.mkdir(parents=True)
        print("demo retailer:", flush=True)
        store_demo(workspace)
        page_timings(workspace, args)
    for n in args.lines:
        print(f"{n:,} lines:", flush=True)
        csv, workspace = make_csv(n), OUT / f"ws_{n}" / "promo.duckdb"
        if args.keep_workspace and workspace.exists():
            print(f"  reusing {workspace}")
        elif not load(csv, workspace, int(args.cap_gb * 2**30)):
            print("  pages not timed: the file is not in a workspace", flush=True)
            continue
        if not args.load_only:
            page_timings(workspace, args)


if __name__ == "__main__":
    main()
