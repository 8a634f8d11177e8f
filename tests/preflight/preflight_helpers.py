"""Small hand-made issues for the preflight checks."""

from __future__ import annotations

import io


from xjeditor.model import ImageAsset, Issue, Page, PartKind, Rect, Story, StoryPart, TextFrame


def png(size=(100, 100), mode="RGB") -> ImageAsset:
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size, "white" if mode != "CMYK" else (0, 0, 0, 0)).save(out, "PNG" if mode != "CMYK" else "JPEG")
    return ImageAsset(out.getvalue(), "image/png" if mode != "CMYK" else "image/jpeg", f"{mode}.img")


def body(text: str, sid: str = "s1") -> Story:
    return Story(sid, parts=[StoryPart(PartKind.PARAGRAPH, text)])


def make_issue(frames: list | None = None, stories: list[Story] | None = None, pages: int = 4) -> Issue:
    """A 四开 issue of ``pages`` pages; ``frames`` go on page 1 (a fitting story if None)."""
    issue = Issue(pages=[Page() for _ in range(pages)])
    if frames is None:
        frames = [TextFrame("t1", Rect(20, 30, 120, 100), columns=2, story="s1")]
        stories = [body("社区新闻。" * 10)]
    issue.pages[0].frames.extend(frames)
    for s in stories or []:
        issue.stories[s.id] = s
    return issue


