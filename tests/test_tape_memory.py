"""The tape keeps only the values the backward pass reads (ops' `keeps=`).

Pruning applies to arrays of at least `tape.PRUNE_MIN_SIZE` elements; with the
threshold at 0, every op that declares `keeps` must still give exact first and
second order gradients, so a wrong declaration fails here.
"""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from gradcheck import check_first_order, check_second_order
from registry_cases import CASES, case_fn, diff_inputs

import tapeflow as tf
from tapeflow._core import tape as tape_module

PRUNED = [p for p in CASES if p.values[0].keeps is not None]


@pytest.fixture
def prune_everything(monkeypatch):
    monkeypatch.setattr(tape_module, "PRUNE_MIN_SIZE", 0)


@pytest.mark.parametrize("op, case, label", PRUNED)
def test_gradients_are_exact_with_pruned_values(op, case, label, prune_everything):
    fn, diff, label = case_fn(op, case), diff_inputs(case), f"{label}, values pruned"
    check_first_order(fn, case.inputs, diff, np.random.default_rng(1), label=label)
    check_second_order(fn, case.inputs, diff, np.random.default_rng(2), label=label)


def test_constant_factor_and_intermediate_sums_are_not_kept():
    x = tf.constant(np.ones(100_000, dtype=np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        scaled = x * 0.9  # Mul keeps its other operand only: 0.9, not x
        added = tf.sin(scaled) + x  # Add keeps nothing
        y = tf.reduce_sum(tf.tanh(added))  # tanh keeps its output, sum nothing
    refs = [weakref.ref(t) for t in (added,)]
    x_entry_value = tape_module.Entry(*tape._tape.entries[0]).inputs[0]._value
    assert x_entry_value.strides == (0,)  # a stand-in: no data
    del scaled, added
    gc.collect()
    assert all(r() is None for r in refs)
    g = tape.gradient(y, x)
    expected = np.cos(0.9) * 0.9 + 1.0
    expected *= 1 - np.tanh(np.sin(0.9) + 1.0) ** 2
    np.testing.assert_allclose(g.numpy(), np.full(100_000, expected, np.float32), rtol=1e-5)


def test_a_long_tape_raises_the_gc_threshold_until_recording_ends():
    before = gc.get_threshold()
    x = tf.constant(1.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as t:
            t.watch(x)
            y = x
            for _ in range(tape_module.LONG_TAPE - 1):
                y = y * 1.0
            assert gc.get_threshold() == before  # short tapes leave the collector alone
            y = y * 1.0
            assert gc.get_threshold()[0] == max(before[0], tape_module.RECORDING_GC_THRESHOLD)
            assert gc.get_threshold()[1:] == before[1:]
        assert gc.get_threshold() != before or before[0] >= tape_module.RECORDING_GC_THRESHOLD
        g = t.gradient(y, x)  # the outer tape still records: the threshold stays raised
    assert gc.get_threshold() == before  # restored when the last recorder popped
    assert float(g) == 1.0
    assert outer.gradient(g, x) is None  # g does not depend on x (a constant 1.0)
