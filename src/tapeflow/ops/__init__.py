"""The op library, by family. Importing it registers every op and the operators."""

from . import (  # noqa: F401
    array_ops,
    bitwise_ops,
    control_flow_ops,
    conv_ops,
    debug_ops,
    linalg,
    math_ops,
    nn_ops,
    operators,
    pool_ops,
    random_ops,
    reduction_ops,
)
