"""Pooling in NHWC: max_pool2d, avg_pool2d and their 1-D and rank-dispatching forms.

`MaxPoolGrad` routes each gradient to the first maximum of its window
(row-major), as TF's kernel does, and `MaxPoolGradGrad` gathers from the same
positions: the two are each other's adjoints, so every order of gradient is one
of them. `AvgPool` and `AvgPoolGrad` are adjoint linear maps. Gradient-side ops
accept leading batch dimensions natively, which makes the rules batch-polymorphic.
"""

from __future__ import annotations

import math

import numpy as np

from .._core import backend as _backend
from .._core import dtypes as _dt
from .._core.errors import UnimplementedError, invalid_argument, op_error
from .._core.registry import op
from .._core.tensor import convert_to_tensor, make
from ._util import tangent_batch
from .array_ops import expand_dims, squeeze, zeros_tangent
from .conv_ops import _out_hw, _padding, _scatter_windows, _spatial, _windows
from .samples import cases

_MAX_POOL_DTYPES = _dt.FLOATING | {_dt.int8, _dt.int16, _dt.int32, _dt.int64, _dt.uint8, _dt.uint16}


def _max_pool_argmax(x, ksize, strides, pads):
    """Index into H*W of the first (row-major) maximum of each window: (N, OH, OW, C).

    NaN never wins (TF compares with `>`), and padding is never chosen, even over -inf.
    """
    h, w = x.shape[1:3]
    out_hw = _out_hw((h, w), ksize, strides, (1, 1), pads)
    kinds = x.dtype.kind == "f"
    key = np.where(np.isnan(x), -np.inf, x) if kinds else x
    low = -np.inf if kinds else np.iinfo(x.dtype).min
    win = _windows(key, ksize, strides, (1, 1), pads, out_hw, fill=low)
    win = win.reshape(win.shape[:4] + (-1,))
    positions = np.arange(h * w).reshape(1, h, w, 1)
    pos = _windows(positions, ksize, strides, (1, 1), pads, out_hw, fill=-1)
    pos = pos.reshape(pos.shape[:4] + (-1,))
    hit = (win == win.max(axis=-1, keepdims=True)) & (pos >= 0)
    return np.take_along_axis(pos, hit.argmax(axis=-1)[..., None], -1)[..., 0]


def _flat_positions(x_shape, idx):
    """Flat indices into an (N, H, W, C) array for argmax positions idx (N, OH, OW, C)."""
    n, h, w, c = x_shape
    batch = np.arange(n).reshape(-1, 1, 1, 1)
    channel = np.arange(c).reshape(1, 1, 1, -1)
    return (batch * (h * w) + idx) * c + channel


_POOL_SAMPLE = cases(
    ([(2, 4, 5, 3)], {"ksize": (2, 2), "strides": (2, 2), "pads": ((0, 0), (0, 1))}),
    ([(1, 5, 5, 2)], {"ksize": (3, 3), "strides": (1, 2), "pads": ((1, 1), (1, 1))}),
)


@op("MaxPool", dtypes=_MAX_POOL_DTYPES, sample=_POOL_SAMPLE)
def _max_pool(input, *, ksize, strides, pads):
    if _backend.any_foreign(input):
        # On Dask, mapped over the batch's chunks: strided windows.
        return _backend.per_example(
            _max_pool.forward, input, batched=(0,), ksize=ksize, strides=strides, pads=pads
        )
    out_hw = _out_hw(input.shape[1:3], ksize, strides, (1, 1), pads)
    if 0 in out_hw or input.size == 0:
        return np.zeros((input.shape[0], *out_hw, input.shape[3]), input.dtype)
    if input.dtype.kind == "f":
        # NaN is skipped and an all -inf window gives the dtype's lowest value, as in TF.
        key = np.where(np.isnan(input), -np.inf, input)
        win = _windows(key, ksize, strides, (1, 1), pads, out_hw, fill=-np.inf)
        return np.maximum(win.max(axis=(-2, -1)), np.finfo(input.dtype).min)
    win = _windows(input, ksize, strides, (1, 1), pads, out_hw, fill=np.iinfo(input.dtype).min)
    return win.max(axis=(-2, -1))


@_max_pool.vjp
def _max_pool_vjp(g, out, input, *, ksize, strides, pads, needs):
    return _max_pool_grad(input, g, ksize=ksize, strides=strides, pads=pads)


@_max_pool.jvp
def _max_pool_jvp(t, out, input, *, ksize, strides, pads):
    return _max_pool_grad_grad(input, t[0], ksize=ksize, strides=strides, pads=pads)


_POOL_GRAD_SAMPLE = cases(
    ([(2, 4, 5, 3), (2, 2, 3, 3)], {"ksize": (2, 2), "strides": (2, 2), "pads": ((0, 0), (0, 1))}),
    ([(1, 5, 5, 2), (1, 5, 3, 2)], {"ksize": (3, 3), "strides": (1, 2), "pads": ((1, 1), (1, 1))}),
)


@op("MaxPoolGrad", dtypes=_dt.FLOATING, sample=_POOL_GRAD_SAMPLE)
def _max_pool_grad(orig_input, grad, *, ksize, strides, pads):
    """Adds each window's gradient (grad may have leading batch dims) at its argmax."""
    if _backend.any_foreign(orig_input, grad):
        # On Dask, mapped over the batch's chunks: strided windows and a scatter.
        return _backend.per_example(
            _max_pool_grad.forward,
            orig_input,
            grad,
            batched=(0, 1),
            ksize=ksize,
            strides=strides,
            pads=pads,
        )
    lead = grad.shape[:-4]
    size = orig_input.size
    if size == 0 or grad.size == 0:
        return np.zeros(lead + orig_input.shape, grad.dtype)
    flat = _flat_positions(orig_input.shape, _max_pool_argmax(orig_input, ksize, strides, pads))
    batches = math.prod(lead)
    index = (np.arange(batches).reshape(-1, 1) * size + flat.reshape(1, -1)).reshape(-1)
    summed = np.bincount(index, weights=grad.reshape(-1), minlength=batches * size)
    return summed.astype(grad.dtype).reshape(lead + orig_input.shape)


@_max_pool_grad.vjp
def _max_pool_grad_vjp(g, out, orig_input, grad, *, ksize, strides, pads, needs):
    # Linear in grad; the routing is piecewise constant in orig_input (zero, as in TF).
    attrs = {"ksize": ksize, "strides": strides, "pads": pads}
    zero = make(_backend.zeros_like(g._value), g._dtype)  # of g's array kind
    return zero, _max_pool_grad_grad(orig_input, g, **attrs)


@_max_pool_grad.jvp
def _max_pool_grad_jvp(t, out, orig_input, grad, *, ksize, strides, pads):
    if t[1] is None:  # flat in orig_input: zeros, as TF's accumulator gives
        return zeros_tangent(out, tangent_batch(t, (orig_input, grad)))
    return _max_pool_grad(orig_input, t[1], ksize=ksize, strides=strides, pads=pads)


_GATHER_SAMPLE = cases(
    ([(2, 4, 5, 3), (2, 4, 5, 3)], {"ksize": (2, 2), "strides": (2, 2), "pads": ((0, 0), (0, 1))}),
    ([(1, 5, 5, 2), (1, 5, 5, 2)], {"ksize": (3, 3), "strides": (1, 2), "pads": ((1, 1), (1, 1))}),
)


@op("MaxPoolGradGrad", dtypes=_dt.FLOATING, sample=_GATHER_SAMPLE)
def _max_pool_grad_grad(orig_input, grad, *, ksize, strides, pads):
    """Reads `grad` (shaped like orig_input, maybe batched) at each window's argmax."""
    if _backend.any_foreign(orig_input, grad):
        # On Dask, mapped over the batch's chunks: strided windows.
        return _backend.per_example(
            _max_pool_grad_grad.forward,
            orig_input,
            grad,
            batched=(0, 1),
            ksize=ksize,
            strides=strides,
            pads=pads,
        )
    lead = grad.shape[:-4]
    out_hw = _out_hw(orig_input.shape[1:3], ksize, strides, (1, 1), pads)
    if 0 in out_hw or orig_input.size == 0:
        return np.zeros(lead + (orig_input.shape[0], *out_hw, orig_input.shape[3]), grad.dtype)
    flat = _flat_positions(orig_input.shape, _max_pool_argmax(orig_input, ksize, strides, pads))
    return grad.reshape(lead + (-1,))[..., flat]


@_max_pool_grad_grad.vjp
def _max_pool_grad_grad_vjp(g, out, orig_input, grad, *, ksize, strides, pads, needs):
    attrs = {"ksize": ksize, "strides": strides, "pads": pads}
    b = np.ndim(g._value) - np.ndim(out._value)
    shape = np.shape(g._value)[:b] + np.shape(orig_input._value)
    zero = make(_backend.zeros_like(g._value, shape), g._dtype)  # of g's array kind
    return zero, _max_pool_grad(orig_input, g, **attrs)


@_max_pool_grad_grad.jvp
def _max_pool_grad_grad_jvp(t, out, orig_input, grad, *, ksize, strides, pads):
    if t[1] is None:  # flat in orig_input
        return zeros_tangent(out, tangent_batch(t, (orig_input, grad)))
    return _max_pool_grad_grad(orig_input, t[1], ksize=ksize, strides=strides, pads=pads)


def _pool_geometry(input, ksize, strides, padding, data_format, op_type, explicit=True):
    if not explicit and not isinstance(padding, str):
        raise TypeError(f"Expected string for argument 'padding' not {padding!r}.")
    if data_format != "NHWC":
        raise invalid_argument(
            f"Default {op_type}ingOp only supports NHWC on device type CPU", op_type
        )
    ksize = _spatial(ksize, "ksize", op_type)
    strides = _spatial(strides, "strides", op_type)
    if input.ndim != 4:
        raise invalid_argument(
            f"tensor_in_shape must have 2 spatial dimensions. {input.ndim} 0", op_type
        )
    if min(ksize) < 1:
        raise invalid_argument(f"ksize must be a positive int32 value, got:{min(ksize)}", op_type)
    if min(strides) < 1:
        raise invalid_argument(
            f"strides must be a positive int32 value, got:{min(strides)}", op_type
        )
    pads = _padding(padding, np.shape(input._value)[1:3], ksize, strides, (1, 1), op_type)
    return {"ksize": ksize, "strides": strides, "pads": pads}


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """Max pooling over NHWC windows.

    The gradient goes to the first maximum of each window in row-major order, as
    in TF's kernel; NaN never wins and padding is never chosen.

    Args:
      input: a [batch, height, width, channels] tensor (float or integer).
      ksize, strides: an int or 1, 2 or 4 ints (NHWC; batch and depth must be 1).
      padding: "SAME", "VALID" or explicit [[0, 0], [top, bottom], [left, right], [0, 0]].

    >>> tf.nn.max_pool2d(tf.reshape(tf.range(16.0), (1, 4, 4, 1)), 2, 2, "VALID")[0, ..., 0]
    <tf.Tensor: shape=(2, 2), dtype=float32, numpy=
    array([[ 5.,  7.],
           [13., 15.]], dtype=float32)>
    """
    input = convert_to_tensor(input)
    return _max_pool(
        input, **_pool_geometry(input, ksize, strides, padding, data_format, "MaxPool")
    )


@op("AvgPool", dtypes=_dt.FLOATING, sample=_POOL_SAMPLE)
def _avg_pool(value, *, ksize, strides, pads):
    """Window means over the valid (unpadded) elements; value may have leading batch dims."""
    if _backend.any_foreign(value):
        # On Dask, mapped over the batch's chunks: strided windows and out= sums.
        return _backend.per_example(
            _avg_pool.forward, value, batched=(0,), ksize=ksize, strides=strides, pads=pads
        )
    in_hw = value.shape[-3:-1]
    out_hw = _out_hw(in_hw, ksize, strides, (1, 1), pads)
    if 0 in out_hw:
        return np.zeros(value.shape[:-3] + out_hw + value.shape[-1:], value.dtype)
    win = _windows(value, ksize, strides, (1, 1), pads, out_hw)
    return (win.sum(axis=(-2, -1)) / _window_counts(in_hw, ksize, strides, pads, out_hw)).astype(
        value.dtype
    )


def _window_counts(in_hw, ksize, strides, pads, out_hw) -> np.ndarray:
    """How many unpadded elements each output window covers, shaped (OH, OW, 1)."""
    ones = np.ones(in_hw + (1,))
    return _windows(ones, ksize, strides, (1, 1), pads, out_hw).sum(axis=(-2, -1))


@_avg_pool.vjp
def _avg_pool_vjp(g, out, value, *, ksize, strides, pads, needs):
    in_hw = np.shape(value._value)[-3:-1]
    return _avg_pool_grad(g, input_hw=in_hw, ksize=ksize, strides=strides, pads=pads)


@_avg_pool.jvp
def _avg_pool_jvp(t, out, value, *, ksize, strides, pads):
    return _avg_pool(t[0], ksize=ksize, strides=strides, pads=pads)


@op(
    "AvgPoolGrad",
    dtypes=_dt.FLOATING,
    sample=cases(
        (
            [(2, 2, 3, 3)],
            {"input_hw": (4, 5), "ksize": (2, 2), "strides": (2, 2), "pads": ((0, 0), (0, 1))},
        ),
        (
            [(1, 5, 3, 2)],
            {"input_hw": (5, 5), "ksize": (3, 3), "strides": (1, 2), "pads": ((1, 1), (1, 1))},
        ),
    ),
)
def _avg_pool_grad(grad, *, input_hw, ksize, strides, pads):
    """The adjoint of AvgPool: spreads each gradient evenly over its window's valid elements."""
    if _backend.any_foreign(grad):
        # On Dask, mapped over the batch's chunks: strided windows and out= sums.
        return _backend.per_example(
            _avg_pool_grad.forward,
            grad,
            batched=(0,),
            input_hw=input_hw,
            ksize=ksize,
            strides=strides,
            pads=pads,
        )
    out_hw = grad.shape[-3:-1]
    if 0 in out_hw:
        return np.zeros(grad.shape[:-3] + tuple(input_hw) + grad.shape[-1:], grad.dtype)
    share = grad / _window_counts(input_hw, ksize, strides, pads, out_hw)
    cols = np.broadcast_to(
        share[..., None, None, :], share.shape[:-1] + tuple(ksize) + share.shape[-1:]
    )
    return _scatter_windows(cols, input_hw, strides, (1, 1), pads, grad.dtype)


@_avg_pool_grad.vjp
def _avg_pool_grad_vjp(g, out, grad, *, input_hw, ksize, strides, pads, needs):
    return _avg_pool(g, ksize=ksize, strides=strides, pads=pads)


@_avg_pool_grad.jvp
def _avg_pool_grad_jvp(t, out, grad, *, input_hw, ksize, strides, pads):
    return _avg_pool_grad(t[0], input_hw=input_hw, ksize=ksize, strides=strides, pads=pads)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """Average pooling over NHWC windows; with "SAME" padding each window averages only its
    unpadded elements, as in TF.

    >>> tf.nn.avg_pool2d(tf.ones((1, 4, 4, 1)), 2, 2, "VALID").shape
    TensorShape([1, 2, 2, 1])
    """
    input = convert_to_tensor(input)
    geo = _pool_geometry(input, ksize, strides, padding, data_format, "AvgPool", explicit=False)
    return _avg_pool(input, **geo)


def _one_spatial(value, what: str) -> int:
    values = [int(v) for v in np.asarray(convert_to_tensor(value)).reshape(-1)]
    if len(values) not in (1, 3):
        raise ValueError(
            f"{what} should be of length 1 or 3. Received: {what}={value} of length {len(values)}"
        )
    return values[len(values) // 2]


def _pool1d(pool2d, input, ksize, strides, padding, data_format):
    if data_format != "NWC":
        raise invalid_argument(
            f"Default {pool2d.__name__[:3].title()}PoolingOp only supports NHWC on device type CPU",
            "MaxPool" if pool2d is max_pool2d else "AvgPool",
        )
    if not isinstance(padding, str):
        padding = [[0, 0], [0, 0]] + [list(p) for p in padding][1:]
    k, s = _one_spatial(ksize, "ksize"), _one_spatial(strides, "strides")
    return squeeze(pool2d(expand_dims(input, 1), (1, k), (1, s), padding), [1])


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """Max pooling over [batch, width, channels] windows (through max_pool2d, as in TF)."""
    return _pool1d(max_pool2d, input, ksize, strides, padding, data_format)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """Average pooling over [batch, width, channels] windows (through avg_pool2d, as in TF)."""
    return _pool1d(avg_pool2d, input, ksize, strides, padding, data_format)


def _pool_nd(pools, input, ksize, strides, padding, data_format):
    input = convert_to_tensor(input)
    if input.ndim not in (3, 4, 5):
        raise ValueError(
            "`input.shape.rank` must be 3, 4 or 5. Received: input.shape="
            f"{tuple(np.shape(input._value))} of rank {input.ndim}."
        )
    if input.ndim not in (3, 4):
        raise op_error(
            UnimplementedError,
            f"tapeflow pools rank-3 and rank-4 inputs only, got rank {input.ndim}",
        )
    if input.ndim == 3:
        return pools[0](input, ksize, strides, padding, data_format or "NWC")
    return pools[1](input, ksize, strides, padding, data_format or "NHWC")


def max_pool(input, ksize, strides, padding, data_format=None, name=None):
    """Max pooling of a rank-3 (NWC) or rank-4 (NHWC) input."""
    return _pool_nd((max_pool1d, max_pool2d), input, ksize, strides, padding, data_format)


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):
    """Average pooling of a rank-3 (NWC) or rank-4 (NHWC) input."""
    return _pool_nd((avg_pool1d, avg_pool2d), input, ksize, strides, padding, data_format)
