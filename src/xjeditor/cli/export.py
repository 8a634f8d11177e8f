"""``xjeditor export``: an issue file to a print-ready PDF.

Two processes share the work on a machine with more than one core. Starting the PDF
writer costs about as much as typesetting a four-page issue: reportlab takes a good
part of a tenth of a second to import, and the fonts and the output profile are opened
before the first page is drawn. So once the issue file's bytes are in memory, the
command forks (``export_child``). The ``xjeditor`` command does that before it even
parses its arguments (``cli.entry`` calls ``export_child.prestart``): the child needs
only the issue file, and the parser (where a plain scan of the arguments does not stand
in for it) is the parent's alone. The child reads the issue
from the file's bytes, sends through a pipe what the writer needs of it
(``ExportFacts``: title, page count, pictures), typesets it (engine, layouts,
furniture) and sends each display page as soon as every story on it is set.
Meanwhile the parent imports and opens what the writer needs, then draws each page as
it comes, while the child sets the next ones. The parent never reads the issue itself
unless the child fails.
The pages are drawn from the same display lists, in the same order, as a single
process draws them: the bytes of the PDF do not depend on which way it was made (tests
check this).

Where fork is missing (Windows), on one core, or with ``XJEDITOR_NO_FORK=1``, everything
runs in one process. If the child fails in any way, the parent typesets by itself (and
draws the whole document again), so an error is reported exactly as a single process
would report it.
"""

from __future__ import annotations

import sys
from dataclasses import field
from pathlib import Path

from ..dataclass_cache import dataclass
from .export_child import ChildFailed, hashes_without_openssl, issue_reader, take_prestarted, use_two_processes
from .export_child import TypesetChild as _Child

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable

    from ..model import Issue
    from ..typeset.display import DisplayPage


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


@dataclass
class TypesetResult:
    """What the writer needs of the typesetting: the display pages, the warnings, and
    each overset story with its copyfit status (超 N 字)."""

    pages: list[DisplayPage]
    warnings: list[str] = field(default_factory=list)
    overset: list[tuple[str, str]] = field(default_factory=list)


def typeset_for_export(issue: Issue, on_page: Callable[[DisplayPage], None] | None = None) -> TypesetResult:
    """The issue typeset for its PDF; ``on_page`` is given each display page as soon as
    it is complete (see ``typeset_issue``)."""
    from ..render.export import typeset_issue

    ts = typeset_issue(issue, on_page=on_page)
    overset = [(sid, sl.copyfit.status) for sid, sl in ts.layout.stories.items()
               if not sid.startswith("_") and not sl.copyfit.fits]
    # (Pages handed to on_page are not repeated here.)
    return TypesetResult([] if on_page is not None else ts.pages, ts.warnings, overset)


def run(args: argparse.Namespace) -> int:
    from . import CliError

    if args.bleed is not None and not 0 <= args.bleed <= 10:
        raise CliError(f"--bleed {args.bleed}: expected 0 to 10 mm")
    early = take_prestarted(args.file)  # a child started before the arguments were parsed
    data: bytes | None
    if early is not None:
        data, child = early
    else:
        child = None
        try:
            with open(args.file, "rb") as f:
                data = f.read()
        except OSError:
            data = None

    def load() -> Issue:
        from .common import open_issue

        return open_issue(args.file, data)

    if data is None:
        load()  # says what the matter is with the file (CliError)

    # The fork comes before the issue is read: the child reads it (the file format's
    # modules and the issue's checks) and sends the writer what it needs of it.
    if child is None and data is not None and use_two_processes():
        child = _Child(issue_reader(args.file, data))
    issue: Issue | None = None
    try:
        # The writer's start-up, while the child reads and typesets: imports, fonts,
        # output profile.
        hashes_without_openssl()  # (after the fork: the child decides for itself)
        from ..render.export import ExportFacts, shared_registry, write_pdf
        from ..render.pdf import FontEmbedError
        from ..render.pdfx import default_output_intent
        from .common import progress_printer

        intent = None if args.no_pdfx else default_output_intent()
        shared_registry()
        facts = None
        if child is not None:
            try:
                facts = child.facts()
            except ChildFailed:
                child.abandon()
                child = None  # the issue is read and typeset here
        if facts is None:
            issue = load()
            facts = ExportFacts.of(issue)
        pages = None
        if args.pages:
            from ..render.export import parse_page_range

            try:
                pages = parse_page_range(args.pages, facts.page_count)
            except ValueError as exc:
                raise CliError(str(exc)) from None

        def export(display: Iterable[DisplayPage]) -> list:
            try:
                return write_pdf(facts, display, Path(args.output), pages=pages, marks=args.marks,
                                 bleed_mm=args.bleed, pdfx=not args.no_pdfx, output_intent=intent,
                                 progress=progress_printer("exporting page"), spreads=args.spreads)
            except FontEmbedError as exc:
                raise CliError(str(exc)) from None
            except OSError as exc:
                raise CliError(f"{args.output}: {exc.strerror or exc}") from None

        result = findings = None
        if child is not None:
            try:
                findings = export(child.pages())  # each page drawn as it comes
                result = child.result
            except ChildFailed:
                pass  # typeset here, and draw everything again
    finally:
        if child is not None:
            child.abandon()
    if result is None:
        result = typeset_for_export(issue or load())
        findings = export(result.pages)

    for w in result.warnings:
        print(f"xjeditor: warning: {w}", file=sys.stderr)
    for f in findings:
        print(f"xjeditor: {f.code}: {f.en}", file=sys.stderr)
    for sid, status in result.overset:
        print(f"xjeditor: overset: story {sid} {status}", file=sys.stderr)
    count = len(pages) if pages else len(result.pages)
    if args.spreads:
        from ..render.pdf import reader_spreads

        chosen = [result.pages[i] for i in pages] if pages else result.pages
        print(f"wrote {args.output} ({count} pages on {len(reader_spreads(chosen))} spreads)")
    else:
        print(f"wrote {args.output} ({count} pages)")
    return 0
