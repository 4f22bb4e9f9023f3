"""Draws docs/when_none_graph.svg: the tape of README's "When a gradient is None" example.

Usage (needs the `graphviz` extra and Graphviz's `dot`)::

    PYTHONPATH=src python tools/readme_tape_graph.py

The program is the README's example, recorded with `record_source_lines()` so the picture
names the lines; the tape is persistent so it can be drawn after its gradient call.
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

import tapeflow as tf
from tapeflow import experimental

OUT = pathlib.Path(__file__).resolve().parents[1] / "docs" / "when_none_graph.svg"

experimental.record_source_lines()
w = tf.Variable([1.0, 2.0], name="w")
with tf.GradientTape(persistent=True) as tape:
    h = tf.reduce_sum(w * w)
    loss = tf.constant(np.log(h.numpy()))
assert tape.gradient(loss, w) is None
graph = experimental.tape_graph(tape, sources=w, targets=[loss, h])
OUT.write_bytes(graph.pipe("svg"))
print("\n".join(graph.cuts), file=sys.stderr)
print(f"wrote {OUT.relative_to(OUT.parents[1])}", file=sys.stderr)
