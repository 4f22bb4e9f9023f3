"""Generates tests/data/tf_data_goldens.json: `tf.data.Dataset` behaviour under real TF 2.21.

Usage (TensorFlow lives in its own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_data_goldens.py

Each case is code run with `tf`, `np` and `D = tf.data.Dataset` defined; its result is `out`.
Results and errors are encoded by tests/test_data_encode.py, which tests/test_data.py replays
the cases with under tapeflow. Every case starts from `tf.random.set_seed(None)`, so the
global seed is whatever the case sets.
"""

from __future__ import annotations

import sys

from family import DATA, ROOT, record_data_cases

sys.path.insert(0, str(ROOT / "tests"))

OUTPUT = DATA / "tf_data_goldens.json"

X = "x = np.arange(10, dtype='float32').reshape(5, 2); y = np.array([0, 1, 0, 1, 1])\n"
CASES: dict[str, str] = {}


def case(name: str, code: str) -> None:
    assert name not in CASES, name
    CASES[name] = code


# -- sources, dtypes, reprs, specs, cardinalities
case("slices_tuple", X + "out = D.from_tensor_slices((x, y))")
case("slices_spec", X + "out = D.from_tensor_slices((x, y)).element_spec")
case("slices_card_tensor", X + "out = D.from_tensor_slices((x, y)).cardinality()")
case("slices_len", X + "out = len(D.from_tensor_slices((x, y)))")
case("slices_dict", X + "out = D.from_tensor_slices({'a': x, 'b': y})")
case("slices_dict_order", X + "out = D.from_tensor_slices({'b': y, 'a': x})")
case("slices_nested", X + "out = D.from_tensor_slices((x, (y, {'z': y * 2})))")
case("slices_pyfloat", "out = D.from_tensor_slices([1.0, 2.0])")
case("slices_pyint", "out = D.from_tensor_slices([[1, 2], [3, 4]])")
case("slices_float64", "out = D.from_tensor_slices(np.ones(3))")
case("slices_bool", "out = D.from_tensor_slices(np.array([True, False]))")
case("slices_tensor", "out = D.from_tensor_slices(tf.constant([[1.5], [2.5]]))")
case("slices_mismatch", "out = D.from_tensor_slices((np.ones(3), np.ones(4)))")
case("slices_scalar", "out = D.from_tensor_slices(3)")
case("slices_empty", "out = D.from_tensor_slices(np.zeros((0, 2), 'float32'))")
case("tensors", X + "out = D.from_tensors(x)")
case("tensors_tuple", "out = D.from_tensors((1, 2.0))")
case("range5", "out = D.range(5)")
case("range_step", "out = D.range(1, 10, 3)")
case("range_neg", "out = D.range(5, 0, -2)")
case("range_empty", "out = D.range(5, 2)")
case("range_int32", "out = D.range(3, output_type=tf.int32)")
case("range_zero_step", "out = D.range(0, 5, 0)")
case("numpy_iter", X + "out = list(D.from_tensor_slices((x, y)).as_numpy_iterator())")
case("numpy_iter_dict", X + "out = list(D.from_tensor_slices({'a': x}).as_numpy_iterator())")
case("iter_next", "it = iter(D.range(3)); out = (next(it), it.get_next(), type(it).__name__)")
case("iter_spec", "out = iter(D.range(3)).element_spec")
case("iter_exhausted", "it = iter(D.range(1)); next(it); out = it.get_next()")
case("iter_exhausted_next", "it = iter(D.range(1)); next(it); out = next(it, 'done')")
case(
    "reiterate", "d = D.range(3); out = (list(d.as_numpy_iterator()), list(d.as_numpy_iterator()))"
)
# -- batch
case("batch", X + "out = D.from_tensor_slices((x, y)).batch(2)")
case("batch_drop", X + "out = D.from_tensor_slices((x, y)).batch(2, drop_remainder=True)")
case("batch_parallel", "out = D.range(7).batch(3, num_parallel_calls=2, deterministic=True)")
case("batch_autotune", "out = D.range(7).batch(3, num_parallel_calls=tf.data.AUTOTUNE)")
case("batch_dict", X + "out = D.from_tensor_slices({'a': x, 'b': y}).batch(2)")
case("batch_batch", "out = D.range(10).batch(2).batch(2)")
case("batch_big", "out = D.range(3).batch(10)")
case("batch_big_drop", "out = D.range(3).batch(10, drop_remainder=True)")
case("batch_zero", "out = D.range(3).batch(0)")
# TF names the two shapes in either order from run to run (its batch copies elements in
# parallel): the case keeps the message up to the shapes.
case(
    "batch_ragged",
    "try:\n    list(D.range(1, 4).map(lambda v: tf.range(v)).batch(2))\n    out = None\n"
    "except tf.errors.InvalidArgumentError as e:\n"
    "    out = str(e).split('}} ', 1)[-1].split(' Shapes are')[0]",
)
# TF fuses map().batch() (MapAndBatchDataset): only element counts are checked, and equal
# counts are reshaped silently; any other batch checks shapes.
RESHAPE = (
    "D.from_tensor_slices([0, 1]).map(lambda v: tf.reshape(tf.range(6), tf.stack([2 + v, 3 - v])))"
)
# (Which element's shape the fused batch takes varies from run to run in TF: the case keeps
# what does not.)
case(
    "batch_fused_reshapes",
    "b = list(" + RESHAPE + ".batch(2))[0]\nout = (b.shape[0], sorted(b.numpy().ravel().tolist()))",
)
case("batch_unfused_shapes", "out = " + RESHAPE + ".prefetch(1).batch(2)")
case("batch_parallel_shapes", "out = " + RESHAPE + ".batch(2, num_parallel_calls=2)")
case(
    "batch_unfused_counts",
    "out = D.from_tensor_slices([1, 2]).map(lambda v: tf.range(v)).prefetch(1).batch(2)",
)
case("batch_of_batches_counts", "out = D.range(4).batch(3).batch(2)")
case("batch_infinite", "out = D.range(3).repeat().batch(2).take(4)")
case("batch_infinite_card", "out = D.range(3).repeat().batch(2).cardinality()")
case("batch_filter", "out = D.range(10).filter(lambda v: v > 2).batch(3)")
# -- shuffle (seeds without a global seed; tapeflow's default graph seed path)
case("shuffle_repr", "out = repr(D.range(5).shuffle(3))")
case("shuffle_card", "out = D.range(5).shuffle(3).cardinality()")
for seed in (0, 1, 3, 42, 12345):
    for buffer in (1, 2, 4, 7, 100):
        case(f"shuffle_s{seed}_b{buffer}", f"out = D.range(7).shuffle({buffer}, seed={seed})")
case(
    "shuffle_epochs",
    "d = D.range(7).shuffle(7, seed=3); out = [list(d.as_numpy_iterator()) for _ in range(3)]",
)
case(
    "shuffle_no_reshuffle",
    "d = D.range(7).shuffle(7, seed=3, reshuffle_each_iteration=False);"
    " out = [list(d.as_numpy_iterator()) for _ in range(3)]",
)
# A finite repeat makes its input's next iterator when each epoch ends, the last too.
case(
    "repeat_extra_iterator",
    "d = D.zip(D.range(2), D.range(100).shuffle(7, seed=3)).repeat(2);"
    " out = [list(d.as_numpy_iterator()) for _ in range(2)]",
)
case(
    "repeat_extra_iterator_map",
    "s = D.range(7).shuffle(7, seed=3); d = s.map(lambda v: v + 1)"
    ".repeat(1); a = list(d.as_numpy_iterator()); out = (a, list(s.as_numpy_iterator()))",
)
case(
    "repeat_extra_iterator_map2",
    "s = D.range(7).shuffle(7, seed=3); d = s.map(lambda v: v + 1)"
    ".repeat(2); a = list(d.as_numpy_iterator()); out = (a, list(s.as_numpy_iterator()))",
)
case("shuffle_then_repeat", "out = D.range(7).shuffle(7, seed=3).repeat(3)")
case("shuffle_small_then_repeat", "out = D.range(7).shuffle(3, seed=9).repeat(2)")
case(
    "shuffle_repeat_shared",
    "d = D.range(7).shuffle(7, seed=3); a = list(d.as_numpy_iterator());"
    " out = (a, list(d.repeat(2).as_numpy_iterator()), list(d.as_numpy_iterator()))",
)
case(
    "shuffle_two_iters",
    "d = D.range(7).shuffle(7, seed=3); a = iter(d); b = iter(d);"
    " out = ([int(v) for v in b], [int(v) for v in a])",
)
case(
    "shuffle_downstream_shared",
    "d = D.range(7).shuffle(7, seed=3); m = d.map(lambda v: v * 2);"
    " out = (list(m.as_numpy_iterator()), list(d.as_numpy_iterator()))",
)
case("repeat_then_shuffle", "out = D.range(7).repeat(2).shuffle(4, seed=3)")
case("shuffle_batch", X + "out = D.from_tensor_slices((x, y)).shuffle(5, seed=1).batch(2)")
case("shuffle_big", "out = list(D.range(300).shuffle(50, seed=77).as_numpy_iterator())")
case(
    "shuffle_full_big",
    "out = list(D.range(1000).shuffle(1000, seed=5).batch(100).as_numpy_iterator())[3]",
)
case("shuffle_seed_big", "out = D.range(6).shuffle(6, seed=2**40 + 7)")
case("shuffle_buffer_zero", "out = D.range(3).shuffle(0)")
case("shuffle_slices_dict", X + "out = D.from_tensor_slices({'a': x, 'b': y}).shuffle(5, seed=4)")
case("shuffle_after_map", "out = D.range(6).map(lambda v: v * 10).shuffle(4, seed=8)")
# -- shuffles that read the global seed (tf.random.set_seed)
GS = "globalseed_"
case(GS + "5_only", "tf.random.set_seed(5); out = D.range(5).shuffle(5)")
case(
    GS + "5_only_again",
    "tf.random.set_seed(5); a = list(D.range(5).shuffle(5)"
    ".as_numpy_iterator()); out = (a, D.range(5).shuffle(5))",
)
case(
    GS + "0_seed42",
    "tf.random.set_seed(0); d = D.range(5).shuffle(5, seed=42);"
    " out = [list(d.as_numpy_iterator()) for _ in range(2)]",
)
case(
    GS + "0_seed42_fixed",
    "tf.random.set_seed(0); d = D.range(5).shuffle(5, seed=42, "
    "reshuffle_each_iteration=False); out = [list(d.as_numpy_iterator()) for _ in range(2)]",
)
case(GS + "0_seed0", "tf.random.set_seed(0); out = D.range(7).shuffle(7, seed=0)")
case(GS + "1_buffer3", "tf.random.set_seed(1); out = D.range(10).shuffle(3, seed=1)")
case(GS + "7_buffer2", "tf.random.set_seed(7); out = D.range(10).shuffle(2)")
case(
    GS + "after_uniform",
    "tf.random.set_seed(1); tf.random.uniform([1]); out = D.range(7).shuffle(7)",
)
case(
    GS + "before_uniform",
    "tf.random.set_seed(1); d = D.range(7).shuffle(7); out = (d, tf.random.uniform([1]))",
)
# -- map / filter / functions
case("map", X + "out = D.from_tensor_slices((x, y)).map(lambda a, b: (a * 2, b))")
case(
    "map_parallel",
    X + "out = D.from_tensor_slices((x, y)).map(lambda a, b: a, "
    "num_parallel_calls=tf.data.AUTOTUNE)",
)
case(
    "map_parallel_det",
    "out = D.range(3).map(lambda v: v + 1, num_parallel_calls=2, deterministic=False)",
)
case("map_dict_arg", X + "out = D.from_tensor_slices({'a': x, 'b': y}).map(lambda d: d['b'])")
case("map_to_dict", "out = D.range(3).map(lambda v: {'v': v, 'sq': v * v})")
case("map_list_out", "out = D.range(3).map(lambda v: [v, v + 1])")
case("map_python_const", "out = D.range(3).map(lambda v: 1.5)")
case("map_cast", "out = D.range(3).map(lambda v: tf.cast(v, tf.float32) / 2)")
case("map_after_batch", "out = D.range(5).batch(2).map(lambda v: v * 2)")
case("map_after_batch_drop", "out = D.range(5).batch(2, drop_remainder=True).map(lambda v: v * 2)")
case(
    "map_keeps_unknown_dims",
    "out = D.from_tensor_slices(np.ones((5, 3))).padded_batch(2, "
    "padded_shapes=[None]).map(lambda x: x + 1)",
)
case("map_reduce_batch", "out = D.range(5).batch(2).map(lambda v: tf.reduce_sum(v))")
case("map_stack_batch", "out = D.range(6).batch(3).map(lambda v: tf.stack([v, v]))")
case(
    "map_batch_tuple",
    X + "out = D.from_tensor_slices((x, y)).batch(2).map(lambda a, b: "
    "(tf.reduce_mean(a, axis=1), tf.one_hot(b, 4)))",
)
case("map_single_tuple", "out = D.from_tensors((1,)).map(lambda a: a + 1)")
case("map_nested_arg", X + "out = D.from_tensor_slices((x, (y, y))).map(lambda a, b: b[0] + b[1])")
case("filter", "out = D.range(10).filter(lambda v: v % 3 == 0)")
case("filter_tuple", X + "out = D.from_tensor_slices((x, y)).filter(lambda a, b: b > 0)")
case("filter_nonbool", "out = D.range(3).filter(lambda v: v)")
case("filter_card", "out = D.range(10).filter(lambda v: v > 2).cardinality()")
case("filter_len", "out = len(D.range(10).filter(lambda v: v > 2))")
case("flat_map", "out = D.range(4).flat_map(lambda v: D.range(v))")
case(
    "flat_map_tensors",
    X + "out = D.from_tensor_slices(x).flat_map(lambda r: D.from_tensor_slices(r))",
)
case("reduce", "out = D.range(5).reduce(np.int64(0), lambda a, b: a + b)")
case(
    "reduce_tuple",
    "out = D.range(5).reduce((np.int64(0), np.int64(1)), lambda s, v: (s[0] + v, s[1] * (v + 1)))",
)
case(
    "reduce_dtype_change",
    "out = D.range(3).reduce(np.int64(0), lambda a, b: tf.cast(a + b, tf.float32))",
)
case("reduce_empty", "out = D.range(0).reduce(np.float32(2.5), lambda a, b: a)")
# -- repeat, take, skip, prefetch, cache
case("repeat3", "out = D.range(3).repeat(3)")
case("repeat_inf", "out = D.range(3).repeat()")
case("repeat_inf_len", "out = len(D.range(3).repeat())")
case("repeat_zero", "out = D.range(3).repeat(0)")
case("repeat_empty_inf", "out = D.range(0).repeat().cardinality()")
case("take", "out = D.range(7).take(3)")
case("take_all", "out = D.range(7).take(-1)")
case("take_more", "out = D.range(3).take(10)")
case("take_inf", "out = D.range(3).repeat().take(5)")
case("take_unknown", "out = D.range(9).filter(lambda v: v > 1).take(3).cardinality()")
case("skip", "out = D.range(7).skip(2)")
case("skip_all", "out = D.range(7).skip(-1)")
case("skip_more", "out = D.range(3).skip(10)")
case("skip_inf", "out = D.range(3).repeat().skip(2).cardinality()")
case("prefetch", "out = D.range(4).prefetch(tf.data.AUTOTUNE)")
case("prefetch_buffer", "out = D.range(4).prefetch(2)")
case("cache", "out = D.range(4).cache()")
case(
    "cache_map_once",
    "calls = []\n"
    "d = D.range(3).map(lambda v: v + 1).cache()\n"
    "out = (list(d.as_numpy_iterator()), list(d.as_numpy_iterator()))",
)
case(
    "cache_shuffle",
    "d = D.range(6).shuffle(6, seed=11).cache(); "
    "out = (list(d.as_numpy_iterator()), list(d.as_numpy_iterator()))",
)
# -- zip, enumerate, concatenate
case("zip_tuple", "r = D.range(4); out = D.zip((r, r.map(lambda v: v * 10)))")
case("zip_varargs", "r = D.range(4); out = D.zip(r, r.skip(1))")
case("zip_dict", "r = D.range(3); out = D.zip({'a': r, 'b': r.map(lambda v: -v)})")
case("zip_nested", "r = D.range(3); out = D.zip(r, (r, r.take(2)))")
case("zip_inf", "out = D.zip(D.range(3).repeat(), D.range(5)).cardinality()")
case("zip_not_dataset", "out = D.zip((D.range(3), 4))")
case("zip_unknown", "out = D.zip(D.range(3).filter(lambda v: v > 0), D.range(2)).cardinality()")
case("enumerate", "out = D.range(3, 6).enumerate()")
case("enumerate_start", "out = D.range(3).enumerate(start=10)")
case("concatenate", "out = D.range(3).concatenate(D.range(10, 12))")
case("concatenate_bad", "out = D.range(3).concatenate(D.from_tensor_slices([1.0]))")
case("concatenate_shapes", "out = D.from_tensors([1, 2]).concatenate(D.from_tensors([3]))")
case("concatenate_inf", "out = D.range(3).repeat().concatenate(D.range(2)).cardinality()")
case(
    "concatenate_unknown",
    "out = D.range(3).filter(lambda v: v > 0).concatenate(D.range(2)).cardinality()",
)
# -- unbatch, padded_batch, window
case("unbatch", X + "out = D.from_tensor_slices((x, y)).batch(2).unbatch()")
case("unbatch_tensors", X + "out = D.from_tensors(x).unbatch()")
case("unbatch_scalar", "out = D.range(3).unbatch()")
case("unbatch_card", "out = D.range(7).batch(2).unbatch().cardinality()")
case("padded_batch", "out = D.from_tensor_slices([[1], [2]]).padded_batch(2)")
case("padded_batch_ragged", "out = D.range(1, 5).map(lambda v: tf.range(v)).padded_batch(2)")
case(
    "padded_batch_shape",
    "out = D.range(1, 5).map(lambda v: tf.range(v)).padded_batch("
    "2, padded_shapes=[5], padding_values=np.int64(-1))",
)
case(
    "padded_batch_none",
    "out = D.range(1, 4).map(lambda v: tf.range(v)).padded_batch("
    "2, padded_shapes=(None,), drop_remainder=True)",
)
case(
    "padded_batch_small",
    "out = D.range(1, 5).map(lambda v: tf.range(v)).padded_batch(2, padded_shapes=[2])",
)
case(
    "padded_batch_tuple",
    "out = D.range(1, 4).map(lambda v: (tf.range(v), tf.fill([v, 2], 1.5))).padded_batch(2)",
)
case("padded_batch_dict", "out = D.range(1, 4).map(lambda v: {'a': tf.range(v)}).padded_batch(3)")
case("window", "out = D.range(7).window(3)")
case("window_spec", "out = D.range(7).window(3).element_spec")
case("window_shift", "out = D.range(7).window(3, shift=2)")
case("window_stride", "out = D.range(9).window(3, shift=1, stride=2)")
case("window_drop", "out = D.range(7).window(3, shift=2, drop_remainder=True)")
case(
    "window_flat",
    "out = D.range(7).window(3, shift=1, drop_remainder=True).flat_map(lambda w: w.batch(3))",
)
case("window_tuple", X + "out = D.from_tensor_slices((x, y)).window(2)")
case(
    "window_card",
    "out = (D.range(10).window(3).cardinality(), D.range(10).window(4, 3, 2, "
    "True).cardinality(), D.range(2).window(3, drop_remainder=True).cardinality())",
)
# -- constants
case(
    "constants",
    "out = (tf.data.AUTOTUNE, tf.data.INFINITE_CARDINALITY, "
    "tf.data.UNKNOWN_CARDINALITY, tf.data.experimental.AUTOTUNE, "
    "tf.data.experimental.INFINITE_CARDINALITY, tf.data.experimental.UNKNOWN_CARDINALITY)",
)
case(
    "spec_dict_nested",
    X + "out = D.from_tensor_slices({'a': (x, y), 'b': {'c': y}}).batch(2).element_spec",
)
case("str", X + "out = str(D.from_tensor_slices((x, y)).prefetch(1))")

# -- argument conversion and construction errors
case("zip_list", "out = D.zip([D.range(2), D.range(3)])")
case("zip_nothing", "out = D.zip()")
case("zip_method", "out = D.range(3).zip(D.range(2))")
case("range_float", "out = D.range(0.5)")
case("range_int32_tensor", "out = D.range(tf.constant(3))")
case("range_int64_numpy", "out = D.range(np.int64(3))")
case("range_float_output", "out = D.range(2, output_type=tf.float32)")
case("take_int32_tensor", "out = D.range(3).take(tf.constant(2))")
case("take_int64_tensor", "out = D.range(3).take(tf.constant(2, tf.int64))")
case("batch_int32_tensor", "out = D.range(3).batch(tf.constant(2))")
case("batch_float", "out = D.range(3).batch(2.0)")
case("repeat_float", "out = D.range(3).repeat(2.0)")
case("shuffle_float", "out = D.range(3).shuffle(2.5)")
case("skip_numpy_int", "out = D.range(3).skip(np.int32(1))")
case("batch_negative", "out = D.range(3).batch(-1)")
case("shuffle_negative", "out = D.range(3).shuffle(-5)")
case("shuffle_unknown_buffer", "out = D.range(5).shuffle(-2, seed=1)")
case(
    "shuffle_unknown_buffer_filter", "out = D.range(5).filter(lambda v: v > 0).shuffle(-2, seed=1)"
)
case("window_zero", "out = D.range(5).window(0)")
case("window_shift_zero", "out = D.range(5).window(2, 0)")
case("window_stride_zero", "out = D.range(5).window(2, 1, 0)")
case("repeat_negative", "out = D.range(3).repeat(-5).cardinality()")
case("concatenate_structure", "out = D.range(3).concatenate(D.range(2).map(lambda v: (v, v)))")
case(
    "concatenate_dicts",
    "out = D.from_tensor_slices({'a': [1, 2], 'b': [3., 4.]}).concatenate("
    "D.from_tensor_slices({'a': [5], 'b': [6.]}))",
)
case("slices_lists_mismatch", "out = D.from_tensor_slices(([1, 2], [3, 4, 5]))")
case("slices_dict_mismatch", "out = D.from_tensor_slices({'a': np.ones(3), 'b': np.ones(2)})")
case("slices_list_of_tuples", "out = D.from_tensor_slices([(1, 2), (3, 4)])")
case("slices_list_of_arrays", "out = D.from_tensor_slices([np.ones(2), np.zeros(2)])")
case("slices_uint8", "out = D.from_tensor_slices(np.arange(6, dtype=np.uint8).reshape(3, 2))")
case("tensors_numpy_scalar", "out = D.from_tensors(np.int64(3))")
case(
    "namedtuple",
    "import collections\nP = collections.namedtuple('P', 'a b')\n"
    "out = D.from_tensor_slices(P(np.arange(3), np.ones(3)))",
)
case(
    "namedtuple_map",
    "import collections\nP = collections.namedtuple('P', 'a b')\n"
    "out = D.from_tensor_slices(P(np.arange(3), np.ones(3))).map(lambda p: p.a * 2)",
)
case(
    "namedtuple_batch",
    "import collections\nP = collections.namedtuple('P', 'a b')\n"
    "out = D.from_tensor_slices(P(np.arange(3), np.ones(3))).batch(2)",
)
case("map_nested_list", "out = D.range(3).map(lambda v: (v, (v, [v, v])))")
case("map_float16", "out = D.range(3).map(lambda v: tf.cast(v, tf.float16))")
case("map_window_batch", "out = D.range(5).window(2).map(lambda w: w.batch(2))")
case("filter_vector", "out = D.range(3).filter(lambda v: tf.constant([True]))")
case("reduce_python_int", "out = D.range(3).reduce(0, lambda a, b: a + 1)")
case(
    "reduce_tuple_dtype",
    "out = D.range(3).reduce((np.int64(0), np.int64(0)), "
    "lambda s, v: (s[0] + v, tf.cast(s[1], tf.float32)))",
)
case("unbatch_uint8", "out = D.from_tensors(np.ones((2, 3), np.uint8)).unbatch()")
case("unbatch_known_batch", "out = D.from_tensors(np.ones((4, 3))).unbatch().batch(2)")
case("padded_batch_scalars", "out = D.range(3).padded_batch(2)")
case(
    "padded_batch_incompatible",
    "out = D.from_tensor_slices(np.ones((3, 2))).padded_batch(2, padded_shapes=[5, 5])",
)
case(
    "padded_batch_smaller_static",
    "out = D.from_tensor_slices(np.ones((3, 2))).padded_batch(2, padded_shapes=[1])",
)
case(
    "padded_batch_int_padding",
    "out = D.range(3).map(lambda v: tf.range(v)).padded_batch(2, padding_values=-1)",
)
case(
    "padded_batch_vector_padding",
    "out = D.range(3).map(lambda v: tf.range(v)).padded_batch("
    "2, padding_values=tf.constant([1], tf.int64))",
)
case(
    "padded_batch_tuple_values",
    "out = D.range(3).map(lambda v: (tf.range(v), tf.range(v)))"
    ".padded_batch(2, padded_shapes=([4], [None]), padding_values=(np.int64(7), np.int64(8)))",
)
case("padded_batch_datasets", "out = D.range(3).window(2).padded_batch(2)")
case(
    "padded_batch_float",
    "out = D.from_tensor_slices(np.ones((3, 2), np.float32))"
    ".padded_batch(2, padded_shapes=[4], padding_values=0.5)",
)
# -- apply, shard, take_while, get_single_element
case("apply", "out = D.range(3).apply(lambda d: d.take(1))")
case("shard", "out = D.range(10).shard(3, 1)")
case("shard_shuffled", "out = D.range(10).shuffle(10, seed=2).shard(4, 3)")
case("shard_bad_index", "out = D.range(10).shard(3, 3)")
case("shard_zero", "out = D.range(10).shard(0, 0)")
case("shard_batch", "out = D.range(11).shard(2, 0).batch(4)")
case("take_while", "out = D.range(8).take_while(lambda v: v < 3)")
case("single_element", "out = D.range(1).get_single_element()")
case("single_element_many", "out = D.range(3).get_single_element()")
case("single_element_empty", "out = D.range(0).get_single_element()")
case("single_element_tuple", X + "out = D.from_tensors((x, y)).get_single_element()")
# -- planned pipelines against TF (orders across epochs and boundaries)
case(
    "planned_epochs",
    X + "d = D.from_tensor_slices((x, y)).shuffle(5, seed=7).batch(2);"
    " out = [list(d.as_numpy_iterator()) for _ in range(2)]",
)
case("planned_repeat_batch", "out = D.range(5).shuffle(3, seed=1).repeat(2).batch(4)")
case(
    "planned_cache_epochs",
    "d = D.range(6).shuffle(6, seed=3).cache().batch(4);"
    " out = [list(d.as_numpy_iterator()) for _ in range(2)]",
)
case(
    "planned_take_epochs",
    "d = D.range(9).shuffle(9, seed=5).take(4);"
    " out = [list(d.as_numpy_iterator()) for _ in range(3)]",
)
case("planned_range_shuffle_batch", "out = D.range(20).shuffle(20, seed=6).batch(6)")
case("planned_zip_batch", "out = D.zip((D.range(5).shuffle(5, seed=1), D.range(10, 15))).batch(2)")
case(
    "planned_enumerate", X + "out = D.from_tensor_slices(x).enumerate().shuffle(5, seed=2).batch(2)"
)
case(
    "planned_zip_repeat", "out = D.zip(D.range(3).repeat(), D.range(7).shuffle(7, seed=4)).batch(3)"
)
case(
    "planned_zip_dict_epochs",
    X + "d = D.zip({'x': D.from_tensor_slices(x), 'y': "
    "D.from_tensor_slices(y)}).shuffle(5, seed=6).batch(3); "
    "out = [list(d.as_numpy_iterator()) for _ in range(2)]",
)
case("planned_big_range", "out = D.range(10**12).shuffle(3, seed=1).skip(5).take(4)")
case("planned_infinite_shuffle", "out = D.range(4).repeat().shuffle(5, seed=2).take(13)")

# -- from_generator
GEN = "def g():\n    yield 1\n    yield 2\n"
GEN2 = "def g2():\n    yield (np.ones(2), 3)\n    yield (np.zeros(2), 4)\n"
GEN3 = "def g3():\n    yield [1, 2]\n    yield [3]\n"
case("gen_types", GEN + "out = D.from_generator(g, output_types=tf.int32)")
case("gen_nothing", GEN + "out = D.from_generator(g)")
case(
    "gen_signature",
    GEN + "out = D.from_generator(g, output_signature=tf.TensorSpec([], tf.float32))",
)
case(
    "gen_tuple",
    GEN2 + "out = D.from_generator(g2, output_signature=(tf.TensorSpec([2], "
    "tf.float64), tf.TensorSpec([], tf.int64)))",
)
case(
    "gen_tuple_numpy",
    GEN2 + "out = list(D.from_generator(g2, output_signature=(tf.TensorSpec("
    "[2], tf.float64), tf.TensorSpec([], tf.int64))).as_numpy_iterator())",
)
case(
    "gen_types_shapes",
    GEN2 + "out = D.from_generator(g2, output_types=(tf.float64, tf.int64), "
    "output_shapes=((2,), ()))",
)
case(
    "gen_bad_shape",
    GEN3 + "out = D.from_generator(g3, output_signature=tf.TensorSpec([2], tf.int32))",
)
case(
    "gen_ragged",
    GEN3 + "out = D.from_generator(g3, output_signature=tf.TensorSpec([None], tf.int32))",
)
case(
    "gen_args",
    "def g4(n):\n    for i in range(int(n)):\n        yield i\n"
    "out = D.from_generator(g4, args=(3,), output_types=tf.int64)",
)
case("gen_bad_value", "out = D.from_generator(lambda: iter([1.5]), output_types=tf.int32)")
case("gen_list_leaf", "out = D.from_generator(lambda: iter([(1, 2)]), output_types=tf.int32)")
case(
    "gen_bad_structure",
    "out = D.from_generator(lambda: iter([(1, 2)]), output_signature="
    "(tf.TensorSpec([], tf.int32),) * 3)",
)
case(
    "gen_both",
    GEN + "out = D.from_generator(g, output_types=tf.int32, output_signature="
    "tf.TensorSpec([], tf.int32))",
)
case("gen_batch", GEN + "out = D.from_generator(g, output_types=tf.int32).batch(2)")
case("gen_shape_list", GEN + "out = D.from_generator(g, output_types=tf.int32, output_shapes=[])")
case(
    "gen_dict",
    "out = D.from_generator(lambda: iter([{'a': 1, 'b': 2.0}]), output_signature="
    "{'a': tf.TensorSpec([], tf.int64), 'b': tf.TensorSpec([], tf.float32)})",
)
case(
    "gen_reiterate",
    GEN + "d = D.from_generator(g, output_types=tf.int32); "
    "out = (list(d.as_numpy_iterator()), list(d.as_numpy_iterator()))",
)
# -- tf.data.experimental function forms, tf.data.Iterator
case("exp_cardinality", "out = tf.data.experimental.cardinality(D.range(3))")
case("exp_enumerate", "out = D.range(3).apply(tf.data.experimental.enumerate_dataset(5))")
case("exp_take_while", "out = D.range(5).apply(tf.data.experimental.take_while(lambda v: v < 2))")
case("exp_single", "out = tf.data.experimental.get_single_element(D.range(1))")
case("exp_unbatch", "out = D.range(4).batch(2).apply(tf.data.experimental.unbatch())")
case("iterator_type", "out = isinstance(iter(D.range(2)), tf.data.Iterator)")

# -- which transformations make (and so draw shuffle seeds for) their input's iterator
SH = "d = D.range(7).shuffle(7, seed=3)\n"
AFTER = "; out = (r, list(d.as_numpy_iterator()))"
case("draws_take0", SH + "r = list(d.take(0))" + AFTER)
case("draws_skip_all", SH + "r = list(d.skip(-1))" + AFTER)
case("draws_map_take0", SH + "r = list(d.map(lambda v: v + 1).take(0))" + AFTER)
case("draws_map_repeat0", SH + "r = list(d.map(lambda v: v + 1).repeat(0))" + AFTER)
case("draws_repeat_take", SH + "r = list(d.repeat(2).take(3).as_numpy_iterator())" + AFTER)
case("draws_zip", SH + "r = list(D.zip(d, d).as_numpy_iterator())" + AFTER)
case("draws_concat", SH + "r = list(d.take(2).concatenate(d).as_numpy_iterator())" + AFTER)
case(
    "draws_cache",
    "d = D.range(7).shuffle(7, seed=3); c = d.cache(); a = list(c.as_numpy_iterator())"
    "; b = list(c.as_numpy_iterator()); out = (a, b, list(d.as_numpy_iterator()))",
)
case("shuffle_repeat_zero", "out = D.range(7).shuffle(7, seed=3).repeat(0)")
case("shuffle_repeat_negative", "out = D.range(7).shuffle(7, seed=3).repeat(-3).take(2)")
case("shuffle_repeat_zero_card", "out = D.range(7).shuffle(7, seed=3).repeat(0).cardinality()")
case(
    "shuffle_fixed_repeat_zero",
    "out = D.range(7).shuffle(7, seed=3, reshuffle_each_iteration=False).repeat(0)",
)
case("shuffle_prefetch_repeat_zero", "out = D.range(7).shuffle(7, seed=3).prefetch(1).repeat(0)")

# -- long shuffles, pinned by an order-weighted checksum (the full orders are long)
W = (
    "order = np.array(list(d.as_numpy_iterator()))\n"
    "out = int((order * np.arange(1, len(order) + 1)).sum())"
)
case("long_full_buffer", "d = D.range(1797).shuffle(1797, seed=1)\n" + W)
case("long_buffer_100", "d = D.range(1797).shuffle(100, seed=1)\n" + W)
case("long_second_epoch", "d = D.range(1797).shuffle(1797, seed=1); list(d)\n" + W)
case("long_big_seed", "d = D.range(5000).shuffle(5000, seed=2**31 + 12345)\n" + W)
case(
    "long_slices_batches",
    "x = np.arange(1797 * 2, dtype='float32').reshape(1797, 2)\n"
    "y = np.arange(1797)\nb = list(D.from_tensor_slices((x, y)).shuffle(1797, seed=1).batch(32)"
    ".as_numpy_iterator())\nout = (len(b), b[0][1], b[-1][1], b[-1][0].shape, "
    "int(sum(int((t[1] * np.arange(1, len(t[1]) + 1)).sum()) for t in b)))",
)

# -- more conversions
case("slices_tensor_list", "out = D.from_tensor_slices([tf.constant(1), tf.constant(2)])")
case("slices_ragged", "out = D.from_tensor_slices([[1, 2], [3]])")
case("slices_variable", "out = D.from_tensor_slices(tf.Variable([1.0, 2.0]))")
case("slices_zero_width", "out = D.from_tensor_slices(np.ones((2, 0), np.float32))")
case("tensors_list", "out = D.from_tensors([1.5, 2.5])")
case("tensors_dict_of_lists", "out = D.from_tensors({'a': [1, 2], 'b': (3, 4.0)})")


def main() -> None:
    record_data_cases(OUTPUT, __file__, CASES)


if __name__ == "__main__":
    main()
