"""`tf.nest`: flattening and rebuilding nested lists, tuples, namedtuples and dicts.

As in TensorFlow, dicts flatten in sorted-key order, None and tensors are leaves.
"""

from __future__ import annotations

import collections.abc

_NESTED_TYPES = (list, tuple, collections.abc.Mapping)
# type -> whether its instances are nested, filled on first sight. A type's subclassing is fixed
# when it is created; only registering it with collections.abc.Mapping afterwards (rare) would
# be missed, as it would be by any cache of isinstance on an ABC.
_nested_by_type: dict = {list: True, tuple: True, dict: True}


def is_nested(structure) -> bool:
    """True for lists, tuples (incl. namedtuples) and mappings; tensors are leaves."""
    t = type(structure)
    nested = _nested_by_type.get(t)
    if nested is None:
        nested = _nested_by_type[t] = isinstance(structure, _NESTED_TYPES)
    return nested


def _sorted_keys(mapping) -> list:
    try:
        return sorted(mapping)
    except TypeError as e:
        raise TypeError("nest only supports dicts with sortable keys.") from e


def _children(structure) -> list:
    t = type(structure)
    if t is list or t is tuple:
        return list(structure)
    if t is dict or isinstance(structure, collections.abc.Mapping):
        return [structure[k] for k in _sorted_keys(structure)]
    return list(structure)


def flatten(structure, expand_composites: bool = False) -> list:
    """Returns the leaves of `structure` in TF's order.

    >>> tf.nest.flatten({"b": 2, "a": [1, None]})
    [1, None, 2]
    """
    if not is_nested(structure):
        return [structure]
    out = []
    stack = [structure]
    nested_by_type = _nested_by_type
    while stack:
        item = stack.pop()
        nested = nested_by_type.get(type(item))
        if nested is None:
            nested = is_nested(item)
        if nested:
            stack.extend(reversed(_children(item)))
        else:
            out.append(item)
    return out


def _rebuild(structure, children: list):
    t = type(structure)
    if t is tuple:
        return tuple(children)
    if t is list:
        return children
    if t is dict:
        values = dict(zip(_sorted_keys(structure), children))
        return {k: values[k] for k in structure}  # keep the caller's key order
    if isinstance(structure, collections.abc.Mapping):
        values = dict(zip(_sorted_keys(structure), children))
        result = {k: values[k] for k in structure}  # keep the caller's key order
        if type(structure) is dict:
            return result
        try:
            return type(structure)(result)
        except TypeError:
            return result
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        return type(structure)(*children)
    if isinstance(structure, tuple):
        return tuple(children)
    return list(children) if type(structure) is list else type(structure)(children)


def pack_sequence_as(structure, flat_sequence, expand_composites: bool = False):
    """Rebuilds `structure` with its leaves replaced, in order, by `flat_sequence`.

    Raises:
      ValueError: if the number of leaves does not match.
    """
    flat_sequence = list(flat_sequence)
    n = len(flatten(structure))
    if n != len(flat_sequence):
        raise ValueError(
            f"Could not pack sequence. Structure had {n} atoms, but flat_sequence had "
            f"{len(flat_sequence)} items. Structure: {structure}, flat_sequence: {flat_sequence}."
        )
    if not is_nested(structure):
        return flat_sequence[0]
    position = 0

    def build(node):
        nonlocal position
        if not is_nested(node):
            position += 1
            return flat_sequence[position - 1]
        return _rebuild(node, [build(child) for child in _children(node)])

    return build(structure)


def assert_same_structure(nest1, nest2, check_types: bool = True, expand_composites=False) -> None:
    """Raises ValueError (or TypeError for differing sequence types) unless the nestings match."""
    stack = [(nest1, nest2)]
    while stack:
        a, b = stack.pop()
        if is_nested(a) != is_nested(b):
            raise ValueError(
                f"The two structures don't have the same nested structure.\n\nFirst structure: "
                f"{nest1}\n\nSecond structure: {nest2}"
            )
        if not is_nested(a):
            continue
        if check_types and type(a) is not type(b):
            raise TypeError(
                f"The two structures don't have the same sequence type. Input structure has type "
                f"{type(a)}, while shallow structure has type {type(b)}."
            )
        if isinstance(a, collections.abc.Mapping) and _sorted_keys(a) != _sorted_keys(b):
            raise ValueError(
                f"The two dictionaries don't have the same set of keys. First structure has keys "
                f"{_sorted_keys(a)}, while second structure has keys {_sorted_keys(b)}."
            )
        ca, cb = _children(a), _children(b)
        if len(ca) != len(cb):
            raise ValueError(
                f"The two structures don't have the same number of elements.\n\nFirst structure: "
                f"{nest1}\n\nSecond structure: {nest2}"
            )
        stack.extend(zip(ca, cb))


def map_structure(func, *structure, check_types: bool = True, expand_composites=False):
    """Applies `func` to corresponding leaves of the structures; returns the first's nesting."""
    if not structure:
        raise ValueError("Must provide at least one structure")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    flats = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*leaves) for leaves in zip(*flats)])
