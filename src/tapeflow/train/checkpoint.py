"""`tf.train.Checkpoint`: object-based saving and restoring, as TensorFlow 2.21 does it.

Names, numbering, the `checkpoint` state file, status objects and messages are TF's; the
file payload tapeflow writes is its own (see `_format`), which TensorFlow cannot read;
tapeflow reads TensorFlow's checkpoints too (`_tf_bundle`). What is tracked is defined in
`_tracking`.
"""

from __future__ import annotations

import collections
import inspect
import logging
import os
import weakref

import tapeflow as tf

from . import _format, _tracking
from ._tracking import children, is_trackable, variable_of


class CheckpointOptions:
    """Options for `Checkpoint.save`/`write`/`restore`/`read`, TF's signature.

    tapeflow writes one local file set synchronously, so the device, async and sharding
    options are accepted and have no effect; `experimental_write_callbacks` are called with
    the written path (or with no argument if they take none), as TF does.
    """

    def __init__(
        self,
        experimental_io_device=None,
        experimental_enable_async_checkpoint=False,
        experimental_write_callbacks=None,
        enable_async=False,
        experimental_skip_slot_variables=False,
        experimental_sharding_callback=None,
    ):
        self.experimental_io_device = experimental_io_device
        self.experimental_enable_async_checkpoint = experimental_enable_async_checkpoint
        self.enable_async = enable_async
        self.experimental_write_callbacks = experimental_write_callbacks
        self.experimental_skip_slot_variables = experimental_skip_slot_variables
        self.experimental_sharding_callback = experimental_sharding_callback


def _run_callback(callback, save_path: str) -> None:
    try:
        takes_path = bool(inspect.signature(callback).parameters)
    except (TypeError, ValueError):
        takes_path = True
    if takes_path:
        callback(save_path)
    else:
        callback()


def _assert_trackable(obj, name: str) -> None:
    if not is_trackable(obj):
        raise ValueError(
            f"`Checkpoint` was expecting {name} to be a trackable object (an object derived "
            f"from `Trackable`), got {obj}. If you believe this object should be trackable "
            "(i.e. it is part of the TensorFlow Python API and manages state), please open "
            "an issue."
        )


def _logger():
    return logging.getLogger("tapeflow")


# ---------------------------------------------------------------------------- restoring
class _Unrestored:
    """What a restore left unused; logs TF's warnings when the restore is garbage collected
    (TF's `_CheckpointRestoreCoordinatorDeleter`), unless `expect_partial()` was called."""

    def __init__(self, nodes: list):
        self.nodes = nodes
        self.matched: set = set()
        self.expect_partial = False

    def __call__(self) -> None:
        if self.expect_partial:
            return
        unused = [
            i
            for i, node in enumerate(self.nodes)
            if node.get("attributes") and i not in self.matched
        ]
        if not unused:
            return
        log = _logger().warning
        log(
            "Detecting that an object or model or tf.train.Checkpoint is being deleted with "
            "unrestored values. See the following logs for the specific values in question. "
            "To silence these warnings, use `status.expect_partial()`. See "
            "https://www.tensorflow.org/api_docs/python/tf/train/Checkpoint#restorefor details "
            "about the status object returned by the restore function."
        )  # TF's text, its missing space after "#restore" included
        names = _tracking.node_names(self.nodes)
        for i in unused:
            log("Value in checkpoint could not be found in the restored object: %s", names[i])


class _Restore:
    """One `read`/`restore` call (TF's restore coordinator): matches checkpoint nodes to
    Python objects, assigns values, and keeps what has no object yet (deferred restore)."""

    def __init__(self, reader: _format.CheckpointReader):
        self.reader = reader
        self.nodes = reader.object_graph
        self._bound: dict = {}  # node id -> reference to the Python object
        self.unrestored = _Unrestored(self.nodes)
        weakref.finalize(self, self.unrestored)

    def bound(self, node_id: int):
        ref = self._bound.get(node_id)
        return None if ref is None else ref()

    def bound_object_ids(self) -> set:
        return {id(o) for o in (r() for r in self._bound.values()) if o is not None}

    def _value(self, key: str, obj):
        variable = variable_of(obj)
        saved = self.reader.dtype_name(key)
        dtype = variable.dtype.name
        if saved != dtype:
            raise tf.errors.InvalidArgumentError(
                None,
                None,
                "{{function_node __wrapped__RestoreV2_dtypes_1_device_/job:localhost/replica:0"
                f"/task:0/device:CPU:0}}}} tensor_name = {key}; expected dtype "
                f"{_format.tf_dtype_string(dtype)} does not equal original dtype "
                f"{_format.tf_dtype_string(saved)} [Op:RestoreV2]",
            )
        value = self.reader.view(key)  # assign copies it
        shape = tuple(variable.shape.as_list())
        if tuple(getattr(value, "shape", ())) != shape:
            raise ValueError(
                f"Received incompatible tensor with shape {tuple(value.shape)} when attempting "
                f"to restore variable with shape {shape} and name {variable.name}."
            )
        return value

    def match(self, node_id: int, obj, anchor=None) -> None:
        """Binds checkpoint node `node_id` (and its subtree) to `obj`; assigns the values.

        `anchor` is the nearest weakly referable ancestor of `obj` (see `_tracking._Waiting`).
        Everything is checked before anything is assigned: a dtype or shape error leaves
        every variable as it was.
        """
        queue = collections.deque([(node_id, obj, anchor)])
        seen = set()
        bound, assigns, states, waits = [], [], [], []
        while queue:
            nid, current, anchor = queue.popleft()
            if nid in seen or self.bound(nid) is current:
                continue
            seen.add(nid)
            if _tracking.weakrefable(current):
                anchor = current
            node = self.nodes[nid]
            if node.get("attributes"):
                if variable_of(current) is not None:
                    assigns.append((current, node["attributes"][0]["checkpoint_key"]))
                elif _tracking.has_state(current):
                    states.append((current, node["attributes"]))
                else:
                    continue  # the checkpoint holds a value where Python has a container
            bound.append((nid, current))
            if not node["children"]:
                continue
            present = children(current)
            owner = getattr(current, "_checkpoint_owner", None)
            for name, child in node["children"]:
                if name in present:
                    queue.append((child, present[name], anchor))
                else:
                    waits.append((owner(name) if owner else current, name, child, anchor))
        # As in TF, a value that fails its checks still counts as found (no warning for it).
        self.unrestored.matched.update(nid for nid, _ in bound)
        values = [(target, self._value(key, target)) for target, key in assigns]
        saved_states = [
            (target, {a["name"]: self.reader.get_tensor(a["checkpoint_key"]) for a in attributes})
            for target, attributes in states
        ]
        for nid, current in bound:
            self._bound[nid] = _tracking._ref(current)
        for parent, name, child, anchor in waits:
            _tracking.defer(parent, name, self, child, anchor)
        for target, value in values:
            target.assign(value)
        for target, state in saved_states:
            target._restore_checkpoint_state(state)


class CheckpointLoadStatus:
    """What `Checkpoint.restore(path)` returns: assertions about how the restore matched."""

    def __init__(self, restore: _Restore, root):
        self._restore = restore
        self._root = root  # TF's statuses keep the root alive

    def assert_consumed(self):
        """Asserts every checkpointed value found an object and every object a value.

        Raises:
          AssertionError: TF's "Unresolved object in checkpoint ..." text, or
            `assert_existing_objects_matched`'s.
        """
        self.assert_existing_objects_matched()
        restore = self._restore
        for i, node in enumerate(restore.nodes):
            if node.get("attributes") and restore.bound(i) is None:
                name = _tracking.node_names(restore.nodes)[i]
                raise AssertionError(
                    f"Unresolved object in checkpoint {name}: {_tracking.node_text(node)}"
                )
        return self

    def _unmatched_objects(self) -> list:
        _tracking.resolve_pending()
        bound = self._restore.bound_object_ids()
        graph = _tracking.ObjectGraph(self._root)
        return [obj for _, obj in graph.leaves() if id(obj) not in bound]

    def assert_existing_objects_matched(self):
        """Asserts every variable that exists now got a value (objects not created yet, such
        as an unbuilt layer's weights, are not checked).

        Raises:
          AssertionError: "Found N Python objects that were not bound to checkpointed
            values, ...", listing at most 10 of them.
        """
        unused = self._unmatched_objects()
        if unused:
            shown = min(10, len(unused))
            raise AssertionError(
                f"Found {len(unused)} Python objects that were not bound to checkpointed "
                "values, likely due to changes in the Python program. Showing "
                f"{shown} of {len(unused)} unmatched objects: {unused[:shown]}"
            )
        return self

    def assert_nontrivial_match(self):
        """Asserts something besides the root object matched."""
        unused = self._unmatched_objects()
        live = sum(1 for i in list(self._restore._bound) if self._restore.bound(i) is not None)
        if live <= 1:
            if unused:
                raise AssertionError(
                    "Nothing except the root object matched a checkpointed value. Typically "
                    "this means that the checkpoint does not match the Python program. The "
                    f"following objects have no matching checkpointed value: {unused}"
                )
            raise AssertionError(
                f"Nothing to load. No dependencies have been added to {self._root} yet."
            )
        return self

    def expect_partial(self):
        """Silences the warnings about unused checkpoint values logged at deletion."""
        self._restore.unrestored.expect_partial = True
        return self

    def run_restore_ops(self, session=None):
        """Does nothing: restoring is eager (TF's eager behaviour)."""
        return None

    def initialize_or_restore(self, session=None):
        """Does nothing: restoring is eager (TF's eager behaviour)."""
        return None


class InitializationOnlyStatus:
    """What `Checkpoint.restore(None)` returns; its assertions always fail, as TF's."""

    _NOTHING = "No checkpoint specified (save_path=None); nothing is being restored."

    def __init__(self, root):
        self._root = root

    def assert_consumed(self):
        raise AssertionError(self._NOTHING)

    def assert_existing_objects_matched(self):
        raise AssertionError(self._NOTHING)

    def assert_nontrivial_match(self):
        raise AssertionError(self._NOTHING)

    def run_restore_ops(self, session=None):
        raise AssertionError(
            "No checkpoint specified, so no restore ops are available "
            "(save_path=None to Saver.restore)."
        )

    def initialize_or_restore(self, session=None):
        """Does nothing: variables are initialized when created (eager)."""
        return None

    def expect_partial(self):
        return self


# ---------------------------------------------------------------------------- Checkpoint
class Checkpoint:
    """Saves and restores trackable objects: `tf.train.Checkpoint(root=None, **kwargs)`.

    Keyword arguments (variables, `tf.Module`s, Keras objects, lists/dicts of them, other
    Checkpoints) become named children, in sorted order; attributes assigned later are
    tracked too. `save(prefix)` writes `prefix-N` (N from `save_counter`) and updates the
    directory's `checkpoint` file; `write(prefix)` writes `prefix` only. `restore(path)`
    assigns saved values by attribute path, including into objects created afterwards
    (deferred restore). Files are named as TF names them but hold tapeflow's own format
    (not TF's TensorBundle), which TensorFlow cannot read; `restore` also reads checkpoints
    that TensorFlow wrote.

    Raises:
      ValueError: if `root` or a keyword argument is not trackable (TF's text).
    """

    def __init__(self, root=None, **kwargs):
        object.__setattr__(self, "_tracked", {})
        object.__setattr__(self, "_save_counter", None)
        object.__setattr__(self, "_root_object", None)
        root_children = {}
        if root is not None:
            target = root() if isinstance(root, weakref.ref) else root
            _assert_trackable(target, "root")
            object.__setattr__(self, "_root_object", target)
            root_children = children(target)
            existing = root_children.get("save_counter")
            if isinstance(existing, tf.Variable):
                object.__setattr__(self, "_save_counter", existing)
        for name, value in sorted(kwargs.items(), key=lambda item: item[0]):
            setattr(self, name, value)
            _assert_trackable(value, name)
            if root is not None and name in root_children and root_children[name] is not value:
                raise ValueError(
                    f"Cannot create a Checkpoint with keyword argument {name} if "
                    f"root.{name} already exists."
                )

    # -- tracking ------------------------------------------------------------------------
    def __setattr__(self, name: str, value) -> None:
        object.__setattr__(self, name, value)
        if name.startswith("_"):
            return
        if is_trackable(value):
            self._tracked[name] = value
            _tracking.note_new_child(self, name, value)
        else:
            self._tracked.pop(name, None)

    def __delattr__(self, name: str) -> None:
        object.__delattr__(self, name)
        self._tracked.pop(name, None)

    def _checkpoint_children(self) -> dict:
        if self._root_object is None:
            return dict(self._tracked)
        out = children(self._root_object)
        for name, value in self._tracked.items():
            out.setdefault(name, value)
        return out

    def _checkpoint_owner(self, name: str):
        """The object that will gain child `name` (the root's attributes live on the root)."""
        if self._root_object is None or name in self._tracked or name == "save_counter":
            return self
        return self._root_object

    @property
    def save_counter(self):
        """An int64 variable, 0 at first, incremented by each `save()` (numbers the files)."""
        if self._save_counter is None:
            counter = tf.Variable(0, dtype=tf.int64, name="save_counter", trainable=False)
            object.__setattr__(self, "_save_counter", counter)
            self._tracked["save_counter"] = counter
            _tracking.note_new_child(self, "save_counter", counter)
        return self._save_counter

    # -- saving --------------------------------------------------------------------------
    def _write(self, file_prefix: str, callbacks=()) -> str:
        nodes, values, dtypes = _tracking.ObjectGraph(self).serialize()
        _format.write(file_prefix, values, dtypes, nodes)
        for callback in callbacks:
            _run_callback(callback, file_prefix)
        return file_prefix

    @staticmethod
    def _callbacks(options) -> list:
        return list(getattr(options, "experimental_write_callbacks", None) or ())

    def write(self, file_prefix, options=None) -> str:
        """Writes the checkpoint to `file_prefix` exactly (no number, no `checkpoint` file,
        `save_counter` untouched); returns `file_prefix`."""
        return self._write(os.fspath(file_prefix), self._callbacks(options))

    def save(self, file_prefix, options=None) -> str:
        """Increments `save_counter`, writes `f"{file_prefix}-{save_counter}"` and records it
        as the latest checkpoint in the directory's `checkpoint` file; returns the path."""
        from .checkpoint_management import update_checkpoint_state_internal

        file_prefix = os.fspath(file_prefix)
        number = int(self.save_counter.assign_add(1).numpy())

        def record(path):
            update_checkpoint_state_internal(
                save_dir=os.path.dirname(path),
                model_checkpoint_path=path,
                all_model_checkpoint_paths=[path],
                save_relative_paths=True,
            )

        return self._write(f"{file_prefix}-{number}", self._callbacks(options) + [record])

    # -- restoring -----------------------------------------------------------------------
    def read(self, save_path, options=None):
        """Restores from a checkpoint written with `write` (does not create `save_counter`).

        Returns:
          A `CheckpointLoadStatus` (`InitializationOnlyStatus` for `save_path=None`).
        """
        if save_path is None:
            return InitializationOnlyStatus(self)
        reader = _format.CheckpointReader(os.fspath(save_path))
        restore = _Restore(reader)
        restore.match(0, self)
        return CheckpointLoadStatus(restore, self)

    def restore(self, save_path, options=None):
        """Restores the values saved at `save_path` (a prefix such as `./ckpts/ckpt-3`).

        Values for objects that do not exist yet are assigned when they are created. Use
        the returned status' `assert_consumed()` / `assert_existing_objects_matched()` /
        `assert_nontrivial_match()` to check the match, or `expect_partial()` to silence the
        warnings a partial restore logs when it is garbage collected.

        Raises:
          NotFoundError: no checkpoint at `save_path` (TF's text).
        """
        original = save_path
        try:
            status = self.read(save_path, options)
        except tf.errors.NotFoundError as e:
            raise tf.errors.NotFoundError(
                None,
                None,
                f"Error when restoring from checkpoint or SavedModel at {original}: "
                f"{e.message}\nPlease double-check that the path is correct. You may be "
                "missing the checkpoint suffix (e.g. the '-1' in 'path/to/ckpt-1').",
            ) from None
        self.save_counter  # noqa: B018 - TF creates it here, so it gets its saved value
        return status

    def sync(self) -> None:
        """Does nothing: tapeflow writes synchronously."""
