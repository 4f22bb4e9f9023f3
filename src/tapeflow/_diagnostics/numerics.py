"""`tf.debugging.enable_check_numerics`: every op's output checked for NaN and Inf.

Enabling installs a check in the registry's op-call epilogue
(`registry.add_output_check`), so the first op that creates a NaN or an
infinity, forward or backward, raises TF's error with its type, shape, counts
and inputs. tapeflow adds where the values came from: whether the inputs were
already non-finite, and, in a backward pass, whose gradient rule was running
(the walk names it in `tape.state.rule` while checks are enabled).
"""

from __future__ import annotations

import numpy as np

from .._core import registry as _registry
from .._core import tape as _tape
from .._core.errors import invalid_argument
from ..ops.debug_ops import _non_finite_kinds


def enable_check_numerics(stack_height_limit=30, path_length_limit=50) -> None:
    """Makes every op raise as soon as it outputs NaN or Inf, forward or backward.

    The error names the op, the output's dtype, shape and counts of each kind
    of non-finite value, shows the inputs, and says whether the inputs were
    already non-finite (so the culprit is upstream) or this op created them,
    and, when it happened inside `GradientTape.gradient`, whose gradient rule
    was running. Costs one `isfinite` pass per floating output while enabled.

    Args:
      stack_height_limit, path_length_limit: accepted for TF compatibility.

    >>> tf.debugging.enable_check_numerics()
    >>> tf.math.log(tf.constant(-1.0))
    Traceback (most recent call last):
    InvalidArgumentError: ... Detected Infinity or NaN in output 0 of eagerly-executing op "Log" ...
    """
    _tape.side_effect("it enables check_numerics")
    _registry.add_output_check(_check_outputs)


def disable_check_numerics() -> None:
    """Undoes `enable_check_numerics` (a no-op when it is not enabled)."""
    _registry.remove_output_check(_check_outputs)


def _check_outputs(op, inputs, outputs, attrs) -> None:
    outs = outputs if type(outputs) is tuple else (outputs,)
    for index, out in enumerate(outs):
        value = out._value
        if value.dtype.kind in "fc" and not np.isfinite(value).all():
            raise invalid_argument(_numerics_report(op, outs, index, inputs))


def _numerics_report(op, outs: tuple, index: int, inputs: tuple) -> str:
    """TF's report for a non-finite op output, plus where the values came from."""
    value = np.asarray(outs[index]._value)
    counts = [
        ("-Inf", np.isneginf(value.real).sum() + np.isneginf(value.imag).sum()),
        ("+Inf", np.isposinf(value.real).sum() + np.isposinf(value.imag).sum()),
        ("+NaN", np.isnan(value).sum()),
    ]
    lines = [
        "",
        f'!!! Detected Infinity or NaN in output {index} of eagerly-executing op "{op.type}" '
        f"(# of outputs: {len(outs)}) !!!",
        f"  dtype: {outs[index].dtype}",
        f"  shape: {outs[index].shape}",
    ]
    lines += [f"  # of {kind} elements: {n}" for kind, n in counts if n]
    lines.append("")
    if len(inputs) == 1:
        lines.append(f"  Input tensor: {inputs[0]!s}")
    else:
        lines.append(f"  Input tensors ({len(inputs)}):")
        lines += [f"         {i}: {t!s}" for i, t in enumerate(inputs)]
    lines.append("")
    lines += _provenance(op, inputs)
    kinds = _non_finite_kinds(value.real if value.dtype.kind == "c" else value, signed=True)
    lines += ["", f" : Tensor had {kinds} values [Op:CheckNumericsV2]"]
    return "\n".join(lines)


def _provenance(op, inputs: tuple) -> list:
    """Whether the op created the non-finite values, and in which pass it ran."""
    bad = []
    for i, t in enumerate(inputs):
        v = np.asarray(t._value)
        if v.dtype.kind in "fc" and not np.isfinite(v).all():
            bad.append(f"input {i} ({np.isnan(v).sum()} NaN, {np.isinf(v).sum()} Inf)")
    if bad:
        lines = [
            f"  Hint: {', '.join(bad)} already held non-finite values, so they came from "
            "upstream: a constant, a variable, or a value computed before "
            "enable_check_numerics() was called."
        ]
    else:
        lines = [f'  Hint: every input was finite: op "{op.type}" created the non-finite values.']
    rule = _running_gradient_rule()
    if rule is not None:
        lines.append(
            f"  It ran in the backward pass (GradientTape.gradient), inside the gradient rule "
            f'of op "{rule}": the forward values were finite but this derivative is not.'
        )
    return lines


def _running_gradient_rule():
    """The op type whose VJP rule the backward walk of this thread is running, or None."""
    rule = _tape.state.rule
    return None if rule is None else rule.type
