"""What the per-family golden generators (make_{math,nn,linalg,array}_goldens.py) share.

Each generator keeps its own cases; this module imports TensorFlow the reproducible way, runs
code-string cases (math, nn) and writes the JSON file. The result encoding and the case
runner are tests/family_goldens.py's `encode` and `run`, the very functions the tests replay
the goldens with, so recording and replay cannot drift apart.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

from family_goldens import encode, run  # noqa: E402

__all__ = [
    "DATA",
    "ROOT",
    "encode",
    "generate",
    "import_tensorflow",
    "record_data_cases",
    "record_or_verify",
    "registry",
    "run",
    "write",
]


def registry() -> tuple[dict[str, dict], Callable[..., None]]:
    """A new case table and its ``case(name, code, contains=None)`` registration function.

    ``contains`` is a substring both libraries' error messages must have.
    """
    cases: dict[str, dict] = {}

    def case(name: str, code: str, contains: str | None = None) -> None:
        assert name not in cases, name
        cases[name] = {"code": code, "contains": contains}

    return cases, case


def import_tensorflow(log_level: str = "2") -> Any:
    """Imports TensorFlow with its C++ start-up chatter quieted and oneDNN off.

    oneDNN renames kernels in error messages (MatMul -> _MklMatMul) and changes rounding; the
    goldens pin TensorFlow's reference kernels instead.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", log_level)
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
    import tensorflow as tf

    return tf


def write(path: Path, document: dict, count: int, *, ensure_ascii: bool = True) -> None:
    """Writes `document` deterministically (sorted keys) and reports the case count."""
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=ensure_ascii)
    path.write_text(text + "\n")
    print(f"wrote {count} cases to {path.relative_to(ROOT)}", file=sys.stderr)


def generate(
    output: Path,
    generator: str,
    cases: dict[str, dict],
    prelude: str,
    *,
    check_errors: bool = False,
) -> None:
    """Runs code-string cases under TensorFlow and writes `output`.

    Args:
        output: The golden file.
        generator: The generating script's ``__file__`` (recorded in the header).
        cases: ``{name: {"code", "contains"}}`` as built with `registry`.
        prelude: Helper code run before each case (recorded in the file for the replay).
        check_errors: Fail unless TF raises exactly in the cases with a ``contains`` text,
            with that text in its message.
    """
    tf = import_tensorflow()
    results = {}
    for name, spec in cases.items():
        result = run(spec["code"], tf, prelude)
        error = result.get("error")
        if check_errors and error and spec["contains"] and spec["contains"] not in error["message"]:
            raise AssertionError(f"{name}: TF's message lacks {spec['contains']!r}: {error}")
        if check_errors and error and not spec["contains"]:
            raise AssertionError(f"{name}: unexpected TF error {error}")
        results[name] = {**spec, **result}
    document = {
        "header": {
            "tensorflow_version": tf.__version__,
            "generator": Path(generator).resolve().relative_to(ROOT).as_posix(),
            "case_count": len(results),
        },
        "prelude": prelude,
        "cases": results,
    }
    write(output, document, len(results))


def record_or_verify(
    output: Path,
    generator: str,
    cases: dict[str, dict],
    run_case: Callable[[Any, dict], dict],
) -> None:
    """Records code-string cases under TensorFlow into `output`, or with ``--verify`` replays
    the written file under TensorFlow and reports every difference (exit status 1 if any).

    The generators for the tf_golden_util-style goldens (debugging, script ops, control flow,
    vectorized_map) share this: each gives its cases and how to run one.

    Args:
        output: The golden file.
        generator: The generating script's ``__file__`` (recorded in the header).
        cases: ``{name: fields}``; the fields (``code`` and whatever `run_case` reads) are stored
            with the result, so a recorded case can be run again from the file alone.
        run_case: ``run_case(tf, fields) -> result`` for one case.
    """
    import numpy as np

    tf = import_tensorflow()
    if "--verify" in sys.argv:
        from tf_golden_util import compare_results  # tests/ is on sys.path

        recorded = json.loads(output.read_text())["cases"]
        failures = 0
        for name, golden in sorted(recorded.items()):
            errors = compare_results(golden, run_case(tf, golden))
            if errors:
                failures += 1
                print(f"{name}:\n  " + "\n  ".join(errors), file=sys.stderr)
        print(f"{len(recorded) - failures}/{len(recorded)} cases reproduce", file=sys.stderr)
        sys.exit(1 if failures else 0)
    goldens = {name: {**run_case(tf, fields), **fields} for name, fields in cases.items()}
    document = {
        "cases": goldens,
        "header": {
            "tensorflow_version": tf.__version__,
            "numpy_version": np.__version__,
            "python_version": sys.version.split()[0],
            "generator": Path(generator).resolve().relative_to(ROOT).as_posix(),
            "case_count": len(goldens),
        },
    }
    write(output, document, len(goldens), ensure_ascii=False)


def record_code_cases(
    output: Path,
    generator: str,
    cases: dict[str, str],
    run: Callable[[Any, str], dict] | None = None,
) -> None:
    """`record_or_verify` for cases that are code strings (name -> code), each run by
    `run(tf, code)`: by default tests/tf_golden_util.py's `run_case`, which the tests replay
    the goldens with."""
    if run is None:

        def run(tf, code: str) -> dict:
            from tf_golden_util import run_case  # tests/ is on sys.path

            return run_case(code, tf)

    documents = {name: {"code": code} for name, code in cases.items()}
    record_or_verify(output, generator, documents, lambda tf, c: run(tf, c["code"]))


def record_data_cases(output: Path, generator: str, cases: dict[str, str]) -> None:
    """Records tf.data code cases under TensorFlow into `output`: each runs with the global
    seed cleared first, through tests/test_data_encode.py's `run` (the function the tests
    replay the goldens with), as the make_data_*_goldens.py generators all do."""
    import platform

    import numpy as np
    from test_data_encode import run as run_data_case  # tests/ is on sys.path

    tf = import_tensorflow("3")
    results = {}
    for name, code in cases.items():
        tf.random.set_seed(None)
        results[name] = {"code": code, **run_data_case(code, tf)}
    document = {
        "generator": Path(generator).resolve().relative_to(ROOT).as_posix(),
        "tensorflow": tf.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "cases": results,
    }
    write(output, document, len(results))
