"""`tf.keras.layers`: the layer classes (re-exports; the code is in keras/_src/layers)."""

from .._src.layers.activations.activations import (  # noqa: F401
    ELU,
    Activation,
    LeakyReLU,
    PReLU,
    ReLU,
    Softmax,
)
from .._src.layers.attention.multi_head_attention import MultiHeadAttention  # noqa: F401
from .._src.layers.convolutional.base_conv import Conv1D, Conv2D  # noqa: F401
from .._src.layers.convolutional.conv_transpose import Conv2DTranspose  # noqa: F401
from .._src.layers.core.dense import Dense  # noqa: F401
from .._src.layers.core.einsum_dense import EinsumDense  # noqa: F401
from .._src.layers.core.embedding import Embedding  # noqa: F401
from .._src.layers.core.identity import Identity  # noqa: F401
from .._src.layers.core.input_layer import Input, InputLayer  # noqa: F401
from .._src.layers.core.lambda_layer import Lambda  # noqa: F401
from .._src.layers.core.wrapper import TimeDistributed, Wrapper  # noqa: F401
from .._src.layers.input_spec import InputSpec  # noqa: F401
from .._src.layers.layer import Layer  # noqa: F401
from .._src.layers.merging.merging import (  # noqa: F401
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from .._src.layers.normalization.batch_normalization import BatchNormalization  # noqa: F401
from .._src.layers.normalization.layer_normalization import LayerNormalization  # noqa: F401
from .._src.layers.pooling.pooling import (  # noqa: F401
    AveragePooling1D,
    AveragePooling2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPooling1D,
    MaxPooling2D,
)
from .._src.layers.regularization.dropout import Dropout  # noqa: F401
from .._src.layers.reshaping.reshaping import (  # noqa: F401
    Cropping2D,
    Flatten,
    Permute,
    RepeatVector,
    Reshape,
    UpSampling2D,
    ZeroPadding2D,
)
from .._src.layers.rnn.bidirectional import Bidirectional  # noqa: F401
from .._src.layers.rnn.rnn import (  # noqa: F401
    GRU,
    LSTM,
    RNN,
    GRUCell,
    LSTMCell,
    SimpleRNN,
    SimpleRNNCell,
)
from .._src.serialization import deserialize, serialize  # noqa: F401

# Keras' aliases.
AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution2DTranspose = Conv2DTranspose
