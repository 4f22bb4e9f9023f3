"""Einstein summation: `einsum` and `tensordot` (a composite of it).

The public `einsum` rewrites the equation into explicit form (no ellipsis, an
explicit output) before the op runs, so the rules can work with letters only:
the VJP for operand k is another einsum, contracting the cotangent with the
other operands into k's letters; the JVP is the sum of einsums with one
tangent each. Batched cotangents/tangents get extra leading letters.
"""

from __future__ import annotations

import string

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import invalid_argument
from .._core.registry import op
from .._core.tensor import convert_to_tensor, make
from ._util import batch_ndim, int_arg, no_kernel
from .array_ops import _reshape, broadcast_to, sum_to
from .samples import cases

_LETTERS = string.ascii_letters


def _parse(equation: str) -> tuple:
    inputs, output = equation.split("->")
    return inputs.split(","), output


def _batch_letters(n: int, used: str) -> str:
    return "".join([c for c in _LETTERS if c not in used][:n])


@op(
    "Einsum",
    dtypes=_dt.NUMERIC | {_dt.bool},
    sample=cases(
        ([(2, 3), (3, 4)], {"equation": "ij,jk->ik"}),
        ([(2, 3)], {"equation": "ij->j"}),
        ([(2, 3), (3,), (4,)], {"equation": "ij,j,k->ik"}),
        ([(2, 3, 4), (2, 4, 3)], {"equation": "bij,bjk->bik"}),
    ),
)
def _einsum(*inputs, equation):
    if inputs[0].dtype == np.bool_:  # TF's op allows bool, but has no CPU kernel for it
        raise no_kernel("Einsum", np.bool_, f"N={len(inputs)}, ") from None
    return np.einsum(equation, *inputs)


@_einsum.vjp
def _einsum_vjp(g, out, *inputs, equation, needs):
    from .math_ops import conj

    subs, output = _parse(equation)
    batch = _batch_letters(batch_ndim(g, out), equation)
    grads = []
    for k, x in enumerate(inputs):
        target = "".join(dict.fromkeys(subs[k]))
        others = [s for i, s in enumerate(subs) if i != k]
        available = set(output).union(*others)
        have = "".join(c for c in target if c in available)
        eq = ",".join([batch + output, *others]) + "->" + batch + have
        grad = _einsum(g, *[conj(y) for i, y in enumerate(inputs) if i != k], equation=eq)
        if have != target:
            # Letters summed only within operand k: d/dx is constant along them.
            gshape = np.shape(grad._value)
            sizes = dict(zip(subs[k], np.shape(x._value), strict=False))
            expanded = gshape[: len(batch)] + tuple(
                gshape[len(batch) + have.index(c)] if c in have else 1 for c in target
            )
            full = gshape[: len(batch)] + tuple(sizes[c] for c in target)
            grad = broadcast_to(_reshape(grad, shape=expanded), full)
        if len(target) != len(subs[k]):
            grad = _onto_diagonal(grad, subs[k], np.shape(x._value), len(batch))
        if np.shape(grad._value)[len(batch) :] != np.shape(x._value):
            grad = sum_to(grad, np.shape(x._value), len(batch))  # x broadcast a size-1 dim
        grads.append(grad)
    return grads


def _onto_diagonal(grad, sub: str, shape: tuple, b: int):
    """Spreads `grad` (one axis per distinct letter) onto the diagonal of a repeated letter."""
    first = [sub.index(c) == a for a, c in enumerate(sub)]
    gshape = np.shape(grad._value)
    expanded = gshape[:b] + tuple(d if f else 1 for d, f in zip(shape, first, strict=False))
    grids = np.indices(shape)
    mask = np.all([grids[a] == grids[sub.index(c)] for a, c in enumerate(sub)], axis=0)
    spread = broadcast_to(_reshape(grad, shape=expanded), gshape[:b] + shape)
    return spread * make(mask.astype(grad._dtype._np), grad._dtype)


@_einsum.jvp
def _einsum_jvp(t, out, *inputs, equation):
    subs, output = _parse(equation)
    total = None
    for k, tk in enumerate(t):
        if tk is None:
            continue
        batch = _batch_letters(batch_ndim(tk, inputs[k]), equation)
        operands = [tk if i == k else x for i, x in enumerate(inputs)]
        terms = [batch + s if i == k else s for i, s in enumerate(subs)]
        term = _einsum(*operands, equation=",".join(terms) + "->" + batch + output)
        total = term if total is None else total + term
    return total


def _explicit(equation: str, ranks: list) -> str:
    """The equation with ellipses replaced by letters and the output made explicit."""
    equation = equation.replace(" ", "")
    if "->" in equation:
        lhs, output = equation.split("->")
    else:
        lhs, output = equation, None
    subs = lhs.split(",")
    if len(subs) != len(ranks):
        raise ValueError(
            f'Got {len(ranks)} inputs for equation "{equation}", expecting {len(subs)}'
        )
    spare = [c for c in _LETTERS if c not in equation]
    n_ellipsis = max(
        [r - len(s.replace("...", "")) for s, r in zip(subs, ranks, strict=False) if "..." in s],
        default=0,
    )
    dots = "".join(spare[:n_ellipsis])
    explicit = []
    for s, r in zip(subs, ranks, strict=False):
        if "..." in s:
            s = s.replace("...", dots[n_ellipsis - (r - len(s) + 3) :])
        if len(s) != r:
            raise invalid_argument(
                f"Expected input {len(explicit)} to have rank {len(s)} but got: {r}", "Einsum"
            )
        explicit.append(s)
    if output is None:
        counts = {c: lhs.count(c) for c in lhs if c.isalpha()}
        output = dots + "".join(sorted(c for c, n in counts.items() if n == 1))
    else:
        output = output.replace("...", dots)
    return ",".join(explicit) + "->" + output


def einsum(equation, *inputs, **kwargs):
    """Tensor contraction over the index letters of `equation`, e.g. "ij,jk->ik".

    Supports ellipses ("...ij,...jk->...ik", broadcasting) and implicit outputs.

    Raises:
      ValueError: if the number of inputs does not match the equation.
      InvalidArgumentError: if a letter's dimensions disagree.

    >>> tf.einsum("ij,j->i", tf.ones((2, 3)), tf.ones(3)).numpy()
    array([3., 3.], dtype=float32)
    """
    tensors = [convert_to_tensor(x) for x in inputs]
    eq = _explicit(equation, [t.ndim for t in tensors])
    subs, _ = _parse(eq)
    sizes: dict = {}
    for _i, (s, t) in enumerate(zip(subs, tensors, strict=False)):
        shape = np.shape(t._value)
        for axis, (c, d) in enumerate(zip(s, shape, strict=False)):
            if sizes.get(c, d) != d and 1 not in (d, sizes[c]):
                raise invalid_argument(
                    f"Expected dimension {sizes[c]} at axis {axis} of the input shaped "
                    f"[{','.join(map(str, shape))}] but got dimension {d}",
                    "Einsum",
                )
            if sizes.get(c, 1) == 1:
                sizes[c] = d
    return _einsum(*tensors, equation=eq)


def _tensordot_axes(a, b, axes) -> tuple:
    """The contracted axes of `a` and `b` (non-negative), with TF's errors (ValueError for
    bad counts, IndexError, as TF, for an axis a tensor lacks)."""
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if n < 0:
            raise ValueError(f"`axes` must be at least 0. Received: {n}.")
        if n > a.ndim:
            raise ValueError(
                f"`axes` must not be larger than the number of dimensions of tensor {a}.  "
                f"Received {n}, vs tensor dimensions {a.ndim}."
            )
        a_axes, b_axes = list(range(a.ndim - n, a.ndim)), list(range(n))
    elif isinstance(axes, (list, tuple)):
        if len(axes) != 2:
            raise ValueError(f"`axes` must be an integer or have length 2. Received {axes}.")
        # np.atleast_1d reads a tensor's value through the tensor, which declares it.
        a_axes, b_axes = (np.atleast_1d(x).tolist() for x in axes)
        if len(a_axes) != len(b_axes):
            raise ValueError(
                f"Different number of contraction axes `a` and `b`, {len(a_axes)} != {len(b_axes)}."
            )
    else:
        t = convert_to_tensor(int_arg(axes))  # TF's TypeError for a float
        if t.ndim:
            a_axes, b_axes = (np.atleast_1d(x).tolist() for x in t)
        else:
            return _tensordot_axes(a, b, int(t))  # int() declares the value read
    for axes_, ndim in ((a_axes, a.ndim), (b_axes, b.ndim)):
        if any(not -ndim <= x < ndim for x in axes_):
            raise IndexError("list index out of range")
    return [x % a.ndim for x in a_axes], [x % b.ndim for x in b_axes]


def tensordot(a, b, axes, name=None):
    """Sums products over `axes` (the last/first `axes` dims, or a pair of axis lists).

    >>> tf.tensordot(tf.ones((2, 3)), tf.ones((3, 4)), 1).shape
    TensorShape([2, 4])
    """
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    from .linalg.products import _matmul

    if a._dtype not in _matmul.dtypes:  # TF contracts with MatMul
        raise _matmul.dtype_error(a._dtype)
    a_axes, b_axes = _tensordot_axes(a, b, axes)
    a_sub = list(_LETTERS[: a.ndim])
    b_sub = list(_LETTERS[a.ndim : a.ndim + b.ndim])
    for i, j in zip(a_axes, b_axes, strict=False):
        if a.shape[i] != b.shape[j]:
            free_a = [d for k, d in enumerate(a.shape.as_list()) if k not in a_axes]
            free_b = [d for k, d in enumerate(b.shape.as_list()) if k not in b_axes]
            in0 = [int(np.prod(free_a)), int(np.prod([a.shape[k] for k in a_axes]))]
            in1 = [int(np.prod([b.shape[k] for k in b_axes])), int(np.prod(free_b))]
            raise invalid_argument(
                f"Matrix size-incompatible: In[0]: [{in0[0]},{in0[1]}], In[1]: [{in1[0]},{in1[1]}]",
                "MatMul",
            )
        b_sub[j] = a_sub[i]
    out = [c for i, c in enumerate(a_sub) if i not in a_axes]
    out += [c for j, c in enumerate(b_sub) if j not in b_axes]
    eq = "".join(a_sub) + "," + "".join(b_sub) + "->" + "".join(out)
    return _einsum(a, b, equation=eq)
