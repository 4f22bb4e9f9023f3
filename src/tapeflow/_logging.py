"""Library logging, TF style: warnings that repeat at most N times per user call site."""

from __future__ import annotations

import logging
import os
import sys

logger = logging.getLogger("tapeflow")
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_counts: dict = {}


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
        logger.warning(message, *args)
