"""``xjeditor export``: an issue file to a print-ready PDF."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export", help="export an issue to a print PDF")
    p.add_argument("file", help="issue file (.xjb)")
    p.add_argument("-o", "--output", required=True, help="PDF to write")
    p.add_argument("--pages", help="pages to export, e.g. 1-4 or 2,4")
    p.add_argument("--marks", action="store_true", help="crop marks outside the bleed")
    p.add_argument("--bleed", type=float, metavar="MM", help="bleed in mm (default: the layout's)")
    p.add_argument("--spreads", action="store_true",
                   help="facing pages side by side, one PDF page per reader spread (1, 2|3, 4|5, ...)")
    p.add_argument("--no-pdfx", action="store_true", help="plain PDF instead of PDF/X-1a")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..render.export import export_pdf, parse_page_range, typeset_issue
    from ..render.pdf import FontEmbedError
    from . import CliError
    from .common import open_issue, progress_printer

    issue = open_issue(args.file)
    if args.bleed is not None and not 0 <= args.bleed <= 10:
        raise CliError(f"--bleed {args.bleed}: expected 0 to 10 mm")
    pages = None
    if args.pages:
        try:
            pages = parse_page_range(args.pages, len(issue.pages))
        except ValueError as exc:
            raise CliError(str(exc)) from None
    ts = typeset_issue(issue)
    for w in ts.warnings:
        print(f"xjeditor: warning: {w}", file=sys.stderr)
    try:
        findings = export_pdf(issue, Path(args.output), pages=pages, marks=args.marks, bleed_mm=args.bleed,
                              pdfx=not args.no_pdfx, typeset=ts, progress=progress_printer("exporting page"),
                              spreads=args.spreads)
    except FontEmbedError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{args.output}: {exc.strerror or exc}") from None
    for f in findings:
        print(f"xjeditor: {f.code}: {f.en}", file=sys.stderr)
    for sid, sl in ts.layout.stories.items():
        if not sid.startswith("_") and not sl.copyfit.fits:
            print(f"xjeditor: overset: story {sid} {sl.copyfit.status}", file=sys.stderr)
    count = len(pages) if pages else len(ts.pages)
    if args.spreads:
        from ..render.pdf import reader_spreads

        chosen = [ts.pages[i] for i in pages] if pages else ts.pages
        print(f"wrote {args.output} ({count} pages on {len(reader_spreads(chosen))} spreads)")
    else:
        print(f"wrote {args.output} ({count} pages)")
    return 0
