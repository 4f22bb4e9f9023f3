"""`keras.optimizers.schedules`: learning rates as functions of the step, Keras 3's formulas.

Each schedule computes with tapeflow ops in the dtype of `initial_learning_rate` converted
to a tensor (float32 for a Python float), so an optimizer evaluating it at its iteration
counter inside a traced `tf.function` replays it. Where Keras branches with
`ops.cond` on a tensor (CosineDecay's warmup), both branches are computed and one is
selected with `tf.where`: same values, and the branch never reads a tensor in Python.
"""

from __future__ import annotations

import math

import tapeflow as tf

from ._ops import power as _pow


class LearningRateSchedule:
    """The base class: subclasses define `__call__(step)` and `get_config()`."""

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override "
            "`__call__(self, step)`."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override "
            "`get_config()` in order to be serializable."
        )

    @classmethod
    def from_config(cls, config):
        """`cls(**config)`."""
        return cls(**config)


def _promote(x1, x2, floating=False):
    """Both operands in the dtype Keras' `ops` compute in (its `result_type`): an int
    with a float takes the float; two floats or two ints take the wider; `floating` (for
    `ops.divide`) turns an all-int pair into float32."""
    x1, x2 = tf.convert_to_tensor(x1), tf.convert_to_tensor(x2)
    d1, d2 = x1.dtype, x2.dtype
    if d1 == d2 and not (floating and d1.is_integer):
        return x1, x2
    if d1.is_floating != d2.is_floating:
        dtype = d1 if d1.is_floating else d2
    elif d1.is_integer and floating:
        dtype = tf.float32
    else:
        dtype = d1 if d1.size >= d2.size else d2
    return tf.cast(x1, dtype), tf.cast(x2, dtype)


def _multiply(x1, x2):
    x1, x2 = _promote(x1, x2)
    return x1 * x2


def _add(x1, x2):
    x1, x2 = _promote(x1, x2)
    return x1 + x2


def _power(x1, x2):
    x1, x2 = _promote(x1, x2)
    return _pow(x1, x2)


def _divide(x1, x2):
    x1, x2 = _promote(x1, x2, floating=True)
    return x1 / x2


def _step_as(step, dtype):
    return tf.cast(tf.convert_to_tensor(step), dtype)


def _check_steps(name, value):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)` (floored with
    `staircase=True`)."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="ExponentialDecay",
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_steps("decay_steps", self.decay_steps)

    def __call__(self, step):
        initial = tf.convert_to_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        p = _step_as(step, dtype) / tf.cast(self.decay_steps, dtype)
        if self.staircase:
            p = tf.floor(p)
        return _multiply(initial, _power(tf.cast(self.decay_rate, dtype), p))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[i]` while `boundaries[i-1] < step <= boundaries[i]`."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = tf.convert_to_tensor(step)
        boundaries = [tf.convert_to_tensor(b) for b in self.boundaries]
        boundaries = [b if b.dtype == step.dtype else tf.cast(b, step.dtype) for b in boundaries]
        values = [tf.convert_to_tensor(v) for v in self.values]
        dtype = values[0].dtype
        # A sum of indicator * value over the ranges, as Keras computes it.
        result = tf.zeros((), dtype)
        result += tf.cast(step <= boundaries[0], dtype) * values[0]
        result += tf.cast(step > boundaries[-1], dtype) * values[-1]
        for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
            result += tf.cast(tf.logical_and(step > low, step <= high), dtype) * value
        return result

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """`(initial - end) * (1 - step / decay_steps) ** power + end` (cycling with
    `cycle=True`)."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _check_steps("decay_steps", self.decay_steps)

    def __call__(self, step):
        initial = tf.convert_to_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        end = tf.cast(self.end_learning_rate, dtype)
        power = tf.cast(self.power, dtype)
        step = _step_as(step, dtype)
        decay_steps = tf.cast(self.decay_steps, dtype)
        if self.cycle:
            multiplier = tf.where(
                tf.equal(step, 0), tf.ones((), dtype), tf.math.ceil(step / self.decay_steps)
            )
            decay_steps = decay_steps * multiplier
        else:
            step = tf.minimum(step, decay_steps)
        p = step / decay_steps
        return (initial - end) * _pow(1 - p, power) + end

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_steps("decay_steps", self.decay_steps)

    def __call__(self, step):
        initial = tf.convert_to_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        p = _step_as(step, dtype) / tf.cast(self.decay_steps, dtype)
        if self.staircase:
            p = tf.floor(p)
        denom = _add(tf.cast(tf.constant(1), dtype), _multiply(tf.cast(self.decay_rate, dtype), p))
        return _divide(initial, denom)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """Cosine decay from `initial_learning_rate` (or, after a linear warmup of
    `warmup_steps` to `warmup_target`, from `warmup_target`) to `alpha` times it."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _check_steps("decay_steps", self.decay_steps)

    def _decay_function(self, step, decay_steps, decay_from_lr, dtype):
        completed_fraction = step / decay_steps
        pi = tf.constant(math.pi, dtype)
        cosine_decayed = 0.5 * (1.0 + tf.cos(pi * completed_fraction))
        decayed = (1 - self.alpha) * cosine_decayed + self.alpha
        return decay_from_lr * decayed

    def _warmup_function(self, step, warmup_steps, warmup_target, initial_learning_rate):
        completed_fraction = step / warmup_steps
        total_step_delta = warmup_target - initial_learning_rate
        return total_step_delta * completed_fraction + initial_learning_rate

    def __call__(self, step):
        initial = tf.convert_to_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        decay_steps = tf.cast(self.decay_steps, dtype)
        step = _step_as(step, dtype)
        if self.warmup_target is None:
            step = tf.minimum(step, decay_steps)
            return self._decay_function(step, decay_steps, initial, dtype)
        warmup_target = tf.cast(self.warmup_target, dtype)
        warmup_steps = tf.cast(self.warmup_steps, dtype)
        step = tf.minimum(step, decay_steps + warmup_steps)
        return tf.where(
            step < warmup_steps,
            self._warmup_function(step, warmup_steps, warmup_target, initial),
            self._decay_function(step - warmup_steps, decay_steps, warmup_target, dtype),
        )

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods grow by `t_mul`, peaks by `m_mul`."""

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name="SGDRDecay",
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_steps("first_decay_steps", self.first_decay_steps)

    def __call__(self, step):
        initial = tf.convert_to_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        first_decay_steps = tf.cast(self.first_decay_steps, dtype)
        alpha = tf.cast(self.alpha, dtype)
        t_mul = tf.cast(self._t_mul, dtype)
        m_mul = tf.cast(self._m_mul, dtype)
        completed_fraction = _step_as(step, dtype) / first_decay_steps

        def geometric():
            i_restart = tf.floor(
                tf.math.log(tf.cast(1.0 - completed_fraction * (1.0 - t_mul), dtype))
                / tf.math.log(t_mul)
            )
            sum_r = (1.0 - _pow(t_mul, i_restart)) / (1.0 - t_mul)
            return i_restart, (completed_fraction - sum_r) / _pow(t_mul, i_restart)

        def arithmetic():
            i_restart = tf.floor(completed_fraction)
            return i_restart, completed_fraction - i_restart

        if isinstance(self._t_mul, (int, float)):
            # Keras' `ops.cond(t_mul == 1.0, ...)`, decided here since t_mul is a number.
            i_restart, completed_fraction = arithmetic() if self._t_mul == 1.0 else geometric()
        else:
            is_one = tf.equal(t_mul, 1.0)
            (i_a, f_a), (i_g, f_g) = arithmetic(), geometric()
            i_restart, completed_fraction = tf.where(is_one, i_a, i_g), tf.where(is_one, f_a, f_g)
        m_fac = _pow(m_mul, i_restart)
        cosine_decayed = (
            0.5 * m_fac * (1.0 + tf.cos(tf.constant(math.pi, dtype) * completed_fraction))
        )
        decayed = (1 - alpha) * cosine_decayed + alpha
        return initial * decayed

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


ALL_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        LearningRateSchedule,
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


def serialize(learning_rate_schedule):
    """Keras 3's serialized form: `{'module', 'class_name', 'config', 'registered_name'}`."""
    cls = type(learning_rate_schedule)
    builtin = ALL_SCHEDULES.get(cls.__name__) is cls
    return {
        "module": "keras.optimizers.schedules" if builtin else None,
        "class_name": cls.__name__,
        "config": learning_rate_schedule.get_config(),
        "registered_name": None if builtin else cls.__name__,
    }


def deserialize(config, custom_objects=None):
    """A schedule from `serialize`'s dict (or `{'class_name', 'config'}`)."""
    return _deserialize(config, ALL_SCHEDULES, custom_objects, "decay")


def _deserialize(config, module_objects, custom_objects, printable_name):
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret {printable_name} identifier: {config}")
    class_name = config["class_name"]
    cls = (custom_objects or {}).get(class_name) or module_objects.get(class_name)
    if cls is None:
        registered = config.get("registered_name")
        cls = (custom_objects or {}).get(registered) if registered else None
    if cls is None:
        raise TypeError(
            f"Could not locate class '{class_name}'. Make sure custom classes are decorated "
            "with `@keras.saving.register_keras_serializable()`. "
            f"Full object config: {config}"
        )
    inner = config.get("config", {})
    if "custom_objects" in cls.from_config.__code__.co_varnames:
        return cls.from_config(dict(inner), custom_objects=custom_objects)
    return cls.from_config(dict(inner))
