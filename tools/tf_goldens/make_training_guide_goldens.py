"""Runs each training guide script of tests/guides/ on real TensorFlow 2.21 / Keras 3.15.1 and
writes what it printed to tests/data/training_guides.json (stdout verbatim, timings included:
tests/test_training_guides.py masks them on both sides; the exit status and the exception class
of a script that ends in an error).

Run where TensorFlow is installed:
    /work/tfvenv/bin/python tools/tf_goldens/make_training_guide_goldens.py
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
GUIDES = ROOT / "tests" / "guides"
OUT = ROOT / "tests" / "data" / "training_guides.json"


def error_class(stderr: str):
    """The exception class a traceback ends with (None without a traceback)."""
    if "Traceback (most recent call last)" not in stderr:
        return None
    last = [line for line in stderr.splitlines() if line and not line.startswith(" ")][-1]
    return last.split(":", 1)[0]


def main() -> None:
    import tensorflow as tf  # noqa: F401  (fails early where TF is missing)

    goldens = {}
    for script in sorted(GUIDES.glob("*.py")):
        with tempfile.TemporaryDirectory() as cwd:
            proc = subprocess.run(
                [sys.executable, str(script)], capture_output=True, text=True, cwd=cwd
            )
        goldens[script.stem] = {
            "stdout": proc.stdout,
            "returncode": proc.returncode,
            "error": error_class(proc.stderr),
        }
        print(script.stem, proc.returncode, error_class(proc.stderr))
    OUT.write_text(json.dumps(goldens, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
