"""Batching rules: how each registry op runs on a batch (tf.vectorized_map).

A rule is `rule(op, inputs, batched, attrs, size) -> outputs`: `batched[i]` says
whether input i has a leading batch axis of length `size`; the others are the
same for every example. The rule returns the op's outputs with the batch axis
first. Rules compute with ops (reshapes, broadcasts, the op itself with shifted
attributes), so outer tapes record them and gradients flow through.

Most ops need one of three generic rules: `broadcasting` (ops whose inputs
broadcast: align the batched inputs' ranks, let broadcasting share the rest),
`per_example` (ops that act on each leading slice alike: give every input the
batch axis) and `merged` (ops with a batch dimension of their own, NHWC
convolution and pooling: fold the two into one). Axis-taking ops shift their
axes past the batch axis. TensorFlow's pfor has no converter for
EuclideanNorm, MatrixDeterminant, MatrixSolveLs, MirrorPad(Grad), Qr, Svd,
RandomShuffle and ScatterNd, so they get no rule either: they loop with TF's
warning (the completeness test lists them).
"""

from __future__ import annotations

import numpy as np

from ..._core.registry import REGISTRY, load_all
from ..._core.tensor import make

# The rules go to ops of every family (and to every broadcasting op, read from the registry).
load_all()


class ConversionNotImplementedError(Exception):
    """Raised by a rule that cannot batch this call (TF's name): the op then runs once
    per example, with the message as the warning's cause."""


_reshape_op = REGISTRY["Reshape"]
_broadcast_op = REGISTRY["BroadcastTo"]
_pack_op = REGISTRY["Pack"]
_slice_op = REGISTRY["StridedSlice"]
_add_op = REGISTRY["AddV2"]


def _shape(x) -> tuple:
    return np.shape(x._value)


def _rank(x, b: bool) -> int:
    return len(_shape(x)) - b


def _reshape(x, shape):
    return _reshape_op.run((x,), {"shape": tuple(shape)})


def _batch(x, b: bool, size: int):
    """`x` with the batch axis: shared inputs are broadcast (an op, so a tape outside
    sums their gradient back)."""
    return x if b else _broadcast_op.run((x,), {"shape": (size,) + _shape(x)})


def _batch_all(xs, batched, size: int) -> tuple:
    return tuple([_batch(x, b, size) for x, b in zip(xs, batched)])


def _lift(x, rank: int):
    """A batched `x` with ones after the batch axis up to per-example rank `rank`."""
    shape = _shape(x)
    missing = rank - (len(shape) - 1)
    return x if missing <= 0 else _reshape(x, shape[:1] + (1,) * missing + shape[1:])


def _per_example_rank(xs, batched) -> int:
    return max(_rank(x, b) for x, b in zip(xs, batched))


def _register(rule, *types: str) -> None:
    for t in types:
        REGISTRY[t].batching(rule)


# -- the generic rules ---------------------------------------------------------------------------


def broadcasting(op, xs, batched, attrs, size):
    """Ops that broadcast their inputs: a batched input gets ones after the batch axis
    up to the highest per-example rank; shared inputs broadcast as they are."""
    rank = _per_example_rank(xs, batched)
    xs = tuple([_lift(x, rank) if b else x for x, b in zip(xs, batched)])
    return op.run(xs, attrs)


def per_example(op, xs, batched, attrs, size):
    """Ops that treat leading axes alike (elementwise, last-axis and matrix ops):
    every input gets the batch axis."""
    return op.run(_batch_all(xs, batched, size), attrs)


def per_example_aligned(op, xs, batched, attrs, size):
    """As `per_example`, for ops whose inputs broadcast over leading axes in the forward
    (GatherLastAxis' indices): ranks are aligned first."""
    xs = _batch_all(xs, batched, size)
    rank = _per_example_rank(xs, (True,) * len(xs))
    return op.run(tuple([_lift(x, rank) for x in xs]), attrs)


def merged(op, xs, batched, attrs, size):
    """Ops whose inputs all have a batch dimension N of their own (NHWC pooling and
    their gradients): [size, N, ...] is run as [size * N, ...]."""
    xs = _batch_all(xs, batched, size)
    flat = tuple([_fold(x) for x in xs])
    return _unmerge(op.run(flat, attrs), size)


def _fold(x):
    """[size, N, ...] -> [size * N, ...]."""
    return _reshape(x, (-1,) + _shape(x)[2:])


def _unmerge(out, size: int):
    if type(out) is tuple:
        return tuple(_unmerge(o, size) for o in out)
    return _reshape(out, (size, -1) + _shape(out)[1:])


def _merged_with_shared(*shared: int):
    """`merged` for ops whose inputs at positions `shared` (filters) must be the same
    for every example; a batched one (per-example filters) runs per example."""

    def rule(op, xs, batched, attrs, size):
        for i in shared:
            if batched[i]:
                raise ConversionNotImplementedError(
                    f"{op.type} with per-example {op.input_names[i]}"
                )
        xs = tuple(
            x if i in shared else _fold(_batch(x, b, size))
            for i, (x, b) in enumerate(zip(xs, batched))
        )
        return _unmerge(op.run(xs, attrs), size)

    return rule


_register(
    broadcasting,
    *sorted(t for t, o in REGISTRY.items() if o.broadcasting and t != "MatrixTriangularSolve"),
)
_register(broadcasting, "MatrixTriangularSolve")
_register(
    per_example,
    # elementwise, one input
    "Abs", "Acos", "Acosh", "Angle", "Asin", "Asinh", "Atan", "Atanh", "Cast", "Ceil",
    "CheckNumerics", "ComplexAbs", "Conj", "Cos", "Cosh", "Digamma", "Elu", "Erf", "Erfc",
    "Exp", "Expm1", "Floor", "Identity", "Imag", "Invert", "IsFinite", "IsInf", "IsNan",
    "LeakyRelu", "Lgamma", "Log", "Log1p", "LogicalNot", "Neg", "OnesLike", "Real",
    "Reciprocal", "Relu", "Relu6", "Round", "Rsqrt", "Selu", "Sigmoid", "Sign", "Sin", "Sinh",
    "Softplus", "Softsign", "Sqrt", "Square", "StopGradient", "Tan", "Tanh", "ZerosLike",
    # elementwise, inputs of one shape
    "AddN", "IdentityN", "LeakyReluGrad", "Relu6Grad", "ReluGrad",
    # last axis or last two axes
    "Cholesky", "LogMatrixDeterminant", "LogSoftmax", "MatrixBandPart", "MatrixDiagPartV3",
    "MatrixDiagV3", "MatrixInverse", "MatrixSolve", "SelfAdjointEigV2", "Softmax",
    "SparseSoftmaxCrossEntropyWithLogits", "TopKV2",
)  # fmt: skip
_register(per_example_aligned, "GatherLastAxis", "ScatterLastAxis")
_register(merged, "AvgPool", "AvgPoolGrad", "MaxPool", "MaxPoolGrad", "MaxPoolGradGrad")
_register(_merged_with_shared(1), "Conv2D")
_register(_merged_with_shared(0), "Conv2DBackpropInput")


# -- ops with axes -------------------------------------------------------------------------------


def _with(op, xs, attrs, **changes):
    return op.run(tuple(xs), {**attrs, **changes})


def _reduction(op, xs, batched, attrs, size):
    axes = attrs["axes"]
    return _with(op, xs, attrs, axes=tuple(a + 1 for a in axes))


_register(_reduction, "All", "Any", "Max", "Mean", "Min", "Prod", "ReduceLogSumExp", "Sum")


def _scan(op, xs, batched, attrs, size):
    return _with(op, xs, attrs, axis=attrs["axis"] % _rank(xs[0], True) + 1)


_register(_scan, "Cumprod", "Cumsum")


def _arg_reduce(op, xs, batched, attrs, size):
    return _with(op, xs, attrs, dimension=attrs["dimension"] % _rank(xs[0], True) + 1)


_register(_arg_reduce, "ArgMax", "ArgMin")


def _concat(op, xs, batched, attrs, size):
    xs = _batch_all(xs, batched, size)
    return _with(op, xs, attrs, axis=attrs["axis"] % _rank(xs[0], True) + 1)


def _pack(op, xs, batched, attrs, size):
    xs = _batch_all(xs, batched, size)
    return _with(op, xs, attrs, axis=attrs["axis"] % (_rank(xs[0], True) + 1) + 1)


_register(_concat, "ConcatV2")
_register(_pack, "Pack")
_register(_scan, "Unpack", "SplitV")  # an `axis` attribute over the input's axes


def _reverse(op, xs, batched, attrs, size):
    return _with(op, xs, attrs, axis=tuple(a + 1 for a in attrs["axis"]))


_register(_reverse, "ReverseV2", "Roll")


def _transpose(op, xs, batched, attrs, size):
    return _with(op, xs, attrs, perm=(0,) + tuple(p + 1 for p in attrs["perm"]))


_register(_transpose, "Transpose")


def _reshape_rule(op, xs, batched, attrs, size):
    return _with(op, xs, attrs, shape=(size,) + tuple(attrs["shape"]))


_register(_reshape_rule, "Reshape")


def _broadcast_to(op, xs, batched, attrs, size):
    shape = tuple(attrs["shape"])
    return _with(op, [_lift(xs[0], len(shape))], attrs, shape=(size,) + shape)


_register(_broadcast_to, "BroadcastTo")


def _ensure_shape(op, xs, batched, attrs, size):
    shape = attrs["shape"]
    return _with(op, xs, attrs, shape=None if shape is None else (size,) + tuple(shape))


_register(_ensure_shape, "EnsureShape")


def _tile(op, xs, batched, attrs, size):
    multiples = tuple(attrs["multiples"])
    return _with(op, [_lift(xs[0], len(multiples))], attrs, multiples=(1,) + multiples)


_register(_tile, "Tile")


def _strided_slice(op, xs, batched, attrs, size):
    return _with(op, xs, attrs, key=(slice(None),) + tuple(attrs["key"]))


def _strided_slice_grad(op, xs, batched, attrs, size):
    return _with(
        op,
        xs,
        attrs,
        key=(slice(None),) + tuple(attrs["key"]),
        shape=(size,) + tuple(attrs["shape"]),
    )


_register(_strided_slice, "StridedSlice")
_register(_strided_slice_grad, "StridedSliceGrad")


def _tensor_index(op, xs, batched, attrs, size):
    """Shared indices: the key gets the batch axis. Per-example indices: one indexing per
    example, stacked (TF's pfor converts a strided slice with per-example bounds without
    its while_loop warning, observed on TF 2.21)."""
    if any(batched[1:]):
        rows = []
        for k in range(size):
            row = [_row(x, k) if b else x for x, b in zip(xs, batched)]
            rows.append(op.run(tuple(row), attrs))
        return _pack_op.run(tuple(rows), {"axis": 0})
    changes = {
        "key": (slice(None),) + tuple(attrs["key"]),
        "at": tuple((p + 1, d + 1, shown) for p, d, shown in attrs["at"]),
    }
    if op.type == "TensorIndexGrad":
        changes["shape"] = (size,) + tuple(attrs["shape"])
    return _with(op, xs, attrs, **changes)


def _row(x, k: int):
    return _slice_op.run((x,), {"key": (k,) + (slice(None),) * (len(_shape(x)) - 1)})


_register(_tensor_index, "TensorIndex", "TensorIndexGrad")


def _pad(op, xs, batched, attrs, size):
    if batched[1]:
        raise ConversionNotImplementedError("PadV2 with per-example constant_values")
    return _with(op, xs, attrs, paddings=((0, 0),) + tuple(tuple(p) for p in attrs["paddings"]))


_register(_pad, "PadV2")


def _one_hot(op, xs, batched, attrs, size):
    if batched[1] or batched[2]:
        raise ConversionNotImplementedError("OneHot with per-example on_value or off_value")
    axis = attrs["axis"]
    return _with(op, xs, attrs, axis=axis if axis == -1 else axis + 1)


_register(_one_hot, "OneHot")


def _gather(op, xs, batched, attrs, size):
    params, indices = xs
    axis = attrs["axis"] % _rank(params, batched[0])
    batch_dims = attrs["batch_dims"] % (_rank(indices, batched[1]) + 1)
    if batched[0] and not batched[1] and batch_dims == 0:
        return _with(op, xs, attrs, axis=axis + 1)  # the shared indices pick along axis + 1
    xs = _batch_all(xs, batched, size)
    return _with(op, xs, attrs, axis=axis + 1, batch_dims=batch_dims + 1)


_register(_gather, "GatherV2")


def _gather_grad(op, xs, batched, attrs, size):
    g, indices = xs
    axis, batch_dims = attrs["axis"], attrs["batch_dims"]
    if batched[0] and not batched[1] and batch_dims == 0:
        return _with(op, xs, attrs, axis=axis + 1)
    xs = _batch_all(xs, batched, size)
    return _with(op, xs, attrs, axis=axis + 1, batch_dims=batch_dims + 1)


_register(_gather_grad, "GatherGrad")


def _bias_add(op, xs, batched, attrs, size):
    value, bias = xs
    rank = _rank(value, batched[0])
    channels_first = attrs["data_format"] == "NCHW" and rank > 2
    if not batched[1] and not channels_first:
        return op.run(xs, attrs)
    # value + bias with the bias on the channel axis: one broadcasting add.
    channel = 1 if channels_first else rank - 1
    c = _shape(bias)[-1]
    shape = (1,) * channel + (c,) + (1,) * (rank - channel - 1)
    bias = _reshape(bias, (size,) + shape if batched[1] else shape)
    return _add_op.run((_lift(value, rank) if batched[0] else value, bias), {})


_register(_bias_add, "BiasAdd")


def _einsum(op, xs, batched, attrs, size):
    """A fresh subscript letter for the batch axis, on the batched operands and the output."""
    equation = attrs["equation"].replace(" ", "")
    inputs, _, output = equation.partition("->")
    if not _:
        raise ConversionNotImplementedError("Einsum without an explicit output")
    used = set(equation)
    letters = "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA"
    letter = next(c for c in letters if c not in used)
    terms = [letter + t if b else t for t, b in zip(inputs.split(","), batched)]
    return _with(op, xs, attrs, equation=",".join(terms) + "->" + letter + output)


_register(_einsum, "Einsum")


# -- random ops: a draw per example, not one shared by all --------------------------------------


def _random(op, xs, batched, attrs, size):
    return _with(op, xs, attrs, shape=(size,) + tuple(attrs["shape"]))


_register(_random, "RandomStandardNormal", "RandomUniform", "RandomUniformInt", "TruncatedNormal")


_register(merged, "Multinomial")  # logits [N, classes]: N folds with the batch

# Rules that batch only some inputs: a call with these inputs batched runs per example (with
# the warning), as TF's converters for them do.
PARTIAL = {
    "Conv2D": (1,),  # per-example filters
    "Conv2DBackpropInput": (0,),
    "OneHot": (1, 2),  # per-example on_value / off_value
    "PadV2": (1,),  # per-example constant_values
}

# Ops without a rule: they loop, with TF's warning. TF's pfor cannot convert most of these
# either, so the same functions warn; TF does convert Conv2DBackpropFilter and
# Where, where tapeflow still loops (and warns where TF would not).
NO_RULE = {
    "Conv2DBackpropFilter": "per-example filter gradients: one convolution per example",
    "EuclideanNorm": "TF's pfor has no converter",
    "MatrixDeterminant": "TF's pfor has no converter",
    "MatrixSolveLs": "TF's pfor has no converter",
    "MirrorPad": "TF's pfor has no converter",
    "MirrorPadGrad": "TF's pfor has no converter",
    "Qr": "TF's pfor has no converter",
    "RandomShuffle": "TF's pfor has no converter",
    "ScatterNd": "TF's pfor has no converter",
    "StatelessRandomGetKeyCounter": "a per-example seed: one key and counter per example",
    "StatelessRandomUniformV2": "a per-example key and counter: one draw per example",
    "StatelessRandomNormalV2": "a per-example key and counter: one draw per example",
    "StatelessMultinomial": "a per-example seed: one draw per example",
    "StatelessTruncatedNormalV2": "a per-example key and counter: one draw per example",
    "StatelessRandomUniformIntV2": "a per-example key and counter: one draw per example",
    "StatelessRandomUniformFullIntV2": "a per-example key and counter: one draw per example",
    "Svd": "TF's pfor has no converter",
    "Where": "its output shape depends on the values",
}


# -- matmul: one large product where the batch allows it ---------------------------------------


def _matmul(op, xs, batched, attrs, size):
    """Matrix products of a batch. A batched left matrix times a shared right one folds
    the batch into the rows (one large product, not `size` small ones); two batched
    factors with an inner dimension of 1 (the per-example weight gradient x^T g) are
    outer products, one einsum. Anything else is a batched matmul."""
    a, b = xs
    transpose_a, transpose_b = attrs["transpose_a"], attrs["transpose_b"]
    if _rank(a, batched[0]) != 2 or _rank(b, batched[1]) != 2:
        return broadcasting(op, xs, batched, attrs, size)
    if batched[0] and not batched[1]:
        if transpose_a:
            a = _transpose_op.run((a,), {"perm": (0, 2, 1)})
        _, m, k = _shape(a)
        out = op.run((_reshape(a, (size * m, k)), b), {**attrs, "transpose_a": False})
        return _reshape(out, (size, m, _shape(out)[-1]))
    if batched[0] and batched[1]:
        sa, sb = _shape(a), _shape(b)
        k = sa[1] if transpose_a else sa[2]
        if k == 1:  # a column times a row: each transpose is a reshape here
            m = sa[2] if transpose_a else sa[1]
            n = sb[1] if transpose_b else sb[2]
            column, row = _reshape(a, (size, m)), _reshape(b, (size, n))
            # np.einsum writes outer products faster than a broadcasting multiply (0.55 against
            # 0.65 ms for 256 x 64 x 128, 0.15 against 0.26 ms for 256 x 128 x 10, one run)
            return _einsum_op.run((column, row), {"equation": "bi,bj->bij"})
    return broadcasting(op, xs, batched, attrs, size)


_transpose_op = REGISTRY["Transpose"]
_einsum_op = REGISTRY["Einsum"]
_register(_matmul, "MatMul")


def _numbered(indices, batched: bool, size: int):
    """Batched N-d indices with each example's number in front of its indices, so they
    address the batch axis too."""
    indices = _batch(indices, batched, size)
    shape = _shape(indices)
    rows = np.broadcast_to(
        np.arange(size, dtype=indices._dtype._np).reshape((size,) + (1,) * (len(shape) - 1)),
        shape[:-1] + (1,),
    )
    rows = make(np.ascontiguousarray(rows), indices._dtype)
    return _concat_op.run((rows, indices), {"axis": -1})


def _gather_nd(op, xs, batched, attrs, size):
    """Shared params: batched indices gather as they are; batched params: numbered indices."""
    params, indices = xs
    if not batched[0]:
        return op.run(xs, attrs)
    return op.run((params, _numbered(indices, batched[1], size)), attrs)


def _tensor_scatter_update(op, xs, batched, attrs, size):
    """Every example updates its own slice of the batched tensor: numbered indices."""
    tensor, indices, updates = xs
    indices = _numbered(indices, batched[1], size)
    return op.run(
        (_batch(tensor, batched[0], size), indices, _batch(updates, batched[2], size)), attrs
    )


_concat_op = REGISTRY["ConcatV2"]
_register(_gather_nd, "GatherNd")
_register(_tensor_scatter_update, "TensorScatterUpdate")
_register(_tensor_scatter_update, "TensorScatterMax")
_register(_tensor_scatter_update, "TensorScatterMin")
