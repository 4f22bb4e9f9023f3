"""`Dataset.cache(filename)`'s files: TF's names and protocol, tapeflow's own contents.

As in TF 2.21: an iterator that finds `{filename}.index` reads the cache, whichever
pipeline wrote it; otherwise it takes the lock `{filename}_0.lockfile` (a second writer gets
TF's AlreadyExistsError, a missing directory TF's NotFoundError), and when its input ends it
writes `{filename}.data-00000-of-00001` (none for an empty input) and then the index. An
iterator dropped before the end discards what it read, with TF's warning.

The contents are not TF's TensorBundle: the index is JSON, the data an `.npz` (no pickles)
holding each component stacked over the elements (or, for components whose shapes vary,
their values concatenated with the shapes beside them). tapeflow cannot read a cache TF
wrote, nor TF one tapeflow wrote.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time

import numpy as np

import tapeflow as tf

FORMAT = "tapeflow tf.data cache 1"

_PARTIAL = (
    "The calling iterator did not fully read the dataset being cached. In order to avoid "
    "unexpected truncation of the dataset, the partially cached contents of the dataset  will "
    "be discarded. This can happen if you have an input pipeline similar to "
    "`dataset.cache().take(k).repeat()`. You should use `dataset.take(k).cache().repeat()` "
    "instead."
)  # TF's text (its double space too)


def index_path(filename: str) -> str:
    return f"{filename}.index"


def _data_path(filename: str) -> str:
    return f"{filename}.data-00000-of-00001"


def _op_error(cls, message: str):
    return cls(None, None, f"{message} [Op:IteratorGetNext]")


def write_through(filename: str, elements, flatten):
    """Yields `elements`, writing them to the cache files when they end (see the module)."""
    lock = f"{filename}_0.lockfile"
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        with open(lock) as f:
            contents = f.read()
        raise _op_error(
            tf.errors.AlreadyExistsError,
            "There appears to be a concurrent caching iterator running - cache lockfile already "
            f"exists ('{lock}'). If you are sure no other running TF computations are using "
            "this cache prefix, delete the lockfile and re-initialize the iterator. Lockfile "
            f"contents: {contents}",
        ) from None
    except FileNotFoundError:
        raise _op_error(tf.errors.NotFoundError, f"{lock}; No such file or directory") from None
    with os.fdopen(fd, "w") as f:
        f.write(f"Created at: {int(time.time())}")
    complete = False
    try:
        seen = []
        for element in elements:
            seen.append(flatten(element))
            yield element
        _write(filename, seen)
        complete = True
    finally:
        with contextlib.suppress(FileNotFoundError):  # someone deleted it, as TF allows
            os.remove(lock)
        if not complete:
            logging.getLogger("tapeflow").warning(_PARTIAL)


def _write(filename: str, elements: list) -> None:
    """Writes the flattened `elements` (lists of arrays): the data file, then the index."""
    components = len(elements[0]) if elements else 0
    arrays, layout = {}, []
    for j in range(components):
        column = [np.asarray(e[j]) for e in elements]
        shapes = {a.shape for a in column}
        if len(shapes) == 1:
            arrays[f"c{j}"] = np.stack(column)
            layout.append("stacked")
        else:
            arrays[f"c{j}_values"] = np.concatenate([a.ravel() for a in column])
            arrays[f"c{j}_ranks"] = np.array([a.ndim for a in column], np.int64)
            arrays[f"c{j}_dims"] = np.array([d for a in column for d in a.shape], np.int64)
            layout.append("ragged")
    if elements:
        temporary = _data_path(filename) + ".tempstate"
        with open(temporary, "wb") as f:
            np.savez(f, **arrays)
        os.replace(temporary, _data_path(filename))
    index = {"format": FORMAT, "elements": len(elements), "layout": layout}
    temporary = index_path(filename) + ".tempstate"
    with open(temporary, "w") as f:
        json.dump(index, f)
    os.replace(temporary, index_path(filename))


def read_tensors(filename: str) -> list:
    """The cached tensors (NumPy arrays) in order: element by element, component by
    component."""
    try:
        with open(index_path(filename)) as f:
            index = json.load(f)
        if index.get("format") != FORMAT:
            raise ValueError
    except (ValueError, UnicodeDecodeError, AttributeError):
        raise _op_error(
            tf.errors.DataLossError,
            f"{index_path(filename)} is not a cache tapeflow wrote (TF's own cache files "
            "cannot be read)",
        ) from None
    n, layout = index["elements"], index["layout"]
    if n == 0:
        return []
    try:
        data = np.load(_data_path(filename), allow_pickle=False)
    except (OSError, ValueError):
        raise _op_error(
            tf.errors.DataLossError, f"{_data_path(filename)}: missing or not a tapeflow cache"
        ) from None
    with data:
        columns = []
        for j, kind in enumerate(layout):
            if kind == "stacked":
                stacked = data[f"c{j}"]
                columns.append([np.asarray(stacked[i]) for i in range(n)])
                continue
            values, ranks, dims = data[f"c{j}_values"], data[f"c{j}_ranks"], data[f"c{j}_dims"]
            column, at, d = [], 0, 0
            for rank in ranks:
                shape = tuple(int(x) for x in dims[d : d + rank])
                size = int(np.prod(shape, dtype=np.int64))
                column.append(values[at : at + size].reshape(shape))
                at, d = at + size, d + rank
            columns.append(column)
    return [column[i] for i in range(n) for column in columns]
