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

# What a tape holds, and the user's line of each op (issue 12 items 2-3).
from .._diagnostics.sites import record_source_lines
from .._diagnostics.tape_graph import TapeGraph, tape_graph
from .._diagnostics.tape_view import TapeRow, TapeStats, TapeTable, tape_stats, tape_table

# Array backends: several Dask-backed tensors computed in one pass.
from ._compute import compute

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
    "TapeGraph",
    "TapeRow",
    "TapeStats",
    "TapeTable",
    "compute",
    "disable_gradient_explanations",
    "enable_gradient_explanations",
    "explain",
    "record_source_lines",
    "tape_graph",
    "tape_stats",
    "tape_table",
    "warn_on_numpy",
]
