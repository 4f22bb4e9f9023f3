"""Generates tests/data/tf_goldens.json by running every case with real TensorFlow.

Usage (TensorFlow lives in its own venv, never in the project's environment)::

    /tmp/tfvenv/bin/python tools/tf_goldens/make_goldens.py

The output is deterministic: cases use literal values only, reprs have memory addresses masked,
and JSON keys are sorted.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "data" / "tf_goldens.json"

# TF's C++ start-up chatter goes to stderr; keep it quiet (it never reaches the goldens).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# oneDNN renames kernels in error messages (MatMul -> _MklMatMul) and changes rounding; the
# goldens pin TensorFlow's reference kernels instead.
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from cases import CASES  # noqa: E402
from tf_golden_util import run_case, run_case_isolated  # noqa: E402


def main() -> None:
    """Runs all cases and writes the golden file."""
    goldens = {}
    for case in CASES:
        if case.get("isolated"):
            result = run_case_isolated(case["code"], "tensorflow")
        else:
            result = run_case(case["code"], tf)
        result["code"] = case["code"]
        result["isolated"] = bool(case.get("isolated"))
        goldens[case["name"]] = result
    document = {
        "header": {
            "tensorflow_version": tf.__version__,
            "numpy_version": np.__version__,
            "python_version": platform.python_version(),
            "generator": "tools/tf_goldens/make_goldens.py",
            "case_count": len(goldens),
        },
        "cases": goldens,
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"wrote {len(goldens)} cases to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
