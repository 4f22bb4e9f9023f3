"""`keras.callbacks.TerminateOnNaN`."""

from __future__ import annotations

import numpy as np

from ..utils import io_utils
from .callback import Callback


class TerminateOnNaN(Callback):
    """Callback that terminates training when a NaN or Inf loss is encountered.

    It watches `logs["loss"]` after every training batch (through `on_batch_end`, which
    `on_train_batch_end` calls) and prints `Batch 3: Invalid loss, terminating training`
    then sets `model.stop_training`; the running epoch stops after that batch.

    Args:
        raise_error: If `True`, raise `RuntimeError` instead of stopping quietly.
    """

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            if self.raise_error:
                raise RuntimeError(
                    f"NaN or Inf loss encountered at batch {batch}. "
                    f"Loss value: {loss}. Terminating training immediately."
                )
            io_utils.print_msg(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
