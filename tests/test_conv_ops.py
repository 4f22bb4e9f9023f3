"""Convolutions and pooling: TF goldens (conv_*, *_pool* cases), naive NumPy references,
max-pool tie routing, and gradients through the conv2d family to second order.

The registry tests check Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter, MaxPool,
MaxPoolGrad, MaxPoolGradGrad, AvgPool and AvgPoolGrad (first and second order, JVP and batch
polymorphism); these tests pin values against TF and against loops written out here.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import check_first_order, check_second_order
from nn_goldens import CONV_CASES, replay

import tapeflow as tf


@pytest.mark.parametrize("name", CONV_CASES)
def test_matches_tensorflow(name):
    replay(name)


# -- naive references -------------------------------------------------------------------------


def _naive_conv2d(x, w, strides, dilations, pads):
    (sh, sw), (dh, dw), ((pt, pb), (pl, pr)) = strides, dilations, pads
    x = np.pad(x, [(0, 0), (pt, pb), (pl, pr), (0, 0)])
    n, h, wd, _ = x.shape
    kh, kw, _, o = w.shape
    oh = (h - (kh - 1) * dh - 1) // sh + 1
    ow = (wd - (kw - 1) * dw - 1) // sw + 1
    out = np.zeros((n, oh, ow, o))
    for i in range(oh):
        for j in range(ow):
            patch = x[
                :,
                i * sh : i * sh + (kh - 1) * dh + 1 : dh,
                j * sw : j * sw + (kw - 1) * dw + 1 : dw,
            ]
            out[:, i, j] = np.einsum("nabc,abco->no", patch, w)
    return out


def _same_pads(size, k, s, d):
    out = -(-size // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return (total // 2, total - total // 2)


@pytest.mark.parametrize(
    "strides, dilations, padding",
    [
        ((1, 1), (1, 1), "SAME"),
        ((2, 2), (1, 1), "SAME"),
        ((2, 1), (1, 1), "VALID"),
        ((1, 1), (2, 2), "SAME"),
        ((3, 2), (2, 1), "SAME"),
        ((1, 2), (1, 1), [[0, 0], [2, 1], [0, 3], [0, 0]]),
    ],
)
def test_conv2d_matches_a_naive_loop(strides, dilations, padding):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 9, 8, 3))
    w = rng.normal(size=(3, 2, 3, 4))
    if padding == "SAME":
        pads = tuple(
            _same_pads(n, k, s, d)
            for n, k, s, d in zip((9, 8), (3, 2), strides, dilations, strict=True)
        )
    elif padding == "VALID":
        pads = ((0, 0), (0, 0))
    else:
        pads = (tuple(padding[1]), tuple(padding[2]))
    expected = _naive_conv2d(x, w, strides, dilations, pads)
    got = tf.nn.conv2d(x, w, strides, padding, dilations=dilations).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def _naive_conv2d_grads(x, w, dy, strides, dilations, pads):
    """d<conv2d(x, w), dy>/dx and /dw by loops over output positions."""
    (sh, sw), (dh, dw), ((pt, pb), (pl, pr)) = strides, dilations, pads
    xp = np.pad(x, [(0, 0), (pt, pb), (pl, pr), (0, 0)])
    gx, gw = np.zeros_like(xp), np.zeros_like(w)
    kh, kw = w.shape[:2]
    for i in range(dy.shape[1]):
        for j in range(dy.shape[2]):
            rows = slice(i * sh, i * sh + (kh - 1) * dh + 1, dh)
            cols = slice(j * sw, j * sw + (kw - 1) * dw + 1, dw)
            gw += np.einsum("nabc,no->abco", xp[:, rows, cols], dy[:, i, j])
            gx[:, rows, cols] += np.einsum("abco,no->nabc", w, dy[:, i, j])
    return gx[:, pt : pt + x.shape[1], pl : pl + x.shape[2]], gw


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize(
    "strides, dilations, padding",
    [
        ((1, 1), (1, 1), "SAME"),
        ((2, 2), (1, 1), "SAME"),
        ((2, 1), (1, 1), "VALID"),
        ((1, 1), (2, 2), "SAME"),
        ((3, 2), (2, 1), "SAME"),
        ((1, 2), (1, 1), [[0, 0], [2, 1], [0, 3], [0, 0]]),
    ],
)
def test_conv2d_gradients_match_naive_loops(channels, strides, dilations, padding):
    # One channel takes the column-major im2col path.
    rng = np.random.default_rng(6)
    x = rng.normal(size=(2, 9, 8, channels))
    w = rng.normal(size=(3, 2, channels, 4))
    xt, wt = tf.constant(x), tf.constant(w)
    with tf.GradientTape() as tape:
        tape.watch([xt, wt])
        y = tf.nn.conv2d(xt, wt, strides, padding, dilations=dilations)
        dy = rng.normal(size=y.shape)
        loss = tf.reduce_sum(y * dy)
    gx, gw = tape.gradient(loss, [xt, wt])
    if padding == "SAME":
        pads = tuple(
            _same_pads(n, k, s, d)
            for n, k, s, d in zip((9, 8), (3, 2), strides, dilations, strict=True)
        )
    elif padding == "VALID":
        pads = ((0, 0), (0, 0))
    else:
        pads = (tuple(padding[1]), tuple(padding[2]))
    np.testing.assert_allclose(
        y.numpy(), _naive_conv2d(x, w, strides, dilations, pads), rtol=1e-12, atol=1e-12
    )
    expected_x, expected_w = _naive_conv2d_grads(x, w, dy, strides, dilations, pads)
    np.testing.assert_allclose(gx.numpy(), expected_x, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gw.numpy(), expected_w, rtol=1e-12, atol=1e-12)


def test_one_channel_float32_conv_and_gradients_stay_float32():
    rng = np.random.default_rng(7)
    x = tf.constant(rng.normal(size=(3, 6, 6, 1)).astype(np.float32))
    w = tf.constant(rng.normal(size=(3, 3, 1, 2)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch([x, w])
        y = tf.nn.conv2d(x, w, 1, "SAME")
    gx, gw = tape.gradient(y, [x, w])
    assert (y.dtype, gx.dtype, gw.dtype) == (tf.float32,) * 3
    assert (y.shape, gx.shape, gw.shape) == ((3, 6, 6, 2), (3, 6, 6, 1), (3, 3, 1, 2))
    expected_x, expected_w = _naive_conv2d_grads(
        x.numpy().astype(np.float64),
        w.numpy().astype(np.float64),
        np.ones((3, 6, 6, 2)),
        (1, 1),
        (1, 1),
        ((1, 1), (1, 1)),
    )
    np.testing.assert_allclose(gx.numpy(), expected_x, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(gw.numpy(), expected_w, rtol=1e-5, atol=1e-5)


def test_conv1d_matches_numpy_correlate():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1, 10, 1))
    w = rng.normal(size=(4, 1, 1))
    got = tf.nn.conv1d(x, w, 1, "VALID").numpy()[0, :, 0]
    np.testing.assert_allclose(got, np.correlate(x[0, :, 0], w[:, 0, 0], "valid"), rtol=1e-12)


def test_conv2d_transpose_is_the_adjoint_of_conv2d():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 7, 6, 3))
    w = rng.normal(size=(3, 3, 3, 4))
    y = rng.normal(size=(2, 4, 3, 4))
    forward = tf.nn.conv2d(x, w, 2, "SAME").numpy()
    backward = tf.nn.conv2d_transpose(y, w, [2, 7, 6, 3], 2, "SAME").numpy()
    np.testing.assert_allclose(np.sum(forward * y), np.sum(x * backward), rtol=1e-12)


def _naive_pool(x, k, s, reduce):
    n, h, w, c = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            out[:, i, j] = reduce(x[:, i * s : i * s + k, j * s : j * s + k], axis=(1, 2))
    return out


def test_pools_match_naive_loops():
    x = np.random.default_rng(3).normal(size=(2, 7, 8, 3))
    np.testing.assert_array_equal(
        tf.nn.max_pool2d(x, 3, 2, "VALID").numpy(), _naive_pool(x, 3, 2, np.max)
    )
    np.testing.assert_allclose(
        tf.nn.avg_pool2d(x, 3, 2, "VALID").numpy(), _naive_pool(x, 3, 2, np.mean), rtol=1e-12
    )


def test_avg_pool_same_averages_only_unpadded_elements():
    x = np.arange(9.0).reshape(1, 3, 3, 1)
    got = tf.nn.avg_pool2d(x, 2, 2, "SAME").numpy()[0, :, :, 0]
    np.testing.assert_array_equal(got, [[2.0, 3.5], [6.5, 8.0]])


# -- max-pool routing -----------------------------------------------------------------------


def _max_pool_grad(x, *args):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool2d(x, *args)
    return tape.gradient(y, x).numpy()


def test_max_pool_gradient_goes_to_the_first_maximum_of_each_window():
    x = np.float32([[1, 3, 3, 0], [3, 2, 1, 3], [0, 3, 3, 1], [2, 2, 2, 2]]).reshape(1, 4, 4, 1)
    grad = _max_pool_grad(x, 3, 1, "VALID")[0, :, :, 0]
    np.testing.assert_array_equal(grad[:2], [[0, 2, 0, 0], [1, 0, 0, 1]])


def test_max_pool_never_routes_to_padding_even_for_all_neg_inf_windows():
    x = np.full((1, 2, 2, 1), -np.inf, np.float32)
    out = tf.nn.max_pool2d(x, 2, 1, "SAME").numpy()
    assert np.all(out == np.finfo(np.float32).min)  # TF's kernel starts from the lowest value
    np.testing.assert_array_equal(_max_pool_grad(x, 2, 1, "SAME").ravel(), [1, 1, 1, 1])


def test_max_pool_skips_nan():
    x = np.float32([1, np.nan, 2, 0]).reshape(1, 2, 2, 1)
    assert tf.nn.max_pool2d(x, 2, 1, "VALID").numpy().item() == 2.0
    np.testing.assert_array_equal(_max_pool_grad(x, 2, 1, "VALID").ravel(), [0, 0, 1, 0])


# -- gradients through composites and batched jacobians ---------------------------------------


def test_conv1d_and_transpose_gradients_to_second_order():
    rng = np.random.default_rng(4)
    cases = [
        (
            "conv1d case stride 2, SAME",
            lambda x, w: tf.nn.conv1d(x, w, 2, "SAME", dilations=1),
            [(2, 7, 2), (3, 2, 3)],
        ),
        (
            "conv2d_transpose case stride 2, SAME",
            lambda x, w: tf.nn.conv2d_transpose(x, w, [1, 5, 5, 2], 2, "SAME"),
            [(1, 3, 3, 3), (3, 3, 2, 3)],
        ),
        (
            "max_pool1d(x) ** 2 case ksize 2, stride 2, VALID",
            lambda x: tf.nn.max_pool1d(x, 2, 2, "VALID") ** 2,
            [(1, 6, 2)],
        ),
        (
            "avg_pool1d(x) ** 2 case ksize 3, stride 1, SAME",
            lambda x: tf.nn.avg_pool1d(x, 3, 1, "SAME") ** 2,
            [(1, 6, 2)],
        ),
    ]
    for label, fn, shapes in cases:
        arrays = [rng.normal(size=s) for s in shapes]
        diff = list(range(len(arrays)))
        check_first_order(fn, arrays, diff, rng, label=label)
        check_second_order(fn, arrays, diff, rng, label=label)


def test_conv2d_jacobian_matches_one_gradient_per_output():
    rng = np.random.default_rng(5)
    x = tf.constant(rng.normal(size=(1, 4, 4, 2)))
    w = tf.constant(rng.normal(size=(2, 2, 2, 2)))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, w])
        y = tf.nn.conv2d(x, w, 2, "SAME")
    jacobian = tape.jacobian(y, w).numpy()
    flat = tf.reshape(y, [-1])
    for k in range(flat.shape[0]):
        with tf.GradientTape() as single:
            single.watch(w)
            yk = tf.reshape(tf.nn.conv2d(x, w, 2, "SAME"), [-1])[k]
        expected = single.gradient(yk, w).numpy()
        np.testing.assert_allclose(jacobian.reshape(-1, *w.shape)[k], expected, rtol=1e-12)


def test_int32_conv_and_max_pool_keep_their_dtype():
    x = tf.constant(np.arange(32).reshape(1, 4, 4, 2) % 5, tf.int32)
    assert tf.nn.conv2d(x, tf.ones((2, 2, 2, 1), tf.int32), 1, "VALID").dtype == tf.int32
    assert tf.nn.max_pool2d(x, 2, 2, "VALID").dtype == tf.int32


def test_grouped_convolution_is_reported_as_unimplemented():
    with pytest.raises(tf.errors.UnimplementedError, match="grouped"):
        tf.nn.conv2d(tf.ones((1, 5, 5, 4)), tf.ones((3, 3, 2, 4)), 1, "VALID")


def test_windows_never_read_past_the_input_for_inconsistent_shapes():
    from tapeflow.ops.conv_ops import _windows

    x = np.arange(2 * 5 * 5 * 1.0).reshape(2, 5, 5, 1)
    view = _windows(x, (3, 3), (1, 1), (1, 1), ((0, 0), (0, 0)), (4, 3))  # 4 rows: only 3 fit
    assert view.shape == (2, 3, 3, 1, 3, 3)
    np.testing.assert_array_equal(view[1, 2, 2, 0], x[1, 2:5, 2:5, 0])


@pytest.mark.parametrize("channels", [1, 3])
def test_empty_batch_convolves_to_empty_with_zero_filter_gradient(channels):
    x = tf.zeros((0, 5, 5, channels))
    w = tf.ones((3, 3, channels, 2))
    with tf.GradientTape() as tape:
        tape.watch([x, w])
        y = tf.nn.conv2d(x, w, 1, "SAME")
    gx, gw = tape.gradient(y, [x, w])
    assert (y.shape, gx.shape) == ((0, 5, 5, 2), (0, 5, 5, channels))
    np.testing.assert_array_equal(gw.numpy(), np.zeros((3, 3, channels, 2)))
