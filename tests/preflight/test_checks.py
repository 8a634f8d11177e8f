"""Each preflight check on a small hand-made issue."""

from __future__ import annotations

import dataclasses

from preflight_helpers import body, make_issue, png

from xjeditor.model import CMYK, CharacterStyle, ImageFrame, Rect, RuleFrame, TextFrame
from xjeditor.preflight import Finding, Severity, run_preflight


def codes(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.code, []).append(f)
    return out


def test_clean_issue_has_no_errors_or_warnings():
    found = run_preflight(make_issue())
    assert [f for f in found if f.severity != Severity.INFO] == []


def test_findings_are_bilingual_and_sorted():
    found = run_preflight(make_issue(pages=3, frames=[TextFrame("t9", Rect(20, 30, 50, 50))]))
    assert found and all(f.en and f.zh for f in found)
    assert found == sorted(found, key=lambda f: (f.page or 0, ["error", "warning", "info"].index(f.severity)))


def test_overset_story_with_its_figure():
    issue = make_issue([TextFrame("t1", Rect(20, 30, 40, 20), story="s1")], [body("社区新闻报道。" * 60)])
    (f,) = codes(run_preflight(issue))["overset"]
    assert f.severity == Severity.ERROR and f.ref == "s1" and f.ref_kind == "story" and f.page == 1
    assert "超" in f.zh and "字" in f.zh


def test_unplaced_story_is_a_warning():
    issue = make_issue()
    issue.stories["s2"] = body("没有排入的稿件。", "s2")
    (f,) = codes(run_preflight(issue))["story-unplaced"]
    assert f.severity == Severity.WARNING and f.ref == "s2"


def test_missing_character_names_story_and_character():
    issue = make_issue([TextFrame("t1", Rect(20, 30, 120, 100), columns=2, story="s1")],
                       [body("社区新闻\ue000报道。")])
    (f,) = codes(run_preflight(issue))["glyph-missing"]
    assert f.severity == Severity.ERROR and f.ref == "s1"
    assert "\ue000" in f.zh and "U+E000" in f.en and "缺字" in f.zh


def test_rich_black_text_style_is_an_error():
    issue = make_issue()
    style = issue.styles.paragraph["body"]
    issue.styles.paragraph["body"] = dataclasses.replace(style, color=CMYK(0.6, 0.6, 0.6, 1.0))
    issue.styles.add(CharacterStyle("loud", "强调", color=CMYK(1, 1, 1, 1)))
    found = codes(run_preflight(issue))["rich-black-text"]
    assert {f.ref for f in found} == {"body", "loud"}
    assert all(f.severity == Severity.ERROR and "R44" in f.en for f in found)


def test_page_count_not_a_multiple_of_four():
    assert "page-count" not in codes(run_preflight(make_issue(pages=4)))
    (f,) = codes(run_preflight(make_issue(pages=6)))["page-count"]
    assert f.severity == Severity.WARNING and f.page is None


def test_empty_frames_but_not_furniture_or_continuations():
    frames = [
        TextFrame("t1", Rect(20, 30, 60, 60), story="s1", next="t2"),
        TextFrame("t2", Rect(90, 30, 60, 60)),  # the thread continues here: not empty
        TextFrame("t3", Rect(20, 200, 60, 60)),
        ImageFrame("i1", Rect(90, 200, 60, 60)),
        TextFrame("_runninghead", Rect(20, 100, 60, 6)),
    ]
    found = codes(run_preflight(make_issue(frames, [body("社区新闻。" * 10)])))["frame-empty"]
    assert {(f.ref, f.severity) for f in found} == {("t3", Severity.WARNING), ("i1", Severity.WARNING)}


def test_story_named_by_a_frame_but_absent():
    issue = make_issue([TextFrame("t1", Rect(20, 30, 60, 60), story="nope")], [])
    (f,) = codes(run_preflight(issue))["story-missing"]
    assert f.severity == Severity.ERROR and f.ref == "t1"


def _image_issue(asset, rect=Rect(20, 30, 50, 50)):
    issue = make_issue()
    key = issue.add_image(asset)
    issue.pages[1].frames.append(ImageFrame("i1", rect, image=key))
    return issue


def test_image_resolution_thresholds():
    # 50 mm placed: 200 ppi needs 394 px, 100 ppi 197 px
    assert "image-low-ppi" not in codes(run_preflight(_image_issue(png((800, 800)))))
    (f,) = codes(run_preflight(_image_issue(png((300, 300)))))["image-low-ppi"]
    assert f.severity == Severity.WARNING and f.page == 2 and f.ref == "i1" and "152 ppi" in f.en
    (f,) = codes(run_preflight(_image_issue(png((150, 150)))))["image-low-ppi"]
    assert f.severity == Severity.ERROR


def test_missing_and_broken_images():
    issue = make_issue()
    issue.pages[0].frames.append(ImageFrame("i1", Rect(20, 200, 50, 50), image="ab" * 32))
    (f,) = codes(run_preflight(issue))["image-missing"]
    assert f.severity == Severity.ERROR and f.ref == "i1"
    good = png((800, 800))
    broken = dataclasses.replace(good, data=good.data[: len(good.data) // 3])
    (f,) = codes(run_preflight(_image_issue(broken)))["image-unreadable"]
    assert f.severity == Severity.ERROR and f.ref == "i1"


def test_rgb_image_is_info_and_grey_is_not():
    (f,) = codes(run_preflight(_image_issue(png((800, 800)))))["image-rgb"]
    assert f.severity == Severity.INFO
    assert "image-rgb" not in codes(run_preflight(_image_issue(png((800, 800), "L"))))
    assert "image-rgb" not in codes(run_preflight(_image_issue(png((800, 800), "CMYK"))))


def test_content_near_the_trim():
    frames = [TextFrame("t1", Rect(20, 30, 120, 100), columns=2, story="s1"),
              RuleFrame("r1", 2, 50, 100, 50), ImageFrame("i1", Rect(200, 300, 70, 50))]
    found = codes(run_preflight(make_issue(frames, [body("社区新闻。" * 10)])))
    assert {f.ref for f in found["frame-near-trim"]} == {"r1", "i1"}
    assert "frame-outside-type-area" not in found  # no layout: the 5 mm rule only


def test_content_outside_the_layouts_type_area():
    from xjeditor.layouts import available_layouts, load_layout

    names = [n for n, _ in available_layouts()]
    name = next((n for n in names if "sikai" in n), names[0])
    lay = load_layout(name)
    tx, ty, tw, th = lay.type_area
    issue = make_issue([TextFrame("t1", Rect(tx, ty, tw / 2, 60), columns=2, story="s1"),
                        ImageFrame("i1", Rect(tx + tw - 20, ty + 100, 19.5 + 1.5, 40))],
                       [body("社区新闻。" * 10)])
    for p in issue.pages:
        p.width, p.height = lay.page_width, lay.page_height
    issue.layout = name
    found = codes(run_preflight(issue))
    assert [f.ref for f in found["frame-outside-type-area"]] == ["i1"]


def test_unknown_layout_keeps_only_the_trim_rule():
    issue = make_issue([TextFrame("t1", Rect(6, 6, 100, 60), story="s1")], [body("社区新闻。" * 10)])
    issue.layout = "no-such-layout"
    found = codes(run_preflight(issue))
    assert "frame-outside-type-area" not in found and "frame-near-trim" not in found


def test_engine_notes_are_info():
    issue = make_issue([TextFrame("t1", Rect(20, 30, 41, 100), columns=1, story="s1")], [body("社区新闻。" * 10)])
    notes = [f for f in run_preflight(issue) if f.code.startswith("typeset-")]
    assert all(f.severity == Severity.INFO and f.ref == "s1" for f in notes)


def test_reuses_a_given_typeset_result():
    from xjeditor.pipeline import typeset_issue

    issue = make_issue()
    ts = typeset_issue(issue)
    assert run_preflight(issue, ts) == run_preflight(issue)
