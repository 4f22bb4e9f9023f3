"""Array ops: shapes, slicing, stacking, broadcasting and tensor creation.

Rules here are shape bookkeeping and are all linear in `g`. A cotangent may
carry `b` leading batch dimensions (b = g.ndim - out.ndim); every rule keeps
them, which is what lets a whole Jacobian come out of one backward pass.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .._core import backend as _backend
from .._core import dtypes as _dt
from .._core import tape as _tape
from .._core.errors import InvalidArgumentError, invalid_argument
from .._core.registry import op
from .._core.tensor import (
    EagerTensor,
    Tensor,
    _is_variable,
    check_allocation,
    constant,
    convert_to_tensor,
    make,
)
from ._util import (
    as_int_tuple,
    batch_ndim,
    check_rank,
    int_arg,
    int_tensor,
    normalize_axis,
    not_allowed,
    tangent_batch,
)
from .samples import Fixed, cases

newaxis = None


# -- reshaping -------------------------------------------------------------------------------


@op(
    "Reshape",
    keeps=("",),
    dtypes=_dt.ANY,
    sample=cases(
        ([(2, 3)], {"shape": (3, 2)}), ([(6,)], {"shape": (1, 2, 3)}), ([()], {"shape": (1,)})
    ),
)
def _reshape(tensor, *, shape):
    if len(shape) >= 254:
        raise invalid_argument(f"too many dimensions: must be < 254, but received {len(shape)}")
    check_rank(len(shape))
    if not shape or min(shape) >= 0:  # no -1: NumPy's reshape is TF's, when NumPy accepts it
        try:
            return _backend.reshape(tensor, shape)
        except ValueError:
            pass  # a negative or mismatched size: TF's error from the general path
    return _backend.reshape(tensor, _reshape_dims(np.shape(tensor), shape))


def _reshape_dims(input_shape: tuple, shape: tuple) -> tuple:
    """The output shape of TF's Reshape kernel, with its errors.

    As TF, zero sizes are left out of the product that infers the -1: an empty input can
    take a -1 next to a 0 (`[0]` to `[-1, 0]` is `(1, 0)`).
    """
    product, unknown, has_zero = 1, -1, False
    for d, size in enumerate(shape):
        if size == -1:
            if unknown != -1:
                raise invalid_argument(f"Only one input size may be -1, not both {unknown} and {d}")
            unknown = d
        elif size < 0:
            raise invalid_argument(f"Size {d} must be non-negative, not {size}")
        elif size == 0:
            has_zero = True
        else:
            product *= size
    dims = list(shape)
    if unknown != -1:
        counted = [n for n in input_shape if n > 0 or not has_zero]
        input_has_zero = len(counted) < len(input_shape)
        count = math.prod(counted)
        missing = count // product
        if not input_has_zero and product * missing != count:
            raise invalid_argument(
                f"Input to reshape is a tensor with {count} values, but the requested shape "
                f"requires a multiple of {product}"
            )
        dims[unknown] = missing
    size, wanted = math.prod(input_shape), math.prod(dims)
    if wanted != size:
        raise invalid_argument(
            f"Input to reshape is a tensor with {size} values, but the requested shape has {wanted}"
        )
    return tuple(dims)


@_reshape.vjp
def _reshape_vjp(g, out, tensor, *, shape, needs):
    b = batch_ndim(g, out)
    return _reshape(g, shape=np.shape(g._value)[:b] + np.shape(tensor._value))


@_reshape.jvp
def _reshape_jvp(t, out, tensor, *, shape):
    b = batch_ndim(t[0], tensor)
    return _reshape(t[0], shape=np.shape(t[0]._value)[:b] + np.shape(out._value))


def reshape(tensor, shape, name=None):
    """Reshapes `tensor` to `shape`; one dimension may be -1 (inferred).

    Raises:
      InvalidArgumentError: if the element counts do not match.

    >>> tf.reshape(tf.range(6), [2, -1]).shape
    TensorShape([2, 3])
    """
    return _reshape(tensor, shape=as_int_tuple(shape, "shape", "Reshape", "Tshape"))


@op(
    "Transpose",
    keeps=("",),
    dtypes=_dt.ANY,
    sample=cases(([(2, 3)], {"perm": (1, 0)}), ([(2, 3, 4)], {"perm": (2, 0, 1)})),
)
def _transpose(x, *, perm):
    return np.transpose(x, _checked_perm(perm, np.ndim(x)))


def _checked_perm(perm: tuple, ndim: int) -> tuple:
    """`perm` with negative entries counted from the end, or TF's Transpose errors."""
    if len(perm) != ndim:
        raise invalid_argument(
            f"transpose expects a vector of size {ndim}. But input(1) is a vector of size "
            f"{len(perm)}",
            "Transpose",
        )
    out = []
    for p in perm:
        d = p + ndim if p < 0 else p
        if not 0 <= d < ndim:
            raise invalid_argument(f"{d} is out of range [0 .. {ndim})", "Transpose")
        out.append(d)
    for i in builtins.range(ndim):
        if i not in out:
            joined = ",".join(str(p) for p in perm)
            raise invalid_argument(f"{i} is missing from {{{joined}}}.", "Transpose")
    return tuple(out)


def _batched_perm(perm: tuple, b: int) -> tuple:
    return tuple(builtins.range(b)) + tuple(p + b for p in perm)


@_transpose.vjp
def _transpose_vjp(g, out, x, *, perm, needs):
    inverse = tuple(np.argsort(perm))
    return _transpose(g, perm=_batched_perm(inverse, batch_ndim(g, out)))


@_transpose.jvp
def _transpose_jvp(t, out, x, *, perm):
    return _transpose(t[0], perm=_batched_perm(perm, batch_ndim(t[0], x)))


def transpose(a, perm=None, conjugate=False, name="transpose"):
    """Permutes the dimensions of `a` (reverses them when `perm` is None).

    Args:
      a: a tensor.
      perm: a permutation of the dimensions.
      conjugate: also take the complex conjugate.
    """
    a = convert_to_tensor(a)
    if perm is None:
        perm = tuple(builtins.range(a.ndim))[::-1]
    else:
        perm = _checked_perm(as_int_tuple(perm, "perm", "Transpose", "Tperm"), a.ndim)
    out = _transpose(a, perm=perm)
    if conjugate and a._dtype.is_complex:
        from .math_ops import conj

        out = conj(out)
    return out


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Transposes the last two dimensions of `a`."""
    a = convert_to_tensor(a)
    if a.ndim < 2:
        raise ValueError(
            f"Argument `a` should be a (batch) matrix with rank >= 2.  Received `a` = {a!r}"
        )
    perm = tuple(builtins.range(a.ndim - 2)) + (a.ndim - 1, a.ndim - 2)
    return transpose(a, perm, conjugate=conjugate)


def expand_dims(input, axis, name=None):
    """Inserts a dimension of size 1 at `axis` (negative counts from the end)."""
    input = convert_to_tensor(input)
    ndim = input.ndim + 1
    axis = normalize_axis(axis, ndim, "ExpandDims")
    shape = list(np.shape(input._value))
    shape.insert(axis, 1)
    return _reshape(input, shape=tuple(shape))


def squeeze(input, axis=None, name=None):
    """Removes dimensions of size 1 (all of them, or those listed in `axis`).

    Raises:
      InvalidArgumentError: if a listed dimension is not of size 1.
    """
    input = convert_to_tensor(input)
    shape = np.shape(input._value)
    if axis is None:
        new = tuple(d for d in shape if d != 1)
    else:
        axes = [axis] if np.ndim(axis) == 0 else list(axis)
        # TF's squeeze_dims is a list(int) attr, which truncates floats (0.5 is dim 0).
        axes = {normalize_axis(int(a), len(shape), "Squeeze") for a in axes}
        for a in axes:
            if shape[a] != 1:
                raise invalid_argument(
                    f"Can not squeeze dim[{a}], expected a dimension of 1, got {shape[a]}",
                    "Squeeze",
                )
        new = tuple(d for i, d in enumerate(shape) if i not in axes)
    return _reshape(input, shape=new)


# -- broadcasting --------------------------------------------------------------------------


@op(
    "BroadcastTo",
    keeps=("",),
    dtypes=_dt.ANY,
    sample=cases(
        ([(3,)], {"shape": (2, 3)}), ([(2, 1)], {"shape": (2, 4)}), ([()], {"shape": (2,)})
    ),
)
def _broadcast_to(input, *, shape):
    if isinstance(input, np.generic) and math.prod(shape) <= 4096:
        return np.full(shape, input)  # small: faster than a view; large fills stay views
    try:
        return np.broadcast_to(input, shape)
    except ValueError:
        raise invalid_argument(
            f"Unable to broadcast tensor of shape {list(np.shape(input))} to tensor of shape "
            f"{list(shape)}"
        ) from None


@_broadcast_to.vjp
def _broadcast_to_vjp(g, out, input, *, shape, needs):
    return sum_to(g, np.shape(input._value), batch_ndim(g, out))


@_broadcast_to.jvp
def _broadcast_to_jvp(t, out, input, *, shape):
    b = batch_ndim(t[0], input)
    tshape = np.shape(t[0]._value)
    if b:  # align the input's dims to the right of the batch dims before broadcasting
        missing = np.ndim(out._value) - np.ndim(input._value)
        t = [_reshape(t[0], shape=tshape[:b] + (1,) * missing + tshape[b:])]
    return _broadcast_to(t[0], shape=tshape[:b] + np.shape(out._value))


def broadcast_to(input, shape, name=None):
    """Broadcasts `input` to `shape` (NumPy rules).

    Raises:
      InvalidArgumentError: for a negative dimension or more than 2**63 - 1 elements, or a
        shape `input` does not broadcast to.
      ResourceExhaustedError: for more bytes than the machine's memory, as TF (which
        allocates the result) does, even though NumPy would return a view.
    """
    input = convert_to_tensor(input)
    shape = _output_shape(shape, "BroadcastTo", "Tidx")
    check_allocation(shape, input._dtype, "BroadcastTo")
    return _broadcast_to(input, shape=shape)


def zeros_tangent(x, batch: tuple = ()):
    """Zeros shaped `batch + x.shape`: the tangent of an input that has none, for the JVP
    rules that need one as an operand (stack, concat, scatter updates)."""
    from .math_ops import zeros_like

    zeros = zeros_like(x)
    return _broadcast_to(zeros, shape=batch + np.shape(x._value)) if batch else zeros


def sum_to(g, shape: tuple, batch_ndim: int = 0):
    """Sums `g` down to `batch + shape`, undoing broadcasting (used by the backward walk)."""
    from .reduction_ops import reduce_sum

    gshape = np.shape(g._value)
    lead = len(gshape) - batch_ndim - len(shape)
    axes = list(builtins.range(batch_ndim, batch_ndim + lead))
    axes += [
        batch_ndim + lead + i
        for i, d in enumerate(shape)
        if d == 1 and gshape[batch_ndim + lead + i] != 1
    ]
    if axes:
        g = reduce_sum(g, axes)
    target = gshape[:batch_ndim] + tuple(shape)
    if np.shape(g._value) != target:
        g = _reshape(g, shape=target)
    return g


# -- slicing ---------------------------------------------------------------------------------

_INDEX_ERROR = (
    "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
    "tf.int32/tf.int64 tensors are valid indices, got {!r}"
)


def _index_int(value):
    if isinstance(value, (Tensor,)) or _is_variable(value):
        t = convert_to_tensor(value)
        if t.ndim != 0 or t._dtype not in (_dt.int32, _dt.int64):
            raise TypeError(_INDEX_ERROR.format(value))
        _tape.value_read(t, "an index comes from a tensor's value")
        return int(t._value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(_INDEX_ERROR.format(value))
    return int(value)


def _out_of_bounds(i: int, dim: int, n: int) -> InvalidArgumentError:
    # TF reports a negative index after adding the dimension's size (-4 of 3 -> -1).
    return invalid_argument(
        f"slice index {i + n if i < 0 else i} of dimension {dim} out of bounds.", "StridedSlice"
    )


def normalize_index(key, shape: tuple) -> tuple:
    """A `__getitem__` key as a tuple of ints, slices and None covering every dimension."""
    if not isinstance(key, tuple):
        key = (key,)
    consumed = builtins.sum(1 for k in key if k is not None and k is not Ellipsis)
    if builtins.sum(1 for k in key if k is Ellipsis) > 1:
        raise invalid_argument("Multiple ellipses in slice spec not allowed", "StridedSlice")
    out = []
    dim = 0
    for position, k in enumerate(key):
        if k is Ellipsis:
            fill = builtins.max(len(shape) - consumed, 0)
            out.extend([slice(None)] * fill)
            dim += fill
        elif k is None:
            out.append(None)
        elif isinstance(k, slice):
            parts = [None if p is None else _index_int(p) for p in (k.start, k.stop, k.step)]
            if parts[2] == 0:
                raise invalid_argument(f"strides[{position}] must be non-zero", "StridedSlice")
            out.append(slice(*parts))
            dim += 1
        else:
            i = _index_int(k)
            if not shape:
                raise invalid_argument("Attempting to slice scalar input.", "StridedSlice")
            if dim >= len(shape):
                raise invalid_argument(
                    f"Index out of range using input dim {dim}; input has only {len(shape)} dims",
                    "StridedSlice",
                )
            if not -shape[dim] <= i < shape[dim]:
                raise _out_of_bounds(i, dim, shape[dim])
            out.append(i % shape[dim])
            dim += 1
    if dim > len(shape):
        raise invalid_argument(
            f"Index out of range using input dim {len(shape)}; input has only {len(shape)} dims",
            "StridedSlice",
        )
    out.extend([slice(None)] * (len(shape) - dim))
    return tuple(out)


def _is_bool_mask(key) -> bool:
    if isinstance(key, (bool, np.bool_)):
        return True
    return (isinstance(key, Tensor) or _is_variable(key) or isinstance(key, np.ndarray)) and (
        key.dtype == _dt.bool or key.dtype == np.bool_
    )


def _batched_key(key: tuple, b: int) -> tuple:
    return (slice(None),) * b + key


@op(
    "StridedSlice",
    keeps=("",),
    dtypes=_dt.ANY,
    sample=cases(
        ([(4, 3)], {"key": (1, slice(None))}),
        ([(5,)], {"key": (slice(4, 0, -2),)}),
        ([(2, 3)], {"key": (None, slice(None), 2)}),
    ),
)
def _strided_slice(input, *, key):
    return input[key]


@_strided_slice.vjp
def _strided_slice_vjp(g, out, input, *, key, needs):
    b = batch_ndim(g, out)
    return _strided_slice_grad(
        g, shape=np.shape(g._value)[:b] + np.shape(input._value), key=_batched_key(key, b)
    )


@_strided_slice.jvp
def _strided_slice_jvp(t, out, input, *, key):
    return _strided_slice(t[0], key=_batched_key(key, batch_ndim(t[0], input)))


@op(
    "StridedSliceGrad",
    dtypes=_dt.ANY,
    sample=cases(([(3,)], {"shape": (4, 3), "key": (1, slice(None))})),
)
def _strided_slice_grad(dy, *, shape, key):
    if _backend.is_foreign(dy):
        # On Dask, one task on whole arrays: Dask's slice assignment is partial.
        return _backend.whole(_strided_slice_grad.forward, dy, shape=shape, key=key)
    out = np.zeros(shape, dtype=np.result_type(dy))
    out[key] = dy
    return out


@_strided_slice_grad.vjp
def _strided_slice_grad_vjp(g, out, dy, *, shape, key, needs):
    b = batch_ndim(g, out)
    return _strided_slice(g, key=_batched_key(key, b))


@_strided_slice_grad.jvp
def _strided_slice_grad_jvp(t, out, dy, *, shape, key):
    b = batch_ndim(t[0], dy)
    return _strided_slice_grad(
        t[0], shape=np.shape(t[0]._value)[:b] + shape, key=_batched_key(key, b)
    )


# -- indexing with call-dependent tensors (tf.function replays) ---------------------------
#
# `x[i]` with a scalar int tensor `i` reads `i` in Python (`_index_int`): right eagerly, but
# inside a traced tf.function whose `i` changes between calls the trace could not replay.
# There `getitem` records "TensorIndex" instead: the index tensors are op inputs, so a replay
# places the new values into the key (TF's StridedSlice takes its bounds as inputs too).


def _is_traced_index(k, trace) -> bool:
    return (
        type(k) is EagerTensor
        and k._id in trace.traced
        and k.ndim == 0
        and k._dtype in (_dt.int32, _dt.int64)
    )


def traced_index(tensor, key):
    """`tensor[key]` as a "TensorIndex" op when a trace records and some plain index of
    `key` is a call-dependent scalar int tensor; None otherwise (the caller slices as
    usual). Slice bounds from tensors still read their values (the output's shape
    would depend on them)."""
    trace = _tape.state.trace
    items = key if type(key) is tuple else (key,)
    if builtins.any(_is_variable(k) for k in items):  # an int Variable index: its read
        items = tuple(convert_to_tensor(k) if _is_variable(k) else k for k in items)
    found = [j for j, k in enumerate(items) if _is_traced_index(k, trace)]
    if not found:
        return None
    values = list(items)
    for j in found:
        values[j] = int(items[j]._value)
    shape = np.shape(tensor._value)
    full = normalize_index(tuple(values), shape)  # TF's errors, with the traced values
    consumed = builtins.sum(1 for k in items if k is not None and k is not Ellipsis)
    at, position, dim = [], 0, 0
    for j, k in enumerate(items):
        if k is Ellipsis:
            fill = builtins.max(len(shape) - consumed, 0)
            position += fill
            dim += fill
        elif k is None:
            position += 1
        else:
            if j in found:
                at.append((position, dim, dim))
            position += 1
            dim += 1
    return _tensor_index(tensor, *[items[j] for j in found], key=full, at=tuple(at))


def _placed(key: tuple, at: tuple, indices: tuple, shape: tuple) -> tuple:
    """`key` with each `at` entry's (position, dim, dim as reported) index value placed."""
    key = list(key)
    for (position, dim, shown), value in zip(at, indices):
        i = int(value)
        n = shape[dim]
        if not -n <= i < n:
            raise _out_of_bounds(i, shown, n)
        key[position] = i % n
    return tuple(key)


def _batched_at(at: tuple, b: int) -> tuple:
    return tuple((position + b, dim + b, shown) for position, dim, shown in at)


@op(
    "TensorIndex",
    dtypes=_dt.ANY,
    same_dtype=False,
    sample=cases(
        ([(4, 3), Fixed(np.int32(2))], {"key": (0, slice(None)), "at": ((0, 0, 0),)}),
        (
            [(2, 3), Fixed(np.int64(-1)), Fixed(np.int32(1))],
            {"key": (None, 0, 0), "at": ((1, 0, 0), (2, 1, 1))},
        ),
    ),
)
def _tensor_index(input, *indices, key, at):
    """`input[key]` with `indices` placed at `at` (see `_placed`); a tapeflow-only op."""
    return input[_placed(key, at, indices, np.shape(input))]


@_tensor_index.vjp
def _tensor_index_vjp(g, out, input, *indices, key, at, needs):
    b = batch_ndim(g, out)
    dx = _tensor_index_grad(
        g,
        *indices,
        shape=np.shape(g._value)[:b] + np.shape(input._value),
        key=_batched_key(key, b),
        at=_batched_at(at, b),
    )
    return (dx,) + (None,) * len(indices)


@_tensor_index.jvp
def _tensor_index_jvp(t, out, input, *indices, key, at):
    if t[0] is None:
        return None
    b = batch_ndim(t[0], input)
    return _tensor_index(t[0], *indices, key=_batched_key(key, b), at=_batched_at(at, b))


@op(
    "TensorIndexGrad",
    dtypes=_dt.ANY,
    same_dtype=False,
    sample=cases(
        (
            [(3,), Fixed(np.int32(1))],
            {"shape": (4, 3), "key": (0, slice(None)), "at": ((0, 0, 0),)},
        ),
    ),
)
def _tensor_index_grad(dy, *indices, shape, key, at):
    """Zeros of `shape` with `dy` written at `TensorIndex`'s key (its gradient)."""
    return _strided_slice_grad.forward(dy, shape=shape, key=_placed(key, at, indices, shape))


@_tensor_index_grad.vjp
def _tensor_index_grad_vjp(g, out, dy, *indices, shape, key, at, needs):
    b = batch_ndim(g, out)
    dg = _tensor_index(g, *indices, key=_batched_key(key, b), at=_batched_at(at, b))
    return (dg,) + (None,) * len(indices)


@_tensor_index_grad.jvp
def _tensor_index_grad_jvp(t, out, dy, *indices, shape, key, at):
    if t[0] is None:
        return None
    b = batch_ndim(t[0], dy)
    return _tensor_index_grad(
        t[0],
        *indices,
        shape=np.shape(t[0]._value)[:b] + shape,
        key=_batched_key(key, b),
        at=_batched_at(at, b),
    )


# -- stacking --------------------------------------------------------------------------------


@op(
    "Pack",
    sample=cases(([(3,), (3,)], {"axis": 0}), ([(2, 3), (2, 3), (2, 3)], {"axis": -1})),
)
def _stack(*values, axis=0):
    return np.stack(values, axis)


@_stack.vjp
def _stack_vjp(g, out, *values, axis=0, needs):
    b = batch_ndim(g, out)
    return _unstack(g, axis=axis % np.ndim(out._value) + b, num=len(values))


@_stack.jvp
def _stack_jvp(t, out, *values, axis=0):
    batch = tangent_batch(t, values)
    t = [zeros_tangent(x, batch) if dx is None else dx for dx, x in zip(t, values)]
    return _stack(*t, axis=axis % np.ndim(out._value) + len(batch))


def stack(values, axis=0, name="stack"):
    """Stacks a list of rank-R tensors into one rank-(R+1) tensor along `axis`.

    An empty list is TF's empty float32 vector (TF converts `[]` itself).

    Raises:
      InvalidArgumentError: if the shapes differ.
    """
    values = list(values)
    if not values:
        return convert_to_tensor(values)
    tensors = _convert_same(values, "Pack")
    ndim = tensors[0].ndim + 1
    axis = int(axis)  # an int attr in TF, which truncates floats
    normalize_axis(axis, ndim, "Pack")
    shapes = {np.shape(t._value) for t in tensors}
    if len(shapes) > 1:
        first = np.shape(tensors[0]._value)
        i, other = next(
            (i, np.shape(t._value)) for i, t in enumerate(tensors) if np.shape(t._value) != first
        )
        raise invalid_argument(
            f"Shapes of all inputs must match: values[0].shape = {list(first)} != "
            f"values[{i}].shape = {list(other)}",
            "Pack",
        )
    return _stack(*tensors, axis=axis)


def _convert_same(values: list, op_type: str) -> list:
    """Converts a list of values to tensors of one dtype (the first tensor's)."""
    dtype = next(
        (convert_to_tensor(v)._dtype for v in values if isinstance(v, Tensor) or _is_variable(v)),
        None,
    )
    tensors = [
        convert_to_tensor(v, dtype=dtype) if not isinstance(v, EagerTensor) else v for v in values
    ]
    first = tensors[0]._dtype
    for i, t in enumerate(tensors):
        if t._dtype is not first:
            from .._core.tensor import dtype_mismatch

            raise dtype_mismatch(first, t._dtype, op_type, i)
    return tensors


@op(
    "Unpack",
    n_outputs=None,
    dtypes=_dt.ANY,
    sample=cases(([(3, 2)], {"axis": 0, "num": 3}), ([(2, 3)], {"axis": -1, "num": 3})),
)
def _unstack(value, *, axis=0, num=None):
    return tuple(np.moveaxis(value, axis, 0))


@_unstack.vjp
def _unstack_vjp(gs, outs, value, *, axis=0, num=None, needs):
    b = batch_ndim(gs[0], outs[0])
    return _stack(*gs, axis=axis % np.ndim(value._value) + b)


@_unstack.jvp
def _unstack_jvp(t, outs, value, *, axis=0, num=None):
    b = batch_ndim(t[0], value)
    return _unstack(t[0], axis=axis % np.ndim(value._value) + b, num=num)


def unstack(value, num=None, axis=0, name="unstack"):
    """Splits `value` along `axis` into a list of tensors of rank R-1.

    Raises:
      ValueError: if `value` is a scalar or `num` does not match the dimension.
    """
    value = convert_to_tensor(value)
    ndim = value.ndim
    if num is None:  # TF reads num from the static shape, checking axis in Python first
        if axis < -ndim or axis >= ndim:
            raise ValueError(f"Argument `axis` = {axis} not in range [{-ndim}, {ndim})")
        if not isinstance(axis, (int, np.integer)):
            raise TypeError(f"list indices must be integers or slices, not {type(axis).__name__}")
    elif not -ndim <= int(axis) < ndim:
        raise invalid_argument(f"axis = {int(axis)} not in [{-ndim}, {ndim})", "Unpack")
    axis = normalize_axis(axis, ndim, "Unpack")
    size = np.shape(value._value)[axis]
    if num is not None and num != size:
        raise ValueError(f"Cannot infer argument `num` from shape {value.shape}")
    return list(_unstack(value, axis=axis, num=size))


@op(
    "ConcatV2",
    sample=cases(([(2,), (3,)], {"axis": 0}), ([(2, 1), (2, 3)], {"axis": 1})),
)
def _concat(*values, axis=0):
    return np.concatenate(values, axis)


@_concat.vjp
def _concat_vjp(g, out, *values, axis=0, needs):
    b = batch_ndim(g, out)
    sizes = [np.shape(v._value)[axis] for v in values]
    return _split(g, axis=axis + b, sizes=tuple(sizes))


@_concat.jvp
def _concat_jvp(t, out, *values, axis=0):
    batch = tangent_batch(t, values)
    t = [zeros_tangent(x, batch) if dx is None else dx for dx, x in zip(t, values)]
    return _concat(*t, axis=axis + len(batch))


def concat(values, axis, name="concat"):
    """Concatenates tensors along `axis`.

    Raises:
      InvalidArgumentError: if ranks or the other dimensions differ.
    """
    values = list(values)
    if not values:  # TF's kernel lookup fails before any shape is known
        raise invalid_argument(
            "OpKernel 'ConcatV2' has constraint on attr 'T' not in NodeDef '[N=0, Tidx=DT_INT32]'",
            "ConcatV2",
        )
    tensors = _convert_same(values, "ConcatV2")
    if len(tensors) == 1:
        return tensors[0]
    ndim = tensors[0].ndim
    if ndim == 0:
        raise invalid_argument("Can't concatenate scalars (use tf.stack instead)", "ConcatV2")
    axis = normalize_axis(axis, ndim, "ConcatV2")
    base = np.shape(tensors[0]._value)
    for i, t in enumerate(tensors[1:], 1):
        shape = np.shape(t._value)
        if len(shape) != ndim:
            raise invalid_argument(
                f"ConcatOp : Ranks of all input tensors should match: shape[0] = {list(base)} vs. "
                f"shape[{i}] = {list(shape)}",
                "ConcatV2",
            )
        for j in builtins.range(ndim):
            if j != axis and base[j] != shape[j]:
                raise invalid_argument(
                    f"ConcatOp : Dimension {j} in both shapes must be equal: shape[0] = "
                    f"{list(base)} vs. shape[{i}] = {list(shape)}",
                    "ConcatV2",
                )
    return _concat(*tensors, axis=axis)


@op(
    "SplitV", n_outputs=None, dtypes=_dt.ANY, sample=cases(([(5, 2)], {"axis": 0, "sizes": (2, 3)}))
)
def _split(value, *, axis, sizes):
    if _backend.is_foreign(value):  # np.split is NumPy's own: slice, which Dask keeps lazy
        ends = np.cumsum(sizes).tolist()
        before = (slice(None),) * (axis % value.ndim)
        return tuple(value[before + (slice(e - n, e),)] for e, n in zip(ends, sizes))
    return tuple(np.split(value, np.cumsum(sizes)[:-1], axis))


@_split.vjp
def _split_vjp(gs, outs, value, *, axis, sizes, needs):
    b = batch_ndim(gs[0], outs[0])
    return _concat(*gs, axis=axis + b)


@_split.jvp
def _split_jvp(t, outs, value, *, axis, sizes):
    return _split(t[0], axis=axis + batch_ndim(t[0], value), sizes=sizes)


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits `value` along `axis` into equal parts or parts of the given sizes.

    Raises:
      InvalidArgumentError: if the sizes do not add up to the dimension.
    """
    value = convert_to_tensor(value)
    even = isinstance(num_or_size_splits, (int, np.integer))
    if not even and np.ndim(num_or_size_splits) == 0:
        raise ValueError(
            "Rank-0 tensors are not supported as the num_or_size_splits argument to split. "
            f"Argument provided: {num_or_size_splits}"
        )
    ndim = value.ndim
    axis = int(int_arg(axis))
    if not -ndim <= axis < ndim:
        raise invalid_argument(
            f"-input rank(-{ndim}) <= split_dim < input rank ({ndim}), but got {axis}",
            "Split" if even else "SplitV",
        )
    axis %= ndim
    size = np.shape(value._value)[axis]
    if even:
        n = int(num_or_size_splits)
        if n <= 0 or size % n:
            raise invalid_argument(
                f"Number of ways to split should evenly divide the split dimension, but got "
                f"split_dim {axis} (size = {size}) and num_split {n}",
                "Split",
            )
        sizes = (size // n,) * n
    else:
        sizes = list(as_int_tuple(num_or_size_splits, "num_or_size_splits", "SplitV", "Tlen"))
        if sizes.count(-1) == 1:
            sizes[sizes.index(-1)] = size - (builtins.sum(sizes) + 1)
        if builtins.sum(sizes) != size or builtins.min(sizes) < 0:
            raise invalid_argument(
                f"Determined shape must either match input shape along split_dim exactly if "
                f"fully specified, or be less than the size of the input along split_dim if not "
                f"fully specified.  Got: {builtins.sum(sizes)}",
                "SplitV",
            )
        sizes = tuple(sizes)
    return list(_split(value, axis=axis, sizes=sizes))


# -- identity and creation -------------------------------------------------------------------


@op("Identity", keeps=("",), dtypes=_dt.ANY, sample=cases(([(2, 3)], {})))
def identity(input):
    """Returns a tensor with the same value as `input` (and passes its gradient); under a
    `tf.device` scope, copied to the scope's device (TF's way to move a tensor)."""
    if _backend.scopes_entered:
        return _backend.moved(input)
    return input


@identity.vjp
def _identity_vjp(g, out, input, *, needs):
    return g


@identity.jvp
def _identity_jvp(t, out, input):
    return t[0]


@op("StopGradient", dtypes=_dt.ANY, differentiable=False, no_sample="no gradient by design")
def stop_gradient(input):
    """Returns `input`, but blocks gradients: tapes do not record it."""
    return input


def _output_shape(shape, op_type: str, attr: str, **options) -> tuple:
    dims = as_int_tuple(shape, "shape", op_type, attr, **options)
    if len(dims) > 254:
        raise invalid_argument("Too many dimensions", op_type)
    check_rank(len(dims), op_type)
    for d in dims:
        if d < 0:
            raise invalid_argument(f"Dimension {d} must be >= 0", op_type)
    return dims


def _fill_shape(shape, dtype, strict: bool = False) -> tuple:
    """The checked shape of a Fill output: TF's errors for non-integer, non-vector, negative
    or unallocatable shapes (`strict`: Python values converted to int32, as tf.zeros does)."""
    vector = "dims must represent a vector, got shape"
    dims = _output_shape(shape, "Fill", "index_type", strict=strict, vector=vector)
    check_allocation(dims, dtype, "Fill")
    return dims


def zeros(shape, dtype=_dt.float32, name=None):
    """A tensor of zeros with the given shape and dtype (float32 by default).

    Raises:
      InvalidArgumentError: for a negative dimension or more than 2**63 - 1 elements.
      ResourceExhaustedError: for more bytes than the machine's memory.
    """
    dtype = _dt.as_dtype(dtype)
    return make(_backend.placed(np.zeros(_fill_shape(shape, dtype, True), dtype._np)[()]), dtype)


def ones(shape, dtype=_dt.float32, name=None):
    """A tensor of ones with the given shape and dtype (float32 by default).

    Raises:
      InvalidArgumentError: for a negative dimension or more than 2**63 - 1 elements.
      ResourceExhaustedError: for more bytes than the machine's memory.
    """
    dtype = _dt.as_dtype(dtype)
    return make(_backend.placed(np.ones(_fill_shape(shape, dtype, True), dtype._np)[()]), dtype)


def fill(dims, value, name=None):
    """A tensor of shape `dims` filled with `value` (differentiable in `value`).

    The result is a zero-stride view of `value`, but it is refused as TF refuses to
    allocate it (see `zeros`), so that no op ever walks an impossibly large view.
    """
    value = convert_to_tensor(value)
    if value.ndim != 0:
        raise invalid_argument(
            f"value must represent a scalar, got shape {list(np.shape(value._value))}", "Fill"
        )
    return _broadcast_to(value, shape=_fill_shape(dims, value._dtype))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=_dt.float32, name=None):
    """An identity matrix (or a batch of them).

    Raises:
      TypeError: for sizes that are neither Python ints nor tensors, as TF.
      InvalidArgumentError: for a negative size, or tensor sizes TF's Minimum refuses.
    """
    dtype = _dt.as_dtype(dtype)
    num_columns = num_rows if num_columns is None else num_columns
    if isinstance(num_rows, Tensor) or isinstance(num_columns, Tensor):
        from .math_ops import minimum

        diag = minimum(num_rows, num_columns)  # TF takes the diagonal size with an op
        if diag.ndim and batch_shape is None:
            dims = ",".join(str(d) for d in np.shape(diag._value))
            raise invalid_argument(
                f"ConcatOp : Ranks of all input tensors should match: shape[0] = [0] vs. "
                f"shape[1] = [1,{dims}]",
                "ConcatV2",
            )
        rows, columns = (convert_to_tensor(n) for n in (num_rows, num_columns))
        for t in (rows, columns):
            _tape.value_read(t, "tf.eye's size comes from a tensor's value")
        rows, columns = int(rows._value), int(columns._value)
    else:
        for n in (num_rows, num_columns):
            if not isinstance(n, (int, np.integer)):
                raise TypeError(
                    "Arguments `num_rows` and `num_columns` must be positive integer values. "
                    f"Received: num_rows={num_rows}, num_columns={num_columns}"
                )
        rows, columns = int(num_rows), int(num_columns)
    for d in (rows, columns):
        if d < 0:
            raise invalid_argument(f"Dimension {d} must be >= 0", "Fill")
    matrix = np.eye(rows, columns, dtype=dtype._np)
    if batch_shape is not None:
        matrix = np.broadcast_to(matrix, as_int_tuple(batch_shape) + matrix.shape).copy()
    return make(_backend.placed(matrix), dtype)


def range(start, limit=None, delta=1, dtype=None, name="range"):
    """Numbers from `start` up to (not including) `limit` in steps of `delta`.

    With one argument it counts from 0. The dtype is int32 for Python ints,
    float32 when any argument is a float, unless `dtype` is given.

    Raises:
      InvalidArgumentError: if `delta` is 0 or points away from `limit`.
    """
    if limit is None:
        start, limit = 0, start
    args = [start, limit, delta]
    values = [convert_to_tensor(a) if not isinstance(a, EagerTensor) else a for a in args]
    numeric = (_dt.int32, _dt.int64, _dt.float16, _dt.float32, _dt.float64)
    for v in values:
        if dtype is None and v._dtype not in numeric:
            # TF asserts this (a bare AssertionError); tapeflow says what is wrong.
            raise TypeError(f"tf.range takes integer or float bounds, got {v._dtype!r}")
    for arg, v in zip(("start", "limit", "delta"), values):
        if v.ndim:
            dims = ",".join(str(d) for d in np.shape(v._value))
            raise invalid_argument(f"{arg} must be a scalar, not shape [{dims}]", "Range")
    if dtype is None:
        order = [_dt.int32, _dt.int64, _dt.float16, _dt.float32, _dt.float64]
        inferred = builtins.max(
            (v._dtype for v in values), key=lambda d: order.index(d) if d in order else 0
        )
    else:
        inferred = _dt.as_dtype(dtype)
    for v in values:
        _tape.value_read(v, "tf.range's bounds come from tensor values")
    s, lim, d = (v._value.item() for v in values)
    if d == 0:
        raise invalid_argument(f"Requires delta != 0: {d}", "Range")
    if (d > 0 and s > lim) or (d < 0 and s < lim):
        raise invalid_argument(
            f"Requires start <= limit when delta > 0: {s}/{lim}"
            if d > 0
            else f"Requires start >= limit when delta < 0: {s}/{lim}",
            "Range",
        )
    return make(np.arange(s, lim, d).astype(inferred._np), inferred)


def linspace(start, stop, num, name=None, axis=0):
    """`num` evenly spaced values from `start` to `stop` inclusive (differentiable in both)."""
    from .math_ops import cast

    start = convert_to_tensor(start)
    stop = convert_to_tensor(stop, dtype=start._dtype)  # TF's errors for 1.0 to an int
    if not (start._dtype.is_floating or start._dtype.is_complex):
        # TF computes integer endpoints in float64
        start, stop = cast(start, _dt.float64), cast(stop, _dt.float64)
    num = int_tensor(num, "num")
    _tape.value_read(num, "tf.linspace's length comes from a tensor's value")
    num = int(num._value)
    if num == 0:
        return make(np.zeros((0,) + np.shape(start._value), start._dtype._np), start._dtype)
    if num < 0:  # TF's kernel builds range(1, num) first
        raise invalid_argument(f"Requires start <= limit when delta > 0: 1/{num}", "Range")
    steps = np.arange(num) / builtins.max(num - 1, 1)
    shape = (num,) + (1,) * start.ndim
    fraction = constant(steps.reshape(shape), dtype=start._dtype)
    out = start + (stop - start) * fraction
    if num > 1:
        # The last value is `stop` exactly, as TF's kernel writes it.
        out = concat([out[:-1], expand_dims(stop, 0) + 0 * out[-1:]], 0)
    if axis != 0:
        out = transpose(out, _move_first_perm(out.ndim, normalize_axis(axis, out.ndim, "LinSpace")))
    return out if out._dtype is start._dtype else cast(out, start._dtype)


def _move_first_perm(ndim: int, axis: int) -> tuple:
    perm = list(builtins.range(1, ndim))
    perm.insert(axis, 0)
    return tuple(perm)


def shape(input, out_type=_dt.int32, name=None):
    """The shape of `input` as a 1-D integer tensor."""
    out_type = _out_type(out_type, "Shape")
    return make(np.asarray(np.shape(_value_of(input)), dtype=out_type._np), out_type)


def size(input, out_type=_dt.int32, name=None):
    """The number of elements of `input` as a scalar integer tensor."""
    out_type = _out_type(out_type, "Size")
    return make(out_type._np.type(np.size(_value_of(input))), out_type)


def _out_type(out_type, op_type: str):
    out_type = _dt.as_dtype(out_type)
    if out_type not in (_dt.int32, _dt.int64):
        raise not_allowed(out_type, "out_type", op_type)
    return out_type


def rank(input, name=None):
    """The rank of `input` as a scalar int32 tensor."""
    return make(np.int32(np.ndim(_value_of(input))), _dt.int32)


def _value_of(x):
    return convert_to_tensor(x)._value
