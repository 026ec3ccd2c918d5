"""The problem: what the optimization compares, with its targets computed once.

``StyleTransfer(content, style, config)`` extracts the content image's activations at
the content layers and the style image's per-position Gram matrices at the style layers,
once; ``problem.costs(image)`` then returns the costs of an image against them. Blends
of styles, masks and a second style outside a mask change only the targets.

Taught in notebooks/05_full_optimization.ipynb (the costs), 07_beyond_the_basics.ipynb
(blends, masks).
"""

import math
import os

import numpy as np
import tensorflow as tf

from ..errors import NSTError
from ..io.images import load_image, resize_to
from . import costs
from .vgg import cached_extractor


class StyleTransfer:
    """The costs of one (content, style) pair, with targets computed once.

    ``costs(image)`` returns a dict of float32 scalars {total, content, style, tv}.

    style may be a list of images, blended with style_weights (as jcjohnson's
    neural-style -style_blend_weights: the target Gram matrices are their weighted
    mean). mask, an (H, W) image in [0, 1], says where the style applies: outside it
    the pixels keep the content (their gradient is zeroed) unless outside_style is
    given, which is then painted there (each region's Gram matrices are its own).
    Gram matrices are compared per position (costs.position_gram), so a style image
    of another size than the content asks for the same statistics.
    """

    def __init__(self, content, style, config, extractor=None, weights=None, *,
                 style_weights=None, mask=None, outside_style=None):
        self.config = config
        self.extractor = extractor or cached_extractor(
            config.layer_names, weights, config.pooling, config.preprocess, config.precision
        )
        content_feats = self.extractor(content)
        # Targets, computed once: a_C at the content layers, G_hat_S at the style layers.
        self.a_C = {n: tf.constant(content_feats[n]) for n in config.content_layers}
        targets = self._style_targets(style, style_weights)
        self.update_mask = None  # (1, H, W, 1): which pixels may change
        if mask is None:
            self.regions = [(targets, None)]
        else:
            m = _as_mask(mask, content.shape[1:3])
            layer_masks = {
                n: tf.image.resize(m, content_feats[n].shape[1:3], method="area")
                for n, _ in config.style_layers
            }
            self.regions = [(targets, layer_masks)]
            if outside_style is None:
                self.update_mask = m
            else:
                outside = {n: 1.0 - lm for n, lm in layer_masks.items()}
                self.regions.append((self._style_targets(outside_style, None), outside))

    def _style_targets(self, style, style_weights):
        styles = list(style) if isinstance(style, (list, tuple)) else [style]
        w = _blend_weights(style_weights, len(styles))
        feats = [self.extractor(s) for s in styles]
        return {
            n: tf.add_n([w_i * costs.position_gram(f[n]) for w_i, f in zip(w, feats)])
            for n, _ in self.config.style_layers
        }

    def costs(self, image):
        cfg = self.config
        a_G = self.extractor(image)
        J_content = tf.add_n(
            [costs.content_distance(self.a_C[n], a_G[n], cfg.normalization) for n in cfg.content_layers]
        ) / len(cfg.content_layers)
        J_style = tf.add_n([
            lam * costs.gram_distance(G_hat_S[n], costs.position_gram(a_G[n], None if m is None else m[n]),
                                      cfg.normalization)
            for n, lam in cfg.style_layers
            for G_hat_S, m in self.regions
        ])
        J_tv = costs.total_variation_cost(image)
        J = costs.total_cost(J_content, J_style, cfg.alpha, cfg.beta) + cfg.tv_weight * J_tv
        return {"total": J, "content": J_content, "style": J_style, "tv": J_tv}


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
    """A mask (1, H, W, 1) in [0, 1] at `size` from a path, an array (H, W) or an image."""
    shape = None if isinstance(mask, (str, os.PathLike)) else np.shape(mask)
    if shape is not None and len(shape) == 2:  # (H, W)
        m = tf.convert_to_tensor(mask, tf.float32)[tf.newaxis, :, :, tf.newaxis]
    elif shape is not None and len(shape) == 4 and shape[-1] == 1:  # (1, H, W, 1)
        m = tf.convert_to_tensor(mask, tf.float32)
    else:  # a path or an image: its luminance
        m = tf.reduce_mean(load_image(mask, min_side=1), axis=-1, keepdims=True)
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
