"""The preflight checks (spec part C), run on an issue and its typeset result.

Each check is a function ``(context) -> iterable of Finding``; ``run_preflight`` runs
them all and returns the findings sorted by page, then severity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from ..model import Frame, ImageFrame, Issue, RuleFrame, TextFrame
from .findings import Finding, Severity, sort_key

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import DisplayDocument
    from ..typeset.display import ImagePlacement

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741 (I for INFO, beside E and W)

PPI_WARNING = 200.0  # below this effective resolution: warning (spec R46)
PPI_ERROR = 100.0  # below this: error
LIVE_MARGIN_MM = 5.0  # live content this far inside the trim (spec R41)
TYPE_AREA_TOLERANCE_MM = 0.1
FURNITURE_PREFIX = "_"
MAX_LISTED = 12  # characters or names listed in one message


@dataclass
class _ImageFacts:
    width: int = 0
    height: int = 0
    mode: str = ""
    error: str = ""


@dataclass
class Context:
    issue: Issue
    typeset: DisplayDocument
    placements: dict[str, ImagePlacement] = field(default_factory=dict)  # frame id -> placement
    images: dict[str, _ImageFacts] = field(default_factory=dict)  # image key -> facts
    type_area: tuple[float, float, float, float] | None = None  # mm
    layout_size: tuple[float, float] | None = None  # mm

    def story_page(self, story_id: str, *, last: bool = False) -> int | None:
        chain = self.issue.story_frames(story_id) or self.typeset.issue.story_frames(story_id)
        if chain:
            return chain[-1 if last else 0][0] + 1
        sl = self.typeset.stories.get(story_id)
        if sl is not None and sl.pages:
            return sl.pages[-1 if last else 0] + 1
        return None


def _frames(issue: Issue) -> Iterator[tuple[int, Frame]]:
    for pi, page in enumerate(issue.pages):
        for f in page.frames:
            yield pi + 1, f


def _listed(items: Iterable[str], sep: str = "") -> str:
    items = list(items)
    text = sep.join(items[:MAX_LISTED])
    return text + ("…" if len(items) > MAX_LISTED else "")


# --------------------------------------------------------------------------- text


def check_overset(ctx: Context) -> Iterator[Finding]:
    placed = {f.story for _, f in _frames(ctx.typeset.issue) if isinstance(f, TextFrame) and f.story}
    captions = {f.caption_story for _, f in _frames(ctx.typeset.issue)
                if isinstance(f, ImageFrame) and f.caption_story}
    for sid, sl in ctx.typeset.stories.items():
        if sl.copyfit.fits:
            continue
        if sid not in placed and sid not in captions:
            continue  # reported by check_unplaced_stories
        status = sl.copyfit.status
        n = sl.copyfit.overset_chars
        en_amount = f"{n} characters" if n else f"{sl.copyfit.overset_lines} lines"
        yield Finding(E, "overset", f"story {sid} is overset: {en_amount} do not fit ({status})",
                      f"稿件 {sid} 排不下：{status}", ctx.story_page(sid, last=True), sid, "story")


def check_unplaced_stories(ctx: Context) -> Iterator[Finding]:
    used = set()
    for _, f in _frames(ctx.typeset.issue):
        if isinstance(f, TextFrame) and f.story:
            used.add(f.story)
        elif isinstance(f, ImageFrame) and f.caption_story:
            used.add(f.caption_story)
    for sid, story in ctx.issue.stories.items():
        if sid not in used and not sid.startswith(FURNITURE_PREFIX):
            yield Finding(W, "story-unplaced", f"story {sid} is not placed in any frame",
                          f"稿件 {sid} 未排入任何文本框", None, sid, "story")


def check_missing_glyphs(ctx: Context) -> Iterator[Finding]:
    for sid, sl in ctx.typeset.stories.items():
        if not sl.missing:
            continue
        by_font: dict[str, list[str]] = {}
        for ch, font in sorted(sl.missing.items()):
            by_font.setdefault(font, []).append(ch)
        for font, chars in by_font.items():
            shown = _listed(chars)
            codes = _listed((f"U+{ord(c):04X}" for c in chars), " ")
            yield Finding(E, "glyph-missing",
                          f"story {sid}: font {font} and its fallbacks have no glyph for {shown} ({codes})",
                          f"稿件 {sid} 缺字：{shown}（{codes}），字体 {font} 及其后备字体均无此字",
                          ctx.story_page(sid), sid, "story")


def check_rich_black(ctx: Context) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    for sheet in (ctx.issue.styles, ctx.typeset.issue.styles):
        for kind, styles in (("paragraph", sheet.paragraph), ("character", sheet.character)):
            for name, style in styles.items():
                color = style.color
                if color is None or not color.is_registration_black or (kind, name) in seen:
                    continue
                seen.add((kind, name))
                ink = f"C{color.c * 100:.0f} M{color.m * 100:.0f} Y{color.y * 100:.0f} K{color.k * 100:.0f}"
                yield Finding(E, "rich-black-text",
                              f"{kind} style {name} ({style.label}) sets text in four-colour black {ink}; "
                              "black text must be K100 only (R44)",
                              f"{'段落' if kind == 'paragraph' else '字符'}样式 {name}（{style.label}）"
                              f"文字为四色黑 {ink}，黑色文字应为单色 K100（R44）",
                              None, name, "style")


def check_typeset_notes(ctx: Context) -> Iterator[Finding]:
    """What the engine noted about each story (松行, 孤字, 寡行, 字格, 行距 …), with the
    story named and the page it starts on."""
    for sid, sl in ctx.typeset.stories.items():
        if sid.startswith(FURNITURE_PREFIX):
            continue
        for note in dict.fromkeys(sl.diagnostics):
            if note.code == "story-unplaced":
                continue  # reported by check_unplaced_stories
            yield replace(note, en=f"story {sid}: {note.en}", zh=f"稿件 {sid}：{note.zh}",
                          page=note.page if note.page is not None else ctx.story_page(sid))


# --------------------------------------------------------------------------- frames


def check_empty_frames(ctx: Context) -> Iterator[Finding]:
    continued = {f.next for _, f in _frames(ctx.issue) if isinstance(f, TextFrame) and f.next}
    for page, f in _frames(ctx.issue):
        if f.id.startswith(FURNITURE_PREFIX):
            continue
        if isinstance(f, TextFrame):
            if f.story is None and f.id not in continued:
                yield Finding(W, "frame-empty", f"text frame {f.id} has no story", f"文本框 {f.id} 未放稿件",
                              page, f.id, "frame")
            elif f.story is not None and f.story not in ctx.issue.stories:
                yield Finding(E, "story-missing", f"text frame {f.id} names story {f.story}, which is not in the issue",
                              f"文本框 {f.id} 的稿件 {f.story} 不在本期文件中", page, f.id, "frame")
        elif isinstance(f, ImageFrame) and f.image is None:
            yield Finding(W, "frame-empty", f"image frame {f.id} has no image", f"图框 {f.id} 未放图片",
                          page, f.id, "frame")


def _bounds(f: Frame) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) in mm."""
    if isinstance(f, RuleFrame):
        return min(f.x1, f.x2), min(f.y1, f.y2), max(f.x1, f.x2), max(f.y1, f.y2)
    r = f.rect
    return r.x, r.y, r.right, r.bottom


def check_placement(ctx: Context) -> Iterator[Finding]:
    """Content within 5 mm of the trim (R41), or outside the layout's type area."""
    tol = TYPE_AREA_TOLERANCE_MM
    for page, f in _frames(ctx.issue):
        if f.id.startswith(FURNITURE_PREFIX):
            continue
        pg = ctx.issue.pages[page - 1]
        x0, y0, x1, y1 = _bounds(f)
        m = LIVE_MARGIN_MM
        if x0 < m - tol or y0 < m - tol or x1 > pg.width - m + tol or y1 > pg.height - m + tol:
            yield Finding(W, "frame-near-trim",
                          f"{f.kind} frame {f.id} reaches within {m:g} mm of the trim (R41)",
                          f"{_kind_zh(f)} {f.id} 距成品边不足 {m:g} mm（R41）", page, f.id, "frame")
            continue
        if ctx.type_area is None or ctx.layout_size is None:
            continue
        if abs(pg.width - ctx.layout_size[0]) > 0.5 or abs(pg.height - ctx.layout_size[1]) > 0.5:
            continue  # a page of another size: the layout's type area does not apply
        tx, ty, tw, th = ctx.type_area
        if x0 < tx - tol or y0 < ty - tol or x1 > tx + tw + tol or y1 > ty + th + tol:
            yield Finding(W, "frame-outside-type-area",
                          f"{f.kind} frame {f.id} extends outside the type area",
                          f"{_kind_zh(f)} {f.id} 超出版心", page, f.id, "frame")


def _kind_zh(f: Frame) -> str:
    return {"text": "文本框", "image": "图框", "rule": "线条", "box": "方框"}.get(f.kind, "对象")


# --------------------------------------------------------------------------- images


def _image_facts(data: bytes) -> _ImageFacts:
    from ..render.pdf_images import open_picture

    try:
        with open_picture(data) as im:  # (pictures over the pixel limit are refused unread)
            w, h = im.size
            mode = im.mode
            orientation = im.getexif().get(0x0112, 1)
            if im.format == "JPEG":
                im.draft(None, (max(1, w // 8), max(1, h // 8)))  # decode cheaply, but all of it
            im.load()
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for bad data
        return _ImageFacts(error=f"{type(exc).__name__}: {exc}")
    if orientation in (5, 6, 7, 8):
        w, h = h, w
    return _ImageFacts(w, h, mode)


def check_images(ctx: Context) -> Iterator[Finding]:
    for page, f in _frames(ctx.issue):
        if not isinstance(f, ImageFrame) or f.image is None:
            continue
        asset = ctx.issue.images.get(f.image)
        if asset is None:
            yield Finding(E, "image-missing", f"image {f.image[:12]} of frame {f.id} is not in the issue",
                          f"图框 {f.id} 的图片 {f.image[:12]} 不在本期文件中", page, f.id, "frame")
            continue
        name = asset.original_name or f.image[:12]
        facts = ctx.images.get(f.image)
        if facts is None:
            facts = ctx.images[f.image] = _image_facts(asset.data)
        if facts.error:
            yield Finding(E, "image-unreadable", f"image {name} of frame {f.id} cannot be read ({facts.error})",
                          f"图框 {f.id} 的图片 {name} 无法读取（{facts.error}）", page, f.id, "frame")
            continue
        placement = ctx.placements.get(f.id)
        if placement is not None and placement.iw > 0 and placement.ih > 0:
            ppi = min(facts.width * 72.0 / placement.iw, facts.height * 72.0 / placement.ih)
            if ppi < PPI_WARNING:
                sev = E if ppi < PPI_ERROR else W
                yield Finding(sev, "image-low-ppi",
                              f"image {name} in frame {f.id} has {ppi:.0f} ppi at its placed size "
                              f"(at least {PPI_WARNING:.0f} needed, R46)",
                              f"图框 {f.id} 的图片 {name} 按版面尺寸只有 {ppi:.0f} ppi"
                              f"（至少需 {PPI_WARNING:.0f} ppi，R46）",
                              page, f.id, "frame")
        if facts.mode not in ("CMYK", "L", "1", "I", "I;16", "F"):
            yield Finding(I, "image-rgb", f"image {name} in frame {f.id} is {facts.mode}: converted to CMYK at export",
                          f"图框 {f.id} 的图片 {name} 为 {facts.mode} 色彩，导出时转为 CMYK", page, f.id, "frame")


# --------------------------------------------------------------------------- the issue


def check_page_count(ctx: Context) -> Iterator[Finding]:
    n = len(ctx.issue.pages)
    if n % 4:
        yield Finding(W, "page-count",
                      f"{n} pages is not a multiple of 4: a folded paper needs 4, 8, 12 … pages (R42)",
                      f"共 {n} 版，不是 4 的倍数，印刷时需补空白版（R42）")


CHECKS: list[Callable[[Context], Iterable[Finding]]] = [
    check_page_count,
    check_overset,
    check_unplaced_stories,
    check_missing_glyphs,
    check_rich_black,
    check_empty_frames,
    check_images,
    check_placement,
    check_typeset_notes,
]


def _layout_geometry(name: str) -> tuple[tuple[float, float, float, float], tuple[float, float]] | None:
    from ..layouts import LayoutError, load_layout

    try:
        lay = load_layout(name)
    except (LayoutError, OSError, ValueError):
        return None
    return tuple(lay.type_area), (lay.page_width, lay.page_height)


def run_preflight(issue: Issue, typeset: DisplayDocument | None = None) -> list[Finding]:
    """Check the issue as the printing plant would; ``typeset`` is the issue's typeset
    result when the caller has one (else it is typeset here). Findings come sorted by
    page (issue-wide ones first), then severity."""
    if typeset is None:
        from ..pipeline import typeset_issue

        typeset = typeset_issue(issue)
    ctx = Context(issue, typeset)
    from ..typeset.display import ImagePlacement

    for page in typeset.pages:
        for item in page.items:
            if isinstance(item, ImagePlacement) and item.frame:
                ctx.placements.setdefault(item.frame, item)
    if issue.layout:
        geometry = _layout_geometry(issue.layout)
        if geometry is not None:
            ctx.type_area, ctx.layout_size = geometry
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(ctx))
    return sorted(findings, key=sort_key)


__all__ = ["CHECKS", "Context", "run_preflight"]
