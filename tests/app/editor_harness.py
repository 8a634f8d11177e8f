"""Driving the editor in a child process, as a user would, for the crash scenarios
(``crash_scenarios.py``) and the soak test (``soak_editor.py``).

A segfault in Qt ends the process it happens in, so the tests that may meet one run the
editor in a child and check its exit code (``run_child``). In the child, ``start`` makes the
application and a window whose modal questions are answered by an ``Answers`` object (the
functions of ``xjeditor.app.dialogs`` are replaced; any other modal dialog fails the run
instead of waiting for a click), and ``Watch`` records every Python exception raised in a
slot or a Qt virtual method and every Qt warning, which would otherwise only be printed.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
HERE = Path(__file__).resolve().parent


# ---- the parent's side -----------------------------------------------------------------
def child_env(tmp: Path) -> dict[str, str]:
    """The environment of an editor child: offscreen, caches, settings and recovery files
    all in ``tmp``."""
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", XJEDITOR_CACHE_DIR=str(tmp / "cache"),
               XDG_DATA_HOME=str(tmp / "data"), XDG_CONFIG_HOME=str(tmp / "config"),
               PYTHONFAULTHANDLER="1", PYTHONDONTWRITEBYTECODE="1")
    for name in ("XJEDITOR_SOAK_SECONDS",):
        env.pop(name, None)
    return env


def run_child(script: str, *args: str, tmp: Path, timeout: float,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``tests/app/<script>`` with this Python; its output is returned, not shown."""
    full_env = child_env(tmp)
    full_env.update(env or {})
    return subprocess.run([sys.executable, str(HERE / script), *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def describe_exit(proc: subprocess.CompletedProcess, tail: int = 60) -> str:
    """The exit code (a signal by name) and the end of the child's output, for a failure."""
    code = proc.returncode
    if code < 0:
        import signal

        try:
            what = f"killed by {signal.Signals(-code).name}"
        except ValueError:
            what = f"killed by signal {-code}"
    else:
        what = f"exit code {code}"
    out = "\n".join(proc.stdout.splitlines()[-tail:])
    err = "\n".join(proc.stderr.splitlines()[-tail:])
    return f"{what}\n--- stdout (end)\n{out}\n--- stderr (end)\n{err}"


# ---- the child's side ------------------------------------------------------------------
def prepare_child_env() -> Path:
    """Before Qt or xjeditor is imported: offscreen, and a temporary folder for caches,
    settings and recovery files unless the parent gave them. Returns a scratch folder."""
    scratch = Path(tempfile.mkdtemp(prefix="xjeditor-child-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("XJEDITOR_CACHE_DIR", str(scratch / "cache"))
    os.environ.setdefault("XDG_DATA_HOME", str(scratch / "data"))
    os.environ.setdefault("XDG_CONFIG_HOME", str(scratch / "config"))
    import faulthandler

    faulthandler.enable()
    return scratch


class UnexpectedDialog(AssertionError):
    """A modal dialog the harness does not answer was about to wait for the user."""


class Answers:
    """What each question of ``xjeditor.app.dialogs`` is answered with (a value, or a
    callable taking the question's arguments), and a log of the questions asked."""

    def __init__(self) -> None:
        from xjeditor.app import dialogs

        self.asked: list[str] = []
        self.messages: list[str] = []  # what show_error and show_info said
        self.unsaved = dialogs.DISCARD
        self.file_changed = dialogs.CANCEL
        self.recovery = dialogs.CANCEL
        self.untitled_recovery = dialogs.CANCEL
        self.recoveries = (dialogs.CANCEL, -1)  # the start-up list of recovery files
        self.delete_page = True
        self.new_issue = dialogs.NewIssueSettings("社区晨报-四开", 4, 1, 0, dt.date(2024, 6, 1))
        self.open_path: str | None = None
        self.save_path: str | None = None
        self.image_path: str | None = None
        self.export_path: str | None = None
        self.story: str | None = None
        self.headline: str | None = "新稿件"

    def install(self) -> None:
        from PySide6.QtWidgets import QDialog, QMessageBox

        from xjeditor.app import dialogs

        self._real = {name: getattr(dialogs, name) for name in dir(dialogs)
                      if name.startswith(("ask_", "get_", "show_", "choose_"))}
        self._real_exec = (QDialog.exec, QMessageBox.exec)

        def answer(name: str, attr: str):
            def fn(*args, **kwargs):
                self.asked.append(name)
                value = getattr(self, attr)
                return value(*args) if callable(value) else value
            return fn

        for name, attr in (("ask_unsaved", "unsaved"), ("ask_file_changed", "file_changed"),
                           ("ask_recovery", "recovery"), ("ask_untitled_recovery", "untitled_recovery"),
                           ("ask_recoveries", "recoveries"),
                           ("ask_delete_page", "delete_page"), ("ask_new_issue", "new_issue"),
                           ("get_open_path", "open_path"), ("get_save_path", "save_path"),
                           ("get_image_path", "image_path"), ("get_export_path", "export_path"),
                           ("choose_story", "story"), ("ask_headline", "headline")):
            setattr(dialogs, name, answer(name, attr))
        def show(name: str):
            def fn(_parent, *texts, **kwargs):
                self.asked.append(name)
                self.messages.append(" ".join(str(t) for t in texts))
            return fn

        for name in ("show_error", "show_info"):
            setattr(dialogs, name, show(name))

        def refuse(box, *args):
            raise UnexpectedDialog(f"unanswered modal dialog: {box.windowTitle()!r}")

        QDialog.exec = refuse
        QMessageBox.exec = refuse

    def restore_real_dialogs(self, *names: str) -> None:
        """Ask these questions with the real dialogs again (modal dialogs are allowed)."""
        from PySide6.QtWidgets import QDialog, QMessageBox

        from xjeditor.app import dialogs

        for name in names:
            setattr(dialogs, name, self._real[name])
        QDialog.exec, QMessageBox.exec = self._real_exec


class Watch:
    """Python exceptions raised where Qt called Python (slots, paint, boundingRect …) are
    printed and swallowed by PySide; Qt's warnings go to stderr. Both are kept here."""

    IGNORED_WARNINGS = ("propagateSizeHints", "QFont::", "fontconfig", "Populating font family")

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def install(self) -> None:
        import traceback

        from PySide6.QtCore import QtMsgType, qInstallMessageHandler

        def hook(kind, value, tb) -> None:
            self.errors.append("".join(traceback.format_exception(kind, value, tb)))
            sys.__excepthook__(kind, value, tb)

        def unraisable(info) -> None:
            self.errors.append(f"unraisable: {info.exc_value!r} in {info.object!r}")
            sys.__unraisablehook__(info)

        sys.excepthook = hook
        sys.unraisablehook = unraisable

        def messages(kind, _context, text: str) -> None:
            if kind != QtMsgType.QtDebugMsg and not any(s in text for s in self.IGNORED_WARNINGS):
                self.warnings.append(text)
            sys.stderr.write(f"qt: {text}\n")

        self._handler = messages  # keep a reference
        qInstallMessageHandler(messages)

    def take(self) -> list[str]:
        """Errors and warnings since the last call (and forget them)."""
        out = self.errors + [f"Qt warning: {w}" for w in self.warnings]
        self.errors.clear()
        self.warnings.clear()
        return out


def start(scratch: Path):
    """The application and a shown window; returns (app, window, answers, watch)."""
    from xjeditor.app.main import create_app

    app = create_app()
    watch = Watch()
    watch.install()
    answers = Answers()
    answers.install()
    window = new_window(scratch)
    return app, window, answers, watch


def new_window(scratch: Path):
    from PySide6.QtCore import QSettings

    from xjeditor.app.window import MainWindow

    settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, autosave_ms=10**9)
    window.resize(1200, 800)
    window.show()
    pump()
    return window


def copy_seed(name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copyfile(SEEDS / name, target)
    return target


def pump(times: int = 2) -> None:
    """Let Qt handle what is queued (deferred deletes, timers due, repaints)."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    for _ in range(times):
        QApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def paint(window) -> None:
    """Paint the canvas and the panels now, as the screen would."""
    pump()
    window.canvas.viewport().grab()
    window.pages_panel.viewport().grab()


def canvas_problems(window) -> list[str]:
    """How what the canvas shows differs from the document (empty when it does not)."""
    doc, canvas = window.doc, window.canvas
    pages = doc.issue.pages
    problems = []
    try:
        shown = doc.typeset.pages
    except Exception as exc:  # noqa: BLE001 - reported as a problem
        return [f"the issue cannot be typeset: {exc}"]
    n = len(pages)
    if len(shown) != n:
        problems.append(f"{len(shown)} typeset pages for {n} pages")
    if len(canvas.items_) != n:
        problems.append(f"{len(canvas.items_)} page items for {n} pages")
    if len(canvas.labels) != len(canvas.items_):
        problems.append(f"{len(canvas.labels)} labels for {len(canvas.items_)} page items")
    scene_items = canvas.scene().items()
    if len(scene_items) != 2 * n:
        problems.append(f"{len(scene_items)} items in the scene for {n} pages")
    for i, item in enumerate(canvas.items_):
        if item.scene() is not canvas.scene():
            problems.append(f"page item {i} is not in the scene")
        if i < len(shown) and item.display is not shown[i]:
            problems.append(f"page item {i} does not show typeset page {i}")
        if i < n:
            from xjeditor.model import mm_to_pt

            w, h = mm_to_pt(pages[i].width), mm_to_pt(pages[i].height)
            r = item.boundingRect()
            if abs(item.display.width - w) > 0.5 or abs(item.display.height - h) > 0.5:
                problems.append(f"page item {i} is {item.display.width}×{item.display.height} pt, "
                                f"the page {w:.1f}×{h:.1f}")
            if r.width() < w or r.height() < h:
                problems.append(f"page item {i}'s bounding box {r} is smaller than its page")
    if window.pages_panel.count() != n:
        problems.append(f"{window.pages_panel.count()} thumbnails for {n} pages")
    if n and not 0 <= canvas.current_page() < n:
        problems.append(f"current page {canvas.current_page()} of {n}")
    sel = canvas.selection
    if sel is not None and (sel.page >= n or pages[sel.page].frame(sel.frame) is None):
        problems.append(f"the selection {sel} is not a frame of the issue")
    if window.story_editor.story_id is not None and window.story_editor.story_id not in doc.issue.stories:
        problems.append(f"the story editor shows {window.story_editor.story_id}, not in the issue")
    return problems


def issue_diff(a, b, limit: int = 6) -> str:
    """Where two issues differ, briefly (for assertion messages)."""
    out = []
    for name in ("paper", "number", "layout", "styles", "images"):
        if getattr(a, name, None) != getattr(b, name, None):
            out.append(f"{name} differs")
    if len(a.pages) != len(b.pages):
        out.append(f"{len(a.pages)} pages, not {len(b.pages)}")
    for i, (pa, pb) in enumerate(zip(a.pages, b.pages)):
        if pa != pb:
            fa, fb = {f.id: f for f in pa.frames}, {f.id: f for f in pb.frames}
            for fid in sorted(set(fa) | set(fb)):
                if fa.get(fid) != fb.get(fid):
                    out.append(f"page {i + 1} frame {fid}: {fa.get(fid)!r} != {fb.get(fid)!r}")
            if [f.id for f in pa.frames] != [f.id for f in pb.frames] and set(fa) == set(fb):
                out.append(f"page {i + 1}: frames in another order")
            if (pa.width, pa.height, pa.section) != (pb.width, pb.height, pb.section):
                out.append(f"page {i + 1}: size or section differs")
    for sid in sorted(set(a.stories) | set(b.stories)):
        if a.stories.get(sid) != b.stories.get(sid):
            sa, sb = a.stories.get(sid), b.stories.get(sid)
            out.append(f"story {sid}: {sa.parts if sa else None!r} != {sb.parts if sb else None!r}")
    if not out and a != b:
        out.append("other fields differ")
    return "; ".join(out[:limit]) + (f" (+{len(out) - limit} more)" if len(out) > limit else "")
