"""The workloads of run.py for tapeflow, two source trees side by side in one run.

    python benchmarks/compare.py --against /path/to/other/checkout/src [--rounds 5]
        [--only W1,W2] [--libs tapeflow,tapeflow.jit]
    python benchmarks/compare.py --other-env TAPEFLOW_PURE_PYTHON=1   # compiled vs pure core

run.py compares libraries; this compares two versions of tapeflow, which is what a change's
before/after table needs. On a noisy machine the difference between two trees is smaller
than the drift between minutes, so each round runs every workload once per tree in a fresh
process, alternating the trees, and a process reports its least-disturbed time (the
minimum over repeats within a time budget). The table gives the median over rounds per
tree and their ratio (this tree / the other).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
THIS_SRC = HERE.parent / "src"

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import env  # pins BLAS threads, as run.py does (and puts this checkout's src/ first)
sys.path.insert(0, sys.argv[5])  # ... so the tree under test goes in front of it
import harness
from workloads import BY_ID

wl_id, column, budget = sys.argv[2], sys.argv[3], float(sys.argv[4])
import tapeflow
assert tapeflow.__file__.startswith(sys.argv[5]), tapeflow.__file__
step = harness.build(BY_ID[wl_id], column)
step()  # warm-up (and the trace, for tapeflow.jit)
times = []
deadline = time.perf_counter() + budget
while len(times) < 3 or (time.perf_counter() < deadline and len(times) < 2000):
    start = time.perf_counter()
    step()
    times.append(time.perf_counter() - start)
print(json.dumps(min(times)))
"""


def measure(src: pathlib.Path, wl_id: str, column: str, budget: float, extra=None) -> float:
    # A fixed hash seed: set and dict layouts otherwise differ from process to process.
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0", **(extra or {})}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(HERE), wl_id, column, str(budget), str(src)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", help="the other tree's src/ directory (default: ours)")
    parser.add_argument(
        "--other-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="environment of the other side's processes (TAPEFLOW_PURE_PYTHON=1: the pure core)",
    )
    parser.add_argument("--this", default=str(THIS_SRC), help="this tree's src/ (default: ours)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="W1,W2,W3,W3b,W4,W5rr,W5fr,W6,W7")
    parser.add_argument("--libs", default="tapeflow,tapeflow.jit")
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per process")
    args = parser.parse_args(argv)
    this = pathlib.Path(args.this).resolve()
    other = pathlib.Path(args.against).resolve() if args.against else this
    other_env = dict(item.split("=", 1) for item in args.other_env)
    if other == this and not other_env:
        parser.error("--against another tree, or --other-env for the other side")
    cells = [(w, c) for w in args.only.split(",") for c in args.libs.split(",")]
    runs: dict = {cell: {"other": [], "this": []} for cell in cells}
    for _ in range(args.rounds):
        for cell in cells:
            runs[cell]["other"].append(measure(other, *cell, args.budget, other_env))
            runs[cell]["this"].append(measure(this, *cell, args.budget))
    label = " ".join([str(other), *args.other_env])
    print(f"| workload | column | other ({label}) | this ({this}) | this / other |")
    print("| --- | --- | --- | --- | --- |")
    for (wl_id, column), times in runs.items():
        a, b = statistics.median(times["other"]), statistics.median(times["this"])
        print(f"| {wl_id} | {column} | {a * 1e6:,.1f} us | {b * 1e6:,.1f} us | {b / a:.3f} |")


if __name__ == "__main__":
    main()
