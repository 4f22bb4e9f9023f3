"""`keras.optimizers.Adamax`: Adam with the infinity norm."""

from __future__ import annotations

import tapeflow as tf

from . import _ops
from .base import Optimizer, _tf_variable


class Adamax(Optimizer):
    """Adamax: `m += (g - m)(1 - beta_1)`, `u = max(beta_2 * u, |g|)`,
    `w -= lr * m / ((1 - beta_1^t) (u + epsilon))`."""

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        """Creates the `momentum` and `norm` slots."""
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def _coefficients(self, learning_rate, dtype):
        lr = tf.cast(_tf_variable(learning_rate), dtype)
        beta_1_power = self._power(self.beta_1, self._local_step(1), dtype)
        num = self._num
        return (
            lr,
            num(1, dtype) - beta_1_power,
            num(1 - self.beta_1, dtype),
            num(self.beta_2, dtype),
            num(self.epsilon, dtype),
        )

    def _update(self, gradient, variable, i, c):
        lr, one_minus_b1_power, one_minus_b1, beta_2, epsilon = c
        gradient = _ops.cast(gradient, variable.dtype)
        m = self._m[i]._value
        u = self._u[i]._value
        m_t = m.read_value()
        m_t = m_t + _ops.multiply(_ops.subtract(gradient, m_t), one_minus_b1)
        m.assign(m_t, read_value=False)
        u_t = _ops.maximum(u.read_value() * beta_2, _ops.abs(gradient))
        u.assign(u_t, read_value=False)
        variable.assign_sub((lr * m_t) / (one_minus_b1_power * (u_t + epsilon)), read_value=False)

    def update_step(self, gradient, variable, learning_rate):
        """Updates `variable` (and its slots) from `gradient`."""
        variable = _tf_variable(variable)
        c = self._coefficients(learning_rate, variable.dtype)
        self._update(gradient, variable, self._get_variable_index(variable), c)

    _builtin_update_step = update_step

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
