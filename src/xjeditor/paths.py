"""Where the project's shipped data lives (fonts, layouts, seeds).

The app runs from a source checkout (``pip install -e .``); the data folders sit at the
top of the repository. ``XJEDITOR_HOME`` points elsewhere when set.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def project_root() -> Path:
    env = os.environ.get("XJEDITOR_HOME")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    return project_root() / "resources"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def layouts_dir() -> Path:
    return project_root() / "layouts"


def seeds_dir() -> Path:
    return project_root() / "seeds"


def user_cache_dir(kind: str) -> Path | None:
    """A folder for one kind of derived data that can always be made again (prepared
    images): ``XJEDITOR_CACHE_DIR/kind``
    when that is set, else the user's cache folder (XDG_CACHE_HOME, ~/Library/Caches,
    %LOCALAPPDATA%) + ``xjeditor/kind``. None when ``XJEDITOR_CACHE_DIR`` is set to an
    empty string: no caching at all.

    The folders are made here, 0700. What a cache holds is used as it is, so a folder
    (or the one above it) that another user owns or may write to is not used: the
    result is None, and a warning goes to stderr once per process. So is a folder that
    cannot be made."""
    env = os.environ.get("XJEDITOR_CACHE_DIR")
    if env is not None:
        if not env:
            return None
        root = Path(env)
    elif sys.platform == "win32":
        root = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "xjeditor"
    elif sys.platform == "darwin":
        root = Path.home() / "Library" / "Caches" / "xjeditor"
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "xjeditor"
    folder = root / kind
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        if os.name == "posix":
            for where in (root, folder):
                st = os.stat(where)
                if st.st_uid != os.getuid():
                    problem = "it belongs to another user"
                elif st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                    problem = "others may write to it (chmod 700 makes it yours alone)"
                else:
                    continue
                if str(where) not in _unsafe_cache_dirs and sys.stderr is not None:
                    _unsafe_cache_dirs.add(str(where))
                    sys.stderr.write(f"xjeditor: warning: not using the cache folder {where}: {problem}\n")
                return None
    except OSError:
        return None
    return folder


_unsafe_cache_dirs: set[str] = set()  # warned about already


# Temporary files of ours beside a target: ".<target name>.<pid>.<12 hex digits>.tmp".
# Older releases wrote them without the pid.
_TEMP_NAME = re.compile(r"^\..+?\.(?:(\d+)\.)?[0-9a-f]{12}\.tmp$")
#: A temporary file of ours this old is left over from a writer that was killed.
STALE_TEMP_SECONDS = 10 * 60


def new_file_beside(target: Path, mode: int = 0o666) -> tuple[int, Path]:
    """A new, empty file in ``target``'s folder, to be written and then renamed over
    ``target``: a hidden name with this process's id and a random part, created
    exclusively (never an existing file or a link), ``mode`` less the umask. Gives the
    file descriptor (open for writing) and the path."""
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
    for _ in range(100):
        candidate = target.parent / f".{target.name}.{os.getpid()}.{os.urandom(6).hex()}.tmp"
        try:
            return os.open(candidate, flags, mode), candidate
        except FileExistsError:
            continue
    raise FileExistsError(17, "cannot create a temporary file", str(target.parent))


def _pid_gone(pid: int) -> bool:
    if pid == os.getpid() or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (OSError, ValueError, OverflowError):  # alive but not ours, or no way to tell
        return False
    return False


def remove_stale_temp_files(folder: Path, now: float | None = None) -> int:
    """Delete the temporary files of ours (``new_file_beside``) in ``folder`` that a
    killed save or export left behind: those whose writer is gone (its pid, on this
    machine) or that were not touched for ``STALE_TEMP_SECONDS``. Only regular files
    owned by this user; any error is ignored. Returns how many went."""
    now = time.time() if now is None else now
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        m = _TEMP_NAME.match(entry.name)
        if m is None:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode) or (uid is not None and st.st_uid != uid):
                continue
            if now - st.st_mtime < STALE_TEMP_SECONDS and not (m.group(1) and _pid_gone(int(m.group(1)))):
                continue
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed


def replace_file(target: str | os.PathLike[str], write: Callable[[BinaryIO, Path], None], *,
                 durable: bool = False, before_replace: Callable[[Path], None] | None = None) -> Path:
    """Write a file atomically: ``write(file, temp_path)`` fills a new temporary file
    beside the target, which is then renamed over it, so the target is never seen half
    written. Returns the path written.

    A symbolic link is followed: the file it points to is replaced, the link stays. A new
    file gets 0666 less the umask; an existing file keeps its mode. ``durable`` forces
    the data (and then the folder) to disk, for files that hold the user's work.
    ``before_replace(temp_path)`` runs just before the rename and may raise to stop it
    (having moved the temporary file elsewhere if it is to be kept); on any failure the
    temporary file is removed. Left-over temporary files of killed writers in the folder
    are removed first (``remove_stale_temp_files``)."""
    path = Path(os.path.realpath(target))
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = None
    remove_stale_temp_files(path.parent)
    fd, tmp = new_file_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh, tmp)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        if before_replace is not None:
            before_replace(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable and os.name == "posix":
        try:
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError:  # the rename happened; a folder that cannot be fsynced is no error
            pass
    return path


def source_digest(*sources: str) -> str:
    """A hash of source files, for the keys of cache entries that code makes: a change to
    it never meets entries the code before it made. A source that cannot be read gives a
    random part, so the entries serve this process only."""
    h = hashlib.blake2b(digest_size=16)
    for source in sources:
        try:
            h.update(Path(source).read_bytes())
        except (OSError, TypeError):
            h.update(os.urandom(16))
    return h.hexdigest()


def write_cache_file(path: Path, data: bytes) -> None:
    """Write a cache file atomically (a reader never sees half of one); a cache that
    cannot be written is silently skipped, it only costs time."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # threads write too
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass


def touch_cache_file(path: Path) -> None:
    """Mark a cache file as just used (its modification time), so that pruning keeps it."""
    try:
        os.utime(path)
    except OSError:
        pass


_pruned: set[str] = set()
_prune_lock = threading.Lock()


def prune_cache(kind: str, max_bytes: int) -> int:
    """Keep ``user_cache_dir(kind)`` under ``max_bytes``: when it holds more, delete its
    least recently used files (oldest modification time; readers refresh it with
    ``touch_cache_file``) until three quarters of that is left. Walks the folder at most
    once per process and kind, so callers may ask after every write. Returns the number
    of files deleted; a file that cannot be deleted is left alone."""
    folder = user_cache_dir(kind)
    with _prune_lock:
        if folder is None or kind in _pruned:
            return 0
        _pruned.add(kind)
    files: list[tuple[float, int, str]] = []
    stack = [str(folder)]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        elif entry.is_file(follow_symlinks=False):
                            st = entry.stat(follow_symlinks=False)
                            files.append((st.st_mtime, st.st_size, entry.path))
                    except OSError:
                        continue
        except OSError:
            continue
    total = sum(size for _, size, _ in files)
    if total <= max_bytes:
        return 0
    removed = 0
    for _, size, path in sorted(files):
        if total <= max_bytes * 3 // 4:
            break
        try:
            os.unlink(path)
        except OSError:
            continue
        total -= size
        removed += 1
    return removed
