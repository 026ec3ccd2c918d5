"""The training loop: paint the content image in the style of the style image.

    result = stylize(content, style, Config(steps=300))
    result.best_image        # (1, H, W, 3) in [0, 1]
    result.history["style"]  # the style cost at every step

The targets (content activations, style Gram matrices) are computed once; each
step is a ``tf.function`` that takes the gradient of the total cost with respect to
the image only (VGG-19 is frozen) and keeps the image in [0, 1]. TensorFlow places
it on a GPU when it sees one and on the CPU otherwise: nothing here changes.

A run ends early, keeping the best image so far, when ``stop`` is set, when a
callback returns True, on Ctrl-C (KeyboardInterrupt), or when a cost stops being a
finite number (the learning rate is then almost always too high).

Taught in notebooks/05_full_optimization.ipynb.
"""

import math
import os
import time
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf
from tqdm.auto import tqdm

from . import costs
from .checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from .config import Config
from .errors import NSTError
from .images import load_image, resize_to
from .model import cached_extractor

COST_NAMES = ("total", "content", "style", "tv")


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


class StyleTransfer:
    """The costs of one (content, style) pair, with targets computed once.

    ``costs(image)`` returns a dict of float32 scalars {total, content, style, tv}.

    style may be a list of images, blended with style_weights (as jcjohnson's
    neural-style -style_blend_weights: the target Gram matrices are their weighted
    mean). mask, an (H, W) image in [0, 1], says where the style applies: outside it
    the pixels keep the content (their gradient is zeroed) unless outside_style is
    given, which is then painted there (each region's Gram matrices are its own).
    Gram matrices are compared per position (costs.position_gram), so a style image
    of another size than the content asks for the same statistics.
    """

    def __init__(self, content, style, config, extractor=None, weights=None, *,
                 style_weights=None, mask=None, outside_style=None):
        self.config = config
        self.extractor = extractor or cached_extractor(
            config.layer_names, weights, config.pooling, config.preprocess, config.precision
        )
        content_feats = self.extractor(content)
        # Targets, computed once: a_C at the content layers, G_hat_S at the style layers.
        self.a_C = {n: tf.constant(content_feats[n]) for n in config.content_layers}
        targets = self._style_targets(style, style_weights)
        self.update_mask = None  # (1, H, W, 1): which pixels may change
        if mask is None:
            self.regions = [(targets, None)]
        else:
            m = _as_mask(mask, content.shape[1:3])
            layer_masks = {
                n: tf.image.resize(m, content_feats[n].shape[1:3], method="area")
                for n, _ in config.style_layers
            }
            self.regions = [(targets, layer_masks)]
            if outside_style is None:
                self.update_mask = m
            else:
                outside = {n: 1.0 - lm for n, lm in layer_masks.items()}
                self.regions.append((self._style_targets(outside_style, None), outside))

    def _style_targets(self, style, style_weights):
        styles = list(style) if isinstance(style, (list, tuple)) else [style]
        w = _blend_weights(style_weights, len(styles))
        feats = [self.extractor(s) for s in styles]
        return {
            n: tf.add_n([w_i * costs.position_gram(f[n]) for w_i, f in zip(w, feats)])
            for n, _ in self.config.style_layers
        }

    def costs(self, image):
        cfg = self.config
        a_G = self.extractor(image)
        J_content = tf.add_n(
            [costs.content_distance(self.a_C[n], a_G[n], cfg.normalization) for n in cfg.content_layers]
        ) / len(cfg.content_layers)
        J_style = tf.add_n([
            lam * costs.gram_distance(G_hat_S[n], costs.position_gram(a_G[n], None if m is None else m[n]),
                                      cfg.normalization)
            for n, lam in cfg.style_layers
            for G_hat_S, m in self.regions
        ])
        J_tv = costs.total_variation_cost(image)
        J = costs.total_cost(J_content, J_style, cfg.alpha, cfg.beta) + cfg.tv_weight * J_tv
        return {"total": J, "content": J_content, "style": J_style, "tv": J_tv}


def _blend_weights(style_weights, n):
    """n non-negative weights summing to 1 (equal when None)."""
    if style_weights is None:
        return [1.0 / n] * n
    try:
        w = [float(x) for x in style_weights]
    except (TypeError, ValueError):
        raise NSTError(f"Style weights must be numbers, not {style_weights!r}.") from None
    if len(w) != n:
        raise NSTError(f"Give one weight per style: {n} style(s) but {len(w)} weight(s).")
    if any(not math.isfinite(x) or x < 0 for x in w) or sum(w) <= 0:
        raise NSTError(f"Style weights must be numbers >= 0 with a positive sum, not {style_weights!r}.")
    return [x / sum(w) for x in w]


def _as_mask(mask, size):
    """A mask (1, H, W, 1) in [0, 1] at `size` from a path, an array (H, W) or an image."""
    shape = None if isinstance(mask, (str, os.PathLike)) else np.shape(mask)
    if shape is not None and len(shape) == 2:  # (H, W)
        m = tf.convert_to_tensor(mask, tf.float32)[tf.newaxis, :, :, tf.newaxis]
    elif shape is not None and len(shape) == 4 and shape[-1] == 1:  # (1, H, W, 1)
        m = tf.convert_to_tensor(mask, tf.float32)
    else:  # a path or an image: its luminance
        m = tf.reduce_mean(load_image(mask, min_side=1), axis=-1, keepdims=True)
    if float(tf.reduce_min(m)) < 0 or float(tf.reduce_max(m)) > 1:
        raise NSTError("A mask's values must lie in [0, 1] (1 where the style applies).")
    return tf.image.resize(m, size)


def initial_image(content, style, config):
    """The image the optimization starts from, (1, H, W, 3) like the content."""
    if config.init == "content":
        return tf.identity(content)
    if config.init == "style":
        style = style[0] if isinstance(style, (list, tuple)) else style
        return resize_to(style, content.shape[1:3])
    noise = tf.random.stateless_uniform(content.shape, seed=(config.seed, 1))
    return (1.0 - config.noise_ratio) * content + config.noise_ratio * noise


def _should_stop(stop):
    if stop is None:
        return False
    if hasattr(stop, "is_set"):
        return stop.is_set()
    return bool(stop())


def as_image(x, max_dim):
    """An image from a tensor, an array, a path, a URL or an example's name."""
    if isinstance(x, str):
        from .data import get_example, is_example, load_example

        if is_example(x):
            return load_example(x, max_dim=max_dim)
        if "://" not in x and "/" not in x and not os.path.splitext(x)[1] and not os.path.exists(x):
            get_example(x)  # not a file either: raises "unknown example, did you mean ...?"
    return load_image(x, max_dim=max_dim)


def stylize(
    content,
    style,
    config=None,
    *,
    callback=None,
    callback_every=10,
    stop=None,
    progress=True,
    extractor=None,
    weights=None,
    checkpoint=None,
    checkpoint_every=None,
    resume=None,
    checkpoint_extra=None,
    init_image=None,
    style_weights=None,
    mask=None,
    outside_style=None,
    **overrides,
):
    """Optimize an image to match content's content and style's style.

    content, style: images (tensors, arrays, paths, URLs or example names), resized
    so their longest side is config.max_dim. config: a Config (default Config());
    keyword overrides change its fields, e.g. ``stylize(c, s, steps=50)``.
    callback(step, image, costs) is called every callback_every steps and at the
    end; returning True stops the run. stop: a threading.Event (or a function
    returning True) that ends the run cleanly. Returns a Result.

    checkpoint: a path where the run's state is saved every checkpoint_every steps
    and when it ends early; resume: a checkpoint (or its path) to continue from, whose
    Config is used when config is None (see nstlib.checkpoint).
    init_image: an image to start from instead of config.init's (resized to the
    content's size): the previous frame of a video, a smaller run's result.
    style may be a list of styles blended with style_weights; mask (where the style
    applies) and outside_style: see StyleTransfer.
    """
    if resume is not None and not isinstance(resume, Checkpoint):
        resume = load_checkpoint(resume)
    config = config or (resume.config if resume is not None else Config())
    config = config.replace(**overrides) if overrides else config
    content = as_image(content, config.max_dim)
    if isinstance(style, (list, tuple)):
        style = [as_image(s, config.max_dim) for s in style]
    else:
        style = as_image(style, config.max_dim)
    if outside_style is not None:
        outside_style = as_image(outside_style, config.max_dim)
    problem = StyleTransfer(content, style, config, extractor, weights, style_weights=style_weights,
                            mask=mask, outside_style=outside_style)
    if resume is not None and tuple(resume.image.shape) != tuple(content.shape):
        raise NSTError(
            f"The checkpoint's image is {resume.image.shape[1]}x{resume.image.shape[2]} but the "
            f"content is {content.shape[1]}x{content.shape[2]}: resume with the same content and size."
        )
    if resume is not None:
        start = resume.image
    elif init_image is not None:
        start = resize_to(load_image(init_image, min_side=1), content.shape[1:3])
    else:
        start = initial_image(content, style, config)
    if problem.update_mask is not None:  # outside the mask the picture is the content
        start = problem.update_mask * start + (1.0 - problem.update_mask) * content
    image = tf.Variable(start)
    tracker = _Tracker(image, config, callback, callback_every, stop, progress, resume)
    tracker.saver = _Saver(checkpoint, checkpoint_every, config, checkpoint_extra)
    run = _run_adam if config.optimizer == "adam" else _run_lbfgs
    return run(problem, image, config, tracker, resume)


class _Tracker:
    """The history, the best image so far, the progress bar and the stop rules."""

    def __init__(self, image, config, callback, callback_every, stop, progress, resume=None):
        self.config, self.callback, self.every, self.stop = config, callback, callback_every, stop
        self.history = {k: [] for k in COST_NAMES}
        self.best_image, self.best_cost, self.best_step = tf.identity(image), math.inf, 0
        if resume is not None:
            self.history = {k: list(resume.history[k]) for k in COST_NAMES}
            self.best_cost, self.best_step = resume.best_cost, resume.best_step
            self.best_image = tf.constant(resume.best_image)
        self.last_good = self.best_image
        self.message, self.stopped, self.interrupted, self.diverged = "", False, False, False
        self.bar = tqdm(total=config.steps, initial=self.steps_done, disable=not progress, desc="stylize", unit="step")
        self.start = time.perf_counter()
        self.saver = None
        self.image, self.optimizer = image, None  # what a checkpoint saves

    @property
    def steps_done(self):
        return len(self.history["total"])

    def record(self, image, values):
        """Record the costs of `image` (before its update); False when the run must end."""
        values = {k: float(v) for k, v in values.items()}
        if not all(map(math.isfinite, values.values())):
            self.stopped = self.diverged = True
            self.message = (
                f"The cost became {values['total']} at step {self.steps_done + 1}: the "
                f"optimization diverged, most likely because the learning rate "
                f"({self.config.learning_rate}) is too high, or alpha/beta are so large that "
                f"the cost overflows float32. Kept the last good image; try a learning rate "
                f"ten times smaller."
            )
            return False
        for k in COST_NAMES:
            self.history[k].append(values[k])
        step = self.steps_done
        self.last_good = image
        if values["total"] < self.best_cost:
            self.best_image, self.best_cost, self.best_step = image, values["total"], step
        self.bar.update(1)
        if step % 10 == 0 or step == self.config.steps:
            self.bar.set_postfix(cost=f"{values['total']:.4g}", refresh=False)
        self.saver.maybe_save(self, step)
        if self.callback is not None and (step % self.every == 0 or step == self.config.steps):
            if self.callback(step, image, values):
                return self._end("Stopped by the callback.")
        if _should_stop(self.stop):
            return self._end(f"Stopped on request after {step} steps.")
        return True

    def _end(self, message):
        self.stopped, self.message = True, message
        return False

    def interrupt(self):
        self.interrupted = True
        self._end(f"Interrupted after {self.steps_done} steps; kept the best image so far.")

    def result(self, image):
        self.bar.close()
        if self.stopped:  # keep what an early end would otherwise lose
            self.saver.save(self)
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


class _Saver:
    """Saves the run's state to a checkpoint every `every` steps (nothing when path is None)."""

    def __init__(self, path, every, config, extra):
        self.path, self.every, self.config, self.extra = path, every, config, dict(extra or {})

    def maybe_save(self, t, step):
        if self.path is not None and self.every and step % self.every == 0:
            self.save(t)

    def save(self, t):
        if self.path is None:
            return
        state = [v.numpy() for v in t.optimizer.variables] if t.optimizer is not None else []
        save_checkpoint(self.path, Checkpoint(
            image=t.image.numpy(), best_image=np.asarray(t.best_image), best_cost=t.best_cost,
            best_step=t.best_step, history=t.history, config=self.config,
            optimizer_state=state, extra=self.extra,
        ))


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


def make_optimizer(config):
    """Adam with the config's learning rate, β1 and ε (by default 0.99 and 0.1, the TF tutorial's)."""
    import keras

    return keras.optimizers.Adam(
        learning_rate=config.learning_rate, beta_1=config.adam_beta1, epsilon=config.adam_epsilon
    )


def _run_adam(problem, image, config, t, resume):
    tf.random.set_seed(config.seed)
    optimizer = make_optimizer(config)
    optimizer.build([image])
    if resume is not None and resume.optimizer_state:
        for var, value in zip(optimizer.variables, resume.optimizer_state):
            var.assign(value)
    t.optimizer = optimizer
    step = make_adam_step(problem, image, optimizer, config.jit_compile)
    try:
        for _ in range(config.steps - t.steps_done):
            before, values = step()
            if not t.record(before, values):
                break
        else:
            # the costs of the final image, so the best image can be the last one
            values = problem.costs(image)
            if all(map(math.isfinite, (float(v) for v in values.values()))) and float(values["total"]) < t.best_cost:
                t.best_image, t.best_cost, t.best_step = tf.identity(image), float(values["total"]), config.steps
    except KeyboardInterrupt:
        t.interrupt()
    return t.result(image)


def _run_lbfgs(problem, image, config, t, resume):
    """L-BFGS-B from scipy.optimize, with the bounds [0, 1] on every pixel."""
    from scipy.optimize import Bounds, minimize

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
        if not t.record(last["image"], last["values"]):
            raise StopIteration

    x0 = image.numpy().astype(np.float64).ravel()
    try:
        out = minimize(
            fun, x0, jac=True, method="L-BFGS-B", bounds=Bounds(np.zeros_like(x0), np.ones_like(x0)),
            callback=on_iteration,
            options={"maxiter": config.steps - t.steps_done, "maxfun": 2 * config.steps + 20},
        )
        final = tf.constant(out.x.reshape(shape), tf.float32)
    except KeyboardInterrupt:
        t.interrupt()
        final = t.last_good
    return t.result(final)
