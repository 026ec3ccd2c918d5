"""Speed and memory of nstlib's training loop beside a loop written as TensorFlow's tutorial.

    python benchmarks/benchmark.py              # the Markdown tables (about 25 minutes on 2 CPU cores)
    python benchmarks/benchmark.py --json       # the same as JSON
    python benchmarks/benchmark.py --quick      # small sizes, a smoke test of the script
    python benchmarks/benchmark.py --parts per_step,cli   # only those tables (about 8 minutes)

Both loops run on the same images (astronaut, Hubble Deep Field) and sizes. Rows:
- the machine (benchmarks/machine.py): CPU model, instruction sets, precision path;
- seconds per step at 256 and 512 px in this process (median of timed steps after a
  warm-up): the tutorial's, main's before this release (TensorFlow's gradient kernels),
  this release's, with the ratios to the tutorial's and the achieved GFLOP/s (FLOPs
  per step from the layer shapes) beside this machine's measured matmul and 3x3
  convolution peaks (float32 and bfloat16);
- seconds per step through the command line at 512 px: the difference of a 12-step and a
  4-step run of `nst stylize --preset plain` and of the tutorial's loop as a script;
- the time to reach the cost the tutorial's loop reaches after 500 steps at 256 px,
  both measured with the tutorial's cost function (nstlib runs its "tf-tutorial"
  preset, which is that cost, with its own optimizer choices);
- peak memory (resident set) of a few steps at each size, each in a fresh process.

The tutorial's loop is https://www.tensorflow.org/tutorials/generative/style_transfer
(StyleContentModel, gram_matrix / (H W), style weight 1e-2, content weight 1e4, total
variation weight 30, Adam(0.02, beta_1=0.99, epsilon=0.1)), written here as it is there.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nstlib import import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()
import tensorflow as tf  # noqa: E402
from machine import describe  # noqa: E402

from nstlib import load_example, stylize  # noqa: E402
from nstlib.config import LAYER_NAMES  # noqa: E402
from nstlib.extensions.presets import preset  # noqa: E402
from nstlib.io.weights import load_vgg19  # noqa: E402
from nstlib.timing import forward_flops  # noqa: E402

CONTENT_LAYERS = ["block5_conv2"]
STYLE_LAYERS = [f"block{i}_conv1" for i in range(1, 6)]


# --- The tutorial's loop, as the tutorial writes it --------------------------------------
def gram_matrix(input_tensor):
    result = tf.linalg.einsum("bijc,bijd->bcd", input_tensor, input_tensor)
    input_shape = tf.shape(input_tensor)
    num_locations = tf.cast(input_shape[1] * input_shape[2], tf.float32)
    return result / num_locations


class TutorialLoop:
    def __init__(self, content, style):
        vgg = load_vgg19()  # the same Keras VGG-19 and weights as keras.applications'
        outputs = [vgg.get_layer(n).output for n in STYLE_LAYERS + CONTENT_LAYERS]
        self.vgg = tf.keras.Model([vgg.input], outputs)
        self.vgg.trainable = False
        self.style_targets = self.extract(style)["style"]
        self.content_targets = self.extract(content)["content"]
        self.image = tf.Variable(content)
        self.opt = tf.keras.optimizers.Adam(learning_rate=0.02, beta_1=0.99, epsilon=1e-1)
        self.train_step = tf.function(self._train_step)

    def extract(self, inputs):
        outputs = self.vgg(tf.keras.applications.vgg19.preprocess_input(inputs * 255.0))
        style_outputs, content_outputs = outputs[: len(STYLE_LAYERS)], outputs[len(STYLE_LAYERS):]
        return {
            "content": dict(zip(CONTENT_LAYERS, content_outputs)),
            "style": dict(zip(STYLE_LAYERS, [gram_matrix(s) for s in style_outputs])),
        }

    def loss(self, image):
        outputs = self.extract(image)
        style_loss = tf.add_n([tf.reduce_mean((outputs["style"][n] - self.style_targets[n]) ** 2) for n in STYLE_LAYERS])
        style_loss *= 1e-2 / len(STYLE_LAYERS)
        content_loss = tf.add_n([tf.reduce_mean((outputs["content"][n] - self.content_targets[n]) ** 2) for n in CONTENT_LAYERS])
        content_loss *= 1e4 / len(CONTENT_LAYERS)
        return style_loss + content_loss + 30 * tf.reduce_sum(tf.image.total_variation(image))

    def _train_step(self):
        with tf.GradientTape() as tape:
            loss = self.loss(self.image)
        grad = tape.gradient(loss, self.image)
        self.opt.apply_gradients([(grad, self.image)])
        self.image.assign(tf.clip_by_value(self.image, 0.0, 1.0))
        return loss


# --- Measurements --------------------------------------------------------------------------
def images(size):
    return load_example("astronaut", max_dim=size), load_example("hubble_deep_field", max_dim=size)


def step_flops(height, width, deepest):
    """FLOPs of one step: the convolutions forward to `deepest`, and the gradient w.r.t. the input (~2x)."""
    return 2 * forward_flops(deepest, height, width)


def peak_gflops(dtype, repeats=5):
    """Measured matmul (4096^2) and 3x3 convolution (64x64x256 -> 256) throughput in GFLOP/s."""
    a = tf.random.normal((4096, 4096), dtype=tf.float32)
    x = tf.random.normal((1, 64, 64, 256))
    k = tf.random.normal((3, 3, 256, 256))
    a, x, k = tf.cast(a, dtype), tf.cast(x, dtype), tf.cast(k, dtype)
    out = {}
    for name, fn, flops in (
        ("matmul", lambda: tf.matmul(a, a), 2 * 4096**3),
        ("conv3x3", lambda: tf.nn.conv2d(x, k, 1, "SAME"), 2 * 64 * 64 * 9 * 256 * 256),
    ):
        fn().numpy()
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            fn().numpy()
            times.append(time.perf_counter() - t)
        out[name] = flops / min(times) / 1e9
    return out


def seconds_per_step(step, warmup=3, timed=10):
    for _ in range(warmup):
        float(step())
    times = []
    for _ in range(timed):
        t = time.perf_counter()
        float(step())
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def nstlib_step(content, style, config, gradient="auto"):
    """A step of nstlib's loop (the traced function stylize runs), for timing.

    gradient: the extractor's input gradient, "auto" (this release: measured), "tensorflow"
    (TensorFlow's own kernels, as main computed it before) or "forward".
    """
    from nstlib import StyleTransfer
    from nstlib.core.adam import AdamState
    from nstlib.core.loop import adam_step
    from nstlib.core.vgg import FeatureExtractor

    extractor = FeatureExtractor(config.layer_names, pooling=config.pooling, preprocess=config.preprocess,
                                 precision=config.precision, input_gradient=gradient)
    problem = StyleTransfer(content, style, config, extractor)
    state = {"image": content, "adam": AdamState.zeros(content.shape)}

    def step():
        state["image"], state["adam"], costs = adam_step(problem, state["image"], state["adam"], config)
        return costs["total"]

    return step


def cli_seconds_per_step(size, command, short=4, long=12):
    """Seconds per step of a command line, from the difference of a long and a short run
    (both pay the same start-up: Python, TensorFlow, the weights, tracing)."""
    times = {}
    for n in (short, long):
        start = time.perf_counter()
        subprocess.run(command(size, n), check=True, capture_output=True, env=os.environ)
        times[n] = time.perf_counter() - start
    return (times[long] - times[short]) / (long - short)


def nst_command(size, steps):
    out = os.path.join(tempfile.mkdtemp(), "out.png")
    return [sys.executable, "-m", "nstlib", "stylize", "--preset", "plain", "--size", str(size),
            "--steps", str(steps), "--quiet", "-o", out]


def tutorial_command(size, steps):
    return [sys.executable, os.path.abspath(__file__), "--tutorial-steps", str(steps), "--tutorial-size", str(size)]


def time_to_cost(content, style, target, config, limit, judge, coarse=None):
    """Seconds for nstlib to bring the tutorial's cost, judge(image), to `target`.

    nstlib's own cost is the same function (its tf-tutorial preset) but may run in
    bfloat16 (within 1 % of float32), so when it comes within 2 % of the target the
    tutorial's float32 cost decides. coarse: (size, steps) of a first run whose result
    starts the real one (coarse to fine); its time counts. Returns (seconds or None
    within `limit`, steps at the final size).
    """
    reached = {}
    start = time.perf_counter()
    init = None
    if coarse is not None:
        size, steps = coarse
        init = stylize(content, style, config.replace(max_dim=size, steps=steps), progress=False).best_image

    def callback(step, image, costs):
        if costs["total"] <= 1.02 * target and float(judge(image)) <= target:
            reached["t"], reached["step"] = time.perf_counter() - start, step
            return True
        return time.perf_counter() - start > limit

    r = stylize(content, style, config, callback=callback, callback_every=1, progress=False, init_image=init)
    return reached.get("t"), reached.get("step", r.steps_done)


def same_picture(size, steps):
    """nstlib's default run in float32 and in its default precision: the tutorial's cost
    of each result and their mean absolute pixel difference (0 to 1)."""
    content, style = images(size)
    judge = TutorialLoop(content, style).loss
    out = {}
    for precision in ("float32", NSTLIB_DEFAULT.precision):
        r = stylize(content, style, NSTLIB_DEFAULT.replace(max_dim=size, steps=steps, precision=precision), progress=False)
        out[precision] = r.best_image
    a, b = out["float32"], out[NSTLIB_DEFAULT.precision]
    return {"size": size, "steps": steps, "precision": NSTLIB_DEFAULT.precision,
            "tutorial_cost_float32": float(judge(a)), "tutorial_cost_default": float(judge(b)),
            "mean_abs_pixel_difference": float(tf.reduce_mean(tf.abs(a - b)))}


def peak_memory_mb(size, which):
    """Peak resident memory (MB) of a fresh process doing a few steps at `size`."""
    here = os.path.dirname(os.path.abspath(__file__))
    step = ("b.TutorialLoop(c, s).train_step" if which == "tutorial"
            else f"b.nstlib_step(c, s, b.NSTLIB_DEFAULT.replace(max_dim={size}))")
    code = (
        f"import sys, resource; sys.path.insert(0, {here!r}); import benchmark as b; "
        f"c, s = b.images({size}); step = {step}; "
        "[float(step()) for _ in range(3)]; "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ)
    if out.returncode != 0:
        return None
    return float(out.stdout.strip().splitlines()[-1])


from nstlib.config import Config  # noqa: E402

NSTLIB_DEFAULT = Config()  # what a user gets by default
PARTS = ("per_step", "cli", "tracing", "time_to_cost", "same_picture", "memory")  # the tables, in order


def per_step_rows(sizes):
    """In process, the same images: the tutorial's step, main's (TensorFlow's input
    gradient), this release's (the measured choice), at each size."""
    rows = []
    for size in sizes:
        content, style = images(size)
        tut = seconds_per_step(TutorialLoop(content, style).train_step)
        main_step = seconds_per_step(nstlib_step(content, style, NSTLIB_DEFAULT.replace(max_dim=size), "tensorflow"))
        ours = seconds_per_step(nstlib_step(content, style, NSTLIB_DEFAULT.replace(max_dim=size)))
        h, w = content.shape[1:3]
        f_tut = step_flops(h, w, "block5_conv2")
        f_ours = step_flops(h, w, max(NSTLIB_DEFAULT.layer_names, key=LAYER_NAMES.index))
        rows.append({"size": size, "tutorial_s_per_step": tut, "main_s_per_step": main_step,
                     "nstlib_s_per_step": ours, "ratio": ours / tut, "main_ratio": main_step / tut,
                     "tutorial_gflops": f_tut / tut / 1e9, "nstlib_gflops": f_ours / ours / 1e9})
    return rows


def time_to_cost_rows(ttc_size, ttc_steps):
    content, style = images(ttc_size)
    tutorial = TutorialLoop(content, style)
    start = time.perf_counter()
    for _ in range(ttc_steps):
        tutorial.train_step()
    tut_time = time.perf_counter() - start
    target = float(tutorial.loss(tutorial.image))
    ttc = {"size": ttc_size, "tutorial_steps": ttc_steps, "tutorial_seconds": tut_time, "target_cost": target}
    adam = preset("tf-tutorial", max_dim=ttc_size, steps=10 * ttc_steps)
    lbfgs = adam.replace(optimizer="lbfgs")
    coarse = (max(ttc_size // 2, 48), ttc_steps // 10)  # 128 px, 50 iterations
    for name, cfg, start in (
        ("nstlib tf-tutorial preset, Adam", adam, None),
        ("nstlib tf-tutorial preset, L-BFGS", lbfgs, None),
        (f"nstlib tf-tutorial preset, L-BFGS from {coarse[0]} px ({coarse[1]} iterations)", lbfgs, coarse),
    ):
        seconds, steps = time_to_cost(content, style, target, cfg, limit=3 * tut_time, judge=tutorial.loss, coarse=start)
        ttc[name] = {"seconds": seconds, "steps": steps, "ratio": None if seconds is None else seconds / tut_time}
    return ttc


def tracing_rows(size, steps=3):
    """Seconds of short stylize() calls in one process: the first traces the step; later ones
    reuse it, at the same size and at another (the step is traced for any image size); the
    last clears the cache of traced steps first, as every call did before this release."""
    from nstlib.core import loop

    content, style = "astronaut", "hubble_deep_field"  # loaded at each call's size
    config = NSTLIB_DEFAULT.replace(max_dim=size, steps=steps)
    other = max(size // 2, 96)
    loop.traced_adam_step.cache_clear()

    def timed(what, cfg, clear=False):
        if clear:
            loop.traced_adam_step.cache_clear()
        start = time.perf_counter()
        stylize(content, style, cfg, progress=False)
        return {"call": what, "seconds": time.perf_counter() - start}

    return [timed("first call (builds VGG-19 and traces the step)", config),
            timed("again, the same size", config),
            timed(f"another size ({other} px)", config.replace(max_dim=other)),
            timed("again, the cache cleared first (every call before this release)", config, clear=True)]


def run_tutorial(size, steps):
    """The tutorial's loop as a script does it: load, build, `steps` steps (for the CLI rows)."""
    content, style = images(size)
    loop = TutorialLoop(content, style)
    for _ in range(steps):
        float(loop.train_step())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    ap.add_argument("--quick", action="store_true", help="small sizes and few steps (checks the script)")
    ap.add_argument("--parts", default=",".join(PARTS),
                    help=f"comma-separated tables to measure, of {', '.join(PARTS)} (default: all)")
    ap.add_argument("--tutorial-steps", type=int, help=argparse.SUPPRESS)  # the CLI rows' tutorial script
    ap.add_argument("--tutorial-size", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.tutorial_steps:
        return run_tutorial(args.tutorial_size, args.tutorial_steps)
    sizes = (64, 128) if args.quick else (256, 512)
    ttc_size, ttc_steps = (64, 20) if args.quick else (256, 500)
    mem_sizes = (128,) if args.quick else (512, 1024)
    parts = args.parts.split(",")
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        sys.exit(f"benchmark.py: no table {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    report = {"machine": describe(), "peaks_gflops": {d: peak_gflops(d) for d in ("float32", "bfloat16")}}
    if "per_step" in parts:
        report["per_step"] = per_step_rows(sizes)
    if "cli" in parts:
        report["cli"] = [{"size": size, "tutorial": cli_seconds_per_step(size, tutorial_command),
                          "nstlib": cli_seconds_per_step(size, nst_command)} for size in sizes[-1:]]
    if "tracing" in parts:
        report["tracing"] = tracing_rows(sizes[0])
    if "time_to_cost" in parts:
        report["time_to_cost"] = time_to_cost_rows(ttc_size, ttc_steps)
    if "same_picture" in parts:
        report["same_picture"] = same_picture(ttc_size, 20 if args.quick else 200)
    if "memory" in parts:
        report["memory"] = [{"size": s, "tutorial_mb": peak_memory_mb(s, "tutorial"), "nstlib_mb": peak_memory_mb(s, "nstlib")}
                            for s in mem_sizes]
    print(json.dumps(report, indent=2) if args.json else markdown(report))


def markdown(r):
    p = r["peaks_gflops"]
    out = [f"Machine: {r['machine']}.", "",
           f"Peaks: matmul {p['float32']['matmul']:.0f} GFLOP/s (float32), {p['bfloat16']['matmul']:.0f} (bfloat16); "
           f"3x3 conv {p['float32']['conv3x3']:.0f} (float32), {p['bfloat16']['conv3x3']:.0f} (bfloat16)."]
    for part in PARTS:
        if part in r:
            out += [""] + TABLES[part](r[part])
    return "\n".join(out)


def per_step_table(rows):
    out = ["In process (median of timed steps after a warm-up):", "",
           "| size | tutorial s/step | main s/step (ratio) | this release s/step (ratio) | GFLOP/s (tutorial, this release) |",
           "|---|---|---|---|---|"]
    for row in rows:
        out.append(f"| {row['size']} px | {row['tutorial_s_per_step']:.3f} | {row['main_s_per_step']:.3f} "
                   f"({row['main_ratio']:.2f}) | {row['nstlib_s_per_step']:.3f} ({row['ratio']:.2f}) | "
                   f"{row['tutorial_gflops']:.0f}, {row['nstlib_gflops']:.0f} |")
    return out


def cli_table(rows):
    out = ["Through the command line (the difference of a 12-step and a 4-step run, start-up cancelled):", "",
           "| size | tutorial's loop as a script | nst stylize --preset plain | ratio |", "|---|---|---|---|"]
    for row in rows:
        out.append(f"| {row['size']} px | {row['tutorial']:.3f} s/step | {row['nstlib']:.3f} s/step | "
                   f"{row['nstlib'] / row['tutorial']:.2f} |")
    return out


def tracing_table(rows):
    out = [f"Tracing: {len(rows)} short runs of stylize() (Adam, 3 steps) in one process:", "",
           "| call | seconds |", "|---|---|"]
    return out + [f"| {r['call']} | {r['seconds']:.2f} |" for r in rows]


def time_to_cost_table(t):
    out = [f"Time to reach the tutorial loop's cost after {t['tutorial_steps']} steps at {t['size']} px "
           f"({t['target_cost']:.4g}, the tutorial's cost function): tutorial {t['tutorial_seconds']:.1f} s.", "",
           "| loop | seconds | steps | ratio to the tutorial |", "|---|---|---|---|"]
    for name, v in t.items():
        if isinstance(v, dict):
            secs = "not reached" if v["seconds"] is None else f"{v['seconds']:.1f}"
            ratio = "" if v["ratio"] is None else f"{v['ratio']:.2f}"
            out.append(f"| {name} | {secs} | {v['steps']} | {ratio} |")
    return out


def same_picture_table(sp):
    return [f"Same picture? nstlib's default run, {sp['steps']} steps at {sp['size']} px, in float32 and in "
            f"{sp['precision']}: the tutorial's cost {sp['tutorial_cost_float32']:.4g} vs {sp['tutorial_cost_default']:.4g}, "
            f"mean absolute pixel difference {sp['mean_abs_pixel_difference']:.4f} (pixels in [0, 1])."]


def memory_table(rows):
    def fmt(x):
        return "failed" if x is None else f"{x / 1024:.2f} GB"
    out = ["| size | peak memory, tutorial | peak memory, nstlib |", "|---|---|---|"]
    return out + [f"| {m['size']} px | {fmt(m['tutorial_mb'])} | {fmt(m['nstlib_mb'])} |" for m in rows]


TABLES = {"per_step": per_step_table, "cli": cli_table, "tracing": tracing_table, "time_to_cost": time_to_cost_table,
          "same_picture": same_picture_table, "memory": memory_table}


if __name__ == "__main__":
    main()
