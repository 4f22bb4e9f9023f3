"""Records Keras 3.15.1 (TF 2.21) layer behaviour into tests/data/tf_keras_layer_goldens.json.

Run where TensorFlow is installed (from /tmp, so the repository's `tapeflow` is not imported):

    cd /tmp && /work/tfvenv/bin/python /work/wt-layers/tools/tf_goldens/make_keras_layer_goldens.py

Each case builds `keras.layers.<cls>(**kwargs)`, calls it once on fixed inputs (which builds it),
sets fixed weights (`set_weights`, values a deterministic function of the shape), calls it again
(with `call_kwargs`) and records the output, the weights' paths/shapes/trainability in order,
`get_config()` and the symbolic output shape (a fresh layer on `keras.Input`s with batch None).
Error cases record the exception class and message of a constructor or a call.
`tests/test_keras_layers.py` replays them on tapeflow.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data",
    "tf_keras_layer_goldens.json",
)  # fmt: skip


def values(shape, k=0, dtype="float32"):
    """Deterministic inputs/weights: a cosine ramp (no ties, so max pooling is unambiguous)."""
    n = int(np.prod(shape)) if shape else 1
    return (
        (np.cos(np.arange(n) * 0.37 + k) * (1.0 + 0.01 * np.arange(n))).reshape(shape).astype(dtype)
    )


def weight_value(variable, k):
    shape = tuple(variable.shape)
    v = values(shape, k + 3) * 0.5
    if "variance" in variable.path:
        v = np.abs(v) + 0.5
    return v.astype(variable.dtype)


def inputs_for(case):
    shapes = case["inputs"]
    dtype = case.get("input_dtype", "float32")
    if dtype.startswith("int"):
        return [
            (np.arange(int(np.prod(s))) * 7 % case.get("int_range", 5)).reshape(s).astype(dtype)
            for s in shapes
        ]
    return [values(s, i, dtype) for i, s in enumerate(shapes)]


def A(value, dtype="float32"):  # noqa: N802
    """An array-valued call argument (a mask, an initial state), as JSON can carry it."""
    return {"__array__": np.asarray(value).tolist(), "dtype": dtype}


def arrays(x):
    """Call kwargs with their `A(...)` entries as NumPy arrays."""
    if isinstance(x, dict) and "__array__" in x:
        return np.asarray(x["__array__"], dtype=x["dtype"])
    if isinstance(x, dict):
        return {k: arrays(v) for k, v in x.items()}
    if isinstance(x, list):
        return [arrays(v) for v in x]
    return x


def symbolic_kwargs(kwargs):
    """The scalar call kwargs (a symbolic call gets no arrays and no `training`)."""
    return {k: v for k, v in kwargs.items()
            if k != "training" and not isinstance(v, (dict, list))}  # fmt: skip


def call(layer, xs, kwargs):
    kwargs = arrays(kwargs)
    arg = xs if layer.__class__.__name__ in MULTI else xs[0]
    if layer.__class__.__name__ == "MultiHeadAttention":
        return layer(*xs, **kwargs)
    return layer(arg, **kwargs)


MULTI = {"Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot"}


def to_json(x):
    if isinstance(x, (list, tuple)):
        return [to_json(v) for v in x]
    if isinstance(x, dict):
        return {k: to_json(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    return x


def outputs_of(out):
    if isinstance(out, (list, tuple)):
        return [np.asarray(o).tolist() for o in out]
    return np.asarray(out).tolist()


def shape_of(out):
    if isinstance(out, (list, tuple)):
        return [list(o.shape) for o in out]
    return list(out.shape)


def layer_kwargs(kwargs):
    """Constructor kwargs, with `{"__layer__": cls, "kwargs": ...}` entries as layers."""
    return {k: getattr(keras.layers, v["__layer__"])(**v["kwargs"])
            if isinstance(v, dict) and "__layer__" in v else v
            for k, v in kwargs.items()}  # fmt: skip


def run_case(case):
    cls = getattr(keras.layers, case["cls"])
    kwargs = case.get("kwargs", {})
    xs = inputs_for(case)
    call_kwargs = case.get("call_kwargs", {})
    keras.backend.clear_session()
    layer = cls(**layer_kwargs(kwargs))
    call(layer, xs, symbolic_kwargs(call_kwargs))
    weights = [weight_value(v, i) for i, v in enumerate(layer.weights)]
    layer.set_weights(weights)
    out = call(layer, xs, call_kwargs)
    record = {
        "id": case["id"],
        "random": case.get("random", False),
        "needs_leaf_modules": case.get("needs_leaf_modules", False),
        "cls": case["cls"],
        "kwargs": kwargs,
        "call_kwargs": call_kwargs,
        "input_dtype": case.get("input_dtype", "float32"),
        "inputs": [x.tolist() for x in xs],
        "input_shapes": case["inputs"],
        "weights": [w.tolist() for w in weights],
        "weight_paths": [v.path for v in layer.weights],
        "weight_shapes": [list(v.shape) for v in layer.weights],
        "weight_trainable": [v.trainable for v in layer.weights],
        "weight_dtypes": [v.dtype for v in layer.weights],
        "output": outputs_of(out),
        "output_dtype": [o.dtype.name for o in out]
        if isinstance(out, (list, tuple))
        else out.dtype.name,
        "config": to_json(layer.get_config()),
    }
    if "after" in case:  # an attribute read after the call (BatchNormalization's moving stats)
        record["after"] = [np.asarray(layer.weights[i]).tolist() for i in case["after"]]
        record["after_index"] = case["after"]
    keras.backend.clear_session()
    fresh = cls(**layer_kwargs(kwargs))
    sym = [keras.Input(batch_shape=(None,) + tuple(s[1:]), dtype=record["input_dtype"])
           for s in case["inputs"]]  # fmt: skip
    sym_out = call(fresh, sym, symbolic_kwargs(call_kwargs))
    record["symbolic_shape"] = shape_of(sym_out)
    return record


def run_error(case):
    keras.backend.clear_session()
    cls = getattr(keras.layers, case["cls"])
    try:
        layer = cls(**case.get("kwargs", {}))
        if case.get("inputs") is not None and case.get("symbolic"):
            sym = [keras.Input(batch_shape=tuple(s)) for s in case["inputs"]]
            call(layer, sym, {})
        elif case.get("inputs") is not None:
            xs = inputs_for(case)
            call(layer, xs, case.get("call_kwargs", {}))
    except Exception as e:  # noqa: BLE001 - the error is the record
        return {"id": case["id"], "cls": case["cls"], "kwargs": case.get("kwargs", {}),
                "inputs": case.get("inputs"), "input_dtype": case.get("input_dtype", "float32"),
                "symbolic": case.get("symbolic", False),
                "error": type(e).__name__, "message": str(e)}  # fmt: skip
    raise AssertionError(f"{case['id']} raised nothing")


def C(id, cls, inputs, **kw):  # noqa: A002, N802
    return {"id": id, "cls": cls, "inputs": inputs, **kw}


CASES = [
    # convolutions
    C("conv2d", "Conv2D", [[2, 5, 6, 3]], kwargs={"filters": 4, "kernel_size": 3}),
    C(
        "conv2d_same_stride",
        "Conv2D",
        [[2, 5, 6, 3]],
        kwargs={
            "filters": 2,
            "kernel_size": (2, 3),
            "strides": 2,
            "padding": "same",
            "activation": "relu",
        },
    ),
    C(
        "conv2d_dilated_nobias",
        "Conv2D",
        [[1, 7, 7, 2]],
        kwargs={"filters": 3, "kernel_size": 2, "dilation_rate": 2, "use_bias": False},
    ),
    C(
        "conv2d_groups",
        "Conv2D",
        [[1, 4, 4, 4]],
        kwargs={"filters": 6, "kernel_size": 2, "groups": 2},
    ),
    C(
        "conv2d_channels_first",
        "Conv2D",
        [[2, 3, 5, 4]],
        kwargs={"filters": 2, "kernel_size": 2, "data_format": "channels_first"},
    ),
    C("conv1d", "Conv1D", [[2, 7, 3]], kwargs={"filters": 4, "kernel_size": 3}),
    C(
        "conv1d_causal",
        "Conv1D",
        [[2, 7, 3]],
        kwargs={"filters": 2, "kernel_size": 3, "padding": "causal", "dilation_rate": 2},
    ),
    C(
        "conv1d_same_stride",
        "Conv1D",
        [[1, 8, 2]],
        kwargs={"filters": 3, "kernel_size": 2, "strides": 3, "padding": "same"},
    ),
    C(
        "conv2d_transpose",
        "Conv2DTranspose",
        [[2, 3, 4, 3]],
        kwargs={"filters": 2, "kernel_size": 3},
    ),
    C(
        "conv2d_transpose_same_s2",
        "Conv2DTranspose",
        [[1, 3, 3, 2]],
        kwargs={"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
    ),
    C(
        "conv2d_transpose_valid_s2",
        "Conv2DTranspose",
        [[1, 3, 4, 2]],
        kwargs={
            "filters": 2,
            "kernel_size": (2, 3),
            "strides": (2, 2),
            "padding": "valid",
            "use_bias": False,
        },
    ),
    # pooling
    C("maxpool2d", "MaxPooling2D", [[2, 5, 6, 3]]),
    C(
        "maxpool2d_same",
        "MaxPooling2D",
        [[1, 5, 5, 2]],
        kwargs={"pool_size": 3, "strides": 2, "padding": "same"},
    ),
    C("avgpool2d", "AveragePooling2D", [[2, 4, 6, 2]], kwargs={"pool_size": (2, 3)}),
    C(
        "avgpool2d_same",
        "AveragePooling2D",
        [[1, 5, 5, 2]],
        kwargs={"pool_size": 2, "padding": "same"},
    ),
    C("maxpool1d", "MaxPooling1D", [[2, 7, 3]]),
    C(
        "maxpool1d_same",
        "MaxPooling1D",
        [[2, 7, 3]],
        kwargs={"pool_size": 3, "strides": 2, "padding": "same"},
    ),
    C("avgpool1d", "AveragePooling1D", [[2, 7, 3]], kwargs={"pool_size": 3, "strides": 1}),
    C(
        "avgpool1d_same",
        "AveragePooling1D",
        [[1, 5, 2]],
        kwargs={"pool_size": 2, "padding": "same"},
    ),
    C("gmaxpool1d", "GlobalMaxPooling1D", [[2, 5, 3]]),
    C("gmaxpool2d", "GlobalMaxPooling2D", [[2, 3, 4, 3]]),
    C("gavgpool1d", "GlobalAveragePooling1D", [[2, 5, 3]]),
    C("gavgpool2d", "GlobalAveragePooling2D", [[2, 3, 4, 3]]),
    C("gavgpool2d_keepdims", "GlobalAveragePooling2D", [[2, 3, 4, 3]], kwargs={"keepdims": True}),
    C(
        "gmaxpool1d_cf_keepdims",
        "GlobalMaxPooling1D",
        [[2, 5, 3]],
        kwargs={"keepdims": True, "data_format": "channels_first"},
    ),
    # reshaping
    C("flatten", "Flatten", [[2, 3, 4]]),
    C("reshape", "Reshape", [[2, 3, 4]], kwargs={"target_shape": (4, 3)}),
    C("reshape_minus1", "Reshape", [[2, 3, 4]], kwargs={"target_shape": (-1, 2)}),
    C("permute", "Permute", [[2, 3, 4, 5]], kwargs={"dims": (3, 1, 2)}),
    C("repeat_vector", "RepeatVector", [[2, 3]], kwargs={"n": 4}),
    C("upsampling2d", "UpSampling2D", [[1, 2, 3, 2]]),
    C(
        "upsampling2d_bilinear",
        "UpSampling2D",
        [[1, 2, 3, 1]],
        kwargs={"size": (2, 3), "interpolation": "nearest"},
    ),
    C("zeropadding2d", "ZeroPadding2D", [[1, 2, 3, 2]], kwargs={"padding": ((1, 0), (2, 1))}),
    C("cropping2d", "Cropping2D", [[1, 5, 6, 2]], kwargs={"cropping": ((1, 2), (0, 3))}),
    # regularization / identity
    C("dropout_inference", "Dropout", [[2, 5]], kwargs={"rate": 0.5}),
    C(
        "dropout_noise_shape",
        "Dropout",
        [[2, 5]],
        kwargs={"rate": 0.3, "noise_shape": (None, 1), "seed": 3},
    ),
    C("identity", "Identity", [[2, 3]]),
    # normalization
    C("batchnorm_inference", "BatchNormalization", [[4, 3]]),
    C(
        "batchnorm_training",
        "BatchNormalization",
        [[4, 3]],
        call_kwargs={"training": True},
        after=[2, 3],
    ),
    C(
        "batchnorm_axis1",
        "BatchNormalization",
        [[2, 3, 4]],
        kwargs={"axis": 1, "momentum": 0.9, "epsilon": 0.01},
        call_kwargs={"training": True},
        after=[2, 3],
    ),
    C(
        "batchnorm_noscale",
        "BatchNormalization",
        [[3, 2, 2]],
        kwargs={"center": False, "scale": False},
        call_kwargs={"training": True},
        after=[0, 1],
    ),
    C("layernorm", "LayerNormalization", [[2, 3, 4]]),
    C(
        "layernorm_axes",
        "LayerNormalization",
        [[2, 3, 4]],
        kwargs={"axis": [1, 2], "epsilon": 0.1, "center": False},
    ),
    # embedding
    C(
        "embedding",
        "Embedding",
        [[2, 3]],
        input_dtype="int32",
        int_range=6,
        kwargs={"input_dim": 6, "output_dim": 4, "embeddings_initializer": "zeros"},
    ),
    C(
        "embedding_mask_zero",
        "Embedding",
        [[2, 4]],
        input_dtype="int64",
        int_range=5,
        kwargs={
            "input_dim": 5,
            "output_dim": 2,
            "mask_zero": True,
            "embeddings_initializer": "zeros",
        },
    ),
    # activations
    C("leaky_relu", "LeakyReLU", [[2, 5]]),
    C("leaky_relu_slope", "LeakyReLU", [[2, 5]], kwargs={"negative_slope": 0.1}),
    C("relu", "ReLU", [[2, 5]]),
    C(
        "relu_args",
        "ReLU",
        [[2, 5]],
        kwargs={"max_value": 0.6, "negative_slope": 0.2, "threshold": 0.1},
    ),
    C("softmax", "Softmax", [[2, 5]]),
    C("softmax_axis", "Softmax", [[2, 3, 4]], kwargs={"axis": 1}),
    C("elu", "ELU", [[2, 5]], kwargs={"alpha": 0.7}),
    C("prelu", "PReLU", [[2, 3, 4]], kwargs={"alpha_initializer": "zeros"}),
    C(
        "prelu_shared",
        "PReLU",
        [[2, 3, 4]],
        kwargs={"alpha_initializer": "zeros", "shared_axes": [1]},
    ),
    C("activation_tanh", "Activation", [[2, 5]], kwargs={"activation": "tanh"}),
    C("activation_relu", "Activation", [[2, 5]], kwargs={"activation": "relu"}),
    # merging
    C("concatenate", "Concatenate", [[2, 3], [2, 2]]),
    C("concatenate_axis1", "Concatenate", [[2, 3, 2], [2, 1, 2]], kwargs={"axis": 1}),
    C("add", "Add", [[2, 3], [2, 3], [2, 3]]),
    C("add_broadcast", "Add", [[2, 3], [2, 1]]),
    C("subtract", "Subtract", [[2, 3], [2, 3]]),
    C("multiply", "Multiply", [[2, 3], [2, 3]]),
    C("average", "Average", [[2, 3], [2, 3]]),
    C("maximum", "Maximum", [[2, 3], [2, 3]]),
    C("minimum", "Minimum", [[2, 3], [2, 3]]),
    C("dot", "Dot", [[2, 3], [2, 3]], kwargs={"axes": 1}),
    C("dot_normalize", "Dot", [[2, 3, 4], [2, 5, 4]], kwargs={"axes": 2, "normalize": True}),
    C("dot_axes_pair", "Dot", [[2, 3, 4], [2, 3, 5]], kwargs={"axes": (1, 1)}),
    # recurrent
    C(
        "simple_rnn",
        "SimpleRNN",
        [[2, 4, 3]],
        kwargs={"units": 2, "recurrent_initializer": "zeros"},
    ),
    C(
        "simple_rnn_seq_state_back",
        "SimpleRNN",
        [[2, 4, 3]],
        kwargs={
            "units": 2,
            "return_sequences": True,
            "return_state": True,
            "go_backwards": True,
            "recurrent_initializer": "zeros",
            "activation": "relu",
        },
    ),
    C("lstm", "LSTM", [[2, 4, 3]], kwargs={"units": 2, "recurrent_initializer": "zeros"}),
    C(
        "lstm_seq_state",
        "LSTM",
        [[2, 5, 3]],
        kwargs={
            "units": 3,
            "return_sequences": True,
            "return_state": True,
            "recurrent_initializer": "zeros",
        },
    ),
    C(
        "lstm_back_nobias",
        "LSTM",
        [[2, 4, 2]],
        kwargs={
            "units": 2,
            "go_backwards": True,
            "use_bias": False,
            "recurrent_initializer": "zeros",
            "unit_forget_bias": False,
        },
    ),
    C("gru", "GRU", [[2, 4, 3]], kwargs={"units": 2, "recurrent_initializer": "zeros"}),
    C(
        "gru_seq_state",
        "GRU",
        [[2, 5, 3]],
        kwargs={
            "units": 3,
            "return_sequences": True,
            "return_state": True,
            "recurrent_initializer": "zeros",
        },
    ),
    C(
        "gru_reset_before",
        "GRU",
        [[2, 4, 3]],
        kwargs={
            "units": 2,
            "reset_after": False,
            "recurrent_initializer": "zeros",
            "go_backwards": True,
        },
    ),
    C(
        "gavgpool1d_mask",
        "GlobalAveragePooling1D",
        [[2, 4, 3]],
        call_kwargs={"mask": A([[1, 1, 0, 1], [0, 1, 1, 0]], "bool")},
    ),
    C(
        "softmax_mask",
        "Softmax",
        [[2, 4]],
        call_kwargs={"mask": A([[1, 1, 0, 1], [0, 1, 1, 0]], "bool")},
    ),
    C(
        "lstm_mask",
        "LSTM",
        [[2, 4, 3]],
        kwargs={"units": 2, "return_sequences": True, "recurrent_initializer": "zeros"},
        call_kwargs={"mask": A([[1, 1, 0, 1], [0, 1, 1, 1]], "bool")},
    ),
    C(
        "gru_initial_state",
        "GRU",
        [[2, 3, 2]],
        kwargs={"units": 2, "return_state": True, "recurrent_initializer": "zeros"},
        call_kwargs={"initial_state": [A([[0.5, -0.5], [0.1, 0.2]])]},
    ),
    C(
        "batchnorm_mask",
        "BatchNormalization",
        [[2, 3, 2]],
        call_kwargs={"training": True, "mask": A([[1, 1, 0], [0, 1, 1]], "bool")},
        after=[2, 3],
    ),
    C(
        "einsum_dense",
        "EinsumDense",
        [[2, 3, 4]],
        kwargs={"equation": "abc,cd->abd", "output_shape": (None, 5), "bias_axes": "d"},
    ),
    C(
        "einsum_dense_ellipsis",
        "EinsumDense",
        [[2, 3, 4]],
        kwargs={"equation": "...b,bc->...c", "output_shape": 2, "activation": "relu"},
    ),
    C(
        "einsum_dense_heads",
        "EinsumDense",
        [[2, 4]],
        kwargs={"equation": "ab,bcd->acd", "output_shape": (3, 2), "bias_axes": "cd"},
    ),
    C("add_ranks", "Add", [[2, 3], [2, 2, 3]]),
    C("dot_2d_3d", "Dot", [[2, 4], [2, 3, 4]], kwargs={"axes": (1, 2)}),
    C(
        "conv1d_channels_first",
        "Conv1D",
        [[2, 3, 6]],
        kwargs={"filters": 2, "kernel_size": 2, "data_format": "channels_first"},
    ),
    C(
        "conv2d_transpose_output_padding",
        "Conv2DTranspose",
        [[1, 3, 3, 2]],
        kwargs={"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1},
    ),
    C(
        "conv2d_transpose_channels_first",
        "Conv2DTranspose",
        [[1, 2, 3, 3]],
        kwargs={"filters": 3, "kernel_size": 2, "strides": 2, "data_format": "channels_first"},
    ),
    C(
        "maxpool2d_channels_first",
        "MaxPooling2D",
        [[1, 2, 4, 5]],
        kwargs={"data_format": "channels_first"},
    ),
    C(
        "upsampling2d_channels_first",
        "UpSampling2D",
        [[1, 2, 2, 3]],
        kwargs={"size": 2, "data_format": "channels_first"},
    ),
    C(
        "flatten_channels_first",
        "Flatten",
        [[2, 3, 2, 2]],
        kwargs={"data_format": "channels_first"},
    ),
    C("zeropadding2d_int", "ZeroPadding2D", [[1, 2, 2, 1]], kwargs={"padding": 2}),
    C(
        "cropping2d_cf",
        "Cropping2D",
        [[1, 2, 5, 4]],
        kwargs={"cropping": 1, "data_format": "channels_first"},
    ),
    C(
        "time_distributed_dense",
        "TimeDistributed",
        [[2, 4, 5]],
        kwargs={"layer": {"__layer__": "Dense", "kwargs": {"units": 3, "activation": "relu"}}},
    ),
    C(
        "time_distributed_conv",
        "TimeDistributed",
        [[2, 3, 5, 5, 1]],
        kwargs={"layer": {"__layer__": "Conv2D", "kwargs": {"filters": 2, "kernel_size": 3}}},
    ),
    C(
        "bidirectional_lstm",
        "Bidirectional",
        [[2, 3, 4]],
        needs_leaf_modules=True,
        kwargs={
            "layer": {
                "__layer__": "LSTM",
                "kwargs": {"units": 2, "return_sequences": True, "recurrent_initializer": "zeros"},
            }
        },
    ),
    C(
        "bidirectional_gru_state_sum",
        "Bidirectional",
        [[2, 3, 4]],
        needs_leaf_modules=True,
        kwargs={
            "merge_mode": "sum",
            "layer": {
                "__layer__": "GRU",
                "kwargs": {"units": 2, "return_state": True, "recurrent_initializer": "zeros"},
            },
        },
    ),
    C(
        "bidirectional_rnn_none",
        "Bidirectional",
        [[2, 3, 4]],
        needs_leaf_modules=True,
        kwargs={
            "merge_mode": None,
            "layer": {
                "__layer__": "SimpleRNN",
                "kwargs": {"units": 3, "recurrent_initializer": "zeros"},
            },
        },
    ),
    # random: values equal TF's only with keras.random.SeedGenerator (tests skip them
    # while the test double stands in for it)
    C(
        "dropout_training",
        "Dropout",
        [[2, 8]],
        kwargs={"rate": 0.5, "seed": 1},
        call_kwargs={"training": True},
        random=True,
    ),
    C(
        "dropout_noise_training",
        "Dropout",
        [[4, 3]],
        kwargs={"rate": 0.3, "noise_shape": (None, 1), "seed": 3},
        call_kwargs={"training": True},
        random=True,
    ),
    C(
        "simple_rnn_dropout",
        "SimpleRNN",
        [[2, 3, 2]],
        kwargs={
            "units": 2,
            "dropout": 0.5,
            "recurrent_dropout": 0.4,
            "seed": 2,
            "recurrent_initializer": "zeros",
        },
        call_kwargs={"training": True},
        random=True,
    ),
    C(
        "lstm_dropout",
        "LSTM",
        [[2, 3, 2]],
        kwargs={
            "units": 2,
            "dropout": 0.5,
            "recurrent_dropout": 0.5,
            "seed": 2,
            "recurrent_initializer": "zeros",
        },
        call_kwargs={"training": True},
        random=True,
    ),
    C(
        "lstm_dropout_inputs_only",
        "LSTM",
        [[2, 3, 2]],
        kwargs={"units": 2, "dropout": 0.3, "seed": 6, "recurrent_initializer": "zeros"},
        call_kwargs={"training": True},
        random=True,
    ),
    C(
        "gru_dropout",
        "GRU",
        [[2, 3, 2]],
        kwargs={
            "units": 2,
            "dropout": 0.5,
            "recurrent_dropout": 0.4,
            "seed": 2,
            "recurrent_initializer": "zeros",
        },
        call_kwargs={"training": True},
        random=True,
    ),
    C(
        "gru_dropout_reset_before",
        "GRU",
        [[2, 3, 2]],
        kwargs={
            "units": 2,
            "dropout": 0.5,
            "seed": 4,
            "reset_after": False,
            "recurrent_initializer": "zeros",
        },
        call_kwargs={"training": True},
        random=True,
    ),
    C(
        "mha_dropout",
        "MultiHeadAttention",
        [[2, 3, 4], [2, 3, 4]],
        kwargs={"num_heads": 2, "key_dim": 2, "dropout": 0.5, "seed": 5},
        call_kwargs={"training": True},
        random=True,
    ),
    # attention
    C("mha", "MultiHeadAttention", [[2, 3, 4], [2, 5, 4]], kwargs={"num_heads": 2, "key_dim": 3}),
    C(
        "mha_self_scores",
        "MultiHeadAttention",
        [[2, 3, 4], [2, 3, 4]],
        kwargs={"num_heads": 3, "key_dim": 2, "value_dim": 3, "use_bias": False},
        call_kwargs={"return_attention_scores": True},
    ),
    C(
        "mha_output_shape",
        "MultiHeadAttention",
        [[2, 3, 4], [2, 5, 6], [2, 5, 2]],
        kwargs={"num_heads": 2, "key_dim": 2, "output_shape": 7},
    ),
]

ERRORS = [
    C("conv2d_filters0", "Conv2D", None, kwargs={"filters": 0, "kernel_size": 3}),
    C("conv2d_groups_bad", "Conv2D", None, kwargs={"filters": 5, "kernel_size": 3, "groups": 2}),
    C("conv2d_kernel_tuple", "Conv2D", None, kwargs={"filters": 2, "kernel_size": (1, 2, 3)}),
    C("conv2d_kernel0", "Conv2D", None, kwargs={"filters": 2, "kernel_size": 0}),
    C("conv2d_padding", "Conv2D", None, kwargs={"filters": 2, "kernel_size": 2, "padding": "full"}),
    C(
        "conv2d_causal",
        "Conv2D",
        None,
        kwargs={"filters": 2, "kernel_size": 2, "padding": "causal"},
    ),
    C(
        "conv2d_data_format",
        "Conv2D",
        None,
        kwargs={"filters": 2, "kernel_size": 2, "data_format": "nhwc"},
    ),
    C(
        "conv2d_strides_dilation",
        "Conv2D",
        None,
        kwargs={"filters": 2, "kernel_size": 2, "strides": 2, "dilation_rate": 2},
    ),
    C("conv2d_rank3", "Conv2D", [[2, 5, 3]], kwargs={"filters": 2, "kernel_size": 2}),
    C("conv2d_too_small", "Conv2D", [[1, 2, 2, 1]], kwargs={"filters": 2, "kernel_size": 3}),
    C(
        "maxpool2d_padding_symbolic",
        "MaxPooling2D",
        [[1, 4, 4, 1]],
        symbolic=True,
        kwargs={"padding": "causal"},
    ),
    C(
        "maxpool2d_upper_symbolic",
        "MaxPooling2D",
        [[1, 4, 4, 1]],
        symbolic=True,
        kwargs={"padding": "SAME"},
    ),
    C("dot_mismatch", "Dot", [[2, 3], [2, 4]], kwargs={"axes": 1}),
    C(
        "mha_key_value",
        "MultiHeadAttention",
        [[2, 3, 4], [2, 5, 4], [2, 4, 4]],
        kwargs={"num_heads": 2, "key_dim": 2},
    ),
    C("embedding_output_dim", "Embedding", None, kwargs={"input_dim": 3, "output_dim": 1.5}),
    C("permute_bad", "Permute", None, kwargs={"dims": (1, 3)}),
    C("repeat_vector_float", "RepeatVector", None, kwargs={"n": 2.0}),
    C("zeropadding_bad", "ZeroPadding2D", None, kwargs={"padding": (1, 2, 3)}),
    C("cropping_too_much", "Cropping2D", [[1, 3, 3, 1]], kwargs={"cropping": 2}),
    C(
        "conv2d_transpose_output_padding",
        "Conv2DTranspose",
        None,
        kwargs={"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 2},
    ),
    C("layernorm_axis_type", "LayerNormalization", None, kwargs={"axis": "a"}),
    C("dropout_noise_shape", "Dropout", None, kwargs={"rate": 0.5, "noise_shape": (2, 0)}),
    C("reshape_two_unknown", "Reshape", None, kwargs={"target_shape": (-1, -1)}),
    C("maxpool2d_rank3", "MaxPooling2D", [[2, 5, 3]]),
    C("dropout_rate", "Dropout", None, kwargs={"rate": 1.5}),
    C("reshape_bad", "Reshape", [[2, 3, 4]], kwargs={"target_shape": (5, 3)}),
    C("embedding_dim0", "Embedding", None, kwargs={"input_dim": 0, "output_dim": 2}),
    C("leaky_relu_neg", "LeakyReLU", None, kwargs={"negative_slope": -1.0}),
    C("relu_neg_max", "ReLU", None, kwargs={"max_value": -1.0}),
    C("concatenate_one", "Concatenate", [[2, 3]]),
    C("concatenate_mismatch", "Concatenate", [[2, 3], [3, 3]]),
    C("add_mismatch", "Add", [[2, 3], [2, 4]]),
    C("subtract_three", "Subtract", [[2, 3], [2, 3], [2, 3]]),
    C("batchnorm_axis", "BatchNormalization", [[2, 3]], kwargs={"axis": 3}),
    C("lstm_rank2", "LSTM", [[2, 3]], kwargs={"units": 2, "recurrent_initializer": "zeros"}),
    C("mha_attention_axes", "MultiHeadAttention", None, kwargs={"num_heads": 0, "key_dim": 2}),
]


# Layers whose statistics come from tf.nn.moments, which stops the gradient through the
# mean inside the variance (TF's wart): their second derivatives are TF's, not the true ones,
# so tests compare them with TF's instead of finite differences.
SECOND_ORDER = [
    C("batchnorm_training", "BatchNormalization", [[5, 3]], call_kwargs={"training": True}),
    C(
        "batchnorm_axis1_training",
        "BatchNormalization",
        [[3, 2, 4]],
        kwargs={"axis": 1},
        call_kwargs={"training": True},
    ),
    C("layernorm", "LayerNormalization", [[2, 3, 4]]),
    C(
        "layernorm_axes",
        "LayerNormalization",
        [[2, 3, 4]],
        kwargs={"axis": (1, 2), "center": False},
    ),
]


def run_second_order(case):
    keras.backend.clear_session()
    layer = getattr(keras.layers, case["cls"])(dtype="float64", **case.get("kwargs", {}))
    x = values(case["inputs"][0], 0, "float64")
    layer(x)
    weights = [weight_value(v, i).astype("float64") for i, v in enumerate(layer.weights)]
    layer.set_weights(weights)
    xs = tf.constant(x)
    out_shape = layer(xs).shape
    u = tf.constant(values(tuple(out_shape), 5, "float64"))
    sources = [xs] + [v.value for v in layer.trainable_variables]
    w = [tf.constant(values(tuple(s.shape), 7 + i, "float64")) for i, s in enumerate(sources)]
    with tf.GradientTape() as outer:
        outer.watch(xs)
        with tf.GradientTape() as inner:
            inner.watch(xs)
            out = layer(xs, **case.get("call_kwargs", {}))
        first = inner.gradient(out, sources, output_gradients=u)
    second = outer.gradient(
        first, sources, output_gradients=w, unconnected_gradients=tf.UnconnectedGradients.ZERO
    )
    return {
        "id": case["id"], "cls": case["cls"], "kwargs": case.get("kwargs", {}),
        "call_kwargs": case.get("call_kwargs", {}), "input": x.tolist(),
        "weights": [v.tolist() for v in weights], "u": u.numpy().tolist(),
        "w": [t.numpy().tolist() for t in w],
        "first": [g.numpy().tolist() for g in first],
        "second": [g.numpy().tolist() for g in second],
    }  # fmt: skip


def main():
    out = {
        "header": {"tensorflow": tf.__version__, "keras": keras.__version__,
                   "numpy": np.__version__, "python": sys.version.split()[0]},
        "cases": [run_case(c) for c in CASES],
        "errors": [],
        "second_order": [run_second_order(c) for c in SECOND_ORDER],
    }  # fmt: skip
    for c in ERRORS:
        try:
            out["errors"].append(run_error(c))
        except AssertionError as e:
            print("no error:", e)
    with open(OUT, "w") as f:
        json.dump(out, f, indent=0, sort_keys=True)
    print(f"wrote {len(out['cases'])} cases and {len(out['errors'])} errors to {OUT}")


if __name__ == "__main__":
    main()
