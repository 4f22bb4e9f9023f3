"""The element-wise ops of the optimizers' update rules, `tf.IndexedSlices`-aware as Keras'.

Keras' TensorFlow backend decorates its `ops` so that an `IndexedSlices` gradient (what
`Embedding` and `tf.gather` give) stays sparse through some ops and is densified by others;
the update rules then give values that differ from densifying the gradient first whenever
an index repeats (`square` squares each slice before duplicates are summed). These helpers
follow the same rules, so sparse gradients update variables as tf.keras does:

- unary ops (`square`, `sqrt`, `negative`, `abs`, `sign`) map the slices' values;
- `add`/`subtract`/`maximum` densify a slices operand mixed with a dense one;
- `multiply` by a scalar scales the values, by a dense tensor gathers its rows;
- `divide` of slices by a dense tensor gathers the divisor's rows, and adds the rows where
  the divisor is zero or NaN (those give NaN/inf, as dense division would).
For dense operands each helper is the plain tapeflow operator (one type check on top).
"""

from __future__ import annotations

import tapeflow as tf

IndexedSlices = tf.IndexedSlices


def _is_scalar(x) -> bool:
    shape = getattr(x, "shape", None)
    return shape is None or len(shape) == 0


def densify(x):
    """A dense tensor: the slices' values summed into their rows."""
    return tf.convert_to_tensor(x) if type(x) is IndexedSlices else x


def _slices(values, like):
    return IndexedSlices(values, like.indices, like.dense_shape)


def add(x1, x2):
    if type(x1) is IndexedSlices or type(x2) is IndexedSlices:
        if type(x1) is IndexedSlices and type(x2) is IndexedSlices and x1.indices is x2.indices:
            return _slices(x1.values + x2.values, x1)
        return densify(x1) + densify(x2)
    return x1 + x2


def subtract(x1, x2):
    if type(x1) is IndexedSlices or type(x2) is IndexedSlices:
        if type(x1) is IndexedSlices and type(x2) is IndexedSlices and x1.indices is x2.indices:
            return _slices(x1.values - x2.values, x1)
        return densify(x1) - densify(x2)
    return x1 - x2


def multiply(x1, x2):
    if type(x1) is IndexedSlices:
        if type(x2) is IndexedSlices:
            if x1.indices is x2.indices:
                return _slices(x1.values * x2.values, x1)
            return densify(x1) * densify(x2)
        if _is_scalar(x2):
            return _slices(x1.values * x2, x1)
        return _slices(x1.values * tf.gather(x2, x1.indices), x1)
    if type(x2) is IndexedSlices:
        if _is_scalar(x1):
            return _slices(x1 * x2.values, x2)
        return _slices(tf.gather(x1, x2.indices) * x2.values, x2)
    return x1 * x2


def divide(x1, x2):
    if type(x1) is IndexedSlices:
        if type(x2) is IndexedSlices:
            return densify(x1) / densify(x2)
        if _is_scalar(x2):
            return _slices(x1.values / x2, x1)
        return _divide_slices_by_dense(x1, tf.convert_to_tensor(x2))
    if type(x2) is IndexedSlices:
        return x1 / densify(x2)
    return x1 / x2


def _divide_slices_by_dense(x1, x2):
    bad = tf.equal(x2, 0)
    if x2.dtype.is_floating:
        bad = tf.logical_or(bad, tf.math.is_nan(x2))
    if x2.shape.rank > 1:
        bad = tf.reduce_any(bad, axis=tuple(range(1, x2.shape.rank)))
    if not bool(tf.reduce_any(bad)):
        return _slices(x1.values / tf.gather(x2, x1.indices), x1)
    # Rows of x2 that are zero or NaN join the indices (with zero dividends), as Keras'
    # union of indices does, so that those rows get 0/0 = NaN as dense division gives.
    indices, values = _union(x1, tf.squeeze(tf.where(bad), axis=-1))
    return IndexedSlices(values / tf.gather(x2, indices), indices, x1.dense_shape)


def _union(x1, other_indices):
    """Keras' `indexed_slices_union_indices_and_values`: the sorted union of x1's indices
    and `other_indices`, and x1's values regathered onto it (zeros for the new rows)."""
    dim_0 = x1.dense_shape[0]
    own = tf.expand_dims(tf.cast(x1.indices, tf.int64), 1)
    other = tf.expand_dims(tf.cast(other_indices, tf.int64), 1)
    n = own.shape[0]
    hot = tf.logical_or(
        tf.cast(tf.scatter_nd(own, tf.ones((n,), tf.int32), [dim_0]), tf.bool),
        tf.cast(tf.scatter_nd(other, tf.ones((other.shape[0],), tf.int32), [dim_0]), tf.bool),
    )
    union = tf.squeeze(tf.where(hot), axis=-1)
    if n == union.shape[0]:
        return union, x1.values
    # Keras numbers x1's rows 1..n by a scatter (which sums the numbers of a repeated index)
    # and gathers from the values behind a row of zeros.
    position = tf.scatter_nd(own, tf.range(1, n + 1), [dim_0])
    padded = tf.concat([tf.zeros_like(x1.values[0:1]), x1.values], axis=0)
    return union, tf.gather(padded, tf.gather(position, union))


def _unary(fn):
    def op(x):
        if type(x) is IndexedSlices:
            return _slices(fn(x.values), x)
        return fn(x)

    op.__name__ = fn.__name__
    return op


square = _unary(tf.square)
sqrt = _unary(tf.sqrt)
negative = _unary(tf.negative)
abs = _unary(tf.abs)  # noqa: A001 - Keras' op name
sign = _unary(tf.sign)


def maximum(x1, x2):
    return tf.maximum(densify(x1), densify(x2))


def minimum(x1, x2):
    return tf.minimum(densify(x1), densify(x2))


def clip(x, low, high):
    """`tf.clip_by_value`, which clips the values of slices and keeps them slices."""
    if type(x) is IndexedSlices:
        return _slices(tf.clip_by_value(x.values, low, high), x)
    return tf.clip_by_value(x, low, high)


def cast(x, dtype):
    if type(x) is IndexedSlices:
        return _slices(tf.cast(x.values, dtype), x)
    if isinstance(x, tf.Tensor) and x.dtype == dtype:
        return x
    return tf.cast(x, dtype)  # NumPy arrays and lists become tensors (as Keras' ops.cast)


def _rows(x):
    return tf.expand_dims(x.indices, 1)


def assign(variable, value):
    """`variable.assign`, or `scatter_update` of slices (as Keras' TF backend does)."""
    if type(value) is IndexedSlices:
        variable.assign(tf.tensor_scatter_nd_update(variable, _rows(value), value.values))
    else:
        variable.assign(value, read_value=False)


def assign_add(variable, value):
    """`variable.assign_add`, or `scatter_add` of slices (repeated rows accumulate)."""
    if type(value) is IndexedSlices:
        variable.assign(tf.tensor_scatter_nd_add(variable, _rows(value), value.values))
    else:
        variable.assign_add(value, read_value=False)


def assign_sub(variable, value):
    """`variable.assign_sub`, or `scatter_sub` of slices (x - v is x + (-v) exactly)."""
    if type(value) is IndexedSlices:
        variable.assign(tf.tensor_scatter_nd_add(variable, _rows(value), -value.values))
    else:
        variable.assign_sub(value, read_value=False)


def power(x1, x2):
    """`tf.pow` correctly rounded for float32 (computed in float64, then rounded).

    TF's float32 pow (Eigen's) is accurate to the last bit where NumPy's `powf` can be one
    ulp off (2.2316 ** 0.7); optimizer trajectories amplify such an ulp (Adam's
    `1 - beta_2 ** t`), so the rules compute their powers this way to follow TF's values.
    """
    x1, x2 = tf.convert_to_tensor(x1), tf.convert_to_tensor(x2, dtype=getattr(x1, "dtype", None))
    if x1.dtype in (tf.float32, tf.float16):
        dtype = x1.dtype
        return tf.cast(tf.pow(tf.cast(x1, tf.float64), tf.cast(x2, tf.float64)), dtype)
    return tf.pow(x1, x2)
