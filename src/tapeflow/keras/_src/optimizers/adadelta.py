"""`keras.optimizers.Adadelta`: adaptive rates from running averages."""

from __future__ import annotations

import tapeflow as tf

from . import _ops
from .base import Optimizer, _tf_variable


class Adadelta(Optimizer):
    """Adadelta: `Eg = rho Eg + (1 - rho) g²`, `d = -sqrt(Ed + eps) g / sqrt(Eg + eps)`,
    `Ed = rho Ed + (1 - rho) d²`, `w += lr * d`."""

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.95,
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
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        """Creates the `accumulated_grad` and `accumulated_delta_var` slots."""
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"]
        )

    def _coefficients(self, learning_rate, dtype):
        num = self._num
        return (
            tf.cast(_tf_variable(learning_rate), dtype),
            num(self.rho, dtype),
            num(1 - self.rho, dtype),
            num(self.epsilon, dtype),
        )

    def _update(self, gradient, variable, i, c):
        lr, rho, one_minus_rho, epsilon = c
        gradient = _ops.cast(gradient, variable.dtype)
        accumulated_grad = self._accumulated_grads[i]._value
        accumulated_delta_var = self._accumulated_delta_vars[i]._value
        ag_t = _ops.add(
            rho * accumulated_grad.read_value(),
            _ops.multiply(one_minus_rho, _ops.square(gradient)),
        )
        accumulated_grad.assign(ag_t, read_value=False)
        ad_t = accumulated_delta_var.read_value()
        delta_var = _ops.negative(
            _ops.divide(
                _ops.multiply(tf.sqrt(ad_t + epsilon), gradient),
                tf.sqrt(ag_t + epsilon),
            )
        )
        ad_t = _ops.add(ad_t * rho, _ops.multiply(one_minus_rho, _ops.square(delta_var)))
        accumulated_delta_var.assign(ad_t, read_value=False)
        _ops.assign_add(variable, _ops.multiply(lr, delta_var))

    def update_step(self, gradient, variable, learning_rate):
        """Updates `variable` (and its slots) from `gradient`."""
        variable = _tf_variable(variable)
        c = self._coefficients(learning_rate, variable.dtype)
        self._update(gradient, variable, self._get_variable_index(variable), c)

    _builtin_update_step = update_step

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
