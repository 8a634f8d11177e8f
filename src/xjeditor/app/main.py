"""Starting the editor: the QApplication, the bundled fonts for the interface, the window."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QSettings, Qt, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ..typeset.fonts import default_registry
from .display import display_problem
from .window import MainWindow

# Interface font preference for Chinese: a regular-weight system CJK sans when there is one,
# else the bundled faces (the bundled 黑体 is bold, so 书宋 comes first).
SYSTEM_CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
                       "WenQuanYi Micro Hei", "Droid Sans Fallback")
UI_FONT_ROLES = ("hei", "song", "kai", "biaosong")
UI_FONT_SIZE = 10  # pt

_registered: list[str] = []
_translators: list[QTranslator] = []  # kept alive for as long as the application runs


def register_fonts() -> list[str]:
    """Add the bundled fonts to Qt's font database (once); returns their family names in the
    order the interface should fall back to them for Chinese."""
    if _registered:
        return _registered
    reg = default_registry()
    families: dict[str, list[str]] = {}
    for key in reg.keys():
        path = reg.path(key)
        if not Path(path).is_file():
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families[key] = QFontDatabase.applicationFontFamilies(font_id)
    ordered = [f for role in UI_FONT_ROLES for f in families.get(role, [])]
    ordered += [f for fams in families.values() for f in fams if f not in ordered]
    _registered.extend(ordered)
    return _registered


def ui_font(families: Sequence[str]) -> QFont:
    """The system's interface font for Latin text with the bundled faces as fallbacks for
    Chinese, so menus and panels show Chinese even where the system has no CJK font."""
    base = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    font = QFont(base)
    installed = set(QFontDatabase.families())
    system_cjk = [f for f in SYSTEM_CJK_FAMILIES if f in installed and f not in families]
    font.setFamilies([base.family(), *system_cjk, *families])
    font.setPointSizeF(UI_FONT_SIZE)
    return font


def create_app(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication (made once), with names, style and the interface font set."""
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName("XJEditor")
        QCoreApplication.setApplicationName("xjeditor")
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
        app.setApplicationDisplayName("XJ Editor 社区报排版")
        app.setStyle("Fusion")
    app.setFont(ui_font(register_fonts()))
    install_translations(app)
    return app


def install_translations(app: QCoreApplication) -> bool:
    """Qt's own texts (file dialogs, OK/Cancel, context menus of text fields) in Simplified
    Chinese, like the rest of the interface: PySide6's qtbase_zh_CN.qm (once)."""
    if _translators:
        return True
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if not translator.load("qtbase_zh_CN", folder):
        return False
    app.installTranslator(translator)
    extra = _MissingTranslations(app)  # installed last: asked first
    app.installTranslator(extra)
    _translators.extend([translator, extra])
    return True


class _MissingTranslations(QTranslator):
    """The few texts of Qt's file dialog that qtbase_zh_CN.qm leaves in English."""

    TEXTS = {("QFileDialog", "Look in:"): "查找范围：", ("QFileDialog", "&Look in:"): "查找范围(&L)：",
             ("QFileDialog", "Files of type:"): "文件类型：", ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
             ("QFileSystemModel", "Folder"): "文件夹"}

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: ARG002 - Qt's signature
        return self.TEXTS.get((context, source_text))  # None: not here, Qt asks the next one

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def make_window(path: str | os.PathLike[str] | None = None, settings: QSettings | None = None,
                *, remember: bool = True) -> MainWindow:
    window = MainWindow(settings)
    if path is not None:
        window.open_path(path, remember=remember)
    return window


def run(path: str | os.PathLike[str] | None = None) -> int:
    """The editor's event loop (``xjeditor open``); 2 after one line on stderr when no
    window can be opened here (no display, or Qt's xcb plugin lacks system libraries)."""
    problem = display_problem() if QApplication.instance() is None else None
    if problem:
        print(f"xjeditor: error: {problem}", file=sys.stderr)
        return 2
    app = create_app()
    window = make_window(path)
    # Deleted on close, before the interpreter shuts down (PySide can crash tearing down a
    # live window with scene items at exit).
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    window.show()
    if path is not None:
        window.canvas.fit_page(0)
    # offer what a crash left: autosaved copies of saved issues and of never-saved ones
    QTimer.singleShot(0, window.offer_recovery)
    return app.exec()


def screenshot(path: str | os.PathLike[str], out: str | os.PathLike[str], *,
               width: int = 1600, height: int = 1000) -> tuple[bool, str]:
    """Open ``path`` in a window of ``width``×``height``, fit the first page, and write the
    window as a PNG. Returns (ok, message)."""
    app = create_app()
    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "XJEditor", "xjeditor-screenshot")
    window = MainWindow(settings)
    errors: list[str] = []
    from . import dialogs

    original = dialogs.show_error
    dialogs.show_error = lambda _parent, _title, text, detail="": errors.append(f"{text} {detail}".strip())
    try:
        opened = window.open_path(path, remember=False)
    finally:
        dialogs.show_error = original
    if not opened:
        window.deleteLater()
        return False, errors[0] if errors else "无法打开文件"
    lead = _lead_story(window)
    if lead is not None:
        window.stories_panel.select_story(lead)  # the story editor shows it
    window.resize(width, height)
    window.show()
    for _ in range(3):
        app.processEvents()
    window.canvas.fit_page(0)
    app.processEvents()
    image = window.grab().toImage()
    if image.width() != width or image.height() != height:
        image = image.scaled(width, height)
    ok = image.save(str(out), "PNG")
    window.undo_stack.setClean()
    window.close()
    window.deleteLater()
    app.processEvents()
    return (True, str(out)) if ok else (False, f"无法写入 {out}")


def _lead_story(window: MainWindow) -> str | None:
    """The story with the most text (what a screenshot's story editor should show)."""
    stories = [s for sid, s in window.doc.issue.stories.items() if not sid.startswith("_")]
    return max(stories, key=lambda s: s.text_length()).id if stories else None
