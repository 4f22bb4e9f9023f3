"""TF's shuffle kernel (`ShuffleDatasetOp`): the buffer algorithm on TF's Philox stream.

TF's iterator draws one 32-bit word per output element from `PhiloxRandom(seed, seed2)`
read as `SingleSampleAdapter` does (a block's four words in order; the key is `seed`'s two
words, the counter starts at `seed2 << 64`). The buffer holds up to `buffer_size` elements;
each output picks `offset = word % n` (n elements held), emits the element at
`(start + offset) % buffer_size`, moves the element at `start % buffer_size` into its place,
advances `start` and refills one element from the input.

The words are made with `tapeflow.ops.philox.blocks`, many blocks per NumPy call; the buffer
walk itself is inherently sequential and runs on Python ints.
"""

from __future__ import annotations

import numpy as np

import tapeflow.ops.philox as philox

_M32 = 0xFFFFFFFF
_M64 = (1 << 64) - 1
_WORDS_PER_DRAW = 4096


def words(seed: int, seed2: int, first: int, count: int) -> list:
    """Words `first .. first + count - 1` of TF's `PhiloxRandom(seed, seed2)` stream."""
    return word_array(seed, seed2, first, count).tolist()


def word_array(seed: int, seed2: int, first: int, count: int) -> np.ndarray:
    """`words` as a uint32 array."""
    seed &= _M64
    seed2 &= _M64
    first_block = first // 4
    n_blocks = (first + count + 3) // 4 - first_block
    index = np.arange(first_block, first_block + n_blocks, dtype=np.uint64)
    counters = np.empty((n_blocks, 4), np.uint32)
    # Counter = (seed2 << 64) + block index; block indices stay below 2**64.
    counters[:, 0] = (index & np.uint64(_M32)).astype(np.uint32)
    counters[:, 1] = (index >> np.uint64(32)).astype(np.uint32)
    counters[:, 2] = seed2 & _M32
    counters[:, 3] = seed2 >> 32
    out = philox.blocks(counters, (seed & _M32, seed >> 32)).ravel()
    skip = first - 4 * first_block
    return out[skip : skip + count]


def epoch_seeds(seed: int, seed2: int, epoch: int) -> tuple:
    """The seeds of a reshuffling dataset's `epoch`-th iterator: TF's seed generator draws
    two words per iterator from `PhiloxRandom(seed, seed2)`."""
    pair = words(seed, seed2, 2 * epoch, 2)
    return pair[0], pair[1]


def shuffle_stream(items, buffer_size: int, seed: int, seed2: int):
    """Yields the items of the iterator `items` in TF's shuffled order."""
    size = buffer_size
    buf: list = []
    start = 0  # elements emitted
    end = 0  # elements read
    drawn: list = []
    position = 0  # words consumed
    pending = 0
    exhausted = False
    nxt = items.__next__
    while True:
        while not exhausted and end - start < size:
            try:
                item = nxt()
            except StopIteration:
                exhausted = True
                break
            if end < size:
                buf.append(item)
            else:
                buf[end % size] = item
            end += 1
        held = end - start
        if held == 0:
            return
        if pending == 0:
            drawn = words(seed, seed2, position, _WORDS_PER_DRAW)
            pending = _WORDS_PER_DRAW
        word = drawn[_WORDS_PER_DRAW - pending]
        pending -= 1
        position += 1
        index = (start + word % held) % size
        here = start % size
        yield buf[index]
        buf[index] = buf[here]
        start += 1


def permutation(n: int, buffer_size: int, seed: int, seed2: int) -> np.ndarray:
    """TF's shuffled order of `n` elements as an index array (one epoch, no refills past
    `n`): `shuffle_stream` over `range(n)`, specialised for speed."""
    size = min(buffer_size, n) if buffer_size > 0 else n
    if n == 0:
        return np.zeros(0, np.int64)
    if size >= n:
        # The whole input fits: TF's walk is a forward Fisher-Yates over the buffer, whose
        # offsets (word % elements left) NumPy computes at once; only the swaps are serial.
        left = np.arange(n, 0, -1, dtype=np.uint64)
        jumps = (word_array(seed, seed2, 0, n).astype(np.uint64) % left).tolist()
        buf = list(range(n))
        for k, jump in enumerate(jumps):
            j = k + jump
            buf[k], buf[j] = buf[j], buf[k]
        return np.array(buf, np.int64)
    out = np.fromiter(shuffle_stream(iter(range(n)), buffer_size, seed, seed2), np.int64, n)
    return out
