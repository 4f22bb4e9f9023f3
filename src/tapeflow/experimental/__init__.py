"""tapeflow extensions that TensorFlow does not have (diagnostics), not TF names."""

from .._diagnostics.explain import (
    AFTER_TAPE,
    BEFORE_TAPE,
    FRESH_TARGET,
    INTEGER_DTYPE,
    LEFT_THROUGH_NUMPY,
    NON_DIFFERENTIABLE,
    NOT_CONNECTED,
    NOT_WATCHED,
    OTHER_THREAD,
    REASONS,
    STOPPED_RECORDING,
    VARIABLE_ASSIGNED,
    VARIABLE_REBOUND,
    Explanation,
    GradientExplanationWarning,
    disable_gradient_explanations,
    enable_gradient_explanations,
    explain,
)
from .._diagnostics.numpy_warning import NumpyRoundTripWarning, warn_on_numpy
from .._diagnostics.tape_view import TapeStats, tape_stats

__all__ = [
    "AFTER_TAPE",
    "BEFORE_TAPE",
    "FRESH_TARGET",
    "INTEGER_DTYPE",
    "LEFT_THROUGH_NUMPY",
    "NON_DIFFERENTIABLE",
    "NOT_CONNECTED",
    "NOT_WATCHED",
    "OTHER_THREAD",
    "REASONS",
    "STOPPED_RECORDING",
    "VARIABLE_ASSIGNED",
    "VARIABLE_REBOUND",
    "Explanation",
    "GradientExplanationWarning",
    "NumpyRoundTripWarning",
    "TapeStats",
    "disable_gradient_explanations",
    "enable_gradient_explanations",
    "explain",
    "tape_stats",
    "warn_on_numpy",
]
