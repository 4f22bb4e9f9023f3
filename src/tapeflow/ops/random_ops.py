"""Random ops with TensorFlow's seed semantics and TensorFlow's own bits.

TF combines a global seed (`tf.random.set_seed`) with an op seed (`seed=`):

- neither set: nondeterministic values;
- global seed only: each call takes a fresh op seed from a sequence that the
  global seed determines, so a program's sequence of calls repeats exactly
  after `set_seed` is called again with the same value;
- op seed (with the global seed, or TF's default 87654321 when none is set):
  TF caches one kernel per (op type, dtype, seeds) with an internal counter,
  so repeated identical calls give different values A1, A2, ... and the
  sequence restarts when `set_seed` clears the kernels;
- in a function TF runs as a traced graph (a `tf.data` function, `graph_seeds`), op
  seeds count 0, 1, ... per graph and each op keeps its own kernel across calls.

The values are TF's: the stateful ops' kernels draw from TF's Philox4x32-10
(`tapeflow.ops.philox`) with key `global_seed` and counter `op_seed << 64`, and a
cached kernel skips 256 blocks per output element each call, as TF's
`GuardedPhiloxRandom.ReserveRandomOutputs(n, 256)` does; the stateless ops key
Philox by TF's `StatelessRandomGetKeyCounter` scramble of their seed. Uniform
floats and integers equal TF's bit for bit; normal and truncated-normal values
(Box-Muller through Eigen's float32 log/sin/cos in TF) agree to ~1 ulp.
`shuffle`, `categorical` and `tf.random.Generator` are TF's too.

The ops are not differentiable; `normal`, `uniform` (floats) and
`truncated_normal` are composites `mean + stddev * sample`, so, as in TF,
gradients reach `mean`/`stddev` and `minval`/`maxval`.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .._core import backend as _backend
from .._core import dtypes as _dt
from .._core import tape as _tape
from .._core.errors import invalid_argument
from .._core.registry import op
from .._core.tensor import convert_to_tensor, make
from . import graph_seeds
from ._util import as_int_tuple, int_arg, no_kernel, not_allowed
from .math_ops import cast, greater_equal, where_v2

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1
_MASK64 = 2**64 - 1


class _SeedState:
    """The global seed, the op-seed sequence it determines, and the cached streams."""

    def __init__(self):
        self.global_seed = None
        self.op_seeds = None
        self.calls: dict = {}
        self._nondeterministic = None

    @property
    def nondeterministic(self):
        # Created on first use: numpy.random costs ~10 ms of `import tapeflow`.
        if self._nondeterministic is None:
            self._nondeterministic = np.random.default_rng()
        return self._nondeterministic

    def snapshot(self) -> tuple:
        """Everything a draw changes, to undo draws (a failed tf.function replay)."""
        rng = self._nondeterministic
        return (
            None if self.op_seeds is None else self.op_seeds.getstate(),
            dict(self.calls),
            None if rng is None else rng.bit_generator.state,
        )

    def restore(self, saved: tuple) -> None:
        op_seeds, calls, rng = saved
        if op_seeds is not None:
            self.op_seeds.setstate(op_seeds)
        self.calls = calls
        if rng is not None:
            self._nondeterministic.bit_generator.state = rng


_state = _SeedState()
graph_seeds.global_seed = lambda: _state.global_seed


def set_seed(seed):
    """Sets the global random seed (None clears it) and restarts every seeded sequence.

    >>> tf.random.set_seed(1); a = tf.random.uniform([1])
    >>> tf.random.set_seed(1); bool(tf.random.uniform([1]) == a)
    True
    """
    _tape.side_effect("it calls tf.random.set_seed")
    if seed is None:
        _state.global_seed = _state.op_seeds = None
    else:
        _state.global_seed = int(seed)
        import random  # the stdlib module, only when seeding (it costs import time)

        _state.op_seeds = random.Random(int(seed))
    _state.calls.clear()


def get_seed(op_seed):
    """The `(seed, seed2)` pair an op uses for `op_seed`, as `tf.compat.v1.random.get_seed`.

    Both seeds are taken `% (2**31 - 1)`; with a global seed an unseeded op draws the next
    op seed of the sequence `tf.random.set_seed` started (in a traced function, see
    `graph_seeds`, the function's next op seed and its global seed). TF returns
    `(None, None)` when neither seed is set.

    >>> tf.random.set_seed(5); tf.compat.v1.random.get_seed(7)
    (5, 7)
    """
    function = graph_seeds.current
    global_seed = _state.global_seed if function is None else function.global_seed
    if global_seed is not None:
        if op_seed is None and function is not None:
            op_seed = function.next_op_seed()
        elif op_seed is None:
            op_seed = _state.op_seeds.randint(0, _MAXINT32)
        seeds = (global_seed % _MAXINT32, int(op_seed) % _MAXINT32)
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, int(op_seed) % _MAXINT32)
    else:
        return None, None
    return (0, _MAXINT32) if seeds == (0, 0) else seeds


def op_stream(op_type: str, seed, dtype, size: int, blocks: int | None = None) -> tuple:
    """The Philox (key, counter) TF's stateful kernel `op_type` draws `size` outputs from.

    TF's kernel is `PhiloxRandom(seed, seed2)` (key `seed`, counter `seed2 << 64`) for its
    seeds from `get_seed`; eager TF caches one kernel per (op type, dtype, seeds), and each
    call reserves `256 * size` blocks of its stream, so an op-seeded call's values depend on
    the sizes drawn before it by the same kernel. Without seeds TF picks two random 64-bit
    seeds.
    """
    from . import philox  # on first draw: its import is not part of `import tapeflow`

    seeds = get_seed(seed)
    if seeds[0] is None:
        rng = _state.nondeterministic
        seed1, seed2 = (int(v) for v in rng.integers(0, 2**63, 2, dtype=np.int64))
        return philox.stateful_start(seed1, seed2)
    key, counter = philox.stateful_start(*seeds)
    calls, cache_key = _state.calls, (op_type, dtype, seeds)
    if graph_seeds.current is not None:  # a traced function's op: its own kernel
        calls, cache_key = graph_seeds.current.kernels, graph_seeds.current.kernel(cache_key)
    elif seed is None:  # a fresh op seed: a fresh kernel
        return key, counter
    skipped = calls.get(cache_key, 0)
    calls[cache_key] = skipped + (256 * size if blocks is None else blocks)
    return key, counter + skipped


def _draw(sampler: str, op_type: str, seed, shape: tuple, dtype, *bounds) -> np.ndarray:
    """`philox.<sampler>(key, counter, n, np_dtype, *bounds)` of TF's stateful kernel, in
    `shape`."""
    from . import philox

    out = np.empty(shape, dtype._np)  # an output too large fails here, as TF's OOM names it
    key, counter = op_stream(op_type, seed, dtype, out.size)
    out.reshape(-1)[:] = getattr(philox, sampler)(key, counter, out.size, dtype._np, *bounds)
    return _backend.placed(out)


_FLOAT_DTYPES = frozenset((_dt.float16, _dt.float32, _dt.float64))
_UNIFORM_DTYPES = _FLOAT_DTYPES | {_dt.int32, _dt.int64}


# TF's accepted-dtype lists, as its messages print them (tapeflow has no bfloat16).
_UNIFORM_NAMES = "tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int32, tf.int64"
_STATELESS_UNIFORM_DTYPES = _UNIFORM_DTYPES | {_dt.uint32, _dt.uint64}


def _check_dtype(dtype, allowed, names=None) -> _dt.DType:
    dtype = _dt.as_dtype(dtype)
    if dtype not in allowed:
        names = names or ", ".join(f"tf.{d.name}" for d in _dt.ALL if d in allowed)
        raise ValueError(
            f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are ({names})."
        )
    return dtype


# -- the ops (no inputs, or integer/permutation outputs: none is differentiable) ---------------

_NO_GRAD = "random sample: not differentiable"


@op("RandomStandardNormal", stateful=True, differentiable=False, no_sample=_NO_GRAD)
def _random_standard_normal(*, shape, dtype, seed=None):
    return _draw("normal", "RandomStandardNormal", seed, shape, dtype)


@op("RandomUniform", stateful=True, differentiable=False, no_sample=_NO_GRAD)
def _random_uniform(*, shape, dtype, seed=None):
    return _draw("uniform", "RandomUniform", seed, shape, dtype)


@op("RandomUniformInt", stateful=True, differentiable=False, no_sample=_NO_GRAD)
def _random_uniform_int(*, shape, minval, maxval, dtype, seed=None):
    if minval >= maxval:
        raise invalid_argument(f"Need minval < maxval, got {minval} >= {maxval}")
    return _draw("uniform_int", "RandomUniformInt", seed, shape, dtype, minval, maxval)


@op("TruncatedNormal", stateful=True, differentiable=False, no_sample=_NO_GRAD)
def _truncated_normal(*, shape, dtype, seed=None):
    return _draw("truncated_normal", "TruncatedNormal", seed, shape, dtype)


def _shape(shape, op_type: str, attr: str = "T") -> tuple:
    """The shape argument of random op `op_type`, with its kernel's errors."""
    return as_int_tuple(
        shape, "shape", op_type, attr, vector="=shape must be a vector of {int32,int64}, got shape"
    )


def _scale(sample, mean, stddev, dtype):
    """mean + stddev * sample, differentiable in mean and stddev (TF's composite)."""
    stddev = convert_to_tensor(stddev, dtype=dtype)
    mean = convert_to_tensor(mean, dtype=dtype)
    return sample * stddev + mean


def normal(shape, mean=0.0, stddev=1.0, dtype=_dt.float32, seed=None, name=None):
    """Samples from a normal distribution; differentiable w.r.t. `mean` and `stddev`.

    >>> tf.random.normal([2, 3], seed=1).shape
    TensorShape([2, 3])
    """
    dtype = _dt.as_dtype(dtype)
    mean = convert_to_tensor(mean, dtype=dtype)
    sample = _random_standard_normal(
        shape=_shape(shape, "RandomStandardNormal"), dtype=dtype, seed=seed
    )
    return _scale(sample, mean, stddev, dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=_dt.float32, seed=None, name=None):
    """Samples from a normal distribution truncated to two standard deviations."""
    dtype = _dt.as_dtype(dtype)
    mean = convert_to_tensor(mean, dtype=dtype)
    sample = _truncated_normal(shape=_shape(shape, "TruncatedNormal"), dtype=dtype, seed=seed)
    return _scale(sample, mean, stddev, dtype)


def uniform(shape, minval=0, maxval=None, dtype=_dt.float32, seed=None, name=None):
    """Samples uniformly from [minval, maxval) (maxval defaults to 1 for floats).

    Integer dtypes need `maxval`. For floats, gradients reach `minval` and `maxval`.

    Raises:
      ValueError: for an unsupported dtype, or an integer dtype without `maxval`.
      InvalidArgumentError: for integer ranges with minval >= maxval.
    """
    dtype = _check_dtype(dtype, _UNIFORM_DTYPES, _UNIFORM_NAMES)
    shape = _shape(shape, "RandomUniformInt" if dtype.is_integer else "RandomUniform")
    if dtype.is_integer:
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype tf.{dtype.name}")
        low = int(convert_to_tensor(minval, dtype=dtype))
        high = int(convert_to_tensor(maxval, dtype=dtype))
        return _random_uniform_int(shape=shape, minval=low, maxval=high, dtype=dtype, seed=seed)
    minval = convert_to_tensor(minval, dtype=dtype)
    maxval = convert_to_tensor(1 if maxval is None else maxval, dtype=dtype)
    sample = _random_uniform(shape=shape, dtype=dtype, seed=seed)
    return sample * (maxval - minval) + minval


# -- categorical and shuffle ---------------------------------------------------------------


@op("Multinomial", stateful=True, dtypes=_dt.REAL, differentiable=False, no_sample="integer output")
def _multinomial(logits, *, num_samples, output_dtype=_dt.int64, seed=None):
    if logits.dtype.kind in "iu":  # TF's op allows integers, but has no CPU kernel for them
        attrs = f", output_dtype=DT_{output_dtype.c_name.upper()}"
        raise no_kernel("Multinomial", logits.dtype, attrs)
    if np.ndim(logits) != 2:
        shape = ",".join(map(str, np.shape(logits)))
        raise invalid_argument(f"logits should be a matrix, got shape [{shape}]")
    batch, classes = np.shape(logits)
    # TF reserves 256 blocks per 2 * ceil4(num_samples) words of each row.
    blocks = 256 * batch * ((num_samples + 3) // 4 * 4) * 2
    dtypes = (_dt.as_dtype(logits.dtype), output_dtype)
    key, counter = op_stream("Multinomial", seed, dtypes, 0, blocks=blocks)
    from . import philox

    return philox.multinomial(logits, num_samples, key, counter).astype(output_dtype._np)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """Draws `num_samples` class indices per row of `logits` (unnormalised log-probabilities).

    Returns an int64 tensor (or `dtype`) of shape [batch, num_samples].
    """
    dtype = _dt.int64 if dtype is None else _dt.as_dtype(dtype)
    num_samples = int(convert_to_tensor(int_arg(num_samples)))
    return _multinomial(logits, num_samples=num_samples, output_dtype=dtype, seed=seed)


@op(
    "StatelessMultinomial",
    dtypes=_dt.REAL,
    same_dtype=False,
    differentiable=False,
    no_sample="integer output",
)
def _stateless_multinomial(logits, seed, *, num_samples, output_dtype=_dt.int64):
    if logits.dtype.kind in "iu":  # TF's op allows integers, but has no CPU kernel for them
        attrs = f", output_dtype=DT_{output_dtype.c_name.upper()}"
        raise no_kernel("StatelessMultinomial", logits.dtype, attrs)
    if np.ndim(logits) != 2:
        shape = ",".join(map(str, np.shape(logits)))
        raise invalid_argument(f"logits should be a matrix, got shape [{shape}]")
    if np.shape(seed) != (2,):
        raise invalid_argument(f"seed must have shape [2], not {list(np.shape(seed))}")
    if num_samples < 0:
        raise invalid_argument(f"num_samples should be non-negative, got {num_samples}")
    from . import philox

    key, counter = philox.stateless_start(np.reshape(seed, -1).tolist())
    return philox.multinomial(logits, num_samples, key, counter).astype(output_dtype._np)


def stateless_categorical(logits, num_samples, seed, dtype=_dt.int64, name=None):
    """Draws `num_samples` class indices per row of `logits` that depend only on `seed`
    (TF's StatelessMultinomial values). The seed is a tensor input, so a replayed
    tf.function draws from each call's seed.

    >>> tf.random.stateless_categorical(tf.math.log([[0.5, 0.5]]), 5, seed=[7, 17]).shape
    TensorShape([1, 5])
    """
    dtype = _dt.as_dtype(dtype)
    if dtype not in (_dt.int32, _dt.int64):
        raise ValueError(
            f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are (tf.int32, tf.int64)."
        )
    seed = convert_to_tensor(seed)
    if not seed.dtype.is_integer:
        raise not_allowed(seed.dtype, "Tseed", "StatelessMultinomial", "int32, int64")
    num_samples = int(convert_to_tensor(int_arg(num_samples)))
    return _stateless_multinomial(logits, seed, num_samples=num_samples, output_dtype=dtype)


@op(
    "RandomShuffle",
    stateful=True,
    dtypes=_dt.ANY,
    differentiable=False,
    no_sample="TF registers no gradient",
)
def _random_shuffle(value, *, seed=None):
    from . import philox

    n = np.shape(value)[0] if np.ndim(value) else 0
    if np.size(value) <= 1 or n <= 1:
        op_stream("RandomShuffle", seed, value.dtype, 0, blocks=0)
        return value
    # TF's kernel: Fisher-Yates over n - 1 words (`word % (n - i)`), reserving
    # ceil((n - 1) / 4) blocks. Each swap depends on the last, so this one loop is Python's.
    key, counter = op_stream("RandomShuffle", seed, value.dtype, 0, blocks=-(-(n - 1) // 4))
    words = philox.stream(key, counter, -(-(n - 1) // 4)).ravel()[: n - 1]
    picks = (
        np.arange(n - 1, dtype=np.int64) + words % np.arange(n, 1, -1, dtype=np.uint32)
    ).tolist()
    perm = list(range(n))
    for i, j in enumerate(picks):
        perm[i], perm[j] = perm[j], perm[i]
    return value[np.asarray(perm)]


def shuffle(value, seed=None, name=None):
    """Randomly permutes `value` along its first dimension (not differentiable, as in TF)."""
    return _random_shuffle(value, seed=seed)


# -- tf.random.Generator ---------------------------------------------------------------------


def _int64_words(seed, size: int) -> list:
    """TF's `_make_1d_state`: a Python int chopped into `size` 64-bit words, low first (as
    int64 values); a shorter sequence is padded with zeros on the left."""
    if isinstance(seed, (int, np.integer)):
        seed = int(seed)
        words = []
        for _ in range(size):
            words.append(seed & _MASK64)
            seed >>= 64
    else:
        words = [int(w) & _MASK64 for w in np.asarray(convert_to_tensor(seed)).reshape(-1)]
        words = [0] * (size - len(words)) + words[:size]
    return [w - (1 << 64) if w >= 1 << 63 else w for w in words]


def _int_kernel_dtype(dtype, op_type: str) -> None:
    if dtype not in (_dt.int32, _dt.int64, _dt.uint32, _dt.uint64):
        raise not_allowed(dtype, "dtype", op_type, "int32, int64, uint32, uint64")


class Generator:
    """A stateful random generator with TF's values: TF's Philox state `[counter_lo,
    counter_hi, key]` (an int64 `tf.Variable`); each draw of n values runs the stateless
    kernels at that key and counter, then advances the counter by 256 * n, as TF does.

    >>> g = tf.random.Generator.from_seed(1)
    >>> g.uniform([2]).numpy()
    array([0.78749514, 0.3906511 ], dtype=float32)
    """

    PHILOX = 1

    def __init__(self, copy_from=None, state=None, alg=None):
        from .._core.variables import Variable

        if copy_from is not None:
            words = copy_from.state.numpy().tolist()
        elif state is None:
            raise ValueError("A tf.random.Generator needs `copy_from`, or `state` and `alg`.")
        else:
            words = _int64_words(state, 3)
        self._state_var = Variable(
            np.array(words, np.int64), trainable=False, name="StateVar", dtype=_dt.int64
        )

    @classmethod
    def from_seed(cls, seed, alg=None) -> Generator:
        """A generator whose state is `seed` chopped into 64-bit words (TF's rule: a Python
        int seed fills the counter, the key starts at 0)."""
        return cls(state=_int64_words(seed, 3), alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg=None) -> Generator:
        words = _state.nondeterministic.integers(-(2**63), 2**63, 3, dtype=np.int64)
        return cls(state=words.tolist(), alg=alg)

    @classmethod
    def from_key_counter(cls, key, counter, alg) -> Generator:
        """A generator at Philox `key` (a scalar) and `counter` (two words)."""
        counter = _int64_words(counter, 2) if not isinstance(counter, int) else [counter, 0]
        key = int(np.asarray(convert_to_tensor(key)).reshape(-1)[0])
        return cls(state=[*counter, key], alg=alg)

    def reset(self, state) -> None:
        self._state_var.assign(np.array(_int64_words(state, 3), np.int64))

    def reset_from_seed(self, seed) -> None:
        if not isinstance(seed, (int, np.integer)):
            seed = int(convert_to_tensor(seed)._value)
        self.reset(_int64_words(seed, 3))

    def reset_from_key_counter(self, key, counter) -> None:
        other = Generator.from_key_counter(key, counter, self.PHILOX)
        self.reset(other.state.numpy().tolist())

    @property
    def algorithm(self) -> int:
        return self.PHILOX

    @property
    def state(self):
        """The int64 `tf.Variable` `[counter_lo, counter_hi, key]`."""
        return self._state_var

    @property
    def key(self):
        return make(np.int64(self._state_var.numpy()[-1]), _dt.int64)

    def skip(self, delta):
        """Advances the counter by 256 * `delta` blocks (TF's RngReadAndSkip); returns the
        state before."""
        _tape.side_effect("it draws from a tf.random.Generator")
        before = self._state_var.numpy()
        words = [int(w) & _MASK64 for w in before]
        counter = words[0] | (words[1] << 64)
        counter = (counter + 256 * int(delta)) & ((1 << 128) - 1)
        after = _int64_words(counter | (words[2] << 128), 3)
        self._state_var.assign(np.array(after, np.int64))
        return make(before, _dt.int64)

    def _start(self, size: int) -> tuple:
        words = [int(w) & _MASK64 for w in self.skip(size)._value]
        return (words[2] & 0xFFFFFFFF, words[2] >> 32), words[0] | (words[1] << 64)

    def _sample(self, sampler: str, shape, dtype, *bounds):
        from . import philox

        out = np.empty(as_int_tuple(shape), dtype._np)
        key, counter = self._start(out.size)
        out.reshape(-1)[:] = getattr(philox, sampler)(key, counter, out.size, dtype._np, *bounds)
        return make(_backend.placed(out), dtype)

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None):
        """Normal samples (TF's values to ~1 ulp); differentiable in `mean` and `stddev`."""
        dtype = _dt.as_dtype(dtype)
        mean = convert_to_tensor(mean, dtype=dtype)
        stddev = convert_to_tensor(stddev, dtype=dtype)
        sample = self._sample("normal", shape, _float_dtype(dtype, "StatelessRandomNormalV2"))
        return _scale(sample, mean, stddev, dtype)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None):
        dtype = _dt.as_dtype(dtype)
        mean = convert_to_tensor(mean, dtype=dtype)
        stddev = convert_to_tensor(stddev, dtype=dtype)
        op_type = "StatelessTruncatedNormalV2"
        sample = self._sample("truncated_normal", shape, _float_dtype(dtype, op_type))
        return _scale(sample, mean, stddev, dtype)

    def uniform(self, shape, minval=0, maxval=None, dtype=_dt.float32, name=None):
        """Uniform samples in [minval, maxval) (TF's bits); integer dtypes need both bounds
        (or neither, for the full range)."""
        dtype = _dt.as_dtype(dtype)
        if dtype.is_integer:
            if (minval is None) != (maxval is None):
                raise ValueError(
                    f"For integer dtype {dtype}, minval and maxval must be both `None` or "
                    f"both non-`None`; got minval={minval} and maxval={maxval}"
                )
        elif maxval is None:
            maxval = 1
        if dtype.is_integer and minval is None:
            return self.uniform_full_int(shape, dtype)
        minval = convert_to_tensor(minval, dtype=dtype)
        maxval = convert_to_tensor(maxval, dtype=dtype)
        if dtype.is_integer:
            _int_kernel_dtype(dtype, "StatelessRandomUniformIntV2")
            low, high = int(minval), int(maxval)
            if low >= high:
                # TF advances the state before its kernel rejects the bounds.
                self.skip(int(np.prod(as_int_tuple(shape), dtype=np.int64)))
                raise invalid_argument(
                    f"Need minval < maxval, got {low} >= {high}", "StatelessRandomUniformIntV2"
                )
            return self._sample("uniform_int", shape, dtype, low, high)
        dtype = _check_dtype(dtype, _FLOAT_DTYPES)
        return self._sample("uniform", shape, dtype) * (maxval - minval) + minval

    def uniform_full_int(self, shape, dtype=_dt.uint64, name=None):
        """Integers over the whole range of `dtype` (int32, int64, uint32, uint64)."""
        dtype = _dt.as_dtype(dtype)
        _int_kernel_dtype(dtype, "StatelessRandomUniformFullIntV2")
        return self._sample("uniform_int", shape, dtype)

    def make_seeds(self, count=1):
        """A [2, count] int64 tensor of seeds for stateless ops (second row zeros, as TF)."""
        keys = self.uniform_full_int([count], _dt.int64)._value
        return make(np.stack([keys, np.zeros_like(keys)]), _dt.int64)

    def split(self, count=1) -> list:
        """`count` new generators keyed by fresh int64 keys (counters zero), as TF's."""
        keys = self.uniform_full_int([count], _dt.int64)._value
        return [Generator(state=[0, 0, int(key)], alg=self.PHILOX) for key in keys]


_global_generator = None


def get_global_generator() -> Generator:
    """The process-wide generator (created nondeterministically on first use)."""
    global _global_generator
    if _global_generator is None:
        _global_generator = Generator.from_non_deterministic_state()
    return _global_generator


def set_global_generator(generator: Generator) -> None:
    """Replaces the process-wide generator."""
    global _global_generator
    _global_generator = generator


# -- stateless ops: the values are a function of `seed` (shape [2]) alone -----------------------


def _checked_seed(seed):
    """`seed` as a tensor, with StatelessRandomGetKeyCounter's dtype and shape errors (read
    from its dtype and static shape only, so a traced seed stays a tensor input)."""
    seed = convert_to_tensor(seed)
    if not seed.dtype.is_integer:
        raise not_allowed(seed.dtype, "Tseed", "StatelessRandomGetKeyCounter")
    if seed.shape.rank != 1 or seed.shape.as_list() != [2]:
        raise invalid_argument(
            f"seed must have shape [2], not {seed.shape.as_list()}", "StatelessRandomGetKeyCounter"
        )
    return seed


@op(
    "StatelessRandomGetKeyCounter",
    dtypes=_dt.INTEGER,
    n_outputs=2,
    differentiable=False,
    no_sample=_NO_GRAD,
)
def _get_key_counter(seed):
    """TF's scramble of a seed pair: key (uint64 [1]) and counter (uint64 [2])."""
    from . import philox

    (k0, k1), (c0, c1, c2, c3) = philox.stateless_key_counter(np.reshape(seed, -1).tolist())
    key = np.array([k0 | (k1 << 32)], np.uint64)
    return key, np.array([c0 | (c1 << 32), c2 | (c3 << 32)], np.uint64)


def _key_counter(key, counter) -> tuple:
    """A Philox (key pair, counter int) from StatelessRandomGetKeyCounter's arrays."""
    k = int(key[0])
    return (k & 0xFFFFFFFF, k >> 32), int(counter[0]) | (int(counter[1]) << 64)


def _v2_sampler(op_type: str, sampler: str):
    """A registry op `op_type(key, counter; shape, dtype, bounds)` drawing with philox's
    `sampler`: the seed reaches it as a tensor (through StatelessRandomGetKeyCounter), so a
    replayed tf.function draws from each call's seed instead of one frozen at trace time."""

    def forward(key, counter, *, shape, dtype, bounds=()):
        from . import philox

        out = np.empty(shape, dtype._np)  # an output too large fails here, as TF's OOM names it
        out.reshape(-1)[:] = getattr(philox, sampler)(
            *_key_counter(key, counter), out.size, dtype._np, *bounds
        )
        return _backend.placed(out)

    forward.__name__ = forward.__qualname__ = f"_{sampler}_v2"
    return op(op_type, differentiable=False, no_sample=_NO_GRAD)(forward)


_stateless_uniform_v2 = _v2_sampler("StatelessRandomUniformV2", "uniform")
_V2_SAMPLERS = {
    "StatelessRandomUniformV2": _stateless_uniform_v2,
    "StatelessRandomNormalV2": _v2_sampler("StatelessRandomNormalV2", "normal"),
    "StatelessTruncatedNormalV2": _v2_sampler("StatelessTruncatedNormalV2", "truncated_normal"),
    "StatelessRandomUniformIntV2": _v2_sampler("StatelessRandomUniformIntV2", "uniform_int"),
    "StatelessRandomUniformFullIntV2": _v2_sampler(
        "StatelessRandomUniformFullIntV2", "uniform_int"
    ),
}


def _stateless(sampler: str, shape, seed, op_type: str, dtype, *bounds):
    shape = _shape(shape, op_type, "Tshape")
    key, counter = _get_key_counter(_checked_seed(seed))
    return _V2_SAMPLERS[op_type](key, counter, shape=shape, dtype=dtype, bounds=bounds)


def _float_dtype(dtype, op_type: str) -> _dt.DType:
    dtype = _dt.as_dtype(dtype)
    if dtype not in _FLOAT_DTYPES:
        raise not_allowed(dtype, "dtype", op_type, "half, bfloat16, float, double")
    return dtype


def stateless_normal(
    shape, seed, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None, alg="auto_select"
):
    """Normal samples that depend only on `seed` (TF's values to ~1 ulp: Box-Muller over
    TF's Philox bits; TF's float32 log/sin/cos are Eigen's).

    >>> tf.random.stateless_normal([2], seed=[1, 2]).shape
    TensorShape([2])
    """
    dtype = _dt.as_dtype(dtype)
    mean = convert_to_tensor(mean, dtype=dtype)
    stddev = convert_to_tensor(stddev, dtype=dtype)
    op_type = "StatelessRandomNormalV2"
    sample = _stateless("normal", shape, seed, op_type, _float_dtype(dtype, op_type))
    return _scale(sample, mean, stddev, dtype)


def stateless_truncated_normal(
    shape, seed, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None, alg="auto_select"
):
    """Normal samples within two standard deviations that depend only on `seed` (TF's
    values to ~1 ulp, from TF's rejection order)."""
    dtype = _dt.as_dtype(dtype)
    mean = convert_to_tensor(mean, dtype=dtype)
    stddev = convert_to_tensor(stddev, dtype=dtype)
    op_type = "StatelessTruncatedNormalV2"
    sample = _stateless("truncated_normal", shape, seed, op_type, _float_dtype(dtype, op_type))
    return _scale(sample, mean, stddev, dtype)


def stateless_uniform(
    shape, seed, minval=0, maxval=None, dtype=_dt.float32, name=None, alg="auto_select"
):
    """Uniform samples in [minval, maxval) that depend only on `seed`: TF's values bit for bit.

    Integer dtypes need both bounds (slightly biased unless the range is a power of two, as
    in TF), or `minval=None, maxval=None` for the full range (uint32/uint64 allowed then).
    Float values are differentiable in `minval` and `maxval`.

    >>> tf.random.stateless_uniform([2], seed=[7, 0]).numpy()
    array([0.7470788, 0.6721802], dtype=float32)
    """
    dtype = _check_dtype(
        dtype, _STATELESS_UNIFORM_DTYPES, _UNIFORM_NAMES + ", tf.uint32, tf.uint64"
    )
    if dtype.is_integer:
        if (minval is None) != (maxval is None):
            raise ValueError(
                f"For integer `dtype` argument {dtype}, argument `minval` and `maxval` must "
                f"be both None or not None. Got `minval`={minval} and `maxval`={maxval}."
            )
        if minval is not None and dtype in (_dt.uint32, _dt.uint64):
            raise ValueError(
                f"Argument `dtype` got invalid value {dtype} when argument `minval` is not "
                "None. Please don't use unsigned integers in this case."
            )
    elif maxval is None:
        maxval = 1
    if dtype.is_integer and minval is None:
        return _stateless("uniform_int", shape, seed, "StatelessRandomUniformFullIntV2", dtype)
    minval = convert_to_tensor(minval, dtype=dtype)
    maxval = convert_to_tensor(maxval, dtype=dtype)
    if dtype.is_integer:
        op_type = "StatelessRandomUniformIntV2"
        low, high = int(minval), int(maxval)
        shape = _shape(shape, op_type, "Tshape")
        _checked_seed(seed)  # TF checks the seed before the bounds
        if low >= high:
            raise invalid_argument(f"Need minval < maxval, got {low} >= {high}", op_type)
        return _stateless("uniform_int", shape, seed, op_type, dtype, low, high)
    shape = _shape(shape, "StatelessRandomUniformV2", "Tshape")
    key, counter = _get_key_counter(_checked_seed(seed))
    sample = _stateless_uniform_v2(key, counter, shape=shape, dtype=dtype)
    return sample * (maxval - minval) + minval


def stateless_dropout(x, rate, seed, rng_alg=None, noise_shape=None, name=None):
    """Zeroes elements of `x` where `stateless_uniform(noise_shape, seed) < rate` and scales
    the rest by `1 / (1 - rate)`: TF's masks bit for bit (Keras' Dropout uses it).

    >>> tf.nn.experimental.stateless_dropout(tf.ones([4]), 0.5, seed=[1, 0]).numpy()
    array([2., 0., 2., 0.], dtype=float32)

    Raises:
      ValueError: for a non-floating `x`, or a number `rate` outside [0, 1).
    """
    is_number = isinstance(rate, (int, float, np.floating, np.integer)) and not isinstance(
        rate, bool
    )
    if is_number and not 0 <= rate < 1:
        raise ValueError(
            f"`rate` must be a scalar tensor or a float in the range [0, 1). Received: rate={rate}"
        )
    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise ValueError(
            "`x.dtype` must be a floating point tensor as `x` will be scaled. Received: "
            f"x_dtype={x.dtype}"
        )
    if is_number and rate == 0:
        return x
    if is_number:
        # TF scales by the Python double 1 / (1 - rate), converted to x's dtype.
        scaled = x * convert_to_tensor(1 / (1 - rate), dtype=x.dtype)
    else:
        rate = convert_to_tensor(rate)
        if rate.shape.rank != 0:
            raise ValueError(f"Shape {rate.shape} must have rank 0")
        rate = rate if rate.dtype == x.dtype else cast(rate, x.dtype)
        scaled = x / (convert_to_tensor(1, dtype=x.dtype) - rate)
    shape = tuple(x.shape.as_list())
    if noise_shape is None:
        noise_shape = shape
    else:
        noise_shape = [int(d) if d is not None else d for d in list(noise_shape)]
        if len(noise_shape) == len(shape):
            noise_shape = [s if d is None else d for s, d in zip(shape, noise_shape)]
    noise = stateless_uniform(noise_shape, seed, dtype=x.dtype)
    return where_v2(greater_equal(noise, rate), scaled, convert_to_tensor(0, dtype=x.dtype))


# tf.nn.experimental: TF's namespace of newer nn functions (only stateless_dropout so far).
nn_experimental = SimpleNamespace(stateless_dropout=stateless_dropout)
