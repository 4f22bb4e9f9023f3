"""Index-driven ops: gather, gather_nd, scatter_nd and their tensor_scatter / mask kin.

Gathers and scatter-adds are adjoint pairs (GatherV2 / GatherGrad, GatherNd /
ScatterNd), so each one's rules are the other. Indices never get gradients.

Batch polymorphism: the rules move a cotangent's `b` leading batch dims to the
back, where they are just trailing dims that every gather/scatter carries
through untouched, run the unbatched op, and move them to the front again.
"""

from __future__ import annotations

import builtins

import numpy as np

from .._core import backend as _backend
from .._core import dtypes as _dt
from .._core import indexed_slices as _indexed_slices
from .._core import tape as _tape
from .._core.errors import invalid_argument
from .._core.indexed_slices import IndexedSlices
from .._core.registry import op
from .._core.tensor import EagerTensor, constant, convert_to_tensor, dtype_mismatch, make
from ._util import as_int_tuple, batch_ndim, int_arg, no_kernel, not_allowed, tangent_batch
from .array_ops import _reshape, _transpose, reshape, zeros_tangent
from .math_ops import cast, equal
from .samples import Fixed, cases

_INDEX_DTYPES = (_dt.int16, _dt.int32, _dt.int64)
_SCATTER_INDEX_DTYPES = (_dt.int32, _dt.int64)  # TensorScatterAdd/Sub/Max/Min
_UPDATE_INDEX_DTYPES = (*_INDEX_DTYPES, _dt.uint16)  # TensorScatterUpdate

_INDICES = "indices are read in Python (tf.gather_nd batch_dims, scatter gradients)"


def _to_back(t, b: int):
    """Moves the `b` leading (batch) dims of `t` to the back."""
    if not b:
        return t
    n = np.ndim(t._value)
    return _transpose(t, perm=tuple(builtins.range(b, n)) + tuple(builtins.range(b)))


def _to_front(t, b: int):
    """Inverse of `_to_back`: moves the `b` trailing dims of `t` to the front."""
    if not b:
        return t
    n = np.ndim(t._value)
    return _transpose(t, perm=tuple(builtins.range(n - b, n)) + tuple(builtins.range(n - b)))


def _batch_index(indices: np.ndarray, batch_dims: int) -> tuple:
    """aranges over the first `batch_dims` dims, broadcastable against `indices`."""
    shape = indices.shape
    return tuple(
        np.arange(shape[i]).reshape((-1,) + (1,) * (len(shape) - i - 1))
        for i in builtins.range(batch_dims)
    )


def _gather_perm(batch_dims: int, n_idx: int, n_mid: int, n_rest: int) -> tuple:
    """From [batch, idx, mid, rest] (advanced-index order) to [batch, mid, idx, rest]."""
    k = batch_dims
    idx = list(builtins.range(k, n_idx))
    mid = list(builtins.range(n_idx, n_idx + n_mid))
    rest = list(builtins.range(n_idx + n_mid, n_idx + n_mid + n_rest))
    return tuple(builtins.range(k)) + tuple(mid + idx + rest)


# -- gather ----------------------------------------------------------------------------------


@op(
    "GatherV2",
    dtypes=_dt.ANY,
    same_dtype=False,
    sample=cases(
        ([(2, 3), Fixed([[1, 1], [2, 0]])], {"axis": 1, "batch_dims": 0}),
        ([(2, 3, 2), Fixed([[2, 0, 2], [1, 1, 0]])], {"axis": 1, "batch_dims": 1}),
        ([(2, 4, 3), Fixed([[2], [0]])], {"axis": 2, "batch_dims": 1}),
    ),
)
def _gather(params, indices, *, axis=0, batch_dims=0):
    n = params.shape[axis]
    bad = (indices < 0) | (indices >= n)
    if bad.any():
        where = np.argwhere(bad)[0]
        raise invalid_argument(
            f"indices[{','.join(str(i) for i in where)}] = {indices[tuple(where)]} is not in "
            f"[0, {n})"
        )
    if batch_dims == 0:
        if _backend.is_foreign(params) and indices.ndim != 1:
            # Dask takes 1-D indices only: take the flat ones, then shape the result.
            taken = np.take(params, indices.reshape(-1), axis=axis)
            shape = params.shape[:axis] + indices.shape + params.shape[axis + 1 :]
            return _backend.reshape(taken, shape)
        return np.take(params, indices, axis=axis)
    if _backend.any_foreign(params, indices):
        # On Dask, one task on whole arrays: batched gathers index in several dimensions.
        return _backend.whole(_gather.forward, params, indices, axis=axis, batch_dims=batch_dims)
    moved = np.moveaxis(params, axis, batch_dims)
    out = moved[_batch_index(indices, batch_dims) + (indices,)]
    n_mid = axis - batch_dims
    perm = _gather_perm(batch_dims, indices.ndim, n_mid, params.ndim - axis - 1)
    return np.transpose(out, perm)


@_gather.vjp
def _gather_vjp(g, out, params, indices, *, axis=0, batch_dims=0, needs):
    b = batch_ndim(g, out)
    if b == 0 and axis == 0 and batch_dims == 0:
        # TF's sparse gradient: the rows of g, tagged with the indices they came from.
        pshape = np.shape(params._value)
        values = _reshape(g, shape=(-1,) + pshape[1:])
        rows = _reshape(indices, shape=(-1,))
        return IndexedSlices(values, rows, constant(pshape, dtype=_dt.int32)), None
    size = np.shape(params._value)[axis]
    dense = gather_grad(_to_back(g, b), indices, axis=axis, batch_dims=batch_dims, size=size)
    return _to_front(dense, b), None


@_gather.jvp
def _gather_jvp(t, out, params, indices, *, axis=0, batch_dims=0):
    b = batch_ndim(t[0], params)
    return _to_front(_gather(_to_back(t[0], b), indices, axis=axis, batch_dims=batch_dims), b)


@op(
    "GatherGrad",
    dtypes=_dt.ANY,
    same_dtype=False,
    sample=cases(
        ([(2, 3), Fixed([1, 1, 0])], {"axis": 1, "batch_dims": 0, "size": 2}),
        ([(2, 3), Fixed([[1, 0, 1], [0, 0, 1]])], {"axis": 1, "batch_dims": 1, "size": 2}),
    ),
)
def gather_grad(g, indices, *, axis, batch_dims, size):
    """Scatter-adds `g` (shaped like a gather's output) into the gathered params' shape."""
    if _backend.any_foreign(g, indices):
        # On Dask, one task on whole arrays: a scatter-add (np.add.at).
        return _backend.whole(
            gather_grad.forward, g, indices, axis=axis, batch_dims=batch_dims, size=size
        )
    k = batch_dims
    n_mid = axis - k
    n_rest = g.ndim - axis - indices.ndim + k
    pshape = g.shape[:axis] + (size,) + g.shape[g.ndim - n_rest :]
    out = np.zeros(pshape, g.dtype)
    inverse = np.argsort(_gather_perm(k, indices.ndim, n_mid, n_rest))
    np.add.at(
        np.moveaxis(out, axis, k), _batch_index(indices, k) + (indices,), np.transpose(g, inverse)
    )
    return out


def _densify(values, indices, size: int):
    """IndexedSlices' rows summed into a dense tensor (installed in the core, below)."""
    return gather_grad(values, indices, axis=0, batch_dims=0, size=size)


_indexed_slices.densify = _densify


@gather_grad.vjp
def _gather_grad_vjp(gg, out, g, indices, *, axis, batch_dims, size, needs):
    b = batch_ndim(gg, out)
    return _to_front(_gather(_to_back(gg, b), indices, axis=axis, batch_dims=batch_dims), b), None


@gather_grad.jvp
def _gather_grad_jvp(t, out, g, indices, *, axis, batch_dims, size):
    b = batch_ndim(t[0], g)
    dense = gather_grad(_to_back(t[0], b), indices, axis=axis, batch_dims=batch_dims, size=size)
    return _to_front(dense, b)


def _index_tensor(indices, op_type: str, attr: str = "Tindices", allowed=_INDEX_DTYPES):
    indices = convert_to_tensor(indices)
    if indices._dtype not in allowed:
        names = ", ".join(d.c_name for d in allowed)
        raise invalid_argument(
            f"Value for attr '{attr}' of {indices._dtype.c_name} is not in the list of allowed "
            f"values: {names}",
            op_type,
        )
    return indices


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Gathers slices of `params` along `axis` at `indices`.

    The output has shape `params.shape[:axis] + indices.shape[batch_dims:] +
    params.shape[axis + 1:]`. The gradient with respect to `params` is a
    `tf.IndexedSlices` when `axis` and `batch_dims` are 0, as in TF.

    Raises:
      InvalidArgumentError: for an index outside `[0, params.shape[axis])`, or a bad axis.

    >>> tf.gather(tf.constant([10, 20, 30]), [2, 0]).numpy()
    array([30, 10], dtype=int32)
    """
    params = convert_to_tensor(params)
    indices = _index_tensor(indices, "GatherV2")
    ndim = params.ndim
    if ndim == 0:
        raise invalid_argument("params must be at least 1 dimensional", "GatherV2")
    batch_dims = int(batch_dims)
    if batch_dims < 0:
        batch_dims += indices.ndim
    if axis is not None and not isinstance(axis, (int, np.integer)):
        axis_dtype = convert_to_tensor(axis).dtype
        if not axis_dtype.is_integer:
            raise not_allowed(axis_dtype, "Taxis", "GatherV2")
    axis = batch_dims if axis is None else int(axis)
    if not -ndim <= axis < ndim:
        raise invalid_argument(
            f"Shape must be at least rank {builtins.abs(axis) + (axis >= 0)} but is rank {ndim}",
            "GatherV2",
        )
    axis %= ndim
    if not 0 <= batch_dims <= builtins.min(axis, indices.ndim):
        raise invalid_argument(
            f"batch_dims ({batch_dims}) must be less than or equal to axis ({axis}) and to "
            f"rank(indices) ({indices.ndim}).",
            "GatherV2",
        )
    pshape, ishape = params.shape.as_list(), indices.shape.as_list()
    if pshape[:batch_dims] != ishape[:batch_dims]:
        raise invalid_argument(
            f"params.shape[:{batch_dims}] = {pshape[:batch_dims]} must equal "
            f"indices.shape[:{batch_dims}] = {ishape[:batch_dims]}",
            "GatherV2",
        )
    return _gather(params, indices, axis=axis, batch_dims=batch_dims)


# -- gather_nd / scatter_nd ------------------------------------------------------------------


def _check_nd_indices(indices: np.ndarray, shape: tuple, message, op_type=None) -> None:
    """Raises TF's error for the first index vector outside `shape` (`message(i, v)`);
    inside a forward the registry adds the op's tag, elsewhere pass `op_type`."""
    depth = indices.shape[-1]
    bad = np.any((indices < 0) | (indices >= np.asarray(shape[:depth], dtype=np.int64)), -1)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        vector = indices.reshape(-1, depth)[first]
        raise invalid_argument(message(first, ", ".join(str(int(i)) for i in vector)), op_type)


@op(
    "GatherNd",
    dtypes=_dt.ANY,
    same_dtype=False,
    sample=cases(
        ([(3, 2), Fixed([[0, 1], [2, 0], [0, 1]])], {}),
        ([(3, 2), Fixed([[[2], [0]], [[2], [2]]])], {}),  # [n, 1] indices give IndexedSlices
    ),
)
def _gather_nd(params, indices):
    if _backend.any_foreign(params, indices):
        # On Dask, one task on whole arrays: N-d fancy indexing.
        return _backend.whole(_gather_nd.forward, params, indices)
    _check_nd_indices(
        indices,
        params.shape,
        lambda i, v: (
            f"indices[{i}] = [{v}] does not index into param shape "
            f"[{','.join(str(d) for d in params.shape)}], node name: GatherNd"
        ),
    )
    return params[tuple(np.moveaxis(indices, -1, 0))]


@_gather_nd.vjp
def _gather_nd_vjp(g, out, params, indices, *, needs):
    b = batch_ndim(g, out)
    ishape = np.shape(indices._value)
    pshape = np.shape(params._value)
    if b == 0 and len(ishape) == 2 and ishape[1] == 1:
        # TF's sparse case: one row index per output row.
        rows = _reshape(indices, shape=(-1,))
        return IndexedSlices(g, rows, constant(pshape, dtype=indices._dtype)), None
    dense = _scatter_nd(indices, _to_back(g, b), shape=pshape + np.shape(g._value)[:b])
    return _to_front(dense, b), None


@_gather_nd.jvp
def _gather_nd_jvp(t, out, params, indices):
    b = batch_ndim(t[0], params)
    return _to_front(_gather_nd(_to_back(t[0], b), indices), b)


@op(
    "ScatterNd",
    dtypes=None,
    same_dtype=False,
    sample=cases(([Fixed([[1], [1], [0]]), (3, 2)], {"shape": (3, 2)})),
)
def _scatter_nd(indices, updates, *, shape):
    if _backend.any_foreign(indices, updates):
        # On Dask, one task on whole arrays: a scatter-add (np.add.at).
        return _backend.whole(_scatter_nd.forward, indices, updates, shape=shape)
    _check_nd_indices(
        indices,
        shape,
        lambda i, v: (
            f"indices[{i}] = [{v}] does not index into shape [{','.join(str(d) for d in shape)}]"
        ),
    )
    out = np.zeros(shape, updates.dtype)
    np.add.at(out, tuple(np.moveaxis(indices, -1, 0)), updates)
    return out


@_scatter_nd.vjp
def _scatter_nd_vjp(g, out, indices, updates, *, shape, needs):
    b = batch_ndim(g, out)
    return None, _to_front(_gather_nd(_to_back(g, b), indices), b)


@_scatter_nd.jvp
def _scatter_nd_jvp(t, out, indices, updates, *, shape):
    b = batch_ndim(t[1], updates)
    batch = np.shape(t[1]._value)[:b]
    return _to_front(_scatter_nd(indices, _to_back(t[1], b), shape=shape + batch), b)


def _batched_nd_indices(indices, batch_dims: int):
    """gather_nd's `batch_dims` folded into the indices: prepends each position's batch index."""
    if batch_dims == 0:
        return indices
    _tape.value_read(indices, _INDICES)
    value = indices._value
    lead = value.shape[:-1]
    grids = np.meshgrid(*[np.arange(d) for d in lead[:batch_dims]], indexing="ij")
    coords = [
        np.broadcast_to(grid.reshape(grid.shape + (1,) * (len(lead) - batch_dims)), lead)
        for grid in grids
    ]
    full = np.concatenate([np.stack(coords, -1).astype(value.dtype), value], -1)
    return make(full, indices._dtype)


def gather_nd(params, indices, batch_dims=0, name=None):
    """Gathers slices of `params` at the index vectors in the last axis of `indices`.

    Raises:
      InvalidArgumentError: if an index vector does not index into `params`.

    >>> tf.gather_nd(tf.constant([[1, 2], [3, 4]]), [[1, 0]]).numpy()
    array([3], dtype=int32)
    """
    params = convert_to_tensor(params)
    indices = _index_tensor(indices, "GatherNd")
    depth = np.shape(indices._value)[-1] if indices.ndim else 0
    if indices.ndim == 0 or depth + batch_dims > params.ndim:
        raise invalid_argument(
            f"index innermost dimension length must be <= params rank; saw: {depth} vs. "
            f"{params.ndim - batch_dims}",
            "GatherNd",
        )
    return _gather_nd(params, _batched_nd_indices(indices, int(batch_dims)))


def scatter_nd(indices, updates, shape, name=None):
    """A zero tensor of `shape` with `updates` added at `indices` (duplicates sum).

    >>> tf.scatter_nd([[1], [1]], [1., 2.], [3]).numpy()
    array([0., 3., 0.], dtype=float32)
    """
    indices = convert_to_tensor(indices)
    if not isinstance(shape, EagerTensor):  # TF converts the shape with the indices' dtype
        shape = convert_to_tensor(shape, dtype=indices._dtype)
    indices = _index_tensor(indices, "ScatterNd")
    shape = as_int_tuple(shape, "shape", "ScatterNd", "Tindices")
    return _scatter_nd(indices, convert_to_tensor(updates), shape=shape)


@op(
    "TensorScatterUpdate",
    dtypes=None,
    same_dtype=(0, 2),
    sample=cases(([(3, 2), Fixed([[2], [0]]), (2, 2)], {}), ([(3, 2), Fixed([[1, 1]]), (1,)], {})),
)
def _tensor_scatter_update(tensor, indices, updates):
    if _backend.any_foreign(tensor, indices, updates):
        # On Dask, one task on whole arrays: N-d index assignment.
        return _backend.whole(_tensor_scatter_update.forward, tensor, indices, updates)
    _check_nd_indices(
        indices,
        tensor.shape,
        lambda i, v: (
            f"indices[{i}] = [{v}] does not index into shape "
            f"[{','.join(str(d) for d in tensor.shape)}]"
        ),
    )
    out = tensor.copy()
    out[tuple(np.moveaxis(indices, -1, 0))] = updates
    return out


@_tensor_scatter_update.vjp
def _tensor_scatter_update_vjp(g, out, tensor, indices, updates, *, needs):
    # d/dtensor: g where nothing was written; d/dupdates: g gathered at the written places.
    b = batch_ndim(g, out)
    kept = np.ones(np.shape(tensor._value), g._dtype._np)
    _tape.value_read(indices, _INDICES)
    kept[tuple(np.moveaxis(indices._value, -1, 0))] = 0
    return g * make(kept, g._dtype), None, _to_front(_gather_nd(_to_back(g, b), indices), b)


@_tensor_scatter_update.jvp
def _tensor_scatter_update_jvp(t, out, tensor, indices, updates):
    batch = tangent_batch(t, (tensor, indices, updates))
    b = len(batch)
    d_tensor = zeros_tangent(tensor, batch) if t[0] is None else t[0]
    d_updates = zeros_tangent(updates, batch) if t[2] is None else t[2]
    moved = _tensor_scatter_update(_to_back(d_tensor, b), indices, _to_back(d_updates, b))
    return _to_front(moved, b)


def _dims(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _tensor_scatter_args(tensor, indices, updates, op_type: str):
    """tensor_scatter_nd_*'s conversions and TF's shape checks (TensorScatterOp, then
    ScatterNd's update-shape check), in TF's order; static shapes only."""
    tensor = convert_to_tensor(tensor)
    allowed = _UPDATE_INDEX_DTYPES if op_type == "TensorScatterUpdate" else _SCATTER_INDEX_DTYPES
    indices = _index_tensor(indices, op_type, allowed=allowed)
    if isinstance(updates, EagerTensor) and updates._dtype is not tensor._dtype:
        raise dtype_mismatch(tensor._dtype, updates._dtype, op_type, 2)
    updates = convert_to_tensor(updates, dtype=tensor._dtype)
    shape, ishape, ushape = (np.shape(t._value) for t in (tensor, indices, updates))
    if not ishape:
        raise invalid_argument(
            f"Indices shape must have rank at least one. Found:{_dims(ishape)}", op_type
        )
    if not ushape:
        raise invalid_argument(
            f"Updates shape must have rank at least one. Found:{_dims(ushape)}", op_type
        )
    outer = len(ishape) - 1
    if ishape[:outer] != ushape[:outer]:
        raise invalid_argument(
            "Outer dimensions of indices and update must match. Indices shape: "
            f"{_dims(ishape)}, updates shape:{_dims(ushape)}",
            op_type,
        )
    ix = ishape[outer]
    if len(ushape) - outer != len(shape) - ix:
        raise invalid_argument(
            "Inner dimensions of output shape must match inner dimensions of updates shape. "
            f"Output: {_dims(shape)} updates: {_dims(ushape)}",
            op_type,
        )
    if ushape[outer:] != shape[ix:]:
        raise invalid_argument(
            f"The inner {len(shape) - ix} dimensions of output.shape={_dims(shape)} must match "
            f"the inner {len(ushape) - outer} dimensions of updates.shape={_dims(ushape)}",
            op_type,
        )
    batch = builtins.max(outer, 1)  # ScatterNd reads 1-D indices as one index per row
    if ishape[:batch] != ushape[:batch]:
        raise invalid_argument(
            f"Dimensions [0,{batch}) of indices[shape={_dims(ishape)}] = "
            f"{int(np.prod(ishape[:batch]))} must match dimensions [0,{batch}) of "
            f"updates[shape={_dims(ushape)}] = {int(np.prod(ushape[:batch]))}",
            op_type,
        )
    return tensor, indices, updates


def _check_bounds(indices, shape: tuple, op_type: str) -> None:
    _tape.value_read(indices, _INDICES)  # checked here, outside the ops a replay runs
    _check_nd_indices(
        indices._value,
        shape,
        lambda i, v: f"indices[{i}] = [{v}] does not index into shape {_dims(shape)}",
        op_type,
    )


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """A copy of `tensor` with `updates` written at `indices`.

    >>> tf.tensor_scatter_nd_update([1, 2, 3], [[0]], [9]).numpy()
    array([9, 2, 3], dtype=int32)
    """
    tensor, indices, updates = _tensor_scatter_args(tensor, indices, updates, "TensorScatterUpdate")
    return _tensor_scatter_update(tensor, indices, updates)


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """`tensor` plus `updates` added at `indices` (duplicates sum).

    >>> tf.tensor_scatter_nd_add([1, 2, 3], [[0], [0]], [1, 1]).numpy()
    array([3, 2, 3], dtype=int32)
    """
    tensor, indices, updates = _tensor_scatter_args(tensor, indices, updates, "TensorScatterAdd")
    shape = np.shape(tensor._value)
    _check_bounds(indices, shape, "TensorScatterAdd")
    return tensor + _scatter_nd(indices, updates, shape=shape)


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    """`tensor` minus `updates` subtracted at `indices` (duplicates sum).

    >>> tf.tensor_scatter_nd_sub([1, 2, 3], [[0], [0]], [1, 1]).numpy()
    array([-1,  2,  3], dtype=int32)
    """
    tensor, indices, updates = _tensor_scatter_args(tensor, indices, updates, "TensorScatterSub")
    shape = np.shape(tensor._value)
    _check_bounds(indices, shape, "TensorScatterSub")
    return tensor - _scatter_nd(indices, updates, shape=shape)


_MIN_MAX_DTYPES = frozenset(
    {_dt.float16, _dt.float32, _dt.float64, _dt.int8, _dt.int16, _dt.int32, _dt.int64}
    | {_dt.uint8, _dt.uint16, _dt.uint32, _dt.uint64}
)


def _min_max_op(op_type: str, combine):
    def forward(tensor, indices, updates):
        if _backend.any_foreign(tensor, indices, updates):
            # On Dask, one task on whole arrays: a scatter (np.maximum.at / np.minimum.at).
            return _backend.whole(forward, tensor, indices, updates)
        shape = tensor.shape
        _check_nd_indices(
            indices,
            shape,
            lambda i, v: f"indices[{i}] = [{v}] does not index into shape {_dims(shape)}",
        )
        out = tensor.copy()
        combine.at(out, tuple(np.moveaxis(indices, -1, 0)), updates)
        return out

    forward.__name__ = f"_tensor_scatter_{op_type[13:].lower()}"
    return op(
        op_type,
        dtypes=_MIN_MAX_DTYPES,
        same_dtype=(0, 2),
        sample=cases(
            ([(3, 2), Fixed([[2], [0]]), (2, 2)], {}),
            ([(3, 2), Fixed([[1, 1], [0, 1]]), (2,)], {}),
        ),
    )(forward)


def _winners(tensor, indices, updates, out):
    """TF's tie rule for TensorScatterMax/Min gradients: the input and the updates that
    equal the output share its gradient equally (indicators and their count)."""
    x_won = cast(equal(tensor, out), out._dtype)
    y_won = cast(equal(updates, _gather_nd(out, indices)), out._dtype)
    count = x_won + _scatter_nd(indices, y_won, shape=np.shape(out._value))
    return x_won, y_won, count


def _min_max_vjp(g, out, tensor, indices, updates, *, needs):
    # d/dtensor = g where the input won; d/dupdates = g gathered where an update won.
    b = batch_ndim(g, out)
    x_won, y_won, count = _winners(tensor, indices, updates, out)
    share = g / count
    return share * x_won, None, _to_front(_gather_nd(_to_back(share, b), indices), b) * y_won


def _min_max_jvp(t, out, tensor, indices, updates):
    batch = tangent_batch(t, (tensor, indices, updates))
    b = len(batch)
    x_won, y_won, count = _winners(tensor, indices, updates, out)
    d_tensor = zeros_tangent(tensor, batch) if t[0] is None else t[0]
    d_updates = zeros_tangent(updates, batch) if t[2] is None else t[2]
    shape = np.shape(out._value) + batch
    moved = _scatter_nd(indices, _to_back(d_updates * y_won, b), shape=shape)
    return (d_tensor * x_won + _to_front(moved, b)) / count


_tensor_scatter_max = _min_max_op("TensorScatterMax", np.maximum)
_tensor_scatter_max.vjp(_min_max_vjp)
_tensor_scatter_max.jvp(_min_max_jvp)
_tensor_scatter_min = _min_max_op("TensorScatterMin", np.minimum)
_tensor_scatter_min.vjp(_min_max_vjp)
_tensor_scatter_min.jvp(_min_max_jvp)


def _min_max(op_, op_type, tensor, indices, updates):
    tensor, indices, updates = _tensor_scatter_args(tensor, indices, updates, op_type)
    if tensor._dtype not in _MIN_MAX_DTYPES:
        attrs = f', Tindices=DT_{indices._dtype.c_name.upper()}, bad_indices_policy=""'
        raise no_kernel(op_type, tensor._dtype, attrs)
    return op_(tensor, indices, updates)


def tensor_scatter_nd_max(tensor, indices, updates, name=None):
    """`tensor` with each indexed element the maximum of itself and its `updates`.

    >>> tf.tensor_scatter_nd_max([1, 5, 3], [[0], [1]], [4, 4]).numpy()
    array([4, 5, 3], dtype=int32)
    """
    return _min_max(_tensor_scatter_max, "TensorScatterMax", tensor, indices, updates)


def tensor_scatter_nd_min(tensor, indices, updates, name=None):
    """`tensor` with each indexed element the minimum of itself and its `updates`.

    >>> tf.tensor_scatter_nd_min([1, 5, 3], [[0], [1]], [4, 4]).numpy()
    array([1, 4, 3], dtype=int32)
    """
    return _min_max(_tensor_scatter_min, "TensorScatterMin", tensor, indices, updates)


# -- masks -----------------------------------------------------------------------------------


def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """The entries of `tensor` where `mask` is True (mask dims start at `axis`).

    The output's shape depends on the mask's values, so a Dask-backed mask is computed
    here; a Dask-backed `tensor` stays lazy (its entries are gathered in the graph).

    Raises:
      ValueError: for a scalar mask or a mask whose shape does not match.

    >>> tf.boolean_mask([1, 2, 3], [True, False, True]).numpy()
    array([1, 3], dtype=int32)
    """
    tensor = convert_to_tensor(tensor)
    mask = convert_to_tensor(mask)
    m = mask.ndim
    if m == 0:
        raise ValueError("mask cannot be scalar.")
    axis = 0 if axis is None else int(axis)
    axis = axis % tensor.ndim if tensor.ndim else axis
    shape = np.shape(tensor._value)
    mshape = np.shape(mask._value)
    if shape[axis : axis + m] != mshape:
        raise ValueError(f"Shapes {tuple(shape[axis : axis + m])} and {mshape} are incompatible")
    flat = reshape(tensor, shape[:axis] + (-1,) + shape[axis + m :])
    _tape.value_read(mask, "boolean_mask's positions come from the mask's value")
    where = make(np.flatnonzero(_backend.to_host(mask._value)), _dt.int64)
    # Through a reshape, as TF does, so the gradient is dense.
    return _gather(flat, where, axis=axis, batch_dims=0)


@op(
    "OneHot",
    dtypes=frozenset({_dt.uint8, _dt.int8, _dt.int32, _dt.int64}),
    same_dtype=False,
    differentiable=False,
    sample=cases(
        (
            [Fixed(np.array([0, 2, -1, 5])), Fixed(np.float32(1)), Fixed(np.float32(0))],
            {"depth": 3},
        ),
        ([Fixed(np.array([[1, 0], [2, 2]])), Fixed(5.0), Fixed(-1.0)], {"depth": 3, "axis": 0}),
    ),
)
def _one_hot(indices, on_value, off_value, *, depth, axis=-1):
    # Out-of-range indices (and -1) give rows of off_value, as in TF.
    hot = indices[..., None] == np.arange(depth)  # NumPy scalars index too; Dask stays lazy
    dtype = np.result_type(on_value)
    on_off = (on_value, off_value)
    if all(isinstance(v, np.generic) for v in on_off) and on_off == (1, 0):
        out = hot.astype(dtype)  # the common case: the mask itself, cast
        out = hot.astype(dtype)
    else:
        out = np.where(hot, on_value, off_value).astype(dtype, copy=False)
    return out if axis == -1 else np.moveaxis(out, -1, axis)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot vectors of length `depth` for `indices` (-1 and out-of-range give all-off).

    The dtype comes from `on_value`/`off_value` when given, else `dtype`, else float32.

    Raises:
      TypeError: if `on_value` and `off_value` have different dtypes.

    >>> tf.one_hot([0, 2], 3).numpy()[1]
    array([0., 0., 1.], dtype=float32)
    """
    indices = convert_to_tensor(indices)
    if indices._dtype not in (_dt.uint8, _dt.int8, _dt.int32, _dt.int64):
        raise invalid_argument(
            f"Value for attr 'TI' of {indices._dtype.name} is not in the list of allowed values: "
            "uint8, int8, int32, int64",
            "OneHot",
        )
    dtype = None if dtype is None else _dt.as_dtype(dtype)
    on = None if on_value is None else convert_to_tensor(on_value, dtype_hint=dtype)
    off = None if off_value is None else convert_to_tensor(off_value, dtype_hint=dtype)
    if on is not None and off is not None and on._dtype is not off._dtype:
        raise TypeError(
            f"dtype <dtype: '{on._dtype.name}'> of on_value does not match dtype "
            f"<dtype: '{off._dtype.name}'> of off_value"
        )
    known = on if on is not None else off
    if dtype is None:
        dtype = _dt.float32 if known is None else known._dtype
    on = make(dtype._np.type(1), dtype) if on is None else on
    off = make(dtype._np.type(0), dtype) if off is None else off
    ndim = indices.ndim + 1
    axis = -1 if axis is None else int(axis)
    if not (axis == -1 or 0 <= axis < ndim):
        raise invalid_argument(
            f"Expected axis to be -1 or between [0, {ndim}).  But received: {axis}", "OneHot"
        )
    depth = int(int_arg(depth))
    if depth < 0:
        raise invalid_argument(f"depth must be non-negative, got: {depth}", "OneHot")
    return _one_hot(indices, on, off, depth=depth, axis=axis)


def sequence_mask(lengths, maxlen=None, dtype=_dt.bool, name=None):
    """`mask[..., j] = j < lengths[...]`, with `maxlen` columns (default `max(lengths)`).

    >>> tf.sequence_mask([1, 3], 3).numpy()
    array([[ True, False, False],
           [ True,  True,  True]])
    """
    lengths = convert_to_tensor(lengths)
    _tape.value_read(lengths, "tf.sequence_mask is computed from tensor values")
    lengths = lengths._value
    dtype = _dt.as_dtype(dtype)
    if maxlen is None:
        maxlen = int(np.max(lengths)) if np.size(lengths) else 0
    maxlen = convert_to_tensor(maxlen)
    _tape.value_read(maxlen, "tf.sequence_mask's length comes from a tensor's value")
    # TF compares range(maxlen) (in maxlen's dtype): a float maxlen 2.5 gives 3 columns.
    out = np.arange(maxlen._value) < np.expand_dims(lengths, -1)
    return make(out.astype(dtype._np), dtype)
