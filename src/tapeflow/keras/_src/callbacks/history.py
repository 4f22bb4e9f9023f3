"""`keras.callbacks.History`: records every epoch's logs; `fit` returns it."""

from __future__ import annotations

from .callback import Callback


class History(Callback):
    """Callback that records events into a `History` object.

    Every `fit` adds one (its `CallbackList` puts it before the progress bar) and returns it;
    it is also `model.history`. `history` maps each log key to a list of per-epoch values,
    `epoch` lists the epoch indices, `params` is `{'verbose', 'epochs', 'steps'}`.
    """

    def __init__(self):
        super().__init__()
        self.history = {}

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epoch.append(epoch)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)
        # Keras sets it after each epoch, so the model holds the latest state.
        self.model.history = self
