"""What the training loop compares, under each reference's normalization (Config.normalization).

The course's formulas are in :mod:`nstlib.core.costs`; these are the loop's versions of
them, for every reference the presets reproduce, plus the Wasserstein-2 style loss of
the high-quality preset:

- ``content_distance``: course = content_cost, gatys = ½ Σ (F − P)², tf-tutorial = mean.
- ``gram_distance``: per-position Gram matrices; course and gatys Σ / (4 n_C²), which is the
  course's layer_style_cost for equal sizes; tf-tutorial the mean of the squares.
- ``tv_distance``: total variation; tf-tutorial the sum over pixels (as the tutorial),
  the others its mean per pixel position, so that one TV weight means the same at every
  size (a sum grows with the pixel count, the other costs do not).
- ``gaussian_w2``: the squared Wasserstein-2 distance between the Gaussians with the
  features' mean and covariance (as K. Crowson's style-transfer-pytorch documents it).
- ``temporal_distance``: a video frame against the previous stylized frame warped along
  the optical flow, where the warp holds (Ruder, Dosovitskiy and Brox 2016).

Taught in notebooks/05_full_optimization.ipynb (TV), 07_beyond_the_basics.ipynb (W2).
"""

import tensorflow as tf

from .costs import content_cost, position_gram, total_variation_cost

W2_EPS = 1e-4  # added to the covariances' diagonal, so that their square roots are stable
EIGENVALUE_FLOOR = 1e-12  # keeps the square root's gradient finite at a zero eigenvalue


def content_distance(a_C, a_G, normalization="course"):
    """The content cost at one layer under a reference's normalization."""
    squared = tf.square(tf.convert_to_tensor(a_C, tf.float32) - a_G)
    if normalization == "course":
        return content_cost(a_C, a_G)
    if normalization == "gatys":
        return 0.5 * tf.reduce_sum(squared)
    return tf.reduce_mean(squared)


def gram_distance(G_hat_S, G_hat_G, normalization="course"):
    """The style cost at one layer between per-position Gram matrices (n_C, n_C)."""
    squared = tf.square(G_hat_S - G_hat_G)
    if normalization == "tf-tutorial":
        return tf.reduce_mean(squared)
    n_C = tf.cast(tf.shape(G_hat_S)[0], tf.float32)
    return tf.reduce_sum(squared) / (4.0 * n_C**2)


def tv_distance(image, normalization="course"):
    """Total variation of image (1, H, W, 3): summed (tf-tutorial) or per pixel position."""
    J_tv = total_variation_cost(image)
    if normalization == "tf-tutorial":
        return J_tv
    shape = tf.shape(image)
    return J_tv / tf.cast(shape[1] * shape[2], tf.float32)


def style_distance(target, a_G, mask=None, style_loss="gram", normalization="course"):
    """One layer's style cost of activations a_G (1, n_H, n_W, n_C) against a target:
    a per-position Gram matrix ("gram"), or w2_target's statistics ("w2")."""
    if style_loss == "gram":
        return gram_distance(target, position_gram(a_G, mask), normalization)
    mean, gram = position_moments(a_G, mask)
    return gaussian_w2(target, mean, gram)


def position_moments(a, mask=None):
    """(mean (n_C,), second moment G / positions (n_C, n_C)) of a, optionally mask-weighted."""
    a = tf.convert_to_tensor(a, tf.float32)
    if mask is None:
        mean = tf.reduce_mean(a, axis=(0, 1, 2))
    else:
        mean = tf.reduce_sum(a * mask, axis=(0, 1, 2)) / tf.maximum(tf.reduce_sum(mask), 1.0)
    return mean, position_gram(a, mask)


def _covariance(mean, gram):
    n_C = tf.shape(mean)[0]
    return gram - mean[:, None] * mean[None, :] + W2_EPS * tf.eye(n_C)


def w2_target(mean, gram):
    """The style statistics gaussian_w2 compares with: mean, covariance, and its square root.

    mean (n_C,) and gram (n_C, n_C), per position, as they blend: linearly.
    """
    cov = _covariance(mean, gram)
    eigenvalues, vectors = tf.linalg.eigh(cov)  # once per style: exact
    cov_sqrt = (vectors * tf.sqrt(tf.maximum(eigenvalues, 0.0))) @ tf.transpose(vectors)
    return {"mean": mean, "cov": cov, "cov_sqrt": cov_sqrt}


def trace_sqrtm(M):
    """tr(M^½) of a symmetric positive semi-definite matrix M: the sum of the square roots
    of its eigenvalues.

    Only the eigenvalues are needed, and their gradient is stable (v vᵀ per eigenvalue;
    it is the eigenvectors' gradient that breaks down for close eigenvalues), and it is
    faster on a CPU than Newton-Schulz iterations (benchmarks/ measure it).
    """
    M = 0.5 * (M + tf.transpose(M))  # symmetric to the last bit, as eigvalsh assumes
    return tf.reduce_sum(tf.sqrt(tf.maximum(tf.linalg.eigvalsh(M), EIGENVALUE_FLOOR)))


def gaussian_w2(target, mean, gram):
    """W2² between N(target mean, target cov) and N(mean, cov of gram), per channel:

    mean((μ − μ_S)²) + tr(Σ + Σ_S − 2 (Σ_S^½ Σ Σ_S^½)^½) / n_C.
    """
    cov = _covariance(mean, gram)
    cross = trace_sqrtm(target["cov_sqrt"] @ cov @ target["cov_sqrt"])
    n_C = tf.cast(tf.shape(mean)[0], tf.float32)
    mean_term = tf.reduce_mean(tf.square(mean - target["mean"]))
    return mean_term + (tf.linalg.trace(cov + target["cov"]) - 2.0 * cross) / n_C


def temporal_distance(image, warped, weights):
    """Ruder et al.'s short-term temporal cost: Σ c (x − ω)² / D, the mean over the pixels
    and channels of the squared difference to the warped previous frame ω, weighted by
    c in [0, 1] (0 where the previous frame is occluded). All three (1, H, W, ·)."""
    return tf.reduce_mean(weights * tf.square(image - warped))
