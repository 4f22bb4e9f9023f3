"""Element structures of tf.data: nests of tuples (namedtuples too) and dicts over leaves.

Leaves inside the pipeline are NumPy arrays (0-d for scalars) or datasets (`window`);
they become EagerTensors only where the user sees them. As in TF, dict entries flatten in
sorted key order but a dict keeps its own key order when rebuilt, and a Python list is a
tensor (converted), not a structure.
"""

from __future__ import annotations

import numpy as np

import tapeflow as tf


def flatten(structure) -> list:
    """The leaves of `structure` in TF's order."""
    if isinstance(structure, dict):
        out = []
        for key in sorted(structure):
            out.extend(flatten(structure[key]))
        return out
    if isinstance(structure, tuple):
        out = []
        for item in structure:
            out.extend(flatten(item))
        return out
    return [structure]


def pack(template, leaves: list):
    """`leaves` (in `flatten`'s order) rebuilt into `template`'s shape."""
    it = iter(leaves)
    return _pack(template, it)


def _pack(template, it):
    if isinstance(template, dict):
        values = {key: _pack(template[key], it) for key in sorted(template)}
        return type(template)((key, values[key]) for key in template)
    if isinstance(template, tuple):
        items = [_pack(item, it) for item in template]
        if hasattr(template, "_fields"):  # a namedtuple
            return type(template)(*items)
        return tuple(items)
    return next(it)


def map_structure(fn, structure):
    """`structure` with `fn` applied to each leaf."""
    return pack(structure, [fn(leaf) for leaf in flatten(structure)])


def is_dataset(value) -> bool:
    return isinstance(value, tf.data.Dataset)


def to_leaf(value):
    """A user value as a pipeline leaf: a NumPy array with TF's dtype rules (Python floats
    float32, ints int32, NumPy dtypes kept), or a dataset as it is."""
    if isinstance(value, tf.Tensor):
        return value.numpy()
    if is_dataset(value):
        return value
    if isinstance(value, np.ndarray):
        return np.array(value)  # a copy, as TF's conversion to a tensor: later edits to the
        # user's array do not reach the dataset
    return tf.convert_to_tensor(value).numpy()


def normalize(value, lists_are_tuples: bool = False):
    """A user structure with its leaves converted (`to_leaf`)."""
    if lists_are_tuples and isinstance(value, list):
        value = tuple(value)
    if isinstance(value, (dict, tuple)):
        return map_structure(to_leaf, value)
    return to_leaf(value)


def leaf_spec(leaf):
    """The spec of one pipeline leaf."""
    if is_dataset(leaf):
        return tf.data.DatasetSpec(leaf.element_spec)
    return tf.TensorSpec(leaf.shape, tf.as_dtype(leaf.dtype))


def spec_of(element):
    return map_structure(leaf_spec, element)


def to_tensor(leaf):
    """A pipeline leaf as the user sees it (EagerTensor, or the dataset)."""
    if is_dataset(leaf):
        return leaf
    return tf.constant(leaf)


def to_numpy(leaf):
    """A pipeline leaf as `as_numpy_iterator` gives it: NumPy scalars for 0-d values."""
    if isinstance(leaf, np.generic):
        return leaf
    if leaf.ndim == 0:
        return leaf[()]
    return np.array(leaf)


def to_tensors(element):
    return map_structure(to_tensor, element)


def from_user(element):
    """A function's result (tensors, NumPy or Python values) as a pipeline element."""
    return normalize(element, lists_are_tuples=True)


def same_structure(a, b) -> bool:
    if isinstance(a, dict) or isinstance(b, dict):
        return (
            isinstance(a, dict)
            and isinstance(b, dict)
            and sorted(a) == sorted(b)
            and all(same_structure(a[k], b[k]) for k in a)
        )
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (
            isinstance(a, tuple)
            and isinstance(b, tuple)
            and len(a) == len(b)
            and all(same_structure(x, y) for x, y in zip(a, b))
        )
    return True
