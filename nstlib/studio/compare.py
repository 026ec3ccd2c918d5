"""Compare mode: one setting at several values, one run each, the results side by side.

    COMPARE                             what can be varied: param -> (label, example values)
    parse_values("ratio", "1e2, 1e4")   -> [100.0, 10000.0] (NSTError if a value is bad)
    series(cfg, "ratio", [1e2, 1e4])    -> [(label, cfg with that ratio), ...]
    compare_widgets()                   the dropdown, the values box, the button, the grid
    tile(label, result, on_save)        one result in the grid: image, caption, Save

The runs themselves are the Studio's (``Studio.compare``), one after another in the
runner's thread; Stop ends the whole series.

Taught in notebooks/06_tuning_with_widgets.ipynb.
"""

import re

import ipywidgets as widgets

from ..errors import NSTError
from .binding import LABEL_STYLE, wide
from .plots import png
from .status import TEXT, esc

MAX_COMPARE = 8

# What can be varied, how it is shown, and example values.
COMPARE = {
    "ratio": ("α/β ratio", "1e2, 1e4, 1e6"),
    "learning_rate": ("learning rate", "0.005, 0.02, 0.08"),
    "content_layer": ("content layer", "block2_conv2, block4_conv2, block5_conv2"),
    "tv_weight": ("TV weight", "0, 10, 1000"),
    "init": ("init", "content, noise, style"),
    "optimizer": ("optimizer", "adam, lbfgs"),
}
NUMERIC = ("ratio", "learning_rate", "tv_weight")


def parse_values(param, text):
    """The values typed for compare mode: '1e2, 1e4' -> [100.0, 10000.0]; NSTError if bad.

    text may also be a list of values (each checked as if typed).
    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    if not isinstance(text, str):
        text = ", ".join(map(str, text))
    if param not in COMPARE:
        raise NSTError(f"Cannot compare {param!r}; choose one of {', '.join(COMPARE)}.")
    name, example = COMPARE[param]
    items = [s for s in re.split(r"[,;\s]+", str(text)) if s]
    if not items:
        raise NSTError(f"Type the values of {name} to compare, e.g. {example}.")
    if len(items) > MAX_COMPARE:
        raise NSTError(f"Compare at most {MAX_COMPARE} values at a time, not {len(items)}.")
    if param not in NUMERIC:
        return items
    values = []
    for s in items:
        try:
            values.append(float(s))
        except ValueError:
            raise NSTError(
                f"{s!r} is not a number: type the values of {name} "
                f"separated by commas, e.g. {example}."
            ) from None
    return values


def label(param, value):
    """How a value is shown under its image: 'α/β ratio = 1e+06'.

    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    name = COMPARE[param][0]
    return f"{name} = {value:g}" if isinstance(value, float) else f"{name} = {value}"


def vary(cfg, param, value):
    """cfg with one setting at value (the ratio changes beta; NSTError if it is not valid).

    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    if param == "ratio":
        if value <= 0:
            raise NSTError(f"The α/β ratio must be greater than 0, not {value:g}.")
        return cfg.replace(beta=cfg.alpha / value)
    if param == "content_layer":
        return cfg.replace(content_layers=(value,))
    return cfg.replace(**{param: value})


def series(base, param, values):
    """The comparison's runs: [(label, base with param at value), ...], every Config validated.

    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    return [(label(param, v), vary(base, param, v)) for v in values]


def series_report(param, done, planned, seconds, last):
    """The final word on a comparison of which done of planned runs ran (last: the last Result).

    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    if done < planned or (last is not None and last.stopped and not last.diverged):
        return (f"Stopped the comparison after {done} of {planned} runs "
                f"({seconds:.0f} s).", TEXT, "")
    return (f"Compared {done} values of {esc(COMPARE[param][0])} in "
            f"{seconds:.0f} s: the best images are below.", TEXT, "Done:")


def compare_widgets():
    """(param dropdown, values text box, Compare button, grid of results).

    Choosing a setting puts its example values in the text box.
    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """
    W = widgets
    param = W.Dropdown(options=[(v[0], k) for k, v in COMPARE.items()],
                       value="ratio", description="compare", style=LABEL_STYLE)
    values = W.Text(value=COMPARE["ratio"][1], description="values",
                    placeholder="comma-separated", style=LABEL_STYLE, layout=wide())
    button = W.Button(description="Compare", icon="columns", button_style="info",
                      tooltip="one run per value, one after another")
    grid = W.GridBox(layout=W.Layout(grid_template_columns="repeat(auto-fill, 220px)",
                                     grid_gap="8px"))

    def on_param(change):
        values.value = COMPARE[change["new"]][1]

    param.observe(on_param, names="value")
    return param, values, button, grid


def tile(label, result, on_save):
    """One result of a comparison: its best image, label and cost, and a Save button.

    on_save(result, label) is called by the button. Taught in
    notebooks/06_tuning_with_widgets.ipynb.
    """
    W = widgets
    note = []
    if result.diverged:
        note.append("diverged")
    elif result.stopped:
        note.append(f"stopped at step {result.steps_done}")
    caption = esc(label) + (f" <small>({', '.join(note)})</small>" if note else "")
    caption += f"<br><small>J = {result.best_cost:.3g}, {result.seconds:.1f} s</small>"
    image = W.Image(value=png(result.best_image, max_side=512), format="png",
                    layout=W.Layout(width="210px", height="auto"))
    button = W.Button(description="Save", icon="save", layout=W.Layout(width="90px"))
    button.on_click(lambda _: on_save(result, label))
    box = W.VBox([image, W.HTML(caption), button])
    box.add_class("nst-tile")
    return box
