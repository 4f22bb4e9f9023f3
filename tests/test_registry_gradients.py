"""Gradient tests generated from the op registry: every op, every sample case.

For each differentiable op: first- and second-order checks against central
differences in float64, JVP/VJP consistency, and batch polymorphism of both
rules (a batch of cotangents/tangents gives the stack of single results).
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
    diff_inputs,
)

from tapeflow._core.registry import REGISTRY


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
