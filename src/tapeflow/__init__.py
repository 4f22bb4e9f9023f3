"""tapeflow: TensorFlow 2's eager tensors and GradientTape autodiff on NumPy.

Write `import tapeflow as tf` and TensorFlow autodiff code runs unchanged.
This module only assembles the TF-shaped public namespace.
"""

# The namespaces, after the ops.
from . import (  # noqa: F401
    _lazy,
    autodiff,
    bitwise,
    compat,
    config,
    debugging,
    dtypes,
    errors,
    linalg,
    math,
    nest,
    nn,
    random,
    test,
)
from ._core.dtypes import (  # noqa: F401
    DType,
    as_dtype,
    bool,
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
)
from ._core.indexed_slices import IndexedSlices  # noqa: F401
from ._core.module import Module  # noqa: F401
from ._core.tensor import Tensor, constant, convert_to_tensor, is_tensor  # noqa: F401
from ._core.tensor_shape import TensorShape  # noqa: F401
from ._core.tensor_spec import TensorSpec  # noqa: F401
from ._core.variables import Variable, name_scope  # noqa: F401
from ._diagnostics.printing import print_v2 as print  # noqa: F401
from .autodiff.custom_gradient import custom_gradient, grad_pass_through, recompute_grad  # noqa: F401
from .autodiff.gradient_tape import GradientTape, UnconnectedGradients  # noqa: F401
from .ops import operators as _operators  # noqa: F401 - attaches Tensor operators
from .ops.array_ops import (  # noqa: F401
    broadcast_to,
    concat,
    expand_dims,
    eye,
    fill,
    identity,
    linspace,
    newaxis,
    ones,
    range,
    rank,
    reshape,
    shape,
    size,
    split,
    squeeze,
    stack,
    stop_gradient,
    transpose,
    unstack,
    zeros,
)
from .ops.elementwise_ops import (  # noqa: F401
    add_n,
    clip_by_global_norm,
    clip_by_norm,
    clip_by_value,
    floor,
    round,
    truncatediv,
    truncatemod,
    where,
)
from .ops.math_ops import (  # noqa: F401
    abs,
    cast,
    divide,
    equal,
    exp,
    greater,
    greater_equal,
    less,
    less_equal,
    logical_and,
    logical_not,
    logical_or,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    ones_like,
    pow,
    realdiv,
    sign,
    sqrt,
    square,
    subtract,
    truediv,
    zeros_like,
)
from .ops.math_ops import add_checked as add  # noqa: F401
from .ops.math_ops import complex_checked as complex  # noqa: F401
from .ops.reduction_ops import (  # noqa: F401
    cumsum,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
)
from .ops.special_ops import sigmoid  # noqa: F401
from .ops.trig_ops import (  # noqa: F401
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    cos,
    cosh,
    sin,
    sinh,
    tan,
    tanh,
)

__version__ = "0.1.0"


def executing_eagerly() -> bool:
    """Whether ops run eagerly here: False inside a `tf.function` body (run or traced), True
    outside one, inside `tf.init_scope()` and inside a `tf.py_function`'s func, as on TF."""
    from ._core import tape

    return tape.state.functions == 0


# The names of the tracer and of the op families an eager program may not use load on first
# use (_lazy.py), as does the training stack, so `import tapeflow` costs what the core costs.
_LAZY_NAMES = {
    **_lazy.names("tapeflow._compile.function", "function"),
    **_lazy.names(
        "tapeflow.ops.control_flow_ops",
        "TensorArray TensorArraySpec case cond foldl foldr map_fn scan switch_case while_loop",
    ),
    **_lazy.names(
        "tapeflow.ops.debug_ops", "Assert assert_equal assert_greater assert_less assert_rank"
    ),
    **_lazy.names("tapeflow.ops.einsum_ops", "einsum tensordot"),
    **_lazy.names(
        "tapeflow.ops.framework_ops",
        "RegisterGradient control_dependencies device ensure_shape get_static_value gradients "
        "group hessians identity_n init_scope no_gradient no_op tuple=tuple_v2",
    ),
    **_lazy.names(
        "tapeflow.ops.gather_ops",
        "boolean_mask gather gather_nd one_hot scatter_nd sequence_mask tensor_scatter_nd_add "
        "tensor_scatter_nd_max tensor_scatter_nd_min tensor_scatter_nd_sub "
        "tensor_scatter_nd_update",
    ),
    **_lazy.names("tapeflow.ops.linalg.norms", "norm"),
    **_lazy.names("tapeflow.ops.linalg.products", "matmul"),
    **_lazy.names(
        "tapeflow.ops.manip_ops", "meshgrid pad repeat reverse roll slice strided_slice tile"
    ),
    **_lazy.names("tapeflow.ops.script_ops", "py_function=eager_py_func numpy_function"),
    **_lazy.names("tapeflow.ops.sort_ops", "argmax argmin argsort sort unique"),
    **_lazy.names("tapeflow.ops.vectorize", "vectorized_map"),
}
_lazy_name = _lazy.install(globals(), _LAZY_NAMES)
# Loaded on first use and, as submodules, listed by dir() only once loaded.
_LAZY_NAMESPACES = ("data", "keras", "train")


def __getattr__(name: str):
    if name in _LAZY_NAMESPACES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    return _lazy_name(name)


def alias() -> None:
    """tapeflow's extension: makes `import tensorflow` and `import keras` import tapeflow
    (what `python -m tapeflow run script.py` does before running the script)."""
    from ._alias import alias as _alias

    _alias()
