"""tapeflow's checkpoint files: TF's file names, a NumPy payload.

A checkpoint `prefix` is two files, named as TensorFlow names them:

* `prefix.index`: JSON (UTF-8) with `format`, `version`, `tensors` (per key: `dtype` (a tf
  dtype name), `shape`, and where it is: `entry` (an array of the data file holding every
  value of one NumPy dtype, flattened end to end), `offset`, `size`) and `object_graph`
  (the nodes: children `[local_name, node_id]` and, for variables, `attributes` with
  `name`, `full_name`, `checkpoint_key`);
* `prefix.data-00000-of-00001`: the values, the bytes `np.savez` writes.

These files are NOT TensorFlow's format (TF writes a TensorBundle: an SSTable index and raw
tensor bytes): TensorFlow cannot read tapeflow's checkpoints. The reader here reads both
(TensorFlow's through `_tf_bundle`). The object graph is listed under TF's key
`_CHECKPOINTABLE_OBJECT_GRAPH` (a scalar string tensor, here the JSON bytes of the graph).
"""

from __future__ import annotations

import io
import json
import os
import struct

import numpy as np

import tapeflow as tf

from . import _tf_bundle
from ._tracking import OBJECT_GRAPH_KEY

FORMAT = "tapeflow.train checkpoint"
VERSION = 1
DATA_SUFFIX = ".data-00000-of-00001"

# TF's own dtype names (DataTypeString), which its RestoreV2 errors print.
_TF_DTYPE_STRING = {"float32": "float", "float64": "double", "float16": "half"}


def tf_dtype_string(name: str) -> str:
    return _TF_DTYPE_STRING.get(name, name)


def _atomic_write(path: str, data: bytes) -> None:
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


def write(prefix: str, values: dict, dtypes: dict, graph: list) -> None:
    """Writes `{key: ndarray}` values (with their tf dtype names) and the object graph.

    Values of one NumPy dtype are stored end to end in one array of the `.npz` (entry,
    offset and size in the index): a model's thousands of small variables cost a few zip
    members, not thousands.
    """
    directory = os.path.dirname(prefix)
    if directory:
        os.makedirs(directory, exist_ok=True)
    tensors = {OBJECT_GRAPH_KEY: {"dtype": "string", "shape": []}}
    groups: dict = {}  # NumPy dtype -> (entry name, [flat arrays], running size)
    for key, array in values.items():
        array = np.asarray(array)
        entry, parts, size = groups.get(array.dtype.str) or (f"d{len(groups)}", [], 0)
        parts.append(array.reshape(-1))
        groups[array.dtype.str] = (entry, parts, size + array.size)
        tensors[key] = {
            "dtype": dtypes[key],
            "shape": list(array.shape),
            "entry": entry,
            "offset": size,
            "size": int(array.size),
        }
    arrays = {entry: np.concatenate(parts) for entry, parts, _ in groups.values()}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    index = {"format": FORMAT, "version": VERSION, "tensors": tensors, "object_graph": graph}
    # The data first: a reader that finds the index finds the data too.
    _atomic_write(prefix + DATA_SUFFIX, buffer.getvalue())
    _atomic_write(prefix + ".index", json.dumps(index).encode("utf-8"))


def _not_found(path: str):
    return tf.errors.NotFoundError(
        None,
        None,
        f"Unsuccessful TensorSliceReader constructor: Failed to find any matching files for {path}",
    )


class CheckpointReader:
    """Reads a checkpoint's values by key (what `tf.train.load_checkpoint` returns).

    Reads tapeflow's checkpoints and TensorFlow's own (TensorBundle, see `_tf_bundle`), so
    a checkpoint written by real TensorFlow can be listed, read and restored.

    Raises:
      NotFoundError: if there is no checkpoint at `prefix`.
      DataLossError: if the files are neither.
    """

    def __init__(self, prefix: str):
        prefix = os.fspath(prefix)
        if os.path.isdir(prefix) and not os.path.exists(prefix + ".index"):
            raise tf.errors.DataLossError(
                None,
                None,
                f"Unable to open table file {prefix}: FAILED_PRECONDITION: "
                f"{os.path.normpath(prefix)}; Is a directory: perhaps your file is in a "
                "different file format and you need to use a different restore operator?",
            )
        try:
            with open(prefix + ".index", "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            raise _not_found(prefix) from None
        self._prefix = prefix
        self._arrays = None
        self._bundle = None
        if _tf_bundle.is_bundle(raw):
            self._open_bundle(raw)
            return
        try:
            index = json.loads(raw.decode("utf-8"))
            if index.get("format") != FORMAT:
                raise ValueError
        except (ValueError, AttributeError):
            raise self._corrupt("not a tapeflow or TensorFlow checkpoint index") from None
        if index.get("version", 0) > VERSION:
            raise tf.errors.DataLossError(
                None, None, f"{prefix}.index: checkpoint format version {index['version']} is "
                f"newer than this tapeflow reads ({VERSION})."
            )  # fmt: skip
        self._tensors = index["tensors"]
        self.object_graph = index["object_graph"]

    def _corrupt(self, why: str):
        return tf.errors.DataLossError(
            None,
            None,
            f"Unable to open table file {self._prefix}.index: DATA_LOSS: {why}: perhaps your "
            "file is in a different file format and you need to use a different restore "
            "operator?",
        )

    def _open_bundle(self, raw: bytes) -> None:
        try:
            bundle = _tf_bundle.open_bundle(self._prefix, raw)
            self._tensors = {
                key: {"dtype": bundle.dtype_name(key), "shape": bundle.shape(key)}
                for key in sorted(bundle.keys())
            }
            graph = None
            if OBJECT_GRAPH_KEY in self._tensors:
                graph = _tf_bundle.object_graph(bundle.value(OBJECT_GRAPH_KEY)[0])
        except (
            ValueError,
            TypeError,
            OverflowError,
            OSError,
            IndexError,
            struct.error,
        ) as e:  # garbage in the table
            raise self._corrupt(f"unreadable TensorFlow checkpoint ({e})") from None
        self._bundle = bundle
        # A TF1 name-based checkpoint has no object graph: nothing can match by path.
        self.object_graph = graph if graph is not None else [{"children": []}]

    def _data(self):
        if self._arrays is None:
            try:
                with open(self._prefix + DATA_SUFFIX, "rb") as f:
                    raw = f.read()
            except FileNotFoundError:
                raise tf.errors.DataLossError(
                    None, None, f"{self._prefix}{DATA_SUFFIX} not found: the checkpoint's data "
                    "file is missing."
                ) from None  # fmt: skip
            with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
                self._arrays = {name: npz[name] for name in npz.files}
            for array in self._arrays.values():
                array.flags.writeable = False
        return self._arrays

    def has_tensor(self, key: str) -> bool:
        return key in self._tensors

    def get_tensor(self, key: str):
        """The saved value: an ndarray (a NumPy scalar for rank 0, bytes for the graph)."""
        if key not in self._tensors:
            raise tf.errors.NotFoundError(None, None, f"Key {key} not found in checkpoint")
        if key == OBJECT_GRAPH_KEY and self._bundle is None:
            return json.dumps(self.object_graph).encode("utf-8")
        array = self.view(key)
        if isinstance(array, list):  # a TF string tensor: bytes objects
            return array[0] if not self._tensors[key]["shape"] else np.array(array, dtype=object)
        return array[()] if array.ndim == 0 else array.copy()

    def view(self, key: str):
        """The saved value as a read-only view into the loaded data (restores copy it)."""
        t = self._tensors[key]
        if self._bundle is not None:
            try:
                return self._bundle.value(key)
            except (ValueError, TypeError, OverflowError, OSError, IndexError, struct.error) as e:
                raise tf.errors.DataLossError(None, None, f"{self._prefix}: {e}") from None
        flat = self._data()[t["entry"]]
        return flat[t["offset"] : t["offset"] + t["size"]].reshape(t["shape"])

    def dtype_name(self, key: str) -> str:
        return self._tensors[key]["dtype"]

    def get_variable_to_shape_map(self) -> dict:
        return {key: list(t["shape"]) for key, t in self._tensors.items()}

    def get_variable_to_dtype_map(self) -> dict:
        out = {}
        for key, t in self._tensors.items():
            try:
                out[key] = tf.as_dtype(t["dtype"])
            except (TypeError, ValueError, KeyError, AttributeError):
                out[key] = _NamedDType(t["dtype"])  # string, variant, bfloat16
        return out


class _NamedDType:
    """A TF dtype tapeflow has no tensors for (`tf.string`, `tf.variant`, ...): its name."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __eq__(self, other) -> bool:
        return getattr(other, "name", other) == self.name

    def __hash__(self) -> int:
        return hash(self.name)
