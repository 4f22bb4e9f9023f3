"""`Dataset.cache(filename)` against TF 2.21: every case of tests/data/tf_data_cache_goldens.json
(made by tools/tf_goldens/make_data_cache_goldens.py under real TF) replayed under tapeflow,
plus what the goldens cannot hold (the warning TF logs from C++, tapeflow's own contents)."""

from __future__ import annotations

import json
import logging
import os
import pathlib
import shutil
import tempfile

import numpy as np
import pytest
from test_data_encode import run

import tapeflow as tf

GOLDENS = json.loads(
    (pathlib.Path(__file__).parent / "data" / "tf_data_cache_goldens.json").read_text()
)
CASES = GOLDENS["cases"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tf(name, monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the cases' mkdtemp()
    want = CASES[name]
    got = run(want["code"], tf)
    assert "error" not in want and got == {"out": want["out"]}


def test_a_partial_iteration_logs_tfs_warning(tmp_path, caplog):
    d = tf.data.Dataset.range(5).cache(str(tmp_path / "c"))
    with caplog.at_level(logging.WARNING, logger="tapeflow"):
        it = iter(d)
        next(it)
        del it
    # TF 2.21 logs this text (from C++, so not in the goldens; its double space too)
    assert caplog.messages == [
        "The calling iterator did not fully read the dataset being cached. In order to avoid "
        "unexpected truncation of the dataset, the partially cached contents of the dataset  "
        "will be discarded. This can happen if you have an input pipeline similar to "
        "`dataset.cache().take(k).repeat()`. You should use `dataset.take(k).cache().repeat()` "
        "instead."
    ]
    assert os.listdir(tmp_path) == []


def test_a_failing_input_leaves_no_lock_and_no_cache(tmp_path):
    def boom(x):
        if x == 2:
            raise ValueError("boom")
        return x

    d = tf.data.Dataset.range(4).map(boom).cache(str(tmp_path / "c"))
    with pytest.raises(ValueError, match="boom"):
        list(d)
    assert os.listdir(tmp_path) == []


def test_the_files_are_tapeflows_own_and_survive_the_process(tmp_path):
    prefix = str(tmp_path / "c")
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    list(tf.data.Dataset.from_tensor_slices((x, np.arange(6))).cache(prefix))
    index = json.loads((tmp_path / "c.index").read_text())
    assert index == {"format": "tapeflow tf.data cache 1", "elements": 6,
                     "layout": ["stacked", "stacked"]}  # fmt: skip
    with np.load(tmp_path / "c.data-00000-of-00001", allow_pickle=False) as data:
        np.testing.assert_array_equal(data["c0"], x)
    # a new pipeline (as in a new process) reads them without running its input
    never = tf.data.Dataset.range(6).map(lambda i: (tf.zeros([2]), i))
    got = [(a.numpy(), int(b)) for a, b in never.cache(prefix)]
    assert [b for _, b in got] == list(range(6))
    np.testing.assert_array_equal(np.stack([a for a, _ in got]), x)


def test_a_cache_tf_wrote_is_refused_with_a_clear_error(tmp_path):
    (tmp_path / "c.index").write_bytes(b"\x00\x01 TensorBundle")
    shutil.copy(tmp_path / "c.index", tmp_path / "c.data-00000-of-00001")
    with pytest.raises(tf.errors.DataLossError, match="not a cache tapeflow wrote"):
        list(tf.data.Dataset.range(2).cache(str(tmp_path / "c")))


def test_an_index_without_its_data_file_is_data_loss(tmp_path):
    list(tf.data.Dataset.range(3).cache(str(tmp_path / "c")))
    (tmp_path / "c.data-00000-of-00001").unlink()
    with pytest.raises(tf.errors.DataLossError, match="missing or not a tapeflow cache"):
        list(tf.data.Dataset.range(3).cache(str(tmp_path / "c")))
