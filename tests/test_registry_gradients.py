"""Gradient tests generated from the op registry: every op, every sample case.

For each differentiable op: first- and second-order checks against central
differences in float64, JVP/VJP consistency, and batch polymorphism of both
rules (a batch of cotangents/tangents gives the stack of single results). For
each op of several inputs: its JVP rule given None (a symbolic zero) for some
inputs' tangents gives what it gives with zeros for them.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import check_first_order, check_second_order
from registry_cases import (
    CASES,
    case_fn,
    check_batch_polymorphic,
    check_jvp_matches_vjp,
    check_jvp_none_is_zeros,
    diff_inputs,
    tangent_inputs,
)

import tapeflow as tf
from tapeflow._core.registry import REGISTRY, load_all
from tapeflow.ops.samples import Case

load_all()  # every op family: this module goes through the whole registry


def test_registry_is_complete():
    """Every differentiable op has both rules and a test recipe (or says why not)."""
    problems = []
    for name, op in sorted(REGISTRY.items()):
        if not op.differentiable:
            continue
        if op.vjp_rule is None:
            problems.append(f"{name}: no VJP")
        if op.jvp_rule is None:
            problems.append(f"{name}: no JVP")
        if op.sample is None and not op.no_sample:
            problems.append(f"{name}: no sample and no reason")
    assert not problems, problems


@pytest.mark.parametrize("op, case, label", CASES)
def test_first_order(op, case, label):
    fn, diff = case_fn(op, case), diff_inputs(case)
    check_first_order(fn, case.inputs, diff, np.random.default_rng(1), label=label)


@pytest.mark.parametrize("op, case, label", CASES)
def test_second_order(op, case, label):
    fn, diff = case_fn(op, case), diff_inputs(case)
    check_second_order(fn, case.inputs, diff, np.random.default_rng(2), label=label)


@pytest.mark.parametrize("op, case, label", CASES)
def test_jvp_matches_vjp(op, case, label):
    check_jvp_matches_vjp(op, case, label=label)


@pytest.mark.parametrize("op, case, label", CASES)
def test_rules_are_batch_polymorphic(op, case, label):
    check_batch_polymorphic(op, case, label=label)


def _complex_cases():
    """Hand-built cases for JVP paths no registry sample reaches: the Complex op (it has no
    sample) and the complex branches of rules, on a broadcasting pair of shapes."""
    rng = np.random.default_rng(6)

    def z(*shape):
        return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)

    built = [
        ("Complex", [rng.standard_normal((2, 1)), rng.standard_normal((1, 3))]),
        ("TanhGrad", [0.5 * z(2, 3), z(3)]),
        ("SigmoidGrad", [0.5 * z(2, 3), z(3)]),
        ("SquaredDifference", [z(2, 1), z(1, 3)]),
        ("Mul", [z(2, 3), z(3)]),
        ("RealDiv", [z(2, 1), 1.0 + z(1, 3)]),
    ]
    for i, (name, inputs) in enumerate(built):
        yield pytest.param(REGISTRY[name], Case(inputs), f"{name} complex case {i}", id=name)


# Cases where at least two inputs carry tangents: only there can a rule see None beside one.
MULTI_INPUT_CASES = [p for p in CASES if len(tangent_inputs(p.values[1])) >= 2]


@pytest.mark.parametrize("op, case, label", MULTI_INPUT_CASES + list(_complex_cases()))
def test_jvp_none_is_zeros(op, case, label):
    check_jvp_none_is_zeros(op, case, label=label)


def test_accumulator_tangents_where_only_an_input_without_effect_moves():
    """With None for the input that matters, a rule still returns zeros (TF's accumulator
    gives zeros, not None), and a lone term of a broadcasting op has the output's shape."""
    a, x = tf.constant([1.0, 2.0]), tf.constant([0.5, 1.5])
    with tf.autodiff.ForwardAccumulator(a, tf.constant([1.0, 1.0])) as acc:
        y = tf.math.polygamma(a, x)
    # Observed on TF 2.21 (the zeros signed as zeros * polygamma(a + 1, x)):
    assert repr(acc.jvp(y)) == (
        "<tf.Tensor: shape=(2,), dtype=float32, numpy=array([-0.,  0.], dtype=float32)>"
    )
    x = tf.constant([-1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 1.0])) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.nn.relu(x)
        g = tape.gradient(y, x)  # ReluGrad(ones, x): flat in x
    # Observed on TF 2.21:
    assert repr(acc.jvp(g)) == (
        "<tf.Tensor: shape=(2,), dtype=float32, numpy=array([0., 0.], dtype=float32)>"
    )
    x, y = tf.constant([[1.0], [2.0]]), tf.constant([1.0, 2.0, 3.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([[1.0], [-1.0]])) as acc:
        z = tf.maximum(x, y)
        s = x + y
    # Observed on TF 2.21:
    assert repr(acc.jvp(z)) == (
        "<tf.Tensor: shape=(2, 3), dtype=float32, numpy=\n"
        "array([[ 1.,  0.,  0.],\n"
        "       [-1., -1.,  0.]], dtype=float32)>"
    )
    np.testing.assert_array_equal(acc.jvp(s).numpy(), [[1.0, 1.0, 1.0], [-1.0, -1.0, -1.0]])
