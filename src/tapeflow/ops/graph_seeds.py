"""Seeds of the random ops of a function that TF runs as a traced graph (a `tf.data` function).

In TF's graph the global seed is the one set when the function was traced; under it, the k-th
unseeded random op takes op seed k (counted from 0 per graph, not drawn from the eager
sequence), and each op is one kernel whose stream goes on from call to call. `with
seeds.call(): fn(...)` runs one call of such a function; the random ops (`ops.random_ops`)
read `current`. Pure Python and no tensors, so `tf.data` (a client of the public API) shares
it with the random ops.
"""

from __future__ import annotations

current = None  # the FunctionSeeds of the call running now, if any


def global_seed():
    """The global seed now (`tf.random.set_seed`'s); `ops.random_ops` replaces this reader."""
    return None


class FunctionSeeds:
    """The global seed, op-seed counter and kernels of one traced function.

    An op is its position among a call's random ops, so the function's Python control flow
    must run the same random ops on every call (TF's graph has them fixed when traced).
    """

    def __init__(self, traced_global_seed):
        self.global_seed = traced_global_seed  # `global_seed()` when the function was traced
        self.kernels: dict = {}
        self._unseeded = 0
        self._position = 0

    def call(self):
        """A context for one call of the function."""
        return _Call(self)

    def next_op_seed(self) -> int:
        """The op seed of the call's next unseeded op."""
        self._unseeded += 1
        return self._unseeded - 1

    def kernel(self, key: tuple) -> tuple:
        """The key of the call's next random op's kernel (`key` says which op it is)."""
        self._position += 1
        return (self._position - 1, *key)


class _Call:
    def __init__(self, seeds: FunctionSeeds):
        self.seeds = seeds

    def __enter__(self):
        global current
        self.seeds._unseeded = self.seeds._position = 0
        self.outer, current = current, self.seeds

    def __exit__(self, *exc):
        global current
        current = self.outer
