"""Per-op hot-path costs of two tapeflow source trees, measured in one run.

    python benchmarks/hot_path.py --against /path/to/other/checkout/src [--rounds 3]

The machines this project runs on are noisy, so a change on the hot path is judged by
ratios measured side by side: each round runs every micro-workload once per tree, in a
fresh process per tree, alternating trees, and each figure is the minimum over repeats
inside the process (the least-disturbed run). The table gives the median over rounds of
those minima, per tree, and their ratio (this tree / the other). The workloads are the
pieces W1 and W2 are made of: an op with no tape, an op under a tape, a tape's
enter/exit, the tutorial's `x * x` program with its gradient, and a 100-op chain.
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

# Runs in the child process: prints {name: nanoseconds} for the tree on sys.path.
CHILD = r"""
import json, sys, time
import tapeflow as tf

x = tf.constant(0.5)

def best(fn, n, repeats=7):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - start) / n)
    return min(times) * 1e9

def enter_exit():
    with tf.GradientTape() as t:
        t.watch(x)

def square_and_grad():
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
    return t.gradient(y, x)

def chain_and_grad():
    with tf.GradientTape() as t:
        t.watch(x)
        y = x
        for _ in range(50):
            y = tf.sin(y * 1.1)
    return t.gradient(y, x)

out = {
    "sin, no tape": best(lambda: tf.sin(x), 20000),
    "x * 1.1, no tape": best(lambda: x * 1.1, 20000),
    "tape enter/exit": best(enter_exit, 20000),
    "x * x + gradient (W1)": best(square_and_grad, 5000),
    "100-op chain + gradient (W2)": best(chain_and_grad, 200),
}
with tf.GradientTape() as t:
    t.watch(x)
    out["sin, under a tape"] = best(lambda: tf.sin(x), 20000, repeats=3)
print(json.dumps(out))
"""


def measure(src: pathlib.Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the other tree's src/ directory")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    other = pathlib.Path(args.against).resolve()
    runs: dict = {"this": [], "other": []}
    for _ in range(args.rounds):
        runs["other"].append(measure(other))
        runs["this"].append(measure(THIS_SRC))
    print(f"| workload | other ({other}) | this ({THIS_SRC}) | this / other |")
    print("| --- | --- | --- | --- |")
    for name in runs["this"][0]:
        a = statistics.median(r[name] for r in runs["other"])
        b = statistics.median(r[name] for r in runs["this"])
        print(f"| {name} | {a:,.0f} ns | {b:,.0f} ns | {b / a:.3f} |")


if __name__ == "__main__":
    main()
