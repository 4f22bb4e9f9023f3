"""Elementwise fusion for `tf.function(jit_compile=True)` replays (Numba optional).

Two passes over a program's large (1 MiB or more) float steps, both exact:
- Loops (with Numba, the `jit` extra): arithmetic steps (add, subtract, multiply,
  negate, square on float32/float64 arrays of one shape, scalar constants compiled in)
  are deferred and run as few Numba loops as the program allows; a loop computes what
  the next other step needs (or the call returns) element by element in registers.
- Regions: consecutive elementwise steps of one shape (those loops, NumPy ufunc steps
  such as sin and exp, and a whole-array sum of their outputs) run chunk by chunk, so
  intermediates stay in L2 and only the region's inputs and the outputs later steps
  read stream through memory, once. Pure steps between runs wait until needed, so runs
  are long: W4 (value and gradient) replays as one region.

Why Numba, and why not for transcendentals (measured on W4's chain, 4M float32, one
thread, this machine):
- W4's gradient arithmetic (8 ops): a Numba loop 2.9 ms, a numexpr expression 17.6 ms,
  NumPy's calls 8-10 ms. Both libraries give NumPy's bits for IEEE arithmetic in the
  arrays' dtype (Numba without fastmath neither reassociates nor contracts to FMA).
- sin: numexpr 20.7 ms, Numba 22.1 ms, NumPy's SIMD loop 2.1 ms; both libraries call libm
  per element, and 14% of W4's forward values differed from NumPy's in the last bit.
  So transcendentals stay NumPy's (in regions, on cache-resident chunks), and a fused
  replay is eager's bit for bit: no ulp caveat.
Numba's cost is its compile time: about 0.2-0.4 s a loop on the first replay of a traced
signature (as XLA's is on the first call), plus ~0.2 s to import it once.

A fused step checks its inputs against the trace (shapes, dtypes, C-contiguity) and
otherwise runs the original forwards whole. Without Numba, regions chunk the NumPy steps
and arithmetic runs as NumPy calls.
"""

from __future__ import annotations

import importlib.util
import math

import numpy as np

from .._core import registry
from . import buffers as _buffers

# What a fused loop may compute: op type -> the expression over its operands' names.
_EXPRESSIONS = {
    "AddV2": "({0} + {1})",
    "Sub": "({0} - {1})",
    "Mul": "({0} * {1})",
    "Neg": "(-{0})",
    "Square": "({0} * {0})",
}
_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
# Smaller outputs are not fused: a loop's compile (0.2-0.4 s) would take thousands of
# calls to pay back at 64 KiB, about a hundred at 16 MiB (W4's 4M float32).
MIN_BYTES = 1 << 20
FUSED_TYPE = _buffers.FUSED_TYPE


def available() -> bool:
    """Numba is installed (found, not imported: a trace that is never replayed, or does
    not fuse, does not pay for importing it)."""
    return importlib.util.find_spec("numba") is not None


class Fused:
    """A fused step: `fused(*inputs, *outs)` -> the outputs (an out of None is allocated).

    `members` are the original steps it replaces (run on a mismatch); `specs` the
    inputs' (shape, dtype) as traced, `out_spec` the outputs'."""

    def __init__(self, members, inputs, outputs, constants, specs, out_spec, source):
        self.members, self.inputs, self.outputs = members, inputs, outputs
        self.constants = constants  # slot -> the scalar constants compiled into the loop
        self.specs, self.out_spec = specs, out_spec
        self.source = source  # the loop's Python, compiled by Numba on first use
        self.loop = None

    def __call__(self, *args):
        n = len(self.inputs)
        ins, outs = args[:n], args[n:]
        shape, dtype = self.out_spec
        for x, (s, d) in zip(ins, self.specs):
            if type(x) is not np.ndarray or x.shape != s or x.dtype != d:
                return self._unfused(ins)
            if not x.flags.c_contiguous:
                return self._unfused(ins)
        loop = self.loop
        if loop is None:
            loop = self._compile()
            if loop is False:
                return self._unfused(ins)
        outs = [np.empty(shape, dtype) if o is None else o for o in outs]
        loop(*[x.reshape(-1) for x in ins], *[o.reshape(-1) for o in outs])
        return tuple(outs)

    def _compile(self):
        """The Numba loop (False, run unfused, if Numba rejects it)."""
        import numba

        namespace = {f"c{n}": value for n, value in enumerate(self.constants.values())}
        exec(compile(self.source, "<tapeflow fused loop>", "exec"), namespace)
        array = numba.from_dtype(self.out_spec[1])[::1]
        n = len(self.inputs) + len(self.outputs)
        try:
            self.loop = numba.njit((array,) * n, nogil=True)(namespace["loop"])
        except numba.core.errors.NumbaError:
            self.loop = False
        return self.loop

    def _unfused(self, ins: tuple) -> tuple:
        """The member steps' own forwards, outputs never aliasing an input."""
        values = dict(self.constants)
        values.update(zip(self.inputs, ins))
        for fn, step_ins, _, out, _ in self.members:
            values[out] = fn(*[values[i] for i in step_ins])
        return tuple(_buffers._fresh(values[o], ins) for o in self.outputs)


def fuse(steps: list, values: list, returned, assigned: set) -> list | None:
    """The program with its arithmetic in `Fused` loops (with Numba) and its elementwise
    runs in `Region`s, or None where nothing changes. `assigned`: the slots the program
    writes (the others are constants)."""
    looped = _loops(steps, values, returned, assigned) if available() else None
    chunked = _chunked(looped or steps, values, returned, assigned)
    return chunked or looped


def _loops(steps: list, values: list, returned, assigned: set) -> list | None:
    """The program with its fusable steps grouped into `Fused` steps, or None."""
    ops = registry.REGISTRY
    fusable: dict = {}  # step -> (shape, dtype) of its output
    broadcast: set = set()
    for k, (fn, ins, attrs, out, op_type) in enumerate(steps):
        op = ops.get(op_type)
        if op is None or op.forward is not fn:
            continue
        if op_type == "BroadcastTo":
            broadcast.update(_slots(out))
        elif op_type in _EXPRESSIONS and attrs is None and type(out) is int:
            spec = _spec(values, out)
            if spec is not None and all(_operand(values, i, spec, assigned) for i in ins):
                if not (op_type == "Mul" and any(i in broadcast for i in ins)):
                    fusable[k] = spec
    if len(fusable) < 2:
        return None
    producer = {out: k for k, (_, _, _, out, _) in enumerate(steps) if k in fusable}
    consumers: dict = {}
    for k, (_, ins, _, _, _) in enumerate(steps):
        for i in ins:
            consumers.setdefault(i, set()).add(k)
    pending: set = set()  # fusable outputs not computed yet
    result: list = []
    fused_any = False

    def flush(needed: list) -> None:
        nonlocal fused_any
        group = _closure(needed, pending, producer, steps)
        inside = {steps[k][3] for k in group}
        outputs = []
        for k in group:
            out = steps[k][3]
            used_outside = out in returned or any(c not in group for c in consumers.get(out, ()))
            if out in needed or (used_outside and not _cheap(k, steps, pending)):
                outputs.append(out)
        for out in outputs:
            pending.discard(out)
        members = [steps[k] for k in group]
        fused_any = fused_any or len(group) > 1
        result.append(_fused_step(members, inside, outputs, values, fusable[group[0]]))

    for k, step in enumerate(steps):
        if k in fusable:
            pending.add(step[3])
            continue
        needed = [i for i in step[1] if i in pending]
        if needed:
            flush(needed)
        result.append(step)
    final = [s for s in dict.fromkeys(returned) if s in pending]
    if final:
        flush(final)
    return result if fused_any else None


def _closure(needed: list, pending: set, producer: dict, steps: list) -> list:
    """The pending steps computing `needed`, in program order."""
    group, stack = set(), list(needed)
    while stack:
        slot = stack.pop()
        k = producer[slot]
        if k not in group:
            group.add(k)
            stack.extend(i for i in steps[k][1] if i in pending)
    return sorted(group)


def _cheap(k: int, steps: list, pending: set) -> bool:
    """A step of computed inputs only: recomputed where needed again, not stored."""
    return not any(i in pending for i in steps[k][1])


def _spec(values: list, slot: int):
    value = values[slot]
    dtype, shape = getattr(value, "dtype", None), getattr(value, "shape", None)
    if dtype not in _DTYPES or type(shape) is not tuple or not shape:
        return None
    if dtype.itemsize * int(np.prod(shape)) < max(MIN_BYTES, _buffers.MIN_BYTES):
        return None
    return shape, dtype


def _operand(values: list, slot: int, spec, assigned: set) -> bool:
    """An operand a loop takes: an array of the output's shape and dtype, or a NumPy
    scalar constant of its dtype (compiled into the loop)."""
    value = values[slot]
    if isinstance(value, np.generic):
        return slot not in assigned and value.dtype == spec[1]
    if getattr(value, "shape", None) != spec[0] or getattr(value, "dtype", None) != spec[1]:
        return False
    return _buffers.contiguous(value)  # else the loop would never run (see Fused)


def _fused_step(members: list, inside: set, outputs: list, values: list, spec):
    """The `Fused` step computing `outputs` from `members` (steps of one output spec)."""
    inputs: list = []
    constants: dict = {}
    for _, ins, _, _, _ in members:
        for i in ins:
            if i in inside or i in inputs or i in constants:
                continue
            if isinstance(values[i], np.generic):
                constants[i] = values[i]
            else:
                inputs.append(i)
    names = {slot: f"a{n}[i]" for n, slot in enumerate(inputs)}
    names.update({slot: f"c{n}" for n, slot in enumerate(constants)})
    body = []
    for _, ins, _, out, op_type in members:
        body.append(f"        t{out} = {_EXPRESSIONS[op_type].format(*[names[i] for i in ins])}")
        names[out] = f"t{out}"
    body += [f"        o{n}[i] = t{slot}" for n, slot in enumerate(outputs)]
    params = [f"a{n}" for n in range(len(inputs))] + [f"o{n}" for n in range(len(outputs))]
    source = (
        f"def loop({', '.join(params)}):\n"
        f"    for i in range(o0.shape[0]):\n" + "\n".join(body) + "\n"
    )
    specs = tuple((values[i].shape, values[i].dtype) for i in inputs)
    fused = Fused(members, tuple(inputs), tuple(outputs), constants, specs, spec, source)
    return (fused, tuple(inputs), None, tuple(outputs), FUSED_TYPE)


# -- chunked regions ------------------------------------------------------------------------

# Elements per chunk of a region: 128 KiB per array, so a region's arrays stay in L2.
CHUNK_BYTES = 1 << 17


class Region:
    """Consecutive elementwise steps of one output shape run chunk by chunk.

    Each chunk's intermediates live in small scratch arrays, so only the region's inputs
    and the outputs later steps read are streamed through memory, once. Every member is
    elementwise (a ufunc with `out=`, a `Fused` loop), so chunking changes no bit. A
    whole-array sum of a member's output is a member too: the chunks are the leaves of
    NumPy's pairwise summation tree, whose sums combine as NumPy's would (checked against
    `np.add.reduce` on the first call; where it differs the region runs whole).
    `region(*inputs, *outs)` -> the outputs, as `Fused` is called.
    """

    def __init__(self, members, inputs, outputs, internal, specs, out_spec, aliases):
        self.members = members  # (kind, call, step, input slots): "ufunc", "loop" or "sum"
        self.inputs, self.outputs, self.internal = inputs, outputs, internal
        self.constants: dict = {}  # slot -> a scalar constant a member reads
        self.specs, self.out_spec = specs, out_spec
        self.aliases = aliases  # slot -> (slot it reads, the broadcast one's shape)
        self.sums = tuple(m[2][3] for m in members if m[0] == "sum")  # their output slots
        self.run = None  # the generated chunk loop, on first use

    def __call__(self, *args):
        n = len(self.inputs)
        ins, outs = args[:n], args[n:]
        for x, (s, d) in zip(ins, self.specs):
            if type(x) is not np.ndarray or x.shape != s or x.dtype != d:
                return self._unchunked(ins)
            if not x.flags.c_contiguous:
                return self._unchunked(ins)
        run = self.run
        if run is None:
            run = self.run = self._generate()
        if run is False:
            return self._unchunked(ins)
        shape, dtype = self.out_spec
        outs = [
            None if slot in self.sums else np.empty(shape, dtype) if o is None else o
            for slot, o in zip(self.outputs, outs)
        ]
        sums = run(*[x.reshape(-1) for x in ins], *[o.reshape(-1) for o in outs if o is not None])
        if self.sums:
            totals = dict(zip(self.sums, sums))
            outs = [totals[slot] if slot in totals else o for slot, o in zip(self.outputs, outs)]
        return tuple(outs)

    def _generate(self):
        """The chunk loop as Python over flat arrays (False if a member's loop fails or
        a sum would not be NumPy's). Scratch arrays are the region's own: it runs only in
        a buffered replay, which one call at a time has (trace.py)."""
        shape, dtype = self.out_spec
        size = int(np.prod(shape))
        tree = _pairwise_tree(size, max(1, CHUNK_BYTES // dtype.itemsize))
        bounds = _leaves(tree, 0, [])
        if self.sums and not _sums_like_numpy(tree, bounds, shape, dtype):
            return False
        namespace: dict = {"bounds": bounds, "add_reduce": np.add.reduce}
        widest = max(hi - lo for lo, hi in bounds)
        arrays = [s for s in (*self.inputs, *self.outputs) if s not in self.sums]
        names = {slot: f"v{slot}" for slot in (*arrays, *self.internal)}
        lines = [f"    p{n} = []" for n in range(len(self.sums))]
        lines.append("    for lo, hi in bounds:")
        lines += [f"        v{slot} = a{slot}[lo:hi]" for slot in arrays]
        for slot in self.internal:
            namespace[f"s{slot}"] = np.empty(widest, dtype)
            lines.append(f"        v{slot} = s{slot}[:hi - lo]")
        for k, (kind, call, step, ins) in enumerate(self.members):
            args = []
            for j, i in enumerate(ins):
                source = self.aliases[i][0] if i in self.aliases else i
                if source in self.constants:
                    args.append(f"c{k}_{j}")
                    namespace[f"c{k}_{j}"] = self.constants[source]
                else:
                    args.append(names[source])
            if kind == "sum":
                lines.append(f"        p{self.sums.index(step[3])}.append(add_reduce({args[0]}))")
                continue
            outs = [names[o] for o in _slots(step[3])]
            if kind == "ufunc":
                namespace[f"u{k}"] = call
                lines.append(f"        u{k}({', '.join(args)}, out={outs[0]})")
            else:
                loop = call.loop if call.loop is not None else call._compile()
                if loop is False:
                    return False
                namespace[f"u{k}"] = loop
                lines.append(f"        u{k}({', '.join(args + outs)})")
        namespace["combine"] = lambda partials: _combine(tree, iter(partials))
        lines.append(f"    return ({''.join(f'combine(p{n}), ' for n in range(len(self.sums)))})")
        params = [f"a{slot}" for slot in arrays]
        source = f"def run({', '.join(params)}):\n" + "\n".join(lines) + "\n"
        exec(compile(source, "<tapeflow chunked region>", "exec"), namespace)
        return namespace["run"]

    def _unchunked(self, ins: tuple) -> tuple:
        """The member steps on whole arrays, with their own forwards."""
        values = dict(self.constants)
        values.update(zip(self.inputs, ins))

        def get(slot):
            if slot in self.aliases:  # multiply() by the static one, as it would
                source, shape = self.aliases[slot]
                return _times_one(values[source], shape)
            return values[slot]

        for kind, _, step, step_ins in self.members:
            fn, _, attrs, out, _ = step
            args = [get(i) for i in step_ins]
            if kind == "loop":
                values.update(zip(out, fn(*args, *[None] * len(out))))
            else:
                values[out] = fn(*args, **attrs) if attrs else fn(*args)
        return tuple(_buffers._fresh(values[o], ins) for o in self.outputs)


def _pairwise_tree(n: int, limit: int):
    """NumPy's pairwise summation of n contiguous elements (numpy/_core/src/umath/
    loops_utils.h: blocks of at most 128 summed directly, else split at half rounded down
    to a multiple of 8) down to subtrees of at most `limit` elements: an int (a leaf's
    size) or a (left, right) pair."""
    if n <= max(limit, 128):
        return n
    half = n // 2
    half -= half % 8
    return (_pairwise_tree(half, limit), _pairwise_tree(n - half, limit))


def _leaves(tree, start: int, out: list) -> list:
    """The (lo, hi) element ranges of the tree's leaves, in order."""
    if type(tree) is int:
        out.append((start, start + tree))
        return out
    _leaves(tree[0], start, out)
    return _leaves(tree[1], out[-1][1], out)


def _combine(tree, partials):
    """The leaves' sums (NumPy scalars, in order) added as the tree adds them."""
    if type(tree) is int:
        return next(partials)
    left = _combine(tree[0], partials)
    return left + _combine(tree[1], partials)


def _sums_like_numpy(tree, bounds: list, shape: tuple, dtype) -> bool:
    """This NumPy's whole-array sum of `shape` is the tree's, bit for bit, on a probe."""
    probe = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    probe *= np.float64(10.0) ** np.random.default_rng(1).integers(-6, 6, shape)
    flat = probe.reshape(-1)
    whole = np.add.reduce(probe, axis=tuple(range(len(shape))), dtype=dtype)
    chunked = _combine(tree, iter([np.add.reduce(flat[lo:hi]) for lo, hi in bounds]))
    return type(whole) is type(chunked) and whole.tobytes() == chunked.tobytes()


def _times_one(x, shape):
    """What multiply() gives for `x` times a zero-stride one of `shape`."""
    if x.shape == shape:
        return x
    return np.broadcast_to(x, np.broadcast_shapes(x.shape, shape))


def _static_ones(steps: list, values: list, assigned: set) -> dict:
    """Slots that are BroadcastTo outputs of a constant 1 too large to fill (zero-stride
    views, which multiply() passes through): slot -> shape."""
    ones = {}
    for fn, ins, attrs, out, op_type in steps:
        op = registry.REGISTRY.get(op_type)
        if op_type != "BroadcastTo" or op is None or op.forward is not fn or type(out) is not int:
            continue
        (source,) = ins
        value = values[source]
        shape = tuple(attrs["shape"]) if attrs else None
        if source in assigned or shape is None or math.prod(shape) <= 4096:
            continue
        if isinstance(value, (np.generic, np.ndarray)) and np.ndim(value) == 0 and value == 1:
            ones[out] = shape
    return ones


def _chunked(steps: list, values: list, returned, assigned: set) -> list | None:
    """The program with runs of elementwise steps of one shape as `Region` steps."""
    ops = registry.REGISTRY
    ones = _static_ones(steps, values, assigned)
    aliases: dict = {}  # a multiply by a static one: its output -> (the other operand, shape)
    chunkable: dict = {}  # step -> output spec
    for k, (fn, ins, attrs, out, op_type) in enumerate(steps):
        if op_type == FUSED_TYPE and type(fn) is Fused:
            chunkable[k] = fn.out_spec
            continue
        op = ops.get(op_type)
        if op is None or op.forward is not fn or type(out) is not int:
            continue
        if op_type == "Sum":
            spec = _spec(values, ins[0])
            if spec is not None and _buffers.contiguous(values[ins[0]]):
                if attrs == {"axes": tuple(range(len(spec[0]))), "keepdims": False}:
                    chunkable[k] = spec  # a whole-array sum: its input's shape
            continue
        if attrs is not None:
            continue
        if op_type == "Mul" and len(ins) == 2:
            x, y = ins
            if x in ones or y in ones:
                other, one = (y, x) if x in ones else (x, y)
                spec = _buffers._spec(values[other])
                if spec is not None and spec[0] == ones[one]:
                    aliases[out] = (other, ones[one])
                continue
        spec = _spec(values, out) if op_type in _buffers._KERNELS else None
        if spec is None or op_type == "Mul" and any(i in ones for i in ins):
            continue
        if all(_operand(values, i, spec, assigned) for i in ins):
            chunkable[k] = spec
    if not chunkable:
        return None

    def reads(k, step) -> list:
        if k in chunkable:  # inside a region a static one's product is its other operand
            return [aliases[i][0] if i in aliases else i for i in step[1]]
        return list(step[1])

    # Pure steps between elementwise runs wait until something needs them.
    deferred: list = []
    ordered: list = []

    def pure(step) -> bool:
        op = ops.get(step[4])
        return op is not None and op.forward is step[0] and not op.stateful

    waiting: set = set()  # the deferred steps' outputs
    for k, step in enumerate(steps):
        if k not in chunkable and pure(step):  # after other deferred steps, in order
            deferred.append((k, step))
            waiting.update(_slots(step[3]))
            continue
        if k in chunkable:
            needs = any((aliases[i][0] if i in aliases else i) in waiting for i in step[1])
        else:  # a step with effects (or state) keeps its place after every pure step
            needs = True
        if deferred and needs:
            ordered.extend(deferred)
            deferred, waiting = [], set()
        ordered.append((k, step))
    ordered.extend(deferred)
    ordered = _dead_code(ordered, returned, lambda pair: reads(*pair), lambda pair: pair[1])

    result: list = []
    run: list = []

    def close(later: set) -> None:
        if all(step[4] == "Sum" for _, step in run):  # nothing to chunk but a sum
            result.extend(step for _, step in run)
        else:
            result.append(_region(run, later, values, returned, aliases, chunkable[run[0][0]]))

    for position, (k, step) in enumerate(ordered):
        spec = chunkable.get(k)
        if run and spec != chunkable[run[0][0]]:
            close({i for j, after in ordered[position:] for i in reads(j, after)})
            run = []
        if spec is None:
            result.append(step)
        else:
            run.append((k, step))
    if run:
        close(set())
    return _dead_code(result, returned)


def _region(run: list, read_after: set, values: list, returned, aliases: dict, spec):
    """The Region step for `run` ((index, step) pairs of elementwise steps of output
    `spec`, and sums of such outputs) given the slots later steps read."""
    produced: list = []
    inputs: list = []
    constants: dict = {}
    members = []
    for _, step in run:
        fn, ins, _, out, op_type = step
        for i in ins:
            source = aliases[i][0] if i in aliases else i
            if source in produced or source in inputs or source in constants:
                continue
            if isinstance(values[source], np.generic):
                constants[source] = values[source]
            else:
                inputs.append(source)
        kind = "loop" if op_type == FUSED_TYPE else "sum" if op_type == "Sum" else "ufunc"
        call = _buffers._KERNELS[op_type][0] if kind == "ufunc" else fn
        members.append((kind, call, step, tuple(ins)))
        produced.extend(_slots(out))
    outputs = [s for s in produced if s in read_after or s in returned]
    internal = [s for s in produced if s not in outputs]
    specs = tuple(_buffers._spec(values[i]) for i in inputs)
    read = {i for m in members for i in m[3]}
    used = {a: v for a, v in aliases.items() if a in read}
    region = Region(members, tuple(inputs), tuple(outputs), tuple(internal), specs, spec, used)
    region.constants = constants
    return (region, tuple(inputs), None, tuple(outputs), FUSED_TYPE)


def _dead_code(items: list, returned, reads=lambda step: step[1], step_of=lambda s: s):
    """`items` without pure op steps whose outputs nothing reads (`reads(item)`: the slots
    an item reads, `step_of(item)`: its step)."""
    ops = registry.REGISTRY
    needed = set(returned)
    kept = []
    for item in reversed(items):
        fn, _, _, out, op_type = step_of(item)
        op = ops.get(op_type)
        if op is not None and op.forward is fn and not op.stateful:
            if not any(o in needed for o in _slots(out)):
                continue
        needed.update(reads(item))
        kept.append(item)
    kept.reverse()
    return kept


def _slots(out) -> tuple:
    return out if type(out) is tuple else (out,)
