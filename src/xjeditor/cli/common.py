"""Helpers the sub-commands share: the one-line error, reading an issue file, writing an
output file, and making text from a file safe to print."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:  # the file format is imported by the commands that read an issue
    from ..model import Issue


class CliError(Exception):
    """A problem to report in one line, exit code 2."""


# --------------------------------------------------------------------------- printing


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` with its control characters (ESC, BEL, NUL, DEL, the C1 controls, line
    and paragraph separators) shown as escapes such as ``\\x1b``, so that text from an
    issue file cannot drive the terminal. ``newlines`` keeps ``\\n`` as it is."""
    if text.isprintable() and text.isascii():
        return text
    out = []
    for ch in text:
        if ch == "\n" and newlines:
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
            out.append(_escape(ch))
        else:
            out.append(ch)
    return "".join(out)


# What JSON leaves as it is in a string and a terminal may act on: DEL, the C1 controls
# (json.dumps escapes those below U+0020 itself), the line and paragraph separators.
_JSON_CONTROLS = re.compile("[\\x7f-\\x9f\\u2028\\u2029]")


def json_text(value: object, indent: int | None = None) -> str:
    """``value`` as JSON with real UTF-8 text, every control character escaped."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _JSON_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def one_line(text: str) -> str:
    """``text`` on one line (runs of white space made one space), safe to print."""
    return printable(" ".join(text.split()))


# --------------------------------------------------------------------------- input


def open_input(path: str | os.PathLike[str]) -> BinaryIO:
    """The input file opened for reading; CliError unless it is a regular file (a FIFO or
    a device would block or never end). Opened without blocking, then checked on the
    open file itself."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise CliError(f"{path}: not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_issue_file(path: str | os.PathLike[str], *, with_hash: bool = False) -> tuple[Issue, str | None]:
    """Read an issue file (a regular file, opened as a zip from the file itself: nothing
    is read before the zip directory is checked) and, with ``with_hash``, the SHA-256 of
    its bytes; CliError with one line naming the problem."""
    from ..fileformat import IssueFileError
    from ..fileformat.xjb import read_issue

    with open_input(path) as fh:
        try:
            issue = read_issue(fh)
            digest = None
            if with_hash:
                fh.seek(0)
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
        except IssueFileError as exc:
            raise CliError(f"{path}: {one_line(exc.message)}") from None
        except OSError as exc:
            raise CliError(f"{path}: {exc.strerror or exc}") from None
    return issue, digest


def open_issue(path: str | os.PathLike[str]) -> Issue:
    """Load an issue file or raise CliError with one line naming the problem."""
    return read_issue_file(path)[0]


# --------------------------------------------------------------------------- output


def output_target(output: str, input_path: str | os.PathLike[str] | None = None) -> Path | None:
    """Where to write ``-o OUTPUT``: None for ``-`` (standard output), else the file to
    replace: a symbolic link's target, resolved. CliError when that is the input file
    itself (same file, whatever the name) or exists and is not a regular file (a FIFO,
    a device, a folder)."""
    if output == "-":
        return None
    target = Path(os.path.realpath(output))
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise CliError(f"{output}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise CliError(f"{output}: not a regular file; refusing to replace it")
    if input_path is not None:
        try:
            same = os.path.samestat(st, os.stat(input_path))
        except OSError:
            same = False
        if same:
            raise CliError(f"{output}: is the input file; choose another output")
    return target


def write_output(output: str, target: Path | None, write: Callable[[BinaryIO, Path | None], None]) -> None:
    """Write an output file: ``write(file, path)`` to a temporary file beside ``target``,
    renamed over it (see ``paths.replace_file``), or to standard output when ``target``
    is None (path None). An OSError becomes a CliError naming ``output``."""
    from ..paths import replace_file

    try:
        if target is None:
            out = sys.stdout.buffer
            write(out, None)
            out.flush()
        else:
            replace_file(target, write)
    except OSError as exc:
        raise CliError(f"{output}: {exc.strerror or exc}") from None


# --------------------------------------------------------------------------- the rest


def ensure_qt_platform() -> None:
    """Use the offscreen Qt platform when there is no display (PNG rendering, tests)."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def progress_printer(label: str):
    """A per-page progress callback printing to stderr when it is a terminal."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        print(f"\r{label} {done}/{total}", end=end, file=sys.stderr, flush=True)

    return report
