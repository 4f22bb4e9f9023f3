"""`keras.Sequential`: a plain stack of layers, each with one input and one output."""

from __future__ import annotations

import inspect

from ..layers.core.input_layer import InputLayer
from ..layers.layer import Layer, _note_new_child
from ..variable import standardize_shape
from .functional import Functional
from .model import Model


class Sequential(Model):
    """`Sequential(layers=None, trainable=True, name=None)`.

    Given an input shape (a first `keras.Input` or `InputLayer`, or a first layer built with
    `input_shape=`), the model is built at once as an internal Functional model (which takes
    a `functional` auto-name, so the next `keras.Model(...)` is `functional_1`, as in
    Keras); otherwise it builds on its first call.
    """

    def __new__(cls, *args, **kwargs):
        return Layer.__new__(cls, *args, **kwargs)

    def __init__(self, layers=None, trainable=True, name=None):
        Layer.__init__(self, trainable=trainable, name=name)
        object.__setattr__(self, "_functional", None)
        object.__setattr__(self, "_layers", [])
        if layers:
            for layer in layers:
                self.add(layer, rebuild=False)
            self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Appends a layer (or a `keras.Input`) to the stack."""
        if not self._layers and getattr(layer, "_input_shape_arg", None) is not None:
            self.add(InputLayer(shape=layer._input_shape_arg))
        history = getattr(layer, "_keras_history", None)
        if history is not None and isinstance(history[0], InputLayer):
            layer = history[0]
        if not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `keras.Layer` can be added to a Sequential model. "
                f"Received: {layer} (of type {type(layer)})"
            )
        if any(existing.name == layer.name for existing in self._layers):
            raise ValueError(
                "All layers added to a Sequential model should have unique names. Name "
                f"'{layer.name}' is already the name of a layer in this model. Update the "
                "`name` argument to pass a unique name."
            )
        if (
            isinstance(layer, InputLayer)
            and self._layers
            and isinstance(self._layers[0], InputLayer)
        ):
            raise ValueError(
                f"Sequential model '{self.name}' has already been configured to use input "
                f"shape {self._layers[0].batch_shape}. You cannot add a different Input layer "
                "to it."
            )
        self._layers.append(layer)
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False
            object.__setattr__(self, "_functional", None)

    def pop(self, rebuild=True):
        """Removes and returns the last layer."""
        layer = self._layers.pop()
        self.built = False
        object.__setattr__(self, "_functional", None)
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        self.built = False
        object.__setattr__(self, "_functional", None)
        if self._layers and isinstance(self._layers[0], InputLayer) and len(self._layers) > 1:
            self.build(self._layers[0].batch_shape)
        elif self._layers and len(self._layers) > 1 and isinstance(self._layers[0], Functional):
            self.build(self._layers[0].input_shape)

    def build(self, input_shape=None):
        try:
            input_shape = standardize_shape(input_shape)
        except Exception:
            return  # not a single input: the model builds when called
        if not self._layers:
            raise ValueError(
                f"Sequential model {self.name} cannot be built because it has no layers. Call "
                "`model.add(layer)`."
            )
        if isinstance(self._layers[0], InputLayer):
            if self._layers[0].batch_shape != input_shape:
                raise ValueError(
                    f"Sequential model '{self.name}' has already been configured to use input "
                    f"shape {self._layers[0].batch_shape}. You cannot build it with "
                    f"input_shape {input_shape}"
                )
        else:
            dtype = self._layers[0].compute_dtype
            self._layers.insert(0, InputLayer(batch_shape=input_shape, dtype=dtype))
        inputs = self._layers[0].output
        x = inputs
        for layer in self._layers[1:]:
            try:
                x = layer(x)
            except NotImplementedError:
                return
            except TypeError as e:
                params = [
                    p
                    for p in inspect.signature(layer.call).parameters.values()
                    if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                ]
                required = [p for p in params if p.default is p.empty]
                if not params:
                    raise ValueError(
                        "Layers added to a Sequential model should have a single positional "
                        f"argument, the input tensor. Layer {type(layer).__name__} has no "
                        "positional arguments."
                    ) from None
                if len(required) > 1:
                    raise ValueError(
                        "Layers added to a Sequential model can only have a single required "
                        "positional argument, the input tensor. Layer "
                        f"{type(layer).__name__} has multiple required positional arguments: "
                        f"{required}"
                    ) from None
                raise e
        functional = Functional(inputs=inputs, outputs=x)
        functional._is_sequential = True
        object.__setattr__(self, "_functional", functional)
        self.built = True
        _note_new_child(self, "_functional", functional)

    def call(self, inputs, training=None, mask=None, **kwargs):
        if self._functional is not None:
            return self._functional.call(inputs, training=training, mask=mask, **kwargs)
        for layer in self.layers:
            kwargs = {}
            if layer._call_has_mask_arg:
                kwargs["mask"] = mask
            if layer._call_has_training_arg and training is not None:
                kwargs["training"] = training
            inputs = layer(inputs, **kwargs)
        return inputs

    def compute_output_spec(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional.compute_output_spec(inputs, training=training, mask=mask)
        for layer in self.layers:
            inputs = layer.compute_output_spec(inputs)
        return inputs

    @property
    def layers(self) -> list:
        """The layers added with `add` (the auto-generated InputLayer left out)."""
        layers = self._layers
        if layers and isinstance(layers[0], InputLayer):
            return layers[1:]
        return layers[:]

    @layers.setter
    def layers(self, _):
        raise AttributeError(
            "`Sequential.layers` attribute is reserved and should not be used. Use `add()` "
            "and `pop()` to change the layers in this model."
        )

    def _own_and_children(self, attribute, seeds):
        out, seen = [], set()
        for layer in self._layers:
            for v in getattr(layer, attribute):
                if id(v) not in seen:
                    out.append(v)
                    seen.add(id(v))
        return out

    def _flatten_layers(self, include_self=True, recursive=True):
        layers = [self] if include_self else []
        for layer in self._layers:
            layers.append(layer)
            if recursive:
                layers.extend(layer._flatten_layers(include_self=False))
        return layers

    def _clear_losses(self):
        self._losses.clear()
        for layer in self._layers:
            layer._clear_losses()

    def _defined(self, what):
        if self._functional is not None:
            return getattr(self._functional, what)
        raise AttributeError(f"Sequential model '{self.name}' has no defined {what} yet.")

    @property
    def input_shape(self):
        if self._functional is not None:
            return self._functional.input_shape
        raise AttributeError(f"Sequential model '{self.name}' has no defined input shape yet.")

    @property
    def output_shape(self):
        if self._functional is not None:
            return self._functional.output_shape
        raise AttributeError(f"Sequential model '{self.name}' has no defined output shape yet.")

    @property
    def inputs(self):
        return self._defined("inputs")

    @property
    def outputs(self):
        return self._defined("outputs")

    @property
    def input(self):
        return self._defined("input")

    @property
    def output(self):
        return self._defined("output")

    def _checkpoint_children(self) -> dict:
        """As TF 2.21: the layers are saved through the internal Functional model
        (`_functional/_operations/<i>/...`, index 0 the InputLayer)."""
        if self._functional is None:
            return {}
        return {"_functional": self._functional}

    def get_config(self):
        from ..serialization import serialize

        config = {"name": self.name, "trainable": self.trainable}
        config["layers"] = [serialize(layer) for layer in self._layers]
        if self._functional is not None:
            config["build_input_shape"] = self._layers[0].batch_shape
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..serialization import deserialize

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(deserialize(layer_config, custom_objects=custom_objects))
        if not model._functional and "build_input_shape" in config:
            model.build(config["build_input_shape"])
        return model
