"""`warn_on_numpy`: a warning when a tensor on a recording tape leaves it through NumPy.

A value converted to NumPy (`.numpy()`, `np.asarray`, `float()`, ...) is invisible to
the tape, so anything computed from it has no gradient. While enabled, the first such
conversion at each user line warns, naming the line. The tensor library already
declares these conversions (`tape.value_read`); the hook runs only while enabled.
"""

from __future__ import annotations

import linecache
import warnings

from .._core import tape as _tape
from . import sites as _sites


class NumpyRoundTripWarning(UserWarning):
    """A tensor recorded on a GradientTape was converted to NumPy while the tape recorded."""


_warned: set = set()  # (filename, lineno) already warned about


def _hook(t, what: str) -> None:
    tid = t._id
    for tape in _tape.state.tapes:
        if tid in tape.ids:
            break
    else:
        return
    frame = _sites.user_frame(1)
    if frame is None:
        return
    filename, lineno = frame.f_code.co_filename, frame.f_lineno
    if (filename, lineno) in _warned:
        return
    _warned.add((filename, lineno))
    code = linecache.getline(filename, lineno).strip()
    warnings.warn_explicit(
        f"A tensor recorded on a GradientTape left the tape through NumPy at "
        f"{filename}:{lineno} (`{code}`): {what}. Values computed from it have no gradient; "
        "compute with tapeflow ops instead.",
        NumpyRoundTripWarning,
        filename,
        lineno,
    )


class warn_on_numpy:  # noqa: N801 (used as a function and as a context manager)
    """Warns, once per line, when a tensor on a recording tape is converted to NumPy.

    Calling it turns the warning on (`warn_on_numpy(False)` turns it off); used as a
    context manager, the previous setting comes back on exit.

    >>> with tapeflow.experimental.warn_on_numpy():
    ...     with tf.GradientTape() as tape:
    ...         tape.watch(x)
    ...         y = tf.constant(x.numpy() ** 2)  # NumpyRoundTripWarning naming this line
    """

    def __init__(self, enable: bool = True):
        self._previous = _hook in _tape.value_hooks
        if enable and not self._previous:
            _tape.value_hooks.append(_hook)
        elif not enable:
            while _hook in _tape.value_hooks:
                _tape.value_hooks.remove(_hook)

    def __enter__(self) -> warn_on_numpy:
        return self

    def __exit__(self, typ, value, traceback) -> None:
        warn_on_numpy(self._previous)
