"""Presets: the settings of the major references, each with its source.

    nst stylize photo.jpg van_gogh_the_starry_night --preset gatys
    stylize(content, style, preset("tf-tutorial", steps=200))

- ``default``: nstlib's own defaults (Config()): the course's formulas, with α/β = 10⁴
  because VGG-19 gets ImageNet-preprocessed pixels; Adam as the TF tutorial.
- ``course``: the deeplearning.ai assignment "Art Generation with Neural Style Transfer"
  (Deep Learning Specialization, course 4, week 4): content layer block5_conv4, style
  layers block1_conv1..block5_conv1 with λ = 0.2, J = 10 J_content + 40 J_style, the
  course's normalizations, Adam(learning rate 0.01, Keras' defaults otherwise),
  400 × 400 pixels in [0, 1] fed to VGG-19 without ImageNet preprocessing, 2500 steps,
  starting from the content plus uniform noise (here: 0.75 content + 0.25 noise).
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

from ..config import STYLE_LAYERS, Config
from ..errors import NSTError

PRESETS = {
    "default": Config(),
    "course": Config(
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


def preset(name, **changes):
    """The Config of a preset, with some fields changed: preset("gatys", steps=200)."""
    if name not in PRESETS:
        raise NSTError(f"Unknown preset {name!r}: choose one of {', '.join(PRESETS)}.")
    return PRESETS[name].replace(**changes) if changes else PRESETS[name]
