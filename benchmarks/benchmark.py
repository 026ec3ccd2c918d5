"""Speed and memory of nstlib's training loop beside a loop written as TensorFlow's tutorial.

    python benchmarks/benchmark.py              # the Markdown table (about 15 minutes on 2 CPU cores)
    python benchmarks/benchmark.py --json       # the same as JSON
    python benchmarks/benchmark.py --quick      # small sizes, a smoke test of the script

Both loops run in this process on the same images (astronaut, Hubble Deep Field) and
sizes. Rows:
- seconds per step at 256 and 512 px (median of timed steps after a warm-up), the
  ratio nstlib / tutorial, FLOPs per step from the layer shapes (forward to the deepest
  layer used, plus the gradient with respect to the input: about twice the forward),
  and the achieved GFLOP/s beside this machine's measured matmul and 3x3 convolution
  peaks (float32 and bfloat16);
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
import platform
import resource
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from nstlib import import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()
import tensorflow as tf  # noqa: E402

from nstlib import load_example, stylize  # noqa: E402
from nstlib.config import LAYER_NAMES  # noqa: E402
from nstlib.io.weights import load_vgg19  # noqa: E402
from nstlib.extensions.presets import preset  # noqa: E402

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
    vgg, flops, h, w = load_vgg19(), 0, height, width
    for name in LAYER_NAMES[: LAYER_NAMES.index(deepest) + 1]:
        if name.endswith("pool"):
            h, w = h // 2, w // 2
        else:
            kh, kw, c_in, c_out = vgg.get_layer(name).kernel.shape
            flops += 2 * h * w * kh * kw * c_in * c_out
    return 2 * flops


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


def nstlib_step(content, style, config):
    """A step of nstlib's loop (the function stylize runs), for timing."""
    from nstlib import StyleTransfer
    from nstlib.core.loop import make_adam_step, make_optimizer

    problem = StyleTransfer(content, style, config)
    image = tf.Variable(content)
    step = make_adam_step(problem, image, make_optimizer(config), config.jit_compile)
    return lambda: step()[1]["total"]


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
    code = (
        "import sys, resource; sys.path.insert(0, %r); import benchmark as b; "
        "c, s = b.images(%d); "
        "step = b.TutorialLoop(c, s).train_step if %r == 'tutorial' else b.nstlib_step(c, s, b.NSTLIB_DEFAULT.replace(max_dim=%d)); "
        "[float(step()) for _ in range(3)]; "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    ) % (os.path.dirname(os.path.abspath(__file__)), size, which, size)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ)
    if out.returncode != 0:
        return None
    return float(out.stdout.strip().splitlines()[-1])


from nstlib.config import Config  # noqa: E402

NSTLIB_DEFAULT = Config()  # what a user gets by default


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    ap.add_argument("--quick", action="store_true", help="small sizes and few steps (checks the script)")
    args = ap.parse_args()
    sizes = (64, 128) if args.quick else (256, 512)
    ttc_size, ttc_steps = (64, 20) if args.quick else (256, 500)
    mem_sizes = (128,) if args.quick else (512, 1024)

    rows, peaks = [], {d: peak_gflops(d) for d in ("float32", "bfloat16")}
    for size in sizes:
        content, style = images(size)
        tut = seconds_per_step(TutorialLoop(content, style).train_step)
        ours = seconds_per_step(nstlib_step(content, style, NSTLIB_DEFAULT.replace(max_dim=size)))
        h, w = content.shape[1:3]
        f_tut = step_flops(h, w, "block5_conv2")
        f_ours = step_flops(h, w, max(NSTLIB_DEFAULT.layer_names, key=LAYER_NAMES.index))
        rows.append({"size": size, "tutorial_s_per_step": tut, "nstlib_s_per_step": ours, "ratio": ours / tut,
                     "tutorial_gflop_per_step": f_tut / 1e9, "nstlib_gflop_per_step": f_ours / 1e9,
                     "tutorial_gflops": f_tut / tut / 1e9, "nstlib_gflops": f_ours / ours / 1e9})

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

    same = same_picture(ttc_size, 20 if args.quick else 200)
    memory = [{"size": s, "tutorial_mb": peak_memory_mb(s, "tutorial"), "nstlib_mb": peak_memory_mb(s, "nstlib")} for s in mem_sizes]
    report = {"machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, TensorFlow {tf.__version__}, "
                         f"{'GPU' if tf.config.list_physical_devices('GPU') else 'CPU'}",
              "peaks_gflops": peaks, "per_step": rows, "time_to_cost": ttc, "same_picture": same, "memory": memory}
    print(json.dumps(report, indent=2) if args.json else markdown(report))


def markdown(r):
    p = r["peaks_gflops"]
    out = [f"Machine: {r['machine']}. Peaks: matmul {p['float32']['matmul']:.0f} GFLOP/s (float32), "
           f"{p['bfloat16']['matmul']:.0f} (bfloat16); 3x3 conv {p['float32']['conv3x3']:.0f} (float32), "
           f"{p['bfloat16']['conv3x3']:.0f} (bfloat16).", "",
           "| size | tutorial s/step | nstlib s/step | ratio | GFLOP/step (tutorial, nstlib) | GFLOP/s (tutorial, nstlib) |",
           "|---|---|---|---|---|---|"]
    for row in r["per_step"]:
        out.append(f"| {row['size']} px | {row['tutorial_s_per_step']:.3f} | {row['nstlib_s_per_step']:.3f} | {row['ratio']:.2f} | "
                   f"{row['tutorial_gflop_per_step']:.0f}, {row['nstlib_gflop_per_step']:.0f} | "
                   f"{row['tutorial_gflops']:.0f}, {row['nstlib_gflops']:.0f} |")
    t = r["time_to_cost"]
    out += ["", f"Time to reach the tutorial loop's cost after {t['tutorial_steps']} steps at {t['size']} px "
                f"({t['target_cost']:.4g}, the tutorial's cost function): tutorial {t['tutorial_seconds']:.1f} s.", "",
            "| loop | seconds | steps | ratio to the tutorial |", "|---|---|---|---|"]
    for name, v in t.items():
        if isinstance(v, dict):
            secs = "not reached" if v["seconds"] is None else f"{v['seconds']:.1f}"
            ratio = "" if v["ratio"] is None else f"{v['ratio']:.2f}"
            out.append(f"| {name} | {secs} | {v['steps']} | {ratio} |")
    sp = r["same_picture"]
    out += ["", f"Same picture? nstlib's default run, {sp['steps']} steps at {sp['size']} px, in float32 and in "
                f"{sp['precision']}: the tutorial's cost {sp['tutorial_cost_float32']:.4g} vs {sp['tutorial_cost_default']:.4g}, "
                f"mean absolute pixel difference {sp['mean_abs_pixel_difference']:.4f} (pixels in [0, 1])."]
    out += ["", "| size | peak memory, tutorial | peak memory, nstlib |", "|---|---|---|"]
    for m in r["memory"]:
        fmt = lambda x: "failed" if x is None else f"{x / 1024:.2f} GB"  # noqa: E731
        out.append(f"| {m['size']} px | {fmt(m['tutorial_mb'])} | {fmt(m['nstlib_mb'])} |")
    return "\n".join(out)


if __name__ == "__main__":
    main()
