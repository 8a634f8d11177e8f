"""Modules imported on first use, through the standard library's ``LazyLoader``.

reportlab imports ``PIL.Image`` when it is imported itself, and Pillow's ``Image``
module costs an export about a tenth of a second's worth of start-up to execute (its
EXIF tag tables, its plugins' registry). An export whose pictures all come from the
cache of prepared images never touches Pillow. ``defer("PIL.Image")`` puts a module
object in ``sys.modules`` whose body runs on the first attribute looked up in it, so
``from PIL import Image`` anywhere (reportlab's included) gets it without running it;
the first ``Image.open`` (or any other attribute) runs the module, once. (The statement
``import PIL.Image`` wakes it too: the import system reads the module's spec.)

Python 3.11's lazy modules are not safe to wake from two threads at once: ``load``
wakes one in the current thread, and code that hands a deferred module to threads
calls it first.

A lazy module is woken by the statement ``import name`` itself once it is in
``sys.modules`` (the import system reads its spec), so it cannot defer a module that is
imported that way and used only later. ``stand_in`` does: ``dataclasses`` imports
``inspect`` (with ``ast``, ``dis`` and ``tokenize``, a tenth of the time a command takes
to read an issue) for one call, made only for a class without a docstring. The
``xjeditor`` command puts a stand-in for ``inspect`` in ``sys.modules``: a plain module
object that imports the real one the first time any attribute is looked up in it, and
then hands on every look-up. Whatever imports ``inspect`` after that gets the real one.
It does the same for a few more modules that the standard library imports in case they
are needed and an export never needs (``cli.UNUSED_MODULES``).
"""

from __future__ import annotations

import sys
from _thread import RLock
from types import ModuleType

__all__ = ["defer", "load", "stand_in"]


def defer(name: str) -> ModuleType | None:
    """Make ``import name`` give a module that executes on first use (no effect when it
    is imported already). None when the module cannot be found (the ordinary import
    then raises as it would have)."""
    found = sys.modules.get(name)
    if found is not None:
        return found
    import importlib.util

    spec = importlib.util.find_spec(name)  # imports the parent package, which is small
    if spec is None or spec.loader is None:
        return None
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module


def load(module: ModuleType) -> ModuleType:
    """Run a deferred module now, in this thread (no effect on an ordinary one)."""
    getattr(module, "__name__")
    return module


class _StandIn(ModuleType):
    """What ``sys.modules`` holds for a module not imported yet (see ``stand_in``)."""

    def __getattr__(self, attr: str):
        return getattr(_wake(self), attr)


_waking = RLock()  # (re-entrant: a module woken may wake another while it runs)


def _wake(stand: _StandIn) -> ModuleType:
    with _waking:
        real = stand.__dict__.get("_xj_real")
        if real is None:
            name = stand.__name__
            if sys.modules.get(name) is stand:
                del sys.modules[name]
            try:
                real = __import__(name)
            except BaseException:
                sys.modules.setdefault(name, stand)
                raise
            stand.__dict__["_xj_real"] = real
    return real


def stand_in(*names: str) -> None:
    """Put a stand-in for each top-level module ``name`` in ``sys.modules`` (nothing when
    it is imported already, or cannot be found: an ``import`` of it must still fail):
    ``import name`` then costs nothing, and the module is imported the first time an
    attribute is looked up in what that statement gave."""
    for name in names:
        if "." not in name and name not in sys.modules and _findable(name):
            sys.modules[name] = _StandIn(name)


def _findable(name: str) -> bool:
    """Whether the import system would find the top-level module ``name`` (without
    importing ``importlib.util``, a few milliseconds of start-up)."""
    for finder in sys.meta_path:
        find_spec = getattr(finder, "find_spec", None)
        if find_spec is not None and find_spec(name, None) is not None:
            return True
    return False
