"""What story composition shares: the story's layout record (items by page, copyfit,
findings), the ``Setter`` that turns parts into composer runs and composed lines into
glyph runs (fonts checked, fallbacks taken), and the built-in styles and composer
options.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..model import (
    DEFAULT_PART_STYLE,
    Align,
    Issue,
    ParagraphStyle,
    StoryPart,
    default_stylesheet,
)
from .compose import ComposeOptions, Run, compose_paragraph
from .diagnostics import Finding
from .display import GlyphRun, Item
from .fonts import FontError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol

    from .metrics import FontMetrics

    class FontSource(Protocol):
        """What story composition needs from the font registry (FontRegistry is one)."""

        def metrics(self, key: str) -> FontMetrics: ...

        def fallbacks(self, key: str) -> list[str]: ...


# --------------------------------------------------------------------------- copyfit


@dataclass
class Copyfit:
    """How a story fits its frames: characters and lines over, or rows left empty."""

    overset_chars: int = 0  # characters that did not fit (超 N 字)
    overset_lines: int = 0
    underset_lines: int = 0  # empty rows left in the last frame (缺 N 行)

    @property
    def status(self) -> str:
        if self.overset_chars or self.overset_lines:
            return f"超 {self.overset_chars} 字" if self.overset_chars else f"超 {self.overset_lines} 行"
        if self.underset_lines:
            return f"缺 {self.underset_lines} 行"
        return "正好"

    @property
    def fits(self) -> bool:
        return not (self.overset_chars or self.overset_lines)


@dataclass
class StoryLayout:
    """A story as set: its display items by page, copyfit figure, findings and jumps."""

    story: str
    items: dict[int, list[Item]] = field(default_factory=dict)  # page index -> items
    copyfit: Copyfit = field(default_factory=Copyfit)
    diagnostics: list[Finding] = field(default_factory=list)  # 字格, 行距, 寡行, 松行 … (info)
    missing: dict[str, str] = field(default_factory=dict)  # character -> font key lacking it
    pages: list[int] = field(default_factory=list)  # page indexes the story appears on
    font_fallbacks: dict[str, str] = field(default_factory=dict)  # font not installed -> font used
    jumps: list[tuple[int, int]] = field(default_factory=list)  # (from page, to page) indexes
    loose_lines: int = 0  # lines stretched more than 1/4 em a gap (R23)
    orphans: int = 0  # paragraphs whose last line is one character that could not be mended (R29)

    def add(self, page: int, item: Item) -> None:
        self.items.setdefault(page, []).append(item)


# --------------------------------------------------------------------------- runs and lines


class Setter:
    """Turns parts into composer runs and composed lines into glyph runs."""

    def __init__(self, issue: Issue, fonts: FontSource, layout: StoryLayout) -> None:
        self.issue = issue
        self.fonts = fonts
        self.layout = layout
        self._known: dict[str, bool] = {}  # font key -> whether the registry has it

    def style(self, part: StoryPart) -> ParagraphStyle:
        """The part's paragraph style: its own, else the sheet's body style, else the
        built-in default of that name or of the part's kind (a sheet may be empty)."""
        styles = self.issue.styles.paragraph
        style = styles.get(part.style_name) or styles.get("body")
        if style is None:
            style = builtin_style(part.style_name, DEFAULT_PART_STYLE.get(part.kind, "body"))
        return self.usable(style)

    def usable(self, style: ParagraphStyle) -> ParagraphStyle:
        """``style`` with a font the registry has: a family name that is not installed
        is replaced by the font of its role (the built-in style of the same name, else
        书宋), and noted in ``font_fallbacks``."""
        font = self.font_key(str(style.font), builtin_style(style.name).font)
        return style if font == str(style.font) else replace(style, font=font)

    def font_key(self, font: str, fallback: str) -> str:
        """``font`` when the registry can give its metrics, else ``fallback``."""
        ok = self._known.get(font)
        if ok is None:
            try:
                self.fonts.metrics(font)
                ok = True
            except FontError:
                ok = False
            self._known[font] = ok
        if ok:
            return font
        fallback = str(fallback)
        self.layout.font_fallbacks.setdefault(font, fallback)
        return fallback

    def runs(self, text: str, style: ParagraphStyle, spans: Sequence[tuple[int, int, str]] = ()) -> list[Run]:
        """Runs of ``text`` in the style's font, character styles applied, and characters the
        font lacks taken from its fallbacks (reported when no fallback has them either)."""
        if not spans:  # the usual paragraph: one style throughout
            return [Run(t, f, s, self.fonts.metrics(f))
                    for t, f, s in self._with_fallbacks(text, str(style.font), style.size) if t]
        pieces: list[tuple[str, str, float]] = []  # (text, font key, size)
        cuts = sorted({0, len(text), *[p for s, e, _ in spans for p in (s, e) if 0 <= p <= len(text)]})
        cstyles = self.issue.styles.character
        for a, b in zip(cuts, cuts[1:]):
            font, size = str(style.font), style.size
            for s, e, name in spans:
                cs = cstyles.get(name)
                if cs and s <= a and b <= e:
                    font = self.font_key(str(cs.font), font) if cs.font else font
                    size = cs.size or size
            pieces.extend(self._with_fallbacks(text[a:b], font, size))
        return [Run(t, f, s, self.fonts.metrics(f)) for t, f, s in pieces if t]

    def _with_fallbacks(self, text: str, font: str, size: float) -> list[tuple[str, str, float]]:
        primary = self.fonts.metrics(font)
        lacking = primary.missing(text)
        if not lacking:
            return [(text, font, size)]
        chain = self.fonts.fallbacks(font)
        owner: dict[str, str] = {}
        for ch in lacking:
            for fb in chain:
                if self.fonts.metrics(fb).has_glyph(ch):
                    owner[ch] = fb
                    break
            else:
                self.layout.missing.setdefault(ch, font)
        out: list[tuple[str, str, float]] = []
        for ch in text:
            f = owner.get(ch, font)
            if out and out[-1][1] == f:
                out[-1] = (out[-1][0] + ch, f, size)
            else:
                out.append((ch, f, size))
        return out

    def glyph_runs(self, line, x: float, baseline: float, color, page: int, story: str) -> None:
        items = self.layout.items.get(page)
        if items is None:
            items = self.layout.items[page] = []
        for seg in line.segments:
            if seg.text:
                items.append(GlyphRun(seg.font, seg.size, x, baseline, seg.text, seg.xs, color, True, story))


_OPTIONS: dict[tuple, ComposeOptions] = {}
_BUILTIN: dict[str, ParagraphStyle] = {}


def builtin_style(name: str, kind_default: str = "body") -> ParagraphStyle:
    """The built-in default style ``name`` (model.default_stylesheet), else the one
    named ``kind_default``, else body: what a part is set in when the issue's sheet has
    neither its style nor a body style."""
    if not _BUILTIN:
        _BUILTIN.update(default_stylesheet().paragraph)
    return _BUILTIN.get(name) or _BUILTIN.get(kind_default) or _BUILTIN["body"]


def options_for(style: ParagraphStyle, *, indent: float | None = None, align: Align | None = None) -> ComposeOptions:
    """The composer options of a style (made once per style: every paragraph asks)."""
    key = (style.punct, style.kinsoku, style.indent, style.han_latin_space, style.align, indent, align)
    opts = _OPTIONS.get(key)
    if opts is None:
        opts = ComposeOptions.from_style(style)
        if indent is not None:
            opts = opts.with_(indent=indent)
        if align is not None:
            opts = opts.with_(align=align)
        if len(_OPTIONS) > 256:
            _OPTIONS.clear()
        _OPTIONS[key] = opts
    return opts


def compose_lines(setter: Setter, part: StoryPart, style: ParagraphStyle, width: float,
                   text: str | None = None, **kw) -> list:
    """All lines of a part set at one width; explicit line breaks start new paragraphs."""
    lines = []
    for chunk in (text if text is not None else part.text).split("\n"):
        if not chunk.strip():
            continue
        para = compose_paragraph(setter.runs(chunk, style), width, options_for(style, **kw))
        lines.extend(para.lines)
    return lines
