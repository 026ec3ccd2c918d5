"""`nst stylize CONTENT --network NAME_OR_PATH` (and `nst video IN OUT --network ...`): paint with a
trained network, one forward pass per picture.

    nst stylize photo.jpg --network van_gogh_the_starry_night     # a network nstlib ships
    nst stylize photo.jpg --network starry.nstnet -o painted.png   # one `nst train` wrote
    nst stylize holiday_photos/ --network starry.nstnet            # every image in a folder
    nst video clip.gif painted.gif --network starry.nstnet         # every frame of a clip

CONTENT is a file, a URL, an example's name or a folder of images (then -o is a folder).
--size is the longest side the photo is painted at (default 512). Taught in notebook 08.
"""

import time
from pathlib import Path

from ..errors import NSTError

DEFAULT_SIZE = 512


def run_network(args):
    """Paint args.content with args.network; the exit status."""
    from ..feedforward.storage import load_network
    from .stylize import check_output

    if args.style:
        raise NSTError(f"--network paints in its own style: give no STYLE ({' '.join(args.style)}), "
                       "or leave out --network to optimize.")
    size = args.max_dim or DEFAULT_SIZE
    net = load_network(args.network)
    name = Path(str(args.network)).stem
    content = Path(str(args.content))
    if content.is_dir():
        return _folder(net, name, content, size, args)
    from ..io.output import new_output_path

    out = Path(args.output) if args.output else new_output_path(f"{content.stem or 'image'}_{name}.png")
    check_output(out, args.overwrite)
    seconds = _paint_one(net, args.content, size, out, args.overwrite)
    print(f"Saved {out} (painted by {name} in {seconds:.2f} s)")
    return 0


def _paint_one(net, source, size, out, overwrite):
    """Load, paint, save; the seconds the forward pass took."""
    from ..feedforward.network import paint
    from ..io.images import save_image
    from ..io.sources import as_image

    image = as_image(source, size)  # (1, H, W, 3) in [0, 1]
    start = time.perf_counter()
    painted = paint(net, image).numpy()
    seconds = time.perf_counter() - start
    save_image(painted, out, overwrite=overwrite)
    return seconds


def _folder(net, name, folder, size, args):
    """Paint every image in folder into the output folder (-o, or output/FOLDER_NETWORK/)."""
    from ..feedforward.photos import PHOTO_SUFFIXES
    from ..io.output import output_dir

    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES and p.is_file())
    if not files:
        raise NSTError(f"{folder} has no images ({', '.join(PHOTO_SUFFIXES)}): give a photo or a folder of photos.")
    target = Path(args.output) if args.output else output_dir() / f"{folder.name}_{name}"
    if target.exists() and not target.is_dir():
        raise NSTError(f"-o {target}: painting a folder needs a folder to write into, not a file.")
    seconds = [_paint_one(net, f, size, target / f"{f.stem}.png", args.overwrite) for f in files]
    print(f"Saved {len(files)} images to {target} ({sum(seconds):.2f} s of painting)")
    return 0


def run_video_network(args):
    """`nst video IN OUT --network NAME_OR_PATH`: every frame painted in one pass; the exit status."""
    from ..feedforward.network import paint
    from ..feedforward.storage import load_network
    from ..io.frames import check_output, read_frames, write_frames

    check_output(Path(args.output), overwrite=args.overwrite)
    net = load_network(args.network)
    frames = read_frames(args.input, max_dim=args.max_dim or DEFAULT_SIZE, max_frames=args.max_frames)
    start = time.perf_counter()
    painted = [paint(net, frame).numpy() for frame in frames]  # (1, H, W, 3) each
    seconds = time.perf_counter() - start
    path = write_frames(painted, args.output, fps=args.fps, overwrite=args.overwrite)
    print(f"Saved {len(painted)} frames to {path} (painted in {seconds:.1f} s, "
          f"{len(painted) / max(seconds, 1e-9):.1f} frames per second)")
    return 0
