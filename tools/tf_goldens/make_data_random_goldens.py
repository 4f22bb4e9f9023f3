"""Generates tests/data/tf_data_random_goldens.json: random ops inside `tf.data` functions
(map, filter, flat_map, interleave, take_while, reduce) and `Dataset.random` under real TF 2.21.

TF traces a dataset's function into a graph when the dataset is made, so its random ops take
the global seed of that moment and op seeds 0, 1, ... per function (not the eager op-seed
sequence), and each op is a kernel that goes on from element to element and restarts with each
new iterator. tests/test_data_random.py replays the cases under tapeflow.

Usage (TensorFlow lives in its own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_data_random_goldens.py

Each case is code run with `tf`, `np` and `D = tf.data.Dataset` defined, starting from
`tf.random.set_seed(None)`; its result is `out`, encoded by tests/test_data_encode.py. Only
uniform floats and integers, categorical and shuffles are drawn: TF's normal samplers round
through Eigen's log/sin/cos, which tapeflow matches to ~1 ulp, not bit for bit.
"""

from __future__ import annotations

import sys

from family import DATA, ROOT, record_data_cases

sys.path.insert(0, str(ROOT / "tests"))

OUTPUT = DATA / "tf_data_random_goldens.json"

U = "u = lambda *_: tf.random.uniform([])\n"
CASES: dict[str, str] = {}


def case(name: str, code: str) -> None:
    assert name not in CASES, name
    CASES[name] = code


# -- map: op seeds (global, 0), (global, 1), ...; kernels restart with each iterator
case("map_two_iterations", U + "tf.random.set_seed(1); d = D.range(3).map(u); out = [d, d]")
case(
    "map_eager_sequence_untouched",
    U + "tf.random.set_seed(1); d = D.range(3).map(u); a = list(d)\n"
    "out = (a, tf.random.uniform([]), tf.random.uniform([]))",
)
case(
    "map_is_op_seed_zero",
    U + "tf.random.set_seed(1); a = list(D.range(4).map(u))\n"
    "tf.random.set_seed(1); out = (a, [tf.random.uniform([], seed=0) for _ in range(4)])",
)
case(
    "map_two_ops",
    "tf.random.set_seed(1)\n"
    "out = D.range(3).map(lambda x: (tf.random.uniform([]),"
    " tf.random.uniform([], maxval=100, dtype=tf.int32)))",
)
case(
    "map_seeded_op_does_not_count",
    "tf.random.set_seed(1)\n"
    "out = D.range(2).map(lambda x: (tf.random.uniform([], seed=7), tf.random.uniform([])))",
)
case(
    "map_same_seed_two_kernels",
    "tf.random.set_seed(1)\n"
    "out = D.range(2).map(lambda x: (tf.random.uniform([], seed=7),"
    " tf.random.uniform([], seed=7)))",
)
case("map_shape", "tf.random.set_seed(1); out = D.range(2).map(lambda x: tf.random.uniform([3]))")
case("map_global_seed_0", U + "tf.random.set_seed(0); out = D.range(3).map(u)")
case(
    "map_op_seed_no_global",
    "out = [D.range(2).map(lambda x: tf.random.uniform([], seed=3)),"
    " [tf.random.uniform([], seed=3) for _ in range(2)]]",
)
case("map_int64", "tf.random.set_seed(3); out = D.range(3).map(lambda x: tf.random.uniform("
     "[2], maxval=2**40, dtype=tf.int64))")  # fmt: skip
case(
    "map_after_batch",
    "tf.random.set_seed(1)\nout = list(D.range(4).batch(2).map(lambda x: tf.random.uniform([2])))",
)
case("map_categorical", "tf.random.set_seed(1)\n"
     "out = D.range(2).map(lambda x: tf.random.categorical([[0.0, 1.0, 2.0]], 3))")  # fmt: skip
case("map_random_shuffle", "tf.random.set_seed(1)\n"
     "out = D.range(2).map(lambda x: tf.random.shuffle(tf.range(5)))")  # fmt: skip
case("map_repeat_goes_on", U + "tf.random.set_seed(1); out = D.range(2).map(u).repeat(3)")
case("map_of_map", "tf.random.set_seed(1)\n"
     "out = D.range(2).map(lambda x: tf.random.uniform([])).map("
     "lambda y: (y, tf.random.uniform([])))")  # fmt: skip
case(
    "map_two_datasets",
    U + "tf.random.set_seed(1); a = D.range(2).map(u); b = D.range(2).map(u); out = (a, b)",
)
case(
    "map_interleaved_iterators",
    U + "tf.random.set_seed(1); d = D.range(3).map(u); i, j = iter(d), iter(d)\n"
    "out = [next(i), next(j), next(i), next(i), next(j)]",
)
case(
    "map_global_seed_at_creation",
    U + "tf.random.set_seed(1); d = D.range(2).map(u); tf.random.set_seed(2); out = d",
)
case(
    "map_set_seed_mid_iteration",
    U + "tf.random.set_seed(1); it = iter(D.range(4).map(u)); a = next(it)\n"
    "tf.random.set_seed(1); out = [a, next(it), next(it)]",
)
case(
    "map_spec_draws_nothing",
    U + "tf.random.set_seed(1); d = D.range(2).map(u); s = d.element_spec\n"
    "out = (s, list(d), tf.random.uniform([]))",
)
case(
    "map_tf_function",
    "tf.random.set_seed(1); out = D.range(3).map(tf.function(lambda x: tf.random.uniform([])))",
)
case(
    "map_as_numpy_iterator",
    U + "tf.random.set_seed(1); out = list(D.range(3).map(u).as_numpy_iterator())",
)

# -- the other function-taking transformations follow the same rule
case("filter", "tf.random.set_seed(1)\n"
     "out = [D.range(8).filter(lambda x: tf.random.uniform([]) < 0.5)] * 2")  # fmt: skip
case(
    "take_while",
    "tf.random.set_seed(1); out = D.range(6).take_while(lambda x: tf.random.uniform([]) < 0.9)",
)
case(
    "flat_map",
    "tf.random.set_seed(1)\n"
    "out = D.range(3).flat_map(lambda x: D.from_tensors(tf.random.uniform([])))",
)
case(
    "interleave",
    "tf.random.set_seed(1)\n"
    "out = D.range(3).interleave(lambda x: D.from_tensors(tf.random.uniform([])),"
    " cycle_length=2)",
)
case(
    "shuffle_inside_flat_map",
    "tf.random.set_seed(1); out = D.range(2).flat_map(lambda x: D.range(5).shuffle(5))",
)
case(
    "reduce",
    "tf.random.set_seed(1)\n"
    "out = [D.range(3).reduce(0.0, lambda s, x: s + tf.random.uniform([])),"
    " tf.random.uniform([])]",
)
case(
    "reduce_restarts",
    "tf.random.set_seed(1); d = D.range(2).map(lambda x: tf.random.uniform([]))\n"
    "out = [d.reduce(0.0, lambda s, x: s + x), d.reduce(0.0, lambda s, x: s + x)]",
)
# TF's wart: get_single_element's function kernels go on from call to call (a `for` restarts).
case(
    "get_single_element_goes_on",
    "tf.random.set_seed(1); d = D.range(1).map(lambda x: tf.random.uniform([]))\n"
    "a = d.get_single_element(); b = list(d); tf.random.set_seed(1)\n"
    "out = [a, b, d.get_single_element(), d.get_single_element()]",
)

# -- Dataset.random: the words of TF's Philox stream for the dataset's seeds
R = "L = lambda d: [int(x) for x in d]\n"
case("random_seeded", R + "d = D.random(seed=1).take(3)\nout = [L(d), L(d)]")
case(
    "random_rerandomized",
    R + "d = D.random(seed=1, rerandomize_each_iteration=True).take(3)\nout = [L(d), L(d), L(d)]",
)
case(
    "random_repr_spec_card",
    "d = D.random(seed=1)\nout = [repr(d), d.element_spec, d.cardinality()]",
)
case("random_global_seed", R + "tf.random.set_seed(5); d = D.random().take(2)\nout = [L(d), L(d)]")
case(
    "random_after_an_eager_draw",
    R + "tf.random.set_seed(5); tf.random.uniform([]); d = D.random().take(2)\n"
    "out = [L(d), tf.random.uniform([])]",
)
case("random_seeds_zero", R + "tf.random.set_seed(0); out = L(D.random(seed=0).take(2))")
case(
    "random_inside_flat_map",
    R + "tf.random.set_seed(1); out = L(D.range(2).flat_map(lambda x: D.random().take(2)))",
)
case("random_float_seed", "out = D.random(seed=1.5)")
case("random_large_seed", "out = D.random(seed=2**40).take(2)")
case("random_far", "out = D.random(seed=3).skip(1030).take(3)")
case("random_batch", "out = D.random(seed=3).batch(2).take(2)")


def main() -> None:
    record_data_cases(OUTPUT, __file__, CASES)


if __name__ == "__main__":
    main()
