"""tf.RegisterGradient and tf.no_gradient against goldens recorded from TensorFlow 2.21.

Registrations are process-wide and permanent, so each case (tools/tf_goldens/
make_register_gradient_goldens.py) runs in a fresh interpreter, as it was recorded. The
golden file also holds TF's gradient registry and op-type list, from which the op types a
user gradient reaches in tapeflow are checked.
"""

from __future__ import annotations

import pytest
from family_goldens import assert_goldens_current, check_case, load_goldens

import tapeflow as tf
from tapeflow._core.registry import REGISTRY, load_all
from tapeflow.ops import framework_ops

load_all()  # every op family: this module goes through the whole registry

GOLDENS = load_goldens("register_gradient")

KNOWN_DIFFERENCES = {
    "override_map_does_not_reach_tapes": (
        "tapeflow has no tf.Graph; in TF 2.21 its gradient_override_map does not reach "
        "GradientTape anyway (the golden shows the tape's own gradient)"
    ),
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENCES[n]))
        if n in KNOWN_DIFFERENCES
        else n
        for n in sorted(GOLDENS["cases"])
    ],
)
def test_register_gradient_golden(name: str) -> None:
    check_case(GOLDENS, name, tf, isolated=True)


def test_goldens_are_current() -> None:
    """The golden file holds exactly the generator's cases (regenerate it if not)."""
    assert_goldens_current(GOLDENS, "make_register_gradient_goldens", "code")


def test_reachable_op_types_are_those_tf_registers_nothing_for():
    registry = GOLDENS["registry"]
    tf_types, registered = set(registry["op_types"]), set(registry["registered"])
    assert framework_ops._TAPEFLOW_ONLY == set(REGISTRY) - tf_types
    assert framework_ops._TF_UNREGISTERED == (set(REGISTRY) & tf_types) - registered


def test_every_tapeflow_op_type_is_taken_exactly_when_tf_registers_it():
    registered = set(GOLDENS["registry"]["registered"])
    for op_type in REGISTRY:
        assert framework_ops._taken(op_type) == (op_type in registered), op_type


def test_registration_errors_leave_the_registry_unchanged():
    before = dict(framework_ops._USER_GRADIENTS)
    with pytest.raises(KeyError):
        tf.RegisterGradient("Mul")(lambda op, g: (g, g))
    with pytest.raises(TypeError, match="op_type must be a string"):
        tf.no_gradient(3)
    assert framework_ops._USER_GRADIENTS == before
    assert REGISTRY["TruncateMod"].differentiable is False
