"""Page actions of the main window: add, delete and move pages.

A mixin of ``MainWindow``: the methods here use the window's canvas, panels and undo stack."""

from __future__ import annotations

from . import dialogs
from .commands import AddPageCommand, DeletePageCommand, MovePageCommand


class PagesMixin:
    """Part of ``MainWindow`` (see window.py); uses its canvas, panels and undo stack."""

    def move_page(self, index: int, to: int) -> bool:
        """Move a page to another position (an undo step); jump lines follow at typeset."""
        n = len(self.doc.issue.pages)
        if not (0 <= index < n and 0 <= to < n) or index == to:
            return False
        self.undo_stack.push(MovePageCommand(self.doc, index, to))
        self.canvas.scroll_to_page(to)
        self.pages_panel.show_page(to)
        self.statusBar().showMessage(f"已将第 {index + 1} 版移到第 {to + 1} 版", 5000)
        return True

    def move_current_page(self, step: int) -> bool:
        index = self.canvas.current_page()
        return self.move_page(index, index + step)

    def add_page(self) -> None:
        self.undo_stack.push(AddPageCommand(self.doc))
        self.canvas.scroll_to_page(len(self.doc.issue.pages) - 1)

    def delete_page(self) -> None:
        if len(self.doc.issue.pages) <= 1:
            return
        index = self.canvas.current_page()
        section = self.doc.issue.pages[index].section
        if not dialogs.ask_delete_page(self, f"第 {index + 1} 版" + (f"（{section}）" if section else "")):
            return
        self.undo_stack.push(DeletePageCommand(self.doc, index))
