"""Presets: the settings of the major references, each with its source.

    nst stylize photo.jpg van_gogh_the_starry_night --preset gatys
    stylize(content, style, preset("tf-tutorial", steps=200))

- ``fast``: the main job's default (``nstlib.config.DEFAULT_CONFIG``, written next to
  Config): what stylize(), the CLI, the studio and `nst video` start from, the best picture
  per second measured on a float32 CPU (benchmarks/schedules.py): L-BFGS from the content
  image, few iterations, a little total variation so that small sizes stay clean.
- ``high``: the high-quality mode, from the techniques K. Crowson's style-transfer-pytorch
  documents: the Wasserstein-2 style loss (means and covariances of the features), sizes
  from 128 px up by √2 with Adam's moments carried over, the moving average of the
  iterates (bias-corrected) as the result, and style layer weights falling with depth
  (256 : 64 : 16 : 4 : 1). 100 steps at each smaller size, 50 at the last one with the
  average's decay 0.95 (see HIGH_FINAL below).
- ``plain``: Config(), the plain Adam loop notebook 05 teaches: the course's formulas,
  α/β = 10⁴ because VGG-19 gets ImageNet-preprocessed pixels; Adam as the TF tutorial.
- ``course-2018`` and ``course-2021``: the deeplearning.ai assignment "Art Generation with
  Neural Style Transfer" (Deep Learning Specialization, course 4, week 4), in its two
  versions. Both: style layers conv1_1..conv5_1 with λ = 0.2, J = 10 J_content +
  40 J_style, the course's normalizations, Adam.
  - 2018 (TensorFlow 1, MatConvNet's VGG-19): pixels 0-255 minus the ImageNet means
    (as ``preprocess=True``), content layer conv4_2, the start a mix of 0.4 content and
    0.6 noise (noise ratio 0.6), Adam with learning rate 2.0 on 0-255 pixels (2/255 on
    [0, 1] pixels), 200 iterations, 400 × 300 pixels.
  - 2021 (TensorFlow 2, Keras' VGG-19): pixels in [0, 1] fed as they are
    (``preprocess=False``), content layer block5_conv4, the start the content plus
    uniform noise in ±0.25 (here: 0.75 content + 0.25 noise, nstlib's mix), Adam
    (learning rate 0.01), 2500 steps, 400 × 400 pixels.
- ``gatys``: Gatys, Ecker and Bethge, "Image Style Transfer Using Convolutional Neural
  Networks", CVPR 2016: content conv4_2, style conv1_1..conv5_1 with w_l = 1/5, average
  pooling ("we found that replacing the maximum pooling operation by average pooling
  yields slightly more appealing results"), L-BFGS, from white noise, α/β = 10⁻³
  (Figure 3), content loss ½ Σ(F − P)², style loss 1/(4 N² M²) Σ(G − A)²; 1000
  iterations as jcjohnson/neural-style's default.
- ``tf-tutorial``: TensorFlow's tutorial "Neural style transfer"
  (tensorflow.org/tutorials/generative/style_transfer): content block5_conv2, style
  block1_conv1..block5_conv1, Gram matrices divided by H·W, mean squared errors,
  style weight 1e-2, content weight 1e4 (each divided by its number of layers),
  total variation weight 30, Adam(0.02, β1 = 0.99, ε = 0.1), from the content image,
  512 pixels, 10 epochs of 100 steps.

Taught in notebooks/07_beyond_the_basics.ipynb.
"""

from __future__ import annotations

from ..config import DEFAULT_CONFIG, DEFAULT_PRESET, STYLE_LAYERS, Config
from ..errors import NSTError

# The high-quality mode's style layer weights: 256 : 64 : 16 : 4 : 1, summing to 1.
FALLING_WEIGHTS = tuple((name, w / 341) for (name, _), w in zip(STYLE_LAYERS, (256, 64, 16, 4, 1)))

# style-transfer-pytorch weighs its content MSE by 0.015 against the W2 style loss's 1; our
# content cost (the course's) is that MSE / 4 weighed by alpha = 10, so the same balance is
# beta = 10 / 4 / 0.015 ≈ 167. Both costs are quadratic in the activations, so the balance
# holds whatever the input scaling. Looked at on three pairs at 256 and 512 px: 150.
HIGH_BETA = 150.0

# The last size is the costly one (half of the run's time with 150 steps there). Measured on
# the default pair at 384 px, float32 CPU (benchmarks/schedules.py, rows high-*): 50 steps with
# decay 0.95 scored as 150 with 0.99 by the yardstick (style ratio 0.362 against 0.367, content
# distance 2.07e5 against 2.01e5) in 0.60x the time, and looked as sharp; 50 steps with 0.99
# averaged in the blurred start of the size (the upsampled last size): a softer face. Fewer
# coarse steps (60, decay 0.99) cost 15 % of style ratio.
HIGH_FINAL = {"steps": 50, "ema": 0.95}

PRESETS = {
    DEFAULT_PRESET: DEFAULT_CONFIG,
    "high": Config(
        style_loss="w2", style_layers=FALLING_WEIGHTS, beta=HIGH_BETA, min_size=128, scale_factor=2**0.5,
        coarse_steps=100, warm_start=True, adam_beta1=0.9, learning_rate=0.02, **HIGH_FINAL,
    ),
    "plain": Config(),
    "course-2018": Config(
        content_layers=("block4_conv2",), style_layers=STYLE_LAYERS, alpha=10, beta=40,
        normalization="course", preprocess=True, optimizer="adam", learning_rate=2.0 / 255,
        adam_beta1=0.9, adam_epsilon=1e-7, max_dim=400, steps=200, init="noise", noise_ratio=0.6,
    ),
    "course-2021": Config(
        content_layers=("block5_conv4",), style_layers=STYLE_LAYERS, alpha=10, beta=40,
        normalization="course", preprocess=False, optimizer="adam", learning_rate=0.01,
        adam_beta1=0.9, adam_epsilon=1e-7, max_dim=400, steps=2500, init="noise", noise_ratio=0.25,
    ),
    "gatys": Config(
        content_layers=("block4_conv2",), style_layers=STYLE_LAYERS, pooling="avg", alpha=1,
        beta=1e3, normalization="gatys", optimizer="lbfgs", init="noise", noise_ratio=1.0,
        max_dim=512, steps=1000,
    ),
    "tf-tutorial": Config(
        content_layers=("block5_conv2",), style_layers=STYLE_LAYERS, alpha=1e4, beta=1e-2,
        tv_weight=30, normalization="tf-tutorial", optimizer="adam", learning_rate=0.02,
        adam_beta1=0.99, adam_epsilon=0.1, init="content", max_dim=512, steps=1000,
    ),
}
DEFAULT = DEFAULT_PRESET  # what stylize(), `nst stylize`, `nst video` and the studio start from


def preset(name: str, **changes) -> Config:
    """The Config of a preset, with some fields changed: preset("gatys", steps=200)."""
    if name not in PRESETS:
        raise NSTError(f"Unknown preset {name!r}: choose one of {', '.join(PRESETS)}.")
    return PRESETS[name].replace(**changes) if changes else PRESETS[name]
