"""tf.tensor_scatter_nd_update/add/sub/max/min: values, TF's shape checks in TF's order,
and the gradients of max/min (TF's tie rule). Expected values observed on TF 2.21 (its
attr errors add a NodeDef dump, and NotFoundError a kernel list, that tapeflow omits)."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf

c = tf.constant
t = c([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])

CASES = [
    (
        "tf.tensor_scatter_nd_update(t, [[1]], [1., 2.])",
        "ERR InvalidArgumentError Outer dimensions of indices and update must"
        " match. Indices shape: [1,1], updates shape:[2]"
        " [Op:TensorScatterUpdate]",
    ),
    (
        "tf.tensor_scatter_nd_update(t, [[1]], [[1., 2., 3.]])",
        "ERR InvalidArgumentError The inner 1 dimensions of output.shape=[3,2]"
        " must match the inner 1 dimensions of updates.shape=[1,3]"
        " [Op:TensorScatterUpdate]",
    ),
    (
        "tf.tensor_scatter_nd_update(t, [[[1]]], [[1., 2.]])",
        "ERR InvalidArgumentError Outer dimensions of indices and update must"
        " match. Indices shape: [1,1,1], updates shape:[1,2]"
        " [Op:TensorScatterUpdate]",
    ),
    (
        "tf.tensor_scatter_nd_update(t, [[1]], 5.)",
        "ERR InvalidArgumentError Updates shape must have rank at least one."
        " Found:[] [Op:TensorScatterUpdate]",
    ),
    (
        "tf.tensor_scatter_nd_update(t, [1], [5., 5.])",
        "ERR InvalidArgumentError Dimensions [0,1) of indices[shape=[1]] = 1"
        " must match dimensions [0,1) of updates[shape=[2]] = 2"
        " [Op:TensorScatterUpdate]",
    ),
    (
        "tf.tensor_scatter_nd_update(t, [[1, 0, 0]], [1.])",
        "ERR InvalidArgumentError Inner dimensions of output shape must match"
        " inner dimensions of updates shape. Output: [3,2] updates: [1]"
        " [Op:TensorScatterUpdate]",
    ),
    (
        "tf.tensor_scatter_nd_update(t, [[1., 0]], [1.])",
        "ERR InvalidArgumentError Value for attr 'Tindices' of float is not in"
        " the list of allowed values: int16, int32, int64, uint16"
        " [Op:TensorScatterUpdate]",
    ),
    (
        "tf.tensor_scatter_nd_update(t, [[3]], [[1.,2.]])",
        "ERR InvalidArgumentError indices[0] = [3] does not index into shape"
        " [3,2] [Op:TensorScatterUpdate]",
    ),
    (
        "tf.tensor_scatter_nd_add(t, [[1]], [1., 2.])",
        "ERR InvalidArgumentError Outer dimensions of indices and update must"
        " match. Indices shape: [1,1], updates shape:[2] [Op:TensorScatterAdd]",
    ),
    (
        "tf.tensor_scatter_nd_add(t, [[1]], [[1., 2., 3.]])",
        "ERR InvalidArgumentError The inner 1 dimensions of output.shape=[3,2]"
        " must match the inner 1 dimensions of updates.shape=[1,3]"
        " [Op:TensorScatterAdd]",
    ),
    (
        "tf.tensor_scatter_nd_add(t, [[[1]]], [[1., 2.]])",
        "ERR InvalidArgumentError Outer dimensions of indices and update must"
        " match. Indices shape: [1,1,1], updates shape:[1,2]"
        " [Op:TensorScatterAdd]",
    ),
    (
        "tf.tensor_scatter_nd_add(t, [[1]], 5.)",
        "ERR InvalidArgumentError Updates shape must have rank at least one."
        " Found:[] [Op:TensorScatterAdd]",
    ),
    (
        "tf.tensor_scatter_nd_add(t, [1], [5., 5.])",
        "ERR InvalidArgumentError Dimensions [0,1) of indices[shape=[1]] = 1"
        " must match dimensions [0,1) of updates[shape=[2]] = 2"
        " [Op:TensorScatterAdd]",
    ),
    (
        "tf.tensor_scatter_nd_add(t, [[1, 0, 0]], [1.])",
        "ERR InvalidArgumentError Inner dimensions of output shape must match"
        " inner dimensions of updates shape. Output: [3,2] updates: [1]"
        " [Op:TensorScatterAdd]",
    ),
    (
        "tf.tensor_scatter_nd_add(t, [[1., 0]], [1.])",
        "ERR InvalidArgumentError Value for attr 'Tindices' of float is not in"
        " the list of allowed values: int32, int64 [Op:TensorScatterAdd]",
    ),
    (
        "tf.tensor_scatter_nd_add(t, [[3]], [[1.,2.]])",
        "ERR InvalidArgumentError indices[0] = [3] does not index into shape"
        " [3,2] [Op:TensorScatterAdd]",
    ),
    (
        "tf.tensor_scatter_nd_sub(t, [[1]], [1., 2.])",
        "ERR InvalidArgumentError Outer dimensions of indices and update must"
        " match. Indices shape: [1,1], updates shape:[2] [Op:TensorScatterSub]",
    ),
    (
        "tf.tensor_scatter_nd_sub(t, [[1]], [[1., 2., 3.]])",
        "ERR InvalidArgumentError The inner 1 dimensions of output.shape=[3,2]"
        " must match the inner 1 dimensions of updates.shape=[1,3]"
        " [Op:TensorScatterSub]",
    ),
    (
        "tf.tensor_scatter_nd_sub(t, [[[1]]], [[1., 2.]])",
        "ERR InvalidArgumentError Outer dimensions of indices and update must"
        " match. Indices shape: [1,1,1], updates shape:[1,2]"
        " [Op:TensorScatterSub]",
    ),
    (
        "tf.tensor_scatter_nd_sub(t, [[1]], 5.)",
        "ERR InvalidArgumentError Updates shape must have rank at least one."
        " Found:[] [Op:TensorScatterSub]",
    ),
    (
        "tf.tensor_scatter_nd_sub(t, [1], [5., 5.])",
        "ERR InvalidArgumentError Dimensions [0,1) of indices[shape=[1]] = 1"
        " must match dimensions [0,1) of updates[shape=[2]] = 2"
        " [Op:TensorScatterSub]",
    ),
    (
        "tf.tensor_scatter_nd_sub(t, [[1, 0, 0]], [1.])",
        "ERR InvalidArgumentError Inner dimensions of output shape must match"
        " inner dimensions of updates shape. Output: [3,2] updates: [1]"
        " [Op:TensorScatterSub]",
    ),
    (
        "tf.tensor_scatter_nd_sub(t, [[1., 0]], [1.])",
        "ERR InvalidArgumentError Value for attr 'Tindices' of float is not in"
        " the list of allowed values: int32, int64 [Op:TensorScatterSub]",
    ),
    (
        "tf.tensor_scatter_nd_sub(t, [[3]], [[1.,2.]])",
        "ERR InvalidArgumentError indices[0] = [3] does not index into shape"
        " [3,2] [Op:TensorScatterSub]",
    ),
    (
        "tf.tensor_scatter_nd_max(t, [[1]], [1., 2.])",
        "ERR InvalidArgumentError Outer dimensions of indices and update must"
        " match. Indices shape: [1,1], updates shape:[2] [Op:TensorScatterMax]",
    ),
    (
        "tf.tensor_scatter_nd_max(t, [[1]], [[1., 2., 3.]])",
        "ERR InvalidArgumentError The inner 1 dimensions of output.shape=[3,2]"
        " must match the inner 1 dimensions of updates.shape=[1,3]"
        " [Op:TensorScatterMax]",
    ),
    (
        "tf.tensor_scatter_nd_max(t, [[[1]]], [[1., 2.]])",
        "ERR InvalidArgumentError Outer dimensions of indices and update must"
        " match. Indices shape: [1,1,1], updates shape:[1,2]"
        " [Op:TensorScatterMax]",
    ),
    (
        "tf.tensor_scatter_nd_max(t, [[1]], 5.)",
        "ERR InvalidArgumentError Updates shape must have rank at least one."
        " Found:[] [Op:TensorScatterMax]",
    ),
    (
        "tf.tensor_scatter_nd_max(t, [1], [5., 5.])",
        "ERR InvalidArgumentError Dimensions [0,1) of indices[shape=[1]] = 1"
        " must match dimensions [0,1) of updates[shape=[2]] = 2"
        " [Op:TensorScatterMax]",
    ),
    (
        "tf.tensor_scatter_nd_max(t, [[1, 0, 0]], [1.])",
        "ERR InvalidArgumentError Inner dimensions of output shape must match"
        " inner dimensions of updates shape. Output: [3,2] updates: [1]"
        " [Op:TensorScatterMax]",
    ),
    (
        "tf.tensor_scatter_nd_max(t, [[1., 0]], [1.])",
        "ERR InvalidArgumentError Value for attr 'Tindices' of float is not in"
        " the list of allowed values: int32, int64 [Op:TensorScatterMax]",
    ),
    (
        "tf.tensor_scatter_nd_max(t, [[3]], [[1.,2.]])",
        "ERR InvalidArgumentError indices[0] = [3] does not index into shape"
        " [3,2] [Op:TensorScatterMax]",
    ),
    (
        "tf.tensor_scatter_nd_min(t, [[1]], [1., 2.])",
        "ERR InvalidArgumentError Outer dimensions of indices and update must"
        " match. Indices shape: [1,1], updates shape:[2] [Op:TensorScatterMin]",
    ),
    (
        "tf.tensor_scatter_nd_min(t, [[1]], [[1., 2., 3.]])",
        "ERR InvalidArgumentError The inner 1 dimensions of output.shape=[3,2]"
        " must match the inner 1 dimensions of updates.shape=[1,3]"
        " [Op:TensorScatterMin]",
    ),
    (
        "tf.tensor_scatter_nd_min(t, [[[1]]], [[1., 2.]])",
        "ERR InvalidArgumentError Outer dimensions of indices and update must"
        " match. Indices shape: [1,1,1], updates shape:[1,2]"
        " [Op:TensorScatterMin]",
    ),
    (
        "tf.tensor_scatter_nd_min(t, [[1]], 5.)",
        "ERR InvalidArgumentError Updates shape must have rank at least one."
        " Found:[] [Op:TensorScatterMin]",
    ),
    (
        "tf.tensor_scatter_nd_min(t, [1], [5., 5.])",
        "ERR InvalidArgumentError Dimensions [0,1) of indices[shape=[1]] = 1"
        " must match dimensions [0,1) of updates[shape=[2]] = 2"
        " [Op:TensorScatterMin]",
    ),
    (
        "tf.tensor_scatter_nd_min(t, [[1, 0, 0]], [1.])",
        "ERR InvalidArgumentError Inner dimensions of output shape must match"
        " inner dimensions of updates shape. Output: [3,2] updates: [1]"
        " [Op:TensorScatterMin]",
    ),
    (
        "tf.tensor_scatter_nd_min(t, [[1., 0]], [1.])",
        "ERR InvalidArgumentError Value for attr 'Tindices' of float is not in"
        " the list of allowed values: int32, int64 [Op:TensorScatterMin]",
    ),
    (
        "tf.tensor_scatter_nd_min(t, [[3]], [[1.,2.]])",
        "ERR InvalidArgumentError indices[0] = [3] does not index into shape"
        " [3,2] [Op:TensorScatterMin]",
    ),
    (
        "tf.tensor_scatter_nd_max(c([1, 2]), [[0]], [5])",
        "OK <tf.Tensor: shape=(2,), dtype=int32, numpy=array([5, 2], dtype=int32)>",
    ),
    (
        "tf.tensor_scatter_nd_max(c([True]), [[0]], [False])",
        "ERR NotFoundError Could not find device for node: {{node"
        " TensorScatterMax}} = TensorScatterMax[T=DT_BOOL, Tindices=DT_INT32,"
        ' bad_indices_policy=""]',
    ),
    (
        "tf.tensor_scatter_nd_max(c([1.0]), [[0]], [1])",
        "OK <tf.Tensor: shape=(1,), dtype=float32, numpy=array([1.], dtype=float32)>",
    ),
    (
        "tf.tensor_scatter_nd_sub(c([1.0]), [[0]], c([1]))",
        "ERR InvalidArgumentError cannot compute TensorScatterSub as input"
        " #2(zero-based) was expected to be a float tensor but is a int32"
        " tensor [Op:TensorScatterSub]",
    ),
    (
        "tf.tensor_scatter_nd_update(c(1.), [[0]], [1.])",
        "ERR InvalidArgumentError Inner dimensions of output shape must match"
        " inner dimensions of updates shape. Output: [] updates: [1]"
        " [Op:TensorScatterUpdate]",
    ),
    (
        "tf.tensor_scatter_nd_add(c(1.), [[0]], [1.])",
        "ERR InvalidArgumentError Inner dimensions of output shape must match"
        " inner dimensions of updates shape. Output: [] updates: [1]"
        " [Op:TensorScatterAdd]",
    ),
    (
        "tf.tensor_scatter_nd_update(t, 1, [1., 2.])",
        "ERR InvalidArgumentError Indices shape must have rank at least one."
        " Found:[] [Op:TensorScatterUpdate]",
    ),
    (
        "tf.tensor_scatter_nd_update(t, [1], [5.])",
        "ERR InvalidArgumentError The inner 1 dimensions of output.shape=[3,2]"
        " must match the inner 1 dimensions of updates.shape=[1]"
        " [Op:TensorScatterUpdate]",
    ),
    (
        "tf.tensor_scatter_nd_update(c([1.,2.]), [1], [5.])",
        "ERR InvalidArgumentError Inner dimensions of output shape must match"
        " inner dimensions of updates shape. Output: [2] updates: [1]"
        " [Op:TensorScatterUpdate]",
    ),
    (
        "tf.tensor_scatter_nd_update(c([1.,2.,3.]), [[0, 1]], [5.])",
        "ERR InvalidArgumentError Inner dimensions of output shape must match"
        " inner dimensions of updates shape. Output: [3] updates: [1]"
        " [Op:TensorScatterUpdate]",
    ),
    (
        "tf.tensor_scatter_nd_add(t, [[0]], c([[1, 2]]))",
        "ERR InvalidArgumentError cannot compute TensorScatterAdd as input"
        " #2(zero-based) was expected to be a float tensor but is a int32"
        " tensor [Op:TensorScatterAdd]",
    ),
    (
        "tf.tensor_scatter_nd_update(t, [[0]], c([[1, 2]]))",
        "ERR InvalidArgumentError cannot compute TensorScatterUpdate as input"
        " #2(zero-based) was expected to be a float tensor but is a int32"
        " tensor [Op:TensorScatterUpdate]",
    ),
    (
        "tf.tensor_scatter_nd_min(c([1, 2]), [[0], [0]], [0, -1])",
        "OK <tf.Tensor: shape=(2,), dtype=int32, numpy=array([-1,  2], dtype=int32)>",
    ),
    (
        "tf.tensor_scatter_nd_max(c([1.], tf.float16), [[0]], [2.])",
        "OK <tf.Tensor: shape=(1,), dtype=float16, numpy=array([2.], dtype=float16)>",
    ),
    (
        "tf.tensor_scatter_nd_max(c([1j]), [[0]], [2j])",
        "ERR NotFoundError Could not find device for node: {{node"
        " TensorScatterMax}} = TensorScatterMax[T=DT_COMPLEX128,"
        ' Tindices=DT_INT32, bad_indices_policy=""]',
    ),
    (
        "tf.tensor_scatter_nd_sub(c([1, 2]), [[0], [0]], [1, 1])",
        "OK <tf.Tensor: shape=(2,), dtype=int32, numpy=array([-1,  2], dtype=int32)>",
    ),
]


@pytest.mark.parametrize("expr, expected", CASES)
def test_tensor_scatter_matches_tf(expr, expected):
    try:
        got = "OK " + repr(eval(expr))
    except Exception as e:  # the class and message are the expected output
        got = f"ERR {type(e).__name__} {e}"
    assert got == expected


def test_tensor_scatter_results_on_a_matrix():
    np.testing.assert_array_equal(
        tf.tensor_scatter_nd_max(t, [[0], [0]], [[1.0, 2.0], [3.0, 4.0]]).numpy(),
        [[3, 4], [3, 4], [5, 6]],
    )
    np.testing.assert_array_equal(
        tf.tensor_scatter_nd_sub(t, [[0, 1], [0, 1]], [7.0, 8.0]).numpy(),
        [[1, -13], [3, 4], [5, 6]],
    )
    np.testing.assert_array_equal(
        tf.tensor_scatter_nd_min(t, [[0], [0]], [[1.0, 2.0], [3.0, 4.0]]).numpy(),
        [[1, 2], [3, 4], [5, 6]],
    )


def test_max_min_gradients_follow_tfs_tie_rule():
    # Observed on TF 2.21: the winner takes the gradient; ties share it equally.
    x = tf.Variable([1.0, 5.0, 3.0])
    with tf.GradientTape() as g:
        y = tf.tensor_scatter_nd_max(x * 1.0, [[0], [1], [0]], tf.constant([2.0, 4.0, 0.5]) * x[2])
    np.testing.assert_allclose(g.gradient(y, x).numpy(), [0, 0, 7])
    with tf.GradientTape() as g:
        y = tf.tensor_scatter_nd_min(x * 1.0, [[0], [1]], tf.constant([2.0, 4.0]) * x[2])
    np.testing.assert_allclose(g.gradient(y, x).numpy(), [1, 1, 1])
    with tf.GradientTape() as g:
        y = tf.tensor_scatter_nd_max(x * 1.0, [[0], [0]], tf.constant([1.0, 1.0]) * x[0])
    np.testing.assert_allclose(g.gradient(y, x).numpy(), [1, 1, 1])
    with tf.GradientTape() as g:
        y = tf.tensor_scatter_nd_sub(x * 2.0, [[0], [0]], tf.constant([1.0, 1.0]) * x[2])
    np.testing.assert_allclose(g.gradient(y, x).numpy(), [2, 2, 0])


def test_max_jvp_matches_the_vjp_at_a_tie():
    x = tf.constant([1.0, 5.0])
    u = tf.constant([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(
        (x, u), (tf.constant([1.0, 0.0]), tf.constant([1.0, 1.0]))
    ) as acc:
        y = tf.tensor_scatter_nd_max(x, [[0], [1]], u)
    # x[0] ties with u[0]: the tangent is their mean; x[1] = 5 beats u[1] = 2.
    np.testing.assert_allclose(acc.jvp(y).numpy(), [1.0, 0.0])
