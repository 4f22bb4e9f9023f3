"""`keras.optimizers.SGD`: gradient descent with optional (Nesterov) momentum."""

from __future__ import annotations

import tapeflow as tf

from . import _ops
from .base import Optimizer, _tf_variable


class SGD(Optimizer):
    """Gradient descent: `w -= lr * g`; with momentum `m = momentum * m - lr * g; w += m`
    (Nesterov: `w += momentum * m - lr * g`). `momentum` must be a Python float in [0, 1]
    (Keras rejects an int such as 0)."""

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.0,
        nesterov=False,
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
        if not isinstance(momentum, float) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables):
        """Creates the `momentum` slots (only when `momentum` is not 0)."""
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def _coefficients(self, learning_rate, dtype):
        return tf.cast(_tf_variable(learning_rate), dtype), self._const(self.momentum, dtype)

    def _update(self, gradient, variable, i, c):
        lr, momentum = c
        gradient = _ops.cast(gradient, variable.dtype)
        if self.momentum != 0:
            m = self.momentums[i]._value
            m_new = _ops.subtract(m.read_value() * momentum, _ops.multiply(gradient, lr))
            m.assign(m_new, read_value=False)
            if self.nesterov:
                step = _ops.subtract(m_new * momentum, _ops.multiply(gradient, lr))
                variable.assign_add(step, read_value=False)
            else:
                variable.assign_add(m_new, read_value=False)
        else:
            _ops.assign_sub(variable, _ops.multiply(gradient, lr))

    def update_step(self, gradient, variable, learning_rate):
        """Updates `variable` (and its momentum) from `gradient`."""
        variable = _tf_variable(variable)
        c = self._coefficients(learning_rate, variable.dtype)
        self._update(gradient, variable, self._get_variable_index(variable), c)

    _builtin_update_step = update_step

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
