"""`tf.train.load_checkpoint`, `load_variable`, `list_variables`: reading checkpoint values by
key (tapeflow's checkpoint files; TensorFlow's own cannot be read)."""

from __future__ import annotations

import os

from ._format import CheckpointReader
from .checkpoint_management import latest_checkpoint


def _checkpoint_filename(ckpt_dir_or_file):
    ckpt_dir_or_file = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(ckpt_dir_or_file):
        return latest_checkpoint(ckpt_dir_or_file)
    return ckpt_dir_or_file


def load_checkpoint(ckpt_dir_or_file) -> CheckpointReader:
    """A `CheckpointReader` for a checkpoint prefix, or for a directory's latest checkpoint.

    Raises:
      ValueError: a directory without checkpoints.
      NotFoundError: no checkpoint at the path.
    """
    filename = _checkpoint_filename(ckpt_dir_or_file)
    if filename is None:
        raise ValueError(
            f"Couldn't find 'checkpoint' file or checkpoints in given directory {ckpt_dir_or_file}"
        )
    return CheckpointReader(filename)


def load_variable(ckpt_dir_or_file, name: str):
    """The value saved under key `name` (a trailing `:0` is ignored), as NumPy: an ndarray,
    or a NumPy scalar for rank 0.

    Raises:
      NotFoundError: `Key {name} not found in checkpoint`.
    """
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def list_variables(ckpt_dir_or_file) -> list:
    """The checkpoint's `(key, shape)` pairs, sorted by key; shapes are lists."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return [(name, shapes[name]) for name in sorted(shapes)]
