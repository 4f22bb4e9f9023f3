"""Convolutions in NHWC: conv1d, conv2d, conv2d_transpose (pooling is in pool_ops.py).

Conv2D and Conv2DBackpropFilter view the padded input as windows
(`sliding_window_view`, no copy), copy them once into a matrix (im2col) and make one
matmul; Conv2DBackpropInput makes one matmul and adds its columns back (col2im).

`Conv2D`, `Conv2DBackpropInput` and `Conv2DBackpropFilter` are a closed family:
each one's VJP and JVP are the other two, so gradients of any order are
convolutions again. The three ops take canonical rank-4 arguments; a rule whose
cotangent or tangent carries leading batch dimensions folds them into the batch
dimension N of an image argument, or into a channel dimension of a filter
argument (channels never mix in a convolution), and unfolds the result.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from .._core import backend as _backend
from .._core import dtypes as _dt
from .._core.errors import UnimplementedError, invalid_argument, op_error
from .._core.registry import op
from .._core.tensor import convert_to_tensor, dtype_mismatch
from ._util import as_int_tuple, linear
from .array_ops import _reshape, _transpose, expand_dims, squeeze
from .samples import cases

_CONV_DTYPES = frozenset((_dt.float16, _dt.float32, _dt.float64, _dt.int32))

# -- geometry ------------------------------------------------------------------------------


def _spatial(value, what: str, op_type: str) -> tuple:
    """strides/dilations/ksize (an int, or 1, 2 or 4 ints in NHWC) as (h, w)."""
    values = [int(v) for v in np.asarray(convert_to_tensor(value)).reshape(-1)]
    if len(values) not in (1, 2, 4):
        raise ValueError(
            f"{what} should be of length 1, 2 or 4. Received: {what}={value} of length "
            f"{len(values)}"
        )
    if len(values) == 4:
        if values[0] != 1 or values[3] != 1:
            message = (
                "Pooling is not yet supported on the batch dimension."
                if what == "ksize"
                else "Current implementation does not yet support strides in the batch and "
                "depth dimensions."
            )
            raise op_error(UnimplementedError, message, op_type)
        values = values[1:3]
    return tuple(values) * (2 // len(values))


def _padding(padding, in_hw: tuple, k_hw: tuple, strides: tuple, dilations: tuple, op_type: str):
    """TF's padding argument as ((top, bottom), (left, right))."""
    if isinstance(padding, str):
        if padding == "VALID":
            return ((0, 0), (0, 0))
        if padding != "SAME":
            raise invalid_argument(
                f"Value for attr 'padding' of \"{padding}\" is not in the list of allowed "
                'values: "SAME", "VALID", "EXPLICIT"',
                op_type,
            )
        pads = []
        for size, k, s, d in zip(in_hw, k_hw, strides, dilations, strict=True):
            out = -(-size // s)
            total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
            pads.append((total // 2, total - total // 2))
        return tuple(pads)
    pairs = [tuple(int(v) for v in p) for p in padding]
    if len(pairs) != 4:
        raise ValueError(
            f"When padding is a list, it must be of size 4. Received: padding={padding} of "
            f"size {len(pairs)}"
        )
    if any(v < 0 for p in pairs for v in p):
        raise invalid_argument("All elements of explicit_paddings must be nonnegative", op_type)
    if any(pairs[0]) or any(pairs[3]):
        raise invalid_argument(
            "Nonzero explicit padding in the batch or depth dimensions is not supported", op_type
        )
    return (pairs[1], pairs[2])


def _out_size(size: int, k: int, stride: int, dilation: int, pad: tuple) -> int:
    return max((size + pad[0] + pad[1] - (k - 1) * dilation - 1) // stride + 1, 0)


def _out_hw(in_hw, k_hw, strides, dilations, pads) -> tuple:
    return tuple(_out_size(*a) for a in zip(in_hw, k_hw, strides, dilations, pads, strict=True))


def _windows(x, k_hw, strides, dilations, pads, out_hw, fill=0):
    """x (..., H, W, C) -> a strided view (..., OH, OW, C, KH, KW) of the padded input."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = k_hw, strides, dilations, out_hw
    if any(any(p) for p in pads):
        (pt, pb), (pl, pr) = pads
        *lead, h, w, c = x.shape
        padded = np.full((*lead, h + pt + pb, w + pl + pr, c), fill, x.dtype)
        padded[..., pt : pt + h, pl : pl + w, :] = x
        x = padded
    *lead, h, w, c = x.shape
    if oh and ow and ((oh - 1) * sh + (kh - 1) * dh >= h or (ow - 1) * sw + (kw - 1) * dw >= w):
        # More windows than the input holds (a caller's inconsistent shapes): slice what
        # there is rather than read past the buffer.
        view = sliding_window_view(x, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(-3, -2))
        return view[..., : (oh - 1) * sh + 1 : sh, : (ow - 1) * sw + 1 : sw, :, ::dh, ::dw]
    # as_strided directly: sliding_window_view + slicing costs ~15 us a call, np.pad ~40 us.
    *lead_strides, s_h, s_w, s_c = x.strides
    return as_strided(
        x,
        (*lead, oh, ow, c, kh, kw),
        (*lead_strides, s_h * sh, s_w * sw, s_c, s_h * dh, s_w * dw),
        writeable=False,
    )


def _im2col(x, k_hw, strides, dilations, pads, out_hw):
    """x (N, H, W, C) -> its windows as a matrix (N*OH*OW, KH*KW*C), columns in filter order.

    One copy. With several channels the copy runs along each window's (KW, C) rows; with one
    channel it runs along the output width instead (a column-major matrix), which is ~10x
    faster to gather there.
    """
    view = _windows(x, k_hw, strides, dilations, pads, out_hw)  # (N, OH, OW, C, KH, KW)
    n, oh, ow, c, kh, kw = view.shape
    if c == 1:
        return (
            np.ascontiguousarray(view.transpose(3, 4, 5, 0, 1, 2)).reshape(kh * kw, n * oh * ow).T
        )
    return view.transpose(0, 1, 2, 4, 5, 3).reshape(n * oh * ow, kh * kw * c)


def _scatter_windows(cols, in_hw, strides, dilations, pads, dtype):
    """Adjoint of `_windows`: adds cols (..., OH, OW, KH, KW, C) into (..., H, W, C) by one
    strided add per filter tap (col2im)."""
    *lead, oh, ow, kh, kw, c = cols.shape
    (sh, sw), (dh, dw) = strides, dilations
    (pt, pb), (pl, pr) = pads
    h, w = in_hw
    rows = max(h + pt + pb, (kh - 1) * dh + (oh - 1) * sh + 1)
    columns = max(w + pl + pr, (kw - 1) * dw + (ow - 1) * sw + 1)
    out = np.zeros((*lead, rows, columns, c), dtype)
    for i in range(kh):
        for j in range(kw):
            top, left = i * dh, j * dw
            out[
                ..., top : top + (oh - 1) * sh + 1 : sh, left : left + (ow - 1) * sw + 1 : sw, :
            ] += cols[..., i, j, :]
    return out[..., pt : pt + h, pl : pl + w, :]


# -- batch folding for rules ---------------------------------------------------------------


def _fold(t, b: int, axis: int):
    """Merges t's `b` leading batch dims into its dim `axis` (batch-major)."""
    shape = np.shape(t._value)
    rest = shape[b:]
    perm = tuple(range(b, b + axis)) + tuple(range(b)) + tuple(range(b + axis, len(shape)))
    merged = math.prod(shape[:b]) * rest[axis]
    return _reshape(_transpose(t, perm=perm), shape=rest[:axis] + (merged,) + rest[axis + 1 :])


def _unfold(t, batch: tuple, axis: int):
    """Splits dim `axis` of t into `batch + (rest,)` and moves the batch dims to the front."""
    shape = np.shape(t._value)
    b = len(batch)
    inner = shape[axis] // max(math.prod(batch), 1)
    t = _reshape(t, shape=shape[:axis] + batch + (inner,) + shape[axis + 1 :])
    perm = (
        tuple(range(axis, axis + b)) + tuple(range(axis)) + tuple(range(axis + b, len(shape) + b))
    )
    return _transpose(t, perm=perm)


def _batched(fn, first, second, axes: tuple, out_axes: tuple, **attrs):
    """Calls a rank-4 conv op when `first` or `second` carries leading batch dims.

    `axes[i]` is the dim the batch folds into for argument i and `out_axes[i]` the
    output dim it comes out of.
    """
    for i, t in enumerate((first, second)):
        b = np.ndim(t._value) - 4
        if b:
            batch = np.shape(t._value)[:b]
            args = [first, second]
            args[i] = _fold(t, b, axes[i])
            return _unfold(fn(*args, **attrs), batch, out_axes[i])
    return fn(first, second, **attrs)


def _conv_b(x, filters, **geo):
    return _batched(_conv2d, x, filters, (0, 3), (0, 3), **geo)


def _input_grad_b(filters, dy, input_hw, **geo):
    return _batched(_conv2d_backprop_input, filters, dy, (2, 0), (3, 0), input_hw=input_hw, **geo)


def _filter_grad_b(x, dy, filter_hw, **geo):
    return _batched(_conv2d_backprop_filter, x, dy, (3, 3), (2, 3), filter_hw=filter_hw, **geo)


# -- convolution ----------------------------------------------------------------------------

_CONV_SAMPLE = cases(
    (
        [(2, 4, 5, 3), (3, 2, 3, 2)],
        {"strides": (1, 1), "dilations": (1, 1), "pads": ((1, 1), (0, 1))},
    ),
    (
        [(1, 6, 5, 2), (3, 3, 2, 3)],
        {"strides": (2, 2), "dilations": (1, 1), "pads": ((1, 1), (1, 1))},
    ),
    (
        [(1, 7, 6, 2), (2, 2, 2, 2)],
        {"strides": (1, 2), "dilations": (2, 2), "pads": ((0, 0), (0, 0))},
    ),
)


@op("Conv2D", dtypes=_CONV_DTYPES, sample=_CONV_SAMPLE)
def _conv2d(input, filters, *, strides, dilations, pads):
    if _backend.any_foreign(input, filters):
        # On Dask, mapped over the batch's chunks: strided windows and out= products.
        return _backend.per_example(
            _conv2d.forward,
            input,
            filters,
            batched=(0,),
            strides=strides,
            dilations=dilations,
            pads=pads,
        )
    kh, kw, _, o = filters.shape
    out_hw = _out_hw(input.shape[1:3], (kh, kw), strides, dilations, pads)
    if 0 in out_hw:
        return np.zeros((input.shape[0], *out_hw, o), input.dtype)
    n, c = input.shape[0], input.shape[3]
    cols = _im2col(input, (kh, kw), strides, dilations, pads, out_hw)
    return (cols @ filters.reshape(kh * kw * c, o)).reshape(n, *out_hw, o)


@_conv2d.vjp
def _conv2d_vjp(g, out, input, filters, *, strides, dilations, pads, needs):
    # y = x (*) w is bilinear: dx = backprop_input(w, g), dw = backprop_filter(x, g).
    geo = {"strides": strides, "dilations": dilations, "pads": pads}
    return (
        _input_grad_b(filters, g, np.shape(input._value)[1:3], **geo),
        _filter_grad_b(input, g, np.shape(filters._value)[:2], **geo),
    )


@_conv2d.jvp
def _conv2d_jvp(t, out, input, filters, *, strides, dilations, pads):
    geo = {"strides": strides, "dilations": dilations, "pads": pads}
    return linear(t, lambda dx: _conv_b(dx, filters, **geo), lambda dw: _conv_b(input, dw, **geo))


@op(
    "Conv2DBackpropInput",
    dtypes=_CONV_DTYPES,
    sample=cases(
        (
            [(3, 2, 3, 2), (2, 4, 5, 2)],
            {"input_hw": (4, 5), "strides": (1, 1), "dilations": (1, 1), "pads": ((1, 1), (0, 1))},
        ),
        (
            [(3, 3, 2, 3), (1, 3, 3, 3)],
            {"input_hw": (6, 5), "strides": (2, 2), "dilations": (1, 1), "pads": ((1, 1), (1, 1))},
        ),
    ),
)
def _conv2d_backprop_input(filters, out_backprop, *, input_hw, strides, dilations, pads):
    if _backend.any_foreign(filters, out_backprop):
        # On Dask, mapped over the batch's chunks: strided windows and out= products.
        return _backend.per_example(
            _conv2d_backprop_input.forward,
            filters,
            out_backprop,
            batched=(1,),
            input_hw=input_hw,
            strides=strides,
            dilations=dilations,
            pads=pads,
        )
    kh, kw, c, o = filters.shape
    n, oh, ow, _ = out_backprop.shape
    dy = out_backprop.reshape(n * oh * ow, o)
    if c == 1:
        cols = (dy @ filters.reshape(kh * kw, o).T).reshape(n, oh, ow, kh, kw, 1)
    else:
        # One product per tap in one matmul call, so each tap's block is contiguous and its
        # add runs along whole (OW, C) rows: 1.1-2.2x faster than one (M, KH*KW*C) product
        # whose taps interleave (14x14x32 -> 3x3x64, 28x28x4 -> 3x3x16), but 1.9x slower
        # for one channel (matrix-vector products).
        taps = np.matmul(dy, filters.reshape(kh * kw, c, o).transpose(0, 2, 1))
        cols = taps.reshape(kh, kw, n, oh, ow, c).transpose(2, 3, 4, 0, 1, 5)
    return _scatter_windows(cols, input_hw, strides, dilations, pads, cols.dtype)


@_conv2d_backprop_input.vjp
def _conv2d_backprop_input_vjp(
    g, out, filters, out_backprop, *, input_hw, strides, dilations, pads, needs
):
    # dx = w^T(dy) is bilinear: dw = backprop_filter(g, dy), d(dy) = conv2d(g, w).
    geo = {"strides": strides, "dilations": dilations, "pads": pads}
    return (
        _filter_grad_b(g, out_backprop, np.shape(filters._value)[:2], **geo),
        _conv_b(g, filters, **geo),
    )


@_conv2d_backprop_input.jvp
def _conv2d_backprop_input_jvp(
    t, out, filters, out_backprop, *, input_hw, strides, dilations, pads
):
    geo = {"strides": strides, "dilations": dilations, "pads": pads}
    return linear(
        t,
        lambda dw: _input_grad_b(dw, out_backprop, input_hw, **geo),
        lambda dg: _input_grad_b(filters, dg, input_hw, **geo),
    )


@op(
    "Conv2DBackpropFilter",
    dtypes=_CONV_DTYPES,
    sample=cases(
        (
            [(2, 4, 5, 3), (2, 4, 5, 2)],
            {"filter_hw": (3, 2), "strides": (1, 1), "dilations": (1, 1), "pads": ((1, 1), (0, 1))},
        ),
        (
            [(1, 7, 6, 2), (1, 5, 2, 2)],
            {"filter_hw": (2, 2), "strides": (1, 2), "dilations": (2, 2), "pads": ((0, 0), (0, 0))},
        ),
    ),
)
def _conv2d_backprop_filter(x, out_backprop, *, filter_hw, strides, dilations, pads):
    if _backend.any_foreign(x, out_backprop):
        # On Dask, per chunk of the batch, summed: strided windows and out= products.
        return _backend.per_example(
            _conv2d_backprop_filter.forward,
            x,
            out_backprop,
            batched=(0, 1),
            summed=True,
            filter_hw=filter_hw,
            strides=strides,
            dilations=dilations,
            pads=pads,
        )
    out_hw = out_backprop.shape[1:3]
    if 0 in out_hw or x.shape[0] == 0:
        return np.zeros((*filter_hw, x.shape[3], out_backprop.shape[3]), x.dtype)
    (n, *_, c), o = x.shape, out_backprop.shape[3]
    cols = _im2col(x, filter_hw, strides, dilations, pads, out_hw)
    return (cols.T @ out_backprop.reshape(n * out_hw[0] * out_hw[1], o)).reshape(*filter_hw, c, o)


@_conv2d_backprop_filter.vjp
def _conv2d_backprop_filter_vjp(
    g, out, x, out_backprop, *, filter_hw, strides, dilations, pads, needs
):
    # dw = x^T dy is bilinear: dx = backprop_input(g, dy), d(dy) = conv2d(x, g).
    geo = {"strides": strides, "dilations": dilations, "pads": pads}
    return (
        _input_grad_b(g, out_backprop, np.shape(x._value)[1:3], **geo),
        _conv_b(x, g, **geo),
    )


@_conv2d_backprop_filter.jvp
def _conv2d_backprop_filter_jvp(t, out, x, out_backprop, *, filter_hw, strides, dilations, pads):
    geo = {"strides": strides, "dilations": dilations, "pads": pads}
    return linear(
        t,
        lambda dx: _filter_grad_b(dx, out_backprop, filter_hw, **geo),
        lambda dg: _filter_grad_b(x, dg, filter_hw, **geo),
    )


def _check_format(data_format: str, op_type: str, allowed=("NHWC", "NCHW")) -> None:
    if data_format not in allowed:
        listed = ", ".join(f'"{f}"' for f in allowed)
        raise invalid_argument(
            f"Value for attr 'data_format' of \"{data_format}\" is not in the list of allowed "
            f"values: {listed}",
            op_type,
        )
    if data_format != "NHWC":
        raise op_error(
            UnimplementedError,
            f"The {op_type} op currently only supports the NHWC tensor format on the CPU. The op "
            f"was given the format: {data_format}",
            op_type,
        )


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):
    """Computes a 2-D convolution (cross-correlation, as in TF) of NHWC `input` and `filters`.

    Args:
      input: a float16/32/64 or int32 tensor of shape [batch, height, width, in_channels].
      filters: a tensor of shape [filter_height, filter_width, in_channels, out_channels].
      strides: an int or 1, 2 or 4 ints (NHWC; batch and depth must be 1).
      padding: "SAME", "VALID", or explicit [[0, 0], [top, bottom], [left, right], [0, 0]].
      data_format: only "NHWC" runs (TF's CPU kernel rejects "NCHW" too).
      dilations: an int or 1, 2 or 4 ints, the filter's spacing.

    Returns:
      A tensor of shape [batch, out_height, out_width, out_channels].

    Raises:
      InvalidArgumentError: for mismatched channels, bad ranks or an unknown padding.

    >>> tf.nn.conv2d(tf.ones((1, 4, 4, 1)), tf.ones((3, 3, 1, 1)), 1, "VALID").shape
    TensorShape([1, 2, 2, 1])
    """
    input, filters = _same_dtype(input, filters, "Conv2D")
    geo = _conv_geometry(
        np.shape(input._value),
        np.shape(filters._value),
        strides,
        padding,
        data_format,
        dilations,
        "Conv2D",
    )
    return _conv2d(input, filters, **geo)


def _same_dtype(x, y, op_type: str) -> tuple:
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, dtype_hint=x._dtype)
    if x._dtype is not y._dtype:
        raise dtype_mismatch(x._dtype, y._dtype, op_type, 1)
    return x, y


def _conv_geometry(in_shape, filter_shape, strides, padding, data_format, dilations, op_type):
    """Checks a conv2d call TF's way; returns the op's attrs (strides, dilations, pads)."""
    strides = _spatial(strides, "strides", op_type)
    dilations = _spatial(1 if dilations is None else dilations, "dilations", op_type)
    _check_format(data_format, op_type)
    for shape, what in ((in_shape, "input"), (filter_shape, "filter")):
        if len(shape) != 4:
            dims = ",".join(str(d) for d in shape)
            raise invalid_argument(f"convolution {what} must be 4-dimensional: [{dims}]", op_type)
    if min(strides) < 1:
        raise invalid_argument("Row and column strides should be larger than 0.", op_type)
    if min(dilations) < 1:
        raise invalid_argument("Dilated rates should be larger than 0.", op_type)
    in_c, filter_c = in_shape[3], filter_shape[2]
    if filter_c == 0 or in_c % filter_c:
        raise invalid_argument(
            f"input depth must be evenly divisible by filter depth: {in_c} vs {filter_c}", op_type
        )
    if in_c != filter_c:
        raise op_error(
            UnimplementedError, "tapeflow does not implement grouped convolutions", op_type
        )
    pads = _padding(
        padding, tuple(in_shape[1:3]), tuple(filter_shape[:2]), strides, dilations, op_type
    )
    return {"strides": strides, "dilations": dilations, "pads": pads}


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None, name=None):
    """Computes a 1-D convolution of NWC `input` [batch, width, in_channels] with `filters`
    [filter_width, in_channels, out_channels], as TF does: through conv2d with height 1.

    >>> tf.nn.conv1d(tf.ones((1, 5, 2)), tf.ones((3, 2, 4)), 1, "SAME").shape
    TensorShape([1, 5, 4])
    """
    if not isinstance(padding, str):
        raise TypeError(f"Expected string for argument 'padding' not {padding!r}.")
    if data_format in ("NWC", "NHWC"):
        data_format = "NHWC"
    elif data_format in ("NCW", "NCHW"):
        data_format = "NCHW"
    else:
        raise ValueError(
            f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}"
        )
    stride = _spatial(stride, "stride", "Conv2D")[1]
    dilation = _spatial(1 if dilations is None else dilations, "dilations", "Conv2D")[1]
    input, filters = _same_dtype(input, filters, "Conv2D")
    out = conv2d(
        expand_dims(input, 1),
        expand_dims(filters, 0),
        (1, stride),
        padding,
        data_format,
        (1, dilation),
    )
    return squeeze(out, [1])


def conv2d_transpose(
    input,
    filters,
    output_shape,
    strides,
    padding="SAME",
    data_format="NHWC",
    dilations=None,
    name=None,
):
    """The transpose (gradient) of conv2d: maps [batch, h, w, in_channels] to `output_shape`.

    `filters` has shape [height, width, output_channels, in_channels], as in TF.

    Raises:
      InvalidArgumentError: if `output_shape` does not convolve back to `input`'s size.
    """
    op_type = "Conv2DBackpropInput"
    input, filters = _same_dtype(input, filters, op_type)
    output_shape = as_int_tuple(output_shape, "output_shape", strict=True)
    in_shape, filter_shape = np.shape(input._value), np.shape(filters._value)
    geo = _conv_geometry(
        output_shape, filter_shape, strides, padding, data_format, dilations, op_type
    )
    expected = _out_hw(output_shape[1:3], filter_shape[:2], **geo)
    if len(in_shape) != 4 or in_shape[0] != output_shape[0] or in_shape[3] != filter_shape[3]:
        raise invalid_argument(
            f"Conv2DCustomBackpropInput: input shape {list(in_shape)} does not match filters "
            f"{list(filter_shape)} and output_shape {list(output_shape)}",
            op_type,
        )
    for dim, (e, a) in enumerate(zip(expected, in_shape[1:3], strict=True), 1):
        if e != a:
            raise invalid_argument(
                f"Conv2DCustomBackpropInput: Size of out_backprop doesn't match computed: actual "
                f"= {a}, computed = {e} spatial_dim: {dim} input: {output_shape[dim]} filter: "
                f"{filter_shape[dim - 1]} output: {a} stride: {geo['strides'][dim - 1]} "
                f"dilation: {geo['dilations'][dim - 1]}",
                op_type,
            )
    return _conv2d_backprop_input(filters, input, input_hw=output_shape[1:3], **geo)
