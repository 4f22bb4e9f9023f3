"""tapeflow.experimental.tape_table and tape_graph on known tapes, and their bad use."""

from __future__ import annotations

import os
import shutil
import sys

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.experimental import record_source_lines, tape_graph, tape_stats, tape_table

FILE = os.path.basename(__file__)


def next_line() -> int:
    """The number of the caller's next line."""
    return sys._getframe(1).f_lineno + 1


def known_tape():
    """A persistent tape with an integer cast and a stop_gradient; (tape, values, lines)."""
    x = tf.Variable([1.0, 4.0], name="x")
    unused = tf.Variable(2.0, name="unused")
    lines = {}
    with record_source_lines(), tf.GradientTape(persistent=True) as tape:
        lines["sqrt"] = next_line()
        y = tf.sqrt(x)
        lines["cast"] = next_line()
        n = tf.cast(y, tf.int32)
        lines["z"] = next_line()
        z = tf.reduce_sum(y * 2.0)
        lines["stop"] = next_line()
        s = tf.stop_gradient(z) * 3.0
    return tape, dict(x=x, unused=unused, y=y, n=n, z=z, s=s), lines


def test_table_rows_of_a_known_tape():
    tape, _, lines = known_tape()
    rows = list(tape_table(tape))
    assert [(r.index, r.op) for r in rows] == [(0, "Sqrt"), (1, "Cast"), (2, "Mul"), (3, "Sum")]
    assert rows[0].inputs == (((2,), "float32"),) and rows[0].outputs == (((2,), "float32"),)
    assert rows[1].outputs == (((2,), "int32"),)
    assert rows[2].inputs == (((2,), "float32"), ((), "float32"))
    assert rows[3].outputs == (((), "float32"),)
    # Each row keeps the bytes no earlier row keeps: x and y, then n, the constant 2.0 and
    # y * 2, then the sum; together what tape_stats counts.
    assert [r.kept_bytes for r in rows] == [16, 8, 12, 4]
    assert sum(r.kept_bytes for r in rows) == tape_stats(tape).bytes_held
    assert [r.site.line for r in rows] == [lines["sqrt"], lines["cast"], lines["z"], lines["z"]]
    assert rows[0].site.text == "y = tf.sqrt(x)"
    assert rows[0].site.function == "known_tape" and rows[0].site.file == __file__


def test_table_prints_aligned_columns():
    tape, _, lines = known_tape()
    text = str(tape_table(tape)).splitlines()
    assert text[0].split() == ["#", "op", "inputs", "outputs", "kept", "line"]
    assert text[1].split()[:6] == ["0", "Sqrt", "float32[2]", "float32[2]", "16", "B"]
    assert text[1].endswith(f"`y = tf.sqrt(x)` at {os.path.relpath(__file__)}:{lines['sqrt']}")
    assert text[3].split()[:7] == ["2", "Mul", "float32[2],", "float32[]", "float32[2]", "12", "B"]
    assert text[1].index("float32[2]") == text[0].index("inputs")
    assert text[-1] == "4 ops, 40 B kept for the backward pass"
    assert repr(tape_table(tape)) == str(tape_table(tape))


def test_table_prints_large_sizes_in_kb_and_mb():
    big = tf.constant(np.ones((512, 1024), np.float32))
    small = tf.constant(np.ones(1024, np.float32))
    with tf.GradientTape() as tape:
        tape.watch([big, small])
        tf.exp(big)  # keeps its output, 2 MB (its input is a data-free stand-in)
        tf.exp(small)  # 4 KB
    rows = tape_table(tape)
    assert [r.kept_bytes for r in rows] == [4 + 2 * 1024**2, 4 + 4096]
    text = str(rows).splitlines()
    assert " 2.0 MB " in text[1] and " 4.0 KB " in text[2]


def test_table_says_where_lines_were_not_recorded():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:  # no diagnostic on: nothing walks frames
        tape.watch(x)
        x * 3.0
    table = tape_table(tape)
    assert table[0].site is None
    text = str(table).splitlines()
    assert text[1].endswith("(not recorded)")
    assert text[-1].startswith("(lines are noted only while recording with")


def test_graph_dot_of_a_known_tape():
    tape, v, lines = known_tape()
    graph = tape_graph(tape, sources=[v["x"], v["unused"]], targets=[v["z"], v["s"]])
    src = 'shape=ellipse, style=filled, fillcolor="#d9f2d9"'
    tgt = 'shape=ellipse, style="filled,bold", fillcolor="#d9e6f2"'
    red = 'color="#c0392b", fontcolor="#c0392b"'
    none = 'style="filled,dashed", fillcolor="#f6d5d1", color="#c0392b"'
    cut = 'shape=octagon, style=filled, fillcolor="#f6d5d1", color="#c0392b"'
    assert graph.source == "\n".join(
        [
            "digraph tape {",
            '  graph [rankdir=TB, fontname="Helvetica"];',
            '  node [shape=box, fontname="Helvetica", fontsize=10];',
            '  edge [fontname="Helvetica", fontsize=9];',
            f'  src0 [label="source 0 (x:0)\\nfloat32[2]", {src}];',
            f'  src1 [label="source 1 (unused:0)\\nfloat32[]\\nreaches no target", {none}];',
            f'  op0 [label="#0 Sqrt\\n{FILE}:{lines["sqrt"]}"];',
            '  src0 -> op0 [label="float32[2]"];',
            f'  op2 [label="#2 Mul\\n{FILE}:{lines["z"]}"];',
            '  op0 -> op2 [label="float32[2]"];',
            f'  op3 [label="#3 Sum\\n{FILE}:{lines["z"]}"];',
            '  op2 -> op3 [label="float32[2]"];',
            f'  cut0 [label="StopGradient\\nnot recorded: cuts the gradient\\n'
            f'{FILE}:{lines["stop"]}", {cut}];',
            f"  op3 -> cut0 [{red}];",
            f'  tgt0 [label="target 0\\nfloat32[]", {tgt}];',
            "  op3 -> tgt0;",
            f'  tgt1 [label="target 1\\nfloat32[]\\ndepends on no source", {none}];',
            "}",
            "",
        ]
    )
    assert str(graph) == graph.source
    assert graph.cuts == [
        "source 1 (unused:0) reaches no target: its gradient is None",
        f"StopGradient at `s = tf.stop_gradient(z) * 3.0` at {os.path.relpath(__file__)}:"
        f"{lines['stop']} is not differentiable: the gradient stops there",
        "target 1 depends on no source: every gradient of it is None",
    ]


def test_graph_marks_an_integer_cast_on_the_path():
    x = tf.constant([1.5, 2.5])
    with tf.GradientTape() as tape:
        tape.watch(x)
        n = tf.cast(x, tf.int32)
        y = tf.cast(n, tf.float32) * x
    graph = tape_graph(tape, sources=x, targets=y)
    assert (
        '  op0 [label="#0 Cast\\nint32 output: no gradient", color="#c0392b", fontcolor="#c0392b"];'
    ) in graph.source
    assert '  op0 -> op1 [label="int32[2]", style=dashed, color="#c0392b"' in graph.source
    assert graph.cuts == ["#0 Cast outputs int32: no gradient flows through it"]
    assert tape.gradient(y, x) is not None  # through the Mul's other input


def test_graph_marks_where_a_value_left_the_tape_through_numpy():
    w = tf.Variable([1.0, 2.0], name="w")
    with record_source_lines(), tf.GradientTape(persistent=True) as tape:
        h = tf.reduce_sum(w * w)
        loss = tf.constant(np.log(h.numpy()))  # numpy-exit
    assert tape.gradient(loss, w) is None
    graph = tape_graph(tape, sources=w, targets=[loss, h])
    line = next(
        i
        for i, text in enumerate(open(__file__).read().splitlines(), 1)
        if text.endswith("# numpy-exit")
    )
    assert graph.cuts == [
        "a value left the tape through NumPy at "
        "`loss = tf.constant(np.log(h.numpy()))  # numpy-exit` at "
        f"{os.path.relpath(__file__)}:{line}: the gradient stops there",
        "target 0 depends on no source: every gradient of it is None",
    ]
    assert "op1 -> cut0" in graph.source
    assert "left the tape through NumPy\\n(.numpy(), np.asarray, float(), ...)" in graph.source
    # without line recording, conversions are not followed
    with tf.GradientTape(persistent=True) as tape:
        h = tf.reduce_sum(w * w)
        loss = tf.constant(h.numpy())
    assert "NumPy" not in tape_graph(tape, sources=w, targets=[loss, h]).source


def test_graph_marks_an_integer_source_and_says_how_to_see_unrecorded_ops():
    n = tf.constant([1, 2])
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cast(n, tf.float32) * x
        z = tf.stop_gradient(x) * 2.0  # not recorded, and lines are not noted
    graph = tape_graph(tape, sources=[n, x], targets=[y, z])
    assert '  src0 [label="source 0\\nint32[2]\\nint32: no gradient", style="filled,dashed"' in (
        graph.source
    )
    assert graph.cuts == [
        "source 0 is int32: a source of that dtype gets no gradient (None)",
        "target 1 depends on no source: every gradient of it is None (ops that are not "
        "differentiable, such as stop_gradient, are not on a tape: record_source_lines() "
        "while recording shows them)",
    ]


def test_graph_defaults_to_the_watched_tensors_and_the_last_values():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        z = tf.exp(y)
    graph = tape_graph(tape)
    assert '  src0 [label="source 0\\nfloat32[]"' in graph.source
    assert "  op1 -> tgt0;" in graph.source and "tgt1" not in graph.source
    assert graph.cuts == []
    assert z is not None


def test_record_source_lines_is_a_call_and_a_context_manager():
    x = tf.constant(1.0)
    record_source_lines()
    try:
        with record_source_lines(False):
            with tf.GradientTape() as off:
                off.watch(x)
                tf.sin(x)
        with tf.GradientTape() as on:
            on.watch(x)
            tf.sin(x)
    finally:
        record_source_lines(False)
    assert tape_table(off)[0].site is None
    assert tape_table(on)[0].site.text == "tf.sin(x)"
    with tf.GradientTape() as after:
        after.watch(x)
        tf.sin(x)
    assert tape_table(after)[0].site is None


def test_graph_takes_keras_variables_by_name():
    layer = tf.keras.layers.Dense(1, name="dense")
    x = tf.constant([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        y = layer(x)
    graph = tape_graph(tape, sources=layer.trainable_variables, targets=y)
    assert '  src0 [label="source 0 (dense/kernel)\\nfloat32[2,1]"' in graph.source
    assert '  src1 [label="source 1 (dense/bias)\\nfloat32[1]"' in graph.source
    assert graph.cuts == []


def test_bad_use_raises_clearly():
    with pytest.raises(ValueError, match="never entered"):
        tape_table(tf.GradientTape())
    with pytest.raises(TypeError, match="Expected a tf.GradientTape"):
        tape_graph(object())
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(TypeError, match="must be tensors or variables, got float"):
        tape_graph(tape, sources=[1.0])
    tape.gradient(y, x)
    with pytest.raises(ValueError, match="already computed a gradient"):
        tape_graph(tape)


def test_drawing_without_the_graphviz_package_names_the_extra(monkeypatch):
    tape, _, _ = known_tape()
    graph = tape_graph(tape)
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    with pytest.raises(ImportError, match=r"pip install 'tapeflow\[graphviz\]'"):
        graph.pipe("svg")
    assert graph._repr_svg_() is None  # a notebook shows the text instead


def test_drawing_without_dot_says_to_install_graphviz(monkeypatch):
    pytest.importorskip("graphviz", reason="the graphviz extra is not installed")
    tape, _, _ = known_tape()
    monkeypatch.setenv("PATH", "")
    with pytest.raises(RuntimeError, match="Graphviz's `dot` program on PATH"):
        tape_graph(tape).pipe("svg")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")
def test_drawing_svg_and_png(tmp_path):
    pytest.importorskip("graphviz", reason="the graphviz extra is not installed")
    tape, v, _ = known_tape()
    graph = tape_graph(tape, sources=v["x"], targets=v["z"])
    svg = graph._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "Sqrt" in svg
    path = graph.render(str(tmp_path / "tape.png"))
    assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    np.testing.assert_array_equal(tape.gradient(v["z"], v["x"]).numpy(), [1.0, 0.5])
