"""The demo issue exported as the printing plant receives it (issue: print-ready PDF)."""

import re
import shutil
import subprocess

import pikepdf
import pytest

from xjeditor.fileformat import load_issue
from xjeditor.paths import seeds_dir
from xjeditor.pipeline import typeset_issue
from xjeditor.render.export import write_pdf
from xjeditor.typeset.display import GlyphRun


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    issue = load_issue(seeds_dir() / "demo.xjb")
    ts = typeset_issue(issue)
    out = tmp_path_factory.mktemp("demo") / "demo.pdf"
    findings = write_pdf(ts, out)
    return issue, ts, out, findings


def _tool(name):
    path = shutil.which(name)
    if not path:
        pytest.skip(f"{name} is not installed (Debian package: poppler-utils / qpdf / ghostscript / mupdf-tools)")
    return path


def test_exporting_twice_gives_identical_bytes(exported, tmp_path):
    issue, ts, out, _ = exported
    again = tmp_path / "again.pdf"
    write_pdf(typeset_issue(issue), again)
    assert again.read_bytes() == out.read_bytes()


def test_every_font_is_embedded_as_a_subset(exported):
    out = exported[2]
    lines = subprocess.run([_tool("pdffonts"), str(out)], capture_output=True, text=True, check=True).stdout
    rows = lines.splitlines()[2:]
    assert len(rows) == 4
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert re.match(r"^[A-Z]{6}\+", name) and (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_trim_and_bleed_boxes_on_every_page(exported):
    out = exported[2]
    info = subprocess.run([_tool("pdfinfo"), "-box", "-f", "1", "-l", "4", str(out)],
                          capture_output=True, text=True, check=True).stdout
    assert len(re.findall(r"Page\s+\d+ TrimBox:\s+0\.00\s+0\.00\s+773\.86\s+1105\.51", info)) == 4
    assert len(re.findall(r"BleedBox", info)) == 4
    assert "PDF/X-1a:2003" in info


def test_each_page_text_holds_its_stories_in_order(exported):
    _, ts, out, _ = exported
    for n, page in enumerate(ts.pages, 1):
        text = subprocess.run([_tool("pdftotext"), "-raw", "-f", str(n), "-l", str(n), str(out), "-"],
                              capture_output=True, text=True, check=True).stdout
        flat = re.sub(r"\s", "", text)
        stories = {}
        for it in page.items:
            if isinstance(it, GlyphRun):
                stories.setdefault(it.story, []).append(it.text)
        for sid, texts in stories.items():
            want = re.sub(r"\s", "", "".join(texts))
            pos = 0
            for ch in want:  # every character, in order
                pos = flat.find(ch, pos)
                assert pos >= 0, (n, sid, ch)
                pos += 1
        assert "——" not in flat or "——" in "".join("".join(t) for t in stories.values())


def test_no_rgb_and_an_output_intent(exported):
    out = exported[2]
    with pikepdf.open(out) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFX"
        assert intents[0].DestOutputProfile.N == 4
        for page in pdf.pages:
            for operands, op in pikepdf.parse_content_stream(page):
                assert str(op) not in ("rg", "RG"), "RGB colour operator"
            for name, xobj in (page.Resources.get("/XObject") or {}).items():
                if xobj.get("/Subtype") == "/Image":
                    assert xobj.ColorSpace in ("/DeviceCMYK", "/DeviceGray"), name


def test_the_demo_opens_cleanly_in_ghostscript_and_mupdf(exported):
    out = exported[2]
    gs = subprocess.run([_tool("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=nullpage", str(out)],
                        capture_output=True, text=True)
    assert gs.returncode == 0 and not gs.stdout.strip() and not gs.stderr.strip(), gs.stderr
    mu = subprocess.run([_tool("mutool"), "info", str(out)], capture_output=True, text=True)
    assert mu.returncode == 0 and "warning" not in (mu.stdout + mu.stderr).lower(), mu.stderr


def test_preflight_finds_no_error_in_the_demo(exported):
    from xjeditor.preflight import run_preflight

    issue, ts, _, _ = exported
    errors = [f for f in run_preflight(issue, ts) if f.severity == "error"]
    assert errors == []


def test_preflight_command_exits_zero_on_the_demo(capsys):
    from xjeditor.cli import main

    assert main(["preflight", str(seeds_dir() / "demo.xjb")]) == 0
    assert "错误 0" in capsys.readouterr().out
