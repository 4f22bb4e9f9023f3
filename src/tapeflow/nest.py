"""`tf.nest`: nested-structure utilities (explicit re-exports)."""

from ._core.nest import (  # noqa: F401
    assert_same_structure,
    flatten,
    is_nested,
    map_structure,
    pack_sequence_as,
)
