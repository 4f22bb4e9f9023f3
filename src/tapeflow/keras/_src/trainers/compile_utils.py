"""What `compile(loss=..., metrics=...)` builds: one `CompileLoss` (the losses of every
output, weighted and summed) and one `CompileMetrics` (the metrics of every output, reported
under their compile names), as Keras 3 does. `model.metrics` lists `[Mean(name="loss"),
CompileMetrics]` (a Keras 3 wart: `metrics_names` is `['loss', 'compile_metrics']`)."""

from __future__ import annotations

import tapeflow as tf


def _losses():
    from .. import losses

    return losses


def _metrics():
    from .. import metrics

    return metrics


def get_metric(identifier, y_true, y_pred):
    """One `compile(metrics=...)` entry as a Metric ("accuracy" picked by the shapes)."""
    return _metrics().get_metric_for_compile(identifier, y_true, y_pred)


def get_loss(identifier, y_true, y_pred):
    """One `compile(loss=...)` entry as a Loss ("crossentropy" picked by the shapes)."""
    return _losses().get_loss_for_compile(identifier, y_true, y_pred)


def _flat_outputs(value, output_names):
    """A model's targets or predictions as a list in output order."""
    if isinstance(value, dict):
        return [value[name] for name in output_names]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _per_output(spec, output_names, what):
    """A compile argument (one spec for all, a list, or a dict by output) per output."""
    n = len(output_names)
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in output_names]
        if unknown:
            raise ValueError(
                f"In the dict argument `{what}`, key '{unknown[0]}' does not correspond to any "
                f"model output. Received:\n{what}={spec}"
            )
        return [spec.get(name) for name in output_names]
    if isinstance(spec, (list, tuple)) and n > 1:
        if what == "loss" and len(spec) != n:
            raise ValueError(
                f"For a model with multiple outputs, when providing the `{what}` argument as a "
                f"list, it should have as many entries as the model has outputs. Received:\n"
                f"{what}={spec}\nof length {len(spec)} whereas the model has {n} outputs."
            )
        return list(spec)
    return [spec] * n if what == "loss" else [spec] + [spec] * (n - 1)


class CompileLoss:
    """The compiled loss: `loss(y_true, y_pred, sample_weight)` summed over outputs with
    `loss_weights`; per-output loss trackers (`dense_loss`) when there are several outputs."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        self._user_loss = loss
        self._user_loss_weights = loss_weights
        self.output_names = output_names
        self.built = False
        self._flat = []
        self.metrics = []
        self.name = "compile_loss"

    def build(self, y_true, y_pred):
        names = self.output_names or ["output"]
        preds = _flat_outputs(y_pred, names)
        trues = _flat_outputs(y_true, names) if len(preds) > 1 else [y_true]
        if len(preds) > 1 and len(names) != len(preds):
            names = [f"output_{i}" for i in range(len(preds))]
        losses = (
            _per_output(self._user_loss, names, "loss") if len(preds) > 1 else [self._user_loss]
        )
        weights = self._user_loss_weights
        if isinstance(weights, dict):
            weights = [weights.get(n) for n in names]
        elif weights is None or not isinstance(weights, (list, tuple)):
            weights = [weights] * len(preds)
        self._flat = [
            (i, get_loss(loss, t, p), w)
            for i, (loss, t, p, w) in enumerate(zip(losses, trues, preds, weights))
            if loss is not None
        ]
        if len(preds) > 1:
            mean = _metrics().Mean
            self.metrics = [mean(name=f"{names[i]}_loss") for i, _, _ in self._flat]
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        names = self.output_names or ["output"]
        preds = _flat_outputs(y_pred, names)
        trues = _flat_outputs(y_true, names) if len(preds) > 1 else [y_true]
        total = None
        for k, (i, fn, weight) in enumerate(self._flat):
            sw = sample_weight
            if isinstance(sample_weight, (list, tuple, dict)) and len(preds) > 1:
                sw = _flat_outputs(sample_weight, names)[i]
            value = tf.cast(fn(trues[i], preds[i], sw), "float32")
            if self.metrics:
                self.metrics[k].update_state(value)
            if weight is not None:
                value = value * weight
            total = value if total is None else total + value
        return total

    def reset_state(self):
        for m in self.metrics:
            m.reset_state()


class CompileMetrics:
    """The compiled metrics, reported as one dict (`model.metrics[1]`, named
    `compile_metrics`). Plain metrics are updated without sample weights, as in Keras;
    `weighted_metrics` with them."""

    _keras_metric = True

    def __init__(self, metrics=None, weighted_metrics=None, output_names=None):
        self._user_metrics = metrics
        self._user_weighted = weighted_metrics
        self.output_names = output_names
        self.name = "compile_metrics"
        self.built = False
        self._flat_metrics = []
        self._flat_weighted = []

    def _build_lists(self, spec, names, trues, preds):
        if spec is None:
            return [[] for _ in preds]
        if len(preds) == 1:
            specs = [spec if isinstance(spec, (list, tuple)) else [spec]]
        elif isinstance(spec, dict):
            specs = [spec.get(n) or [] for n in names]
            specs = [s if isinstance(s, (list, tuple)) else [s] for s in specs]
        elif (
            isinstance(spec, (list, tuple))
            and spec
            and all(isinstance(s, (list, tuple)) or s is None for s in spec)
        ):
            specs = [list(s or []) for s in spec]
        else:
            specs = [spec if isinstance(spec, (list, tuple)) else [spec]] * len(preds)
        return [[get_metric(m, t, p) for m in s] for s, t, p in zip(specs, trues, preds)]

    def build(self, y_true, y_pred):
        names = self.output_names or ["output"]
        preds = _flat_outputs(y_pred, names)
        trues = _flat_outputs(y_true, names) if len(preds) > 1 else [y_true]
        self._names = names if len(preds) > 1 else [None]
        self._flat_metrics = self._build_lists(self._user_metrics, names, trues, preds)
        self._flat_weighted = self._build_lists(self._user_weighted, names, trues, preds)
        self.built = True

    @property
    def metrics(self) -> list:
        return [m for group in self._flat_metrics + self._flat_weighted for m in group]

    @property
    def variables(self) -> list:
        return [v for m in self.metrics for v in m.variables]

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        names = self.output_names or ["output"]
        preds = _flat_outputs(y_pred, names)
        trues = _flat_outputs(y_true, names) if len(preds) > 1 else [y_true]
        for group, t, p in zip(self._flat_metrics, trues, preds):
            for m in group:
                m.update_state(t, p)
        if sample_weight is not None and len(preds) > 1:
            weights = _flat_outputs(sample_weight, names)
            if len(weights) < len(preds):
                weights = [weights[0]] * len(preds)
        else:
            weights = [sample_weight] * len(preds)
        for group, t, p, w in zip(self._flat_weighted, trues, preds, weights):
            for m in group:
                m.update_state(t, p, w)

    def reset_state(self):
        for m in self.metrics:
            m.reset_state()

    def result(self) -> dict:
        if not self.built:
            raise ValueError("Cannot get result() since the metric has not yet been built.")
        results, counts = {}, {}
        for weighted, groups in ((False, self._flat_metrics), (True, self._flat_weighted)):
            for prefix, group in zip(self._names, groups):
                for m in group:
                    name = f"{prefix}_{m.name}" if prefix else m.name
                    if name not in counts:
                        counts[name] = 1
                    elif not weighted:
                        counts[name] += 1
                        name = f"{name}_{counts[name] - 1}"
                    else:
                        name = f"weighted_{m.name}" if not prefix else f"{prefix}_weighted_{m.name}"
                        counts.setdefault(name, 0)
                        counts[name] += 1
                        if counts[name] > 1:
                            name = f"{name}_{counts[name] - 1}"
                    results[name] = m.result()
        return results
