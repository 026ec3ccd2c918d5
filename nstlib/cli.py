"""The `nst` command (also `python -m nstlib`).

    nst stylize                                   # the default pair into output/
    nst stylize golden_gate_bridge van_gogh_the_starry_night --size 512 -o output/bridge.png
    nst examples                                  # the example images and their credits

A user's mistake (a missing file, a bad value) exits with status 2 and one line on
stderr; Ctrl-C ends a run cleanly, saving the best image so far (status 130).
"""

import argparse
import os
import signal
import sys
from pathlib import Path

DEFAULT_CONTENT = "astronaut"  # scikit-image's Eileen Collins, public domain
DEFAULT_STYLE = "hubble_deep_field"  # NASA/ESA, public domain: a nod to Interstellar


class _Fail(Exception):
    """An error already explained on stderr; carries the exit status."""

    def __init__(self, status):
        self.status = status


def _stem(source):
    return Path(str(source)).stem or "image"


def _numbers(text, kind, name):
    """'300' or '300,150,80' -> [300] or [300, 150, 80]."""
    from .errors import NSTError

    try:
        return [kind(x) for x in str(text).split(",") if x.strip()]
    except ValueError:
        raise NSTError(f"{name} must be comma-separated numbers such as 256,512, not {text!r}.") from None


def add_stylize(sub):
    p = sub.add_parser(
        "stylize",
        help="paint CONTENT in the style of STYLE",
        description="Paint CONTENT in the style of STYLE (file paths, http(s) URLs or example "
        "names from `nst examples`). With no images, stylizes the default pair "
        f"({DEFAULT_CONTENT} in the style of {DEFAULT_STYLE}). Several STYLEs are blended "
        "(see --style-weights).",
    )
    p.add_argument("content", nargs="?", default=DEFAULT_CONTENT, help=f"content image (default {DEFAULT_CONTENT})")
    p.add_argument("style", nargs="*", help=f"style image(s) (default {DEFAULT_STYLE})")
    p.add_argument("-o", "--output", help="output file, .png or .jpg (default output/CONTENT_STYLE.png)")
    p.add_argument("--preset", help="start from a reference's settings: default, course, gatys, tf-tutorial")
    p.add_argument("--size", type=int, dest="max_dim", help="longest side in pixels (default 512)")
    p.add_argument("--sizes", help="coarse to fine: comma-separated sizes, e.g. 256,512,1024")
    p.add_argument("--steps", help="optimization steps (default 300); with --sizes, one per size: 300,150,80")
    p.add_argument("--alpha", type=float, help="content weight α")
    p.add_argument("--beta", type=float, help="style weight β")
    p.add_argument("--tv-weight", type=float, dest="tv_weight", help="total variation weight")
    p.add_argument("--lr", type=float, dest="learning_rate", help="Adam's learning rate")
    p.add_argument("--optimizer", help="adam or lbfgs")
    p.add_argument("--init", help="content, noise or style")
    p.add_argument("--content-layers", dest="content_layers", help="comma-separated VGG-19 layers")
    p.add_argument("--pooling", help="max or avg")
    p.add_argument("--seed", type=int)
    p.add_argument("--style-weights", help="blend weights of several STYLEs, e.g. 0.7,0.3")
    p.add_argument("--mask", help="an image, white where the style applies; elsewhere the content stays")
    p.add_argument("--outside-style", help="with --mask: a second style for the rest of the picture")
    p.add_argument("--preserve-colors", choices=("luminance", "histogram"),
                   help="keep the content's colours: transfer luminance only, or recolour the style first")
    p.add_argument("--gif", metavar="PATH", help="also save the optimization's progress as a .gif or .mp4")
    p.add_argument("--checkpoint-every", type=int, metavar="N",
                   help="save the run's state every N steps to OUTPUT's name + .ckpt.npz")
    p.add_argument("--resume", metavar="CHECKPOINT", help="continue the run saved in CHECKPOINT (.ckpt.npz)")
    p.add_argument("--overwrite", action="store_true", help="replace OUTPUT if it exists")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run_stylize)


FIELDS = ("max_dim", "alpha", "beta", "tv_weight", "learning_rate", "optimizer", "init",
          "content_layers", "pooling", "seed")


def run_stylize(args):
    from .checkpoint import checkpoint_path_for, load_checkpoint
    from .errors import NSTError
    from .presets import preset

    changes = {k: getattr(args, k) for k in FIELDS if getattr(args, k) is not None}
    steps = _numbers(args.steps, int, "--steps") if args.steps is not None else None
    sizes = _numbers(args.sizes, int, "--sizes") if args.sizes else None
    if steps and not sizes:
        if len(steps) != 1:
            raise NSTError("--steps takes one number, or one per size with --sizes.")
        changes["steps"] = steps[0]
    if args.checkpoint_every is not None and args.checkpoint_every < 1:
        raise NSTError(f"--checkpoint-every must be a whole number of steps >= 1, not {args.checkpoint_every}.")
    if sizes and (args.checkpoint_every or args.resume):
        raise NSTError("--checkpoint-every and --resume work with one size, not with --sizes.")
    style_weights = _numbers(args.style_weights, float, "--style-weights") if args.style_weights else None
    resume = None
    if args.resume:  # the checkpoint knows the images, the settings and the output
        resume = load_checkpoint(args.resume)
        content, styles = resume.extra["content"], resume.extra["styles"]
        style_weights = resume.extra.get("style_weights")
        config = resume.config.replace(**changes)
        out = Path(args.output or resume.extra["output"])
        ckpt = Path(args.resume)
    else:
        content, styles = args.content, args.style or [DEFAULT_STYLE]
        config = preset(args.preset or "default", **changes)
        name = "+".join(_stem(s) for s in styles)
        out = Path(args.output or f"output/{_stem(content)}_{name}.png")
        ckpt = checkpoint_path_for(out) if args.checkpoint_every else None
        if ckpt is not None and ckpt.exists() and not args.overwrite:
            raise NSTError(f"{ckpt} exists from an earlier run: continue it with --resume {ckpt}, or pass --overwrite to start again.")
    if args.outside_style and not args.mask:
        raise NSTError("--outside-style paints outside a mask: give the mask with --mask.")
    _check_output(out, args.overwrite)  # before a long run, not after it
    every = args.checkpoint_every or (resume.extra.get("every") if resume else None)

    from .images import save_image
    from .multiscale import stylize_coarse_to_fine
    from .optimize import stylize

    style = styles[0] if len(styles) == 1 else list(styles)
    options = dict(progress=not args.quiet, style_weights=style_weights, mask=args.mask,
                   outside_style=args.outside_style)
    recorder = None
    if args.gif:
        from .animation import ANIMATION_FORMATS, FrameRecorder

        gif = Path(args.gif)
        if gif.suffix.lower() not in ANIMATION_FORMATS or (gif.exists() and not args.overwrite):
            raise NSTError(f"--gif {gif}: give a new .gif or .mp4 path (or pass --overwrite).")
        recorder = FrameRecorder(every=max(1, config.steps // 40))  # about 40 frames
        options.update(callback=recorder, callback_every=recorder.every)
    if args.preserve_colors and (sizes or resume or args.checkpoint_every):
        raise NSTError("--preserve-colors works with one size and no checkpoints.")
    if args.preserve_colors:
        from .color import stylize_preserving_colors

        result = stylize_preserving_colors(content, style, args.preserve_colors, config, **options)
    elif sizes:
        result = stylize_coarse_to_fine(content, style, sizes, steps, config, **options)
    else:
        result = stylize(
            content, style, config, resume=resume, checkpoint=ckpt, checkpoint_every=every,
            checkpoint_extra={"content": str(content), "styles": [str(s) for s in styles],
                              "style_weights": style_weights, "output": str(out), "every": every},
            **options,
        )
    path = save_image(result.best_image, out, overwrite=args.overwrite)
    if recorder is not None and recorder.frames:
        from .animation import save_gif

        recorder.add(result.best_image)
        save_gif(recorder.frames, args.gif, overwrite=args.overwrite)
        print(f"Saved the progress, {len(recorder.frames)} frames, to {args.gif}")
    h = result.history
    if result.interrupted:
        kept = f"; continue with: nst stylize --resume {ckpt}" if ckpt else ""
        print(f"nst: interrupted after {result.steps_done} steps; saved the best image so far to {path}{kept}", file=sys.stderr)
        return 130
    if ckpt is not None and not result.stopped:
        ckpt.unlink(missing_ok=True)  # the run is done and its image is safe
    if result.diverged:
        print(f"nst: error: {result.message} Saved it to {path}", file=sys.stderr)
        return 1
    stages = "".join(f"; {size} px: {n} steps in {sec:.0f} s" for size, n, sec in result.stages)
    print(
        f"Saved {path} ({result.steps_done} steps, {result.seconds:.0f} s; style cost "
        f"{h['style'][0]:.3g} -> {h['style'][-1]:.3g}, content cost {h['content'][-1]:.3g}{stages})"
    )
    return 0


def _check_output(out, overwrite):
    from .errors import NSTError

    if out.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        raise NSTError(f"Output {out} must end in .png, .jpg or .jpeg.")
    if out.exists() and not overwrite:
        raise NSTError(f"{out} exists: pass --overwrite to replace it, or choose another name with -o.")
    if out.is_dir():
        raise NSTError(f"{out} is a folder: give a file name such as {out / 'result.png'}.")
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise NSTError(f"Cannot write {out}: {parent} is not a writable folder.")


def add_video(sub):
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
    p.set_defaults(func=run_video)


def run_video(args):
    from .config import Config
    from .video import read_frames, stylize_video, write_frames

    config = Config(max_dim=args.size, steps=args.steps)
    frames = read_frames(args.input, max_dim=args.size, max_frames=args.max_frames)
    out = Path(args.output)
    if out.exists() and out.is_file() and not args.overwrite:
        from .errors import NSTError

        raise NSTError(f"{out} exists: pass --overwrite to replace it, or choose another name.")
    styled = stylize_video(frames, args.style, config, warm_start=not args.cold_start)
    path = write_frames(styled, out, fps=args.fps, overwrite=args.overwrite)
    print(f"Saved {len(styled)} frames to {path}")
    return 0 if len(styled) == len(frames) else 130


def add_examples(sub):
    p = sub.add_parser("examples", help="list the example images and their credits",
                       description="List the example images, usable by name in `nst stylize`.")
    p.add_argument("--role", choices=("content", "style"), help="only content or only style images")
    p.set_defaults(func=run_examples)


def run_examples(args):
    from .data import list_examples

    rows = [(e.name, e.role, e.license, f'"{e.title}", {e.author}' + (f", {e.year}" if e.year else ""))
            for e in list_examples(args.role)]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[3])
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="nst", description="Neural style transfer (Gatys et al.) with TensorFlow."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    add_stylize(sub)
    add_video(sub)
    add_examples(sub)
    for name in ("release", "grade"):  # the instructor's tools
        try:
            module = __import__(f"nstlib.{name}", fromlist=["register"])
        except ImportError:
            continue
        module.register(sub)
    return parser


def _sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _sigterm)  # `kill` ends a run as Ctrl-C does
    from .errors import NSTError

    try:
        from . import import_tensorflow_quietly

        import_tensorflow_quietly()
        return args.func(args)
    except NSTError as e:
        print(f"nst: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nst: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `nst examples | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
