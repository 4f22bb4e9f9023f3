"""Batches for fit/evaluate/predict: NumPy arrays and tensors (sliced with NumPy, shuffled in
TF's order), `tf.data.Dataset`s (iterated as given) and Python iterables of batches."""

from __future__ import annotations

import math

import numpy as np

import tapeflow as tf

# TF's graph seed when no global seed is set (random_seed.DEFAULT_GRAPH_SEED).
_DEFAULT_GRAPH_SEED = 87654321


def unpack_x_y_sample_weight(data):
    """`(x,)`, `(x, y)` or `(x, y, sample_weight)` as a triple with Nones (Keras' rule)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
        f"found: {data}"
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """`(x,)`, `(x, y)` or `(x, y, sample_weight)`, the Nones left out (Keras' rule: a lone
    tuple or list `x` is wrapped so that it is not unpacked as (x, y))."""
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return x, y
    return x, y, sample_weight


def _is_array(x) -> bool:
    return isinstance(x, np.ndarray) or tf.is_tensor(x) or hasattr(x, "__array__")


def _as_numpy(x):
    if x is None:
        return None
    if isinstance(x, np.ndarray):
        return x
    if tf.is_tensor(x):
        return x.numpy()
    if isinstance(x, (list, tuple)) and x and all(_is_array(v) for v in x):
        return type(x)(_as_numpy(v) for v in x)
    if isinstance(x, dict):
        return {k: _as_numpy(v) for k, v in x.items()}
    return np.asarray(x)


def _is_dataset(x) -> bool:
    return type(x).__module__.startswith("tapeflow.data")


def _num_samples(data) -> int:
    leaves = [v for v in tf.nest.flatten(data) if v is not None]
    sizes = {int(np.shape(v)[0]) for v in leaves}
    if len(sizes) > 1:
        raise ValueError(
            "Data cardinality is ambiguous. Make sure all arrays contain the same number of "
            f"samples.'x' sizes: {', '.join(str(s) for s in sorted(sizes))}"
        )
    return sizes.pop()


def train_validation_split(arrays, validation_split):
    """The last `validation_split` fraction of the samples (before any shuffling)."""
    flat = [v for v in tf.nest.flatten(arrays) if v is not None]
    if not all(_is_array(v) for v in flat):
        raise ValueError(
            "Argument `validation_split` is only supported for tensors or NumPy arrays."
            f"Found incompatible type in the input: {[type(v) for v in flat]}"
        )
    arrays = tf.nest.map_structure(lambda v: None if v is None else _as_numpy(v), arrays)
    n = _num_samples(arrays)
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"Training data contains {n} samples, which is not sufficient to split it into a "
            f"validation and training set as specified by `validation_split={validation_split}`. "
            "Either provide more data, or a different value for the `validation_split` argument."
        )
    train = tf.nest.map_structure(lambda v: None if v is None else v[:split_at], arrays)
    val = tf.nest.map_structure(lambda v: None if v is None else v[split_at:], arrays)
    return train, val


def class_weight_to_sample_weights(y, class_weight):
    y = _as_numpy(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = np.argmax(y, axis=-1)
    else:
        labels = (
            np.round(y.reshape(y.shape[0], -1)[:, 0]).astype(int)
            if y.ndim > 1
            else (np.round(y).astype(int))
        )
    weights = np.ones(labels.shape[0], dtype=np.float32)
    for cls, w in class_weight.items():
        weights[labels == cls] = w
    return weights


def _function_graph_seeds():
    """The `(seed, seed2)` of the first unseeded random op in a function TF traces now, or
    None when no global seed is set (TF then seeds the kernel nondeterministically).

    In a traced function (here Keras' `tf.data` map) TF pairs the global seed with the
    function graph's own op counter, 0 for its first random op, and does not draw from the
    eager op-seed sequence; `get_seed(0)` computes that pair without drawing either. A
    global seed equal to TF's default graph seed (87654321) reads as unset here.
    """
    seeds = tf.compat.v1.random.get_seed(0)
    return None if seeds == (_DEFAULT_GRAPH_SEED, 0) else seeds


class _ShuffleKernel:
    """TF's `RandomShuffle` kernel: Fisher-Yates over its Philox stream, `word % (n - i)`,
    each call reserving `ceil((n - 1) / 4)` blocks (so calls on one kernel continue it)."""

    def __init__(self, seeds):
        import tapeflow.ops.philox as philox

        self._philox = philox
        if seeds is None:
            seeds = tuple(int(v) for v in np.random.randint(0, 2**63 - 1, size=2, dtype=np.int64))
        self._key, self._counter = philox.stateful_start(*seeds)

    def permutation(self, n: int) -> np.ndarray:
        if n <= 1:
            return np.arange(n)
        blocks = -(-(n - 1) // 4)
        words = self._philox.stream(self._key, self._counter, blocks).ravel()[: n - 1]
        self._counter += blocks
        picks = (
            np.arange(n - 1, dtype=np.int64) + words % np.arange(n, 1, -1, dtype=np.uint32)
        ).tolist()
        perm = list(range(n))
        # Each swap reads the one before: TF's loop is sequential, so this one is Python's.
        for i, j in enumerate(picks):
            perm[i], perm[j] = perm[j], perm[i]
        return np.asarray(perm)


def tf_epoch_order(num_samples: int, batch_size: int, shuffle, seeds) -> np.ndarray | None:
    """The sample order of one epoch of `fit(x, shuffle=...)` on arrays, as Keras' TF trainer
    draws it (`ArrayDataAdapter.get_tf_dataset`), or None for the arrays' own order.

    Keras shuffles the indices with `tf.random.shuffle` inside a `tf.data` map function:
    `shuffle=True` permutes all of them, `shuffle="batch"` each batch's in turn. Each epoch
    makes a new iterator and so a new kernel with the same seeds: under a global seed
    every epoch, and every `fit` while the seed stays set, sees the same order (a TF wart,
    matched; without a global seed each epoch's order is fresh). `seeds` are
    `_function_graph_seeds()` read when Keras builds the dataset.
    """
    if not shuffle:
        return None
    kernel = _ShuffleKernel(seeds)
    if shuffle != "batch":
        return kernel.permutation(num_samples)
    starts = range(0, num_samples, batch_size)
    return np.concatenate(
        [lo + kernel.permutation(min(batch_size, num_samples - lo)) for lo in starts]
    )


def _to_tensor(x):
    if x is None:
        return None
    if tf.is_tensor(x):
        return x
    return tf.convert_to_tensor(x)


class EpochIterator:
    """One epoch of batches at a time: `for step, batch in iterator` (Keras' EpochIterator).

    Arrays: `batch_size` defaults to 32, the last batch is partial, `shuffle=True` (or
    `"batch"`) orders the samples as TF does (`tf_epoch_order`: the global seed is read when
    the iterator is made, as Keras builds its dataset then), and `class_weight` becomes
    per-sample weights. Datasets and iterables yield their own
    batches (`batch_size` is ignored for them, as Keras does).
    """

    def __init__(
        self,
        x=None,
        y=None,
        sample_weight=None,
        batch_size=None,
        steps_per_epoch=None,
        shuffle=False,
        class_weight=None,
    ):
        self._steps_per_epoch = steps_per_epoch
        self._dataset = None
        self._arrays = None
        self._iterator = None
        if _is_dataset(x) or (
            not _is_array(x) and not isinstance(x, (list, tuple, dict)) and hasattr(x, "__iter__")
        ):
            if y is not None:
                raise ValueError(
                    "When providing `x` as a tf.data.Dataset or an iterable, `y` should not be "
                    f"passed. Instead, the targets should be included as part of the dataset "
                    f"`x`. Received: y={y}"
                )
            if sample_weight is not None:
                raise ValueError(
                    "When providing `x` as a tf.data.Dataset or an iterable, `sample_weight` "
                    "should not be passed. Instead, the sample weights should be included as "
                    "part of the dataset `x`."
                )
            self._dataset = x
            self._class_weight = class_weight
            try:
                n = int(x.cardinality()) if hasattr(x, "cardinality") else len(x)
            except TypeError:
                n = None
            self.num_batches = steps_per_epoch or (n if n is not None and n >= 0 else None)
            self._cap_num_batches()
            return
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError("You cannot `class_weight` and `sample_weight` at the same time.")
            sample_weight = class_weight_to_sample_weights(y, class_weight)
        self._arrays = tf.nest.map_structure(_as_numpy, (x, y, sample_weight))
        self._num_samples = _num_samples(self._arrays)
        self._batch_size = batch_size or 32
        self._shuffle = shuffle
        # Under a global seed every epoch's order is the same (see tf_epoch_order).
        self._seeds = _function_graph_seeds() if shuffle else None
        self._order = None
        self.num_batches = steps_per_epoch or int(math.ceil(self._num_samples / self._batch_size))
        self._cap_num_batches()

    def _cap_num_batches(self):
        from .. import config

        cap = config.max_steps_per_epoch()
        if cap and self.num_batches is not None:
            self.num_batches = min(self.num_batches, cap)

    def _array_batches(self):
        n = self._num_samples
        order = self._order
        if order is None:
            order = tf_epoch_order(n, self._batch_size, self._shuffle, self._seeds)
            if self._seeds is not None:
                self._order = order
        steps = int(math.ceil(n / self._batch_size))
        # Plain arrays (the common case) are sliced directly; nested inputs through tf.nest.
        flat = all(v is None or type(v) is np.ndarray for v in self._arrays)
        for step in range(steps):
            lo, hi = step * self._batch_size, min(n, (step + 1) * self._batch_size)
            index = order[lo:hi] if order is not None else slice(lo, hi)
            if flat:
                x, y, sw = [
                    None if v is None else tf.convert_to_tensor(v[index]) for v in self._arrays
                ]
            else:
                batch = tf.nest.map_structure(
                    lambda v, i=index: None if v is None else tf.convert_to_tensor(v[i]),
                    self._arrays,
                )
                x, y, sw = batch
            yield (x,) if y is None and sw is None else ((x, y) if sw is None else (x, y, sw))

    def _dataset_batches(self):
        for data in self._dataset:
            if self._class_weight is not None:
                x, y, sw = unpack_x_y_sample_weight(data)
                sw = tf.constant(class_weight_to_sample_weights(y, self._class_weight))
                data = (x, y, sw)
            yield data

    def __iter__(self):
        from .. import config

        cap = config.max_steps_per_epoch()
        if cap:
            for step, data in self._iter():
                if step >= cap:
                    return
                yield step, data
            return
        yield from self._iter()

    def _iter(self):
        if self._dataset is not None:
            source = self._dataset_batches()
            if self._steps_per_epoch is not None:
                # steps_per_epoch with a dataset keeps reading the same iterator across epochs
                if self._iterator is None:
                    self._iterator = iter(self._repeating())
                source = self._iterator
        else:
            source = self._array_batches()
        for step, data in enumerate(source):
            yield step, data
            if self._steps_per_epoch is not None and step + 1 >= self._steps_per_epoch:
                break

    def _repeating(self):
        while True:
            empty = True
            for data in self._dataset_batches():
                empty = False
                yield data
            if empty:
                return
