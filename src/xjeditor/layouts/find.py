"""Finding layouts: by name or file stem among the bundled layouts and then the user's
folder, each file loaded and checked once and remembered until it changes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .. import paths
from .errors import LayoutError, UnknownLayoutError
from .layout import Layout
from .parse import parse_layout, text_of
from .validate import validate_layout

_CACHE: dict[Path, tuple[tuple[int, int], Layout]] = {}


def user_layouts_dir() -> Path:
    """The folder where a user installs layouts of their own: ``$XDG_DATA_HOME/xjeditor/
    layouts`` (by default ``~/.local/share/xjeditor/layouts``), on macOS
    ``~/Library/Application Support/xjeditor/layouts``, on Windows
    ``%APPDATA%\\xjeditor\\layouts``. It need not exist."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "xjeditor" / "layouts"


def layout_folders() -> list[Path]:
    """Where layouts are looked up, in this order: the bundled ones, then the user's."""
    return [paths.layouts_dir(), user_layouts_dir()]


def layout_files(directory: Path | None = None) -> list[Path]:
    """The layout files (``*.toml``) of ``directory``, else of the bundled folder and then
    the user's (:func:`layout_folders`); each folder's sorted by file name."""
    out: list[Path] = []
    for folder in [directory] if directory is not None else layout_folders():
        try:
            out.extend(sorted(p for p in folder.glob("*.toml") if p.is_file()))
        except OSError:
            continue
    return out


def available_layouts(directory: Path | None = None) -> list[tuple[str, Path]]:
    """(name, path) of every layout that loads, bundled ones first; broken files are
    left out, and so is a layout whose name an earlier one already has."""
    out = []
    seen: set[str] = set()
    for path in layout_files(directory):
        try:
            name = load_layout_file(path).name
        except LayoutError:
            continue
        if name not in seen:
            seen.add(name)
            out.append((name, path))
    return out


def load_layout_file(path: str | os.PathLike[str], *, check: bool = True) -> Layout:
    """Load one layout file; with ``check`` (the default) the first problem
    :func:`validate_layout` finds is raised.

    Layouts are remembered until their file changes."""
    p = Path(path).resolve()
    try:
        st = p.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, 0)
    cached = _CACHE.get(p)
    if cached and cached[0] == stamp and stamp != (0, 0):
        return cached[1]
    layout = parse_layout(p)
    if check:
        problems = validate_layout(layout)
        if problems:
            raise problems[0]
        _CACHE[p] = (stamp, layout)
    return layout


def load_layout(name: str | os.PathLike[str] | Layout, directory: Path | None = None) -> Layout:
    """A layout by name (``社区晨报-四开``) or file stem (``chenbao-sikai``), looked up
    among the bundled layouts and then the user's (:func:`layout_folders`).

    A string is always a name, never a path: issue files name their layout, and they come
    from elsewhere (``"../x.toml"`` is just an unknown layout). Code that means a file of
    its own passes a ``Path`` (or calls :func:`load_layout_file`). Raises
    :class:`UnknownLayoutError`, or the error of the file declaring that name."""
    if isinstance(name, Layout):
        return name
    if isinstance(name, os.PathLike):
        return load_layout_file(name)
    if not isinstance(name, str):
        raise TypeError(f"a layout name must be a string, not {type(name).__name__}")
    text = name
    files = layout_files(directory)
    for path in files:
        if path.stem == text:
            return load_layout_file(path)
    broken: LayoutError | None = None
    for path in files:
        if _declared_name(path) != text:  # cheap: no template is compiled for the others
            continue
        try:
            layout = load_layout_file(path)
        except LayoutError as exc:
            broken = broken or exc  # reported unless another file of that name loads
            continue
        if layout.name == text:
            return layout
    if broken is not None:
        raise broken
    raise UnknownLayoutError(text, [n for n, _ in available_layouts(directory)])


_NAMES: dict[Path, tuple[tuple[int, int], str | None]] = {}


def _declared_name(path: Path) -> str | None:
    """The ``name`` a layout file declares, read as plain TOML (None when unreadable);
    remembered until the file changes (every typesetting looks its layout up by name)."""
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        return None
    got = _NAMES.get(path)
    if got is not None and got[0] == stamp:
        return got[1]
    try:
        data = path.read_bytes()
    except OSError:
        name = None
    else:
        import tomllib

        try:
            name = tomllib.loads(text_of(data)).get("name")
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            name = None
    _NAMES[path] = (stamp, name if isinstance(name, str) else None)
    return _NAMES[path][1]
