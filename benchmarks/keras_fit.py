"""Issue 10's training-stack workload: an MLP 64-128-10 on scikit-learn's digits (1,797
samples, batch 32 = 57 steps an epoch), Adam(1e-3), sparse categorical cross-entropy from
logits, timed per epoch for

- `fit`: `model.fit(verbose=0)` (TF compiles the step into a graph; tapeflow traces and
  replays it),
- `tf.function loop`: a custom loop over a shuffled, batched `tf.data.Dataset` whose step is
  a plain `@tf.function` (both libraries trace it once and then run the trace),
- `eager loop`: the same loop with the step run eagerly,

for tapeflow (this checkout's src/), real tf.keras (`--tf-python`, an interpreter with
TensorFlow; single-threaded as in the spec), PyTorch (`--torch-python`: the same MLP as an
`nn.Sequential`, Adam(eps=1e-7), cross-entropy, an eager loop over shuffled index batches) and
the same step written by hand in NumPy.
Each (library, workload) runs in a fresh process; the table gives the median epoch time of
epochs 2..N (the first epoch traces) and, in brackets, the first epoch.

Run:  python benchmarks/keras_fit.py [--epochs 10] [--tf-python PY] [--torch-python PY]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]

CHILD = r'''
import os, sys, time, json
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"
os.environ["TF_NUM_INTRAOP_THREADS"] = "1"; os.environ["TF_NUM_INTEROP_THREADS"] = "1"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
lib, workload, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
import numpy as np
from sklearn.datasets import load_digits
X, y = load_digits(return_X_y=True); X = (X / 16.0).astype("float32"); y = y.astype("int64")
times = []
if lib == "numpy":
    rng = np.random.default_rng(0)
    def glorot(i, o):
        l = np.sqrt(6 / (i + o)); return rng.uniform(-l, l, (i, o)).astype("float32")
    P = [glorot(64, 128), np.zeros(128, "float32"), glorot(128, 10), np.zeros(10, "float32")]
    M = [np.zeros_like(p) for p in P]; V = [np.zeros_like(p) for p in P]; t = 0
    lr, b1, b2, eps = np.float32(1e-3), np.float32(0.9), np.float32(0.999), np.float32(1e-7)
    for ep in range(epochs):
        t0 = time.perf_counter(); idx = rng.permutation(len(X))
        for i in range(0, len(X), 32):
            j = idx[i:i + 32]; xb, yb = X[j], y[j]
            W1, c1, W2, c2 = P
            h = xb @ W1 + c1; a = np.maximum(h, 0); z = a @ W2 + c2
            z = z - z.max(1, keepdims=True); e = np.exp(z); s = e / e.sum(1, keepdims=True)
            n = len(yb); loss = -np.log(s[np.arange(n), yb]).mean()
            dz = s; dz[np.arange(n), yb] -= 1; dz /= n
            gW2 = a.T @ dz; gc2 = dz.sum(0); da = dz @ W2.T; dh = da * (h > 0)
            gW1 = xb.T @ dh; gc1 = dh.sum(0)
            t += 1; alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
            for p, g, m, v in zip(P, (gW1, gc1, gW2, gc2), M, V):
                m += (1 - b1) * (g - m); v += (1 - b2) * (g * g - v)
                p -= alpha * m / (np.sqrt(v) + eps)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"times": times, "loss": float(loss)})); sys.exit()
if lib == "torch":
    import torch
    torch.set_num_threads(1); torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    for ep in range(epochs):
        t0 = time.perf_counter(); idx = torch.randperm(len(Xt))
        for i in range(0, len(Xt), 32):
            j = idx[i:i + 32]
            opt.zero_grad()
            loss = loss_fn(net(Xt[j]), yt[j])
            loss.backward()
            opt.step()
        loss = float(loss)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"times": times, "loss": loss})); sys.exit()
if lib == "tapeflow":
    import tapeflow as tf
    keras = tf.keras
    jit = {}  # plain tf.function traces and replays, as TF's does
else:
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras
    jit = {}
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(128, activation="relu"),
                          keras.layers.Dense(10)])
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
if workload == "fit":
    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t0 = time.perf_counter()
        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.t0)
    model.compile(optimizer="adam", loss=loss_fn)
    h = model.fit(X, y, batch_size=32, epochs=epochs, verbose=0, callbacks=[Timer()])
    loss = h.history["loss"][-1]
else:
    opt = keras.optimizers.Adam(1e-3)
    ds = tf.data.Dataset.from_tensor_slices((X, y)).shuffle(2048, seed=0).batch(32)
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss
    if workload == "function":
        step = tf.function(step, **jit)
    for ep in range(epochs):
        t0 = time.perf_counter()
        for xb, yb in ds:
            loss = step(xb, yb)
        loss = float(loss)
        times.append(time.perf_counter() - t0)
print(json.dumps({"times": times, "loss": float(loss)}))
'''

WORKLOADS = [("fit", "model.fit(verbose=0)"), ("function", "custom loop, tf.function step"),
             ("eager", "custom loop, eager step")]  # fmt: skip


def run(python, lib, workload, epochs):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PYTHONHASHSEED="0")
    out = subprocess.run(
        [python, "-c", CHILD, lib, workload, str(epochs)],
        capture_output=True, text=True, env=env, timeout=3600,
    )  # fmt: skip
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def fmt(result):
    if result is None:
        return "—"
    if "error" in result:
        return f"error: {result['error'][:40]}"
    times = result["times"]
    return f"{statistics.median(times[1:]) * 1000:.1f} ms ({times[0] * 1000:.0f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--tf-python", default=None, help="an interpreter with TensorFlow")
    parser.add_argument("--torch-python", default=None, help="an interpreter with PyTorch")
    args = parser.parse_args()
    results = {}
    started = time.time()
    for workload, _ in WORKLOADS:
        results[("tapeflow", workload)] = run(sys.executable, "tapeflow", workload, args.epochs)
        if args.tf_python:
            results[("tf.keras", workload)] = run(args.tf_python, "tf", workload, args.epochs)
    if args.torch_python:
        results[("torch", "eager")] = run(args.torch_python, "torch", "eager", args.epochs)
    results[("numpy", "by hand")] = run(sys.executable, "numpy", "fit", args.epochs)
    numpy_ms = statistics.median(results[("numpy", "by hand")]["times"][1:]) * 1000
    print(f"MLP 64-128-10 on digits, batch 32 (57 steps/epoch), Adam; {args.epochs} epochs; "
          "median epoch ms over epochs 2..N (first epoch in brackets)\n")  # fmt: skip
    print("| workload | tapeflow | tf.keras | tapeflow / tf.keras | tapeflow / NumPy |")
    print("|---|---|---|---|---|")
    for workload, label in WORKLOADS:
        ours = results[("tapeflow", workload)]
        theirs = results.get(("tf.keras", workload))
        ratio = vs_numpy = "—"
        if ours and "times" in ours:
            ours_ms = statistics.median(ours["times"][1:]) * 1000
            vs_numpy = f"{ours_ms / numpy_ms:.1f}x"
            if theirs and "times" in theirs:
                ratio = f"{ours_ms / (statistics.median(theirs['times'][1:]) * 1000):.3f}"
        print(f"| {label} | {fmt(ours)} | {fmt(theirs)} | {ratio} | {vs_numpy} |")
    torch_result = results.get(("torch", "eager"))
    if torch_result:
        vs_numpy = "—"
        if "times" in torch_result:
            vs_numpy = f"{statistics.median(torch_result['times'][1:]) * 1000 / numpy_ms:.1f}x"
        print(f"| PyTorch eager loop (nn.Module, Adam) | {fmt(torch_result)} | | | {vs_numpy} |")
    print(f"| NumPy by hand (fwd+bwd+Adam) | {fmt(results[('numpy', 'by hand')])} | | | 1.0x |")
    print(f"\n(took {time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
