"""What `import tapeflow` leaves for first use (_lazy.py, ops/__init__.py): the tracer and the
op families an eager program may not touch. Without timing anything: the modules stay out of
`sys.modules` at import, and whatever a program uses first, in a fresh process, gives what it
gives with everything loaded (no import cycle, no dependence on the order of first uses)."""

from __future__ import annotations

import subprocess
import sys

import pytest

# What `import tapeflow` must not load (a new import that pulls one back fails here).
LAZY_MODULES = (
    "tapeflow._compile.buffers",
    "tapeflow._compile.control_flow",
    "tapeflow._compile.function",
    "tapeflow._compile.fusion",
    "tapeflow._compile.trace",
    "tapeflow._compile.tracing",
    "tapeflow._diagnostics.numerics",
    "tapeflow.ops.control_flow_ops",
    "tapeflow.ops.conv_ops",
    "tapeflow.ops.debug_ops",
    "tapeflow.ops.einsum_ops",
    "tapeflow.ops.framework_ops",
    "tapeflow.ops.gather_ops",
    "tapeflow.ops.linalg",
    "tapeflow.ops.linalg.factorizations",
    "tapeflow.ops.linalg.norms",
    "tapeflow.ops.linalg.products",
    "tapeflow.ops.linalg.solves",
    "tapeflow.ops.manip_ops",
    "tapeflow.ops.nn_ops",
    "tapeflow.ops.philox",
    "tapeflow.ops.pool_ops",
    "tapeflow.ops.random_ops",
    "tapeflow.ops.script_ops",
    "tapeflow.ops.sort_ops",
    "tapeflow.ops.vectorize",
    "tapeflow.ops.vectorize.rules",
    "tapeflow.ops.vectorize.vectorized_map",
    "tapeflow.data",
    "tapeflow.keras",
    "tapeflow.train",
)

NAMESPACES = "tf tf.linalg tf.math tf.nn tf.random tf.debugging tf.compat.v1.random".split()


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_import_leaves_the_lazy_modules_unloaded():
    loaded = _run(
        f"import sys, tapeflow; print(sorted(m for m in {LAZY_MODULES!r} if m in sys.modules))"
    )
    assert loaded.strip() == "[]", f"import tapeflow loaded {loaded.strip()}"


def test_load_all_registers_every_op_family():
    code = (
        "import sys, tapeflow; from tapeflow._core import registry; n = len(registry.REGISTRY); "
        "registry.load_all(); import tapeflow.ops as ops; "
        "print(n < len(registry.REGISTRY), all(f'tapeflow.ops.{m}' in sys.modules "
        "for m in ops.LAZY))"
    )
    assert _run(code).split() == ["True", "True"]


# Everything loaded first: every op family, the tracer, vectorize's rules, every lazy name.
PRELOAD = (
    "import tapeflow as tf\n"
    "from tapeflow._core import registry\n"
    "registry.load_all()\n"
    "import tapeflow._compile.function, tapeflow.ops.vectorize.rules\n"
    f"for _ns in [{', '.join(NAMESPACES)}]:\n"
    "    for _n in dir(_ns):\n"
    "        if _n not in ('keras', 'data', 'train'):\n"
    "            getattr(_ns, _n)\n"
)

# Programs that each use a lazy name (or go through a lazy family) first; each prints values.
FIRST_USES = {
    "cond": "print(tf.cond(tf.constant(True), lambda: tf.constant(1.0), lambda: tf.constant(2.0)))",
    "function": (
        "f = tf.function(lambda x: tf.sin(x) * 2.0)\n"
        "print(f(tf.constant([1.0, 2.0])), f(tf.constant([3.0, 4.0])))"
    ),
    "function_jit": (
        "f = tf.function(lambda x: tf.exp(x) * x + 1.0, jit_compile=True)\n"
        "for _ in range(3):\n"
        "    print(f(tf.constant([1.0, 2.0])))"
    ),
    "from_import_while_loop": (
        "from tapeflow import while_loop\n"
        "print(while_loop(lambda i: i < 5, lambda i: [i + 1], [tf.constant(0)]))"
    ),
    "while_loop_gradient": (
        "x = tf.constant(1.5)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    (y,) = tf.while_loop(lambda v: v < 10.0, lambda v: [v * x], [x])\n"
        "print(y, t.gradient(y, x))"
    ),
    "linalg_svd": "print(tf.linalg.svd(tf.constant([[3.0, 1.0], [1.0, 2.0]])))",
    "linalg_det_gradient": (
        "x = tf.constant([[3.0, 1.0], [1.0, 2.0]])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.linalg.det(x)\n"
        "print(y, t.gradient(y, x))"
    ),
    "norm": "print(tf.norm(tf.constant([3.0, 4.0])))",
    "framework_and_manip": (
        "with tf.device('/CPU:0'):\n"
        "    x = tf.constant([[1.0, 2.0]])\n"
        "    print(tf.tuple([x]), tf.pad(x, [[1, 0], [0, 1]]), tf.tile(x, [2, 1]))\n"
        "    print(tf.gradients.__name__, tf.identity_n([x, x]))"
    ),
    "matmul_operator": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0]])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.reduce_sum(x @ x)\n"
        "print(y, t.gradient(y, x), [[1.0, 0.0]] @ x)"
    ),
    "boolean_mask_index": "print(tf.constant([1, 2, 3])[tf.constant([True, False, True])])",
    "random_normal": "tf.random.set_seed(3)\nprint(tf.random.normal([3]), tf.random.uniform([2]))",
    "stateless_random": "print(tf.random.stateless_normal([3], seed=[1, 2]))",
    "compat_v1_random": "tf.random.set_seed(5)\nprint(tf.compat.v1.random.get_seed(None))",
    "gather_gradient": (
        "x = tf.constant([1.0, 2.0, 3.0])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.reduce_sum(tf.gather(x, [0, 2, 2]) ** 2)\n"
        "g = t.gradient(y, x)\n"
        "print(y, g, tf.convert_to_tensor(g))"
    ),
    "indexed_slices_first": (
        "v, i = tf.constant([[1.0], [2.0]]), tf.constant([0, 2])\n"
        "s = tf.IndexedSlices(v, i, tf.constant([3, 1]))\n"
        "print(tf.convert_to_tensor(s))"
    ),
    "conv_and_pool_gradient": (
        "x = tf.reshape(tf.range(16.0), [1, 4, 4, 1])\n"
        "f = tf.ones([2, 2, 1, 1])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.reduce_sum(tf.nn.max_pool2d(tf.nn.conv2d(x, f, 1, 'SAME'), 2, 2, 'VALID'))\n"
        "print(y, t.gradient(y, x))"
    ),
    "nn_softmax_gradient": (
        "x = tf.constant([1.0, 2.0, 3.0])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.nn.softmax(x)[0]\n"
        "print(y, t.gradient(y, x), tf.math.log_softmax(x))"
    ),
    "einsum_gradient": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0]])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.einsum('ij,jk->', x, x)\n"
        "print(y, t.gradient(y, x))"
    ),
    "sort_gradient": (
        "x = tf.constant([3.0, 1.0, 2.0])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.reduce_sum(tf.sort(x) * tf.constant([1.0, 2.0, 3.0]))\n"
        "print(y, t.gradient(y, x), tf.argmax(x), tf.math.top_k(x, 2))"
    ),
    "debug_assert": (
        "tf.debugging.assert_equal(tf.constant(1), tf.constant(1))\n"
        "try:\n"
        "    tf.debugging.assert_less(tf.constant(2), tf.constant(1))\n"
        "except tf.errors.InvalidArgumentError as e:\n"
        "    print(type(e).__name__, str(e).splitlines()[0])"
    ),
    "check_numerics": (
        "tf.debugging.enable_check_numerics()\n"
        "try:\n"
        "    tf.math.log(tf.constant(-1.0))\n"
        "except Exception as e:\n"
        "    print(type(e).__name__)\n"
        "tf.debugging.disable_check_numerics()"
    ),
    "py_function_gradient": (
        "x = tf.constant(2.0)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.py_function(lambda v: v * v, [x], tf.float32)\n"
        "print(y, t.gradient(y, x))"
    ),
    "vectorized_map": "print(tf.vectorized_map(tf.linalg.det, tf.eye(2, batch_shape=[3]) * 2.0))",
    "register_gradient_lazy_type": (
        "try:\n"
        "    tf.RegisterGradient('Svd')(lambda op, *g: g)\n"
        "except KeyError as e:\n"
        "    print('KeyError', e)"
    ),
    "registry_lookup_by_name": (
        "from tapeflow._core.registry import REGISTRY\nprint(REGISTRY['Svd'], 'Qr' in REGISTRY)"
    ),
    "nn_experimental": "print(sorted(n for n in dir(tf.nn.experimental) if not n.startswith('_')))",
    "dir_of_namespaces": (  # the public names (a loaded submodule adds itself, e.g. _compile)
        "print([[n for n in dir(ns) if not n.startswith('_')] "
        f"for ns in [{', '.join(NAMESPACES)}]])"
    ),
    "star_import": (  # every public name, the lazy ones loaded
        "for ns in ['tapeflow.linalg', 'tapeflow.nn', 'tapeflow.random', 'tapeflow.math']:\n"
        "    names = {}\n"
        "    exec(f'from {ns} import *', names)\n"
        "    print(ns, sorted(n for n in names if not n.startswith('__')))"
    ),
    "missing_name": (
        "for ns in [tf, tf.linalg, tf.nn]:\n"
        "    try:\n"
        "        ns.no_such_name\n"
        "    except AttributeError as e:\n"
        "        print(e)"
    ),
}


@pytest.mark.parametrize("name", sorted(FIRST_USES))
def test_a_first_use_gives_what_it_gives_with_everything_loaded(name):
    program = FIRST_USES[name]
    first = _run("import tapeflow as tf\n" + program)
    loaded = _run(PRELOAD + program)
    assert first == loaded
    assert first.strip()
