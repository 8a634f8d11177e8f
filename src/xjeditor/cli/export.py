"""``xjeditor export``: an issue file to a print-ready PDF.

Two processes share the work on a machine with more than one core. Starting the PDF
writer costs about as much as typesetting a four-page issue: reportlab takes a good
part of a tenth of a second to import, and the fonts and the output profile are opened
before the first page is drawn. So once the issue file's bytes are in memory, the
command forks. The child reads the issue from them, sends through a pipe what the writer
needs of it (``ExportFacts``: title, page count, pictures), typesets it (engine,
layouts, furniture) and sends each display page as soon as every story on it is set.
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

import argparse
import os
import pickle
import sys
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from ..dataclass_cache import dataclass

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from ..model import Issue
    from ..render.export import ExportFacts
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


def use_two_processes() -> bool:
    """Whether to typeset in a forked child while the writer starts up."""
    if os.environ.get("XJEDITOR_NO_FORK", "") not in ("", "0"):
        return False
    return hasattr(os, "fork") and sys.platform != "darwin" and (os.cpu_count() or 1) > 1


class ChildFailed(Exception):
    """The typesetting child stopped before sending everything."""


# The pipe holds what the child sends while the parent is still starting the writer
# (a display page pickles to some 50 kB; Linux pipes hold 64 kB unless asked for more).
_PIPE_SIZE = 1 << 20


class _Child:
    """A forked process reading and typesetting the issue. It sends what the writer
    needs of the issue (``facts()``), then the display pages (``pages()``, as they
    come); then ``result`` holds its warnings and overset stories."""

    def __init__(self, load: Callable[[], Issue]) -> None:
        """``load`` gives the issue to typeset; the child calls it."""
        for stream in (sys.stdout, sys.stderr):  # nothing buffered twice
            stream.flush()
        read_fd, write_fd = os.pipe()
        try:
            import fcntl

            fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
        except (ImportError, AttributeError, OSError):
            pass  # a smaller pipe: the child waits for the parent to read, no more
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - runs in the child (its coverage is not collected)
            status = 1
            try:
                os.close(read_fd)
                with os.fdopen(write_fd, "wb") as out:
                    def send(message: object) -> None:
                        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
                        out.flush()

                    issue = load()
                    from ..render.export import ExportFacts

                    send(ExportFacts.of(issue))
                    send(typeset_for_export(issue, on_page=send))
                status = 0
                from .. import dataclass_cache
                from ..typeset.fonts import save_learned_glyphs

                dataclass_cache.save()  # the classes only the child made (file format, layouts)
                save_learned_glyphs()  # the characters it looked up (atexit does not run here)
            except BaseException:  # noqa: BLE001 - the parent typesets again and reports it
                pass
            finally:
                os._exit(status)  # no atexit handlers, no stdio flush: they belong to the parent
        os.close(write_fd)
        self._src = os.fdopen(read_fd, "rb")
        self.received: list[DisplayPage] = []
        self.result: TypesetResult | None = None

    def _receive(self) -> object:
        try:
            return pickle.load(self._src)
        except Exception as exc:  # noqa: BLE001 - an end or damage: the parent does it all instead
            raise ChildFailed(str(exc)) from None

    def facts(self) -> ExportFacts:
        """What the writer needs of the issue, once the child has read it. Raises
        ``ChildFailed`` when the child sends something else or nothing (it could not
        read the issue: the parent reads it and says why)."""
        from ..render.export import ExportFacts

        message = self._receive()
        if not isinstance(message, ExportFacts):
            raise ChildFailed(f"unexpected message {type(message).__name__}")
        return message

    def pages(self) -> Iterator[DisplayPage]:
        """The display pages, in order, each as soon as the child has sent it; then
        ``result`` is set (with these pages). Raises ``ChildFailed`` when the child
        stops short or sends something else."""
        from ..typeset.display import DisplayPage

        try:
            while True:
                message = self._receive()
                if isinstance(message, DisplayPage):
                    self.received.append(message)
                    yield message
                elif isinstance(message, TypesetResult):
                    break
                else:
                    raise ChildFailed(f"unexpected message {type(message).__name__}")
        finally:
            self._src.close()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if status != 0:
            raise ChildFailed(f"exit status {status}")
        message.pages = self.received
        self.result = message

    def abandon(self) -> None:
        """Stop the child and reap it (the parent is leaving early, or gave up on it)."""
        self._src.close()
        if not self.pid:
            return
        try:
            os.kill(self.pid, 9)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        self.pid = 0


def run(args: argparse.Namespace) -> int:
    from . import CliError

    if args.bleed is not None and not 0 <= args.bleed <= 10:
        raise CliError(f"--bleed {args.bleed}: expected 0 to 10 mm")
    try:
        with open(args.file, "rb") as f:
            data: bytes | None = f.read()
    except OSError:
        data = None

    def load() -> Issue:
        from .common import open_issue

        return open_issue(args.file, data)

    if data is None:
        load()  # says what the matter is with the file (CliError)

    # The fork comes before the issue is read: the child reads it (the file format's
    # modules and the issue's checks) and sends the writer what it needs of it.
    child = _Child(load) if data is not None and use_two_processes() else None
    issue: Issue | None = None
    try:
        # The writer's start-up, while the child reads and typesets: imports, fonts,
        # output profile.
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
