"""The studio's pictures as PNG bytes, which an ``ipywidgets.Image`` shows as they are.

    png(image, max_side=512)        an image (a tensor or an array) as PNG bytes
    placeholder_png()               a light grey square, until there is an image
    plot_costs_png(history, cfg)    the cost curves of a run, drawn without pyplot

Taught in notebooks/06_tuning_with_widgets.ipynb.
"""

import io

import numpy as np
from PIL import Image

from ..io.images import to_uint8


def png(image, max_side=None):
    """PNG bytes of an image (1, H, W, 3) / (H, W, 3) in [0, 1] or uint8.

    max_side shrinks a larger picture (keeping its shape) so that the browser gets
    fewer bytes. Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    picture = Image.fromarray(to_uint8(image))
    if max_side and max(picture.size) > max_side:
        picture.thumbnail((max_side, max_side))
    buf = io.BytesIO()
    picture.save(buf, format="PNG")
    return buf.getvalue()


def placeholder_png(size=64):
    """PNG bytes of a light grey square: what an image widget shows before the first image.

    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    return png(np.full((size, size, 3), 235, np.uint8))


def plot_costs_png(history, config, width=4.2, height=2.8, dpi=80):
    """PNG bytes of the cost curves: total J, α·J_content, β·J_style (and TV) on a log y axis.

    ``history`` has lists "total", "content", "style", "tv" (as Result.history).
    Drawn with matplotlib's object API on an Agg canvas: no pyplot, so it is safe in
    the run's thread and shows no figure anywhere else.
    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi)
    fig.subplots_adjust(left=0.17, right=0.97, top=0.95, bottom=0.16)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    n = len(history.get("total", ()))
    steps = np.arange(1, n + 1)
    curves = [
        ("total J", history.get("total", []), 1.0, "black"),
        ("α·J_content", history.get("content", []), config.alpha, "tab:blue"),
        ("β·J_style", history.get("style", []), config.beta, "tab:orange"),
    ]
    if config.tv_weight > 0:
        curves.append(("TV weight·J_tv", history.get("tv", []), config.tv_weight, "tab:green"))
    drawn = []
    for label, values, weight, color in curves:
        y = weight * np.asarray(values, np.float64)
        y = np.where(y > 0, y, np.nan)  # log axis: a zero cost (step 1 from the content) is left out
        if n and np.isfinite(y).any():
            ax.plot(steps, y, label=label, color=color, lw=1.5)
            drawn.append(np.nanmax(y))
    if drawn:
        ax.set_yscale("log")
        # four decades below the top: the first steps' near-zero content cost would squash the rest
        ax.set_ylim(bottom=max(ax.get_ylim()[0], max(drawn) * 1e-4))
        ax.legend(fontsize=8, loc="upper right")
    else:
        ax.text(0.5, 0.5, "the costs appear here", ha="center", va="center", color="gray",
                transform=ax.transAxes)
    ax.set_xlabel("step")
    ax.set_ylabel("cost")
    ax.set_xlim(1, max(n, 2))
    ax.grid(True, which="major", alpha=0.3)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
