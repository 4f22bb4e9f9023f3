"""GradientTape's contract, behaviour by behaviour (TensorFlow's semantics)."""

from __future__ import annotations

import logging
import threading

import numpy as np
import pytest

import tapeflow as tf


def test_gradient_of_watched_constant():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert tape.gradient(y, x).numpy() == 6.0


def test_unwatched_constant_gets_none():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None


def test_unconnected_zero_gives_zeros_of_source_shape_and_dtype():
    x = tf.constant([1.0, 2.0])
    z = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch([x, z])
        y = z * 2.0
    g = tape.gradient(y, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert g.shape == (2,) and g.dtype == tf.float32 and np.all(g.numpy() == 0)


def test_unconnected_gradients_accepts_the_enum_value_string():
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
    assert tape.gradient(tf.constant(2.0), x, unconnected_gradients="zero").numpy() == 0.0


def test_gradient_twice_on_nonpersistent_tape_raises():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape can only be used to"):
        tape.gradient(y, x)


def test_persistent_tape_answers_many_times_and_frees_on_del():
    import weakref

    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert tape.gradient(z, x).numpy() == 108.0
    assert tape.gradient(z, y).numpy() == 18.0
    assert tape.gradient(y, x).numpy() == 6.0
    ref = weakref.ref(tape._tape)
    del tape
    assert ref() is None


def test_gradient_with_respect_to_intermediate():
    x = tf.ones((2, 2))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x)
        z = tf.multiply(y, y)
    assert tape.gradient(z, y).numpy() == 8.0


def test_gradient_of_target_with_respect_to_itself_is_ones():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
    np.testing.assert_array_equal(tape.gradient(x, x).numpy(), [1.0, 1.0])


def test_unwatched_input_of_recorded_op_gets_none():
    # TF differentiates only tracked tensors, even if an untracked one fed a recorded op.
    x, w = tf.constant(2.0), tf.constant(5.0)
    with tf.GradientTape() as tape:
        tape.watch(w)
        y = x * w
    assert tape.gradient(y, x) is None
    with tf.GradientTape() as tape:
        tape.watch(w)
    assert tape.gradient(x, x).numpy() == 1.0  # a target is its own source


def test_nested_structures_of_sources_are_mirrored():
    a, b, c = tf.constant(1.0), tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch([a, b, c])
        y = a * b * c
    grads = tape.gradient(y, {"ab": (a, b), "c": [c]})
    assert isinstance(grads, dict) and isinstance(grads["ab"], tuple)
    assert [g.numpy() for g in grads["ab"]] == [6.0, 3.0]
    assert grads["c"][0].numpy() == 2.0


def test_list_of_targets_is_summed():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y1, y2 = x * x, 3.0 * x
    assert tape.gradient([y1, y2], x).numpy() == 7.0


def test_nonscalar_target_is_summed():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])


def test_output_gradients_weight_the_targets():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    g = tape.gradient(y, x, output_gradients=tf.constant([10.0, 100.0]))
    np.testing.assert_array_equal(g.numpy(), [20.0, 400.0])


def test_watching_an_integer_tensor_warns_and_gives_none(caplog):
    x = tf.constant(3)
    with caplog.at_level(logging.WARNING, logger="tapeflow"):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x
    assert (
        "The dtype of the watched tensor must be floating (e.g. tf.float32), got tf.int32"
        in caplog.text
    )
    assert tape.gradient(y, x) is None


def test_trainable_variables_are_watched_automatically():
    v = tf.Variable(2.0)
    frozen = tf.Variable(3.0, trainable=False)
    with tf.GradientTape() as tape:
        y = v * frozen
    dv, dfrozen = tape.gradient(y, [v, frozen])
    assert dv.numpy() == 3.0 and dfrozen is None


def test_watch_accessed_variables_false_needs_explicit_watch():
    a, b = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * b
    da, db = tape.gradient(y, [a, b])
    assert da.numpy() == 3.0 and db is None
    assert tape.watched_variables() == (a,)


def test_watched_variables_in_creation_order():
    first, second = tf.Variable(1.0, name="first"), tf.Variable(2.0, name="second")
    with tf.GradientTape() as tape:
        _ = second * 2.0
        _ = first * 2.0
    assert [v.name for v in tape.watched_variables()] == ["first:0", "second:0"]


def test_stop_recording_skips_ops():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            y = x * x
        z = x * 3.0
    assert tape.gradient(y, x) is None
    with pytest.raises(RuntimeError):
        with tape.stop_recording():
            pass
    assert z.numpy() == 6.0


def test_reset_forgets_recorded_ops():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        _ = x * x
        tape.reset()
        tape.watch(x)
        y = x * 5.0
    assert tape.gradient(y, x).numpy() == 5.0


def test_reentering_an_active_tape_raises():
    tape = tf.GradientTape()
    with tape:
        with pytest.raises(ValueError, match="Tape is still recording"):
            tape.__enter__()


def test_gradient_inside_context_of_nonpersistent_tape_stops_its_recording():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        g = tape.gradient(y, x)
        w = g * x  # not recorded any more
    assert g.numpy() == 4.0 and w.numpy() == 8.0
    assert not tape._recording


def test_gradient_inside_context_of_persistent_tape_warns_once_per_line(caplog):
    x = tf.constant(2.0)
    with caplog.at_level(logging.WARNING, logger="tapeflow"):
        for _ in range(3):  # once per calling line, as TF's log_first_n
            with tf.GradientTape(persistent=True) as tape:
                tape.watch(x)
                y = x * x * x
                g = tape.gradient(y, x)
        assert caplog.text.count("Calling GradientTape.gradient on a persistent tape") == 1
    # The gradient computation was itself recorded: second derivative from the same tape.
    assert tape.gradient(g, x).numpy() == 12.0


def test_nested_tapes_give_third_derivative():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t3:
        with tf.GradientTape() as t2:
            with tf.GradientTape() as t1:
                y = x * x * x * x
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    assert (d1.numpy(), d2.numpy(), d3.numpy()) == (32.0, 48.0, 48.0)


def test_python_control_flow_is_recorded_as_executed():
    def f(x, n):
        out = tf.constant(1.0)
        for i in range(n):
            if 1 < i < 5:
                out = out * x
        return out

    x = tf.constant(2.0)
    for n, expected in [(6, 12.0), (5, 12.0), (4, 4.0)]:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x, n)
        assert tape.gradient(y, x).numpy() == expected


def test_tapes_are_thread_local():
    x = tf.constant(2.0)
    results = {}
    with tf.GradientTape() as tape:
        tape.watch(x)

        def other_thread():
            results["y"] = x * x  # not recorded by this thread's tape

        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert tape.gradient(results["y"], x) is None


def test_watch_rejects_non_tensors():
    with tf.GradientTape() as tape:
        with pytest.raises(ValueError, match="Passed in object 3.0 of type 'float'"):
            tape.watch(3.0)


def test_variables_as_sources_after_assign_inside_tape():
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y1 = v * 2.0
        v.assign(5.0)
        y = y1 + v * 3.0
    assert tape.gradient(y, v).numpy() == 5.0


def test_tapes_in_many_threads_all_record():
    # Each thread's tape must see its own ops even while other threads open and close tapes.
    from concurrent.futures import ThreadPoolExecutor

    def work(seed):
        x = tf.constant(float(seed))
        results = []
        for _ in range(200):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = x * x
            results.append(tape.gradient(y, x).numpy())
        return results

    with ThreadPoolExecutor(4) as pool:
        for seed, results in zip(range(4), pool.map(work, range(4))):
            assert results == [2.0 * seed] * 200
