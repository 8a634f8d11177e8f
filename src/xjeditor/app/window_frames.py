"""Frame actions of the main window: drawing and deleting frames, threads, pictures
(placing, fit, pan and zoom, captions), rules, and edits from the 属性 panel.

A mixin of ``MainWindow``: the methods here use the window's canvas, panels and undo stack."""

from __future__ import annotations

import math
import os
from pathlib import Path

from ..model import (
    FitMode,
    ImageAsset,
    ImageFrame,
    PartKind,
    Rect,
    RuleFrame,
    Story,
    StoryPart,
    TextFrame,
)
from . import dialogs
from .canvas import TOOL_IMAGE, TOOL_RULE, TOOL_SELECT, TOOL_THREAD, Selection
from .commands import (
    ATTR_MERGE_IDS,
    AddFrameCommand,
    AddImageCommand,
    AddStoryCommand,
    DeleteFrameCommand,
    SetFrameAttrsCommand,
    SetFrameGeometryCommand,
)
from .window_files import _os_error_zh

MIN_RULE_MM = 1.0  # a rule shorter than this is not drawn or kept


class FramesMixin:
    """Part of ``MainWindow`` (see window.py); uses its canvas, panels and undo stack."""

    def _frame_edited(self, page: int, frame_id: str, old, new) -> None:
        new = self.doc.within_reach(page, new)
        if new == old:
            self.canvas.repaint_pages()
            return
        self.undo_stack.push(SetFrameGeometryCommand(self.doc, page, frame_id, new, old,
                                                     resize=(old.w, old.h) != (new.w, new.h)))

    def selected_frame(self):
        sel = self.canvas.selection
        if sel is None or self.doc is None or sel.page >= len(self.doc.issue.pages):
            return None
        return self.doc.issue.pages[sel.page].frame(sel.frame)

    def _tool_changed(self, tool: str) -> None:
        act = self.tool_actions.get(tool)
        if act is not None:
            act.setChecked(True)
        elif tool != TOOL_THREAD:
            self.tool_actions[TOOL_SELECT].setChecked(True)
        if tool != TOOL_THREAD:
            self._thread_source = None

    def _frame_drawn(self, page: int, tool: str, shape) -> None:
        """A frame tool's drag ended: add the frame (an undo step) and select it."""
        issue = self.doc.issue
        if tool == TOOL_RULE:
            x1, y1, x2, y2 = shape
            if abs(x2 - x1) < MIN_RULE_MM and abs(y2 - y1) < MIN_RULE_MM:
                self.statusBar().showMessage("线条太短，没有添加", 3000)
                return
            frame = RuleFrame(issue.new_id("r"), x1, y1, x2, y2)
        elif tool == TOOL_IMAGE:
            frame = ImageFrame(issue.new_id("i"), shape)
        else:
            frame = TextFrame(issue.new_id("f"), shape)
            cols = self.canvas.layout_columns(shape)
            if cols is not None:
                frame.columns, frame.gutter = cols
        self.undo_stack.push(AddFrameCommand(self.doc, page, frame))
        self.canvas.set_tool(TOOL_SELECT)
        self.canvas.select(Selection(page, frame.id))

    def delete_frame(self) -> None:
        sel = self.canvas.selection
        if sel is None or self.selected_frame() is None:
            return
        self.undo_stack.push(DeleteFrameCommand(self.doc, sel.page, sel.frame))

    def _push_attrs(self, page: int, frame_id: str, attrs: dict, text: str, merge: str = "") -> None:
        self.undo_stack.push(SetFrameAttrsCommand(self.doc, page, frame_id, attrs, text,
                                                  ATTR_MERGE_IDS.get(merge, -1)))

    def start_thread(self) -> None:
        f = self.selected_frame()
        if not isinstance(f, TextFrame):
            self.statusBar().showMessage("请先选中一个文字框", 5000)
            return
        self.canvas.set_tool(TOOL_THREAD)
        self._thread_source = Selection(self.canvas.selection.page, f.id)
        self.statusBar().showMessage("串接：请点击要接续排文的文字框（可在其他版面），Esc 取消", 10000)

    def _thread_target(self, page: int, frame_id: str) -> None:
        src = self._thread_source
        self._thread_source = None
        if src is not None:
            self.thread_frames(src.page, src.frame, page, frame_id)

    def thread_frames(self, src_page: int, src_id: str, dst_page: int, dst_id: str) -> bool:
        """Let the text of ``src`` continue in ``dst`` (an undo step); False with a message if not."""
        problem = self.doc.thread_problem(src_page, src_id, dst_page, dst_id)
        if problem:
            self.statusBar().showMessage(f"无法串接：{problem}", 8000)
            return False
        self._push_attrs(src_page, src_id, {"next": dst_id}, f"串接 {src_id} → {dst_id}")
        self.canvas.select(Selection(src_page, src_id))
        self.statusBar().showMessage(f"已串接：{src_id} → {dst_id}（第 {dst_page + 1} 版）", 5000)
        return True

    def unthread(self) -> None:
        f = self.selected_frame()
        if isinstance(f, TextFrame) and f.next:
            self._push_attrs(self.canvas.selection.page, f.id, {"next": None}, f"断开串接 {f.id}")

    def place_image_dialog(self) -> None:
        f = self.selected_frame()
        if not isinstance(f, ImageFrame):
            self.statusBar().showMessage("请先选中一个图片框", 5000)
            return
        path = dialogs.get_image_path(self)
        if path:
            self.place_image(self.canvas.selection.page, f.id, path)

    def place_image(self, page: int, frame_id: str, path: str | os.PathLike[str]) -> bool:
        """Load a JPEG, PNG or TIFF file into an image frame (an undo step). A file that
        cannot be read or is not such an image changes nothing and says why."""
        name = Path(path).name
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            dialogs.show_error(self, "无法置入图片", f"无法读取“{name}”。", _os_error_zh(exc))
            return False
        media_type = image_media_type(data)
        if media_type is None:
            dialogs.show_error(self, "无法置入图片", f"“{name}”不是支持的图片格式。",
                               "请使用 JPEG、PNG 或 TIFF 图片。")
            return False
        problem = image_problem(data)
        if problem:
            dialogs.show_error(self, "无法置入图片", f"“{name}”已损坏或无法读取。", problem)
            return False
        asset = ImageAsset(data, media_type, name)
        self.undo_stack.beginMacro(f"置入图片 {name}")
        self.undo_stack.push(AddImageCommand(self.doc, asset))
        self._push_attrs(page, frame_id, {"image": asset.key}, f"置入图片 {name}")
        self.undo_stack.endMacro()
        self.statusBar().showMessage(f"已置入图片 {name}", 5000)
        return True

    def set_fit(self, mode: FitMode) -> None:
        sel = self.canvas.selection
        if isinstance(self.selected_frame(), ImageFrame):
            self.set_fit_of(sel.page, sel.frame, mode)

    def set_fit_of(self, page: int, frame_id: str, mode: FitMode, text: str = "") -> bool:
        """Change an image frame's fit mode (an undo step). Switching to MANUAL starts from
        the scale and offsets that show what the frame shows now, so the picture stays put;
        undo brings the mode and the stored scale and offsets back."""
        f = self.doc.issue.pages[page].frame(frame_id)
        if not isinstance(f, ImageFrame) or f.fit == mode:
            return False
        label = {FitMode.FIT: "适合", FitMode.FILL: "填充", FitMode.MANUAL: "手动调整"}[mode]
        attrs: dict = {"fit": mode}
        if mode == FitMode.MANUAL:
            attrs.update(self.doc.manual_placement(page, frame_id))
        self._push_attrs(page, frame_id, attrs, text or f"图片{label}")
        return True

    def _image_panned(self, page: int, frame_id: str, ox: float, oy: float) -> None:
        self._push_attrs(page, frame_id, {"offset_x": ox, "offset_y": oy}, "移动图片")

    def _image_scaled(self, page: int, frame_id: str, factor: float) -> None:
        f = self.doc.issue.pages[page].frame(frame_id)
        if isinstance(f, ImageFrame):
            scale = round(max(0.01, min(100.0, f.scale * factor)), 4)
            self._push_attrs(page, frame_id, {"scale": scale}, "缩放图片", "scale")

    def add_caption(self) -> str | None:
        """Give the selected image frame a caption story (one PHOTO part) and open it."""
        f = self.selected_frame()
        if not isinstance(f, ImageFrame) or f.caption_story:
            return None
        story = Story(self.doc.issue.new_id("c"), title="图片说明",
                      parts=[StoryPart(PartKind.PHOTO, "图片说明", image=f.image)])
        self.undo_stack.beginMacro("添加图片说明")
        self.undo_stack.push(AddStoryCommand(self.doc, story, "添加图片说明"))
        self._push_attrs(self.canvas.selection.page, f.id, {"caption_story": story.id}, "添加图片说明")
        self.undo_stack.endMacro()
        self.stories_panel.select_story(story.id)
        self._story_selected(story.id)
        return story.id

    def set_rule_ends(self, page: int, frame_id: str, ends, *, merge: str = "") -> bool:
        """Move a rule's two ends (mm), as dragged on the canvas or from its length in the 属性
        panel: one undo step, refused (with a message) when the ends come too close."""
        f = self.doc.issue.pages[page].frame(frame_id)
        if not isinstance(f, RuleFrame):
            return False
        x1, y1, x2, y2 = self.doc.rule_ends_within_reach(page, ends)
        if (x1, y1, x2, y2) == (f.x1, f.y1, f.x2, f.y2):
            self.properties_panel.refresh()
            return False
        if math.hypot(x2 - x1, y2 - y1) < MIN_RULE_MM:
            self.statusBar().showMessage("线条太短，没有修改", 3000)
            self.canvas.repaint_pages()
            return False
        self._push_attrs(page, frame_id, {"x1": x1, "y1": y1, "x2": x2, "y2": y2},
                         f"调整线条 {frame_id}", merge)
        self.statusBar().showMessage(f"线条 {frame_id} 长 {math.hypot(x2 - x1, y2 - y1):.1f} 毫米", 3000)
        return True

    def set_rule_length(self, page: int, frame_id: str, length: float) -> bool:
        """Make a rule ``length`` mm long: its first end stays, the other moves along the rule
        (a rule of no length grows to the right). Spin-box steps merge into one undo step."""
        f = self.doc.issue.pages[page].frame(frame_id)
        if not isinstance(f, RuleFrame):
            return False
        dx, dy = f.x2 - f.x1, f.y2 - f.y1
        now = math.hypot(dx, dy)
        ux, uy = (dx / now, dy / now) if now > 1e-9 else (1.0, 0.0)
        ends = (f.x1, f.y1, round(f.x1 + ux * length, 4) if ux else f.x1,
                round(f.y1 + uy * length, 4) if uy else f.y1)
        return self.set_rule_ends(page, frame_id, ends, merge="length")

    def _properties_geometry(self, page: int, frame_id: str, rect: Rect) -> None:
        old = self.doc.frame_geometry(page, frame_id)
        rect = self.doc.within_reach(page, rect)
        if rect == old:
            self.properties_panel.refresh()  # the box shows the value kept, not the one typed
            return
        self.undo_stack.push(SetFrameGeometryCommand(self.doc, page, frame_id, rect, old,
                                                     resize=(old.w, old.h) != (rect.w, rect.h)))

    def _properties_attrs(self, page: int, frame_id: str, attrs: dict) -> None:
        name = next(iter(attrs))
        if name == "fit" and len(attrs) == 1:
            self.set_fit_of(page, frame_id, FitMode(attrs["fit"]), "修改图片适配")
            return
        label = {"columns": "栏数", "gutter": "栏间距", "fit": "图片适配", "runaround": "绕排",
                 "width": "线宽"}.get(name, name)
        self._push_attrs(page, frame_id, attrs, f"修改{label}", name)


def image_media_type(data: bytes) -> str | None:
    """The media type of JPEG, PNG or TIFF bytes (by their signature), else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    return None


def image_problem(data: bytes) -> str:
    """Why image bytes cannot be decoded ("" when they can)."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            if im.width < 1 or im.height < 1:
                return "图片没有像素"
    except Exception as exc:  # noqa: BLE001 - any decoder error means a broken file
        return f"图片数据无法解码（{exc}）"
    return ""
