"""Fuzzing the whole pipeline with hostile issue files.

Hypothesis mutates the demo issue's ``issue.json`` (seeds/demo.xjb): numbers at and just
past every bound of the schema and far beyond, wrong types, missing and extra keys,
threads that loop, references to nothing, odd Unicode (control characters, U+FEFF, lone
surrogates, right-to-left text, emoji, Ext-B Han). Each example then goes through load
-> typeset -> preflight -> PDF in a child process, under a memory limit (RLIMIT_AS) and a
time limit: it either is refused while loading (one line naming the problem) or gives a
valid PDF. Never a traceback.

Most examples run in a forked copy of the test process, which has already imported
everything and set the seed once (cheap); a few run the real command line instead
(``xjeditor export``, ``preflight``, ``render`` in a new interpreter), which must exit 0
(or 1: preflight found errors) with a valid PDF or PNG, or exit 2 with exactly one line
on stderr.

CI runs a few dozen examples. ``make fuzz`` runs batches for ten minutes
(``XJEDITOR_FUZZ_SECONDS=600``).
"""

from __future__ import annotations

import copy
import io
import json
import math
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not sys.platform.startswith("linux"),
                                reason="children are forked and limited with setrlimit (Linux)")

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "seeds" / "demo.xjb"
FUZZ_SECONDS = float(os.environ.get("XJEDITOR_FUZZ_SECONDS") or 0)
MEMORY_LIMIT = 1536 << 20  # bytes of address space a CLI child may map (1.5 GiB)
EXTRA_MEMORY = 1536 << 20  # what a forked child may map beyond the test process
TIME_LIMIT = 60.0  # seconds per example
PEAK_RSS_LIMIT_KIB = 1 << 20  # resident memory a command may reach (1 GiB)

with zipfile.ZipFile(DEMO) as _z:
    SEED: dict = json.loads(_z.read("issue.json"))
    IMAGES: dict[str, bytes] = {n: _z.read(n) for n in _z.namelist() if n != "issue.json"}


# ----------------------------------------------------------------------------- values

# The schema's bounds by field name (docs/FORMAT.md, "Bounds"); a rect's and a rule's
# coordinates depend on the page (273 x 390 mm in the demo) and a margin of 100 mm. (A
# colour's "y" gets a rect's bounds: far past its own, which is as good a test.)
BOUNDS: dict[str, tuple[float, float]] = {
    "width": (50.0, 1200.0), "height": (50.0, 1200.0),  # pages (a rule's width: 0-72 pt, below)
    "x": (-100.0, 373.0), "y": (-100.0, 490.0), "w": (0.0, 473.0), "h": (0.0, 590.0),
    "x1": (-100.0, 373.0), "x2": (-100.0, 373.0), "y1": (-100.0, 490.0), "y2": (-100.0, 490.0),
    "columns": (1, 99), "headline_columns": (0, 99), "gutter": (0.0, 100.0),
    "scale": (0.01, 100.0), "offset_x": (-2500.0, 2500.0), "offset_y": (-2500.0, 2500.0),
    "runaround_gap": (0.0, 100.0), "stroke": (0.0, 72.0),
    "size": (2.0, 400.0), "line_gap": (0.0, 5.0), "indent": (-20.0, 20.0),
    "han_latin_space": (0.0, 2.0), "tracking": (-0.5, 2.0),
    "space_before": (0.0, 100.0), "space_after": (0.0, 100.0), "max_lines": (0, 9999),
    "c": (0.0, 1.0), "m": (0.0, 1.0), "k": (0.0, 1.0),
    "number": (0, 10**9), "total_number": (0, 10**9), "start": (0, 60), "end": (0, 60),
}
LINE_PT = (0.0, 72.0)
WILD_NUMBERS = [0, -0.0, 1, -1, 0.5, 1e-9, -1e-9, 1e-300, 5e-324, 1e9, -1e9, 1e15, 1e300, 1e308, -1e308,
                2**53 + 1, 10**20, -(10**20), 10**400, math.nan, math.inf, -math.inf]
WRONG_TYPES = [None, True, False, "", "12", "1e9", [], {}, [1, 2], {"x": 1}, 12, 1.5, -7]
ODD_TEXTS = [
    "", " ", "\x00", "\x07\x1b[31m", "a\x00b", "\ufeff", "\ufeff新泾镇\ufeff", "\ud800", "前\udfff后",
    "\u202e倒序\u202c", "שלום עולם", "مرحبا بالعالم", "😀🎉🏮🧧👍🏻🇨🇳👨‍👩‍👧", "𠀀𪚥𫝀𬺰", "e\u0301\u0301\u0301",
    "\n\n\n", "\t", "\u2028\u2029", "\uffff\ufffe", "\U0010ffff", "《》（）“”", "　　　", "新" * 3000,
    "A" * 2000, "1234567890" * 200, "〇" + "\u3000" * 50 + "〇", "../../etc/passwd", "C:\\con", "%s%n{0}",
]
REFERENCE_FIELDS = ("story", "next", "image", "caption_story", "style")


def _leaves(node, path=()):
    """(path, value) of every value in a record, containers included, parents first."""
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, path + (i,))


class _Skip(Exception):
    """A mutation that does not apply to the record as earlier ones left it."""


def _choose(draw, seq):
    """One element of ``seq`` (made from the record, so possibly empty)."""
    seq = list(seq)
    if not seq:
        raise _Skip
    return seq[draw(st.integers(0, len(seq) - 1))]


def _parent(record, path):
    node = record
    for p in path[:-1]:
        node = node[p]
    return node


def _number_for(draw, path) -> object:
    key = path[-1] if path else ""
    if key == "width" and "frames" in path:
        bounds = LINE_PT
    else:
        bounds = BOUNDS.get(key) if isinstance(key, str) else None
    choices = []
    if bounds is not None:
        lo, hi = bounds
        if isinstance(lo, int) and isinstance(hi, int):
            choices += [lo, hi, lo - 1, hi + 1, (lo + hi) // 2]
        else:
            choices += [lo, hi, math.nextafter(lo, -math.inf), math.nextafter(hi, math.inf), (lo + hi) / 2,
                        lo + (hi - lo) * 1e-9, hi - (hi - lo) * 1e-9]
        in_range = (st.integers(lo, hi) if isinstance(lo, int) and isinstance(hi, int)
                    else st.floats(lo, hi, allow_nan=False))
        return draw(st.sampled_from(choices) | in_range | st.sampled_from(WILD_NUMBERS))
    return draw(st.sampled_from(WILD_NUMBERS))


def _mutate_number(draw, record):
    paths = [p for p, v in _leaves(record) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    path = _choose(draw, paths)
    _parent(record, path)[path[-1]] = _number_for(draw, path)


def _mutate_all_of_a_field(draw, record):
    """One field set to one value everywhere it occurs (every style's size, say)."""
    key = draw(st.sampled_from(sorted(BOUNDS) + ["width", "size", "line_gap"]))
    paths = [p for p, v in _leaves(record) if p and p[-1] == key and isinstance(v, (int, float))]
    if paths:
        value = _number_for(draw, paths[0])
        for p in paths:
            _parent(record, p)[p[-1]] = value


def _bound_everywhere(draw, record):
    """One field set to one of its bounds, or just past it, everywhere it occurs (every
    frame's height 0, every style's size 2 pt)."""
    key = draw(st.sampled_from(sorted(BOUNDS)))
    lo, hi = BOUNDS[key]
    integer = isinstance(lo, int) and isinstance(hi, int)
    value = draw(st.sampled_from([lo, hi, lo - 1 if integer else math.nextafter(lo, -math.inf),
                                  hi + 1 if integer else math.nextafter(hi, math.inf)]))
    for p, v in list(_leaves(record)):
        if p and p[-1] == key and isinstance(v, (int, float)) and not isinstance(v, bool):
            if key == "width" and "frames" in p:
                continue  # (a rule's width has other bounds)
            _parent(record, p)[p[-1]] = value


def _wrong_type(draw, record):
    path = _choose(draw, [p for p, _ in _leaves(record) if p])
    _parent(record, path)[path[-1]] = draw(st.sampled_from(WRONG_TYPES))


def _missing_key(draw, record):
    paths = [p for p, v in _leaves(record) if isinstance(v, dict) and v]
    path = _choose(draw, paths)
    node = _parent(record, path + ("",)) if path else record
    del node[_choose(draw, sorted(node))]


def _extra_key(draw, record):
    paths = [p for p, v in _leaves(record) if isinstance(v, dict)]
    node = _parent(record, _choose(draw, paths) + ("",))
    node[draw(st.sampled_from(["extra", "", "\ufeffid", "Width", "__proto__"]))] = draw(
        st.sampled_from(WRONG_TYPES + [0.0]))


def _thread_loop(draw, record):
    text = [f for p in record["pages"] for f in p["frames"] if f.get("kind") == "text"]
    a, b = _choose(draw, text), _choose(draw, text)
    a["next"] = b["id"]  # itself, a frame earlier in its thread, or another story's frame
    if draw(st.booleans()):
        b["next"] = a["id"]


def _unknown_reference(draw, record):
    paths = [p for p, v in _leaves(record) if p and p[-1] in REFERENCE_FIELDS and not isinstance(v, (dict, list))]
    path = _choose(draw, paths)
    frame_ids = [f["id"] for p in record["pages"] for f in p["frames"]]
    story_ids = [s["id"] for s in record["stories"]]
    _parent(record, path)[path[-1]] = draw(st.sampled_from(["ghost", "", "\ufeff", "0" * 64, None])
                                           | st.sampled_from(["ghost"] + frame_ids + story_ids))


def _odd_text(draw, record):
    paths = [p for p, v in _leaves(record) if isinstance(v, str)]
    path = _choose(draw, paths)
    node = _parent(record, path)
    odd = draw(st.sampled_from(ODD_TEXTS) | st.text(max_size=40))
    node[path[-1]] = draw(st.sampled_from([odd, node[path[-1]] + odd, odd + node[path[-1]]]))


def _empty_collection(draw, record):
    where = draw(st.sampled_from(["pages", "stories", "paragraph", "character", "frames", "parts", "editors"]))
    if where in ("paragraph", "character"):
        record["styles"][where] = []
    elif where == "frames":
        _choose(draw, record["pages"])["frames"] = []
    elif where == "parts":
        _choose(draw, record["stories"])["parts"] = []
    elif where == "editors":
        record["issue"]["editors"] = []
    else:
        record[where] = []


def _duplicate(draw, record):
    page = _choose(draw, record["pages"])
    if page["frames"]:
        page["frames"].append(copy.deepcopy(_choose(draw, page["frames"])))
    else:
        record["pages"].append(copy.deepcopy(page))


def _style_font(draw, record):
    styles = record["styles"]["paragraph"] + record["styles"]["character"]
    if styles:
        _choose(draw, styles)["font"] = draw(st.sampled_from(
            ["song", "hei", "kai", "biaosong", "No Such Family", "Noto Serif CJK SC", "", "SONG", "\ufeffkai", None]))


def _layout_name(draw, record):
    record["issue"]["layout"] = draw(st.sampled_from(
        ["", "社区晨报-四开", "newsletter-a4", "nonexistent", "../../../etc/passwd", "/etc/passwd", "\x00", "a" * 300]))


MUTATIONS = [_mutate_number, _mutate_number, _mutate_all_of_a_field, _bound_everywhere, _bound_everywhere,
             _wrong_type, _missing_key, _extra_key,
             _thread_loop, _unknown_reference, _odd_text, _odd_text, _empty_collection, _duplicate,
             _style_font, _layout_name]


@st.composite
def hostile_files(draw) -> bytes:
    record = copy.deepcopy(SEED)
    for _ in range(draw(st.integers(1, 4))):
        try:
            draw(st.sampled_from(MUTATIONS))(draw, record)
        except (_Skip, KeyError, IndexError, TypeError, AttributeError):
            pass  # (an earlier mutation changed the shape this one looks for)
    # ASCII JSON (lone surrogates escaped, as another program might write them);
    # NaN and Infinity become the literals the reader refuses
    text = json.dumps(record, ensure_ascii=draw(st.booleans()) or _has_surrogate(record))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("issue.json", text.encode("utf-8"))
        for name, data in IMAGES.items():
            z.writestr(name, data)
    return buf.getvalue()


def _has_surrogate(record) -> bool:
    return any(isinstance(v, str) and not _encodable(v) for _, v in _leaves(record))


def _encodable(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# ----------------------------------------------------------------------------- running


def _pipeline(data: bytes, out: Path) -> str:
    """Load, typeset, preflight and write the PDF in this process: 'refused' or 'pdf'."""
    from xjeditor.fileformat import IssueFileError, issue_from_bytes
    from xjeditor.preflight import run_preflight
    from xjeditor.pipeline import typeset_issue
    from xjeditor.render.export import write_pdf

    try:
        issue = issue_from_bytes(data)
    except IssueFileError as exc:
        message = " ".join(exc.message.split())  # (as the CLI prints it: one line)
        assert message and exc.message_zh, "an error without a message"
        return "refused"
    ts = typeset_issue(issue)
    run_preflight(issue, ts)
    write_pdf(ts, out)
    return "pdf"


def _address_space() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _in_child(data: bytes, out: Path) -> tuple[str, str]:
    """``_pipeline`` in a forked child with a memory and a time limit: (outcome, detail)."""
    import resource

    limit = _address_space() + EXTRA_MEMORY
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 1
        try:
            os.close(read_end)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            signal.alarm(int(TIME_LIMIT))
            outcome = _pipeline(data, out)
            os.write(write_end, outcome.encode())
            status = 0
        except BaseException:  # noqa: BLE001 - reported to the parent
            try:
                os.write(write_end, ("traceback:" + traceback.format_exc()[-6000:]).encode("utf-8", "replace"))
            except BaseException:  # noqa: BLE001
                pass
        finally:
            os._exit(status)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + TIME_LIMIT + 10
    with os.fdopen(read_end, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([pipe], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return "timeout", f"no answer in {TIME_LIMIT:.0f} s"
            chunk = pipe.read1(65536)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    text = b"".join(chunks).decode("utf-8", "replace")
    if os.WIFSIGNALED(status):
        return "killed", f"signal {os.WTERMSIG(status)} {text[-2000:]}"
    return (text, "") if not text.startswith("traceback:") else ("traceback", text[10:])


def _valid_pdf(path: Path) -> str | None:
    """None when the file is a PDF qpdf (or pikepdf) accepts, else what is wrong."""
    data = path.read_bytes() if path.exists() else b""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        return "not a PDF"
    if shutil.which("qpdf"):
        proc = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, timeout=60)
        if proc.returncode not in (0, 3):  # 3: warnings only
            return f"qpdf --check: {proc.stdout[-500:]} {proc.stderr[-500:]}"
        return None
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            len(pdf.pages)
    except Exception as exc:  # noqa: BLE001
        return f"pikepdf: {exc}"
    return None


def _limits() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


# The command as a child reports it: its peak resident size (VmHWM, which, unlike wait4's
# ru_maxrss, starts afresh at exec and so does not count the forked test process).
_REPORTING_MAIN = """
import atexit, sys
def _report_peak(path=sys.argv[1]):
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(path, "w") as out:
        out.write(peak)
atexit.register(_report_peak)
sys.argv = ["xjeditor"] + sys.argv[2:]
from xjeditor.cli import main
sys.exit(main())
"""


def _cli(command: str, issue: Path, out: Path, cache: Path) -> tuple[int, str, int]:
    """Run one command under the limits: its exit code, standard error and peak resident
    size in KiB."""
    peak_file = out.parent / "peak.txt"
    peak_file.unlink(missing_ok=True)
    argv = [sys.executable, "-c", _REPORTING_MAIN, str(peak_file), command, str(issue)]
    if command != "preflight":
        argv += ["-o", str(out)]
    env = dict(os.environ, XJEDITOR_CACHE_DIR=str(cache), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=TIME_LIMIT, preexec_fn=_limits,
                          env=env, cwd=str(out.parent))
    peak = int(peak_file.read_text()) if peak_file.exists() else 0
    return proc.returncode, proc.stderr, peak


def check_cli(data: bytes, command: str, folder: Path) -> None:
    issue = folder / "hostile.xjb"
    issue.write_bytes(data)
    out = folder / ("out.png" if command == "render" else "out.pdf")
    out.unlink(missing_ok=True)
    try:
        returncode, stderr, peak_kib = _cli(command, issue, out, folder / "cache")
    except subprocess.TimeoutExpired:
        pytest.fail(f"xjeditor {command} took more than {TIME_LIMIT:.0f} s")
    where = f"xjeditor {command} exited {returncode}, peak {peak_kib >> 10} MiB; stderr:\n{stderr[-4000:]}"
    assert "Traceback" not in stderr, where
    assert 0 < peak_kib < PEAK_RSS_LIMIT_KIB, where  # (0: the command did not report)
    if returncode == 2:
        assert stderr.count("\n") == 1 and stderr.startswith("xjeditor: error: "), where
        assert not out.exists(), where
        return
    assert returncode in ((0, 1) if command == "preflight" else (0,)), where
    if command == "export":
        problem = _valid_pdf(out)
        assert problem is None, f"{where}\n{problem}"
    elif command == "render":
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", where


def check_in_child(data: bytes, folder: Path) -> str:
    out = folder / "out.pdf"
    out.unlink(missing_ok=True)
    outcome, detail = _in_child(data, out)
    assert outcome in ("refused", "pdf"), f"{outcome}: {detail}"
    if outcome == "pdf":
        problem = _valid_pdf(out)
        assert problem is None, problem
    return outcome


@pytest.fixture(scope="module")
def folder():
    path = Path(tempfile.mkdtemp(prefix="xjeditor-fuzz-"))
    (path / "cache").mkdir()
    # Everything imported and the seed set once here, so each forked child starts warm.
    assert _pipeline(DEMO.read_bytes(), path / "seed.pdf") == "pdf"
    yield path
    shutil.rmtree(path, ignore_errors=True)


FORKED_EXAMPLES = 80
CLI_EXAMPLES = 3  # each command once


def _batch_settings(examples: int):
    return settings(max_examples=examples, deadline=None, database=None,
                    derandomize=not FUZZ_SECONDS, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.large_base_example])


def test_hostile_files_through_the_pipeline_in_forked_children(folder):
    outcomes: list[str] = []

    @_batch_settings(FORKED_EXAMPLES)
    @given(hostile_files())
    def run(data):
        outcomes.append(check_in_child(data, folder))

    end = time.monotonic() + FUZZ_SECONDS * 0.7  # (and a tenth for each command line test)
    run()
    while time.monotonic() < end:
        run()
    print(f"fuzz: {len(outcomes)} examples, {outcomes.count('pdf')} to a PDF, {outcomes.count('refused')} refused")
    # the mutations are not all refused: some get through to a PDF
    assert "pdf" in outcomes and "refused" in outcomes


@pytest.mark.parametrize("command", ["export", "preflight", "render"])
def test_hostile_files_through_the_command_line(folder, command):
    @_batch_settings(1 if not FUZZ_SECONDS else 5)
    @given(hostile_files())
    def run(data):
        check_cli(data, command, folder)

    end = time.monotonic() + FUZZ_SECONDS * 0.1
    run()
    while time.monotonic() < end:
        run()


@pytest.mark.parametrize("command", ["export", "preflight", "render"])
def test_the_extremes_the_schema_allows_through_the_command_line(folder, command):
    """The largest page and frames, the smallest and the largest type, no styles: set
    and drawn within the limits."""
    record = copy.deepcopy(SEED)
    for page in record["pages"]:
        page["width"] = page["height"] = 1200.0
        for f in page["frames"]:
            if f["kind"] == "text":
                f["rect"].update(x=-100.0, y=-100.0, w=1400.0, h=1400.0)
                f["columns"], f["gutter"] = 99, 0.0
    for style in record["styles"]["paragraph"]:
        style.update(size=2.0, line_gap=0.0, tracking=-0.5)
    for name in ("title", "title-lead", "caption"):
        for style in record["styles"]["paragraph"]:
            if style["name"] == name:
                style.update(size=400.0, line_gap=5.0, tracking=2.0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("issue.json", json.dumps(record))
        for name, data in IMAGES.items():
            z.writestr(name, data)
    check_cli(buf.getvalue(), command, folder)
