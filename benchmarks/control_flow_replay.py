"""Train steps whose loss runs through control flow, under a tape inside the function.

    PYTHONPATH=src python benchmarks/control_flow_replay.py [--rounds 5]

Issue 11 item 3: an 8x8 tanh recurrence with a bias, its loss differentiated by a
GradientTape inside the function and an SGD update applied, once through tf.while_loop
(10 iterations, the bound a tensor argument) and once through tf.scan (10 elements).
Each is timed run eagerly and as tf.function(jit_compile=True) (traced once, then
replayed), the minimum per call over repeats, medians over rounds. Both results are
checked bit for bit against each other, and the replay against falling back, first.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import env  # noqa: E402,F401,I001  (pins threads before NumPy loads)

import numpy as np  # noqa: E402

import tapeflow as tf  # noqa: E402
from tapeflow._compile.function import _Program  # noqa: E402


def _model():
    rng = np.random.default_rng(0)
    w = tf.Variable(rng.standard_normal((8, 8)).astype(np.float32) * 0.3)
    b = tf.Variable(np.zeros(8, np.float32))

    def cell(h, x):
        return tf.tanh(tf.matmul(h, w) + b + x)

    def update(loss, tape):
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(0.01 * gw)
        b.assign_sub(0.01 * gb)
        return loss, gw, gb

    def loop_step(x, n):
        with tf.GradientTape() as tape:
            _, h = tf.while_loop(
                lambda i, h: i < n, lambda i, h: (i + 1, cell(h, x)), (tf.constant(0), 0.0 * x)
            )
            loss = tf.reduce_sum(h * h)
        return update(loss, tape)

    def scan_step(xs):
        with tf.GradientTape() as tape:
            hs = tf.scan(cell, xs, initializer=tf.zeros([4, 8]))
            loss = tf.reduce_sum(hs * hs)
        return update(loss, tape)

    return (w, b), loop_step, scan_step


def _per_call(f, args, reps: int = 100) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(reps):
            f(*args)
        best = min(best, (time.perf_counter() - start) / reps)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    rng = np.random.default_rng(1)
    x = tf.constant(rng.standard_normal((4, 8)).astype(np.float32))
    xs = tf.constant(rng.standard_normal((10, 4, 8)).astype(np.float32))
    print("| workload | eager | replayed | eager / replayed |\n| --- | --- | --- | --- |")
    for name, which, args in (
        ("while_loop, 10 iterations", 1, (x, tf.constant(10))),
        ("scan, 10 elements", 2, (xs,)),
    ):
        variables, *steps = _model()
        step = steps[which - 1]
        start = [v.numpy() for v in variables]
        replayed = tf.function(step, jit_compile=True)
        replayed(*args)  # traces
        for v, s in zip(variables, start):
            v.assign(s)
        want = step(*args)
        for v, s in zip(variables, start):
            v.assign(s)
        got = replayed(*args)  # replays
        for a, b in zip(want, got):
            assert np.array_equal(a.numpy(), b.numpy()), name
        assert all(type(p) is _Program for p in replayed._compiled.traces.values()), name
        eager, fast = [], []
        for _ in range(rounds):
            eager.append(_per_call(step, args))
            fast.append(_per_call(replayed, args))
        e, r = statistics.median(eager), statistics.median(fast)
        print(f"| {name} | {e * 1e6:.0f} us | {r * 1e6:.0f} us | {e / r:.1f}x |")


if __name__ == "__main__":
    main()
