"""What the editor tests share about the demo issue: its file, the geometry of its layout's
type area, and a story edit command."""

from __future__ import annotations

from pathlib import Path

from xjeditor.app.commands import EditStoryCommand
from xjeditor.model import PartKind, pt_to_mm

DEMO = Path(__file__).resolve().parents[2] / "seeds" / "demo.xjb"
X0, Y0 = 15.85, 20.0  # the demo layout's type area
COL, GUT = 14 * pt_to_mm(9.0), 1.5 * pt_to_mm(9.0)
PITCH, BODY = pt_to_mm(13.5), pt_to_mm(9.0)


def retitle(window, story_id: str, title: str) -> EditStoryCommand:
    """The command that sets the story's 主题 to ``title``."""
    parts = window.doc.story_parts(story_id)
    for p in parts:
        if p.kind == PartKind.TITLE:
            p.text = title
    return EditStoryCommand(window.doc, story_id, parts)
