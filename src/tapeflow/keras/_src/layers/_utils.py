"""Argument checks and shape arithmetic shared by the layers (Keras' messages)."""

from __future__ import annotations

import math

from ..backend import image_data_format


def standardize_tuple(value, n: int, name: str, allow_zero: bool = False) -> tuple:
    """An int or n ints -> a tuple of n ints, with Keras' `standardize_tuple` errors."""
    error = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
    if isinstance(value, int):
        values = (value,) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(error) from None
        if len(values) != n:
            raise ValueError(error)
        for v in values:
            try:
                int(v)
            except (ValueError, TypeError):
                raise ValueError(f"{error}including element {v} of type {type(v)}") from None
    bad = {v for v in values if (v < 0 if allow_zero else v <= 0)}
    if bad:
        requirement = ">= 0" if allow_zero else "> 0"
        raise ValueError(
            f"{error}, including values {bad} that do not satisfy `value {requirement}`"
        )
    return values


def standardize_padding(value, allow_causal: bool = False):
    if isinstance(value, (list, tuple)):
        return value
    padding = value.lower()
    # Keras prints a set, whose order varies with the hash seed: written in source order.
    allowed = "{'valid', 'same', 'causal'}" if allow_causal else "{'valid', 'same'}"
    if padding not in ("valid", "same", "causal")[: 3 if allow_causal else 2]:
        raise ValueError(
            f"The `padding` argument must be a list/tuple or one of {allowed}. Received: {padding}"
        )
    return padding


def standardize_data_format(data_format) -> str:
    if data_format is None:
        return image_data_format()
    data_format = str(data_format).lower()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    return data_format


def _spatial(input_shape, data_format):
    return input_shape[1:-1] if data_format == "channels_last" else input_shape[2:]


def _assemble(input_shape, spatial, channels, data_format) -> tuple:
    if data_format == "channels_last":
        return (input_shape[0], *spatial, channels)
    return (input_shape[0], channels, *spatial)


def conv_output_shape(
    input_shape, filters, kernel_size, strides, padding, data_format, dilation_rate
) -> tuple:
    """Keras' `compute_conv_output_shape` (its errors included)."""
    input_shape = tuple(input_shape)
    channels_in = input_shape[-1] if data_format == "channels_last" else input_shape[1]
    kernel_shape = tuple(kernel_size) + (channels_in, filters)
    if len(kernel_shape) != len(input_shape):
        raise ValueError(
            "Kernel shape must have the same length as input, but received kernel of shape "
            f"{kernel_shape} and input of shape {input_shape}."
        )
    spatial = _spatial(input_shape, data_format)
    out = []
    for size, k, s, d in zip(spatial, kernel_size, strides, dilation_rate):
        if size is None:
            out.append(None)
        elif padding == "valid":
            out.append(math.floor((size - d * (k - 1) - 1) / s) + 1)
        else:
            out.append(math.floor((size - 1) / s) + 1)
    if padding == "valid" and any(o is not None and o <= 0 for o in out):
        dilation = "[" + " ".join(str(d) for d in dilation_rate) + "]"
        raise ValueError(
            "Computed output size would be zero or negative. Received "
            f"`inputs shape={input_shape}`, `kernel shape={kernel_shape}`, "
            f"`dilation_rate={dilation}`, `strides={tuple(strides)}`, `padding={padding}`."
        )
    return _assemble(input_shape, out, filters, data_format)


def conv_transpose_output_shape(
    input_shape, kernel_size, filters, strides, padding, output_padding, data_format, dilation_rate
) -> tuple:
    """Keras' `compute_conv_transpose_output_shape`."""
    spatial = _spatial(tuple(input_shape), data_format)
    out = []
    for i, size in enumerate(spatial):
        pad = None if output_padding is None else output_padding[i]
        if size is None:
            out.append(None)
            continue
        k = (kernel_size[i] - 1) * dilation_rate[i] + 1
        s = strides[i]
        if padding == "valid":
            pad = max(k, s) - k if pad is None else pad
            out.append((size - 1) * s + k + pad)
        elif pad is None:
            out.append(size * s)
        else:
            out.append((size - 1) * s + k % 2 + pad)
    return _assemble(tuple(input_shape), out, filters, data_format)


def pooling_output_shape(input_shape, pool_size, strides, padding, data_format) -> tuple:
    """Keras' `compute_pooling_output_shape` (its errors included)."""
    input_shape = tuple(input_shape)
    if padding not in ("valid", "same"):
        raise ValueError(
            f"Argument `padding` must be either 'valid' or 'same'. Received: padding={padding}"
        )
    spatial = _spatial(input_shape, data_format)
    out = []
    for size, p, s in zip(spatial, pool_size, strides):
        if size is None:
            out.append(None)
        elif padding == "valid":
            out.append(math.floor((size - p) / s) + 1)
        else:
            out.append(math.floor((size - 1) / s) + 1)
    if padding == "valid" and any(o is not None and o <= 0 for o in out):
        raise ValueError(
            "Computed output size would be zero or negative. Received: "
            f"`inputs.shape={list(input_shape)}`, `pool_size={list(pool_size)}`, "
            f"`strides={strides}`, `padding={padding}`."
        )
    channels = input_shape[-1] if data_format == "channels_last" else input_shape[1]
    return _assemble(input_shape, out, channels, data_format)


def to_channels_last(x, data_format):
    """NC... -> N...C (TF's CPU kernels run channels_last only; Keras on CPU fails there)."""
    if data_format == "channels_last":
        return x
    import tapeflow as tf

    rank = x.shape.rank
    return tf.transpose(x, [0, *range(2, rank), 1])


def from_channels_last(x, data_format):
    if data_format == "channels_last":
        return x
    import tapeflow as tf

    rank = x.shape.rank
    return tf.transpose(x, [0, rank - 1, *range(1, rank - 1)])
