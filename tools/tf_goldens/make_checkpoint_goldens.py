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

import json
import logging
import os
import pathlib
import sys
import tempfile

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import tensorflow as tf  # noqa: E402

keras = tf.keras
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests"))
from checkpoint_scenario import api, error, keys, module_keys, save_keys  # noqa: E402

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


# ---------------------------------------------------------------------------- Keras objects
def keras_keys():
    out = {}
    d = keras.layers.Dense(4)
    d.build((None, 3))
    out["dense"] = save_keys(tf, "k_dense", graph=_graph, layer=d)
    out["dense_root"] = {"keys": keys(tf, tf.train.Checkpoint(d).save("k_dense_root/ckpt"))}
    seq = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    out["sequential"] = save_keys(tf, "k_seq", graph=_graph, net=seq)
    seq2 = keras.Sequential([keras.layers.Dense(2, use_bias=False)])
    seq2(tf.ones((1, 3)))
    out["sequential_built_by_call"] = save_keys(tf, "k_seq2", graph=_graph, net=seq2)

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
    out["subclassed"] = save_keys(tf, "k_sub", graph=_graph, net=net)
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
        out[f"{name}_one_step"] = save_keys(
            tf, f"k_{name}", graph=_graph, step=tf.Variable(1), optimizer=opt, net=model
        )
        out[f"{name}_alone"] = save_keys(tf, f"k_{name}_alone", optimizer=opt)
    metric = keras.metrics.Mean()
    metric.update_state([1.0, 2.0])
    # Keras 3 metrics are not trackable (a wart of TF 2.21)
    out["metric_mean"] = {"error": error(lambda: save_keys(tf, "k_metric", metric=metric))}
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
        "keys": keys(tf, path),
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
        "keys": keys(tf, path),
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
            "modules": module_keys(tf),
            "keras": keras_keys(),
            "api": api(tf, CAPTURE.lines),
            "tf_written": tf_written(),
        }
    OUT.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
