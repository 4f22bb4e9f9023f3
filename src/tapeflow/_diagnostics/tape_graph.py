"""`tape_graph`: a GradientTape's recorded graph from sources to targets, as DOT.

Read after the fact from the tape's entries, like `tape_table`. The ops drawn are the
ones on a path from a source to a target, which are the ops `gradient` would run rules
for. Marked in red are the points where a gradient becomes None: a source that reaches
no target or has an integer or bool dtype, a target that depends on no source, an op
whose output has an integer or bool dtype (no gradient flows through it), and, where
lines were noted while recording (sites.py), the non-differentiable ops
(`stop_gradient`, `argmax`, comparisons) that consumed a recorded tensor, which the
tape itself never records. Drawing (SVG, PNG) uses the optional `graphviz` package and
Graphviz's `dot` program.
"""

from __future__ import annotations

import os

from .._core import nest
from ..autodiff.gradient_tape import _differentiable
from . import sites as _sites
from .tape_view import _record

_SOURCE = 'shape=ellipse, style=filled, fillcolor="#d9f2d9"'
_TARGET = 'shape=ellipse, style="filled,bold", fillcolor="#d9e6f2"'
_CUT = 'color="#c0392b", fontcolor="#c0392b"'
_CUT_NODE = 'shape=octagon, style=filled, fillcolor="#f6d5d1", color="#c0392b"'
_NONE_NODE = 'style="filled,dashed", fillcolor="#f6d5d1", color="#c0392b"'


class TapeGraph:
    """The DOT text of a tape's graph (`.source`, `str()`), drawable with graphviz.

    `cuts` lists, in words, each point where a gradient becomes None.
    """

    def __init__(self, source: str, cuts: list):
        self.source = source
        self.cuts = cuts

    def __str__(self) -> str:
        return self.source

    __repr__ = __str__

    def pipe(self, format: str = "svg") -> bytes:  # noqa: A002 - graphviz's name
        """The graph drawn by Graphviz's `dot`, as bytes of `format` ("svg", "png", ...).

        Raises:
          ImportError: the `graphviz` package is not installed (the `graphviz` extra).
          RuntimeError: Graphviz's `dot` program is not on PATH.
        """
        try:
            import graphviz
        except ImportError:
            raise ImportError(
                "Drawing a tape graph needs the graphviz package: pip install "
                "'tapeflow[graphviz]' (and Graphviz's `dot` program, https://graphviz.org). "
                "The DOT text is in `.source` without it."
            ) from None
        try:
            return graphviz.Source(self.source).pipe(format=format)
        except graphviz.ExecutableNotFound:
            raise RuntimeError(
                "Drawing a tape graph needs Graphviz's `dot` program on PATH (the graphviz "
                "Python package is installed): install Graphviz from https://graphviz.org "
                "(e.g. apt-get install graphviz, brew install graphviz)."
            ) from None

    def render(self, path: str, format: str | None = None) -> str:  # noqa: A002
        """Writes the drawing to `path` (format from its extension unless given); returns it."""
        fmt = format or os.path.splitext(path)[1].lstrip(".") or "svg"
        data = self.pipe(fmt)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def _repr_svg_(self):
        """The SVG drawing for notebooks; None (the text repr shows) when it cannot be drawn."""
        try:
            return self.pipe("svg").decode("utf-8")
        except (ImportError, RuntimeError):
            return None


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _spec(t) -> str:
    shape = getattr(t._value, "shape", ())
    return f"{t._dtype.name}[{','.join(str(d) for d in shape)}]"


def _short(site) -> str:
    return f"{os.path.basename(site.file)}:{site.line}"


def _ends(structure, kind: str) -> list:
    """(label, id, tensor) per item of the user's sources or targets, flattened."""
    ends = []
    for i, item in enumerate(nest.flatten(structure)):
        try:
            tensor = _differentiable(item)  # a variable (or Keras variable): its read tensor
        except (AttributeError, TypeError):
            raise TypeError(
                f"tape_graph {kind} must be tensors or variables, got {type(item).__name__}."
            ) from None
        # A Keras variable's path ("dense/kernel") names it better than its name ("kernel").
        name = None if tensor is item else getattr(item, "path", None) or item.name
        ends.append((f"{kind[:-1]} {i}" + (f" ({name})" if name else ""), tensor._id, tensor))
    return ends


def tape_graph(tape, sources=None, targets=None) -> TapeGraph:
    """The graph a tape recorded, from `sources` to `targets`, with None-cuts marked.

    Args:
      tape: a `tf.GradientTape` that has recorded (and not been released).
      sources: tensors or variables (a nested structure), as given to `gradient`;
        by default the tensors and variables the tape watched.
      targets: tensors (a nested structure); by default the recorded values that no
        later op consumed.

    Returns:
      A `TapeGraph`: DOT text in `.source` and `str()`, the None-cut points in words
      in `.cuts`, `pipe(format)`/`render(path)` to draw it, and `_repr_svg_` for
      notebooks (drawing needs the `graphviz` extra and Graphviz's `dot`).

    Raises:
      TypeError: if `tape` is not a GradientTape, or a source or target is not a
        tensor or variable.
      ValueError: if the tape holds no record (never entered, or released).
    """
    record = _record(tape)
    entries = record.entries
    noted = _sites.record_of(record)
    producer: dict = {}  # tensor id -> index of the entry that made it
    tensors: dict = {}  # tensor id -> a recorded tensor with that id (for its spec)
    for index, (_, inputs, outputs, _) in enumerate(entries):
        for t in inputs:
            tensors.setdefault(t._id, t)
        for t in outputs if type(outputs) is tuple else (outputs,):
            producer[t._id] = index
            tensors[t._id] = t
    if sources is None:
        watched = sorted(record.ids.difference(producer))
        sources_ = []
        for i, tid in enumerate(watched):
            variable = record.variables.get(tid)
            name = f" ({variable.name})" if variable is not None else ""
            tensor = variable._tensor if variable is not None else tensors.get(tid)
            sources_.append((f"source {i}{name}", tid, tensor))
    else:
        sources_ = _ends(sources, "sources")
    if targets is None:
        consumed = {t._id for _, inputs, _, _ in entries for t in inputs}
        last = [tid for tid in producer if tid not in consumed]
        targets_ = [(f"target {i}", tid, tensors[tid]) for i, tid in enumerate(last)]
    else:
        targets_ = _ends(targets, "targets")

    # Forward from the sources, backward from the targets: the ops drawn are in both.
    reach = {tid for _, tid, _ in sources_}
    forward = set()
    for index, (_, inputs, outputs, _) in enumerate(entries):
        if any(t._id in reach for t in inputs):
            forward.add(index)
            reach.update(t._id for t in (outputs if type(outputs) is tuple else (outputs,)))
    need = {tid for _, tid, _ in targets_}
    drawn = set()
    for index in range(len(entries) - 1, -1, -1):
        _, inputs, outputs, _ = entries[index]
        outs = outputs if type(outputs) is tuple else (outputs,)
        if any(t._id in need for t in outs):
            if index in forward:
                drawn.add(index)
            need.update(t._id for t in inputs)
    source_ids = {tid: k for k, (_, tid, _) in enumerate(sources_)}
    target_ids = {tid for _, tid, _ in targets_}
    cut_list = [] if noted is None else [c for c in noted.cuts if reach.intersection(c.input_ids)]
    cut_outputs = {tid: k for k, c in enumerate(cut_list) for tid in c.output_ids}

    lines = [
        "digraph tape {",
        '  graph [rankdir=TB, fontname="Helvetica"];',
        '  node [shape=box, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    cuts = []
    for k, (label, tid, tensor) in enumerate(sources_):
        spec = "" if tensor is None else f"\n{_spec(tensor)}"
        if tensor is not None and not tensor._dtype._differentiable:
            dtype = tensor._dtype.name
            text = _quote(f"{label}{spec}\n{dtype}: no gradient")
            lines.append(f"  src{k} [label={text}, {_NONE_NODE}];")
            cuts.append(f"{label} is {dtype}: a source of that dtype gets no gradient (None)")
        elif tid in need or tid in target_ids:
            lines.append(f"  src{k} [label={_quote(label + spec)}, {_SOURCE}];")
        else:
            text = _quote(f"{label}{spec}\nreaches no target")
            lines.append(f"  src{k} [label={text}, {_NONE_NODE}];")
            cuts.append(f"{label} reaches no target: its gradient is None")
    for index in sorted(drawn):
        op, inputs, outputs, _ = entries[index]
        outs = outputs if type(outputs) is tuple else (outputs,)
        where = None if noted is None else _sites.as_site(noted.sites.get(outs[0]._id))
        label = f"#{index} {op.type}" + (f"\n{_short(where)}" if where is not None else "")
        dead = [t for t in outs if not t._dtype._differentiable]
        live_in = any(t._dtype._differentiable and t._id in reach for t in inputs)
        if dead and live_in:
            label += f"\n{dead[0]._dtype.name} output: no gradient"
            lines.append(f"  op{index} [label={_quote(label)}, {_CUT}];")
            at = f" at {_sites.describe(where)}" if where is not None else ""
            cuts.append(
                f"#{index} {op.type}{at} outputs {dead[0]._dtype.name}: "
                "no gradient flows through it"
            )
        else:
            lines.append(f"  op{index} [label={_quote(label)}];")
        for t in inputs:
            style = "" if t._dtype._differentiable else f", style=dashed, {_CUT}"
            if t._id in producer and producer[t._id] in drawn:
                tail = f"op{producer[t._id]}"
            elif t._id in source_ids:
                tail = f"src{source_ids[t._id]}"
            elif t._id in cut_outputs:
                tail, style = f"cut{cut_outputs[t._id]}", f", style=dashed, {_CUT}"
            else:
                continue  # a constant
            lines.append(f"  {tail} -> op{index} [label={_quote(_spec(t))}{style}];")
    for k, cut in enumerate(cut_list):
        if cut.op_type == _sites.NUMPY_EXIT:
            label = "left the tape through NumPy\n(.numpy(), np.asarray, float(), ...)"
        else:
            label = f"{cut.op_type}\nnot recorded: cuts the gradient"
        site = _sites.as_site(cut.site)
        if site is not None:
            label += f"\n{_short(site)}"
        lines.append(f"  cut{k} [label={_quote(label)}, {_CUT_NODE}];")
        for tid in cut.input_ids:
            if tid in producer and producer[tid] in forward:
                if producer[tid] not in drawn:
                    continue
                lines.append(f"  op{producer[tid]} -> cut{k} [{_CUT}];")
            elif tid in source_ids:
                lines.append(f"  src{source_ids[tid]} -> cut{k} [{_CUT}];")
        where = f" at {_sites.describe(site)}" if site is not None else ""
        if cut.op_type == _sites.NUMPY_EXIT:
            cuts.append(f"a value left the tape through NumPy{where}: the gradient stops there")
        else:
            cuts.append(f"{cut.op_type}{where} is not differentiable: the gradient stops there")
    for k, (label, tid, tensor) in enumerate(targets_):
        spec = f"\n{_spec(tensor)}"
        if tid in source_ids:
            lines.append(f"  tgt{k} [label={_quote(label + spec)}, {_TARGET}];")
            lines.append(f"  src{source_ids[tid]} -> tgt{k};")
        elif tid in producer and producer[tid] in drawn:
            lines.append(f"  tgt{k} [label={_quote(label + spec)}, {_TARGET}];")
            lines.append(f"  op{producer[tid]} -> tgt{k};")
        elif tid in cut_outputs:
            lines.append(f"  tgt{k} [label={_quote(label + spec)}, {_NONE_NODE}];")
            lines.append(f"  cut{cut_outputs[tid]} -> tgt{k} [{_CUT}];")
            cuts.append(
                f"{label} depends on the sources only through {cut_list[cut_outputs[tid]].op_type}"
            )
        else:
            why = "depends on no source"
            text = _quote(f"{label}{spec}\n{why}")
            lines.append(f"  tgt{k} [label={text}, {_NONE_NODE}];")
            hint = (
                ""
                if noted is not None
                else " (ops that are not differentiable, such as stop_gradient, are not on "
                "a tape: record_source_lines() while recording shows them)"
            )
            cuts.append(f"{label} {why}: every gradient of it is None{hint}")
    lines.append("}")
    return TapeGraph("\n".join(lines) + "\n", cuts)
