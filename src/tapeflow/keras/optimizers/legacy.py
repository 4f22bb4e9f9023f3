"""`tf.keras.optimizers.legacy`: in Keras 3 each name raises Keras' ImportError."""

from .._src.optimizers import LegacyOptimizerWarning as _Legacy

Adagrad = Adam = Ftrl = RMSprop = SGD = Optimizer = _Legacy
