"""How a Keras progress-bar/callback golden case runs: the recorder stdout and the runner.

tools/tf_goldens/make_keras_progbar_goldens.py runs each case with real Keras to write
tests/data/tf_keras_progbar_goldens.json; tests/test_keras_progbar.py runs it with tapeflow to
compare. Both use this one runner, so recording and replay cannot drift apart.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import warnings


class Out:
    """A stdout that records text; with `ascii` set it refuses other characters."""

    def __init__(self):
        self.parts = []
        self.ascii = False

    @property
    def encoding(self):
        return "ascii" if self.ascii else "utf-8"

    def write(self, s):
        if self.ascii:
            s.encode("ascii")
        self.parts.append(s)
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return False


def _ordered(x):
    # The golden file is written with sorted keys, so a dict's order (History keys, params)
    # is kept as a list of pairs.
    if isinstance(x, dict):
        return {"dict_items": [[k, _ordered(v)] for k, v in x.items()]}
    if isinstance(x, (list, tuple)):
        return [_ordered(v) for v in x]
    return x


def jsonable(x):
    """`x` as the golden file stores it (dict order kept, other objects by repr)."""
    return json.loads(json.dumps(_ordered(x), default=lambda o: repr(o)))


def run_case(code: str, env: dict, preamble: str) -> dict:
    """Runs `preamble` then `code` with `env`'s names and `OUT` as stdout, in a fresh temporary
    directory, and returns the text written, the `result` the code leaves, the exception and
    the warnings. `env["restore_clock"]()` is called afterwards."""
    out = Out()
    g = dict(env)
    g["OUT"] = out
    old_stdout, old_cwd = sys.stdout, os.getcwd()
    error = None
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        os.chdir(tmp)
        sys.stdout = out
        try:
            exec(preamble, g)
            exec(code, g)
        except Exception as e:  # noqa: BLE001 (the exception is the result)
            error = [type(e).__name__, str(e)]
        finally:
            sys.stdout = old_stdout
            os.chdir(old_cwd)
            env["restore_clock"]()
    return {
        "stdout": "".join(out.parts),
        "result": jsonable(g.get("result")),
        "error": error,
        "warnings": [f"{w.category.__name__}: {w.message}" for w in caught],
    }
