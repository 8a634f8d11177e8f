import datetime as dt

import pytest

from xjeditor.model import (
    CMYK,
    ZIHAO,
    ImageAsset,
    Issue,
    Page,
    PartKind,
    Rect,
    Story,
    StoryPart,
    TextFrame,
    default_stylesheet,
    describe_size,
    mm_to_pt,
    pt_to_mm,
    pt_to_zihao,
    zihao_to_pt,
)


def test_zihao_table_matches_spec_r31():
    assert zihao_to_pt("小五") == 9.0
    assert zihao_to_pt("五号") == 10.5
    assert zihao_to_pt("初号") == 42.0
    assert zihao_to_pt("八号") == 5.0
    assert len(ZIHAO) == 16
    sizes = list(ZIHAO.values())
    assert sizes == sorted(sizes, reverse=True)


def test_size_names_round_trip_and_describe():
    for name, pt in ZIHAO.items():
        assert pt_to_zihao(pt) == name
    assert pt_to_zihao(9.5) is None
    assert describe_size(9) == "小五 (9 pt)"
    assert describe_size(9.5) == "9.5 pt"
    with pytest.raises(KeyError):
        zihao_to_pt("大五")


def test_mm_pt_conversion():
    assert mm_to_pt(25.4) == pytest.approx(72.0)
    assert pt_to_mm(9.0) == pytest.approx(3.175)


def test_cmyk_validates_and_flags_rich_black():
    with pytest.raises(ValueError):
        CMYK(1.2, 0, 0, 0)
    assert CMYK(1, 1, 1, 1).is_registration_black
    assert not CMYK(0, 0, 0, 1).is_registration_black
    assert CMYK(0.6, 0.4, 0.4, 1).total_ink == pytest.approx(240)


def test_default_styles_follow_house_rules():
    sheet = default_stylesheet()
    body = sheet.paragraph["body"]
    assert body.size == 9.0 and body.indent == 2.0 and body.line_gap == 0.5
    assert sheet.paragraph["note"].font == "kai"
    assert sheet.paragraph["subhead"].font == "hei"
    assert all(s.size >= 7.5 for s in sheet.paragraph.values())  # nothing below 六号 (R32)


def _issue_with_thread() -> Issue:
    issue = Issue(date=dt.date(2021, 1, 15))
    p1, p2 = Page(), Page()
    p1.frames.append(TextFrame("f1", Rect(14, 100, 245, 200), columns=5, story="s1", next="f2"))
    p2.frames.append(TextFrame("f2", Rect(14, 20, 245, 100), columns=5))
    issue.pages = [p1, p2]
    issue.stories["s1"] = Story("s1", parts=[StoryPart(PartKind.TITLE, "主题"),
                                             StoryPart(PartKind.PARAGRAPH, "正文 一段。")])
    return issue


def test_thread_follows_next_across_pages_and_stops_on_cycles():
    issue = _issue_with_thread()
    chain = issue.story_frames("s1")
    assert [(i, f.id) for i, f in chain] == [(0, "f1"), (1, "f2")]
    issue.pages[1].frames[0].next = "f1"  # a cycle must not loop forever
    assert [f.id for _, f in issue.story_frames("s1")] == ["f1", "f2"]


def test_ids_images_and_counts():
    issue = _issue_with_thread()
    assert issue.new_id("f") == "f3"
    assert issue.new_id("s") == "s2"
    key = issue.add_image(ImageAsset(b"abc", "image/jpeg", "a.jpg"))
    assert key == ImageAsset(b"abc", "image/jpeg").key and issue.images[key].extension == ".jpg"
    assert issue.stories["s1"].headline == "主题"
    assert issue.character_count == len("主题") + len("正文一段。")


def test_rect_rejects_negative_sizes_and_intersects():
    with pytest.raises(ValueError):
        Rect(0, 0, -1, 5)
    assert Rect(0, 0, 10, 10).intersects(Rect(5, 5, 10, 10))
    assert not Rect(0, 0, 10, 10).intersects(Rect(10, 0, 5, 5))


def test_an_image_key_is_hashed_once_for_given_bytes(monkeypatch):
    """Saving, drawing and the image cache all ask for an asset's key: its SHA-256 is
    made once per bytes object (and the file reader hands over the one it checked)."""
    import copy
    import hashlib

    from xjeditor.model import ImageAsset
    from xjeditor.model import image as image_module

    data = b"\xff\xd8\xff" + bytes(1000)
    want = hashlib.sha256(data).hexdigest()
    asset = ImageAsset(data, "image/jpeg", "a.jpg")
    assert asset.key == want
    calls = []
    real = image_module.hashlib.sha256
    monkeypatch.setattr(image_module.hashlib, "sha256", lambda b: calls.append(1) or real(b))
    assert asset.key == want and copy.deepcopy(asset).key == want and calls == []
    asset.data = data + b"\0"  # other bytes: hashed again
    assert asset.key == real(data + b"\0").hexdigest() and calls == [1]
    mutable = ImageAsset(bytearray(data), "image/jpeg")
    assert mutable.key == want and mutable.key == want and len(calls) == 3  # never kept
    told = ImageAsset.verified(data, "image/jpeg", "", want)
    assert told.key == want and len(calls) == 3
    assert told == ImageAsset(data, "image/jpeg", "")  # the kept key is not a field


def test_a_read_issue_knows_its_image_keys(monkeypatch):
    from xjeditor.fileformat import load_issue
    from xjeditor.model import image as image_module
    from xjeditor.paths import seeds_dir

    issue = load_issue(seeds_dir() / "demo.xjb")
    assert issue.images
    monkeypatch.setattr(image_module.hashlib, "sha256", lambda b: pytest.fail("hashed again"))
    assert all(asset.key == key for key, asset in issue.images.items())


def test_the_package_gives_every_public_name_of_its_modules():
    """Every public class, function and constant the model's modules define is named in
    ``xjeditor.model.__all__``, and the package gives the same object."""
    import importlib
    import inspect

    import xjeditor.model as model

    for where in ("color", "image", "issue", "story", "styles", "units"):
        module = importlib.import_module(f"xjeditor.model.{where}")
        for name, value in vars(module).items():
            if name.startswith("_") or inspect.ismodule(value):
                continue
            defined_here = getattr(value, "__module__", module.__name__) == module.__name__
            if defined_here and (inspect.isclass(value) or inspect.isfunction(value) or name.isupper()):
                assert name in model.__all__, name
                assert getattr(model, name) is value
