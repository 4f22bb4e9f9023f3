"""`tf.keras.layers`: the layer classes (re-exports; the code is in keras/_src/layers)."""

from .._src.layers.core.dense import Dense  # noqa: F401
from .._src.layers.core.input_layer import Input, InputLayer  # noqa: F401
from .._src.layers.input_spec import InputSpec  # noqa: F401
from .._src.layers.layer import Layer  # noqa: F401
from .._src.serialization import deserialize, serialize  # noqa: F401
