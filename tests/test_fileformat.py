"""The issue file (.xjb): round trips, determinism, atomic saves, hostile input, old versions."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import importlib.util
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xjeditor import fileformat
from xjeditor.fileformat import (
    FORMAT_VERSION,
    VERSION_HISTORY,
    DamagedArchiveError,
    FileAccessError,
    FileChangedError,
    ImageHashMismatchError,
    InvalidIssueFileError,
    InvalidJsonError,
    IssueFileError,
    MissingImageError,
    MissingIssueJsonError,
    NotAZipError,
    SchemaError,
    SizeLimitError,
    UnsafeMemberNameError,
    UnsavableIssueError,
    UnsupportedFormatVersionError,
    file_hash,
    issue_from_bytes,
    issue_to_bytes,
    load_issue,
    load_issue_with_hash,
    save_issue,
)
from xjeditor.fileformat import xjb
from xjeditor.model import (
    CMYK,
    Align,
    BoxFrame,
    CharacterStyle,
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
    default_stylesheet,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "format"

# Tiny real images, as literals so that the expected models never depend on a Pillow version.
PNG_8x6 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAGCAIAAABxZ0isAAAAJ0lEQVR4nGM8ISfHgA0wYRVlYGBggVDmDx/ChU7Ky+PT"
    "gVOCEZflALuEBRUIq6ghAAAAAElFTkSuQmCC"
)
JPEG_4x4 = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4"
    "UG1RV19iZ2hnPk1xeXBkeFxlZ2P/wAALCAAEAAQBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAA"
    "AgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6"
    "Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXG"
    "x8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/ACv/2Q=="
)


# ----------------------------------------------------------------------------------------
# Models used by several tests
# ----------------------------------------------------------------------------------------


def expected_v1_issue() -> Issue:
    """The issue stored in tests/fixtures/format/v1.xjb. Never change what it means: the
    fixture was written once by format version 1 and must keep loading as exactly this."""
    issue = Issue(
        paper="新泾镇社区晨报",
        number=7,
        total_number=321,
        date=dt.date(2021, 4, 2),
        sponsor="示例主办单位",
        registration="内部资料（示例）",
        address="示例路 1 号 / Tel 021-0000 0000",
        printer="示例印刷厂",
        editors={"主编": "周明", "责任编辑": "林晓雯"},
        layout="四开两版",
    )
    png = issue.add_image(ImageAsset(PNG_8x6, "image/png", "red.png"))
    jpg = issue.add_image(ImageAsset(JPEG_4x4, "image/jpeg", "grey 灰.jpg"))
    issue.stories["s1"] = Story(
        "s1",
        title="头条",
        section="社区要闻",
        notes="编辑备注 🙂",
        parts=[
            StoryPart(PartKind.COLUMN_TAG, "基层风采"),
            StoryPart(PartKind.KICKER, "引题：家门口"),
            StoryPart(PartKind.TITLE, "主题第一行\n主题第二行"),
            StoryPart(PartKind.SUBTITLE, "副题"),
            StoryPart(PartKind.BYLINE, "□记者 陈某"),
            StoryPart(PartKind.NOTE, "编者按：说明。", spans=[Span(0, 4, "note-label")]),
            StoryPart(PartKind.PARAGRAPH, "正文 with ASCII 2021 年。", style="body", spans=[Span(3, 7, "emphasis")]),
            StoryPart(PartKind.SUBHEAD, "小标题"),
            StoryPart(PartKind.PHOTO, "图片说明", image=png, credit="陈某"),
            StoryPart(PartKind.PHOTO, "占位图片"),
        ],
    )
    issue.stories["cap"] = Story("cap", parts=[StoryPart(PartKind.PHOTO, "说明文字", image=jpg)])
    sheet = default_stylesheet()
    sheet.add(ParagraphStyle("lead", "头条正文", "方正书宋", 10.5, 0.6, 2.0, Align.LEFT, PunctStyle.KAIMING,
                             Kinsoku.STRICT, 0.0, 0.05, CMYK(0.1, 0.2, 0.3, 0.9), 0.5, 1.0, 3))
    sheet.add(CharacterStyle("red", "红字", color=CMYK(0.0, 1.0, 1.0, 0.0), size=10.0))
    issue.styles = sheet
    front = Page(kind=PageKind.FRONT, template="front", section="要闻", editor="林晓雯")
    front.frames = [
        TextFrame("t1", Rect(14.0, 90.0, 245.0, 200.0), columns=5, gutter=3.5, story="s1", next="t2",
                  headline_columns=3, vertical_rule=True),
        ImageFrame("i1", Rect(14.0, 20.0, 100.0, 60.0), image=jpg, fit=FitMode.MANUAL, scale=1.25,
                   offset_x=-2.5, offset_y=3.0, runaround=False, runaround_gap=2.0, caption_story="cap"),
        ImageFrame("i2", Rect(120.0, 20.0, 50.0, 60.0)),
        RuleFrame("r1", 14.0, 85.0, 259.0, 85.0, width=1.0, color=CMYK(1.0, 0.0, 0.0, 0.0)),
        BoxFrame("b1", Rect(180.0, 20.0, 79.0, 60.0), stroke=0.0, fill=CMYK(0.0, 0.0, 0.2, 0.0)),
    ]
    inner = Page(width=273.0, height=390.0, kind=PageKind.INNER)
    inner.frames = [TextFrame("t2", Rect(14.0, 20.0, 245.0, 100.0), columns=4),
                    BoxFrame("b2", Rect(10.0, 10.0, 20.0, 20.0))]
    issue.pages = [front, inner]
    return issue


def small_issue() -> Issue:
    issue = Issue(date=dt.date(2021, 1, 15))
    key = issue.add_image(ImageAsset(PNG_8x6, "image/png", "a.png"))
    issue.stories["s1"] = Story("s1", parts=[StoryPart(PartKind.TITLE, "主题"),
                                             StoryPart(PartKind.PARAGRAPH, "正文。")])
    p1, p2 = Page(kind=PageKind.FRONT), Page()
    p1.frames = [TextFrame("f1", Rect(14, 100, 245, 200), columns=5, story="s1", next="f2"),
                 ImageFrame("i1", Rect(14, 20, 100, 60), image=key)]
    p2.frames = [TextFrame("f2", Rect(14, 20, 245, 100), columns=5), RuleFrame("r1", 0, 0, 10, 0)]
    issue.pages = [p1, p2]
    return issue


def record_of(issue: Issue) -> dict:
    with zipfile.ZipFile(io.BytesIO(issue_to_bytes(issue))) as zf:
        return json.loads(zf.read("issue.json"))


def make_zip(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=compression)
    return buf.getvalue()


def package(record: dict, issue: Issue | None = None, extra: list[tuple[str, bytes]] = ()) -> bytes:
    """A zip with the given issue.json record and the images of ``issue``."""
    members = [("issue.json", json.dumps(record, ensure_ascii=False).encode())]
    if issue is not None:
        members += [(f"images/{k}{a.extension}", a.data) for k, a in issue.images.items()]
    return make_zip(members + list(extra))


# ----------------------------------------------------------------------------------------
# Hypothesis: random issues
# ----------------------------------------------------------------------------------------

CJK = "新泾镇社区晨报主题引题副题正文编者按记者图片说明，。、“”《》！？：；（）—…·"
EMOJI = "😀🎉🏮🧧👍🏻🇨🇳"
texts = st.text(
    alphabet=st.one_of(
        st.sampled_from(CJK), st.sampled_from(EMOJI), st.characters(codec="utf-8", exclude_categories=["Cs"])
    ),
    max_size=24,
)
names = st.text(alphabet=st.sampled_from("abcxyz019-_主题栏"), min_size=1, max_size=6)
# (within the schema's bounds: a frame of these stays within any page grown by its margin)
coords = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
sizes = st.floats(0, 50, allow_nan=False, allow_infinity=False)
positive = st.floats(0.01, 100, allow_nan=False, allow_infinity=False)
page_sizes = st.floats(50, 1200, allow_nan=False, allow_infinity=False)
type_sizes = st.floats(2, 400, allow_nan=False, allow_infinity=False)
ems = st.floats(0, 2, allow_nan=False, allow_infinity=False)
unit = st.floats(0, 1, allow_nan=False, allow_infinity=False)
colors = st.builds(CMYK, unit, unit, unit, unit)
rects = st.builds(Rect, coords, coords, sizes, sizes)


@st.composite
def spans(draw):
    start = draw(st.integers(0, 50))
    return Span(start, start + draw(st.integers(0, 50)), draw(names))


@st.composite
def stylesheets(draw):
    sheet = StyleSheet()
    for name in draw(st.lists(names, max_size=4, unique=True)):
        sheet.add(ParagraphStyle(
            name, draw(texts), draw(st.one_of(st.sampled_from(list(FontRole)), names)), draw(type_sizes),
            draw(ems), draw(ems), draw(st.sampled_from(list(Align))), draw(st.sampled_from(list(PunctStyle))),
            draw(st.sampled_from(list(Kinsoku))), draw(ems), draw(ems), draw(colors), draw(sizes),
            draw(sizes), draw(st.integers(0, 20)),
        ))
    for name in draw(st.lists(names, max_size=3, unique=True)):
        sheet.add(CharacterStyle(name, draw(texts), draw(st.none() | names), draw(st.none() | type_sizes),
                                 draw(st.none() | colors)))
    return sheet


@st.composite
def issues(draw):
    issue = Issue(
        paper=draw(texts), number=draw(st.integers(0, 10**6)), total_number=draw(st.integers(0, 10**6)),
        date=draw(st.dates()), sponsor=draw(texts), registration=draw(texts), address=draw(texts),
        printer=draw(texts), editors=draw(st.dictionaries(texts, texts, max_size=3)), layout=draw(texts),
        styles=draw(stylesheets()),
    )
    for data in draw(st.lists(st.binary(max_size=64), max_size=3, unique=True)):
        media = draw(st.sampled_from(["image/jpeg", "image/png", "image/tiff", "application/octet-stream"]))
        issue.add_image(ImageAsset(data, media, draw(st.sampled_from(["", "photo.jpg", "图片 1.png"]))))
    image_refs = st.none() | st.sampled_from(sorted(issue.images)) if issue.images else st.none()
    for story_id in draw(st.lists(names, max_size=4, unique=True)):
        parts = [
            StoryPart(draw(st.sampled_from(list(PartKind))), draw(texts), draw(st.none() | names),
                      draw(st.lists(spans(), max_size=2)), draw(image_refs), draw(texts))
            for _ in range(draw(st.integers(0, 5)))
        ]
        issue.stories[story_id] = Story(story_id, draw(texts), parts, draw(texts), draw(texts))
    story_refs = st.none() | st.sampled_from(sorted(issue.stories)) if issue.stories else st.none()
    frame_ids = draw(st.lists(names, max_size=10, unique=True))
    kinds = [draw(st.sampled_from(["text", "image", "rule", "box"])) for _ in frame_ids]
    text_ids = sorted(i for i, k in zip(frame_ids, kinds) if k == "text")
    next_refs = st.none() | st.sampled_from(text_ids) if text_ids else st.none()
    frames = []
    for fid, kind in zip(frame_ids, kinds):
        if kind == "text":
            frames.append(TextFrame(fid, draw(rects), draw(st.integers(1, 8)), draw(sizes), draw(story_refs),
                                    draw(next_refs), draw(st.integers(0, 8)), draw(st.booleans())))
        elif kind == "image":
            frames.append(ImageFrame(fid, draw(rects), draw(image_refs), draw(st.sampled_from(list(FitMode))),
                                     draw(positive), draw(coords), draw(coords), draw(st.booleans()), draw(sizes),
                                     draw(story_refs)))
        elif kind == "rule":
            frames.append(RuleFrame(fid, draw(coords), draw(coords), draw(coords), draw(coords), draw(sizes),
                                    draw(colors)))
        else:
            frames.append(BoxFrame(fid, draw(rects), draw(sizes), draw(colors), draw(st.none() | colors)))
    for _ in range(draw(st.integers(0, 3))):
        page = Page(draw(page_sizes), draw(page_sizes), draw(st.sampled_from(list(PageKind))), draw(texts),
                    draw(texts), draw(texts))
        take = draw(st.integers(0, len(frames)))
        page.frames, frames = frames[:take], frames[take:]
        issue.pages.append(page)
    if frames or not issue.pages:  # (an issue has at least one page)
        issue.pages.append(Page(frames=frames))
    return issue


@settings(max_examples=100)
@given(issues())
def test_round_trip_of_random_issues(issue):
    data = issue_to_bytes(issue)
    back = issue_from_bytes(data)
    assert back == issue
    assert list(back.stories) == list(issue.stories)  # order kept (the stories panel shows it)
    assert list(back.styles.paragraph) == list(issue.styles.paragraph)
    assert list(back.editors) == list(issue.editors)
    assert issue_to_bytes(back) == data  # load -> save is byte-stable


@settings(max_examples=40)
@given(st.binary(max_size=300) | st.builds(lambda b: b"PK\x03\x04" + b, st.binary(max_size=300)))
def test_random_bytes_raise_only_typed_errors(data):
    with pytest.raises(InvalidIssueFileError):
        issue_from_bytes(data)


@settings(max_examples=60)
@given(st.data())
def test_damaged_files_load_or_raise_typed_errors(data):
    good = issue_to_bytes(small_issue())
    pos = data.draw(st.integers(0, len(good) - 1))
    value = data.draw(st.integers(0, 255))
    damaged = good[:pos] + bytes([value]) + good[pos + 1:]
    try:
        issue_from_bytes(damaged)
    except InvalidIssueFileError as exc:
        assert exc.message and exc.message_zh and "\n" not in exc.message



json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-1e6, 1e6) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def _nodes(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _nodes(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _nodes(v, path + (i,))


@settings(max_examples=150)
@given(st.data())
def test_any_change_to_a_record_loads_or_raises_a_typed_error(data):
    """Replace one random node of a valid issue.json with random JSON: never a crash."""
    issue = expected_v1_issue()
    record = record_of(issue)
    paths = [p for p in _nodes(record) if p]
    path = data.draw(st.sampled_from(paths))
    node = record
    for key in path[:-1]:
        node = node[key]
    if data.draw(st.booleans()) and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = data.draw(json_values)
    try:
        issue_from_bytes(package(record, issue))
    except InvalidIssueFileError as exc:
        assert exc.message and exc.message_zh and "\n" not in exc.message

# ----------------------------------------------------------------------------------------
# Round trips, determinism, the container
# ----------------------------------------------------------------------------------------


def test_round_trip_of_a_rich_issue_and_of_an_empty_one():
    for issue in (expected_v1_issue(), Issue(pages=[Page()]), small_issue()):  # (at least one page)
        assert issue_from_bytes(issue_to_bytes(issue)) == issue


def test_saving_twice_gives_identical_bytes(tmp_path):
    issue = expected_v1_issue()
    h1 = save_issue(issue, tmp_path / "a.xjb")
    h2 = save_issue(expected_v1_issue(), tmp_path / "b.xjb")
    assert (tmp_path / "a.xjb").read_bytes() == (tmp_path / "b.xjb").read_bytes()
    assert h1 == h2 == file_hash(tmp_path / "a.xjb")
    assert issue_to_bytes(issue) == issue_to_bytes(issue)


def test_container_layout_is_fixed_and_readable(tmp_path):
    issue = expected_v1_issue()
    data = issue_to_bytes(issue)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names[0] == "issue.json"
        assert names[1:] == sorted(f"images/{k}{a.extension}" for k, a in issue.images.items())
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_STORED
            assert not info.filename.startswith("/") and ".." not in info.filename
        text = zf.read("issue.json").decode("utf-8")
    assert "新泾镇社区晨报" in text and "\\u" not in text  # readable Chinese
    record = json.loads(text)
    assert record["format_version"] == FORMAT_VERSION == 1
    assert text == json.dumps(record, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    assert record["pages"][0]["frames"][0]["rect"] == {"x": 14.0, "y": 90.0, "w": 245.0, "h": 200.0}


def test_json_paths_of_the_writer_and_int_coordinates_written_as_floats():
    issue = small_issue()  # built with int coordinates
    record = record_of(issue)
    assert record["pages"][1]["frames"][1]["x2"] == 10.0
    assert issue_to_bytes(issue_from_bytes(issue_to_bytes(issue))) == issue_to_bytes(issue)


# ----------------------------------------------------------------------------------------
# Saving: atomic, hash-guarded, never writes what it cannot read
# ----------------------------------------------------------------------------------------


def test_save_leaves_no_temporary_files_and_keeps_the_mode(tmp_path):
    target = tmp_path / "issue.xjb"
    save_issue(small_issue(), target)
    os.chmod(target, 0o640)
    save_issue(expected_v1_issue(), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issue.xjb"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert load_issue(target) == expected_v1_issue()



@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and symlinks")
def test_new_files_follow_the_umask_and_symlinks_are_kept(tmp_path):
    old = os.umask(0o027)
    try:
        save_issue(small_issue(), tmp_path / "new.xjb")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.xjb").stat().st_mode) == 0o640
    (tmp_path / "link.xjb").symlink_to("new.xjb")
    save_issue(expected_v1_issue(), tmp_path / "link.xjb")
    assert (tmp_path / "link.xjb").is_symlink()
    assert load_issue(tmp_path / "new.xjb") == expected_v1_issue()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.xjb", "new.xjb"]

@pytest.mark.parametrize("broken", ["replace", "fsync", "write"])
def test_failed_save_leaves_the_target_untouched(tmp_path, monkeypatch, broken):
    target = tmp_path / "issue.xjb"
    save_issue(small_issue(), target)
    before = target.read_bytes()

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if broken == "replace":
        monkeypatch.setattr(xjb.os, "replace", fail)
    elif broken == "fsync":
        monkeypatch.setattr(xjb.os, "fsync", fail)
    else:
        real_fdopen = os.fdopen

        class Failing(io.RawIOBase):
            def __init__(self, fd, mode):
                self._f = real_fdopen(fd, mode)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self._f.close()

            def write(self, data):
                self._f.write(data[:10])
                fail()

        monkeypatch.setattr(xjb.os, "fdopen", Failing)
    with pytest.raises(FileAccessError) as info:
        save_issue(expected_v1_issue(), target)
    assert "No space left" in info.value.message and info.value.message_zh
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issue.xjb"]


def test_unsavable_issue_writes_nothing(tmp_path):
    issue = small_issue()
    issue.pages[0].frames[0].story = "nope"
    with pytest.raises(UnsavableIssueError) as info:
        save_issue(issue, tmp_path / "x.xjb")
    assert info.value.json_path == "$.pages[0].frames[0].story"
    assert "unknown story 'nope'" in info.value.message
    assert list(tmp_path.iterdir()) == []
    issue = small_issue()
    issue.stories["other"] = Story("s9")
    with pytest.raises(UnsavableIssueError, match="differs from its key"):
        issue_to_bytes(issue)
    issue = small_issue()
    issue.pages[0].frames[0].gutter = float("nan")
    with pytest.raises(UnsavableIssueError, match="gutter: expected a finite number"):
        issue_to_bytes(issue)


def test_expected_hash_refuses_to_overwrite_changes_made_on_disk(tmp_path):
    target = tmp_path / "issue.xjb"
    h1 = save_issue(small_issue(), target)
    issue, h_loaded = load_issue_with_hash(target)
    assert h_loaded == h1 == file_hash(target)
    h2 = save_issue(expected_v1_issue(), target, expected_hash=h1)  # unchanged on disk: fine
    assert h2 == file_hash(target)
    save_issue(small_issue(), target)  # "someone else" saves
    theirs = target.read_bytes()
    with pytest.raises(FileChangedError) as info:
        save_issue(expected_v1_issue(), target, expected_hash=h2)
    assert "changed on disk" in info.value.message and info.value.message_zh
    assert target.read_bytes() == theirs
    target.unlink()
    with pytest.raises(FileChangedError, match="moved or deleted"):
        save_issue(expected_v1_issue(), target, expected_hash=h2)
    assert not target.exists()


def test_file_hash_and_load_of_a_missing_file_raise_access_errors(tmp_path):
    with pytest.raises(FileAccessError, match="cannot read the file"):
        file_hash(tmp_path / "none.xjb")
    with pytest.raises(FileAccessError) as info:
        load_issue(tmp_path / "none.xjb")
    assert info.value.path == str(tmp_path / "none.xjb")


# ----------------------------------------------------------------------------------------
# Opening bad files
# ----------------------------------------------------------------------------------------


def _snapshot(folder: Path) -> dict:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def _mutate(path: str, value=None, *, delete: bool = False, add: tuple[str, object] | None = None):
    """A record mutation at a simple dotted path like ``pages.1.frames.0.rect.w``."""

    def apply(record: dict) -> dict:
        record = copy.deepcopy(record)
        *parents, last = path.split(".")
        node = record
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        key = int(last) if isinstance(node, list) else last
        if delete:
            del node[key]
        elif add is not None:
            node[key][add[0]] = add[1]
        else:
            node[key] = value
        return record

    return apply


SCHEMA_CASES = [
    (_mutate("pages.1.frames.0.rect.w", "wide"), "$.pages[1].frames[0].rect.w", "expected a number"),
    (_mutate("pages.1.frames.0.rect.w", -1.0), "$.pages[1].frames[0].rect.w", "must be at least 0"),
    (_mutate("pages.1.frames.0.rect.w", 10**400), "$.pages[1].frames[0].rect.w", "expected a finite number"),
    (_mutate("pages.1.frames.0.columns", True), "$.pages[1].frames[0].columns", "expected an integer"),
    (_mutate("pages.1.frames.0.columns", 0), "$.pages[1].frames[0].columns", "must be between 1 and 99"),
    (_mutate("pages.0.frames.0.kind", "circle"), "$.pages[0].frames[0].kind", "expected one of 'text'"),
    (_mutate("pages.0.kind", "back"), "$.pages[0].kind", "expected one of 'front', 'inner'"),
    (_mutate("pages.0.frames.0.rect", "x", delete=True), "$.pages[0].frames[0].rect", "missing field"),
    (_mutate("pages.0.frames.0.rect.x", delete=True), "$.pages[0].frames[0].rect.x", "missing field"),
    (_mutate("pages.0", add=("colour", "red")), "$.pages[0].colour", "unknown field"),
    (_mutate("pages.0.frames.0.story", "ghost"), "$.pages[0].frames[0].story", "unknown story 'ghost'"),
    (_mutate("pages.0.frames.0.next", "i1"), "$.pages[0].frames[0].next", "unknown text frame 'i1'"),
    (_mutate("pages.0.frames.1.image", "0" * 64), "$.pages[0].frames[1].image", "unknown image"),
    (_mutate("pages.1.frames.0.id", "f1"), "$.pages[1].frames[0].id", "duplicate frame id 'f1'"),
    (_mutate("pages.1.frames.1.color", {"c": 2, "m": 0, "y": 0, "k": 0}), "$.pages[1].frames[1].color.c",
     "must be between 0 and 1"),
    (_mutate("issue.date", "15/01/2021"), "$.issue.date", "expected a date as YYYY-MM-DD"),
    (_mutate("issue.date", "2021-02-30"), "$.issue.date", "expected a date"),
    (_mutate("issue.paper", None), "$.issue.paper", "expected a string"),
    (_mutate("stories.0.parts.0.kind", "poem"), "$.stories[0].parts[0].kind", "expected one of"),
    (_mutate("stories.0.parts.0.spans", [{"start": 3, "end": 1, "style": "x"}]), "$.stories[0].parts[0].spans[0].end",
     "must not be less than start"),
    (_mutate("stories", {}), "$.stories", "expected a list"),
    (_mutate("images.0.key", "ABC"), "$.images[0].key", "SHA-256"),
    (_mutate("images.0.original_name", "../etc/passwd"), "$.images[0].original_name", "file name only"),
    (_mutate("images.0.member", "images/x.png"), "$.images[0].member", "expected 'images/"),
    (_mutate("format_version", "1"), "$.format_version", "expected an integer"),
    (_mutate("format_version", 0), "$.format_version", "must be at least 1"),
    (_mutate("styles.paragraph.0.size", 0), "$.styles.paragraph[0].size", "must be between 2 and 400 pt"),
    (_mutate("issue.editors", [{"role": "主编", "name": "a"}, {"role": "主编", "name": "b"}]),
     "$.issue.editors[1].role", "duplicate editor role"),
]


@pytest.mark.parametrize("mutation, json_path, detail", SCHEMA_CASES)
def test_schema_violations_name_the_json_path(mutation, json_path, detail):
    issue = small_issue()
    data = package(mutation(record_of(issue)), issue)
    with pytest.raises(SchemaError) as info:
        issue_from_bytes(data)
    assert info.value.json_path == json_path
    assert info.value.message.startswith(f"{json_path}: ")
    assert detail in info.value.message
    assert info.value.message_zh.startswith(json_path) and info.value.message_zh != info.value.message


def test_schema_error_message_example_from_the_format_docs():
    issue = small_issue()
    issue.pages += [Page(), Page()]
    issue.pages[2].frames = [BoxFrame("b9", Rect(0, 0, 1, 1))]
    record = _mutate("pages.2.frames.0.rect.w", "7 mm")(record_of(issue))
    with pytest.raises(SchemaError, match=r"^\$\.pages\[2\]\.frames\[0\]\.rect\.w: expected a number$"):
        issue_from_bytes(package(record, issue))


@pytest.mark.parametrize("text", ["正文\ud800。", "\udfff", "中\udc00a"])
def test_a_lone_surrogate_in_a_text_is_refused(text):
    """JSON lets an escaped lone surrogate through; the schema does not."""
    issue = small_issue()
    record = _mutate("stories.0.parts.0.text", text)(record_of(issue))
    members = [("issue.json", json.dumps(record).encode())]  # ASCII, the surrogate escaped
    members += [(f"images/{k}{a.extension}", a.data) for k, a in issue.images.items()]
    with pytest.raises(SchemaError, match=r"^\$\.stories\[0\]\.parts\[0\]\.text: contains an invalid character"):
        issue_from_bytes(make_zip(members))
    record = _mutate("stories.0.parts.0.text", "正文𠀀。")(record_of(issue))  # a character beyond the BMP is fine
    members[0] = ("issue.json", json.dumps(record).encode())
    issue_from_bytes(make_zip(members))


def test_overflowing_number_literal_is_not_a_finite_number():
    issue = small_issue()
    text = json.dumps(record_of(issue)).replace('"gutter": 3.175', '"gutter": 1e400', 1)
    assert "1e400" in text
    images = [(f"images/{k}{a.extension}", a.data) for k, a in issue.images.items()]
    data = make_zip([("issue.json", text.encode())] + images)
    with pytest.raises(SchemaError, match=r"^\$\.pages\[0\]\.frames\[0\]\.gutter: expected a finite number$"):
        issue_from_bytes(data)


def _valid_json() -> bytes:
    return json.dumps(record_of(small_issue())).encode()


BAD_FILES = [
    ("not a zip", lambda: b"%PDF-1.7 this is not an issue", NotAZipError, "not a zip archive"),
    ("empty file", lambda: b"", NotAZipError, "not a zip archive"),
    ("no issue.json", lambda: make_zip([("story.txt", b"hello")]), MissingIssueJsonError, "no issue.json"),
    ("invalid json", lambda: make_zip([("issue.json", b'{\n  "format_version": 1,\n  "pages": [,]\n}')]),
     InvalidJsonError, "line 3, column 13"),
    ("not utf-8", lambda: make_zip([("issue.json", '{"paper": "新泾"}'.encode("gb18030"))]), InvalidJsonError,
     "not UTF-8"),
    ("NaN", lambda: make_zip([("issue.json", b'{"format_version": NaN}')]), InvalidJsonError, "NaN"),
    ("duplicate key", lambda: make_zip([("issue.json", b'{"format_version": 1, "format_version": 2}')]),
     InvalidJsonError, "duplicate key 'format_version'"),
    ("json not an object", lambda: make_zip([("issue.json", b"[1, 2]")]), SchemaError, "$: expected an object"),
    ("newer version", lambda: make_zip([("issue.json", b'{"format_version": 7, "whatever": {}}')]),
     UnsupportedFormatVersionError, "format version 7"),
    ("missing image", lambda: make_zip([("issue.json", _valid_json())]), MissingImageError, "missing from the package"),
    ("parent dir", lambda: make_zip([("issue.json", _valid_json()), ("../evil.sh", b"x")]), UnsafeMemberNameError,
     "'..'"),
    ("nested parent", lambda: make_zip([("images/../../evil", b"x"), ("issue.json", _valid_json())]),
     UnsafeMemberNameError, "'..'"),
    ("absolute", lambda: make_zip([("/etc/evil", b"x"), ("issue.json", _valid_json())]), UnsafeMemberNameError,
     "absolute path"),
    ("backslash", lambda: make_zip([("images\\evil", b"x"), ("issue.json", _valid_json())]), UnsafeMemberNameError,
     "backslash"),
    ("drive letter", lambda: make_zip([("C:/evil", b"x"), ("issue.json", _valid_json())]), UnsafeMemberNameError,
     "drive letter"),
    ("zip bomb", lambda: make_zip([("issue.json", _valid_json()), ("images/big.bin", b"\0" * (4 << 20))],
                                  zipfile.ZIP_DEFLATED), SizeLimitError, "zip bomb"),
    ("duplicate member", lambda: _duplicate_member_zip(), DamagedArchiveError, "appears twice"),
]


@pytest.mark.parametrize("name, make, error, text", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_files_raise_typed_errors_and_change_nothing(tmp_path, name, make, error, text):
    path = tmp_path / "bad.xjb"
    path.write_bytes(make())
    before = _snapshot(tmp_path)
    with pytest.raises(error) as info:
        load_issue(path)
    exc = info.value
    assert isinstance(exc, InvalidIssueFileError) and isinstance(exc, IssueFileError)
    assert text in exc.message
    assert exc.message_zh and exc.message_zh != exc.message
    assert "\n" not in exc.message and "\n" not in exc.message_zh
    assert exc.path == str(path)
    assert _snapshot(tmp_path) == before


def _duplicate_member_zip() -> bytes:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        return make_zip([("issue.json", _valid_json()), ("issue.json", _valid_json())])


def test_image_whose_bytes_do_not_match_its_hash_name():
    issue = small_issue()
    record = record_of(issue)
    member = record["images"][0]["member"]
    data = make_zip([("issue.json", json.dumps(record).encode()), (member, PNG_8x6[:-1] + b"X")])
    with pytest.raises(ImageHashMismatchError) as info:
        issue_from_bytes(data)
    assert member in info.value.message and "does not match its hash name" in info.value.message


def test_member_corrupted_on_disk_is_reported_as_damaged():
    data = bytearray(issue_to_bytes(small_issue()))
    at = data.index(b'"format_version"')
    data[at + 1] = ord("F")  # stored member: the CRC no longer matches
    with pytest.raises(DamagedArchiveError, match="damaged issue file"):
        issue_from_bytes(bytes(data))


def test_size_limits(monkeypatch):
    data = issue_to_bytes(small_issue())
    monkeypatch.setattr(xjb, "MAX_MEMBERS", 1)
    with pytest.raises(SizeLimitError, match=r"2 members \(limit 1\)"):
        issue_from_bytes(data)
    monkeypatch.undo()
    monkeypatch.setattr(xjb, "MAX_JSON_BYTES", 100)
    with pytest.raises(SizeLimitError, match="member 'issue.json' is"):
        issue_from_bytes(data)
    monkeypatch.undo()
    monkeypatch.setattr(xjb, "MAX_MEMBER_BYTES", 50)
    with pytest.raises(SizeLimitError, match="member 'images/"):
        issue_from_bytes(data)
    monkeypatch.undo()
    monkeypatch.setattr(xjb, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(SizeLimitError, match="uncompressed"):
        issue_from_bytes(data)


def test_declared_size_is_a_hard_cap():
    """A central directory that understates a member's size cannot make the reader read more."""
    data = bytearray(issue_to_bytes(small_issue()))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("issue.json")
    # Central directory entry: signature PK\1\2; uncompressed size at offset 24.
    cd = data.index(b"PK\x01\x02")
    assert data[cd + 46: cd + 46 + len("issue.json")] == b"issue.json"
    data[cd + 24: cd + 28] = (info.file_size - 10).to_bytes(4, "little")
    with pytest.raises(InvalidIssueFileError):
        issue_from_bytes(bytes(data))


def test_encrypted_or_unknown_compression_is_refused():
    data = bytearray(make_zip([("issue.json", _valid_json())]))
    cd = data.index(b"PK\x01\x02")
    data[cd + 10: cd + 12] = (14).to_bytes(2, "little")  # LZMA: not accepted in .xjb
    with pytest.raises(DamagedArchiveError, match="unsupported compression"):
        issue_from_bytes(bytes(data))
    data = bytearray(make_zip([("issue.json", _valid_json())]))
    cd = data.index(b"PK\x01\x02")
    data[cd + 8] |= 1
    with pytest.raises(DamagedArchiveError, match="encrypted"):
        issue_from_bytes(bytes(data))


def test_errors_form_one_hierarchy_with_two_languages():
    for cls in (NotAZipError, DamagedArchiveError, UnsafeMemberNameError, SizeLimitError, MissingIssueJsonError,
                InvalidJsonError, UnsupportedFormatVersionError, SchemaError, MissingImageError,
                ImageHashMismatchError):
        assert issubclass(cls, InvalidIssueFileError)
    for cls in (InvalidIssueFileError, FileAccessError, FileChangedError, UnsavableIssueError):
        assert issubclass(cls, IssueFileError)
    err = UnsupportedFormatVersionError(3, 1)
    assert str(err) == err.message and "update" in err.message.lower() and "升级" in err.message_zh
    assert set(fileformat.__all__) >= {"save_issue", "load_issue", "issue_to_bytes", "issue_from_bytes", "file_hash"}


# ----------------------------------------------------------------------------------------
# Every format version ever shipped keeps loading
# ----------------------------------------------------------------------------------------


def test_every_shipped_version_has_a_fixture():
    assert sorted(VERSION_HISTORY) == list(range(1, FORMAT_VERSION + 1))
    for version in VERSION_HISTORY:
        assert (FIXTURES / f"v{version}.xjb").is_file(), f"add tests/fixtures/format/v{version}.xjb"


def test_v1_fixture_loads_forever():
    path = FIXTURES / "v1.xjb"
    assert load_issue(path) == expected_v1_issue()
    if FORMAT_VERSION == 1:  # while v1 is current, the writer must reproduce the fixture exactly
        assert issue_to_bytes(expected_v1_issue()) == path.read_bytes()


# ----------------------------------------------------------------------------------------
# The committed sample
# ----------------------------------------------------------------------------------------


def _build_sample_module():
    spec = importlib.util.spec_from_file_location("build_sample", ROOT / "tools" / "build_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_sample_matches_the_script():
    module = _build_sample_module()
    built = module.build_sample_issue()
    committed = ROOT / "seeds" / "sample.xjb"
    assert load_issue(committed) == built
    assert issue_to_bytes(built) == committed.read_bytes(), "seeds/sample.xjb is stale: run tools/build_sample.py"
    assert hashlib.sha256(committed.read_bytes()).hexdigest() == file_hash(committed)


def test_sample_is_the_issue_the_brief_describes():
    issue = load_issue(ROOT / "seeds" / "sample.xjb")
    assert len(issue.pages) == 2 and all((p.width, p.height) == (273.0, 390.0) for p in issue.pages)
    front = issue.pages[0]
    assert {f.kind for f in front.frames} == {"text", "image", "rule", "box"}
    lead = next(f for f in front.frames if isinstance(f, TextFrame) and f.columns == 5)
    assert [i for i, _ in issue.thread(lead)] == [0, 1]
    image = issue.images[next(f for f in front.frames if isinstance(f, ImageFrame)).image]
    assert image.data[:3] == b"\xff\xd8\xff" and image.media_type == "image/jpeg"
    kinds = {p.kind for s in issue.stories.values() for p in s.parts}
    assert {PartKind.KICKER, PartKind.TITLE, PartKind.SUBTITLE, PartKind.BYLINE, PartKind.PARAGRAPH,
            PartKind.SUBHEAD, PartKind.PHOTO} <= kinds


def test_a_new_file_beside_a_target_never_takes_an_existing_name(tmp_path, monkeypatch):
    """``paths.new_file_beside`` (the temporary file of a save and of an export): a
    random hidden name beside the target, created exclusively; a name that is taken is
    drawn again, and after a hundred taken names it gives up."""
    import itertools

    from xjeditor import paths

    target = tmp_path / "issue.xjb"
    taken = tmp_path / f".issue.xjb.{os.getpid()}.{'00' * 6}.tmp"
    taken.write_bytes(b"someone else's")
    draws = itertools.chain([bytes(6)] * 3, itertools.repeat(b"\x01" * 6))
    monkeypatch.setattr(os, "urandom", lambda n: next(draws))
    fd, tmp = paths.new_file_beside(target)
    os.close(fd)
    assert tmp == tmp_path / f".issue.xjb.{os.getpid()}.{'01' * 6}.tmp" and tmp.read_bytes() == b""
    assert taken.read_bytes() == b"someone else's"
    monkeypatch.setattr(os, "urandom", lambda n: bytes(6))
    with pytest.raises(FileExistsError):
        paths.new_file_beside(target)
