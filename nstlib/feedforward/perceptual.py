"""The perceptual loss: the course's costs, measured by VGG-19, over a batch of photos.

For a batch of photos C (m, h, w, 3) and the network's paintings G = f_W(C):

    J(W) = alpha * J_content(C, G) + beta * J_style(S, G) + tv_weight * J_tv(G)

- J_content: the course's ``content_cost`` at the content layer (block4_conv2, as in the
  course; Johnson et al. used relu2_2), averaged over the m photos.
- J_style: the course's style cost, sum over layers l of lambda_l * J_style^[l], with the
  Gram matrices per position (``position_gram``: G / (n_H n_W)), so that the style image
  S needs not be the size of the crops; for equal sizes it is exactly the course's
  ``layer_style_cost``. S's Gram matrices are computed once, here; averaged over the photos.
- J_tv: total variation per pixel position (``tv_distance``), averaged over the photos.

The defaults are the ``fast`` preset's balance (alpha 10, tv_weight 1e5) with a style
weight beta that the measured first training chose (see training.py). Taught in notebook 08.
"""

import tensorflow as tf

from ..config import STYLE_LAYERS
from ..core.costs import content_cost, position_gram
from ..core.losses import gram_distance, tv_distance
from ..core.vgg import FeatureExtractor

CONTENT_LAYER = "block4_conv2"
ALPHA, BETA, TV_WEIGHT = 10.0, 5e-3, 1e5


class PerceptualLoss:
    """J(W) for batches of photos and their paintings, with S's Gram matrices computed once.

    ``loss = PerceptualLoss(style_image)``; ``J, parts = loss(C, G)`` with C, G of shape
    (m, h, w, 3) in [0, 1]; parts = {"content": J_content, "style": J_style, "tv": J_tv},
    each a float32 scalar (the mean over the m photos). Works inside a ``tf.function``.
    """

    def __init__(self, style_image, alpha=ALPHA, beta=BETA, tv_weight=TV_WEIGHT,
                 content_layer=CONTENT_LAYER, style_layers=STYLE_LAYERS, precision="auto", weights=None):
        self.alpha, self.beta, self.tv_weight = float(alpha), float(beta), float(tv_weight)
        self.content_layer = content_layer
        self.style_layers = [name for name, _ in style_layers]
        self.lambdas = [float(lam) for _, lam in style_layers]
        self.extractor = FeatureExtractor([content_layer, *self.style_layers], weights=weights, precision=precision)
        a_S = self.extractor(tf.convert_to_tensor(style_image, tf.float32))  # {layer: (1, n_H, n_W, n_C)}
        self.G_S = [position_gram(a_S[name]) for name in self.style_layers]  # (n_C, n_C) each, once

    def __call__(self, C, G):
        a_C = self.extractor(C)[self.content_layer]  # (m, n_H, n_W, n_C)
        a_Gs = self.extractor(G)
        m = tf.shape(G)[0]
        J_content = content_cost(a_C, a_Gs[self.content_layer]) / tf.cast(m, tf.float32)
        J_style = self.style_cost(a_Gs, G.shape[0])
        J_tv = tv_distance(G) / tf.cast(m, tf.float32)  # tv_distance sums over the batch
        J = self.alpha * J_content + self.beta * J_style + self.tv_weight * J_tv
        return J, {"content": J_content, "style": J_style, "tv": J_tv}

    def style_cost(self, a_Gs, m):
        """sum_l lambda_l * J_style^[l](S, G_i), averaged over the m images G_i (m static)."""
        J_style = tf.constant(0.0)
        for name, G_S, lambda_l in zip(self.style_layers, self.G_S, self.lambdas):
            a_G = a_Gs[name]  # (m, n_H, n_W, n_C)
            for i in range(m):  # the course's Gram matrix is of one image: one at a time
                J_style += lambda_l * gram_distance(G_S, position_gram(a_G[i:i + 1])) / m
        return J_style
