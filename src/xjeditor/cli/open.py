"""``xjeditor open``: the desktop editor on an issue file, or a screenshot of it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("open", help="open an issue in the editor")
    p.add_argument("file", nargs="?", help="issue file (.xjb); omit for an empty window")
    p.add_argument("--screenshot", metavar="OUT.png",
                   help="open the file in a 1600x1000 window, write it as a PNG and exit")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .common import CliError
    from .common import ensure_qt_platform

    if args.screenshot:
        if not args.file:
            raise CliError("--screenshot needs an issue file")
        ensure_qt_platform()
        from ..app.display import display_problem

        if display_problem():  # a display Qt cannot use (missing libraries): paint offscreen
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if args.file and not Path(args.file).exists():
        raise CliError(f"{args.file}: no such file")
    from ..app.main import run as run_editor
    from ..app.main import screenshot

    if args.screenshot:
        ok, message = screenshot(args.file, args.screenshot)
        if not ok:
            raise CliError(f"{args.file}: {message}")
        print(f"wrote {args.screenshot}", file=sys.stdout)
        return 0
    return run_editor(args.file)
