"""`python -m tapeflow run script.py`: existing TF / Keras 3 code imports tapeflow."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = """
import sys
import keras
import tensorflow as tf
from keras import ops
from tensorflow.keras import layers
import tensorflow.keras as tk

print(tf.__name__, tk is tf.keras, layers is tf.keras.layers, keras.layers is layers)
print(sys.argv[1:], float(ops.sum(ops.ones((3,)))))
print(type(keras.Input((2,))).__name__)
"""


def test_run_maps_tensorflow_and_keras_to_tapeflow(tmp_path):
    script = tmp_path / "guide.py"
    script.write_text(textwrap.dedent(SCRIPT))
    out = subprocess.run(
        [sys.executable, "-m", "tapeflow", "run", str(script), "--flag", "x"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.splitlines() == [
        "tapeflow True True True",
        "['--flag', 'x'] 3.0",
        "KerasTensor",
    ]


def test_import_tapeflow_alone_does_not_alias():
    code = (
        "import sys, tapeflow; "
        "print(any(type(f).__module__ == 'tapeflow._alias' for f in sys.meta_path))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    code = (
        "import sys, tapeflow; tapeflow.alias(); import tensorflow, keras; "
        "print(tensorflow is tapeflow, keras.Model is tapeflow.keras.Model)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True True"
