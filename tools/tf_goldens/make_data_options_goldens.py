"""Generates tests/data/tf_data_options_goldens.json: `tf.data.Options`, `with_options` and
`options()` under real TF 2.21 (defaults, types and errors, merging, frozen copies, and the
optimizer rewrites the options switch off).

Usage (TensorFlow lives in its own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_data_options_goldens.py

Each case is code run with `tf`, `np` and `D = tf.data.Dataset` defined, starting from
`tf.random.set_seed(None)`; its result is `out`, encoded by tests/test_data_encode.py
(tests/test_data_options.py replays the cases under tapeflow).
"""

from __future__ import annotations

import sys

from family import DATA, ROOT, record_data_cases

sys.path.insert(0, str(ROOT / "tests"))

OUTPUT = DATA / "tf_data_options_goldens.json"
CASES: dict[str, str] = {}


def case(name: str, code: str) -> None:
    assert name not in CASES, name
    CASES[name] = code


NEW = "o = tf.data.Options()\n"
X = "tf.data.experimental."
OPT = "o.experimental_optimization."
READ = (
    "def read(o):\n"
    "    return [o.deterministic, o.experimental_slack, o.dataset_name, o.framework_type,\n"
    "            o.experimental_external_state_policy, o.experimental_warm_start,\n"
    "            o.experimental_symbolic_checkpoint, o.experimental_service.pinned,\n"
    "            o.autotune.enabled, o.autotune.cpu_budget, o.autotune.ram_budget,\n"
    "            o.autotune.autotune_algorithm, o.autotune.initial_parallelism,\n"
    "            o.autotune.min_parallelism, o.experimental_distribute.auto_shard_policy,\n"
    "            o.experimental_distribute.num_devices, o.threading.private_threadpool_size,\n"
    "            o.threading.max_intra_op_parallelism] + [\n"
    "            getattr(o.experimental_optimization, n) for n in (\n"
    "                'apply_default_optimizations', 'filter_fusion', 'filter_parallelization',\n"
    "                'inject_prefetch', 'seq_interleave_prefetch', 'map_and_batch_fusion',\n"
    "                'map_and_filter_fusion', 'map_fusion', 'map_parallelization',\n"
    "                'noop_elimination', 'parallel_batch', 'shuffle_and_repeat_fusion')]\n"
)
SET_ALL = (
    NEW + "o.deterministic = False; o.experimental_slack = True; o.dataset_name = 'n'\n"
    "o.framework_type = ['keras']; o.experimental_warm_start = True\n"
    f"o.experimental_external_state_policy = {X}ExternalStatePolicy.IGNORE\n"
    "o.experimental_symbolic_checkpoint = True; o.experimental_service.pinned = True\n"
    "o.autotune.enabled = False; o.autotune.cpu_budget = 2; o.autotune.ram_budget = 1000\n"
    f"o.autotune.autotune_algorithm = {X}AutotuneAlgorithm.STAGE_BASED\n"
    "o.autotune.initial_parallelism = 3; o.autotune.min_parallelism = 1\n"
    f"o.experimental_distribute.auto_shard_policy = {X}AutoShardPolicy.DATA\n"
    "o.experimental_distribute.num_devices = 2; o.threading.private_threadpool_size = 4\n"
    f"o.threading.max_intra_op_parallelism = 1; {OPT}apply_default_optimizations = False\n"
    f"{OPT}filter_fusion = True; {OPT}map_fusion = True; {OPT}parallel_batch = True\n"
)

# -- the options object
case("defaults", READ + NEW + "out = read(o)")
case("dataset_defaults", READ + "out = read(D.range(3).options())")
case(
    "set_all_read_back",
    READ + SET_ALL + "out = [read(o), read(D.range(2).with_options(o).options())]",
)
case(
    "set_all_equal",
    SET_ALL + "r = D.range(2).with_options(o).options(); out = [r == o, o == r, r != o]",
)
case(
    "equal_defaults",
    "out = [D.range(2).options() == tf.data.Options(), tf.data.Options() != tf.data.Options()]",
)
case("equal_other_type", "out = tf.data.Options() == tf.data.ThreadingOptions()")
case("unknown_property", NEW + "o.foo = 1")
case("unknown_nested_property", NEW + "o.threading.foo = 1")
case("wrong_type_bool", NEW + "o.deterministic = 1")
case("wrong_type_int", NEW + "o.threading.private_threadpool_size = 1.5")
case("wrong_type_enum", NEW + "o.experimental_distribute.auto_shard_policy = 1")
case("wrong_type_nested", NEW + "o.threading = tf.data.experimental.OptimizationOptions()")
case("bool_is_an_int", NEW + "o.autotune.cpu_budget = True; out = o.autotune.cpu_budget")
case("unhashable", "out = hash(tf.data.Options())")
case(
    "deprecated_deterministic",
    NEW + "o.experimental_deterministic = False\n"
    "out = [o.deterministic, o.experimental_deterministic]",
)
case(
    "deprecated_threading",
    NEW + "o.experimental_threading.private_threadpool_size = 3\n"
    "out = [o.threading.private_threadpool_size, o.experimental_threading is o.threading]",
)
case("threading_alias", f"out = tf.data.ThreadingOptions is {X}ThreadingOptions")
case(
    "enums",
    f"out = [list({X}AutoShardPolicy), list({X}ExternalStatePolicy), "
    f"list({X}AutotuneAlgorithm), int({X}AutoShardPolicy.OFF)]",
)
case("frozen", "r = D.range(2).options(); r.deterministic = True")
case("frozen_nested", "r = D.range(2).options(); r.threading.private_threadpool_size = 2")
case(
    "frozen_optimization", "r = D.range(2).options(); r.experimental_optimization.map_fusion = True"
)
# TF's wart: experimental_service is left out of the freeze.
case(
    "frozen_service_is_not",
    "r = D.range(2).options(); r.experimental_service.pinned = True\n"
    "out = [r.experimental_service.pinned, D.range(2).options().experimental_service.pinned]",
)
case(
    "user_options_stay_mutable",
    NEW + "d = D.range(2).with_options(o); o.deterministic = False\n"
    "out = [o.deterministic, d.options().deterministic]",
)
case("fresh_copy_each_call", "d = D.range(2); out = d.options() is d.options()")

# -- merging
A = (
    NEW
    + "o.deterministic = False; o.framework_type = ['a']; o.threading.private_threadpool_size = 2\n"
)
B = (
    "p = tf.data.Options(); p.deterministic = True; p.framework_type = ['b']\n"
    "p.experimental_optimization.map_fusion = True\n"
)
MERGED = (
    "out = [m.deterministic, m.framework_type, m.threading.private_threadpool_size,"
    " m.experimental_optimization.map_fusion]"
)
case("merge", A + B + "m = o.merge(p)\n" + MERGED)
case("merge_keeps_inputs", A + B + "o.merge(p); out = [o.deterministic, p.framework_type]")
case(
    "merge_default_does_not_override",
    A
    + "m = o.merge(tf.data.Options())\n"
    + MERGED.replace(" m.experimental_optimization.map_fusion", " m == o"),
)
case("merge_not_options", NEW + "o.merge(3)")
case("merge_other_options", NEW + "o.merge(tf.data.ThreadingOptions())")
case("chained", A + B + "m = D.range(2).with_options(o).with_options(p).options()\n" + MERGED)
case(
    "zip",
    A
    + B
    + "m = D.zip(D.range(2).with_options(o), D.range(2).with_options(p)).options()\n"
    + MERGED,
)
case(
    "concatenate",
    A + B + "m = D.range(2).with_options(o).concatenate("
    "D.range(2).with_options(p)).options()\n" + MERGED,
)
case(
    "carried_through",
    A + "d = D.range(6).with_options(o)\n"
    "m = d.map(lambda x: x).shuffle(3, seed=1).batch(2).repeat(2).take(3).unbatch().options()\n"
    + MERGED,
)
case(
    "flat_map_inner_not_carried",
    A + "out = D.range(2).flat_map(lambda x: D.range(2).with_options(o)).options().deterministic",
)
case("with_options_not_options", "D.range(2).with_options(3)")
case("with_options_other_options", "D.range(2).with_options(tf.data.ThreadingOptions())")

# -- the dataset itself
case("options_dataset", NEW + "out = D.range(3).with_options(o)")
case(
    "options_dataset_slices",
    NEW + "o.deterministic = False\n"
    "out = D.from_tensor_slices((np.arange(4.0), np.arange(4))).shuffle(4, seed=2).batch(3)"
    ".with_options(o)",
)
case("options_dataset_len", NEW + "out = len(D.range(5).with_options(o).batch(2))")
case("options_dataset_spec", NEW + "out = D.range(5).batch(2).with_options(o).element_spec")

# -- the optimizer rewrites the options turn off
RESHAPE = (
    "D.from_tensor_slices([0, 1]).map(lambda v: tf.reshape(tf.range(6), tf.stack([2 + v, 3 - v])))"
)
FUSED = "b = list(d)[0]; out = (b.shape[0], sorted(b.numpy().ravel().tolist()))"
case("map_batch_fused", f"d = {RESHAPE}.batch(2).with_options(tf.data.Options())\n" + FUSED)
case(
    "map_batch_fusion_off",
    NEW + f"{OPT}map_and_batch_fusion = False\nout = {RESHAPE}.batch(2).with_options(o)",
)
case(
    "map_batch_defaults_off",
    NEW + f"{OPT}apply_default_optimizations = False\nout = {RESHAPE}.batch(2).with_options(o)",
)
case(
    "map_batch_defaults_off_fusion_on",
    NEW + f"{OPT}apply_default_optimizations = False\n"
    f"{OPT}map_and_batch_fusion = True\nd = {RESHAPE}.batch(2).with_options(o)\n" + FUSED,
)
case("map_batch_options_between", f"out = {RESHAPE}.with_options(tf.data.Options()).batch(2)")
case(
    "map_batch_fusion_off_then_map",
    NEW + f"{OPT}map_and_batch_fusion = False\n"
    f"out = {RESHAPE}.batch(2).with_options(o).map(lambda x: x + 1)",
)
SR = "D.range(3).shuffle(3, seed=1)"
case("shuffle_repeat0_fused", f"out = {SR}.repeat(0)")
case(
    "shuffle_repeat0_fusion_off",
    NEW + f"{OPT}shuffle_and_repeat_fusion = False\nout = {SR}.repeat(0).with_options(o)",
)
case(
    "shuffle_repeat0_defaults_off",
    NEW + f"{OPT}apply_default_optimizations = False\nout = {SR}.repeat(0).with_options(o)",
)
case("shuffle_options_repeat0", f"out = {SR}.with_options(tf.data.Options()).repeat(0)")
# An unfused finite repeat makes its input's next iterator after the last epoch too, so a
# shuffle before it draws one epoch's seeds more.
EPOCHS = "out = [list(d.as_numpy_iterator()) for _ in range(2)]"
case("shuffle_repeat2_fused", "d = D.range(5).shuffle(5, seed=3).repeat(2)\n" + EPOCHS)
case(
    "shuffle_repeat2_fusion_off",
    NEW + f"{OPT}shuffle_and_repeat_fusion = False\n"
    "d = D.range(5).shuffle(5, seed=3).repeat(2).with_options(o)\n" + EPOCHS,
)
case(
    "shuffle_map_repeat1", "d = D.range(5).shuffle(5, seed=3).map(lambda v: v).repeat(1)\n" + EPOCHS
)
case(
    "shuffle_map_repeat1_noop_off",
    NEW + f"{OPT}noop_elimination = False\n"
    "d = D.range(5).shuffle(5, seed=3).map(lambda v: v).repeat(1).with_options(o)\n" + EPOCHS,
)


def main() -> None:
    record_data_cases(OUTPUT, __file__, CASES)


if __name__ == "__main__":
    main()
