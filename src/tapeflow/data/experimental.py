"""`tf.data.experimental`: the constants TF also exports here."""

from ._dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY  # noqa: F401
