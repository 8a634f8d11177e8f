"""Which punctuation style explains the 社区晨报's original column lines? (spec R14)

Seeds 000 and 003 keep the column lines of the printed paper. For every body-text story
on them this tool

1. takes the non-blank lines between the story's column breaks, leaving out headlines,
   subheads and captions (the line ranges below were read off the seed files);
2. splits them into paragraphs (a paragraph's first line is indented 2 em, so it is
   about 2 em narrower than a full line, and follows a line ending a sentence);
3. finds the column width in em from the data: the measure that the full lines fit best;
4. for each candidate style composes every paragraph's joined text at that measure with a
   2-em indent, and counts how many of the original line breaks (inside paragraphs: the
   break after a paragraph's last line is given) land at the same character.

Usage: ``python tools/analyze_house_punct.py [--verbose] [--real-font]``
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from xjeditor.typeset.compose import ComposeOptions, Run, clear_cache, compose_paragraph  # noqa: E402
from xjeditor.typeset.metrics import SyntheticMetrics  # noqa: E402

# (seed file, first line, last line, lines to leave out): 1-based, inclusive.
STORIES = [
    ("000_8adf4515500a863f.txt", 7, 88, {15, 17, 39, 41, 65, 67}),  # 上科实业党支部
    ("000_8adf4515500a863f.txt", 106, 179, set()),  # 换届动员会
    ("000_8adf4515500a863f.txt", 184, 286, set()),  # 学习讨论会
    ("003_ee5acbe57a11a691.txt", 1, 68, set()),  # 进博先锋
    ("003_ee5acbe57a11a691.txt", 76, 145, set()),  # 初心讲堂
]

# name -> (punctuation style, Han-Latin spacing in em)
CANDIDATES = {
    "full": ("full", 0.25),
    "gb": ("gb", 0.25),
    "kaiming": ("kaiming", 0.25),
    "kaiming, solid Latin": ("kaiming", 0.0),
    "kaiming + line-end trim": ("kaiming-end", 0.25),
    "kaiming-end, solid Latin": ("kaiming-end", 0.0),
    "banjiao": ("banjiao", 0.25),
    "banjiao, solid Latin": ("banjiao", 0.0),
}

SENTENCE_END = "。！？”）：…"
M = SyntheticMetrics()
SIZE = 10.0


def normalise(line: str) -> str:
    line = line.strip()
    line = re.sub("—{3,}", "——", line)  # the PDF text layer gives the 2-em dash as three
    return line


def solid_em(text: str, punct: str = "kaiming") -> float:
    """Width in em of ``text`` set solid on one unjustified line."""
    p = compose_paragraph((Run(text, "song", SIZE, M),), 1e6,
                          ComposeOptions(punct=punct, align="left", avoid_orphans=False))
    return p.lines[0].natural_width / SIZE if p.lines else 0.0


def story_lines(seeds: Path, name: str, first: int, last: int, skip: set[int]) -> list[str]:
    raw = (seeds / name).read_text(encoding="utf-8").splitlines()
    out = []
    for no in range(first, last + 1):
        if no in skip:
            continue
        s = normalise(raw[no - 1])
        if s:
            out.append(s)
    return out


def find_measure(lines: list[str]) -> int:
    """The whole-em measure most full lines sit just under (compressed widths)."""
    widths = [solid_em(s) for s in lines]
    best, best_score = 0, -1
    for m in range(8, 30):
        score = sum(1 for w in widths if m - 1.0 <= w <= m + 0.01)
        if score > best_score:
            best, best_score = m, score
    return best


def paragraphs(lines: list[str], measure: int) -> list[list[str]]:
    """Split a story's lines into paragraphs: after a line that ends a sentence and falls
    at least 1.25 em short of what it should fill (the measure, or 2 em less for a
    paragraph's indented first line), a new paragraph starts."""
    paras: list[list[str]] = []
    for i, s in enumerate(lines):
        starts = i == 0
        if not starts:
            prev = lines[i - 1]
            expected = measure - (2.0 if len(paras[-1]) == 1 else 0.0)
            starts = prev[-1] in SENTENCE_END and solid_em(prev, "banjiao") <= expected - 1.25
        if starts:
            paras.append([s])
        else:
            paras[-1].append(s)
    return paras


def paragraph_measure(lines: list[str]) -> float:
    """The narrowest half-em measure that holds every full line of the paragraph with
    every mark at its narrowest (half an em): a lower bound no style can beat. Column
    widths vary inside a story where a photo cuts into the column."""
    full = lines[:-1] or lines
    widest = max(solid_em(s, "banjiao") + (2.0 if i == 0 else 0.0) for i, s in enumerate(full))
    return math.ceil(widest * 2.0 - 1e-6) / 2.0


def nonspace_breaks(lines: list[str]) -> list[int]:
    """Original break positions, counted in non-space characters from the paragraph start."""
    out, pos = [], 0
    for s in lines[:-1]:
        pos += len(s.replace(" ", ""))
        out.append(pos)
    return out


def _compose(text: str, measure: float, punct: str, han_latin: float, indent: float):
    opts = ComposeOptions(punct=punct, han_latin=han_latin, indent=indent)
    return compose_paragraph((Run(text, "song", SIZE, M),), measure * SIZE, opts)


def composed_breaks(text: str, measure: float, punct: str, han_latin: float) -> list[int]:
    para = _compose(text, measure, punct, han_latin, 2.0)
    out, pos = [], 0
    for ln in para.lines[:-1]:
        pos += len(text[ln.start:ln.end].replace(" ", ""))
        out.append(pos)
    return out


def line_hits(lines: list[str], measure: float, punct: str, han_latin: float) -> int:
    """Breaks reproduced line by line: starting each time from the original line start,
    does the composer end the line where the paper did?"""
    hit = 0
    for i in range(len(lines) - 1):
        rest = join(lines[i:])
        first = _compose(rest, measure, punct, han_latin, 2.0 if i == 0 else 0.0).lines[0]
        hit += len(rest[:first.end].replace(" ", "")) == len(lines[i].replace(" ", ""))
    return hit


def join(lines: list[str]) -> str:
    text = ""
    for s in lines:
        if text and text[-1].isascii() and text[-1].isalnum() and s[0].isascii() and s[0].isalnum():
            text += " "  # a Latin word or number never straddles a column line
        text += s
    return text


def analyse(verbose: bool = False) -> dict[str, tuple[int, int, int]]:
    """{candidate: (breaks reproduced composing whole paragraphs, breaks reproduced line by
    line, breaks)}; prints a table."""
    seeds = ROOT / "seeds"
    totals = {name: [0, 0, 0] for name in CANDIDATES}
    for file, first, last, skip in STORIES:
        lines = story_lines(seeds, file, first, last, skip)
        measure = find_measure(lines)
        paras = paragraphs(lines, measure)
        measures = [paragraph_measure(p) for p in paras]
        n_breaks = sum(len(p) - 1 for p in paras)
        shown = ", ".join(f"{m:g}" for m in measures)
        print(f"{file} lines {first}-{last}: {len(lines)} lines, {len(paras)} paragraphs, "
              f"column {measure} em (paragraphs: {shown}), {n_breaks} breaks inside paragraphs")
        for name, (punct, hl) in CANDIDATES.items():
            hit = lhit = 0
            for p, m in zip(paras, measures):
                orig = nonspace_breaks(p)
                got = set(composed_breaks(join(p), m, punct, hl))
                hit += sum(1 for b in orig if b in got)
                lhit += line_hits(p, m, punct, hl)
                if verbose and name == "banjiao" and set(orig) != got:
                    print("   ", m, p)
            t = totals[name]
            t[0] += hit
            t[1] += lhit
            t[2] += n_breaks
            print(f"    {name:26} paragraphs {hit:4d}/{n_breaks} {100.0 * hit / max(1, n_breaks):5.1f}%"
                  f"   lines {lhit:4d}/{n_breaks} {100.0 * lhit / max(1, n_breaks):5.1f}%")
    print("all stories (whole paragraphs composed; line by line):")
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][0], -kv[1][1]))
    for name, (hit, lhit, total) in ranked:
        print(f"    {name:26} {hit:4d}/{total} {100.0 * hit / max(1, total):5.1f}%"
              f"   {lhit:4d}/{total} {100.0 * lhit / max(1, total):5.1f}%")
    print(f"best: {ranked[0][0]}")
    clear_cache()
    return {k: (v[0], v[1], v[2]) for k, v in totals.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true", help="print paragraphs banjiao gets wrong")
    ap.add_argument("--real-font", action="store_true",
                    help="measure with the bundled 书宋 instead of synthetic widths")
    args = ap.parse_args()
    if args.real_font:
        global M
        from xjeditor.typeset.fonts import default_registry
        M = default_registry().metrics("song")
    analyse(args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
