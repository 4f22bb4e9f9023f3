"""The runtime's contracts between layers: one op-call epilogue and error translation,
one rule convention checked by the walk, one recorder protocol, and tf.function calls
that either finish or change nothing."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from tapeflow._core import registry, tape
from tapeflow._core.registry import REGISTRY, Op, load_all, op
from tapeflow.errors import InternalError, InvalidArgumentError

load_all()  # every op family: this module goes through the whole registry


@pytest.fixture
def scratch_ops():
    """Registers ops for one test and removes them afterwards (the registry is global)."""
    before = set(load_all())  # no family loading during the test is taken for its ops
    yield
    for name in set(REGISTRY) - before:
        del REGISTRY[name]


# -- one epilogue, one error translation ------------------------------------------------------


def _error(call):
    with pytest.raises(Exception) as info:
        call()
    return type(info.value), str(info.value)


def test_a_broadcasting_failure_is_the_same_error_on_every_call_path():
    x, y = tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0, 3.0])
    add = REGISTRY["AddV2"]
    paths = {
        "operator": lambda: x + y,
        "tf.add": lambda: tf.add(x, y),
        "python operand": lambda: x + [1.0, 2.0, 3.0],
        "Op.apply": lambda: add.apply((x, y), {}),
        "Op.run": lambda: add.run((x, y), {}),
    }
    errors = {name: _error(call) for name, call in paths.items()}
    expected = (InvalidArgumentError, "Incompatible shapes: [2] vs. [3] [Op:AddV2]")
    assert errors == {name: expected for name in paths}


def test_errors_raised_in_any_forward_are_translated_once(scratch_ops):
    @op("ScratchUnaryValueError")
    def unary(x):
        raise ValueError("NumPy said no")

    @op("ScratchTaggedLater", sample=None)
    def tagged(x, *, k=1):
        raise InvalidArgumentError(None, None, "bad k")

    @op("ScratchBinaryIndexError", broadcasting=True)
    def binary(x, y):
        raise IndexError("index 5 is out of bounds")

    x = tf.constant([1.0, 2.0])
    assert isinstance(unary, registry.UnaryOp) and isinstance(binary, registry.BinaryOp)
    for call in (lambda: unary(x), lambda: unary([1.0, 2.0]), lambda: unary.run((x,), {})):
        assert _error(call) == (
            InvalidArgumentError,
            "NumPy said no [Op:ScratchUnaryValueError]",
        )
    # A TF error raised inside a forward gets the op's tag from the registry.
    assert _error(lambda: tagged(x, k=2)) == (InvalidArgumentError, "bad k [Op:ScratchTaggedLater]")
    for call in (lambda: binary(x, x), lambda: binary(x, 1.0), lambda: binary([1.0, 2.0], x)):
        assert _error(call) == (
            InvalidArgumentError,
            "index 5 is out of bounds [Op:ScratchBinaryIndexError]",
        )


# -- the rule convention ----------------------------------------------------------------------


def test_every_vjp_rule_takes_needs(scratch_ops):
    @op("ScratchNoNeeds")
    def f(x):
        return x

    with pytest.raises(TypeError, match="takes a `needs` keyword"):

        @f.vjp
        def _f_vjp(g, out, x):
            return g


def test_the_walk_passes_needs_and_refuses_a_wrong_gradient_count(scratch_ops):
    seen = []

    @op("ScratchPair", broadcasting=True)
    def pair(x, y):
        return x * y

    @pair.vjp
    def _pair_vjp(g, out, x, y, *, needs):
        seen.append(needs)
        return (g * y,)  # one gradient for two inputs: a bug the walk must name

    x, c = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = pair(x, c)
    with pytest.raises(InternalError, match="Num gradients 1 generated for op ScratchPair"):
        t.gradient(y, x)
    assert seen == [(True, False)]  # the constant needs no gradient


def test_the_walk_names_a_rule_that_returns_no_tensor(scratch_ops):
    @op("ScratchBadType")
    def bad(x):
        return x * 2

    @bad.vjp
    def _bad_vjp(g, out, x, *, needs):
        return np.ones(3)  # an ndarray, not a tensor

    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = bad(x)
    with pytest.raises(InternalError, match="ScratchBadType returned ndarray"):
        t.gradient(y, x)


# Arrays of 100,000 elements: above walk.OWN_MIN_SIZE, so the walk's ownership tests run.


def test_in_place_sums_never_write_into_a_seed_or_a_rule_result():
    # Many uses of one large tensor: the walk sums their cotangents, in place once it owns
    # the sum. The user's output_gradients and the identity rule's g must stay as they were.
    x = tf.constant(np.ones(100_000))
    seed = tf.constant(np.full(100_000, 2.0))
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.identity(x)
        z = y + y + y + y
    g = t.gradient(z, x, output_gradients=seed)
    np.testing.assert_array_equal(g.numpy(), np.full(100_000, 8.0))
    np.testing.assert_array_equal(seed.numpy(), np.full(100_000, 2.0))


def test_the_rule_running_is_in_thread_state_only_while_it_runs():
    tf.debugging.enable_check_numerics()
    try:
        x = tf.constant(0.0)
        with tf.GradientTape() as t:
            t.watch(x)
            y = tf.sqrt(x)  # finite forward, infinite derivative at 0
        with pytest.raises(InvalidArgumentError, match='gradient rule of op "Sqrt"'):
            t.gradient(y, x)
        assert tape.state.rule is None
    finally:
        tf.debugging.disable_check_numerics()


# -- one recorder protocol --------------------------------------------------------------------


class _Listener(tape.Recorder):
    kind = "watchers"

    def __init__(self):
        self.heard = []

    def read_variable(self, variable):
        self.heard.append(("read", variable.name))


def test_a_recorder_hears_what_its_kind_hears_until_popped():
    v = tf.Variable(1.0, name="heard")
    listener = _Listener()
    tape.push(listener)
    try:
        assert tape.active and tape.recording_here()
        v + 1.0
    finally:
        assert tape.pop(listener)
    v + 1.0
    assert listener.heard == [("read", "heard:0")]
    assert not tape.pop(listener)  # popping twice is a no-op
    assert not tape.recording_here()


def test_entries_are_laid_out_as_entry_records():
    x = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
    (raw,) = t._tape.entries
    entry = tape.Entry(*raw)  # plain tuples on the tape (see Entry), named by its fields
    assert entry.op is REGISTRY["Mul"] and entry.inputs == (x, x) and entry.outputs is y
    assert type(raw) is tuple and tape.Entry._fields == ("op", "inputs", "outputs", "attrs")


def test_stateful_ops_are_marked_on_the_op():
    stateful = sorted(name for name, o in REGISTRY.items() if o.stateful)
    assert stateful == [
        "Multinomial",
        "RandomShuffle",
        "RandomStandardNormal",
        "RandomUniform",
        "RandomUniformInt",
        "TruncatedNormal",
    ]
    assert all(isinstance(o, Op) for o in REGISTRY.values())


def test_one_spelling_of_differentiable():
    assert [d.name for d in tf.dtypes.__dict__.values() if isinstance(d, tf.DType)] != []
    from tapeflow._core import dtypes

    assert {d for d in dtypes.ALL if dtypes.is_differentiable(d)} == dtypes.TRAINABLE


# -- tf.function: a call finishes or changes nothing ------------------------------------------


@pytest.mark.parametrize("jit_compile", [None, True])
def test_a_failing_call_leaves_variables_as_they_were(jit_compile):
    v = tf.Variable(1.0)
    w = tf.Variable([1.0, 2.0])

    @tf.function(jit_compile=jit_compile)
    def f(x):
        v.assign_add(1.0)
        w.assign(w * 2.0)
        return x + tf.ones([3])  # a shape error after the assignments

    with pytest.raises(InvalidArgumentError):
        f(tf.ones([2]))
    assert v.numpy() == 1.0
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])
    # And a call that works still assigns.
    f(tf.ones([3]))
    assert v.numpy() == 2.0


def test_a_replay_that_fails_undoes_its_assignments_and_draws():
    v = tf.Variable(0.0)

    @tf.function(jit_compile=True)
    def f(i):
        v.assign_add(1.0)
        noise = tf.random.uniform([2])
        return tf.gather(noise, i)

    good = tf.constant(1)
    bad = tf.constant(5)  # out of range: the recorded GatherV2 forward rejects it
    f(good)  # traces
    f(good)  # replays
    tf.random.set_seed(7)
    tf.random.uniform([2])  # what one run of the body draws
    expected_next = tf.random.uniform([2]).numpy()
    tf.random.set_seed(7)
    before = v.numpy()
    with pytest.raises(InvalidArgumentError):
        f(bad)  # the replay fails at GatherV2; the eager rerun raises TF's error
    assert v.numpy() == before
    # The failed replay's draw was undone: only the eager rerun's counts.
    np.testing.assert_array_equal(tf.random.uniform([2]).numpy(), expected_next)


def test_a_replay_bug_is_not_swallowed(monkeypatch):
    @tf.function(jit_compile=True)
    def f(x):
        return x * 2.0

    x = tf.constant(1.0)
    f(x)
    program = next(iter(f._compiled.traces.values()))

    def broken(*values):
        raise KeyError("a bug in the replay")

    monkeypatch.setattr(program, "replay", broken)
    with pytest.raises(KeyError, match="a bug in the replay"):
        f(x)


def test_public_functions_keep_their_own_names():
    # tf.reduce_sum.__name__ is "reduce_sum" in TF; a factory's local name must not show.
    import types

    namespaces = [tf, tf.math, tf.linalg, tf.nn, tf.random, tf.bitwise, tf.debugging, tf.dtypes]
    wrong = [
        (ns.__name__, name, fn.__qualname__)
        for ns in namespaces
        for name, fn in vars(ns).items()
        if isinstance(fn, types.FunctionType)
        and fn.__module__.startswith("tapeflow")
        and "<locals>" in fn.__qualname__
    ]
    assert wrong == []
    assert [f.__name__ for f in (tf.reduce_sum, tf.reduce_any, tf.math.cumsum, tf.argmax)] == [
        "reduce_sum",
        "reduce_any",
        "cumsum",
        "argmax",
    ]


def test_in_place_sums_never_write_into_a_users_custom_gradient():
    # The walk may sum into a large gradient a registry rule just made; a custom gradient may
    # return a tensor the user keeps (here an identity of a captured constant's array).
    kept = tf.constant(np.full(100_000, 3.0))

    @tf.custom_gradient
    def f(x):
        return x * 1.0, lambda up: tf.identity(kept)

    x = tf.constant(np.ones(100_000))
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * 2.0 + x + f(x)  # the walk meets f's gradient first: the sum's first term
    g = t.gradient(y, x)
    np.testing.assert_array_equal(g.numpy(), np.full(100_000, 6.0))
    np.testing.assert_array_equal(kept.numpy(), np.full(100_000, 3.0))


def test_a_fresh_gradient_returned_for_two_inputs_is_summed_into_neither(scratch_ops):
    @op("ScratchShared", broadcasting=True)
    def shared(x, y):
        return x + y

    @shared.vjp
    def _shared_vjp(g, out, x, y, *, needs):
        h = g * 2.0  # one new array, returned for both inputs
        return h, h

    a, b = tf.constant(np.ones(100_000)), tf.constant(np.ones(100_000))
    with tf.GradientTape() as t:
        t.watch([a, b])
        z = a * 5.0 + b * 7.0 + shared(a, b)  # the walk meets shared's gradients first
    ga, gb = t.gradient(z, [a, b])
    np.testing.assert_array_equal(ga.numpy(), np.full(100_000, 7.0))
    np.testing.assert_array_equal(gb.numpy(), np.full(100_000, 9.0))


def test_large_fresh_gradients_are_summed_in_place(monkeypatch):
    # W4's pattern: x feeds four products, so its cotangent is summed three times; only the
    # first sum may allocate when the rules' results are the walk's own.
    from tapeflow.autodiff import walk

    calls = []
    real_add = walk.add
    monkeypatch.setattr(walk, "add", lambda a, b: calls.append(1) or real_add(a, b))
    x = tf.constant(np.linspace(-1.0, 1.0, 100_000))
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.reduce_sum(tf.sin(x) * x + tf.exp(-x * x))
    g = t.gradient(y, x)
    expected = np.cos(x.numpy()) * x.numpy() + np.sin(x.numpy())
    expected -= 2 * x.numpy() * np.exp(-(x.numpy() ** 2))
    np.testing.assert_allclose(g.numpy(), expected, rtol=1e-12, atol=1e-15)
    assert calls == []  # every contribution after the first went in place


def test_a_rule_that_returns_its_cotangents_array_is_never_summed_into(scratch_ops):
    @op("ScratchPass")
    def passthrough(x):
        return x * 1.0

    @passthrough.vjp
    def _passthrough_vjp(g, out, x, *, needs):
        return tf.identity(g)  # a new tensor over the cotangent's own array

    x = tf.constant(np.ones(100_000))
    seed = tf.constant(np.full(100_000, 2.0))
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * 3.0 + passthrough(x)  # the walk meets passthrough's gradient first
    g = t.gradient(y, x, output_gradients=seed)
    np.testing.assert_array_equal(g.numpy(), np.full(100_000, 8.0))
    np.testing.assert_array_equal(seed.numpy(), np.full(100_000, 2.0))
