"""`tf.linalg`: the public linear-algebra namespace (explicit re-exports, no logic).

The linear-algebra, einsum and nn families load on first use (_lazy.py)."""

from . import _lazy
from .ops.array_ops import eye, matrix_transpose  # noqa: F401
from .ops.elementwise_ops import global_norm  # noqa: F401

_lazy.install(
    globals(),
    {
        **_lazy.names("tapeflow.ops.einsum_ops", "einsum tensordot"),
        **_lazy.names("tapeflow.ops.linalg.factorizations", "eigh eigvalsh qr svd"),
        **_lazy.names("tapeflow.ops.linalg.norms", "norm"),
        **_lazy.names(
            "tapeflow.ops.linalg.products",
            "adjoint band_part cross diag diag_part matmul matvec set_diag trace",
        ),
        **_lazy.names(
            "tapeflow.ops.linalg.solves",
            "cholesky cholesky_solve det inv logdet lstsq slogdet solve triangular_solve",
        ),
        **_lazy.names("tapeflow.ops.nn_ops", "l2_normalize"),
    },
)
