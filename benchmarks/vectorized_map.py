"""Per-example gradients of a small MLP: tf.vectorized_map against the loops and JAX.

    python benchmarks/vectorized_map.py [--jax-python /work/jaxvenv/bin/python] [--budget 1]
        [--rounds 5]

The workload (issue 11): an MLP 64 -> 128 (tanh) -> 10 with a softmax cross-entropy loss,
and the gradient of each of 256 examples' loss with respect to all four weights. Four ways,
in one run, each timed as the minimum over repeats within a time budget, in rounds that
alternate tapeflow and JAX (the table: medians over rounds; one thread everywhere,
benchmarks/env.py):
  - a Python loop over the examples, one GradientTape each;
  - tf.map_fn of the per-example function;
  - tf.vectorized_map of it (the trace-and-batch replay);
  - jax.jit(jax.vmap(jax.grad(loss))), in a child process of a separate venv with JAX
    (skipped, and said so, when that interpreter is missing).
All four results are checked against each other before timing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import env  # noqa: E402,F401,I001  (pins threads before NumPy loads)
import numpy as np  # noqa: E402

BATCH, FEATURES, HIDDEN, CLASSES = 256, 64, 128, 10


def data():
    rng = np.random.default_rng(0)
    params = [
        rng.normal(0, 0.1, (FEATURES, HIDDEN)).astype(np.float32),
        np.zeros(HIDDEN, np.float32),
        rng.normal(0, 0.1, (HIDDEN, CLASSES)).astype(np.float32),
        np.zeros(CLASSES, np.float32),
    ]
    x = rng.normal(size=(BATCH, FEATURES)).astype(np.float32)
    y = rng.integers(0, CLASSES, BATCH).astype(np.int32)
    return params, x, y


def best_time(fn, budget: float) -> float:
    fn()  # warm-up
    times = []
    end = time.perf_counter() + budget
    while not times or (time.perf_counter() < end and len(times) < 200):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def tapeflow_runs(budget: float) -> tuple[dict, list]:
    import tapeflow as tf

    params, x, y = data()
    w1, b1, w2, b2 = [tf.Variable(p) for p in params]
    xs, ys = tf.constant(x), tf.constant(y)

    def per_example(arg):
        xi, yi = arg
        with tf.GradientTape() as tape:
            h = tf.tanh(tf.matmul(xi[None], w1) + b1)
            logits = tf.matmul(h, w2) + b2
            loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(yi[None], logits))
        return tape.gradient(loss, [w1, b1, w2, b2])

    def python_loop():
        rows = [per_example((xs[i], ys[i])) for i in range(BATCH)]
        return [tf.stack([r[k] for r in rows]) for k in range(4)]

    def map_fn():
        return tf.map_fn(per_example, (xs, ys), fn_output_signature=[tf.float32] * 4)

    def vectorized():
        return tf.vectorized_map(per_example, (xs, ys))

    results = {name: f() for name, f in [("loop", python_loop), ("vmap", vectorized)]}
    results["map_fn"] = map_fn()
    for name in ("map_fn", "vmap"):
        for a, b in zip(results[name], results["loop"]):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
    times = {
        "Python loop (tapeflow)": best_time(python_loop, budget),
        "tf.map_fn (tapeflow)": best_time(map_fn, budget),
        "tf.vectorized_map (tapeflow)": best_time(vectorized, budget),
    }
    return times, [g.numpy() for g in results["vmap"]]


JAX_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import env  # one thread, as the parent
import numpy as np
import jax, jax.numpy as jnp
from vectorized_map import data, best_time

params, x, y = data()

def loss(params, xi, yi):
    w1, b1, w2, b2 = params
    h = jnp.tanh(xi @ w1 + b1)
    logits = h @ w2 + b2
    return -jax.nn.log_softmax(logits)[yi]

per_example = jax.jit(jax.vmap(jax.grad(loss), in_axes=(None, 0, 0)))
params = [jnp.asarray(p) for p in params]
xs, ys = jnp.asarray(x), jnp.asarray(y)
run = lambda: jax.block_until_ready(per_example(params, xs, ys))
grads = [np.asarray(g).tolist() for g in run()]
print(json.dumps({"time": best_time(run, float(sys.argv[2])), "grads": grads,
                  "version": jax.__version__}))
"""


def jax_run(python: str, budget: float):
    if not Path(python).exists():
        return None
    out = subprocess.run(
        [python, "-c", JAX_CHILD, str(Path(__file__).resolve().parent), str(budget)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jax-python", default="/work/jaxvenv/bin/python")
    parser.add_argument("--budget", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    # On a shared machine the time of day moves every method's time more than the methods
    # differ, so rounds alternate tapeflow and JAX and the table gives medians over rounds.
    rounds: dict = {}
    jax_version = None
    for _ in range(args.rounds):
        times, grads = tapeflow_runs(args.budget)
        jax_result = jax_run(args.jax_python, args.budget)
        if jax_result is not None:
            for a, b in zip(grads, jax_result["grads"]):
                np.testing.assert_allclose(a, np.asarray(b, np.float32), rtol=1e-4, atol=1e-5)
            jax_version = jax_result["version"]
            times[f"jax.jit(jax.vmap(jax.grad)) (JAX {jax_version})"] = jax_result["time"]
        for name, t in times.items():
            rounds.setdefault(name, []).append(t)
    medians = {name: statistics.median(ts) for name, ts in rounds.items()}
    vmap = medians["tf.vectorized_map (tapeflow)"]
    print(f"Per-example gradients, MLP {FEATURES}-{HIDDEN}-{CLASSES}, batch {BATCH}, one thread")
    print(f"(median over {args.rounds} alternating rounds of each method's best time)")
    print()
    print("| method | time | time / vectorized_map |")
    print("| --- | --- | --- |")
    for name, t in medians.items():
        print(f"| {name} | {t * 1e3:.2f} ms | {t / vmap:.2f} |")
    print("\nper round (ms):")
    for name, ts in rounds.items():
        print(f"  {name}: " + ", ".join(f"{t * 1e3:.2f}" for t in ts))
    if jax_version is None:
        print(f"\nJAX not run: no interpreter at {args.jax_python}")


if __name__ == "__main__":
    main()
