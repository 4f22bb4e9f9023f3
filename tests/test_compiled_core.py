"""The compiled core (`tapeflow._core._compiled`) and its pure-Python fallback.

`.ci/run` runs the suite twice: with the compiled core (and `TAPEFLOW_EXPECT_COMPILED=1`,
so that a silent fallback fails here) and with `TAPEFLOW_PURE_PYTHON=1`. These tests
check what neither run can see alone: that the two cores agree bit for bit, that a stale
build is refused, and that a build without a compiler falls back with its notice.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import weakref

import numpy as np
import pytest

import tapeflow as tf
from tapeflow._core import accel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.dirname(os.path.abspath(tf.__file__))
BATTERY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "core_battery.py")
needs_compiled = pytest.mark.skipif(
    accel.compiled is None, reason=f"the compiled core is not in use: {accel.why_pure}"
)


def _env(**changes) -> dict:
    env = dict(os.environ)
    env.pop("TAPEFLOW_PURE_PYTHON", None)
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(PACKAGE), env.get("PYTHONPATH", "")])
    env.update(changes)
    return env


def _python(*args: str, **env) -> subprocess.CompletedProcess:
    """`python *args` in a fresh process with `_env(**env)`."""
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=_env(**env), timeout=300
    )


def test_the_compiled_core_is_in_use_where_expected():
    """CI builds the compiled core and sets TAPEFLOW_EXPECT_COMPILED=1: a silent fallback to
    pure Python (a failed build, a stale module) fails here, with the reason."""
    if os.environ.get("TAPEFLOW_EXPECT_COMPILED") != "1":
        pytest.skip("TAPEFLOW_EXPECT_COMPILED=1 is not set (CI sets it for the compiled run)")
    assert accel.compiled is not None, accel.why_pure


def test_pure_python_is_selected_by_the_environment_variable():
    result = _python(
        "-c",
        "import gc, tapeflow as tf; from tapeflow._core import accel;"
        "print(accel.compiled, accel.why_pure, gc.is_tracked(tf.constant(1.0)))",
        TAPEFLOW_PURE_PYTHON="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "None"
    assert "TAPEFLOW_PURE_PYTHON" in result.stdout


@needs_compiled
def test_compiled_tensors_are_not_tracked_by_the_garbage_collector_and_still_die():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert not gc.is_tracked(x) and not gc.is_tracked(y)
    ref = weakref.ref(y)
    del y, tape
    assert ref() is None  # reference counting frees them; no cycle can hold one


@needs_compiled
def test_compiled_tensors_keep_the_python_semantics_of_their_fields():
    x = tf.constant(2.0)
    with pytest.raises(AttributeError):
        x._slice_of  # unset, as an unset slot  # noqa: B018
    with pytest.raises(AttributeError):
        x.anything = 1  # no new attributes, as with __slots__
    v = tf.Variable([1.0, 2.0])
    s = v[0]
    s.assign(5.0)
    assert v.numpy().tolist() == [5.0, 2.0]
    assert isinstance(x, tf.Tensor) and type(x).__name__ == "EagerTensor"


def test_both_cores_agree_bit_for_bit():
    """Every sample case of every differentiable op (forward, gradient, second order, JVP)
    and the benchmark programs give the same bytes on both cores."""
    if accel.compiled is None:
        pytest.skip(f"the compiled core is not in use: {accel.why_pure}")
    runs = {}
    for core, env in (("compiled", {}), ("pure", {"TAPEFLOW_PURE_PYTHON": "1"})):
        result = _python(BATTERY, **env)
        assert result.returncode == 0, result.stderr
        runs[core] = json.loads(result.stdout)
    compiled, pure = runs["compiled"], runs["pure"]
    assert compiled.pop("core") == "compiled" and pure.pop("core") == "pure"
    assert len(compiled) > 300
    differ = sorted(k for k in compiled if compiled[k] != pure.get(k))
    assert not differ, f"{len(differ)} results differ between the cores: {differ[:20]}"
    assert compiled.keys() == pure.keys()


@needs_compiled
def test_a_stale_build_is_refused_with_a_warning(tmp_path):
    """A compiled module built from another `_compiled.pyx` than the one installed beside it
    (an edit without a rebuild) is not used: tapeflow warns and runs pure Python."""
    copy = tmp_path / "tapeflow"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with open(copy / "_core" / "_compiled.pyx", "a") as f:
        f.write("\n# an edit\n")
    result = _python(
        "-c",
        "import tapeflow as tf; from tapeflow._core import accel;"
        "print(accel.compiled is None); print((tf.constant(2.0) * 3.0).numpy())",
        PYTHONPATH=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "6.0"]
    assert "stale" in result.stderr and "pure-Python core" in result.stderr


def _build(tmp_path, **env) -> subprocess.CompletedProcess:
    """`setup.py build_ext` of a copy of the project's build inputs."""
    pytest.importorskip("Cython")
    project = tmp_path / "project"
    shutil.copytree(
        os.path.join(ROOT, "src"),
        project / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.c"),
    )
    shutil.copy(os.path.join(ROOT, "setup.py"), project)
    shutil.copy(os.path.join(ROOT, "pyproject.toml"), project)
    shutil.copy(os.path.join(ROOT, "README.md"), project)
    return subprocess.run(
        [sys.executable, "setup.py", "build_ext", "--inplace"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**_env(), **env},
        timeout=300,
    )


@pytest.mark.skipif(not os.path.exists(os.path.join(ROOT, "setup.py")), reason="no source tree")
@pytest.mark.parametrize(
    "env, why",
    [({"CC": "false"}, "CompileError"), ({"TAPEFLOW_BUILD_PURE": "1"}, "TAPEFLOW_BUILD_PURE")],
    ids=["no compiler", "build turned off"],
)
def test_a_build_without_a_compiler_falls_back_with_a_one_line_notice(tmp_path, env, why):
    result = _build(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if line.startswith("tapeflow:")]
    assert len(notices) == 1, result.stderr
    assert why in notices[0] and "pure-Python core will be used" in notices[0]
    built = [n for n in os.listdir(tmp_path / "project" / "src" / "tapeflow" / "_core")]
    assert not [n for n in built if n.endswith((".so", ".pyd"))]


@pytest.mark.parametrize("pure", [False, True], ids=["as installed", "TAPEFLOW_PURE_PYTHON=1"])
def test_info_says_which_core_runs(pure):
    env = {"TAPEFLOW_PURE_PYTHON": "1"} if pure else {}
    result = _python("-m", "tapeflow", "info", **env)
    assert result.returncode == 0, result.stderr
    core = [line for line in result.stdout.splitlines() if line.startswith("core: ")]
    assert len(core) == 1
    state = _python(
        "-c", "from tapeflow._core import accel; print(accel.compiled is not None)", **env
    )
    if state.stdout.strip() == "True":
        assert not pure
        assert core[0].startswith("core: compiled (") and "_compiled" in core[0]
    else:
        assert core[0].startswith("core: pure Python (")
        assert ("TAPEFLOW_PURE_PYTHON" in core[0]) == pure


def test_a_cycle_through_a_slices_variable_is_collected():
    """A slice remembers its variable (`_slice_of`): the one field that can lead back to the
    tensor, so such a tensor is tracked on both cores and a cycle through it is collected."""
    holder = []
    s = tf.Variable([1.0, 2.0])[0]
    s._slice_of = (holder, 0, "strided_slice")
    holder.append(s)  # s -> (holder, ...) -> holder -> s
    assert gc.is_tracked(s)
    ref = weakref.ref(s)
    del s, holder
    gc.collect()
    assert ref() is None


# -- the buffer cache (a NEP 49 handler switched in around large ops) -----------------------

BIG = 1 << 16  # float32 elements: 256 KiB, the smallest size the cache keeps
_MULTIARRAY = np._core.multiarray if hasattr(np, "_core") else np.core.multiarray


def _handler_name(tensor) -> str | None:
    """The NumPy memory handler that allocated a tensor's value."""
    return _MULTIARRAY.get_handler_name(tensor._value)


@needs_compiled
def test_the_buffer_cache_reuses_dead_results_and_never_held_ones():
    cache = accel.compiled
    cache.release_buffers()
    x_np = np.linspace(-1, 1, 4 * BIG, dtype=np.float32)
    x = tf.constant(x_np)
    kept = [tf.sin(x), tf.exp(x), x * x]
    before = cache.buffer_cache_stats()
    for _ in range(4):
        tf.cos(x) * x  # both results dead at once: their buffers wait for the next ones
    after = cache.buffer_cache_stats()
    assert after["hits"] >= before["hits"] + 6
    assert 0 < after["held"] <= after["budget"]
    # What is still held was never written over.
    np.testing.assert_array_equal(kept[0].numpy(), np.sin(x_np))
    np.testing.assert_array_equal(kept[1].numpy(), np.exp(x_np))
    np.testing.assert_array_equal(kept[2].numpy(), x_np * x_np)
    assert _handler_name(kept[0]) == "tapeflow_buffer_cache"
    # NumPy outside tapeflow's ops, and small results, allocate as before.
    assert _MULTIARRAY.get_handler_name(np.sin(x_np)) == "default_allocator"
    assert _handler_name(tf.sin(x[:10])) == "default_allocator"
    assert cache.release_buffers() == after["held"]
    assert cache.buffer_cache_stats()["held"] == 0


@needs_compiled
def test_a_reused_buffer_given_out_as_zeros_is_zeroed():
    # StridedSliceGrad's forward is np.zeros(shape) (calloc) under the cache.
    x = tf.constant(np.full(4 * BIG + 1, 3.0, np.float32))
    for _ in range(3):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.exp(x) * 2.0  # leaves garbage-filled blocks of x's size in the cache
        del y
        with tf.GradientTape() as tape:
            tape.watch(x)
            head = x[: 4 * BIG]
        g = tape.gradient(head, x, output_gradients=tf.ones_like(head)).numpy()
        assert g[-1] == 0.0 and (g[:-1] == 1.0).all()


@needs_compiled
def test_threads_computing_large_gradients_agree_with_one_thread():
    import threading

    x_np = np.linspace(-2, 2, 4 * BIG, dtype=np.float32)

    def grad():
        x = tf.constant(x_np)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.sin(x) * x + tf.exp(-x * x))
        return tape.gradient(y, x).numpy()

    expected = grad()
    results = [None] * 4

    def worker(i):
        for _ in range(5):
            results[i] = grad()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        np.testing.assert_array_equal(r, expected)


@pytest.mark.parametrize(
    "setting, expected",
    [("0", "False 0 0"), ("1", "True 1048576 True"), ("lots", "True 268435456 True")],
)
@needs_compiled
def test_the_buffer_cache_budget_is_set_by_the_environment(setting, expected):
    script = (
        "import warnings, numpy as np, tapeflow as tf; from tapeflow._core import accel;"
        "x = tf.constant(np.ones(1 << 20, np.float32));"
        "[tf.exp(x * float(i)) for i in range(40)];"
        "[tf.exp(x[: (1 << 17) + i]) for i in range(100)];"
        "s = accel.compiled.buffer_cache_stats();"
        "print(s['on'], s['budget'], s['held'] <= s['budget'] and s['blocks'] <= 64"
        " if s['on'] else s['held'])"
    )
    result = _python("-c", script, TAPEFLOW_BUFFER_CACHE_MB=setting)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == expected.split()
    assert ("is not a number of MiB" in result.stderr) == (setting == "lots")
