"""Second derivatives: a full Hessian from nested tapes, and Hessian-vector products.

For f: R^n -> R the Hessian H[i, j] = d^2 f / dx_i dx_j costs n backward passes
(one per row, done here by `tape.jacobian`). A Hessian-vector product H @ v
needs no H at all: differentiate the gradient along v. Two ways:

- forward-over-reverse: a ForwardAccumulator pushes the tangent v through the
  whole gradient computation; the JVP of the gradient is H @ v (one pass);
- reverse-over-reverse: the gradient of (grad . v), i.e. an outer tape and
  `output_gradients=v`.

Everything is float64 so the three answers agree to ~1e-15. Last, the HVP runs as a
traced `tf.function(jit_compile=True)`, which replays its recorded ops for new vectors.

Run:  python examples/hessian_and_hvp.py
"""

import numpy as np

import tapeflow as tf


def f(x):
    """A small non-quadratic function with a dense Hessian (every pair of inputs interacts)."""
    return tf.reduce_sum(tf.sin(x) * tf.roll(x, shift=1, axis=0)) + tf.reduce_logsumexp(x) ** 2


x = tf.constant([0.5, -1.0, 2.0, 0.3], dtype=tf.float64)
v = tf.constant([1.0, 0.0, -2.0, 0.5], dtype=tf.float64)

# 1. The full Hessian: the outer tape records the inner tape's gradient computation.
with tf.GradientTape() as outer:
    outer.watch(x)
    with tf.GradientTape() as inner:
        inner.watch(x)
        y = f(x)
    grad = inner.gradient(y, x)  # shape (4,), recorded by `outer`
hessian = outer.jacobian(grad, x)  # shape (4, 4): one row per component of grad
print("f(x) =", f"{y.numpy():.6f}")
print("Hessian:")
print(np.array2string(hessian.numpy(), precision=4, suppress_small=True))
print("symmetric:", np.allclose(hessian.numpy(), hessian.numpy().T, atol=1e-12))

# 2. Forward-over-reverse HVP: the accumulator sees every op of the backward pass too.
with tf.autodiff.ForwardAccumulator(primals=x, tangents=v) as acc:
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    grad = tape.gradient(y, x)
hvp_forward = acc.jvp(grad)

# 3. Reverse-over-reverse HVP: d/dx (grad . v), with v as the output gradient.
with tf.GradientTape() as outer:
    outer.watch(x)
    with tf.GradientTape() as inner:
        inner.watch(x)
        y = f(x)
    grad = inner.gradient(y, x)
hvp_reverse = outer.gradient(grad, x, output_gradients=v)

hvp_dense = tf.linalg.matvec(hessian, v)
for label, hvp in [
    ("dense Hessian:", hvp_dense),
    ("forward-over-reverse:", hvp_forward),
    ("reverse-over-reverse:", hvp_reverse),
]:
    print(f"H @ v by {label:<21}", np.array2string(hvp.numpy(), precision=6))
print(
    "max |difference|:",
    f"{np.abs(hvp_forward.numpy() - hvp_dense.numpy()).max():.2e} (forward),",
    f"{np.abs(hvp_reverse.numpy() - hvp_dense.numpy()).max():.2e} (reverse)",
)


# 4. The same HVP as a traced function: with jit_compile=True the first call records
# every op (the tape's and the accumulator's included) and later calls replay them.
@tf.function(jit_compile=True)
def hvp(x, v):
    with tf.autodiff.ForwardAccumulator(primals=x, tangents=v) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        grad = tape.gradient(y, x)
    return acc.jvp(grad)


columns = [hvp(x, tf.one_hot(i, 4, dtype=tf.float64)) for i in range(4)]
print(
    "Hessian from 4 traced HVPs:",
    "matches" if np.allclose(tf.stack(columns, axis=1).numpy(), hessian.numpy()) else "differs",
)
