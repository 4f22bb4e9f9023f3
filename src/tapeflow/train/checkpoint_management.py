"""`tf.train.CheckpointManager`, `latest_checkpoint`, `get_checkpoint_state` and the
directory's `checkpoint` file, written byte for byte as TensorFlow 2.21 writes it (the text
format of its `CheckpointState` proto)."""

from __future__ import annotations

import collections
import glob
import logging
import os
import re
import time

import numpy as np

from ._tracking import _quote

_FIELDS = (
    "model_checkpoint_path",
    "all_model_checkpoint_paths",
    "all_model_checkpoint_timestamps",
    "last_preserved_timestamp",
)


def _logger():
    return logging.getLogger("tapeflow")


def _number(value: float) -> str:
    """A double as protobuf's text format prints it (shortest round trip)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


class CheckpointState:
    """The contents of a `checkpoint` file (TF's `CheckpointState` proto); `str()` is the
    file's text."""

    def __init__(
        self,
        model_checkpoint_path="",
        all_model_checkpoint_paths=(),
        all_model_checkpoint_timestamps=(),
        last_preserved_timestamp=0.0,
    ):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps)
        self.last_preserved_timestamp = last_preserved_timestamp

    def __str__(self) -> str:
        lines = []
        if self.model_checkpoint_path:
            lines.append(f"model_checkpoint_path: {_quote(self.model_checkpoint_path)}")
        lines += [
            f"all_model_checkpoint_paths: {_quote(p)}" for p in self.all_model_checkpoint_paths
        ]
        lines += [
            f"all_model_checkpoint_timestamps: {_number(t)}"
            for t in self.all_model_checkpoint_timestamps
        ]
        if self.last_preserved_timestamp:
            lines.append(f"last_preserved_timestamp: {_number(self.last_preserved_timestamp)}")
        return "".join(line + "\n" for line in lines)

    __repr__ = __str__


_LINE = re.compile(r'\s*(\w+)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|([-+0-9.eEinfa]+))\s*$')
_ESCAPE = re.compile(r"\\([0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)")
_SIMPLE = {"n": b"\n", "r": b"\r", "t": b"\t", "\\": b"\\", '"': b'"', "'": b"'", "a": b"\a",
           "b": b"\b", "f": b"\f", "v": b"\v", "?": b"?"}  # fmt: skip


def _unquote(text: str) -> str:
    def one(m):
        code = m.group(1)
        if code[0] in "01234567":
            return bytes([int(code, 8) & 255])
        if code[0] == "x":
            return bytes([int(code[1:], 16)])
        return _SIMPLE.get(code, code.encode("utf-8"))

    out, pos = b"", 0
    for m in _ESCAPE.finditer(text):
        out += text[pos : m.start()].encode("utf-8") + one(m)
        pos = m.end()
    return (out + text[pos:].encode("utf-8")).decode("utf-8", errors="replace")


class _ParseError(ValueError):
    pass


def _parse(text: str) -> CheckpointState:
    state = CheckpointState()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _LINE.match(line)
        if not m or m.group(1) not in _FIELDS:
            raise _ParseError(f"{number}:1 : Message type \"tensorflow.CheckpointState\" "
                              f"could not parse: {line.strip()!r}.")  # fmt: skip
        field, string, value = m.groups()
        if field == "model_checkpoint_path":
            state.model_checkpoint_path = _unquote(string or "")
        elif field == "all_model_checkpoint_paths":
            state.all_model_checkpoint_paths.append(_unquote(string or ""))
        elif field == "all_model_checkpoint_timestamps":
            state.all_model_checkpoint_timestamps.append(float(value))
        else:
            state.last_preserved_timestamp = float(value)
    return state


def _state_file(save_dir: str, latest_filename=None) -> str:
    return os.path.join(save_dir, latest_filename or "checkpoint")


def _relative(path: str, save_dir: str) -> str:
    return os.path.relpath(path, save_dir or os.curdir)


def update_checkpoint_state_internal(
    save_dir,
    model_checkpoint_path,
    all_model_checkpoint_paths=None,
    latest_filename=None,
    save_relative_paths=False,
    all_model_checkpoint_timestamps=None,
    last_preserved_timestamp=None,
) -> None:
    """Writes the directory's `checkpoint` file (atomically), as TF does."""
    paths = list(all_model_checkpoint_paths or [])
    if save_relative_paths:
        if os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = _relative(model_checkpoint_path, save_dir)
        paths = [_relative(p, save_dir) if os.path.isabs(p) else p for p in paths]
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    timestamps = list(all_model_checkpoint_timestamps or [])
    if timestamps and len(timestamps) != len(paths):
        raise ValueError(
            "Checkpoint timestamps, if provided, must match checkpoint paths (got paths "
            f"{paths} and timestamps {timestamps})"
        )
    if not os.path.isabs(save_dir):
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = _relative(model_checkpoint_path, save_dir)
        paths = [p if os.path.isabs(p) else _relative(p, save_dir) for p in paths]
    state = CheckpointState(model_checkpoint_path, paths, timestamps, last_preserved_timestamp)
    filename = _state_file(save_dir, latest_filename)
    if filename == state.model_checkpoint_path:
        raise RuntimeError(
            f"Save path '{model_checkpoint_path}' conflicts with path used for checkpoint "
            "state.  Please use a different save path."
        )
    temporary = f"{filename}.tmp{os.getpid()}"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(str(state))
    os.replace(temporary, filename)


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The directory's `CheckpointState` (paths joined to `checkpoint_dir`), or None.

    Raises:
      ValueError: if the file has no `model_checkpoint_path`.
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    filename = _state_file(checkpoint_dir, latest_filename)
    if not os.path.isfile(filename):
        return None
    try:
        with open(filename, encoding="utf-8") as f:
            state = _parse(f.read())
    except (OSError, UnicodeDecodeError, _ParseError) as e:
        _logger().warning("%s: %s", type(e).__name__, e)
        _logger().warning("%s: Checkpoint ignored", filename)
        return None
    if not state.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + checkpoint_dir)
    if not os.path.isabs(state.model_checkpoint_path):
        state.model_checkpoint_path = os.path.join(checkpoint_dir, state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [
        p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)
        for p in state.all_model_checkpoint_paths
    ]
    return state


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint recorded in `checkpoint_dir`'s `checkpoint` file,
    or None (no directory, no file, or its files are gone: TF logs an error then)."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state and state.model_checkpoint_path:
        path = state.model_checkpoint_path
        if glob.glob(glob.escape(path) + ".index") or glob.glob(glob.escape(path)):
            return path
        _logger().error("Couldn't match files for checkpoint %s", path)
    return None


def _delete_file_if_exists(pattern: str) -> None:
    for path in glob.glob(pattern):
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def _evaluate(value):
    value = value.numpy() if hasattr(value, "numpy") else value
    return np.asarray(value).item()


class CheckpointManager:
    """Keeps the newest `max_to_keep` checkpoints of a `Checkpoint` in `directory`.

    `save()` writes `directory/checkpoint_name-N` (N = the checkpoint's `save_counter`, or
    `checkpoint_number`), deletes the oldest files beyond `max_to_keep` (unless preserved by
    `keep_checkpoint_every_n_hours`) and rewrites the `checkpoint` file. A manager created
    on a directory that has one picks up its checkpoints. TF 2.21's signature:
    `max_to_keep` has no default.

    Raises:
      ValueError: `max_to_keep` not positive or None; `checkpoint_interval` without
        `step_counter` (TF's texts).
    """

    def __init__(
        self,
        checkpoint,
        directory,
        max_to_keep,
        keep_checkpoint_every_n_hours=None,
        checkpoint_name="ckpt",
        step_counter=None,
        checkpoint_interval=None,
        init_fn=None,
        last_checkpoint_step=None,
    ):
        self._checkpoint = checkpoint
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(
                f"Expected a positive integer or `None` for `max_to_keep`, got {int(max_to_keep)}."
            )
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        directory = os.fspath(directory)
        self._directory = directory
        self._checkpoint_prefix = os.path.join(directory, checkpoint_name)
        self._init_fn = init_fn
        if checkpoint_interval is not None:
            if step_counter is None:
                raise ValueError(
                    "`step_counter` should be passed if `checkpoint_interval` is not None."
                )
            self._last_checkpoint_step = last_checkpoint_step
            self._step_counter = step_counter
        self._checkpoint_interval = checkpoint_interval

        recovered = get_checkpoint_state(directory)
        now = time.time()
        self._maybe_delete = collections.OrderedDict()
        if recovered is None:
            self._latest_checkpoint = None
            # A little in the past, as TF does, against races when managers are recreated.
            self._last_preserved_timestamp = now - 1.0
        else:
            self._latest_checkpoint = recovered.model_checkpoint_path
            self._last_preserved_timestamp = recovered.last_preserved_timestamp
            if now < self._last_preserved_timestamp:
                _logger().warning(
                    "time.time() returned a value %f seconds behind the last preserved "
                    "checkpoint timestamp.",
                    self._last_preserved_timestamp - now,
                )
                self._last_preserved_timestamp = now
            paths = recovered.all_model_checkpoint_paths
            timestamps = recovered.all_model_checkpoint_timestamps or [
                self._last_preserved_timestamp
            ] * len(paths)
            for filename, timestamp in zip(paths, timestamps):
                timestamp = min(timestamp, now)
                if timestamp > self._last_preserved_timestamp:
                    self._maybe_delete[filename] = timestamp

    @property
    def directory(self) -> str:
        return self._directory

    @property
    def checkpoint_interval(self):
        return self._checkpoint_interval

    @property
    def latest_checkpoint(self):
        """The newest checkpoint's prefix, or None."""
        return self._latest_checkpoint

    @property
    def checkpoints(self) -> list:
        """The managed checkpoints, oldest first (those kept by the hours rule excluded)."""
        return list(self._maybe_delete.keys())

    @property
    def checkpoint(self):
        return self._checkpoint

    def _sweep(self) -> None:
        if not self._max_to_keep:
            return
        while len(self._maybe_delete) > self._max_to_keep:
            filename, timestamp = self._maybe_delete.popitem(last=False)
            hours = self._keep_checkpoint_every_n_hours
            if hours and timestamp - hours * 3600.0 >= self._last_preserved_timestamp:
                self._last_preserved_timestamp = timestamp
                continue
            _delete_file_if_exists(glob.escape(filename) + ".index")
            _delete_file_if_exists(glob.escape(filename) + ".data-?????-of-?????")

    def _record_state(self) -> None:
        filenames, timestamps = zip(*self._maybe_delete.items())
        update_checkpoint_state_internal(
            self._directory,
            model_checkpoint_path=self.latest_checkpoint,
            all_model_checkpoint_paths=list(filenames),
            all_model_checkpoint_timestamps=list(timestamps),
            last_preserved_timestamp=self._last_preserved_timestamp,
            save_relative_paths=True,
        )

    def save(self, checkpoint_number=None, check_interval=True, options=None):
        """Saves a new checkpoint, deletes old ones; returns its path (None when
        `checkpoint_interval` says it is too early, or this step is already saved).

        `checkpoint_number` (an int, or an integer variable/tensor) names the file instead
        of `save_counter`, which is incremented anyway.
        """
        if self._checkpoint_interval is not None:
            step = _evaluate(self._step_counter)
            if self._last_checkpoint_step is not None:
                if step == self._last_checkpoint_step:
                    return None
                if check_interval and step < self._last_checkpoint_step + self._checkpoint_interval:
                    return None
            self._last_checkpoint_step = step
        counter = self._checkpoint.save_counter
        counter.assign_add(1)
        if checkpoint_number is None:
            checkpoint_number = counter
        if not isinstance(checkpoint_number, int):
            checkpoint_number = _evaluate(checkpoint_number)
        prefix = f"{self._checkpoint_prefix}-{int(checkpoint_number)}"

        def record_and_sweep(save_path):
            if save_path in self._maybe_delete:
                del self._maybe_delete[save_path]  # to the end of the queue
            self._maybe_delete[save_path] = time.time()
            self._latest_checkpoint = save_path
            # The new checkpoint is recorded before old files go, then again without them.
            self._record_state()
            self._sweep()
            self._record_state()

        callbacks = list(getattr(options, "experimental_write_callbacks", None) or ())
        return self._checkpoint._write(prefix, callbacks + [record_and_sweep])

    def restore_or_initialize(self):
        """Restores the latest checkpoint (returning its path), or calls `init_fn` and
        returns None when the directory has none."""
        if self._latest_checkpoint is not None:
            self._checkpoint.restore(self._latest_checkpoint)
            if self._checkpoint_interval is not None:
                self._last_checkpoint_step = _evaluate(self._step_counter)
            return self._latest_checkpoint
        if self._init_fn is not None:
            self._init_fn()
            _logger().info("Customized initialization is done through the passed `init_fn`.")
        return None

    def sync(self) -> None:
        """Does nothing: saves are synchronous."""
