"""Where the project's shipped data lives (fonts, layouts, seeds).

The app runs from a source checkout (``pip install -e .``); the data folders sit at the
top of the repository. ``XJEDITOR_HOME`` points elsewhere when set.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path


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
    images, compiled templates, compressed font programs): ``XJEDITOR_CACHE_DIR/kind``
    when that is set, else the user's cache folder (XDG_CACHE_HOME, ~/Library/Caches,
    %LOCALAPPDATA%) + ``xjeditor/kind``. None when ``XJEDITOR_CACHE_DIR`` is set to an
    empty string: no caching at all."""
    env = os.environ.get("XJEDITOR_CACHE_DIR")
    if env is not None:
        return Path(env) / kind if env else None
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "xjeditor" / kind


def new_file_beside(target: Path, mode: int = 0o666) -> tuple[int, Path]:
    """A new, empty file in ``target``'s folder, to be written and then renamed over
    ``target``: a random hidden name, created exclusively (never an existing file or a
    link), ``mode`` less the umask. Gives the file descriptor (open for writing) and the
    path. (What ``tempfile.mkstemp`` does, without importing ``tempfile`` and ``random``,
    a few milliseconds of a command's start-up.)"""
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
    for _ in range(100):
        candidate = target.parent / f".{target.name}.{os.urandom(6).hex()}.tmp"
        try:
            return os.open(candidate, flags, mode), candidate
        except FileExistsError:
            continue
    raise FileExistsError(17, "cannot create a temporary file", str(target.parent))


def write_cache_file(path: Path, data: bytes) -> None:
    """Write a cache file atomically (a reader never sees half of one); a cache that
    cannot be written is silently skipped, it only costs time."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # threads write too
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
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
