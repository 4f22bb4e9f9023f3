"""`keras.callbacks.CallbackList`: calls a list of callbacks together, in order.

The TensorFlow backend of Keras is not "thread safe" for callbacks, so batch hooks run
synchronously, in list order, as here.
"""

from __future__ import annotations

import numpy as np

from .callback import Callback
from .history import History
from .progbar_logger import ProgbarLogger


def _flatten(structure):
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in _flatten(structure[key])]
    return [structure]


def pythonify_logs(logs):
    """Flattens nested dicts of logs, sorts the keys and makes values Python floats.

    Values that `float()` refuses (strings that are no numbers, arrays of several values)
    are kept as they are, as in Keras.
    """
    result = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
            continue
        try:
            if hasattr(value, "numpy") and not isinstance(value, np.generic):
                value = value.numpy()
            value = float(value)
        except Exception:  # Keras keeps whatever it cannot convert.
            pass
        result[key] = value
    return result


class CallbackList(Callback):
    """Container abstracting a list of callbacks.

    Args:
        callbacks: List of `Callback` instances (nested lists are flattened).
        add_history: Whether to append a `History` if the list has none.
        add_progbar: Whether to append a `ProgbarLogger` if the list has none.
        model: The `Model` these callbacks are used with (`model.history` is set to the
            list's `History`).
        **params: If given, passed to every callback's `set_params`.
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        self.callbacks = _flatten(callbacks) if callbacks else []
        self._in_begin_end_block_count = 0
        self._async_train = False
        self._async_test = False
        self._async_predict = False
        self._add_default_callbacks(add_history, add_progbar)
        self.set_model(model)
        self.set_params(params)

    def set_params(self, params):
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def _add_default_callbacks(self, add_history, add_progbar):
        self._progbar = None
        self._history = None
        for cb in self.callbacks:
            if isinstance(cb, ProgbarLogger):
                self._progbar = cb
            elif isinstance(cb, History):
                self._history = cb
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)

    def set_model(self, model):
        if not model:
            return
        super().set_model(model)
        if self._history:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def _on_begin(self):
        self._in_begin_end_block_count += 1

    def _on_end(self):
        self._in_begin_end_block_count -= 1
        if self._in_begin_end_block_count < 0:
            raise ValueError("`on_xxx_end` called without corresponding `on_xxx_begin`")

    def _call(self, hook, *args, **kwargs):
        for callback in self.callbacks:
            getattr(callback, hook)(*args, **kwargs)

    def on_batch_begin(self, batch, logs=None):
        self._call("on_batch_begin", batch, logs=pythonify_logs(logs))

    def on_batch_end(self, batch, logs=None):
        self._call("on_batch_end", batch, logs=pythonify_logs(logs))

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, pythonify_logs(logs))

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, pythonify_logs(logs))

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs=pythonify_logs(logs))

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs=pythonify_logs(logs))

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs=pythonify_logs(logs))

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs=pythonify_logs(logs))

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs=pythonify_logs(logs))

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", batch, logs=pythonify_logs(logs))

    def on_train_begin(self, logs=None):
        self._on_begin()
        self._call("on_train_begin", pythonify_logs(logs))

    def on_train_end(self, logs=None):
        self._call("on_train_end", pythonify_logs(logs))
        self._on_end()

    def on_test_begin(self, logs=None):
        self._on_begin()
        self._call("on_test_begin", pythonify_logs(logs))

    def on_test_end(self, logs=None):
        self._call("on_test_end", pythonify_logs(logs))
        self._on_end()

    def on_predict_begin(self, logs=None):
        self._on_begin()
        self._call("on_predict_begin", pythonify_logs(logs))

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", pythonify_logs(logs))
        self._on_end()
