"""Control flow under `tf.function(jit_compile=True)` with tapes inside, and the constructs
that used to fall back: replayed, and checked bit for bit against running the body eagerly
(values and gradients)."""

from __future__ import annotations

import numpy as np
from replay_checks import assert_same as _assert_same
from replay_checks import replayed as _replayed

import tapeflow as tf


def _check(body, calls, traced_once=True):
    f = tf.function(body, jit_compile=True)
    for args in calls:
        _assert_same(f(*args), body(*args))
    assert _replayed(f), body.__name__
    if traced_once:
        assert f.experimental_get_tracing_count() == 1
    return f


W = tf.Variable([0.5, -1.0, 2.0])


def _inputs(seed, n=4, shape=(4, 3)):
    rng = np.random.default_rng(seed)
    return [(tf.constant(rng.standard_normal(shape).astype(np.float32)),) for _ in range(n)]


# -- map_fn, scan, foldl, foldr: unrolled (their length is static per signature) ---------------


def map_scan_fold_step(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.scan(lambda a, e: a * W + tf.sin(e), x, initializer=tf.zeros([3]))
        z = tf.map_fn(lambda r: tf.reduce_sum(r * W), x)
        q = tf.foldl(lambda a, e: a + e * W, x, initializer=0.0)  # a Python initializer
        r = tf.foldr(lambda a, e: a * 0.5 + e, x)
        loss = tf.reduce_sum(y) + tf.reduce_sum(z) + tf.reduce_sum(q) + tf.reduce_sum(r * W)
    return loss, tape.gradient(loss, [W, x])


def test_a_tape_inside_through_map_fn_scan_and_folds_replays_its_gradients():
    _check(map_scan_fold_step, _inputs(0))


def test_second_order_through_scan_inside_replays():
    def body(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.reduce_sum(tf.scan(lambda a, e: a * tf.tanh(e) + e, x))
            g = inner.gradient(y, x)
            s = tf.reduce_sum(g * g)
        return y, g, outer.gradient(s, x)

    _check(body, _inputs(1))


def test_forward_accumulator_inside_through_map_fn_replays():
    def body(x):
        with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
            y = tf.map_fn(lambda r: tf.exp(r) * W, x)
        return y, acc.jvp(y)

    _check(body, _inputs(2))


def test_empty_elems_and_python_initializers_replay():
    def body(x):
        return (
            tf.map_fn(lambda r: r * 2.0, x),
            tf.scan(lambda a, e: a + e, x, initializer=1.0),
            tf.foldl(lambda a, e: a + e, x, initializer=2.0),
            tf.foldr(lambda a, e: a * e, x, initializer=tf.constant(3.0)),
        )

    _check(body, [(tf.zeros([0]),), (tf.ones([0]),)])
    _check(body, [(tf.constant([1.0, 2.0]),), (tf.constant([-1.0, 0.5]),)])


# -- tf.cond, tf.switch_case, tf.case: one tape entry, its gradient a step over the branches' --

V = tf.Variable(1.5)


def cond_step(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cond(x[0] > 0, lambda: tf.sin(x) * x * V, lambda: x * x + V * x)
        index = tf.cast(x[1] > 0, tf.int32) + tf.cast(x[2] > 0, tf.int32)
        z = tf.switch_case(index, [lambda: y * V, lambda: tf.exp(y) + x, lambda: y * y * x])
        c = tf.case([(x[0] < x[1], lambda: z * 2.0)], default=lambda: z - x * V)
        # x and V are used again after the constructs: their sums must keep eager's order.
        loss = tf.reduce_sum(c) + tf.reduce_sum(x * x) * V
    return loss, tape.gradient(loss, [x, V])


def test_gradients_through_cond_switch_case_and_case_replay_like_eager():
    rng = np.random.default_rng(3)
    calls = [(tf.constant(rng.standard_normal(3).astype(np.float32)),) for _ in range(12)]
    _check(cond_step, calls)


def test_nested_conds_under_a_tape_and_a_jacobian_replay():
    def body(x, k):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)

            def outer():
                return tf.cond(k > 1, lambda: tf.tanh(x) * k, lambda: tf.reduce_sum(x) * x)

            y = tf.cond(k > 0, outer, lambda: -x * x)
        return y, tape.gradient(y, x), tape.jacobian(y, x)

    x = tf.constant([0.5, -1.5, 2.5])
    _check(body, [(x, tf.constant(v)) for v in (2.0, 0.5, -1.0, 3.0, -2.0)])


def test_a_branch_path_whose_gradient_would_be_none_runs_that_call_eagerly():
    # Eagerly the gradient for V is None when the false branch runs and a tensor when the
    # true one does: a replay cannot give both, so calls taking the other path run eagerly.
    def body(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.cond(x > 0, lambda: x * V, lambda: x * 3.0)
        return tape.gradient(y, [x, V])

    f = tf.function(body, jit_compile=True)
    for value in (1.0, -1.0, 2.0, -3.0):
        x = tf.constant(value)
        _assert_same(f(x), body(x))
    assert _replayed(f) and f.experimental_get_tracing_count() == 1


def returns_its_input(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cond(x > 0, lambda: x * 2.0, lambda: x)
        z = y * x
    return tape.gradient(z, x)


def test_a_branch_returning_an_outer_tensor_is_never_replayed():
    # Eagerly the cond's output is then x itself, whose cotangent sums interleave with x's
    # own: a replay taking that branch runs the call eagerly; traced through it, the
    # signature runs eagerly.
    f = tf.function(returns_its_input, jit_compile=True)
    for value in (1.0, -1.0, 0.5, -2.0):
        x = tf.constant(value)
        _assert_same(f(x), returns_its_input(x))
    assert _replayed(f)
    f = tf.function(returns_its_input, jit_compile=True)
    for value in (-1.0, 1.0):
        x = tf.constant(value)
        _assert_same(f(x), returns_its_input(x))
    assert not _replayed(f)


def test_what_a_recorded_branch_cannot_replay_runs_eagerly():
    counter = tf.Variable(0.0)

    def assigns_in_a_branch(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.cond(x > 0, lambda: counter.assign(x) * x, lambda: x * x)
        return tape.gradient(y, x)

    def second_order_through_a_loop(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                _, y = tf.while_loop(
                    lambda i, y: i < 3, lambda i, y: (i + 1, tf.sin(y * y) + x), (tf.constant(0), x)
                )
            g = inner.gradient(y, x)
        return g, outer.gradient(g, x)

    for body in (assigns_in_a_branch, second_order_through_a_loop):
        f = tf.function(body, jit_compile=True)
        for value in (1.0, -1.0, 0.5):
            x = tf.constant(value)
            _assert_same(f(x), body(x))
        assert not _replayed(f), body.__name__


# -- tf.while_loop: one tape entry, its gradient a step walking the saved iterations back -------

U = tf.Variable([0.9, 1.1])


def rnn_step(x, n):
    """A train-step-like loop: a value-dependent number of iterations, a variable, a
    captured input, loop variables that start depending on the sources in iteration 0."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        _, h, s = tf.while_loop(
            lambda i, h, s: i < n,
            lambda i, h, s: (i + 1, tf.tanh(h * U + x), s + tf.reduce_sum(h * h)),
            (tf.constant(0), tf.zeros([2]), tf.constant(0.0)),
        )
        loss = s + tf.reduce_sum(h * x)  # x used after the loop too
    return loss, tape.gradient(loss, [x, U])


def test_a_tape_inside_through_while_loops_of_varying_length_replays_like_eager():
    x = tf.constant([0.3, -0.7])
    # Traced with 3 iterations; 0 iterations run that call eagerly (eager's gradients then
    # skip the loop, another None-ness).
    _check(rnn_step, [(x, tf.constant(k)) for k in (3, 5, 1, 2, 8, 0, 4)])
    _check(rnn_step, [(x * 2.0, tf.constant(k)) for k in (2, 1, 6)])


def newton_step(a):
    """The initial value is also captured by the body: one tensor, as eagerly."""
    with tf.GradientTape() as tape:
        tape.watch(a)
        root, count = tf.while_loop(
            lambda r, k: tf.abs(r * r - a) > 1e-5,
            lambda r, k: (r - (r * r - a) / (2.0 * r), k + 1),
            (a, tf.constant(0)),
        )
    return root, count, tape.gradient(root, a)


def test_a_while_loop_whose_initial_value_is_captured_replays_like_eager():
    _check(newton_step, [(tf.constant(v),) for v in (2.0, 9.0, 0.5, 100.0, 1.0, 3.0)])


def test_a_cond_inside_a_while_body_under_a_tape_replays_and_a_jacobian_too():
    def body(x, n):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)

            def step(i, y):
                z = tf.cond(tf.reduce_sum(y) > 0, lambda: tf.sin(y) * x, lambda: y * y - x)
                return i + 1, z

            _, y = tf.while_loop(lambda i, y: i < n, step, (tf.constant(0), x))
        return y, tape.gradient(y, x), tape.jacobian(y, x)

    x = tf.constant([0.4, -0.2, 0.1])
    _check(body, [(x, tf.constant(k)) for k in (3, 1, 4, 2, 6)])
    _check(body, [(-x, tf.constant(k)) for k in (2, 5, 3)])


def test_a_while_loop_traced_without_iterations_under_a_tape_runs_eagerly():
    f = tf.function(rnn_step, jit_compile=True)
    x = tf.constant([0.3, -0.7])
    for k in (0, 2, 0):
        _assert_same(f(x, tf.constant(k)), rnn_step(x, tf.constant(k)))
    assert not _replayed(f)


def test_forward_accumulators_inside_through_cond_and_switch_case_replay():
    # The branches compute their tangents as they run: they return them too. A tape
    # outside the accumulator differentiates those tangents (reverse over forward).
    def body(x):
        with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x) * 0.5) as acc:
            y = tf.cond(x[0] > 0, lambda: tf.sin(x) * x * V, lambda: x * x + V)
            index = tf.cast(x[1] > 0, tf.int32)
            z = tf.switch_case(index, [lambda: y * 2.0, lambda: tf.exp(y)])
        with tf.GradientTape() as tape:
            tape.watch(x)
            with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as inner:
                w = tf.cond(x[0] > 0, lambda: tf.tanh(x) * x, lambda: x * 3.0)
            jw = inner.jvp(w)
        return y, z, acc.jvp(y), acc.jvp(z), w, jw, tape.gradient(jw, x)

    rng = np.random.default_rng(4)
    _check(body, [(tf.constant(rng.standard_normal(2).astype(np.float32)),) for _ in range(8)])


def test_second_order_through_cond_and_switch_case_replays():
    # The construct's entry also outputs the branches' intermediates, so an outer tape
    # differentiates the gradient step (itself a recorded branch step) through them.
    def body(x):
        with tf.GradientTape(persistent=True) as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.cond(
                    tf.reduce_sum(x) > 0,
                    lambda: tf.sin(x * x) * x * V,
                    lambda: tf.exp(x * V) + x,
                )
                k = tf.cast(x[0] > 0, tf.int32)
                z = tf.switch_case(k, [lambda: y * y, lambda: tf.tanh(y) * x])
                loss = tf.reduce_sum(z) + tf.reduce_sum(x * y)
            g, gv = inner.gradient(loss, [x, V])
            s = tf.reduce_sum(g * g) + gv
        return loss, g, gv, outer.gradient(s, [x, V]), outer.jacobian(g, x)

    rng = np.random.default_rng(5)
    _check(body, [(tf.constant(rng.standard_normal(2).astype(np.float32)),) for _ in range(10)])


def test_second_order_through_nested_conds_replays():
    def body(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.cond(
                    x[0] > 0,
                    lambda: tf.cond(x[1] > 0, lambda: tf.sin(x) * x, lambda: x * x * x),
                    lambda: tf.exp(x),
                )
            g = inner.gradient(y, x)
        return g, outer.gradient(g, x)

    rng = np.random.default_rng(6)
    _check(body, [(tf.constant(rng.standard_normal(2).astype(np.float32)),) for _ in range(10)])


def test_a_keras_train_step_through_a_while_loop_replays_like_eager():
    layer = tf.keras.layers.Dense(4, activation="tanh")
    layer.build((None, 4))
    optimizer = tf.keras.optimizers.SGD(0.1)

    def train(x, n):
        with tf.GradientTape() as tape:
            _, h = tf.while_loop(
                lambda i, h: i < n,
                lambda i, h: (i + 1, layer(h + x)),  # the layer's variables read in the body
                (tf.constant(0), tf.zeros([2, 4])),
            )
            loss = tf.reduce_mean(h * h)
        grads = tape.gradient(loss, layer.trainable_variables)
        optimizer.apply_gradients(zip(grads, layer.trainable_variables))
        return loss, grads

    x = tf.constant(np.random.default_rng(7).standard_normal((2, 4)).astype(np.float32))
    counts = (3, 4, 3, 5, 1)
    start = [v.numpy() for v in layer.trainable_variables]
    f = tf.function(train, jit_compile=True)
    replayed = [f(x, tf.constant(k)) for k in counts]
    after = [v.numpy() for v in layer.trainable_variables]
    for v, value in zip(layer.trainable_variables, start):
        v.assign(value)
    eager = [train(x, tf.constant(k)) for k in counts]
    for got, want in zip(replayed, eager):
        _assert_same(got, want)
    for got, v in zip(after, layer.trainable_variables):
        np.testing.assert_array_equal(got, v.numpy())
    assert _replayed(f) and f.experimental_get_tracing_count() == 1


def test_while_loop_gradients_with_outer_uses_and_coupled_loop_variables_replay():
    def init_used_after(x, n):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y0 = x * 2.0
            _, y = tf.while_loop(
                lambda i, y: i < n, lambda i, y: (i + 1, tf.sin(y) * U), (tf.constant(0), y0)
            )
            loss = tf.reduce_sum(y * y0) + tf.reduce_sum(U * U * x)
        return tape.gradient(loss, [x, U])

    def coupled(x, n):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            _, a, b = tf.while_loop(
                lambda i, a, b: i < n,
                lambda i, a, b: (i + 1, b * x, tf.tanh(a) + tf.stop_gradient(b) * U),
                (tf.constant(0), x, tf.zeros([2])),
            )
            loss = tf.reduce_sum(a * b)
        return tape.gradient(loss, [x, U]), tape.gradient([a, a * b], x), tape.jacobian(b, U)

    x = tf.constant([0.6, -0.9])
    for body in (init_used_after, coupled):
        _check(body, [(x, tf.constant(k)) for k in (3, 1, 5, 2, 0, 4)])


# -- generated loops: random bodies, initial values, outer uses and counts -----------------------

_UNARY = [tf.sin, tf.tanh, lambda t: t * 0.5, tf.stop_gradient, lambda t: t * t]


def _random_loop_step(rng, forward=False, nested=False):
    """A train-step-like function: a while_loop over two float loop variables whose body is a
    random expression of them, an input and a variable (a cond in it sometimes), initial
    values that are the input itself, made from it, zeros or the variable, and a loss over a
    random choice of the results, the input, the variable and an initial value."""

    def expr(depth):
        if depth == 0 or rng.random() < 0.3:
            name = rng.choice("abxW")
            return lambda env: env[name] * 1.0 if name == "W" else env[name]
        kind = rng.randrange(3)
        if kind == 0:
            f, e = rng.choice(_UNARY), expr(depth - 1)
            return lambda env: f(e(env))
        a, b = expr(depth - 1), expr(depth - 1)
        return (lambda env: a(env) * b(env)) if kind == 1 else (lambda env: a(env) + b(env))

    new_a, new_b = expr(2), expr(2)
    with_cond = rng.random() < 0.4
    inits = [lambda x: x, lambda x: x * 2.0, lambda x: tf.zeros([2]), lambda x: U * 1.0]
    init_a, init_b = rng.choice(inits), rng.choice(inits)
    loss_terms = rng.sample(["a", "b", "x", "W", "a0"], rng.randrange(1, 4))
    persistent = rng.random() < 0.3

    def loop(x, n):
        a0, b0 = init_a(x), init_b(x)

        def step(i, a, b):
            env = {"a": a, "b": b, "x": x, "W": U}
            na, nb = new_a(env), new_b(env)
            if with_cond:
                na = tf.cond(tf.reduce_sum(na) > 0, lambda: tf.sin(na) * x, lambda: na * 0.5)
            if nested:  # an inner loop of 1 to 3 iterations, varying with the outer one
                _, na = tf.while_loop(
                    lambda j, z: j < i % 3 + 1,
                    lambda j, z: (j + 1, tf.tanh(z) * U + nb * 0.1),
                    (tf.constant(0), na),
                )
            return i + 1, na, nb

        _, a, b = tf.while_loop(lambda i, a, b: i < n, step, (tf.constant(0), a0, b0))
        env = {"a": a, "b": b, "x": x, "W": U, "a0": a0}
        return a, b, tf.add_n([tf.reduce_sum(env[k] * env[k]) for k in loss_terms])

    def forward_body(x, n):
        with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, -0.5])) as acc:
            a, b, loss = loop(x, n)
        return loss, acc.jvp(a), acc.jvp(b), acc.jvp(loss)

    if forward:
        return forward_body

    def body(x, n):
        with tf.GradientTape(persistent=persistent) as tape:
            tape.watch(x)
            a, _, loss = loop(x, n)
        grads = tape.gradient(loss, [x, U])
        return (loss, grads, tape.jacobian(a, x)) if persistent else (loss, grads)

    return body


def test_generated_while_loops_under_a_tape_give_eager_gradients_bit_for_bit():
    import random

    x = tf.constant([0.6, -0.9])
    replayed = 0
    for seed in range(30):
        body = _random_loop_step(random.Random(seed))
        f = tf.function(body, jit_compile=True)
        for k in (3, 1, 4, 0, 2):  # traced with 3; fewer, more and none replay or fall back
            _assert_same(f(x, tf.constant(k)), body(x, tf.constant(k)))
        replayed += _replayed(f)
    assert replayed >= 20  # most replay; the rest fall back (a reason each), never wrongly


def test_generated_nested_while_loops_under_a_tape_give_eager_gradients():
    import random

    x = tf.constant([0.6, -0.9])
    replayed = 0
    for seed in range(20):
        body = _random_loop_step(random.Random(seed), nested=True)
        f = tf.function(body, jit_compile=True)
        for k in (3, 1, 4, 0, 2):
            _assert_same(f(x, tf.constant(k)), body(x, tf.constant(k)))
        replayed += _replayed(f)
    assert replayed >= 12


def test_generated_while_loops_under_a_forward_accumulator_give_eager_tangents():
    import random

    x = tf.constant([0.6, -0.9])
    replayed = 0
    for seed in range(30):
        body = _random_loop_step(random.Random(seed), forward=True)
        f = tf.function(body, jit_compile=True)
        for k in (3, 1, 4, 0, 2):
            _assert_same(f(x, tf.constant(k)), body(x, tf.constant(k)))
        replayed += _replayed(f)
    assert replayed >= 20


def test_a_nested_cond_returning_an_outer_tensor_keeps_the_tape_connected():
    # The inner cond records no op and returns x itself: its step's output must still lead
    # the tape to x (the outer cond then falls back: a branch returns an outer tensor).
    def body(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * 2.0
            inner = lambda: tf.cond(tf.reduce_sum(y) > 0, lambda: x, lambda: y)  # noqa: E731
            z = tf.cond(x[0] > 0, inner, lambda: y)
            loss = tf.reduce_sum(z * z)
        return tape.gradient(loss, x)

    f = tf.function(body, jit_compile=True)
    for value in ([0.13, -0.13], [-0.5, 0.2], [0.4, 0.3]):
        x = tf.constant(value)
        _assert_same(f(x), body(x))


def _random_cond_step(rng, internal):
    """Branches (nested conds, a three-way switch_case) that are random expressions of an
    input, a variable and an earlier result; first or second order, or a jacobian. With
    `internal` every branch result is made inside its branch."""
    unary = [*_UNARY, tf.exp]

    def expr(depth, names):
        if depth == 0 or rng.random() < 0.3:
            name = rng.choice(names)
            return (lambda env: env[name] * 1.0) if internal else (lambda env: env[name])
        kind = rng.randrange(4)
        if kind == 0:
            f, e = rng.choice(unary), expr(depth - 1, names)
            return lambda env: f(e(env))
        if kind == 3 and depth >= 2:
            p, a, b = expr(depth - 1, names), expr(depth - 1, names), expr(depth - 1, names)
            return lambda env: tf.cond(tf.reduce_sum(p(env)) > 0, lambda: a(env), lambda: b(env))
        a, b = expr(depth - 1, names), expr(depth - 1, names)
        return (lambda env: a(env) * b(env)) if kind == 1 else (lambda env: a(env) + b(env))

    first = expr(3, ["x", "W"])
    branches = [expr(2, ["x", "W", "y"]) for _ in range(3)]
    order = rng.randrange(3)
    loss_terms = rng.sample(["x", "W", "y", "z"], rng.randrange(1, 4))

    def body(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape(persistent=True) as tape:
                tape.watch(x)
                env = {"x": x, "W": U * 1.0}
                env["y"] = first(env)
                index = tf.cast(x[0] > 0, tf.int32) + tf.cast(x[1] > 0, tf.int32)
                env["z"] = tf.switch_case(index, [lambda b=b: b(env) for b in branches])
                loss = tf.add_n([tf.reduce_sum(env[k] * env[k]) for k in loss_terms])
            grads = tape.gradient(loss, [x, U])
            total = tf.add_n([tf.reduce_sum(g * g) for g in grads if g is not None] + [x[0] * 0.0])
        if order == 0:
            return loss, grads
        if order == 1:
            return loss, grads, outer.gradient(total, [x, U])
        return loss, grads, tape.jacobian(env["z"], x)

    return body


def test_generated_conds_under_tapes_give_eager_gradients_bit_for_bit():
    import random

    rng = np.random.default_rng(8)
    xs = [tf.constant(rng.standard_normal(2).astype(np.float32)) for _ in range(6)]
    replayed = 0
    for seed in range(40):
        body = _random_cond_step(random.Random(seed), internal=seed % 2 == 0)
        f = tf.function(body, jit_compile=True)
        for x in xs:
            _assert_same(f(x), body(x))
        replayed += _replayed(f)
    assert replayed >= 10


def test_forward_accumulators_inside_through_while_loops_replay():
    # The tangents are loop variables too (an empty array where there is none, so a loop
    # variable gaining one has sub-traces of its own).
    def newton(a):
        with tf.autodiff.ForwardAccumulator(a, tf.constant(1.0)) as acc:
            root, count = tf.while_loop(
                lambda r, k: tf.abs(r * r - a) > 1e-5,
                lambda r, k: (r - (r * r - a) / (2.0 * r), k + 1),
                (a, tf.constant(0)),
            )
        return root, count, acc.jvp(root)

    def recurrence(x, n):
        with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
            _, h = tf.while_loop(
                lambda i, h: i < n, lambda i, h: (i + 1, tf.tanh(h * U + x)), (tf.constant(0), x)
            )
        return h, acc.jvp(h)

    _check(newton, [(tf.constant(v),) for v in (2.0, 9.0, 0.5, 3.0)])
    x = tf.constant([0.2, -0.4])
    _check(recurrence, [(x, tf.constant(k)) for k in (3, 5, 0, 2)])

    def gains_a_tangent(x, n):
        with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
            _, h = tf.while_loop(
                lambda i, h: i < n,
                lambda i, h: (i + 1, tf.tanh(h * U + x)),
                (tf.constant(0), tf.zeros([2])),
            )
        return h, acc.jvp(h)

    # Zeros at the start, depending on x from iteration 0 on; no iteration (no tangent)
    # runs that call eagerly.
    _check(gains_a_tangent, [(x, tf.constant(k)) for k in (3, 0, 2, 5, 1)])
