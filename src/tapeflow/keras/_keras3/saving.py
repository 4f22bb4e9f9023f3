"""`keras.saving` (Keras 3's `import keras` namespace only: TF 2.21's `tf.keras` has no
`saving`). `KerasFileEditor` is not provided."""

from .._src.saving.object_registration import (  # noqa: F401
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from .._src.saving.saving_api import load_model, load_weights, save_model, save_weights  # noqa: F401
from .._src.saving.serialization_lib import (  # noqa: F401
    deserialize_keras_object,
    serialize_keras_object,
)
