"""W2: a 100-op scalar chain (multiply by a constant, sin, alternating) and its gradient.

Still overhead-bound, but long enough that per-op recording cost outweighs the fixed cost
of creating the tape that W1 measures.
"""

import math

from harness import Workload

N_OPS = 100
C = 1.1


def make_data(tiny=False):
    return {"x": 0.5}


def build_numpy(np, d):
    """Python floats with math.sin/cos: the floor for scalar code."""
    x0 = d["x"]

    def step():
        y, saved = x0, []
        for _ in range(N_OPS // 2):
            y = y * C
            saved.append(y)
            y = math.sin(y)
        g = 1.0
        for s in reversed(saved):
            g = g * math.cos(s) * C
        return g

    return step


def build_tf(tf, d):
    x = tf.constant(d["x"])

    def step():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x
            for _ in range(N_OPS // 2):
                y = tf.sin(y * C)
        return tape.gradient(y, x)

    return step


def build_torch(torch, d):
    x = torch.tensor(d["x"], requires_grad=True)

    def step():
        y = x
        for _ in range(N_OPS // 2):
            y = torch.sin(y * C)
        return torch.autograd.grad(y, x)[0]

    return step


def chain(sin, x):
    for _ in range(N_OPS // 2):
        x = sin(x * C)
    return x


def build_jax(jax, d, jit):
    x = jax.numpy.float32(d["x"])
    g = jax.grad(lambda x: chain(jax.numpy.sin, x))
    g = jax.jit(g) if jit else g
    return lambda: g(x).block_until_ready()


def build_autograd(autograd, d):
    g = autograd.grad(lambda x: chain(autograd.numpy.sin, x))
    return lambda: g(d["x"])


def build_mygrad(mg, d):
    x = mg.tensor(d["x"])

    def step():
        y = chain(mg.sin, x)
        y.backward()
        return x.grad

    return step


WORKLOADS = [
    Workload("W2", "100-op scalar chain (*c, sin) + grad", make_data,
             {"numpy": build_numpy, "tf": build_tf, "torch": build_torch,
              "jax": build_jax, "autograd": build_autograd, "mygrad": build_mygrad}, rtol=1e-4),
]
