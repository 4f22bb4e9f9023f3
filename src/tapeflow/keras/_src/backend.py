"""Keras' global configuration: floatx, epsilon, image data format, and `clear_session`."""

from __future__ import annotations

from . import naming

_config = {"floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last"}
_session_hooks: list = []


def floatx() -> str:
    """The default float type, `'float32'` (a string, as Keras returns it)."""
    return _config["floatx"]


def set_floatx(value: str) -> None:
    accepted = {"bfloat16", "float16", "float32", "float64"}
    if value not in accepted:
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of {accepted}")
    _config["floatx"] = str(value)


def epsilon() -> float:
    """The fuzz factor Keras adds to avoid division by zero, 1e-7."""
    return _config["epsilon"]


def set_epsilon(value: float) -> None:
    _config["epsilon"] = value


def image_data_format() -> str:
    return _config["image_data_format"]


def set_image_data_format(data_format: str) -> None:
    data_format = str(data_format).lower()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    _config["image_data_format"] = data_format


def backend() -> str:
    """The backend's name: tf.keras reports `'tensorflow'`, and tapeflow plays that part."""
    return "tensorflow"


def on_clear_session(hook) -> None:
    """Registers `hook()` to run on `clear_session` (the global seed generator resets so)."""
    _session_hooks.append(hook)


def clear_session(free_memory: bool = True) -> None:
    """Resets Keras' global state: the auto-naming counters (the next Dense is `dense`)."""
    naming.reset()
    for hook in _session_hooks:
        hook()
