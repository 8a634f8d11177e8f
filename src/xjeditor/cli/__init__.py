"""The ``xjeditor`` command line.

Each sub-command lives in its own module of this package and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a callable taking the
parsed arguments and returning the exit code. This package never imports Qt at module level:
the GUI commands import ``xjeditor.app`` only when they run.

Exit codes: 0 success, 1 a check found errors (preflight), 2 bad input or bad arguments.
"""

from __future__ import annotations

import builtins
import os
import sys

from .. import __version__

# Nothing heavier is imported here: ``entry`` may fork before the arguments are parsed
# (see ``export_child``), and what is imported before the fork is paid for by both
# processes in turn. argparse, for one, is imported by ``build_parser``.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from types import SimpleNamespace

# Sub-command modules, in the order ``--help`` lists them.
COMMANDS = ["open", "new", "info", "typeset", "export", "preflight", "render", "demo"]


class CliError(Exception):
    """A problem to report in one line, exit code 2."""


def _parser_class() -> type[argparse.ArgumentParser]:
    import argparse

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> None:  # one clear line, exit 2, no usage dump
            self.exit(2, f"xjeditor: error: {message}\n")

    return _Parser


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that sub-command is imported (start-up time: the
    command modules pull in the file format, layouts and renderers)."""
    import importlib

    _Parser = _parser_class()
    parser = _Parser(prog="xjeditor", description="XJ Editor: 社区报排版 (Chinese community newspaper layout)")
    parser.add_argument("--version", action="version", version=f"xjeditor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in ([only] if only in COMMANDS else COMMANDS):
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:  # a command still being built
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        module.register(sub)
    return parser


def _plain_export(argv: list[str]) -> SimpleNamespace | None:
    """The arguments of a plain ``xjeditor export`` command line, as the parser would
    give them, without building it (see ``export_child.plain_export_args``); else None."""
    if argv[:1] != ["export"]:
        return None
    from .export_child import plain_export_args

    values = plain_export_args(argv[1:])
    if values is None:
        return None
    from types import SimpleNamespace

    from .export import run

    return SimpleNamespace(command="export", func=run, **values)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:  # answered without importing every command
        print(f"xjeditor {__version__}")
        return 0
    args: argparse.Namespace | SimpleNamespace | None = _plain_export(argv)
    if args is None:
        first = next((a for a in argv if not a.startswith("-")), None)
        parser = build_parser(first if first in COMMANDS and "-h" not in argv and "--help" not in argv else None)
        args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        from .demo import has_display

        if not has_display():  # nothing to open a window on: say what there is
            parser.print_help()
            return 0
        from ..app.main import run as run_editor  # the editor, empty, with its recent files

        return run_editor(None)
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"xjeditor: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("xjeditor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head & co.: not an error
        try:
            # builtins.open: the name ``open`` in this package is the ``open`` sub-command module
            sys.stdout = builtins.open(os.devnull, "w")  # noqa: SIM115 - keep interpreter shutdown quiet
        except OSError:
            pass
        return 0


# Standard modules imported at start-up by others "in case" and not used by a command
# such as export, left as stand-ins until first used (lazy_import.stand_in): inspect
# (dataclasses, for undocumented classes; with ast, dis and tokenize), ipaddress
# (urllib.parse, for bracketed hosts), textwrap (argparse's help, reportlab), bz2 and
# lzma (shutil, zipfile: for those compressions), tempfile (reportlab, for files it
# never makes for us; with random), shutil (zipfile, for extracting to files),
# unicodedata (typeset.fonts, to tell control characters among those a font lacks).
# The tests check that an export leaves them asleep with its caches warm. Nor does a
# command import typing (some 4 ms): the project's modules import it for type checkers
# only (``TYPE_CHECKING = False``, then ``if TYPE_CHECKING:``); the one Protocol that
# isinstance() may ask about at run time, ``typeset.metrics.FontMetrics``, is made on
# first use.
UNUSED_MODULES = ("inspect", "ipaddress", "textwrap", "bz2", "lzma", "tempfile", "shutil", "unicodedata")

# Commands that run once and leave, without a window. What they make lives until they
# leave anyway (the issue, display lists, fonts, reportlab's document), so the cycle
# collector's passes over it find next to nothing (a 16-page export: some 500 objects
# in 76 passes) and cost about 4% of the instructions of each of export's processes.
# It is off while they run; the editor keeps it.
ONE_SHOT_COMMANDS = ("export", "render", "preflight", "info", "typeset", "new")


def entry() -> int:
    """The ``xjeditor`` command (the console script and ``python -m xjeditor``): ``main``,
    then a quick way out of the interpreter.

    After a command the process has nothing left to do but free what it holds, which
    the system does anyway: tens of thousands of objects after an export (fonts,
    display lists, reportlab's tables), torn down one by one, with the cycle collector's
    passes over all of them, a twentieth of the command's time. So a command leaves by
    ``_leave``: what Python's own exit would do that matters (stdio flushed, atexit
    handlers run, such as the caches' saves) and then ``os._exit``. Where that is not
    safe it returns, and the interpreter exits as usual with the collector frozen
    (``gc.freeze``: frozen objects are left out of its passes).

    Only here: a process that calls ``main`` and goes on (the tests) keeps all that.
    So is the early start of ``xjeditor export``'s typesetting child, before the
    arguments are parsed (``export_child.prestart``), the stand-ins for modules a
    command does not use (``UNUSED_MODULES``), and the cycle collector switched off for
    the commands that run once (``ONE_SHOT_COMMANDS``).
    """
    import gc

    from ..lazy_import import stand_in

    stand_in(*UNUSED_MODULES)
    argv = sys.argv[1:]
    collecting = gc.isenabled()
    if argv[:1] and argv[0] in ONE_SHOT_COMMANDS:
        gc.disable()
    try:
        if argv[:1] == ["export"]:
            from .export_child import abandon_prestarted, prestart

            prestart(argv[1:])
            try:
                code = main()
            finally:
                abandon_prestarted()  # (when export did not take it: a bad argument, say)
        else:
            code = main()
        _leave(code)
    finally:
        if collecting:
            gc.enable()
    gc.freeze()
    return code


def _leave(code: int) -> None:
    """Leave the process now, with exit status ``code``, after flushing stdio and
    running the atexit handlers; return instead when a normal exit is needed:

    - Qt was loaded (the editor ran): its objects are destroyed in order at exit, and
      some of them write on their way (settings);
    - another thread is still running: Python's exit waits for it;
    - the interpreter has no ``atexit._run_exitfuncs`` (not CPython);
    - stdout or stderr cannot be flushed (Python reports that at exit).
    """
    import atexit

    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_handlers is None or _qt_loaded():
        return
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        run_handlers()  # each handler's error is printed by it, as at a normal exit
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


def _qt_loaded() -> bool:
    return any(name == "PySide6" or name.startswith("PySide6.") for name in list(sys.modules))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(entry())
