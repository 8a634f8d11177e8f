"""Export benchmark with many camera photos: ``xjeditor export`` time and peak memory.

The issue is the one ``bench_pictures.py`` builds: ``seeds/demo.xjb``'s four pages
repeated ten times (40 pages), every image frame pointing at its own generated photo,
110 JPEGs of 2400 × 1800 (gradients plus noise, quality 90).

Each run is ``python -m xjeditor export FILE -o out.pdf`` in a child process; its wall
time and peak resident memory (``ru_maxrss`` from ``os.wait4``: the largest of the
child and the processes it waited for, such as image workers; not their sum).

Cold: a fresh, empty cache folder (``XJEDITOR_CACHE_DIR``) for each run. Warm: the same
folder again after one run has filled it. Medians over ``--runs`` runs (at least 3).

Run: ``.venv/bin/python benchmarks/bench_export_photos.py [--runs N] [--json OUT] [--src DIR ...]``
(``--src OLD --src src`` compares two versions, their runs interleaved).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_pictures import COPIES, PHOTO_SIZE, build_issue  # noqa: E402


def run_export(issue: Path, out: Path, cache: Path, src: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one ``xjeditor export``."""
    env = dict(os.environ, XJEDITOR_CACHE_DIR=str(cache), XJEDITOR_HOME=str(ROOT),
               PYTHONPATH=str(src) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [sys.executable, "-m", "xjeditor", "export", str(issue), "-o", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"export failed ({os.waitstatus_to_exitcode(status)}): {err.strip()[-800:]}")
    return wall, usage.ru_maxrss / 1024  # KiB on Linux


def summary(samples: list[tuple[float, float]]) -> dict:
    return {"seconds": round(statistics.median(t for t, _ in samples), 3),
            "peak_rss_mb": round(statistics.median(m for _, m in samples), 1),
            "samples": [[round(t, 3), round(m, 1)] for t, m in samples]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--src", type=Path, action="append",
                    help="a source tree the export is run from (default: this checkout's); given more than "
                         "once, the trees' runs are interleaved, so that they share the machine's load alike")
    ap.add_argument("--json", metavar="OUT", help="also write the results as JSON here ('-': stdout)")
    args = ap.parse_args(argv)
    runs = max(3, args.runs)
    trees = args.src or [ROOT / "src"]
    with tempfile.TemporaryDirectory(prefix="xj-bench-export-photos-") as tmp:
        tmp = Path(tmp)
        (tmp / "photos").mkdir()
        issue = tmp / "issue40.xjb"
        photos = build_issue(issue, tmp / "photos")
        out = tmp / "out.pdf"
        cold: dict[int, list] = {t: [] for t in range(len(trees))}
        warm: dict[int, list] = {t: [] for t in range(len(trees))}
        for i in range(runs):
            for t, src in enumerate(trees):
                cold[t].append(run_export(issue, out, tmp / f"cache-cold-{t}-{i}", src))
        for t, src in enumerate(trees):
            run_export(issue, out, tmp / f"cache-warm-{t}", src)  # fills it
        for _ in range(runs):
            for t, src in enumerate(trees):
                warm[t].append(run_export(issue, out, tmp / f"cache-warm-{t}", src))
        common = {"pages": 4 * COPIES, "photos": photos, "photo_px": list(PHOTO_SIZE),
                  "issue_mb": round(issue.stat().st_size / 1e6, 1), "pdf_mb": round(out.stat().st_size / 1e6, 1),
                  "cpus": os.cpu_count(), "runs": runs, "load_avg": os.getloadavg()}
    results = [{**common, "src": str(src), "cold": summary(cold[t]), "warm": summary(warm[t])}
               for t, src in enumerate(trees)]
    print(f"{common['pages']} pages, {photos} photos of {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]}, "
          f"PDF {common['pdf_mb']} MB, {common['cpus']} CPUs, median of {runs}")
    for r in results:
        if len(results) > 1:
            print(f"  {r['src']}:")
        for kind in ("cold", "warm"):
            print(f"  {kind}: export {r[kind]['seconds']:.2f} s, peak RSS {r[kind]['peak_rss_mb']:.0f} MB")
    data = results[0] if len(results) == 1 else results
    if args.json == "-":
        print(json.dumps(data, indent=2))
    elif args.json:
        Path(args.json).write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
