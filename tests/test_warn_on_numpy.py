"""tapeflow.experimental.warn_on_numpy: a NumPy round trip of a taped tensor warns once per line."""

import warnings

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.experimental import NumpyRoundTripWarning, warn_on_numpy


def _caught(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [w for w in caught if issubclass(w.category, NumpyRoundTripWarning)]


def test_numpy_of_taped_tensor_warns_naming_the_line():
    x = tf.constant(2.0)

    def program():
        with warn_on_numpy(), tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x
            y.numpy()  # the line named
        assert tape is not None

    caught = _caught(program)
    assert len(caught) == 1
    assert caught[0].filename == __file__
    assert "y.numpy()  # the line named" in str(caught[0].message)
    assert f"{__file__}:{caught[0].lineno}" in str(caught[0].message)


def test_np_asarray_and_float_warn_once_per_line():
    x = tf.Variable(1.5)

    def program():
        with warn_on_numpy(), tf.GradientTape():
            y = x * 3.0
            for _ in range(3):
                np.asarray(y)
            float(y)

    caught = _caught(program)
    assert len(caught) == 2
    assert caught[0].lineno != caught[1].lineno


def test_no_warning_off_tape_untracked_or_disabled():
    x = tf.constant(2.0)

    def program():
        with warn_on_numpy():
            x.numpy()  # no tape records
            with tf.GradientTape():
                tf.constant(3.0).numpy()  # not on the tape
        with tf.GradientTape() as tape:  # warnings off again
            tape.watch(x)
            (x * x).numpy()

    assert _caught(program) == []


def test_toggle_and_context_restore():
    from tapeflow._core import tape as _tape

    warn_on_numpy()
    try:
        with warn_on_numpy(False):
            assert not _tape.value_hooks
        assert len(_tape.value_hooks) == 1
    finally:
        warn_on_numpy(False)
    assert not _tape.value_hooks


if __name__ == "__main__":
    pytest.main([__file__])


def test_numpy_of_a_watched_variable_warns():
    x = tf.Variable(3.0)

    def program():
        with warn_on_numpy(), tf.GradientTape():
            np.square(x.numpy())  # a trainable variable read in Python

    caught = _caught(program)
    assert len(caught) == 1
    assert "np.square(x.numpy())" in str(caught[0].message)


@pytest.mark.parametrize(
    "read",
    [lambda v: v.numpy(), np.asarray, float, bool, int],
    ids=["numpy", "asarray", "float", "bool", "int"],
)
def test_python_reads_of_a_variable_are_watched_as_on_tf(read):
    # Observed on TF 2.21: each of these inside a tape makes the tape watch a trainable
    # variable (len(tape.watched_variables()) == 1), and never a non-trainable one.
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        read(v)
    assert [w.name for w in tape.watched_variables()] == ["Variable:0"]
    frozen = tf.Variable(3.0, trainable=False)
    with tf.GradientTape() as tape:
        read(frozen)
    assert tape.watched_variables() == ()
