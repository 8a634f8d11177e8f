#!/usr/bin/env python3
"""Build the bundled fonts in resources/fonts/ from Debian's font packages.

    python tools/build_fonts.py                 # fetch the .debs with apt-get download
    python tools/build_fonts.py --deb a.deb ... # or use .deb files you already have

For each newspaper role the script takes the Simplified Chinese face of the upstream
font, subsets it to the coverage set (GBK, the 通用规范汉字表, ASCII, Latin-1, general
and CJK punctuation, full-width forms, enclosed numbers, arrows and shapes), makes the
quotes, dashes and middle dot full-width (spec R10), converts CFF outlines to TrueType
quadratic outlines (reportlab refuses CFF), and writes the font, its metrics cache
(read by xjeditor.typeset.fonts) and resources/fonts/fonts.json (roles, fallbacks,
upstream versions, coverage, what was remapped). The licence texts are copied to
resources/fonts/licenses/.

The .deb files and their extracted contents are kept in tools/cache/ (git-ignored).
Each font is built in its own process (--jobs, default: the number of CPUs); the
whole build takes a few minutes.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from fontTools import subset  # noqa: E402
from fontTools.pens.cu2quPen import Cu2QuPen  # noqa: E402
from fontTools.pens.ttGlyphPen import TTGlyphPen  # noqa: E402
from fontTools.ttLib import TTCollection, TTFont, newTable  # noqa: E402

from xjeditor.typeset.fonts import (  # noqa: E402
    gbk_characters,
    tongyong_guifan_characters,
    write_metrics_cache,
)

CACHE_DIR = ROOT / "tools" / "cache"
OUT_DIR = ROOT / "resources" / "fonts"
PACKAGES = ("fonts-noto-cjk", "fonts-noto-cjk-extra", "fonts-lxgw-wenkai")
BUILD_TAG = "XJ Editor subset"


@dataclass(frozen=True)
class Source:
    package: str
    member: str  # path inside the package
    psname: str  # PostScript name of the face to take from the file


@dataclass(frozen=True)
class FontSpec:
    role: str
    label: str
    sources: tuple[Source, ...]  # the first one found is used
    fallbacks: tuple[str, ...]
    # New family names where the licence's Reserved Font Name clause requires them:
    # (English family, Chinese family, PostScript family prefix), else None.
    rename: tuple[str, str, str] | None = None


NOTO = "usr/share/fonts/opentype/noto/"
SPECS = (
    # Noto CJK lacks one GBK character, U+2252 ≒; WenKai has it, so kai is the song
    # font's last resort.
    FontSpec("song", "书宋", (Source("fonts-noto-cjk", NOTO + "NotoSerifCJK-Regular.ttc",
                                     "NotoSerifCJKsc-Regular"),), ("kai",)),
    FontSpec("biaosong", "标宋", (
        Source("fonts-noto-cjk-extra", NOTO + "NotoSerifCJK-Black.ttc", "NotoSerifCJKsc-Black"),
        Source("fonts-noto-cjk", NOTO + "NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold"),
    ), ("song",)),
    FontSpec("hei", "黑体", (Source("fonts-noto-cjk", NOTO + "NotoSansCJK-Bold.ttc",
                                   "NotoSansCJKsc-Bold"),), ("song",)),
    # LXGW WenKai reserves the names "LXGW" and "霞鹜" (OFL RFN clause, see its Debian
    # copyright file): a subset is a Modified Version, so it gets a new family name.
    FontSpec("kai", "楷体", (Source("fonts-lxgw-wenkai",
                                   "usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf",
                                   "LXGWWenKai-Regular"),), ("song",),
             rename=("XJ WenKai", "XJ文楷", "XJWenKai")),
)

# OpenType features kept: vertical forms, width variants, CJK punctuation spacing and
# kerning. 'locl' and 'aalt' are left out on purpose: in a pan-CJK font their closure
# pulls in the Japanese, Korean and Traditional glyph variants.
LAYOUT_FEATURES = ["vert", "vrt2", "fwid", "hwid", "pwid", "halt", "palt", "vhal", "vpal",
                   "kern", "vkrn"]

# Spec R10: in Chinese text these are one em wide. How the ink sits in the em when a
# full-width glyph has to be made from a proportional one.
OPENING, CLOSING, CENTRED = "opening", "closing", "centred"
FULL_WIDTH_PUNCT = {
    0x201C: OPENING, 0x2018: OPENING, 0x201D: CLOSING, 0x2019: CLOSING,
    0x2014: CENTRED, 0x2026: CENTRED, 0x00B7: CENTRED,
}
KATAKANA_MIDDLE_DOT = 0x30FB  # the full-width centred dot CJK fonts draw for 间隔号


def coverage_set() -> set[int]:
    """Code points every bundled font should keep (when the upstream font has them)."""
    cps: set[int] = set()
    cps.update(ord(c) for c in gbk_characters())
    cps.update(ord(c) for c in tongyong_guifan_characters())
    blocks = [
        (0x0020, 0x007E),  # ASCII
        (0x00A0, 0x00FF),  # Latin-1 Supplement
        (0x0100, 0x017F),  # Latin Extended-A (pinyin tone marks)
        (0x01CD, 0x01DC),  # pinyin with caron (ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ)
        (0x02C6, 0x02DD),  # spacing modifiers (tone marks)
        (0x0391, 0x03C9),  # Greek
        (0x0401, 0x0451),  # Cyrillic
        (0x2000, 0x206F),  # General Punctuation
        (0x20AC, 0x20AC),  # euro sign
        (0x2100, 0x214F),  # Letterlike Symbols (℃ № ℉ ™)
        (0x2150, 0x218F),  # Number Forms (Ⅰ Ⅱ ⅰ)
        (0x2190, 0x21FF),  # Arrows
        (0x2460, 0x24FF),  # Enclosed Alphanumerics (① ⑴ ⒈)
        (0x2500, 0x257F),  # Box Drawing
        (0x25A0, 0x25FF),  # Geometric Shapes (□ ■ ○ ● △ ▲ ◆ ◇)
        (0x2605, 0x2606),  # ★ ☆
        (0x203B, 0x203B),  # ※
        (0x2E3A, 0x2E3B),  # two- and three-em dashes
        (0x3000, 0x303F),  # CJK Symbols and Punctuation
        (0x3200, 0x32FF),  # Enclosed CJK Letters and Months (㈠ ㊣)
        (0x3300, 0x33FF),  # CJK Compatibility (㎡ ㎏)
        (0xFE10, 0xFE1F),  # Vertical Forms
        (0xFE30, 0xFE4F),  # CJK Compatibility Forms
        (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
    ]
    for a, b in blocks:
        cps.update(range(a, b + 1))
    return cps


# ---------------------------------------------------------------------------------
# Getting the upstream files
# ---------------------------------------------------------------------------------


def deb_field(deb: Path, name: str) -> str:
    return subprocess.run(["dpkg-deb", "-f", str(deb), name], check=True,
                          capture_output=True, text=True).stdout.strip()


def find_debs(given: list[Path], download: bool) -> dict[str, Path]:
    """Package name -> .deb file, from --deb arguments, the cache, or apt-get download."""
    debs: dict[str, Path] = {}
    for p in given:
        debs[deb_field(p, "Package")] = p.resolve()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for pkg in PACKAGES:
        if pkg in debs:
            continue
        cached = sorted(CACHE_DIR.glob(f"{pkg}_*.deb"))
        if not cached and download:
            print(f"downloading {pkg} ...", flush=True)
            cmd = ["apt-get", "download", pkg]
            if subprocess.run(cmd, cwd=CACHE_DIR).returncode != 0:
                subprocess.run(["apt-get", "update"], check=True)
                subprocess.run(cmd, cwd=CACHE_DIR, check=True)
            cached = sorted(CACHE_DIR.glob(f"{pkg}_*.deb"))
        if cached:
            debs[pkg] = cached[-1]
    return debs


def extract(deb: Path) -> Path:
    """Unpack a .deb into tools/cache/extract/<file name>/ (once)."""
    dest = CACHE_DIR / "extract" / deb.stem
    marker = dest / ".extracted"
    if not marker.exists():
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        subprocess.run(["dpkg-deb", "-x", str(deb), str(dest)], check=True)
        marker.write_text(deb.name + "\n")
    return dest


def face_index(path: Path, psname: str) -> int:
    """Index of the face whose PostScript name is ``psname`` (0 for a single font)."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    coll = TTCollection(str(path), lazy=True)
    try:
        for i, font in enumerate(coll.fonts):
            if font["name"].getDebugName(6) == psname:
                return i
    finally:
        coll.close()
    raise SystemExit(f"{path}: no face named {psname}")


# ---------------------------------------------------------------------------------
# Font surgery
# ---------------------------------------------------------------------------------


def unicode_cmaps(font: TTFont):
    return [t for t in font["cmap"].tables if t.isUnicode()]


def set_cmap(font: TTFont, cp: int, glyph: str) -> None:
    for table in unicode_cmaps(font):
        if cp <= 0xFFFF or table.format in (12, 13):
            table.cmap[cp] = glyph


def fwid_substitutions(font: TTFont) -> dict[str, str]:
    """Single substitutions of the 'fwid' feature, preferring the Chinese (ZHS) ones."""
    if "GSUB" not in font:
        return {}
    gsub = font["GSUB"].table
    if not gsub.FeatureList or not gsub.ScriptList:
        return {}
    feature_indices: list[int] = []
    for rec in gsub.ScriptList.ScriptRecord:
        if rec.ScriptTag not in ("hani", "DFLT"):
            continue
        langsys = rec.Script.DefaultLangSys
        for lrec in rec.Script.LangSysRecord:
            if lrec.LangSysTag == "ZHS ":
                langsys = lrec.LangSys
        if langsys is not None:
            feature_indices.extend(langsys.FeatureIndex)
        if feature_indices:
            break
    mapping: dict[str, str] = {}
    for fi in feature_indices:
        frec = gsub.FeatureList.FeatureRecord[fi]
        if frec.FeatureTag != "fwid":
            continue
        for li in frec.Feature.LookupListIndex:
            lookup = gsub.LookupList.Lookup[li]
            for st in lookup.SubTable:
                if lookup.LookupType == 7:
                    st = st.ExtSubTable
                for src, dst in getattr(st, "mapping", {}).items():
                    mapping.setdefault(src, dst)
    return mapping


def remap_to_full_width(font: TTFont) -> list[dict]:
    """Point the cmap of R10's marks at full-width glyphs the font already has (its
    'fwid' forms; for U+00B7 the glyph of U+30FB). Returns what was changed."""
    upem = font["head"].unitsPerEm
    hmtx = font["hmtx"]
    cmap = font.getBestCmap()
    fwid = fwid_substitutions(font)
    changes = []
    for cp in FULL_WIDTH_PUNCT:
        g = cmap.get(cp)
        if g is None or hmtx[g][0] == upem:
            continue
        target, how = fwid.get(g), "fwid"
        if (target is None or hmtx[target][0] != upem) and cp == 0x00B7:
            target, how = cmap.get(KATAKANA_MIDDLE_DOT), "glyph of U+30FB"
        if target is None or hmtx[target][0] != upem:
            continue
        set_cmap(font, cp, target)
        changes.append({"codepoint": f"U+{cp:04X}", "char": chr(cp), "from_advance": hmtx[g][0],
                        "to_advance": upem, "how": how})
    return changes


def add_glyph(font: TTFont, name: str, glyph, like: str) -> None:
    """Append a TrueType glyph with a one-em advance; vertical metrics and the single
    substitutions (vert, pwid, ...) are copied from glyph ``like``."""
    upem = font["head"].unitsPerEm
    glyf = font["glyf"]
    order = list(font.getGlyphOrder()) + [name]
    font.setGlyphOrder(order)
    glyf.glyphOrder = order
    glyf.glyphs[name] = glyph
    glyph.recalcBounds(glyf)
    font["hmtx"][name] = (upem, getattr(glyph, "xMin", 0))
    if "vmtx" in font:
        font["vmtx"][name] = font["vmtx"][like]
    if "GSUB" in font and font["GSUB"].table.LookupList:
        for lookup in font["GSUB"].table.LookupList.Lookup:
            for st in lookup.SubTable:
                if lookup.LookupType == 7:
                    st = st.ExtSubTable
                mapping = getattr(st, "mapping", None)
                if mapping is not None and like in mapping:
                    mapping[name] = mapping[like]


def synthesize_full_width(font: TTFont) -> list[dict]:
    """For R10's marks still proportional (a TrueType font without 'fwid' forms), add a
    copy of the glyph on a one-em advance: opening quotes with the ink at the right
    side, closing quotes at the left, dashes and dots centred."""
    upem = font["head"].unitsPerEm
    hmtx, glyf = font["hmtx"], font["glyf"]
    cmap = font.getBestCmap()
    changes = []
    for cp, placement in FULL_WIDTH_PUNCT.items():
        g = cmap.get(cp)
        if g is None:
            continue
        adv, _lsb = hmtx[g]
        if adv == upem:
            continue
        glyph = copy.deepcopy(glyf[g])
        glyph.expand(glyf)
        dx = {OPENING: upem - adv, CLOSING: 0, CENTRED: (upem - adv) // 2}[placement]
        if dx and glyph.numberOfContours > 0:
            glyph.coordinates.translate((dx, 0))
        elif dx and glyph.isComposite():
            for comp in glyph.components:
                comp.x += dx
        new = f"uni{cp:04X}.full"
        add_glyph(font, new, glyph, like=g)
        set_cmap(font, cp, new)
        changes.append({"codepoint": f"U+{cp:04X}", "char": chr(cp), "from_advance": adv,
                        "to_advance": upem, "how": f"new glyph, ink {placement}"})
    return changes


def join_em_dash(font: TTFont) -> list[dict]:
    """Stretch a one-em U+2014 whose ink stops short of the edges (more than 1% of an
    em) to the full em, so that the two-em 破折号 —— is one unbroken line."""
    upem = font["head"].unitsPerEm
    glyf = font["glyf"]
    g = font.getBestCmap().get(0x2014)
    if g is None or font["hmtx"][g][0] != upem:
        return []
    glyph = copy.deepcopy(glyf[g])
    glyph.expand(glyf)
    if glyph.numberOfContours <= 0:
        return []
    glyph.recalcBounds(glyf)
    lo, hi = glyph.xMin, glyph.xMax
    if lo <= upem // 100 and hi >= upem - upem // 100:
        return []
    coords = glyph.coordinates
    for i in range(len(coords)):
        x, y = coords[i]
        coords[i] = (round((x - lo) * upem / (hi - lo)), y)
    new = "uni2014.join"
    add_glyph(font, new, glyph, like=g)
    set_cmap(font, 0x2014, new)
    return [{"codepoint": "U+2014", "char": "\u2014", "from_advance": upem, "to_advance": upem,
             "how": f"ink stretched from {lo}..{hi} to 0..{upem} so that —— joins"}]


def cff_to_glyf(font: TTFont, tolerance: float) -> None:
    """Replace CFF/CFF2 outlines by TrueType quadratic ones (cu2qu, error in font units)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        tt_pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(tt_pen, tolerance, reverse_direction=True))
        glyf.glyphs[name] = tt_pen.glyph()
    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    hmtx = font["hmtx"]
    for name in order:  # TrueType wants lsb == xMin
        g = glyf.glyphs[name]
        g.recalcBounds(glyf)
        hmtx[name] = (hmtx[name][0], getattr(g, "xMin", 0) if g.numberOfContours else 0)
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements", "maxPoints", "maxContours",
                 "maxCompositePoints", "maxCompositeContours", "maxComponentDepth"):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def set_post_format3(font: TTFont) -> None:
    post = font["post"]
    post.formatType = 3.0
    for attr in ("extraNames", "mapping", "glyphOrder"):
        if hasattr(post, attr):
            delattr(post, attr)


def rename_family(font: TTFont, family: str, family_zh: str, ps_family: str) -> None:
    """New family names (the Reserved Font Name clause); copyright, licence, designer
    and vendor records are kept."""
    name = font["name"]
    style = name.getDebugName(2) or "Regular"
    for rec in name.names:
        zh = rec.langID in (0x804, 0x404, 0xC04, 0x1004, 0x1404) or (
            rec.platformID == 1 and rec.langID in (19, 33))
        fam = family_zh if zh else family
        new = {1: fam, 4: f"{fam} {style}" if style != "Regular" else fam,
               16: fam, 6: f"{ps_family}-{style.replace(' ', '')}",
               3: f"{ps_family}-{style.replace(' ', '')};{BUILD_TAG}"}.get(rec.nameID)
        if new is not None:
            rec.string = new
    name.names = [r for r in name.names if r.nameID not in (18, 21, 22)]


def tag_version(font: TTFont) -> None:
    """Mark the font as modified in its version and unique-id strings."""
    for rec in font["name"].names:
        if rec.nameID == 5 and BUILD_TAG not in rec.toUnicode():
            rec.string = f"{rec.toUnicode()}; {BUILD_TAG}"
        elif rec.nameID == 3 and BUILD_TAG not in rec.toUnicode():
            rec.string = f"{rec.toUnicode()};{BUILD_TAG}"


def output_name(spec: FontSpec, source: Source) -> str:
    if spec.rename:
        style = source.psname.split("-", 1)[1]
        return f"{spec.rename[2]}-{style}.ttf"
    return f"{source.psname}-xj.ttf"


def build_one(spec: FontSpec, source: Source, src_path: str, index: int, out_dir: str,
              tolerance: float) -> dict:
    """Build one role's font; runs in a worker process. Returns its report."""
    t0 = time.time()
    out = Path(out_dir) / output_name(spec, source)
    # recalcTimestamp=False keeps upstream's head.modified: the same inputs give the
    # same bytes.
    font = TTFont(src_path, fontNumber=index, lazy=False, recalcTimestamp=False)
    upstream_cps = set(font.getBestCmap())
    remaps = remap_to_full_width(font)
    if "glyf" in font:
        remaps += synthesize_full_width(font)

    wanted = coverage_set()
    keep = sorted(wanted & upstream_cps)
    opts = subset.Options()
    opts.layout_features = LAYOUT_FEATURES
    opts.hinting = False
    opts.desubroutinize = True
    opts.notdef_outline = True
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.glyph_names = False
    opts.prune_unicode_ranges = True
    opts.drop_tables = [*opts.drop_tables, "BASE", "DSIG", "gasp", "hdmx", "LTSH", "VDMX",
                        "fpgm", "prep", "cvt ", "cvar"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=keep)
    sub.subset(font)

    if "CFF " in font or "CFF2" in font:
        cff_to_glyf(font, tolerance)
        remaps += synthesize_full_width(font)  # normally nothing left to do
    remaps += join_em_dash(font)
    set_post_format3(font)
    if spec.rename:
        rename_family(font, *spec.rename)
    tag_version(font)
    font["head"].flags |= 1 << 1  # lsb at x = xMin
    font.save(str(out))
    font.close()
    write_metrics_cache(out)

    check = TTFont(str(out), lazy=True)
    cmap = check.getBestCmap()
    hmtx = check["hmtx"]
    upem = check["head"].unitsPerEm
    widths = {f"U+{cp:04X}": hmtx[cmap[cp]][0] / upem for cp in FULL_WIDTH_PUNCT if cp in cmap}
    family = check["name"].getDebugName(16) or check["name"].getDebugName(1)
    full_name = check["name"].getDebugName(4)
    glyphs = check["maxp"].numGlyphs
    check.close()
    return {
        "role": spec.role,
        "file": out.name,
        "family": family,
        "full_name": full_name,
        "bytes": out.stat().st_size,
        "glyphs": glyphs,
        "codepoints": len(cmap),
        "upstream": {"package": source.package, "file": source.member,
                     "face": source.psname, "face_index": index},
        "remapped": remaps,
        "punct_advances_em": widths,
        "seconds": round(time.time() - t0, 1),
    }


# ---------------------------------------------------------------------------------
# Licences and the manifest
# ---------------------------------------------------------------------------------


def ofl_text_from_copyright(copyright_file: Path) -> str:
    """The OFL 1.1 text of a Debian copyright file (its stand-alone License paragraph)."""
    text = copyright_file.read_text(encoding="utf-8")
    m = re.search(r"^License: (?:SIL-1\.1|OFL-1\.1)\n((?: .*\n?)+)", text, re.M)
    if not m:
        raise SystemExit(f"{copyright_file}: no OFL licence paragraph")
    lines = []
    for line in m.group(1).splitlines():
        line = line[1:]
        lines.append("" if line == "." else line)
    return "\n".join(lines).strip("\n") + "\n"


def files_paragraph(copyright_file: Path) -> str:
    """The 'Files: *' paragraph of a Debian copyright file: copyright holders and any
    Reserved Font Name statement."""
    text = copyright_file.read_text(encoding="utf-8")
    m = re.search(r"^Files: \*\n(?:.+\n?)+", text, re.M)
    return m.group(0).rstrip("\n") + "\n" if m else ""


def copy_licences(extracted: dict[str, Path], versions: dict[str, str], out_dir: Path) -> list[str]:
    lic_dir = out_dir / "licenses"
    lic_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for pkg, root in sorted(extracted.items()):
        src = root / "usr/share/doc" / pkg / "copyright"
        if not src.exists():
            continue
        shutil.copyfile(src, lic_dir / f"{pkg}.copyright")
        written.append(f"{pkg}.copyright")
    notices = {
        "OFL-Noto-CJK.txt": ("fonts-noto-cjk", "Noto Serif CJK / Noto Sans CJK"),
        "OFL-LXGW-WenKai.txt": ("fonts-lxgw-wenkai", "LXGW WenKai"),
    }
    for fname, (pkg, fonts) in notices.items():
        if pkg not in extracted:
            continue
        copyright_file = extracted[pkg] / "usr/share/doc" / pkg / "copyright"
        header = (f"Licence of {fonts}, as shipped in the Debian package {pkg} "
                  f"{versions.get(pkg, '')} (file /usr/share/doc/{pkg}/copyright).\n\n"
                  + files_paragraph(copyright_file) + "\n")
        (lic_dir / fname).write_text(header + ofl_text_from_copyright(copyright_file),
                                     encoding="utf-8")
        written.append(fname)
    return written


def coverage_report(path: Path) -> dict:
    font = TTFont(str(path), lazy=True)
    cmap = font.getBestCmap()
    font.close()
    gbk = gbk_characters()
    tg = tongyong_guifan_characters()
    gbk_missing = [c for c in gbk if ord(c) not in cmap]
    tg_missing = [c for c in tg if ord(c) not in cmap]
    return {
        "gbk": {"total": len(gbk), "covered": len(gbk) - len(gbk_missing),
                "missing": "".join(gbk_missing[:200])},
        "tongyong_guifan_8105": {"total": len(tg), "covered": len(tg) - len(tg_missing),
                                 "missing": "".join(tg_missing[:300])},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--deb", action="append", type=Path, default=[],
                    help="a .deb to use instead of downloading (repeatable)")
    ap.add_argument("--no-download", action="store_true", help="never run apt-get")
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--only", action="append", choices=[s.role for s in SPECS],
                    help="build only this role (repeatable); fonts.json keeps the others")
    ap.add_argument("--tolerance", type=float, default=1.0,
                    help="cu2qu approximation error in font units (default 1.0)")
    args = ap.parse_args(argv)

    debs = find_debs(args.deb, download=not args.no_download)
    extracted = {pkg: extract(deb) for pkg, deb in debs.items()}
    versions = {pkg: deb_field(deb, "Version") for pkg, deb in debs.items()}
    args.out.mkdir(parents=True, exist_ok=True)

    jobs = []
    for spec in SPECS:
        if args.only and spec.role not in args.only:
            continue
        for source in spec.sources:
            root = extracted.get(source.package)
            if root is not None and (root / source.member).exists():
                path = root / source.member
                jobs.append((spec, source, path, face_index(path, source.psname)))
                break
        else:
            raise SystemExit(f"{spec.role}: none of {[s.member for s in spec.sources]} found; "
                             f"have {sorted(debs)}")

    manifest_path = args.out / "fonts.json"
    manifest = {"format": 1, "roles": {}}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))

    t0 = time.time()
    reports = {}
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(build_one, spec, source, str(path), index, str(args.out),
                               args.tolerance): spec for spec, source, path, index in jobs}
        for fut in as_completed(futures):
            r = fut.result()
            reports[r["role"]] = r
            print(f"{r['role']:9} {r['file']:36} {r['bytes'] / 1e6:6.1f} MB "
                  f"{r['glyphs']:6} glyphs  {r.pop('seconds'):6.1f} s", flush=True)

    for spec, source, _path, _index in jobs:
        r = reports[spec.role]
        r["upstream"]["version"] = versions[source.package]
        r["label"] = spec.label
        r["fallbacks"] = list(spec.fallbacks)
        r["coverage"] = coverage_report(args.out / r["file"])
        old = manifest["roles"].get(spec.role)
        if old and old.get("file") != r["file"]:
            for stale in (args.out / old["file"], args.out / (old["file"].rsplit(".", 1)[0]
                                                               + ".metrics.json")):
                stale.unlink(missing_ok=True)
        manifest["roles"][spec.role] = r
    manifest["roles"] = {s.role: manifest["roles"][s.role] for s in SPECS
                         if s.role in manifest["roles"]}
    manifest["licenses"] = copy_licences(extracted, versions, args.out)
    manifest["build"] = {"tool": "tools/build_fonts.py", "tolerance": args.tolerance,
                         "layout_features": LAYOUT_FEATURES,
                         "coverage_codepoints": len(coverage_set())}
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
    total = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
    print(f"done in {time.time() - t0:.0f} s; {args.out} holds {total / 1e6:.1f} MB")
    for role, r in manifest["roles"].items():
        cov = r["coverage"]
        print(f"{role:9} GBK {cov['gbk']['covered']}/{cov['gbk']['total']}  "
              f"通用规范 {cov['tongyong_guifan_8105']['covered']}/"
              f"{cov['tongyong_guifan_8105']['total']}  remapped: "
              + ", ".join(f"{c['codepoint']} ({c['how']})" for c in r["remapped"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
