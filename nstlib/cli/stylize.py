"""`nst stylize`: paint CONTENT in the style of STYLE.

    nst stylize                                   # the default pair into output/
    nst stylize golden_gate_bridge van_gogh_the_starry_night --size 512 -o output/bridge.png

Every Config field is a flag (nstlib.cli.flags). A run stopped by Ctrl-C or `kill` saves
the best image so far (status 130); with --checkpoint-every it also keeps its state, and
--resume continues it with everything it had (nstlib.io.checkpoint: the settings, the
mask, the outside style, the blend weights; here also the images, the output,
--save-every and --preserve-colors). --preserve-colors is a step before the run
(histogram: the style recoloured) or after it (luminance: the photo's chroma put back), so
it goes with coarse to fine and checkpoints; only --sizes refuses --checkpoint-every and --resume.
"""

import os
import sys
from pathlib import Path

from ..config import DEFAULT_CONTENT, DEFAULT_PRESET, DEFAULT_STYLE
from ..errors import NSTError
from .flags import add_settings_flags, config_changes, settings_config


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
        f"(see --style-weights). A run starts from the preset {DEFAULT_PRESET} (quick); --preset high is the "
        "high-quality mode.",
    )
    p.add_argument("content", nargs="?", default=DEFAULT_CONTENT, help=f"content image (default {DEFAULT_CONTENT})")
    p.add_argument("style", nargs="*", help=f"style image(s) (default {DEFAULT_STYLE})")
    images = p.add_argument_group("images")
    images.add_argument("-o", "--output", help="output file, .png or .jpg (default: output/CONTENT_STYLE.png, "
                        "or the next free name: output/CONTENT_STYLE-1.png, ...)")
    images.add_argument("--style-weights", help="blend weights of several STYLEs, e.g. 0.7,0.3")
    images.add_argument("--mask", help="an image, white where the style applies; elsewhere the content stays")
    images.add_argument("--outside-style", help="with --mask: a second style for the rest of the picture")
    images.add_argument("--init-image", metavar="PATH",
                        help="start from this image (resized to the content's size) instead of --init's")
    images.add_argument("--preserve-colors", choices=("luminance", "histogram"),
                        help="keep the content's colours: transfer luminance only, or recolour the style first (a step "
                        "before or after the run: goes with --sizes, --checkpoint-every and --resume)")
    # --steps N, or with --sizes N,N,N; --temporal-weight is nst video's
    groups = add_settings_flags(p, skip=("temporal_weight",), types={"steps": str})
    groups["sizes"].add_argument("--sizes", help="coarse to fine: comma-separated sizes, e.g. 256,512,1024 (goes with "
                                 "every option but --checkpoint-every and --resume, which work with one size)")
    _register_saving(p.add_argument_group("saving, stopping and resuming"))
    p.add_argument_group("a trained network").add_argument(
        "--network", metavar="NAME_OR_PATH", help="paint with a trained network in one pass (a .nstnet file "
        "from `nst train`, or a shipped one's style name); CONTENT may be a folder")
    p.set_defaults(func=run)


def _register_saving(group):
    group.add_argument("--save-every", type=int, metavar="N",
                       help="save the picture every N steps beside OUTPUT, numbered: OUTPUT-step00050.png, ...")
    group.add_argument("--gif", metavar="PATH", help="also save the optimization's progress as a .gif or .mp4")
    group.add_argument("--checkpoint-every", type=int, metavar="N",
                       help="save the run's state every N steps to OUTPUT's name + .ckpt.npz")
    group.add_argument("--resume", metavar="CHECKPOINT", help="continue the run saved in CHECKPOINT (.ckpt.npz)")
    group.add_argument("--overwrite", action="store_true", help="replace OUTPUT (and the pictures of --save-every, "
                       "--gif) if they exist")
    group.add_argument("--quiet", action="store_true", help="no progress bar")


def _stem(source):
    return Path(str(source)).stem or "image"


def _plan(args):
    """What to run: (config, content, styles, style_weights, output, checkpoint, resume, steps, sizes)."""
    from ..io.checkpoint import checkpoint_path_for, load_checkpoint
    from ..io.output import new_output_path

    changes = config_changes(args)
    steps = _numbers(changes.pop("steps"), int, "--steps") if "steps" in changes else None
    sizes = _numbers(args.sizes, int, "--sizes") if args.sizes else None
    if steps and not sizes:
        if len(steps) != 1:
            raise NSTError("--steps takes one number, or one per size with --sizes.")
        changes["steps"] = steps[0]
    _check(args, sizes)
    weights = _numbers(args.style_weights, float, "--style-weights") if args.style_weights else None
    if args.resume is not None:  # the checkpoint knows the images, the settings and the output
        resume = load_checkpoint(args.resume)
        extra = resume.extra
        config = resume.config.replace(**changes)
        out = Path(args.output or extra["output"])
        return (config, extra["content"], extra["styles"], weights, out,  # weights None: the checkpoint's
                Path(args.resume), resume, steps, sizes)
    styles = args.style or [DEFAULT_STYLE]
    config = settings_config(args, changes)
    name = f"{_stem(args.content)}_{'+'.join(_stem(s) for s in styles)}.png"
    out = Path(args.output) if args.output else new_output_path(name)
    ckpt = checkpoint_path_for(out) if args.checkpoint_every else None
    if ckpt is not None and ckpt.exists() and not args.overwrite:
        raise NSTError(f"{ckpt} exists from an earlier run: continue it with --resume {ckpt}, "
                       "or pass --overwrite to start again.")
    return config, args.content, styles, weights, out, ckpt, None, steps, sizes


def _check(args, sizes):
    """One clear line for flags that do not go together or have no value."""
    for name in ("checkpoint_every", "save_every"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise NSTError(f"--{name.replace('_', '-')} must be a whole number of steps >= 1, not {value}.")
    if args.resume is not None and not args.resume.strip():
        raise NSTError("--resume needs the checkpoint's path, e.g. --resume output/golden_gate_bridge_van_gogh_the_starry_night.ckpt.npz "
                       "(a run with --checkpoint-every N writes it).")
    resuming = args.resume is not None
    if sizes and (args.checkpoint_every or resuming):
        raise NSTError("--checkpoint-every and --resume work with one size, not with --sizes.")
    if args.outside_style and not args.mask:
        raise NSTError("--outside-style paints outside a mask: give the mask with --mask.")
    if resuming and (args.init_image or args.preset or args.preserve_colors):
        flag = "--init-image" if args.init_image else "--preset" if args.preset else "--preserve-colors"
        raise NSTError(f"{flag} starts a new run; a resumed run continues from its checkpoint: drop {flag} or --resume.")


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
    from ..core.callbacks import Checkpointer, Estimate, SaveEvery

    config, content, styles, weights, out, ckpt, resume, steps, sizes = _plan(args)
    check_output(out, args.overwrite)  # before a long run, not after it
    every = args.checkpoint_every or (resume.extra.get("every") if resume else None)
    save_every = args.save_every or (resume.extra.get("save_every") if resume else None)
    recorder = _recorder(args, config)
    style = styles[0] if len(styles) == 1 else list(styles)
    pictures = SaveEvery(out, save_every, args.overwrite) if save_every else None
    # the time the run will take, from its own first steps (not from another problem's)
    estimate = [] if args.quiet else [Estimate(_stages(config, sizes, steps), config.optimizer, config.time_budget)]
    options = dict(progress=not args.quiet, style_weights=weights, mask=args.mask, init_image=args.init_image,
                   outside_style=args.outside_style, callbacks=[*estimate, *([pictures] if pictures else [])])
    if recorder is not None:
        options.update(callback=recorder, callback_every=recorder.every)
    colors = args.preserve_colors or (resume.extra.get("preserve_colors") if resume else None)
    images = content, style  # as named: what the checkpoint records
    if colors == "histogram":  # a step before the run, whatever run it is
        from ..extensions.color import recolor_styles
        from ..io.sources import as_image

        size = sizes[-1] if sizes else config.max_dim
        images = as_image(content, size), recolor_styles(content, style, size)
    if sizes:
        from ..extensions.coarse_to_fine import stylize_coarse_to_fine

        result = stylize_coarse_to_fine(*images, sizes, steps, config, **options)
    else:
        from ..pipeline import stylize

        # the checkpoint keeps the config, the mask, the outside style and the weights; these, the CLI's
        extra = {"content": str(content), "styles": [str(s) for s in styles], "output": str(out), "every": every,
                 "save_every": save_every, "preserve_colors": colors,
                 "preset": resume.extra.get("preset") if resume else args.preset or DEFAULT_PRESET}
        saver = [Checkpointer(ckpt, every, extra)] if ckpt is not None else []
        options["callbacks"] = saver + options["callbacks"]
        result = stylize(*images, config, resume=resume, **options)
    if colors == "luminance":  # a step after the run
        from ..extensions.color import keep_content_colors

        result = keep_content_colors(result, content)
    if pictures is not None and pictures.paths:
        print(f"Saved {len(pictures.paths)} pictures along the way: {pictures.paths[0]} ... {pictures.paths[-1].name}")
    return _report(args, result, out, ckpt, recorder)


def _stages(config, sizes, steps):
    """The run's [(size, steps)], smallest first: --sizes with --steps, or the config's plan."""
    from ..core.schedule import plan

    if not sizes:
        return [(stage.size, stage.steps) for stage in plan(config)]
    steps = steps or [config.steps]
    return list(zip(sizes, steps if len(steps) == len(sizes) else steps[:1] * len(sizes)))


def _report(args, result, out, ckpt, recorder):
    """Save the best image (and the animation), say what was done; the exit status."""
    from ..io.images import save_image

    path = save_image(result.best_image, out, overwrite=args.overwrite)
    if recorder is not None and recorder.frames:
        from ..io.animation import save_gif

        recorder.add(result.best_image)
        save_gif(recorder.frames_at_one_size(), args.gif, overwrite=args.overwrite)  # --sizes: grown
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
