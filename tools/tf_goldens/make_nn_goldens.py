"""Generates tests/data/tf_nn_goldens.json: TensorFlow's values, gradients and errors for
`tf.nn` (activations, softmax, cross-entropies, convolutions, pooling, normalisation).
tests/test_nn_ops.py and tests/test_conv_ops.py replay them with tapeflow.

Usage (TensorFlow lives in its own venv, never in the project's environment)::

    /tmp/tfvenv/bin/python tools/tf_goldens/make_nn_goldens.py

Each case is a code string run with ``tf`` and ``np`` (and the PRELUDE helpers) defined; it
leaves its result in ``out`` (a tensor, a list of tensors/None, or nested lists). Inputs are
literal formulas (``data(shape)``), so the file is deterministic.
"""

from __future__ import annotations

from family import DATA, generate, registry

OUTPUT = DATA / "tf_nn_goldens.json"

PRELUDE = '''
def data(shape, dtype="float32", scale=1.0, offset=0.0):
    """Deterministic, tie-free values: scale * sin(1.3 * k + offset) for k = 0, 1, ..."""
    size = int(np.prod(shape))
    return (scale * np.sin(1.3 * np.arange(size) + offset)).reshape(shape).astype(dtype)


def call(f, *xs):
    """f(xs) on constants (forward only)."""
    return f(*[tf.constant(x) for x in xs])


def grad(f, *xs):
    """[f(xs), df/dx for each x] with a fixed, non-uniform cotangent."""
    xs = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = f(*xs)
    u = tf.constant(data(y.shape.as_list(), y.dtype.name, offset=0.5))
    return [y] + list(tape.gradient(y, xs, output_gradients=u))


def grad2(f, *xs):
    """[first gradients, gradients of sum(first gradients ** 2)] through nested tapes."""
    xs = [tf.constant(x) for x in xs]
    with tf.GradientTape() as outer:
        for x in xs:
            outer.watch(x)
        with tf.GradientTape() as inner:
            for x in xs:
                inner.watch(x)
            y = f(*xs)
        gs = inner.gradient(y, xs)
        total = tf.add_n([tf.reduce_sum(g * g) for g in gs])
    return list(gs) + list(outer.gradient(total, xs))
'''

CASES, case = registry()


# -- activations: values, gradients and second derivatives at and around the kinks ------------
KINKS = "[-3.0, -1.0, -1e-3, 0.0, 1e-3, 0.5, 3.0, 6.0, 7.5]"
for act in ("relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu"):
    case(f"act_{act}_f32", f"out = grad2(tf.nn.{act}, np.float32({KINKS}))")
    case(f"act_{act}_f64", f"out = grad(tf.nn.{act}, np.float64({KINKS}))")
case(
    "act_gelu_approx_f64",
    f"out = grad(lambda x: tf.nn.gelu(x, approximate=True), np.float64({KINKS}))",
)
case(
    "act_gelu_approx",
    f"out = grad2(lambda x: tf.nn.gelu(x, approximate=True), np.float32({KINKS}))",
)
case(
    "act_leaky_relu_alpha",
    f"out = grad(lambda x: tf.nn.leaky_relu(x, alpha=0.5), np.float64({KINKS}))",
)
case("act_leaky_relu_int", "out = tf.nn.leaky_relu(tf.constant([-2, 0, 3]))")
case(
    "act_relu_int", "out = [tf.nn.relu(tf.constant([-2, 0, 3])), tf.nn.relu6(tf.constant([-2, 9]))]"
)
case("act_swish_beta", f"out = grad(lambda x: tf.nn.swish(x, beta=2.0), np.float32({KINKS}))")
case("act_elu_int_error", "out = tf.nn.elu(tf.constant([1, 2]))", "Value for attr 'T' of int32")
case("act_gelu_int_error", "out = tf.nn.gelu(tf.constant([1, 2]))", "must be a floating point")

# -- softmax ------------------------------------------------------------------------------
case("softmax_last", "out = grad(tf.nn.softmax, data((2, 3, 4)))")
case("softmax_axis0", "out = grad(lambda x: tf.nn.softmax(x, axis=0), data((3, 4)))")
case("softmax_large", "out = tf.nn.softmax(tf.constant([[1000.0, 0.0, -1000.0]]))")
case("softmax_f16", "out = tf.nn.softmax(tf.constant([1.0, 2.0, 3.0], tf.float16))")
case("log_softmax_last", "out = grad2(tf.nn.log_softmax, data((2, 5), 'float64'))")
case("log_softmax_axis1", "out = grad(lambda x: tf.nn.log_softmax(x, axis=1), data((2, 3, 2)))")
case("softmax_scalar_error", "out = tf.nn.softmax(tf.constant(1.0))", ">= 1 dimension")
case("softmax_axis_error", "out = tf.nn.softmax(tf.ones((2, 3)), axis=2)", "must be in the range")

# -- cross-entropies ------------------------------------------------------------------------
LABELS = "tf.nn.softmax(data((3, 4), offset=2.0) * 3)"
case(
    "xent_softmax",
    f"out = grad(lambda l, z: tf.nn.softmax_cross_entropy_with_logits(l, z), {LABELS}.numpy(),"
    " data((3, 4)) * 4)",
)
# Second order in the logits only: TF's rule drops the labels' part of the second derivative
# (through the op's backprop output); tapeflow's is the exact one, checked numerically.
case(
    "xent_softmax_second_order",
    f"labels = {LABELS}\n"
    "out = grad2(lambda z: tf.nn.softmax_cross_entropy_with_logits(labels, z), data((3, 4)) * 4)",
)
case(
    "xent_softmax_axis0",
    "out = grad(lambda l, z: tf.nn.softmax_cross_entropy_with_logits(l, z, axis=0),"
    " np.float32([[0.2, 0.5], [0.8, 0.5]]), data((2, 2)))",
)
case(
    "xent_softmax_broadcast_labels",
    # Forward only: TF's own gradient fails here (a Reshape of the broadcast labels gradient).
    "out = tf.nn.softmax_cross_entropy_with_logits(np.float32([0.1, 0.6, 0.3]), data((2, 3)))",
)
case(
    "xent_softmax_shape_error",
    "out = tf.nn.softmax_cross_entropy_with_logits(tf.ones((1, 2)), tf.ones((2, 3)))",
    "must be broadcastable",
)
case(
    "xent_sparse",
    "z = tf.constant(data((3, 4)) * 4)\n"
    "with tf.GradientTape() as t:\n"
    "    t.watch(z)\n"
    "    y = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[3, 0, 1], logits=z)\n"
    "out = [y, t.gradient(y, z)]",
)
case(
    "xent_sparse_int64_3d",
    "out = tf.nn.sparse_softmax_cross_entropy_with_logits("
    "labels=tf.constant([[1, 2]], tf.int64), logits=data((1, 2, 3)))",
)
case(
    "xent_sparse_out_of_range",
    "out = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 5], logits=tf.ones((2, 3)))",
    "Received a label value of 5 which is outside the valid range of [0, 3).  Label values: 0 5",
)
case(
    "xent_sparse_negative_label",
    "out = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[-1, 1], logits=tf.ones((2, 3)))",
    "Received a label value of -1",
)
case(
    "xent_sparse_shape_error",
    "out = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1, 1],"
    " logits=tf.ones((2, 3)))",
    "`labels.shape` must equal `logits.shape` except for the last dimension",
)
case(
    "xent_sigmoid",
    "out = grad(lambda z, x: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),"
    " np.float32([1.0, 0.3, 0.0, 1.0, 0.0, 0.5]), np.float32([0.0, 0.0, 20.0, 20.0, -20.0, -0.7]))",
)
case(
    "xent_sigmoid_f64_second_order",
    "out = grad2(lambda z, x: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),"
    " np.float64([1.0, 0.3, 0.0, 0.5]), np.float64([0.0, 2.0, -3.0, 40.0]))",
)
case(
    "xent_sigmoid_shape_error",
    "out = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones(2), logits=tf.ones(3))",
    "must have the same shape",
)
case(
    "xent_weighted",
    "out = grad(lambda z, x: tf.nn.weighted_cross_entropy_with_logits(z, x, 3.0),"
    " np.float32([1.0, 0.3, 0.0]), np.float32([0.5, -2.0, 4.0]))",
)

# -- losses, normalisation, bias_add, embedding -------------------------------------------------
case("l2_loss", "out = grad(tf.nn.l2_loss, data((2, 3)))")
case("l2_loss_int_error", "out = tf.nn.l2_loss(tf.constant([1, 2]))", "Value for attr 'T' of int32")
case("l2_normalize_axis1", "out = grad(lambda x: tf.nn.l2_normalize(x, axis=1), data((3, 4)))")
case("l2_normalize_zero", "out = grad(tf.nn.l2_normalize, np.float32([0.0, 0.0]))")
case("moments", "out = list(tf.nn.moments(tf.constant(data((3, 4))), axes=[0]))")
case(
    "moments_keepdims",
    "out = list(tf.nn.moments(tf.constant(data((2, 3, 2))), [0, 2], keepdims=True))",
)
case("moments_int", "out = list(tf.nn.moments(tf.constant([[1, 2], [3, 5]]), axes=[0]))")
case("moments_f16", "out = list(tf.nn.moments(tf.constant(data((4,), 'float16')), axes=[0]))")
case(
    "moments_grad",
    "out = grad(lambda x: tf.add_n([tf.reduce_sum(m * m) for m in tf.nn.moments(x, [1])]),"
    " data((2, 5)))",
)
# stop_gradient(mean) inside the variance makes TF's second derivative differ from the exact one.
case(
    "moments_second_order",
    "out = grad2(lambda x: tf.nn.moments(x, [0])[1], data((3, 2), 'float64'))",
)
case(
    "batch_normalization",
    "out = grad(lambda x, m, v, o, s: tf.nn.batch_normalization(x, m, v, o, s, 1e-3),"
    " data((4, 3)), data((3,), offset=1.0), np.float32([0.5, 1.0, 2.0]),"
    " data((3,), offset=2.0), data((3,), offset=3.0))",
)
case(
    "batch_normalization_none",
    "out = tf.nn.batch_normalization(tf.constant([1.0, 2.0]), 1.0, 4.0, None, None, 1e-3)",
)
case("bias_add_nhwc", "out = grad(tf.nn.bias_add, data((2, 3, 4)), data((4,), offset=1.0))")
case(
    "bias_add_nchw",
    "out = grad(lambda v, b: tf.nn.bias_add(v, b, data_format='NCHW'), data((2, 3, 2, 2)),"
    " data((3,), offset=1.0))",
)
case(
    "bias_add_mismatch",
    "out = tf.nn.bias_add(tf.ones((2, 4)), tf.ones((3,)))",
    "Must provide as many biases as the last dimension of the input tensor: [3] vs. [2,4]",
)
case(
    "bias_add_bias_rank",
    "out = tf.nn.bias_add(tf.ones((2, 4)), tf.ones((1, 4)))",
    "Biases must be 1D",
)
case(
    "bias_add_format",
    "out = tf.nn.bias_add(tf.ones((2, 3)), tf.ones((3,)), data_format='XYZ')",
    "`data_format` must be of the form",
)
case(
    "embedding_lookup",
    "p = tf.constant(data((4, 3)))\n"
    "with tf.GradientTape() as t:\n"
    "    t.watch(p)\n"
    "    y = tf.nn.embedding_lookup(p, [[1, 3], [1, 0]])\n"
    "out = [y, tf.convert_to_tensor(t.gradient(y, p))]",
)
case(
    "embedding_lookup_max_norm",
    "out = tf.nn.embedding_lookup(tf.constant([[3.0, 4.0], [0.3, 0.4]]), [0, 1], max_norm=1.0)",
)
case(
    "embedding_lookup_out_of_range",
    "out = tf.nn.embedding_lookup(tf.constant([[1.0, 2.0], [3.0, 4.0]]), [2])",
    "indices[0] = 2 is not in [0, 2)",
)
case("dropout_rate_zero", "out = tf.nn.dropout(tf.constant([1.0, 2.0]), 0.0)")
case("dropout_rate_one", "out = tf.nn.dropout(tf.ones(3), 1.0)", "`rate` must be a scalar tensor")
case("dropout_int", "out = tf.nn.dropout(tf.ones(3, tf.int32), 0.5)", "must be a floating point")

# -- convolutions ---------------------------------------------------------------------------
CONV = {
    "same_s1": "1, 'SAME'",
    "same_s2": "2, 'SAME'",
    "valid_s2": "[2, 1], 'VALID'",
    "same_dilated": "1, 'SAME', dilations=2",
    "valid_dilated_s2": "2, 'VALID', dilations=[1, 2]",
    "explicit": "1, [[0, 0], [1, 2], [0, 1], [0, 0]]",
    "explicit_s2": "[1, 2, 2, 1], [[0, 0], [2, 0], [1, 1], [0, 0]]",
}
for label, args in CONV.items():
    # TF's CPU gradient kernels reject dilations > 1, so dilated cases record the forward only
    # (tapeflow's dilated gradients are checked numerically by the registry tests).
    call = "call" if "dilated" in label else "grad"
    case(
        f"conv2d_{label}",
        f"out = {call}(lambda x, w: tf.nn.conv2d(x, w, {args}), data((2, 7, 6, 3)),"
        " data((3, 2, 3, 4), offset=1.0))",
    )
case(
    "conv2d_second_order",
    "out = grad2(lambda x, w: tf.nn.conv2d(x, w, 2, 'SAME', dilations=1), data((1, 5, 5, 2),"
    " 'float64'), data((3, 3, 2, 2), 'float64', offset=1.0))",
)
case(
    "conv2d_int32",
    "out = tf.nn.conv2d(tf.constant(np.arange(2*4*4*1).reshape(1, 4, 4, 2) % 5,"
    " tf.int32), tf.ones((2, 2, 2, 1), tf.int32), 1, 'VALID')",
)
case(
    "conv2d_channel_mismatch",
    "out = tf.nn.conv2d(tf.ones((1, 5, 5, 3)), tf.ones((3, 3, 2, 4)), 1, 'SAME')",
    "input depth must be evenly divisible by filter depth: 3 vs 2",
)
case(
    "conv2d_bad_padding",
    "out = tf.nn.conv2d(tf.ones((1, 5, 5, 3)), tf.ones((3, 3, 3, 4)), 1, 'same')",
    "Value for attr 'padding' of \"same\" is not in the list of allowed values",
)
case(
    "conv2d_rank_error",
    "out = tf.nn.conv2d(tf.ones((5, 5, 3)), tf.ones((3, 3, 3, 4)), 1, 'SAME')",
    "convolution input must be 4-dimensional: [5,5,3]",
)
case(
    "conv2d_strides_length",
    "out = tf.nn.conv2d(tf.ones((1, 5, 5, 3)), tf.ones((3, 3, 3, 4)), [1, 2, 2], 'VALID')",
    "strides should be of length 1, 2 or 4",
)
case(
    "conv2d_batch_stride",
    "out = tf.nn.conv2d(tf.ones((1, 5, 5, 3)), tf.ones((3, 3, 3, 4)), [2, 2, 2, 1], 'VALID')",
    "does not yet support strides in the batch and depth dimensions",
)
case(
    "conv2d_explicit_batch_pad",
    "out = tf.nn.conv2d(tf.ones((1, 5, 5, 3)), tf.ones((3, 3, 3, 4)), 1,"
    " [[1, 0], [1, 2], [0, 1], [0, 0]])",
    "Nonzero explicit padding in the batch or depth dimensions is not supported",
)
case(
    "conv2d_nchw_cpu",
    "out = tf.nn.conv2d(tf.ones((1, 3, 5, 5)), tf.ones((3, 3, 3, 4)), 1, 'SAME',"
    " data_format='NCHW')",
    "only supports the NHWC tensor format on the CPU",
)
case(
    "conv2d_dtype_mismatch",
    "out = tf.nn.conv2d(tf.ones((1, 5, 5, 3), tf.float64), tf.ones((3, 3, 3, 4)), 1, 'VALID')",
    "cannot compute Conv2D as input #1(zero-based) was expected to be a",
)
case(
    "conv2d_empty_output",
    "out = tf.nn.conv2d(tf.ones((1, 4, 4, 1)), tf.ones((5, 5, 1, 2)), 1, 'VALID')",
)
case(
    "conv1d_same_s2",
    "out = grad(lambda x, w: tf.nn.conv1d(x, w, 2, 'SAME'), data((2, 9, 3)),"
    " data((3, 3, 2), offset=1.0))",
)
case(
    "conv1d_dilated",
    "out = call(lambda x, w: tf.nn.conv1d(x, w, 1, 'VALID', dilations=2), data((1, 9, 2)),"
    " data((3, 2, 2), offset=1.0))",
)
case(
    "conv2d_transpose",
    "out = grad(lambda x, w: tf.nn.conv2d_transpose(x, w, [2, 7, 6, 3], 2, 'SAME'),"
    " data((2, 4, 3, 4)), data((3, 2, 3, 4), offset=1.0))",
)
case(
    "conv2d_transpose_size_error",
    "out = tf.nn.conv2d_transpose(tf.ones((1, 3, 3, 4)), tf.ones((3, 3, 2, 4)), [1, 7, 7, 2], 2,"
    " 'SAME')",
    "Size of out_backprop doesn't match computed: actual = 3, computed = 4",
)

# -- pooling -------------------------------------------------------------------------------
TIES = "np.float32([[1, 3, 3, 0], [3, 2, 1, 3], [0, 3, 3, 1], [2, 2, 2, 2]]).reshape(1, 4, 4, 1)"
POOLS = {
    "k2_s2_valid": "2, 2, 'VALID'",
    "k3_s2_same": "3, 2, 'SAME'",
    "k3_s1_same": "3, 1, 'SAME'",
    "k2x3_s1x2_valid": "[2, 3], [1, 2], 'VALID'",
}
for label, args in POOLS.items():
    for pool in ("max_pool2d", "avg_pool2d"):
        case(
            f"{pool}_{label}", f"out = grad(lambda x: tf.nn.{pool}(x, {args}), data((2, 5, 6, 3)))"
        )
case(
    "max_pool2d_explicit",
    "out = grad(lambda x: tf.nn.max_pool2d(x, 2, 2, [[0, 0], [1, 1], [1, 0], [0, 0]]),"
    " data((1, 5, 5, 2)))",
)
case(
    "max_pool2d_ties_overlapping",
    f"out = grad(lambda x: tf.nn.max_pool2d(x, 3, 1, 'VALID'), {TIES})",
)
case("max_pool2d_ties_same", f"out = grad(lambda x: tf.nn.max_pool2d(x, 2, 2, 'SAME'), {TIES})")
case(
    "max_pool2d_ties_all_equal",
    "out = grad(lambda x: tf.nn.max_pool2d(x, 2, 1, 'SAME'), np.ones((1, 3, 3, 1), np.float32))",
)
case(
    "max_pool2d_neg_inf",
    "out = grad(lambda x: tf.nn.max_pool2d(x, 2, 1, 'SAME'),"
    " np.full((1, 2, 2, 1), -np.inf, np.float32))",
)
case(
    "max_pool2d_nan",
    "out = grad(lambda x: tf.nn.max_pool2d(x, 2, 1, 'VALID'),"
    " np.float32([1, np.nan, 2, 0]).reshape(1, 2, 2, 1))",
)
case(
    "max_pool2d_int",
    "out = tf.nn.max_pool2d(tf.constant(np.arange(16).reshape(1, 4, 4, 1) % 7, tf.int32), 2, 2,"
    " 'SAME')",
)
case(
    "max_pool2d_second_order",
    "out = grad2(lambda x: tf.nn.max_pool2d(x, 2, 1, 'VALID') ** 2, data((1, 3, 4, 2), 'float64'))",
)
case(
    "avg_pool2d_second_order",
    "out = grad2(lambda x: tf.nn.avg_pool2d(x, 2, 1, 'SAME') ** 2, data((1, 3, 4, 2), 'float64'))",
)
case("max_pool1d", "out = grad(lambda x: tf.nn.max_pool1d(x, 3, 2, 'SAME'), data((2, 7, 2)))")
case("avg_pool1d", "out = grad(lambda x: tf.nn.avg_pool1d(x, 2, 1, 'VALID'), data((2, 7, 2)))")
case("max_pool_rank3", "out = tf.nn.max_pool(tf.constant(data((1, 6, 2))), 2, 2, 'VALID')")
case(
    "max_pool2d_bad_padding",
    "out = tf.nn.max_pool2d(tf.ones((1, 4, 4, 1)), 2, 2, 'FOO')",
    "Value for attr 'padding' of \"FOO\"",
)
case(
    "max_pool2d_rank_error",
    "out = tf.nn.max_pool2d(tf.ones((4, 4, 1)), 2, 2, 'VALID')",
    "tensor_in_shape must have 2 spatial dimensions",
)
case(
    "max_pool2d_batch_ksize",
    "out = tf.nn.max_pool2d(tf.ones((1, 4, 4, 1)), [2, 2, 2, 1], 1, 'VALID')",
    "Pooling is not yet supported on the batch dimension",
)
case(
    "max_pool2d_nchw_cpu",
    "out = tf.nn.max_pool2d(tf.ones((1, 1, 4, 4)), 2, 2, 'VALID', data_format='NCHW')",
    "only supports NHWC on device type CPU",
)
case(
    "avg_pool2d_int_error",
    "out = tf.nn.avg_pool2d(tf.ones((1, 4, 4, 1), tf.int32), 2, 2, 'VALID')",
    "Value for attr 'T' of int32",
)
case(
    "avg_pool2d_explicit_error",
    "out = tf.nn.avg_pool2d(tf.ones((1, 4, 4, 1)), 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]])",
    "Expected string for argument 'padding'",
)
case(
    "avg_pool2d_ksize_zero",
    "out = tf.nn.avg_pool2d(tf.ones((1, 4, 4, 1)), 0, 1, 'VALID')",
    "ksize must be a positive int32 value",
)


def main() -> None:
    generate(OUTPUT, __file__, CASES, PRELUDE, check_errors=True)


if __name__ == "__main__":
    main()
