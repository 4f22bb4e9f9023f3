"""Where Keras' console output goes: `print_msg` and interactive logging.

As in Keras, messages go to `sys.stdout` while interactive logging is on (the default) and to
`logging.info` otherwise. Keras sends them to `absl.logging`, whose Python logger is named
"absl"; tapeflow does not depend on absl, so it logs to the standard library logger of that
name, where handlers configured for absl still find them.
"""

from __future__ import annotations

import logging
import sys

from .. import backend

_state = {"interactive_logging": True}


def _reset() -> None:
    # Keras keeps the flag in its global state, which `clear_session()` wipes (observed on
    # TF 2.21: after clear_session interactive logging is enabled again).
    _state["interactive_logging"] = True


backend.on_clear_session(_reset)


def enable_interactive_logging() -> None:
    """Turns on interactive logging: Keras' messages are written to `sys.stdout`."""
    _state["interactive_logging"] = True


def disable_interactive_logging() -> None:
    """Turns off interactive logging: Keras' messages go to `logging` (the "absl" logger)."""
    _state["interactive_logging"] = False


def is_interactive_logging_enabled() -> bool:
    """Whether Keras' messages are written to `sys.stdout` (True) or to `logging`."""
    return _state["interactive_logging"]


def print_msg(message, line_break: bool = True) -> None:
    """Prints `message` to `sys.stdout` (or logs it when interactive logging is off).

    If the stream cannot encode a character, `━` is replaced by `=` (Keras 2's bar) and other
    unencodable characters are dropped, as Keras does.
    """
    message = str(message)
    if not is_interactive_logging_enabled():
        logging.getLogger("absl").info(message)
        return
    if line_break:
        message += "\n"
    try:
        sys.stdout.write(message)
    except UnicodeEncodeError:
        encoding = sys.stdout.encoding or "utf-8"
        message = message.replace("━", "=").encode(encoding, errors="ignore").decode(encoding)
        sys.stdout.write(message)
    sys.stdout.flush()


def ask_to_proceed_with_overwrite(filepath) -> bool:
    """Asks on stdin whether `filepath` may be overwritten; True means yes."""
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print_msg("[TIP] Next time specify overwrite=True!")
    return True
