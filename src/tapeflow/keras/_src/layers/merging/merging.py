"""The merge layers (`Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`,
`Concatenate`, `Dot`) and their function forms (`keras.layers.add(inputs)`, ...).

Keras masks are not propagated (tapeflow's layers carry no `_keras_mask`)."""

from __future__ import annotations

import tapeflow as tf

from ...backend import epsilon
from ..layer import Layer


class Merge(Layer):
    """The base of the elementwise merges: `call(inputs)` takes a list of tensors; inputs
    of lower rank get axes inserted after the batch axis, then broadcast."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._reshape_required = False

    @property
    def supports_masking(self) -> bool:
        return True

    def _merge_function(self, inputs):
        raise NotImplementedError

    @staticmethod
    def _elemwise_shape(shape1, shape2):
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            return Merge._elemwise_shape(shape2, shape1)
        if not shape2:
            return shape1
        out = list(shape1[: -len(shape2)])
        for i, j in zip(shape1[-len(shape2) :], shape2):
            if i is None or j is None:
                out.append(None)
            elif i == 1:
                out.append(j)
            elif j == 1:
                out.append(i)
            else:
                if i != j:
                    raise ValueError(
                        f"Inputs have incompatible shapes. Received shapes {shape1} and {shape2}"
                    )
                out.append(i)
        return tuple(out)

    def build(self, input_shape):
        if not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(
                "A merge layer should be called on a list of inputs. "
                f"Received: input_shape={input_shape} (not a list of shapes)"
            )
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                "Cannot merge tensors with different batch sizes. "
                f"Received tensors with shapes {input_shape}"
            )
        out = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            out = self._elemwise_shape(out, None if shape is None else tuple(shape[1:]))
        self._reshape_required = not (
            None not in input_shape and len(set(map(len, input_shape))) == 1
        )
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "A merge layer should be called on a list of inputs. "
                f"Received: inputs={inputs} (not a list of tensors)"
            )
        if self._reshape_required:
            ranks = [x.shape.rank for x in inputs]
            top = max(ranks)
            reshaped = []
            for x, rank in zip(inputs, ranks):
                for _ in range(top - rank):
                    x = tf.expand_dims(x, 1)
                reshaped.append(x)
            return self._merge_function(reshaped)
        return self._merge_function(inputs)

    def compute_output_shape(self, input_shape):
        out = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            out = self._elemwise_shape(out, None if shape is None else tuple(shape[1:]))
        batch_sizes = {s[0] for s in input_shape if s is not None} - {None}
        batch = next(iter(batch_sizes)) if len(batch_sizes) == 1 else None
        return (batch, *out)

    def compute_output_spec(self, inputs):
        from ...keras_tensor import KerasTensor

        return KerasTensor(
            self.compute_output_shape([x.shape for x in inputs]), dtype=self.compute_dtype
        )


def _fold(op, inputs):
    out = inputs[0]
    for x in inputs[1:]:
        out = op(out, x)
    return out


class Add(Merge):
    """`Add()`: the elementwise sum of a list of inputs."""

    def _merge_function(self, inputs):
        return _fold(tf.add, inputs)


class Subtract(Merge):
    """`Subtract()`: `inputs[0] - inputs[1]` (exactly two inputs)."""

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. "
                f"Received: input_shape={input_shape}"
            )

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. "
                f"Received: inputs={inputs}"
            )
        return tf.subtract(inputs[0], inputs[1])


class Multiply(Merge):
    """`Multiply()`: the elementwise product."""

    def _merge_function(self, inputs):
        return _fold(tf.multiply, inputs)


class Average(Merge):
    """`Average()`: the elementwise mean."""

    def _merge_function(self, inputs):
        return _fold(tf.add, inputs) / len(inputs)


class Maximum(Merge):
    """`Maximum()`: the elementwise maximum."""

    def _merge_function(self, inputs):
        return _fold(tf.maximum, inputs)


class Minimum(Merge):
    """`Minimum()`: the elementwise minimum."""

    def _merge_function(self, inputs):
        return _fold(tf.minimum, inputs)


class Concatenate(Merge):
    """`Concatenate(axis=-1)`: concatenates a list of inputs along `axis`."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        if len(input_shape) < 1 or not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of at least 1 input. "
                f"Received: input_shape={input_shape}"
            )
        if all(shape is None for shape in input_shape):
            self.built = True
            return
        # Keras' check: drop the concatenation axis and compare the rest.
        reduced = [list(shape) for shape in input_shape]
        shapes = set()
        for i in range(len(reduced)):
            if len(reduced[i]) > self.axis:
                del reduced[i][self.axis]
            shapes.add(tuple(reduced[i]))
        if len(shapes) != 1:
            message = (
                "A `Concatenate` layer requires inputs with matching shapes except for the "
                f"concatenation axis. Received: input_shape={input_shape}"
            )
            ranks = {len(shape) for shape in shapes}
            if len(ranks) != 1:
                raise ValueError(message)
            (rank,) = ranks
            for axis in range(rank):
                if len({s[axis] for s in shapes if s[axis] is not None}) > 1:
                    raise ValueError(message)
        self.built = True

    def _merge_function(self, inputs):
        return tf.concat(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or not isinstance(
            input_shape[0], (tuple, list)
        ):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of inputs. "
                f"Received: input_shape={input_shape}"
            )
        out = list(input_shape[0])
        for shape in input_shape[1:]:
            if out[self.axis] is None or shape[self.axis] is None:
                out[self.axis] = None
                break
            out[self.axis] += shape[self.axis]
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def batch_dot(x, y, axes):
    """Keras' `batch_dot`: contracts `x`'s axis `axes[0]` with `y`'s `axes[1]` per batch
    element; a rank-1 result becomes (batch, 1)."""
    xr, yr = x.shape.rank, y.shape.rank
    if xr < 2 or yr < 2:
        raise ValueError(
            "Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes "
            f"{tuple(x.shape)} and {tuple(y.shape)}."
        )
    a0, a1 = axes
    xs = _LETTERS[:xr]
    ys = "a" + _LETTERS[xr : xr + yr - 1]
    ys = ys[:a1] + xs[a0] + ys[a1 + 1 :]
    out = xs[:a0] + xs[a0 + 1 :] + "".join(c for i, c in enumerate(ys) if i not in (0, a1))
    result = tf.einsum(f"{xs},{ys}->{out}", x, y)
    if result.shape.rank == 1:
        result = tf.expand_dims(result, 1)
    return result


def _l2_normalize(x, axis):
    inv = tf.math.rsqrt(tf.reduce_sum(tf.square(x), axis=axis, keepdims=True))
    return x * tf.minimum(inv, tf.cast(1.0 / epsilon(), x.dtype))


class Dot(Merge):
    """`Dot(axes, normalize=False)`: per-sample dot products of two inputs along `axes`
    (an int or a pair; never the batch axis); `normalize` L2-normalizes first (cosine)."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(
                    "Invalid type for argument `axes`: it should be a list or an int. "
                    f"Received: axes={axes}"
                )
            if len(axes) != 2:
                raise ValueError(
                    "Invalid format for argument `axes`: it should contain two elements. "
                    f"Received: axes={axes}"
                )
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError(
                    "Invalid format for argument `axes`: list elements should be integers. "
                    f"Received: axes={axes}"
                )
        self.axes = axes
        self.normalize = normalize

    def _resolved(self, rank1, rank2):
        if isinstance(self.axes, int):
            if self.axes < 0:
                return [self.axes % rank1, self.axes % rank2]
            return [self.axes] * 2
        return [a % r if a < 0 else a for a, r in zip(self.axes, (rank1, rank2))]

    def build(self, input_shape):
        if not isinstance(input_shape[0], (tuple, list)) or len(input_shape) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on a list of 2 inputs. Received: "
                f"input_shape={input_shape}"
            )
        shape1, shape2 = input_shape
        if shape1 is not None and shape2 is not None:
            axes = self._resolved(len(shape1), len(shape2))
            if shape1[axes[0]] != shape2[axes[1]]:
                raise ValueError(
                    f"Incompatible input shapes: axis values {shape1[axes[0]]} (at axis "
                    f"{axes[0]}) != {shape2[axes[1]]} (at axis {axes[1]}). Full input shapes: "
                    f"{shape1}, {shape2}"
                )
        self.built = True

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on exactly 2 inputs. Received: inputs={inputs}"
            )
        x1, x2 = inputs
        axes = self._resolved(x1.shape.rank, x2.shape.rank)
        if 0 in axes:
            raise ValueError(
                "Cannot perform batch_dot over axis 0. If your inputs are not batched, add a "
                "dummy batch dimension to your inputs using keras.ops.expand_dims(x, 0)"
            )
        if self.normalize:
            x1 = _l2_normalize(x1, axes[0])
            x2 = _l2_normalize(x2, axes[1])
        return batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on a list of 2 inputs. Received: "
                f"input_shape={input_shape}"
            )
        shape1, shape2 = list(input_shape[0]), list(input_shape[1])
        axes = self._resolved(len(shape1), len(shape2))
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        shape2.pop(0)
        out = shape1 + shape2
        if len(out) == 1:
            out += [1]
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def add(inputs, **kwargs):
    """`keras.layers.add(inputs, **kwargs)`: `Add(**kwargs)(inputs)`."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """`keras.layers.subtract(inputs, **kwargs)`: `Subtract(**kwargs)(inputs)`."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """`keras.layers.multiply(inputs, **kwargs)`: `Multiply(**kwargs)(inputs)`."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """`keras.layers.average(inputs, **kwargs)`: `Average(**kwargs)(inputs)`."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """`keras.layers.maximum(inputs, **kwargs)`: `Maximum(**kwargs)(inputs)`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """`keras.layers.minimum(inputs, **kwargs)`: `Minimum(**kwargs)(inputs)`."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """`keras.layers.concatenate(inputs, axis=-1, **kwargs)`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, **kwargs):
    """`keras.layers.dot(inputs, axes=-1, normalize=False, **kwargs)`."""
    return Dot(axes=axes, **kwargs)(inputs)
