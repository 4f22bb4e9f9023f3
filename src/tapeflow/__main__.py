"""Command line: `python -m tapeflow tutorial` runs the founding autodiff tutorial;
`python -m tapeflow run script.py [args]` runs existing TensorFlow or Keras 3 code on
tapeflow (`import tensorflow` and `import keras` give tapeflow's)."""

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
    args = parser.parse_args(argv)
    if args.command == "run":
        from ._alias import run as run_script

        run_script(args.script, args.args)
        return 0
    if args.command == "tutorial":
        from .examples.tutorial import main as tutorial

        tutorial()
    return 0


if __name__ == "__main__":
    sys.exit(main())
