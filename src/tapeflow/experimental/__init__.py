"""tapeflow extensions that TensorFlow does not have (diagnostics), not TF names."""

from .._diagnostics.numpy_warning import NumpyRoundTripWarning, warn_on_numpy
from .._diagnostics.tape_view import TapeStats, tape_stats

# Array backends: several Dask-backed tensors computed in one pass.
from ._compute import compute

__all__ = ["compute", "NumpyRoundTripWarning", "TapeStats", "tape_stats", "warn_on_numpy"]
