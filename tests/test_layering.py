"""The package's layers, read from its imports (every import statement, function-local
ones included, since a lazy import is still a dependency).

- `tapeflow._core` (the eager runtime) imports only itself, NumPy and the standard
  library: never the op library or anything built on it.
- No two modules import each other, directly or around a circle, except the
  adjoint pair `ops.array_ops` (BroadcastTo) and `ops.reduction_ops` (Sum).
"""

from __future__ import annotations

import ast
import pathlib

import tapeflow

PACKAGE = pathlib.Path(tapeflow.__file__).parent
ALLOWED_CYCLES = [{"tapeflow.ops.array_ops", "tapeflow.ops.reduction_ops"}]


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: pathlib.Path, known: set) -> set:
    """The tapeflow modules `name` imports, and the external top-level packages."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.add(target)
            for alias in node.names:  # `from . import x` imports the module x
                if f"{target}.{alias.name}" in known:
                    found.add(f"{target}.{alias.name}")
    return found


def _graph() -> dict:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def test_the_core_imports_nothing_above_it():
    allowed_external = {"numpy", "__future__"}
    problems = []
    for name, imports in sorted(_graph().items()):
        if not name.startswith("tapeflow._core"):
            continue
        for target in sorted(imports):
            if target.startswith("tapeflow."):
                if not target.startswith("tapeflow._core"):
                    problems.append(f"{name} imports {target}")
            elif target.split(".")[0] not in allowed_external and not _is_stdlib(target):
                problems.append(f"{name} imports {target}")
    assert not problems, "\n".join(problems)


def _is_stdlib(name: str) -> bool:
    import sys

    return name.split(".")[0] in sys.stdlib_module_names


def _cycles(graph: dict) -> list:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    internal = {m: {t for t in ts if t in graph and t != m} for m, ts in graph.items()}
    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    components = []
    counter = 0
    for root in sorted(internal):
        if root in index:
            continue
        work = [(root, iter(sorted(internal[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(internal[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(component)
    return components


def test_no_import_cycles_but_the_adjoint_pair():
    graph = _graph()
    # A package's __init__ re-exporting its children is not a cycle of the children:
    # the edge child -> package counts only when the child imports the package's own names.
    cycles = [c for c in _cycles(_without_parent_edges(graph)) if c not in ALLOWED_CYCLES]
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(sorted(c)) for c in cycles)


def _without_parent_edges(graph: dict) -> dict:
    """Drops edges from a module to the packages containing it (`from . import x` names
    the sibling x, which `_imports` records separately)."""
    return {
        name: {t for t in targets if not (name.startswith(t + ".") and t in graph)}
        for name, targets in graph.items()
    }


def test_the_checker_sees_a_cycle_and_a_core_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [{"a", "b", "c"}]
    sample = PACKAGE / "_core" / "tensor.py"
    imports = _imports("tapeflow._core.tensor", sample, set(_modules()))
    assert "tapeflow._core.dtypes" in imports


SUBSYSTEMS = ("tapeflow.keras", "tapeflow.data", "tapeflow.train")
# TF's raw Philox words (a NumPy bit generator, no tensors): tf.data's shuffle reads them.
# The op seeds of a traced function's random ops (pure Python): tf.data's functions set them.
SHARED_HELPERS = ("tapeflow.ops.philox", "tapeflow.ops.graph_seeds")


def test_the_training_stack_uses_only_the_public_api():
    """keras/, data/ and train/ are clients of `import tapeflow as tf` (and of each other),
    never of the core's or the op library's internals."""
    problems = []
    for name, imports in sorted(_graph().items()):
        if not name.startswith(SUBSYSTEMS):
            continue
        for target in sorted(imports):
            if target is None or not target.startswith("tapeflow."):
                continue
            if not target.startswith(SUBSYSTEMS) and target not in SHARED_HELPERS:
                problems.append(f"{name} imports {target}")
    assert not problems, "\n".join(problems)
