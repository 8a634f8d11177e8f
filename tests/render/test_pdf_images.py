"""Images for print: orientation, crop to the visible part, 300 ppi ceiling, CMYK."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from xjeditor.model import ImageAsset
from xjeditor.render.pdf_images import ImageError, prepare_image, to_cmyk, visible_part


def asset(im: Image.Image, fmt: str = "PNG", **save) -> ImageAsset:
    out = io.BytesIO()
    im.save(out, fmt, **save)
    return ImageAsset(out.getvalue(), f"image/{fmt.lower()}")


def halves(size=(200, 100), left=(255, 0, 0), right=(0, 0, 255)) -> Image.Image:
    im = Image.new("RGB", size, left)
    im.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return im


def decoded(prepared) -> Image.Image:
    im = Image.open(io.BytesIO(prepared.jpeg))
    assert im.mode == "CMYK"
    return im


def test_visible_part_is_the_clip_in_image_fractions():
    assert visible_part((0, 0, 100, 100), 0, 0, 100, 100) == (0, 0, 1, 1)
    assert visible_part((50, 0, 50, 100), 0, 0, 200, 100) == (0.25, 0, 0.5, 1)
    assert visible_part((0, 0, 10, 10), 20, 20, 10, 10) is None
    assert visible_part((0, 0, 10, 10), 0, 0, 0, 10) is None


def test_cmyk_fallback_conversion():
    rgb = Image.new("RGB", (5, 1))
    for x, px in enumerate([(255, 0, 0), (0, 0, 0), (255, 255, 255), (128, 128, 128), (0, 255, 255)]):
        rgb.putpixel((x, 0), px)
    cmyk = to_cmyk(rgb)
    assert [cmyk.getpixel((x, 0)) for x in range(5)] == [
        (0, 255, 255, 0), (0, 0, 0, 255), (0, 0, 0, 0), (0, 0, 0, 127), (255, 0, 0, 0)]
    # total ink never above 200 %
    noise = Image.effect_noise((64, 64), 100).convert("RGB").resize((64, 64))
    noise = Image.merge("RGB", (noise.split()[0], noise.rotate(90).split()[0], noise.rotate(180).split()[0]))
    data = to_cmyk(noise).tobytes()
    assert max(sum(data[i : i + 4]) for i in range(0, len(data), 4)) <= 2 * 255
    # greyscale goes to the black plate only
    assert to_cmyk(Image.new("L", (1, 1), 64)).getpixel((0, 0)) == (0, 0, 0, 191)


def test_whole_image_at_low_resolution_is_kept_and_never_upsampled():
    a = asset(halves())
    p = prepare_image(a, (10, 10, 400, 200), 10, 10, 400, 200)  # 36 ppi
    assert (p.width_px, p.height_px) == (200, 100)
    assert (p.x, p.y, p.w, p.h) == (10, 10, 400, 200)
    im = decoded(p)
    c, m, y, k = im.getpixel((20, 50))
    assert c < 10 and m > 240 and y > 240 and k < 10  # red
    c, m, y, k = im.getpixel((180, 50))
    assert c > 240 and m > 150 and y < 10  # blue (through the newsprint profile M stays lower)


def test_downsampled_to_300_ppi_at_placed_size():
    a = asset(halves((3000, 1500)), "JPEG", quality=90)
    p = prepare_image(a, (0, 0, 72, 36), 0, 0, 72, 36)  # one inch wide
    assert p.width_px <= 300 and p.height_px <= 150
    assert p.width_px >= 299  # not lower than needed either


def test_crop_keeps_only_the_visible_pixels_exactly_placed():
    a = asset(halves())
    # image 200x100 px placed at 200x100 pt; the clip shows x 120..170
    p = prepare_image(a, (120, 0, 50, 100), 0, 0, 200, 100)
    assert (p.width_px, p.height_px) == (50, 100)
    assert (p.x, p.y, p.w, p.h) == (120, 0, 50, 100)
    assert decoded(p).getpixel((25, 50))[0] > 240  # blue half only: cyan ink
    # a clip edge inside a source pixel: the crop grows to whole pixels
    p = prepare_image(a, (10.5, 0, 20, 100), 0, 0, 400, 200)  # 2 pt per pixel
    assert (p.x, p.w, p.width_px) == (10, 22, 11)
    assert prepare_image(a, (500, 500, 10, 10), 0, 0, 200, 100) is None


def test_exif_orientation_is_applied():
    raw = halves((40, 20))  # red left, blue right
    exif = Image.Exif()
    exif[0x0112] = 6  # shown rotated 90° clockwise: red on top
    a = asset(raw, "JPEG", quality=95, exif=exif.tobytes())
    p = prepare_image(a, (0, 0, 20, 40), 0, 0, 20, 40)
    im = decoded(p)
    assert im.size == (20, 40)
    assert im.getpixel((10, 5))[1] > 200 and im.getpixel((10, 5))[0] < 60  # red: M+Y
    assert im.getpixel((10, 35))[0] > 200  # blue: C+M


def test_transparency_is_flattened_on_white():
    im = Image.new("RGBA", (10, 10), (255, 0, 0, 0))
    p = prepare_image(asset(im), (0, 0, 10, 10), 0, 0, 10, 10)
    assert decoded(p).getpixel((5, 5)) == pytest.approx((0, 0, 0, 0), abs=3)
    pal = Image.new("P", (10, 10), 0)
    pal.putpalette([0, 0, 0, 255, 255, 255])
    p = prepare_image(asset(pal), (0, 0, 10, 10), 0, 0, 10, 10)
    assert decoded(p).getpixel((5, 5))[3] > 230  # black mostly on K (newsprint profile: ~238)


def test_cmyk_and_greyscale_sources():
    cmyk = Image.new("CMYK", (10, 10), (0, 0, 0, 255))
    p = prepare_image(asset(cmyk, "JPEG", quality=95), (0, 0, 10, 10), 0, 0, 10, 10)
    assert decoded(p).getpixel((5, 5)) == pytest.approx((0, 0, 0, 255), abs=3)
    p = prepare_image(asset(Image.new("L", (10, 10), 0)), (0, 0, 10, 10), 0, 0, 10, 10)
    assert decoded(p).getpixel((5, 5)) == pytest.approx((0, 0, 0, 255), abs=3)


def test_unreadable_data_raises_image_error():
    with pytest.raises(ImageError, match="not an image"):
        prepare_image(ImageAsset(b"not an image", "image/jpeg"), (0, 0, 10, 10), 0, 0, 10, 10)
    good = asset(halves((300, 300)), "JPEG", quality=90).data
    with pytest.raises(ImageError):
        prepare_image(ImageAsset(good[: len(good) // 2], "image/jpeg"), (0, 0, 10, 10), 0, 0, 10, 10)
