"""Editor scenarios that used to crash the editor (a segfault in Qt's paint or scene index),
replayed through the window's menu actions. Run one in a child process:

    python tests/app/crash_scenarios.py NAME

It prints ``ok NAME`` and exits with 0 when the scenario ran and the canvas showed the
document's pages after every step; ``test_crashes.py`` runs each one.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import editor_harness as h  # noqa: E402

SCRATCH = Path()  # the child's scratch folder (set by main)


def check(window, watch, step: str) -> None:
    """Paint, then the canvas must show the document's pages and nothing may have failed."""
    h.paint(window)
    problems = h.canvas_problems(window) + watch.take()
    assert not problems, f"after {step}: " + "\n".join(problems)


def open_file(window, answers, path: Path) -> None:
    """文件 › 打开… with the file dialog answered."""
    answers.open_path = str(path)
    window.act_open.trigger()
    assert window.doc.path is not None and window.doc.path.name == path.name


def new_after_demo(window, answers, watch) -> None:
    """Open the demo issue, then 新建 (Ctrl+N) and accept the dialog: the four page items
    of the demo were replaced while Qt still indexed them by the old pages."""
    from xjeditor.app.dialogs import NewIssueSettings
    from xjeditor.layouts import available_layouts

    import datetime as dt

    open_file(window, answers, h.copy_seed("demo.xjb", SCRATCH))
    check(window, watch, "opening the demo")
    for name, _path in available_layouts():
        for pages in (4, 2, 8):
            answers.new_issue = NewIssueSettings(name, pages, 3, 0, dt.date(2024, 6, 1))
            window.act_new.trigger()
            assert len(window.doc.issue.pages) == pages and window.doc.issue.layout == name
            check(window, watch, f"新建 {name}, {pages} 版")


def open_recent(window, answers, watch) -> None:
    """With an issue open, 文件 › 最近打开 › a file."""
    sample = h.copy_seed("sample.xjb", SCRATCH)
    demo = h.copy_seed("demo.xjb", SCRATCH)
    open_file(window, answers, sample)
    open_file(window, answers, demo)
    check(window, watch, "opening two issues")
    for name in ("sample.xjb", "demo.xjb", "sample.xjb"):
        window.recent_menu.aboutToShow.emit()  # what showing the menu does
        act = next(a for a in window.recent_menu.actions() if a.text().endswith(name))
        act.trigger()
        assert window.doc.path.name == name
        check(window, watch, f"最近打开 › {name}")


def delete_page(window, answers, watch) -> None:
    """版面 › 删除当前版面: asks first; deleting and undoing keep the canvas whole."""
    open_file(window, answers, h.copy_seed("demo.xjb", SCRATCH))
    check(window, watch, "opening the demo")
    window.pages_panel.setCurrentRow(1)  # the user clicks the second thumbnail
    assert window.canvas.current_page() == 1
    window.act_delete_page.trigger()
    assert len(window.doc.issue.pages) == 3
    check(window, watch, "删除第 2 版")
    window.act_undo.trigger()
    assert len(window.doc.issue.pages) == 4
    check(window, watch, "撤销删除")
    window.pages_panel.setCurrentRow(3)
    window.act_delete_page.trigger()  # the last page, the one in view
    assert len(window.doc.issue.pages) == 3
    check(window, watch, "删除最后一版")
    while len(window.doc.issue.pages) > 1:
        window.act_delete_page.trigger()
        check(window, watch, "删除")
    assert not window.act_delete_page.isEnabled()
    while window.act_undo.isEnabled():
        window.act_undo.trigger()
        check(window, watch, "撤销")
    assert len(window.doc.issue.pages) == 4
    assert answers.asked.count("ask_delete_page") == 4  # each time, the user was asked first
    answers.delete_page = False  # 取消
    window.act_delete_page.trigger()
    assert answers.asked[-1] == "ask_delete_page"
    assert len(window.doc.issue.pages) == 4 and window.act_redo.isEnabled()


def delete_page_question(window, answers, watch) -> None:
    """The real question box of 删除当前版面, answered by clicking its buttons."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    answers.restore_real_dialogs("ask_delete_page")
    open_file(window, answers, h.copy_seed("demo.xjb", SCRATCH))
    window.pages_panel.setCurrentRow(2)
    seen: list[str] = []

    def click(label: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        seen.append(box.text())
        seen.append(box.informativeText())
        button = next(b for b in box.buttons() if b.text() == label)
        button.click()

    for label in ("取消", "删除"):
        QTimer.singleShot(50, lambda label=label: click(label))
        window.act_delete_page.trigger()
        check(window, watch, f"删除版面 › {label}")
        if label == "取消":
            assert len(window.doc.issue.pages) == 4
    assert len(window.doc.issue.pages) == 3
    assert "删除第 3 版" in seen[0] and "撤销" in seen[1], seen


def add_page_undo(window, answers, watch) -> None:
    """添加版面, then 撤销 (Ctrl+Z), redo and undo again."""
    open_file(window, answers, h.copy_seed("demo.xjb", SCRATCH))
    for _ in range(2):
        window.act_add_page.trigger()
        assert len(window.doc.issue.pages) == 5
        check(window, watch, "添加版面")
        window.act_undo.trigger()
        assert len(window.doc.issue.pages) == 4
        check(window, watch, "撤销添加版面")
        window.act_redo.trigger()
        check(window, watch, "重做添加版面")
        window.act_undo.trigger()
        check(window, watch, "撤销添加版面")


def move_pages(window, answers, watch) -> None:
    """Pages of different sizes moved up and down, and undone: each item takes the page
    of another size (its bounding box changes)."""
    open_file(window, answers, h.copy_seed("sample.xjb", SCRATCH))
    window.act_add_page.trigger()
    window.act_add_page.trigger()
    for row, action in ((0, window.act_page_down), (3, window.act_page_up), (1, window.act_page_down)):
        window.pages_panel.setCurrentRow(row)
        action.trigger()
        check(window, watch, action.text())
    while window.act_undo.isEnabled():
        window.act_undo.trigger()
        check(window, watch, "撤销")


SCENARIOS = {f.__name__: f for f in (new_after_demo, open_recent, delete_page, delete_page_question,
                                     add_page_undo, move_pages)}


def main(argv: list[str]) -> int:
    global SCRATCH
    name = argv[1]
    SCRATCH = h.prepare_child_env()
    _app, window, answers, watch = h.start(SCRATCH)
    SCENARIOS[name](window, answers, watch)
    check(window, watch, "the end")
    window.close()
    window.deleteLater()
    h.pump()
    problems = watch.take()
    assert not problems, "closing the window: " + "\n".join(problems)
    print(f"ok {name}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
