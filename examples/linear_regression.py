"""Linear regression with a tf.Variable, a GradientTape and a plain SGD loop.

We fit y = w * x + b to noisy samples of y = 3x + 2. Each step records the
forward pass on a tape, asks it for d(loss)/dw and d(loss)/db, and moves the
variables against their gradients with `assign_sub`.

Run:  python examples/linear_regression.py
"""

import numpy as np

import tapeflow as tf

TRUE_W, TRUE_B = 3.0, 2.0
LEARNING_RATE = 0.1
STEPS = 200

# Synthetic data: 200 points, Gaussian noise with standard deviation 0.1.
rng = np.random.default_rng(0)
x_np = rng.uniform(-1.0, 1.0, size=200).astype(np.float32)
y_np = (TRUE_W * x_np + TRUE_B + rng.normal(0.0, 0.1, size=200)).astype(np.float32)
x = tf.constant(x_np)
y = tf.constant(y_np)

# Trainable variables are watched by the tape automatically.
w = tf.Variable(0.0, name="w")
b = tf.Variable(0.0, name="b")

for step in range(STEPS + 1):
    with tf.GradientTape() as tape:
        prediction = w * x + b
        loss = tf.reduce_mean(tf.square(prediction - y))
    if step % 40 == 0:
        print(f"step {step:3d}  loss {loss.numpy():.5f}  w {w.numpy():.4f}  b {b.numpy():.4f}")
    dw, db = tape.gradient(loss, [w, b])
    # Plain gradient descent: v <- v - learning_rate * dloss/dv.
    w.assign_sub(LEARNING_RATE * dw)
    b.assign_sub(LEARNING_RATE * db)

print(f"learned w = {w.numpy():.3f} (true {TRUE_W}), b = {b.numpy():.3f} (true {TRUE_B})")
