"""tapeflow extensions that TensorFlow does not have (diagnostics), not TF names."""

from .._diagnostics.numpy_warning import NumpyRoundTripWarning, warn_on_numpy
from .._diagnostics.tape_view import TapeStats, tape_stats

__all__ = ["NumpyRoundTripWarning", "TapeStats", "tape_stats", "warn_on_numpy"]
