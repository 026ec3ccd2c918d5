"""High resolution by coarse to fine: the time and peak memory of each size.

    python benchmarks/highres.py                       # 256, 512, 1024, 2048 px (about 10 minutes on 2 cores)
    python benchmarks/highres.py --sizes 64,128 --steps 5,3 --out /tmp/x.png   # a quick check

Runs `stylize_coarse_to_fine` on the bridge in the style of The Starry Night and prints
a Markdown table: per size, the steps, the seconds, the seconds per step and the
process's peak resident memory so far (sizes only grow, so it is that size's peak).
The result is saved (never over an existing file) so you can look at it.
"""

import argparse
import os
import resource
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from nstlib import import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()

from nstlib import next_free_path, save_image, stylize  # noqa: E402
from nstlib.config import Config  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--content", default="golden_gate_bridge")
    ap.add_argument("--style", default="van_gogh_the_starry_night")
    ap.add_argument("--sizes", default="256,512,1024,2048")
    ap.add_argument("--steps", default="150,80,40,15")
    ap.add_argument("--out", default="output/highres.png")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    steps = [int(s) for s in args.steps.split(",")]
    rows, previous = [], None
    for size, n in zip(sizes, steps):
        start = time.perf_counter()
        result = stylize(args.content, args.style, Config(max_dim=size, steps=n), init_image=previous, progress=False)
        seconds = time.perf_counter() - start
        peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        h, w = result.best_image.shape[1:3]
        rows.append(f"| {w}x{h} | {n} | {seconds:.0f} | {result.seconds_per_step:.2f} | {peak_gb:.1f} GB |")
        previous = result.best_image
    path = save_image(previous, next_free_path(args.out))
    print("| size | steps | seconds (with setup) | s/step | peak memory |\n|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"\nSaved {path}")


if __name__ == "__main__":
    main()
