"""Recovery files: the autosaved copy of an issue with unsaved changes.

An issue at ``<folder>/<name>.xjb`` is autosaved to ``<folder>/<name>.xjb.recovery``; an
issue never saved yet goes to ``recovery/`` under the application's data folder
(QStandardPaths' AppDataLocation). A recovery file holds the issue file format's bytes,
written atomically (``save_issue``), so it is opened like any issue file.

The window that writes an untitled issue's recovery file holds a lock on it
(``<file>.lock``, a QLockFile), so at start-up an editor offers only the files whose writer
is gone (crashed or killed), never those of another editor that is still running.

A saved issue's recovery file lies beside the issue, where start-up would not look: the
window that writes one also leaves a note in the recovery folder (``<hash>.xjbref``, the
recovery file's path) and holds the lock on the note instead. The note goes with the copy.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from PySide6.QtCore import QLockFile, QStandardPaths

from ..fileformat import save_issue
from ..model import Issue

SUFFIX = ".recovery"
LOCK_SUFFIX = ".lock"
NOTE_SUFFIX = ".xjbref"


def recovery_folder() -> Path:
    """Where recovery files of issues without a file name go."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    if not base:
        base = str(Path.home() / ".xjeditor")
    return Path(base) / "recovery"


def recovery_path_for(path: str | os.PathLike[str]) -> Path:
    """``<name>.xjb`` -> ``<name>.xjb.recovery`` beside it."""
    p = Path(path)
    return p.with_name(p.name + SUFFIX)


def untitled_recovery_path() -> Path:
    """A fresh recovery file name for an issue that has no file yet."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return recovery_folder() / f"未命名-{stamp}-{os.getpid()}.xjb{SUFFIX}"


def write_recovery(issue: Issue, target: Path) -> None:
    """Write the issue atomically; raises IssueFileError (``message_zh``) or OSError."""
    target.parent.mkdir(parents=True, exist_ok=True)
    save_issue(issue, target)


def remove_recovery(target: Path | None) -> None:
    """Delete a recovery file if it is there; a file that cannot be removed is left alone."""
    if target is None:
        return
    try:
        target.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        pass


def newer_recovery(path: str | os.PathLike[str]) -> Path | None:
    """The issue's recovery file when there is one newer than the issue itself."""
    rec = recovery_path_for(path)
    try:
        rec_time = rec.stat().st_mtime_ns
    except OSError:
        return None
    try:
        issue_time = Path(path).stat().st_mtime_ns
    except OSError:
        return rec
    return rec if rec_time > issue_time else None


def untitled_recovery_files() -> list[Path]:
    """Recovery files of issues never saved, newest first (locked ones included)."""
    folder = recovery_folder()
    found: list[tuple[int, Path]] = []
    try:
        for p in folder.glob(f"*.xjb{SUFFIX}"):
            try:
                found.append((p.stat().st_mtime_ns, p))
            except OSError:
                continue
    except OSError:
        return []
    return [p for _, p in sorted(found, key=lambda t: (-t[0], t[1].name))]


def claim(target: Path) -> QLockFile | None:
    """Lock an untitled issue's recovery file for this editor; None when a running editor
    holds it. A lock left by a process that is gone is taken over. Keep the returned lock
    (it is released when dropped) and give it to :func:`release` when done."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    lock = QLockFile(str(target) + LOCK_SUFFIX)
    lock.setStaleLockTime(0)  # held for as long as the issue is open: never stale by age
    return lock if lock.tryLock(0) else None


def release(lock: QLockFile | None) -> None:
    if lock is not None:
        lock.unlock()


# ---- saved issues' recovery files, noted in the recovery folder ---------------------------
def note_path_for(rec: str | os.PathLike[str]) -> Path:
    """The note that tells start-up where a saved issue's recovery file is."""
    digest = hashlib.sha1(os.path.abspath(rec).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return recovery_folder() / f"{digest}{NOTE_SUFFIX}"


def note_recovery(rec: Path) -> QLockFile | None:
    """Note a saved issue's recovery file for the next start-up; returns the lock on the note
    (None when another running editor holds it), kept like :func:`claim`'s."""
    note = note_path_for(rec)
    lock = claim(note)
    try:
        note.write_text(os.path.abspath(rec), encoding="utf-8")
    except OSError:
        pass
    return lock


def forget_recovery(rec: Path | None) -> None:
    """Remove the note of a recovery file (there is none for an untitled issue's)."""
    if rec is not None:
        remove_recovery(note_path_for(rec))


def noted_recovery_files() -> list[tuple[Path, Path]]:
    """(issue file, recovery file) of the saved issues with a noted recovery file newer than
    the issue, newest first (locked ones included). Notes of copies that are gone are
    removed unless a running editor holds them."""
    try:
        notes = sorted(recovery_folder().glob(f"*{NOTE_SUFFIX}"))
    except OSError:
        return []
    found: list[tuple[int, Path, Path]] = []
    for note in notes:
        try:
            rec = Path(note.read_text(encoding="utf-8").strip())
        except (OSError, UnicodeDecodeError):
            continue
        if not rec.name.endswith(SUFFIX):
            continue
        issue = rec.with_name(rec.name[: -len(SUFFIX)])
        if not rec.exists():
            lock = claim(note)
            if lock is not None:
                remove_recovery(note)
                release(lock)
            continue
        if newer_recovery(issue) != rec:
            continue
        try:
            found.append((rec.stat().st_mtime_ns, issue, rec))
        except OSError:
            continue
    return [(issue, rec) for _, issue, rec in sorted(found, key=lambda t: (-t[0], str(t[2])))]
