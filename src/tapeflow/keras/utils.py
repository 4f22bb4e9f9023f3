"""`tf.keras.utils` (the parts built so far: seeding, one-hot encoding, normalization,
the progress bar, interactive logging, data packing, clear_session)."""

from ._src.backend import clear_session  # noqa: F401
from ._src.keras_tensor import is_keras_tensor  # noqa: F401
from ._src.trainers.data_adapter import (  # noqa: F401
    pack_x_y_sample_weight,
    unpack_x_y_sample_weight,
)
from ._src.utils import normalize, set_random_seed, to_categorical  # noqa: F401
from ._src.utils.io_utils import (  # noqa: F401
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from ._src.utils.progbar import Progbar  # noqa: F401
from ._src.variable import standardize_dtype  # noqa: F401
