"""`nst video`: stylize every frame of a GIF, a video file or a folder of images.

Each finished frame is saved at once into a folder beside OUT (OUT's name + ".frames",
with the run's settings), so a stopped run (Ctrl-C, kill) keeps them and ``--resume``
goes on from there; the folder is removed once OUT is written.
"""

import sys
from pathlib import Path

from ..errors import NSTError

METHODS = ("flow", "warm", "independent")
# nstlib.extensions.video.TEMPORAL_WEIGHT (here too, so that --help needs no TensorFlow;
# tests/test_video.py checks that they agree)
TEMPORAL_WEIGHT = 3.0e9


def register(sub):
    p = sub.add_parser("video", help="stylize every frame of a GIF, an MP4 or a folder of images",
                       description="Stylize every frame of IN (a .gif, a video file or a folder of images) "
                       "into OUT (a .gif, .mp4 or a folder). With --method flow (the default when OpenCV "
                       "is installed) each frame starts from the previous result moved along the optical "
                       "flow, and a temporal cost keeps it there: the strokes follow the motion.")
    p.add_argument("input", metavar="IN")
    p.add_argument("output", metavar="OUT")
    p.add_argument("--style", default="van_gogh_the_starry_night", help="style image (default van_gogh_the_starry_night)")
    p.add_argument("--size", type=int, default=256, help="longest side in pixels (default 256)")
    p.add_argument("--steps", type=int, default=100, help="steps for the first frame (default 100; half for the others)")
    p.add_argument("--fps", type=float, default=10)
    p.add_argument("--max-frames", type=int, help="stylize only the first N frames")
    p.add_argument("--method", choices=METHODS,
                   help="flow: start from the previous result warped along the optical flow, with a temporal "
                   "cost (needs pip install 'nstlib[video]'); warm: start from the previous result as it is; "
                   "independent: every frame on its own (flickers). Default: flow if OpenCV is installed, else warm")
    p.add_argument("--temporal-weight", type=float, metavar="W",
                   help=f"--method flow: the temporal cost's weight (default {TEMPORAL_WEIGHT:g})")
    p.add_argument("--resume", action="store_true", help="continue a stopped run from the frames in OUT.frames/")
    p.add_argument("--cold-start", action="store_true", help="the same as --method independent")
    p.add_argument("--overwrite", action="store_true")
    p.set_defaults(func=run)


def run(args):
    from ..config import Config
    from ..extensions.flow import opencv_available
    from ..extensions.video import stylize_video
    from ..io.frames import FrameFolder, check_output, frames_folder_for, read_frames, write_frames
    from ..io.sources import as_image

    method = _method(args, opencv_available())
    weight = TEMPORAL_WEIGHT if args.temporal_weight is None else args.temporal_weight
    config = Config(max_dim=args.size, steps=args.steps)
    out = Path(args.output)
    check_output(out, overwrite=args.overwrite)
    frames = read_frames(args.input, max_dim=args.size, max_frames=args.max_frames)
    if len(frames) < 2:
        raise NSTError(f"{args.input} has one frame: a video needs at least two (for one picture, use nst stylize).")
    style = as_image(args.style, args.size)
    settings = {"input": str(Path(args.input).resolve()), "style": args.style, "size": args.size,
                "steps": args.steps, "method": method, "temporal_weight": weight if method == "flow" else None,
                "max_frames": args.max_frames, "frames": len(frames)}
    folder = FrameFolder.open(frames_folder_for(out), settings, resume=args.resume, overwrite=args.overwrite)
    done = folder.finished()
    if done:
        print(f"Resuming after frame {len(done)} of {len(frames)}")
    styled = stylize_video(frames, style, config, method, temporal_weight=weight, done=done,
                           callback_frame=folder.add)
    if len(styled) < len(frames):
        print(f"nst: stopped after {len(styled)} of {len(frames)} frames, kept in {folder.path}; "
              "run the same command with --resume to go on", file=sys.stderr)
        return 130
    path = write_frames(styled, out, fps=args.fps, overwrite=args.overwrite)
    folder.remove()
    print(f"Saved {len(styled)} frames to {path}")
    return 0


def _method(args, has_opencv):
    """The method asked for (--method, or --cold-start), checked against what is installed."""
    if args.cold_start and args.method not in (None, "independent"):
        raise NSTError(f"--cold-start is --method independent: it contradicts --method {args.method}.")
    method = "independent" if args.cold_start else args.method or ("flow" if has_opencv else "warm")
    if method == "flow" and not has_opencv:
        raise NSTError("--method flow needs OpenCV: pip install 'nstlib[video]' (or use --method warm).")
    if args.temporal_weight is not None and args.temporal_weight < 0:
        raise NSTError(f"--temporal-weight must be at least 0, not {args.temporal_weight:g}.")
    return method
