"""`tf.keras`: Keras 3 as TensorFlow 2.21 ships it, on tapeflow.

As in TF 2.21, `tf.keras` is Keras 3 (`keras._tf_keras.keras`), not Keras 2: Keras variables
are their own class (not `tf.Variable`s), layers are not `tf.Module`s, variable names have no
`:0`. The implementation lives in `tapeflow.keras._src`; these modules only export names.
"""

from . import (  # noqa: F401
    activations,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    random,
    regularizers,
    utils,
)
from ._src.layers.core.input_layer import Input  # noqa: F401
from ._src.layers.input_spec import InputSpec  # noqa: F401
from ._src.layers.layer import DTypePolicy, Layer  # noqa: F401
from ._src.models.model import Model  # noqa: F401
from ._src.models.sequential import Sequential  # noqa: F401
from ._src.variable import Variable  # noqa: F401
