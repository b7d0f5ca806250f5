"""Timing and peak-memory measurement shared by the benchmark scripts (not a test)."""
from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager



def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def measure(label: str, results: list | None = None):
    """Print wall seconds and the peak resident memory reached inside the block."""
    peak = [_rss()]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], _rss())
            time.sleep(0.01)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - start
        stop.set()
        t.join()
        peak[0] = max(peak[0], _rss())
        line = f"{label}: {seconds:.2f} s, peak RSS {peak[0] / 2**30:.2f} GB (cores: {os.cpu_count()})"
        print(line, flush=True)
        if results is not None:
            results.append({"label": label, "seconds": seconds, "peak_gb": peak[0] / 2**30})
