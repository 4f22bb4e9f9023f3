"""The op library, by family. Importing it registers every op and the operators."""

from . import array_ops, linalg_ops, math_ops, operators, reduction_ops  # noqa: F401
