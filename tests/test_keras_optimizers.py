"""tf.keras optimizers and learning-rate schedules against TF 2.21 / Keras 3.15.1 goldens.

The goldens (tests/data/tf_keras_optimizer_goldens.json) are written by
tools/tf_goldens/make_keras_optimizer_goldens.py on real TensorFlow; this test replays the
same case code (imported from that script) on tapeflow: trajectories of every optimizer
(clipping, momentum, schedules, weight decay, EMA, accumulation, IndexedSlices gradients,
Keras and tf.Variables), schedules' values, and snippets for names, configs, errors and
warnings. Values compare at float32 precision (relative 1e-6), everything else exactly.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from family_goldens import load_generator

import tapeflow as tf
from tapeflow.keras._src import naming

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = json.loads((ROOT / "tests" / "data" / "tf_keras_optimizer_goldens.json").read_text())
cases = load_generator("make_keras_optimizer_goldens")

keras = tf.keras
RTOL = 1e-6


def _close(actual, expected, where=""):
    """Recursive comparison: floats at float32 precision, everything else exactly."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        assert sorted(actual) == sorted(expected), where
        for k in expected:
            _close(actual[k], expected[k], f"{where}.{k}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), (where, actual)
        for i, (a, e) in enumerate(zip(actual, expected)):
            _close(a, e, f"{where}[{i}]")
    elif isinstance(expected, float) and not isinstance(expected, bool):
        assert isinstance(actual, (float, int)), (where, actual)
        np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=0, err_msg=where)
    else:
        assert actual == expected, (where, actual, expected)


def test_goldens_are_current():
    """The golden file holds exactly the cases the script defines."""
    defined = cases._trajectory_cases()
    assert [c["id"] for c in GOLDEN["trajectories"]] == [c["id"] for c in defined]
    for case, recorded in zip(defined, GOLDEN["trajectories"]):
        assert {k: v for k, v in recorded.items() if k != "out"} == json.loads(json.dumps(case))
    assert [[s["class"], s["kwargs"]] for s in GOLDEN["schedules"]] == [
        [c, k] for c, k in cases.SCHEDULES
    ]
    assert {k: v["code"] for k, v in GOLDEN["snippets"].items()} == cases.SNIPPETS


TRAJECTORIES = {c["id"]: c for c in GOLDEN["trajectories"]}


@pytest.mark.parametrize("cid", list(TRAJECTORIES))
def test_trajectory(cid):
    case = TRAJECTORIES[cid]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = cases.run_trajectory(case, tf)
    _close(out, case["out"], cid)


@pytest.mark.parametrize("index", range(len(GOLDEN["schedules"])))
def test_schedule(index):
    _close(cases.run_schedule(index, tf), GOLDEN["schedules"][index]["out"], str(index))


@pytest.mark.parametrize("name", list(GOLDEN["snippets"]))
def test_snippet(name):
    snippet = GOLDEN["snippets"][name]
    out = cases.run_snippet(snippet["code"], tf, name_scope=naming.name_scope)
    _close(out, snippet["out"], name)


# -- tf.function(jit_compile=True) -------------------------------------------------------------


def _jit_apply():
    @tf.function(jit_compile=True)
    def step(opt, grads, variables):
        opt.apply(grads, variables)

    def apply(opt, grads, variables):
        if not opt.built:
            opt.apply(grads, variables)  # the first step builds (creates variables) eagerly
        else:
            step(opt, grads, variables)

    return apply, step


@pytest.mark.parametrize(
    "cid",
    [
        "Adam_lr",
        "SGD_nesterov",
        "RMSprop_centered_mom",
        "AdamW_wd",
        "Nadam_clipnorm",
        "Adam_global_clipnorm",
        "Adam_schedule_CosineDecay_warmup",
        "SGD_schedule_PiecewiseConstantDecay",
        "Adagrad_tfvars",
        "Ftrl_regularized",
    ],
)
def test_jit_step_replays_the_eager_trajectory(cid):
    case = TRAJECTORIES[cid]
    apply, step = _jit_apply()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a trace that gave up would warn
        out = cases.run_trajectory(case, tf, apply=apply)
    _close(out, case["out"], cid)
    assert step.experimental_get_tracing_count() == 1


def test_jit_train_step_with_tape():
    """A whole training step (tape, loss, apply) traced once and replayed."""
    keras.backend.clear_session()
    rng = np.random.RandomState(0)
    x = tf.constant(rng.normal(size=(8, 4)).astype("float32"))
    y = tf.constant(rng.normal(size=(8, 1)).astype("float32"))

    def run(jit):
        w = keras.Variable(np.full((4, 1), 0.1, "float32"), name="w")
        b = tf.Variable([0.0], name="b")
        opt = keras.optimizers.Adam(0.05)
        opt.build([w, b])

        def train_step(x, y):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((tf.matmul(x, w) + b - y) ** 2)
            opt.apply(tape.gradient(loss, [w, b]), [w, b])
            return loss

        fn = tf.function(train_step, jit_compile=True) if jit else train_step
        losses = [float(fn(x, y)) for _ in range(6)]
        return losses, w.numpy(), b.numpy(), int(opt.iterations.numpy())

    eager, jitted = run(False), run(True)
    np.testing.assert_array_equal(eager[0], jitted[0])
    np.testing.assert_array_equal(eager[1], jitted[1])
    np.testing.assert_array_equal(eager[2], jitted[2])
    assert eager[3] == jitted[3] == 6


# -- behaviour beyond the goldens ------------------------------------------------------------


def test_namespace():
    names = [n for n in dir(keras.optimizers) if not n.startswith("_")]
    expected = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Nadam", "Adamax", "Adadelta", "Ftrl",
                "Lion", "Optimizer", "get", "serialize", "deserialize", "schedules"]  # fmt: skip
    assert set(expected) <= set(names)
    assert set(n for n in dir(keras.optimizers.schedules) if not n.startswith("_")) >= {
        "CosineDecay", "CosineDecayRestarts", "ExponentialDecay", "InverseTimeDecay",
        "LearningRateSchedule", "PiecewiseConstantDecay", "PolynomialDecay", "deserialize",
        "serialize",
    }  # fmt: skip
    assert issubclass(keras.optimizers.Adam, keras.optimizers.Optimizer)


def test_sparse_gradient_of_embedding_lookup():
    """A tf.gather gradient (IndexedSlices) updates only the rows looked up, via scatters."""
    keras.backend.clear_session()
    table = keras.Variable(np.ones((5, 2), "float32"), name="table")
    opt = keras.optimizers.Adagrad(0.5)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.gather(table, [1, 3, 1]))
    grad = tape.gradient(loss, table)
    assert isinstance(grad, tf.IndexedSlices)
    opt.apply([grad], [table])
    acc = opt.variables[-1].numpy()
    # Adagrad's accumulator adds the squares of each slice (1 + 1 for row 1, not (1+1)**2).
    np.testing.assert_allclose(acc[:, 0], [0.1, 2.1, 0.1, 1.1, 0.1], rtol=1e-6)
    assert (table.numpy()[[0, 2, 4]] == 1).all()


def test_failed_apply_changes_nothing_but_build():
    keras.backend.clear_session()
    opt = keras.optimizers.SGD(0.1)
    v = keras.Variable([1.0])
    with pytest.raises(ValueError, match="No gradients provided"):
        opt.apply([None], [v])
    assert v.numpy().tolist() == [1.0] and int(opt.iterations.numpy()) == 0


def test_jit_then_eager_steps_continue_one_trajectory():
    """Constants cached while tracing serve later eager steps; state carries across."""

    def run(jit_first):
        keras.backend.clear_session()
        v = keras.Variable(np.array([1.0, -2.0], "float32"))
        opt = keras.optimizers.Nadam(0.1)
        opt.build([v])
        jitted = tf.function(lambda g: opt.apply([g], [v]), jit_compile=True)
        for i in range(6):
            g = tf.constant([0.5 * i, 1.0 - i], tf.float32)
            if jit_first and i < 3:
                jitted(g)
            else:
                opt.apply([g], [v])
        return [v.numpy()] + [x.numpy() for x in opt.variables]

    for eager, mixed in zip(run(False), run(True)):
        np.testing.assert_array_equal(eager, mixed)
