"""The registry's gradient checks again, with inputs as small-chunk Dask arrays (and as
CuPy arrays, where CuPy and a GPU exist).

For every sample case of every differentiable op (registry_cases.CASES), the perturbable
inputs (and the cotangents and tangents) become Dask arrays in chunks of 2, so every op
crosses chunk boundaries. The op's output, its VJP, its second-order VJP and its JVP must
stay Dask arrays (lazy) and equal what the same calls give on NumPy inputs, which
test_registry_gradients.py checks against central differences. Dask's chunked sums
round differently from NumPy's pairwise ones, hence the float64 tolerance below.

The CuPy parametrisation runs the same checks with CuPy inputs: the results must be CuPy
arrays, and the ops that run whole on Dask must raise TF's UnimplementedError (they need
host arrays). Without CuPy or a GPU it is skipped, saying which is missing.

The completeness tests list the ops that run on Dask as one task on whole arrays (their
forwards need NumPy-only code; they stay lazy but are not chunked), the convolutions and
pools that map their NumPy forwards over the batch's chunks, and every op outside
the gradient matrix, with its reason; the non-differentiable ones among those are run
forward on Dask here.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from registry_cases import CASES, diff_inputs

import tapeflow as tf
from tapeflow._core import backend
from tapeflow._core.registry import REGISTRY, load_all

load_all()  # every op family: this module goes through the whole registry

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")

CHUNK = 2
RTOL, ATOL = 1e-10, 1e-12

# Ops whose forward runs on Dask as one lazy task on whole arrays (backend.whole), because
# it needs NumPy-only code: their Dask inputs are computed whole inside that task.
WHOLE_ARRAY_OPS = {
    "GatherGrad": "a scatter-add (np.add.at)",
    # np.linalg.cholesky dispatched to Dask returns the *upper* factor (NumPy's is lower).
    "Cholesky": "Dask's cholesky is upper-triangular and takes one matrix in square chunks",
    "MatrixSolveLs": "NumPy's lstsq per matrix, written into an output array",
    "GatherLastAxis": "np.take_along_axis",
    "GatherNd": "N-d fancy indexing",
    "GatherV2": "batched gathers (batch_dims > 0) index in several dimensions",
    "LogMatrixDeterminant": "Dask's linalg takes one 2-D matrix in square chunks",
    "MatrixDeterminant": "Dask's linalg takes one 2-D matrix in square chunks",
    "MatrixDiagV3": "index assignment",
    "MatrixInverse": "Dask's linalg takes one 2-D matrix in square chunks",
    "MatrixSolve": "Dask's linalg takes one 2-D matrix in square chunks",
    "MatrixTriangularSolve": "SciPy's triangular solver",
    "MirrorPad": "NumPy's pad with reflection",
    "MirrorPadGrad": "a scatter-add (np.add.at)",
    "Qr": "Dask's qr takes no mode and no batches",
    "ScatterLastAxis": "np.put_along_axis",
    "ScatterNd": "a scatter-add (np.add.at)",
    "SelfAdjointEigV2": "NumPy's eigh (Dask has none)",
    "SparseSoftmaxCrossEntropyWithLogits": "np.take_along_axis",
    "StridedSliceGrad": "Dask's slice assignment is partial",
    "Svd": "Dask's svd takes tall-and-skinny 2-D matrices only",
    "TensorIndexGrad": "Dask's slice assignment is partial (as StridedSliceGrad)",
    "TensorScatterMax": "a scatter (np.maximum.at)",
    "TensorScatterMin": "a scatter (np.minimum.at)",
    "TensorScatterUpdate": "N-d index assignment",
    "TopKV2": "a stable argsort (Dask has none); its values come from GatherLastAxis",
}


def _no_gpu_reason():
    """Why the CuPy parametrisation cannot run here, or None where it can."""
    if importlib.util.find_spec("cupy") is None:
        return "CuPy is not installed (pip install 'tapeflow[cupy]' on a machine with a GPU)"
    import cupy

    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:  # CUDA runtime errors: no driver, no device
        return f"CuPy finds no GPU: {e}"
    return None if count else "CuPy finds no GPU"


_NO_GPU = _no_gpu_reason()
BACKENDS = [
    "dask",
    pytest.param("cupy", marks=pytest.mark.skipif(_NO_GPU is not None, reason=str(_NO_GPU))),
]


# NHWC convolutions and pools: on Dask, the NumPy forward is mapped over the chunks of the
# batch axis (backend.per_example; a gradient with respect to filters sums the chunks').
PER_EXAMPLE_OPS = (
    "AvgPool",
    "AvgPoolGrad",
    "Conv2D",
    "Conv2DBackpropFilter",
    "Conv2DBackpropInput",
    "MaxPool",
    "MaxPoolGrad",
    "MaxPoolGradGrad",
)


def _lazy(array, kind: str = "dask"):
    """`array` as a Dask array in chunks of CHUNK, or as a CuPy array."""
    if kind == "cupy":
        import cupy

        return cupy.asarray(np.asarray(array))
    return da.from_array(np.asarray(array), chunks=CHUNK)


def _inputs(case, kind) -> list:
    """The case's inputs as tensors; for `kind` "dask" or "cupy", every input a gradient
    check perturbs is of that kind (fixed inputs, such as indices and masks, stay NumPy,
    as they would in a program); for None, all are NumPy."""
    diff = diff_inputs(case)
    return [
        tf.constant(_lazy(a, kind) if kind and i in diff else a) for i, a in enumerate(case.inputs)
    ]


def _outs(out) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _arrays(shapes, seed: int, kind) -> list:
    rng = np.random.default_rng(seed)
    return [tf.constant(_lazy(a, kind) if kind else a) for a in map(rng.standard_normal, shapes)]


def _vjp(op, case, xs, diff, us):
    with tf.GradientTape() as tape:
        for i in diff:
            tape.watch(xs[i])
        outs = _outs(op(*xs, **case.attrs))
    grads = tape.gradient(outs, [xs[i] for i in diff], output_gradients=us)
    return outs, grads


def _output_shapes(op, case) -> list:
    return [o.shape.as_list() for o in _outs(op(*_inputs(case, None), **case.attrs))]


def _first_order(op, case, kind):
    """The outputs and the VJP for random cotangents."""
    diff = diff_inputs(case)
    xs = _inputs(case, kind)
    return _vjp(op, case, xs, diff, _arrays(_output_shapes(op, case), 1, kind))


def _second_order(op, case, kind):
    """d/dx <w, d/dx <u, op(x)>> through nested tapes."""
    diff = diff_inputs(case)
    xs = _inputs(case, kind)
    us = _arrays(_output_shapes(op, case), 2, kind)
    ws = _arrays([xs[i].shape.as_list() for i in diff], 3, kind)
    with tf.GradientTape() as outer:
        for i in diff:
            outer.watch(xs[i])
        _, grads = _vjp(op, case, xs, diff, us)
        grads = [tf.zeros_like(xs[i]) if g is None else g for i, g in zip(diff, grads)]
        total = tf.add_n([tf.reduce_sum(g * w) for g, w in zip(grads, ws)])
    return [total], outer.gradient(total, [xs[i] for i in diff])


def _jvp(op, case, kind):
    """The outputs and their JVPs for random tangents (a ForwardAccumulator)."""
    diff = diff_inputs(case)
    xs = _inputs(case, kind)
    tangents = _arrays([xs[i].shape.as_list() for i in diff], 4, kind)
    with tf.autodiff.ForwardAccumulator([xs[i] for i in diff], tangents) as acc:
        outs = _outs(op(*xs, **case.attrs))
    return outs, [acc.jvp(o) for o in outs]


def _same(label: str, what: str, got: list, on_numpy: list, kind: str) -> None:
    assert len(got) == len(on_numpy)
    for k, (t, expected) in enumerate(zip(got, on_numpy)):
        assert (t is None) == (expected is None), f"{label} {what} {k}: None on one side only"
        if t is None:
            continue
        # An empty tensor holds no data (the unused outputs of Svd and SelfAdjointEigV2).
        if expected.shape.num_elements():
            assert backend.backend_of(t._value) == kind, f"{label} {what} {k}: {type(t._value)}"
        assert t.shape == expected.shape and t.dtype == expected.dtype, f"{label} {what} {k}"
        np.testing.assert_allclose(
            t.numpy(), expected.numpy(), rtol=RTOL, atol=ATOL, err_msg=f"{label} {what} {k}"
        )


def _check(kind: str, op, label: str, run) -> None:
    """`run(kind)` gives (outputs, derivatives) of `kind`, equal to `run(None)`'s (NumPy).

    On CuPy, the ops that need NumPy-only code on Dask must instead raise
    UnimplementedError."""
    if kind == "cupy" and (op.type in WHOLE_ARRAY_OPS or op.type in PER_EXAMPLE_OPS):
        with pytest.raises(tf.errors.UnimplementedError, match="needs host"):
            run(kind)
        return
    outs, derivatives = run(kind)
    outs0, derivatives0 = run(None)
    _same(label, "output", outs, outs0, kind)
    _same(label, "derivative", derivatives, derivatives0, kind)


@pytest.fixture(autouse=True)
def _synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


@pytest.mark.parametrize("kind", BACKENDS)
@pytest.mark.parametrize("op, case, label", CASES)
def test_first_order(kind, op, case, label):
    _check(kind, op, label, lambda k: _first_order(op, case, k))


@pytest.mark.parametrize("kind", BACKENDS)
@pytest.mark.parametrize("op, case, label", CASES)
def test_second_order(kind, op, case, label):
    if not diff_inputs(case):
        pytest.skip("no differentiable input")
    _check(kind, op, label, lambda k: _second_order(op, case, k))


@pytest.mark.parametrize("kind", BACKENDS)
@pytest.mark.parametrize("op, case, label", CASES)
def test_jvp(kind, op, case, label):
    if not diff_inputs(case):
        pytest.skip("no differentiable input")
    _check(kind, op, label, lambda k: _jvp(op, case, k))


def _runs_whole(t) -> bool:
    """Whether a Dask result comes from one task on whole arrays (backend.whole)."""
    return t._value.name.startswith("from-value-")


def _runs_per_example(t) -> bool:
    """Whether a Dask result's graph maps a forward over batch chunks (per_example)."""
    return any(k.startswith("call_on_blocks-") for k in t._value.__dask_graph__().layers)


def test_whole_array_ops_are_exactly_the_listed_ones():
    whole = set()
    for param in CASES:
        op, case, _ = param.values
        if any(_runs_whole(o) for o in _outs(op(*_inputs(case, "dask"), **case.attrs))):
            whole.add(op.type)
    for name, (fn, arrays) in FORWARD_CASES.items():
        out = fn(*[tf.constant(_lazy(a)) for a in arrays])
        if backend.is_dask(out._value) and _runs_whole(out):
            whole.add(name)
    assert whole == set(WHOLE_ARRAY_OPS), (
        f"unlisted: {sorted(whole - set(WHOLE_ARRAY_OPS))}, "
        f"listed but chunked: {sorted(set(WHOLE_ARRAY_OPS) - whole)}"
    )


def test_convolutions_and_pools_map_over_the_batch_chunks():
    mapped = set()
    for param in CASES:
        op, case, _ = param.values
        if any(_runs_per_example(o) for o in _outs(op(*_inputs(case, "dask"), **case.attrs))):
            mapped.add(op.type)
    assert mapped == set(PER_EXAMPLE_OPS)
    # Four examples in chunks of two: two tasks, whose filter gradients are summed.
    rng = np.random.default_rng(7)
    x, f = rng.standard_normal((4, 5, 5, 2)), rng.standard_normal((3, 3, 2, 3))
    lazy_x = tf.constant(_lazy(x))
    with tf.GradientTape() as tape:
        tape.watch(lazy_x)
        y = tf.nn.max_pool2d(tf.nn.conv2d(lazy_x, f, 1, "SAME"), 2, 2, "VALID")
    assert y._value.numblocks[0] == 2
    expected = tf.nn.max_pool2d(tf.nn.conv2d(x, f, 1, "SAME"), 2, 2, "VALID")
    np.testing.assert_allclose(y.numpy(), expected.numpy(), rtol=RTOL, atol=ATOL)
    g = tape.gradient(y, lazy_x)
    with tf.GradientTape() as tape:
        x_t = tf.constant(x)
        tape.watch(x_t)
        expected = tf.nn.max_pool2d(tf.nn.conv2d(x_t, f, 1, "SAME"), 2, 2, "VALID")
    np.testing.assert_allclose(g.numpy(), tape.gradient(expected, x_t).numpy(), rtol=RTOL)


def test_most_ops_run_chunked_on_dask():
    """Every op with an array input runs on Dask (the tests above); most of them chunk by
    chunk, the ones in WHOLE_ARRAY_OPS as one task (a guard against that list growing)."""
    with_arrays = set(REGISTRY) - set(NO_ARRAY_INPUT)
    chunked = with_arrays - set(WHOLE_ARRAY_OPS)
    assert len(chunked) / len(with_arrays) >= 0.75, sorted(WHOLE_ARRAY_OPS)


def _r(*shapes, low=-2.0, high=2.0, dtype=np.float64):
    rng = np.random.default_rng(5)
    return [rng.uniform(low, high, s).astype(dtype) for s in shapes]


_INTS = [np.array([[5, -3, 12], [7, 0, -9]]), np.array([[2, 4, -5], [3, 1, 2]])]
_BOOLS = [np.array([[True, False, True], [False, False, True]])] * 2

# Ops outside the gradient matrix, run forward on Dask against NumPy: a function of tensors
# and its NumPy inputs (all become Dask arrays).
FORWARD_CASES = {
    "All": (lambda x: tf.reduce_all(x, axis=1), _BOOLS[:1]),
    "Any": (lambda x: tf.reduce_any(x), _BOOLS[:1]),
    "ArgMax": (lambda x: tf.argmax(x, axis=1), _r((2, 3))),
    "ArgMin": (lambda x: tf.argmin(x, axis=0), _r((2, 3))),
    "BitwiseAnd": (tf.bitwise.bitwise_and, _INTS),
    "BitwiseOr": (tf.bitwise.bitwise_or, _INTS),
    "BitwiseXor": (tf.bitwise.bitwise_xor, _INTS),
    "Ceil": (tf.math.ceil, _r((2, 3))),
    "Equal": (tf.equal, _INTS),
    "Floor": (tf.math.floor, _r((2, 3))),
    "FloorDiv": (tf.math.floordiv, _INTS),
    "Greater": (tf.greater, _r((2, 3), (2, 3))),
    "GreaterEqual": (tf.greater_equal, _r((2, 3), (2, 3))),
    "Invert": (tf.bitwise.invert, _INTS[:1]),
    "IsFinite": (tf.math.is_finite, [np.array([1.0, np.inf, np.nan])]),
    "IsInf": (tf.math.is_inf, [np.array([1.0, np.inf, np.nan])]),
    "IsNan": (tf.math.is_nan, [np.array([1.0, np.inf, np.nan])]),
    "LeftShift": (tf.bitwise.left_shift, [_INTS[0], np.abs(_INTS[1])]),
    "Less": (tf.less, _r((2, 3), (2, 3))),
    "LessEqual": (tf.less_equal, _r((2, 3), (2, 3))),
    "LogicalAnd": (tf.logical_and, _BOOLS),
    "LogicalNot": (tf.logical_not, _BOOLS[:1]),
    "LogicalOr": (tf.logical_or, _BOOLS),
    "NotEqual": (tf.not_equal, _INTS),
    "OneHot": (lambda i: tf.one_hot(i, 4), [np.array([0, 3, 1, 2])]),
    "OnesLike": (tf.ones_like, _r((2, 3))),
    "RightShift": (tf.bitwise.right_shift, [_INTS[0], np.abs(_INTS[1])]),
    "Round": (tf.math.round, _r((2, 3))),
    "StopGradient": (tf.stop_gradient, _r((2, 3))),
    "TopKV2": (lambda x: tf.math.top_k(x, 2).values, _r((2, 5))),
    "TruncateDiv": (tf.truncatediv, _INTS),
    "TruncateMod": (tf.truncatemod, _INTS),
    "Where": (tf.where, _BOOLS[:1]),
    "ZerosLike": (tf.zeros_like, _r((2, 3))),
    "Angle": (tf.math.angle, [_r((3,))[0] + 1j * _r((3,))[0][::-1]]),
    "Complex": (tf.complex, _r((3,), (3,))),
    "ComplexAbs": (tf.abs, [_r((3,))[0] + 1j]),
    "Conj": (tf.math.conj, [_r((3,))[0] + 1j]),
    "Imag": (tf.math.imag, [_r((3,))[0] + 1j]),
    "Real": (tf.math.real, [_r((3,))[0] + 1j]),
    "Cholesky": (tf.linalg.cholesky, [np.eye(3) * 2 + 0.1]),
    "MatrixSolveLs": (lambda a, b: tf.linalg.lstsq(a, b, fast=False), _r((4, 2), (4, 1))),
}
# Ops outside the gradient matrix that take no array to put on Dask: they make new values.
NO_ARRAY_INPUT = {
    name: "random sample: takes a shape and a seed, makes a new NumPy value"
    for name in (
        "Multinomial",
        "RandomShuffle",
        "RandomStandardNormal",
        "RandomUniform",
        "RandomUniformInt",
        "StatelessMultinomial",
        "StatelessRandomGetKeyCounter",
        "StatelessRandomNormalV2",
        "StatelessRandomUniformFullIntV2",
        "StatelessRandomUniformIntV2",
        "StatelessRandomUniformV2",
        "StatelessTruncatedNormalV2",
        "TruncatedNormal",
    )
}


def test_every_op_outside_the_matrix_is_run_forward_or_listed_with_a_reason():
    matrix = {p.values[0].type for p in CASES}
    outside = set(REGISTRY) - matrix
    covered = set(FORWARD_CASES) | set(NO_ARRAY_INPUT)
    assert outside == covered, (
        f"neither run nor listed: {sorted(outside - covered)}; "
        f"listed but in the matrix or gone: {sorted(covered - outside)}"
    )


@pytest.mark.parametrize("name", sorted(FORWARD_CASES))
def test_forward_on_dask(name):
    fn, arrays = FORWARD_CASES[name]
    expected = fn(*[tf.constant(a) for a in arrays])
    got = fn(*[tf.constant(_lazy(a)) for a in arrays])
    if name != "Where":  # its output's shape depends on values: computed, so NumPy
        assert backend.is_dask(got._value), type(got._value)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=RTOL, atol=ATOL)
