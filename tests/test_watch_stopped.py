"""`GradientTape.watch` while no tape of the thread records (observed on TF 2.21).

TF's watch returns early unless some GradientTape of the thread is recording (its C
`CouldBackprop`): inside a tape's own `stop_recording()` with no outer tape, the watch is
lost; with an outer tape recording, it holds. Forward accumulators do not count.
"""

import tapeflow as tf


def test_watch_inside_own_stop_recording_is_lost():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as t:
        with t.stop_recording():
            t.watch(x)
        y = x * x
    assert t.gradient(y, x) is None  # observed on TF 2.21: None


def test_variable_watched_inside_stop_recording_is_lost_without_auto_watch():
    v = tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as t:
        with t.stop_recording():
            t.watch(v)
        y = v * v
    assert t.gradient(y, v) is None  # observed on TF 2.21: None, watched_variables ()
    assert t.watched_variables() == ()


def test_auto_watch_still_sees_the_variable():
    v = tf.Variable(3.0)
    with tf.GradientTape() as t:
        with t.stop_recording():
            t.watch(v)
        y = v * v
    assert float(t.gradient(y, v)) == 6.0  # observed on TF 2.21: 6.0


def test_watch_holds_while_an_outer_tape_records():
    x, v = tf.constant(2.0), tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape(persistent=True, watch_accessed_variables=False) as t:
            with t.stop_recording():
                t.watch(x)
                t.watch(v)
            y = x * x * v
    # observed on TF 2.21: inner [12.0, 4.0] watching v; outer [None, 4.0]
    assert [float(g) for g in t.gradient(y, [x, v])] == [12.0, 4.0]
    assert t.watched_variables() == (v,)
    gx, gv = outer.gradient(y, [x, v])
    assert gx is None and float(gv) == 4.0


def test_a_forward_accumulator_does_not_count_as_recording():
    x = tf.constant(2.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)):
        with tf.GradientTape(watch_accessed_variables=False) as t:
            with t.stop_recording():
                t.watch(x)
            y = x * x
    assert t.gradient(y, x) is None  # observed on TF 2.21: None


def test_stopping_another_tape_keeps_the_watch():
    x = tf.constant(2.0)
    with tf.GradientTape() as t2:
        with tf.GradientTape(watch_accessed_variables=False) as t:
            with t2.stop_recording():
                t.watch(x)
            y = x * x
    assert float(t.gradient(y, x)) == 4.0  # observed on TF 2.21: 4.0
