"""One step of logistic regression (loss and gradient) on Dask: tapeflow against dask.array.

    python benchmarks/dask_logreg.py [--rows 200000 2000000] [--budget 2] [--rounds 3]
                                     [--breakdown]

The workload of issue 14, at sizes that fit in memory so all three methods can run: the
mean sigmoid cross-entropy of a linear model on `rows` x 100 float32 features and its
gradient with respect to the weights and the bias, per step:
  - tapeflow on Dask: a GradientTape over Dask-backed tensors, then one
    `tapeflow.experimental.compute(loss, grad_w, grad_b)`;
  - dask.array by hand: the same stable loss and its gradient written out
    (X^T (sigmoid(logits) - y) / n), one `dask.compute`; again with the logits as a
    matrix product with a column, as tf.linalg.matvec computes them (TF's
    matmul(x, w[..., None])), which BLAS runs as a GEMM instead of a GEMV;
  - tapeflow on NumPy: the tape over NumPy-backed tensors (the crossover: no Dask at all).
The Dask arrays are persisted in memory in chunks of `--chunk-rows` rows, and both Dask
methods run on the threaded scheduler with dask's default worker count, so the difference
between them is the graph tapeflow builds. Each time is the minimum over repeats within
the budget; rounds alternate the methods and the table gives medians over rounds. All
results are checked against each other first. Prints the markdown table; `--breakdown`
adds, for both Dask methods, the graph's size and the times to build, optimise and compute
it (benchmarks/results/dask_logreg.md explains the difference with them).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import env  # noqa: E402,F401,I001  (pins threads before NumPy loads)
import dask  # noqa: E402
import dask.array as da  # noqa: E402
import numpy as np  # noqa: E402

import tapeflow as tf  # noqa: E402
from tapeflow.experimental import compute  # noqa: E402

FEATURES = 100


def data(rows: int):
    rng = np.random.default_rng(0)
    x = (rng.random((rows, FEATURES), dtype=np.float32) * 2 - 1).astype(np.float32)
    true_w = rng.standard_normal(FEATURES).astype(np.float32)
    y = (x @ true_w + rng.logistic(size=rows) > 0).astype(np.float32)
    w = (0.1 * rng.standard_normal(FEATURES)).astype(np.float32)
    return x, y, w, np.float32(0.25)


def tapeflow_graph(x, y, w, b) -> list:
    """The loss and gradients as tensors (not computed); x, y are Dask- or NumPy-backed."""
    with tf.GradientTape() as tape:
        logits = tf.linalg.matvec(x, w) + b
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
    grad_w, grad_b = tape.gradient(loss, [w, b])
    return [loss, grad_w, grad_b]


def tapeflow_step(x, y, w, b):
    """Loss and gradients with a tape, computed in one pass."""
    return [t.numpy() for t in compute(*tapeflow_graph(x, y, w, b))]


def dask_graph(x, y, w, b, column: bool = False) -> list:
    """The same loss and gradients by hand with dask.array, not computed (`column`: the
    logits as `x @ w[:, None]`, a matrix product as tf.linalg.matvec's
    matmul(x, w[..., None]))."""
    logits = (x @ w[:, None])[:, 0] + b if column else x @ w + b
    loss = da.mean(da.maximum(logits, 0) - logits * y + da.log1p(da.exp(-abs(logits))))
    residual = 1 / (1 + da.exp(-logits)) - y
    grad_w = x.T @ residual / np.float32(x.shape[0])
    grad_b = da.mean(residual)
    return [loss, grad_w, grad_b]


def dask_step(x, y, w, b, column: bool = False):
    return [np.asarray(v) for v in dask.compute(*dask_graph(x, y, w, b, column))]


def breakdown(rows: int, chunk_rows: int, repeats: int = 7) -> None:
    """Where a step's time goes, for tapeflow on Dask and by hand: the graph's layers and
    tasks (before and after Dask's optimisation), and the minimum over `repeats` of the
    time to build the graph, to optimise it, and to compute it (`dask.compute`, which
    optimises it again, on the synchronous scheduler: one thread, no parallelism)."""
    from dask._expr import FinalizeCompute
    from dask.base import collections_to_expr

    def optimised(values) -> dict:  # what dask.compute runs: one optimisation of all
        return FinalizeCompute(collections_to_expr(values)).optimize().__dask_graph__()

    x, y, w, b = data(rows)
    dx = da.from_array(x, chunks=(chunk_rows, FEATURES)).persist()
    dy = da.from_array(y, chunks=chunk_rows).persist()
    tw, tb = tf.Variable(w), tf.Variable(b)
    tx, ty = tf.constant(dx), tf.constant(dy)
    graphs = {
        "tapeflow on Dask": lambda: [t._value for t in tapeflow_graph(tx, ty, tw, tb)],
        "dask.array by hand": lambda: dask_graph(dx, dy, w, b),
    }
    print(f"\n{rows:,} rows, chunks of {chunk_rows:,}:")
    print("| method | layers | tasks | after optimisation | build | optimise | compute |")
    # "compute" is dask.compute on the synchronous scheduler, which optimises again.
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, graph in graphs.items():
        times = {"build": [], "optimise": [], "compute": []}
        for _ in range(repeats):
            start = time.perf_counter()
            values = graph()
            built = time.perf_counter()
            graph_run = optimised(values)
            done = time.perf_counter()
            dask.compute(*values, scheduler="synchronous")
            times["build"].append(built - start)
            times["optimise"].append(done - built)
            times["compute"].append(time.perf_counter() - done)
        layers = set().union(*(v.__dask_graph__().layers for v in values))
        tasks = len(collections_to_expr(values, optimize_graph=False).__dask_graph__())
        ms = {k: f"{min(v) * 1e3:.1f} ms" for k, v in times.items()}
        print(
            f"| {name} | {len(layers)} | {tasks} | {len(graph_run)} | {ms['build']} | "
            f"{ms['optimise']} | {ms['compute']} |"
        )


def best_time(fn, budget: float) -> float:
    fn()  # warm-up
    times = []
    end = time.perf_counter() + budget
    while not times or (time.perf_counter() < end and len(times) < 100):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def methods(rows: int, chunk_rows: int) -> dict:
    x, y, w, b = data(rows)
    dx = da.from_array(x, chunks=(chunk_rows, FEATURES)).persist()
    dy = da.from_array(y, chunks=chunk_rows).persist()
    tw, tb = tf.Variable(w), tf.Variable(b)
    on_dask = (tf.constant(dx), tf.constant(dy))
    on_numpy = (tf.constant(x), tf.constant(y))
    return {
        "tapeflow on Dask": lambda: tapeflow_step(*on_dask, tw, tb),
        "dask.array by hand": lambda: dask_step(dx, dy, w, b),
        "dask.array by hand, x @ w[:, None]": lambda: dask_step(dx, dy, w, b, column=True),
        "tapeflow on NumPy": lambda: tapeflow_step(*on_numpy, tw, tb),
    }


def check(runs: dict) -> None:
    results = {name: fn() for name, fn in runs.items()}
    reference = results["tapeflow on NumPy"]
    for name, values in results.items():
        for got, expected in zip(values, reference):
            np.testing.assert_allclose(got, expected, rtol=2e-4, atol=1e-6, err_msg=name)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[200_000, 2_000_000])
    parser.add_argument("--chunk-rows", type=int, default=100_000)
    parser.add_argument("--budget", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--breakdown", action="store_true", help="also time building, optimising, computing"
    )
    args = parser.parse_args(argv)
    print(f"dask {dask.__version__}, numpy {np.__version__}, {FEATURES} float32 features")
    print("| rows | method | time per step | time / dask.array by hand |")
    print("| --- | --- | --- | --- |")
    for rows in args.rows:
        runs = methods(rows, args.chunk_rows)
        check(runs)
        per_round = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, fn in runs.items():
                per_round[name].append(best_time(fn, args.budget))
        medians = {name: statistics.median(ts) for name, ts in per_round.items()}
        for name, t in medians.items():
            ratio = t / medians["dask.array by hand"]
            print(f"| {rows:,} | {name} | {t * 1e3:.1f} ms | {ratio:.2f} |")
        rounds = "; ".join(
            f"{name}: " + ", ".join(f"{t * 1e3:.1f}" for t in ts) for name, ts in per_round.items()
        )
        print(f"<!-- {rows:,} rows, per round (ms): {rounds} -->")
    if args.breakdown:
        for rows in args.rows:
            breakdown(rows, args.chunk_rows)


if __name__ == "__main__":
    main()
