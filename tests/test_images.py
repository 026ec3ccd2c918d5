"""nstlib.io.images: every odd format a user may have, every way it can fail, saving."""

import io
import os
import resource
import struct
import time
import zlib

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

from nstlib.errors import NSTError
from nstlib.io import images
from nstlib.io.images import load_image, next_free_path, resize, resize_to, save_image, to_uint8

RED, BLUE = (255, 0, 0), (0, 0, 255)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NSTLIB_CACHE_DIR", str(tmp_path / "cache"))


def save(im, path, **kwargs):
    im.save(path, **kwargs)
    return path


def pixels(source, **kwargs):
    """load_image's result as an (H, W, 3) array, checked to be a valid image."""
    image = load_image(source, min_side=1, **kwargs)
    assert image.dtype == tf.float32 and image.shape[0] == 1 and image.shape[-1] == 3
    a = image.numpy()[0]
    assert a.min() >= 0.0 and a.max() <= 1.0
    return a


def png_header(width, height):
    """A tiny PNG whose header claims width x height RGB pixels (the data is a stub)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


# ---------------------------------------------------------------- formats


def test_rgb_png_from_path_str_and_pathlib(tmp_path):
    path = save(Image.new("RGB", (48, 40), (255, 128, 0)), tmp_path / "a.png")
    for source in (path, str(path)):
        image = load_image(source)
        assert image.shape == (1, 40, 48, 3) and image.dtype == tf.float32
        np.testing.assert_allclose(image.numpy()[0, 0, 0], [1.0, 128 / 255, 0.0], atol=1e-6)


def test_grayscale_becomes_rgb(tmp_path):
    a = pixels(save(Image.new("L", (40, 50), 100), tmp_path / "g.png"))
    assert a.shape == (50, 40, 3)
    np.testing.assert_allclose(a, 100 / 255, atol=1e-6)


def test_16bit_png_scaled_not_clipped(tmp_path):
    values = np.array([0, 1000, 40000, 65535], np.uint16)
    gray = np.repeat(values, 10)[None, :].repeat(8, axis=0)  # (8, 40): four bands
    path = save(Image.fromarray(gray), tmp_path / "deep.png")
    assert Image.open(path).mode.startswith("I")  # really 16-bit on disk
    a = pixels(path)
    np.testing.assert_allclose(a[0, ::10, 0], values / 65535, atol=1e-5)
    assert 0.6 < a[0, 20, 1] < 0.62  # 40000 is not clipped to 255 (which would give 1.0)


def test_rgba_composited_on_white(tmp_path):
    rgba = np.zeros((40, 40, 4), np.uint8)
    rgba[:, :20] = (255, 0, 0, 255)  # opaque red | fully transparent black
    rgba[:, 30:] = (0, 0, 0, 128)  # half-transparent black: mid gray on white
    a = pixels(save(Image.fromarray(rgba), tmp_path / "t.png"))
    np.testing.assert_allclose(a[5, 5], [1, 0, 0], atol=1e-6)
    np.testing.assert_allclose(a[5, 25], [1, 1, 1], atol=1e-6)  # transparent -> white
    np.testing.assert_allclose(a[5, 35], [127 / 255] * 3, atol=0.01)


def test_la_and_palette_with_transparency_on_white(tmp_path):
    la = Image.new("LA", (40, 40), (0, 0))  # black, fully transparent
    np.testing.assert_allclose(pixels(save(la, tmp_path / "la.png")), 1.0)
    palette = Image.new("P", (40, 40), 1)
    palette.putpalette([0, 0, 255, 255, 0, 0] + [0] * 762)  # 0: blue, 1: red
    palette.paste(0, (0, 0, 20, 40))
    plain = pixels(save(palette, tmp_path / "p.png"))
    np.testing.assert_allclose(plain[0, 0], [0, 0, 1])
    np.testing.assert_allclose(plain[0, 30], [1, 0, 0])
    see_through = pixels(save(palette, tmp_path / "pt.png", transparency=1))  # red is clear
    np.testing.assert_allclose(see_through[0, 0], [0, 0, 1])
    np.testing.assert_allclose(see_through[0, 30], [1, 1, 1])


def test_cmyk_jpeg(tmp_path):
    path = save(Image.new("CMYK", (40, 40), (0, 255, 255, 0)), tmp_path / "c.jpg")
    assert Image.open(path).mode == "CMYK"
    np.testing.assert_allclose(pixels(path)[20, 20], [1, 0, 0], atol=0.03)


@pytest.mark.parametrize("name,options", [("w.webp", {"lossless": True}), ("b.bmp", {})])
def test_webp_and_bmp(tmp_path, name, options):
    im = Image.new("RGB", (40, 40), BLUE)
    im.paste(RED, (0, 0, 20, 40))
    a = pixels(save(im, tmp_path / name, **options))
    np.testing.assert_allclose(a[10, 5], [1, 0, 0], atol=1e-6)
    np.testing.assert_allclose(a[10, 35], [0, 0, 1], atol=1e-6)


def test_animated_gif_gives_first_frame(tmp_path):
    frames = [Image.new("RGB", (40, 40), RED), Image.new("RGB", (40, 40), BLUE)]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(path).n_frames == 2
    np.testing.assert_allclose(pixels(path)[20, 20], [1, 0, 0], atol=0.01)


def test_exif_orientation_is_honoured(tmp_path):
    stored = Image.new("RGB", (60, 40), "white")  # landscape as stored: black left half
    stored.paste((0, 0, 0), (0, 0, 30, 40))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    a = pixels(save(stored, tmp_path / "phone.jpg", exif=exif, quality=95))
    assert a.shape == (60, 40, 3)  # upright: portrait
    assert a[5, 20].mean() < 0.1 and a[55, 20].mean() > 0.9  # black half went to the top


def test_file_object_pil_image_array_and_tensor():
    im = Image.new("RGB", (40, 32), (0, 255, 0))
    buffer = io.BytesIO()
    im.save(buffer, "PNG")
    buffer.seek(0)
    expected = np.zeros((32, 40, 3), np.float32)
    expected[..., 1] = 1.0
    for source in (buffer, im, np.asarray(im), tf.constant(np.asarray(im)), expected[None]):
        np.testing.assert_allclose(pixels(source), expected)


@pytest.mark.parametrize(
    "array,value",
    [
        (np.full((40, 40), 51, np.uint8), 0.2),
        (np.full((40, 40, 3), 13107, np.uint16), 0.2),
        (np.full((1, 40, 40, 3), 0.2, np.float64), 0.2),
        (np.full((40, 40, 3), 0.2, np.float16), 0.2),
        (np.dstack([np.zeros((40, 40, 3)), np.full((40, 40), 0.5)]), 0.5),  # RGBA on white
    ],
)
def test_array_shapes_and_dtypes(array, value):
    np.testing.assert_allclose(pixels(array), value, atol=1e-3)


def test_max_dim_resizes_on_load(tmp_path):
    path = save(Image.new("RGB", (400, 200)), tmp_path / "wide.png")
    assert load_image(path, max_dim=100).shape == (1, 50, 100, 3)


# ---------------------------------------------------------------- errors


def raises(source, *words, **kwargs):
    """Assert load_image(source) raises NSTError with a one-line message containing words."""
    with pytest.raises(NSTError) as info:
        load_image(source, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message, (word, message)
    return message


def test_missing_file_directory_and_empty_file(tmp_path):
    raises(tmp_path / "nope.jpg", "No such file", "nope.jpg")
    raises(tmp_path, "is a folder", str(tmp_path))
    (tmp_path / "empty.png").write_bytes(b"")
    raises(tmp_path / "empty.png", "empty.png", "0 bytes")


@pytest.mark.parametrize("fmt,suffix", [("PNG", "png"), ("JPEG", "jpg")])
def test_truncated_file(tmp_path, fmt, suffix):
    noise = np.random.default_rng(0).integers(0, 256, (64, 64, 3), np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, fmt)
    path = tmp_path / f"cut.{suffix}"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    raises(path, "cut." + suffix, "truncated")
    with Image.open(path) as lazy:  # a PIL Image whose pixels are not read yet
        raises(lazy, "PIL image", "truncated")


def test_not_an_image(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_text("<!DOCTYPE html><html><body>Sign in to continue</body></html>")
    raises(path, "photo.jpg", "not an image")
    path.write_bytes(np.random.default_rng(1).bytes(5000))
    raises(path, "photo.jpg")


@pytest.mark.parametrize("side,words", [(100_000, ("10000000000 pixels", "decompression bomb")), (10_000, ("10000x10000",))])
def test_decompression_bomb_refused_before_decoding(tmp_path, side, words):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header(side, side))
    assert path.stat().st_size < 200
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    start = time.perf_counter()
    raises(path, "bomb.png", *words)
    assert time.perf_counter() - start < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 100_000  # < 100 MB


def test_too_small(tmp_path):
    path = save(Image.new("RGB", (20, 100)), tmp_path / "thin.png")
    raises(path, "thin.png", "20x100", "at least 32")
    raises(save(Image.new("RGB", (400, 100)), tmp_path / "wide.png"), "max_dim=64", max_dim=64)


@pytest.mark.parametrize(
    "array",
    [np.zeros((40,)), np.zeros((40, 40, 2)), np.zeros((2, 40, 40, 3)), np.zeros((40, 40, 5)), np.zeros((3, 40, 40, 1, 1))],
)
def test_bad_array_shape(array):
    raises(array, "(H, W, 3)", str(array.shape))


@pytest.mark.parametrize(
    "array,word",
    [
        (np.full((40, 40, 3), 200.0), "[0, 1]"),
        (np.full((40, 40, 3), np.nan), "[0, 1]"),
        (np.full((40, 40, 3), 7, np.int64), "int64"),
        (np.ones((40, 40, 3), bool), "bool"),
        (np.zeros((0, 40, 3), np.uint8), "empty"),
    ],
)
def test_bad_array_values_and_dtypes(array, word):
    raises(array, word)


@pytest.mark.parametrize("url", ["ftp://example.com/a.jpg", "file:///etc/passwd", "s3://bucket/a.png"])
def test_only_http_urls(url):
    raises(url, url.split("://")[0] + "://", "http and https")


def test_unsupported_source_type():
    raises(12345, "int", "file path")


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a", b"BM", b"RIFF\0\0\0\0WEBP"]),
    body=st.binary(max_size=300),
)
def test_random_bytes_only_ever_raise_nst_error(prefix, body):
    try:
        image = load_image(io.BytesIO(prefix + body), min_side=1)
    except NSTError:
        return
    assert image.shape[0] == 1 and image.shape[-1] == 3  # vanishingly rare: a valid image


@settings(max_examples=60, deadline=None, database=None)
@given(
    hnp.arrays(
        dtype=st.sampled_from([np.uint8, np.uint16, np.float32, np.float64, np.int32, np.bool_]),
        shape=hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=6),
    )
)
def test_random_arrays_load_or_raise_nst_error(array):
    try:
        image = load_image(array, min_side=1)
    except NSTError:
        return
    assert image.dtype == tf.float32 and image.shape[0] == 1 and image.shape[-1] == 3
    assert 0.0 <= image.numpy().min() and image.numpy().max() <= 1.0


# ---------------------------------------------------------------- resize, uint8


@pytest.mark.parametrize(
    "shape,max_dim,expected",
    [((100, 200), 50, (25, 50)), ((30, 60), 120, (60, 120)), ((500, 333), 64, (64, 43)), ((7, 7), 7, (7, 7))],
)
def test_resize_keeps_aspect_ratio(shape, max_dim, expected):
    image = tf.random.uniform((1, *shape, 3))
    out = resize(image, max_dim)
    assert tuple(out.shape) == (1, *expected, 3)
    assert float(tf.reduce_min(out)) >= 0.0 and float(tf.reduce_max(out)) <= 1.0


@settings(max_examples=25, deadline=None, database=None)
@given(st.integers(1, 300), st.integers(1, 300), st.integers(1, 300))
def test_resize_property(height, width, max_dim):
    h, w = resize(tf.zeros((1, height, width, 3)), max_dim).shape[1:3]
    assert max(h, w) == max_dim
    scale = max_dim / max(height, width)
    for new, old in ((h, height), (w, width)):
        assert abs(new - old * scale) <= 0.5 + 1e-9 or new == 1  # rounded, never 0


def test_resize_to_and_bad_max_dim():
    assert resize_to(tf.ones((1, 10, 20, 3)), (33, 17)).shape == (1, 33, 17, 3)
    assert resize_to(tf.ones((1, 10, 20, 3)), tf.zeros((1, 5, 6, 3)).shape[1:3]).shape == (1, 5, 6, 3)
    assert float(tf.reduce_max(resize_to(tf.fill((1, 4, 4, 3), 2.0), (4, 4)))) == 1.0  # clipped
    for bad in (0, -5, 2.5, "64", True):
        with pytest.raises(NSTError, match="max_dim"):
            resize(tf.ones((1, 10, 20, 3)), bad)


def test_to_uint8():
    image = tf.constant([[[[0.0, 0.5, 1.0], [1.2, -0.1, 0.999]]]])  # (1, 1, 2, 3)
    out = to_uint8(image)
    assert out.dtype == np.uint8 and out.shape == (1, 2, 3)
    np.testing.assert_array_equal(out, [[[0, 128, 255], [255, 0, 255]]])
    np.testing.assert_array_equal(to_uint8(image.numpy()[0]), out)
    with pytest.raises(NSTError, match="shape"):
        to_uint8(np.zeros((2, 4, 4, 3)))


# ---------------------------------------------------------------- save


def test_save_round_trip_png_and_jpeg(tmp_path):
    image = load_image(np.random.default_rng(2).integers(0, 256, (40, 48, 3), np.uint8))
    path = save_image(image, tmp_path / "sub" / "dir" / "out.png")  # creates folders
    assert path == tmp_path / "sub" / "dir" / "out.png"
    np.testing.assert_array_equal(load_image(path).numpy(), image.numpy())
    ramp = np.linspace(0.0, 1.0, 64, dtype=np.float32)  # JPEG is lossy: use a smooth image
    smooth = np.stack(np.broadcast_arrays(ramp[:, None], ramp[None, :], 0.5), axis=-1)[None]
    jpeg = save_image(smooth, tmp_path / "out.JPEG")
    assert Image.open(jpeg).format == "JPEG"
    assert np.abs(load_image(jpeg).numpy() - smooth).max() < 0.03
    assert sorted(os.listdir(tmp_path)) == ["out.JPEG", "sub"]  # no temp files
    assert os.listdir(tmp_path / "sub" / "dir") == ["out.png"]


def test_save_refuses_to_overwrite(tmp_path):
    path = save_image(np.zeros((32, 32, 3)), tmp_path / "out.png")
    with pytest.raises(NSTError, match="overwrite=True") as info:
        save_image(np.ones((32, 32, 3)), path)
    assert "--overwrite" in str(info.value) and "out-1.png" in str(info.value)
    assert load_image(path).numpy().max() == 0.0  # untouched
    save_image(np.ones((32, 32, 3)), path, overwrite=True)
    assert load_image(path).numpy().min() == 1.0
    assert os.listdir(tmp_path) == ["out.png"]


def test_save_bad_extension(tmp_path):
    with pytest.raises(NSTError, match=r"\.png, \.jpg or \.jpeg, not '\.gif'"):
        save_image(np.zeros((32, 32, 3)), tmp_path / "out.gif")
    assert not os.listdir(tmp_path)


def test_save_into_unwritable_place(tmp_path):
    (tmp_path / "file.txt").write_text("I am not a folder")
    with pytest.raises(NSTError, match="Could not save") as info:
        save_image(np.zeros((32, 32, 3)), tmp_path / "file.txt" / "out.png")
    assert "file.txt" in str(info.value)
    assert os.listdir(tmp_path) == ["file.txt"]


def test_save_disk_full_leaves_nothing_behind(tmp_path, monkeypatch):
    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(images.os, "replace", full)
    with pytest.raises(NSTError, match="No space left on device"):
        save_image(np.zeros((32, 32, 3)), tmp_path / "out.png")
    assert os.listdir(tmp_path) == []  # the temp file was written, then removed


def test_next_free_path(tmp_path):
    path = tmp_path / "result.png"
    assert next_free_path(path) == path
    path.write_bytes(b"x")
    assert next_free_path(path) == tmp_path / "result-1.png"
    (tmp_path / "result-1.png").write_bytes(b"x")
    assert next_free_path(str(path)) == tmp_path / "result-2.png"


# ---------------------------------------------------------------- show


def test_show_images():
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    before = plt.get_fignums()  # what other tests left open
    fig = images.show_images(
        [tf.zeros((1, 32, 40, 3)), np.ones((20, 30, 3))], titles=["content", "style"], credits=["", "by X"]
    )
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == ["content", "style"]
    assert fig.axes[1].get_xlabel() == "by X"
    fig.savefig(io.BytesIO(), format="png")  # it renders
    assert plt.get_fignums() == before  # pyplot keeps nothing: a notebook shows it only once
    assert len(images.show_images(np.zeros((32, 32, 3))).axes) == 1  # one image alone
    with pytest.raises(NSTError, match="one title"):
        images.show_images([np.zeros((32, 32, 3))] * 2, titles=["only one"])
