"""``dataclass``, the standard library's, with its generated methods compiled once.

The standard ``@dataclass`` writes the source of ``__init__``, ``__repr__``, ``__eq__``
and the like for every class and compiles it: 0.3-0.9 ms a class, about 25 ms for the
classes an export imports, paid again by every command at start-up. This decorator
calls the standard one unchanged, but while it runs, the ``dataclasses`` module's
``exec`` finds each generated source's bytecode in a cache that is kept between runs in
``paths.user_cache_dir("dataclasses")``. The classes are exactly what the standard
decorator makes: the same source is compiled in the same way, only not every time.
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import importlib.util
import marshal
import threading
from types import CodeType

from . import paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["dataclass", "field"]

field = dataclasses.field

_MAX_ENTRIES = 4096
_lock = threading.RLock()
_codes: dict[str, CodeType] | None = None
_dirty = False


def _cache_file():
    folder = paths.user_cache_dir("dataclasses")
    return None if folder is None else folder / f"py-{importlib.util.MAGIC_NUMBER.hex()}.marshal"


def _load() -> dict[str, CodeType]:
    global _codes
    if _codes is None:
        _codes = {}
        path = _cache_file()
        if path is not None:
            try:
                codes = marshal.loads(path.read_bytes())
            except (OSError, ValueError, EOFError, TypeError):
                codes = None  # missing or damaged: compiled afresh and written again
            if isinstance(codes, dict):
                _codes = codes
    return _codes


def save() -> None:
    """Write the cache now if classes were compiled since it was read (it is also written
    at exit; a process that leaves by ``os._exit`` has to ask)."""
    _save()


def _save() -> None:
    global _dirty
    if _dirty and _codes is not None:
        _dirty = False
        path = _cache_file()
        if path is not None:
            paths.write_cache_file(path, marshal.dumps(_codes))


def _exec(source: Any, globals_: dict | None = None, locals_: dict | None = None) -> None:
    global _dirty
    if type(source) is str:
        codes = _load()
        code = codes.get(source)
        if type(code) is not CodeType:
            # as exec(source) would compile it: file "<string>", no __future__ flags of ours
            code = compile(source, "<string>", "exec", dont_inherit=True)
            if len(codes) >= _MAX_ENTRIES:
                codes.clear()
            codes[source] = code
            if not _dirty:
                _dirty = True
                atexit.register(_save)
        source = code
    builtins.exec(source, globals_, locals_)


def dataclass(cls: type | None = None, /, **kwargs: Any) -> Any:
    """``dataclasses.dataclass`` with the same arguments; see the module's text."""

    def wrap(c: type) -> type:
        with _lock:
            # The dataclasses module calls exec() by name: a module global comes before
            # the builtin. Set only while the standard decorator runs on our class.
            dataclasses.exec = _exec  # type: ignore[attr-defined]
            try:
                return dataclasses.dataclass(c, **kwargs)
            finally:
                del dataclasses.exec  # type: ignore[attr-defined]

    return wrap if cls is None else wrap(cls)
