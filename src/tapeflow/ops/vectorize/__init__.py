"""tf.vectorized_map: runs a function once on a whole batch through per-op batching rules.

`vectorized_map.py` traces the function on one example and replays the trace on
the batch; `rules.py` holds the batching rule of each registry op (imported on
the first call, so `import tapeflow` does not pay for it).
"""

from .vectorized_map import vectorized_map

__all__ = ["vectorized_map"]
