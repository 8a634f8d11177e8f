"""Whole-process export benchmark: XJ Editor's PDF export against a Typst compile.

Exports the demo issue (``seeds/demo.xjb``, else ``seeds/sample.xjb``) and a 16-page
issue made from it (its pages repeated, stories and frames copied with new ids) by
running ``xjeditor export`` as a child process, cold (empty image cache) and warm, and
prints wall time and peak memory (the child's ru_maxrss, from ``os.wait4``). Then it
compiles an equivalent Typst document (the same stories' text, 5 columns, 小五 body, the
bundled fonts) in a child process and prints the ratio.

Targets (issue "Print-ready PDF export and preflight"): the demo export no slower than
the Typst compile; 16 pages under 2x the demo's time; peak memory under 300 MB.

Run: ``.venv/bin/python benchmarks/bench_export.py [--runs N]``; needs ``pip install
typst`` for the comparison (skipped with a note otherwise).
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from xjeditor.fileformat import load_issue, save_issue  # noqa: E402
from xjeditor.model import ImageFrame, Issue, PartKind, TextFrame  # noqa: E402

XJEDITOR = ROOT / ".venv" / "bin" / "xjeditor"
FONTS = ROOT / "resources" / "fonts"
MB = 1024 * 1024


def demo_path() -> Path:
    demo = ROOT / "seeds" / "demo.xjb"
    return demo if demo.exists() else ROOT / "seeds" / "sample.xjb"


def repeated(issue: Issue, pages: int) -> Issue:
    """The issue's pages repeated up to ``pages``; each copy's frames and stories get new
    ids (``<id>-copy<n>``) so threads and captions stay within their copy."""
    out = copy.deepcopy(issue)
    out.pages = []
    out.stories = {}
    n = len(issue.pages)
    for i in range(pages):
        k, src = divmod(i, n)
        page = copy.deepcopy(issue.pages[src])
        suffix = f"-copy{k}" if k else ""
        for f in page.frames:
            f.id += suffix
            if isinstance(f, TextFrame):
                if f.next:
                    f.next += suffix
                if f.story:
                    f.story += suffix
            elif isinstance(f, ImageFrame) and f.caption_story:
                f.caption_story += suffix
        out.pages.append(page)
        if src == n - 1 or i == pages - 1:
            for sid, story in issue.stories.items():
                s = copy.deepcopy(story)
                s.id = sid + suffix
                out.stories[s.id] = s
    used = {f.story for p in out.pages for f in p.frames if isinstance(f, TextFrame) and f.story}
    used |= {f.caption_story for p in out.pages for f in p.frames if isinstance(f, ImageFrame) and f.caption_story}
    out.stories = {k: v for k, v in out.stories.items() if k in used}
    return out


def run_child(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one child process; raises on failure."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.strip()[-500:]}")
    rss = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / MB
    return wall, rss


def bench_export(path: Path, out: Path, runs: int, cache: Path) -> dict[str, float]:
    env = {**os.environ, "XJEDITOR_CACHE_DIR": str(cache)}
    cmd = [str(XJEDITOR), "export", str(path), "-o", str(out)]
    cold = run_child(cmd, env)
    warm = [run_child(cmd, env) for _ in range(runs)]
    return {"cold": cold[0], "warm": min(w for w, _ in warm), "rss": max([cold[1], *(r for _, r in warm)])}


# ------------------------------------------------------------------ Typst


def _typst_text(s: str) -> str:
    out = []
    for ch in s:
        if ch in "\\#*_`$<>@[]=-+/~\"'":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def typst_source(issue: Issue) -> str:
    """A Typst document of the issue's stories: 四开 pages, 5 columns, 小五 书宋 body."""
    lines = [
        '#set page(width: 273mm, height: 390mm, margin: (x: 15mm, y: 20mm), columns: 5)',
        '#set columns(gutter: 4.76mm)',
        '#set text(font: "Noto Serif CJK SC", size: 9pt, lang: "zh", region: "cn")',
        '#set par(justify: true, leading: 4.5pt, first-line-indent: (amount: 2em, all: true))',
        '#show heading: set text(font: "Noto Sans CJK SC", size: 14pt)',
    ]
    for story in issue.stories.values():
        for part in story.parts:
            text = _typst_text(part.text.replace("\n", " "))
            if not text.strip():
                continue
            if part.kind in (PartKind.TITLE,):
                lines.append(f"\n= {text}\n")
            elif part.kind in (PartKind.KICKER, PartKind.SUBTITLE, PartKind.COLUMN_TAG, PartKind.SUBHEAD):
                lines.append(f'\n#text(font: "Noto Sans CJK SC")[{text}]\n')
            else:
                lines.append(f"\n{text}\n")
    return "\n".join(lines)


def bench_typst(issue: Issue, work: Path, runs: int) -> dict[str, float] | None:
    try:
        import typst  # noqa: F401
    except ImportError:
        return None
    src = work / f"issue-{len(issue.pages)}.typ"
    src.write_text(typst_source(issue), encoding="utf-8")
    out = work / f"typst-{len(issue.pages)}.pdf"
    code = (f"import typst; typst.compile({str(src)!r}, output={str(out)!r}, "
            f"font_paths=[{str(FONTS)!r}])")
    cmd = [sys.executable, "-c", code]
    results = [run_child(cmd) for _ in range(runs + 1)]
    return {"warm": min(w for w, _ in results), "rss": max(r for _, r in results)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="warm runs per case (the best is reported)")
    args = ap.parse_args()
    demo = demo_path()
    issue = load_issue(demo)
    with tempfile.TemporaryDirectory(prefix="xj-bench-") as tmp:
        work = Path(tmp)
        big = repeated(issue, 16)
        big_path = work / "issue16.xjb"
        save_issue(big, big_path)
        n = len(issue.pages)
        print(f"demo: {demo.relative_to(ROOT)} ({n} pages, {len(issue.stories)} stories); "
              f"16-page issue: {len(big.stories)} stories")
        small = bench_export(demo, work / "demo.pdf", args.runs, work / "cache")
        large = bench_export(big_path, work / "issue16.pdf", args.runs, work / "cache16")
        print(f"{'case':<22}{'cold s':>9}{'warm s':>9}{'peak MB':>9}")
        print(f"{'xjeditor export ' + str(n) + 'p':<22}{small['cold']:9.3f}{small['warm']:9.3f}{small['rss']:9.1f}")
        print(f"{'xjeditor export 16p':<22}{large['cold']:9.3f}{large['warm']:9.3f}{large['rss']:9.1f}")
        t_small = bench_typst(issue, work, args.runs)
        t_large = bench_typst(big, work, args.runs)
        if t_small and t_large:
            print(f"{'typst compile ' + str(n) + 'p':<22}{'':>9}{t_small['warm']:9.3f}{t_small['rss']:9.1f}")
            print(f"{'typst compile 16p':<22}{'':>9}{t_large['warm']:9.3f}{t_large['rss']:9.1f}")
            print(f"ratio xjeditor/typst: {n}p {small['warm'] / t_small['warm']:.2f}, "
                  f"16p {large['warm'] / t_large['warm']:.2f}  (target for {n}p: <= 1)")
        else:
            print("typst not installed (pip install typst): comparison skipped")
        print(f"16p / {n}p export time: {large['warm'] / small['warm']:.2f}  (target < 2)")
        print(f"peak memory: {max(small['rss'], large['rss']):.1f} MB  (target < 300)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
