"""Generates tests/data/tf_function_retracing_goldens.json: how plain `tf.function` traces.

Usage (TensorFlow lives in its own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_function_retracing_goldens.py
    /work/tfvenv/bin/python tools/tf_goldens/make_function_retracing_goldens.py --verify

Each case is literal code with ``tf`` and ``np`` predefined that leaves its result in
``out``; tests/test_function_retracing.py replays every case with tapeflow and compares values,
dtypes, reprs, printed output (a Python ``print`` in the body runs at trace time only),
warnings (TF's retracing warning) and exception classes and messages
(tf_golden_util.compare_results).

Covered: print at trace time, experimental_get_tracing_count per retracing rule (Python
values by ``==``, defaults bound, NumPy arguments as tensors, tensors by shape and dtype,
variables by shape, dtype and trainability), input_signature, reduce_retracing's
relaxation, get_concrete_function's signature and counting, tf.print replayed, Python
control flow on tensors (AutoGraph in TF, an eager fallback here: same values, no warning),
the frequent-retracing warning and bad input_signature arguments. Cases avoid what
tapeflow documents as different (a Python print when a call is traced again internally).
"""

from __future__ import annotations

from family import DATA, record_code_cases

OUTPUT = DATA / "tf_function_retracing_goldens.json"

CASES = {
    "print_at_trace_time": (
        "@tf.function\n"
        "def f(x):\n"
        "    print('tracing', x.shape)\n"
        "    return x * 2\n"
        "out = [f(tf.constant(1.0)), f(tf.constant(2.0)), f(tf.constant([1.0, 2.0])),\n"
        "       f(tf.constant([3.0, 4.0])), f.experimental_get_tracing_count()]"
    ),
    # tf.config.run_functions_eagerly's docstring example (printing a fixed text).
    "run_functions_eagerly": (
        "def my_func(a):\n"
        "    print('Python side effect')\n"
        "    return a + a\n"
        "a_fn = tf.function(my_func)\n"
        "out = [a_fn(tf.constant(1)), a_fn(tf.constant(2))]\n"
        "tf.config.run_functions_eagerly(True)\n"
        "try:\n"
        "    out += [a_fn(tf.constant(2)), a_fn(tf.constant(3))]\n"
        "    out.append(tf.config.functions_run_eagerly())\n"
        "finally:\n"
        "    tf.config.run_functions_eagerly(False)\n"
        "out += [a_fn(tf.constant(4)), a_fn.experimental_get_tracing_count()]"
    ),
    "python_values_by_equality": (
        "@tf.function\n"
        "def f(x, n=1):\n"
        "    print('tracing', n)\n"
        "    return x * n\n"
        "x = tf.constant(3.0)\n"
        "out = [f(x), f(x, 1), f(x, n=1), f(x, 2), f(x, 2.0), f(x, 2),\n"
        "       f.experimental_get_tracing_count()]"
    ),
    # TF's wart: 2.0 == 2, so the trace made for 2 serves 2.0 (an int32 result).
    "python_value_wart_int_for_float": (
        "@tf.function\n"
        "def h(n):\n"
        "    return tf.constant(n)\n"
        "out = [h(2), h(2.0), h(True), h(1), h.experimental_get_tracing_count()]"
    ),
    "structures_of_python_values": (
        "@tf.function\n"
        "def h(n):\n"
        "    return tf.constant(n)\n"
        "out = [h((1, 2)), h((1.0, 2)), h([1, 2]), h.experimental_get_tracing_count()]"
    ),
    "numpy_arguments_are_tensors": (
        "@tf.function\n"
        "def f(x):\n"
        "    print('tracing')\n"
        "    return x + 1\n"
        "out = [f(np.array([1.0, 2.0], np.float32)), f(np.array([5.0, 6.0], np.float32)),\n"
        "       f(np.float32(1.0)), f(np.float32(4.0)), f.experimental_get_tracing_count()]"
    ),
    "numpy_keyword_arguments_are_tensors": (
        "@tf.function\n"
        "def f(x, y=None):\n"
        "    print('tracing')\n"
        "    return x + y\n"
        "out = [f(1.0, y=np.float32(2.0)), f(1.0, y=np.float32(3.0)),\n"
        "       f.experimental_get_tracing_count()]"
    ),
    "tensors_by_shape_and_dtype": (
        "@tf.function\n"
        "def f(x):\n"
        "    return x * 2\n"
        "counts = []\n"
        "for x in [tf.ones([2]), tf.zeros([2]), tf.ones([3]), tf.ones([2], tf.float64),\n"
        "          tf.ones([2], tf.int32), tf.ones([2, 1]), tf.ones([2])]:\n"
        "    f(x)\n"
        "    counts.append(f.experimental_get_tracing_count())\n"
        "out = counts"
    ),
    "variables_by_shape_dtype_trainable": (
        "@tf.function\n"
        "def g(v):\n"
        "    return v * 2\n"
        "a, b = tf.Variable(1.0), tf.Variable(2.0)\n"
        "c = tf.Variable([1.0, 2.0])\n"
        "d = tf.Variable(3.0, trainable=False)\n"
        "counts = []\n"
        "values = []\n"
        "for v in [a, b, a, c, d, tf.constant(1.0)]:\n"
        "    values.append(g(v))\n"
        "    counts.append(g.experimental_get_tracing_count())\n"
        "out = [values, counts]"
    ),
    "variables_as_arguments_share_a_trace": (
        "@tf.function\n"
        "def upd(v, g, lr=0.1):\n"
        "    v.assign_sub(lr * g)\n"
        "    v.assign_add(v * 0.5)\n"
        "    return v.read_value() * 2\n"
        "a, b = tf.Variable([1.0, 2.0]), tf.Variable([5.0, 6.0])\n"
        "g = tf.constant([1.0, 1.0])\n"
        "out = [[upd(a, g), upd(b, g), upd(a, g), upd(b, g, 0.1)], a, b,\n"
        "       upd.experimental_get_tracing_count()]"
    ),
    "variables_aliasing": (
        "@tf.function\n"
        "def k(x, y):\n"
        "    return x + y\n"
        "a, b = tf.Variable(1.0), tf.Variable(2.0)\n"
        "t, u = tf.constant(1.0), tf.constant(2.0)\n"
        "counts = []\n"
        "for args in [(t, u), (t, t), (a, a), (a, b), (b, a)]:\n"
        "    k(*args)\n"
        "    counts.append(k.experimental_get_tracing_count())\n"
        "out = counts"
    ),
    "tensors_passed_twice": (
        "@tf.function\n"
        "def k(x, y):\n"
        "    print('tracing')\n"
        "    return x + 2 * y\n"
        "t, u = tf.constant(1.0), tf.constant(2.0)\n"
        "out = [k(t, u), k(t, t), k(u, u), k(y=u, x=t), k.experimental_get_tracing_count()]"
    ),
    "objects_by_identity": (
        "class O:\n"
        "    pass\n"
        "@tf.function\n"
        "def m(o, x):\n"
        "    return x * 2\n"
        "o1, o2 = O(), O()\n"
        "t = tf.constant(1.0)\n"
        "counts = []\n"
        "for o in [o1, o2, o1, None, None]:\n"
        "    m(o, t)\n"
        "    counts.append(m.experimental_get_tracing_count())\n"
        "out = counts"
    ),
    # TF traces twice on a first call that creates variables (once to create them).
    "variables_created_on_first_call": (
        "made = []\n"
        "@tf.function\n"
        "def f(x):\n"
        "    if not made:\n"
        "        made.append(tf.Variable(2.0))\n"
        "    print('tracing')\n"
        "    return x * made[0]\n"
        "counts = []\n"
        "for x in [tf.constant(1.0), tf.constant(2.0), tf.constant([3.0]), tf.constant(4.0)]:\n"
        "    f(x)\n"
        "    counts.append(f.experimental_get_tracing_count())\n"
        "out = [counts, f(tf.constant(5.0))]"
    ),
    # One Function per instance a method is called on: traces and counts per instance.
    "methods_trace_per_instance": (
        "class M(tf.Module):\n"
        "    def __init__(self, k):\n"
        "        self.k = tf.Variable(k)\n"
        "    @tf.function\n"
        "    def __call__(self, x):\n"
        "        print('tracing')\n"
        "        return x * self.k\n"
        "m1, m2 = M(2.0), M(3.0)\n"
        "out = [m1(tf.constant(1.0)), m2(tf.constant(1.0)), m1(tf.constant(2.0)),\n"
        "       m1.__call__.experimental_get_tracing_count(),\n"
        "       m2.__call__.experimental_get_tracing_count(),\n"
        "       M.__call__.experimental_get_tracing_count()]"
    ),
    # A trace that raises is not counted; the next call traces again. (TF wraps the error
    # in AutoGraph's "in user code:" text, so only the class is compared.)
    "failed_traces_are_not_counted": (
        "@tf.function\n"
        "def f(x, bad):\n"
        "    print('tracing')\n"
        "    if bad:\n"
        "        raise ValueError('bad')\n"
        "    return x + 1\n"
        "counts = []\n"
        "for bad in (True, True, False, False):\n"
        "    try:\n"
        "        f(tf.constant(1.0), bad)\n"
        "    except ValueError:\n"
        "        counts.append('raised')\n"
        "    counts.append(f.experimental_get_tracing_count())\n"
        "out = counts"
    ),
    "outputs_become_tensors": (
        "v = tf.Variable([1.0, 2.0])\n"
        "@tf.function\n"
        "def f(x):\n"
        "    return [3, 2.5, True, None, np.array([1, 2]), np.float64(2.0), {'a': (1, x)}, v]\n"
        "out = [f(tf.constant(1.0)), f(tf.constant(2.0))]"
    ),
    "input_signature_one_trace": (
        "@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])\n"
        "def g(x):\n"
        "    return {'y': x * 2, 'n': tf.shape(x)}\n"
        "out = [g(tf.zeros(3)), g([1.0, 2.0]), g(np.arange(4, dtype=np.float32)),\n"
        "       g.experimental_get_tracing_count()]"
    ),
    "reduce_retracing_relaxes_shapes": (
        "@tf.function(reduce_retracing=True)\n"
        "def f(x, n=1):\n"
        "    return x * 2\n"
        "counts = []\n"
        "for s in [(2,), (3,), (4,), (2, 3), (3, 4), (5,), (2, 3, 4), ()]:\n"
        "    f(tf.zeros(s))\n"
        "    counts.append(f.experimental_get_tracing_count())\n"
        "for s, n in [((2,), 3), ((7,), 3), ((7,), 4)]:\n"
        "    f(tf.zeros(s), n)\n"
        "    counts.append(f.experimental_get_tracing_count())\n"
        "f(tf.zeros((7,), tf.int32))\n"
        "counts.append(f.experimental_get_tracing_count())\n"
        "out = counts"
    ),
    "reduce_retracing_values": (
        "@tf.function(reduce_retracing=True)\n"
        "def f(x):\n"
        "    return tf.reduce_sum(x * x, axis=0) + tf.reduce_mean(x)\n"
        "out = [f(tf.reshape(tf.range(float(n * 3)), (n, 3))) for n in (1, 2, 3, 4, 5)]\n"
        "out.append(f.experimental_get_tracing_count())"
    ),
    "concrete_function_from_spec": (
        "@tf.function\n"
        "def h(x, k=2):\n"
        "    print('tracing h')\n"
        "    return x * k, [x]\n"
        "cf = h.get_concrete_function(tf.TensorSpec([None, 3], tf.float32))\n"
        "print(cf.structured_input_signature)\n"
        "counts = [h.experimental_get_tracing_count()]\n"
        "h.get_concrete_function(tf.TensorSpec([None, 3], tf.float32))\n"
        "counts.append(h.experimental_get_tracing_count())\n"
        "out = [counts, cf(tf.ones((1, 3)))]"
    ),
    "concrete_function_from_tensor_and_value": (
        "@tf.function\n"
        "def h(x, k=2):\n"
        "    return x * k\n"
        "cf = h.get_concrete_function(tf.constant([1.0, 2.0]), 3)\n"
        "print(cf.structured_input_signature)\n"
        "out = [cf(tf.constant([1.0, 5.0])), h.experimental_get_tracing_count()]"
    ),
    "concrete_function_of_input_signature": (
        "@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])\n"
        "def g(x):\n"
        "    return x + 1\n"
        "cf = g.get_concrete_function()\n"
        "print(cf.structured_input_signature)\n"
        "out = [cf(tf.zeros(2)), g.experimental_get_tracing_count()]"
    ),
    # TF's warts: a tensor of another shape passes through the flat signature; a Python
    # value fails both bindings; defaults do not apply to a concrete function's call.
    "concrete_function_binding": (
        "@tf.function\n"
        "def h(x, k=2):\n"
        "    return x * k\n"
        "cf = h.get_concrete_function(tf.TensorSpec([2], tf.float32))\n"
        "out = [cf(tf.ones([3])), cf(tf.ones([2, 2])), cf(tf.ones([2]), 2)]"
    ),
    "concrete_function_python_value": (
        "@tf.function\n"
        "def h(x, k=2):\n"
        "    return x * k\n"
        "cf = h.get_concrete_function(tf.TensorSpec([2], tf.float32))\n"
        "out = cf(1.0)"
    ),
    "concrete_function_literal_mismatch": (
        "@tf.function\n"
        "def h(x, k=2):\n"
        "    return x * k\n"
        "cf = h.get_concrete_function(tf.TensorSpec([2], tf.float32))\n"
        "out = cf(tf.ones([2]), 3)"
    ),
    "concrete_function_variable": (
        "@tf.function\n"
        "def h(x, k=2):\n"
        "    return x * k\n"
        "cf = h.get_concrete_function(tf.TensorSpec([2], tf.float32))\n"
        "out = cf(tf.Variable([1.0, 2.0]))"
    ),
    "tf_print_runs_every_call": (
        "import os, tempfile\n"
        "path = os.path.join(tempfile.mkdtemp(), 'printed.txt')\n"
        "v = tf.Variable(1.0)\n"
        "@tf.function\n"
        "def f(x):\n"
        "    print('tracing')\n"
        "    tf.print('x:', x, {'v': v, 'l': [x * 2]}, output_stream='file://' + path)\n"
        "    v.assign_add(1.0)\n"
        "    tf.print(v, output_stream='file://' + path)\n"
        "    return x + v\n"
        "out = [f(tf.constant(1.0)), f(tf.constant(5.0)), f(tf.constant(7.0)),\n"
        "       f.experimental_get_tracing_count()]\n"
        "with open(path) as printed:\n"
        "    out.append(printed.read())"
    ),
    "python_if_on_tensor": (
        "@tf.function\n"
        "def g(x):\n"
        "    if x > 0:\n"
        "        return x * 2\n"
        "    return -x\n"
        "out = [g(tf.constant(1.5)), g(tf.constant(-2.0)), g(tf.constant(3.0)),\n"
        "       g.experimental_get_tracing_count()]"
    ),
    "python_loop_on_tensor": (
        "@tf.function\n"
        "def s(n):\n"
        "    total = tf.constant(0)\n"
        "    i = tf.constant(0)\n"
        "    while i < n:\n"
        "        total += i\n"
        "        i += 1\n"
        "    return total\n"
        "out = [s(tf.constant(4)), s(tf.constant(10)), s.experimental_get_tracing_count()]"
    ),
    "frequent_retracing_warns": (
        "@tf.function\n"
        "def often(x, n):\n"
        "    return x * n\n"
        "for n in range(7):\n"
        "    often(tf.constant(1.0), n)\n"
        "out = often.experimental_get_tracing_count()"
    ),
    "training_step_replays": (
        "w = tf.Variable([[0.5], [-0.25]])\n"
        "opt = tf.keras.optimizers.SGD(0.1)\n"
        "@tf.function\n"
        "def step(x, y):\n"
        "    with tf.GradientTape() as tape:\n"
        "        loss = tf.reduce_mean((tf.matmul(x, w) - y) ** 2)\n"
        "    opt.apply_gradients([(tape.gradient(loss, w), w)])\n"
        "    return loss\n"
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0]])\n"
        "y = tf.constant([[1.0], [2.0]])\n"
        "out = [[step(x, y) for _ in range(4)], w, step.experimental_get_tracing_count()]"
    ),
    "bad_input_signature_not_a_list": ("out = tf.function(lambda x: x, input_signature=3)"),
    "bad_input_signature_not_specs": ("out = tf.function(lambda x: x, input_signature=[3])"),
    "bad_input_signature_call_shape": (
        "f = tf.function(lambda x: x, input_signature=[tf.TensorSpec([2], tf.float32)])\n"
        "out = f(tf.ones([3]))"
    ),
    "bad_input_signature_call_dtype": (
        "f = tf.function(lambda x: x, input_signature=[tf.TensorSpec([2], tf.float32)])\n"
        "out = f(tf.ones([2], tf.int32))"
    ),
}


def all_cases() -> dict[str, str]:
    """Every case as name -> code."""
    return dict(CASES)


def _run(tf, code: str) -> dict:
    import linecache

    from tf_golden_util import run_case  # tests/ is on sys.path (family)

    # AutoGraph reads a function's source to convert `if tensor:`; the case's code has no
    # file, so its lines are put where inspect finds them.
    linecache.cache["<golden case>"] = (len(code), None, code.splitlines(True), "<golden case>")
    return run_case(code, tf)


def main() -> None:
    """Records every case under TensorFlow (or, with --verify, replays the written file)."""
    record_code_cases(OUTPUT, __file__, all_cases(), _run)


if __name__ == "__main__":
    main()
