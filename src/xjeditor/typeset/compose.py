"""The paragraph composer: public entry point.

``compose_paragraph(runs, measure, opts)`` sets one paragraph at a measure (a width in
points, or a callable ``line index -> width`` for text running around images) and returns
its lines: source ranges, widths, and glyph x positions per run segment, ready to become
display-list ``GlyphRun``s. Pure Python; fonts come in as ``FontMetrics``.

Stages (one module each, see docs/TYPESETTING.md): ``charclass`` (class tables) →
``segment`` (per-character arrays: units, punctuation widths, glue, 避头尾) →
``linebreak`` (greedy breaks, push-in/push-out, 孤字, justification, positions) → here
(runs, caching, result objects).

Results are cached per (runs, measure, options), so recomposing a story after an edit
only recomposes the paragraph that changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from ..model.styles import Align, Kinsoku, ParagraphStyle, PunctStyle
from .linebreak import FORCED, HANG, break_lines, fix_orphan, place_line
from .metrics import SyntheticMetrics
from .punct import HOUSE_STYLE, PROFILES, profile
from .segment import prepare

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .metrics import FontMetrics

__all__ = ["Run", "ComposeOptions", "Segment", "ComposedLine", "ComposedParagraph",
           "compose_paragraph", "compose_text", "clear_cache", "HOUSE_STYLE"]

_DEFAULT_METRICS = SyntheticMetrics()
_KINSOKU_LEVELS = ("none", "basic", "gb", "strict")
_ALIGNS = ("justify", "left", "center", "right")


# The classes here are created per paragraph and per line, so they are plain slotted
# dataclasses: a frozen dataclass's __init__ costs ten times as much. Treat them as
# immutable all the same: composed paragraphs are cached and shared. ``Run`` and
# ``ComposeOptions`` are cache keys, hence hashable.


@dataclass(slots=True, unsafe_hash=True)
class Run:
    """A piece of a paragraph in one font and size. ``metrics`` None = SyntheticMetrics."""

    text: str
    font: str = "song"
    size: float = 9.0
    metrics: FontMetrics | None = field(default=None, compare=True)


@dataclass(slots=True, unsafe_hash=True)
class ComposeOptions:
    """How a paragraph is composed: punctuation style, kinsoku, indent, spacing, alignment."""

    punct: str = "house"  # PunctStyle value, or a variant such as "kaiming-end"
    kinsoku: str = "gb"  # none | basic | gb | strict (R3)
    indent: float = 0.0  # first-line indent, em of the first run's size (R24)
    han_latin: float = 0.25  # em between Han and Latin/digits (R19); 0 sets them solid
    align: str = "justify"  # justify | left | center | right
    justify_last: bool = False  # justify the last line too (R22 says no)
    avoid_orphans: bool = True  # R29
    hanging: bool = False  # R15: hang one 、，。 past the measure

    def __post_init__(self) -> None:
        for name, ok in (("punct", PROFILES), ("kinsoku", _KINSOKU_LEVELS), ("align", _ALIGNS)):
            v = str(getattr(self, name))
            if v not in ok:
                raise ValueError(f"{name}={v!r} is not one of {', '.join(ok)}")
            setattr(self, name, v)

    @classmethod
    def from_style(cls, style: ParagraphStyle) -> ComposeOptions:
        return cls(punct=str(style.punct), kinsoku=str(style.kinsoku), indent=style.indent,
                   han_latin=style.han_latin_space, align=str(style.align))

    def with_(self, **changes: Any) -> ComposeOptions:
        return replace(self, **changes)


@dataclass(slots=True)
class Segment:
    """The characters of one run on one line: ``text[i]`` is drawn at ``xs[i]`` from the
    line start (compression offsets, justification, spacing and indent included)."""

    font: str
    size: float
    text: str
    xs: tuple[float, ...]
    start: int  # offset of text[0] in the paragraph


@dataclass(slots=True)
class ComposedLine:
    """One composed line: its characters, widths, segments and warnings."""

    start: int  # offsets into the paragraph text; spaces at the line edges are left out
    end: int
    text: str
    natural_width: float  # points, set solid (after line-edge trimming and compression)
    width: float  # points, as set (the measure for a justified line)
    measure: float
    loose: bool
    segments: tuple[Segment, ...]
    warnings: tuple[str, ...] = ()
    justified: bool = False


@dataclass(slots=True)
class ComposedParagraph:
    """A paragraph broken into composed lines."""

    text: str
    lines: tuple[ComposedLine, ...]
    orphan: bool = False  # R29 could not be met
    warnings: tuple[str, ...] = ()


Measure = float | int | Sequence[float] | Callable[[int], float]

_CACHE: dict[tuple, ComposedParagraph] = {}
_CACHE_MAX = 4096


def clear_cache() -> None:
    _CACHE.clear()


def _measure_fn(measure: Measure) -> Callable[[int], float]:
    if callable(measure):
        return measure
    if isinstance(measure, (int, float)):
        m = float(measure)
        return lambda i: m
    seq = tuple(float(x) for x in measure)
    if not seq:
        raise ValueError("empty measure sequence")
    last = seq[-1]
    return lambda i: seq[i] if i < len(seq) else last


def compose_paragraph(runs: Sequence[Run] | Run | str, measure: Measure,
                      opts: ComposeOptions | None = None) -> ComposedParagraph:
    """Compose one paragraph. ``measure`` in points: a number, a sequence (one width per
    line, the last repeated) or a callable ``line index -> width``."""
    if opts is None:
        opts = _DEFAULT_OPTS
    if isinstance(runs, str):
        runs = (Run(runs),)
    elif isinstance(runs, Run):
        runs = (runs,)
    else:
        runs = tuple(runs)
    key = None
    if not callable(measure):
        mkey = measure if isinstance(measure, (int, float)) else tuple(measure)
        key = (runs, mkey, opts)
        got = _CACHE.get(key)
        if got is not None:
            return got
    result = _compose(runs, measure, opts)
    if key is not None:
        if len(_CACHE) >= _CACHE_MAX:
            del _CACHE[next(iter(_CACHE))]
        _CACHE[key] = result
    return result


_DEFAULT_OPTS = ComposeOptions()


def _compose(runs: tuple[Run, ...], measure: Measure, opts: ComposeOptions) -> ComposedParagraph:
    runs = tuple(r for r in runs if r.text)
    if not runs:
        return ComposedParagraph("", ())
    text = "".join(r.text for r in runs) if len(runs) > 1 else runs[0].text
    spans = []
    pos = 0
    for r in runs:
        spans.append((pos, pos + len(r.text), float(r.size),
                      r.metrics if r.metrics is not None else _DEFAULT_METRICS))
        pos += len(r.text)
    prof = profile(opts.punct)
    P = prepare(text, spans, prof, opts.kinsoku, opts.han_latin)
    mfn = _measure_fn(measure)
    indent = opts.indent * runs[0].size
    specs = break_lines(P, mfn, indent, hanging=opts.hanging)
    orphan = False
    if opts.avoid_orphans and specs:
        orphan = fix_orphan(P, specs, mfn)
    justify_all = opts.align == "justify"
    last_i = len(specs) - 1
    lines = []
    para_warn: list[str] = []
    single = len(runs) == 1
    r0 = runs[0]
    align, justify_last = opts.align, opts.justify_last
    for i, ln in enumerate(specs):
        justify = justify_all and ln.kind != FORCED and (i < last_i or justify_last)
        xs, natural, width, loose = place_line(P, ln, justify, align)
        s, te = ln.s, ln.te
        line_text = text[s:te]
        if single:
            segs = (Segment(r0.font, r0.size, line_text, tuple(xs), s),)
        else:
            segs = []
            for r, (a, b, _, _) in zip(runs, spans):
                lo, hi = max(a, s), min(b, te)
                if lo < hi:
                    segs.append(Segment(r.font, r.size, text[lo:hi], tuple(xs[lo - s:hi - s]), lo))
            segs = tuple(segs)
        warns: tuple[str, ...] = ()
        if ln.warn or loose or (i == last_i and orphan) or (width > ln.measure + 0.01 and ln.kind != HANG):
            warns = _line_warnings(ln, width, loose, justify, i == last_i and orphan)
            para_warn.extend(f"line {i + 1}: {w}" for w in warns)
        lines.append(ComposedLine(s, te, line_text, natural, width, ln.measure, loose, segs, warns, justify))
    return ComposedParagraph(text, tuple(lines), orphan, tuple(para_warn))


def _line_warnings(ln, width: float, loose: bool, justify: bool, orphan: bool) -> tuple[str, ...]:
    warns = []
    if ln.warn:
        warns.append(ln.warn)
    if width > ln.measure + 0.01 and ln.kind != HANG:
        if not ln.warn:
            warns.append("overfull line")
    if loose:
        warns.append("loose line")
        if justify and width < ln.measure - 0.01:
            warns.append("cannot justify: no gap to stretch")
    if orphan:
        warns.append("孤字: the last line holds a single character (删字/加字)")
    return tuple(warns)


def compose_text(text: str, measure_em: float, *, size: float = 9.0, font: str = "song",
                 metrics: FontMetrics | None = None,
                 opts: ComposeOptions | None = None) -> ComposedParagraph:
    """Convenience: one run, measure in em of ``size``."""
    return compose_paragraph((Run(text, font, size, metrics),), measure_em * size, opts)


# Names kept in step with the model's enums.
assert {str(p) for p in PunctStyle} <= set(PROFILES)
assert {str(k) for k in Kinsoku} == set(_KINSOKU_LEVELS)
assert {str(a) for a in Align} == set(_ALIGNS)
