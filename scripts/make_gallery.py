#!/usr/bin/env python
"""Render the README's gallery into images/gallery/, and print the Markdown that shows it.

    python scripts/make_gallery.py                        # every picture, 384 px, 200 steps
    python scripts/make_gallery.py --only bridge --only progress
    python scripts/make_gallery.py --size 96 --steps 5 --out /tmp/gallery   # a smoke test

Every picture is made by nstlib from the course's public-domain and CC0 examples (offline:
set NSTLIB_DATA_DIR to a folder with the gallery's files, NSTLIB_VGG19_WEIGHTS to the
weights). Pictures are JPEGs (quality 90) whose long side is at most 512 px; the progress
animation is a GIF of at most 40 frames, 256 px and 1.5 MB. An existing file is never
replaced unless --overwrite is given: it is skipped, so a second run only makes what is
missing. On a 2-core CPU the default settings take about 10 minutes in all.
"""

import argparse
import math
import os
import secrets
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "images" / "gallery"
MAX_SIDE = 512  # the long side of a gallery JPEG
JPEG_QUALITY = 90
GIF_SIDE, GIF_MAX_FRAMES, GIF_MAX_BYTES = 256, 40, 1_500_000

# name: (files, caption, the examples to credit); the functions below make each picture
ITEMS = {
    "bridge": (
        ["bridge_starry_night.jpg"],
        ["The Golden Gate Bridge in the style of *The Starry Night*"],
        ["golden_gate_bridge", "van_gogh_the_starry_night"],
    ),
    "default": (
        ["astronaut_hubble_deep_field.jpg"],
        ["The default pair (`nst stylize`): the astronaut in the style of the Hubble eXtreme Deep Field"],
        ["astronaut", "hubble_deep_field"],
    ),
    "colors": (
        ["cat_starry_night_plain.jpg", "cat_starry_night_luminance.jpg"],
        ["The cat in the style of *The Starry Night*: the painting's colours leak in",
         "The same with the cat's colours kept (`--preserve-colors luminance`)"],
        ["chelsea", "van_gogh_the_starry_night"],
    ),
    "blend": (
        ["colonnade_starry_night_scream.jpg"],
        ["A colonnade in a 0.5 : 0.5 blend of *The Starry Night* and *The Scream* (`--style-weights 0.5,0.5`)"],
        ["colonnade_walkway", "van_gogh_the_starry_night", "munch_the_scream"],
    ),
    "mask": (
        ["skyline_starry_sky_great_wave_sea.jpg"],
        ["A mask: *The Starry Night* in the sky, *The Great Wave* below (`--mask sky.png --outside-style ...`)"],
        ["city_skyline_at_beach", "van_gogh_the_starry_night", "hokusai_the_great_wave_off_kanagawa"],
    ),
    "progress": (
        ["cat_great_wave_progress.gif"],
        ["The optimization, step by step (`--gif`)"],
        ["chelsea", "hokusai_the_great_wave_off_kanagawa"],
    ),
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="pictures: " + ", ".join(ITEMS))
    p.add_argument("--size", type=int, default=384,
                   help=f"longest side of the runs, in pixels (default 384; saved at most {MAX_SIDE}, "
                        f"the GIF at most {GIF_SIDE})")
    p.add_argument("--steps", type=int, default=200, help="optimization steps per picture (default 200)")
    p.add_argument("--only", action="append", metavar="NAME", choices=list(ITEMS),
                   help=f"make only this picture (repeatable): {', '.join(ITEMS)}")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder (default images/gallery/)")
    p.add_argument("--overwrite", action="store_true", help="replace existing files (default: skip them)")
    args = p.parse_args(argv)
    if args.size < 80:
        p.error("--size must be at least 80 (VGG-19 needs 32 px on the short side, and the bridge is wide)")
    if args.steps < 1:
        p.error("--steps must be at least 1")
    return args


def sky_mask(height, width, horizon=0.55, softness=0.03):
    """(H, W) float32 mask: ~1 above `horizon` (a fraction of the height), ~0 below, a soft step."""
    import numpy as np

    y = np.linspace(0.0, 1.0, height)[:, None]
    return np.broadcast_to(1.0 / (1.0 + np.exp((y - horizon) / softness)), (height, width)).astype(np.float32)


def render(name, config, progress):
    """The images of item `name`: a list with one entry per file (an image or a list of GIF frames)."""
    from nstlib import load_example, stylize
    from nstlib.extensions.color import preserve_luminance

    kw = dict(progress=progress)
    if name == "bridge":
        return [stylize("golden_gate_bridge", "van_gogh_the_starry_night", config, **kw).best_image]
    if name == "default":
        return [stylize("astronaut", "hubble_deep_field", config, **kw).best_image]
    if name == "colors":
        content = load_example("chelsea", max_dim=config.max_dim)
        plain = stylize(content, "van_gogh_the_starry_night", config, **kw).best_image
        return [plain, preserve_luminance(plain, content)]
    if name == "blend":
        return [stylize("colonnade_walkway", ["van_gogh_the_starry_night", "munch_the_scream"], config,
                        style_weights=[0.5, 0.5], **kw).best_image]
    if name == "mask":
        content = load_example("city_skyline_at_beach", max_dim=config.max_dim)
        mask = sky_mask(*content.shape[1:3])
        return [stylize(content, "van_gogh_the_starry_night", config, mask=mask,
                        outside_style="hokusai_the_great_wave_off_kanagawa", **kw).best_image]
    if name == "progress":
        from nstlib.io.animation import FrameRecorder

        config = config.replace(max_dim=min(config.max_dim, GIF_SIDE))
        content = load_example("chelsea", max_dim=config.max_dim)
        every = max(1, math.ceil(config.steps / (GIF_MAX_FRAMES - 2)))  # + the start and the result
        recorder = FrameRecorder(every=every, max_dim=GIF_SIDE)
        recorder.add(content)  # the start (init="content")
        result = stylize(content, "hokusai_the_great_wave_off_kanagawa", config, callback=recorder,
                         callback_every=every, **kw)
        recorder.add(result.best_image)
        return [recorder.frames]
    raise ValueError(name)


def _temporary(path):
    return path.with_name(f".{path.stem}.{secrets.token_hex(4)}.tmp{path.suffix}")


def save_jpeg(image, path, overwrite):
    """Write image (1, H, W, 3) in [0, 1] as a JPEG of quality 90, long side <= 512, atomically."""
    from PIL import Image

    from nstlib.io.images import load_image, to_uint8

    if max(image.shape[1:3]) > MAX_SIDE:
        image = load_image(to_uint8(image), max_dim=MAX_SIDE, min_side=1)
    if path.exists() and not overwrite:  # checked again: the run may have been long
        raise FileExistsError(path)
    tmp = _temporary(path)
    try:
        Image.fromarray(to_uint8(image)).save(tmp, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def save_progress_gif(frames, path, overwrite, fps=10):
    """Write frames as a looping GIF of at most 40 frames and 1.5 MB (dropping every other frame
    until it fits), atomically."""
    from nstlib.io.animation import save_gif

    frames = list(frames)
    if len(frames) > GIF_MAX_FRAMES:
        frames = frames[:: math.ceil(len(frames) / GIF_MAX_FRAMES)][: GIF_MAX_FRAMES - 1] + frames[-1:]
    if path.exists() and not overwrite:
        raise FileExistsError(path)
    tmp = _temporary(path)
    try:
        while True:
            save_gif(frames, tmp, fps=fps, overwrite=True)
            if tmp.stat().st_size <= GIF_MAX_BYTES or len(frames) <= 8:
                break
            frames = frames[:-1:2] + frames[-1:]  # every other frame, keeping the result
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return len(frames)


def markdown(out, names):
    """The README's gallery as a two-column Markdown table, with captions and credits."""
    from nstlib import credit

    try:
        folder = out.resolve().relative_to(REPO).as_posix()
    except ValueError:
        folder = out.resolve().as_posix()  # not in the repository: an absolute path
    cells = []
    for name in names:
        files, captions, examples = ITEMS[name]
        credits = "; ".join(credit(e) for e in examples)
        for file, caption in zip(files, captions):
            if (out / file).exists():
                alt = caption.replace("*", "").replace("`", "")
                cells.append((f"![{alt}]({folder}/{file})", f"{caption}. <sub>{credits}</sub>"))
    if not cells:
        return ""
    if len(cells) % 2:
        cells.append(("", ""))
    lines = []
    for i in range(0, len(cells), 2):
        (image_1, caption_1), (image_2, caption_2) = cells[i], cells[i + 1]
        lines.append(f"| {image_1} | {image_2} |")
        if i == 0:
            lines.append("|:---:|:---:|")
        lines.append(f"| {caption_1} | {caption_2} |")
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    names = [n for n in ITEMS if not args.only or n in args.only]  # ITEMS' order
    args.out.mkdir(parents=True, exist_ok=True)

    from nstlib import Config
    from nstlib.errors import NSTError

    config = Config(max_dim=args.size, steps=args.steps)
    progress = sys.stderr.isatty()
    print(f"{args.size} px, {args.steps} steps per picture, into {args.out}", flush=True)
    failed = False
    for name in names:
        paths = [args.out / f for f in ITEMS[name][0]]
        todo = [p for p in paths if args.overwrite or not p.exists()]
        for p in paths:
            if p not in todo:
                print(f"{p}  exists, skipped (--overwrite replaces it)", flush=True)
        if not todo:
            continue
        start = time.perf_counter()
        try:
            outputs = render(name, config, progress)
        except NSTError as e:
            print(f"{name}: failed: {e}", file=sys.stderr, flush=True)
            failed = True
            continue
        seconds = time.perf_counter() - start
        for path, output in zip(paths, outputs):
            if path not in todo:
                continue
            try:
                if path.suffix == ".gif":
                    n = save_progress_gif(output, path, args.overwrite)
                    extra = f", {n} frames, {path.stat().st_size / 1e6:.2f} MB"
                else:
                    save_jpeg(output, path, args.overwrite)
                    extra = ""
            except FileExistsError:
                print(f"{path}  appeared during the run, skipped (--overwrite replaces it)", flush=True)
                continue
            print(f"{path}  {seconds:.1f} s{extra}", flush=True)
    snippet = markdown(args.out, names)
    if snippet:
        print(f"\nMarkdown for the README (made by scripts/make_gallery.py --size {args.size} "
              f"--steps {args.steps}):\n")
        print(snippet)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
