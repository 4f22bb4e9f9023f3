"""Plain `tf.function` traces once per signature and replays, with TF's retracing rules.

The golden cases (tools/tf_goldens/make_function_retracing_goldens.py, recorded on TF 2.21)
pin printed output at trace time, tracing counts per rule, input_signature,
reduce_retracing, get_concrete_function, tf.print replayed, Python control flow on tensors,
the retracing warning and bad input_signature arguments. The tests below pin what no golden
can: that the body really is replayed, the silent fallback, and replayed values bit for bit.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest
from family_goldens import assert_goldens_current, check_case, load_goldens

import tapeflow
import tapeflow as tf
from tapeflow._compile.function import _Program

GOLDENS = load_goldens("function_retracing")


@pytest.mark.parametrize("name", sorted(GOLDENS["cases"]))
def test_function_retracing_golden(name: str) -> None:
    check_case(GOLDENS, name, tapeflow)


def test_goldens_are_current() -> None:
    """The golden file holds exactly the generator's cases (regenerate it if not)."""
    assert_goldens_current(GOLDENS, "make_function_retracing_goldens", "code")


def _programs(f) -> list:
    return [p for p in f._compiled.traces.values() if type(p) is _Program]


def test_python_if_on_a_tensor_falls_back_silently(caplog):
    calls = []

    @tf.function
    def g(x):
        calls.append(1)
        if x > 0:
            return x * 2
        return -x

    with caplog.at_level(logging.WARNING):
        assert float(g(tf.constant(1.5))) == 3.0
        assert float(g(tf.constant(-2.0))) == 2.0
    assert not caplog.records and not _programs(g)
    assert len(calls) == 2 and g.experimental_get_tracing_count() == 1


def test_jit_compile_still_warns_for_the_same_body(caplog):
    @tf.function(jit_compile=True)
    def g(x):
        if x > 0:
            return x * 2
        return -x

    with caplog.at_level(logging.WARNING):
        assert float(g(tf.constant(1.5))) == 3.0
    assert any("jit_compile=True) runs" in r.getMessage() for r in caplog.records)


def test_the_fallback_is_logged_at_debug_level(caplog):
    @tf.function
    def g(x):
        return x.numpy() + 1

    with caplog.at_level(logging.DEBUG, logger="tapeflow"):
        g(tf.constant(1.0))
    assert any("eagerly for this input signature" in r.getMessage() for r in caplog.records)


def _mlp_grad(x, w):
    with tf.GradientTape() as tape:
        tape.watch(w)
        y = tf.reduce_sum(tf.tanh(tf.matmul(x, w)) ** 2)
    return y, tape.gradient(y, w)


def _hvp(x, w):
    with tf.GradientTape() as outer:
        outer.watch(w)
        with tf.GradientTape() as inner:
            inner.watch(w)
            y = tf.reduce_sum(tf.sin(tf.matmul(x, w)) * w[0])
        g = inner.gradient(y, w)
    return outer.gradient(tf.reduce_sum(g * w), w)


def _mixed(x, w):
    z = tf.concat([x, x * 2.0], axis=1)
    s = tf.nn.softmax(z, axis=-1)
    return {"s": s, "m": tf.reduce_max(s, axis=0), "i": tf.argmax(z, axis=1)}


@pytest.mark.parametrize("body", [_mlp_grad, _hvp, _mixed], ids=lambda f: f.__name__)
def test_replays_equal_eager_bit_for_bit(body):
    f = tf.function(body)
    rng = np.random.default_rng(0)
    for _ in range(4):
        x = tf.constant(rng.standard_normal((3, 2)), tf.float32)
        w = tf.constant(rng.standard_normal((2, 2)), tf.float32)
        got, want = f(x, w), body(x, w)
        for a, b in zip(tf.nest.flatten(got), tf.nest.flatten(want)):
            if a is None or b is None:
                assert a is b
                continue
            assert a.dtype == b.dtype and a.shape == b.shape
            assert np.array_equal(a.numpy(), b.numpy())
    assert len(_programs(f)) == 1 and f.experimental_get_tracing_count() == 1


def test_input_signature_replays_new_sizes_once_two_traces_agree():
    traced = []

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def f(x):
        traced.append(x.shape[0])
        return tf.reduce_sum(x * x, axis=1) + 1.0

    for n in (2, 5, 7, 1, 9):
        x = tf.reshape(tf.range(float(n * 3)), (n, 3))
        want = tf.reduce_sum(x * x, axis=1) + 1.0
        assert np.array_equal(f(x).numpy(), want.numpy())
    # Sizes 2 and 5 traced (one trace to TF); 7, 1 and 9 replay the size-independent program.
    assert traced == [2, 5] and f.experimental_get_tracing_count() == 1


def test_a_size_dependent_program_is_traced_per_size():
    @tf.function(reduce_retracing=True)
    def f(x):
        return tf.reshape(x, [x.shape[0] // 2, 2])  # the new shape is taken from the trace

    for n in (2, 4, 6, 8):
        assert f(tf.range(float(n))).shape == (n // 2, 2)
    assert f.experimental_get_tracing_count() == 2  # TF's count: (2,), then (None,)


def test_tf_print_is_replayed_not_a_fallback(capsys):
    import sys

    @tf.function
    def f(x):
        tf.print("x =", x, output_stream=sys.stdout)
        return x + 1

    for k in range(3):
        f(tf.constant(float(k)))
    assert len(_programs(f)) == 1
    assert capsys.readouterr().out == "x = 0\nx = 1\nx = 2\n"


def test_tf_print_inside_a_cond_branch_prints_only_when_taken(capsys):
    import sys

    def loud():
        tf.print("taken", output_stream=sys.stdout)
        return tf.constant(1.0)

    @tf.function
    def f(x):
        return tf.cond(x > 0, loud, lambda: tf.constant(-1.0))

    assert [float(f(tf.constant(v))) for v in (1.0, -1.0, 2.0)] == [1.0, -1.0, 1.0]
    assert capsys.readouterr().out == "taken\ntaken\n"


def test_concrete_function_counts_and_replays():
    traced = []

    @tf.function
    def h(x, k=2):
        traced.append(1)
        return x * k

    cf = h.get_concrete_function(tf.TensorSpec([2], tf.float32))
    assert h.experimental_get_tracing_count() == 1 and traced == [1]
    assert cf.structured_outputs == tf.TensorSpec([2], tf.float32)
    assert cf(tf.constant([1.0, 2.0])).numpy().tolist() == [2.0, 4.0]
    assert h(tf.constant([3.0, 4.0])).numpy().tolist() == [6.0, 8.0]
    assert h.experimental_get_tracing_count() == 1


def test_concrete_function_traces_without_side_effects():
    v = tf.Variable(1.0)

    @tf.function
    def step(x):
        v.assign_add(x)
        return v + tf.random.uniform([])

    tf.random.set_seed(1)
    first = tf.random.uniform([]).numpy()
    tf.random.set_seed(1)
    step.get_concrete_function(tf.TensorSpec([], tf.float32))
    assert float(v) == 1.0
    assert tf.random.uniform([]).numpy() == first


def test_another_variable_traces_again_uncounted_and_stays_apart_from_captures():
    traced = []
    w = tf.Variable(3.0)

    @tf.function
    def f(v, x):
        traced.append(1)
        v.assign_add(x)
        return v * w  # `w` captured; also passed as `v` below

    other = tf.Variable(2.0)
    assert float(f(w, tf.constant(1.0))) == 16.0  # w = 4: v and w are one variable here
    assert float(f(other, tf.constant(1.0))) == 12.0  # other = 3, times w = 4
    assert (float(w), float(other)) == (4.0, 3.0)
    # TF traces once for both calls (variables by shape and dtype); the body runs twice here.
    assert len(traced) == 2 and f.experimental_get_tracing_count() == 1


def test_a_concrete_function_checks_dtypes_as_its_graph_does():
    @tf.function
    def h(x):
        return x + 1

    cf = h.get_concrete_function(tf.TensorSpec([2], tf.float32))
    message = (
        r"cannot compute __inference_h_\d+ as input #0\(zero-based\) was expected to be a "
        r"float tensor but is a int32 tensor \[Op:__inference_h_\d+\]"
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        cf(tf.ones([2], tf.int32))


def test_an_instances_traces_go_with_it():
    import gc

    class M:
        @tf.function
        def f(self, x):
            return x * 2

    m = M()
    m.f(tf.constant(1.0))
    assert m.f.experimental_get_tracing_count() == 1 and len(M.f._per_instance) == 1
    del m
    gc.collect()
    assert not M.f._per_instance and M.f.experimental_get_tracing_count() == 0


def test_experimental_relax_shapes_is_reduce_retracings_old_name(caplog, monkeypatch):
    from tapeflow._compile import function as function_module

    monkeypatch.setattr(function_module, "_deprecations_warned", set())
    with caplog.at_level(logging.WARNING):
        f = tf.function(lambda x: x * 2, experimental_relax_shapes=True)
        tf.function(lambda x: x, experimental_relax_shapes=True)  # warned once per process
    for n in (2, 3, 4, 5):
        f(tf.zeros(n))
    assert f.experimental_get_tracing_count() == 2  # TF 2.21: as reduce_retracing=True
    texts = [r.getMessage() for r in caplog.records]
    assert len(texts) == 1 and texts[0].endswith(
        "with experimental_relax_shapes is deprecated and will be removed in a future "
        "version.\nInstructions for updating:\nexperimental_relax_shapes is deprecated, use "
        "reduce_retracing instead"
    )


def test_experimental_compile_is_jit_compiles_old_name():
    f = tf.function(lambda x: x * 2, experimental_compile=True)
    assert f._jit_compile is True and float(f(tf.constant(1.0))) == 2.0
    with pytest.raises(ValueError, match="Cannot specify both 'experimental_compile' and"):
        tf.function(lambda x: x, jit_compile=True, experimental_compile=True)


def test_a_failing_replay_prints_nothing_of_its_own(capsys):
    import sys

    @tf.function
    def pick(x, i):
        tf.print("picking", i, output_stream=sys.stdout)
        return tf.gather(x, i)

    x = tf.constant([1.0, 2.0, 3.0])
    pick(x, tf.constant([0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="indices"):
        pick(x, tf.constant([7]))  # the replay fails; the eager rerun prints, then raises
    assert capsys.readouterr().out == "picking [0]\npicking [7]\n"


def test_get_concrete_function_records_nothing_on_an_outer_tape():
    w = tf.Variable(2.0)

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            y = x * w
        return tape.gradient(y, w)

    with tf.GradientTape() as outer:
        cf = step.get_concrete_function(tf.TensorSpec([], tf.float32))
    assert outer._tape.entries == [] and outer.watched_variables() == ()
    assert float(cf(tf.constant(3.0))) == 3.0  # the trace on zeros kept its gradient ops
    assert len(_programs(step)) == 1
