"""`keras.optimizers.Adagrad`: per-coordinate rates from accumulated squares."""

from __future__ import annotations

import tapeflow as tf

from . import _ops
from .base import Optimizer, _tf_variable


class Adagrad(Optimizer):
    """Adagrad: `acc += g²`, `w -= lr * g / sqrt(acc + epsilon)`; the accumulators start
    at `initial_accumulator_value`."""

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value=0.1,
        epsilon=1e-7,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        """Creates the `accumulator` slots, filled with `initial_accumulator_value`."""
        if self.built:
            return
        super().build(var_list)
        value = self.initial_accumulator_value
        self._accumulators = self.add_optimizer_variables(
            var_list,
            "accumulator",
            initializer=lambda shape, dtype=None: tf.fill(shape, tf.cast(value, dtype)),
        )

    def _coefficients(self, learning_rate, dtype):
        return tf.cast(_tf_variable(learning_rate), dtype), self._num(self.epsilon, dtype)

    def _update(self, gradient, variable, i, c):
        lr, epsilon = c
        gradient = _ops.cast(gradient, variable.dtype)
        accumulator = self._accumulators[i]._value
        squares = _ops.square(gradient)
        if type(squares) is _ops.IndexedSlices:  # scatter-added, repeated rows one by one
            _ops.assign_add(accumulator, squares)
            acc_t = accumulator.read_value()
        else:
            acc_t = accumulator.read_value() + squares
            accumulator.assign(acc_t, read_value=False)
        _ops.assign_sub(
            variable, _ops.divide(_ops.multiply(lr, gradient), tf.sqrt(acc_t + epsilon))
        )

    def update_step(self, gradient, variable, learning_rate):
        """Updates `variable` (and its slots) from `gradient`."""
        variable = _tf_variable(variable)
        c = self._coefficients(learning_rate, variable.dtype)
        self._update(gradient, variable, self._get_variable_index(variable), c)

    _builtin_update_step = update_step

    def get_config(self):
        config = super().get_config()
        config.update(
            {"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon}
        )
        return config
