"""`tf.Module`: a named container that finds the variables and submodules it holds.

Discovery walks the module's attributes in sorted-name order, looking inside
lists, tuples and dicts (tf.nest order), then descends into the submodules it
found, in that order: the order TensorFlow reports them in.
"""

from __future__ import annotations

import re

from . import nest
from .variables import Variable, name_scope

# A pattern, compiled (and cached by `re`) on first use: compiling costs import time.
_CAMEL = r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))"


def _camel_to_snake(name: str) -> str:
    return re.sub(_CAMEL, r"_\1", name).lower()


class Module:
    """Base class for models and layers that own variables.

    Args:
      name: the module name; defaults to the class name in snake_case.

    Raises:
      ValueError: if `name` is not a valid Python identifier.

    >>> class Dense(tf.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.w = tf.Variable(tf.ones((2, 2)))
    >>> [v.shape for v in Dense().trainable_variables]
    [TensorShape([2, 2])]
    """

    _TF_MODULE_IGNORED_PROPERTIES = frozenset(("_scope_name", "_name_scope"))
    # Installed by tapeflow.train (a function of (module, name, value)): a checkpoint restore
    # may wait for an attribute that does not exist yet, and TF assigns the saved value the
    # moment the attribute is set (deferred restore). The core cannot import train, so train
    # registers itself here.
    _tapeflow_on_setattr = None

    def __init__(self, name: str | None = None):
        if name is None:
            name = _camel_to_snake(type(self).__name__)
        elif not str.isidentifier(name):
            raise ValueError(
                f"{name!r} is not a valid module name. Module names must be valid Python "
                "identifiers (e.g. a valid class name)."
            )
        self._name = name
        self._scope_name = name + "/"  # TF's module scopes end with "/"

    def __setattr__(self, name: str, value) -> None:
        object.__setattr__(self, name, value)
        hook = Module._tapeflow_on_setattr
        if hook is not None:
            hook(self, name, value)

    @property
    def name(self) -> str:
        return self._name

    @property
    def name_scope(self) -> name_scope:
        """A context manager that prefixes variables created inside it with the module name."""
        return name_scope(self._scope_name)

    @property
    def variables(self) -> tuple:
        """All variables of this module and its submodules, in TF's discovery order."""
        return tuple(self._flatten(lambda x: isinstance(x, Variable)))

    @property
    def trainable_variables(self) -> tuple:
        """The trainable subset of `variables`."""
        return tuple(self._flatten(lambda x: isinstance(x, Variable) and x.trainable))

    @property
    def non_trainable_variables(self) -> tuple:
        return tuple(self._flatten(lambda x: isinstance(x, Variable) and not x.trainable))

    @property
    def submodules(self) -> tuple:
        """All modules held (directly or not) by this module, breadth of attributes first."""
        return tuple(self._flatten(lambda x: isinstance(x, Module)))

    def _flatten(self, predicate) -> list:
        found = []
        seen = set()
        # An explicit stack of modules to visit (no recursion depth limit).
        pending = [self]
        visited_modules = set()
        while pending:
            module = pending.pop(0)
            if id(module) in visited_modules:
                continue
            visited_modules.add(id(module))
            submodules = []
            attributes = vars(module)
            for key in sorted(attributes):
                if key in Module._TF_MODULE_IGNORED_PROPERTIES:
                    continue
                for leaf in nest.flatten(attributes[key]):
                    if id(leaf) in seen:
                        continue
                    seen.add(id(leaf))
                    if predicate(leaf):
                        found.append(leaf)
                    if isinstance(leaf, Module):
                        submodules.append(leaf)
            pending[0:0] = submodules
        return found

    @classmethod
    def with_name_scope(cls, method):
        """Decorator that runs `method` inside the module's name scope."""

        def wrapped(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)

        wrapped.__name__ = method.__name__
        wrapped.__doc__ = method.__doc__
        return wrapped

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} object at {hex(id(self))}>"
