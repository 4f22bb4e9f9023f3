"""Generates tests/data/tf_keras_progbar_goldens.json: Keras' progress bar and callbacks, bytes.

Usage (TensorFlow/Keras live in their own venv, never in the project's environment)::

    /work/tfvenv/bin/python tools/tf_goldens/make_keras_progbar_goldens.py

Every case is code run with real Keras 3.15.1 (`keras.utils.Progbar`, `keras.callbacks.*`)
under a fake clock (`time.time` replaced by `clock`, which the code advances by hand) and a
fake `sys.stdout` that records the exact text written. tests/test_keras_progbar.py and
tests/test_keras_callbacks.py replay the same code on tapeflow (whose Progbar reads the
replaceable `tapeflow.keras._src.utils.progbar.time`) and compare the text byte for byte, the
`result` the code leaves (JSON), the warnings and the exception.

PREAMBLE (stored in the JSON, run before every case) defines the fakes: `clock`, `OUT` (the
recorder; `OUT.ascii = True` makes it refuse non-ASCII like a C-locale terminal),
`FakeModel`/`FakeOptimizer` (the attributes callbacks read: `stop_training`,
`optimizer.learning_rate` stored as float32 like a Keras variable, get/set_weights,
save/save_weights recording their calls) and `fit_like`/`evaluate_like`/`predict_like`, which
call the hooks in the order Keras' TensorFlow trainer does (keras/src/backend/tensorflow/
trainer.py), with the logs given by the case.

Names a case can use: `callbacks` (the keras.callbacks namespace), `Progbar`,
`pythonify_logs`, `print_msg`, `config` (enable/disable_interactive_logging), `np`.
"""

from __future__ import annotations

import os
import sys
import time

from family import DATA, write
from progbar_runner import run_case  # tests/ is on sys.path (family)

OUTPUT = DATA / "tf_keras_progbar_goldens.json"

PREAMBLE = r'''
class Clock:
    def __init__(self):
        self.t = 1000.0
    def __call__(self):
        return self.t
    def tick(self, dt):
        self.t += dt

clock = Clock()
set_clock(clock)


class FakeOptimizer:
    def __init__(self, lr=0.001, name="adam"):
        self._lr = np.float32(lr)
        self.name = name
        self.built = True
    @property
    def learning_rate(self):
        return self._lr
    @learning_rate.setter
    def learning_rate(self, value):
        self._lr = np.float32(value)


class FakeModel:
    def __init__(self, lr=0.001):
        self.stop_training = False
        self.optimizer = FakeOptimizer(lr)
        self.weights = [np.zeros(2, np.float32)]
        self.calls = []
        self.built = True
        self.trainable_variables = []
        self._initial_epoch = None
    def get_weights(self):
        return [w.copy() for w in self.weights]
    def set_weights(self, weights):
        self.calls.append(("set_weights", [w.tolist() for w in weights]))
        self.weights = [np.array(w) for w in weights]
    def save_weights(self, filepath, overwrite=True):
        self.calls.append(("save_weights", filepath, overwrite))
        if filepath.endswith("latest.weights.h5"):  # BackupAndRestore checks the file exists
            with open(filepath, "w") as f:
                f.write(str(len(self.calls)))
    def load_weights(self, filepath):
        with open(filepath) as f:
            self.calls.append(("load_weights", filepath, f.read()))
    def save(self, filepath, overwrite=True):
        self.calls.append(("save", filepath, overwrite))


def fit_like(cbs, epochs, steps, logs, val=None, verbose=1, model=None, dt=0.1,
             known_steps=True, on_step=None):
    """Keras' fit loop: `logs(epoch, step)` is a train step's logs, `val(epoch)` the
    validation results (or None); each step takes `dt` seconds of the fake clock."""
    model = model if model is not None else FakeModel()
    cl = callbacks.CallbackList(cbs, add_history=True, add_progbar=verbose != 0,
                                verbose=verbose, epochs=epochs,
                                steps=steps if known_steps else None, model=model)
    model.stop_training = False
    cl.on_train_begin()
    training_logs = None
    step_logs = {}
    for epoch in range(model._initial_epoch or 0, epochs):
        cl.on_epoch_begin(epoch)
        for step in range(steps):
            cl.on_train_batch_begin(step)
            clock.tick(dt)
            if on_step is not None:
                on_step(model, epoch, step)
            step_logs = logs(epoch, step)
            cl.on_train_batch_end(step, step_logs)
            if model.stop_training:
                break
        epoch_logs = dict(step_logs)
        v = val(epoch) if val is not None else None
        if v is not None:
            cl.on_test_begin()
            for step in range(2):
                cl.on_test_batch_begin(step)
                clock.tick(dt / 2)
                cl.on_test_batch_end(step, v)
            cl.on_test_end(pythonify_logs(v))
            epoch_logs.update({"val_" + k: x for k, x in pythonify_logs(v).items()})
        cl.on_epoch_end(epoch, epoch_logs)
        training_logs = epoch_logs
        if model.stop_training:
            break
    cl.on_train_end(logs=training_logs)
    return model.history


def evaluate_like(steps, logs, verbose=1, dt=0.02, known_steps=True, cbs=None):
    model = FakeModel()
    cl = callbacks.CallbackList(cbs, add_progbar=verbose != 0, verbose=verbose, epochs=1,
                                steps=steps if known_steps else None, model=model)
    cl.on_test_begin()
    step_logs = {}
    for step in range(steps):
        cl.on_test_batch_begin(step)
        clock.tick(dt)
        step_logs = logs(step)
        cl.on_test_batch_end(step, step_logs)
    final = pythonify_logs(step_logs)
    cl.on_test_end(final)
    return final


def predict_like(steps, verbose=1, dt=0.02, known_steps=True, cbs=None):
    model = FakeModel()
    cl = callbacks.CallbackList(cbs, add_progbar=verbose != 0, verbose=verbose, epochs=1,
                                steps=steps if known_steps else None, model=model)
    cl.on_predict_begin()
    for step in range(steps):
        cl.on_predict_batch_begin(step)
        clock.tick(dt)
        cl.on_predict_batch_end(step, {"outputs": np.zeros((2, 1), np.float32)})
    cl.on_predict_end()


def acc_loss(epoch, step):
    # a train step's logs: running means, float32 like a metric's result, keys unsorted
    return {"loss": np.float32(0.7 - 0.01 * step - 0.1 * epoch),
            "accuracy": np.float32(0.4 + 0.02 * step + 0.05 * epoch)}


def losses(seq):
    return lambda epoch, step: {"loss": np.float32(seq[epoch])}
'''

CASES: dict[str, str] = {}


def case(name: str, code: str) -> None:
    assert name not in CASES, name
    CASES[name] = code


# -- Progbar, driven directly ------------------------------------------------------------------
case(
    "bar_v1_basic",
    """
p = Progbar(4)
for i in range(1, 5):
    clock.tick(0.3)
    p.update(i, [("loss", 0.5 / i), ("acc", 0.25 * i)])
""",
)
case(
    "bar_v1_interval_skips_redraws",
    """
p = Progbar(10)
for i in range(1, 11):
    clock.tick(0.02)
    p.update(i, [("loss", 1.0 / i)])
""",
)
case(
    "bar_v1_custom_interval_width",
    """
p = Progbar(7, width=10, interval=0.0)
for i in range(1, 8):
    clock.tick(0.001)
    p.update(i)
""",
)
case(
    "bar_v1_padding_after_wider_line",
    """
p = Progbar(3, interval=0)
clock.tick(1.0); p.update(1, [("loss", 12345.678)], finalize=False)
clock.tick(1.0); p.update(2, [("loss", 0.5)], finalize=False)
clock.tick(1.0); p.update(3, [("a", 0.5)])
""",
)
case(
    "bar_v1_small_and_negative_values",
    """
p = Progbar(2, stateful_metrics=["z", "n", "s", "big", "neg"])
clock.tick(0.5)
p.update(1, [("z", 0.0), ("n", -0.0005), ("s", 0.001), ("big", 1e6), ("neg", -2.5)])
clock.tick(0.5)
p.update(2, [("z", 0.0), ("n", -0.0005), ("s", 0.00100001), ("big", 1e6), ("neg", -2.5)])
""",
)
case(
    "bar_v2_small_and_negative_values",
    """
p = Progbar(2, verbose=2, stateful_metrics=["z", "n", "s", "neg"])
clock.tick(0.5)
p.update(1, [("z", 0.0), ("n", -0.0005), ("s", 0.002), ("neg", -2.5)])
clock.tick(0.5)
p.update(2, [("z", 0.0), ("n", -0.0005), ("s", 0.002), ("neg", -2.5)])
""",
)
case(
    "bar_v1_stateless_averaging_weights",
    """
p = Progbar(10, interval=0)
clock.tick(0.1); p.update(2, [("loss", 1.0)])
clock.tick(0.1); p.update(5, [("loss", 2.0)])
clock.tick(0.1); p.update(5, [("loss", 4.0)])
clock.tick(0.1); p.add(3, [("loss", 3.0), ("new", 1.5)])
clock.tick(0.1); p.update(10, [("loss", 9.0)])
result = p._values
""",
)
case(
    "bar_v1_stateless_metrics_list",
    """
p = Progbar(3, interval=0, stateless_metrics=["avg"])
for i in range(1, 4):
    clock.tick(0.2)
    p.update(i, [("avg", float(i)), ("raw", float(i))])
""",
)
case(
    "bar_both_metric_lists_error",
    """
Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])
""",
)
case(
    "bar_v1_array_values",
    """
p = Progbar(2, interval=0)
clock.tick(0.2); p.update(1, [("m", np.array([1.0, 2.0, 4.0]))])
clock.tick(0.2); p.update(2, [("m", np.array([3.0, 3.0]))])
""",
)
case(
    "bar_v1_eta_formats",
    """
p = Progbar(100000, interval=0)
clock.tick(0.5); p.update(1)
clock.tick(0.5); p.update(2)
clock.tick(0.001); p.update(3)
clock.tick(1.0); p.update(99000)
clock.tick(30.0); p.update(99990)
clock.tick(100.0); p.update(100000)
""",
)
case(
    "bar_v1_time_units",
    """
p = Progbar(5, interval=0)
clock.tick(2.5); p.update(1)
clock.tick(0.0004); p.update(2)
clock.tick(0.0406); p.update(3)
clock.tick(3.0); p.update(4)
clock.tick(0.0); p.update(5)
""",
)
case(
    "bar_v1_zero_step_and_unit_name",
    """
p = Progbar(3, interval=0, unit_name="sample")
p.update(0)
clock.tick(0.2); p.update(1)
clock.tick(0.2); p.update(3)
""",
)
case(
    "bar_v1_unknown_target",
    """
p = Progbar(None, interval=0)
for i in range(1, 4):
    clock.tick(0.1)
    p.update(i, [("loss", 1.0 / i)])
clock.tick(0.1)
p.update(3, [("loss", 0.25)], finalize=True)
""",
)
case(
    "bar_v2_unknown_target_prints_nothing",
    """
p = Progbar(None, verbose=2)
for i in range(1, 4):
    clock.tick(0.1)
    p.update(i, [("loss", 1.0 / i)])
p.update(3, finalize=True)
""",
)
case(
    "bar_v1_target_zero",
    """
p = Progbar(0, interval=0)
clock.tick(0.1); p.update(0)
clock.tick(0.1); p.update(1)
""",
)
case(
    "bar_v1_wide_target_counter",
    """
p = Progbar(1000, interval=0)
clock.tick(0.1); p.update(7)
clock.tick(0.1); p.update(999)
clock.tick(0.1); p.update(1000)
""",
)
case(
    "bar_v1_finalize_before_target",
    """
p = Progbar(10, interval=0)
clock.tick(0.1); p.update(4, [("x", 1.0)])
clock.tick(0.1); p.update(6, [("x", 2.0)], finalize=True)
""",
)
case(
    "bar_verbose0_silent",
    """
p = Progbar(3, verbose=0)
for i in range(1, 4):
    clock.tick(0.1)
    p.update(i, [("x", 1.0)])
result = p._values
""",
)
case(
    "bar_v1_ascii_stream",
    """
OUT.ascii = True
p = Progbar(2)
clock.tick(0.1); p.update(1, [("loss", 0.5)])
clock.tick(0.1); p.update(2, [("loss", 0.25)])
print_msg("caf\\u00e9 \\u2501 ok")
""",
)
case(
    "print_msg_line_break",
    """
print_msg("a")
print_msg("b", line_break=False)
print_msg(3.5)
""",
)
case(
    "print_msg_interactive_logging_off",
    """
config.disable_interactive_logging()
print_msg("hidden")
flag = config.is_interactive_logging_enabled()
config.enable_interactive_logging()
print_msg("shown")
result = [flag, config.is_interactive_logging_enabled()]
""",
)

# -- ProgbarLogger through CallbackList, the trainer's hook order ----------------------------
case(
    "fit_v1_two_epochs_validation",
    """
h = fit_like(None, epochs=2, steps=4, logs=acc_loss,
             val=lambda e: {"loss": np.float32(0.65), "accuracy": np.float32(0.55)})
result = [h.history, h.epoch, h.params]
""",
)
case(
    "fit_v1_one_epoch_no_header",
    """
h = fit_like(None, epochs=1, steps=3, logs=acc_loss)
result = [h.history, h.epoch, h.params]
""",
)
case(
    "fit_v1_fast_steps_skip_frames",
    """
h = fit_like(None, epochs=2, steps=20, logs=acc_loss, dt=0.013)
""",
)
case(
    "fit_v2_validation",
    """
h = fit_like(None, epochs=2, steps=3, logs=acc_loss, verbose=2,
             val=lambda e: {"loss": np.float32(0.63), "accuracy": np.float32(0.55)})
result = [h.history, h.params]
""",
)
case(
    "fit_auto_verbose",
    """
h = fit_like(None, epochs=2, steps=2, logs=acc_loss, verbose="auto")
result = h.params
""",
)
case(
    "fit_v0_silent",
    """
h = fit_like(None, epochs=2, steps=2, logs=acc_loss, verbose=0)
result = [h.history, h.params]
""",
)
case(
    "fit_v1_unknown_steps",
    """
h = fit_like(None, epochs=2, steps=3, logs=acc_loss, known_steps=False)
result = [h.history, h.params]
""",
)
case(
    "fit_v2_unknown_steps",
    """
h = fit_like(None, epochs=2, steps=3, logs=acc_loss, known_steps=False, verbose=2,
             val=lambda e: {"loss": np.float32(0.6)})
result = h.params
""",
)
case(
    "fit_v1_steps_per_execution_jumps",
    """
cl = callbacks.CallbackList(None, add_progbar=True, verbose=1, epochs=1, steps=6)
cl.on_train_begin()
cl.on_epoch_begin(0)
for begin, end in [(0, 1), (2, 3), (4, 5)]:
    cl.on_train_batch_begin(begin)
    clock.tick(0.2)
    cl.on_train_batch_end(end, {"loss": np.float32(0.1 * end)})
cl.on_epoch_end(0, {"loss": np.float32(0.3)})
cl.on_train_end()
""",
)
case(
    "fit_v1_validation_freq_gaps",
    """
h = fit_like(None, epochs=3, steps=2, logs=acc_loss,
             val=lambda e: {"loss": np.float32(0.6)} if e % 2 else None)
result = h.history
""",
)
case(
    "evaluate_v1",
    """
result = evaluate_like(4, lambda s: {"loss": np.float32(0.7), "accuracy": np.float32(0.49)})
""",
)
case(
    "evaluate_v2",
    """
result = evaluate_like(4, lambda s: {"loss": np.float32(0.7), "accuracy": np.float32(0.49)},
                       verbose=2)
""",
)
case(
    "evaluate_v1_unknown_steps",
    """
result = evaluate_like(3, lambda s: {"loss": np.float32(0.5)}, known_steps=False)
""",
)
case(
    "predict_v1",
    """
predict_like(3)
""",
)
case(
    "predict_v2",
    """
predict_like(4, verbose=2)
""",
)
case(
    "predict_v1_unknown_steps",
    """
predict_like(3, known_steps=False)
""",
)
case(
    "progbar_logger_reused_for_evaluate_after_fit",
    """
pl = callbacks.ProgbarLogger()
fit_like([pl], epochs=1, steps=2, logs=acc_loss)
evaluate_like(2, lambda s: {"loss": np.float32(0.5)}, cbs=[pl])
""",
)

# -- Callback, CallbackList, History -------------------------------------------------------
_RECORDER = """
class Recorder(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []
    def _rec(self, name, *args, logs=None):
        self.events.append([name, *args, logs])

for _hook in ["on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
              "on_predict_begin", "on_predict_end"]:
    setattr(Recorder, _hook, (lambda n: lambda self, logs=None: self._rec(n, logs=logs))(_hook))
for _hook in ["on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end",
              "on_test_batch_begin", "on_test_batch_end", "on_batch_begin", "on_batch_end"]:
    setattr(Recorder, _hook,
            (lambda n: lambda self, i, logs=None: self._rec(n, i, logs=logs))(_hook))
"""
case(
    "callback_hook_order_fit",
    _RECORDER
    + """
r = Recorder()
m = FakeModel()
h = fit_like([r], epochs=2, steps=2, logs=acc_loss, verbose=0, model=m,
             val=lambda e: {"loss": np.float32(0.6)})
result = [r.events, r.params, r.model is m, m.history is h]
""",
)
case(
    "callback_base_batch_aliases",
    """
class Old(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = []
    def on_batch_begin(self, batch, logs=None):
        self.seen.append(["begin", batch, logs])
    def on_batch_end(self, batch, logs=None):
        self.seen.append(["end", batch, logs])

o = Old()
fit_like([o], epochs=1, steps=2, logs=acc_loss, verbose=0)
evaluate_like(1, lambda s: {"loss": np.float32(0.5)}, verbose=0, cbs=[o])
b = callbacks.Callback()
result = [o.seen, b.params, b.model,
          b.on_epoch_begin(0), b.on_train_batch_end(0, {"a": 1}), b.on_predict_end()]
""",
)
case(
    "callback_list_defaults_and_flatten",
    """
h = callbacks.History()
p = callbacks.ProgbarLogger()
c1, c2 = callbacks.Callback(), callbacks.Callback()
m = FakeModel()
cl = callbacks.CallbackList([c1, [h, (c2,)], p], add_history=True, add_progbar=True,
                            model=m, verbose=2, epochs=3, steps=5)
order = [type(c).__name__ for c in cl.callbacks]
cl2 = callbacks.CallbackList([c1], add_history=True, add_progbar=True, model=m,
                             verbose=1, epochs=1, steps=2)
order2 = [type(c).__name__ for c in cl2.callbacks]
cl3 = callbacks.CallbackList(c1)
result = [order, m.history is cl2.callbacks[1], h.params, p.verbose, p.epochs, p.target,
          order2, [type(c).__name__ for c in cl3.callbacks], cl3.params, c1.params,
          cl2.model is m]
""",
)
case(
    "callback_list_end_without_begin",
    """
cl = callbacks.CallbackList([])
cl.on_train_end()
""",
)
case(
    "callback_list_no_model_no_params",
    """
c = callbacks.Callback()
cl = callbacks.CallbackList([c], add_history=True)
result = [c.model, c.params, cl.params, len(cl.callbacks)]
""",
)
case(
    "pythonify_logs_values",
    """
result = pythonify_logs({"b": np.float32(0.1), "a": {"z": 1, "y": np.int64(3)}, "c": "1.5",
                         "d": "text", "e": None, "f": np.array(2.5)})
result = {k: [v, type(v).__name__] for k, v in result.items()}
""",
)
case(
    "history_reused_across_fits",
    """
h = callbacks.History()
m = FakeModel()
fit_like([h], epochs=2, steps=1, logs=losses([0.5, 0.4]), verbose=0, model=m)
fit_like([h], epochs=1, steps=1, logs=losses([0.3]), verbose=0, model=m)
result = [h.history, h.epoch, m.history is h]
""",
)

# -- EarlyStopping -----------------------------------------------------------------------------
case(
    "early_stopping_patience",
    """
es = callbacks.EarlyStopping(monitor="loss", patience=1, verbose=1)
h = fit_like([es], epochs=6, steps=2, logs=losses([0.5, 0.4, 0.45, 0.46, 0.3, 0.2]),
             verbose=0)
result = [h.history, h.epoch, es.stopped_epoch, es.wait, es.best, es.best_epoch]
""",
)
case(
    "early_stopping_patience0_never_stops_at_epoch0",
    """
es = callbacks.EarlyStopping(monitor="loss", verbose=1)
h = fit_like([es], epochs=4, steps=1, logs=losses([0.5, 0.6, 0.4, 0.3]), verbose=2)
result = [h.epoch, es.stopped_epoch]
""",
)
case(
    "early_stopping_min_delta_float32_compare",
    """
es = callbacks.EarlyStopping(monitor="loss", min_delta=0.01, patience=0, verbose=1)
h = fit_like([es], epochs=4, steps=1, logs=losses([0.5, 0.495, 0.48, 0.47]), verbose=0)
es2 = callbacks.EarlyStopping(monitor="loss", patience=0)
seq = [0.1, 0.1 - 1e-9, 0.09]
h2 = fit_like([es2], epochs=3, steps=1, logs=lambda e, s: {"loss": seq[e]}, verbose=0)
result = [h.epoch, es.min_delta, h2.epoch, es2.best]
""",
)
case(
    "early_stopping_restore_best_weights",
    """
def bump(model, epoch, step):
    model.weights = [model.weights[0] + 1.0]

m = FakeModel()
es = callbacks.EarlyStopping(monitor="loss", patience=2, verbose=1, restore_best_weights=True)
h = fit_like([es], epochs=6, steps=1, logs=losses([0.5, 0.3, 0.4, 0.45, 0.2, 0.1]),
             verbose=0, model=m, on_step=bump)
result = [h.epoch, m.calls, es.best_epoch, m.weights[0].tolist()]
""",
)
case(
    "early_stopping_baseline",
    """
es = callbacks.EarlyStopping(monitor="loss", patience=2, baseline=0.2, verbose=1,
                             restore_best_weights=True)
m = FakeModel()
h = fit_like([es], epochs=6, steps=1, logs=losses([0.5, 0.4, 0.3, 0.25, 0.1, 0.05]),
             verbose=0, model=m)
result = [h.epoch, es.best, es.best_epoch, len(m.calls)]
""",
)
case(
    "early_stopping_start_from_epoch_and_max_mode",
    """
es = callbacks.EarlyStopping(monitor="acc", mode="max", patience=0, start_from_epoch=2,
                             verbose=1)
seq = [0.9, 0.1, 0.2, 0.3, 0.25, 0.5]
h = fit_like([es], epochs=6, steps=1, logs=lambda e, s: {"acc": seq[e]}, verbose=0)
result = [h.epoch, es.stopped_epoch, es.best]
""",
)
case(
    "early_stopping_missing_monitor_warns",
    """
es = callbacks.EarlyStopping(patience=0)
h = fit_like([es], epochs=2, steps=1, logs=losses([0.5, 0.6]), verbose=0)
result = h.epoch
""",
)
case(
    "early_stopping_auto_mode_unknown_metric",
    """
es = callbacks.EarlyStopping(monitor="acc")
fit_like([es], epochs=2, steps=1, logs=lambda e, s: {"acc": 0.5}, verbose=0)
""",
)
case(
    "early_stopping_unknown_mode_warns",
    """
es = callbacks.EarlyStopping(monitor="val_loss", mode="sideways")
result = [es.mode, es.monitor, es.patience, es.min_delta, es.baseline, es.best]
""",
)
case(
    "early_stopping_reused",
    """
es = callbacks.EarlyStopping(monitor="loss", patience=0, verbose=1)
h = fit_like([es], epochs=3, steps=1, logs=losses([0.5, 0.6, 0.7]), verbose=0)
h2 = fit_like([es], epochs=3, steps=1, logs=losses([0.5, 0.4, 0.3]), verbose=0)
result = [h.epoch, h2.epoch, es.stopped_epoch, es.best]
""",
)

# -- LearningRateScheduler ---------------------------------------------------------------------
case(
    "lr_scheduler_verbose_and_logs",
    """
m = FakeModel(lr=0.001)
s = callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5, verbose=1)
h = fit_like([s], epochs=2, steps=2, logs=acc_loss, model=m)
result = [h.history, float(m.optimizer.learning_rate)]
""",
)
case(
    "lr_scheduler_v2_keys_order",
    """
m = FakeModel(lr=0.01)
s = callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
h = fit_like([s], epochs=2, steps=1, logs=acc_loss, model=m, verbose=2,
             val=lambda e: {"loss": np.float32(0.6)})
result = [list(h.history), h.history["learning_rate"]]
""",
)
case(
    "lr_scheduler_old_one_arg_api",
    """
m = FakeModel()
s = callbacks.LearningRateScheduler(lambda epoch: 0.25 * (epoch + 1), verbose=1)
fit_like([s], epochs=2, steps=1, logs=acc_loss, model=m, verbose=0)
result = float(m.optimizer.learning_rate)
""",
)
case(
    "lr_scheduler_non_float_error",
    """
s = callbacks.LearningRateScheduler(lambda epoch, lr: 1)
fit_like([s], epochs=1, steps=1, logs=acc_loss, verbose=0)
""",
)
case(
    "lr_scheduler_no_learning_rate_error",
    """
m = FakeModel()
m.optimizer = object()
s = callbacks.LearningRateScheduler(lambda epoch, lr: lr)
fit_like([s], epochs=1, steps=1, logs=acc_loss, verbose=0, model=m)
""",
)

# -- ReduceLROnPlateau -------------------------------------------------------------------------
case(
    "reduce_lr_on_plateau_verbose",
    """
m = FakeModel(lr=0.001)
r = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, verbose=1,
                                min_lr=0.0002)
h = fit_like([r], epochs=7, steps=1, logs=losses([0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]),
             model=m, verbose=2)
result = [h.history, float(m.optimizer.learning_rate), r.wait, r.best]
""",
)
case(
    "reduce_lr_on_plateau_cooldown",
    """
m = FakeModel(lr=0.1)
r = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.1, patience=0, cooldown=2,
                                verbose=1, min_delta=0)
h = fit_like([r], epochs=6, steps=1, logs=losses([0.5] * 6), model=m, verbose=0)
result = [h.history["learning_rate"], r.cooldown_counter]
""",
)
case(
    "reduce_lr_on_plateau_missing_monitor",
    """
m = FakeModel()
r = callbacks.ReduceLROnPlateau()
h = fit_like([r], epochs=1, steps=1, logs=acc_loss, model=m, verbose=0)
result = h.history
""",
)
case(
    "reduce_lr_on_plateau_factor_error",
    """
callbacks.ReduceLROnPlateau(factor=1.0)
""",
)

# -- ModelCheckpoint ---------------------------------------------------------------------------
case(
    "checkpoint_best_only_weights",
    """
m = FakeModel()
c = callbacks.ModelCheckpoint("ckpt/best.weights.h5", monitor="loss", save_best_only=True,
                              save_weights_only=True, verbose=1)
fit_like([c], epochs=3, steps=1, logs=losses([0.6931472, 0.7, 0.5]), model=m, verbose=0)
result = [m.calls, c.best, os.path.isdir("ckpt")]
""",
)
case(
    "checkpoint_every_epoch_formatted_path",
    """
m = FakeModel()
c = callbacks.ModelCheckpoint("m-{epoch:02d}-{loss:.2f}.keras", verbose=1)
fit_like([c], epochs=2, steps=1, logs=losses([0.61, 0.4]), model=m, verbose=0,
         val=lambda e: {"loss": np.float32(0.5)})
result = m.calls
""",
)
case(
    "checkpoint_save_freq_batches",
    """
m = FakeModel()
c = callbacks.ModelCheckpoint("b{epoch}_{batch}.weights.h5", save_weights_only=True,
                              save_freq=3, monitor="loss")
fit_like([c], epochs=2, steps=4, logs=acc_loss, model=m, verbose=0)
result = m.calls
""",
)
case(
    "checkpoint_val_monitor_max_mode",
    """
m = FakeModel()
c = callbacks.ModelCheckpoint("best.keras", monitor="val_acc", mode="max",
                              save_best_only=True, verbose=1, initial_value_threshold=0.5)
seq = [0.4, 0.6, 0.55, 0.7]
fit_like([c], epochs=4, steps=1, logs=acc_loss, model=m, verbose=0,
         val=lambda e: {"acc": np.float32(seq[e])})
result = [m.calls, c.best]
""",
)
case(
    "checkpoint_missing_monitor_warns",
    """
m = FakeModel()
c = callbacks.ModelCheckpoint("x.keras", save_best_only=True)
fit_like([c], epochs=1, steps=1, logs=acc_loss, model=m, verbose=0)
result = m.calls
""",
)
case(
    "checkpoint_bad_path_key",
    """
c = callbacks.ModelCheckpoint("x-{val_auc:.2f}.keras", monitor="loss")
fit_like([c], epochs=1, steps=1, logs=acc_loss, verbose=0)
""",
)
case(
    "checkpoint_weights_suffix_error",
    """
callbacks.ModelCheckpoint("x.h5", save_weights_only=True)
""",
)
case(
    "checkpoint_model_suffix_error",
    """
callbacks.ModelCheckpoint("x.weights")
""",
)
case(
    "checkpoint_save_freq_error",
    """
callbacks.ModelCheckpoint("x.keras", save_freq="batch")
""",
)
case(
    "checkpoint_legacy_h5_accepted",
    """
c = callbacks.ModelCheckpoint("x.h5")
result = [c.filepath, c.monitor, c.save_freq, c.best, c.save_best_only, c.verbose]
""",
)

# -- CSVLogger, TerminateOnNaN, LambdaCallback ----------------------------------------------
case(
    "csv_logger_with_validation",
    """
c = callbacks.CSVLogger("log.csv")
fit_like([c], epochs=2, steps=1, logs=acc_loss, verbose=0,
         val=lambda e: {"loss": np.float32(0.6), "accuracy": np.float32(0.5)})
with open("log.csv", newline="") as f:
    result = f.read()
""",
)
case(
    "csv_logger_reserves_val_columns_and_appends",
    """
c = callbacks.CSVLogger("log.csv", separator=";", append=True)
fit_like([c], epochs=2, steps=1, logs=acc_loss, verbose=0,
         val=lambda e: {"loss": np.float32(0.6)} if e else None)
fit_like([c], epochs=1, steps=1, logs=losses([0.25]), verbose=0)
with open("log.csv", newline="") as f:
    result = f.read()
""",
)
case(
    "csv_logger_list_and_string_values",
    """
c = callbacks.CSVLogger("log.csv")
m = FakeModel()
cl = callbacks.CallbackList([c], model=m, verbose=0, epochs=1, steps=1)
cl.on_train_begin()
c.on_epoch_end(0, {"b": [1, 2.5], "a": "x,y", "c": np.array(3.0)})
cl.on_train_end()
with open("log.csv", newline="") as f:
    result = f.read()
""",
)
case(
    "terminate_on_nan",
    """
t = callbacks.TerminateOnNaN()
seq = [0.5, float("nan"), 0.3, 0.2]
m = FakeModel()
h = fit_like([t], epochs=2, steps=4, logs=lambda e, s: {"loss": seq[s]}, model=m)
result = [h.epoch, m.stop_training, h.history]
""",
)
case(
    "terminate_on_inf_raise",
    """
t = callbacks.TerminateOnNaN(raise_error=True)
seq = [0.5, float("inf")]
fit_like([t], epochs=1, steps=2, logs=lambda e, s: {"loss": seq[s]}, verbose=0)
""",
)
case(
    "lambda_callback",
    """
seen = []
lc = callbacks.LambdaCallback(
    on_epoch_begin=lambda epoch, logs: seen.append(["eb", epoch, logs]),
    on_epoch_end=lambda epoch, logs: seen.append(["ee", epoch, logs]),
    on_train_begin=lambda logs: seen.append(["tb", logs]),
    on_train_end=lambda logs: seen.append(["te", logs]),
    on_train_batch_end=lambda batch, logs: seen.append(["be", batch, logs]),
    on_test_end=lambda logs: seen.append(["test_end", logs]),
    extra=5,
)
fit_like([lc], epochs=2, steps=1, logs=losses([0.5, 0.4]), verbose=0,
         val=lambda e: {"loss": np.float32(0.6)})
result = [seen, lc.extra]
""",
)


case(
    "backup_and_restore_resumes",
    """
class Crash(callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 2:
            raise RuntimeError("preempted")

m = FakeModel()
b = callbacks.BackupAndRestore("backup")
try:
    fit_like([b, Crash()], epochs=4, steps=1, logs=losses([0.5, 0.4, 0.3, 0.2]), model=m,
             verbose=0)
except RuntimeError as e:
    crashed = str(e)
files = sorted(os.listdir("backup"))
with open("backup/training_metadata.json") as f:
    meta = f.read()
m2 = FakeModel()
h = fit_like([b], epochs=4, steps=1, logs=losses([0.5, 0.4, 0.3, 0.2]), model=m2, verbose=2)
result = [crashed, files, meta, m.calls, m2.calls, h.epoch, m2._initial_epoch,
          os.path.exists("backup")]
""",
)
case(
    "backup_and_restore_batches_double_checkpoint",
    """
m = FakeModel()
b = callbacks.BackupAndRestore("bk", save_freq=2, double_checkpoint=True,
                               delete_checkpoint=False)
fit_like([b], epochs=2, steps=3, logs=acc_loss, model=m, verbose=0)
with open("bk/training_metadata.json") as f:
    meta = f.read()
with open("bk/training_metadata.json.bkp") as f:
    prev = f.read()
result = [sorted(os.listdir("bk")), meta, prev, m.calls]
""",
)
case(
    "backup_and_restore_errors",
    """
errors = []
for kwargs in [dict(backup_dir=""), dict(backup_dir="b", save_freq="batch")]:
    try:
        callbacks.BackupAndRestore(**kwargs)
    except ValueError as e:
        errors.append(str(e))
m = FakeModel()
m.built = False
b = callbacks.BackupAndRestore("b")
b.set_model(m)
try:
    b.on_train_begin()
except ValueError as e:
    errors.append(str(e).split(" Model ")[0])
result = errors
""",
)


def keras_env() -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
    import keras
    import numpy as np
    from keras.src.utils import io_utils, python_utils

    real_time = time.time

    def set_clock(fn):
        time.time = fn

    def restore_clock():
        time.time = real_time

    return {
        "callbacks": keras.callbacks,
        "Progbar": keras.utils.Progbar,
        "pythonify_logs": python_utils.pythonify_logs,
        "print_msg": io_utils.print_msg,
        "config": keras.config,
        "np": np,
        "os": os,
        "set_clock": set_clock,
        "restore_clock": restore_clock,
    }


def main() -> None:
    env = keras_env()
    import keras

    cases = {name: dict(code=code, **run_case(code, env, PREAMBLE)) for name, code in CASES.items()}
    document = {
        "header": {
            "keras": keras.__version__,
            "python": sys.version.split()[0],
            "note": "generated by tools/tf_goldens/make_keras_progbar_goldens.py",
        },
        "preamble": PREAMBLE,
        "cases": cases,
    }
    write(OUTPUT, document, len(cases), ensure_ascii=False)


if __name__ == "__main__":
    main()
