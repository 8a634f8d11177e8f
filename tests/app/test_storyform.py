"""The story form round-trips parts and keeps photos, styles and kinds."""

from __future__ import annotations

from pathlib import Path

from xjeditor.app.storyform import form_from_story, parts_from_form
from xjeditor.fileformat import load_issue
from xjeditor.model import PartKind

SAMPLE = Path(__file__).resolve().parents[2] / "seeds" / "sample.xjb"


def test_unchanged_form_gives_the_same_parts():
    issue = load_issue(SAMPLE)
    for story in issue.stories.values():
        assert parts_from_form(story, form_from_story(story)) == story.parts


def test_edits_keep_photos_subheads_and_order():
    issue = load_issue(SAMPLE)
    s3 = issue.stories["s3"]
    form = form_from_story(s3)
    assert form.body.splitlines()[-1] == "@photo 参观古北市民中心"
    form.body = "新的第一段。\n@subhead 新小标题\n" + form.body.replace("参观古北市民中心", "代表们参观")
    form.head[PartKind.SUBTITLE] = "副题一行\n副题二行"
    parts = parts_from_form(s3, form)
    kinds = [p.kind for p in parts]
    assert kinds[:2] == [PartKind.TITLE, PartKind.SUBTITLE]
    assert parts[1].text == "副题一行\n副题二行"
    assert kinds[2:4] == [PartKind.PARAGRAPH, PartKind.SUBHEAD]
    photo = parts[-1]
    old_photo = s3.parts_of(PartKind.PHOTO)[0]
    assert photo.kind == PartKind.PHOTO and photo.text == "代表们参观" and photo.image == old_photo.image
    form.head[PartKind.TITLE] = ""
    assert PartKind.TITLE not in [p.kind for p in parts_from_form(s3, form)]
