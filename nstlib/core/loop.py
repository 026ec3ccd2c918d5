"""The training loop: steps on the image's pixels, and after each step the callbacks.

    result = optimize(problem, start, config, callbacks=[ProgressBar(config.steps)])

Each step takes the gradient of the total cost with respect to the image only (VGG-19 is
frozen), updates the image and keeps it in [0, 1]. After it the loop records the costs
(``Run.record``: the history and the best image so far) and calls every callback, any of
which may end the run. It also ends, keeping the best image, on Ctrl-C and when a cost
stops being a finite number (the learning rate is then almost always too high).
TensorFlow places the step on a GPU when it sees one, and on the CPU otherwise.

Everything else (the progress bar, previews, checkpoints, stop requests) is a callback
(:mod:`nstlib.core.callbacks`); loading the images and building the problem is
:func:`nstlib.stylize`'s job.

Taught in notebooks/05_full_optimization.ipynb.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

from ..config import Config


@dataclass
class Result:
    image: tf.Tensor  # (1, H, W, 3) in [0, 1]: where the run ended
    best_image: tf.Tensor  # (1, H, W, 3): the image of lowest total cost seen
    best_cost: float
    best_step: int
    history: dict  # {"total": [...], "content": [...], "style": [...], "tv": [...]}, one per step
    config: Config
    steps_done: int = 0
    stopped: bool = False  # ended before config.steps (stop request, Ctrl-C, non-finite cost)
    message: str = ""  # why it stopped early, for people
    seconds: float = 0.0
    interrupted: bool = False  # ended by Ctrl-C (KeyboardInterrupt)
    diverged: bool = False  # ended by a cost that was not a finite number
    stages: list = field(default_factory=list)  # coarse to fine: (size, steps, seconds) per size

    @property
    def seconds_per_step(self):
        return self.seconds / max(self.steps_done, 1)


class Run:
    """The state of one optimization, as the callbacks see it.

    image: the tf.Variable being optimized; history: {cost name: [value per step]};
    best_image, best_cost, best_step: the lowest total cost seen so far (the image
    *before* the step whose costs were recorded); optimizer: Adam, or None for L-BFGS.
    """

    def __init__(self, image, config, resume=None):
        self.image, self.config, self.optimizer = image, config, None
        self.history = {}
        self.best_image, self.best_cost, self.best_step = tf.identity(image), math.inf, 0
        if resume is not None:
            self.history = {k: list(v) for k, v in resume.history.items()}
            self.best_cost, self.best_step = resume.best_cost, resume.best_step
            self.best_image = tf.constant(resume.best_image)
        self.last_good = self.best_image
        self.message, self.stopped, self.interrupted, self.diverged = "", False, False, False
        self.start = time.perf_counter()

    @property
    def steps_done(self):
        return len(self.history.get("total", ()))

    def record(self, image, costs):
        """Record the costs of `image` (before its update); False when they are not finite."""
        values = {k: float(v) for k, v in costs.items()}
        if not all(map(math.isfinite, values.values())):
            self.diverged = True
            self.end(
                f"The cost became {values['total']} at step {self.steps_done + 1}: the "
                f"optimization diverged, most likely because the learning rate "
                f"({self.config.learning_rate}) is too high, or alpha/beta are so large that "
                f"the cost overflows float32. Kept the last good image; try a learning rate "
                f"ten times smaller."
            )
            return False
        for k, v in values.items():
            self.history.setdefault(k, []).append(v)
        self.last_good = image
        self.consider(image, values["total"], self.steps_done)
        return True

    def consider(self, image, cost, step):
        """Keep image as the best one if its total cost is the lowest so far."""
        if math.isfinite(cost) and cost < self.best_cost:
            self.best_image, self.best_cost, self.best_step = image, cost, step

    def end(self, message, interrupted=False):
        self.stopped, self.message = True, message
        self.interrupted = self.interrupted or interrupted

    def result(self, image):
        return Result(
            image=tf.convert_to_tensor(self.last_good if self.diverged else image),
            best_image=tf.convert_to_tensor(self.best_image),
            best_cost=self.best_cost,
            best_step=self.best_step,
            history=self.history,
            config=self.config,
            steps_done=self.steps_done,
            stopped=self.stopped,
            message=self.message,
            seconds=time.perf_counter() - self.start,
            interrupted=self.interrupted,
            diverged=self.diverged,
        )


def optimize(problem, start, config, callbacks=(), resume=None):
    """Optimize the image from `start` (1, H, W, 3) to lower problem.costs; a Result.

    callbacks: objects with on_start(run), on_step(run, image, costs) (a message to
    end the run, or None) and on_end(run); see nstlib.core.callbacks. resume: a
    Checkpoint whose history, best image and Adam state the run continues.
    """
    run = Run(tf.Variable(start), config, resume)
    for callback in callbacks:
        callback.on_start(run)
    loop = _run_adam if config.optimizer == "adam" else _run_lbfgs
    try:
        final = loop(problem, run, callbacks, resume)
    except KeyboardInterrupt:
        run.end(f"Interrupted after {run.steps_done} steps; kept the best image so far.", interrupted=True)
        final = run.last_good
    for callback in callbacks:
        callback.on_end(run)
    return run.result(final)


def _after_step(run, callbacks, image, costs):
    """Record a step and ask the callbacks; False when the run must end."""
    if not run.record(image, costs):
        return False
    values = {k: v[-1] for k, v in run.history.items()}
    for callback in callbacks:
        message = callback.on_step(run, image, values)
        if message:
            run.end(message)
            return False
    return True


def make_optimizer(config):
    """Adam with the config's learning rate, β1 and ε (by default 0.99 and 0.1, the TF tutorial's)."""
    import keras

    return keras.optimizers.Adam(
        learning_rate=config.learning_rate, beta_1=config.adam_beta1, epsilon=config.adam_epsilon
    )


def make_adam_step(problem, image, optimizer, jit_compile=False):
    """One Adam step as a tf.function: costs of `image`, then image -= update, clipped to [0, 1].

    Returns (the image before the update, its costs). The gradient is taken with
    respect to the image only.
    """

    @tf.function(jit_compile=jit_compile)
    def step():
        before = tf.identity(image)  # (1, H, W, 3)
        with tf.GradientTape() as tape:
            values = problem.costs(image)
        grad = tape.gradient(values["total"], image)
        if problem.update_mask is not None:  # pixels outside the mask keep the content
            grad = grad * problem.update_mask
        optimizer.apply_gradients([(grad, image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return before, values

    return step


def _run_adam(problem, run, callbacks, resume):
    config, image = run.config, run.image
    tf.random.set_seed(config.seed)
    optimizer = make_optimizer(config)
    optimizer.build([image])
    if resume is not None and resume.optimizer_state:
        for var, value in zip(optimizer.variables, resume.optimizer_state):
            var.assign(value)
    run.optimizer = optimizer
    step = make_adam_step(problem, image, optimizer, config.jit_compile)
    for _ in range(config.steps - run.steps_done):
        before, costs = step()
        if not _after_step(run, callbacks, before, costs):
            return image
    # the costs of the final image, so that the best image can be the last one
    run.consider(tf.identity(image), float(problem.costs(image)["total"]), config.steps)
    return image


def _run_lbfgs(problem, run, callbacks, resume):
    """L-BFGS-B from scipy.optimize, with the bounds [0, 1] on every pixel."""
    from scipy.optimize import Bounds, minimize

    config, image = run.config, run.image
    shape = image.shape

    @tf.function
    def value_and_grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            values = problem.costs(x)
        return values, tape.gradient(values["total"], x)

    last = {}

    def fun(x):
        x = tf.constant(x.reshape(shape), tf.float32)
        values, grad = value_and_grad(x)
        if problem.update_mask is not None:
            grad = grad * problem.update_mask
        last["image"], last["values"] = x, values
        return float(values["total"]), grad.numpy().astype(np.float64).ravel()

    def on_iteration(intermediate_result):
        image.assign(last["image"])  # what a checkpoint saves
        if not _after_step(run, callbacks, last["image"], last["values"]):
            raise StopIteration

    x0 = image.numpy().astype(np.float64).ravel()
    out = minimize(
        fun, x0, jac=True, method="L-BFGS-B", bounds=Bounds(np.zeros_like(x0), np.ones_like(x0)),
        callback=on_iteration,
        options={"maxiter": config.steps - run.steps_done, "maxfun": 2 * config.steps + 20},
    )
    return tf.constant(out.x.reshape(shape), tf.float32)
