"""Every schedule tried for the main job, judged by one yardstick, side by side in one run.

    python benchmarks/schedules.py                  # the default pair at 512 px (about 80 min on 2 cores)
    python benchmarks/schedules.py --pair golden_gate_bridge,van_gogh_the_starry_night
    python benchmarks/schedules.py --quick          # 96 px, few steps: checks the script
    python benchmarks/schedules.py --only fast,high --json
    python benchmarks/schedules.py --only fast,high --baseline main.json   # main's row from an earlier run
    python benchmarks/schedules.py --size 1024 --only high --reference fast  # ratios to fast; main not run

Each row runs nstlib's stylize with one Config on the same pair and size, in this
process, and reports its seconds (loading, tracing and every step), the ratio to the
first row's (today's main: the plain preset's 300 Adam steps, with TensorFlow's own
gradient kernels, as main computed them before this release; or the row --reference
names, where main would take too long), and the yardstick
(benchmarks/yardstick.py): the style ratio and the content distance, each marked ✓ when
it is no more than 10 % worse than the first row's. The pictures are saved in output/
(never over a file) to be looked at.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nstlib import import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()

from machine import describe  # noqa: E402
from yardstick import Yardstick  # noqa: E402

from nstlib import save_image, stylize  # noqa: E402
from nstlib.core.vgg import FeatureExtractor  # noqa: E402
from nstlib.extensions.presets import preset  # noqa: E402
from nstlib.io.output import new_output_path  # noqa: E402

# (name, what it is, the preset and its changes, the extractor's input gradient)
SCHEDULES = [
    ("main", "today's main: Adam, 300 steps (TensorFlow's gradient)", ("plain", {}), "tensorflow"),
    ("plain", "the same, with this release's step", ("plain", {}), "auto"),
    ("fast", "the new default: L-BFGS, 50 iterations, TV 1e5", ("fast", {}), "auto"),
    ("fast-30", "L-BFGS, 30 iterations", ("fast", {"steps": 30}), "auto"),
    ("fast-40", "L-BFGS, 40 iterations", ("fast", {"steps": 40}), "auto"),
    ("lbfgs-256-512", "L-BFGS 256 px (100) then 512 px (30), content detail", ("fast", {
        "min_size": 256, "coarse_steps": 100, "steps": 30, "detail": True}), "auto"),
    ("lbfgs-ladder", "L-BFGS 128, 256, 512 px (100, 100, 20)", ("fast", {
        "min_size": 128, "coarse_steps": 100, "steps": 20}), "auto"),
    ("adam-ladder", "Adam 128, 256, 512 px (150, 150, 30), fresh moments", ("plain", {
        "min_size": 128, "coarse_steps": 150, "steps": 30}), "auto"),
    ("adam-ladder-warm", "the same, moments carried over (resized)", ("plain", {
        "min_size": 128, "coarse_steps": 150, "steps": 30, "warm_start": True}), "auto"),
    ("adam-ema", "Adam 512 px, 80 steps at lr 0.05, averaged iterates (0.9)", ("plain", {
        "steps": 80, "learning_rate": 0.05, "ema": 0.9}), "auto"),
    ("high", "the high-quality preset (W2, 128 px up by √2, 256:64:16:4:1; 100 steps a size, 50 at the last, "
     "EMA 0.95)", ("high", {}), "auto"),
    ("high-150", "high before: 150 steps at the last size, EMA 0.99", ("high", {"steps": 150, "ema": 0.99}), "auto"),
    ("high-50-ema99", "high, 50 steps at the last size, EMA 0.99", ("high", {"ema": 0.99}), "auto"),
    ("high-coarse60", "high, 60 steps at each smaller size, EMA 0.99", ("high", {"coarse_steps": 60, "ema": 0.99}),
     "auto"),
]


def run(name, content, style, size, config, gradient, judge, quick):
    """One row: the run, its picture, its yardstick."""
    if quick:
        config = config.replace(steps=min(config.steps, 4), coarse_steps=min(config.coarse_steps, 4))
    config = config.replace(max_dim=size, min_size=min(config.min_size, size // 2) if config.min_size else 0)
    extractor = FeatureExtractor(config.layer_names, pooling=config.pooling, preprocess=config.preprocess,
                                 precision=config.precision, input_gradient=gradient)
    start = time.perf_counter()
    result = stylize(content, style, config, extractor=extractor, progress=False)
    seconds = time.perf_counter() - start
    path = save_image(result.best_image, new_output_path(f"schedule_{name}_{content}_{style}.png"))
    return {"name": name, "seconds": seconds, "stages": result.stages, "picture": str(path), **judge(result.best_image)}


def markdown(rows, machine, pair, size):
    first = rows[0]
    out = [f"Machine: {machine}.", f"Pair: {pair[0]} in the style of {pair[1]}, {size} px.", "",
           f"| schedule | seconds | ratio to {first['name']} | style ratio | content distance | sizes × steps |",
           "|---|---|---|---|---|---|"]
    for row in rows:
        ok_s = "✓" if row["style_ratio"] <= 1.1 * first["style_ratio"] else "✗"
        ok_c = "✓" if row["content_distance"] <= 1.1 * first["content_distance"] else "✗"
        stages = " + ".join(f"{s}×{n}" for s, n, _ in row["stages"])
        out.append(f"| {row['what']} | {row['seconds']:.0f} | {row['seconds'] / first['seconds']:.2f} | "
                   f"{row['style_ratio']:.4f} {ok_s} | {row['content_distance']:.3g} {ok_c} | {stages} |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pair", default="astronaut,hubble_deep_field", help="CONTENT,STYLE (example names)")
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--only", help="comma-separated schedule names (the reference always runs first)")
    ap.add_argument("--reference", default="main", help="the row run first, that the others are compared to "
                    "(default main: 300 Adam steps, which at 1024 px take most of an hour on 2 cores)")
    ap.add_argument("--quick", action="store_true", help="96 px and at most 4 steps per size")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--baseline", help="a JSON file with main's row from an earlier run of this script (--json) "
                    "on the same kind of machine, pair and size: main is then not run again (it takes the longest)")
    args = ap.parse_args()
    content, style = args.pair.split(",")
    size = 96 if args.quick else args.size
    names = [n for n, *_ in SCHEDULES]
    if args.reference not in names:
        sys.exit(f"--reference {args.reference}: no such schedule; choose one of {', '.join(names)}")
    wanted = set(args.only.split(",")) | {args.reference} if args.only else None
    judge = Yardstick(content, style, size)
    rows = []
    if args.baseline:
        with open(args.baseline) as f:
            earlier = json.load(f)
        if earlier["pair"] != [content, style] or earlier["size"] != size:
            sys.exit(f"{args.baseline} is for {earlier['pair']} at {earlier['size']} px, not {[content, style]} at {size}")
        row = next((r for r in earlier["rows"] if r["name"] == args.reference), None)
        if row is None:
            sys.exit(f"{args.baseline} has no row {args.reference}; its rows: "
                     f"{', '.join(r['name'] for r in earlier['rows'])} (pick one with --reference)")
        rows.append({**row, "what": f"{row['what']} (an earlier run, {earlier.get('date', 'date not recorded')})"})
        wanted = (wanted or set(names)) - {args.reference}
    order = sorted(SCHEDULES, key=lambda schedule: schedule[0] != args.reference)  # the reference first
    for name, what, (base, changes), gradient in order:
        if wanted is None or name in wanted:
            row = run(name, content, style, size, preset(base, **changes), gradient, judge, args.quick)
            rows.append({**row, "what": what})
            print(f"{name}: {row['seconds']:.0f} s, style ratio {row['style_ratio']:.4f}, "
                  f"content distance {row['content_distance']:.3g}", file=sys.stderr, flush=True)
    report = {"machine": describe(), "date": time.strftime("%Y-%m-%d"), "pair": [content, style], "size": size,
              "rows": rows}
    print(json.dumps(report, indent=2) if args.json else markdown(rows, report["machine"], (content, style), size))


if __name__ == "__main__":
    main()
