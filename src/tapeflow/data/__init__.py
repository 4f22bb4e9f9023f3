"""`tf.data`: TF's input pipelines (`tf.data.Dataset`), eager and NumPy-backed.

Loaded lazily on first `tf.data` access. See `_dataset.py` for how pipelines run and where
they differ from TF by design.
"""

from . import experimental  # noqa: F401
from ._dataset import (  # noqa: F401
    AUTOTUNE,
    INFINITE_CARDINALITY,
    UNKNOWN_CARDINALITY,
    Dataset,
    DatasetSpec,
    Iterator,
    NumpyIterator,
)
from ._options import Options, ThreadingOptions  # noqa: F401
