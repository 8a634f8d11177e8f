"""The prepared-image cache: keyed by everything the result depends on, checked on
every read (a damaged or misplaced entry is made again), plain data only, and not used
in a folder others may write to."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from PIL import Image

from xjeditor import paths
from xjeditor.model import ImageAsset
from xjeditor.render import pdf_images
from xjeditor.render.pdf import render_pdf
from xjeditor.typeset.display import DisplayPage, ImagePlacement


def photo(colour, size=(240, 160)) -> ImageAsset:
    im = Image.linear_gradient("L").resize(size).convert("RGB")
    im.paste(colour, (0, 0, size[0] // 2, size[1] // 2))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85)
    return ImageAsset(out.getvalue(), "image/jpeg")


A, B = photo((200, 30, 30)), photo((30, 30, 200))
IMAGES = {A.key: A, B.key: B}


def export() -> bytes:
    page = DisplayPage(400, 300, items=[
        ImagePlacement((20, 20, 120, 80), 20, 20, 120, 80, A.key, "a"),
        ImagePlacement((200, 20, 120, 80), 200, 20, 120, 80, B.key, "b"),
    ])
    out = io.BytesIO()
    assert render_pdf([page], out, fonts=lambda key: None, images=IMAGES, pdfx=False) == []
    return out.getvalue()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh cache folder; gives a list that records every picture decoded."""
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(tmp_path / "cache"))
    decoded = []
    decode = pdf_images.decode

    def spy(data, need_w, need_h):
        decoded.append(data)
        return decode(data, need_w, need_h)

    monkeypatch.setattr(pdf_images, "decode", spy)
    return decoded


def entries() -> list[Path]:
    folder = pdf_images.cache_dir()
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_a_warm_export_decodes_nothing_and_matches_a_cold_one(cache):
    cold = export()
    assert len(cache) == 2 and len(entries()) == 2
    assert export() == cold
    assert len(cache) == 2  # all from the cache


@pytest.mark.parametrize("damage", ["flip-jpeg", "flip-facts", "truncate", "swap", "empty"])
def test_a_damaged_entry_is_made_again(cache, damage):
    cold = export()
    first, second = entries()
    data = bytearray(first.read_bytes())
    if damage == "flip-jpeg":
        data[-200] ^= 0x40
        first.write_bytes(data)
    elif damage == "flip-facts":  # the crop, as JSON, still readable
        at = data.index(b'"crop": [') + len(b'"crop": [')
        data[at] = ord("1") if data[at] != ord("1") else ord("2")
        first.write_bytes(data)
    elif damage == "truncate":
        first.write_bytes(data[: len(data) // 2])
    elif damage == "swap":  # two entries' files change places: each whole, but not the right one
        other = second.read_bytes()
        second.write_bytes(data)
        first.write_bytes(other)
    else:
        first.write_bytes(b"")
    cache.clear()
    assert export() == cold  # the same bytes as a cold export
    assert len(cache) == (2 if damage == "swap" else 1)  # made again
    cache.clear()
    assert export() == cold and cache == []  # and written back whole


def test_the_key_covers_pillow_and_the_preparing_code(monkeypatch):
    part = (0.0, 0.0, 1.0, 1.0)
    key = pdf_images._cache_key(A, part, 120, 80, 300.0)
    assert pdf_images._cache_key(B, part, 120, 80, 300.0) != key  # the picture's content
    assert pdf_images._cache_key(A, part, 120, 81, 300.0) != key  # the placement
    assert pdf_images._cache_key(A, part, 120, 80, 150.0) != key  # the output settings
    monkeypatch.setattr(pdf_images, "PILLOW_VERSION", "0.0")
    assert pdf_images._cache_key(A, part, 120, 80, 300.0) != key
    monkeypatch.undo()
    monkeypatch.setattr(pdf_images, "_code_digest", lambda: "another version of the code")
    assert pdf_images._cache_key(A, part, 120, 80, 300.0) != key


def test_entries_are_plain_data(cache):
    export()
    data = entries()[0].read_bytes()
    assert data[:4] == b"XJPI" and b'"crop": [' in data and b"\xff\xd8" in data
    source = Path(pdf_images.__file__).read_text(encoding="utf-8")
    assert "pickle" not in source and "marshal" not in source


def test_cache_folders_are_made_private(tmp_path, monkeypatch):
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(tmp_path / "new" / "cache"))
    folder = paths.user_cache_dir("images")
    assert folder == tmp_path / "new" / "cache" / "images"
    for made in (folder, folder.parent):
        assert stat.S_IMODE(made.stat().st_mode) & 0o077 == 0


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("which", ["kind", "root"])
def test_a_cache_folder_others_may_write_to_is_not_used(tmp_path, monkeypatch, capsys, cache, which):
    root = tmp_path / f"shared-{which}"
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(root))
    (root / "images").mkdir(parents=True)
    (root if which == "root" else root / "images").chmod(0o777)
    assert paths.user_cache_dir("images") is None
    assert paths.user_cache_dir("images") is None
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1  # warned once
    assert err[0].startswith("xjeditor: warning: not using the cache folder ") and "others may write" in err[0]
    cold = export()
    assert export() == cold and len(cache) == 4  # no caching at all
    assert not any(p.is_file() for p in root.rglob("*"))


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a folder away")
def test_a_cache_folder_of_another_user_is_not_used(tmp_path, monkeypatch, capsys):
    root = tmp_path / "theirs"
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(root))
    (root / "images").mkdir(parents=True, mode=0o700)
    os.chown(root / "images", 65534, 65534)
    assert paths.user_cache_dir("images") is None
    assert "belongs to another user" in capsys.readouterr().err
