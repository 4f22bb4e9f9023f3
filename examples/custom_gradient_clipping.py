"""`tf.custom_gradient`: replace an op's derivative with your own.

A function decorated with `tf.custom_gradient` returns two things: its output,
and a function that maps the incoming gradient (`upstream`) to the gradient
with respect to its inputs. Two classic uses:

1. Gradient clipping: the forward pass is the identity, the backward pass
   rescales the gradient so its norm is at most `max_norm`.
2. A numerically stable softplus, log(1 + e^x): the obvious formula overflows
   to inf for large x and its derivative e^x / (1 + e^x) becomes inf/inf = NaN.
   We write a stable forward and say the derivative is sigmoid(x).

The gradient function is written in TF ops, so an outer tape records it and
second derivatives flow through the custom gradient too.

Run:  python examples/custom_gradient_clipping.py
"""

import numpy as np

import tapeflow as tf


def clip_gradient_by_norm(max_norm):
    """Returns an identity function whose backward pass clips the gradient's L2 norm."""

    @tf.custom_gradient
    def identity_with_clipped_gradient(x):
        def grad(upstream):
            # Scale by max_norm / max(norm, max_norm): 1 for small gradients, never a 0 / 0.
            # (TensorFlow's tf.clip_by_norm computes the same thing.)
            norm = tf.norm(upstream)
            return upstream * (max_norm / tf.maximum(norm, max_norm))

        return tf.identity(x), grad

    return identity_with_clipped_gradient


x = tf.Variable([3.0, 4.0])
clip = clip_gradient_by_norm(1.0)
with tf.GradientTape(persistent=True) as tape:
    raw = tf.reduce_sum(100.0 * x**2)  # a steep loss: its gradient is 200 x
    clipped = tf.reduce_sum(100.0 * clip(x) ** 2)
for name, loss in [("raw", raw), ("clipped", clipped)]:  # same loss value, different gradient
    g = tape.gradient(loss, x).numpy()
    print(f"{name:>7}: loss {loss.numpy():.0f}  gradient {g}  norm {np.linalg.norm(g):.3f}")
del tape


def naive_softplus(x):
    return tf.math.log(1.0 + tf.exp(x))


@tf.custom_gradient
def stable_softplus(x):
    """log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): the exp never sees a large argument."""

    def grad(upstream):
        # d/dx log(1 + e^x) = e^x / (1 + e^x) = sigmoid(x), which never divides inf by inf.
        return upstream * tf.sigmoid(x)

    return tf.maximum(x, 0.0) + tf.math.log1p(tf.exp(-tf.abs(x))), grad


points = tf.constant([-20.0, 0.0, 2.0, 100.0])
for fn in (naive_softplus, stable_softplus):
    with tf.GradientTape() as outer:
        outer.watch(points)
        with tf.GradientTape() as inner:
            inner.watch(points)
            y = fn(points)
        dy = inner.gradient(y, points)  # runs `grad`, and `outer` records its ops
    d2y = outer.gradient(dy, points)
    print(f"{fn.__name__} at x = {points.numpy()}:")
    print("  value ", np.array2string(y.numpy(), precision=4))
    print("  d/dx  ", np.array2string(dy.numpy(), precision=4))
    print("  d2/dx2", np.array2string(d2y.numpy(), precision=4))

exact = tf.sigmoid(points) * (1.0 - tf.sigmoid(points))
print("exact d2/dx2 = sigmoid(x) (1 - sigmoid(x)):", np.array2string(exact.numpy(), precision=4))
