"""The networks that ship with nstlib (nstlib/feedforward/networks/): at least two, The Starry
Night among them, each at most 5 MB, loading offline by its style's name, with its record
(scripts/ship_network.py): the commands, the photos, the steps, the time, the machine, and a
sha256 that is the file's. Each paints a held-out photo in a fraction of the optimization's time,
a picture that is not the photo and that keeps it (the yardstick's distances)."""

import json

import numpy as np
import pytest

from nstlib.feedforward.photos import HELD_OUT
from nstlib.feedforward.record import sha256
from nstlib.feedforward.storage import NETWORKS_DIR, load_network, shipped_networks
from nstlib.io.examples import load_example

SHIPPED = shipped_networks()


def test_at_least_two_ship_the_starry_night_among_them():
    assert len(SHIPPED) >= 2 and "van_gogh_the_starry_night" in SHIPPED, sorted(SHIPPED)


@pytest.mark.parametrize("style", sorted(SHIPPED))
def test_each_has_its_record_and_its_sha256(style):
    path = SHIPPED[style]
    record = json.loads((NETWORKS_DIR / f"{style}.json").read_text())
    assert path.stat().st_size <= 5 * 1024 * 1024 == 5242880 and record["bytes"] == path.stat().st_size
    assert record["sha256"] == sha256(path), "the file changed after it was shipped: run scripts/ship_network.py"
    assert record["style"] == style and all(c.startswith(f"nst train {style} ") for c in record["commands"])
    assert record["steps"] >= 500 and record["seconds"] > 0 and record["machine"]["cpu"]
    assert not set(HELD_OUT) & {name.rsplit(".", 1)[0] for name in record["photo_files"]}


@pytest.mark.parametrize("style", sorted(SHIPPED))
def test_each_paints_a_held_out_photo(style):
    net = load_network(style)  # by name, from the package: no download
    assert net.meta["style"] == style
    photo = load_example(HELD_OUT[0], max_dim=256)
    painted = np.asarray(net(photo))
    assert painted.shape == tuple(photo.shape) and 0 <= painted.min() and painted.max() <= 1
    difference = np.abs(painted - np.asarray(photo)).mean()
    assert difference > 0.05, f"{style} barely changes the photo ({difference:.3f})"
    # the photo's layout survives: its brightness correlates with the painting's
    grey = lambda a: a[0].mean(axis=-1).ravel()  # noqa: E731
    assert np.corrcoef(grey(np.asarray(photo)), grey(painted))[0, 1] > 0.3
