"""W8: cost of `import X` in a fresh interpreter: wall time and resident memory.

Each sample is a new `python -c` process (thread variables already pinned) that times only
the import statement, so interpreter start-up, identical for everybody, is left out. Memory
is the growth of VmRSS across the import (what stays resident) and of VmHWM (its peak).
Samples are interleaved round-robin over the libraries like the timed workloads; medians
are reported. tapeflow imports numpy, so its target is numpy's import time + 15 ms
(issue 13; report.py's TARGETS).
"""

import json
import statistics
import subprocess
import sys

MODULES = {"numpy": "numpy", "tapeflow": "tapeflow", "torch": "torch",
              "tensorflow": "tensorflow", "jax": "jax", "autograd": "autograd",
              "mygrad": "mygrad"}

CHILD = """
import json, re, time
def kb(key):
    return int(re.search(key + r':\\s+(\\d+)', open('/proc/self/status').read()).group(1))
rss0 = kb('VmRSS')
t0 = time.perf_counter()
import {module}
dt = time.perf_counter() - t0
print(json.dumps({{"time": dt, "rss": (kb('VmRSS') - rss0) * 1024,
                  "peak": (kb('VmHWM') - rss0) * 1024}}))
"""


def sample(module):
    out = subprocess.run([sys.executable, "-c", CHILD.format(module=module)],
                         check=False, capture_output=True, text=True, timeout=120)
    if out.returncode:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr else "failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _compile_checkout():
    """Byte-compile the checkout's tapeflow, as `pip install` does for every peer.

    Without it (and with PYTHONDONTWRITEBYTECODE set, as on these machines) each
    fresh process would compile tapeflow from source and W8 would time the compiler.
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("tapeflow")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            compileall.compile_dir(location, quiet=1)


def run(columns, n, log=print):
    """Return {column: cell}; a cell holds median time/rss/peak or an error/skip message."""
    _compile_checkout()
    cells, names = {}, []
    for col in columns:
        if col not in MODULES:
            continue
        try:
            first = sample(MODULES[col])
        except Exception as exc:  # one cell fails, the suite goes on
            msg = str(exc)
            status = "skipped" if "No module named" in msg else "error"
            cells[col] = {"status": status, "message": msg[:160]}
            continue
        cells[col] = {"status": "ok", "samples": [first]}
        names.append(col)
    for r in range(n - 1):
        for col in names[r % len(names):] + names[:r % len(names)]:
            cells[col]["samples"].append(sample(MODULES[col]))
    for col in names:
        s = cells[col]["samples"]
        for key in ("time", "rss", "peak"):
            cells[col][key] = statistics.median(x[key] for x in s)
        cells[col]["median"] = cells[col]["time"]
        log(f"  W8 {col}: {cells[col]['time'] * 1e3:.1f} ms, "
            f"{cells[col]['rss'] / 2**20:.1f} MiB")
    return cells
