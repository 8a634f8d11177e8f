"""Font subset programs are kept between exports (``paths.user_cache_dir("subsets")``).

A warm export of the same characters and glyphs of the same face builds no subset (nor
its ToUnicode map, widths or tag) and writes exactly the bytes a cold export (or one
without any cache) writes; a changed glyph set, character set or font file misses; a
damaged entry, or one of an older version, is ignored and made again; the folder stays
in its budget.
"""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from conftest import make_font

from xjeditor import paths
from xjeditor.render import pdf_fonts
from xjeditor.render.pdf import build_pdf
from xjeditor.typeset.display import DisplayPage, GlyphRun

ROOT = Path(__file__).resolve().parents[2]


def page(text: str = "中ABＡC", font: str = "test") -> DisplayPage:
    """One run of 12 pt characters 12 pt apart, but the second starts 6 pt from the
    first, so a wide first character gets a narrower advance (a glyph spec with an
    advance: a composite variant). A and Ａ share a glyph (two CIDs, one glyph)."""
    xs = [0.0, 6.0] + [6.0 + 12.0 * i for i in range(1, len(text) - 1)]
    return DisplayPage(120, 60, [GlyphRun(font, 12, 10, 20, text, tuple(xs[: len(text)]))])


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A cache folder of this test only, pruned afresh; returns its "subsets" folder."""
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(paths, "_pruned", set())
    return tmp_path / "cache" / "subsets"


@pytest.fixture
def font(tmp_path) -> Path:
    path = tmp_path / "fonts" / "xjtest.ttf"
    path.parent.mkdir()
    path.write_bytes(make_font())
    return path


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """How many subsets were built (one entry per build, its glyph count)."""
    calls: list[int] = []
    real = pdf_fonts.build_truetype_subset

    def counted(face, glyphs):
        calls.append(len(glyphs))
        return real(face, glyphs)

    monkeypatch.setattr(pdf_fonts, "build_truetype_subset", counted)
    return calls


def export(font: Path, pages: list[DisplayPage] | None = None, **kw) -> bytes:
    data, _ = build_pdf(pages or [page()], fonts=lambda key: font, pdfx=False, **kw)
    return data


def entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.xjs"))


def no_building(*args):
    raise AssertionError("a subset was built on a warm export")


def nothing_made(*args, **kw):
    raise AssertionError("made on a warm export: the cache entry holds it")


def only_reading(m: pytest.MonkeyPatch) -> None:
    """Make every step a warm export of cached subsets must skip fail: building the
    program, making the ToUnicode map (so deflating it), the widths or the tag."""
    m.setattr(pdf_fonts, "build_truetype_subset", no_building)
    m.setattr(pdf_fonts.FontSubset, "program", no_building)
    for name in ("to_unicode", "_widths", "_glyph_specs_text", "subset_tag", "pack"):
        m.setattr(pdf_fonts.FontSubset, name, nothing_made)
    m.setattr(pdf_fonts, "to_unicode_cmap", nothing_made)


def test_same_bytes_cold_warm_and_without_a_cache(cache, font, monkeypatch):
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")
    reference = export(font)
    assert pdf_fonts.user_cache_dir("subsets") is None
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(cache.parent))
    assert export(font) == reference  # cold
    assert len(entries(cache)) == 1
    assert export(font) == reference  # warm
    shutil.rmtree(cache.parent / "deflate")  # the program needs no deflating either
    monkeypatch.setattr(pdf_fonts, "build_truetype_subset", no_building)
    assert export(font) == reference


def test_a_warm_export_builds_no_subset(cache, cjk_fonts, monkeypatch):
    song = cjk_fonts["song"]
    pages = [page("他说：“社区——我们的家……”张·李。", "song"), page("第二版：“引号”", "song")]
    cold = export(song, pages, bleed_mm=3, marks=True)
    with monkeypatch.context() as m:
        only_reading(m)
        assert export(song, pages, bleed_mm=3, marks=True) == cold
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")  # no cache at all: built again, the same bytes
    assert export(song, pages, bleed_mm=3, marks=True) == cold


@pytest.mark.parametrize("upem", [1000, 2048])  # 2048: widths (and /DW) with decimals
def test_a_warm_export_makes_no_cmap_widths_or_tag(cache, tmp_path, monkeypatch, upem):
    font = tmp_path / f"xjtest{upem}.ttf"
    font.write_bytes(make_font(upem=upem))
    pages = [page(), page("ＡC中 B")]
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")
    reference = export(font, pages)
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(cache.parent))
    assert export(font, pages) == reference  # cold
    with monkeypatch.context() as m:
        only_reading(m)
        assert export(font, pages) == reference  # warm


def test_the_same_glyphs_for_other_characters_miss(cache, font, builds, monkeypatch):
    """A and Ａ share a glyph: "中ABＡC" and "中ＡBAC" have the same glyph specs in CID
    order (so the same program, widths and tag) but not the same ToUnicode map."""
    with pdf_fonts.SfntFace(font) as face:
        one, two = pdf_fonts.FontSubset(face, "F1"), pdf_fonts.FontSubset(face, "F1")
        one.encode("中ABＡC")
        two.encode("中ＡBAC")
        assert one._glyph_specs_text() == two._glyph_specs_text()
        assert one.subset_tag() == two.subset_tag()
        assert one.to_unicode() != two.to_unicode()
        assert one._cache_key() != two._cache_key()
    first, second = [page("中ABＡC")], [page("中ＡBAC")]
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")
    references = export(font, first), export(font, second)
    assert references[0] != references[1]
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(cache.parent))
    before = len(builds)
    assert (export(font, first), export(font, second)) == references  # cold, one after the other
    assert len(builds) == before + 2
    assert len(entries(cache)) == 2
    with monkeypatch.context() as m:
        only_reading(m)
        assert (export(font, second), export(font, first)) == references[::-1]  # warm


def test_other_glyphs_miss(cache, font, builds):
    export(font)
    export(font)
    assert len(builds) == 1
    export(font, [page("中ABＡC ")])  # one glyph more
    export(font, [page("中BAＡC")])  # the same glyphs in another CID order
    export(font, [DisplayPage(120, 60, [GlyphRun("t", 12, 10, 20, "中ABＡC", (0, 12, 24, 36, 48))])])  # no variant
    assert len(builds) == 4
    assert len(entries(cache)) == 4


def test_a_changed_font_file_misses(cache, font, builds):
    first = export(font)
    st = font.stat()
    os.utime(font, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # touched: same bytes
    assert export(font) == first
    assert len(builds) == 2
    font.write_bytes(make_font(name="XJTest-Changed-Again"))  # rebuilt: another size
    assert font.stat().st_size != st.st_size
    assert export(font) != first
    assert len(builds) == 3
    export(font)
    assert len(builds) == 3


def regions(entry: bytes) -> dict[str, int]:
    """Where the parts of a cache entry start (see pdf_fonts)."""
    head = pdf_fonts._SUBSET_HEAD
    _, _, _, _, _, n, w_len, cmap_len, _, _ = head.unpack_from(entry)
    at_w = head.size + 2 * (n + 1)
    return {"version": 8, "key": 12, "length": 44, "cids": 48, "sizes": 52, "default width": head.size - 14,
            "tag": head.size - 6, "CID map": head.size + 2, "widths": at_w + 1, "ToUnicode": at_w + w_len + 1,
            "program": at_w + w_len + cmap_len + 1}


def with_crc(body: bytes) -> bytes:
    """A cache entry of this body (what follows the magic and the CRC), its CRC right."""
    return pdf_fonts._SUBSET_MAGIC + struct.pack(">I", zlib.crc32(body)) + body


REGIONS = ["version", "key", "length", "cids", "sizes", "default width", "tag", "CID map", "widths", "ToUnicode",
           "program"]


@pytest.mark.parametrize("damage", ["flipped", "truncated", "header only", "empty", "other key", "appended",
                                    *(f"flipped in the {region}" for region in REGIONS)])
def test_a_damaged_entry_is_ignored_and_replaced(cache, font, builds, damage):
    reference = export(font)
    (entry,) = entries(cache)
    good = entry.read_bytes()
    if damage.startswith("flipped"):
        bad = bytearray(good)
        bad[regions(good)[damage[15:]] if damage != "flipped" else len(bad) // 2] ^= 0x40
        bad = bytes(bad)
    elif damage == "appended":
        bad = good + b"\0"
    elif damage == "truncated":
        bad = good[:-7]
    elif damage == "header only":
        bad = good[:50]
    elif damage == "empty":
        bad = b""
    else:  # a well-formed entry of as many glyphs (in another order) under this name
        export(font, [page("中BAＡC")])
        other = next(e for e in entries(cache) if e != entry)
        bad = other.read_bytes()
    entry.write_bytes(bad)
    shutil.rmtree(cache.parent / "deflate")
    before = len(builds)
    assert export(font) == reference
    assert len(builds) == before + 1
    assert entry.read_bytes() == good  # written again


@pytest.mark.parametrize("old", ["version 1 layout", "version 1 field", "version bumped"])
def test_entries_of_another_version_are_ignored(cache, font, builds, monkeypatch, old):
    reference = export(font)
    (entry,) = entries(cache)
    good = entry.read_bytes()
    head = pdf_fonts._SUBSET_HEAD
    magic, crc, version, key, length, n, w_len, cmap_len, default, tag = head.unpack_from(good)
    at = regions(good)
    if old == "version 1 layout":  # as version 1 wrote them, under this entry's name and key
        program = good[at["program"] - 1 :]
        bad = with_crc(key + struct.pack(">II", length, n) + good[head.size : at["widths"] - 1] + program)
    elif old == "version 1 field":  # this layout, its CRC right, but the version field says 1
        bad = with_crc(struct.pack(">I", 1) + good[12:])
    else:  # the code changes SUBSET_CACHE_VERSION: another key, another name
        monkeypatch.setattr(pdf_fonts, "SUBSET_CACHE_VERSION", pdf_fonts.SUBSET_CACHE_VERSION + 1)
        bad = good
    entry.write_bytes(bad)
    before = len(builds)
    assert export(font) == reference
    assert len(builds) == before + 1
    if old == "version bumped":
        assert len(entries(cache)) == 2
    else:
        assert entry.read_bytes() == good  # written again
    assert export(font) == reference
    assert len(builds) == before + 1


def test_names_written_as_reportlab_writes_them():
    from reportlab.pdfbase import pdfdoc

    assert pdf_fonts._FLATE_DECODE == pdfdoc.PDFName("FlateDecode")
    for name in ("FontDescriptor", "Font", "CIDFontType2", "Type0", "Identity-H"):
        assert pdfdoc.PDFName(name) == "/" + name


def test_pruning_keeps_the_folder_in_its_budget(cache, font, monkeypatch):
    monkeypatch.setattr(pdf_fonts, "SUBSET_CACHE_MAX_BYTES", 20_000)
    old = []
    for i in range(10):
        f = cache / f"{i:02x}" / f"old{i}.xjs"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(b"x" * 4000)
        os.utime(f, (1_000_000 + i, 1_000_000 + i))  # long unused, old0 the oldest
        old.append(f)
    export(font)
    kept = list(cache.rglob("*.xjs"))
    assert sum(f.stat().st_size for f in kept) <= 20_000 * 3 // 4
    assert not old[0].exists() and old[-1].exists()
    assert len([f for f in kept if not f.name.startswith("old")]) == 1  # the new entry stays


def test_a_cache_that_cannot_be_written_costs_only_time(tmp_path, font, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")
    reference = export(font)
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(blocker))  # a file where a folder should be
    assert export(font) == reference
    assert export(font) == reference


@pytest.mark.skipif(not (ROOT / "seeds" / "demo.xjb").exists(), reason="no demo issue")
def test_the_demo_issue_cold_warm_and_without_a_cache(cache, tmp_path, monkeypatch):
    from xjeditor.fileformat import load_issue
    from xjeditor.render import export as export_module

    issue = load_issue(ROOT / "seeds" / "demo.xjb")
    pages = export_module.typeset_issue(issue).pages
    out = tmp_path / "demo.pdf"

    def run() -> bytes:
        export_module.export_pdf(issue, out, display=pages, pdfx=False)
        return out.read_bytes()

    cold = run()
    assert len(entries(cache)) >= 2
    with monkeypatch.context() as m:
        m.setattr(pdf_fonts, "build_truetype_subset", no_building)
        assert run() == cold
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")
    assert run() == cold
