"""The story text format (``.story`` files): a plain, hand-editable text form of a Story.

The format is specified in docs/STORYTEXT.md. In short::

    % a comment
    @story 上科实业党支部          (metadata: working title, section, source, notes)
    @section 社区要闻
    @column 基层风采               (one directive line starts one part)
    @kicker “五星奖”上科实业党支部：
    @title 以“红色领航”激发企业新动能
    @subhead 加强思想引领
    @+ 孕育“红色基因”              (a further line of the previous part)
    @photo [credit=陈毓磊] 观影《攀登者》
    Every other non-blank line is one body paragraph.

``parse_story`` turns text into a :class:`~xjeditor.model.story.Story`; ``format_story``
writes one back. For every story whose texts are representable (see ``is_representable``)
``parse_story(format_story(s), s.id) == s``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xjeditor.model.story import HEADLINE_KINDS, PartKind, Span, Story, StoryPart

__all__ = [
    "PART_DIRECTIVES",
    "META_DIRECTIVES",
    "StoryTextError",
    "StoryDocument",
    "parse_story",
    "parse_story_document",
    "format_story",
    "is_representable",
]


class StoryTextError(ValueError):
    """Bad story text. ``line_no`` is 1-based (0 when the error is not tied to a line)."""

    def __init__(self, line_no: int, message: str) -> None:
        super().__init__(f"line {line_no}: {message}")
        self.line_no = line_no
        self.message = message

    def __reduce__(self):  # keep the two-argument constructor picklable
        return (type(self), (self.line_no, self.message))


# Directive name -> part kind. "para" is the explicit form of a body paragraph, needed
# for a paragraph that carries attributes or has an empty first line.
PART_DIRECTIVES: dict[str, PartKind] = {
    "column": PartKind.COLUMN_TAG,
    "kicker": PartKind.KICKER,
    "title": PartKind.TITLE,
    "subtitle": PartKind.SUBTITLE,
    "byline": PartKind.BYLINE,
    "note": PartKind.NOTE,
    "para": PartKind.PARAGRAPH,
    "subhead": PartKind.SUBHEAD,
    "photo": PartKind.PHOTO,
}
_DIRECTIVE_OF_KIND: dict[PartKind, str] = {kind: name for name, kind in PART_DIRECTIVES.items()}

META_DIRECTIVES = ("story", "section", "source", "notes")

CONTINUATION = "@+"
_ATTRIBUTE_KEYS = ("credit", "image", "style", "spans")  # also the order they are written in
_PHOTO_ONLY_KEYS = frozenset({"credit", "image"})
_NAME_RE = re.compile(r"[a-z]+")
_HEADING_BLOCK = HEADLINE_KINDS | {PartKind.BYLINE}
_SPAN_RE = re.compile(r"(\d+)-(\d+):(.+)")


@dataclass
class StoryDocument:
    """A parsed ``.story`` file: the story plus the file-level facts the model does not hold."""

    story: Story
    source: str = ""  # @source: the seed or wire file the story was taken from


# ---------------------------------------------------------------------------------------
# Parsing


def parse_story(text: str, story_id: str) -> Story:
    """Parse story text into a Story with the given id. Raises StoryTextError."""
    return parse_story_document(text, story_id).story


def parse_story_document(text: str, story_id: str) -> StoryDocument:
    """Parse story text, keeping ``@source`` as well. Raises StoryTextError."""
    story = Story(id=story_id)
    doc = StoryDocument(story=story)
    seen_meta: set[str] = set()
    # What a "@+" line extends: a part, the notes, or nothing.
    last_part: StoryPart | None = None
    notes_open = False

    if text.startswith("\ufeff"):
        text = text[1:]
    for line_no, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("%") and not line.startswith("%%"):
            continue  # a comment
        if line.startswith(("%%", "@@")) or not line.startswith("@"):
            # A body paragraph; a doubled leading "%" or "@" escapes a literal one.
            text_of_line = line[1:] if line.startswith(("%%", "@@")) else line
            last_part = StoryPart(PartKind.PARAGRAPH, text_of_line)
            story.parts.append(last_part)
            notes_open = False
            continue
        if line.startswith(CONTINUATION):
            more = line[len(CONTINUATION):].strip()
            if last_part is not None:
                last_part.text += "\n" + more
            elif notes_open:
                story.notes += "\n" + more
            else:
                raise StoryTextError(line_no, "'@+' continues nothing: no part or @notes before it")
            continue

        name, rest = _split_directive(line_no, line)
        if name in META_DIRECTIVES:
            if story.parts:
                raise StoryTextError(line_no, f"@{name} must come before the first part")
            if name in seen_meta:
                raise StoryTextError(line_no, f"@{name} given twice")
            seen_meta.add(name)
            last_part = None
            notes_open = name == "notes"
            if name == "story":
                story.title = rest
            elif name == "section":
                story.section = rest
            elif name == "source":
                doc.source = rest
            else:
                story.notes = rest
            continue
        kind = PART_DIRECTIVES.get(name)
        if kind is None:
            raise StoryTextError(line_no, f"unknown directive @{name}")
        attrs, body = _split_attributes(line_no, rest)
        last_part = _make_part(line_no, kind, body, attrs)
        story.parts.append(last_part)
        notes_open = False
    return doc


def _split_directive(line_no: int, line: str) -> tuple[str, str]:
    """'@title  text' -> ('title', 'text')."""
    m = _NAME_RE.match(line, 1)
    if m is None:
        raise StoryTextError(line_no, "'@' must be followed by a directive name (use '@@' for a literal '@')")
    rest = line[m.end():]
    if rest and not rest[0].isspace():
        raise StoryTextError(line_no, f"unknown directive @{m.group()}{rest.split()[0]}")
    return m.group(), rest.strip()


def _split_attributes(line_no: int, rest: str) -> tuple[dict[str, str], str]:
    """'[credit=陈毓磊; style=x] caption' -> ({'credit': '陈毓磊', 'style': 'x'}, 'caption')."""
    if not rest.startswith("["):
        return {}, rest
    close = rest.find("]")
    if close < 0:
        raise StoryTextError(line_no,
                             "attribute block '[' has no closing ']' (write '[] [' for text starting with '[')")
    attrs: dict[str, str] = {}
    for item in rest[1:close].split(";"):
        item = item.strip()
        if not item:
            continue
        key, eq, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not eq:
            raise StoryTextError(line_no, f"attribute {item!r} is not key=value")
        if key not in _ATTRIBUTE_KEYS:
            raise StoryTextError(line_no, f"unknown attribute {key!r} (known: {', '.join(_ATTRIBUTE_KEYS)})")
        if key in attrs:
            raise StoryTextError(line_no, f"attribute {key!r} given twice")
        if not value:
            raise StoryTextError(line_no, f"attribute {key!r} has an empty value")
        attrs[key] = value
    return attrs, rest[close + 1:].strip()


def _make_part(line_no: int, kind: PartKind, text: str, attrs: dict[str, str]) -> StoryPart:
    if kind != PartKind.PHOTO:
        bad = sorted(_PHOTO_ONLY_KEYS & attrs.keys())
        if bad:
            raise StoryTextError(line_no, f"attribute {bad[0]!r} is allowed on @photo only")
    part = StoryPart(kind, text)
    part.credit = attrs.get("credit", "")
    part.image = attrs.get("image")
    part.style = attrs.get("style")
    if "spans" in attrs:
        part.spans = _parse_spans(line_no, attrs["spans"])
    return part


def _parse_spans(line_no: int, value: str) -> list[Span]:
    spans = []
    for item in value.split(","):
        m = _SPAN_RE.fullmatch(item.strip())
        if m is None or not m.group(3).strip():
            raise StoryTextError(line_no, f"bad span {item.strip()!r} (expected start-end:style)")
        start, end = int(m.group(1)), int(m.group(2))
        if start > end:
            raise StoryTextError(line_no, f"bad span {item.strip()!r}: start after end")
        spans.append(Span(start, end, m.group(3).strip()))
    return spans


# ---------------------------------------------------------------------------------------
# Formatting


def format_story(story: Story, source: str = "") -> str:
    """Write a story as story text. Raises ValueError if it is not representable."""
    problem = _representability_problem(story, source)
    if problem:
        raise ValueError(f"story {story.id!r} cannot be written as story text: {problem}")
    out: list[str] = []
    if story.title:
        out.append(f"@story {story.title}")
    if story.section:
        out.append(f"@section {story.section}")
    if source:
        out.append(f"@source {source}")
    if story.notes:
        first, *more = story.notes.split("\n")
        out.append(_directive_line("notes", first))
        out.extend(_directive_line("+", line) for line in more)
    if out:
        out.append("")
    previous: PartKind | None = None
    for part in story.parts:
        # Blank lines carry no meaning; one between parts (except inside the headline
        # block) keeps the file readable.
        if previous is not None and not (previous in _HEADING_BLOCK and part.kind in _HEADING_BLOCK):
            out.append("")
        out.extend(_part_lines(part))
        previous = part.kind
    text = "\n".join(out) + "\n"
    # The parser drops a byte-order mark at the very start; a blank first line protects a
    # paragraph that itself begins with U+FEFF.
    return "\n" + text if text.startswith("\ufeff") else text


def _directive_line(name: str, text: str) -> str:
    return f"@{name} {text}" if text else f"@{name}"


def _part_lines(part: StoryPart) -> list[str]:
    first, *more = part.text.split("\n")
    attrs = _format_attributes(part)
    if part.kind == PartKind.PARAGRAPH and not attrs and first:
        head = "@" + first if first.startswith("@") else "%" + first if first.startswith("%") else first
    else:
        if attrs or first.startswith("["):
            first = f"[{attrs}] {first}".rstrip()
        head = _directive_line(_DIRECTIVE_OF_KIND[part.kind], first)
    return [head] + [_directive_line("+", line) for line in more]


def _format_attributes(part: StoryPart) -> str:
    values = {
        "credit": part.credit,
        "image": part.image or "",
        "style": part.style or "",
        "spans": ",".join(f"{s.start}-{s.end}:{s.style}" for s in part.spans),
    }
    return "; ".join(f"{key}={values[key]}" for key in _ATTRIBUTE_KEYS if values[key])


# ---------------------------------------------------------------------------------------
# Representability


def is_representable(story: Story, source: str = "") -> bool:
    """True if ``format_story`` can write the story so that parsing gives it back."""
    return _representability_problem(story, source) is None


def _clean_line(text: str) -> bool:
    """A single line with no leading/trailing whitespace and no line break."""
    return "\n" not in text and text == text.strip()


def _clean_value(text: str, forbidden: str = ";]") -> bool:
    return bool(text) and _clean_line(text) and not any(c in text for c in forbidden)


def _representability_problem(story: Story, source: str) -> str | None:
    for label, value in (("title", story.title), ("section", story.section), ("source", source)):
        if not _clean_line(value):
            return f"{label} {value!r} is not a single trimmed line"
    if not all(_clean_line(line) for line in story.notes.split("\n")):
        return "a line of the notes has leading or trailing whitespace"
    for index, part in enumerate(story.parts):
        where = f"part {index} ({part.kind.value})"
        if not all(_clean_line(line) for line in part.text.split("\n")):
            return f"{where}: a line of its text has leading or trailing whitespace"
        if part.kind != PartKind.PHOTO and (part.credit or part.image is not None):
            return f"{where}: credit/image are for photos only"
        if part.credit and not _clean_value(part.credit):
            return f"{where}: credit {part.credit!r} is not a clean attribute value"
        if part.image is not None and not _clean_value(part.image):
            return f"{where}: image {part.image!r} is not a clean attribute value"
        if part.style is not None and not _clean_value(part.style):
            return f"{where}: style {part.style!r} is not a clean attribute value"
        for span in part.spans:
            if not _clean_value(span.style, ";],") or span.style != span.style.strip():
                return f"{where}: span style {span.style!r} is not a clean attribute value"
    return None
