"""Replay of the tf.nn goldens (tests/data/tf_nn_goldens.json), shared by two test modules.

test_nn_ops.py replays the activation, loss and normalisation cases (`NN_CASES`) and
test_conv_ops.py the convolution and pooling ones (`CONV_CASES`), with one tolerance.
"""

from __future__ import annotations

from family_goldens import Tolerance, load_goldens
from family_goldens import replay as replay_golden

import tapeflow as tf

GOLDENS = load_goldens("nn")
# float32 kernels sum in different orders than NumPy; 2e-6 covers a few ulps of rounding. The
# absolute floor is rtol * max(1, max|expected|): gradients near cancellation need it.
TOLERANCE = Tolerance(
    {"float16": 2e-3, "float32": 2e-6, "float64": 1e-12}, atol_ratio=1.0, scale_atol=True
)
CONV_PREFIXES = ("conv", "max_pool", "avg_pool")
NN_CASES = sorted(n for n in GOLDENS["cases"] if not n.startswith(CONV_PREFIXES))
CONV_CASES = sorted(n for n in GOLDENS["cases"] if n.startswith(CONV_PREFIXES))


def replay(name: str) -> None:
    """Runs golden case `name` with tapeflow and compares it with TensorFlow's result."""
    replay_golden(GOLDENS, name, tf, TOLERANCE, contains_required=True)
