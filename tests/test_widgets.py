"""nstlib.studio.Studio driven from Python, no browser: tiny images (64 px), few steps.

Runs the real nstlib.pipeline.stylize (wrapped to count its calls) on VGG-19's real
weights ($NSTLIB_VGG19_WEIGHTS, or Keras' cache).
"""

import datetime
import html
import io
import re
import threading
import time

import numpy as np
import pytest
from PIL import Image

import nstlib.pipeline as transfer_module
import nstlib.studio as studio_package
from nstlib.config import DEFAULT_CONTENT, DEFAULT_STYLE, Config
from nstlib.errors import NSTError
from nstlib.studio import Studio

SIZE = 80  # the default bridge (2.15:1) keeps 37 px on its short side: VGG-19 needs 32
PAIR = f"{DEFAULT_CONTENT}_{DEFAULT_STYLE}"  # the studio's default pair, as output names spell it


def default_shape():
    """(height, width) of the default content image at SIZE px."""
    from nstlib.io.examples import load_example

    return tuple(load_example(DEFAULT_CONTENT, max_dim=SIZE).shape[1:3])


def text(markup):
    """What an HTML widget shows, as plain text."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def png_bytes(width, height, color=(200, 30, 30)):
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, format="PNG")
    return buf.getvalue()


def wait_for(condition, timeout=60.0, what="the condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def calls(monkeypatch):
    """Every call of stylize(), which still runs (the Studio has no loop of its own)."""
    seen = []
    real = transfer_module.stylize

    def counting(*args, **kwargs):
        seen.append((threading.current_thread().name, args[2] if len(args) > 2 else kwargs.get("config")))
        return real(*args, **kwargs)

    monkeypatch.setattr(transfer_module, "stylize", counting)
    return seen


@pytest.fixture
def studio(tmp_path):
    s = Studio(Config(max_dim=SIZE, steps=20), output_dir=tmp_path / "output")
    yield s
    s.stop()
    assert s.wait(60), "the run's thread did not end"
    s.panel.close()


def test_config_reads_and_writes_the_widgets(studio):
    cfg = Config(
        alpha=10, beta=1e-2, learning_rate=0.05, steps=123, max_dim=96, tv_weight=30.0,
        content_layers=("block5_conv2",), init="noise", optimizer="lbfgs", seed=7,
        style_layers=(("block1_conv1", 0.5), ("block3_conv1", 0.25)),
    )
    studio.set_config(cfg)
    assert studio.config == cfg
    assert studio.ratio.value == pytest.approx(1e3)
    assert studio.style_weights["block2_conv1"].value == 0.0
    assert studio.content_layer.value == "block5_conv2"

    # moving the widgets changes the Config, validated by Config itself
    studio.ratio.value = 1e6
    studio.steps.value = 11
    studio.size.value = 128
    studio.style_weights["block2_conv1"].value = 0.75
    studio.init.value = "style"
    studio.tv_weight.value = 0.0
    got = studio.config
    assert got.alpha / got.beta == pytest.approx(1e6)
    assert (got.steps, got.max_dim, got.init, got.tv_weight) == (11, 128, "style", 0.0)
    assert dict(got.style_layers) == {"block1_conv1": 0.5, "block2_conv1": 0.75, "block3_conv1": 0.25}
    assert studio.set_config(got) == got and studio.config == got
    studio.set_config(steps=5)
    assert studio.steps.value == 5

    # the widgets are bounded: what is typed past a bound is clamped, never taken
    studio.size.value = 5000
    studio.seed.value = -3
    studio.ratio.value = 1e30
    studio.learning_rate.value = 50.0
    got = studio.config
    assert (got.max_dim, got.seed) == (1024, 0)
    assert got.alpha / got.beta == pytest.approx(1e10)
    assert got.learning_rate == pytest.approx(1.0)

    # a Config the panel cannot show is refused with a message, changing nothing
    before = studio.config
    with pytest.raises(NSTError, match="max_dim = 4000"):
        studio.set_config(Config(max_dim=4000))
    with pytest.raises(NSTError, match="one conv layer"):
        studio.set_config(Config(content_layers=("block4_conv2", "block5_conv2")))
    with pytest.raises(NSTError, match="must be a number"):
        studio.set_config(learning_rate="fast")
    assert studio.config == before


def test_run_then_stop_keeps_the_best_image(studio, calls):
    studio.set_config(steps=400)
    placeholder = studio.preview.value
    t = time.perf_counter()
    studio.run_button.click()
    studio.run_button.click()  # a double click: ignored while the first run goes on
    click_seconds = time.perf_counter() - t
    assert click_seconds < 1.0, f"Run blocked the caller for {click_seconds:.1f} s"
    assert studio.running and studio.run_button.disabled and not studio.stop_button.disabled

    # The caller's thread (the kernel's, in a notebook) stays free while the run goes on:
    # it can read and move the widgets, and sees the progress advance meanwhile.
    wait_for(lambda: studio.progress.value >= 3, what="3 steps")
    seen = studio.progress.value
    t = time.perf_counter()
    for _ in range(20):
        assert studio.config.max_dim == SIZE
        time.sleep(0.01)
    assert time.perf_counter() - t < 2.0
    wait_for(lambda: studio.progress.value > seen, what="more steps while the caller works")
    assert studio.preview.value != placeholder  # the preview came from the thread
    assert "step" in studio.progress_label.value

    studio.stop_button.click()
    assert studio.wait(60)
    r = studio.result
    assert r is not None and r.stopped and not r.diverged
    assert 3 <= r.steps_done < 400
    assert tuple(r.best_image.shape) == (1, *default_shape(), 3)
    assert len(r.history["total"]) == r.steps_done
    assert studio.progress.value == r.steps_done
    assert text(studio.status.value).startswith(f"Stopped on request after {r.steps_done} steps")
    assert not studio.running and not studio.run_button.disabled and studio.stop_button.disabled
    assert not studio.save_button.disabled
    assert len(calls) == 1 and calls[0][0] == "nstlib-studio"  # one run, in the background
    assert calls[0][1].steps == 400


def test_stop_ends_an_lbfgs_run_too(studio):
    studio.set_config(optimizer="lbfgs", steps=400)
    studio.run()
    wait_for(lambda: studio.progress.value >= 2, what="2 L-BFGS iterations")
    studio.stop_button.click()
    assert studio.wait(60)
    assert studio.result.stopped and studio.result.steps_done < 400
    assert text(studio.status.value).startswith("Stopped on request")


def test_simultaneous_clicks_start_one_run(studio, calls):
    studio.set_config(steps=3)
    barrier = threading.Barrier(4)

    def click():
        barrier.wait()
        studio.run_button.click()

    clickers = [threading.Thread(target=click) for _ in range(4)]
    for c in clickers:
        c.start()
    for c in clickers:
        c.join()
    assert studio.wait(60)
    assert len(calls) == 1
    assert text(studio.status.value).startswith("Done:")
    assert studio.result.steps_done == 3 and not studio.result.stopped
    # a new click after the end starts a new run
    studio.run_button.click()
    assert studio.wait(60)
    assert len(calls) == 2


def test_an_impossible_image_is_reported_on_the_status_line(studio, calls):
    studio.add_image("content", png_bytes(1000, 40), name="strip.png")  # decodable...
    assert studio.content_picker.value.endswith("strip.png")
    studio.run_button.click()
    assert studio.wait(60)
    status = text(studio.status.value)
    # ... but 80x3 pixels at 80 px: too small for VGG-19's poolings
    assert status.startswith("Error:") and "too small" in status and "80x3" in status
    assert "\n" not in status and "Traceback" not in status
    assert isinstance(studio.error, NSTError)
    assert not studio.running and not studio.run_button.disabled


def test_an_upload_is_picked_and_used(studio, calls):
    data = png_bytes(80, 60, color=(20, 120, 200))
    studio.content_upload.value = ({"name": "my photo.png", "type": "image/png", "size": len(data),
                                    "content": memoryview(data),
                                    "last_modified": datetime.datetime.now(datetime.UTC)},)
    assert studio.content_picker.value.endswith("my photo.png")
    assert studio.content_upload.value == ()  # emptied: the same file can be uploaded again
    assert "my photo.png" in studio.content_credit.value
    studio.set_config(steps=2)
    studio.run()
    assert studio.wait(60)
    assert text(studio.status.value).startswith("Done:")
    assert tuple(studio.result.best_image.shape) == (1, 60, 80, 3)
    assert studio.save().name == "my-photo_van_gogh_the_starry_night.png"


def test_an_unexpected_exception_is_one_line_too(studio, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(transfer_module, "stylize", broken)
    studio.run()
    assert studio.wait(60)
    assert text(studio.status.value) == "Error: RuntimeError: something broke"


def test_bad_input_is_refused_before_a_run(studio, calls):
    studio.add_image("style", b"<html>not a picture</html>", name="page.jpg")
    assert "not an image Pillow can read" in text(studio.status.value)
    assert studio.style_picker.value == "van_gogh_the_starry_night"  # unchanged

    for slider in studio.style_weights.values():
        slider.value = 0.0
    studio.run_button.click()
    assert "all zero" in text(studio.status.value) and not studio.running

    studio.style_weights["block1_conv1"].value = 1.0
    studio.compare_values.value = "1e2, lots"
    studio.compare_button.click()
    assert "'lots' is not a number" in text(studio.status.value) and not studio.running
    assert calls == []


def test_compare_runs_each_value_and_labels_it(studio, calls):
    studio.set_config(steps=4)
    studio.compare_param.value = "ratio"
    studio.compare_values.value = "1e2, 1e4, 1e6"
    studio.compare_button.click()
    studio.compare_button.click()  # ignored: the series is running
    assert studio.wait(120)
    assert [label for label, _ in studio.comparison] == [
        "α/β ratio = 100", "α/β ratio = 10000", "α/β ratio = 1e+06"]
    for (_, r), ratio in zip(studio.comparison, (1e2, 1e4, 1e6)):
        assert r.config.alpha / r.config.beta == pytest.approx(ratio)
        assert r.steps_done == 4 and tuple(r.best_image.shape) == (1, *default_shape(), 3)
    tiles = studio.compare_grid.children
    assert len(tiles) == 3 and "α/β ratio = 1e+06" in tiles[2].children[1].value
    assert len(calls) == 3 and {name for name, _ in calls} == {"nstlib-studio"}
    assert text(studio.status.value).startswith("Done: Compared 3 values")
    assert studio.result is studio.comparison[-1][1]

    # other settings, and values from Python
    studio.set_config(steps=2)
    assert studio.compare("init", ["content", "style"])
    assert studio.wait(120)
    assert [r.config.init for _, r in studio.comparison] == ["content", "style"]


def test_stop_ends_the_whole_comparison(studio, calls):
    studio.set_config(steps=400)
    studio.compare("learning_rate", "0.01, 0.02, 0.04")
    wait_for(lambda: studio.progress.value >= 2, what="the first run's steps")
    studio.stop()
    assert studio.wait(60)
    assert len(calls) == 1 and len(studio.comparison) == 1
    assert studio.comparison[0][1].stopped
    assert text(studio.status.value).startswith("Stopped the comparison after 1 of 3")


def test_save_writes_a_new_file_each_time(studio, tmp_path):
    assert studio.save_button.disabled
    with pytest.raises(NSTError, match="Nothing to save"):
        studio.save()
    studio.set_config(steps=2)
    studio.run()
    assert studio.wait(60)
    out = tmp_path / "output"
    out.mkdir(exist_ok=True)
    mine = out / f"{PAIR}.png"
    mine.write_bytes(b"someone else's file")

    studio.save_button.click()
    studio.save_button.click()
    assert mine.read_bytes() == b"someone else's file"  # never overwritten
    first, second = studio.saved
    assert (first.name, second.name) == (f"{PAIR}-1.png",
                                         f"{PAIR}-2.png")
    assert second.name in text(studio.save_label.value)
    for path in (first, second):
        a = np.asarray(Image.open(path))
        assert a.shape == (*default_shape(), 3)

    # a comparison's tile saves its own image, named with its value
    studio.compare("tv_weight", "0, 10")
    assert studio.wait(60)
    studio.compare_grid.children[1].children[2].click()
    assert studio.saved[-1].name == f"{PAIR}_TV-weight-10.png"


def test_studio_helper_displays_and_returns_a_studio(monkeypatch, tmp_path):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    s = studio_package.studio(steps=7, max_dim=SIZE)
    assert shown == [s] and isinstance(s, Studio) and s.config.steps == 7
    assert "application/vnd.jupyter.widget-view+json" in s._repr_mimebundle_()
    with pytest.raises(NSTError, match="not a content example"):
        Studio(content="no_such_picture")
    s.panel.close()
