"""Python values converted with the other operand's dtype, as TF 2.21 converts them.

Each row is an expression and what TF 2.21 printed for it (observed on TF 2.21; TF's
` name: ` suffix on kernel errors is omitted): `tf.add` converts its right operand with the
left's dtype only as a hint (so `tf.add(2, 1.5)` is a dtype mismatch), the other ops convert
like TF's args_to_matching_eager (a tensor's dtype, or else the first value's, binds the
rest: `tf.subtract(1, 2.5)` is a TypeError), and the attr error comes before a mismatch.
"""

from __future__ import annotations

import pytest

import tapeflow as tf

c = tf.constant

CASES = [
    ("tf.add(1.5, 2)", "OK <tf.Tensor: shape=(), dtype=float32, numpy=3.5>"),
    (
        "tf.add(2, 1.5)",
        "ERR InvalidArgumentError 'cannot compute AddV2 as input #1(zero-based)"
        " was expected to be a int32 tensor but is a float tensor [Op:AddV2]'",
    ),
    (
        "c(1) + 2.5",
        "ERR InvalidArgumentError 'cannot compute AddV2 as input #1(zero-based)"
        " was expected to be a int32 tensor but is a float tensor [Op:AddV2]'",
    ),
    ("2.5 + c(1)", "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'"),
    ("c(1) * 2.5", "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'"),
    (
        "tf.multiply(c(1), 2.5)",
        "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'",
    ),
    (
        "tf.add(c(1), 2.5)",
        "ERR InvalidArgumentError 'cannot compute AddV2 as input #1(zero-based)"
        " was expected to be a int32 tensor but is a float tensor [Op:AddV2]'",
    ),
    (
        "tf.add(2.5, c(1))",
        "ERR InvalidArgumentError 'cannot compute AddV2 as input #1(zero-based)"
        " was expected to be a float tensor but is a int32 tensor [Op:AddV2]'",
    ),
    ("c(1.) + 2", "OK <tf.Tensor: shape=(), dtype=float32, numpy=3.0>"),
    ("c(1, tf.int64) + 2**40", "OK <tf.Tensor: shape=(), dtype=int64, numpy=1099511627777>"),
    ("c(1, tf.int8) + 300", "OK <tf.Tensor: shape=(), dtype=int8, numpy=45>"),
    ("c(1, tf.uint8) - 1", "OK <tf.Tensor: shape=(), dtype=uint8, numpy=0>"),
    ("c(1, tf.uint8) + (-1)", "OK <tf.Tensor: shape=(), dtype=uint8, numpy=0>"),
    ("c(1.,tf.float16)+1e10", "OK <tf.Tensor: shape=(), dtype=float16, numpy=inf>"),
    ("c(1.,tf.float64)+2", "OK <tf.Tensor: shape=(), dtype=float64, numpy=3.0>"),
    (
        "c([1,2]) + [1.5, 2]",
        "ERR InvalidArgumentError 'cannot compute AddV2 as input #1(zero-based)"
        " was expected to be a int32 tensor but is a float tensor [Op:AddV2]'",
    ),
    ("c(1) + True", "OK <tf.Tensor: shape=(), dtype=int32, numpy=2>"),
    ("c(1., tf.complex64) + 2", "OK <tf.Tensor: shape=(), dtype=complex64, numpy=(3+0j)>"),
    (
        "c(1.) + 1j",
        "ERR InvalidArgumentError 'cannot compute AddV2 as input #1(zero-based)"
        " was expected to be a float tensor but is a complex128 tensor"
        " [Op:AddV2]'",
    ),
    (
        "tf.maximum(c(1), 2.5)",
        "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'",
    ),
    ("tf.pow(c(2), 0.5)", "ERR TypeError 'Cannot convert 0.5 to EagerTensor of dtype int32'"),
    ("c(2) ** 0.5", "ERR TypeError 'Cannot convert 0.5 to EagerTensor of dtype int32'"),
    (
        "c(2) / 2.5",
        "ERR TypeError '`x` and `y` must have the same dtype, got tf.int32 != tf.float32.'",
    ),
    ("c(2) // 2.5", "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'"),
    ("c(2) % 2.5", "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'"),
    ("tf.subtract(1, 2.5)", "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'"),
    ("tf.add(1, 2)", "OK <tf.Tensor: shape=(), dtype=int32, numpy=3>"),
    ("tf.add(1.5, 2.5)", "OK <tf.Tensor: shape=(), dtype=float32, numpy=4.0>"),
    (
        "tf.add([1, 2], 1.5)",
        "ERR InvalidArgumentError 'cannot compute AddV2 as input #1(zero-based)"
        " was expected to be a int32 tensor but is a float tensor [Op:AddV2]'",
    ),
    (
        "tf.add(1.5, [1, 2])",
        "OK <tf.Tensor: shape=(2,), dtype=float32, numpy=array([2.5, 3.5], dtype=float32)>",
    ),
    ("c(1) < 2.5", "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'"),
    ("c(1) == 2.5", "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'"),
    ("tf.equal(c(1), 2.5)", "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'"),
    (
        "tf.math.squared_difference(c(1), 2.5)",
        "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'",
    ),
    (
        "tf.where(True, c(1), 2.5)",
        "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'",
    ),
    (
        "tf.add(c(1.), c(1))",
        "ERR InvalidArgumentError 'cannot compute AddV2 as input #1(zero-based)"
        " was expected to be a float tensor but is a int32 tensor [Op:AddV2]'",
    ),
    ("c(1, tf.int64) + 2", "OK <tf.Tensor: shape=(), dtype=int64, numpy=3>"),
    ("c(1, tf.float64) + 2.5", "OK <tf.Tensor: shape=(), dtype=float64, numpy=3.5>"),
    (
        "tf.add(1, c(1.))",
        "ERR InvalidArgumentError 'cannot compute AddV2 as input #1(zero-based)"
        " was expected to be a int32 tensor but is a float tensor [Op:AddV2]'",
    ),
    ("c(3) & 1.5", "ERR TypeError 'Cannot convert 1.5 to EagerTensor of dtype int32'"),
    (
        "tf.Variable(1) + 2.5",
        "ERR InvalidArgumentError 'cannot compute AddV2 as input #1(zero-based)"
        " was expected to be a int32 tensor but is a float tensor [Op:AddV2]'",
    ),
    ("tf.Variable(1.) + 2", "OK <tf.Tensor: shape=(), dtype=float32, numpy=3.0>"),
    (
        "tf.add(1, c(2, tf.int64))",
        "ERR InvalidArgumentError 'cannot compute AddV2 as input #1(zero-based)"
        " was expected to be a int32 tensor but is a int64 tensor [Op:AddV2]'",
    ),
    (
        "tf.add(2**40, c(1))",
        "ERR InvalidArgumentError 'cannot compute AddV2 as input #1(zero-based)"
        " was expected to be a int64 tensor but is a int32 tensor [Op:AddV2]'",
    ),
    ("tf.add(c(1), 2**40)", "OK <tf.Tensor: shape=(), dtype=int32, numpy=1>"),
    ("c(1) + 2**40", "OK <tf.Tensor: shape=(), dtype=int32, numpy=1>"),
    ("tf.add(c(1,tf.uint8), 256)", "OK <tf.Tensor: shape=(), dtype=uint8, numpy=1>"),
    ("tf.multiply(2, 1.5)", "ERR TypeError 'Cannot convert 1.5 to EagerTensor of dtype int32'"),
    ("tf.multiply(1.5, 2)", "OK <tf.Tensor: shape=(), dtype=float32, numpy=3.0>"),
    ("tf.subtract(1.5, 2)", "OK <tf.Tensor: shape=(), dtype=float32, numpy=-0.5>"),
    ("tf.maximum(1, 2.5)", "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'"),
    ("tf.maximum(2.5, 1)", "OK <tf.Tensor: shape=(), dtype=float32, numpy=2.5>"),
    ("tf.pow(2, 0.5)", "ERR TypeError 'Cannot convert 0.5 to EagerTensor of dtype int32'"),
    ("tf.pow(2., 3)", "OK <tf.Tensor: shape=(), dtype=float32, numpy=8.0>"),
    (
        "tf.math.floordiv(1, 2.5)",
        "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'",
    ),
    (
        "tf.truediv(1, 2.5)",
        "ERR TypeError '`x` and `y` must have the same dtype, got tf.int32 != tf.float32.'",
    ),
    (
        "tf.divide(1, 2.5)",
        "ERR TypeError '`x` and `y` must have the same dtype, got tf.int32 != tf.float32.'",
    ),
    ("tf.equal(1, 2.5)", "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'"),
    ("tf.less(1, 2.5)", "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'"),
    (
        "tf.where(True, 1, 2.5)",
        "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'",
    ),
    (
        "tf.add_n([1, 2.5])",
        "ERR InvalidArgumentError 'cannot compute AddN as input #1(zero-based)"
        " was expected to be a int32 tensor but is a float tensor [Op:AddN]'",
    ),
    (
        "tf.matmul([[1]], [[2.5]])",
        "ERR InvalidArgumentError 'cannot compute MatMul as input #1(zero-based)"
        " was expected to be a int32 tensor but is a float tensor [Op:MatMul]'",
    ),
    (
        "tf.math.squared_difference(1,2.5)",
        "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'",
    ),
    (
        "tf.math.floormod(1, 2.5)",
        "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'",
    ),
    (
        "tf.convert_to_tensor(1, tf.bool)",
        "ERR TypeError 'Cannot convert 1 to EagerTensor of dtype bool'",
    ),
    (
        "tf.convert_to_tensor(2, tf.bool)",
        "ERR TypeError 'Cannot convert 2 to EagerTensor of dtype bool'",
    ),
    (
        "tf.convert_to_tensor(1.0, tf.bool)",
        "ERR TypeError 'Cannot convert 1.0 to EagerTensor of dtype bool'",
    ),
    (
        "tf.convert_to_tensor(0, tf.bool)",
        "ERR TypeError 'Cannot convert 0 to EagerTensor of dtype bool'",
    ),
    ("c(True) & 1", "ERR TypeError 'Cannot convert 1 to EagerTensor of dtype bool'"),
    (
        "tf.logical_and(c(True), 1)",
        "ERR TypeError 'Cannot convert 1 to EagerTensor of dtype bool'",
    ),
    (
        "tf.logical_and(c(True), 2)",
        "ERR TypeError 'Cannot convert 2 to EagerTensor of dtype bool'",
    ),
    (
        "tf.logical_and(c(True), 0)",
        "ERR TypeError 'Cannot convert 0 to EagerTensor of dtype bool'",
    ),
    ("tf.logical_and(True, c(True))", "OK <tf.Tensor: shape=(), dtype=bool, numpy=True>"),
    (
        "tf.logical_and(c(True), 1.0)",
        "ERR TypeError 'Cannot convert 1.0 to EagerTensor of dtype bool'",
    ),
    ("c(True) == 1", "ERR TypeError 'Cannot convert 1 to EagerTensor of dtype bool'"),
    (
        "tf.bitwise.bitwise_and(1, 2.5)",
        "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'",
    ),
    ("tf.math.xdivy(1., 2)", "OK <tf.Tensor: shape=(), dtype=float32, numpy=0.5>"),
    (
        "tf.math.xdivy(1, 2.)",
        "ERR TypeError 'Cannot convert 2.0 to EagerTensor of dtype int32'",
    ),
    ("tf.subtract(1, 2)", "OK <tf.Tensor: shape=(), dtype=int32, numpy=-1>"),
    ("tf.math.mod(5, 2.5)", "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'"),
    (
        "tf.nn.bias_add([[1.]], [2])",
        "OK <tf.Tensor: shape=(1, 1), dtype=float32, numpy=array([[3.]], dtype=float32)>",
    ),
    ("tf.math.minimum(c(1.), 2)", "OK <tf.Tensor: shape=(), dtype=float32, numpy=1.0>"),
    (
        "tf.math.not_equal(1, 2.5)",
        "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'",
    ),
    ("tf.realdiv(1., 2)", "OK <tf.Tensor: shape=(), dtype=float32, numpy=0.5>"),
    (
        "tf.complex(1., 2)",
        "ERR TypeError 'The `real` and `imag` components have incorrect types:"
        " float32 int32. They must be consistent, and one of [tf.float32,"
        " tf.float64]'",
    ),
    ("tf.add(1j, 2)", "OK <tf.Tensor: shape=(), dtype=complex128, numpy=(2+1j)>"),
    (
        "tf.add(2, 1j)",
        "ERR InvalidArgumentError 'cannot compute AddV2 as input #1(zero-based)"
        " was expected to be a int32 tensor but is a complex128 tensor"
        " [Op:AddV2]'",
    ),
    ("tf.add(c(2), True)", "OK <tf.Tensor: shape=(), dtype=int32, numpy=3>"),
    ("tf.multiply(True, 2)", "ERR TypeError 'Cannot convert 2 to EagerTensor of dtype bool'"),
    ("tf.subtract(2, c(1.))", "OK <tf.Tensor: shape=(), dtype=float32, numpy=1.0>"),
    ("tf.multiply(2, c(1.))", "OK <tf.Tensor: shape=(), dtype=float32, numpy=2.0>"),
    (
        "tf.multiply(2.5, c(1))",
        "ERR TypeError 'Cannot convert 2.5 to EagerTensor of dtype int32'",
    ),
    (
        "tf.subtract(c(True), 1)",
        "ERR TypeError 'Cannot convert 1 to EagerTensor of dtype bool'",
    ),
    ("c(True) - 1", "ERR TypeError 'Cannot convert 1 to EagerTensor of dtype bool'"),
    ("tf.maximum(c(True), 1)", "ERR TypeError 'Cannot convert 1 to EagerTensor of dtype bool'"),
    (
        "tf.math.floordiv(c(True), 1)",
        "ERR TypeError 'Cannot convert 1 to EagerTensor of dtype bool'",
    ),
]


@pytest.mark.parametrize("expr, expected", CASES)
def test_python_values_convert_as_tf(expr, expected):
    try:
        got = "OK " + repr(eval(expr))
    except Exception as e:  # the error class and message are the expected output
        got = f"ERR {type(e).__name__} {str(e)!r}"
    assert got == expected
