"""W4 under tf.function(jit_compile=True) against NumPy by hand, trees side by side.

    python benchmarks/replay_w4.py [--against OTHER/src ...] [--rounds 7] [--warmups 1]

Each round runs, in fresh processes and alternating, NumPy by hand and tapeflow.jit for
this tree and every `--against` tree; a process reports its least-disturbed call (the
minimum over repeats within a time budget) and its minor page faults per call (median).
The table gives medians over rounds and each tree's ratio to NumPy by hand in the same
rounds: what issue 13's W4 jit target (<= 0.7x NumPy by hand) is read against.
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

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import env
sys.path.insert(0, sys.argv[2])
import harness
from workloads import BY_ID
import tapeflow
assert tapeflow.__file__.startswith(sys.argv[2]), tapeflow.__file__
step = harness.build(BY_ID["W4"], sys.argv[3])
for _ in range(int(sys.argv[4])):
    step()
times, faults = [], []
deadline = time.perf_counter() + float(sys.argv[5])
while len(times) < 5 or time.perf_counter() < deadline:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    start = time.perf_counter()
    step()
    times.append(time.perf_counter() - start)
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
print(json.dumps([min(times), sorted(faults)[len(faults) // 2]]))
"""


def measure(src: pathlib.Path, column: str, warmups: int, budget: float) -> list:
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(HERE), str(src), column, str(warmups), str(budget)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", action="append", default=[], help="another tree's src/")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--warmups", type=int, default=1, help="calls before timing")
    parser.add_argument("--budget", type=float, default=1.5, help="seconds per process")
    args = parser.parse_args(argv)
    trees = [HERE.parent / "src", *(pathlib.Path(t).resolve() for t in args.against)]
    runs: dict = {("numpy", None): []}
    runs.update({("tapeflow.jit", t): [] for t in trees})
    for _ in range(args.rounds):
        for column, tree in runs:
            sample = measure(tree or trees[0], column, args.warmups, args.budget)
            runs[(column, tree)].append(sample)
    numpy = statistics.median(t for t, _ in runs[("numpy", None)])
    print(f"W4, {args.rounds} rounds, {args.warmups} warm-up call(s): medians of process minima")
    print("| column | tree | ms | faults/call | / NumPy by hand |")
    print("| --- | --- | --- | --- | --- |")
    for (column, tree), samples in runs.items():
        ms = statistics.median(t for t, _ in samples)
        faults = statistics.median(f for _, f in samples)
        name = "-" if tree is None else str(tree)
        print(f"| {column} | {name} | {ms * 1e3:.2f} | {faults:.0f} | {ms / numpy:.2f} |")


if __name__ == "__main__":
    main()
