"""Where a NaN came from: check_numerics names the user's line, forward and backward.

The first part of each message is TF's report (tests/test_debugging.py pins it); these
tests pin tapeflow's part after it: the line of this file that ran the op, and in a
backward pass the forward op whose gradient rule produced the NaN, its line and why,
including the tf.where trap and TF's double-where fix.
"""

from __future__ import annotations

import gc
import os
import sys

import numpy as np
import pytest

import tapeflow as tf
from tapeflow._core import registry
from tapeflow._core import tape as core_tape
from tapeflow._core.errors import InvalidArgumentError
from tapeflow._diagnostics import sites
from tapeflow.experimental import record_source_lines

# How messages name this file: relative to the working directory when inside it.
HERE = os.path.relpath(__file__) if not os.path.relpath(__file__).startswith("..") else __file__


def next_line() -> int:
    """The number of the caller's next line."""
    return sys._getframe(1).f_lineno + 1


@pytest.fixture
def check_numerics():
    tf.debugging.enable_check_numerics()
    try:
        yield
    finally:
        tf.debugging.disable_check_numerics()


def message_of(fn, *args) -> str:
    with pytest.raises(InvalidArgumentError) as info:
        fn(*args)
    return str(info.value)


def tapeflow_part(message: str) -> str:
    """What follows TF's report (which ends with its [Op:CheckNumericsV2] tag)."""
    tf_part, sep, ours = message.partition(" values [Op:CheckNumericsV2]\n\n")
    assert sep, message
    assert tf_part.startswith("\n!!! Detected Infinity or NaN in output 0 of eagerly-executing op")
    return ours


def forward_log(x):
    return tf.math.log(x)  # the line named: this helper's


def test_a_forward_nan_names_the_line_that_ran_the_op(check_numerics):
    x = tf.constant([-1.0, 2.0])
    with pytest.raises(InvalidArgumentError) as info:
        line = next_line()
        y = tf.math.log(x)  # noqa: F841
    ours = tapeflow_part(str(info.value))
    assert ours.startswith(
        f'  Op "Log" ran from `y = tf.math.log(x)  # noqa: F841` at {HERE}:{line}.'
    )
    assert 'every input was finite: op "Log" created the non-finite values' in ours
    assert "backward pass" not in ours


def test_the_line_is_the_innermost_user_frame(check_numerics):
    line = forward_log.__code__.co_firstlineno + 1
    ours = tapeflow_part(message_of(forward_log, tf.constant(-1.0)))
    assert f"`return tf.math.log(x)  # the line named: this helper's` at {HERE}:{line}" in ours


def test_a_backward_nan_names_the_forward_op_its_line_and_why(check_numerics):
    x = tf.constant([0.0, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        forward_line = next_line()
        y = tf.sqrt(x)
    with pytest.raises(InvalidArgumentError) as info:
        gradient_line = next_line()
        tape.gradient(y, x)
    message = str(info.value)
    assert 'eagerly-executing op "SqrtGrad"' in message  # TF's part names the gradient op
    ours = tapeflow_part(message)
    assert (
        f'  Op "SqrtGrad" ran inside GradientTape.gradient, called from `tape.gradient(y, x)` '
        f"at {HERE}:{gradient_line}."
    ) in ours
    assert (
        f"the gradient of Sqrt from `y = tf.sqrt(x)` at {HERE}:{forward_line}: the input was 0, "
        "where the derivative 0.5 / sqrt(x) is infinite (at 1 of 2 elements)."
    ) in ours
    assert "tf.where trap" not in ours
    assert core_tape.state.entry is None and core_tape.state.rule is None


def test_why_reads_the_values_the_forward_op_kept(check_numerics):
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.acos(x)  # acos(1) = 0 is finite; its derivative -1 / sqrt(1 - x^2) is not
    ours = tapeflow_part(message_of(tape.gradient, y, x))
    assert "the gradient of Acos from `y = tf.acos(x)" in ours
    assert ": the input was +-1, where the derivative -1 / sqrt(1 - x**2) is infinite." in ours


def test_a_custom_gradient_is_named_as_the_users_function(check_numerics):
    @tf.custom_gradient
    def double(x):
        def grad(g):
            return g / (x - x)  # the line named: inside the user's gradient function

        return x * 2.0, grad

    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        line = next_line()
        y = double(x)
    ours = tapeflow_part(message_of(tape.gradient, y, x))
    assert 'Op "RealDiv" ran inside GradientTape.gradient, called from `return g / (x - x)' in ours
    assert f"`y = double(x)` at {HERE}:{line}: its gradient is your function, which" in ours


def test_an_op_recorded_before_the_checks_were_on_has_no_line():
    x = tf.constant([0.0, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.sqrt(x)
    tf.debugging.enable_check_numerics()
    try:
        ours = tapeflow_part(message_of(tape.gradient, y, x))
    finally:
        tf.debugging.disable_check_numerics()
    assert "the gradient of Sqrt from a line that was not recorded" in ours
    assert ": the input was 0, where the derivative" in ours


def test_the_where_trap_is_named_with_both_lines_and_tfs_fix(check_numerics):
    x = tf.constant([0.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        pow_line = next_line()
        root = x**0.5  # finite: 0 ** 0.5 = 0, but d/dx = 0.5 * x ** -0.5 is inf at 0
        where_line = next_line()
        y = tf.where(x > 0, root, 0.0)  # masks the 0, so the gradient there is 0 * inf
    ours = tapeflow_part(message_of(tape.gradient, y, x))
    assert "the gradient of Pow from `root = x**0.5" in ours and f"{HERE}:{pow_line}" in ours
    assert "the base was 0 with an exponent below 1" in ours
    assert (
        "This is the tf.where trap: the output of Pow is the `x` branch of the tf.where at "
        f"`y = tf.where(x > 0, root, 0.0)  # masks the 0, so the gradient there is 0 * inf` "
        f"at {HERE}:{where_line}"
    ) in ours
    assert "`safe_x = tf.where(mask, x, 1.0)`, then `tf.where(mask, f(safe_x), 0.0)`" in ours


def test_a_forward_nan_in_a_where_branch_names_the_fix(check_numerics):
    x = tf.constant([0.0, 4.0])
    with pytest.raises(InvalidArgumentError) as info:
        tf.where(x > 0, tf.math.log(x), 0.0)  # log(0) = -inf, computed though masked
    ours = tapeflow_part(str(info.value))
    assert ours.startswith('  Op "Log" ran from `tf.where(x > 0, tf.math.log(x), 0.0)')
    assert "The line calls tf.where: both of its branches are computed" in ours
    assert "`safe_x = tf.where(mask, x, 1.0)`" in ours
    log_only = tapeflow_part(message_of(tf.math.log, x))
    assert "tf.where" not in log_only


def test_the_double_where_fix_passes_the_checks(check_numerics):
    x = tf.constant([0.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        mask = x > 0
        safe_x = tf.where(mask, x, 1.0)
        y = tf.where(mask, safe_x**0.5, 0.0)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 0.25])


def test_a_selected_branch_is_not_called_the_where_trap(check_numerics):
    x = tf.constant([0.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.where(x >= 0, x**0.5, 0.0)  # the where keeps the 0: its inf is real
    ours = tapeflow_part(message_of(tape.gradient, y, x))
    assert "the gradient of Pow from" in ours
    assert "tf.where trap" not in ours


def test_the_walk_names_the_running_entry_only_while_checks_are_on():
    seen = []

    def spy(op, inputs, outputs, attrs):
        entry = core_tape.state.entry
        seen.append(None if entry is None else entry[0].type)

    x = tf.constant(0.5)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.sin(x)
    registry.add_output_check(spy)
    try:
        tape.gradient(y, x)
    finally:
        registry.remove_output_check(spy)
    assert seen and set(seen) == {"Sin"}  # the ops of Sin's rule ran with its entry named
    assert core_tape.state.entry is None
    tape.gradient(y, x)  # off: nothing is set
    assert core_tape.state.entry is None


def test_disabling_restores_the_plain_op_path():
    tf.debugging.enable_check_numerics()
    assert registry._finish is not core_tape.record
    tf.debugging.disable_check_numerics()
    assert registry._finish is core_tape.record
    assert not registry.OUTPUT_CHECKS
    assert not sites.enabled()
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        tf.sin(x)
    assert sites.record_of(tape._tape) is None  # nothing noted, no frame walked


def test_check_numerics_and_record_source_lines_turn_off_independently():
    x = tf.constant(-1.0)
    with record_source_lines():
        tf.debugging.enable_check_numerics()
        tf.debugging.disable_check_numerics()
        assert np.isnan(tf.math.log(x).numpy())  # the checks are off ...
        with tf.GradientTape() as tape:
            tape.watch(x)
            tf.sin(x)
        assert sites.record_of(tape._tape) is not None  # ... the lines still noted
        tf.debugging.enable_check_numerics()
    try:
        with pytest.raises(InvalidArgumentError):  # and the checks outlive the lines
            tf.math.log(x)
        assert sites.enabled()
    finally:
        tf.debugging.disable_check_numerics()
    assert not registry.OUTPUT_CHECKS


def test_line_records_live_and_die_with_their_tape(check_numerics):
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.sin(x)
    key = id(tape._tape)
    assert sites.record_of(tape._tape) is not None
    tape.gradient(y, x)  # a non-persistent tape releases its record
    gc.collect()
    assert key not in sites._records


def test_a_finite_program_is_unchanged_by_the_checks(check_numerics):
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.sqrt(x) * tf.exp(x))
    g = tape.gradient(y, x)
    expected = 0.5 / np.sqrt([1.0, 2.0]) * np.exp([1.0, 2.0]) + np.sqrt([1.0, 2.0]) * np.exp(
        [1.0, 2.0]
    )
    np.testing.assert_allclose(g.numpy(), expected, rtol=1e-6)
