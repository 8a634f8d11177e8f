"""Editor benchmark with many camera photos: open → first painted page, and peak memory.

A 40-page issue is built from ``seeds/demo.xjb``'s four pages repeated ten times (frame
and story ids renamed per copy), every image frame pointing at its own generated photo:
110 JPEGs of 2400 × 1800 (gradients plus noise, quality 90), made in a temporary folder.

A child process (``QT_QPA_PLATFORM=offscreen``) imports the editor, makes the window,
opens the issue and reports the time from just before the parent started it to the end
of the first page item's ``paint`` (thumbnails included, as the window makes them on
open), then its peak resident memory (``ru_maxrss``).

Cold: a fresh, empty cache folder (``XJEDITOR_CACHE_DIR``) for each run. Warm: the same
folder again after one run has filled it. Medians over ``--runs`` runs.

Run: ``.venv/bin/python benchmarks/bench_pictures.py [--runs N] [--json OUT] [--src DIR]``
(``--src``: run the editor from another copy of ``src``, e.g. an older version, to compare;
data files still come from this checkout).
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEMO = ROOT / "seeds" / "demo.xjb"
COPIES = 10  # 4 pages × 10 = 40 pages, 11 photos × 10 = 110 photos
PHOTO_SIZE = (2400, 1800)

CHILD = r"""
import os, resource, sys, time
t0 = float(os.environ["XJ_BENCH_T0"])
from PySide6.QtCore import QSettings, QTimer
from xjeditor.app import canvas
from xjeditor.app.main import create_app, make_window

app = create_app()
painted = []
original = canvas.PageItem.paint

def paint(self, painter, option, widget=None):
    original(self, painter, option, widget)
    if not painted:
        painted.append(time.time() - t0)
        QTimer.singleShot(0, app.quit)

canvas.PageItem.paint = paint
settings = QSettings(os.environ["XJ_BENCH_SETTINGS"], QSettings.Format.IniFormat)
window = make_window(sys.argv[1], settings, remember=False)
window.show()
window.canvas.fit_page(0)
QTimer.singleShot(60000, app.quit)
app.exec()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(f"{painted[0] if painted else float('nan'):.4f} {rss / 1024:.1f}")
window.undo_stack.setClean()
window.close()
"""


def make_photo(seed: int) -> bytes:
    """A 2400 × 1800 JPEG that compresses like a photo: smooth gradients with noise."""
    from PIL import Image, ImageFilter

    rnd = random.Random(seed)
    w, h = PHOTO_SIZE
    small = Image.effect_noise((w // 8, h // 8), 60).convert("L")
    base = Image.merge("RGB", [Image.linear_gradient("L").resize((w // 8, h // 8)).rotate(rnd.randrange(360)),
                               small, Image.radial_gradient("L").resize((w // 8, h // 8))])
    im = base.resize((w, h), Image.Resampling.BILINEAR)
    grain = Image.effect_noise((w, h), 24).convert("L")
    im = Image.merge("RGB", [Image.blend(band, grain, 0.25) for band in im.split()])
    im = im.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90)
    return out.getvalue()


def build_issue(path: Path, photo_dir: Path) -> int:
    """Write the 40-page issue to ``path``; returns the number of photos."""
    from xjeditor.fileformat import load_issue, save_issue
    from xjeditor.model import ImageAsset, ImageFrame, TextFrame

    demo = load_issue(DEMO)
    issue = copy.deepcopy(demo)
    issue.pages = []
    issue.images = {}
    issue.stories = {}
    n = 0
    for c in range(COPIES):
        suffix = "" if c == 0 else f"-r{c}"
        photos: dict[str, str] = {}  # the demo's picture -> this copy's photo

        def photo_for(old: str) -> str:
            nonlocal n
            if old not in photos:
                photo = photo_dir / f"photo{n:03d}.jpg"
                if not photo.exists():
                    photo.write_bytes(make_photo(n))
                asset = ImageAsset(photo.read_bytes(), "image/jpeg", photo.name)
                issue.images[asset.key] = asset
                photos[old] = asset.key
                n += 1
            return photos[old]

        for page in demo.pages:
            p = copy.deepcopy(page)
            for f in p.frames:
                f.id = f.id + suffix
                if isinstance(f, TextFrame):
                    if f.story:
                        f.story = f.story + suffix
                    if f.next:
                        f.next = f.next + suffix
                elif isinstance(f, ImageFrame) and f.image:
                    f.image = photo_for(f.image)
            issue.pages.append(p)
        for story_id, story in demo.stories.items():
            s = copy.deepcopy(story)
            s.id = story_id + suffix
            for part in s.parts:
                if getattr(part, "image", None):
                    part.image = photo_for(part.image)
            issue.stories[s.id] = s
    save_issue(issue, path)
    return n


def run_child(issue: Path, cache: Path, settings: Path, src: Path) -> tuple[float, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XJ_BENCH_SETTINGS=str(settings),
               XJEDITOR_CACHE_DIR=str(cache), XJEDITOR_HOME=str(ROOT),
               PYTHONPATH=str(src) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env["XJ_BENCH_T0"] = repr(time.time())
    proc = subprocess.run([sys.executable, "-c", CHILD, str(issue)], env=env, capture_output=True,
                          text=True, timeout=300)
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"child failed:\n{proc.stderr}")
    seconds, mb = lines[-1].split()
    return float(seconds), float(mb)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--src", type=Path, default=ROOT / "src",
                    help="the source tree the editor is run from (to compare with another version)")
    ap.add_argument("--json", metavar="OUT", help="also write the results as JSON here ('-': stdout)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="xj-bench-pictures-") as tmp:
        tmp = Path(tmp)
        (tmp / "photos").mkdir()
        issue = tmp / "issue40.xjb"
        photos = build_issue(issue, tmp / "photos")
        issue_mb = round(issue.stat().st_size / 1e6, 1)
        settings = tmp / "settings.ini"
        cold, warm = [], []
        for i in range(args.runs):
            cold.append(run_child(issue, tmp / f"cache-cold-{i}", settings, args.src))
        warm_cache = tmp / "cache-warm"
        run_child(issue, warm_cache, settings, args.src)  # fills it
        for _ in range(args.runs):
            warm.append(run_child(issue, warm_cache, settings, args.src))
    result = {
        "pages": 4 * COPIES, "photos": photos, "photo_px": list(PHOTO_SIZE),
        "issue_mb": issue_mb, "runs": args.runs,
        "cold": {"first_paint_s": round(statistics.median(t for t, _ in cold), 3),
                 "peak_rss_mb": round(statistics.median(m for _, m in cold), 1),
                 "samples": cold},
        "warm": {"first_paint_s": round(statistics.median(t for t, _ in warm), 3),
                 "peak_rss_mb": round(statistics.median(m for _, m in warm), 1),
                 "samples": warm},
    }
    print(f"{result['pages']} pages, {photos} photos of {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]}, median of {args.runs}")
    for kind in ("cold", "warm"):
        r = result[kind]
        print(f"  {kind}: open -> first painted page {r['first_paint_s']:.2f} s, peak RSS {r['peak_rss_mb']:.0f} MB")
    if args.json == "-":
        print(json.dumps(result, indent=2))
    elif args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
