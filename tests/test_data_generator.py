"""`Dataset.from_generator` against TF 2.21: every case of
tests/data/tf_data_generator_goldens.json (made by
tools/tf_goldens/make_data_generator_goldens.py under real TF) replayed under tapeflow."""

from __future__ import annotations

import json
import pathlib
import re

import pytest
from test_data_encode import run

import tapeflow as tf

GOLDENS = json.loads(
    (pathlib.Path(__file__).parent / "data" / "tf_data_generator_goldens.json").read_text()
)
CASES = GOLDENS["cases"]


def _message(text: str) -> str:
    # TF's eager errors carry the failing function's node name first and " name: " last.
    text = re.sub(r"^\{\{function_node [^}]*\}\} ", "", text)
    return re.sub(r" name: ?$", "", text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tf(name):
    want = CASES[name]
    tf.random.set_seed(None)  # as the generator runs each case
    try:
        got = run(want["code"], tf)
    finally:
        tf.random.set_seed(None)
    if "error" in want:
        assert got.get("error") == want["error"], got
        assert _message(got["message"]) == _message(want["message"])
    else:
        assert got == {"out": want["out"]}


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
