"""Test recipes that ops declare beside their rules (`sample=` in `@op`).

A recipe is a callable `rng -> list[Case]`; the registry tests draw float64
inputs from it and check every rule numerically. Building a recipe costs
nothing at import time: arrays are drawn only when a test asks.
"""

from __future__ import annotations

import numpy as np

# Plain classes, not dataclasses: `import dataclasses` pulls in `inspect`, and
# every op module imports this one, so it is on `import tapeflow`'s path.


class Case:
    """One call of an op: its inputs (ndarrays), attributes, and the inputs that
    gradient checks must not perturb (indices, masks, integer inputs)."""

    __slots__ = ("inputs", "attrs", "fixed")

    def __init__(self, inputs: list, attrs: dict | None = None, fixed: tuple = ()):
        self.inputs = inputs
        self.attrs = {} if attrs is None else attrs
        self.fixed = fixed

    def __repr__(self) -> str:
        return f"Case(inputs={self.inputs!r}, attrs={self.attrs!r}, fixed={self.fixed!r})"


class Uniform:
    """A float input drawn uniformly from [low, high), kept `gap` away from `avoid`."""

    def __init__(self, shape: tuple = (), low=-2.0, high=2.0, avoid: tuple = (), gap=0.1):
        self.shape = shape
        self.low = low
        self.high = high
        self.avoid = avoid
        self.gap = gap

    def draw(self, rng) -> np.ndarray:
        x = rng.uniform(self.low, self.high, self.shape)
        for point in self.avoid:
            near = np.abs(x - point) < self.gap
            x = np.where(near, point + np.where(x >= point, self.gap, -self.gap) * 2, x)
        return np.asarray(x, dtype=np.float64)

    def __repr__(self) -> str:
        return f"Uniform({self.shape!r}, {self.low!r}, {self.high!r}, avoid={self.avoid!r})"


class Fixed:
    """An input given literally (indices, masks, special points); never perturbed."""

    def __init__(self, value):
        self.value = value

    def draw(self, rng) -> np.ndarray:
        return np.asarray(self.value)

    def __repr__(self) -> str:
        return f"Fixed({self.value!r})"


def _spec(s):
    if isinstance(s, (Uniform, Fixed)):
        return s
    if isinstance(s, tuple):
        return Uniform(s)
    return Fixed(s)


def cases(*variants):
    """A recipe from explicit variants: each `(inputs, attrs)` or just `inputs`.

    An input is a shape tuple (drawn from Uniform(shape)), a `Uniform`, or a
    `Fixed` / literal value that is passed as is and never differentiated.
    """
    return _recipe(lambda: variants)


def _normalised(variant) -> tuple:
    if isinstance(variant[-1], dict):
        inputs, attrs = variant[:-1][0], variant[-1]
    else:
        inputs, attrs = variant, {}
    return [_spec(s) for s in inputs], attrs


def _recipe(variants_of):
    """The recipe of the variants `variants_of()` gives: read on the first draw, so that
    declaring an op costs no test-only work (`import tapeflow` declares ~120)."""
    normalised = None

    def draw(rng) -> list:
        nonlocal normalised
        if normalised is None:
            normalised = [_normalised(v) for v in variants_of()]
        out = []
        for specs, attrs in normalised:
            fixed = tuple(i for i, s in enumerate(specs) if isinstance(s, Fixed))
            out.append(Case([s.draw(rng) for s in specs], dict(attrs), fixed))
        return out

    return draw


SHAPES = ((), (3,), (2, 3))
BROADCAST_PAIRS = (((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)))


def unary(low: float = -2.0, high: float = 2.0, avoid: tuple = (), shapes=SHAPES):
    """A recipe for an elementwise op of one input."""
    return _recipe(lambda: [([Uniform(s, low, high, avoid)], {}) for s in shapes])


def binary(low=-2.0, high=2.0, low2=None, high2=None, avoid=(), avoid2=(), broadcast=True):
    """A recipe for an elementwise op of two inputs (with broadcasting pairs)."""
    low2 = low if low2 is None else low2
    high2 = high if high2 is None else high2
    pairs = BROADCAST_PAIRS if broadcast else tuple((s, s) for s in SHAPES)
    return _recipe(
        lambda: [
            ([Uniform(a, low, high, avoid), Uniform(b, low2, high2, avoid2)], {}) for a, b in pairs
        ]
    )


def reduction(low: float = -2.0, high: float = 2.0, **extra):
    """A recipe for a reduction op with normalised `axes` and `keepdims` attributes."""
    variants = [
        ((3,), {"axes": (0,)}),
        ((), {"axes": ()}),
        ((2, 3), {"axes": (0, 1)}),
        ((2, 3), {"axes": (0,)}),
        ((2, 3), {"axes": (1,), "keepdims": True}),
        ((2, 3, 2), {"axes": (0, 2)}),
        ((2, 3), {"axes": (0, 1), "keepdims": True}),
    ]
    return _recipe(lambda: [([Uniform(s, low, high)], {**a, **extra}) for s, a in variants])
