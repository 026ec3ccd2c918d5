"""How long a step takes on this machine, measured, and what a run will take from it.

    probe = Probe(256)                      # three steps at 256 px, after tracing: a few seconds
    probe.seconds(steps=300, size=512)      # the estimate for a run, from the pixel count
    probe.say(300, 512, runs=5)             # "this cell: 5 runs of 300 steps at 512 px, about ..."
    probe.say(300, 256, layers=["block1_conv2", "block3_conv2"])  # one run each, VGG-19 cut there

A step's time grows with the pixel count (the convolutions dominate), so one measured
size predicts the others, and a network cut at a shallower layer does the share of the
work that its convolutions' FLOPs say (:func:`forward_flops`); an L-BFGS iteration evaluates the cost about 1.1 times. The
notebooks print these estimates before their long cells, so that every time the course
states is this machine's, never another's (``nst stylize`` times its own first steps
instead: :class:`nstlib.core.callbacks.Estimate`).

Not part of the algorithm: it reads the probe's pair and the user's photo (:mod:`nstlib.io`)
and runs core's problem and loop on them, as an application does.

Taught in notebooks/01_transfer_learning.ipynb (what a GPU changes).
"""

import statistics
import time

import tensorflow as tf

from .config import LAYER_NAMES, QUICK, Config
from .core.adam import AdamState
from .core.callbacks import format_seconds
from .core.loop import adam_step, traced_value_and_grad
from .core.problem import StyleTransfer
from .core.schedule import plan
from .core.vgg import resolve_precision
from .io.sources import as_image

LBFGS_EVALUATIONS = 1.1  # cost evaluations per L-BFGS iteration, measured on the course's pairs

# Each notebook's computing at the students' sizes, counted in probe steps (the default
# Config's Adam step at 256 px): the notebook's seconds divided by that step's seconds, both
# measured in one run by benchmarks/notebooks.py (its "probe steps" column; README, "Time
# per notebook"). A machine twice as fast per step runs the notebook about twice as fast.
# Two counts, one per precision path: on a CPU with bfloat16 instructions the probe's step is
# about twice as fast, but not every cell is (notebook 02's reconstructions run in float32),
# so that path has its own count, from a run on such a CPU (AMD EPYC Zen 4, AVX512_BF16).
NOTEBOOK_STEPS = {"01": 140, "02": 736, "03": 20, "04": 463, "05": 923, "06": 430, "07": 814, "08": 232}
NOTEBOOK_STEPS_BFLOAT16 = {"01": 178, "02": 1431, "03": 32, "04": 574, "05": 1046, "06": 525, "07": 948}
VGG19_CHANNELS = (64, 128, 256, 512, 512)  # the convolutions' output channels in blocks 1-5


def forward_flops(deepest, height, width):
    """FLOPs of VGG-19's convolutions from a (height, width) image up to the layer `deepest`."""
    flops, c_in = 0, 3
    for name in LAYER_NAMES[: LAYER_NAMES.index(deepest) + 1]:
        if name.endswith("pool"):
            height, width = height // 2, width // 2
        else:
            c_out = VGG19_CHANNELS[int(name[len("block")]) - 1]
            flops += 2 * height * width * 3 * 3 * c_in * c_out
            c_in = c_out
    return flops


# The probe's pair: square, offline (both ship with scikit-image), and the pair NOTEBOOK_STEPS
# was counted with; a step's time depends on the content's pixels, not on the style.
PROBE_CONTENT, PROBE_STYLE = "astronaut", "hubble_deep_field"


def measure_step(config, content=PROBE_CONTENT, style=PROBE_STYLE, steps=3):
    """(median seconds of a step of `config` at its max_dim after one for tracing, its pixels).

    A step is an Adam step, or one cost-and-gradient evaluation for L-BFGS: the traced
    function the run itself will call, so a run right after it does not trace again.
    """
    content, style = as_image(content, config.max_dim), as_image(style, config.max_dim)
    problem = StyleTransfer(content, style, config)
    if config.optimizer == "lbfgs":
        value_and_grad = traced_value_and_grad(problem.spec, problem.extractor)
        step = lambda: value_and_grad(content, problem.targets, problem.weights)[0]  # noqa: E731
    else:
        state = AdamState.zeros(content.shape)
        step = lambda: adam_step(problem, content, state, config)[2]  # noqa: E731
    times = []
    for k in range(steps + 1):
        start = time.perf_counter()
        float(step()["total"])  # wait for the step
        if k:
            times.append(time.perf_counter() - start)
    return statistics.median(times), content.shape[1] * content.shape[2]


def notebook_steps(number, precision="auto"):
    """Notebook `number`'s count of probe steps on the path `precision` resolves to here."""
    if resolve_precision(precision) == "bfloat16" and number in NOTEBOOK_STEPS_BFLOAT16:
        return NOTEBOOK_STEPS_BFLOAT16[number]
    return NOTEBOOK_STEPS[number]


class Probe:
    """A step measured at one size (the probe's pair, PROBE_CONTENT and PROBE_STYLE), and estimates for other runs from it.

    step: the median seconds of a step at `size` px; fixed: the part of it that does not
    grow with the pixels (Python, the optimizer's bookkeeping), from a second measurement
    at half the size, so that a smaller picture is not predicted too fast.
    """

    fixed = 0.0

    def __init__(self, size=256, config=None):
        self.config = (config or Config()).replace(max_dim=size)
        self.size = size
        self.step, self.pixels = measure_step(self.config)
        half = size // 2
        if half >= 64:  # smaller, VGG-19's deepest layers have hardly a pixel left
            half_step, half_pixels = measure_step(self.config.replace(max_dim=half))
            per_pixel = max(self.step - half_step, 0.0) / max(self.pixels - half_pixels, 1)
            self.fixed = min(max(self.step - per_pixel * self.pixels, 0.0), half_step)

    def step_seconds(self, pixels):
        """A step's seconds on a picture of `pixels` pixels: a fixed part and one that grows with them."""
        return self.fixed + (self.step - self.fixed) * pixels / self.pixels

    def seconds(self, steps, size=None, runs=1, optimizer="adam", image=None, layers=None):
        """The estimated seconds of `runs` runs of `steps` steps at `size` (its longest side).

        image: the picture (1, H, W, 3), at any size, or None for a square: a picture of
        other proportions has fewer pixels (a 2:1 one, half a square's). With `layers`, one
        run per layer, each through VGG-19 up to that layer only.
        """
        size = size or self.size
        per_step = self.step_seconds(size * size * _square_share(image))
        if layers:
            side = self.size  # the shares barely depend on the size; the probe's own is at hand
            full = forward_flops(max(self.config.layer_names, key=LAYER_NAMES.index), side, side)
            runs = sum(forward_flops(layer, side, side) for layer in layers) / full
        return runs * steps * per_step * (LBFGS_EVALUATIONS if optimizer == "lbfgs" else 1.0)

    def run_seconds(self, config, image=None):
        """The estimated seconds of a run of `config` on `image` (as in seconds): every size of
        its plan, or its time budget."""
        if config.time_budget:
            return config.time_budget
        return sum(self.seconds(s.steps, s.size, optimizer=config.optimizer, image=image) for s in plan(config))

    def describe(self, steps, size=None, runs=1, optimizer="adam", image=None, layers=None):
        """'5 runs of 300 steps at 512 px: about 4 min here (a step at 256 px takes 0.82 s on this machine)'."""
        size = size or self.size
        unit = "iterations" if optimizer == "lbfgs" else "steps"
        n = len(layers) if layers else runs
        what = f"{n} runs of {steps} {unit}" if n > 1 else f"{steps} {unit}"
        if layers:
            what += f" (VGG-19 cut at {layers[0]}" + (f" … {layers[-1]})" if n > 1 else ")")
        device = "this GPU" if tf.config.list_physical_devices("GPU") else "this machine's CPU"
        seconds = self.seconds(steps, size, runs, optimizer, image, layers)
        return (f"{what} at {size} px: about {format_seconds(seconds)} "
                f"here (a step at {self.size} px takes {self.step:.2f} s on {device}, measured)")

    def say(self, steps, size=None, runs=1, optimizer="adam", image=None, what="This cell", layers=None):
        """Print describe(): a long cell's estimate, before it runs."""
        print(f"{what}: {self.describe(steps, size, runs, optimizer, image, layers)}.")

    def notebook_seconds(self, number):
        """The estimated computing seconds of notebook `number` ("05") at the students' sizes."""
        return notebook_steps(number, self.config.precision) * self.step_seconds(256 * 256)  # steps at 256 px

    def say_notebook(self, number):
        """Print, at a notebook's top, how long it computes here at the students' sizes."""
        took = format_seconds(self.notebook_seconds(number))
        where = "this GPU" if tf.config.list_physical_devices("GPU") else "this machine's CPU"
        line = (f"This notebook computes for about {took} on {where} at the students' sizes, all cells "
                f"together (measured here: a step at {self.size} px takes {self.step:.2f} s).")
        if QUICK:
            line += " Quick mode (NSTLIB_QUICK=1): smaller pictures, much less."
        print(line)


def _square_share(image):
    """H·W / (longest side)² of a (1, H, W, 3) image (1 for None): the share of a square's
    pixels it has (a 2:1 picture at 512 px has half the pixels of a 512 × 512 one)."""
    if image is None:
        return 1.0
    height, width = image.shape[1], image.shape[2]
    return height * width / max(height, width) ** 2


def announce(config, content, probe_size=256):
    """One line, before a run: what it will do and about how long it will take here."""
    size = min(probe_size, config.max_dim)
    probe = Probe(size, config)
    picture = as_image(content, size)
    stages = plan(config)
    unit = "L-BFGS iterations" if config.optimizer == "lbfgs" else "Adam steps"
    what = " then ".join(f"{s.steps} at {s.size} px" for s in stages) if not config.time_budget else \
        " then ".join(f"{s.size} px" for s in stages)
    took = (f"within its time budget of {format_seconds(config.time_budget)}" if config.time_budget else
            f"about {format_seconds(probe.run_seconds(config, picture))} on this machine")
    return f"{unit}: {what}, {took} (a step at {size} px takes {probe.step:.2f} s here)."
