"""tf.debugging: check_numerics, the assertions, and enable_check_numerics.

Messages were observed with TF 2.21; TF's eager errors also carry a "{{function_node ...}}"
prefix and a " name: " suffix, which tapeflow omits.
"""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from tapeflow._core.errors import InvalidArgumentError
from tapeflow._core.registry import OUTPUT_CHECKS

TOL32 = "rtol = tf.Tensor(1.1920929e-06, shape=(), dtype=float32), atol = tf.Tensor(1.1920929e-06, shape=(), dtype=float32)"  # noqa: E501
FALSE = "Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized data: "


def _message(fn, *args, error=InvalidArgumentError, **kwargs) -> str:
    with pytest.raises(error) as info:
        fn(*args, **kwargs)
    return str(info.value)


# -- check_numerics ---------------------------------------------------------------------------


def test_check_numerics_returns_a_finite_tensor_unchanged():
    x = tf.constant([1.0, 2.0], tf.float64)
    out = tf.debugging.check_numerics(x, "x")
    assert out.dtype == tf.float64 and out.numpy().tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    "values, found",
    [([1.0, np.nan], "NaN"), ([1.0, np.inf], "Inf"), ([np.nan, -np.inf], "Inf and NaN")],
)
def test_check_numerics_names_what_it_found(values, found):
    # observed with TF 2.21
    message = _message(tf.debugging.check_numerics, tf.constant(values), "bad x")
    assert message == f"bad x : Tensor had {found} values [Op:CheckNumerics]"


def test_check_numerics_rejects_non_float_and_non_string_message():
    assert "[Op:CheckNumerics]" in _message(tf.debugging.check_numerics, tf.constant([1]), "m")
    # observed with TF 2.21
    assert _message(tf.debugging.check_numerics, tf.constant(1.0), 3, error=TypeError) == (
        "Expected string for argument 'message' not 3."
    )


def test_check_numerics_gradient_passes_through_and_is_checked():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.debugging.check_numerics(x * x, "m")
    assert tape.gradient(y, x).numpy().tolist() == [2.0, 4.0]
    x = tf.constant([1.0, 0.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = tf.sqrt(tf.debugging.check_numerics(x, "m"))
    # observed with TF 2.21 (TF renders the message attribute as bytes)
    assert _message(tape.gradient, z, x) == (
        "Not a number (NaN) or infinity (Inf) values detected in gradient. b'm' : Tensor had "
        "Inf values [Op:CheckNumerics]"
    )


def test_check_numerics_second_order():
    x = tf.constant(1.5, tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.debugging.check_numerics(x**3, "m")
        dy = inner.gradient(y, x)
    assert float(dy) == 3 * 1.5**2 and float(outer.gradient(dy, x)) == 6 * 1.5


def test_assert_all_finite_is_check_numerics():
    x = tf.constant([1.0, 2.0])
    assert tf.debugging.assert_all_finite(x, "msg").numpy().tolist() == [1.0, 2.0]
    assert _message(tf.debugging.assert_all_finite, tf.constant([np.nan]), "msg here") == (
        "msg here : Tensor had NaN values [Op:CheckNumerics]"
    )


# -- assert_near -----------------------------------------------------------------------------


def test_assert_near_default_tolerance_is_ten_eps():
    assert tf.debugging.assert_near(tf.constant(1.0), tf.constant(1.0 + 1e-7)) is None
    assert tf.debugging.assert_near(1.0, 1.0 + 1e-7) is None
    # observed with TF 2.21
    message = _message(tf.debugging.assert_near, tf.constant([1.0, 2.0]), tf.constant([1.0, 2.01]))
    assert message == (
        f"{FALSE}b''\nb'x and y not equal to tolerance {TOL32}'\n"
        "b'x (shape=(2,) dtype=float32) = '\n1.0, 2.0\n"
        "b'y (shape=(2,) dtype=float32) = '\n1.0, 2.01"
    )


def test_assert_near_message_summarize_and_other_dtypes():
    x64 = tf.constant(np.arange(10.0))
    message = _message(tf.debugging.assert_near, x64, x64 + 1, rtol=0.5, atol=0.1, message="hey")
    # observed with TF 2.21
    assert message.startswith(f"{FALSE}b'hey.  '\nb'x and y not equal to tolerance rtol = ")
    assert "rtol = tf.Tensor(0.5, shape=(), dtype=float64), atol = tf.Tensor(0.1," in message
    assert message.endswith("= '\n1.0, 2.0, 3.0, ...")
    assert _message(tf.debugging.assert_near, x64, x64 + 1, summarize=2).endswith("\n1.0, 2.0, ...")
    half = _message(
        tf.debugging.assert_near, tf.constant(1.0, tf.float16), tf.constant(1.5, tf.float16)
    )
    assert "rtol = tf.Tensor(0.009766, shape=(), dtype=float16)" in half
    assert tf.debugging.assert_near(x64, x64 + 1, rtol=2.0, atol=1.0) is None


def test_assert_near_nan_and_inf_are_never_near():
    for v in (np.nan, np.inf):
        _message(tf.debugging.assert_near, tf.constant(v), tf.constant(v))


def test_assert_near_bad_inputs():
    # observed with TF 2.21
    assert (
        _message(
            tf.debugging.assert_near, tf.constant([1, 2]), tf.constant([1, 2]), error=ValueError
        )
        == "data type <class 'numpy.int32'> not inexact"
    )
    message = _message(
        tf.debugging.assert_near,
        tf.constant([1.0]),
        tf.constant([1.0], tf.float64),
        error=ValueError,
    )
    assert message.startswith(
        "y: Tensor conversion requested dtype float32 for Tensor with dtype float64"
    )
    assert _message(tf.debugging.assert_near, tf.ones([2]), tf.ones([3])) == (
        "Incompatible shapes: [2] vs. [3] [Op:Sub]"
    )


# -- comparisons ------------------------------------------------------------------------------


def test_assert_equal_message_lists_the_first_differences():
    assert tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1, 2])) is None
    # observed with TF 2.21
    assert _message(
        tf.debugging.assert_equal, tf.constant([1, 2]), tf.constant([1, 3]), message="msg"
    ) == (
        "msg\nCondition x == y did not hold.\nIndices of first 1 different values:\n[[1]]\n"
        "Corresponding x values:\n[2]\nCorresponding y values:\n[3]\n"
        "First 2 elements of x:\n[1 2]\nFirst 2 elements of y:\n[1 3]"
    )
    x = tf.constant(np.arange(10))
    assert _message(tf.debugging.assert_equal, x, x + 1) == (
        "Condition x == y did not hold.\nIndices of first 3 different values:\n[[0]\n [1]\n [2]]\n"
        "Corresponding x values:\n[0 1 2]\nCorresponding y values:\n[1 2 3]\n"
        "First 3 elements of x:\n[0 1 2]\nFirst 3 elements of y:\n[1 2 3]"
    )


def test_assert_equal_scalars_and_broadcasts_show_no_indices():
    # observed with TF 2.21
    assert _message(tf.debugging.assert_equal, tf.constant(1.5), tf.constant(2.5)) == (
        "Condition x == y did not hold.\nFirst 1 elements of x:\n[1.5]\n"
        "First 1 elements of y:\n[2.5]"
    )
    assert _message(
        tf.debugging.assert_equal, tf.constant([1, 2]), tf.constant([[1, 3], [1, 2]])
    ) == (
        "Condition x == y did not hold.\nFirst 2 elements of x:\n[1 2]\n"
        "First 3 elements of y:\n[1 3 1]"
    )
    matrix = _message(
        tf.debugging.assert_equal, tf.constant([[1, 2], [3, 4]]), tf.constant([[1, 2], [3, 5]])
    )
    assert "Indices of first 1 different values:\n[[1 1]]\n" in matrix


def test_assert_equal_dtype_and_shape_errors_come_from_the_op():
    # observed with TF 2.21
    assert _message(tf.debugging.assert_equal, tf.constant([1, 2]), tf.constant([1.0, 2.0])) == (
        "cannot compute Equal as input #1(zero-based) was expected to be a int32 tensor but is a "
        "float tensor [Op:Equal]"
    )
    assert _message(tf.debugging.assert_equal, tf.constant([1, 2]), tf.constant([1, 2, 3])) == (
        "Incompatible shapes: [2] vs. [3] [Op:Equal]"
    )
    # Python scalars are converted on their own, so an int bound fails against floats, as in TF.
    assert "[Op:Greater]" in _message(tf.debugging.assert_greater, tf.constant([1.0, 2.0]), 0)


@pytest.mark.parametrize(
    "fn, symbol, y, ok",
    [
        (tf.debugging.assert_less, "<", [2, 2], [2, 3]),
        (tf.debugging.assert_greater, ">", [0, 2], [0, 1]),
        (tf.debugging.assert_less_equal, "<=", [1, 1], [1, 2]),
        (tf.debugging.assert_greater_equal, ">=", [1, 3], [1, 2]),
    ],
)
def test_ordering_assertions(fn, symbol, y, ok):
    x = tf.constant([1, 2])
    assert fn(x, tf.constant(ok)) is None
    assert _message(fn, x, tf.constant(y)).startswith(f"Condition x {symbol} y did not hold.")


def test_sign_assertions():
    assert tf.debugging.assert_positive(tf.constant([1, 2])) is None
    # observed with TF 2.21
    assert _message(tf.debugging.assert_positive, tf.constant([1, 0])) == (
        "\nCondition x > 0 did not hold element-wise:\nx (shape=(2,) dtype=int32) = \n['1', '0']"
    )
    assert _message(
        tf.debugging.assert_positive, tf.constant([1.0, 0.0]), message="m", summarize=1
    ) == (
        "m.  \nCondition x > 0 did not hold element-wise:\n"
        "x (shape=(2,) dtype=float32) = \n['1.0', '...']"
    )
    _message(tf.debugging.assert_non_negative, tf.constant([1, -1]))
    _message(tf.debugging.assert_negative, tf.constant([1, -1]))


def test_assert_statement():
    assert tf.debugging.Assert(tf.constant(True), ["x is"]) is None
    # observed with TF 2.21
    data = ["x is", tf.constant([1.0, 2.0]), 3, tf.constant(np.arange(10))]
    assert _message(tf.debugging.Assert, tf.constant(False), data) == (
        f"{FALSE}b'x is'\n1.0, 2.0\n3\n0, 1, 2, ..."
    )
    assert (
        _message(tf.debugging.Assert, False, ["x"])
        == "Expected 'False' to be true. Summarized data: b'x'"
    )


# -- rank, type, shapes -----------------------------------------------------------------------


def test_assert_rank_and_type():
    assert tf.debugging.assert_rank(tf.constant([1, 2]), 1) is None
    assert tf.debugging.assert_rank(tf.constant([1, 2]), tf.constant(1)) is None
    # observed with TF 2.21
    assert _message(
        tf.debugging.assert_rank, tf.constant([1, 2]), 2, message="msg", error=ValueError
    ) == ("msg.  Tensor  must have rank 2.  Received rank 1, shape (2,)")
    assert (
        _message(tf.debugging.assert_rank, tf.constant([1]), [1], error=ValueError)
        == "Rank must be a scalar."
    )
    assert tf.debugging.assert_type(tf.constant([1]), tf.int32) is None
    assert _message(
        tf.debugging.assert_type, tf.constant([1]), tf.int64, message="m", error=TypeError
    ) == ("m.  tensor must be of type tf.int64; got tf.int32")


def test_assert_shapes_accepts_consistent_symbols():
    x, y = tf.constant([[1, 2, 3]]), tf.constant([1])
    assert tf.debugging.assert_shapes([(x, ("N", 3)), (y, ("N",))]) is None
    assert tf.debugging.assert_shapes([(tf.constant(1), ())]) is None
    assert tf.debugging.assert_shapes([(tf.constant(1), ("N",))]) is None  # scalar as (1,)
    assert tf.debugging.assert_shapes([(tf.constant([[1]]), (..., 1))]) is None
    assert tf.debugging.assert_shapes({x.ref(): (1, None)}) is None


@pytest.mark.parametrize(
    "shapes, expected",
    [
        # observed with TF 2.21
        (
            [(tf.constant([[1, 2, 3]]), ("N", 2))],
            "Specified explicitly.  Tensor shape=(1, 3) dtype=int32 dimension 1 must have size 2.  "
            "Received size 3, shape (1, 3)",
        ),
        (
            [(tf.constant([[1, 2, 3]]), ("N", 3)), (tf.constant([1, 2]), ("N",))],
            "Specified by tensor shape=(1, 3) dtype=int32 dimension 0.  Tensor shape=(2,) "
            "dtype=int32 dimension 0 must have size 1.  Received size 2, shape (2,)",
        ),
        (
            [(tf.constant([[1, 2, 3]]), ("N",))],
            "Tensor  must have rank in (0, 1).  Received rank 2, shape (1, 3)",
        ),
        (
            [(tf.constant([1, 2]), (2, 3))],
            "Tensor  must have rank 2.  Received rank 1, shape (2,)",
        ),
        (
            [(tf.constant(1), (2,))],
            "Specified explicitly.  Tensor shape=() dtype=int32 dimension 0 must have size 2.  "
            "Received size 1, shape ()",
        ),
        (
            [(tf.constant([[1, 2]]), (..., 3))],
            "Specified explicitly.  Tensor shape=(1, 2) dtype=int32 dimension -1 must have "
            "size 3.  Received size 2, shape (1, 2)",
        ),
        (
            [(tf.constant([[1, 2]]), (..., 3, 1, 2))],
            "Tensor  must have rank at least 3.  Received rank 2, shape (1, 2)",
        ),
        (
            [(tf.constant([[1, 2]]), (3, ...))],
            "Tensor shape=(1, 2) dtype=int32 specified shape index 1.  Symbol `...` or `*` for a "
            "variable number of unspecified dimensions is only allowed as the first entry",
        ),
    ],
)
def test_assert_shapes_messages(shapes, expected):
    assert _message(tf.debugging.assert_shapes, shapes, error=ValueError) == expected


# -- enable_check_numerics --------------------------------------------------------------------


@pytest.fixture
def check_numerics():
    tf.debugging.enable_check_numerics()
    try:
        yield
    finally:
        tf.debugging.disable_check_numerics()


def test_enable_check_numerics_reports_the_op_that_created_a_nan(check_numerics):
    message = _message(tf.math.log, tf.constant([0.0, -1.0]))
    # The first lines follow TF 2.21's report; the hint is tapeflow's.
    assert message.startswith(
        '\n!!! Detected Infinity or NaN in output 0 of eagerly-executing op "Log" '
        "(# of outputs: 1) !!!\n  dtype: <dtype: 'float32'>\n  shape: (2,)\n"
        "  # of -Inf elements: 1\n  # of +NaN elements: 1\n\n"
        "  Input tensor: tf.Tensor([ 0. -1.], shape=(2,), dtype=float32)\n"
    )
    assert 'every input was finite: op "Log" created the non-finite values' in message
    assert "backward pass" not in message
    # TF's report comes first, whole; tapeflow's lines follow it.
    assert " : Tensor had -Inf and NaN values [Op:CheckNumericsV2]\n\n  Op " in message


def test_enable_check_numerics_says_when_the_nan_came_from_upstream(check_numerics):
    message = _message(lambda: tf.constant(np.nan) + 1)
    assert "  Input tensors (2):\n         0: tf.Tensor(nan, shape=(), dtype=float32)\n" in message
    assert "input 0 (1 NaN, 0 Inf) already held non-finite values" in message
    assert " : Tensor had NaN values [Op:CheckNumericsV2]\n\n  Op " in message


def test_enable_check_numerics_catches_the_backward_pass(check_numerics):
    x = tf.constant([0.0, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.sqrt(x * x))  # finite forward; d sqrt/du is infinite at u = 0
    message = _message(tape.gradient, y, x)
    assert (
        'It ran in the backward pass (GradientTape.gradient), inside the gradient rule of op "Sqrt"'
        in message
    )
    assert "# of +Inf elements: 1" in message


def test_check_numerics_mode_is_off_after_disable_and_finite_ops_are_untouched(check_numerics):
    assert float(tf.exp(tf.constant(1.0))) == pytest.approx(np.e)
    assert tf.constant([1, 2]) // 1 is not None  # integer outputs are never checked
    tf.debugging.enable_check_numerics()  # idempotent
    assert len(OUTPUT_CHECKS) == 1
    tf.debugging.disable_check_numerics()
    assert not OUTPUT_CHECKS
    assert np.isnan(tf.math.log(tf.constant(-1.0)).numpy())
