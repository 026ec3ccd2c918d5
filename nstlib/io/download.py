"""Downloads, cached and checked: pooch with a time-out, a size cap and a sha256.

Every file nstlib downloads (a gallery image, an image given by its URL) goes through
:func:`fetch`, into :func:`cache_dir`. Used by :mod:`nstlib.io.examples` and
:func:`nstlib.io.images.load_image`; taught nowhere: it's plumbing.
"""

import os
from pathlib import Path

import pooch

from ..errors import NSTError

CACHE_DIR_ENV = "NSTLIB_CACHE_DIR"
TIMEOUT = 30  # seconds without an answer before a download gives up
MAX_BYTES = 64 * 2**20  # a larger download is refused: no example image needs more


def _capped_download(url, output_file, pooch_obj=None, check_only=False):
    """A pooch downloader: requests with a time-out, refusing more than MAX_BYTES."""
    import requests

    with requests.get(url, stream=True, timeout=TIMEOUT) as r:
        r.raise_for_status()
        if check_only:
            return True
        declared = int(r.headers.get("content-length") or 0)
        if declared > MAX_BYTES:
            raise ValueError(f"the file is {declared / 2**20:.1f} MB, over the {MAX_BYTES / 2**20:.0f} MB limit")
        with open(output_file, "wb") if isinstance(output_file, (str, os.PathLike)) else output_file as f:
            total = 0
            for chunk in r.iter_content(chunk_size=2**16):
                total += len(chunk)
                if total > MAX_BYTES:
                    raise ValueError(f"the file is over the {MAX_BYTES / 2**20:.0f} MB limit")
                f.write(chunk)


def cache_dir():
    """Folder of downloaded files: $NSTLIB_CACHE_DIR, or the user's cache (pooch.os_cache).

    Used by every download (examples and images.load_image's URLs); taught nowhere.
    """
    return Path(os.environ.get(CACHE_DIR_ENV) or pooch.os_cache("nstlib"))


def fetch(url, sha256=None, fname=None, hint=""):
    """Path of the file at url, downloaded once into :func:`cache_dir` by pooch.

    With ``sha256`` the download (and any cached copy) must have that hash. Every
    failure (no network, HTTP error, wrong hash) becomes one NSTError with the reason,
    the URL and ``hint``. Used by :func:`example_path` and by images.load_image.
    """
    logger = pooch.get_logger()
    level = logger.level
    if sha256 is None:  # skip pooch's advice to pass a known_hash: users can't act on it
        logger.setLevel("WARNING")
    try:
        path = pooch.retrieve(
            url,
            known_hash=f"sha256:{sha256}" if sha256 else None,
            fname=fname,
            path=cache_dir(),
            downloader=_capped_download,
        )
    except Exception as e:  # requests' errors, pooch's hash ValueError, OSError, ...
        reason = " ".join(str(e).split())  # one line
        raise NSTError(f"Could not download {url}: {reason}. {hint}".strip()) from None
    finally:
        logger.setLevel(level)
    return Path(path)
