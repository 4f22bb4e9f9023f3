"""`tf.train`: object-based checkpoints (`Checkpoint`, `CheckpointManager`) and readers.

Files are named as TensorFlow names them (`ckpt-3.index`, `ckpt-3.data-00000-of-00001`, the
`checkpoint` text file) but hold tapeflow's own NumPy payload, not TF's TensorBundle:
TensorFlow cannot read them. tapeflow reads both its own and TensorFlow's checkpoints. The
tracking protocol that Keras objects implement is in `tapeflow.train._tracking`.
"""

from ._format import CheckpointReader
from .checkpoint import (
    Checkpoint,
    CheckpointLoadStatus,
    CheckpointOptions,
    InitializationOnlyStatus,
)
from .checkpoint_management import (
    CheckpointManager,
    CheckpointState,
    get_checkpoint_state,
    latest_checkpoint,
)
from .checkpoint_utils import list_variables, load_checkpoint, load_variable

__all__ = [
    "Checkpoint",
    "CheckpointManager",
    "CheckpointOptions",
    "get_checkpoint_state",
    "latest_checkpoint",
    "list_variables",
    "load_checkpoint",
    "load_variable",
]

# Not in TF's tf.train namespace, but the types of what it returns.
del CheckpointReader, CheckpointLoadStatus, InitializationOnlyStatus, CheckpointState
