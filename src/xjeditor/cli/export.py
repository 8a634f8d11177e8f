"""``xjeditor export``: an issue file to a print-ready PDF."""

from __future__ import annotations

import argparse
import sys

from .common import CliError, output_target, printable, progress_printer, read_issue_file, write_output


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export", help="export an issue to a print PDF")
    p.add_argument("file", help="issue file (.xjb)")
    p.add_argument("-o", "--output", required=True, help="PDF to write (- for standard output)")
    p.add_argument("--pages", help="pages to export, e.g. 1-4 or 2,4")
    p.add_argument("--marks", action="store_true", help="crop marks outside the bleed")
    p.add_argument("--bleed", type=float, metavar="MM", help="bleed in mm (default: the layout's)")
    p.add_argument("--spreads", action="store_true",
                   help="facing pages side by side, one PDF page per reader spread (1, 2|3, 4|5, ...)")
    p.add_argument("--no-pdfx", action="store_true", help="plain PDF instead of PDF/X-1a")
    p.set_defaults(func=run)


def parse_page_range(spec: str, count: int) -> list[int]:
    """'1-4', '2', '1,3-4' -> zero-based page indexes; raises ValueError with a clear text."""
    out: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        a, _, b = part.partition("-")
        try:
            lo = int(a)
            hi = int(b) if b else lo
        except ValueError:
            raise ValueError(f"bad page range {spec!r}") from None
        if not (1 <= lo <= hi <= count):
            raise ValueError(f"page range {part!r} is outside 1-{count}")
        out.extend(range(lo - 1, hi))
    if not out:
        raise ValueError(f"bad page range {spec!r}")
    return sorted(set(out))


def run(args: argparse.Namespace) -> int:
    from ..pipeline import typeset_issue
    from ..render.export import write_pdf
    from ..render.pdf import FontEmbedError, reader_spreads
    from ..render.pdf_images import ImageTooLarge

    if args.bleed is not None and not 0 <= args.bleed <= 10:
        raise CliError(f"--bleed {args.bleed}: expected 0 to 10 mm")
    target = output_target(args.output, args.file)
    issue, _ = read_issue_file(args.file)
    pages = None
    if args.pages:
        try:
            pages = parse_page_range(args.pages, len(issue.pages))
        except ValueError as exc:
            raise CliError(str(exc)) from None
    ts = typeset_issue(issue)

    findings = []

    def write(out, _path) -> None:
        findings.extend(write_pdf(ts, out, pages=pages, marks=args.marks, bleed_mm=args.bleed,
                                  pdfx=not args.no_pdfx, progress=progress_printer("exporting page"),
                                  spreads=args.spreads))

    try:
        write_output(args.output, target, write)
    except (FontEmbedError, ImageTooLarge) as exc:
        raise CliError(str(exc)) from None

    overset = [(sid, sl.copyfit.status) for sid, sl in ts.stories.items()
               if not sid.startswith("_") and not sl.copyfit.fits]
    for d in ts.diagnostics:
        print(f"xjeditor: warning: {printable(d.text())}", file=sys.stderr)
    for f in findings:
        print(f"xjeditor: {f.code}: {printable(f.en)}", file=sys.stderr)
    for sid, status in overset:
        print(f"xjeditor: overset: story {printable(sid)} {status}", file=sys.stderr)
    chosen = [ts.pages[i] for i in pages] if pages else ts.pages
    report = sys.stderr if target is None else sys.stdout  # standard output holds the PDF
    if args.spreads:
        print(f"wrote {args.output} ({len(chosen)} pages on {len(reader_spreads(chosen))} spreads)", file=report)
    else:
        print(f"wrote {args.output} ({len(chosen)} pages)", file=report)
    return 0
