"""The typesetting child of ``xjeditor export`` (see ``cli/export.py``), and its early start.

``TypesetChild`` forks a process that reads the issue, sends the writer what it needs of
it (``ExportFacts``), typesets it and sends each display page as soon as it is set.

``prestart`` starts that child at the very beginning of the ``xjeditor`` command, before
the command line is parsed: the child has no use for the parser (argparse and the
sub-commands' modules, a tenth of the time before the first page is set). The issue
file is found in the arguments by ``plain_export_args``, a plain scan that knows the
export's options (and, for a plain command line, stands in for the parser); ``export``
then takes the child only when the command's file is the same (``take_prestarted``),
and otherwise stops it and goes on as without it. A scan that is wrong costs time, never
the result.

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


def hashes_without_openssl() -> None:
    """Have ``hashlib`` use CPython's own hash functions in this process, not OpenSSL's,
    unless it is imported already. Loading OpenSSL's library costs a process some 10M
    instructions (about 3 ms) at start and half a millisecond at exit. That is more than
    all the hashing the writer does (MD5 of the page contents for reportlab's document
    ID, BLAKE2 for the keys of its caches: CPython's MD5 and BLAKE2 are as fast as
    OpenSSL's), and more than the typesetting child's SHA-256 of the pictures of a small
    issue (``small_issue``); OpenSSL's SHA-256 is five times as fast as CPython's, so a
    bigger issue's child keeps it."""
    if "hashlib" not in sys.modules:
        sys.modules.setdefault("_hashlib", None)  # (import _hashlib then fails, and hashlib falls back)


# Below this size, an issue file's pictures are hashed by CPython's SHA-256 (some 4 ms a
# megabyte here) sooner than OpenSSL's library is loaded and hashes them (3 ms, then
# 0.7 ms a megabyte).
SMALL_ISSUE_BYTES = 1 << 20


def small_issue(data: bytes | None) -> bool:
    """Whether the child reading these issue-file bytes hashes them without OpenSSL."""
    return data is not None and len(data) < SMALL_ISSUE_BYTES


def issue_reader(path: str, data: bytes) -> Callable[[], Issue]:
    """What a typesetting child calls to read the issue from the file's bytes (``path``
    names it in messages): its pictures hashed without OpenSSL when it is small."""

    def load() -> Issue:
        from .common import open_issue

        if small_issue(data):
            hashes_without_openssl()
        return open_issue(path, data)

    return load


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

# The export's options (cli/export.py, ``register``; a test keeps the two in step), with
# the names the parser stores their values under.
VALUE_OPTIONS = {"--output": "output", "--pages": "pages", "--bleed": "bleed"}  # long, taking a value
SHORT_VALUE_OPTIONS = {"-o": "output"}
FLAG_OPTIONS = {"--marks": "marks", "--spreads": "spreads", "--no-pdfx": "no_pdfx"}
_LONG_OPTIONS = (*VALUE_OPTIONS, *FLAG_OPTIONS)

_early: tuple[str, bytes, TypesetChild] | None = None


def plain_export_args(args: list[str]) -> dict[str, object] | None:
    """The values the parser would give for these arguments of ``xjeditor export`` (those
    after the command's name), read without argparse: the file, ``output``, ``pages``,
    ``marks``, ``bleed`` (a float), ``spreads`` and ``no_pdfx``. None when the command
    line is not a plain one: help, an unknown or ambiguous option, a value that starts
    with ``-``, not exactly one file, a ``--`` after the file, no output, a bleed that
    is not a number. The parser then reads it and says what it makes of it.

    (Importing argparse and building the parser costs the export's writer some 4 ms, a
    thirtieth of the command. A test checks, on generated command lines, that wherever
    this gives values the parser gives the same.)"""
    values: dict[str, object] = {"file": None, "output": None, "pages": None, "marks": False,
                                 "bleed": None, "spreads": False, "no_pdfx": False}
    positional_only = False
    i, n = 0, len(args)
    while i < n:
        arg = args[i]
        i += 1
        if positional_only or arg == "-" or not arg.startswith("-"):
            if values["file"] is not None or (positional_only and arg == "--"):
                return None
            values["file"] = arg
            continue
        if arg == "--":
            if values["file"] is not None:
                return None  # (argparse may take this "--" for an extra argument)
            positional_only = True
            continue
        if arg.startswith("--"):
            name, has_value, value = arg.partition("=")
            matches = [name] if name in _LONG_OPTIONS else [o for o in _LONG_OPTIONS if o.startswith(name)]
            if len(matches) != 1 or len(name) < 3:
                return None  # --help, unknown or ambiguous
            if matches[0] in FLAG_OPTIONS:
                if has_value:
                    return None
                values[FLAG_OPTIONS[matches[0]]] = True
                continue
            dest = VALUE_OPTIONS[matches[0]]
        elif arg[:2] in SHORT_VALUE_OPTIONS and arg[2:3] != "=":  # -o FILE or -oFILE
            dest = SHORT_VALUE_OPTIONS[arg[:2]]
            has_value, value = len(arg) > 2, arg[2:]
        else:
            return None  # -h, -o=FILE and anything else
        if not has_value:
            if i == n or args[i].startswith("-"):
                return None  # no value, or one the parser has rules of its own for
            value = args[i]
            i += 1
        values[dest] = value
    if values["file"] is None or values["output"] is None:
        return None
    if values["bleed"] is not None:
        try:
            values["bleed"] = float(values["bleed"])  # as the parser converts it (type=float)
        except ValueError:
            return None
    return values


def prestart(args: list[str]) -> None:
    """Start the typesetting child for ``xjeditor export`` with these arguments (those
    after ``export``), when it would be started later anyway and the issue file can be
    read; else do nothing."""
    global _early
    if _early is not None or not use_two_processes():
        return
    plain = plain_export_args(args)
    if plain is None:
        return
    path = str(plain["file"])
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return  # the command says what the matter is

    _early = (path, data, TypesetChild(issue_reader(path, data)))


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
