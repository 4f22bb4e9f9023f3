"""Random ops inside tf.data functions draw as in TF's traced graphs, and `Dataset.random`
gives TF's words: every case of
tests/data/tf_data_random_goldens.json (made by tools/tf_goldens/make_data_random_goldens.py
under TF 2.21) replayed under tapeflow, bit for bit."""

from __future__ import annotations

import json
import pathlib

import pytest
from test_data_encode import run

import tapeflow as tf
import tapeflow.ops.graph_seeds as graph_seeds

GOLDENS = json.loads(
    (pathlib.Path(__file__).parent / "data" / "tf_data_random_goldens.json").read_text()
)
CASES = GOLDENS["cases"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tf(name):
    want = CASES[name]
    tf.random.set_seed(None)
    try:
        got = run(want["code"], tf)
    finally:
        tf.random.set_seed(None)
    if "error" in want:
        assert (got.get("error"), got.get("message")) == (want["error"], want["message"])
    else:
        assert got == {"out": want["out"]}


def test_the_goldens_are_tfs():
    assert GOLDENS["tensorflow"].startswith("2.21")
    # TF's rule, seen in the recording: a map's first unseeded op is op seed 0.
    a, b = CASES["map_is_op_seed_zero"]["out"]["tuple"]
    assert a == b


def test_a_failing_function_leaves_no_function_seeds_behind():
    tf.random.set_seed(1)

    def fails(x):
        tf.random.uniform([])
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        list(tf.data.Dataset.range(2).map(fails))
    assert graph_seeds.current is None
    # the eager op-seed sequence is where set_seed left it
    first = float(tf.random.uniform([]))
    tf.random.set_seed(1)
    assert float(tf.random.uniform([])) == first
    tf.random.set_seed(None)


def test_a_function_inside_a_function_has_its_own_seeds():
    tf.random.set_seed(1)
    inner = tf.data.Dataset.range(2).map(lambda x: tf.random.uniform([]))
    outer = tf.data.Dataset.range(2).map(
        lambda x: (tf.random.uniform([]), inner.reduce(0.0, lambda s, y: s + y))
    )
    values = [(float(a), float(b)) for a, b in outer]
    first_two = [float(v) for v in inner]
    # each op seed 0 of global seed 1: the outer op draws on per element, the inner dataset's
    # iterator restarts for every reduce
    assert values[0][0] == first_two[0] and values[1][0] == first_two[1]
    assert values[0][1] == values[1][1] == pytest.approx(sum(first_two))
    assert graph_seeds.current is None
    tf.random.set_seed(None)
