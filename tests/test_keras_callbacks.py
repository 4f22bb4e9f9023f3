"""Keras' callbacks against Keras 3.15.1: hook order and logs, History, EarlyStopping,
LearningRateScheduler, ReduceLROnPlateau, ModelCheckpoint, CSVLogger, TerminateOnNaN,
LambdaCallback.

The golden cases (tests/data/tf_keras_progbar_goldens.json, tools/tf_goldens/
make_keras_progbar_goldens.py) drive real Keras' callbacks with small fake models (the
attributes callbacks read) in the order Keras' TensorFlow trainer calls the hooks; the same
code runs here on tapeflow and must print the same bytes, leave the same result, warn and
raise the same. Hand-written tests below cover what the fakes cannot reach in Keras.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_keras_progbar import CALLBACK_PREFIXES, GOLDENS, check_case

from tapeflow.keras import callbacks
from tapeflow.keras._src.callbacks import monitor_callback

CALLBACK_CASES = sorted(n for n in GOLDENS["cases"] if n.startswith(CALLBACK_PREFIXES))


@pytest.mark.parametrize("name", CALLBACK_CASES)
def test_callback_golden(name):
    check_case(name)


class _Metric:
    def __init__(self, name, direction):
        self.name = name
        self._direction = direction


class CompileMetrics:
    """Stands for the trainer's metric container, which Keras looks inside."""

    def __init__(self, metrics):
        self.metrics = metrics


class _Model:
    def __init__(self, metrics):
        self.metrics = metrics
        self.stop_training = False


def test_auto_mode_reads_compiled_metric_direction():
    es = callbacks.EarlyStopping(monitor="val_auc")
    es.set_model(_Model([CompileMetrics([_Metric("auc", "up")])]))
    es._set_monitor_op()
    assert es.monitor_op is monitor_callback.greater
    es = callbacks.EarlyStopping(monitor="mae", min_delta=0.5)
    es.set_model(_Model([CompileMetrics([_Metric("mae", "down")])]))
    es._set_monitor_op()
    assert es.monitor_op is monitor_callback.less and es.min_delta == -0.5


def test_auto_mode_ignores_metrics_outside_the_compile_container():
    es = callbacks.EarlyStopping(monitor="auc")
    es.set_model(_Model([_Metric("auc", "up")]))
    with pytest.raises(ValueError, match="isn't able to automatically determine"):
        es._set_monitor_op()


def test_comparisons_follow_keras_dtypes():
    # Python floats compare in float32 (keras.ops converts them so), NumPy float64 stays.
    assert not monitor_callback.less(0.1, 0.1 + 1e-9)
    assert monitor_callback.less(np.float64(0.1), 0.1 + 1e-9)
    assert monitor_callback.greater(3, 2.5)


def test_learning_rate_from_a_variable_like_object():
    class Var:
        def numpy(self):
            return np.float32(0.25)

    assert monitor_callback.to_float(Var()) == 0.25
    assert monitor_callback.to_float(np.float32(0.5)) == 0.5


def test_callback_hooks_are_marked_default():
    from tapeflow.keras._src.callbacks.callback import is_default

    class C(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            pass

    c = C()
    assert is_default(c.on_train_batch_end) and not is_default(c.on_epoch_end)


def test_checkpoint_directory_path_error(tmp_path):
    class M:
        stop_training = False

        def save(self, filepath, overwrite=True):
            raise IsADirectoryError(filepath)

    target = tmp_path / "dir.keras"
    target.mkdir()
    c = callbacks.ModelCheckpoint(target)
    c.set_model(M())
    with pytest.raises(OSError, match="Please specify a non-directory filepath"):
        c.on_epoch_end(0, {"val_loss": 0.5})
