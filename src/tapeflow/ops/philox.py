"""TF's Philox4x32-10 counter-based generator in NumPy, bit for bit.

TF's random kernels (`tf.random.stateless_*`, the tf.data shuffle iterator) draw from
Philox4x32 with 10 rounds (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"):
a 128-bit counter and a 64-bit key give four 32-bit words per block. NumPy's own
`np.random.Philox` is the same function but is read through NumPy's distributions, so its
values are not TF's; this module exposes the raw words TF's kernels consume.

Everything is vectorised over blocks: one call makes all the words an op needs.
"""

from __future__ import annotations

import numpy as np

_M0 = np.uint64(0xD2511F53)
_M1 = np.uint64(0xCD9E8D57)
_W0 = np.uint64(0x9E3779B9)
_W1 = np.uint64(0xBB67AE85)
_LO = np.uint64(0xFFFFFFFF)
_32 = np.uint64(32)
_M32 = 0xFFFFFFFF
# The fixed key TF's stateless ops scramble a user seed with (GetKeyCounterFromSeed).
_SEED_KEY = (0x3EC8F720, 0x02461E29)


def blocks(counters: np.ndarray, key) -> np.ndarray:
    """Philox4x32-10 of `counters` ((n, 4) uint32 words, low word first) under `key`
    (two uint32 words): an (n, 4) uint32 array."""
    c0, c1, c2, c3 = (counters[:, i].astype(np.uint64) for i in range(4))
    k0, k1 = np.uint64(key[0]), np.uint64(key[1])
    for _ in range(10):
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = (p1 >> _32) ^ c1 ^ k0, p1 & _LO, (p0 >> _32) ^ c3 ^ k1, p0 & _LO
        k0 = (k0 + _W0) & _LO
        k1 = (k1 + _W1) & _LO
    return np.stack([c0, c1, c2, c3], axis=1).astype(np.uint32)


def _counters(start: int, n: int) -> np.ndarray:
    """n consecutive 128-bit counters from `start`, as (n, 4) uint32 words."""
    values = [(start + i) & ((1 << 128) - 1) for i in range(n)] if n < 8 else None
    if values is not None:
        return np.array([[(v >> (32 * w)) & _M32 for w in range(4)] for v in values], np.uint32)
    # Many blocks: the low 64 bits advance, carrying into the high 64 bits.
    lo = start & ((1 << 64) - 1)
    hi = start >> 64
    steps = np.arange(n, dtype=np.uint64)
    low = np.uint64(lo) + steps
    carry = (low < np.uint64(lo)).astype(np.uint64)  # wrapped past 2**64
    high = (np.uint64(hi & ((1 << 64) - 1)) + carry) & np.uint64((1 << 64) - 1)
    out = np.empty((n, 4), np.uint32)
    out[:, 0] = (low & _LO).astype(np.uint32)
    out[:, 1] = (low >> _32).astype(np.uint32)
    out[:, 2] = (high & _LO).astype(np.uint32)
    out[:, 3] = (high >> _32).astype(np.uint32)
    return out


def _as_int(words) -> int:
    return sum(int(w) << (32 * i) for i, w in enumerate(words))


def stateless_key_counter(seed) -> tuple:
    """TF's key and starting counter for a stateless op's seed pair (GetKeyCounterFromSeed)."""
    s0, s1 = (int(v) & ((1 << 64) - 1) for v in seed)
    words = np.array([[s0 & _M32, s0 >> 32, s1 & _M32, s1 >> 32]], np.uint32)
    mix = blocks(words, _SEED_KEY)[0]
    return (int(mix[0]), int(mix[1])), (0, 0, int(mix[2]), int(mix[3]))


def stateless_words(n: int, seed) -> np.ndarray:
    """The first `n` uint32 words a stateless op with `seed` consumes."""
    key, counter = stateless_key_counter(seed)
    return blocks(_counters(_as_int(counter), (n + 3) // 4), key).ravel()[:n]


def uniform_float32(words: np.ndarray) -> np.ndarray:
    """TF's float in [0, 1) from a 32-bit word: 23 mantissa bits under exponent 0, minus 1."""
    return ((words & np.uint32(0x7FFFFF)) | np.uint32(0x3F800000)).view(np.float32) - np.float32(1)


def uniform_float16(words: np.ndarray) -> np.ndarray:
    """TF's half in [0, 1) (Uint16ToHalf): the word's low 10 bits under exponent 0, minus 1."""
    bits = ((words & np.uint32(0x3FF)) | np.uint32(15 << 10)).astype(np.uint16)
    return bits.view(np.float16) - np.float16(1)


def uniform_float64(high: np.ndarray, low: np.ndarray) -> np.ndarray:
    """TF's double in [0, 1) (Uint64ToDouble) from two words: 20 mantissa bits of `high`,
    all 32 of `low`."""
    mantissa = ((high & np.uint32(0xFFFFF)).astype(np.uint64) << _32) | low.astype(np.uint64)
    return (mantissa | np.uint64(1023 << 52)).view(np.float64) - 1.0


# -- TF's distributions over a Philox stream ---------------------------------------------------
#
# A TF random kernel fills its output group by group; a group is one Philox block (4 words),
# so a float32 uniform makes 4 values per block, a float64 (2 words each) makes 2. The
# truncated normal reads a variable number of words per group, so TF gives group g its own
# stream starting `g * 256 * group / 4` blocks in (kReservedSamplesPerOutput = 256).

_TWO_PI = 2.0 * np.pi
_BLOCKS_PER_OUTPUT = 256  # TF's kReservedSamplesPerOutput, also its stateful ops' skip


def stream(key, counter: int, n_blocks: int) -> np.ndarray:
    """`n_blocks` Philox blocks of the stream at 128-bit `counter` under `key`: (n, 4) words."""
    if n_blocks == 0:
        return np.empty((0, 4), np.uint32)
    return blocks(_counters(counter, n_blocks), key)


def _box_muller_float32(x0: np.ndarray, x1: np.ndarray):
    """TF's BoxMullerFloat: two float32 normals from two words (Eigen's float32 log and
    sin/cos differ from NumPy's by up to an ulp, so these are TF's values to ~1 ulp)."""
    u1 = np.maximum(uniform_float32(x0), np.float32(1.0e-7))
    v1 = (_TWO_PI * uniform_float32(x1).astype(np.float64)).astype(np.float32)
    radius = np.sqrt(np.float32(-2.0) * np.log(u1))
    return np.sin(v1) * radius, np.cos(v1) * radius


def _box_muller_float64(x0, x1, x2, x3):
    """TF's BoxMullerDouble: two doubles from four words."""
    u1 = np.maximum(uniform_float64(x0, x1), 1.0e-34)
    v1 = _TWO_PI * uniform_float64(x2, x3)
    radius = np.sqrt(-2.0 * np.log(u1))
    return np.sin(v1) * radius, np.cos(v1) * radius


def _per_block(dtype) -> int:
    return 2 if np.dtype(dtype).itemsize == 8 else 4


def uniform(key, counter: int, n: int, dtype) -> np.ndarray:
    """TF's UniformDistribution for floats: `n` values in [0, 1) of `dtype` (a NumPy float)."""
    dtype = np.dtype(dtype)
    words = stream(key, counter, -(-n // _per_block(dtype)))
    if dtype == np.float64:
        pairs = words.reshape(-1, 2)[:n]
        return uniform_float64(pairs[:, 0], pairs[:, 1])
    words = words.ravel()[:n]
    return uniform_float16(words) if dtype == np.float16 else uniform_float32(words)


def uniform_int(key, counter: int, n: int, dtype, low=None, high=None) -> np.ndarray:
    """TF's integer UniformDistribution: `low + bits % (high - low)` of 32 (int32) or 64
    (int64: low word first) random bits; with no bounds, the full range
    (UniformFullIntDistribution). As in TF, the values are slightly biased unless the range
    is a power of two."""
    dtype = np.dtype(dtype)
    words = stream(key, counter, -(-n // _per_block(dtype)))
    if dtype.itemsize == 8:
        pairs = words.reshape(-1, 2)[:n].astype(np.uint64)
        bits = pairs[:, 0] | (pairs[:, 1] << _32)
        unsigned = np.uint64
    else:
        bits = words.ravel()[:n]
        unsigned = np.uint32
    if low is None:
        return bits.view(dtype)
    span = unsigned((int(high) - int(low)) & ((1 << (8 * dtype.itemsize)) - 1))
    # lo + (bits % range) wraps in the unsigned type, as TF's C++ does.
    return (unsigned(int(low) & ((1 << (8 * dtype.itemsize)) - 1)) + bits % span).view(dtype)


def normal(key, counter: int, n: int, dtype) -> np.ndarray:
    """TF's NormalDistribution (Box-Muller; half is computed in float32 and rounded)."""
    dtype = np.dtype(dtype)
    words = stream(key, counter, -(-n // _per_block(dtype)))
    if dtype == np.float64:
        first, second = _box_muller_float64(*(words[:, i] for i in range(4)))
    else:
        pairs = words.reshape(-1, 2)
        first, second = _box_muller_float32(pairs[:, 0], pairs[:, 1])
    return np.stack([first, second], axis=1).ravel()[:n].astype(dtype)


def truncated_normal(key, counter: int, n: int, dtype) -> np.ndarray:
    """TF's TruncatedNormalDistribution: per output group, Box-Muller normals read in order,
    the first `group` with |z| < 2 kept (group 4, or 2 for float64)."""
    dtype = np.dtype(dtype)
    wide = dtype == np.float64
    group = 2 if wide else 4
    n_groups = -(-n // group)
    skip = group * _BLOCKS_PER_OUTPUT // 4
    out = np.empty((n_groups, group), np.float64 if wide else np.float32)
    todo = np.arange(n_groups, dtype=np.uint64)
    depth = 2  # blocks read per group: enough for almost every group at once
    while todo.size:
        words = _group_words(key, counter, todo, skip, depth).reshape(todo.size, depth, 4)
        if wide:
            first, second = _box_muller_float64(*(words[..., i] for i in range(4)))
        else:
            first, second = _box_muller_float32(words[..., 0::2], words[..., 1::2])
            first, second = first.reshape(todo.size, -1), second.reshape(todo.size, -1)
        candidates = np.stack([first, second], axis=-1).reshape(todo.size, -1)
        accepted = np.abs(candidates) < 2.0
        done = accepted.sum(axis=1) >= group
        rank = np.cumsum(accepted, axis=1)
        rows, cols = np.nonzero(accepted[done] & (rank[done] <= group))
        out[todo[done]] = candidates[done][rows, cols].reshape(-1, group)
        todo = todo[~done]
        depth *= 4
    return out.ravel()[:n].astype(dtype)


def _group_words(key, counter: int, groups: np.ndarray, skip: int, depth: int) -> np.ndarray:
    """The first `depth` blocks of each group's stream, (len(groups) * depth, 4) words."""
    offsets = (groups[:, None] * np.uint64(skip) + np.arange(depth, dtype=np.uint64)).ravel()
    base = _counters(counter, 1)[0]
    lo = np.uint64(int(base[0]) | (int(base[1]) << 32))
    hi = np.uint64(int(base[2]) | (int(base[3]) << 32))
    low = lo + offsets.astype(np.uint64)
    high = hi + (low < lo).astype(np.uint64)
    counters = np.empty((offsets.size, 4), np.uint32)
    counters[:, 0] = (low & _LO).astype(np.uint32)
    counters[:, 1] = (low >> _32).astype(np.uint32)
    counters[:, 2] = (high & _LO).astype(np.uint32)
    counters[:, 3] = (high >> _32).astype(np.uint32)
    return blocks(counters, key)


# -- TF's CPU Multinomial kernel (tf.random.categorical, stateless_categorical) ------------


def cpu_threads() -> int:
    """The threads TF's CPU kernels shard over (intra-op parallelism: the CPUs available)."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _parallel_for_block(n: int, cost: float, threads: int) -> int:
    """The block size Eigen's ThreadPoolDevice::parallelFor splits `n` units of `cost`
    cycles into (TF's Shard), so a sharded kernel's per-shard streams are TF's."""
    if n <= 1 or threads == 1 or min(threads, max(1, int((n * cost - 1e5) / 1e5 + 0.9))) == 1:
        return n
    block = int(min(n, max(-(-n // (4 * threads)), 40000 / cost)))
    largest = min(n, 2 * block)
    count = -(-n // block)
    best = count / (-(-count // threads) * threads)
    previous = count
    while best < 1.0 and previous > 1:
        coarser = -(-n // (previous - 1))
        if coarser > largest:
            break
        coarser_count = -(-n // coarser)
        previous = coarser_count
        efficiency = coarser_count / (-(-coarser_count // threads) * threads)
        if efficiency + 0.01 >= best:
            block, count = coarser, coarser_count
            best = max(best, efficiency)
    return block


def multinomial(logits, num_samples: int, key, counter: int) -> np.ndarray:
    """TF's CPU Multinomial: per row, the unnormalised CDF of exp(logit - max) over the
    finite logits, searched (upper bound) at RandDouble * total; rows are sharded as TF's
    thread pool shards them, shard s starting `start * (num_samples + 3) // 4` blocks in and
    reading 2 words per sample in order. So large batches match TF run with as many CPUs."""
    batch, classes = np.shape(logits)
    out = np.empty((batch, num_samples), np.int64)
    if batch == 0 or num_samples == 0:
        return out
    finite = np.isfinite(logits)
    lowest = np.finfo(logits.dtype).min
    top = np.where(finite, logits, lowest).max(axis=1).astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        weights = np.exp(logits.astype(np.float64) - top[:, None])
    cdf = np.cumsum(np.where(finite, weights, 0.0), axis=1)
    cost = int(50 * (num_samples * np.log(classes) / np.log(2) + classes))
    block = _parallel_for_block(batch, cost, cpu_threads())
    for start in range(0, batch, block):
        rows = slice(start, min(batch, start + block))
        n = (rows.stop - start) * num_samples
        words = stream(key, counter + (start * (num_samples + 3)) // 4, -(-2 * n // 4))
        words = words.ravel()[: 2 * n]
        u = uniform_float64(words[0::2], words[1::2]).reshape(-1, num_samples)
        targets = u * cdf[rows, -1:]
        # upper_bound: the number of CDF entries <= the target (in chunks of rows, to bound
        # the comparison's memory).
        step = max(1, 2**22 // max(1, num_samples * classes))
        for r in range(0, rows.stop - start, step):
            part = slice(start + r, min(rows.stop, start + r + step))
            found = cdf[part, None, :] <= targets[r : r + step, :, None]
            out[part] = found.sum(axis=-1)
    return out


def stateless_start(seed) -> tuple:
    """(key, counter as one int) of a stateless op's seed pair."""
    key, counter = stateless_key_counter(seed)
    return key, _as_int(counter)


def stateful_start(seed: int, seed2: int) -> tuple:
    """(key, counter as one int) of TF's stateful kernels' `PhiloxRandom(seed, seed2)`."""
    seed &= (1 << 64) - 1
    return (seed & _M32, seed >> 32), (seed2 & ((1 << 64) - 1)) << 64


class PhiloxRandom:
    """TF's `PhiloxRandom(seed_lo, seed_hi)` stream, read one uint32 at a time (as TF's
    `SingleSampleAdapter`): the key is `seed_lo`'s two words, the counter starts at
    `seed_hi << 64`."""

    def __init__(self, seed_lo: int, seed_hi: int):
        seed_lo &= (1 << 64) - 1
        seed_hi &= (1 << 64) - 1
        self._key = (seed_lo & _M32, seed_lo >> 32)
        self._counter = seed_hi << 64
        self._words: list = []

    def __call__(self) -> int:
        """The next 32-bit word."""
        if not self._words:
            block = blocks(_counters(self._counter, 1), self._key)[0]
            self._counter = (self._counter + 1) & ((1 << 128) - 1)
            self._words = [int(w) for w in reversed(block)]
        return self._words.pop()
