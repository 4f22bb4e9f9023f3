"""W6: full Jacobian of tanh(W@x), W 64x64 float32 (64 output rows).

Tests whether the library vectorises the 64 backward passes (TF pfor, jax vmap,
torch.func) or loops over them. By hand: J = diag(1 - t^2) W with t = tanh(W@x).
x is a (64, 1) column so only matmul is needed; the (64,1,64,1) results are compared
with the (64,64) reference after a reshape.
"""

import numpy

from harness import Workload

N = 64


def make_data(tiny=False):
    rng = numpy.random.default_rng(3)
    return {"W": (rng.standard_normal((N, N)) / 8).astype(numpy.float32),
            "x": rng.standard_normal((N, 1)).astype(numpy.float32)}


def build_numpy(np, d):
    W, x = d["W"], d["x"]

    def step():
        t = np.tanh(W @ x)
        return (1 - t * t) * W

    return step


def build_tf(tf, d):
    W, x = tf.constant(d["W"]), tf.constant(d["x"])

    def step():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.tanh(tf.matmul(W, x))
        return tape.jacobian(y, x)

    return step


def build_torch(torch, d):
    W, x = torch.from_numpy(d["W"]), torch.from_numpy(d["x"])
    jac = torch.func.jacrev(lambda x: torch.tanh(W @ x))
    return lambda: jac(x)


def build_jax(jax, d, jit):
    W, x = jax.numpy.asarray(d["W"]), jax.numpy.asarray(d["x"])
    jac = jax.jacrev(lambda x: jax.numpy.tanh(W @ x))
    jac = jax.jit(jac) if jit else jac
    return lambda: jac(x).block_until_ready()


def build_autograd(autograd, d):
    jac = autograd.jacobian(lambda x: autograd.numpy.tanh(d["W"] @ x))
    return lambda: jac(d["x"])


WORKLOADS = [
    Workload("W6", "jacobian of tanh(W@x), W 64x64 f32", make_data,
             {"numpy": build_numpy, "tf": build_tf, "torch": build_torch,
              "jax": build_jax, "autograd": build_autograd},
             rtol=1e-4, atol=1e-6, na={"mygrad": "no jacobian in MyGrad"}),
]
