"""`nst stylize`: paint CONTENT in the style of STYLE.

    nst stylize                                   # the default pair into output/
    nst stylize golden_gate_bridge van_gogh_the_starry_night --size 512 -o output/bridge.png

Every Config field is a flag (nstlib.cli.flags). The flags make one Request
(nstlib.pipeline.request) and nstlib.pipeline.run runs it, so every option goes with every
other: --sizes, --preserve-colors, --mask, several styles, --checkpoint-every, --time, --gif,
--save-every. A run stopped by Ctrl-C or `kill` saves the best image so far (status 130);
with --checkpoint-every it also keeps its state and its whole request, and --resume continues
it with everything it had (the images, the settings, the sizes, the colour mode, the mask,
the output). The one rule: --resume continues a run, so the flags that start a new one
(--init-image, --preset, --preserve-colors, --sizes) are refused with it.
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
                        "before or after the run: goes with every option)")
    # --steps N, or with --sizes N,N,N; --temporal-weight is nst video's
    groups = add_settings_flags(p, skip=("temporal_weight",), types={"steps": str})
    groups["sizes"].add_argument("--sizes", help="coarse to fine: comma-separated sizes, e.g. 256,512,1024 (goes with "
                                 "every option; a checkpoint keeps the size it was taken at)")
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
    group.add_argument("--resume", metavar="CHECKPOINT", help="continue the run saved in CHECKPOINT (.ckpt.npz) with everything it "
                       "had; --init-image, --preset, --preserve-colors and --sizes start a new run and are refused with it")
    group.add_argument("--overwrite", action="store_true", help="replace OUTPUT (and the pictures of --save-every, "
                       "--gif) if they exist")
    group.add_argument("--quiet", action="store_true", help="no progress bar")


def _stem(source):
    return Path(str(source)).stem or "image"


def _request(args):
    """The run the flags ask for: (Request, the checkpoint resumed or None)."""
    from ..io.checkpoint import checkpoint_path_for, load_checkpoint
    from ..io.output import new_output_path
    from ..pipeline import Request

    changes = config_changes(args)
    steps = _numbers(changes.pop("steps"), int, "--steps") if "steps" in changes else None
    sizes = _numbers(args.sizes, int, "--sizes") if args.sizes else None
    if steps and not sizes and len(steps) != 1:
        raise NSTError("--steps takes one number, or one per size with --sizes.")
    _check(args)
    asked = {k: v for k, v in dict(
        style_weights=_numbers(args.style_weights, float, "--style-weights") if args.style_weights else None,
        output=args.output, save_every=args.save_every, checkpoint_every=args.checkpoint_every,
        gif=args.gif).items() if v is not None}
    if args.resume is not None:  # the checkpoint knows the rest of the request
        resume = load_checkpoint(args.resume)
        if (resume.extra.get("request") or {}).get("content") is None:  # a library run's, on tensors
            raise NSTError(f"{args.resume} was not written by `nst stylize`: resume it with "
                           "nstlib.stylize(content, style, resume=...).")
        saved = Request.from_dict(resume.extra["request"])
        if steps and saved.sizes:  # steps per size of the saved ladder
            asked["steps"] = steps
        elif steps:
            changes["steps"] = steps[0]
        return saved.replace(**asked, config=saved.config.replace(**changes), overwrite=args.overwrite,
                             checkpoint=Path(args.resume)), resume
    styles = args.style or [DEFAULT_STYLE]
    name = f"{_stem(args.content)}_{'+'.join(_stem(s) for s in styles)}.png"
    out = Path(args.output) if args.output else new_output_path(name)
    ckpt = checkpoint_path_for(out) if args.checkpoint_every else None
    if ckpt is not None and ckpt.exists() and not args.overwrite:
        raise NSTError(f"{ckpt} exists from an earlier run: continue it with --resume {ckpt}, "
                       "or pass --overwrite to start again.")
    config = settings_config(args, {**changes, **({"steps": steps[0]} if steps and not sizes else {})})
    ladder = {"sizes": sizes, "steps": steps} if sizes else {}
    return Request(args.content, styles[0] if len(styles) == 1 else styles, config, **{**asked, **ladder, "output": out},
                   mask=args.mask, outside_style=args.outside_style, init_image=args.init_image,
                   preserve_colors=args.preserve_colors, overwrite=args.overwrite, checkpoint=ckpt,
                   preset=args.preset or DEFAULT_PRESET), None


def _check(args):
    """One clear line for flags that do not go together or have no value."""
    for name in ("checkpoint_every", "save_every"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise NSTError(f"--{name.replace('_', '-')} must be a whole number of steps >= 1, not {value}.")
    if args.resume is not None and not args.resume.strip():
        raise NSTError("--resume needs the checkpoint's path, e.g. --resume output/golden_gate_bridge_van_gogh_the_starry_night.ckpt.npz "
                       "(a run with --checkpoint-every N writes it).")
    if args.outside_style and not args.mask:
        raise NSTError("--outside-style paints outside a mask: give the mask with --mask.")
    if args.resume is not None and (args.init_image or args.preset or args.preserve_colors or args.sizes):
        flag = next(f for f, v in (("--init-image", args.init_image), ("--preset", args.preset),
                                   ("--preserve-colors", args.preserve_colors), ("--sizes", args.sizes)) if v)
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


def _check_gif(request):
    if request.gif is None:
        return
    from ..io.animation import ANIMATION_FORMATS

    if request.gif.suffix.lower() not in ANIMATION_FORMATS or (request.gif.exists() and not request.overwrite):
        raise NSTError(f"--gif {request.gif}: give a new .gif or .mp4 path (or pass --overwrite).")


def run(args):
    if args.network:  # one forward pass, no optimization (notebook 08)
        from .network import run_network

        return run_network(args)
    from ..pipeline import run as run_request

    request, resume = _request(args)
    check_output(request.output, request.overwrite)  # before a long run, not after it
    _check_gif(request)
    # estimate: the time the run will take, from its own first steps (not from another problem's)
    result = run_request(request, resume=resume, progress=not args.quiet, estimate=not args.quiet)
    return _report(request, result)


def _report(request, result):
    """Say what was done and saved; the exit status."""
    saved = result.saved
    path = saved["output"]
    if saved["pictures"]:
        print(f"Saved {len(saved['pictures'])} pictures along the way: {saved['pictures'][0]} ... "
              f"{saved['pictures'][-1].name}")
    if "gif" in saved:
        print(f"Saved the progress, {saved['frames']} frames, to {saved['gif']}")
    if result.interrupted:
        kept = f"; continue with: nst stylize --resume {request.checkpoint}" if request.checkpoint else ""
        print(f"nst: interrupted after {result.steps_done} steps; saved the best image so far to {path}{kept}",
              file=sys.stderr)
        return 130
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
