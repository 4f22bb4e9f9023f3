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
