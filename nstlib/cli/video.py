"""`nst video`: stylize every frame of a GIF, a video file or a folder of images.

It takes `nst stylize`'s settings flags (nstlib.cli.flags: --preset and every Config
field) with the same defaults, the `fast` preset's, except coarse to fine and --time: a
frame runs at one size. Each finished frame is saved at once into a folder beside OUT
(OUT's name + ".frames", with the run's settings), so a stopped run (Ctrl-C, kill) keeps
them and ``--resume`` goes on from there; the folder is removed once OUT is written.
"""

import sys
from pathlib import Path

from ..config import DEFAULT_CONFIG, DEFAULT_PRESET, TEMPORAL_WEIGHT, VIDEO_METHODS
from ..errors import NSTError
from .flags import add_settings_flags, config_changes, settings_config

# A frame runs at one size in one go: coarse to fine and a time budget do not apply.
NOT_FOR_VIDEO = ("min_size", "scale_factor", "coarse_steps", "detail", "warm_start", "time_budget")


def register(sub):
    p = sub.add_parser("video", help="stylize every frame of a GIF, an MP4 or a folder of images",
                       description="Stylize every frame of IN (a .gif, a video file or a folder of images) "
                       "into OUT (a .gif, .mp4 or a folder). With --method flow (the default when OpenCV "
                       "is installed) each frame starts from the previous result moved along the optical "
                       "flow, and a temporal cost keeps it there: the strokes follow the motion. The settings "
                       f"are nst stylize's, from the preset {DEFAULT_PRESET} (--preset high is the high-quality mode); "
                       "the first frame runs --steps, the others half as many.")
    p.add_argument("input", metavar="IN")
    p.add_argument("output", metavar="OUT")
    clip = p.add_argument_group("the clip")
    clip.add_argument("--style", default="van_gogh_the_starry_night", help="style image (default van_gogh_the_starry_night)")
    clip.add_argument("--fps", type=float, default=10)
    clip.add_argument("--max-frames", type=int, help="stylize only the first N frames")
    clip.add_argument("--method", choices=VIDEO_METHODS,
                      help="flow: start from the previous result warped along the optical flow, with a temporal "
                      "cost (--temporal-weight; needs pip install 'nstlib[video]'); warm: start from the previous "
                      "result as it is; independent: every frame on its own (flickers). Default: flow if OpenCV "
                      "is installed, else warm")
    clip.add_argument("--resume", action="store_true", help="continue a stopped run from the frames in OUT.frames/")
    clip.add_argument("--overwrite", action="store_true")
    clip.add_argument("--network", metavar="NAME_OR_PATH", help="paint every frame with a trained network in one "
                      "pass (a .nstnet file from `nst train`, or a shipped one's style name); --style, --method "
                      "and the settings below do not apply, but --size")
    add_settings_flags(p, skip=NOT_FOR_VIDEO, defaults=DEFAULT_CONFIG.replace(temporal_weight=TEMPORAL_WEIGHT))
    p.set_defaults(func=run)


def _config(args, method):
    """The frames' Config: the preset's with the flags, at one size; the flow's temporal weight."""
    changes = config_changes(args)
    config = settings_config(args, changes)
    if config.min_size:
        print(f"nst video: every frame at {config.max_dim} px (the preset's coarse to fine does not apply)")
        config = config.replace(min_size=0)
    weight = changes.get("temporal_weight", TEMPORAL_WEIGHT) if method == "flow" else 0.0
    return config.replace(temporal_weight=weight, time_budget=0.0)


def run(args):
    if args.network:  # one forward pass per frame, no optimization (notebook 08)
        from .network import run_video_network

        return run_video_network(args)
    from ..extensions.flow import opencv_available
    from ..extensions.video import stylize_video
    from ..io.frames import FrameFolder, check_output, frames_folder_for, read_frames, write_frames

    method = _method(args, opencv_available())
    config = _config(args, method)
    out = Path(args.output)
    check_output(out, overwrite=args.overwrite)
    frames = read_frames(args.input, max_dim=config.max_dim, max_frames=args.max_frames)
    if len(frames) < 2:
        raise NSTError(f"{args.input} has one frame: a video needs at least two (for one picture, use nst stylize).")
    settings = {"input": str(Path(args.input).resolve()), "style": args.style, "method": method,
                "max_frames": args.max_frames, "frames": len(frames), **config.to_dict()}
    folder = FrameFolder.open(frames_folder_for(out), settings, resume=args.resume, overwrite=args.overwrite)
    done = folder.finished()
    if done:
        print(f"Resuming after frame {len(done)} of {len(frames)}")
    styled = stylize_video(frames, args.style, config, method, temporal_weight=config.temporal_weight, done=done,
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
    """The method asked for (--method), checked against what is installed."""
    method = args.method or ("flow" if has_opencv else "warm")
    if method == "flow" and not has_opencv:
        raise NSTError("--method flow needs OpenCV: pip install 'nstlib[video]' (or use --method warm).")
    return method
