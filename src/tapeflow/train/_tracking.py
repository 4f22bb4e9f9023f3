"""The tracking protocol: which objects a `tf.train.Checkpoint` saves, and under which names.

A checkpoint is an object graph: nodes are Python objects, edges are named. The saved keys are
attribute paths from the root, `net/l1/_kernel/.ATTRIBUTES/VARIABLE_VALUE`, and the graph is
walked breadth first, children in each object's own order, so an object reachable along
several paths (a kernel held by a layer and by an optimizer) is one node, saved once, under
the first (shortest, then earliest) path: TensorFlow's rule.

What is trackable, and its children (an ordered `{name: child}` mapping):

* **Variables (leaves).** `tf.Variable`, and variable wrappers: objects with a
  `_tapeflow_variable` attribute giving the `tf.Variable` they hold (`keras.Variable`). A
  leaf saves one value, the wrapped variable's, and is restored with `obj.assign(value)`.
  Its `full_name` in the object graph is the wrapper's `path` if it has one (Keras'
  `adam/iteration`), else the variable's name without `:0`.
* **Objects saving their own state (leaves)**: `_checkpoint_state()` returns
  `{attribute name: array}` (saved under `path/.ATTRIBUTES/<name>`, e.g. a tf.data
  iterator's `ITERATOR_STATE`) and `_restore_checkpoint_state({name: ndarray})` takes it
  back. Such an object may also define `_checkpoint_children()`.
* **Objects defining `_checkpoint_children()`**, returning an ordered `{name: child}` dict
  (Keras layers, models and optimizers, giving TensorFlow's names: `_kernel`, `bias`,
  `_iterations`, `_learning_rate`, `_trainable_variables` (a list), `_variables`).
* **`tf.Module`**: its attributes in assignment order (`vars(module)`), keeping only the
  trackable ones, as TensorFlow's AutoTrackable does (strings, numbers, tensors are skipped).
* **Lists, tuples and dicts** reached as children: elements under `"0"`, `"1"`, ... (keys
  `layers/0/w/...`), dict values under their keys in insertion order; untrackable elements
  are skipped. Saving a dict whose non-string key maps to a trackable value raises
  TensorFlow's ValueError.
* `tf.train.Checkpoint` itself (its keyword arguments, sorted, then attributes assigned
  later, then `save_counter` once it exists).

Anything else is not trackable: an attribute holding it is not saved, and passing it to
`tf.train.Checkpoint(...)` raises TensorFlow's ValueError.

For Keras implementers: `tests/data/tf_checkpoint_goldens.json` ("keras") holds TF 2.21's
keys and object graph (each node's children, in order) for Dense, Sequential, a subclassed
Model and optimizers after one step. Its warts: a `Sequential`'s layers sit under
`_functional/_operations/<i>` (index 0 the InputLayer); an optimizer's children are
`_variables`, `_trainable_variables`, ..., `_iterations`, `_learning_rate` (so its own
variables keep their direct names and slots appear as `_variables/<i>`); a subclassed
Model's list attributes of layers are not saved at all; Keras metrics are not trackable
(`Checkpoint(metric=...)` raises the ValueError).

**Deferred restore.** Restoring matches checkpoint nodes to Python objects by name. A value
whose object does not exist yet (a Dense not built, an attribute not assigned) waits, keyed
by `id(parent)` (the parent held weakly when it can be), and is assigned when the object
appears: a container that gains a child calls `note_new_child(parent, name, child)`
(`tf.Module` does so on every attribute assignment, through `tf.Module._tapeflow_on_setattr`,
which importing this module installs; Keras containers call it when they track a new
attribute or build a weight). Containers that cannot announce additions (a plain list that
is appended to) are polled: `resolve_pending()` looks at every waiting parent again, and
runs when a load status is asked to match (`assert_consumed`, ...). So a value for a list
element appended after the restore arrives at that assertion, not at the append as in TF
(whose lists are `ListWrapper`s): a known difference; containers should call
`note_new_child`. Keras code should call it only when `tapeflow.train._tracking` is already
in `sys.modules` (nothing can wait otherwise), so that Keras does not load `tf.train`.
"""

from __future__ import annotations

import collections
import weakref

import numpy as np

import tapeflow as tf

VARIABLE_VALUE = "VARIABLE_VALUE"
OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"


# ---------------------------------------------------------------------------- the protocol
def variable_of(obj):
    """The `tf.Variable` a leaf saves (the variable, or a wrapper's `_tapeflow_variable`);
    None for anything that is not a leaf."""
    if isinstance(obj, tf.Variable):
        return obj
    if isinstance(obj, (list, tuple, dict, str, bytes)):
        return None
    wrapped = getattr(obj, "_tapeflow_variable", None)
    return wrapped if isinstance(wrapped, tf.Variable) else None


def has_state(obj) -> bool:
    """Whether `obj` saves its own values (`_checkpoint_state()`, e.g. a dataset iterator)."""
    if isinstance(obj, (list, tuple, dict, str, bytes, tf.Variable, type)):
        return False
    return callable(getattr(obj, "_checkpoint_state", None))


def is_trackable(obj) -> bool:
    """Whether a checkpoint can hold `obj` (see the module docstring)."""
    if isinstance(obj, (tf.Variable, tf.Module, list, tuple, dict)):
        return True
    if isinstance(obj, (str, bytes, int, float, complex, type)) or obj is None:
        return False  # classes too: a layer class held as an attribute is not a layer
    return (
        callable(getattr(obj, "_checkpoint_children", None))
        or variable_of(obj) is not None
        or has_state(obj)
    )


def saved_values(obj) -> dict:
    """`{attribute name: ndarray}`: what a leaf saves ({} for pure containers)."""
    variable = variable_of(obj)
    if variable is not None:
        return {VARIABLE_VALUE: variable.numpy()}
    if has_state(obj):
        return {name: np.asarray(value) for name, value in obj._checkpoint_state().items()}
    return {}


def dtype_name(array) -> str:
    """The tf dtype name a saved array is listed with (`string` for byte/str arrays)."""
    if array.dtype.kind in "SU":
        return "string"
    return tf.as_dtype(array.dtype).name


def children(obj) -> dict:
    """The ordered `{name: child}` trackable children of a trackable object ({} for leaves)."""
    if variable_of(obj) is not None:
        return {}
    method = getattr(obj, "_checkpoint_children", None)
    if method is not None and not isinstance(obj, (list, tuple, dict)):
        return {name: child for name, child in method().items() if is_trackable(child)}
    if isinstance(obj, (list, tuple)):
        return {str(i): item for i, item in enumerate(obj) if is_trackable(item)}
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            if not is_trackable(value):
                continue
            if not isinstance(key, str):
                raise ValueError(
                    f"Unable to save the object {obj!r} (a dictionary wrapper constructed "
                    "automatically on attribute assignment). The wrapped dictionary contains a "
                    "non-string key which maps to a trackable object or mutable data "
                    "structure.\n\nIf you don't need this dictionary checkpointed, wrap it in a "
                    "non-trackable object; it will be subsequently ignored."
                )
            out[key] = value
        return out
    if isinstance(obj, tf.Module):
        return {name: value for name, value in vars(obj).items() if is_trackable(value)}
    return {}


def full_name(obj) -> str:
    """The variable's name as the object graph records it (`full_name`; "" if none)."""
    path = getattr(obj, "path", None) if not isinstance(obj, tf.Variable) else None
    if isinstance(path, str):
        return path
    variable = variable_of(obj)
    if variable is None:
        return ""
    name = variable.name
    return name[:-2] if name.endswith(":0") else name


def escape(name: str) -> str:
    """TF's escaping of one path element: `.` -> `..`, `/` -> `.S`."""
    return name.replace(".", "..").replace("/", ".S")


def checkpoint_key(path: tuple, attribute: str = VARIABLE_VALUE) -> str:
    return "/".join(escape(p) for p in path) + "/.ATTRIBUTES/" + escape(attribute)


# ---------------------------------------------------------------------------- the graph
class ObjectGraph:
    """A breadth-first walk of the live objects under `root`.

    `objects[i]` is node i (node 0 the root), `paths[i]` its first path (a tuple of local
    names) and `edges[i]` its `(local_name, child_node_id)` list.
    """

    def __init__(self, root):
        self.objects = [root]
        self.paths = [()]
        self.edges = []
        ids = {id(root): 0}
        i = 0
        while i < len(self.objects):
            refs = []
            for name, child in children(self.objects[i]).items():
                node = ids.get(id(child))
                if node is None:
                    node = ids[id(child)] = len(self.objects)
                    self.objects.append(child)
                    self.paths.append(self.paths[i] + (name,))
                refs.append((name, node))
            self.edges.append(refs)
            i += 1

    def leaves(self):
        """(node id, object) of the objects that save values, in node order."""
        return [
            (i, o) for i, o in enumerate(self.objects) if variable_of(o) is not None or has_state(o)
        ]

    def serialize(self):
        """The graph as saved: the nodes (children, and the attributes of leaves), the
        values `{checkpoint key: ndarray}` and their tf dtype names."""
        nodes, values, dtypes = [], {}, {}
        for i, obj in enumerate(self.objects):
            node = {"children": [[name, child] for name, child in self.edges[i]]}
            attributes = []
            for attribute, array in saved_values(obj).items():
                key = checkpoint_key(self.paths[i], attribute)
                attributes.append(
                    {"name": attribute, "full_name": full_name(obj), "checkpoint_key": key}
                )
                values[key] = array
                variable = variable_of(obj)
                dtypes[key] = variable.dtype.name if variable is not None else dtype_name(array)
            if attributes:
                node["attributes"] = attributes
            nodes.append(node)
        return nodes, values, dtypes


def node_names(nodes: list) -> dict:
    """TF's pretty names of checkpoint nodes: `(root).optimizer._iterations`."""
    names = {0: ("(root)",)}
    queue = collections.deque([0])
    while queue:
        i = queue.popleft()
        for name, child in nodes[i]["children"]:
            if child not in names:
                names[child] = names[i] + (name,)
                queue.append(child)
    return {i: ".".join(path) for i, path in names.items()}


def _quote(text: str) -> str:
    """A string as protobuf's text format writes it (C escapes, UTF-8 bytes as octal)."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if char in "\\\"'":
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif byte < 32 or byte >= 127:
            out.append(f"\\{byte:03o}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def node_text(node: dict) -> str:
    """A node as TF prints a `TrackableObject` proto (in AssertionError texts)."""
    lines = []
    for name, child in node["children"]:
        lines += ["children {", f"  node_id: {child}", f"  local_name: {_quote(name)}", "}"]
    for attribute in node.get("attributes", ()):
        lines += ["attributes {", f"  name: {_quote(attribute['name'])}"]
        if attribute["full_name"]:  # proto3 text omits empty strings
            lines.append(f"  full_name: {_quote(attribute['full_name'])}")
        lines += [f"  checkpoint_key: {_quote(attribute['checkpoint_key'])}", "}"]
    if node.get("attributes"):
        lines += ["has_checkpoint_values {", "  value: true", "}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- deferral
def _ref(obj):
    """A weak reference when the object allows one, else a strong one (a callable)."""
    try:
        return weakref.ref(obj)
    except TypeError:
        return lambda: obj


def weakrefable(obj) -> bool:
    try:
        weakref.ref(obj)
    except TypeError:
        return False
    return True


class _Waiting:
    """The restores waiting for children of one parent: {name: [(restore, node_id), ...]}.

    The parent is held weakly; a list or dict (which cannot be) is held strongly, but only
    for as long as its `anchor` (the nearest ancestor that can be held weakly: the module or
    layer owning the list) lives, so nothing outlives the objects it waits on.
    """

    __slots__ = ("parent", "names", "anchor", "__weakref__")

    def __init__(self, parent, anchor):
        self.names: dict = {}
        key, me = id(parent), weakref.ref(self)  # no cycle through the callback

        def forget(_):
            if me() is not None:
                _forget(key, me())

        self.anchor = None
        if weakrefable(parent):
            self.parent = weakref.ref(parent, forget)
        else:
            self.parent = lambda: parent
            if anchor is not None:
                self.anchor = weakref.ref(anchor, forget)

    def anchor_object(self):
        """What new children of the parent are anchored to (see the class docstring)."""
        return self.parent() if self.anchor is None else self.anchor()


_PENDING: dict = {}  # id(parent) -> _Waiting


def _forget(key, waiting) -> None:
    if _PENDING.get(key) is waiting:
        del _PENDING[key]


def defer(parent, name: str, restore, node_id: int, anchor=None) -> None:
    """Records that checkpoint node `node_id` waits for `parent` to gain child `name`
    (`anchor`: the nearest weakly referable ancestor, for parents that are lists/dicts)."""
    waiting = _PENDING.get(id(parent))
    if waiting is None or waiting.parent() is not parent:
        waiting = _PENDING[id(parent)] = _Waiting(parent, anchor)
    entries = waiting.names.setdefault(name, [])
    entries[:] = [(r, n) for r, n in entries if r is not restore] + [(restore, node_id)]


def note_new_child(parent, name: str, child) -> None:
    """Called by a container when it gains the trackable child `name`: values a restore
    kept for it (deferred restore) are assigned now. Cheap when nothing waits."""
    if not _PENDING:
        return
    waiting = _PENDING.get(id(parent))
    if waiting is None or waiting.parent() is not parent:
        return
    entries = waiting.names.pop(name, None)
    if not waiting.names:
        _forget(id(parent), waiting)
    if entries and is_trackable(child):
        anchor = waiting.anchor_object()
        for restore, node_id in entries:  # oldest first: the latest restore wins
            restore.match(node_id, child, anchor)


def resolve_pending() -> None:
    """Looks again at every waiting parent (for containers that cannot announce additions)."""
    for waiting in list(_PENDING.values()):
        parent = waiting.parent()
        if parent is None:
            continue
        try:
            present = children(parent)
        except ValueError:  # a dict that cannot be saved: it cannot be restored into either
            continue
        for name in [n for n in waiting.names if n in present]:
            note_new_child(parent, name, present[name])


def _on_module_setattr(module, name, value) -> None:
    if _PENDING and is_trackable(value):
        note_new_child(module, name, value)


# tf.Module calls this after each attribute assignment (its only tapeflow.train hook).
tf.Module._tapeflow_on_setattr = _on_module_setattr
