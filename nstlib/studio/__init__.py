"""A live style-transfer studio: every hyperparameter on a slider, the image as it forms.

    from nstlib.studio import Studio
    studio = Studio()          # or Studio(steps=100, max_dim=256): Config overrides
    studio                     # the panel (JupyterLab, Jupyter Notebook, Colab, VS Code)

The files, each one idea:

    panel.py     Studio: the panel's layout, Run/Stop/Compare/Save, the status line; studio()
    binding.py   the settings widgets and their ranges <-> a validated Config
    pickers.py   the content and style images: an example or an upload, with its thumbnail
    runner.py    the background thread (one run at a time, Stop) and the live updates
    compare.py   compare mode: one setting at several values, the results side by side
    plots.py     PNG bytes for the image widgets: images and the cost curves
    status.py    the status line's words: one line of HTML, never a traceback

Only ipywidgets, so it works wherever ipywidgets does. In Colab run
``from google.colab import output; output.enable_custom_widget_manager()`` once if
the panel does not show. Taught in notebooks/06_tuning_with_widgets.ipynb.
"""

from .binding import Binding, default_config
from .compare import COMPARE, parse_values
from .panel import Studio, studio
from .plots import plot_costs_png

__all__ = ["Studio", "studio", "Binding", "default_config", "COMPARE", "parse_values",
           "plot_costs_png"]
