"""`tf.executing_eagerly()` inside and around `tf.function` bodies.

Every expectation was observed on TF 2.21 (a body printing `tf.executing_eagerly()` in each
context: `trace False`, `init True`, `pyf True`, `jit False`; and True everywhere under
`tf.config.run_functions_eagerly(True)`).
"""

import threading

import tapeflow as tf


def _probe(jit_compile=None):
    seen = []

    def body(x):
        seen.append(("body", tf.executing_eagerly()))
        with tf.init_scope():
            seen.append(("init_scope", tf.executing_eagerly()))
        seen.append(("after_init_scope", tf.executing_eagerly()))

        def func(a):
            seen.append(("py_function", tf.executing_eagerly()))
            return a

        tf.py_function(func, [x], tf.float32)
        seen.append(("after_py_function", tf.executing_eagerly()))
        return x * 2.0

    return tf.function(body, jit_compile=jit_compile), seen


_INSIDE = [
    ("body", False),
    ("init_scope", True),
    ("after_init_scope", False),
    ("py_function", True),
    ("after_py_function", False),
]


def test_executing_eagerly_is_true_outside_functions():
    assert tf.executing_eagerly() is True


def test_executing_eagerly_is_false_in_a_function_body_true_in_init_scope_and_py_function():
    f, seen = _probe()
    f(tf.constant(1.0))
    assert seen == _INSIDE
    assert tf.executing_eagerly() is True


def test_executing_eagerly_is_false_while_a_jit_compile_function_traces():
    f, seen = _probe(jit_compile=True)
    f(tf.constant(1.0))
    assert seen[:3] == _INSIDE[:3]
    assert tf.executing_eagerly() is True


def test_executing_eagerly_inside_nested_functions_and_under_a_tape():
    seen = []

    @tf.function
    def inner(x):
        seen.append(tf.executing_eagerly())
        return x + 1.0

    @tf.function
    def outer(x):
        y = inner(x)
        seen.append(tf.executing_eagerly())
        return y

    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = outer(x)
    assert seen == [False, False]
    assert float(tape.gradient(y, x)) == 1.0
    assert tf.executing_eagerly() is True


def test_executing_eagerly_is_true_in_functions_run_eagerly():
    f, seen = _probe()
    tf.config.run_functions_eagerly(True)
    try:
        f(tf.constant(1.0))
    finally:
        tf.config.run_functions_eagerly(False)
    assert all(eager for _, eager in seen)


def test_executing_eagerly_is_restored_when_the_body_raises():
    @tf.function
    def bad(x):
        with tf.init_scope():
            raise ValueError("boom")

    try:
        bad(tf.constant(1.0))
    except ValueError:
        pass
    assert tf.executing_eagerly() is True


def test_executing_eagerly_is_per_thread():
    entered, release, seen = threading.Event(), threading.Event(), []

    @tf.function
    def blocked(x):
        entered.set()
        release.wait(5)
        return x

    worker = threading.Thread(target=blocked, args=(tf.constant(1.0),))
    worker.start()
    entered.wait(5)
    seen.append(tf.executing_eagerly())
    release.set()
    worker.join()
    assert seen == [True]
