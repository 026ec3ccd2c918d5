"""Flicker and time per frame of stylize_video's three methods: independent, warm, flow.

    python benchmarks/video.py            # the Markdown table (about 40 minutes on 2 CPU cores)
    python benchmarks/video.py --quick    # small sizes, a smoke test of the script
    python benchmarks/video.py --network van_gogh_the_starry_night   # one more row: a trained
        # network (notebook 08) paints each frame in one pass; the style is the network's

Two clips, the same frame count, size and steps for every method:
- known motion: a camera panning and zooming over the astronaut, with a coffee cup
  sprite moving the other way in front (nstlib.extensions.flow.pan_zoom_clip); its true
  flow and its true occlusions are known, and the yardstick uses them;
- real: scikit-image's no_time_for_that_tiny.gif (24 frames of 14x25 px, upscaled): its
  license is not stated, so it is only measured here, never shown or committed; its flow
  is estimated (OpenCV's DIS, as the flow method does, but computed here anew).

The yardstick is this file's own copy of the issue's definition (not nstlib's
warping_error): the mean absolute difference, in grey levels (0 to 255), between
stylized frame t and stylized frame t-1 warped along the flow of the *input* frames
(OpenCV's cubic remap), over the pixels visible in both, averaged over t. Beside it:
the mean change between consecutive frames as seen (the flicker the eye sees, which a
frozen picture also scores low on), the sharpness of the stylized frames (mean absolute
difference of neighbouring pixels, as a share of independent frames': a method that
freezes a blurred picture scores low errors and low sharpness), their style cost
(nstlib's J_style, as a share of independent frames': how painted they are), and the
seconds per frame (the first frame, which is the same for every method, included). The
row "input" is the clip itself: its warping error is the yardstick's floor (the
interpolation's, and on the real clip the flow's, errors).
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from nstlib import import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()
import cv2  # noqa: E402
import numpy as np  # noqa: E402
import skimage  # noqa: E402
from machine import describe  # noqa: E402

from nstlib.config import Config  # noqa: E402
from nstlib.core.problem import StyleTransfer  # noqa: E402
from nstlib.extensions.flow import pan_zoom_clip  # noqa: E402
from nstlib.extensions.video import METHODS, TEMPORAL_WEIGHT, stylize_video  # noqa: E402
from nstlib.io.examples import load_example  # noqa: E402
from nstlib.io.frames import read_frames  # noqa: E402

REAL_CLIP = Path(skimage.__file__).parent / "data" / "no_time_for_that_tiny.gif"


# --- the yardstick, this file's own ------------------------------------------------------
def _remap(image, flow):
    h, w = flow.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    return cv2.remap(image, xs + flow[..., 0], ys + flow[..., 1], cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def _dis(a, b):
    grey = [cv2.cvtColor(np.uint8(np.round(np.clip(np.asarray(x)[0], 0, 1) * 255)), cv2.COLOR_RGB2GRAY) for x in (a, b)]
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    dis.setFinestScale(0)
    return dis.calc(grey[0], grey[1], None)


def estimated_motion(frames):
    """[(backward flow, visible)] for t >= 1: DIS flows, Ruder et al.'s checks, in-frame."""
    motion = []
    for before, now in zip(frames, frames[1:]):
        back, fwd = _dis(now, before), _dis(before, now)
        there = _remap(fwd, back)
        sq = lambda f: (f ** 2).sum(-1)  # noqa: E731
        ok = sq(there + back) <= 0.01 * (sq(there) + sq(back)) + 0.5
        du, dv = np.gradient(back[..., 0]), np.gradient(back[..., 1])
        ok &= (du[0] ** 2 + du[1] ** 2 + dv[0] ** 2 + dv[1] ** 2) <= 0.01 * sq(back) + 0.002
        h, w = back.shape[:2]
        ys, xs = np.mgrid[0:h, 0:w]
        x, y = xs + back[..., 0], ys + back[..., 1]
        ok &= (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
        motion.append((back, ok.astype(np.float32)))
    return motion


def warping_error(styled, motion):
    errors = []
    for t, (back, visible) in enumerate(motion, start=1):
        diff = np.abs(np.asarray(styled[t])[0] - np.clip(_remap(np.asarray(styled[t - 1])[0], back), 0, 1)).mean(-1)
        errors.append((visible * diff).sum() / max(visible.sum(), 1.0))
    return 255 * float(np.mean(errors))


def sharpness(styled):
    return float(np.mean([np.abs(np.diff(a, axis=0)).mean() + np.abs(np.diff(a, axis=1)).mean()
                          for a in (np.asarray(f)[0] for f in styled)]))


def frame_change(styled):
    return 255 * float(np.mean([np.abs(np.asarray(a) - np.asarray(b)).mean() for a, b in zip(styled, styled[1:])]))


# --- the clips -------------------------------------------------------------------------
def known_motion_clip(size, n_frames):
    big = load_example("astronaut", max_dim=int(size * 1.6))
    cup = load_example("coffee", max_dim=size)[:, size // 6: size // 6 + size // 3, size // 3: 2 * size // 3]
    clip = pan_zoom_clip(big, n_frames, (size, size), pan=(size / 32, size / 64), zoom=1.02, sprite=cup,
                         sprite_velocity=(-size / 32, size / 96))
    return clip.frames, clip.motion


def real_clip(size, n_frames):
    frames = read_frames(REAL_CLIP, max_dim=size, max_frames=n_frames)
    return frames, estimated_motion(frames)


def style_cost(frames, styled, style, config):
    """The mean over the frames of nstlib's style cost J_style (Config's definition)."""
    return float(np.mean([StyleTransfer(f, style, config).costs(s)["style"] for f, s in zip(frames, styled)]))


def save_strip(rows, path):
    """The clips as one PNG for the eye: a row per version (input, then each method), a
    column per frame. Written only where --strips says (never into the repository)."""
    from PIL import Image

    grid = np.concatenate([np.concatenate([np.asarray(f)[0] for f in row], axis=1) for row in rows], axis=0)
    Image.fromarray(np.uint8(np.round(np.clip(grid, 0, 1) * 255))).save(path)
    print(f"wrote {path} (rows: input, {', '.join(METHODS[::-1])}, then the network's if any)", file=sys.stderr)


def measure(frames, motion, style, config, args, strip=None):
    """{method: (warping error, frame change, sharpness, style cost, seconds per frame)}."""
    measured = {"input": (warping_error(frames, motion), frame_change(frames), None, None, None)}
    versions = [frames]
    for method in METHODS[::-1]:
        start = time.perf_counter()
        styled = stylize_video(frames, style, config, method, temporal_weight=args.temporal_weight, progress=False)
        seconds = (time.perf_counter() - start) / len(frames)
        measured[method] = (warping_error(styled, motion), frame_change(styled), sharpness(styled),
                            style_cost(frames, styled, style, config), seconds)
        print(f"{method}: warping error {measured[method][0]:.2f}, {seconds:.2f} s per frame", file=sys.stderr,
              flush=True)
        versions.append(styled)
    if args.network:
        from nstlib.feedforward.network import paint
        from nstlib.feedforward.storage import load_network

        net = load_network(args.network)
        paint(net, frames[0])  # the warm-up: traces the forward pass
        start = time.perf_counter()
        styled = [paint(net, f) for f in frames]
        seconds = (time.perf_counter() - start) / len(frames)
        measured["network"] = (warping_error(styled, motion), frame_change(styled), sharpness(styled),
                               style_cost(frames, styled, style, config), seconds)
        print(f"network: warping error {measured['network'][0]:.2f}, {seconds:.3f} s per frame", file=sys.stderr)
        versions.append(styled)
    if strip:
        save_strip(versions, strip)
    return measured


def run(args):
    config = Config(max_dim=args.size, steps=args.steps)
    style = load_example(args.style, max_dim=args.size)
    rows = []
    for name, make in (("known motion", known_motion_clip), ("real (no_time_for_that_tiny.gif)", real_clip)):
        frames, motion = make(args.size, args.frames)
        stylize_video(frames[:1], style, config.replace(steps=2), "independent", progress=False)  # warm-up: traces
        strip = args.strips and Path(args.strips) / f"video_{name.split()[0]}.png"
        measured = measure(frames, motion, style, config, args, strip)
        warm, independent = measured["warm"], measured["independent"]
        for method, (error, change, sharp, cost, seconds) in measured.items():
            rows.append(f"| {name} | {method} | {error:.2f} | {error / warm[0]:.2f} | {change:.2f} | " + (
                "(the clip itself) | | |" if sharp is None else
                f"{sharp / independent[2]:.2f} | {cost / independent[3]:.2f} | {seconds:.3g} |"))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=192, help="longest side of the frames, in pixels")
    parser.add_argument("--frames", type=int, default=12, help="frames per clip")
    parser.add_argument("--steps", type=int, default=100, help="steps of the first frame (half for the others)")
    parser.add_argument("--temporal-weight", type=float, default=TEMPORAL_WEIGHT)
    parser.add_argument("--style", default="kandinsky_composition_vii")
    parser.add_argument("--strips", metavar="DIR", help="also save each clip's versions side by side as "
                        "DIR/video_known.png and DIR/video_real.png, to look at (e.g. /tmp)")
    parser.add_argument("--network", metavar="NAME_OR_PATH", help="also a trained network (a shipped one's style "
                        "name or a .nstnet), painting each frame in one pass; --style becomes the network's")
    parser.add_argument("--quick", action="store_true", help="64 px, 4 frames, 10 steps: a smoke test")
    args = parser.parse_args()
    if args.network:
        from nstlib.feedforward.storage import load_network

        args.style = load_network(args.network).meta["style"]
    if args.quick:
        args.size, args.frames, args.steps = 64, 4, 10
    rows = run(args)
    print(f"Machine: {describe()}; OpenCV {cv2.__version__}.\n")
    print(f"{args.frames} frames of {args.size} px, {args.steps} steps for the first frame and "
          f"{max(1, args.steps // 2)} for the others (independent: {args.steps} each), Adam, style "
          f"{args.style}, temporal weight {args.temporal_weight:g}.\n")
    print("| clip | method | warping error (grey levels) | vs warm | frame change (grey levels) "
          "| sharpness vs independent | style cost vs independent | seconds per frame |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
