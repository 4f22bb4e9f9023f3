"""Output buffers for replays: elementwise steps write into arrays the program owns.

A replayed step that allocates a large array pays for more than its arithmetic: a fresh
multi-megabyte array is a new mapping of untouched pages (glibc serves large requests with
mmap), and filling it costs a page fault per 4 KiB. `plan` assigns such steps buffers that
live with the compiled program and are reused by later steps and later calls, so a
replayed step allocates nothing.

A step gets a buffer when
- its op is in `_KERNELS` (an elementwise forward that is exactly one NumPy ufunc call) on
  floating inputs of the output's dtype, and its output is at least `MIN_BYTES`;
- its output's alias class does not escape the call. Every other op's outputs may be views
  of its inputs (a reshape, an identity, a multiply by a broadcast one), so they join one
  class; a class escapes when one of its slots is returned, or read by a step that is not a
  registered op (a variable assignment, a control-flow construct, a print), which may keep it.
  A returned tensor is therefore never a buffer, and a later call cannot overwrite it.

Buffers are colored by liveness: one is free again after the last step reading any slot of
its class, and one whose class is just the slot read by the step may be that step's output
(NumPy's elementwise loops are exact in place). A buffered step checks its inputs' shapes,
dtypes and C-contiguity against the trace's (where they differ, as after an op with a
data-dependent shape, it runs the forward and returns a fresh array), so results are the
eager ones bit for bit, layout included.

The buffers of a program stay allocated between its calls: its peak of buffered
intermediates (untouched pages until the first replay writes them).
"""

from __future__ import annotations

import numpy as np

from .._core import registry

# The op type of fusion.py's steps (one loop for several elementwise steps).
FUSED_TYPE = "FusedElementwise"

# Outputs smaller than this allocate as before: small requests come from malloc's free
# lists cheaply, and `out=` adds a keyword call to the step.
MIN_BYTES = 1 << 16


def _relu(x, out):
    return np.maximum(x, x.dtype.type(0), out=out)


def _square(x, out):
    return np.multiply(x, x, out=out)


# Op type -> (NumPy call writing into `out`, whether the forward may return a view of an
# input). Each call is the op's forward with `out=` (tests/test_replay_buffers.py compares
# them bit for bit on the registered ops, special values included).
_KERNELS = {
    "Sin": (np.sin, False),
    "Cos": (np.cos, False),
    "Tanh": (np.tanh, False),
    "Exp": (np.exp, False),
    "Expm1": (np.expm1, False),
    "Log": (np.log, False),
    "Log1p": (np.log1p, False),
    "Sqrt": (np.sqrt, False),
    "Neg": (np.negative, False),
    "Square": (_square, False),
    "Relu": (_relu, False),
    "AddV2": (np.add, False),
    "Sub": (np.subtract, False),
    "Maximum": (np.maximum, False),
    "Minimum": (np.minimum, False),
    # multiply() returns its other operand for a large broadcast one (a zero-stride view).
    "Mul": (np.multiply, True),
}


def _broadcast_one(x) -> bool:
    """`x` is what multiply() passes through: a large zero-stride array of ones."""
    return type(x) is np.ndarray and x.size > 4096 and not any(x.strides) and x.flat[0] == 1


def _fresh(result, inputs: tuple):
    """`result`, copied if it shares memory with an input (a buffered step's output never
    aliases anything)."""
    for x in inputs:
        if type(x) is np.ndarray and np.may_share_memory(result, x):
            return result.copy()
    return result


def _specs_match(values: tuple, specs: tuple) -> bool:
    for x, (shape, dtype) in zip(values, specs):
        if type(x) is np.ndarray:
            if x.shape != shape or x.dtype != dtype or not x.flags.c_contiguous:
                return False
        elif not isinstance(x, np.generic) or x.shape != shape or x.dtype != dtype:
            return False
    return True


def kernel(op_type: str, forward, specs: tuple):
    """The buffered step of an op: `kernel(*inputs, out)` -> `out`, or a fresh array where
    the inputs are not as traced (`specs`: (shape, dtype) per input)."""
    call, may_alias = _KERNELS[op_type]
    if len(specs) == 1:
        ((shape, dtype),) = specs

        def unary(x, out):
            if type(x) is np.ndarray and x.shape == shape and x.dtype == dtype:
                if x.flags.c_contiguous:
                    return call(x, out=out)
            return forward(x)  # a fresh array: these forwards never return views

        return unary

    def binary(x, y, out):
        if _specs_match((x, y), specs):
            if not may_alias:
                return call(x, y, out=out)
            if not (_broadcast_one(x) or _broadcast_one(y)):
                return call(x, y, out=out)
        return _fresh(forward(x, y), (x, y))

    return binary


def unaliased(forward):
    """The step of a buffer-capable op whose output escapes (is returned, say): the forward,
    with a view of an input copied, so the output never aliases a buffer."""

    def step(*inputs):
        return _fresh(forward(*inputs), inputs)

    return step


class _Classes:
    """Union-find over slots: the alias classes (slots that may share memory)."""

    def __init__(self):
        self.parent: dict = {}

    def find(self, slot: int) -> int:
        parent = self.parent
        root = slot
        while parent.get(root, root) != root:
            root = parent[root]
        while slot != root:  # path compression, iteratively
            parent[slot], slot = root, parent.get(slot, slot)
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


def _spec(value):
    """(shape, dtype) of a traced value (an array, NumPy scalar or fingerprint), or None."""
    dtype = getattr(value, "dtype", None)
    shape = getattr(value, "shape", None)
    if not isinstance(dtype, np.dtype) or type(shape) is not tuple:
        return None
    return shape, dtype


def contiguous(value) -> bool:
    """A traced value was C-contiguous (an array or a trace's fingerprint of one)."""
    flags = getattr(value, "flags", None)
    if flags is not None:
        return flags.c_contiguous
    return getattr(value, "contiguous", False)


def plan(steps: list, values: list, returned) -> tuple:
    """Buffers for a program: ({step: (kernel, buffer index)}, {step: unaliased forward},
    [(shape, dtype) per buffer]); a fused step's index is a tuple, one per output (None:
    a new array). `values` are the traced values per slot, `returned` the slots returned."""
    ops = registry.REGISTRY
    classes = _Classes()
    candidates: dict = {}  # step -> (input specs, output spec)
    fused: set = set()
    escaping: set = set(returned)
    broadcast: set = set()  # outputs of BroadcastTo: possibly a zero-stride one
    for k, (fn, ins, attrs, out, op_type) in enumerate(steps):
        op = ops.get(op_type)
        outs = _slots(out)
        if op_type == FUSED_TYPE:  # new arrays (or buffers), keeping nothing it reads
            fused.add(k)
            continue
        if op is None or op.forward is not fn or op.stateful:
            escaping.update(ins)  # not an op: it may keep what it reads
            escaping.update(outs)
        elif op_type in _KERNELS and attrs is None and type(out) is int:
            found = _candidate(op_type, ins, out, values, broadcast)
            if found is not None:
                candidates[k] = found
                continue
        if op_type == "BroadcastTo":
            broadcast.update(outs)
        if op_type not in _FRESH:
            for slot in outs:
                for i in ins:
                    classes.union(slot, i)
    escaping_roots = {classes.find(s) for s in escaping}
    last: dict = {}  # class root -> the last step reading (or writing) a slot of it
    sizes: dict = {}  # class root -> number of slots
    for k, (_, ins, _, out, _) in enumerate(steps):
        for slot in (*ins, *_slots(out)):
            last[classes.find(slot)] = k
    for slot in {s for _, ins, _, out, _ in steps for s in (*ins, *_slots(out))}:
        root = classes.find(slot)
        sizes[root] = sizes.get(root, 0) + 1

    buffered: dict = {}
    unaliased_steps: dict = {}
    specs: list = []  # (shape, dtype) per buffer
    owner: dict = {}  # buffered slot -> its buffer
    free: dict = {}  # (shape, dtype) -> free buffers
    release: dict = {}  # step -> buffers free after it
    for k, (fn, ins, _, out, op_type) in enumerate(steps):
        found = candidates.get(k)
        if k in fused:
            indices = []
            for slot in out:
                key = _spec(values[slot])
                if classes.find(slot) in escaping_roots or key is None or not key[0]:
                    indices.append(None)  # a new array every call (or a scalar)
                    continue
                pool = free.setdefault(key, [])
                index = pool.pop() if pool else len(specs)
                if index == len(specs):
                    specs.append(key)
                indices.append(index)
                owner[slot] = index
                release.setdefault(last[classes.find(slot)], []).append(index)
            buffered[k] = (fn, tuple(indices))
        elif found is not None and classes.find(out) in escaping_roots:
            if _KERNELS[op_type][1]:
                unaliased_steps[k] = unaliased(fn)
        elif found is not None:
            in_specs, key = found
            pool = free.setdefault(key, [])
            index = None
            for i in ins:  # in place: a buffered input, alone in its class, dying here
                j = owner.get(i)
                root = classes.find(i)
                if j is not None and specs[j] == key and last[root] == k and sizes[root] == 1:
                    release[k].remove(j)
                    index = j
                    break
            if index is None:
                index = pool.pop() if pool else len(specs)
                if index == len(specs):
                    specs.append(key)
            owner[out] = index
            buffered[k] = (kernel(op_type, fn, in_specs), index)
            release.setdefault(last[classes.find(out)], []).append(index)
        for j in release.pop(k, ()):
            free.setdefault(specs[j], []).append(j)
    return buffered, unaliased_steps, specs


def _candidate(op_type: str, ins: tuple, out: int, values: list, broadcast: set):
    """(input specs, output spec) if the step can write into a buffer, else None."""
    spec = _spec(values[out])
    if spec is None or spec[1].kind != "f" or not spec[0]:
        return None
    shape, dtype = spec
    if dtype.itemsize * int(np.prod(shape)) < MIN_BYTES:
        return None
    in_specs = []
    for i in ins:
        s = _spec(values[i])
        if s is None or s[1] != dtype or not contiguous(values[i]):
            return None  # a zero-stride broadcast, a transposed view: fresh arrays
        in_specs.append(s)
    if op_type == "Mul" and any(i in broadcast for i in ins):
        return None  # multiply() passes the other operand through: the alias is free
    return tuple(in_specs), spec


# Ops whose outputs are always new arrays (np.add.reduce, np.matmul): they do not join
# their inputs' alias class.
_FRESH = frozenset({"Sum", "MatMul"})


def _slots(out) -> tuple:
    return out if type(out) is tuple else (out,)
