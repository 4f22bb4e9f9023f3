"""Jacobians and forward mode, generated from the op registry for every op.

- `GradientTape.jacobian` vectorised (one batched backward pass) equals the
  per-element loop (`experimental_use_pfor=False`).
- `ForwardAccumulator` (the JVP rules as users reach them) matches central
  differences along a random direction.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import assert_close
from registry_cases import CASES, case_fn, diff_inputs

import tapeflow as tf

EPS = 1e-6


def _float_outputs(out) -> list:
    outs = list(out) if isinstance(out, tuple) else [out]
    return [o for o in outs if o.dtype.is_floating or o.dtype.is_complex]


@pytest.mark.parametrize("op, case, label", CASES)
def test_vectorised_jacobian_matches_loop(op, case, label):
    diff = diff_inputs(case)
    xs = [tf.constant(a) for a in case.inputs]
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([xs[i] for i in diff])
        outs = _float_outputs(case_fn(op, case)(*xs))
    sources = [xs[i] for i in diff]
    for k, out in enumerate(outs):
        fast = tape.jacobian(out, sources, unconnected_gradients="zero")
        slow = tape.jacobian(
            out, sources, unconnected_gradients="zero", experimental_use_pfor=False
        )
        for i, f, s in zip(diff, fast, slow):
            failure = f"{label} vectorised Jacobian check failed (output {k}, input {i})"
            assert f.shape == s.shape, f"{failure}: shape {f.shape} != loop's {s.shape}"
            assert_close(
                f.numpy(),
                s.numpy(),
                rtol=1e-12,
                atol=1e-12,
                failure=failure,
                names=("vectorised", "loop"),
            )


@pytest.mark.parametrize("op, case, label", CASES)
def test_forward_accumulator_matches_central_differences(op, case, label):
    rng = np.random.default_rng(5)
    diff = diff_inputs(case)
    fn = case_fn(op, case)
    xs = [tf.constant(a) for a in case.inputs]
    v = {i: rng.standard_normal(np.shape(case.inputs[i])) for i in diff}
    with tf.autodiff.ForwardAccumulator(
        [xs[i] for i in diff], [tf.constant(v[i]) for i in diff]
    ) as acc:
        outs = _float_outputs(fn(*xs))
    tangents = [acc.jvp(o, unconnected_gradients="zero") for o in outs]

    def at(sign: float) -> list:
        moved = [
            tf.constant(a + sign * EPS * v[i]) if i in v else tf.constant(a)
            for i, a in enumerate(case.inputs)
        ]
        return [np.asarray(o.numpy()) for o in _float_outputs(fn(*moved))]

    numeric = [(p - m) / (2 * EPS) for p, m in zip(at(1.0), at(-1.0))]
    for k, (t, n) in enumerate(zip(tangents, numeric)):
        assert_close(
            t.numpy(),
            n,
            rtol=1e-5,
            atol=1e-6,
            failure=f"{label} first-order ForwardAccumulator check failed (output {k})",
            names=("analytic J v (JVP rules)", "numeric J v (central differences)"),
        )
