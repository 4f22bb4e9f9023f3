"""Generates tests/data/tf_math_goldens.json: TensorFlow's values, gradients and errors
for the elementwise math and reduction ops (tests/test_math_ops.py replays them).

Usage (TensorFlow lives in its own venv, never in the project's environment)::

    /tmp/tfvenv/bin/python tools/tf_goldens/make_math_goldens.py

Each case is a code string run with ``tf`` and ``np`` (and the PRELUDE helpers) defined;
it leaves its result in ``out`` (a tensor, a list of tensors/None, or nested lists). Inputs
are literals, so the file is deterministic.
"""

# ruff: noqa: E501 - the case table holds one literal code string per line

from __future__ import annotations

from family import DATA, generate, registry

OUTPUT = DATA / "tf_math_goldens.json"

PRELUDE = '''
def grad(f, *xs):
    """[f(xs), df/dx for each x] with a ones cotangent."""
    xs = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = f(*xs)
    return [y] + list(tape.gradient(y, xs))


def grad0(f, x):
    """The gradient of f at x for a ZERO cotangent (exposes 0 * inf conventions)."""
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x, output_gradients=tf.zeros_like(y))


def grad2(f, x):
    """d/dx sum(d/dx sum f(x)) through nested tapes (the diagonal of the Hessian)."""
    x = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    return [g, outer.gradient(g, x)]
'''

CASES, case = registry()


UNARY = {
    # name: (expression, float inputs inside the domain)
    "expm1": ("tf.math.expm1", [-1.5, -1e-8, 0.0, 1e-8, 0.7, 3.0]),
    "log1p": ("tf.math.log1p", [-0.9, -1e-8, 0.0, 1e-8, 0.7, 30.0]),
    "tan": ("tf.math.tan", [-1.2, -0.3, 0.0, 0.5, 1.4]),
    "asin": ("tf.math.asin", [-1.0, -0.4, 0.0, 0.3, 0.99]),
    "acos": ("tf.math.acos", [-1.0, -0.4, 0.0, 0.3, 0.99]),
    "atan": ("tf.math.atan", [-30.0, -0.4, 0.0, 0.3, 5.0]),
    "sinh": ("tf.math.sinh", [-3.0, -0.4, 0.0, 0.3, 5.0]),
    "cosh": ("tf.math.cosh", [-3.0, -0.4, 0.0, 0.3, 5.0]),
    "asinh": ("tf.math.asinh", [-30.0, -0.4, 0.0, 0.3, 5.0]),
    "acosh": ("tf.math.acosh", [1.0, 1.1, 2.0, 30.0]),
    "atanh": ("tf.math.atanh", [-0.99, -0.4, 0.0, 0.3, 0.9]),
    "sigmoid": ("tf.math.sigmoid", [-30.0, -2.0, 0.0, 0.5, 4.0, 30.0]),
    "softplus": ("tf.math.softplus", [-30.0, -2.0, 0.0, 0.5, 4.0, 30.0]),
    "softsign": ("tf.math.softsign", [-30.0, -2.0, 0.0, 0.5, 4.0]),
    "erf": ("tf.math.erf", [-3.0, -0.5, 0.0, 0.2, 1.0, 5.0]),
    "erfc": ("tf.math.erfc", [-3.0, -0.5, 0.0, 0.2, 1.0, 5.0]),
    "lgamma": ("tf.math.lgamma", [-2.5, -0.5, 0.1, 0.5, 1.0, 3.7, 20.0]),
    "digamma": ("tf.math.digamma", [-2.5, -0.5, 0.1, 0.5, 1.0, 3.7, 20.0]),
    "floor": ("tf.math.floor", [-2.5, -0.5, 0.0, 0.5, 1.0, 3.7]),
    "ceil": ("tf.math.ceil", [-2.5, -0.5, 0.0, 0.5, 1.0, 3.7]),
    "round": ("tf.math.round", [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, 3.7]),
    "rsqrt": ("tf.math.rsqrt", [0.01, 0.5, 1.0, 4.0]),
    "reciprocal": ("tf.math.reciprocal", [-4.0, -0.5, 0.5, 4.0]),
    "sign": ("tf.math.sign", [-4.0, -0.0, 0.0, 0.5]),
}
DIFFERENTIABLE = [n for n in UNARY if n not in ("floor", "ceil", "round", "sign")]
INT_DTYPES = ["int8", "int32", "int64", "uint8", "bool"]

for name, (fn, xs) in UNARY.items():
    for dtype in ("float32", "float64"):
        case(f"value_{name}_{dtype}", f"out = {fn}(tf.constant({xs!r}, tf.{dtype}))")
    for dtype in INT_DTYPES:
        case(f"dtype_{name}_{dtype}", f"out = {fn}(tf.cast(tf.constant([1, 0]), tf.{dtype}))")
for name in DIFFERENTIABLE:
    fn, xs = UNARY[name]
    case(f"grad_{name}", f"out = grad({fn}, np.array({xs!r}))")
    case(f"grad2_{name}", f"out = grad2({fn}, np.array({xs!r}))")
for name in ("expm1", "log1p", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh",
             "atanh", "sigmoid", "rsqrt", "reciprocal"):  # fmt: skip
    fn = UNARY[name][0]
    case(f"complex_{name}", f"out = grad({fn}, np.array([0.3 + 0.4j, -0.5 + 0.2j]))")

BINARY = {
    "atan2": ("tf.math.atan2", [1.0, -1.0, 0.5, -2.0, 0.0], [2.0, 0.5, -1.0, -3.0, 1.0]),
    "squared_difference": ("tf.math.squared_difference", [1.0, -2.0, 3.0], [0.5, 1.0, 3.0]),
    "xlogy": ("tf.math.xlogy", [0.0, 0.0, 1.0, -2.0, 3.0], [0.0, 1.0, 0.0, 3.0, 0.5]),
    "xdivy": ("tf.math.xdivy", [0.0, 0.0, 1.0, -2.0, 3.0], [0.0, 1.0, 0.0, 3.0, 0.5]),
    "divide_no_nan": (
        "tf.math.divide_no_nan",
        [0.0, 1.0, 1.0, 0.0, -3.0],
        [0.0, 0.0, 2.0, 2.0, 0.5],
    ),
    "maximum": ("tf.math.maximum", [1.0, 2.0, -1.0, 3.0], [1.0, 1.0, 0.5, 3.0]),
    "minimum": ("tf.math.minimum", [1.0, 2.0, -1.0, 3.0], [1.0, 1.0, 0.5, 3.0]),
    "floormod": ("tf.math.floormod", [5.5, -1.2, 7.0], [2.0, 1.0, -3.0]),
    "truediv": ("tf.math.truediv", [1.0, -2.0, 0.0], [4.0, 3.0, 2.0]),
    "polygamma": (
        "tf.math.polygamma",
        [0.0, 1.0, 1.0, 2.0, 1.5, -1.0],
        [0.0, 0.0, 0.5, 3.0, 1.0, 1.0],
    ),
}
for name, (fn, xs, ys) in BINARY.items():
    for dtype in ("float32", "float64"):
        case(
            f"value_{name}_{dtype}",
            f"out = {fn}(tf.constant({xs!r}, tf.{dtype}), tf.constant({ys!r}, tf.{dtype}))",
        )
    if name != "polygamma":
        case(f"grad_{name}", f"out = grad({fn}, np.array({xs!r}), np.array({ys!r}))")
    for dtype in ("int32", "int64", "int8"):
        case(
            f"dtype_{name}_{dtype}",
            f"out = {fn}(tf.constant([3, 1], tf.{dtype}), tf.constant([2, 1], tf.{dtype}))",
        )
    case(
        f"mixed_{name}",
        f"out = {fn}(tf.constant([1.0], tf.float32), tf.constant([1.0], tf.float64))",
    )
case(
    "grad_polygamma_x",
    "out = grad(lambda x: tf.math.polygamma(tf.constant([1.0, 2.0], tf.float64), x), np.array([0.5, 3.0]))",
)

# -- special points: TF's conventions at kinks, ties and singularities ---------------------------
SPECIAL = {
    "abs_at_zero": "out = grad(tf.abs, np.array([0.0, -0.0, -1.0, 2.0]))",
    "sqrt_at_zero": "out = grad(tf.sqrt, np.array([0.0, 4.0]))",
    "maximum_tie_goes_to_x": "out = grad(tf.maximum, np.array([1.0, 2.0]), np.array([1.0, 1.0]))",
    "minimum_tie_goes_to_x": "out = grad(tf.minimum, np.array([1.0, 2.0]), np.array([1.0, 1.0]))",
    "reduce_max_tie_split": "out = grad(tf.reduce_max, np.array([1.0, 3.0, 3.0]))",
    "reduce_min_tie_split": "out = grad(tf.reduce_min, np.array([[1.0, 1.0, 1.0], [2.0, 0.0, 5.0]]))",
    "pow_zero_base": "out = grad(tf.pow, np.array([0.0, 0.0, 0.0, -2.0, -2.0, 2.0]), np.array([2.0, 0.5, 0.0, 2.0, 0.5, 0.0]))",
    "pow_values_f32": "out = tf.pow(tf.constant([0.0, 0.0, 0.0, -8.0]), tf.constant([2.0, 0.5, 0.0, 1.0 / 3.0]))",
    "clip_at_bounds": "out = grad(lambda x, a, b: tf.clip_by_value(x, a, b), np.array([-1.0, 0.0, 0.5, 1.0, 2.0]), np.zeros(5), np.ones(5))",
    "clip_scalar_bounds": "out = grad(lambda x: tf.clip_by_value(x, 0.0, 1.0), np.array([-1.0, 0.0, 0.5, 1.0, 2.0]))",
    "clip_min_above_max": "out = tf.clip_by_value(tf.constant([1.0, 2.0]), 3.0, 1.0)",
    "clip_int": "out = tf.clip_by_value(tf.constant([1, 5, 3]), 2, 4)",
    "reduce_prod_one_zero": "out = grad(tf.reduce_prod, np.array([2.0, 0.0, 3.0]))",
    "reduce_prod_two_zeros": "out = grad(tf.reduce_prod, np.array([2.0, 0.0, 0.0]))",
    "reduce_prod_axis_zeros": "out = grad(lambda x: tf.reduce_prod(x, axis=1), np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 1.0], [1.0, 2.0, 3.0]]))",
    "xlogy_at_zero": "out = grad(tf.math.xlogy, np.array([0.0, 0.0, 0.0, 1.0]), np.array([0.0, np.nan, np.inf, 0.0]))",
    "divide_no_nan_at_zero": "out = grad(tf.math.divide_no_nan, np.array([0.0, 1.0, np.nan, np.inf]), np.array([0.0, 0.0, 0.0, 0.0]))",
    "where_sqrt_trap": "out = grad(lambda x: tf.where(x > 0, tf.sqrt(x), tf.zeros_like(x)), np.array([0.0, -1.0, 4.0]))",
    "where_log_trap": "out = grad(lambda x: tf.where(x > 0, tf.math.log(x), tf.zeros_like(x)), np.array([0.0, -1.0, 4.0]))",
    "where_reciprocal_branch": "out = grad(lambda x: tf.where(x > 0, x, 1 / x), np.array([0.0, -1.0, 4.0]))",
    "where_rsqrt_trap": "out = grad(lambda x: tf.where(x > 0, tf.math.rsqrt(x), tf.zeros_like(x)), np.array([0.0, -1.0, 4.0]))",
    "where_recip_trap": "out = grad(lambda x: tf.where(tf.not_equal(x, 0), tf.math.reciprocal(x), tf.zeros_like(x)), np.array([0.0, -1.0, 4.0]))",
    "where_pow_trap": "out = grad(lambda x: tf.where(x > 0, tf.pow(x, 0.5), tf.zeros_like(x)), np.array([0.0, 4.0]))",
    "where_std_trap": "out = grad(lambda x: tf.where(True, 0.0, tf.math.reduce_std(x)), np.array([1.0, 1.0]))",
    "zero_cotangent_sqrt": "out = grad0(tf.sqrt, np.array([0.0, -1.0, np.nan]))",
    "zero_cotangent_log": "out = grad0(tf.math.log, np.array([0.0, -1.0]))",
    "zero_cotangent_acosh": "out = grad0(tf.math.acosh, np.array([1.0, 0.0]))",
    "zero_cotangent_atanh": "out = grad0(tf.math.atanh, np.array([1.0, 2.0]))",
    "zero_cotangent_sigmoid_nan": "out = grad0(tf.math.sigmoid, np.array([np.nan, 1.0]))",
    "zero_cotangent_reciprocal": "out = grad0(tf.math.reciprocal, np.array([0.0, np.nan]))",
    "sign_gradient_zero": "out = grad(tf.sign, np.array([0.0, 2.0, -3.0]))",
    "round_half_even": "out = tf.round(tf.constant([0.5, 1.5, 2.5, -0.5, -1.5, 0.49999997], tf.float32))",
    "no_gradient_rounding": "out = [grad(f, np.array([0.5, 1.2]))[1] for f in (tf.round, tf.floor, tf.math.ceil)]",
    "floordiv_no_gradient": "out = grad(tf.math.floordiv, np.array([5.5, -1.2]), np.array([2.0, 1.0]))",
    "floormod_gradient": "out = grad(tf.math.floormod, np.array([5.5, -1.2]), np.array([2.0, 1.0]))",
    "atan2_origin": "out = grad(tf.math.atan2, np.array([0.0]), np.array([0.0]))",
    "asin_at_one": "out = grad(tf.math.asin, np.array([1.0, -1.0, 2.0]))",
    "acosh_at_one": "out = grad(tf.math.acosh, np.array([1.0, 0.5]))",
    "atanh_at_one": "out = grad(tf.math.atanh, np.array([1.0, -1.0]))",
    "log1p_at_minus_one": "out = grad(tf.math.log1p, np.array([-1.0, -2.0]))",
    "lgamma_poles": "out = grad(tf.math.lgamma, np.array([0.0, -1.0, -np.inf, np.inf, -0.5]))",
    "digamma_poles": "out = grad(tf.math.digamma, np.array([0.0, -1.0, -np.inf, np.inf, -0.5]))",
    "sigmoid_extremes_f32": "out = tf.math.sigmoid(tf.constant([-100.0, -20.0, 20.0, 100.0]))",
    "sigmoid_grad_extremes": "out = grad(tf.math.sigmoid, np.array([-100.0, 0.0, 100.0]))",
    "softplus_extremes_f32": "out = tf.math.softplus(tf.constant([-100.0, -20.0, 20.0, 100.0]))",
    "softplus_grad_extremes": "out = grad(tf.math.softplus, np.array([-100.0, 0.0, 100.0]))",
    "softsign_grad_inf": "out = grad(tf.math.softsign, np.array([np.inf, -np.inf, 0.0]))",
    "logsumexp_grad": "out = grad(tf.reduce_logsumexp, np.array([1.0, 2.0, 3.0]))",
    "logsumexp_large": "out = grad(tf.reduce_logsumexp, np.array([1000.0, 1000.0]))",
    "logsumexp_all_minus_inf": "out = grad(tf.reduce_logsumexp, np.array([-np.inf, -np.inf]))",
    "logsumexp_plus_inf": "out = grad(tf.reduce_logsumexp, np.array([np.inf, 1.0]))",
    "logsumexp_minus_inf_entry": "out = grad(tf.reduce_logsumexp, np.array([-np.inf, 1.0]))",
    "logsumexp_axis_keepdims": "out = grad(lambda x: tf.reduce_logsumexp(x, axis=1, keepdims=True), np.array([[1.0, 2.0], [-3.0, 500.0]]))",
    "logsumexp_empty": "out = tf.reduce_logsumexp(tf.zeros((0,)))",
    "reduce_std_constant": "out = grad(tf.math.reduce_std, np.array([1.0, 1.0, 1.0]))",
    "reduce_std_grad": "out = grad(tf.math.reduce_std, np.array([1.0, 2.0, 4.0]))",
    "reduce_variance_grad": "out = grad(lambda x: tf.math.reduce_variance(x, axis=0), np.array([[1.0, 2.0], [4.0, 3.0], [0.5, -1.0]]))",
    "reduce_variance_complex": "out = grad(tf.math.reduce_variance, np.array([1 + 1j, 2.0 - 1j, 0.5j]))",
    "reduce_std_keepdims": "out = tf.math.reduce_std(tf.constant([[1.0, 2.0], [3.0, 5.0]]), axis=0, keepdims=True)",
    "euclidean_norm_grad": "out = grad(tf.math.reduce_euclidean_norm, np.array([3.0, 4.0]))",
    "euclidean_norm_zero": "out = grad(tf.math.reduce_euclidean_norm, np.array([0.0, 0.0]))",
    "euclidean_norm_int": "out = tf.math.reduce_euclidean_norm(tf.constant([[3, 4], [1, 1]]), axis=1)",
    "euclidean_norm_complex": "out = grad(tf.math.reduce_euclidean_norm, np.array([1 + 2j, 2.0]))",
    "complex_abs_squared": "out = grad(lambda z: tf.math.real(z * tf.math.conj(z)), np.array([1 + 2j]))",
    "complex_square": "out = grad(lambda z: z * z, np.array([1 + 2j, -0.5 + 3j]))",
    "complex_abs": "out = grad(tf.abs, np.array([3 + 4j, 0j]))",
    "complex_real_imag": "out = [grad(tf.math.real, np.array([1 + 2j]))[1], grad(tf.math.imag, np.array([1 + 2j]))[1]]",
    "complex_conj": "out = grad(lambda z: tf.math.real(tf.math.conj(z) * 2j), np.array([1 + 2j]))",
    "complex_build": "out = grad(lambda a, b: tf.abs(tf.complex(a, b)), np.array([3.0]), np.array([4.0]))",
    "complex_angle": "out = grad(tf.math.angle, np.array([1 + 2j, -1 + 0j]))",
    "angle_real": "out = grad(tf.math.angle, np.array([-1.0, 0.0, -0.0, 2.0]))",
    "angle_complex64": "out = tf.math.angle(tf.constant([1 + 1j, -1 - 1j], tf.complex64))",
    "squared_difference_complex": "out = grad(lambda z: tf.math.squared_difference(z, tf.constant([0j], tf.complex128)), np.array([1 + 2j]))",
    "sigmoid_complex_values": "out = tf.math.sigmoid(tf.constant([1j, 1 + 1j]))",
    "top_k_grad": "out = grad(lambda x: tf.math.top_k(x, 2).values, np.array([[1.0, 3.0, 2.0, 3.0], [4.0, -1.0, 0.0, 5.0]]))",
    "top_k_ties": "out = list(tf.math.top_k(tf.constant([1.0, 3.0, 2.0, 3.0, 1.0]), k=4))",
    "top_k_nan_first": "out = list(tf.math.top_k(tf.constant([1.0, np.nan, 2.0]), k=2))",
    "top_k_int": "out = list(tf.math.top_k(tf.constant([[1, 3, 2], [6, 5, 4]]), k=2))",
    "top_k_int64_index": "out = tf.math.top_k(tf.constant([1.0, 3.0]), k=1, index_type=tf.int64).indices",
    "top_k_zero": "out = list(tf.math.top_k(tf.constant([1.0, 3.0]), k=0))",
    "top_k_k_too_big": "out = tf.math.top_k(tf.constant([1.0, 3.0]), k=3)",
    "top_k_negative_k": "out = tf.math.top_k(tf.constant([1.0, 3.0]), k=-1)",
    "top_k_scalar": "out = tf.math.top_k(tf.constant(1.0), k=1)",
    "top_k_bool": "out = tf.math.top_k(tf.constant([True, False]), k=1)",
    "top_k_grad2": "out = grad2(lambda x: tf.math.top_k(x * x, 2).values, np.array([1.0, 3.0, -2.0]))",
    "argmax_default_axis": "out = tf.argmax(tf.constant([[1, 3], [4, 2]]))",
    "argmax_axis1_int32": "out = tf.argmax(tf.constant([[1.0, 3.0], [4.0, 2.0]]), axis=1, output_type=tf.int32)",
    "argmin_ties_first": "out = tf.math.argmin(tf.constant([1, 1, 0, 0]))",
    "argmax_nan_ignored": "out = [tf.argmax(tf.constant(v)) for v in ([1.0, np.nan, 3.0], [np.nan, 1.0], [np.nan, np.nan], [np.nan, -np.inf])]",
    "argmin_nan_ignored": "out = [tf.argmin(tf.constant(v)) for v in ([1.0, np.nan, 0.0], [np.nan, 1.0], [np.nan, np.inf, 3.0])]",
    "argmax_bool": "out = tf.argmax(tf.constant([False, True, True]))",
    "argmax_negative_axis": "out = tf.argmax(tf.constant([[1, 3, 2], [4, 2, 9]]), axis=-1)",
    "argmax_no_gradient": "out = grad(lambda x: tf.cast(tf.argmax(x), tf.float64) * 1.0, np.array([1.0, 2.0]))",
    "argmax_complex": "out = tf.argmax(tf.constant([1j, 2.0]))",
    "argmax_float_output": "out = tf.argmax(tf.constant([1, 2]), output_type=tf.float32)",
    "argmax_axis_out_of_range": "out = tf.argmax(tf.constant([1, 2]), axis=1)",
    "argmax_scalar": "out = tf.argmax(tf.constant(1.0))",
    "argmax_empty": "out = tf.argmax(tf.zeros((0,)))",
    "argmax_axis_list": "out = tf.argmax(tf.constant([[1, 2]]), axis=[1])",
    "count_nonzero": "out = [tf.math.count_nonzero(tf.constant([0.0, 1.0, 2.0])), tf.math.count_nonzero(tf.constant([[0, 1], [2, 0], [3, 3]]), axis=1), tf.math.count_nonzero(tf.constant([True, False]))]",
    "count_nonzero_dtype_keepdims": "out = tf.math.count_nonzero(tf.constant([[1.0, 0.0]]), axis=1, keepdims=True, dtype=tf.int32)",
    "count_nonzero_complex": "out = tf.math.count_nonzero(tf.constant([1 + 0j, 0j, 1j]))",
    "reduce_all_any": "out = [tf.reduce_all(tf.constant([[True, False], [True, True]]), axis=1), tf.reduce_any(tf.constant([[True, False], [False, False]]), axis=1, keepdims=True), tf.reduce_all(tf.zeros((0,), tf.bool)), tf.reduce_any(tf.zeros((0,), tf.bool))]",
    "reduce_all_float_tensor": "out = tf.reduce_all(tf.constant([1.0, 0.0]))",
    "reduce_any_axis_out_of_range": "out = tf.reduce_any(tf.constant([True]), axis=2)",
    "reduce_std_int": "out = tf.math.reduce_std(tf.constant([1, 2]))",
    "reduce_variance_axis_out_of_range": "out = tf.math.reduce_variance(tf.constant([1.0]), axis=2)",
    "logsumexp_int": "out = tf.reduce_logsumexp(tf.constant([1, 2]))",
    "logsumexp_axis_out_of_range": "out = tf.reduce_logsumexp(tf.constant([1.0]), axis=2)",
    "cumsum_int8": "out = tf.cumsum(tf.constant([100, 27, 1], tf.int8))",
    "cumsum_axis_out_of_range": "out = tf.cumsum(tf.constant([1.0, 2.0]), axis=1)",
    "cumsum_bool": "out = tf.cumsum(tf.constant([True, False]))",
    "cumsum_grad_options": "out = [grad(lambda x: tf.cumsum(x, exclusive=e, reverse=r) * tf.constant([1.0, 2.0, 3.0], tf.float64), np.array([1.0, 2.0, 3.0]))[1] for e in (False, True) for r in (False, True)]",
    "cumprod_grad": "out = grad(lambda x: tf.math.cumprod(x, axis=1), np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]]))",
    "cumprod_grad_zero": "out = grad(tf.math.cumprod, np.array([2.0, 0.0, 3.0]))",
    "cumprod_exclusive_reverse": "out = tf.math.cumprod(tf.constant([1.0, 2.0, 3.0, 4.0]), exclusive=True, reverse=True)",
    "add_n_values": "out = grad(lambda a, b, c: tf.add_n([a, b, c]) * tf.constant([1.0, 2.0], tf.float64), np.array([1.0, 2.0]), np.array([3.0, 4.0]), np.array([5.0, 6.0]))",
    "add_n_single": "out = tf.add_n([tf.constant([1.0, 2.0])])",
    "add_n_python_numbers": "out = [tf.add_n([1.0, 2.0]), tf.add_n([tf.constant(1), 2])]",
    "add_n_empty": "out = tf.add_n([])",
    "add_n_shape_mismatch": "out = tf.add_n([tf.constant([1.0, 2.0]), tf.constant([1.0])])",
    "add_n_dtype_mismatch": "out = tf.add_n([tf.constant([1.0, 2.0]), tf.constant([1, 2])])",
    "clip_dtype_mismatch": "out = tf.clip_by_value(tf.constant([1.0, 5.0]), tf.constant(2, tf.int32), 3.0)",
    "clip_shape_growth": "out = tf.clip_by_value(tf.constant([1.0, 5.0]), tf.constant([[2.0], [0.0]]), 3.0)",
    "where_coordinates": "out = [tf.where(tf.constant([[True, False], [False, True]])), tf.where(tf.constant([1.0, 0.0, 2.0])), tf.where(tf.zeros((2, 0), tf.bool))]",
    "where_scalar_condition": "out = tf.where(True)",
    "where_only_x": "out = tf.where(tf.constant([True]), x=tf.constant([1.0]))",
    "where_broadcast": "out = grad(lambda x, y: tf.where(tf.constant([[True], [False]]), x, y), np.array([1.0, 2.0, 3.0]), np.array(5.0))",
    "is_nan_inf_finite": "out = [f(tf.constant([1.0, np.nan, np.inf, -np.inf])) for f in (tf.math.is_nan, tf.math.is_inf, tf.math.is_finite)]",
    "is_nan_int": "out = tf.math.is_nan(tf.constant([1, 2]))",
    "divide_no_nan_int": "out = tf.math.divide_no_nan(tf.constant([1, 2]), tf.constant([0, 2]))",
    "divide_no_nan_int8": "out = tf.math.divide_no_nan(tf.constant([1, 2], tf.int8), tf.constant([0, 2], tf.int8))",
    "divide_no_nan_complex": "out = tf.math.divide_no_nan(tf.constant([1 + 1j, 2]), tf.constant([0j, 2]))",
    "truediv_int": "out = [tf.truediv(tf.constant([1, 2]), tf.constant([2, 4])), tf.constant([1], tf.int16) / tf.constant([2], tf.int16)]",
    "truediv_int_mismatch": "out = tf.truediv(tf.constant(1), tf.constant(1, tf.int64))",
    "floormod_int": "out = [tf.math.floormod(tf.constant([7, -7]), tf.constant([3, 3])), tf.math.floordiv(tf.constant([7, -7]), tf.constant([2, 2]))]",
    "floordiv_int_by_zero": "out = tf.math.floordiv(tf.constant([7]), tf.constant([0]))",
    "truncate_div_mod": "out = [tf.truncatediv(tf.constant([-7, 7, -7]), tf.constant([2, -2, -2])), tf.truncatemod(tf.constant([-7, 7, -7]), tf.constant([2, -3, -3])), tf.truncatediv(tf.constant([-7.0, 7.5]), 2.0), tf.truncatemod(tf.constant([-7.0, 7.5]), 2.0)]",
    "truncatediv_by_zero": "out = tf.truncatediv(tf.constant([1]), 0)",
    "pow_int_negative_exponent": "out = tf.pow(tf.constant([2, 3]), -1)",
    "reduce_mean_empty": "out = [tf.reduce_mean(tf.zeros((0,))), tf.reduce_mean(tf.zeros((0, 2)), axis=0)]",
    "maximum_nan": "out = [tf.maximum(tf.constant([np.nan, 1.0]), tf.constant([1.0, np.nan])), tf.reduce_max(tf.constant([1.0, np.nan]))]",
    "maximum_int_and_uint": "out = [tf.maximum(tf.constant([1, -3]), 0), tf.minimum(tf.constant([1, 200], tf.uint8), tf.constant(100, tf.uint8))]",
    "sign_uint": "out = tf.math.sign(tf.constant([1, 0], tf.uint8))",
    "sign_int_complex": "out = [tf.math.sign(tf.constant([-3, 0, 2])), tf.math.sign(tf.constant([3 + 4j, 0j]))]",
    "atan2_python_floats": "out = tf.math.atan2(1.0, 2.0)",
    "sqrt_int": "out = tf.sqrt(tf.constant([4]))",
    "softplus_complex": "out = tf.math.softplus(tf.constant([1j]))",
    "logical_xor": "out = tf.math.logical_xor(tf.constant([True, True, False, False]), tf.constant([True, False, True, False]))",
    "logical_xor_int": "out = tf.math.logical_xor(tf.constant([1]), tf.constant([0]))",
    "polygamma_grad": "out = grad(lambda x: tf.math.polygamma(tf.constant([1.0, 1.0], tf.float64), x), np.array([2.0, 3.0]))",
    "expm1_log1p_tiny_f32": "out = [tf.math.expm1(tf.constant([1e-10, -1e-10])), tf.math.log1p(tf.constant([1e-10, -1e-10]))]",
    "reduce_mean_int_truncates": "out = tf.reduce_mean(tf.constant([1, 2, 2, -7]))",
    "reduce_sum_int8_wraps": "out = tf.reduce_sum(tf.constant([100, 100], tf.int8))",
}
for name, code in SPECIAL.items():
    case(name, code)


def main() -> None:
    generate(OUTPUT, __file__, CASES, PRELUDE)


if __name__ == "__main__":
    main()
