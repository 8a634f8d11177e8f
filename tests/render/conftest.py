"""Font fixtures for the PDF renderer tests (the helpers are in render_fonts.py).

Real CJK fonts: the bundled ones in resources/fonts/ (or, before they are built, a CJK
TrueType font found on the system); tests that need one skip with the reason otherwise.
A tiny synthetic font made with fontTools covers the font subsetter's corner cases
(cmap format 4, composite glyphs, licence flags) without any font file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from render_fonts import BUNDLED, BUNDLED_FILES, system_cjk_font, make_font


@pytest.fixture(scope="session")
def cjk_fonts() -> dict[str, Path]:
    """Font key -> TrueType file with CJK glyphs (all keys exist; some may share a file)."""
    found = {key: BUNDLED / name for key, name in BUNDLED_FILES.items() if (BUNDLED / name).exists()}
    if found:
        fallback = next(iter(found.values()))
        return {key: found.get(key, fallback) for key in BUNDLED_FILES}
    system = system_cjk_font()
    if system is None:
        pytest.skip("no CJK TrueType font: resources/fonts/*.ttf not built and none found on the system")
    return {key: system for key in BUNDLED_FILES}


@pytest.fixture
def test_font(tmp_path) -> Path:
    path = tmp_path / "xjtest.ttf"
    path.write_bytes(make_font())
    return path
