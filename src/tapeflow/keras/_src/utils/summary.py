"""`model.summary()`: Keras' table, byte for byte, without `rich`.

Keras renders the table with `rich`; its column widths have a closed form (checked against
rich for every line length 30..200 in both layouts): each column asks for
`int(p_i * L) - int(p_{i-1} * L)` characters, and rich shrinks the table's `3 * columns + 1`
characters of borders and padding out of them equally, rounding as Python's `round` does.
Cells are left-aligned (Param # right-aligned) and wrap greedily at spaces; a word too long
for its column is cut with an ellipsis. Without a
terminal (and without `COLUMNS`) the line length is `min(default, 80 - 4)`.
"""

from __future__ import annotations

import math
import shutil

import tapeflow as tf

_UNITS = ["B", "KB", "MB", "GB", "TB", "PB"]
_DTYPE_BITS = {"float16": 16, "bfloat16": 16, "float32": 32, "float64": 64, "int8": 8,
               "uint8": 8, "int16": 16, "uint16": 16, "int32": 32, "uint32": 32, "int64": 64,
               "uint64": 64, "bool": 8, "complex64": 64, "complex128": 128}  # fmt: skip


def count_params(weights) -> int:
    return int(sum(math.prod(tuple(w.shape)) for w in weights))


def weight_memory_size(weights) -> float:
    unique = {id(w): w for w in weights}.values()
    bits = sum(math.prod(tuple(w.shape)) * _DTYPE_BITS.get(str(w.dtype), 32) for w in unique)
    return bits / 8


def readable_memory_size(size: float) -> str:
    for unit in _UNITS:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} {_UNITS[-1]}"


def segments(line_length: int, positions) -> list:
    """The rendered width of each column, borders' padding included."""
    widths, current = [], 0
    for p in positions:
        width = int(p * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    remaining, left, out = 3 * len(widths) + 1, len(widths), []
    for w in widths:
        cut = min(w + 2, round(remaining / left))
        out.append(w + 2 - cut)
        remaining -= cut
        left -= 1
    return out


def _wrap(text: str, width: int) -> list:
    """Greedy word wrap at spaces; a word longer than the width gets a line of its own, cut to
    `width - 1` characters and an ellipsis (rich's default `overflow="ellipsis"`)."""
    lines, line = [], ""
    for word in text.split(" "):
        if len(word) > width:
            if line:
                lines.append(line)
            lines.append(word[: width - 1] + "…")
            line = ""
            continue
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def _render(header, rows, widths, alignment) -> list:
    inner = [w - 2 for w in widths]

    def cells(values, left="│", mid="│", right="│"):
        wrapped = [_wrap(str(v), w) for v, w in zip(values, inner)]
        height = max(len(c) for c in wrapped)
        lines = []
        for i in range(height):
            parts = []
            for c, w, a in zip(wrapped, inner, alignment):
                text = c[i] if i < len(c) else ""
                parts.append(" " + (text.rjust(w) if a == "right" else text.ljust(w)) + " ")
            lines.append(left + mid.join(parts) + right)
        return lines

    def rule(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    out = [rule("┏", "┳", "┓", "━")]
    out += cells(header, "┃", "┃", "┃")
    out.append(rule("┡", "╇", "┩", "━"))
    for i, row in enumerate(rows):
        if i:
            out.append(rule("├", "┼", "┤", "─"))
        out += cells(row)
    out.append(rule("└", "┴", "┘", "─"))
    return out


def _shape_text(shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")"


def format_layer_shape(layer) -> str:
    if not layer._inbound_nodes and not layer._build_shapes_dict:
        return "?"
    if layer._inbound_nodes:
        outputs = layer._inbound_nodes[-1].outputs_structure
        shapes = tf.nest.map_structure(lambda x: _shape_text(x.shape), outputs)
    else:
        try:
            build = layer._build_shapes_dict
            if len(build) == 1:
                outputs = layer.compute_output_shape(next(iter(build.values())))
            else:
                outputs = layer.compute_output_shape(**build)
        except NotImplementedError:
            return "?"
        if isinstance(outputs, (tuple, list)) and all(
            isinstance(d, (int, type(None))) for d in outputs
        ):
            shapes = _shape_text(outputs)
        else:
            shapes = tf.nest.map_structure(_shape_text, outputs)
    flat = tf.nest.flatten(shapes)
    if len(flat) == 1:
        return flat[0]
    return str(shapes).replace("'", "")


def _is_functional(model) -> bool:
    return hasattr(model, "_nodes_by_depth") and not getattr(model, "_is_sequential", False)


def _is_sequential_like(model) -> bool:
    if not _is_functional(model):
        return True
    nodes = []
    for level in model._nodes_by_depth.values():
        if len(level) > 1 or (len(level) == 1 and len(level[0].input_tensors) > 1):
            return False
        nodes += level
    for layer in model.layers:
        seen = False
        for node in layer._inbound_nodes:
            if any(node is n for n in nodes):
                if seen:
                    return False
                seen = True
    return True


def print_summary(
    model,
    line_length=None,
    positions=None,
    print_fn=None,
    expand_nested=False,
    show_trainable=False,
    layer_range=None,
):
    """Prints the summary table (see the module docstring); returns None."""
    sequential_like = _is_sequential_like(model)
    if _is_functional(model):
        layers = [op for op in model._operations if hasattr(op, "built")]
    else:
        layers = model.layers
    if sequential_like:
        default, positions = 88, positions or [0.45, 0.80, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
        alignment = ["left", "left", "right"]
        relevant = []
    else:
        default, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        alignment = ["left", "left", "right", "left"]
        relevant = [n for level in model._nodes_by_depth.values() for n in level]
    if show_trainable:
        default += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        alignment.append("center")
    default = min(default, shutil.get_terminal_size().columns - 4)
    line_length = line_length or default
    widths = segments(line_length, positions)

    def connections(layer):
        text = ""
        for node in layer._inbound_nodes:
            if relevant and not any(node is n for n in relevant):
                continue
            for kt in node.input_tensors:
                op, node_index, tensor_index = kt._keras_history
                text += (", " if text else "") + f"{op.name}[{node_index}][{tensor_index}]"
        return text or "-"

    def fields(layer, prefix=""):
        name = f"{prefix}{layer.name} ({type(layer).__name__})"
        if not layer.built:
            params = "0 (unbuilt)"
        else:
            params = f"{layer.count_params():,}"
        row = [name, format_layer_shape(layer), params]
        if not sequential_like:
            row.append(connections(layer))
        if show_trainable:
            if layer.weights:
                row.append("Y" if layer.trainable else "N")
            else:
                row.append("-")
        return row

    def rows_of(layer, level=0):
        prefix = "   " * level + "└ " if level else ""
        rows = [fields(layer, prefix)]
        if expand_nested and getattr(layer, "layers", None):
            for inner in layer.layers:
                rows.extend(rows_of(inner, level + 1))
        return rows

    start, stop = _layer_range(layers, layer_range)
    rows = [row for layer in layers[start:stop] for row in rows_of(layer)]
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    optimizer = getattr(model, "optimizer", None) if getattr(model, "compiled", False) else None
    lines = [f'Model: "{model.name}"']
    lines += _render(header, rows, widths, alignment)
    counts = [
        (" Total params: ", trainable + non_trainable),
        (" Trainable params: ", trainable),
        (" Non-trainable params: ", non_trainable),
    ]
    total_count = count_params(trainable) + count_params(non_trainable)
    total_size = weight_memory_size(trainable) + weight_memory_size(non_trainable)
    extra = []
    if optimizer is not None and getattr(optimizer, "built", False):
        variables = optimizer.variables
        total_count += count_params(variables)
        total_size += weight_memory_size(variables)
        extra = [
            f" Optimizer params: {count_params(variables):,} "
            f"({readable_memory_size(weight_memory_size(variables))})"
        ]
    lines.append(f"{counts[0][0]}{total_count:,} ({readable_memory_size(total_size)})")
    for label, weights in counts[1:]:
        lines.append(
            f"{label}{count_params(weights):,} "
            f"({readable_memory_size(weight_memory_size(weights))})"
        )
    lines += extra
    text = "\n".join(lines) + "\n"
    if print_fn is None:
        import sys

        sys.stdout.write(text)
    else:
        print_fn(text)


def _layer_range(layers, layer_range):
    if layer_range is None:
        return 0, len(layers)
    import re

    if len(layer_range) != 2:
        raise ValueError(
            "layer_range must be a list or tuple of length 2. Received: "
            f"layer_range = {layer_range} of length {len(layer_range)}"
        )
    names = [layer.name for layer in layers]
    starts = [i for i, n in enumerate(names) if re.match(layer_range[0], n)]
    stops = [i for i, n in enumerate(names) if re.match(layer_range[1], n)]
    if not starts or not stops:
        raise ValueError(
            f"Passed layer_names do not match the layer names in the model. Received: {layer_range}"
        )
    if min(starts) > max(stops):
        raise ValueError("Passed layer_range does not select any layers. Received: {layer_range}")
    return min(starts), max(stops) + 1
