"""`keras.optimizers.RMSprop`: divides the gradient by a running RMS."""

from __future__ import annotations

import tapeflow as tf

from . import _ops
from .base import Optimizer, _tf_variable


class RMSprop(Optimizer):
    """RMSprop: `v = rho * v + (1 - rho) g²`, `w -= lr * g / sqrt(v + epsilon)`; with
    `centered=True` the mean gradient `a` is tracked and `v - a² + epsilon` is used; with
    `momentum > 0` the increments accumulate in a momentum slot."""

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
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
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        """Creates `velocity` (and `momentum`, `average_gradient` when used) slots."""
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def _coefficients(self, learning_rate, dtype):
        num = self._num
        return (
            tf.cast(_tf_variable(learning_rate), dtype),
            num(self.rho, dtype),
            num(1 - self.rho, dtype),
            num(self.epsilon, dtype),
            num(self.momentum, dtype),
        )

    def _update(self, gradient, variable, i, c):
        lr, rho, one_minus_rho, epsilon, momentum_rate = c
        gradient = _ops.cast(gradient, variable.dtype)
        velocity = self._velocities[i]._value
        v_t = _ops.add(
            velocity.read_value() * rho, _ops.multiply(one_minus_rho, _ops.square(gradient))
        )
        velocity.assign(v_t, read_value=False)
        if self.centered:
            average_grad = self._average_gradients[i]._value
            a_t = _ops.add(average_grad.read_value() * rho, _ops.multiply(one_minus_rho, gradient))
            average_grad.assign(a_t, read_value=False)
            denominator = v_t - tf.square(a_t) + epsilon
        else:
            denominator = v_t + epsilon
        increment = _ops.divide(_ops.multiply(lr, gradient), tf.sqrt(denominator))
        if self.momentum > 0:
            momentum = self._momentums[i]._value
            mom_t = _ops.add(momentum.read_value() * momentum_rate, increment)
            momentum.assign(mom_t, read_value=False)
            variable.assign_sub(mom_t, read_value=False)
        else:
            _ops.assign_sub(variable, increment)

    def update_step(self, gradient, variable, learning_rate):
        """Updates `variable` (and its slots) from `gradient`."""
        variable = _tf_variable(variable)
        c = self._coefficients(learning_rate, variable.dtype)
        self._update(gradient, variable, self._get_variable_index(variable), c)

    _builtin_update_step = update_step

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "rho": self.rho,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "centered": self.centered,
            }
        )
        return config
