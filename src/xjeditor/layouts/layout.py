"""The layout as data: the base grid, lengths on it, elements, masters and the
:class:`Layout` itself (with the style sheet its overrides make).

A layout gives the trim size, bleed, margins and the base grid (columns of whole body
characters, gutters in em, body size and line gap), which together fix the type area; the
page masters (front page with masthead, inner page with running head) with their furniture
elements and the default frames of a new page; the default section names; the paper's
standing data for a new issue; and paragraph-style overrides on top of
``default_stylesheet()``. Reading one from its file is :mod:`.parse`.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..model import (
    CMYK,
    Align,
    CharacterStyle,
    Kinsoku,
    PageKind,
    ParagraphStyle,
    PartKind,
    PunctStyle,
    StyleSheet,
    default_stylesheet,
    pt_to_mm,
)
from .errors import LayoutValueError
from .fields import FieldReader, Locator

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LIVE_MARGIN_MM = 5.0
#: The largest bleed a layout may ask for (newspapers use 0, sheet-fed jobs 3 mm).
MAX_BLEED_MM = 10.0
#: A column may differ from a whole number of body characters by this many em.
WHOLE_CHAR_TOLERANCE = 0.01
EPS = 1e-6



_TERM = re.compile(
    r"\s*([+-])?\s*(?:(\d+(?:\.\d+)?|\.\d+)\s*(mm|pt|em|lines?|cols?|columns?|gutters?)?|(full|rest))\s*"
)


@dataclass(frozen=True)
class BaseGrid:
    """The layout's base grid: body size, line pitch, columns and gutters."""

    body_size: float  # pt
    line_gap: float  # em
    columns: int
    column_chars: int  # body characters per column
    gutter_em: float  # em of the body size between columns
    lines: int  # body lines in the type area

    @property
    def em(self) -> float:
        """One body character in mm."""
        return pt_to_mm(self.body_size)

    @property
    def pitch(self) -> float:
        """Line pitch (body size plus line gap) in mm."""
        return pt_to_mm(self.body_size * (1.0 + self.line_gap))

    @property
    def column(self) -> float:
        return self.column_chars * self.em

    @property
    def gutter(self) -> float:
        return self.gutter_em * self.em

    @property
    def width(self) -> float:
        """Width of the type area in mm."""
        return self.columns * self.column + (self.columns - 1) * self.gutter

    @property
    def height(self) -> float:
        """Depth of the type area in mm: ``lines`` rows, the last with no gap below it."""
        return pt_to_mm(self.body_size + self.body_size * (1.0 + self.line_gap) * (self.lines - 1))

    def span(self, n: float) -> float:
        """Width of ``n`` columns with the gutters between them."""
        return n * self.column + max(0.0, n - 1) * self.gutter


def resolve_length(value: Any, grid: BaseGrid, full: float, start: float = 0.0) -> float:
    """A length in mm from a number (mm) or an expression of terms in mm, pt, em, lines,
    cols, gutters, ``full`` (the type area's extent on this axis) and ``rest`` (``full``
    less ``start``). Raises ValueError with a readable reason."""
    if isinstance(value, bool):
        raise ValueError("expected a length")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError("expected a finite length")
        return float(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a length (a number of mm or an expression such as \"3 lines\")")
    pos = 0
    total = 0.0
    first = True
    text = value.strip()
    while pos < len(text):
        m = _TERM.match(text, pos)
        if not m or m.end() == pos or (not first and not m.group(1)):
            raise ValueError(f"cannot read the length {value!r} at {text[pos:]!r}")
        sign = -1.0 if m.group(1) == "-" else 1.0
        if m.group(4):
            amount = full if m.group(4) == "full" else full - start
        else:
            n = float(m.group(2))
            unit = (m.group(3) or "mm").rstrip("s")
            if unit == "mm":
                amount = n
            elif unit == "pt":
                amount = pt_to_mm(n)
            elif unit == "em":
                amount = n * grid.em
            elif unit == "line":
                amount = n * grid.pitch
            elif unit in ("col", "column"):
                amount = grid.span(n)
            else:  # gutter
                amount = n * grid.gutter
        total += sign * amount
        first = False
        pos = m.end()
    return total


# --------------------------------------------------------------------------------------
# the layout
# --------------------------------------------------------------------------------------


@dataclass
class Element:
    """A furniture element or a default frame of a master, lengths resolved to mm in
    type-area coordinates (origin at the type area's top-left corner)."""

    kind: str  # text, rule, box, image
    id: str
    table: str  # where it is in the file, e.g. masters.front.elements[2]
    label: str = ""
    # text, box, image
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0
    # text (furniture)
    style: str = "running-head"
    part: PartKind = PartKind.PARAGRAPH
    text: str = ""  # the template source
    line_step: float = 0.0  # mm between stacked lines of a multi-line paragraph element
    # text (default frames)
    columns: int = 1
    gutter: float = 0.0
    headline_columns: int = 0
    vertical_rule: bool = False
    # rule
    x1: float = 0.0
    y1: float = 0.0
    x2: float = 0.0
    y2: float = 0.0
    width: float = 0.5  # rule width, pt
    color: CMYK | None = None
    # box
    stroke: float = 0.5
    fill: CMYK | None = None
    when: str = ""  # a jinja2 expression; the element is left out when it is false

    def bounds(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) in type-area coordinates."""
        if self.kind == "rule":
            return min(self.x1, self.x2), min(self.y1, self.y2), max(self.x1, self.x2), max(self.y1, self.y2)
        return self.x, self.y, self.x + self.w, self.y + self.h


@dataclass
class Master:
    """A page master: what every page of one kind carries (furniture) and starts with (frames)."""

    name: str
    kind: PageKind
    label: str = ""
    elements: list[Element] = field(default_factory=list)  # furniture, regenerated every time
    frames: list[Element] = field(default_factory=list)  # default frames of a new page


@dataclass
class Layout:
    """A page template (layout file): paper size, margins, grid, masters and furniture."""

    name: str
    path: Path
    description: str = ""
    page_width: float = 273.0  # mm, trim
    page_height: float = 390.0
    bleed: float = 0.0
    margin_top: float = 20.0
    margin_left: float = 15.0
    grid: BaseGrid = field(default_factory=lambda: BaseGrid(9.0, 0.5, 5, 14, 1.5, 73))
    sections: list[str] = field(default_factory=list)
    paper: dict[str, str] = field(default_factory=dict)  # name, sponsor, registration, address, printer
    editors: dict[str, str] = field(default_factory=dict)
    paragraph_styles: dict[str, dict[str, Any]] = field(default_factory=dict)  # raw overrides, by style
    character_styles: dict[str, dict[str, Any]] = field(default_factory=dict)
    masters: dict[str, Master] = field(default_factory=dict)
    templates: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)  # compiled, by (table, key)
    # the source each template is compiled from (a ``when`` expression already wrapped);
    # a layout from the cache has sources only, and compiles a template when it first needs it
    sources: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    _sheet: StyleSheet | None = field(default=None, repr=False)
    _locator: Locator | None = field(default=None, repr=False)

    # --- geometry ------------------------------------------------------------------
    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def type_area(self) -> tuple[float, float, float, float]:
        """(x, y, w, h) of the type area in mm from the trim's top-left corner."""
        return self.margin_left, self.margin_top, self.grid.width, self.grid.height

    @property
    def margins(self) -> tuple[float, float, float, float]:
        """(top, right, bottom, left) in mm between the trim and the type area."""
        x, y, w, h = self.type_area
        return y, self.page_width - x - w, self.page_height - y - h, x

    # --- styles --------------------------------------------------------------------
    def stylesheet(self) -> StyleSheet:
        """A fresh copy of the layout's style sheet: ``default_stylesheet()`` with the layout's
        overrides, the body style on the layout's grid."""
        return copy.deepcopy(self._shared_stylesheet())

    def _shared_stylesheet(self) -> StyleSheet:
        """The layout's own style sheet, not a copy: only to be read."""
        if self._sheet is None:
            self._sheet = _build_stylesheet(self)
        return self._sheet

    # --- masters -------------------------------------------------------------------
    def master(self, kind: PageKind | str) -> Master:
        """The master of that name, or the first master of that page kind."""
        if isinstance(kind, str) and kind in self.masters:
            return self.masters[kind]
        for m in self.masters.values():
            if m.kind == kind:
                return m
        raise LayoutValueError(f"the layout has no master for {str(kind)!r} pages",
                               f"版式没有 {str(kind)!r} 版面的母版", path=self.path)

    def master_for(self, page: Any) -> Master:
        """The master a page uses: the one its ``template`` names, else the one of its kind."""
        template = getattr(page, "template", "")
        if template and template in self.masters:
            return self.masters[template]
        return self.master(getattr(page, "kind", PageKind.INNER))

    def section(self, index: int) -> str:
        """The default section name of page ``index`` (0-based), or "" past the list."""
        return self.sections[index] if 0 <= index < len(self.sections) else ""

    # --- templates -----------------------------------------------------------------
    def line_of(self, table: str, key: str | None = None, line_in_value: int | None = None) -> int | None:
        if self._locator is None:
            return None
        if line_in_value is not None and key is not None:
            return self._locator.value_line(table, key, line_in_value)
        return self._locator.line(table, key)


def _build_stylesheet(layout: Layout) -> StyleSheet:
    """``default_stylesheet()`` with the layout's paragraph and character style overrides,
    the body style on the layout's grid."""
    rd = FieldReader(layout.path, "")
    if layout._locator is not None:
        rd.locator = layout._locator
    sheet = default_stylesheet()
    for name, spec in layout.paragraph_styles.items():
        sheet.add(_paragraph_style(rd, sheet, name, spec))
    _body_on_grid(rd, sheet, layout)
    for name, spec in layout.character_styles.items():
        sheet.add(_character_style(rd, sheet, name, spec))
    return sheet


def _paragraph_style(rd: FieldReader, sheet: StyleSheet, name: str, spec: dict[str, Any]) -> ParagraphStyle:
    """A paragraph style: its base (``based_on``, the style of that name, else body) with
    the overrides of ``[styles.<name>]``."""
    table = f"styles.{name}"
    base_name = spec.get("based_on", name if name in sheet.paragraph else "body")
    base = sheet.paragraph.get(base_name)
    if base is None:
        raise rd.fail(table, "based_on", f"no paragraph style {base_name!r}", f"没有段落样式 {base_name!r}")
    if name not in sheet.paragraph and "label" not in spec:
        raise rd.fail(table, "label", "a new style needs a label (the name editors see)",
                      "新样式须有 label（编辑看到的名称）")
    style = copy.deepcopy(base)
    style.name = name
    for key in spec:
        if key != "based_on":
            _set_paragraph_field(rd, style, spec, table, key)
    return style


def _set_paragraph_field(rd: FieldReader, style: ParagraphStyle, spec: dict[str, Any], table: str, key: str) -> None:
    if key == "label":
        style.label = rd.string(spec, table, key)
    elif key == "font":
        style.font = rd.string(spec, table, key)
    elif key == "size":
        style.size = rd.size(spec, table, key)
    elif key in ("line_gap", "indent", "han_latin_space", "tracking", "space_before", "space_after"):
        setattr(style, key, rd.number(spec, table, key, minimum=-10.0, maximum=100.0))
    elif key == "align":
        style.align = Align(rd.choice(spec, table, key, tuple(a.value for a in Align), "justify"))
    elif key == "punct":
        style.punct = PunctStyle(rd.choice(spec, table, key, tuple(p.value for p in PunctStyle), "house"))
    elif key == "kinsoku":
        style.kinsoku = Kinsoku(rd.choice(spec, table, key, tuple(k.value for k in Kinsoku), "gb"))
    elif key == "color":
        style.color = rd.color(spec, table, key, style.color)
    elif key == "max_lines":
        style.max_lines = rd.integer(spec, table, key, maximum=9999)


def _body_on_grid(rd: FieldReader, sheet: StyleSheet, layout: Layout) -> None:
    """The body style takes the grid's body size and line gap; a body override that
    says otherwise is an error."""
    body = sheet.paragraph["body"]
    if abs(body.size - layout.grid.body_size) > EPS or abs(body.line_gap - layout.grid.line_gap) > EPS:
        if "body" in layout.paragraph_styles and ("size" in layout.paragraph_styles["body"]
                                                  or "line_gap" in layout.paragraph_styles["body"]):
            raise rd.fail("styles.body", "size", "the body style must match [grid] body_size and line_gap",
                          "正文样式须与 [grid] 的 body_size、line_gap 一致")
        body.size = layout.grid.body_size
        body.line_gap = layout.grid.line_gap


def _character_style(rd: FieldReader, sheet: StyleSheet, name: str, spec: dict[str, Any]) -> CharacterStyle:
    """A character style: the one of that name (or a new one) with the overrides of
    ``[character_styles.<name>]``."""
    table = f"character_styles.{name}"
    cstyle = copy.deepcopy(sheet.character.get(name)) or CharacterStyle(name, name)
    if name not in sheet.character and "label" not in spec:
        raise rd.fail(table, "label", "a new style needs a label", "新样式须有 label")
    if "label" in spec:
        cstyle.label = rd.string(spec, table, "label")
    if "font" in spec:
        cstyle.font = rd.string(spec, table, "font")
    if "size" in spec:
        cstyle.size = rd.size(spec, table, "size")
    if "color" in spec:
        cstyle.color = rd.color(spec, table, "color", None)
    return cstyle
