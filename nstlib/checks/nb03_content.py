"""The check of notebooks/03_content_cost.ipynb: ``check_content_cost``."""

import itertools

import numpy as np

from ..core import costs
from .harness import run_pair_cost_checks


def check_content_cost(content_cost):
    """Check content_cost(a_C, a_G) = 1/(4 n_H n_W n_C) sum((a_C - a_G)^2). Notebook 03."""
    run_pair_cost_checks(
        "content_cost", content_cost, costs.content_cost, ("a_C", "a_G"), seeds=(0, 1),
        mistakes=_mistakes, why=": an image has no content cost to itself",
    )


def _mistakes(a_C, a_G, expected):
    """The values of typical wrong content costs of a_C, a_G, with their hints."""
    _, n_H, n_W, n_C = a_C.shape
    n = n_H * n_W * n_C
    diff = (a_C - a_G).numpy()
    return _missing_factors(
        expected, {"4": 4, "n_H": n_H, "n_W": n_W, "n_C": n_C}, "4 n_H n_W n_C"
    ) + [
        (expected / n, f"the value is {n}x too small: tf.reduce_mean already divides by "
                       "n_H n_W n_C; use tf.reduce_sum, then divide by 4 n_H n_W n_C"),
        (diff.sum() / (4 * n), "square the differences before summing them (tf.square): "
                                 "unsquared, positive and negative differences cancel out"),
        (np.abs(diff).sum() / (4 * n), "square the differences (tf.square), don't take their absolute value"),
        (np.sqrt(expected), "the value looks like a square root of the cost: sum the squared "
                            "differences, with no tf.sqrt or tf.norm"),
        (-expected, "the cost has the wrong sign: it is a sum of squares, never negative"),
    ]


def _missing_factors(expected, factors, formula):
    """Known mistakes: each subset of the normalization's factors left out."""
    mistakes = []
    names = list(factors)
    for r in range(1, len(names) + 1):
        for subset in itertools.combinations(names, r):
            ratio = float(np.prod([factors[n] for n in subset]))
            if r == len(names):
                hint = f"the value is {ratio:g}x too large: divide the sum by {formula}"
            elif subset == ("4",):
                hint = f"the value is 4x too large: did you forget the 4 in 1/({formula})?"
            else:
                hint = (
                    f"the value is {ratio:g}x too large: the normalization 1/({formula}) is "
                    f"missing {' and '.join(subset)}"
                )
            mistakes.append((expected * ratio, hint))
    return mistakes
