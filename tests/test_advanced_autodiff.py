"""Jacobians, forward mode and user-defined gradients (TF's "Advanced automatic
differentiation" guide and the GradientTape / custom_gradient / ForwardAccumulator API pages,
reproduced from their descriptions)."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf

# -- jacobian ------------------------------------------------------------------------------


def test_jacobian_of_elementwise_square_is_diagonal():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_array_equal(tape.jacobian(y, x).numpy(), [[2.0, 0.0], [0.0, 4.0]])


def test_jacobian_shape_is_target_shape_plus_source_shape():
    w = tf.Variable(np.arange(6.0, dtype=np.float32).reshape(3, 2))
    b = tf.Variable(tf.zeros(2))
    x = tf.constant([[1.0, 2.0, 3.0]])
    with tf.GradientTape(persistent=True) as tape:
        y = x @ w + b
    jw, jb = tape.jacobian(y, [w, b])
    assert jw.shape == (1, 2, 3, 2) and jb.shape == (1, 2, 2)
    # Column j of y depends on w[:, j] with weight x.
    np.testing.assert_allclose(jw.numpy()[0, 1, :, 1], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(jw.numpy()[0, 1, :, 0], 0.0)


def test_jacobian_of_scalar_target_is_gradient():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x * x)
    np.testing.assert_array_equal(tape.jacobian(y, x).numpy(), [2.0, 4.0])


def test_jacobian_nested_sources_mirror_structure():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    out = tape.jacobian(y, [x, {"a": x}])
    assert isinstance(out, list) and isinstance(out[1], dict)
    np.testing.assert_array_equal(out[1]["a"].numpy(), [[2.0, 0.0], [0.0, 4.0]])


def test_jacobian_unconnected_none_or_zero():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.constant([3.0])
    assert tape.jacobian(y, x) is None
    zeros = tape.jacobian(y, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert zeros.shape == (1, 2) and np.all(zeros.numpy() == 0)


def test_jacobian_loop_fallback_needs_persistent_tape():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(RuntimeError, match="persistent=True"):
        tape.jacobian(y, x, experimental_use_pfor=False)


def test_jacobian_vectorised_and_looped_agree():
    w = tf.constant(np.random.default_rng(0).standard_normal((4, 3)))
    x = tf.constant(np.random.default_rng(1).standard_normal(3))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = (
            tf.tanh(tf.linalg.matvec(w, x))
            if hasattr(tf.linalg, "matvec")
            else tf.tanh(tf.reshape(w @ tf.reshape(x, (3, 1)), (4,)))
        )
    fast = tape.jacobian(y, x)
    slow = tape.jacobian(y, x, experimental_use_pfor=False)
    np.testing.assert_allclose(fast.numpy(), slow.numpy(), rtol=1e-12)


def test_hessian_as_jacobian_of_gradient():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_sum(x * x * x)
        g = inner.gradient(y, x)
    hessian = outer.jacobian(g, x)
    np.testing.assert_allclose(hessian.numpy(), np.diag([6.0, 12.0, 18.0]))


def test_jacobian_twice_on_nonpersistent_tape_raises():
    x = tf.constant([3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.jacobian(y, x)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape"):
        tape.jacobian(y, x)


# -- batch_jacobian ------------------------------------------------------------------------


def test_batch_jacobian_gives_per_example_jacobians():
    x = tf.constant(np.arange(6.0).reshape(3, 2))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.concat([x * x, x[:, :1] * x[:, 1:]], axis=1)
    bj = tape.batch_jacobian(y, x)
    assert bj.shape == (3, 3, 2)
    xs = x.numpy()
    for i in range(3):
        expected = [[2 * xs[i, 0], 0], [0, 2 * xs[i, 1]], [xs[i, 1], xs[i, 0]]]
        np.testing.assert_allclose(bj.numpy()[i], expected)


def test_batch_jacobian_mismatched_batch_raises():
    x = tf.ones((3, 2))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.ones((4, 2)) * 2.0
    with pytest.raises(ValueError, match=r"Need first dimension of target shape \(\(4, 2\)\)"):
        tape.batch_jacobian(y, x)


def test_batch_jacobian_unconnected_zero():
    x = tf.ones((3, 2))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.ones((3, 2))
    out = tape.batch_jacobian(y, x, unconnected_gradients="zero")
    assert out.shape == (3, 2, 2) and np.all(out.numpy() == 0)


# -- forward mode --------------------------------------------------------------------------


def test_forward_accumulator_jvp():
    x = tf.constant(2.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        y = x * x * x
        z = tf.constant(3.0)
    assert acc.jvp(y).numpy() == 12.0
    assert acc.jvp(z) is None
    assert acc.jvp(z, unconnected_gradients="zero").numpy() == 0.0


def test_nested_accumulators_give_higher_derivatives():
    x = tf.constant(2.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as third:
        with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as second:
            with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as first:
                y = x * x * x
            d1 = first.jvp(y)
        d2 = second.jvp(d1)
    assert (d1.numpy(), d2.numpy(), third.jvp(d2).numpy()) == (12.0, 12.0, 6.0)


def test_forward_over_reverse_hessian_vector_product():
    w = tf.constant([1.0, 2.0, 3.0])
    v = tf.constant([1.0, 0.0, 1.0])
    with tf.autodiff.ForwardAccumulator(w, v) as acc:
        with tf.GradientTape() as tape:
            tape.watch(w)
            f = tf.reduce_sum(w * w * w)
        g = tape.gradient(f, w)
    np.testing.assert_allclose(acc.jvp(g).numpy(), 6 * w.numpy() * v.numpy())


def test_reverse_over_forward():
    w = tf.constant([1.0, 2.0])
    v = tf.constant([1.0, 0.0])
    with tf.GradientTape() as tape:
        tape.watch(w)
        with tf.autodiff.ForwardAccumulator(w, v) as acc:
            f = tf.reduce_sum(w * w * w)
        jv = acc.jvp(f)
    np.testing.assert_allclose(tape.gradient(jv, w).numpy(), [6.0, 0.0])


def test_variables_as_primals():
    v = tf.Variable(3.0)
    with tf.autodiff.ForwardAccumulator(v, tf.constant(2.0)) as acc:
        y = v * v
    assert acc.jvp(y).numpy() == 12.0


def test_tangent_shape_and_dtype_mismatch_raise():
    with pytest.raises(ValueError, match="Tensor conversion requested dtype float32"):
        tf.autodiff.ForwardAccumulator(tf.constant(1.0), tf.constant(1.0, tf.float64))
    with pytest.raises(ValueError, match="must have its primal's shape"):
        tf.autodiff.ForwardAccumulator(tf.constant(1.0), tf.constant([1.0, 2.0]))


def test_integer_primals_have_no_tangent():
    x = tf.constant(2)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1)) as acc:
        y = x * x
    assert acc.jvp(y) is None


# -- custom gradients -----------------------------------------------------------------------


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))

    return tf.math.log(1 + e), grad


def test_custom_gradient_gives_stable_gradient():
    x = tf.constant(100.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    assert tape.gradient(y, x).numpy() == 1.0


def test_custom_gradient_is_differentiable_twice():
    x = tf.constant(1.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = log1pexp(x)
        g = inner.gradient(y, x)
    s = 1 / (1 + np.exp(-1.0))
    np.testing.assert_allclose(g.numpy(), s, rtol=1e-6)
    np.testing.assert_allclose(outer.gradient(g, x).numpy(), s * (1 - s), rtol=1e-6)


def test_custom_gradient_in_forward_mode_uses_the_rule():
    @tf.custom_gradient
    def scaled(x):
        return tf.identity(x), lambda dy: dy * 10.0

    x = tf.constant(1.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        y = scaled(x)
    assert acc.jvp(y).numpy() == 10.0


def test_custom_gradient_clips_gradients():
    @tf.custom_gradient
    def clip_gradient(x):
        return tf.identity(x), lambda dy: tf.maximum(tf.minimum(dy, 1.0), -1.0)

    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = clip_gradient(x) * 5.0
    assert tape.gradient(y, x).numpy() == 1.0


def test_custom_gradient_with_variables():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def f(a):
        def grad(upstream, variables=None):
            return upstream * v, [upstream * a]

        return a * v, grad

    a = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = f(a)
    da, dv = tape.gradient(y, [a, v])
    assert (da.numpy(), dv.numpy()) == (2.0, 3.0)


def test_custom_gradient_reading_variables_needs_variables_argument():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def f(a):
        return a * v, lambda upstream: upstream

    with pytest.raises(TypeError, match="grad_fn must accept keyword argument 'variables'"):
        f(tf.constant(1.0))


def test_custom_gradient_wrong_number_of_gradients_raises():
    @tf.custom_gradient
    def f(a):
        return a * 3.0, lambda up: (up * 2.0, up)

    a = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = f(a)
    with pytest.raises(ValueError, match="expected to return 1 gradients, but returned 2"):
        tape.gradient(y, a)


def test_custom_gradient_keyword_tensors_go_through_the_rule():
    @tf.custom_gradient
    def f(a=None):
        return a * 3.0, lambda up: up * 2.0

    a = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = f(a=a)
    assert tape.gradient(y, a).numpy() == 2.0  # the rule, not d(3a)/da


def test_custom_gradient_jacobian_loops_over_user_rule():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    s = 1 / (1 + np.exp(-x.numpy()))
    np.testing.assert_allclose(tape.jacobian(y, x).numpy(), np.diag(s), rtol=1e-6)


def test_grad_pass_through_is_identity_gradient():
    x = tf.constant(2.4)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.grad_pass_through(tf.square)(x)
    assert y.numpy() == pytest.approx(5.76)
    assert tape.gradient(y, x).numpy() == 1.0


def test_recompute_grad_matches_plain_gradients_and_keeps_fewer_entries():
    v = tf.Variable(2.0)

    def block(x):
        for _ in range(20):
            x = tf.sin(x) * v
        return x

    x = tf.constant(0.3)
    with tf.GradientTape(persistent=True) as plain:
        plain.watch(x)
        y1 = block(x)
    with tf.GradientTape(persistent=True) as saved:
        saved.watch(x)
        y2 = tf.recompute_grad(block)(x)
    for a, b in zip(plain.gradient(y1, [x, v]), saved.gradient(y2, [x, v])):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
    # The recomputed block keeps one entry instead of forty intermediates.
    assert len(saved._tape.entries) == 1 and len(plain._tape.entries) == 40


def test_stop_gradient_blocks():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * tf.stop_gradient(x)
    assert tape.gradient(y, x).numpy() == 3.0
