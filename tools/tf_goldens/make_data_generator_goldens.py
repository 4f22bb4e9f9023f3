"""Generates tests/data/tf_data_generator_goldens.json: `Dataset.from_generator` under real TF
2.21 beyond tests/data/tf_data_goldens.json's cases: TF's two conversion paths (NumPy's
lenient `astype` when the shapes are known, `convert_to_tensor` for a single spec of unknown
rank), its errors for values it cannot convert, and the generator's own exceptions.

Usage (TensorFlow lives in its own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_data_generator_goldens.py

Each case is code run with `tf`, `np` and `D = tf.data.Dataset` defined; its result is `out`,
encoded by tests/test_data_encode.py, which keeps an error message's first line when it
carries a traceback (tests/test_data_generator.py replays the cases under tapeflow).
"""

from __future__ import annotations

import sys

from family import DATA, ROOT, record_data_cases

sys.path.insert(0, str(ROOT / "tests"))

OUTPUT = DATA / "tf_data_generator_goldens.json"
CASES: dict[str, str] = {}


def case(name: str, code: str) -> None:
    assert name not in CASES, name
    CASES[name] = code


I32 = "tf.TensorSpec([], tf.int32)"


def gen(values: str, signature: str) -> str:
    return f"out = D.from_generator(lambda: iter({values}), output_signature={signature})"


# -- known shapes: NumPy's astype (TF's PyFunc path)
case("float_into_int32", gen("[1.5, -2.7]", I32))
case("int64_wraps_into_int32", gen("[2**40 + 5, np.int64(2**33)]", I32))
case("bool_from_string", gen("['no']", "tf.TensorSpec([], tf.bool)"))
case("float64_into_float32", gen("[np.float64(0.1)]", "tf.TensorSpec([], tf.float32)"))
case("tuple_lenient", gen("[(1.5, 2), [3.9, 4]]", f"({I32}, {I32})"))
case(
    "dict_lenient",
    gen("[{'a': 1.5, 'b': 2}]", f"{{'a': {I32}, 'b': tf.TensorSpec([], tf.float32)}}"),
)
case("string_into_int32", gen("['x']", I32))
case("none_into_int32", gen("[None]", I32))
case("vector_unknown_size", gen("[[1.5, 2.5], [3.5]]", "tf.TensorSpec([None], tf.int32)"))
case("wrong_rank", gen("[[1]]", I32))
case("dict_missing_key", gen("[{'a': 1}]", f"{{'a': {I32}, 'b': {I32}}}"))
case("tensor_values", gen("[tf.constant(2.5), tf.constant([1])[0]]", I32))
# -- a single spec of unknown rank: convert_to_tensor (TF's EagerPyFunc path)
case("unknown_rank_refuses_float", gen("[1.5]", "tf.TensorSpec(None, tf.int32)"))
case("unknown_rank_any_shape", gen("[1, [2, 3], [[4]]]", "tf.TensorSpec(None, tf.int32)"))
case("output_types_only_refuses_float", "out = D.from_generator(lambda: iter([1.5]), tf.int32)")
case(
    "output_types_tuple_lenient",
    "out = D.from_generator(lambda: iter([(1.5, 2)]), (tf.int32, tf.int32))",
)
# -- the generator's own errors
case(
    "generator_raises",
    "def g():\n    yield 1\n    raise ValueError('boom')\n"
    f"it = iter(D.from_generator(g, output_signature={I32}))\n"
    "first = next(it)\ntry:\n    next(it)\n    out = None\n"
    "except tf.errors.InvalidArgumentError as e:\n"
    "    out = [first, type(e).__name__, str(e).split('}} ', 1)[-1].splitlines()[0]]",
)
case("generator_not_iterable", f"out = list(D.from_generator(lambda: 3, output_signature={I32}))")
case(
    "generator_raises_at_call",
    "def g():\n    raise KeyError('k')\n"
    f"out = list(D.from_generator(lambda: g(), output_signature={I32}))",
)
case(
    "generator_args_numpy",
    "out = D.from_generator(lambda n, f: iter([type(n).__name__ + type(f).__name__ == "
    "'int32float32']), args=(3, 1.5), output_signature=tf.TensorSpec([], tf.bool))",
)


def main() -> None:
    record_data_cases(OUTPUT, __file__, CASES)


if __name__ == "__main__":
    main()
