"""W7: a 100,000-op elementwise chain on a 16-element float32 vector, and its gradient.

The ops cycle through y*0.9, sin, +x, tanh (25,000 cycles), so every op kind needs a
different saved value and x receives 25,000 gradient contributions. The vector is tiny,
so this measures per-op recording cost and the memory each tape entry costs; peak memory of
one step is measured in a fresh process per library (see probes.py). W9 reuses this chain.
"""

import numpy

from harness import Workload

N_OPS = 100_000
C = 0.9


def make_data(tiny=False, n=16, n_ops=N_OPS):
    rng = numpy.random.default_rng(4)
    x = rng.uniform(-1, 1, n).astype(numpy.float32)
    return {"x": x, "cycles": (40 if tiny else n_ops) // 4}


def build_numpy(np, d, persistent=False):
    """Saves exactly what the backward needs: each sin input and each tanh output."""
    x, cycles = d["x"], d["cycles"]

    def step():
        y, saved = x, []
        for _ in range(cycles):
            y = y * C
            s = y
            y = np.tanh(np.sin(y) + x)
            saved.append((s, y))
        g = np.ones_like(x)
        gx = np.zeros_like(x)
        while saved:
            s, t = saved.pop()
            g *= 1 - t * t
            gx += g
            g *= np.cos(s)
            g *= C
        gx += g
        return gx

    return step


def build_tf(tf, d, persistent=False):
    x, cycles = tf.constant(d["x"]), d["cycles"]

    def step():
        with tf.GradientTape(persistent=persistent) as tape:
            tape.watch(x)
            y = x
            for _ in range(cycles):
                y = tf.tanh(tf.sin(y * C) + x)
            total = tf.reduce_sum(y)
        return tape.gradient(total, x)

    return step


def build_torch(torch, d, persistent=False):
    x, cycles = torch.from_numpy(d["x"]).requires_grad_(), d["cycles"]

    def step():
        y = x
        for _ in range(cycles):
            y = torch.tanh(torch.sin(y * C) + x)
        return torch.autograd.grad(y.sum(), x, retain_graph=persistent)[0]

    return step


def chain(np, x, cycles):
    y = x
    for _ in range(cycles):
        y = np.tanh(np.sin(y * C) + x)
    return np.sum(y)


def build_jax(jax, d, jit, persistent=False):
    x, cycles = jax.numpy.asarray(d["x"]), d["cycles"]
    g = jax.grad(lambda x: chain(jax.numpy, x, cycles))
    g = jax.jit(g) if jit else g
    return lambda: g(x).block_until_ready()


def build_autograd(autograd, d, persistent=False):
    g = autograd.grad(lambda x: chain(autograd.numpy, x, d["cycles"]))
    return lambda: g(d["x"])


def build_mygrad(mg, d, persistent=False):
    x, cycles = mg.tensor(d["x"]), d["cycles"]

    def step():
        y = x
        for _ in range(cycles):
            y = mg.tanh(mg.sin(y * C) + x)
        mg.sum(y).backward()
        return x.grad

    return step


BUILDERS = {"numpy": build_numpy, "tf": build_tf, "torch": build_torch,
            "jax": build_jax, "autograd": build_autograd, "mygrad": build_mygrad}
COMPILED_NA = "compiling a %s-op unrolled program is impractical; no tape to measure"

WORKLOADS = [
    Workload("W7", "100k-op chain on 16 f32 + grad", make_data, BUILDERS,
             rtol=1e-4, atol=1e-6, memory=True, isolated=True,
             na={"tf.function": COMPILED_NA % "100,000", "jax.jit": COMPILED_NA % "100,000"}),
]

