"""`Dataset.from_generator` against TF 2.21: every case of
tests/data/tf_data_generator_goldens.json (made by
tools/tf_goldens/make_data_generator_goldens.py under real TF) replayed under tapeflow."""

from __future__ import annotations

import json
import pathlib

import pytest
from test_data_encode import check_golden

import tapeflow as tf

GOLDENS = json.loads(
    (pathlib.Path(__file__).parent / "data" / "tf_data_generator_goldens.json").read_text()
)
CASES = GOLDENS["cases"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tf(name):
    check_golden(CASES[name], tf)


def test_a_generator_error_keeps_its_traceback_and_tfs_tail():
    def g():
        yield 1
        raise ValueError("boom")

    it = iter(tf.data.Dataset.from_generator(g, output_signature=tf.TensorSpec([], tf.int32)))
    next(it)
    with pytest.raises(tf.errors.InvalidArgumentError) as e:
        next(it)
    text = str(e.value)
    assert text.startswith("ValueError: boom\nTraceback (most recent call last):")
    assert 'raise ValueError("boom")' in text
    assert text.endswith("ValueError: boom\n\n\n\t [[{{node PyFunc}}]] [Op:IteratorGetNext]")
    assert isinstance(e.value.__cause__, ValueError)
