"""Differentiating through a simulation: aim a damped pendulum by its initial push.

The pendulum obeys theta'' = -(g/L) sin(theta) - c theta'. We integrate it with
a plain Python loop (semi-implicit Euler, 100 steps of 0.02 s), so the tape
records the unrolled loop: 100 copies of a few ops, each reading the previous
step's tensors. The gradient of the final angle with respect to the initial
angular velocity flows back through all of them.

The task: starting at theta = 0.3 rad, which initial angular velocity omega0
makes the pendulum be at theta = -0.8 rad at T = 2 s? Gradient descent on
omega0 (a tf.Variable) minimises (theta(T) - target)^2. The tape's gradient is
first checked against a central finite difference of the same simulation.

Run:  python examples/physics_pendulum.py
"""

import tapeflow as tf

G_OVER_L = 9.81  # g / L for a 1 m pendulum, in 1/s^2
DAMPING = 0.5  # c, in 1/s
DT, STEPS = 0.02, 100  # T = 2 s
THETA0 = tf.constant(0.3, dtype=tf.float64)  # starting angle, rad
TARGET = -0.8  # wanted angle at time T, rad


def simulate(theta0, omega0):
    """The angle at time T = DT * STEPS. Plain Python control flow: the tape unrolls the loop."""
    theta, omega = theta0, omega0
    for _ in range(STEPS):
        alpha = -G_OVER_L * tf.sin(theta) - DAMPING * omega  # angular acceleration
        omega = omega + DT * alpha  # update the velocity first (semi-implicit Euler) ...
        theta = theta + DT * omega  # ... then the angle with the new velocity: stays stable
    return theta


def loss_fn(omega0):
    return tf.square(simulate(THETA0, omega0) - TARGET)


omega0 = tf.Variable(3.0, dtype=tf.float64, name="omega0")  # first guess, rad/s

# Check the tape against a central difference before trusting it.
with tf.GradientTape() as tape:
    loss = loss_fn(omega0)
grad = tape.gradient(loss, omega0)
h = 1e-6
numeric = (loss_fn(omega0 + h) - loss_fn(omega0 - h)) / (2 * h)
print(f"d(loss)/d(omega0) at omega0=3: tape {grad.numpy():.6f}, finite difference {numeric:.6f}")

LEARNING_RATE = 1.5
for step in range(20):
    with tf.GradientTape() as tape:
        theta_t = simulate(THETA0, omega0)
        loss = tf.square(theta_t - TARGET)
    print(
        f"step {step:2d}  omega0 {omega0.numpy():.4f} rad/s  "
        f"theta(T) {theta_t.numpy():+.5f} rad  loss {loss.numpy():.2e}"
    )
    if loss < 1e-10:  # Python control flow on a tensor's value: stop when close enough
        break
    omega0.assign_sub(LEARNING_RATE * tape.gradient(loss, omega0))

final_theta = simulate(THETA0, omega0)
print(
    f"solution: omega0 = {omega0.numpy():.4f} rad/s gives theta(T) = {final_theta.numpy():.5f} "
    f"rad (target {TARGET}) after {step} steps"
)
