"""Generates tests/data/tf_vectorized_map_goldens.json: TF's tf.vectorized_map, run for real.

Usage (TensorFlow lives in its own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_vectorized_map_goldens.py

Each case is literal code with ``tf`` and ``np`` predefined that leaves its result in ``out``;
tests/test_vectorized_map_goldens.py replays every case with tapeflow and compares values,
dtypes, printed output, logged warnings and exception classes and messages
(tf_golden_util.compare_results). Cases in ISOLATED run in a fresh interpreter (warnings).

Covered: the docstring examples (the outer product, per-example gradients of a Dense layer,
with a constant initializer so the numbers are reproducible), per-example Jacobians, gradients
through vectorized_map, results that do not depend on the example (tiled), elements of first
dimension 1 (broadcast), nested structures, the while_loop fallback's warning and the errors
for fallback_to_while_loop=False and for mismatched first dimensions. The pfor error's text
holds TF's graph node, which tapeflow has not: the cases pin its class, first line and end.
"""

from __future__ import annotations

from family import DATA, record_or_verify

OUTPUT = DATA / "tf_vectorized_map_goldens.json"

_DENSE = (
    "layer = tf.keras.layers.Dense(1, kernel_initializer=tf.keras.initializers.Constant(0.1),\n"
    "                              bias_initializer=tf.keras.initializers.Constant(0.2))\n"
)

CASES = {
    "doc_outer_product": (
        "def outer_product(a):\n"
        "    return tf.tensordot(a, a, 0)\n"
        "batch_size = 100\n"
        "a = tf.ones((batch_size, 32, 32))\n"
        "c = tf.vectorized_map(outer_product, a)\n"
        "assert c.shape == (batch_size, 32, 32, 32, 32)\n"
        "out = [c.shape, tf.reduce_sum(c), c.dtype]"
    ),
    "doc_outer_product_values": (
        "a = tf.constant(np.arange(12.0).reshape(3, 2, 2), tf.float32)\n"
        "out = tf.vectorized_map(lambda a: tf.tensordot(a, a, 0), a)"
    ),
    "doc_per_example_gradients": (
        "batch_size = 10\n"
        "num_features = 32\n" + _DENSE + "def model_fn(arg):\n"
        "    with tf.GradientTape() as g:\n"
        "        inp, label = arg\n"
        "        inp = tf.expand_dims(inp, 0)\n"
        "        label = tf.expand_dims(label, 0)\n"
        "        prediction = layer(inp)\n"
        "        loss = tf.nn.l2_loss(label - prediction)\n"
        "    return g.gradient(loss, (layer.kernel, layer.bias))\n"
        "inputs = tf.constant(np.linspace(-1, 1, batch_size * num_features)"
        ".reshape(batch_size, num_features), tf.float32)\n"
        "labels = tf.constant(np.linspace(0, 1, batch_size).reshape(batch_size, 1), tf.float32)\n"
        "per_example_gradients = tf.vectorized_map(model_fn, (inputs, labels))\n"
        "assert per_example_gradients[0].shape == (batch_size, num_features, 1)\n"
        "assert per_example_gradients[1].shape == (batch_size, 1)\n"
        "out = per_example_gradients"
    ),
    "per_example_mlp_gradients": (
        "# float64: TF's float32 kernels round differently in the last printed digit\n"
        "w1 = tf.Variable(np.linspace(-1, 1, 12).reshape(4, 3))\n"
        "b1 = tf.Variable(np.array([0.1, -0.2, 0.3]))\n"
        "w2 = tf.Variable(np.linspace(1, -1, 6).reshape(3, 2))\n"
        "def loss_grads(arg):\n"
        "    x, y = arg\n"
        "    with tf.GradientTape() as tape:\n"
        "        h = tf.tanh(tf.matmul(x[None], w1) + b1)\n"
        "        logits = tf.matmul(h, w2)\n"
        "        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y[None], "
        "logits))\n"
        "    return tape.gradient(loss, [w1, b1, w2])\n"
        "x = tf.constant(np.linspace(-2, 2, 20).reshape(5, 4))\n"
        "y = tf.constant([0, 1, 1, 0, 1])\n"
        "out = tf.vectorized_map(loss_grads, (x, y))"
    ),
    "per_example_jacobians": (
        "x = tf.constant(np.linspace(-1, 1, 6).reshape(3, 2), tf.float32)\n"
        "def jac(v):\n"
        "    with tf.GradientTape() as t:\n"
        "        t.watch(v)\n"
        "        y = tf.sin(v) * tf.reduce_sum(v * v)\n"
        "    return t.jacobian(y, v)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.sin(x) * tf.reduce_sum(x * x, axis=1, keepdims=True)\n"
        "out = [tf.vectorized_map(jac, x), t.batch_jacobian(y, x)]"
    ),
    "gradient_through_vectorized_map": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "w = tf.Variable([0.5, -1.0])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.vectorized_map(lambda r: tf.reduce_sum(tf.exp(r * w)), x)\n"
        "    z = tf.reduce_sum(y * y)\n"
        "out = [y, t.gradient(z, x), t.gradient(z, w)]"
    ),
    "second_order_through_a_tape_inside": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0]])\n"
        "def grad(v):\n"
        "    with tf.GradientTape() as t:\n"
        "        t.watch(v)\n"
        "        y = tf.reduce_sum(v ** 3)\n"
        "    return t.gradient(y, v)\n"
        "with tf.GradientTape() as outer:\n"
        "    outer.watch(x)\n"
        "    g = tf.vectorized_map(grad, x)\n"
        "out = [g, outer.gradient(g, x)]"
    ),
    "result_independent_of_the_example_is_tiled": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "c = tf.constant([7, 8])\n"
        "out = [tf.vectorized_map(lambda r: tf.constant(3.0), x), "
        "tf.vectorized_map(lambda r: c * 2, x)]"
    ),
    "first_dimension_one_broadcasts": (
        "x = tf.constant(np.arange(12.0).reshape(3, 2, 2), tf.float32)\n"
        "out = tf.vectorized_map(lambda a: a[0] + a[1], (x, tf.ones([1, 2])))"
    ),
    "nested_structures": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0]])\n"
        "i = tf.constant([1, 0])\n"
        "out = tf.vectorized_map(lambda e: {'b': (e['x'] * 2, tf.gather(e['x'], e['i'])), "
        "'a': tf.reduce_max(e['x'])}, {'x': x, 'i': i})"
    ),
    "axis_ops": (
        "x = tf.constant(np.arange(24.0).reshape(2, 3, 4), tf.float32)\n"
        "out = tf.vectorized_map(lambda a: [tf.reduce_sum(a, axis=0), tf.transpose(a), "
        "tf.reshape(a, [4, 3]), tf.concat([a, a], axis=-1), tf.stack([a, a], axis=1), "
        "tf.nn.softmax(a), tf.einsum('ij,kj->ik', a, a), a[1:, ::2], tf.argmax(a, axis=1)], x)"
    ),
    "mismatched_first_dimensions": (
        "x = tf.constant(np.arange(12.0).reshape(3, 2, 2), tf.float32)\n"
        "try:\n"
        "    tf.vectorized_map(lambda a: a, (x, tf.ones([2, 2])))\n"
        "except Exception as e:\n"
        "    out = type(e).__name__"
    ),
    "no_fallback_raises": (
        "x = tf.constant(np.arange(12.0).reshape(3, 2, 2), tf.float32)\n"
        "try:\n"
        "    tf.vectorized_map(lambda a: tf.linalg.det(a), x, fallback_to_while_loop=False)\n"
        "except ValueError as e:\n"
        "    message = str(e)\n"
        "    out = ['No pfor vectorization defined for MatrixDeterminant\\n' in message, "
        "message.strip().endswith('Consider enabling the fallback_to_while_loop option to pfor, "
        "which may run slower.')]"
    ),
}

ISOLATED = {
    "fallback_warns": (
        "x = tf.constant([[[2.0, 1.0], [1.0, 3.0]], [[1.0, 0.0], [0.0, 4.0]]])\n"
        "out = tf.vectorized_map(lambda a: tf.linalg.det(a) * 2.0, x)"
    ),
    "fallback_warn_false_is_silent": (
        "x = tf.constant([[[2.0, 1.0], [1.0, 3.0]], [[1.0, 0.0], [0.0, 4.0]]])\n"
        "out = tf.vectorized_map(lambda a: tf.linalg.det(a) * 2.0, x, warn=False)"
    ),
}


def all_cases() -> dict[str, tuple[str, bool]]:
    """Every case as name -> (code, isolated)."""
    cases = {name: (code, False) for name, code in CASES.items()}
    assert not set(cases) & set(ISOLATED)
    cases.update({name: (code, True) for name, code in ISOLATED.items()})
    return cases


# TF's own noise: AutoGraph (which tapeflow does not have) and pfor's retracing.
_TF_NOISE = ("WARNING: AutoGraph could not transform", "triggered tf.function retracing")


def _run(tf, code: str, isolated: bool) -> dict:
    import linecache

    from tf_golden_util import run_case, run_case_isolated  # tests/ is on sys.path (family)

    if isolated:
        result = run_case_isolated(code, "tensorflow")
    else:
        lines = code.splitlines(keepends=True)
        linecache.cache["<golden case>"] = (len(code), None, lines, "<golden case>")
        try:
            result = run_case(code, tf)
        finally:
            del linecache.cache["<golden case>"]
    result["warnings"] = [w for w in result["warnings"] if not w.startswith(_TF_NOISE[0])]
    result["warnings"] = [w for w in result["warnings"] if _TF_NOISE[1] not in w]
    return result


def main() -> None:
    """Records every case under TensorFlow (or, with --verify, replays the written file)."""
    cases = {
        name: {"code": code, "isolated": isolated} for name, (code, isolated) in all_cases().items()
    }
    record_or_verify(OUTPUT, __file__, cases, lambda tf, c: _run(tf, c["code"], c["isolated"]))


if __name__ == "__main__":
    main()
