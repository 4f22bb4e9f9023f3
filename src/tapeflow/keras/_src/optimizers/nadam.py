"""`keras.optimizers.Nadam`: Adam with Nesterov momentum (Dozat's schedule)."""

from __future__ import annotations

import tapeflow as tf

from .. import backend
from ..variable import Variable
from . import _ops
from .base import Optimizer, _tf_variable


class Nadam(Optimizer):
    """Nadam, with Keras' momentum schedule `u_t = beta_1 (1 - 0.5 * 0.96^t)` and the running
    product of the `u_t` in an extra (auto-named) variable created at build."""

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
        """Creates the `momentum` and `velocity` slots and the `u` product variable."""
        if self.built:
            return
        dtype = var_list[0].dtype if var_list else backend.floatx()
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        self._u_product = Variable(1.0, dtype=dtype)

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        u_product = self._u_product._value
        dtype = u_product.dtype
        u_product.assign(
            u_product
            * self.beta_1
            * (1.0 - 0.5 * self._power(0.96, self._local_step(1), dtype, converted=True))
        )
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def _coefficients(self, learning_rate, dtype):
        lr = tf.cast(_tf_variable(learning_rate), dtype)
        local_step = self._local_step(1)
        next_step = self._local_step(2)
        beta_1 = self._const(self.beta_1, dtype)
        beta_2 = self._const(self.beta_2, dtype)
        u_t = beta_1 * (1.0 - 0.5 * self._power(0.96, local_step, dtype))
        u_t_1 = beta_1 * (1.0 - 0.5 * self._power(0.96, next_step, dtype))
        u_product_t = tf.cast(self._u_product._value, dtype)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = self._power(self.beta_2, local_step, dtype)
        return (
            lr,
            1 - beta_1,
            1 - beta_2,
            u_t_1,
            1 - u_product_t_1,
            1 - u_t,
            1 - u_product_t,
            1 - beta_2_power,
        )

    def _update(self, gradient, variable, i, c):
        lr, one_minus_b1, one_minus_b2, u_t_1, den_1, one_minus_u_t, den_0, bias_2 = c
        gradient = _ops.cast(gradient, variable.dtype)
        m = self._momentums[i]._value
        v = self._velocities[i]._value
        m_t = m.read_value()
        v_t = v.read_value()
        m_t = m_t + _ops.multiply(_ops.subtract(gradient, m_t), one_minus_b1)
        v_t = v_t + _ops.multiply(_ops.subtract(_ops.square(gradient), v_t), one_minus_b2)
        m.assign(m_t, read_value=False)
        v.assign(v_t, read_value=False)
        m_hat = _ops.add(
            (u_t_1 * m_t) / den_1, _ops.divide(_ops.multiply(one_minus_u_t, gradient), den_0)
        )
        v_hat = v_t / bias_2
        variable.assign_sub(
            _ops.multiply(m_hat, lr) / (tf.sqrt(v_hat) + self.epsilon), read_value=False
        )

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
