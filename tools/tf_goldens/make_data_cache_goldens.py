"""Generates tests/data/tf_data_cache_goldens.json: `Dataset.cache(filename)` under real TF
2.21 (which files appear when, reading a cache another pipeline wrote, partial iterations,
the lock a second writer meets, TF's errors).

Usage (TensorFlow lives in its own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_data_cache_goldens.py

Each case is `PRELUDE` plus code run with `tf`, `np` and `D = tf.data.Dataset` defined, in a
fresh temporary directory `tmp` (`P(name)` is a path in it, `ls()` its files); its result is
`out`, encoded by tests/test_data_encode.py (tests/test_data_cache.py replays the cases under
tapeflow). `err(f)` returns the error class and message of `f()`, with the temporary
directory, the lock's time stamp and TF's eager wrapper masked. Only what tapeflow matches is
recorded: the file names and protocol, not the files' contents (TF's TensorBundle).
"""

from __future__ import annotations

import sys

from family import DATA, ROOT, record_data_cases

sys.path.insert(0, str(ROOT / "tests"))

OUTPUT = DATA / "tf_data_cache_goldens.json"
PRELUDE = """\
import os, re, tempfile
tmp = tempfile.mkdtemp()
def P(name):
    return os.path.join(tmp, name)
def ls():
    return sorted(f for f in os.listdir(tmp) if 'tempstate' not in f)
def err(f):
    try:
        f()
    except Exception as e:
        text = re.sub(r'^\\{\\{function_node [^}]*\\}\\} ', '', str(e))
        text = re.sub(r'Created at: \\d+', 'Created at: T', text.replace(tmp, 'TMP'))
        return [type(e).__name__, re.sub(r' name: ?$', '', text)]
def ints(d):
    return [e.tolist() for e in d.as_numpy_iterator()]
"""
CASES: dict[str, str] = {}


def case(name: str, code: str) -> None:
    assert name not in CASES, name
    CASES[name] = PRELUDE + code


case("repr", "out = [repr(D.range(3).cache(P('c'))), D.range(3).cache(P('c')).cardinality()]")
case(
    "writes_when_complete",
    "d = D.range(4).map(lambda x: x * 2).cache(P('c'))\nout = [ls(), ints(d), ls(), ints(d)]",
)
case(
    "reads_what_another_pipeline_wrote",
    "ints(D.range(3).cache(P('c')))\n"
    "out = [ints(D.range(10).cache(P('c'))), ints(D.range(2).map(lambda x: x + 5).cache(P('c')))]",
)
case(
    "partial_iteration_discarded",
    "d = D.range(5).cache(P('p')); it = iter(d); next(it)\n"
    "during = ls(); del it\nout = [during, ls(), ints(d), ls()]",
)
case("take_after_cache_discards", "out = [ints(D.range(6).cache(P('t')).take(2)), ls()]")
case("cache_then_repeat", "out = [ints(D.range(3).cache(P('r')).repeat(2)), ls()]")
case(
    "second_writer",
    "d = D.range(3).cache(P('q')); i = iter(d); next(i)\nout = err(lambda: next(iter(d)))",
)
case("missing_directory", "out = err(lambda: list(D.range(2).cache('/nonexistent/dir/x')))")
case("empty_input", "out = [ints(D.range(0).cache(P('e'))), ls(), ints(D.range(0).cache(P('e')))]")
case(
    "dtype_mismatch",
    "ints(D.range(3).cache(P('c')))\n"
    "out = err(lambda: list(D.range(3).map(lambda x: tf.cast(x, tf.float32)).cache(P('c'))))",
)
case(
    "dtype_mismatch_uint8",
    "ints(D.range(3).cache(P('c')))\n"
    "out = err(lambda: list(D.range(3).map(lambda x: tf.cast(x, tf.uint8)).cache(P('c'))))",
)
case(
    "dtype_mismatch_double",
    "ints(D.range(3).map(lambda x: tf.cast(x, tf.float64)).cache(P('c')))\n"
    "out = err(lambda: list(D.range(3).map(lambda x: tf.cast(x, tf.float32)).cache(P('c'))))",
)
case(
    "rank_mismatch",
    "ints(D.range(3).cache(P('c')))\n"
    "out = err(lambda: list(D.range(2).map(lambda v: tf.fill([2], v)).cache(P('c'))))",
)
# TF reads the cached tensors in order, as many per element as the reader has components.
case(
    "components_regrouped",
    "ints(D.range(3).cache(P('c')))\n"
    "out = list(D.zip(D.range(2), D.range(2)).cache(P('c')).as_numpy_iterator())",
)
case(
    "tuple_elements",
    "z = lambda: D.zip(D.range(3), D.range(3).map(lambda x: tf.cast(x, "
    "tf.float32) / 2)).cache(P('z'))\nout = [list(z()), list(z())]",
)
case(
    "varying_shapes",
    "v = lambda: D.range(1, 4).map(lambda x: tf.range(x)).cache(P('v'))\n"
    "out = [ints(v()), ints(v())]",
)
case(
    "dict_elements",
    "d = lambda: D.from_tensor_slices({'b': [3.0, 4.0], 'a': [1, 2]}).cache(P('d'))\n"
    "out = [list(d()), list(d())]",
)
case(
    "slices_shuffle_batch",
    "d = lambda: D.from_tensor_slices(np.arange(12.0).reshape(6, 2))"
    ".cache(P('s')).shuffle(6, seed=1).batch(4)\nout = [list(d()), list(d()), ls()]",
)
case("int_filename", "out = err(lambda: D.range(2).cache(3))")
case(
    "spec_read_writes_nothing",
    "d = D.range(3).cache(P('m')).map(lambda x: x + 1)\n"
    "out = [d.element_spec, ls(), ints(d), ls()]",
)


def main() -> None:
    record_data_cases(OUTPUT, __file__, CASES)


if __name__ == "__main__":
    main()
