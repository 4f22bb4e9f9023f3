"""`keras.optimizers.Lion`: sign of an interpolated momentum."""

from __future__ import annotations

import tapeflow as tf

from . import _ops
from .base import Optimizer, _tf_variable


class Lion(Optimizer):
    """Lion: `w -= lr * sign(beta_1 m + (1 - beta_1) g)`, then
    `m = beta_2 m + (1 - beta_2) g`. `beta_1` must be in (0, 1]."""

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.99,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer "
                f"degenerates to SignSGD. Received: beta_1={beta_1}."
            )

    def build(self, var_list):
        """Creates the `momentum` slots."""
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def _coefficients(self, learning_rate, dtype):
        beta_1 = self._const(self.beta_1, dtype)
        beta_2 = self._const(self.beta_2, dtype)
        one = self._num(1.0, dtype)
        return (
            tf.cast(_tf_variable(learning_rate), dtype),
            beta_1,
            one - beta_1,
            beta_2,
            one - beta_2,
        )

    def _update(self, gradient, variable, i, c):
        lr, beta_1, one_minus_b1, beta_2, one_minus_b2 = c
        gradient = _ops.cast(gradient, variable.dtype)
        m = self._momentums[i]._value
        m_t = m.read_value()
        step = _ops.add(m_t * beta_1, _ops.multiply(gradient, one_minus_b1))
        variable.assign_sub(lr * tf.sign(step), read_value=False)
        m.assign(_ops.add(m_t * beta_2, _ops.multiply(gradient, one_minus_b2)), read_value=False)

    def update_step(self, gradient, variable, learning_rate):
        """Updates `variable` (and its slots) from `gradient`."""
        variable = _tf_variable(variable)
        c = self._coefficients(learning_rate, variable.dtype)
        self._update(gradient, variable, self._get_variable_index(variable), c)

    _builtin_update_step = update_step

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
