"""`tf.dtypes`: the public dtype namespace (explicit re-exports; `cast` and `complex` are
`tf.cast` and `tf.complex`)."""

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
from .ops.math_ops import cast  # noqa: F401
from .ops.math_ops import complex_checked as complex  # noqa: F401
