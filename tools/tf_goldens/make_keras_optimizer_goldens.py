"""Goldens for tf.keras optimizers and learning-rate schedules (tests/test_keras_optimizers.py).

Run where TensorFlow 2.21 is installed:

    /work/tfvenv/bin/python tools/tf_goldens/make_keras_optimizer_goldens.py

writes tests/data/tf_keras_optimizer_goldens.json. The case definitions and the functions that
run them take the library as an argument (`tf`, with `tf.keras`), so the test replays the
same code on tapeflow; importing this module does not import TensorFlow.

Three kinds of case:
- trajectories: an optimizer (kwargs, optional schedule) applied for several steps to Keras or
  tf.Variables with recorded gradients (dense, or tf.IndexedSlices with repeated rows); each
  step's variable values and the optimizer's final variables (paths and values) are recorded;
- schedules: a schedule evaluated at steps 0..N (value and dtype);
- snippets: short programs (names, reprs, configs, errors and warnings), run after
  `clear_session()`; `out` (its repr), the exception and the warnings are recorded.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[2] / "tests" / "data" / "tf_keras_optimizer_goldens.json"

# -- trajectories ---------------------------------------------------------------------------


def _grads(seed: int, steps: int, shapes):
    rng = np.random.RandomState(seed)
    return [
        [np.round(rng.uniform(-2, 2, size=s), 3).astype("float32").tolist() for s in shapes]
        for _ in range(steps)
    ]


DENSE_SHAPES = [(3, 2), (2,)]
INIT = [
    [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]],
    [0.1, -0.2],
]
SPARSE_INIT = [[[0.5, -1.0, 0.2], [1.5, 0.25, -0.3], [-0.75, 2.0, 1.0], [0.1, 0.2, 0.3]]]
SPARSE_INDICES = [[0, 2, 0], [3, 3, 1], [2, 0, 0]]


def _trajectory_cases():
    cases = []

    def add(cid, cls, kwargs=None, schedule=None, kind="keras", steps=5, seed=0, **extra):
        cases.append(
            {
                "id": cid,
                "class": cls,
                "kwargs": kwargs or {},
                "schedule": schedule,
                "kind": kind,
                "init": INIT,
                "grads": _grads(seed, steps, DENSE_SHAPES),
                **extra,
            }
        )

    lr = {"learning_rate": 0.1}
    every = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Nadam", "Adamax", "Adadelta", "Ftrl",
             "Lion"]  # fmt: skip
    for i, cls in enumerate(every):
        add(f"{cls}_default", cls, {}, seed=i)
        add(f"{cls}_lr", cls, lr, seed=10 + i)
        add(f"{cls}_tfvars", cls, lr, kind="tf", seed=20 + i)
        add(f"{cls}_clipnorm", cls, {**lr, "clipnorm": 1.0}, seed=30 + i)
        add(f"{cls}_clipvalue", cls, {**lr, "clipvalue": 0.5}, seed=40 + i)
        add(f"{cls}_global_clipnorm", cls, {**lr, "global_clipnorm": 1.5}, seed=50 + i)
        add(f"{cls}_schedule_exp", cls, {}, schedule=("ExponentialDecay", [0.1, 2, 0.5]), seed=i)
    add("SGD_momentum", "SGD", {**lr, "momentum": 0.9}, seed=60)
    add("SGD_nesterov", "SGD", {**lr, "momentum": 0.9, "nesterov": True}, seed=61)
    add("SGD_nesterov_tf", "SGD", {**lr, "momentum": 0.5, "nesterov": True}, kind="tf", seed=62)
    add("SGD_weight_decay", "SGD", {**lr, "weight_decay": 0.1}, seed=63)
    add("SGD_mixed_vars", "SGD", {**lr, "momentum": 0.9}, kind="mixed", seed=64)
    add("Adam_amsgrad", "Adam", {**lr, "amsgrad": True}, seed=65)
    add("Adam_betas", "Adam", {**lr, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}, seed=66)
    add("Adam_weight_decay", "Adam", {**lr, "weight_decay": 0.05}, seed=67)
    add("AdamW_wd", "AdamW", {**lr, "weight_decay": 0.2}, seed=68)
    add("AdamW_amsgrad_tf", "AdamW", {**lr, "amsgrad": True}, kind="tf", seed=69)
    add("AdamW_exclude_names", "AdamW", {**lr, "weight_decay": 0.2}, seed=70, exclude=["b"])
    add("RMSprop_momentum", "RMSprop", {**lr, "momentum": 0.5}, seed=71)
    add("RMSprop_centered", "RMSprop", {**lr, "centered": True}, seed=72)
    add("RMSprop_centered_mom", "RMSprop", {**lr, "centered": True, "momentum": 0.3}, seed=73)
    add("Adagrad_init", "Adagrad", {**lr, "initial_accumulator_value": 0.5}, seed=74)
    add("Adadelta_rho", "Adadelta", {"learning_rate": 1.0, "rho": 0.5}, seed=75)
    add(
        "Ftrl_regularized",
        "Ftrl",
        {
            **lr,
            "l1_regularization_strength": 0.01,
            "l2_regularization_strength": 0.1,
            "l2_shrinkage_regularization_strength": 0.05,
            "beta": 0.2,
            "learning_rate_power": -0.7,
        },
        seed=76,
    )
    add("Lion_betas", "Lion", {**lr, "beta_1": 0.5, "beta_2": 0.9}, seed=77)
    add("Adam_loss_scale", "Adam", {**lr, "loss_scale_factor": 4.0}, seed=78)
    add("SGD_ema", "SGD", {**lr, "use_ema": True, "ema_momentum": 0.5}, seed=79)
    add("Adam_ema_overwrite", "Adam", {**lr, "use_ema": True, "ema_overwrite_frequency": 2},
        seed=80)  # fmt: skip
    add("SGD_accumulate", "SGD", {**lr, "gradient_accumulation_steps": 2}, steps=6, seed=81)
    add("Adam_accumulate", "Adam", {**lr, "gradient_accumulation_steps": 3}, steps=6, seed=82)
    sched = {
        "ExponentialDecay_stair": ("ExponentialDecay", [0.1, 2, 0.5, True]),
        "PiecewiseConstantDecay": ("PiecewiseConstantDecay", [[1, 3], [0.1, 0.05, 0.01]]),
        "CosineDecay": ("CosineDecay", [0.1, 4]),
        "CosineDecay_warmup": ("CosineDecay", [0.0, 4, 0.1, "CosineDecay", 0.2, 2]),
        "CosineDecayRestarts": ("CosineDecayRestarts", [0.1, 2]),
        "InverseTimeDecay": ("InverseTimeDecay", [0.1, 1, 0.5]),
        "PolynomialDecay": ("PolynomialDecay", [0.1, 3, 0.01, 2.0]),
    }
    for i, (name, spec) in enumerate(sched.items()):
        add(f"Adam_schedule_{name}", "Adam", {}, schedule=spec, seed=90 + i)
        add(f"SGD_schedule_{name}", "SGD", {"momentum": 0.9}, schedule=spec, seed=100 + i)
    add("AdamW_schedule_wd", "AdamW", {"weight_decay": 0.3},
        schedule=("ExponentialDecay", [0.1, 2, 0.5]), seed=110)  # fmt: skip
    # Sparse gradients (tf.IndexedSlices, repeated rows) on one (4, 3) variable.
    for i, (cls, kwargs) in enumerate(
        [
            ("SGD", lr),
            ("SGD", {**lr, "momentum": 0.9}),
            ("SGD", {**lr, "momentum": 0.9, "nesterov": True}),
            ("Adam", lr),
            ("Adam", {**lr, "amsgrad": True}),
            ("AdamW", lr),
            ("RMSprop", lr),
            ("RMSprop", {**lr, "momentum": 0.5, "centered": True}),
            ("Adagrad", lr),
            ("Nadam", lr),
            ("Adamax", lr),
            ("Adadelta", {"learning_rate": 1.0}),
            ("Ftrl", lr),
            ("Lion", lr),
            ("SGD", {**lr, "clipnorm": 1.0}),
            ("Adagrad", {**lr, "clipvalue": 0.5}),
            ("Adam", {**lr, "global_clipnorm": 1.0}),
            ("Adagrad", {**lr, "global_clipnorm": 1.0}),
            ("SGD", {**lr, "global_clipnorm": 1.0}),
            ("SGD", {**lr, "clipvalue": 0.5}),
            ("Adagrad", {**lr, "clipnorm": 0.5}),
            ("Adadelta", {"learning_rate": 1.0, "clipnorm": 0.5}),
            ("RMSprop", {**lr, "weight_decay": 0.1}),
        ]
    ):
        rng = np.random.RandomState(200 + i)
        grads = [
            [np.round(rng.uniform(-2, 2, size=(3, 3)), 3).astype("float32").tolist()]
            for _ in SPARSE_INDICES
        ]
        cases.append(
            {
                "id": f"sparse_{i}_{cls}",
                "class": cls,
                "kwargs": kwargs,
                "schedule": None,
                "kind": "keras" if i % 2 == 0 else "tf",
                "init": SPARSE_INIT,
                "grads": grads,
                "sparse_indices": SPARSE_INDICES,
            }
        )
    return cases


def make_variables(case, tf):
    keras = tf.keras
    names = ["w", "b", "c"]
    out = []
    for i, value in enumerate(case["init"]):
        value = np.array(value, "float32")
        kind = case["kind"]
        if kind == "mixed":
            kind = "keras" if i == 0 else "tf"
        if kind == "keras":
            out.append(keras.Variable(value, name=names[i]))
        else:
            out.append(tf.Variable(value, name=names[i]))
    return out


def make_optimizer(case, tf):
    keras = tf.keras
    kwargs = dict(case["kwargs"])
    if case["schedule"]:
        name, args = case["schedule"]
        kwargs["learning_rate"] = getattr(keras.optimizers.schedules, name)(*args)
    return getattr(keras.optimizers, case["class"])(**kwargs)


def step_gradients(case, step, tf):
    grads = [tf.constant(np.array(g, "float32")) for g in case["grads"][step]]
    if "sparse_indices" in case:
        shape = np.array(case["init"][0], "float32").shape
        grads = [
            tf.IndexedSlices(
                grads[0], tf.constant(case["sparse_indices"][step]), tf.constant(shape)
            )
        ]
    return grads


def run_trajectory(case, tf, apply=None):
    """Runs a trajectory case; `apply(opt, grads, variables)` replaces `opt.apply` (the
    test passes a jit-compiled step). Returns the recorded outputs."""
    tf.keras.backend.clear_session()
    variables = make_variables(case, tf)
    opt = make_optimizer(case, tf)
    if case.get("exclude"):
        opt.exclude_from_weight_decay(var_names=case["exclude"])
    values = []
    lrs = []
    for step in range(len(case["grads"])):
        grads = step_gradients(case, step, tf)
        if apply is None:
            opt.apply(grads, variables)
        else:
            apply(opt, grads, variables)
        values.append([np.asarray(v.numpy()).tolist() for v in variables])
        lrs.append(float(np.asarray(tf.convert_to_tensor(opt.learning_rate))))
    if case["kwargs"].get("use_ema"):
        opt.finalize_variable_values(variables)
        values.append([np.asarray(v.numpy()).tolist() for v in variables])
    return {
        "values": values,
        "learning_rates": lrs,
        "iterations": int(np.asarray(opt.iterations.numpy())),
        "optimizer_variables": [
            [v.path, str(v.dtype), np.asarray(v.numpy()).tolist()] for v in opt.variables
        ],
    }


# -- schedules -----------------------------------------------------------------------------

SCHEDULES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5}),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5, "staircase": True},
    ),  # fmt: skip
    ("ExponentialDecay", {"initial_learning_rate": 1, "decay_steps": 3, "decay_rate": 0.5}),
    ("PiecewiseConstantDecay", {"boundaries": [2, 5], "values": [1.0, 0.5, 0.1]}),
    ("PiecewiseConstantDecay", {"boundaries": [3], "values": [1, 2]}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 4}),
    (
        "PolynomialDecay",
        {
            "initial_learning_rate": 0.1,
            "decay_steps": 4,
            "end_learning_rate": 0.01,
            "power": 0.5,
            "cycle": True,
        },
    ),  # fmt: skip
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5}),
    (
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5, "staircase": True},
    ),  # fmt: skip
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 5}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 5, "alpha": 0.1}),
    (
        "CosineDecay",
        {"initial_learning_rate": 0.0, "decay_steps": 5, "warmup_target": 0.1, "warmup_steps": 3},
    ),  # fmt: skip
    (
        "CosineDecay",
        {
            "initial_learning_rate": 0.01,
            "decay_steps": 4,
            "alpha": 0.2,
            "warmup_target": 0.1,
            "warmup_steps": 2,
        },
    ),  # fmt: skip
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 2}),
    (
        "CosineDecayRestarts",
        {
            "initial_learning_rate": 0.1,
            "first_decay_steps": 3,
            "t_mul": 1.0,
            "m_mul": 0.5,
            "alpha": 0.1,
        },
    ),  # fmt: skip
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 2, "t_mul": 1.5, "m_mul": 0.8},
    ),  # fmt: skip
]
SCHEDULE_STEPS = 12


def run_schedule(index, tf):
    name, kwargs = SCHEDULES[index]
    schedule = getattr(tf.keras.optimizers.schedules, name)(**kwargs)
    values, dtypes = [], []
    for step in range(SCHEDULE_STEPS):
        for s in (step, tf.constant(step, tf.int64)):
            out = tf.convert_to_tensor(schedule(s))
            values.append(float(np.asarray(out)))
            dtypes.append(out.dtype.name)
    return {"values": values, "dtypes": dtypes, "config": schedule.get_config()}


# -- snippets ----------------------------------------------------------------------------------

SNIPPETS = {
    "configs": """
out = {c: getattr(keras.optimizers, c)().get_config() for c in
       ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Nadam", "Adamax", "Adadelta", "Ftrl",
        "Lion"]}
""",
    "auto_names": """
out = [keras.optimizers.Adam().name, keras.optimizers.Adam().name, keras.optimizers.SGD().name,
       keras.optimizers.RMSprop().name, keras.optimizers.AdamW().name,
       keras.optimizers.Adagrad().name, keras.optimizers.Nadam().name,
       keras.optimizers.Adamax().name, keras.optimizers.Adadelta().name,
       keras.optimizers.Ftrl().name, keras.optimizers.Lion().name,
       keras.optimizers.SGD(name="mine").name]
""",
    "reprs_before_build": """
o = keras.optimizers.Adam()
out = [repr(o.iterations), repr(o.learning_rate), type(o.iterations).__name__,
       hasattr(o, "lr"), hasattr(o, "minimize"), o.built, [v.path for v in o.variables]]
""",
    "slot_paths_keras_and_tf": """
o = keras.optimizers.Adam()
w = keras.Variable(np.ones((2, 2), "float32"), name="w")
tv = tf.Variable([1.0, 2.0], name="tfvar")
r = o.apply_gradients([(tf.ones((2, 2)), w), (tf.constant([0.5, 0.5]), tv)])
out = [repr(r), [(v.path, v.name, tuple(v.shape), v.dtype, v.trainable) for v in o.variables],
       o.apply([tf.ones((2, 2)), tf.ones((2,))], [w, tv]), int(o.iterations.numpy()), o.built]
""",
    "slot_paths_scoped_variable": """
with name_scope("dense"):
    k = keras.Variable(np.ones((2,), "float32"), name="kernel")
o = keras.optimizers.RMSprop(momentum=0.5, centered=True)
o.apply([tf.ones((2,))], [k])
out = [v.path for v in o.variables]
""",
    "slot_paths_all": """
out = {}
for c in ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Nadam", "Adamax", "Adadelta", "Ftrl",
          "Lion"]:
    kw = {"momentum": 0.5} if c == "SGD" else {}
    o = getattr(keras.optimizers, c)(**kw)
    v = keras.Variable([1.0, 2.0], name="v")
    o.apply([tf.constant([0.5, 0.5])], [v])
    out[c] = [x.path for x in o.variables]
o = keras.optimizers.Adam(amsgrad=True, use_ema=True, gradient_accumulation_steps=2)
o.build([keras.Variable([1.0], name="z")])
out["Adam_extras"] = [x.path for x in o.variables]
""",
    "sgd_no_momentum_slots": """
o = keras.optimizers.SGD()
v = keras.Variable([1.0])
o.apply([tf.constant([1.0])], [v])
out = [[x.path for x in o.variables], o.momentums]
""",
    "apply_gradients_returns_iterations": """
o = keras.optimizers.SGD(0.1)
v = keras.Variable([1.0])
r = o.apply_gradients([(tf.constant([1.0]), v)])
out = [repr(r), r is o.iterations, v.numpy().tolist()]
""",
    "lr_assign": """
o = keras.optimizers.SGD()
o.learning_rate = 0.5
a = repr(o.learning_rate)
o.learning_rate = tf.constant(0.25)
out = [a, repr(o.learning_rate), o.get_config()["learning_rate"]]
""",
    "lr_schedule_read": """
s = keras.optimizers.schedules.ExponentialDecay(1e-2, decay_steps=10, decay_rate=0.5)
o = keras.optimizers.SGD(learning_rate=s)
v = keras.Variable([1.0])
a = repr(o.learning_rate)
for _ in range(3):
    o.apply([tf.constant([1.0])], [v])
out = [a, repr(o.learning_rate), [x.path for x in o.variables], o.get_config()["learning_rate"]]
""",
    "lr_callable": """
o = keras.optimizers.SGD(learning_rate=lambda: 0.5)
v = keras.Variable([1.0])
o.apply([tf.constant([1.0])], [v])
out = [v.numpy().tolist(), [x.path for x in o.variables]]
""",
    "lr_set_schedule_untracks": """
o = keras.optimizers.SGD()
o.learning_rate = keras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5)
out = [[x.path for x in o.variables], repr(o.learning_rate)]
""",
    "lr_set_on_schedule_error": """
o = keras.optimizers.SGD(keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5))
o.learning_rate = 0.3
""",
    "err_lr_kwarg": "keras.optimizers.Adam(lr=0.1)",
    "err_two_kwargs": "keras.optimizers.SGD(lr=0.1, foo=2)",
    "warn_decay_kwarg": "out = keras.optimizers.SGD(decay=0.1).get_config()['name']",
    "err_two_clips": "keras.optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0)",
    "err_three_clips": "keras.optimizers.Adam(clipnorm=1.0, clipvalue=2.0, global_clipnorm=3)",
    "err_lr_int": "keras.optimizers.SGD(learning_rate=1)",
    "err_lr_tensor": "keras.optimizers.SGD(learning_rate=tf.constant(0.1))",
    "err_momentum_int": "keras.optimizers.SGD(momentum=0)",
    "err_momentum_big": "keras.optimizers.SGD(momentum=1.5)",
    "err_adamw_none": "keras.optimizers.AdamW(weight_decay=None)",
    "err_accumulation": "keras.optimizers.SGD(gradient_accumulation_steps=1)",
    "err_ema_momentum": "keras.optimizers.SGD(use_ema=True, ema_momentum=2.0)",
    "err_ema_frequency": "keras.optimizers.SGD(use_ema=True, ema_overwrite_frequency=0.5)",
    "err_lion_beta": "keras.optimizers.Lion(beta_1=0.0)",
    "err_ftrl_power": "keras.optimizers.Ftrl(learning_rate_power=0.5)",
    "err_ftrl_l1": "keras.optimizers.Ftrl(l1_regularization_strength=-1.0)",
    "err_ftrl_init": "keras.optimizers.Ftrl(initial_accumulator_value=-1.0)",
    "err_all_none_grads": """
o = keras.optimizers.Adam()
o.apply_gradients([(None, keras.Variable([1.0]))])
""",
    "err_all_none_state": """
o = keras.optimizers.Adam()
v = keras.Variable([1.0])
try:
    o.apply([None], [v])
except ValueError:
    pass
out = [o.built, int(o.iterations.numpy()), [x.path for x in o.variables], v.numpy().tolist()]
""",
    "warn_some_none_grads": """
o = keras.optimizers.Adam()
v1 = keras.Variable([1.0])
v2 = keras.Variable([2.0])
t = tf.Variable([3.0], name="tv")
o.apply_gradients([(None, v1), (tf.constant([1.0]), v2), (None, t)])
out = [v1.numpy().tolist(), v2.numpy().tolist(), t.numpy().tolist(), int(o.iterations.numpy())]
""",
    "err_unknown_variable": """
o = keras.optimizers.Adam()
v1 = keras.Variable([1.0])
o.apply_gradients([(tf.constant([1.0]), v1)])
v3 = keras.Variable([3.0])
o.apply_gradients([(tf.constant([1.0]), v3)])
""",
    "err_unknown_tf_variable": """
o = keras.optimizers.SGD()
o.apply([tf.constant([1.0])], [tf.Variable([1.0], name="a")])
o.apply([tf.constant([1.0])], [tf.Variable([1.0], name="a")])
""",
    "err_apply_unbuilt_no_vars": """
o = keras.optimizers.SGD()
o.apply([tf.constant([1.0])])
""",
    "err_apply_count": """
o = keras.optimizers.SGD()
o.build([keras.Variable([1.0]), keras.Variable([2.0])])
o.apply([tf.constant([1.0])])
""",
    "apply_without_vars_after_build": """
o = keras.optimizers.SGD(0.5)
a = keras.Variable([1.0])
b = keras.Variable([2.0])
o.build([a, b])
o.apply([tf.constant([1.0]), tf.constant([2.0])])
out = [a.numpy().tolist(), b.numpy().tolist(), int(o.iterations.numpy())]
""",
    "apply_empty": """
o = keras.optimizers.SGD()
out = [o.apply([], []), o.built, int(o.iterations.numpy())]
""",
    "apply_subset_after_build": """
o = keras.optimizers.Adam(0.1)
a = keras.Variable([1.0])
b = keras.Variable([2.0])
o.build([a, b])
o.apply([tf.constant([1.0])], [b])
out = [a.numpy().tolist(), b.numpy().tolist(), o.variables[-1].numpy().tolist()]
""",
    "build_twice": """
o = keras.optimizers.Adam()
a = keras.Variable([1.0])
o.build([a])
o.build([a, keras.Variable([2.0])])
out = [x.path for x in o.variables]
""",
    "constraint_applied": """
v = keras.Variable([1.0, -2.0])
v.constraint = lambda x: tf.maximum(x, 0.0)
o = keras.optimizers.SGD(1.0)
o.apply([tf.constant([0.5, 0.5])], [v])
out = v.numpy().tolist()
""",
    "overwrite_with_gradient": """
v = keras.Variable([1.0, -2.0])
v.overwrite_with_gradient = True
w = keras.Variable([1.0])
o = keras.optimizers.Adam(0.1)
o.apply([tf.constant([5.0, 6.0]), tf.constant([1.0])], [v, w])
out = [v.numpy().tolist(), w.numpy().tolist(), [x.path for x in o.variables]]
""",
    "exclude_from_weight_decay_list": """
a = keras.Variable([1.0], name="a")
b = keras.Variable([1.0], name="b")
o = keras.optimizers.AdamW(0.1, weight_decay=0.5)
o.exclude_from_weight_decay(var_list=[a])
o.apply([tf.constant([0.0]), tf.constant([0.0])], [a, b])
out = [a.numpy().tolist(), b.numpy().tolist()]
""",
    "exclude_after_build": """
a = keras.Variable([1.0], name="a")
o = keras.optimizers.AdamW(0.1, weight_decay=0.5)
o.apply([tf.constant([0.0])], [a])
o.exclude_from_weight_decay(var_names=["a"])
o.apply([tf.constant([0.0])], [a])
out = a.numpy().tolist()
""",
    "exclude_by_scope_name": """
with name_scope("dense"):
    k = keras.Variable([1.0], name="kernel")
b = keras.Variable([1.0], name="bias")
t = tf.Variable([1.0], name="dense_tf")
o = keras.optimizers.AdamW(0.1, weight_decay=0.5)
o.exclude_from_weight_decay(var_names=["dense"])
o.apply([tf.constant([0.0])] * 3, [k, b, t])
o2 = keras.optimizers.AdamW(0.1, weight_decay=0.5)
o2.exclude_from_weight_decay(var_names=[":0$"])
k2 = keras.Variable([1.0], name="my_kernel")
o2.apply([tf.constant([0.0])], [k2])
out = [k.numpy().tolist(), b.numpy().tolist(), t.numpy().tolist(), k2.numpy().tolist()]
""",
    "scale_loss": """
o = keras.optimizers.SGD(loss_scale_factor=8.0)
out = [repr(o.scale_loss(tf.constant(2.0))), keras.optimizers.SGD().scale_loss(3.0)]
""",
    "set_weights": """
o = keras.optimizers.SGD(momentum=0.5)
v = keras.Variable([1.0, 2.0], name="v")
o.build([v])
o.set_weights([np.array(3, "int64"), np.array(0.5, "float32"), np.array([1.0, 1.0], "float32")])
out = [x.numpy().tolist() for x in o.variables]
""",
    "set_weights_unbuilt": "keras.optimizers.SGD().set_weights([])",
    "get_strings": """
out = [type(keras.optimizers.get(n)).__name__ for n in
       ["adam", "sgd", "rmsprop", "Adam", "ADAMW", "adagrad", "nadam", "adamax", "adadelta",
        "ftrl", "lion"]] + [keras.optimizers.get(None)]
""",
    "get_instance": """
o = keras.optimizers.SGD()
out = keras.optimizers.get(o) is o
""",
    "get_dict": """
o = keras.optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.5}})
out = o.get_config()
""",
    "get_bogus": "keras.optimizers.get('bogus')",
    "get_number": "keras.optimizers.get(3)",
    "serialize": """
out = [keras.optimizers.serialize(keras.optimizers.Adam(0.5, amsgrad=True)),
       keras.optimizers.serialize(keras.optimizers.SGD(
           keras.optimizers.schedules.CosineDecay(0.1, 10)))]
""",
    "serialize_roundtrip": """
o = keras.optimizers.RMSprop(0.05, rho=0.8, clipnorm=2.0, name="r")
d = keras.optimizers.deserialize(keras.optimizers.serialize(o))
out = [type(d).__name__, d.get_config()]
""",
    "from_config_schedule": """
o = keras.optimizers.Adam(keras.optimizers.schedules.PiecewiseConstantDecay([2], [0.1, 0.01]))
c = o.get_config()
d = keras.optimizers.Adam.from_config(c)
out = [type(d._learning_rate).__name__, d._learning_rate.get_config(), d.get_config()]
""",
    "schedule_serialize": """
s = keras.optimizers.schedules
out = [s.serialize(s.ExponentialDecay(0.1, 10, 0.5)),
       s.serialize(s.CosineDecayRestarts(0.1, 10)),
       type(s.deserialize(s.serialize(s.PolynomialDecay(0.1, 3)))).__name__,
       s.deserialize({"class_name": "InverseTimeDecay", "config": {
           "initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5}}).get_config()]
""",
    "schedule_configs": """
s = keras.optimizers.schedules
out = [s.ExponentialDecay(0.1, 10, 0.5).get_config(),
       s.PiecewiseConstantDecay([1, 2], [0.3, 0.2, 0.1]).get_config(),
       s.PolynomialDecay(0.1, 10).get_config(), s.InverseTimeDecay(0.1, 10, 0.5).get_config(),
       s.CosineDecay(0.1, 10).get_config(), s.CosineDecayRestarts(0.1, 10).get_config()]
""",
    "err_schedule_steps": "keras.optimizers.schedules.ExponentialDecay(0.1, 0, 0.5)",
    "err_cosine_steps": "keras.optimizers.schedules.CosineDecay(0.1, -1)",
    "err_restarts_steps": "keras.optimizers.schedules.CosineDecayRestarts(0.1, 0)",
    "err_piecewise_lengths": "keras.optimizers.schedules.PiecewiseConstantDecay([1, 2], [0.1])",
    "err_base_schedule_call": "keras.optimizers.schedules.LearningRateSchedule()(1)",
    "err_base_schedule_config": "keras.optimizers.schedules.LearningRateSchedule().get_config()",
    "custom_schedule": """
class Half(keras.optimizers.schedules.LearningRateSchedule):
    def __call__(self, step):
        return 0.5 / (tf.cast(step, "float32") + 1.0)
o = keras.optimizers.SGD(Half())
v = keras.Variable([1.0])
for _ in range(3):
    o.apply([tf.constant([1.0])], [v])
out = [v.numpy().tolist(), repr(o.learning_rate)]
""",
    "custom_optimizer": """
class Plain(keras.optimizers.Optimizer):
    def __init__(self, **kw):
        super().__init__(learning_rate=0.5, **kw)
    def build(self, variables):
        super().build(variables)
        self.slots = [self.add_variable_from_reference(v, "slot") for v in variables]
    def update_step(self, gradient, variable, learning_rate):
        s = self.slots[self._get_variable_index(variable)]
        self.assign_add(s, gradient)
        self.assign_sub(variable, tf.cast(learning_rate, variable.dtype) * s)
o = Plain()
v = keras.Variable([1.0, 2.0], name="v")
for _ in range(2):
    o.apply([tf.constant([1.0, -1.0])], [v])
out = [o.name, v.numpy().tolist(), [x.path for x in o.variables],
       keras.optimizers.serialize(o)["class_name"]]
""",
    "custom_adam_update_step": """
class Loud(keras.optimizers.Adam):
    calls = 0
    def update_step(self, gradient, variable, learning_rate):
        Loud.calls += 1
        super().update_step(gradient, variable, learning_rate)
o = Loud(0.1)
v = keras.Variable([1.0, 2.0])
w = keras.Variable([1.0])
o.apply([tf.constant([1.0, -1.0]), tf.constant([2.0])], [v, w])
out = [Loud.calls, v.numpy().tolist(), w.numpy().tolist(), o.name]
""",
    "err_no_super": """
class Bad(keras.optimizers.Optimizer):
    def __init__(self):
        self.x = 1
Bad()
""",
    "float64_variable": """
v = keras.Variable(np.array([1.0, 2.0]), dtype="float64")
o = keras.optimizers.Adam(0.1)
o.apply([tf.constant([0.5, -0.5], tf.float64)], [v])
out = [v.dtype, v.numpy().tolist(), [(x.path, x.dtype) for x in o.variables]]
""",
    "float64_grad_on_float32": """
v = keras.Variable([1.0, 2.0])
o = keras.optimizers.SGD(0.1)
o.apply([tf.constant([0.5, -0.5], tf.float64)], [v])
out = v.numpy().tolist()
""",
    "nadam_state": """
o = keras.optimizers.Nadam(0.1)
v = keras.Variable([1.0, 2.0])
o.apply([tf.constant([1.0, -1.0])], [v])
o.apply([tf.constant([1.0, -1.0])], [v])
out = [(x.path, x.numpy().tolist()) for x in o.variables]
""",
    "ema_finalize": """
o = keras.optimizers.SGD(0.5, use_ema=True, ema_momentum=0.5)
v = keras.Variable([1.0])
for _ in range(3):
    o.apply([tf.constant([1.0])], [v])
before = v.numpy().tolist()
o.finalize_variable_values([v])
out = [before, v.numpy().tolist(), [x.path for x in o.variables]]
""",
    "iterations_accumulation": """
o = keras.optimizers.SGD(0.5, gradient_accumulation_steps=2)
v = keras.Variable([1.0])
seen = []
for _ in range(5):
    o.apply([tf.constant([1.0])], [v])
    seen.append((int(np.asarray(o.iterations)), v.numpy().tolist()))
out = [seen, repr(o._iterations)]
""",
    "save_own_variables": """
o = keras.optimizers.SGD(momentum=0.5)
v = keras.Variable([1.0, 2.0])
o.apply([tf.constant([1.0, 1.0])], [v])
store = {}
o.save_own_variables(store)
out = {k: np.asarray(x).tolist() for k, x in store.items()}
""",
    "legacy_names": """
L = keras.optimizers.legacy
out = [n for n in dir(L) if not n.startswith("_")] + [L.Adam is L.SGD]
""",
    "err_legacy_adam": "keras.optimizers.legacy.Adam(0.1)",
    "apply_gradients_zip": """
o = keras.optimizers.SGD(0.1)
v = keras.Variable([1.0])
out = [repr(o.apply_gradients(zip([tf.constant([1.0])], [v]))), v.numpy().tolist()]
""",
    "err_loss_scale_sparse": """
v = keras.Variable(np.ones((3, 2), "float32"))
o = keras.optimizers.SGD(0.1, loss_scale_factor=2.0)
g = tf.IndexedSlices(tf.ones((2, 2)), tf.constant([0, 2]), tf.constant([3, 2]))
o.apply([g], [v])
""",
    "numpy_and_list_gradients": """
out = []
for c in ["SGD", "Adam", "RMSprop", "Adagrad"]:
    o = getattr(keras.optimizers, c)(0.1)
    v = keras.Variable([1.0, 2.0])
    o.apply([np.array([0.5, -0.5], "float32")], [v])
    o.apply([np.array([0.25, 1.0])], [v])
    o.apply([[1.0, 1.0]], [v])
    out.append(v.numpy().tolist())
""",
    "err_stateless_apply": """
o = keras.optimizers.SGD()
v = keras.Variable([1.0])
o.build([v])
o.stateless_apply([x.value for x in o.variables], [tf.constant([1.0])], [v.value])
""",
    "err_apply_gradients_empty": "keras.optimizers.SGD().apply_gradients([])",
    "load_own_variables_mismatch": """
o = keras.optimizers.SGD()
o.load_own_variables({"0": 1})
out = [x.numpy().tolist() for x in o.variables]
""",
}


def run_snippet(code: str, tf, name_scope=None) -> dict:
    """Runs a snippet; `name_scope` is Keras' (`keras.name_scope` unless given)."""
    keras = tf.keras
    keras.backend.clear_session()
    scope = {"tf": tf, "keras": keras, "np": np, "name_scope": name_scope or keras.name_scope}
    record: dict = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(code, scope)
            record["out"] = _describe(scope.get("out"))
        except Exception as e:  # the error is the recorded result
            record["error"] = [type(e).__name__, str(e)]
    # Keras' own warnings (UserWarning); NumPy's DeprecationWarnings about TF are noise.
    record["warnings"] = [
        [w.category.__name__, str(w.message)] for w in caught if w.category is UserWarning
    ]
    return record


def _describe(x):
    if isinstance(x, dict):
        return {str(k): _describe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_describe(v) for v in x]
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    return repr(x)


def main():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    golden = {
        "versions": {
            "tensorflow": tf.__version__,
            "keras": tf.keras.__version__,
            "numpy": np.__version__,
        },  # fmt: skip
        "trajectories": [],
        "schedules": [],
        "snippets": {},
    }
    for case in _trajectory_cases():
        golden["trajectories"].append({**case, "out": run_trajectory(case, tf)})
    for i in range(len(SCHEDULES)):
        golden["schedules"].append(
            {"class": SCHEDULES[i][0], "kwargs": SCHEDULES[i][1], "out": run_schedule(i, tf)}
        )
    for name, code in SNIPPETS.items():
        golden["snippets"][name] = {"code": code, "out": run_snippet(code, tf)}
    OUT.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}: {len(golden['trajectories'])} trajectories, "
          f"{len(golden['schedules'])} schedules, {len(golden['snippets'])} snippets")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
