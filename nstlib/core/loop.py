"""The training loop: steps on the image's pixels, and after each step the callbacks.

    result = optimize(problem, start, config, callbacks=[ProgressBar(config.steps)])

Each step takes the gradient of the total cost with respect to the image only (VGG-19 is
frozen), updates the image with Adam (or an L-BFGS iteration) and keeps it in [0, 1].
After it the loop records the costs (``Run.record``: the history and the best image so
far) and calls every callback, any of which may end the run. It also ends, keeping the
best image, on Ctrl-C (after the step it interrupts: :mod:`nstlib.core.interrupt`) and
when a cost stops being a finite number (the learning rate is then almost always too
high). TensorFlow places the step on a GPU when it sees one, and on the CPU otherwise:
nothing here changes.

The step is one ``tf.function`` per problem structure (``problem.spec``) and extractor,
traced once for every image size: the image, Adam's state and the problem's targets and
weights are its arguments. So the sizes of a coarse-to-fine ladder, the frames of a
video and repeated runs (the studio's comparisons) reuse one traced step.

Everything else (the progress bar, previews, checkpoints, stop requests) is a callback
(:mod:`nstlib.core.callbacks`); loading the images and building the problem is
:func:`nstlib.stylize`'s job.

Taught in notebooks/05_full_optimization.ipynb.
"""

import functools
import math
import time
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

from ..config import Config
from .adam import AdamState, adam_update, hyperparameters
from .interrupt import deferred_interrupt
from .problem import evaluate


@dataclass
class Result:
    image: tf.Tensor  # (1, H, W, 3) in [0, 1]: where the run ended
    best_image: tf.Tensor  # (1, H, W, 3): the image of lowest total cost seen (or the average)
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
    state: AdamState = None  # Adam's state at the end, to warm-start a larger size
    saved: dict = field(default_factory=dict)  # the files the application wrote (nstlib.pipeline.run)

    @property
    def seconds_per_step(self):
        return self.seconds / max(self.steps_done, 1)


class Run:
    """The state of one optimization, as the callbacks see it.

    image: the current image (a tensor); state: Adam's state (None for L-BFGS); history:
    {cost name: [value per step]}; best_image, best_cost, best_step: the lowest total
    cost seen so far (the image *before* the step whose costs were recorded).
    """

    def __init__(self, image, config, resume=None):
        self.image, self.config, self.state = image, config, None
        self.history = {}
        self.best_image, self.best_cost, self.best_step = image, math.inf, 0
        if resume is not None:
            self.history = {k: list(v) for k, v in resume.history.items()}
            self.best_cost, self.best_step = resume.best_cost, resume.best_step
            self.best_image = tf.constant(resume.best_image)
        self.last_good = self.best_image
        self.message, self.stopped, self.interrupted, self.diverged = "", False, False, False
        self.interrupt_requested = lambda: False  # set by optimize: Ctrl-C was pressed
        self.problem = None  # set by optimize
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
            best_cost=self.best_cost, best_step=self.best_step, history=self.history,
            config=self.config, steps_done=self.steps_done, stopped=self.stopped,
            message=self.message, seconds=time.perf_counter() - self.start,
            interrupted=self.interrupted, diverged=self.diverged, state=self.state,
        )


def optimize(problem, start, config, callbacks=(), resume=None, state=None):
    """Optimize the image from `start` (1, H, W, 3) to lower problem.costs; a Result.

    callbacks: objects with on_start(run), on_step(run, image, costs) (a message to
    end the run, or None) and on_end(run); see nstlib.core.callbacks. resume: a
    Checkpoint whose history, best image and Adam state the run continues. state: an
    AdamState to start from (a warm start from a smaller size), for Adam only.
    """
    run = Run(tf.convert_to_tensor(start, tf.float32), config, resume)
    run.problem = problem  # what a checkpoint keeps of it: problem.inputs
    for callback in callbacks:
        callback.on_start(run)
    loop = _run_adam if config.optimizer == "adam" else _run_lbfgs
    try:
        if resume is not None and resume.state:
            state = AdamState(**{k: tf.constant(v, tf.float32) for k, v in resume.state.items()})
        with deferred_interrupt() as run.interrupt_requested:  # Ctrl-C ends the run after its step
            final = loop(problem, run, callbacks, state)
    except KeyboardInterrupt:  # a second Ctrl-C, or one outside the main thread's deferral
        _interrupted(run)
        final = run.last_good
    for callback in callbacks:
        callback.on_end(run)
    return run.result(final)


def _interrupted(run):
    run.end(f"Interrupted after {run.steps_done} steps; kept the best image so far.", interrupted=True)


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
    if run.interrupt_requested():
        _interrupted(run)
        return False
    return True


class _ShapeFree:
    """fn as a tf.function traced once for any image size: None for every dimension."""

    def __init__(self, fn, jit_compile=False):
        self.fn, self.jit_compile, self.traced = fn, jit_compile, None

    def __call__(self, *args):
        if self.traced is None:
            signature = tf.nest.map_structure(lambda t: tf.TensorSpec([None] * t.shape.rank, t.dtype), args)
            self.traced = tf.function(self.fn, input_signature=signature, jit_compile=self.jit_compile)
        return self.traced(*args)


@functools.lru_cache(maxsize=32)
def traced_adam_step(spec, extractor, jit_compile=False):
    """The Adam step of problems with this structure: (image, state, targets, weights,
    hyper) -> (new image, new state, the costs of image). Built and traced once."""

    def step(x, state, targets, weights, hyper):
        with tf.GradientTape() as tape:
            tape.watch(x)
            costs = evaluate(spec, extractor, x, targets, weights)
        grad = tape.gradient(costs["total"], x)
        if spec.update_mask:  # pixels outside the mask keep the content
            grad = grad * targets["update_mask"]
        new_x, new_state = adam_update(x, grad, state, hyper)
        return new_x, new_state, costs

    return _ShapeFree(step, jit_compile)


@functools.lru_cache(maxsize=32)
def traced_value_and_grad(spec, extractor):
    """(image, targets, weights) -> (costs, gradient of the total cost): for L-BFGS."""

    def value_and_grad(x, targets, weights):
        with tf.GradientTape() as tape:
            tape.watch(x)
            costs = evaluate(spec, extractor, x, targets, weights)
        grad = tape.gradient(costs["total"], x)
        return costs, grad * targets["update_mask"] if spec.update_mask else grad

    return _ShapeFree(value_and_grad)


def adam_step(problem, image, state, config):
    """One Adam step: (the new image, the new state, the costs of `image`).

    The package's version of notebook 05's train_step (state: AdamState.zeros(image.shape)
    to begin). Taught in notebooks/05_full_optimization.ipynb.
    """
    step = traced_adam_step(problem.spec, problem.extractor, config.jit_compile)
    return step(tf.convert_to_tensor(image, tf.float32), state, problem.targets, problem.weights,
                hyperparameters(config))


def _run_adam(problem, run, callbacks, state):
    config = run.config
    image = run.image
    run.state = state if state is not None else AdamState.zeros(image.shape)
    hyper = hyperparameters(config)
    step = traced_adam_step(problem.spec, problem.extractor, config.jit_compile)
    for _ in range(config.steps - run.steps_done):
        new_image, new_state, costs = step(image, run.state, problem.targets, problem.weights, hyper)
        run.image, run.state = new_image, new_state  # where the run continues (and a checkpoint resumes)
        if not _after_step(run, callbacks, image, costs):
            return run.image
        image = new_image
    if config.ema:  # the averaged iterate is the result
        average = run.state.average()
        run.best_image, run.best_step = average, config.steps
        run.best_cost = float(problem.costs(average)["total"])
    else:  # the costs of the final image, so that the best image can be the last one
        run.consider(image, float(problem.costs(image)["total"]), config.steps)
    return image


def _run_lbfgs(problem, run, callbacks, state):
    """L-BFGS-B from scipy.optimize, with the bounds [0, 1] on every pixel."""
    from scipy.optimize import Bounds, minimize

    config, shape = run.config, run.image.shape
    value_and_grad = traced_value_and_grad(problem.spec, problem.extractor)
    last = {}

    def fun(x):
        x = tf.constant(x.reshape(shape), tf.float32)
        costs, grad = value_and_grad(x, problem.targets, problem.weights)
        last["image"], last["costs"] = x, costs
        return float(costs["total"]), grad.numpy().astype(np.float64).ravel()

    def on_iteration(intermediate_result):
        run.image = last["image"]  # what a checkpoint saves
        if not _after_step(run, callbacks, last["image"], last["costs"]):
            raise StopIteration

    x0 = run.image.numpy().astype(np.float64).ravel()
    out = minimize(
        fun, x0, jac=True, method="L-BFGS-B", bounds=Bounds(np.zeros_like(x0), np.ones_like(x0)),
        callback=on_iteration,
        options={"maxiter": config.steps - run.steps_done, "maxfun": 2 * config.steps + 20},
    )
    return tf.constant(out.x.reshape(shape), tf.float32)
