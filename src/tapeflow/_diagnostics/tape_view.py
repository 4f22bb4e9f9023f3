"""What a GradientTape holds: `tape_stats` (entries, tensors and bytes kept for backward)
and `tape_table` (the recorded ops in order).

Read after the fact from the tape's entries (`tape.Entry`), so recording pays nothing.
A pruned value (a data-free stand-in, zero strides) holds one element's bytes. The
user's line of an op is known only where it was noted while recording (sites.py: on
while `tf.debugging.enable_check_numerics()` or `record_source_lines()` is).
"""

from __future__ import annotations

import collections

import numpy as np

from . import sites as _sites

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


TapeRow = collections.namedtuple(
    "TapeRow", ["index", "op", "inputs", "outputs", "site", "kept_bytes"]
)
TapeRow.__doc__ = """One recorded op: its position, op type, inputs and outputs as
    (shape, dtype name) pairs, the user's line (a `Site`: file, line, function,
    text; None where it was not noted) and the bytes of the values it keeps for the
    backward pass that no earlier row keeps (so the column sums to `tape_stats`'s
    `bytes_held`)."""


class TapeTable:
    """The rows of `tape_table`: a sequence of `TapeRow`, printed as a table."""

    def __init__(self, rows: list):
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, index):
        return self.rows[index]

    def __str__(self) -> str:
        header = ("#", "op", "inputs", "outputs", "kept", "line")
        cells = [header]
        for row in self.rows:
            cells.append(
                (
                    str(row.index),
                    row.op,
                    ", ".join(_spec(s, d) for s, d in row.inputs),
                    ", ".join(_spec(s, d) for s, d in row.outputs),
                    _size(row.kept_bytes),
                    _line(row.site),
                )
            )
        widths = [max(len(c[i]) for c in cells) for i in range(len(header) - 1)]
        lines = [
            "  ".join(
                c.ljust(w) if i != 4 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))
            )
            + "  "
            + r[-1]
            for r in cells
        ]
        total = sum(row.kept_bytes for row in self.rows)
        lines.append(f"{len(self.rows)} ops, {_size(total)} kept for the backward pass")
        if any(row.site is None for row in self.rows):
            lines.append(
                "(lines are noted only while recording with tf.debugging.enable_check_numerics() "
                "or tapeflow.experimental.record_source_lines() on)"
            )
        return "\n".join(line.rstrip() for line in lines)

    __repr__ = __str__


def _spec(shape: tuple, dtype: str) -> str:
    return f"{dtype}[{','.join(str(d) for d in shape)}]"


def _size(n: int) -> str:
    """Bytes as "40 B", "1.5 KB", "2.0 MB", ..."""
    if n < 1024:
        return f"{n} B"
    value = n / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def _line(site, width: int = 48) -> str:
    """The line column: `text` (cut to `width` characters) at file:line."""
    if site is None:
        return "(not recorded)"
    if len(site.text) > width:
        site = site._replace(text=site.text[: width - 3] + "...")
    return _sites.describe(site)


def tape_table(tape) -> TapeTable:
    """The ops a tape recorded, in order, with what each keeps for the backward pass.

    Args:
      tape: a `tf.GradientTape` that has recorded (and not been released).

    Returns:
      A `TapeTable`: its rows are `TapeRow`s (index, op type, input and output
      (shape, dtype) pairs, the user's line where it was noted, kept bytes);
      `str()` prints them as a table.

    Raises:
      TypeError: if `tape` is not a GradientTape.
      ValueError: if the tape holds no record (never entered, or released).

    >>> with tapeflow.experimental.record_source_lines(), tf.GradientTape() as t:
    ...     t.watch(x)
    ...     y = tf.sqrt(x)
    >>> print(tapeflow.experimental.tape_table(t))
    #  op    inputs      outputs     kept  line
    0  Sqrt  float32[2]  float32[2]  16 B  `y = tf.sqrt(x)` at model.py:3
    1 ops, 16 B kept for the backward pass
    """
    record = _record(tape)
    noted = _sites.record_of(record)
    seen: set = set()
    rows = []
    for index, (op, inputs, outputs, _) in enumerate(record.entries):
        outs = outputs if type(outputs) is tuple else (outputs,)
        kept = 0
        for t in (*inputs, *outs):
            if t._id not in seen:
                seen.add(t._id)
                kept += _held_bytes(t._value)
        where = None if noted is None else noted.sites.get(outs[0]._id)
        rows.append(
            TapeRow(
                index,
                op.type,
                tuple((tuple(np.shape(t._value)), t._dtype.name) for t in inputs),
                tuple((tuple(np.shape(t._value)), t._dtype.name) for t in outs),
                _sites.as_site(where),
                kept,
            )
        )
    return TapeTable(rows)
