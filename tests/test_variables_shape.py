"""tf.Variable with unknown or partly known static shapes (observed on TF 2.21)."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf

S = tf.TensorShape


def test_unknown_shape_is_reported_while_values_of_any_shape_are_assigned():
    v = tf.Variable([1.0, 2.0], shape=S(None))
    assert repr(v.shape) == "TensorShape(None)" and str(v.get_shape()) == "<unknown>"
    assert repr(v) == (
        "<tf.Variable 'Variable:0' shape=<unknown> dtype=float32, "
        "numpy=array([1., 2.], dtype=float32)>"
    )
    out = v.assign([1.0, 2.0, 3.0])
    assert str(out.shape) == "<unknown>" and v.numpy().shape == (3,)
    v.assign([[1.0]])
    assert v.shape.rank is None and v.numpy().shape == (1, 1)
    v.assign_add([[1.0]])
    assert repr(v.read_value()) == (
        "<tf.Tensor: shape=(1, 1), dtype=float32, numpy=array([[2.]], dtype=float32)>"
    )
    assert tf.convert_to_tensor(v).shape == S([1, 1])
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        v.assign_add([1.0, 2.0])
    assert str(info.value) == (
        "Cannot update variable with shape [1,1] using a Tensor with shape [2], shapes must "
        "be equal. [Op:AssignAddVariableOp]"
    )
    with pytest.raises(ValueError, match=r"^as_list\(\) is not defined on an unknown"):
        v.shape.as_list()


def test_partly_known_shape_checks_the_known_dimensions():
    w = tf.Variable([1.0, 2.0], shape=S([None]))
    assert repr(w.shape) == "TensorShape([None])"
    w.assign([1.0, 2.0, 3.0])
    assert str(w.shape) == "(None,)" and w.numpy().tolist() == [1, 2, 3]
    for value, shown in [([[1.0]], "(1, 1)"), (1.0, "()")]:
        with pytest.raises(ValueError) as info:
            w.assign(value)
        assert str(info.value) == (
            "Cannot assign value to variable ' Variable:0': Shape mismatch.The variable shape "
            f"(None,), and the assigned value shape {shown} are incompatible."
        )
    u = tf.Variable([[1.0, 2.0]], shape=[None, 2])
    u.assign([[1.0, 2.0], [3.0, 4.0]])
    assert str(u.shape) == "(None, 2)" and u.numpy().shape == (2, 2)
    with pytest.raises(ValueError, match=r"variable shape \(None, 2\), and the assigned value"):
        u.assign([[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(u.numpy(), [[1, 2], [3, 4]])


@pytest.mark.parametrize(
    "shape, shown", [([3], "[3]"), ((3,), "(3,)"), (S([3]), "(3,)"), ([None, 2], "[None, 2]")]
)
def test_incompatible_initial_value_raises_tfs_message(shape, shown):
    with pytest.raises(ValueError) as info:
        tf.Variable([1.0, 2.0], shape=shape)
    assert str(info.value) == (
        "In this `tf.Variable` creation, the initial value's shape ((2,)) is not compatible "
        f"with the explicitly supplied `shape` argument ({shown})."
    )


def test_validate_shape_false_changes_nothing_eagerly():
    z = tf.Variable([1.0, 2.0], validate_shape=False)
    assert z.shape == S([2])
    with pytest.raises(ValueError, match="variable shape \\(2,\\), and the assigned value"):
        z.assign([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="In this `tf.Variable` creation"):
        tf.Variable([1.0, 2.0], shape=[5], validate_shape=False)


def test_unknown_shape_variable_reads_slices_scatters_and_differentiates():
    x = tf.Variable([1.0, 2.0], shape=S(None))
    assert [float(e) for e in x] == [1.0, 2.0]
    assert str(x.scatter_nd_update([[0]], [5.0]).shape) == "<unknown>"
    assert str(x[1].assign(7.0).shape) == "<unknown>"
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(x * x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [10.0, 14.0])
    assert repr(tf.Variable(1.0, shape=S(None))) == (
        "<tf.Variable 'Variable:0' shape=<unknown> dtype=float32, numpy=1.0>"
    )


def test_tf_function_assigning_new_shapes_matches_eager():
    x = tf.Variable([1.0, 2.0], shape=S(None))

    @tf.function
    def f(a):
        x.assign(a)
        return tf.reduce_sum(x)

    assert float(f(tf.ones([3]))) == 3.0 and str(x.shape) == "<unknown>"
    assert float(f(tf.ones([2, 2]))) == 4.0 and x.numpy().shape == (2, 2)


def test_a_variable_has_no_len_or_ndim_as_tf():
    # Observed on TF 2.21: ResourceVariable defines neither (a read tensor has both).
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(TypeError) as info:
        len(v)
    assert str(info.value) == "object of type 'ResourceVariable' has no len()"
    with pytest.raises(AttributeError) as info:
        v.ndim  # noqa: B018
    assert str(info.value) == "'ResourceVariable' object has no attribute 'ndim'"
    assert len(v.read_value()) == 2 and v.read_value().ndim == 1


def test_initial_value_is_not_supported_eagerly_as_tf():
    with pytest.raises(RuntimeError) as info:
        tf.Variable([1.0]).initial_value  # noqa: B018
    assert str(info.value) == "This property is not supported when eager execution is enabled."
