"""The issue model <-> plain JSON records of ``issue.json``, and the validator.

Three steps, kept apart so that bad input never reaches the model half-built:

1. ``torecord.issue_to_record`` turns an :class:`~xjeditor.model.Issue` into plain dicts
   and lists (the writer validates the result before writing, so it never writes a file it
   could not read back);
2. ``validate_record`` checks a parsed record completely: types, ranges, unique ids and
   references, raising :class:`SchemaError` with the JSON path of the first problem,
   e.g. ``$.pages[2].frames[0].rect.w: expected a number``;
3. ``record_to_issue`` builds the model from a record that passed validation.

The validator is hand-written on purpose: every rule is visible here and documented in
docs/FORMAT.md. Format versions: ``FORMAT_VERSION`` is what this code writes; older records
are brought up to date by ``MIGRATIONS`` (one step per version) before validation.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Mapping
from enum import Enum

from ..model import (
    CMYK,
    Align,
    BoxFrame,
    CharacterStyle,
    IMAGE_EXTENSIONS,
    FitMode,
    FontRole,
    ImageAsset,
    ImageFrame,
    Issue,
    Kinsoku,
    Page,
    PageKind,
    ParagraphStyle,
    PartKind,
    PunctStyle,
    Rect,
    RuleFrame,
    Span,
    Story,
    StoryPart,
    StyleSheet,
    TextFrame,
)
from .errors import SchemaError, UnsupportedFormatVersionError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

#: The format version this code writes (and the newest it reads).
FORMAT_VERSION = 1

#: One line per version ever shipped; docs/FORMAT.md has the details and
#: tests/fixtures/format/v<N>.xjb a file of each.
VERSION_HISTORY: dict[int, str] = {
    1: "first version: issue metadata, pages with text/image/rule/box frames, stories, styles, images",
}

#: ``MIGRATIONS[n]`` turns a valid version-n record into a version n+1 record.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

ROOT_FIELDS = ("format_version", "issue", "pages", "stories", "styles", "images")

_HEX64 = re.compile(r"[0-9a-f]{64}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_INT = 10**9

# Physical bounds of every number in an issue (docs/FORMAT.md, "Bounds"). No newspaper
# comes near them; they keep the typesetter and the renderers away from sizes they cannot
# handle (a zero line pitch, a billion grid rows, a coordinate a PDF cannot hold).
# Each is (minimum, maximum), both allowed.
PAGE_MM = (50.0, 1200.0)  # page width and height
MAX_PAGES = 1000
#: Frames, rules and boxes stay inside the page grown by this much on every side (bleed,
#: and a frame parked beside the page).
FRAME_MARGIN_MM = 100.0
COLUMNS = (1, 99)  # text frame columns; headline_columns 0 (= all) to the same maximum
GUTTER_MM = (0.0, 100.0)
RUNAROUND_GAP_MM = (0.0, 100.0)
IMAGE_SCALE = (0.01, 100.0)  # manual image scale, 1.0 = native size at 300 ppi
IMAGE_OFFSET_MM = (-2500.0, 2500.0)  # manual image offset
LINE_PT = (0.0, 72.0)  # rule width, box stroke
FONT_PT = (2.0, 400.0)  # paragraph and character style sizes
LINE_GAP_EM = (0.0, 5.0)
INDENT_EM = (-20.0, 20.0)
HAN_LATIN_EM = (0.0, 2.0)
TRACKING_EM = (-0.5, 2.0)
SPACE_LINES = (0.0, 100.0)  # space_before, space_after
MAX_LINES = (0, 9999)

# Media type -> member extension (the model's ImageAsset.extension, restated for the reader).


def image_member_name(key: str, media_type: str) -> str:
    """The package member holding an image: ``images/<sha256><ext>``."""
    return f"images/{key}{IMAGE_EXTENSIONS.get(media_type, '.bin')}"


# --------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------


def _fail(path: str, detail: str, detail_zh: str) -> NoReturn:
    raise SchemaError(path, detail, detail_zh)


def _field(path: str, name: str) -> str:
    return f"{path}.{name}" if _IDENT.fullmatch(name) else f"{path}[{name!r}]"


def _object(value: Any, path: str, fields: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(path, "expected an object", "应为对象")
    for name in fields:
        if name not in value:
            _fail(_field(path, name), "missing field", "缺少必需字段")
    for name in value:
        if name not in fields:
            _fail(_field(path, str(name)), "unknown field", "未知字段")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        _fail(path, "expected a list", "应为列表")
    return value


def _string(value: Any, path: str, *, nullable: bool = False, nonempty: bool = False) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        if nullable:
            _fail(path, "expected a string or null", "应为字符串或 null")
        _fail(path, "expected a string", "应为字符串")
    if nonempty and not value:
        _fail(path, "must not be empty", "不能为空")
    if not value.isascii() and not _encodable(value):
        _fail(path, "contains an invalid character (a lone UTF-16 surrogate)", "含有无效字符（孤立的 UTF-16 代理项）")
    return value


def _encodable(value: str) -> bool:
    """Whether ``value`` has no lone UTF-16 surrogate (JSON lets ``\\ud800`` through):
    the only characters strict UTF-8 cannot encode. (A C call; a regex of the surrogate
    range costs half a millisecond to compile in every process that reads an issue.)"""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _number(value: Any, path: str, *, minimum: float | None = None, maximum: float | None = None,
            nullable: bool = False, bounds: tuple[float, float] | None = None,
            unit: str = "") -> float | None:
    """A finite number; ``bounds`` (or ``minimum``/``maximum``) are inclusive, ``unit``
    is named in the message (``mm``, ``pt``, ``em``)."""
    if bounds is not None:
        minimum, maximum = bounds
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if nullable:
            _fail(path, "expected a number or null", "应为数字或 null")
        _fail(path, "expected a number", "应为数字")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        finite = False
    if not finite:
        _fail(path, "expected a finite number", "应为有限数值")
    u = f" {unit}" if unit else ""
    if minimum is not None and maximum is not None and not minimum <= value <= maximum:
        _fail(path, f"must be between {minimum:g} and {maximum:g}{u} (got {value:g})",
              f"必须在 {minimum:g} 到 {maximum:g}{u} 之间（实际为 {value:g}）")
    if minimum is not None and value < minimum:
        _fail(path, f"must be at least {minimum:g}{u} (got {value:g})", f"不能小于 {minimum:g}{u}（实际为 {value:g}）")
    if maximum is not None and value > maximum:
        _fail(path, f"must be at most {maximum:g}{u} (got {value:g})", f"不能大于 {maximum:g}{u}（实际为 {value:g}）")
    return float(value)


def _integer(value: Any, path: str, minimum: int = 0, maximum: int = _MAX_INT) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(path, "expected an integer", "应为整数")
    if not minimum <= value <= maximum:
        _fail(path, f"must be between {minimum} and {maximum} (got {value})",
              f"必须在 {minimum} 到 {maximum} 之间（实际为 {value}）")
    return value


def _boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        _fail(path, "expected true or false", "应为 true 或 false")
    return value


_ALLOWED: dict[type[Enum], tuple[str, ...]] = {}  # enum -> its values, in order (an Enum's .value is slow)


def _choice(value: Any, path: str, enum: type[Enum]) -> str:
    allowed = _ALLOWED.get(enum)
    if allowed is None:
        allowed = _ALLOWED[enum] = tuple(str(m.value) for m in enum)
    if not isinstance(value, str) or value not in allowed:
        listed = ", ".join(repr(a) for a in allowed)
        _fail(path, f"expected one of {listed}", f"应为以下之一：{listed}")
    return value


def _cmyk(value: Any, path: str, *, nullable: bool = False) -> None:
    if value is None and nullable:
        return
    if not isinstance(value, dict) and nullable:
        _fail(path, "expected a CMYK object or null", "应为 CMYK 对象或 null")
    obj = _object(value, path, ("c", "m", "y", "k"))
    for ch in ("c", "m", "y", "k"):
        _number(obj[ch], f"{path}.{ch}", minimum=0.0, maximum=1.0)


def _rect_check(value: Any, path: str, page: tuple[float, float]) -> None:
    """A frame's box, inside the page grown by ``FRAME_MARGIN_MM`` on every side."""
    obj = _object(value, path, ("x", "y", "w", "h"))
    for pos, size, extent in (("x", "w", page[0]), ("y", "h", page[1])):
        lo, hi = -FRAME_MARGIN_MM, extent + FRAME_MARGIN_MM
        start = _number(obj[pos], f"{path}.{pos}", bounds=(lo, hi), unit="mm") or 0.0
        length = _number(obj[size], f"{path}.{size}", minimum=0.0, unit="mm") or 0.0
        if start + length > hi:
            _fail(f"{path}.{size}",
                  f"must be at most {hi - start:g} mm: a frame may reach at most {FRAME_MARGIN_MM:g} mm "
                  f"beyond the page (got {length:g})",
                  f"不能大于 {hi - start:g} mm：框最多只能超出版面 {FRAME_MARGIN_MM:g} mm（实际为 {length:g}）")


_FRAME_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("kind", "id", "rect", "columns", "gutter", "story", "next", "headline_columns", "vertical_rule"),
    "image": ("kind", "id", "rect", "image", "fit", "scale", "offset_x", "offset_y", "runaround",
              "runaround_gap", "caption_story"),
    "rule": ("kind", "id", "x1", "y1", "x2", "y2", "width", "color"),
    "box": ("kind", "id", "rect", "stroke", "stroke_color", "fill"),
}

_PAGE_FIELDS = ("width", "height", "kind", "template", "section", "editor", "frames")
_ISSUE_FIELDS = ("paper", "number", "total_number", "date", "sponsor", "registration", "address",
                 "printer", "editors", "layout")
_STORY_FIELDS = ("id", "title", "section", "notes", "parts")
_PART_FIELDS = ("kind", "text", "style", "spans", "image", "credit")
_PSTYLE_FIELDS = ("name", "label", "font", "size", "line_gap", "indent", "align", "punct", "kinsoku",
                  "han_latin_space", "tracking", "color", "space_before", "space_after", "max_lines")
_CSTYLE_FIELDS = ("name", "label", "font", "size", "color")
_IMAGE_FIELDS = ("key", "media_type", "original_name", "member")


def _check_frame(value: Any, path: str, page: tuple[float, float]) -> None:
    """One frame of a page of ``page`` = (width, height) mm."""
    if not isinstance(value, dict):
        _fail(path, "expected an object", "应为对象")
    if "kind" not in value:
        _fail(f"{path}.kind", "missing field", "缺少必需字段")
    kind = value["kind"]
    if not isinstance(kind, str) or kind not in _FRAME_FIELDS:
        listed = ", ".join(repr(k) for k in _FRAME_FIELDS)
        _fail(f"{path}.kind", f"expected one of {listed}", f"应为以下之一：{listed}")
    obj = _object(value, path, _FRAME_FIELDS[kind])
    _string(obj["id"], f"{path}.id", nonempty=True)
    if kind == "text":
        _rect_check(obj["rect"], f"{path}.rect", page)
        _integer(obj["columns"], f"{path}.columns", *COLUMNS)
        _number(obj["gutter"], f"{path}.gutter", bounds=GUTTER_MM, unit="mm")
        _string(obj["story"], f"{path}.story", nullable=True)
        _string(obj["next"], f"{path}.next", nullable=True)
        _integer(obj["headline_columns"], f"{path}.headline_columns", 0, COLUMNS[1])
        _boolean(obj["vertical_rule"], f"{path}.vertical_rule")
    elif kind == "image":
        _rect_check(obj["rect"], f"{path}.rect", page)
        _string(obj["image"], f"{path}.image", nullable=True)
        _choice(obj["fit"], f"{path}.fit", FitMode)
        _number(obj["scale"], f"{path}.scale", bounds=IMAGE_SCALE)
        _number(obj["offset_x"], f"{path}.offset_x", bounds=IMAGE_OFFSET_MM, unit="mm")
        _number(obj["offset_y"], f"{path}.offset_y", bounds=IMAGE_OFFSET_MM, unit="mm")
        _boolean(obj["runaround"], f"{path}.runaround")
        _number(obj["runaround_gap"], f"{path}.runaround_gap", bounds=RUNAROUND_GAP_MM, unit="mm")
        _string(obj["caption_story"], f"{path}.caption_story", nullable=True)
    elif kind == "rule":
        for name, extent in (("x1", page[0]), ("y1", page[1]), ("x2", page[0]), ("y2", page[1])):
            _number(obj[name], f"{path}.{name}", bounds=(-FRAME_MARGIN_MM, extent + FRAME_MARGIN_MM), unit="mm")
        _number(obj["width"], f"{path}.width", bounds=LINE_PT, unit="pt")
        _cmyk(obj["color"], f"{path}.color")
    else:  # box
        _rect_check(obj["rect"], f"{path}.rect", page)
        _number(obj["stroke"], f"{path}.stroke", bounds=LINE_PT, unit="pt")
        _cmyk(obj["stroke_color"], f"{path}.stroke_color")
        _cmyk(obj["fill"], f"{path}.fill", nullable=True)


def _check_part(value: Any, path: str) -> None:
    obj = _object(value, path, _PART_FIELDS)
    _choice(obj["kind"], f"{path}.kind", PartKind)
    _string(obj["text"], f"{path}.text")
    _string(obj["style"], f"{path}.style", nullable=True, nonempty=True)
    for j, span in enumerate(_list(obj["spans"], f"{path}.spans")):
        sp = f"{path}.spans[{j}]"
        s = _object(span, sp, ("start", "end", "style"))
        start = _integer(s["start"], f"{sp}.start")
        end = _integer(s["end"], f"{sp}.end")
        if end < start:
            _fail(f"{sp}.end", f"must not be less than start ({start})", f"不能小于 start（{start}）")
        _string(s["style"], f"{sp}.style", nonempty=True)
    _string(obj["image"], f"{path}.image", nullable=True)
    _string(obj["credit"], f"{path}.credit")


def _check_unique(seen: dict[str, str], value: str, path: str, what: str, what_zh: str) -> None:
    if value in seen:
        _fail(path, f"duplicate {what} {value!r} (first used at {seen[value]})",
              f"重复的{what_zh} {value!r}（首次出现于 {seen[value]}）")
    seen[value] = path


def _check_ref(value: str | None, known: Mapping[str, Any], path: str, what: str, what_zh: str) -> None:
    if value is not None and value not in known:
        _fail(path, f"refers to unknown {what} {value!r}", f"引用了不存在的{what_zh} {value!r}")


def check_format_version(record: Any) -> int:
    """The record's format version; raises for a missing, malformed or newer version.

    Run before anything else: a newer file may have a different shape altogether."""
    if not isinstance(record, dict):
        _fail("$", "expected an object", "应为对象")
    if "format_version" not in record:
        _fail("$.format_version", "missing field", "缺少必需字段")
    version = record["format_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        _fail("$.format_version", "expected an integer", "应为整数")
    if version > FORMAT_VERSION:
        raise UnsupportedFormatVersionError(version, FORMAT_VERSION)
    if version < 1:
        _fail("$.format_version", f"must be at least 1 (got {version})", f"不能小于 1（实际为 {version}）")
    return version


def upgrade_record(record: dict[str, Any]) -> dict[str, Any]:
    """Bring a record of any supported older version up to ``FORMAT_VERSION``."""
    version = check_format_version(record)
    while version < FORMAT_VERSION:
        record = MIGRATIONS[version](record)
        version += 1
        record["format_version"] = version
    return record


def validate_record(record: Any) -> None:
    """Check a current-version record completely; raise :class:`SchemaError` on the first problem."""
    check_format_version(record)
    root = _object(record, "$", ROOT_FIELDS)
    if root["format_version"] != FORMAT_VERSION:
        _fail("$.format_version", f"expected {FORMAT_VERSION}", f"应为 {FORMAT_VERSION}")

    meta = _object(root["issue"], "$.issue", _ISSUE_FIELDS)
    for name in ("paper", "sponsor", "registration", "address", "printer", "layout"):
        _string(meta[name], f"$.issue.{name}")
    _integer(meta["number"], "$.issue.number")
    _integer(meta["total_number"], "$.issue.total_number")
    date = _string(meta["date"], "$.issue.date")
    try:
        if not _DATE.fullmatch(date or ""):
            raise ValueError
        _dt.date.fromisoformat(date or "")
    except ValueError:
        _fail("$.issue.date", f"expected a date as YYYY-MM-DD (got {date!r})",
              f"应为 YYYY-MM-DD 格式的日期（实际为 {date!r}）")
    roles: dict[str, str] = {}
    for i, entry in enumerate(_list(meta["editors"], "$.issue.editors")):
        p = f"$.issue.editors[{i}]"
        e = _object(entry, p, ("role", "name"))
        _check_unique(roles, _string(e["role"], f"{p}.role") or "", f"{p}.role", "editor role", "编辑职务")
        _string(e["name"], f"{p}.name")

    images: dict[str, str] = {}
    for i, entry in enumerate(_list(root["images"], "$.images")):
        p = f"$.images[{i}]"
        img = _object(entry, p, _IMAGE_FIELDS)
        key = _string(img["key"], f"{p}.key") or ""
        if not _HEX64.fullmatch(key):
            _fail(f"{p}.key", "expected a SHA-256 hash (64 lowercase hexadecimal digits)",
                  "应为 SHA-256 哈希（64 位小写十六进制数字）")
        _check_unique(images, key, f"{p}.key", "image", "图片")
        media_type = _string(img["media_type"], f"{p}.media_type", nonempty=True) or ""
        name = _string(img["original_name"], f"{p}.original_name") or ""
        if "/" in name or "\\" in name or "\x00" in name or name in (".", ".."):
            _fail(f"{p}.original_name", "must be a file name only, not a path", "只能是文件名，不能是路径")
        member = _string(img["member"], f"{p}.member")
        expected = image_member_name(key, media_type)
        if member != expected:
            _fail(f"{p}.member", f"expected {expected!r} (images/<key><extension of the media type>)",
                  f"应为 {expected!r}（images/<哈希><媒体类型对应的扩展名>）")

    styles = _object(root["styles"], "$.styles", ("paragraph", "character"))
    pnames: dict[str, str] = {}
    for i, entry in enumerate(_list(styles["paragraph"], "$.styles.paragraph")):
        p = f"$.styles.paragraph[{i}]"
        s = _object(entry, p, _PSTYLE_FIELDS)
        _check_unique(pnames, _string(s["name"], f"{p}.name", nonempty=True) or "", f"{p}.name",
                      "paragraph style", "段落样式")
        _string(s["label"], f"{p}.label")
        _string(s["font"], f"{p}.font", nonempty=True)
        _number(s["size"], f"{p}.size", bounds=FONT_PT, unit="pt")
        for name, bounds in (("line_gap", LINE_GAP_EM), ("indent", INDENT_EM), ("han_latin_space", HAN_LATIN_EM),
                             ("tracking", TRACKING_EM)):
            _number(s[name], f"{p}.{name}", bounds=bounds, unit="em")
        for name in ("space_before", "space_after"):
            _number(s[name], f"{p}.{name}", bounds=SPACE_LINES, unit="lines")
        _choice(s["align"], f"{p}.align", Align)
        _choice(s["punct"], f"{p}.punct", PunctStyle)
        _choice(s["kinsoku"], f"{p}.kinsoku", Kinsoku)
        _cmyk(s["color"], f"{p}.color")
        _integer(s["max_lines"], f"{p}.max_lines", *MAX_LINES)
    cnames: dict[str, str] = {}
    for i, entry in enumerate(_list(styles["character"], "$.styles.character")):
        p = f"$.styles.character[{i}]"
        s = _object(entry, p, _CSTYLE_FIELDS)
        _check_unique(cnames, _string(s["name"], f"{p}.name", nonempty=True) or "", f"{p}.name",
                      "character style", "字符样式")
        _string(s["label"], f"{p}.label")
        _string(s["font"], f"{p}.font", nullable=True, nonempty=True)
        _number(s["size"], f"{p}.size", bounds=FONT_PT, unit="pt", nullable=True)
        _cmyk(s["color"], f"{p}.color", nullable=True)

    stories: dict[str, str] = {}
    for i, entry in enumerate(_list(root["stories"], "$.stories")):
        p = f"$.stories[{i}]"
        s = _object(entry, p, _STORY_FIELDS)
        _check_unique(stories, _string(s["id"], f"{p}.id", nonempty=True) or "", f"{p}.id", "story id", "稿件 id")
        for name in ("title", "section", "notes"):
            _string(s[name], f"{p}.{name}")
        for j, part in enumerate(_list(s["parts"], f"{p}.parts")):
            _check_part(part, f"{p}.parts[{j}]")
            _check_ref(part["image"], images, f"{p}.parts[{j}].image", "image", "图片")

    frames: dict[str, str] = {}
    text_frames: set[str] = set()
    pages = _list(root["pages"], "$.pages")
    if not pages:
        _fail("$.pages", "an issue needs at least one page (the list is empty)", "一期至少要有一个版面（列表为空）")
    if len(pages) > MAX_PAGES:
        _fail("$.pages", f"an issue may have at most {MAX_PAGES} pages (got {len(pages)})",
              f"一期最多 {MAX_PAGES} 个版面（实际为 {len(pages)}）")
    for i, entry in enumerate(pages):
        p = f"$.pages[{i}]"
        page = _object(entry, p, _PAGE_FIELDS)
        size = (_number(page["width"], f"{p}.width", bounds=PAGE_MM, unit="mm") or 0.0,
                _number(page["height"], f"{p}.height", bounds=PAGE_MM, unit="mm") or 0.0)
        _choice(page["kind"], f"{p}.kind", PageKind)
        for name in ("template", "section", "editor"):
            _string(page[name], f"{p}.{name}")
        for j, frame in enumerate(_list(page["frames"], f"{p}.frames")):
            fp = f"{p}.frames[{j}]"
            _check_frame(frame, fp, size)
            _check_unique(frames, frame["id"], f"{fp}.id", "frame id", "框 id")
            if frame["kind"] == "text":
                text_frames.add(frame["id"])
    # References, once every id is known (a thread may continue on a later page).
    for i, page in enumerate(pages):
        for j, frame in enumerate(page["frames"]):
            fp = f"$.pages[{i}].frames[{j}]"
            if frame["kind"] == "text":
                _check_ref(frame["story"], stories, f"{fp}.story", "story", "稿件")
                _check_ref(frame["next"], dict.fromkeys(text_frames), f"{fp}.next", "text frame", "文本框")
            elif frame["kind"] == "image":
                _check_ref(frame["image"], images, f"{fp}.image", "image", "图片")
                _check_ref(frame["caption_story"], stories, f"{fp}.caption_story", "story", "稿件")


def image_entries(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, member name) of every image of a validated record, in record order."""
    return [(img["key"], img["member"]) for img in record["images"]]


# --------------------------------------------------------------------------------------
# record -> model (the record has passed validate_record)
# --------------------------------------------------------------------------------------


def _to_cmyk(value: dict[str, Any] | None) -> CMYK | None:
    if value is None:
        return None
    return CMYK(float(value["c"]), float(value["m"]), float(value["y"]), float(value["k"]))


def _to_rect(value: dict[str, Any]) -> Rect:
    return Rect(float(value["x"]), float(value["y"]), float(value["w"]), float(value["h"]))


def _font(value: str) -> str:
    try:
        return FontRole(value)
    except ValueError:
        return value


def _to_frame(rec: dict[str, Any]) -> Any:
    kind = rec["kind"]
    if kind == "text":
        return TextFrame(
            rec["id"], _to_rect(rec["rect"]), columns=rec["columns"], gutter=float(rec["gutter"]),
            story=rec["story"], next=rec["next"], headline_columns=rec["headline_columns"],
            vertical_rule=rec["vertical_rule"],
        )
    if kind == "image":
        return ImageFrame(
            rec["id"], _to_rect(rec["rect"]), image=rec["image"], fit=FitMode(rec["fit"]),
            scale=float(rec["scale"]), offset_x=float(rec["offset_x"]), offset_y=float(rec["offset_y"]),
            runaround=rec["runaround"], runaround_gap=float(rec["runaround_gap"]),
            caption_story=rec["caption_story"],
        )
    if kind == "rule":
        return RuleFrame(
            rec["id"], float(rec["x1"]), float(rec["y1"]), float(rec["x2"]), float(rec["y2"]),
            width=float(rec["width"]), color=_to_cmyk(rec["color"]),  # type: ignore[arg-type]
        )
    return BoxFrame(
        rec["id"], _to_rect(rec["rect"]), stroke=float(rec["stroke"]),
        stroke_color=_to_cmyk(rec["stroke_color"]), fill=_to_cmyk(rec["fill"]),  # type: ignore[arg-type]
    )


def record_to_issue(record: dict[str, Any], image_data: Mapping[str, bytes]) -> Issue:
    """Build the model from a validated record; ``image_data`` maps image keys to their
    bytes, each already checked to hash to its key (the reader does, as it reads them)."""
    meta = record["issue"]
    sheet = StyleSheet()
    for s in record["styles"]["paragraph"]:
        sheet.paragraph[s["name"]] = ParagraphStyle(
            s["name"], s["label"], font=_font(s["font"]), size=float(s["size"]),
            line_gap=float(s["line_gap"]), indent=float(s["indent"]), align=Align(s["align"]),
            punct=PunctStyle(s["punct"]), kinsoku=Kinsoku(s["kinsoku"]),
            han_latin_space=float(s["han_latin_space"]), tracking=float(s["tracking"]),
            color=_to_cmyk(s["color"]),  # type: ignore[arg-type]
            space_before=float(s["space_before"]), space_after=float(s["space_after"]),
            max_lines=s["max_lines"],
        )
    for s in record["styles"]["character"]:
        sheet.character[s["name"]] = CharacterStyle(
            s["name"], s["label"], font=_font(s["font"]) if s["font"] is not None else None,
            size=float(s["size"]) if s["size"] is not None else None, color=_to_cmyk(s["color"]),
        )
    stories = {
        s["id"]: Story(
            s["id"], title=s["title"], section=s["section"], notes=s["notes"],
            parts=[
                StoryPart(
                    PartKind(p["kind"]), p["text"], style=p["style"],
                    spans=[Span(sp["start"], sp["end"], sp["style"]) for sp in p["spans"]],
                    image=p["image"], credit=p["credit"],
                )
                for p in s["parts"]
            ],
        )
        for s in record["stories"]
    }
    images = {
        img["key"]: ImageAsset.verified(image_data[img["key"]], img["media_type"], img["original_name"], img["key"])
        for img in record["images"]
    }
    pages = [
        Page(
            width=float(p["width"]), height=float(p["height"]), kind=PageKind(p["kind"]),
            template=p["template"], section=p["section"], editor=p["editor"],
            frames=[_to_frame(f) for f in p["frames"]],
        )
        for p in record["pages"]
    ]
    return Issue(
        paper=meta["paper"], number=meta["number"], total_number=meta["total_number"],
        date=_dt.date.fromisoformat(meta["date"]), sponsor=meta["sponsor"],
        registration=meta["registration"], address=meta["address"], printer=meta["printer"],
        editors={e["role"]: e["name"] for e in meta["editors"]}, layout=meta["layout"],
        pages=pages, stories=stories, styles=sheet, images=images,
    )
