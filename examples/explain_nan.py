"""Finding where a NaN comes from, what a tape holds, and why a gradient is None.

A NaN in a loss usually appears many ops after the one that created it, and a NaN
gradient can come from an op whose forward value was perfectly finite.
`tf.debugging.enable_check_numerics()` checks every op's output, forward and backward,
and raises InvalidArgumentError at the first op that produces a NaN or an infinity.
After TF's report, tapeflow names the line of your code that ran the op and, inside
`tape.gradient`, the forward op whose gradient rule made the NaN, its line and why,
including the `tf.where` trap. `tapeflow.experimental.tape_table` and `tape_graph` show
what a tape recorded; `tapeflow.experimental.explain` says why a gradient is None.

Run:  python examples/explain_nan.py
"""

import tapeflow as tf
from tapeflow import experimental


def banner(title):
    print(f"\n=== {title} ===")


def report(error):
    """The first line of TF's report, then tapeflow's lines after it."""
    text = error.message
    tf_part, _, ours = text.partition(" values [Op:CheckNumericsV2]\n\n")
    print("check_numerics:", tf_part.strip().splitlines()[0])
    for line in ours.splitlines():
        print("   ", line.strip())


# -- 1. A forward NaN: the entropy of a softmax with an underflowed probability -----------------
banner("1. forward pass: entropy of a softmax")
logits = tf.constant([2.0, -200.0, 1.0])


def entropy(logits):
    p = tf.nn.softmax(logits)  # exp(-202) underflows: p[1] is exactly 0.0 in float32
    # log(0) = -inf, then 0 * -inf = NaN
    return -tf.reduce_sum(p * tf.math.log(p))


print("entropy:", entropy(logits).numpy(), "<- NaN, but which op made it?")
tf.debugging.enable_check_numerics()
try:
    entropy(logits)
except tf.errors.InvalidArgumentError as error:
    report(error)


def entropy_fixed(logits):
    # xlogy(x, y) = x * log(y), defined as 0 when x == 0 (and so is its gradient).
    p = tf.nn.softmax(logits)
    return -tf.reduce_sum(tf.math.xlogy(p, p))


with tf.GradientTape() as tape:  # the checks stay on: the fixed version must pass them
    tape.watch(logits)
    h = entropy_fixed(logits)
print(f"fixed with tf.math.xlogy: entropy {h.numpy():.4f}, gradient {tape.gradient(h, logits)}")

# -- 2. A backward NaN: the gradient of a norm at zero ------------------------------------------
banner("2. backward pass: the gradient of a distance between equal points")
a = tf.Variable([1.0, 2.0])
b = tf.constant([1.0, 2.0])
with tf.GradientTape() as tape:
    # sqrt(sum(d^2)) = 0.0: a finite value, but d sqrt(s)/ds = 1 / (2 sqrt(s)) is inf at 0
    distance = tf.norm(a - b)
try:
    tape.gradient(distance, a)
except tf.errors.InvalidArgumentError as error:
    report(error)

EPSILON = 1e-12  # the fix: keep the square root away from 0
with tf.GradientTape() as tape:
    distance = tf.sqrt(tf.reduce_sum(tf.square(a - b)) + EPSILON)
print(f"safe norm sqrt(sum(d^2) + {EPSILON}): gradient {tape.gradient(distance, a).numpy()}")

# -- 3. The tf.where trap ------------------------------------------------------------------------
banner("3. the tf.where trap: a masked branch still has a gradient")
x = tf.constant([0.0, 4.0])
with tf.GradientTape() as tape:
    tape.watch(x)
    # The where hides x**0.5 at 0, not its derivative: 0 (where's gradient) * inf = NaN.
    y = tf.where(x > 0, x**0.5, 0.0)
try:
    tape.gradient(y, x)
except tf.errors.InvalidArgumentError as error:
    report(error)

with tf.GradientTape() as tape:  # TF's fix: a second where makes the masked inputs safe
    tape.watch(x)
    safe_x = tf.where(x > 0, x, 1.0)
    y = tf.where(x > 0, safe_x**0.5, 0.0)
print("double-where fix: gradient", tape.gradient(y, x).numpy())
tf.debugging.disable_check_numerics()

# -- 4. What a tape holds ------------------------------------------------------------------------
banner("4. what a tape holds: tape_table and tape_graph")
w = tf.Variable([1.0, 4.0], name="w")
unused = tf.Variable(2.0, name="unused")
with experimental.record_source_lines(), tf.GradientTape(persistent=True) as tape:
    r = tf.sqrt(w)
    # No gradient flows through an integer.
    steps = tf.cast(r, tf.int32)
    loss = tf.reduce_sum(r * 2.0) + tf.reduce_sum(tf.cast(steps, tf.float32))
print(experimental.tape_table(tape))
graph = experimental.tape_graph(tape, sources=[w, unused], targets=loss)
print("where the gradient is cut:")
for cut in graph.cuts:
    print("  -", cut)
print(f"(DOT text: {len(graph.source.splitlines())} lines; in a notebook the graph draws itself)")

# -- 5. Why is a gradient None? ------------------------------------------------------------------
banner("5. why is my gradient None?")
grads = tape.gradient(loss, [w, unused])
print(f"d(loss)/dw = {grads[0].numpy()}, d(loss)/d(unused) = {grads[1]}")
explain = getattr(experimental, "explain", None)
if explain is None:
    print("(tapeflow.experimental.explain is not in this version of tapeflow: skipped)")
else:
    for explanation in explain(tape):
        where = "" if explanation.where is None else f" at {explanation.where}"
        print(f"  {explanation.reason} [{explanation.source}]{where}")
        print("  " + str(explanation))
del tape
