"""tf.function, tf.TensorSpec, tf.config and tf.print against TensorFlow's behaviour.

Expected messages and printed text were observed with TF 2.21 (TF's eager errors also
carry a "{{function_node ...}}" prefix and a " name: " suffix, which tapeflow omits).
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

import tapeflow as tf

SPEC_N3 = "TensorSpec(shape=(None, 3), dtype=tf.float32, name=None)"


# -- decorator forms --------------------------------------------------------------------------


def test_all_three_decorator_forms_wrap_and_call():
    def plain(x):
        """Doubles."""
        return 2 * x

    @tf.function
    def bare(x):
        return 2 * x

    @tf.function()
    def called(x):
        return 2 * x

    wrapped = tf.function(plain)
    for f in (bare, called, wrapped):
        assert float(f(tf.constant(1.5))) == 3.0
    assert wrapped.python_function is plain
    assert wrapped.__name__ == "plain" and wrapped.__doc__ == "Doubles."
    assert wrapped.input_signature is None


def test_body_runs_when_tracing_only_as_in_tf():
    calls = []

    @tf.function
    def f(x):
        calls.append(1)  # as in TF: runs only while tracing
        return x + 1

    assert float(f(tf.constant(1.0))) == 2.0
    assert float(f(tf.constant(2.0))) == 3.0
    assert len(calls) == 1
    assert f.experimental_get_tracing_count() == 1


def test_python_control_flow_on_tensors_needs_no_autograph():
    @tf.function
    def relu_sum(x):
        total = tf.constant(0.0)
        for v in x:
            if v > 0:
                total += v
        return total

    assert float(relu_sum(tf.constant([1.0, -2.0, 3.0]))) == 4.0


def test_method_binds_self_per_instance():
    class Scale:
        def __init__(self, k):
            self.k = k

        @tf.function
        def __call__(self, x):
            return x * self.k

        @tf.function(input_signature=[tf.TensorSpec([], tf.float32)])
        def scaled(self, x):
            return x * self.k

    a, b = Scale(2.0), Scale(3.0)
    assert float(a(tf.constant(1.0))) == 2.0
    assert float(b(tf.constant(1.0))) == 3.0
    assert float(a.scaled(1)) == 2.0  # the signature excludes self; 1 becomes float32
    assert Scale.scaled is Scale.__dict__["scaled"]  # class access gives the Function itself
    assert a.scaled.python_function.__self__ is a
    with pytest.raises(TypeError, match="Binding inputs to tf.function failed"):
        a.scaled(tf.constant([1.0]))


# -- input_signature --------------------------------------------------------------------------


@tf.function(input_signature=[tf.TensorSpec(shape=(None, 3), dtype=tf.float32)])
def _double(x):
    return x * 2


def test_signature_converts_python_values_and_numpy_arrays():
    out = _double([[1, 2, 3]])  # Python ints become float32, as TF converts them
    assert out.dtype == tf.float32 and out.numpy().tolist() == [[2.0, 4.0, 6.0]]
    out = _double(np.ones((2, 3), np.float64))  # TF also casts NumPy arrays to the spec
    assert out.dtype == tf.float32 and out.shape == (2, 3)
    assert _double(x=tf.ones([1, 3])).shape == (1, 3)


@pytest.mark.parametrize(
    "args, reason",
    [
        (
            (tf.constant([[1, 2, 3]]),),
            "Can not cast TensorSpec(shape=(1, 3), dtype=tf.int32, name=None) to " + SPEC_N3,
        ),
        (
            (tf.constant([[1.0, 2.0]]),),
            "Can not cast TensorSpec(shape=(1, 2), dtype=tf.float32, name=None) to " + SPEC_N3,
        ),
        ((1.0,), "Can not cast TensorSpec(shape=(), dtype=tf.float32, name=None) to " + SPEC_N3),
        ((tf.ones([1, 3]), 2), "too many positional arguments"),
        ((), "missing a required argument: 'x'"),
    ],
)
def test_signature_mismatch_raises_tfs_type_error(args, reason):
    # observed with TF 2.21
    expected = (
        f"Binding inputs to tf.function failed due to `{reason}`. Received args: {args!r} and "
        f"kwargs: {{}} for signature: (x: {SPEC_N3})."
    )
    with pytest.raises(TypeError) as info:
        _double(*args)
    assert str(info.value) == expected


def test_signature_python_value_that_does_not_fit_the_dtype():
    f = tf.function(
        lambda a, b: (a, b), input_signature=[tf.TensorSpec([]), tf.TensorSpec([], tf.int64)]
    )
    a, b = f(1, 2)
    assert a.dtype == tf.float32 and b.dtype == tf.int64
    with pytest.raises(
        TypeError, match=r"failed due to `Cannot convert 2.5 to EagerTensor of dtype int64`"
    ):
        f(1.5, 2.5)
    with pytest.raises(TypeError, match="got an unexpected keyword argument 'c'"):
        f(1.0, 2, c=3)
    with pytest.raises(TypeError, match="multiple values for argument 'a'"):
        f(1.0, a=2)


def test_parameters_past_the_signature_keep_their_default():
    @tf.function(input_signature=[tf.TensorSpec([], tf.float32)])
    def f(x, training=False):
        return x * (2.0 if training else 1.0)

    assert float(f(3.0)) == 3.0
    assert float(f(3.0, False)) == 3.0
    with pytest.raises(TypeError) as info:
        f(3.0, True)
    # observed with TF 2.21
    assert "`Can not cast True to Literal[False]`" in str(info.value)
    assert "training: Literal[False] = <captured_default_value>)" in str(info.value)


def test_nested_signature_and_var_args():
    pair = [tf.TensorSpec([], tf.float32), tf.TensorSpec([], tf.int32)]
    f = tf.function(lambda x: x, input_signature=[pair])
    a, b = f([1.0, 2])
    assert (a.dtype, b.dtype) == (tf.float32, tf.int32)
    with pytest.raises(TypeError, match="Can not cast 1.0 to list type."):
        f(1.0)
    g = tf.function(lambda *a: a, input_signature=[tf.TensorSpec([], tf.float32)] * 2)
    assert [t.dtype for t in g(1.0, 2.0)] == [tf.float32, tf.float32]


@pytest.mark.parametrize(
    "signature, message",
    [
        # observed with TF 2.21
        (tf.TensorSpec([], tf.float32), "input_signature must be either a tuple or a list, got"),
        (
            ["a"],
            "input_signature must be a possibly nested sequence of TensorSpec objects, got "
            "invalid args ['a'] with types [<class 'str'>].",
        ),
    ],
)
def test_malformed_signature_raises_type_error(signature, message):
    with pytest.raises(TypeError) as info:
        tf.function(lambda x: x, input_signature=signature)
    assert message in str(info.value)


def test_signature_must_cover_each_parameter_without_default():
    def f(x, y):
        return x

    with pytest.raises(TypeError, match="input_signature missing type constraint for y"):
        tf.function(f, input_signature=[tf.TensorSpec([])])(1.0, 2.0)
    with pytest.raises(TypeError, match="input_signature contains 1 extra type constraints."):
        tf.function(f, input_signature=[tf.TensorSpec([])] * 3)(1.0, 2.0)


def test_concrete_function_calls_under_its_signature():
    concrete = _double.get_concrete_function()
    assert concrete(tf.ones([2, 3])).shape == (2, 3)
    assert concrete.python_function is _double.python_function
    free = tf.function(lambda x: x + 1).get_concrete_function(tf.TensorSpec([2], tf.float32))
    assert free(tf.ones([2])).numpy().tolist() == [2.0, 2.0]
    # TF's wart (2.21): a tensor of another shape passes through the flat signature.
    assert free(tf.ones([3])).numpy().tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(TypeError, match="Can not cast"):
        free(1.0)


# -- gradients ---------------------------------------------------------------------------------


def _loss(x, w):
    return tf.reduce_sum(tf.tanh(x * w) ** 2)


@pytest.mark.parametrize(
    "decorate",
    [
        tf.function,
        tf.function(
            input_signature=[tf.TensorSpec([3], tf.float64), tf.TensorSpec([3], tf.float64)]
        ),
    ],
)
def test_first_and_second_order_gradients_match_undecorated(decorate):
    fn = decorate(_loss)
    x = tf.constant([0.3, -0.5, 1.2], tf.float64)
    w = tf.Variable([1.0, 2.0, -0.7], dtype=tf.float64)
    results = []
    for f in (_loss, fn):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = f(x, w)
            dx, dw = inner.gradient(y, [x, w])
        d2x = outer.gradient(dx, x)
        results.append([dx.numpy(), dw.numpy(), d2x.numpy()])
    for plain, decorated in zip(*results):
        np.testing.assert_array_equal(plain, decorated)


def test_tape_inside_a_function():
    @tf.function
    def grad_of_square(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x
        return tape.gradient(y, x)

    assert float(grad_of_square(tf.constant(3.0))) == 6.0


# -- TensorSpec -------------------------------------------------------------------------------


def test_tensor_spec_repr_and_properties():
    # observed with TF 2.21
    spec = tf.TensorSpec(shape=(None, 3), dtype=tf.float32)
    assert repr(spec) == str(spec) == SPEC_N3
    assert repr(tf.TensorSpec(shape=[], dtype=tf.int32, name="x")) == (
        "TensorSpec(shape=(), dtype=tf.int32, name='x')"
    )
    assert repr(tf.TensorSpec(None)) == "TensorSpec(shape=<unknown>, dtype=tf.float32, name=None)"
    assert (
        repr(tf.TensorSpec([2], "float64")) == "TensorSpec(shape=(2,), dtype=tf.float64, name=None)"
    )
    assert (
        spec.shape == tf.TensorShape([None, 3]) and spec.dtype == tf.float32 and spec.name is None
    )


def test_tensor_spec_compatibility_equality_and_constructors():
    spec = tf.TensorSpec([None, 3], tf.float32)
    assert spec.is_compatible_with(tf.constant([[1.0, 2.0, 3.0]]))
    assert spec.is_compatible_with(tf.TensorSpec([2, 3]))
    assert not spec.is_compatible_with(tf.TensorSpec([2, 3], tf.float64))
    assert not spec.is_compatible_with(tf.constant([[1, 2, 3]]))
    assert not spec.is_compatible_with(np.zeros((2, 3), np.float32))  # TF: only tensors/specs
    assert spec == tf.TensorSpec([None, 3]) and spec != tf.TensorSpec([None, 3], name="a")
    assert hash(spec) == hash(tf.TensorSpec([None, 3]))
    assert tf.TensorSpec.from_tensor(tf.constant([1, 2]), name="q") == tf.TensorSpec(
        [2], tf.int32, "q"
    )
    assert tf.TensorSpec.from_spec(spec, name="b").name == "b"


def test_tensor_spec_rejects_bad_dtype_and_dims():
    with pytest.raises(TypeError):
        tf.TensorSpec([2], "xx")
    with pytest.raises(ValueError, match="Dimension -2 must be >= 0"):
        tf.TensorSpec([-2])


# -- tf.config ---------------------------------------------------------------------------------


def test_run_functions_eagerly_round_trips():
    assert tf.config.functions_run_eagerly() is False
    try:
        tf.config.run_functions_eagerly(True)
        assert tf.config.functions_run_eagerly() is True
        assert float(tf.function(lambda x: x + 1)(tf.constant(1.0))) == 2.0
    finally:
        tf.config.run_functions_eagerly(False)
    assert tf.config.functions_run_eagerly() is False


def test_config_devices_and_harmless_settings():
    # observed with TF 2.21 on a CPU-only machine
    cpu = tf.config.list_physical_devices("CPU")
    assert repr(cpu) == "[PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]"
    assert tf.config.list_physical_devices() == cpu
    assert tf.config.list_physical_devices("GPU") == []
    assert tf.config.list_physical_devices("cpu") == []  # case-sensitive, as in TF
    assert cpu[0].name == "/physical_device:CPU:0" and cpu[0].device_type == "CPU"
    assert repr(tf.config.list_logical_devices()) == (
        "[LogicalDevice(name='/device:CPU:0', device_type='CPU')]"
    )
    tf.config.threading.set_intra_op_parallelism_threads(2)
    tf.config.threading.set_inter_op_parallelism_threads(3)
    assert tf.config.threading.get_intra_op_parallelism_threads() == 2
    assert tf.config.threading.get_inter_op_parallelism_threads() == 3
    tf.config.set_visible_devices([], "GPU")
    with pytest.raises(ValueError, match="Cannot set memory growth on non-GPU"):
        tf.config.experimental.set_memory_growth(cpu[0], True)


# -- tf.print ---------------------------------------------------------------------------------


PRINT_CASES = [
    # (inputs, keyword arguments, printed text) observed with TF 2.21
    ((tf.constant([1, 2]),), {}, "[1 2]\n"),
    ((tf.constant(3.5),), {}, "3.5\n"),
    ((tf.constant([1.5, 2.25, 1e-8]),), {}, "[1.5 2.25 1e-08]\n"),
    ((tf.constant([1.0, 2.0]),), {}, "[1 2]\n"),
    ((tf.constant(np.arange(10)),), {}, "[0 1 2 ... 7 8 9]\n"),
    ((tf.constant(np.arange(6)),), {}, "[0 1 2 3 4 5]\n"),
    ((tf.constant(np.arange(10)),), {"summarize": -1}, "[0 1 2 3 4 5 6 7 8 9]\n"),
    ((tf.constant(np.arange(10)),), {"summarize": 2}, "[0 1 ... 8 9]\n"),
    ((tf.constant(np.arange(8)),), {"summarize": 0}, "[ ...]\n"),
    ((tf.constant(np.arange(6).reshape(2, 3)),), {}, "[[0 1 2]\n [3 4 5]]\n"),
    (
        (tf.constant(np.arange(24).reshape(2, 3, 4)),),
        {},
        "[[[0 1 2 3]\n  [4 5 6 7]\n  [8 9 10 11]]\n\n [[12 13 14 15]\n  [16 17 18 19]\n"
        "  [20 21 22 23]]]\n",
    ),
    ((tf.constant(np.arange(7).reshape(7, 1)),), {}, "[[0]\n [1]\n [2]\n ...\n [4]\n [5]\n [6]]\n"),
    ((tf.constant([True, False]),), {}, "[1 0]\n"),
    ((tf.constant([1e10, 1.0]),), {}, "[1e+10 1]\n"),
    ((tf.constant([np.nan, np.inf, -np.inf]),), {}, "[nan inf -inf]\n"),
    ((tf.constant(1.0, tf.float64) / 3,), {}, "0.33333333333333331\n"),
    ((tf.constant(1.0) / 3,), {}, "0.333333343\n"),
    ((tf.constant(1.0, tf.float16) / 3,), {}, "0.333251953\n"),
    ((tf.constant([1e-5, 123456.7]),), {}, "[1e-05 123456.703]\n"),
    ((tf.constant(-0.0),), {}, "-0\n"),
    ((tf.constant(1 + 2j),), {}, "?\n"),
    ((tf.zeros([0]),), {}, "[]\n"),
    ((tf.zeros([2, 0]),), {}, "[\n ...]\n"),
    (
        (
            "loss:",
            tf.constant(0.123456789),
            "step",
            3,
            [1, tf.constant(2)],
            {"a": tf.constant(1.0)},
        ),
        {},
        "loss: 0.123456791 step 3 [1, 2] {'a': 1}\n",
    ),
    (
        (0.1 + 0.2, np.float32(0.1), (tf.constant(1),)),
        {},
        "0.30000000000000004 np.float32(0.1) (1,)\n",
    ),
    ((np.array([1.5, 2.0]), tf.Variable([1.5, 2.0])), {}, "array([1.5, 2. ]) [1.5 2]\n"),
    ((tf.constant([1, 2]), tf.constant(3)), {"sep": ",", "end": "!\n"}, "[1 2],3!\n"),
    ((), {}, "\n"),
]


@pytest.mark.parametrize("inputs, kwargs, expected", PRINT_CASES)
def test_print_formats_like_tensorflow(capsys, inputs, kwargs, expected):
    tf.print(*inputs, output_stream=sys.stdout, **kwargs)
    assert capsys.readouterr().out == expected


def test_print_defaults_to_stderr_and_can_append_to_a_file(capsys, tmp_path):
    tf.print(tf.constant([1, 2]))
    assert capsys.readouterr().err == "[1 2]\n"
    path = tmp_path / "log.txt"
    tf.print("a", output_stream=f"file://{path}")
    tf.print(tf.constant(2), output_stream=f"file://{path}")
    assert path.read_text() == "a\n2\n"


def test_print_rejects_unknown_keywords_and_streams():
    # observed with TF 2.21
    with pytest.raises(
        ValueError, match=r"Unrecognized keyword arguments for tf.print: \{'bad': 2\}"
    ):
        tf.print(1, bad=2)
    with pytest.raises(
        ValueError, match="Unsupported output stream, logging level, or file.stdout"
    ):
        tf.print(1, output_stream="stdout")
