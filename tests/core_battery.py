"""Results whose bytes must not depend on which core runs (tests/test_compiled_core.py).

Run as a script, it prints a JSON object: label -> SHA-256 of the bytes (and dtypes and
shapes) of everything the label's computation returned. test_compiled_core.py runs it
once with the compiled core and once with `TAPEFLOW_PURE_PYTHON=1` and compares the two.
Labels cover every sample case of every differentiable op (forward, gradient, second
order through nested tapes, a JVP), the benchmark programs W1, W2 and W7 (shortened), an
MLP step with broadcasting and gradient sums, and a jacobian.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tapeflow as tf  # noqa: E402
from tapeflow._core.accel import compiled  # noqa: E402


def _digest(*values) -> str:
    h = hashlib.sha256()
    stack = list(values)
    while stack:
        v = stack.pop(0)
        if v is None:
            h.update(b"None")
        elif isinstance(v, (list, tuple)):
            h.update(b"[%d" % len(v))
            stack[:0] = list(v)
        else:
            a = np.asarray(v)
            h.update(f"{a.dtype}{a.shape}".encode())
            h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def _op_cases(results: dict) -> None:
    from registry_cases import CASES, diff_inputs

    for param in CASES:
        op, case, label = param.values
        xs = [tf.constant(a) for a in case.inputs]
        diff = diff_inputs(case)
        try:
            with tf.GradientTape(persistent=True) as outer:
                outer.watch([xs[i] for i in diff])
                with tf.GradientTape(persistent=True) as inner:
                    inner.watch([xs[i] for i in diff])
                    out = op(*xs, **case.attrs)
                    outs = list(out) if isinstance(out, (tuple, list)) else [out]
                    total = tf.add_n([tf.reduce_sum(o) for o in outs if o.dtype.is_floating])
                grads = inner.gradient(total, [xs[i] for i in diff])
                connected = [g for g in grads if g is not None]
                second_target = (
                    tf.add_n([tf.reduce_sum(g) for g in connected]) if connected else None
                )
            second = (
                outer.gradient(second_target, [xs[i] for i in diff])
                if second_target is not None
                else None
            )
            with tf.autodiff.ForwardAccumulator(
                [xs[i] for i in diff], [tf.ones_like(xs[i]) for i in diff]
            ) as acc:
                jout = op(*xs, **case.attrs)
            jvp = acc.jvp(jout)
            results[label] = _digest(outs, grads, second, jvp)
        except Exception as e:  # the same failure on both paths is agreement too
            results[label] = f"{type(e).__name__}: {e}"


def _programs(results: dict) -> None:
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    results["W1"] = _digest(tape.gradient(z, x))

    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x
        for _ in range(50):
            y = tf.sin(y * 1.1)
    results["W2"] = _digest(y, tape.gradient(y, x))

    v = tf.constant(np.linspace(-1, 1, 16, dtype=np.float32))
    with tf.GradientTape() as tape:
        tape.watch(v)
        y = v
        for _ in range(2000):
            y = tf.tanh(tf.sin(y * 0.9) + v)
        total = tf.reduce_sum(y)
    results["W7-2000"] = _digest(total, tape.gradient(total, v))

    rng = np.random.default_rng(0)
    w1 = tf.Variable(rng.standard_normal((8, 16)).astype(np.float32))
    b1 = tf.Variable(np.zeros(16, np.float32))
    w2 = tf.Variable(rng.standard_normal((16, 3)).astype(np.float32))
    data = tf.constant(rng.standard_normal((32, 8)).astype(np.float32))
    labels = tf.constant(rng.integers(0, 3, 32))
    for step in range(3):
        with tf.GradientTape() as tape:
            h = tf.nn.relu(data @ w1 + b1)
            logits = h @ w2
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            ) + 1e-3 * (tf.reduce_sum(w1 * w1) + tf.reduce_sum(w2 * w2))
        grads = tape.gradient(loss, [w1, b1, w2])
        for var, g in zip([w1, b1, w2], grads):
            var.assign_sub(0.1 * g)
        results[f"MLP step {step}"] = _digest(loss, grads)

    m = tf.constant(rng.standard_normal((4, 3)).astype(np.float64))
    with tf.GradientTape() as tape:
        tape.watch(m)
        out = tf.tanh(m) * m - m / (1.0 + m * m)
    results["jacobian"] = _digest(tape.jacobian(out, m))


def main() -> None:
    results = {"core": "compiled" if compiled else "pure"}
    _op_cases(results)
    _programs(results)
    json.dump(results, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
