"""Logistic regression on data that never fits in memory: tapeflow tensors backed by Dask.

The features are generated lazily, chunk by chunk, from a seed per chunk (50 million rows
of 100 float32 features: 20 GB if materialised); the labels come from a hidden weight
vector. Each step builds the loss and its gradient with an ordinary `tf.GradientTape`
on Dask-backed tensors, computes both in one pass over the data on a two-worker
`dask.distributed.LocalCluster` (127.0.0.1 only), and updates NumPy-backed weights.
No chunk is kept: every pass regenerates the chunks it reads, so memory stays at a few
chunks per worker. The script prints the loss per step, the peak memory (RSS) of every
process of the run, and checks that it stayed under 3 GB.

    pip install 'tapeflow[dask]'
    python examples/out_of_core_logistic_regression.py            # 20 GB, a few minutes
    python examples/out_of_core_logistic_regression.py --rows 200000 --steps 3   # seconds
"""

from __future__ import annotations

import argparse
import resource
import time

import dask
import dask.array as da
import numpy as np
from dask.distributed import Client, LocalCluster

import tapeflow as tf
from tapeflow.experimental import compute

PEAK_RSS_LIMIT = 3 << 30


def _chunk(block_id, rows: int, features: int, seed: int, true_w: np.ndarray):
    """One chunk of rows: features uniform in [-1, 1), labels from the hidden weights plus
    logistic noise, both drawn from a generator seeded by (seed, chunk index)."""
    rng = np.random.default_rng([seed, block_id])
    x = rng.random((rows, features), dtype=np.float32) * 2 - 1
    noise = rng.logistic(size=rows).astype(np.float32)
    y = (x @ true_w + noise > 0).astype(np.float32)
    return np.concatenate([x, y[:, None]], axis=1)


def lazy_data(rows: int, features: int, chunk_rows: int, seed: int = 0):
    """Features (rows x features) and labels (rows,) as Dask arrays that are never stored."""
    true_w = np.random.default_rng(seed).standard_normal(features).astype(np.float32)
    chunks = [min(chunk_rows, rows - start) for start in range(0, rows, chunk_rows)]
    blocks = [
        da.from_delayed(
            dask.delayed(_chunk, pure=True)(i, n, features, seed, true_w),
            shape=(n, features + 1),
            dtype=np.float32,
        )
        for i, n in enumerate(chunks)
    ]
    data = da.concatenate(blocks, axis=0)
    return data[:, :features], data[:, features], true_w


def _peak_rss() -> int:
    """This process's peak resident memory in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--chunk-rows", type=int, default=250_000)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=2.0)
    args = parser.parse_args(argv)
    gigabytes = args.rows * (args.features + 1) * 4 / 1e9
    print(f"data: {args.rows:,} rows x {args.features} features, {gigabytes:.1f} GB if stored")

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            memory_limit="1.2GB",
        ) as cluster,
        Client(cluster) as client,
    ):
        x_data, y_data, true_w = lazy_data(args.rows, args.features, args.chunk_rows)
        x, y = tf.constant(x_data), tf.constant(y_data)  # lazy: nothing is generated yet
        w = tf.Variable(tf.zeros([args.features]), name="w")
        b = tf.Variable(0.0, name="b")
        start = time.perf_counter()
        for step in range(1, args.steps + 1):
            with tf.GradientTape() as tape:
                logits = tf.linalg.matvec(x, w) + b
                losses = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits)
                loss = tf.reduce_mean(losses)
            grad_w, grad_b = tape.gradient(loss, [w, b])
            # One pass over the data for the loss and both gradients.
            loss, grad_w, grad_b = compute(loss, grad_w, grad_b)
            w.assign_sub(args.learning_rate * grad_w)
            b.assign_sub(args.learning_rate * grad_b)
            elapsed = time.perf_counter() - start
            print(f"step {step}: loss {float(loss):.4f}  ({elapsed:.1f} s)")
        cosine = float(
            np.dot(w.numpy(), true_w) / np.linalg.norm(w.numpy()) / np.linalg.norm(true_w)
        )
        print(f"cosine(learned w, hidden w) = {cosine:.3f}")
        workers = client.run(_peak_rss)
        nannies = client.run(_peak_rss, nanny=True)
    total = _peak_rss() + sum(workers.values()) + sum(nannies.values())
    print(
        f"peak RSS: {total / 2**30:.2f} GiB in all (this process {_peak_rss() / 2**30:.2f}, "
        f"workers {sum(workers.values()) / 2**30:.2f}, nannies {sum(nannies.values()) / 2**30:.2f})"
    )
    if total >= PEAK_RSS_LIMIT:
        raise SystemExit(f"peak RSS {total / 2**30:.2f} GiB is over the 3 GiB budget")


if __name__ == "__main__":
    main()
