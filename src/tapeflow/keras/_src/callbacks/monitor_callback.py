"""The base of callbacks that watch a metric: EarlyStopping, ReduceLROnPlateau, ModelCheckpoint."""

from __future__ import annotations

import warnings

import numpy as np

from .callback import Callback


def _as_array(x):
    # As keras.ops converts its inputs: a Python float becomes float32 and an int int32, so
    # two Python floats are compared in float32 (Keras' behaviour, observed on TF 2.21:
    # ops.less(0.1, 0.1 + 1e-9) is False).
    # (exact types: np.float64 subclasses float but keeps its dtype)
    if type(x) is bool:
        return np.asarray(x)
    if type(x) is int:
        return np.int32(x)
    if type(x) is float:
        return np.float32(x)
    if hasattr(x, "numpy") and not isinstance(x, np.generic):
        x = x.numpy()
    return np.asarray(x)


def _promote(x1, x2):
    a, b = _as_array(x1), _as_array(x2)
    # An int against a float takes the float's dtype (Keras' result_type), not float64.
    if a.dtype.kind in "biu" and b.dtype.kind == "f":
        a = a.astype(b.dtype)
    elif b.dtype.kind in "biu" and a.dtype.kind == "f":
        b = b.astype(a.dtype)
    return a, b


def less(x1, x2):
    """`x1 < x2` with Keras' dtype rules (`keras.ops.less`)."""
    a, b = _promote(x1, x2)
    return np.less(a, b)


def greater(x1, x2):
    """`x1 > x2` with Keras' dtype rules (`keras.ops.greater`)."""
    a, b = _promote(x1, x2)
    return np.greater(a, b)


def to_float(value) -> float:
    """A learning rate (variable, tensor, NumPy or Python number) as a Python float."""
    if hasattr(value, "numpy") and not isinstance(value, np.generic):
        value = value.numpy()
    return float(value)


class MonitorCallback(Callback):
    """Base class for callbacks that monitor a quantity and detect improvements.

    Args:
        monitor: Quantity to be monitored. Defaults to `"val_loss"`.
        mode: One of `{"auto", "min", "max"}`; `"auto"` infers the direction from the
            metric (`loss` is minimised; a compiled metric's direction is its own).
        baseline: Initial "best" value; `None` takes the first monitored value.
        min_delta: Minimum change that counts as an improvement.

    Raises:
        ValueError: If `mode="auto"` and the direction cannot be inferred (when the first
            epoch ends).
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ["auto", "min", "max"]:
            warnings.warn(
                f"{self.__class__.__name__} mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=2,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _compiled_metrics(self):
        # Keras looks only inside the trainer's metric containers (CompileMetrics,
        # MetricsList), not at trackers listed directly in `model.metrics`.
        found = []
        for m in self.model.metrics:
            if type(m).__name__ in ("CompileMetrics", "MetricsList"):
                found.extend(m.metrics)
        return found

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = less
        elif self.mode == "max":
            self.monitor_op = greater
        else:
            metric_name = self.monitor.removeprefix("val_")
            if metric_name == "loss":
                self.monitor_op = less
            if hasattr(self.model, "metrics"):
                for m in self._compiled_metrics():
                    if m.name == metric_name and hasattr(m, "_direction"):
                        self.monitor_op = greater if m._direction == "up" else less
            if self.monitor_op is None:
                raise ValueError(
                    f"{self.__class__.__name__} callback received "
                    f"monitor={self.monitor}, but Keras isn't able to "
                    "automatically determine whether that metric should be "
                    "maximized or minimized. Pass `mode='max'` in order to "
                    "monitor based on the highest metric value, or pass "
                    "`mode='min'` in order to use the lowest value."
                )
        if self.monitor_op is less:
            self.min_delta *= -1

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        return self.monitor_op(monitor_value - self.min_delta, reference_value)
