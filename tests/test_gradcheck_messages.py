"""A failed gradient check says what failed: the op, the case, the order and both values.

Each test feeds the checkers a deliberately wrong rule (a custom gradient, or a fake op whose
JVP rule is off by a factor) and reads the AssertionError: its first line must name the op,
the case and the order, and the analytic and numeric values it prints must be the ones the
wrong and the right rule give.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from gradcheck import check_first_order, check_second_order
from registry_cases import CASES, case_label, check_jvp_matches_vjp

import tapeflow as tf
from tapeflow.ops.samples import Case

X = np.array([0.5, -1.0, 2.0])
LABEL = "Square case 1 (wrong rule)"


@tf.custom_gradient
def square_with_wrong_gradient(x):
    def grad(upstream):
        return upstream * 3.0 * x  # d(x^2)/dx is 2x

    return x * x, grad


@tf.custom_gradient
def square_with_constant_gradient(x):
    def grad(upstream):
        return upstream * 2.0 * tf.stop_gradient(x)  # right value, but its derivative is 0

    return x * x, grad


def _value(message: str, name: str) -> float:
    match = re.search(rf"^  {re.escape(name)}: (\S+)$", message, re.MULTILINE)
    assert match, f"no {name!r} line in:\n{message}"
    return float(match.group(1))


def test_first_order_failure_names_op_case_order_and_both_values():
    with pytest.raises(AssertionError) as info:
        check_first_order(
            square_with_wrong_gradient, [X], [0], np.random.default_rng(0), label=LABEL
        )
    message = str(info.value)
    assert message.splitlines()[0] == "Square case 1 (wrong rule) first-order VJP check failed"
    # check_first_order draws the output direction u, then the input direction v.
    rng = np.random.default_rng(0)
    u, v = rng.standard_normal(X.shape), rng.standard_normal(X.shape)
    analytic = _value(message, "analytic <J^T u, v> (tape)")
    numeric = _value(message, "numeric <u, J v> (central differences)")
    np.testing.assert_allclose(analytic, np.sum(u * 3.0 * X * v), rtol=1e-12)
    np.testing.assert_allclose(numeric, np.sum(u * 2.0 * X * v), rtol=1e-6)
    # The tolerance is the checker's own (RTOL, ATOL), reported by NumPy.
    assert "Not equal to tolerance rtol=1e-05, atol=1e-06" in message


def test_second_order_failure_names_the_order():
    # The first derivative is right, so only the second-order check fails.
    check_first_order(
        square_with_constant_gradient, [X], [0], np.random.default_rng(0), label=LABEL
    )
    with pytest.raises(AssertionError) as info:
        check_second_order(
            square_with_constant_gradient, [X], [0], np.random.default_rng(0), label=LABEL
        )
    message = str(info.value)
    assert message.splitlines()[0] == "Square case 1 (wrong rule) second-order VJP check failed"
    # The second-order check differentiates x -> <w, 2x> (w drawn first) along u2 and v.
    rng = np.random.default_rng(0)
    w = rng.standard_normal(X.shape)
    u2, v = rng.standard_normal(X.shape), rng.standard_normal(X.shape)
    assert _value(message, "analytic <J^T u, v> (tape)") == 0.0
    numeric = _value(message, "numeric <u, J v> (central differences)")
    np.testing.assert_allclose(numeric, np.sum(u2 * 2.0 * w * v), rtol=1e-6)


class SinWithDoubledJvp:
    """A fake op: tf.sin forward and VJP, and a JVP rule that is twice too large."""

    type = "Sin"

    def __call__(self, x):
        return tf.sin(x)

    def jvp_rule(self, tangents, out, x):
        return tangents[0] * 2.0 * tf.cos(x)


def test_jvp_vjp_failure_names_op_case_and_both_values():
    case = Case([X])
    label = case_label("Sin", 0, case)
    with pytest.raises(AssertionError) as info:
        check_jvp_matches_vjp(SinWithDoubledJvp(), case, label=label)
    message = str(info.value)
    assert message.splitlines()[0] == "Sin case 0 JVP/VJP consistency check failed"
    # check_jvp_matches_vjp draws u (per output) then v (per differentiated input).
    rng = np.random.default_rng(3)
    u, v = rng.standard_normal(X.shape), rng.standard_normal(X.shape)
    right = np.sum(u * np.cos(X) * v)
    np.testing.assert_allclose(_value(message, "<u, J v> (JVP rule)"), 2 * right, rtol=1e-12)
    np.testing.assert_allclose(_value(message, "<J^T u, v> (VJP rule)"), right, rtol=1e-12)


def test_case_label_gives_op_index_and_attributes():
    assert case_label("Sum", 2, Case([X], {"axes": (0, 1)})) == "Sum case 2 (axes=(0, 1))"
    two = Case([X], {"axes": (1,), "keepdims": True})
    assert case_label("Sum", 4, two) == "Sum case 4 (axes=(1,), keepdims=True)"
    assert case_label("Sin", 0, Case([X])) == "Sin case 0"


def test_registry_case_labels_agree_with_test_ids():
    for param in CASES:
        name, index = param.id.rsplit("-", 1)
        op, case, label = param.values
        assert label == case_label(name, int(index), case)
        assert op.type == name
