"""``xjeditor render``: one page of an issue to a PNG preview."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import BinaryIO

# The largest PNG render draws: 4 bytes a pixel, so 150 megapixels is 600 MB of memory
# (a tabloid page at 900 dpi).
MAX_PNG_PIXELS = 150_000_000


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("render", help="render a page to PNG")
    p.add_argument("file", help="issue file (.xjb)")
    p.add_argument("--page", type=int, default=1, help="page number (default 1)")
    p.add_argument("--dpi", type=float, default=100.0, help="resolution (default 100)")
    p.add_argument("-o", "--output", required=True, help="PNG to write (- for standard output)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .common import CliError, ensure_qt_platform, open_issue, output_target, write_output

    target = output_target(args.output, args.file)
    issue = open_issue(args.file)
    if not 1 <= args.page <= len(issue.pages):
        raise CliError(f"--page {args.page}: the issue has pages 1-{len(issue.pages)}")
    if not 10 <= args.dpi <= 1200:
        raise CliError(f"--dpi {args.dpi:g}: expected 10 to 1200")
    page_mm = issue.pages[args.page - 1]
    pixels = (page_mm.width * args.dpi / 25.4) * (page_mm.height * args.dpi / 25.4)
    if pixels > MAX_PNG_PIXELS:
        fits = int(args.dpi * (MAX_PNG_PIXELS / pixels) ** 0.5)
        raise CliError(f"--dpi {args.dpi:g}: page {args.page} would be {pixels / 1e6:.0f} megapixels, over the "
                       f"limit of {MAX_PNG_PIXELS // 1_000_000}; use --dpi {fits} or less")
    ensure_qt_platform()
    from PySide6.QtGui import QGuiApplication

    from ..pipeline import typeset_issue
    from ..render.qt import render_png

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - Qt needs it alive
    ts = typeset_issue(issue)
    page = ts.pages[args.page - 1]
    reg = ts.fonts

    def write(out: BinaryIO, path: Path | None) -> None:
        if path is not None:  # the temporary file that is then renamed over the target
            render_png(page, path, dpi=args.dpi, fonts=reg.path, images=ts.images)
            return
        import tempfile

        with tempfile.TemporaryDirectory(prefix="xjeditor-") as folder:
            png = Path(folder) / "page.png"
            render_png(page, png, dpi=args.dpi, fonts=reg.path, images=ts.images)
            out.write(png.read_bytes())

    write_output(args.output, target, write)
    print(f"wrote {args.output}", file=sys.stdout if target is not None else sys.stderr)
    return 0
