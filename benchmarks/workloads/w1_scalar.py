"""W1: the smallest tape program, x*x then squared, and dz/dx.

Nothing here is arithmetic: it measures the fixed cost of opening a tape, recording two
ops and running the backward pass, i.e. the per-op overhead that dominates small models.
"""

from harness import Workload


def make_data(tiny=False):
    return {"x": 3.0}


def build_numpy(np, d):
    """The floor is plain Python floats: NumPy scalars would only add overhead."""
    x = d["x"]

    def step():
        y = x * x
        z = y * y  # noqa: F841  (the forward is part of the program being timed)
        return 2.0 * y * (2.0 * x)

    return step


def build_tf(tf, d):
    x = tf.constant(d["x"])

    def step():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x
            z = y * y
        return tape.gradient(z, x)

    return step


def build_torch(torch, d):
    x = torch.tensor(d["x"], requires_grad=True)

    def step():
        y = x * x
        z = y * y
        return torch.autograd.grad(z, x)[0]

    return step


def build_jax(jax, d, jit):
    x = jax.numpy.float32(d["x"])
    g = jax.grad(lambda x: (x * x) * (x * x))
    g = jax.jit(g) if jit else g
    return lambda: g(x).block_until_ready()


def build_autograd(autograd, d):
    g = autograd.grad(lambda x: (x * x) * (x * x))
    return lambda: g(d["x"])


def build_mygrad(mg, d):
    x = mg.tensor(d["x"])

    def step():
        y = x * x
        z = y * y
        z.backward()
        return x.grad

    return step


WORKLOADS = [
    Workload("W1", "scalar x*x, squared, dz/dx", make_data,
             {"numpy": build_numpy, "tf": build_tf, "torch": build_torch,
              "jax": build_jax, "autograd": build_autograd, "mygrad": build_mygrad}, rtol=1e-5),
]
