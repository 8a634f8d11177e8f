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
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

__all__ = ["defer", "load"]


def defer(name: str) -> ModuleType | None:
    """Make ``import name`` give a module that executes on first use (no effect when it
    is imported already). None when the module cannot be found (the ordinary import
    then raises as it would have)."""
    found = sys.modules.get(name)
    if found is not None:
        return found
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
