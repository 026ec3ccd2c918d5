"""nstlib.io.examples and nstlib.io.download: the example catalog, offline examples, and checked downloads.

Downloads are served by a local http.server on 127.0.0.1: no internet needed.
"""

import csv
import dataclasses
import functools
import hashlib
import http.server
import io
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pooch
import pytest
from PIL import Image

from nstlib.errors import NSTError
from nstlib.io import download
from nstlib.io import examples as data
from nstlib.io.images import load_image

SHARED = Path(__file__).resolve().parents[2] / "shared"
GALLERY = SHARED / "gallery"
PACKAGED = {"astronaut", "chelsea", "coffee", "rocket", "grace_hopper", "hubble_deep_field"}
GALLERY_NAMES = {
    "van_gogh_the_starry_night", "munch_the_scream", "turner_the_shipwreck_of_the_minotaur",
    "kandinsky_composition_vii", "hokusai_the_great_wave_off_kanagawa",
    "monet_san_giorgio_maggiore_at_dusk", "gauguin_te_fare", "golden_gate_bridge",
    "city_skyline_at_beach", "colonnade_walkway", "woman_with_dog", "child_with_teddy_bear",
}


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """A private cache, no data dir, and no proxy between us and the local server."""
    monkeypatch.setenv("NSTLIB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NSTLIB_DATA_DIR", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("this must not download anything")

    monkeypatch.setattr(pooch, "retrieve", refuse)


@pytest.fixture
def server(tmp_path):
    """(base URL, served folder, list of requested paths) of a local HTTP server."""
    folder = tmp_path / "www"
    folder.mkdir()
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output clean
            pass

        def do_GET(self):
            requests.append(self.path)
            if self.path == "/slow.png":  # answers too late
                time.sleep(2)
            super().do_GET()

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=folder))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", folder, requests
    httpd.shutdown()
    httpd.server_close()


def png_bytes(color=(10, 200, 30), size=(48, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


# ---------------------------------------------------------------- catalog


def test_catalog_has_every_example():
    assert set(data.EXAMPLES) == PACKAGED | GALLERY_NAMES
    for e in data.EXAMPLES.values():
        assert e.role in ("content", "style") and e.title and e.author and e.license and e.url
        assert e.source == "gallery" if e.name in GALLERY_NAMES else e.source in ("skimage", "matplotlib")
        assert (len(e.sha256) == 64) == (e.source == "gallery")
    assert data.EXAMPLES["hubble_deep_field"].role == "style"
    assert data.EXAMPLES["grace_hopper"].source == "matplotlib"
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.EXAMPLES["chelsea"].title = "Garfield"


@pytest.mark.skipif(not GALLERY.is_dir(), reason="../shared is not beside the checkout")
def test_gallery_facts_equal_shared_catalog():
    with open(GALLERY / "catalog.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(GALLERY_NAMES)
    for row in rows:
        e = data.EXAMPLES[row["file"].rsplit(".", 1)[0]]
        assert {k: getattr(e, k) for k in row} == row


def test_list_examples_and_is_example():
    assert [e.name for e in data.list_examples()] == list(data.EXAMPLES)
    styles = {e.name for e in data.list_examples("style")}
    contents = {e.name for e in data.list_examples("content")}
    assert "van_gogh_the_starry_night" in styles and "golden_gate_bridge" in contents
    assert styles.isdisjoint(contents) and len(styles | contents) == len(data.EXAMPLES)
    with pytest.raises(NSTError, match="content, style"):
        data.list_examples("texture")
    assert data.is_example("chelsea")
    assert not data.is_example("chelsea.png") and not data.is_example(None)


def test_credit():
    assert data.credit("van_gogh_the_starry_night") == '"The Starry Night", Vincent van Gogh, 1889 (public domain)'
    assert data.credit("chelsea") == '"Chelsea the cat", Stefan van der Walt (CC0-1.0)'
    golden = data.credit("golden_gate_bridge")
    assert "unnamed" in golden and "CC0" in golden and "(unnamed)" not in golden


def test_unknown_name_suggests_the_closest():
    with pytest.raises(NSTError) as info:
        data.load_example("van_gogh_starry_night")
    message = str(info.value)
    assert "'van_gogh_the_starry_night'" in message and "nst examples" in message
    with pytest.raises(NSTError, match="monet_san_giorgio_maggiore_at_dusk"):
        data.example_path("monet")  # a part of a name
    with pytest.raises(NSTError, match="nst examples"):
        data.credit("zzzz")


def test_catalog_does_not_import_tensorflow():
    code = "import sys, nstlib.io.examples as e; e.credit('chelsea'); print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"  # `nst examples` answers at once


def test_cache_dir(monkeypatch, tmp_path):
    assert download.cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("NSTLIB_CACHE_DIR")
    assert download.cache_dir() == Path(pooch.os_cache("nstlib"))


# ---------------------------------------------------------------- loading


@pytest.mark.parametrize("name", sorted(PACKAGED))
def test_packaged_examples_load_offline(name, monkeypatch):
    no_network(monkeypatch)
    assert data.example_path(name).is_file()
    image = data.load_example(name, max_dim=64)
    assert image.shape[0] == 1 and max(image.shape[1:3]) == 64 and image.shape[-1] == 3
    assert 0.0 <= float(image.numpy().min()) < float(image.numpy().max()) <= 1.0


def test_gallery_example_from_data_dir(monkeypatch):
    monkeypatch.setenv("NSTLIB_DATA_DIR", str(GALLERY))
    no_network(monkeypatch)
    assert data.example_path("golden_gate_bridge") == GALLERY / "golden_gate_bridge.jpg"
    image = data.load_example("golden_gate_bridge", max_dim=128)  # 1280x595 -> 128x60
    assert image.shape == (1, 60, 128, 3)
    with pytest.raises(NSTError, match="at least 32"):  # 1280x595 -> 64x30: too thin for VGG
        data.load_example("golden_gate_bridge", max_dim=64)


def test_data_dir_with_a_wrong_file(monkeypatch, tmp_path):
    (tmp_path / "munch_the_scream.jpg").write_bytes(png_bytes())
    monkeypatch.setenv("NSTLIB_DATA_DIR", str(tmp_path))
    no_network(monkeypatch)
    with pytest.raises(NSTError, match="sha256") as info:
        data.example_path("munch_the_scream")
    assert data.EXAMPLES["munch_the_scream"].sha256 in str(info.value)


# ---------------------------------------------------------------- downloads


def test_fetch_checks_hash_and_caches(server):
    base, folder, requests = server
    content = png_bytes()
    (folder / "good.png").write_bytes(content)
    sha256 = hashlib.sha256(content).hexdigest()
    path = download.fetch(f"{base}/good.png", sha256=sha256, fname="good.png")
    assert path == download.cache_dir() / "good.png" and path.read_bytes() == content
    np.testing.assert_allclose(load_image(path, min_side=1).numpy()[0, 0, 0], np.array([10, 200, 30]) / 255)
    assert download.fetch(f"{base}/good.png", sha256=sha256, fname="good.png") == path
    assert requests == ["/good.png"]  # the second call used the cache


def test_download_with_wrong_hash(server):
    base, folder, _ = server
    (folder / "fake.jpg").write_bytes(png_bytes())  # not the real painting
    with pytest.raises(NSTError) as info:
        data.example_path("van_gogh_the_starry_night", url=f"{base}/fake.jpg")
    message = str(info.value)
    assert "hash" in message and data.EXAMPLES["van_gogh_the_starry_night"].sha256 in message
    assert f"{base}/fake.jpg" in message and "NSTLIB_DATA_DIR" in message and "\n" not in message
    assert not (download.cache_dir() / "van_gogh_the_starry_night.jpg").exists()


def test_download_404_and_no_server(server):
    base, _, _ = server
    with pytest.raises(NSTError) as info:
        data.example_path("golden_gate_bridge", url=f"{base}/missing.jpg")
    message = str(info.value)
    assert "404" in message and f"{base}/missing.jpg" in message and "NSTLIB_DATA_DIR" in message
    with pytest.raises(NSTError, match="Could not download http://127.0.0.1:9/x.jpg"):
        download.fetch("http://127.0.0.1:9/x.jpg")  # nothing listens on port 9


def test_load_image_from_url(server):
    base, folder, requests = server
    (folder / "pic.png").write_bytes(png_bytes((0, 0, 255), (64, 32)))
    image = load_image(f"{base}/pic.png")
    assert image.shape == (1, 32, 64, 3)
    np.testing.assert_allclose(image.numpy()[0, 5, 5], [0, 0, 1])
    assert len(list(download.cache_dir().iterdir())) == 1  # cached
    (folder / "page.jpg").write_text("<html>Please log in</html>")
    with pytest.raises(NSTError, match="not an image") as info:
        load_image(f"{base}/page.jpg")
    assert f"{base}/page.jpg" in str(info.value)
    with pytest.raises(NSTError, match="404"):
        load_image(f"{base}/nothing.png")
    assert requests == ["/pic.png", "/page.jpg", "/nothing.png"]


def test_non_http_scheme_refused(monkeypatch):
    no_network(monkeypatch)
    with pytest.raises(NSTError, match="only http and https"):
        load_image("ftp://example.com/starry_night.jpg")


def test_download_time_out_and_size_cap(server, monkeypatch):
    base, folder, _ = server
    (folder / "slow.png").write_bytes(png_bytes())
    monkeypatch.setattr(download, "TIMEOUT", 0.5)
    with pytest.raises(NSTError, match="Could not download .*slow.png.*(timed out|Timeout)"):
        load_image(f"{base}/slow.png")
    (folder / "big.png").write_bytes(png_bytes(size=(400, 400)))
    monkeypatch.setattr(download, "MAX_BYTES", 1000)
    with pytest.raises(NSTError, match="over the 0 MB limit|limit"):
        load_image(f"{base}/big.png")
    assert not any(p.name.endswith("big.png") for p in download.cache_dir().iterdir())
