"""Writes docs/ops.md: the op coverage table, generated from the op registry.

One row per registered op: its TF op-type name, the public names that reach it (``tf.*``,
``tf.math.*``, ...), whether it has a reverse-mode (VJP) and a forward-mode (JVP) rule, a
batching rule (when the registry has a ``batch`` slot), and how many TensorFlow golden cases
(tests/data/tf_*goldens.json, written by real TF) name it, i.e. pin its values to TF's.

Usage: ``PYTHONPATH=src python tools/op_coverage.py [--check]`` (``--check`` exits 1 when
docs/ops.md is stale instead of writing it).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMESPACES = ["", "math", "nn", "linalg", "random", "bitwise", "debugging", "dtypes", "signal"]


def public_names(tf, registry) -> dict:
    """op type -> sorted public names (``tf.math.abs``) bound to that op."""
    by_id = {id(op): t for t, op in registry.items()}
    names: dict = {}
    for ns in NAMESPACES:
        mod = tf if not ns else getattr(tf, ns, None)
        if mod is None:
            continue
        prefix = "tf." + (ns + "." if ns else "")
        for attr in dir(mod):
            if attr.startswith("_"):
                continue
            for t in _ops_reached(getattr(mod, attr, None), by_id):
                names.setdefault(t, set()).add(prefix + attr)
    return {t: sorted(v) for t, v in names.items()}


def _ops_reached(obj, by_id, depth: int = 3) -> set:
    """The op itself, or the ops a public function calls through module-level helpers.

    Follows tapeflow functions named in the code up to `depth` calls deep (a reduction is
    `reduce_max` -> a shared reduction helper -> the `Max` op).
    """
    t = by_id.get(id(obj))
    if t is not None:
        return {t}
    code = getattr(obj, "__code__", None)
    glb = getattr(obj, "__globals__", None)
    if depth == 0 or code is None or glb is None:
        return set()
    found = set()
    # Globals the code names, and the closure's cells (a wrapper made by a factory).
    targets = [glb.get(n) for n in code.co_names]
    targets += [c.cell_contents for c in (obj.__closure__ or ()) if _filled(c)]
    for target in targets:
        if id(target) in by_id:
            found.add(by_id[id(target)])
        elif getattr(target, "__module__", "").startswith("tapeflow.ops"):
            found |= _ops_reached(target, by_id, depth - 1)
    return found


def _filled(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018 (an empty cell raises)
    except ValueError:
        return False
    return True


def golden_texts() -> list:
    """The code (or, without code, the case name) of every TF golden case."""
    texts = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "data", "tf_*goldens.json"))):
        with open(path) as f:
            cases = json.load(f).get("cases", {})
        if isinstance(cases, dict):
            for key, case in cases.items():
                code = case.get("code") if isinstance(case, dict) else None
                texts.append(code if isinstance(code, str) else "tf.linalg." + key)
    return texts


def count_goldens(names: list, texts: list) -> int:
    if not names:
        return 0
    pat = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
    return sum(1 for t in texts if pat.search(t))


def _yes(flag) -> str:
    return "yes" if flag else "-"


def render() -> str:
    import tapeflow as tf
    from tapeflow._core.registry import load_all

    REGISTRY = load_all()  # noqa: N806 - every op family loaded
    names = public_names(tf, REGISTRY)
    texts = golden_texts()
    has_batch = any(hasattr(op, "batch") for op in REGISTRY.values())
    head = ["op type", "TF names", "VJP", "JVP"] + (["batching"] if has_batch else [])
    head.append("TF goldens")
    rows = []
    counts = {"vjp": 0, "jvp": 0, "batch": 0, "golden": 0}
    for t in sorted(REGISTRY):
        op = REGISTRY[t]
        vjp = op.vjp_rule is not None
        jvp = op.jvp_rule is not None
        batch = getattr(op, "batch", None) is not None
        n_gold = count_goldens(names.get(t, []), texts)
        counts["vjp"] += vjp
        counts["jvp"] += jvp
        counts["batch"] += batch
        counts["golden"] += n_gold > 0
        if not op.differentiable:
            vjp_cell = jvp_cell = "not differentiable"
        else:
            vjp_cell, jvp_cell = _yes(vjp), _yes(jvp)
        cells = [f"`{t}`", ", ".join(f"`{n}`" for n in names.get(t, [])) or "(internal)"]
        cells += [vjp_cell, jvp_cell] + ([_yes(batch)] if has_batch else [])
        cells.append(str(n_gold) if n_gold else "-")
        rows.append("| " + " | ".join(cells) + " |")
    n = len(REGISTRY)
    summary = (
        f"{n} ops: {counts['vjp']} with a VJP, {counts['jvp']} with a JVP, "
        + (f"{counts['batch']} with a batching rule, " if has_batch else "")
        + f"{counts['golden']} with values pinned by TensorFlow goldens."
    )
    lines = [
        "# Op coverage",
        "",
        "Generated from the op registry by `tools/op_coverage.py`; do not edit by hand.",
        "",
        summary,
        "",
        "*TF goldens* counts the golden cases (`tests/data/tf_*goldens.json`, recorded on real",
        "TensorFlow 2.21) whose code calls one of the op's public names; those values, dtypes",
        "and gradients are checked to be TF's exactly by the test suite. Every differentiable",
        "op's rules are also checked numerically to second order by the registry-generated tests.",
        "*TF names* are the public functions that run the op, directly or through a thin wrapper"
        + ("." if has_batch else "; the registry has no batching slot yet (no batching column)."),
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *rows,
    ]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true")
    a = p.parse_args(argv)
    sys.path.insert(0, os.path.join(ROOT, "src"))
    text = render()
    path = os.path.join(ROOT, "docs", "ops.md")
    if a.check:
        with open(path) as f:
            return 0 if f.read() == text else 1
    with open(path, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
