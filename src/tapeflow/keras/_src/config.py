"""`keras.config` settings owned by the training stack, and tapeflow's progress-bar mode.

Keras' names: interactive logging (re-exported from `utils.io_utils`), `max_epochs` /
`max_steps_per_epoch` (debugging caps, also read from the `KERAS_MAX_EPOCHS` /
`KERAS_MAX_STEPS_PER_EPOCH` environment variables as Keras does).

tapeflow extension: `set_progress("plain")` makes `fit`/`evaluate`/`predict(verbose=1)` write
plain lines (no `\\b`, `\\r` or ANSI codes: one line per ~10% of the steps and one per epoch),
readable in log files; `set_progress("keras")` (the default) keeps Keras' bytes. The initial
mode can be set with the `TAPEFLOW_PROGRESS` environment variable.
"""

from __future__ import annotations

import os

from .utils.io_utils import (  # noqa: F401
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)

_PROGRESS_MODES = ("keras", "plain")


def _env_int(name):
    return int(os.environ[name]) if name in os.environ else None


_settings = {
    "max_epochs": _env_int("KERAS_MAX_EPOCHS"),
    "max_steps_per_epoch": _env_int("KERAS_MAX_STEPS_PER_EPOCH"),
    "progress": os.environ.get("TAPEFLOW_PROGRESS", "keras"),
}
if _settings["progress"] not in _PROGRESS_MODES:
    _settings["progress"] = "keras"


def set_max_epochs(max_epochs) -> None:
    """Caps the number of epochs of every `fit` call (`None`: no cap). For debugging."""
    _settings["max_epochs"] = max_epochs


def max_epochs():
    """The cap on `fit`'s epochs set by `set_max_epochs`, or `None`."""
    return _settings["max_epochs"]


def set_max_steps_per_epoch(max_steps_per_epoch) -> None:
    """Caps the steps of every `fit`/`evaluate`/`predict` epoch (`None`: no cap)."""
    _settings["max_steps_per_epoch"] = max_steps_per_epoch


def max_steps_per_epoch():
    """The cap set by `set_max_steps_per_epoch`, or `None`."""
    return _settings["max_steps_per_epoch"]


def set_progress(mode: str) -> None:
    """Chooses how `verbose=1` progress is printed (tapeflow extension, not in Keras).

    Args:
        mode: `"keras"` (default): Keras' redrawn bar, byte for byte (`\\b`/`\\r` redraws and
            ANSI colours, which make log files unreadable); `"plain"`: plain text lines, a
            `step/steps` line every ~10% of an epoch and a final line per epoch.
    """
    if mode not in _PROGRESS_MODES:
        raise ValueError(f"Invalid progress mode: {mode!r}. Expected one of {_PROGRESS_MODES}.")
    _settings["progress"] = mode


def get_progress() -> str:
    """The progress mode: `"keras"` (default) or `"plain"` (tapeflow extension)."""
    return _settings["progress"]
