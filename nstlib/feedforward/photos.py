"""The photos a transform network learns from, and the tf.data pipeline that feeds them.

``nst train STYLE --photos DIR`` takes every .jpg, .jpeg, .png and .bmp under DIR (its
subfolders too). Without --photos, the course's own photos, each one's license checked:

- the catalog's content photos (``nstlib/io/examples.csv``, with their credits): the
  gallery's five CC0 photos from Pexels, and those scikit-image and matplotlib install
  (astronaut, rocket: public domain; coffee: CC0);
- scikit-image's ``camera.png``: "No copyright restrictions. CC0 by the photographer
  (Lav Varshney)", as skimage.data.camera's docstring states (grey: read as RGB).

``HELD_OUT`` photos are never trained on: a network is judged on them. A larger photo set
(COCO 2014's 83k training images, as Johnson et al. used; on a GPU with internet) is a
folder like any other: ``nst train STYLE --photos train2014/``.

Each training step gets a batch (m, size, size, 3) in [0, 1]: every photo scaled so that
its shorter side is a random length between size and 2 * size (not above its own), then a
random size x size crop, flipped left-right half the time. Taught in notebook 08.
"""

from pathlib import Path

import tensorflow as tf

from ..errors import NSTError
from ..io.examples import example_path, list_examples

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")
HELD_OUT = ("golden_gate_bridge", "chelsea")  # the network is judged on these
EXTRA_PHOTOS = {"camera": ("skimage", "camera.png", "CC0-1.0", "Lav Varshney")}
CACHE_LIMIT = 256  # folders up to this many photos are decoded once and kept in memory


def course_photos(held_out=HELD_OUT):
    """[(name, path, license)] of the course's training photos (see the module's docstring)."""
    import skimage.data

    photos = [(e.name, Path(example_path(e.name)), e.license) for e in list_examples("content")
              if e.name not in held_out]
    skimage_dir = Path(skimage.data.__file__).parent
    photos += [(name, skimage_dir / file, lic) for name, (_, file, lic, _) in EXTRA_PHOTOS.items()
               if name not in held_out]
    return photos


def photo_files(folder):
    """The image files under folder, sorted; one NSTError if it is not a folder or has none."""
    folder = Path(folder)
    if not folder.is_dir():
        raise NSTError(f"--photos {folder}: no such folder. Give a folder of photos (.jpg, .png).")
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in PHOTO_SUFFIXES and p.is_file())
    if not files:
        raise NSTError(f"--photos {folder}: the folder has no images ({', '.join(PHOTO_SUFFIXES)}); "
                       "put photos in it, or leave out --photos to train on the course's own.")
    return files


def _decode(path):
    """A photo file -> (H, W, 3) float32 in [0, 1] (grey and RGBA read as RGB)."""
    image = tf.io.decode_image(tf.io.read_file(path), channels=3, dtype=tf.float32, expand_animations=False)
    image.set_shape([None, None, 3])
    return image


def random_crop(image, size):
    """(H, W, 3) -> (size, size, 3): a random scale (shorter side in [size, 2 size], not above
    its own unless smaller than size), a random crop, a random left-right flip."""
    shape = tf.cast(tf.shape(image)[:2], tf.float32)
    short = tf.reduce_min(shape)
    top = tf.maximum(float(size), tf.minimum(short, 2.0 * size))
    target = tf.random.uniform((), float(size), top + 1e-3)
    new = tf.cast(tf.math.ceil(shape * target / short), tf.int32)
    image = tf.image.resize(image, tf.maximum(new, size), antialias=True)  # (H', W', 3), both >= size
    image = tf.image.random_crop(image, (size, size, 3))
    return tf.clip_by_value(tf.image.random_flip_left_right(image), 0.0, 1.0)


def photo_dataset(files, size, batch_size, seed=0):
    """An endless tf.data.Dataset of batches (batch_size, size, size, 3) of random crops of files.

    Unreadable files are skipped; small folders are decoded once and cached in memory.
    """
    files = [str(f) for f in files]
    ds = tf.data.Dataset.from_tensor_slices(files).map(_decode, num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.ignore_errors()
    if len(files) <= CACHE_LIMIT:
        ds = ds.cache()
    ds = ds.shuffle(min(len(files), 1024), seed=seed, reshuffle_each_iteration=True).repeat()
    ds = ds.map(lambda image: random_crop(image, size), num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
