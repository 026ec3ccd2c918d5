"""`nst video`: stylize every frame of a GIF, a video file or a folder of images."""

from pathlib import Path

from ..errors import NSTError


def register(sub):
    p = sub.add_parser("video", help="stylize every frame of a GIF, an MP4 or a folder of images",
                       description="Stylize every frame of IN (a .gif, a video file or a folder of images) "
                       "into OUT (a .gif, .mp4 or a folder); each frame starts from the previous "
                       "result, which reduces flicker.")
    p.add_argument("input", metavar="IN")
    p.add_argument("output", metavar="OUT")
    p.add_argument("--style", default="van_gogh_the_starry_night", help="style image (default van_gogh_the_starry_night)")
    p.add_argument("--size", type=int, default=256, help="longest side in pixels (default 256)")
    p.add_argument("--steps", type=int, default=100, help="steps for the first frame (default 100; half for the others)")
    p.add_argument("--fps", type=float, default=10)
    p.add_argument("--max-frames", type=int, help="stylize only the first N frames")
    p.add_argument("--cold-start", action="store_true", help="start every frame from its content (more flicker)")
    p.add_argument("--overwrite", action="store_true")
    p.set_defaults(func=run)


def run(args):
    from ..config import Config
    from ..extensions.video import stylize_video
    from ..io.frames import read_frames, write_frames

    config = Config(max_dim=args.size, steps=args.steps)
    frames = read_frames(args.input, max_dim=args.size, max_frames=args.max_frames)
    out = Path(args.output)
    if out.exists() and out.is_file() and not args.overwrite:
        raise NSTError(f"{out} exists: pass --overwrite to replace it, or choose another name.")
    styled = stylize_video(frames, args.style, config, warm_start=not args.cold_start)
    path = write_frames(styled, out, fps=args.fps, overwrite=args.overwrite)
    print(f"Saved {len(styled)} frames to {path}")
    return 0 if len(styled) == len(frames) else 130
