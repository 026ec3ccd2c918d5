"""A clip's frames in and out: GIFs, videos (through imageio-ffmpeg) and folders of images,
and the folder of a run's finished frames, from which a stopped run resumes.

Every frame is a (1, H, W, 3) float32 tensor in [0, 1], like every image in nstlib.
Used by nstlib.extensions.video and ``nst video``; taught nowhere: it's plumbing.
"""

import contextlib
import json
import re
from pathlib import Path

from ..errors import NSTError
from .animation import ANIMATION_FORMATS, ffmpeg_available, save_gif
from .images import load_image, save_image, write_atomically

VIDEO_SUFFIXES = (".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v")  # read with ffmpeg
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff")


def _natural_key(path):
    """frame_2.png before frame_10.png: numbers in names compare as numbers."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def read_frames(source, max_dim=None, max_frames=None):
    """The frames of a clip as a list of (1, H, W, 3) float32 tensors in [0, 1].

    source: a GIF (or animated WebP/PNG), a video (.mp4, .mov, ... with imageio-ffmpeg),
    or a folder of images, read in the order of their names (frame_2 before frame_10).
    max_dim: the longest side of every frame; max_frames: read at most that many.
    """
    path = Path(source)
    if not path.exists():
        raise NSTError(f"No such file or folder: {path}. Pass a GIF, a video or a folder of images.")
    if path.is_dir():
        files = sorted((p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
                        and not p.name.startswith(".")), key=_natural_key)
        if not files:
            raise NSTError(f"The folder {path} has no images ({', '.join(IMAGE_SUFFIXES)}): nothing to read.")
        frames = [load_image(p, max_dim=max_dim) for p in files[:max_frames]]
        names = [p.name for p in files]
    else:
        frames = [load_image(pixels, max_dim=max_dim) for pixels in _decode_clip(path, max_frames)]
        names = [f"frame {i + 1}" for i in range(len(frames))]
    check_frames(frames, names, what=f"The frames of {path}")
    return frames


def check_frames(frames, names=None, what="The frames"):
    """NSTError unless every frame has the first one's shape, naming the first that differs.

    Used by read_frames and stylize_video; taught nowhere: it's plumbing."""
    names = names or [f"frame {i + 1}" for i in range(len(frames))]
    for name, frame in zip(names, frames):
        if tuple(frame.shape) != tuple(frames[0].shape):
            raise NSTError(
                f"{what} do not all have one size: {names[0]} is "
                f"{frames[0].shape[2]}x{frames[0].shape[1]}, {name} is {frame.shape[2]}x{frame.shape[1]}."
            )


def _decode_clip(path, max_frames):
    """The frames (H, W, C) arrays of a GIF or video file."""
    import imageio.v3 as iio

    is_video = path.suffix.lower() in VIDEO_SUFFIXES
    if is_video and not ffmpeg_available():
        raise NSTError(f"Reading {path} needs the imageio-ffmpeg package (pip install imageio-ffmpeg).")
    frames = []
    try:
        for frame in iio.imiter(path, plugin="FFMPEG" if is_video else "pillow"):
            frames.append(frame)
            if max_frames is not None and len(frames) >= max_frames:
                break
    except Exception as e:  # imageio raises many types for a file it cannot read
        reason = (str(e).strip().splitlines() or [""])[0][:200]  # one line: ffmpeg's are long
        raise NSTError(
            f"{path} could not be read as a clip ({type(e).__name__}: {reason}). Use a GIF, "
            f"a video ({', '.join(VIDEO_SUFFIXES)}) or a folder of images."
        ) from None
    if not frames:
        raise NSTError(f"{path} has no frames.")
    return frames


def write_frames(frames, out, fps=10, overwrite=False):
    """Write frames to out: a .gif or .mp4 file (animation.save_gif), or a folder; its Path.

    In a folder the frames are frame_0001.png, frame_0002.png, ... Refuses to replace
    any existing file unless overwrite=True (checked before writing anything).
    """
    out = Path(out)
    if out.suffix.lower() in ANIMATION_FORMATS:
        return save_gif(frames, out, fps=fps, overwrite=overwrite)
    check_output(out)
    if len(frames) == 0:
        raise NSTError("There are no frames to write.")
    digits = max(4, len(str(len(frames))))
    paths = [out / f"frame_{i:0{digits}d}.png" for i in range(1, len(frames) + 1)]
    taken = [p for p in paths if p.exists()]
    if taken and not overwrite:
        raise NSTError(
            f"{taken[0]} exists ({len(taken)} of the frames' names are taken); pass "
            "overwrite=True (CLI: --overwrite) or choose another folder."
        )
    for frame, path in zip(frames, paths):
        save_image(frame, path, overwrite=overwrite)
    return out


def check_output(out, overwrite=True):
    """NSTError unless write_frames can write to out (and, without overwrite, out is free).

    Used by write_frames and `nst video` (before any work); taught nowhere: it's plumbing."""
    out = Path(out)
    if out.suffix.lower() not in ANIMATION_FORMATS and out.suffix and not out.is_dir():
        raise NSTError(
            f"Cannot write frames to {out}: give a {' or '.join(ANIMATION_FORMATS)} file or a folder."
        )
    if not overwrite and out.is_file():
        raise NSTError(f"{out} exists: pass --overwrite to replace it, or choose another name.")


def frames_folder_for(out):
    """Where a run writing out keeps its finished frames: beside it, out's name + ".frames".

    Used by `nst video`; taught nowhere: it's plumbing."""
    out = Path(out)
    return out.with_name(out.name + ".frames")


class FrameFolder:
    """The finished frames of a run, each saved (atomically) as it ends, with the run's
    settings in settings.json, so that a stopped run can resume where it stopped.

    FrameFolder.open(path, settings, resume, overwrite) makes it (or reopens it with
    resume=True, when the settings are the same); ``finished()`` are the frames done,
    ``add(index, image)`` saves one more (a stylize_video callback_frame), ``remove()``
    deletes the folder when the clip is written. Used by `nst video`; taught nowhere.
    """

    SETTINGS = "settings.json"

    def __init__(self, path, settings):
        self.path, self.settings = Path(path), dict(settings)
        self.digits = max(4, len(str(self.settings.get("frames", 0))))

    @classmethod
    def open(cls, path, settings, resume=False, overwrite=False):
        folder, path = cls(path, json.loads(json.dumps(settings))), Path(path)
        if resume:
            folder._check_settings()
            return folder
        if path.exists():
            if not overwrite:
                raise NSTError(f"{path} holds the frames of a stopped run: pass --resume to continue it, "
                               "or --overwrite to start again.")
            folder.remove()
        write_atomically(path / cls.SETTINGS, lambda tmp: tmp.write_text(json.dumps(folder.settings, indent=1)))
        return folder

    def _check_settings(self):
        try:
            before = json.loads((self.path / self.SETTINGS).read_text())
        except FileNotFoundError:
            raise NSTError(f"Nothing to resume: {self.path / self.SETTINGS} does not exist.") from None
        except (OSError, ValueError) as e:
            raise NSTError(f"Cannot resume from {self.path}: its {self.SETTINGS} is unreadable ({e}).") from None
        changed = [k for k in sorted(set(before) | set(self.settings)) if before.get(k) != self.settings.get(k)]
        if changed:
            k = changed[0]
            raise NSTError(f"Cannot resume: the stopped run had {k} {before.get(k)!r}, this one "
                           f"{self.settings.get(k)!r}. Resume with the same settings, or --overwrite to start again.")

    def frame_path(self, index):
        return self.path / f"frame_{index + 1:0{self.digits}d}.png"

    def finished(self):
        """The frames saved so far, in order (up to the first missing one)."""
        frames = []
        while self.frame_path(len(frames)).is_file():
            frames.append(load_image(self.frame_path(len(frames)), min_side=1))
        return frames

    def add(self, index, image):
        """Save frame number index (from 0); None, so that the run goes on."""
        save_image(image, self.frame_path(index), overwrite=True)

    def remove(self):
        """Delete the frames and the settings, and the folder if nothing else is in it."""
        for p in [*self.path.glob("frame_*.png"), self.path / self.SETTINGS]:
            p.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.path.rmdir()
