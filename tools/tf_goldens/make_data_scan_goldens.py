"""Generates tests/data/tf_data_scan_goldens.json: `Dataset.scan`, `Dataset.counter`,
`Dataset.choose_from_datasets`, `Dataset.sample_from_datasets` (TF's draws) and
`Dataset.unique` under real TF 2.21 (values, reprs, specs, cardinalities, TF's errors), and
their `tf.data.experimental` forms.

Usage (TensorFlow lives in its own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_data_scan_goldens.py

Each case is code run with `tf`, `np` and `D = tf.data.Dataset` defined; its result is `out`,
encoded by tests/test_data_encode.py (tests/test_data_scan.py replays the cases under
tapeflow).
"""

from __future__ import annotations

import sys

from family import DATA, ROOT, record_data_cases

sys.path.insert(0, str(ROOT / "tests"))

OUTPUT = DATA / "tf_data_scan_goldens.json"
CASES: dict[str, str] = {}


def case(name: str, code: str) -> None:
    assert name not in CASES, name
    CASES[name] = code


Z = "tf.constant(0, tf.int64)"
# -- scan
case("scan", f"out = D.range(5).scan({Z}, lambda s, x: (s + x, s * 10))")
case(
    "scan_spec_card",
    f"d = D.range(5).scan({Z}, lambda s, x: (s + x, s))\nout = [d.element_spec, d.cardinality()]",
)
case("scan_python_state", "out = D.range(3).scan(0, lambda s, x: (s + 1, x))")
case("scan_numpy_state", "out = D.range(3).scan(np.int64(0), lambda s, x: (s + x, x))")
case(
    "scan_tuple_state",
    f"out = D.range(3).scan(({Z}, tf.constant(1.0)), "
    "lambda s, x: ((s[0] + x, s[1] * 2.0), (s[1], x)))",
)
case(
    "scan_dict_state",
    "out = D.range(3).scan({'n': tf.constant(0, tf.int64)}, "
    "lambda s, x: ({'n': s['n'] + x}, s['n']))",
)
case(
    "scan_tuple_element",
    f"out = D.zip(D.range(3), D.range(3)).scan({Z}, lambda s, x: (s + x[0], x[1]))",
)
case(
    "scan_growing_state",
    "out = D.range(3).scan(tf.constant([0], tf.int64), "
    "lambda s, x: (tf.concat([s, [x]], 0), tf.size(s)))",
)
case("scan_tuple_output", f"out = D.range(3).scan({Z}, lambda s, x: (s + 1, (x, s)))")
case(
    "scan_after_batch",
    f"out = D.range(5).batch(2).scan({Z}, lambda s, x: (s + tf.reduce_sum(x), s))",
)
case("scan_then_batch", f"out = D.range(5).scan({Z}, lambda s, x: (s + x, s)).batch(2)")
case(
    "scan_new_dtype", f"out = list(D.range(3).scan({Z}, lambda s, x: (tf.cast(s, tf.float32), x)))"
)
case(
    "scan_tuple_new_dtype",
    f"out = list(D.range(3).scan(({Z}, {Z}), lambda s, x: ((s[0], tf.cast(s[1], tf.int32)), x)))",
)
case("scan_not_a_pair", f"out = list(D.range(3).scan({Z}, lambda s, x: s + x))")
case(
    "scan_random",
    "tf.random.set_seed(3)\n"
    "out = [D.range(3).scan(0.0, lambda s, x: (s + tf.random.uniform([]), s))] * 2",
)
# -- counter
case(
    "counter", "d = D.counter()\nout = [repr(d), d.cardinality(), d.element_spec, list(d.take(3))]"
)
case("counter_start_step", "out = list(D.counter(5, -2).take(3))")
case("counter_int32", "d = D.counter(2, dtype=tf.int32)\nout = [d.element_spec, list(d.take(2))]")
case("counter_float", "out = list(D.counter(0.5, 0.25, dtype=tf.float32).take(3))")
case("counter_zip", "out = D.zip(D.counter(), D.range(10, 13))")
# -- choose_from_datasets
C = "D.from_tensor_slices(np.array({}, np.int64))"
case(
    "choose",
    "out = D.choose_from_datasets([D.range(3), D.range(10, 13)], " + C.format([0, 1, 1, 0]) + ")",
)
case(
    "choose_repr_card",
    "d = D.choose_from_datasets([D.range(3), D.range(10, 13)], D.range(2))\n"
    "out = [repr(d), d.cardinality()]",
)
case(
    "choose_stop_on_empty",
    "out = D.choose_from_datasets([D.range(1), D.range(10, 13)], " + C.format([0, 0, 1]) + ")",
)
case(
    "choose_skip_empty",
    "out = D.choose_from_datasets([D.range(1), D.range(10, 13)], "
    + C.format([0, 0, 1, 0, 1])
    + ", stop_on_empty_dataset=False)",
)
case(
    "choose_bad_index",
    "out = list(D.choose_from_datasets([D.range(1), D.range(2)], " + C.format([5]) + "))",
)
case(
    "choose_negative_index",
    "out = list(D.choose_from_datasets([D.range(1), D.range(2)], " + C.format([-1]) + "))",
)
case(
    "choose_int32_choices",
    "out = D.choose_from_datasets([D.range(1)], D.from_tensor_slices(np.array([0], np.int32)))",
)
case(
    "choose_vector_choices",
    "out = D.choose_from_datasets([D.range(1)], D.from_tensor_slices(np.zeros((1, 1), np.int64)))",
)
case("choose_not_dataset", "out = D.choose_from_datasets([D.range(1)], [0])")
case("choose_empty", "out = D.choose_from_datasets([], D.range(1))")
case(
    "choose_dtypes_differ",
    "out = D.choose_from_datasets([D.range(1), "
    "D.range(1).map(lambda x: tf.cast(x, tf.float32))], D.range(1))",
)
case(
    "choose_merged_spec",
    "out = D.choose_from_datasets([D.range(3).batch(1), "
    "D.range(4).batch(2, drop_remainder=True)], " + C.format([0, 1, 1]) + ")",
)
case(
    "choose_tuples",
    "out = D.choose_from_datasets([D.zip(D.range(2), D.range(2)), "
    "D.zip(D.range(5, 7), D.range(5, 7))], " + C.format([1, 0, 1]) + ")",
)
case(
    "choose_structures_differ",
    "out = D.choose_from_datasets([D.zip(D.range(2), D.range(2)), D.range(2)], D.range(1))",
)
case(
    "choose_infinite_choices",
    "out = D.choose_from_datasets([D.range(2), D.range(7, 9)], D.range(2).repeat())",
)
case(
    "choose_all_exhausted_ends",
    "out = D.choose_from_datasets([D.range(2), D.range(7, 9)], D.range(2).repeat(), "
    "stop_on_empty_dataset=False)",
)
# -- sample_from_datasets (TF builds it from Dataset.random and stateless_categorical)
AB = "A, B = D.range(0, 10), D.range(100, 110)\n"
case("sample_uniform", AB + "out = D.sample_from_datasets([A, B], seed=1)")
case("sample_weights", AB + "out = D.sample_from_datasets([A, B], weights=[0.2, 0.8], seed=3)")
case(
    "sample_weights_tensor",
    AB + "out = D.sample_from_datasets([A, B], weights=tf.constant([0.5, 0.5], tf.float64), "
    "seed=3)",
)
case(
    "sample_stop_on_empty",
    AB + "out = D.sample_from_datasets([D.range(2), B], seed=1, stop_on_empty_dataset=True)",
)
case(
    "sample_zero_weight_dropped",
    AB + "out = D.sample_from_datasets([A, B, D.range(50, 53)], weights=[0.5, 0.0, 0.5], seed=2)",
)
case("sample_all_zero", AB + "out = D.sample_from_datasets([A, B], weights=[0.0, 0.0], seed=2)")
case("sample_single", AB + "out = repr(D.sample_from_datasets([A], seed=2))")
case("sample_bad_length", AB + "out = D.sample_from_datasets([A, B], weights=[1.0])")
case("sample_int_weights", AB + "out = D.sample_from_datasets([A, B], weights=[1, 2])")
case("sample_empty", "out = D.sample_from_datasets([])")
case(
    "sample_weights_dataset",
    AB + "w = D.from_tensor_slices(np.array([[0.9, 0.1], [0.1, 0.9]] * 10, np.float32))\n"
    "out = D.sample_from_datasets([A, B], weights=w, seed=4)",
)
case(
    "sample_global_seed",
    AB + "tf.random.set_seed(7); out = D.sample_from_datasets([A, B]).take(8)",
)
case(
    "sample_rerandomized",
    AB + "d = D.sample_from_datasets([A, B], seed=5, rerandomize_each_iteration=True).take(6)\n"
    "out = [d, d]",
)
case("sample_repeats", AB + "d = D.sample_from_datasets([A, B], seed=5).take(6)\nout = [d, d]")
case(
    "experimental_forms",
    AB + "X = tf.data.experimental\n"
    "out = [X.sample_from_datasets([A, B], seed=1).take(4), "
    "X.choose_from_datasets([A, B], D.range(2)), D.range(3).apply(X.scan(tf.constant(0, "
    "tf.int64), lambda s, x: (s + x, s))), D.from_tensor_slices([1, 1, 2]).apply(X.unique()), "
    "X.Counter(3).take(2)]",
)
# -- unique
case("unique", "out = D.from_tensor_slices(np.array([1, 3, 1, 2, 3, 5], np.int64)).unique()")
case(
    "unique_int32",
    "d = D.from_tensor_slices([4, 4, 2]).unique()\nout = [repr(d), d.cardinality(), list(d)]",
)
case("unique_float", "out = D.from_tensor_slices([1.0, 2.0]).unique()")
case("unique_vectors", "out = D.from_tensor_slices([[1, 2], [1, 2], [2, 1]]).unique()")
case("unique_tuple", "out = D.zip(D.range(2), D.range(2)).unique()")
case("unique_after_repeat", "out = D.range(3).repeat(3).unique()")


def main() -> None:
    record_data_cases(OUTPUT, __file__, CASES)


if __name__ == "__main__":
    main()
