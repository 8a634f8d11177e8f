"""GUI tests: offscreen, modal dialogs patched so nothing blocks, settings in a temp file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_configure(config) -> None:
    # the application's data folder (recovery files and their notes) in Qt's test location,
    # never the user's
    from PySide6.QtCore import QStandardPaths

    QStandardPaths.setTestModeEnabled(True)

SAMPLE = Path(__file__).resolve().parents[2] / "seeds" / "sample.xjb"


class Dialogs:
    """Records every question the window asks and answers with what the test set."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple]] = []
        self.unsaved = "cancel"
        self.file_changed = "cancel"
        self.save_path: str | None = None
        self.open_path: str | None = None
        self.new_issue = None
        self.recovery = "cancel"
        self.untitled_recovery = "cancel"
        self.recoveries = ("cancel", -1)  # the start-up list of recovery files: (answer, row)
        self.export_path: str | None = None
        self.delete_page = True  # 删除版面: confirmed

    def install(self, monkeypatch) -> None:
        from xjeditor.app import dialogs

        def record(name, answer):
            def fn(*args, **kwargs):
                self.calls.append((name, args[1:]))
                return answer() if callable(answer) else answer
            return fn

        monkeypatch.setattr(dialogs, "ask_unsaved", record("ask_unsaved", lambda: self.unsaved))
        monkeypatch.setattr(dialogs, "ask_file_changed", record("ask_file_changed", lambda: self.file_changed))
        monkeypatch.setattr(dialogs, "show_error", record("show_error", None))
        monkeypatch.setattr(dialogs, "get_save_path", record("get_save_path", lambda: self.save_path))
        monkeypatch.setattr(dialogs, "get_open_path", record("get_open_path", lambda: self.open_path))
        monkeypatch.setattr(dialogs, "ask_new_issue", record("ask_new_issue", lambda: self.new_issue))
        monkeypatch.setattr(dialogs, "ask_recovery", record("ask_recovery", lambda: self.recovery))
        monkeypatch.setattr(dialogs, "ask_untitled_recovery",
                            record("ask_untitled_recovery", lambda: self.untitled_recovery))
        monkeypatch.setattr(dialogs, "show_info", record("show_info", None))
        monkeypatch.setattr(dialogs, "ask_recoveries", record("ask_recoveries", lambda: self.recoveries))
        monkeypatch.setattr(dialogs, "get_export_path", record("get_export_path", lambda: self.export_path))
        monkeypatch.setattr(dialogs, "ask_delete_page", record("ask_delete_page", lambda: self.delete_page))

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


@pytest.fixture
def app(qapp):
    from xjeditor.app.main import create_app

    return create_app()


@pytest.fixture
def fake_dialogs(monkeypatch):
    d = Dialogs()
    d.install(monkeypatch)
    return d


@pytest.fixture
def sample(tmp_path) -> Path:
    path = tmp_path / "sample.xjb"
    shutil.copyfile(SAMPLE, path)
    return path


@pytest.fixture
def demo(window, tmp_path) -> Path:
    """A copy of the demo issue, opened in ``window``."""
    from app_demo import DEMO

    path = tmp_path / "demo.xjb"
    shutil.copyfile(DEMO, path)
    assert window.open_path(path)
    return path


@pytest.fixture
def window(app, qtbot, tmp_path, fake_dialogs):
    from PySide6.QtCore import QSettings

    from xjeditor.app.window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    yield w
    w.undo_stack.setClean()
    w.story_editor.set_story(None)
    w.close()
