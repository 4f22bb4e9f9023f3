"""Command line: `python -m tapeflow tutorial` runs the founding autodiff tutorial."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tapeflow", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("tutorial", help="run TensorFlow's autodiff tutorial on tapeflow")
    args = parser.parse_args(argv)
    if args.command == "tutorial":
        from .examples.tutorial import main as tutorial

        tutorial()
    return 0


if __name__ == "__main__":
    sys.exit(main())
