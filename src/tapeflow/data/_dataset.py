"""`tf.data.Dataset`: TF's input pipelines, run eagerly on NumPy.

A dataset is a recipe; iterating it (`for x in ds`, `iter(ds)`) makes a fresh iterator, so
re-iterating restarts (and reshuffles when asked). Inside the pipeline elements are nests of
NumPy arrays; the user sees EagerTensors (TF's dtypes: Python floats float32, ints int32,
NumPy dtypes kept), or NumPy values from `as_numpy_iterator()`.

Array pipelines are planned, not looped: a dataset over in-memory arrays or ranges
(`from_tensor_slices`, `range`, and `shuffle`, `repeat`, `take`, `skip`, `shard`, `cache`,
`prefetch`, `zip`, `enumerate` over them) is a stream of index blocks over the arrays
(`_Plan`); `batch` then gathers each batch with one NumPy fancy index per component, and
the shuffle walks indices, not elements. `map`, `filter` and the rest run element by
element.

Differences from TF, by design: TF traces `map`/`filter`/`flat_map`/`scan`/`reduce` functions once
into a graph (a Python `print` in them prints once, with symbolic tensors); here they run
eagerly on every element, receiving EagerTensors (a `print` prints per element). A mapped
dataset's `element_spec` is read from the function's result on the first element (computed
when first asked; that call is one extra run of the function): an output shaped like an
input takes that input's spec, and sizes that match an input's unknown dimension (a batch
dimension) stay unknown, as TF's static shape inference has them; a size that depends on
the values (`tf.range(v)`) shows the first element's size where TF shows None.
`num_parallel_calls` and `deterministic` are accepted and run sequentially (the order is
always the deterministic one).

Random ops in those functions draw as in TF's traced graphs (`_Iteration`): the global seed
of when the dataset was made, op seeds 0, 1, ... per function instead of the eager sequence,
and kernels that go on from element to element and start afresh with each iterator.
"""

from __future__ import annotations

import abc
import os

import numpy as np

import tapeflow as tf
import tapeflow.ops.graph_seeds as graph_seeds

from . import _file_cache, _options, _shuffle
from . import _structure as st

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2

# TF's graph seed when only an op seed is given (random_seed.DEFAULT_GRAPH_SEED).
_INT64_MAX = 2**63 - 1
_END = object()
# A finite planned input up to this length is shuffled as one permutation.
_PERMUTED = 1 << 24


class _Peeking:
    """While set, shuffle iterators reuse their dataset's current seeds instead of drawing
    the next epoch's: reading a first element to learn a function's output spec must not
    change the orders the user later sees."""

    depth = 0

    def __enter__(self):
        _Peeking.depth += 1

    def __exit__(self, *exc):
        _Peeking.depth -= 1


class _Iteration:
    """What one iterator owns, active while it is created or advanced (`with iteration:`):
    its functions' random kernels and the rewrites TF's optimizer applies to the pipeline.

    TF traces a dataset's functions into graphs when the dataset is made (see
    `graph_seeds`: the global seed of that moment; under it op seeds 0, 1, ... per function,
    and kernels that go on from element to element). Their kernels belong to the iterator: a
    new iterator (each `for` over the dataset) draws the same values again, two live
    iterators draw independently, and the inner iterators one iterator re-creates (repeat's
    epochs) go on with its kernels. The rewrites follow the iterated dataset's
    `options().experimental_optimization`.
    """

    current = None

    def __init__(self, dataset):
        self.seeds: dict = {}
        options = dataset._options_attr
        self.optimization = None if options is None else options.experimental_optimization

    def __enter__(self):
        self.outer, _Iteration.current = _Iteration.current, self

    def __exit__(self, *exc):
        _Iteration.current = self.outer

    @staticmethod
    def seeds_of(dataset, role: str = ""):
        """The `FunctionSeeds` of `dataset`'s function (`role` names one of several) in the
        current iterator (fresh without one)."""
        iteration = _Iteration.current
        seeds = None if iteration is None else iteration.seeds.get((dataset, role))
        if seeds is None:
            seeds = graph_seeds.FunctionSeeds(dataset._traced_global_seed)
            if iteration is not None:
                iteration.seeds[(dataset, role)] = seeds
        return seeds

    @staticmethod
    def rewrites(name: str) -> bool:
        """Whether TF's default-on rewrite `name` (`map_and_batch_fusion`, ...) runs."""
        iteration = _Iteration.current
        if iteration is None or iteration.optimization is None:
            return True
        return iteration.optimization.enabled(name)


def _seed_pair(seed):
    """TF's `(seed, seed2)` for a dataset op seed, or None for a nondeterministic shuffle.

    TF derives them with `tf.compat.v1.random.get_seed(seed)`: after `tf.random.set_seed`
    an unseeded dataset draws the next op seed of the global sequence.
    """
    seeds = tf.compat.v1.random.get_seed(seed)
    return None if seeds[0] is None else seeds


def _invalid(message: str, op: str):
    return tf.errors.InvalidArgumentError(None, None, f"{message} [Op:{op}]")


def _out_of_range():
    return tf.errors.OutOfRangeError(None, None, "End of sequence [Op:IteratorGetNext]")


class _Plan:
    """A dataset over in-memory arrays, as index streams.

    `arrays` are the element's flattened components (anything indexable along its first
    axis: NumPy arrays, or a `_Counter` for ranges), `template` the element structure, and
    `orders()`, called once per iterator, iterates over int64 index blocks of shape (n, g)
    whose rows, concatenated, are the elements in order: component i of an element is
    `arrays[i][row[groups[i]]]`. Sources have one group; `zip` puts its inputs' groups side
    by side, so shuffling, taking or batching rows moves every input together.
    """

    __slots__ = ("arrays", "groups", "template", "orders")

    def __init__(self, arrays, groups, template, orders):
        self.arrays = arrays
        self.groups = groups
        self.template = template
        self.orders = orders

    def derive(self, orders):
        return _Plan(self.arrays, self.groups, self.template, orders)

    def gather(self, rows):
        """The components at the index rows `rows` ((n, g) for a batch, (g,) for one)."""
        if rows.ndim == 1:
            return [a[rows[g]] for a, g in zip(self.arrays, self.groups)]
        return [a[rows[:, g]] for a, g in zip(self.arrays, self.groups)]


class _Counter:
    """A range's values, computed from positions (`counter[positions]`) rather than stored:
    `range(start, 2**63 - 1)` (enumerate's counter) stays an array pipeline."""

    def __init__(self, start: int, step: int, dtype):
        self.start, self.step, self.dtype = start, step, dtype

    def __getitem__(self, positions):
        values = np.asarray(positions, np.int64) * self.step + self.start
        return values.astype(self.dtype)


# Positions per index block for sources too long to index in one array.
_BLOCK = 1 << 16


def _positions(n: int):
    """Index blocks (shape (k, 1)) for positions 0 .. n - 1."""
    if n <= _BLOCK:
        return iter([np.arange(n, dtype=np.int64)[:, None]])

    def gen():
        for start in range(0, n, _BLOCK):
            yield np.arange(start, min(n, start + _BLOCK), dtype=np.int64)[:, None]

    return gen()


def _count(value, name: str) -> int:
    """An int64 scalar argument, converted as TF converts it (a tensor must be int64 already;
    a float is refused)."""
    if isinstance(value, tf.Tensor):
        if value.dtype != tf.int64:
            raise ValueError(
                f"{name}: Tensor conversion requested dtype int64 for Tensor with dtype "
                f"{value.dtype.name}: {value!r}"
            )
        return int(value.numpy())
    if isinstance(value, (bool, int, np.integer)):
        return int(value)
    raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype int64")


def _dims_compatible(a, b):
    if a is None or b is None:
        return None
    return a if a == b else None


def _merge_spec(a, b):
    """The most specific spec compatible with both, or None when the dtypes differ."""
    if isinstance(a, tf.data.DatasetSpec) or isinstance(b, tf.data.DatasetSpec):
        return a if a == b else None
    if a.dtype != b.dtype:
        return None
    sa, sb = a.shape, b.shape
    if sa.rank is None or sb.rank is None or sa.rank != sb.rank:
        return tf.TensorSpec(None, a.dtype)
    return tf.TensorSpec([_dims_compatible(x, y) for x, y in zip(sa, sb)], a.dtype)


def _call(fn, element):
    """Calls a user function as TF does: a tuple element is unpacked into arguments."""
    args = st.to_tensors(element)
    if type(args) is tuple:
        return fn(*args)
    return fn(args)


class Dataset:
    """A TF input pipeline (`tf.data.Dataset`).

    Build one with `from_tensor_slices`, `from_tensors` or `range`, chain transformations,
    iterate it with `for` or `iter()`. `element_spec` describes an element (a nest of
    `tf.TensorSpec`s); iterating an array pipeline (`from_tensor_slices(...).shuffle(...)
    .batch(n)`) gathers whole batches with NumPy, so a training loop (or Keras' `fit`) can
    iterate it directly; `as_numpy_iterator()` yields the same batches as NumPy values.
    """

    _tf_name = "Dataset"
    _single_element_iteration = None  # get_single_element's `_Iteration`, once called
    _options_attr = None  # the merged `Options` of this dataset and its inputs, if any set

    def __init__(self, inputs=()):
        self._inputs = tuple(inputs)
        self._spec = _END
        given = [d._options_attr for d in self._inputs if d._options_attr is not None]
        if len(given) == 1:
            self._options_attr = given[0]  # frozen: shared
        elif given:
            self._options_attr = _options.merge_options(*given)
            self._options_attr._set_mutable(False)

    # -- what subclasses define
    def _compute_spec(self):
        return self._inputs[0].element_spec

    def _cardinality(self) -> int:
        return self._inputs[0]._cardinality()

    def _elements(self):
        """A fresh iterator over pipeline elements (made eagerly: TF creates the iterators
        of a pipeline, and draws their shuffle seeds, when the outer iterator is made)."""
        raise TypeError(f"{type(self).__name__} cannot be iterated")

    def _plan(self):
        return None

    # -- public API
    @property
    def element_spec(self):
        """The type specification of an element: a nest of `tf.TensorSpec`s."""
        if self._spec is _END:
            self._spec = self._compute_spec()
        return self._spec

    def cardinality(self):
        """The number of elements as an int64 scalar tensor; `tf.data.INFINITE_CARDINALITY`
        (-1) or `tf.data.UNKNOWN_CARDINALITY` (-2) when not a finite known number."""
        return tf.constant(self._cardinality(), tf.int64)

    def __len__(self) -> int:
        n = self._cardinality()
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self) -> bool:
        return True  # as TF: a dataset is truthy even when empty

    def __iter__(self):
        return OwnedIterator(self)

    def __repr__(self) -> str:
        return f"<{self._tf_name} element_spec={self.element_spec!r}>"

    __str__ = __repr__

    def as_numpy_iterator(self):
        """An iterator over the elements as NumPy values (0-d values as NumPy scalars)."""
        for spec in st.flatten(self.element_spec):
            if not isinstance(spec, tf.TensorSpec):
                raise TypeError(
                    "`tf.data.Dataset.as_numpy_iterator()` is not supported for datasets "
                    "that produce values of type <class 'tensorflow.python.data.ops."
                    "dataset_ops.DatasetV2'>"
                )
        return NumpyIterator(OwnedIterator(self))

    # -- sources
    @staticmethod
    def from_tensor_slices(tensors, name=None) -> Dataset:
        """A dataset of the slices of `tensors` along their first dimension."""
        return _TensorSliceDataset(tensors)

    @staticmethod
    def from_tensors(tensors, name=None) -> Dataset:
        """A dataset of one element, `tensors`."""
        return _TensorDataset(tensors)

    @staticmethod
    def from_generator(
        generator,
        output_types=None,
        output_shapes=None,
        args=None,
        output_signature=None,
        name=None,
    ) -> Dataset:
        """A dataset of what `generator(*args)` yields (called anew for each iterator),
        converted to and checked against `output_signature` (or `output_types` and
        `output_shapes`) as TF does; `args` reach the generator as NumPy values.

        TF's wart, matched: with known shapes (a structure, or one spec of known rank) values
        convert with NumPy's `astype` (1.5 becomes 1 for an int32 spec, 2**40 wraps), for a
        single spec of unknown rank with `convert_to_tensor` (which refuses 1.5). An
        exception the generator raises reaches the caller as TF's py_func error (ValueError
        and TypeError as InvalidArgumentError, most others as UnknownError).
        """
        if not callable(generator):
            raise TypeError("`generator` must be a Python callable.")
        if output_signature is not None:
            if output_types is not None:
                raise TypeError(
                    "The `output_types` argument can not be used together with the "
                    "`output_signature` argument."
                )
            if output_shapes is not None:
                raise TypeError(
                    "The `output_shapes` argument can not be used together with the "
                    "`output_signature` argument."
                )
            for spec in st.flatten(output_signature):
                if not isinstance(spec, tf.TensorSpec):
                    raise TypeError(
                        "`output_signature` must contain objects that are subclass of "
                        f"`tf.TypeSpec` but found {type(spec)} which is not."
                    )
            types = st.map_structure(lambda spec: spec.dtype, output_signature)
        else:
            if output_types is None:
                raise TypeError(
                    "To specify the output signature you need to provide either the "
                    "`output_signature` argument or the `output_types` argument."
                )
            types = st.map_structure(tf.as_dtype, output_types)
            flat_types = st.flatten(types)
            if output_shapes is None:
                shapes = [None] * len(flat_types)
            else:
                shapes = _flatten_shapes(output_shapes, types)
            output_signature = st.pack(
                types, [tf.TensorSpec(shape, dtype) for shape, dtype in zip(shapes, flat_types)]
            )
        return _GeneratorDataset(generator, args, output_signature, types)

    @staticmethod
    def range(*args, output_type=tf.int64, name=None) -> Dataset:
        """`range(stop)`, `range(start, stop[, step])` as a dataset of `output_type` scalars."""
        return _RangeDataset(args, output_type)

    @staticmethod
    def zip(*args, datasets=None, name=None) -> Dataset:
        """Zips a nest of datasets: `zip((a, b))` and `zip(a, b)` are the same."""
        if datasets is None:
            if not args:
                raise TypeError("Must pass at least one dataset to `zip`.")
            datasets = args[0] if len(args) == 1 else args
        return _ZipDataset(datasets)

    # -- transformations
    def batch(
        self,
        batch_size,
        drop_remainder=False,
        num_parallel_calls=None,
        deterministic=None,
        name=None,
    ) -> Dataset:
        """Stacks `batch_size` consecutive elements; the last batch may be smaller unless
        `drop_remainder`."""
        batch_class = _BatchDataset if num_parallel_calls is None else _ParallelBatchDataset
        return batch_class(self, _count(batch_size, "batch_size"), bool(drop_remainder))

    def padded_batch(
        self,
        batch_size,
        padded_shapes=None,
        padding_values=None,
        drop_remainder=False,
        name=None,
    ) -> Dataset:
        """Batches elements of different shapes, padding each component to `padded_shapes`
        (unknown dimensions: the largest in the batch) with `padding_values` (default 0)."""
        return _PaddedBatchDataset(
            self,
            _count(batch_size, "batch_size"),
            padded_shapes,
            padding_values,
            bool(drop_remainder),
        )

    def unbatch(self, name=None) -> Dataset:
        """Splits each element along its first dimension into elements."""
        return _UnbatchDataset(self)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        """Shuffles with a buffer of `buffer_size` elements, in TF's exact order for a given
        seed (TF's kernel on TF's Philox stream). See `_seed_pair` for how the seed is read."""
        return _ShuffleDataset(
            self, _count(buffer_size, "buffer_size"), seed, bool(reshuffle_each_iteration)
        )

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """Applies `map_func` to each element (a tuple element is passed as arguments).

        TF traces `map_func` once into a graph, so Python side effects (a `print`) happen
        once, with symbolic tensors. tapeflow calls it eagerly on every element with
        EagerTensors, so a `print` prints per element. Pass
        `tf.function(map_func)` to have it traced once and replayed (TF's
        side-effect behaviour, and faster for small tensors). A dataset's `element_spec`
        comes from the result on the first element (one extra call, when first asked, that
        draws no random values anyone sees). Random ops draw as in TF's graph: see the
        module docstring.
        """
        if num_parallel_calls is None:
            return _MapDataset(self, map_func)
        return _ParallelMapDataset(self, map_func)

    def filter(self, predicate, name=None) -> Dataset:
        """Keeps the elements for which `predicate` returns a true `tf.bool` scalar.

        `predicate` runs eagerly per element (TF traces it once); a result that is not a
        `tf.bool` scalar raises TF's ValueError when the element is reached (TF: at
        construction).
        """
        return _FilterDataset(self, predicate)

    def flat_map(self, map_func, name=None) -> Dataset:
        """Maps each element to a dataset and flattens the results in order."""
        return _FlatMapDataset(self, map_func)

    def interleave(
        self,
        map_func,
        cycle_length=None,
        block_length=None,
        num_parallel_calls=None,
        deterministic=None,
        name=None,
    ) -> Dataset:
        """Maps each element to a dataset and interleaves `cycle_length` of them at a time,
        `block_length` consecutive elements from each (TF's round-robin order).

        `cycle_length=None` (AUTOTUNE) is the number of schedulable CPU cores, as TF's
        kernel takes it. With `num_parallel_calls` the inner datasets still run one after
        another here, so the order is always the deterministic one (a valid order for
        `deterministic=False` too).
        """
        cycle = AUTOTUNE if cycle_length is None else _count(cycle_length, "cycle_length")
        block = 1 if block_length is None else _count(block_length, "block_length")
        if cycle == AUTOTUNE:
            cycle = _cpu_count()
        if cycle <= 0:
            raise _invalid("cycle_length must be greater than zero.", "InterleaveDataset")
        if block <= 0:
            raise _invalid("block_length must be greater than zero.", "InterleaveDataset")
        parallel = num_parallel_calls is not None
        return _InterleaveDataset(self, map_func, cycle, block, parallel)

    def repeat(self, count=None, name=None) -> Dataset:
        """Repeats the dataset `count` times (forever when None or -1)."""
        return _RepeatDataset(self, -1 if count is None else _count(count, "count"))

    def take(self, count, name=None) -> Dataset:
        """The first `count` elements (all when -1)."""
        return _TakeDataset(self, _count(count, "count"))

    def skip(self, count, name=None) -> Dataset:
        """All but the first `count` elements (none when -1)."""
        return _SkipDataset(self, _count(count, "count"))

    def prefetch(self, buffer_size, name=None) -> Dataset:
        """Prefetching: the same elements (tapeflow's pipelines run in the caller's thread)."""
        return _PrefetchDataset(self)

    def cache(self, filename="", name=None) -> Dataset:
        """Caches the elements of the first complete iteration; later iterations replay them.

        In memory, or in files named `filename` (`_file_cache`: TF's file names and locking,
        and a cache already there is read whichever pipeline wrote it, as in TF; the
        contents are tapeflow's own, not TF's TensorBundle).
        """
        if not isinstance(filename, str):
            if isinstance(filename, (bool, int, float)):
                raise TypeError(f"Cannot convert {filename!r} to EagerTensor of dtype string")
            raise ValueError(
                f"Attempt to convert a value ({filename!r}) with an unsupported type "
                f"({type(filename)}) to a Tensor."
            )
        if filename:
            return _FileCacheDataset(self, filename)
        return CacheDataset(self)

    def options(self):
        """The `tf.data.Options` of this dataset and its inputs, merged (a frozen copy:
        setting one raises TF's ValueError)."""
        options = self._options_attr
        options = _options.Options() if options is None else options._copy()
        options._set_mutable(False)
        return options

    def with_options(self, options, name=None) -> Dataset:
        """This dataset with `options` merged into its options (the later of two non-default
        values wins, with TF's warning). See `tf.data.Options` for the options tapeflow
        follows."""
        return _OptionsDataset(self, options)

    def enumerate(self, start=0, name=None) -> Dataset:
        """Pairs each element with its int64 index, counting from `start`."""
        counter = Dataset.range(_count(start, "start"), _INT64_MAX)
        return _ZipDataset((counter, self))

    def concatenate(self, dataset, name=None) -> Dataset:
        """This dataset's elements followed by `dataset`'s."""
        return _ConcatenateDataset(self, dataset)

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        """Groups elements into windows (datasets) of `size`, starting every `shift`
        elements, taking every `stride`-th element; a tuple element gives a tuple of
        datasets, as in TF."""
        size = _count(size, "size")
        shift = size if shift is None else _count(shift, "shift")
        stride = _count(stride, "stride")
        return _WindowDataset(self, size, shift, stride, bool(drop_remainder))

    def apply(self, transformation_func) -> Dataset:
        """`transformation_func(self)`, which must return a dataset."""
        result = transformation_func(self)
        if not isinstance(result, Dataset):
            raise TypeError(
                f"`transformation_func` must return a `tf.data.Dataset` object. Got {type(result)}."
            )
        return result

    def shard(self, num_shards, index, name=None) -> Dataset:
        """Every `num_shards`-th element, starting at `index`."""
        num_shards = _count(num_shards, "num_shards")
        index = _count(index, "index")
        return _ShardDataset(self, num_shards, index)

    def scan(self, initial_state, scan_func, name=None) -> Dataset:
        """Threads a state through the elements: `(state, out) = scan_func(state, element)`
        gives each output. TF checks `scan_func`'s result when tracing it; here at its first
        call (TF's TypeErrors and texts)."""
        return _ScanDataset(self, initial_state, scan_func)

    @staticmethod
    def random(seed=None, rerandomize_each_iteration=None, name=None) -> Dataset:
        """Infinite int64 scalars: the 32-bit words of TF's Philox stream for the seeds
        (`tf.random.set_seed` and `seed`, read as a shuffle reads them), bit for bit TF's.
        Each iteration repeats them, or with `rerandomize_each_iteration` draws new seeds as
        a reshuffling shuffle does."""
        if seed is not None:
            _count(seed, "seed")
        return _RandomDataset(seed, bool(rerandomize_each_iteration))

    @staticmethod
    def counter(start=0, step=1, dtype=tf.int64, name=None) -> Dataset:
        """`start`, `start + step`, ... forever, of `dtype` (TF builds it with `scan`)."""
        start = tf.cast(start, dtype)
        step = tf.cast(step, dtype)
        counting = Dataset.from_tensors(0).repeat(None)
        return counting.scan(start, lambda state, _: (state + step, state))

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True) -> Dataset:
        """The next element of `datasets[i]` for each `i` of `choice_dataset` (scalar int64);
        an exhausted input ends the result (`stop_on_empty_dataset`) or is skipped."""
        datasets = list(datasets) if datasets is not None else []
        if not datasets:
            raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
        if not isinstance(choice_dataset, Dataset):
            raise TypeError(
                "Invalid `choice_dataset`. `choice_dataset` should be a `tf.data.Dataset` but "
                f"is {type(choice_dataset)}."
            )
        spec = choice_dataset.element_spec
        if not (
            isinstance(spec, tf.TensorSpec) and spec.dtype == tf.int64 and spec.shape.rank == 0
        ):
            raise TypeError(
                "Invalid `choice_dataset`. Elements of `choice_dataset` must be scalar `tf.int64` "
                f"tensors but are {spec}."
            )
        return _DirectedInterleaveDataset(choice_dataset, datasets, bool(stop_on_empty_dataset))

    @staticmethod
    def sample_from_datasets(
        datasets,
        weights=None,
        seed=None,
        stop_on_empty_dataset=False,
        rerandomize_each_iteration=None,
    ) -> Dataset:
        """Elements of `datasets` drawn at random by `weights` (uniform when None; a dataset
        of weight vectors varies them per draw).

        Built as TF builds it, so the draws are TF's: each choice is
        `stateless_categorical(log(weights), 1)` seeded by two words of
        `Dataset.random(seed, rerandomize_each_iteration)`; inputs of weight 0 are dropped
        first, and a single input is returned itself.
        """
        datasets = list(datasets) if datasets is not None else []
        if not datasets:
            raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
        seeds = Dataset.random(seed=seed, rerandomize_each_iteration=rerandomize_each_iteration)
        seeds = seeds.batch(2)

        def pick(logits, seed):
            draw = tf.random.stateless_categorical(logits, 1, seed=seed)
            return tf.squeeze(draw, axis=[0, 1])

        if isinstance(weights, Dataset):
            logits = weights.map(lambda *p: tf.math.log(p))
            choices = Dataset.zip((logits, seeds)).map(pick)
        else:
            if weights is None:
                logits = [[1.0] * len(datasets)]
            else:
                if isinstance(weights, tf.Tensor):
                    if not weights.shape.is_compatible_with([len(datasets)]):
                        raise ValueError(
                            "Invalid `weights`. The shape of `weights` should be compatible "
                            f"with `[len(datasets)]` but is {weights.shape}."
                        )
                else:
                    if len(datasets) != len(weights):
                        raise ValueError(
                            "Invalid `weights`. `weights` should have the same length as "
                            f"`datasets` but got `len(weights)={len(weights)}` vs. "
                            f"`len(datasets)={len(datasets)}`."
                        )
                    kept = [(d, w) for d, w in zip(datasets, weights) if w > 0]
                    datasets, weights = (
                        [list(t) for t in zip(*kept)] if kept else ([datasets[0].take(0)], [1.0])
                    )
                weights = tf.convert_to_tensor(weights)
                if weights.dtype not in (tf.float32, tf.float64):
                    raise TypeError(
                        "Invalid `weights`. `weights` type must be either `tf.float32` or "
                        f"`tf.float64` but is {weights.dtype}."
                    )
                logits = tf.expand_dims(tf.math.log(weights), 0)
            if len(datasets) == 1:
                return datasets[0]
            choices = seeds.map(lambda seed: pick(logits, seed))
        return Dataset.choose_from_datasets(datasets, choices, stop_on_empty_dataset)

    def group_by_window(
        self, key_func, reduce_func, window_size=None, window_size_func=None, name=None
    ) -> Dataset:
        """Groups elements by `key_func` (an int64 scalar) into windows of `window_size` (or
        `window_size_func(key)`) elements; each full window goes through
        `reduce_func(key, window_dataset)`, and at the end the partial windows do, in
        ascending key order (TF's ordered map of groups). TF checks the functions' results
        when tracing them; here at their first call (TF's errors and texts)."""
        if (window_size is not None and window_size_func) or not (
            window_size is not None or window_size_func
        ):
            raise ValueError(
                "Either the `window_size` argument or the `window_size_func` argument must be "
                "specified."
            )
        if window_size is not None:
            size = window_size

            def window_size_func(unused_key):
                return tf.convert_to_tensor(size, dtype=tf.int64)

        return _GroupByWindowDataset(self, key_func, reduce_func, window_size_func)

    def bucket_by_sequence_length(
        self,
        element_length_func,
        bucket_boundaries,
        bucket_batch_sizes,
        padded_shapes=None,
        padding_values=None,
        pad_to_bucket_boundary=False,
        no_padding=False,
        drop_remainder=False,
        name=None,
    ) -> Dataset:
        """Batches elements of similar length: bucket `i` holds lengths in
        `[bucket_boundaries[i-1], bucket_boundaries[i])` and is padded-batched
        `bucket_batch_sizes[i]` at a time. Built on `group_by_window` as TF builds it."""
        if len(bucket_batch_sizes) != len(bucket_boundaries) + 1:
            raise ValueError(
                "`len(bucket_batch_sizes)` must equal `len(bucket_boundaries) + 1` but "
                f"`len(bucket_batch_sizes)={len(bucket_batch_sizes)}` and "
                f"`len(bucket_boundaries)={len(bucket_boundaries)}`."
            )
        batch_sizes = tf.constant(bucket_batch_sizes, dtype=tf.int64)
        boundaries = list(bucket_boundaries)
        lows = [np.iinfo(np.int32).min] + boundaries
        highs = boundaries + [np.iinfo(np.int32).max]

        def bucket_of(*args):
            length = tf.convert_to_tensor(element_length_func(*args))
            if length.dtype != tf.int32:
                # TF's traced comparison with the int32 boundaries refuses other dtypes.
                raise TypeError(
                    f"Input 'y' of 'LessEqual' Op has type {length.dtype.name} that does not "
                    "match type int32 of argument 'x'."
                )
            inside = tf.logical_and(tf.less_equal(lows, length), tf.less(length, highs))
            return tf.reduce_min(tf.where(inside))

        def size_of(bucket):
            return batch_sizes[bucket]

        def padded(shapes, filler):
            return st.map_structure(
                lambda shape: [filler if d is None else d for d in tf.TensorShape(shape)],
                shapes,
            )

        def batch(bucket, window):
            size = size_of(bucket)
            if no_padding:
                return window.batch(size, drop_remainder=drop_remainder)
            filler = None
            if pad_to_bucket_boundary:
                try:
                    tf.debugging.assert_less(
                        bucket,
                        tf.constant(len(bucket_batch_sizes) - 1, dtype=tf.int64),
                        message="When pad_to_bucket_boundary=True, elements must have length "
                        "< max(bucket_boundaries).",
                    )
                except tf.errors.InvalidArgumentError as e:
                    # TF's assertion fails inside the traced batching function: InternalError.
                    raise tf.errors.InternalError(
                        None,
                        None,
                        f"Got error code INVALID_ARGUMENT and message: {{\n{e}\n}} \nfrom "
                        "running user-defined function Dataset.group_by_window batching_fn: "
                        " [Op:IteratorGetNext]",
                    ) from e
                filler = int(tf.constant(bucket_boundaries, dtype=tf.int64)[bucket]) - 1
            shapes = padded_shapes
            if shapes is None and filler is not None:
                # A mapped spec's sizes come from its first element here (see the module
                # docstring): boundary padding then needs `padded_shapes` for such sizes.
                shapes = st.map_structure(lambda spec: spec.shape, window.element_spec)
            if shapes is not None:
                shapes = padded(shapes, filler)
            return window.padded_batch(size, shapes, padding_values, drop_remainder=drop_remainder)

        grouped = self.group_by_window(bucket_of, batch, window_size_func=size_of)
        # TF's static spec: the batch size and the boundary padding come from the traced
        # bucket id, so those sizes are unknown; given padded shapes stay.
        given = None if no_padding or padded_shapes is None else padded(padded_shapes, None)

        def batched(spec, dims=None):
            dims = spec.shape if dims is None else tf.TensorShape(dims)
            if pad_to_bucket_boundary and not no_padding:
                dims = [None] * len(dims)
            return tf.TensorSpec([None, *dims], spec.dtype)

        spec = self.element_spec
        if given is None:
            grouped._spec = st.map_structure(batched, spec)
        else:
            leaves = [batched(s, d) for s, d in zip(st.flatten(spec), _flat_shapes(given))]
            grouped._spec = st.pack(spec, leaves)
        return grouped

    def unique(self, name=None) -> Dataset:
        """The elements not seen before, in order (int32 or int64 elements, one component)."""
        spec = self.element_spec
        if isinstance(spec, tf.TensorSpec) and spec.dtype not in (tf.int32, tf.int64):
            raise TypeError(
                f"`tf.data.Dataset.unique` does not support type {spec.dtype} -- only "
                "`tf.int32`, `tf.int64`, and `tf.string` are supported."
            )
        if len(st.flatten(spec)) != 1:
            raise _invalid(
                "UniqueDataset only supports inputs with a single component.", "UniqueDataset"
            )
        return _UniqueDataset(self)

    def take_while(self, predicate, name=None) -> Dataset:
        """The elements up to the first for which `predicate` is false."""
        return _TakeWhileDataset(self, predicate)

    def get_single_element(self, name=None):
        """The one element of a one-element dataset (TF's errors for none or more).

        TF's wart: the random ops of the dataset's functions keep their kernels from one
        call to the next (each `for` over the dataset starts them afresh).
        """
        if self._single_element_iteration is None:
            self._single_element_iteration = _Iteration(self)
        with self._single_element_iteration:
            it = self._elements()
            element = next(it, _END)
            if element is _END:
                raise _invalid("Dataset was empty.", "DatasetToSingleElement")
            if next(it, _END) is not _END:
                raise _invalid("Dataset had more than one element.", "DatasetToSingleElement")
        return st.to_tensors(element)

    def reduce(self, initial_state, reduce_func):
        """Folds the elements into a state: `state = reduce_func(state, element)`.

        Random ops in `reduce_func` draw as in TF's traced function (`graph_seeds`).
        """
        state = st.to_tensors(st.normalize(initial_state))
        expected = [leaf.dtype for leaf in st.flatten(state)]
        seeds = graph_seeds.FunctionSeeds(graph_seeds.global_seed())
        with _Iteration(self):
            for element in self._elements():
                with seeds.call():
                    new = reduce_func(state, st.to_tensors(element))
                new = st.to_tensors(st.from_user(new))
                got = [leaf.dtype for leaf in st.flatten(new)]
                if got != expected:
                    raise TypeError(
                        "The element types for the new state must match the initial state. "
                        f"Expected {_dtypes_text(state)} but got {_dtypes_text(new)}."
                    )
                state = new
        return state


def _dtypes_text(structure) -> str:
    """Dtypes as TF prints them: a structure of `tf.int64`s, or one `<dtype: 'int64'>`."""

    def dtype_of(leaf):
        return leaf if isinstance(leaf, tf.DType) else leaf.dtype

    if isinstance(structure, (tuple, dict)):
        return repr(st.map_structure(lambda t: _DtypeName(dtype_of(t)), structure))
    return f"<dtype: '{dtype_of(structure).name}'>"


class _DtypeName:
    def __init__(self, dtype):
        self.dtype = dtype

    def __repr__(self) -> str:
        return f"tf.{self.dtype.name}"


class DatasetSpec:
    """The spec of an element that is itself a dataset (`window`'s elements)."""

    def __init__(self, element_spec, dataset_shape=()):
        self._element_spec = element_spec
        self._dataset_shape = tf.TensorShape(dataset_shape)

    @property
    def element_spec(self):
        return self._element_spec

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, DatasetSpec)
            and repr(self._element_spec) == repr(other._element_spec)
            and self._dataset_shape == other._dataset_shape
        )

    def __hash__(self) -> int:
        return hash(repr(self))

    def __repr__(self) -> str:
        return f"DatasetSpec({self._element_spec!r}, {self._dataset_shape!r})"


class Iterator(abc.ABC):
    """`tf.data.Iterator`: the abstract type of what `iter(dataset)` returns."""

    @property
    @abc.abstractmethod
    def element_spec(self):
        """The spec of the elements this iterator yields."""

    @abc.abstractmethod
    def get_next(self):
        """The next element (`tf.errors.OutOfRangeError` at the end)."""


class OwnedIterator(Iterator):
    """An iterator over a dataset (`iter(ds)`): `next(it)` or `it.get_next()`."""

    def __init__(self, dataset: Dataset):
        self._dataset = dataset
        self._iteration = _Iteration(dataset)
        with self._iteration:
            self._it = dataset._elements()

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        return self

    def __next__(self):
        return st.to_tensors(self._next_internal())

    def _next_internal(self):
        outer, _Iteration.current = _Iteration.current, self._iteration
        try:
            return next(self._it)
        finally:
            _Iteration.current = outer

    def get_next(self):
        """The next element; `tf.errors.OutOfRangeError` at the end."""
        try:
            return next(self)
        except StopIteration:
            raise _out_of_range() from None


class NumpyIterator:
    """`as_numpy_iterator()`'s iterator: elements as NumPy values."""

    def __init__(self, iterator: OwnedIterator):
        self._iterator = iterator

    def __iter__(self):
        return self

    def __next__(self):
        return st.map_structure(st.to_numpy, self._iterator._next_internal())

    def __repr__(self) -> str:
        return f"NumpyIterator(iterator={self._iterator!r})"


def _plan_elements(plan: _Plan):
    template = plan.template
    gather = plan.gather
    orders = plan.orders()

    def gen():
        for order in orders:
            for row in order:
                yield st.pack(template, gather(row))

    return gen()


class _SourceDataset(Dataset):
    def _elements(self):
        plan = self._plan()
        return _plan_elements(plan)


class _TensorSliceDataset(_SourceDataset):
    _tf_name = "_TensorSliceDataset"

    def __init__(self, tensors):
        super().__init__()
        element = st.normalize(tensors)
        leaves = st.flatten(element)
        for leaf in leaves:
            if st.is_dataset(leaf) or leaf.ndim == 0:
                raise ValueError("Unbatching a tensor is only supported for rank >= 1")
        n = leaves[0].shape[0]
        for leaf in leaves[1:]:
            if leaf.shape[0] != n:
                raise ValueError(f"Dimensions {n} and {leaf.shape[0]} are not compatible")
        self._n = int(n)
        self._arrays = leaves
        self._template = element

    def _compute_spec(self):
        return st.pack(
            self._template,
            [tf.TensorSpec(a.shape[1:], tf.as_dtype(a.dtype)) for a in self._arrays],
        )

    def _cardinality(self) -> int:
        return self._n

    def _plan(self):
        n = self._n
        groups = [0] * len(self._arrays)
        return _Plan(self._arrays, groups, self._template, lambda: _positions(n))


class _TensorDataset(Dataset):
    _tf_name = "_TensorDataset"

    def __init__(self, tensors):
        super().__init__()
        self._element = st.normalize(tensors)

    def _compute_spec(self):
        return st.spec_of(self._element)

    def _cardinality(self) -> int:
        return 1

    def _elements(self):
        return iter([self._element])


class _GeneratorDataset(Dataset):
    """`from_generator`: TF builds it as a flat_map over a generator state, hence its name."""

    _tf_name = "_FlatMapDataset"

    def __init__(self, generator, args, signature, types):
        super().__init__()
        self._generator = generator
        self._args = () if args is None else tuple(args)
        self._signature = signature
        self._types = types

    def _compute_spec(self):
        return self._signature

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _elements(self):
        args = [tf.convert_to_tensor(a).numpy() for a in self._args]
        signature, types = self._signature, self._types
        specs = st.flatten(signature)
        # TF's two paths (from_generator_op.py): with known shapes (any structure, or one
        # spec of known rank) a PyFunc converts each part with NumPy's `astype` (so 1.5 gives
        # 1 for an int32 spec, as in TF); for a single spec of unknown rank an EagerPyFunc
        # converts with `convert_to_tensor`, which refuses such values.
        lenient = not isinstance(signature, tf.TensorSpec) or signature.shape.rank is not None
        node = "PyFunc" if lenient else "EagerPyFunc"
        generator = self._generator

        def convert(value):
            leaves = _flatten_up_to(types, value)
            if leaves is None:
                expected = _dtypes_text(types) if lenient else repr(signature)
                _generator_error(
                    "`generator` yielded an element that did not match the expected "
                    f"structure. The expected structure was {expected}, but the yielded "
                    f"element was {value}.",
                    node,
                )
            out = []
            for leaf, spec in zip(leaves, specs):
                if lenient:
                    try:
                        array = np.asarray(leaf).astype(spec.dtype.as_numpy_dtype)
                    except (TypeError, ValueError):
                        _generator_error(
                            "`generator` yielded an element that could not be converted to "
                            f"the expected type. The expected type was {spec.dtype.name}, "
                            f"but the yielded element was {leaf}.",
                            node,
                        )
                else:
                    try:
                        array = tf.convert_to_tensor(leaf, dtype=spec.dtype).numpy()
                    except (TypeError, ValueError):
                        _generator_error(
                            "`generator` yielded an element that did not match the expected "
                            f"structure. The expected structure was {signature!r}, but the "
                            f"yielded element was {value}.",
                            node,
                        )
                shape = tf.TensorShape(array.shape)
                if not _shape_fits(shape, spec.shape):
                    _generator_error(
                        f"`generator` yielded an element of shape {array.shape} where an "
                        f"element of shape {spec.shape} was expected.",
                        node,
                    )
                out.append(array)
            return st.pack(signature, out)

        def gen():
            # The generator's own errors reach the user as TF's py_func reports them.
            try:
                it = iter(generator(*args))
            except Exception as e:
                _user_error(e, node)
            while True:
                try:
                    value = next(it)
                except StopIteration:
                    return
                except Exception as e:
                    _user_error(e, node)
                yield convert(value)

        return gen()


def _generator_error(message: str, node: str = "PyFunc"):
    raise tf.errors.InvalidArgumentError(
        None, None, f"TypeError: {message}\n\n\n\t [[{{{{node {node}}}}}]] [Op:IteratorGetNext]"
    )


# The Python exceptions TF's py_func kernel maps to error classes; any other is UnknownError.
_PY_ERRORS = (
    ((ValueError, TypeError), tf.errors.InvalidArgumentError),
    ((StopIteration,), tf.errors.OutOfRangeError),
    ((MemoryError,), tf.errors.ResourceExhaustedError),
    ((NotImplementedError,), tf.errors.UnimplementedError),
)


def _user_error(error: Exception, node: str):
    """TF's error for an exception the generator raised: the class by kind, its class and
    text first, then its traceback."""
    import traceback

    if isinstance(error, tf.errors.OpError):
        raise error
    cls = next((c for kinds, c in _PY_ERRORS if isinstance(error, kinds)), tf.errors.UnknownError)
    trace = "".join(traceback.format_exception(error)).rstrip("\n")
    raise cls(
        None,
        None,
        f"{type(error).__name__}: {error}\n{trace}\n\n\n\t [[{{{{node {node}}}}}]] "
        "[Op:IteratorGetNext]",
    ) from error


def _shape_fits(shape, spec_shape) -> bool:
    if spec_shape.rank is None:
        return True
    if shape.rank != spec_shape.rank:
        return False
    return all(want is None or have == want for have, want in zip(shape, spec_shape))


def _flatten_up_to(structure, value):
    """`value`'s parts matching `structure`'s leaves, or None when the nesting differs (as
    TF's `nest.flatten_up_to`: a list does not pass for a tuple)."""
    if isinstance(structure, dict):
        if not isinstance(value, dict) or sorted(value) != sorted(structure):
            return None
        out = []
        for key in sorted(structure):
            part = _flatten_up_to(structure[key], value[key])
            if part is None:
                return None
            out.extend(part)
        return out
    if isinstance(structure, tuple):
        if not isinstance(value, tuple) or len(value) != len(structure):
            return None
        out = []
        for s, v in zip(structure, value):
            part = _flatten_up_to(s, v)
            if part is None:
                return None
            out.extend(part)
        return out
    return [value]


class _RangeDataset(Dataset):
    _tf_name = "_RangeDataset"

    def __init__(self, args, output_type):
        super().__init__()
        names = ["stop"] if len(args) == 1 else ["start", "stop", "step"]
        args = [_count(a, n) for a, n in zip(args, names)]
        if len(args) == 1:
            start, stop, step = 0, args[0], 1
        elif len(args) == 2:
            start, stop, step = args[0], args[1], 1
        elif len(args) == 3:
            start, stop, step = args
        else:
            raise ValueError(
                f"Invalid `args`. The length of `args` should be between 1 and 3 "
                f"but was {len(args)}."
            )
        if step == 0:
            raise _invalid("step must be a non-zero integer.", "RangeDataset")
        self._range = range(start, stop, step)
        self._dtype = tf.as_dtype(output_type)

    def _compute_spec(self):
        return tf.TensorSpec([], self._dtype)

    def _cardinality(self) -> int:
        return len(self._range)

    def _plan(self):
        # A range is an array pipeline too (range(n).shuffle(n).batch(b) gathers, and
        # enumerate's counter zips with an array pipeline).
        r = self._range
        counter = _Counter(r.start, r.step, self._dtype.as_numpy_dtype)
        n = len(r)
        return _Plan([counter], [0], counter, lambda: _positions(n))

    def _elements(self):
        plan = self._plan()
        if plan is not None:
            return _plan_elements(plan)
        dtype = self._dtype.as_numpy_dtype
        rng = self._range

        def gen():
            for v in rng:
                yield np.array(v, dtype)

        return gen()


class _UnaryDataset(Dataset):
    """A transformation of one input; planned when its input is and it keeps the order's
    semantics (`_plan_orders`)."""

    def __init__(self, dataset):
        super().__init__((dataset,))
        self._input = dataset

    def _plan_orders(self, orders):
        return None

    def _plan(self):
        inner = self._input._plan()
        if inner is None:
            return None
        orders = self._plan_orders(inner.orders)
        return None if orders is None else inner.derive(orders)

    def _elements(self):
        plan = self._plan()
        if plan is not None:
            return _plan_elements(plan)
        return self._general(self._input._elements())

    def _general(self, it):
        return it


class _PrefetchDataset(_UnaryDataset):
    _tf_name = "_PrefetchDataset"

    def _plan_orders(self, orders):
        return orders


class _OptionsDataset(_UnaryDataset):
    _tf_name = "_OptionsDataset"

    def __init__(self, dataset, options):
        if not isinstance(options, _options.Options):
            # TF's errors: it serializes `options` with `_to_proto` into an Options proto.
            if isinstance(options, _options.OptionsBase):
                raise TypeError(
                    "Parameter to CopyFrom() must be instance of same class: expected <class "
                    "'tensorflow.core.framework.dataset_options_pb2.Options'> got <class "
                    f"'tensorflow.core.framework.dataset_options_pb2.{type(options).__name__}'>."
                )
            raise AttributeError(f"'{type(options).__name__}' object has no attribute '_to_proto'")
        super().__init__(dataset)
        inherited = self._options_attr or _options.Options()
        self._options_attr = inherited.merge(options)
        self._options_attr._set_mutable(False)

    def _plan_orders(self, orders):
        return orders


class _ShuffleDataset(_UnaryDataset):
    _tf_name = "_ShuffleDataset"

    def __init__(self, dataset, buffer_size, seed, reshuffle):
        if buffer_size <= 0 and buffer_size != UNKNOWN_CARDINALITY:
            raise _invalid(
                "buffer_size must be greater than zero or UNKNOWN_CARDINALITY",
                "ShuffleDatasetV3",
            )
        super().__init__(dataset)
        self._buffer_size = buffer_size
        self._reshuffle = reshuffle
        seeds = _seed_pair(seed)
        if seeds is None:
            rng = np.random.default_rng()
            seeds = tuple(int(v) for v in rng.integers(0, 2**63 - 1, size=2))
        self._seeds = seeds
        self._epoch = 0  # iterators made so far (TF's seed generator's draws / 2)

    def _iterator_seeds(self) -> tuple:
        if not self._reshuffle:
            return self._seeds
        epoch = self._epoch
        if not _Peeking.depth:
            self._epoch += 1
        return _shuffle.epoch_seeds(*self._seeds, epoch)

    def _buffer(self, n: int) -> int:
        if self._buffer_size == UNKNOWN_CARDINALITY:
            return n
        return self._buffer_size

    def _plan_orders(self, orders):
        n_in = self._input._cardinality()

        def shuffled():
            seeds = self._iterator_seeds()
            if 0 <= n_in <= _PERMUTED:
                blocks = list(orders())
                if not blocks:
                    return iter(())
                order = np.concatenate(blocks)
                n = len(order)
                return iter([order[_shuffle.permutation(n, self._buffer(n), *seeds)]])
            stream = (tuple(row) for chunk in orders() for row in chunk.tolist())
            # (An unknown buffer size buffers everything: on an infinite input TF never
            # yields, and neither does this.)
            buffered = _shuffle.shuffle_stream(stream, self._buffer(_INT64_MAX), *seeds)
            return _chunked(buffered)

        return shuffled

    def _general(self, it):
        seeds = self._iterator_seeds()
        return _shuffle.shuffle_stream(it, self._buffer(_INT64_MAX), *seeds)


def _chunked(rows, size: int = 4096):
    """Index rows (tuples) regrouped into (n, g) index blocks."""
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield np.array(chunk, np.int64)
            chunk = []
    if chunk:
        yield np.array(chunk, np.int64)


class _RepeatDataset(_UnaryDataset):
    _tf_name = "_RepeatDataset"

    def __init__(self, dataset, count):
        super().__init__(dataset)
        self._count = count

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if self._count == 0 or n == 0:
            return 0
        if n < 0:
            return n
        if self._count < 0:
            return INFINITE_CARDINALITY
        return n * self._count

    def _plan_orders(self, orders):
        count = self._count

        def repeated():
            self._check_fused()
            if count == 0:
                return iter(())  # TF makes no input iterator (and draws no shuffle seeds)
            # The first epoch's iterator is made now; later ones when the previous ends.
            first = orders()
            extra = self._makes_extra_iterator()

            def gen():
                current = first
                epoch = 0
                while count < 0 or epoch < count:
                    empty = True
                    for order in current:
                        empty = False
                        yield order
                    epoch += 1
                    if empty and count < 0:
                        return
                    if count < 0 or epoch < count or extra:
                        current = orders()

            return gen()

        return repeated

    def _makes_extra_iterator(self) -> bool:
        """TF's finite repeat makes its input's next iterator as soon as an epoch ends, the
        last one too (made and dropped: a shuffle upstream draws that epoch's seeds). The
        fused shuffle-and-repeat does not, nor `repeat(1)`, which TF's optimizer removes (each
        rewrite unless the options turn it off)."""
        count = self._count
        if count == 1:
            return not _Iteration.rewrites("noop_elimination") and not self._fused()
        return count > 1 and not self._fused()

    def _fused(self) -> bool:
        """Whether TF's optimizer fuses this repeat with the shuffle before it."""
        return isinstance(self._input, _ShuffleDataset) and _Iteration.rewrites(
            "shuffle_and_repeat_fusion"
        )

    def _check_fused(self):
        count = self._count
        if self._fused() and (count == 0 or count < -1):
            # TF's wart: its optimizer fuses shuffle().repeat(n) into ShuffleAndRepeatDataset,
            # whose iterator refuses the counts plain repeat accepts.
            raise tf.errors.InvalidArgumentError(
                None,
                None,
                "count must be greater than zero or equal to -1.\n\t [[{{node "
                "ShuffleAndRepeatDataset}}]] [Op:MakeIterator]",
            )

    def _elements(self):
        count = self._count
        self._check_fused()
        plan = self._plan()
        if plan is not None:
            return _plan_elements(plan)
        if count == 0:
            return iter(())
        first = self._input._elements()
        extra = self._makes_extra_iterator()

        def gen():
            current = first
            epoch = 0
            while count < 0 or epoch < count:
                empty = True
                for element in current:
                    empty = False
                    yield element
                epoch += 1
                if empty and count < 0:
                    return
                if count < 0 or epoch < count or extra:
                    current = self._input._elements()

        return gen()


class _TakeDataset(_UnaryDataset):
    _tf_name = "_TakeDataset"

    def __init__(self, dataset, count):
        super().__init__(dataset)
        self._count = count

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if n == UNKNOWN_CARDINALITY:
            return n
        if self._count < 0:
            return n
        if n == INFINITE_CARDINALITY:
            return self._count
        return min(n, self._count)

    def _plan_orders(self, orders):
        count = self._count
        if count < 0:
            return orders

        def taken():
            if count == 0:
                return iter(())  # as TF: no input iterator at all
            it = orders()

            def gen():
                left = count
                if left == 0:
                    return
                for order in it:
                    yield order[:left]
                    left -= len(order)
                    if left <= 0:
                        return

            return gen()

        return taken

    def _elements(self):
        if self._count == 0:
            return iter(())  # as TF: no input iterator at all
        return super()._elements()

    def _general(self, it):
        count = self._count
        if count < 0:
            return it

        def gen():
            for i, element in enumerate(it):
                if i >= count:
                    return
                yield element
                if i + 1 == count:
                    return

        return gen()


class _SkipDataset(_UnaryDataset):
    _tf_name = "_SkipDataset"

    def __init__(self, dataset, count):
        super().__init__(dataset)
        self._count = count

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if n < 0:
            return n
        if self._count < 0:
            return 0
        return max(0, n - self._count)

    def _plan_orders(self, orders):
        count = self._count

        def skipped():
            if count < 0:
                return iter(())  # skips everything: TF makes no input iterator
            it = orders()

            def gen():
                left = count
                for order in it:
                    if left >= len(order):
                        left -= len(order)
                        continue
                    yield order[left:]
                    left = 0

            return gen()

        return skipped

    def _elements(self):
        if self._count < 0:
            return iter(())  # skips everything: TF makes no input iterator
        return super()._elements()

    def _general(self, it):
        count = self._count

        def gen():
            for i, element in enumerate(it):
                if i >= count:
                    yield element

        return gen()


class CacheDataset(_UnaryDataset):
    _tf_name = "CacheDataset"

    def __init__(self, dataset):
        super().__init__(dataset)
        self._cache = None  # the elements (or plan orders) of the first complete iteration

    def _plan_orders(self, orders):
        def cached():
            if self._cache is not None:
                return iter(self._cache)
            it = orders()

            def gen():
                seen = []
                for order in it:
                    seen.append(order)
                    yield order
                if not _Peeking.depth:
                    self._cache = seen

            return gen()

        return cached

    def _elements(self):
        plan = self._plan()
        if plan is not None:
            return _plan_elements(plan)
        if self._cache is not None:
            return iter(self._cache)
        it = self._input._elements()

        def gen():
            seen = []
            for element in it:
                seen.append(element)
                yield element
            if not _Peeking.depth:
                self._cache = seen

        return gen()


# TF's DataTypeString names, as its kernels' messages print dtypes.
_TF_DTYPE_TEXT = {"float32": "float", "float64": "double", "float16": "half"}


def _dtype_text(dtype) -> str:
    name = tf.as_dtype(dtype).name
    return _TF_DTYPE_TEXT.get(name, name)


class _FileCacheDataset(CacheDataset):
    """`cache(filename)`: see `_file_cache` for the files and what TF does with them."""

    def __init__(self, dataset, filename: str):
        super().__init__(dataset)
        self._filename = filename

    def _plan_orders(self, orders):
        return None  # the elements themselves go to the files

    def _elements(self):
        if os.path.exists(_file_cache.index_path(self._filename)):
            return self._read()
        it = self._input._elements()
        if _Peeking.depth:  # reading a first element for a spec: no cache files
            return it
        return _file_cache.write_through(self._filename, it, st.flatten)

    def _read(self):
        filename = self._filename
        template = self.element_spec
        specs = st.flatten(template)

        def gen():
            tensors = _file_cache.read_tensors(filename)
            k = len(specs)
            # TF reads the cached tensors in order, k per element, whatever wrote them.
            for start in range(0, len(tensors) - k + 1, k):
                leaves = tensors[start : start + k]
                for i, (leaf, spec) in enumerate(zip(leaves, specs)):
                    if leaf.dtype != spec.dtype.as_numpy_dtype:
                        raise _file_cache._op_error(
                            tf.errors.InvalidArgumentError,
                            f"Data type mismatch at component {i}: expected "
                            f"{_dtype_text(spec.dtype)} but got {_dtype_text(leaf.dtype)}.",
                        )
                    # Ranks only: a mapped spec's sizes come from the first element here
                    # (see the module docstring), so sizes TF leaves unknown may be set.
                    rank = spec.shape.rank
                    if rank is not None and rank != leaf.ndim:
                        want = "[" + ",".join("?" if d is None else str(d) for d in spec.shape)
                        raise _file_cache._op_error(
                            tf.errors.InvalidArgumentError,
                            f"Incompatible shapes at component {i}: expected {want}] but got "
                            f"{_shape_text(leaf.shape)}.",
                        )
                yield st.pack(template, leaves)

        return gen()


def _stack(elements: list, template, fused: bool = False):
    columns = list(zip(*[st.flatten(e) for e in elements]))
    out = []
    for index, column in enumerate(columns):
        first = column[0]
        same = [first]
        for k, leaf in enumerate(column[1:], 1):
            if leaf.shape != first.shape:
                if not fused:
                    raise _invalid(
                        f"Cannot batch tensors with different shapes in component {index}. "
                        f"First element had shape {_shape_text(first.shape)} and element {k} "
                        f"had shape {_shape_text(leaf.shape)}.",
                        "IteratorGetNext",
                    )
                if leaf.size != first.size:
                    raise _invalid(
                        "Cannot add tensor to the batch: number of elements does not match. "
                        f"Shapes are: [tensor]: {_shape_text(leaf.shape)}, "
                        f"[batch]: {_shape_text(first.shape)}",
                        "IteratorGetNext",
                    )
                leaf = leaf.reshape(first.shape)
            same.append(leaf)
        out.append(np.stack(same))
    return st.pack(template, out)


def _shape_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _batched_spec(spec, size):
    if spec.shape.rank is None:
        return tf.TensorSpec(None, spec.dtype)
    return tf.TensorSpec([size, *spec.shape], spec.dtype)


def _unbatched_spec(spec):
    if spec.shape.rank is None:
        return tf.TensorSpec(None, spec.dtype)
    return tf.TensorSpec(list(spec.shape)[1:], spec.dtype)


class _BatchDataset(_UnaryDataset):
    _tf_name = "_BatchDataset"

    def __init__(self, dataset, batch_size, drop_remainder):
        if batch_size <= 0:
            raise _invalid("Batch size must be greater than zero.", "BatchDatasetV2")
        super().__init__(dataset)
        self._batch_size = batch_size
        self._drop = drop_remainder

    def _compute_spec(self):
        size = self._batch_size if self._drop else None
        return st.map_structure(lambda s: _batched_spec(s, size), self._input.element_spec)

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if n < 0:
            return n
        b = self._batch_size
        return n // b if self._drop else -(-n // b)

    def _plan(self):
        return None  # batches are not slices: batch is where a plan is gathered

    def _elements(self):
        plan = self._input._plan()
        if plan is None:
            return self._general(self._input._elements())
        return self._gather(plan)

    def _gather(self, plan: _Plan):
        template, gather = plan.template, plan.gather
        orders = plan.orders()
        b, drop = self._batch_size, self._drop

        def gen():
            pending = None
            for order in orders:
                if pending is not None:
                    order = np.concatenate([pending, order])
                    pending = None
                n = len(order)
                full = n - n % b
                for i in range(0, full, b):
                    yield st.pack(template, gather(order[i : i + b]))
                if full < n:
                    pending = order[full:]
            if pending is not None and not drop:
                yield st.pack(template, gather(pending))

        return gen()

    def _general(self, it):
        b, drop = self._batch_size, self._drop
        # TF's optimizer fuses map().batch() into MapAndBatchDataset, which checks only each
        # element's number of values against the first's (and reshapes silently when they
        # agree); a plain batch checks shapes. Options can turn the rewrite off.
        fused = (
            isinstance(self._input, _MapDataset)
            and type(self) is _BatchDataset
            and _Iteration.rewrites("map_and_batch_fusion")
        )

        def gen():
            chunk = []
            template = None
            for element in it:
                template = element
                chunk.append(element)
                if len(chunk) == b:
                    yield _stack(chunk, template, fused)
                    chunk = []
            if chunk and not drop:
                yield _stack(chunk, template, fused)

        return gen()


class _ParallelBatchDataset(_BatchDataset):
    """`batch(num_parallel_calls=...)`: TF batches in parallel; the batches are the same."""

    _tf_name = "_ParallelBatchDataset"


class _PaddedBatchDataset(_UnaryDataset):
    _tf_name = "_PaddedBatchDataset"

    def __init__(self, dataset, batch_size, padded_shapes, padding_values, drop_remainder):
        if batch_size <= 0:
            raise _invalid("Batch size must be greater than zero.", "PaddedBatchDatasetV2")
        super().__init__(dataset)
        self._batch_size = batch_size
        self._drop = drop_remainder
        spec = dataset.element_spec
        specs = st.flatten(spec)
        for leaf in specs:
            if isinstance(leaf, DatasetSpec):
                raise TypeError("`padded_batch` is not supported for datasets of datasets")
        if padded_shapes is None:
            for i, leaf in enumerate(specs):
                if leaf.shape.rank is None:
                    raise ValueError(
                        "You must provide `padded_shapes` argument because component "
                        f"{i} has unknown rank."
                    )
            shapes = [list(leaf.shape) for leaf in specs]
        else:
            shapes = []
            for given, leaf in zip(_flatten_shapes(padded_shapes, spec), specs):
                if not _can_pad(given, list(leaf.shape) if leaf.shape.rank is not None else None):
                    raise ValueError(
                        f"The padded shape {tf.TensorShape(given)} is not compatible with the "
                        f"shape {leaf.shape} of the corresponding input component."
                    )
                shapes.append(given)
        # The spec keeps the known sizes; at run time every None pads to the batch's largest
        # (a statically known size is every element's size anyway).
        self._spec_shapes = shapes
        self._padded_is_default = padded_shapes is None
        self._values = _padding_values(padding_values, spec)

    def _compute_spec(self):
        size = self._batch_size if self._drop else None
        specs = st.flatten(self._input.element_spec)
        out = [tf.TensorSpec([size, *shape], s.dtype) for shape, s in zip(self._spec_shapes, specs)]
        return st.pack(self._input.element_spec, out)

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if n < 0:
            return n
        b = self._batch_size
        return n // b if self._drop else -(-n // b)

    def _plan(self):
        return None

    def _elements(self):
        it = self._input._elements()
        b, drop = self._batch_size, self._drop
        shapes = [
            [None] * len(shape) if self._padded_is_default else shape for shape in self._spec_shapes
        ]
        values = self._values

        def gen():
            chunk = []
            for element in it:
                chunk.append(element)
                if len(chunk) == b:
                    yield self._pad(chunk, shapes, values)
                    chunk = []
            if chunk and not drop:
                yield self._pad(chunk, shapes, values)

        return gen()

    def _pad(self, chunk, shapes, values):
        columns = list(zip(*[st.flatten(e) for e in chunk]))
        out = []
        for column, shape, value in zip(columns, shapes, values):
            target = [
                max(leaf.shape[d] for leaf in column) if size is None else size
                for d, size in enumerate(shape)
            ]
            batch = np.full([len(column), *target], value, column[0].dtype)
            for k, leaf in enumerate(column):
                if any(have > want for have, want in zip(leaf.shape, target)):
                    raise tf.errors.DataLossError(
                        None,
                        None,
                        "Attempted to pad to a smaller size than the input element. "
                        "[Op:IteratorGetNext]",
                    )
                batch[(k, *(slice(0, d) for d in leaf.shape))] = leaf
            out.append(batch)
        return st.pack(chunk[0], out)


def _can_pad(padded, shape) -> bool:
    """TF's `_is_padded_shape_compatible_with`: same rank, no known size shrinking."""
    if shape is None:
        return True
    if len(padded) != len(shape):
        return False
    return all(p is None or d is None or p >= d for p, d in zip(padded, shape))


def _padding_values(values, spec) -> list:
    """One scalar padding value per component (TF's defaults: zeros), checked as TF does."""
    specs = st.flatten(spec)
    if values is None:
        return [np.zeros((), s.dtype.as_numpy_dtype) for s in specs]
    if isinstance(spec, (tuple, dict)) and not isinstance(values, (tuple, dict)):
        flat = [values] * len(specs)
    else:
        flat = st.flatten(values)
    out = []
    for value, leaf in zip(flat, specs):
        if value is None:
            out.append(np.zeros((), leaf.dtype.as_numpy_dtype))
            continue
        tensor = tf.convert_to_tensor(value)
        if tensor.shape.rank != 0:
            raise ValueError(
                "Invalid `padding_values`. `padding_values` values should be scalars, but got "
                f"{tensor.shape}."
            )
        if tensor.dtype != leaf.dtype:
            raise TypeError(
                "Invalid `padding_values`. `padding_values` values type "
                f"<dtype: '{tensor.dtype.name}'> does not match type "
                f"<dtype: '{leaf.dtype.name}'> of the corresponding input component."
            )
        out.append(tensor.numpy())
    return out


def _flatten_shapes(shapes, spec):
    """`padded_shapes` flattened alongside the element spec (a shape is a leaf)."""
    if isinstance(spec, dict):
        out = []
        for key in sorted(spec):
            out.extend(_flatten_shapes(shapes[key], spec[key]))
        return out
    if isinstance(spec, tuple):
        out = []
        for s, sp in zip(shapes, spec):
            out.extend(_flatten_shapes(s, sp))
        return out
    if shapes is None:
        return [None]
    if isinstance(shapes, tf.TensorShape):
        return [None if shapes.rank is None else list(shapes)]
    if isinstance(shapes, tf.Tensor):
        shapes = shapes.numpy().tolist()
    return [[None if d is None or int(d) == -1 else int(d) for d in shapes]]


class _UnbatchDataset(_UnaryDataset):
    _tf_name = "_UnbatchDataset"

    def __init__(self, dataset):
        super().__init__(dataset)
        for spec in st.flatten(dataset.element_spec):
            if isinstance(spec, tf.TensorSpec) and spec.shape.rank == 0:
                raise ValueError("Cannot unbatch an input with scalar components.")

    def _compute_spec(self):
        return st.map_structure(_unbatched_spec, self._input.element_spec)

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if n < 0:
            return n
        # Known only when every component's batch dimension is statically known and equal.
        specs = st.flatten(self._input.element_spec)
        leads = {s.shape[0] if s.shape.rank else None for s in specs}
        if len(leads) == 1 and None not in leads:
            return n * leads.pop()
        return UNKNOWN_CARDINALITY

    def _general(self, it):
        def gen():
            for element in it:
                leaves = st.flatten(element)
                for i in range(leaves[0].shape[0]):
                    yield st.pack(element, [leaf[i] for leaf in leaves])

        return gen()


class _FunctionDataset(_UnaryDataset):
    """A transformation with a user function (map, filter, flat_map)."""

    def __init__(self, dataset, fn):
        super().__init__(dataset)
        self._fn = fn
        self._traced_global_seed = graph_seeds.global_seed()  # TF traces `fn` now

    def _caller(self):
        """`call(element)`: the function on an element, its random ops drawing as in TF's
        traced function with this iterator's kernels (`_Iteration`)."""
        fn, seeds = self._fn, _Iteration.seeds_of(self)

        def call(element):
            with seeds.call():
                return _call(fn, element)

        return call

    def _first_output(self):
        """The function's result on the first input element (zeros when the input is
        empty), read without moving shuffle seeds or any iterator's random draws on."""
        with _Peeking(), _Iteration(self._input):
            element = next(self._input._elements(), _END)
            if element is _END:
                element = st.map_structure(_zeros_like_spec, self._input.element_spec)
            return element, self._caller()(element)


def _zeros_like_spec(spec):
    if isinstance(spec, tf.TensorSpec):
        shape = [0 if d is None else d for d in spec.shape]
        return np.zeros(shape, spec.dtype.as_numpy_dtype)
    return Dataset.range(0)


class _MapDataset(_FunctionDataset):
    _tf_name = "_MapDataset"

    def _compute_spec(self):
        element, result = self._first_output()
        out = st.from_user(result)
        specs = st.spec_of(out)
        # TF infers shapes statically; from one example, recover the dimensions it would
        # leave unknown: an output shaped like an input (a pass-through or elementwise
        # result) gets that input's spec shape; otherwise an output dimension whose size is
        # the size of an input's unknown dimension (a batch dimension, say) stays unknown.
        in_specs = st.flatten(self._input.element_spec)
        in_leaves = st.flatten(element)
        like = {}
        unknown_sizes = set()
        for leaf, spec in zip(in_leaves, in_specs):
            if isinstance(spec, tf.TensorSpec) and spec.shape.rank is not None:
                like.setdefault(tuple(leaf.shape), spec.shape)
                unknown_sizes.update(
                    size for size, dim in zip(leaf.shape, spec.shape) if dim is None
                )

        def relax(spec):
            if not isinstance(spec, tf.TensorSpec) or not spec.shape.rank:
                return spec
            dims = tuple(spec.shape)
            if dims in like:
                return tf.TensorSpec(like[dims], spec.dtype)
            return tf.TensorSpec([None if d in unknown_sizes else d for d in dims], spec.dtype)

        specs = st.map_structure(relax, specs)
        return specs

    def _general(self, it):
        call = self._caller()

        def gen():
            for element in it:
                yield _as_variants(st.from_user(call(element)))

        return gen()


def _as_variants(element):
    """A function's dataset results as TF shows them: an element that is a dataset crossed
    a variant tensor, so TF hands back a `_VariantDataset` over it."""
    if not any(st.is_dataset(leaf) for leaf in st.flatten(element)):
        return element
    return st.map_structure(lambda v: _Variant(v) if st.is_dataset(v) else v, element)


class _Variant(Dataset):
    """A dataset element as it comes out of a function: the same dataset, TF's name."""

    _tf_name = "_VariantDataset"

    def __init__(self, dataset):
        super().__init__((dataset,))

    def _plan(self):
        return self._inputs[0]._plan()

    def _elements(self):
        return self._inputs[0]._elements()


class _ParallelMapDataset(_MapDataset):
    """`map(num_parallel_calls=...)`: TF maps in parallel; here elements map in order."""

    _tf_name = "_ParallelMapDataset"


class _FilterDataset(_FunctionDataset):
    _tf_name = "_FilterDataset"

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        return UNKNOWN_CARDINALITY if n != 0 else 0

    def _general(self, it):
        call = self._caller()

        def gen():
            for element in it:
                if _check_predicate(call(element)):
                    yield element

        return gen()


class _ShardDataset(_UnaryDataset):
    _tf_name = "_ShardDataset"

    def __init__(self, dataset, num_shards, index):
        if num_shards <= 0:
            raise _invalid(
                "Number of shards must be greater than zero "
                f"(currently num_shards = {num_shards}).",
                "ShardDataset",
            )
        if not 0 <= index < num_shards:
            raise _invalid(
                f"Index must be between 0 and {num_shards - 1} (currently index = {index}).",
                "ShardDataset",
            )
        super().__init__(dataset)
        self._n, self._index = num_shards, index

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if n < 0:
            return n
        return n // self._n + (1 if n % self._n > self._index else 0)

    def _plan_orders(self, orders):
        n, index = self._n, self._index

        def sharded():
            it = orders()

            def gen():
                position = 0  # elements seen before this chunk
                for order in it:
                    first = (index - position) % n
                    yield order[first::n]
                    position += len(order)

            return gen()

        return sharded

    def _general(self, it):
        n, index = self._n, self._index

        def gen():
            for i, element in enumerate(it):
                if i % n == index:
                    yield element

        return gen()


def _check_predicate(keep):
    if not isinstance(keep, tf.Tensor):
        keep = tf.convert_to_tensor(keep)
    if keep.dtype != tf.bool or keep.shape.rank != 0:
        raise ValueError(
            "Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, but its "
            f"return type is {tf.TensorSpec(keep.shape, keep.dtype)!r}."
        )
    return bool(keep)


class _TakeWhileDataset(_FunctionDataset):
    _tf_name = "_TakeWhileDataset"

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _general(self, it):
        call = self._caller()

        def gen():
            for element in it:
                if not _check_predicate(call(element)):
                    return
                yield element

        return gen()


class _ScanDataset(_FunctionDataset):
    _tf_name = "_ScanDataset"

    def __init__(self, dataset, initial_state, fn):
        super().__init__(dataset, fn)
        self._initial = st.normalize(initial_state)

    def _caller(self):
        """`step(state, element) -> (new state, output)`: one call of the function, checked
        as TF checks its traced result."""
        fn, seeds, initial = self._fn, _Iteration.seeds_of(self), self._initial

        def step(state, element):
            with seeds.call():
                result = fn(st.to_tensors(state), st.to_tensors(element))
            if not isinstance(result, (tuple, list)) or len(result) != 2:
                spec = st.spec_of(st.from_user(result))
                raise TypeError(
                    "Invalid `scan_func`. `scan_func` should return a pair consisting of new "
                    f"state and the output value but its return type is {spec!r}."
                )
            new, out = st.from_user(result[0]), st.from_user(result[1])
            want = [leaf.dtype for leaf in st.flatten(initial)]
            got = [leaf.dtype for leaf in st.flatten(new)]
            if got != want or not st.same_structure(new, initial):
                raise TypeError(
                    "Invalid `scan_func`. The element types for the new state must match the "
                    f"initial state. Expected {_dtypes_text(st.spec_of(initial))}, got "
                    f"{_dtypes_text(st.spec_of(new))}."
                )
            return new, out

        return step

    def _compute_spec(self):
        with _Peeking(), _Iteration(self._input):
            element = next(self._input._elements(), _END)
            if element is _END:
                element = st.map_structure(_zeros_like_spec, self._input.element_spec)
            _, out = self._caller()(self._initial, element)
        return st.spec_of(out)

    def _general(self, it):
        step, initial = self._caller(), self._initial

        def gen():
            state = initial
            for element in it:
                state, out = step(state, element)
                yield _as_variants(out)

        return gen()


class _RandomDataset(Dataset):
    _tf_name = "_RandomDataset"

    def __init__(self, seed, rerandomize: bool):
        super().__init__()
        seeds = _seed_pair(seed)
        if seeds is None:  # TF picks random seeds
            rng = np.random.default_rng()
            seeds = tuple(int(v) for v in rng.integers(0, 2**63 - 1, size=2))
        self._seeds = seeds
        self._rerandomize = rerandomize
        self._epoch = 0  # iterators made so far (TF's seed generator's draws / 2)

    def _compute_spec(self):
        return tf.TensorSpec([], tf.int64)

    def _cardinality(self) -> int:
        return INFINITE_CARDINALITY

    def _elements(self):
        seeds = self._seeds
        if self._rerandomize:
            seeds = _shuffle.epoch_seeds(*seeds, self._epoch)
            if not _Peeking.depth:
                self._epoch += 1

        def gen():
            first = 0
            while True:
                words = _shuffle.word_array(*seeds, first, 1024).astype(np.int64)
                first += len(words)
                for word in words:
                    yield np.asarray(word)

        return gen()


class _DirectedInterleaveDataset(Dataset):
    _tf_name = "_DirectedInterleaveDataset"

    def __init__(self, choices, datasets, stop_on_empty):
        spec = datasets[0].element_spec
        for i, dataset in enumerate(datasets[1:]):
            merged = _merge_nested_spec(spec, dataset.element_spec)
            if merged is None:
                raise TypeError(
                    "Invalid `datasets`. `datasets` must have compatible element specs.\n "
                    f"Dataset 0 element_spec={datasets[0].element_spec}.\nDataset {i + 1} "
                    f"element_spec={dataset.element_spec}."
                )
            spec = merged
        super().__init__((choices, *datasets))
        self._choices, self._datasets = choices, datasets
        self._stop = stop_on_empty
        self._merged_spec = spec

    def _compute_spec(self):
        return self._merged_spec

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _elements(self):
        choices = self._choices._elements()
        inputs = [d._elements() for d in self._datasets]
        n, stop = len(inputs), self._stop

        def gen():
            live = [True] * n
            remaining = n
            for choice in choices:
                i = int(choice)
                if not 0 <= i < n:
                    raise tf.errors.InvalidArgumentError(
                        None, None, f"Selector index out of range: {i} >= {n} [Op:IteratorGetNext]"
                    )
                if not live[i]:
                    continue
                element = next(inputs[i], _END)
                if element is _END:
                    remaining -= 1
                    if stop or not remaining:  # TF ends when every input has
                        return
                    live[i] = False
                    continue
                yield element

        return gen()


def _merge_nested_spec(a, b):
    """The most specific spec nest compatible with both, or None (TF's common supertype)."""
    if not st.same_structure(a, b):
        return None
    merged = [_merge_spec(x, y) for x, y in zip(st.flatten(a), st.flatten(b))]
    if any(m is None for m in merged):
        return None
    return st.pack(a, merged)


def _flat_shapes(shapes) -> list:
    """The shapes of a padded-shapes nest (a list of sizes is one shape), in leaf order."""
    if isinstance(shapes, dict):
        return [s for key in sorted(shapes) for s in _flat_shapes(shapes[key])]
    if isinstance(shapes, tuple):
        return [s for item in shapes for s in _flat_shapes(item)]
    return [shapes]


def _int64_scalar(value, what: str, error=ValueError):
    """`value` as an int, if it is an int64 scalar; else TF's error about `what`."""
    value = st.from_user(value)
    if st.is_dataset(value) or isinstance(value, (tuple, dict)):
        bad = True
    else:
        value = np.asarray(value)
        bad = value.dtype != np.int64 or value.ndim != 0
    if bad:
        raise error(
            f"Invalid `{what}`. `{what}` must return a single `tf.int64` scalar tensor but its "
            f"return type is {st.spec_of(value)!r}."
        )
    return int(value)


class _GroupByWindowDataset(_FunctionDataset):
    _tf_name = "_GroupByWindowDataset"

    def __init__(self, dataset, key_func, reduce_func, window_size_func):
        super().__init__(dataset, key_func)
        self._reduce_func, self._size_func = reduce_func, window_size_func

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        return n if n == INFINITE_CARDINALITY else UNKNOWN_CARDINALITY

    def _functions(self):
        """`(key_of(element), size_of(key), reduce(key, window elements))` as TF runs them."""
        key_seeds = _Iteration.seeds_of(self, "key")
        size_seeds = _Iteration.seeds_of(self, "size")
        reduce_seeds = _Iteration.seeds_of(self, "reduce")
        key_func, size_func, reduce_func = self._fn, self._size_func, self._reduce_func
        spec = self._input.element_spec

        def key_of(element):
            with key_seeds.call():
                return _int64_scalar(_call(key_func, element), "key_func")

        def size_of(key):
            with size_seeds.call():
                size = _int64_scalar(size_func(tf.constant(key, tf.int64)), "window_size_func")
            if size <= 0:
                raise tf.errors.InvalidArgumentError(
                    None,
                    None,
                    f"Window size must be greater than zero, but got {size}. [Op:IteratorGetNext]",
                )
            return size

        def reduce(key, elements):
            with reduce_seeds.call():
                result = reduce_func(tf.constant(key, tf.int64), _VariantDataset(elements, spec))
            if not st.is_dataset(result):
                raise TypeError(
                    "Invalid `reduce_func`. `reduce_func` must return a single `tf.data.Dataset` "
                    f"object but its return type is {st.spec_of(st.from_user(result))!r}."
                )
            return result

        return key_of, size_of, reduce

    def _compute_spec(self):
        with _Peeking(), _Iteration(self._input):
            key_of, _, reduce = self._functions()
            element = next(self._input._elements(), _END)
            if element is _END:
                return reduce(0, []).element_spec
            return reduce(key_of(element), [element]).element_spec

    def _general(self, it):
        key_of, size_of, reduce = self._functions()

        def gen():
            groups: dict = {}
            sizes: dict = {}
            for element in it:
                key = key_of(element)
                if key not in sizes:
                    sizes[key] = size_of(key)
                group = groups.setdefault(key, [])
                group.append(element)
                if len(group) == sizes[key]:
                    del groups[key]
                    yield from reduce(key, group)._elements()
            for key in sorted(groups):  # TF flushes its std::map in key order
                yield from reduce(key, groups[key])._elements()

        return gen()


class _UniqueDataset(_UnaryDataset):
    _tf_name = "_UniqueDataset"

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _general(self, it):
        def gen():
            seen = set()
            for element in it:
                array = np.asarray(element)
                key = (array.shape, array.tobytes())
                if key not in seen:
                    seen.add(key)
                    yield element

        return gen()


class _FlatMapDataset(_FunctionDataset):
    _tf_name = "_FlatMapDataset"

    def _compute_spec(self):
        _, result = self._first_output()
        if not st.is_dataset(result):
            raise TypeError(
                f"The `map_func` argument must return a `Dataset` object. Got {type(result)!r}."
            )
        return result.element_spec

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _general(self, it):
        call = self._caller()

        def gen():
            for element in it:
                inner = call(element)
                if not st.is_dataset(inner):
                    raise TypeError(
                        f"The `map_func` argument must return a `Dataset` "
                        f"object. Got {type(inner)!r}."
                    )
                yield from inner._elements()

        return gen()


def _cpu_count() -> int:
    """TF's `port::MaxParallelism()`: the CPUs this process may run on."""

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


class _InterleaveDataset(_FlatMapDataset):
    def __init__(self, dataset, fn, cycle_length: int, block_length: int, parallel: bool):
        super().__init__(dataset, fn)
        self._cycle_length = cycle_length
        self._block_length = block_length
        self._tf_name = "_ParallelInterleaveDataset" if parallel else "_InterleaveDataset"

    def _general(self, it):
        call, cycle, block = self._caller(), self._cycle_length, self._block_length

        def open_next():
            element = next(it, _END)
            if element is _END:
                return None
            inner = call(element)
            if not st.is_dataset(inner):
                raise TypeError(
                    f"The `map_func` argument must return a `Dataset` object. Got {type(inner)!r}."
                )
            return inner._elements()

        def gen():
            # TF's InterleaveDatasetOp loop: an empty slot is refilled in place from the input;
            # an exhausted inner iterator empties its slot and the cycle moves on.
            slots = [None] * cycle
            index = taken = num_open = 0
            input_done = False
            while not input_done or num_open > 0:
                current = slots[index]
                if current is not None:
                    value = next(current, _END)
                    if value is _END:
                        slots[index] = None
                        num_open -= 1
                    else:
                        taken += 1
                        if taken == block:
                            index, taken = (index + 1) % cycle, 0
                        yield value
                        continue
                elif not input_done:
                    slots[index] = open_next()
                    if slots[index] is None:
                        input_done = True
                    else:
                        num_open += 1
                    continue
                index, taken = (index + 1) % cycle, 0

        return gen()


class _ZipDataset(Dataset):
    _tf_name = "_ZipDataset"

    def __init__(self, datasets):
        if _has_list(datasets):
            raise TypeError(
                "Invalid input to `zip`. Inputs are expected to be (nested) structures of "
                "`tf.data.Dataset` objects. Python `list` is not supported and you should use "
                "`tuple` instead."
            )
        leaves = st.flatten(datasets)
        for leaf in leaves:
            if not st.is_dataset(leaf):
                raise TypeError(
                    "Invalid input to `zip`. Inputs are expected to be (nested) structures of "
                    f"`tf.data.Dataset` objects but encountered object of type {type(leaf)}."
                )
        super().__init__(leaves)
        self._structure = datasets

    def _compute_spec(self):
        return st.map_structure(lambda d: d.element_spec, self._structure)

    def _cardinality(self) -> int:
        result = INFINITE_CARDINALITY
        for d in self._inputs:
            n = d._cardinality()
            if n == UNKNOWN_CARDINALITY:
                return n
            if n != INFINITE_CARDINALITY and (result == INFINITE_CARDINALITY or n < result):
                result = n
        return result

    def _plan(self):
        plans = [d._plan() for d in self._inputs]
        if any(p is None for p in plans):
            return None
        arrays, groups, offset = [], [], 0
        for p in plans:
            arrays.extend(p.arrays)
            groups.extend(g + offset for g in p.groups)
            offset += max(p.groups, default=-1) + 1
        template = st.pack(self._structure, [p.template for p in plans])

        def zipped():
            its = [p.orders() for p in plans]  # all made now, as TF's zip iterator does

            def gen():
                pending = [None] * len(its)
                while True:
                    for k, it in enumerate(its):
                        while pending[k] is None or len(pending[k]) == 0:
                            pending[k] = next(it, None)
                            if pending[k] is None:
                                return  # the shortest input ended
                    m = min(len(block) for block in pending)
                    yield np.concatenate([block[:m] for block in pending], axis=1)
                    pending = [block[m:] for block in pending]

            return gen()

        return _Plan(arrays, groups, template, zipped)

    def _elements(self):
        plan = self._plan()
        if plan is not None:
            return _plan_elements(plan)
        its = [d._elements() for d in self._inputs]
        structure = self._structure

        def gen():
            for parts in zip(*its):
                yield st.pack(structure, list(parts))

        return gen()


def _has_list(structure) -> bool:
    if isinstance(structure, list):
        return True
    if isinstance(structure, dict):
        return any(_has_list(v) for v in structure.values())
    if isinstance(structure, tuple):
        return any(_has_list(v) for v in structure)
    return False


class _ConcatenateDataset(Dataset):
    _tf_name = "_ConcatenateDataset"

    def __init__(self, first, second):
        super().__init__((first, second))
        a, b = first.element_spec, second.element_spec
        merged = None
        if st.same_structure(a, b):
            parts = [_merge_spec(x, y) for x, y in zip(st.flatten(a), st.flatten(b))]
            if all(p is not None for p in parts):
                merged = st.pack(a, parts)
        if merged is None:
            raise TypeError(f"Incompatible dataset elements:\n  {a!r} vs.   {b!r}")
        self._merged = merged

    def _compute_spec(self):
        return self._merged

    def _cardinality(self) -> int:
        n1, n2 = (d._cardinality() for d in self._inputs)
        if INFINITE_CARDINALITY in (n1, n2):
            return INFINITE_CARDINALITY
        if UNKNOWN_CARDINALITY in (n1, n2):
            return UNKNOWN_CARDINALITY
        return n1 + n2

    def _elements(self):
        first = self._inputs[0]._elements()
        second = self._inputs[1]

        def gen():
            yield from first
            yield from second._elements()

        return gen()


class _VariantDataset(Dataset):
    """One window of `window`: a finite dataset over elements already read."""

    _tf_name = "_VariantDataset"

    def __init__(self, elements: list, spec):
        super().__init__()
        self._items = elements
        self._spec = spec

    def _cardinality(self) -> int:
        return len(self._items)

    def _elements(self):
        return iter(self._items)


class _WindowDataset(_UnaryDataset):
    _tf_name = "_WindowDataset"

    def __init__(self, dataset, size, shift, stride, drop_remainder):
        for name, value in (("size", size), ("shift", shift), ("stride", stride)):
            if value <= 0:
                raise _invalid(f"Window {name} must be greater than zero.", "WindowDataset")
        super().__init__(dataset)
        self._size, self._shift, self._stride, self._drop = size, shift, stride, drop_remainder

    def _compute_spec(self):
        return st.map_structure(lambda s: DatasetSpec(s), self._input.element_spec)

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if n < 0:
            return n
        if self._drop:
            span = (self._size - 1) * self._stride + 1
            return 0 if n < span else (n - span) // self._shift + 1
        return -(-n // self._shift)

    def _plan(self):
        return None

    def _elements(self):
        it = self._input._elements()
        size, shift, stride, drop = self._size, self._shift, self._stride, self._drop
        span = (size - 1) * stride + 1
        in_spec = self._input.element_spec
        leaf_specs = st.flatten(in_spec)

        def gen():
            buf: list = []  # elements from the current window's start on
            exhausted = False
            while True:
                while not exhausted and len(buf) < span:
                    element = next(it, _END)
                    if element is _END:
                        exhausted = True
                    else:
                        buf.append(element)
                if not buf:
                    return
                window = buf[:span:stride]
                if len(window) < size and drop:
                    return
                columns = list(zip(*[st.flatten(e) for e in window]))
                parts = [
                    _VariantDataset(list(column), spec) for column, spec in zip(columns, leaf_specs)
                ]
                yield st.pack(in_spec, parts)
                if len(buf) >= shift:
                    del buf[:shift]
                else:
                    # The next start lies past what was read: skip input up to it.
                    skip = shift - len(buf)
                    buf = []
                    for _ in range(skip):
                        if next(it, _END) is _END:
                            exhausted = True
                            break

        return gen()
