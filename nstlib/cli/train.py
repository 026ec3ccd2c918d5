"""`nst train`: train a network that paints in one pass in the style of STYLE (notebook 08).

    nst train van_gogh_the_starry_night -o starry.nstnet --size 128 --time 1800
    nst train van_gogh_the_starry_night -o starry.nstnet --resume --steps 4000
    nst stylize photo.jpg --network starry.nstnet

Without --photos it trains on the course's own photos (nstlib.feedforward.photos). The run's
state is kept in NETWORK's name + .ckpt/ (every --checkpoint-every steps and at the end);
--resume goes on from there, to --steps in all. Ctrl-C or `kill` ends it after the current
step and saves the network so far (status 130).
"""

import json
import sys
import time
from pathlib import Path

from ..errors import NSTError

SETTINGS = "train.json"  # in the checkpoint folder: what a --resume must match, and the time so far
MATCHED = ("style", "size", "style_size", "batch_size", "beta", "tv_weight", "photos")


def register(sub):
    p = sub.add_parser("train", help="train a network that paints in STYLE in one pass",
                       description="Train a transform network (Johnson et al. 2016) that paints any photo in "
                       "STYLE (a file, a URL or an example name) in one forward pass; use it with "
                       "`nst stylize PHOTO --network NETWORK`.")
    p.add_argument("style", metavar="STYLE")
    p.add_argument("-o", "--output", required=True, metavar="NETWORK", help="the network's file (.nstnet)")
    p.add_argument("--photos", metavar="DIR", help="a folder of training photos (default: the course's own, "
                   "with golden_gate_bridge and chelsea held out)")
    p.add_argument("--size", type=int, default=256, help="side of the square training crops (default 256)")
    p.add_argument("--style-size", type=int, help="the style image's longest side (default: 2 x --size)")
    p.add_argument("--steps", type=int, default=2000, help="training steps in all, resumed runs included "
                   "(default 2000)")
    p.add_argument("--time", type=float, default=0, metavar="SECONDS", help="stop after this many seconds "
                   "(default 0: no limit)")
    p.add_argument("--batch-size", type=int, default=4, help="photos per step (default 4)")
    p.add_argument("--beta", type=float, help="style weight β (default: nstlib.feedforward.perceptual.BETA)")
    p.add_argument("--tv-weight", type=float, help="total variation weight (default: "
                   "nstlib.feedforward.perceptual.TV_WEIGHT)")
    p.add_argument("--checkpoint-every", type=int, default=100, metavar="N", help="default 100")
    p.add_argument("--resume", action="store_true", help="continue from NETWORK's checkpoint (NETWORK.ckpt/)")
    p.add_argument("--overwrite", action="store_true", help="replace NETWORK and its checkpoint")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _check(args):
    for name in ("size", "steps", "batch_size", "checkpoint_every"):
        if getattr(args, name) < 1:
            raise NSTError(f"--{name.replace('_', '-')} must be at least 1, not {getattr(args, name)}.")
    if args.size < 32:
        raise NSTError(f"--size {args.size} is too small: VGG-19's style layers need crops of at least 32 px.")
    if args.time < 0:
        raise NSTError(f"--time must be at least 0 seconds, not {args.time:g}.")
    out = Path(args.output)
    if out.suffix != ".nstnet":
        raise NSTError(f"-o {out}: a network's file name ends in .nstnet, e.g. {out.with_suffix('.nstnet')}.")
    ckpt = out.with_suffix(".ckpt")
    if args.resume and not (ckpt / SETTINGS).is_file():
        raise NSTError(f"--resume: no checkpoint at {ckpt}: train without --resume first.")
    if not args.resume and not args.overwrite and (out.exists() or ckpt.exists()):
        raise NSTError(f"{out if out.exists() else ckpt} exists: continue it with --resume, or pass --overwrite.")
    return out, ckpt


def _settings(args, files):
    from ..feedforward.perceptual import BETA, TV_WEIGHT

    return {"style": args.style, "size": args.size, "style_size": args.style_size or 2 * args.size,
            "batch_size": args.batch_size, "beta": BETA if args.beta is None else args.beta,
            "tv_weight": TV_WEIGHT if args.tv_weight is None else args.tv_weight,
            "photos": args.photos or "course", "photo_files": [str(f) for f in files], "seconds": 0.0}


def _photos(args):
    from ..feedforward.photos import course_photos, photo_files

    return photo_files(args.photos) if args.photos else [path for _, path, _ in course_photos()]


def run(args):
    from ..feedforward.training import Trainer
    from ..io.sources import as_image

    out, ckpt = _check(args)
    settings = _settings(args, _photos(args))
    if args.resume:
        saved = json.loads((ckpt / SETTINGS).read_text())
        changed = [k for k in MATCHED if saved.get(k) != settings[k]]
        if changed:
            raise NSTError(f"--resume: {', '.join(changed)} differ from the checkpoint's "
                           f"({', '.join(f'{k}={saved.get(k)!r}' for k in changed)}).")
        settings = saved
    elif ckpt.exists():
        import shutil

        shutil.rmtree(ckpt)
    style = as_image(args.style, settings["style_size"])
    trainer = Trainer(style, settings["photo_files"], size=args.size, batch_size=args.batch_size,
                      checkpoint_dir=ckpt, resume=args.resume, beta=settings["beta"],
                      tv_weight=settings["tv_weight"])
    ckpt.mkdir(parents=True, exist_ok=True)
    (ckpt / SETTINGS).write_text(json.dumps(settings, indent=1))
    result = trainer.train(args.steps, args.time, args.checkpoint_every, progress=not args.quiet)
    settings["seconds"] += result.seconds
    (ckpt / SETTINGS).write_text(json.dumps(settings, indent=1))
    return _save(args, out, settings, result)


def command_line(args):
    """The command that makes this run again, every training flag spelled out."""
    import shlex

    argv = ["nst", "train", args.style, "-o", args.output]
    if args.photos:
        argv += ["--photos", args.photos]
    argv += ["--size", args.size, "--steps", args.steps, "--time", f"{args.time:g}", "--batch-size", args.batch_size]
    argv += ["--style-size", args.style_size] if args.style_size else []
    argv += ["--beta", f"{args.beta:g}"] if args.beta is not None else []
    argv += ["--tv-weight", f"{args.tv_weight:g}"] if args.tv_weight is not None else []
    return shlex.join(str(a) for a in argv + (["--resume"] if args.resume else []))


def _save(args, out, settings, result):
    from ..feedforward.record import final_costs, machine, sha256
    from ..feedforward.storage import save_network

    record = {"command": command_line(args), "steps": result.steps_done, "seconds": round(settings["seconds"], 1),
              "photos": settings["photos"], "photo_files": [Path(f).name for f in settings["photo_files"]],
              "size": settings["size"], "style_size": settings["style_size"], "batch_size": settings["batch_size"],
              "beta": settings["beta"], "tv_weight": settings["tv_weight"], "final_costs": final_costs(result.history),
              "finished": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "machine": machine()}
    path = save_network(result.net, out, style=settings["style"], record=record, overwrite=True)
    costs = ", ".join(f"{k} {v:.3g}" for k, v in record["final_costs"].items())
    said = (f"Saved {path} ({result.steps_done} steps, {settings['seconds']:.0f} s in all; last costs: {costs}; "
            f"sha256 {sha256(path)})")
    if result.stopped == "interrupted":
        print(f"nst: interrupted; {said}; continue with --resume", file=sys.stderr)
        return 130
    if result.stopped == "time":
        said += f"; the time budget ended it: continue with --resume to reach {args.steps} steps"
    print(said)
    return 0
