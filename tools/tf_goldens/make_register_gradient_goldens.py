"""Generates tests/data/tf_register_gradient_goldens.json: tf.RegisterGradient, tf.no_gradient.

Usage (TensorFlow lives in its own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_register_gradient_goldens.py

Registrations are process-wide and cannot be undone, so every case runs in a fresh
interpreter (tf_golden_util.run_case_isolated); tests/test_register_gradient.py replays them
the same way with tapeflow. The file also records TF's gradient registry (the op types it
holds a function or a "not differentiable" mark for) and every op type of tf.raw_ops, from
which the test checks which of tapeflow's op types a user gradient can reach.

Covered: errors (non-string type, a type TF registers, a name registered twice, no_gradient
then RegisterGradient), a registered gradient used eagerly (the op object's API: inputs,
outputs, type, get_attr, skip_input_indices; missing name/node_def), through
ForwardAccumulator and jacobian, a gradient returning None, no_gradient on an unregistered
type, new names that no op looks up, and gradient_override_map's lack of effect on tapes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from family import DATA, ROOT, import_tensorflow, write

OUTPUT = DATA / "tf_register_gradient_goldens.json"

# The "Previous registration was in register <file>:<line>" part names library code.
_PRELUDE = (
    "import re\n"
    "def key_error(call):\n"
    "    try:\n"
    "        call()\n"
    "    except KeyError as e:\n"
    "        return re.sub(r'in register \\S+:\\d+', 'in register <file>:<line>', str(e))\n"
    "    return 'no error'\n"
    "x = tf.constant([5.0, -7.0])\n"
    "y = tf.constant([3.0, 2.0])\n"
)

CASES = {
    "errors": (
        "out = [key_error(lambda: tf.RegisterGradient('Mul')(lambda op, g: (g, g))),\n"
        "       key_error(lambda: tf.no_gradient('MatMul')),\n"
        "       key_error(lambda: tf.no_gradient('ArgMax'))]\n"
        "for bad in (lambda: tf.RegisterGradient(3), lambda: tf.no_gradient(None)):\n"
        "    try:\n"
        "        bad()\n"
        "    except TypeError as e:\n"
        "        out.append(str(e))"
    ),
    "new_names": (
        "f = lambda op, g: g\n"
        "out = [tf.RegisterGradient('MyCustomOp')(f) is f, tf.no_gradient('MyOtherOp'),\n"
        "       key_error(lambda: tf.RegisterGradient('MyCustomOp')(f)),\n"
        "       key_error(lambda: tf.no_gradient('MyOtherOp')),\n"
        "       key_error(lambda: tf.RegisterGradient('MyOtherOp')(f))]"
    ),
    "registered_gradient_is_used": (
        "seen = {}\n"
        "@tf.RegisterGradient('TruncateMod')\n"
        "def _grad(op, grad):\n"
        "    seen['type'] = op.type\n"
        "    seen['inputs'] = [type(op.inputs).__name__, list(op.inputs)]\n"
        "    seen['outputs'] = [type(op.outputs).__name__, list(op.outputs)]\n"
        "    seen['T'] = op.get_attr('T')\n"
        "    seen['skip'] = op.skip_input_indices\n"
        "    seen['grad'] = grad\n"
        "    for name in ('name', 'node_def', 'graph'):\n"
        "        try:\n"
        "            getattr(op, name)\n"
        "        except AttributeError as e:\n"
        "            seen[name] = str(e)\n"
        "    try:\n"
        "        op.get_attr('nope')\n"
        "    except Exception as e:\n"
        "        seen['nope'] = [type(e).__name__, str(e)]\n"
        "    return grad * 2.0, grad * 3.0\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch([x, y])\n"
        "    z = tf.truncatemod(x, y)\n"
        "out = [t.gradient(z, [x, y], output_gradients=tf.constant([1.0, 10.0])), seen]"
    ),
    "skip_input_indices": (
        "seen = []\n"
        "@tf.RegisterGradient('TruncateMod')\n"
        "def _grad(op, grad):\n"
        "    seen.append(op.skip_input_indices)\n"
        "    return grad * 2.0, grad * 3.0\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    z = tf.truncatemod(x, y)\n"
        "out = [t.gradient(z, x), seen]"
    ),
    "gradient_returning_none": (
        "@tf.RegisterGradient('TruncateMod')\n"
        "def _grad(op, grad):\n"
        "    return grad, None\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch([x, y])\n"
        "    z = tf.truncatemod(x, y) * x\n"
        "out = t.gradient(z, [x, y])"
    ),
    "gradient_wrong_count": (
        "@tf.RegisterGradient('TruncateMod')\n"
        "def _grad(op, grad):\n"
        "    return grad\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch([x, y])\n"
        "    z = tf.truncatemod(x, y)\n"
        "out = t.gradient(z, [x, y])"
    ),
    "gradient_too_many": (
        "@tf.RegisterGradient('TruncateMod')\n"
        "def _grad(op, grad):\n"
        "    return grad, grad, grad\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch([x, y])\n"
        "    z = tf.truncatemod(x, y)\n"
        "out = t.gradient(z, [x, y])"
    ),
    "forward_accumulator_and_jacobian": (
        "@tf.RegisterGradient('TruncateMod')\n"
        "def _grad(op, grad):\n"
        "    return grad * op.inputs[1], -grad\n"
        "with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 10.0])) as acc:\n"
        "    z = tf.truncatemod(x, y)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    w = tf.truncatemod(x, y)\n"
        "out = [acc.jvp(z), t.jacobian(w, x, experimental_use_pfor=False)]"
    ),
    "second_order_through_registered_gradient": (
        "@tf.RegisterGradient('TruncateMod')\n"
        "def _grad(op, grad):\n"
        "    return grad * op.inputs[0] * op.inputs[0], None\n"
        "with tf.GradientTape() as t2:\n"
        "    t2.watch(x)\n"
        "    with tf.GradientTape() as t1:\n"
        "        t1.watch(x)\n"
        "        z = tf.truncatemod(x, y)\n"
        "    g = t1.gradient(z, x)\n"
        "out = [g, t2.gradient(g, x)]"
    ),
    "no_gradient_unregistered_type": (
        "tf.no_gradient('TruncateMod')\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch([x, y])\n"
        "    z = tf.truncatemod(x, y) + x\n"
        "out = [t.gradient(z, [x, y]), key_error(lambda: tf.no_gradient('TruncateMod'))]"
    ),
    "override_map_does_not_reach_tapes": (
        "@tf.RegisterGradient('DoubleGrad')\n"
        "def _double(op, g):\n"
        "    return g * 2.0, g * 2.0\n"
        "graph = tf.Graph()\n"
        "with graph.gradient_override_map({'Mul': 'DoubleGrad'}):\n"
        "    with tf.GradientTape() as t:\n"
        "        t.watch(x)\n"
        "        z = x * y\n"
        "out = t.gradient(z, x)"
    ),
}


def all_cases() -> dict[str, str]:
    """Every case as name -> code (the prelude first)."""
    return {name: _PRELUDE + code for name, code in CASES.items()}


def main() -> None:
    import numpy as np

    tf = import_tensorflow()
    from tensorflow.python.framework import ops
    from tf_golden_util import run_case_isolated  # tests/ is on sys.path (family)

    goldens = {
        name: {**run_case_isolated(code, "tensorflow"), "code": code, "isolated": True}
        for name, code in all_cases().items()
    }
    document = {
        "cases": goldens,
        "registry": {
            "registered": sorted(ops._gradient_registry.list()),  # noqa: SLF001 - TF's only list
            "op_types": sorted(n for n in dir(tf.raw_ops) if not n.startswith("_")),
        },
        "header": {
            "tensorflow_version": tf.__version__,
            "numpy_version": np.__version__,
            "python_version": sys.version.split()[0],
            "generator": Path(__file__).resolve().relative_to(ROOT).as_posix(),
            "case_count": len(goldens),
        },
    }
    write(OUTPUT, document, len(goldens), ensure_ascii=False)


if __name__ == "__main__":
    main()
