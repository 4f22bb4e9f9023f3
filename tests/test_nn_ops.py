"""tf.nn activations, softmax, cross-entropies, normalisation, bias_add, dropout, embeddings.

TF parity comes from goldens recorded with real TensorFlow
(tools/tf_goldens/make_nn_goldens.py -> tests/data/tf_nn_goldens.json); this file replays the
non-convolution cases (tests/test_conv_ops.py replays conv_* and *_pool*). NumPy references
and the kink table pin the rest. Gradients of every registered op are also checked by
tests/test_registry_gradients.py; composites are checked numerically here.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import check_first_order, check_second_order
from nn_goldens import NN_CASES, replay

import tapeflow as tf

# -- golden replay (the conv_* and *_pool* cases are test_conv_ops.py's) ---------------------


@pytest.mark.parametrize("name", NN_CASES)
def test_matches_tensorflow(name):
    replay(name)


# -- kink table ---------------------------------------------------------------------------

KINKS = [
    # (function, point, TF's first derivative there)
    (tf.nn.relu, 0.0, 0.0),
    (tf.nn.relu6, 0.0, 0.0),
    (tf.nn.relu6, 6.0, 0.0),
    (tf.nn.leaky_relu, 0.0, 0.2),
    (lambda x: tf.nn.leaky_relu(x, alpha=0.5), 0.0, 0.5),
    (tf.nn.elu, 0.0, 1.0),
    (tf.nn.selu, 0.0, 1.0507009873554805),
    (tf.nn.gelu, 0.0, 0.5),
    (tf.nn.silu, 0.0, 0.5),
]


@pytest.mark.parametrize("fn, point, slope", KINKS)
def test_derivative_at_kinks_follows_tensorflow(fn, point, slope):
    x = tf.constant(point)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    assert float(tape.gradient(y, x)) == pytest.approx(slope, rel=1e-6)


def test_sigmoid_cross_entropy_gradient_at_zero_logit_is_sigmoid_minus_label():
    logits = tf.constant([0.0, 0.0])
    labels = tf.constant([1.0, 0.3])
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
    np.testing.assert_allclose(tape.gradient(loss, logits).numpy(), [-0.5, 0.2], rtol=1e-6)


# -- NumPy references -----------------------------------------------------------------------


def _np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def test_activations_match_numpy_references():
    from scipy import special

    x = np.linspace(-4, 8, 25)
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    references = {
        tf.nn.relu: np.maximum(x, 0),
        tf.nn.relu6: np.clip(x, 0, 6),
        tf.nn.leaky_relu: np.where(x > 0, x, np.float32(0.2).item() * x),  # a float32 attr
        tf.nn.elu: np.where(x > 0, x, np.expm1(x)),
        tf.nn.selu: scale * np.where(x > 0, x, alpha * np.expm1(x)),
        # TF's gelu multiplies by 1/sqrt(2) rounded to float32, even for float64.
        tf.nn.gelu: 0.5 * x * special.erfc(-x * np.float32(0.7071067811865476).item()),
        tf.nn.silu: x * special.expit(x),
        tf.nn.softplus: np.logaddexp(x, 0),
    }
    for fn, expected in references.items():
        np.testing.assert_allclose(fn(tf.constant(x)).numpy(), expected, rtol=1e-12, atol=1e-15)


def test_softmax_and_log_softmax_match_numpy_on_any_axis():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)) * 10
    for axis in (0, 1, -1):
        expected = _np_softmax(x, axis)
        np.testing.assert_allclose(
            tf.nn.softmax(x, axis=axis).numpy(), expected, rtol=1e-12, atol=1e-15
        )
        shifted = x - x.max(axis=axis, keepdims=True)
        log_expected = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        np.testing.assert_allclose(
            tf.nn.log_softmax(x, axis=axis).numpy(), log_expected, rtol=1e-12
        )


def test_cross_entropies_match_numpy():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(4, 5)) * 3
    labels = _np_softmax(rng.normal(size=(4, 5)))
    log_p = np.log(_np_softmax(logits))
    soft = tf.nn.softmax_cross_entropy_with_logits(labels, logits)
    np.testing.assert_allclose(soft.numpy(), -(labels * log_p).sum(-1), rtol=1e-12)
    ids = np.array([0, 4, 2, 2])
    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ids, logits=logits)
    np.testing.assert_allclose(sparse.numpy(), -log_p[np.arange(4), ids], rtol=1e-12)
    z = rng.uniform(size=(4, 5))
    sigm = tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=logits)
    p = 1 / (1 + np.exp(-logits))
    np.testing.assert_allclose(sigm.numpy(), -(z * np.log(p) + (1 - z) * np.log1p(-p)), rtol=1e-10)


def test_sigmoid_cross_entropy_is_accurate_for_large_logits():
    loss = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.constant([1.0, 0.0], tf.float64), logits=tf.constant([40.0, -40.0], tf.float64)
    )
    np.testing.assert_allclose(loss.numpy(), [np.exp(-40.0)] * 2, rtol=1e-12)


def test_moments_l2_normalize_and_batch_normalization_match_numpy():
    x = np.random.default_rng(2).normal(size=(3, 4, 2))
    mean, variance = tf.nn.moments(x, axes=[0, 2])
    np.testing.assert_allclose(mean.numpy(), x.mean((0, 2)), rtol=1e-12)
    np.testing.assert_allclose(variance.numpy(), x.var((0, 2)), rtol=1e-12)
    normalized = tf.nn.l2_normalize(x, axis=1)
    np.testing.assert_allclose(
        normalized.numpy(), x / np.sqrt((x**2).sum(1, keepdims=True)), rtol=1e-12
    )
    m, v, o, s = (tf.constant(c, tf.float64) for c in (0.5, 2.0, 0.1, 3.0))
    out = tf.nn.batch_normalization(x, m, v, o, s, 1e-3)
    m, v, o, s = 0.5, 2.0, 0.1, 3.0
    np.testing.assert_allclose(out.numpy(), s * (x - m) / np.sqrt(v + 1e-3) + o, rtol=1e-12)
    np.testing.assert_allclose(tf.nn.l2_loss(x).numpy(), (x**2).sum() / 2, rtol=1e-12)


def test_bias_add_adds_along_the_channel_axis():
    value = np.arange(24.0).reshape(2, 3, 4)
    bias = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(
        tf.nn.bias_add(value, bias, data_format="NCHW").numpy(), value + bias[:, None]
    )
    np.testing.assert_array_equal(tf.nn.bias_add(value, np.ones(4)).numpy(), value + np.ones(4))


# -- gradients of the composites -----------------------------------------------------------

COMPOSITES = [
    # (name for failure messages, function, inputs)
    ("gelu", lambda x: tf.nn.gelu(x), [np.linspace(-3, 3, 7)]),
    ("gelu(approximate=True)", lambda x: tf.nn.gelu(x, approximate=True), [np.linspace(-3, 3, 7)]),
    ("silu(beta)", lambda x, b: tf.nn.silu(x, beta=b), [np.linspace(-3, 3, 7), np.array(1.5)]),
    (
        "sigmoid_cross_entropy_with_logits",
        lambda z, x: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
        [np.array([0.2, 0.9, 0.5]), np.array([-2.0, 0.3, 4.0])],
    ),
    (
        "weighted_cross_entropy_with_logits(pos_weight=2.5)",
        lambda z, x: tf.nn.weighted_cross_entropy_with_logits(z, x, 2.5),
        [np.array([0.2, 0.9, 0.5]), np.array([-2.0, 0.3, 4.0])],
    ),
    (
        "l2_normalize(axis=-1)",
        lambda x: tf.nn.l2_normalize(x, axis=-1),
        [np.array([[0.3, -1.2, 2.0], [1.0, 0.5, 0.1]])],
    ),
    (
        "batch_normalization(epsilon=1e-3)",
        lambda x, m, v, o, s: tf.nn.batch_normalization(x, m, v, o, s, 1e-3),
        [
            np.array([[0.3, -1.2], [2.0, 1.0]]),
            np.array([0.1, 0.2]),
            np.array([0.5, 1.5]),
            np.array([0.0, 1.0]),
            np.array([2.0, 0.5]),
        ],
    ),
    ("l2_loss", lambda x: tf.nn.l2_loss(x), [np.array([[0.3, -1.2], [2.0, 1.0]])]),
]


@pytest.mark.parametrize("index", range(len(COMPOSITES)))
def test_composite_gradients_first_and_second_order(index):
    name, fn, arrays = COMPOSITES[index]
    diff = list(range(len(arrays)))
    label = f"tf.nn.{name} case composite-{index}"
    check_first_order(fn, arrays, diff, np.random.default_rng(index), label=label)
    check_second_order(fn, arrays, diff, np.random.default_rng(index + 100), label=label)


def test_moments_gradient_is_exact_at_first_order():
    # Only first order: the variance uses stop_gradient(mean), as TF's does, so its second
    # derivative is TF's (pinned by the moments_second_order golden), not the exact one.
    x = [np.array([[0.3, -1.2], [2.0, 1.0], [0.5, 0.1]])]
    check_first_order(
        lambda x: tf.nn.moments(x, [0])[1],
        x,
        [0],
        np.random.default_rng(5),
        label="tf.nn.moments variance case axes=[0]",
    )


def test_embedding_lookup_gradient_is_the_gather_gradient():
    params = tf.constant(np.arange(6.0).reshape(3, 2))
    with tf.GradientTape() as tape:
        tape.watch(params)
        y = tf.nn.embedding_lookup(params, [[2, 0], [2, 2]])
    grad = tf.convert_to_tensor(tape.gradient(y, params))
    np.testing.assert_array_equal(grad.numpy(), [[1.0, 1.0], [0.0, 0.0], [3.0, 3.0]])


def test_softmax_cross_entropy_gives_labels_a_gradient():
    labels = tf.constant([[0.2, 0.8]])
    logits = tf.constant([[1.0, 3.0]])
    with tf.GradientTape() as tape:
        tape.watch(labels)
        loss = tf.nn.softmax_cross_entropy_with_logits(labels, logits)
    np.testing.assert_allclose(
        tape.gradient(loss, labels).numpy(), -tf.nn.log_softmax(logits).numpy(), rtol=1e-6
    )


def test_softmax_cross_entropy_sums_broadcast_label_gradient():
    labels = tf.constant([0.1, 0.6, 0.3], tf.float64)
    logits = tf.constant(np.arange(6.0).reshape(2, 3))
    with tf.GradientTape() as tape:
        tape.watch(labels)
        loss = tf.nn.softmax_cross_entropy_with_logits(labels, logits)
    expected = -tf.nn.log_softmax(logits).numpy().sum(0)
    np.testing.assert_allclose(tape.gradient(loss, labels).numpy(), expected, rtol=1e-12)


# -- dropout --------------------------------------------------------------------------------


def test_dropout_scales_kept_values_and_zeroes_the_rest():
    x = tf.ones((200, 50))
    y = tf.nn.dropout(x, 0.25, seed=7).numpy()
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.75)}
    assert abs((y == 0).mean() - 0.25) < 0.02


def test_dropout_noise_shape_broadcasts_the_mask():
    y = tf.nn.dropout(tf.ones((4, 6)), 0.5, noise_shape=[None, 1], seed=3).numpy()
    assert all(len(set(row)) == 1 for row in y)


def test_dropout_gradient_is_the_mask_times_the_scale():
    x = tf.constant(np.ones((10, 10)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.dropout(x, 0.5, seed=1)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), y.numpy())


def test_dropout_with_a_seed_repeats_across_runs():
    import subprocess
    import sys

    code = (
        "import tapeflow as tf\n"
        "print(tf.nn.dropout(tf.ones(20), 0.5, seed=4).numpy().tolist(),"
        " tf.nn.dropout(tf.ones(20), 0.5, seed=4).numpy().tolist())"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert runs[0].stdout == runs[1].stdout


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_dropout_rejects_rates_outside_zero_one(rate):
    with pytest.raises(ValueError, match="`rate` must be a scalar tensor"):
        tf.nn.dropout(tf.ones(3), rate)


# -- errors ---------------------------------------------------------------------------------


def test_sparse_cross_entropy_rejects_float_labels():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Tlabels"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0.0], logits=[[1.0, 2.0]])


def test_relu_rejects_bool_and_complex():
    for value in ([True], [1j]):
        with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'T'"):
            tf.nn.relu(value)


def test_integer_relus_keep_their_dtype():
    assert tf.nn.relu(tf.constant([-1, 2], tf.uint8)).dtype == tf.uint8
    assert tf.nn.relu6(tf.constant([-1, 9])).numpy().tolist() == [0, 6]


def test_dropout_follows_the_global_seed_like_tf_random():
    tf.random.set_seed(5)
    first = [tf.nn.dropout(tf.ones(30), 0.5, seed=3).numpy() for _ in range(2)]
    tf.random.set_seed(5)
    again = [tf.nn.dropout(tf.ones(30), 0.5, seed=3).numpy() for _ in range(2)]
    assert not np.array_equal(first[0], first[1])  # repeated calls advance the stream
    np.testing.assert_array_equal(first, again)  # set_seed restarts it


def test_embedding_lookup_over_div_partitions_matches_tf():
    # observed with TF 2.21
    p1 = tf.constant([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    p2 = tf.constant([[4.0, 4.0], [5.0, 5.0]])
    out = tf.nn.embedding_lookup([p1, p2], [0, 4, 2, 3]).numpy().tolist()
    assert out == [[1.0, 1.0], [5.0, 5.0], [3.0, 3.0], [4.0, 4.0]]
    v1, v2 = tf.Variable([[1.0, 1.0], [2.0, 2.0]]), tf.Variable([[3.0, 3.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.nn.embedding_lookup([v1, v2], [2, 0, 2]))
    g1, g2 = (tf.convert_to_tensor(g).numpy().tolist() for g in tape.gradient(y, [v1, v2]))
    assert g1 == [[1.0, 1.0], [0.0, 0.0]] and g2 == [[2.0, 2.0]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="'div' strategy"):
        tf.nn.embedding_lookup([tf.ones((1, 2)), tf.ones((3, 2))], [0])
