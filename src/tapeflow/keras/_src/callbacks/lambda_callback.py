"""`keras.callbacks.LambdaCallback`."""

from __future__ import annotations

from .callback import Callback


class LambdaCallback(Callback):
    """Callback for creating simple, custom callbacks on-the-fly.

    Args:
        on_epoch_begin: called with `(epoch, logs)` at the beginning of every epoch.
        on_epoch_end: called with `(epoch, logs)` at the end of every epoch.
        on_train_begin: called with `(logs)` at the beginning of training.
        on_train_end: called with `(logs)` at the end of training.
        on_train_batch_begin: called with `(batch, logs)` at the beginning of every batch.
        on_train_batch_end: called with `(batch, logs)` at the end of every batch.
        **kwargs: Any other hook (e.g. `on_predict_batch_end=...`) or attribute, set on the
            instance as given.
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
        }
        for name, fn in hooks.items():
            if fn is not None:
                setattr(self, name, fn)
