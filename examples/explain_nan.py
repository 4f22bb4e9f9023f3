"""Finding where a NaN comes from, and why a gradient is None.

A NaN in a loss usually appears many ops after the one that created it, and a
NaN gradient can come from an op whose forward value was perfectly finite.
`tf.debugging.enable_check_numerics()` checks every op's output, forward and
backward, and raises InvalidArgumentError at the first op that produces a NaN
or an infinity, naming it and showing its inputs. (tapeflow adds hints: whether
the op created the bad values or received them, and during `tape.gradient`,
whose gradient rule was running.)

Then the other classic surprise: `tape.gradient` returning None, and what each
None means.

Run:  python examples/explain_nan.py
"""

import tapeflow as tf


def banner(title):
    print(f"\n=== {title} ===")


# -- 1. A forward NaN: the entropy of a softmax with an underflowed probability -----------------
banner("1. forward pass: entropy of a softmax")
logits = tf.constant([2.0, -200.0, 1.0])


def entropy(logits):
    p = tf.nn.softmax(logits)  # exp(-202) underflows: p[1] is exactly 0.0 in float32
    return -tf.reduce_sum(p * tf.math.log(p))  # log(0) = -inf, then 0 * -inf = NaN


print("entropy:", entropy(logits).numpy(), "<- NaN, but which op made it?")

tf.debugging.enable_check_numerics()
try:
    entropy(logits)
except tf.errors.InvalidArgumentError as error:
    print("check_numerics says:", error.message)
tf.debugging.disable_check_numerics()


def entropy_fixed(logits):
    # xlogy(x, y) = x * log(y), defined as 0 when x == 0 (and so is its gradient).
    p = tf.nn.softmax(logits)
    return -tf.reduce_sum(tf.math.xlogy(p, p))


tf.debugging.enable_check_numerics()  # stays on: the fixed version must pass it
with tf.GradientTape() as tape:
    tape.watch(logits)
    h = entropy_fixed(logits)
print(f"fixed with tf.math.xlogy: entropy {h.numpy():.4f}, gradient {tape.gradient(h, logits)}")
tf.debugging.disable_check_numerics()

# -- 2. A backward NaN: the gradient of a norm at zero ------------------------------------------
banner("2. backward pass: the gradient of a distance between equal points")
a = tf.Variable([1.0, 2.0])
b = tf.constant([1.0, 2.0])
with tf.GradientTape() as tape:
    distance = tf.norm(a - b)  # sqrt(sum(d^2)): 0.0, a finite value
print("distance:", distance.numpy(), " gradient:", tape.gradient(distance, a).numpy())
print("(d sqrt(s)/ds = 1 / (2 sqrt(s)) is inf at s = 0, and inf * 0 = NaN)")

tf.debugging.enable_check_numerics()
try:
    with tf.GradientTape() as tape:
        distance = tf.norm(a - b)
    tape.gradient(distance, a)
except tf.errors.InvalidArgumentError as error:
    print("check_numerics says:", error.message)

# The fix: keep the square root away from 0 (tf.math.reduce_euclidean_norm has the same NaN).
EPSILON = 1e-12
with tf.GradientTape() as tape:
    distance = tf.sqrt(tf.reduce_sum(tf.square(a - b)) + EPSILON)
print(f"safe norm sqrt(sum(d^2) + {EPSILON}): {distance.numpy():.1e}, gradient:", end=" ")
print(tape.gradient(distance, a).numpy())
tf.debugging.disable_check_numerics()

# -- 3. None gradients ---------------------------------------------------------------------------
banner("3. why is my gradient None?")
x = tf.Variable(2.0, name="x")
unused = tf.Variable(5.0, name="unused")
with tf.GradientTape(persistent=True) as tape:
    y = x * x
    y_via_numpy = tf.constant(x.numpy() ** 2)  # leaves the tape: NumPy is invisible to it
grads = tape.gradient(y, [x, unused])
print(f"dy/dx = {grads[0].numpy()}, dy/d(unused) = {grads[1]}")
print("  -> None means 'y does not depend on this source at all', not 'the gradient is 0'.")
grads = tape.gradient(y, [x, unused], unconnected_gradients=tf.UnconnectedGradients.ZERO)
print(f"with unconnected_gradients=ZERO: dy/d(unused) = {grads[1].numpy()}")
print(f"d(y_via_numpy)/dx = {tape.gradient(y_via_numpy, x)}")
print("  -> None: the value went through .numpy(), so the tape never saw x being used.")
del tape

n = tf.constant(3)  # an int32 tensor
with tf.GradientTape() as tape:
    tape.watch(n)  # logs a warning: only floating-point tensors can be watched
    m = n * n
print(f"d(n*n)/dn for an int32 n = {tape.gradient(m, n)}")
print("  -> None: integers are not differentiable; use tf.constant(3.0) or tf.cast first.")
