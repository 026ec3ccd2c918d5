"""A network that paints in one pass against the `fast` optimization (issue 25), side by side.

    python benchmarks/feedforward.py                       # 256, 512, 1024 px (about 15 min on 2 cores)
    python benchmarks/feedforward.py --sizes 256,512 --out /tmp/pictures --json
    python benchmarks/feedforward.py --quick               # a smoke test: small sizes

For each size, on a photo the network never saw in training (golden_gate_bridge, held out
by nstlib.feedforward.photos):

- the network's forward pass: the median of 3 timed passes after a warm-up (the first pass
  traces the graph); the painting itself through ``nstlib.feedforward.network.paint``;
- the ``fast`` optimization (`nst stylize`'s default preset: L-BFGS, 50 steps) of the same
  photo in the network's style, timed once, whole (targets, tracing, steps), after a
  warm-up that loads VGG-19 (as the network's time leaves out loading the network);
- their ratio, and the yardstick (benchmarks/yardstick.py) of both pictures: the style
  ratio (lower: more painted) and the content distance (lower: more faithful), with the
  network's over fast's;
- with --commands, the whole commands a user types, timed from the shell's side (Python's
  start, TensorFlow's import, the weights, the picture saved): `nst stylize PHOTO --network
  NAME --size S` against `nst stylize PHOTO STYLE --size S` (the fast preset).

The network is a shipped one by its style's name or a .nstnet file; its style is the one
recorded in the file.
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
from machine import describe  # noqa: E402
from yardstick import Yardstick  # noqa: E402

from nstlib import load_example, save_image, stylize  # noqa: E402
from nstlib.extensions.presets import preset  # noqa: E402
from nstlib.feedforward.network import paint  # noqa: E402
from nstlib.feedforward.storage import load_network  # noqa: E402


def forward_seconds(net, image, repeats=3):
    """Median seconds of one forward pass (after a warm-up that traces it), and the painting."""
    painted = paint(net, image).numpy()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        painted = paint(net, image).numpy()
        times.append(time.perf_counter() - start)
    return statistics.median(times), painted


def measure(net, style, photo, size, out=None):
    """One row: the network's and fast's seconds and yardsticks at `size` px."""
    image = load_example(photo, max_dim=size)  # (1, H, W, 3)
    net_seconds, painted = forward_seconds(net, image)
    start = time.perf_counter()
    result = stylize(image, style, preset("fast", max_dim=size), progress=False)
    fast_seconds = time.perf_counter() - start
    judge = Yardstick(image, style, size=size)
    net_score, fast_score = judge(painted), judge(result.best_image)
    if out:
        save_image(painted, os.path.join(out, f"{photo}_{size}_network.png"), overwrite=True)
        save_image(result.best_image, os.path.join(out, f"{photo}_{size}_fast.png"), overwrite=True)
    return {"size": size, "shape": list(image.shape[1:3]), "network_seconds": net_seconds,
            "fast_seconds": fast_seconds, "speed_up": fast_seconds / net_seconds,
            "network": net_score, "fast": fast_score,
            "style_ratio_vs_fast": net_score["style_ratio"] / fast_score["style_ratio"],
            "content_distance_vs_fast": net_score["content_distance"] / fast_score["content_distance"]}


def command_seconds(argv):
    """Wall seconds of `python -m nstlib ARGV` in a fresh process, as a user's shell sees it."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "nstlib", *argv], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"nst {' '.join(argv)} failed: {done.stderr.strip()}")
    return time.perf_counter() - start


def commands(network, style, photo, sizes):
    """{size: (seconds of nst stylize --network, seconds of nst stylize with the fast preset)}."""
    times = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            net = command_seconds(["stylize", photo, "--network", network, "--size", str(size), "--quiet",
                                   "-o", os.path.join(folder, f"net{size}.png")])
            fast = command_seconds(["stylize", photo, style, "--size", str(size), "--quiet",
                                    "-o", os.path.join(folder, f"fast{size}.png")])
            times[size] = (net, fast)
    return times


def command_table(times):
    lines = ["| size | `nst stylize --network` (s) | `nst stylize` (s) | ratio |", "|---|---|---|---|"]
    lines += [f"| {size} px | {net:.1f} | {fast:.1f} | {fast / net:.0f}x |" for size, (net, fast) in times.items()]
    return "\n".join(lines)


def table(rows):
    lines = ["| size | network forward (s) | fast (s) | fast / network | style ratio: network, fast, "
             "network / fast | content distance: network / fast |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['size']} px ({r['shape'][1]}x{r['shape'][0]}) | {r['network_seconds']:.3f} | "
                     f"{r['fast_seconds']:.1f} | {r['speed_up']:.0f}x | {r['network']['style_ratio']:.3f}, "
                     f"{r['fast']['style_ratio']:.3f}, {r['style_ratio_vs_fast']:.2f} | "
                     f"{r['content_distance_vs_fast']:.2f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--network", default="van_gogh_the_starry_night", help="a shipped network's name or a .nstnet")
    parser.add_argument("--photo", default="golden_gate_bridge", help="a content example the network never saw")
    parser.add_argument("--sizes", default="256,512,1024")
    parser.add_argument("--quick", action="store_true", help="sizes 96,128: a smoke test")
    parser.add_argument("--out", help="save both pictures of each size into this folder")
    parser.add_argument("--commands", action="store_true", help="also time the whole nst stylize commands")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sizes = [96, 128] if args.quick else [int(s) for s in args.sizes.split(",")]
    net = load_network(args.network)
    style = load_example(net.meta["style"], max_dim=512)
    stylize(load_example(args.photo, max_dim=96), style, preset("fast", max_dim=96, steps=2), progress=False)
    # ^ a warm-up: VGG-19's weights loaded and its extractor built once, as the network was
    rows = [measure(net, style, args.photo, size, args.out) for size in sizes]
    report = {"machine": describe(), "network": args.network, "architecture": net.architecture,
              "style": net.meta["style"], "photo": args.photo, "rows": rows}
    if args.commands:
        report["commands"] = commands(args.network, net.meta["style"], args.photo, sizes)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(f"{report['machine']}\nnetwork {args.network} {net.architecture}, photo {args.photo} "
              f"(held out of training)\n\n{table(rows)}")
        if args.commands:
            print(f"\nThe whole commands, each in a fresh process:\n\n{command_table(report['commands'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
