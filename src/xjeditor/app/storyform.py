"""The story editor's form as plain text fields, and back to story parts (no Qt).

The form shows the headline parts (栏目, 引题, 主题, 副题, 作者) as fields, 编者按 as one
paragraph per line, and the body as one paragraph per line, with 小标题 and photo captions
marked the way ``.story`` files mark them (``@subhead …``, ``@photo …``). Going back,
parts are matched to the story's existing parts of the same kind in order, so styles,
images and credits survive an edit; character spans move with their text (carry_spans).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from ..model import PartKind, Span, Story, StoryPart

HEAD_KINDS = (PartKind.COLUMN_TAG, PartKind.KICKER, PartKind.TITLE, PartKind.SUBTITLE, PartKind.BYLINE)
BODY_KINDS = (PartKind.PARAGRAPH, PartKind.SUBHEAD, PartKind.PHOTO)
SUBHEAD_MARK = "@subhead "
PHOTO_MARK = "@photo "
LINE_BREAK = "\n"


@dataclass
class StoryForm:
    head: dict[PartKind, str] = field(default_factory=dict)  # kind -> text ("\n" = line break)
    notes: str = ""  # one 编者按 paragraph per line
    body: str = ""  # one paragraph per line; @subhead / @photo lines


def _body_line(part: StoryPart) -> str:
    text = part.text.replace("\n", " / ") if part.kind != PartKind.PARAGRAPH else part.text.replace("\n", " ")
    if part.kind == PartKind.SUBHEAD:
        return SUBHEAD_MARK + text
    if part.kind == PartKind.PHOTO:
        return PHOTO_MARK + text
    return text


def form_from_story(story: Story) -> StoryForm:
    head: dict[PartKind, str] = {}
    for kind in HEAD_KINDS:
        parts = story.parts_of(kind)
        head[kind] = parts[0].text if parts else ""
    notes = "\n".join(p.text.replace("\n", " ") for p in story.parts_of(PartKind.NOTE))
    body = "\n".join(_body_line(p) for p in story.parts if p.kind in BODY_KINDS)
    return StoryForm(head, notes, body)


def _parse_body(text: str) -> list[tuple[PartKind, str]]:
    out: list[tuple[PartKind, str]] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith(SUBHEAD_MARK.strip()) and (len(line) == len(SUBHEAD_MARK.strip()) or line[8].isspace()):
            out.append((PartKind.SUBHEAD, line[len(SUBHEAD_MARK.strip()):].strip().replace(" / ", "\n")))
        elif line.startswith(PHOTO_MARK.strip()) and (len(line) == len(PHOTO_MARK.strip()) or line[6].isspace()):
            out.append((PartKind.PHOTO, line[len(PHOTO_MARK.strip()):].strip().replace(" / ", "\n")))
        else:
            out.append((PartKind.PARAGRAPH, line))
    return out


def carry_spans(old: str, new: str, spans: list[Span]) -> list[Span]:
    """Character styles kept across an edit: spans before or after the changed stretch
    move with their text; a span the edit cuts into keeps what is left of it."""
    p = 0
    while p < min(len(old), len(new)) and old[p] == new[p]:
        p += 1
    q = 0
    while q < min(len(old), len(new)) - p and old[len(old) - 1 - q] == new[len(new) - 1 - q]:
        q += 1
    old_end, new_end, delta = len(old) - q, len(new) - q, len(new) - len(old)

    def start(pos: int) -> int:  # text typed right before a span is not in it
        return pos + delta if pos >= old_end else (pos if pos <= p else p)

    def end(pos: int) -> int:  # nor is text typed right after it
        return pos if pos <= p else (pos + delta if pos >= old_end else new_end)

    out = []
    for sp in spans:
        a, b = start(sp.start), end(sp.end)
        if a < b:
            out.append(Span(a, b, sp.style))
    return out


def _reuse(pool: list[StoryPart], kind: PartKind, text: str) -> StoryPart:
    """The next unused original part of ``kind`` with ``text`` put in (or a fresh part)."""
    for i, part in enumerate(pool):
        if part.kind == kind:
            old = pool.pop(i)
            new = copy.deepcopy(old)
            if new.text != text:
                new.spans = carry_spans(new.text, text, new.spans)
                new.text = text
            return new
    return StoryPart(kind, text)


def parts_from_form(story: Story, form: StoryForm) -> list[StoryPart]:
    """The story's parts after the form was edited; unchanged form -> the same parts."""
    if form == form_from_story(story):
        return copy.deepcopy(story.parts)
    pool = copy.deepcopy(story.parts)
    parts: list[StoryPart] = []
    for kind in HEAD_KINDS:
        text = form.head.get(kind, "").strip()
        if text:
            parts.append(_reuse(pool, kind, text))
        else:
            _drop_first(pool, kind)
    # extra parts of a headline kind (a second 主题 …) the form does not show are kept
    parts.extend(p for p in pool if p.kind in HEAD_KINDS)
    for line in form.notes.split("\n"):
        if line.strip():
            parts.append(_reuse(pool, PartKind.NOTE, line.strip()))
    for kind, text in _parse_body(form.body):
        parts.append(_reuse(pool, kind, text))
    return parts


def _drop_first(pool: list[StoryPart], kind: PartKind) -> None:
    for i, part in enumerate(pool):
        if part.kind == kind:
            del pool[i]
            return
