"""The gradient-conventions table: one fixed list of edge cases run through several libraries.

Each library runs in its own interpreter (``--backend NAME`` prints that library's column as
JSON); the default mode starts one subprocess per library that is installed and writes
``docs/conventions.md`` (one row per case, a column per library, differences from TF marked)
and, with ``--write-tf``, ``tests/data/conventions_tf.json`` (TF's column, which
``tests/test_conventions.py`` compares tapeflow's column against).

Usage::

    python tools/conventions.py [--tf PY] [--peers PY] [--write-tf]

``--tf`` names an interpreter with TensorFlow, ``--peers`` one with PyTorch, JAX and autograd.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (case id, description). The order is the table's row order.
CASES = [
    ("relu_0", "d relu(x)/dx at x=0"),
    ("abs_0", "d |x|/dx at x=0"),
    ("maximum_tie", "d maximum(x, y)/d(x, y) at x=y=1"),
    ("minimum_tie", "d minimum(x, y)/d(x, y) at x=y=1"),
    ("maximum_self", "d maximum(x, x)/dx at x=1"),
    ("reduce_max_tie", "d reduce_max([1, 3, 3])/dx"),
    ("reduce_min_tie", "d reduce_min([2, 1, 1])/dx"),
    ("clip_bounds", "d clip(x, 0, 1)/dx at x=[0, 1]"),
    ("sqrt_0", "d sqrt(x)/dx at x=0"),
    ("log_0", "d log(x)/dx at x=0"),
    ("pow_0_0", "d x**y/d(x, y) at x=0, y=0"),
    ("pow_0_2", "d x**y/d(x, y) at x=0, y=2"),
    ("pow_0_half", "d x**y/d(x, y) at x=0, y=0.5"),
    ("where_nan_branch", "d where(x > 0, sqrt(x), 0)/dx at x=[-1, 4]"),
    ("int_source", "gradient w.r.t. an int32 source of x*x"),
    ("unconnected_none", "unconnected source, default (NONE)"),
    ("unconnected_zero", "unconnected source, unconnected_gradients=ZERO"),
    ("complex_square", "d sum(z*z)/dz at z=1+2j (TF: conj of dL/dz)"),
    ("complex_abs2", "d |z|^2/dz at z=1+2j"),
    ("gather_variable", "d sum(gather(v, [0, 0, 2]))/dv for a Variable"),
    ("sign", "d sign(x)/dx at x=[-1, 0, 2]"),
    ("round", "d round(x)/dx at x=[0.5, 1.2]"),
    ("floor", "d floor(x)/dx at x=1.5"),
    ("softplus_extreme", "d softplus(x)/dx at x=[-100, 100]"),
    ("sigmoid_extreme", "d sigmoid(x)/dx at x=[-100, 100]"),
    ("norm_0", "d norm(x)/dx at x=[0, 0]"),
    ("reduce_prod_zero", "d reduce_prod([0, 2, 3])/dx"),
    ("reduce_prod_two_zeros", "d reduce_prod([0, 0, 3])/dx"),
]


def _fmt(g) -> object:
    """A JSON-safe, library-neutral rendering of one gradient."""
    if g is None:
        return "None"
    if isinstance(g, (list, tuple)):
        return [_fmt(x) for x in g]
    if type(g).__name__ == "IndexedSlices":
        return {
            "IndexedSlices": {
                "values": _fmt(g.values),
                "indices": [int(i) for i in _arr(g.indices).ravel()],
            }
        }
    a = _arr(g)
    if a.dtype.kind == "c":
        out = [f"{complex(v).real:g}{complex(v).imag:+g}j" for v in a.ravel()]
        return out[0] if a.ndim == 0 else out
    out = [_num(float(v)) for v in a.ravel()]
    return out[0] if a.ndim == 0 else out


def _arr(g):
    import numpy as np

    if hasattr(g, "numpy"):
        g = g.numpy()
    return np.asarray(g)


def _num(v: float) -> object:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


# --------------------------------------------------------------------------------------
# The TensorFlow API: tapeflow and TensorFlow run the same code.


def _tf_cases(tf) -> dict:
    def grad(f, *xs, **kw):
        xs = [tf.constant(x) if not isinstance(x, tf.Variable) else x for x in xs]
        with tf.GradientTape() as t:
            for x in xs:
                t.watch(x)
            y = f(*xs)
        g = t.gradient(y, xs, **kw)
        return g[0] if len(g) == 1 else g

    def where_case():
        x = tf.constant([-1.0, 4.0])
        with tf.GradientTape() as t:
            t.watch(x)
            y = tf.reduce_sum(tf.where(x > 0, tf.sqrt(x), 0.0))
        return t.gradient(y, x)

    def unconnected(kind):
        x, u = tf.constant(2.0), tf.constant(3.0)
        with tf.GradientTape() as t:
            t.watch([x, u])
            y = x * x
        kw = {} if kind is None else {"unconnected_gradients": kind}
        return t.gradient(y, u, **kw)

    def gather_var():
        v = tf.Variable([1.0, 2.0, 3.0])
        with tf.GradientTape() as t:
            y = tf.reduce_sum(tf.gather(v, [0, 0, 2]))
        return t.gradient(y, v)

    return {
        "relu_0": lambda: grad(tf.nn.relu, 0.0),
        "abs_0": lambda: grad(tf.abs, 0.0),
        "maximum_tie": lambda: grad(tf.maximum, 1.0, 1.0),
        "minimum_tie": lambda: grad(tf.minimum, 1.0, 1.0),
        "maximum_self": lambda: grad(lambda x: tf.maximum(x, x), 1.0),
        "reduce_max_tie": lambda: grad(tf.reduce_max, [1.0, 3.0, 3.0]),
        "reduce_min_tie": lambda: grad(tf.reduce_min, [2.0, 1.0, 1.0]),
        "clip_bounds": lambda: grad(lambda x: tf.clip_by_value(x, 0.0, 1.0), [0.0, 1.0]),
        "sqrt_0": lambda: grad(tf.sqrt, 0.0),
        "log_0": lambda: grad(tf.math.log, 0.0),
        "pow_0_0": lambda: grad(tf.pow, 0.0, 0.0),
        "pow_0_2": lambda: grad(tf.pow, 0.0, 2.0),
        "pow_0_half": lambda: grad(tf.pow, 0.0, 0.5),
        "where_nan_branch": where_case,
        "int_source": lambda: grad(lambda x: x * x, 3),
        "unconnected_none": lambda: unconnected(None),
        "unconnected_zero": lambda: unconnected(tf.UnconnectedGradients.ZERO),
        "complex_square": lambda: grad(lambda z: tf.reduce_sum(z * z), 1 + 2j),
        "complex_abs2": lambda: grad(lambda z: tf.abs(z) ** 2, tf.constant(1 + 2j)),
        "gather_variable": gather_var,
        "sign": lambda: grad(tf.sign, [-1.0, 0.0, 2.0]),
        "round": lambda: grad(tf.round, [0.5, 1.2]),
        "floor": lambda: grad(tf.floor, 1.5),
        "softplus_extreme": lambda: grad(tf.nn.softplus, [-100.0, 100.0]),
        "sigmoid_extreme": lambda: grad(tf.sigmoid, [-100.0, 100.0]),
        "norm_0": lambda: grad(tf.norm, [0.0, 0.0]),
        "reduce_prod_zero": lambda: grad(tf.reduce_prod, [0.0, 2.0, 3.0]),
        "reduce_prod_two_zeros": lambda: grad(tf.reduce_prod, [0.0, 0.0, 3.0]),
    }


# --------------------------------------------------------------------------------------
# Peers. Each case is the same mathematical question in the library's own idiom; a case the
# library cannot express (a source with no gradient slot) renders as that library's behaviour
# or its error class.


def _torch_cases(torch) -> dict:
    def grad(f, *xs, dtype=torch.float32, allow_unused=False):
        ts = [torch.tensor(x, dtype=dtype, requires_grad=True) for x in xs]
        y = f(*ts)
        g = torch.autograd.grad(y.sum() if y.dim() else y, ts, allow_unused=allow_unused)
        return g[0] if len(g) == 1 else list(g)

    def where_case():
        return grad(lambda x: torch.where(x > 0, torch.sqrt(x), 0.0).sum(), [-1.0, 4.0])

    def int_source():
        return torch.tensor(3, requires_grad=True)  # raises: only float/complex need grads

    def unconnected(zero):
        x = torch.tensor(2.0, requires_grad=True)
        u = torch.tensor(3.0, requires_grad=True)
        g = torch.autograd.grad(x * x, u, allow_unused=True, materialize_grads=zero)
        return g[0]

    def gather_var():
        v = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        v[torch.tensor([0, 0, 2])].sum().backward()
        return v.grad

    def complex_square():
        z = torch.tensor(1 + 2j, requires_grad=True)
        (z * z).real.backward()  # torch differentiates real scalars: the real part's gradient
        return z.grad

    def complex_abs2():
        z = torch.tensor(1 + 2j, requires_grad=True)
        (z.abs() ** 2).backward()
        return z.grad

    return _peer_table(
        relu=lambda: grad(torch.relu, 0.0),
        abs=lambda: grad(torch.abs, 0.0),
        maximum=lambda: grad(torch.maximum, 1.0, 1.0),
        minimum=lambda: grad(torch.minimum, 1.0, 1.0),
        maximum_self=lambda: grad(lambda x: torch.maximum(x, x), 1.0),
        reduce_max=lambda: grad(torch.max, [1.0, 3.0, 3.0]),
        reduce_min=lambda: grad(torch.min, [2.0, 1.0, 1.0]),
        clip=lambda: grad(lambda x: torch.clamp(x, 0.0, 1.0), [0.0, 1.0]),
        sqrt=lambda: grad(torch.sqrt, 0.0),
        log=lambda: grad(torch.log, 0.0),
        pow=lambda a, b: grad(torch.pow, a, b),
        where=where_case,
        int_source=int_source,
        unconnected=unconnected,
        complex_square=complex_square,
        complex_abs2=complex_abs2,
        gather=gather_var,
        sign=lambda: grad(torch.sign, [-1.0, 0.0, 2.0]),
        round=lambda: grad(torch.round, [0.5, 1.2]),
        floor=lambda: grad(torch.floor, 1.5),
        softplus=lambda: grad(torch.nn.functional.softplus, [-100.0, 100.0]),
        sigmoid=lambda: grad(torch.sigmoid, [-100.0, 100.0]),
        norm=lambda: grad(torch.linalg.norm, [0.0, 0.0]),
        prod=lambda xs: grad(torch.prod, xs),
    )


def _jax_cases(jax, jnp) -> dict:
    def grad(f, *xs):
        xs = [jnp.asarray(x, dtype=jnp.float32) for x in xs]
        g = jax.grad(lambda *a: jnp.sum(f(*a)), argnums=tuple(range(len(xs))))(*xs)
        return g[0] if len(g) == 1 else list(g)

    def unconnected(zero):
        g = jax.grad(lambda x, u: x * x, argnums=1)(2.0, 3.0)
        return g  # JAX has no None: an unconnected input's gradient is always zero

    def complex_square():
        # JAX's convention for holomorphic functions: dL/dz itself (TF gives its conjugate).
        return jax.grad(lambda z: z * z, holomorphic=True)(jnp.complex64(1 + 2j))

    def complex_abs2():
        return jax.grad(lambda z: jnp.abs(z) ** 2)(jnp.complex64(1 + 2j))

    return _peer_table(
        relu=lambda: grad(jax.nn.relu, 0.0),
        abs=lambda: grad(jnp.abs, 0.0),
        maximum=lambda: grad(jnp.maximum, 1.0, 1.0),
        minimum=lambda: grad(jnp.minimum, 1.0, 1.0),
        maximum_self=lambda: grad(lambda x: jnp.maximum(x, x), 1.0),
        reduce_max=lambda: grad(jnp.max, [1.0, 3.0, 3.0]),
        reduce_min=lambda: grad(jnp.min, [2.0, 1.0, 1.0]),
        clip=lambda: grad(lambda x: jnp.clip(x, 0.0, 1.0), [0.0, 1.0]),
        sqrt=lambda: grad(jnp.sqrt, 0.0),
        log=lambda: grad(jnp.log, 0.0),
        pow=lambda a, b: grad(jnp.power, a, b),
        where=lambda: grad(lambda x: jnp.where(x > 0, jnp.sqrt(x), 0.0), [-1.0, 4.0]),
        int_source=lambda: jax.grad(lambda x: x * x)(3),
        unconnected=unconnected,
        complex_square=complex_square,
        complex_abs2=complex_abs2,
        gather=lambda: grad(lambda v: v[jnp.array([0, 0, 2])], [1.0, 2.0, 3.0]),
        sign=lambda: grad(jnp.sign, [-1.0, 0.0, 2.0]),
        round=lambda: grad(jnp.round, [0.5, 1.2]),
        floor=lambda: grad(jnp.floor, 1.5),
        softplus=lambda: grad(jax.nn.softplus, [-100.0, 100.0]),
        sigmoid=lambda: grad(jax.nn.sigmoid, [-100.0, 100.0]),
        norm=lambda: grad(jnp.linalg.norm, [0.0, 0.0]),
        prod=lambda xs: grad(jnp.prod, xs),
    )


def _autograd_cases(autograd, anp) -> dict:
    def grad(f, *xs):
        xs = [anp.asarray(x, dtype=float) for x in xs]
        gs = [autograd.grad(lambda *a: anp.sum(f(*a)), i)(*xs) for i in range(len(xs))]
        return gs[0] if len(gs) == 1 else gs

    return _peer_table(
        relu=lambda: grad(lambda x: anp.maximum(x, 0.0), 0.0),  # autograd has no relu
        abs=lambda: grad(anp.abs, 0.0),
        maximum=lambda: grad(anp.maximum, 1.0, 1.0),
        minimum=lambda: grad(anp.minimum, 1.0, 1.0),
        maximum_self=lambda: grad(lambda x: anp.maximum(x, x), 1.0),
        reduce_max=lambda: grad(anp.max, [1.0, 3.0, 3.0]),
        reduce_min=lambda: grad(anp.min, [2.0, 1.0, 1.0]),
        clip=lambda: grad(lambda x: anp.clip(x, 0.0, 1.0), [0.0, 1.0]),
        sqrt=lambda: grad(anp.sqrt, 0.0),
        log=lambda: grad(anp.log, 0.0),
        pow=lambda a, b: grad(anp.power, a, b),
        where=lambda: grad(lambda x: anp.where(x > 0, anp.sqrt(x), 0.0), [-1.0, 4.0]),
        int_source=lambda: autograd.grad(lambda x: x * x)(3),
        unconnected=lambda zero: autograd.grad(lambda x, u: x * x, 1)(2.0, 3.0),
        complex_square=lambda: autograd.grad(lambda z: z * z)(1 + 2j),
        complex_abs2=lambda: autograd.grad(lambda z: anp.abs(z) ** 2)(1 + 2j),
        gather=lambda: grad(lambda v: v[anp.array([0, 0, 2])], [1.0, 2.0, 3.0]),
        sign=lambda: grad(anp.sign, [-1.0, 0.0, 2.0]),
        round=lambda: grad(anp.round, [0.5, 1.2]),
        floor=lambda: grad(anp.floor, 1.5),
        softplus=lambda: grad(lambda x: anp.logaddexp(0.0, x), [-100.0, 100.0]),
        sigmoid=lambda: grad(lambda x: 1.0 / (1.0 + anp.exp(-x)), [-100.0, 100.0]),
        norm=lambda: grad(anp.linalg.norm, [0.0, 0.0]),
        prod=lambda xs: grad(anp.prod, xs),
    )


def _peer_table(**f) -> dict:
    return {
        "relu_0": f["relu"],
        "abs_0": f["abs"],
        "maximum_tie": f["maximum"],
        "minimum_tie": f["minimum"],
        "maximum_self": f["maximum_self"],
        "reduce_max_tie": f["reduce_max"],
        "reduce_min_tie": f["reduce_min"],
        "clip_bounds": f["clip"],
        "sqrt_0": f["sqrt"],
        "log_0": f["log"],
        "pow_0_0": lambda: f["pow"](0.0, 0.0),
        "pow_0_2": lambda: f["pow"](0.0, 2.0),
        "pow_0_half": lambda: f["pow"](0.0, 0.5),
        "where_nan_branch": f["where"],
        "int_source": f["int_source"],
        "unconnected_none": lambda: f["unconnected"](False),
        "unconnected_zero": lambda: f["unconnected"](True),
        "complex_square": f["complex_square"],
        "complex_abs2": f["complex_abs2"],
        "gather_variable": f["gather"],
        "sign": f["sign"],
        "round": f["round"],
        "floor": f["floor"],
        "softplus_extreme": f["softplus"],
        "sigmoid_extreme": f["sigmoid"],
        "norm_0": f["norm"],
        "reduce_prod_zero": lambda: f["prod"]([0.0, 2.0, 3.0]),
        "reduce_prod_two_zeros": lambda: f["prod"]([0.0, 0.0, 3.0]),
    }


# --------------------------------------------------------------------------------------
# Running one library (in this interpreter) and the whole table (one subprocess per library).


def _load(backend: str) -> dict:
    import warnings

    warnings.simplefilter("ignore")
    if backend == "tapeflow":
        sys.path.insert(0, os.path.join(ROOT, "src"))
        import tapeflow

        return _tf_cases(tapeflow)
    if backend == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow

        return _tf_cases(tensorflow)
    if backend == "torch":
        import torch

        return _torch_cases(torch)
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        return _jax_cases(jax, jnp)
    if backend == "autograd":
        import autograd
        import autograd.numpy as anp

        return _autograd_cases(autograd, anp)
    raise ValueError(f"unknown backend {backend!r}")


def run_backend(backend: str) -> dict:
    """This library's column: case id -> rendered gradient, or ``"raises <ErrorClass>"``."""
    cases = _load(backend)
    out = {}
    for cid, _ in CASES:
        try:
            out[cid] = _fmt(cases[cid]())
        except Exception as e:  # the error class is the library's answer for that case
            out[cid] = f"raises {type(e).__name__}"
    return out


BACKENDS = ["tapeflow", "tensorflow", "torch", "jax", "autograd"]
MODULE = {"tensorflow": "tensorflow", "torch": "torch", "jax": "jax", "autograd": "autograd"}


def _column(backend: str, python: str) -> dict | None:
    if backend != "tapeflow":
        probe = subprocess.run(
            [python, "-c", f"import {MODULE[backend]}"], capture_output=True, cwd="/tmp"
        )
        if probe.returncode != 0:
            return None
    res = subprocess.run(
        [python, os.path.abspath(__file__), "--backend", backend],
        capture_output=True,
        text=True,
        cwd="/tmp",
        check=True,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def _cell(v) -> str:
    s = json.dumps(v).replace('"', "")
    return s.replace("|", "\\|")


def render(columns: dict) -> str:
    """The Markdown table: a column per library, a cell that differs from TF in bold with a *."""
    names = [b for b in BACKENDS if b in columns]
    lines = [
        "# Gradient conventions",
        "",
        "Generated by `tools/conventions.py`; do not edit by hand. Each row is one edge case of",
        "differentiation; each column is what that library returns (`None` is TF's no-gradient",
        "answer, `raises X` the library's error). A cell marked **\\*** differs from TensorFlow.",
        "`tests/test_conventions.py` checks the tapeflow column against TensorFlow's committed",
        "column (`tests/data/conventions_tf.json`).",
        "",
        "Libraries: " + ", ".join(f"{n} {columns[n]['__version__']}" for n in names) + ".",
        "",
        "| case | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    tf_col = columns.get("tensorflow")
    for cid, desc in CASES:
        cells = []
        for n in names:
            c = _cell(columns[n][cid])
            if tf_col is not None and n != "tensorflow" and columns[n][cid] != tf_col[cid]:
                c = f"**{c} \\***"
            cells.append(c)
        lines.append(f"| {_cell(desc)} | " + " | ".join(cells) + " |")
    missing = [b for b in BACKENDS if b not in columns]
    if missing:
        lines += ["", "Not installed when the table was generated: " + ", ".join(missing) + "."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backend", choices=BACKENDS)
    p.add_argument("--tf", default="/work/tfvenv/bin/python")
    p.add_argument("--peers", default="/work/convvenv/bin/python")
    p.add_argument("--write-tf", action="store_true")
    a = p.parse_args(argv)
    if a.backend:
        col = run_backend(a.backend)
        col["__version__"] = _version(a.backend)
        print(json.dumps(col))
        return
    pythons = {"tapeflow": sys.executable, "tensorflow": a.tf}
    pythons.update({b: a.peers for b in ("torch", "jax", "autograd")})
    columns = {}
    for b in BACKENDS:
        py = pythons[b]
        col = _column(b, py) if os.path.exists(py) else None
        if col is not None:
            columns[b] = col
    with open(os.path.join(ROOT, "docs", "conventions.md"), "w") as f:
        f.write(render(columns))
    if a.write_tf and "tensorflow" in columns:
        with open(os.path.join(ROOT, "tests", "data", "conventions_tf.json"), "w") as f:
            json.dump(columns["tensorflow"], f, indent=1, sort_keys=True)
            f.write("\n")


def _version(backend: str) -> str:
    from importlib import metadata

    mod = sys.modules.get(MODULE.get(backend, backend))
    version = getattr(mod, "__version__", None)
    return version or metadata.version(backend)


if __name__ == "__main__":
    main()
