"""`tapeflow.experimental.compute`: several lazily backed tensors computed in one pass."""

from __future__ import annotations

from .._core import backend as _backend
from .._core import tape as _tape
from .._core.tensor import convert_to_tensor, make


def compute(*tensors) -> tuple:
    """The tensors' values, computed together: a tuple of NumPy-backed tensors.

    Tensors backed by Dask arrays are computed in one `dask.compute` call, on whichever
    scheduler is active (a `dask.distributed.Client` too), so the work their graphs share
    is done once: a loss and its gradients read each chunk of the data once, where
    `loss.numpy()` then `grad.numpy()` would read it twice. NumPy-backed tensors come
    back unchanged; variables are read; None stays None (as `tape.gradient` may return).

    >>> loss, grad = tapeflow.experimental.compute(loss, grad)  # doctest: +SKIP
    """
    ts = [None if t is None else convert_to_tensor(t) for t in tensors]
    for t in ts:
        if t is not None:
            _tape.value_read(t, "tf.experimental.compute reads tensors' values")
    values = _backend.compute(*[None if t is None else t._value for t in ts])
    out = []
    for t, value in zip(ts, values):
        if t is None:
            out.append(None)
        elif value is t._value:
            out.append(t)
        else:
            out.append(make(value[()] if value.ndim == 0 else value, t._dtype))
    return tuple(out)
