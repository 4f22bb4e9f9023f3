"""`import tapeflow` stays light: SciPy and other heavy modules load only when an op needs them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("scipy", "inspect", "dataclasses", "logging", "numpy.random", "typing")


def test_import_loads_no_heavy_modules():
    code = (
        "import sys; before = set(sys.modules); import tapeflow; "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules and m not in before))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # numpy itself may import some of these (e.g. inspect); only tapeflow's own must not.
    numpy_code = (
        f"import sys; import numpy; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    by_numpy = subprocess.run(
        [sys.executable, "-c", numpy_code], capture_output=True, text=True, check=True
    )
    extra = set(eval(out.stdout)) - set(eval(by_numpy.stdout))  # noqa: S307 - our own output
    assert not extra, f"import tapeflow loaded {sorted(extra)}"


def test_scipy_loads_on_first_use():
    code = (
        "import sys, tapeflow as tf; assert 'scipy' not in sys.modules; "
        "tf.math.erf(tf.constant(0.5)); print('scipy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
