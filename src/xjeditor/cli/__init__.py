"""The ``xjeditor`` command line.

Each sub-command lives in its own module of this package and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a callable taking the
parsed arguments and returning the exit code. This package never imports Qt at module level:
the GUI commands import ``xjeditor.app`` only when they run.

Exit codes: 0 success, 1 a check found errors (preflight), 2 bad input or bad arguments.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from .. import __version__
from .common import CliError, printable

# Sub-command modules, in the order ``--help`` lists them.
COMMANDS = ["open", "new", "info", "typeset", "export", "preflight", "render", "demo"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one clear line, exit 2, no usage dump
        self.exit(2, f"xjeditor: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="xjeditor", description="XJ Editor: 社区报排版 (Chinese community newspaper layout)")
    parser.add_argument("--version", action="version", version=f"xjeditor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        from .demo import has_display

        if not has_display():  # nothing to open a window on: say what there is
            parser.print_help()
            return 0
        from ..app.main import run as run_editor  # the editor, empty, with its recent files

        return run_editor(None)
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"xjeditor: error: {printable(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("xjeditor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head & co.: not an error
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # keeps the interpreter's final flush quiet
        except OSError:
            pass
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
