"""Parsed layouts and rendered furniture texts kept between runs.

Loading a layout reads its TOML (tomllib), checks every field, compiles every template and
renders each once with sample data (jinja2); setting furniture renders the templates again
with the issue's data. For the same layout file, the same code and the same data the
results are always the same, so both are kept in ``paths.user_cache_dir("layouts")``, and
a run that finds what it needs there imports neither tomllib nor jinja2:

- ``parsed-<version>-py<magic>.marshal`` holds, by layout file path, a digest of the file's
  bytes, the ``name`` the file declares and, when the file loaded and validated cleanly,
  the pickled :class:`~xjeditor.layouts.spec.Layout` (without compiled templates: those
  are compiled again on the first render the cache cannot answer);
- ``rendered-<version>-py<magic>.marshal`` holds template texts by a digest of the
  template's label, its source and the rendering context, for contexts made only of plain
  data (strings, numbers, dates, lists and dicts of them) whose ``repr`` is canonical.
  Only successful renders are kept, so every error still comes from jinja2 itself.

``<version>`` is xjeditor's and ``<magic>`` Python's bytecode magic. Each file also records
the size and modification time of the source files its entries depend on (this package,
the model, jinja2); a file whose record no longer holds, a damaged file or a damaged entry
is ignored and the work is done afresh. Both files are bounded and written atomically
(``paths.write_cache_file``) only when something was added; a lock guards each in memory,
since the editor may load layouts from a worker thread.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib.util
import marshal
import os
import sys
import threading
from pathlib import Path

from .. import __version__, paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Changes when the layout of the cache files changes.
FORMAT = 1
FOLDER = "layouts"

#: The modules whose code the cached layouts and texts come from (besides jinja2).
_CODE_MODULES = (
    "xjeditor.layouts.spec",
    "xjeditor.layouts.furniture",
    "xjeditor.layouts.cnformat",
    "xjeditor.layouts.errors",
    "xjeditor.model",
    "xjeditor.model.image",
    "xjeditor.model.issue",
    "xjeditor.model.story",
    "xjeditor.model.styles",
    "xjeditor.model.units",
)


def digest(data: bytes) -> bytes:
    """The digest a cache entry is keyed by."""
    return hashlib.blake2b(data, digest_size=20).digest()


def _stamp(file: str) -> tuple[int, int]:
    try:
        st = os.stat(file)
    except (OSError, ValueError):
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


def _jinja2_file() -> str | None:
    """jinja2's ``__init__.py``, found without importing jinja2 when it is not imported yet."""
    module = sys.modules.get("jinja2")
    if module is not None:
        return getattr(module, "__file__", None)
    try:
        spec = importlib.util.find_spec("jinja2")
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None else None


_DEPS: tuple[tuple[str, int, int], ...] | None = None
_DEPS_LOCK = threading.Lock()


def code_stamp() -> tuple[tuple[str, int, int], ...]:
    """(file, mtime_ns, size) of the code the cached entries depend on, taken once a process."""
    global _DEPS
    with _DEPS_LOCK:
        if _DEPS is None:
            files = [getattr(sys.modules.get(name), "__file__", None) for name in _CODE_MODULES]
            files.append(_jinja2_file())
            _DEPS = tuple((f, *_stamp(f)) for f in files if isinstance(f, str))
        return _DEPS


class _Store:
    """One marshalled dict in the cache folder, read once, bounded, written when it grew."""

    PREFIX = ""
    MAX_ENTRIES = 0

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._entries: dict[Any, Any] | None = None
        self._setting: str | None = None  # XJEDITOR_CACHE_DIR when the entries were read
        self._path: Path | None = None
        self._dirty = False

    def _file(self) -> Path | None:
        folder = paths.user_cache_dir(FOLDER)
        if folder is None:
            return None
        return folder / f"{self.PREFIX}-{__version__}-py{importlib.util.MAGIC_NUMBER.hex()}.marshal"

    def entries(self) -> dict[Any, Any]:
        """The entries, read from the cache file on first use (and again when
        ``XJEDITOR_CACHE_DIR`` changed, which tests do)."""
        entries = self._entries
        setting = os.environ.get("XJEDITOR_CACHE_DIR")
        if entries is not None and setting == self._setting:
            return entries
        with self._lock:
            if self._entries is not None and setting == self._setting:
                return self._entries
            path = self._file()
            entries = self._read(path) if path is not None else {}
            self._entries, self._setting, self._path, self._dirty = entries, setting, path, False
            return entries

    @staticmethod
    def _read(path: Path) -> dict[Any, Any]:
        try:
            fmt, deps, stored = marshal.loads(path.read_bytes())
        except Exception:  # noqa: BLE001 - missing or damaged: filled afresh and written again
            return {}
        if fmt == FORMAT and isinstance(stored, dict) and deps == code_stamp():
            return stored
        return {}  # another format, or made by other code

    def _put(self, key: Any, value: Any) -> None:
        with self._lock:
            entries = self.entries()
            entries.pop(key, None)
            if len(entries) >= self.MAX_ENTRIES:  # the oldest quarter goes
                for old in list(entries)[: max(1, len(entries) // 4)]:
                    del entries[old]
            entries[key] = value
            self._dirty = True

    def save(self) -> None:
        """Write the file if anything was added since it was read."""
        if not self._dirty:
            return
        with self._lock:
            if not self._dirty or self._entries is None:
                return
            self._dirty = False
            if self._path is None:
                return
            try:
                data = marshal.dumps((FORMAT, code_stamp(), self._entries))
            except ValueError:  # an unmarshallable value: start again next time
                self._entries = {}
                return
            path = self._path
        paths.write_cache_file(path, data)


class LayoutStore(_Store):
    """Parsed layouts and declared names by layout file; entries are
    ``path -> (digest of the file's bytes, declared name or None, pickled layout or None)``."""

    PREFIX = "parsed"
    MAX_ENTRIES = 32

    def _entry(self, path: Path, data_digest: bytes) -> tuple[Any, ...] | None:
        entry = self.entries().get(str(path))
        if type(entry) is tuple and len(entry) == 3 and entry[0] == data_digest:
            return entry
        return None

    def layout(self, path: Path, data_digest: bytes) -> Any | None:
        """The layout stored for this file and content, or None."""
        entry = self._entry(path, data_digest)
        if entry is None or type(entry[2]) is not bytes:
            return None
        import pickle

        try:
            return pickle.loads(entry[2])
        except Exception:  # noqa: BLE001 - a damaged entry is parsed afresh
            return None

    def name(self, path: Path, data_digest: bytes) -> tuple[bool, str | None]:
        """(found, the ``name`` the file declares) for this file and content."""
        entry = self._entry(path, data_digest)
        if entry is None or not (entry[1] is None or type(entry[1]) is str):
            return False, None
        return True, entry[1]

    def put_layout(self, path: Path, data_digest: bytes, layout: Any) -> None:
        """Keep a layout that loaded and validated cleanly (its compiled templates left out)."""
        import copy
        import pickle

        clone = copy.copy(layout)
        clone.templates = {}
        try:
            blob = pickle.dumps(clone, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - something in it does not pickle: not kept
            return
        self._put(str(path), (data_digest, layout.name, blob))

    def put_name(self, path: Path, data_digest: bytes, name: str | None) -> None:
        if self._entry(path, data_digest) is None:
            self._put(str(path), (data_digest, name, None))


_PLAIN = frozenset({str, int, float, bool, type(None), _dt.date})


def _plain(value: Any) -> bool:
    """Whether ``repr(value)`` is canonical: it names the value's types and content fully
    and is the same in every run (no addresses, no tzinfo objects, no subclasses)."""
    t = type(value)
    if t in _PLAIN:
        return True
    if t is _dt.datetime:
        return value.tzinfo is None
    if t is dict:
        for k, v in value.items():
            if type(k) is not str or (type(v) not in _PLAIN and not _plain(v)):
                return False
        return True
    if t is list or t is tuple:
        for v in value:
            if type(v) not in _PLAIN and not _plain(v):
                return False
        return True
    return False


#: Templates whose output differs from run to run are never kept.
_UNSTABLE = ("random", "lipsum")


class RenderStore(_Store):
    """Rendered template texts by (label, source, context)."""

    PREFIX = "rendered"
    MAX_ENTRIES = 1024

    @staticmethod
    def key(label: str, source: str, context: dict[str, Any]) -> bytes | None:
        """The key of one render, or None when it cannot be kept (a context value without a
        canonical form, or a template that may give a different text each time)."""
        if type(context) is not dict or not _plain(context) or any(w in source for w in _UNSTABLE):
            return None
        text = f"{label}\0{source}\0{context!r}"
        return digest(text.encode("utf-8", "surrogatepass"))

    def get(self, key: bytes) -> str | None:
        text = self.entries().get(key)
        return text if type(text) is str else None

    def put(self, key: bytes, text: str) -> None:
        self._put(key, text)
