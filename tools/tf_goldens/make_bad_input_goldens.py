"""Generates tests/data/tf_bad_input_goldens.json: what TensorFlow does with bad inputs.

Usage (TensorFlow lives in its own venv, never in the project's environment)::

    /work/tfvenv/bin/python tools/tf_goldens/make_bad_input_goldens.py

Two kinds of cases, both replayed on tapeflow by tests/test_bad_inputs.py:

* EXAMPLES: hand-written code strings (issue 15's list of bad inputs and their relatives); the
  replay compares the error class and, unless the test relaxes it, the message.
* GENERATED: every public function of the namespaces tf, tf.math, tf.linalg, tf.nn, tf.random,
  tf.bitwise, tf.debugging and tf.dtypes (FUNCTIONS below; SKIPPED lists the callables left
  out, with the reason) called with a good input and with a fixed list of bad inputs for its
  first tensor argument(s): rank 0 and rank 5, another dtype (bool, int32, float32, complex64,
  string), empty ([0] and [2, 0]), non-finite (nan, inf), None, plus per-function variants
  (a Python float where an int is expected, ...) and the gradient of the good call. The
  replay compares the error class, or the result's dtypes and shapes.

A case is ``{"setup", "call"}``: ``setup`` binds ``x`` (and nothing else that runs an op),
``call`` leaves its result in ``out`` (tests/bad_input_goldens.py runs both). Inputs are
literals, so the file is deterministic (keys sorted).
"""

from __future__ import annotations

import itertools

from family import DATA, ROOT, import_tensorflow, write

OUTPUT = DATA / "tf_bad_input_goldens.json"

# -- hand-written cases (issue 15, "Every bad input gets TF's error class") --------------------

_TAPE = (
    "x = tf.constant([1.0, 2.0])\nwith tf.GradientTape() as t:\n    t.watch(x)\n    y = x * 2.0\n"
)

_VAR = "v = tf.Variable([1.0, 2.0])\n"

EXAMPLES = {
    # arithmetic with Python values of the wrong kind
    "int_tensor_times_float": "out = tf.constant([1, 2]) * 1.5",
    "int_tensor_plus_float": "out = tf.constant([1, 2]) + 1.5",
    "int_tensor_minus_float": "out = tf.constant([1, 2]) - 1.5",
    "int_tensor_div_float": "out = tf.constant([1, 2]) / 1.5",
    "int_tensor_floordiv_float": "out = tf.constant([1, 2]) // 1.5",
    "int_tensor_mod_float": "out = tf.constant([1, 2]) % 1.5",
    "int_tensor_pow_float": "out = tf.constant([1, 2]) ** 1.5",
    "float_times_int_tensor": "out = 1.5 * tf.constant([1, 2])",
    "int_tensor_lt_float": "out = tf.constant([1, 2]) < 1.5",
    "int_tensor_and_float": "out = tf.constant([True]) & 1.5",
    "tf_multiply_int_float": "out = tf.multiply(tf.constant([1, 2]), 1.5)",
    "tf_add_int_float": "out = tf.add(tf.constant([1, 2]), 1.5)",
    "tf_add_float_int_tensor": "out = tf.add(1.5, tf.constant([1, 2]))",
    "tf_subtract_int_float": "out = tf.subtract(tf.constant([1, 2]), 1.5)",
    # conversion of values that are not numbers
    "constant_int_and_str": "out = tf.constant([1, 'a'])",
    "constant_float_and_none": "out = tf.constant([1.0, None])",
    "constant_none": "out = tf.constant(None)",
    "constant_list_of_none": "out = tf.constant([None])",
    "constant_object_array": "out = tf.constant(np.array([1, 'a', None], dtype=object))",
    "constant_object_array_floats": "out = tf.constant(np.array([1.0, 2.0], dtype=object))",
    "constant_object": "out = tf.constant(object())",
    "constant_list_of_object": "out = tf.constant([object()])",
    "convert_int_and_str": "out = tf.convert_to_tensor([1, 'a'])",
    "constant_dict": "out = tf.constant({'a': 1})",
    "constant_set": "out = tf.constant({1, 2})",
    # strings in arithmetic
    "float_tensor_plus_str": "out = tf.constant([1.0]) + 'a'",
    "str_plus_float_tensor": "out = 'a' + tf.constant([1.0])",
    "float_tensor_times_str": "out = tf.constant([1.0]) * 'a'",
    "tf_add_float_str": "out = tf.add(tf.constant([1.0]), 'a')",
    "exp_of_str": "out = tf.exp('a')",
    "float_tensor_eq_str": "out = tf.constant([1.0]) == 'a'",
    "float_tensor_minus_str": "out = tf.constant([1.0]) - 'a'",
    "float_tensor_div_str": "out = tf.constant([1.0]) / 'a'",
    "str_div_float_tensor": "out = 'a' / tf.constant([1.0])",
    # output_gradients and variable updates of the wrong shape or dtype
    "output_gradients_shape": _TAPE
    + "out = t.gradient(y, x, output_gradients=tf.constant([1.0, 2.0, 3.0]))",
    "output_gradients_dtype": _TAPE
    + "out = t.gradient(y, x, output_gradients=tf.constant([1.0, 2.0], tf.float64))",
    "output_gradients_broadcast": _TAPE
    + "out = t.gradient(y, x, output_gradients=tf.constant(3.0))",
    "output_gradients_int": _TAPE + "out = t.gradient(y, x, output_gradients=tf.constant([1, 2]))",
    "assign_add_shape": "v = tf.Variable([1.0, 2.0])\nout = v.assign_add([1.0, 2.0, 3.0])",
    "assign_add_dtype": "v = tf.Variable([1.0, 2.0])\n"
    "out = v.assign_add(tf.constant([1.0, 2.0], tf.float64))",
    "assign_sub_shape": "v = tf.Variable([1.0, 2.0])\nout = v.assign_sub([[1.0, 2.0]])",
    "assign_add_int_to_float": _VAR + "out = v.assign_add(tf.constant([1, 2]))",
    "assign_add_float_to_int": "v = tf.Variable([1, 2])\nout = v.assign_add([1.5, 2.0])",
    "assign_shape": "v = tf.Variable([1.0, 2.0])\nout = v.assign([1.0, 2.0, 3.0])",
    "assign_dtype": _VAR + "out = v.assign(tf.constant([1.0, 2.0], tf.float64))",
    "assign_add_none": "v = tf.Variable([1.0, 2.0])\nout = v.assign_add(None)",
    # ranks and shapes
    "rank_above_numpy_limit": "out = tf.reshape(tf.constant(1.0), [1] * 70)",
    "rank_above_tf_limit": "out = tf.reshape(tf.constant(1.0), [1] * 300)",
    "zeros_rank_above_tf_limit": "out = tf.zeros([1] * 300)",
    "zeros_rank_above_numpy_limit": "out = tf.zeros([1] * 70)",
    "ones_rank_above_numpy_limit": "out = tf.ones([1] * 65)",
    "expand_dims_past_rank_limit": "out = tf.expand_dims(tf.zeros([1] * 64), 0)",
    "float_shape": "out = tf.zeros([2.5])",
    "float_shape_whole": "out = tf.ones([2.0, 3])",
    "float_shape_reshape": "out = tf.reshape(tf.range(6), [2.0, 3])",
    "float_shape_fill": "out = tf.fill([2.5], 1.0)",
    "float_shape_normal": "out = tf.random.normal([2.5])",
    "float_axis_reduce": "out = tf.reduce_sum(tf.ones([2, 3]), axis=0.5)",
    "float_axis_concat": "out = tf.concat([tf.ones([2]), tf.ones([2])], axis=0.5)",
    "float_axis_expand_dims": "out = tf.expand_dims(tf.ones([2]), 0.5)",
    "float_axis_argmax": "out = tf.argmax(tf.ones([2, 3]), axis=0.5)",
    "ones_none": "out = tf.ones(None)",
    "zeros_none": "out = tf.zeros(None)",
    "fill_none": "out = tf.fill(None, 1.0)",
    "reshape_none": "out = tf.reshape(tf.ones([2]), None)",
    "tensordot_scalars": "out = tf.tensordot(tf.constant(2.0), tf.constant(3.0), 1)",
    "tensordot_scalar_vector": "out = tf.tensordot(tf.constant(2.0), tf.constant([3.0]), 1)",
    "tensordot_scalars_zero": "out = tf.tensordot(tf.constant(2.0), tf.constant(3.0), 0)",
    "split_scalar": "out = tf.split(tf.constant(1.0), 2)",
    "split_scalar_sizes": "out = tf.split(tf.constant(1.0), [1, 1])",
    "unstack_scalar": "out = tf.unstack(tf.constant(1.0))",
    "duplicate_reduction_axes": "out = tf.reduce_sum(tf.ones([2, 3]), axis=[0, 0])",
    "duplicate_reduction_axes_negative": "out = tf.reduce_sum(tf.ones([2, 3]), axis=[1, -1])",
    "duplicate_axes_reduce_max": "out = tf.reduce_max(tf.ones([2, 3]), axis=[0, 0])",
    "duplicate_axes_reduce_mean": "out = tf.reduce_mean(tf.ones([2, 3]), axis=[0, -2])",
    "duplicate_axes_reduce_all": "out = tf.reduce_all(tf.ones([2, 3], tf.bool), axis=[1, 1])",
    "one_hot_negative_depth": "out = tf.one_hot([0, 1], -1)",
    "one_hot_float_depth": "out = tf.one_hot([0, 1], 2.5)",
    "eye_float": "out = tf.eye(2.5)",
    "eye_negative": "out = tf.eye(-1)",
    "eye_float_columns": "out = tf.eye(2, 2.5)",
    "linspace_float_num": "out = tf.linspace(0.0, 1.0, 2.5)",
    "linspace_negative_num": "out = tf.linspace(0.0, 1.0, -1)",
    "reduce_any_float": "out = tf.reduce_any(tf.constant([1.0, 0.0]))",
    "reduce_all_float": "out = tf.reduce_all(tf.constant([1.0, 0.0]))",
    "reduce_any_int": "out = tf.reduce_any(tf.constant([1, 0]))",
    "sort_bool": "out = tf.sort(tf.constant([True, False]))",
    "sort_complex": "out = tf.sort(tf.constant([1 + 1j, 2j]))",
    "argsort_bool": "out = tf.argsort(tf.constant([True, False]))",
    "argsort_complex": "out = tf.argsort(tf.constant([1 + 1j, 2j]))",
    "sort_descending_bool": "out = tf.sort(tf.constant([True, False]), direction='DESCENDING')",
    "top_k_bool": "out = tf.math.top_k(tf.constant([True, False]))",
    "unconnected_bogus_connected": "x = tf.constant(1.0)\n"
    "with tf.GradientTape() as t:\n    t.watch(x)\n    y = x * 2.0\n"
    "out = t.gradient(y, x, unconnected_gradients='bogus')",
    "unconnected_bogus_unconnected": "x = tf.constant(1.0)\n"
    "with tf.GradientTape() as t:\n    y = x * 2.0\n"
    "out = t.gradient(y, x, unconnected_gradients='bogus')",
    "reshape_empty_inferred": "out = tf.reshape(tf.zeros([0]), [-1, 0])",
    "reshape_empty_inferred_middle": "out = tf.reshape(tf.zeros([2, 0]), [2, -1, 0])",
    "reshape_nonempty_zero_dim": "out = tf.reshape(tf.zeros([2]), [-1, 0])",
    "transpose_missing_entry": "out = tf.transpose(tf.zeros([2, 3]), [0, 2])",
    "transpose_repeated_entry": "out = tf.transpose(tf.zeros([2, 3]), [0, 0])",
    "transpose_short_perm": "out = tf.transpose(tf.zeros([2, 3, 4]), [0, 2])",
    "transpose_negative_entry": "out = tf.transpose(tf.zeros([2, 3]), [-1, 0])",
    # gradients that reach the ops only a backward pass runs
    "second_order_max_pool": "x = tf.reshape(tf.range(16.0), [1, 4, 4, 1])\n"
    "with tf.GradientTape() as outer:\n    outer.watch(x)\n"
    "    with tf.GradientTape() as inner:\n        inner.watch(x)\n"
    "        y = tf.nn.max_pool2d(x, 2, 2, 'VALID')\n"
    "    g = inner.gradient(y, x)\nout = outer.gradient(g, x)",
    "second_order_relu": "x = tf.constant([-1.0, 2.0])\n"
    "with tf.GradientTape() as outer:\n    outer.watch(x)\n"
    "    with tf.GradientTape() as inner:\n        inner.watch(x)\n"
    "        y = tf.nn.relu(x) * x\n"
    "    g = inner.gradient(y, x)\nout = outer.gradient(g, x)",
}

# -- generated cases ------------------------------------------------------------------------------

# The good input of each kind of first argument: (literal value, dtype name).
BASES = {
    "F": ([[0.25, 0.5, 0.75], [1.25, 1.5, 2.0]], "float32"),
    "FV": ([0.25, 0.5, 0.75], "float32"),
    "FS": (0.5, "float32"),
    "NEG": ([[-0.25, -0.5, -0.75], [-1.25, -1.5, -2.0]], "float32"),
    "SQ": ([[2.0, 1.0], [1.0, 3.0]], "float32"),
    "IMG": ([[[[0.5], [1.0], [1.5], [2.0]]] * 4], "float32"),  # NHWC (1, 4, 4, 1)
    "SEQ": ([[[0.5], [1.0], [1.5], [2.0]]], "float32"),  # NWC (1, 4, 1)
    "I": ([[1, 2, 3], [4, 5, 6]], "int32"),
    "B": ([[True, False, True], [False, True, True]], "bool"),
    "BS": (True, "bool"),
    "SHAPE": ([2, 3], "int32"),
    "IDX": ([0, 2, 1], "int32"),
    "IDX2": ([[0], [2]], "int32"),
    "N": (3, "int32"),
}
FLOAT_BASES = {"F", "FV", "FS", "NEG", "SQ", "IMG", "SEQ"}
DTYPES = ("bool", "int32", "float32", "complex64")
STRINGS = "abcdefgh"


class Spec:
    """One public function: its call with the first tensor argument(s) written ``{x}``."""

    def __init__(
        self, name, call, base="F", extras=None, grad=True, runs_op=True, omit=None, grads=None
    ):
        self.name = name
        self.omit = omit or {}
        self.grads = grads or {}
        self.call = call
        self.base = base
        self.extras = extras or {}
        self.grad = grad and base in FLOAT_BASES
        self.runs_op = runs_op


FUNCTIONS: list[Spec] = []


def fn(name, call=None, base="F", extras=None, grad=True, runs_op=True, omit=None, grads=None):
    """Registers `Spec(name, call)`; the default call is ``tf.<name>({x})``.

    `extras` are more calls (good input), `grads` more calls whose gradient is taken; `omit`
    maps variants left out to the reason (TF itself cannot run them).
    """
    call = call or f"tf.{name}({{x}})"
    FUNCTIONS.append(Spec(name, call, base, extras, grad, runs_op, omit, grads))


_AXIS = {
    "axis_float": "tf.{name}({{x}}, axis=0.5)",
    "axis_out_of_range": "tf.{name}({{x}}, axis=2)",
}


def _reduction_extras(name):
    extras = {k: v.format(name=name) for k, v in _AXIS.items()}
    extras["axis_duplicate"] = f"tf.{name}({{x}}, axis=[0, -2])"
    extras["axis_tensor_float"] = f"tf.{name}({{x}}, axis=tf.constant(1.0))"
    return extras


# elementwise, one input
for _name in (
    "abs acos acosh asin asinh atan atanh cos cosh exp floor negative round sigmoid sign sin "
    "sinh sqrt square tan tanh identity stop_gradient ones_like zeros_like"
).split():
    fn(_name)
for _name in (
    "ceil digamma erf erfc expm1 imag angle is_finite is_inf is_nan lgamma log log1p "
    "reciprocal rsqrt softplus softsign"
).split():
    fn(f"math.{_name}")
fn("math.conj", runs_op=False)  # of a real tensor: the tensor itself
fn("math.real", runs_op=False)
for _name in "elu relu relu6 selu silu l2_loss".split():
    fn(f"nn.{_name}")
fn("nn.gelu", extras={"approximate": "tf.nn.gelu({x}, approximate=True)"})
fn("nn.leaky_relu", extras={"alpha_int": "tf.nn.leaky_relu({x}, alpha=1)"})
fn("rank", grad=False, runs_op=False)
fn(
    "shape",
    grad=False,
    runs_op=False,
    extras={"out_type_float": "tf.shape({x}, out_type=tf.float32)"},
)
fn("size", grad=False, runs_op=False)
fn("logical_not", base="B")
fn("bitwise.invert", base="I")
fn("linalg.adjoint", base="SQ")
fn("linalg.matrix_transpose")
fn("transpose", extras={"perm_float": "tf.transpose({x}, [1.0, 0.0])"})
fn("unique", base="FV", grad=False, runs_op=False)
fn("math.count_nonzero", extras=_reduction_extras("math.count_nonzero"), grad=False)
fn("convert_to_tensor", runs_op=False)
fn("constant", runs_op=False, grad=False)
fn("is_tensor", runs_op=False, grad=False)
fn("cast", "tf.cast({x}, tf.int32)", extras={"to_bool": "tf.cast({x}, tf.bool)"})
fn("complex", "tf.complex({x}, {x})")

# elementwise, two inputs (both the bad input)
for _name in (
    "add subtract multiply divide truediv realdiv maximum minimum pow atan2 equal not_equal less "
    "less_equal greater greater_equal truncatediv truncatemod"
).split():
    fn(_name, f"tf.{_name}({{x}}, {{x}})")
for _name in "floordiv floormod divide_no_nan squared_difference xdivy xlogy polygamma".split():
    fn(f"math.{_name}", f"tf.math.{_name}({{x}}, {{x}})")
for _name in "logical_and logical_or".split():
    fn(_name, f"tf.{_name}({{x}}, {{x}})", base="B")
fn("math.logical_xor", "tf.math.logical_xor({x}, {x})", base="B")
for _name in "bitwise_and bitwise_or bitwise_xor left_shift right_shift".split():
    fn(f"bitwise.{_name}", f"tf.bitwise.{_name}({{x}}, {{x}})", base="I")
fn("add_n", "tf.add_n([{x}, {x}])")

# reductions and scans
for _name in ("reduce_sum reduce_mean reduce_max reduce_min reduce_prod reduce_logsumexp").split():
    fn(_name, extras=_reduction_extras(_name))
for _name in "reduce_euclidean_norm reduce_std reduce_variance".split():
    fn(f"math.{_name}", extras=_reduction_extras(f"math.{_name}"))
for _name in "reduce_all reduce_any".split():
    fn(_name, base="B", extras=_reduction_extras(_name))
for _name in ("argmax", "argmin"):
    fn(_name, extras={k: v.format(name=_name) for k, v in _AXIS.items()})
fn("cumsum", extras={k: v.format(name="cumsum") for k, v in _AXIS.items()})
fn("math.cumprod", extras={k: v.format(name="math.cumprod") for k, v in _AXIS.items()})
fn(
    "norm",
    extras={
        "ord_int": "tf.norm({x}, ord=1)",
        "ord_bad": "tf.norm({x}, ord=0.5)",
        "axis_float": "tf.norm({x}, axis=0.5)",
    },
)
fn(
    "math.top_k",
    extras={"k_float": "tf.math.top_k({x}, k=1.5)", "k_large": "tf.math.top_k({x}, 4)"},
)
fn(
    "sort",
    extras={
        "axis_float": "tf.sort({x}, axis=0.5)",
        "bad_direction": "tf.sort({x}, direction='UP')",
    },
)
fn("argsort", extras={"axis_float": "tf.argsort({x}, axis=0.5)"}, grad=False, runs_op=False)
fn(
    "nn.moments",
    "tf.nn.moments({x}, axes=[0])",
    extras={"axes_float": "tf.nn.moments({x}, axes=[0.5])"},
)
fn("nn.l2_normalize", extras={"axis_float": "tf.nn.l2_normalize({x}, axis=0.5)"})
fn("nn.softmax", extras={"axis_float": "tf.nn.softmax({x}, axis=0.5)"})
fn("nn.log_softmax", extras={"axis_float": "tf.nn.log_softmax({x}, axis=0.5)"})

# shapes and creation (the first tensor argument is a shape or a size)
for _name in ("zeros", "ones"):
    fn(_name, base="SHAPE", runs_op=False, extras={"float_dim": f"tf.{_name}([2.5, 3])"})
fn("fill", "tf.fill({x}, 1.0)", base="SHAPE", extras={"float_dim": "tf.fill([2.5, 3], 1.0)"})
fn(
    "eye",
    base="N",
    extras={"float": "tf.eye(2.5)", "float_columns": "tf.eye({x}, 2.5)", "negative": "tf.eye(-1)"},
)
fn(
    "range",
    base="N",
    runs_op=False,
    extras={"float_delta_int": "tf.range({x}, delta=0.5)", "zero_delta": "tf.range(0, {x}, 0)"},
)
fn(
    "linspace",
    "tf.linspace({x}, 1.0, 3)",
    base="FS",
    extras={"num_float": "tf.linspace({x}, 1.0, 2.5)", "num_negative": "tf.linspace({x}, 1.0, -1)"},
)
fn(
    "broadcast_to",
    "tf.broadcast_to({x}, [2, 2, 3])",
    extras={"shape_float": "tf.broadcast_to({x}, [2.5, 3])"},
)
fn(
    "reshape",
    "tf.reshape({x}, [3, 2])",
    extras={"shape_float": "tf.reshape({x}, [3.0, 2])", "inferred": "tf.reshape({x}, [-1, 0])"},
)
fn("tile", "tf.tile({x}, [1, 2])", extras={"multiples_float": "tf.tile({x}, [1.5, 2])"})
fn(
    "expand_dims",
    "tf.expand_dims({x}, 0)",
    extras={
        "axis_float": "tf.expand_dims({x}, 0.5)",
        "axis_out_of_range": "tf.expand_dims({x}, 4)",
    },
)
fn("squeeze", extras={"axis_float": "tf.squeeze({x}, 0.5)", "axis_not_one": "tf.squeeze({x}, 0)"})
for _name in ("normal", "truncated_normal"):
    fn(f"random.{_name}", base="SHAPE", extras={"float_dim": f"tf.random.{_name}([2.5, 3])"})
fn(
    "random.uniform",
    base="SHAPE",
    extras={
        "float_dim": "tf.random.uniform([2.5, 3])",
        "int_dtype": "tf.random.uniform({x}, maxval=5, dtype=tf.int32)",
    },
)
for _name in ("stateless_normal", "stateless_uniform", "stateless_truncated_normal"):
    fn(
        f"random.{_name}",
        f"tf.random.{_name}({{x}}, seed=[1, 2])",
        base="SHAPE",
        extras={"float_seed": f"tf.random.{_name}([2, 3], seed=[1.5, 2.0])"},
    )
fn(
    "random.stateless_categorical",
    "tf.random.stateless_categorical({x}, 2, seed=[1, 2])",
    extras={
        "num_negative": "tf.random.stateless_categorical({x}, -1, seed=[1, 2])",
        "seed_float": "tf.random.stateless_categorical({x}, 2, seed=[1.0, 2.0])",
        "seed_long": "tf.random.stateless_categorical({x}, 2, seed=[1, 2, 3])",
    },
    grad=False,
)
fn(
    "random.categorical",
    "tf.random.categorical({x}, 2)",
    extras={"num_float": "tf.random.categorical({x}, 1.5)"},
    grad=False,
)
fn("random.shuffle", grad=False)

# structure, indexing, layout
fn("concat", "tf.concat([{x}, {x}], 0)", extras={"axis_float": "tf.concat([{x}, {x}], 0.5)"})
fn("stack", "tf.stack([{x}, {x}])", extras={"axis_float": "tf.stack([{x}, {x}], 0.5)"})
fn("unstack", extras={"axis_float": "tf.unstack({x}, axis=0.5)"})
fn(
    "split",
    "tf.split({x}, 2)",
    extras={"num_float": "tf.split({x}, 2.5)", "sizes_float": "tf.split({x}, [1.0, 1.0])"},
)
fn(
    "gather",
    "tf.gather({x}, [1, 0])",
    extras={
        "axis_float": "tf.gather({x}, [1, 0], axis=0.5)",
        "indices_float": "tf.gather({x}, [0.5])",
    },
)
fn(
    "gather_nd",
    "tf.gather_nd({x}, [[0, 1]])",
    extras={"indices_float": "tf.gather_nd({x}, [[0.5, 1.0]])"},
)
fn(
    "boolean_mask",
    "tf.boolean_mask({x}, [True, False])",
    extras={"mask_float": "tf.boolean_mask({x}, [1.0, 0.0])"},
)
fn(
    "nn.embedding_lookup",
    "tf.nn.embedding_lookup({x}, [1, 0])",
    extras={"ids_float": "tf.nn.embedding_lookup({x}, [0.5])"},
)
fn(
    "one_hot",
    "tf.one_hot({x}, 3)",
    base="IDX",
    extras={"depth_float": "tf.one_hot({x}, 2.5)", "depth_negative": "tf.one_hot({x}, -1)"},
)
fn(
    "sequence_mask",
    "tf.sequence_mask({x}, 3)",
    base="IDX",
    runs_op=False,
    extras={"maxlen_float": "tf.sequence_mask({x}, 2.5)"},
)
fn(
    "scatter_nd",
    "tf.scatter_nd({x}, [1.0, 2.0], [4])",
    base="IDX2",
    extras={"shape_float": "tf.scatter_nd({x}, [1.0, 2.0], [4.5])"},
    omit={"rank5": "TF 2.21 aborts the process: Check failed: d < dims() (1 vs. 1)"},
)
fn(
    "tensor_scatter_nd_update",
    "tf.tensor_scatter_nd_update({x}, [[0]], [[7.0, 7.0, 7.0]])",
    extras={"indices_float": "tf.tensor_scatter_nd_update({x}, [[0.5]], [[7.0, 7.0, 7.0]])"},
)
fn(
    "tensor_scatter_nd_add",
    "tf.tensor_scatter_nd_add({x}, [[0]], [[7.0, 7.0, 7.0]])",
    extras={"indices_float": "tf.tensor_scatter_nd_add({x}, [[0.5]], [[7.0, 7.0, 7.0]])"},
)
fn(
    "tensor_scatter_nd_max",
    "tf.tensor_scatter_nd_max({x}, [[0]], [[7.0, 7.0, 7.0]])",
    extras={"indices_float": "tf.tensor_scatter_nd_max({x}, [[0.5]], [[7.0, 7.0, 7.0]])"},
)
fn(
    "tensor_scatter_nd_min",
    "tf.tensor_scatter_nd_min({x}, [[0]], [[7.0, 7.0, 7.0]])",
    extras={"indices_float": "tf.tensor_scatter_nd_min({x}, [[0.5]], [[7.0, 7.0, 7.0]])"},
)
fn(
    "tensor_scatter_nd_sub",
    "tf.tensor_scatter_nd_sub({x}, [[0]], [[7.0, 7.0, 7.0]])",
    extras={"indices_float": "tf.tensor_scatter_nd_sub({x}, [[0.5]], [[7.0, 7.0, 7.0]])"},
)
fn(
    "pad",
    "tf.pad({x}, [[1, 0], [0, 1]])",
    extras={
        "paddings_float": "tf.pad({x}, [[1.5, 0], [0, 1]])",
        "reflect": "tf.pad({x}, [[1, 1], [1, 1]], 'REFLECT')",
    },
    grads={"reflect_grad": "tf.pad({x}, [[1, 1], [1, 1]], 'REFLECT')"},
)
fn("reverse", "tf.reverse({x}, [0])", extras={"axis_float": "tf.reverse({x}, [0.5])"})
fn(
    "roll",
    "tf.roll({x}, 1, 1)",
    extras={"shift_float": "tf.roll({x}, 1.5, 1)", "axis_float": "tf.roll({x}, 1, 0.5)"},
)
fn(
    "slice",
    "tf.slice({x}, [0, 1], [1, 2])",
    extras={"begin_float": "tf.slice({x}, [0.5, 1], [1, 2])"},
)
fn(
    "strided_slice",
    "tf.strided_slice({x}, [0], [1])",
    extras={"begin_float": "tf.strided_slice({x}, [0.5], [1])"},
)
fn(
    "repeat",
    "tf.repeat({x}, 2, axis=0)",
    extras={
        "repeats_float": "tf.repeat({x}, 1.5, axis=0)",
        "axis_float": "tf.repeat({x}, 2, axis=0.5)",
    },
)
fn("meshgrid", "tf.meshgrid({x}, {x})", base="FV")
fn("einsum", "tf.einsum('ij,kj->ik', {x}, {x})")
fn(
    "tensordot",
    "tf.tensordot({x}, {x}, 1)",
    base="SQ",
    extras={"axes_float": "tf.tensordot({x}, {x}, 1.5)", "axes_large": "tf.tensordot({x}, {x}, 3)"},
)
fn(
    "where",
    "tf.where({x}, tf.ones([2, 3]), tf.zeros([2, 3]))",
    base="B",
    extras={"one_argument": "tf.where({x})"},
)
fn("clip_by_value", "tf.clip_by_value({x}, 0.5, 1.5)")
fn(
    "clip_by_norm",
    "tf.clip_by_norm({x}, 1.0)",
    extras={"axes_float": "tf.clip_by_norm({x}, 1.0, axes=[0.5])"},
)
fn("clip_by_global_norm", "tf.clip_by_global_norm([{x}, {x}], 1.0)")
fn("linalg.global_norm", "tf.linalg.global_norm([{x}])")

# linear algebra (square float matrices)
fn("matmul", "tf.matmul({x}, {x})", base="SQ")
fn("linalg.matvec", "tf.linalg.matvec({x}, [1.0, 2.0])", base="SQ")
fn("linalg.cross", "tf.linalg.cross({x}, {x})")
fn(
    "linalg.band_part",
    "tf.linalg.band_part({x}, 0, -1)",
    base="SQ",
    extras={"num_lower_float": "tf.linalg.band_part({x}, 0.5, -1)"},
)
fn("linalg.diag", base="FV", extras={"k_float": "tf.linalg.diag({x}, k=0.5)"})
fn("linalg.diag_part", base="SQ", extras={"k_float": "tf.linalg.diag_part({x}, k=0.5)"})
fn("linalg.set_diag", "tf.linalg.set_diag({x}, [1.0, 1.0])", base="SQ")
fn("linalg.trace", base="SQ")
for _name in "cholesky det inv logdet slogdet qr svd eigh eigvalsh".split():
    fn(f"linalg.{_name}", base="SQ")
for _name in ("cholesky_solve", "solve", "triangular_solve"):
    fn(f"linalg.{_name}", f"tf.linalg.{_name}({{x}}, [[1.0], [2.0]])", base="SQ")
fn(
    "linalg.lstsq",
    "tf.linalg.lstsq({x}, [[1.0], [2.0]])",
    base="SQ",
    extras={"not_fast": "tf.linalg.lstsq({x}, [[1.0], [2.0]], fast=False)"},
)

# neural networks
fn("nn.bias_add", "tf.nn.bias_add({x}, [1.0, 2.0, 3.0])")
fn(
    "nn.batch_normalization",
    "tf.nn.batch_normalization({x}, 0.5, 2.0, 0.1, 1.5, 1e-3)",
)
fn(
    "nn.dropout",
    "tf.nn.dropout({x}, 0.5, seed=1)",
    extras={"rate_one": "tf.nn.dropout({x}, 1.0)"},
    grad=False,
)
for _name in ("avg_pool", "max_pool"):
    fn(
        f"nn.{_name}",
        f"tf.nn.{_name}({{x}}, 2, 2, 'VALID')",
        base="IMG",
        extras={"ksize_float": f"tf.nn.{_name}({{x}}, 1.5, 2, 'VALID')"},
    )
    fn(
        f"nn.{_name}2d",
        f"tf.nn.{_name}2d({{x}}, 2, 2, 'VALID')",
        base="IMG",
        extras={"ksize_float": f"tf.nn.{_name}2d({{x}}, 1.5, 2, 'VALID')"},
    )
    fn(
        f"nn.{_name}1d",
        f"tf.nn.{_name}1d({{x}}, 2, 2, 'VALID')",
        base="SEQ",
        extras={"strides_float": f"tf.nn.{_name}1d({{x}}, 2, 1.5, 'VALID')"},
    )
fn(
    "nn.conv1d",
    "tf.nn.conv1d({x}, tf.ones([2, 1, 1]), 1, 'VALID')",
    base="SEQ",
    extras={"stride_float": "tf.nn.conv1d({x}, tf.ones([2, 1, 1]), 1.5, 'VALID')"},
)
fn(
    "nn.conv2d",
    "tf.nn.conv2d({x}, tf.ones([2, 2, 1, 1]), 1, 'VALID')",
    base="IMG",
    extras={"strides_float": "tf.nn.conv2d({x}, tf.ones([2, 2, 1, 1]), 1.5, 'VALID')"},
)
fn(
    "nn.conv2d_transpose",
    "tf.nn.conv2d_transpose({x}, tf.ones([2, 2, 1, 1]), [1, 5, 5, 1], 1, 'VALID')",
    base="IMG",
    extras={
        "output_shape_float": "tf.nn.conv2d_transpose({x}, tf.ones([2, 2, 1, 1]), "
        "[1, 5.0, 5, 1], 1, 'VALID')"
    },
)
fn(
    "nn.sigmoid_cross_entropy_with_logits",
    "tf.nn.sigmoid_cross_entropy_with_logits(labels={x}, logits={x})",
)
fn("nn.softmax_cross_entropy_with_logits", "tf.nn.softmax_cross_entropy_with_logits({x}, {x})")
fn(
    "nn.sparse_softmax_cross_entropy_with_logits",
    "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 2], logits={x})",
    extras={
        "labels_float": "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0.5, 2.0], "
        "logits={x})",
        "labels_out_of_range": "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 3], "
        "logits={x})",
    },
)
fn(
    "nn.weighted_cross_entropy_with_logits",
    "tf.nn.weighted_cross_entropy_with_logits({x}, {x}, 2.0)",
)

# debugging
fn("debugging.Assert", "tf.debugging.Assert({x}, [1.0])", base="BS", runs_op=False)
fn("debugging.assert_all_finite", "tf.debugging.assert_all_finite({x}, 'bad')", grad=False)
fn("debugging.check_numerics", "tf.debugging.check_numerics({x}, 'bad')")
fn("debugging.assert_equal", "tf.debugging.assert_equal({x}, tf.identity({x}))", grad=False)
fn("debugging.assert_none_equal", "tf.debugging.assert_none_equal({x}, {x} + 1)", grad=False)
fn("debugging.assert_near", "tf.debugging.assert_near({x}, {x})", grad=False)
fn("debugging.assert_less", "tf.debugging.assert_less({x}, {x} + 1)", grad=False)
fn("debugging.assert_less_equal", "tf.debugging.assert_less_equal({x}, {x})", grad=False)
fn("debugging.assert_greater", "tf.debugging.assert_greater({x} + 1, {x})", grad=False)
fn("debugging.assert_greater_equal", "tf.debugging.assert_greater_equal({x}, {x})", grad=False)
fn("debugging.assert_positive", grad=False)
fn("debugging.assert_non_negative", grad=False)
fn("debugging.assert_negative", base="NEG", grad=False)
fn("debugging.assert_non_positive", base="NEG", grad=False)
fn(
    "debugging.assert_rank",
    "tf.debugging.assert_rank({x}, 2)",
    grad=False,
    runs_op=False,
    extras={"rank_float": "tf.debugging.assert_rank({x}, 2.5)"},
)
fn(
    "debugging.assert_shapes",
    "tf.debugging.assert_shapes([({x}, ('a', 'b'))])",
    grad=False,
    runs_op=False,
)
fn(
    "debugging.assert_type",
    "tf.debugging.assert_type({x}, tf.float32)",
    grad=False,
    runs_op=False,
)
fn("debugging.assert_integer", base="I", grad=False, runs_op=False)
fn(
    "debugging.assert_proper_iterable",
    "tf.debugging.assert_proper_iterable([{x}])",
    grad=False,
    runs_op=False,
)
fn(
    "debugging.assert_rank_at_least",
    "tf.debugging.assert_rank_at_least({x}, 1)",
    grad=False,
    runs_op=False,
    extras={"rank_float": "tf.debugging.assert_rank_at_least({x}, 1.5)"},
)
fn(
    "debugging.assert_rank_in",
    "tf.debugging.assert_rank_in({x}, [1, 2])",
    grad=False,
    runs_op=False,
    extras={"rank_float": "tf.debugging.assert_rank_in({x}, [1.5])"},
)
fn(
    "debugging.assert_same_float_dtype",
    "tf.debugging.assert_same_float_dtype([{x}, {x}])",
    grad=False,
    runs_op=False,
)
fn("debugging.assert_scalar", base="FS", grad=False, runs_op=False)
fn("debugging.is_numeric_tensor", grad=False, runs_op=False)
fn("math.is_non_decreasing", base="FV", grad=False)
fn("math.is_strictly_increasing", base="FV", grad=False)

# framework names that take tensors
fn(
    "ensure_shape",
    "tf.ensure_shape({x}, [2, 3])",
    extras={
        "incompatible": "tf.ensure_shape({x}, [3])",
        "unknown_dims": "tf.ensure_shape({x}, [None, 3])",
        "unknown_rank": "tf.ensure_shape({x}, None)",
        "shape_float": "tf.ensure_shape({x}, [2.5, 3])",
        "shape_negative": "tf.ensure_shape({x}, [-1, 3])",
        "shape_string": "tf.ensure_shape({x}, 'ab')",
    },
)
fn("identity_n", "tf.identity_n([{x}, {x}])", extras={"empty_list": "tf.identity_n([])"})
fn("get_static_value", runs_op=False, grad=False)

# Public callables with no tensor argument to make bad, or none at all.
SKIPPED = {
    "control_dependencies": "takes control inputs to order; eagerly a null context (pinned "
    "in tests/test_function_ops.py)",
    "device": "takes a device name, not a tensor (its parsing errors are pinned in "
    "tests/test_function_ops.py)",
    "gradients": "raises the same RuntimeError eagerly for every input",
    "group": "returns None eagerly for every input",
    "hessians": "raises the same RuntimeError eagerly for every input",
    "init_scope": "a context manager; no argument",
    "no_gradient": "takes an op type name and registers it for the whole process (misuse "
    "pinned in tf_register_gradient_goldens)",
    "no_op": "takes no argument",
    "tuple": "returns its argument unchanged eagerly, for every input",
    "alias": "tapeflow's own (no TF counterpart): maps `import tensorflow/keras` to tapeflow",
    "as_dtype": "takes a dtype spec, not a tensor (dtype errors are pinned in tf_goldens)",
    "custom_gradient": "a decorator: it wraps a function and runs no op itself",
    "debugging.disable_check_numerics": "switches a mode; no tensor argument",
    "debugging.enable_check_numerics": "switches a mode; no tensor argument",
    "executing_eagerly": "takes no argument",
    "function": "a decorator: it wraps a function and runs no op itself",
    "grad_pass_through": "a decorator: it wraps a function and runs no op itself",
    "print": "writes to stderr and returns None for any input",
    "random.get_global_generator": "takes no argument",
    "random.set_global_generator": "takes a Generator, not a tensor",
    "random.set_seed": "takes a Python seed; changes global state",
    "recompute_grad": "a decorator: it wraps a function and runs no op itself",
    # Functional control flow takes Python callables; its misuse errors (predicates,
    # branch structures, indices, loop variables) are TF goldens of their own
    # (tools/tf_goldens/make_control_flow_goldens.py).
    "case": "takes predicate/callable pairs (misuse pinned in tf_control_flow_goldens)",
    "cond": "takes callables (misuse pinned in tf_control_flow_goldens)",
    "foldl": "takes a callable (misuse pinned in tf_control_flow_goldens)",
    "foldr": "takes a callable (misuse pinned in tf_control_flow_goldens)",
    "map_fn": "takes a callable (misuse pinned in tf_control_flow_goldens)",
    "numpy_function": "takes a callable (misuse pinned in tf_script_ops_goldens)",
    "py_function": "takes a callable (misuse pinned in tf_script_ops_goldens)",
    "scan": "takes a callable (misuse pinned in tf_control_flow_goldens)",
    "switch_case": "takes callables (misuse pinned in tf_control_flow_goldens)",
    "vectorized_map": "takes a callable (misuse pinned in tf_vectorized_map_goldens)",
    "while_loop": "takes callables (misuse pinned in tf_control_flow_goldens)",
}

# Skipped names that are tapeflow's own, so TF has no such attribute to resolve.
TAPEFLOW_ONLY = {"alias"}

# -- the bad inputs ------------------------------------------------------------------------------


def _flat(value):
    if isinstance(value, list):
        return [y for v in value for y in _flat(v)]
    return [value]


def _shape(value):
    shape = []
    while isinstance(value, list):
        shape.append(len(value))
        value = value[0]
    return shape


def _fill(shape, elements):
    """Nested lists of `shape` holding `elements` in order."""
    if not shape:
        return next(elements)
    return [_fill(shape[1:], elements) for _ in range(shape[0])]


def _cast(v, dtype):
    if dtype == "bool":
        return bool(v)
    if dtype == "int32":
        return int(v)
    if dtype == "float32":
        return float(v)
    return complex(v)


def _literal(value):
    """Python source for a nested list of numbers (non-finite floats spelled out)."""
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, float) and value != value:
        return "float('nan')"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "float('inf')" if value > 0 else "-float('inf')"
    return repr(value)


def _constant(value, dtype):
    return f"tf.constant({_literal(value)}, tf.{dtype})"


def inputs(base: str) -> dict[str, str]:
    """The setup expression of `x` for the good input and each bad input of a base."""
    value, dtype = BASES[base]
    flat, shape = _flat(value), _shape(value)
    variants = {"good": _constant(value, dtype)}
    if shape:
        variants["rank0"] = _constant(flat[0], dtype)
    variants["rank5"] = _constant(_fill([2, 1, 2, 1, 2], itertools.cycle(flat)), dtype)
    for other in DTYPES:
        if other != dtype:
            cast = [_cast(v, other) for v in flat]
            variants[other] = _constant(_fill(shape, iter(cast)), other)
    letters = itertools.cycle(STRINGS)
    variants["string"] = f"tf.constant({_literal(_fill(shape, letters))})"
    variants["empty"] = f"tf.zeros([0], tf.{dtype})"
    variants["empty2d"] = f"tf.zeros([2, 0], tf.{dtype})"
    if dtype == "float32":
        for name, special in (("nan", float("nan")), ("inf", float("inf"))):
            variants[name] = _constant(_fill(shape, iter([special] + flat[1:])), dtype)
    variants["none"] = "None"
    return variants


def _grad_call(call: str) -> str:
    return (
        "with tf.GradientTape() as tape:\n"
        "    tape.watch(x)\n"
        f"    y = {call}\n"
        "out = tape.gradient(y, x)"
    )


def generated_cases() -> dict[str, dict]:
    """``{function: {variant: {"setup", "call"}}}`` for every spec in FUNCTIONS."""
    table = {}
    for spec in FUNCTIONS:
        assert spec.name not in table, spec.name
        good_call = spec.call.replace("{x}", "x")
        cases = {}
        for variant, expr in inputs(spec.base).items():
            if variant in spec.omit:
                continue
            cases[variant] = {"setup": f"x = {expr}", "call": f"out = {good_call}"}
        good_setup = cases["good"]["setup"]
        for variant, call in spec.extras.items():
            assert variant not in cases, (spec.name, variant)
            cases[variant] = {"setup": good_setup, "call": f"out = {call.replace('{x}', 'x')}"}
        if spec.grad:
            cases["grad"] = {"setup": good_setup, "call": _grad_call(good_call)}
        for variant, call in spec.grads.items():
            assert variant not in cases, (spec.name, variant)
            cases[variant] = {"setup": good_setup, "call": _grad_call(call.replace("{x}", "x"))}
        table[spec.name] = {"cases": cases, "runs_op": spec.runs_op, "omitted": spec.omit}
    return table


def example_cases() -> dict[str, dict]:
    """``{name: {"setup", "call"}}``: the hand-written cases run their whole code as the call."""
    return {name: {"setup": "", "call": code} for name, code in EXAMPLES.items()}


def _resolve(module, dotted: str):
    for part in dotted.split("."):
        module = getattr(module, part)
    return module


def main() -> None:
    """Runs every case under TensorFlow and writes the golden file."""
    tf = import_tensorflow()
    from bad_input_goldens import run  # tests/ is on sys.path once family is imported

    for name in [s.name for s in FUNCTIONS] + [n for n in SKIPPED if n not in TAPEFLOW_ONLY]:
        _resolve(tf, name)  # every function under test exists in TF (AttributeError if not)
    examples = {n: {**c, **run(c["setup"], c["call"], tf)} for n, c in example_cases().items()}
    functions = {}
    for name, entry in generated_cases().items():
        tf.random.set_seed(0)
        results = {v: {**c, **run(c["setup"], c["call"], tf)} for v, c in entry["cases"].items()}
        functions[name] = {**entry, "cases": results}
    count = len(examples) + sum(len(f["cases"]) for f in functions.values())
    document = {
        "header": {
            "tensorflow_version": tf.__version__,
            "generator": (ROOT / "tools/tf_goldens/make_bad_input_goldens.py")
            .relative_to(ROOT)
            .as_posix(),
            "case_count": count,
        },
        "examples": examples,
        "functions": functions,
        "skipped": SKIPPED,
    }
    write(OUTPUT, document, count)


if __name__ == "__main__":
    main()
