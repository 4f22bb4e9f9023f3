"""`tf.debugging.enable_check_numerics`: every op's output checked for NaN and Inf.

Enabling installs a check in the registry's op-call epilogue (sites.note, one
output check that runs this module's output test and notes the user's line of
each op), so the first op that creates a NaN or an infinity, forward or
backward, raises TF's error with its type, shape, counts and inputs. After TF's
report tapeflow says where the values came from: the user's line that ran the
op; whether the inputs were already non-finite; and, in a backward pass, the
forward op whose gradient rule was running (the walk names its entry in
`tape.state.entry` while checks are enabled), that op's line and why its
derivative is not finite there, including the `tf.where` trap. Disabling
restores the plain op path.
"""

from __future__ import annotations

import math

import numpy as np

from .._core import tape as _tape
from .._core.errors import invalid_argument
from ..ops.debug_ops import _non_finite_kinds
from . import sites as _sites


def enable_check_numerics(stack_height_limit=30, path_length_limit=50) -> None:
    """Makes every op raise as soon as it outputs NaN or Inf, forward or backward.

    The error is TF's report (the op, the output's dtype, shape and counts of each
    kind of non-finite value, the inputs), followed by tapeflow's: the line of
    your code that ran the op, whether the inputs were already non-finite (so the
    culprit is upstream) or this op created them, and, inside
    `GradientTape.gradient`, the forward op whose gradient rule was running, its
    line and why its derivative is not finite (the input of `sqrt` was 0, say),
    naming the `tf.where` trap when the op is a masked branch of a `tf.where`.

    While enabled every op's floating outputs are tested and each op run while a
    tape records notes your line (a frame walk): W2's forward pass (100 scalar ops
    under a tape) runs about 1.4x as long as with checks off. Disabling restores
    the plain op path.

    Args:
      stack_height_limit, path_length_limit: accepted for TF compatibility.

    >>> tf.debugging.enable_check_numerics()
    >>> tf.math.log(tf.constant(-1.0))
    Traceback (most recent call last):
    InvalidArgumentError: ... Detected Infinity or NaN in output 0 of eagerly-executing op "Log" ...
    """
    _tape.side_effect("it enables check_numerics")
    _sites.start("check_numerics", finite_check=_check_outputs)


def disable_check_numerics() -> None:
    """Undoes `enable_check_numerics` (a no-op when it is not enabled)."""
    _sites.stop("check_numerics", finite_check=_check_outputs)


_f32, _f64, _ndarray = np.float32, np.float64, np.ndarray
_isfinite = math.isfinite
_sum = np.add.reduce


def _finite(value) -> bool:
    """Whether a tensor's value holds no NaN or Inf (integers and bools always)."""
    kind = type(value)
    if kind is _f32 or kind is _f64:  # the scalar case, ~10x cheaper than np.isfinite
        return _isfinite(value)
    if value.dtype.kind not in "fc":
        return True
    if kind is not _ndarray or not value.size:
        return bool(np.isfinite(value).all())
    # A NaN or Inf makes the sum non-finite, so a finite sum proves the array finite
    # without a boolean temporary; an overflowing sum of finite values is tested exactly.
    total = _sum(value, axis=None)
    return bool(np.isfinite(total)) or bool(np.isfinite(value).all())


def _check_outputs(op, inputs, outputs) -> None:
    """Raises TF's error at the first non-finite output (sites.note runs it per op)."""
    outs = outputs if type(outputs) is tuple else (outputs,)
    for index, out in enumerate(outs):
        if not _finite(out._value):
            raise invalid_argument(_numerics_report(op, outs, index, inputs))


def _numerics_report(op, outs: tuple, index: int, inputs: tuple) -> str:
    """TF's report for a non-finite op output, then where the values came from."""
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
    kinds = _non_finite_kinds(value.real if value.dtype.kind == "c" else value, signed=True)
    lines.append(f" : Tensor had {kinds} values [Op:CheckNumericsV2]")
    lines.append("")
    lines += _provenance(op, inputs, ~np.isfinite(value))
    return "\n".join(lines)


def _provenance(op, inputs: tuple, bad_mask: np.ndarray) -> list:
    """tapeflow's part: the user's line, who created the values, in which pass."""
    entry = _tape.state.entry
    site = _sites.current_site()
    if entry is None:
        lines = [f'  Op "{op.type}" ran from {_sites.describe(site)}.']
    else:
        lines = [
            f'  Op "{op.type}" ran inside GradientTape.gradient, called from '
            f"{_sites.describe(site)}."
        ]
    bad = []
    for i, t in enumerate(inputs):
        v = np.asarray(t._value)
        if v.dtype.kind in "fc" and not np.isfinite(v).all():
            bad.append(f"input {i} ({np.isnan(v).sum()} NaN, {np.isinf(v).sum()} Inf)")
    if bad:
        lines.append(
            f"  Hint: {', '.join(bad)} already held non-finite values, so they came from "
            "upstream: a constant, a variable, or a value computed before "
            "enable_check_numerics() was called."
        )
    else:
        lines.append(
            f'  Hint: every input was finite: op "{op.type}" created the non-finite values.'
        )
    if entry is not None:
        lines += _backward_origin(entry, bad_mask)
    elif site is not None and "where(" in site.text and op.type not in ("SelectV2", "Select"):
        lines.append(
            "  The line calls tf.where: both of its branches are computed for every element, "
            "so a branch that the where masks can still make NaN or Inf (and a NaN gradient "
            "through the where). TF's fix is a second tf.where that makes the masked inputs "
            "safe before the op: `safe_x = tf.where(mask, x, 1.0)`, then "
            "`tf.where(mask, f(safe_x), 0.0)`."
        )
    return lines


def _backward_origin(entry, bad_mask: np.ndarray) -> list:
    """The forward op whose gradient rule is running: its line, why, the where trap."""
    forward, inputs, outputs, _ = entry
    first = outputs[0] if type(outputs) is tuple else outputs
    site = _sites.site_of(first._id)
    where = (
        _sites.describe(site)
        if site is not None
        else "a line that was not recorded (the tape recorded it before "
        "enable_check_numerics() was called)"
    )
    if forward.fresh_gradients:  # a registry rule
        why = _why(forward.type, inputs, first)
    else:  # a custom_gradient or tf.RegisterGradient function: user code
        why = "its gradient is your function, which computed the value at the line above"
    lines = [
        "  It ran in the backward pass (GradientTape.gradient), inside the gradient rule of "
        f'op "{forward.type}": the gradient of {forward.type} from {where}: {why}.'
    ]
    branch = _sites.branch_of(first._id)
    if branch is not None:
        lines += _where_trap(forward.type, branch, bad_mask)
    return lines


def _held(t):
    """A recorded tensor's value, or None where the tape kept a data-free stand-in."""
    value = t._value
    if type(value) is _ndarray and value.size > 1 and 0 in value.strides:
        return None
    return np.asarray(value)


def _at(mask: np.ndarray) -> str:
    """ " (at k of n elements)" for a boolean mask, nothing for one element."""
    n = mask.size
    return "" if n == 1 else f" (at {int(np.count_nonzero(mask))} of {n} elements)"


# Op type -> (the value read: an input position, -1 for the output; the points where
# the derivative is infinite; how they are named; the derivative).
_SINGULAR = {
    "Sqrt": (-1, (0,), "0", "0.5 / sqrt(x)"),
    "Rsqrt": (0, (0,), "0", "-0.5 * x**-1.5"),
    "Log": (0, (0,), "0", "1 / x"),
    "Log1p": (0, (-1,), "-1", "1 / (1 + x)"),
    "Reciprocal": (0, (0,), "0", "-1 / x**2"),
    "RealDiv": (1, (0,), "0 (the denominator)", "-x / y**2"),
    "Div": (1, (0,), "0 (the denominator)", "-x / y**2"),
    "Asin": (0, (1, -1), "+-1", "1 / sqrt(1 - x**2)"),
    "Acos": (0, (1, -1), "+-1", "-1 / sqrt(1 - x**2)"),
    "Atanh": (0, (1, -1), "+-1", "1 / (1 - x**2)"),
    "Acosh": (0, (1,), "1", "1 / sqrt(x**2 - 1)"),
}


def _why(op_type: str, inputs: tuple, out) -> str:
    """Why the derivative of a forward op is not finite, read from the values it kept."""
    generic = "its forward values were finite, but its derivative at these inputs is not"
    out_value = _held(out)
    if out_value is not None and out_value.dtype.kind in "fc" and not np.isfinite(out_value).all():
        return "its forward output already held NaN or Inf (recorded before the checks were on)"
    if op_type == "Pow" and len(inputs) == 2:
        x, y = _held(inputs[0]), _held(inputs[1])
        if x is None or y is None:
            return generic
        x, y = np.broadcast_arrays(x, y)
        mask = (x == 0) & (np.real(y) < 1)
        if mask.any():
            return (
                "the base was 0 with an exponent below 1, where the derivative "
                f"y * x**(y - 1) is infinite{_at(mask)}"
            )
        return generic
    rule = _SINGULAR.get(op_type)
    if rule is None:
        return generic
    position, points, named, derivative = rule
    held = out_value if position == -1 else _held(inputs[position])
    if held is None:
        return generic
    mask = np.isin(held, points)
    if not mask.any():
        return generic
    return f"the input was {named}, where the derivative {derivative} is infinite{_at(mask)}"


def _where_trap(op_type: str, branch, bad_mask: np.ndarray) -> list:
    """The tf.where trap, when the failing elements are ones the where did not select."""
    condition = np.asarray(branch.condition._value)
    unselected = ~condition if branch.index == 1 else condition
    try:
        unselected = np.broadcast_to(unselected, bad_mask.shape)
    except ValueError:
        trapped = None  # shapes differ: the gradient op reduced or reshaped
    else:
        if not bad_mask.any():
            return []
        trapped = bool(unselected[bad_mask].all())
    if trapped is False:
        return []
    name = "x" if branch.index == 1 else "y"
    certainty = "" if trapped else "probably "
    return [
        f"  This is {certainty}the tf.where trap: the output of {op_type} is the `{name}` branch "
        f"of the tf.where at {_sites.describe(branch.site)}, which gives the elements it did "
        f"not select a gradient of 0; but the gradient of {op_type} is not finite at those "
        "elements, and 0 * inf is NaN. TF's fix is a second tf.where that makes the masked "
        "inputs safe before the op: `safe_x = tf.where(mask, x, 1.0)`, then "
        f"`tf.where(mask, f(safe_x), 0.0)`."
    ]
