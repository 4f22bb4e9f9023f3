"""Library loading, gradient checking and interleaved timing.

Every cell of the result table goes through the same path: build the implementation, call
it once and compare its gradients with the hand-written NumPy ones (a wrong answer is an
error, never a time), calibrate how many calls make one sample, then take one sample per
library per round, rotating the order each round so that drift on a shared machine is spread
over everybody. Medians of the per-call times are reported.
"""

from __future__ import annotations

import gc
import importlib
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

# Columns of the table: column -> (module to import, builder key in Workload.builders).
LIBS = {
    "numpy": ("numpy", "numpy"),
    "tapeflow": ("tapeflow", "tf"),
    # The same TF-2 step under tf.function(jit_compile=True): traced once, then replayed.
    "tapeflow.jit": ("tapeflow", "tf"),
    "torch": ("torch", "torch"),
    "tensorflow": ("tensorflow", "tf"),
    "tf.function": ("tensorflow", "tf"),
    "jax": ("jax", "jax"),
    "jax.jit": ("jax", "jax"),
    "autograd": ("autograd", "autograd"),
    "mygrad": ("mygrad", "mygrad"),
}
PEERS = [c for c in LIBS if c not in ("numpy", "tapeflow", "tapeflow.jit")]


@dataclass
class Workload:
    """One benchmark row: data factory, per-library builders and the check tolerance.

    A builder takes (module, data) -- jax builders also take jit -- and returns a
    zero-argument `step` that does the whole timed iteration and returns the gradient(s).
    `make_data(tiny)` must return fresh arrays each call (some steps update them in place).
    """

    id: str
    title: str
    make_data: Callable[..., dict]
    builders: dict
    rtol: float = 1e-4
    atol: float = 1e-6
    na: dict = field(default_factory=dict)  # column -> why the peer cannot run this
    timed: bool = True
    memory: bool = False  # also measure peak memory of one step in a fresh process
    # Time each column in its own fresh process: a long chain's speed depends on what else
    # the process imported (with torch and TF loaded, tapeflow's W7 runs ~1.4x slower).
    isolated: bool = False


_modules: dict = {}


def load(column):
    """Import the module behind a column once and pin its own thread settings."""
    name = LIBS[column][0]
    if name in _modules:
        return _modules[name]
    mod = importlib.import_module(name)
    if name == "torch":
        mod.set_num_threads(1)
        try:
            mod.set_num_interop_threads(1)
        except RuntimeError:  # already set, or work already started
            pass
    elif name == "tensorflow":
        mod.config.threading.set_intra_op_parallelism_threads(1)
        mod.config.threading.set_inter_op_parallelism_threads(1)
    elif name == "jax":
        mod.config.update("jax_enable_x64", True)  # W5 is float64; others pass explicit dtypes
        importlib.import_module("jax.numpy")
    elif name == "autograd":
        importlib.import_module("autograd.numpy")
    _modules[name] = mod
    return mod


def build(wl, column, tiny=False):
    """Return the step function of `column` for workload `wl` (raises on failure)."""
    key = LIBS[column][1]
    builder = wl.builders[key]
    mod = np if column == "numpy" else load(column)
    data = wl.make_data(tiny)
    if key == "jax":
        return builder(mod, data, jit=column == "jax.jit")
    step = builder(mod, data)
    if column == "tf.function":
        step = mod.function(step)
    elif column == "tapeflow.jit":
        step = mod.function(step, jit_compile=True)
    return step


def to_numpy(x):
    """Convert any library's tensor (or a Python number) to a NumPy array."""
    if hasattr(x, "detach"):
        x = x.detach()
    if hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    return np.asarray(x)


def as_list(out):
    return [to_numpy(o) for o in out] if isinstance(out, (list, tuple)) else [to_numpy(out)]


def check(wl, got, ref):
    """Raise AssertionError unless every gradient matches the NumPy reference."""
    if len(got) != len(ref):
        raise AssertionError(f"returned {len(got)} results, expected {len(ref)}")
    for i, (g, r) in enumerate(zip(got, ref, strict=True)):
        if g.size == r.size:  # e.g. jacobian of a column vector: (64,1,64,1) vs (64,64)
            g = g.reshape(r.shape)
        else:
            raise AssertionError(f"result {i}: shape {g.shape}, expected {r.shape}")
        if not np.allclose(g, r, rtol=wl.rtol, atol=wl.atol):
            err = np.max(np.abs(g - r) / (wl.atol + wl.rtol * np.abs(r)))
            raise AssertionError(f"result {i} differs from NumPy ({err:.3g}x tolerance)")


def short(exc):
    """One-line message for a table cell: first and last line of long (TF) messages."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()] or [""]
    text = lines[0] if len(lines) == 1 else f"{lines[0]} ... {lines[-1]}"
    msg = f"{type(exc).__name__}: {text}".replace("|", "/")
    return msg if len(msg) <= 160 else msg[:157] + "..."


def bench_workload(wl, columns, rounds, sample_s, slow_s, log=print):
    """Check then time every column of one workload; returns {column: cell dict}.

    A cell is {"status": "ok", "median": s, "samples": [...], "reps": n} or
    {"status": "error"|"n/a"|"skipped", "message": ...}.
    """
    cells, steps = {}, {}
    try:
        ref = as_list(build(wl, "numpy")())
    except Exception as exc:  # reference failed: nothing to check
        return {c: {"status": "error", "message": "numpy reference: " + short(exc)}
                for c in columns}
    for col in columns:
        if col in wl.na:
            cells[col] = {"status": "n/a", "message": wl.na[col]}
            continue
        try:
            step = build(wl, col)
        except ImportError as exc:
            cells[col] = {"status": "skipped", "message": "not installed: " + short(exc)}
            continue
        except Exception as exc:  # one cell fails, the suite goes on
            cells[col] = {"status": "error", "message": short(exc)}
            continue
        try:
            t0 = time.perf_counter()
            got = as_list(step())  # first call: tracing/compilation happens here
            first = time.perf_counter() - t0
            if col != "numpy":
                check(wl, got, ref)
        except Exception as exc:  # one cell fails, the suite goes on
            cells[col] = {"status": "error", "message": short(exc)}
            continue
        if not wl.timed:
            cells[col] = {"status": "ok", "median": None, "samples": []}
            continue
        if first > slow_s:  # too slow to repeat: the checked call is the only sample
            cells[col] = {"status": "ok", "median": first, "samples": [first], "reps": 1,
                          "note": "single call (slow)"}
            continue
        try:
            reps = calibrate(step, sample_s)
        except Exception as exc:  # one cell fails, the suite goes on
            cells[col] = {"status": "error", "message": short(exc)}
            continue
        steps[col] = step
        cells[col] = {"status": "ok", "samples": [], "reps": reps}
        log(f"  {wl.id} {col}: checked, {reps} call(s) per sample")
    names = list(steps)
    for r in range(rounds):
        for col in names[r % len(names):] + names[:r % len(names)] if names else []:
            gc.collect()
            step, reps = steps[col], cells[col]["reps"]
            t0 = time.perf_counter()
            for _ in range(reps):
                step()
            cells[col]["samples"].append((time.perf_counter() - t0) / reps)
    for col in names:
        cells[col]["median"] = statistics.median(cells[col]["samples"])
    return cells


def bench_isolated(wl, columns, script, rounds, sample_s, slow_s, log=print, timeout=1800):
    """Like bench_workload, but every column is checked and timed in a fresh process.

    The child (`script --time-child WL COLUMN ...`) imports only NumPy and that column's
    library, runs bench_workload on [column] and prints one CELL line. Rounds are not
    interleaved across libraries here (each process times its own column), so drift between
    processes is not spread; the isolation is worth more for these rows.
    """
    cells = {}
    for col in columns:
        if col in wl.na:
            cells[col] = {"status": "n/a", "message": wl.na[col]}
            continue
        cells[col] = run_child(
            [script, "--time-child", wl.id, col, str(rounds), repr(sample_s), repr(slow_s)],
            "CELL", "timing process", timeout)
        if cells[col]["status"] == "ok":
            cells[col]["isolated"] = True
        log(f"  {wl.id} {col}: {cells[col].get('median', cells[col].get('message'))} "
            f"(own process)")
    return cells


def run_child(args, prefix, what, timeout):
    """Runs `python *args` and returns the JSON of its last `prefix` line (an error cell if
    it timed out or printed none)."""
    try:
        out = subprocess.run([sys.executable, *args], check=False, capture_output=True,
                             text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "error", "message": f"{what} timed out after {timeout}s"}
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith(prefix + " ")]
    if not lines:
        tail = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return {"status": "error", "message": f"{what} crashed: {tail[:150]}"}
    return json.loads(lines[-1][len(prefix) + 1:])


def time_child_main(wl_id, column, rounds, sample_s, slow_s):
    """Child side of bench_isolated: time one column and print its cell as JSON."""
    from workloads import BY_ID

    cell = bench_workload(BY_ID[wl_id], [column], int(rounds), float(sample_s), float(slow_s),
                          log=lambda m: None)[column]
    print("CELL " + json.dumps(cell))


def calibrate(step, sample_s):
    """Warm up, then pick the number of calls that makes one sample last ~sample_s."""
    n, t0 = 0, time.perf_counter()
    while n < 2 or (time.perf_counter() - t0 < sample_s / 4 and n < 1000):
        step()
        n += 1
    per_call = (time.perf_counter() - t0) / n
    return max(1, int(sample_s / per_call))
