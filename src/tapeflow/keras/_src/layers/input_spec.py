"""`keras.InputSpec` and the input checks a layer runs before `call` (Keras' messages)."""

from __future__ import annotations

import tapeflow as tf

from ..variable import standardize_dtype, standardize_shape


class InputSpec:
    """What a layer accepts: `InputSpec(dtype=None, shape=None, ndim=None, max_ndim=None,
    min_ndim=None, axes=None, allow_last_axis_squeeze=False, name=None, optional=False)`."""

    def __init__(
        self,
        dtype=None,
        shape=None,
        ndim=None,
        max_ndim=None,
        min_ndim=None,
        axes=None,
        allow_last_axis_squeeze=False,
        name=None,
        optional=False,
    ):
        self.dtype = standardize_dtype(dtype) if dtype is not None else None
        if shape is not None:
            self.shape = standardize_shape(shape)
            self.ndim = len(shape)
        else:
            self.shape = None
            self.ndim = ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        try:
            axes = axes or {}
            self.axes = {int(k): axes[k] for k in axes}
        except (ValueError, TypeError) as e:
            raise TypeError(
                f"Argument `axes` must be a dict with integer keys. Received: axes={axes}"
            ) from e
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            max_dim = (self.ndim if self.ndim else self.max_ndim) - 1
            max_axis = max(self.axes)
            if max_axis > max_dim:
                raise ValueError(
                    f"Axis {max_axis} is greater than the maximum allowed value: {max_dim}"
                )

    def __repr__(self):
        spec = [
            (f"dtype={self.dtype}") if self.dtype else "",
            (f"shape={self.shape}") if self.shape else "",
            (f"ndim={self.ndim}") if self.ndim else "",
            (f"max_ndim={self.max_ndim}") if self.max_ndim else "",
            (f"min_ndim={self.min_ndim}") if self.min_ndim else "",
            (f"axes={self.axes}") if self.axes else "",
        ]
        return f"InputSpec({', '.join(x for x in spec if x)})"

    def get_config(self):
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _flatten(x) -> list:
    return tf.nest.flatten(x)


def assert_input_compatibility(input_spec, inputs, layer_name: str) -> None:
    """Raises Keras' ValueError when `inputs` do not fit `input_spec`."""
    if not input_spec:
        return
    if isinstance(input_spec, InputSpec) and tf.is_tensor(inputs):
        _check_one(input_spec, inputs, 0, layer_name)  # the common case, without nest
        return
    specs = _flatten(input_spec)
    if isinstance(inputs, dict):
        names = [spec.name for spec in specs]
        if all(names):
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(
                    f'Missing data for input "{missing[0]}". You passed a data dictionary with '
                    f"keys {list(inputs.keys())}. Expected the following keys: {names}"
                )
            inputs = [inputs[n] for n in names]
    flat = _flatten(inputs)
    if len(flat) != len(specs):
        names = [s.name for s in specs if s is not None]
        if len(names) == len(specs) and all(names):
            keys = ", ".join(f"'{n}': ..." for n in names)
            raise ValueError(
                f'Layer "{layer_name}" expects {len(specs)} named input(s) with keys {names}, '
                f"but it received {len(flat)} input tensors. Pass inputs as a dict, e.g. "
                f"`layer({{{keys}}})`."
            )
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), but it received '
            f"{len(flat)} input tensors. Inputs received: {flat}"
        )
    for index, (x, spec) in enumerate(zip(flat, specs)):
        if spec is None or (x is None and spec.optional):
            continue
        _check_one(spec, x, index, layer_name)


def _check_one(spec, x, index, layer_name):
    if not hasattr(x, "shape"):
        raise ValueError(
            f"Inputs to a layer should be tensors. Got '{x}' (of type {type(x)}) as input "
            f"for layer '{layer_name}'."
        )
    shape = tuple(x.shape.as_list()) if tf.is_tensor(x) else standardize_shape(x.shape)
    ndim = len(shape)

    def fail(expectation):
        raise ValueError(
            f"Input {index} with name '{spec.name}' of layer '{layer_name}' is incompatible "
            f"with the layer: {expectation}"
        )

    if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
        fail(f"expected ndim={spec.ndim}, found ndim={ndim}. Full shape received: {shape}")
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        fail(f"expected max_ndim={spec.max_ndim}, found ndim={ndim}")
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        fail(f"expected min_ndim={spec.min_ndim}, found ndim={ndim}. Full shape received: {shape}")
    if spec.dtype is not None:
        dtype = standardize_dtype(x.dtype)
        if dtype != spec.dtype:
            fail(f"expected dtype={spec.dtype}, found dtype={dtype}")
    for axis, value in (spec.axes or {}).items():
        if value is not None and shape[axis] not in {value, None}:
            fail(
                f"expected axis {axis} of input shape to have value {value}, but received "
                f"input with shape {shape}"
            )
    if spec.shape is not None:
        spec_shape = spec.shape
        if spec.allow_last_axis_squeeze:
            if shape and shape[-1] == 1:
                shape = shape[:-1]
            if spec_shape and spec_shape[-1] == 1:
                spec_shape = spec_shape[:-1]
        for spec_dim, dim in zip(spec_shape, shape):
            if spec_dim is not None and dim is not None and spec_dim != dim:
                fail(f"expected shape={spec.shape}, found shape={shape}")
