"""Optical flow for video: how every pixel moved between two frames, warping along it, and
where that warp cannot be trusted (Ruder, Dosovitskiy and Brox 2016).

    back = optical_flow(frame, previous)       # (H, W, 2): where each pixel of frame was
    warped = warp(styled_previous, back)       # the previous result, moved with the scene
    weights = reliability(back, optical_flow(previous, frame))   # 0 where it is occluded

The convention, everywhere: ``flow = optical_flow(a, b)`` says, for every pixel x of a,
where it is in b: a(x) ≈ b(x + flow(x)), flow[..., 0] the horizontal (x, to the right)
and flow[..., 1] the vertical (y, down) displacement, in pixels. So the *backward* flow
of frame t, ``optical_flow(frame_t, frame_t-1)``, says where each pixel of t was in t-1,
and ``warp(image_t-1, backward)`` samples t-1 there: t-1's picture on t's grid.

The flow comes from OpenCV's DIS optical flow (Kroeger et al. 2016), the ``video``
extra: ``pip install 'nstlib[video]'``. Nothing else here needs OpenCV: the warping, the
consistency check, the drawings and the clips of known motion are numpy.

Taught in notebooks/07_beyond_the_basics.ipynb.
"""

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from ..errors import NSTError

PRESETS = ("ultrafast", "fast", "medium", "fine")  # fine: OpenCV's medium at full resolution
# Ruder et al.'s thresholds (section 3.1): disocclusions and motion boundaries
OCCLUSION_SLACK, OCCLUSION_BIAS = 0.01, 0.5
BOUNDARY_SLACK, BOUNDARY_BIAS = 0.01, 0.002


def opencv_available():
    """True when OpenCV (the ``video`` extra) can be imported. Used in
    notebooks/07_beyond_the_basics.ipynb."""
    try:
        import cv2  # noqa: F401
    except ImportError:
        return False
    return True


def _cv2():
    try:
        import cv2
    except ImportError:
        raise NSTError("Optical flow needs OpenCV: pip install 'nstlib[video]' "
                       "(or use the flow-free warm start: method='warm', CLI --method warm).") from None
    return cv2


def _pixels(image):
    """(H, W, C) float32 numpy pixels of an image (1, H, W, C) or (H, W, C)."""
    a = np.asarray(image, np.float32)
    if a.ndim == 4:
        if a.shape[0] != 1:
            raise NSTError(f"Expected one image (1, H, W, C), not a batch of shape {a.shape}.")
        a = a[0]
    if a.ndim == 2:
        a = a[..., None]
    if a.ndim != 3:
        raise NSTError(f"Expected an image (1, H, W, C), (H, W, C) or (H, W), not shape {a.shape}.")
    return a


def optical_flow(frame, other, preset="fine"):
    """The flow (H, W, 2) from frame to other, both (1, H, W, 3) in [0, 1]: for every
    pixel x of frame, the displacement (dx, dy) in pixels to where it is in other, so that
    frame(x) ≈ other(x + flow(x)).

    optical_flow(frame_t, frame_t-1) is the backward flow of frame t: where each of its
    pixels was in the frame before. OpenCV's DIS flow on the frames' grey levels; preset:
    OpenCV's ultrafast, fast or medium, or fine (the default): medium with its finest
    scale at full resolution, as small frames need (medium stops at half resolution).
    Taught in notebooks/07_beyond_the_basics.ipynb.
    """
    cv2 = _cv2()
    if preset not in PRESETS:
        raise NSTError(f"preset must be one of {', '.join(PRESETS)}, not {preset!r}.")
    a, b = _pixels(frame), _pixels(other)
    if a.shape != b.shape:
        raise NSTError(f"The two frames differ in size: {a.shape[1]}x{a.shape[0]} and {b.shape[1]}x{b.shape[0]}.")
    name = "MEDIUM" if preset == "fine" else preset.upper()
    dis = cv2.DISOpticalFlow_create(getattr(cv2, f"DISOPTICAL_FLOW_PRESET_{name}"))
    if preset == "fine":
        dis.setFinestScale(0)
    return dis.calc(_grey(a), _grey(b), None).astype(np.float32)


def _grey(a):
    """uint8 grey levels (H, W) of pixels (H, W, C) in [0, 1] (ITU-R 601 luma)."""
    grey = a[..., 0] if a.shape[-1] == 1 else a[..., :3] @ np.float32([0.299, 0.587, 0.114])
    return np.round(np.clip(grey, 0.0, 1.0) * 255.0).astype(np.uint8)


def _sample(image, x, y):
    """Bilinear samples of image (H, W, C) at the points (x, y) (arrays of one shape,
    in pixels; points outside take the nearest border pixel's value); (*x.shape, C)."""
    h, w = image.shape[:2]
    x, y = np.clip(x, 0.0, w - 1.0), np.clip(y, 0.0, h - 1.0)
    x0, y0 = np.minimum(np.floor(x).astype(int), w - 2).clip(0), np.minimum(np.floor(y).astype(int), h - 2).clip(0)
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]
    top = image[y0, x0] * (1.0 - fx) + image[y0, x1] * fx
    bottom = image[y1, x0] * (1.0 - fx) + image[y1, x1] * fx
    return (top * (1.0 - fy) + bottom * fy).astype(np.float32)


def warp(image, flow, interpolation="bilinear"):
    """image moved along flow: warped(x) = image(x + flow(x)); the shape of image.

    image: (1, H, W, C), (H, W, C) or (H, W); flow: (H, W, 2) in pixels, e.g. the
    backward flow of frame t (optical_flow(frame_t, frame_t-1)): then warp(image_t-1,
    flow) is image t-1 moved onto frame t's grid. Points that fall outside the image take
    the nearest border pixel (reliability gives them weight 0). interpolation: bilinear
    (numpy), or cubic (OpenCV's remap, clipped to the image's range): each bilinear warp
    blurs a little, which adds up over a video's frames; a cubic one keeps strokes sharp.
    Taught in notebooks/07_beyond_the_basics.ipynb.
    """
    shape = np.shape(image)
    a, flow = _pixels(image), np.asarray(flow, np.float32)
    if flow.shape != a.shape[:2] + (2,):
        raise NSTError(f"The flow's shape {flow.shape} does not match the image's {a.shape[:2]} (+ (2,)).")
    ys, xs = np.mgrid[0:a.shape[0], 0:a.shape[1]].astype(np.float32)
    x, y = xs + flow[..., 0], ys + flow[..., 1]
    if interpolation == "bilinear":
        return _sample(a, x, y).reshape(shape)
    if interpolation != "cubic":
        raise NSTError(f"interpolation must be bilinear or cubic, not {interpolation!r}.")
    cv2 = _cv2()
    out = cv2.remap(a, x, y, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return np.clip(out, a.min(), a.max()).reshape(shape)


def outside(flow):
    """(H, W) bool: the pixels whose flow points outside the frame (they enter the view).

    Taught in notebooks/07_beyond_the_basics.ipynb (with occlusions)."""
    h, w = flow.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    x, y = xs + flow[..., 0], ys + flow[..., 1]
    return (x < 0) | (x > w - 1) | (y < 0) | (y > h - 1)


def occlusions(backward, forward):
    """Ruder et al.'s checks on frame t's grid, each an (H, W) bool array: {occluded,
    boundary, outside}.

    backward: optical_flow(frame_t, frame_t-1), ŵ; forward: optical_flow(frame_t-1,
    frame_t), w, and w̃ = warp(w, ŵ) the forward flow brought onto frame t's grid.
    - occluded (disoccluded in t): the two flows do not cancel,
      |w̃ + ŵ|² > 0.01 (|w̃|² + |ŵ|²) + 0.5;
    - boundary (motion boundaries): |∇û|² + |∇v̂|² > 0.01 |ŵ|² + 0.002;
    - outside: ŵ points out of frame t-1 (what the camera's move brings into view).
    Taught in notebooks/07_beyond_the_basics.ipynb.
    """
    backward, forward = np.asarray(backward, np.float32), np.asarray(forward, np.float32)
    there = warp(forward, backward)
    sq = lambda f: np.sum(np.square(f), axis=-1)  # noqa: E731
    occluded = sq(there + backward) > OCCLUSION_SLACK * (sq(there) + sq(backward)) + OCCLUSION_BIAS
    grads = [g for c in (0, 1) for g in np.gradient(backward[..., c])]
    boundary = sum(np.square(g) for g in grads) > BOUNDARY_SLACK * sq(backward) + BOUNDARY_BIAS
    return {"occluded": occluded, "boundary": boundary, "outside": outside(backward)}


def reliability(backward, forward):
    """The temporal cost's weights c (H, W) float32: 1 where frame t's pixel was seen in
    frame t-1 and the flow holds, 0 where any of occlusions() fires (Ruder et al.).

    Taught in notebooks/07_beyond_the_basics.ipynb.
    """
    return weights_of(occlusions(backward, forward))


def weights_of(masks):
    """reliability's weights (H, W) float32 from occlusions()'s masks (1 where none fires).

    Taught in notebooks/07_beyond_the_basics.ipynb (with occlusions)."""
    return 1.0 - (masks["occluded"] | masks["boundary"] | masks["outside"]).astype(np.float32)


def frame_motion(frame, previous, preset="fine"):
    """(the backward flow (H, W, 2) of frame, its weights (H, W)): how frame's pixels came
    from previous, and where that holds. Two DIS flows and reliability().

    Taught in notebooks/07_beyond_the_basics.ipynb.
    """
    backward = optical_flow(frame, previous, preset)
    return backward, reliability(backward, optical_flow(previous, frame, preset))


# --- drawings -------------------------------------------------------------------------

def flow_to_color(flow, max_magnitude=None):
    """A flow (H, W, 2) as colours (H, W, 3) in [0, 1]: the direction is the hue (right
    red, down yellow-green, left cyan, up violet), the length the brightness (black: still).

    max_magnitude: the length drawn at full brightness (default the flow's longest).
    Taught in notebooks/07_beyond_the_basics.ipynb.
    """
    from matplotlib.colors import hsv_to_rgb

    flow = np.asarray(flow, np.float32)
    magnitude = np.hypot(flow[..., 0], flow[..., 1])
    top = float(max_magnitude or magnitude.max() or 1.0)
    hue = (np.arctan2(flow[..., 1], flow[..., 0]) / (2 * np.pi)) % 1.0
    hsv = np.stack([hue, np.ones_like(hue), np.clip(magnitude / top, 0.0, 1.0)], axis=-1)
    return hsv_to_rgb(hsv).astype(np.float32)


def flow_legend(size=64):
    """The colour key of flow_to_color (size, size, 3): each pixel coloured as a flow from
    the centre to it. Taught in notebooks/07_beyond_the_basics.ipynb."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32) - (size - 1) / 2
    disc = np.hypot(xs, ys) <= size / 2
    return flow_to_color(np.stack([xs, ys], axis=-1) * disc[..., None], size / 2)


def plot_flow_arrows(flow, image=None, step=None, ax=None, color="white", title=None):
    """Draw a flow (H, W, 2) as arrows (matplotlib quiver) over image; the Axes.

    One arrow every step pixels (default: about 16 across), from each pixel to
    pixel + flow, in pixels (an arrow of a backward flow points to where that
    pixel was in the frame before). Taught in notebooks/07_beyond_the_basics.ipynb.
    """
    import matplotlib.pyplot as plt

    flow = np.asarray(flow, np.float32)
    h, w = flow.shape[:2]
    step = step or max(1, max(h, w) // 16)
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4 * h / w))
    ax.imshow(_pixels(image) if image is not None else np.zeros((h, w, 3)), extent=(-0.5, w - 0.5, h - 0.5, -0.5))
    ys, xs = np.mgrid[step // 2:h:step, step // 2:w:step]
    ax.quiver(xs, ys, flow[ys, xs, 0], flow[ys, xs, 1], color=color, angles="xy", scale_units="xy", scale=1,
              width=0.006)
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


# --- clips of known motion --------------------------------------------------------------

@dataclass
class KnownMotion:
    """A clip made by code, with its true motion: frames[t] (1, H, W, 3); flows[t - 1] the
    true backward flow (H, W, 2) of frame t; visible[t - 1] (H, W) float32, 1 where frame
    t's pixel was seen in frame t-1 (0 where it entered the view or was behind the sprite)."""

    frames: list
    flows: list
    visible: list

    @property
    def motion(self):
        """[(flow, weights)] for t >= 1, as frame_motion returns them (warping_error's motion=)."""
        return list(zip(self.flows, self.visible))


def pan_zoom_clip(image, n_frames=6, size=(64, 64), pan=(2.0, 0.0), zoom=1.0, sprite=None,
                  sprite_velocity=(-3.0, 1.0)):
    """A camera panning and zooming over a still image, with its true flow; a KnownMotion.

    image (1, H, W, 3): larger than size = (height, width), so that the view stays on it.
    Per frame the view moves pan = (dx, dy) frame pixels (the scene moves the other way)
    and is magnified zoom times about its centre: the true backward flow is
    b(x) = pan + (x - centre) (1 / zoom - 1). sprite: a small image (1, h, w, 3) pasted
    in front, moving sprite_velocity pixels per frame on the screen (its flow is
    -sprite_velocity): the background it uncovers is occluded, as Ruder et al. mean it.
    Taught in notebooks/07_beyond_the_basics.ipynb.
    """
    big, (h, w), pan = _pixels(image), size, np.float32(pan)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    o = np.float32([(w - 1) / 2, (h - 1) / 2])
    scales = [float(zoom) ** t for t in range(n_frames)]
    centres = np.cumsum([np.zeros(2, np.float32)] + [pan / s for s in scales[:-1]], axis=0)
    centres += (np.float32(big.shape[1::-1]) - 1) / 2 - (centres.min(0) + centres.max(0)) / 2
    flow = np.stack([pan[0] + (xs - o[0]) * (1 / zoom - 1), pan[1] + (ys - o[1]) * (1 / zoom - 1)], axis=-1)
    clip = KnownMotion([], [], [])
    for t, (c, s) in enumerate(zip(centres, scales)):
        picture = _sample(big, c[0] + (xs - o[0]) / s, c[1] + (ys - o[1]) / s)
        seen, back = ~outside(flow), flow.copy()
        if sprite is not None:
            patch = _pixels(sprite)
            left, top = _sprite_corner(size, patch.shape, sprite_velocity, t)
            inside = _covers(left, top, patch.shape, xs, ys)
            picture[inside] = _sample(patch, xs[inside] - left, ys[inside] - top)
            if t:  # behind the sprite in frame t-1: not seen there
                left, top = _sprite_corner(size, patch.shape, sprite_velocity, t - 1)
                seen = (seen & ~_covers(left, top, patch.shape, xs + flow[..., 0], ys + flow[..., 1])) | inside
                back[inside] = -np.float32(sprite_velocity)
        clip.frames.append(tf.constant(picture[None]))
        if t:
            clip.flows.append(back)
            clip.visible.append(seen.astype(np.float32))
    return clip


def _sprite_corner(size, patch_shape, velocity, t):
    """The sprite's top-left corner (x, y) in frame t: it starts right of centre, up."""
    (h, w), (ph, pw) = size, patch_shape[:2]
    return w * 0.7 - pw / 2 + velocity[0] * t, h * 0.35 - ph / 2 + velocity[1] * t


def _covers(left, top, patch_shape, x, y):
    """Which points (x, y) a patch with this top-left corner covers (bool, x's shape)."""
    ph, pw = patch_shape[:2]
    return (x >= left) & (x <= left + pw - 1) & (y >= top) & (y <= top + ph - 1)
