"""tapeflow.experimental.explain: why a gradient is None, naming the reason and the line.

Each program below gets a None gradient on TensorFlow too (the result is TF's; checked
with TF 2.21 when these were written, and pinned for tapeflow by the tape tests). A line
the explanation must name ends with a `# <name>` marker, found by `line_of`.
"""

import gc
import os
import pathlib
import subprocess
import sys
import threading
import warnings
import weakref

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import experimental as ex
from tapeflow._core import registry
from tapeflow._core import tape as core_tape
from tapeflow._diagnostics import explain as explain_module

_LINES = pathlib.Path(__file__).read_text().splitlines()


def line_of(marker: str) -> int:
    hits = [i + 1 for i, text in enumerate(_LINES) if text.rstrip().endswith(f"# {marker}")]
    assert len(hits) == 1, marker
    return hits[0]


@pytest.fixture
def on():
    """Explanations on for the test, their warnings silenced (tested on their own)."""
    with ex.enable_gradient_explanations(), warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.GradientExplanationWarning)
        yield


def only(tape):
    (e,) = ex.explain(tape)
    return e


def assert_at(e, marker: str, reason: str) -> None:
    assert e.reason == reason, str(e)
    assert e.where is not None, str(e)
    assert e.where.filename == __file__
    assert e.where.lineno == line_of(marker)
    assert e.where.code == _LINES[line_of(marker) - 1].strip()
    assert f"{os.path.relpath(__file__)}:{line_of(marker)} (`" in str(e)


# -- never watched ---------------------------------------------------------------------


def test_constant_not_watched(on):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None
    e = only(tape)
    assert e.reason == ex.NOT_WATCHED and e.where is None
    assert e.source == ("sources", "x")
    assert str(e) == (
        "sources (x) is a tf.Tensor the tape never watched: tapes watch trainable variables "
        "automatically, tensors only through tape.watch(). Call tape.watch() on it inside "
        "the tape's context, or make it a tf.Variable."
    )


def test_non_trainable_variable(on):
    v = tf.Variable(1.0, trainable=False, name="frozen")
    with tf.GradientTape() as tape:
        y = v * 2.0
    assert tape.gradient(y, v) is None
    e = only(tape)
    assert e.reason == ex.NOT_WATCHED and "non-trainable" in str(e)
    assert e.source == ("sources", "v")


def test_watch_accessed_variables_false(on):
    v = tf.Variable(1.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        y = v * 2.0
    assert tape.gradient(y, v) is None
    e = only(tape)
    assert e.reason == ex.NOT_WATCHED and "watch_accessed_variables=False" in str(e)


def test_watch_outside_the_tape_does_nothing(on):
    x = tf.constant(3.0)
    tape = tf.GradientTape()
    tape.watch(x)  # watch-outside
    with tape:
        y = x * x
    assert tape.gradient(y, x) is None
    assert_at(only(tape), "watch-outside", ex.NOT_WATCHED)


# -- watched, but not connected ----------------------------------------------------------


def test_watched_but_unused(on):
    x, z = tf.constant(1.0), tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([x, z])
        y = x * 3.0
    grads = tape.gradient(y, [x, z])
    assert grads[1] is None
    e = only(tape)
    assert e.reason == ex.NOT_CONNECTED and e.where is None
    assert e.source == ("sources[1]", "z")
    assert "UnconnectedGradients.ZERO" in str(e)


def test_trainable_variable_never_read(on):
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = a * 2.0
    assert tape.gradient(y, [a, b])[1] is None
    e = only(tape)
    assert e.reason == ex.NOT_CONNECTED and "never saw read" in str(e)


# -- left through NumPy ------------------------------------------------------------------


def test_numpy_method(on):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        h = x * 2.0
        y = tf.constant(h.numpy() ** 2)  # numpy-method
    assert tape.gradient(y, x) is None
    e = only(tape)
    assert_at(e, "numpy-method", ex.LEFT_THROUGH_NUMPY)
    assert ".numpy()" in str(e)


def test_np_asarray(on):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.constant(np.asarray(x * x)))  # np-asarray
    assert tape.gradient(y, x) is None
    assert_at(only(tape), "np-asarray", ex.LEFT_THROUGH_NUMPY)


def test_python_float(on):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.constant(float(x * x)) * 2.0  # python-float
    assert tape.gradient(y, x) is None
    e = only(tape)
    assert_at(e, "python-float", ex.LEFT_THROUGH_NUMPY)
    assert "Python float" in str(e)


def test_numpy_function_on_a_tensor(on):
    x = tf.constant([0.5, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        h = x * 2.0
        s = np.sin(h)  # numpy-function
        y = tf.reduce_sum(s)
    assert tape.gradient(y, x) is None
    assert_at(only(tape), "numpy-function", ex.LEFT_THROUGH_NUMPY)


# -- integer and bool dtypes -------------------------------------------------------------


def test_cast_to_int_cuts(on):
    x = tf.constant(3.7)
    with tf.GradientTape() as tape:
        tape.watch(x)
        k = tf.cast(x, tf.int32)  # cast-int
        y = tf.cast(k, tf.float32) * 2.0
    assert tape.gradient(y, x) is None
    e = only(tape)
    assert_at(e, "cast-int", ex.INTEGER_DTYPE)
    assert e.op == "Cast" and "int32" in str(e)


def test_integer_source():
    x = tf.constant(3)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cast(x, tf.float32) * 2.0
    assert tape.gradient(y, x) is None
    # non-persistent, explanations off: the array-free copy kept at the None result
    (e,) = ex.explain(tape)
    assert e.reason == ex.INTEGER_DTYPE and e.where is None and "int32" in str(e)


def test_integer_source_explained(on):
    x = tf.constant(3)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cast(x, tf.float32) * 2.0
    assert tape.gradient(y, x) is None
    e = only(tape)
    assert e.reason == ex.INTEGER_DTYPE and "int32" in str(e) and e.where is None


# -- non-differentiable ops --------------------------------------------------------------


@pytest.mark.parametrize(
    "name, op_type",
    [("round", "Round"), ("argmax", "ArgMax"), ("stop", "StopGradient"), ("less", "Less")],
)
def test_non_differentiable_op(on, name, op_type):
    x = tf.constant([0.4, 2.6])
    with tf.GradientTape() as tape:
        tape.watch(x)
        if name == "round":
            y = tf.reduce_sum(tf.round(x) * 2.0)  # round
        elif name == "argmax":
            y = tf.cast(tf.argmax(x), tf.float32) * 2.0  # argmax
        elif name == "stop":
            y = tf.reduce_sum(tf.stop_gradient(x) * 3.0)  # stop
        else:
            y = tf.reduce_sum(tf.cast(x < 1.0, tf.float32))  # less
    assert tape.gradient(y, x) is None
    e = only(tape)
    assert_at(e, name, ex.NON_DIFFERENTIABLE)
    assert e.op == op_type and op_type in str(e)


# -- computed where the tape does not record ---------------------------------------------


def test_stop_recording(on):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            y = x * 2.0  # stopped
    assert tape.gradient(y, x) is None
    e = only(tape)
    assert_at(e, "stopped", ex.STOPPED_RECORDING)
    assert "stop_recording()" in str(e)


def test_watch_under_stop_recording(on):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        with tape.stop_recording():
            tape.watch(x)  # watch-stopped
        y = x * x
    assert tape.gradient(y, x) is None
    assert_at(only(tape), "watch-stopped", ex.STOPPED_RECORDING)


def test_before_the_tape(on):
    x = tf.constant(3.0)
    y = x * 3.0  # before
    with tf.GradientTape() as tape:
        tape.watch(x)
    assert tape.gradient(y, x) is None
    assert_at(only(tape), "before", ex.BEFORE_TAPE)


def test_after_the_tape(on):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        h = x * 2.0
    y = h * 2.0  # after
    assert tape.gradient(y, x) is None
    assert_at(only(tape), "after", ex.AFTER_TAPE)


def test_another_thread(on):
    x = tf.constant(3.0)
    out = []

    def work():
        out.append(x * 2.0)  # in-thread

    with tf.GradientTape() as tape:
        tape.watch(x)
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    assert tape.gradient(out[0], x) is None
    assert_at(only(tape), "in-thread", ex.OTHER_THREAD)


# -- variables ---------------------------------------------------------------------------


def test_variable_rebound_to_a_tensor(on):
    w = tf.Variable(2.0, name="w")
    with tf.GradientTape() as tape:
        loss = w * w
    g = tape.gradient(loss, w)
    w = w - 0.1 * g  # rebound
    with tf.GradientTape() as tape:
        loss = w * w
    assert tape.gradient(loss, w) is None
    e = only(tape)
    assert_at(e, "rebound", ex.VARIABLE_REBOUND)
    assert "w:0" in str(e) and "assign_sub" in str(e)


@pytest.mark.parametrize("how", ["assign", "assign_add"])
def test_variable_assigned(on, how):
    x = tf.constant(3.0)
    v = tf.Variable(1.0, name="store")
    with tf.GradientTape() as tape:
        tape.watch(x)
        if how == "assign":
            v.assign(x * 2.0)  # assign
        else:
            v.assign_add(x * 2.0)  # assign_add
        y = v * 3.0
    grads = tape.gradient(y, [x, v])
    assert grads[0] is None and grads[1] is not None
    e = only(tape)
    assert_at(e, how, ex.VARIABLE_ASSIGNED)
    assert "store:0" in str(e)


def test_fresh_constant_target(on):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.constant(2.0) * 3.0  # fresh
    assert tape.gradient(y, x) is None
    assert_at(only(tape), "fresh", ex.FRESH_TARGET)


# -- structure, calls, bad use -----------------------------------------------------------


def test_structure_paths_and_names(on):
    x, z = tf.constant(1.0), tf.constant(2.0)
    w = tf.Variable(1.0, name="weights")
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * 2.0
    grads = tape.gradient(y, {"x": x, "z": [z, w]})
    assert grads["z"] == [None, None]
    explanations = ex.explain(tape)
    assert [e.source for e in explanations] == [
        ("sources['z'][0]", "z"),
        ("sources['z'][1]", "w"),
    ]
    assert str(explanations[0].source) == "sources['z'][0] (z)"
    assert [e.reason for e in explanations] == [ex.NOT_WATCHED, ex.NOT_CONNECTED]


def test_no_none_gives_an_empty_list_and_zero_is_not_none(on):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    assert ex.explain(tape) == []
    z = tf.constant(1.0)
    tape.gradient(y, [x, z], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert ex.explain(tape) == []
    tape.gradient(y, z)
    assert only(tape).reason == ex.NOT_WATCHED


def test_jacobian_and_batch_jacobian(on):
    x = tf.constant([[1.0, 2.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.round(x) * 2.0  # jacobian-round
    assert tape.jacobian(y, x) is None
    assert_at(only(tape), "jacobian-round", ex.NON_DIFFERENTIABLE)
    assert tape.batch_jacobian(y, x) is None
    assert_at(only(tape), "jacobian-round", ex.NON_DIFFERENTIABLE)


def test_persistent_tape_without_explanations():
    x, z = tf.constant(3.0), tf.constant(1.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        k = tf.cast(x, tf.int32)
        y = tf.cast(k, tf.float32) + x * 0.0
        u = tf.cast(k, tf.float32)
    assert tape.gradient(y, [x, z])[1] is None
    assert only(tape).reason == ex.NOT_WATCHED
    assert tape.gradient(u, x) is None
    e = only(tape)
    assert e.reason == ex.INTEGER_DTYPE and e.op == "Cast" and e.where is None
    assert tape.gradient(tf.constant(1.0) * 2.0, x) is None
    e = only(tape)
    assert e.reason == ex.FRESH_TARGET and "enable_gradient_explanations" in str(e)


def test_a_gradient_rule_returning_none():
    @tf.custom_gradient
    def f(a):
        return a * 2.0, lambda u: None

    x = tf.constant(1.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = f(x) * 3.0
    assert tape.gradient(y, x) is None
    e = only(tape)
    assert e.reason == ex.NON_DIFFERENTIABLE and e.where is None
    assert "CustomGradient:f" in str(e)


def test_a_tape_entered_before_explanations_were_on():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with ex.enable_gradient_explanations(), warnings.catch_warnings():
            warnings.simplefilter("error")
            y = tf.round(x)
            assert tape.gradient(y, x) is None  # no observer: no warning, no lines
    (e,) = ex.explain(tape)  # round is not recorded: the record alone cannot say more
    assert e.reason == ex.FRESH_TARGET and e.where is None and "round" in str(e)


def test_bad_use_is_a_clear_error():
    with pytest.raises(ValueError, match="has not computed a gradient yet"):
        ex.explain(tf.GradientTape())
    with pytest.raises(TypeError, match="expects a tf.GradientTape"):
        ex.explain(object())
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None
    (e,) = ex.explain(tape)  # released, explanations off: explained from the kept copy
    assert e.reason == ex.NOT_WATCHED and e.source.path == "sources"
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
        assert tape.gradient(y, x) is None
        tape.reset()
    with pytest.raises(ValueError, match="information was dropped"):
        ex.explain(tape)


# -- the warning mode --------------------------------------------------------------------


def test_warning_mode_names_the_gradient_call():
    x = tf.constant(3.0)
    with ex.enable_gradient_explanations():
        with tf.GradientTape() as tape:
            h = x * 2.0
        with pytest.warns(ex.GradientExplanationWarning) as caught:
            assert tape.gradient(h, x) is None  # warned-here
    (w,) = caught
    assert w.filename == __file__ and w.lineno == line_of("warned-here")
    assert str(w.message) == str(only(tape))


def test_off_by_default_and_context_manager_restores():
    assert not explain_module._enabled
    x = tf.constant(3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with tf.GradientTape(persistent=True) as tape:
            y = x * x
        assert tape.gradient(y, x) is None  # no warning while off
    ex.enable_gradient_explanations()
    try:
        assert explain_module._enabled
        with ex.disable_gradient_explanations():
            assert not explain_module._enabled
            with ex.enable_gradient_explanations():
                assert explain_module._enabled
            assert not explain_module._enabled
        assert explain_module._enabled
    finally:
        ex.disable_gradient_explanations()
    assert not explain_module._enabled
    assert tf.GradientTape.__dict__["_observer"] is None
    assert explain_module._check not in registry.OUTPUT_CHECKS
    assert not core_tape.assign_hooks


def test_gradients_unchanged_while_on(on):
    x = tf.constant([1.0, -2.0])
    v = tf.Variable([0.5, 0.25])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.sin(x) * v + tf.nn.relu(x))
    gx, gv = tape.gradient(y, [x, v])
    np.testing.assert_allclose(gx.numpy(), np.cos([1.0, -2.0]) * [0.5, 0.25] + [1.0, 0.0], 1e-6)
    np.testing.assert_allclose(gv.numpy(), np.sin([1.0, -2.0]), 1e-6)
    assert ex.explain(tape) == []


# -- reliability -------------------------------------------------------------------------


def test_explanations_keep_no_arrays_alive(on):
    x = tf.constant(np.ones((256, 256), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        big = x * 2.0
        y = tf.constant(np.sum(big.numpy()))
    alive = weakref.ref(big)
    assert tape.gradient(y, x) is None
    explanations = ex.explain(tape)
    del big, tape, y
    gc.collect()
    assert alive() is None
    assert explanations[0].reason == ex.LEFT_THROUGH_NUMPY  # still readable
    persistent = tf.GradientTape(persistent=True)
    with persistent:
        persistent.watch(x)
        big = x * 3.0
        y = tf.constant(0.0)
    alive = weakref.ref(big)
    assert persistent.gradient(y, x) is None
    explanations = ex.explain(persistent)
    del big, persistent, y
    gc.collect()
    assert alive() is None
    assert explanations[0].reason == ex.FRESH_TARGET
    assert not [r for r in explain_module._observers if r() is not None and r().record()]


def test_threads_explain_their_own_tapes(on):
    results = {}
    barrier = threading.Barrier(2)

    def numpy_case():
        x = tf.constant(3.0)
        with tf.GradientTape() as tape:
            tape.watch(x)
            barrier.wait()
            y = tf.constant(x.numpy() * 2.0)  # thread-numpy
            barrier.wait()
        results["numpy"] = (tape.gradient(y, x), only(tape))

    def round_case():
        x = tf.constant(3.0)
        with tf.GradientTape() as tape:
            tape.watch(x)
            barrier.wait()
            y = tf.round(x) * 2.0  # thread-round
            barrier.wait()
        results["round"] = (tape.gradient(y, x), only(tape))

    threads = [threading.Thread(target=f) for f in (numpy_case, round_case)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["numpy"][0] is None and results["round"][0] is None
    assert_at(results["numpy"][1], "thread-numpy", ex.LEFT_THROUGH_NUMPY)
    assert_at(results["round"][1], "thread-round", ex.NON_DIFFERENTIABLE)


def test_readme_example_prints_what_the_readme_shows(tmp_path):
    root = pathlib.Path(__file__).resolve().parent.parent
    section = (root / "README.md").read_text().split("## When a gradient is None\n")[1]
    section = section.split("\n## ")[0]
    code = section.split("```python\n")[1].split("```")[0]
    expected = section.split("```text\n")[1].split("```")[0]
    (tmp_path / "train.py").write_text(code)
    env = dict(os.environ, PYTHONPATH=str(root / "src"))
    run = subprocess.run(
        [sys.executable, "train.py"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == expected
    assert "GradientExplanationWarning" in run.stderr


def test_a_released_tape_keeps_no_arrays():
    # The copy a non-persistent tape keeps at a None result holds ids and dtypes only.
    import gc
    import weakref

    big = np.ones(1_000_000, np.float32)
    x = tf.constant(big)
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        product = x * v  # an intermediate the tape records: 4 MB
        y = tf.reduce_sum(tf.cast(product, tf.int32))
    ref = weakref.ref(product)
    del product
    grads = tape.gradient(y, [x, v])
    assert grads == [None, None]
    del y, grads
    gc.collect()
    assert ref() is None
    reasons = [e.reason for e in ex.explain(tape)]
    assert reasons == [ex.INTEGER_DTYPE, ex.INTEGER_DTYPE]
    assert all("int32" in str(e) for e in ex.explain(tape))


def test_a_released_tape_outside_target_is_not_called_fresh_constants():
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = v * 3.0
    z = y + 1.0  # after the block: not recorded
    assert tape.gradient(z, v) is None
    (e,) = ex.explain(tape)
    assert e.reason == ex.FRESH_TARGET
    assert str(e).startswith("The tape's record does not show the target computed from")
    assert "after its block ended" in str(e)
