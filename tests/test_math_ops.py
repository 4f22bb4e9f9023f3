"""Elementwise math: TF parity from recorded goldens, NumPy/SciPy references, special points.

The goldens (tests/data/tf_math_goldens.json) come from real TensorFlow via
tools/tf_goldens/make_math_goldens.py; each case's code runs here with tapeflow
and must give the same dtypes, shapes and values (or the same exception class).
"""

from __future__ import annotations

import numpy as np
import pytest
from family_goldens import Tolerance, load_goldens, replay

import tapeflow as tf

GOLDENS = load_goldens("math")
# TF's Eigen kernels and NumPy/SciPy may round transcendental results a few ulps apart.
TOLERANCE = Tolerance(
    {"float16": 1e-3, "float32": 4e-6, "complex64": 4e-6}, default=1e-12, atol_ratio=1e-3
)
# Cases where tapeflow deliberately does more than TF; keep short and justified.
KNOWN_DIFFERENCES = {
    "grad2_softsign": "TF has no gradient for SoftsignGrad; tapeflow's rules are differentiable.",
}


@pytest.mark.parametrize("name", sorted(GOLDENS["cases"]))
def test_matches_tensorflow(name):
    if name in KNOWN_DIFFERENCES:
        pytest.skip(KNOWN_DIFFERENCES[name])
    replay(GOLDENS, name, tf, TOLERANCE)


def test_known_differences_name_real_cases():
    assert set(KNOWN_DIFFERENCES) <= set(GOLDENS["cases"])


# -- forward values against NumPy / SciPy references --------------------------------------------

special = pytest.importorskip("scipy.special")

UNARY_REFERENCES = {
    # name: (tapeflow function, reference on float64, domain)
    "expm1": (tf.math.expm1, np.expm1, (-3.0, 3.0)),
    "log1p": (tf.math.log1p, np.log1p, (-0.9, 5.0)),
    "tan": (tf.math.tan, np.tan, (-1.4, 1.4)),
    "asin": (tf.math.asin, np.arcsin, (-1.0, 1.0)),
    "acos": (tf.math.acos, np.arccos, (-1.0, 1.0)),
    "atan": (tf.math.atan, np.arctan, (-10.0, 10.0)),
    "sinh": (tf.math.sinh, np.sinh, (-5.0, 5.0)),
    "cosh": (tf.math.cosh, np.cosh, (-5.0, 5.0)),
    "asinh": (tf.math.asinh, np.arcsinh, (-10.0, 10.0)),
    "acosh": (tf.math.acosh, np.arccosh, (1.0, 10.0)),
    "atanh": (tf.math.atanh, np.arctanh, (-0.99, 0.99)),
    "sigmoid": (tf.math.sigmoid, special.expit, (-20.0, 20.0)),
    "softplus": (tf.math.softplus, lambda x: np.logaddexp(0, x), (-20.0, 20.0)),
    "softsign": (tf.math.softsign, lambda x: x / (1 + np.abs(x)), (-20.0, 20.0)),
    "erf": (tf.math.erf, special.erf, (-4.0, 4.0)),
    "erfc": (tf.math.erfc, special.erfc, (-4.0, 4.0)),
    "lgamma": (tf.math.lgamma, special.gammaln, (0.05, 20.0)),
    "digamma": (tf.math.digamma, special.psi, (0.05, 20.0)),
    "floor": (tf.math.floor, np.floor, (-5.0, 5.0)),
    "ceil": (tf.math.ceil, np.ceil, (-5.0, 5.0)),
    "round": (tf.math.round, np.round, (-5.0, 5.0)),
    "rsqrt": (tf.math.rsqrt, lambda x: 1 / np.sqrt(x), (0.05, 5.0)),
    "reciprocal": (tf.math.reciprocal, np.reciprocal, (0.05, 5.0)),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(UNARY_REFERENCES))
def test_unary_values_match_reference(name, dtype):
    fn, reference, (low, high) = UNARY_REFERENCES[name]
    x = np.random.default_rng(0).uniform(low, high, (3, 4)).astype(dtype)
    out = fn(tf.constant(x))
    assert out.dtype.name == dtype
    assert out.shape == (3, 4)
    rtol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(out.numpy(), reference(x.astype(np.float64)), rtol=rtol, atol=rtol)


BINARY_REFERENCES = {
    "atan2": (tf.math.atan2, np.arctan2, (-3.0, 3.0)),
    "squared_difference": (tf.math.squared_difference, lambda x, y: (x - y) ** 2, (-3.0, 3.0)),
    "xlogy": (tf.math.xlogy, special.xlogy, (0.1, 3.0)),
    "xdivy": (tf.math.xdivy, np.divide, (0.1, 3.0)),
    "divide_no_nan": (tf.math.divide_no_nan, np.divide, (0.1, 3.0)),
    "polygamma": (
        lambda a, x: tf.math.polygamma(tf.round(a * 0 + 2), x),
        lambda a, x: special.polygamma(2, x) + 0 * a,
        (0.5, 3.0),
    ),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(BINARY_REFERENCES))
def test_binary_values_match_reference(name, dtype):
    fn, reference, (low, high) = BINARY_REFERENCES[name]
    rng = np.random.default_rng(1)
    x = rng.uniform(low, high, (2, 3)).astype(dtype)
    y = rng.uniform(low, high, (3,)).astype(dtype)
    out = fn(tf.constant(x), tf.constant(y))
    assert out.dtype.name == dtype
    assert out.shape == (2, 3)
    rtol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(out.numpy(), reference(x.astype(float), y.astype(float)), rtol=rtol)


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8"])
def test_integer_ops_keep_dtype(dtype):
    x = tf.constant(np.array([[3, 1], [0, 7]], dtype))
    assert tf.math.round(x).dtype.name == dtype
    assert tf.clip_by_value(x, 1, 4).numpy().tolist() == [[3, 1], [1, 4]]
    assert tf.add_n([x, x, x]).numpy().tolist() == [[9, 3], [0, 21]]
    assert tf.argmax(x).numpy().tolist() == [0, 1]
    assert tf.math.count_nonzero(x).numpy() == 3


@pytest.mark.parametrize("fn", [tf.math.expm1, tf.math.erf, tf.math.is_nan, tf.math.floor])
def test_float_only_ops_reject_integers(fn):
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in the list of allowed values"):
        fn(tf.constant([1, 2]))


def test_mixed_dtypes_are_rejected():
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.math.atan2(tf.constant([1.0]), tf.constant([1.0], tf.float64))
    with pytest.raises(TypeError, match="must have the same dtype"):
        tf.math.divide_no_nan(tf.constant([1.0]), tf.constant([1.0], tf.float64))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.add_n([tf.constant(1.0), tf.constant(1)])


def test_incompatible_shapes_raise():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Incompatible shapes"):
        tf.math.xlogy(tf.ones((2,)), tf.ones((3,)))


# -- special points (each also pinned by a TF golden above) -------------------------------------


def _grad(f, *xs):
    xs = [tf.constant(np.asarray(x, dtype=float)) for x in xs]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = f(*xs)
    return [g.numpy() for g in tape.gradient(y, xs)]


SPECIAL_POINTS = [
    # (description, function, inputs, expected gradients)
    ("abs'(0) = 0", tf.abs, ([0.0, -1.0],), [[0.0, -1.0]]),
    ("sqrt'(0) = inf", tf.sqrt, ([0.0],), [[np.inf]]),
    ("maximum tie goes to x", tf.maximum, ([1.0], [1.0]), [[1.0], [0.0]]),
    ("minimum tie goes to x", tf.minimum, ([1.0], [1.0]), [[1.0], [0.0]]),
    ("reduce_max splits ties", tf.reduce_max, ([1.0, 3.0, 3.0],), [[0.0, 0.5, 0.5]]),
    ("0 ** 2", tf.pow, ([0.0], [2.0]), [[0.0], [0.0]]),
    ("0 ** 0.5", tf.pow, ([0.0], [0.5]), [[np.inf], [0.0]]),
    ("0 ** 0", tf.pow, ([0.0], [0.0]), [[np.nan], [0.0]]),
    ("(-2) ** 2: no log for the exponent", tf.pow, ([-2.0], [2.0]), [[-4.0], [0.0]]),
    ("clip at the lower bound", lambda x: tf.clip_by_value(x, 0.0, 1.0), ([0.0],), [[1.0]]),
    ("clip at the upper bound", lambda x: tf.clip_by_value(x, 0.0, 1.0), ([1.0],), [[1.0]]),
    ("clip outside", lambda x: tf.clip_by_value(x, 0.0, 1.0), ([2.0, -1.0],), [[0.0, 0.0]]),
    ("prod with one zero", tf.reduce_prod, ([2.0, 0.0, 3.0],), [[0.0, 6.0, 0.0]]),
    ("prod with two zeros", tf.reduce_prod, ([2.0, 0.0, 0.0],), [[0.0, 0.0, 0.0]]),
    ("xlogy at x = 0", tf.math.xlogy, ([0.0, 0.0], [0.0, 1.0]), [[0.0, 0.0], [0.0, 0.0]]),
    ("divide_no_nan at y = 0", tf.math.divide_no_nan, ([1.0], [0.0]), [[0.0], [0.0]]),
    (
        "where(x > 0, sqrt(x), 0) at 0 is 0, not NaN (SqrtGrad skips zero cotangents)",
        lambda x: tf.where(x > 0, tf.sqrt(x), tf.zeros_like(x)),
        ([0.0, -1.0],),
        [[0.0, 0.0]],
    ),
    (
        "where(x > 0, log(x), 0) at 0 is NaN: 0 * (1/0)",
        lambda x: tf.where(x > 0, tf.math.log(x), tf.zeros_like(x)),
        ([0.0],),
        [[np.nan]],
    ),
    ("cumprod at a zero (divide_no_nan)", tf.math.cumprod, ([2.0, 0.0, 3.0],), [[1.0, 0.0, 0.0]]),
    ("logsumexp at +inf", tf.reduce_logsumexp, ([np.inf, 1.0],), [[np.nan, 0.0]]),
    ("euclidean norm at 0", tf.math.reduce_euclidean_norm, ([0.0, 0.0],), [[np.nan, np.nan]]),
    ("std of a constant", tf.math.reduce_std, ([1.0, 1.0],), [[np.nan, np.nan]]),
]


@pytest.mark.parametrize(
    "description, fn, inputs, expected", SPECIAL_POINTS, ids=[s[0] for s in SPECIAL_POINTS]
)
def test_special_point(description, fn, inputs, expected):
    for got, want in zip(_grad(fn, *inputs), expected, strict=True):
        np.testing.assert_array_equal(got, np.asarray(want))


def test_complex_gradient_convention():
    z = tf.constant([1 + 2j])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(z)
        abs_squared = tf.math.real(z * tf.math.conj(z))
        square = z * z
    assert tape.gradient(abs_squared, z).numpy().tolist() == [2 + 4j]
    assert tape.gradient(square, z).numpy().tolist() == [np.conj(2 * (1 + 2j))]


def test_top_k_returns_named_values_and_int32_indices():
    result = tf.math.top_k(tf.constant([[1.0, 3.0, 2.0]]), k=2)
    assert type(result).__name__ == "TopKV2"
    assert result.values.numpy().tolist() == [[3.0, 2.0]]
    assert result.indices.dtype == tf.int32
    assert result.indices.numpy().tolist() == [[1, 2]]


def test_where_one_argument_gives_int64_coordinates():
    out = tf.where(tf.constant([[True, False], [True, True]]))
    assert out.dtype == tf.int64
    assert out.numpy().tolist() == [[0, 0], [1, 0], [1, 1]]


def test_math_namespace_has_the_new_ops():
    for name in ("erf", "lgamma", "top_k", "reduce_std", "is_nan", "xlogy", "mod", "angle"):
        assert callable(getattr(tf.math, name))
    for name in ("sigmoid", "atan2", "add_n", "where", "round", "reduce_logsumexp", "argmax"):
        assert callable(getattr(tf, name))


def test_clip_by_norm_and_global_norm_match_tf():
    # Values and gradients observed with TF 2.21.
    x = tf.constant([3.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.clip_by_norm(x, 1.0) * tf.constant([1.0, 2.0]))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [-0.064, 0.048], rtol=1e-5)
    zero = tf.constant([0.0, 0.0])
    with tf.GradientTape() as tape:
        tape.watch(zero)
        y = tf.reduce_sum(tf.clip_by_norm(zero, 1.0))
    np.testing.assert_array_equal(tape.gradient(y, zero).numpy(), [1.0, 1.0])
    clipped, norm = tf.clip_by_global_norm([x, None, tf.constant([12.0])], 6.5)
    assert norm.numpy() == 13.0 and clipped[1] is None
    np.testing.assert_allclose(clipped[0].numpy(), [1.5, 2.0])
    assert tf.linalg.global_norm([x, tf.constant([12.0])]).numpy() == 13.0


def test_numpy_operand_takes_a_variables_dtype():
    v = tf.Variable([1.0, 2.0])
    out = np.float64(0.5) * v
    assert out.dtype == tf.float32
    np.testing.assert_array_equal(out.numpy(), [0.5, 1.0])


def test_multiply_by_a_broadcast_one_is_exact_and_shares_no_writable_buffer():
    # The gradient of reduce_sum is a broadcast 1; Mul returns the other operand for it.
    ones = np.broadcast_to(np.float32(1.0), (3, 4))
    values = np.array([[np.nan, -0.0, np.inf, 2.5]] * 3, dtype=np.float32)
    out = tf.multiply(tf.constant(ones), tf.constant(values)).numpy()
    np.testing.assert_array_equal(out.view(np.uint32), (ones * values).view(np.uint32))
    row = tf.multiply(tf.constant(ones), tf.constant(values[0])).numpy()
    assert row.shape == (3, 4)
    np.testing.assert_array_equal(row, np.broadcast_to(values[0], (3, 4)))


def test_pow_constant_exponent_shortcut_keeps_every_order():
    # x ** 2 and x ** 3 take the rule's constant-exponent path; derivatives of all
    # orders, forward and reverse, must be those of the general rule, and stay
    # connected as in TF (a zero third derivative of x ** 2, not None).
    x = tf.constant([1.5, -2.0, 0.5], tf.float64)
    for y, derivs in [
        (2.0, lambda x: [2 * x, 2 + 0 * x, 0 * x]),
        (3.0, lambda x: [3 * x**2, 6 * x, 6 + 0 * x]),
    ]:
        with tf.GradientTape() as t3:
            t3.watch(x)
            with tf.GradientTape() as t2:
                t2.watch(x)
                with tf.GradientTape() as t1:
                    t1.watch(x)
                    z = x**y
                d1 = t1.gradient(z, x)
            d2 = t2.gradient(d1, x)
        d3 = t3.gradient(d2, x)
        for got, want in zip([d1, d2, d3], derivs(x.numpy())):
            np.testing.assert_allclose(got.numpy(), want)
        with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as outer:
            with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as inner:
                z = x**y
            d1 = inner.jvp(z)
        np.testing.assert_allclose(d1.numpy(), derivs(x.numpy())[0])
        np.testing.assert_allclose(outer.jvp(d1).numpy(), derivs(x.numpy())[1])


def test_pow_exponent_watched_by_an_outer_tape_is_differentiated():
    # The inner rule must not treat y as a constant when an outer tape tracks it:
    # d/dy (y x^(y-1)) = x^(y-1) (1 + y log x).
    x, y = tf.constant(1.5, tf.float64), tf.constant(2.0, tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(y)
        with tf.GradientTape() as inner:
            inner.watch(x)
            z = x**y
        dz_dx = inner.gradient(z, x)
    np.testing.assert_allclose(outer.gradient(dz_dx, y).numpy(), 1.5 * (1 + 2 * np.log(1.5)))
    with tf.autodiff.ForwardAccumulator(y, tf.constant(1.0, tf.float64)) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            z = x**y
        dz_dx = tape.gradient(z, x)
    np.testing.assert_allclose(acc.jvp(dz_dx).numpy(), 1.5 * (1 + 2 * np.log(1.5)))
