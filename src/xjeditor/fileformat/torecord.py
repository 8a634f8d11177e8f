"""The issue model -> the plain JSON record of ``issue.json`` (step 1 of ``schema``).

The writer validates the record (``schema.validate_record``) before it writes it, so
anything odd here is passed through for the validator to report.
"""

from __future__ import annotations

import datetime as _dt
from enum import Enum

from ..model import (
    CMYK,
    BoxFrame,
    CharacterStyle,
    ImageFrame,
    Issue,
    ParagraphStyle,
    Rect,
    RuleFrame,
    StoryPart,
    TextFrame,
)
from .schema import FORMAT_VERSION, image_member_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _num(value: Any) -> Any:
    """Numbers are written as JSON floats (``14.0``) so that load -> save is byte-stable.

    Anything else is passed through untouched for the validator to report."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _color(color: CMYK | None) -> dict[str, Any] | None:
    if color is None:
        return None
    if not isinstance(color, CMYK):
        return color  # the validator reports it
    return {"c": _num(color.c), "m": _num(color.m), "y": _num(color.y), "k": _num(color.k)}


def _rect(rect: Rect) -> Any:
    if not isinstance(rect, Rect):
        return rect
    return {"x": _num(rect.x), "y": _num(rect.y), "w": _num(rect.w), "h": _num(rect.h)}


def _frame(frame: Any) -> Any:
    if isinstance(frame, TextFrame):
        return {
            "kind": "text",
            "id": frame.id,
            "rect": _rect(frame.rect),
            "columns": frame.columns,
            "gutter": _num(frame.gutter),
            "story": frame.story,
            "next": frame.next,
            "headline_columns": frame.headline_columns,
            "vertical_rule": frame.vertical_rule,
        }
    if isinstance(frame, ImageFrame):
        return {
            "kind": "image",
            "id": frame.id,
            "rect": _rect(frame.rect),
            "image": frame.image,
            "fit": _plain(frame.fit),
            "scale": _num(frame.scale),
            "offset_x": _num(frame.offset_x),
            "offset_y": _num(frame.offset_y),
            "runaround": frame.runaround,
            "runaround_gap": _num(frame.runaround_gap),
            "caption_story": frame.caption_story,
        }
    if isinstance(frame, RuleFrame):
        return {
            "kind": "rule",
            "id": frame.id,
            "x1": _num(frame.x1),
            "y1": _num(frame.y1),
            "x2": _num(frame.x2),
            "y2": _num(frame.y2),
            "width": _num(frame.width),
            "color": _color(frame.color),
        }
    if isinstance(frame, BoxFrame):
        return {
            "kind": "box",
            "id": frame.id,
            "rect": _rect(frame.rect),
            "stroke": _num(frame.stroke),
            "stroke_color": _color(frame.stroke_color),
            "fill": _color(frame.fill),
        }
    return repr(frame)  # not a frame: the validator reports "expected an object"


def _part(part: StoryPart) -> dict[str, Any]:
    return {
        "kind": _plain(part.kind),
        "text": part.text,
        "style": part.style,
        "spans": [{"start": s.start, "end": s.end, "style": s.style} for s in part.spans],
        "image": part.image,
        "credit": part.credit,
    }


def _paragraph_style(s: ParagraphStyle) -> dict[str, Any]:
    return {
        "name": s.name,
        "label": s.label,
        "font": _plain(s.font),
        "size": _num(s.size),
        "line_gap": _num(s.line_gap),
        "indent": _num(s.indent),
        "align": _plain(s.align),
        "punct": _plain(s.punct),
        "kinsoku": _plain(s.kinsoku),
        "han_latin_space": _num(s.han_latin_space),
        "tracking": _num(s.tracking),
        "color": _color(s.color),
        "space_before": _num(s.space_before),
        "space_after": _num(s.space_after),
        "max_lines": s.max_lines,
    }


def _character_style(s: CharacterStyle) -> dict[str, Any]:
    return {
        "name": s.name,
        "label": s.label,
        "font": _plain(s.font),
        "size": _num(s.size) if s.size is not None else None,
        "color": _color(s.color),
    }


class ModelMismatch(Exception):
    """Raised by ``issue_to_record`` for a model whose dict keys disagree with its objects."""

    def __init__(self, json_path: str, detail: str, detail_zh: str) -> None:
        super().__init__(f"{json_path}: {detail}")
        self.json_path, self.detail, self.detail_zh = json_path, detail, detail_zh


def issue_to_record(issue: Issue) -> dict[str, Any]:
    """The plain JSON record of an issue (not yet validated)."""
    date = issue.date
    stories = []
    for i, (key, story) in enumerate(issue.stories.items()):
        if story.id != key:
            raise ModelMismatch(
                f"$.stories[{i}].id",
                f"story id {story.id!r} differs from its key {key!r} in Issue.stories",
                f"稿件 id {story.id!r} 与其在 Issue.stories 中的键 {key!r} 不一致",
            )
        stories.append(
            {
                "id": story.id,
                "title": story.title,
                "section": story.section,
                "notes": story.notes,
                "parts": [_part(p) for p in story.parts],
            }
        )
    images = []
    for i, (key, asset) in enumerate(issue.images.items()):
        if not isinstance(asset.data, (bytes, bytearray)) or asset.key != key:
            raise ModelMismatch(
                f"$.images[{i}].key",
                f"image key {key!r} is not the SHA-256 of the image's bytes",
                f"图片键 {key!r} 不是图片内容的 SHA-256",
            )
        images.append(
            {
                "key": key,
                "media_type": asset.media_type,
                "original_name": asset.original_name,
                "member": image_member_name(key, asset.media_type),
            }
        )
    sheet = issue.styles
    for kind, mapping in (("paragraph", sheet.paragraph), ("character", sheet.character)):
        for i, (name, style) in enumerate(mapping.items()):
            if style.name != name:
                raise ModelMismatch(
                    f"$.styles.{kind}[{i}].name",
                    f"style name {style.name!r} differs from its key {name!r}",
                    f"样式名 {style.name!r} 与其键 {name!r} 不一致",
                )
    return {
        "format_version": FORMAT_VERSION,
        "issue": {
            "paper": issue.paper,
            "number": issue.number,
            "total_number": issue.total_number,
            "date": (date.isoformat() if isinstance(date, _dt.date) and not isinstance(date, _dt.datetime)
                     else repr(date)),
            "sponsor": issue.sponsor,
            "registration": issue.registration,
            "address": issue.address,
            "printer": issue.printer,
            "editors": [{"role": role, "name": name} for role, name in issue.editors.items()],
            "layout": issue.layout,
        },
        "pages": [
            {
                "width": _num(page.width),
                "height": _num(page.height),
                "kind": _plain(page.kind),
                "template": page.template,
                "section": page.section,
                "editor": page.editor,
                "frames": [_frame(f) for f in page.frames],
            }
            for page in issue.pages
        ],
        "stories": stories,
        "styles": {
            "paragraph": [_paragraph_style(s) for s in sheet.paragraph.values()],
            "character": [_character_style(s) for s in sheet.character.values()],
        },
        "images": images,
    }
