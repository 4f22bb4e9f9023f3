"""`tf.linalg`: the public linear-algebra namespace (explicit re-exports, no logic)."""

from .ops.array_ops import eye, matrix_transpose  # noqa: F401
from .ops.einsum_ops import einsum, tensordot  # noqa: F401
from .ops.elementwise_ops import global_norm  # noqa: F401
from .ops.linalg.factorizations import eigh, eigvalsh, qr, svd  # noqa: F401
from .ops.linalg.norms import norm  # noqa: F401
from .ops.linalg.products import (  # noqa: F401
    adjoint,
    band_part,
    cross,
    diag,
    diag_part,
    matmul,
    matvec,
    set_diag,
    trace,
)
from .ops.linalg.solves import (  # noqa: F401
    cholesky,
    cholesky_solve,
    det,
    inv,
    logdet,
    lstsq,
    slogdet,
    solve,
    triangular_solve,
)
from .ops.nn_ops import l2_normalize  # noqa: F401
