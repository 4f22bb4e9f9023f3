"""`Dataset.interleave`: TF's round-robin order, repr and errors (observed on TF 2.21)."""

import pytest

import tapeflow as tf


def _ds():
    return tf.data.Dataset.range(1, 6)


def _repeat_self(x):
    return tf.data.Dataset.from_tensors(x).repeat(x)


def _order(ds):
    return [int(v) for v in ds.as_numpy_iterator()]


@pytest.mark.parametrize(
    "cycle, block, want",
    [
        # observed on TF 2.21
        (2, 2, [1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 4, 4, 5, 5, 5]),
        (3, 1, [1, 2, 3, 2, 3, 4, 3, 4, 5, 4, 5, 4, 5, 5, 5]),
        (2, None, [1, 2, 2, 3, 3, 4, 3, 4, 4, 5, 4, 5, 5, 5, 5]),
    ],
)
def test_interleave_order(cycle, block, want):
    got = _ds().interleave(_repeat_self, cycle_length=cycle, block_length=block)
    assert _order(got) == want
    assert _order(got) == want  # a second iteration starts over


def test_interleave_default_cycle_is_cpu_count(monkeypatch):
    from tapeflow.data import _dataset

    monkeypatch.setattr(_dataset, "_cpu_count", lambda: 2)
    # observed on TF 2.21 on a 2-CPU machine
    assert _order(_ds().interleave(_repeat_self)) == [
        1, 2, 2, 3, 3, 4, 3, 4, 4, 5, 4, 5, 5, 5, 5,
    ]  # fmt: skip


def test_interleave_repr_spec_and_cardinality():
    ds = _ds().interleave(_repeat_self, cycle_length=2)
    # observed on TF 2.21
    assert repr(ds) == (
        "<_InterleaveDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>"
    )
    assert int(ds.cardinality()) == -2
    par = _ds().interleave(_repeat_self, cycle_length=2, num_parallel_calls=2)
    assert repr(par) == (
        "<_ParallelInterleaveDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>"
    )
    assert _order(par) == _order(ds)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        # observed on TF 2.21 (TF's text also carries a function_node prefix)
        (dict(cycle_length=0), "cycle_length must be greater than zero. [Op:InterleaveDataset]"),
        (dict(cycle_length=-5), "cycle_length must be greater than zero. [Op:InterleaveDataset]"),
        (dict(block_length=0), "block_length must be greater than zero. [Op:InterleaveDataset]"),
    ],
)
def test_interleave_bad_lengths(kwargs, message):
    with pytest.raises(tf.errors.InvalidArgumentError) as err:
        _ds().interleave(_repeat_self, **kwargs)
    assert message in str(err.value)
