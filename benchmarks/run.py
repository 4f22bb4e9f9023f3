"""Run the tapeflow benchmark suite: python benchmarks/run.py [--quick] [--only W1,W3] ...

Results go to benchmarks/results/<name>.{md,json,png}. See benchmarks/README.md.
"""

import argparse
import datetime
import os
import platform
import subprocess
import sys
from importlib import metadata

# `env` pins every library to one thread when imported, so it must stay the first
# non-stdlib import (the others load numpy; env.py refuses to load after it). The script's
# own folder is on sys.path.
from env import BENCH_DIR, THREAD_ENV

# isort: split
import harness
import probes
import report

DISTS = ["numpy", "tapeflow", "torch", "tensorflow-cpu", "tensorflow", "jax", "jaxlib",
         "autograd", "mygrad", "matplotlib"]


def versions():
    out = {}
    for d in DISTS:
        try:
            out[d] = metadata.version(d)
        except metadata.PackageNotFoundError:
            if d == "tapeflow":  # a source checkout that is not pip-installed
                try:
                    import tapeflow

                    out[d] = getattr(tapeflow, "__version__", "src checkout")
                except Exception as exc:  # report it, never crash
                    out[d] = f"not importable ({type(exc).__name__})"
    return out


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            return next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def git_commit():
    try:
        return subprocess.run(["git", "-C", str(BENCH_DIR), "rev-parse", "--short", "HEAD"],
                              check=False, capture_output=True, text=True).stdout.strip() or "none"
    except OSError:
        return "unknown"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help="few short rounds, for development")
    p.add_argument("--only", help="comma-separated workload ids or prefixes (W3 -> W3, W3b)")
    p.add_argument("--libs", help="comma-separated columns, default all: "
                   + ",".join(harness.LIBS))
    p.add_argument("--rounds", type=int, help="timing rounds (default 11, quick 3)")
    p.add_argument("--out", default=None, help="output base name under results/")
    p.add_argument("--probe", nargs=2, metavar=("WL", "LIB"), help=argparse.SUPPRESS)
    p.add_argument("--time-child", nargs=5, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def selected(only, ids):
    if not only:
        return list(ids)
    wanted = [s.strip().upper() for s in only.split(",")]
    return [i for i in ids if any(i.upper().startswith(w) for w in wanted)]


def main(argv=None):
    args = parse_args(argv)
    if args.probe:
        return probes.child_main(*args.probe)
    if args.time_child:
        return harness.time_child_main(*args.time_child)
    from workloads import BY_ID, w8_import, w9_tape_memory

    columns = args.libs.split(",") if args.libs else list(harness.LIBS)
    unknown = [c for c in columns if c not in harness.LIBS]
    if unknown:
        sys.exit(f"unknown libraries {unknown}; choose from {list(harness.LIBS)}")
    if "numpy" not in columns:
        columns.insert(0, "numpy")  # the reference for every check and ratio
    rounds = args.rounds or (3 if args.quick else 11)
    sample_s, slow_s = (0.02, 3.0) if args.quick else (0.1, 10.0)
    ids = selected(args.only, [*BY_ID, "W8"])
    script = os.path.abspath(__file__)
    results = {
        "meta": {
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "cpu": f"{cpu_model()} ({os.cpu_count()} logical cores, runs pinned to 1 thread)",
            "python": platform.python_version(), "platform": platform.platform(),
            "mode": "quick" if args.quick else "full", "rounds": rounds,
            "sample_seconds": sample_s, "git_commit": git_commit(),
            "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "versions": versions(),
            "env": {k: os.environ.get(k, "(unset)") for k in
                    ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", *THREAD_ENV]},
        },
        "titles": {}, "time": {}, "memory": {}, "import": {},
    }
    for wl_id in ids:
        if wl_id == "W8":
            print("W8: imports", flush=True)
            results["import"] = w8_import.run(columns, 5 if args.quick else 21)
            continue
        wl = BY_ID[wl_id]
        results["titles"][wl.id] = wl.title
        print(f"{wl.id}: {wl.title}", flush=True)
        if wl.timed and wl.isolated:
            results["time"][wl.id] = harness.bench_isolated(
                wl, columns, script, rounds, sample_s, slow_s,
                log=lambda m: print(m, flush=True))
        elif wl.timed:
            results["time"][wl.id] = harness.bench_workload(
                wl, columns, rounds, sample_s, slow_s,
                log=lambda m: print(m, flush=True))
        if wl.memory:
            mem = {}
            for col in columns:
                mem[col] = ({"status": "n/a", "message": wl.na[col]} if col in wl.na
                            else probes.measure(wl, col, script))
                print(f"  {wl.id} memory {col}: {mem[col].get('peak', mem[col].get('message'))}",
                      flush=True)
            if wl.id == "W9":
                mem["ideal"] = {"status": "ok", "peak": w9_tape_memory.IDEAL_BYTES}
            results["memory"][wl.id] = mem
    results["meta"]["load_average_at_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results["targets"] = report.evaluate_targets(results)
    name = args.out or ("quick" if args.quick else "results")
    md = report.write(results, columns, BENCH_DIR / "results" / name)
    print()
    print(md)


if __name__ == "__main__":
    main()
