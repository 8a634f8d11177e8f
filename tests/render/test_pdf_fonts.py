"""The font subsetter: reading a face lazily, subsets with composite closure, CIDs per
character, ToUnicode, and the licence check (spec R47)."""

from __future__ import annotations

import io
import re
import struct

import pytest
from render_fonts import SAMPLE, make_font
from fontTools.ttLib import TTFont

from xjeditor.render.pdf_fonts import FontSubset, to_unicode_cmap
from xjeditor.render.pdf_subset import build_truetype_subset
from xjeditor.typeset.sfnt import FontEmbedError, SfntFace, composite_components


def _outline(font: TTFont, name: str) -> list[tuple[int, int]]:
    glyf = font["glyf"]
    coords, _ends, _flags = glyf[name].getCoordinates(glyf)
    return [tuple(p) for p in coords]


# ---- reading --------------------------------------------------------------


def test_face_reads_cmap_format_4_metrics_and_name(test_font):
    with SfntFace(test_font) as face:
        assert face.ps_name == "XJTest-Regular"
        assert face.units_per_em == 1000
        assert (face.ascent, face.descent) == (880, -120)
        assert [face.glyph_id(ch) for ch in " ABC中"] == [1, 2, 3, 4, 5]
        assert face.glyph_id("Ａ") == face.glyph_id("A")
        assert face.glyph_id("x") == 0 and face.glyph_id("\U00020000") == 0
        assert face.hmetric(face.glyph_id("B"))[0] == 700


def test_face_reads_cmap_format_12_like_fonttools(cjk_fonts):
    path = cjk_fonts["song"]
    reference = TTFont(path, lazy=True)
    cmap = reference.getBestCmap()
    order = reference.getGlyphOrder()
    with SfntFace(path) as face:
        for ch in SAMPLE + "国際ＡaZ0①㈠\U0002000b":
            name = cmap.get(ord(ch))
            assert face.glyph_id(ch) == (order.index(name) if name else 0), ch
            if name:
                assert face.hmetric(face.glyph_id(ch))[0] == reference["hmtx"][name][0]


def test_missing_file_cff_and_garbage_are_font_errors(tmp_path):
    with pytest.raises(FontEmbedError, match="not found"):
        SfntFace(tmp_path / "nope.ttf")
    cff = tmp_path / "cff.otf"
    cff.write_bytes(b"OTTO" + b"\0" * 64)
    with pytest.raises(FontEmbedError, match="CFF") as err:
        SfntFace(cff)
    assert err.value.zh and err.value.path == cff
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"hello world" * 10)
    with pytest.raises(FontEmbedError):
        SfntFace(junk)
    truncated = tmp_path / "cut.ttf"
    truncated.write_bytes(make_font()[:200])
    with pytest.raises(FontEmbedError):
        SfntFace(truncated)


@pytest.mark.parametrize("fs_type, allowed", [
    (0x0000, True),  # installable
    (0x0004, True),  # preview & print
    (0x0008, True),  # editable
    (0x0002, False),  # restricted licence
    (0x0104, False),  # no subsetting
    (0x0204, False),  # bitmap embedding only
])
def test_licence_flags_decide_embedding(tmp_path, fs_type, allowed):
    path = tmp_path / "f.ttf"
    path.write_bytes(make_font(fs_type=fs_type))
    with SfntFace(path) as face:
        if allowed:
            FontSubset(face, "F1")
        else:
            with pytest.raises(FontEmbedError, match="cannot be embedded"):
                FontSubset(face, "F1")


# ---- subsets --------------------------------------------------------------


def test_subset_closes_over_nested_composites_and_keeps_outlines(test_font):
    original = TTFont(test_font)
    with SfntFace(test_font) as face:
        c = face.glyph_id("C")
        assert [g for _, g in composite_components(face.glyph_data(c))] == [face.glyph_id("B"), face.glyph_id("A")]
        program, new_id = build_truetype_subset(face, [(face.glyph_id("中"), None), (c, None)])
    # .notdef, 中, C, then C's components B and A, then B's (A again: no new glyph)
    assert list(new_id.values()) == [0, 1, 2, 3, 4]
    sub = TTFont(io.BytesIO(program), checkChecksums=2)  # raises on a bad table checksum
    order = sub.getGlyphOrder()
    assert len(order) == 5 and sub["maxp"].numGlyphs == 5 and sub["hhea"].numberOfHMetrics == 5
    names = dict(zip(["notdef", "zhong", "C", "B", "A"], order, strict=True))
    assert _outline(sub, names["C"]) == _outline(original, "C")
    assert _outline(sub, names["zhong"]) == _outline(original, "uni4E2D")
    assert [comp.glyphName for comp in sub["glyf"][names["C"]].components] == [names["B"], names["A"]]
    assert sub["hmtx"][names["C"]][0] == 1000 and sub["hmtx"][names["A"]][0] == 400
    # the whole-file checksum
    total = sum(struct.unpack(f">{len(program) // 4}I", program)) & 0xFFFFFFFF
    assert total == 0xB1B0AFBA


def test_subset_of_a_bundled_font_is_small_and_faithful(cjk_fonts):
    path = cjk_fonts["kai"]
    reference = TTFont(path)
    with SfntFace(path) as face:
        text = SAMPLE + "¨"  # ¨ is a composite glyph in the bundled kai font
        gids = [face.glyph_id(ch) for ch in text]
        program, new_id = build_truetype_subset(face, [(g, None) for g in gids])
    sub = TTFont(io.BytesIO(program), checkChecksums=2)
    assert sub["maxp"].numGlyphs < 20
    assert len(program) < 60_000
    old_order, new_order = reference.getGlyphOrder(), sub.getGlyphOrder()
    for gid in gids:
        assert _outline(sub, new_order[new_id[(gid, None)]]) == _outline(reference, old_order[gid])


def test_advance_variants_share_the_outline(test_font):
    original = TTFont(test_font)
    with SfntFace(test_font) as face:
        a, c, space = face.glyph_id("A"), face.glyph_id("C"), face.glyph_id(" ")
        program, new_id = build_truetype_subset(face, [(a, 200), (c, 500), (space, 0), (a, None)])
    sub = TTFont(io.BytesIO(program), checkChecksums=2)
    order = sub.getGlyphOrder()
    narrow_a, narrow_c, narrow_space = (order[new_id[spec]] for spec in [(a, 200), (c, 500), (space, 0)])
    assert sub["hmtx"][narrow_a][0] == 200 and sub["hmtx"][order[new_id[(a, None)]]][0] == 400
    assert sub["hmtx"][narrow_c][0] == 500 and sub["hmtx"][narrow_space][0] == 0
    assert _outline(sub, narrow_a) == _outline(original, "A")
    assert _outline(sub, narrow_c) == _outline(original, "C")  # a variant of a composite
    assert sub["glyf"][narrow_space].numberOfContours == 0
    assert sub["maxp"].maxComponentDepth >= 3  # variant -> C -> B -> A


def test_cids_are_per_character_in_order_of_first_use(test_font):
    with SfntFace(test_font) as face:
        subset = FontSubset(face, "F1")
        codes = subset.encode("中AＡ中x")
        assert [c.hex for c in codes] == ["0001", "0002", "0003", "0001", "0004"]
        assert [c.width for c in codes] == [1000, 400, 400, 1000, 500]  # x: .notdef's width
        assert [c.missing for c in codes] == [False, False, False, False, True]
        assert subset.missing == {"x"}
        tag = subset.subset_tag()
        assert re.fullmatch("[A-Z]{6}", tag)
        again = FontSubset(face, "F9")
        again.encode("中AＡ中x")
        assert again.subset_tag() == tag
        # a narrower advance is another CID with the same character
        narrow = subset.code("A", 100)
        assert (narrow.hex, narrow.width) == ("0005", 100)
        assert subset.code("A", 400) is subset.code("A")  # the natural advance: no variant
        assert subset.encode("A")[0].hex == "0002"


def test_to_unicode_cmap_maps_each_cid_to_its_character():
    chars = ["中", "—", "…", "·", "“", "\U0002000b"] + [chr(0x4E00 + i) for i in range(150)]
    cmap = to_unicode_cmap(chars)
    blocks = re.findall(r"beginbfchar\n(.*?)endbfchar", cmap, re.S)
    pairs = [p for block in blocks for p in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", block)]
    assert len(pairs) == len(chars)
    decoded = {int(cid, 16): bytes.fromhex(u).decode("utf-16-be") for cid, u in pairs}
    assert decoded == {i + 1: ch for i, ch in enumerate(chars)}
    assert cmap.count("beginbfchar") == 2  # at most 100 entries per block
    assert "<0000> <FFFF>" in cmap


def test_a_face_of_a_collection(tmp_path):
    from fontTools.ttLib.ttCollection import TTCollection

    collection = TTCollection()
    collection.fonts = [TTFont(io.BytesIO(make_font(name="XJTest-First"))),
                        TTFont(io.BytesIO(make_font(name="XJTest-Second", upem=2048)))]
    path = tmp_path / "pair.ttc"
    collection.save(path)
    with SfntFace(path, 1) as face:
        assert face.ps_name == "XJTest-Second" and face.units_per_em == 2048
        subset = FontSubset(face, "F1")
        assert subset.code("中").width == pytest.approx(1000, abs=0.5)  # 2048 units -> 1000
        program, _ = build_truetype_subset(face, [(face.glyph_id("A"), None)])
        assert TTFont(io.BytesIO(program))["head"].unitsPerEm == 2048
    with pytest.raises(FontEmbedError, match="out of range"):
        SfntFace(path, 2)
