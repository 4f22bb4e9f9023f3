"""tf.random: TF's seed semantics and TF's values (observed on TF 2.21), dtypes, errors,
gradients of the composites, and distribution sanity checks with fixed seeds."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.ops import philox, random_ops


@pytest.fixture(autouse=True)
def _clear_global_seed():
    yield
    tf.random.set_seed(None)


def _u(**kwargs) -> float:
    return float(tf.random.uniform([1], **kwargs)[0])


def test_global_seed_sequence_repeats_after_set_seed():
    tf.random.set_seed(1234)
    first = [_u(), _u(), float(tf.random.normal([1])[0])]
    tf.random.set_seed(1234)
    assert [_u(), _u(), float(tf.random.normal([1])[0])] == first
    assert first[0] != first[1]


def test_op_seed_calls_give_a1_a2_and_restart_on_set_seed():
    # TF's documented example: the same op with the same seeds keeps an internal counter.
    tf.random.set_seed(1234)
    a1, a2 = _u(seed=1), _u(seed=1)
    assert a1 != a2
    tf.random.set_seed(1234)
    assert [_u(seed=1), _u(seed=1)] == [a1, a2]


def test_op_seed_without_global_seed_is_deterministic():
    random_ops.set_seed(None)
    first = [_u(seed=7), _u(seed=7)]
    tf.random.set_seed(None)  # clears the cached kernels, as TF's set_seed does
    assert [_u(seed=7), _u(seed=7)] == first


def test_seedless_calls_do_not_consume_each_others_sequence():
    # An op-seeded call does not advance the global op-seed sequence, and a seedless
    # call's values do not depend on the shapes drawn before it.
    tf.random.set_seed(5)
    plain = [_u(), _u(), _u()]
    tf.random.set_seed(5)
    mixed = [_u(), float(tf.random.uniform([7])[0]), _u(seed=1), _u()]
    assert [mixed[0], mixed[1], mixed[3]] == plain


def test_counters_are_per_op_type_and_dtype_and_shared_across_shapes():
    tf.random.set_seed(5)
    a1, a2 = _u(seed=1), _u(seed=1)
    tf.random.set_seed(5)
    assert _u(seed=1) == a1
    tf.random.normal([1], seed=1)  # a different kernel: does not advance uniform's
    tf.random.uniform([1], seed=1, dtype=tf.float64)  # nor does another dtype
    assert float(tf.random.uniform([3], seed=1, maxval=5.0)[0]) == pytest.approx(5 * a2)


def test_different_op_seeds_differ():
    tf.random.set_seed(3)
    assert _u(seed=1) != _u(seed=2)


def test_no_seed_is_nondeterministic():
    values = {_u() for _ in range(5)}
    assert len(values) == 5


def test_uniform_dtypes_and_errors():
    assert tf.random.uniform([2], dtype=tf.float64).dtype == tf.float64
    ints = tf.random.uniform([100], minval=-3, maxval=4, dtype=tf.int32, seed=1)
    assert ints.dtype == tf.int32 and ints.numpy().min() >= -3 and ints.numpy().max() <= 3
    with pytest.raises(ValueError, match="Must specify maxval for integer dtype tf.int32"):
        tf.random.uniform([2], dtype=tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Need minval < maxval, got 3 >= 1"):
        tf.random.uniform([2], minval=3, maxval=1, dtype=tf.int32)
    with pytest.raises(ValueError, match="Accepted dtypes"):
        tf.random.uniform([2], dtype=tf.bool)
    assert tf.random.normal([2], dtype=tf.float16).dtype == tf.float16
    with pytest.raises(TypeError):
        tf.random.normal([2], dtype=tf.int32)


def test_normal_and_uniform_are_differentiable_in_their_parameters():
    mean, stddev = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        z = tf.random.normal([1000], mean, stddev, seed=3)
        w = tf.random.uniform([1000], mean, stddev, seed=3)
        t = tf.random.truncated_normal([1000], mean, stddev, seed=3)
    g_mean, g_std = tape.gradient(z, [mean, stddev])
    assert g_mean.numpy() == 1000
    np.testing.assert_allclose(g_std.numpy(), np.sum((z.numpy() - 1.0) / 2.0), rtol=1e-4)
    g_min, g_max = tape.gradient(w, [mean, stddev])
    np.testing.assert_allclose(g_min.numpy() + g_max.numpy(), 1000, rtol=1e-5)
    assert tape.gradient(t, mean).numpy() == 1000


def test_shuffle_and_categorical_have_no_gradient():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = tf.random.shuffle(x)
    assert tape.gradient(y, x) is None
    assert sorted(y.numpy().tolist()) == [1.0, 2.0, 3.0]


def test_shuffle_permutes_first_dimension():
    value = np.arange(20).reshape(10, 2)
    out = tf.random.shuffle(value, seed=4).numpy()
    assert sorted(out[:, 0].tolist()) == list(range(0, 20, 2))
    np.testing.assert_array_equal(out[:, 1] - out[:, 0], 1)
    assert tf.random.shuffle(3).numpy() == 3


def test_categorical_shape_dtype_and_errors():
    out = tf.random.categorical(tf.math.log([[0.5, 0.5], [1.0, 0.0]]), 5, seed=1)
    assert out.dtype == tf.int64 and out.shape == (2, 5)
    assert (out.numpy()[1] == 0).all()  # a zero-probability class is never drawn
    assert tf.random.categorical([[0.0, 0.0]], 3, dtype=tf.int32).dtype == tf.int32
    with pytest.raises(tf.errors.InvalidArgumentError, match="logits should be a matrix"):
        tf.random.categorical([0.0, 0.0], 3)


# -- distributions: fixed seeds, so these bounds are checked once, not re-drawn ---------------


def test_distribution_moments_with_fixed_seed():
    tf.random.set_seed(0)
    n = 200_000
    normal = tf.random.normal([n], 2.0, 3.0, dtype=tf.float64, seed=1).numpy()
    assert abs(normal.mean() - 2.0) < 0.03 and abs(normal.std() - 3.0) < 0.03
    uniform = tf.random.uniform([n], -1.0, 3.0, dtype=tf.float64, seed=1).numpy()
    assert uniform.min() >= -1 and uniform.max() < 3 and abs(uniform.mean() - 1.0) < 0.02
    truncated = tf.random.truncated_normal([n], dtype=tf.float64, seed=1).numpy()
    assert np.abs(truncated).max() <= 2.0
    assert abs(truncated.std() - 0.8796) < 0.01  # the std of N(0, 1) truncated to [-2, 2]
    counts = np.bincount(
        tf.random.categorical(tf.math.log([[0.2, 0.3, 0.5]]), n, seed=1).numpy()[0], minlength=3
    )
    np.testing.assert_allclose(counts / n, [0.2, 0.3, 0.5], atol=0.01)
    ints = tf.random.uniform([n], 0, 4, dtype=tf.int64, seed=1).numpy()
    np.testing.assert_allclose(np.bincount(ints) / n, 0.25, atol=0.01)


# -- tf.random.Generator and stateless ops --------------------------------------------------


def test_generator_from_seed_is_reproducible_and_advances():
    g1, g2 = tf.random.Generator.from_seed(1), tf.random.Generator.from_seed(1)
    first = g1.normal([3]).numpy()
    np.testing.assert_array_equal(first, g2.normal([3]).numpy())
    assert not np.array_equal(first, g1.normal([3]).numpy())
    g1.reset_from_seed(1)
    np.testing.assert_array_equal(first, g1.normal([3]).numpy())


def test_generator_methods():
    g = tf.random.Generator.from_seed(2)
    assert g.uniform([2], maxval=10, dtype=tf.int64).dtype == tf.int64
    assert g.uniform([2]).dtype == tf.float32
    seeds = g.make_seeds(3)
    assert seeds.shape == (2, 3) and seeds.dtype == tf.int64 and (seeds.numpy()[1] == 0).all()
    children = g.split(2)
    assert len(children) == 2
    assert not np.array_equal(children[0].normal([2]).numpy(), children[1].normal([2]).numpy())
    assert g.state.dtype == tf.int64 and g.state.shape == (3,)
    with pytest.raises(ValueError, match="both `None`"):
        g.uniform([2], minval=1, dtype=tf.int32)
    assert isinstance(tf.random.get_global_generator(), tf.random.Generator)


def test_stateless_ops_depend_only_on_the_seed():
    a = tf.random.stateless_uniform([3], seed=[1, 2]).numpy()
    np.testing.assert_array_equal(a, tf.random.stateless_uniform([3], seed=[1, 2]).numpy())
    assert not np.array_equal(a, tf.random.stateless_uniform([3], seed=[1, 3]).numpy())
    assert tf.random.stateless_normal([2, 2], seed=[0, 0]).shape == (2, 2)


def test_op_stream_follows_the_seed_rules():
    tf.random.set_seed(9)
    first = random_ops.op_stream("RandomUniform", 3, tf.float32, 5)
    second = random_ops.op_stream("RandomUniform", 3, tf.float32, 5)
    assert second == (first[0], first[1] + 256 * 5)  # a cached kernel skips 256 per value
    tf.random.set_seed(9)
    assert random_ops.op_stream("RandomUniform", 3, tf.float32, 5) == first
    assert random_ops.op_stream("RandomUniform", 3, tf.float64, 5) == first  # its own kernel


# -- TF's values (observed on TF 2.21) -------------------------------------------------------

_ULP = {"float16": 1e-3, "float32": 3e-7, "float64": 3e-16}


def _close(got, want, dtype="float32"):
    # Box-Muller goes through Eigen's float log/sin/cos in TF: ~1 ulp apart.
    np.testing.assert_allclose(got.numpy(), want, rtol=_ULP[dtype], atol=_ULP[dtype])


def test_stateless_uniform_is_tfs_bit_for_bit():
    got = tf.random.stateless_uniform([5], [7, 0], dtype=tf.float16).numpy().tolist()
    assert got == [0.0693359375, 0.5, 0.330078125, 0.39453125, 0.9677734375]
    got = tf.random.stateless_uniform([2, 3], [123456789, 42], minval=-2.0, maxval=3.0)
    assert got.numpy().tolist() == [
        [2.55548095703125, -1.4675326347351074, -0.29892098903656006],
        [1.8236446380615234, -1.5393401384353638, 2.3443684577941895],
    ]
    got = tf.random.stateless_uniform([5], [7, 0], dtype=tf.float64).numpy().tolist()
    assert got == [0.976630262419917, 0.46223689921985045, 0.5624688838946723,
                   0.6515732403764198, 0.5818687801751101]  # fmt: skip


def test_stateless_uniform_integers_are_tfs():
    def draw(shape, low, high, dtype):
        return tf.random.stateless_uniform(shape, [7, 0], low, high, dtype).numpy().tolist()

    assert draw([6], -3, 100, tf.int32) == [41, 72, 28, 48, 79, 65]
    assert draw([5], -(2**40), 2**62 + 3, tf.int64) == [
        996994267347918919, 347466103892960588, 2257856031818842076, 1145559138487135448,
        2546401787406536527]  # fmt: skip
    assert draw([4], None, None, tf.int32) == [-60841913, 232131072, -1643682478, -2066582124]
    got = draw([3], None, None, tf.uint64)
    assert got == [996995366859546695, 9570841439282619730, 6869544249269485535]


def test_stateless_normal_and_truncated_normal_are_tfs_to_an_ulp():
    _close(tf.random.stateless_normal([6], [7, 0]), [
        -0.6741727590560913, -0.35869255661964417, -1.8795816898345947, -1.4728931188583374,
        -2.006253719329834, -1.133432388305664])  # fmt: skip
    got = tf.random.stateless_normal([3], [7, 0], dtype=tf.float64)
    _close(got, [0.05111744622105001, -0.21137948648118993, -0.8740810151041886], "float64")
    got = tf.random.stateless_normal([4], [7, 0], dtype=tf.float16)
    _close(got, [-0.67431640625, -0.358642578125, -1.8798828125, -1.47265625], "float16")
    _close(tf.random.stateless_truncated_normal([6], [1, 2], mean=1.0, stddev=0.5), [
        1.2720550298690796, 1.1036901473999023, 1.036782145500183, 1.0232173204421997,
        1.084102988243103, 0.15748333930969238])  # fmt: skip
    got = tf.random.stateless_truncated_normal([3], [1, 2], dtype=tf.float64)
    _close(got, [-0.1423118100189212, 0.7406072461585091, -0.552387756244845], "float64")


def test_stateless_errors_are_tfs():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Need minval < maxval, got 3 >= 1"):
        tf.random.stateless_uniform([2], [1, 2], minval=3, maxval=1, dtype=tf.int32)
    with pytest.raises(ValueError) as info:
        tf.random.stateless_uniform([2], [1, 2], dtype=tf.int32)
    assert str(info.value) == (
        "For integer `dtype` argument <dtype: 'int32'>, argument `minval` and `maxval` must "
        "be both None or not None. Got `minval`=0 and `maxval`=None."
    )
    with pytest.raises(ValueError, match="Please don't use unsigned integers in this case."):
        tf.random.stateless_uniform([2], [1, 2], minval=1, maxval=4, dtype=tf.uint32)
    with pytest.raises(ValueError) as info:
        tf.random.stateless_uniform([2], [1, 2], dtype=tf.bool)
    assert str(info.value) == (
        "Argument `dtype` got invalid value <dtype: 'bool'>. Accepted dtypes are (tf.float16, "
        "tf.bfloat16, tf.float32, tf.float64, tf.int32, tf.int64, tf.uint32, tf.uint64)."
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"seed must have shape \[2\], not"):
        tf.random.stateless_uniform([2], [1, 2, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="attr 'Tseed' of float"):
        tf.random.stateless_uniform([2], [1.0, 2.0])
    assert tf.random.stateless_uniform([0], [1, 2]).shape == (0,)


def test_stateful_ops_are_tfs_with_seeds():
    tf.random.set_seed(1)
    # One kernel per (op, dtype, seeds): each call skips 256 blocks per element drawn.
    assert tf.random.uniform([3], seed=3).numpy().tolist() == [
        0.7787855863571167, 0.8011977672576904, 0.7243746519088745]  # fmt: skip
    assert tf.random.uniform([2], seed=3).numpy().tolist() == [
        0.19176089763641357, 0.8534259796142578]  # fmt: skip
    assert tf.random.uniform([2]).numpy().tolist() == [0.1651308536529541, 0.9014812707901001]
    _close(tf.random.normal([3], seed=3), [-0.6708612442016602, 0.22357144951820374,
                                          0.7972730398178101])  # fmt: skip
    _close(tf.random.truncated_normal([3], seed=3), [-0.6708612442016602, 0.22357144951820374,
                                                    0.7972730398178101])  # fmt: skip
    got = tf.random.uniform([4], -5, 5, dtype=tf.int64, seed=3)
    assert got.numpy().tolist() == [4, -2, -4, 1]
    got = tf.random.uniform([2], dtype=tf.float64, seed=3)
    assert got.numpy().tolist() == [0.23028551377579154, 0.7949972231516509]
    tf.random.set_seed(None)
    got = tf.random.uniform([2], seed=5)  # the op seed with TF's default global seed
    assert got.numpy().tolist() == [0.3883112668991089, 0.6636828184127808]
    tf.random.set_seed(4)
    got = tf.nn.dropout(tf.ones([8]), 0.5, seed=1).numpy().tolist()
    assert got == [2.0, 0.0, 2.0, 2.0, 0.0, 0.0, 2.0, 2.0]


def test_stateless_dropout_is_tfs():
    got = tf.nn.experimental.stateless_dropout(tf.ones([3, 5]), rate=0.5, seed=[1, 0])
    assert got.numpy().tolist() == [
        [2.0, 0.0, 2.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0, 2.0], [0.0, 0.0, 0.0, 0.0, 2.0]
    ]  # fmt: skip
    x = tf.fill([2, 3], 3.0)
    got = tf.nn.experimental.stateless_dropout(x, rate=0.3, seed=[5, 6], noise_shape=[None, 1])
    assert got.numpy().tolist() == [[4.285714149475098] * 3] * 2
    got = tf.nn.experimental.stateless_dropout(tf.fill([4], 3.0), tf.constant(0.3), seed=[5, 6])
    assert got.numpy().tolist() == [4.285714149475098, 4.285714149475098, 0.0, 0.0]
    x = tf.ones([2])
    assert tf.nn.experimental.stateless_dropout(x, 0.0, seed=[1, 2]) is x
    with pytest.raises(ValueError, match=r"range \[0, 1\). Received: rate=1.0"):
        tf.nn.experimental.stateless_dropout(x, 1.0, seed=[1, 2])
    with pytest.raises(ValueError, match="x_dtype=<dtype: 'int32'>"):
        tf.nn.experimental.stateless_dropout(tf.ones([2], tf.int32), 0.5, seed=[1, 2])
    v = tf.Variable([1.0, 2.0, 3.0, 4.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.nn.experimental.stateless_dropout(v, 0.5, seed=[1, 0]))
    assert tape.gradient(y, v).numpy().tolist() == [2.0, 0.0, 2.0, 0.0]


def test_stateless_uniform_is_differentiable_in_its_bounds():
    low, high = tf.Variable(-1.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.random.stateless_uniform([50], [3, 4], low, high))
    g_low, g_high = tape.gradient(y, [low, high])
    np.testing.assert_allclose(g_low.numpy() + g_high.numpy(), 50, rtol=1e-5)


def test_generator_is_tfs():
    assert tf.random.Generator.from_seed(1).state.numpy().tolist() == [1, 0, 0]
    assert tf.random.Generator.from_seed(2**70 + 5).state.numpy().tolist() == [5, 64, 0]
    assert tf.random.Generator.from_seed(-3).state.numpy().tolist() == [-3, -1, -1]
    g = tf.random.Generator.from_seed(1)
    assert repr(g.state) == (
        "<tf.Variable 'StateVar:0' shape=(3,) dtype=int64, numpy=array([1, 0, 0])>"
    )
    _close(g.normal([3]), [0.4384227395057678, -0.5343984365463257, -0.07710261642932892])
    # Each draw of n values moves the counter 256 * n blocks on.
    assert g.state.numpy().tolist() == [769, 0, 0]
    g = tf.random.Generator.from_seed(1)
    g.normal([5])
    assert g.uniform([3]).numpy().tolist() == [
        0.8704671859741211, 0.242792010307312, 0.6118762493133545]  # fmt: skip
    assert g.uniform([3], 2, 9, dtype=tf.int32).numpy().tolist() == [8, 4, 5]
    assert g.uniform_full_int([3]).numpy().tolist() == [
        15770334326065476290, 160281101306929992, 8128894898443397519]  # fmt: skip
    assert g.uniform_full_int([3], tf.int64).numpy().tolist() == [
        -6994029665891088295, 3228980973018664199, 6175147624886818513]  # fmt: skip
    _close(g.truncated_normal([5], dtype=tf.float64)[:3],
           [-0.26188515855533645, 0.4658061974129997, -0.2809132709372129], "float64")  # fmt: skip
    assert g.make_seeds(2).numpy().tolist() == [
        [-7069724497467692598, 3851369607790226634], [0, 0]]  # fmt: skip
    assert g.state.numpy().tolist() == [6145, 0, 0]
    g.skip(10)
    assert g.state.numpy().tolist() == [8705, 0, 0]
    children = g.split(2)
    assert [c.state.numpy().tolist() for c in children] == [
        [0, 0, 1085458528367877911], [0, 0, -2575722606539661504]]  # fmt: skip
    got = tf.random.Generator.from_key_counter(key=5, counter=[7, 9], alg="philox")
    assert got.state.numpy().tolist() == [7, 9, 5] and int(got.key) == 5
    g.reset_from_seed(3)
    assert g.state.numpy().tolist() == [3, 0, 0]
    g = tf.random.Generator.from_seed(1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Need minval < maxval"):
        g.uniform([2], 3, 1, dtype=tf.int32)
    assert g.state.numpy().tolist() == [513, 0, 0]  # TF advances before the kernel fails
    with pytest.raises(tf.errors.InvalidArgumentError, match="attr 'dtype' of int16"):
        g.uniform_full_int([2], dtype=tf.int16)
    copy = tf.random.Generator(copy_from=g)
    assert np.array_equal(copy.normal([2]), g.normal([2]))


def test_shuffle_is_tfs():
    # TF's Fisher-Yates over Philox words, one kernel (and stream) per dtype and seeds.
    tf.random.set_seed(1)
    assert tf.random.shuffle(tf.range(10), seed=3).numpy().tolist() == [
        7,
        5,
        9,
        8,
        0,
        3,
        1,
        4,
        6,
        2,
    ]
    assert tf.random.shuffle(tf.range(10), seed=3).numpy().tolist() == [
        1,
        2,
        6,
        7,
        0,
        8,
        3,
        4,
        9,
        5,
    ]
    tf.random.set_seed(2)
    got = tf.random.shuffle(tf.reshape(tf.range(12), (6, 2)), seed=5).numpy().tolist()
    assert got == [[2, 3], [8, 9], [10, 11], [4, 5], [6, 7], [0, 1]]
    tf.random.set_seed(4)
    assert tf.random.shuffle(tf.range(5)).numpy().tolist() == [2, 3, 0, 4, 1]
    got = tf.random.shuffle(tf.range(1000)).numpy()[:8].tolist()
    assert got == [803, 199, 511, 97, 846, 787, 425, 194]
    assert tf.random.shuffle(tf.zeros([3, 0])).shape == (3, 0)


def test_categorical_is_tfs(monkeypatch):
    tf.random.set_seed(1)
    logits = tf.math.log([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    assert tf.random.categorical(logits, 6, seed=7).numpy().tolist() == [
        [1, 1, 2, 0, 1, 1], [1, 0, 1, 0, 0, 0], [2, 2, 0, 0, 2, 2]]  # fmt: skip
    assert tf.random.categorical(logits, 6, seed=7).numpy().tolist() == [
        [0, 1, 0, 0, 0, 2], [1, 0, 1, 1, 2, 0], [2, 2, 2, 2, 2, 2]]  # fmt: skip
    tf.random.set_seed(2)
    odd = [[0.0, -np.inf, 1.0], [np.nan, 0.0, 0.0], [-np.inf, -np.inf, -np.inf]]
    assert tf.random.categorical(odd, 4, seed=1).numpy().tolist() == [
        [2, 2, 2, 2], [1, 1, 2, 2], [3, 3, 3, 3]]  # fmt: skip
    # A large batch is sharded over TF's CPU threads (2 where these values were printed).
    monkeypatch.setattr(philox, "cpu_threads", lambda: 2)
    tf.random.set_seed(1)
    logits = np.log(np.random.default_rng(64).dirichlet(np.ones(1000), 64)).astype(np.float32)
    got = tf.random.categorical(logits, 1, seed=9).numpy()[:, 0].tolist()
    assert got[:12] == [449, 499, 846, 560, 427, 170, 560, 171, 940, 156, 525, 681]
    assert got[-5:] == [978, 327, 103, 671, 291]


@pytest.mark.parametrize(
    ("sample", "observed"),
    [
        # observed on TF 2.21 with seed=[3, 4]
        (lambda s: tf.random.stateless_uniform([4], s, 0, 10, tf.int32), [3, 7, 2, 9]),
        (
            lambda s: tf.random.stateless_uniform([3], s, None, None, tf.int64),
            [-2882898006462487541, 4520458231610095266, -3428664559879909945],
        ),
        (
            lambda s: tf.random.stateless_truncated_normal([3], s, dtype=tf.float64),
            [-0.33108455971554474, 0.027812399664981575, -0.3426617871510759],
        ),
        (lambda s: tf.random.stateless_normal([3], s, dtype=tf.float64), None),
    ],
    ids=["uniform_int", "uniform_full_int", "truncated_normal", "normal"],
)
def test_stateless_samplers_with_a_tensor_seed_replay_under_jit(sample, observed):
    # The seed reaches the sampler as a tensor input (StatelessRandomGetKeyCounter), so a
    # replayed function draws from each call's seed; the body runs once.
    runs = []

    @tf.function(jit_compile=True)
    def draw(seed):
        runs.append(1)
        return sample(seed)

    seeds = [[3, 4], [7, 0], [1, 3]]
    got = [draw(tf.constant(s)).numpy().tolist() for s in seeds]
    assert got == [sample(s).numpy().tolist() for s in seeds]
    assert len(runs) == 1
    if observed is not None:
        assert got[0] == observed


def test_stateless_categorical_values_errors_and_replay():
    logits = tf.math.log([[0.5, 0.5], [0.1, 0.9]])
    # observed on TF 2.21
    got = tf.random.stateless_categorical(logits, 5, seed=[7, 17])
    assert got.dtype == tf.int64
    assert got.numpy().tolist() == [[1, 0, 1, 0, 0], [1, 1, 1, 1, 0]]
    assert tf.random.stateless_categorical(logits, 3, [7, 17], dtype=tf.int32).dtype == tf.int32
    with pytest.raises(ValueError, match=r"got invalid value <dtype: 'float32'>\. Accepted"):
        tf.random.stateless_categorical(logits, 2, seed=[1, 2], dtype=tf.float32)
    runs = []

    @tf.function(jit_compile=True)
    def draw(seed):
        runs.append(1)
        return tf.random.stateless_categorical(logits, 5, seed=seed)

    assert draw(tf.constant([7, 17])).numpy().tolist() == got.numpy().tolist()
    again = tf.random.stateless_categorical(logits, 5, seed=[1, 2]).numpy().tolist()
    assert draw(tf.constant([1, 2])).numpy().tolist() == again
    assert len(runs) == 1
