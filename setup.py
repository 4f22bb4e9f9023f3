"""Builds the optional compiled core, `tapeflow._core._compiled` (everything else is in
pyproject.toml).

Cython translates `src/tapeflow/_core/_compiled.pyx` and the C compiler builds it. Where
either is missing, or the build fails, the install goes on with the pure-Python core and
says so in one line: tapeflow then runs the same code paths in Python (`_core/accel.py`).
`TAPEFLOW_BUILD_PURE=1` skips the build on purpose (the fallback's test uses it).
"""

import os
import sys
import zlib

from setuptools import setup
from setuptools.command.build_ext import build_ext

SOURCE = os.path.join("src", "tapeflow", "_core", "_compiled.pyx")
NOTICE = "tapeflow: building without the compiled core ({}); the pure-Python core will be used."


def _notice(why: str) -> None:
    print(NOTICE.format(why), file=sys.stderr)


class OptionalBuildExt(build_ext):
    """build_ext that turns a failed compile into the one-line notice (once: an in-place
    build then also fails to copy the missing module, which is the same failure)."""

    failed = False

    def run(self):
        try:
            super().run()
        except Exception as e:  # no compiler, no headers: CCompilerError, DistutilsError, ...
            self._failed(e)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as e:
            self._failed(e)

    def _failed(self, e: Exception) -> None:
        if not self.failed:
            self.failed = True
            _notice(f"{type(e).__name__}: {e}".splitlines()[0])


def _extensions() -> list:
    if os.environ.get("TAPEFLOW_BUILD_PURE", "") not in ("", "0"):
        _notice("TAPEFLOW_BUILD_PURE is set")
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        _notice("Cython is not installed")
        return []
    try:
        import numpy  # noqa: F401
    except ImportError:
        _notice("NumPy is not installed in the build environment")
        return []
    import numpy
    from setuptools import Extension

    with open(SOURCE, "rb") as f:
        crc = zlib.crc32(f.read())
    ext = Extension(
        "tapeflow._core._compiled",
        [SOURCE],
        include_dirs=[numpy.get_include()],  # NumPy's scalar structs (arrayscalars.h)
        define_macros=[("TAPEFLOW_SOURCE_CRC", f"{crc}UL")],
        extra_compile_args=["-O2"] if os.name != "nt" else [],
    )
    return cythonize([ext], language_level=3, quiet=True)


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
