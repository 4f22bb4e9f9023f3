"""Functional control flow (ops/control_flow_ops.py): behaviour the TF goldens do not pin.

- Gradients through every construct against central differences: first and second order
  (tests/gradcheck.py), forward mode (ForwardAccumulator) and `jacobian`.
- A construct that raises changes nothing: the tapes of the thread lose what it recorded and
  the variables it assigned get their values back (TF eager keeps both; tapeflow undoes a
  failing call as it does for `tf.function`).
- Under `tf.function(jit_compile=True)` a construct whose path depends on an argument's value
  runs eagerly (no replay of a branch or iteration count taken for another value), one whose
  path is fixed replays correctly.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import (
    ATOL,
    RTOL,
    assert_close,
    check_first_order,
    check_second_order,
    numeric_directional,
    random_like,
)

import tapeflow as tf

# -- functions through each construct, in float64 ----------------------------------------------


def _cond(x):
    return tf.cond(tf.reduce_sum(x) > 0, lambda: tf.sin(x) * x, lambda: x * x * x)


def _case(x):
    s = tf.reduce_sum(x)
    return tf.case([(s < -10.0, lambda: -x), (s < 10.0, lambda: tf.exp(x) * x)], default=lambda: x)


def _switch_case(x):
    return tf.switch_case(tf.constant(1), [lambda: x, lambda: tf.sin(x * x), lambda: x * 2.0])


def _while_power(x):
    return tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * tf.cos(x)), [0, x])[1]


def _while_data_dependent(x):
    # The iteration count depends on the value (4 iterations at the test points).
    return tf.while_loop(lambda a: tf.reduce_max(a) < 20.0, lambda a: (a * a + x,), [x + 1.5])[0]


def _while_maximum_iterations(x):
    body = lambda a, b: (tf.sin(a) + b, a * b)
    return tf.while_loop(lambda a, b: True, body, (x, x * 0.5), maximum_iterations=3)


def _while_nested_vars(x):
    def body(i, s):
        return i + 1, {"p": s["p"] * x, "q": (s["q"][0] + s["p"], s["q"][1] * 0.5)}

    start = (0, {"p": tf.ones_like(x), "q": (tf.zeros_like(x), x)})
    return tf.while_loop(lambda i, s: i < 3, body, start)[1]["q"]


def _map_fn(x):
    return tf.map_fn(lambda r: tf.reduce_sum(r * r) * tf.sin(r), x)


def _map_fn_nested(x):
    out = tf.map_fn(
        lambda e: {"s": e[0] * e[1], "d": tf.exp(e[0] - e[1])},
        (x, x[::-1] * 2.0),
        fn_output_signature={"s": tf.float64, "d": tf.float64},
    )
    return out["s"], out["d"]


def _scan(x):
    return tf.scan(lambda a, e: a * tf.sin(e) + e, x)


def _scan_reverse_nested(x):
    return tf.scan(
        lambda a, e: (a[1], a[0] + a[1] * e),
        x,
        initializer=(tf.constant(0.5, tf.float64), tf.constant(1.0, tf.float64)),
        reverse=True,
    )


def _foldl(x):
    return tf.foldl(lambda a, e: a * e + tf.sin(a), x)


def _foldr(x):
    return tf.foldr(lambda a, e: a * tf.cos(e), x, initializer=tf.reduce_sum(x))


def _tensor_array_write_read(x):
    ta = tf.TensorArray(tf.float64, size=3, element_shape=x.shape[1:])
    ta = ta.write(0, x[0] * x[1]).write(2, tf.sin(x[2]))
    stacked = ta.stack()  # the unwritten element 1 stacks as zeros
    return stacked, ta.read(2)


def _tensor_array_unstack_gather(x):
    ta = tf.TensorArray(tf.float64, size=3, clear_after_read=False).unstack(x * x)
    return ta.gather([2, 0, 2]) * ta.read(1)


def _tensor_array_scatter_concat_split(x):
    ta = tf.TensorArray(tf.float64, size=3).scatter([2, 0, 1], tf.exp(x))
    flat = ta.concat()
    pieces = tf.TensorArray(tf.float64, size=2).split(flat * flat, [4, 2])
    return pieces.read(0), pieces.read(1)


def _tensor_array_loop(x):
    def body(i, ta, a):
        return i + 1, ta.write(i, a), a * tf.sin(x)

    start = [0, tf.TensorArray(tf.float64, size=3), x]
    return tf.while_loop(lambda i, ta, a: i < 3, body, start)[1].stack()


def _nested_while_in_cond(x):
    return tf.cond(
        tf.reduce_sum(x) > 0,
        lambda: tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a * x), [0, x])[1],
        lambda: x,
    )


def _nested_cond_in_while(x):
    def body(i, a):
        return i + 1, tf.cond(i < 2, lambda: a * x, lambda: tf.sin(a))

    return tf.while_loop(lambda i, a: i < 4, body, [0, x])[1]


def _nested_map_fn_of_scan(x):
    return tf.map_fn(lambda r: tf.scan(lambda a, e: a * 0.5 + e * e, r), x)


POINT = np.array([[0.3, -0.7], [1.1, 0.4], [-0.2, 0.9]])
FUNCTIONS = {
    "cond_true": (_cond, POINT),
    "cond_false": (_cond, -POINT - 0.5),
    "case": (_case, POINT),
    "switch_case": (_switch_case, POINT),
    "while_loop": (_while_power, POINT),
    "while_loop_data_dependent": (_while_data_dependent, np.array([0.3, 0.6])),
    "while_loop_maximum_iterations": (_while_maximum_iterations, POINT),
    "while_loop_nested_vars": (_while_nested_vars, POINT[0]),
    "map_fn": (_map_fn, POINT),
    "map_fn_nested": (_map_fn_nested, POINT[:, 0]),
    "scan": (_scan, POINT),
    "scan_reverse_nested": (_scan_reverse_nested, POINT[:, 1]),
    "foldl": (_foldl, POINT),
    "foldr": (_foldr, POINT[:, 0]),
    "tensor_array_write_read": (_tensor_array_write_read, POINT),
    "tensor_array_unstack_gather": (_tensor_array_unstack_gather, POINT),
    "tensor_array_scatter_concat_split": (_tensor_array_scatter_concat_split, POINT),
    "tensor_array_in_while_loop": (_tensor_array_loop, POINT[0]),
    "nested_while_in_cond": (_nested_while_in_cond, POINT),
    "nested_cond_in_while": (_nested_cond_in_while, POINT),
    "nested_map_fn_of_scan": (_nested_map_fn_of_scan, POINT),
}


def _outputs(out) -> list:
    return list(tf.nest.flatten(out))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_gradient_matches_central_differences(name):
    fn, point = FUNCTIONS[name]
    rng = np.random.default_rng(0)
    check_first_order(lambda x: _outputs(fn(x)), [point], [0], rng, label=name)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_second_order_matches_central_differences(name):
    fn, point = FUNCTIONS[name]
    rng = np.random.default_rng(1)
    check_second_order(lambda x: _outputs(fn(x)), [point], [0], rng, label=name)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_forward_mode_matches_central_differences(name):
    fn, point = FUNCTIONS[name]
    rng = np.random.default_rng(2)
    outs = _outputs(fn(tf.constant(point)))
    u = [random_like(rng, o.numpy()) for o in outs]
    v = random_like(rng, point)
    x = tf.constant(point)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(v)) as acc:
        outs = _outputs(fn(x))
    tangents = [acc.jvp(o, unconnected_gradients="zero") for o in outs]
    analytic = sum(float(np.sum(t.numpy() * ui)) for t, ui in zip(tangents, u))
    numeric = numeric_directional(lambda x: _outputs(fn(x)), [point], [0], [v], u)
    assert_close(
        analytic,
        numeric,
        rtol=RTOL,
        atol=ATOL,
        failure=f"{name} JVP check failed",
        names=("ForwardAccumulator <u, J v>", "central differences"),
    )


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_jacobian_matches_central_differences(name):
    fn, point = FUNCTIONS[name]
    x = tf.constant(point)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        outs = _outputs(fn(x))
    eps = 1e-6
    for k, out in enumerate(outs):
        jacobian = tape.jacobian(out, x).numpy()
        numeric = np.zeros(out.shape + point.shape)
        for index in np.ndindex(point.shape):
            step = np.zeros_like(point)
            step[index] = eps
            plus = _outputs(fn(tf.constant(point + step)))[k].numpy()
            minus = _outputs(fn(tf.constant(point - step)))[k].numpy()
            numeric[(Ellipsis, *index)] = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(jacobian, numeric, rtol=1e-5, atol=1e-6, err_msg=name)


def test_only_the_branch_taken_is_recorded():
    x, w = tf.constant(2.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cond(x > 0, lambda: x * x, lambda: w * x)
    assert tape.watched_variables() == ()  # the false branch, which reads w, never ran
    assert tape.gradient(y, [x, w])[1] is None


def test_back_prop_false_still_records_eagerly():
    # TF's eager while_loop ignores back_prop (it only warns that the argument is deprecated).
    x = tf.constant(1.5)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.while_loop(lambda a: a < 3.0, lambda a: (a * x,), [x], back_prop=False)[0]
    assert tape.gradient(y, x).numpy() == pytest.approx(3 * 1.5**2)


# -- a construct that raises changes nothing ---------------------------------------------------


def _entries(tape) -> int:
    return len(tape._tape.entries)


def _map_fn_dtype(x, v):
    elems = tf.stack([x, x + 1, x + 2])
    # The third row's result has another dtype: the TensorArray write fails.
    fn = lambda r: r * v if r.numpy() < 3.0 else tf.cast(r, tf.int32)
    return lambda: tf.map_fn(fn, elems)


def _scan_shape(x, v):
    elems = tf.stack([x, x, x + 1])
    fn = lambda a, e: a * e * v if e.numpy() < 2.0 else tf.stack([a, a])
    return lambda: tf.scan(fn, elems)


def _foldl_structure(x, v):
    elems = tf.stack([x, x + 1, x + 2])
    fn = lambda a, e: a * e * v if e.numpy() < 2.0 else (a, a)
    return lambda: tf.foldl(fn, elems)


# Each builds its inputs, then returns the construct that fails, to run on its own.
FAILURES = {
    # The body's structure check fails after two iterations ran.
    "while_loop_structure": lambda x, v: (
        lambda: tf.while_loop(
            lambda i, a: i < 5,
            lambda i, a: (i + 1, a * x * v) if i < 2 else (i + 1,),
            (0, x),
        )
    ),
    "map_fn_dtype": _map_fn_dtype,
    "scan_shape": _scan_shape,
    "case_exclusive": lambda x, v: (
        lambda: tf.case(
            [(x > 0, lambda: x * v), (x > 1, lambda: x)], default=lambda: x, exclusive=True
        )
    ),
    "cond_user_error": lambda x, v: (
        lambda: tf.cond(x > 0, lambda: [x * v, tf.constant(1) + tf.constant(1.0)], lambda: x)
    ),
    # Slicing past the end of what the inner map_fn returned.
    "switch_case_nested_error": lambda x, v: (
        lambda: tf.switch_case(
            tf.constant(0), [lambda: tf.map_fn(lambda e: e * v, tf.stack([x * v]))[3]]
        )
    ),
    "foldl_structure": _foldl_structure,
    "foldr_empty": lambda x, v: lambda: tf.foldr(lambda a, e: a * e * v, tf.zeros([0])),
}


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_a_failing_construct_leaves_the_tape_as_it_was(name):
    x = tf.constant(1.5)
    v = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        construct = FAILURES[name](x, v)
        before = _entries(tape)
        with pytest.raises((ValueError, TypeError, tf.errors.OpError)):
            construct()
        assert _entries(tape) == before
        assert tape.watched_variables() == ()  # v, read only by the failed construct
        z = y * 3.0
    assert tape.gradient(z, x).numpy() == pytest.approx(9.0)
    assert tape.gradient(z, v) is None


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_a_failing_construct_leaves_nested_tapes_and_accumulators_usable(name):
    x = tf.constant(1.5)
    v = tf.Variable(2.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = x * x * x
                construct = FAILURES[name](x, v)
                outer_before, inner_before = _entries(outer), _entries(inner)
                with pytest.raises((ValueError, TypeError, tf.errors.OpError)):
                    construct()
                assert (_entries(outer), _entries(inner)) == (outer_before, inner_before)
            g = inner.gradient(y, x)
        h = outer.gradient(g, x)
    assert (g.numpy(), h.numpy(), acc.jvp(y).numpy()) == pytest.approx((6.75, 9.0, 6.75))


def test_a_failing_construct_undoes_its_assignments():
    v = tf.Variable(1.0)
    counter = tf.Variable(0)

    def body(i, a):
        counter.assign_add(1)
        v.assign(v * 2.0)
        return (i + 1, a) if i < 2 else (i + 1,)

    with pytest.raises(ValueError, match="same nested structure"):
        tf.while_loop(lambda i, a: i < 5, body, (0, tf.constant(0.0)))
    assert (v.numpy(), counter.numpy()) == (1.0, 0)


def test_an_error_raised_by_user_code_undoes_assignments_too():
    v = tf.Variable(1.0)

    def fn(row):
        v.assign_add(row)
        if row.numpy() > 1.5:
            raise RuntimeError("stop")
        return row

    with pytest.raises(RuntimeError, match="stop"):
        tf.map_fn(fn, tf.constant([1.0, 2.0]))
    assert v.numpy() == 1.0


def test_an_inner_failure_is_undone_by_the_outermost_construct():
    v = tf.Variable(0.0)
    x = tf.constant(1.0)

    def inner(a):
        v.assign_add(1.0)
        return tf.cond(a > 2.0, lambda: tf.TensorArray(tf.float32, size=1).read(5), lambda: a + 1)

    with tf.GradientTape() as tape:
        tape.watch(x)
        before = _entries(tape)
        with pytest.raises(tf.errors.OutOfRangeError):
            tf.while_loop(lambda a: a < 10.0, lambda a: (inner(a) * x,), (x,))
        assert _entries(tape) == before
    assert v.numpy() == 0.0


def test_a_construct_that_succeeds_keeps_what_it_recorded():
    v = tf.Variable(1.0)
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        before = _entries(tape)
        y = tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a * x * v), (0, x))[1]
        v.assign_add(1.0)
    assert _entries(tape) > before and v.numpy() == 2.0
    assert tape.gradient(y, x).numpy() == pytest.approx(3 * 4.0)


# -- TensorArray details -----------------------------------------------------------------------


def test_tensor_array_methods_return_the_array_itself():
    # TF wraps the returned TensorArray in a ShouldUseWrapper that logs an error when dropped
    # unused; tapeflow returns the array itself (eagerly both are the same list).
    ta = tf.TensorArray(tf.float32, size=2)
    assert ta.write(0, 1.0) is ta
    assert ta.unstack([1.0, 2.0]) is ta
    assert ta.scatter([1], [3.0]) is ta
    assert ta.split([1.0, 2.0], [1, 1]) is ta
    assert ta.identity() is ta


def test_tensor_array_of_nothing_refuses_concat():
    with pytest.raises(tf.errors.InvalidArgumentError, match="ConcatV2"):
        tf.TensorArray(tf.float32, size=0).concat()


def test_tensor_array_split_of_another_dtype_logs_an_error(caplog):
    ta = tf.TensorArray(tf.float32, size=2).split(tf.constant([1, 2]), [1, 1])
    assert "has dtype <dtype: 'int32'>, but expected dtype <dtype: 'float32'>" in caplog.text
    np.testing.assert_array_equal(ta.stack().numpy(), [[1.0], [2.0]])  # cast when stacked


def test_tensor_array_spec_of_a_loop_variable():
    ta = tf.TensorArray(tf.int32, size=2, element_shape=[3], dynamic_size=True)
    with pytest.raises(ValueError, match=r"TensorArraySpec\(TensorShape\(\[3\]\), tf.int32"):
        tf.while_loop(lambda i, ta: i < 1, lambda i, ta: (i + 1,), [0, ta])
    assert tf.TensorArraySpec([3], tf.int32, True) == tf.TensorArraySpec([3], "int32", True)


# -- under tf.function(jit_compile=True) -------------------------------------------------------


def test_a_branch_is_not_replayed_for_other_values():
    @tf.function(jit_compile=True)
    def f(x):
        return tf.cond(x > 0, lambda: x * 2.0, lambda: -x)

    for value, expected in [(1.0, 2.0), (-1.0, 1.0), (4.0, 8.0), (-5.0, 5.0)]:
        assert f(tf.constant(value)).numpy() == expected


def test_an_index_is_not_replayed_for_other_values():
    @tf.function(jit_compile=True)
    def f(i, x):
        return tf.switch_case(i, [lambda: x, lambda: x * 10.0])

    x = tf.constant(2.0)
    assert [f(tf.constant(i), x).numpy() for i in [0, 1, 0, 7]] == [2.0, 20.0, 2.0, 20.0]


def test_an_iteration_count_is_not_replayed_for_other_values():
    @tf.function(jit_compile=True)
    def f(x):
        return tf.while_loop(lambda a: a < 10.0, lambda a: (a * 3.0,), [x])[0]

    for value, expected in [(1.0, 27.0), (2.0, 18.0), (4.0, 12.0), (9.0, 27.0)]:
        assert f(tf.constant(value)).numpy() == expected


def test_a_construct_of_fixed_path_replays_for_new_values():
    @tf.function(jit_compile=True)
    def f(x):
        squares = tf.map_fn(lambda r: r * r, x)
        return tf.scan(lambda a, e: a + e, squares)

    np.testing.assert_array_equal(f(tf.constant([1.0, 2.0])).numpy(), [1.0, 5.0])
    np.testing.assert_array_equal(f(tf.constant([3.0, 4.0])).numpy(), [9.0, 25.0])
