"""Loading, resizing, saving and showing images.

Used across all notebooks (and by the CLI), taught in none: it's plumbing. Every
image inside nstlib is a float32 tensor of shape (1, H, W, 3) with values in [0, 1]:
a batch of one RGB image, the shape VGG-19 takes.

Decoding is Pillow's job; this module only adds what a course needs on top of it:
EXIF orientation, transparency on white, 16-bit scaled right, and one clear
:class:`NSTError` for every file that cannot be used.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import textwrap
import warnings
from pathlib import Path

import numpy as np
import tensorflow as tf
from PIL import Image, ImageOps

from ..config import MIN_SIDE
from ..core.pixels import resize, resize_to  # noqa: F401 (tensors only: the algorithm's; the notebooks import them here)
from ..errors import NSTError
from .download import fetch

# Refuse images with more pixels than this before decoding them (Pillow's own default
# for Image.MAX_IMAGE_PIXELS): a small file may claim 100000 x 100000 pixels.
MAX_PIXELS = 89_478_485
URL_SCHEMES = ("http", "https")
SAVE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
ARRAY_SHAPES = "(H, W), (H, W, 1), (H, W, 3), (H, W, 4) or (1, H, W, 3)"


def load_image(source, max_dim: int | None = None, min_side: int = MIN_SIDE) -> tf.Tensor:
    """Any image a user may have, as a float32 tensor (1, H, W, 3) in [0, 1].

    ``source`` is a path (str or pathlib), an http(s) URL (downloaded once into
    ``nstlib.io.download.cache_dir()``), a binary file object, a numpy array or tf.Tensor
    of shape (H, W), (H, W, 1), (H, W, 3), (H, W, 4) or (1, H, W, 3) (uint8, uint16, or
    float in [0, 1]), or a PIL Image. With ``max_dim`` the longest side is resized to it.
    Raises NSTError if the result is smaller than ``min_side`` on a side.

    Used throughout the notebooks; taught nowhere: it's plumbing.
    """
    if isinstance(source, Image.Image):
        name, pixels = "The PIL image", _decode(source, "The PIL image")
    elif isinstance(source, np.ndarray) or tf.is_tensor(source):  # tf.Variable too
        name, pixels = "The image array", _from_array(np.asarray(source))
    elif hasattr(source, "read"):
        name = str(getattr(source, "name", "The file object"))
        pixels = _decode(source, name)
    elif isinstance(source, str) and "://" in source:
        name, pixels = source, _decode_path(_download(source), source)
    elif isinstance(source, (str, os.PathLike)):
        name, pixels = str(source), _decode_path(Path(source), str(source))
    else:
        raise NSTError(
            f"Cannot load an image from a {type(source).__name__}. Pass a file path, an "
            "http(s) URL, a binary file object, a numpy array, a tf.Tensor or a PIL Image."
        )
    image = tf.convert_to_tensor(pixels[np.newaxis], tf.float32)  # (1, H, W, 3)
    if max_dim is not None:
        image = resize(image, max_dim)
    height, width = image.shape[1:3]
    if min(height, width) < min_side:
        raise NSTError(
            f"{name} is too small: {width}x{height} pixels"
            + (f" after resizing to max_dim={max_dim}" if max_dim is not None else "")
            + f". Each side needs at least {min_side} pixels (VGG-19's five poolings halve "
            "the image five times); use a bigger image or a bigger max_dim."
        )
    return image


def _download(url):
    """Local path of the file at an http(s) URL, downloaded once into the cache."""
    scheme = url.split("://", 1)[0].lower()
    if scheme not in URL_SCHEMES:
        raise NSTError(
            f"Cannot load {url}: only {' and '.join(URL_SCHEMES)} URLs are allowed, not "
            f"{scheme}://. Download the file yourself and pass its path."
        )
    return fetch(url, hint="Download it with a browser and pass the file's path instead.")


def _decode_path(path, name):
    """Pixels (H, W, 3) float32 in [0, 1] of the image file at path."""
    if not path.exists():
        where = "" if path.is_absolute() else f" (relative to {Path.cwd()})"
        raise NSTError(f"No such file: {name}{where}. Check the file's name and folder.")
    if path.is_dir():
        raise NSTError(f"{name} is a folder, not an image file. Pass the path of an image in it.")
    if path.stat().st_size == 0:
        raise NSTError(f"{name} is empty (0 bytes): it was not saved or copied completely.")
    with open(path, "rb") as f:
        return _decode(f, name)


def _decode(f, name):
    """Pixels (H, W, 3) float32 in [0, 1] of the image in f, a binary file or a PIL Image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # Image.open reads the header only; a user's own PIL Image is not closed.
            opened = contextlib.nullcontext(f) if isinstance(f, Image.Image) else Image.open(f)
            with opened as im:
                return _from_pil(im, name)  # the first frame of an animation
    except NSTError:
        raise
    except Image.DecompressionBombError as e:
        raise NSTError(f"{name} is refused: {e} Shrink it with an image editor.") from None
    except Image.UnidentifiedImageError:
        raise NSTError(
            f"{name} is not an image Pillow can read (it may be a web page or text saved "
            "with an image extension). Use a PNG, JPEG, WebP, BMP or GIF file."
        ) from None
    except Exception as e:  # truncated or corrupt data: OSError, SyntaxError, ...
        raise NSTError(
            f"{name} could not be decoded, it is probably truncated or corrupt "
            f"({type(e).__name__}: {e}). Download or export it again."
        ) from None


def _check_size(im, name):
    if im.width * im.height > MAX_PIXELS:
        raise NSTError(
            f"{name} claims {im.width}x{im.height} pixels, more than the {MAX_PIXELS:,} "
            "allowed (a decompression bomb, or a huge image): shrink it with an image editor."
        )


def _from_pil(im, name):
    """Pixels (H, W, 3) float32 in [0, 1] of a PIL image, upright, on white."""
    _check_size(im, name)  # before decoding any pixel
    im = ImageOps.exif_transpose(im)  # a copy, turned the way the camera was held
    if im.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):  # 16-bit grayscale
        gray = np.asarray(im, np.float32) / 65535.0  # (H, W)
        return np.repeat(np.clip(gray, 0.0, 1.0)[..., None], 3, axis=-1)
    if im.has_transparency_data:  # RGBA, LA, PA, palette or RGB with a transparent colour
        background = Image.new("RGBA", im.size, "white")
        im = Image.alpha_composite(background, im.convert("RGBA"))
    return np.asarray(im.convert("RGB"), np.float32) / 255.0  # grayscale, CMYK, P -> RGB


def _from_array(a):
    """Pixels (H, W, 3) float32 in [0, 1] of an array shaped like ARRAY_SHAPES."""
    if a.ndim == 4 and a.shape[0] == 1:
        a = a[0]  # (1, H, W, C) -> (H, W, C)
    if a.ndim == 2:
        a = a[..., None]  # (H, W) -> (H, W, 1), made RGB at the end
    if a.ndim != 3 or a.shape[-1] not in (1, 3, 4):
        raise NSTError(
            f"An image array must have shape {ARRAY_SHAPES}, not {a.shape}. Use "
            "image[..., :3] to drop extra channels, or image[i] to pick one of a batch."
        )
    if a.size == 0:
        raise NSTError(f"The image array is empty (shape {a.shape}): it has no pixels.")
    if a.dtype == np.uint8:
        a = a.astype(np.float32) / 255.0
    elif a.dtype == np.uint16:
        a = a.astype(np.float32) / 65535.0
    elif np.issubdtype(a.dtype, np.floating):
        if not (np.isfinite(a).all() and a.min() >= 0.0 and a.max() <= 1.0):
            raise NSTError(
                f"A float image array must hold finite values in [0, 1], not {np.min(a)} to "
                f"{np.max(a)}. Divide by 255 if it holds 0..255, or clip it."
            )
        a = a.astype(np.float32)
    else:
        raise NSTError(
            f"An image array must be uint8, uint16 or float in [0, 1], not {a.dtype}. "
            "Convert it, e.g. with a.astype(np.uint8) for values 0..255."
        )
    if a.shape[-1] == 4:  # composite on white: rgb * alpha + white * (1 - alpha)
        a = a[..., :3] * a[..., 3:] + (1.0 - a[..., 3:])
    return np.broadcast_to(a, a.shape[:2] + (3,))  # (H, W, 3)


def load_mask(mask):
    """A mask as the algorithm takes it: a path, URL or image read as its luminance,
    (1, H, W, 1) float32; an array (H, W) or (1, H, W, 1) as it is."""
    shape = None if isinstance(mask, (str, os.PathLike)) else np.shape(mask)
    if shape is not None and (len(shape) == 2 or (len(shape) == 4 and shape[-1] == 1)):
        return mask
    return tf.reduce_mean(load_image(mask, min_side=1), axis=-1, keepdims=True)


def to_uint8(image):
    """Pixels (H, W, 3) uint8 of an image (1, H, W, 3) or (H, W, 3) in [0, 1].

    Used throughout the notebooks (to show and save images); taught nowhere.
    """
    a = np.asarray(image)
    if a.ndim == 4 and a.shape[0] == 1:
        a = a[0]
    if a.ndim != 3 or a.shape[-1] != 3:
        raise NSTError(f"Expected an image of shape (1, H, W, 3) or (H, W, 3), not {a.shape}.")
    if a.dtype == np.uint8:
        return a
    return np.round(np.clip(a, 0.0, 1.0) * 255.0).astype(np.uint8)


def save_image(image: tf.Tensor, path: str | Path, overwrite: bool = False) -> Path:
    """Write image (1, H, W, 3) in [0, 1] to a .png, .jpg or .jpeg file; return its Path.

    Creates missing folders; writes to a temporary file first and renames it, so a
    crash never leaves half a picture behind. Refuses to replace an existing file
    unless ``overwrite=True``. JPEGs are written at quality 95.
    Used by the notebooks that save results and by the CLI; taught nowhere: it's plumbing.
    """
    path = Path(path)
    fmt = save_format(path)
    picture = Image.fromarray(to_uint8(image))
    options = {"quality": 95} if fmt == "JPEG" else {}
    return write_atomically(path, lambda tmp: picture.save(tmp, format=fmt, **options), overwrite)


def save_format(path):
    """Pillow's format for a file name that save_image can write ("PNG", "JPEG"); NSTError else."""
    path = Path(path)
    fmt = SAVE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise NSTError(
            f"Cannot save {path}: the name must end in {', '.join(list(SAVE_FORMATS)[:-1])} or "
            f"{list(SAVE_FORMATS)[-1]}, not {path.suffix or '(no extension)'!r}."
        )
    return fmt


def write_atomically(path, write, overwrite=False):
    """Call write(tmp) on a temporary file beside path, then rename it to path; the Path.

    A run stopped half-way never leaves a half-written file under path, and an existing
    file is replaced only with overwrite=True. An OSError (a full disk, a read-only
    folder) becomes one NSTError. The temporary name keeps path's suffix, for writers
    that choose their format by it. Used by save_image, animation.save_gif and
    checkpoint.save_checkpoint.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise NSTError(
            f"{path} exists; pass overwrite=True (CLI: --overwrite) or choose another name "
            f"(e.g. {next_free_path(path).name})."
        )
    tmp = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.tmp{path.suffix}")  # same dir: same disk
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        os.replace(tmp, path)
    except OSError as e:
        raise NSTError(
            f"Could not save {path}: {e.strerror or e}. Check that {path.parent} is a "
            "writable folder and that the disk is not full, or choose another path."
        ) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()  # only still there if something failed
    return path


def next_free_path(path):
    """path if no file has that name, else the first free name-1.png, name-2.png, ...

    Used by the notebooks' Save buttons, which must never overwrite; taught nowhere.
    """
    path = Path(path)
    candidate, i = path, 0
    while candidate.exists():
        i += 1
        candidate = path.with_name(f"{path.stem}-{i}{path.suffix}")
    return candidate


def show_images(images, titles=None, credits=None, size=4.0):
    """A matplotlib Figure with the images in a row, titles above, credits below.

    ``images`` is a list of (1, H, W, 3) or (H, W, 3) tensors or arrays in [0, 1] (or
    a single one). A notebook shows the returned figure (once); a script can call
    ``fig.savefig(...)``.
    Used throughout the notebooks; taught nowhere: it's plumbing.
    """
    import matplotlib.pyplot as plt

    if isinstance(images, (np.ndarray, tf.Tensor, tf.Variable)):
        images = [images]
    images = [to_uint8(image) for image in images]  # each (H, W, 3)
    titles = [""] * len(images) if titles is None else list(titles)
    credits = [""] * len(images) if credits is None else list(credits)
    if not len(images) == len(titles) == len(credits):
        raise NSTError(
            f"show_images got {len(images)} images, {len(titles)} titles and "
            f"{len(credits)} credits; give one title and one credit per image (or None)."
        )
    if not images:
        raise NSTError("show_images needs at least one image.")
    fig = plt.figure(figsize=(size * len(images), size), layout="constrained")
    plt.close(fig)  # pyplot forgets it: Jupyter shows the returned figure once, not twice
    for ax, image, title, credit in zip(fig.subplots(1, len(images), squeeze=False)[0],
                                        images, titles, credits):
        ax.imshow(image)
        ax.set_title(title)
        ax.set_xlabel(textwrap.fill(credit, width=int(12 * size)), fontsize=7)
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
    return fig
