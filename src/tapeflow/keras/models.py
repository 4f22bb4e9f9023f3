"""`tf.keras.models`: model classes."""

from ._src.models.model import Model  # noqa: F401
from ._src.models.sequential import Sequential  # noqa: F401
from ._src.saving.saving_api import load_model, save_model  # noqa: F401
