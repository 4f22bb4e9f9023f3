"""tapeflow extensions that TensorFlow does not have (diagnostics), not TF names."""

from .._diagnostics.numpy_warning import NumpyRoundTripWarning, warn_on_numpy

# What a tape holds, and the user's line of each op (issue 12 items 2-3).
from .._diagnostics.sites import record_source_lines
from .._diagnostics.tape_graph import TapeGraph, tape_graph
from .._diagnostics.tape_view import TapeRow, TapeStats, TapeTable, tape_stats, tape_table

__all__ = [
    "NumpyRoundTripWarning",
    "TapeStats",
    "tape_stats",
    "warn_on_numpy",
    # What a tape holds, and the user's line of each op.
    "TapeGraph",
    "TapeRow",
    "TapeTable",
    "record_source_lines",
    "tape_graph",
    "tape_table",
]
