"""`tf.data.Options`, `with_options` and `options()` against TF 2.21: every case of
tests/data/tf_data_options_goldens.json (made by tools/tf_goldens/make_data_options_goldens.py
under real TF) replayed under tapeflow."""

from __future__ import annotations

import json
import logging
import pathlib
import re

import pytest
from test_data_encode import check_golden, eager_message

import tapeflow as tf

GOLDENS = json.loads(
    (pathlib.Path(__file__).parent / "data" / "tf_data_options_goldens.json").read_text()
)
CASES = GOLDENS["cases"]


def _message(text: str) -> str:
    """TF's text with its eager wrapper and module paths as tapeflow has them."""
    text = re.sub(r"object at 0x[0-9a-f]+", "object at 0x", eager_message(text))
    return text.replace("tensorflow.python.data.ops.options.", "tapeflow.data._options.")


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tf(name):
    check_golden(CASES[name], tf, _message)


def test_a_conflicting_merge_logs_tfs_warning(caplog):
    a, b = tf.data.Options(), tf.data.Options()
    a.deterministic, b.deterministic = False, True
    with caplog.at_level(logging.WARNING, logger="tapeflow"):
        merged = tf.data.Dataset.range(2).with_options(a).with_options(b).options()
    assert merged.deterministic is True
    # observed on TF 2.21 (absl's logger there)
    assert caplog.messages == ["Changing the value of option deterministic from False to True."]


def test_a_planned_pipeline_stays_planned_through_options():
    d = tf.data.Dataset.from_tensor_slices([1, 2, 3]).with_options(tf.data.Options())
    assert d._plan() is not None and d.shuffle(3, seed=1)._plan() is not None
    assert [b.numpy().tolist() for b in d.batch(2)] == [[1, 2], [3]]
