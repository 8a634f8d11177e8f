"""Whole-process export benchmark: XJ Editor's PDF export against a Typst compile.

Exports the demo issue (``seeds/demo.xjb``, else ``seeds/sample.xjb``) and a 16-page
issue made from it (its pages repeated, stories and frames copied with new ids) by
running ``xjeditor export`` as a child process, cold (empty image cache) and warm, and
prints wall time and peak memory (the command's ru_maxrss, from ``os.wait4``). Each
warm export is followed at once by a compile of an equivalent Typst document (the demo
page for page: stories in frame order with their headline blocks, photos with captions,
the masthead; only the four bundled faces) in a child process: this VM's speed drifts
by up to half for seconds at a time, so the two are compared in pairs, and the ratio
printed is the median of the pairs' ratios. For the same reason the two issues are
exported in rounds (the demo, its Typst peer, 16 pages, theirs), and 16 pages against 4
is the median of the rounds' ratios; the ratio of the fastest times is printed beside it.

Targets (issue "Print-ready PDF export and preflight"): the demo export no slower than
the Typst compile; 16 pages under 2x the demo's time; peak memory under 300 MB.

Run: ``.venv/bin/python benchmarks/bench_export.py [--runs N]``; needs ``pip install
typst`` for the comparison (skipped with a note otherwise).
"""

from __future__ import annotations

import argparse
import compileall
import copy
import os
import statistics
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


def export_command(path: Path, out: Path, cache: Path) -> tuple[list[str], dict[str, str]]:
    return ([str(XJEDITOR), "export", str(path), "-o", str(out)],
            {**os.environ, "XJEDITOR_CACHE_DIR": str(cache)})


def bench_rounds(cases: dict[str, tuple[tuple[list[str], dict[str, str]], list[str] | None]],
                 runs: int) -> dict[str, dict]:
    """For each case (its export command and its ``peer``, the Typst compile): a cold
    export, then ``runs`` rounds in which every case's export is run warm, each followed
    at once by its peer, so that everything in a round is timed in the same moment:
    this VM's speed drifts by up to half for seconds at a time. Reports per case the
    fastest of each and the median of the per-round ratios to the peer, and per round
    each case's export time (for ratios between cases; robust to that drift too)."""
    out: dict[str, dict] = {}
    for name, (export, _) in cases.items():
        cold = run_child(*export)
        out[name] = {"cold": cold[0], "walls": [], "rss": [cold[1]], "peers": [], "ratios": []}
    for _ in range(runs):
        for name, (export, peer) in cases.items():
            wall, peak = run_child(*export)
            case = out[name]
            case["walls"].append(wall)
            case["rss"].append(peak)
            if peer is not None:
                t, _ = run_child(peer)
                case["peers"].append(t)
                case["ratios"].append(wall / t)
    for case in out.values():
        case["warm"], case["rss"] = min(case["walls"]), max(case["rss"])
        if case["peers"]:
            case["peer"], case["ratio"] = min(case["peers"]), statistics.median(case["ratios"])
    return out


# ------------------------------------------------------------------ Typst


def _typst_text(s: str) -> str:
    out = []
    for ch in s:
        if ch in "\\#*_`$<>@[]=-+/~\"'":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


# The bundled faces as Typst knows them: (family, weight) per font role.
_TYPST_FACES = {
    "song": ("Noto Serif CJK SC", "regular"),
    "biaosong": ("Noto Serif CJK SC", "black"),
    "hei": ("Noto Sans CJK SC", "bold"),
    "kai": ("XJ WenKai", "regular"),
}


def _typst_font(style) -> str:
    family, weight = _TYPST_FACES.get(str(style.font), _TYPST_FACES["song"])
    return f'font: "{family}", weight: "{weight}", size: {style.size}pt'


def typst_source(issue: Issue, work: Path) -> str:
    """A Typst document with the issue's content, page for page: 四开 pages of 5 columns,
    on each page its stories in frame order (headline block across the columns, then the
    body in the part styles' faces and sizes), its photos (the same JPEG files, written to
    ``work``) with captions, the masthead on page 1; the four bundled faces."""
    styles = issue.styles.paragraph
    body = styles["body"]
    lines = [
        '#set page(width: 273mm, height: 390mm, margin: (x: 15.85mm, y: 20mm), columns: 5)',
        '#set columns(gutter: 4.76mm)',
        f'#set text({_typst_font(body)}, lang: "zh", region: "cn")',
        f'#set par(justify: true, leading: {body.size * body.line_gap}pt, '
        'first-line-indent: (amount: 2em, all: true))',
    ]
    images: dict[str, str] = {}  # image key -> file written for it
    written: set[str] = set()  # stories already in the document (a thread's later frames)

    def image_file(key: str) -> str:
        if key not in images:
            asset = issue.images[key]
            name = f"img-{key[:16]}.{'png' if asset.media_type == 'image/png' else 'jpg'}"
            (work / name).write_bytes(asset.data)
            images[key] = name
        return images[key]

    def styled(part, text: str) -> str:
        st = styles.get(part.style_name) or body
        return f"#text({_typst_font(st)})[{_typst_text(text)}]"

    for n, page in enumerate(issue.pages):
        if n:
            lines.append("#pagebreak()")
        if n == 0:
            mast = styles.get("masthead") or body
            lines.append(f'#place(top + center, scope: "parent", float: true)'
                         f'[#text({_typst_font(mast)})[{_typst_text(issue.paper)}]]')
        for frame in page.frames:
            if isinstance(frame, ImageFrame) and frame.image in issue.images:
                cap = ""
                if frame.caption_story and frame.caption_story in issue.stories:
                    cap = " ".join(p.text for p in issue.stories[frame.caption_story].parts)
                lines.append(f'#figure(image("{image_file(frame.image)}", width: 100%), '
                             f'caption: [{_typst_text(cap)}])')
                continue
            if not isinstance(frame, TextFrame) or not frame.story or frame.story not in issue.stories:
                continue
            story = issue.stories[frame.story]
            if frame.story in written:  # a continuation: the story was written out before
                continue
            written.add(frame.story)
            head = [styled(p, p.text.replace("\n", " ")) for p in story.parts
                    if p.kind in (PartKind.COLUMN_TAG, PartKind.KICKER, PartKind.TITLE, PartKind.SUBTITLE)]
            if head:
                lines.append('#place(top, scope: "parent", float: true)[#align(center)['
                             + " \\ ".join(head) + "]]")
            for part in story.parts:
                if part.kind in (PartKind.COLUMN_TAG, PartKind.KICKER, PartKind.TITLE, PartKind.SUBTITLE):
                    continue
                text = part.text.replace("\n", " ")
                if part.kind == PartKind.PHOTO:
                    if part.image in issue.images:
                        lines.append(f'#figure(image("{image_file(part.image)}", width: 100%), '
                                     f'caption: [{_typst_text(text)}])')
                    continue
                if not text.strip():
                    continue
                if part.kind == PartKind.NOTE:
                    lines.append(f"#block(stroke: 0.5pt, inset: 9pt)[{styled(part, text)}]")
                elif part.kind == PartKind.PARAGRAPH:
                    lines.append(f"\n{_typst_text(text)}\n")
                else:
                    lines.append(f"\n{styled(part, text)}\n")
    return "\n".join(lines)


def typst_command(issue: Issue, work: Path) -> list[str] | None:
    """The command compiling the Typst twin of ``issue`` (written to ``work``); None
    without the typst package."""
    try:
        import typst  # noqa: F401
    except ImportError:
        return None
    src = work / f"issue-{len(issue.pages)}.typ"
    src.write_text(typst_source(issue, work), encoding="utf-8")
    out = work / f"typst-{len(issue.pages)}.pdf"
    code = (f"import typst; typst.compile({str(src)!r}, output={str(out)!r}, "
            f"font_paths=[{str(FONTS)!r}], ignore_system_fonts=True)")
    cmd = [sys.executable, "-c", code]
    run_child(cmd)  # once, unmeasured: its files in the page cache like the export's
    return cmd


def main() -> int:
    # Time the app with its bytecode compiled, as a wheel install leaves it.
    compileall.compile_dir(str(ROOT / "src"), quiet=1)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7,
                    help="rounds of warm runs, each export paired with a Typst run (the best time is reported)")
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
        peer_small = typst_command(issue, work)
        peer_large = typst_command(big, work)
        results = bench_rounds({
            "small": (export_command(demo, work / "demo.pdf", work / "cache"), peer_small),
            "large": (export_command(big_path, work / "issue16.pdf", work / "cache16"), peer_large),
        }, args.runs)
        small, large = results["small"], results["large"]
        # 16 pages against 4, round by round (the two exports of a round ran seconds apart)
        growth = statistics.median(b / a for a, b in zip(small["walls"], large["walls"]))
        print(f"{'case':<22}{'cold s':>9}{'warm s':>9}{'peak MB':>9}")
        print(f"{'xjeditor export ' + str(n) + 'p':<22}{small['cold']:9.3f}{small['warm']:9.3f}{small['rss']:9.1f}")
        print(f"{'xjeditor export 16p':<22}{large['cold']:9.3f}{large['warm']:9.3f}{large['rss']:9.1f}")
        # What any export pays before it does anything: Python importing the PDF library
        # the project is built on (reportlab).
        floor = min(run_child([sys.executable, "-c", "import reportlab.pdfgen.canvas"])[0]
                    for _ in range(args.runs + 1))
        print(f"{'imports only (floor)':<22}{'':>9}{floor:9.3f}   python + reportlab")
        if peer_small and peer_large:
            print(f"{'typst compile ' + str(n) + 'p':<22}{'':>9}{small['peer']:9.3f}")
            print(f"{'typst compile 16p':<22}{'':>9}{large['peer']:9.3f}")
            print(f"ratio xjeditor/typst (median of {args.runs} back-to-back pairs): {n}p {small['ratio']:.2f}, "
                  f"16p {large['ratio']:.2f}  (target for {n}p: <= 1)")
        else:
            print("typst not installed (pip install typst): comparison skipped")
        print(f"16p / {n}p export time (median of {args.runs} rounds): {growth:.2f}; "
              f"fastest against fastest: {large['warm'] / small['warm']:.2f}  (target < 2)")
        print(f"peak memory: {max(small['rss'], large['rss']):.1f} MB  (target < 300)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
