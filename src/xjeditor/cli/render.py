"""``xjeditor render``: one page of an issue to a PNG preview."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("render", help="render a page to PNG")
    p.add_argument("file", help="issue file (.xjb)")
    p.add_argument("--page", type=int, default=1, help="page number (default 1)")
    p.add_argument("--dpi", type=float, default=100.0, help="resolution (default 100)")
    p.add_argument("-o", "--output", required=True, help="PNG to write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from . import CliError
    from .common import ensure_qt_platform, open_issue

    issue = open_issue(args.file)
    if not 1 <= args.page <= len(issue.pages):
        raise CliError(f"--page {args.page}: the issue has pages 1-{len(issue.pages)}")
    if not 10 <= args.dpi <= 1200:
        raise CliError(f"--dpi {args.dpi:g}: expected 10 to 1200")
    ensure_qt_platform()
    from PySide6.QtGui import QGuiApplication

    from ..render.export import shared_registry, typeset_issue
    from ..render.qt import render_png

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - Qt needs it alive
    ts = typeset_issue(issue)
    reg = shared_registry()
    try:
        render_png(ts.pages[args.page - 1], args.output, dpi=args.dpi, fonts=reg.path, images=issue.images)
    except OSError as exc:
        raise CliError(str(exc)) from None
    print(f"wrote {args.output}")
    return 0
