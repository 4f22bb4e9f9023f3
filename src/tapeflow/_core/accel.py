"""Which core runs the per-op path: the compiled one (`_compiled`, built from
`_compiled.pyx` at install) or the pure-Python modules it mirrors.

`compiled` is the extension module, or None on the pure-Python path: when
`TAPEFLOW_PURE_PYTHON=1` is set, when the install had no compiler (the build prints a
one-line notice and skips it), or when the built module is stale (compiled from
another version of `_compiled.pyx` than the one beside it, as after an edit without a
rebuild: then a warning says so). `why_pure` says which. The Python modules are the
specification; the compiled functions replace their hot paths at import and give the
same results bit for bit.
"""

from __future__ import annotations

import os
import zlib

compiled = None
why_pure = ""

if os.environ.get("TAPEFLOW_PURE_PYTHON", "") not in ("", "0"):
    why_pure = "TAPEFLOW_PURE_PYTHON is set"
else:
    try:
        from . import _compiled as compiled
    except ImportError:
        why_pure = "the compiled core is not built (installed without a compiler?)"


def _source_crc() -> int | None:
    """CRC-32 of the `_compiled.pyx` beside this file, or None where none is installed."""
    path = os.path.join(os.path.dirname(__file__), "_compiled.pyx")
    try:
        with open(path, "rb") as f:
            return zlib.crc32(f.read())
    except OSError:
        return None


if compiled is not None:
    _crc = _source_crc()
    if _crc is not None and _crc != compiled.SOURCE_CRC:
        import warnings

        why_pure = (
            "the compiled core is stale: it was built from another _compiled.pyx than the "
            "one installed (rebuild with `pip install -e .`)"
        )
        warnings.warn(f"tapeflow uses its pure-Python core: {why_pure}.", stacklevel=2)
        compiled = None
