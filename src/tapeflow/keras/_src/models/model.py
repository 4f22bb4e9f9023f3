"""`keras.Model`: a layer with the training API, built by subclassing or (given inputs and
outputs) as a Functional model."""

from __future__ import annotations

import inspect

from ..keras_tensor import KerasTensor
from ..layers.layer import Layer
from ..trainers.trainer import Trainer


def _functional_arguments(args, kwargs) -> bool:
    return (
        (len(args) == 2)
        or (len(args) == 1 and "outputs" in kwargs)
        or ("inputs" in kwargs and "outputs" in kwargs)
    )


_FUNCTIONAL_SUBCLASSES: dict = {}
# Set by functional.py (which subclasses Model) when it is imported, as keras/__init__ does.
_FUNCTIONAL: list = []


def _with_functional(cls):
    """`class CustomModel(keras.Model)` called with inputs and outputs becomes a
    Functional model keeping the subclass' methods (Keras swaps Functional into the MRO)."""
    (functional,) = _FUNCTIONAL
    if issubclass(cls, functional):
        return cls
    if cls not in _FUNCTIONAL_SUBCLASSES:
        _FUNCTIONAL_SUBCLASSES[cls] = type(
            cls.__name__, (cls, functional), {"__module__": cls.__module__}
        )
    return _FUNCTIONAL_SUBCLASSES[cls]


class Model(Trainer, Layer):
    """`keras.Model(inputs, outputs, name=None)` or a subclass with `__init__` and `call`.

    As in Keras 3, a `tf.Variable` attribute of a model is not tracked (`weights` stays
    empty): use `add_weight` or `keras.Variable`.
    """

    def __new__(cls, *args, **kwargs):
        if _functional_arguments(args, kwargs):
            target = _FUNCTIONAL[0] if cls is Model else _with_functional(cls)
            return Layer.__new__(target, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if _FUNCTIONAL and isinstance(self, _FUNCTIONAL[0]) and _functional_arguments(args, kwargs):
            _FUNCTIONAL[0].__init__(self, *args, **kwargs)
            return
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        Layer.__init__(self, trainable=trainable, name=name, dtype=dtype, **kwargs)

    @property
    def layers(self) -> list:
        """The model's direct sublayers, in tracking order."""
        return list(self._flatten_layers(include_self=False, recursive=False))

    @layers.setter
    def layers(self, _):
        raise AttributeError(
            "`Model.layers` attribute is reserved and should not be used. Please use another name."
        )

    def get_layer(self, name=None, index=None):
        """A layer by `name` or by `index` (not both)."""
        if index is not None and name is not None:
            raise ValueError(
                f"Provide only a layer name or a layer index. Received: index={index}, name={name}."
            )
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(self.layers)} layers."
                )
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: "
                f"{list(layer.name for layer in self.layers)}."
            )
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def build(self, input_shape=None):
        """Builds a subclassed model by calling it on placeholders of `input_shape`."""
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        from ..keras_tensor import compute_output_spec

        def placeholder(shape):
            return KerasTensor(tuple(shape))

        if isinstance(input_shape, dict):
            inputs = {k: placeholder(v) for k, v in input_shape.items()}
        elif (
            isinstance(input_shape, list)
            and input_shape
            and isinstance(input_shape[0], (list, tuple))
        ):
            inputs = [placeholder(s) for s in input_shape]
        else:
            inputs = placeholder(input_shape)
        try:
            compute_output_spec(self.call, inputs)
        except Exception as e:
            raise ValueError(
                "You cannot build your model by calling `build()` if your layers do not "
                "support float type inputs. Instead, in order to instantiate and build your "
                "model, call your model on real tensor data (of the correct dtype).\n\n"
                f"The actual error from `call` is: {e}."
            ) from None
        self.built = True

    def summary(
        self,
        line_length=None,
        positions=None,
        print_fn=None,
        expand_nested=False,
        show_trainable=False,
        layer_range=None,
    ):
        """Prints the model's table of layers, output shapes and parameter counts (byte for
        byte Keras' non-terminal output); returns None."""
        from ..utils.summary import print_summary

        print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )

    def get_config(self):
        params = inspect.signature(type(self).__init__).parameters
        names = [p for p in params if p != "self"]
        if type(self).get_config is not Model.get_config:
            return super().get_config()
        if set(names) <= {"args", "kwargs", "name", "trainable", "dtype"}:
            return {"name": self.name, "trainable": self.trainable}
        return Layer.get_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Revives a Functional model from its config (layers looked up in `custom_objects`,
        the registry and the active scope); other models get `cls(**config)`, as in Keras."""
        from ..saving.object_registration import lookup_table
        from ..saving.serialization_lib import functional_from_config

        (functional,) = _FUNCTIONAL
        keys = ("name", "layers", "input_layers", "output_layers")
        init = inspect.getfullargspec(cls.__init__)
        revivable = (
            cls in (functional, Model)
            or init.args[1:] == inspect.getfullargspec(functional.__init__).args[1:]
            or (init.varargs == "args" and init.varkw == "kwargs")
        )
        if all(k in config for k in keys) and revivable:
            return functional_from_config(cls, config, lookup_table(custom_objects))
        try:
            return cls(**config)
        except TypeError as e:
            raise TypeError(
                "Unable to revive model from config. When overriding the `get_config()` "
                "method, make sure that the returned config contains all items used as "
                f"arguments in the  constructor to {cls}, which is the default behavior. "
                "You can override this default behavior by defining a `from_config(cls, "
                "config)` class method to specify how to create an instance of "
                f"{cls.__name__} from its config.\n\nReceived config={config}\n\nError "
                f"encountered during deserialization: {e}"
            ) from None

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Writes the weights to a `.weights.h5` file in Keras 3's layout (needs h5py)."""
        from ..saving.saving_api import save_weights

        return save_weights(self, filepath, overwrite=overwrite, max_shard_size=max_shard_size)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Loads a `.weights.h5` (or `.keras`) file's weights, matched by structure."""
        from ..saving.saving_api import load_weights

        load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Writes the model to a `.keras` archive (config, metadata and weights)."""
        from ..saving.saving_api import save_model

        return save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def to_json(self, **kwargs):
        """The model's config as a JSON string (`json.dumps` keyword arguments accepted)."""
        from ..saving.serialization_lib import to_json

        return to_json(self, **kwargs)

    def __reduce__(self):
        raise TypeError(f"cannot pickle '{type(self).__name__}' object")
