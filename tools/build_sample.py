#!/usr/bin/env python3
"""Build ``seeds/sample.xjb``: a small, realistic two-page issue for demos and tests.

    .venv/bin/python tools/build_sample.py [OUTPUT]

Two 四开 pages (273 × 390 mm). The front page has a five-column text frame whose story
continues in a frame on page 2, an image frame with a generated JPEG and its caption, a rule
and a box holding a short sidebar. Two of the stories are real seed stories read from
``seeds/stories/*.story``; the lead story is written here.

The output is deterministic: running the script twice gives identical bytes, and
``tests/test_fileformat.py`` checks that the committed sample equals what this script
builds. Re-run it after changing the format, the seed stories or this script.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from xjeditor.fileformat import issue_to_bytes, save_issue  # noqa: E402
from xjeditor.fileformat.storytext import parse_story  # noqa: E402
from xjeditor.model import (  # noqa: E402
    CMYK,
    BoxFrame,
    ImageAsset,
    ImageFrame,
    Issue,
    Page,
    PageKind,
    PartKind,
    Rect,
    RuleFrame,
    Story,
    StoryPart,
    TextFrame,
)

OUTPUT = ROOT / "seeds" / "sample.xjb"
SEED_STORIES = ROOT / "seeds" / "stories"
LEAD_STORY_SEED = "001-3-rendadaibiao.story"  # page 2, with a photo part
SIDEBAR_SEED = "001-2-shujiganyan.story"  # page 1, boxed


def make_photo() -> bytes:
    """A simple generated street scene as JPEG: sky, sun, houses, trees, a road."""
    from PIL import Image, ImageDraw

    w, h = 600, 400
    im = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(im)
    for y in range(260):  # sky: light blue fading to pale near the horizon
        t = y / 259
        draw.line([(0, y), (w, y)], fill=(int(120 + 110 * t), int(170 + 70 * t), int(230 + 20 * t)))
    draw.ellipse([470, 40, 540, 110], fill=(255, 214, 90))
    draw.rectangle([0, 260, w, h], fill=(120, 170, 90))  # lawn
    draw.polygon([(0, h), (w, h), (360, 280), (300, 280)], fill=(150, 150, 150))  # road
    for i, (x, floors, colour) in enumerate(((30, 4, (214, 196, 170)), (150, 6, (200, 120, 100)), (400, 5, (230, 220, 200)))):
        top = 260 - floors * 30
        draw.rectangle([x, top, x + 100, 260], fill=colour, outline=(90, 80, 70))
        for f in range(floors):
            for c in range(3):
                wx, wy = x + 12 + c * 30, top + 8 + f * 30
                lit = (i + f + c) % 3 == 0
                draw.rectangle([wx, wy, wx + 16, wy + 14], fill=(250, 230, 150) if lit else (110, 140, 170))
    for x in (270, 330, 560):  # trees
        draw.rectangle([x - 4, 230, x + 4, 270], fill=(110, 80, 50))
        draw.ellipse([x - 24, 190, x + 24, 238], fill=(60, 130, 60))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=82, optimize=False, progressive=False, subsampling=2)
    return out.getvalue()


def lead_story() -> Story:
    P = StoryPart
    return Story(
        "s1",
        title="邻里食堂开张",
        section="社区要闻",
        parts=[
            P(PartKind.KICKER, "家门口吃上热乎饭"),
            P(PartKind.TITLE, "新泾邻里食堂正式开张"),
            P(PartKind.SUBTITLE, "首月试运营每天供应午餐五百余份"),
            P(PartKind.BYLINE, "□通讯员 林晓雯"),
            P(
                PartKind.PARAGRAPH,
                "本月起，位于社区综合服务中心一楼的新泾邻里食堂正式对外营业。食堂营业面积约 400 平方米，"
                "设有 120 个座位，每天 10:30 至 13:00 供应午餐，17:00 至 18:30 供应晚餐。",
            ),
            P(
                PartKind.PARAGRAPH,
                "开张当天，不少居民一早就来排队。家住附近的王阿姨说：“以前老两口做饭要跑好几趟菜场，"
                "现在走五分钟就能吃上两荤一素，价钱也实惠。”",
            ),
            P(PartKind.SUBHEAD, "老人用餐有优惠"),
            P(
                PartKind.PARAGRAPH,
                "食堂对辖区内 70 周岁以上老人实行用餐优惠，刷社保卡即可享受。行动不便的独居老人，"
                "可通过居委会登记，由志愿者每天送餐上门。",
            ),
            P(
                PartKind.PARAGRAPH,
                "社区负责人介绍，食堂的菜单每周更新一次，并在微信公众号上提前公布，"
                "居民也可以通过意见箱推荐自己想吃的家常菜。",
            ),
            P(PartKind.SUBHEAD, "下一步扩大供应"),
            P(
                PartKind.PARAGRAPH,
                "据了解，试运营期间食堂每天供应午餐五百余份。下一步，社区将根据居民反馈调整菜品和营业时间，"
                "并计划在年内再开设两个助餐点，让更多居民在家门口吃上热乎饭。",
            ),
        ],
    )


def seed_story(file_name: str, story_id: str) -> Story:
    return parse_story((SEED_STORIES / file_name).read_text(encoding="utf-8"), story_id)


def build_sample_issue() -> Issue:
    issue = Issue(
        paper="新泾镇社区晨报",
        number=3,
        total_number=215,
        date=dt.date(2021, 3, 15),
        sponsor="新泾镇社区晨报编辑部（示例）",
        registration="内部资料 免费交流（示例）",
        address="编辑部地址：示例路 1 号  电话：021-0000 0000",
        printer="示例印刷厂",
        editors={"主编": "周明", "责任编辑": "林晓雯", "美术编辑": "陈一帆"},
        layout="",  # hand-placed frames: no layout furniture
    )
    photo = issue.add_image(ImageAsset(make_photo(), "image/jpeg", "linli-shitang.jpg"))

    lead = lead_story()
    caption = Story(
        "c1",
        title="图片说明：邻里食堂",
        parts=[StoryPart(PartKind.PHOTO, "开张当天，居民在邻里食堂排队取餐。", image=photo, credit="林晓雯")],
    )
    sidebar = seed_story(SIDEBAR_SEED, "s2")
    second = seed_story(LEAD_STORY_SEED, "s3")
    for part in second.parts:  # the seed story's photo has no picture yet: use the generated one
        if part.kind == PartKind.PHOTO and part.image is None:
            part.image = photo
    for story in (lead, caption, sidebar, second):
        issue.stories[story.id] = story

    front = Page(kind=PageKind.FRONT, section="社区要闻", editor="林晓雯", template="front")
    front.frames = [
        RuleFrame("r1", 14.0, 84.0, 259.0, 84.0, width=1.5),
        ImageFrame("i1", Rect(14.0, 90.0, 150.0, 100.0), image=photo, caption_story="c1"),
        BoxFrame("b1", Rect(168.0, 90.0, 91.0, 108.0), stroke=0.5, fill=CMYK(0.0, 0.0, 0.0, 0.08)),
        TextFrame("f2", Rect(171.0, 93.0, 85.0, 102.0), columns=2, gutter=3.175, story="s2"),
        TextFrame("f1", Rect(14.0, 204.0, 245.0, 172.0), columns=5, story="s1", next="f3", vertical_rule=True),
    ]
    inner = Page(kind=PageKind.INNER, section="综合新闻", editor="林晓雯", template="inner")
    inner.frames = [
        TextFrame("f3", Rect(14.0, 30.0, 245.0, 120.0), columns=5, vertical_rule=True),
        RuleFrame("r2", 14.0, 154.0, 259.0, 154.0, width=0.5),
        TextFrame("f4", Rect(14.0, 158.0, 245.0, 150.0), columns=4, story="s3", headline_columns=4),
    ]
    issue.pages = [front, inner]
    return issue


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else OUTPUT
    digest = save_issue(build_sample_issue(), output)
    print(f"wrote {output} ({len(issue_to_bytes(build_sample_issue())):,} bytes, sha256 {digest[:16]}…)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
