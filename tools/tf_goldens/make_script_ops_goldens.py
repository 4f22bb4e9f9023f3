"""Generates tests/data/tf_script_ops_goldens.json: tf.py_function and tf.numpy_function.

Usage (TensorFlow lives in its own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_script_ops_goldens.py
    /work/tfvenv/bin/python tools/tf_goldens/make_script_ops_goldens.py --verify

Each case is literal code with ``tf`` and ``np`` predefined (and PRELUDE's helpers) that
leaves its result in ``out``; tests/test_script_ops.py replays every case with tapeflow and
compares values, dtypes, reprs, printed output, warnings and exception classes and messages
(tf_golden_util.compare_results). ``--verify`` replays the written file with TF itself.

Covered: the docstring examples of both API pages (those that print inside a tf.function are
left to tests/test_script_ops.py: tapeflow's tf.function runs Python bodies on every call),
Tout forms, TF's zip of results with Tout, the error texts and classes, exceptions raised by
the function (the class TF maps each to, the message's first and last lines: the traceback
between names TF's own frames), gradients (inp only, captured variables, second order, a
call's gradient taken twice), forward mode, nested structures and numpy_function's warts.
A dict as `inp` is left out: TF iterates its keys into string tensors, which tapeflow lacks.
"""

from __future__ import annotations

from family import DATA, record_code_cases

OUTPUT = DATA / "tf_script_ops_goldens.json"

# Kernel errors carry a traceback of the library's own frames and a per-process call
# counter ("pyfunc_7"): `kernel_error` keeps the class, the first line and the last.
PRELUDE = (
    "import re\n"
    "def kernel_error(call):\n"
    "    try:\n"
    "        call()\n"
    "    except Exception as e:\n"
    "        text = re.sub(r'pyfunc_\\d+', 'pyfunc_N', str(e))\n"
    "        text = re.sub(r'\\s*name: ?\\S*\\s*$', '', text)\n"
    "        text = re.sub(r'\\{\\{function_node [^}]*\\}\\} ', '', text)\n"
    "        head = text.split('\\n', 1)[0]\n"
    "        lines = [line for line in text.splitlines() if line.strip()]\n"
    "        return [type(e).__name__, head, lines[-2:]]\n"
    "    return 'no error'\n"
)

CASES = {
    # -- tf.py_function: docstring examples ----------------------------------------------------
    "py_doc_decorator": (
        "@tf.py_function(Tout=tf.float32)\n"
        "def py_log_huber(x, m):\n"
        "    print('Running with eager execution.')\n"
        "    if tf.abs(x) <= m:\n"
        "        return x**2\n"
        "    else:\n"
        "        return m**2 * (1 - 2 * tf.math.log(m) + tf.math.log(x**2))\n"
        "x = tf.constant(1.0)\n"
        "m = tf.constant(2.0)\n"
        "print(py_log_huber(x, m).numpy())\n"
        "out = py_log_huber(tf.constant(3.0), m)"
    ),
    "py_doc_gradient": (
        "@tf.py_function(Tout=tf.float32)\n"
        "def py_log_huber(x, m):\n"
        "    if tf.abs(x) <= m:\n"
        "        return x**2\n"
        "    else:\n"
        "        return m**2 * (1 - 2 * tf.math.log(m) + tf.math.log(x**2))\n"
        "@tf.function\n"
        "def tf_wrapper(x):\n"
        "    m = tf.constant(2.0)\n"
        "    return py_log_huber(x, m)\n"
        "x = tf.constant(1.0)\n"
        "print(tf_wrapper(x).numpy())\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf_wrapper(x)\n"
        "out = t.gradient(y, x)"
    ),
    "py_doc_no_decorator": (
        "def log_huber(x, m):\n"
        "    if tf.abs(x) <= m:\n"
        "        return x**2\n"
        "    else:\n"
        "        return m**2 * (1 - 2 * tf.math.log(m) + tf.math.log(x**2))\n"
        "x = tf.constant(1.0)\n"
        "m = tf.constant(2.0)\n"
        "out = tf.py_function(func=log_huber, inp=[x, m], Tout=tf.float32).numpy()"
    ),
    # -- Tout forms and the zip of results with Tout -------------------------------------------
    "py_tout_list": (
        "out = tf.py_function(lambda a, b: (a + b, a * b), [1.0, 2.0], [tf.float32, tf.float32])"
    ),
    "py_tout_tuple": (
        "out = tf.py_function(lambda a: [a, a + 1], [tf.constant([1, 2])], (tf.int32, tf.int32))"
    ),
    "py_tout_list_of_one": "out = tf.py_function(lambda a: a * 2, [3.0], [tf.float32])",
    "py_tout_tensor_spec": (
        "out = tf.py_function(lambda a: a * 2, [np.float64(3.0)], tf.TensorSpec(None, tf.float64))"
    ),
    "py_tout_empty_none_result": (
        "calls = []\n"
        "out = tf.py_function(lambda a: calls.append(float(a)), [3.0], [])\n"
        "print(calls)"
    ),
    "py_tuple_result_single_tout_is_truncated": (
        "out = tf.py_function(lambda a: (a, a + 1, a + 2), [1.0], tf.float32)"
    ),
    "py_list_result_longer_than_tout_is_truncated": (
        "out = tf.py_function(lambda a: [a, a + 1, a + 2], [1.0], [tf.float32, tf.float32])"
    ),
    "py_numpy_result_converted_to_tout": (
        "out = tf.py_function(lambda a: np.array([1.5, 2.5]), [1.0], tf.float64)"
    ),
    "py_python_result_converted_to_tout": ("out = tf.py_function(lambda a: 7, [1.0], tf.int64)"),
    "py_inputs_are_tensors": (
        "seen = []\n"
        "def f(a, b, c):\n"
        "    seen.extend([type(a).__name__, a.dtype.name, b.dtype.name, c.dtype.name])\n"
        "    return a\n"
        "v = tf.Variable([1.0, 2.0])\n"
        "tf.py_function(f, [v, 2, np.float64(3.0)], tf.float32)\n"
        "out = seen"
    ),
    "py_nested_list_input_becomes_a_tensor": (
        "out = tf.py_function(lambda a: a * 2, [[[1.0, 2.0], [3.0, 4.0]]], tf.float32)"
    ),
    "py_inp_tuple_of_tensors_in_a_list": (
        "out = tf.py_function(lambda a: a * 2, [(tf.constant(1.0), tf.constant(2.0))], tf.float32)"
    ),
    "py_inp_tuple": "out = tf.py_function(lambda a, b: a - b, (5.0, 2.0), tf.float32)",
    "py_inp_generator": (
        "out = tf.py_function(lambda a, b: a * b, (x for x in [2.0, 3.0]), tf.float32)"
    ),
    "py_inp_ragged_list": "out = tf.py_function(lambda a: a, [[[1.0], [2.0, 3.0]]], tf.float32)",
    "py_nested_result_converted": (
        "out = tf.py_function(lambda a: [a, [a, a * 2]], [1.0], [tf.float32, tf.float32])"
    ),
    "py_tensor_inp_is_iterated": (
        "out = tf.py_function(lambda a, b: a + b, tf.constant([1.0, 2.0]), tf.float32)"
    ),
    # -- errors ---------------------------------------------------------------------------------
    "py_missing_tout": "out = tf.py_function(lambda a: a, [1.0])",
    "py_decorator_missing_tout": ("@tf.py_function\ndef f(a):\n    return a"),
    "py_missing_inp": "out = tf.py_function(lambda a: a, Tout=tf.float32)",
    "py_decorator_with_inp": "out = tf.py_function(inp=[1.0], Tout=tf.float32)",
    "py_not_callable": "out = tf.py_function(3, [1.0], tf.float32)",
    "py_nested_tout": (
        "out = tf.py_function(lambda a: [a, [a, a]], [1.0], [tf.float32, [tf.float32]])"
    ),
    "py_dict_tout": "out = tf.py_function(lambda a: a, [1.0], {'a': tf.float32})",
    "py_too_few_results": (
        "out = kernel_error(lambda: tf.py_function(lambda a: (a, a), [1.0], [tf.float32] * 3))"
    ),
    "py_none_result_with_tout": (
        "out = kernel_error(lambda: tf.py_function(lambda a: None, [1.0], tf.float32))"
    ),
    "py_value_error": (
        "def f(a):\n"
        "    raise ValueError('bad value')\n"
        "out = kernel_error(lambda: tf.py_function(f, [1.0], tf.float32))"
    ),
    "py_type_error": (
        "def f(a):\n"
        "    raise TypeError('bad type')\n"
        "out = kernel_error(lambda: tf.py_function(f, [1.0], tf.float32))"
    ),
    "py_stop_iteration": (
        "def f(a):\n"
        "    raise StopIteration('done')\n"
        "out = kernel_error(lambda: tf.py_function(f, [1.0], tf.float32))"
    ),
    "py_memory_error": (
        "def f(a):\n"
        "    raise MemoryError('full')\n"
        "out = kernel_error(lambda: tf.py_function(f, [1.0], tf.float32))"
    ),
    "py_not_implemented": (
        "def f(a):\n"
        "    raise NotImplementedError('later')\n"
        "out = kernel_error(lambda: tf.py_function(f, [1.0], tf.float32))"
    ),
    "py_key_error": (
        "def f(a):\n"
        "    return {}['k']\n"
        "out = kernel_error(lambda: tf.py_function(f, [1.0], tf.float32))"
    ),
    "py_zero_division": (
        "def f(a):\n"
        "    return 1 / 0\n"
        "out = kernel_error(lambda: tf.py_function(f, [1.0], tf.float32))"
    ),
    "py_result_not_convertible": (
        "out = kernel_error(lambda: tf.py_function(lambda a: 'text', [1.0], tf.float32))"
    ),
    "py_tout_mismatch_in_tuple": (
        "f = lambda a: [a, a + 1]\n"
        "out = kernel_error(lambda: tf.py_function(f, [tf.constant([1, 2])], (tf.int32, tf.int64)))"
    ),
    "py_tout_spec_mismatch": (
        "spec = tf.TensorSpec([], tf.float64)\n"
        "out = kernel_error(lambda: tf.py_function(lambda a: a, [3.0], spec))"
    ),
    "py_result_wrong_dtype_tensor": (
        "out = kernel_error(lambda: tf.py_function(lambda a: tf.constant(1), [1.0], tf.float32))"
    ),
    "py_returns_a_variable": (
        "v = tf.Variable(1.0)\n"
        "out = kernel_error(lambda: tf.py_function(lambda a: v, [1.0], tf.float32))"
    ),
    "py_error_inside_tape": (
        "x = tf.constant(1.0)\n"
        "def f(a):\n"
        "    raise ValueError('taped')\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    out = kernel_error(lambda: tf.py_function(f, [x], tf.float32))"
    ),
    # -- gradients ------------------------------------------------------------------------------
    "py_gradient_to_inp": (
        "x = tf.constant([1.0, 2.0])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.py_function(lambda a: a * a * a, [x], tf.float32)\n"
        "    z = tf.reduce_sum(y * 2.0)\n"
        "out = t.gradient(z, x)"
    ),
    "py_gradient_two_inputs_two_outputs": (
        "x, w = tf.constant(3.0), tf.constant(2.0)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch([x, w])\n"
        "    a, b = tf.py_function(lambda p, q: (p * q, p + q * q), [x, w], [tf.float32] * 2)\n"
        "    z = a + 10.0 * b\n"
        "out = t.gradient(z, [x, w])"
    ),
    "py_gradient_of_one_output": (
        "x = tf.constant(3.0)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    a, b = tf.py_function(lambda p: (p * p, p * 5.0), [x], [tf.float32] * 2)\n"
        "out = t.gradient(b, x)"
    ),
    "py_gradient_unused_input_is_zero": (
        "x, w = tf.constant(3.0), tf.constant([1.0, 2.0])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch([x, w])\n"
        "    y = tf.py_function(lambda p, q: p * 2.0, [x, w], tf.float32)\n"
        "out = t.gradient(y, [x, w])"
    ),
    "py_gradient_variable_in_inp": (
        "v = tf.Variable(3.0)\n"
        "with tf.GradientTape() as t:\n"
        "    y = tf.py_function(lambda a: a * a, [v], tf.float32)\n"
        "out = t.gradient(y, v)"
    ),
    "py_gradient_captured_variable_is_none": (
        "v = tf.Variable(3.0)\n"
        "x = tf.constant(2.0)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.py_function(lambda a: a * v, [x], tf.float32)\n"
        "out = t.gradient(y, [x, v])"
    ),
    "py_gradient_captured_tensor_is_none": (
        "x, c = tf.constant(2.0), tf.constant(5.0)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch([x, c])\n"
        "    y = tf.py_function(lambda a: a * c, [x], tf.float32)\n"
        "out = t.gradient(y, [x, c])"
    ),
    "py_gradient_not_watched_is_none": (
        "x = tf.constant(2.0)\n"
        "with tf.GradientTape() as t:\n"
        "    y = tf.py_function(lambda a: a * a, [x], tf.float32)\n"
        "out = t.gradient(y, x)"
    ),
    "py_second_order_is_none": (
        "x = tf.constant(3.0)\n"
        "with tf.GradientTape() as t2:\n"
        "    t2.watch(x)\n"
        "    with tf.GradientTape() as t1:\n"
        "        t1.watch(x)\n"
        "        y = tf.py_function(lambda a: a * a * a, [x], tf.float32)\n"
        "    g = t1.gradient(y, x)\n"
        "out = [g, t2.gradient(g, x)]"
    ),
    "py_gradient_twice_persistent": (
        "x = tf.constant(3.0)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.py_function(lambda a: a * a, [x], tf.float32)\n"
        "first = t.gradient(y, x)\n"
        "def second():\n"
        "    return t.gradient(y, x)\n"
        "out = [first, kernel_error(second)]"
    ),
    "py_gradient_integer_input": (
        "x = tf.constant(3.0)\n"
        "n = tf.constant(2)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.py_function(lambda a, k: a * tf.cast(k, tf.float32), [x, n], tf.float32)\n"
        "out = kernel_error(lambda: t.gradient(y, x))"
    ),
    "py_gradient_int_output_ignored": (
        "x = tf.constant(3.0)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    f = lambda p: (p * p, tf.constant(4))\n"
        "    a, k = tf.py_function(f, [x], [tf.float32, tf.int32])\n"
        "out = t.gradient(a, x)"
    ),
    "py_gradient_output_gradients": (
        "x = tf.constant([1.0, 2.0])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.py_function(lambda a: a * a, [x], tf.float32)\n"
        "out = t.gradient(y, x, output_gradients=tf.constant([10.0, 100.0]))"
    ),
    "py_gradient_through_numpy_inside_is_none": (
        "x = tf.constant(2.0)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.py_function(lambda a: a.numpy() * 3.0, [x], tf.float32)\n"
        "out = t.gradient(y, x)"
    ),
    "py_jacobian": (
        "x = tf.constant([1.0, 2.0, 3.0])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.py_function(lambda a: a * a, [x], tf.float32)\n"
        "out = kernel_error(lambda: t.jacobian(y, x, experimental_use_pfor=False))"
    ),
    "py_forward_accumulator": (
        "x = tf.constant([1.0, 2.0])\n"
        "with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 10.0])) as acc:\n"
        "    y = tf.py_function(lambda a: a * a * a, [x], tf.float32)\n"
        "out = acc.jvp(y)"
    ),
    "py_accumulator_inside_tape_uses_up_the_call": (
        "x = tf.constant([1.0, 2.0])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 10.0])) as acc:\n"
        "        y = tf.py_function(lambda a: a * a * a, [x], tf.float32)\n"
        "    jvp = acc.jvp(y)\n"
        "out = [jvp, kernel_error(lambda: t.gradient(y, x))]"
    ),
    "py_tape_inside_accumulator_uses_up_the_call": (
        "x = tf.constant([1.0, 2.0])\n"
        "with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:\n"
        "    with tf.GradientTape() as t:\n"
        "        t.watch(x)\n"
        "        y = tf.py_function(lambda a: a * a * a, [x], tf.float32)\n"
        "    out = [acc.jvp(y), kernel_error(lambda: t.gradient(y, x))]"
    ),
    "py_nested_py_function_gradient": (
        "x = tf.constant(2.0)\n"
        "def outer(a):\n"
        "    return tf.py_function(lambda b: b * b, [a], tf.float32) * a\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.py_function(outer, [x], tf.float32)\n"
        "out = t.gradient(y, x)"
    ),
    "py_decorator_gradient": (
        "@tf.py_function(Tout=[tf.float32, tf.float32])\n"
        "def f(a, b):\n"
        "    return a * b, a - b\n"
        "x, w = tf.constant(2.0), tf.constant(5.0)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch([x, w])\n"
        "    p, q = f(x, w)\n"
        "    z = p * q\n"
        "out = [p, q, t.gradient(z, [x, w])]"
    ),
    "py_in_tf_function_gradient_inside": (
        "@tf.function\n"
        "def g(x):\n"
        "    with tf.GradientTape() as t:\n"
        "        t.watch(x)\n"
        "        y = tf.py_function(lambda a: tf.sin(a), [x], tf.float32)\n"
        "    return t.gradient(y, x)\n"
        "out = [g(tf.constant(0.5)), g(tf.constant(1.0))]"
    ),
    "py_in_tf_function_values": (
        "@tf.function\n"
        "def g(x):\n"
        "    return tf.py_function(lambda a: a.numpy() * 2 + 1, [x], tf.float32)\n"
        "out = [g(tf.constant(1.0)), g(tf.constant(5.0))]"
    ),
    "py_in_tf_function_reads_variable": (
        "v = tf.Variable(1.0)\n"
        "@tf.function\n"
        "def g(x):\n"
        "    return tf.py_function(lambda a: a + v, [x], tf.float32)\n"
        "first = g(tf.constant(1.0))\n"
        "v.assign(10.0)\n"
        "out = [first, g(tf.constant(1.0))]"
    ),
    # -- tf.numpy_function: docstring examples -------------------------------------------------
    "np_doc_inplace": (
        "def fn_using_numpy(x):\n"
        "    x[0] = 0.\n"
        "    return x\n"
        "x = tf.constant([1., 2.])\n"
        "out = [tf.numpy_function(fn_using_numpy, inp=[x], Tout=tf.float32), x]"
    ),
    "np_doc_decorator": (
        "@tf.numpy_function(Tout=tf.float32)\n"
        "def my_numpy_func(x):\n"
        "    print(f'executing eagerly, {x=}')\n"
        "    return np.sinh(x)\n"
        "out = my_numpy_func(1.0).numpy()"
    ),
    "np_doc_in_tf_function": (
        "@tf.numpy_function(Tout=tf.float32)\n"
        "def my_numpy_func(x):\n"
        "    return np.sinh(x)\n"
        "@tf.function(input_signature=[tf.TensorSpec(None, tf.float32)])\n"
        "def tf_function(input):\n"
        "    y = tf.numpy_function(my_numpy_func, [input], tf.float32)\n"
        "    return y\n"
        "out = tf_function(tf.constant(1.)).numpy()"
    ),
    "np_doc_plain": (
        "def my_func(x):\n"
        "    print(f'executing eagerly, {x=}')\n"
        "    return np.sinh(x)\n"
        "out = tf.numpy_function(my_func, [tf.constant(1.0)], tf.float32)"
    ),
    # -- tf.numpy_function: eager warts ---------------------------------------------------------
    "np_tout_ignored_float64": (
        "out = tf.numpy_function(lambda a: a * np.float64(2.0), [np.float64(1.5)], tf.float32)"
    ),
    "np_tout_ignored_python_float": ("out = tf.numpy_function(lambda a: 2.5, [1.0], tf.float32)"),
    "np_tout_ignored_int": "out = tf.numpy_function(lambda a: a.astype(np.int64), [1.0], tf.int32)",
    "np_several_results": (
        "out = tf.numpy_function(lambda a: (a, a * 2), [np.float32(1.0)], [tf.float32] * 2)"
    ),
    "np_one_result_list_tout": "out = tf.numpy_function(lambda a: a, [1.0], [tf.float32])",
    "np_list_of_one_result": "out = tf.numpy_function(lambda a: [a], [1.0], [tf.float32])",
    "np_none_result": "out = tf.numpy_function(lambda a: None, [1.0], [])",
    "np_none_in_results": (
        "out = tf.numpy_function(lambda a: (a, None), [1.0], [tf.float32, tf.float32])"
    ),
    "np_dict_result": (
        "out = tf.numpy_function(lambda a: {'b': a * 2, 'a': a}, [1.0], [tf.float32] * 2)"
    ),
    "np_nested_results_flattened": (
        "out = tf.numpy_function(lambda a: ((a, a + 1), [a * 2]), [1.0], [tf.float32] * 3)"
    ),
    "np_nested_dict_results": (
        "out = tf.numpy_function(lambda a: {'z': (a,), 'a': {'m': a + 1}}, [2.0], [tf.float32] * 2)"
    ),
    "np_tuple_inp": "out = tf.numpy_function(lambda a, b: a + b, (1.0, 2.0), tf.float32)",
    "np_inputs_are_arrays": (
        "seen = []\n"
        "def f(a, b):\n"
        "    seen.extend([type(a).__name__, str(a.dtype), type(b).__name__, str(b.dtype)])\n"
        "    return a\n"
        "tf.numpy_function(f, [tf.constant([1.0]), 3], tf.float32)\n"
        "out = seen"
    ),
    "np_exception_is_not_wrapped": (
        "def f(a):\n    raise ValueError('plain')\nout = tf.numpy_function(f, [1.0], tf.float32)"
    ),
    "np_missing_tout": "out = tf.numpy_function(lambda a: a, [1.0])",
    "np_missing_inp": "out = tf.numpy_function(lambda a: a, Tout=tf.float32)",
    "np_gradient_is_none": (
        "x = tf.constant(2.0)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.numpy_function(lambda a: a * a, [x], tf.float32)\n"
        "out = [y, t.gradient(y, x)]"
    ),
    "np_stateful_false": (
        "out = tf.numpy_function(lambda a: a + 1, [np.int32(1)], tf.int32, stateful=False)"
    ),
    "np_in_tf_function_tout_is_checked": (
        "@tf.function\n"
        "def g(x):\n"
        "    return tf.numpy_function(lambda a: a * 2, [x], tf.float32)\n"
        "out = g(tf.constant(1.5))"
    ),
    "names": "out = [tf.py_function.__name__, tf.numpy_function.__name__]",
}


def all_cases() -> dict[str, str]:
    """Every case as name -> code (PRELUDE first)."""
    return {name: PRELUDE + code for name, code in CASES.items()}


def _run(tf, code: str) -> dict:
    """One case under TF, its source registered where `inspect` looks (so AutoGraph reads
    the tf.function bodies as in a file); AutoGraph's own warnings are dropped."""
    import linecache

    from tf_golden_util import run_case  # tests/ is on sys.path (family)

    lines = code.splitlines(keepends=True)
    linecache.cache["<golden case>"] = (len(code), None, lines, "<golden case>")
    try:
        result = run_case(code, tf)
    finally:
        del linecache.cache["<golden case>"]
    noise = "WARNING: AutoGraph could not transform"
    result["warnings"] = [w for w in result["warnings"] if not w.startswith(noise)]
    return result


def main() -> None:
    """Records every case under TensorFlow (or, with --verify, replays the written file)."""
    record_code_cases(OUTPUT, __file__, all_cases(), _run)


if __name__ == "__main__":
    main()
