"""Library logging, TF style: warnings that repeat at most N times per user call site.

`logging` is imported on the first warning, not with tapeflow (import time).
"""

from __future__ import annotations

import os
import sys

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # tapeflow/
_counts: dict = {}


def warn(message: str, *args) -> None:
    """Logs a warning on the "tapeflow" logger."""
    import logging

    logging.getLogger("tapeflow").warning(message, *args)


def _user_call_site() -> tuple:
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    return (frame.f_code.co_filename, frame.f_lineno) if frame is not None else ("", 0)


def warn_first_n(n: int, message: str, *args) -> None:
    """Logs a warning unless it was already logged `n` times from the same user code line.

    TensorFlow rate-limits its GradientTape warnings the same way (absl's log_first_n).
    """
    key = (message, _user_call_site())
    count = _counts.get(key, 0)
    if count < n:
        _counts[key] = count + 1
        warn(message, *args)
