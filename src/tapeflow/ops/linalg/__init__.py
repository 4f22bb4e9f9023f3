"""Linear algebra ops, by layer: products (matmul, diagonals, bands, cross), solves
(inverse, determinants, triangular and Cholesky solves), factorizations (QR, SVD, eigh)
and norms (composites on top). `_lapack` holds the helpers the LAPACK-backed ops share.
"""

from . import factorizations, norms, products, solves  # noqa: F401
