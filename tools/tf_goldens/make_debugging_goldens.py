"""Generates tests/data/tf_debugging_goldens.json: the tf.debugging checks tapeflow added last.

Usage (TensorFlow lives in its own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_debugging_goldens.py
    /work/tfvenv/bin/python tools/tf_goldens/make_debugging_goldens.py --verify

Each case is literal code with ``tf`` and ``np`` predefined that leaves its result in
``out``; tests/test_debugging_goldens.py replays every case with tapeflow and compares values,
dtypes, reprs, printed output, warnings and exception classes and messages
(tf_golden_util.compare_results).

Covered (tapeflow has no string tensors, so none are tried): assert_integer,
assert_proper_iterable, assert_rank_at_least, assert_rank_in,
assert_same_float_dtype, assert_scalar, is_numeric_tensor, tf.math.is_non_decreasing and
tf.math.is_strictly_increasing (their docstring examples, passing and failing inputs, bad
arguments), tf.Assert's message and `summarize`, and tf.executing_eagerly in and out of
tf.function.
"""

from __future__ import annotations

from family import DATA, record_code_cases

OUTPUT = DATA / "tf_debugging_goldens.json"

CASES = {
    # -- assert_integer ---------------------------------------------------------------------------
    "assert_integer_ok": "out = tf.debugging.assert_integer(tf.constant([1, 2], tf.int64))",
    "assert_integer_uint8": "out = tf.debugging.assert_integer(tf.constant([1], tf.uint8))",
    "assert_integer_python_int": "out = tf.debugging.assert_integer(3)",
    "assert_integer_float": "out = tf.debugging.assert_integer(tf.constant([1.0, 2.0]))",
    "assert_integer_bool": "out = tf.debugging.assert_integer(tf.constant(True))",
    "assert_integer_message": (
        "out = tf.debugging.assert_integer(tf.constant(1.5, tf.float64), message='need ints')"
    ),
    "assert_integer_python_float": "out = tf.debugging.assert_integer(2.0)",
    "assert_integer_none": "out = tf.debugging.assert_integer(None)",
    # -- assert_proper_iterable ----------------------------------------------------------------
    "proper_iterable_list": "out = tf.debugging.assert_proper_iterable([1, 2])",
    "proper_iterable_tuple_of_tensors": (
        "out = tf.debugging.assert_proper_iterable((tf.constant(1), tf.constant(2)))"
    ),
    "proper_iterable_generator": "out = tf.debugging.assert_proper_iterable(iter([1]))",
    "proper_iterable_dict": "out = tf.debugging.assert_proper_iterable({'a': 1})",
    # The message names the tensor's class by its module path, which is the library's own.
    "proper_iterable_tensor": (
        "import re\n"
        "try:\n"
        "    tf.debugging.assert_proper_iterable(tf.constant([1, 2]))\n"
        "except TypeError as e:\n"
        "    out = re.sub(r\"<class '[\\w.]*\\.(\\w+)'>\", r'<class \\1>', str(e))"
    ),
    "proper_iterable_ndarray": "out = tf.debugging.assert_proper_iterable(np.array([1, 2]))",
    "proper_iterable_str": "out = tf.debugging.assert_proper_iterable('ab')",
    "proper_iterable_bytes": "out = tf.debugging.assert_proper_iterable(b'ab')",
    "proper_iterable_int": "out = tf.debugging.assert_proper_iterable(3)",
    "proper_iterable_variable": "out = tf.debugging.assert_proper_iterable(tf.Variable([1.0]))",
    # -- assert_rank_at_least --------------------------------------------------------------------
    "rank_at_least_ok": "out = tf.debugging.assert_rank_at_least(tf.ones([2, 3]), 1)",
    "rank_at_least_equal": "out = tf.debugging.assert_rank_at_least(tf.ones([2, 3]), 2)",
    "rank_at_least_fails": "out = tf.debugging.assert_rank_at_least(tf.ones([3]), 2)",
    "rank_at_least_scalar_fails": (
        "out = tf.debugging.assert_rank_at_least(tf.constant(1.0), 1, message='m')"
    ),
    "rank_at_least_tensor_rank": (
        "out = tf.debugging.assert_rank_at_least(tf.ones([2]), tf.constant(1))"
    ),
    "rank_at_least_int64_rank": (
        "out = tf.debugging.assert_rank_at_least(tf.ones([2]), tf.constant(1, tf.int64))"
    ),
    "rank_at_least_float_rank": "out = tf.debugging.assert_rank_at_least(tf.ones([2]), 1.0)",
    "rank_at_least_vector_rank": "out = tf.debugging.assert_rank_at_least(tf.ones([2]), [1])",
    "rank_at_least_list_x": "out = tf.debugging.assert_rank_at_least([[1, 2]], 3)",
    # -- assert_rank_in -------------------------------------------------------------------------
    "rank_in_ok": "out = tf.debugging.assert_rank_in(tf.ones([2, 3]), (1, 2))",
    "rank_in_fails": "out = tf.debugging.assert_rank_in(tf.ones([2, 3]), (0, 1, 3))",
    "rank_in_message": (
        "out = tf.debugging.assert_rank_in(tf.ones([2]), [0, 2], message='bad rank')"
    ),
    "rank_in_empty": "out = tf.debugging.assert_rank_in(tf.ones([2]), [])",
    "rank_in_tensor_ranks": (
        "out = tf.debugging.assert_rank_in(tf.ones([2]), [tf.constant(0), tf.constant(2)])"
    ),
    "rank_in_float_rank": "out = tf.debugging.assert_rank_in(tf.ones([2]), [1.0])",
    "rank_in_vector_rank": "out = tf.debugging.assert_rank_in(tf.ones([2]), [[1, 2]])",
    # -- assert_same_float_dtype ------------------------------------------------------------------
    "same_float_dtype_default": "out = tf.debugging.assert_same_float_dtype()",
    "same_float_dtype_tensors": (
        "out = tf.debugging.assert_same_float_dtype([tf.ones([2]), None, tf.zeros([1])])"
    ),
    "same_float_dtype_float64": (
        "out = tf.debugging.assert_same_float_dtype([tf.ones([2], tf.float64)])"
    ),
    "same_float_dtype_dtype_only": ("out = tf.debugging.assert_same_float_dtype(dtype=tf.float16)"),
    "same_float_dtype_mismatch": (
        "out = tf.debugging.assert_same_float_dtype([tf.ones([2]), tf.ones([2], tf.float64)])"
    ),
    "same_float_dtype_vs_dtype": (
        "out = tf.debugging.assert_same_float_dtype([tf.ones([2])], dtype=tf.float64)"
    ),
    "same_float_dtype_variable_mismatch": (
        "v = tf.Variable(1.0, name='v')\n"
        "out = tf.debugging.assert_same_float_dtype([v, tf.constant(1.0, tf.float64)])"
    ),
    "same_float_dtype_int": ("out = tf.debugging.assert_same_float_dtype([tf.constant([1, 2])])"),
    "same_float_dtype_int_dtype": "out = tf.debugging.assert_same_float_dtype(dtype=tf.int32)",
    # -- assert_scalar --------------------------------------------------------------------------
    "assert_scalar_ok": "out = tf.debugging.assert_scalar(tf.constant(3.0))",
    "assert_scalar_python": "out = tf.debugging.assert_scalar(3)",
    "assert_scalar_vector": "out = tf.debugging.assert_scalar(tf.constant([3.0]))",
    "assert_scalar_message": (
        "out = tf.debugging.assert_scalar(tf.ones([2, 2]), message='want a scalar')"
    ),
    # -- is_numeric_tensor ----------------------------------------------------------------------
    "is_numeric_tensor": (
        "out = [tf.debugging.is_numeric_tensor(x) for x in (\n"
        "    tf.constant(1.0), tf.constant(1), tf.constant(True),\n"
        "    tf.constant(1j), tf.constant(1, tf.uint64), tf.constant(1.0, tf.float16),\n"
        "    tf.Variable(1.0), 1.0, np.float32(1.0), np.array([1.0]), None, [1.0])]"
    ),
    # -- is_non_decreasing / is_strictly_increasing -----------------------------------------------
    "is_non_decreasing_doc": (
        "x1 = tf.constant([1.0, 1.0, 3.0])\n"
        "print(repr(tf.math.is_non_decreasing(x1)))\n"
        "x2 = tf.constant([3.0, 1.0, 2.0])\n"
        "out = tf.math.is_non_decreasing(x2)"
    ),
    "is_strictly_increasing_doc": (
        "x1 = tf.constant([1.0, 2.0, 3.0])\n"
        "print(repr(tf.math.is_strictly_increasing(x1)))\n"
        "x2 = tf.constant([3.0, 1.0, 2.0])\n"
        "out = tf.math.is_strictly_increasing(x2)"
    ),
    "monotonic_row_major": (
        "x = tf.constant([[1, 2], [2, 5]])\n"
        "out = [tf.math.is_non_decreasing(x), tf.math.is_strictly_increasing(x)]"
    ),
    "monotonic_short": (
        "out = [tf.math.is_non_decreasing(tf.constant([], tf.float32)),\n"
        "       tf.math.is_strictly_increasing(tf.constant(5)),\n"
        "       tf.math.is_strictly_increasing([7])]"
    ),
    "monotonic_python_list": "out = tf.math.is_non_decreasing([1, 1, 0])",
    "monotonic_ties": "out = tf.math.is_strictly_increasing(tf.constant([1.0, 1.0]))",
    "monotonic_nan": (
        "x = tf.constant([1.0, float('nan'), 2.0])\n"
        "out = [tf.math.is_non_decreasing(x), tf.math.is_strictly_increasing(x)]"
    ),
    "monotonic_bool": "out = tf.math.is_non_decreasing(tf.constant([True, False]))",
    # -- tf.Assert ------------------------------------------------------------------------------
    "assert_true": "out = tf.Assert(tf.constant(True), ['x'])",
    "assert_false_data": (
        "x = tf.constant([1.0, 2.0, 3.0, 4.0, 5.0])\n"
        "out = tf.Assert(tf.reduce_all(x > 3.0), ['x is', x, 'n', tf.constant(7)])"
    ),
    "assert_false_summarize": (
        "x = tf.range(10)\nout = tf.Assert(tf.constant(False), [x], summarize=5)"
    ),
    "assert_python_bool": "out = tf.Assert(False, ['plain', 1.5])",
    "assert_non_scalar": "out = tf.Assert(tf.constant([True, False]), ['x'])",
    "assert_debugging_alias": "out = tf.debugging.Assert is tf.Assert",
    # -- executing_eagerly ----------------------------------------------------------------------
    "executing_eagerly_outside": "out = tf.executing_eagerly()",
    "executing_eagerly_in_py_function": (
        "seen = []\n"
        "def f(a):\n"
        "    seen.append(tf.executing_eagerly())\n"
        "    return a\n"
        "tf.py_function(f, [1.0], tf.float32)\n"
        "out = seen"
    ),
    # -- namespaces -----------------------------------------------------------------------------
    "top_level_asserts": (
        "out = [tf.assert_equal is tf.debugging.assert_equal,\n"
        "       tf.assert_greater is tf.debugging.assert_greater,\n"
        "       tf.assert_less is tf.debugging.assert_less,\n"
        "       tf.assert_rank is tf.debugging.assert_rank,\n"
        "       hasattr(tf, 'assert_integer'), hasattr(tf, 'assert_scalar'),\n"
        "       hasattr(tf, 'is_numeric_tensor'), hasattr(tf.debugging, 'is_non_decreasing')]"
    ),
}


def all_cases() -> dict[str, str]:
    """Every case as name -> code."""
    return dict(CASES)


def main() -> None:
    """Records every case under TensorFlow (or, with --verify, replays the written file)."""
    record_code_cases(OUTPUT, __file__, all_cases())


if __name__ == "__main__":
    main()
