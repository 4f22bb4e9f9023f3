"""W5: Hessian-vector product of f(w) = sum(tanh(A@w)**2), A 512x512 float64.

Two routes: nested tapes (reverse-over-reverse) and forward-over-reverse (a
ForwardAccumulator around a GradientTape). float64 so the check can be tight. By hand:
with u = A@w, t = tanh(u), f = sum(t^2), df/du = 2t(1-t^2) and d2f/du2 = (2-6t^2)(1-t^2),
so H v = A^T ((2-6t^2)(1-t^2) * (A v)): two matvecs and one transposed matvec.
"""

import numpy

from harness import Workload

N = 512


def make_data(tiny=False):
    n = 8 if tiny else N
    rng = numpy.random.default_rng(2)
    return {"A": rng.standard_normal((n, n)) / numpy.sqrt(n),
            "w": rng.standard_normal((n, 1)), "v": rng.standard_normal((n, 1))}


def build_numpy(np, d):
    A, w, v = d["A"], d["w"], d["v"]

    def step():
        t = np.tanh(A @ w)
        t2 = t * t
        s = (2 - 6 * t2) * (1 - t2)
        s *= A @ v
        return A.T @ s

    return step


def build_tf_rr(tf, d):
    A, w, v = (tf.constant(d[k]) for k in "Awv")

    def step():
        with tf.GradientTape() as outer:
            outer.watch(w)
            with tf.GradientTape() as inner:
                inner.watch(w)
                y = tf.reduce_sum(tf.tanh(tf.matmul(A, w)) ** 2)
            gv = tf.reduce_sum(inner.gradient(y, w) * v)
        return outer.gradient(gv, w)

    return step


def build_tf_fr(tf, d):
    A, w, v = (tf.constant(d[k]) for k in "Awv")

    def step():
        with tf.autodiff.ForwardAccumulator(w, v) as acc:
            with tf.GradientTape() as tape:
                tape.watch(w)
                y = tf.reduce_sum(tf.tanh(tf.matmul(A, w)) ** 2)
            g = tape.gradient(y, w)
        return acc.jvp(g)

    return step


def f(np, A, w):
    return np.sum(np.tanh(A @ w) ** 2)


def build_torch_rr(torch, d):
    A, v = torch.from_numpy(d["A"]), torch.from_numpy(d["v"])
    w = torch.from_numpy(d["w"]).requires_grad_()

    def step():
        (g,) = torch.autograd.grad(f(torch, A, w), w, create_graph=True)
        return torch.autograd.grad((g * v).sum(), w)[0]

    return step


def build_torch_fr(torch, d):
    A, w, v = (torch.from_numpy(d[k]) for k in "Awv")
    grad = torch.func.grad(lambda w: f(torch, A, w))
    return lambda: torch.func.jvp(grad, (w,), (v,))[1]


def build_jax_rr(jax, d, jit):
    jnp = jax.numpy
    A, w, v = (jnp.asarray(d[k]) for k in "Awv")
    grad = jax.grad(lambda w: f(jnp, A, w))
    hvp = jax.grad(lambda w: jnp.sum(grad(w) * v))
    hvp = jax.jit(hvp) if jit else hvp
    return lambda: hvp(w).block_until_ready()


def build_jax_fr(jax, d, jit):
    jnp = jax.numpy
    A, w, v = (jnp.asarray(d[k]) for k in "Awv")
    grad = jax.grad(lambda w: f(jnp, A, w))

    def hvp(w, v):
        return jax.jvp(grad, (w,), (v,))[1]

    hvp = jax.jit(hvp) if jit else hvp
    return lambda: hvp(w, v).block_until_ready()


def build_autograd_rr(autograd, d):
    anp = autograd.numpy
    A, w, v = d["A"], d["w"], d["v"]
    grad = autograd.grad(lambda w: f(anp, A, w))
    hvp = autograd.grad(lambda w: anp.sum(grad(w) * v))
    return lambda: hvp(w)


def build_autograd_fr(autograd, d):
    """autograd's make_jvp is forward mode; apply it to the reverse-mode gradient."""
    from autograd.differential_operators import make_jvp

    A, w, v = d["A"], d["w"], d["v"]
    grad = autograd.grad(lambda w: f(autograd.numpy, A, w))
    return lambda: make_jvp(grad)(w)(v)[1]


NO_MYGRAD = {"mygrad": "no higher-order derivatives in MyGrad"}
WORKLOADS = [
    Workload("W5rr", "HVP 512x512 f64, reverse-over-reverse", make_data,
             {"numpy": build_numpy, "tf": build_tf_rr, "torch": build_torch_rr,
              "jax": build_jax_rr, "autograd": build_autograd_rr},
             rtol=1e-8, atol=1e-10, na=NO_MYGRAD),
    Workload("W5fr", "HVP 512x512 f64, forward-over-reverse", make_data,
             {"numpy": build_numpy, "tf": build_tf_fr, "torch": build_torch_fr,
              "jax": build_jax_fr, "autograd": build_autograd_fr},
             rtol=1e-8, atol=1e-10, na=NO_MYGRAD),
]
