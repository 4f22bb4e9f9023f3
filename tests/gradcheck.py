"""Numerical gradient checks in the style of HIPS autograd's `check_grads`.

One random input direction `v` and one random output direction `u` make every
check a scalar comparison, cheap at any size: the VJP gives <J^T u, v>, the
JVP gives <u, J v>, and central differences give <u, (f(x+ev) - f(x-ev)) / 2e>.
Second order applies the same check to the function x -> <grad f(x), w>,
computed through a nested tape.
"""

from __future__ import annotations

import numpy as np

import tapeflow as tf

EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-6


def _flat_outputs(out) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _inner(a, b) -> float:
    return float(np.real(np.vdot(np.asarray(a, dtype=np.complex128), np.asarray(b))))


def project(fn, inputs: list, diff: list, directions: list, u: list) -> float:
    """<u, fn(inputs + eps * v)> style scalar evaluated in float64 NumPy."""
    outs = _flat_outputs(fn(*inputs))
    return sum(
        float(np.sum(np.asarray(o.numpy(), dtype=np.float64) * ui)) for o, ui in zip(outs, u)
    )


def numeric_directional(fn, arrays: list, diff: list, v: list, u: list) -> float:
    """Central difference of <u, fn(x)> along direction v (only inputs in `diff` move)."""

    def at(sign: float) -> float:
        moved = [
            tf.constant(a + sign * EPS * v[i]) if i in diff else tf.constant(a)
            for i, a in enumerate(arrays)
        ]
        return project(fn, moved, diff, v, u)

    return (at(1.0) - at(-1.0)) / (2 * EPS)


def random_like(rng, array) -> np.ndarray:
    return rng.standard_normal(np.shape(array))


def vjp_directional(fn, arrays: list, diff: list, v: list, u: list) -> float:
    """<J^T u, v> from the tape."""
    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        for i in diff:
            tape.watch(xs[i])
        outs = _flat_outputs(fn(*xs))
    grads = tape.gradient(
        outs,
        [xs[i] for i in diff],
        output_gradients=[tf.constant(ui, dtype=o.dtype) for o, ui in zip(outs, u)],
    )
    total = 0.0
    for i, g in zip(diff, grads):
        if g is not None:
            assert g.shape == xs[i].shape, f"gradient shape {g.shape} != input shape {xs[i].shape}"
            assert g.dtype == xs[i].dtype, f"gradient dtype {g.dtype} != input dtype {xs[i].dtype}"
            total += float(np.sum(g.numpy() * v[i]))
    return total


def check_first_order(fn, arrays: list, diff: list, rng) -> None:
    outs = _flat_outputs(fn(*[tf.constant(a) for a in arrays]))
    u = [random_like(rng, o.numpy()) for o in outs]
    v = [random_like(rng, a) for a in arrays]
    analytic = vjp_directional(fn, arrays, diff, v, u)
    numeric = numeric_directional(fn, arrays, diff, v, u)
    np.testing.assert_allclose(analytic, numeric, rtol=RTOL, atol=ATOL)


def gradient_fn(fn, diff: list, u: list):
    """x -> list of <u, fn>-gradients w.r.t. the inputs in `diff` (built with a tape)."""

    def grad(*xs):
        with tf.GradientTape() as tape:
            for i in diff:
                tape.watch(xs[i])
            outs = _flat_outputs(fn(*xs))
        grads = tape.gradient(
            outs,
            [xs[i] for i in diff],
            output_gradients=[tf.constant(ui, dtype=o.dtype) for o, ui in zip(outs, u)],
            unconnected_gradients=tf.UnconnectedGradients.ZERO,
        )
        return grads

    return grad


def check_second_order(fn, arrays: list, diff: list, rng) -> None:
    outs = _flat_outputs(fn(*[tf.constant(a) for a in arrays]))
    u = [random_like(rng, o.numpy()) for o in outs]
    grad = gradient_fn(fn, diff, u)
    check_first_order(grad, arrays, diff, rng)
