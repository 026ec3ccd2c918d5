"""The application's main path: one request, one pipeline, from what the user names to the files.

    from nstlib.pipeline import Request, run, stylize
    run(Request("golden_gate_bridge", "van_gogh_the_starry_night", sizes=(256, 512), output=Path("out.png")))

- :mod:`~nstlib.pipeline.request`: ``Request``, everything one run is (settings, images,
  blend, mask, sizes, colour mode, output, checkpoints), saved whole in a checkpoint;
- :mod:`~nstlib.pipeline.run`: ``run(request)`` reads the images once, puts the colour
  steps around the algorithm (:mod:`nstlib.core`, on tensors), saves what was asked;
  ``stylize()`` and its shorthands build a request;
- :mod:`~nstlib.pipeline.saving`: the callbacks that write files during a run.

Taught in notebooks/05_full_optimization.ipynb and 07_beyond_the_basics.ipynb.
"""

from .request import PRESERVE_MODES, Request
from .run import read_images, run, stylize, stylize_coarse_to_fine, stylize_preserving_colors

__all__ = ["PRESERVE_MODES", "Request", "read_images", "run", "stylize", "stylize_coarse_to_fine",
           "stylize_preserving_colors"]
