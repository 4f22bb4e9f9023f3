"""`tf.data.Options`: the options a pipeline carries (`Dataset.with_options`, `options()`).

As in TF 2.21: each option is a typed property (a value of another type raises TF's
TypeError, an unknown name TF's AttributeError), unset options read as their defaults (None
for most), and merging keeps the later of two non-default values, logging TF's warning. The
options a dataset returns are a frozen copy.

tapeflow's pipelines run in the caller's thread, in order, so the threading, autotuning,
determinism, distribution and service options change nothing here. The optimizer's rewrites
whose effects tapeflow reproduces follow `experimental_optimization`:
`map_and_batch_fusion`, `shuffle_and_repeat_fusion` and `noop_elimination` (see
`_dataset.py`), each on unless set False or `apply_default_optimizations` is False.
"""

from __future__ import annotations

import enum
import logging

_FROZEN = (
    "Mutating `tf.data.Options()` returned by `tf.data.Dataset.options()` has no effect. "
    "Use `tf.data.Dataset.with_options(options)` to set or update dataset options."
)


class AutotuneAlgorithm(enum.Enum):
    """`tf.data.experimental.AutotuneAlgorithm`: the autotuning algorithm to use."""

    DEFAULT = 0
    HILL_CLIMB = 1
    GRADIENT_DESCENT = 2
    MAX_PARALLELISM = 3
    STAGE_BASED = 4


class AutoShardPolicy(enum.IntEnum):
    """`tf.data.experimental.AutoShardPolicy`: how a distributed pipeline is sharded."""

    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class ExternalStatePolicy(enum.Enum):
    """`tf.data.experimental.ExternalStatePolicy`: external state when serializing."""

    WARN = 0
    IGNORE = 1
    FAIL = 2


def _option(name: str, kind, doc: str, default=lambda: None):
    """A property holding a value of type `kind` (TF's `create_option`)."""

    def get(self):
        values = self._options
        if name not in values:
            values[name] = default()
        return values[name]

    def put(self, value):
        if not isinstance(value, kind):
            raise TypeError(
                f'Property "{name}" must be of type {kind}, got: {value} (type: {type(value)})'
            )
        self._options[name] = value

    return property(get, put, None, doc)


class OptionsBase:
    """A set of typed options; equal when every option reads the same."""

    __hash__ = None  # TF's options are unhashable (they define __eq__ only)

    def __init__(self):
        object.__setattr__(self, "_options", {})
        object.__setattr__(self, "_mutable", True)

    def __eq__(self, other):
        if not isinstance(other, self.__class__):
            return NotImplemented
        names = set(self._options) | set(other._options)
        return all(getattr(self, n) == getattr(other, n) for n in names)

    def __ne__(self, other):
        if not isinstance(other, self.__class__):
            return NotImplemented
        return not self == other

    def __setattr__(self, name, value):
        if not self._mutable:
            raise ValueError(_FROZEN)
        if not hasattr(self, name):
            raise AttributeError(f"Cannot set the property {name} on {type(self).__name__}.")
        object.__setattr__(self, name, value)

    def _set_mutable(self, mutable: bool) -> None:
        object.__setattr__(self, "_mutable", mutable)

    def _copy(self):
        """A deep copy, mutable (what TF's round trip through its options proto gives)."""
        copy = type(self)()
        for name, value in self._options.items():
            if isinstance(value, OptionsBase):
                value = value._copy()
            elif isinstance(value, list):
                value = list(value)
            copy._options[name] = value
        return copy


def merge_options(*options_list):
    """The options of `options_list` merged: the later of two non-default values wins (with
    TF's warning), nested options merge recursively and `framework_type` lists concatenate."""
    if not options_list:
        raise ValueError("At least one options should be provided")
    kind = type(options_list[0])
    for options in options_list:
        if not isinstance(options, kind):
            raise TypeError(
                f"Could not merge incompatible options of type {type(options)} and {kind}."
            )
    if not isinstance(options_list[0], OptionsBase):
        raise TypeError(
            "All options to be merged should inherit from `OptionsBase` but found option of "
            f"type {kind} which does not."
        )
    defaults, result = kind(), kind()
    for options in options_list:
        for name in options._options:
            mine, theirs, default = (getattr(o, name) for o in (result, options, defaults))
            if theirs == default:
                continue
            if mine == default:
                setattr(result, name, theirs)
            elif isinstance(mine, OptionsBase):
                setattr(result, name, merge_options(mine, theirs))
            elif name == "framework_type":
                setattr(result, name, mine + theirs)
            elif mine != theirs:
                logging.getLogger("tapeflow").warning(
                    "Changing the value of option %s from %r to %r.", name, mine, theirs
                )
                setattr(result, name, theirs)
    return result


class AutotuneOptions(OptionsBase):
    """`tf.data.experimental.AutotuneOptions` (`options.autotune`)."""

    enabled = _option("enabled", bool, "Whether to tune performance knobs (None: True).")
    cpu_budget = _option("cpu_budget", int, "The CPU budget of autotuning.")
    ram_budget = _option("ram_budget", int, "The RAM budget of autotuning, in bytes.")
    autotune_algorithm = _option(
        "autotune_algorithm", AutotuneAlgorithm, "The autotuning algorithm."
    )
    initial_parallelism = _option(
        "initial_parallelism", int, "The parallelism before autotuning runs."
    )
    min_parallelism = _option(
        "min_parallelism", int, "The least parallelism of AUTOTUNE maps and batches."
    )


class DistributeOptions(OptionsBase):
    """`tf.data.experimental.DistributeOptions` (`options.experimental_distribute`)."""

    auto_shard_policy = _option(
        "auto_shard_policy",
        AutoShardPolicy,
        "The sharding to use (`tf.data.experimental.AutoShardPolicy`).",
        default=lambda: AutoShardPolicy.AUTO,
    )
    num_devices = _option("num_devices", int, "The devices attached to the pipeline.")


class OptimizationOptions(OptionsBase):
    """`tf.data.experimental.OptimizationOptions` (`options.experimental_optimization`)."""

    apply_default_optimizations = _option(
        "apply_default_optimizations",
        bool,
        "Whether to apply the default rewrites; if False, only those set True.",
    )
    filter_fusion = _option("filter_fusion", bool, "Fuse filters (None: False).")
    filter_parallelization = _option(
        "filter_parallelization", bool, "Parallelize stateless filters (None: False)."
    )
    inject_prefetch = _option("inject_prefetch", bool, "Inject a last prefetch (None: True).")
    seq_interleave_prefetch = _option(
        "seq_interleave_prefetch", bool, "Prefetch in sequential interleaves (None: False)."
    )
    map_and_batch_fusion = _option("map_and_batch_fusion", bool, "Fuse map and batch (None: True).")
    map_and_filter_fusion = _option(
        "map_and_filter_fusion", bool, "Fuse map and filter (None: False)."
    )
    map_fusion = _option("map_fusion", bool, "Fuse maps (None: False).")
    map_parallelization = _option(
        "map_parallelization", bool, "Parallelize stateless maps (None: True)."
    )
    noop_elimination = _option(
        "noop_elimination", bool, "Remove no-op transformations (None: True)."
    )
    parallel_batch = _option("parallel_batch", bool, "Copy batch elements in parallel.")
    shuffle_and_repeat_fusion = _option(
        "shuffle_and_repeat_fusion", bool, "Fuse shuffle and repeat (None: True)."
    )

    def enabled(self, name: str) -> bool:
        """Whether TF's default-on rewrite `name` runs under these options."""
        value = getattr(self, name)
        if value is not None:
            return value
        return self.apply_default_optimizations is not False


class ServiceOptions(OptionsBase):
    """`tf.data.experimental.ServiceOptions` (`options.experimental_service`)."""

    pinned = _option("pinned", bool, "Whether tf.data service reads pinned buffers.")


class ThreadingOptions(OptionsBase):
    """`tf.data.ThreadingOptions` (`options.threading`)."""

    max_intra_op_parallelism = _option(
        "max_intra_op_parallelism", int, "The most intra-op parallelism, if set."
    )
    private_threadpool_size = _option(
        "private_threadpool_size", int, "The size of a private thread pool, if set."
    )


class Options(OptionsBase):
    """`tf.data.Options`: the options of a whole pipeline (`Dataset.with_options`).

    `experimental_deterministic` and `experimental_threading` are TF's deprecated names of
    `deterministic` and `threading`.
    """

    autotune = _option("autotune", AutotuneOptions, "Autotuning options.", AutotuneOptions)
    deterministic = _option(
        "deterministic", bool, "Whether elements come in deterministic order (None: True)."
    )
    experimental_deterministic = _option(
        "experimental_deterministic", bool, "DEPRECATED. Use `deterministic` instead."
    )
    experimental_distribute = _option(
        "experimental_distribute", DistributeOptions, "Distribution options.", DistributeOptions
    )
    experimental_external_state_policy = _option(
        "experimental_external_state_policy",
        ExternalStatePolicy,
        "How external state is handled when serializing.",
    )
    experimental_optimization = _option(
        "experimental_optimization",
        OptimizationOptions,
        "Static optimization options.",
        OptimizationOptions,
    )
    experimental_slack = _option("experimental_slack", bool, "Slack in the last prefetch.")
    experimental_symbolic_checkpoint = _option(
        "experimental_symbolic_checkpoint", bool, "Symbolic checkpointing of iterators."
    )
    experimental_service = _option(
        "experimental_service", ServiceOptions, "tf.data service options.", ServiceOptions
    )
    experimental_threading = _option(
        "experimental_threading", ThreadingOptions, "DEPRECATED. Use `threading` instead."
    )
    experimental_warm_start = _option(
        "experimental_warm_start", bool, "Start background threads before the first element."
    )
    dataset_name = _option("dataset_name", str, "A name for the dataset.")
    framework_type = _option("framework_type", list, "The frameworks using the dataset.")
    threading = _option("threading", ThreadingOptions, "Threading options.", ThreadingOptions)

    def __getattribute__(self, name):
        if name == "experimental_threading":
            logging.getLogger("tapeflow").warning(
                "options.experimental_threading is deprecated. Use options.threading instead."
            )
            name = "threading"
        elif name == "experimental_deterministic":
            name = "deterministic"
        return super().__getattribute__(name)

    def __setattr__(self, name, value):
        if name == "experimental_threading":
            logging.getLogger("tapeflow").warning(
                "options.experimental_threading is deprecated. Use options.threading instead."
            )
            name = "threading"
        elif name == "experimental_deterministic":
            name = "deterministic"
        super().__setattr__(name, value)

    def _set_mutable(self, mutable: bool) -> None:
        # TF's list: `experimental_service` stays mutable in a frozen `Options` (a wart).
        object.__setattr__(self, "_mutable", mutable)
        for name in ("autotune", "experimental_distribute", "experimental_optimization"):
            getattr(self, name)._set_mutable(mutable)
        self.threading._set_mutable(mutable)

    def merge(self, options):
        """A new `Options`: these merged with `options` (the later non-default value wins,
        with a warning when they differ)."""
        return merge_options(self, options)
