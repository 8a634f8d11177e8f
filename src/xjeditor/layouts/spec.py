"""Layout templates: TOML data files describing a paper's pages (docs/LAYOUTS.md).

A layout gives the trim size, bleed, margins and the base grid (columns of whole body
characters, gutters in em, body size and line gap), which together fix the type area; the
page masters (front page with masthead, inner page with running head) with their furniture
elements and the default frames of a new page; the default section names; the paper's
standing data for a new issue; and paragraph-style overrides on top of
``default_stylesheet()``.

Loading reads the file, resolves every length to millimetres, compiles every template and
checks the result (:func:`validate_layout`); any problem raises a :class:`LayoutError`
naming the file and, where it can be found, the line.
"""

from __future__ import annotations

import copy
import datetime as _dt
import math
import os
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..model import (
    CMYK,
    Align,
    CharacterStyle,
    Kinsoku,
    PageKind,
    PartKind,
    PunctStyle,
    StyleSheet,
    default_stylesheet,
    pt_to_mm,
    zihao_to_pt,
)
from .cnformat import FILTERS
from .errors import LayoutError, LayoutFileError, LayoutTemplateError, LayoutValueError, UnknownLayoutError

TYPE_CHECKING = False
if TYPE_CHECKING:  # jinja2 is imported when a template is compiled or rendered
    from typing import Any

    import jinja2

#: Live content keeps at least this far inside the trim (spec R41).
LIVE_MARGIN_MM = 5.0
#: The largest bleed a layout may ask for (newspapers use 0, sheet-fed jobs 3 mm).
MAX_BLEED_MM = 10.0
#: A column may differ from a whole number of body characters by this many em.
WHOLE_CHAR_TOLERANCE = 0.01
_EPS = 1e-6


_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


# --------------------------------------------------------------------------------------
# where things are in the file (tomllib keeps no positions)
# --------------------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=\s*(.*)$""")


class _Locator:
    """Maps (table path, key) to 1-based line numbers of a TOML file's text.

    Table paths are written as the loader names them: ``grid``, ``styles.masthead``,
    ``masters.front.elements[2]`` (array-of-tables entries counted from 0). Keys given as
    dotted keys or inside inline tables are not located; callers then fall back to the
    table's header line or to no line at all.
    """

    def __init__(self, text: str) -> None:
        self.tables: dict[str, int] = {}
        self.keys: dict[tuple[str, str], tuple[int, int]] = {}  # -> (line, first value line offset)
        counts: dict[str, int] = {}
        table = ""
        lines = text.splitlines()
        i = 0
        while i < len(lines):
            raw = lines[i]
            m = _HEADER.match(raw)
            if m and not raw.lstrip().startswith("#"):
                name = ".".join(part.strip().strip("\"'") for part in m.group(2).split("."))
                if m.group(1) == "[[":
                    n = counts.get(name, 0)
                    counts[name] = n + 1
                    table = f"{name}[{n}]"
                else:
                    table = name
                self.tables.setdefault(table, i + 1)
                i += 1
                continue
            k = _KEY.match(raw)
            if k:
                key = k.group(1).strip("\"'")
                value = k.group(2)
                offset = 0
                for quote in ('"""', "'''"):
                    if value.startswith(quote):
                        rest = value[3:]
                        if rest.strip() == "":
                            offset = 1  # TOML drops the newline right after the opening quotes
                        if quote not in rest:  # runs on: skip to the closing quotes
                            j = i + 1
                            while j < len(lines) and quote not in lines[j]:
                                j += 1
                            self.keys.setdefault((table, key), (i + 1, offset))
                            i = j + 1
                            break
                else:
                    self.keys.setdefault((table, key), (i + 1, offset))
                    i += 1
                    continue
                continue
            i += 1

    def line(self, table: str, key: str | None = None) -> int | None:
        if key is not None and (table, key) in self.keys:
            return self.keys[(table, key)][0]
        return self.tables.get(table)

    def value_line(self, table: str, key: str, line_in_value: int) -> int | None:
        """The file line of line ``line_in_value`` (1-based) of a string value."""
        found = self.keys.get((table, key))
        if found is None:
            return self.tables.get(table)
        return found[0] + found[1] + max(0, line_in_value - 1)


class _Reader:
    """Typed access to the parsed TOML with errors that name file, line and field."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.locator = _Locator(text)

    def fail(self, table: str, key: str | None, message: str, message_zh: str) -> LayoutValueError:
        where = f"{table}.{key}" if table and key else (table or key or "")
        return LayoutValueError(f"{where}: {message}" if where else message,
                                f"{where}：{message_zh}" if where else message_zh,
                                path=self.path, line=self.locator.line(table, key))

    def table(self, data: dict[str, Any], table: str, key: str, *, required: bool = True) -> dict[str, Any]:
        value = data.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            name = f"{table}.{key}" if table else key
            raise self.fail("", name, "missing table" if value is None else "expected a table",
                            "缺少该表" if value is None else "应为表")
        return value

    def known(self, data: dict[str, Any], table: str, allowed: tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                raise self.fail(table, key, f"unknown field (known: {', '.join(allowed)})",
                                f"未知字段（可用字段：{', '.join(allowed)}）")

    def string(self, data: dict[str, Any], table: str, key: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(table, key, "missing" if value is None else "expected a string",
                            "缺少该字段" if value is None else "应为字符串")
        return value

    def number(self, data: dict[str, Any], table: str, key: str, default: float | None = None, *,
               minimum: float | None = None, maximum: float | None = None) -> float:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(table, key, "missing" if value is None else "expected a number",
                            "缺少该字段" if value is None else "应为数字")
        if minimum is not None and value < minimum or maximum is not None and value > maximum:
            raise self.fail(table, key, f"{value:g} is outside {minimum:g}..{maximum:g}" if maximum is not None
                            else f"{value:g} is below {minimum:g}",
                            f"{value:g} 超出范围 {minimum:g}..{maximum:g}" if maximum is not None
                            else f"{value:g} 小于 {minimum:g}")
        return float(value)

    def integer(self, data: dict[str, Any], table: str, key: str, default: int | None = None, *,
                minimum: int = 0, maximum: int = 10**6) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(table, key, "missing" if value is None else "expected a whole number",
                            "缺少该字段" if value is None else "应为整数")
        if not minimum <= value <= maximum:
            raise self.fail(table, key, f"{value} is outside {minimum}..{maximum}",
                            f"{value} 超出范围 {minimum}..{maximum}")
        return value

    def boolean(self, data: dict[str, Any], table: str, key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(table, key, "expected true or false", "应为 true 或 false")
        return value

    def size(self, data: dict[str, Any], table: str, key: str, default: float | None = None) -> float:
        """A type size: points, or a 号 name such as ``"小五"``."""
        value = data.get(key, default)
        if isinstance(value, str):
            try:
                return zihao_to_pt(value.strip())
            except KeyError:
                raise self.fail(table, key, f"unknown 字号 {value!r}", f"未知字号 {value!r}") from None
        return self.number(data, table, key, default, minimum=1.0, maximum=1000.0)

    def color(self, data: dict[str, Any], table: str, key: str, default: CMYK | None) -> CMYK | None:
        value = data.get(key)
        if value is None:
            return default
        if (not isinstance(value, list) or len(value) != 4
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
            raise self.fail(table, key, "expected [c, m, y, k] with each channel 0..1",
                            "应为 [c, m, y, k]，各通道取值 0..1")
        try:
            return CMYK(*(float(v) for v in value))
        except ValueError as exc:
            raise self.fail(table, key, str(exc), f"颜色通道超出 0..1：{value}") from None

    def choice(self, data: dict[str, Any], table: str, key: str, options: tuple[str, ...], default: str) -> str:
        value = data.get(key, default)
        if value not in options:
            raise self.fail(table, key, f"expected one of {', '.join(options)}", f"应为以下之一：{', '.join(options)}")
        return value


# --------------------------------------------------------------------------------------
# lengths: "16 lines", "3 cols + 1 gutter", "rest - 2 mm", 12.5 (mm)
# --------------------------------------------------------------------------------------

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
    _locator: _Locator | None = field(default=None, repr=False)

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


_PSTYLE_FIELDS = ("based_on", "label", "font", "size", "line_gap", "indent", "align", "punct", "kinsoku",
                  "han_latin_space", "tracking", "color", "space_before", "space_after", "max_lines")
_CSTYLE_FIELDS = ("label", "font", "size", "color")
_ELEMENT_FIELDS = {
    "text": ("kind", "id", "label", "x", "y", "w", "h", "style", "part", "text", "line_step", "when",
             "columns", "gutter", "headline_columns", "vertical_rule"),
    "rule": ("kind", "id", "label", "x1", "y1", "x2", "y2", "width", "color", "when"),
    "box": ("kind", "id", "label", "x", "y", "w", "h", "stroke", "color", "fill", "when"),
    "image": ("kind", "id", "label", "x", "y", "w", "h", "when"),
}


def _build_stylesheet(layout: Layout) -> StyleSheet:
    rd = _Reader(layout.path, "")
    if layout._locator is not None:
        rd.locator = layout._locator
    sheet = default_stylesheet()
    for name, spec in layout.paragraph_styles.items():
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
            if key == "based_on":
                continue
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
        sheet.add(style)
    body = sheet.paragraph["body"]
    if abs(body.size - layout.grid.body_size) > _EPS or abs(body.line_gap - layout.grid.line_gap) > _EPS:
        if "body" in layout.paragraph_styles and ("size" in layout.paragraph_styles["body"]
                                                  or "line_gap" in layout.paragraph_styles["body"]):
            raise rd.fail("styles.body", "size", "the body style must match [grid] body_size and line_gap",
                          "正文样式须与 [grid] 的 body_size、line_gap 一致")
        body.size = layout.grid.body_size
        body.line_gap = layout.grid.line_gap
    for name, spec in layout.character_styles.items():
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
        sheet.add(cstyle)
    return sheet


# --------------------------------------------------------------------------------------
# templates
# --------------------------------------------------------------------------------------


def make_environment() -> jinja2.Environment:
    """The jinja2 environment of layout templates: undefined names are errors, and the
    templates run sandboxed (``ImmutableSandboxedEnvironment``: no attributes starting
    with ``_``, no calls that change a value), since a layout is a file from elsewhere."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                                        keep_trailing_newline=False)
    env.filters.update(FILTERS)
    env.globals.update(FILTERS)
    return env


_ENV_MADE: jinja2.Environment | None = None
_ENV_LOCK = threading.Lock()


def _env() -> jinja2.Environment:
    """The shared environment, made (and jinja2 imported) on first use."""
    global _ENV_MADE
    env = _ENV_MADE
    if env is None:
        with _ENV_LOCK:
            if _ENV_MADE is None:
                _ENV_MADE = make_environment()
            env = _ENV_MADE
    return env


def template_label(path: Path, table: str, key: str) -> str:
    """The name a template goes by in tracebacks: ``<file>#<table>.<key>``."""
    return f"{path}#{table}.{key}"


def _compile(layout: Layout, table: str, key: str, source: str, *, expression: bool = False) -> None:
    if expression:
        source = "{{ (" + source + ") and 'yes' or '' }}"
    _build(layout, table, key, source, expression)
    layout.sources[(table, key)] = source


def _build(layout: Layout, table: str, key: str, source: str, expression: bool) -> Any:
    """Compile one template (``source`` as given to jinja2) into ``layout.templates``."""
    label = template_label(layout.path, table, key)
    env = _env()
    import jinja2

    try:
        code = env.compile(source, name=label, filename=label)
    except jinja2.TemplateSyntaxError as exc:
        line = layout.line_of(table, key, exc.lineno if not expression else None)
        raise LayoutTemplateError(
            f"{table}.{key}: template syntax error: {exc.message}",
            f"{table}.{key}：模板语法错误：{exc.message}",
            path=layout.path, line=line,
        ) from None
    template = env.template_class.from_code(env, code, env.make_globals(None))
    layout.templates[(table, key)] = template
    return template


def render_template(layout: Layout, table: str, key: str, context: dict[str, Any]) -> str:
    """Render one template; errors become :class:`LayoutTemplateError` with the line."""
    label = template_label(layout.path, table, key)
    template = layout.templates.get((table, key))
    if template is None:
        template = _build(layout, table, key, layout.sources[(table, key)], key == "when")
    try:
        text = template.render(context)
    except Exception as exc:  # noqa: BLE001 - any failure inside a template is the layout's error
        import jinja2

        lineno = None
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == label:
                lineno = tb.tb_lineno
            tb = tb.tb_next
        is_expr = key == "when"
        line = layout.line_of(table, key, None if is_expr else (lineno or 1))
        if isinstance(exc, jinja2.UndefinedError):
            what, what_zh = f"undefined variable: {exc.message}", f"未定义的变量：{exc.message}"
        elif isinstance(exc, jinja2.exceptions.SecurityError):
            what, what_zh = f"not allowed in a layout template: {exc}", f"版式模板中不允许：{exc}"
        else:
            what, what_zh = f"{type(exc).__name__}: {exc}", f"{type(exc).__name__}：{exc}"
        raise LayoutTemplateError(f"{table}.{key}: {what}", f"{table}.{key}：{what_zh}",
                                  path=layout.path, line=line) from None
    return text


# --------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------


def _text_of(data: bytes) -> str:
    """A file's bytes as ``read_text(encoding="utf-8")`` gives them: UTF-8 with universal
    newlines. Raises UnicodeDecodeError."""
    text = data.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _parse(path: Path, text: str | None = None) -> Layout:
    """Parse a layout file (or its ``text``, already read); every template is compiled."""
    import tomllib

    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise LayoutFileError(f"cannot read the layout file: {reason}", f"无法读取版式文件：{reason}",
                                  path=path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+)", str(exc))
        raise LayoutFileError(f"not valid TOML: {exc}", f"不是有效的 TOML：{exc}", path=path,
                              line=int(m.group(1)) if m else None) from None
    rd = _Reader(path, text)
    rd.known(data, "", ("name", "description", "sections", "paper", "page", "margins", "grid", "styles",
                        "character_styles", "masters"))
    layout = Layout(name=rd.string(data, "", "name"), path=path, _locator=rd.locator)
    if not layout.name.strip():
        raise rd.fail("", "name", "must not be empty", "不能为空")
    layout.description = rd.string(data, "", "description", "")
    sections = data.get("sections", [])
    if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
        raise rd.fail("", "sections", "expected a list of section names", "应为版名列表")
    layout.sections = list(sections)

    paper = rd.table(data, "", "paper", required=False)
    rd.known(paper, "paper", ("name", "sponsor", "registration", "address", "printer", "editors"))
    layout.paper = {key: rd.string(paper, "paper", key, "") for key in
                    ("name", "sponsor", "registration", "address", "printer")}
    editors = rd.table(paper, "paper", "editors", required=False)
    layout.editors = {role: rd.string(editors, "paper.editors", role) for role in editors}

    page = rd.table(data, "", "page")
    rd.known(page, "page", ("width", "height", "bleed"))
    layout.page_width = rd.number(page, "page", "width", minimum=50.0, maximum=2000.0)
    layout.page_height = rd.number(page, "page", "height", minimum=50.0, maximum=2000.0)
    layout.bleed = rd.number(page, "page", "bleed", 0.0, minimum=0.0, maximum=MAX_BLEED_MM)

    g = rd.table(data, "", "grid")
    rd.known(g, "grid", ("body_size", "line_gap", "columns", "column_chars", "gutter", "lines"))
    layout.grid = BaseGrid(
        rd.size(g, "grid", "body_size"),
        rd.number(g, "grid", "line_gap", 0.5, minimum=0.0, maximum=3.0),
        rd.integer(g, "grid", "columns", minimum=1, maximum=30),
        rd.integer(g, "grid", "column_chars", minimum=1, maximum=200),
        rd.number(g, "grid", "gutter", 1.0, minimum=0.0, maximum=10.0),
        rd.integer(g, "grid", "lines", minimum=1, maximum=1000),
    )

    margins = rd.table(data, "", "margins")
    rd.known(margins, "margins", ("top", "left"))
    layout.margin_top = rd.number(margins, "margins", "top", minimum=0.0, maximum=layout.page_height)
    if "left" in margins:
        layout.margin_left = rd.number(margins, "margins", "left", minimum=0.0, maximum=layout.page_width)
    else:  # centred
        layout.margin_left = round((layout.page_width - layout.grid.width) / 2.0, 4)

    styles = rd.table(data, "", "styles", required=False)
    for name, spec in styles.items():
        if not isinstance(spec, dict):
            raise rd.fail("styles", name, "expected a table", "应为表")
        rd.known(spec, f"styles.{name}", _PSTYLE_FIELDS)
        layout.paragraph_styles[name] = spec
    cstyles = rd.table(data, "", "character_styles", required=False)
    for name, spec in cstyles.items():
        if not isinstance(spec, dict):
            raise rd.fail("character_styles", name, "expected a table", "应为表")
        rd.known(spec, f"character_styles.{name}", _CSTYLE_FIELDS)
        layout.character_styles[name] = spec

    masters = rd.table(data, "", "masters")
    for name, spec in masters.items():
        table = f"masters.{name}"
        if not isinstance(spec, dict):
            raise rd.fail("masters", name, "expected a table", "应为表")
        rd.known(spec, table, ("kind", "label", "elements", "frames"))
        kind_default = name if name in tuple(k.value for k in PageKind) else None
        kind = rd.choice(spec, table, "kind", tuple(k.value for k in PageKind), kind_default or "")
        master = Master(name, PageKind(kind), rd.string(spec, table, "label", ""))
        for key, target in (("elements", master.elements), ("frames", master.frames)):
            entries = spec.get(key, [])
            if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
                raise rd.fail(table, key, "expected an array of tables ([[...]])", "应为表数组（[[...]]）")
            seen: dict[str, Element] = {}
            for i, entry in enumerate(entries):
                el = _element(rd, layout, f"{table}.{key}[{i}]", entry, furniture=key == "elements")
                other = seen.get(el.id)
                # two variants of one element (say the folio of even and of odd pages) may
                # share an id when both have a condition
                if other is not None and not (el.when and other.when and key == "elements"):
                    raise rd.fail(el.table, "id", f"duplicate id {el.id!r}", f"id {el.id!r} 重复")
                seen[el.id] = el
                target.append(el)
        layout.masters[name] = master
    return layout


def _element(rd: _Reader, layout: Layout, table: str, entry: dict[str, Any], *, furniture: bool) -> Element:
    kind = rd.choice(entry, table, "kind", tuple(_ELEMENT_FIELDS), "text")
    if not furniture and kind == "text" and ("text" in entry or "style" in entry):
        raise rd.fail(table, "text", "default frames hold no text (furniture goes in [[...elements]])",
                      "默认框不含文字（报头、报眉等请写在 [[...elements]] 中）")
    rd.known(entry, table, _ELEMENT_FIELDS[kind])
    default_id = f"{kind}{table.rsplit('[', 1)[1].rstrip(']')}"
    el = Element(kind=kind, id=rd.string(entry, table, "id", default_id), table=table)
    if not _ID.fullmatch(el.id):
        raise rd.fail(table, "id", "expected letters, digits, '-' or '_' (not starting with '_' or '-')",
                      "只能由字母、数字、“-”、“_”组成（不能以“_”或“-”开头）")
    el.label = rd.string(entry, table, "label", "")
    grid = layout.grid
    tw, th = grid.width, grid.height

    def length(key: str, default: Any, full: float, start: float = 0.0) -> float:
        value = entry.get(key, default)
        if value is None:
            raise rd.fail(table, key, "missing", "缺少该字段")
        try:
            return round(resolve_length(value, grid, full, start), 4)
        except ValueError as exc:
            raise rd.fail(table, key, str(exc), f"无法识别的长度 {value!r}") from None

    if kind == "rule":
        el.x1 = length("x1", 0.0, tw)
        el.y1 = length("y1", None, th)
        el.x2 = length("x2", "full", tw)
        el.y2 = length("y2", entry.get("y1"), th)
        el.width = rd.number(entry, table, "width", 0.5, minimum=0.0, maximum=72.0)
        el.color = rd.color(entry, table, "color", None)
    else:
        el.x = length("x", 0.0, tw)
        el.y = length("y", 0.0, th)
        el.w = length("w", "rest", tw, el.x)
        el.h = length("h", "1 line" if furniture and kind == "text" else "rest", th, el.y)
        if el.w <= 0 or el.h <= 0:
            raise rd.fail(table, "w" if el.w <= 0 else "h", "the element has no area", "元素面积为零")
    if kind == "box":
        el.stroke = rd.number(entry, table, "stroke", 0.5, minimum=0.0, maximum=72.0)
        el.color = rd.color(entry, table, "color", None)
        el.fill = rd.color(entry, table, "fill", None)
    if kind == "text" and furniture:
        el.style = rd.string(entry, table, "style", "running-head")
        el.part = PartKind(rd.choice(entry, table, "part", (PartKind.PARAGRAPH.value, PartKind.TITLE.value),
                                     PartKind.PARAGRAPH.value))
        el.text = rd.string(entry, table, "text")
        el.line_step = length("line_step", "1 line", th)
        _compile(layout, table, "text", el.text)
    elif kind == "text":
        el.columns = rd.integer(entry, table, "columns", grid.columns, minimum=1, maximum=99)
        el.gutter = round(rd.number(entry, table, "gutter", grid.gutter_em, minimum=0.0, maximum=10.0) * grid.em, 4)
        el.headline_columns = rd.integer(entry, table, "headline_columns", 0, minimum=0, maximum=el.columns)
        el.vertical_rule = rd.boolean(entry, table, "vertical_rule", False)
    elif furniture and kind == "image":
        raise rd.fail(table, "kind", "image frames can only be default frames, not furniture",
                      "图片框只能作为默认框，不能作为版面固定元素")
    if "when" in entry:
        el.when = rd.string(entry, table, "when")
        _compile(layout, table, "when", el.when, expression=True)
    return el


# --------------------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------------------

#: Issue data used to try every template once when a layout is loaded.
SAMPLE_ISSUE: dict[str, Any] = {
    "paper": "新泾镇社区晨报",
    "number": 152,
    "total_number": 1234,
    "date": _dt.date(2021, 1, 15),
    "sponsor": "主办单位",
    "registration": "内部资料 免费交流",
    "address": "编辑部地址",
    "printer": "印刷单位",
    "editors": {"主编": "某某"},
}


def validate_layout(layout: Layout) -> list[LayoutError]:
    """Every problem of a parsed layout (empty when it is sound), each naming file and line:
    type area and furniture inside the live area (R41), columns of whole body characters
    (R25), the masthead larger than any other style (R37), styles that exist, masters for
    front and inner pages, and templates that render with sample issue data."""
    problems: list[LayoutError] = []

    def add(table: str, key: str | None, message: str, message_zh: str) -> None:
        where = f"{table}.{key}" if key else table
        problems.append(LayoutValueError(f"{where}: {message}", f"{where}：{message_zh}", path=layout.path,
                                         line=layout.line_of(table, key)))

    grid = layout.grid
    top, right, bottom, left = layout.margins
    for side, value, key in (("top", top, "top"), ("right", right, "left"), ("bottom", bottom, "top"),
                             ("left", left, "left")):
        if value < -_EPS:
            add("margins", key, f"the type area ({grid.width:.2f} × {grid.height:.2f} mm) runs past the "
                f"{side} edge of the trim", f"版心（{grid.width:.2f} × {grid.height:.2f} mm）超出成品尺寸")
        elif value < LIVE_MARGIN_MM - _EPS:
            add("margins", key, f"{side} margin {value:.2f} mm is under the {LIVE_MARGIN_MM:g} mm live-area "
                "margin (R41)", f"{side} 边距 {value:.2f} mm 小于 {LIVE_MARGIN_MM:g} mm 的安全边距（R41）")
    if grid.body_size < 7.5 - _EPS:
        add("grid", "body_size", "body text below 六号 (7.5 pt) (R32)", "正文小于六号（R32）")

    try:
        sheet = layout._shared_stylesheet()  # only read here
    except LayoutError as exc:
        problems.append(exc)
        sheet = default_stylesheet()

    kinds = {m.kind for m in layout.masters.values()}
    for kind in PageKind:
        if kind not in kinds:
            add("masters", None, f"no master for {kind.value} pages", f"缺少 {kind.value} 版面的母版")

    x0, y0 = -left + LIVE_MARGIN_MM, -top + LIVE_MARGIN_MM  # live area in type-area coordinates
    x1, y1 = grid.width + right - LIVE_MARGIN_MM, grid.height + bottom - LIVE_MARGIN_MM
    for master in layout.masters.values():
        for el in master.elements + master.frames:
            bx0, by0, bx1, by1 = el.bounds()
            if bx0 < x0 - _EPS or by0 < y0 - _EPS or bx1 > x1 + _EPS or by1 > y1 + _EPS:
                add(el.table, None, f"{el.kind} {el.id!r} reaches outside the live area ({LIVE_MARGIN_MM:g} mm "
                    "inside the trim, R41)", f"元素 {el.id!r} 超出安全区（成品边内 {LIVE_MARGIN_MM:g} mm，R41）")
            if el.kind == "text" and el in master.elements and el.style not in sheet.paragraph:
                add(el.table, "style", f"no paragraph style {el.style!r}", f"没有段落样式 {el.style!r}")
        for el in master.frames:
            if el.kind != "text":
                continue
            col = (el.w - (el.columns - 1) * el.gutter) / el.columns
            chars = col / grid.em
            if abs(chars - round(chars)) > WHOLE_CHAR_TOLERANCE or round(chars) < 1:
                add(el.table, "w", f"columns are {chars:.2f} body characters wide, not a whole number (R25)",
                    f"栏宽 {chars:.2f} 字，不是整字宽（R25）")
            if (el.x < -_EPS or el.y < -_EPS or el.x + el.w > grid.width + 0.01
                    or el.y + el.h > grid.height + 0.01):
                add(el.table, None, f"frame {el.id!r} reaches outside the type area", f"框 {el.id!r} 超出版心")

    masthead = sheet.paragraph.get("masthead")
    if masthead is not None:
        for style in sheet.paragraph.values():
            if style.name != "masthead" and style.size >= masthead.size - _EPS:
                add("styles.masthead", "size", f"the masthead ({masthead.size:g} pt) must be larger than "
                    f"style {style.name!r} ({style.size:g} pt) (R37)",
                    f"报头（{masthead.size:g} pt）须大于样式 {style.name!r}（{style.size:g} pt）（R37）")

    from .furniture import template_context  # here to keep the modules' import order simple

    for master in layout.masters.values():
        page = {"kind": master.kind.value, "template": master.name, "section": layout.section(1), "editor": "某某"}
        ctx = template_context(SAMPLE_ISSUE, page, 2 if master.kind == PageKind.INNER else 1, 4, layout)
        for el in master.elements:
            for key in ("when", "text"):
                if (el.table, key) in layout.sources:
                    try:
                        render_template(layout, el.table, key, ctx)
                    except LayoutError as exc:
                        problems.append(exc)
    return problems


# --------------------------------------------------------------------------------------
# finding layouts
# --------------------------------------------------------------------------------------

_CACHE: dict[Path, tuple[tuple[int, int], Layout]] = {}


def user_layouts_dir() -> Path:
    """The folder where a user installs layouts of their own: ``$XDG_DATA_HOME/xjeditor/
    layouts`` (by default ``~/.local/share/xjeditor/layouts``), on macOS
    ``~/Library/Application Support/xjeditor/layouts``, on Windows
    ``%APPDATA%\\xjeditor\\layouts``. It need not exist."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "xjeditor" / "layouts"


def layout_folders() -> list[Path]:
    """Where layouts are looked up, in this order: the bundled ones, then the user's."""
    return [paths.layouts_dir(), user_layouts_dir()]


def layout_files(directory: Path | None = None) -> list[Path]:
    """The layout files (``*.toml``) of ``directory``, else of the bundled folder and then
    the user's (:func:`layout_folders`); each folder's sorted by file name."""
    out: list[Path] = []
    for folder in [directory] if directory is not None else layout_folders():
        try:
            out.extend(sorted(p for p in folder.glob("*.toml") if p.is_file()))
        except OSError:
            continue
    return out


def available_layouts(directory: Path | None = None) -> list[tuple[str, Path]]:
    """(name, path) of every layout that loads, bundled ones first; broken files are
    left out, and so is a layout whose name an earlier one already has."""
    out = []
    seen: set[str] = set()
    for path in layout_files(directory):
        try:
            name = load_layout_file(path).name
        except LayoutError:
            continue
        if name not in seen:
            seen.add(name)
            out.append((name, path))
    return out


def load_layout_file(path: str | os.PathLike[str], *, check: bool = True) -> Layout:
    """Load one layout file; with ``check`` (the default) the first problem
    :func:`validate_layout` finds is raised.

    Layouts are remembered until their file changes."""
    p = Path(path).resolve()
    try:
        st = p.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, 0)
    cached = _CACHE.get(p)
    if cached and cached[0] == stamp and stamp != (0, 0):
        return cached[1]
    layout = _parse(p)
    if check:
        problems = validate_layout(layout)
        if problems:
            raise problems[0]
        _CACHE[p] = (stamp, layout)
    return layout


def load_layout(name: str | os.PathLike[str] | Layout, directory: Path | None = None) -> Layout:
    """A layout by name (``社区晨报-四开``) or file stem (``chenbao-sikai``), looked up
    among the bundled layouts and then the user's (:func:`layout_folders`).

    A string is always a name, never a path: issue files name their layout, and they come
    from elsewhere (``"../x.toml"`` is just an unknown layout). Code that means a file of
    its own passes a ``Path`` (or calls :func:`load_layout_file`). Raises
    :class:`UnknownLayoutError`, or the error of the file declaring that name."""
    if isinstance(name, Layout):
        return name
    if isinstance(name, os.PathLike):
        return load_layout_file(name)
    if not isinstance(name, str):
        raise TypeError(f"a layout name must be a string, not {type(name).__name__}")
    text = name
    files = layout_files(directory)
    for path in files:
        if path.stem == text:
            return load_layout_file(path)
    broken: LayoutError | None = None
    for path in files:
        if _declared_name(path) != text:  # cheap: no template is compiled for the others
            continue
        try:
            layout = load_layout_file(path)
        except LayoutError as exc:
            broken = broken or exc  # reported unless another file of that name loads
            continue
        if layout.name == text:
            return layout
    if broken is not None:
        raise broken
    raise UnknownLayoutError(text, [n for n, _ in available_layouts(directory)])


_NAMES: dict[Path, tuple[tuple[int, int], str | None]] = {}


def _declared_name(path: Path) -> str | None:
    """The ``name`` a layout file declares, read as plain TOML (None when unreadable);
    remembered until the file changes (every typesetting looks its layout up by name)."""
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        return None
    got = _NAMES.get(path)
    if got is not None and got[0] == stamp:
        return got[1]
    try:
        data = path.read_bytes()
    except OSError:
        name = None
    else:
        import tomllib

        try:
            name = tomllib.loads(_text_of(data)).get("name")
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            name = None
    _NAMES[path] = (stamp, name if isinstance(name, str) else None)
    return _NAMES[path][1]
