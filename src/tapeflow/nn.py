"""`tf.nn`: the public neural-network namespace (explicit re-exports, no logic)."""

from .ops.conv_ops import conv1d, conv2d, conv2d_transpose  # noqa: F401
from .ops.nn_ops import (  # noqa: F401
    batch_normalization,
    bias_add,
    dropout,
    elu,
    embedding_lookup,
    gelu,
    l2_loss,
    l2_normalize,
    leaky_relu,
    log_softmax,
    moments,
    relu,
    relu6,
    selu,
    sigmoid_cross_entropy_with_logits,
    silu,
    softmax,
    softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits,
    swish,
    weighted_cross_entropy_with_logits,
)
from .ops.pool_ops import (  # noqa: F401
    avg_pool,
    avg_pool1d,
    avg_pool2d,
    max_pool,
    max_pool1d,
    max_pool2d,
)
from .ops.random_ops import nn_experimental as experimental  # noqa: F401
from .ops.sort_ops import top_k  # noqa: F401
from .ops.special_ops import sigmoid, softplus, softsign  # noqa: F401
from .ops.trig_ops import tanh  # noqa: F401
