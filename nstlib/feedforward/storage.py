"""Saving and loading a trained transform network: the project's own ``.nstnet`` file.

A ``.nstnet`` file is a NumPy .npz archive holding

- ``meta``: JSON with ``format`` "nstlib-network", its ``version`` (1), the network's
  ``architecture`` (widths, residual blocks), the ``style`` it paints and the training
  ``record`` (the command, the photos, the steps, the time, the machine);
- ``w0000``, ``w0001``, ...: the weights in the network's order, stored as float16
  (half the size; the paintings differ from float32 weights by under 1/255 of a pixel).

Networks that ship with nstlib (``nstlib/feedforward/networks/NAME.nstnet``) load by
their style's catalog name: ``load_network("van_gogh_the_starry_night")``, offline.
Taught in notebook 08.
"""

import json
import zipfile
from pathlib import Path

import numpy as np

from ..errors import NSTError
from ..io.images import write_atomically
from .network import TransformNet

FORMAT, VERSION, SUFFIX = "nstlib-network", 1, ".nstnet"
NETWORKS_DIR = Path(__file__).parent / "networks"


def shipped_networks():
    """{style name: path} of the networks that ship with nstlib."""
    return {p.stem: p for p in sorted(NETWORKS_DIR.glob(f"*{SUFFIX}"))}


def network_path(name_or_path):
    """The file of a network: a path to a .nstnet file, or a shipped network's name."""
    path = Path(str(name_or_path))
    if path.is_file():
        return path
    shipped = shipped_networks()
    if str(name_or_path) in shipped:
        return shipped[str(name_or_path)]
    names = ", ".join(shipped) or "none yet"
    raise NSTError(f"No network {name_or_path!r}: give a {SUFFIX} file `nst train` wrote, or the name of a "
                   f"network that ships with nstlib ({names}).")


def save_network(net, path, style="", record=None, overwrite=False):
    """Write net to path (a .nstnet file, atomically) with its style's name and training record."""
    path = Path(path)
    if path.suffix != SUFFIX:
        raise NSTError(f"{path}: a network's file name ends in {SUFFIX}, e.g. {path.with_suffix(SUFFIX).name}.")
    meta = {"format": FORMAT, "version": VERSION, "architecture": net.architecture,
            "style": str(style), "record": record or {}}
    arrays = {f"w{i:04d}": np.asarray(w.numpy(), np.float16) for i, w in enumerate(net.weights)}

    def write(tmp):
        with open(tmp, "wb") as f:  # a file object: np.savez would add .npz to a name
            np.savez(f, meta=np.array(json.dumps(meta)), **arrays)

    return write_atomically(path, write, overwrite=overwrite)


def read_network_file(path):
    """(meta, [weights as float32 arrays]) of a .nstnet file; one NSTError if it is not one."""
    path = Path(path)
    not_one = f"{path} is not an nstlib network ({SUFFIX} file written by `nst train`)"
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                raise NSTError(f"{not_one}.")
            weights = [z[name].astype(np.float32) for name in sorted(n for n in z.files if n.startswith("w"))]
    except NSTError:
        raise
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as e:
        raise NSTError(f"{not_one}: {type(e).__name__}.") from None
    if int(meta.get("version", 0)) > VERSION:
        raise NSTError(f"{path} is a version {meta['version']} network; this nstlib reads version {VERSION}: "
                       "upgrade nstlib (pip install -U nstlib).")
    return meta, weights


def load_network(name_or_path):
    """The TransformNet saved in a .nstnet file (or shipped under a style's name), ready to paint.

    ``net.meta`` holds the file's style and training record.
    """
    path = network_path(name_or_path)
    meta, weights = read_network_file(path)
    net = TransformNet(**meta["architecture"]).build_for()
    shapes = [tuple(w.shape) for w in net.weights]
    if shapes != [w.shape for w in weights]:
        raise NSTError(f"{path} is damaged: its weights do not fit its architecture {meta['architecture']}.")
    net.set_weights(weights)
    net.meta = meta
    return net
