"""``xjeditor demo``: what ``make run`` starts.

On a display it opens the editor on the demo issue; with no display it exports the demo
issue to ``out/demo.pdf`` and says so.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..paths import project_root, seeds_dir


def demo_issue_path() -> Path:
    demo = seeds_dir() / "demo.xjb"
    return demo if demo.exists() else seeds_dir() / "sample.xjb"


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal"):
        return False
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or sys.platform in ("win32", "darwin")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("demo", help="open the demo issue in the editor (headless: export it to PDF)")
    p.add_argument("-o", "--output", default=str(project_root() / "out" / "demo.pdf"),
                   help="PDF to write when there is no display (default out/demo.pdf)")
    p.add_argument("--export", action="store_true", help="export even when a display is available")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    source = demo_issue_path()
    if has_display() and not args.export:
        from ..app.main import run as run_editor

        return run_editor(str(source))

    from ..pipeline import typeset_issue
    from ..render.export import write_pdf
    from .common import open_issue, progress_printer

    issue = open_issue(source)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    ts = typeset_issue(issue)
    write_pdf(ts, out, progress=progress_printer("exporting page"))
    print(f"No display: exported the demo issue {source.name} to {out} ({len(ts.pages)} pages) "
          f"instead of opening the editor.")
    return 0
