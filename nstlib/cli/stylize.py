"""`nst stylize`: paint CONTENT in the style of STYLE.

    nst stylize                                   # the default pair into output/
    nst stylize golden_gate_bridge van_gogh_the_starry_night --size 512 -o output/bridge.png

Every Config field is a flag (nstlib.cli.flags). A run stopped by Ctrl-C or `kill` saves
the best image so far (status 130); with --checkpoint-every it also keeps its state, and
--resume continues it.
"""

import os
import sys
from pathlib import Path

from ..config import DEFAULT_CONTENT, DEFAULT_STYLE
from ..errors import NSTError
from ..extensions.presets import DEFAULT, PRESETS
from .flags import add_config_flags, config_changes


def _numbers(text, kind, name):
    """'300' or '300,150,80' -> [300] or [300, 150, 80]."""
    try:
        return [kind(x) for x in str(text).split(",") if x.strip()]
    except ValueError:
        raise NSTError(f"{name} must be comma-separated numbers such as 256,512, not {text!r}.") from None


def register(sub):
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
    p.add_argument("-o", "--output", help="output file, .png or .jpg (default: output/CONTENT_STYLE.png, "
                   "or the next free name: output/CONTENT_STYLE-1.png, ...)")
    p.add_argument("--preset", help=f"start from a preset's settings: {', '.join(PRESETS)} (default: {DEFAULT}, "
                   "whose values the defaults below show; the other flags change them)")
    p.add_argument("--sizes", help="coarse to fine: comma-separated sizes, e.g. 256,512,1024")
    add_config_flags(p, PRESETS[DEFAULT], types={"steps": str})  # --steps N, or with --sizes N,N,N
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
    p.add_argument("--network", metavar="NAME_OR_PATH", help="paint with a trained network in one pass "
                   "(a .nstnet file from `nst train`, or a shipped one's style name); CONTENT may be a folder")
    p.set_defaults(func=run)


def _stem(source):
    return Path(str(source)).stem or "image"


def _plan(args):
    """What to run: (config, content, styles, style_weights, output, checkpoint, resume, steps, sizes)."""
    from ..extensions.presets import preset
    from ..io.checkpoint import checkpoint_path_for, load_checkpoint
    from ..io.output import new_output_path

    changes = config_changes(args)
    steps = _numbers(changes.pop("steps"), int, "--steps") if "steps" in changes else None
    sizes = _numbers(args.sizes, int, "--sizes") if args.sizes else None
    if steps and not sizes:
        if len(steps) != 1:
            raise NSTError("--steps takes one number, or one per size with --sizes.")
        changes["steps"] = steps[0]
    if args.checkpoint_every is not None and args.checkpoint_every < 1:
        raise NSTError(f"--checkpoint-every must be a whole number of steps >= 1, not {args.checkpoint_every}.")
    if sizes and (args.checkpoint_every or args.resume):
        raise NSTError("--checkpoint-every and --resume work with one size, not with --sizes.")
    if args.preserve_colors and (sizes or args.resume or args.checkpoint_every):
        raise NSTError("--preserve-colors works with one size and no checkpoints.")
    if args.outside_style and not args.mask:
        raise NSTError("--outside-style paints outside a mask: give the mask with --mask.")
    weights = _numbers(args.style_weights, float, "--style-weights") if args.style_weights else None
    if args.resume:  # the checkpoint knows the images, the settings and the output
        resume = load_checkpoint(args.resume)
        extra = resume.extra
        config = resume.config.replace(**changes)
        out = Path(args.output or extra["output"])
        return (config, extra["content"], extra["styles"], extra.get("style_weights"), out,
                Path(args.resume), resume, steps, sizes)
    styles = args.style or [DEFAULT_STYLE]
    config = preset(args.preset or DEFAULT, **changes)
    name = f"{_stem(args.content)}_{'+'.join(_stem(s) for s in styles)}.png"
    out = Path(args.output) if args.output else new_output_path(name)
    ckpt = checkpoint_path_for(out) if args.checkpoint_every else None
    if ckpt is not None and ckpt.exists() and not args.overwrite:
        raise NSTError(f"{ckpt} exists from an earlier run: continue it with --resume {ckpt}, "
                       "or pass --overwrite to start again.")
    return config, args.content, styles, weights, out, ckpt, None, steps, sizes


def check_output(out, overwrite):
    """Refuse, before a long run, an output that cannot or must not be written."""
    from ..io.images import save_format

    save_format(out)
    if out.exists() and not overwrite:
        raise NSTError(f"{out} exists: pass --overwrite to replace it, or choose another name with -o.")
    if out.is_dir():
        raise NSTError(f"{out} is a folder: give a file name such as {out / 'result.png'}.")
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise NSTError(f"Cannot write {out}: {parent} is not a writable folder.")


def _recorder(args, config):
    """A FrameRecorder for --gif (about 40 frames), or None."""
    if not args.gif:
        return None
    from ..io.animation import ANIMATION_FORMATS, FrameRecorder

    gif = Path(args.gif)
    if gif.suffix.lower() not in ANIMATION_FORMATS or (gif.exists() and not args.overwrite):
        raise NSTError(f"--gif {gif}: give a new .gif or .mp4 path (or pass --overwrite).")
    return FrameRecorder(every=max(1, config.steps // 40))


def run(args):
    if args.network:  # one forward pass, no optimization (notebook 08)
        from .network import run_network

        return run_network(args)
    from ..core.callbacks import Checkpointer
    from ..core.timing import announce

    config, content, styles, weights, out, ckpt, resume, steps, sizes = _plan(args)
    check_output(out, args.overwrite)  # before a long run, not after it
    if not args.quiet and not sizes:  # the probe's traced step is the run's: it costs a few steps
        print(announce(config, content), flush=True)
    every = args.checkpoint_every or (resume.extra.get("every") if resume else None)
    recorder = _recorder(args, config)
    style = styles[0] if len(styles) == 1 else list(styles)
    options = dict(progress=not args.quiet, style_weights=weights, mask=args.mask,
                   outside_style=args.outside_style)
    if recorder is not None:
        options.update(callback=recorder, callback_every=recorder.every)
    if args.preserve_colors:
        from ..extensions.color import stylize_preserving_colors

        result = stylize_preserving_colors(content, style, args.preserve_colors, config, **options)
    elif sizes:
        from ..extensions.coarse_to_fine import stylize_coarse_to_fine

        result = stylize_coarse_to_fine(content, style, sizes, steps, config, **options)
    else:
        from ..core.transfer import stylize

        extra = {"content": str(content), "styles": [str(s) for s in styles], "style_weights": weights,
                 "output": str(out), "every": every}
        saver = [Checkpointer(ckpt, every, extra)] if ckpt is not None else []
        result = stylize(content, style, config, resume=resume, callbacks=saver, **options)
    return _report(args, result, out, ckpt, recorder)


def _report(args, result, out, ckpt, recorder):
    """Save the best image (and the animation), say what was done; the exit status."""
    from ..io.images import save_image

    path = save_image(result.best_image, out, overwrite=args.overwrite)
    if recorder is not None and recorder.frames:
        from ..io.animation import save_gif

        recorder.add(result.best_image)
        save_gif(recorder.frames, args.gif, overwrite=args.overwrite)
        print(f"Saved the progress, {len(recorder.frames)} frames, to {args.gif}")
    if result.interrupted:
        kept = f"; continue with: nst stylize --resume {ckpt}" if ckpt else ""
        print(f"nst: interrupted after {result.steps_done} steps; saved the best image so far to {path}{kept}",
              file=sys.stderr)
        return 130
    if ckpt is not None and not result.stopped:
        ckpt.unlink(missing_ok=True)  # the run is done and its image is safe
    if result.diverged:
        print(f"nst: error: {result.message} Saved it to {path}", file=sys.stderr)
        return 1
    h = result.history
    stages = "".join(f"; {size} px: {n} steps in {sec:.0f} s" for size, n, sec in result.stages)
    print(
        f"Saved {path} ({result.steps_done} steps, {result.seconds:.0f} s; style cost "
        f"{h['style'][0]:.3g} -> {h['style'][-1]:.3g}, content cost {h['content'][-1]:.3g}{stages})"
    )
    return 0
