"""Upload benchmark: the real app (``streamlit run`` on 127.0.0.1, a temporary workspace) in headless
Chromium. A ~300 MB CSV is uploaded on the Data page and saved; an .xlsx "bomb" (a small file whose
sheet XML expands to gigabytes) is uploaded and must be refused. Prints seconds and the server's
resident memory (its process and children, sampled from /proc every 50 ms, and the kernel's VmHWM):
before the upload, at the peak, and after (the page done, then the tab closed).

Targets on a 2-core machine: the 300 MB CSV peaks at <= 2 GB of server RSS and returns near its start.

    .venv/bin/python bench/bench_upload.py [--lines 3800000] [--skip-csv] [--skip-xlsx] [--trace]
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import OUT, make_csv  # noqa: E402
from tests.browser.conftest import CHROMIUM, wait_idle  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree(pid: int) -> list[int]:
    """The process and its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return out


def _status(pid: int, field: str) -> int:
    """A /proc/<pid>/status memory field in bytes (0 when the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(pid: int) -> int:
    return sum(_status(p, "VmRSS") for p in _tree(pid))


class Sampler:
    """Peak resident memory of a process tree, sampled in a thread (``phase_peak`` since the last
    ``new_phase``); past ``cap`` bytes the tree is killed (the machine is shared) and ``capped`` says so."""

    def __init__(self, pid: int, cap: int):
        self.pid, self.cap, self.peak, self.phase_peak, self.capped = pid, cap, 0, 0, False
        self.trace: list[tuple[float, int]] = []  # (seconds since start, RSS) of every sample
        self._stop = threading.Event()

    @contextmanager
    def running(self):
        self.peak = self.phase_peak = tree_rss(self.pid)
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()
            self._stop.clear()

    def new_phase(self) -> int:
        """The peak of the phase that ends now."""
        peak, self.phase_peak = self.phase_peak, tree_rss(self.pid)
        return peak

    def _run(self):
        start = time.perf_counter()
        while not self._stop.is_set():
            now = tree_rss(self.pid)
            self.trace.append((time.perf_counter() - start, now))
            self.peak, self.phase_peak = max(self.peak, now), max(self.phase_peak, now)
            if self.peak > self.cap:
                self.capped = True
                os.killpg(self.pid, signal.SIGKILL)
                return
            time.sleep(0.05)


def settled_rss(pid: int) -> int:
    """The server's resident memory once it has stopped changing (the first page's work done)."""
    previous = tree_rss(pid)
    for _ in range(60):
        time.sleep(1)
        now = tree_rss(pid)
        if abs(now - previous) < 2**20 * 5:
            return now
        previous = now
    return previous


def make_xlsx_bomb(rows: int = 2_000_000, cols: int = 60) -> Path:
    """A valid .xlsx whose one sheet holds rows x cols identical cells: a few MB on disk, gigabytes of
    XML inside (an honest zip: the sizes it claims are the true ones)."""
    path = OUT / f"bomb_{rows}x{cols}.xlsx"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    row_xml = '<c t="n"><v>1</v></c>' * cols
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sales" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData>')
            block = ("<row>" + row_xml + "</row>").encode() * 10_000
            for _ in range(rows // 10_000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return path


@contextmanager
def server(workspace: Path | None = None):
    """``streamlit run app.py`` on a free loopback port with ``workspace`` (its log beside it), or a
    fresh temporary one; yields (url, pid)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as folder:
        env = dict(os.environ, PROMO_WORKSPACE=str(workspace or Path(folder) / "promo.duckdb"))
        log = open((workspace.parent if workspace else Path(folder)) / "streamlit.log", "w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                    break
                except OSError:
                    if proc.poll() is not None:
                        raise RuntimeError("streamlit exited early:\n" + Path(log.name).read_text()[-3000:])
                    time.sleep(0.5)
            yield url, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()


def gb(n: int) -> str:
    return f"{n / 2**30:.2f} GB"


def _wait_text(tab, text: str, sampler: Sampler) -> None:
    """Wait for ``text`` on the page, giving up when the sampler had to kill the server."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(600):
        if sampler.capped:
            raise MemoryError
        try:
            tab.get_by_text(text).first.wait_for(timeout=1000)
            return
        except PlaywrightTimeout:
            pass
    raise TimeoutError(f"{text!r} did not appear within 10 minutes")


def print_trace(trace: list[tuple[float, int]], step: float = 0.5) -> None:
    """The server's RSS over time: the peak of each ``step`` seconds (to see which phase holds what)."""
    buckets: dict[int, int] = {}
    for t, rss in trace:
        buckets[int(t / step)] = max(buckets.get(int(t / step), 0), rss)
    for k, rss in sorted(buckets.items()):
        print(f"  {k * step:6.1f} s  {gb(rss)}  " + "#" * int(rss / 2**30 * 20))


def upload(browser, url: str, pid: int, path: Path, done_text: str, save: bool, cap: int,
           trace: bool = False) -> None:
    """Open the app, upload ``path`` on the Data page, wait for ``done_text`` (and save, which also
    shows the new dataset's profile), print seconds and the server's memory."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(600_000)
    tab.goto(url, timeout=600_000)
    wait_idle(tab, 600_000)  # the home page is the Data page, on the demo retailer
    before = settled_rss(pid)
    sampler = Sampler(pid, cap)
    label = f"{path.name} ({path.stat().st_size / 1e6:,.0f} MB)"
    with sampler.running():
        start = time.perf_counter()
        tab.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
        try:
            _wait_text(tab, done_text, sampler)
            wait_idle(tab, 600_000)
            read, read_peak = time.perf_counter() - start, sampler.new_phase()
            if save:
                loaded = tab.get_by_test_id("stMetric").filter(has_text="Rows loaded").first.inner_text().split()[-1]
                tab.get_by_role("button", name="Save to workspace").click()
                _wait_text(tab, f"{loaded} lines from", sampler)  # the new dataset's profile, computed and shown
                wait_idle(tab, 600_000)
        except MemoryError:
            print(f"{label}: server killed at {gb(sampler.peak)} of RSS after {time.perf_counter() - start:.1f} s "
                  f"(before: {gb(before)}; cores: {os.cpu_count()})", flush=True)
            context.close()
            return
        saved, save_peak = time.perf_counter() - start - read, sampler.new_phase()
        time.sleep(10)
        after_page = tree_rss(pid)
    context.close()
    time.sleep(10)
    after_close = tree_rss(pid)
    print(f"{label}: read in {read:.1f} s" + (f", saved and profiled in {saved:.1f} s" if save else "")
          + f"; server RSS before {gb(before)}, peak while reading {gb(read_peak)}"
          + (f", while saving and showing the profile {gb(save_peak)}" if save else "")
          + f", 10 s after {gb(after_page)}, tab closed {gb(after_close)} (VmHWM {gb(_status(pid, 'VmHWM'))};"
          f" cores: {os.cpu_count()})", flush=True)
    if trace:
        print(f"  RSS over time (read until {read:.1f} s" + (f", saved and profiled until {read + saved:.1f} s" if save
                                                             else "") + "):")
        print_trace(sampler.trace)


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=3_800_000, help="CSV lines (3.8M = ~300 MB)")
    ap.add_argument("--skip-csv", action="store_true")
    ap.add_argument("--skip-xlsx", action="store_true")
    ap.add_argument("--trace", action="store_true", help="print the server's RSS every half second")
    ap.add_argument("--cap-gb", type=float, default=6.0, help="kill the server past this RSS (a shared machine)")
    args = ap.parse_args()
    cap = int(args.cap_gb * 2**30)
    csv_path = make_csv(args.lines) if not args.skip_csv else None
    bomb = make_xlsx_bomb() if not args.skip_xlsx else None
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            if csv_path is not None:
                with server() as (url, pid):
                    upload(browser, url, pid, csv_path, f"rows from {csv_path.name}", save=True, cap=cap,
                           trace=args.trace)
            if bomb is not None:
                with server() as (url, pid):
                    upload(browser, url, pid, bomb, f"{bomb.name} could not be read", save=False, cap=cap)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
