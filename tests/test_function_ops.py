"""TF's graph-building names eagerly (ensure_shape, identity_n, get_static_value, no_op, group,
tuple, control_dependencies, device, init_scope, gradients, hessians) and functions as ops.

Every expected value, class and message here was observed on TF 2.21 (eager, CPU), with TF's
eager-runtime wrapper text (`{{function_node ...}}`, the trailing ` name: `) removed.
"""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf

# -- ensure_shape ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shape", "expected"),
    [
        ([1.0, 2.0, 3.0], [2], "[3] is not compatible with expected shape [2]."),
        ([1.0, 2.0, 3.0], [2, None], "[3] is not compatible with expected shape [2,?]."),
        ([[1.0] * 3] * 2, [2], "[2,3] is not compatible with expected shape [2]."),
        (1.0, [1], "[] is not compatible with expected shape [1]."),
    ],
)
def test_ensure_shape_rejects_incompatible_shapes_with_tfs_message(value, shape, expected):
    # observed on TF 2.21
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.ensure_shape(tf.constant(value), shape)
    assert str(info.value) == f"Shape of tensor input {expected} [Op:EnsureShape]"


@pytest.mark.parametrize(
    "shape", [[3], [None], None, tf.TensorShape([3]), (None,)], ids=lambda s: repr(s)
)
def test_ensure_shape_returns_the_tensor_for_compatible_shapes(shape):
    x = tf.constant([1.0, 2.0, 3.0])
    y = tf.ensure_shape(x, shape)
    assert y.dtype == tf.float32 and y.shape == (3,)
    np.testing.assert_array_equal(y.numpy(), [1.0, 2.0, 3.0])


def test_ensure_shape_converts_its_input_and_reads_variables():
    # observed on TF 2.21: a list becomes an int32 tensor, a variable a tensor
    out = tf.ensure_shape([1, 2], [2])
    assert out.dtype == tf.int32 and isinstance(out, tf.Tensor)
    out = tf.ensure_shape(tf.Variable([1.0, 2.0]), [2])
    assert isinstance(out, tf.Tensor) and out.dtype == tf.float32
    assert tf.ensure_shape(tf.constant([True]), [1]).dtype == tf.bool


@pytest.mark.parametrize(
    ("x", "shape", "cls", "message"),
    [
        (
            None,
            [2],
            ValueError,
            "Attempt to convert a value (None) with an unsupported type (<class 'NoneType'>) "
            "to a Tensor.",
        ),
        (
            [1.0, 2.0, 3.0],
            [2.5],
            TypeError,
            "Dimension value must be integer or None or have an __index__ method, got value "
            "'2.5' with type '<class 'float'>'",
        ),
        (
            [1.0, 2.0, 3.0],
            "a",
            TypeError,
            "Failed to convert ''a'' to a shape: ''a''could not be converted to a dimension. A "
            "shape should either be single dimension (e.g. 10), or an iterable of dimensions "
            "(e.g. [1, 10, None]).",
        ),
        ([1.0, 2.0, 3.0], [-1], ValueError, "Dimension -1 must be >= 0"),
    ],
)
def test_ensure_shape_argument_errors(x, shape, cls, message):
    # observed on TF 2.21
    with pytest.raises(cls) as info:
        tf.ensure_shape(x if x is None else tf.constant(x), shape)
    assert str(info.value) == message


def test_ensure_shape_passes_gradients_and_tangents():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.ensure_shape(x * x, [3])
        g = inner.gradient(y, x)
        g2 = tf.ensure_shape(g, [None])
    # observed on TF 2.21: [2. 4. 6.]
    np.testing.assert_array_equal(g.numpy(), [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(outer.gradient(g2, x).numpy(), [2.0, 2.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.ones(3)) as acc:
        y = tf.ensure_shape(x * 2.0, [3])
    # observed on TF 2.21: [2. 2. 2.]
    np.testing.assert_array_equal(acc.jvp(y).numpy(), [2.0, 2.0, 2.0])


def test_a_failed_ensure_shape_records_nothing():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        with pytest.raises(tf.errors.InvalidArgumentError):
            tf.ensure_shape(x, [3])
        y = x * 3.0
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [3.0, 3.0])


# -- identity_n --------------------------------------------------------------------------------


def test_identity_n_returns_a_list_of_tensors_of_each_dtype():
    out = tf.identity_n([tf.constant([1.0, 2.0, 3.0]), tf.constant(1)])
    # observed on TF 2.21: a list, float32 then int32
    assert isinstance(out, list) and [t.dtype for t in out] == [tf.float32, tf.int32]
    np.testing.assert_array_equal(out[0].numpy(), [1.0, 2.0, 3.0])
    assert out[1].numpy() == 1
    mixed = tf.identity_n([1.0, 2])
    assert [t.dtype for t in mixed] == [tf.float32, tf.int32]
    (read,) = tf.identity_n([tf.Variable([1.0, 2.0])])
    assert isinstance(read, tf.Tensor) and read.shape == (2,)


def test_identity_n_iterates_a_tensor_as_tf_does():
    # observed on TF 2.21: three float32 scalars
    out = tf.identity_n(tf.constant([1.0, 2.0, 3.0]))
    assert [t.shape for t in out] == [(), (), ()]
    assert [float(t) for t in out] == [1.0, 2.0, 3.0]


def test_identity_n_errors():
    # observed on TF 2.21
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.identity_n([])
    assert str(info.value) == (
        "Length for attr 'T' of 0 must be at least minimum 1\n\t; NodeDef: {{node IdentityN}}; "
        "Op<name=IdentityN; signature=input: -> output:; attr=T:list(type),min=1> "
        "[Op:IdentityN]"
    )
    with pytest.raises(TypeError, match="'NoneType' object is not iterable"):
        tf.identity_n(None)


def test_identity_n_is_differentiable_to_second_order_and_forward():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a, b = tf.identity_n([x * 2.0, x * 3.0])
        s = a + b
    # observed on TF 2.21: [5. 5. 5.] and [2. 2. 2.]
    np.testing.assert_array_equal(tape.gradient(s, x).numpy(), [5.0, 5.0, 5.0])
    np.testing.assert_array_equal(tape.gradient(a, x).numpy(), [2.0, 2.0, 2.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            (y,) = tf.identity_n([x * x * x])
        g = inner.gradient(y, x)
    np.testing.assert_array_equal(outer.gradient(g, x).numpy(), [6.0, 12.0, 18.0])
    with tf.autodiff.ForwardAccumulator(x, tf.ones(3)) as acc:
        c, z, i = tf.identity_n([x * 4.0, tf.constant([5.0, 6.0]), tf.constant(1)])
    # observed on TF 2.21: [4. 4. 4.], zeros [0. 0.] (not None) for the constant, None for int
    np.testing.assert_array_equal(acc.jvp(c).numpy(), [4.0, 4.0, 4.0])
    np.testing.assert_array_equal(acc.jvp(z).numpy(), [0.0, 0.0])
    assert acc.jvp(i) is None


# -- get_static_value --------------------------------------------------------------------------


def test_get_static_value_of_tensors_is_their_numpy_value():
    value = tf.get_static_value(tf.constant([1.0, 2.0, 3.0]))
    # observed on TF 2.21: array([1., 2., 3.], dtype=float32), for partial=True too
    assert type(value) is np.ndarray and value.dtype == np.float32
    np.testing.assert_array_equal(value, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(tf.get_static_value(tf.constant([1.0]), partial=True), [1.0])
    scalar = tf.get_static_value(tf.constant(2.0))
    assert type(scalar) is np.float32 and scalar == 2.0  # observed: np.float32(2.0)
    assert type(tf.get_static_value(tf.constant(2))) is np.int32  # observed: np.int32(2)


def test_get_static_value_of_other_values_as_tf_eager_returns_them():
    # observed on TF 2.21: Python values come back as they are, variables give None
    assert tf.get_static_value(tf.Variable(1.0)) is None
    assert tf.get_static_value(None) is None
    items = [1, 2]
    assert tf.get_static_value(items) is items
    assert tf.get_static_value(1.5) == 1.5
    assert tf.get_static_value("a") == "a"
    array = np.array([1, 2])
    assert tf.get_static_value(array) is array


# -- no_op, group, tuple -----------------------------------------------------------------------


def test_no_op_and_group_give_none_eagerly():
    x = tf.constant([1.0, 2.0])
    # observed on TF 2.21: None every time, unknown keywords included
    assert tf.no_op() is None and tf.no_op(name="a") is None
    assert tf.group() is None
    assert tf.group(x, x) is None
    assert tf.group([x], name="g") is None
    assert tf.group(x, bogus=1) is None
    assert tf.group(1) is None and tf.group(None) is None


def test_tuple_returns_its_argument_eagerly():
    x = tf.constant([1.0, 2.0, 3.0])
    items = [x, None, 1.0]
    # observed on TF 2.21: the argument itself, unchecked
    assert tf.tuple(items) is items
    assert tf.tuple(x) is x
    pair = (x,)
    assert tf.tuple(pair) is pair and type(tf.tuple(pair)) is tuple
    assert tf.tuple([x], control_inputs=[1]) == [x]
    assert tf.tuple([[1.0]]) == [[1.0]]


# -- control_dependencies ----------------------------------------------------------------------


def test_control_dependencies_is_a_null_context_that_calls_callables():
    calls = []
    with tf.control_dependencies([tf.constant(1.0), lambda: calls.append(1)]) as entered:
        y = tf.constant(2.0) + 1.0
    assert entered is None and calls == [1] and float(y) == 3.0
    for argument in (None, [], [None], [1], [tf.Variable(1.0)], "ab", {"a": 1}):
        with tf.control_dependencies(argument) as entered:
            pass
        assert entered is None
    assert type(tf.control_dependencies([])).__name__ == "NullContextmanager"


def test_control_dependencies_validates_as_tf_eagerly_does():
    # observed on TF 2.21: truth-tested, then iterated
    with pytest.raises(ValueError, match="The truth value of an array with more than one"):
        tf.control_dependencies(tf.constant([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="Cannot iterate over a scalar tensor."):
        tf.control_dependencies(tf.constant(1.0))
    with pytest.raises(TypeError, match="'int' object is not iterable"):
        tf.control_dependencies(1)
    with tf.control_dependencies(tf.constant(0.0)):  # False: nothing is iterated
        pass
    with tf.control_dependencies(tf.constant([1.0])):
        pass


# -- device ------------------------------------------------------------------------------------

CPU = "/job:localhost/replica:0/task:0/device:CPU:0"


@pytest.mark.parametrize(
    "name",
    [
        "/cpu:0",
        "/CPU:0",
        "/device:CPU:0",
        "cpu",
        "CPU:0",
        CPU,
        "/gpu:0",
        "/GPU:0",
        "GPU:1",
        "/TPU:0",
        "",
        None,
        "/device:XLA_CPU:0",
        "/cpu:1",
        "/job:localhost/replica:1",
        "/device:FOO:0",
        "/device:CPU:*",
        "CPU:*",
        "//cpu:0",
        "/cpu:0/",
        "gpu",
        "/task:-1",
    ],
)
def test_device_accepts_tfs_device_names_and_places_on_the_cpu(name):
    # observed on TF 2.21 (CPU only): every one places on the CPU (soft placement)
    with tf.device(name) as entered:
        y = tf.constant(1.0) + 1.0
    assert entered is None and y.device == CPU


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "bogus",
            "Unknown attribute 'bogus' is encountered while parsing the device spec: 'bogus'.",
        ),
        (
            "/cpu:0/gpu:0",
            "Multiple device types are not allowed while parsing the device spec: /cpu:0/gpu:0.",
        ),
        (1, "Expecting a string device name. Got <class 'int'>(1)"),
        ("cpu:a", "invalid literal for int() with base 10: 'a'"),
        ("/replica:a", "invalid literal for int() with base 10: 'a'"),
        ("/task:b", "invalid literal for int() with base 10: 'b'"),
        ("/device:CPU:a", "invalid literal for int() with base 10: 'a'"),
        (
            "/job:a:b",
            "Unknown attribute 'job' is encountered while parsing the device spec: '/job:a:b'.",
        ),
        (
            "cpu:0:1",
            "Unknown attribute 'cpu' is encountered while parsing the device spec: 'cpu:0:1'.",
        ),
        (
            "xla_gpu",
            "Unknown attribute 'xla_gpu' is encountered while parsing the device spec: 'xla_gpu'.",
        ),
    ],
)
def test_device_rejects_bad_names_on_entry_with_tfs_error(name, message):
    # observed on TF 2.21: raised by `with`, not by tf.device itself
    context = tf.device(name)
    with pytest.raises(ValueError) as info:
        with context:
            pass
    assert str(info.value) == message


def test_device_rejects_functions():
    # observed on TF 2.21
    with pytest.raises(RuntimeError, match=r"^tf.device does not support functions.$"):
        tf.device(lambda op: "/cpu:0")


def test_device_contexts_nest():
    with tf.device("/gpu:0"):
        with tf.device("cpu"):
            assert tf.constant(1.0).device == CPU


# -- init_scope --------------------------------------------------------------------------------


def test_init_scope_stops_every_tape_as_tf_eager_does():
    x = tf.constant([1.0, 2.0, 3.0])
    v = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        with tf.init_scope() as entered:
            y = x * 2.0
            z = v * 3.0
            assert tf.executing_eagerly()
        w = x * 4.0
    # observed on TF 2.21: None None [4. 4. 4.], and no variable watched
    assert entered is None
    assert tape.gradient(y, x) is None and tape.gradient(z, v) is None
    np.testing.assert_array_equal(tape.gradient(w, x).numpy(), [4.0, 4.0, 4.0])
    assert tape.watched_variables() == ()


def test_watching_inside_init_scope_does_nothing():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        with tf.init_scope():
            tape.watch(x)
        y = x * 2.0
    assert tape.gradient(y, x) is None  # observed on TF 2.21
    with tf.init_scope():
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x
        assert inner.gradient(y, x) is None  # observed on TF 2.21: a tape entered inside
    v = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        with tf.init_scope():
            with tf.GradientTape() as inner:
                y = v * v
            assert inner.gradient(y, v) is None  # observed on TF 2.21
        z = v * 2.0
    assert float(tape.gradient(z, v)) == 2.0  # observed on TF 2.21: 2.0, recording resumed
    with tf.GradientTape() as tape:
        with tf.init_scope():
            pass
        tape.watch(x)
        y = x * x
    assert float(tape.gradient(y, x)) == 4.0  # observed on TF 2.21
    with tf.init_scope(), pytest.raises(ValueError, match="not tf.Tensor or tf.Variable"):
        tape.watch("a")  # the argument is still checked


def test_init_scope_pauses_forward_accumulators():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.autodiff.ForwardAccumulator(x, tf.ones(3)) as acc:
        with tf.init_scope():
            y = x * 2.0
        z = x * 2.0
    assert acc.jvp(y) is None  # observed on TF 2.21
    np.testing.assert_array_equal(acc.jvp(z).numpy(), [2.0, 2.0, 2.0])


# -- gradients and hessians --------------------------------------------------------------------

_EAGER_GRADIENTS = (
    "tf.gradients is not supported when eager execution is enabled. Use tf.GradientTape instead."
)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: tf.gradients(x, x),
        lambda x: tf.hessians(x, x),
        lambda x: tf.gradients(None, None),
        lambda x: tf.gradients([x], [x], grad_ys=None, name="g"),
        lambda x: tf.gradients(ys=x, xs=x, stop_gradients=[x]),
    ],
)
def test_gradients_and_hessians_raise_tfs_runtime_error_eagerly(call):
    # observed on TF 2.21: the same text for every call
    with pytest.raises(RuntimeError) as info:
        call(tf.constant([1.0, 2.0, 3.0]))
    assert str(info.value) == _EAGER_GRADIENTS
