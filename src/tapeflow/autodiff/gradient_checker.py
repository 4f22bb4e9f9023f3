"""`tf.test.compute_gradient`, TensorFlow's gradient-checking primitive.

It returns the Jacobian of `f` twice, from the tape and from central
differences, in TF's layout: one 2-D array per argument with a row per output
element and a column per argument element. Complex values count as two real
numbers (real, imaginary) in both directions, as in TF.
"""

from __future__ import annotations

import numpy as np

from .._core import dtypes as _dt
from .._core import tape as _tape
from .._core.tensor import convert_to_tensor, make
from .gradient_tape import GradientTape, UnconnectedGradients

_DEFAULT_DELTA = 2.0**-10  # TF's default step, exact in binary floating point


def compute_gradient(f, x, delta=None):
    """Computes the theoretical and numerical Jacobians of `f` at `x`.

    Args:
      f: a function of `len(x)` tensors returning one tensor.
      x: a list or tuple of the arguments (tensors or values convertible to
        them; Python floats become float32). Each must be floating or complex.
      delta: the central-difference step (default 2**-10), taken in each
        argument's own dtype, as TF does: float16 and float32 numerical
        Jacobians are correspondingly coarse.

    Returns:
      A pair `(theoretical, numerical)` of tuples with one NumPy array per
      argument, shaped `[y_size, x_size]` (sizes doubled for complex values)
      and of the argument's real dtype. An argument `f` does not depend on
      gets zeros.

    Raises:
      ValueError: if `x` is not a list or tuple.
      AssertionError: for an argument of a non-floating dtype (as in TF).

    >>> theoretical, numerical = tf.test.compute_gradient(lambda v: v * v, [tf.constant([1., 2.])])
    >>> theoretical[0]
    array([[2., 0.],
           [0., 4.]], dtype=float32)
    """
    _tape.side_effect("it calls tf.test.compute_gradient, which returns NumPy arrays")
    if not isinstance(x, (list, tuple)):
        raise ValueError(
            "`x` must be a list or tuple of values convertible to a Tensor (arguments to `f`), "
            f"not a {type(x)}"
        )
    xs = [convert_to_tensor(v) for v in x]
    for i, t in enumerate(xs):
        if t.dtype not in _dt.INEXACT:
            raise AssertionError(
                f"Cannot compute gradient for unsupported type {t.dtype.name} of argument {i}"
            )
    delta = _DEFAULT_DELTA if delta is None else delta
    theoretical = _theoretical_jacobians(f, xs)
    numerical = _numerical_jacobians(f, xs, delta)
    return tuple(theoretical), tuple(numerical)


def _tensor_of(array: np.ndarray, dtype):
    """A tensor holding a copy of `array` (a NumPy scalar for rank 0, as tensors keep it)."""
    return make(array[()] if array.ndim == 0 else array.copy(), dtype)


def _output(y):
    if not hasattr(y, "shape"):  # TF fails on the same attribute for tuples and None
        raise AttributeError(f"'{type(y).__name__}' object has no attribute 'shape'")
    return convert_to_tensor(y)


def _as_real_columns(g: np.ndarray, complex_source: bool) -> np.ndarray:
    """Splits complex entries of the last axis into (real, imaginary) pairs of entries."""
    if not complex_source:
        return g.real if g.dtype.kind == "c" else g
    return np.stack([g.real, g.imag], axis=-1).reshape(g.shape[:-1] + (-1,))


def _theoretical_jacobians(f, xs: list) -> list:
    with GradientTape(persistent=True) as tape:
        tape.watch(xs)
        y = _output(f(*xs))
    y_size = int(np.prod(y.shape.as_list(), dtype=np.int64))
    zero = UnconnectedGradients.ZERO
    if y.dtype.is_complex:
        # One backward pass per real output component: seeds 1 and 1j pick the real and
        # imaginary parts (the VJP is only R-linear for non-holomorphic functions).
        rows = []
        for k in range(y_size):
            for unit in (1, 1j):
                seed = np.zeros(y_size, y.dtype.as_numpy_dtype)
                seed[k] = unit
                seed = _tensor_of(seed.reshape(y.shape.as_list()), y.dtype)
                rows.append(tape.gradient(y, xs, output_gradients=seed, unconnected_gradients=zero))
        per_x = [
            np.stack([np.asarray(r[i]._value).reshape(-1) for r in rows])
            if rows
            else np.zeros((0, int(np.size(x._value))), x.dtype.as_numpy_dtype)
            for i, x in enumerate(xs)
        ]
    else:
        jacobians = tape.jacobian(y, xs, unconnected_gradients=zero)
        per_x = [np.asarray(j._value).reshape(y_size, -1) for j in jacobians]
    return [
        _as_real_columns(g, x.dtype.is_complex).astype(x.dtype.real_dtype.as_numpy_dtype)
        for g, x in zip(per_x, xs)
    ]


def _numerical_jacobians(f, xs: list, delta) -> list:
    values = [np.array(t._value) for t in xs]  # private copies, perturbed in place

    def evaluate() -> np.ndarray:
        args = [_tensor_of(v, t.dtype) for v, t in zip(values, xs)]
        y = np.asarray(_output(f(*args))._value).reshape(-1)
        return y if y.dtype.kind != "c" else np.stack([y.real, y.imag], axis=-1).reshape(-1)

    jacobians = []
    for t, value in zip(xs, values):
        flat = value.reshape(-1)  # a view: writing it perturbs `value`
        steps = (1, 1j) if t.dtype.is_complex else (1,)
        columns = []
        for j in range(flat.size):
            for step in steps:
                original = flat[j]
                flat[j] = original + step * delta
                y_plus = evaluate()
                flat[j] = original - step * delta
                y_minus = evaluate()
                flat[j] = original
                columns.append((y_plus - y_minus) / (2 * delta))  # in y's own dtype, as TF
        real = t.dtype.real_dtype.as_numpy_dtype
        if columns:
            jacobians.append(np.stack(columns, axis=1).astype(real))
        else:
            jacobians.append(np.zeros((evaluate().size, 0), real))
    return jacobians
