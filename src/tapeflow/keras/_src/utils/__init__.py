"""Keras utilities used across the implementation: `general` (set_random_seed,
to_categorical, normalize, object (de)serialization for the leaf modules), `summary`
(model.summary's table), `progbar` and `io_utils` (progress output)."""

from .general import (  # noqa: F401
    deserialize_object,
    make_default_seed,
    normalize,
    on_set_random_seed,
    serialize_object,
    set_random_seed,
    to_categorical,
)
