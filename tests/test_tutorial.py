"""The founding tutorial prints what TensorFlow printed, line for line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import tapeflow as tf

EXPECTED = Path(__file__).parent / "data" / "seed_tutorial_output.txt"

# Two lines cannot match by design: the library version (tapeflow's own) and
# the tape object's module path and memory address.
TAPE_REPR = re.compile(r"^<[\w.]+\.GradientTape object at 0x[0-9a-fA-F]+>$")


def _normalise(lines: list[str]) -> list[str]:
    return ["<GradientTape object>" if TAPE_REPR.match(line) else line for line in lines]


def test_tutorial_command_prints_tensorflows_output():
    result = subprocess.run(
        [sys.executable, "-m", "tapeflow", "tutorial"],
        capture_output=True,
        text=True,
        check=True,
    )
    got = result.stdout.splitlines()
    expected = EXPECTED.read_text().splitlines()
    assert got[0] == tf.__version__
    assert _normalise(got[1:]) == _normalise(expected[1:])
    assert result.stderr == ""


def test_tutorial_tape_repr_names_the_class():
    assert TAPE_REPR.match(repr(tf.GradientTape()))
