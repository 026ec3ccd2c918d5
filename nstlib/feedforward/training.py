"""Training a transform network: photos in, the perceptual loss down, checkpoints kept.

    trainer = Trainer(style_image, files, size=256, checkpoint_dir="starry.ckpt")
    result = trainer.train(steps=2000, time_budget=1800)   # Ctrl-C keeps what it has
    save_network(result.net, "starry.nstnet", style="van_gogh_the_starry_night")

Each step: a batch of random crops C (m, size, size, 3) from ``photos.photo_dataset``, the
paintings G = net(C), the perceptual loss J(C, G) (perceptual.py), and one Adam step on the
network's weights (learning rate 1e-3, as Johnson et al.). The step is one ``tf.function``
and nothing in it asks for a CPU, so the same code runs on a GPU.

- A time budget: no step starts that the last step's duration says would end past it.
- Checkpoints (``tf.train.Checkpoint``: the network, Adam's state and the step count)
  every ``checkpoint_every`` steps and at the end, into ``checkpoint_dir``; a new Trainer
  with the same folder and ``resume=True`` goes on from the last one.
- Ctrl-C (or ``kill``) ends the run after the current step, as in ``nst stylize``
  (nstlib.core.interrupt); a second Ctrl-C at once. Either way the checkpoint is written and
  the network returned.

Taught in notebook 08.
"""

import dataclasses
import time

import keras
import tensorflow as tf

from ..core.interrupt import deferred_interrupt
from ..errors import NSTError
from .network import TransformNet
from .perceptual import PerceptualLoss
from .photos import photo_dataset

LEARNING_RATE, BATCH_SIZE = 1e-3, 4


@dataclasses.dataclass
class TrainResult:
    """What a training run did: the network, the steps (all runs together), why it stopped."""

    net: TransformNet
    steps_done: int  # the step count, resumed runs included
    seconds: float  # this run's time
    history: dict  # {"total": [...], "content": [...], "style": [...], "tv": [...]}: this run's steps
    stopped: str  # "steps", "time" or "interrupted"


class Trainer:
    """A transform network, its optimizer, the perceptual loss for one style and the photos."""

    def __init__(self, style_image, files, size=256, batch_size=BATCH_SIZE, learning_rate=LEARNING_RATE,
                 checkpoint_dir=None, resume=False, architecture=None, seed=0, **loss_options):
        tf.random.set_seed(seed)
        self.size, self.batch_size = int(size), int(batch_size)
        self.net = TransformNet(**(architecture or {})).build_for(min(self.size, 64))
        self.optimizer = keras.optimizers.Adam(learning_rate)
        self.optimizer.build(self.net.trainable_variables)  # its moments exist before a restore
        self.step = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.loss = PerceptualLoss(style_image, **loss_options)
        self.batches = iter(photo_dataset(files, self.size, self.batch_size, seed))
        self.manager = None
        if checkpoint_dir is not None:
            ckpt = tf.train.Checkpoint(net=self.net, optimizer=self.optimizer, step=self.step)
            self.manager = tf.train.CheckpointManager(ckpt, str(checkpoint_dir), max_to_keep=2)
            if resume:
                if self.manager.latest_checkpoint is None:
                    raise NSTError(f"Nothing to resume in {checkpoint_dir}: no checkpoint there.")
                ckpt.restore(self.manager.latest_checkpoint).assert_existing_objects_matched()

    @tf.function(reduce_retracing=True)
    def train_step(self, C):
        """One Adam step on a batch C (m, size, size, 3); returns (J, {"content", "style", "tv"})."""
        with tf.GradientTape() as tape:
            G = self.net(C, training=True)  # (m, size, size, 3) in [0, 1]
            J, parts = self.loss(C, G)
        grads = tape.gradient(J, self.net.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.net.trainable_variables))
        self.step.assign_add(1)
        return J, parts

    def next_batch(self):
        try:
            return next(self.batches)
        except StopIteration:
            raise NSTError("None of the photos could be read as an image (.jpg, .png, .bmp).") from None

    def save_checkpoint(self):
        if self.manager is not None:
            self.manager.save(checkpoint_number=int(self.step.numpy()))

    def train(self, steps, time_budget=0.0, checkpoint_every=100, progress=True, callback=None, every=0):
        """Train until the step count reaches ``steps``, the time budget (seconds, 0: none) is
        spent or Ctrl-C; ``callback(step, net, parts)`` every ``every`` steps. A TrainResult."""
        start, last, stopped = time.perf_counter(), 0.0, "steps"
        history = {"total": [], "content": [], "style": [], "tv": []}
        bar = _progress_bar(int(self.step.numpy()), steps, progress)
        with deferred_interrupt() as requested:
            try:
                while int(self.step.numpy()) < steps:
                    elapsed = time.perf_counter() - start
                    if time_budget and elapsed + last > time_budget:
                        stopped = "time"
                        break
                    J, parts = self.train_step(self.next_batch())
                    last = time.perf_counter() - start - elapsed
                    _record(history, J, parts, bar)
                    step = int(self.step.numpy())
                    if checkpoint_every and step % checkpoint_every == 0:
                        self.save_checkpoint()
                    if callback is not None and every and step % every == 0:
                        callback(step, self.net, parts)
                    if requested():
                        stopped = "interrupted"
                        break
            except KeyboardInterrupt:  # a second Ctrl-C: at once, keeping the last finished step
                stopped = "interrupted"
            finally:
                if bar is not None:
                    bar.close()
        self.save_checkpoint()
        return TrainResult(self.net, int(self.step.numpy()), time.perf_counter() - start, history, stopped)


def _progress_bar(initial, total, progress):
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, unit="step", dynamic_ncols=True)


def _record(history, J, parts, bar):
    """Append this step's costs to history; show J on the progress bar."""
    history["total"].append(float(J))
    for name, value in parts.items():
        history[name].append(float(value))
    if bar is not None:
        bar.update(1)
        bar.set_postfix(J=f"{float(J):.3g}", style=f"{float(parts['style']):.3g}", refresh=False)
