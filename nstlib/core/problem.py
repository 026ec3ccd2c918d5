"""The problem: what the optimization compares, with its targets computed once.

``StyleTransfer(content, style, config)`` extracts the content image's activations at
the content layers and the style image's statistics at the style layers, once;
``problem.costs(image)`` then returns the costs of an image against them. Blends of
styles, masks and a second style outside a mask change only the targets.

The costs are a pure function of the image and of tensors (:func:`evaluate`): the
targets and the weights (α, β, the TV weight, the λ_l). What the traced training step
depends on beyond them is ``problem.spec``, a small hashable structure, so that runs
with the same structure (video frames, the studio's comparisons, the sizes of a
coarse-to-fine ladder) reuse one traced step.

Taught in notebooks/05_full_optimization.ipynb (the costs), 07_beyond_the_basics.ipynb
(blends, masks, the Wasserstein style loss).
"""

import math
import os
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from ..errors import NSTError
from . import costs, losses
from .pixels import resize_to
from .vgg import cached_extractor


@dataclass(frozen=True)
class Spec:
    """The static structure of a problem: everything a traced step depends on but tensors."""

    content_layers: tuple
    style_layers: tuple  # names, in the config's order
    normalization: str
    style_loss: str  # "gram" or "w2"
    regions: int  # 1, or 2 with a second style outside a mask
    masked: bool  # the style statistics are taken inside region masks
    update_mask: bool  # pixels outside the mask keep the content
    temporal: bool = False  # a video frame: the temporal cost against the warped previous frame


class StyleTransfer:
    """The costs of one (content, style) pair, with targets computed once.

    ``costs(image)`` returns a dict of float32 scalars {total, content, style, tv}.

    style may be a list of images, blended with style_weights (as jcjohnson's
    neural-style -style_blend_weights: the target statistics are their weighted mean).
    mask, an (H, W) image in [0, 1], says where the style applies: outside it the pixels
    keep the content (their gradient is zeroed) unless outside_style is given, which is
    then painted there (each region's statistics are its own). previous, for a video
    frame: (the previous stylized frame warped along the optical flow (1, H, W, 3), the
    weights (1, H, W, 1) of the pixels where that warp holds), the temporal cost's
    target (Ruder et al. 2016; nstlib.extensions.flow). Gram matrices are
    compared per position (costs.position_gram), so a style image of another size than
    the content asks for the same statistics.
    """

    def __init__(self, content, style, config, extractor=None, *,
                 style_weights=None, mask=None, outside_style=None, previous=None):
        self.config = config
        self.extractor = extractor or cached_extractor(
            config.layer_names, None, config.pooling, config.preprocess, config.precision
        )
        content_feats = self.extractor(content)
        names = tuple(n for n, _ in config.style_layers)
        regions = [self._style_targets(style, style_weights)]
        self.targets = {"content": {n: content_feats[n] for n in config.content_layers}, "style": regions}
        self.update_mask = None  # (1, H, W, 1): which pixels may change
        # what the problem is made of besides the content and the styles: a checkpoint keeps it
        self.inputs = {"mask": None, "outside_style": outside_style,
                       "style_weights": None if style_weights is None else [float(w) for w in style_weights]}
        if mask is not None:
            m = self.inputs["mask"] = _as_mask(mask, content.shape[1:3])
            layer_masks = {n: tf.image.resize(m, content_feats[n].shape[1:3], method="area") for n in names}
            self.targets["masks"] = [layer_masks]
            if outside_style is None:
                self.update_mask = self.targets["update_mask"] = m
            else:
                regions.append(self._style_targets(outside_style, None))
                self.targets["masks"].append({n: 1.0 - lm for n, lm in layer_masks.items()})
        if previous is not None:  # (the warped previous stylized frame, where it counts)
            self.targets["temporal"] = {"image": previous[0], "weights": previous[1]}
        self.weights = {
            "alpha": config.alpha, "beta": config.beta, "tv": config.tv_weight,
            "layers": dict(config.style_layers), "temporal": config.temporal_weight,
        }
        self.weights = tf.nest.map_structure(lambda w: tf.constant(w, tf.float32), self.weights)
        self.spec = Spec(config.content_layers, names, config.normalization, config.style_loss,
                         len(regions), mask is not None, self.update_mask is not None, previous is not None)

    def _style_targets(self, style, style_weights):
        """{layer: the (blended) style statistics the loss compares}."""
        styles = list(style) if isinstance(style, (list, tuple)) else [style]
        w = _blend_weights(style_weights, len(styles))
        feats = [self.extractor(s) for s in styles]
        targets = {}
        for n, _ in self.config.style_layers:
            # means and second moments (G / positions) blend linearly, covariances do not
            mean = tf.add_n([w_i * tf.reduce_mean(f[n], axis=(0, 1, 2)) for w_i, f in zip(w, feats)])
            gram = tf.add_n([w_i * costs.position_gram(f[n]) for w_i, f in zip(w, feats)])
            targets[n] = losses.w2_target(mean, gram) if self.config.style_loss == "w2" else gram
        return targets

    def costs(self, image):
        return evaluate(self.spec, self.extractor, image, self.targets, self.weights)


def evaluate(spec, extractor, image, targets, weights):
    """The costs {total, content, style, tv} (and temporal) of image (1, H, W, 3): a pure function."""
    a_G = extractor(image)
    J_content = tf.add_n([
        losses.content_distance(targets["content"][n], a_G[n], spec.normalization) for n in spec.content_layers
    ]) / len(spec.content_layers)
    terms = []
    for r in range(spec.regions):
        for n in spec.style_layers:
            mask = targets["masks"][r][n] if spec.masked else None
            terms.append(weights["layers"][n] * losses.style_distance(
                targets["style"][r][n], a_G[n], mask, spec.style_loss, spec.normalization))
    J_style = tf.add_n(terms)
    J_tv = losses.tv_distance(image, spec.normalization)
    J = costs.total_cost(J_content, J_style, weights["alpha"], weights["beta"], J_tv, weights["tv"])
    out = {"total": J, "content": J_content, "style": J_style, "tv": J_tv}
    if spec.temporal:
        out["temporal"] = losses.temporal_distance(image, targets["temporal"]["image"], targets["temporal"]["weights"])
        out["total"] = J + weights["temporal"] * out["temporal"]
    return out


def _blend_weights(style_weights, n):
    """n non-negative weights summing to 1 (equal when None)."""
    if style_weights is None:
        return [1.0 / n] * n
    try:
        w = [float(x) for x in style_weights]
    except (TypeError, ValueError):
        raise NSTError(f"Style weights must be numbers, not {style_weights!r}.") from None
    if len(w) != n:
        raise NSTError(f"Give one weight per style: {n} style(s) but {len(w)} weight(s).")
    if any(not math.isfinite(x) or x < 0 for x in w) or sum(w) <= 0:
        raise NSTError(f"Style weights must be numbers >= 0 with a positive sum, not {style_weights!r}.")
    return [x / sum(w) for x in w]


def _as_mask(mask, size):
    """A mask (1, H, W, 1) in [0, 1] at `size` from a tensor or array (H, W), (1, H, W, 1), or an
    image (1, H, W, 3): its luminance. A file is read by the caller (nstlib.io.images.load_mask)."""
    if isinstance(mask, (str, os.PathLike)):
        raise NSTError("StyleTransfer takes a mask as a tensor: read the file with nstlib.io.images.load_mask "
                       "(stylize() does).")
    shape = np.shape(mask)
    if len(shape) == 2:  # (H, W)
        m = tf.convert_to_tensor(mask, tf.float32)[tf.newaxis, :, :, tf.newaxis]
    elif len(shape) == 4 and shape[0] == 1 and shape[-1] in (1, 3):  # (1, H, W, 1), or an image
        m = tf.reduce_mean(tf.convert_to_tensor(mask, tf.float32), axis=-1, keepdims=True)
    else:
        raise NSTError(f"A mask must be (H, W), (1, H, W, 1) or an image (1, H, W, 3), not of shape {shape}.")
    if float(tf.reduce_min(m)) < 0 or float(tf.reduce_max(m)) > 1:
        raise NSTError("A mask's values must lie in [0, 1] (1 where the style applies).")
    return tf.image.resize(m, size)


def initial_image(content, style, config):
    """The image the optimization starts from, (1, H, W, 3) like the content."""
    if config.init == "content":
        return tf.identity(content)
    if config.init == "style":
        style = style[0] if isinstance(style, (list, tuple)) else style
        return resize_to(style, content.shape[1:3])
    noise = tf.random.stateless_uniform(content.shape, seed=(config.seed, 1))
    return (1.0 - config.noise_ratio) * content + config.noise_ratio * noise
