"""`Functional`: a model defined by a graph of layers called on `keras.Input`s."""

from __future__ import annotations

import warnings

import tapeflow as tf

from ..keras_tensor import KerasTensor
from ..layers.core.input_layer import InputLayer
from ..layers.layer import Layer
from ..serialization import serialize
from . import model as _model
from .model import Model


def _map_graph(inputs, outputs):
    """Nodes by depth and operations in Keras' order: deepest first, and within a depth in
    the order a depth-first walk from the outputs first reached them."""
    finished, in_progress, ordered, indices = set(), set(), [], {}
    input_ids = {id(x) for x in inputs}

    def visit(tensor):
        op, node_index, _ = tensor._keras_history
        node = op._inbound_nodes[node_index]
        if id(node) in finished:
            return
        if not node.is_input and id(tensor) in input_ids:
            finished.add(id(node))
            return
        if id(node) in in_progress:
            raise ValueError(f"Tensor {tensor} from operation '{op.name}' is part of a cycle.")
        if op not in indices:
            indices[op] = len(indices)
        in_progress.add(id(node))
        if not node.is_input:
            for x in node.input_tensors:
                visit(x)
        finished.add(id(node))
        in_progress.discard(id(node))
        ordered.append(node)

    for x in outputs:
        visit(x)
    in_graph = {id(n) for n in ordered}
    node_depth, op_depth = {}, {}
    for node in reversed(ordered):
        depth = max(node_depth.setdefault(id(node), 0), op_depth.get(node.operation, 0))
        op_depth[node.operation] = depth
        node_depth[id(node)] = depth
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    by_id = {id(n): n for n in ordered}
    for x in inputs:
        op, node_index, _ = x._keras_history
        if op not in op_depth:
            node = op._inbound_nodes[node_index]
            if node.is_input:
                op_depth[op] = 0
                indices[op] = -1
                node_depth[id(node)] = 0
                by_id[id(node)] = node
    nodes_by_depth: dict = {}
    for nid, depth in node_depth.items():
        nodes_by_depth.setdefault(depth, []).append(by_id[nid])
    ops_by_depth: dict = {}
    for op, depth in op_depth.items():
        ops_by_depth.setdefault(depth, []).append(op)
    operations = []
    for depth in sorted(ops_by_depth, reverse=True):
        operations.extend(sorted(ops_by_depth[depth], key=lambda o: indices[o]))
    computable = {id(x) for x in inputs}
    done = []
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            for x in node.input_tensors:
                if id(x) not in computable:
                    raise ValueError(
                        f"Graph disconnected: cannot find parent for tensor {x} at operation "
                        f"'{node.operation}'. The following previous operations were accessed "
                        f"without issue: {done}"
                    )
                done.append(node.operation.name)
            computable.update(id(x) for x in node.outputs)
    names = [op.name for op in operations]
    for name in names:
        if names.count(name) != 1:
            raise ValueError(
                f'The name "{name}" is used {names.count(name)} times in the model. All '
                "operation names should be unique."
            )
    nodes = {id(n) for level in nodes_by_depth.values() for n in level}
    return nodes, nodes_by_depth, operations


class Functional(Model):
    """`keras.Model(inputs, outputs, name=None)`: inputs and outputs are KerasTensors (or
    lists/dicts of them); calling the model runs its layers in graph order."""

    def __init__(self, inputs, outputs, name=None, **kwargs):
        if isinstance(inputs, dict):
            for k, v in inputs.items():
                if isinstance(v, KerasTensor) and k != v.name:
                    warnings.warn(
                        "When providing `inputs` as a dict, all keys in the dict must match the "
                        f"names of the corresponding tensors. Received key '{k}' mapping to "
                        f"value {v} which has name '{v.name}'. Change the tensor name to '{k}' "
                        f"(via `Input(..., name='{k}')`)",
                        stacklevel=2,
                    )
        trainable = kwargs.pop("trainable", None)
        flat_inputs = tf.nest.flatten(inputs)
        flat_outputs = tf.nest.flatten(outputs)
        for what, struct, flat in (("inputs", inputs, flat_inputs),
                                   ("outputs", outputs, flat_outputs)):  # fmt: skip
            for x in flat:
                if not isinstance(x, KerasTensor):
                    raise ValueError(
                        f"All `{what}` values must be KerasTensors. Received: {what}={struct} "
                        f"including invalid value {x} of type {type(x)}"
                    )
        Layer.__init__(self, name=name, **kwargs)
        if not flat_inputs:
            raise ValueError(
                f"`inputs` argument cannot be empty. Received:\ninputs={inputs}\noutputs={outputs}"
            )
        if not flat_outputs:
            raise ValueError(
                f"`outputs` argument cannot be empty. Received:\ninputs={inputs}\noutputs={outputs}"
            )
        object.__setattr__(self, "_inputs_struct", inputs)
        object.__setattr__(self, "_outputs_struct", outputs)
        object.__setattr__(self, "_inputs", flat_inputs)
        object.__setattr__(self, "_outputs", flat_outputs)
        nodes, nodes_by_depth, operations = _map_graph(flat_inputs, flat_outputs)
        object.__setattr__(self, "_nodes", nodes)
        object.__setattr__(self, "_nodes_by_depth", nodes_by_depth)
        object.__setattr__(self, "_operations", operations)
        if trainable is not None:
            self.trainable = trainable
        for layer in self.layers:
            self._track_value(layer)
        self.built = True
        self.output_names = [x._keras_history[0].name for x in flat_outputs]
        object.__setattr__(self, "_plan", self._make_plan())

    def _make_plan(self) -> list:
        """The nodes to run in order: (operation, single input id or None, node, output ids).

        A node called on one KerasTensor with no other arguments (most of them) runs without
        walking its argument structure.
        """
        plan = []
        for depth in sorted(self._nodes_by_depth, reverse=True):
            for node in self._nodes_by_depth[depth]:
                if node.is_input:
                    continue
                args, kwargs = node.arguments_structure
                single = None
                if not kwargs and len(args) == 1 and isinstance(args[0], KerasTensor):
                    single = id(args[0])
                plan.append((node.operation, single, node, [id(x) for x in node.outputs]))
        return plan

    @property
    def layers(self) -> list:
        return [op for op in self._operations if isinstance(op, Layer)]

    @layers.setter
    def layers(self, _):
        raise AttributeError(
            "`Model.layers` attribute is reserved and should not be used. Please use another name."
        )

    def _checkpoint_children(self) -> dict:
        """As TF 2.21: the graph's operations in order (`_operations/<i>/...`)."""
        return {"_operations": list(self._operations)}

    @property
    def operations(self) -> list:
        return list(self._operations)

    @property
    def inputs(self) -> list:
        return list(self._inputs)

    @property
    def outputs(self) -> list:
        return list(self._outputs)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        shapes = tf.nest.map_structure(lambda x: x.shape, self._inputs_struct)
        if isinstance(shapes, list) and len(shapes) == 1:
            return shapes[0]
        return shapes

    @property
    def output_shape(self):
        shapes = tf.nest.map_structure(lambda x: x.shape, self._outputs_struct)
        if isinstance(shapes, list) and len(shapes) == 1:
            return shapes[0]
        return shapes

    def build(self, input_shape=None):
        self.built = True

    def _standardize_inputs(self, inputs) -> list:
        struct = self._inputs_struct
        if len(self._inputs) == 1 and tf.is_tensor(inputs):
            ref = self._inputs[0]
            if inputs.dtype.name == ref.dtype and inputs.shape.rank == len(ref.shape):
                return [inputs]  # the common case
        if isinstance(struct, list) and len(struct) == 1 and tf.is_tensor(inputs):
            inputs = [inputs]
        elif isinstance(inputs, dict) and not isinstance(struct, dict):
            if isinstance(struct, KerasTensor):
                if struct.name in inputs:
                    inputs = inputs[struct.name]
            elif all(isinstance(i, KerasTensor) for i in tf.nest.flatten(struct)):
                names = [i.name for i in tf.nest.flatten(struct)]
                if set(names) <= set(inputs):
                    inputs = [inputs[n] for n in names]
        elif isinstance(struct, dict) and isinstance(inputs, dict):
            inputs = {k: inputs[k] for k in struct if k in inputs}
        flat = tf.nest.flatten(inputs)
        if len(flat) != len(self._inputs):
            names = tf.nest.map_structure(lambda x: x.name, struct)
            raise ValueError(
                "The structure of `inputs` doesn't match the expected structure.\n"
                f"Expected: {names}\nReceived: inputs={inputs}"
            )
        converted = []
        for x, ref in zip(flat, self._inputs):
            if x is None:
                layer = ref._keras_history[0]
                if isinstance(layer, InputLayer) and not layer.optional:
                    raise ValueError(
                        f"The input '{ref.name}' is not optional, but None was passed. Please "
                        "provide a valid tensor."
                    )
                converted.append(x)
                continue
            if not tf.is_tensor(x) or x.dtype.name != ref.dtype:
                x = tf.convert_to_tensor(x)
                if x.dtype.name != ref.dtype:
                    x = tf.cast(x, ref.dtype)
            rank, ref_rank = x.shape.rank, len(ref.shape)
            if rank == ref_rank + 1 and x.shape[-1] == 1:
                x = tf.squeeze(x, axis=-1)
            elif rank == ref_rank - 1 and ref.shape[-1] == 1:
                x = tf.expand_dims(x, axis=-1)
            elif rank != ref_rank:
                raise ValueError(
                    f"Invalid input shape for input {x} with name '{ref.name}'. Expected shape "
                    f"{ref.shape}, but input has incompatible shape {x.shape}"
                )
            converted.append(x)
        return converted

    def call(self, inputs, training=None, mask=None, **kwargs):
        flat = self._standardize_inputs(inputs)
        values = {id(ref): x for ref, x in zip(self._inputs, flat)}
        extra = {"training": training} if training is not None else {}
        for op, single, node, output_ids in self._plan:
            if single is not None:
                if single not in values:
                    continue
                outputs = (
                    op(values[single], **extra) if isinstance(op, Layer) else op(values[single])
                )
            else:
                if any(id(x) not in values for x in node.input_tensors):
                    continue
                args, call_kwargs = tf.nest.map_structure(
                    lambda x: values[id(x)] if isinstance(x, KerasTensor) else x,
                    node.arguments_structure,
                )
                if extra and isinstance(op, Layer):
                    call_kwargs = {**call_kwargs, **extra}
                outputs = op(*args, **call_kwargs)
            if len(output_ids) == 1:
                values[output_ids[0]] = outputs
            else:
                for ref, y in zip(output_ids, tf.nest.flatten(outputs)):
                    values[ref] = y
        out = []
        for i, ref in enumerate(self._outputs):
            if id(ref) not in values:
                raise ValueError(f"Output with path `{i}` is not connected to `inputs`")
            out.append(values[id(ref)])
        if len(out) == 1 and not isinstance(self._outputs_struct, (list, tuple, dict)):
            return out[0]
        result = tf.nest.pack_sequence_as(self._outputs_struct, out)
        if isinstance(result, list) and len(result) == 1:
            return result[0]
        return result

    def compute_output_spec(self, inputs, training=None, mask=None):
        from ..keras_tensor import compute_output_spec

        return compute_output_spec(lambda x: self.call(x), inputs)

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable}
        index = {}
        for op in self._operations:
            kept = 0
            for i, node in enumerate(op._inbound_nodes):
                if id(node) in self._nodes:
                    index[(id(op), i)] = kept
                    kept += 1
        layers = []
        for op in self._operations:
            inbound = []
            for node in op._inbound_nodes:
                if id(node) not in self._nodes or node.is_input:
                    continue
                inbound.append(_serialize_node(node, index))
            layer_config = serialize(op)
            layer_config["name"] = op.name
            layer_config["inbound_nodes"] = inbound
            layers.append(layer_config)
        config["layers"] = layers

        def tensor_config(x):
            op, node_index, tensor_index = x._keras_history
            return [op.name, index[(id(op), node_index)], tensor_index]

        config["input_layers"] = tf.nest.map_structure(tensor_config, self._inputs_struct)
        config["output_layers"] = tf.nest.map_structure(tensor_config, self._outputs_struct)
        return config


def _serialize_node(node, index) -> dict:
    def tensor(x):
        if isinstance(x, KerasTensor):
            op, node_index, tensor_index = x._keras_history
            return {
                "class_name": "__keras_tensor__",
                "config": {
                    "shape": x.shape,
                    "dtype": x.dtype,
                    "keras_history": [op.name, index.get((id(op), node_index), node_index),
                                      tensor_index],
                },
            }  # fmt: skip
        return x

    args, kwargs = tf.nest.map_structure(tensor, node.arguments_structure)
    return {"args": list(args), "kwargs": kwargs}


_model._FUNCTIONAL.append(Functional)
