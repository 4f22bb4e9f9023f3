"""Numerical gradient checks in the style of HIPS autograd's `check_grads`.

One random input direction `v` and one random output direction `u` make every
check a scalar comparison, cheap at any size: the VJP gives <J^T u, v>, the
JVP gives <u, J v>, and central differences give <u, (f(x+ev) - f(x-ev)) / 2e>.
Second order applies the same check to the function x -> <grad f(x), w>,
computed through a nested tape.

A failed check raises an AssertionError whose first line names what was checked (the
caller's `label`, e.g. "Sum case 2 (axes=(0, 1))"), the order and the kind of check, and
whose next lines give both values (autograd's `check_vjp` does the same).
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


def _format(value) -> str:
    array = np.asarray(value)
    if array.ndim == 0:
        return repr(array.item())
    return "\n" + np.array2string(array, separator=", ", threshold=64, max_line_width=96)


def assert_close(
    actual, desired, *, rtol: float, atol: float, failure: str, names: tuple[str, str]
) -> None:
    """`np.testing.assert_allclose(actual, desired, rtol=rtol, atol=atol)`, whose error starts
    with `failure` (one line saying what failed) and then both values, labelled by `names`."""
    try:
        np.testing.assert_allclose(actual, desired, rtol=rtol, atol=atol)
    except AssertionError as e:
        values = "\n".join(
            f"  {name}: {_format(value)}" for name, value in zip(names, (actual, desired))
        )
        raise AssertionError(f"{failure}\n{values}\n{str(e).strip()}") from None


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


def _vjp(fn, xs: list, diff: list, u: list, unconnected=tf.UnconnectedGradients.NONE) -> list:
    """The gradients of <u, fn(*xs)> with respect to `xs[i]` for i in `diff`, from one tape."""
    with tf.GradientTape() as tape:
        for i in diff:
            tape.watch(xs[i])
        outs = _flat_outputs(fn(*xs))
    return tape.gradient(
        outs,
        [xs[i] for i in diff],
        output_gradients=[tf.constant(ui, dtype=o.dtype) for o, ui in zip(outs, u)],
        unconnected_gradients=unconnected,
    )


def vjp_directional(fn, arrays: list, diff: list, v: list, u: list, check: str = "VJP") -> float:
    """<J^T u, v> from the tape (`check` names the check in a shape or dtype failure)."""
    xs = [tf.constant(a) for a in arrays]
    total = 0.0
    for i, g in zip(diff, _vjp(fn, xs, diff, u)):
        if g is not None:
            assert g.shape == xs[i].shape, (
                f"{check} failed: gradient shape {g.shape} != input shape {xs[i].shape}"
            )
            assert g.dtype == xs[i].dtype, (
                f"{check} failed: gradient dtype {g.dtype} != input dtype {xs[i].dtype}"
            )
            total += float(np.sum(g.numpy() * v[i]))
    return total


def _check(fn, arrays: list, diff: list, rng, check: str) -> None:
    """<J^T u, v> from the tape equals <u, J v> from central differences."""
    outs = _flat_outputs(fn(*[tf.constant(a) for a in arrays]))
    u = [random_like(rng, o.numpy()) for o in outs]
    v = [random_like(rng, a) for a in arrays]
    analytic = vjp_directional(fn, arrays, diff, v, u, check)
    numeric = numeric_directional(fn, arrays, diff, v, u)
    assert_close(
        analytic,
        numeric,
        rtol=RTOL,
        atol=ATOL,
        failure=f"{check} failed",
        names=("analytic <J^T u, v> (tape)", "numeric <u, J v> (central differences)"),
    )


def check_first_order(fn, arrays: list, diff: list, rng, *, label: str) -> None:
    """The tape's VJP of `fn` at `arrays` matches central differences (inputs in `diff` move).

    `label` names the function and the case ("Sum case 2 (axes=(0, 1))") in a failure.
    """
    _check(fn, arrays, diff, rng, f"{label} first-order VJP check")


def gradient_fn(fn, diff: list, u: list):
    """x -> list of <u, fn>-gradients w.r.t. the inputs in `diff` (built with a tape)."""

    def grad(*xs):
        return _vjp(fn, list(xs), diff, u, unconnected=tf.UnconnectedGradients.ZERO)

    return grad


def check_second_order(fn, arrays: list, diff: list, rng, *, label: str) -> None:
    """`check_first_order` applied to x -> <u, fn>-gradients, for a random `u`."""
    outs = _flat_outputs(fn(*[tf.constant(a) for a in arrays]))
    u = [random_like(rng, o.numpy()) for o in outs]
    grad = gradient_fn(fn, diff, u)
    _check(grad, arrays, diff, rng, f"{label} second-order VJP check")
