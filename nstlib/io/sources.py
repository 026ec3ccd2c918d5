"""One image from whatever a user names: a tensor, an array, a path, a URL or an example.

``stylize("astronaut", "photo.jpg")`` and ``nst stylize astronaut photo.jpg`` both come
here. An example's name (``nst examples``) loads from the catalog; anything else goes to
:func:`nstlib.io.images.load_image`. Taught nowhere: it's plumbing.
"""

import os

from .examples import get_example, is_example, load_example
from .images import load_image


def as_image(x, max_dim):
    """An image (1, H, W, 3) in [0, 1] with its longest side max_dim, from a tensor, an
    array, a path, a URL or an example's name; NSTError for a name that is none of them."""
    if isinstance(x, str):
        if is_example(x):
            return load_example(x, max_dim=max_dim)
        if "://" not in x and "/" not in x and not os.path.splitext(x)[1] and not os.path.exists(x):
            get_example(x)  # not a file either: raises "unknown example, did you mean ...?"
    return load_image(x, max_dim=max_dim)


def as_images(x, max_dim):
    """as_image of one source, or a list of them for a list or tuple (a blend of styles)."""
    if isinstance(x, (list, tuple)):
        return [as_image(s, max_dim) for s in x]
    return as_image(x, max_dim)
