"""Generates tests/data/tf_control_flow_goldens.json: TF's functional control flow, run for real.

Usage (TensorFlow lives in its own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_control_flow_goldens.py
    /work/tfvenv/bin/python tools/tf_goldens/make_control_flow_goldens.py --verify

Each case is literal code with ``tf`` and ``np`` predefined that leaves its result in ``out``
(printing is recorded too); tests/test_control_flow_goldens.py replays every case with
tapeflow and compares values, dtypes, reprs, stdout, logged warnings and exception classes
and messages (tf_golden_util.compare_results). Cases in ISOLATED run in a fresh interpreter:
TF logs their warnings only once per process. ``--verify`` replays the written file with TF
itself, which must match it exactly (the harness is self-consistent).

Covered: the docstring examples of tf.cond, tf.while_loop, tf.map_fn and tf.TensorArray and
the code examples of tf.case, tf.switch_case, tf.scan, tf.foldl and tf.foldr (those of map_fn
with strings, ragged and sparse tensors are left out: tapeflow has none), TF's eager semantics
of each construct (what runs, what comes back, Python values left as they are), gradients
through each (first and second order, persistent tapes, jacobian, ForwardAccumulator), nested
constructs, and misuse errors.

Recording details: a case's source is registered with `linecache`, so that TF's AutoGraph
converts the tf.function examples as it would in a file; AutoGraph's own warnings and the
retracing warnings of jacobian's pfor are dropped from TF's results (`_TF_NOISE`: tapeflow has
neither). TF's ShouldUseWrapper (what `TensorArray.write` returns: an "Object was never used"
error is logged when it is dropped unused) is kept out of the cases.
"""

from __future__ import annotations

from family import DATA, record_or_verify

OUTPUT = DATA / "tf_control_flow_goldens.json"


CASES = {
    # -- tf.cond: docstring examples -----------------------------------------------------------
    "cond_doc_autograph": (
        "@tf.function\n"
        "def fun1(x, y):\n"
        "    if x > 0:\n"
        "        z = y + 1\n"
        "    else:\n"
        "        z = y - 1\n"
        "    return z\n"
        "print(fun1(tf.constant(7), tf.constant(3)).numpy())"
    ),
    "cond_doc_explicit": (
        "@tf.function\n"
        "def fun1(x, y):\n"
        "    if x > 0:\n"
        "        z = y + 1\n"
        "    else:\n"
        "        z = y - 1\n"
        "    return z\n"
        "@tf.function\n"
        "def fun2(x, y):\n"
        "    pred = x > 0\n"
        "    true_fn = lambda: y + 1\n"
        "    false_fn = lambda: y - 1\n"
        "    return tf.cond(pred, true_fn, false_fn)\n"
        "print(fun1(tf.constant(7), tf.constant(3)).numpy())\n"
        "out = fun2(tf.constant(-7), tf.constant(3))"
    ),
    "cond_doc_warning": (
        "x, y = tf.constant(2, dtype=tf.int32), tf.constant(4, dtype=tf.int32)\n"
        "z = tf.multiply(x, y)\n"
        "r = tf.cond(x < y, lambda: tf.add(x, z), lambda: tf.square(y))\n"
        "print(r.numpy())"
    ),
    "cond_doc_example": (
        "x = tf.constant(2)\n"
        "y = tf.constant(5)\n"
        "def f1(): return tf.multiply(x, 7)\n"
        "def f2(): return tf.add(y, 3)\n"
        "r = tf.cond(tf.less(x, y), f1, f2)\n"
        "print(r.numpy())"
    ),
    # -- tf.cond: eager semantics and errors ---------------------------------------------------
    "cond_python_bool": "out = tf.cond(False, lambda: tf.constant(1.0), lambda: tf.constant(2.0))",
    "cond_runs_one_branch": (
        "def f(name, v):\n"
        "    print('running', name)\n"
        "    return tf.constant(v)\n"
        "out = tf.cond(tf.constant(True), lambda: f('true', 1), lambda: f('false', 2))"
    ),
    "cond_float_pred": (
        "out = [tf.cond(tf.constant(p), lambda: 1, lambda: 2) for p in [1.5, 0.0, -0.0]]"
    ),
    "cond_int_pred": "out = [tf.cond(p, lambda: 'yes', lambda: 'no') for p in [3, 0, np.int64(2)]]",
    "cond_numpy_pred": (
        "out = [tf.cond(np.bool_(False), lambda: 1, lambda: 2), tf.cond(np.array([[True]]), "
        "lambda: 1, lambda: 2)]"
    ),
    "cond_variable_pred": "out = tf.cond(tf.Variable(True), lambda: 'yes', lambda: 'no')",
    "cond_vector_pred": "out = tf.cond(tf.constant([True, False]), lambda: 1, lambda: 2)",
    "cond_one_element_pred": "out = tf.cond(tf.constant([False]), lambda: 1, lambda: 2)",
    "cond_empty_pred": "out = tf.cond(tf.constant([], tf.bool), lambda: 1, lambda: 2)",
    "cond_none_pred": "out = tf.cond(None, lambda: 1, lambda: 2)",
    "cond_missing_true_fn": "out = tf.cond(True)",
    "cond_missing_false_fn": "out = tf.cond(True, lambda: 1)",
    "cond_true_fn_not_callable": "out = tf.cond(True, tf.constant(1), lambda: 2)",
    "cond_false_fn_not_callable": "out = tf.cond(True, lambda: 1, 2)",
    "cond_checks_fns_before_pred": "out = tf.cond(None, lambda: 1, 2)",
    "cond_branch_structures_differ": (
        "out = [tf.cond(p, lambda: (tf.constant(1), tf.constant(2)), lambda: tf.constant(3)) "
        "for p in [True, False]]"
    ),
    "cond_singleton_list_kept": "out = tf.cond(True, lambda: [tf.constant(1.0)], lambda: 2.0)",
    "cond_returns_python_and_none": (
        "out = [tf.cond(True, lambda: None, lambda: 1), tf.cond(False, lambda: None, lambda: "
        "{'a': 1})]"
    ),
    "cond_keywords_and_name": (
        "out = tf.cond(pred=tf.constant(False), true_fn=lambda: 1, false_fn=lambda: "
        "tf.constant(2), name='my cond')"
    ),
    "cond_branch_error_propagates": (
        "out = tf.cond(True, lambda: tf.constant(1) + tf.constant(1.0), lambda: 2)"
    ),
    # -- tf.case -------------------------------------------------------------------------------
    "case_doc_example1": (
        "x, y = tf.constant(1), tf.constant(2)\n"
        "f1 = lambda: tf.constant(17)\n"
        "f2 = lambda: tf.constant(23)\n"
        "out = [tf.case([(tf.less(x, y), f1)], default=f2), tf.case([(tf.less(y, x), f1)], "
        "default=f2)]"
    ),
    "case_doc_example2_exclusive_error": (
        "x, y, z = tf.constant(1), tf.constant(2), tf.constant(0)\n"
        "def f1(): return tf.constant(17)\n"
        "def f2(): return tf.constant(23)\n"
        "def f3(): return tf.constant(-1)\n"
        "out = tf.case([(tf.less(x, y), f1), (tf.greater(x, z), f2)], default=f3, "
        "exclusive=True)"
    ),
    "case_doc_example2_exclusive_one": (
        "x, y, z = tf.constant(1), tf.constant(2), tf.constant(3)\n"
        "def f1(): return tf.constant(17)\n"
        "def f2(): return tf.constant(23)\n"
        "def f3(): return tf.constant(-1)\n"
        "out = [tf.case([(tf.less(x, y), f1), (tf.greater(x, z), f2)], default=f3, "
        "exclusive=True), tf.case([(tf.less(y, x), f1), (tf.greater(x, z), f2)], default=f3, "
        "exclusive=True)]"
    ),
    "case_first_true_wins": (
        "t, f = tf.constant(True), tf.constant(False)\n"
        "out = [tf.case([(f, lambda: 1), (t, lambda: 2), (t, lambda: 3)], default=lambda: 4), "
        "tf.case([(t, lambda: 1), (t, lambda: 2)], default=lambda: 4)]"
    ),
    "case_runs_only_the_chosen_fn": (
        "t, f = tf.constant(True), tf.constant(False)\n"
        "def fn(k):\n"
        "    def run():\n"
        "        print('fn', k)\n"
        "        return tf.constant(k)\n"
        "    return run\n"
        "out = tf.case([(f, fn(1)), (t, fn(2)), (t, fn(3))], default=fn(4))"
    ),
    "case_no_default_last_is_default": (
        "t, f = tf.constant(True), tf.constant(False)\n"
        "out = [tf.case([(f, lambda: 1), (t, lambda: 2)]), tf.case([(t, lambda: 1)])]"
    ),
    "case_no_default_none_true": (
        "f = tf.constant(False)\nout = tf.case([(f, lambda: 1), (f, lambda: 2), (f, lambda: 3)])"
    ),
    "case_no_default_single_false": "out = tf.case([(tf.constant(False), lambda: 1)])",
    "case_exclusive_no_default_checks_others": (
        "t = tf.constant(True)\n"
        "out = [tf.case([(t, lambda: 1), (t, lambda: 2)], exclusive=True)]\n"
        "out.append(tf.case([(t, lambda: 1), (t, lambda: 2), (t, lambda: 3)], exclusive=True))"
    ),
    "case_exclusive_three_true": (
        "t = tf.constant(True)\n"
        "out = tf.case([(t, lambda: 1), (t, lambda: 2), (t, lambda: 3)], default=lambda: 4, "
        "exclusive=True)"
    ),
    "case_exclusive_shapes_differ": (
        "out = tf.case([(tf.constant([True, True]), lambda: 1), (tf.constant(True), lambda: "
        "2)], default=lambda: 3, exclusive=True)"
    ),
    "case_singletons_unpacked_unless_strict": (
        "t = tf.constant(True)\n"
        "out = [tf.case([(t, lambda: [tf.constant(1)])], default=lambda: 2), tf.case([(t, "
        "lambda: [tf.constant(1)])], default=lambda: 2, strict=True)]"
    ),
    "case_tuple_of_pairs": "out = tf.case(((tf.constant(True), lambda: 1),), default=lambda: 2)",
    "case_python_bool_pred": "out = tf.case([(True, lambda: 1)], default=lambda: 2)",
    "case_variable_pred": "out = tf.case([(tf.Variable(True), lambda: 1)], default=lambda: 2)",
    "case_int_pred": "out = tf.case([(tf.constant(1), lambda: 1)], default=lambda: 2)",
    "case_fn_not_callable": "out = tf.case([(tf.constant(True), 3)], default=lambda: 2)",
    "case_default_not_callable": "out = tf.case([(tf.constant(True), lambda: 1)], default=3)",
    "case_not_a_list": "out = tf.case(3, default=lambda: 2)",
    "case_entry_not_a_pair": "out = tf.case([tf.constant(True)], default=lambda: 2)",
    "case_entry_a_list": "out = tf.case([[tf.constant(True), 1]], default=lambda: 2)",
    "case_empty": "out = tf.case([], default=lambda: 2)",
    "case_dict_not_exclusive": "out = tf.case({'p': lambda: 1}, default=lambda: 2)",
    "case_dict_exclusive": "out = tf.case({'p': lambda: 1}, default=lambda: 2, exclusive=True)",
    "case_vector_pred": (
        "out = tf.case([(tf.constant([True, False]), lambda: 1)], default=lambda: 2)"
    ),
    # -- tf.switch_case ------------------------------------------------------------------------
    "switch_case_doc_example": (
        "def f1(): return tf.constant(17)\n"
        "def f2(): return tf.constant(31)\n"
        "def f3(): return tf.constant(-1)\n"
        "out = [tf.switch_case(tf.constant(i), branch_fns={0: f1, 1: f2}, default=f3) for i in "
        "[0, 1, 2, -1, 7]]"
    ),
    "switch_case_list_out_of_range_runs_last": (
        "fns = [lambda: tf.constant(17), lambda: tf.constant(31)]\n"
        "out = [tf.switch_case(tf.constant(i), fns) for i in [0, 1, 2, -1, 100]]"
    ),
    "switch_case_pairs": (
        "fns = [(1, lambda: tf.constant(31)), (0, lambda: tf.constant(17))]\n"
        "out = [tf.switch_case(tf.constant(i), fns) for i in [0, 1, 5]]\n"
        "out.append(tf.switch_case(tf.constant(5), fns, default=lambda: tf.constant(-1)))"
    ),
    "switch_case_tuple_and_bool_keys": (
        "out = [tf.switch_case(tf.constant(0), (lambda: 1, lambda: 2)), "
        "tf.switch_case(tf.constant(1), {False: lambda: 1, True: lambda: 2})]"
    ),
    "switch_case_index_dtypes": (
        "fns = [lambda: 'zero', lambda: 'one']\n"
        "out = [tf.switch_case(tf.constant(1, d), fns) for d in [tf.int64, tf.uint8, "
        "tf.int16]]\n"
        "out.append(tf.switch_case(tf.constant(9, tf.int64), fns))"
    ),
    "switch_case_runs_one_branch": (
        "def fn(k):\n"
        "    def run():\n"
        "        print('branch', k)\n"
        "        return k\n"
        "    return run\n"
        "out = tf.switch_case(tf.constant(1), [fn(0), fn(1), fn(2)])"
    ),
    "switch_case_python_int_index": "out = tf.switch_case(1, [lambda: 1, lambda: 2])",
    "switch_case_numpy_int_index": "out = tf.switch_case(np.int32(1), [lambda: 1, lambda: 2])",
    "switch_case_float_index": "out = tf.switch_case(tf.constant(1.0), [lambda: 1, lambda: 2])",
    "switch_case_bool_index": "out = tf.switch_case(tf.constant(True), [lambda: 1, lambda: 2])",
    "switch_case_vector_index": "out = tf.switch_case(tf.constant([1]), [lambda: 1, lambda: 2])",
    "switch_case_empty": "out = tf.switch_case(tf.constant(1), [])",
    "switch_case_not_a_list": "out = tf.switch_case(tf.constant(1), lambda: 1)",
    "switch_case_mixed_entries": (
        "out = tf.switch_case(tf.constant(1), [lambda: 1, (1, lambda: 2)])"
    ),
    "switch_case_string_key": (
        "out = tf.switch_case(tf.constant(1), {0: lambda: 1, 'a': lambda: 2})"
    ),
    "switch_case_not_callable": "out = tf.switch_case(tf.constant(1), {0: lambda: 1, 1: 3})",
    "switch_case_gap_in_keys": "out = tf.switch_case(tf.constant(1), {0: lambda: 1, 2: lambda: 2})",
    "switch_case_duplicate_keys": (
        "out = tf.switch_case(tf.constant(1), [(0, lambda: 1), (0, lambda: 2)])"
    ),
    "switch_case_negative_key": (
        "out = tf.switch_case(tf.constant(1), {-1: lambda: 1, 0: lambda: 2})"
    ),
    "switch_case_default_not_callable": (
        "out = [tf.switch_case(tf.constant(0), [lambda: 1], default=3)]\n"
        "out.append(tf.switch_case(tf.constant(4), [lambda: 1], default=3))"
    ),
    "switch_case_structures": (
        "out = [tf.switch_case(tf.constant(i), [lambda: (1, 2), lambda: [3]]) for i in [0, 1]]"
    ),
    # -- tf.while_loop: docstring examples -----------------------------------------------------
    "while_loop_doc_autograph": (
        "@tf.function\n"
        "def sumSquare(n):\n"
        "    i, result = tf.constant(0), tf.constant(0)\n"
        "    while i < n:\n"
        "        result += i * i\n"
        "        i += 1\n"
        "    return result\n"
        "print(sumSquare(10).numpy())"
    ),
    "while_loop_doc_explicit": (
        "@tf.function\n"
        "def sumSquare2(n):\n"
        "    i, result = tf.constant(0), tf.constant(0)\n"
        "    c = lambda i, _: tf.less(i, n)\n"
        "    b = lambda i, result: (i + 1, result + i * i)\n"
        "    return tf.while_loop(c, b, [i, result])[1]\n"
        "print(sumSquare2(10).numpy())"
    ),
    "while_loop_doc_example": (
        "i = tf.constant(0)\n"
        "c = lambda i: tf.less(i, 10)\n"
        "b = lambda i: (tf.add(i, 1), )\n"
        "r = tf.while_loop(c, b, [i])[0]\n"
        "print(r.numpy())"
    ),
    "while_loop_doc_namedtuple": (
        "import collections\n"
        "Pair = collections.namedtuple('Pair', 'j, k')\n"
        "ijk_0 = (tf.constant(0), Pair(tf.constant(1), tf.constant(2)))\n"
        "c = lambda i, p: i < 10\n"
        "b = lambda i, p: (i + 1, Pair((p.j + p.k), (p.j - p.k)))\n"
        "ijk_final = tf.while_loop(c, b, ijk_0)[1]\n"
        "out = ijk_final[0].numpy().item(), ijk_final[1].numpy().item()"
    ),
    "while_loop_doc_shape_invariants": (
        "i0 = tf.constant(0)\n"
        "m0 = tf.ones([2, 2])\n"
        "c = lambda i, m: i < 10\n"
        "b = lambda i, m: [i+1, tf.concat([m, m], axis=0)]\n"
        "out = tf.while_loop(c, b, loop_vars=[i0, m0], shape_invariants=[i0.get_shape(), "
        "tf.TensorShape([None, 2])])[1]"
    ),
    # -- tf.while_loop: eager semantics --------------------------------------------------------
    "while_loop_same_structure_returned": (
        "i = tf.constant(0)\n"
        "c = lambda i: i < 3\n"
        "out = [tf.while_loop(c, lambda i: (i + 1,), [i]), tf.while_loop(c, lambda i: [i + 1], "
        "[i]), tf.while_loop(c, lambda i: [i + 1], (i,))]"
    ),
    "while_loop_never_runs_returns_loop_vars": (
        "out = [tf.while_loop(lambda i: i < 0, lambda i: 1, [tf.constant(5)]), "
        "tf.while_loop(lambda i, x: False, lambda i, x: 1, (0, np.array([1, 2])))]"
    ),
    "while_loop_two_vars": (
        "out = tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2.0), [0, "
        "tf.constant(1.0)])"
    ),
    "while_loop_python_values_stay_python": (
        "def body(i, x):\n"
        "    print(type(i).__name__, type(x).__name__)\n"
        "    return i + 1, x + 0.5\n"
        "out = tf.while_loop(lambda i, x: i < 2, body, (0, 1.0))"
    ),
    "while_loop_cond_and_body_calls": (
        "def cond(i):\n"
        "    print('cond', int(i))\n"
        "    return i < 2\n"
        "def body(i):\n"
        "    print('body', int(i))\n"
        "    return (i + 1,)\n"
        "out = tf.while_loop(cond, body, [tf.constant(0)])"
    ),
    "while_loop_nested_structure": (
        "out = tf.while_loop(lambda i, p: i < 3, lambda i, p: (i + 1, (p[1], p[0] + p[1])), "
        "(0, (tf.constant(0), tf.constant(1))))"
    ),
    "while_loop_namedtuple_loop_vars": (
        "import collections\n"
        "P = collections.namedtuple('P', 'j k')\n"
        "out = tf.while_loop(lambda j, k: j < 3, lambda j, k: P(j + 1, k * 2), P(0, "
        "tf.constant(1.0)))"
    ),
    "while_loop_dict_loop_var": (
        "out = tf.while_loop(lambda d: d['a'] < 3, lambda d: [{'a': d['a'] + 1, 'b': d['b'] * "
        "2.0}], [{'a': 0, 'b': tf.constant(1.0)}])"
    ),
    "while_loop_variable_loop_var": (
        "v = tf.Variable(1.0)\n"
        "out = tf.while_loop(lambda x: x < 5.0, lambda x: (x * 2.0,), [v])\n"
        "out = [out, v]"
    ),
    "while_loop_numpy_loop_var": (
        "out = tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a * 2), [0, np.array([1, "
        "2])])"
    ),
    "while_loop_shape_changes_eagerly": (
        "out = tf.while_loop(lambda x: tf.size(x) < 8, lambda x: (tf.concat([x, x], 0),), "
        "[tf.constant([1.0])])"
    ),
    "while_loop_dtype_changes_eagerly": (
        "out = tf.while_loop(lambda x: x < 3, lambda x: (tf.cast(x, tf.float32) + 1.5,), "
        "[tf.constant(1)])"
    ),
    "while_loop_shape_invariants_ignored": (
        "out = tf.while_loop(lambda x: tf.size(x) < 4, lambda x: (tf.concat([x, x], 0),), "
        "[tf.constant([1.0])], shape_invariants=[tf.TensorShape([5, 3])])"
    ),
    "while_loop_accepts_v1_arguments": (
        "out = tf.while_loop(lambda i: i < 3, lambda i: (i + 1,), [0], parallel_iterations=1, "
        "swap_memory=True, name='loop')"
    ),
    "while_loop_tensor_array_loop_var": (
        "def body(i, ta):\n"
        "    return i + 1, ta.write(i, tf.cast(i, tf.float32) * 10.0)\n"
        "_, ta = tf.while_loop(lambda i, ta: i < 3, body, [0, tf.TensorArray(tf.float32, "
        "size=3)])\n"
        "out = ta.stack()"
    ),
    "while_loop_maximum_iterations": (
        "out = [tf.while_loop(lambda i: i < 10, lambda i: [i + 1], [0], maximum_iterations=m) "
        "for m in [3, tf.constant(2), 0, -1, 2.5, 20]]"
    ),
    "while_loop_maximum_iterations_calls_cond_again": (
        "def cond(i):\n"
        "    print('cond', i)\n"
        "    return True\n"
        "out = tf.while_loop(cond, lambda i: (i + 1,), (0,), maximum_iterations=2)"
    ),
    "while_loop_maximum_iterations_nested_vars": (
        "out = tf.while_loop(lambda i, x: i < 10, lambda i, x: (i + 1, x * 2.0), (0, "
        "tf.constant(1.0)), maximum_iterations=3)"
    ),
    # -- tf.while_loop: misuse -----------------------------------------------------------------
    "while_loop_body_returns_bare_tensor": (
        "i = tf.constant(0)\n"
        "out = tf.while_loop(lambda i: tf.less(i, 10), lambda i: tf.add(i, 1), [i])"
    ),
    "while_loop_loop_vars_a_tensor": (
        "out = tf.while_loop(lambda i: i < 3, lambda i: (i + 1,), tf.constant(0))"
    ),
    "while_loop_loop_vars_a_nonzero_tensor": (
        "out = tf.while_loop(lambda i: i < 3, lambda i: (i + 1,), tf.constant(2))"
    ),
    "while_loop_loop_vars_an_int": "out = tf.while_loop(lambda i: i < 3, lambda i: (i + 1,), 1)",
    "while_loop_empty_loop_vars": "out = tf.while_loop(lambda: True, lambda: (), [])",
    "while_loop_none_loop_vars": "out = tf.while_loop(lambda: True, lambda: (), None)",
    "while_loop_cond_not_callable": "out = tf.while_loop(True, lambda i: (i + 1,), [0])",
    "while_loop_body_not_callable": "out = tf.while_loop(lambda i: i < 3, 3, [0])",
    "while_loop_parallel_iterations_zero": (
        "out = tf.while_loop(lambda i: i < 3, lambda i: (i,), [0], parallel_iterations=0)"
    ),
    "while_loop_body_returns_fewer": (
        "out = tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1,), (0, tf.constant(1.0)))"
    ),
    "while_loop_body_returns_more": (
        "out = tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x, x), (0, tf.constant(1.0)))"
    ),
    "while_loop_body_nests_differently": (
        "out = tf.while_loop(lambda i, p: i < 3, lambda i, p: (i + 1, p[0]), (0, "
        "(tf.constant(1.0), tf.constant(2.0))))"
    ),
    "while_loop_body_changes_sequence_type": (
        "out = tf.while_loop(lambda i, p: i < 3, lambda i, p: (i + 1, list(p)), (0, "
        "(tf.constant(1.0), tf.constant(2.0))))"
    ),
    "while_loop_body_changes_namedtuple": (
        "import collections\n"
        "P = collections.namedtuple('P', 'j k')\n"
        "Q = collections.namedtuple('Q', 'j k')\n"
        "out = tf.while_loop(lambda p: p.j < 3, lambda p: [Q(p.j + 1, p.k)], [P(0, 1.0)])"
    ),
    "while_loop_body_namedtuple_to_tuple": (
        "import collections\n"
        "P = collections.namedtuple('P', 'j k')\n"
        "out = tf.while_loop(lambda p: p.j < 3, lambda p: [(p.j + 1, p.k)], [P(0, "
        "tf.constant(1.0))])"
    ),
    "while_loop_body_changes_dict_keys": (
        "out = tf.while_loop(lambda d: d['a'] < 3, lambda d: [{'a': d['a'] + 1, 'c': d['b']}], "
        "[{'a': 0, 'b': tf.constant(2.0)}])"
    ),
    "while_loop_body_returns_none": (
        "out = tf.while_loop(lambda x: x < 3, lambda x: None, [tf.constant(1.0)])"
    ),
    "while_loop_none_loop_var": (
        "out = tf.while_loop(lambda x, y: x < 3, lambda x, y: (x + 1, y), [tf.constant(1.0), None])"
    ),
    "while_loop_tensor_array_dropped": (
        "out = tf.while_loop(lambda i, ta: i < 3, lambda i, ta: (i + 1,), [0, "
        "tf.TensorArray(tf.float32, size=3)])"
    ),
    "while_loop_vector_cond": (
        "out = tf.while_loop(lambda x: x < 3, lambda x: (x + 1,), [tf.constant([1, 2])])"
    ),
    "while_loop_maximum_iterations_vector": (
        "out = tf.while_loop(lambda i: i < 3, lambda i: (i + 1,), [0], maximum_iterations=[3])"
    ),
    "while_loop_maximum_iterations_float_cond": (
        "out = tf.while_loop(lambda x: x, lambda x: (x - 1.0,), [tf.constant(3.0)], "
        "maximum_iterations=2)"
    ),
    "while_loop_maximum_iterations_changes_sequence_type": (
        "out = tf.while_loop(lambda x: True, lambda x: (x - 1.0,), [tf.constant(3.0)], "
        "maximum_iterations=2)"
    ),
    "while_loop_maximum_iterations_bare_result": (
        "out = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [tf.constant(0)], "
        "maximum_iterations=3)"
    ),
    # -- tf.map_fn: docstring examples ---------------------------------------------------------
    "map_fn_doc_range": (
        "out = tf.map_fn(fn=lambda t: tf.range(t, t + 3), elems=tf.constant([3, 5, 2]))"
    ),
    "map_fn_doc_vectorized": (
        "elems = tf.constant([3, 5, 2])\nout = tf.range(3) + tf.expand_dims(elems, 1)"
    ),
    "map_fn_doc_tf_function": (
        "fn=lambda t: tf.range(t, t + 3)\n"
        "@tf.function\n"
        "def func(elems):\n"
        "  return tf.map_fn(fn, elems, parallel_iterations=3)\n"
        "out = func(tf.constant([3, 5, 2]))"
    ),
    "map_fn_doc_numpy": (
        "elems = np.array([1, 2, 3, 4, 5, 6])\nout = tf.map_fn(lambda x: x * x, elems)"
    ),
    "map_fn_doc_tuple_elems": (
        "elems = (np.array([1, 2, 3]), np.array([-1, 1, -1]))\n"
        "out = tf.map_fn(lambda x: x[0] * x[1], elems, fn_output_signature=tf.int64)"
    ),
    "map_fn_doc_tuple_result": (
        "elems = np.array([1, 2, 3])\n"
        "out = tf.map_fn(lambda x: (x, -x), elems, fn_output_signature=(tf.int64, tf.int64))"
    ),
    # -- tf.map_fn: semantics ------------------------------------------------------------------
    "map_fn_rows": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "out = tf.map_fn(lambda r: r * 2.0, x)"
    ),
    "map_fn_reduce": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\nout = tf.map_fn(tf.reduce_sum, x)"
    ),
    "map_fn_signature_dtype": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "out = [tf.map_fn(tf.reduce_sum, x, fn_output_signature=tf.float32), tf.map_fn(lambda "
        "r: tf.cast(r, tf.int32), x, fn_output_signature=tf.int32)]"
    ),
    "map_fn_signature_spec": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "out = [tf.map_fn(lambda r: r, x, fn_output_signature=s) for s in [tf.TensorSpec([2], "
        "tf.float32), tf.TensorSpec(None, tf.float32), tf.TensorSpec([None], tf.float32)]]"
    ),
    "map_fn_signature_dtype_names": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "out = [tf.map_fn(lambda r: r, x, fn_output_signature='float32'), tf.map_fn(lambda r: "
        "r, x, dtype=tf.float32)]"
    ),
    "map_fn_signature_structure": (
        "out = tf.map_fn(lambda x: {'a': x, 'b': [x * 2, x > 1]}, tf.constant([1, 2]), "
        "fn_output_signature={'a': tf.int32, 'b': [tf.int32, tf.bool]})"
    ),
    "map_fn_nested_elems": (
        "out = tf.map_fn(lambda e: (e[0] + e[1][0], e[1][1]), (tf.constant([1.0, 2.0]), "
        "(tf.constant([10.0, 20.0]), tf.constant([3, 4]))))"
    ),
    "map_fn_dict_elems": (
        "out = tf.map_fn(lambda d: {'a': d['a'] * 2.0, 'b': d['b']}, {'b': tf.constant([3, "
        "4]), 'a': tf.constant([1.0, 2.0])})"
    ),
    "map_fn_list_elems_signature": (
        "out = tf.map_fn(lambda r: r[0] + r[1], [tf.constant([1.0, 2.0]), tf.constant([3.0, "
        "4.0])], fn_output_signature=tf.float32)"
    ),
    "map_fn_variable_elems": "out = tf.map_fn(lambda r: r * 2.0, tf.Variable([1.0, 2.0]))",
    "map_fn_python_results_converted": (
        "x = tf.constant([1.0, 2.0, 3.0])\n"
        "out = [tf.map_fn(lambda r: 1, x), tf.map_fn(lambda r: 1.5, x)]"
    ),
    "map_fn_shape_change_allowed": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\nout = tf.map_fn(lambda r: r[:1], x)"
    ),
    "map_fn_no_rows": (
        "out = [tf.map_fn(lambda r: r * 2.0, tf.zeros([0, 2])), tf.map_fn(lambda r: r * 2.0, "
        "tf.zeros([0, 2]), fn_output_signature=tf.TensorSpec([2]))]"
    ),
    "map_fn_calls_fn_per_row": (
        "def fn(r):\n"
        "    print('row', r.numpy())\n"
        "    return r\n"
        "out = tf.map_fn(fn, tf.constant([3, 1, 2]))"
    ),
    "map_fn_infer_shape_false": (
        "out = tf.map_fn(lambda r: tf.range(r), tf.constant([2, 2]), infer_shape=False)"
    ),
    "map_fn_parallel_iterations_one": (
        "out = tf.map_fn(lambda r: r + 1, tf.constant([1, 2]), parallel_iterations=1)"
    ),
    # -- tf.map_fn: misuse ---------------------------------------------------------------------
    "map_fn_result_dtype_differs": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "out = tf.map_fn(lambda r: tf.cast(r, tf.int32), x)"
    ),
    "map_fn_signature_dtype_differs": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "out = tf.map_fn(tf.reduce_sum, x, fn_output_signature=tf.int32)"
    ),
    "map_fn_signature_shape_differs": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "out = tf.map_fn(lambda r: r, x, fn_output_signature=tf.TensorSpec([3], tf.float32))"
    ),
    "map_fn_signature_rank_differs": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "out = tf.map_fn(lambda r: r, x, fn_output_signature=tf.TensorSpec([2, 1], tf.float32))"
    ),
    "map_fn_result_shapes_vary": "out = tf.map_fn(lambda r: tf.range(r), tf.constant([1, 2]))",
    "map_fn_result_structure_differs": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "out = tf.map_fn(lambda r: (r, r), x)"
    ),
    "map_fn_signature_structure_differs": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "out = tf.map_fn(lambda r: r, x, fn_output_signature=(tf.float32, tf.float32))"
    ),
    "map_fn_list_elems_no_signature": (
        "out = tf.map_fn(lambda r: r[0] + r[1], (tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])))"
    ),
    "map_fn_scalar_elems": "out = tf.map_fn(lambda r: r, tf.constant(1.0))",
    "map_fn_python_list_elems": "out = tf.map_fn(lambda r: r, [1.0, 2.0])",
    "map_fn_second_elem_scalar": (
        "out = tf.map_fn(lambda r: r, (tf.constant([1.0]), tf.constant(2.0)))"
    ),
    "map_fn_lengths_differ": (
        "out = tf.map_fn(lambda r: r[0], (tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0, 5.0])))"
    ),
    "map_fn_no_elems": "out = tf.map_fn(lambda r: r, [])",
    "map_fn_none_elems": "out = tf.map_fn(lambda r: r, None)",
    "map_fn_not_callable": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\nout = tf.map_fn(3, x)"
    ),
    "map_fn_result_none": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\nout = tf.map_fn(lambda r: None, x)"
    ),
    # -- tf.scan, tf.foldl, tf.foldr: code examples of the docs --------------------------------
    "scan_doc_sum": (
        "elems = np.array([1, 2, 3, 4, 5, 6])\nout = tf.scan(lambda a, x: a + x, elems)"
    ),
    "scan_doc_sum_reverse": (
        "elems = np.array([1, 2, 3, 4, 5, 6])\n"
        "out = tf.scan(lambda a, x: a + x, elems, reverse=True)"
    ),
    "scan_doc_initializer": (
        "elems = np.array([1, 2, 3, 4, 5, 6])\n"
        "initializer = np.array(0)\n"
        "out = tf.scan(lambda a, x: x[0] - x[1] + a, (elems + 1, elems), initializer)"
    ),
    "scan_doc_fibonacci": (
        "elems = np.array([1, 0, 0, 0, 0, 0])\n"
        "initializer = (np.array(0), np.array(1))\n"
        "out = tf.scan(lambda a, _: (a[1], a[0] + a[1]), elems, initializer)"
    ),
    "foldl_doc": (
        "elems = tf.constant([1, 2, 3, 4, 5, 6])\nout = tf.foldl(lambda a, x: a + x, elems)"
    ),
    "foldr_doc": ("elems = [1, 2, 3, 4, 5, 6]\nout = tf.foldr(lambda a, x: a + x, elems)"),
    # -- tf.scan: semantics and misuse ---------------------------------------------------------
    "scan_rows": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "out = tf.scan(lambda a, r: a + r, x)"
    ),
    "scan_initializer_shape": (
        "out = tf.scan(lambda a, x: a + x, tf.constant([[1.0, 2.0], [3.0, 4.0]]), "
        "initializer=tf.constant([0.0, 0.0]))"
    ),
    "scan_python_initializer": (
        "out = tf.scan(lambda a, x: a + x, tf.constant([1.0, 2.0]), initializer=0.0)"
    ),
    "scan_reverse_initializer": (
        "out = tf.scan(lambda a, x: a * 10.0 + x, tf.constant([1.0, 2.0, 3.0]), "
        "initializer=0.0, reverse=True)"
    ),
    "scan_dict_accumulator": (
        "out = tf.scan(lambda a, x: {'s': a['s'] + x['v']}, {'v': tf.constant([1.0, 2.0])}, "
        "initializer={'s': tf.constant(0.0)})"
    ),
    "scan_dict_elems": (
        "out = tf.scan(lambda a, x: {'v': a['v'] + x['v']}, {'v': tf.constant([1.0, 2.0])})"
    ),
    "scan_list_elems": (
        "out = tf.scan(lambda a, x: [a[0] + x[0], a[1] * x[1]], [tf.constant([1.0, 2.0]), "
        "tf.constant([3.0, 4.0])])"
    ),
    "scan_calls_fn_per_element": (
        "def fn(a, x):\n"
        "    print('step', a.numpy(), x.numpy())\n"
        "    return a + x\n"
        "out = tf.scan(fn, tf.constant([1, 2, 3]))"
    ),
    "scan_infer_shape_false": (
        "out = tf.scan(lambda a, x: a + x, tf.constant([1.0, 2.0]), "
        "initializer=tf.constant(0.0), infer_shape=False)"
    ),
    "scan_empty_with_initializer": (
        "out = tf.scan(lambda a, x: a + x, tf.zeros([0, 2]), initializer=tf.zeros([2]))"
    ),
    "scan_empty": "out = tf.scan(lambda a, x: a + x, tf.zeros([0]))",
    "scan_scalar_elems": "out = tf.scan(lambda a, x: a + x, tf.constant(1.0))",
    "scan_python_list_elems": "out = tf.scan(lambda a, x: a + x, [1.0, 2.0, 3.0])",
    "scan_not_callable": "out = tf.scan(3, tf.constant([1.0, 2.0]))",
    "scan_structure_differs": "out = tf.scan(lambda a, x: (a, a), tf.constant([1.0, 2.0]))",
    "scan_sequence_type_differs": (
        "out = tf.scan(lambda a, x: [a[0] + x[0], a[1] + x[1]], (tf.constant([1.0, 2.0]), "
        "tf.constant([3.0, 4.0])))"
    ),
    "scan_dtype_differs": (
        "out = tf.scan(lambda a, x: tf.cast(a, tf.int32), tf.constant([1.0, 2.0]))"
    ),
    "scan_shape_differs": "out = tf.scan(lambda a, x: tf.stack([a, x]), tf.constant([1.0, 2.0]))",
    "scan_shape_differs_no_inference": (
        "out = tf.scan(lambda a, x: tf.stack([a, x]), tf.constant([1.0, 2.0]), infer_shape=False)"
    ),
    "scan_int_initializer_float_elems": (
        "out = tf.scan(lambda a, x: a + x, tf.constant([1.0, 2.0]), initializer=0)"
    ),
    "scan_lengths_differ": (
        "out = tf.scan(lambda a, x: a + x[0] + x[1], (tf.constant([1.0, 2.0]), "
        "tf.constant([1.0, 2.0, 3.0])), initializer=0.0)"
    ),
    # -- tf.foldl, tf.foldr: semantics and misuse ----------------------------------------------
    "foldl_order": (
        "out = [tf.foldl(lambda a, x: a * 10 + x, tf.constant([1, 2, 3])), tf.foldr(lambda a, "
        "x: a * 10 + x, tf.constant([1, 2, 3]))]"
    ),
    "fold_initializer": (
        "out = [tf.foldl(lambda a, x: a + x, tf.constant([1.0, 2.0]), initializer=10.0), "
        "tf.foldr(lambda a, x: a - x, tf.constant([1.0, 2.0]), initializer=10.0)]"
    ),
    "fold_nested_elems": (
        "e = (tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0]))\n"
        "out = [tf.foldl(lambda a, x: a + x[0] * x[1], e, initializer=0.0), tf.foldr(lambda a, "
        "x: (a[0] + x[0], a[1] * x[1]), e)]"
    ),
    "fold_rows": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "out = [tf.foldl(lambda a, r: a + r, x), tf.foldr(lambda a, r: a * r, x)]"
    ),
    "fold_empty_with_initializer": (
        "out = [tf.foldl(lambda a, x: a + x, tf.zeros([0]), initializer=1.0), tf.foldr(lambda "
        "a, x: a + x, tf.zeros([0]), initializer=2.0)]"
    ),
    "fold_calls_fn_in_order": (
        "def fn(a, x):\n"
        "    print('fold', a.numpy(), x.numpy())\n"
        "    return a + x\n"
        "out = [tf.foldl(fn, tf.constant([1, 2, 3])), tf.foldr(fn, tf.constant([1, 2, 3]))]"
    ),
    "foldl_empty": "out = tf.foldl(lambda a, x: a + x, tf.zeros([0]))",
    "foldr_empty": "out = tf.foldr(lambda a, x: a + x, tf.zeros([0]))",
    "foldl_scalar_elems": "out = tf.foldl(lambda a, x: a + x, tf.constant(1.0))",
    "foldl_not_callable": "out = tf.foldl(3, tf.constant([1.0, 2.0]))",
    "foldr_not_callable": "out = tf.foldr(None, tf.constant([1.0, 2.0]))",
    "foldl_structure_differs": "out = tf.foldl(lambda a, x: (a, a), tf.constant([1.0, 2.0]))",
    # -- tf.TensorArray: docstring examples ----------------------------------------------------
    "tensor_array_doc_basic": (
        "ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True, clear_after_read=False)\n"
        "ta = ta.write(0, 10)\n"
        "ta = ta.write(1, 20)\n"
        "ta = ta.write(2, 30)\n"
        "out = [ta.read(0), ta.read(1), ta.read(2), ta.stack()]"
    ),
    "tensor_array_doc_fibonacci": (
        "@tf.function\n"
        "def fibonacci(n):\n"
        "  ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)\n"
        "  ta = ta.unstack([0., 1.])\n"
        "\n"
        "  for i in range(2, n):\n"
        "    ta = ta.write(i, ta.read(i - 1) + ta.read(i - 2))\n"
        "\n"
        "  return ta.stack()\n"
        "out = fibonacci(7)"
    ),
    "tensor_array_doc_variable": (
        "v = tf.Variable(1)\n"
        "@tf.function\n"
        "def f(x):\n"
        "  ta = tf.TensorArray(tf.int32, size=0, dynamic_size=True)\n"
        "  for i in tf.range(x):\n"
        "    v.assign_add(i)\n"
        "    ta = ta.write(i, v)\n"
        "  return ta.stack()\n"
        "out = f(5)"
    ),
    # -- tf.TensorArray: semantics -------------------------------------------------------------
    "tensor_array_properties": (
        "ta = tf.TensorArray(tf.float32, size=2)\n"
        "out = [ta.dtype, ta.element_shape, ta.dynamic_size, ta.handle, ta.flow, ta.size(), "
        "ta.identity() is ta]"
    ),
    "tensor_array_dtype_names": (
        "out = [tf.TensorArray('float64', size=1).dtype, tf.TensorArray(np.int32, size=1).dtype]"
    ),
    "tensor_array_size_tensor": (
        "out = [tf.TensorArray(tf.float32, size=tf.constant(2)).size(), "
        "tf.TensorArray(tf.float32, size=np.int64(3)).size(), tf.TensorArray(tf.float32, "
        "size=-1).size()]"
    ),
    "tensor_array_element_shape": (
        "ta = tf.TensorArray(tf.float32, size=2)\n"
        "before = ta.element_shape\n"
        "ta = ta.write(0, [1.0, 2.0])\n"
        "out = [before, ta.element_shape, tf.TensorArray(tf.float32, size=1, "
        "element_shape=tf.TensorShape([None, 3])).element_shape, tf.TensorArray(tf.float32, "
        "size=1, infer_shape=False).write(0, [1.0]).element_shape]"
    ),
    "tensor_array_read_returns_what_was_written": (
        "t = tf.constant(1.0)\nout = tf.TensorArray(tf.float32, size=1).write(0, t).read(0) is t"
    ),
    "tensor_array_read_unwritten_known_shape": (
        "ta = tf.TensorArray(tf.float32, size=3, element_shape=[2])\n"
        "out = [ta.read(1), tf.TensorArray(tf.float32, size=2).write(0, [1.0, 2.0]).read(1)]"
    ),
    "tensor_array_clear_after_read_false": (
        "ta = tf.TensorArray(tf.float32, size=2, clear_after_read=False)\n"
        "ta = ta.write(0, 1.0)\n"
        "out = [ta.read(0), ta.read(0)]"
    ),
    "tensor_array_write_conversions": (
        "out = [tf.TensorArray(tf.float32, size=1).write(0, 1).read(0), "
        "tf.TensorArray(tf.float32, size=1).write(0, True).read(0), tf.TensorArray(tf.int8, "
        "size=1).write(0, 300).read(0), tf.TensorArray(tf.float32, size=1).write(0, "
        "np.array([1, 2])).read(0), tf.TensorArray(tf.float32, size=1).write(0, "
        "[tf.constant(1.0), 2.0]).read(0), tf.TensorArray(tf.float32, size=1).write(0, "
        "tf.Variable(2.0)).read(0)]"
    ),
    "tensor_array_read_index_tensor": (
        "ta = tf.TensorArray(tf.float32, size=3).write(1, 2.0)\nout = ta.read(tf.constant(1))"
    ),
    "tensor_array_dynamic_size": (
        "ta = tf.TensorArray(tf.float32, size=1, dynamic_size=True)\n"
        "ta = ta.write(3, 1.0)\n"
        "out = [ta.size(), ta.stack()]"
    ),
    "tensor_array_stack": (
        "ta = tf.TensorArray(tf.float32, size=3).write(0, 1.0).write(2, 3.0)\n"
        "out = [ta.stack(), tf.TensorArray(tf.float32, size=3, element_shape=[2]).write(0, "
        "[1.0, 2.0]).stack(), tf.TensorArray(tf.float32, size=2).write(1, [1.0, 2.0]).stack()]"
    ),
    "tensor_array_stack_empty": (
        "out = [tf.TensorArray(tf.float32, size=0, element_shape=[2]).stack(), "
        "tf.TensorArray(tf.float32, size=0).stack(), tf.TensorArray(tf.int32, size=0).stack()]"
    ),
    "tensor_array_unstack": (
        "ta = tf.TensorArray(tf.float32, size=3).unstack([1.0, 2.0, 3.0])\n"
        "out = [ta.stack(), tf.TensorArray(tf.float32, size=4).unstack([1.0, 2.0, "
        "3.0]).size(), tf.TensorArray(tf.float32, size=2, dynamic_size=True).unstack([1.0, "
        "2.0, 3.0]).size(), tf.TensorArray(tf.float32, size=2, "
        "element_shape=[3]).unstack([1.0, 2.0]).element_shape]"
    ),
    "tensor_array_unstack_casts_on_stack": (
        "ta = tf.TensorArray(tf.float32, size=2).unstack([1, 2])\nout = [ta.stack(), ta.read(0)]"
    ),
    "tensor_array_read_clears_then_stack_fails": (
        "ta = tf.TensorArray(tf.float32, size=2)\n"
        "ta = ta.unstack([1.0, 2.0])\n"
        "first = ta.read(0)\n"
        "out = ta.stack()"
    ),
    "tensor_array_gather": (
        "ta = tf.TensorArray(tf.float32, size=3).unstack([1.0, 2.0, 3.0])\n"
        "out = [ta.gather([2, 0]), ta.gather(tf.constant([2, 2])), ta.gather([-1]), "
        "ta.gather([])]"
    ),
    "tensor_array_scatter": (
        "ta = tf.TensorArray(tf.float32, size=3).scatter([2, 0], [5.0, 6.0])\nout = ta.stack()"
    ),
    "tensor_array_concat": (
        "ta = tf.TensorArray(tf.float32, size=2, infer_shape=False)\n"
        "ta = ta.write(0, [1.0, 2.0]).write(1, [3.0])\n"
        "out = ta.concat()"
    ),
    "tensor_array_split": (
        "ta = tf.TensorArray(tf.float32, size=2).split([1.0, 2.0, 3.0], [2, 1])\n"
        "out = [ta.read(0), ta.read(1), ta.size()]"
    ),
    "tensor_array_close": (
        "ta = tf.TensorArray(tf.float32, size=3)\nout = [ta.close(), ta.size()]"
    ),
    # -- tf.TensorArray: misuse ----------------------------------------------------------------
    "tensor_array_no_size": "out = tf.TensorArray(tf.float32)",
    "tensor_array_handle": "out = tf.TensorArray(tf.float32, size=1, handle=3)",
    "tensor_array_float_size": "out = tf.TensorArray(tf.float32, size=2.0)",
    "tensor_array_bad_dtype": "out = tf.TensorArray('bogus', size=1)",
    "tensor_array_read_unwritten_unknown_shape": "out = tf.TensorArray(tf.float32, size=2).read(0)",
    "tensor_array_read_unwritten_partial_shape": (
        "out = tf.TensorArray(tf.float32, size=1, element_shape=[None, 2]).read(0)"
    ),
    "tensor_array_read_past_end": "out = tf.TensorArray(tf.float32, size=2).read(2)",
    "tensor_array_read_negative": "out = tf.TensorArray(tf.float32, size=2).read(-1)",
    "tensor_array_read_twice": (
        "ta = tf.TensorArray(tf.float32, size=2).write(0, 1.0)\n"
        "first = ta.read(0)\n"
        "out = ta.read(0)"
    ),
    "tensor_array_read_float_index": (
        "out = tf.TensorArray(tf.float32, size=3).write(1, 2.0).read(1.0)"
    ),
    "tensor_array_read_vector_index": (
        "out = tf.TensorArray(tf.float32, size=3).write(1, 2.0).read(tf.constant([1]))"
    ),
    "tensor_array_write_past_end": "out = tf.TensorArray(tf.float32, size=2).write(2, 1.0)",
    "tensor_array_write_negative": "out = tf.TensorArray(tf.float32, size=2).write(-1, 1.0)",
    "tensor_array_write_wrong_dtype": (
        "out = tf.TensorArray(tf.float32, size=2).write(0, tf.constant(1))"
    ),
    "tensor_array_write_python_float_to_int": (
        "out = tf.TensorArray(tf.int32, size=2).write(0, 1.5)"
    ),
    "tensor_array_write_float_to_bool": "out = tf.TensorArray(tf.bool, size=1).write(0, 1.0)",
    "tensor_array_write_wrong_shape": (
        "out = tf.TensorArray(tf.float32, size=2, element_shape=[2]).write(0, [1.0, 2.0, 3.0])"
    ),
    "tensor_array_write_inferred_shape": (
        "out = tf.TensorArray(tf.float32, size=2).write(0, [1.0, 2.0]).write(1, [1.0, 2.0, 3.0])"
    ),
    "tensor_array_stack_unwritten_unknown_shape": (
        "out = tf.TensorArray(tf.float32, size=2).stack()"
    ),
    "tensor_array_stack_shapes_differ": (
        "out = tf.TensorArray(tf.float32, size=2, infer_shape=False).write(0, [1.0]).write(1, "
        "[1.0, 2.0]).stack()"
    ),
    "tensor_array_unstack_too_many": (
        "out = tf.TensorArray(tf.float32, size=2).unstack([1.0, 2.0, 3.0])"
    ),
    "tensor_array_unstack_scalar": "out = tf.TensorArray(tf.float32, size=2).unstack(1.0)",
    "tensor_array_gather_past_end": (
        "out = tf.TensorArray(tf.float32, size=3).unstack([1.0, 2.0, 3.0]).gather([5])"
    ),
    "tensor_array_scatter_past_end": "out = tf.TensorArray(tf.float32, size=3).scatter([3], [5.0])",
    "tensor_array_scatter_wrong_dtype": (
        "out = tf.TensorArray(tf.float32, size=3).scatter([1], [5])"
    ),
    "tensor_array_concat_inferred_shape": (
        "out = tf.TensorArray(tf.float32, size=2).write(0, [1.0, 2.0]).write(1, [3.0]).concat()"
    ),
    "tensor_array_concat_scalars": (
        "out = tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(1, 2.0).concat()"
    ),
    "tensor_array_split_lengths_sum": (
        "out = tf.TensorArray(tf.float32, size=2).split([1.0, 2.0, 3.0], [2, 2])"
    ),
    "tensor_array_split_lengths_count": (
        "out = tf.TensorArray(tf.float32, size=3).split([1.0, 2.0, 3.0], [2, 1])"
    ),
    "tensor_array_split_scalar": "out = tf.TensorArray(tf.float32, size=1).split(1.0, [1])",
    "tensor_array_split_lengths_matrix": (
        "out = tf.TensorArray(tf.float32, size=1).split([1.0], [[1]])"
    ),
    "tensor_array_grad": "out = tf.TensorArray(tf.float32, size=3).grad('source')",
    # -- gradients: cond, case, switch_case ----------------------------------------------------
    "grad_cond_taken_branch_only": (
        "x = tf.constant(2.0)\n"
        "w = tf.Variable(3.0)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.cond(x > 0, lambda: x * x, lambda: w * x)\n"
        "out = [t.gradient(y, s) for s in [x, w]]"
    ),
    "grad_cond_other_branch": (
        "x = tf.constant(2.0)\n"
        "w = tf.Variable(3.0)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.cond(x < 0, lambda: x * x, lambda: w * x)\n"
        "out = [t.gradient(y, s) for s in [x, w]]"
    ),
    "grad_cond_nested_structure": (
        "x = tf.constant([1.0, 2.0])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.reduce_sum(tf.cond(True, lambda: {'a': x * 3.0, 'b': (x, x ** 2)}, lambda: "
        "None)['b'][1])\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "grad_cond_second_order": (
        "x = tf.constant(1.5)\n"
        "with tf.GradientTape() as t2:\n"
        "    t2.watch(x)\n"
        "    with tf.GradientTape() as t1:\n"
        "        t1.watch(x)\n"
        "        y = tf.cond(x > 1.0, lambda: tf.sin(x) * x, lambda: x)\n"
        "    dy = t1.gradient(y, x)\n"
        "out = [dy, t2.gradient(dy, x)]"
    ),
    "grad_case": (
        "x = tf.constant(2.0)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.case([(x < 0, lambda: -x), (x < 3, lambda: x ** 3)], default=lambda: x)\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "grad_switch_case": (
        "x = tf.constant(2.0)\n"
        "w = tf.Variable(0.5)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.switch_case(tf.constant(1), [lambda: x, lambda: tf.exp(x * w), lambda: "
        "w])\n"
        "out = [t.gradient(y, s) for s in [x, w]]"
    ),
    "grad_switch_case_default": (
        "x = tf.constant(2.0)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.switch_case(tf.constant(5), {0: lambda: x}, default=lambda: x * x * x)\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "jvp_cond": (
        "x = tf.constant(2.0)\n"
        "with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:\n"
        "    y = tf.cond(x > 1.0, lambda: x ** 3, lambda: x)\n"
        "out = acc.jvp(y)"
    ),
    # -- gradients: while_loop -----------------------------------------------------------------
    "grad_while_loop_power": (
        "x = tf.constant(1.5)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.while_loop(lambda i, a: i < 4, lambda i, a: (i + 1, a * x), [0, 1.0])[1]\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "grad_while_loop_variable": (
        "w = tf.Variable(2.0)\n"
        "x = tf.constant(0.5)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.while_loop(lambda a: a < 10.0, lambda a: (a * w + x,), [x])[0]\n"
        "out = [t.gradient(y, s) for s in [x, w]]"
    ),
    "grad_while_loop_never_runs": (
        "x = tf.constant(3.0)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.while_loop(lambda a: a < 0.0, lambda a: (a * 2.0,), [x])[0]\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "grad_while_loop_data_dependent_iterations": (
        "x = tf.constant(1.1)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.while_loop(lambda a: a < 5.0, lambda a: (a * a,), [x])[0]\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "grad_while_loop_maximum_iterations": (
        "x = tf.constant(1.5)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.while_loop(lambda a: True, lambda a: (tf.sin(a) + a,), (x,), "
        "maximum_iterations=3)[0]\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "grad_while_loop_nested_loop_vars": (
        "x = tf.constant([1.0, 2.0])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.reduce_sum(tf.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, {'p': "
        "s['p'] * x, 'q': s['q'] + s['p']}), (0, {'p': tf.ones([2]), 'q': "
        "tf.zeros([2])}))[1]['q'])\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "grad_while_loop_persistent_two_targets": (
        "x = tf.constant(2.0)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    i, a, b = tf.while_loop(lambda i, a, b: i < 3, lambda i, a, b: (i + 1, a * x, b + "
        "a), [0, 1.0, 0.0])\n"
        "out = [t.gradient(a, x), t.gradient(b, x), t.gradient([a, b], x)]"
    ),
    "grad_while_loop_second_order": (
        "x = tf.constant(1.5)\n"
        "with tf.GradientTape() as t2:\n"
        "    t2.watch(x)\n"
        "    with tf.GradientTape() as t1:\n"
        "        t1.watch(x)\n"
        "        y = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * tf.sin(x)), "
        "[0, x])[1]\n"
        "    dy = t1.gradient(y, x)\n"
        "out = [y, dy, t2.gradient(dy, x)]"
    ),
    "grad_while_loop_jacobian": (
        "x = tf.constant([0.5, 1.0, 2.0])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, tf.sin(a) * x[::-1]), "
        "[0, x])[1]\n"
        "out = t.jacobian(y, x)"
    ),
    "jvp_while_loop": (
        "x = tf.constant(1.5)\n"
        "with tf.autodiff.ForwardAccumulator(x, tf.constant(2.0)) as acc:\n"
        "    y = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * x), [0, x])[1]\n"
        "out = [y, acc.jvp(y)]"
    ),
    "hvp_forward_over_back_while_loop": (
        "x = tf.constant([1.0, 2.0])\n"
        "v = tf.constant([1.0, 0.0])\n"
        "with tf.autodiff.ForwardAccumulator(x, v) as acc:\n"
        "    with tf.GradientTape() as t:\n"
        "        t.watch(x)\n"
        "        y = tf.reduce_sum(tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a * "
        "a * x), [0, x])[1])\n"
        "    g = t.gradient(y, x)\n"
        "out = [g, acc.jvp(g)]"
    ),
    # -- gradients: map_fn, scan, folds --------------------------------------------------------
    "grad_map_fn": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.map_fn(lambda r: tf.reduce_sum(r * r) * r, x)\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "grad_map_fn_variable": (
        "w = tf.Variable([0.5, -0.25])\n"
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0]])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.map_fn(lambda r: tf.sin(r * w) * r, x)\n"
        "out = [t.gradient(y, s) for s in [x, w]]"
    ),
    "grad_map_fn_nested": (
        "a = tf.constant([1.0, 2.0])\n"
        "b = tf.constant([3.0, 4.0])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch([a, b])\n"
        "    y = tf.map_fn(lambda e: {'s': e[0] * e[1], 'd': e[0] - e[1]}, (a, b), "
        "fn_output_signature={'s': tf.float32, 'd': tf.float32})\n"
        "    z = tf.reduce_sum(y['s'] * y['d'])\n"
        "out = t.gradient(z, [a, b])"
    ),
    "grad_map_fn_second_order": (
        "x = tf.constant([0.5, 1.5])\n"
        "with tf.GradientTape() as t2:\n"
        "    t2.watch(x)\n"
        "    with tf.GradientTape() as t1:\n"
        "        t1.watch(x)\n"
        "        y = tf.reduce_sum(tf.map_fn(lambda e: e ** 3, x))\n"
        "    dy = t1.gradient(y, x)\n"
        "out = [dy, t2.gradient(dy, x)]"
    ),
    "grad_map_fn_jacobian": (
        "x = tf.constant([0.5, 1.0, 2.0])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.map_fn(lambda e: tf.stack([e * e, tf.sin(e)]), x)\n"
        "out = t.jacobian(y, x)"
    ),
    "grad_map_fn_batch_jacobian": (
        "x = tf.constant([[0.5, 1.0], [2.0, 3.0]])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.map_fn(lambda r: r * tf.reduce_sum(r), x)\n"
        "out = t.batch_jacobian(y, x)"
    ),
    "jvp_map_fn": (
        "x = tf.constant([1.0, 2.0])\n"
        "with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 3.0])) as acc:\n"
        "    y = tf.map_fn(lambda e: e * e, x)\n"
        "out = acc.jvp(y)"
    ),
    "grad_scan": (
        "x = tf.constant([1.0, 2.0, 3.0])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.scan(lambda a, e: a * e + 1.0, x)\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "grad_scan_reverse_initializer": (
        "x = tf.constant([1.0, 2.0, 3.0])\n"
        "w = tf.Variable(0.5)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.scan(lambda a, e: a * w + e, x, initializer=w, reverse=True)\n"
        "out = [t.gradient(y, s) for s in [x, w]]"
    ),
    "grad_scan_nested_accumulator": (
        "x = tf.constant([1.0, 2.0, 3.0])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.scan(lambda a, e: (a[1], a[0] + a[1] * e), x, "
        "initializer=(tf.constant(0.0), tf.constant(1.0)))[1]\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "grad_scan_second_order": (
        "x = tf.constant([0.5, 1.0])\n"
        "with tf.GradientTape() as t2:\n"
        "    t2.watch(x)\n"
        "    with tf.GradientTape() as t1:\n"
        "        t1.watch(x)\n"
        "        y = tf.reduce_sum(tf.scan(lambda a, e: a * e, x, initializer=2.0))\n"
        "    dy = t1.gradient(y, x)\n"
        "out = [dy, t2.gradient(dy, x)]"
    ),
    "grad_scan_jacobian": (
        "x = tf.constant([0.5, 1.0, 2.0])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.scan(lambda a, e: a * e, x)\n"
        "out = t.jacobian(y, x)"
    ),
    "jvp_scan": (
        "x = tf.constant([1.0, 2.0, 3.0])\n"
        "with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0, 1.0])) as acc:\n"
        "    y = tf.scan(lambda a, e: a + e * e, x)\n"
        "out = acc.jvp(y)"
    ),
    "grad_foldl": (
        "x = tf.constant([2.0, 3.0, 4.0])\n"
        "w = tf.Variable(3.0)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.foldl(lambda a, e: a * e + w, x)\n"
        "out = [t.gradient(y, s) for s in [x, w]]"
    ),
    "grad_foldr": (
        "x = tf.constant([2.0, 3.0, 4.0])\n"
        "w = tf.Variable(3.0)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.foldr(lambda a, e: a * e + w, x, initializer=w)\n"
        "out = [t.gradient(y, s) for s in [x, w]]"
    ),
    "grad_fold_second_order": (
        "x = tf.constant([0.5, 1.0, 1.5])\n"
        "with tf.GradientTape() as t2:\n"
        "    t2.watch(x)\n"
        "    with tf.GradientTape() as t1:\n"
        "        t1.watch(x)\n"
        "        y = tf.foldl(lambda a, e: a * tf.exp(e), x, initializer=1.0)\n"
        "    dy = t1.gradient(y, x)\n"
        "out = [dy, t2.gradient(dy, x)]"
    ),
    "jvp_foldr": (
        "x = tf.constant([1.0, 2.0])\n"
        "with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 1.0])) as acc:\n"
        "    y = tf.foldr(lambda a, e: a * e, x, initializer=3.0)\n"
        "out = acc.jvp(y)"
    ),
    # -- gradients: TensorArray ----------------------------------------------------------------
    "grad_tensor_array_write_stack": (
        "x = tf.constant(2.0)\n"
        "w = tf.Variable(3.0)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.TensorArray(tf.float32, size=3, element_shape=[]).write(0, x * w).write(2, "
        "x).stack()\n"
        "out = [t.gradient(y, s) for s in [x, w]]"
    ),
    "grad_tensor_array_read": (
        "x = tf.constant(2.0)\n"
        "w = tf.Variable(3.0)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.TensorArray(tf.float32, size=2).write(0, x * w).read(0)\n"
        "out = [t.gradient(y, s) for s in [x, w]]"
    ),
    "grad_tensor_array_unstack_read": (
        "x = tf.constant([1.0, 2.0, 3.0])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.TensorArray(tf.float32, size=3).unstack(x * x).read(1)\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "grad_tensor_array_gather": (
        "x = tf.constant([1.0, 2.0, 3.0])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.TensorArray(tf.float32, size=3).unstack(x).gather([2, 2, 0]) * "
        "tf.constant([1.0, 2.0, 3.0])\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "grad_tensor_array_scatter_concat": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0]])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.TensorArray(tf.float32, size=2).scatter([1, 0], x * 3.0).concat() * "
        "tf.constant([1.0, 2.0, 3.0, 4.0])\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "grad_tensor_array_split_stack": (
        "x = tf.constant([1.0, 2.0, 3.0, 4.0])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.TensorArray(tf.float32, size=2).split(x * x, [2, 2]).stack()\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "grad_tensor_array_loop": (
        "x = tf.constant(1.5)\n"
        "def body(i, ta, a):\n"
        "    return i + 1, ta.write(i, a), a * x\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    _, ta, _ = tf.while_loop(lambda i, ta, a: i < 4, body, [0, "
        "tf.TensorArray(tf.float32, size=4), x])\n"
        "    y = tf.reduce_sum(ta.stack())\n"
        "out = [y, t.gradient(y, x)]"
    ),
    "grad_tensor_array_unwritten_is_zero": (
        "x = tf.constant(2.0)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.TensorArray(tf.float32, size=2, element_shape=[]).write(1, x).stack()\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "jvp_tensor_array": (
        "x = tf.constant([1.0, 2.0])\n"
        "with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, -1.0])) as acc:\n"
        "    y = tf.TensorArray(tf.float32, size=2).unstack(x * x).stack()\n"
        "out = acc.jvp(y)"
    ),
    # -- nested constructs ---------------------------------------------------------------------
    "nested_while_loop_inside_cond": (
        "x = tf.constant(1.5)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.cond(x > 1.0, lambda: tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + "
        "1, a * x), [0, x])[1], lambda: x)\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "nested_cond_inside_while_loop": (
        "x = tf.constant(0.5)\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.while_loop(lambda i, a: i < 4, lambda i, a: (i + 1, tf.cond(a < 1.0, "
        "lambda: a * 3.0, lambda: a * x)), [0, x])[1]\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "nested_map_fn_of_scan": (
        "x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.map_fn(lambda r: tf.scan(lambda a, e: a * 0.5 + e * e, r), x)\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "nested_map_fn_of_map_fn": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0]])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.map_fn(lambda r: tf.map_fn(lambda e: e * tf.reduce_sum(r), r), x)\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "nested_scan_of_while_loop": (
        "x = tf.constant([1.0, 2.0])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.scan(lambda a, e: tf.while_loop(lambda i, b: i < 2, lambda i, b: (i + 1, b "
        "* e), [0, a])[1], x, initializer=1.0)\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "nested_switch_case_in_map_fn": (
        "x = tf.constant([1.0, 2.0, 3.0])\n"
        "with tf.GradientTape(persistent=True) as t:\n"
        "    t.watch(x)\n"
        "    y = tf.map_fn(lambda e: tf.switch_case(tf.cast(e, tf.int32) - 1, [lambda: e, "
        "lambda: e * e, lambda: tf.sqrt(e)]), x)\n"
        "out = [t.gradient(y, s) for s in [x]]"
    ),
    "nested_map_fn_of_scan_jacobian": (
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0]])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.map_fn(lambda r: tf.scan(lambda a, e: a * e, r), x)\n"
        "out = t.jacobian(y, x)"
    ),
    "nested_error_inside_while_loop_body": (
        "out = tf.while_loop(lambda i: i < 3, lambda i: (tf.cond(i < 2, lambda: i + 1, lambda: "
        "tf.TensorArray(tf.float32, size=1).read(3)),), [0])"
    ),
}

# Cases whose warnings TF logs only once per process: each runs in a fresh interpreter.
ISOLATED = {
    "while_loop_back_prop_false_warns": (
        "x = tf.constant(2.0)\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * x), [0, 1.0], "
        "back_prop=False)[1]\n"
        "out = [y, t.gradient(y, x)]\n"
        "out.append(tf.while_loop(lambda i: i < 2, lambda i: (i + 1,), [0], back_prop=False))"
    ),
    "map_fn_back_prop_false_warns": (
        "x = tf.constant([1.0, 2.0])\n"
        "with tf.GradientTape() as t:\n"
        "    t.watch(x)\n"
        "    y = tf.map_fn(lambda e: e * e, x, back_prop=False)\n"
        "out = [y, t.gradient(y, x)]\n"
        "out.append(tf.map_fn(lambda e: e, x, back_prop=0))"
    ),
    "map_fn_parallel_iterations_warns": (
        "out = [tf.map_fn(lambda e: e + 1, tf.constant([1, 2]), parallel_iterations=4), "
        "tf.map_fn(lambda e: e + 2, tf.constant([1, 2]), parallel_iterations=8)]"
    ),
    "back_prop_true_does_not_warn": (
        "x = tf.constant([1.0, 2.0])\n"
        "out = [tf.map_fn(lambda e: e, x, back_prop=True), tf.while_loop(lambda i: i < 1, "
        "lambda i: (i + 1,), [0], back_prop=None), tf.scan(lambda a, e: a + e, x, "
        "back_prop=True)]"
    ),
}


def all_cases() -> dict[str, tuple[str, bool]]:
    """Every case as name -> (code, isolated)."""
    cases = {name: (code, False) for name, code in CASES.items()}
    overlap = set(cases) & set(ISOLATED)
    assert not overlap, overlap
    cases.update({name: (code, True) for name, code in ISOLATED.items()})
    return cases


# TF's own noise, not behaviour of the constructs: AutoGraph (which tapeflow does not have)
# reports code it cannot read back or convert, and jacobian's pfor retraces its functions.
_TF_NOISE = ("WARNING: AutoGraph could not transform", "triggered tf.function retracing")


def _run(tf, code: str, isolated: bool) -> dict:
    """One case under TF. The case's source is registered where `inspect` looks for it, so
    AutoGraph converts the tf.function examples as it does in a file (`if x > 0:` on a
    tensor becomes a tf.cond instead of failing); AutoGraph's and pfor's warnings are
    dropped (_TF_NOISE)."""
    import linecache

    from tf_golden_util import run_case, run_case_isolated  # tests/ is on sys.path (family)

    if isolated:
        result = run_case_isolated(code, "tensorflow")
    else:
        lines = code.splitlines(keepends=True)
        linecache.cache["<golden case>"] = (len(code), None, lines, "<golden case>")
        try:
            result = run_case(code, tf)
        finally:
            del linecache.cache["<golden case>"]
    result["warnings"] = [w for w in result["warnings"] if not w.startswith(_TF_NOISE[0])]
    result["warnings"] = [w for w in result["warnings"] if _TF_NOISE[1] not in w]
    return result


def main() -> None:
    """Records every case under TensorFlow (or, with --verify, replays the written file)."""
    cases = {
        name: {"code": code, "isolated": isolated} for name, (code, isolated) in all_cases().items()
    }
    record_or_verify(OUTPUT, __file__, cases, lambda tf, c: _run(tf, c["code"], c["isolated"]))


if __name__ == "__main__":
    main()
