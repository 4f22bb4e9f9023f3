"""`tf.math`: the public math namespace (explicit re-exports, no logic).

The debug, nn and sort families load on first use (_lazy.py)."""

from . import _lazy
from .ops.elementwise_ops import (  # noqa: F401
    add_n,
    angle,
    ceil,
    floor,
    is_finite,
    is_inf,
    is_nan,
    round,
)
from .ops.math_ops import (  # noqa: F401
    abs,
    conj,
    divide,
    equal,
    exp,
    floordiv,
    floormod,
    greater,
    greater_equal,
    imag,
    less,
    less_equal,
    log,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    pow,
    real,
    reciprocal,
    rsqrt,
    sign,
    sqrt,
    square,
    subtract,
    truediv,
)
from .ops.math_ops import add_checked as add  # noqa: F401
from .ops.math_ops import floormod as mod  # noqa: F401
from .ops.reduction_ops import (  # noqa: F401
    count_nonzero,
    cumprod,
    cumsum,
    reduce_all,
    reduce_any,
    reduce_euclidean_norm,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_std,
    reduce_sum,
    reduce_variance,
)
from .ops.special_ops import (  # noqa: F401
    digamma,
    divide_no_nan,
    erf,
    erfc,
    lgamma,
    polygamma,
    sigmoid,
    softplus,
    softsign,
    squared_difference,
    xdivy,
    xlogy,
)
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
    expm1,
    log1p,
    sin,
    sinh,
    tan,
    tanh,
)

_lazy.install(
    globals(),
    {
        **_lazy.names("tapeflow.ops.debug_ops", "is_non_decreasing is_strictly_increasing"),
        **_lazy.names("tapeflow.ops.nn_ops", "l2_normalize log_softmax softmax"),
        **_lazy.names("tapeflow.ops.sort_ops", "argmax argmin top_k"),
    },
)
