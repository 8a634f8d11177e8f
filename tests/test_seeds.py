"""Fidelity of the structured seed stories (seeds/stories/*.story) to the seed pages.

Every non-whitespace character of a seed page must end up, unchanged and exactly once,
either in one of its structured stories or in its furniture (seeds/stories/furniture.txt).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from xjeditor.fileformat.storytext import format_story, parse_story, parse_story_document
from xjeditor.model.story import HEADLINE_KINDS, PartKind, Story, StoryPart

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
STORIES = SEEDS / "stories"
FURNITURE = STORIES / "furniture.txt"

# The seed files are kept exactly as given.
SEED_SHA256 = {
    "000_8adf4515500a863f.txt": "7bf650471d9bb7b3",
    "001_f87e7bc10dbbc9ba.txt": "a1680ff675d4b47c",
    "002_aa3d413508ca966e.txt": "2eb1d03dec85a208",
    "003_ee5acbe57a11a691.txt": "50cc171f7c649580",
    "004_30f555d93aae8810.txt": "51e5afcc4f3b4b10",
}
SEED_NAMES = sorted(SEED_SHA256)

STORY_NAME_RE = re.compile(r"(\d{3})-(\d+)-([a-z]+)")
SENTENCE_END = tuple("。！？”!?…")

# Named exceptions to "every part is one contiguous run of the seed text".
# 004-4: the extraction put the story's opening at the very end of the page: the
# paragraph beginning 王炜表示 starts on the last seed line ("…责任重") and goes on
# right under the headline ("大，紧紧抢抓…"). Key: (story id, paragraph start);
# value: the text the paragraph is split before.
SPLIT_SOURCE_PARAGRAPHS = {
    ("004-4-jingji", "王炜表示"): "大，紧紧抢抓两个机遇",
}


def squeeze(text: str) -> str:
    """The text with all whitespace removed."""
    return "".join(text.split())


def printed_text(part: StoryPart) -> str:
    """The characters a part prints: a column tag is set in its brackets 【…】."""
    text = f"【{part.text}】" if part.kind == PartKind.COLUMN_TAG else part.text
    return text + part.credit


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@dataclass
class Furniture:
    lines: list[str] = field(default_factory=list)  # whole seed lines
    markup: list[tuple[str, str]] = field(default_factory=list)  # (marker, rest of the line)

    def characters(self) -> str:
        return "".join(self.lines) + "".join(marker for marker, _ in self.markup)


def load_furniture() -> dict[str, Furniture]:
    sections: dict[str, Furniture] = {}
    current: Furniture | None = None
    for line_no, raw in enumerate(FURNITURE.read_text(encoding="utf-8").split("\n"), start=1):
        line = raw.strip()
        if not line or (line.startswith("%") and not line.startswith("%%")):
            continue
        header = re.fullmatch(r"\[(.+\.txt)\]", line)
        if header:
            assert header.group(1) not in sections, f"furniture.txt:{line_no}: section given twice"
            current = sections[header.group(1)] = Furniture()
            continue
        assert current is not None, f"furniture.txt:{line_no}: line before the first [seed] header"
        if line.startswith("@markup "):
            marker, _, rest = line[len("@markup ") :].strip().partition(" ")
            current.markup.append((marker, rest.strip()))
        elif line.startswith(("@@", "%%")):
            current.lines.append(line[1:])
        else:
            assert not line.startswith("@"), f"furniture.txt:{line_no}: unknown directive"
            current.lines.append(line)
    return sections


def load_stories() -> dict[str, list[tuple[Path, Story]]]:
    """Seed file name -> its stories in file-name order."""
    by_seed: dict[str, list[tuple[Path, Story]]] = {name: [] for name in SEED_NAMES}
    for path in sorted(STORIES.glob("*.story")):
        doc = parse_story_document(path.read_text(encoding="utf-8"), path.stem)
        assert doc.source in by_seed, f"{path.name}: @source {doc.source!r} is not a seed file"
        by_seed[doc.source].append((path, doc.story))
    return by_seed


ALL_STORIES = load_stories()
ALL_FURNITURE = load_furniture()
STORY_PATHS = [path for stories in ALL_STORIES.values() for path, _ in stories]


def test_seed_files_are_unchanged():
    assert sorted(p.name for p in SEEDS.glob("*.txt")) == SEED_NAMES
    for name, digest in SEED_SHA256.items():
        assert hashlib.sha256((SEEDS / name).read_bytes()).hexdigest()[:16] == digest, name


def test_story_files_are_named_after_their_seed():
    assert len(STORY_PATHS) == 17
    for seed, stories in ALL_STORIES.items():
        assert stories, f"{seed} has no structured stories"
        orders = []
        for path, _ in stories:
            m = STORY_NAME_RE.fullmatch(path.stem)
            assert m, f"{path.name}: expected NNN-order-slug.story"
            assert m.group(1) == seed[:3], f"{path.name}: @source is {seed}"
            orders.append(int(m.group(2)))
        assert orders == list(range(1, len(stories) + 1)), seed


def test_furniture_has_a_section_per_seed_and_lines_from_the_seed():
    assert sorted(ALL_FURNITURE) == SEED_NAMES
    for name, furniture in ALL_FURNITURE.items():
        seed_lines = [line.strip() for line in seed_text(name).split("\n")]
        for line in furniture.lines:
            assert line in seed_lines, f"{name}: furniture line {line!r} is not a seed line"
        for marker, rest in furniture.markup:
            assert f"{marker} {rest}" in seed_lines, f"{name}: no seed line {marker} {rest}"


@pytest.mark.parametrize("seed", SEED_NAMES)
def test_no_character_lost_added_or_altered(seed):
    """(a) seed characters == story characters + furniture characters, as multisets."""
    expected = Counter(squeeze(seed_text(seed)))
    got = Counter(squeeze(ALL_FURNITURE[seed].characters()))
    for _, story in ALL_STORIES[seed]:
        for part in story.parts:
            got.update(squeeze(printed_text(part)))
    missing, extra = expected - got, got - expected
    assert not missing and not extra, f"missing {dict(missing)}, extra {dict(extra)}"


@pytest.mark.parametrize("seed", SEED_NAMES)
def test_every_part_is_a_contiguous_run_of_the_seed(seed):
    """(b) each part, whitespace removed, is a substring of the seed, whitespace removed."""
    flat = squeeze(seed_text(seed))
    for path, story in ALL_STORIES[seed]:
        for part in story.parts:
            text = squeeze(printed_text(part))
            split_before = next(
                (cut for (sid, start), cut in SPLIT_SOURCE_PARAGRAPHS.items()
                 if sid == story.id and part.text.startswith(start)),
                None,
            )
            if split_before is None:
                assert text in flat, f"{path.name}: {part.kind.value} not in seed: {part.text[:40]}"
                continue
            # The named exception: two runs, each contiguous, joined at a known point.
            assert part.kind == PartKind.PARAGRAPH
            head, sep, tail = text.partition(squeeze(split_before))
            assert sep and head, f"{path.name}: split point {split_before!r} not found"
            assert head in flat and sep + tail in flat, f"{path.name}: a fragment is not in the seed"
            assert text not in flat, f"{path.name}: exception no longer needed"


def test_every_named_exception_is_used():
    for sid, start in SPLIT_SOURCE_PARAGRAPHS:
        seed = next(name for name in SEED_NAMES if name.startswith(sid[:3]))
        stories = {story.id: story for _, story in ALL_STORIES[seed]}
        assert any(p.kind == PartKind.PARAGRAPH and p.text.startswith(start) for p in stories[sid].parts)


@pytest.mark.parametrize("path", STORY_PATHS, ids=lambda p: p.stem)
def test_story_shape(path):
    """(c) every story has a title; paragraphs are whole, headlines lead the story."""
    story = parse_story(path.read_text(encoding="utf-8"), path.stem)
    assert story.parts_of(PartKind.TITLE), f"{path.name} has no @title"
    assert story.title, f"{path.name} has no @story working title"
    for part in story.parts_of(PartKind.PARAGRAPH) + story.parts_of(PartKind.NOTE):
        assert "\n" not in part.text, f"{path.name}: a paragraph still has a line break"
        # A joined paragraph that stops mid-sentence would mean a wrong paragraph break.
        assert part.text.endswith(SENTENCE_END), f"{path.name}: paragraph ends mid-sentence: {part.text[-12:]}"
    kinds = [p.kind for p in story.parts]
    first_other = next((i for i, k in enumerate(kinds) if k not in HEADLINE_KINDS | {PartKind.BYLINE}), len(kinds))
    assert all(k not in HEADLINE_KINDS for k in kinds[first_other:]), f"{path.name}: headline part after the body"


@pytest.mark.parametrize("path", STORY_PATHS, ids=lambda p: p.stem)
def test_story_file_round_trips(path):
    """(d) parse -> format -> parse gives the same story (and the same source)."""
    doc = parse_story_document(path.read_text(encoding="utf-8"), path.stem)
    written = format_story(doc.story, source=doc.source)
    again = parse_story_document(written, path.stem)
    assert again.story == doc.story
    assert again.source == doc.source
    assert format_story(again.story, source=again.source) == written


def _story(story_id: str) -> Story:
    seed = next(name for name in SEED_NAMES if name.startswith(story_id[:3]))
    return next(story for _, story in ALL_STORIES[seed] if story.id == story_id)


def test_spot_checks_of_editorial_decisions():
    shangke = _story("000-1-shangke")
    assert [p.text for p in shangke.parts[:4]] == [
        "基层风采",
        "“五星奖”上科实业党支部：",
        "以“红色领航”激发企业新动能",
        "□记者 陈毓磊",
    ]
    assert shangke.parts[4].kind == PartKind.NOTE and shangke.parts[4].text.startswith("编者按：")
    # Joining lines adds nothing: "成立于 2003" + "年" keeps the source's one space.
    assert shangke.parts[5].text.startswith("上海上科实业公司党支部成立于 2003年，")
    assert shangke.parts_of(PartKind.SUBHEAD)[0].text == "加强思想引领\n孕育“红色基因”"
    assert [p.text for p in shangke.parts_of(PartKind.PHOTO)] == ["观影《攀登者》", "上科支部主题党日活动"]
    # Captions run together by the extraction are split back into two.
    assert [p.text for p in _story("003-1-jinbo").parts_of(PartKind.PHOTO)] == [
        "陈华文、、何泽岗为突击队总队授旗",
        "迎进博主题展会",
    ]
    assert [p.text for p in _story("003-2-yeweihui").parts_of(PartKind.PHOTO)] == [
        "长宁区社会治理专家指导团",
        "区委常委、、组织部部长宋宗德致辞",
        "新泾镇业委会共享联盟发布",
    ]
    # ASCII punctuation of 001 is kept as it is.
    assert _story("001-1-zhibu").parts[1].text.startswith("在刚刚闭幕的第二届进博会开展期间,新泾镇")
    assert _story("002-1-juxinhui").headline == "“聚新汇”闵北工业区旗舰店正式启用!"
