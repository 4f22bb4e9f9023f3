"""W9: peak memory of a persistent tape over 1,000 elementwise ops on 100,000 float32.

Same chain as W7 (y*0.9, sin, +x, tanh; 250 cycles) inside GradientTape(persistent=True),
then one gradient. Memory only: peak RSS of the step in a fresh process per library.

The ideal tape keeps only what the backward pass reads. Per cycle: y*0.9 needs nothing
(the constant), sin needs its input, +x needs nothing, tanh needs its output (or input):
2 arrays of 400,000 bytes, so 250 cycles hold 500 arrays = 200,000,000 bytes. Add the result
being built and two gradient buffers during the backward pass: IDEAL_BYTES below. The
hand-written NumPy version keeps exactly this set, so its measured peak validates the
measurement method itself.
"""

from harness import Workload
from workloads import w7_long_chain as w7

N, N_OPS = 100_000, 1_000
ARRAY_BYTES = 4 * N
SAVED_ARRAYS = 2 * (N_OPS // 4)
IDEAL_BYTES = (SAVED_ARRAYS + 3) * ARRAY_BYTES


def make_data(tiny=False):
    return w7.make_data(tiny, n=16 if tiny else N, n_ops=N_OPS)


def _persistent(builder):
    return lambda *a, **k: builder(*a, persistent=True, **k)


WORKLOADS = [
    Workload("W9", "persistent tape, 1000 ops on 100k f32: peak memory", make_data,
             {k: _persistent(b) for k, b in w7.BUILDERS.items()},
             rtol=1e-4, atol=1e-6, timed=False, memory=True,
             na={"tf.function": "compiled graph: no tape", "jax.jit": "compiled: no tape"}),
]
