"""Records what real TensorFlow 2.21 writes and says for `tf.train` checkpoints.

Writes `tests/data/tf_checkpoint_goldens.json`, replayed by `tests/test_train*.py`:

- `keys`: `tf.train.list_variables` of checkpoints of tf.Module trees (attributes in assignment
  order, lists, tuples, dicts, shared variables, non-trackable attributes), of tf.keras Dense,
  Sequential and subclassed models, and of Keras optimizers after one step (the Keras
  implementation is checked against these later);
- `api`: the file names, the `checkpoint` text file (timestamps masked), status classes,
  error classes and messages and the warnings logged when a partial restore is deleted.

Run where TensorFlow is installed:

    /work/tfvenv/bin/python tools/tf_goldens/make_checkpoint_goldens.py
"""

from __future__ import annotations

import gc
import json
import logging
import os
import pathlib
import re
import sys
import tempfile

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import tensorflow as tf  # noqa: E402

keras = tf.keras
OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "tf_checkpoint_goldens.json"


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


CAPTURE = _Capture()
tf.get_logger().addHandler(CAPTURE)
tf.get_logger().propagate = False


def _mask(text: str) -> str:
    text = re.sub(r"0x[0-9a-f]+", "0x...", text)
    return re.sub(r"(timestamp[s]?: )[0-9.e+]+", r"\1<T>", text)


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we record whatever TF raises
        return {"type": type(e).__name__, "message": _mask(str(e))}
    return None


def _keys(path):
    return [[k, list(s)] for k, s in tf.train.list_variables(path)]


def _graph(reader):
    """TF's object graph as `{node path: {"children": [...], "full_names": [...]}}`: the
    children (in TF's order) that Keras objects' `_checkpoint_children()` must give."""
    from tensorflow.core.protobuf import trackable_object_graph_pb2

    proto = trackable_object_graph_pb2.TrackableObjectGraph()
    proto.ParseFromString(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"))
    paths = {0: "(root)"}
    queue = [0]
    while queue:
        i = queue.pop(0)
        for child in proto.nodes[i].children:
            if child.node_id not in paths:
                paths[child.node_id] = paths[i] + "." + child.local_name
                queue.append(child.node_id)
    return {
        paths[i]: {
            "children": [c.local_name for c in node.children],
            "full_names": [a.full_name for a in node.attributes],
        }
        for i, node in enumerate(proto.nodes)
    }


def _save_keys(name, graph=False, **objects):
    ckpt = tf.train.Checkpoint(**objects)
    path = ckpt.save(os.path.join(name, "ckpt"))
    reader = tf.train.load_checkpoint(path)
    dtypes = {k: v.name for k, v in reader.get_variable_to_dtype_map().items()}
    out = {"keys": _keys(path), "dtypes": dtypes}
    if graph:
        out["graph"] = _graph(reader)
    return out


# ---------------------------------------------------------------------------- tf.Module trees
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


def module_keys():
    out = {}
    out["outer"] = _save_keys("outer", model=Outer())
    out["outer_root"] = {"keys": _keys(tf.train.Checkpoint(Outer()).save("outer_root/ckpt"))}
    out["order"] = _save_keys("order", m=Order())
    out["deep"] = _save_keys("deep", m=Deep())
    v = tf.Variable(1.0)
    out["kwargs_sorted"] = _save_keys("kw", zz=v, aa=v, mm=[v, tf.Variable([1, 2])])
    out["dict_int_keys"] = {"error": _error(lambda: _save_keys("dk", d={1: tf.Variable(1.0)}))}
    out["list_of_ints"] = _save_keys("li", l=[1, 2, tf.Variable(1.0)], v=tf.Variable(2.0))
    return out


# ---------------------------------------------------------------------------- Keras objects
def keras_keys():
    out = {}
    d = keras.layers.Dense(4)
    d.build((None, 3))
    out["dense"] = _save_keys("k_dense", graph=True, layer=d)
    out["dense_root"] = {"keys": _keys(tf.train.Checkpoint(d).save("k_dense_root/ckpt"))}
    seq = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    out["sequential"] = _save_keys("k_seq", graph=True, net=seq)
    seq2 = keras.Sequential([keras.layers.Dense(2, use_bias=False)])
    seq2(tf.ones((1, 3)))
    out["sequential_built_by_call"] = _save_keys("k_seq2", graph=True, net=seq2)

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.l1 = keras.layers.Dense(5)
            self.blocks = [keras.layers.Dense(3), keras.layers.Dense(2)]
            self.norm = keras.layers.BatchNormalization()

        def call(self, x):
            x = self.l1(x)
            for b in self.blocks:
                x = b(x)
            return self.norm(x)

    net = Net()
    net(tf.ones((2, 4)))
    out["subclassed"] = _save_keys("k_sub", graph=True, net=net)
    for name, opt in [
        ("adam", keras.optimizers.Adam(0.1)),
        ("sgd_momentum", keras.optimizers.SGD(0.1, momentum=0.9)),
        ("sgd", keras.optimizers.SGD(0.1)),
        ("rmsprop", keras.optimizers.RMSprop(0.1)),
    ]:
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        with tf.GradientTape() as t:
            loss = tf.reduce_sum(model(tf.ones((2, 3))))
        grads = t.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        out[f"{name}_one_step"] = _save_keys(
            f"k_{name}", graph=True, step=tf.Variable(1), optimizer=opt, net=model
        )
        out[f"{name}_alone"] = _save_keys(f"k_{name}_alone", optimizer=opt)
    metric = keras.metrics.Mean()
    metric.update_state([1.0, 2.0])
    # Keras 3 metrics are not trackable (a wart of TF 2.21)
    out["metric_mean"] = {"error": _error(lambda: _save_keys("k_metric", metric=metric))}
    return out


# ---------------------------------------------------------------------------- the API
def api():
    out = {}
    v = tf.Variable([1.0, 2.0], name="vee")
    step = tf.Variable(1)
    ckpt = tf.train.Checkpoint(step=step, v=v)
    out["write_fresh"] = ckpt.write("fresh/w")
    out["write_fresh_keys"] = _keys("fresh/w")
    out["write_fresh_files"] = sorted(os.listdir("fresh"))
    out["save_1"] = ckpt.save("./tf_ckpts/ckpt")
    out["save_2"] = ckpt.save("./tf_ckpts/ckpt")
    out["files"] = sorted(os.listdir("tf_ckpts"))
    out["checkpoint_file"] = _mask(open("tf_ckpts/checkpoint").read())
    out["latest"] = tf.train.latest_checkpoint("./tf_ckpts")
    out["latest_slash"] = tf.train.latest_checkpoint("./tf_ckpts/")
    out["latest_missing"] = tf.train.latest_checkpoint("./nonexistent")
    out["save_counter_repr"] = repr(ckpt.save_counter)
    out["write_path"] = ckpt.write("./tf_ckpts/written")
    out["files_after_write"] = sorted(os.listdir("tf_ckpts"))
    out["checkpoint_file_after_write"] = _mask(open("tf_ckpts/checkpoint").read())
    out["save_counter_after_write"] = int(ckpt.save_counter)
    out["list_variables"] = _keys(out["save_2"])
    out["list_variables_dir"] = _keys("tf_ckpts")
    out["load_variable"] = tf.train.load_variable(
        out["save_2"], "v/.ATTRIBUTES/VARIABLE_VALUE"
    ).tolist()
    out["load_variable_type"] = type(
        tf.train.load_variable(out["save_2"], "step/.ATTRIBUTES/VARIABLE_VALUE")
    ).__name__
    out["load_variable_step_dtype"] = str(
        tf.train.load_variable(out["save_2"], "step/.ATTRIBUTES/VARIABLE_VALUE").dtype
    )
    out["load_variable_missing"] = _error(lambda: tf.train.load_variable(out["save_2"], "nope"))
    reader = tf.train.load_checkpoint(out["save_2"])
    out["reader_type"] = type(reader).__name__
    out["reader_shape_map"] = {k: list(s) for k, s in reader.get_variable_to_shape_map().items()}
    out["reader_dtype_map"] = {k: d.name for k, d in reader.get_variable_to_dtype_map().items()}
    out["reader_has_tensor"] = [
        reader.has_tensor("step/.ATTRIBUTES/VARIABLE_VALUE"),
        reader.has_tensor("x"),
    ]
    out["reader_get_tensor_missing"] = _error(lambda: reader.get_tensor("x"))
    out["graph_tensor_type"] = type(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH")).__name__
    out["load_checkpoint_missing"] = _error(lambda: tf.train.load_checkpoint("./nope/ckpt-1"))
    out["load_checkpoint_missing_dir"] = _error(
        lambda: tf.train.load_checkpoint("./tf_ckpts_none/")
    )
    out["list_variables_missing"] = _error(lambda: tf.train.list_variables("./nope/ckpt-1"))

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
    out["restore_missing"] = _error(lambda: ckpt.restore("./nope/ckpt-1"))
    out["read_missing"] = _error(lambda: ckpt.read("./nope/ckpt-1"))
    out["restore_dir"] = _error(lambda: ckpt.restore("./tf_ckpts"))
    init = tf.train.Checkpoint(step=tf.Variable(0)).restore(None)
    out["restore_none_type"] = type(init).__name__
    out["init_only_errors"] = {
        name: _error(getattr(init, name))
        for name in [
            "assert_consumed",
            "assert_existing_objects_matched",
            "assert_nontrivial_match",
            "run_restore_ops",
        ]
    }
    out["init_only_expect_partial"] = (
        _error(init.expect_partial) if hasattr(init, "expect_partial") else "missing"
    )
    out["untrackable"] = _error(lambda: tf.train.Checkpoint(x=object()))
    out["untrackable_int"] = _error(lambda: tf.train.Checkpoint(x=3))
    out["untrackable_list"] = _error(lambda: tf.train.Checkpoint(x=[object()]))
    out["untrackable_tensor"] = _error(lambda: tf.train.Checkpoint(x=tf.constant(1.0)))
    out["untrackable_root"] = _error(lambda: tf.train.Checkpoint(object()))
    out["iterator"] = _error(lambda: tf.train.Checkpoint(it=iter([1, 2])))
    out["save_counter_name_kwarg"] = _error(
        lambda: tf.train.Checkpoint(save_counter=tf.Variable(1))
    )

    # shape / dtype mismatches
    p = tf.train.Checkpoint(v=tf.Variable([1.0, 2.0, 3.0])).save("mm/ckpt")
    out["shape_mismatch"] = _error(
        lambda: tf.train.Checkpoint(v=tf.Variable([1.0, 2.0])).restore(p)
    )
    out["dtype_mismatch"] = _error(lambda: tf.train.Checkpoint(v=tf.Variable([1, 2, 3])).restore(p))
    out["float64_into_float32"] = _error(
        lambda: tf.train.Checkpoint(v=tf.Variable([1.0, 2.0, 3.0], dtype=tf.float64)).restore(p)
    )

    # partial restores, texts and deletion warnings
    big = tf.train.Checkpoint(
        a=tf.Variable(1.0, name="alpha"), b=Inner(name="blk"), c=[tf.Variable(2)]
    )
    bp = big.save("big/ckpt")
    small = tf.train.Checkpoint(a=tf.Variable(0.0))
    st = small.restore(bp)
    out["partial_assert_existing"] = _error(st.assert_existing_objects_matched)
    out["partial_assert_nontrivial"] = _error(st.assert_nontrivial_match)
    out["partial_assert_consumed"] = _error(st.assert_consumed)
    CAPTURE.lines.clear()
    del st
    gc.collect()
    out["warnings_after_del_status"] = list(CAPTURE.lines)
    del small
    gc.collect()
    out["warnings_after_del_checkpoint"] = list(CAPTURE.lines)
    CAPTURE.lines.clear()
    quiet = tf.train.Checkpoint(a=tf.Variable(0.0))
    quiet.restore(bp).expect_partial()
    del quiet
    gc.collect()
    out["warnings_expect_partial"] = list(CAPTURE.lines)

    extra = tf.train.Checkpoint(a=tf.Variable(0.0), z=tf.Variable(5.0), m=Inner(name="mm"))
    st = extra.restore(bp)
    out["extra_assert_existing"] = _error(st.assert_existing_objects_matched)
    out["extra_assert_consumed"] = _error(st.assert_consumed)
    st.expect_partial()
    nothing = tf.train.Checkpoint(q=tf.Variable(0.0))
    st = nothing.restore(bp)
    out["nothing_assert_nontrivial"] = _error(st.assert_nontrivial_match)
    out["nothing_assert_existing"] = _error(st.assert_existing_objects_matched)
    st.expect_partial()
    empty = tf.train.Checkpoint()
    st = empty.restore(bp)
    out["empty_assert_nontrivial"] = _error(st.assert_nontrivial_match)
    st.expect_partial()

    # deferred restore into tf.Module attributes created later
    class Holder(tf.Module):
        pass

    src = Holder()
    src.inner = Inner(name="src")
    src.inner.w.assign(tf.fill([2, 3], 7.0))
    src.v = tf.Variable(3.5)
    hp = tf.train.Checkpoint(h=src).save("hold/ckpt")
    dst = Holder()
    st = tf.train.Checkpoint(h=dst).restore(hp)
    out["deferred_existing_before"] = _error(st.assert_existing_objects_matched)
    out["deferred_consumed_before"] = _error(st.assert_consumed)
    dst.v = tf.Variable(0.0)
    out["deferred_v"] = float(dst.v.numpy())
    dst.inner = Inner(name="dst")
    out["deferred_w"] = dst.inner.w.numpy().tolist()
    out["deferred_consumed_after"] = _error(st.assert_consumed)

    # CheckpointManager
    mgr = tf.train.CheckpointManager(ckpt, "./tf_mgr", max_to_keep=2)
    out["mgr_latest_before"] = mgr.latest_checkpoint
    out["mgr_checkpoints_before"] = mgr.checkpoints
    out["mgr_saves"] = [mgr.save() for _ in range(3)]
    out["mgr_checkpoints"] = mgr.checkpoints
    out["mgr_files"] = sorted(os.listdir("tf_mgr"))
    out["mgr_checkpoint_file"] = _mask(open("tf_mgr/checkpoint").read())
    out["mgr_save_10"] = mgr.save(checkpoint_number=10)
    out["mgr_save_counter_after_10"] = int(ckpt.save_counter)
    out["mgr_save_tensor_number"] = mgr.save(checkpoint_number=tf.Variable(12, dtype=tf.int64))
    out["mgr_directory"] = mgr.directory
    out["mgr_again"] = tf.train.CheckpointManager(ckpt, "./tf_mgr", max_to_keep=2).checkpoints
    out["mgr_again_latest"] = tf.train.CheckpointManager(
        ckpt, "./tf_mgr", max_to_keep=5
    ).latest_checkpoint
    out["mgr_zero"] = _error(lambda: tf.train.CheckpointManager(ckpt, "./tf_mgr0", max_to_keep=0))
    out["mgr_interval_no_counter"] = _error(
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
    out["mgr_interval_file"] = _mask(open("tf_mgr2/checkpoint").read())
    out["mgr_restore_or_initialize"] = imgr.restore_or_initialize()
    called = []
    fresh_mgr = tf.train.CheckpointManager(
        ckpt, "./tf_mgr3", max_to_keep=1, init_fn=lambda: called.append(1)
    )
    out["mgr_restore_or_initialize_fresh"] = [fresh_mgr.restore_or_initialize(), called]
    out["mgr_abs_dir_file"] = None
    absdir = os.path.abspath("tf_mgr_abs")
    amgr = tf.train.CheckpointManager(ckpt, absdir, max_to_keep=1)
    amgr.save()
    out["mgr_abs_dir_file"] = _mask(
        open(os.path.join(absdir, "checkpoint").replace(os.getcwd(), ".")).read()
    ).replace(os.getcwd(), "<CWD>")
    out["save_abs_file"] = _mask(
        open(
            os.path.join(
                os.path.abspath(os.path.dirname(ckpt.save(os.path.abspath("abs_save/ckpt")))),
                "checkpoint",
            )
        ).read()
    ).replace(os.getcwd(), "<CWD>")
    # a latest checkpoint whose files are gone
    os.makedirs("gone", exist_ok=True)
    gp = tf.train.Checkpoint(v=tf.Variable(1.0)).save("gone/ckpt")
    os.remove(gp + ".index")
    CAPTURE.lines.clear()
    out["latest_files_gone"] = tf.train.latest_checkpoint("gone")
    out["latest_files_gone_log"] = list(CAPTURE.lines)
    tf.train.Checkpoint(v=tf.Variable(1.0)).write("wo/w")  # no save_counter in the file
    st = tf.train.Checkpoint(v=tf.Variable(0.0)).restore("wo/w")
    out["restore_written_existing"] = _error(st.assert_existing_objects_matched)
    out["restore_written_nontrivial"] = _error(st.assert_nontrivial_match)
    out["read_written_consumed"] = _error(
        tf.train.Checkpoint(v=tf.Variable(0.0)).read("wo/w").assert_consumed
    )
    out["options_repr"] = type(tf.train.CheckpointOptions()).__name__
    out["save_with_options"] = ckpt.save("opts/ckpt", options=tf.train.CheckpointOptions())
    return out


WRITTEN = OUT.parent / "tf_written_checkpoints"


def tf_written():
    """Checkpoints real TF writes (TensorBundle files, committed under tests/data/): tapeflow
    must list, read and restore them. Returns their keys, dtypes and values."""
    import shutil

    import numpy as np

    shutil.rmtree(WRITTEN, ignore_errors=True)
    out = {}
    m = tf.Module()
    m.w = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    m.b = tf.Variable(np.array([1.5, -2.5]))
    m.flag = tf.Variable(True)
    m.count = tf.Variable(np.int64(7))
    m.small = tf.Variable(np.array([1, 2, 3], dtype=np.int8))
    m.half = tf.Variable(np.array([0.5, 1.25], dtype=np.float16))
    m.items = [tf.Variable([1, 2, 3]), {"z": tf.Variable(np.array([[1 + 2j]], np.complex64))}]
    ckpt = tf.train.Checkpoint(step=tf.Variable(3), net=m)
    path = ckpt.save(str(WRITTEN / "module" / "ckpt"))
    reader = tf.train.load_checkpoint(path)
    out["module"] = {
        "keys": _keys(path),
        "dtypes": {k: v.name for k, v in reader.get_variable_to_dtype_map().items()},
        "values": {
            k: np.asarray(reader.get_tensor(k)).tolist()
            for k, _ in tf.train.list_variables(path)
            if k != "_CHECKPOINTABLE_OBJECT_GRAPH" and "items/1" not in k
        },
        "complex": [[1.0, 2.0]],
    }
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.layers[0].kernel.assign(np.arange(6, dtype=np.float32).reshape(3, 2) / 10)
    opt = keras.optimizers.Adam(0.1)
    with tf.GradientTape() as t:
        loss = tf.reduce_sum(model(tf.ones((2, 3))))
    opt.apply_gradients(zip(t.gradient(loss, model.trainable_variables), model.trainable_variables))
    path = tf.train.Checkpoint(optimizer=opt, net=model).save(str(WRITTEN / "keras" / "ckpt"))
    reader = tf.train.load_checkpoint(path)
    out["keras"] = {
        "keys": _keys(path),
        "values": {
            k: np.asarray(reader.get_tensor(k)).tolist()
            for k, _ in tf.train.list_variables(path)
            if k != "_CHECKPOINTABLE_OBJECT_GRAPH"
        },
    }
    return out


def main():
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        result = {
            "versions": {
                "tensorflow": tf.__version__,
                "keras": keras.__version__,
                "python": sys.version.split()[0],
            },
            "modules": module_keys(),
            "keras": keras_keys(),
            "api": api(),
            "tf_written": tf_written(),
        }
    OUT.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
