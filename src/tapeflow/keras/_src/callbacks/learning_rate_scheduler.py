"""`keras.callbacks.LearningRateScheduler`."""

from __future__ import annotations

import numpy as np

from ..utils import io_utils
from .callback import Callback
from .monitor_callback import to_float


class LearningRateScheduler(Callback):
    """Learning rate scheduler.

    At the beginning of every epoch, sets the optimizer's learning rate to
    `schedule(epoch, lr)` (`epoch` from 0, `lr` the current rate as a Python float; a
    one-argument `schedule(epoch)` also works), and adds `learning_rate` to the epoch's logs.

    Args:
        schedule: A function `(epoch, lr) -> float`.
        verbose: 0: quiet, 1: print `Epoch 1: LearningRateScheduler setting learning rate to
            ...` (the value as the schedule returned it: a float32 rate times 0.5 prints
            `0.0005000000237487257`).
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _update_optimizer_lr(self, optimizer, epoch):
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            learning_rate = self.schedule(epoch, to_float(optimizer.learning_rate))
        except TypeError:  # the old one-argument API
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate}"
            )
        optimizer.learning_rate = learning_rate
        return learning_rate

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for opt in optimizer.optimizers:
                learning_rate = self._update_optimizer_lr(opt, epoch)
                if self.verbose > 0:
                    io_utils.print_msg(
                        f"\nEpoch {epoch + 1}: LearningRateScheduler setting "
                        f"{opt.name} learning rate to {learning_rate}."
                    )
        else:
            learning_rate = self._update_optimizer_lr(optimizer, epoch)
            if self.verbose > 0:
                io_utils.print_msg(
                    f"\nEpoch {epoch + 1}: LearningRateScheduler setting "
                    f"learning rate to {learning_rate}."
                )

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for opt in optimizer.optimizers:
                logs[f"learning_rate_{opt.name}"] = to_float(opt.learning_rate)
        else:
            logs["learning_rate"] = to_float(optimizer.learning_rate)
