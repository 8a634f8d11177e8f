"""Story actions of the main window: applying the story editor, paragraph and
character styles, placing a story in a frame, new stories.

A mixin of ``MainWindow``: the methods here use the window's canvas, panels and undo stack."""

from __future__ import annotations

from ..model import PART_LABELS, PartKind, Span, Story, StoryPart, TextFrame
from . import dialogs
from .commands import AddStoryCommand, EditStoryCommand
from .panels import PartContext
from .storyform import StoryForm, parts_from_form


class StoriesMixin:
    """Part of ``MainWindow`` (see window.py); uses its canvas, panels and undo stack."""

    def apply_story_form(self, story_id: str, form: StoryForm) -> None:
        story = self.doc.issue.stories.get(story_id)
        if story is None:
            return
        parts = parts_from_form(story, form)
        if parts == story.parts:
            self.statusBar().showMessage("稿件没有修改", 3000)
            return
        self.undo_stack.push(EditStoryCommand(self.doc, story_id, parts))
        self.story_editor.set_story(self.doc.issue.stories[story_id], self.story_status(story_id))
        self.statusBar().showMessage(f"已排入，字数核对：{self.story_status(story_id)}", 5000)

    def live_story_edit(self, story_id: str, form: StoryForm, burst) -> bool:
        """Typing in the story editor, applied as it goes: one undo step per burst. Never
        loses text: when the edit cannot be made or typeset, the form keeps it and the
        status bar says why."""
        story = self.doc.issue.stories.get(story_id) if self.doc else None
        if story is None:
            return False
        try:
            parts = parts_from_form(story, form)
            if parts == story.parts:
                self.story_editor.mark_applied(story)
                return True
            label = story.headline or story_id
            self.undo_stack.push(EditStoryCommand(self.doc, story_id, parts,
                                                  text=f"输入文字（{label}）", burst=burst))
        except Exception as exc:  # noqa: BLE001 - the typed text must survive anything
            self.story_editor.end_burst()
            self.statusBar().showMessage(f"无法排入刚输入的文字（文字仍保留在编辑框中）：{exc}", 10000)
            return False
        if self.typeset_error:
            self.statusBar().showMessage(f"{self.typeset_error}（文字仍保留在编辑框中）", 10000)
        self.story_editor.mark_applied(self.doc.issue.stories.get(story_id))
        self.story_editor.set_status(self.story_status(story_id))
        return True

    def _part_changed(self, ctx: PartContext | None) -> None:
        story = self.doc.issue.stories.get(ctx.story_id) if (ctx and self.doc) else None
        if story is None or ctx.part >= len(story.parts):
            self.styles_panel.show_current(None)
            return
        part = story.parts[ctx.part]
        self.styles_panel.show_current(part.style_name, PART_LABELS.get(part.kind, ""))

    def _style_target(self) -> tuple[Story, PartContext] | None:
        """The story and part the story editor points at, with pending typing applied first."""
        editor = self.story_editor
        if editor.is_dirty():
            editor.flush()
        ctx = editor.current_part()
        story = self.doc.issue.stories.get(ctx.story_id) if ctx is not None else None
        if story is None or ctx.part >= len(story.parts):
            self.statusBar().showMessage("请先在“稿件编辑”中点入要设置样式的段落", 5000)
            return None
        return story, ctx

    def apply_paragraph_style(self, name: str) -> bool:
        """Set the paragraph style of the story editor's current part (an undo step)."""
        target = self._style_target()
        if target is None:
            return False
        story, ctx = target
        style = self.doc.issue.styles.paragraph.get(name)
        if style is None:
            return False
        parts = self.doc.story_parts(story.id)
        part = parts[ctx.part]
        if part.style_name == name:
            return True
        from ..model import DEFAULT_PART_STYLE

        part.style = None if DEFAULT_PART_STYLE[part.kind] == name else name
        kind = PART_LABELS.get(part.kind, "段落")
        self.undo_stack.push(EditStoryCommand(self.doc, story.id, parts,
                                              text=f"{kind}样式改为“{style.label}”"))
        self._part_changed(ctx)
        self.statusBar().showMessage(f"已将{kind}设为“{style.label}”样式", 5000)
        return True

    def apply_character_style(self, name: str) -> bool:
        """Put a character style on the text selected in the current part (an undo step)."""
        target = self._style_target()
        if target is None:
            return False
        story, ctx = target
        style = self.doc.issue.styles.character.get(name)
        if style is None:
            return False
        if ctx.end <= ctx.start:
            self.statusBar().showMessage("请先在“稿件编辑”中选中要设置字符样式的文字", 5000)
            return False
        parts = self.doc.story_parts(story.id)
        span = Span(ctx.start, ctx.end, name)
        if span in parts[ctx.part].spans:
            return True
        parts[ctx.part].spans.append(span)
        self.undo_stack.push(EditStoryCommand(self.doc, story.id, parts,
                                              text=f"文字样式“{style.label}”"))
        self.statusBar().showMessage(f"已将选中的 {ctx.end - ctx.start} 字设为“{style.label}”", 5000)
        return True


    def place_story_dialog(self) -> None:
        f = self.selected_frame()
        if not isinstance(f, TextFrame):
            return
        items = [(sid, f"{s.headline or sid}（{self.story_status(sid)}）")
                 for sid, s in self.doc.issue.stories.items()
                 if not all(p.kind == PartKind.PHOTO for p in s.parts)]
        sid = dialogs.choose_story(self, items)
        if sid:
            self.place_story(self.canvas.selection.page, f.id, sid)

    def place_story(self, page: int, frame_id: str, story_id: str) -> bool:
        """Flow a story into a text frame (moved there if it was placed elsewhere)."""
        f = self.doc.issue.pages[page].frame(frame_id)
        if not isinstance(f, TextFrame):
            return False
        if self.doc.is_continuation(frame_id):
            self.statusBar().showMessage("此框是串接的后续框，稿件从串接的第一个框排入", 8000)
            return False
        if f.story == story_id:
            return True
        self.undo_stack.beginMacro(f"排入稿件“{self.doc.issue.stories[story_id].headline or story_id}”")
        for pi, p in enumerate(self.doc.issue.pages):
            for g in p.frames:
                if isinstance(g, TextFrame) and g.story == story_id:
                    self._push_attrs(pi, g.id, {"story": None}, f"移走稿件 {story_id}")
        self._push_attrs(page, frame_id, {"story": story_id}, f"排入稿件 {story_id}")
        self.undo_stack.endMacro()
        return True

    def new_story_dialog(self) -> None:
        headline = dialogs.ask_headline(self)
        if headline:
            self.new_story(headline)

    def new_story(self, headline: str) -> str:
        """Create a story with a 主题 and one body paragraph; flow it into the selected text
        frame when that frame is empty, and open it in the story editor."""
        issue = self.doc.issue
        story = Story(issue.new_id("s"), title=headline,
                      parts=[StoryPart(PartKind.TITLE, headline), StoryPart(PartKind.PARAGRAPH, "正文")])
        f = self.selected_frame()
        self.undo_stack.beginMacro(f"新建稿件“{headline}”")
        self.undo_stack.push(AddStoryCommand(self.doc, story))
        if isinstance(f, TextFrame) and not f.story and not self.doc.is_continuation(f.id):
            self._push_attrs(self.canvas.selection.page, f.id, {"story": story.id}, f"排入稿件 {story.id}")
        self.undo_stack.endMacro()
        self.stories_panel.select_story(story.id)
        self._story_selected(story.id)
        return story.id
