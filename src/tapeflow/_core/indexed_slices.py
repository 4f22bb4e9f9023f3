"""`tf.IndexedSlices`: a sparse gradient, rows `values` at `indices` of a dense tensor.

The gradient of `tf.gather(params, indices)` (axis 0) with respect to `params` is
one: only the gathered rows are non-zero, and duplicate indices are summed when
it is made dense. The backward walk keeps it sparse while every contribution to a
source is sparse (concatenating them) and makes it dense otherwise; converting
it to a tensor (`tf.convert_to_tensor`, or arithmetic with a tensor) sums it into
`dense_shape`, recorded on any active tape, so gradients of it still work.
"""

from __future__ import annotations

from . import tape as _tape
from .tensor import EagerTensor
from .tensor_shape import TensorShape


class IndexedSlices:
    """A sparse slice representation: `dense[indices[i]] += values[i]`.

    Args:
      values: a tensor of shape `[n] + dense_shape[1:]`.
      indices: a 1-D integer tensor of `n` row indices (duplicates allowed).
      dense_shape: the shape of the dense tensor (a 1-D int tensor), or None.

    >>> s = tf.IndexedSlices(tf.ones((2, 2)), tf.constant([0, 0]), tf.constant([3, 2]))
    >>> tf.convert_to_tensor(s).numpy()[0]
    array([2., 2.], dtype=float32)
    """

    __array_priority__ = 100

    def __init__(self, values, indices, dense_shape=None):
        self._values = values
        self._indices = indices
        self._dense_shape = dense_shape

    @property
    def values(self) -> EagerTensor:
        return self._values

    @property
    def indices(self) -> EagerTensor:
        return self._indices

    @property
    def dense_shape(self):
        return self._dense_shape

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def shape(self) -> TensorShape:
        if self._dense_shape is None:
            return TensorShape([None] + self._values.shape.as_list()[1:])
        if not hasattr(self._dense_shape, "_value"):
            # TF's wart, matched: its shape reads `dense_shape.get_shape()`, which a list or
            # tuple (accepted, and converted to a tensor by `convert_to_tensor`) lacks.
            raise AttributeError(
                f"'{type(self._dense_shape).__name__}' object has no attribute 'get_shape'"
            )
        return TensorShape([int(d) for d in _dense_shape_value(self)])

    @property
    def device(self) -> str:
        return self._values.device

    @property
    def name(self):
        raise AttributeError("Tensor.name is undefined when eager execution is enabled.")

    def __neg__(self) -> IndexedSlices:
        return IndexedSlices(-self._values, self._indices, self._dense_shape)

    def __str__(self) -> str:
        shape = "" if self._dense_shape is None else f", dense_shape={self._dense_shape!s}"
        return f"IndexedSlices(indices={self._indices!s}, values={self._values!s}{shape})"

    def __tf_tensor__(self, dtype=None, name=None) -> EagerTensor:
        if self._dense_shape is None:
            raise ValueError(
                "Tensor conversion requested for IndexedSlices for argument `value` without "
                f"dense_shape: {self}"
            )
        if dtype is not None and dtype is not self.dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {dtype.name} for IndexedSlices with dtype "
                f"{self.dtype.name}"
            )
        return to_dense(self)


# `densify(values, indices, size)`: sums rows into a dense tensor, differentiably. The
# op that does it (gather's gradient) lives in ops/gather_ops.py, which installs it here:
# the core never imports the op library.
densify = None


def to_dense(slices: IndexedSlices) -> EagerTensor:
    """Sums the rows of `slices` into a dense tensor (differentiably)."""
    size = int(_dense_shape_value(slices)[0])
    return densify(slices._values, slices._indices, size)


def _dense_shape_value(slices: IndexedSlices):
    """The dense shape's values: a tensor's (read in Python), or a list's or tuple's as
    given (TF keeps a `dense_shape` as passed; its conversion reads either)."""
    shape = slices._dense_shape
    if hasattr(shape, "_value"):
        _tape.value_read(shape, "an IndexedSlices shape is read in Python")
        return shape._value
    return shape
