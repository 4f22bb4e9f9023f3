"""`keras.layers.Flatten`, `Reshape`, `Permute`, `RepeatVector`, `UpSampling2D`,
`ZeroPadding2D` and `Cropping2D`."""

from __future__ import annotations

import math

import tapeflow as tf

from .. import _utils
from ..input_spec import InputSpec
from ..layer import Layer


class Flatten(Layer):
    """`Flatten(data_format=None)`: (batch, ...) -> (batch, prod(...)); channels_first
    inputs are moved to channels_last first, as Keras."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _utils.standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)
        self._channels_first = self.data_format == "channels_first"

    def call(self, inputs):
        shape = inputs.shape.as_list()
        if self._channels_first and len(shape) > 1:
            inputs = tf.transpose(inputs, (0, *range(2, len(shape)), 1))
        return tf.reshape(inputs, (shape[0], math.prod(shape[1:])))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if not rest:
            dim = 1
        elif any(d is None for d in rest):
            dim = None
        else:
            dim = math.prod(rest)
        return (input_shape[0], dim)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


def _validate_reshape(target_shape, name="target_shape"):
    unknown = 0
    for dim in target_shape:
        if not isinstance(dim, int):
            continue
        if dim < -1:
            raise ValueError(
                f"Each dimension in `{name}` must be a non-negative integer, or `-1` for a "
                f"single unknown dimension. Received: {name}={target_shape}."
            )
        unknown += dim == -1
    if unknown > 1:
        raise ValueError(
            f"There must be at most one unknown dimension (-1) in `{name}`. Received: "
            f"{name}={target_shape}."
        )


def _reshape_output(input_shape, target_shape, name="target_shape"):
    """Keras' `compute_reshape_output_shape`: resolves the -1 (or leaves None)."""
    _validate_reshape(target_shape, name)
    target_shape = tuple(target_shape)
    if None in input_shape:
        return tuple(None if d == -1 else d for d in target_shape)
    size = math.prod(input_shape)
    if -1 not in target_shape:
        if size != math.prod(target_shape):
            raise ValueError(
                "The total size of the tensor must be unchanged. Received: "
                f"input_shape={input_shape}, {name}={target_shape}"
            )
        return target_shape
    known = math.prod(d for d in target_shape if d != -1)
    if known == 0 or size % known != 0:
        raise ValueError(
            "The total size of the tensor must be unchanged, however, the input size cannot "
            f"by divided by the specified dimensions in {name}. Received: "
            f"input_shape={input_shape}, {name}={target_shape}"
        )
    return tuple(size // known if d == -1 else d for d in target_shape)


class Reshape(Layer):
    """`Reshape(target_shape)`: reshapes the non-batch dimensions (one may be -1)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        _validate_reshape(target_shape)
        self.target_shape = target_shape
        self.built = True

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *_reshape_output(tuple(input_shape[1:]), self.target_shape))

    def call(self, inputs):
        shape = inputs.shape.as_list()
        target = _reshape_output(tuple(shape[1:]), self.target_shape)
        return tf.reshape(inputs, (shape[0], *target))

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """`Permute(dims)`: permutes the non-batch axes (`dims` counts from 1)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def call(self, inputs):
        return tf.transpose(inputs, (0, *self.dims))

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """`RepeatVector(n)`: (batch, features) -> (batch, n, features)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        if n <= 0:
            raise ValueError(f"Argument `n` should be a positive integer. Received: n={n}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def call(self, inputs):
        return tf.repeat(tf.expand_dims(inputs, 1), self.n, axis=1)

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class UpSampling2D(Layer):
    """`UpSampling2D(size=(2, 2), data_format=None, interpolation='nearest')`: repeats
    rows and columns. Only 'nearest' is available (tapeflow has no `tf.image.resize`):
    other interpolations raise at construction."""

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = _utils.standardize_data_format(data_format)
        self.size = _utils.standardize_tuple(size, 2, "size")
        self.interpolation = interpolation.lower()
        if self.interpolation != "nearest":
            raise ValueError(
                "tapeflow's UpSampling2D supports interpolation='nearest' only. "
                f"Received: interpolation={interpolation}"
            )
        self.input_spec = InputSpec(ndim=4)

    def compute_output_shape(self, input_shape):
        h, w = (2, 3) if self.data_format == "channels_first" else (1, 2)
        out = list(input_shape)
        for axis, factor in ((h, self.size[0]), (w, self.size[1])):
            out[axis] = None if out[axis] is None else out[axis] * factor
        return tuple(out)

    def call(self, inputs):
        x = _utils.to_channels_last(inputs, self.data_format)
        x = tf.repeat(x, self.size[0], axis=1)
        x = tf.repeat(x, self.size[1], axis=2)
        return _utils.from_channels_last(x, self.data_format)

    def get_config(self):
        return {
            **super().get_config(),
            "size": self.size,
            "data_format": self.data_format,
            "interpolation": self.interpolation,
        }


def _pairs(value, name, what):
    """An int, 2 ints or 2 pairs -> ((top, bottom), (left, right)) (Keras' messages)."""
    if isinstance(value, int):
        if name == "cropping" and value < 0:
            raise ValueError(f"`cropping` cannot be negative. Received: cropping={value}.")
        return ((value, value), (value, value))
    if hasattr(value, "__len__"):
        if len(value) != 2:
            raise ValueError(f"`{name}` should have two elements. Received: {name}={value}.")
        first = _utils.standardize_tuple(value[0], 2, f"1st entry of {name}", allow_zero=True)
        second = _utils.standardize_tuple(value[1], 2, f"2nd entry of {name}", allow_zero=True)
        return (first, second)
    raise ValueError(
        f"`{name}` should be either an int, a tuple of 2 ints (symmetric_height_{what}, "
        f"symmetric_width_{what}), or a tuple of 2 tuples of 2 ints ((top_{what}, "
        f"bottom_{what}), (left_{what}, right_{what})). Received: {name}={value}."
    )


class ZeroPadding2D(Layer):
    """`ZeroPadding2D(padding=(1, 1), data_format=None)`: zero rows/columns around images."""

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _utils.standardize_data_format(data_format)
        # Keras' message for a bad padding speaks of crops (copied from Cropping2D): kept.
        self.padding = _pairs(padding, "padding", "crop")
        self.input_spec = InputSpec(ndim=4)

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        offset = 2 if self.data_format == "channels_first" else 1
        for i in range(2):
            if out[i + offset] is not None:
                out[i + offset] += self.padding[i][0] + self.padding[i][1]
        return tuple(out)

    def call(self, inputs):
        if self.data_format == "channels_first":
            paddings = [[0, 0], [0, 0], *map(list, self.padding)]
        else:
            paddings = [[0, 0], *map(list, self.padding), [0, 0]]
        return tf.pad(inputs, paddings)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class Cropping2D(Layer):
    """`Cropping2D(cropping=((0, 0), (0, 0)), data_format=None)`: crops image borders."""

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _utils.standardize_data_format(data_format)
        self.cropping = _pairs(cropping, "cropping", "crop")
        self.input_spec = InputSpec(ndim=4)

    def _check(self, input_shape, label):
        offset = 2 if self.data_format == "channels_first" else 1
        for i in range(2):
            size = input_shape[i + offset]
            if size is not None and sum(self.cropping[i]) >= size:
                raise ValueError(
                    "Values in `cropping` argument should be smaller than the corresponding "
                    f"spatial dimension of the input. Received: {label}, "
                    f"cropping={self.cropping}"
                )
        return offset

    def compute_output_shape(self, input_shape):
        offset = self._check(input_shape, f"input_shape={input_shape}")
        out = list(input_shape)
        for i in range(2):
            if out[i + offset] is not None:
                out[i + offset] -= sum(self.cropping[i])
        return tuple(out)

    def call(self, inputs):
        offset = self._check(inputs.shape, f"inputs.shape={inputs.shape}")
        index = [slice(None)] * 4
        for i in range(2):
            start, stop = self.cropping[i]
            index[i + offset] = slice(start, -stop if stop else None)
        return inputs[tuple(index)]

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}
