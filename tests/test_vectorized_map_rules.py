"""Generated checks of every batching rule: vectorized_map against the loop it replaces.

For each registry op with a rule and a sample recipe, a batch of three examples is
built from each sample case (float inputs scaled per example, others repeated), and
`tf.vectorized_map` of the op must give what running the op on each example and
stacking gives: with every input batched, and with one input batched while the
others are shared by all examples. Differentiable ops are also checked with a tape
inside the mapped function (per-example gradients: the VJP's ops run through their
own rules) and with a tape outside (gradients through the replay).
"""

from __future__ import annotations

import logging

import numpy as np
import pytest

import tapeflow as tf
from tapeflow._core.registry import REGISTRY, load_all
from tapeflow.ops.vectorize import rules

load_all()  # every op family: this module goes through the whole registry

SIZE = 3
SCALES = (1.0, 0.9, 0.8)  # shrink towards 0: stays inside (-1, 1) domains, keeps signs


def _batch(a: np.ndarray, fixed: bool) -> np.ndarray:
    if fixed or a.dtype.kind not in "fc":
        return np.stack([a] * SIZE)
    return np.stack([a * s for s in SCALES])


def _cases():
    for name in sorted(REGISTRY):
        op = REGISTRY[name]
        if op.batch_rule is None or op.sample is None or op.stateful:
            continue
        for i, case in enumerate(op.sample(np.random.default_rng(0))):
            yield pytest.param(op, case, id=f"{name}-{i}")


CASES = list(_cases())


def _patterns(n: int) -> list:
    """Which inputs are batched: all, then each one alone (for several inputs)."""
    out = [(True,) * n]
    if n > 1:
        out += [tuple(j == i for j in range(n)) for i in range(n)]
    return out


def _inputs(op, case, pattern):
    out = []
    for i, (a, batched) in enumerate(zip(case.inputs, pattern)):
        a = np.asarray(a)
        out.append(tf.constant(_batch(a, i in case.fixed) if batched else a))
    return out


def _call(op, case):
    def fn(xs):
        return op(*xs, **case.attrs)

    return fn


def _mapped(fn, xs, pattern, **kwargs):
    """vectorized_map over the batched inputs, the shared ones captured."""
    batched = [x for x, b in zip(xs, pattern) if b]

    def mapped(rows):
        it = iter(rows)
        return fn([next(it) if b else x for x, b in zip(xs, pattern)])

    return tf.vectorized_map(mapped, batched, **kwargs)


def _looped(fn, xs, pattern):
    rows = [fn([x[k] if b else x for x, b in zip(xs, pattern)]) for k in range(SIZE)]
    flat = [tf.nest.flatten(r) for r in rows]
    stacked = [None if c[0] is None else np.stack([v.numpy() for v in c]) for c in zip(*flat)]
    return tf.nest.pack_sequence_as(rows[0], stacked)


def _assert_same(got, want, label: str) -> None:
    got, want = tf.nest.flatten(got), tf.nest.flatten(want)
    assert len(got) == len(want), label
    for g, w in zip(got, want):
        if w is None:
            assert g is None, label
            continue
        g = g.numpy()
        assert g.dtype == w.dtype and g.shape == w.shape, f"{label}: {g.dtype}{g.shape} {w.shape}"
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12, equal_nan=True, err_msg=label)


def _partial(op, pattern) -> bool:
    """Whether the rule leaves this pattern to the per-example loop (rules.PARTIAL)."""
    return any(pattern[i] for i in rules.PARTIAL.get(op.type, ()))


def _checked_map(fn, xs, pattern, op, caplog):
    """vectorized_map, which must warn exactly when the rule cannot batch the pattern."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="tapeflow"):
        got = _mapped(fn, xs, pattern, fallback_to_while_loop=_partial(op, pattern))
    warned = [r.getMessage() for r in caplog.records if "while_loop" in r.getMessage()]
    assert bool(warned) == _partial(op, pattern), (op.type, pattern, warned)
    return got


@pytest.mark.parametrize("op, case", CASES)
def test_rule_matches_the_loop(op, case, caplog):
    fn = _call(op, case)
    for pattern in _patterns(len(case.inputs)):
        xs = _inputs(op, case, pattern)
        got = _checked_map(fn, xs, pattern, op, caplog)
        _assert_same(got, _looped(fn, xs, pattern), f"{op.type} batched={pattern}")


def _float_inputs(op, case) -> list:
    return [
        i
        for i, a in enumerate(case.inputs)
        if i not in case.fixed and np.asarray(a).dtype.kind == "f"
    ]


GRAD_CASES = [p for p in CASES if p.values[0].differentiable and _float_inputs(*p.values)]


def _weights(o):
    """Fixed, unequal cotangent weights of `o`'s shape (ones could hide a rule's mix-up)."""
    n = int(np.prod(o.shape))
    return tf.constant(np.linspace(-1.0, 2.0, n).reshape(o.shape.as_list()), o.dtype)


def _per_example_grads(op, case, diff):
    """The gradient of a weighted sum of the op's outputs, taken inside the function."""

    def fn(xs):
        xs = list(xs)
        with tf.GradientTape() as tape:
            for i in diff:
                tape.watch(xs[i])
            outs = tf.nest.flatten(op(*xs, **case.attrs))
            total = tf.add_n([tf.reduce_sum(o * _weights(o)) for o in outs if o.dtype.is_floating])
        return tape.gradient(total, [xs[i] for i in diff])

    return fn


@pytest.mark.parametrize("op, case", GRAD_CASES)
def test_per_example_gradients_match_the_loop(op, case):
    diff = _float_inputs(op, case)
    fn = _per_example_grads(op, case, diff)
    for pattern in _patterns(len(case.inputs)):
        xs = _inputs(op, case, pattern)
        # The backward ops may include ones that loop (Conv2DBackpropFilter): allowed here.
        got = _mapped(fn, xs, pattern, warn=False)
        _assert_same(got, _looped(fn, xs, pattern), f"{op.type} grads batched={pattern}")


@pytest.mark.parametrize("op, case", GRAD_CASES)
def test_gradients_through_the_replay_match_the_loop(op, case):
    diff = _float_inputs(op, case)
    fn = _call(op, case)
    pattern = (True,) * len(case.inputs)
    xs = _inputs(op, case, pattern)
    rng = np.random.default_rng(1)
    loops = _partial(op, pattern)

    def weighted(out):
        outs = [o for o in tf.nest.flatten(out) if o.dtype.is_floating]
        return tf.add_n([tf.reduce_sum(o * rng_weights[k]) for k, o in enumerate(outs)])

    with tf.GradientTape(persistent=True) as tape:
        for i in diff:
            tape.watch(xs[i])
        mapped = _mapped(fn, xs, pattern, fallback_to_while_loop=loops, warn=False)
        rng_weights = [
            tf.constant(rng.uniform(-1, 1, o.shape), o.dtype)
            for o in tf.nest.flatten(mapped)
            if o.dtype.is_floating
        ]
        y_mapped = weighted(mapped)
        looped = tf.nest.pack_sequence_as(
            mapped,
            [
                tf.stack(list(col))
                for col in zip(*[tf.nest.flatten(fn([x[k] for x in xs])) for k in range(SIZE)])
            ],
        )
        y_looped = weighted(looped)
    got = tape.gradient(y_mapped, [xs[i] for i in diff])
    want = tape.gradient(y_looped, [xs[i] for i in diff])
    for g, w in zip(got, want):
        np.testing.assert_allclose(
            g.numpy(), w.numpy(), rtol=1e-10, atol=1e-12, equal_nan=True, err_msg=op.type
        )


def test_every_op_has_a_rule_but_the_listed_ones():
    without = {t for t, o in REGISTRY.items() if o.batch_rule is None}
    assert without == set(rules.NO_RULE)
