"""keras.activations: values, options, names and serialization (observed on TF 2.21 /
Keras 3.15.1), and first- and second-order gradients through tapeflow ops."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import check_first_order, check_second_order

import tapeflow as tf

A = tf.keras.activations
X = [-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5, 7.0]

# Each activation of X (float32), printed by TF 2.21.
EXPECTED = {
    "celu": [
        -0.9502129554748535,
        -0.6321205496788025,
        -0.39346933364868164,
        0.0,
        0.5,
        1.0,
        2.5,
        7.0,
    ],
    "hard_shrink": [-3.0, -1.0, 0.0, 0.0, 0.0, 1.0, 2.5, 7.0],
    "hard_silu": [
        -0.0,
        -0.3333333432674408,
        -0.2083333283662796,
        0.0,
        0.2916666567325592,
        0.6666666865348816,
        2.2916667461395264,
        7.0,
    ],
    "hard_tanh": [-1.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.0, 1.0],
    "log_sigmoid": [
        -3.0485870838165283,
        -1.31326162815094,
        -0.9740769267082214,
        -0.6931471824645996,
        -0.4740769863128662,
        -0.3132616877555847,
        -0.07888974249362946,
        -0.0009114663698710501,
    ],
    "soft_shrink": [-2.5, -0.5, 0.0, 0.0, 0.0, 0.5, 2.0, 6.5],
    "sparse_plus": [0.0, 0.0, 0.0625, 0.25, 0.5625, 1.0, 2.5, 7.0],
    "sparse_sigmoid": [0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0],
    "squareplus": [
        0.30277562141418457,
        0.6180340051651001,
        0.7807763814926147,
        1.0,
        1.2807763814926147,
        1.6180340051651,
        2.850780963897705,
        7.140054702758789,
    ],
    "tanh_shrink": [
        -2.0049452781677246,
        -0.23840582370758057,
        -0.037882864475250244,
        0.0,
        0.037882864475250244,
        0.23840582370758057,
        1.5133856534957886,
        6.000001907348633,
    ],
    "relu": [0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 2.5, 7.0],
    "sigmoid": [
        0.04742586612701416,
        0.26894140243530273,
        0.3775406777858734,
        0.5,
        0.622459352016449,
        0.7310585379600525,
        0.9241418242454529,
        0.9990889430046082,
    ],
    "tanh": [
        -0.9950547218322754,
        -0.7615941762924194,
        -0.46211713552474976,
        0.0,
        0.46211713552474976,
        0.7615941762924194,
        0.9866143465042114,
        0.9999983310699463,
    ],
    "elu": [
        -0.9502129554748535,
        -0.6321205496788025,
        -0.39346933364868164,
        0.0,
        0.5,
        1.0,
        2.5,
        7.0,
    ],
    "selu": [
        -1.6705687046051025,
        -1.1113307476043701,
        -0.6917581558227539,
        0.0,
        0.5253505110740662,
        1.0507010221481323,
        2.6267526149749756,
        7.354907035827637,
    ],
    "gelu": [
        -0.004049696493893862,
        -0.15865525603294373,
        -0.1542687714099884,
        0.0,
        0.3457312285900116,
        0.8413447141647339,
        2.48447585105896,
        7.0,
    ],
    "leaky_relu": [
        -0.6000000238418579,
        -0.20000000298023224,
        -0.10000000149011612,
        0.0,
        0.5,
        1.0,
        2.5,
        7.0,
    ],
    "silu": [
        -0.14227759838104248,
        -0.26894140243530273,
        -0.1887703388929367,
        0.0,
        0.3112296760082245,
        0.7310585379600525,
        2.310354471206665,
        6.993622779846191,
    ],
    "softplus": [
        0.04858735576272011,
        0.3132616877555847,
        0.4740769863128662,
        0.6931471824645996,
        0.9740769267082214,
        1.31326162815094,
        2.578889846801758,
        7.000911712646484,
    ],
    "softsign": [
        -0.75,
        -0.5,
        -0.3333333432674408,
        0.0,
        0.3333333432674408,
        0.5,
        0.7142857313156128,
        0.875,
    ],
    "exponential": [
        0.049787070602178574,
        0.3678794503211975,
        0.6065306663513184,
        1.0,
        1.6487212181091309,
        2.7182817459106445,
        12.182494163513184,
        1096.6331787109375,
    ],
    "hard_sigmoid": [
        0.0,
        0.3333333432674408,
        0.4166666567325592,
        0.5,
        0.5833333134651184,
        0.6666666865348816,
        0.9166666865348816,
        1.0,
    ],
    "linear": [-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5, 7.0],
    "relu6": [0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 2.5, 6.0],
    "mish": [
        -0.14564748108386993,
        -0.30340149998664856,
        -0.22074377536773682,
        0.0,
        0.37524518370628357,
        0.8650984168052673,
        2.4713923931121826,
        6.999989032745361,
    ],
    "softmax": [
        4.464380981517024e-05,
        0.0003298755909781903,
        0.0005438728258013725,
        0.0008966947789303958,
        0.0014783998485654593,
        0.002437469083815813,
        0.010923977941274643,
        0.9833452105522156,
    ],
    "log_softmax": [
        -10.01679515838623,
        -8.01679515838623,
        -7.5167951583862305,
        -7.0167951583862305,
        -6.5167951583862305,
        -6.0167951583862305,
        -4.5167951583862305,
        -0.016795068979263306,
    ],
}

# relu's options, exact (only comparisons and one multiply-add).
RELU = [
    (
        dict(negative_slope=0.1),
        [-0.30000001192092896, -0.10000000149011612, -0.05000000074505806, 0.0, 0.5, 1.0, 2.5, 7.0],
    ),
    (dict(max_value=2.0), [0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 2.0, 2.0]),
    (dict(threshold=0.5), [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.5, 7.0]),
    (
        dict(negative_slope=0.1, max_value=2.0, threshold=0.5),
        [
            -0.3499999940395355,
            -0.15000000596046448,
            -0.10000000149011612,
            -0.05000000074505806,
            0.0,
            1.0,
            2.0,
            2.0,
        ],
    ),
    (dict(max_value=6), [0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 2.5, 6.0]),
    (
        dict(negative_slope=0.2, threshold=-1.0),
        [-0.4000000059604645, 0.0, -0.5, 0.0, 0.5, 1.0, 2.5, 7.0],
    ),
]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_activation_values_are_keras(name):
    got = A.get(name)(tf.constant(X))
    assert got.dtype == tf.float32
    # tapeflow's float32 exp/log/tanh may differ from Eigen's by an ulp.
    np.testing.assert_allclose(got.numpy(), EXPECTED[name], rtol=1e-6, atol=2e-7)


@pytest.mark.parametrize("options, want", RELU)
def test_relu_options_are_keras(options, want):
    assert A.relu(tf.constant(X), **options).numpy().tolist() == want


def test_other_options_and_inputs():
    got = A.elu(tf.constant(X), alpha=0.5).numpy()
    want = [-0.47510647773742676, -0.31606027483940125, -0.19673466682434082, 0.0, 0.5, 1.0,
            2.5, 7.0]  # fmt: skip
    np.testing.assert_allclose(got, want, rtol=1e-6)
    got = A.gelu(tf.constant(X), approximate=True).numpy()
    want = [-0.0036374330520629883, -0.15880799293518066, -0.1542859971523285, 0.0,
            0.3457140028476715, 0.8411920070648193, 2.4849157333374023, 7.0]  # fmt: skip
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=2e-7)
    grid = tf.reshape(tf.constant(X), [2, 4])
    np.testing.assert_allclose(A.softmax(grid, axis=0).numpy(), [
        [0.02931223064661026, 0.11920291185379028, 0.04742587357759476, 0.0009110512328334153],
        [0.970687747001648, 0.8807970285415649, 0.9525741338729858, 0.9990890026092529]],
        rtol=1e-6)  # fmt: skip
    np.testing.assert_allclose(A.softmax(grid, axis=None).numpy().ravel(), EXPECTED["softmax"],
                               rtol=1e-6)  # fmt: skip
    got = A.relu(tf.constant([-1, 2]))
    assert got.dtype == tf.int32 and got.numpy().tolist() == [0, 2]
    assert A.relu([-1.0, 2.0]).numpy().tolist() == [0.0, 2.0]


def test_the_shaped_activations():
    grid = tf.reshape(tf.constant(X), [2, 4])
    assert A.sparsemax(grid).numpy().tolist() == [[0.0, 0.0, 0.25, 0.75], [0.0, 0.0, 0.0, 1.0]]
    got = A.glu(tf.reshape(tf.constant(X), [4, 2])).numpy()
    want = [[-0.8068243265151978], [-0.25], [0.36552929878234863], [2.4977223873138428]]
    np.testing.assert_allclose(got, want, rtol=1e-6)
    got = A.threshold(tf.constant(X), 0.4, -2.0).numpy().tolist()
    assert got == [-2.0, -2.0, -2.0, -2.0, 0.5, 1.0, 2.5, 7.0]
    with pytest.raises(ValueError) as info:
        A.glu(tf.constant([1.0, 2.0, 3.0]))
    assert str(info.value) == (
        "axis size must be divisible by 2. Received: x.shape=(3,) with axis=-1"
    )
    assert A.get("hard_swish") is A.hard_silu and A.serialize(A.hard_swish) == "hard_silu"


def test_get_serialize_and_errors():
    assert A.get(None) is A.linear and A.get("swish") is A.silu is A.swish
    assert A.get(A.tanh) is A.tanh
    assert A.serialize(A.relu) == "relu" and A.serialize(A.swish) == "silu"
    assert A.deserialize("relu") is A.relu
    config = {"module": "keras.activations", "class_name": "function", "config": "relu",
              "registered_name": "relu"}  # fmt: skip
    assert A.get(config) is A.relu

    def custom(x):
        return x

    assert A.serialize(custom) == {
        "module": "builtins", "class_name": "function", "config": "custom",
        "registered_name": "function"}  # fmt: skip
    for bad in ("nope", 3):
        with pytest.raises(ValueError) as info:
            A.get(bad)
        assert str(info.value) == f"Could not interpret activation function identifier: {bad}"


# Points away from every kink (0, thresholds, +-3 and 6), so central differences are smooth.
POINTS = np.array([-2.7, -1.3, -0.6, 0.4, 1.1, 2.2, 3.9, 7.3])
CASES = {name: (lambda x, n=name: A.get(n)(x)) for name in EXPECTED}
CASES.update({
    "relu(all options)": lambda x: A.relu(x, negative_slope=0.1, max_value=2.0, threshold=0.5),
    "relu(negative_slope)": lambda x: A.relu(x, negative_slope=0.1),
    "elu(alpha=0.5)": lambda x: A.elu(x, alpha=0.5),
    "gelu(approximate)": lambda x: A.gelu(x, approximate=True),
    "softmax(axis=0)": lambda x: A.softmax(tf.reshape(x, [2, 4]), axis=0),
    "glu": lambda x: A.glu(tf.reshape(x, [4, 2])),
    "sparsemax": lambda x: A.sparsemax(tf.reshape(x, [2, 4]) / 4.0),
    "threshold": lambda x: A.threshold(x, 0.0, -2.0),
    "celu(alpha=0.5)": lambda x: A.celu(x, alpha=0.5),
    "log_softmax(axis=None)": lambda x: A.log_softmax(tf.reshape(x, [2, 4]), axis=None),
})  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_activation_gradients_first_and_second_order(name):
    rng = np.random.default_rng(0)
    x = POINTS / 2.0 if name in ("exponential",) else POINTS
    check_first_order(CASES[name], [x], [0], rng, label=name)
    check_second_order(CASES[name], [x], [0], rng, label=name)
