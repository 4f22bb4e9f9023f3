"""Where values cross into and out of tapeflow: NumPy arrays, variable state, threads, limits.

Every expected value, dtype, error class and message here was observed on TF 2.21
(tensorflow-cpu, NumPy 2.4); TF's eager error messages also carry a "{{function_node ...}}"
prefix (and, for tf.zeros/tf.ones, a " name: " suffix), which tapeflow omits.
"""

from __future__ import annotations

import os
import sys
import threading

import numpy as np
import pytest

import tapeflow as tf

# -- 1. NumPy views of a tensor never write through --------------------------------------------


def test_numpy_is_a_writable_copy():
    # TF 2.21: x.numpy() is writable and owns its data; editing it leaves x unchanged.
    x = tf.constant([1.0, 2.0, 3.0])
    a = x.numpy()
    assert a.flags.writeable and a.flags.owndata
    a[...] = 100
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0, 3.0])


def test_numpy_of_an_op_result_is_a_copy():
    e = tf.exp(tf.constant([0.0, 1.0]))
    before = e.numpy().copy()
    e.numpy()[...] = 7
    np.testing.assert_array_equal(e.numpy(), before)


def test_numpy_of_a_scalar_is_a_numpy_scalar():
    # TF 2.21: tf.constant(3.).numpy() is np.float32(3.0), not an array.
    s = tf.constant(3.0).numpy()
    assert type(s) is np.float32 and s == 3.0


def test_variable_numpy_does_not_rewrite_the_variable():
    # TF 2.21: v.numpy() and v.read_value().numpy() are writable copies.
    v = tf.Variable([1.0, 2.0, 3.0])
    a = v.numpy()
    assert a.flags.writeable
    a[...] = 9
    v.read_value().numpy()[...] = 9
    v.value().numpy()[...] = 9
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0, 3.0])


def test_asarray_of_a_tensor_is_read_only():
    # TF 2.21: np.asarray(t) is a read-only array (EagerTensor.__array__, no copy);
    # writing raises NumPy's ValueError. The same for a scalar tensor.
    x = tf.constant([1.0, 2.0, 3.0])
    view = np.asarray(x)
    assert not view.flags.writeable
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        view[0] = 5
    assert not np.asarray(tf.constant(2.0)).flags.writeable
    # ... and np.asarray(t, float32) and np.asarray(t, copy=False) are views too.
    assert not np.asarray(x, dtype=np.float32).flags.writeable
    assert not np.asarray(x, copy=False).flags.writeable
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0, 3.0])


def test_array_conversions_that_copy_are_writable():
    # TF 2.21: np.array(t), np.array(t, copy=True) and np.asarray(t, float64) are writable
    # copies; for a variable even np.asarray(v) is (TF converts v.numpy()).
    x = tf.constant([1.0, 2.0])
    for a in (np.array(x), np.array(x, copy=True), np.asarray(x, dtype=np.float64)):
        assert a.flags.writeable
        a[...] = 5
    v = tf.Variable([1.0, 2.0])
    a = np.asarray(v)
    assert a.flags.writeable and a.dtype == np.float32
    a[...] = 5
    assert np.asarray(tf.Variable(2.0)).flags.writeable
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


def test_asarray_of_a_variable_without_copy_raises_numpys_error():
    # TF 2.21: np.asarray(v, copy=False) raises NumPy's ValueError (the value is a copy).
    with pytest.raises(ValueError, match="Unable to avoid copy while creating an array"):
        np.asarray(tf.Variable([1.0, 2.0]), copy=False)


# -- 2. Results that alias their inputs --------------------------------------------------------


def test_writing_into_an_aliasing_result_leaves_the_input():
    # TF 2.21: x and v stay [1, 2, 3] after writing into these results' .numpy().
    x = tf.constant([1.0, 2.0, 3.0])
    v = tf.Variable([1.0, 2.0, 3.0])
    for result in (tf.identity(x), tf.reshape(x, [3, 1]), tf.identity(v)):
        result.numpy()[0] = 50
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0, 3.0])


def test_values_read_from_a_variable_survive_later_assignments():
    # TF 2.21: a value read before an assignment keeps the old value.
    v = tf.Variable([1.0, 2.0, 3.0])
    r = v.read_value()
    v.assign([4.0, 5.0, 6.0])
    np.testing.assert_array_equal(r.numpy(), [1.0, 2.0, 3.0])
    r = v.value()
    v.assign_add([1.0, 1.0, 1.0])
    np.testing.assert_array_equal(r.numpy(), [4.0, 5.0, 6.0])
    r, i = tf.convert_to_tensor(v), tf.identity(v)
    v.assign_sub([5.0, 5.0, 5.0])
    np.testing.assert_array_equal(r.numpy(), [5.0, 6.0, 7.0])
    np.testing.assert_array_equal(i.numpy(), [5.0, 6.0, 7.0])
    np.testing.assert_array_equal(v.numpy(), [0.0, 1.0, 2.0])


# -- 3. Tensors and variables made from a NumPy array own their values -------------------------


@pytest.mark.parametrize(
    "make",
    [
        tf.constant,
        tf.convert_to_tensor,
        tf.identity,
        tf.Variable,
        lambda a: tf.constant(a, dtype=tf.float64),
        lambda a: tf.constant(a, shape=[3]),
        lambda a: tf.reshape(a, [3]),
        lambda a: tf.convert_to_tensor(a[::1]),
    ],
    ids=["constant", "convert", "identity", "Variable", "dtype", "shape", "reshape", "view"],
)
def test_editing_the_callers_array_leaves_the_tensor(make):
    # TF 2.21: each of these stays [1, 1, 1] after a[0] = 5.
    a = np.ones(3)
    t = make(a)
    a[0] = 5
    np.testing.assert_array_equal(t.numpy(), [1.0, 1.0, 1.0])


def test_assign_and_binary_ops_copy_the_callers_array():
    # TF 2.21: an assigned array, and an array saved by an op for its gradient, are copied.
    a = np.ones(3, np.float32)
    v = tf.Variable(np.zeros(3, np.float32))
    v.assign(a)
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x * a)
    a[...] = 5
    np.testing.assert_array_equal(v.numpy(), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [1.0, 1.0, 1.0])


def test_a_tensor_made_from_a_read_only_view_is_its_own():
    # TF 2.21: [1, 1, 1]. A read-only view does not make the array immutable: its base
    # is still the user's, so it is copied too.
    a = np.ones(3)
    view = a.view()
    view.flags.writeable = False
    t = tf.constant(view)
    a[0] = 5
    np.testing.assert_array_equal(t.numpy(), [1.0, 1.0, 1.0])


# -- 4. Variable updates are atomic across threads ---------------------------------------------


@pytest.mark.parametrize(
    "method, start, end", [("assign_add", 0.0, 16000.0), ("assign_sub", 16000.0, 0.0)]
)
@pytest.mark.parametrize("through", ["variable", "unread", "replay"])
def test_concurrent_updates_are_all_applied(method, start, end, through):
    # TF 2.21: 8 threads x 2,000 v.assign_add(1.) end at exactly 16000.0. A short switch
    # interval makes a lost update (read, switch, store) likely when updates are not atomic.
    # "unread" updates through what assign_add returns: the same variable, the same lock;
    # "replay" through a tf.function(jit_compile=True) replaying the update.
    v = tf.Variable(start)
    if through == "replay":
        step = tf.function(lambda d: getattr(v, method)(d) and None, jit_compile=True)
        one = tf.constant(1.0)
        step(one)  # traces (an update)
        getattr(v, "assign_sub" if method == "assign_add" else "assign_add")(1.0)  # undo it

        def update(_):
            step(one)

    else:
        target = v if through == "variable" else v.assign_add(0.0)
        update = getattr(target, method)
    barrier = threading.Barrier(8)

    def work():
        barrier.wait()
        for _ in range(2000):
            update(1.0)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert v.numpy() == end


# -- 6. Precision: logsumexp's gradient, float16 and integer means ----------------------------


def _logsumexp_grad(x, **kwargs):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_logsumexp(x, **kwargs)
    return tape.gradient(y, x).numpy()


def test_logsumexp_gradient_is_the_exact_softmax_at_large_inputs():
    # TF 2.21: [0.5 0.5] exactly (exp(x - out) with out = 100000.695 rounded gives 0.49892).
    np.testing.assert_array_equal(_logsumexp_grad([1e5, 1e5]), [0.5, 0.5])
    third = np.float32(1 / 3)
    np.testing.assert_array_equal(_logsumexp_grad([[1e5, 1e5, 1e5]], axis=1), [[third] * 3])


def test_logsumexp_gradient_at_infinities_matches_tf():
    # TF 2.21: NaN for an all -inf slice; 0 beside a +inf and NaN at it.
    nan, inf = np.nan, np.inf
    grad = _logsumexp_grad([[1.0, 2.0, 3.0], [-inf, -inf, -inf]], axis=1)
    np.testing.assert_allclose(grad[0], [0.09003057, 0.24472848, 0.66524094], rtol=1e-6)
    np.testing.assert_array_equal(grad[1], [nan, nan, nan])
    grad = _logsumexp_grad([[1.0, inf, 3.0], [inf, inf, 0.0]], axis=1)
    np.testing.assert_array_equal(grad, [[0.0, nan, 0.0], [nan, nan, 0.0]])


def test_logsumexp_second_order_and_forward_mode_at_large_inputs():
    # TF 2.21: the Hessian of logsumexp at [1e5] * 3 is diag(p) - p p^T with p = 1/3, and
    # the JVP at [1e5, 1e5 + 1, 1e5 - 2] along e_0 is 0.25949648.
    x = tf.constant([1e5, 1e5, 1e5])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_logsumexp(x)
        g = inner.gradient(y, x)
    hessian = outer.jacobian(g, x).numpy()
    expected = np.full((3, 3), -0.11111112, np.float32)
    np.fill_diagonal(expected, 0.22222222)
    np.testing.assert_allclose(hessian, expected, rtol=1e-6)
    x = tf.constant([1e5, 1e5 + 1.0, 1e5 - 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0, 0.0])) as acc:
        y = tf.reduce_logsumexp(x)
    np.testing.assert_allclose(acc.jvp(y).numpy(), 0.25949648, rtol=1e-6)


def test_float16_mean_divides_by_the_count_in_float16_as_tf():
    # TF 2.21 does not widen float16 on CPU: the sum overflows to inf, and the count
    # 100000 is converted to float16 (inf) before dividing, so the mean is NaN, float16.
    # Along axis 0 each column's sum is finite (2048: ones stop adding there) and
    # 2048 / inf = 0. Below 65520 elements the count is finite and the mean is 1.
    m = tf.reduce_mean(tf.ones([100000], tf.float16))
    assert m.dtype == tf.float16 and np.isnan(m.numpy())
    np.testing.assert_array_equal(
        tf.reduce_mean(tf.ones([100000, 2], tf.float16), axis=0).numpy(), [0.0, 0.0]
    )
    np.testing.assert_array_equal(
        tf.reduce_mean(tf.ones([2, 70000], tf.float16), axis=1).numpy(), [np.nan, np.nan]
    )
    assert tf.reduce_mean(tf.ones([60000], tf.float16)).numpy() == 1.0
    assert tf.reduce_mean(tf.fill([100000], tf.constant(0.1, tf.float16))).numpy() == 0.0


@pytest.mark.parametrize(
    "dtype, expected",
    [
        ("int8", 126),
        ("int16", 32766),
        ("int32", 2147483646),
        ("uint8", 254),
        ("uint16", 65534),
        ("uint32", 4294967294),
        ("int64", 3074457345618258601),  # int64 and uint64 sums wrap
        ("uint64", 6148914691236517204),
    ],
)
def test_integer_mean_sums_in_64_bits(dtype, expected):
    # TF 2.21: the mean of [max, max, max - 1] sums 8- to 32-bit integers in 64 bits.
    dtype = tf.as_dtype(dtype)
    m = tf.reduce_mean(tf.constant([dtype.max, dtype.max, dtype.max - 1], dtype))
    assert m.dtype == dtype and m.numpy() == expected


def test_integer_mean_truncates_toward_zero_after_a_wide_sum():
    # TF 2.21: [min, min, 1] int8 -> -85 (-255 / 3); per column [100, 100, -7] -> 64.
    assert tf.reduce_mean(tf.constant([-128, -128, 1], tf.int8)).numpy() == -85
    x = tf.constant([[100, 100], [100, 100], [-7, 100]], tf.int8)
    np.testing.assert_array_equal(tf.reduce_mean(x, axis=0).numpy(), [64, 100])


# -- 7. Outputs that cannot fit are refused at once, as TF's allocator refuses them ------------

_OOM = (
    "OOM when allocating tensor with shape[1000000,1000000] and type {} on "
    "/job:localhost/replica:0/task:0/device:CPU:0 by allocator mklcpu [Op:{}]"
)
_TOO_MANY = "Shape [10000000,10000000,10000000] would have more than 2**63 - 1 elements [Op:{}]"


@pytest.mark.parametrize(
    "make, type_name, op_type",
    [
        (lambda s: tf.fill(s, 1.0), "float", "Fill"),
        (lambda s: tf.zeros(s), "float", "Fill"),
        (lambda s: tf.ones(s), "float", "Fill"),
        (lambda s: tf.zeros(s, tf.int8), "int8", "Fill"),
        (lambda s: tf.ones(s, tf.float64), "double", "Fill"),
        (lambda s: tf.fill(s, tf.constant(1.0, tf.float16)), "half", "Fill"),
        (lambda s: tf.constant(1.0, shape=s), "float", "Fill"),
        (lambda s: tf.broadcast_to(1.0, s), "float", "BroadcastTo"),
        # TF allocates before checking that [2] broadcasts: OOM, not "Unable to broadcast".
        (lambda s: tf.broadcast_to(tf.constant([1.0, 2.0]), s), "float", "BroadcastTo"),
    ],
    ids=["fill", "zeros", "ones", "int8", "float64", "half", "constant", "bcast", "bcast2"],
)
def test_huge_outputs_raise_tfs_errors_at_once(make, type_name, op_type):
    # TF 2.21 (23.5 GiB machine): [10**6, 10**6] is ResourceExhaustedError (after ~10 s of
    # allocator retries), [10**7] * 3 InvalidArgumentError at once. Before, fill and
    # broadcast_to returned zero-stride views (reducing one ran for hours) and zeros/ones
    # raised NumPy's MemoryError / ValueError.
    with pytest.raises(tf.errors.ResourceExhaustedError) as info:
        make([10**6, 10**6])
    assert str(info.value) == _OOM.format(type_name, op_type)
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        make([10**7] * 3)
    assert str(info.value) == _TOO_MANY.format(op_type)


def test_reducing_a_huge_fill_fails_instead_of_hanging():
    with pytest.raises(tf.errors.ResourceExhaustedError):
        tf.reduce_sum(tf.fill([10**6, 10**6], 1.0))


def test_the_limit_is_the_machines_memory():
    # TF's CPU allocator caps its pool at the physical memory: one more byte than that is
    # refused; a zero-stride fill of just that size is still made (instantly, as a view).
    from tapeflow._core.tensor import MAX_TENSOR_BYTES

    assert MAX_TENSOR_BYTES == os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    n = MAX_TENSOR_BYTES // 4
    assert tf.fill([n], 1.0).shape == [n]
    with pytest.raises(tf.errors.ResourceExhaustedError, match=rf"shape\[{n + 1}\] and type"):
        tf.fill([n + 1], 1.0)


def test_fill_and_broadcast_to_shape_errors_match_tf():
    # TF 2.21: the kernels' own messages for a negative dimension and a non-scalar value;
    # an element count past int64 is reported exactly (it used to overflow).
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"^Dimension -1 must be >= 0 \[Op:Fill\]$"
    ):
        tf.fill([-1, 2], 1.0)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"^Dimension -1 must be >= 0 \[Op:BroadcastTo\]$"
    ):
        tf.broadcast_to(1.0, [-1, 2])
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"^value must represent a scalar, got shape \[2\] \[Op:Fill\]$",
    ):
        tf.fill([10**7] * 3, [1.0, 2.0])
    with pytest.raises(TypeError, match=r"with 1000000000000000000000 elements\)\.$"):
        tf.constant([1.0, 2.0], shape=[10**7] * 3)


# -- item 8: jacobian of a target with no elements ---------------------------------------------


def test_jacobian_of_an_empty_target():
    # TF 2.21: the default (pfor) path returns the (0, ...) Jacobian; its loop
    # (experimental_use_pfor=False) raises ValueError "Tensor's shape (0, 3) is not
    # compatible with supplied shape (0, 3, 2)". tapeflow's loop gives the pfor result
    # (README, differences), so the two paths agree as everywhere else.
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        y = tf.zeros([0, 3]) * tf.reduce_sum(x)
    for pfor in (True, False):
        j = t.jacobian(y, x, experimental_use_pfor=pfor)
        assert j is not None and j.shape == (0, 3, 2) and j.dtype == tf.float32


def test_numpys_memory_error_in_any_forward_is_tfs_oom():
    # TF 2.21: ResourceExhaustedError "OOM when allocating tensor with shape[1000000,1000000]
    # and type float on /job:localhost/replica:0/task:0/device:CPU:0 by allocator ..."
    with pytest.raises(tf.errors.ResourceExhaustedError) as info:
        tf.random.uniform([10**6, 10**6])
    message = str(info.value)
    assert message.startswith(
        "OOM when allocating tensor with shape[1000000,1000000] and type float"
    )
    assert message.endswith("[Op:RandomUniform]")
