"""Forward mode: `tf.autodiff.ForwardAccumulator`.

While active, an accumulator sees every differentiable op this thread runs
(through tape.record) and, when an input carries a tangent, computes the
outputs' tangents with the op's JVP rule. It steps aside while it runs a rule,
so its own JVP computations are not differentiated by it; outer accumulators
and tapes do see them, which gives higher orders (nested accumulators) and
forward-over-reverse or reverse-over-forward products.

A rule gets None for every input without a tangent (a symbolic zero, as in JAX),
never a zeros tensor: it skips that input's term instead of multiplying zeros
(forward-over-reverse runs many two-input rules with one tangent missing). It
returns None only when no term is present, which the accumulator never asks
for: a rule runs only when some input carries a tangent.
"""

from __future__ import annotations

import numpy as np

from .._core import nest
from .._core import tape as _tape
from .._core.tensor import convert_to_tensor
from ..ops.array_ops import _reshape  # the op: the shape is computed, not user input
from .gradient_tape import UnconnectedGradients, _differentiable, _unconnected
from .walk import zeros_like_value


class ForwardAccumulator(_tape.Recorder):
    """Computes Jacobian-vector products of everything run inside its context.

    Args:
      primals: a tensor or variable, or a nested structure of them.
      tangents: matching tangents (same structure, shapes and dtypes).

    Raises:
      ValueError: if the structures differ, or a tangent's dtype (TF's error) or
        shape (tapeflow: TF accepts it silently and computes nonsense) differs
        from its primal's.

    >>> x = tf.constant(2.0)
    >>> with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
    ...     y = x * x
    >>> acc.jvp(y)
    <tf.Tensor: shape=(), dtype=float32, numpy=4.0>
    """

    kind = "accumulators"

    def __init__(self, primals, tangents):
        nest.assert_same_structure(primals, tangents)
        self._tangents: dict = {}
        self._recording = False
        self._in_rule = 0  # > 0 while this or an outer accumulator runs a JVP rule
        for primal, tangent in zip(nest.flatten(primals), nest.flatten(tangents)):
            p = _differentiable(primal)
            t = convert_to_tensor(tangent, dtype=p._dtype)
            if np.shape(t._value) != np.shape(p._value):
                raise ValueError(
                    f"The tangent for a primal of shape {p.shape} has shape {t.shape}: each "
                    "tangent must have its primal's shape."
                )
            if p._dtype._differentiable:
                self._tangents[p._id] = t

    def __enter__(self) -> ForwardAccumulator:
        if self._recording:
            raise ValueError("Accumulator is already recording.")
        _tape.push(self)
        self._recording = True
        return self

    def __exit__(self, typ, value, traceback) -> None:
        if self._recording:
            _tape.pop(self)
            self._recording = False

    def record(self, op, inputs: tuple, outputs, attrs: dict) -> None:
        """Called for every differentiable op while active: propagates tangents."""
        if self._in_rule:
            return
        tangents = self._tangents
        for x in inputs:
            present = tangents.get(x._id)
            if present is not None:
                break
        else:
            return  # the common case: no input carries a tangent
        # One convention for every rule (JAX's symbolic zeros): None for an input without
        # a tangent, whether its dtype carries none or nothing upstream gave it one.
        found = [tangents.get(x._id) for x in inputs]
        # Tangents may carry leading batch dimensions (NumPy scalars have shapes too).
        batch_ndim = present._value.ndim - x._value.ndim
        # Neither this accumulator nor the ones opened inside it see the ops of its
        # rule (TF: only outer accumulators differentiate an accumulator's JVPs).
        stack = _tape.state.accumulators
        inner = stack[stack.index(self) :] if stack[0] is not self else stack
        for accumulator in inner:
            accumulator._in_rule += 1
        try:
            out_tangents = call_jvp(op, found, outputs, inputs, attrs, batch_ndim)
        finally:
            for accumulator in inner:
                accumulator._in_rule -= 1
        if type(outputs) is tuple:
            for o, t in zip(outputs, out_tangents):
                if t is not None and o._dtype._differentiable:
                    tangents[o._id] = t
        elif out_tangents is not None and outputs._dtype._differentiable:
            tangents[outputs._id] = out_tangents

    def jvp(self, primals, unconnected_gradients=UnconnectedGradients.NONE):
        """The tangents of `primals` (computed inside the context), in their structure.

        Args:
          primals: tensors or variables (nested structures allowed).
          unconnected_gradients: NONE gives None for a tensor without a tangent, ZERO zeros.
        """
        unconnected_gradients = _unconnected(unconnected_gradients)

        def tangent_of(primal):
            p = _differentiable(primal)
            t = self._tangents.get(p._id)
            if t is None and unconnected_gradients is UnconnectedGradients.ZERO:
                t = zeros_like_value(p)
            return t

        return nest.map_structure(tangent_of, primals)


def call_jvp(op, tangents: list, outs, inputs: tuple, attrs: dict, batch_ndim: int):
    """Runs a JVP rule; for broadcasting ops, first aligns batched tangents.

    A tangent of shape `batch + input.shape` would broadcast wrongly against
    a higher-rank operand, so it is reshaped to `batch + (1,) * k + input.shape`
    (k = output rank - input rank): the forward-mode twin of the walk's sum_to.
    """
    if batch_ndim and op.broadcasting:
        out_ndim = max(np.ndim(t._value) for t in inputs)
        aligned = []
        for t, x in zip(tangents, inputs):
            missing = out_ndim - len(x.shape)
            if t is not None and missing:
                shape = t._value.shape
                t = _reshape(t, shape=shape[:batch_ndim] + (1,) * missing + shape[batch_ndim:])
            aligned.append(t)
        tangents = aligned
    return op.jvp_rule(tangents, outs, *inputs, **attrs)
