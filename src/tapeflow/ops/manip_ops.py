"""Array manipulation: tile, pad, reverse, roll, slice/strided_slice, repeat, meshgrid.

Every rule is linear shape bookkeeping; batched cotangents keep their `b`
leading dims by shifting axes by `b` (or padding/tiling them by nothing).
"""

from __future__ import annotations

import builtins

import numpy as np

from .._core import backend as _backend
from .._core import dtypes as _dt
from .._core import tape as _tape
from .._core.errors import invalid_argument
from .._core.registry import op
from .._core.tensor import convert_to_tensor, make
from .._core.variables import Variable
from ._util import as_int_tuple, batch_ndim, int_tensor, linear, normalize_axis, tangent_batch
from .array_ops import _reshape, _strided_slice, broadcast_to, normalize_index, reshape
from .samples import cases

# -- tile ------------------------------------------------------------------------------------


@op(
    "Tile",
    dtypes=_dt.ANY,
    sample=cases(([(2, 3)], {"multiples": (2, 1)}), ([(3,)], {"multiples": (3,)})),
)
def _tile(input, *, multiples):
    return np.tile(input, multiples)


@_tile.vjp
def _tile_vjp(g, out, input, *, multiples, needs):
    # Each input element received the sum of its copies: view g as [m0, d0, m1, d1, ...].
    from .reduction_ops import reduce_sum

    b = batch_ndim(g, out)
    shape = np.shape(input._value)
    split = np.shape(g._value)[:b] + tuple(
        x for m, d in zip(multiples, shape, strict=False) for x in (m, d)
    )
    axes = [b + 2 * i for i in builtins.range(len(shape))]
    return _reshape(reduce_sum(_reshape(g, shape=split), axes), shape=split[:b] + shape)


@_tile.jvp
def _tile_jvp(t, out, input, *, multiples):
    return _tile(t[0], multiples=(1,) * batch_ndim(t[0], input) + multiples)


def tile(input, multiples, name=None):
    """Repeats `input` `multiples[i]` times along each dimension i.

    Raises:
      InvalidArgumentError: if `multiples` has the wrong length or a negative entry.

    >>> tf.tile(tf.constant([[1, 2]]), [2, 1]).numpy()
    array([[1, 2],
           [1, 2]], dtype=int32)
    """
    input = convert_to_tensor(input)
    multiples = as_int_tuple(multiples, "multiples", "Tile", "Tmultiples")
    if len(multiples) != input.ndim:
        raise invalid_argument(
            f"Expected multiples argument to be a vector of length {input.ndim} but got length "
            f"{len(multiples)}",
            "Tile",
        )
    for i, m in enumerate(multiples):
        if m < 0:
            raise invalid_argument(f"Expected multiples[{i}] >= 0, but got {m}", "Tile")
    return _tile(input, multiples=multiples)


# -- pad -------------------------------------------------------------------------------------


def _unpad_key(paddings: tuple, shape: tuple, b: int) -> tuple:
    return (builtins.slice(None),) * b + tuple(
        builtins.slice(lo, lo + n) for (lo, _), n in zip(paddings, shape, strict=True)
    )


@op(
    "PadV2",
    dtypes=_dt.ANY,
    sample=cases(
        ([(2, 3), ()], {"paddings": ((1, 0), (2, 1))}),
        ([(3,), ()], {"paddings": ((0, 2),)}),
    ),
)
def _pad(input, constant_values, *, paddings):
    return np.pad(input, paddings, constant_values=constant_values)


@_pad.vjp
def _pad_vjp(g, out, input, constant_values, *, paddings, needs):
    # d/dinput: the interior of g; d/dconstant_values: the sum of g over the border.
    from .reduction_ops import reduce_sum

    b = batch_ndim(g, out)
    inner = _strided_slice(g, key=_unpad_key(paddings, np.shape(input._value), b))
    axes = list(builtins.range(b, np.ndim(g._value)))
    return inner, reduce_sum(g, axes) - reduce_sum(inner, axes)


@_pad.jvp
def _pad_jvp(t, out, input, constant_values, *, paddings):
    b = len(tangent_batch(t, (input, constant_values)))
    dtype = input._dtype

    def padded(dx):  # the interior moves with the input, the border stays at 0
        return _pad(dx, make(dtype._np.type(0), dtype), paddings=((0, 0),) * b + paddings)

    def border(dv):  # the border moves with constant_values
        ones = np.pad(np.zeros(np.shape(input._value), dtype._np), paddings, constant_values=1)
        dv = _reshape(dv, shape=np.shape(dv._value) + (1,) * np.ndim(input._value))
        return make(ones, dtype) * dv

    return linear(t, padded, border)


@op(
    "MirrorPad",
    dtypes=_dt.ANY,
    sample=cases(
        ([(3, 4)], {"paddings": ((1, 2), (0, 3)), "mode": "reflect"}),
        ([(3, 2)], {"paddings": ((3, 1), (2, 0)), "mode": "symmetric"}),
    ),
)
def _mirror_pad(input, *, paddings, mode):
    if _backend.any_foreign(input):
        # On Dask, one task on whole arrays: NumPy's pad with reflection.
        return _backend.whole(_mirror_pad.forward, input, paddings=paddings, mode=mode)
    return np.pad(input, paddings, mode=mode)


@_mirror_pad.vjp
def _mirror_pad_vjp(g, out, input, *, paddings, mode, needs):
    b = batch_ndim(g, out)
    return _mirror_pad_grad(g, paddings=((0, 0),) * b + paddings, mode=mode)


@_mirror_pad.jvp
def _mirror_pad_jvp(t, out, input, *, paddings, mode):
    b = batch_ndim(t[0], input)
    return _mirror_pad(t[0], paddings=((0, 0),) * b + paddings, mode=mode)


@op(
    "MirrorPadGrad",
    dtypes=_dt.ANY,
    sample=cases(([(6, 7)], {"paddings": ((1, 2), (0, 3)), "mode": "reflect"})),
)
def _mirror_pad_grad(g, *, paddings, mode):
    """Folds the mirrored borders of `g` back onto the values they copied (adds them)."""
    if _backend.any_foreign(g):
        # On Dask, one task on whole arrays: a scatter-add (np.add.at).
        return _backend.whole(_mirror_pad_grad.forward, g, paddings=paddings, mode=mode)
    for axis, (lo, hi) in enumerate(paddings):
        if lo == 0 and hi == 0:
            continue
        n = g.shape[axis] - lo - hi
        source = np.pad(np.arange(n), (lo, hi), mode=mode)
        folded = np.zeros(g.shape[:axis] + (n,) + g.shape[axis + 1 :], g.dtype)
        np.add.at(np.moveaxis(folded, axis, 0), source, np.moveaxis(g, axis, 0))
        g = folded
    return g


@_mirror_pad_grad.vjp
def _mirror_pad_grad_vjp(gg, out, g, *, paddings, mode, needs):
    b = batch_ndim(gg, out)
    return _mirror_pad(gg, paddings=((0, 0),) * b + paddings, mode=mode)


@_mirror_pad_grad.jvp
def _mirror_pad_grad_jvp(t, out, g, *, paddings, mode):
    b = batch_ndim(t[0], g)
    return _mirror_pad_grad(t[0], paddings=((0, 0),) * b + paddings, mode=mode)


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pads `tensor` with `paddings[i] = [before, after]` entries along each dimension i.

    Modes: "CONSTANT" (with `constant_values`), "REFLECT" (mirror without the edge, so
    a pad must be < the dimension) and "SYMMETRIC" (with the edge, <= the dimension).

    Raises:
      ValueError: for an unknown mode.
      InvalidArgumentError: for badly shaped, negative or too large paddings.

    >>> tf.pad(tf.constant([1, 2]), [[1, 1]]).numpy()
    array([0, 1, 2, 0], dtype=int32)
    """
    tensor = convert_to_tensor(tensor)
    kind = str(mode).upper()
    op_type = "Pad" if kind == "CONSTANT" else "MirrorPad"
    if kind not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise ValueError(
            'Value of argument `mode` expected to be one of "CONSTANT", "REFLECT", or '
            f'"SYMMETRIC". Received `mode` = {mode}'
        )
    flat = as_int_tuple(paddings, "paddings", op_type, "Tpaddings")
    array = np.reshape(flat, np.shape(convert_to_tensor(paddings)._value))
    if array.ndim != 2 or array.shape[1] != 2:
        raise invalid_argument(
            f"paddings must be a matrix with 2 columns: [{','.join(map(str, array.shape))}]",
            op_type,
        )
    shape = np.shape(tensor._value)
    if array.shape[0] != len(shape):
        raise invalid_argument(
            "The first dimension of paddings must be the rank of inputs"
            f"[{','.join(map(str, array.shape))}] [{','.join(map(str, shape))}]",
            op_type,
        )
    pads = tuple((int(lo), int(hi)) for lo, hi in array)
    for lo, hi in pads:
        if lo < 0 or hi < 0:
            raise invalid_argument(f"Paddings must be non-negative: {lo} {hi}", op_type)
    if kind == "CONSTANT":
        value = convert_to_tensor(constant_values, dtype_hint=tensor._dtype)
        if value._dtype is not tensor._dtype and not isinstance(constant_values, (int, float)):
            raise TypeError(
                f"Cannot convert {constant_values!r} to EagerTensor of dtype {tensor.dtype.name}"
            )
        if value._dtype is not tensor._dtype:
            value = convert_to_tensor(np.asarray(constant_values, tensor._dtype._np))
        return _pad(tensor, value, paddings=pads)
    for (lo, hi), n in zip(pads, shape, strict=False):
        limit = n if kind == "SYMMETRIC" else n - 1
        if lo > limit or hi > limit:
            relation = "no greater than" if kind == "SYMMETRIC" else "less than"
            verb = "greater than" if kind == "SYMMETRIC" else "not less than"
            raise invalid_argument(
                f"paddings must be {relation} the dimension size: {lo}, {hi} {verb} {n}",
                "MirrorPad",
            )
    return _mirror_pad(tensor, paddings=pads, mode=kind.lower())


# -- reverse and roll ------------------------------------------------------------------------


@op(
    "ReverseV2",
    dtypes=_dt.ANY,
    sample=cases(([(2, 3)], {"axis": (1,)}), ([(2, 3, 2)], {"axis": (0, 2)})),
)
def _reverse(tensor, *, axis):
    return np.flip(tensor, axis)


@_reverse.vjp
def _reverse_vjp(g, out, tensor, *, axis, needs):
    b = batch_ndim(g, out)
    return _reverse(g, axis=tuple(a + b for a in axis))


@_reverse.jvp
def _reverse_jvp(t, out, tensor, *, axis):
    b = batch_ndim(t[0], tensor)
    return _reverse(t[0], axis=tuple(a + b for a in axis))


def reverse(tensor, axis, name=None):
    """Reverses `tensor` along each dimension in `axis`.

    Raises:
      InvalidArgumentError: for an out-of-range or repeated axis.
    """
    tensor = convert_to_tensor(tensor)
    ndim = tensor.ndim
    axes = []
    axis = as_int_tuple(axis, "axis", "ReverseV2", "Tidx")
    if ndim == 0:  # TF's kernel returns a scalar as it is, whatever the axes
        return _reverse(tensor, axis=())
    for i, a in enumerate(axis):
        if not -ndim <= a < ndim:
            raise invalid_argument(
                f"'axis'[{i}] = {a} is out of valid range [0, {ndim - 1}", "ReverseV2"
            )
        if a % ndim in axes:
            raise invalid_argument(f"axis {a % ndim} specified more than once.", "ReverseV2")
        axes.append(a % ndim)
    return _reverse(tensor, axis=tuple(axes))


@op(
    "Roll",
    dtypes=_dt.ANY,
    sample=cases(
        ([(2, 3)], {"shift": (1,), "axis": (1,)}), ([(3, 4)], {"shift": (-1, 2), "axis": (0, 1)})
    ),
)
def _roll(input, *, shift, axis):
    return np.roll(input, shift, axis)


@_roll.vjp
def _roll_vjp(g, out, input, *, shift, axis, needs):
    b = batch_ndim(g, out)
    return _roll(g, shift=tuple(-s for s in shift), axis=tuple(a + b for a in axis))


@_roll.jvp
def _roll_jvp(t, out, input, *, shift, axis):
    b = batch_ndim(t[0], input)
    return _roll(t[0], shift=shift, axis=tuple(a + b for a in axis))


def roll(input, shift, axis, name=None):
    """Rolls the elements of `input` by `shift` along `axis` (several axes accumulate).

    Raises:
      InvalidArgumentError: if `shift` and `axis` differ in size or an axis is out of range.
    """
    input = convert_to_tensor(input)
    shift = as_int_tuple(shift, "shift", "Roll", "Tshift")
    axes = as_int_tuple(axis, "axis", "Roll", "Taxis")
    if len(shift) != len(axes):
        raise invalid_argument("shift and axis must have the same size", "Roll")
    ndim = input.ndim
    for a in axes:
        if not -ndim <= a < ndim:
            raise invalid_argument(f"axis {a} is out of range", "Roll")
    return _roll(input, shift=shift, axis=tuple(a % ndim for a in axes))


# -- slicing ---------------------------------------------------------------------------------


def slice(input_, begin, size, name=None):
    """The part of `input_` starting at `begin` with extent `size` (-1: to the end).

    Raises:
      InvalidArgumentError: if `begin`/`size` have the wrong length or leave the tensor.

    >>> tf.slice(tf.constant([[1, 2, 3], [4, 5, 6]]), [0, 1], [-1, 2]).numpy()
    array([[2, 3],
           [5, 6]], dtype=int32)
    """
    input_ = convert_to_tensor(input_)
    begin = as_int_tuple(begin, "begin", "Slice", "Index")
    size = as_int_tuple(size, "size", "Slice", "Index")
    shape = np.shape(input_._value)
    if len(begin) != len(shape) or len(size) != len(shape):
        raise invalid_argument(
            f"Expected begin and size arguments to be 1-D tensors of size {len(shape)}, but got "
            f"shapes [{len(begin)}] and [{len(size)}] instead.",
            "Slice",
        )
    key = []
    for i, (b, s, n) in enumerate(zip(begin, size, shape, strict=False)):
        s = n - b if s == -1 else s
        if not 0 <= b <= n:
            raise invalid_argument(f"Expected begin[{i}] in [0, {n}], but got {b}", "Slice")
        if not 0 <= s <= n - b:
            raise invalid_argument(f"Expected size[{i}] in [0, {n - b}], but got {s}", "Slice")
        key.append(builtins.slice(b, b + s))
    return _strided_slice(input_, key=tuple(key))


def strided_slice(
    input_,
    begin,
    end,
    strides=None,
    begin_mask=0,
    end_mask=0,
    ellipsis_mask=0,
    new_axis_mask=0,
    shrink_axis_mask=0,
    var=None,
    name=None,
):
    """Python-style slicing `input_[begin:end:strides]` with TF's bit masks.

    Bit i of `begin_mask`/`end_mask` ignores `begin[i]`/`end[i]`; of `ellipsis_mask`
    makes spec i an ellipsis; of `new_axis_mask` a new axis; of `shrink_axis_mask`
    the single index `begin[i]`. It is the same op as `tensor[...]`. With `var` (the
    variable `input_` was read from) the result's `.assign(value)` writes that slice of it.

    Raises:
      InvalidArgumentError: for begin/end/strides of different lengths, a zero stride,
        or an out-of-range index.
    """
    input_ = convert_to_tensor(input_)
    begin = as_int_tuple(begin, "begin", "StridedSlice", "Index")
    end = as_int_tuple(end, "end", "StridedSlice", "Index")
    if strides is None:
        strides = (1,) * len(begin)
    else:
        strides = as_int_tuple(strides, "strides", "StridedSlice", "Index")
    if not len(begin) == len(end) == len(strides):
        raise invalid_argument(
            "Expected begin, end, and strides to be 1D equal size tensors, but got shapes "
            f"[{len(begin)}], [{len(end)}], and [{len(strides)}] instead.",
            "StridedSlice",
        )
    key = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides, strict=False)):
        bit = 1 << i
        if s == 0:
            raise invalid_argument(f"strides[{i}] must be non-zero", "StridedSlice")
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(b)
        else:
            key.append(
                builtins.slice(None if begin_mask & bit else b, None if end_mask & bit else e, s)
            )
    key = normalize_index(tuple(key), np.shape(input_._value))
    out = _strided_slice(input_, key=key)
    if isinstance(var, Variable):  # TF: `var` given, the result's `.assign` writes to it
        out._slice_of = (var, key, name)
    return out


# -- repeat and meshgrid ---------------------------------------------------------------------


def repeat(input, repeats, axis=None, name=None):
    """Repeats each element of `input` `repeats` times along `axis` (flattened if None).

    Raises:
      ValueError: if `repeats` does not match the dimension.

    >>> tf.repeat(tf.constant([1, 2]), 2).numpy()
    array([1, 1, 2, 2], dtype=int32)
    """
    from .gather_ops import _gather

    input = convert_to_tensor(input)
    if axis is None or input.ndim == 0:  # TF repeats a scalar as a vector
        input = reshape(input, (-1,))
        axis = 0 if axis is None else axis
    if not isinstance(axis, (int, np.integer)):
        raise TypeError(
            f"Argument `axis` must be an int. Received `axis` = {axis} of type "
            f"{type(axis).__name__}"
        )
    axis = normalize_axis(axis, input.ndim, "Repeat")
    n = np.shape(input._value)[axis]
    repeats = int_tensor(repeats, "repeats")
    _tape.value_read(repeats, "tf.repeat's counts come from a tensor's value")
    counts = np.asarray(repeats._value).reshape(-1)
    if counts.size != 1 and counts.size != n:
        raise ValueError(f"Dimensions {n} and {counts.size} are not compatible")
    if np.any(counts < 0):
        bad = int(counts[counts < 0][0])
        raise invalid_argument(f"Expected multiples[1] >= 0, but got {bad}", "Tile")
    index = make(np.repeat(np.arange(n), np.broadcast_to(counts, (n,))), _dt.int64)
    # Through a reshape first (as TF does), so the gradient is dense.
    return _gather(_reshape(input, shape=np.shape(input._value)), index, axis=axis, batch_dims=0)


def meshgrid(*args, **kwargs):
    """Coordinate grids from 1-D tensors; `indexing="xy"` (default) swaps the first two axes.

    Raises:
      ValueError: for an `indexing` other than "xy" or "ij".

    >>> [g.shape for g in tf.meshgrid([1, 2, 3], [4, 5])]
    [TensorShape([2, 3]), TensorShape([2, 3])]
    """
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"'{next(iter(kwargs))}' is an invalid keyword argument for this function")
    if indexing not in ("xy", "ij"):
        raise ValueError(
            f"Argument `indexing` parameter must be either 'xy' or 'ij', got '{indexing}'"
        )
    vectors = [reshape(convert_to_tensor(a), (-1,)) for a in args]
    sizes = [int(np.size(v._value)) for v in vectors]
    if indexing == "xy" and len(vectors) > 1:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    grids = []
    for i, v in enumerate(vectors):
        position = i if indexing == "ij" or len(vectors) < 2 else {0: 1, 1: 0}.get(i, i)
        shape = [1] * len(vectors)
        shape[position] = -1
        grids.append(broadcast_to(reshape(v, shape), sizes))
    return grids
