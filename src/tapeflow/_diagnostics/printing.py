"""`tf.print`: prints tensors the way TensorFlow's PrintV2 kernel formats them.

The format differs from NumPy's: elements are separated by single spaces with
no alignment, bools print as 1/0, floats with the fewest of 6 or 9 significant
digits (15 or 17 for float64) that read back exactly, and each dimension longer
than `2 * summarize` shows only its first and last `summarize` entries around
"...": `[0 1 2 ... 7 8 9]`.

Inside a traced `tf.function`, `tf.print` is a step of the recorded program (TF's
PrintV2 is a graph op): it prints the values of each replay, not the trace's.
"""

from __future__ import annotations

import sys
import threading
import weakref

import numpy as np

from .._core import tape as _tape
from .._core.tensor import Tensor, _is_variable, convert_to_tensor, make

_FLOAT_DIGITS = {2: (6, 9), 4: (6, 9), 8: (15, 17)}  # by itemsize: (short, exact)


def print_v2(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None, **kwargs):
    """Prints `inputs` (tensors, Python values, nested structures) to `output_stream`.

    Unlike Python's print, tensors are shown as TF shows them (`[1 2]`, not
    `tf.Tensor([1 2], ...)`); a top-level string is printed as is and other
    Python values by their repr, with tensors inside lists, tuples and dicts
    formatted in place.

    Args:
      *inputs: what to print.
      output_stream: `sys.stderr` (the default), `sys.stdout`, or a string
        `"file://<path>"` to append to a file.
      summarize: the number of leading and trailing entries printed per
        dimension; None or -1 prints everything.
      sep: printed between inputs.
      end: printed after the last input.
      name: ignored (eager mode).

    Inside a traced `tf.function` the call is recorded as a step that prints on
    every replay, with that replay's values, as TF's graph op does; a stream that
    is `sys.stdout` or `sys.stderr` when traced is looked up again at each replay.

    Raises:
      ValueError: for an unknown keyword argument or unsupported output stream.

    >>> tf.print(tf.constant([1, 2]), output_stream=sys.stdout)
    [1 2]
    """
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments for tf.print: {kwargs}")
    stream = _stream(output_stream)
    trace = _tape.state.trace
    if trace is not None:
        inputs = _record(trace, inputs, stream, summarize, sep, end)
    _write(stream, sep.join(_format_input(x, summarize) for x in inputs) + end)


def _stream(output_stream):
    """`output_stream` as the name of a `sys` stream ("stdout", "__stderr__", ...) or a
    "file://" path; TF's error for others."""
    if output_stream is None:
        return "stderr"
    if isinstance(output_stream, str) and output_stream.startswith("file://"):
        return output_stream
    for name in ("stdout", "stderr", "__stdout__", "__stderr__"):
        if output_stream is getattr(sys, name):
            return name
    raise ValueError(
        f"Unsupported output stream, logging level, or file.{output_stream}. Supported "
        "streams are sys.stdout, sys.stderr, tf.logging.info, tf.logging.warning, "
        "tf.logging.error. File needs to be in the form of 'file://<filepath>'."
    )


def _write(stream: str, text: str) -> None:
    if stream.startswith("file://"):
        with open(stream[len("file://") :], "a") as f:
            f.write(text)
        return
    out = getattr(sys, stream)
    out.write(text)
    out.flush()


def _record(trace, inputs: tuple, stream: str, summarize, sep: str, end: str) -> tuple:
    """Appends a step printing `inputs` to `trace`'s program (its tensors are the step's
    inputs, read afresh per replay); returns `inputs` with variables read, to print now.

    Only a function's own trace takes such a step: a control-flow branch or loop body is
    traced even where it does not run (it would print here when TF does not), and other
    recorders (vectorized_map's) replay ops only; there the call is a side effect.
    """
    from .._compile import trace as _trace  # loaded by then: a trace is recording

    if type(trace) is not _trace.Trace:
        _tape.side_effect("it calls tf.print inside a control-flow construct or vectorized_map")
        return inputs
    tensors: list = []

    def hole(x):
        if isinstance(x, Tensor) or _is_variable(x):
            t = convert_to_tensor(x)  # a variable's read is a step: its value per replay
            tensors.append(t)
            return _Hole(len(tensors) - 1, t._dtype)
        return x

    template = _map_inputs(inputs, hole)
    tracing = weakref.ref(trace)  # alive only while tracing: its check replay stays quiet

    def print_step(*values):
        current = tracing()
        if current is None or not current.checking:
            filled = _map_inputs(template, lambda x: _fill(x, values))
            text = sep.join(_format_input(x, summarize) for x in filled) + end
            held = getattr(_held, "texts", None)
            if held is None:
                _write(stream, text)
            else:
                held.append((stream, text))
        return np.True_

    slots = tuple(trace._input(t) for t in tensors)
    trace.steps.append((print_step, slots, None, trace._new_slot(np.True_), "PrintV2"))
    return _map_inputs(template, lambda x: tensors[x.index] if type(x) is _Hole else x)


_held = threading.local()  # .texts: the prints of the replay running in this thread


def hold():
    """Makes this thread's recorded print steps keep their text until `release` (a
    replay prints nothing if it fails: the body then reruns eagerly and prints once)."""
    previous = getattr(_held, "texts", None)
    _held.texts = []
    return previous


def release(previous, write: bool) -> None:
    """Ends `hold`: writes what was held, in order, if `write`."""
    texts = _held.texts
    _held.texts = previous
    if write:
        for stream, text in texts:
            _write(stream, text)


class _Hole:
    """Where a tensor stood in the inputs of a recorded print: its index and dtype."""

    __slots__ = ("index", "dtype")

    def __init__(self, index: int, dtype):
        self.index, self.dtype = index, dtype


def _fill(x, values: tuple):
    return make(values[x.index], x.dtype) if type(x) is _Hole else x


def _map_inputs(x, fn):
    """`x` with `fn` applied to each leaf inside lists, tuples and dicts (as printed)."""
    if isinstance(x, dict):
        return {k: _map_inputs(v, fn) for k, v in x.items()}
    if isinstance(x, list):
        return [_map_inputs(v, fn) for v in x]
    if type(x) is tuple:
        return tuple(_map_inputs(v, fn) for v in x)
    return fn(x)


def _format_input(x, summarize) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, Tensor) or _is_variable(x):
        return format_tensor(x, summarize)
    return _format_structure(x, summarize)


def _format_structure(x, summarize) -> str:
    """A Python value by its repr, with the tensors inside it formatted (sorted dict keys)."""
    if isinstance(x, Tensor) or _is_variable(x):
        return format_tensor(x, summarize)
    if isinstance(x, dict):
        try:
            keys = sorted(x)
        except TypeError:
            keys = list(x)
        items = ", ".join(f"{k!r}: {_format_structure(x[k], summarize)}" for k in keys)
        return "{" + items + "}"
    if isinstance(x, list):
        return "[" + ", ".join(_format_structure(v, summarize) for v in x) + "]"
    if type(x) is tuple:
        items = [_format_structure(v, summarize) for v in x]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    return repr(x)


def format_tensor(tensor, summarize=3) -> str:
    """The text `tf.print` shows for one tensor, e.g. `[[1 2]\\n [3 4]]`."""
    value = np.asarray(tensor.numpy() if _is_variable(tensor) else tensor._value)
    if value.ndim == 0 and value.dtype.kind in "SUO":
        return _text(value.item())
    size = value.size
    # Each dimension shows at most `ends` entries at each end; never more than the size,
    # which is why an empty 2-D tensor prints as "[\n ...]" in TF.
    ends = size if summarize is None or summarize < 0 else min(summarize, size)
    flat = value.reshape(-1)
    formatter = _element_formatter(value.dtype)
    return _format_dim(flat, value.shape, 0, 0, ends, formatter)


def _format_dim(flat, shape, dim, offset, ends, formatter) -> str:
    if dim == len(shape):
        return formatter(flat[offset])
    count = shape[dim]
    stride = int(np.prod(shape[dim + 1 :], dtype=np.int64))
    # Between entries: a space in the last dimension, else a newline per remaining
    # dimension plus one space of indent per enclosing bracket.
    spacing = " " if dim == len(shape) - 1 else "\n" * (len(shape) - dim - 1) + " " * (dim + 1)
    head = range(min(ends, count))
    tail = range(max(ends, count - ends), count)
    text = spacing.join(
        _format_dim(flat, shape, dim + 1, offset + i * stride, ends, formatter) for i in head
    )
    if count > 2 * ends:
        text += spacing + "..."  # even with no head entries: summarize=0 prints "[ ...]"
    for i in tail:
        text += spacing + _format_dim(flat, shape, dim + 1, offset + i * stride, ends, formatter)
    return "[" + text + "]"


def _element_formatter(dtype: np.dtype):
    kind = dtype.kind
    if kind == "b":
        return lambda v: "1" if v else "0"
    if kind in "iu":
        return lambda v: str(int(v))
    if kind == "f":
        short, exact = _FLOAT_DIGITS.get(dtype.itemsize, (15, 17))
        compare = np.float64 if dtype.itemsize == 8 else np.float32
        return lambda v: _format_float(v, short, exact, compare)
    if kind == "c":
        return lambda v: "?"  # TF's PrintV2 has no complex formatting
    return lambda v: '"' + _text(v).encode("unicode_escape").decode("ascii") + '"'


def _format_float(v, short: int, exact: int, compare) -> str:
    """The shortest of `short` or `exact` significant digits that reads back as `v`."""
    if not np.isfinite(v):
        return "nan" if np.isnan(v) else ("inf" if v > 0 else "-inf")
    v = compare(v)  # float16 is printed through float32, as TF does
    text = f"{float(v):.{short}g}"
    if compare(float(text)) != v:
        text = f"{float(v):.{exact}g}"
    return text


def _text(v) -> str:
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
