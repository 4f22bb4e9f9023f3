"""Where the numbers of the custom-training-loop guide (tests/guides/custom_training_loop.py)
drift from TF's.

Runs the guide's first loop (MLP 784-64-64-10, Adam, sparse categorical cross-entropy from
logits, 3 epochs of 8 batches) on real Keras, recording each step's batch, weights, slots, loss,
gradients and metric accumulators; then replays it in tapeflow from the same initial weights and
batches:

1. teacher-forced: each tapeflow op fed TF's inputs of that step (Keras' Adam from TF's weights,
   slots and gradients; the loss from TF's logits; each Dense layer from TF's input to it);
2. free-running, once as tapeflow computes and once with chosen kernels replaced by real TF's
   (matmul forward/backward, the SparseSoftmaxCrossEntropyWithLogits kernel, the batch sum of the
   loss), printing a per-step loss table.

Needs TensorFlow and tapeflow in one interpreter (NumPy the same as tapeflow's venv):
    PYTHONPATH=src /work/tfvenv/bin/python tools/tf_goldens/probe_training_loop_drift.py
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["KERAS_BACKEND"] = "tensorflow"

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as rtf  # noqa: E402

import tapeflow as tf  # noqa: E402

STEPS = 24


def guide_data():
    rng = np.random.RandomState(0)  # the guide's stand-in for MNIST
    x = rng.randint(0, 256, size=(320, 28, 28)).astype("uint8")
    y = rng.randint(0, 10, size=(320,)).astype("uint8")
    return np.reshape(x, (-1, 784))[:-64], y[:-64]


def model_of(k):
    inputs = k.Input(shape=(784,), name="digits")
    x1 = k.layers.Dense(64, activation="relu")(inputs)
    x2 = k.layers.Dense(64, activation="relu")(x1)
    return k.Model(inputs=inputs, outputs=k.layers.Dense(10, name="predictions")(x2))


def record_tf():
    """The guide's first loop on real Keras, every step's tensors as NumPy arrays."""
    keras.utils.set_random_seed(1337)
    x_train, y_train = guide_data()
    model = model_of(keras)
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    metric = keras.metrics.SparseCategoricalAccuracy()
    ds = rtf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(1024).batch(32)
    w0 = [w.numpy() for w in model.trainable_weights]
    steps = []
    for _ in range(3):
        for x, y in ds:
            d = {"x": x.numpy(), "y": y.numpy()}
            d["wb"] = [w.numpy() for w in model.trainable_weights]
            d["sb"] = [v.numpy() for v in optimizer.variables[2:]] if optimizer.built else None
            layer_in = [rtf.cast(x, "float32")]
            for layer in model.layers[1:]:
                layer_in.append(layer(layer_in[-1]))
            with rtf.GradientTape() as tape:
                logits = model(x, training=True)
                loss = loss_fn(y, logits)
            grads = tape.gradient(loss, model.trainable_weights)
            optimizer.apply(grads, model.trainable_weights)
            metric.update_state(y, logits)
            d.update(
                layer_io=[t.numpy() for t in layer_in],
                logits=logits.numpy(),
                loss=loss.numpy(),
                grads=[g.numpy() for g in grads],
                wa=[w.numpy() for w in model.trainable_weights],
                sa=[v.numpy() for v in optimizer.variables[2:]],
                metric=[v.numpy() for v in metric.variables],
            )
            steps.append(d)
    return w0, steps


def differing(a, b, above=0.0):
    """How many elements differ (of those with a magnitude of at least `above`)."""
    a, b = np.asarray(a), np.asarray(b)
    return int(((a != b) & (np.maximum(np.abs(a), np.abs(b)) >= above)).sum())


def teacher_forced(steps):
    """Counts of elements where tapeflow, fed TF's inputs of a step, differs from TF."""
    model = model_of(tf.keras)
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    optimizer.build(model.trainable_weights)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    metric = tf.keras.metrics.SparseCategoricalAccuracy()
    rows = []
    for i, d in enumerate(steps):
        for w, v in zip(model.trainable_weights, d["wb"]):
            w.assign(v)
        layers = [
            differing(layer(tf.constant(d["layer_io"][j])), d["layer_io"][j + 1])
            for j, layer in enumerate(model.layers[1:])
        ]
        loss = differing(loss_fn(d["y"], tf.constant(d["logits"])), d["loss"])
        if d["sb"] is not None:
            for var, val in zip(optimizer.variables[2:], d["sb"]):
                var.assign(val)
        optimizer.iterations.assign(i)
        optimizer.apply([tf.constant(g) for g in d["grads"]], model.trainable_weights)
        adam_w = sum(differing(w, v) for w, v in zip(model.trainable_weights, d["wa"]))
        slots = [differing(s, v) for s, v in zip(optimizer.variables[2:], d["sa"])]
        # TF's CPU kernels flush denormal float32 results to zero, so a slot near 1e-38 keeps
        # its value where tapeflow's moves by a denormal step.
        slots_normal = [
            differing(s, v, above=1e-36) for s, v in zip(optimizer.variables[2:], d["sa"])
        ]
        metric.update_state(d["y"], tf.constant(d["logits"]))
        acc = sum(differing(m, v) for m, v in zip(metric.variables, d["metric"]))
        rows.append((i, layers, loss, adam_w, sum(slots), sum(slots_normal), acc))
    return rows


def free_run(w0, steps, swap=()):
    """The loop in tapeflow from TF's initial weights and batches; kernels in `swap` are TF's."""

    def mm(a, b):
        if "matmul" not in swap:
            return tf.matmul(a, b)

        @tf.custom_gradient
        def f(a, b):
            def grad(g):
                ga = rtf.matmul(g.numpy(), b.numpy(), transpose_b=True).numpy()
                return tf.constant(ga), tf.constant(rtf.matmul(a.numpy(), g.numpy(), True).numpy())

            return tf.constant(rtf.matmul(a.numpy(), b.numpy()).numpy()), grad

        return f(a, b)

    def xent(y, logits):
        if "xent" not in swap:
            return tf.nn.sparse_softmax_cross_entropy_with_logits(tf.cast(y, "int64"), logits)

        @tf.custom_gradient
        def f(logits):
            pe, backprop = rtf.raw_ops.SparseSoftmaxCrossEntropyWithLogits(
                features=logits.numpy(), labels=y.astype(np.int64)
            )

            def grad(g):
                return tf.constant((rtf.constant(g.numpy())[:, None] * backprop).numpy())

            return tf.constant(pe.numpy()), grad

        return f(logits)

    def mean(values):
        if "sum" not in swap:
            return tf.reduce_sum(values) / 32.0

        @tf.custom_gradient
        def f(values):
            total = tf.constant(rtf.reduce_sum(values.numpy()).numpy())
            return total / 32.0, lambda g: tf.ones_like(values) * (g / 32.0)

        return f(values)

    ws = [tf.Variable(w) for w in w0]
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    losses = []
    for d in steps:
        x = tf.cast(d["x"], "float32")
        with tf.GradientTape() as tape:
            h = tf.nn.relu(mm(x, ws[0]) + ws[1])
            h = tf.nn.relu(mm(h, ws[2]) + ws[3])
            loss = mean(xent(d["y"], mm(h, ws[4]) + ws[5]))
        optimizer.apply(tape.gradient(loss, ws), ws)
        losses.append(float(loss))
    return losses, ws


def keras_free_run(w0, steps):
    """The guide's own code in tapeflow (Keras model and loss) from TF's weights and batches."""
    model = model_of(tf.keras)
    for w, v in zip(model.trainable_weights, w0):
        w.assign(v)
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    losses = []
    for d in steps:
        with tf.GradientTape() as tape:
            loss = loss_fn(d["y"], model(d["x"], training=True))
        optimizer.apply(tape.gradient(loss, model.trainable_weights), model.trainable_weights)
        losses.append(float(loss))
    return losses


def main():
    w0, steps = record_tf()
    print("Teacher-forced (elements differing from TF, tapeflow fed TF's inputs of the step):")
    print(
        "step | dense, dense_1, predictions | loss | Adam weights | Adam slots (>= 1e-36) |",
        "metric",
    )
    for i, layers, loss, adam_w, slots, slots_normal, acc in teacher_forced(steps):
        print(f"{i:4d} | {layers} | {loss} | {adam_w} | {slots} ({slots_normal}) | {acc}")
    tf_losses = [float(d["loss"]) for d in steps]
    keras_losses = keras_free_run(w0, steps)
    runs = {}
    for swap in [(), ("matmul",), ("matmul", "xent"), ("matmul", "xent", "sum")]:
        runs[swap] = free_run(w0, steps, swap)
    assert keras_losses == runs[()][0], "the hand-written loop is not the guide's computation"
    print("\nFree-running loss per step (tapeflow with the named kernels replaced by TF's):")
    print("step | TF | tapeflow | +TF matmul | +TF matmul, xent | +TF matmul, xent, sum")
    for i in range(len(steps)):
        cells = " | ".join(f"{runs[s][0][i]:.6f}" for s in runs)
        print(f"{i:4d} | {tf_losses[i]:.6f} | {cells}")
    for swap, (losses, ws) in runs.items():
        same = sum(a == b for a, b in zip(losses, tf_losses))
        weights = all((w.numpy() == v).all() for w, v in zip(ws, steps[-1]["wa"]))
        print(
            f"swap {list(swap)}: {same}/{len(steps)} losses bitwise TF's,", "final weights", weights
        )


if __name__ == "__main__":
    main()
