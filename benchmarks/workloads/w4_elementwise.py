"""W4: reduce_sum(sin(x)*x + exp(-x*x)) over 4,000,000 float32 elements, and its gradient.

Memory-bandwidth bound: each op streams 16 MB. Overhead is irrelevant here; what matters
is the number of temporaries a tape creates and keeps compared with a hand-fused NumPy.
"""

import numpy

from harness import Workload

N = 4_000_000


def make_data(tiny=False):
    rng = numpy.random.default_rng(1)
    return {"x": rng.uniform(-2, 2, 16 if tiny else N).astype(numpy.float32)}


def build_numpy(np, d):
    """d/dx = cos(x)*x + sin(x) - 2x*exp(-x*x), with buffers reused in place."""
    x = d["x"]

    def step():
        s = np.sin(x)
        e = np.multiply(x, x)
        np.negative(e, out=e)
        np.exp(e, out=e)
        f = s * x
        f += e
        value = f.sum()
        g = np.cos(x, out=f)
        g *= x
        g += s
        e *= x
        e *= 2
        g -= e
        return value, g

    return step


def build_tf(tf, d):
    x = tf.constant(d["x"])

    def step():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.sin(x) * x + tf.exp(-x * x))
        return y, tape.gradient(y, x)

    return step


def build_torch(torch, d):
    x = torch.from_numpy(d["x"]).requires_grad_()

    def step():
        y = (torch.sin(x) * x + torch.exp(-x * x)).sum()
        return y, torch.autograd.grad(y, x)[0]

    return step


def f(np, x):
    return np.sum(np.sin(x) * x + np.exp(-x * x))


def build_jax(jax, d, jit):
    x = jax.numpy.asarray(d["x"])
    vg = jax.value_and_grad(lambda x: f(jax.numpy, x))
    vg = jax.jit(vg) if jit else vg
    return lambda: jax.block_until_ready(vg(x))


def build_autograd(autograd, d):
    vg = autograd.value_and_grad(lambda x: f(autograd.numpy, x))
    return lambda: vg(d["x"])


def build_mygrad(mg, d):
    x = mg.tensor(d["x"])

    def step():
        y = mg.sum(mg.sin(x) * x + mg.exp(-x * x))
        y.backward()
        return y, x.grad

    return step


WORKLOADS = [
    Workload("W4", "sum(sin(x)*x+exp(-x*x)), 4M f32 + grad", make_data,
             {"numpy": build_numpy, "tf": build_tf, "torch": build_torch,
              "jax": build_jax, "autograd": build_autograd, "mygrad": build_mygrad},
             rtol=1e-4, atol=1e-5),
]
