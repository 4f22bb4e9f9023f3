"""`keras.callbacks.Callback`: the base class of everything `fit`/`evaluate`/`predict` call."""

from __future__ import annotations


def default(method):
    """Marks a hook as the base class's no-op, so overrides can be detected."""
    method._is_default = True
    return method


def is_default(method) -> bool:
    """Whether `method` is a `Callback` hook left as the base class's no-op."""
    return getattr(method, "_is_default", False)


class Callback:
    """Base class used to build new callbacks.

    Pass callbacks to `fit()`, `evaluate()` and `predict()` to hook into training, evaluation
    and inference; subclasses override the `on_*` methods they need. In a custom loop, pack
    them in a `keras.callbacks.CallbackList` and call its `on_*` methods.

    Attributes:
        params: Dict. Training parameters (`{'verbose': 1, 'epochs': 2, 'steps': 4}`).
        model: Instance of `Model`, the model being trained.
    """

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    @default
    def on_batch_begin(self, batch, logs=None):
        """A backwards compatibility alias for `on_train_batch_begin`."""

    @default
    def on_batch_end(self, batch, logs=None):
        """A backwards compatibility alias for `on_train_batch_end`."""

    @default
    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of an epoch (only in `fit`)."""

    @default
    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch with its metrics (and `val_*` ones) in `logs`."""

    @default
    def on_train_batch_begin(self, batch, logs=None):
        """Called at the beginning of a training batch in `fit`."""
        # For backwards compatibility.
        self.on_batch_begin(batch, logs=logs)

    @default
    def on_train_batch_end(self, batch, logs=None):
        """Called at the end of a training batch in `fit`; `logs` holds the running metrics."""
        # For backwards compatibility.
        self.on_batch_end(batch, logs=logs)

    @default
    def on_test_batch_begin(self, batch, logs=None):
        """Called at the beginning of a batch in `evaluate` (and of `fit`'s validation)."""

    @default
    def on_test_batch_end(self, batch, logs=None):
        """Called at the end of a batch in `evaluate` (and of `fit`'s validation)."""

    @default
    def on_predict_batch_begin(self, batch, logs=None):
        """Called at the beginning of a batch in `predict`."""

    @default
    def on_predict_batch_end(self, batch, logs=None):
        """Called at the end of a batch in `predict`; `logs` is `{'outputs': ...}`."""

    @default
    def on_train_begin(self, logs=None):
        """Called at the beginning of training."""

    @default
    def on_train_end(self, logs=None):
        """Called at the end of training with the last epoch's logs."""

    @default
    def on_test_begin(self, logs=None):
        """Called at the beginning of evaluation or validation."""

    @default
    def on_test_end(self, logs=None):
        """Called at the end of evaluation or validation with its results."""

    @default
    def on_predict_begin(self, logs=None):
        """Called at the beginning of prediction."""

    @default
    def on_predict_end(self, logs=None):
        """Called at the end of prediction."""
