"""Generates tests/data/tf_data_group_goldens.json: `Dataset.group_by_window` and
`Dataset.bucket_by_sequence_length` under real TF 2.21 (groups, the key-ordered flush at the
end, reprs, specs, cardinalities, TF's errors).

Usage (TensorFlow lives in its own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_data_group_goldens.py

Each case is code run with `tf`, `np` and `D = tf.data.Dataset` defined; its result is `out`,
encoded by tests/test_data_encode.py (tests/test_data_group.py replays the cases under
tapeflow). Variable-length sources come from `from_generator` with a `[None]` spec: a mapped
dataset's spec in tapeflow takes its first element's sizes (see data/_dataset.py).
"""

from __future__ import annotations

import platform
import sys

import numpy as np
from family import DATA, ROOT, import_tensorflow, write

sys.path.insert(0, str(ROOT / "tests"))
from test_data_encode import run  # noqa: E402

OUTPUT = DATA / "tf_data_group_goldens.json"
CASES: dict[str, str] = {}


def case(name: str, code: str) -> None:
    assert name not in CASES, name
    CASES[name] = code


# -- group_by_window
case(
    "group",
    "out = D.range(10).group_by_window(lambda x: x % 3, lambda k, w: w.batch(4), window_size=2)",
)
case(
    "group_flush_in_key_order",
    "out = D.from_tensor_slices(np.array([5, 1, 7, 3, 9], np.int64))"
    ".group_by_window(lambda x: 10 - x, lambda k, w: w.batch(9), window_size=3)",
)
case(
    "group_infinite_card",
    "out = D.range(3).repeat().group_by_window(lambda x: x % 2, "
    "lambda k, w: w, window_size=2).cardinality()",
)
case(
    "group_size_func",
    "out = D.range(10).group_by_window(lambda x: x % 2, "
    "lambda k, w: w.batch(5).map(lambda b: (k, b)), window_size_func=lambda k: k + 2)",
)
case(
    "group_both_sizes",
    "out = D.range(3).group_by_window(lambda x: x, lambda k, w: w, "
    "window_size=2, window_size_func=lambda k: k)",
)
case("group_no_size", "out = D.range(3).group_by_window(lambda x: x, lambda k, w: w)")
case(
    "group_reduce_not_dataset",
    "out = list(D.range(3).group_by_window(lambda x: x, lambda k, w: k, window_size=2))",
)
case(
    "group_size_zero",
    "out = list(D.range(3).group_by_window(lambda x: x, lambda k, w: w, window_size=0))",
)
case(
    "group_tuple_elements",
    "out = D.zip(D.range(6), D.range(6).map(lambda x: x * 10))"
    ".group_by_window(lambda a, b: a % 2, lambda k, w: w.batch(3), window_size=3)",
)
case(
    "group_window_is_a_dataset",
    "out = D.range(5).group_by_window(lambda x: x % 2, "
    "lambda k, w: D.from_tensors((w.cardinality(), tf.constant(repr(w) == "
    "'<_VariantDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>'))), "
    "window_size=2)",
)
case(
    "group_int32_key",
    "try:\n    D.range(3).group_by_window(lambda x: tf.cast(x, tf.int32), "
    "lambda k, w: w, window_size=2).element_spec\n    out = None\n"
    "except ValueError as e:\n    out = type(e).__name__",
)
# -- bucket_by_sequence_length
G = (
    "seqs = D.from_generator(lambda: (list(range(n)) for n in range(1, 9)), "
    "output_signature=tf.TensorSpec([None], tf.int64))\nL = lambda x: tf.shape(x)[0]\n"
)
case("bucket", G + "out = seqs.bucket_by_sequence_length(L, [3, 6], [2, 2, 2])")
case(
    "bucket_mapped_source",
    "out = D.range(1, 9).map(lambda n: tf.range(n))"
    ".bucket_by_sequence_length(lambda x: tf.shape(x)[0], [3, 6], [2, 2, 2])",
)
case(
    "bucket_pad_to_boundary",
    G + "out = seqs.take(5).bucket_by_sequence_length(L, [3, 6], "
    "[2, 2, 2], pad_to_bucket_boundary=True)",
)
case(
    "bucket_pad_to_boundary_too_long",
    G + "try:\n    list(seqs.bucket_by_sequence_length(L, "
    "[3, 6], [2, 2, 2], pad_to_bucket_boundary=True))\n    out = None\n"
    "except tf.errors.OpError as e:\n"
    "    out = [type(e).__name__, str(e).split('}} ', 1)[-1].splitlines()[0]]",
)
case(
    "bucket_drop_remainder",
    G + "out = seqs.bucket_by_sequence_length(L, [3, 6], [2, 2, 2], drop_remainder=True)",
)
case(
    "bucket_padding_value",
    G + "out = seqs.take(4).bucket_by_sequence_length(L, [3], [2, 2], "
    "padding_values=tf.constant(-1, tf.int64))",
)
case(
    "bucket_padded_shapes",
    G + "out = seqs.take(3).bucket_by_sequence_length(L, [3], [2, 2], padded_shapes=[5])",
)
case(
    "bucket_tuple",
    G + "out = D.zip(seqs.take(4), D.range(4)).bucket_by_sequence_length("
    "lambda s, i: tf.shape(s)[0], [3], [2, 2])",
)
case(
    "bucket_no_padding",
    "out = D.range(6).map(lambda x: tf.cast(x, tf.int32))"
    ".bucket_by_sequence_length(lambda x: x, [2, 4], [2, 2, 2], no_padding=True)",
)
case(
    "bucket_int64_lengths",
    "try:\n    list(D.range(6).bucket_by_sequence_length(lambda x: x, "
    "[2, 4], [2, 2, 2], no_padding=True))\n    out = None\nexcept TypeError as e:\n"
    "    out = str(e)",
)
case("bucket_bad_sizes", G + "out = seqs.bucket_by_sequence_length(L, [3, 6], [2, 2])")

case(
    "experimental_forms",
    G + "X = tf.data.experimental\n"
    "out = [D.range(6).apply(X.group_by_window(lambda x: x % 2, lambda k, w: w, window_size=2)), "
    "seqs.apply(X.bucket_by_sequence_length(L, [3], [2, 2]))]",
)


def main() -> None:
    tf = import_tensorflow("3")
    results = {}
    for name, code in CASES.items():
        tf.random.set_seed(None)
        results[name] = {"code": code, **run(code, tf)}
    document = {
        "generator": "tools/tf_goldens/make_data_group_goldens.py",
        "tensorflow": tf.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "cases": results,
    }
    write(OUTPUT, document, len(results))


if __name__ == "__main__":
    main()
