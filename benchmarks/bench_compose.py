"""Composer speed: µs per character over the seed stories (target ≤ 2 µs/char).

Reads seeds/*.txt, one paragraph per blank-line-separated block (lines joined), and
composes every paragraph at 14 and 19 em with SyntheticMetrics, the cache cleared before
each pass. Also times recomposing one ~3,000-character story after a one-character edit
(target ≤ 20 ms), where the paragraph cache spares the unchanged paragraphs.

Usage: ``python benchmarks/bench_compose.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from xjeditor.typeset.compose import ComposeOptions, Run, clear_cache, compose_paragraph  # noqa: E402
from xjeditor.typeset.metrics import SyntheticMetrics  # noqa: E402

SIZE = 9.0


def seed_paragraphs() -> list[str]:
    paras: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        block: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines() + [""]:
            if line.strip():
                block.append(line.strip())
            elif block:
                paras.append("".join(block))
                block = []
    return paras


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    metrics = SyntheticMetrics()
    opts = ComposeOptions(punct="house", indent=2.0)
    paras = [Run(p, "song", SIZE, metrics) for p in seed_paragraphs()]
    chars = sum(len(r.text) for r in paras)
    print(f"{len(paras)} paragraphs, {chars} characters")
    for em in (14, 19):
        best = float("inf")
        for _ in range(args.repeat):
            clear_cache()
            t = time.perf_counter()
            for r in paras:
                compose_paragraph((r,), em * SIZE, opts)
            best = min(best, time.perf_counter() - t)
        print(f"{em} em: {best * 1e3:7.2f} ms   {best * 1e6 / chars:5.2f} µs/char")

    # a ~3,000-character story, edited in one place
    story: list[str] = []
    n = 0
    for p in seed_paragraphs():
        if len(p) > 40:
            story.append(p)
            n += len(p)
        if n >= 3000:
            break
    clear_cache()
    for p in story:
        compose_paragraph((Run(p, "song", SIZE, metrics),), 14 * SIZE, opts)
    mid = len(story) // 2
    edited = list(story)
    edited[mid] = edited[mid][:10] + "新" + edited[mid][10:]
    t = time.perf_counter()
    for p in edited:
        compose_paragraph((Run(p, "song", SIZE, metrics),), 14 * SIZE, opts)
    dt = time.perf_counter() - t
    clear_cache()
    t = time.perf_counter()
    for p in edited:
        compose_paragraph((Run(p, "song", SIZE, metrics),), 14 * SIZE, opts)
    full = time.perf_counter() - t
    print(f"story of {sum(map(len, edited))} characters in {len(edited)} paragraphs: "
          f"recompose after a one-character edit {dt * 1e3:.2f} ms (cold {full * 1e3:.2f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
