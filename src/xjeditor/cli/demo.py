"""``xjeditor demo``: what ``make run`` starts.

With a display it will open the editor on the demo issue (once the editor exists); with
no display, or until then, it exports the demo issue to ``out/demo.pdf`` and says so.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..paths import project_root, seeds_dir


def demo_issue_path() -> Path:
    demo = seeds_dir() / "demo.xjb"
    return demo if demo.exists() else seeds_dir() / "sample.xjb"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("demo", help="open (or, headless, export) the demo issue")
    p.add_argument("-o", "--output", default=str(project_root() / "out" / "demo.pdf"),
                   help="PDF to write when exporting (default out/demo.pdf)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..render.export import export_pdf, typeset_issue
    from .common import open_issue

    source = demo_issue_path()
    issue = open_issue(source)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    ts = typeset_issue(issue)
    export_pdf(issue, out, typeset=ts)
    print(f"The editor is not built yet: exported the demo issue {source.name} to {out} "
          f"({len(ts.pages)} pages).", file=sys.stderr)
    return 0
