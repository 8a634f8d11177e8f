"""The bundled fonts, the font registry and the real-font metrics (xjeditor.typeset.fonts)."""

from __future__ import annotations

import json
import random
import shutil
import time
from pathlib import Path

import pytest

from xjeditor.model.styles import FontRole
from xjeditor.typeset import fonts as F
from xjeditor.typeset.metrics import FontMetrics

ROLES = [r.value for r in FontRole]
REG = F.default_registry()

# R10 marks that must be one em in the bundled fonts.
FULL_WIDTH_MARKS = "\u201c\u201d\u2018\u2019\u2014\u2026\u00b7"
# Chinese punctuation (GB/T 15834) and its full-width companions.
CJK_PUNCT = (
    "，。、；：？！“”‘’（）《》〈〉「」『』【】〔〕〖〗—…·～－／．＿﹏"
    + "".join(chr(c) for c in range(0xFF01, 0xFF5F))
    + "\u3000\u3001\u3002\u3003"
)
LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _show(chars: list[str], limit: int = 60) -> str:
    head = " ".join(f"{c}(U+{ord(c):04X})" for c in chars[:limit])
    return f"{len(chars)} missing: {head}" + (" ..." if len(chars) > limit else "")


@pytest.fixture(scope="module", params=ROLES)
def role(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def fonttools_fonts():
    """fontTools views of the bundled fonts (cmap + hmtx), opened once."""
    from fontTools.ttLib import TTFont

    opened = {r: TTFont(str(REG.path(r)), lazy=True) for r in ROLES}
    yield opened
    for f in opened.values():
        f.close()


# -- the files ----------------------------------------------------------------------


def test_bundled_fonts_exist_with_licences_and_under_budget():
    fonts_dir = REG.path("song").parent
    total = sum(p.stat().st_size for p in fonts_dir.rglob("*") if p.is_file())
    assert total < 100 * 1024 * 1024, f"resources/fonts is {total / 1e6:.1f} MB (budget 100 MB)"
    for r in ROLES:
        path = REG.path(r)
        assert path.is_file(), f"{r}: {path} missing (run python tools/build_fonts.py)"
        assert F.cache_path_for(path).is_file(), f"{r}: metrics cache missing"
    manifest = json.loads((fonts_dir / "fonts.json").read_text(encoding="utf-8"))
    assert sorted(manifest["roles"]) == sorted(ROLES)
    for lic in manifest["licenses"]:
        assert (fonts_dir / "licenses" / lic).is_file()
    assert (fonts_dir / "README.md").is_file()


def test_every_bundled_font_loads_in_reportlab(role):
    from reportlab.pdfbase.ttfonts import TTFont as RLFont

    font = RLFont(f"xj-test-{role}", str(REG.path(role)))
    # Same advances as our metrics: one em for ideographs and the R10 marks.
    for ch in "中" + FULL_WIDTH_MARKS:
        assert font.stringWidth(ch, 10) == pytest.approx(10.0), (role, ch)
    m = REG.metrics(role)
    for ch in "Ag1,":
        assert font.stringWidth(ch, 1000) == pytest.approx(m.advance(ch) * 1000, abs=0.5)


def test_every_bundled_font_loads_in_qt(qapp):
    from PySide6.QtGui import QFontDatabase

    for r in ROLES:
        font_id = QFontDatabase.addApplicationFont(str(REG.path(r)))
        assert font_id != -1, f"Qt cannot load {REG.path(r)}"
        try:
            families = QFontDatabase.applicationFontFamilies(font_id)
            assert REG.entry(r).family in families, (r, families)
        finally:
            QFontDatabase.removeApplicationFont(font_id)


# -- coverage -----------------------------------------------------------------------


def test_charsets_are_complete():
    tg = F.tongyong_guifan_characters()
    assert len(tg) == 8105 and len(set(tg)) == 8105
    assert tg[0] == "一" and tg[3499] == "矗" and tg[6499] == "齉"
    gbk = F.gbk_characters()
    assert len(gbk) == len(set(gbk)) == 21886


def test_each_role_covers_gbk_tongyong_punctuation_and_latin(role):
    text = F.gbk_characters() + F.tongyong_guifan_characters() + CJK_PUNCT + LATIN
    missing = REG.missing_glyphs(text, role)
    assert not missing, f"{role} (with fallbacks {REG.fallbacks(role)}): {_show(missing)}"


def test_kai_falls_back_to_song_for_what_wenkai_lacks():
    assert REG.chain("kai") == ["kai", "song"]
    kai, song = REG.metrics("kai"), REG.metrics("song")
    lacking = kai.missing(F.gbk_characters())
    assert lacking, "WenKai is expected to lack a few GBK compatibility forms"
    assert all(song.has_glyph(ch) for ch in lacking)
    assert REG.missing_glyphs("".join(lacking), "kai") == []
    assert REG.font_for(lacking[0], "kai") == "song"
    assert REG.font_for("中", "kai") == "kai"


def test_missing_glyphs_reports_only_what_no_font_in_the_chain_has():
    text = "中\ue000文 \t\n\u200b\ue000\U0010fffd"
    assert F.missing_glyphs(text, "song", REG) == ["\ue000", "\U0010fffd"]
    assert REG.metrics("song").missing(text) == ["\ue000", "\U0010fffd"]


# -- widths -------------------------------------------------------------------------


def test_quotes_dashes_and_middle_dot_are_one_em(role, fonttools_fonts):
    m = REG.metrics(role)
    font = fonttools_fonts[role]
    cmap, hmtx, upem = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    for ch in FULL_WIDTH_MARKS:
        assert m.advance(ch) == 1.0, (role, ch, m.advance(ch))
        assert hmtx[cmap[ord(ch)]][0] == upem, (role, ch)


def test_metrics_cache_agrees_with_fonttools(role, fonttools_fonts):
    m = REG.metrics(role)
    assert isinstance(m, FontMetrics)
    assert m.from_cache, f"{role}: the metrics cache beside the font is stale or missing"
    font = fonttools_fonts[role]
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    upem = font["head"].unitsPerEm
    assert m.codepoint_count == len(cmap)
    assert set(m.codepoints()) == set(cmap)
    sample = random.Random(role).sample(sorted(cmap), 400)
    sample += [ord(c) for c in LATIN + CJK_PUNCT + " 中①℃№" if ord(c) in cmap]
    for cp in sample:
        ch = chr(cp)
        assert m.has_glyph(ch), (role, hex(cp))
        assert m.advance(ch) == hmtx[cmap[cp]][0] / upem, (role, hex(cp))
    notdef = hmtx[font.getGlyphOrder()[0]][0] / upem
    for ch in "\ue000\u0e01\U0010fffd":
        assert not m.has_glyph(ch)
        assert m.advance(ch) == notdef
    os2 = font["OS/2"]
    assert m.ascent == os2.sTypoAscender / upem
    assert m.descent == -os2.sTypoDescender / upem
    assert m.family == REG.entry(role).family
    assert REG.resolve(m.name) == role  # the full name, e.g. "Noto Serif CJK SC Black"


def test_metrics_load_from_cache_in_milliseconds():
    F.clear_metrics_cache()
    try:
        for r in ROLES:
            t0 = time.perf_counter()
            m = F.load_metrics(REG.path(r))
            elapsed = time.perf_counter() - t0
            assert m.from_cache
            assert elapsed < 0.05, f"{r}: loading metrics took {elapsed * 1000:.1f} ms"
            assert F.load_metrics(REG.path(r)) is m  # loaded once, then shared
    finally:
        F.clear_metrics_cache()


def test_stale_cache_falls_back_to_reading_the_font(tmp_path):
    src = REG.path("song")
    copy = tmp_path / src.name
    shutil.copyfile(src, copy)
    cache = json.loads(F.cache_path_for(src).read_text(encoding="utf-8"))
    cache["checksum_adjustment"] ^= 1
    F.cache_path_for(copy).write_text(json.dumps(cache), encoding="utf-8")
    m = F.load_metrics(copy)
    assert not m.from_cache
    good = REG.metrics("song")
    for ch in "中“A ,①":
        assert m.advance(ch) == good.advance(ch)
    assert m.codepoint_count == good.codepoint_count


# -- the registry ---------------------------------------------------------------------


def test_registry_keys_families_and_fallbacks():
    assert REG.keys() == ROLES
    assert REG.resolve("noto serif cjk sc") == "song"
    assert "XJ WenKai" in REG and REG.resolve("XJ WenKai") == "kai"
    # Noto CJK lacks U+2252 ≒ (GBK A84E); WenKai has it.
    assert REG.fallbacks("song") == ["kai"]
    assert REG.fallbacks("kai") == ["song"]
    for r in ("biaosong", "hei"):
        assert REG.fallbacks(r) == ["song", "kai"]


def test_registry_errors_on_missing_or_bad_files(tmp_path):
    reg = F.default_registry()
    with pytest.raises(F.FontError) as err:
        reg.add_font(tmp_path / "nope.ttf")
    assert "not found" in str(err.value) and "找不到字体文件" in err.value.zh

    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"this is not a font" * 10)
    with pytest.raises(F.FontError) as err:
        reg.add_font(junk)
    assert "cannot read" in err.value.en and "无法读取" in err.value.zh

    reg.register("gone", tmp_path / "gone.ttf", check=False)
    with pytest.raises(F.FontError):
        reg.metrics("gone")
    with pytest.raises(F.FontError):
        reg.register("gone2", tmp_path / "gone.ttf")
    with pytest.raises(F.FontError) as err:
        reg.path("no such font")
    assert "未登记" in err.value.zh

    empty = tmp_path / "fonts"
    empty.mkdir()
    with pytest.raises(F.FontError):
        F.default_registry(empty).metrics("song")


def _system_font() -> Path | None:
    mine = REG.path("song").parent.resolve()
    for base in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
                 Path.home() / ".fonts", Path("/Library/Fonts"), Path("C:/Windows/Fonts")):
        if not base.is_dir():
            continue
        for pattern in ("*.ttf", "*.otf", "*.ttc"):
            for p in sorted(base.rglob(pattern)):
                if mine not in p.resolve().parents:
                    return p
    return None


def test_add_font_with_a_system_font():
    path = _system_font()
    if path is None:
        pytest.skip("no system font installed")
    reg = F.default_registry()
    key = reg.add_font(path)
    assert key in reg.keys()
    assert reg.path(key) == path
    assert reg.fallbacks(key) == ["song", "kai"]
    m = reg.metrics(key)
    assert m.ascent > 0 and m.descent >= 0
    assert reg.add_font(path, name="我的字体") == "我的字体"
    assert reg.metrics("我的字体") is m
    # Han characters the system font lacks come from the song fallback.
    assert reg.missing_glyphs("中文ABC", key) == []
