"""A two-layer MLP, written as tf.Module subclasses, trained with a hand-written Adam.

The data is a "two moons" set made with NumPy: two interleaving half circles,
one per class, with a little noise, so no straight line separates them. The
model is Dense(2 -> 16, tanh) then Dense(16 -> 2), trained on the softmax
cross-entropy of its logits. `tf.Module` collects the four variables for us
(`model.trainable_variables`), in a fixed order.

Run:  python examples/mlp_classifier.py
"""

import numpy as np

import tapeflow as tf

rng = np.random.default_rng(0)


def two_moons(n_per_class: int, noise: float):
    """Two interleaving half circles: class 0 on the upper one, class 1 on the lower one."""
    angle = rng.uniform(0.0, np.pi, size=n_per_class)
    upper = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    lower = np.stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)], axis=1)
    features = np.concatenate([upper, lower]) + rng.normal(0.0, noise, size=(2 * n_per_class, 2))
    labels = np.repeat([0, 1], n_per_class)
    return features.astype(np.float32), labels.astype(np.int32)


class Dense(tf.Module):
    """y = activation(x @ w + b), with Glorot-uniform weights drawn from NumPy."""

    def __init__(self, in_features: int, out_features: int, activation=None, name=None):
        super().__init__(name=name)
        limit = np.sqrt(6.0 / (in_features + out_features))
        init = rng.uniform(-limit, limit, size=(in_features, out_features)).astype(np.float32)
        with self.name_scope:  # names the variables "<module name>/w:0" and so on
            self.w = tf.Variable(init, name="w")
            self.b = tf.Variable(tf.zeros([out_features]), name="b")
        self.activation = activation

    def __call__(self, x):
        y = tf.matmul(x, self.w) + self.b
        return self.activation(y) if self.activation is not None else y


class MLP(tf.Module):
    def __init__(self, hidden: int, name=None):
        super().__init__(name=name)
        self.hidden = Dense(2, hidden, activation=tf.tanh, name="hidden")
        self.out = Dense(hidden, 2, name="out")

    def __call__(self, x):
        return self.out(self.hidden(x))  # logits


class Adam:
    """Adam (Kingma & Ba), with its moment estimates kept in non-trainable Variables."""

    def __init__(self, variables, learning_rate=0.02, beta1=0.9, beta2=0.999, epsilon=1e-7):
        self.lr, self.beta1, self.beta2, self.epsilon = learning_rate, beta1, beta2, epsilon
        self.m = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
        self.v = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
        self.t = 0

    def apply_gradients(self, grads_and_vars):
        self.t += 1
        # Bias correction folded into the step size, as in the paper's section 2.
        step = float(self.lr * np.sqrt(1.0 - self.beta2**self.t) / (1.0 - self.beta1**self.t))
        for (grad, var), m, v in zip(grads_and_vars, self.m, self.v):
            m.assign(self.beta1 * m + (1.0 - self.beta1) * grad)
            v.assign(self.beta2 * v + (1.0 - self.beta2) * tf.square(grad))
            var.assign_sub(step * m / (tf.sqrt(v) + self.epsilon))


features, labels = two_moons(n_per_class=100, noise=0.2)
x = tf.constant(features)
y = tf.constant(labels)

model = MLP(hidden=16, name="mlp")
print("variables:", ", ".join(f"{v.name} {v.shape}" for v in model.trainable_variables))
optimizer = Adam(model.trainable_variables)


def accuracy() -> float:
    predicted = tf.argmax(model(x), axis=1, output_type=tf.int32)
    return float(tf.reduce_mean(tf.cast(tf.equal(predicted, y), tf.float32)))


for step in range(201):
    with tf.GradientTape() as tape:
        logits = model(x)
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
        )
    if step % 40 == 0:
        print(f"step {step:3d}  loss {loss.numpy():.4f}  accuracy {accuracy():.3f}")
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))

print(f"final accuracy {accuracy():.3f}")
