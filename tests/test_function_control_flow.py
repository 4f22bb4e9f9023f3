"""`tf.cond` and `tf.switch_case` under `tf.function(jit_compile=True)`: replay steps whose
branches are sub-traces, checked bit for bit against running the body eagerly."""

from __future__ import annotations

import numpy as np
import pytest
from replay_checks import assert_same as _assert_same
from replay_checks import replayed as _replayed

import tapeflow as tf

VALUES = [2.0, -3.0, 0.5, 1.5, 5.0, -0.25, 2.0]


def test_cond_and_switch_case_replay_every_branch_like_eager():
    def body(x):
        y = tf.cond(x > 0, lambda: tf.exp(x) * 2.0, lambda: x - 1.0)
        index = tf.cast(x, tf.int32)
        z = tf.switch_case(index, [lambda: y + 1.0, lambda: y * y, lambda: tf.sin(y)])
        return tf.cond(tf.reduce_all(z > y), lambda: (z, y), lambda: (y, z))

    f = tf.function(body, jit_compile=True)
    for value in VALUES:
        x = tf.constant(value)
        _assert_same(f(x), body(x))
    assert _replayed(f) and f.experimental_get_tracing_count() == 1


def test_nested_cond_and_captured_tensors():
    scale = tf.constant([1.0, 2.0, 3.0])

    def body(x, k):
        def outer():
            return tf.cond(k > 1, lambda: x * scale + k, lambda: tf.reduce_sum(x) * scale)

        return tf.cond(k > 0, outer, lambda: -x)

    f = tf.function(body, jit_compile=True)
    x = tf.constant([0.5, -1.5, 2.5])
    for value in VALUES:
        k = tf.constant(value)
        _assert_same(f(x, k), body(x, k))
    assert _replayed(f)


def test_a_branch_that_assigns_a_variable_replays_the_assignment():
    v = tf.Variable(1.0)

    def body(x):
        before = v * 1.0
        # Eagerly the result is the variable itself; read now, as a graph cond returns it.
        w = tf.cond(x > 1.0, lambda: v.assign_add(x), lambda: v.assign_sub(1.0)) * 1.0
        tf.cond(x < -2.0, lambda: v.assign(x * 10.0), lambda: x)
        return before, w, v * 2.0

    f = tf.function(body, jit_compile=True)
    for value in VALUES:
        x = tf.constant(value)
        v.assign(1.5)
        got = f(x)
        got_v = v.numpy()
        v.assign(1.5)
        want = body(x)
        _assert_same(got, want)
        assert got_v == v.numpy()
    assert _replayed(f)


def test_a_value_read_before_a_branch_assigns_is_not_mistaken_for_the_new_one():
    v = tf.Variable(1.0)

    @tf.function(jit_compile=True)
    def f(x):
        old = v.read_value()
        tf.cond(x > 0, lambda: v.assign_add(x), lambda: x)
        return old * 10.0 + v

    for value in (1.0, -1.0, 2.0):
        before = v.numpy()
        want = before * 10.0 + before + max(value, 0.0)
        assert f(tf.constant(value)).numpy() == want


def test_what_a_replay_cannot_repeat_runs_eagerly():
    def different_structures(x):
        return tf.cond(x > 0, lambda: (x, x), lambda: x)

    def python_read_in_a_branch(x):
        return tf.cond(x > 0, lambda: x * float(x), lambda: x)

    def untaken_branch_raises(x, i):
        return tf.cond(i >= 0, lambda: tf.gather(x, i), lambda: x[0])

    x3 = tf.constant([1.0, 2.0, 3.0])
    for body, calls in [
        (different_structures, [(tf.constant(1.0),), (tf.constant(-1.0),)]),
        (python_read_in_a_branch, [(tf.constant(2.0),), (tf.constant(3.0),)]),
        (untaken_branch_raises, [(x3, tf.constant(-7)), (x3, tf.constant(2))]),
    ]:
        f = tf.function(body, jit_compile=True)
        for args in calls:
            _assert_same(f(*args), body(*args))
        assert not _replayed(f), body.__name__


def test_a_tape_inside_recording_through_a_cond_replays_its_gradient():
    # The cond is one tape entry whose gradient is a step over the branches' gradients
    # (more in test_function_control_flow_tapes.py).
    def body(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.cond(x > 0, lambda: tf.sin(x) * x, lambda: x * x)
        return y, tape.gradient(y, x)

    f = tf.function(body, jit_compile=True)
    for value in (0.5, -0.5, 1.5):
        x = tf.constant(value)
        _assert_same(f(x), body(x))
    assert _replayed(f) and f.experimental_get_tracing_count() == 1


def test_python_predicates_and_constant_predicates_stay_python():
    @tf.function(jit_compile=True)
    def f(x):
        a = tf.cond(True, lambda: x + 1.0, lambda: x - 1.0)
        return tf.cond(tf.constant(False), lambda: a * 0.0, lambda: a * 3.0)

    assert f(tf.constant(1.0)).numpy() == 6.0
    assert f(tf.constant(2.0)).numpy() == 9.0
    assert _replayed(f)


# -- tf.while_loop -----------------------------------------------------------------------------


def newton_sqrt(a):
    """50 Newton steps toward sqrt(a), each with a cond in the body."""

    def body(i, x):
        x = x - (x * x - a) / (2.0 * x)
        return i + 1, tf.cond(x < 0, lambda: -x, lambda: x)

    return tf.while_loop(lambda i, x: i < 50, body, (tf.constant(0), a))[1]


def converge(a, tol):
    """A value-dependent number of iterations, counted."""
    return tf.while_loop(
        lambda x, n: tf.abs(x * x - a) > tol,
        lambda x, n: (x - (x * x - a) / (2.0 * x), n + 1),
        (a, tf.constant(0)),
    )


def test_while_loops_replay_like_eager():
    for body, calls in [
        (newton_sqrt, [(v,) for v in (2.0, 9.0, -4.0, 0.5, 100.0)]),
        (converge, [(v, 1e-6) for v in (2.0, 9.0, 0.5, 100.0, 1.0)]),
    ]:
        f = tf.function(body, jit_compile=True)
        for args in calls:
            args = tuple(tf.constant(a) for a in args)
            _assert_same(f(*args), body(*args))
        assert _replayed(f) and f.experimental_get_tracing_count() == 1, body.__name__


def test_a_loop_traced_with_no_iterations_runs_its_body_on_replay():
    v = tf.Variable(0.0)

    def body(n, x):
        def step(i, y):
            v.assign_add(1.0)
            return i + 1, y * 2.0

        return tf.while_loop(lambda i, y: i < n, step, (tf.constant(0), x))

    f = tf.function(body, jit_compile=True)
    x = tf.constant([1.0, -2.0])
    for n in (0, 3, 1, 0, 5):
        v.assign(0.0)
        got, got_v = f(tf.constant(n), x), v.numpy()
        v.assign(0.0)
        _assert_same(got, body(tf.constant(n), x))
        assert got_v == v.numpy() == n
    assert _replayed(f)


def test_loop_variables_that_change_shape_replay_per_shape():
    # The body is traced per shape it meets; a replay meeting another one, or ending with
    # other shapes than traced, runs that call eagerly (more in ..._fallbacks.py).
    def grow(x):
        return tf.while_loop(
            lambda y: tf.reduce_sum(y) < 10.0, lambda y: (tf.concat([y, y], 0),), (x,)
        )

    f = tf.function(grow, jit_compile=True)
    for value in ([1.0], [3.0], [20.0], [2.0]):
        x = tf.constant(value)
        _assert_same(f(x), grow(x))
    assert _replayed(f)


# -- tf.map_fn ---------------------------------------------------------------------------------

A = tf.constant(np.arange(6.0).reshape(2, 3))


def mapped(x, y):
    def row(r):
        sign = tf.cond(
            tf.reduce_sum(r) > 0, lambda: tf.constant(1.0, tf.float64), lambda: -tf.exp(r[0])
        )
        return tf.reduce_sum(r * A[0]) * sign

    a = tf.map_fn(row, x)
    b = tf.map_fn(lambda t: (t[0] * 2.0, tf.sin(t[1])), (x, y))
    c = tf.map_fn(lambda r: tf.cast(tf.reduce_max(r), tf.int32), x, fn_output_signature=tf.int32)
    return a, b, c


def test_map_fn_replays_its_function_per_element_like_eager():
    f = tf.function(mapped, jit_compile=True)
    rng = np.random.default_rng(0)
    for _ in range(4):
        x, y = tf.constant(rng.standard_normal((4, 3))), tf.constant(rng.standard_normal(4))
        _assert_same(f(x, y), mapped(x, y))
    assert _replayed(f) and f.experimental_get_tracing_count() == 1


def test_map_fn_assigning_a_variable_per_element_replays_the_assignments():
    v = tf.Variable(0.0)

    def body(x):
        return tf.map_fn(lambda e: v.assign_add(e) * 1.0, x), v * 1.0

    f = tf.function(body, jit_compile=True)
    for values in ([1.0, 2.0], [3.0, -1.0], [0.5, 0.25]):
        x = tf.constant(values)
        v.assign(1.0)
        got, got_v = f(x), v.numpy()
        v.assign(1.0)
        _assert_same(got, body(x))
        assert got_v == v.numpy()
    assert _replayed(f)


def test_map_fn_errors_are_the_eager_errors():
    @tf.function(jit_compile=True)
    def f(x):
        return tf.map_fn(lambda e: tf.cast(e, tf.int32), x)  # not elems' dtype: TF's error

    with pytest.raises(tf.errors.InvalidArgumentError, match="TensorArray dtype is float32"):
        f(tf.constant([1.0, 2.0]))


# -- tf.scan -----------------------------------------------------------------------------------


def scanned(x, y):
    zero, one = tf.constant(0.0, tf.float64), tf.constant(1.0, tf.float64)
    return (
        tf.scan(lambda a, e: a + e, x),
        tf.scan(lambda a, e: a * 0.5 + e, x, reverse=True),
        tf.scan(lambda a, e: (a[0] + e, a[1] * e), y, initializer=(zero, one)),
        tf.scan(lambda a, e: a + e[0] * e[1], (x, x), initializer=x[0] * 0.0, reverse=True),
    )


def test_scan_replays_its_function_per_element_like_eager():
    f = tf.function(scanned, jit_compile=True)
    rng = np.random.default_rng(1)
    for _ in range(4):
        x, y = tf.constant(rng.standard_normal((4, 3))), tf.constant(rng.standard_normal(4))
        _assert_same(f(x, y), scanned(x, y))
    assert _replayed(f) and f.experimental_get_tracing_count() == 1


def test_scan_errors_are_the_eager_errors():
    @tf.function(jit_compile=True)
    def f(x):
        return tf.scan(lambda a, e: tf.concat([a, e], 0), x)  # the accumulator grows

    with pytest.raises(ValueError, match="Incompatible shape"):
        f(tf.constant([[1.0], [2.0]]))


def test_case_with_a_default_replays_through_its_conds():
    def body(x):
        pairs = [(x < 0, lambda: -x), (x > 2, lambda: x * 10.0)]
        return tf.case(pairs, default=lambda: x + 0.5)

    f = tf.function(body, jit_compile=True)
    for value in VALUES:
        x = tf.constant(value)
        _assert_same(f(x), body(x))
    assert _replayed(f)


def folded(x, y):
    return (
        tf.foldl(lambda a, e: a + e, y),
        tf.foldr(lambda a, e: a * 10.0 + e, y),
        tf.foldl(lambda a, e: (a[0] + e[0], a[1] * e[1]), (y, y)),
        tf.foldr(lambda a, e: a * 0.5 + e, x, initializer=x[0] * 0.0),
        tf.foldl(lambda a, e: a - e, x, initializer=x[1]),
    )


def test_foldl_and_foldr_replay_like_eager():
    f = tf.function(folded, jit_compile=True)
    rng = np.random.default_rng(2)
    for _ in range(4):
        x, y = tf.constant(rng.standard_normal((4, 3))), tf.constant(rng.standard_normal(4))
        _assert_same(f(x, y), folded(x, y))
    assert _replayed(f) and f.experimental_get_tracing_count() == 1


def test_fold_structure_errors_are_the_eager_errors():
    def body(y):
        return tf.foldl(lambda a, e: (a, e), y)

    y = tf.constant([1.0, 2.0])
    with pytest.raises(ValueError) as eager:
        body(y)
    with pytest.raises(ValueError) as traced:
        tf.function(body, jit_compile=True)(y)
    assert str(traced.value) == str(eager.value)


def test_tapes_outside_a_replayable_function_get_eager_gradients():
    f = tf.function(newton_sqrt, jit_compile=True)
    a = tf.constant(2.0)
    f(a)
    assert _replayed(f)  # calls under a tape run the body eagerly, so the tape sees its ops
    with tf.GradientTape() as outer:
        outer.watch(a)
        with tf.GradientTape() as inner:
            inner.watch(a)
            y = f(a)
        jac = inner.jacobian(y, a)
    second = outer.jacobian(jac, a)
    with tf.GradientTape() as outer:
        outer.watch(a)
        with tf.GradientTape() as inner:
            inner.watch(a)
            want_y = newton_sqrt(a)
        want_jac = inner.jacobian(want_y, a)
    want_second = outer.jacobian(want_jac, a)
    _assert_same((y, jac, second), (want_y, want_jac, want_second))
    np.testing.assert_allclose(jac.numpy(), 0.5 / np.sqrt(2.0), rtol=1e-6)


def test_python_number_loop_variables_become_tensors_and_replay():
    # TF 2.21 inside tf.function: the graph while_loop takes (0, 1.0) as int32 and float32
    # constants (probed: results int32 3 / float32 8.0 for n=3); tapeflow used to run the
    # signature eagerly because its Python loop read the condition's value.
    w = tf.Variable(0.5)

    def step(n):
        with tf.GradientTape() as t:
            i, y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * w), (0, 1.0))
        return i, y, t.gradient(y, w)

    f = tf.function(step)
    for n in [3, 5, 0, 2]:
        got = f(tf.constant(n))
        _assert_same(got, step(tf.constant(n)))
        assert got[0].dtype == tf.int32 and got[1].dtype == tf.float32
    assert f.experimental_get_tracing_count() == 1 and _replayed(f)


def test_python_number_loop_variables_stay_python_eagerly():
    # Outside a function the loop is TF's eager Python loop: the body sees Python numbers.
    seen = []

    def body(i):
        seen.append(type(i))
        return (i + 1,)

    (out,) = tf.while_loop(lambda i: i < 2, body, (0,))
    assert seen == [int, int] and int(out) == 2
