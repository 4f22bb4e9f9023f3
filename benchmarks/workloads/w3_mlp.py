"""W3/W3b: MLP 784-512-512-10, batch 256, float32, relu, mean sparse softmax cross-entropy.

W3 returns the gradients of the six weights/biases; W3b also applies an SGD update to them
(assign_sub in TF, in place elsewhere). Here the matmuls dominate, so a tape library should
sit within a few percent of NumPy by hand: anything more is overhead or extra copies.
"""

from itertools import pairwise

import numpy

from harness import Workload

SIZES = (784, 512, 512, 10)
BATCH = 256
LR = 1e-4  # small, so thousands of timed updates neither diverge nor hit denormals


def make_data(tiny=False):
    rng = numpy.random.default_rng(0)
    d = {"x": rng.standard_normal((BATCH, SIZES[0]), dtype=numpy.float32),
         "labels": rng.integers(0, SIZES[-1], BATCH).astype(numpy.int64)}
    for i, (m, n) in enumerate(pairwise(SIZES), 1):
        d[f"W{i}"] = (rng.standard_normal((m, n)) / numpy.sqrt(m)).astype(numpy.float32)
        d[f"b{i}"] = numpy.full(n, 0.01, numpy.float32)
    return d


NAMES = ["W1", "b1", "W2", "b2", "W3", "b3"]


def build_numpy(np, d, update=False):
    """Forward and backward by hand, reusing buffers in place where that is free."""
    x, labels = d["x"], d["labels"]
    W1, b1, W2, b2, W3, b3 = (d[k] for k in NAMES)
    rows = np.arange(BATCH)

    def step():
        h1 = x @ W1
        h1 += b1
        np.maximum(h1, 0, out=h1)
        h2 = h1 @ W2
        h2 += b2
        np.maximum(h2, 0, out=h2)
        z = h2 @ W3
        z += b3
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)  # softmax probabilities
        loss = -np.log(z[rows, labels]).mean()  # noqa: F841  (part of the program)
        z[rows, labels] -= 1
        z /= BATCH  # dloss/dlogits
        gW3, gb3 = h2.T @ z, z.sum(0)
        d2 = z @ W3.T
        d2 *= h2 > 0
        gW2, gb2 = h1.T @ d2, d2.sum(0)
        d1 = d2 @ W2.T
        d1 *= h1 > 0
        gW1, gb1 = x.T @ d1, d1.sum(0)
        grads = [gW1, gb1, gW2, gb2, gW3, gb3]
        if update:
            for p, g in zip((W1, b1, W2, b2, W3, b3), grads, strict=True):
                p -= LR * g
        return grads

    return step


def build_tf(tf, d, update=False):
    """Plain TF-2 code: the same function runs on tapeflow and on TensorFlow."""
    params = [tf.Variable(d[k]) for k in NAMES]
    W1, b1, W2, b2, W3, b3 = params
    x, labels = tf.constant(d["x"]), tf.constant(d["labels"])

    def step():
        with tf.GradientTape() as tape:
            h = tf.nn.relu(tf.matmul(x, W1) + b1)
            h = tf.nn.relu(tf.matmul(h, W2) + b2)
            logits = tf.matmul(h, W3) + b3
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        grads = tape.gradient(loss, params)
        if update:
            for p, g in zip(params, grads, strict=True):
                p.assign_sub(LR * g)
        return grads

    return step


def build_torch(torch, d, update=False):
    params = [torch.from_numpy(d[k]).requires_grad_() for k in NAMES]
    W1, b1, W2, b2, W3, b3 = params
    x, labels = torch.from_numpy(d["x"]), torch.from_numpy(d["labels"])
    F = torch.nn.functional

    def step():
        h = torch.relu(x @ W1 + b1)
        h = torch.relu(h @ W2 + b2)
        loss = F.cross_entropy(h @ W3 + b3, labels)
        grads = torch.autograd.grad(loss, params)
        if update:
            with torch.no_grad():
                for p, g in zip(params, grads, strict=True):
                    p.sub_(g, alpha=LR)
        return grads

    return step


def loss_fn(np, logsumexp, params, x, onehot):
    W1, b1, W2, b2, W3, b3 = params
    h = np.maximum(x @ W1 + b1, 0)
    h = np.maximum(h @ W2 + b2, 0)
    z = h @ W3 + b3
    return np.mean(logsumexp(z, axis=1) - np.sum(z * onehot, axis=1))


def one_hot(labels):
    """autograd cannot differentiate take_along_axis, so the label pick is a masked sum."""
    return numpy.eye(SIZES[-1], dtype=numpy.float32)[labels]


def build_jax(jax, d, jit, update=False):
    jnp = jax.numpy
    x, onehot = jnp.asarray(d["x"]), jnp.asarray(one_hot(d["labels"]))
    lse = jax.scipy.special.logsumexp

    def f(params):
        grads = jax.grad(lambda p: loss_fn(jnp, lse, p, x, onehot))(params)
        new = [p - LR * g for p, g in zip(params, grads, strict=True)] if update else params
        return grads, new

    f = jax.jit(f) if jit else f
    state = [[jnp.asarray(d[k]) for k in NAMES]]

    def step():  # functional update: the new parameters replace the old ones
        grads, state[0] = f(state[0])
        return jax.block_until_ready(grads)

    return step


def build_autograd(autograd, d, update=False):
    anp = autograd.numpy
    from autograd.scipy.special import logsumexp

    params = [d[k] for k in NAMES]
    onehot = one_hot(d["labels"])
    g = autograd.grad(lambda p: loss_fn(anp, logsumexp, p, d["x"], onehot))

    def step():
        grads = g(params)
        if update:
            for p, gr in zip(params, grads, strict=True):
                p -= LR * gr
        return grads

    return step


def build_mygrad(mg, d, update=False):
    params = [mg.tensor(d[k]) for k in NAMES]
    W1, b1, W2, b2, W3, b3 = params
    x, labels = d["x"], d["labels"]
    from mygrad.nnet.losses import softmax_crossentropy

    def step():
        h = mg.maximum(mg.matmul(x, W1) + b1, 0)
        h = mg.maximum(mg.matmul(h, W2) + b2, 0)
        loss = softmax_crossentropy(mg.matmul(h, W3) + b3, labels)
        loss.backward()
        grads = [p.grad for p in params]
        if update:
            for p, gr in zip(params, grads, strict=True):
                p.data -= LR * gr
        return grads

    return step


BUILDERS = {"numpy": build_numpy, "tf": build_tf, "torch": build_torch,
            "jax": build_jax, "autograd": build_autograd, "mygrad": build_mygrad}


def _with_update(builder):
    return lambda *a, **k: builder(*a, update=True, **k)


WORKLOADS = [
    Workload("W3", "MLP 784-512-512-10 b256 f32: grads", make_data, BUILDERS,
             rtol=2e-3, atol=2e-5),
    Workload("W3b", "W3 + SGD update of the variables", make_data,
             {k: _with_update(b) for k, b in BUILDERS.items()}, rtol=2e-3, atol=2e-5),
]
