"""PDF/X-1a:2003: output intent, Info and XMP, CMYK only, no transparency, external
tools opening the file without complaint; image separation, ink limit and cache."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time

import pikepdf
import pytest
from PIL import Image

from xjeditor.model import ImageAsset, ImageFrame, Issue, Page, PartKind, Rect, Story, StoryPart, TextFrame
from xjeditor.pipeline import typeset_issue
from xjeditor.render import pdf_images
from xjeditor.render.export import write_pdf
from xjeditor.render.pdf_images import TOTAL_INK_LIMIT, limit_ink, prepare_image, separate
from xjeditor.render.pdfx import CONDITION_IDENTIFIER, default_output_intent, profile_color_space, profile_path


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(tmp_path / "cache"))


def _photo() -> ImageAsset:
    im = Image.linear_gradient("L").resize((600, 400)).convert("RGB")
    im.paste((0, 0, 0), (0, 0, 100, 100))
    im.paste((200, 30, 40), (100, 0, 200, 100))
    im.putalpha(200)  # transparency must be flattened
    out = io.BytesIO()
    im.save(out, "PNG")
    return ImageAsset(out.getvalue(), "image/png", "photo.png")


def _issue() -> Issue:
    issue = Issue(pages=[Page() for _ in range(4)])
    issue.stories["s1"] = Story("s1", parts=[StoryPart(PartKind.TITLE, "社区新闻"),
                                             StoryPart(PartKind.PARAGRAPH, "新泾镇社区晨报报道。" * 20)])
    key = issue.add_image(_photo())
    issue.pages[0].frames += [TextFrame("t1", Rect(20, 30, 120, 150), columns=2, story="s1"),
                              ImageFrame("i1", Rect(150, 30, 100, 66), image=key)]
    return issue


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory):
    import os

    os.environ.setdefault("XJEDITOR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    out = tmp_path_factory.mktemp("pdfx") / "issue.pdf"
    findings = write_pdf(typeset_issue(_issue()), out)
    assert not [f for f in findings if f.code.startswith("pdfx")]
    return out


def test_bundled_profile_is_cmyk_output():
    data = profile_path().read_bytes()
    assert profile_color_space(data) == "CMYK"
    assert data[12:16] == b"prtr"  # output device class
    assert (profile_path().parent / "README.md").is_file()


def test_output_intent_with_embedded_cmyk_profile(pdf_file):
    with pikepdf.open(pdf_file) as pdf:
        (oi,) = pdf.Root.OutputIntents
        assert oi.S == "/GTS_PDFX" and oi.Type == "/OutputIntent"
        assert str(oi.OutputConditionIdentifier) == CONDITION_IDENTIFIER
        assert str(oi.RegistryName) == "http://www.color.org" and str(oi.Info)
        profile = oi.DestOutputProfile
        assert int(profile.N) == 4
        assert profile_color_space(profile.read_bytes()) == "CMYK"
        assert profile.read_bytes() == default_output_intent().profile


def test_info_and_xmp(pdf_file):
    with pikepdf.open(pdf_file) as pdf:
        info = pdf.docinfo
        assert str(info.GTS_PDFXVersion) == "PDF/X-1a:2003"
        assert str(info.GTS_PDFXConformance) == "PDF/X-1a:2003"
        assert info.Trapped == "/False" and str(info.Title)
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfx:GTS_PDFXVersion>PDF/X-1a:2003</pdfx:GTS_PDFXVersion>" in xmp
        assert "<pdf:Trapped>False</pdf:Trapped>" in xmp
        assert str(info.Title) in xmp
        date = re.search(r"<xmp:CreateDate>(.*?)</xmp:CreateDate>", xmp).group(1)
        stamp = time.gmtime(int(os.environ["SOURCE_DATE_EPOCH"]))  # tests/conftest.py sets it
        assert date == time.strftime("%Y-%m-%dT%H:%M:%S+00:00", stamp)
        assert str(info.CreationDate) == time.strftime("D:%Y%m%d%H%M%S+00'00'", stamp)
        meta = pdf.open_metadata()
        assert meta.get("pdfx:GTS_PDFXVersion") == "PDF/X-1a:2003"


def test_export_is_deterministic(pdf_file, tmp_path):
    again = tmp_path / "again.pdf"
    write_pdf(typeset_issue(_issue()), again)
    assert again.read_bytes() == pdf_file.read_bytes()


def test_no_rgb_and_no_transparency(pdf_file):
    with pikepdf.open(pdf_file) as pdf:
        images = 0
        for page in pdf.pages:
            content = page.Contents.read_bytes().decode("latin-1")
            assert not re.search(r"(^|\s)(rg|RG|sc|scn|SC|SCN|cs|CS)(\s|$)", content)
            res = page.Resources
            for _, xo in (res.get("/XObject") or {}).items():
                images += 1
                assert xo.ColorSpace == "/DeviceCMYK" and "/SMask" not in xo and "/Mask" not in xo
            for _, gs in (res.get("/ExtGState") or {}).items():
                assert float(gs.get("/ca", 1)) == 1 and float(gs.get("/CA", 1)) == 1
                assert "/SMask" not in gs or gs.SMask == "/None"
            assert "/Group" not in page.obj
        assert images == 1
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) or isinstance(obj, pikepdf.Stream):
                assert obj.get("/ColorSpace") not in ("/DeviceRGB", "/CalRGB")


def _tool(name):
    return pytest.mark.skipif(shutil.which(name) is None, reason=f"{name} not installed")


@_tool("gs")
def test_ghostscript_reads_it_quietly(pdf_file):
    r = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-o", "/dev/null", "-sDEVICE=nullpage", str(pdf_file)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and not r.stdout.strip() and not r.stderr.strip(), r.stdout + r.stderr


@_tool("mutool")
def test_mutool_reads_it_quietly(pdf_file):
    r = subprocess.run(["mutool", "info", str(pdf_file)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "warning" not in (r.stdout + r.stderr).lower() and not r.stderr.strip()


@_tool("pdfinfo")
def test_pdfinfo_sees_pdfx(pdf_file):
    r = subprocess.run(["pdfinfo", str(pdf_file)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and not r.stderr.strip(), r.stderr
    assert "PDF/X-1a:2003" in r.stdout and "Pages:           4" in r.stdout


# ------------------------------------------------------------------ images


def _max_ink(im: Image.Image) -> float:
    data = im.tobytes()
    return max(sum(data[i:i + 4]) for i in range(0, len(data), 4)) * 100 / 255


def test_icc_separation_respects_the_ink_limit():
    rgb = Image.new("RGB", (4, 1))
    for x, px in enumerate([(0, 0, 0), (255, 255, 255), (255, 0, 0), (20, 10, 60)]):
        rgb.putpixel((x, 0), px)
    cmyk = separate(rgb)
    assert cmyk.mode == "CMYK" and _max_ink(cmyk) <= TOTAL_INK_LIMIT + 0.5
    assert cmyk.getpixel((1, 0)) == (0, 0, 0, 0)  # paper white: no ink
    assert cmyk.getpixel((0, 0))[3] > 200  # black is carried by K
    c, m, y, k = cmyk.getpixel((2, 0))
    assert m > 200 and y > 200 and c < 20  # red


def test_limit_ink_scales_cmy_and_keeps_k():
    im = Image.new("CMYK", (3, 1))
    for x, px in enumerate([(255, 255, 255, 255), (100, 100, 100, 100), (255, 255, 255, 0)]):
        im.putpixel((x, 0), px)
    out = limit_ink(im, 240)
    assert _max_ink(out) <= 240
    assert out.getpixel((0, 0))[3] == 255 and out.getpixel((1, 0)) == (100, 100, 100, 100)
    c, m, y, k = out.getpixel((2, 0))
    assert c == m == y and k == 0
    assert limit_ink(im, 400) is im


def test_fallback_without_imagecms(monkeypatch):
    monkeypatch.setattr(pdf_images, "_image_cms", lambda: None)
    monkeypatch.setattr(pdf_images, "_transforms", {})
    cmyk = separate(Image.new("RGB", (1, 1), (255, 0, 0)))
    assert cmyk.getpixel((0, 0)) == (0, 255, 255, 0)


def test_prepared_images_are_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(tmp_path / "c"))
    asset = _photo()
    first = prepare_image(asset, (0, 0, 100, 60), 0, 0, 100, 66)
    files = [p for p in (tmp_path / "c").rglob("*") if p.is_file()]
    assert len(files) == 1
    calls = []
    monkeypatch.setattr(pdf_images, "separate", lambda *a, **k: calls.append(1))
    second = prepare_image(asset, (0, 0, 100, 60), 0, 0, 100, 66)
    assert second == first and not calls
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")  # caching off
    assert pdf_images.cache_dir() is None
