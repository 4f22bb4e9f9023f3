"""The checkpoint scenarios whose results tests/data/tf_checkpoint_goldens.json pins.

tools/tf_goldens/make_checkpoint_goldens.py runs them under TensorFlow to write the goldens and
tests/test_train_goldens.py runs them under tapeflow to compare, so recording and replay are one
code and cannot drift apart. Every function takes the module playing `tf`; run them in an empty
working directory (they write checkpoint files relative to it).
"""

from __future__ import annotations

import gc
import os
import re
import types


def mask(text: str) -> str:
    """Masks what differs between runs: addresses and timestamps."""
    text = re.sub(r"0x[0-9a-f]+", "0x...", text)
    return re.sub(r"(timestamp[s]?: )[0-9.e+]+", r"\1<T>", text)


def error(fn):
    """`fn()`'s exception as {type, masked message}, or None when it returns."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - whatever the library raises is the result
        return {"type": type(e).__name__, "message": mask(str(e))}
    return None


def keys(tf, path):
    """`tf.train.list_variables(path)` as JSON lists."""
    return [[k, list(s)] for k, s in tf.train.list_variables(path)]


def save_keys(tf, name, graph=None, **objects):
    """Saves `objects` under `name/` and returns the checkpoint's keys and dtypes (and, with
    `graph` a function of the reader, its object graph)."""
    ckpt = tf.train.Checkpoint(**objects)
    path = ckpt.save(os.path.join(name, "ckpt"))
    reader = tf.train.load_checkpoint(path)
    dtypes = {k: v.name for k, v in reader.get_variable_to_dtype_map().items()}
    out = {"keys": keys(tf, path), "dtypes": dtypes}
    if graph is not None:
        out["graph"] = graph(reader)
    return out


def modules(tf) -> types.SimpleNamespace:
    """The tf.Module trees the scenarios save: Inner, Outer, Order and Deep."""

    class Inner(tf.Module):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.w = tf.Variable(tf.ones([2, 3]), name="w")
            self.b = tf.Variable(tf.zeros([3]), name="b")

    class Outer(tf.Module):
        def __init__(self):
            super().__init__()
            self.z = tf.Variable(1.0, name="z")
            self.layers = [Inner(), Inner()]
            self.table = {"b": tf.Variable([1.0, 2.0]), "a": Inner()}
            self.pair = (tf.Variable(3), [tf.Variable(4.0)])
            self.shared = self.layers[0].w
            self.empty = []
            self.config = {"n": 3}
            self.label = "x"
            self.count = 7
            self.nested = [[tf.Variable(5.0)], {"k": tf.Variable(6.0)}]

    class Order(tf.Module):
        """Which of two names holding one variable wins: assignment order, or sorted?"""

        def __init__(self):
            super().__init__()
            v = tf.Variable(1.0)
            self.zeta = v
            self.alpha = v
            d = tf.Variable(2.0)
            self.table = {"y": d, "x": d}

    class Deep(tf.Module):
        """A variable reachable at depth 1 under a later name and depth 2 under an earlier one."""

        def __init__(self):
            super().__init__()
            self.inner = Inner()
            self.direct = self.inner.w

    return types.SimpleNamespace(Inner=Inner, Outer=Outer, Order=Order, Deep=Deep)


def module_keys(tf) -> dict:
    """The keys TF gives tf.Module trees, kwargs order, shared variables, non-string keys."""
    m = modules(tf)
    out = {}
    out["outer"] = save_keys(tf, "outer", model=m.Outer())
    out["outer_root"] = {"keys": keys(tf, tf.train.Checkpoint(m.Outer()).save("outer_root/ckpt"))}
    out["order"] = save_keys(tf, "order", m=m.Order())
    out["deep"] = save_keys(tf, "deep", m=m.Deep())
    v = tf.Variable(1.0)
    out["kwargs_sorted"] = save_keys(tf, "kw", zz=v, aa=v, mm=[v, tf.Variable([1, 2])])
    out["dict_int_keys"] = {"error": error(lambda: save_keys(tf, "dk", d={1: tf.Variable(1.0)}))}
    out["list_of_ints"] = save_keys(tf, "li", l=[1, 2, tf.Variable(1.0)], v=tf.Variable(2.0))
    return out


def api(tf, lines: list) -> dict:
    """The checkpoint API sequence; `lines` collects what TF's / tapeflow's logger logs."""
    inner = modules(tf).Inner
    out = {}
    v = tf.Variable([1.0, 2.0], name="vee")
    step = tf.Variable(1)
    ckpt = tf.train.Checkpoint(step=step, v=v)
    out["write_fresh"] = ckpt.write("fresh/w")
    out["write_fresh_keys"] = keys(tf, "fresh/w")
    out["write_fresh_files"] = sorted(os.listdir("fresh"))
    out["save_1"] = ckpt.save("./tf_ckpts/ckpt")
    out["save_2"] = ckpt.save("./tf_ckpts/ckpt")
    out["files"] = sorted(os.listdir("tf_ckpts"))
    out["checkpoint_file"] = mask(open("tf_ckpts/checkpoint").read())
    out["latest"] = tf.train.latest_checkpoint("./tf_ckpts")
    out["latest_slash"] = tf.train.latest_checkpoint("./tf_ckpts/")
    out["latest_missing"] = tf.train.latest_checkpoint("./nonexistent")
    out["save_counter_repr"] = repr(ckpt.save_counter)
    out["write_path"] = ckpt.write("./tf_ckpts/written")
    out["files_after_write"] = sorted(os.listdir("tf_ckpts"))
    out["checkpoint_file_after_write"] = mask(open("tf_ckpts/checkpoint").read())
    out["save_counter_after_write"] = int(ckpt.save_counter)
    out["list_variables"] = keys(tf, out["save_2"])
    out["list_variables_dir"] = keys(tf, "tf_ckpts")
    out["load_variable"] = tf.train.load_variable(
        out["save_2"], "v/.ATTRIBUTES/VARIABLE_VALUE"
    ).tolist()
    out["load_variable_type"] = type(
        tf.train.load_variable(out["save_2"], "step/.ATTRIBUTES/VARIABLE_VALUE")
    ).__name__
    out["load_variable_step_dtype"] = str(
        tf.train.load_variable(out["save_2"], "step/.ATTRIBUTES/VARIABLE_VALUE").dtype
    )
    out["load_variable_missing"] = error(lambda: tf.train.load_variable(out["save_2"], "nope"))
    reader = tf.train.load_checkpoint(out["save_2"])
    out["reader_type"] = type(reader).__name__
    out["reader_shape_map"] = {k: list(s) for k, s in reader.get_variable_to_shape_map().items()}
    out["reader_dtype_map"] = {k: d.name for k, d in reader.get_variable_to_dtype_map().items()}
    out["reader_has_tensor"] = [
        reader.has_tensor("step/.ATTRIBUTES/VARIABLE_VALUE"),
        reader.has_tensor("x"),
    ]
    out["reader_get_tensor_missing"] = error(lambda: reader.get_tensor("x"))
    out["graph_tensor_type"] = type(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH")).__name__
    out["load_checkpoint_missing"] = error(lambda: tf.train.load_checkpoint("./nope/ckpt-1"))
    out["load_checkpoint_missing_dir"] = error(lambda: tf.train.load_checkpoint("./tf_ckpts_none/"))
    out["list_variables_missing"] = error(lambda: tf.train.list_variables("./nope/ckpt-1"))

    v.assign([9.0, 9.0])
    step.assign(99)
    st = ckpt.restore(out["save_1"])
    out["restore_type"] = type(st).__name__
    out["restored"] = [v.numpy().tolist(), int(step)]
    out["restored_save_counter"] = int(ckpt.save_counter)
    out["assert_consumed_returns_self"] = st.assert_consumed() is st
    out["assert_existing_returns_self"] = st.assert_existing_objects_matched() is st
    out["assert_nontrivial_returns_self"] = st.assert_nontrivial_match() is st
    out["expect_partial_returns_self"] = st.expect_partial() is st
    out["run_restore_ops"] = repr(st.run_restore_ops())
    out["read_type"] = type(ckpt.read(out["write_path"])).__name__
    out["restore_missing"] = error(lambda: ckpt.restore("./nope/ckpt-1"))
    out["read_missing"] = error(lambda: ckpt.read("./nope/ckpt-1"))
    out["restore_dir"] = error(lambda: ckpt.restore("./tf_ckpts"))
    init = tf.train.Checkpoint(step=tf.Variable(0)).restore(None)
    out["restore_none_type"] = type(init).__name__
    out["init_only_errors"] = {
        name: error(getattr(init, name))
        for name in [
            "assert_consumed",
            "assert_existing_objects_matched",
            "assert_nontrivial_match",
            "run_restore_ops",
        ]
    }
    out["init_only_expect_partial"] = (
        error(init.expect_partial) if hasattr(init, "expect_partial") else "missing"
    )
    out["untrackable"] = error(lambda: tf.train.Checkpoint(x=object()))
    out["untrackable_int"] = error(lambda: tf.train.Checkpoint(x=3))
    out["untrackable_list"] = error(lambda: tf.train.Checkpoint(x=[object()]))
    out["untrackable_tensor"] = error(lambda: tf.train.Checkpoint(x=tf.constant(1.0)))
    out["untrackable_root"] = error(lambda: tf.train.Checkpoint(object()))
    out["iterator"] = error(lambda: tf.train.Checkpoint(it=iter([1, 2])))
    out["save_counter_name_kwarg"] = error(lambda: tf.train.Checkpoint(save_counter=tf.Variable(1)))

    # shape / dtype mismatches
    p = tf.train.Checkpoint(v=tf.Variable([1.0, 2.0, 3.0])).save("mm/ckpt")
    out["shape_mismatch"] = error(lambda: tf.train.Checkpoint(v=tf.Variable([1.0, 2.0])).restore(p))
    out["dtype_mismatch"] = error(lambda: tf.train.Checkpoint(v=tf.Variable([1, 2, 3])).restore(p))
    out["float64_into_float32"] = error(
        lambda: tf.train.Checkpoint(v=tf.Variable([1.0, 2.0, 3.0], dtype=tf.float64)).restore(p)
    )

    # partial restores, texts and deletion warnings
    big = tf.train.Checkpoint(
        a=tf.Variable(1.0, name="alpha"), b=inner(name="blk"), c=[tf.Variable(2)]
    )
    bp = big.save("big/ckpt")
    small = tf.train.Checkpoint(a=tf.Variable(0.0))
    st = small.restore(bp)
    out["partial_assert_existing"] = error(st.assert_existing_objects_matched)
    out["partial_assert_nontrivial"] = error(st.assert_nontrivial_match)
    out["partial_assert_consumed"] = error(st.assert_consumed)
    lines.clear()
    del st
    gc.collect()
    out["warnings_after_del_status"] = list(lines)
    del small
    gc.collect()
    out["warnings_after_del_checkpoint"] = list(lines)
    lines.clear()
    quiet = tf.train.Checkpoint(a=tf.Variable(0.0))
    quiet.restore(bp).expect_partial()
    del quiet
    gc.collect()
    out["warnings_expect_partial"] = list(lines)

    extra = tf.train.Checkpoint(a=tf.Variable(0.0), z=tf.Variable(5.0), m=inner(name="mm"))
    st = extra.restore(bp)
    out["extra_assert_existing"] = error(st.assert_existing_objects_matched)
    out["extra_assert_consumed"] = error(st.assert_consumed)
    st.expect_partial()
    nothing = tf.train.Checkpoint(q=tf.Variable(0.0))
    st = nothing.restore(bp)
    out["nothing_assert_nontrivial"] = error(st.assert_nontrivial_match)
    out["nothing_assert_existing"] = error(st.assert_existing_objects_matched)
    st.expect_partial()
    empty = tf.train.Checkpoint()
    st = empty.restore(bp)
    out["empty_assert_nontrivial"] = error(st.assert_nontrivial_match)
    st.expect_partial()

    # deferred restore into tf.Module attributes created later
    class Holder(tf.Module):
        pass

    src = Holder()
    src.inner = inner(name="src")
    src.inner.w.assign(tf.fill([2, 3], 7.0))
    src.v = tf.Variable(3.5)
    hp = tf.train.Checkpoint(h=src).save("hold/ckpt")
    dst = Holder()
    st = tf.train.Checkpoint(h=dst).restore(hp)
    out["deferred_existing_before"] = error(st.assert_existing_objects_matched)
    out["deferred_consumed_before"] = error(st.assert_consumed)
    dst.v = tf.Variable(0.0)
    out["deferred_v"] = float(dst.v.numpy())
    dst.inner = inner(name="dst")
    out["deferred_w"] = dst.inner.w.numpy().tolist()
    out["deferred_consumed_after"] = error(st.assert_consumed)

    # CheckpointManager
    mgr = tf.train.CheckpointManager(ckpt, "./tf_mgr", max_to_keep=2)
    out["mgr_latest_before"] = mgr.latest_checkpoint
    out["mgr_checkpoints_before"] = mgr.checkpoints
    out["mgr_saves"] = [mgr.save() for _ in range(3)]
    out["mgr_checkpoints"] = mgr.checkpoints
    out["mgr_files"] = sorted(os.listdir("tf_mgr"))
    out["mgr_checkpoint_file"] = mask(open("tf_mgr/checkpoint").read())
    out["mgr_save_10"] = mgr.save(checkpoint_number=10)
    out["mgr_save_counter_after_10"] = int(ckpt.save_counter)
    out["mgr_save_tensor_number"] = mgr.save(checkpoint_number=tf.Variable(12, dtype=tf.int64))
    out["mgr_directory"] = mgr.directory
    out["mgr_again"] = tf.train.CheckpointManager(ckpt, "./tf_mgr", max_to_keep=2).checkpoints
    out["mgr_again_latest"] = tf.train.CheckpointManager(
        ckpt, "./tf_mgr", max_to_keep=5
    ).latest_checkpoint
    out["mgr_zero"] = error(lambda: tf.train.CheckpointManager(ckpt, "./tf_mgr0", max_to_keep=0))
    out["mgr_interval_no_counter"] = error(
        lambda: tf.train.CheckpointManager(ckpt, "./tf_mgr1", max_to_keep=2, checkpoint_interval=2)
    )
    counter = tf.Variable(0)
    imgr = tf.train.CheckpointManager(
        ckpt,
        "./tf_mgr2",
        max_to_keep=None,
        step_counter=counter,
        checkpoint_interval=3,
        checkpoint_name="model",
    )
    saves = []
    for i in range(8):
        counter.assign(i)
        saves.append(imgr.save())
    counter.assign(4)
    saves.append(imgr.save(check_interval=False))
    saves.append(imgr.save(check_interval=False))
    out["mgr_interval_saves"] = saves
    out["mgr_interval_checkpoints"] = imgr.checkpoints
    out["mgr_interval_file"] = mask(open("tf_mgr2/checkpoint").read())
    out["mgr_restore_or_initialize"] = imgr.restore_or_initialize()
    called = []
    fresh_mgr = tf.train.CheckpointManager(
        ckpt, "./tf_mgr3", max_to_keep=1, init_fn=lambda: called.append(1)
    )
    out["mgr_restore_or_initialize_fresh"] = [fresh_mgr.restore_or_initialize(), called]
    absdir = os.path.abspath("tf_mgr_abs")
    amgr = tf.train.CheckpointManager(ckpt, absdir, max_to_keep=1)
    amgr.save()
    text = open(os.path.join(absdir, "checkpoint")).read()
    out["mgr_abs_dir_file"] = mask(text).replace(os.getcwd(), "<CWD>")
    saved = ckpt.save(os.path.abspath("abs_save/ckpt"))
    text = open(os.path.join(os.path.dirname(saved), "checkpoint")).read()
    out["save_abs_file"] = mask(text).replace(os.getcwd(), "<CWD>")
    # a latest checkpoint whose files are gone
    os.makedirs("gone", exist_ok=True)
    gp = tf.train.Checkpoint(v=tf.Variable(1.0)).save("gone/ckpt")
    os.remove(gp + ".index")
    lines.clear()
    out["latest_files_gone"] = tf.train.latest_checkpoint("gone")
    out["latest_files_gone_log"] = list(lines)
    tf.train.Checkpoint(v=tf.Variable(1.0)).write("wo/w")  # no save_counter in the file
    st = tf.train.Checkpoint(v=tf.Variable(0.0)).restore("wo/w")
    out["restore_written_existing"] = error(st.assert_existing_objects_matched)
    out["restore_written_nontrivial"] = error(st.assert_nontrivial_match)
    out["read_written_consumed"] = error(
        tf.train.Checkpoint(v=tf.Variable(0.0)).read("wo/w").assert_consumed
    )
    out["options_repr"] = type(tf.train.CheckpointOptions()).__name__
    out["save_with_options"] = ckpt.save("opts/ckpt", options=tf.train.CheckpointOptions())
    return out
