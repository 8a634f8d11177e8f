"""A synthetic four-page 四开 issue as display pages, for size and speed checks.

Real text (the seed stories) set in six 12-character columns of 9 pt body with
headlines, subheads, captions, rules, boxes and two photos per page. The line breaking
is naive (fixed character count, no kinsoku): only the drawing cost matters here.
"""

from __future__ import annotations

import io
import random
import re
from pathlib import Path

from xjeditor.model import CMYK, ImageAsset
from xjeditor.typeset.display import Box, DisplayPage, GlyphRun, ImagePlacement, Rule

ROOT = Path(__file__).resolve().parents[2]
PT_PER_MM = 72 / 25.4
PAGE_W, PAGE_H = 273 * PT_PER_MM, 390 * PT_PER_MM
BODY = 9.0  # 小五
PITCH = 13.5
COLS, CHARS, GUTTER = 6, 12, 9.0
LEFT, TOP = 16 * PT_PER_MM, 20 * PT_PER_MM


def seed_text() -> str:
    parts = []
    for path in sorted((ROOT / "seeds" / "stories").glob("*.story")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith(("%", "@story", "@section", "@source")):
                parts.append(re.sub(r"^@\S+\s*", "", line).replace(" ", ""))
    return "".join(parts)


def photo(seed: int, size=(1600, 1067)) -> ImageAsset:
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    im = Image.linear_gradient("L").resize(size).convert("RGB")
    d = ImageDraw.Draw(im)
    for _ in range(40):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        d.ellipse((x, y, x + rnd.randrange(40, 300), y + rnd.randrange(40, 300)),
                  fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85)
    return ImageAsset(out.getvalue(), "image/jpeg", f"photo{seed}.jpg")


def sample_issue(with_images: bool = True) -> tuple[list[DisplayPage], dict[str, ImageAsset]]:
    text = seed_text()
    rnd = random.Random(7)
    images: dict[str, ImageAsset] = {}
    pages: list[DisplayPage] = []
    at = 0
    col_w = CHARS * BODY
    for number in range(1, 5):
        items = []
        # headline block across the page
        head = text[at : at + 16]
        at += 16
        items.append(GlyphRun("biaosong", 30, LEFT, TOP + 30, head, tuple(i * 30.0 for i in range(len(head))),
                              story=f"s{number}"))
        sub = text[at : at + 24]
        at += 24
        items.append(GlyphRun("hei", 14, LEFT, TOP + 56, sub, tuple(i * 14.0 for i in range(len(sub)))))
        items.append(Rule(LEFT, TOP + 66, PAGE_W - LEFT, TOP + 66, 0.5))
        photo_rows = set()
        if with_images:
            for k in range(2):
                asset = photo(number * 10 + k)
                images[asset.key] = asset
                cx = LEFT + (k * 3) * (col_w + GUTTER)
                cw = 3 * col_w + 2 * GUTTER
                cy, ch = TOP + 80, 20 * PITCH
                iw = cw * 1.1
                ih = iw * 1067 / 1600
                items.append(ImagePlacement((cx, cy, cw, ch), cx - (iw - cw) / 2, cy - (ih - ch) / 2, iw, ih,
                                            asset.key, frame=f"img{number}{k}"))
                cap = text[at : at + 30]
                at += 30
                items.append(GlyphRun("kai", 9, cx, cy + ch + 11, cap, tuple(i * 9.0 for i in range(len(cap)))))
            photo_rows = set(range(0, 23))
        for col in range(COLS):
            x = LEFT + col * (col_w + GUTTER)
            for row in range(70):
                if row in photo_rows:
                    continue
                y = TOP + 80 + row * PITCH + BODY
                line = text[at : at + CHARS]
                at += CHARS
                if at > len(text) - 100:
                    at = 0
                if row % 17 == 16:  # a subhead line
                    items.append(GlyphRun("hei", 10.5, x, y, line[:8], tuple(i * 10.5 for i in range(8))))
                    continue
                slack = rnd.choice((0.0, 0.0, 0.4, 0.9, 1.8))  # justification stretch
                step = BODY + slack / (CHARS - 1)
                items.append(GlyphRun("song", BODY, x, y, line, tuple(i * step for i in range(len(line))),
                                      story=f"s{number}"))
            if col:
                items.append(Rule(x - GUTTER / 2, TOP + 80, x - GUTTER / 2, TOP + 80 + 70 * PITCH, 0.25))
        items.append(Box(LEFT, PAGE_H - 60, PAGE_W - 2 * LEFT, 30, 0.5, CMYK(0, 0, 0, 1), CMYK(0, 0, 0, 0.1)))
        pages.append(DisplayPage(PAGE_W, PAGE_H, items, number=number))
    return pages, images


if __name__ == "__main__":  # python tests/render/pdf_samples.py out.pdf : a timed export
    import sys
    import time

    t0 = time.perf_counter()
    from xjeditor.render.pdf import render_pdf

    fonts_dir = ROOT / "resources" / "fonts"
    files = {"song": "NotoSerifCJKsc-Regular-xj.ttf", "biaosong": "NotoSerifCJKsc-Black-xj.ttf",
             "hei": "NotoSansCJKsc-Bold-xj.ttf", "kai": "XJWenKai-Regular.ttf"}
    t1 = time.perf_counter()
    pages, images = sample_issue(with_images="--no-images" not in sys.argv)
    t2 = time.perf_counter()
    render_pdf(pages, sys.argv[1], fonts=lambda key: fonts_dir / files[key], images=images, title="样张")
    t3 = time.perf_counter()
    chars = sum(len(it.text) for p in pages for it in p.items if isinstance(it, GlyphRun))
    print(f"import {t1 - t0:.3f} s, build display list {t2 - t1:.3f} s, render_pdf {t3 - t2:.3f} s, "
          f"{chars} characters, {Path(sys.argv[1]).stat().st_size} bytes")
