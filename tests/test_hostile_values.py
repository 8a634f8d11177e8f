"""Values an issue file may hold that once made the pipeline fail: each is now refused by
the schema with the JSON path of the value (exit 2 and one line from the CLI), or set
without a traceback (a zero-size picture frame, a font that is not installed, a sheet
with no paragraph styles)."""

from __future__ import annotations

import copy
import io
import json
import math
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from xjeditor.cli import main
from xjeditor.fileformat import InvalidJsonError, SchemaError, UnsavableIssueError, issue_from_bytes, issue_to_bytes
from xjeditor.model import FitMode, ImageFrame, Issue, Rect, TextFrame
from xjeditor.typeset.display import GlyphRun, ImagePlacement
from xjeditor.typeset.fonts import default_registry
from xjeditor.typeset.grid import MAX_FRAME_ROWS, MAX_THREAD_ROWS, Grid, column_boxes, frame_columns
from xjeditor.typeset.layout import layout_issue, place_image

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "seeds" / "demo.xjb"


def _demo() -> tuple[dict, dict[str, bytes]]:
    with zipfile.ZipFile(DEMO) as z:
        record = json.loads(z.read("issue.json"))
        images = {n: z.read(n) for n in z.namelist() if n != "issue.json"}
    return record, images


def _package(record: dict, images: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("issue.json", json.dumps(record, ensure_ascii=False))
        for name, data in images.items():
            z.writestr(name, data)
    return buf.getvalue()


def _style(record: dict, name: str) -> tuple[int, dict]:
    return next((i, s) for i, s in enumerate(record["styles"]["paragraph"]) if s["name"] == name)


def _first(record: dict, kind: str) -> tuple[int, int, dict]:
    return next((pi, fi, f) for pi, p in enumerate(record["pages"]) for fi, f in enumerate(p["frames"])
                if f["kind"] == kind)


def _refused(record: dict, images: dict[str, bytes], json_path: str, detail: str) -> SchemaError:
    with pytest.raises(SchemaError) as info:
        issue_from_bytes(_package(record, images))
    err = info.value
    assert err.json_path == json_path
    assert err.message.startswith(f"{json_path}: ") and detail in err.message
    assert err.message_zh.startswith(f"{json_path}：") and err.message_zh != err.message
    assert "\n" not in err.message and "\n" not in err.message_zh
    return err


# ------------------------------------------------------------------ refused by the schema


def test_a_negative_line_gap_is_refused():
    record, images = _demo()
    i, style = _style(record, "body")
    style["line_gap"] = -1
    _refused(record, images, f"$.styles.paragraph[{i}].line_gap", "must be between 0 and 5 em (got -1)")


def test_a_caption_of_1000_pt_is_refused():
    record, images = _demo()
    i, style = _style(record, "caption")
    style["size"] = 1000
    _refused(record, images, f"$.styles.paragraph[{i}].size", "must be between 2 and 400 pt (got 1000)")


def test_a_microscopic_body_size_is_refused():
    record, images = _demo()
    i, style = _style(record, "body")
    style["size"] = 0.000001
    _refused(record, images, f"$.styles.paragraph[{i}].size", "must be between 2 and 400 pt")


def test_a_character_style_size_is_bounded_too():
    record, images = _demo()
    record["styles"]["character"].append({"name": "huge", "label": "", "font": None, "size": 4000.0, "color": None})
    i = len(record["styles"]["character"]) - 1
    _refused(record, images, f"$.styles.character[{i}].size", "must be between 2 and 400 pt")


def test_a_text_frame_a_billion_mm_high_is_refused():
    record, images = _demo()
    pi, fi, frame = _first(record, "text")
    frame["rect"]["h"] = 1e9
    _refused(record, images, f"$.pages[{pi}].frames[{fi}].rect.h", "a frame may reach at most 100 mm beyond the page")


@pytest.mark.parametrize("kind, field", [("rule", "width"), ("box", "stroke")])
def test_a_line_1e300_pt_wide_is_refused(kind, field):
    record, images = _demo()
    pi, fi, frame = _first(record, kind)
    frame[field] = 1e300
    _refused(record, images, f"$.pages[{pi}].frames[{fi}].{field}", "must be between 0 and 72 pt (got 1e+300)")


def test_a_frame_1e300_mm_wide_is_refused():
    record, images = _demo()
    pi, fi, frame = _first(record, "image")
    frame["rect"]["w"] = 1e300
    _refused(record, images, f"$.pages[{pi}].frames[{fi}].rect.w", "must be at most")


def test_a_frame_at_x_1e308_is_refused():
    record, images = _demo()
    pi, fi, frame = _first(record, "text")
    frame["rect"]["x"] = 1e308
    _refused(record, images, f"$.pages[{pi}].frames[{fi}].rect.x", "must be between -100 and 373 mm (got 1e+308)")


def test_a_rule_far_off_the_page_is_refused():
    record, images = _demo()
    pi, fi, frame = _first(record, "rule")
    frame["y2"] = -1e12
    _refused(record, images, f"$.pages[{pi}].frames[{fi}].y2", "must be between -100 and")


def test_a_page_1e15_mm_wide_is_refused():
    record, images = _demo()
    record["pages"][1]["width"] = 1e15
    _refused(record, images, "$.pages[1].width", "must be between 50 and 1200 mm (got 1e+15)")


def test_an_issue_with_no_pages_is_refused():
    record, images = _demo()
    record["pages"] = []
    err = _refused(record, images, "$.pages", "an issue needs at least one page")
    assert "版面" in err.message_zh
    with pytest.raises(UnsavableIssueError, match="at least one page"):
        issue_to_bytes(Issue())


# The bounds of every number (docs/FORMAT.md, "Bounds"): the bound itself is accepted,
# just past it is refused.
BOUND_CASES = [
    ("pages.4.width", (50.0, 1200.0)),  # (page 4: an empty page added for the test)
    ("pages.4.height", (50.0, 1200.0)),
    ("pages.0.frames.0.columns", (1, 99)),
    ("pages.0.frames.0.headline_columns", (0, 99)),
    ("pages.0.frames.0.gutter", (0.0, 100.0)),
    ("pages.0.frames.2.scale", (0.01, 100.0)),
    ("pages.0.frames.2.offset_x", (-2500.0, 2500.0)),
    ("pages.0.frames.2.offset_y", (-2500.0, 2500.0)),
    ("pages.0.frames.2.runaround_gap", (0.0, 100.0)),
    ("pages.0.frames.5.width", (0.0, 72.0)),
    ("styles.paragraph.0.size", (2.0, 400.0)),
    ("styles.paragraph.0.line_gap", (0.0, 5.0)),
    ("styles.paragraph.0.indent", (-20.0, 20.0)),
    ("styles.paragraph.0.han_latin_space", (0.0, 2.0)),
    ("styles.paragraph.0.tracking", (-0.5, 2.0)),
    ("styles.paragraph.0.space_before", (0.0, 100.0)),
    ("styles.paragraph.0.space_after", (0.0, 100.0)),
    ("styles.paragraph.0.max_lines", (0, 9999)),
    ("pages.0.frames.0.rect.x", (-100.0, None)),
    ("pages.0.frames.0.rect.y", (-100.0, None)),
]


def _set(record: dict, dotted: str, value) -> str:
    node = record
    *parents, last = dotted.split(".")
    json_path = "$"
    for p in parents:
        node = node[int(p)] if isinstance(node, list) else node[p]
        json_path += f"[{p}]" if p.isdigit() else f".{p}"
    node[last] = value
    return json_path + f".{last}"


@pytest.mark.parametrize("dotted, bounds", BOUND_CASES, ids=[c[0] for c in BOUND_CASES])
def test_every_number_is_bounded(dotted, bounds):
    record, images = _demo()
    record["pages"].append(dict(record["pages"][-1], frames=[]))
    lo, hi = bounds
    integer = isinstance(lo, int) and isinstance(hi, int)
    for value in (lo, hi):
        if value is None:
            continue
        good = copy.deepcopy(record)
        _set(good, dotted, value)
        issue_from_bytes(_package(good, images))  # the bound itself is allowed
        bad = copy.deepcopy(record)
        if integer:
            past = value + (1 if value == hi else -1)
        else:
            past = math.nextafter(value, math.inf if value == hi else -math.inf)
        json_path = _set(bad, dotted, past)
        with pytest.raises(SchemaError) as info:
            issue_from_bytes(_package(bad, images))
        assert info.value.json_path == json_path


def test_nan_and_infinity_are_refused_in_any_number():
    record, images = _demo()
    for value in (math.nan, math.inf, -math.inf):
        bad = copy.deepcopy(record)
        _set(bad, "styles.paragraph.0.size", value)
        data = _package(bad, images)
        with pytest.raises(InvalidJsonError):  # the reader refuses NaN/Infinity literals
            issue_from_bytes(data)
    # and a model holding one cannot be saved
    issue = issue_from_bytes(DEMO.read_bytes())
    issue.pages[0].frames[0].rect.w = math.nan
    with pytest.raises(UnsavableIssueError, match=r"pages\[0\]\.frames\[0\]\.rect\.w"):
        issue_to_bytes(issue)


# ------------------------------------------------------------------ set, not refused


def test_a_zero_size_image_frame_is_drawn_as_nothing():
    issue = issue_from_bytes(DEMO.read_bytes())
    issue.layout = ""
    frames = [f for p in issue.pages for f in p.frames if isinstance(f, ImageFrame) and f.image]
    for f in frames:
        f.rect.w = f.rect.h = 0.0
        f.fit = FitMode.FILL
    frames[0].fit = FitMode.FIT
    frames[1].fit = FitMode.MANUAL
    layout = layout_issue(issue, default_registry())
    shown = {item.frame: item for page in layout.pages for item in page.items if isinstance(item, ImagePlacement)}
    for f in frames:
        assert shown[f.id].iw == 0 and shown[f.id].ih == 0


def test_a_caption_that_fills_its_frame_leaves_the_picture_no_room():
    record, images = _demo()
    _style(record, "caption")[1]["size"] = 400
    issue = issue_from_bytes(_package(record, images))
    issue.layout = ""
    layout_issue(issue, default_registry())  # (the picture's height became 0: no division by it)


@pytest.mark.parametrize("size_px", [(0, 0), (0, 100), (100, 0), None])
def test_a_picture_of_no_pixels_is_placed_without_dividing_by_them(size_px):
    for fit in FitMode:
        frame = ImageFrame("i", Rect(10, 10, 50, 30), image="0" * 64, fit=fit)
        p = place_image(frame, size_px)
        assert all(math.isfinite(v) for v in (p.ix, p.iy, p.iw, p.ih))


def test_gutters_wider_than_the_frame_give_empty_columns_not_negative_ones():
    frame = TextFrame("t", Rect(0, 0, 20, 100), columns=5, gutter=30)
    assert all(width == 0 for _, width in column_boxes(frame))


def test_a_font_family_that_is_not_installed_falls_back_to_the_roles_font():
    record, images = _demo()
    record["issue"]["layout"] = ""
    _style(record, "body")[1]["font"] = "No Such Family"
    _style(record, "title")[1]["font"] = "Another Missing Font"
    record["styles"]["character"][0]["font"] = "Missing Hei"
    issue = issue_from_bytes(_package(record, images))
    layout = layout_issue(issue, default_registry())
    fonts = {item.font for page in layout.pages for item in page.items if isinstance(item, GlyphRun)}
    assert fonts and not fonts & {"No Such Family", "Another Missing Font", "Missing Hei"}
    assert {"song", "biaosong"} <= fonts  # body -> 书宋, title -> 标宋
    assert {d.code for d in layout.diagnostics} == {"font-not-installed"}
    text = "\n".join(d.text() for d in layout.diagnostics)
    for name in ("No Such Family", "Another Missing Font"):
        assert f"'{name}'" in text and "未安装" in text
    assert len(layout.diagnostics) == len(set(layout.diagnostics))


def test_an_issue_without_paragraph_styles_is_set_in_the_built_in_ones():
    record, images = _demo()
    record["issue"]["layout"] = ""
    record["styles"] = {"paragraph": [], "character": []}
    issue = issue_from_bytes(_package(record, images))
    layout = layout_issue(issue, default_registry())
    runs = [item for page in layout.pages for item in page.items if isinstance(item, GlyphRun)]
    assert runs and {r.size for r in runs} >= {9.0, 22.0}  # body 小五, title 二号 of the house styles


# ------------------------------------------------------------------ the command line


def _write(tmp_path: Path, record: dict, images: dict[str, bytes], name: str = "hostile.xjb") -> Path:
    path = tmp_path / name
    path.write_bytes(_package(record, images))
    return path


@pytest.mark.parametrize("command", ["export", "preflight", "render"])
def test_the_cli_refuses_a_hostile_number_in_one_line(tmp_path, capsys, command):
    record, images = _demo()
    record["pages"][0]["width"] = 1e15
    path = _write(tmp_path, record, images)
    argv = [command, str(path)] + (["-o", str(tmp_path / "out")] if command != "preflight" else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("xjeditor: error: ")
    assert "$.pages[0].width: must be between 50 and 1200 mm" in err
    assert not (tmp_path / "out").exists()


def test_the_cli_refuses_an_issue_with_no_pages(tmp_path, capsys):
    record, images = _demo()
    record["pages"] = []
    path = _write(tmp_path, record, images)
    assert main(["export", str(path), "-o", str(tmp_path / "out.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "an issue needs at least one page" in err
    assert not (tmp_path / "out.pdf").exists()


def test_export_warns_about_a_font_that_is_not_installed(tmp_path):
    record, images = _demo()
    _style(record, "body")[1]["font"] = "No Such Family"
    path = _write(tmp_path, record, images)
    out = tmp_path / "out.pdf"
    proc = subprocess.run([sys.executable, "-m", "xjeditor", "export", str(path), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "'No Such Family'" in proc.stderr and "not installed" in proc.stderr
    assert out.read_bytes().startswith(b"%PDF-")


# ------------------------------------------------------------------ work within bounds


def _limits() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="setrlimit")
def test_a_thread_of_the_largest_frames_the_schema_allows_is_set_in_bounded_time_and_memory(tmp_path):
    """Forty frames of 99 columns of 2 pt rows on a page 1.2 m square, one thread (some
    eight million grid rows): cut short with a warning, not gigabytes and minutes."""
    record, images = _demo()
    for style in record["styles"]["paragraph"]:
        style.update(size=2.0, line_gap=0.0)
    page = record["pages"][0]
    page["width"] = page["height"] = 1200.0
    first = next(f for f in page["frames"] if f["kind"] == "text" and f["story"])
    story, first["story"] = first["story"], None
    for i in range(40):
        page["frames"].append(dict(
            first, id=f"chain{i}", story=story if i == 0 else None, next=f"chain{i + 1}" if i < 39 else None,
            columns=99, gutter=0.0, rect={"x": -100.0 + i / 100, "y": -100.0, "w": 1400.0 - i / 100, "h": 1400.0}))
    path = _write(tmp_path, record, images)
    out = tmp_path / "out.pdf"
    proc = subprocess.run([sys.executable, "-m", "xjeditor", "export", str(path), "-o", str(out)],
                          capture_output=True, text=True, timeout=60, preexec_fn=_limits)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and out.read_bytes().startswith(b"%PDF-")

    issue = issue_from_bytes(path.read_bytes())
    issue.layout = ""
    layout = layout_issue(issue, default_registry())
    assert any(d.code == "typeset-thread-cut" and "too many grid rows" in d.en
               for d in layout.stories[story].diagnostics)
    frame = next(f for f in issue.pages[0].frames if f.id == "chain0")
    columns = frame_columns(0, issue.pages[0], frame, Grid.for_body(2.0, 0.0))
    assert 0 < sum(len(c.rows) for c in columns) <= MAX_FRAME_ROWS < MAX_THREAD_ROWS


def test_a_render_too_large_for_memory_is_refused_with_one_line(tmp_path, capsys):
    # 1200 dpi of the demo's 四开 page is 238 megapixels: about 1 GB of pixels
    out = tmp_path / "page.png"
    assert main(["render", str(DEMO), "--dpi", "1200", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "megapixels" in err[0] and "--dpi" in err[0]
    assert not out.exists()
