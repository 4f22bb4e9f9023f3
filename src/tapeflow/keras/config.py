"""`tf.keras.config`: Keras' global settings (plus tapeflow's `set_progress`/`get_progress`)."""

from ._src.backend import (  # noqa: F401
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from ._src.config import (  # noqa: F401
    disable_interactive_logging,
    enable_interactive_logging,
    get_progress,
    is_interactive_logging_enabled,
    max_epochs,
    max_steps_per_epoch,
    set_max_epochs,
    set_max_steps_per_epoch,
    set_progress,
)
