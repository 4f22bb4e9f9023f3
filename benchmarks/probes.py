"""Peak memory of one step of a workload, measured in a fresh process per library.

Method: the child imports the library, runs a tiny version of the workload once (so lazy
kernel/engine initialisation is not charged to the step), builds the real inputs, resets
the kernel's peak-RSS counter (`echo 5 > /proc/self/clear_refs`, which resets VmHWM), reads
VmRSS as the baseline, runs the step once and reports VmHWM - baseline: the extra resident
memory the step needed at its peak. This works for every library, including those whose
allocations Python cannot see (torch, TF, XLA). If clear_refs is unavailable it falls back
to the ru_maxrss delta, which is only valid when the step is the process's largest peak.
For NumPy-based libraries (numpy, tapeflow, autograd, mygrad), the step is run a second
time under tracemalloc, which counts NumPy buffers and Python objects exactly, as a cross
check. The gradient is checked against NumPy after measuring; a mismatch is an error.
"""

import gc
import json
import re
import resource
import tracemalloc

from harness import as_list, build, check, run_child, short

TRACEMALLOC_LIBS = ("numpy", "tapeflow", "autograd", "mygrad")


def _kb(key):
    with open("/proc/self/status") as f:
        return int(re.search(key + r":\s+(\d+)", f.read()).group(1))


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return "VmHWM"
    except OSError:
        return "ru_maxrss"


def child(wl, column):
    """Runs inside the fresh process; returns the measurement dict."""
    build(wl, column, tiny=True)()
    step = build(wl, column)
    gc.collect()
    method = _reset_peak()
    base = _kb("VmRSS") if method == "VmHWM" else resource.getrusage(
        resource.RUSAGE_SELF).ru_maxrss
    out = step()
    peak = _kb("VmHWM") if method == "VmHWM" else resource.getrusage(
        resource.RUSAGE_SELF).ru_maxrss
    res = {"peak": (peak - base) * 1024, "method": method}
    got = as_list(out)
    del out, step
    if column != "numpy":
        check(wl, got, as_list(build(wl, "numpy")()))
    if column in TRACEMALLOC_LIBS:
        gc.collect()
        step = build(wl, column)
        tracemalloc.start()
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        step()
        res["tracemalloc"] = tracemalloc.get_traced_memory()[1] - before
        tracemalloc.stop()
    return res


def child_main(wl_id, column):
    from workloads import BY_ID

    try:
        res = {"status": "ok", **child(BY_ID[wl_id], column)}
    except ImportError as exc:
        res = {"status": "skipped", "message": "not installed: " + short(exc)}
    except Exception as exc:  # one cell fails, the suite goes on
        res = {"status": "error", "message": short(exc)}
    print("PROBE " + json.dumps(res))


def measure(wl, column, script, timeout=600):
    """Parent side: run `script --probe WL COLUMN` and parse its last PROBE line."""
    return run_child([script, "--probe", wl.id, column], "PROBE", "memory probe", timeout)
