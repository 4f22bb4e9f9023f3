"""`keras.optimizers.Adam` (with the AMSGrad variant)."""

from __future__ import annotations

import tapeflow as tf

from . import _ops
from .base import Optimizer, _tf_variable


class Adam(Optimizer):
    """Adam: `m += (g - m)(1 - beta_1)`, `v += (g² - v)(1 - beta_2)`,
    `w -= m * alpha / (sqrt(v) + epsilon)` with `alpha = lr * sqrt(1 - beta_2^t) /
    (1 - beta_1^t)`, `t = iterations + 1` (Keras' float32 order of operations)."""

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
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
            name=name,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            **kwargs,
        )
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        """Creates the `momentum` and `velocity` slots (and `velocity_hat` for AMSGrad)."""
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def _coefficients(self, learning_rate, dtype):
        lr = tf.cast(_tf_variable(learning_rate), dtype)
        local_step = self._local_step(1)
        beta_1_power = self._power(self.beta_1, local_step, dtype)
        beta_2_power = self._power(self.beta_2, local_step, dtype)
        one = self._num(1, dtype)
        alpha = lr * tf.sqrt(one - beta_2_power) / (one - beta_1_power)
        return (
            alpha,
            self._num(1 - self.beta_1, dtype),
            self._num(1 - self.beta_2, dtype),
            self._num(self.epsilon, dtype),
        )

    def _update(self, gradient, variable, i, c):
        # Keras' `assign_add(m, x)` is `m + x`: computed here on the values read once, and
        # stored, so the variable update reads no variable again.
        alpha, one_minus_b1, one_minus_b2, epsilon = c
        gradient = _ops.cast(gradient, variable.dtype)
        m = self._momentums[i]._value
        v = self._velocities[i]._value
        m_t = m.read_value()
        v_t = v.read_value()
        m_t = m_t + _ops.multiply(_ops.subtract(gradient, m_t), one_minus_b1)
        v_t = v_t + _ops.multiply(_ops.subtract(_ops.square(gradient), v_t), one_minus_b2)
        m.assign(m_t, read_value=False)
        v.assign(v_t, read_value=False)
        if self.amsgrad:
            v_hat = self._velocity_hats[i]._value
            v_t = tf.maximum(v_hat.read_value(), v_t)
            v_hat.assign(v_t, read_value=False)
        variable.assign_sub((m_t * alpha) / (tf.sqrt(v_t) + epsilon), read_value=False)

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
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "amsgrad": self.amsgrad,
            }
        )
        return config
