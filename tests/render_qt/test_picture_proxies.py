"""Pictures drawn from screen-size proxies: a proxy at low zoom, the whole picture only
when the device needs more pixels, proxies kept in the cache folder and verified when
read, decoding when first painted, and decoded pictures held within a byte budget."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageStat

PHOTO_W, PHOTO_H = 3000, 2000


def _photo(seed: int = 0) -> bytes:
    """A 3000 x 2000 JPEG with structure at every scale: gradients and noise."""
    w, h = PHOTO_W, PHOTO_H
    noise = Image.effect_noise((w // 10, h // 10), 50 + seed).convert("L").resize((w, h))
    im = Image.merge("RGB", [Image.linear_gradient("L").resize((w, h)), noise,
                             Image.radial_gradient("L").resize((w, h))])
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", str(folder))
    return folder / "proxies"


def _asset(data: bytes):
    from xjeditor.model import ImageAsset

    return ImageAsset(data, "image/jpeg", "photo.jpg")


def _paint(renderer, assets, *, shown_w: float, dpi: float = 72.0):
    """The pictures side by side, each ``shown_w`` points wide (3:2), painted at ``dpi``."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    from xjeditor.typeset.display import DisplayPage, ImagePlacement

    h = shown_w * PHOTO_H / PHOTO_W
    items = [ImagePlacement((i * shown_w, 0, shown_w, h), i * shown_w, 0, shown_w, h, a.key)
             for i, a in enumerate(assets)]
    page = DisplayPage(shown_w * len(assets), h, items)
    k = dpi / 72.0
    img = QImage(max(1, round(page.width * k)), max(1, round(page.height * k)), QImage.Format.Format_RGB32)
    img.fill(Qt.GlobalColor.white)
    painter = QPainter(img)
    try:
        painter.scale(k, k)
        renderer.paint(painter, page)
    finally:
        painter.end()
    return img


def _held(renderer):
    return {entry: (im.width(), im.height()) for entry, im in renderer._qimages.items()}


def _renderer(assets):
    from xjeditor.pipeline import shared_registry
    from xjeditor.render.qt import QtPageRenderer

    return QtPageRenderer(shared_registry().path, {a.key: a for a in assets})


def _pil(qimg) -> Image.Image:
    from screen_pdf import to_pil

    return to_pil(qimg)


def test_low_zoom_draws_from_a_proxy(qapp, cache):
    from xjeditor.render.proxies import PROXY_SIZES
    from xjeditor.render.qt import FULL

    asset = _asset(_photo())
    renderer = _renderer([asset])
    _paint(renderer, [asset], shown_w=200)  # 200 device pixels wide
    held = _held(renderer)
    assert list(held) == [(asset.key, PROXY_SIZES[0])]
    assert max(held[(asset.key, PROXY_SIZES[0])]) <= PROXY_SIZES[0]
    _paint(renderer, [asset], shown_w=400, dpi=144)  # 800 device pixels: the canvas proxy
    assert (asset.key, PROXY_SIZES[1]) in _held(renderer)
    assert max(_held(renderer)[(asset.key, PROXY_SIZES[1])]) <= PROXY_SIZES[1]
    assert (asset.key, FULL) not in _held(renderer)
    assert len(list(cache.rglob("*"))) >= 2  # kept in the cache folder


def test_high_zoom_draws_the_whole_picture(qapp, cache):
    from xjeditor.render.qt import FULL

    asset = _asset(_photo())
    renderer = _renderer([asset])
    _paint(renderer, [asset], shown_w=100, dpi=72 * 20)  # 2000 device pixels wide
    assert _held(renderer) == {(asset.key, FULL): (PHOTO_W, PHOTO_H)}


def test_a_small_picture_is_never_decoded_twice_for_zoom(qapp, cache):
    from xjeditor.render.qt import FULL

    small = Image.new("RGB", (300, 200), (200, 40, 40))
    out = io.BytesIO()
    small.save(out, "JPEG")
    asset = _asset(out.getvalue())
    renderer = _renderer([asset])
    _paint(renderer, [asset], shown_w=1000, dpi=144)  # needs 2000 pixels; it has 300
    held = _held(renderer)
    assert len(held) == 1 and list(held.values()) == [(300, 200)]
    _paint(renderer, [asset], shown_w=100)
    assert _held(renderer) == held  # the whole picture, already held, serves any size
    assert list(held) == [(asset.key, FULL)]


def test_proxy_has_the_pixels_of_the_whole_picture(qapp, cache):
    from xjeditor.render.picture_decode import decode_picture
    from xjeditor.render.proxies import PROXY_SIZES

    asset = _asset(_photo())
    whole = decode_picture(asset.data)
    for size in PROXY_SIZES:
        proxy = _pil(_renderer([asset]).qimage(asset.key, size)).convert("RGB")
        assert max(proxy.size) == size
        box = (size // 4, round(size * PHOTO_H / PHOTO_W) // 4)
        # both averaged down to the same size: the same picture
        diff = ImageStat.Stat(ImageChops.difference(proxy.resize(box, Image.Resampling.BOX),
                                                    whole.resize(box, Image.Resampling.BOX)))
        assert max(diff.mean) < 4.0, (size, diff.mean)


def test_cache_entry_is_verified_and_rebuilt(qapp, cache):
    from xjeditor.render import proxies
    from xjeditor.render.proxies import PROXY_SIZES, cache_key, entry_jpeg, entry_path

    asset = _asset(_photo())
    first = _pil(_paint(_renderer([asset]), [asset], shown_w=200))
    path = entry_path(cache_key(asset, PROXY_SIZES[0]))
    good = path.read_bytes()
    assert entry_jpeg(cache_key(asset, PROXY_SIZES[0]), good) is not None
    assert b"pickle" not in good[:8] and good[:4] == b"XJPX"

    # a read from the cache gives the same pixels as the proxy just made
    again = _pil(_paint(_renderer([asset]), [asset], shown_w=200))
    assert ImageChops.difference(first, again).getbbox() is None

    # one byte changed in the JPEG: refused, made again, same pixels
    bad = bytearray(good)
    bad[len(bad) // 2] ^= 0xFF
    path.write_bytes(bytes(bad))
    assert entry_jpeg(cache_key(asset, PROXY_SIZES[0]), bytes(bad)) is None
    rebuilt = _pil(_paint(_renderer([asset]), [asset], shown_w=200))
    assert ImageChops.difference(first, rebuilt).getbbox() is None
    assert path.read_bytes() == good

    # an entry of another key put in its place: refused too
    other = proxies.entry_bytes("0" * 64, good[proxies._HEADER.size:])
    path.write_bytes(other)
    rebuilt = _pil(_paint(_renderer([asset]), [asset], shown_w=200))
    assert ImageChops.difference(first, rebuilt).getbbox() is None
    assert path.read_bytes() == good


def test_pictures_are_decoded_when_first_painted(qapp, cache):
    assets = [_asset(_photo(i)) for i in range(2)]
    renderer = _renderer(assets)
    assert _held(renderer) == {}
    assert not cache.exists() or not any(p.is_file() for p in cache.rglob("*"))
    _paint(renderer, assets[:1], shown_w=100)
    assert {k for k, _ in _held(renderer)} == {assets[0].key}


def test_decoded_pictures_stay_within_the_budget(qapp, cache, monkeypatch):
    from xjeditor.render import qt

    assets = [_asset(_photo(i)) for i in range(4)]
    renderer = _renderer(assets)
    one_full = PHOTO_W * PHOTO_H * 3
    monkeypatch.setattr(qt, "FULL_MAX_BYTES", one_full + 1000)
    for a in assets:
        _paint(renderer, [a], shown_w=100, dpi=72 * 20)  # the whole picture each time
        assert renderer.held_bytes() <= one_full + 4096
    assert list(_held(renderer)) == [(assets[-1].key, qt.FULL)]

    monkeypatch.setattr(qt, "IMAGE_MAX_BYTES", 2 * 1024 * 1024)
    _paint(renderer, assets, shown_w=300, dpi=144)  # four 1024-pixel proxies of ~2 MB each
    assert renderer.held_bytes() <= 2 * 1024 * 1024 + 1024 * 683 * 3 + 4096
    # still drawn right after being dropped: decoded again from the cache folder
    _paint(renderer, assets, shown_w=300, dpi=144)


def test_no_cache_folder_still_draws(qapp, monkeypatch):
    monkeypatch.setenv("XJEDITOR_CACHE_DIR", "")
    asset = _asset(_photo())
    img = _pil(_paint(_renderer([asset]), [asset], shown_w=200))
    assert img.getextrema() != ((255, 255), (255, 255), (255, 255))


def test_a_picture_smaller_than_the_proxy_is_shown_exactly(qapp, cache):
    from xjeditor.model import ImageAsset

    im = Image.new("RGB", (100, 80), (255, 255, 255))
    for x in range(0, 100, 2):
        im.paste((0, 0, 0), (x, 0, x + 1, 80))  # one-pixel stripes: JPEG would blur them
    out = io.BytesIO()
    im.save(out, "PNG")
    asset = ImageAsset(out.getvalue(), "image/png", "stripes.png")
    renderer = _renderer([asset])
    got = _pil(renderer.qimage(asset.key, 50)).convert("RGB")
    assert ImageChops.difference(got, im).getbbox() is None
    assert not cache.exists() or not any(p.is_file() for p in cache.rglob("*"))
