"""A soak test of the editor: hypothesis drives the main window through what a user does —
pages added, deleted, moved; issues made and opened over each other; frames drawn, moved,
resized, deleted, threaded; typing in stories; pictures placed; runs of undo and redo;
saving and opening again — through the window's menu actions, the mouse on the canvas and
the keyboard in the story editor. Modal questions are answered by ``editor_harness.Answers``.

After every step: no Python exception anywhere (slots, paint …) and no Qt warning; the
canvas has one page item per page, each showing that page's typeset page; the pages
panel agrees. Undoing everything gives the issue as opened; saving and opening the file
again gives the same issue.

It runs in a child process, so that a segfault fails the test instead of ending pytest:

    python tests/app/soak_editor.py                      # a few hundred steps (test_soak.py)
    XJEDITOR_SOAK_SECONDS=600 python tests/app/soak_editor.py   # make soak: ten minutes

Each step is printed as it starts (``--- example N`` before each example), so a crash
shows the steps that led to it; hypothesis prints the shrunk example of any other failure.
Saved to a file, that example runs again with

    python tests/app/soak_editor.py --replay example.txt
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import editor_harness as h  # noqa: E402

SCRATCH = h.prepare_child_env()

from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.stateful import (  # noqa: E402
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QInputMethodEvent, QTextCursor  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit  # noqa: E402

from xjeditor.app import dialogs  # noqa: E402
from xjeditor.app.canvas import TOOL_IMAGE, TOOL_RULE, TOOL_SELECT, TOOL_TEXT  # noqa: E402
from xjeditor.fileformat import load_issue  # noqa: E402
from xjeditor.layouts import available_layouts  # noqa: E402
from xjeditor.model import ImageFrame, RuleFrame, TextFrame, mm_to_pt  # noqa: E402

LEFT = Qt.MouseButton.LeftButton
NO_MODS = Qt.KeyboardModifier.NoModifier
ALT = Qt.KeyboardModifier.AltModifier
LAYOUTS = [name for name, _path in available_layouts()]
SEED_FILES = ["demo.xjb", "sample.xjb"]

_state = {"app": None, "answers": None, "watch": None, "examples": 0, "steps": 0, "files": 0}


def log(text: str) -> None:
    print(text, flush=True)


def make_pictures() -> list[Path]:
    """A PNG, a JPEG and a file that only looks like a PNG, to place in image frames."""
    from PIL import Image

    folder = SCRATCH / "pictures"
    folder.mkdir(exist_ok=True)
    png, jpg, bad = folder / "photo.png", folder / "photo.jpg", folder / "broken.png"
    Image.new("RGB", (300, 200), (200, 40, 40)).save(png)
    Image.new("RGB", (120, 240), (40, 90, 200)).save(jpg, quality=80)
    bad.write_bytes(png.read_bytes()[:60])
    return [png, jpg, bad]


PICTURES: list[Path] = []

fraction = st.floats(min_value=0.02, max_value=0.98, allow_nan=False)
index = st.integers(min_value=0, max_value=1000)
offset_mm = st.floats(min_value=-60.0, max_value=60.0, allow_nan=False).map(lambda v: round(v, 1))
# what the user types into a field: ASCII keys, Enter, Backspace, or Chinese from the input method
keystroke = st.one_of(st.text("abc xyz.,", min_size=1, max_size=6),
                      st.sampled_from(["<enter>", "<backspace>", "<backspace>", "社区新闻", "，志愿者。"]))


class EditorMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        _state["examples"] += 1
        log(f"--- example {_state['examples']}")
        self.answers: h.Answers = _state["answers"]
        self.watch: h.Watch = _state["watch"]
        self.answers.asked.clear()
        self.window = h.new_window(SCRATCH)
        self.start_issue = copy.deepcopy(self.window.doc.issue)
        self.saved_paths: list[Path] = []

    # ---- helpers --------------------------------------------------------------------
    def step(self, text: str) -> None:
        _state["steps"] += 1
        log(f"step {_state['steps']}: {text}")

    @property
    def doc(self):
        return self.window.doc

    @property
    def canvas(self):
        return self.window.canvas

    def n_pages(self) -> int:
        return len(self.doc.issue.pages)

    def new_file(self, name: str) -> Path:
        _state["files"] += 1
        return SCRATCH / f"{_state['files']:04d}-{name}"

    def opened(self) -> None:
        """A new issue is shown: it is what undoing everything must come back to."""
        self.start_issue = copy.deepcopy(self.doc.issue)

    def show_page(self, page: int) -> None:
        """Click the page's thumbnail: the canvas scrolls to it."""
        panel = self.window.pages_panel
        if panel.currentRow() == page:
            self.canvas.scroll_to_page(page)  # what the click does when the row is current
        else:
            panel.setCurrentRow(page)

    def point(self, page: int, x_mm: float, y_mm: float) -> QPoint:
        """A viewport point over (x, y) mm of a page."""
        item = self.canvas.items_[page]
        return self.canvas.mapFromScene(item.mapToScene(QPointF(mm_to_pt(x_mm), mm_to_pt(y_mm))))

    def drag(self, a: QPoint, b: QPoint, mods=NO_MODS) -> None:
        vp = self.canvas.viewport()
        QTest.mousePress(vp, LEFT, mods, a)
        QTest.mouseMove(vp, QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
        QTest.mouseMove(vp, b)
        QTest.mouseRelease(vp, LEFT, mods, b)

    def click(self, p: QPoint) -> None:
        vp = self.canvas.viewport()
        QTest.mousePress(vp, LEFT, NO_MODS, p)
        QTest.mouseRelease(vp, LEFT, NO_MODS, p)

    def pick_frame(self, page_hint: int, frame_hint: int, kinds=None):
        """(page, frame) chosen by the hints among the model's frames, or None."""
        n = self.n_pages()
        if n == 0:
            return None
        page = page_hint % n
        frames = [f for f in self.doc.issue.pages[page].frames if kinds is None or isinstance(f, kinds)]
        if not frames:
            return None
        return page, frames[frame_hint % len(frames)]

    @staticmethod
    def inside(f) -> tuple[float, float]:
        """A point (mm) on the frame: a rule's middle, a little inside a box's top left."""
        if isinstance(f, RuleFrame):
            return (f.x1 + f.x2) / 2, (f.y1 + f.y2) / 2
        r = f.rect
        return r.x + min(3.0, r.w / 2), r.y + min(3.0, r.h / 2)

    def click_frame(self, page_hint: int, frame_hint: int, kinds=None):
        """Click a frame on the canvas (the select tool); returns the selection or None."""
        chosen = self.pick_frame(page_hint, frame_hint, kinds)
        if chosen is None:
            return None
        page, f = chosen
        self.window.tool_actions[TOOL_SELECT].trigger()
        self.show_page(page)
        self.click(self.point(page, *self.inside(f)))
        return self.canvas.selection

    @initialize(which=st.sampled_from(SEED_FILES + ["new"]))
    def open_first(self, which: str) -> None:
        """The user starts by opening an issue or making a new one."""
        if which == "new":
            self.step(f"文件 › 新建 ({LAYOUTS[0]}, 4 版)")
            self.answers.new_issue = dialogs.NewIssueSettings(LAYOUTS[0], 4, 1, 0, dt.date(2024, 6, 1))
            self.window.act_new.trigger()
        else:
            path = self.new_file(which)
            path.write_bytes((h.SEEDS / which).read_bytes())
            self.step(f"文件 › 打开 {path.name}")
            self.answers.open_path = str(path)
            self.window.act_open.trigger()
        self.opened()

    # ---- pages ----------------------------------------------------------------------
    @rule()
    def add_page(self) -> None:
        self.step("版面 › 添加版面")
        n = self.n_pages()
        self.window.act_add_page.trigger()
        assert self.n_pages() == n + 1

    @rule(page=index, confirm=st.booleans())
    def delete_page(self, page: int, confirm: bool) -> None:
        n = self.n_pages()
        if n == 0:
            return
        self.step(f"版面 › 删除当前版面 (page {page % n + 1}, {'删除' if confirm else '取消'})")
        self.show_page(page % n)
        self.answers.delete_page = confirm
        if not self.window.act_delete_page.isEnabled():
            assert n <= 1
            return
        self.window.act_delete_page.trigger()
        assert self.n_pages() == (n - 1 if confirm else n)

    @rule(page=index, down=st.booleans(), drop=st.booleans(), to=index)
    def move_page(self, page: int, down: bool, drop: bool, to: int) -> None:
        n = self.n_pages()
        if n < 2:
            return
        page %= n
        if drop:  # a thumbnail dragged onto another one
            self.step(f"drag thumbnail {page + 1} onto {to % n + 1}")
            self.window.pages_panel.pageMoveRequested.emit(page, to % n)
            return
        self.step(f"版面 › {'下移' if down else '上移'}版面 (page {page + 1})")
        self.show_page(page)
        act = self.window.act_page_down if down else self.window.act_page_up
        if act.isEnabled():
            act.trigger()

    # ---- undo ------------------------------------------------------------------------
    @rule(count=st.integers(min_value=1, max_value=6), redo=st.booleans())
    def undo_run(self, count: int, redo: bool) -> None:
        self.step(f"{'重做' if redo else '撤销'} × {count}")
        act = self.window.act_redo if redo else self.window.act_undo
        for _ in range(count):
            if not act.isEnabled():
                break
            act.trigger()
            h.paint(self.window)

    @rule()
    def undo_everything_and_redo(self) -> None:
        self.step("撤销 all, then 重做 all")
        before = copy.deepcopy(self.doc.issue)
        steps = self.window.undo_stack.index()
        while self.window.act_undo.isEnabled():
            self.window.act_undo.trigger()
        assert self.doc.issue == self.start_issue, \
            "undoing everything does not give the issue as opened: " + h.issue_diff(self.doc.issue, self.start_issue)
        h.paint(self.window)
        assert not h.canvas_problems(self.window), h.canvas_problems(self.window)
        for _ in range(steps):
            self.window.act_redo.trigger()
        assert self.doc.issue == before, \
            "redoing everything does not give the issue back: " + h.issue_diff(self.doc.issue, before)

    # ---- issues and files ------------------------------------------------------------------
    @rule(layout=st.sampled_from(LAYOUTS), pages=st.integers(min_value=1, max_value=8),
          unsaved=st.sampled_from([dialogs.DISCARD, dialogs.CANCEL, dialogs.SAVE]))
    def new_issue(self, layout: str, pages: int, unsaved: str) -> None:
        self.step(f"文件 › 新建 ({layout}, {pages} 版; unsaved: {unsaved})")
        self.answers.new_issue = dialogs.NewIssueSettings(layout, pages, 5, 100, dt.date(2024, 7, 1))
        self.answers.unsaved = unsaved
        self.answers.save_path = str(self.new_file("saved-before-new.xjb"))
        was_clean = self.window.undo_stack.isClean()
        old = self.doc
        self.answers.asked.clear()
        self.window.act_new.trigger()
        if was_clean or unsaved != dialogs.CANCEL:
            assert self.doc is not old and len(self.doc.issue.pages) == pages, \
                f"no new issue: asked {self.answers.asked}, {self.answers.messages[-1:]}"
            self.opened()
        else:
            assert self.doc is old

    @rule(which=st.sampled_from(SEED_FILES + ["saved"]), how=st.sampled_from(["open", "recent"]),
          unsaved=st.sampled_from([dialogs.DISCARD, dialogs.CANCEL, dialogs.SAVE]),
          recovery=st.sampled_from([dialogs.RECOVER, dialogs.DISCARD, dialogs.CANCEL]), pick=index)
    def open_issue(self, which: str, how: str, unsaved: str, recovery: str, pick: int) -> None:
        if which == "saved":
            if not self.saved_paths:
                return
            path = self.saved_paths[pick % len(self.saved_paths)]
        else:
            path = self.new_file(which)
            path.write_bytes((h.SEEDS / which).read_bytes())
        self.step(f"文件 › {'打开' if how == 'open' else '最近打开'} {path.name} "
                  f"(unsaved: {unsaved}, recovery: {recovery})")
        self.answers.asked.clear()
        self.answers.unsaved = unsaved
        self.answers.recovery = recovery
        self.answers.save_path = str(self.new_file("saved-before-open.xjb"))
        old = self.doc
        if how == "recent":
            self.window.add_recent(path)  # as if it had been opened before
            self.window.recent_menu.aboutToShow.emit()  # what showing the menu does
            act = next(a for a in self.window.recent_menu.actions() if a.statusTip() == str(path.resolve()))
            act.trigger()
        else:
            self.answers.open_path = str(path)
            self.window.act_open.trigger()
        if self.doc is not old:
            if "ask_recovery" not in self.answers.asked or recovery != dialogs.RECOVER:
                on_disk = load_issue(path)
                assert self.doc.issue == on_disk, \
                    "the opened issue is not the file's: " + h.issue_diff(self.doc.issue, on_disk)
            self.opened()

    @rule(save_as=st.booleans())
    def save_and_reopen(self, save_as: bool) -> None:
        if self.window.story_editor.is_dirty():
            self.window.story_editor.flush()
        target = self.new_file("saved.xjb")
        self.answers.save_path = str(target)
        self.answers.file_changed = dialogs.OVERWRITE
        self.step(f"文件 › {'另存为' if save_as or self.doc.path is None else '保存'} then 打开 it again")
        before = copy.deepcopy(self.doc.issue)
        (self.window.act_save_as if save_as else self.window.act_save).trigger()
        assert self.window.undo_stack.isClean(), f"saving left the issue modified: {self.answers.messages[-1:]}"
        path = self.doc.path
        assert path is not None
        if path not in self.saved_paths:
            self.saved_paths.append(path)
        assert load_issue(path) == before, "the saved file does not hold the issue"
        self.answers.open_path = str(path)
        self.window.act_open.trigger()
        assert self.doc.issue == before, "opening the saved file does not give the issue back"
        self.opened()

    @rule()
    def autosave(self) -> None:
        self.step("autosave (the timer)")
        self.window.autosave_timer.timeout.emit()

    # ---- frames ----------------------------------------------------------------------------
    @rule(tool=st.sampled_from([TOOL_TEXT, TOOL_TEXT, TOOL_IMAGE, TOOL_RULE]), page=index,
          x1=fraction, y1=fraction, x2=fraction, y2=fraction, alt=st.booleans())
    def draw_frame(self, tool: str, page: int, x1: float, y1: float, x2: float, y2: float, alt: bool) -> None:
        n = self.n_pages()
        if n == 0:
            return
        page %= n
        p = self.doc.issue.pages[page]
        self.step(f"draw {tool} on page {page + 1} from ({x1:.2f}, {y1:.2f}) to ({x2:.2f}, {y2:.2f})"
                  + (" with Alt" if alt else ""))
        count = len(p.frames)
        self.window.tool_actions[tool].trigger()
        self.show_page(page)
        self.drag(self.point(page, x1 * p.width, y1 * p.height), self.point(page, x2 * p.width, y2 * p.height),
                  ALT if alt else NO_MODS)
        assert len(self.doc.issue.pages[page].frames) in (count, count + 1)
        assert self.canvas.tool == TOOL_SELECT

    @rule(page=index, frame=index, dx=offset_mm, dy=offset_mm, resize=st.booleans(), alt=st.booleans())
    def drag_frame(self, page: int, frame: int, dx: float, dy: float, resize: bool, alt: bool) -> None:
        sel = self.click_frame(page, frame)
        if sel is None:
            return
        f = self.doc.issue.pages[sel.page].frame(sel.frame)
        self.step(f"{'resize' if resize else 'move'} {sel.frame} on page {sel.page + 1} by ({dx}, {dy}) mm"
                  + (" with Alt" if alt else ""))
        if resize and not isinstance(f, RuleFrame):
            r = self.doc.frame_geometry(sel.page, sel.frame)
            a = (r.right, r.bottom)  # the handle
        else:
            a = self.inside(f)
        self.drag(self.point(sel.page, *a), self.point(sel.page, a[0] + dx, a[1] + dy), ALT if alt else NO_MODS)

    @rule(page=index, frame=index, field=st.sampled_from(["x", "y", "w", "h", "columns", "line_width", "length"]),
          value=st.floats(min_value=-20.0, max_value=400.0, allow_nan=False).map(lambda v: round(v, 1)))
    def edit_properties(self, page: int, frame: int, field: str, value: float) -> None:
        """Type a value into a box of the 属性 panel for the clicked frame."""
        sel = self.click_frame(page, frame)
        panel = self.window.properties_panel
        box = getattr(panel, field)
        if sel is None or not box.isVisibleTo(panel) or not box.isEnabled():
            return
        self.step(f"属性 › {field} = {value} for {sel.frame} (page {sel.page + 1})")
        box.setValue(int(value) if field == "columns" else value)

    @rule(page=index, frame=index)
    def delete_frame(self, page: int, frame: int) -> None:
        sel = self.click_frame(page, frame)
        if sel is None:
            return
        self.step(f"框 › 删除框 {sel.frame} (page {sel.page + 1})")
        count = len(self.doc.issue.pages[sel.page].frames)
        self.window.act_delete_frame.trigger()
        assert len(self.doc.issue.pages[sel.page].frames) == count - 1

    @rule(page=index, frame=index, to_page=index, to_frame=index)
    def thread(self, page: int, frame: int, to_page: int, to_frame: int) -> None:
        sel = self.click_frame(page, frame, TextFrame)
        target = self.pick_frame(to_page, to_frame, TextFrame)
        if sel is None or target is None or not self.window.act_thread.isEnabled():
            return
        tp, tf = target
        self.step(f"框 › 串接 {sel.frame} (page {sel.page + 1}) → click {tf.id} (page {tp + 1})")
        self.window.act_thread.trigger()
        self.show_page(tp)
        self.click(self.point(tp, *self.inside(tf)))
        assert self.canvas.tool == TOOL_SELECT

    @rule(page=index, frame=index)
    def unthread(self, page: int, frame: int) -> None:
        sel = self.click_frame(page, frame, TextFrame)
        if sel is None or not self.window.act_unthread.isEnabled():
            return
        self.step(f"框 › 断开串接 {sel.frame} (page {sel.page + 1})")
        self.window.act_unthread.trigger()
        assert self.doc.issue.pages[sel.page].frame(sel.frame).next is None

    @rule(page=index, frame=index, story=index, new=st.booleans())
    def place_story(self, page: int, frame: int, story: int, new: bool) -> None:
        sel = self.click_frame(page, frame, TextFrame)
        if sel is None:
            return
        if new:
            self.step(f"框 › 新建稿件… into {sel.frame} (page {sel.page + 1})")
            self.window.act_new_story.trigger()
            return
        ids = [sid for sid in self.doc.issue.stories if not sid.startswith("_")]
        if not ids or not self.window.act_place_story.isEnabled():
            return
        self.answers.story = ids[story % len(ids)]
        self.step(f"框 › 排入稿件… {self.answers.story} into {sel.frame} (page {sel.page + 1})")
        self.window.act_place_story.trigger()

    @rule(page=index, frame=index, picture=st.integers(min_value=0, max_value=2),
          fit=st.sampled_from(["", "fit", "fill", "manual", "caption"]))
    def place_picture(self, page: int, frame: int, picture: int, fit: str) -> None:
        sel = self.click_frame(page, frame, ImageFrame)
        if sel is None:
            return
        self.answers.image_path = str(PICTURES[picture])
        self.step(f"框 › 置入图片… {PICTURES[picture].name} into {sel.frame} (page {sel.page + 1})"
                  + (f", then {fit}" if fit else ""))
        self.window.act_place_image.trigger()
        act = {"fit": self.window.act_fit_image, "fill": self.window.act_fill_image,
               "manual": self.window.act_manual_image, "caption": self.window.act_caption}.get(fit)
        if act is not None and act.isEnabled():
            act.trigger()

    # ---- stories ---------------------------------------------------------------------------
    @rule(story=index, field=index, keys=st.lists(keystroke, min_size=1, max_size=5),
          at_end=st.booleans(), how=st.sampled_from(["pause", "focus-out", "apply"]))
    def type_in_story(self, story: int, field: int, keys: list[str], at_end: bool, how: str) -> None:
        panel, editor = self.window.stories_panel, self.window.story_editor
        rows = panel.rows()
        if not rows:
            return
        sid = rows[story % len(rows)][0]
        widgets = editor.widgets()
        w = widgets[field % len(widgets)]
        self.step(f"type {keys!r} into {sid}, field {field % len(widgets)} "
                  f"({'end' if at_end else 'start'}), then {how}")
        panel.select_story(sid)  # a click on the story's row
        if editor.story_id != sid:
            return
        self.window.activateWindow()
        w.setFocus(Qt.FocusReason.MouseFocusReason)
        h.pump()
        if isinstance(w, QLineEdit):
            w.end(False) if at_end else w.home(False)
        else:
            w.moveCursor(QTextCursor.MoveOperation.End if at_end else QTextCursor.MoveOperation.Start)
        for k in keys:
            if k == "<enter>":
                QTest.keyClick(w, Qt.Key.Key_Return)
            elif k == "<backspace>":
                QTest.keyClick(w, Qt.Key.Key_Backspace)
            elif k.isascii():
                QTest.keyClicks(w, k)
            else:  # Chinese comes as the input method's committed text
                event = QInputMethodEvent("", [])
                event.setCommitString(k)
                QApplication.sendEvent(w, event)
        if how == "pause":
            editor.flush()  # what the live timer does when the typing stops
        elif how == "focus-out":
            self.canvas.setFocus(Qt.FocusReason.MouseFocusReason)
            h.pump()
            if editor.is_dirty():  # no focus in this run: the form applies what is left
                editor.flush()
        else:
            editor.apply_button.click()

    # ---- view ------------------------------------------------------------------------------
    @rule(what=st.sampled_from(["zoom_in", "zoom_out", "fit", "actual", "fit_all", "vertical",
                                "baseline", "bleed", "frames"]))
    def view(self, what: str) -> None:
        self.step(f"视图 › {what}")
        act = getattr(self.window, f"act_{what}")
        act.trigger()

    # ---- checks ---------------------------------------------------------------------------
    @invariant()
    def window_shows_the_document(self) -> None:
        h.paint(self.window)
        problems = h.canvas_problems(self.window) + self.watch.take()
        star = self.window.windowTitle().split(" — ")[0].endswith("*")
        if star == self.window.undo_stack.isClean():
            problems.append(f"title {self.window.windowTitle()!r} but clean={self.window.undo_stack.isClean()}")
        assert not problems, "\n".join(problems)

    def teardown(self) -> None:
        window = self.window
        while window.act_undo.isEnabled():  # every example ends by undoing everything
            window.act_undo.trigger()
        assert self.doc.issue == self.start_issue, \
            "undoing everything does not give the issue as opened: " + h.issue_diff(self.doc.issue, self.start_issue)
        h.paint(window)
        problems = h.canvas_problems(window) + self.watch.take()
        assert not problems, "after undoing everything: " + "\n".join(problems)
        self.answers.unsaved = dialogs.DISCARD
        window.close()
        window.deleteLater()
        h.pump()
        problems = self.watch.take()
        assert not problems, "closing the window: " + "\n".join(problems)


def setup() -> None:
    global PICTURES
    app, window, answers, watch = h.start(SCRATCH)
    window.close()
    window.deleteLater()
    _state.update(app=app, answers=answers, watch=watch)
    PICTURES = make_pictures()


def replay(path: str) -> int:
    """Run the steps of a failing example as hypothesis printed them (``state = ...``,
    ``state.rule(...)`` lines, with or without the ``|`` of an exception group)."""
    setup()
    lines = [ln.strip().lstrip("|").strip() for ln in Path(path).read_text(encoding="utf-8").splitlines()]
    namespace = {"EditorMachine": EditorMachine}
    for line in lines:
        if line.startswith("state"):
            log(f">>> {line}")
            exec(line, namespace)  # noqa: S102 - our own printed steps
    log("replayed without failing")
    return 0


def run(seconds: float) -> int:
    setup()
    ci = seconds <= 0
    config = settings(max_examples=12 if ci else 10, stateful_step_count=50 if ci else 100,
                      deadline=None, database=None, derandomize=ci, print_blob=False,
                      phases=[Phase.explicit, Phase.generate, Phase.shrink],
                      suppress_health_check=list(HealthCheck))
    started = time.monotonic()
    rounds = 0
    try:
        while True:
            rounds += 1
            run_state_machine_as_test(EditorMachine, settings=config)
            if ci or time.monotonic() - started >= seconds:
                break
    except BaseException:
        log(f"FAILED after {_state['examples']} examples, {_state['steps']} steps, "
            f"{time.monotonic() - started:.0f} s")
        raise
    log(f"passed: {_state['examples']} examples, {_state['steps']} steps in "
        f"{time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--replay":
        sys.exit(replay(sys.argv[2]))
    sys.exit(run(float(os.environ.get("XJEDITOR_SOAK_SECONDS", "0") or 0)))
