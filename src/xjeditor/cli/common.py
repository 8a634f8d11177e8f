"""Helpers the sub-commands share."""

from __future__ import annotations

import os
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:  # the file format is imported by the commands that read an issue
    from ..model import Issue


def open_issue(path: str | Path, data: bytes | None = None) -> Issue:
    """Load an issue file or raise CliError with one line naming the problem.

    ``data``, when given, is the file's content, already read from ``path``."""
    from ..fileformat import IssueFileError, issue_from_bytes, load_issue
    from . import CliError

    try:
        return load_issue(path) if data is None else issue_from_bytes(data)
    except IssueFileError as exc:
        raise CliError(f"{path}: {' '.join(exc.message.split())}") from None


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
