"""`Trainer`: the training API `keras.Model` inherits (compile, fit, evaluate, predict,
train_on_batch, test_on_batch, predict_on_batch, train_step/test_step/predict_step).

As TF compiles `train_step` into a graph unless `run_eagerly=True`, tapeflow runs it under
`tf.function(jit_compile=True)`: the first step of each batch shape runs eagerly and traces,
later steps replay the recorded ops. As in TF, the very first call may create variables (the
optimizer's slots, the metrics' state) and is then traced again. Python side effects inside
`train_step` (a `print`) happen only while tracing, not on replays.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np

import tapeflow as tf

from .compile_utils import CompileLoss, CompileMetrics
from .data_adapter import EpochIterator, train_validation_split, unpack_x_y_sample_weight


def _pythonify_logs(logs) -> dict:
    """Sorted keys, values as Python floats (nested dicts flattened), as Keras' logs."""
    result = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(_pythonify_logs(value))
            continue
        try:
            value = float(value)
        except (TypeError, ValueError):
            pass
        result[key] = value
    return result


# The trainer's state before `compile` (not `optimizer`: reading it raises, as in Keras).
_STATE_DEFAULTS = {
    "compiled": False, "_compile_loss": None, "_compile_metrics": None, "_loss_tracker": None,
    "stop_training": False, "_run_eagerly": False, "jit_compile": False,
    "_train_function": None, "_test_function": None, "_predict_function": None,
    "history": None, "loss": None,
}  # fmt: skip


class Trainer:
    """The compile/fit/evaluate/predict half of `keras.Model` (mixed into `Model`)."""

    def _init_trainer(self):
        for name, value in _STATE_DEFAULTS.items():
            self.__dict__.setdefault(name, value)

    def __getattr__(self, name):
        # The trainer's state read before compile has its defaults; Keras raises for
        # `optimizer` only.
        if name in _STATE_DEFAULTS:
            return _STATE_DEFAULTS[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    # -- compile -------------------------------------------------------------------------------
    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        loss_weights=None,
        metrics=None,
        weighted_metrics=None,
        run_eagerly=False,
        steps_per_execution=1,
        jit_compile="auto",
        auto_scale_loss=True,
    ):
        """Configures the model for training (Keras 3's signature and defaults).

        `jit_compile='auto'` is False (TF picks no XLA on CPU); tapeflow's own trace and
        replay of `train_step` is on unless `run_eagerly=True`.
        """
        from ... import metrics as metrics_module
        from ... import optimizers

        self._init_trainer()
        state = self.__dict__  # trainer state is not tracked as layer state
        state["optimizer"] = optimizers.get(optimizer)
        output_names = getattr(self, "output_names", None)
        state["_compile_loss"] = (
            CompileLoss(loss, loss_weights, output_names) if loss is not None else None
        )
        state["loss"] = loss
        if metrics is not None or weighted_metrics is not None:
            state["_compile_metrics"] = CompileMetrics(metrics, weighted_metrics, output_names)
        else:
            state["_compile_metrics"] = None
        if jit_compile == "auto":
            jit_compile = False
        if jit_compile and run_eagerly:
            jit_compile = False
            warnings.warn(
                "If `run_eagerly` is True, then `jit_compile` cannot also be True. Disabling "
                "`jit_compile`.",
                stacklevel=2,
            )
        self.jit_compile = jit_compile
        self.run_eagerly = run_eagerly
        self.stop_training = False
        self.compiled = True
        state["_loss_tracker"] = metrics_module.Mean(name="loss")
        self.steps_per_execution = steps_per_execution
        self._train_function = self._test_function = self._predict_function = None
        self._compile_config = {
            "optimizer": optimizer, "loss": loss, "loss_weights": loss_weights,
            "metrics": metrics, "weighted_metrics": weighted_metrics,
            "run_eagerly": run_eagerly, "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        }  # fmt: skip

    @property
    def run_eagerly(self) -> bool:
        return self.__dict__.get("_run_eagerly", False)

    @run_eagerly.setter
    def run_eagerly(self, value):
        self.__dict__["_run_eagerly"] = bool(value)
        self.__dict__["_train_function"] = None
        self.__dict__["_test_function"] = None
        self.__dict__["_predict_function"] = None

    def get_compile_config(self) -> dict:
        """The compile arguments, objects serialized as Keras writes them in a `.keras` file."""
        if not (self.compiled and "_compile_config" in self.__dict__):
            return {}
        from .. import losses, metrics, optimizers

        def serialize(value, module):
            if value is None or isinstance(value, (str, int, float, bool)):
                return value
            if isinstance(value, (list, tuple)):
                return [serialize(v, module) for v in value]
            if isinstance(value, dict):
                return {k: serialize(v, module) for k, v in value.items()}
            return module.serialize(value)

        config = dict(self._compile_config)
        config["optimizer"] = serialize(config["optimizer"], optimizers)
        config["loss"] = serialize(config["loss"], losses)
        config["metrics"] = serialize(config["metrics"], metrics)
        config["weighted_metrics"] = serialize(config["weighted_metrics"], metrics)
        return config

    def compile_from_config(self, config):
        """Compiles from `get_compile_config()`'s output (what `load_model` does)."""
        from .. import losses, metrics, optimizers

        def deserialize(value, module):
            if isinstance(value, dict) and "class_name" in value:
                return module.deserialize(value)
            if isinstance(value, list):
                return [deserialize(v, module) for v in value]
            return value

        config = dict(config)
        config["optimizer"] = deserialize(config.get("optimizer"), optimizers)
        config["loss"] = deserialize(config.get("loss"), losses)
        config["metrics"] = deserialize(config.get("metrics"), metrics)
        config["weighted_metrics"] = deserialize(config.get("weighted_metrics"), metrics)
        self.compile(**config)
        if self.built and hasattr(self.optimizer, "build"):
            # As Keras: the optimizer is built, so its saved state can load into it.
            self.optimizer.build(self.trainable_variables)

    @property
    def metrics(self) -> list:
        """The loss tracker, the compiled metrics, then the model's own and sublayers'."""
        out = []
        if self.compiled:
            if self._loss_tracker is not None:
                out.append(self._loss_tracker)
            if self._compile_metrics is not None:
                out.append(self._compile_metrics)
            if self._compile_loss is not None:
                out.extend(self._compile_loss.metrics)
        out.extend(self._metrics)
        for layer in self._flatten_layers(include_self=False):
            if isinstance(layer, Trainer):
                continue
            out.extend(layer.metrics)
        return out

    @property
    def metrics_names(self) -> list:
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def _assert_compile_called(self, method_name=None):
        if not self.compiled:
            raise ValueError("You must call `compile()` before using the model.")

    # -- steps ---------------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss plus the model's added losses (regularizers, add_loss)."""
        losses = []
        if self._compile_loss is not None:
            loss = self._compile_loss(y, y_pred, sample_weight)
            if loss is not None:
                losses.append(loss)
        for loss in self.losses:
            losses.append(tf.cast(tf.reduce_sum(loss), "float32"))
        if not losses:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        if len(losses) == 1:
            return losses[0]
        return tf.add_n(losses)

    def _compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        if "training" in inspect.signature(self.compute_loss).parameters:
            return self.compute_loss(x, y, y_pred, sample_weight, training=training)
        return self.compute_loss(x, y, y_pred, sample_weight)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict:
        out = {}
        for metric in self.metrics:
            result = metric.result()
            if isinstance(result, dict):
                out.update(result)
            else:
                out[metric.name] = result
        return out

    def _batch_size_of(self, x):
        first = next(v for v in tf.nest.flatten(x) if v is not None)
        return tf.shape(first)[0]

    def _call(self, x, training):
        if self._call_has_training_arg:
            return self(x, training=training)
        return self(x)

    def train_step(self, data):
        """One optimisation step on a batch: forward, loss, gradients, optimizer, metrics."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self._call(x, training=True)
            loss = self._compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
            self._loss_tracker.update_state(loss, sample_weight=self._batch_size_of(x))
        trainable = self.trainable_weights
        if trainable:
            gradients = tape.gradient(loss, trainable)
            self.optimizer.apply_gradients(zip(gradients, trainable))
        else:
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data):
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self._call(x, training=False)
        loss = self._compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False
        )
        self._loss_tracker.update_state(loss, sample_weight=self._batch_size_of(x))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        x, _, _ = unpack_x_y_sample_weight(data)
        return self._call(x, training=False)

    def _step_function(self, kind):
        """The step `kind` runs per batch: eager, or traced and replayed (see module doc)."""
        attr = f"_{kind}_function"
        fn = self.__dict__.get(attr)
        if fn is not None:
            return fn
        step = getattr(self, f"{kind}_step")
        # tf.function lets the first call create variables (optimizer slots, metric state):
        # the next call traces again, later calls replay.
        fn = step if self.run_eagerly else tf.function(step, jit_compile=True)
        self.__dict__[attr] = fn
        return fn

    def make_train_function(self, force=False):
        if force:
            self.__dict__["_train_function"] = None
        return self._step_function("train")

    def make_test_function(self, force=False):
        if force:
            self.__dict__["_test_function"] = None
        return self._step_function("test")

    def make_predict_function(self, force=False):
        if force:
            self.__dict__["_predict_function"] = None
        return self._step_function("predict")

    # -- loops ---------------------------------------------------------------------------------
    def _callbacks(self, callbacks, verbose, epochs, steps, add_history):
        from ..callbacks.callback_list import CallbackList

        if isinstance(callbacks, CallbackList):
            return callbacks
        return CallbackList(
            callbacks,
            add_history=add_history,
            add_progbar=verbose != 0,
            verbose=verbose,
            epochs=epochs,
            steps=steps,
            model=self,
        )

    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_steps=None,
        validation_batch_size=None,
        validation_freq=1,
    ):
        """Trains for `epochs` epochs; returns the `History` (also `model.history`)."""
        self._assert_compile_called("fit")
        from .. import config

        if config.max_epochs() and config.max_epochs() < epochs:
            warnings.warn(f"Limiting epochs to {config.max_epochs()}", stacklevel=2)
            epochs = config.max_epochs()
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = train_validation_split(
                (x, y, sample_weight), validation_split
            )
        if type(x).__module__.startswith("tapeflow.data") and shuffle:
            warnings.warn(
                "`shuffle=True` was passed, but will be ignored since the data `x` was provided "
                "as a tf.data.Dataset. The Dataset is expected to already be shuffled (via "
                "`.shuffle(buffer_size)`).",
                UserWarning,
                stacklevel=2,
            )
            shuffle = False
        if validation_data is not None:
            val_x, val_y, val_sw = unpack_x_y_sample_weight(validation_data)
        iterator = EpochIterator(
            x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps_per_epoch,
            shuffle=shuffle, class_weight=class_weight,
        )  # fmt: skip
        callbacks = self._callbacks(callbacks, verbose, epochs, iterator.num_batches, True)
        self.stop_training = False
        train = self.make_train_function()
        callbacks.on_train_begin()
        logs = {}
        training_logs = None
        # BackupAndRestore sets `_initial_epoch` in on_train_begin when it resumes.
        initial_epoch = self.__dict__.pop("_initial_epoch", None) or initial_epoch
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            for step, data in iterator:
                callbacks.on_train_batch_begin(step)
                logs = _pythonify_logs(train(data))
                callbacks.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            epoch_logs = dict(_pythonify_logs(self.get_metrics_result())) if logs else {}
            if validation_data is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self.evaluate(
                    x=val_x, y=val_y, sample_weight=val_sw,
                    batch_size=validation_batch_size or batch_size, steps=validation_steps,
                    callbacks=callbacks, return_dict=True,
                )  # fmt: skip
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callbacks.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        callbacks.on_train_end(logs=training_logs)
        return self.history

    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=None,
        verbose="auto",
        sample_weight=None,
        steps=None,
        callbacks=None,
        return_dict=False,
        **kwargs,
    ):
        """The loss and metrics over the data: a list (loss first, then compile-metric order),
        a float when there is only the loss, or a sorted dict with `return_dict=True`."""
        self._assert_compile_called("evaluate")
        if kwargs:
            raise ValueError(f"Arguments not recognized: {kwargs}")
        iterator = EpochIterator(x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps)
        callbacks = self._callbacks(callbacks, verbose, 1, iterator.num_batches, False)
        test = self.make_test_function()
        self.stop_evaluating = False
        callbacks.on_test_begin()
        logs = {}
        self.reset_metrics()
        for step, data in iterator:
            callbacks.on_test_batch_begin(step)
            logs = _pythonify_logs(test(data))
            callbacks.on_test_batch_end(step, logs)
            if self.stop_evaluating:
                break
        logs = _pythonify_logs(self.get_metrics_result()) if logs else {}
        callbacks.on_test_end(logs)
        if return_dict:
            return logs
        return self._flatten_metrics_in_order(logs)

    def _flatten_metrics_in_order(self, logs):
        names = []
        for metric in self.metrics:
            if isinstance(metric, CompileMetrics):
                names += [m.name for m in metric.metrics]
            else:
                names.append(metric.name)
        results = [logs[n] for n in names if n in logs]
        results += [logs[k] for k in sorted(logs) if k not in names]
        return results[0] if len(results) == 1 else results

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs over `x`, batch by batch, as NumPy arrays."""
        iterator = EpochIterator(x, batch_size=batch_size, steps_per_epoch=steps)
        callbacks = self._callbacks(callbacks, verbose, 1, iterator.num_batches, False)
        predict = self.make_predict_function()
        self.stop_predicting = False
        callbacks.on_predict_begin()
        structure, columns = None, None
        for step, data in iterator:
            callbacks.on_predict_batch_begin(step)
            batch = predict(data)
            flat = tf.nest.flatten(batch)
            if structure is None:
                structure, columns = batch, [[] for _ in flat]
            for column, value in zip(columns, flat):
                column.append(np.asarray(value))
            callbacks.on_predict_batch_end(step, {"outputs": batch})
            if self.stop_predicting:
                break
        callbacks.on_predict_end()
        if structure is None:
            return None
        return tf.nest.pack_sequence_as(structure, [np.concatenate(c, axis=0) for c in columns])

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        self._assert_compile_called("train_on_batch")
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError(
                    "Arguments `sample_weight` and `class_weight` cannot be specified at the same "
                    f"time. Received: sample_weight={sample_weight}, class_weight={class_weight}"
                )
            from .data_adapter import class_weight_to_sample_weights

            sample_weight = class_weight_to_sample_weights(y, class_weight)
        self.reset_metrics()
        data = _tensors((x, y, sample_weight))
        logs = _pythonify_logs(self.make_train_function()(data))
        if return_dict:
            return logs
        return self._flatten_metrics_in_order(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._assert_compile_called("test_on_batch")
        self.reset_metrics()
        logs = _pythonify_logs(self.make_test_function()(_tensors((x, y, sample_weight))))
        if return_dict:
            return logs
        return self._flatten_metrics_in_order(logs)

    def predict_on_batch(self, x):
        out = self.make_predict_function()((_tensors(x),))
        return tf.nest.map_structure(lambda t: np.asarray(t), out)


def _tensors(data):
    def convert(v):
        if v is None or tf.is_tensor(v):
            return v
        return tf.convert_to_tensor(v)

    return tf.nest.map_structure(convert, data)
