"""The op library, by family. Importing it registers the families `import tapeflow` needs
and the operators; the others load on first use (`LAZY`): through the public names
(_lazy.py), a lookup of a registered type by name, or `registry.load_all()`, which loads
them all (what code that goes through the whole registry calls first)."""

import importlib

from .._core import registry as _registry
from . import (  # noqa: F401
    array_ops,
    bitwise_ops,
    elementwise_ops,
    math_ops,
    operators,
    reduction_ops,
    special_ops,
    trig_ops,
)

# The op families that load on first use (their modules under tapeflow.ops).
LAZY = (
    "control_flow_ops",
    "conv_ops",
    "debug_ops",
    "einsum_ops",
    "framework_ops",
    "gather_ops",
    "linalg",
    "manip_ops",
    "nn_ops",
    "pool_ops",
    "random_ops",
    "script_ops",
    "sort_ops",
)


def load_all() -> None:
    """Imports every op family, so that the registry holds every op."""
    for name in LAZY:
        importlib.import_module(f"{__name__}.{name}")


_registry._load_all = load_all


def __getattr__(name: str):
    # `tapeflow.ops.random_ops` as an attribute, as when every family loaded at import.
    if name in LAZY or name == "vectorize":
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
