"""The typesetting child of ``xjeditor export`` (see ``cli/export.py``), and its early start.

``TypesetChild`` forks a process that reads the issue, sends the writer what it needs of
it (``ExportFacts``), typesets it and sends each display page as soon as it is set.

``prestart`` starts that child at the very beginning of the ``xjeditor`` command, before
the command line is parsed: the child has no use for the parser (argparse and the
sub-commands' modules, a tenth of the time before the first page is set), and the parent
parses while the child reads the issue. The issue file is found in the arguments by
``guess_issue_path``, a plain scan that knows the export's options; ``export`` then takes
the child only when the parser gives the same file (``take_prestarted``), and otherwise
stops it and goes on as without it. A guess that is wrong costs time, never the result.

This module imports nothing that the command would not import anyway before the fork
(not even ``typing``): whatever is imported before the fork is imported by one process
for both.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ..model import Issue
    from ..render.export import ExportFacts
    from ..typeset.display import DisplayPage
    from .export import TypesetResult


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


class TypesetChild:
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
                    _serve(load, out)
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
        import pickle

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
        from .export import TypesetResult

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


def _serve(load: Callable[[], Issue], out) -> None:
    """The child's work: the issue's facts, then each display page, then the result."""
    import pickle

    def send(message: object) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    issue = load()
    from ..render.export import ExportFacts

    send(ExportFacts.of(issue))
    from . import export as command  # looked up now: tests replace its typeset_for_export

    send(command.typeset_for_export(issue, on_page=send))


# --------------------------------------------------------------------------- early start

# The export's options (cli/export.py, ``register``; a test keeps the two in step).
VALUE_OPTIONS = ("--output", "--pages", "--bleed")  # long options taking a value
SHORT_VALUE_OPTIONS = ("-o",)
FLAG_OPTIONS = ("--marks", "--spreads", "--no-pdfx")

_early: tuple[str, bytes, TypesetChild] | None = None


def guess_issue_path(args: list[str]) -> str | None:
    """The issue file named by the arguments of ``xjeditor export`` (those after the
    command's name), as the parser will read them; None when they are not plain (help,
    an unknown or ambiguous option, not exactly one file)."""
    found = None
    positional_only = False
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if not positional_only and arg == "--":
            positional_only = True
            continue
        if not positional_only and arg.startswith("-") and arg != "-":
            if arg.startswith("--"):
                name, has_value, _ = arg.partition("=")
                known = VALUE_OPTIONS + FLAG_OPTIONS
                matches = [name] if name in known else [o for o in known if o.startswith(name)]
                if len(matches) != 1 or len(name) < 3:
                    return None  # --help, unknown or ambiguous: the parser says what it makes of it
                if matches[0] in VALUE_OPTIONS:
                    i += 0 if has_value else 1
                elif has_value:
                    return None
            elif arg in SHORT_VALUE_OPTIONS:
                i += 1
            elif not arg.startswith(SHORT_VALUE_OPTIONS):  # -oFILE is one argument
                return None  # -h and anything else
            continue
        if found is not None:
            return None
        found = arg
    return found


def prestart(args: list[str]) -> None:
    """Start the typesetting child for ``xjeditor export`` with these arguments (those
    after ``export``), when it would be started later anyway and the issue file can be
    read; else do nothing."""
    global _early
    if _early is not None or not use_two_processes():
        return
    path = guess_issue_path(args)
    if path is None:
        return
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return  # the command says what the matter is

    def load() -> Issue:
        from .common import open_issue

        return open_issue(path, data)

    _early = (path, data, TypesetChild(load))


def take_prestarted(path: str) -> tuple[bytes, TypesetChild] | None:
    """The issue file's bytes and the child started for it by ``prestart``, when it was
    started for ``path``; a child started for another file is stopped."""
    global _early
    early, _early = _early, None
    if early is None:
        return None
    if early[0] != path:
        early[2].abandon()
        return None
    return early[1], early[2]


def abandon_prestarted() -> None:
    """Stop a child that ``prestart`` started and the command did not take."""
    global _early
    early, _early = _early, None
    if early is not None:
        early[2].abandon()
