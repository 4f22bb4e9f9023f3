"""`tf.nn`: the public neural-network namespace (explicit re-exports, no logic).

The nn, conv, pool, random and sort families load on first use (_lazy.py)."""

from . import _lazy
from .ops.special_ops import sigmoid, softplus, softsign  # noqa: F401
from .ops.trig_ops import tanh  # noqa: F401

_lazy.install(
    globals(),
    {
        **_lazy.names("tapeflow.ops.conv_ops", "conv1d conv2d conv2d_transpose"),
        **_lazy.names(
            "tapeflow.ops.nn_ops",
            "batch_normalization bias_add dropout elu embedding_lookup gelu l2_loss "
            "l2_normalize leaky_relu log_softmax moments relu relu6 selu "
            "sigmoid_cross_entropy_with_logits silu softmax softmax_cross_entropy_with_logits "
            "sparse_softmax_cross_entropy_with_logits swish weighted_cross_entropy_with_logits",
        ),
        **_lazy.names(
            "tapeflow.ops.pool_ops", "avg_pool avg_pool1d avg_pool2d max_pool max_pool1d max_pool2d"
        ),
        **_lazy.names("tapeflow.ops.random_ops", "experimental=nn_experimental"),
        **_lazy.names("tapeflow.ops.sort_ops", "top_k"),
    },
)
