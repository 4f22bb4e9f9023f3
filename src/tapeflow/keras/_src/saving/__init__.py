"""Keras 3 saving: `.weights.h5` weights files and `.keras` model archives (through h5py,
tapeflow's optional `h5` extra), and the custom-object registry."""

from .object_registration import (  # noqa: F401
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from .saving_api import (  # noqa: F401
    enable_checkpoint_hint,
    enable_npz_weights,
    load_model,
    load_weights,
    save_model,
    save_weights,
)
