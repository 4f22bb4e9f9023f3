"""What a GradientTape holds: `tape_stats` (entries, tensors and bytes kept for backward).

Read after the fact from the tape's entries (`tape.Entry`), so recording pays nothing.
A pruned value (a data-free stand-in, zero strides) holds one element's bytes.
"""

from __future__ import annotations

import collections

import numpy as np

TapeStats = collections.namedtuple(
    "TapeStats", ["entries", "tensors_held", "bytes_held", "largest_holders"]
)
TapeStats.__doc__ = """Counts of a tape's record: `largest_holders` is a list of
    (bytes, op type, entry index, shape, dtype name), largest first."""


def _record(tape):
    """The recording tape inside a GradientTape, or TF-style ValueError for bad use."""
    record = getattr(tape, "_tape", False)
    if record is False:
        raise TypeError(f"Expected a tf.GradientTape, got {type(tape).__name__}.")
    if record is None:
        raise ValueError(
            "This GradientTape holds no record: it was never entered, or it is a "
            "non-persistent tape that already computed a gradient (which releases it)."
        )
    return record


def _held_bytes(value) -> int:
    if type(value) is np.ndarray and value.size and 0 in value.strides:
        return value.itemsize  # a stand-in: broadcast from one element
    return int(np.asarray(value).nbytes)


def tape_stats(tape, top: int = 5) -> TapeStats:
    """How much a tape holds for its backward pass.

    Args:
      tape: a `tf.GradientTape` that has recorded (and not been released).
      top: how many of the largest held tensors to list.

    Returns:
      A `TapeStats`: entries, distinct tensors held, their bytes, the largest holders.

    Raises:
      TypeError: if `tape` is not a GradientTape.
      ValueError: if the tape holds no record (never entered, or released).
    """
    entries = _record(tape).entries
    seen: dict = {}  # tensor id -> (bytes, op type, entry index, shape, dtype)
    for index, (op, inputs, outputs, _) in enumerate(entries):
        outs = outputs if type(outputs) is tuple else (outputs,)
        for t in (*inputs, *outs):
            if t._id not in seen:
                seen[t._id] = (
                    _held_bytes(t._value),
                    op.type,
                    index,
                    tuple(np.shape(t._value)),
                    t._dtype.name,
                )
    holders = sorted(seen.values(), key=lambda h: (-h[0], h[2]))[:top]
    return TapeStats(len(entries), len(seen), sum(h[0] for h in seen.values()), holders)
