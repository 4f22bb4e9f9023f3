"""Command line: `python -m tapeflow tutorial` runs the founding autodiff tutorial;
`python -m tapeflow run script.py [args]` runs existing TensorFlow or Keras 3 code on
tapeflow (`import tensorflow` and `import keras` give tapeflow's); `python -m tapeflow info`
says which versions and which core (compiled or pure Python) run."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tapeflow", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("tutorial", help="run TensorFlow's autodiff tutorial on tapeflow")
    run = commands.add_parser("run", help="run a TensorFlow/Keras script with tapeflow as TF")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER)
    commands.add_parser("info", help="print the versions and which core runs")
    args = parser.parse_args(argv)
    if args.command == "info":
        print(info())
        return 0
    if args.command == "run":
        from ._alias import run as run_script

        run_script(args.script, args.args)
        return 0
    if args.command == "tutorial":
        from .examples.tutorial import main as tutorial

        tutorial()
    return 0


def info() -> str:
    """Versions, and which core runs: "compiled (path)" or "pure Python (why)"."""
    import platform

    import numpy as np

    from . import __version__
    from ._core import accel

    if accel.compiled is not None:
        core = f"compiled ({accel.compiled.__file__})"
        stats = accel.compiled.buffer_cache_stats()
        cache = (
            f"up to {stats['budget'] / 2**20:g} MiB of freed buffers of "
            f"{stats['min_size'] // 1024} KiB and more (TAPEFLOW_BUFFER_CACHE_MB)"
            if stats["on"]
            else "off (TAPEFLOW_BUFFER_CACHE_MB=0, or another NumPy memory handler)"
        )
    else:
        core = f"pure Python ({accel.why_pure})"
        cache = "none (the compiled core's)"
    return "\n".join(
        [
            f"tapeflow {__version__}",
            f"python {platform.python_version()}, numpy {np.__version__}",
            f"core: {core}",
            f"buffer cache: {cache}",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
