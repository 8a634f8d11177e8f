"""Editor benchmarks: cold start to the first painted page, and keystroke-to-repaint latency.

1. Cold start: a child process (``QT_QPA_PLATFORM=offscreen``) imports the editor, makes
   the application and the window, opens ``seeds/demo.xjb`` and prints the time from just
   before the parent started it to the end of the first page item's ``paint``. Target ≤ 2 s.
2. Keystroke latency: the demo's longest story is grown to 3,000 characters; then 50
   one-character edits are pushed as undo commands, each timed from the push to the end of
   the repaint of the page the story starts on (the canvas fitted to that page). Median
   target ≤ 100 ms.

Run: ``.venv/bin/python benchmarks/bench_app.py [--runs N] [--edits N]``.
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
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEMO = ROOT / "seeds" / "demo.xjb"
STORY_CHARS = 3000

CHILD = r"""
import os, sys, time
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
QTimer.singleShot(30000, app.quit)
app.exec()
print(f"{painted[0]:.4f}" if painted else "nan")
window.undo_stack.setClean()
window.close()
"""


def cold_start(runs: int) -> list[float]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XJ_BENCH_SETTINGS=str(Path(tmp) / "s.ini"),
                   PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
        for _ in range(runs):
            env["XJ_BENCH_T0"] = repr(time.time())
            proc = subprocess.run([sys.executable, "-c", CHILD, str(DEMO)], env=env, capture_output=True,
                                  text=True, timeout=120)
            lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
            if proc.returncode != 0 or not lines:
                raise SystemExit(f"cold start child failed:\n{proc.stderr}")
            out.append(float(lines[-1]))
    return out


def keystroke_latency(edits: int) -> tuple[list[float], str, int]:
    from PySide6.QtCore import QSettings

    from xjeditor.app import canvas
    from xjeditor.app.commands import EditStoryCommand
    from xjeditor.app.main import create_app
    from xjeditor.app.window import MainWindow
    from xjeditor.model import PartKind, StoryPart

    app = create_app()
    painted: dict[int, float] = {}
    original = canvas.PageItem.paint

    def paint(self, painter, option, widget=None):
        original(self, painter, option, widget)
        painted[self.index] = time.perf_counter()

    canvas.PageItem.paint = paint
    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        try:
            window.resize(1400, 900)
            window.show()
            assert window.open_path(DEMO, remember=False)
            doc = window.doc
            sid = max((s for k, s in doc.issue.stories.items() if not k.startswith("_")),
                      key=lambda s: s.text_length()).id
            # grow the story to 3,000 characters with body paragraphs of ordinary news text
            probe = copy.deepcopy(doc.issue.stories[sid])
            filler = "社区志愿者风雨无阻，守护家园。居民们纷纷点赞，表示今后也要积极参与。"
            while probe.text_length() < STORY_CHARS:
                need = STORY_CHARS - probe.text_length()
                probe.parts.append(StoryPart(PartKind.PARAGRAPH, (filler * 4)[:need]))
            parts = probe.parts
            window.undo_stack.push(EditStoryCommand(doc, sid, parts))
            length = doc.issue.stories[sid].text_length()
            page = doc.issue.story_frames(sid)[0][0]
            window.canvas.fit_page(page)
            for _ in range(5):
                app.processEvents()

            times = []
            last = max(i for i, p in enumerate(parts) if p.kind == PartKind.PARAGRAPH)
            for n in range(edits):
                parts = doc.story_parts(sid)
                parts[last].text += "一二三四五六七八九十"[n % 10]  # one keystroke
                painted.pop(page, None)
                start = time.perf_counter()
                window.undo_stack.push(EditStoryCommand(doc, sid, parts))
                deadline = start + 10.0
                while page not in painted and time.perf_counter() < deadline:
                    app.processEvents()
                if page not in painted:
                    raise SystemExit("the edited page was never repainted")
                times.append(painted[page] - start)
            return times, sid, length
        finally:
            canvas.PageItem.paint = original
            window.undo_stack.setClean()
            window.close()
            window.deleteLater()
            app.processEvents()


def main() -> int:
    compileall.compile_dir(str(ROOT / "src"), quiet=1)  # as a wheel install leaves it
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="cold starts to time (default 3)")
    ap.add_argument("--edits", type=int, default=50, help="one-character edits to time (default 50)")
    args = ap.parse_args()

    starts = cold_start(args.runs)
    best, med = min(starts), statistics.median(starts)
    print(f"cold start to first painted page ({DEMO.name}): median {med:.3f} s, best {best:.3f} s "
          f"over {len(starts)} runs — target ≤ 2 s: {'OK' if med <= 2.0 else 'MISSED'}")

    times, sid, length = keystroke_latency(args.edits)
    ms = sorted(t * 1000 for t in times)
    med_ms = statistics.median(ms)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    print(f"keystroke to repaint (story {sid}, {length} characters, {len(ms)} edits): "
          f"median {med_ms:.1f} ms, p90 {p90:.1f} ms, max {ms[-1]:.1f} ms — target ≤ 100 ms: "
          f"{'OK' if med_ms <= 100 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
