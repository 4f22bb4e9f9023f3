"""The op registry's sample cases, and the rule checks that run on one op and one case.

Shared by the generated tests (test_registry_gradients.py, test_registry_autodiff.py,
test_tape_memory.py) and by family tests that build a case by hand for an op the registry
cannot sample (test_linalg_ops.py). Test modules import these helpers from here, never from
each other.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from gradcheck import assert_close

import tapeflow as tf
from tapeflow._core.registry import REGISTRY, load_all
from tapeflow.autodiff.forward import call_jvp

load_all()  # every op family: this module goes through the whole registry


def _cases():
    for name in sorted(REGISTRY):
        op = REGISTRY[name]
        if not op.differentiable or op.sample is None:
            continue
        for i, case in enumerate(op.sample(np.random.default_rng(0))):
            yield pytest.param(op, case, case_label(name, i, case), id=f"{name}-{i}")


def case_label(name: str, index, case) -> str:
    """What a failure message calls a case: "Sum case 2 (axes=(0, 1))"."""
    attrs = ", ".join(f"{k}={v!r}" for k, v in case.attrs.items())
    return f"{name} case {index}" + (f" ({attrs})" if attrs else "")


# Every sample case of every differentiable op, as `pytest.param(op, case, label, id="Name-i")`
# (label: `case_label`, for failure messages).
CASES = list(_cases())


def case_fn(op, case):
    """The op as a function of its inputs, with the case's attributes bound."""

    def fn(*xs):
        return op(*xs, **case.attrs)

    return fn


def diff_inputs(case) -> list:
    """Indices of the inputs a gradient check perturbs: the float inputs not marked fixed."""
    return [
        i
        for i, a in enumerate(case.inputs)
        if i not in case.fixed and np.asarray(a).dtype.kind == "f"
    ]


def _tangents(xs, diff, v, batch=(), zeros=()):
    """Tangents for a JVP rule: v for differentiated inputs, zeros (shaped batch + input
    shape) for the inputs in `zeros`, and None for the others, as the accumulator passes
    them (None for no tangent, and for integer and boolean inputs: no tangent space)."""
    out = []
    for i, x in enumerate(xs):
        if i in diff:
            out.append(tf.constant(v[i]))
        elif i in zeros:
            out.append(
                tf.constant(np.zeros(batch + tuple(x.shape.as_list()), x.dtype.as_numpy_dtype))
            )
        else:
            out.append(None)
    return out


def _tensors(case):
    return [tf.constant(a) for a in case.inputs]


def _outs(out):
    return list(out) if isinstance(out, tuple) else [out]


def check_jvp_matches_vjp(op, case, *, label: str) -> None:
    """<u, J v> from the JVP rule equals <J^T u, v> from the VJP rule."""
    rng = np.random.default_rng(3)
    xs = _tensors(case)
    diff = diff_inputs(case)
    outs = _outs(op(*xs, **case.attrs))
    u = [rng.standard_normal(o.shape.as_list()) for o in outs]
    v = {i: rng.standard_normal(xs[i].shape.as_list()) for i in diff}
    jv = _outs(op.jvp_rule(_tangents(xs, diff, v), op(*xs, **case.attrs), *xs, **case.attrs))
    left = sum(float(np.sum(ui * np.asarray(j.numpy()))) for ui, j in zip(u, jv) if j is not None)
    with tf.GradientTape() as tape:
        for i in diff:
            tape.watch(xs[i])
        outs = _outs(op(*xs, **case.attrs))
    grads = tape.gradient(
        outs, [xs[i] for i in diff], output_gradients=[tf.constant(ui) for ui in u]
    )
    right = sum(float(np.sum(g.numpy() * v[i])) for i, g in zip(diff, grads) if g is not None)
    assert_close(
        left,
        right,
        rtol=1e-7,
        atol=1e-9,
        failure=f"{label} JVP/VJP consistency check failed",
        names=("<u, J v> (JVP rule)", "<J^T u, v> (VJP rule)"),
    )


def check_batch_polymorphic(op, case, *, label: str) -> None:
    """A batch of two cotangents (tangents) gives the stack of the two single results.

    Skips the calling test when the case has no differentiable input.
    """
    from tapeflow.autodiff.walk import backward

    rng = np.random.default_rng(4)
    xs = _tensors(case)
    diff = diff_inputs(case)
    if not diff:
        pytest.skip("no differentiable input")
    with tf.GradientTape(persistent=True) as tape:
        for i in diff:
            tape.watch(xs[i])
        outs = _outs(op(*xs, **case.attrs))
    sources = [xs[i] for i in diff]
    us = [[rng.standard_normal(o.shape.as_list()) for o in outs] for _ in range(2)]
    singles = [
        backward(tape._tape.entries, outs, [tf.constant(u) for u in batch], sources) for batch in us
    ]
    batched = backward(
        tape._tape.entries,
        outs,
        [tf.constant(np.stack([us[0][k], us[1][k]])) for k in range(len(outs))],
        sources,
        batch_ndim=1,
    )
    for j, g in enumerate(batched):
        expected = [s[j] for s in singles]
        if g is None:
            assert all(e is None for e in expected), (
                f"{label} batched VJP check failed: input {diff[j]}'s batched gradient is "
                "None, its single gradients are not"
            )
            continue
        stacked = np.stack([e.numpy() for e in expected])
        assert_close(
            g.numpy(),
            stacked,
            rtol=1e-12,
            atol=1e-12,
            failure=f"{label} batched VJP check failed (input {diff[j]})",
            names=("batched", "stacked singles"),
        )

    # Forward mode: a batch of two tangents.
    vs = [{k: rng.standard_normal(xs[k].shape.as_list()) for k in diff} for _ in range(2)]
    out = op(*xs, **case.attrs)

    def jvp(tangents, batch_ndim):
        return _outs(call_jvp(op, tangents, out, tuple(xs), case.attrs, batch_ndim))

    single = [jvp(_tangents(xs, diff, v), 0) for v in vs]
    stacked = {k: np.stack([vs[0][k], vs[1][k]]) for k in diff}
    both = jvp(_tangents(xs, diff, stacked, batch=(2,)), 1)
    for k, t in enumerate(both):
        expected = np.stack([single[0][k].numpy(), single[1][k].numpy()])
        assert_close(
            t.numpy(),
            expected,
            rtol=1e-12,
            atol=1e-12,
            failure=f"{label} batched JVP check failed (output {k})",
            names=("batched", "stacked singles"),
        )


def tangent_inputs(case) -> list:
    """Indices of the inputs whose dtype carries a tangent (floating or complex), fixed or not:
    the accumulator gives any of them a tangent when one reaches it."""
    return [i for i, a in enumerate(case.inputs) if np.asarray(a).dtype.kind in "fc"]


def _random_tangent(rng, shape: tuple, dtype) -> np.ndarray:
    t = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        t = t + 1j * rng.standard_normal(shape)
    return t.astype(dtype)


def check_jvp_none_is_zeros(op, case, *, label: str) -> None:
    """Symbolic zeros: a JVP rule given None for some inputs' tangents (the accumulator's
    convention for an input without one) gives what it gives with zeros for them.

    For every subset of the tangent-carrying inputs that leaves some out (and keeps one:
    the accumulator runs no rule without a tangent), unbatched and with one batch
    dimension of 2: the same output shapes and dtypes, allclose 1e-12, and None only for
    an output that is None with zeros too (TF's accumulator gives zeros, not None, where
    an input's tangent has no effect). Needs two inputs that carry tangents.
    """
    xs = _tensors(case)
    carrying = tangent_inputs(case)
    assert len(carrying) >= 2, f"{label}: fewer than two inputs carry tangents"
    rng = np.random.default_rng(5)
    out = op(*xs, **case.attrs)
    for batch in ((), (2,)):
        v = {
            i: _random_tangent(rng, batch + tuple(xs[i].shape.as_list()), case.inputs[i].dtype)
            for i in carrying
        }

        def jvp(tangents, batch=batch):
            return _outs(call_jvp(op, tangents, out, tuple(xs), case.attrs, len(batch)))

        for size in range(1, len(carrying)):
            for given in itertools.combinations(carrying, size):
                left_out = [i for i in carrying if i not in given]
                with_none = jvp(_tangents(xs, given, v, batch))
                with_zeros = jvp(_tangents(xs, given, v, batch, zeros=left_out))
                what = (
                    f"{label} symbolic-zeros JVP check failed (tangents for inputs "
                    f"{list(given)}, None for {left_out}, batch {batch})"
                )
                for k, (n, z) in enumerate(zip(with_none, with_zeros)):
                    if z is None or n is None:
                        assert n is None and z is None, (
                            f"{what}: output {k} is {n!r} with None tangents, {z!r} with zeros"
                        )
                        continue
                    assert (n.shape, n.dtype) == (z.shape, z.dtype), (
                        f"{what}: output {k} has shape {n.shape} and dtype {n.dtype.name} with "
                        f"None tangents, shape {z.shape} and dtype {z.dtype.name} with zeros"
                    )
                    assert_close(
                        n.numpy(),
                        z.numpy(),
                        rtol=1e-12,
                        atol=1e-12,
                        failure=f"{what} (output {k})",
                        names=("with None", "with zeros"),
                    )
