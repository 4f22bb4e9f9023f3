"""`tf.function(jit_compile=True)`: traced once per signature, replayed after.

A replay must give exactly what running the Python body eagerly gives, for
new argument values too. The registry-generated test checks that for every
op with a sample (values, first and second derivatives through tapes inside
the function); the rest pins the fallbacks: value-dependent Python, variables,
tapes outside the call, side effects, retracing and errors.
"""

from __future__ import annotations

import logging
import re
import sys

import numpy as np
import pytest
from replay_checks import OP_CASES, float_inputs, op_program
from replay_checks import assert_same as _assert_same
from replay_checks import replayed as _replayed

import tapeflow as tf

# -- every op: replay == eager, for values it was not traced with ------------------------------

REPLAYED: dict = {}


@pytest.mark.parametrize("op, first, second", OP_CASES)
def test_replay_matches_eager_for_every_op(op, first, second):
    body = op_program(op, first.attrs, float_inputs(op, first))
    compiled = tf.function(body, jit_compile=True)
    for inputs in (first.inputs, second.inputs, first.inputs):
        xs = [tf.constant(a) for a in inputs]
        try:
            want = body(*xs)
        except Exception as e:  # noqa: BLE001 - the compiled call must fail alike
            with pytest.raises(type(e)):
                compiled(*xs)
            continue
        _assert_same(compiled(*xs), want)
    REPLAYED[op.type] = _replayed(compiled)


def test_most_ops_replay():
    # Not a correctness check (the test above is): guards against a tracer that
    # silently gives up on everything, which would make that test vacuous.
    if len(REPLAYED) < len({c.values[0].type for c in OP_CASES}):
        pytest.skip("needs the whole op matrix above")
    eager = sorted(name for name, replayed in REPLAYED.items() if not replayed)
    assert len(eager) <= 0.1 * len(REPLAYED), eager


# -- the guide's programs -----------------------------------------------------------------------

A = tf.constant(np.random.default_rng(0).standard_normal((6, 6)))


@tf.function(jit_compile=True)
def hvp_rr(w, v):
    with tf.GradientTape() as outer:
        outer.watch(w)
        with tf.GradientTape() as inner:
            inner.watch(w)
            y = tf.reduce_sum(tf.tanh(tf.matmul(A, w)) ** 2)
        gv = tf.reduce_sum(inner.gradient(y, w) * v)
    return outer.gradient(gv, w)


@tf.function(jit_compile=True)
def hvp_fr(w, v):
    with tf.autodiff.ForwardAccumulator(w, v) as acc:
        with tf.GradientTape() as tape:
            tape.watch(w)
            y = tf.reduce_sum(tf.tanh(tf.matmul(A, w)) ** 2)
        g = tape.gradient(y, w)
    return acc.jvp(g)


@pytest.mark.parametrize("f", [hvp_rr, hvp_fr])
def test_hessian_vector_products_replay(f):
    rng = np.random.default_rng(3)
    for _ in range(3):
        w, v = (tf.constant(rng.standard_normal((6, 1))) for _ in range(2))
        _assert_same(f(w, v), f.python_function(w, v))
    assert f.experimental_get_tracing_count() == 1
    assert _replayed(f)


def test_python_side_effects_run_when_tracing_only(capsys):
    @tf.function(jit_compile=True)
    def f(x):
        print("tracing")
        return x * x

    for value in (1.0, 2.0, 3.0):
        assert f(tf.constant(value)).numpy() == value * value
    assert capsys.readouterr().out == "tracing\n"  # as in TF


def test_new_shapes_dtypes_and_python_values_retrace():
    calls = []

    @tf.function(jit_compile=True)
    def f(x, scale, flag=False):
        calls.append(1)
        return x * scale if flag else x + scale

    assert f(tf.constant([1.0, 2.0]), 2.0).numpy().tolist() == [3.0, 4.0]
    assert f(tf.constant([3.0, 4.0]), 2.0).numpy().tolist() == [5.0, 6.0]
    assert f(tf.constant([1.0, 2.0, 3.0]), 2.0).shape == (3,)
    assert f(tf.constant([1.0, 2.0]), 3.0).numpy().tolist() == [4.0, 5.0]
    assert f(tf.constant([1.0, 2.0]), 3.0, flag=True).numpy().tolist() == [3.0, 6.0]
    assert f(tf.constant([1, 2]), 3).dtype == tf.int32
    assert len(calls) == f.experimental_get_tracing_count() == 5


def test_a_tensor_passed_twice_is_not_confused_with_two_tensors():
    @tf.function(jit_compile=True)
    def f(x, y):
        return x * y + x

    a, b = tf.constant([2.0]), tf.constant([5.0])
    assert f(a, a).numpy()[0] == 6.0
    assert f(a, b).numpy()[0] == 12.0
    assert f(b, b).numpy()[0] == 30.0


def test_value_dependent_python_runs_eagerly_and_says_why(caplog):
    @tf.function(jit_compile=True)
    def relu_ish(x):
        if tf.reduce_sum(x) > 0:  # a Python branch on a value: TF needs AutoGraph here
            return x
        return -x

    with caplog.at_level(logging.WARNING):
        assert relu_ish(tf.constant([1.0])).numpy()[0] == 1.0
        assert relu_ish(tf.constant([-1.0])).numpy()[0] == 1.0
    assert not _replayed(relu_ish)
    assert "Python control flow or bool() depends on a tensor's value" in caplog.text


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda x, k: x**k, id="pow-exponent-argument"),
        pytest.param(lambda x, k: tf.one_hot(tf.cast(k, tf.int32), 6) * x[:, None], id="one_hot"),
        pytest.param(lambda x, k: tf.boolean_mask(x, k > 2.0), id="boolean_mask"),
        pytest.param(lambda x, k: tf.gather(x, tf.argsort(k)), id="argsort"),
        pytest.param(lambda x, k: tf.sort(k) * x, id="sort"),
        pytest.param(lambda x, k: tf.range(tf.cast(tf.reduce_max(k), tf.int32)), id="range"),
        pytest.param(lambda x, k: tf.reshape(x, tf.cast(k[:1], tf.int32)), id="shape-from-value"),
        pytest.param(lambda x, k: tf.reduce_sum(x, axis=tf.cast(k[0] - 3, tf.int32)), id="axis"),
    ],
)
def test_values_read_by_the_library_are_not_frozen(body):
    # Each body makes the library read an argument's value in Python; a replay that
    # froze it would give the first call's answer for the second.
    def with_gradient(x, k):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = body(x, k)
            total = tf.reduce_sum(y * y) if y.dtype.is_floating else tf.reduce_sum(x)
        return y, tape.gradient(total, x)

    f = tf.function(with_gradient, jit_compile=True)
    x = tf.constant([1.0, 2.0, 3.0])
    for k in ([3.0, 4.0, 5.0], [3.0, 1.0, 2.0], [3.0, 4.0, 5.0]):
        k = tf.constant(k)
        _assert_same(f(x, k), with_gradient(x, k))


def test_variables_are_read_afresh_and_assignments_replay():
    v = tf.Variable([1.0, 2.0])

    @tf.function(jit_compile=True)
    def loss(x):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(v * x)
        return y, tape.gradient(y, v)

    x = tf.constant([3.0, 4.0])
    assert loss(x)[0].numpy() == 11.0
    v.assign([2.0, 2.0])
    y, g = loss(x)
    assert y.numpy() == 14.0 and g.numpy().tolist() == [3.0, 4.0]
    assert _replayed(loss)

    @tf.function(jit_compile=True)
    def step(x):
        v.assign_sub(0.5 * x)
        v.assign_add(tf.constant([0.25, 0.25]))
        return v.read_value() * 1.0

    assert step(x).numpy().tolist() == [0.75, 0.25]  # traced: the updates ran once
    assert v.numpy().tolist() == [0.75, 0.25]
    assert step(x).numpy().tolist() == [-0.5, -1.5]  # replayed: they ran again
    assert v.numpy().tolist() == [-0.5, -1.5]
    assert _replayed(step)

    @tf.function(jit_compile=True)
    def reset(value):
        v.assign(value)
        return v * 2.0

    assert reset(tf.constant([1.0, 1.0])).numpy().tolist() == [2.0, 2.0]
    assert reset(tf.constant([3.0, 5.0])).numpy().tolist() == [6.0, 10.0]
    assert v.numpy().tolist() == [3.0, 5.0] and _replayed(reset)


def test_a_value_read_before_an_assignment_keeps_its_value():
    v = tf.Variable(1.0)

    @tf.function(jit_compile=True)
    def f(x):
        old = v.read_value()
        v.assign_add(x)
        return old * 10.0 + v  # `old` and `v` share an id but not a value

    for x in (1.0, 2.0, 3.0):
        before = v.numpy()
        assert f(tf.constant(x)).numpy() == before * 10.0 + before + x
    assert not _replayed(f)


def test_a_training_loop_replays_like_eager():
    rng = np.random.default_rng(5)
    data = [
        (tf.constant(rng.standard_normal((8, 3))), tf.constant(rng.integers(0, 4, 8)))
        for _ in range(4)
    ]

    def make_model():
        return [tf.Variable(np.full((3, 4), 0.1)), tf.Variable(np.zeros(4))]

    def train_step(model, x, y):
        w, b = model
        with tf.GradientTape() as tape:
            logits = tf.matmul(x, w) + b
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
            )
        for var, grad in zip(model, tape.gradient(loss, model)):
            var.assign_sub(0.5 * grad)
        return loss

    eager_model, jit_model = make_model(), make_model()
    jit_step = tf.function(train_step, jit_compile=True)
    for _epoch in range(3):
        for x, y in data:
            want = train_step(eager_model, x, y)
            _assert_same(jit_step(jit_model, x, y), want)
    for a, b in zip(eager_model, jit_model):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert _replayed(jit_step) and jit_step.experimental_get_tracing_count() == 1


def test_tapes_and_accumulators_outside_see_the_ops():
    @tf.function(jit_compile=True)
    def f(x):
        return tf.sin(x) * x

    x = tf.constant(0.5)
    f(x)
    f(x)  # traced and replayable: the next calls are under recorders
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), np.cos(0.5) * 0.5 + np.sin(0.5))
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        y = f(x)
    np.testing.assert_allclose(acc.jvp(y).numpy(), np.cos(0.5) * 0.5 + np.sin(0.5))


def test_random_ops_draw_afresh_and_tf_print_prints_every_call(capsys):
    @tf.function(jit_compile=True)
    def noisy(x):
        return tf.nn.dropout(x, rate=0.5) + tf.random.uniform([100])

    x = tf.ones([100])
    a, b = noisy(x), noisy(x)
    assert _replayed(noisy)
    assert not np.array_equal(a.numpy(), b.numpy())

    @tf.function(jit_compile=True)
    def shout(x):
        tf.print("x =", x, output_stream=sys.stdout)
        return x + 1

    capsys.readouterr()
    for k in range(2):
        shout(tf.constant(float(k)))
    assert _replayed(shout)  # tf.print is a step of the program, as TF's PrintV2 op
    assert capsys.readouterr().out == "x = 0\nx = 1\n"


def test_replay_errors_are_the_eager_errors():
    @tf.function(jit_compile=True)
    def pick(x, i):
        return tf.gather(x, i)

    x = tf.constant([1.0, 2.0, 3.0])
    assert pick(x, tf.constant([2])).numpy()[0] == 3.0
    with pytest.raises(tf.errors.InvalidArgumentError, match="indices"):
        pick(x, tf.constant([7]))


def test_structures_numpy_arguments_methods_and_signatures():
    class Model(tf.Module):
        def __init__(self):
            self.w = tf.Variable(2.0)

        @tf.function(jit_compile=True)
        def __call__(self, x):
            return {"y": self.w * x, "note": "ok", "none": None}

    m = Model()
    assert m(tf.constant(3.0))["y"].numpy() == 6.0
    out = m(tf.constant(4.0))
    assert out["y"].numpy() == 8.0 and out["note"] == "ok" and out["none"] is None

    @tf.function(jit_compile=True, input_signature=[tf.TensorSpec([None], tf.float32)])
    def double(x):
        return 2 * x

    assert double([1, 2]).numpy().tolist() == [2.0, 4.0]
    assert double(np.array([3.0, 4.0], np.float32)).numpy().tolist() == [6.0, 8.0]

    @tf.function(jit_compile=True)
    def total(x):
        return tf.reduce_sum(x)

    assert total(np.array([1.0, 2.0])).numpy() == 3.0
    assert total(np.array([5.0, 2.0])).numpy() == 7.0  # not the traced array


def test_run_functions_eagerly_and_check_numerics_bypass_the_trace():
    calls = []

    @tf.function(jit_compile=True)
    def f(x):
        calls.append(1)
        return tf.math.log(x)

    f(tf.constant(1.0))
    tf.config.run_functions_eagerly(True)
    try:
        f(tf.constant(1.0))
    finally:
        tf.config.run_functions_eagerly(False)
    tf.debugging.enable_check_numerics()
    try:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Log"):
            f(tf.constant(-1.0))
    finally:
        tf.debugging.disable_check_numerics()
    assert len(calls) == 3


def test_plain_tf_function_traces_and_replays_too():
    calls = []

    @tf.function
    def f(x):
        calls.append(1)
        return x + 1

    f(tf.constant(1.0))
    assert float(f(tf.constant(2.0))) == 3.0
    assert len(calls) == 1 and f.experimental_get_tracing_count() == 1


def test_a_trace_keeps_no_intermediate_values():
    import tracemalloc

    @tf.function(jit_compile=True)
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.tanh(x) * tf.exp(x))
        return tape.gradient(y, x)

    x = tf.constant(np.linspace(-1, 1, 250_000))  # 2 MB per intermediate
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        out = f(x)
        del out
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert _replayed(f)
    assert retained < 1_000_000  # the replay program holds constants only


def test_an_error_while_tracing_leaves_nothing_behind():
    from tapeflow._core import registry
    from tapeflow._core import tape as _tape

    @tf.function(jit_compile=True)
    def f(x, fail):
        y = x * 2.0
        if fail:
            raise RuntimeError("boom")
        return y

    with pytest.raises(RuntimeError, match="boom"):
        f(tf.constant(1.0), True)
    assert _tape.state.trace is None and not registry.OUTPUT_CHECKS and not _tape.active
    assert f(tf.constant(1.0), False).numpy() == 2.0
    assert f(tf.constant(3.0), False).numpy() == 6.0


def test_an_argument_that_is_also_captured_stays_two_things():
    a = tf.constant([1.0, 2.0])

    @tf.function(jit_compile=True)
    def f(x):
        return x * 10.0 + a  # `a` is captured; x is whatever is passed

    assert f(a).numpy().tolist() == [11.0, 22.0]
    assert f(tf.constant([3.0, 4.0])).numpy().tolist() == [31.0, 42.0]
    assert _replayed(f)


def test_tensors_in_nested_arguments_and_keywords():
    @tf.function(jit_compile=True)
    def f(pair, scale=None, named=None):
        x, y = pair
        return {"sum": x + y * scale["k"], "n": named[0] * 2.0}

    for a, b in [(1.0, 2.0), (5.0, 7.0)]:
        out = f(
            (tf.constant(a), tf.constant(b)), scale={"k": tf.constant(3.0)}, named=[tf.constant(a)]
        )
        assert out["sum"].numpy() == a + 3.0 * b and out["n"].numpy() == 2.0 * a
    assert f.experimental_get_tracing_count() == 1 and _replayed(f)


def test_long_programs_replay_through_the_loop(monkeypatch):
    from tapeflow._compile import trace

    monkeypatch.setattr(trace, "CODEGEN_MAX_STEPS", 3)  # every program here is longer
    for body in (hvp_rr.python_function, hvp_fr.python_function):
        f = tf.function(body, jit_compile=True)
        rng = np.random.default_rng(4)
        for _ in range(3):
            w, v = (tf.constant(rng.standard_normal((6, 1))) for _ in range(2))
            _assert_same(f(w, v), body(w, v))
        assert _replayed(f)
        program = next(iter(f._compiled.traces.values()))
        assert program.replay.__name__ == "replay" and program.replay.__code__.co_filename != (
            "<tf.function trace>"
        )


def test_tracing_in_one_thread_ignores_another_threads_ops():
    import threading

    stop = threading.Event()
    noise_ok = []

    def noise():
        x = tf.constant([1.0, 2.0])
        while not stop.is_set():
            noise_ok.append(bool(tf.reduce_all(x * 3.0 == tf.constant([3.0, 6.0]))))

    @tf.function(jit_compile=True)
    def f(x):
        y = x
        for _ in range(200):  # long enough for the other thread to run ops meanwhile
            y = tf.sin(y) + x
        return y

    worker = threading.Thread(target=noise)
    worker.start()
    while not noise_ok:  # the other thread is running ops before the first trace starts
        threading.Event().wait(0.001)
    try:
        x = tf.constant([0.5, -0.5])
        for value in ([0.5, -0.5], [1.5, 0.25]):
            x = tf.constant(value)
            _assert_same(f(x), f.python_function(x))
    finally:
        stop.set()
        worker.join()
    assert _replayed(f) and noise_ok and all(noise_ok)


def test_a_failing_replay_undoes_its_assignments_before_running_eagerly():
    v = tf.Variable([0.0, 0.0, 0.0])

    @tf.function(jit_compile=True)
    def bump_then_pick(x, i):
        v.assign_add(x)
        return tf.gather(v, i)  # fails for an index out of range, after the update

    x = tf.constant([1.0, 1.0, 1.0])
    assert bump_then_pick(x, tf.constant([0])).numpy()[0] == 1.0
    assert bump_then_pick(x, tf.constant([1])).numpy()[0] == 2.0
    with pytest.raises(tf.errors.InvalidArgumentError):
        bump_then_pick(x, tf.constant([7]))
    # The replay's update was undone, and so was the eager rerun's (TF fails before any
    # op runs): a call that raises leaves the variable as it was.
    assert v.numpy().tolist() == [2.0, 2.0, 2.0]


# -- random programs: compositions the per-op samples do not reach -----------------------------

_UNARY = [
    tf.sin,
    tf.tanh,
    tf.exp,
    tf.math.softplus,
    tf.square,
    tf.abs,
    tf.nn.relu,
    lambda t: t**3,
    lambda t: tf.sqrt(tf.abs(t) + 1.0),
]
_BINARY = [
    tf.add,
    tf.subtract,
    tf.multiply,
    tf.maximum,
    lambda a, b: a / (tf.abs(b) + 1.0),
    lambda a, b: tf.where(a > b, a, b * 2.0),
]
_SHAPE = [  # each keeps the (3, 3) shape, through broadcasting, transposes and products
    lambda t: t + tf.reduce_sum(t, axis=0, keepdims=True),
    tf.transpose,
    lambda t: tf.reshape(tf.reshape(t, (-1,)), (3, 3)),
    lambda t: tf.matmul(t, t) * 0.1,
    lambda t: tf.gather(t, [2, 0, 1], axis=0),
    lambda t: t * tf.reduce_mean(t, axis=-1, keepdims=True),
]


def _random_program(rng):
    """A function of two (3, 3) tensors mixing elementwise, broadcasting and shape ops,
    returning its value and first and second derivatives (nested tapes inside)."""
    plan = []
    for _ in range(int(rng.integers(3, 9))):
        kind = rng.choice(["unary", "binary", "shape"])
        table = {"unary": _UNARY, "binary": _BINARY, "shape": _SHAPE}[kind]
        plan.append((kind, int(rng.integers(len(table))), int(rng.integers(2))))

    def body(x, y):
        with tf.GradientTape(persistent=True) as outer:
            outer.watch([x, y])
            with tf.GradientTape() as inner:
                inner.watch([x, y])
                values = [x, y]
                for kind, index, pick in plan:
                    a = values[-1 - pick] if pick < len(values) else values[-1]
                    if kind == "unary":
                        out = _UNARY[index](a)
                    elif kind == "binary":
                        b = values[-2] if len(values) > 1 else values[-1]
                        out = _BINARY[index](a, b)
                    else:
                        out = _SHAPE[index](a)
                    values.append(out)
                total = tf.add_n([tf.reduce_sum(v) for v in values[2:]] + [tf.reduce_sum(x * y)])
            gx, gy = inner.gradient(total, [x, y])
            second = tf.reduce_sum(gx * gx) + tf.reduce_sum(gy)
        return total, gx, gy, outer.gradient(second, [x, y])

    return body


@pytest.mark.parametrize("seed", range(40))
def test_random_programs_replay_like_eager(seed):
    rng = np.random.default_rng(100 + seed)
    body = _random_program(rng)
    compiled = tf.function(body, jit_compile=True)
    for _ in range(3):
        x, y = (tf.constant(rng.standard_normal((3, 3))) for _ in range(2))
        _assert_same(compiled(x, y), body(x, y))
    assert _replayed(compiled)


def test_frequent_retracing_is_reported(caplog):
    @tf.function(jit_compile=True)
    def scale(x, factor):
        return x * factor

    with caplog.at_level(logging.WARNING):
        for factor in range(1, 8):  # a new Python value each call: a new trace each time
            assert scale(tf.constant(2.0), float(factor)).numpy() == 2.0 * factor
    assert scale.experimental_get_tracing_count() == 7
    # observed on TF 2.21: warnings after the 5th and 6th of 7 tracing calls, none after
    assert caplog.text.count("triggered tf.function retracing") == 2
    assert re.search(
        r"5 out of the last 5 calls to <function test_frequent_retracing_is_reported\.<locals>"
        r"\.scale at 0x[0-9a-f]+> triggered tf\.function retracing\. Tracing is expensive",
        caplog.text,
    )
    assert "6 out of the last 6 calls to" in caplog.text
    assert "for  more details." in caplog.text  # TF's doubled space


def test_retracing_warning_counts_replayed_calls_as_tf_does(caplog):
    @tf.function(jit_compile=True)
    def scale(x, factor):
        return x * factor

    with caplog.at_level(logging.WARNING):
        for factor in range(1, 6):
            scale(tf.constant(2.0), float(factor))
            scale(tf.constant(3.0), float(factor))  # replays
    # observed on TF 2.21: one warning, "5 out of the last 9 calls to <function ...>"
    assert caplog.text.count("triggered tf.function retracing") == 1
    assert "5 out of the last 9 calls to" in caplog.text


def test_custom_gradients_and_recompute_grad_replay():
    @tf.custom_gradient
    def clipped_square(x):
        def grad(upstream):
            return tf.clip_by_value(upstream * 2.0 * x, -1.0, 1.0)

        return x * x, grad

    @tf.recompute_grad
    def block(x):
        return tf.tanh(x) * x

    def body(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.reduce_sum(clipped_square(x) + block(x))
            g = inner.gradient(y, x)
            s = tf.reduce_sum(g * g)
        return y, g, outer.gradient(s, x)

    compiled = tf.function(body, jit_compile=True)
    rng = np.random.default_rng(6)
    for _ in range(3):
        x = tf.constant(rng.standard_normal(5))
        _assert_same(compiled(x), body(x))
    assert _replayed(compiled)


def test_the_cache_does_not_keep_objects_alive():
    import gc
    import weakref

    class Scale(tf.Module):
        def __init__(self, factor):
            self.factor = tf.Variable(factor)

        @tf.function(jit_compile=True)
        def __call__(self, x):
            return self.factor * x

    function = Scale.__dict__["__call__"]
    refs = []
    for factor in (2.0, 3.0, 4.0):
        model = Scale(factor)
        assert model(tf.constant(1.0)).numpy() == factor
        assert model(tf.constant(2.0)).numpy() == 2 * factor  # replayed
        refs.append(weakref.ref(model))
        del model
    gc.collect()
    assert all(r() is None for r in refs)  # the traces held no model
    assert not function._compiled.traces and not function._compiled.owners


def test_variables_made_on_the_first_call_only_are_created_once_then_replayed():
    # As TF: a tf.function may create variables on its first call (Keras optimizers build
    # their slots so); the next call traces again and later calls replay.
    state = {"python_runs": 0}

    @tf.function(jit_compile=True)
    def step(x):
        state["python_runs"] += 1
        if "v" not in state:
            state["v"] = tf.Variable(tf.zeros_like(x))
        state["v"].assign_add(x)
        return state["v"] * 2.0

    for i in range(4):
        out = step(tf.constant([1.0, 2.0]))
        assert out.numpy().tolist() == [2.0 * (i + 1), 4.0 * (i + 1)]
    # Python ran for the creating call and the tracing call; calls 3 and 4 replayed.
    assert state["python_runs"] == 2


# -- what a trace keeps while it is checked (issue 13 item 5) -----------------------------------


def test_a_traced_call_holds_no_more_memory_than_the_eager_call():
    # A trace kept every op output until its check replay: a 1,000-op chain on 100k floats
    # held 5.5x the eager tape's memory during the first (tracing) call. Large outputs are
    # kept as fingerprints now, so the tracing call peaks where the eager call does.
    import tracemalloc

    x0 = tf.constant(np.linspace(-1.0, 1.0, 50_000, dtype=np.float32))

    def step(x):
        with tf.GradientTape(persistent=True) as t:
            t.watch(x)
            y = x
            for _ in range(40):
                y = tf.tanh(tf.sin(y * 0.9) + x)
            s = tf.reduce_sum(y)
        return t.gradient(s, x)

    def peak(fn):
        tracemalloc.start()
        tracemalloc.reset_peak()
        out = fn(x0)
        result = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return out, result

    eager, eager_peak = peak(step)
    f = tf.function(step, jit_compile=True)
    traced, trace_peak = peak(f)
    replayed, replay_peak = peak(f)
    assert f.experimental_get_tracing_count() == 1
    np.testing.assert_array_equal(traced.numpy(), eager.numpy())
    np.testing.assert_array_equal(replayed.numpy(), eager.numpy())
    assert trace_peak < 1.25 * eager_peak, (trace_peak, eager_peak)
    assert replay_peak < 1.25 * eager_peak, (replay_peak, eager_peak)


def test_the_check_replay_still_catches_a_step_that_does_not_repeat_on_a_large_value():
    from tapeflow._compile import trace as trace_mod

    x = tf.constant(np.ones(100_000, np.float32))

    def body(x):
        return tf.sin(x) * 2.0

    recorded = trace_mod.trace(body, (x,), {}, [x])[1]
    assert isinstance(recorded, trace_mod.Trace)
    k = next(i for i, st in enumerate(recorded.steps) if st[4] == "Sin")
    fn, ins, attrs, out, op_type = recorded.steps[k]
    assert type(recorded.values[out]) is trace_mod._Fingerprint  # 400 KB: not kept
    recorded.steps[k] = (lambda v: np.sin(v) + np.float32(1e-3), ins, attrs, out, op_type)
    with pytest.raises(trace_mod.UntraceableError, match="a replay of its Sin op differs"):
        recorded.check()
