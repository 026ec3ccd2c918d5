"""Training a transform network (notebook 08): the photos, the perceptual loss, the loop's
time budget, checkpoints, resuming and Ctrl-C. Tiny sizes: 32 px crops, a tiny network."""

import os
import signal

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from nstlib.core.costs import content_cost, style_cost
from nstlib.errors import NSTError
from nstlib.feedforward.perceptual import PerceptualLoss
from nstlib.feedforward.photos import HELD_OUT, course_photos, photo_dataset, photo_files
from nstlib.feedforward.training import Trainer

TINY = {"widths": [4, 8, 8], "residual_blocks": 1}


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    """A folder of five small photos: RGB, grey, RGBA, one smaller than the crops, in a subfolder."""
    folder = tmp_path_factory.mktemp("photos")
    rng = np.random.default_rng(0)
    (folder / "sub").mkdir()
    Image.fromarray(rng.integers(0, 255, (60, 80, 3), np.uint8)).save(folder / "a.jpg")
    Image.fromarray(rng.integers(0, 255, (90, 50), np.uint8)).save(folder / "grey.png")
    Image.fromarray(rng.integers(0, 255, (48, 48, 4), np.uint8)).save(folder / "rgba.png")
    Image.fromarray(rng.integers(0, 255, (20, 24, 3), np.uint8)).save(folder / "small.png")
    Image.fromarray(rng.integers(0, 255, (70, 70, 3), np.uint8)).save(folder / "sub" / "b.jpeg")
    (folder / "notes.txt").write_text("not a photo")
    return folder


@pytest.fixture(scope="module")
def style():
    from nstlib.io.examples import load_example

    return load_example("hubble_deep_field", max_dim=64)


def test_photo_files_finds_images_in_subfolders_only(photos):
    names = [p.name for p in photo_files(photos)]
    assert names == ["a.jpg", "grey.png", "rgba.png", "small.png", "b.jpeg"]


def test_a_folder_without_images_gives_one_line(tmp_path):
    (tmp_path / "readme.txt").write_text("x")
    with pytest.raises(NSTError, match="has no images") as e:
        photo_files(tmp_path)
    assert "\n" not in str(e.value)
    with pytest.raises(NSTError, match="no such folder"):
        photo_files(tmp_path / "missing")


def test_the_dataset_gives_batches_of_random_crops(photos):
    batches = iter(photo_dataset(photo_files(photos), size=32, batch_size=3, seed=1))
    first, second = next(batches).numpy(), next(batches).numpy()
    assert first.shape == second.shape == (3, 32, 32, 3) and first.dtype == np.float32
    assert 0.0 <= first.min() and first.max() <= 1.0
    assert not np.array_equal(first, second)


def test_the_course_photos_hold_some_out_and_are_free():
    photos = course_photos()
    names = {name for name, _, _ in photos}
    assert len(photos) >= 8 and not names & set(HELD_OUT)
    assert all(path.is_file() for _, path, _ in photos)
    assert {lic for _, _, lic in photos} <= {"CC0-1.0", "public domain"}


@pytest.mark.slow
def test_the_perceptual_loss_is_the_course_costs_averaged_over_the_batch(vgg_weights, style):
    S = tf.image.resize(style, (48, 48))
    loss = PerceptualLoss(S, alpha=1.0, beta=1.0, tv_weight=0.0, precision="float32")
    C = tf.random.uniform((2, 48, 48, 3), seed=4)
    G = tf.random.uniform((2, 48, 48, 3), seed=5)
    J, parts = loss(C, G)
    a_C, a_G, a_S = loss.extractor(C), loss.extractor(G), loss.extractor(S)
    want_content = np.mean([content_cost(a_C["block4_conv2"][i:i + 1], a_G["block4_conv2"][i:i + 1])
                            for i in range(2)])
    want_style = np.mean([style_cost([a_S[n] for n in loss.style_layers],
                                     [a_G[n][i:i + 1] for n in loss.style_layers], loss.lambdas) for i in range(2)])
    np.testing.assert_allclose(float(parts["content"]), want_content, rtol=1e-4)
    np.testing.assert_allclose(float(parts["style"]), want_style, rtol=1e-3)
    np.testing.assert_allclose(float(J), want_content + want_style, rtol=1e-3)
    assert float(loss(C, C)[1]["content"]) == 0.0


@pytest.mark.slow
def test_a_few_steps_lower_the_loss(vgg_weights, photos, style):
    trainer = Trainer(style, photo_files(photos), size=32, batch_size=2, learning_rate=1e-2, architecture=TINY)
    C = trainer.next_batch()
    first = float(trainer.loss(C, trainer.net(C))[0])
    for _ in range(12):
        trainer.train_step(C)
    assert float(trainer.loss(C, trainer.net(C))[0]) < 0.8 * first
    assert int(trainer.step.numpy()) == 12


@pytest.mark.slow
def test_resume_continues_the_step_count_and_the_weights(vgg_weights, photos, style, tmp_path):
    files = photo_files(photos)
    first = Trainer(style, files, size=32, batch_size=2, architecture=TINY, checkpoint_dir=tmp_path)
    result = first.train(steps=3, progress=False)
    assert result.steps_done == 3 and result.stopped == "steps" and len(result.history["total"]) == 3
    again = Trainer(style, files, size=32, batch_size=2, architecture=TINY, checkpoint_dir=tmp_path, resume=True)
    assert int(again.step.numpy()) == 3 and int(again.optimizer.iterations.numpy()) == 3
    for a, b in zip(first.net.weights, again.net.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    result = again.train(steps=5, progress=False)
    assert result.steps_done == 5 and len(result.history["total"]) == 2
    with pytest.raises(NSTError, match="Nothing to resume"):
        Trainer(style, files, size=32, batch_size=2, architecture=TINY, checkpoint_dir=tmp_path / "no", resume=True)


@pytest.mark.slow
def test_the_time_budget_stops_the_run(vgg_weights, photos, style):
    trainer = Trainer(style, photo_files(photos), size=32, batch_size=2, architecture=TINY)
    result = trainer.train(steps=100000, time_budget=2.0, progress=False)
    assert result.stopped == "time" and 1 <= result.steps_done < 100000


@pytest.mark.slow
def test_ctrl_c_ends_the_run_after_the_step_and_keeps_the_network(vgg_weights, photos, style, tmp_path):
    trainer = Trainer(style, photo_files(photos), size=32, batch_size=2, architecture=TINY, checkpoint_dir=tmp_path)

    def press_ctrl_c(step, net, parts):
        os.kill(os.getpid(), signal.SIGINT)

    result = trainer.train(steps=1000, progress=False, callback=press_ctrl_c, every=2, checkpoint_every=1000)
    assert result.stopped == "interrupted" and result.steps_done == 2
    assert result.net is trainer.net and tf.train.latest_checkpoint(str(tmp_path)).endswith("ckpt-2")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
